//! The answer buttons: the keyboard under an answer ("Next answer", "Show context", "See
//! also", "Share", 👍/👎) and the endpoint for presses. What a button carries is encoded in
//! [`super::callback`]: stable passage keys, so a button of an old message keeps working
//! after a reindex while its passage exists, and says politely that it is gone when not.

use std::sync::Arc;

use passagebot::corpus::Passage;
use passagebot::render::{telegram, texts};
use passagebot::search::Engine;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use tracing::instrument;

use super::callback::Action;
use super::i18n::{Language, t};
use super::stats::Record;
use super::{App, HandlerResult, Tg, feedback, outbox};

/// The passage a keyboard sits under, and what the buttons need to know about it.
#[derive(Debug, Clone)]
pub struct Shown<'a> {
    /// Its stable key.
    pub key: &'a str,
    /// Its title, the text of a shared link.
    pub title: &'a str,
    /// Its rank among the question's passages, from 0.
    pub position: usize,
    /// How many passages the question has.
    pub total: usize,
    /// Keys of the passages ranked after it.
    pub later: &'a [String],
    /// Whether related passages exist ("See also" is shown only then).
    pub related: bool,
}

/// Answers a press of one of the answer buttons.
#[instrument(skip_all, fields(user = q.from.id.0))]
pub async fn on_callback(bot: Tg, q: CallbackQuery, app: Arc<App>) -> HandlerResult {
    let lang = app.lang(Some(&q.from));
    let Some(action) = q.data.as_deref().and_then(Action::decode) else {
        bot.answer_callback_query(q.id.clone()).text(t!(lang, "button-expired")).await?;
        return Ok(());
    };
    let engine = app.engine.current();
    match action {
        Action::Next { position, total, keys } => {
            let Some(message) = q.regular_message() else {
                bot.answer_callback_query(q.id.clone()).await?;
                return Ok(());
            };
            let Some((number, passage)) = engine.passage_by_key(&keys[0]) else {
                return gone(&bot, &q, lang).await;
            };
            // The cached reply (any generation: the key pins the passage's text) keeps the
            // key sentence and knows every later key.
            let cached = app.replies.get_any((message.chat.id.0, message.id.0));
            let ranked = cached.as_ref().filter(|reply| {
                reply.answers.get(position).is_some_and(|a| engine.key_of(&a.passage) == keys[0])
            });
            let parts = ranked
                .and_then(|reply| reply.answers.get(position))
                .map(|a| telegram::answer(a, None))
                .unwrap_or_else(|| telegram::passage(&passage));
            let later: Vec<String> = match ranked {
                Some(reply) => reply
                    .answers
                    .iter()
                    .skip(position + 1)
                    .map(|a| engine.key_of(&a.passage))
                    .collect(),
                None => keys[1..].to_vec(),
            };
            let related = has_related(&engine, number).await?;
            let shown = Shown {
                key: &keys[0],
                title: &passage.title,
                position,
                total,
                later: &later,
                related,
            };
            let keyboard = keyboard(lang, &app.username, &shown);
            outbox::edit_with_rest(&bot, &app, message, parts, keyboard).await?;
            let label = t!(lang, "answer-position", position = position + 1, total = total);
            bot.answer_callback_query(q.id.clone()).text(label).await?;
        }
        Action::Context { key } => {
            let target = follow_up_target(&bot, &app, &q, &engine, &key, lang).await?;
            let Some((message, _, passage, slot)) = target else { return Ok(()) };
            let neighbours = engine.context(&passage.id, app.config.context_radius);
            let parts = telegram::context(&neighbours, &passage.id);
            outbox::follow_up(&bot, &app, message, parts, slot).await?;
        }
        Action::SeeAlso { key } => {
            let target = follow_up_target(&bot, &app, &q, &engine, &key, lang).await?;
            let Some((message, number, _, slot)) = target else { return Ok(()) };
            let related = {
                let engine = engine.clone();
                tokio::task::spawn_blocking(move || engine.related(number, 3)).await?
            };
            let (heading, none) = (t!(lang, "see-also-heading"), t!(lang, "see-also-none"));
            let parts = telegram::see_also(&related, &heading, &none, |p| {
                texts::deep_link(&app.username, &engine.key_of(p))
            });
            outbox::follow_up(&bot, &app, message, parts, slot).await?;
        }
        Action::Vote { key, up } => {
            let Some((_, passage)) = engine.passage_by_key(&key) else {
                return gone(&bot, &q, lang).await;
            };
            // The question behind the answer, while the reply is still cached.
            let asked = q.regular_message().and_then(|m| {
                app.replies.get_any((m.chat.id.0, m.id.0)).map(|r| r.question.clone())
            });
            let vote = Record::vote_after(q.from.id.0, &passage.id, up, asked.as_deref());
            app.recorder.record(vote);
            bot.answer_callback_query(q.id.clone()).text(t!(lang, "vote-thanks")).await?;
            if let Some(shown) = q.regular_message().filter(|_| !up) {
                feedback::invite(&bot, &app, shown, q.from.id.0, &passage.id, lang).await?;
            }
        }
    }
    Ok(())
}

