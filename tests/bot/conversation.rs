//! Conversations through the stand-in: private questions and buttons, groups, inline mode,
//! deep links, admin commands, hostile input, flood control, and token errors.

use std::process::Command;
use std::time::Duration;

use serde_json::json;

use super::standin::{BOT_ID, BOT_USERNAME, Call};
use super::*;

#[test]
fn private_question_gets_passage_source_buttons_and_next_edits_in_place() {
    let bot = Bot::start(Options::default());
    bot.api.wait_for(|c| c.method == "setMyCommands");
    bot.say(STUDENT, STUDENT, "when do I pour the water over the tea?");
    let answer = bot.reply_containing(STUDENT, "ater");
    assert_eq!(answer.body["parse_mode"], "HTML");
    let html = text(&answer);
    assert!(html.contains("<b>"), "key sentence in bold: {html}");
    assert!(
        html.contains("<a href=\"https://example.org/brew?a=1&amp;b=2\">Brewing</a>"),
        "{html}"
    );
    assert!(only_safe_tags(&html), "{html}");
    assert!(bot.api.calls_of("sendChatAction").iter().any(|c| c.body["action"] == "typing"));
    let labels: Vec<String> = buttons(&answer)
        .into_iter()
        .map(|(l, d)| {
            assert!(d.len() <= 64, "callback_data too long: {d}");
            l
        })
        .collect();
    for label in ["Next answer", "Show context", "👍", "👎"] {
        assert!(labels.iter().any(|l| l.contains(label)), "{labels:?}");
    }

    // "Next answer" edits the same message to another passage.
    bot.press(STUDENT, &answer.result, &button(&answer, "Next answer"));
    let edit = bot.api.wait_for(|c| c.method == "editMessageText");
    assert_eq!(edit.body["message_id"], answer.result["message_id"]);
    assert_ne!(text(&edit), html);
    assert_eq!(edit.body["parse_mode"], "HTML");
    bot.api.wait_for(|c| {
        c.method == "answerCallbackQuery"
            && c.body["text"].as_str().unwrap_or("").starts_with("Answer 2")
    });

    // 👍 and "Show context" answer too.
    bot.press(STUDENT, &answer.result, &button(&answer, "👍"));
    bot.api.wait_for(|c| {
        c.method == "answerCallbackQuery" && c.body["text"] == "Thanks for the feedback!"
    });
    bot.press(STUDENT, &answer.result, &button(&answer, "Show context"));
    let context = bot.api.wait_for(|c| {
        c.method == "sendMessage"
            && c.body["reply_parameters"]["message_id"] == answer.result["message_id"]
    });
    assert!(text(&context).contains("ater"), "{}", text(&context));

    // A question with no good match gets an honest reply and no buttons.
    bot.say(STUDENT, STUDENT, "quantum chromodynamics lattice gauge");
    let none = bot.reply_containing(STUDENT, "no good match");
    assert!(buttons(&none).is_empty());

    // Graceful stop; the token never reached the log.
    let (ok, stderr) = bot.stop();
    assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
    assert!(!stderr.contains("SECRETtokenPART"), "token leaked:\n{stderr}");
}

