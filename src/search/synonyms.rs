//! Synonym and acronym groups, read from a small editable file and applied at query time.
//!
//! A group is a line of comma-separated phrases ("ai, artificial intelligence"). When a
//! question contains one phrase, the others are searched too, with a lower weight, and a
//! passage that has any of them counts as covering that part of the question. Phrases are
//! compared as index terms (stems, stop words left out), so "strengths" matches "strength"
//! and "R&D" matches "r&d".

use crate::analysis::Analyzer;
use crate::error::{Result, UserError};

/// The synonyms shipped with passagebot (`src/search/synonyms.txt`).
pub const DEFAULT_SYNONYMS: &str = include_str!("synonyms.txt");

/// A phrase as its sequence of index terms.
pub type Phrase = Vec<String>;

/// Parsed synonym groups.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<Vec<Phrase>>,
}

impl Synonyms {
    /// Parses the file format described in the module docs.
    pub fn parse(text: &str) -> Result<Synonyms> {
        let mut groups = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let analyzer = Analyzer::default();
            let phrases: Vec<Phrase> = line
                .split(',')
                .map(|phrase| {
                    analyzer.words(phrase).into_iter().flat_map(|word| word.terms).collect()
                })
                .filter(|terms: &Phrase| !terms.is_empty())
                .collect();
            if phrases.len() < 2 {
                return Err(UserError::BadSynonyms {
                    line: index + 1,
                    message: "a group needs at least two comma-separated phrases".into(),
                }
                .into());
            }
            groups.push(phrases);
        }
        Ok(Synonyms { groups })
    }

    /// The built-in groups.
    pub fn builtin() -> Synonyms {
        // The shipped file is checked by a unit test, so this cannot fail at run time; fall
        // back to no synonyms rather than panic if it ever did.
        Synonyms::parse(DEFAULT_SYNONYMS).unwrap_or_default()
    }

    /// For a question's terms (one per non-stop word), every match: the matched range and
    /// the other phrases of its group.
    pub fn expansions<'a>(
        &'a self,
        words: &[&str],
    ) -> Vec<(std::ops::Range<usize>, Vec<&'a Phrase>)> {
        let mut found = Vec::new();
        for group in &self.groups {
            for (p, phrase) in group.iter().enumerate() {
                let n = phrase.len();
                if n > words.len() {
                    continue;
                }
                for start in 0..=words.len() - n {
                    if words[start..start + n].iter().zip(phrase).all(|(w, p)| *w == p) {
                        let others = group
                            .iter()
                            .enumerate()
                            .filter(|&(q, _)| q != p)
                            .map(|(_, o)| o)
                            .collect();
                        found.push((start..start + n, others));
                    }
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_parses() {
        let synonyms = Synonyms::parse(DEFAULT_SYNONYMS).expect("shipped synonyms parse");
        assert!(synonyms.groups.len() > 10);
    }

    #[test]
    fn acronym_expands_to_phrase_and_back() {
        let synonyms =
            Synonyms::parse("ai, artificial intelligence\nr&d, research and development").unwrap();
        let found = synonyms.expansions(&["how", "big", "ai"]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, 2..3);
        assert_eq!(found[0].1, vec![&vec!["artifici".to_string(), "intellig".to_string()]]);
        let found = synonyms.expansions(&["artifici", "intellig", "budget"]);
        assert_eq!(found[0].0, 0..2);
        let found = synonyms.expansions(&["r", "d", "budget"]);
        assert_eq!(found[0].0, 0..2);
        let found = synonyms.expansions(&["research", "develop"]);
        assert_eq!(found[0].1, vec![&vec!["r".to_string(), "d".to_string()]]);
    }

    #[test]
    fn a_group_of_one_is_an_error_with_its_line() {
        let err = Synonyms::parse("# c\n\nai\n").unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
    }
}
