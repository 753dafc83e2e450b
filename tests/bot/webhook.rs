//! `serve --webhook URL --listen ADDR` through the stand-in: the bot registers URL and the
//! secret with `setWebhook`, answers updates POSTed to ADDR with the secret header, rejects
//! (401) and ignores those with a wrong or missing one, and never logs the secret.

use std::time::Duration;

use serde_json::json;

use super::*;

/// The URL's path, which the bot serves on `--listen`.
const PATH: &str = "/telegram/hook";
const SECRET: &str = "webhook-SECRET_value-42";
/// Private chats whose updates carry a wrong or no secret: nothing may reach them.
const WRONG: i64 = 3001;
const MISSING: i64 = 3002;

#[test]
fn webhook_registers_checks_the_secret_and_answers() {
    let bot =
        Bot::start(Options { webhook: true, webhook_secret: Some(SECRET), ..Options::default() });
    let registered = bot.api.wait_for(|c| c.method == "setWebhook");
    assert_eq!(registered.body["url"], WEBHOOK_URL);
    assert_eq!(registered.body["secret_token"], SECRET);
    assert_eq!(bot.get("/healthz"), 200);

    let question = "how do I unpack the archive?";
    let mut wrong = update(&bot, WRONG, question);
    assert_eq!(bot.post_update(PATH, Some("webhook-SECRET_value-43"), &wrong), 401);
    wrong["update_id"] = json!(bot.api.update_id());
    assert_eq!(bot.post_update(PATH, Some(""), &wrong), 401);
    let missing = update(&bot, MISSING, question);
    assert_eq!(bot.post_update(PATH, None, &missing), 401);

    let good = update(&bot, STUDENT, question);
    assert_eq!(bot.post_update(PATH, Some(SECRET), &good), 200);
    let answer = bot.reply_containing(STUDENT, "archive");
    assert!(!buttons(&answer).is_empty(), "the same answer as in polling mode");

    // A second accepted update in a rejected chat is answered, so the dispatcher has run past
    // everything posted before it: the rejected updates never reached it.
    let later = update(&bot, WRONG, "/help");
    assert_eq!(bot.post_update(PATH, Some(SECRET), &later), 200);
    bot.reply_containing(WRONG, "/ask");
    let to_rejected: Vec<_> = bot
        .api
        .calls()
        .into_iter()
        .filter(|c| {
            c.body["chat_id"] == json!(MISSING)
                || (c.body["chat_id"] == json!(WRONG) && !text(c).contains("/ask"))
        })
        .map(|c| format!("{} {}", c.method, c.body))
        .collect();
    assert!(
        to_rejected.is_empty(),
        "updates with a wrong or missing secret were handled: {to_rejected:?}"
    );
    assert!(bot.api.calls_of("getUpdates").is_empty(), "webhook mode does not poll");

    let (ok, stderr) = bot.stop();
    assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
    assert!(stderr.contains("rejected"), "rejections are logged:\n{stderr}");
    assert!(!stderr.contains(SECRET), "webhook secret leaked:\n{stderr}");
    assert!(!stderr.contains("SECRETtokenPART"), "token leaked:\n{stderr}");
}

#[test]
fn webhook_secret_is_generated_when_not_configured() {
    let bot = Bot::start(Options { webhook: true, ..Options::default() });
    let registered = bot.api.wait_for(|c| c.method == "setWebhook");
    let secret = registered.body["secret_token"].as_str().unwrap().to_string();
    assert!(secret.len() >= 32, "a long random secret: {} characters", secret.len());
    assert!(secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));

    let question = update(&bot, STUDENT, "when should I water the tomatoes?");
    assert_eq!(bot.post_update(PATH, None, &question), 401);
    assert_eq!(bot.post_update(PATH, Some(&secret), &question), 200);
    bot.reply_containing(STUDENT, "omato");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(bot.api.calls_of("sendMessage").len(), 1, "answered once, for the accepted POST");

    let (ok, stderr) = bot.stop();
    assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
    assert!(!stderr.contains(&secret), "generated secret leaked:\n{stderr}");
}

/// A message update from the user of private chat `chat`, with a fresh `update_id`.
fn update(bot: &Bot, chat: i64, text: &str) -> Value {
    let mut update = bot.message(chat, chat, text);
    update["update_id"] = json!(bot.api.update_id());
    update
}
