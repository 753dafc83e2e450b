//! Follow-up questions: "and in 2024?" or "who funds it?" right after an answer has too few
//! words of its own to find anything, so it is asked together with the previous question's
//! subject (its informative words).
//!
//! A question is a follow-up when it has no informative word but is a question ("why?"), or
//! when it has one topic word of its own (an everyday word beside it counts half: "what
//! position does he play?") and refers back: it starts like a continuation ("and …", "what
//! about …") or uses a pronoun ("it", "he", "there"). A reply to the bot's answer (an
//! explicit link to it) with one informative word and no such marker is a follow-up when it
//! finds nothing on its own. Anything else, two topic words included ("and who broadcast it
//! in Spanish?"), names its own subject and is asked as it is. The subject carried over is
//! the previous question's informative words that the index knows (a new number replaces an
//! old one); as a follow-up has at most one topic word of its own, the subject leads. The front end decides what
//! "right after" means; this module only reads words.

use super::{Concept, Engine};

/// Words that start a continuation of the previous question.
const CONTINUATIONS: &[&str] = &["and", "but", "also", "so", "then", "plus", "or"];
/// Two-word starts of a continuation.
const CONTINUATION_PAIRS: &[(&str, &str)] =
    &[("what", "about"), ("how", "about"), ("what", "of"), ("and", "what")];
/// Pronouns that point back at the previous subject.
const POINTERS: &[&str] = &[
    "it", "its", "they", "them", "their", "theirs", "this", "that", "these", "those", "there",
    "he", "him", "his", "she", "her", "hers", "then",
];
/// Words that make a sentence a question without any topic word ("why?", "how so").
const QUESTION_WORDS: &[&str] = &["what", "why", "when", "where", "who", "which", "how"];

impl Engine {
    /// The question to ask for `question` after `previous` (the last question answered in
    /// this conversation, as it was asked): `previous`'s subject plus `question` when this is
    /// a follow-up (see the module doc), `None` when it stands on its own. `replying` is true
    /// when the message is a reply to the answer of `previous`.
    pub fn follow_up(&self, previous: &str, question: &str, replying: bool) -> Option<String> {
        let own = self.plan(question);
        let own_words: Vec<&Concept> = own
            .concepts
            .iter()
            .filter(|c| c.informative && !POINTERS.contains(&c.surface.as_str()))
            .collect();
        // Everyday words ("got", "one", "play") count half: they rarely name a subject.
        let own_weight: f32 = own_words.iter().map(|c| if c.common { 0.5 } else { 1.0 }).sum();
        let words = lower_words(question);
        let refers_back = refers_back(&words);
        let follows = if own_words.is_empty() {
            is_question(question, &words)
        } else if own_weight <= 1.5 && refers_back {
            true
        } else if own_weight <= 1.0 && replying {
            // A failing index is no reason to merge: the question is then asked as it is,
            // and that search reports the failure.
            self.ask(question, 1).is_ok_and(|reply| reply.answers.is_empty())
        } else {
            false
        };
        if !follows {
            return None;
        }
        let asks_number = own_words.iter().any(|c| is_number(&c.surface));
        let previous_plan = self.plan(previous);
        let subject: Vec<(usize, &Concept)> = previous_plan
            .concepts
            .iter()
            .enumerate()
            // Words that name a subject: known to the index.
            .filter(|(_, c)| c.informative && !POINTERS.contains(&c.surface.as_str()))
            .filter(|(_, c)| c.alternatives.first().is_some_and(|a| !a.terms.is_empty()))
            // A new number replaces the old one ("and in 2024?" after "… by 2027?").
            .filter(|(_, c)| !(asks_number && is_number(&c.surface)))
            .filter(|(_, c)| !own_words.iter().any(|o| o.surface == c.surface))
            .collect();
        if subject.is_empty() {
            return None;
        }
        let subject: Vec<&str> = subject.iter().map(|(_, c)| c.surface.as_str()).collect();
        Some(format!("{} {}", subject.join(" "), question.trim()))
    }
}

/// The question's words, lower-cased, without punctuation.
fn lower_words(question: &str) -> Vec<String> {
    question
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// True when the words continue ("and …", "what about …") or point back ("it", "there").
fn refers_back(words: &[String]) -> bool {
    let first = words.first().map(String::as_str);
    let second = words.get(1).map(String::as_str);
    first.is_some_and(|w| CONTINUATIONS.contains(&w))
        || CONTINUATION_PAIRS.iter().any(|&(a, b)| first == Some(a) && second == Some(b))
        || words.iter().any(|w| POINTERS.contains(&w.as_str()))
}

/// True for a question mark or a leading question word ("why", "how so").
fn is_question(question: &str, words: &[String]) -> bool {
    question.contains('?') || words.first().is_some_and(|w| QUESTION_WORDS.contains(&w.as_str()))
}

fn is_number(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        lower_words(text)
    }

    #[test]
    fn continuations_and_pointers_refer_back() {
        assert!(refers_back(&words("and in 2024?")));
        assert!(refers_back(&words("What about the budget?")));
        assert!(refers_back(&words("who funds it?")));
        assert!(!refers_back(&words("how often do I oil the bicycle chain?")));
        assert!(!refers_back(&words("what is HyperCLOVA?")));
        assert!(!refers_back(&words("android phones")), "a word starting like 'and'");
    }

    #[test]
    fn questions_without_topic_words() {
        assert!(is_question("why?", &words("why?")));
        assert!(is_question("how so", &words("how so")));
        assert!(!is_question("thanks!", &words("thanks!")));
        assert!(is_number("2024") && !is_number("5g") && !is_number(""));
    }
}
