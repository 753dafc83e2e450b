//! Endpoints for messages: questions (private and group), `/start` (with a passage link or
//! the join code), `/help`, `/about`. Replies go out through [`super::outbox`]; the answer
//! buttons are in [`super::buttons`], the admin commands in [`super::admin`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use passagebot::answer::Reply;
use passagebot::search::Engine;
use teloxide::prelude::*;
use teloxide::types::{ChatAction, Me};
use tracing::{debug, info, instrument, warn};

use super::buttons::{Shown, has_related, keyboard};
use super::callback::generation_tag;
use super::commands::{Command, help_text};
use super::flood::Verdict;
use super::i18n::{Language, t};
use super::outbox::{self, plain as send_plain, plain_turn as send_plain_turn};
use super::pace::Turn;
use super::stats::Record;
use super::{App, HandlerResult, Tg, metrics};
use passagebot::render::{telegram, texts};

/// A question found in a message, with the bot's mention removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question(pub String);

/// Private chats: any text that is not a command is a question.
pub fn private_question(msg: Message) -> Option<Question> {
    let text = msg.text()?;
    (msg.chat.is_private() && !text.starts_with('/')).then(|| Question(text.to_string()))
}

/// Groups: a message that mentions the bot, or replies to one of its messages; other chatter
/// (and commands meant for other bots) is ignored.
pub fn group_question(msg: Message, me: Me) -> Option<Question> {
    if msg.chat.is_private() || msg.chat.is_channel() {
        return None;
    }
    let text = msg.text()?;
    if text.starts_with('/') {
        return None;
    }
    let mention = format!("@{}", me.username());
    if let Some(at) = text.to_lowercase().find(&mention.to_lowercase())
        && text.is_char_boundary(at)
        && text.is_char_boundary(at + mention.len())
    {
        let rest = format!("{} {}", &text[..at], &text[at + mention.len()..]);
        return Some(Question(rest.split_whitespace().collect::<Vec<_>>().join(" ")));
    }
    let replied_to_bot =
        msg.reply_to_message().and_then(|m| m.from.as_ref()).is_some_and(|u| u.id == me.id);
    replied_to_bot.then(|| Question(text.to_string()))
}

/// Answers a question found by [`private_question`] or [`group_question`].
pub async fn on_question(
    bot: Tg,
    msg: Message,
    question: Question,
    app: Arc<App>,
) -> HandlerResult {
    answer_question(&bot, &app, &msg, &question.0).await
}

/// Private messages that are neither questions nor known commands.
pub async fn on_private_other(bot: Tg, msg: Message, app: Arc<App>) -> HandlerResult {
    let lang = app.lang(msg.from.as_ref());
    let text =
        if msg.text().is_some() { t!(lang, "unknown-command") } else { t!(lang, "text-only") };
    send_plain(&bot, &app, &msg, &text).await
}

/// Commands for everyone (`/start`, `/help`, `/ask`, `/about`).
#[instrument(skip_all, fields(chat = msg.chat.id.0))]
pub async fn on_command(bot: Tg, msg: Message, cmd: Command, app: Arc<App>) -> HandlerResult {
    let user = msg.from.as_ref().map(|u| u.id.0);
    let admin = user.is_some_and(|u| app.config.is_admin(u));
    let lang = app.lang(msg.from.as_ref());
    match cmd {
        Command::Start(payload) if !payload.trim().is_empty() => {
            deep_link(&bot, &app, &msg, payload.trim()).await
        }
        Command::Start(_) => start(&bot, &app, &msg).await,
        Command::Help => send_plain(&bot, &app, &msg, &help_text(admin, lang)).await,
        Command::Ask(question) if question.trim().is_empty() => {
            send_plain(&bot, &app, &msg, &t!(lang, "ask-empty")).await
        }
        Command::Ask(question) => answer_question(&bot, &app, &msg, &question).await,
        Command::About => about(&bot, &app, &msg).await,
    }
}

