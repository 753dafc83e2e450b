//! Text analysis shared by indexing and querying, so both sides always agree on terms.
//!
//! A text becomes [`Word`]s: runs of letters and digits, lowercased and folded to ASCII where
//! a Latin letter carries an accent. Each word yields its *index terms*: the Snowball English
//! stem for Latin-script words (none for the 33 Lucene English stop words), or, for words in
//! Hangul, Han or Kana, the whole word plus its character bigrams — Korean particles glue onto
//! nouns ("임종석이"), so bigrams are what lets questions and passages meet. The index gets a
//! passage's terms from here, already analysed (see `index::schema`).

use std::ops::Range;

pub mod definitions;
pub mod typo;

/// Lucene's English stop words (the set tantivy, Lucene and the baselines share).
pub const STOP_WORDS: [&str; 33] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// Words longer than this many bytes are dropped, like tantivy's `RemoveLongFilter(40)`.
const MAX_WORD_BYTES: usize = 40;

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Lowercased, accent-folded form ("café" → "cafe"): the exact-match form.
    pub surface: String,
    /// Byte range of the word in the analysed text.
    pub span: Range<usize>,
    /// The word's terms in the stemmed index field; empty for stop words.
    pub terms: Vec<String>,
    /// True when the word is made only of ASCII digits.
    pub is_number: bool,
}

impl Word {
    /// True for a stop word (a word that yields no index term).
    pub fn is_stop(&self) -> bool {
        self.terms.is_empty()
    }
}

/// Splits, folds and stems text; cheap to clone and safe to share between threads.
#[derive(Clone, Copy)]
pub struct Analyzer {
    stemmer: frostem::Stemmer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer { stemmer: frostem::Stemmer::new(frostem::Algorithm::English) }
    }
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzer(english)")
    }
}

impl Analyzer {
    /// Analyses `text` into its words, in order.
    ///
    /// ```
    /// let words = passagebot::analysis::Analyzer::default().words("The investments in AI");
    /// let terms: Vec<&str> = words.iter().flat_map(|w| w.terms.iter().map(String::as_str)).collect();
    /// assert_eq!(terms, ["invest", "ai"]);
    /// assert!(words[0].is_stop());
    /// ```
    pub fn words(&self, text: &str) -> Vec<Word> {
        let mut words = Vec::new();
        for_each_surface(text, |span, surface| {
            let terms = self.terms_of(surface);
            let is_number = surface.bytes().all(|b| b.is_ascii_digit());
            words.push(Word { surface: surface.to_string(), span, terms, is_number });
        });
        words
    }

    /// The index terms of one already folded word (see the module docs).
    pub fn terms_of(&self, surface: &str) -> Vec<String> {
        if surface.chars().any(is_cjk) {
            return cjk_terms(surface);
        }
        if STOP_WORDS.contains(&surface) {
            return Vec::new();
        }
        vec![self.stemmer.stem(surface).into_owned()]
    }
}

/// True for characters of scripts written without spaces between words or with particles
/// glued to words: Hangul, Han ideographs and Japanese kana.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF // Hangul
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF // Han
    )
}

/// The whole word plus the character bigrams of each CJK run inside it.
fn cjk_terms(word: &str) -> Vec<String> {
    let mut terms = vec![word.to_string()];
    let chars: Vec<char> = word.chars().collect();
    let mut run_start = 0;
    while run_start < chars.len() {
        if !is_cjk(chars[run_start]) {
            run_start += 1;
            continue;
        }
        let mut run_end = run_start;
        while run_end < chars.len() && is_cjk(chars[run_end]) {
            run_end += 1;
        }
        for pair in chars[run_start..run_end].windows(2) {
            let bigram: String = pair.iter().collect();
            if bigram != word {
                terms.push(bigram);
            }
        }
        run_start = run_end;
    }
    terms
}