/// Whether passage `number` has related passages (searched off the async threads).
pub async fn has_related(engine: &Arc<Engine>, number: u32) -> anyhow::Result<bool> {
    let engine = engine.clone();
    Ok(tokio::task::spawn_blocking(move || !engine.related(number, 1).is_empty()).await?)
}

/// Says that the button's passage is gone.
async fn gone(bot: &Tg, q: &CallbackQuery, lang: Language) -> HandlerResult {
    bot.answer_callback_query(q.id.clone()).text(t!(lang, "passage-gone")).show_alert(true).await?;
    Ok(())
}

/// What a button that sends a follow-up message ("Show context", "See also") works on: the
/// answer's message, the passage of `key` (its number and text) and a send slot in the
/// chat. `None` once the press has been answered: no message, the passage is gone, or the
/// chat is busy.
async fn follow_up_target<'q>(
    bot: &Tg,
    app: &App,
    q: &'q CallbackQuery,
    engine: &Engine,
    key: &str,
    lang: Language,
) -> anyhow::Result<Option<(&'q Message, u32, Arc<Passage>, tokio::time::Instant)>> {
    let Some(message) = q.regular_message() else {
        bot.answer_callback_query(q.id.clone()).await?;
        return Ok(None);
    };
    let Some((number, passage)) = engine.passage_by_key(key) else {
        gone(bot, q, lang).await?;
        return Ok(None);
    };
    let Some(slot) = reserve(bot, app, q, message, lang).await? else { return Ok(None) };
    bot.answer_callback_query(q.id.clone()).await?;
    Ok(Some((message, number, passage, slot)))
}

/// A slot for a follow-up message in the chat, or `None` (the presser told) when busy.
async fn reserve(
    bot: &Tg,
    app: &App,
    q: &CallbackQuery,
    message: &Message,
    lang: Language,
) -> anyhow::Result<Option<tokio::time::Instant>> {
    match app.pacer.reserve_turn(message.chat.id.0, app.reply_turn()) {
        Ok(at) => Ok(Some(at)),
        Err(busy) => {
            let text = t!(lang, "busy-context", secs = busy.retry_in.as_secs().max(1));
            bot.answer_callback_query(q.id.clone()).text(text).await?;
            Ok(None)
        }
    }
}

/// The buttons under a shown passage, labelled in `lang`; "Share" opens Telegram's share
/// dialog with the passage's deep link (`t.me/<username>?start=<key>`).
pub fn keyboard(lang: Language, username: &str, shown: &Shown) -> InlineKeyboardMarkup {
    let key = shown.key.to_string();
    let mut first_row = Vec::new();
    if !shown.later.is_empty() && shown.position + 1 < shown.total {
        let next = Action::Next {
            position: shown.position + 1,
            total: shown.total,
            keys: shown.later.to_vec(),
        };
        first_row.push(InlineKeyboardButton::callback(t!(lang, "button-next"), next.encode()));
    }
    let context = Action::Context { key: key.clone() };
    first_row.push(InlineKeyboardButton::callback(t!(lang, "button-context"), context.encode()));
    let mut second_row = Vec::new();
    if shown.related {
        let see_also = Action::SeeAlso { key: key.clone() };
        second_row
            .push(InlineKeyboardButton::callback(t!(lang, "button-see-also"), see_also.encode()));
    }
    if let Ok(url) = texts::share_url(username, &key, shown.title).parse() {
        second_row.push(InlineKeyboardButton::url(t!(lang, "button-share"), url));
    }
    let up = Action::Vote { key: key.clone(), up: true };
    let down = Action::Vote { key, up: false };
    let votes = vec![
        InlineKeyboardButton::callback("👍", up.encode()),
        InlineKeyboardButton::callback("👎", down.encode()),
    ];
    let rows = [first_row, second_row, votes];
    InlineKeyboardMarkup::new(rows.into_iter().filter(|row| !row.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyboards_fit_and_page() {
        let later = vec!["BBBBBBBBBB".to_string(), "CCCCCCCCCC".to_string()];
        let first = Shown {
            key: "AAAAAAAAAA",
            title: "T",
            position: 0,
            total: 3,
            later: &later,
            related: true,
        };
        let kb = keyboard(Language::En, "qbot", &first);
        assert_eq!(kb.inline_keyboard[0].len(), 2);
        assert_eq!(kb.inline_keyboard[0][0].text, "Next answer ▸");
        let korean = keyboard(Language::Ko, "qbot", &first);
        assert_eq!(korean.inline_keyboard[0][1].text, "앞뒤 내용 보기");
        assert_eq!(kb.inline_keyboard[1].len(), 2, "see also and share");
        let last = Shown { position: 2, later: &[], related: false, ..first };
        let kb = keyboard(Language::En, "qbot", &last);
        assert_eq!(kb.inline_keyboard[0].len(), 1, "no next on the last answer");
        assert_eq!(kb.inline_keyboard[1].len(), 1, "share only");
    }
}
