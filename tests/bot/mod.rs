//! The bot end to end: the real binary's `serve` against the Bot API stand-in
//! ([`standin`]) on 127.0.0.1, with a small JSON Lines corpus in a temp dir.

mod standin;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use standin::{BOT_ID, BOT_USERNAME, Call, StandIn, chat};

/// The binary under test (`CARGO_BIN_EXE_passagebot` in the main crate).
const BIN: &str = env!("CARGO_BIN_EXE_passagebot");
/// A well-formed token; its secret part must never appear in the bot's output.
const TOKEN: &str = "123456:SECRETtokenPART";
const ADMIN: i64 = 1000;
const STUDENT: i64 = 2000;
const GROUP: i64 = -500;

const CORPUS: &[(&str, &str, Option<&str>, &str)] = &[
    (
        "kettle",
        "Brewing",
        Some("https://example.org/brew?a=1&b=2"),
        "Fill the kettle with fresh water. Heat the water until it boils, then pour it over the tea leaves. Let the tea steep for three minutes.",
    ),
    (
        "archive",
        "Installing",
        None,
        "First download the widget archive. Then unpack the archive into your home folder. Finally run the setup script to finish installing.",
    ),
    (
        "garden",
        "Gardening",
        None,
        "Water the tomato plants every morning. Tomatoes need plenty of sunlight and rich soil to grow well.",
    ),
    (
        "tags",
        "Markup <b> & \"quotes\"",
        None,
        "The <script> tag & the \"onclick\" attribute are dangerous in untrusted markup.",
    ),
    (
        "bicycle",
        "Cycling",
        None,
        "Check the bicycle tyre pressure before every ride. Oil the bicycle chain once a month.",
    ),
];

/// One bot process with its stand-in and temp dir; killed on drop.
struct Bot {
    api: StandIn,
    dir: tempfile::TempDir,
    child: Child,
}

/// Options for [`Bot::start`].
struct Options {
    questions_per_minute: u32,
    reject_token: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { questions_per_minute: 100, reject_token: false }
    }
}

