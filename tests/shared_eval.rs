//! Quality guards on the data in `../shared/eval` (present in CI, absent in a fresh clone:
//! then each test says SKIPPED on stderr). They fail when a change loses the levels reached:
//! the seed set must pass in full; SQuAD and KorQuAD Recall@1 / MRR@10 must stay within
//! 0.005, SciFact nDCG@10 within 0.01 (300 claims only), of the figures in the README.

use std::path::Path;

use passagebot::eval::{Report, evaluate, load_questions};
use passagebot::index::{BuildOptions, BuildReport, build};
use passagebot::search::Engine;

use crate::env::{open_bundled_engine, shared_eval, skip};

#[test]
fn seed_questions_all_pass() {
    let Some(eval) = shared_eval() else {
        return skip("seed_questions_all_pass", "../shared/eval not found");
    };
    let (_dir, engine) = open_bundled_engine();
    let questions = load_questions(&eval.join("seed/questions.jsonl")).unwrap();
    let report = evaluate(&engine, &questions);
    assert_eq!(report.expect_questions, 20);
    let failures: Vec<String> =
        report.failures.iter().map(|f| format!("{} {}: {}", f.id, f.question, f.detail)).collect();
    assert_eq!(report.expect_passed, 20, "{failures:#?}");
}

/// Builds an index of `passages` in a temp dir and scores `questions` on it.
fn score(eval: &Path, set: &str) -> (Report, BuildReport) {
    let dir = tempfile::tempdir().unwrap();
    let opts = BuildOptions {
        corpus: eval.join(set).join("passages.jsonl"),
        index_dir: dir.path().to_path_buf(),
        force: false,
        load: Default::default(),
        memory_budget: passagebot::index::DEFAULT_MEMORY_BUDGET,
    };
    let built = build(&opts).unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let questions = load_questions(&eval.join(set).join("questions.jsonl")).unwrap();
    let report = evaluate(&engine, &questions);
    eprintln!(
        "{set}: R@1 {:.4} MRR@10 {:.4} nDCG@10 {:.4} R@100 {:.4}",
        report.recall_at_1, report.mrr_at_10, report.ndcg_at_10, report.recall_at_100
    );
    (report, built)
}

#[test]
fn squad_quality_does_not_regress() {
    let Some(eval) = shared_eval() else {
        return skip("squad_quality_does_not_regress", "../shared/eval not found");
    };
    let (report, built) = score(&eval, "squad-v1.1-dev");
    assert_eq!(built.documents, 2067, "every SQuAD paragraph is one document");
    assert_eq!(report.gold_questions, 10_570);
    assert!(report.recall_at_1 >= 0.8283 - 0.005, "R@1 {:.4}", report.recall_at_1);
    assert!(report.mrr_at_10 >= 0.8807 - 0.005, "MRR@10 {:.4}", report.mrr_at_10);
}

#[test]
fn korquad_quality_does_not_regress() {
    let Some(eval) = shared_eval() else {
        return skip("korquad_quality_does_not_regress", "../shared/eval not found");
    };
    let (report, _) = score(&eval, "korquad-v1.0-dev");
    assert_eq!(report.gold_questions, 5_774);
    assert!(report.recall_at_1 >= 0.9094 - 0.005, "R@1 {:.4}", report.recall_at_1);
    assert!(report.mrr_at_10 >= 0.9423 - 0.005, "MRR@10 {:.4}", report.mrr_at_10);
}

#[test]
fn scifact_quality_does_not_regress() {
    let Some(eval) = shared_eval() else {
        return skip("scifact_quality_does_not_regress", "../shared/eval not found");
    };
    let (report, _) = score(&eval, "scifact");
    assert_eq!(report.gold_questions, 300);
    assert!(report.ndcg_at_10 >= 0.6977 - 0.01, "nDCG@10 {:.4}", report.ndcg_at_10);
    assert!(report.recall_at_100 >= 0.9310 - 0.01, "R@100 {:.4}", report.recall_at_100);
}

