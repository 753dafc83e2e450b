//! The user's language: Telegram's `language_code` `ko*` gets Korean, everyone else the
//! configured default (`language`, English unless set); the menus are registered per language.

use super::*;

/// A private message from `user` whose Telegram app is set to `code`.
fn say_in(bot: &Bot, user: i64, code: &str, text: &str) {
    let mut update = bot.message(user, user, text);
    update["message"]["from"]["language_code"] = json!(code);
    bot.api.push(update);
}

#[test]
fn a_korean_user_gets_korean_and_others_english() {
    let bot = Bot::start(Options::default());
    let menus = bot.api.wait_for_n(2, Duration::from_secs(10), |c| c.method == "setMyCommands");
    assert!(menus.iter().any(|c| c.body["language_code"] == "ko"), "a Korean command menu");
    let korean_menu = menus.iter().find(|c| c.body["language_code"] == "ko").unwrap();
    assert!(
        korean_menu.body["commands"].to_string().contains("질문합니다"),
        "{}",
        korean_menu.body
    );

    say_in(&bot, STUDENT, "ko-KR", "/help");
    let help = bot.reply_containing(STUDENT, "질문을 편하게 보내 주시면");
    assert!(text(&help).contains("/ask — 질문합니다."), "{}", text(&help));
    say_in(&bot, STUDENT, "ko", "how long should the tea steep?");
    let answer = bot.reply_containing(STUDENT, "steep");
    let labels: Vec<String> = buttons(&answer).into_iter().map(|(label, _)| label).collect();
    assert!(labels.contains(&"다음 답변 ▸".to_string()), "{labels:?}");
    assert!(labels.contains(&"앞뒤 내용 보기".to_string()), "{labels:?}");
    say_in(&bot, STUDENT, "ko", "zzyzx qwvv plorf");
    bot.reply_containing(STUDENT, "잘 맞는 내용을 찾지 못했습니다");
    say_in(&bot, STUDENT, "ko", "/frobnicate");
    bot.reply_containing(STUDENT, "모르는 명령어입니다");
    say_in(&bot, STUDENT, "ko", "/stats");
    bot.reply_containing(STUDENT, "봇 관리자만 할 수 있습니다");

    let other = STUDENT + 1;
    say_in(&bot, other, "de", "/help");
    bot.reply_containing(other, "Send me a question in your own words");
    say_in(&bot, ADMIN, "ko", "/stats");
    bot.reply_containing(ADMIN, "최근 7일:");
}

/// `PASSAGEBOT_LANGUAGE=ko` through the config file's key.
fn korean_default(_: &Path) -> String {
    "language = \"ko\"".to_string()
}

#[test]
fn the_configured_default_language_answers_users_without_a_shipped_one() {
    let bot = Bot::start(Options { prepare: Some(korean_default), ..Options::default() });
    bot.say(STUDENT, STUDENT, "/start");
    bot.reply_containing(STUDENT, "안녕하십니까!");
    say_in(&bot, ADMIN, "fr", "/users");
    bot.reply_containing(ADMIN, "이용 방식: 공개");
}
