//! The bot under pressure stays bounded, each case a regression test for a bug that was:
//! - a group of 100 members asking at once, held to Telegram's 20 messages a minute, stalled
//!   every other chat (a private answer took 73.6 s) and held its "busy" reply behind its queue;
//! - SIGTERM with replies still waiting for their chat's limit did not stop the bot;
//! - 200 webhook connections that never send a byte stayed open for good;
//! - a stats database that is not SQLite, or in a place that cannot be written, stopped
//!   `serve`;
//! - in a forum topic only the first part of a long answer, and no "Next answer"
//!   continuation, went to the asker's topic.

use std::io::Read;
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use super::standin::Call;
use super::*;

/// The members of the flooding group; ids above every other test user.
const FIRST_MEMBER: i64 = 50_000;

/// Sends `/ask` from `members` members of [`GROUP`], one update each; returns the last id.
fn flood_group(bot: &Bot, members: i64) -> i64 {
    let mut last = 0;
    for member in FIRST_MEMBER..FIRST_MEMBER + members {
        last = bot.api.push(bot.message(member, GROUP, "/ask how do I unpack the archive?"));
    }
    last
}

fn to_chat(call: &Call, chat: i64) -> bool {
    call.method == "sendMessage" && call.body["chat_id"] == json!(chat)
}

#[test]
fn a_flooding_group_does_not_delay_a_private_answer() {
    let bot = Bot::start(Options {
        telegram_limits: true,
        overall_per_second: 30,
        log: "info",
        ..Options::default()
    });
    bot.api.wait_for(|c| c.method == "setMyCommands");
    let flood_started = Instant::now();
    flood_group(&bot, 100);
    let private = bot.api.push(bot.message(STUDENT, STUDENT, "how long should the tea steep?"));
    let answer = bot.reply_containing(STUDENT, "steep");
    let latency = answer.at.duration_since(bot.api.handed_out(private).unwrap());
    assert!(latency < Duration::from_secs(1), "private answer after {latency:?}");

    // The group hears at once that it is busy, and once.
    let busy = bot.reply_containing(GROUP, "Lots of questions");
    assert!(busy.at.duration_since(flood_started) < Duration::from_secs(2));
    std::thread::sleep(Duration::from_secs(7));
    let to_group: Vec<Call> = bot.api.calls().into_iter().filter(|c| to_chat(c, GROUP)).collect();
    let answers = to_group.iter().filter(|c| text(c).contains("archive")).count();
    let notices = to_group.iter().filter(|c| text(c).contains("Lots of questions")).count();
    // A burst within `max_reply_wait_secs` (5 s at one a second), no queue of 100.
    assert!((1..=7).contains(&answers), "{answers} answers to the group");
    assert_eq!(notices, 1, "one busy notice");
    println!(
        "flooding group: private answer in {latency:?}; group got {answers} answers, 1 notice"
    );
    let (ok, stderr) = bot.stop();
    assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
}

#[test]
fn sigterm_with_replies_waiting_stops_within_the_shutdown_timeout() {
    // A long allowed backlog (30 s), so replies really are waiting at SIGTERM.
    fn config(_: &Path) -> String {
        "max_reply_wait_secs = 30\nshutdown_timeout_secs = 2\n".to_string()
    }
    let mut bot = Bot::start(Options {
        telegram_limits: true,
        prepare: Some(config),
        log: "info",
        ..Options::default()
    });
    bot.api.wait_for(|c| c.method == "setMyCommands");
    let last = flood_group(&bot, 30);
    bot.api.wait_for_n(2, Duration::from_secs(10), |c| to_chat(c, GROUP));
    let signalled = Instant::now();
    let (ok, stderr) = bot.terminate();
    let took = signalled.elapsed();
    assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
    assert!(took < Duration::from_secs(5), "stopped after {took:?}");
    assert!(stderr.contains("stopping without them"), "{stderr}");
    let confirm = bot
        .api
        .calls_of("getUpdates")
        .into_iter()
        .rev()
        .find(|c| c.body["limit"] == json!(1) && c.body["timeout"] == json!(0))
        .expect("a final getUpdates confirming the offset");
    assert_eq!(confirm.body["offset"], json!(last + 1), "every update taken is confirmed");
    println!("SIGTERM with 28 replies waiting: stopped in {took:?}, offset confirmed");
}