#[test]
fn groups_answer_ask_mentions_and_replies_and_ignore_chatter() {
    let bot = Bot::start(Options::default());
    let chatter = bot.say(STUDENT, GROUP, "anyone up for lunch? the kettle is broken");
    let ask = bot.say(STUDENT, GROUP, &format!("/ask@{BOT_USERNAME} how do I unpack the archive?"));
    let answer = bot.api.wait_for(|c| {
        c.method == "sendMessage" && c.body["reply_parameters"]["message_id"] == json!(ask)
    });
    assert!(text(&answer).contains("archive"), "{}", text(&answer));

    let mention =
        bot.say(STUDENT, GROUP, &format!("@{BOT_USERNAME} when should I water the tomatoes?"));
    let answer = bot.api.wait_for(|c| {
        c.method == "sendMessage" && c.body["reply_parameters"]["message_id"] == json!(mention)
    });
    assert!(text(&answer).contains("tomato"), "{}", text(&answer));

    let mut bot_message = answer.result.clone();
    bot_message["from"] = json!({"id": BOT_ID, "is_bot": true, "first_name": "Passage"});
    let reply = bot.say_replying(
        STUDENT,
        GROUP,
        "and how often do I oil the bicycle chain?",
        Some(bot_message),
    );
    let answer = bot.api.wait_for(|c| {
        c.method == "sendMessage" && c.body["reply_parameters"]["message_id"] == json!(reply)
    });
    assert!(text(&answer).contains("chain"), "{}", text(&answer));

    let other_bot = bot.say(STUDENT, GROUP, "/ask@some_other_bot how do I unpack the archive?");
    let plain_ask = bot.say(STUDENT, GROUP, "/ask what about the bicycle tyre pressure?");
    bot.api.wait_for(|c| {
        c.method == "sendMessage" && c.body["reply_parameters"]["message_id"] == json!(plain_ask)
    });
    // Updates of one chat are handled in order, so the earlier ones are settled by now.
    let to_ignored = bot.api.calls_of("sendMessage").into_iter().filter(|c| {
        let target = &c.body["reply_parameters"]["message_id"];
        *target == json!(chatter) || *target == json!(other_bot)
    });
    assert_eq!(to_ignored.count(), 0, "chatter and other bots' commands are ignored");
}

#[test]
fn inline_mode_pages_with_next_offset() {
    let bot = Bot::start(Options::default());
    let query = |offset: &str| {
        let id = format!("iq{}", bot.api.message_id());
        bot.api.push(json!({"inline_query": {"id": id, "from": {"id": STUDENT, "is_bot": false, "first_name": "S"},
            "query": "water the tea kettle tomato bicycle archive", "offset": offset}}));
        bot.api
            .wait_for(|c| c.method == "answerInlineQuery" && c.body["inline_query_id"] == json!(id))
    };
    let first = query("");
    let results = first.body["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 2, "inline_results = 2 per page: {results:?}");
    assert_eq!(first.body["next_offset"], "2");
    let content = &results[0]["input_message_content"];
    assert_eq!(content["parse_mode"], "HTML");
    assert!(
        content["message_text"].as_str().unwrap().contains("— "),
        "source line in the shared message"
    );
    let second = query("2");
    let ids = |c: &Call| {
        c.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].to_string())
            .collect::<Vec<_>>()
    };
    assert!(!ids(&second).is_empty());
    assert!(ids(&second).iter().all(|id| !ids(&first).contains(id)), "page 2 repeats page 1");
}

#[test]
fn start_greets_with_examples_and_unknown_links_say_so() {
    let bot = Bot::start(Options::default());
    bot.say(STUDENT, STUDENT, "/start");
    let hello = bot.reply_containing(STUDENT, "Hello");
    assert!(text(&hello).contains("For example:"), "{}", text(&hello));
    bot.say(STUDENT, STUDENT, "/start 99999");
    bot.reply_containing(STUDENT, "no longer in the material");
    bot.say(STUDENT, STUDENT, "/about");
    bot.reply_containing(STUDENT, "5 document(s)");
}

