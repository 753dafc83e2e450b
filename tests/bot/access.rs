//! Access: admin commands from non-admins do nothing but a polite refusal, whatever the
//! context looks like (private or group, a reply to or a forward of an admin's message, a
//! private chat whose id is an admin's); and the token never appears in the log of a whole
//! run at debug level that includes Bot API errors and a failed reindex.

use std::time::Duration;

use serde_json::json;

use super::standin::{BOT_USERNAME, Fault};
use super::*;

const REFUSAL: &str = "only this bot's admins";

fn admin_user() -> Value {
    json!({"id": ADMIN, "is_bot": false, "first_name": "Admin"})
}

/// A message the admin sent earlier in `chat_id`.
fn admin_message(bot: &Bot, chat_id: i64, text: &str) -> Value {
    json!({"message_id": bot.api.message_id(), "date": 1_700_000_000, "chat": chat(chat_id),
           "from": admin_user(), "text": text})
}

#[test]
fn admin_commands_from_non_admins_are_refused_in_every_context() {
    let bot = Bot::start(Options::default());
    bot.api.wait_for(|c| c.method == "setMyCommands");
    // A new document: answerable only if some refused /reindex ran after all.
    let mut records = CORPUS.to_vec();
    records.push(("zeppelin", "Airships", None, "A zeppelin floats on helium gas bags."));
    write_corpus(&bot.corpus(), &records);

    let mut attempts: Vec<(i64, Value)> = Vec::new();
    for (chat_id, command) in [
        (STUDENT, "/reindex".to_string()),
        (STUDENT, "/stats".to_string()),
        (STUDENT, "/stats 30".to_string()),
        (GROUP, format!("/reindex@{BOT_USERNAME}")),
        (GROUP, format!("/stats@{BOT_USERNAME}")),
        (GROUP, "/reindex".to_string()),
    ] {
        attempts.push((chat_id, bot.message(STUDENT, chat_id, &command)));
    }
    // Replying to an admin's message.
    for chat_id in [STUDENT, GROUP] {
        let mut update = bot.message(STUDENT, chat_id, "/reindex");
        update["message"]["reply_to_message"] = admin_message(&bot, chat_id, "/reindex");
        attempts.push((chat_id, update));
    }
    // Forwarding an admin's command (forward_origin and the legacy forward_from).
    for chat_id in [STUDENT, GROUP] {
        let mut update = bot.message(STUDENT, chat_id, "/reindex");
        update["message"]["forward_origin"] =
            json!({"type": "user", "date": 1_700_000_000, "sender_user": admin_user()});
        update["message"]["forward_from"] = admin_user();
        update["message"]["forward_date"] = json!(1_700_000_000);
        attempts.push((chat_id, update));
    }
    // A non-admin sender in a chat whose id is the admin's, and a group the admin is in.
    attempts.push((ADMIN, bot.message(STUDENT, ADMIN, "/reindex")));
    attempts.push((ADMIN, bot.message(STUDENT, ADMIN, "/stats")));
    let count = attempts.len();
    for (_, update) in &attempts {
        bot.api.push(update.clone());
    }
    let refusals = bot.api.wait_for_n(count, Duration::from_secs(10), |c| {
        c.method == "sendMessage" && text(c).contains(REFUSAL)
    });
    std::thread::sleep(Duration::from_millis(1000));
    let sent = bot.api.calls_of("sendMessage");
    assert_eq!(
        sent.len(),
        count,
        "only refusals: {:#?}",
        sent.iter().map(text).collect::<Vec<_>>()
    );
    assert_eq!(refusals.len(), count);
    // Group refusals reply to the command in the group.
    for (chat_id, update) in &attempts {
        let id = &update["message"]["message_id"];
        let refusal = sent.iter().find(|c| {
            c.body["chat_id"] == json!(chat_id)
                && (c.body["reply_parameters"]["message_id"] == *id || *chat_id > 0)
        });
        assert!(refusal.is_some(), "no refusal in chat {chat_id} for {}", update["message"]);
    }
    // No reindex ran: the new document is not answerable yet, and no stats were sent.
    assert!(sent.iter().all(|c| !text(c).contains("Questions:") && !text(c).contains("Reindex")));
    bot.say(STUDENT, STUDENT, "why does a zeppelin float?");
    let before =
        bot.api.wait_for_n(count + 1, Duration::from_secs(10), |c| c.method == "sendMessage");
    assert!(!text(before.last().unwrap()).contains("helium"), "the corpus was reindexed");
    // The probe works: the admin's own /reindex makes it answerable.
    bot.say(ADMIN, ADMIN, "/reindex");
    bot.reply_containing(ADMIN, "Reindexed in");
    bot.say(STUDENT, STUDENT, "why does a zeppelin float?");
    bot.reply_containing(STUDENT, "helium");
}