/// Byte ranges of the runs of letters and digits in `text`.
pub fn word_spans(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = chars.by_ref().find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                end = i;
                break;
            }
            chars.next();
        }
        Some(start..end)
    })
}

/// Lowercases a word and folds accented Latin letters to ASCII.
///
/// ```
/// assert_eq!(passagebot::analysis::fold("Café"), "cafe");
/// assert_eq!(passagebot::analysis::fold("인공지능"), "인공지능");
/// ```
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// Calls `each` with the byte range and the folded form of every word of `text`, in order:
/// the words [`Analyzer::words`] analyses, without their terms, so that a caller that knows
/// a word's terms already (the build's vocabulary) stems only the words it has not seen.
pub fn for_each_surface(text: &str, mut each: impl FnMut(Range<usize>, &str)) {
    let mut surface = String::new();
    for span in word_spans(text) {
        let raw = &text[span.clone()];
        if raw.len() > MAX_WORD_BYTES {
            continue;
        }
        surface.clear();
        fold_into(raw, &mut surface);
        each(span, &surface);
    }
}

/// [`fold`], appending to `out`.
fn fold_into(word: &str, out: &mut String) {
    for c in word.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        match fold_latin(c) {
            Some(folded) => out.push_str(folded),
            None => out.extend(c.to_lowercase()),
        }
    }
}

/// ASCII for the common accented Latin letters; `None` for everything else.
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å'
        | 'Ā' | 'Ă' | 'Ą' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' | 'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "c",
        'ď' | 'đ' | 'Ď' | 'Đ' | 'ð' | 'Ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ'
        | 'Ė' | 'Ę' | 'Ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' | 'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "g",
        'ĥ' | 'ħ' | 'Ĥ' | 'Ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī'
        | 'Ĭ' | 'Į' | 'İ' => "i",
        'ĵ' | 'Ĵ' => "j",
        'ķ' | 'Ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' | 'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'Ñ' | 'Ń' | 'Ņ' | 'Ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø'
        | 'Ō' | 'Ŏ' | 'Ő' => "o",
        'œ' | 'Œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' | 'Ŕ' | 'Ŗ' | 'Ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'Ś' | 'Ŝ' | 'Ş' | 'Š' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'Ţ' | 'Ť' | 'Ŧ' => "t",
        'þ' | 'Þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ'
        | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "u",
        'ŵ' | 'Ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' | 'Ý' | 'Ÿ' | 'Ŷ' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        Analyzer::default().words(text).into_iter().flat_map(|w| w.terms).collect()
    }

    #[test]
    fn english_words_are_lowercased_stemmed_and_stop_words_dropped() {
        assert_eq!(terms("The Investments in AI"), ["invest", "ai"]);
        assert_eq!(terms("South Korea's"), ["south", "korea", "s"]);
    }

    #[test]
    fn accents_fold_to_ascii() {
        assert_eq!(
            fold("Café Ñandú"),
            "café ñandú".replace('é', "e").replace('ñ', "n").replace('ú', "u")
        );
        assert_eq!(terms("Straße"), ["strass"]);
    }

    #[test]
    fn query_syntax_characters_are_not_words() {
        assert_eq!(terms("\"AI\" : (R&D) * ~ ^ AND -x"), ["ai", "r", "d", "x"]);
    }

    #[test]
    fn korean_words_get_character_bigrams() {
        assert_eq!(terms("임종석이"), ["임종석이", "임종", "종석", "석이"]);
        assert_eq!(terms("한"), ["한"]);
    }

    #[test]
    fn numbers_are_flagged() {
        let words = Analyzer::default().words("in 2019 and 5G");
        assert!(words[1].is_number);
        assert!(!words[3].is_number);
    }

    #[test]
    fn over_long_words_are_dropped_and_spans_point_into_the_text() {
        let text = format!("ok {} fine", "x".repeat(50));
        let words = Analyzer::default().words(&text);
        assert_eq!(words.len(), 2);
        assert_eq!(&text[words[1].span.clone()], "fine");
    }
}
