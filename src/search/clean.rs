//! What in a question is never evidence: markup tags (`<b>AI</b>`), the operators of search
//! query languages (`AND`, `OR`, `NOT`, `-foo`, `title:`), and chat filler ("hey",
//! "thanks!!", "lol", "quick question"). People paste these in or type them out of habit;
//! they neither point at a passage nor tell against one, so they are left out of the plan.
//! Question words and filler ("what", "how much", "tell me"; [`is_filler`]) stay in the plan,
//! searched lightly, but never count as evidence either.
//!
//! [`blank_syntax`] keeps byte offsets (it replaces with spaces), so spans found in the
//! cleaned question still cut the original one when a "did you mean" is written.

use crate::analysis::Word;

/// Chat words dropped from every question: greetings, thanks, laughter, hedges.
pub const CHAT_FILLER: &[&str] = &[
    "bot", "btw", "cheers", "dude", "guys", "haha", "hahaha", "hello", "hey", "hi", "hiya", "hmm",
    "lmao", "lol", "ok", "okay", "omg", "pls", "plz", "rofl", "sorry", "thank", "thanks", "thx",
    "ty", "uh", "um", "umm", "wow", "yo",
];

/// Word pairs dropped together: chat that is filler only as a pair ("quick question", "so
/// like"), since each word alone can be a topic.
pub const CHAT_PAIRS: &[(&str, &str)] =
    &[("quick", "question"), ("so", "like"), ("just", "wondering"), ("i", "wonder")];

/// Words that shape a question but carry no topic: searched lightly, never required.
pub const QUESTION_FILLER: &[&str] = &[
    "what",
    "which",
    "who",
    "whom",
    "whose",
    "when",
    "where",
    "why",
    "how",
    "do",
    "does",
    "did",
    "much",
    "many",
    "tell",
    "me",
    "about",
    "please",
    "can",
    "could",
    "would",
    "should",
    "you",
    "your",
    "i",
    "my",
    "we",
    "our",
    "s",
    "has",
    "have",
    "had",
    "were",
    "been",
    "being",
    "its",
    "there",
    "here",
    "some",
    "any",
    "was",
    "give",
    "show",
    "explain",
    "describe",
    "know",
    "out",
    "off",
    "just",
    "really",
    "actually",
    "basically",
    "im",
    "whats",
    "wanna",
    "gonna",
];

/// Korean question words ("who", "when", "what", "where", "which", "how many", "how much",
/// "why", "how"), matched as word beginnings since particles attach to them ("무엇인가").
pub const KOREAN_QUESTION_WORDS: &[&str] =
    &["누구", "언제", "무엇", "무슨", "어디", "어느", "어떤", "어떻게", "몇", "얼마", "왜"];

/// True for question words and filler (English or Korean), which never count as evidence.
pub(super) fn is_filler(surface: &str) -> bool {
    QUESTION_FILLER.contains(&surface)
        || KOREAN_QUESTION_WORDS.iter().any(|q| surface.starts_with(q))
}

/// Field prefixes of query languages (`title:bar`): the field name is syntax, the value stays.
const FIELD_NAMES: &[&str] =
    &["author", "body", "exact", "intitle", "inurl", "section", "site", "subject", "text", "title"];

/// `question` with markup tags, query operators (upper-case `AND` / `OR` / `NOT`, `-word`
/// exclusions) and field prefixes (`title:`) replaced by spaces, byte for byte.
pub fn blank_syntax(question: &str) -> String {
    let mut bytes = question.as_bytes().to_vec();
    let len = bytes.len();
    let mut i = 0;
    while i < len {
        let b = bytes[i];
        let at_word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if b == b'<'
            && let Some(end) = tag_end(&bytes, i)
        {
            bytes[i..=end].fill(b' ');
            i = end + 1;
            continue;
        }
        if b == b'-'
            && (i == 0 || bytes[i - 1].is_ascii_whitespace() || bytes[i - 1] == b'(')
            && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic)
        {
            let end = word_end(&bytes, i + 1);
            bytes[i..end].fill(b' ');
            i = end;
            continue;
        }
        if at_word_start && b.is_ascii_alphabetic() {
            let end = word_end(&bytes, i);
            let word = &question[i..end];
            let followed_by_value = bytes.get(end) == Some(&b':')
                && bytes.get(end + 1).is_some_and(|c| !c.is_ascii_whitespace());
            if matches!(word, "AND" | "OR" | "NOT") {
                bytes[i..end].fill(b' ');
            } else if followed_by_value && FIELD_NAMES.contains(&word.to_ascii_lowercase().as_str())
            {
                bytes[i..=end].fill(b' ');
            }
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    // Only ASCII bytes were replaced, and only whole ASCII runs, so this is still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|_| question.to_string())
}

/// The end (index of `>`) of an HTML-like tag starting at `start`: `<name …>` or `</name>`,
/// at most 200 bytes, without another `<` inside.
fn tag_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    if bytes.get(i) == Some(&b'/') {
        i += 1;
    }
    if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let limit = (start + 200).min(bytes.len());
    (i..limit).take_while(|&j| bytes[j] != b'<').find(|&j| bytes[j] == b'>')
}

/// The end of the ASCII word (letters, digits) starting at `start`.
fn word_end(bytes: &[u8], start: usize) -> usize {
    (start..bytes.len()).find(|&j| !bytes[j].is_ascii_alphanumeric()).unwrap_or(bytes.len())
}

/// Drops the chat filler ([`chat_filler`]) from a question's analysed words.
pub fn drop_chat_filler(words: &mut Vec<Word>) {
    let surfaces: Vec<&str> = words.iter().map(|w| w.surface.as_str()).collect();
    let filler = chat_filler(&surfaces);
    let mut index = 0;
    words.retain(|_| {
        index += 1;
        !filler[index - 1]
    });
}

/// For a question's folded words in order, which are chat filler ([`CHAT_FILLER`], or part of
/// a [`CHAT_PAIRS`] pair).
fn chat_filler(surfaces: &[&str]) -> Vec<bool> {
    let mut filler: Vec<bool> = surfaces.iter().map(|s| CHAT_FILLER.contains(s)).collect();
    for (i, pair) in surfaces.windows(2).enumerate() {
        if CHAT_PAIRS.contains(&(pair[0], pair[1])) {
            filler[i] = true;
            filler[i + 1] = true;
        }
    }
    filler
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_operators_and_field_prefixes_become_spaces() {
        let question = r#"KT "investment" (2027) AND -foo title:bar *"#;
        let cleaned = blank_syntax(question);
        assert_eq!(cleaned.len(), question.len());
        let words: Vec<&str> = cleaned.split(|c: char| !c.is_alphanumeric()).collect();
        let words: Vec<&str> = words.into_iter().filter(|w| !w.is_empty()).collect();
        assert_eq!(words, ["KT", "investment", "2027", "bar"]);
        assert_eq!(blank_syntax("<b>AI</b> semiconductors").trim(), "AI     semiconductors");
        assert_eq!(blank_syntax("a < b and c > d"), "a < b and c > d");
        assert_eq!(blank_syntax("e-mail and COVID-19, Android"), "e-mail and COVID-19, Android");
        assert_eq!(blank_syntax("<b>인공지능</b>").trim(), "인공지능");
    }

    #[test]
    fn chat_filler_words_and_pairs() {
        let words = ["hey", "quick", "question", "how", "much", "thanks"];
        assert_eq!(chat_filler(&words), [true, true, true, false, false, true]);
        assert_eq!(chat_filler(&["quick", "sort"]), [false, false]);
    }
}