/// Whether `msg` is `/start <join code>` in a private chat from someone not denied: the one
/// update that passes the access gate without being on the list. In a group the code would
/// be shown to everyone, so it is not taken there.
pub fn is_join(msg: Message, cmd: Command, app: Arc<App>) -> bool {
    let (Command::Start(payload), Some(code)) = (&cmd, &app.config.join_code) else {
        return false;
    };
    let sender = msg.from.as_ref().map(|u| u.id.0);
    // Both sides hashed, so the comparison takes the same time whatever was sent.
    msg.chat.is_private()
        && sender.is_some_and(|u| !app.access.is_denied(u))
        && blake3::hash(payload.trim().as_bytes()) == blake3::hash(code.expose().as_bytes())
}

/// `/start <join code>`: puts the sender on the allow-list, then greets them.
#[instrument(skip_all, fields(chat = msg.chat.id.0))]
pub async fn join(bot: Tg, msg: Message, app: Arc<App>) -> HandlerResult {
    let Some(user) = msg.from.as_ref().map(|u| u.id.0) else { return Ok(()) };
    let lang = app.lang(msg.from.as_ref());
    let saved = i64::try_from(user)
        .map_err(anyhow::Error::from)
        .and_then(|id| app.access.set(id, true, user));
    if let Err(err) = saved {
        warn!(cause = %format!("{err:#}"), "saving a join failed");
        return send_plain(&bot, &app, &msg, &t!(lang, "join-failed")).await;
    }
    info!(user, "joined with the join code");
    send_plain(&bot, &app, &msg, &t!(lang, "join-welcome")).await?;
    start(&bot, &app, &msg).await
}

/// The answer flow: flood check, typing indicator, search, reply with buttons, stats.
#[instrument(skip_all, fields(chat = msg.chat.id.0))]
pub async fn answer_question(bot: &Tg, app: &App, msg: &Message, question: &str) -> HandlerResult {
    let started = Instant::now();
    let user = msg.from.as_ref().map(|u| u.id.0).unwrap_or(0);
    let lang = app.lang(msg.from.as_ref());
    match app.flood.check(user, started) {
        Verdict::Allow => {}
        Verdict::SlowDown { retry_in_secs } => {
            let text = t!(lang, "slow-down", secs = retry_in_secs);
            // At once, ahead of the answers still queued for the chat.
            return send_plain_turn(bot, app, msg, &text, Turn::Urgent).await;
        }
        Verdict::Ignore => return Ok(()),
    }
    // The first part's slot before the search: a chat over its budget costs no search.
    let slot = match app.pacer.reserve_turn(msg.chat.id.0, app.reply_turn()) {
        Ok(at) => at,
        Err(busy) => return outbox::tell_busy(bot, app, msg, busy).await,
    };

    let engine = app.engine.current();
    let top_k = app.config.answers_per_question;
    let owned = question.to_string();
    let previous = previous_question(app, msg, started);
    let search = async {
        let _slot = app.searches.acquire().await?;
        let reply = tokio::task::spawn_blocking(move || {
            let asked = previous
                .and_then(|(previous, replying)| engine.follow_up(&previous, &owned, replying))
                .unwrap_or(owned);
            let reply = engine.ask(&asked, top_k);
            let best = reply.as_ref().ok().and_then(|r| r.best());
            let related = best
                .and_then(|a| engine.number_of(&a.passage.id))
                .is_some_and(|n| !engine.related(n, 1).is_empty());
            (engine, reply, related)
        });
        anyhow::Ok(reply.await?)
    };
    let typing = bot.send_chat_action(msg.chat.id, ChatAction::Typing);
    let (typing, searched) = tokio::join!(typing.into_future(), search);
    if let Err(err) = typing {
        debug!(cause = %err, "typing indicator failed");
    }
    let (engine, reply, related) = searched?;
    let reply = match reply {
        Ok(reply) => reply,
        Err(err) => {
            // An internal failure is said as one, never dressed up as "no good match".
            tracing::error!(cause = %err, "search failed");
            let text = telegram::escape(&t!(lang, "search-failed"));
            outbox::reply_at(bot, app, msg, vec![text], None, slot).await?;
            return Ok(());
        }
    };
    let generation = generation_tag(&engine.info().generation);
    let answered = !reply.answers.is_empty();
    let (parts, keyboard) = if let Some(best) = reply.best() {
        let keys = ranked_keys(&engine, &reply);
        let shown = Shown {
            key: &keys[0],
            title: &best.passage.title,
            position: 0,
            total: keys.len(),
            later: &keys[1..],
            related,
        };
        (telegram::reply(&reply), Some(keyboard(lang, &app.username, &shown)))
    } else {
        (vec![no_match_html(app, &reply, lang)], None)
    };
    let sent = outbox::reply_at(bot, app, msg, parts, keyboard, slot).await?;
    metrics::global().question(answered, started.elapsed());
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    if answered {
        app.replies.remember_question(msg.chat.id.0, &reply.question, started);
    } else {
        app.replies.forget_question(msg.chat.id.0);
    }
    if answered && let Some(sent) = sent {
        app.replies.insert((msg.chat.id.0, sent.0), &generation, Arc::new(reply));
    }
    record_question(app, user, question, answered, elapsed_ms);
    Ok(())
}

