//! Definition questions ("What is a submodule?", "what does WAL mean", "define affinity") and
//! the passages that answer them the way a reference does: a sentence that opens with the
//! term and a copula ("A submodule is a repository embedded …"), or a line that is the term
//! alone or the term and a colon or dash, followed by its explanation (glossaries, option
//! lists, a man page's NAME line).
//!
//! The classic pattern of definitional question answering: lexical ranking finds the
//! passages about the term, this finds the one among them that says what it is.

#[cfg(test)]
use super::clean::drop_chat_filler;
use super::clean::is_filler;
#[cfg(test)]
use crate::analysis::Analyzer;
use crate::analysis::Word;
use crate::analysis::definitions::{
    LIST_KEY, MAX_TERM_WORDS, NAME_LINE_KEY, USAGE_KEY, definition_key, skip_article,
};

/// The term a definition question asks about, as index terms (one per word).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    terms: Vec<String>,
    asks: Asks,
}

/// What a definition question asks of its term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asks {
    /// What it is ("what is a submodule").
    What,
    /// The question is the term alone ("rerere"): a man page's name line answers it too.
    Bare,
    /// How a command is written ("the syntax of the alias command"): its usage line answers.
    Usage,
    /// Which ones there are ("What storage classes does SQLite have?"): a list of them
    /// answers.
    List,
}

impl Definition {
    /// The term `question` asks to define (see [`Definition::of_words`]).
    #[cfg(test)]
    pub fn of_question(
        question: &str,
        analyzer: &Analyzer,
        is_common: impl Fn(&str) -> bool,
    ) -> Option<Definition> {
        let mut words = analyzer.words(question);
        drop_chat_filler(&mut words);
        Definition::of_words(&words, is_common)
    }

    /// The term a question asks to define, from its words (chat filler already dropped), if
    /// it is a definition question: "what is/are (a|an|the) X", "what's X", "who is X",
    /// "define X", "meaning of X", "what does X mean", "what does X stand for", with X of one
    /// to four words and nothing after it. "X in Y" asks for X when `is_common(Y's term)` —
    /// "what is the index in git", asked of a corpus where nearly every passage is about git.
    pub fn of_words(words: &[Word], is_common: impl Fn(&str) -> bool) -> Option<Definition> {
        let surfaces: Vec<&str> = words.iter().map(|w| w.surface.as_str()).collect();
        if let Some((start, end)) = usage_of(&surfaces) {
            return Definition::of_term(strip_kind(&words[start..end]), Asks::Usage);
        }
        let mut asks = Asks::What;
        let term_words: &[Word] = match surfaces.as_slice() {
            ["what" | "who", "is" | "are", ..] => &words[2..],
            ["whats", ..] | ["define", ..] => &words[1..],
            ["what", "s", ..] => &words[2..],
            ["meaning" | "definition", "of", ..] => &words[2..],
            ["what", "does" | "do", .., "mean"] => &words[2..words.len() - 1],
            ["what", "does" | "do", .., "stand", "for"] => &words[2..words.len() - 2],
            ["what", "does" | "do", ..] => match what_it_does(&surfaces) {
                Some(end) => strip_kind(&words[2..end]),
                None => return None,
            },
            // A bare term typed as the whole question ("rerere", "sparse checkout"), no
            // question word or filler among it, asks what it is, as a search box's user means.
            _ if (1..=MAX_KEYWORD_TERM_WORDS).contains(&words.len())
                && words.iter().all(|w| !w.terms.is_empty() && !is_filler(&w.surface)) =>
            {
                asks = Asks::Bare;
                words
            }
            _ => {
                return list_of(&surfaces)
                    .and_then(|end| Definition::of_term(&words[1..end], Asks::List));
            }
        };
        let mut term_words = skip_article(term_words, |w| &w.surface);
        if let [head @ .., within, topic] = term_words
            && !head.is_empty()
            && within.surface == "in"
            && topic.terms.first().is_some_and(|term| is_common(term))
        {
            term_words = head;
        }
        Definition::of_term(term_words, asks)
    }

    /// The definition of the term these words name (an article before them dropped), if each
    /// word has an index term and they are at most [`MAX_TERM_WORDS`].
    fn of_term(words: &[Word], asks: Asks) -> Option<Definition> {
        let words = skip_article(words, |w| &w.surface);
        let terms: Vec<String> =
            words.iter().map(|w| w.terms.first().cloned()).collect::<Option<_>>()?;
        (!terms.is_empty() && terms.len() <= MAX_TERM_WORDS).then_some(Definition { terms, asks })
    }

    /// The term's key in the index's `defines` field.
    pub fn key(&self) -> String {
        definition_key(&self.terms)
    }

