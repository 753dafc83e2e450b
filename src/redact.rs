//! Keeps the bot token (and other registered secrets) out of every log line and error
//! message. Shared by the CLI and the bot, so it lives outside `bot/`: the CLI's logging
//! does not depend on the Telegram front end.
//!
//! The token is part of every Bot API URL, and HTTP errors quote their URL, so a network
//! error could carry it into a log. [`register`] records the token once; [`redact`] replaces
//! it in any string; [`RedactingStderr`] is a `tracing` writer that does the same for every
//! line, including teloxide's own log records.

use std::io::Write;
use std::sync::RwLock;

use tracing_subscriber::fmt::MakeWriter;

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Shown instead of a secret.
pub const REDACTED: &str = "<redacted>";

/// Records a token to hide: the whole token and its secret part after `:`.
pub fn register(token: &str) {
    let mut secrets = SECRETS.write().unwrap_or_else(|p| p.into_inner());
    for secret in [Some(token), token.split_once(':').map(|(_, s)| s)].into_iter().flatten() {
        if secret.len() >= 4 && !secrets.iter().any(|s| s == secret) {
            secrets.push(secret.to_string());
        }
    }
    // Longest first, so the whole token is replaced before its tail.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// `text` with every registered secret replaced by [`REDACTED`].
pub fn redact(text: &str) -> String {
    let secrets = SECRETS.read().unwrap_or_else(|p| p.into_inner());
    let mut out = text.to_string();
    for secret in secrets.iter() {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), REDACTED);
        }
    }
    out
}

/// A `tracing_subscriber` writer to stderr that redacts each event before writing it.
#[derive(Debug, Clone, Copy, Default)]
pub struct RedactingStderr;

/// One event's bytes, redacted and written to stderr when dropped.
#[derive(Debug, Default)]
pub struct RedactingLine {
    buffer: Vec<u8>,
}

impl Write for RedactingLine {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactingLine {
    fn drop(&mut self) {
        let text = redact(&String::from_utf8_lossy(&self.buffer));
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

impl<'a> MakeWriter<'a> for RedactingStderr {
    type Writer = RedactingLine;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingLine::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_the_token_and_its_secret_part() {
        register("987654:SeCrEtPaRt");
        let text = redact(
            "error sending request for url (http://x/bot987654:SeCrEtPaRt/getMe) SeCrEtPaRt",
        );
        assert!(!text.contains("SeCrEt"), "{text}");
        assert!(text.contains("/bot<redacted>/getMe"), "{text}");
    }
}
