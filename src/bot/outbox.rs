//! The one place messages leave the bot: every send, edit and reply goes through here, so
//! they all get the same treatment, built by [`message`]: HTML, no link preview, the forum
//! topic of the message they answer, paced and sent again through [`super::delivery`], and
//! counted in [`super::metrics`].
//!
//! Before, answers, "Next answer" continuations and "Show context" each built their own
//! requests and drifted apart: continuations went out without `no_preview`, so a source link
//! in them unfurled (`bot::pressure::next_answer_continuations_have_no_preview_and_the_topic`).

use teloxide::payloads::{SendDocumentSetters, SendMessageSetters};
use teloxide::prelude::*;
use teloxide::requests::JsonRequest;
use teloxide::types::{
    InlineKeyboardMarkup, InputFile, LinkPreviewOptions, MessageId, ParseMode, ReplyParameters,
    ThreadId,
};
use teloxide::{RequestError, payloads};
use tracing::{debug, warn};

use super::i18n::t;
use super::pace::{Busy, Turn};
use super::{App, HandlerResult, Tg, delivery, metrics};
use passagebot::render::telegram;

/// Sends HTML parts (buttons under the last), replying to the asker outside private chats,
/// the first part taking `turn`; the last part's message id when Telegram reported it. A
/// refused turn ([`Turn::Within`] in a chat over its budget) sends nothing but, once, the
/// busy notice.
pub async fn reply(
    bot: &Tg,
    app: &App,
    msg: &Message,
    parts: Vec<String>,
    keyboard: Option<InlineKeyboardMarkup>,
    turn: Turn,
) -> anyhow::Result<Option<MessageId>> {
    match app.pacer.reserve_turn(msg.chat.id.0, turn) {
        Ok(first) => reply_at(bot, app, msg, parts, keyboard, first).await,
        Err(busy) => tell_busy(bot, app, msg, busy).await.map(|()| None),
    }
}

/// [`reply`] with the first part's moment already reserved.
pub async fn reply_at(
    bot: &Tg,
    app: &App,
    msg: &Message,
    parts: Vec<String>,
    keyboard: Option<InlineKeyboardMarkup>,
    first: tokio::time::Instant,
) -> anyhow::Result<Option<MessageId>> {
    let count = parts.len();
    let mut last = None;
    let mut first = Some(first);
    for (i, part) in parts.into_iter().enumerate() {
        // Outside private chats the first part replies to the asker.
        let reply_to = (!msg.chat.is_private() && i == 0).then_some(msg.id);
        let mut request = message(bot, msg, part, reply_to);
        if i + 1 == count
            && let Some(keyboard) = &keyboard
        {
            request = request.reply_markup(keyboard.clone());
        }
        last = send(app, msg.chat.id, &request, first.take()).await?;
    }
    Ok(last)
}

/// Sends plain text (escaped), replying to the asker outside private chats, within the
/// chat's budget ([`App::reply_turn`]).
pub async fn plain(bot: &Tg, app: &App, msg: &Message, text: &str) -> HandlerResult {
    plain_turn(bot, app, msg, text, app.reply_turn()).await
}

/// [`plain`] taking `turn`.
pub async fn plain_turn(
    bot: &Tg,
    app: &App,
    msg: &Message,
    text: &str,
    turn: Turn,
) -> HandlerResult {
    reply(bot, app, msg, vec![telegram::escape(text)], None, turn).await?;
    Ok(())
}

/// Sends a file (`name`, `contents`) as a document to `msg`'s chat and topic, replying to it
/// outside private chats, within the chat's budget.
pub async fn document(
    bot: &Tg,
    app: &App,
    msg: &Message,
    name: &str,
    contents: Vec<u8>,
) -> HandlerResult {
    let at = match app.pacer.reserve_turn(msg.chat.id.0, app.reply_turn()) {
        Ok(at) => at,
        Err(busy) => return tell_busy(bot, app, msg, busy).await,
    };
    let file = InputFile::memory(contents).file_name(name.to_string());
    let mut request = bot.send_document(msg.chat.id, file);
    if let Some(thread) = topic(msg) {
        request = request.message_thread_id(thread);
    }
    if !msg.chat.is_private() {
        request =
            request.reply_parameters(ReplyParameters::new(msg.id).allow_sending_without_reply());
    }
    delivery::send_at(&app.pacer, msg.chat.id, &request, at).await?;
    Ok(())
}

/// Sends plain text (escaped) to every admin's private chat, queued behind what each chat
/// is already owed; a failure (an admin who never started the bot) is logged, not an error.
pub async fn to_admins(bot: &Tg, app: &App, text: &str) {
    for &admin in &app.config.admins {
        let Ok(id) = i64::try_from(admin) else { continue };
        let chat = ChatId(id);
        let request = bot
            .send_message(chat, telegram::escape(text))
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_preview());
        if let Err(err) = delivery::send(&app.pacer, chat, &request).await {
            warn!(admin, cause = %crate::redact::redact(&err.to_string()), "could not tell an admin");
        }
    }
}