#[test]
fn the_token_never_appears_in_a_whole_debug_run() {
    let bot = Bot::start(Options { log: "debug", ..Options::default() });
    bot.api.wait_for(|c| c.method == "setMyCommands");
    // Transport errors put the request URL (with its /bot<token>/ path) into error messages.
    bot.api.fault("getUpdates", 1, Fault::Drop);
    bot.api.fault("getUpdates", 1, Fault::Malformed);
    bot.api.fault("sendChatAction", 1, Fault::Drop);
    bot.api.fault("sendMessage", 1, Fault::Drop);
    bot.api.fault("answerCallbackQuery", 1, Fault::Drop);
    bot.say(STUDENT + 1, STUDENT + 1, "how do I unpack the archive?");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while bot.api.faults_served("sendMessage") < 1 {
        if std::time::Instant::now() > deadline {
            let served = bot.api.faults_served("sendMessage");
            let (_, stderr) = bot.stop();
            panic!("{served} sendMessage faults met; {}", stderr.replace(TOKEN, "T"));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    bot.say(STUDENT, STUDENT, "how long should the tea steep?");
    let answer = bot.reply_containing(STUDENT, "steep");
    bot.press(STUDENT, &answer.result, "garbage:data");
    bot.press(STUDENT, &answer.result, &button(&answer, "Show context"));
    bot.say(STUDENT, STUDENT, "/reindex");
    bot.say(STUDENT, GROUP, &format!("@{BOT_USERNAME} {TOKEN}"));
    bot.say(ADMIN, ADMIN, "/stats");
    bot.reply_containing(ADMIN, "Questions:");
    // A failing reindex.
    std::fs::remove_file(bot.corpus().join("docs.jsonl")).unwrap();
    std::fs::write(bot.corpus().join("broken.txt"), [0xff, 0xfe, 0x00, 0x80]).unwrap();
    bot.say(ADMIN, ADMIN, "/reindex");
    bot.reply_containing(ADMIN, "Reindex failed");
    bot.say(STUDENT, STUDENT, "how often do I oil the bicycle chain?");
    bot.reply_containing(STUDENT, "chain");

    let (ok, stderr) = bot.stop();
    assert!(ok, "exit status after SIGTERM");
    let (_, secret) = TOKEN.split_once(':').unwrap();
    let lines = stderr.lines().count();
    assert!(lines > 20, "a debug run logs more than {lines} line(s)");
    for needle in [TOKEN, secret, &format!("/bot{TOKEN}"), "bot123456:"] {
        let leaked: Vec<&str> = stderr.lines().filter(|l| l.contains(needle)).collect();
        // Print only the count: the lines themselves would put the token in the test log.
        assert!(leaked.is_empty(), "{} log line(s) contain a form of the token", leaked.len());
    }
    assert!(
        stderr.contains("error sending request") || stderr.contains("failed"),
        "the run logged its transport errors"
    );
    println!("access: {lines} debug log lines, no form of the token in any");
}
