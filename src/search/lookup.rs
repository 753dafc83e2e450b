//! Vocabulary look-ups for query planning: term and word ids, the idf a concept carries,
//! typo corrections, and derivationally related terms.

use std::collections::HashMap;

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
        self.engine.term_ids.get(term).copied()
    }

    /// The id of a folded word.
    pub fn word_id(&self, word: &str) -> Option<u32> {
        self.engine.word_ids.get(word).copied()
    }

    /// True when a title or section heading of the corpus holds this folded word.
    pub fn is_heading_word(&self, word: &str) -> bool {
        self.engine.lexicons().heading_words.contains(word)
    }

    /// Terms derivationally related to the given ones (only when `terms` is one term).
    pub fn derived(&self, terms: &[u32]) -> Vec<u32> {
        match terms {
            [term] if self.engine.tuning.derived_boost > 0.0 => {
                self.engine.derived.get(term).cloned().unwrap_or_default()
            }
            _ => Vec::new(),
        }
    }

    /// The idf a concept with these alternatives carries: the asked form's when the index
    /// knows all its terms, else the most common alternative's (unknown terms count as the
    /// rarest possible).
    pub fn concept_idf(&self, alternatives: &[plan::Alternative]) -> f32 {
        let alt_idf = |alt: &plan::Alternative| {
            let known: f32 = alt.terms.iter().map(|&t| self.engine.term_idf[t as usize]).sum();
            let unknown =
                alt.total.saturating_sub(alt.terms.len()) as f32 * self.engine.unknown_idf;
            let total = if alt.kind == AltKind::Asked { alt.total } else { alt.terms.len() };
            if total == 0 { self.engine.unknown_idf } else { (known + unknown) / total as f32 }
        };
        match alternatives.first() {
            Some(asked) if asked.terms.len() == asked.total => alt_idf(asked),
            _ => alternatives.iter().map(alt_idf).fold(self.engine.unknown_idf, f32::min),
        }
    }

    /// A correction for an unknown word: the displayed word and its term ids.
    pub fn correct(&self, surface: &str) -> Option<(String, Vec<u32>)> {
        if self.corrections.get() >= MAX_CORRECTIONS {
            return None;
        }
        self.corrections.set(self.corrections.get() + 1);
        let engine = self.engine;
        let corrections = engine.lexicons();
        let text_words = engine.store.words.len();
        // A heading word's frequency is its first term's.
        let word_df = |id: usize| match engine.store.word_df.get(id) {
            Some(&df) => df,
            None => corrections
                .headings
                .get(id - text_words)
                .and_then(|(_, terms)| terms.first())
                .map_or(0, |&t| engine.store.term_df[t as usize]),
        };
        let most_frequent = |candidates: Vec<(u32, usize)>, df: &dyn Fn(usize) -> u32| {
            let best = candidates.first()?.1;
            candidates
                .into_iter()
                .filter(|c| c.1 == best)
                .max_by_key(|c| (df(c.0 as usize), std::cmp::Reverse(c.0)))
                .map(|c| c.0)
        };
        if let Some(word) = most_frequent(corrections.words.nearest(surface), &word_df) {
            let word = word as usize;
            let (shown, terms) = match engine.store.words.get(word) {
                Some(shown) => (shown.clone(), engine.store.word_terms[word].clone()),
                None => corrections.headings.get(word - text_words)?.clone(),
            };
            if !terms.is_empty() {
                return Some((shown, terms));
            }
        }
        let terms = &corrections.terms;
        let term_df = |id: usize| engine.store.term_df[id];
        // No close word: try the stem, then show the closest word with that stem.
        let stem = engine.analyzer.terms_of(surface).into_iter().next()?;
        let term = most_frequent(terms.nearest(&stem), &term_df)?;
        let asked: Vec<char> = surface.chars().collect();
        let shown = engine
            .store
            .word_terms
            .iter()
            .enumerate()
            .filter(|(_, terms)| terms.as_slice() == [term])
            .map(|(w, _)| {
                let chars: Vec<char> = engine.store.words[w].chars().collect();
                let distance = bounded_distance(&asked, &chars, usize::MAX / 2);
                (distance.unwrap_or(usize::MAX), chars.len(), w)
            })
            .min()?;
        Some((engine.store.words[shown.2].clone(), vec![term]))
    }
}

/// Derivational endings on Snowball stems: a term plus one of these is related to the term
/// ("korea" + "n", "regul" + "atori", "japan" + "es"). Snowball removes inflection only;
/// questions often use another derivation of the passage's word.
const DERIVATIONAL_ENDINGS: &[&str] =
    &["n", "an", "ian", "es", "ese", "atori", "ori", "al", "ic", "ist", "ism", "iti", "ize", "is"];

/// Pairs of vocabulary terms related by a [`DERIVATIONAL_ENDINGS`] ending, both ways.
pub(super) fn derivations(terms: &[String]) -> HashMap<u32, Vec<u32>> {
    let ids: HashMap<&str, u32> =
        terms.iter().enumerate().map(|(i, t)| (t.as_str(), i as u32)).collect();
    let mut related: HashMap<u32, Vec<u32>> = HashMap::new();
    for (id, term) in terms.iter().enumerate() {
        if !term.is_ascii() {
            continue;
        }
        for ending in DERIVATIONAL_ENDINGS {
            let Some(base) = term.strip_suffix(ending) else { continue };
            if base.len() < 4 {
                continue;
            }
            if let Some(&base_id) = ids.get(base) {
                related.entry(id as u32).or_default().push(base_id);
                related.entry(base_id).or_default().push(id as u32);
            }
        }
    }
    related
}