/// "Next answer": `shown` (one of the bot's messages) is edited to the first part, with
/// `keyboard`; the other parts follow it in the same chat and topic.
pub async fn edit_with_rest(
    bot: &Tg,
    app: &App,
    shown: &Message,
    parts: Vec<String>,
    keyboard: InlineKeyboardMarkup,
) -> HandlerResult {
    let mut parts = parts.into_iter();
    let first = parts.next().unwrap_or_default();
    metrics::global().sent();
    let edited = bot
        .edit_message_text(shown.chat.id, shown.id, first)
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_preview())
        .reply_markup(keyboard)
        .await;
    if let Err(err) = &edited {
        metrics::global().failed(delivery::outcome(err));
    }
    edited?;
    for part in parts {
        send(app, shown.chat.id, &message(bot, shown, part, None), None).await?;
    }
    Ok(())
}

/// "Show context": `parts` replying to `shown` (one of the bot's messages), in its topic,
/// the first at `first`, a moment already reserved.
pub async fn follow_up(
    bot: &Tg,
    app: &App,
    shown: &Message,
    parts: Vec<String>,
    first: tokio::time::Instant,
) -> HandlerResult {
    let mut first = Some(first);
    for part in parts {
        let request = message(bot, shown, part, Some(shown.id));
        send(app, shown.chat.id, &request, first.take()).await?;
    }
    Ok(())
}

/// Plain text (escaped) in `near`'s chat and topic, not as a reply, within the chat's budget
/// ([`App::reply_turn`]); nothing when the chat is over it (the note is optional).
pub async fn note_near(bot: &Tg, app: &App, near: &Message, text: &str) -> HandlerResult {
    let Ok(at) = app.pacer.reserve_turn(near.chat.id.0, app.reply_turn()) else {
        debug!(chat = near.chat.id.0, "chat over its send budget; note dropped");
        return Ok(());
    };
    send(app, near.chat.id, &message(bot, near, telegram::escape(text), None), Some(at)).await?;
    Ok(())
}

/// A chat over its send budget: tells it once (at once, ahead of its queue) and drops the
/// rest until its backlog is shorter.
pub async fn tell_busy(bot: &Tg, app: &App, msg: &Message, busy: Busy) -> HandlerResult {
    if !app.pacer.first_busy_notice(msg.chat.id.0, busy) {
        debug!(chat = msg.chat.id.0, "chat over its send budget; update dropped");
        return Ok(());
    }
    let secs = busy.retry_in.as_secs().max(1);
    let lang = app.lang(msg.from.as_ref());
    let text = if msg.chat.is_private() {
        t!(lang, "busy-private", secs = secs)
    } else {
        t!(lang, "busy-group", secs = secs)
    };
    // An urgent turn is never refused; sent directly, as `reply` may come back here.
    let at = app
        .pacer
        .reserve_turn(msg.chat.id.0, Turn::Urgent)
        .unwrap_or_else(|_| tokio::time::Instant::now());
    reply_at(bot, app, msg, vec![telegram::escape(&text)], None, at).await?;
    Ok(())
}

/// The forum topic `msg` belongs to, which every part of a reply to it must name (a reply
/// lands in its topic, but a plain message goes to General).
pub fn topic(msg: &Message) -> Option<ThreadId> {
    msg.is_topic_message.then_some(msg.thread_id).flatten()
}

/// Link previews off: the source link would otherwise unfurl under every answer.
pub fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

/// Every message the bot sends, built one way: HTML `part` to `near`'s chat and topic,
/// without link preview, replying to `reply_to` when given (kept when that message is gone).
fn message(
    bot: &Tg,
    near: &Message,
    part: String,
    reply_to: Option<MessageId>,
) -> JsonRequest<payloads::SendMessage> {
    let mut request = bot
        .send_message(near.chat.id, part)
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_preview());
    if let Some(thread) = topic(near) {
        request = request.message_thread_id(thread);
    }
    if let Some(id) = reply_to {
        request = request.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
    }
    request
}

/// Sends one message through [`delivery`], at `first` when a moment is reserved, else at the
/// chat's next turn.
async fn send(
    app: &App,
    chat: ChatId,
    request: &JsonRequest<payloads::SendMessage>,
    first: Option<tokio::time::Instant>,
) -> Result<Option<MessageId>, RequestError> {
    match first {
        Some(at) => delivery::send_at(&app.pacer, chat, request, at).await,
        None => delivery::send(&app.pacer, chat, request).await,
    }
}
