//! The word and term vocabularies of a build, with passage frequencies, filled while
//! indexing and written into the passage store at the end.
//!
//! Built for corpora of many distinct words (three million one-word paragraphs have three
//! million words and terms): the strings of each vocabulary live end to end in one buffer,
//! found through a hash table of ids ([`Strings`]), and each word's terms live in one flat
//! array, so a word costs its bytes plus about 16 (a `Box<str>` key in a `HashMap` cost about
//! 60). [`Vocabulary::bytes`] is what the build weighs against its memory budget.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

/// Strings by id, each stored once end to end in one buffer, with a hash table of ids to
/// find a string's id.
#[derive(Default)]
pub(super) struct Strings {
    /// Every string, end to end.
    bytes: String,
    /// Where string `id` ends in `bytes` (it starts where the one before ends).
    ends: Vec<u32>,
    /// The ids, hashed by their string.
    table: HashTable<u32>,
    /// The table's hasher (foldhash, seeded per table: several times faster than SipHash on
    /// short words, which a build hashes once per word it reads).
    hasher: DefaultHashBuilder,
}

impl Strings {
    /// How many strings there are.
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// String `id` (empty past the end).
    pub(super) fn get(&self, id: u32) -> &str {
        string_at(&self.bytes, &self.ends, id)
    }

    /// The id of `text`, if it is held.
    pub(super) fn id(&self, text: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(text);
        self.table.find(hash, |&id| self.get(id) == text).copied()
    }

    /// The id of `text`, added when new. `None` when the buffer would pass 4 GiB (the build
    /// stops on its memory budget long before).
    fn intern(&mut self, text: &str) -> Option<(u32, bool)> {
        if let Some(id) = self.id(text) {
            return Some((id, false));
        }
        let id = u32::try_from(self.ends.len()).ok()?;
        let end = u32::try_from(self.bytes.len() + text.len()).ok()?;
        self.bytes.push_str(text);
        self.ends.push(end);
        // Fields borrowed apart: the table rehashes its ids by their strings as it grows.
        let (bytes, ends, hasher) = (&self.bytes, &self.ends, &self.hasher);
        let hash = hasher.hash_one(text);
        self.table.insert_unique(hash, id, |&other| hasher.hash_one(string_at(bytes, ends, other)));
        Some((id, true))
    }

    /// The strings in id order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len() as u32).map(|id| self.get(id))
    }

    /// Memory held, in bytes (buffer, ends and table, with their spare capacity).
    fn bytes(&self) -> usize {
        self.bytes.capacity() + self.ends.capacity() * 4 + self.table.capacity() * 5
    }
}

/// String `id` of a buffer of strings end to end whose ends are `ends` ("" past the end).
fn string_at<'b>(bytes: &'b str, ends: &[u32], id: u32) -> &'b str {
    let id = id as usize;
    let Some(&end) = ends.get(id) else { return "" };
    let start = if id == 0 { 0 } else { ends[id - 1] };
    bytes.get(start as usize..end as usize).unwrap_or("")
}

/// Word and term vocabularies with passage frequencies.
#[derive(Default)]
pub(super) struct Vocabulary {
    words: Strings,
    /// Word id → start of its terms in `word_term_ids` (one more entry than words).
    word_term_start: Vec<u32>,
    word_term_ids: Vec<u32>,
    word_df: Vec<u32>,
    terms: Strings,
    term_df: Vec<u32>,
    /// The words of titles and section headings (stop words left out), for the typo
    /// lexicon: a heading word the text never uses is still a correction target.
    heading_words: Strings,
    /// Last passage that counted each word / term, to count a passage once.
    word_seen: Vec<u32>,
    term_seen: Vec<u32>,
    passages_counted: u32,
}

impl Vocabulary {
    /// The id of word `surface` with analysed `terms`, added when new; `None` when the
    /// vocabulary is full (over 4 GiB of strings, far past any memory budget).
    pub(super) fn word(&mut self, surface: &str, terms: &[String]) -> Option<u32> {
        if let Some(id) = self.words.id(surface) {
            return Some(id);
        }
        if self.word_term_start.is_empty() {
            self.word_term_start.push(0);
        }
        let before = self.word_term_ids.len();
        for term in terms {
            match self.intern_term(term) {
                Some(term_id) => self.word_term_ids.push(term_id),
                None => {
                    self.word_term_ids.truncate(before);
                    return None;
                }
            }
        }
        let Some((id, _)) = self.words.intern(surface) else {
            self.word_term_ids.truncate(before);
            return None;
        };
        self.word_term_start.push(u32::try_from(self.word_term_ids.len()).ok()?);
        self.word_df.push(0);
        self.word_seen.push(u32::MAX);
        Some(id)
    }

    /// The id of word `surface`, if it is known.
    pub(super) fn known_word(&self, surface: &str) -> Option<u32> {
        self.words.id(surface)
    }

    /// Term `id`'s text ("" past the end).
    pub(super) fn term(&self, id: u32) -> &str {
        self.terms.get(id)
    }

