//! `serve --webhook URL --listen ADDR` through the stand-in: the bot registers URL and the
//! secret with `setWebhook`, answers updates POSTed to ADDR with the secret header, rejects
//! (401) and ignores those with a wrong or missing one, and never logs the secret. Under load
//! with faults on sending, every question POSTed is answered exactly once.

use std::time::{Duration, Instant};

use serde_json::json;

use super::standin::Fault;
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

/// Webhook mode under load: 100 users POST 5 questions each from 8 threads while Telegram
/// answers `sendMessage` with two 429s, malformed JSON, a dropped connection and a body cut
/// short after posting. Every question is answered exactly once, on topic.
#[test]
fn webhook_under_load_and_send_faults_answers_each_question_once() {
    const USERS: i64 = 100;
    const EACH: usize = 5;
    const FIRST: i64 = 40_000;
    const ASKED: [(&str, &str); 4] = [
        ("how do I unpack the archive?", "archive"),
        ("when should I water the tomatoes?", "omato"),
        ("how long should the tea steep?", "steep"),
        ("how often do I oil the bicycle chain?", "chain"),
    ];
    let options = Options {
        webhook: true,
        webhook_secret: Some(SECRET),
        questions_per_minute: 0,
        log: "warn",
        overall_per_second: 100_000,
        ..Options::default()
    };
    let bot = Bot::start(options);
    bot.api.wait_for(|c| c.method == "setWebhook");
    bot.api.fault("sendMessage", 2, Fault::TooManyRequests);
    bot.api.fault("sendMessage", 1, Fault::Malformed);
    bot.api.fault("sendMessage", 1, Fault::Drop);
    bot.api.fault("sendMessage", 1, Fault::HandledCutShort);
    let posts: Vec<String> = (FIRST..FIRST + USERS)
        .flat_map(|user| (0..EACH).map(move |i| (user, i)))
        .map(|(user, i)| webhook_post(PATH, Some(SECRET), &update(&bot, user, ASKED[i % 4].0)))
        .collect();
    let listen = bot.listen.expect("webhook mode");
    let started = Instant::now();
    std::thread::scope(|scope| {
        for thread in 0..8 {
            let posts = &posts;
            scope.spawn(move || {
                for post in posts.iter().skip(thread).step_by(8) {
                    assert_eq!(http_status(listen, post), 200);
                }
            });
        }
    });
    let to_users = |c: &Call| {
        c.method == "sendMessage"
            && c.body["chat_id"].as_i64().is_some_and(|id| (FIRST..FIRST + USERS).contains(&id))
    };
    bot.api.wait_for_n(USERS as usize * EACH, Duration::from_secs(60), to_users);
    let answered_in = started.elapsed();
    std::thread::sleep(Duration::from_millis(1500));
    let sent = bot.api.calls_of("sendMessage");
    for user in FIRST..FIRST + USERS {
        let answers: Vec<String> =
            sent.iter().filter(|c| c.body["chat_id"] == json!(user)).map(text).collect();
        assert_eq!(answers.len(), EACH, "answers to user {user}: {answers:?}");
        for (question, word) in ASKED {
            let asked = (0..EACH).filter(|i| ASKED[i % 4].0 == question).count();
            let got = answers.iter().filter(|a| a.contains(word)).count();
            assert_eq!(got, asked, "user {user}, {question:?}: {answers:?}");
        }
    }
    assert_eq!(bot.api.faults_served("sendMessage"), 5);
    println!(
        "webhook: {} questions from {USERS} users, 5 send faults: all answered once in {answered_in:?}",
        USERS as usize * EACH
    );
    let (ok, stderr) = bot.stop();
    assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
}

/// A message update from the user of private chat `chat`, with a fresh `update_id`.
fn update(bot: &Bot, chat: i64, text: &str) -> Value {
    let mut update = bot.message(chat, chat, text);
    update["update_id"] = json!(bot.api.update_id());
    update
}
