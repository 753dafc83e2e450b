//! What a question gets back: ranked [`Answer`]s or nothing, plus a "did you mean" hint.
//!
//! These types are the boundary between the search core and every front end; rendering them
//! is [`crate::render`]'s job.

use std::ops::Range;
use std::sync::Arc;

use crate::corpus::Passage;

/// One ranked passage for a question.
#[derive(Debug, Clone)]
pub struct Answer {
    /// 1 for the best passage.
    pub rank: usize,
    /// The final ranking score (BM25 plus proximity evidence); only comparable within a reply.
    pub score: f32,
    /// The probability (0–1) that this passage answers the question, from the fitted
    /// confidence model; the reply is "no good match" when the best is below the threshold.
    pub confidence: f32,
    /// The passage, shared with the engine's store.
    pub passage: Arc<Passage>,
    /// Byte range in `passage.text` of the sentence that best matches the question.
    pub highlight: Range<usize>,
}

impl Answer {
    /// The key sentence as text.
    pub fn highlight_text(&self) -> &str {
        self.passage.text.get(self.highlight.clone()).unwrap_or("")
    }
}

/// Why a question got no passage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoMatchReason {
    /// The question holds no searchable word (only punctuation, emoji or stop words).
    NoSearchableWords,
    /// No passage shares enough of the question's informative words.
    TooLittleOverlap,
}

/// The reply to one question.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The question as asked.
    pub question: String,
    /// Ranked answers, best first; empty when nothing matches well enough.
    pub answers: Vec<Answer>,
    /// The question with misspelt words corrected, when a correction was applied.
    pub suggestion: Option<String>,
    /// Set when `answers` is empty: why.
    pub no_match: Option<NoMatchReason>,
    /// When there is no answer: titles or sections of the passages that came closest, as
    /// topics the person could ask about instead.
    pub nearby: Vec<String>,
}

impl Reply {
    /// The best answer, if any.
    pub fn best(&self) -> Option<&Answer> {
        self.answers.first()
    }
}
