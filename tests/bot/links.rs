//! Stable deep links and sharing (issue 11): `/start <key>` and the "Share" button open the
//! same passage after files are added and the corpus is reindexed; buttons of old messages
//! keep working while their passage exists and say politely that it is gone when not. Also
//! "See also", the `/start` examples, follow-up questions and the inline "no match" result.

use std::time::Duration;

use serde_json::json;

use super::standin::{BOT_USERNAME, Call};
use super::*;

/// The passage key in the deep link of a "Share" button's URL.
fn shared_key(call: &Call) -> String {
    let url = url_button(call, "Share");
    let marker = "%3Fstart%3D";
    let at = url.find(marker).unwrap_or_else(|| panic!("no deep link in {url}")) + marker.len();
    url[at..at + 10].to_string()
}

fn corpus_line(id: &str, title: &str, text: &str) -> String {
    json!({"id": id, "title": title, "text": text}).to_string()
}

#[test]
fn start_link_opens_the_same_passage_after_a_file_is_added() {
    let bot = Bot::start(Options::default());
    bot.say(ADMIN, ADMIN, "how do I unpack the archive?");
    let archive = bot.reply_containing(ADMIN, "unpack");
    let share = url_button(&archive, "Share");
    assert!(
        share.starts_with("https://t.me/share/url?url=")
            && share.contains(&format!("https%3A%2F%2Ft.me%2F{BOT_USERNAME}%3Fstart%3D")),
        "{share}"
    );
    let key = shared_key(&archive);
    assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{key}");
    bot.say(ADMIN, ADMIN, "how often do I oil the bicycle chain?");
    let bicycle = bot.reply_containing(ADMIN, "chain");
    let bicycle_key = shared_key(&bicycle);

    // Anyone opening the link gets the passage, with its buttons.
    bot.say(STUDENT, STUDENT, &format!("/start {key}"));
    let opened = bot.reply_containing(STUDENT, "unpack the archive");
    assert!(buttons(&opened).iter().any(|(l, _)| l.contains("Show context")));

    // New passages before it (a new first record, a file sorting first) move every
    // position; the bicycle passage goes away.
    let mut lines = vec![corpus_line(
        "anchors",
        "Sailing",
        "Drop the anchor slowly. Let the chain run out until the anchor holds the boat.",
    )];
    lines.extend(CORPUS.iter().filter(|(id, ..)| *id != "bicycle").map(
        |(id, title, url, text)| {
            json!({"id": id, "title": title, "url": url, "text": text}).to_string()
        },
    ));
    std::fs::write(bot.corpus().join("docs.jsonl"), lines.join("\n") + "\n").unwrap();
    let first = [
        corpus_line("apples", "Orchard", "Pick the apples when they come off the branch easily."),
        corpus_line("bees", "Orchard", "Bees pollinate the apple blossoms in spring."),
    ];
    std::fs::write(bot.corpus().join("aaa.jsonl"), first.join("\n") + "\n").unwrap();
    bot.say(ADMIN, ADMIN, "/reindex");
    bot.reply_containing(ADMIN, "Reindexed in");

    bot.say(STUDENT, STUDENT, &format!("/start {key}"));
    bot.api.wait_for_n(2, Duration::from_secs(10), |c| {
        c.method == "sendMessage" && text(c).contains("unpack the archive")
    });

    // The old answer's buttons still work: context, next answer, votes.
    bot.press(ADMIN, &archive.result, &button(&archive, "Show context"));
    let context = bot.api.wait_for(|c| {
        c.method == "sendMessage"
            && c.body["reply_parameters"]["message_id"] == archive.result["message_id"]
    });
    assert!(text(&context).contains("archive"), "{}", text(&context));
    bot.press(ADMIN, &archive.result, &button(&archive, "👍"));
    bot.api.wait_for(|c| {
        c.method == "answerCallbackQuery" && c.body["text"] == "Thanks for the feedback!"
    });

    // The removed passage: its buttons and link say so, politely.
    bot.press(ADMIN, &bicycle.result, &button(&bicycle, "Show context"));
    bot.api.wait_for(|c| {
        c.method == "answerCallbackQuery"
            && c.body["text"].as_str().unwrap_or("").contains("no longer in the material")
    });
    bot.say(STUDENT, STUDENT, &format!("/start {bicycle_key}"));
    bot.reply_containing(STUDENT, "no longer in the material");
    // A position-style payload of the old links is not a passage.
    bot.say(STUDENT, STUDENT, "/start 1");
    bot.api.wait_for_n(2, Duration::from_secs(10), |c| {
        c.method == "sendMessage" && text(c).contains("no longer in the material")
    });
}

