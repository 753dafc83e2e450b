//! The terms a text defines the way a reference does: a sentence that opens with the term and
//! a copula ("A submodule is a repository embedded …"), or a line that is the term alone or
//! the term and a colon or dash, followed by its explanation (glossaries, option lists, a man
//! page's NAME line). Usage lines ("alias [ -group name ...] key address") name the command
//! whose syntax they give, under keys of their own ([`USAGE_KEY`]).
//!
//! The index records each passage's defined terms as [`definition_key`]s, so that a definition
//! question ("What is a submodule?") finds the passage that says what the term is even when
//! dozens of others repeat the term more often; the ranker uses the same test for its bonus.

use super::{Analyzer, MAX_WORD_BYTES, STOP_WORDS, fold, is_cjk, word_spans};

/// At most this many words name a defined term.
pub const MAX_TERM_WORDS: usize = 4;

/// Verbs that make a sentence opening with the term a definition of it.
const COPULAS: &[&str] = &["is", "are", "means", "refers", "denotes", "describes", "stands"];

/// Words after "is" that open the noun phrase of a definition ("is a", "is the", "is used
/// to"): "calibre is smart enough …" defines nothing.
const NOUN_PHRASE_OPENERS: &[&str] = &["a", "an", "the", "one", "used", "also"];

/// Prepositions that start a qualifier between the term and its copula ("the type affinity
/// of a column is …").
pub const QUALIFIERS: &[&str] = &["of", "in", "for"];

/// At most this many words in such a qualifier.
const MAX_QUALIFIER_WORDS: usize = 4;

/// Only the first characters of a line or sentence are read for its opening.
const OPENING_BYTES: usize = 120;

/// Opens the key of a command that a man page's name line names without its suite's prefix
/// (`git-rerere - …` defines `rerer` under this mark): a bare-term question looks it up, a
/// "what is" question does not.
pub const NAME_LINE_KEY: &str = "name:";

/// Opens the key of a command whose usage line a passage gives (`alias [ -group name ...]
/// key address`, `git rerere [clear|forget <pathspec>]`): what "the syntax of the alias
/// command" looks up.
pub const USAGE_KEY: &str = "usage:";

/// Opens the key of what a list names in the line that introduces it ("… has one of the
/// following storage classes:" then its items): what "What storage classes does SQLite
/// have?" looks up.
pub const LIST_KEY: &str = "list:";

/// The last this many words of a line introducing a list are read for what it names.
const LIST_INTRO_WORDS: usize = 8;

/// At least this many items follow a line that introduces a list.
const MIN_LIST_ITEMS: usize = 2;

/// Lines that label the usage lines after them: "Usage:", a man page's "SYNOPSIS".
const USAGE_LABELS: &[&str] = &["usage", "synopsis", "syntax"];

/// At most this many words name the command of a usage line ("git sparse-checkout").
const MAX_COMMAND_WORDS: usize = 3;

/// The key of a defined term: the first index term of each of its words, joined by `_` (index
/// terms are runs of letters and digits, so the key is one token of the whitespace tokenizer).
pub fn definition_key(terms: &[String]) -> String {
    terms.join("_")
}

/// The keys of the terms `text` defines, each once, in the order they are found. A line that
/// repeats the passage's `heading` (the last part of its section) is the heading, not a term
/// being defined ("SUBMODULES" over a man page's section on them).
pub fn defined_keys(text: &str, heading: Option<&str>, analyzer: &Analyzer) -> Vec<String> {
    let is_heading = |line: &str| heading.is_some_and(|heading| line.eq_ignore_ascii_case(heading));
    let mut keys: Vec<String> = Vec::new();
    let mut add = |key: String| {
        if !keys.contains(&key) {
            keys.push(key);
        }
    };
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
    usage_keys(&lines, analyzer, &mut add);
    list_keys(&lines, analyzer, &mut add);
    let mut lines = lines.into_iter().peekable();
    while let Some(line) = lines.next() {
        let explained = lines.peek().is_some();
        // The line itself, then each sentence after its first.
        let openings = std::iter::once(line).chain(line.split_inclusive(['.', '?', '!']).skip(1));
        for (i, opening) in openings.enumerate() {
            let head = prefix(opening, OPENING_BYTES);
            if !may_define(head, i == 0 && explained) {
                continue;
            }
            let words = tokens(head);
            let words = skip_article(&words, |w| &w.surface);
            // A line that is the term alone defines it when an explanation follows.
            if i == 0
                && explained
                && words.len() <= MAX_TERM_WORDS
                && is_plain(line)
                && !is_heading(line)
                && let Some(key) = key_of(words, analyzer)
            {
                add(key);
            }
            for n in 1..=MAX_TERM_WORDS.min(words.len().saturating_sub(1)) {
                // A term's words stand side by side ("fast-forward merge"), not across
                // punctuation ("Intro text. Submodules are …", "url = https://…").
                if n > 1 && !is_joiner(&head[words[n - 2].span.end..words[n - 1].span.start]) {
                    break;
                }
                if words[n - 1].is_stop() {
                    break;
                }
                if is_defining(head, words, n)
                    && let Some(key) = key_of(&words[..n], analyzer)
                {
                    add(key);
                    // A man page's name line, "git-rerere - Reuse recorded resolution …",
                    // also names the command without its suite's prefix, "rerere": what a
                    // bare "rerere" asks for, though not what "what is a submodule" asks
                    // of "git-submodule - Initialize, update or inspect submodules".
                    if n > 1
                        && head[words[0].span.end..words[1].span.start] == *"-"
                        && head[words[n - 1].span.end..].starts_with(" - ")
                        && let Some(key) = key_of(&words[1..n], analyzer)
                    {
                        add(format!("{NAME_LINE_KEY}{key}"));
                    }
                }
            }
        }
    }
    keys
}