    /// The keys of the `defines` field whose passages answer the question: the term's, for
    /// a bare term also a man page name line's ([`NAME_LINE_KEY`]), for a syntax question
    /// only the usage line's ([`USAGE_KEY`]).
    pub fn keys(&self) -> Vec<String> {
        let key = self.key();
        match self.asks {
            Asks::What => vec![key],
            Asks::Bare => vec![format!("{NAME_LINE_KEY}{key}"), key],
            Asks::Usage => vec![format!("{USAGE_KEY}{key}")],
            Asks::List => vec![format!("{LIST_KEY}{key}")],
        }
    }
}

/// Auxiliary verbs that end the noun of "what X does Y have", "which X can Y read".
const AUXILIARIES: &[&str] = &[
    "does", "do", "did", "is", "are", "was", "were", "can", "could", "should", "will", "has",
    "have",
];

/// Where X ends in a question for the X there are, "what/which X does/are/can … ", X of one
/// to [`MAX_TERM_WORDS`] words, a plural noun last ("what storage classes does SQLite have",
/// "which e-book readers does calibre support"), as the index of the verb after X.
fn list_of(surfaces: &[&str]) -> Option<usize> {
    if !matches!(surfaces.first(), Some(&("what" | "which"))) {
        return None;
    }
    let end = surfaces.iter().skip(1).position(|s| AUXILIARIES.contains(s))? + 1;
    let noun = surfaces[end - 1];
    ((2..=1 + MAX_TERM_WORDS).contains(&end)
        && noun.len() > 3
        && noun.ends_with('s')
        && !noun.ends_with("ss"))
    .then_some(end)
}

/// Words that ask how a command is written.
const USAGE_WORDS: &[&str] = &["syntax", "usage", "synopsis"];

/// Where X is in a question for X's syntax: "(what is) (the) syntax of/for X", "X syntax"
/// (`USAGE_WORDS` for "syntax"), as the range of its words.
fn usage_of(surfaces: &[&str]) -> Option<(usize, usize)> {
    let start = match surfaces {
        ["what", "is" | "s", ..] => 2,
        ["whats", ..] => 1,
        _ => 0,
    };
    let start = if surfaces.get(start) == Some(&"the") { start + 1 } else { start };
    match &surfaces[start..] {
        [usage, "of" | "for", rest @ ..] if USAGE_WORDS.contains(usage) && !rest.is_empty() => {
            Some((start + 2, surfaces.len()))
        }
        [rest @ .., usage] if USAGE_WORDS.contains(usage) && !rest.is_empty() => {
            Some((start, surfaces.len() - 1))
        }
        _ => None,
    }
}

/// At most this many words make a bare-term question ("sparse checkout").
const MAX_KEYWORD_TERM_WORDS: usize = 2;

/// Nouns that name what kind of thing a term is ("the copiousoutput flag", "the -S option"):
/// the term is the word before them.
const KINDS: &[&str] =
    &["flag", "option", "switch", "command", "variable", "setting", "parameter", "function", "key"];

/// Words that open a question's qualifier after "do": "what does X do in a mailcap entry".
const CONTEXT_OPENERS: &[&str] = &["in", "when", "on", "for", "with", "during"];

/// Verbs that ask what a thing does: "what does X do", "what does git describe print".
const DOING_VERBS: &[&str] = &["do", "print", "output", "return", "show", "display"];

/// Where X ends in "what does X do" or "what does the X flag do in …" (a qualifier only
/// after a term named by its kind: "what does Doctor Who do when his body is damaged" asks
/// about the qualifier), and likewise for the other [`DOING_VERBS`]: the index of the verb
/// that follows X. "… to do" ("what does chlorophyll use light to do") and "not do" ask what
/// something is for or avoids, not what X is.
fn what_it_does(surfaces: &[&str]) -> Option<usize> {
    let end = surfaces.iter().skip(3).position(|s| DOING_VERBS.contains(s))? + 3;
    let term = &surfaces[2..end];
    if term.iter().any(|&s| s == "to" || s == "not") {
        return None;
    }
    match surfaces[end + 1..].first() {
        None => Some(end),
        Some(opener) => (CONTEXT_OPENERS.contains(opener)
            && term.last().is_some_and(|last| KINDS.contains(last)))
        .then_some(end),
    }
}

