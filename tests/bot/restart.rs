//! Graceful shutdown and restart through the stand-in, which forgets updates below each
//! `getUpdates` offset as Telegram does: after SIGTERM the answer in flight is still sent,
//! the last `getUpdates` confirms the offset (last `update_id` + 1), and the restarted bot
//! answers new questions but never an already-answered one again.

use std::time::Duration;

use serde_json::json;

use super::standin::Call;
use super::*;

/// How many `sendMessage` calls to `STUDENT` contain `needle`.
fn answers(bot: &Bot, needle: &str) -> usize {
    bot.api
        .calls_of("sendMessage")
        .iter()
        .filter(|c| c.body["chat_id"] == json!(STUDENT) && text(c).contains(needle))
        .count()
}

fn offset(call: &Call) -> i64 {
    call.body["offset"].as_i64().unwrap_or(0)
}

#[test]
fn after_sigterm_a_restarted_bot_does_not_answer_again() {
    let mut bot = Bot::start(Options::default());
    bot.api.push(bot.message(STUDENT, STUDENT, "how do I unpack the archive?"));
    bot.reply_containing(STUDENT, "archive");

    // SIGTERM while the second answer is in flight (its typing indicator is out).
    let second = bot.api.push(bot.message(STUDENT, STUDENT, "when should I water the tomatoes?"));
    bot.api.wait_for_n(2, Duration::from_secs(10), |c| c.method == "sendChatAction");
    let (ok, stderr) = bot.terminate();
    assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
    let first_run = bot.api.calls();
    assert_eq!(answers(&bot, "omato"), 1, "the answer in flight at SIGTERM was sent");
    bot.relaunch();

    let polls: Vec<&Call> = first_run.iter().filter(|c| c.method == "getUpdates").collect();
    let confirm = polls
        .iter()
        .rev()
        .find(|c| c.body["limit"] == json!(1) && c.body["timeout"] == json!(0))
        .expect("a final getUpdates (limit 1, timeout 0) confirming the offset on shutdown");
    assert_eq!(offset(confirm), second + 1, "the shutdown call confirms the last update");
    assert_eq!(offset(polls.last().unwrap()), second + 1, "the last getUpdates of the first run");
    assert!(polls.iter().all(|c| offset(c) <= second + 1));

    // The restarted bot answers a new question, and neither old one again.
    bot.api.wait_for(|c| c.method == "setMyCommands" && c.at > confirm.at);
    bot.api.push(bot.message(STUDENT, STUDENT, "how often do I oil the bicycle chain?"));
    bot.reply_containing(STUDENT, "chain");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(answers(&bot, "archive"), 1, "first question answered twice");
    assert_eq!(answers(&bot, "omato"), 1, "second question answered twice");
    assert_eq!(answers(&bot, "chain"), 1);
    let (ok, stderr) = bot.stop();
    assert!(ok, "exit status after the second SIGTERM; stderr:\n{stderr}");
}

/// Builds `corpus` into `index` with `passagebot index`, with or without the bot's token in
/// the environment; returns the live generation.
fn index_beforehand(corpus: &Path, index: &Path, with_token: bool) -> Option<String> {
    let mut command = Command::new(BIN);
    command.arg("index").arg("--corpus").arg(corpus).arg("--index").arg(index);
    command.env_remove("TELOXIDE_TOKEN");
    if with_token {
        command.env("TELOXIDE_TOKEN", TOKEN);
    }
    let built = command.output().unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    passagebot::index::live_generation(index).map(|g| g.0)
}

#[test]
fn serve_takes_an_index_built_with_its_token_in_the_environment_without_rebuilding() {
    // `serve` cannot take an index built without knowing its token (a passage might hold
    // it), so it rebuilt the index `passagebot index` had just built: 225 s at a million
    // passages before the first answer. `index` now keeps `TELOXIDE_TOKEN` out too.
    let dir = tempfile::tempdir().unwrap();
    for with_token in [true, false] {
        let corpus = dir.path().join(format!("corpus-{with_token}"));
        let index = dir.path().join(format!("index-{with_token}"));
        write_corpus(&corpus, CORPUS);
        let built = index_beforehand(&corpus, &index, with_token);
        assert!(built.is_some());
        let bot = Bot::start(Options {
            serve_existing: Some((corpus, index.clone())),
            ..Options::default()
        });
        // Answering shows the bot is up (and its SIGTERM handler in place: a SIGTERM right
        // after setMyCommands could come before it and kill the process).
        bot.api.push(bot.message(STUDENT, STUDENT, "how do I unpack the archive?"));
        bot.reply_containing(STUDENT, "archive");
        let served = passagebot::index::live_generation(&index).map(|g| g.0);
        // Without the token the rebuild is still the safe answer.
        assert_eq!(served == built, with_token, "with the token in the environment: {with_token}");
        let (ok, stderr) = bot.stop();
        assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
    }
}
