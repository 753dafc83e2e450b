//! The store's vocabulary look-ups beyond plain id ↔ string: idf, common terms, the corpus's
//! heading words, and typo corrections. Query planning asks these; the tables they need
//! beyond the mapped file (heading words the text never uses, the typo lexicons) are built
//! on first use and shared by every clone of the store.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::Store;
use crate::analysis::Analyzer;
use crate::analysis::typo::{Lexicon, bounded_distance};

/// A term in at least this share of the passages is what the whole corpus is about: "in
/// git" narrows nothing in the git manual.
const COMMON_TERM_SHARE: f64 = 0.05;

/// Look-up tables built from the mapped vocabularies on first use.
#[derive(Default)]
pub(super) struct LazyTables {
    /// The corpus's title and section words.
    headings: OnceLock<HeadingWords>,
    /// What typo correction searches.
    corrections: OnceLock<Corrections>,
}

/// What typo correction searches.
struct Corrections {
    /// The text's words, then the heading words the text does not use.
    words: Lexicon,
    /// The text's terms.
    terms: Lexicon,
}

/// The corpus's title and section words.
struct HeadingWords {
    /// Those the text does not use, with their term ids (they follow the text's words in
    /// the word lexicon).
    extra: Vec<(String, Vec<u32>)>,
    /// Every folded title and section word.
    all: HashSet<String>,
}

