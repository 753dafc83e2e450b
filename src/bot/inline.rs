//! Inline mode: `@botname question` in any chat lists passages to share, paged with
//! `next_offset`; a question without a good match gets one result that says so.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{
    InlineQueryResult, InlineQueryResultArticle, InputMessageContent, InputMessageContentText,
    ParseMode,
};

use super::i18n::{Language, t};
use super::{App, HandlerResult, Tg};
use passagebot::render::telegram;

/// Results are never paged deeper than this many passages.
const MAX_DEPTH: usize = 50;

/// Answers an inline query with one page of passages.
#[tracing::instrument(skip_all, fields(user = q.from.id.0))]
pub async fn on_inline(bot: Tg, q: InlineQuery, app: Arc<App>) -> HandlerResult {
    let lang = app.lang(Some(&q.from));
    let question = q.query.trim().to_string();
    let offset = q.offset.parse::<usize>().unwrap_or(0).min(MAX_DEPTH);
    if question.is_empty() || offset >= MAX_DEPTH {
        bot.answer_inline_query(q.id.clone(), Vec::<InlineQueryResult>::new())
            .cache_time(0)
            .await?;
        return Ok(());
    }
    let per_page = app.config.inline_results;
    let engine = app.engine.current();
    let wanted = (offset + per_page + 1).min(MAX_DEPTH + 1);
    let (engine, reply) = tokio::task::spawn_blocking(move || {
        let reply = engine.ask(&question, wanted);
        (engine, reply)
    })
    .await?;
    // A failing index is an error in the log, not an empty "no match" list.
    let reply = reply?;
    let results: Vec<InlineQueryResult> = reply
        .answers
        .iter()
        .skip(offset)
        .take(per_page)
        .map(|answer| {
            let key = engine.key_of(&answer.passage);
            let html = telegram::answer(answer, None).into_iter().next().unwrap_or_default();
            let content = InputMessageContent::Text(
                InputMessageContentText::new(html).parse_mode(ParseMode::Html),
            );
            let title = truncate(&telegram::source_title(&answer.passage), 100);
            InlineQueryResultArticle::new(key, title, content)
                .description(telegram::snippet(answer, 120))
                .into()
        })
        .collect();
    if reply.answers.is_empty() && offset == 0 {
        bot.answer_inline_query(q.id.clone(), vec![no_match_result(lang)]).cache_time(30).await?;
        return Ok(());
    }
    let more = reply.answers.len() > offset + per_page && offset + per_page < MAX_DEPTH;
    let next_offset = if more { (offset + per_page).to_string() } else { String::new() };
    bot.answer_inline_query(q.id.clone(), results).next_offset(next_offset).cache_time(30).await?;
    Ok(())
}

/// The one result for a question without a good match: it says so, and sends that if
/// picked.
fn no_match_result(lang: Language) -> InlineQueryResult {
    let text = t!(lang, "inline-no-match-text");
    let content = InputMessageContent::Text(InputMessageContentText::new(text.clone()));
    InlineQueryResultArticle::new("no-match", t!(lang, "inline-no-match-title"), content)
        .description(text)
        .into()
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars - 1).collect();
    format!("{cut}…")
}