/// `words` without a last word that only names the term's kind ([`KINDS`]), when the term
/// is left before it ("the flag" stays).
fn strip_kind(words: &[Word]) -> &[Word] {
    match words.split_last() {
        Some((last, head))
            if KINDS.contains(&last.surface.as_str())
                && !skip_article(head, |w| &w.surface).is_empty() =>
        {
            head
        }
        _ => words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::definitions::defined_keys;

    fn definition(question: &str) -> Option<Definition> {
        Definition::of_question(question, &Analyzer::default(), |term| term == "git")
    }

    fn defines(question: &str, text: &str) -> bool {
        let definition = definition(question).expect("a definition question");
        let keys = defined_keys(text, None, &Analyzer::default());
        definition.keys().iter().any(|key| keys.contains(key))
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
    fn a_bare_term_asks_what_it_is() {
        let terms = |q: &str| definition(q).map(|d| d.terms);
        assert_eq!(terms("rerere"), Some(vec!["rerer".to_string()]));
        assert_eq!(terms("sparse checkout"), Some(vec!["spars".into(), "checkout".into()]));
        assert_eq!(terms("read_inc write_inc chunks"), None);
        assert_eq!(terms("why"), None);
        assert_eq!(terms("the"), None);
        assert_eq!(terms("please rerere"), None, "filler is no term");
        // The command's name line answers the bare term, not "what is".
        let name_line = "git-rerere - Reuse recorded resolution of conflicted merges";
        assert!(defines("rerere", name_line));
        assert!(!defines("what is rerere", name_line));
        assert!(defines("what is git-rerere", name_line));
    }

    #[test]
    fn what_does_the_x_flag_do_asks_for_x() {
        let terms = |q: &str| definition(q).map(|d| d.terms);
        let copious = Some(vec!["copiousoutput".to_string()]);
        assert_eq!(terms("What does the copiousoutput flag do in a mailcap entry?"), copious);
        assert_eq!(terms("what does copiousoutput do"), copious);
        assert_eq!(terms("What does the flag do?"), Some(vec!["flag".to_string()]));
        // "do" as the question's verb, not X's: no term.
        assert_eq!(terms("What does it do to the file after a while"), None);
        assert_eq!(terms("What do people do?"), Some(vec!["peopl".to_string()]));
        assert_eq!(terms("What does do?"), None);
        assert_eq!(terms("What does the IPCC not do?"), None);
        assert_eq!(terms("What does chlorophyll use to do?"), None);
        assert_eq!(terms("What does Doctor Who do when his body is mortally damaged?"), None);
        let describe = Some(vec!["git".to_string(), "describ".into()]);
        assert_eq!(terms("What does git describe print?"), describe);
    }

    #[test]
    fn the_syntax_of_a_command_asks_for_its_usage_line() {
        let keys = |q: &str| definition(q).map(|d| d.keys());
        let alias = Some(vec!["usage:alia".to_string()]);
        assert_eq!(keys("What is the syntax of the alias command?"), alias);
        assert_eq!(keys("syntax of alias"), alias);
        assert_eq!(keys("alias command syntax"), alias);
        assert_eq!(keys("hey, what's the usage of alias? thanks"), alias);
        assert_eq!(keys("synopsis for git rerere"), Some(vec!["usage:git_rerer".to_string()]));
        // Not a term: a clause, or nothing at all.
        assert_eq!(keys("What is the syntax for changing a key binding?"), None);
        assert_eq!(keys("syntax"), Some(vec!["name:syntax".to_string(), "syntax".into()]));
        assert_eq!(keys("What is the syntax?"), Some(vec!["syntax".to_string()]));
        let line = "Usage:\nalias [ -group name ...] key address";
        assert!(defines("What is the syntax of the alias command?", line));
        assert!(!defines("What is alias?", line));
        assert!(!defines("syntax of alias", "alias\nA short name for an address."));
    }

    #[test]
    fn which_xs_does_y_have_asks_for_a_list_of_them() {
        let keys = |q: &str| definition(q).map(|d| d.keys());
        let classes = Some(vec!["list:storag_class".to_string()]);
        assert_eq!(keys("What storage classes does SQLite have?"), classes);
        assert_eq!(
            keys("which e-book readers does calibre support"),
            Some(vec!["list:e_book_reader".to_string()])
        );
        // Not a plural noun, or no noun at all: no list.
        assert_eq!(keys("What year did the war end?"), None);
        assert_eq!(keys("What does git describe print?").map(|k| k.len()), Some(1));
        assert_eq!(keys("Which is faster?"), None);
        let list = "the following storage classes:\n- NULL\n- TEXT";
        assert!(defines("What storage classes does SQLite have?", list));
    }

    #[test]
    fn what_is_the_index_in_git_asks_for_the_index_when_git_is_everywhere() {
        let terms = |q: &str| definition(q).map(|d| d.terms);
        assert_eq!(terms("What is the index in git?"), Some(vec!["index".to_string()]));
        // A qualifier that narrows the question keeps it from being a definition.
        assert_eq!(terms("What is the index in SQL?"), None);
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