#[test]
fn admin_reindex_stats_and_refusals() {
    let bot = Bot::start(Options::default());
    bot.say(STUDENT, STUDENT, "/reindex");
    bot.reply_containing(STUDENT, "only this bot's admins");
    bot.say(STUDENT, STUDENT, "/stats");
    bot.reply_containing(STUDENT, "only this bot's admins");

    // A button made before the reindex.
    bot.say(ADMIN, ADMIN, "how long should the tea steep?");
    let old_answer = bot.reply_containing(ADMIN, "steep");

    // Success: a new document becomes answerable.
    let mut records = CORPUS.to_vec();
    records.push((
        "zeppelin",
        "Airships",
        None,
        "A zeppelin floats because its gas bags hold hydrogen or helium.",
    ));
    write_corpus(&bot.corpus(), &records);
    bot.say(ADMIN, ADMIN, "/reindex");
    let report = bot.reply_containing(ADMIN, "Reindexed in");
    assert!(text(&report).contains("6 document(s)"), "{}", text(&report));
    bot.say(ADMIN, ADMIN, "why does a zeppelin float?");
    bot.reply_containing(ADMIN, "gas bags");
    // The old answer's button still works: its passage is unchanged.
    bot.press(ADMIN, &old_answer.result, &button(&old_answer, "Show context"));
    bot.api.wait_for(|c| {
        c.method == "sendMessage"
            && c.body["reply_parameters"]["message_id"] == old_answer.result["message_id"]
    });

    // Failure: a broken corpus keeps the old index live.
    std::fs::remove_file(bot.corpus().join("docs.jsonl")).unwrap();
    std::fs::write(bot.corpus().join("broken.txt"), [0xff, 0xfe, 0x00, 0x80]).unwrap();
    bot.say(ADMIN, ADMIN, "/reindex");
    let failed = bot.reply_containing(ADMIN, "Reindex failed");
    assert!(text(&failed).contains("old index stays live"), "{}", text(&failed));
    bot.say(ADMIN, ADMIN, "why does a zeppelin float?");
    bot.api.wait_for_n(2, Duration::from_secs(10), |c| {
        c.method == "sendMessage" && text(c).contains("gas bags")
    });

    bot.say(ADMIN, ADMIN, "/stats");
    let stats = bot.reply_containing(ADMIN, "Questions:");
    assert!(text(&stats).contains("Questions: 3"), "{}", text(&stats));
    assert!(text(&stats).contains("p95"), "{}", text(&stats));
}

#[test]
fn hostile_input_and_passages_are_escaped() {
    let bot = Bot::start(Options::default());
    for (i, question) in [
        "<script>alert(1)</script> & \"onclick\"?",
        "🙂🙂🙂",
        "\u{200b}\u{202e}",
        "a AND (b OR \"c",
        &"word ".repeat(900),
    ]
    .into_iter()
    .enumerate()
    {
        bot.say(STUDENT, STUDENT, question);
        let replies =
            bot.api.wait_for_n(i + 1, Duration::from_secs(10), |c| c.method == "sendMessage");
        let html = text(replies.last().unwrap());
        assert!(only_safe_tags(&html), "unsafe HTML for {question:?}: {html}");
        assert!(html.encode_utf16().count() <= 4096);
    }
    let dangerous = bot
        .api
        .calls_of("sendMessage")
        .into_iter()
        .map(|c| text(&c))
        .find(|t| t.contains("onclick"));
    if let Some(html) = dangerous {
        assert!(html.contains("&lt;script&gt;") && html.contains("&quot;onclick&quot;"), "{html}");
    }
}

#[test]
fn flood_control_says_slow_down_once() {
    let bot = Bot::start(Options { questions_per_minute: 3, ..Options::default() });
    for _ in 0..5 {
        bot.say(STUDENT, STUDENT, "how do I unpack the archive?");
    }
    bot.reply_containing(STUDENT, "Slow down");
    // Updates are handled concurrently: wait for the three answers, then a little longer.
    bot.api.wait_for_n(3, Duration::from_secs(10), |c| {
        c.method == "sendMessage" && text(c).contains("archive")
    });
    std::thread::sleep(Duration::from_millis(300));
    let sent = bot.api.calls_of("sendMessage");
    assert_eq!(sent.iter().filter(|c| text(c).contains("archive")).count(), 3);
    assert_eq!(sent.iter().filter(|c| text(c).contains("Slow down")).count(), 1);
    // Other users are not affected.
    bot.say(ADMIN, ADMIN, "how do I unpack the archive?");
    bot.reply_containing(ADMIN, "archive");
}

#[test]
fn missing_or_rejected_token_is_a_clear_error_without_the_token() {
    let out = Command::new(BIN)
        .arg("serve")
        .env_remove("TELOXIDE_TOKEN")
        .env("PASSAGEBOT_INDEX", "/nonexistent")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("TELOXIDE_TOKEN"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut bot = Bot::start(Options { reject_token: true, ..Options::default() });
    let (status, stderr) = bot.wait_exit(Duration::from_secs(20));
    assert!(!status.success());
    assert!(stderr.contains("rejected the token"), "{stderr}");
    assert!(!stderr.contains("SECRETtokenPART"), "{stderr}");
}
