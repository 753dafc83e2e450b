//! The answer buttons: the keyboard under an answer ("Next answer", "Show context", 👍/👎)
//! and the endpoint for presses. What a button carries is encoded in [`super::callback`].

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use tracing::instrument;

use super::callback::{Action, generation_tag};
use super::i18n::{Language, t};
use super::stats::Record;
use super::{App, HandlerResult, Tg, feedback, outbox};
use passagebot::render::telegram;

/// Answers a press of one of the answer buttons.
#[instrument(skip_all, fields(user = q.from.id.0))]
pub async fn on_callback(bot: Tg, q: CallbackQuery, app: Arc<App>) -> HandlerResult {
    let lang = app.lang(Some(&q.from));
    let Some(action) = q.data.as_deref().and_then(Action::decode) else {
        bot.answer_callback_query(q.id.clone()).text(t!(lang, "button-expired")).await?;
        return Ok(());
    };
    let engine = app.engine.current();
    let generation = generation_tag(&engine.info().generation);
    if action.generation() != generation {
        bot.answer_callback_query(q.id.clone()).text(t!(lang, "button-outdated")).await?;
        return Ok(());
    }
    match action {
        Action::Next { position, numbers, .. } => {
            let Some(message) = q.regular_message() else {
                bot.answer_callback_query(q.id.clone()).await?;
                return Ok(());
            };
            let number = numbers[position];
            let cached = app.replies.get((message.chat.id.0, message.id.0), &generation);
            let with_highlight = cached.as_ref().and_then(|reply| {
                reply
                    .answers
                    .get(position)
                    .filter(|a| engine.number_of(&a.passage.id) == Some(number))
                    .map(|a| telegram::answer(a, None))
            });
            let Some(parts) = with_highlight
                .or_else(|| engine.passage_by_number(number).map(|p| telegram::passage(&p)))
            else {
                bot.answer_callback_query(q.id.clone()).text(t!(lang, "passage-gone")).await?;
                return Ok(());
            };
            let keyboard = keyboard(lang, &generation, position, &numbers);
            outbox::edit_with_rest(&bot, &app, message, parts, keyboard).await?;
            let label = t!(lang, "answer-position", position = position + 1, total = numbers.len());
            bot.answer_callback_query(q.id.clone()).text(label).await?;
        }
        Action::Context { number, .. } => {
            let (Some(passage), Some(message)) =
                (engine.passage_by_number(number), q.regular_message())
            else {
                bot.answer_callback_query(q.id.clone()).await?;
                return Ok(());
            };
            let slot = match app.pacer.reserve_turn(message.chat.id.0, app.reply_turn()) {
                Ok(at) => at,
                Err(busy) => {
                    let text = t!(lang, "busy-context", secs = busy.retry_in.as_secs().max(1));
                    bot.answer_callback_query(q.id.clone()).text(text).await?;
                    return Ok(());
                }
            };
            bot.answer_callback_query(q.id.clone()).await?;
            let neighbours = engine.context(&passage.id, app.config.context_radius);
            let parts = telegram::context(&neighbours, &passage.id);
            outbox::follow_up(&bot, &app, message, parts, slot).await?;
        }
        Action::Vote { number, up, .. } => {
            if let Some(passage) = engine.passage_by_number(number) {
                // The question behind the answer, while the reply is still cached.
                let asked = q.regular_message().and_then(|m| {
                    app.replies.get((m.chat.id.0, m.id.0), &generation).map(|r| r.question.clone())
                });
                let vote = Record::vote_after(q.from.id.0, &passage.id, up, asked.as_deref());
                app.recorder.record(vote);
                bot.answer_callback_query(q.id.clone()).text(t!(lang, "vote-thanks")).await?;
                if let Some(shown) = q.regular_message().filter(|_| !up) {
                    feedback::invite(&bot, &app, shown, q.from.id.0, &passage.id, lang).await?;
                }
                return Ok(());
            }
            bot.answer_callback_query(q.id.clone()).text(t!(lang, "vote-thanks")).await?;
        }
    }
    Ok(())
}

/// The buttons under an answer showing `numbers[position]`, labelled in `lang`.
pub fn keyboard(
    lang: Language,
    generation: &str,
    position: usize,
    numbers: &[u32],
) -> InlineKeyboardMarkup {
    let generation = generation.to_string();
    let number = numbers[position];
    let mut first_row = Vec::new();
    if position + 1 < numbers.len() {
        let next = Action::Next {
            generation: generation.clone(),
            position: position + 1,
            numbers: numbers.to_vec(),
        };
        first_row.push(InlineKeyboardButton::callback(t!(lang, "button-next"), next.encode()));
    }
    let context = Action::Context { generation: generation.clone(), number };
    first_row.push(InlineKeyboardButton::callback(t!(lang, "button-context"), context.encode()));
    let up = Action::Vote { generation: generation.clone(), number, up: true };
    let down = Action::Vote { generation, number, up: false };
    InlineKeyboardMarkup::new(vec![
        first_row,
        vec![
            InlineKeyboardButton::callback("👍", up.encode()),
            InlineKeyboardButton::callback("👎", down.encode()),
        ],
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyboards_fit_and_page() {
        let kb = keyboard(Language::En, "abc", 0, &[1, 2, 3]);
        assert_eq!(kb.inline_keyboard[0].len(), 2);
        assert_eq!(kb.inline_keyboard[0][0].text, "Next answer ▸");
        let korean = keyboard(Language::Ko, "abc", 0, &[1, 2, 3]);
        assert_eq!(korean.inline_keyboard[0][1].text, "앞뒤 내용 보기");
        let last = keyboard(Language::En, "abc", 2, &[1, 2, 3]);
        assert_eq!(last.inline_keyboard[0].len(), 1, "no next on the last answer");
    }
}
