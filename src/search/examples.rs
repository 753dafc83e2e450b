//! Example questions for `/start`: real questions the corpus answers, made from its passages
//! by general rules and checked by asking them.
//!
//! Passages spread over the corpus are read in turn; from each sentence the phrase that says
//! most is picked: a run of capitalised words (a name: "Presidential Initiative on Artificial
//! Intelligence", "HyperCLOVA X", a capitalised word inside a sentence), asked as "What is
//! …?", or else the pair of adjacent topic words (or one long word) with the highest idf
//! ("tea leaves"), asked as "What about …?"; topic words are neither stop words, question
//! filler, everyday words, function words ("because") nor adverbs. A question is
//! kept only when asking it clears the confidence cut, and preferably when it finds the very
//! passage it came from; never when its phrase is a title or a section heading. Different
//! documents and sections go first. The engine computes them once per generation, on first
//! use, so a reindex refreshes them.

use std::collections::HashSet;

use super::{COMMON_WORDS, Engine, QUESTION_FILLER};
use crate::corpus::{Passage, sentence_spans};

/// Passages tried at most (spread evenly over the corpus).
const SCAN: usize = 60;
/// Example questions made.
pub const EXAMPLES: usize = 3;
/// Longest phrase, in characters.
const MAX_PHRASE_CHARS: usize = 60;
/// Longest name run, in words.
const MAX_RUN_WORDS: usize = 7;

/// Function words that neither the stop list, the question filler nor the everyday words
/// hold: conjunctions, prepositions, pronouns and auxiliaries never name a topic ("What
/// about because melted?").
const FUNCTION_WORDS: &[&str] = &[
    "although",
    "amongst",
    "anybody",
    "anyone",
    "anything",
    "because",
    "beside",
    "besides",
    "beyond",
    "cannot",
    "despite",
    "doing",
    "done",
    "everybody",
    "everyone",
    "everything",
    "hence",
    "her",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "itself",
    "neither",
    "nobody",
    "nothing",
    "onto",
    "ours",
    "shall",
    "she",
    "somebody",
    "someone",
    "theirs",
    "them",
    "themselves",
    "therefore",
    "those",
    "thus",
    "unless",
    "via",
    "whereas",
    "whilst",
    "yours",
];

/// True for a lower-case word that never names a topic: everyday word, question filler or
/// function word (stop words are told by the analyzer).
fn never_a_topic(lower: &str) -> bool {
    COMMON_WORDS.binary_search(&lower).is_ok()
        || QUESTION_FILLER.contains(&lower)
        || FUNCTION_WORDS.binary_search(&lower).is_ok()
}

/// A phrase of a sentence that could be asked about, with how much it says.
#[derive(Debug, Clone, PartialEq)]
struct Phrase {
    /// As written in the passage.
    text: String,
    /// A run of capitalised words (a name) rather than content words.
    name: bool,
    /// Summed idf of its words.
    weight: f32,
}

impl Engine {
    /// Up to three example questions the corpus answers (see the module doc); computed on
    /// first use and kept for the life of this generation.
    pub fn examples(&self) -> &[String] {
        self.examples.get_or_init(|| self.make_examples(EXAMPLES))
    }

    /// Up to `n` example questions made, by the same rules, from the passages numbered
    /// `numbers` only (one document's, say, to show what a newly added file answers); made
    /// afresh on each call. Questions are still asked of the whole index.
    pub fn examples_from(&self, numbers: &[u32], n: usize) -> Vec<String> {
        let step = numbers.len().div_ceil(SCAN).max(1);
        let spread = numbers.iter().step_by(step).take(SCAN).map(|&number| number as usize);
        self.examples_among(spread, n)
    }

    fn make_examples(&self, n: usize) -> Vec<String> {
        let len = self.store.len();
        let step = len.div_ceil(SCAN).max(1);
        self.examples_among((0..len).step_by(step).take(SCAN), n)
    }

