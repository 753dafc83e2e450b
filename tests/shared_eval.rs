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
