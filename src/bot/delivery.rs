//! Sending one message so that it arrives: paced within Telegram's limits, and sent again
//! when a failure says it was not posted, or leaves that unknown.
//!
//! The Bot API has no idempotency key, so what a failure tells decides ([`outcome`]):
//! - **not posted**: the connection could not be made, or Telegram answered 429 (sent again
//!   after its `retry_after`, every chat held meanwhile) or a 5xx;
//! - **posted**: Telegram answered `"ok": true` but the body could not be read whole (cut
//!   short, or a message newer than teloxide knows). Not sent again; the message id is read
//!   from the raw body when it is there;
//! - **refused**: any other Bot API error (bad request, bot blocked, …). Not sent again;
//! - **unknown**: the connection dropped or timed out after the request went out, or the
//!   body is not Telegram's (a proxy's error page). Sent again: a student may then see an
//!   answer twice, which is better than never seeing it. This is the one case where a
//!   question can be answered twice, and it is logged.

use std::time::Duration;

use serde_json::Value;
use teloxide::prelude::*;
use teloxide::requests::{Payload, Request};
use teloxide::types::MessageId;
use teloxide::{ApiError, RequestError};
use tokio::time::Instant;
use tracing::warn;

use super::metrics;
use super::pace::{Pacer, Turn};
use crate::redact;

/// Attempts at one message when sends fail "not posted" or "unknown", the first included.
pub const ATTEMPTS: u32 = 3;

/// Resends of one message after 429s before giving up.
pub const RATE_LIMITED_ATTEMPTS: u32 = 5;

/// What a failed send says about the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Telegram asked to wait this long first (429); nothing was posted.
    RateLimited(Duration),
    /// Nothing was posted; sending again may work.
    NotPosted,
    /// It may or may not have been posted.
    Unknown,
    /// It was posted; its id when the response still showed it.
    Posted(Option<MessageId>),
    /// Telegram refused it, and would again.
    Refused,
}

/// What `err`, the failure of a message send, says about the message.
pub fn outcome(err: &RequestError) -> Outcome {
    match err {
        RequestError::RetryAfter(wait) => Outcome::RateLimited(wait.duration()),
        RequestError::Network(err) if err.is_connect() => Outcome::NotPosted,
        RequestError::Network(_) | RequestError::Io(_) => Outcome::Unknown,
        RequestError::Api(ApiError::Unknown(description)) if is_server_error(description) => {
            Outcome::NotPosted
        }
        RequestError::Api(_) | RequestError::MigrateToChatId(_) => Outcome::Refused,
        RequestError::InvalidJson { raw, .. } => match posted_despite(raw) {
            Some(id) => Outcome::Posted(id),
            None => Outcome::Unknown,
        },
    }
}

/// The pause before resend `n` (counting from 1) after a "not posted" or "unknown" failure.
pub fn backoff(n: u32) -> Duration {
    Duration::from_secs(1 << (n.saturating_sub(1)).min(5))
}

/// Sends `request` to `chat` when the pacer allows, again as [`outcome`] says; the sent
/// message's id when known.
pub async fn send<R>(
    pacer: &Pacer,
    chat: ChatId,
    request: &R,
) -> Result<Option<MessageId>, RequestError>
where
    R: Request<Err = RequestError>,
    R::Payload: Payload<Output = Message>,
{
    let first = pacer.reserve_turn(chat.0, Turn::Queued).unwrap_or_else(|_| Instant::now());
    send_at(pacer, chat, request, first).await
}

/// [`send`] with the first attempt at `first`, a moment already reserved with the pacer
/// ([`Pacer::reserve_turn`]); resends take queued turns.
pub async fn send_at<R>(
    pacer: &Pacer,
    chat: ChatId,
    request: &R,
    first: Instant,
) -> Result<Option<MessageId>, RequestError>
where
    R: Request<Err = RequestError>,
    R::Payload: Payload<Output = Message>,
{
    let (mut attempt, mut rate_limited) = (1, 0);
    let mut turn = Some(first);
    loop {
        match turn.take() {
            Some(at) => tokio::time::sleep_until(at).await,
            None => pacer.wait_turn(chat.0).await,
        }
        metrics::global().sent();
        let err = match request.send_ref().await {
            Ok(message) => return Ok(Some(message.id)),
            Err(err) => err,
        };
        metrics::global().failed(outcome(&err));
        let cause = redact::redact(&err.to_string());
        match outcome(&err) {
            Outcome::RateLimited(wait) if rate_limited < RATE_LIMITED_ATTEMPTS => {
                warn!(?wait, %cause, "Telegram asked to slow down; holding every chat, then sending again");
                pacer.freeze(wait);
                rate_limited += 1;
            }
            fate @ (Outcome::NotPosted | Outcome::Unknown) if attempt < ATTEMPTS => {
                if fate == Outcome::Unknown {
                    warn!(
                        attempt,
                        %cause,
                        "sending failed and Telegram may have posted it; sending again (the chat may see it twice)"
                    );
                } else {
                    warn!(attempt, %cause, "sending failed; sending again");
                }
                tokio::time::sleep(backoff(attempt)).await;
                attempt += 1;
            }
            Outcome::Posted(id) => {
                warn!(%cause, "Telegram posted the message but its response could not be read");
                return Ok(id);
            }
            _ => return Err(err),
        }
    }
}

