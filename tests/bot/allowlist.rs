//! `access = "allow-list"`: who gets answered (admins, listed users, members of listed chats,
//! users who joined with the code or were `/allow`ed), that everyone else gets one polite
//! message and then silence in messages, buttons and inline mode alike, that forged-looking
//! updates (a private chat carrying a listed chat's or user's id, a reply to or forward of a
//! listed user) change nothing, and that changes made from chat survive a restart.

use std::time::Duration;

use serde_json::json;

use super::standin::BOT_USERNAME;
use super::*;

const LISTED: i64 = 3001;
const MEMBER: i64 = 3002;
const REFUSAL: &str = "only open to its course's members";

fn allow_list(_: &Path) -> String {
    format!(
        "access = \"allow-list\"\nallowed_users = [{LISTED}]\nallowed_chats = [{GROUP}]\njoin_code = \"tea-club\""
    )
}

fn bare_allow_list(_: &Path) -> String {
    "access = \"allow-list\"".to_string()
}

/// The `sendMessage` calls to `chat_id` so far.
fn sent_to(bot: &Bot, chat_id: i64) -> Vec<Call> {
    bot.api
        .calls_of("sendMessage")
        .into_iter()
        .filter(|c| c.body["chat_id"] == json!(chat_id))
        .collect()
}

/// Asserts that nothing more is sent to `chat_id` within a while (after `before` messages).
fn stays_silent(bot: &Bot, chat_id: i64, before: usize) {
    std::thread::sleep(Duration::from_millis(800));
    let texts: Vec<String> = sent_to(bot, chat_id).iter().skip(before).map(text).collect();
    assert!(texts.is_empty(), "chat {chat_id} got {texts:?}");
}

fn message_from(bot: &Bot, user: i64, chat: Value, text: &str) -> Value {
    json!({"message": {
        "message_id": bot.api.message_id(), "date": 1_700_000_000, "chat": chat, "text": text,
        "from": {"id": user, "is_bot": false, "first_name": "Someone"}}})
}

fn inline_query(bot: &Bot, user: i64, query: &str) -> String {
    let id = format!("iq{}", bot.api.message_id());
    bot.api.push(json!({"inline_query": {"id": id, "query": query, "offset": "",
        "from": {"id": user, "is_bot": false, "first_name": "Someone"}}}));
    id
}

fn callback_answer(bot: &Bot, id: &str) -> Call {
    bot.api
        .wait_for(|c| c.method == "answerCallbackQuery" && c.body["callback_query_id"] == json!(id))
}

#[test]
fn allow_list_answers_listed_users_members_and_joiners_and_refuses_strangers_once() {
    let bot = Bot::start(Options { prepare: Some(allow_list), ..Options::default() });
    bot.api.add_member(GROUP, MEMBER);
    bot.api.wait_for(|c| c.method == "setMyCommands");

    // A stranger: one polite message with their id, then silence.
    const STRANGER: i64 = 3003;
    bot.say(STRANGER, STRANGER, "how long should the tea steep?");
    let refusal = bot.reply_containing(STRANGER, REFUSAL);
    assert!(text(&refusal).contains(&STRANGER.to_string()) && text(&refusal).contains("join code"));
    bot.say(STRANGER, STRANGER, "how long should the tea steep?");
    bot.say(STRANGER, STRANGER, "/help");
    stays_silent(&bot, STRANGER, 1);
    // Inline mode: an empty list, never passages.
    let query = inline_query(&bot, STRANGER, "tea steep");
    let answer = bot
        .api
        .wait_for(|c| c.method == "answerInlineQuery" && c.body["inline_query_id"] == json!(query));
    assert_eq!(answer.body["results"], json!([]), "{}", answer.body);

    // Listed by id, and a member of the listed group (as Telegram's getChatMember says).
    bot.say(LISTED, LISTED, "how long should the tea steep?");
    let answered = bot.reply_containing(LISTED, "steep");
    bot.say(MEMBER, MEMBER, "how do I unpack the archive?");
    bot.reply_containing(MEMBER, "unpack");
    assert!(bot.api.calls_of("getChatMember").iter().any(|c| c.body["user_id"] == json!(MEMBER)));
    // Anyone in the listed group itself.
    bot.say(STUDENT, GROUP, &format!("@{BOT_USERNAME} how often do I oil the bicycle chain?"));
    bot.reply_containing(GROUP, "chain");

    // Buttons obey the same rule: a stranger pressing "Show context" on a listed user's
    // answer (in a private chat) gets a toast once, then an empty answer, and nothing sent.
    const PRESSER: i64 = 3004;
    let sent_before = bot.api.calls_of("sendMessage").len();
    let first = bot.press(PRESSER, &answered.result, &button(&answered, "context"));
    assert!(callback_answer(&bot, &first).body["text"].as_str().unwrap_or("").contains(REFUSAL));
    let second = bot.press(PRESSER, &answered.result, &button(&answered, "context"));
    assert!(callback_answer(&bot, &second).body.get("text").is_none());
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        bot.api.calls_of("sendMessage").len(),
        sent_before,
        "a refused press sent a message"
    );

    // The join code: a wrong one is refused; the right one lets them in.
    const JOINER: i64 = 3005;
    bot.say(JOINER, JOINER, "/start wrong-code");
    bot.reply_containing(JOINER, REFUSAL);
    bot.say(JOINER, JOINER, "/start tea-club");
    bot.reply_containing(JOINER, "Welcome, you're in!");
    bot.say(JOINER, JOINER, "how do I unpack the archive?");
    bot.reply_containing(JOINER, "unpack");
    // The code is not taken in a group (everyone would see it).
    const GROUP_JOINER: i64 = 3011;
    bot.say(GROUP_JOINER, -900, "/start tea-club");
    bot.reply_containing(-900, REFUSAL);
}

