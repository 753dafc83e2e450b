//! Scoring question sets: expectation sets (`expect_any` / `expect_all` / `expect_none`) and
//! benchmark sets with `gold` document ids (Recall@k, MRR@10, nDCG@10, Recall@100), each
//! both for the ranking alone and for what `ask` returns after the "no good match" cut,
//! plus false no-match and out-of-domain rejection rates.

use std::path::Path;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::corpus::normalize_for_matching;
use crate::error::{Error, Result, UserError};
use crate::search::{Engine, Ranking};

/// One question of a set, in the formats of `shared/eval/`.
#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    /// The question's id.
    #[serde(default)]
    pub id: String,
    /// The question text.
    pub question: String,
    /// Relevant document ids (benchmark sets).
    #[serde(default)]
    pub gold: Vec<String>,
    /// The top passage passes if it contains any of these.
    #[serde(default)]
    pub expect_any: Vec<String>,
    /// The top passage passes only if it contains all of these.
    #[serde(default)]
    pub expect_all: Vec<String>,
    /// True when the right answer is "no good match".
    #[serde(default)]
    pub expect_none: bool,
}

impl Question {
    fn has_expectation(&self) -> bool {
        self.expect_none || !self.expect_any.is_empty() || !self.expect_all.is_empty()
    }
}

/// Reads a JSON Lines question file.
pub fn load_questions(path: &Path) -> Result<Vec<Question>> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| Error::io(format!("reading question file {}", path.display()), err))?;
    let mut questions = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let question: Question =
            serde_json::from_str(line).map_err(|err| UserError::BadQuestionFile {
                path: path.to_path_buf(),
                line: index + 1,
                message: err.to_string(),
            })?;
        questions.push(question);
    }
    Ok(questions)
}

/// A question that did not pass, for the report.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The question's id.
    pub id: String,
    /// The question text.
    pub question: String,
    /// What went wrong.
    pub detail: String,
}

/// Ranking figures of benchmark sets with gold ids.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    /// Share of questions with a gold document first.
    pub recall_at_1: f64,
    /// Share of questions with a gold document in the top 5.
    pub recall_at_5: f64,
    /// Share of questions with a gold document in the top 10.
    pub recall_at_10: f64,
    /// Mean of 1/rank of the first gold document within the top 10.
    pub mrr_at_10: f64,
    /// Binary-gain nDCG@10.
    pub ndcg_at_10: f64,
    /// Share of each question's gold documents in the top 100, averaged.
    pub recall_at_100: f64,
}

impl Metrics {
    fn divide(&mut self, n: f64) {
        for value in [
            &mut self.recall_at_1,
            &mut self.recall_at_5,
            &mut self.recall_at_10,
            &mut self.mrr_at_10,
            &mut self.ndcg_at_10,
            &mut self.recall_at_100,
        ] {
            *value /= n;
        }
    }
}

/// Scores of one run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Questions scored.
    pub questions: usize,
    /// Questions with gold ids.
    pub gold_questions: usize,
    /// Hit rates at 1, 5, 10 and the mean reciprocal rank within 10, of the ranking alone
    /// (before the "no good match" cut).
    pub recall_at_1: f64,
    /// Share of questions with a gold document in the top 5 (ranking alone).
    pub recall_at_5: f64,
    /// Share of questions with a gold document in the top 10 (ranking alone).
    pub recall_at_10: f64,
    /// Mean of 1/rank of the first gold document within the top 10 (ranking alone).
    pub mrr_at_10: f64,
    /// Binary-gain nDCG@10 (ranking alone).
    pub ndcg_at_10: f64,
    /// Share of each question's gold documents in the top 100, averaged (ranking alone).
    pub recall_at_100: f64,
    /// The same figures for what `ask` returns: a question answered "no good match" has no
    /// ranked passage at all. These are the figures users see.
    pub asked: Metrics,
    /// Gold questions whose best passage fell under the confidence cut (false "no match").
    pub gold_no_match: usize,
    /// Questions with expectations.
    pub expect_questions: usize,
    /// Of those, how many passed.
    pub expect_passed: usize,
    /// In-domain questions with `expect_any` / `expect_all` (answerable).
    pub answerable_questions: usize,
    /// Of those, how many got "no good match" (false no-match).
    pub answerable_no_match: usize,
    /// Out-of-domain questions: `expect_none`, or every question with
    /// [`Options::out_of_domain`].
    pub ood_questions: usize,
    /// Of those, how many got "no good match" (rightly rejected).
    pub ood_rejected: usize,
    /// What failed (expectation failures, and gold questions missing from the top 10).
    pub failures: Vec<Failure>,
    /// Wall time of answering all questions.
    pub elapsed: Duration,
}