#[test]
fn next_answer_of_an_old_message_pages_after_a_reindex() {
    let bot = Bot::start(Options::default());
    bot.say(ADMIN, ADMIN, "water the tea kettle tomato bicycle archive");
    let answer = bot.api.wait_for(|c| c.method == "sendMessage" && !buttons(c).is_empty());
    let next = button(&answer, "Next answer");
    assert!(next.len() <= 64, "{next}");
    let mut records = CORPUS.to_vec();
    records.insert(0, ("zeppelin", "Airships", None, "A zeppelin floats on hydrogen."));
    write_corpus(&bot.corpus(), &records);
    bot.say(ADMIN, ADMIN, "/reindex");
    bot.reply_containing(ADMIN, "Reindexed in");
    bot.press(ADMIN, &answer.result, &next);
    let edit = bot.api.wait_for(|c| c.method == "editMessageText");
    assert_ne!(text(&edit), text(&answer));
    bot.api.wait_for(|c| {
        c.method == "answerCallbackQuery"
            && c.body["text"].as_str().unwrap_or("").starts_with("Answer 2")
    });
}

/// Adds the two documents of `fixtures/guide-corpus` (sections sharing rare terms).
fn with_guide_corpus(dir: &Path) -> String {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/guide-corpus");
    for name in ["beekeeping.md", "orchard.md"] {
        std::fs::copy(fixtures.join(name), dir.join("corpus").join(name)).unwrap();
    }
    String::new()
}

#[test]
fn see_also_shows_related_passages_of_other_sections_as_links() {
    let bot = Bot::start(Options { prepare: Some(with_guide_corpus), ..Options::default() });
    bot.say(STUDENT, STUDENT, "how many frames does a Langstroth hive hold?");
    let answer = bot.reply_containing(STUDENT, "ten wooden frames");
    bot.press(STUDENT, &answer.result, &button(&answer, "See also"));
    let related = bot.reply_containing(STUDENT, "See also:");
    let html = text(&related);
    assert!(html.contains("Pollination"), "{html}");
    assert!(
        html.contains(&format!("<a href=\"https://t.me/{BOT_USERNAME}?start=")),
        "each related passage links to it: {html}"
    );
    assert!(!html.contains("ten wooden frames"), "not the answer itself: {html}");
    assert!(only_safe_tags(&html), "{html}");
}

#[test]
fn start_examples_are_questions_the_bot_answers() {
    let bot = Bot::start(Options::default());
    bot.say(STUDENT, STUDENT, "/start");
    let hello = bot.reply_containing(STUDENT, "For example:");
    let examples: Vec<String> =
        text(&hello).lines().filter_map(|l| l.strip_prefix("• ")).map(String::from).collect();
    assert_eq!(examples.len(), 3, "{}", text(&hello));
    for (i, example) in examples.iter().enumerate() {
        bot.say(STUDENT, STUDENT, example);
        let replies =
            bot.api.wait_for_n(i + 2, Duration::from_secs(10), |c| c.method == "sendMessage");
        let reply = replies.last().unwrap();
        assert!(!buttons(reply).is_empty(), "{example:?} → {}", text(reply));
    }
}

#[test]
fn a_short_follow_up_is_asked_with_the_previous_questions_subject() {
    let bot = Bot::start(Options::default());
    bot.say(STUDENT, STUDENT, "how do I unpack the widget archive?");
    bot.reply_containing(STUDENT, "unpack the archive");
    // On its own "and when?" has no word to search for.
    bot.say(STUDENT, STUDENT, "and when?");
    bot.api.wait_for_n(2, Duration::from_secs(10), |c| {
        c.method == "sendMessage" && text(c).contains("unpack the archive")
    });
    // In a group, a reply to the bot's answer is a follow-up too.
    let ask = bot.say(STUDENT, GROUP, "/ask how often do I oil the bicycle chain?");
    let answer = bot.api.wait_for(|c| {
        c.method == "sendMessage" && c.body["reply_parameters"]["message_id"] == json!(ask)
    });
    let mut bot_message = answer.result.clone();
    bot_message["from"] = json!({"id": super::standin::BOT_ID, "is_bot": true, "first_name": "P"});
    let why = bot.say_replying(STUDENT, GROUP, "why?", Some(bot_message));
    let follow = bot.api.wait_for(|c| {
        c.method == "sendMessage" && c.body["reply_parameters"]["message_id"] == json!(why)
    });
    assert!(text(&follow).contains("chain"), "{}", text(&follow));
}

#[test]
fn inline_query_without_a_match_shows_one_result_saying_so() {
    let bot = Bot::start(Options::default());
    bot.api.push(json!({"inline_query": {"id": "iq-none", "from": {"id": STUDENT, "is_bot": false, "first_name": "S"},
        "query": "quantum chromodynamics lattice gauge", "offset": ""}}));
    let answer = bot
        .api
        .wait_for(|c| c.method == "answerInlineQuery" && c.body["inline_query_id"] == "iq-none");
    let results = answer.body["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0]["title"], "No good match");
    assert!(
        results[0]["input_message_content"]["message_text"]
            .as_str()
            .unwrap()
            .contains("no good match"),
        "{results:?}"
    );
}