/// BM25's idf of a term in `df` of `n` passages.
pub(crate) fn idf(n: usize, df: u32) -> f32 {
    let (n, df) = (n as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

impl Store {
    /// The BM25 idf of term `id`, from its passage frequency.
    pub fn term_idf(&self, id: u32) -> f32 {
        idf(self.len(), self.term_df(id))
    }

    /// The BM25 idf of word `id` (as written, folded), from its passage frequency.
    pub fn word_idf(&self, id: u32) -> f32 {
        idf(self.len(), self.word_df(id))
    }

    /// The idf of a term no passage has: the largest there is.
    pub fn unknown_idf(&self) -> f32 {
        idf(self.len(), 0)
    }

    /// True when `term` is in at least 5 % of the passages: what the corpus is about.
    pub fn is_common_term(&self, term: &str) -> bool {
        self.term_id(term)
            .is_some_and(|id| f64::from(self.term_df(id)) >= COMMON_TERM_SHARE * self.len() as f64)
    }

    /// True when a title or section heading of the corpus holds this folded word.
    pub fn is_heading_word(&self, word: &str) -> bool {
        self.headings().all.contains(word)
    }

    /// A correction for a word the corpus does not have: the closest known word (text or
    /// heading) within the allowed edit distance, the most frequent among equally close
    /// ones, as the word to show and its term ids; failing that, the closest term to the
    /// word's stem, shown as the nearest word with that term.
    pub fn correction(&self, surface: &str) -> Option<(String, Vec<u32>)> {
        let corrections = self.corrections();
        let text_words = self.word_count() as u32;
        let headings = self.headings();
        // A heading word's frequency is its first term's.
        let word_df = |id: u32| {
            if id < text_words {
                return self.word_df(id);
            }
            headings
                .extra
                .get((id - text_words) as usize)
                .and_then(|(_, terms)| terms.first())
                .map_or(0, |&t| self.term_df(t))
        };
        let most_frequent = |candidates: Vec<(u32, usize)>, df: &dyn Fn(u32) -> u32| {
            let best = candidates.first()?.1;
            candidates
                .into_iter()
                .filter(|c| c.1 == best)
                .max_by_key(|c| (df(c.0), std::cmp::Reverse(c.0)))
                .map(|c| c.0)
        };
        let nearest = corrections.words.nearest(surface, |id| self.lexicon_word(id));
        if let Some(word) = most_frequent(nearest, &word_df) {
            let (shown, terms) = if word < text_words {
                (self.word(word).to_string(), self.word_terms(word))
            } else {
                headings.extra.get((word - text_words) as usize)?.clone()
            };
            if !terms.is_empty() {
                return Some((shown, terms));
            }
        }
        // No close word: try the stem, then show the closest word with that stem.
        let stem = Analyzer::default().terms_of(surface).into_iter().next()?;
        let nearest = corrections.terms.nearest(&stem, |t| self.term(t));
        let term = most_frequent(nearest, &|t| self.term_df(t))?;
        let asked: Vec<char> = surface.chars().collect();
        let shown = (0..self.word_count() as u32)
            .filter(|&w| self.word_terms(w) == [term])
            .map(|w| {
                let chars: Vec<char> = self.word(w).chars().collect();
                let distance = bounded_distance(&asked, &chars, usize::MAX / 2);
                (distance.unwrap_or(usize::MAX), chars.len(), w)
            })
            .min()?;
        Some((self.word(shown.2).to_string(), vec![term]))
    }

    /// The title and section words, read on first use.
    fn headings(&self) -> &HeadingWords {
        self.lazy.headings.get_or_init(|| {
            // The build stored them, so this reads a short list instead of every passage.
            // The store's terms come from the default analysis, so its words are read so.
            let analyzer = Analyzer::default();
            let mut extra: Vec<(String, Vec<u32>)> = Vec::new();
            let mut all: HashSet<String> = HashSet::new();
            for i in 0..self.heading_word_count() {
                let surface = self.heading_word(i);
                if !all.insert(surface.to_string()) || self.word_id(surface).is_some() {
                    continue;
                }
                // A folded word analyses to itself, with the terms it had in its heading.
                let Some(word) = analyzer.words(surface).into_iter().next() else { continue };
                let terms: Option<Vec<u32>> = word.terms.iter().map(|t| self.term_id(t)).collect();
                if let Some(terms) = terms {
                    extra.push((surface.to_string(), terms));
                }
            }
            HeadingWords { extra, all }
        })
    }

    /// The typo lexicons, built on the first correction.
    fn corrections(&self) -> &Corrections {
        self.lazy.corrections.get_or_init(|| {
            // Title and section words the text never uses are correction targets too ("main
            // participnts" → "participants", a heading word): they follow the text's words
            // in the lexicon, with ids from `word_count()` on.
            let headings = self.headings();
            let all_words = (0..self.word_count() as u32)
                .map(|w| self.word(w))
                .chain(headings.extra.iter().map(|(w, _)| w.as_str()));
            let words = Lexicon::new(all_words);
            let terms = Lexicon::new((0..self.term_count() as u32).map(|t| self.term(t)));
            Corrections { words, terms }
        })
    }

    /// Word `id` of the correction lexicon: a text word, or after them a heading word.
    fn lexicon_word(&self, id: u32) -> &str {
        let text_words = self.word_count() as u32;
        if id < text_words {
            return self.word(id);
        }
        self.headings().extra.get((id - text_words) as usize).map_or("", |(w, _)| w.as_str())
    }
}

#[cfg(test)]
mod tests {
    use crate::corpus::Passage;
    use crate::index::Store;

    fn store(texts: &[(&str, &str)]) -> Store {
        let passages: Vec<Passage> = texts
            .iter()
            .enumerate()
            .map(|(n, (section, text))| Passage {
                id: format!("a.txt#{n}"),
                doc_id: "a.txt".into(),
                title: "Manual".into(),
                section: Some(section.to_string()),
                source: "a.txt".into(),
                url: None,
                ordinal: n as u32,
                text: text.to_string(),
            })
            .collect();
        crate::index::build_in_ram(&passages).unwrap().1
    }

    #[test]
    fn rare_terms_weigh_more_and_unknown_ones_most() {
        let store = store(&[
            ("Cats", "cats purr softly"),
            ("Dogs", "dogs bark at cats"),
            ("Birds", "birds sing"),
        ]);
        let cat = store.term_id("cat").unwrap();
        let bird = store.term_id("bird").unwrap();
        assert!(store.term_idf(bird) > store.term_idf(cat));
        assert!(store.unknown_idf() > store.term_idf(bird));
        assert!(store.is_common_term("cat"));
    }

    #[test]
    fn heading_words_are_known_even_when_the_text_never_uses_them() {
        let store = store(&[("Participants", "people who take part"), ("Rules", "the rules")]);
        assert!(store.is_heading_word("participants"));
        assert!(!store.is_heading_word("banana"));
        let (shown, terms) = store.correction("participnts").unwrap();
        assert_eq!(shown, "participants");
        assert_eq!(terms, vec![store.term_id("particip").unwrap()]);
    }

    #[test]
    fn a_misspelled_text_word_is_corrected_to_the_most_frequent_close_word() {
        let store = store(&[
            ("One", "the compiler reports errors"),
            ("Two", "the compiler is fast"),
            ("Three", "a compiles step"),
        ]);
        let (shown, _) = store.correction("compilr").unwrap();
        assert_eq!(shown, "compiler");
        assert_eq!(store.correction("zzzzzzzz"), None);
    }
}
