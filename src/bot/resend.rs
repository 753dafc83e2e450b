//! Which failed sends may be sent again without risking a duplicate answer.
//!
//! teloxide resends only after a 429. A reply is also safe to resend when the request never
//! reached Telegram (the connection could not be made) or when Telegram answered that it
//! failed (a 5xx "Internal Server Error", "Bad Gateway", …). A dropped connection or an
//! unreadable response is *not* resent: the message may have been posted, and posting an
//! answer twice is worse than logging a lost one.

use std::time::Duration;

use teloxide::{ApiError, RequestError};

/// Attempts per message, the first included.
pub const ATTEMPTS: u32 = 3;

/// The pause before attempt `n` (counting from 1 for the first resend): 1 s, 2 s, …
pub fn backoff(n: u32) -> Duration {
    Duration::from_secs(1 << (n.saturating_sub(1)).min(5))
}

/// True when `err` proves the message was not posted.
pub fn is_safe_to_resend(err: &RequestError) -> bool {
    match err {
        RequestError::Network(err) => err.is_connect(),
        RequestError::Api(ApiError::Unknown(description)) => {
            let description = description.to_ascii_lowercase();
            ["internal server error", "bad gateway", "service unavailable", "gateway timeout"]
                .iter()
                .any(|known| description.contains(known))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_failures_are_resent_other_errors_are_not() {
        let unknown = |d: &str| RequestError::Api(ApiError::Unknown(d.to_string()));
        assert!(is_safe_to_resend(&unknown("Internal Server Error")));
        assert!(is_safe_to_resend(&unknown("Bad Gateway")));
        assert!(!is_safe_to_resend(&unknown("Bad Request: message is too long")));
        assert!(!is_safe_to_resend(&RequestError::Api(ApiError::BotBlocked)));
        let json = RequestError::InvalidJson {
            source: std::sync::Arc::new(serde_json::from_str::<u8>("x").unwrap_err()),
            raw: "x".into(),
        };
        assert!(!is_safe_to_resend(&json));
    }

    #[test]
    fn backoff_doubles() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(3), Duration::from_secs(4));
    }
}