    /// Up to `n` questions made from the passages `candidates` (numbers, tried in turn).
    fn examples_among(&self, candidates: impl Iterator<Item = usize>, n: usize) -> Vec<String> {
        // (topic, question, found its own passage)
        let mut found: Vec<(String, String, bool)> = Vec::new();
        for number in candidates {
            let Some(passage) = self.store.passage(number) else { continue };
            let Some(question) = self.question_from(&passage) else { continue };
            if found.iter().any(|(_, q, _)| *q == question) {
                continue;
            }
            let reply = match self.ask(&question, 1) {
                Ok(reply) => reply,
                Err(err) => {
                    // The examples are a hint; the questions people ask report the failure.
                    tracing::error!(cause = %err, "search failed while making /start examples");
                    break;
                }
            };
            let Some(best) = reply.best() else { continue };
            let own = best.passage.id == passage.id;
            let topic =
                format!("{}\u{0}{}", passage.doc_id, passage.section.as_deref().unwrap_or(""));
            found.push((topic, question, own));
            let distinct_own: HashSet<&str> =
                found.iter().filter(|(_, _, own)| *own).map(|(t, _, _)| t.as_str()).collect();
            if distinct_own.len() >= n {
                break;
            }
        }
        // Own-passage questions of distinct topics first, then the other own ones, then the
        // rest; corpus order within each group.
        let mut topics: HashSet<String> = HashSet::new();
        let mut chosen: Vec<String> = Vec::new();
        for round in 0..3 {
            for (topic, question, own) in &found {
                if chosen.len() == n || chosen.contains(question) {
                    continue;
                }
                let take = match round {
                    0 => *own && !topics.contains(topic),
                    1 => *own,
                    _ => true,
                };
                if take {
                    topics.insert(topic.clone());
                    chosen.push(question.clone());
                }
            }
        }
        chosen
    }

    /// The question the passage's best phrase makes, if it has one that is not a heading.
    fn question_from(&self, passage: &Passage) -> Option<String> {
        let headings =
            [self.fold(&passage.title), self.fold(passage.section.as_deref().unwrap_or(""))];
        let mut best: Option<Phrase> = None;
        let sentences = sentence_spans(&passage.text);
        // Lines of a sentence apart: a heading line at the top of a passage is no sentence.
        let lines = sentences
            .into_iter()
            .filter_map(|span| passage.text.get(span))
            .flat_map(str::lines)
            .filter(|line| !headings.contains(&self.fold(line)));
        for line in lines {
            for phrase in self.phrases(line) {
                let folded = self.fold(&phrase.text);
                if folded.is_empty() || headings.contains(&folded) {
                    continue;
                }
                let better = match &best {
                    None => true,
                    Some(b) => (phrase.name, phrase.weight) > (b.name, b.weight),
                };
                if better {
                    best = Some(phrase);
                }
            }
        }
        let phrase = best?;
        Some(if phrase.name {
            format!("What is {}?", phrase.text)
        } else {
            format!("What about {}?", phrase.text)
        })
    }

    /// Candidate phrases of one sentence: name runs and content-word runs.
    fn phrases(&self, sentence: &str) -> Vec<Phrase> {
        let tokens: Vec<Token> = sentence.split_whitespace().map(Token::new).collect();
        let mut phrases = Vec::new();
        // Name runs: capitalised words, with lower-case connectors ("of", "for the") inside.
        let mut i = 0;
        while i < tokens.len() {
            if !tokens[i].capitalised() {
                i += 1;
                continue;
            }
            let start = i;
            let mut end = i + 1; // exclusive; last capitalised word is end - 1
            let mut j = i + 1;
            while j < tokens.len() && j - start < MAX_RUN_WORDS && !tokens[j - 1].breaks {
                if tokens[j].capitalised() {
                    end = j + 1;
                } else if !self.is_connector(&tokens[j].word) {
                    break;
                }
                j += 1;
            }
            // Function words ("The", "In", a closing "A") are not part of the name.
            let mut first = start;
            while first < end && self.is_stop(&tokens[first].word) {
                first += 1;
            }
            while end > first && self.is_stop(&tokens[end - 1].word) {
                end -= 1;
            }
            let run = &tokens[first..end];
            // A lone capitalised first word is just the start of the sentence; elsewhere
            // ("rent a Langstroth hive") a capital marks a name.
            let named = run.len() >= 2 || run.first().is_some_and(Token::mixed_case) || first > 0;
            if named && !run.is_empty() {
                self.push_phrase(&mut phrases, run, true);
            }
            i = end.max(i + 1);
        }
        // Content phrases: two adjacent topic words ("spring tide"), or one long one.
        for (i, token) in tokens.iter().enumerate() {
            if !self.is_topic_word(token) {
                continue;
            }
            if token.word.chars().count() >= 6 {
                self.push_phrase(&mut phrases, std::slice::from_ref(token), false);
            }
            if !token.breaks
                && let Some(next) = tokens.get(i + 1)
                && self.is_topic_word(next)
            {
                self.push_phrase(&mut phrases, &tokens[i..i + 2], false);
            }
        }
        phrases
    }