#[test]
fn idle_webhook_connections_are_closed_and_do_not_block_updates() {
    fn config(_: &Path) -> String {
        "webhook_timeout_secs = 2\n".to_string()
    }
    let bot = Bot::start(Options {
        webhook: true,
        webhook_secret: Some("idle-test-secret"),
        prepare: Some(config),
        ..Options::default()
    });
    bot.api.wait_for(|c| c.method == "setWebhook");
    let listen = bot.listen.unwrap();
    let opened = Instant::now();
    let idle: Vec<TcpStream> = (0..200).map(|_| TcpStream::connect(listen).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(200));

    let mut update = bot.message(STUDENT, STUDENT, "how do I unpack the archive?");
    update["update_id"] = json!(bot.api.update_id());
    let posted = Instant::now();
    assert_eq!(bot.post_update("/telegram/hook", Some("idle-test-secret"), &update), 200);
    bot.reply_containing(STUDENT, "archive");
    let answered = posted.elapsed();
    assert!(answered < Duration::from_secs(2), "answered after {answered:?} with 200 idle");

    // Every idle connection is closed by the server after the timeout.
    for mut stream in idle {
        stream.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
        let mut sink = Vec::new();
        let read = stream.read_to_end(&mut sink);
        assert!(
            read.is_ok()
                || read.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
            "an idle connection still open after {:?}: {read:?}",
            opened.elapsed()
        );
    }
    let closed = opened.elapsed();
    assert!(closed < Duration::from_secs(8), "idle connections closed after {closed:?}");
    println!(
        "webhook: 200 idle connections; update answered in {answered:?}; all closed after {closed:?}"
    );
    let (ok, stderr) = bot.stop();
    assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
}

/// Asks a question and `/stats`; both must be answered, the stats noting memory only.
fn answers_with_stats_in_memory(bot: Bot) {
    bot.say(STUDENT, STUDENT, "how do I unpack the archive?");
    bot.reply_containing(STUDENT, "archive");
    bot.say(ADMIN, ADMIN, "/stats");
    let stats = bot.reply_containing(ADMIN, "Questions:");
    assert!(text(&stats).contains("Counted in memory"), "{}", text(&stats));
    let (ok, stderr) = bot.stop();
    assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
    assert_eq!(stderr.matches("the stats database cannot be used").count(), 1, "{stderr}");
}

#[test]
fn a_stats_db_that_is_not_sqlite_does_not_stop_the_bot() {
    fn garbage(dir: &Path) -> String {
        let path = dir.join("garbage.sqlite3");
        std::fs::write(&path, "this is not a database\n".repeat(500)).unwrap();
        format!("stats_db = {path:?}\n")
    }
    answers_with_stats_in_memory(Bot::start(Options {
        prepare: Some(garbage),
        ..Options::default()
    }));
}

#[test]
fn a_stats_db_in_a_read_only_place_does_not_stop_the_bot() {
    // Nothing can be created under /proc, not even by root (the tests may run as root, for
    // whom file modes are no obstacle).
    fn read_only(_: &Path) -> String {
        "stats_db = \"/proc/passagebot-no-such-dir/stats.sqlite3\"\n".to_string()
    }
    answers_with_stats_in_memory(Bot::start(Options {
        prepare: Some(read_only),
        ..Options::default()
    }));
}

/// Two long passages about lanterns: each answer needs several messages (escaping `&` and
/// `<` more than doubles the text past Telegram's 4096 characters).
fn long_lantern_corpus(dir: &Path) -> String {
    let sentences = [
        "Trim & the & brass & lantern & wick & <glass> & <chimney>. ",
        "Clean & the & tin & lantern & wick & <shade> & <burner>. ",
    ];
    let records: Vec<String> = sentences
        .iter()
        .enumerate()
        .map(|(i, sentence)| {
            let text = sentence.repeat(2800 / sentence.len());
            json!({"id": format!("lantern-{i}"), "title": "Lanterns", "text": text}).to_string()
        })
        .collect();
    std::fs::write(dir.join("corpus").join("lanterns.jsonl"), records.join("\n") + "\n").unwrap();
    String::new()
}

