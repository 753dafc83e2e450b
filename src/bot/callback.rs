//! `callback_data` of the answer buttons: short, stateless, at most 64 bytes.
//!
//! Every button carries stable passage keys ([`passagebot::index::passage_key`], ten
//! characters of `[A-Za-z0-9_-]`), never a position in one index generation, so a button
//! keeps working across restarts and reindexes while its passage exists, and says so
//! politely when it does not. "Next answer" carries the keys of the question's remaining
//! ranked passages (as many as fit; the reply cache knows the rest), so paging needs no
//! server-side state.

/// Telegram's limit on `callback_data`.
pub const MAX_CALLBACK_BYTES: usize = 64;

/// What a button asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Show `keys[0]`, the passage ranked at `position`, in place.
    Next {
        /// Rank (from 0) of the passage to show.
        position: usize,
        /// Number of ranked passages of the question, for "Answer 2 of 5".
        total: usize,
        /// Keys of the ranked passages from `position` on (at least one).
        keys: Vec<String>,
    },
    /// Show the neighbours of passage `key`.
    Context {
        /// Stable passage key.
        key: String,
    },
    /// Show passages related to passage `key` ("See also").
    SeeAlso {
        /// Stable passage key.
        key: String,
    },
    /// Feedback on passage `key`.
    Vote {
        /// Stable passage key.
        key: String,
        /// 👍 (true) or 👎 (false).
        up: bool,
    },
}

impl Action {
    /// Encodes the action; "Next" drops trailing keys until it fits in 64 bytes.
    pub fn encode(&self) -> String {
        match self {
            Action::Next { position, total, keys } => {
                let mut keys = keys.as_slice();
                loop {
                    let data = format!(
                        "n|{}|{}|{}",
                        base36(*position as u32),
                        base36(*total as u32),
                        keys.join(".")
                    );
                    if data.len() <= MAX_CALLBACK_BYTES || keys.len() <= 1 {
                        return data;
                    }
                    keys = &keys[..keys.len() - 1];
                }
            }
            Action::Context { key } => format!("c|{key}"),
            Action::SeeAlso { key } => format!("s|{key}"),
            Action::Vote { key, up } => format!("{}|{key}", if *up { 'u' } else { 'd' }),
        }
    }

    /// Decodes callback data; `None` for anything this bot did not make (buttons of the
    /// older position-based format included).
    pub fn decode(data: &str) -> Option<Action> {
        if data.len() > MAX_CALLBACK_BYTES {
            return None;
        }
        let mut parts = data.split('|');
        let kind = parts.next()?;
        let action = match kind {
            "n" => {
                let position = from_base36(parts.next()?)? as usize;
                let total = from_base36(parts.next()?)? as usize;
                let keys = parts
                    .next()?
                    .split('.')
                    .map(|k| is_passage_key(k).then(|| k.to_string()))
                    .collect::<Option<Vec<String>>>()?;
                if position >= total || keys.is_empty() {
                    return None;
                }
                Action::Next { position, total, keys }
            }
            "c" | "s" | "u" | "d" => {
                let key = parts.next().filter(|k| is_passage_key(k))?.to_string();
                match kind {
                    "c" => Action::Context { key },
                    "s" => Action::SeeAlso { key },
                    _ => Action::Vote { key, up: kind == "u" },
                }
            }
            _ => return None,
        };
        parts.next().is_none().then_some(action)
    }
}

fn is_passage_key(text: &str) -> bool {
    passagebot::index::is_passage_key(text)
}

/// A short tag for an index generation name: FNV-1a, 32 bits, in base 36 (≤ 7 characters).
pub fn generation_tag(generation: &str) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in generation.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    base36(hash)
}

/// `n` in lowercase base 36.
pub fn base36(mut n: u32) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn from_base36(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 7 {
        return None;
    }
    u32::from_str_radix(text, 36).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AbCdEf-_09";

    #[test]
    fn round_trips() {
        let actions = [
            Action::Next { position: 1, total: 3, keys: vec![KEY.into(), "zzzzzzzzzz".into()] },
            Action::Context { key: KEY.into() },
            Action::SeeAlso { key: KEY.into() },
            Action::Vote { key: KEY.into(), up: false },
            Action::Vote { key: KEY.into(), up: true },
        ];
        for action in actions {
            let data = action.encode();
            assert!(data.len() <= MAX_CALLBACK_BYTES, "{data}");
            assert_eq!(Action::decode(&data), Some(action));
        }
    }

    #[test]
    fn next_fits_in_64_bytes_even_with_many_keys() {
        let action = Action::Next { position: 18, total: 20, keys: vec![KEY.to_string(); 20] };
        let data = action.encode();
        assert!(data.len() <= MAX_CALLBACK_BYTES, "{} bytes", data.len());
        let Some(Action::Next { keys, .. }) = Action::decode(&data) else { panic!("{data}") };
        assert!(keys.len() >= 4, "{}", keys.len());
    }

    #[test]
    fn garbage_and_old_position_buttons_are_rejected() {
        for data in [
            "",
            "n",
            "n|1",
            "n|0|1|",
            "n|5|2|AbCdEf-_09",
            "x|AbCdEf-_09",
            "c|short",
            "c|AbCdEf-_09|extra",
            "u|-1",
            // The older format: a generation tag and a passage number.
            "c|1x2y3z|c",
            "n|1x2y3z|1|0.1.2",
        ] {
            assert_eq!(Action::decode(data), None, "{data}");
        }
    }
}