impl Report {
    /// Questions per second over the whole run.
    pub fn questions_per_second(&self) -> f64 {
        self.questions as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Share of in-domain questions (gold or answerable) answered "no good match".
    pub fn false_no_match_rate(&self) -> f64 {
        let questions = self.gold_questions + self.answerable_questions;
        (self.gold_no_match + self.answerable_no_match) as f64 / questions.max(1) as f64
    }

    /// Share of out-of-domain questions answered "no good match".
    pub fn ood_rejection_rate(&self) -> f64 {
        self.ood_rejected as f64 / self.ood_questions.max(1) as f64
    }
}

/// How a set is scored.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Every question is out of domain (asked of another set's corpus): the right reply to
    /// each is "no good match", and gold ids are ignored.
    pub out_of_domain: bool,
}

/// Runs every question through `engine` and scores the results.
///
/// # Errors
/// [`Error::Internal`] when the index fails to search: a failure is never scored as a miss.
pub fn evaluate(engine: &Engine, questions: &[Question]) -> Result<Report> {
    evaluate_with(engine, questions, Options::default(), &mut |_, _| {})
}

/// [`evaluate`] with options, calling `each` with every question and its ranking (top 100,
/// with the confidence decision), e.g. to dump the confidence model's features.
///
/// # Errors
/// As [`evaluate`].
pub fn evaluate_with(
    engine: &Engine,
    questions: &[Question],
    options: Options,
    each: &mut dyn FnMut(&Question, &Ranking),
) -> Result<Report> {
    let mut report = Report { questions: questions.len(), ..Report::default() };
    let started = Instant::now();
    for question in questions {
        // One ranking per question: `ask` takes its answers from the same call, so the top
        // passage and the decision are exactly what a user gets.
        let ranking = engine.rank(&question.question, 100)?;
        each(question, &ranking);
        if options.out_of_domain {
            report.ood_questions += 1;
            report.ood_rejected += usize::from(!ranking.answered);
            continue;
        }
        if !question.gold.is_empty() {
            let passages: Vec<_> = ranking
                .hits
                .iter()
                .filter_map(|hit| engine.passage_by_number(hit.number))
                .collect();
            let mut docs: Vec<&str> = Vec::with_capacity(passages.len());
            for passage in &passages {
                if !docs.contains(&passage.doc_id.as_str()) {
                    docs.push(&passage.doc_id);
                }
            }
            score_gold(&mut report, question, &docs);
            let shown: &[&str] = if ranking.answered { &docs } else { &[] };
            report.asked = add(report.asked, gold_metrics(question, shown));
            if !ranking.answered {
                report.gold_no_match += 1;
            }
        }
        if question.has_expectation() {
            report.expect_questions += 1;
            let top = ranking
                .hits
                .first()
                .filter(|_| ranking.answered)
                .and_then(|hit| engine.passage_by_number(hit.number))
                .map(|passage| normalize_for_matching(&passage.text));
            if question.expect_none {
                report.ood_questions += 1;
                report.ood_rejected += usize::from(!ranking.answered);
            } else {
                report.answerable_questions += 1;
                report.answerable_no_match += usize::from(!ranking.answered);
            }
            match check_expectation(question, top.as_deref()) {
                Ok(()) => report.expect_passed += 1,
                Err(detail) => report.failures.push(Failure {
                    id: question.id.clone(),
                    question: question.question.clone(),
                    detail,
                }),
            }
        }
    }
    report.elapsed = started.elapsed();
    let n = report.gold_questions.max(1) as f64;
    report.recall_at_1 /= n;
    report.recall_at_5 /= n;
    report.recall_at_10 /= n;
    report.mrr_at_10 /= n;
    report.ndcg_at_10 /= n;
    report.recall_at_100 /= n;
    report.asked.divide(n);
    Ok(report)
}

fn add(a: Metrics, b: Metrics) -> Metrics {
    Metrics {
        recall_at_1: a.recall_at_1 + b.recall_at_1,
        recall_at_5: a.recall_at_5 + b.recall_at_5,
        recall_at_10: a.recall_at_10 + b.recall_at_10,
        mrr_at_10: a.mrr_at_10 + b.mrr_at_10,
        ndcg_at_10: a.ndcg_at_10 + b.ndcg_at_10,
        recall_at_100: a.recall_at_100 + b.recall_at_100,
    }
}