#[test]
fn forged_chat_ids_replies_and_forwards_do_not_open_the_allow_list() {
    let bot = Bot::start(Options { prepare: Some(allow_list), ..Options::default() });
    bot.api.wait_for(|c| c.method == "setMyCommands");
    // A private chat that carries the listed group's id.
    const A: i64 = 3006;
    let private_group_id = json!({"id": GROUP, "type": "private", "first_name": "Forger"});
    bot.api.push(message_from(&bot, A, private_group_id.clone(), "how long should the tea steep?"));
    let refusal = bot.api.wait_for(|c| c.method == "sendMessage" && text(c).contains(REFUSAL));
    assert!(text(&refusal).contains(&A.to_string()));
    // A private chat whose id is a listed user's, the sender someone else.
    const B: i64 = 3007;
    bot.api.push(message_from(&bot, B, chat(LISTED), "how long should the tea steep?"));
    bot.api.wait_for(|c| text(c).contains(REFUSAL) && text(c).contains(&B.to_string()));
    // Replying to a listed user's message, and forwarding an admin's question.
    const C: i64 = 3008;
    let mut update = message_from(&bot, C, chat(C), "how long should the tea steep?");
    update["message"]["reply_to_message"] = json!({"message_id": 1, "date": 1_700_000_000,
        "chat": chat(C), "text": "hi", "from": {"id": LISTED, "is_bot": false, "first_name": "L"}});
    update["message"]["forward_origin"] = json!({"type": "user", "date": 1_700_000_000,
        "sender_user": {"id": ADMIN, "is_bot": false, "first_name": "Admin"}});
    update["message"]["forward_from"] =
        json!({"id": ADMIN, "is_bot": false, "first_name": "Admin"});
    bot.api.push(update);
    bot.reply_containing(C, REFUSAL);
    // A button press under a message in a "private" chat carrying the group's id.
    const D: i64 = 3009;
    let message = json!({"message_id": 77, "date": 1_700_000_000, "chat": private_group_id,
        "from": {"id": 4242, "is_bot": true, "first_name": "Q"}, "text": "an answer"});
    let pressed = bot.press(D, &message, "garbage");
    assert!(callback_answer(&bot, &pressed).body["text"].as_str().unwrap_or("").contains(REFUSAL));
    // Nothing but refusals went out.
    std::thread::sleep(Duration::from_millis(500));
    let sent = bot.api.calls_of("sendMessage");
    assert!(
        sent.iter().all(|c| text(c).contains(REFUSAL)),
        "{:#?}",
        sent.iter().map(text).collect::<Vec<_>>()
    );
    assert_eq!(sent.len(), 3);
}

#[test]
fn admins_allow_and_deny_from_chat_and_the_list_survives_a_restart() {
    let mut bot = Bot::start(Options { prepare: Some(bare_allow_list), ..Options::default() });
    bot.api.wait_for(|c| c.method == "setMyCommands");
    const U: i64 = 3010;
    const LATER: i64 = 3012;
    const CLUB: i64 = -777;
    bot.say(U, U, "how long should the tea steep?");
    bot.reply_containing(U, REFUSAL);
    bot.say(ADMIN, ADMIN, &format!("/allow {U}"));
    bot.reply_containing(ADMIN, &format!("User {U} may use the bot now"));
    bot.say(U, U, "how long should the tea steep?");
    bot.reply_containing(U, "steep");
    // An allowed user is still no admin.
    bot.say(U, U, &format!("/allow {LATER}"));
    bot.reply_containing(U, "only this bot's admins");
    // A group by its id, and a user by replying to their message in a group.
    bot.say(ADMIN, ADMIN, &format!("/allow {CLUB}"));
    bot.reply_containing(ADMIN, &format!("members of chat {CLUB}"));
    let theirs = json!({"message_id": 5, "date": 1_700_000_000, "chat": chat(CLUB), "text": "hello",
        "from": {"id": LATER, "is_bot": false, "first_name": "Later"}});
    bot.say_replying(ADMIN, CLUB, "/allow", Some(theirs));
    bot.reply_containing(CLUB, &format!("User {LATER} may use the bot now"));
    bot.say(ADMIN, ADMIN, "/users");
    let users = bot.reply_containing(ADMIN, "Access: allow-list");
    assert!(
        text(&users).contains(&format!("{U}, {LATER}")) && text(&users).contains(&CLUB.to_string()),
        "{}",
        text(&users)
    );
    // Denied: told once again (they had been allowed meanwhile).
    bot.say(ADMIN, ADMIN, &format!("/deny {U}"));
    bot.reply_containing(ADMIN, "may no longer use the bot");
    let before = sent_to(&bot, U).len();
    bot.say(U, U, "how long should the tea steep?");
    bot.api.wait_for_n(before + 1, Duration::from_secs(10), |c| {
        c.method == "sendMessage" && c.body["chat_id"] == json!(U)
    });
    assert!(text(sent_to(&bot, U).last().unwrap()).contains(REFUSAL));

    // After a restart: the allowed user and group are still allowed, the denied still denied.
    let (ok, _) = bot.terminate();
    assert!(ok);
    bot.relaunch();
    let before = sent_to(&bot, U).len();
    bot.say(LATER, LATER, "how do I unpack the archive?");
    bot.reply_containing(LATER, "unpack");
    bot.say(STUDENT, CLUB, &format!("@{BOT_USERNAME} how often do I oil the bicycle chain?"));
    bot.reply_containing(CLUB, "chain");
    bot.say(U, U, "how long should the tea steep?");
    stays_silent(&bot, U, before);
}