// --- What users see: the figures of `ask` (after the confidence cut), issue 11 ---

/// Scores `questions` of `set` against the corpus of `corpus_set` (the same set, or another
/// one for out-of-domain questions).
fn score_as_asked(eval: &Path, corpus_set: &str, set: &str, ood: bool) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let opts = BuildOptions {
        corpus: eval.join(corpus_set).join("passages.jsonl"),
        index_dir: dir.path().to_path_buf(),
        force: false,
        load: Default::default(),
        memory_budget: passagebot::index::DEFAULT_MEMORY_BUDGET,
    };
    build(&opts).unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let questions = load_questions(&eval.join(set).join("questions.jsonl")).unwrap();
    let options = passagebot::eval::Options { out_of_domain: ood };
    let report = passagebot::eval::evaluate_with(&engine, &questions, options, &mut |_, _| {});
    let a = &report.asked;
    eprintln!(
        "{set} on {corpus_set}: as asked R@1 {:.4} MRR@10 {:.4} nDCG@10 {:.4} R@100 {:.4}; false no-match {:.2} %; rejected {}/{}",
        a.recall_at_1,
        a.mrr_at_10,
        a.ndcg_at_10,
        a.recall_at_100,
        100.0 * report.false_no_match_rate(),
        report.ood_rejected,
        report.ood_questions
    );
    report
}

#[test]
fn squad_as_asked_meets_its_floors_and_rejects_scifact_claims() {
    let Some(eval) = shared_eval() else {
        return skip("squad_as_asked_meets_its_floors", "../shared/eval not found");
    };
    let report = score_as_asked(&eval, "squad-v1.1-dev", "squad-v1.1-dev", false);
    assert!(report.false_no_match_rate() <= 0.02, "{:.4}", report.false_no_match_rate());
    assert!(report.asked.recall_at_1 >= 0.815, "R@1 {:.4}", report.asked.recall_at_1);
    assert!(report.asked.mrr_at_10 >= 0.865, "MRR@10 {:.4}", report.asked.mrr_at_10);
    let ood = score_as_asked(&eval, "squad-v1.1-dev", "scifact", true);
    assert_eq!(ood.ood_questions, 300);
    assert!(ood.ood_rejection_rate() >= 0.65, "{:.4}", ood.ood_rejection_rate());
}

#[test]
fn korquad_as_asked_meets_its_floors() {
    let Some(eval) = shared_eval() else {
        return skip("korquad_as_asked_meets_its_floors", "../shared/eval not found");
    };
    let report = score_as_asked(&eval, "korquad-v1.0-dev", "korquad-v1.0-dev", false);
    assert!(report.false_no_match_rate() <= 0.025, "{:.4}", report.false_no_match_rate());
    assert!(report.asked.recall_at_1 >= 0.89, "R@1 {:.4}", report.asked.recall_at_1);
    assert!(report.asked.mrr_at_10 >= 0.92, "MRR@10 {:.4}", report.asked.mrr_at_10);
}

#[test]
fn scifact_as_asked_meets_its_floors_and_rejects_squad_questions() {
    let Some(eval) = shared_eval() else {
        return skip("scifact_as_asked_meets_its_floors", "../shared/eval not found");
    };
    let report = score_as_asked(&eval, "scifact", "scifact", false);
    assert!(report.false_no_match_rate() <= 0.07, "{:.4}", report.false_no_match_rate());
    assert!(report.asked.ndcg_at_10 >= 0.64, "nDCG@10 {:.4}", report.asked.ndcg_at_10);
    assert!(report.asked.recall_at_100 >= 0.86, "R@100 {:.4}", report.asked.recall_at_100);
    let ood = score_as_asked(&eval, "scifact", "squad-v1.1-dev", true);
    assert!(ood.ood_rejection_rate() >= 0.65, "{:.4}", ood.ood_rejection_rate());
}