/// One question's figures for the ranked documents `docs` (best first).
fn gold_metrics(question: &Question, docs: &[&str]) -> Metrics {
    let is_gold = |doc: &str| question.gold.iter().any(|g| g == doc);
    let first = docs.iter().position(|d| is_gold(d));
    let mut m = Metrics::default();
    if let Some(rank) = first {
        m.recall_at_1 = f64::from(u8::from(rank < 1));
        m.recall_at_5 = f64::from(u8::from(rank < 5));
        m.recall_at_10 = f64::from(u8::from(rank < 10));
        if rank < 10 {
            m.mrr_at_10 = 1.0 / (rank as f64 + 1.0);
        }
    }
    let dcg: f64 = docs
        .iter()
        .take(10)
        .enumerate()
        .filter(|(_, d)| is_gold(d))
        .map(|(i, _)| 1.0 / (i as f64 + 2.0).log2())
        .sum();
    let ideal: f64 = (0..question.gold.len().min(10)).map(|i| 1.0 / (i as f64 + 2.0).log2()).sum();
    if ideal > 0.0 {
        m.ndcg_at_10 = dcg / ideal;
    }
    let found = question.gold.iter().filter(|g| docs.iter().take(100).any(|d| d == g)).count();
    m.recall_at_100 = found as f64 / question.gold.len().max(1) as f64;
    m
}

fn score_gold(report: &mut Report, question: &Question, docs: &[&str]) {
    report.gold_questions += 1;
    let m = gold_metrics(question, docs);
    report.recall_at_1 += m.recall_at_1;
    report.recall_at_5 += m.recall_at_5;
    report.recall_at_10 += m.recall_at_10;
    report.mrr_at_10 += m.mrr_at_10;
    report.ndcg_at_10 += m.ndcg_at_10;
    report.recall_at_100 += m.recall_at_100;
    if m.recall_at_10 == 0.0 && report.failures.len() < 1000 {
        report.failures.push(Failure {
            id: question.id.clone(),
            question: question.question.clone(),
            detail: format!("gold {:?} not in the top 10 (top: {:?})", question.gold, docs.first()),
        });
    }
}

/// Checks one expectation against the top passage's matching form.
pub fn check_expectation(
    question: &Question,
    top: Option<&str>,
) -> std::result::Result<(), String> {
    if question.expect_none {
        return match top {
            None => Ok(()),
            Some(text) => Err(format!("expected no match, got: {}", preview(text))),
        };
    }
    let Some(text) = top else {
        return Err("expected a passage, got no match".into());
    };
    let contains = |needle: &String| text.contains(&normalize_for_matching(needle));
    if !question.expect_all.is_empty() && !question.expect_all.iter().all(contains) {
        return Err(format!("missing some of {:?} in: {}", question.expect_all, preview(text)));
    }
    if !question.expect_any.is_empty() && !question.expect_any.iter().any(contains) {
        return Err(format!("none of {:?} in: {}", question.expect_any, preview(text)));
    }
    Ok(())
}

fn preview(text: &str) -> String {
    let cut: String = text.chars().take(120).collect();
    if cut.len() < text.len() { format!("{cut}…") } else { cut }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(json: &str) -> Question {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn expectations() {
        let any = question(r#"{"question":"q","expect_any":["November 2017","x"]}"#);
        assert!(check_expectation(&any, Some("set up in november 2017.")).is_ok());
        assert!(check_expectation(&any, None).is_err());
        let all = question(r#"{"question":"q","expect_all":["Rank third","top 10"]}"#);
        assert!(check_expectation(&all, Some("rank third and top 10")).is_ok());
        assert!(check_expectation(&all, Some("rank third")).is_err());
        let none = question(r#"{"question":"q","expect_none":true}"#);
        assert!(check_expectation(&none, None).is_ok());
        assert!(check_expectation(&none, Some("anything")).is_err());
    }

    #[test]
    fn gold_metrics() {
        let mut report = Report::default();
        let q = question(r#"{"question":"q","gold":["b","z"]}"#);
        score_gold(&mut report, &q, &["a", "b", "c"]);
        assert_eq!(report.recall_at_1, 0.0);
        assert_eq!(report.recall_at_5, 1.0);
        assert_eq!(report.mrr_at_10, 0.5);
        assert_eq!(report.recall_at_100, 0.5);
        let expected_ndcg = (1.0 / 3f64.log2()) / (1.0 + 1.0 / 3f64.log2());
        assert!((report.ndcg_at_10 - expected_ndcg).abs() < 1e-9);
    }
}