/// How long after an answer in a private chat a short question may be its follow-up.
const FOLLOW_UP_WINDOW: Duration = Duration::from_secs(5 * 60);

/// The question a new one may follow up, and whether it replies to that question's answer:
/// the question behind the bot's answer it replies to, or in a private chat the last one
/// answered within [`FOLLOW_UP_WINDOW`].
fn previous_question(app: &App, msg: &Message, now: Instant) -> Option<(String, bool)> {
    let chat = msg.chat.id.0;
    if let Some(replied) = msg.reply_to_message()
        && let Some(reply) = app.replies.get_any((chat, replied.id.0))
    {
        return Some((reply.question.clone(), true));
    }
    if !msg.chat.is_private() {
        return None;
    }
    app.replies.recent_question(chat, now, FOLLOW_UP_WINDOW).map(|q| (q, false))
}

/// `/start`: a greeting and three example questions the index really answers.
async fn start(bot: &Tg, app: &App, msg: &Message) -> HandlerResult {
    let engine = app.engine.current();
    let configured = app.config.example_questions.clone();
    let examples =
        tokio::task::spawn_blocking(move || example_questions(&engine, configured)).await?;
    let lang = app.lang(msg.from.as_ref());
    let mut text = app.config.welcome_text.clone().unwrap_or_else(|| t!(lang, "start-greeting"));
    if !examples.is_empty() {
        text.push_str(&format!("\n\n{}", t!(lang, "start-examples")));
        for example in examples {
            text.push_str(&format!("\n• {example}"));
        }
    }
    text.push_str(&format!("\n\n{}", t!(lang, "start-more")));
    send_plain(bot, app, msg, &text).await
}

/// `/start <passage key>`: opens a shared or cited passage, by its stable key.
async fn deep_link(bot: &Tg, app: &App, msg: &Message, payload: &str) -> HandlerResult {
    let engine = app.engine.current();
    let lang = app.lang(msg.from.as_ref());
    let Some((number, passage)) = engine.passage_by_key(payload) else {
        return send_plain(bot, app, msg, &t!(lang, "deep-link-missing")).await;
    };
    let key = engine.key_of(&passage);
    let related = has_related(&engine, number).await?;
    let shown =
        Shown { key: &key, title: &passage.title, position: 0, total: 1, later: &[], related };
    let keyboard = keyboard(lang, &app.username, &shown);
    outbox::reply(bot, app, msg, telegram::passage(&passage), Some(keyboard), app.reply_turn())
        .await?;
    Ok(())
}

/// `/about`: what the index holds.
async fn about(bot: &Tg, app: &App, msg: &Message) -> HandlerResult {
    let engine = app.engine.current();
    let info = engine.info();
    let lang = app.lang(msg.from.as_ref());
    let when = match info.built_at_unix {
        0 => t!(lang, "about-unknown-time"),
        unix => texts::format_utc(unix),
    };
    let text = t!(lang, "about", documents = info.documents, passages = info.passages, when = when);
    send_plain(bot, app, msg, &text).await
}