    fn push_phrase(&self, phrases: &mut Vec<Phrase>, run: &[Token], name: bool) {
        let text = run.iter().map(|t| t.word.as_str()).collect::<Vec<_>>().join(" ");
        if text.chars().count() > MAX_PHRASE_CHARS {
            return;
        }
        let weight: f32 = self
            .analyzer
            .words(&text)
            .iter()
            .flat_map(|w| w.terms.iter())
            .filter_map(|t| self.store.term_id(t))
            .map(|t| self.store.term_idf(t))
            .sum();
        if weight > 0.0 {
            phrases.push(Phrase { text, name, weight });
        }
    }

    /// A word that can name a topic: letters, not a stop word, question filler, everyday
    /// word, function word or adverb ("before", "you", "because", "slowly").
    fn is_topic_word(&self, token: &Token) -> bool {
        let lower = token.word.to_lowercase();
        token.wordlike()
            && lower.chars().count() >= 3
            && !lower.ends_with("ly")
            && !never_a_topic(&lower)
            && !self.is_stop(&token.word)
    }

    fn is_stop(&self, word: &str) -> bool {
        self.analyzer.words(word).iter().all(|w| w.is_stop())
    }

    /// A lower-case function word that may sit inside a name ("Ministry of Science").
    fn is_connector(&self, word: &str) -> bool {
        word.chars().all(|c| c.is_lowercase()) && word.chars().count() <= 4 && self.is_stop(word)
    }

    /// The folded words of `text`, space-separated, for comparing phrases with headings.
    fn fold(&self, text: &str) -> String {
        let words: Vec<String> = self.analyzer.words(text).into_iter().map(|w| w.surface).collect();
        words.join(" ")
    }
}

/// One white-space separated word of a sentence, stripped of the punctuation around it.
#[derive(Debug, Clone)]
struct Token {
    /// The word without surrounding punctuation (and without a possessive "'s").
    word: String,
    /// Punctuation after it (or a possessive) ends a phrase here.
    breaks: bool,
}

impl Token {
    fn new(raw: &str) -> Token {
        let quotes = |c: char| !c.is_alphanumeric() && !matches!(c, '+' | '#');
        let trimmed = raw.trim_matches(quotes);
        let trailing = raw.len() - raw.trim_end_matches(quotes).len();
        let (word, possessive) = match trimmed.strip_suffix("’s").or(trimmed.strip_suffix("'s")) {
            Some(stem) => (stem, true),
            None => (trimmed, false),
        };
        let breaks =
            possessive || (trailing > 0 && raw.ends_with([',', '.', ';', ':', '!', '?', ')']));
        Token { word: word.to_string(), breaks }
    }

    fn capitalised(&self) -> bool {
        self.word.chars().next().is_some_and(char::is_uppercase)
    }

    /// Upper case past the first letter ("HyperCLOVA", "KT"): a name even alone.
    fn mixed_case(&self) -> bool {
        self.word.chars().count() >= 2 && self.word.chars().skip(1).any(char::is_uppercase)
    }

    /// Letters (digits allowed after one), not a bare number or symbol.
    fn wordlike(&self) -> bool {
        self.word.chars().next().is_some_and(char::is_alphabetic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn because_is_not_a_topic_word_of_an_example_question() {
        assert!(FUNCTION_WORDS.windows(2).all(|w| w[0] < w[1]), "sorted for binary search");
        for word in ["because", "although", "through", "themselves", "whether"] {
            assert!(never_a_topic(word), "{word}");
        }
        for word in ["melted", "glacier", "beekeeping"] {
            assert!(!never_a_topic(word), "{word}");
        }
    }

    #[test]
    fn tokens_strip_punctuation_and_possessives() {
        let t = Token::new("“Korea’s");
        assert_eq!((t.word.as_str(), t.breaks), ("Korea", true));
        let t = Token::new("(HyperCLOVA,");
        assert_eq!((t.word.as_str(), t.breaks), ("HyperCLOVA", true));
        assert!(t.mixed_case() && t.capitalised());
        let t = Token::new("tea");
        assert!(!t.breaks && t.wordlike() && !t.capitalised());
        assert!(!Token::new("2027").wordlike());
    }
}