/// Adds the [`USAGE_KEY`] keys of the commands whose usage lines `lines` (trimmed, none
/// empty) give: a line that
/// opens with a command's lowercase name followed by its syntax (`[`, `<`, `{` or `|`:
/// "alias [ -group name ...] key address"), or any line of commands under a usage label
/// ("Usage:" then "score pattern value"), whose first word is the command. A command of
/// several words ("git rerere") is also named by the words after its first, as a suite's
/// user names it ("the rerere command").
fn usage_keys(lines: &[&str], analyzer: &Analyzer, add: &mut impl FnMut(String)) {
    let mut labelled = false;
    for &line in lines {
        let label = line.trim_end_matches(':').trim();
        if USAGE_LABELS.iter().any(|usage| label.eq_ignore_ascii_case(usage)) {
            labelled = true;
            continue;
        }
        let Some(command) = usage_command(line, labelled) else {
            labelled = false;
            continue;
        };
        let words = tokens(command);
        if let Some(key) = key_of(&words, analyzer) {
            add(format!("{USAGE_KEY}{key}"));
        }
        let suite_end = command.find(' ').unwrap_or(command.len());
        let named = words.iter().position(|w| w.span.start > suite_end).unwrap_or(words.len());
        if let Some(key) = key_of(&words[named..], analyzer) {
            add(format!("{USAGE_KEY}{key}"));
        }
    }
}

/// Adds the [`LIST_KEY`] keys of what the lists of `lines` (trimmed, none empty) enumerate:
/// a line ending in a
/// colon, followed by list items ("- ", "• ", "* ", "1."), names it after "following" ("the
/// following storage classes:", "the following rules in the order shown:" — the words up to
/// the first stop word or mark) or before "include", "are" or "is" ("Advantages include:").
fn list_keys(lines: &[&str], analyzer: &Analyzer, add: &mut impl FnMut(String)) {
    for (i, line) in lines.iter().enumerate() {
        let Some(intro) = line.strip_suffix(':') else { continue };
        let items = lines[i + 1..]
            .iter()
            .take(MIN_LIST_ITEMS)
            .take_while(|line| is_list_item(line))
            .count();
        if items < MIN_LIST_ITEMS {
            continue;
        }
        let words: Vec<Token> = words_of(prefix_from_end(intro, OPENING_BYTES)).collect();
        let words = &words[words.len().saturating_sub(LIST_INTRO_WORDS)..];
        let named: &[Token] = if let Some(at) = words.iter().rposition(|w| w.surface == "following")
        {
            let after = &words[at + 1..];
            let end = after.iter().position(Token::is_stop).unwrap_or(after.len());
            &after[..end.min(MAX_TERM_WORDS)]
        } else if let [.., noun, verb] = words
            && matches!(verb.surface.as_str(), "include" | "includes" | "are" | "is")
            && !noun.is_stop()
        {
            std::slice::from_ref(noun)
        } else {
            &[]
        };
        if let Some(key) = key_of(named, analyzer) {
            add(format!("{LIST_KEY}{key}"));
        }
    }
}

/// True when `line` (trimmed) is an item of a bulleted or numbered list.
fn is_list_item(line: &str) -> bool {
    ["- ", "• ", "* ", "– "].iter().any(|bullet| line.starts_with(bullet))
        || line.split_once(['.', ')']).is_some_and(|(number, rest)| {
            (1..=3).contains(&number.len())
                && number.bytes().all(|b| b.is_ascii_digit())
                && rest.starts_with(' ')
        })
}

