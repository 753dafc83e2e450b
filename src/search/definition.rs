//! Definition questions ("What is a submodule?", "what does WAL mean", "define affinity") and
//! the passages that answer them the way a reference does: a sentence that opens with the
//! term and a copula ("A submodule is a repository embedded …"), or a line that is the term
//! alone or the term and a colon or dash, followed by its explanation (glossaries, option
//! lists, a man page's NAME line).
//!
//! The classic pattern of definitional question answering: lexical ranking finds the
//! passages about the term, this finds the one among them that says what it is.

use super::clean::drop_chat_filler;
use crate::analysis::{Analyzer, Word};

/// At most this many words name the term: longer "what is …" questions are not definitions
/// ("what is the name of the king who …").
const MAX_TERM_WORDS: usize = 4;

/// Verbs that make a sentence opening with the term a definition of it.
const COPULAS: &[&str] = &["is", "are", "means", "refers", "denotes", "describes", "stands"];

/// Words after "is" that open the noun phrase of a definition ("is a", "is the", "is used
/// to").
const NOUN_PHRASE_OPENERS: &[&str] = &["a", "an", "the", "one", "used", "also"];

/// Prepositions that start a qualifier between the term and its copula.
const QUALIFIERS: &[&str] = &["of", "in", "for"];

/// At most this many words in such a qualifier.
const MAX_QUALIFIER_WORDS: usize = 4;

/// The term a definition question asks about, as index terms (one per word).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    terms: Vec<String>,
}

impl Definition {
    /// The term `question` asks to define, if it is a definition question: "what is/are
    /// (a|an|the) X", "what's X", "who is X", "define X", "meaning of X", "what does X mean",
    /// "what does X stand for", with X of one to four words and nothing after it.
    pub fn of_question(question: &str, analyzer: &Analyzer) -> Option<Definition> {
        // Chat filler ("hey bot, what is X? thanks") is not part of the question's shape.
        let mut words = analyzer.words(question);
        drop_chat_filler(&mut words);
        let surfaces: Vec<&str> = words.iter().map(|w| w.surface.as_str()).collect();
        let term_words: &[Word] = match surfaces.as_slice() {
            ["what" | "who", "is" | "are", ..] => &words[2..],
            ["whats", ..] | ["define", ..] => &words[1..],
            ["what", "s", ..] => &words[2..],
            ["meaning" | "definition", "of", ..] => &words[2..],
            ["what", "does" | "do", .., "mean"] => &words[2..words.len() - 1],
            ["what", "does" | "do", .., "stand", "for"] => &words[2..words.len() - 2],
            _ => return None,
        };
        let term_words = skip_article(term_words);
        let terms: Vec<String> =
            term_words.iter().map(|w| w.terms.first().cloned()).collect::<Option<_>>()?;
        (!terms.is_empty() && terms.len() <= MAX_TERM_WORDS).then_some(Definition { terms })
    }

    /// True when `text` defines the term: one of its lines is the term alone (then the next
    /// line explains it) or opens with the term followed by a colon, a dash or a copula; or
    /// one of its sentences opens with the term and a copula. An article before the term is
    /// allowed.
    pub fn is_defined_in(&self, text: &str, analyzer: &Analyzer) -> bool {
        let mut lines = text.lines().map(str::trim).filter(|line| !line.is_empty()).peekable();
        while let Some(line) = lines.next() {
            match self.opening(line, analyzer) {
                Some(Opening::Alone) if lines.peek().is_some() => return true,
                Some(Opening::Defining) => return true,
                _ => {}
            }
            for sentence in line.split_inclusive(['.', '?', '!']).skip(1) {
                if self.opening(sentence, analyzer) == Some(Opening::Defining) {
                    return true;
                }
            }
        }
        false
    }

