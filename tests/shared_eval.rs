//! Quality guards on the data in `../shared/eval` (present in CI, absent in a fresh clone:
//! then each test says SKIPPED on stderr). They fail when a change loses the levels reached:
//! the seed set must pass in full; SQuAD and KorQuAD Recall@1 / MRR@10 must stay within
//! 0.005, SciFact nDCG@10 within 0.01 (300 claims only), of the figures in the README; each
//! real-docs set, run through the release binary as `real-docs/score.py` runs it, must keep
//! top-1, top-5 and out-of-domain rejections at or above floors a little under the figures
//! measured (README).

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
    let report = evaluate(&engine, &questions).expect("evaluation");
    assert_eq!(report.expect_questions, 20);
    let failures: Vec<String> =
        report.failures.iter().map(|f| format!("{} {}: {}", f.id, f.question, f.detail)).collect();
    assert_eq!(report.expect_passed, 20, "{failures:#?}");
}

/// An index of the `passages.jsonl` of `set`, built in a temp dir (kept alive with it).
fn index_of(eval: &Path, set: &str) -> (tempfile::TempDir, Engine, BuildReport) {
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
    (dir, engine, built)
}

/// Scores the questions of `set` on `engine` (built from `corpus_set`: the same set, or
/// another one for out-of-domain questions). One run gives both the ranking's figures and
/// those of what `ask` returns after the confidence cut, so each set is indexed and asked
/// once for both guards.
fn score(engine: &Engine, eval: &Path, corpus_set: &str, set: &str, ood: bool) -> Report {
    let questions = load_questions(&eval.join(set).join("questions.jsonl")).unwrap();
    let options = passagebot::eval::Options { out_of_domain: ood };
    let report = passagebot::eval::evaluate_with(engine, &questions, options, &mut |_, _| {})
        .expect("evaluation");
    let a = &report.asked;
    eprintln!(
        "{set} on {corpus_set}: ranking R@1 {:.4} MRR@10 {:.4} nDCG@10 {:.4} R@100 {:.4}; as asked R@1 {:.4} MRR@10 {:.4} nDCG@10 {:.4} R@100 {:.4}; false no-match {:.2} %; rejected {}/{}",
        report.recall_at_1,
        report.mrr_at_10,
        report.ndcg_at_10,
        report.recall_at_100,
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
fn squad_quality_holds_ranked_and_as_asked_and_scifact_claims_are_rejected() {
    let Some(eval) = shared_eval() else {
        return skip("squad_quality_holds_ranked_and_as_asked", "../shared/eval not found");
    };
    let (_dir, engine, built) = index_of(&eval, "squad-v1.1-dev");
    assert_eq!(built.documents, 2067, "every SQuAD paragraph is one document");
    let report = score(&engine, &eval, "squad-v1.1-dev", "squad-v1.1-dev", false);
    assert_eq!(report.gold_questions, 10_570);
    // The ranking, before the cut: within 0.005 of the README.
    assert!(report.recall_at_1 >= 0.8283 - 0.005, "R@1 {:.4}", report.recall_at_1);
    assert!(report.mrr_at_10 >= 0.8807 - 0.005, "MRR@10 {:.4}", report.mrr_at_10);
    // What users see.
    assert!(report.false_no_match_rate() <= 0.02, "{:.4}", report.false_no_match_rate());
    assert!(report.asked.recall_at_1 >= 0.82, "R@1 {:.4}", report.asked.recall_at_1);
    assert!(report.asked.mrr_at_10 >= 0.87, "MRR@10 {:.4}", report.asked.mrr_at_10);
    let ood = score(&engine, &eval, "squad-v1.1-dev", "scifact", true);
    assert_eq!(ood.ood_questions, 300);
    assert!(ood.ood_rejection_rate() >= 0.65, "{:.4}", ood.ood_rejection_rate());
}

#[test]
fn korquad_quality_holds_ranked_and_as_asked() {
    let Some(eval) = shared_eval() else {
        return skip("korquad_quality_holds_ranked_and_as_asked", "../shared/eval not found");
    };
    let (_dir, engine, _) = index_of(&eval, "korquad-v1.0-dev");
    let report = score(&engine, &eval, "korquad-v1.0-dev", "korquad-v1.0-dev", false);
    assert_eq!(report.gold_questions, 5_774);
    assert!(report.recall_at_1 >= 0.9094 - 0.005, "R@1 {:.4}", report.recall_at_1);
    assert!(report.mrr_at_10 >= 0.9423 - 0.005, "MRR@10 {:.4}", report.mrr_at_10);
    assert!(report.false_no_match_rate() <= 0.01, "{:.4}", report.false_no_match_rate());
    assert!(report.asked.recall_at_1 >= 0.905, "R@1 {:.4}", report.asked.recall_at_1);
    assert!(report.asked.mrr_at_10 >= 0.938, "MRR@10 {:.4}", report.asked.mrr_at_10);
}

#[test]
fn scifact_quality_holds_ranked_and_as_asked_and_squad_questions_are_rejected() {
    let Some(eval) = shared_eval() else {
        return skip("scifact_quality_holds_ranked_and_as_asked", "../shared/eval not found");
    };
    let (_dir, engine, _) = index_of(&eval, "scifact");
    let report = score(&engine, &eval, "scifact", "scifact", false);
    assert_eq!(report.gold_questions, 300);
    assert!(report.ndcg_at_10 >= 0.6977 - 0.01, "nDCG@10 {:.4}", report.ndcg_at_10);
    assert!(report.recall_at_100 >= 0.9310 - 0.01, "R@100 {:.4}", report.recall_at_100);
    assert!(report.false_no_match_rate() <= 0.07, "{:.4}", report.false_no_match_rate());
    assert!(report.asked.ndcg_at_10 >= 0.66, "nDCG@10 {:.4}", report.asked.ndcg_at_10);
    assert!(report.asked.recall_at_100 >= 0.88, "R@100 {:.4}", report.asked.recall_at_100);
    let ood = score(&engine, &eval, "scifact", "squad-v1.1-dev", true);
    assert!(ood.ood_rejection_rate() >= 0.65, "{:.4}", ood.ood_rejection_rate());
}

/// What one real-docs set scored through the binary, counted as `score.py` counts.
#[derive(Debug, Default)]
struct RealDocs {
    /// In-domain questions whose first passage holds an expected string.
    top1: usize,
    /// In-domain questions with such a passage among the first five.
    top5: usize,
    /// Out-of-domain questions answered "no good match".
    rejected: usize,
}

/// Folds text as `score.py` does: curly quotes to straight ones, no-break spaces to spaces,
/// soft hyphens dropped, white space runs to one space, lower case.
fn fold(text: &str) -> String {
    let mapped: String = text
        .chars()
        .filter(|c| *c != '\u{ad}')
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{a0}' => ' ',
            other => other,
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Whether a passage text answers a question: it holds one of `expect_any`, or all of
/// `expect_all`.
fn hits(question: &serde_json::Value, text: &str) -> bool {
    let text = fold(text);
    let strings = |key: &str| -> Vec<String> {
        question[key]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s.as_str()).map(fold).collect())
            .unwrap_or_default()
    };
    let (all, any) = (strings("expect_all"), strings("expect_any"));
    if !all.iter().all(|s| text.contains(s.as_str())) {
        return false;
    }
    if any.is_empty() { !all.is_empty() } else { any.iter().any(|s| text.contains(s.as_str())) }
}

/// Runs the release binary's `index` and `ask --json --top 5` over a real-docs set, as
/// `score.py` does, and counts the results.
fn real_docs(eval: &Path, set: &str) -> RealDocs {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let folder = eval.join("real-docs").join(set);
    let corpus = folder.join("corpus");
    let index = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_passagebot");
    let built = Command::new(bin)
        .args(["index", "--corpus"])
        .arg(&corpus)
        .arg("--index")
        .arg(index.path())
        .output()
        .unwrap();
    assert!(built.status.success(), "{set}: {}", String::from_utf8_lossy(&built.stderr));
    let questions: Vec<serde_json::Value> = std::fs::read_to_string(folder.join("questions.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut child = Command::new(bin)
        .args(["ask", "--json", "--top", "5", "--corpus"])
        .arg(&corpus)
        .arg("--index")
        .arg(index.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for question in &questions {
        writeln!(stdin, "{}", question["question"].as_str().unwrap()).unwrap();
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let lines: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), questions.len(), "{set}: one answer line per question");
    let mut score = RealDocs::default();
    for (question, line) in questions.iter().zip(&lines) {
        let answer: serde_json::Value = serde_json::from_str(line).unwrap();
        let texts: Vec<&str> = answer["answers"]
            .as_array()
            .map(|a| a.iter().take(5).filter_map(|x| x["text"].as_str()).collect())
            .unwrap_or_default();
        if question["expect_none"].as_bool() == Some(true) {
            score.rejected += usize::from(texts.is_empty());
            continue;
        }
        score.top1 += usize::from(texts.first().is_some_and(|t| hits(question, t)));
        score.top5 += usize::from(texts.iter().any(|t| hits(question, t)));
    }
    eprintln!("real-docs {set}: {score:?}");
    score
}

/// Guards one real-docs set: top-1, top-5 and rejected at least the floors given.
fn guard_real_docs(test: &str, set: &str, floors: (usize, usize, usize)) {
    let Some(eval) = shared_eval().filter(|e| e.join("real-docs").join(set).is_dir()) else {
        return skip(test, "../shared/eval/real-docs not found");
    };
    let got = real_docs(&eval, set);
    let (top1, top5, rejected) = floors;
    assert!(got.top1 >= top1, "{set}: top-1 {} < {top1}", got.top1);
    assert!(got.top5 >= top5, "{set}: top-5 {} < {top5}", got.top5);
    assert!(got.rejected >= rejected, "{set}: rejected {} < {rejected}", got.rejected);
}

#[test]
fn real_docs_mutt_txt_does_not_regress() {
    guard_real_docs("real_docs_mutt_txt_does_not_regress", "mutt-txt", (29, 35, 8));
}

#[test]
fn real_docs_pdf_manual_slides_does_not_regress() {
    guard_real_docs(
        "real_docs_pdf_manual_slides_does_not_regress",
        "pdf-manual-slides",
        (31, 34, 8),
    );
}

#[test]
fn real_docs_git_html_does_not_regress() {
    guard_real_docs("real_docs_git_html_does_not_regress", "git-html", (18, 23, 8));
}

#[test]
fn real_docs_ebook_office_does_not_regress() {
    guard_real_docs("real_docs_ebook_office_does_not_regress", "ebook-office", (29, 38, 8));
}