/// The last up to `bytes` bytes of `text`, cut on a character boundary.
fn prefix_from_end(text: &str, bytes: usize) -> &str {
    let mut start = text.len().saturating_sub(bytes);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// The command a usage line opens with (see [`usage_keys`]; `labelled`: the line is under a
/// usage label, so a line without syntax marks is one too, named by its first word). Prose
/// is not a usage line: it ends with a full stop or names no lowercase command first.
fn usage_command(line: &str, labelled: bool) -> Option<&str> {
    let line = ["• ", "* ", "- ", "$ "]
        .iter()
        .find_map(|bullet| line.strip_prefix(bullet))
        .unwrap_or(line)
        .trim_start();
    if line.ends_with('.') && !line.ends_with("...") {
        return None;
    }
    let command = match line.find(['[', '<', '{', '|']) {
        Some(mark) if line[..mark].ends_with(' ') => line[..mark].trim_end(),
        _ if labelled => line.split(' ').next()?,
        _ => return None,
    };
    let words: Vec<&str> = command.split(' ').take(MAX_COMMAND_WORDS + 1).collect();
    let is_command_word = |word: &&str| {
        word.starts_with(|c: char| c.is_ascii_lowercase())
            && word
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_".contains(c))
    };
    (words.len() <= MAX_COMMAND_WORDS && words.iter().all(is_command_word)).then_some(command)
}

/// True when the `n` words opening `head` are followed by a colon, a dash or a copula (right
/// after them, or after a short qualifier that belongs to them).
fn is_defining(head: &str, words: &[Token], n: usize) -> bool {
    let next = &words[n];
    let between = &head[words[n - 1].span.end..next.span.start];
    if between.contains([':', '—', '–']) || between.contains(" - ") {
        return true;
    }
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
            copula_at(i) && !head[words[n].span.end..words[i].span.start].contains([',', '.', ';'])
        });
    copula_at(n) || qualified
}

/// A cheap test before analysing an opening (most sentences define nothing): true when it
/// could be a term alone (`alone_allowed` and a few words), or a copula is among its first
/// words, or a colon or dash is in it.
fn may_define(head: &str, alone_allowed: bool) -> bool {
    let reach = 1 + MAX_TERM_WORDS + 1 + MAX_QUALIFIER_WORDS + 1;
    let mut words = 0;
    for span in word_spans(head).take(reach) {
        words += 1;
        if COPULAS.iter().any(|copula| head[span.clone()].eq_ignore_ascii_case(copula)) {
            return true;
        }
    }
    (alone_allowed && words <= 1 + MAX_TERM_WORDS) || head.contains([':', '—', '–', '-'])
}

/// True when `line` is words and nothing else: a glossary term, not code ("[submodule]",
/// "url = …") or markup.
fn is_plain(line: &str) -> bool {
    line.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '\'' | '’'))
}

/// True when the gap between two words keeps them in one term: spaces, hyphens,
/// underscores, apostrophes.
fn is_joiner(gap: &str) -> bool {
    gap.chars().all(|c| c.is_whitespace() || matches!(c, '-' | '_' | '\'' | '’'))
}

/// A word of an opening, folded but not stemmed: the patterns need only its form, and only
/// a defined term's few words are stemmed, for its key (most openings define nothing).
struct Token {
    surface: String,
    span: std::ops::Range<usize>,
}

impl Token {
    /// True for a stop word, which names nothing.
    fn is_stop(&self) -> bool {
        STOP_WORDS.contains(&self.surface.as_str()) && !self.surface.chars().any(is_cjk)
    }
}

/// The first words of `head` as [`words_of`] gives them: as many as an article, a term, a
/// qualifier, a copula and the word after it.
fn tokens(head: &str) -> Vec<Token> {
    words_of(head).take(1 + MAX_TERM_WORDS + 1 + MAX_QUALIFIER_WORDS + 2).collect()
}

/// The words of `text` as [`Analyzer::words`] splits and folds them.
fn words_of(text: &str) -> impl Iterator<Item = Token> + '_ {
    word_spans(text)
        .filter(|span| span.len() <= MAX_WORD_BYTES)
        .map(|span| Token { surface: fold(&text[span.clone()]), span })
}

/// The key of a term of these words, if each has an index term (a stop word names nothing).
fn key_of(words: &[Token], analyzer: &Analyzer) -> Option<String> {
    if words.is_empty() {
        return None;
    }
    let terms: Vec<String> = words
        .iter()
        .map(|w| analyzer.terms_of(&w.surface).into_iter().next())
        .collect::<Option<_>>()?;
    Some(definition_key(&terms))
}

/// Drops one leading article of `words`, whose folded forms `surface` gives.
pub fn skip_article<T>(words: &[T], surface: impl Fn(&T) -> &str) -> &[T] {
    match words.first().map(surface) {
        Some("a" | "an" | "the") => &words[1..],
        _ => words,
    }
}