fn write_corpus(dir: &Path, records: &[(&str, &str, Option<&str>, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    let lines: Vec<String> = records
        .iter()
        .map(|(id, title, url, text)| {
            json!({"id": id, "title": title, "url": url, "text": text}).to_string()
        })
        .collect();
    std::fs::write(dir.join("docs.jsonl"), lines.join("\n") + "\n").unwrap();
}

impl Bot {
    fn start(options: Options) -> Bot {
        let dir = tempfile::tempdir().unwrap();
        write_corpus(&dir.path().join("corpus"), CORPUS);
        let config = format!(
            "admins = [{ADMIN}]\ncorpus = {:?}\nindex = {:?}\nquestions_per_minute = {}\ninline_results = 2\n\
             [limits]\nper_chat_per_second = 1000\nper_chat_per_minute = 100000\nper_group_per_minute = 100000\noverall_per_second = 1000\n",
            dir.path().join("corpus"),
            dir.path().join("index"),
            options.questions_per_minute,
        );
        std::fs::write(dir.path().join("bot.toml"), config).unwrap();
        let api = StandIn::start(options.reject_token);
        let child = Command::new(BIN)
            .args(["serve", "--config"])
            .arg(dir.path().join("bot.toml"))
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", &api.url)
            .env("RUST_LOG", "debug")
            .env_remove("PASSAGEBOT_ADMINS")
            .env_remove("PASSAGEBOT_CORPUS")
            .env_remove("PASSAGEBOT_INDEX")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Bot { api, dir, child }
    }

    fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    /// Sends a text message from `user` in `chat_id`; returns its message id.
    fn say(&self, user: i64, chat_id: i64, text: &str) -> i64 {
        self.say_replying(user, chat_id, text, None)
    }

    fn say_replying(&self, user: i64, chat_id: i64, text: &str, reply_to: Option<Value>) -> i64 {
        let message_id = self.api.message_id();
        let mut message = json!({
            "message_id": message_id, "date": 1_700_000_000, "chat": chat(chat_id), "text": text,
            "from": {"id": user, "is_bot": false, "first_name": "Student"},
        });
        if let Some(reply_to) = reply_to {
            message["reply_to_message"] = reply_to;
        }
        self.api.push(json!({"message": message}));
        message_id
    }

    /// Presses a button under `message` (a `sendMessage` result).
    fn press(&self, user: i64, message: &Value, data: &str) -> String {
        let id = format!("cb{}", self.api.message_id());
        self.api.push(json!({"callback_query": {
            "id": id, "from": {"id": user, "is_bot": false, "first_name": "Student"},
            "chat_instance": "ci", "data": data, "message": message}}));
        id
    }

    /// The next `sendMessage` to `chat_id` whose text contains `needle`.
    fn reply_containing(&self, chat_id: i64, needle: &str) -> Call {
        self.api.wait_for(|c| {
            c.method == "sendMessage"
                && c.body["chat_id"] == json!(chat_id)
                && text(c).contains(needle)
        })
    }

    /// Stops the bot with SIGTERM and returns (exit success, stderr).
    fn stop(mut self) -> (bool, String) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "the bot did not stop within 10 s of SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
        let status = self.child.wait().unwrap();
        let mut stderr = String::new();
        use std::io::Read;
        self.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        (status.success(), stderr)
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn text(call: &Call) -> String {
    call.body["text"].as_str().unwrap_or("").to_string()
}

/// `callback_data` of every button in a call's inline keyboard.
fn buttons(call: &Call) -> Vec<(String, String)> {
    let rows = call.body["reply_markup"]["inline_keyboard"].as_array().cloned().unwrap_or_default();
    rows.iter()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .map(|b| {
            (
                b["text"].as_str().unwrap_or("").to_string(),
                b["callback_data"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn button(call: &Call, label: &str) -> String {
    buttons(call)
        .into_iter()
        .find(|(l, _)| l.contains(label))
        .unwrap_or_else(|| panic!("no {label} button"))
        .1
}

/// Only the tags the bot emits: `<b>`, `<i>`, `<a href="…">` and their closing tags.
fn only_safe_tags(html: &str) -> bool {
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if !["<b>", "</b>", "<i>", "</i>", "<a href=\"", "</a>"].iter().any(|t| rest.starts_with(t))
        {
            return false;
        }
        rest = &rest[1..];
    }
    true
}

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
fn start_greets_with_examples_and_deep_links_open_passages() {
    let bot = Bot::start(Options::default());
    bot.say(STUDENT, STUDENT, "/start");
    let hello = bot.reply_containing(STUDENT, "Hello");
    assert!(text(&hello).contains("For example:"), "{}", text(&hello));
    bot.say(STUDENT, STUDENT, "/start 1");
    let passage = bot.api.wait_for(|c| c.method == "sendMessage" && !buttons(c).is_empty());
    assert!(text(&passage).contains("— "), "{}", text(&passage));
    bot.say(STUDENT, STUDENT, "/start 99999");
    bot.reply_containing(STUDENT, "don't have");
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
    bot.press(ADMIN, &old_answer.result, &button(&old_answer, "Show context"));
    bot.api.wait_for(|c| {
        c.method == "answerCallbackQuery"
            && c.body["text"].as_str().unwrap_or("").contains("updated")
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
    // A later message of the same chat is handled after the flood, so all five are settled.
    bot.say(STUDENT, STUDENT, "/help");
    bot.reply_containing(STUDENT, "/ask");
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
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = bot.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the bot kept running with a rejected token");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!status.success());
    let mut stderr = String::new();
    use std::io::Read;
    bot.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(stderr.contains("rejected the token"), "{stderr}");
    assert!(!stderr.contains("SECRETtokenPART"), "{stderr}");
}
