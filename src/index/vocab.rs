//! The word and term vocabularies of a build, with passage frequencies, filled while
//! indexing and written into the passage store at the end.
//!
//! Built for corpora of many distinct words (three million one-word paragraphs have three
//! million words and terms): each string is stored once, as a map key of exact size, and
//! each word's terms live in one flat array, so a word costs about 60 bytes rather than the
//! ~200 of a `String` in a map, a copy in a list and a `Vec` of term ids.

use std::collections::HashMap;

/// Word and term vocabularies with passage frequencies.
#[derive(Default)]
pub(super) struct Vocabulary {
    word_ids: HashMap<Box<str>, u32>,
    /// Word id → start of its terms in `word_term_ids` (one more entry than words).
    word_term_start: Vec<u32>,
    word_term_ids: Vec<u32>,
    word_df: Vec<u32>,
    term_ids: HashMap<Box<str>, u32>,
    term_df: Vec<u32>,
    /// Last passage that counted each word / term, to count a passage once.
    word_seen: Vec<u32>,
    term_seen: Vec<u32>,
    passages_counted: u32,
}

impl Vocabulary {
    /// The id of word `surface` with analysed `terms`, added when new.
    pub(super) fn word(&mut self, surface: &str, terms: &[String]) -> u32 {
        if let Some(&id) = self.word_ids.get(surface) {
            return id;
        }
        if self.word_term_start.is_empty() {
            self.word_term_start.push(0);
        }
        for term in terms {
            let term_id = self.term(term);
            self.word_term_ids.push(term_id);
        }
        let id = self.word_df.len() as u32;
        self.word_ids.insert(surface.into(), id);
        self.word_term_start.push(self.word_term_ids.len() as u32);
        self.word_df.push(0);
        self.word_seen.push(u32::MAX);
        id
    }

    /// The term ids of word `id`.
    pub(super) fn word_terms(&self, id: u32) -> &[u32] {
        let id = id as usize;
        match (self.word_term_start.get(id), self.word_term_start.get(id + 1)) {
            (Some(&start), Some(&end)) => &self.word_term_ids[start as usize..end as usize],
            _ => &[],
        }
    }

    /// The id of `term`, if known.
    pub(super) fn term_id(&self, term: &str) -> Option<u32> {
        self.term_ids.get(term).copied()
    }

    fn term(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.term_ids.get(term) {
            return id;
        }
        let id = self.term_df.len() as u32;
        self.term_ids.insert(term.into(), id);
        self.term_df.push(0);
        self.term_seen.push(u32::MAX);
        id
    }

    /// Counts one passage made of `words` (ids, repeats allowed) in the frequencies.
    pub(super) fn count_passage(&mut self, words: &[u32]) {
        let passage = self.passages_counted;
        for &word in words {
            let w = word as usize;
            if self.word_seen[w] == passage {
                continue;
            }
            self.word_seen[w] = passage;
            self.word_df[w] += 1;
            let (start, end) =
                (self.word_term_start[w] as usize, self.word_term_start[w + 1] as usize);
            for &term in &self.word_term_ids[start..end] {
                let t = term as usize;
                if self.term_seen[t] != passage {
                    self.term_seen[t] = passage;
                    self.term_df[t] += 1;
                }
            }
        }
        self.passages_counted += 1;
    }

    /// The vocabulary in the store's order: strings by id.
    pub(super) fn finish(self) -> FinishedVocabulary {
        FinishedVocabulary {
            terms: by_id(self.term_ids),
            term_df: self.term_df,
            words: by_id(self.word_ids),
            word_df: self.word_df,
            word_term_start: self.word_term_start,
            word_term_ids: self.word_term_ids,
        }
    }
}

/// The keys of `map` ordered by their ids (which are dense from 0), moved, not copied.
fn by_id(map: HashMap<Box<str>, u32>) -> Vec<Box<str>> {
    let mut strings: Vec<Box<str>> = vec![Box::from(""); map.len()];
    for (string, id) in map {
        if let Some(slot) = strings.get_mut(id as usize) {
            *slot = string;
        }
    }
    strings
}

/// A vocabulary laid out as the store holds it: strings and frequencies by id, and each
/// word's terms as one flat array with start offsets.
pub(super) struct FinishedVocabulary {
    pub terms: Vec<Box<str>>,
    pub term_df: Vec<u32>,
    pub words: Vec<Box<str>>,
    pub word_df: Vec<u32>,
    /// Word id → start of its terms in `word_term_ids` (one more entry than words).
    pub word_term_start: Vec<u32>,
    pub word_term_ids: Vec<u32>,
}

/// Derivational endings on Snowball stems: a term plus one of these is related to the term
/// ("korea" + "n", "regul" + "atori", "japan" + "es"). Snowball removes inflection only;
/// questions often use another derivation of the passage's word.
const DERIVATIONAL_ENDINGS: &[&str] =
    &["n", "an", "ian", "es", "ese", "atori", "ori", "al", "ic", "ist", "ism", "iti", "ize", "is"];

/// For each term id, the vocabulary terms related to it by a [`DERIVATIONAL_ENDINGS`] ending,
/// both ways, in the order they are found.
pub(super) fn derivations(terms: &[Box<str>]) -> Vec<Vec<u32>> {
    let ids: HashMap<&str, u32> = terms.iter().enumerate().map(|(i, t)| (&**t, i as u32)).collect();
    let mut related: Vec<Vec<u32>> = vec![Vec::new(); terms.len()];
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
                related[id].push(base_id);
                related[base_id as usize].push(id as u32);
            }
        }
    }
    related
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivations_relate_a_stem_and_its_derived_forms_both_ways() {
        let terms: Vec<Box<str>> =
            ["korea", "korean", "japan", "japanes", "in"].into_iter().map(Box::from).collect();
        let related = derivations(&terms);
        assert_eq!(related[0], [1]);
        assert_eq!(related[1], [0]);
        assert_eq!(related[2], [3]);
        assert!(related[4].is_empty());
    }
}