/// Questions for `/start`: the configured ones, or questions made from the passages that
/// the index really answers (made once per index generation).
fn example_questions(engine: &Engine, configured: Vec<String>) -> Vec<String> {
    if !configured.is_empty() {
        return configured.into_iter().take(3).collect();
    }
    engine.examples().to_vec()
}

/// The ranked answers' stable passage keys.
fn ranked_keys(engine: &Engine, reply: &Reply) -> Vec<String> {
    reply.answers.iter().map(|a| engine.key_of(&a.passage)).collect()
}

/// The no-match message in `lang` (the core's wording, from the catalog), with the
/// configured text in its place when set, and the "did you mean" and nearest topics under it.
fn no_match_html(app: &App, reply: &Reply, lang: Language) -> String {
    let mut text = match (&app.config.no_match_text, &reply.no_match) {
        (Some(custom), _) => custom.clone(),
        (None, Some(passagebot::answer::NoMatchReason::NoSearchableWords)) => {
            t!(lang, "no-match-no-words")
        }
        (None, _) => t!(lang, "no-match"),
    };
    if let Some(suggestion) = &reply.suggestion {
        text.push_str(&format!("\n{}", t!(lang, "did-you-mean", suggestion = suggestion.as_str())));
    }
    if !reply.nearby.is_empty() {
        let topics = reply.nearby.join("; ");
        text.push_str(&format!("\n{}", t!(lang, "nearby-topics", topics = topics)));
    }
    telegram::escape(&text)
}

fn record_question(app: &App, user: u64, question: &str, answered: bool, elapsed_ms: f64) {
    // Queued for the stats thread; a failure is logged there (once) and never fails the answer.
    app.recorder.record(Record::question(user, question, answered, elapsed_ms));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(json: serde_json::Value) -> Message {
        serde_json::from_value(json).unwrap()
    }

    fn me() -> Me {
        serde_json::from_value(serde_json::json!({
            "id": 42, "is_bot": true, "first_name": "Q", "username": "qbot",
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": true, "has_main_web_app": false
        }))
        .unwrap()
    }

    fn group_text(text: &str, reply_to_from: Option<u64>) -> Message {
        let mut json = serde_json::json!({
            "message_id": 5, "date": 0, "text": text,
            "chat": {"id": -100, "type": "supergroup", "title": "G"},
            "from": {"id": 7, "is_bot": false, "first_name": "A"}
        });
        if let Some(from) = reply_to_from {
            json["reply_to_message"] = serde_json::json!({
                "message_id": 4, "date": 0, "text": "earlier",
                "chat": {"id": -100, "type": "supergroup", "title": "G"},
                "from": {"id": from, "is_bot": true, "first_name": "B"}
            });
        }
        message(json)
    }

    #[test]
    fn group_routing() {
        assert_eq!(
            group_question(group_text("hey @QBot what is x?", None), me()),
            Some(Question("hey what is x?".into()))
        );
        assert_eq!(
            group_question(group_text("and why?", Some(42)), me()),
            Some(Question("and why?".into()))
        );
        assert_eq!(
            group_question(group_text("and why?", Some(43)), me()),
            None,
            "reply to someone else"
        );
        assert_eq!(group_question(group_text("just chatting", None), me()), None);
        assert_eq!(group_question(group_text("/ask@otherbot x", None), me()), None);
    }

    #[test]
    fn private_routing() {
        let private = message(serde_json::json!({
            "message_id": 1, "date": 0, "text": "what is x?",
            "chat": {"id": 7, "type": "private", "first_name": "A"},
            "from": {"id": 7, "is_bot": false, "first_name": "A"}
        }));
        assert_eq!(private_question(private), Some(Question("what is x?".into())));
        assert_eq!(private_question(group_text("what is x?", None)), None);
    }
}
