//! `callback_data` of the answer buttons: short, stateless, at most 64 bytes.
//!
//! Every button carries a generation tag (a hash of the index generation's name) and passage
//! numbers in base 36, so a button keeps working across restarts and is recognised as stale
//! after a reindex. "Next answer" carries the ranked passage numbers of the question itself,
//! so paging needs no server-side state.

/// Telegram's limit on `callback_data`.
pub const MAX_CALLBACK_BYTES: usize = 64;

/// What a button asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Show `numbers[position]`, the next-ranked passage, in place.
    Next {
        /// Generation tag the numbers belong to.
        generation: String,
        /// Index into `numbers` of the passage to show.
        position: usize,
        /// Ranked passage numbers of the question.
        numbers: Vec<u32>,
    },
    /// Show the neighbours of passage `number`.
    Context {
        /// Generation tag.
        generation: String,
        /// Passage number.
        number: u32,
    },
    /// Feedback on passage `number`.
    Vote {
        /// Generation tag.
        generation: String,
        /// Passage number.
        number: u32,
        /// 👍 (true) or 👎 (false).
        up: bool,
    },
}

impl Action {
    /// The generation tag the button was made for.
    pub fn generation(&self) -> &str {
        match self {
            Action::Next { generation, .. }
            | Action::Context { generation, .. }
            | Action::Vote { generation, .. } => generation,
        }
    }

    /// Encodes the action; "Next" drops trailing numbers until it fits in 64 bytes.
    pub fn encode(&self) -> String {
        match self {
            Action::Next { generation, position, numbers } => {
                let mut numbers = numbers.as_slice();
                loop {
                    let list: Vec<String> = numbers.iter().map(|&n| base36(n)).collect();
                    let data =
                        format!("n|{generation}|{}|{}", base36(*position as u32), list.join("."));
                    if data.len() <= MAX_CALLBACK_BYTES || numbers.len() <= position + 1 {
                        return data;
                    }
                    numbers = &numbers[..numbers.len() - 1];
                }
            }
            Action::Context { generation, number } => format!("c|{generation}|{}", base36(*number)),
            Action::Vote { generation, number, up } => {
                format!("{}|{generation}|{}", if *up { 'u' } else { 'd' }, base36(*number))
            }
        }
    }

    /// Decodes callback data; `None` for anything this bot did not make.
    pub fn decode(data: &str) -> Option<Action> {
        let mut parts = data.split('|');
        let kind = parts.next()?;
        let generation = parts.next()?.to_string();
        let action = match kind {
            "n" => {
                let position = from_base36(parts.next()?)? as usize;
                let numbers =
                    parts.next()?.split('.').map(from_base36).collect::<Option<Vec<u32>>>()?;
                if position >= numbers.len() {
                    return None;
                }
                Action::Next { generation, position, numbers }
            }
            "c" => Action::Context { generation, number: from_base36(parts.next()?)? },
            "u" | "d" => {
                Action::Vote { generation, number: from_base36(parts.next()?)?, up: kind == "u" }
            }
            _ => return None,
        };
        parts.next().is_none().then_some(action)
    }
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

    #[test]
    fn round_trips() {
        let generation = generation_tag("g-1700000000-abcdef");
        let actions = [
            Action::Next {
                generation: generation.clone(),
                position: 1,
                numbers: vec![0, 35, 4_000_000],
            },
            Action::Context { generation: generation.clone(), number: 12 },
            Action::Vote { generation: generation.clone(), number: u32::MAX, up: false },
            Action::Vote { generation, number: 0, up: true },
        ];
        for action in actions {
            let data = action.encode();
            assert!(data.len() <= MAX_CALLBACK_BYTES, "{data}");
            assert_eq!(Action::decode(&data), Some(action));
        }
    }

    #[test]
    fn next_fits_in_64_bytes_even_with_many_large_numbers() {
        let action = Action::Next {
            generation: generation_tag("x"),
            position: 0,
            numbers: vec![u32::MAX; 20],
        };
        let data = action.encode();
        assert!(data.len() <= MAX_CALLBACK_BYTES, "{} bytes", data.len());
        let Some(Action::Next { numbers, .. }) = Action::decode(&data) else { panic!("{data}") };
        assert!(numbers.len() >= 5);
    }

    #[test]
    fn garbage_is_rejected() {
        for data in [
            "",
            "n",
            "n|g",
            "n|g|0|",
            "n|g|5|1.2",
            "x|g|1",
            "c|g|zzzzzzzz",
            "c|g|1|extra",
            "u|g|-1",
        ] {
            assert_eq!(Action::decode(data), None, "{data}");
        }
    }

    #[test]
    fn tags_differ_between_generations() {
        assert_ne!(generation_tag("gen-1"), generation_tag("gen-2"));
        assert!(generation_tag("anything at all").len() <= 7);
    }
}
