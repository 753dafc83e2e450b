//! Feedback admins can act on: after a 👎 the user's one next message is its comment, shown
//! by `/stats` beside the passage; `/export` sends the stats as CSV documents.

use super::*;

/// Asks the tea question as `STUDENT`, presses 👎 under the answer, and waits for the
/// invitation to comment.
fn thumbs_down_on_tea(bot: &Bot) {
    bot.say(STUDENT, STUDENT, "how long should the tea steep, really?");
    let answer = bot.reply_containing(STUDENT, "steep");
    bot.press(STUDENT, &answer.result, &button(&answer, "👎"));
    bot.reply_containing(STUDENT, "What was wrong with it?");
}

/// Sends `/stats` as the admin until its reply contains `needle` (the stats thread writes
/// a moment later); returns it.
fn stats_until(bot: &Bot, needle: &str) -> String {
    for _ in 0..20 {
        let before = bot.api.calls_of("sendMessage").len();
        bot.say(ADMIN, ADMIN, "/stats");
        bot.api.wait_for_n(before + 1, Duration::from_secs(10), |c| c.method == "sendMessage");
        let stats = text(bot.api.calls_of("sendMessage").last().unwrap());
        if stats.contains(needle) {
            return stats;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("no {needle:?} in /stats");
}

#[test]
fn a_comment_after_thumbs_down_shows_in_stats_and_export_and_questions_resume() {
    let bot = Bot::start(Options::default());
    thumbs_down_on_tea(&bot);
    bot.say(STUDENT, STUDENT, "=HYPERLINK(\"x\") it says three minutes, but green tea needs two");
    bot.reply_containing(STUDENT, "Thank you");
    // Normal behaviour resumes: the next message is a question again.
    bot.say(STUDENT, STUDENT, "how do I unpack the widget archive?");
    bot.reply_containing(STUDENT, "home folder");

    let stats = stats_until(&bot, "said:");
    assert!(stats.contains("kettle"), "{stats}");
    // Sent as HTML, so the quotes are escaped.
    assert!(stats.contains("said: =HYPERLINK(&quot;x&quot;) it says three minutes"), "{stats}");

    let before = bot.api.calls_of("sendMessage").len();
    bot.say(STUDENT, STUDENT, "zzyzx, \"plorf\" qwvv?");
    bot.api.wait_for_n(before + 1, Duration::from_secs(10), |c| c.method == "sendMessage");
    std::thread::sleep(Duration::from_millis(300));
    bot.say(ADMIN, ADMIN, "/export");
    let docs = bot.api.wait_for_n(2, Duration::from_secs(10), |c| c.method == "sendDocument");
    assert_eq!(docs[0].body["document_filename"], "votes.csv");
    assert_eq!(docs[1].body["document_filename"], "unanswered.csv");
    assert_eq!(docs[0].body["chat_id"], json!(ADMIN.to_string()));
    let votes = docs[0].body["document"].as_str().unwrap();
    let mut lines = votes.split("\r\n");
    assert_eq!(lines.next(), Some("time_utc,vote,passage,question,comment"));
    let row = lines.next().unwrap();
    assert!(row.contains(",down,kettle"), "{votes}");
    assert!(row.contains(",\"how long should the tea steep, really?\","), "{votes}");
    assert!(
        row.ends_with(",\"'=HYPERLINK(\"\"x\"\") it says three minutes, but green tea needs two\""),
        "{votes}"
    );
    let unanswered = docs[1].body["document"].as_str().unwrap();
    assert!(
        unanswered.starts_with("question,times_asked\r\n\"zzyzx, \"\"plorf\"\" qwvv?\",1\r\n"),
        "{unanswered}"
    );
}

#[test]
fn a_command_after_thumbs_down_ends_the_wait_and_is_run() {
    let bot = Bot::start(Options::default());
    thumbs_down_on_tea(&bot);
    bot.say(STUDENT, STUDENT, "/help");
    bot.reply_containing(STUDENT, "/ask");
    bot.say(STUDENT, STUDENT, "how do I unpack the widget archive?");
    bot.reply_containing(STUDENT, "home folder");
    assert!(
        !bot.api.calls_of("sendMessage").iter().any(|c| text(c).contains("Thank you")),
        "no comment was taken"
    );
}

#[test]
fn export_is_for_admins_only() {
    let bot = Bot::start(Options::default());
    bot.say(STUDENT, STUDENT, "/export");
    bot.reply_containing(STUDENT, "only this bot's admins");
    std::thread::sleep(Duration::from_millis(300));
    assert!(bot.api.calls_of("sendDocument").is_empty());
}