    /// How `text` opens with the term, if it does.
    fn opening(&self, text: &str, analyzer: &Analyzer) -> Option<Opening> {
        // Enough words for an article, the term and the copula.
        let head: String = text.chars().take(120).collect();
        let words = analyzer.words(&head);
        let words = skip_article(&words);
        let n = self.terms.len();
        let matches = words.len() >= n
            && words[..n].iter().zip(&self.terms).all(|(w, t)| w.terms.first() == Some(t));
        if !matches {
            return None;
        }
        let Some(next) = words.get(n) else {
            return Some(Opening::Alone);
        };
        let between = &head[words[n - 1].span.end..next.span.start];
        if between.contains([':', '—', '–']) || between.contains(" - ") {
            return Some(Opening::Defining);
        }
        // The copula right after the term, or after a short qualifier that belongs to it
        // ("the type affinity of a column is …").
        // "is" defines only before a noun phrase ("calibre is an … tool"), not an adjective
        // ("calibre is smart enough …").
        let copula_at = |i: usize| {
            words.get(i).is_some_and(|w| match w.surface.as_str() {
                "is" => words
                    .get(i + 1)
                    .is_some_and(|next| NOUN_PHRASE_OPENERS.contains(&next.surface.as_str())),
                copula => COPULAS.contains(&copula),
            })
        };
        let qualified = QUALIFIERS.contains(&next.surface.as_str())
            && (n + 2..=n + 1 + MAX_QUALIFIER_WORDS).any(|i| {
                copula_at(i)
                    && !head[words[n].span.end..words[i].span.start].contains([',', '.', ';'])
            });
        (copula_at(n) || qualified).then_some(Opening::Defining)
    }
}

/// How a line or sentence opens with the term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opening {
    /// The term and nothing else (a glossary or option-list entry's first line).
    Alone,
    /// The term, then a copula, a colon or a dash.
    Defining,
}

fn skip_article(words: &[Word]) -> &[Word] {
    match words.first().map(|w| w.surface.as_str()) {
        Some("a" | "an" | "the") => &words[1..],
        _ => words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn definition(question: &str) -> Option<Definition> {
        Definition::of_question(question, &Analyzer::default())
    }

    fn defines(question: &str, text: &str) -> bool {
        let definition = definition(question).expect("a definition question");
        definition.is_defined_in(text, &Analyzer::default())
    }

    #[test]
    fn definition_questions_name_their_term() {
        let terms = |q: &str| definition(q).map(|d| d.terms);
        assert_eq!(terms("What is a submodule?"), Some(vec!["submodul".to_string()]));
        assert_eq!(terms("what's type affinity"), Some(vec!["type".into(), "affin".into()]));
        assert_eq!(terms("What does WAL mean?"), Some(vec!["wal".to_string()]));
        assert_eq!(terms("what does HEAD stand for"), Some(vec!["head".to_string()]));
        assert_eq!(terms("define rerere"), Some(vec!["rerer".to_string()]));
        assert_eq!(terms("How do I stash my changes?"), None);
        assert_eq!(terms("What is the name of the king who built the longest wall?"), None);
        assert_eq!(terms("What is"), None);
    }

    #[test]
    fn chatty_hey_what_is_x_is_still_a_definition_question() {
        let terms = |q: &str| definition(q).map(|d| d.terms);
        let submodule = Some(vec!["submodul".to_string()]);
        assert_eq!(terms("hey bot, what is a submodule? thanks!!"), submodule);
        assert_eq!(terms("lol what does WAL mean"), Some(vec!["wal".to_string()]));
    }

    #[test]
    fn a_sentence_opening_with_the_term_and_a_copula_defines_it() {
        let q = "What is a submodule?";
        assert!(defines(q, "A submodule is a repository embedded inside another repository."));
        assert!(defines(q, "Intro text. Submodules are repositories inside others."));
        assert!(!defines(q, "Use git submodule update to fetch a submodule."));
        assert!(!defines(q, "The submodule update command fetches everything."));
        let q = "What is type affinity?";
        assert!(defines(q, "The type affinity of a column is the recommended type for data."));
        assert!(!defines(q, "Type affinity of columns, in short, is a preference."));
    }

    #[test]
    fn what_is_calibre_is_defined_by_the_line_after_a_heading() {
        let text = "Introduction\nCalibre is an open source e-book management tool. Simply put, \
                    calibre allows you to organize your e-book library.";
        assert!(defines("What is calibre?", text));
    }

    #[test]
    fn calibre_is_smart_enough_is_not_a_definition_of_calibre() {
        assert!(!defines("What is calibre?", "Calibre is smart enough to know a library."));
        assert!(!defines("What is WAL?", "Intro. WAL is significantly faster in most cases."));
        assert!(defines("What is WAL?", "WAL is the write-ahead log."));
        assert!(defines("what is git clean", "Git clean is used to remove untracked files."));
    }

    #[test]
    fn a_glossary_entry_or_a_dashed_name_line_defines_its_term() {
        assert!(defines(
            "What is the index?",
            "index\nA collection of files with stat information."
        ));
        assert!(defines("what is git-clean", "git-clean - Remove untracked files from the tree"));
        assert!(defines("What is WAL?", "WAL: write-ahead logging, the journal mode."));
        // The term alone as the last line explains nothing.
        assert!(!defines("What is the index?", "See also\nindex"));
    }
}
