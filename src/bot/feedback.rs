//! "What was wrong?" after a 👎: the user is invited to say it in one message (optional).
//!
//! A 👎 puts the voter on a short list ([`Awaiting`]) for that chat: the very next message
//! from them in that chat within [`COMMENT_WINDOW`] ends the wait. When it is plain text (not
//! a command) it is the comment, stored with the vote ([`super::stats::Record::Comment`]) and
//! shown by `/stats` and `/export`; anything else (a command, a sticker) is handled as usual.
//! After that, or once the window has passed, the user's messages are questions again. In a
//! group the bot sees only replies to it (privacy mode), so the invitation asks for a reply.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use teloxide::prelude::*;
use tracing::info;

use super::i18n::{Language, t};
use super::stats::Record;
use super::{App, HandlerResult, Tg, outbox};

/// How long after a 👎 the next message is taken as its comment.
pub const COMMENT_WINDOW: Duration = Duration::from_secs(300);

/// Waits remembered at most (the oldest half is dropped when full).
const MAX_AWAITING: usize = 10_000;

/// Users invited to comment, by (chat, user): the passage they voted down and when.
#[derive(Debug, Default)]
pub struct Awaiting(Mutex<HashMap<(i64, u64), (String, Instant)>>);

impl Awaiting {
    /// Invites `user` in `chat` to comment on their 👎 of `passage_id`, from `now`.
    pub fn invite(&self, chat: i64, user: u64, passage_id: &str, now: Instant) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_AWAITING {
            map.retain(|_, (_, at)| now.duration_since(*at) < COMMENT_WINDOW / 2);
        }
        map.insert((chat, user), (passage_id.to_string(), now));
    }

    /// Ends the wait of `user` in `chat`: the passage, when they were invited within the
    /// window before `now`.
    pub fn take(&self, chat: i64, user: u64, now: Instant) -> Option<String> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let (passage, at) = map.remove(&(chat, user))?;
        (now.duration_since(at) < COMMENT_WINDOW).then_some(passage)
    }
}

/// After a 👎 on `passage_id` under `shown`: remembers that `user`'s next message there is
/// its comment, and says so (skipped when the chat is over its send budget).
pub async fn invite(
    bot: &Tg,
    app: &App,
    shown: &Message,
    user: u64,
    passage_id: &str,
    lang: Language,
) -> HandlerResult {
    app.awaiting.invite(shown.chat.id.0, user, passage_id, Instant::now());
    let text = if shown.chat.is_private() {
        t!(lang, "comment-invite-private")
    } else {
        t!(lang, "comment-invite-group")
    };
    outbox::note_near(bot, app, shown, &text).await
}

/// A comment found in a message: the passage it is about, and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The passage voted down.
    pub passage_id: String,
    /// What the user wrote.
    pub text: String,
}

/// The handler tree's filter: the message ends its sender's wait, if any; it is a
/// [`Comment`] when that wait was open and the message is plain text, not a command.
pub fn comment_in(msg: Message, app: Arc<App>) -> Option<Comment> {
    let user = msg.from.as_ref()?.id.0;
    let passage_id = app.awaiting.take(msg.chat.id.0, user, Instant::now())?;
    let text = msg.text().filter(|t| !t.starts_with('/') && !t.trim().is_empty())?;
    Some(Comment { passage_id, text: text.to_string() })
}

/// Stores the comment with the vote and thanks the user.
pub async fn on_comment(bot: Tg, msg: Message, comment: Comment, app: Arc<App>) -> HandlerResult {
    let user = msg.from.as_ref().map_or(0, |u| u.id.0);
    info!(user, passage = %comment.passage_id, "comment on a 👎");
    app.recorder.record(Record::comment(user, &comment.passage_id, &comment.text));
    let lang = app.lang(msg.from.as_ref());
    outbox::plain(&bot, &app, &msg, &t!(lang, "comment-thanks")).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_message_within_the_window_ends_the_wait() {
        let awaiting = Awaiting::default();
        let t0 = Instant::now();
        awaiting.invite(7, 1, "tea#0", t0);
        assert_eq!(awaiting.take(8, 1, t0), None, "another chat");
        assert_eq!(awaiting.take(7, 2, t0), None, "another user");
        assert_eq!(awaiting.take(7, 1, t0 + Duration::from_secs(10)), Some("tea#0".into()));
        assert_eq!(awaiting.take(7, 1, t0 + Duration::from_secs(11)), None, "only one message");
        awaiting.invite(7, 1, "tea#0", t0);
        assert_eq!(awaiting.take(7, 1, t0 + COMMENT_WINDOW), None, "too late");
    }
}