    /// The term ids of word `id`.
    pub(super) fn word_terms(&self, id: u32) -> &[u32] {
        let id = id as usize;
        match (self.word_term_start.get(id), self.word_term_start.get(id + 1)) {
            (Some(&start), Some(&end)) => &self.word_term_ids[start as usize..end as usize],
            _ => &[],
        }
    }

    /// The id of `term`, added when new.
    fn intern_term(&mut self, term: &str) -> Option<u32> {
        let (id, new) = self.terms.intern(term)?;
        if new {
            self.term_df.push(0);
            self.term_seen.push(u32::MAX);
        }
        Some(id)
    }

    /// Memory the vocabulary holds, in bytes: what the build weighs against its budget.
    pub(super) fn bytes(&self) -> usize {
        let arrays = self.word_term_start.capacity()
            + self.word_term_ids.capacity()
            + self.word_df.capacity()
            + self.term_df.capacity()
            + self.word_seen.capacity()
            + self.term_seen.capacity();
        self.words.bytes() + self.terms.bytes() + self.heading_words.bytes() + arrays * 4
    }

    /// Notes a (non-stop) word of a title or section heading.
    pub(super) fn heading_word(&mut self, surface: &str) -> Option<()> {
        self.heading_words.intern(surface).map(|_| ())
    }

    /// How many distinct words it holds.
    pub(super) fn word_count(&self) -> usize {
        self.words.len()
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
            terms: self.terms,
            term_df: self.term_df,
            words: self.words,
            word_df: self.word_df,
            word_term_start: self.word_term_start,
            word_term_ids: self.word_term_ids,
            heading_words: self.heading_words,
        }
    }
}

/// A vocabulary laid out as the store holds it: strings and frequencies by id, and each
/// word's terms as one flat array with start offsets.
pub(super) struct FinishedVocabulary {
    pub terms: Strings,
    pub term_df: Vec<u32>,
    pub words: Strings,
    pub word_df: Vec<u32>,
    /// Word id → start of its terms in `word_term_ids` (one more entry than words).
    pub word_term_start: Vec<u32>,
    pub word_term_ids: Vec<u32>,
    /// Title and section words, in the order first met.
    pub heading_words: Strings,
}

/// Derivational endings on Snowball stems: a term plus one of these is related to the term
/// ("korea" + "n", "regul" + "atori", "japan" + "es"). Snowball removes inflection only;
/// questions often use another derivation of the passage's word.
const DERIVATIONAL_ENDINGS: &[&str] =
    &["n", "an", "ian", "es", "ese", "atori", "ori", "al", "ic", "ist", "ism", "iti", "ize", "is"];

/// For each term id, the vocabulary terms related to it by a [`DERIVATIONAL_ENDINGS`] ending,
/// both ways, in the order they are found: as start offsets (one more than terms) into one
/// flat list of related ids, so a vocabulary of millions of terms costs four bytes a term.
pub(super) fn derivations(terms: &Strings) -> (Vec<u32>, Vec<u32>) {
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for (id, term) in terms.iter().enumerate() {
        if !term.is_ascii() {
            continue;
        }
        let id = id as u32;
        for ending in DERIVATIONAL_ENDINGS {
            let Some(base) = term.strip_suffix(ending) else { continue };
            if base.len() < 4 {
                continue;
            }
            if let Some(base_id) = terms.id(base) {
                pairs.push((id, base_id));
                pairs.push((base_id, id));
            }
        }
    }
    // Stable: each term's related ids stay in the order they were found.
    pairs.sort_by_key(|&(from, _)| from);
    let mut starts = Vec::with_capacity(terms.len() + 1);
    let mut at = 0usize;
    for id in 0..=terms.len() as u32 {
        while at < pairs.len() && pairs[at].0 < id {
            at += 1;
        }
        starts.push(at as u32);
    }
    (starts, pairs.into_iter().map(|(_, to)| to).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(texts: &[&str]) -> Strings {
        let mut strings = Strings::default();
        for text in texts {
            strings.intern(text);
        }
        strings
    }

    #[test]
    fn derivations_relate_a_stem_and_its_derived_forms_both_ways() {
        let terms = strings(&["korea", "korean", "japan", "japanes", "in"]);
        let (starts, related) = derivations(&terms);
        let of = |id: usize| &related[starts[id] as usize..starts[id + 1] as usize];
        assert_eq!(of(0), [1]);
        assert_eq!(of(1), [0]);
        assert_eq!(of(2), [3]);
        assert!(of(4).is_empty());
        assert_eq!(starts.len(), 6);
    }

    #[test]
    fn strings_are_stored_once_and_found_by_text_and_id() {
        let mut strings = strings(&["über", "the", "über", ""]);
        assert_eq!(strings.len(), 3);
        assert_eq!(strings.id("über"), Some(0));
        assert_eq!(strings.id("the"), Some(1));
        assert_eq!(strings.id(""), Some(2));
        assert_eq!(strings.id("absent"), None);
        assert_eq!(strings.get(0), "über");
        assert_eq!(strings.get(9), "");
        assert_eq!(strings.intern("the"), Some((1, false)));
        assert_eq!(strings.iter().collect::<Vec<_>>(), ["über", "the", ""]);
    }
}
