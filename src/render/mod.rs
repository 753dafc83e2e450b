//! Rendering replies as text for people and machines: plain terminal text, JSON Lines and
//! (in [`telegram`]) Telegram HTML.
//! No front-end types here, so every string a user sees is unit-tested as a plain string.

use serde::Serialize;

pub mod telegram;
pub mod texts;

use crate::answer::{Answer, NoMatchReason, Reply};

/// How plain text marks the key sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marking {
    /// ANSI bold, for terminals.
    Ansi,
    /// `**…**`, for pipes and files.
    Stars,
}

/// The source line of an answer: "Title › Section — file" (or the URL when there is one).
pub fn source_line(answer: &Answer) -> String {
    let passage = &answer.passage;
    let mut line = passage.title.clone();
    if let Some(section) = &passage.section
        && section != &passage.title
    {
        line.push_str(" › ");
        line.push_str(section);
    }
    line.push_str(" — ");
    line.push_str(passage.url.as_deref().unwrap_or(&passage.source));
    line
}

/// The passage text with its key sentence marked.
pub fn marked_text(answer: &Answer, marking: Marking) -> String {
    let text = &answer.passage.text;
    let range = answer.highlight.clone();
    let (Some(before), Some(key), Some(after)) =
        (text.get(..range.start), text.get(range.clone()), text.get(range.end..))
    else {
        return text.clone();
    };
    let (open, close) = match marking {
        Marking::Ansi => ("\x1b[1m", "\x1b[0m"),
        Marking::Stars => ("**", "**"),
    };
    format!("{before}{open}{key}{close}{after}")
}

/// The message shown when nothing matches well enough.
pub fn no_match_text(reply: &Reply) -> String {
    let mut text = match reply.no_match {
        Some(NoMatchReason::NoSearchableWords) => {
            "I couldn't find any words to search for in that. Ask a question in words, e.g. \"What are the main goals?\"".to_string()
        }
        _ => "I found no good match for that in the material.".to_string(),
    };
    text.push_str(&no_match_hints(reply));
    text
}

/// The lines under a no-match message: the "did you mean" and the nearest topics, each on a
/// line of its own (empty when there are neither).
pub fn no_match_hints(reply: &Reply) -> String {
    let mut hints = String::new();
    if let Some(suggestion) = &reply.suggestion {
        hints.push_str(&format!("\nDid you mean: {suggestion}"));
    }
    if !reply.nearby.is_empty() {
        hints.push_str(&format!("\nThe closest topics I know: {}.", reply.nearby.join("; ")));
    }
    hints
}

/// The best answer as terminal text (what `ask` prints and `chat` shows).
pub fn plain(reply: &Reply, marking: Marking) -> String {
    let Some(best) = reply.best() else {
        return no_match_text(reply);
    };
    let mut text = String::new();
    if let Some(suggestion) = &reply.suggestion {
        text.push_str(&format!("(Did you mean: {suggestion})\n\n"));
    }
    text.push_str(&marked_text(best, marking));
    text.push_str("\n\n— ");
    text.push_str(&source_line(best));
    text
}

/// One answer in the JSON output of `ask --json`.
#[derive(Debug, Serialize)]
pub struct JsonAnswer<'a> {
    /// 1 for the best.
    pub rank: usize,
    /// Ranking score.
    pub score: f32,
    /// Probability (0–1) that the passage answers the question (the fitted confidence
    /// model; the reply is "no good match" when the best falls below the threshold).
    pub confidence: f32,
    /// Passage id.
    pub id: &'a str,
    /// Document id.
    pub doc_id: &'a str,
    /// Document title.
    pub title: &'a str,
    /// Section heading.
    pub section: Option<&'a str>,
    /// The URL when known, else the relative file.
    pub source: &'a str,
    /// The whole passage.
    pub text: &'a str,
    /// The key sentence.
    pub highlight: &'a str,
}

