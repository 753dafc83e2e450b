//! Is this an English word? The typo rule asks before it corrects anything: a correctly spelt
//! word the corpus happens not to contain ("lunch", "goats", "police") is a question about
//! something else, not a misspelling of a corpus word ("launching", "goals", "policies").
//!
//! The list is SCOWL's size-50 American English list (see `english/README.md` and its
//! licence beside it), words of five or more letters only — shorter words are never
//! corrected — front-coded and gzip-compressed into the binary (114 KB), unpacked once on
//! first use.

use std::io::Read;
use std::sync::OnceLock;

/// The packed list (format in `english/README.md`).
const PACKED: &[u8] = include_bytes!("english/words.txt.gz");

/// The unpacked, sorted list; empty if the packed bytes were ever unreadable (then every
/// word counts as unknown, which is the behaviour before the list existed).
fn words() -> &'static [String] {
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    WORDS.get_or_init(|| unpack(PACKED).unwrap_or_default())
}

fn unpack(packed: &[u8]) -> Option<Vec<String>> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(packed).read_to_string(&mut text).ok()?;
    let mut words: Vec<String> = Vec::with_capacity(70_000);
    let mut previous = String::new();
    for line in text.lines() {
        let mut chars = line.chars();
        let shared = chars.next()?.to_digit(10)? as usize;
        let mut word: String = previous.chars().take(shared).collect();
        word.push_str(chars.as_str());
        words.push(word.clone());
        previous = word;
    }
    Some(words)
}

/// True when `word` (folded: lowercase, accents removed) is an English word, or a regular
/// inflection of one ("goats", "charged", "flowing", "quickly").
pub fn is_word(word: &str) -> bool {
    let list = words();
    let known = |w: &str| list.binary_search_by(|probe| probe.as_str().cmp(w)).is_ok();
    if known(word) {
        return true;
    }
    const ENDINGS: &[(&str, &str)] = &[
        ("s", ""),
        ("es", ""),
        ("ies", "y"),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
        ("ly", ""),
        ("er", ""),
        ("est", ""),
    ];
    ENDINGS.iter().any(|(ending, back)| {
        word.strip_suffix(ending)
            .filter(|stem| stem.len() >= 3)
            .is_some_and(|stem| known(&format!("{stem}{back}")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_packed_list_unpacks_sorted() {
        let list = words();
        assert!(list.len() > 60_000, "{}", list.len());
        assert!(list.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn english_words_and_inflections_are_known_typos_are_not() {
        for word in ["lunch", "goats", "police", "river", "hospital", "charge", "bread", "pride"] {
            assert!(is_word(word), "{word}");
        }
        for word in ["participnts", "invets", "chnages", "annouce", "hyperclova"] {
            assert!(!is_word(word), "{word}");
        }
    }
}