#[test]
fn every_part_of_an_answer_in_a_forum_topic_goes_to_that_topic() {
    const TOPIC: i64 = 77;
    let bot = Bot::start(Options { prepare: Some(long_lantern_corpus), ..Options::default() });
    let mut update = bot.message(STUDENT, GROUP, "/ask how do I trim the lantern wick?");
    update["message"]["message_thread_id"] = json!(TOPIC);
    update["message"]["is_topic_message"] = json!(true);
    update["message"]["chat"]["is_forum"] = json!(true);
    bot.api.push(update);

    let with_buttons = bot.api.wait_for(|c| to_chat(c, GROUP) && !buttons(c).is_empty());
    let parts: Vec<Call> = bot.api.calls().into_iter().filter(|c| to_chat(c, GROUP)).collect();
    assert!(parts.len() >= 2, "a long answer in several parts: {}", parts.len());
    for part in &parts {
        assert_eq!(part.body["message_thread_id"], json!(TOPIC), "{}", part.body);
    }

    // "Next answer": the message is edited, the rest of the next answer follows in the topic.
    let before = bot.api.calls().len();
    bot.press(STUDENT, &with_buttons.result, &button(&with_buttons, "Next"));
    bot.api.wait_for(|c| c.method == "answerCallbackQuery");
    let more: Vec<Call> =
        bot.api.calls_since(before).into_iter().filter(|c| to_chat(c, GROUP)).collect();
    assert!(!more.is_empty(), "the next answer has parts after the edited one");
    for part in &more {
        assert_eq!(part.body["message_thread_id"], json!(TOPIC), "{}", part.body);
    }

    // "Show context" too.
    let before = bot.api.calls().len();
    bot.press(STUDENT, &with_buttons.result, &button(&with_buttons, "context"));
    let edited = with_buttons.result["message_id"].clone();
    bot.api.wait_for(|c| to_chat(c, GROUP) && c.body["reply_parameters"]["message_id"] == edited);
    std::thread::sleep(Duration::from_millis(300));
    for part in bot.api.calls_since(before).iter().filter(|c| to_chat(c, GROUP)) {
        assert_eq!(part.body["message_thread_id"], json!(TOPIC), "{}", part.body);
    }
}

/// Regression: "Next answer" continuation parts were built apart from the rest and went out
/// without `link_preview_options` (so a source link unfurled); every send now goes through
/// one outbox.
#[test]
fn next_answer_continuations_have_no_preview_and_the_topic() {
    const TOPIC: i64 = 78;
    let bot = Bot::start(Options { prepare: Some(long_lantern_corpus), ..Options::default() });
    let mut update = bot.message(STUDENT, GROUP, "/ask how do I clean the tin lantern wick?");
    update["message"]["message_thread_id"] = json!(TOPIC);
    update["message"]["is_topic_message"] = json!(true);
    update["message"]["chat"]["is_forum"] = json!(true);
    bot.api.push(update);
    let with_buttons = bot.api.wait_for(|c| to_chat(c, GROUP) && !buttons(c).is_empty());
    let before = bot.api.calls().len();
    bot.press(STUDENT, &with_buttons.result, &button(&with_buttons, "Next"));
    bot.api.wait_for(|c| c.method == "answerCallbackQuery");
    let after: Vec<Call> = bot.api.calls_since(before);
    let edit = after.iter().find(|c| c.method == "editMessageText").expect("the edit");
    assert_eq!(edit.body["link_preview_options"]["is_disabled"], json!(true));
    let more: Vec<&Call> =
        after.iter().filter(|c| c.method == "sendMessage" && to_chat(c, GROUP)).collect();
    assert!(!more.is_empty(), "the next answer has parts after the edited one");
    for part in more {
        assert_eq!(part.body["message_thread_id"], json!(TOPIC), "{}", part.body);
        assert_eq!(part.body["link_preview_options"]["is_disabled"], json!(true), "{}", part.body);
    }
}