/// One line of `ask --json` output.
#[derive(Debug, Serialize)]
pub struct JsonReply<'a> {
    /// The question as asked.
    pub question: &'a str,
    /// Ranked answers; empty when nothing matched well enough.
    pub answers: Vec<JsonAnswer<'a>>,
    /// The corrected question, when a typo was fixed.
    pub suggestion: Option<&'a str>,
}

/// The reply as one line of JSON.
pub fn json_line(reply: &Reply) -> String {
    let answers = reply
        .answers
        .iter()
        .map(|answer| {
            let p = &answer.passage;
            JsonAnswer {
                rank: answer.rank,
                score: (answer.score * 1000.0).round() / 1000.0,
                confidence: (answer.confidence * 1000.0).round() / 1000.0,
                id: &p.id,
                doc_id: &p.doc_id,
                title: &p.title,
                section: p.section.as_deref(),
                source: p.url.as_deref().unwrap_or(&p.source),
                text: &p.text,
                highlight: answer.highlight_text(),
            }
        })
        .collect();
    let json =
        JsonReply { question: &reply.question, answers, suggestion: reply.suggestion.as_deref() };
    serde_json::to_string(&json).unwrap_or_else(|_| "{}".to_string())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::corpus::Passage;

    fn reply_with(text: &str, highlight: std::ops::Range<usize>, url: Option<&str>) -> Reply {
        let passage = Passage {
            id: "a.txt#0".into(),
            doc_id: "a.txt".into(),
            title: "Strategy".into(),
            section: Some("Goals".into()),
            source: "a.txt".into(),
            url: url.map(str::to_string),
            ordinal: 0,
            text: text.into(),
        };
        Reply {
            question: "q".into(),
            answers: vec![Answer {
                rank: 1,
                score: 1.5,
                confidence: 0.875,
                passage: Arc::new(passage),
                highlight,
            }],
            suggestion: None,
            no_match: None,
            nearby: Vec::new(),
        }
    }

    #[test]
    fn plain_marks_the_key_sentence_and_names_the_source() {
        let reply = reply_with("One. Two is key. Three.", 5..16, None);
        let text = plain(&reply, Marking::Stars);
        assert!(text.starts_with("One. **Two is key.** Three."), "{text}");
        assert!(text.ends_with("— Strategy › Goals — a.txt"), "{text}");
    }

    #[test]
    fn url_replaces_the_file_in_the_source_line() {
        let reply = reply_with("Text.", 0..5, Some("https://example.org/a"));
        assert!(plain(&reply, Marking::Ansi).ends_with("— https://example.org/a"));
    }

    #[test]
    fn a_highlight_outside_the_text_leaves_it_unmarked() {
        let reply = reply_with("Text.", 3..99, None);
        assert!(plain(&reply, Marking::Stars).starts_with("Text.\n"));
    }

    #[test]
    fn no_match_says_so_with_hints() {
        let reply = Reply {
            question: "capital of France".into(),
            answers: Vec::new(),
            suggestion: Some("capital of Frence".into()),
            no_match: Some(NoMatchReason::TooLittleOverlap),
            nearby: vec!["Goals".into(), "Main Participants".into()],
        };
        let text = plain(&reply, Marking::Stars);
        assert!(text.starts_with("I found no good match"));
        assert!(text.contains("Did you mean: capital of Frence"));
        assert!(text.contains("Goals; Main Participants"));
    }

    #[test]
    fn json_line_has_the_documented_fields() {
        let reply = reply_with("One. Two.", 5..9, None);
        let value: serde_json::Value = serde_json::from_str(&json_line(&reply)).unwrap();
        assert_eq!(value["question"], "q");
        assert_eq!(value["answers"][0]["highlight"], "Two.");
        assert_eq!(value["answers"][0]["doc_id"], "a.txt");
        assert_eq!(value["answers"][0]["section"], "Goals");
        assert_eq!(value["answers"][0]["confidence"], 0.875);
        assert!(value["suggestion"].is_null());
    }
}
