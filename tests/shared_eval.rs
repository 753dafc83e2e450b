//! Quality guards on the data in `../shared/eval` (present in CI, absent in a fresh clone:
//! then each test says SKIPPED on stderr). They fail when a change loses the levels reached:
//! the seed set must pass in full, SQuAD Recall@1 / MRR@10 must stay within 0.005 of the
//! figures in the README.

use passagebot::eval::{evaluate, load_questions};
use passagebot::index::{BuildOptions, build};
use passagebot::search::Engine;

use crate::env::{bundled_corpus, shared_eval, skip};

#[test]
fn seed_questions_all_pass() {
    let Some(eval) = shared_eval() else {
        return skip("seed_questions_all_pass", "../shared/eval not found");
    };
    let dir = tempfile::tempdir().unwrap();
    let opts = BuildOptions {
        corpus: bundled_corpus(),
        index_dir: dir.path().to_path_buf(),
        force: false,
    };
    build(&opts).unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let questions = load_questions(&eval.join("seed/questions.jsonl")).unwrap();
    let report = evaluate(&engine, &questions);
    assert_eq!(report.expect_questions, 20);
    let failures: Vec<String> =
        report.failures.iter().map(|f| format!("{} {}: {}", f.id, f.question, f.detail)).collect();
    assert_eq!(report.expect_passed, 20, "{failures:#?}");
}

/// Levels reached (README "Quality"): a drop below these minus the tolerance fails.
const SQUAD_RECALL_AT_1: f64 = 0.8250;
const SQUAD_MRR_AT_10: f64 = 0.8790;
const TOLERANCE: f64 = 0.005;

#[test]
fn squad_quality_does_not_regress() {
    let Some(eval) = shared_eval() else {
        return skip("squad_quality_does_not_regress", "../shared/eval not found");
    };
    let dir = tempfile::tempdir().unwrap();
    let opts = BuildOptions {
        corpus: eval.join("squad-v1.1-dev/passages.jsonl"),
        index_dir: dir.path().to_path_buf(),
        force: false,
    };
    let built = build(&opts).unwrap();
    assert_eq!(built.passages, 2067, "every SQuAD paragraph is one passage");
    let engine = Engine::open(dir.path()).unwrap();
    let questions = load_questions(&eval.join("squad-v1.1-dev/questions.jsonl")).unwrap();
    assert_eq!(questions.len(), 10_570);
    let report = evaluate(&engine, &questions);
    eprintln!("SQuAD R@1 {:.4} MRR@10 {:.4}", report.recall_at_1, report.mrr_at_10);
    assert!(report.recall_at_1 >= SQUAD_RECALL_AT_1 - TOLERANCE, "R@1 {:.4}", report.recall_at_1);
    assert!(report.mrr_at_10 >= SQUAD_MRR_AT_10 - TOLERANCE, "MRR@10 {:.4}", report.mrr_at_10);
}
