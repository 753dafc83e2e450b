//! Vocabulary look-ups for query planning: term and word ids, the idf a concept carries,
//! typo corrections, and derivationally related terms, all read from the passage store.

use super::plan::{self, AltKind};
use super::typo::bounded_distance;
use super::{Engine, MAX_CORRECTIONS};

/// Vocabulary look-ups for query planning.
pub struct Lookup<'a> {
    engine: &'a Engine,
    corrections: std::cell::Cell<usize>,
}

impl<'a> Lookup<'a> {
    /// Look-ups into `engine`'s vocabularies for one question.
    pub fn new(engine: &'a Engine) -> Self {
        Lookup { engine, corrections: std::cell::Cell::new(0) }
    }
}

impl Lookup<'_> {
    /// The id of an index term.
    pub fn term_id(&self, term: &str) -> Option<u32> {
        self.engine.store.term_id(term)
    }

    /// True when the index term is in so many passages that the corpus is about it.
    pub fn is_common_term(&self, term: &str) -> bool {
        self.engine.is_common_term(term)
    }

    /// The id of a folded word.
    pub fn word_id(&self, word: &str) -> Option<u32> {
        self.engine.store.word_id(word)
    }

    /// True when a title or section heading of the corpus holds this folded word.
    pub fn is_heading_word(&self, word: &str) -> bool {
        self.engine.headings().all.contains(word)
    }

    /// Terms derivationally related to the given ones (only when `terms` is one term).
    pub fn derived(&self, terms: &[u32]) -> Vec<u32> {
        match terms {
            [term] if self.engine.tuning.derived_boost > 0.0 => self.engine.store.derived(*term),
            _ => Vec::new(),
        }
    }

    /// The idf a concept with these alternatives carries: the asked form's when the index
    /// knows all its terms, else the most common alternative's (unknown terms count as the
    /// rarest possible).
    pub fn concept_idf(&self, alternatives: &[plan::Alternative]) -> f32 {
        let unknown_idf = self.engine.unknown_idf;
        let alt_idf = |alt: &plan::Alternative| {
            let known: f32 = alt.terms.iter().map(|&t| self.engine.term_idf(t)).sum();
            let unknown = alt.total.saturating_sub(alt.terms.len()) as f32 * unknown_idf;
            let total = if alt.kind == AltKind::Asked { alt.total } else { alt.terms.len() };
            if total == 0 { unknown_idf } else { (known + unknown) / total as f32 }
        };
        match alternatives.first() {
            Some(asked) if asked.terms.len() == asked.total => alt_idf(asked),
            _ => alternatives.iter().map(alt_idf).fold(unknown_idf, f32::min),
        }
    }

    /// A correction for an unknown word: the displayed word and its term ids.
    pub fn correct(&self, surface: &str) -> Option<(String, Vec<u32>)> {
        if self.corrections.get() >= MAX_CORRECTIONS {
            return None;
        }
        self.corrections.set(self.corrections.get() + 1);
        let engine = self.engine;
        let store = &engine.store;
        let corrections = engine.lexicons();
        let text_words = store.word_count() as u32;
        // A heading word's frequency is its first term's.
        let word_df = |id: u32| {
            if id < text_words {
                return store.word_df(id);
            }
            engine
                .headings()
                .extra
                .get((id - text_words) as usize)
                .and_then(|(_, terms)| terms.first())
                .map_or(0, |&t| store.term_df(t))
        };
        let most_frequent = |candidates: Vec<(u32, usize)>, df: &dyn Fn(u32) -> u32| {
            let best = candidates.first()?.1;
            candidates
                .into_iter()
                .filter(|c| c.1 == best)
                .max_by_key(|c| (df(c.0), std::cmp::Reverse(c.0)))
                .map(|c| c.0)
        };
        let nearest = corrections.words.nearest(surface, |id| engine.lexicon_word(id));
        if let Some(word) = most_frequent(nearest, &word_df) {
            let (shown, terms) = if word < text_words {
                (store.word(word).to_string(), store.word_terms(word))
            } else {
                engine.headings().extra.get((word - text_words) as usize)?.clone()
            };
            if !terms.is_empty() {
                return Some((shown, terms));
            }
        }
        let terms = &corrections.terms;
        // No close word: try the stem, then show the closest word with that stem.
        let stem = engine.analyzer.terms_of(surface).into_iter().next()?;
        let term = most_frequent(terms.nearest(&stem, |t| store.term(t)), &|t| store.term_df(t))?;
        let asked: Vec<char> = surface.chars().collect();
        let shown = (0..store.word_count() as u32)
            .filter(|&w| store.word_terms(w) == [term])
            .map(|w| {
                let chars: Vec<char> = store.word(w).chars().collect();
                let distance = bounded_distance(&asked, &chars, usize::MAX / 2);
                (distance.unwrap_or(usize::MAX), chars.len(), w)
            })
            .min()?;
        Some((store.word(shown.2).to_string(), vec![term]))
    }
}
