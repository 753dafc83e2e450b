//! A self-check of a freshly built generation, sound by construction: a sample of passages,
//! spread over the corpus, is each asked for with its own most informative sentence, and each
//! must come back among the first [`SELF_CHECK_TOP_K`] answers. A working index passes it on
//! any corpus; an index that lost passages, positions or terms does not.
//!
//! (The earlier gate asked "`<title>` + first 8 words" and needed an answer at all: heading
//! words and a cut sentence often fall below the no-good-match rule, so it failed on sound
//! indexes, the bundled corpus among them.)

use std::collections::HashSet;

use super::Engine;
use crate::error::Result;

/// A sampled passage must rank at least this high for its own sentence.
pub const SELF_CHECK_TOP_K: usize = 10;
/// Sentences are cut to about this many bytes to make a question.
const MAX_QUESTION_CHARS: usize = 400;

/// A passage that its own sentence does not find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfCheckFailure {
    /// The passage's id.
    pub passage: String,
    /// The question asked: the passage's most informative sentence.
    pub question: String,
}

impl std::fmt::Display for SelfCheckFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "passage {} is not among the first {SELF_CHECK_TOP_K} answers to its own sentence \"{}\"",
            self.passage, self.question
        )
    }
}

/// Asks up to `samples` passages, spread evenly over the generation, for their own most
/// informative sentence. Returns how many were checked (passages without a searchable word
/// are passed over), or the first that failed.
///
/// # Errors
/// A failure of the index itself (see [`Engine::ask`]).
pub fn self_check(
    engine: &Engine,
    samples: usize,
) -> Result<std::result::Result<usize, SelfCheckFailure>> {
    let total = engine.len();
    let picks: Vec<usize> = if total <= samples {
        (0..total).collect()
    } else {
        (0..samples).map(|i| i * (total - 1) / (samples - 1).max(1)).collect()
    };
    let mut checked = 0;
    for number in picks {
        let Some(question) = key_question(engine, number) else { continue };
        let reply = engine.ask(&question, SELF_CHECK_TOP_K)?;
        let Some(passage) = engine.store.passage(number) else { continue };
        let found = reply.answers.iter().any(|a| a.passage.id == passage.id);
        // Passages sharing the sentence word for word may all outrank it: no fault then.
        let all_share_it = reply.answers.len() == SELF_CHECK_TOP_K
            && reply.answers.iter().all(|a| a.passage.text.contains(question.as_str()));
        if !found && !all_share_it {
            return Ok(Err(SelfCheckFailure { passage: passage.id.clone(), question }));
        }
        checked += 1;
    }
    Ok(Ok(checked))
}

/// The sentence of passage `number` whose distinct words weigh most (summed idf), cut to
/// about [`MAX_QUESTION_CHARS`] bytes at a word; `None` when it has no searchable word.
fn key_question(engine: &Engine, number: usize) -> Option<String> {
    let passage = engine.store.passage(number)?;
    let forward = engine.store.forward(number);
    let mut best: Option<(f32, &str)> = None;
    for i in 0..forward.sentences.len().max(1) {
        let range = forward.sentence(i);
        let sentence = if forward.sentences.is_empty() {
            passage.text.as_str()
        } else {
            passage.text.get(range).unwrap_or("")
        };
        let sentence = cut(sentence.trim(), MAX_QUESTION_CHARS);
        let mut seen = HashSet::new();
        let weight: f32 = engine
            .analyzer
            .words(sentence)
            .iter()
            .filter(|word| !word.is_stop())
            .filter_map(|word| engine.store.word_id(&word.surface))
            .filter(|&id| seen.insert(id))
            .map(|id| engine.store.word_idf(id))
            .sum();
        if weight > 0.0 && best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, sentence));
        }
    }
    best.map(|(_, sentence)| sentence.to_string())
}

/// `text` cut to at most `max` bytes, at a space when there is one.
fn cut(text: &str, max: usize) -> &str {
    let head = &text[..text.floor_char_boundary(max)];
    if head.len() == text.len() {
        return text;
    }
    head.rfind(' ').map_or(head, |space| &head[..space])
}