/// The longest prefix of `text` of at most `bytes` bytes that ends on a character boundary.
fn prefix(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        defined_keys(text, None, &Analyzer::default())
    }

    #[test]
    fn a_copula_sentence_a_glossary_line_and_a_name_line_each_define_their_term() {
        assert_eq!(keys("A submodule is a repository embedded inside another."), ["submodul"]);
        assert_eq!(keys("index\nA collection of files with stat information."), ["index"]);
        assert_eq!(
            keys("git-clean - Remove untracked files from the tree"),
            ["git_clean", "name:clean"]
        );
        assert_eq!(
            keys("git-sparse-checkout - Reduce your working tree"),
            ["git_spars_checkout", "name:spars_checkout"]
        );
        // Only the name line's one hyphenated word loses its prefix.
        assert_eq!(keys("write ahead - a log of pages"), ["write_ahead"]);
        assert_eq!(keys("fast-forward: a merge that moves the branch"), ["fast_forward"]);
        assert_eq!(keys("Intro text. Submodules are repositories inside others."), ["submodul"]);
        assert_eq!(keys("The type affinity of a column is the recommended type."), ["type_affin"]);
    }

    #[test]
    fn a_usage_line_names_its_command_under_the_usage_key() {
        let usage = |text: &str| -> Vec<String> {
            keys(text).into_iter().filter(|key| key.starts_with(USAGE_KEY)).collect()
        };
        let aliases = "5. Defining/Using Aliases\nUsage:\n\nalias [ -group name ...] key \
                       address\nunalias [ -group name ...] { * | key ... }\n\nIt's usually \
                       cumbersome to remember an address.";
        assert_eq!(usage(aliases), ["usage:alia", "usage:unalia"]);
        assert_eq!(
            usage("Usage:\nscore pattern value\nunscore { * | pattern ... }"),
            ["usage:score", "usage:unscor"]
        );
        assert_eq!(usage("  • save-hook [!]pattern mailbox"), ["usage:save_hook"]);
        assert_eq!(
            usage("git rerere [clear|forget <pathspec>|diff|status]"),
            ["usage:git_rerer", "usage:rerer"]
        );
        assert_eq!(
            usage("git sparse-checkout <subcommand> [<options>]"),
            ["usage:git_spars_checkout", "usage:spars_checkout"]
        );
        // Prose, a continuation line of options, text after the usage block: no command.
        assert!(usage("See the manual [1] for more.").is_empty());
        assert!(usage("Mailboxes [see below] hold mail").is_empty());
        assert!(usage("        [--dry-run] [(-c | -C) <commit>]").is_empty());
        assert!(usage("Usage:\nscore pattern value\nThe score command adds a value.").len() == 1);
    }

    #[test]
    fn a_line_introducing_a_list_names_what_it_enumerates() {
        let lists = |text: &str| -> Vec<String> {
            keys(text).into_iter().filter(|key| key.starts_with(LIST_KEY)).collect()
        };
        let classes = "Each value stored in an SQLite database (or manipulated by the database \
                       engine) has one of the following storage classes:\n- NULL. No \
                       value.\n- INTEGER. A signed integer.\n- TEXT. A string.";
        assert_eq!(lists(classes), ["list:storag_class"]);
        let rules = "The affinity is determined by the following rules in the order shown:\n\
                     1. If the type contains INT it is INTEGER.\n2. Otherwise it is NUMERIC.";
        assert_eq!(lists(rules), ["list:rule"]);
        assert_eq!(lists("Advantages include:\n• speed\n• concurrency"), ["list:advantag"]);
        // One item is no list; a colon before prose introduces none.
        assert!(lists("The following storage classes:\n- NULL").is_empty());
        assert!(lists("The following storage classes:\nSQLite has five of them.").is_empty());
    }

    #[test]
    fn sentences_that_only_mention_a_term_define_nothing() {
        assert!(keys("Use git submodule update to fetch a submodule.").is_empty());
        assert!(keys("Calibre is smart enough to know a library.").is_empty());
        // The term alone as the last line explains nothing.
        assert!(keys("See also the manual, then read on.\nindex").is_empty());
    }

    #[test]
    fn a_section_heading_over_its_text_is_not_a_glossary_entry() {
        let text = "SUBMODULES\nMoving a submodule using a gitfile needs a new Git.";
        assert!(defined_keys(text, Some("SUBMODULES"), &Analyzer::default()).is_empty());
        let text = "The index\nThe index is a binary file.";
        assert_eq!(defined_keys(text, Some("The index"), &Analyzer::default()), ["index"]);
    }

    #[test]
    fn a_config_section_line_over_its_settings_is_not_a_glossary_entry() {
        assert!(keys("[submodule]\n  active = b*").is_empty());
        assert!(keys("url = https://example.org\nmore").is_empty());
    }

    #[test]
    fn a_long_opening_in_another_script_is_cut_on_a_character_boundary() {
        let text = "가".repeat(100) + " 는 무엇이다";
        let _ = keys(&text);
    }
}