/// A Bot API description of a 5xx: Telegram failed before posting.
fn is_server_error(description: &str) -> bool {
    let description = description.to_ascii_lowercase();
    ["internal server error", "bad gateway", "service unavailable", "gateway timeout"]
        .iter()
        .any(|known| description.contains(known))
}

/// When `raw`, a response body teloxide could not read, still shows `"ok": true` (whole, or
/// cut short), the message id it shows, if any.
fn posted_despite(raw: &str) -> Option<Option<MessageId>> {
    if let Ok(body) = serde_json::from_str::<Value>(raw) {
        return (body["ok"] == Value::Bool(true))
            .then(|| body["result"]["message_id"].as_i64().and_then(message_id));
    }
    let start: String = raw.chars().filter(|c| !c.is_whitespace()).take(10).collect();
    if start != r#"{"ok":true"# {
        return None;
    }
    let after_key = raw.split_once(r#""message_id""#).map(|(_, rest)| rest.trim_start());
    let value = after_key.and_then(|rest| rest.strip_prefix(':')).map(str::trim_start);
    // Only a number the body goes on after: a cut one might be a different id.
    let whole_number = value.and_then(|rest| {
        let end = rest.find(|c: char| !c.is_ascii_digit())?;
        rest[end..].starts_with([',', '}', ' ', '\n']).then(|| &rest[..end])
    });
    Some(whole_number.and_then(|d| d.parse::<i64>().ok()).and_then(message_id))
}

fn message_id(id: i64) -> Option<MessageId> {
    i32::try_from(id).ok().map(MessageId)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use teloxide::types::Seconds;

    use super::*;

    fn unreadable(raw: &str) -> RequestError {
        RequestError::InvalidJson {
            source: Arc::new(serde_json::from_str::<u8>("x").unwrap_err()),
            raw: raw.into(),
        }
    }

    #[test]
    fn server_failures_and_rate_limits_were_not_posted() {
        let unknown = |d: &str| RequestError::Api(ApiError::Unknown(d.to_string()));
        assert_eq!(outcome(&unknown("Internal Server Error")), Outcome::NotPosted);
        assert_eq!(outcome(&unknown("Bad Gateway")), Outcome::NotPosted);
        assert_eq!(
            outcome(&RequestError::RetryAfter(Seconds::from_seconds(3))),
            Outcome::RateLimited(Duration::from_secs(3))
        );
    }

    #[test]
    fn refusals_are_final() {
        let unknown =
            RequestError::Api(ApiError::Unknown("Bad Request: message is too long".into()));
        assert_eq!(outcome(&unknown), Outcome::Refused);
        assert_eq!(outcome(&RequestError::Api(ApiError::BotBlocked)), Outcome::Refused);
    }

    #[test]
    fn an_ok_body_that_cannot_be_read_was_posted() {
        let cut = r#"{"ok":true,"result":{"message_id":812,"from":{"id":4"#;
        assert_eq!(outcome(&unreadable(cut)), Outcome::Posted(Some(MessageId(812))));
        let spaced = r#" { "ok" : true, "result": { "message_id" : 9, "chat""#;
        assert_eq!(outcome(&unreadable(spaced)), Outcome::Posted(Some(MessageId(9))));
        let newer = r#"{"ok":true,"result":{"message_id":5,"chat":{"type":"future"}}}"#;
        assert_eq!(outcome(&unreadable(newer)), Outcome::Posted(Some(MessageId(5))));
        assert_eq!(outcome(&unreadable(r#"{"ok":true,"re"#)), Outcome::Posted(None));
        let cut_in_the_id = r#"{"ok":true,"result":{"message_id":81"#;
        assert_eq!(outcome(&unreadable(cut_in_the_id)), Outcome::Posted(None));
    }

    #[test]
    fn a_body_that_is_not_telegrams_leaves_it_unknown() {
        for raw in ["", "<html>502 Bad Gateway</html>", r#"{"ok":tru<html>"#, r#"{"ok":false}"#] {
            assert_eq!(outcome(&unreadable(raw)), Outcome::Unknown, "{raw}");
        }
    }

    #[test]
    fn backoff_doubles() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(3), Duration::from_secs(4));
    }
}
