//! The fixed sentences both front ends say (the Telegram bot and the terminal `chat`), in
//! one place so they cannot drift apart: the `/start` greeting with its example questions,
//! `/about`, the reply to an unknown command, a link or button whose passage is gone, the
//! "See also" list and the share link. Plain text; [`super::telegram`] escapes it.

use super::Marking;

/// The greeting when no `welcome_text` is configured.
pub const DEFAULT_WELCOME: &str = "Hello! Ask me anything about the material and I'll answer with the passage that fits best, its key sentence in bold and its source.";

/// The reply to a command the front end does not know.
pub const UNKNOWN_COMMAND: &str =
    "I don't know that command. Send me a question in words, or see /help.";

/// The reply to a message without text (a photo, a sticker).
pub const NOT_TEXT: &str = "I can only read text. Send me a question in words.";

/// A deep link or button whose passage no longer exists (edited or removed since).
pub const PASSAGE_GONE: &str = "That passage is no longer in the material: it was changed or removed since. Please ask your question again.";

/// `/context` (terminal) or "Show context" before any answer.
pub const ASK_FIRST: &str = "Ask a question first.";

/// The `/start` text: the greeting (configured or [`DEFAULT_WELCOME`]), up to three example
/// questions, and the pointer to `/help`.
pub fn start_text(welcome: Option<&str>, examples: &[String]) -> String {
    let mut text = welcome.unwrap_or(DEFAULT_WELCOME).to_string();
    if !examples.is_empty() {
        text.push_str("\n\nFor example:");
        for example in examples.iter().take(3) {
            text.push_str(&format!("\n• {example}"));
        }
    }
    text.push_str("\n\n/help lists what else I can do.");
    text
}

/// The `/about` text: what the index holds and when it was built.
pub fn about_text(documents: usize, passages: usize, built_at_unix: u64) -> String {
    format!(
        "I answer from {documents} document(s) cut into {passages} passage(s), last indexed {}.",
        format_utc(built_at_unix)
    )
}

/// The first `max_chars` characters of `text` on one line, cut at a word with "…".
pub fn opening(text: &str, max_chars: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max_chars {
        return flat;
    }
    let cut: String = flat.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > max_chars / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// The deep link that opens passage `key` in a private chat with the bot `username`:
/// `https://t.me/<username>?start=<key>`.
pub fn deep_link(username: &str, key: &str) -> String {
    format!("https://t.me/{username}?start={key}")
}

/// Telegram's share dialog for the [`deep_link`] of passage `key`, with `title` as the
/// message text: the URL of the "Share" button.
pub fn share_url(username: &str, key: &str, title: &str) -> String {
    format!(
        "https://t.me/share/url?url={}&text={}",
        percent_encode(&deep_link(username, key)),
        percent_encode(title)
    )
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A bot message (Telegram HTML as [`super::telegram`] makes it) as terminal text: bold
/// marked with `marking`, a link as "text (address)" unless the text is the address,
/// entities decoded. This is how `chat` shows what the bot would send, from the same code.
pub fn terminal_from_html(html: &str, marking: Marking) -> String {
    let (open, close) = match marking {
        Marking::Ansi => ("\x1b[1m", "\x1b[0m"),
        Marking::Stars => ("**", "**"),
    };
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut href: Option<String> = None;
    while let Some(at) = rest.find('<') {
        out.push_str(&unescape(&rest[..at]));
        let Some(end) = rest[at..].find('>') else {
            out.push_str(&unescape(&rest[at..]));
            rest = "";
            break;
        };
        let tag = &rest[at + 1..at + end];
        match tag {
            "b" => out.push_str(open),
            "/b" => out.push_str(close),
            "/a" => {
                if let Some(link) = href.take()
                    && !out.ends_with(&link)
                {
                    out.push_str(&format!(" ({link})"));
                }
            }
            _ => {
                if let Some(link) = tag.strip_prefix("a href=\"").and_then(|t| t.strip_suffix('"'))
                {
                    href = Some(unescape(link));
                }
            }
        }
        rest = &rest[at + end + 1..];
    }
    out.push_str(&unescape(rest));
    out
}

/// Decodes the entities [`super::telegram::escape`] writes.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

/// `YYYY-MM-DD HH:MM UTC` for a Unix time.
pub fn format_utc(unix: u64) -> String {
    if unix == 0 {
        return "at an unknown time".to_string();
    }
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", secs / 3600, secs % 3600 / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(format_utc(0), "at an unknown time");
        assert_eq!(format_utc(1_700_000_000), "2023-11-14 22:13 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00 UTC");
    }

    #[test]
    fn start_lists_at_most_three_examples() {
        let examples: Vec<String> = ["a?", "b?", "c?", "d?"].map(String::from).to_vec();
        let text = start_text(None, &examples);
        assert!(text.starts_with(DEFAULT_WELCOME) && text.contains("\n• c?"), "{text}");
        assert!(!text.contains("d?"), "{text}");
        assert!(!start_text(Some("Hi"), &[]).contains("For example"));
    }

    #[test]
    fn share_links_encode_the_deep_link() {
        assert_eq!(deep_link("qbot", "AbC-_12345"), "https://t.me/qbot?start=AbC-_12345");
        let url = share_url("qbot", "AbC-_12345", "A & B");
        assert_eq!(
            url,
            "https://t.me/share/url?url=https%3A%2F%2Ft.me%2Fqbot%3Fstart%3DAbC-_12345&text=A%20%26%20B"
        );
    }

    #[test]
    fn html_becomes_terminal_text() {
        let html = "One <b>two &amp; &lt;three&gt;</b>.\n\n— <a href=\"https://x.org/?a=1&amp;b=2\">T &quot;q&quot;</a> <i>it</i>";
        assert_eq!(
            terminal_from_html(html, Marking::Stars),
            "One **two & <three>**.\n\n— T \"q\" (https://x.org/?a=1&b=2) it"
        );
    }

    #[test]
    fn openings_cut_at_a_word() {
        assert_eq!(opening("one  two\nthree", 50), "one two three");
        assert_eq!(opening("alpha beta gamma delta", 13), "alpha beta…");
    }
}
