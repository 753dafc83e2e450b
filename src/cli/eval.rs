//! `passagebot eval`: score a question set and print the metrics, failures and speed.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use passagebot::eval::{evaluate, load_questions};
use passagebot::index::{BuildOptions, build};
use passagebot::search::{Engine, Tuning};

/// Arguments of `passagebot eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Question set (JSON Lines with `gold` ids or `expect_*` fields).
    #[arg(long)]
    questions: PathBuf,
    /// Corpus to index for the run (folder, or a .jsonl file such as passages.jsonl).
    #[arg(long, env = "PASSAGEBOT_CORPUS", default_value = "corpus")]
    corpus: PathBuf,
    /// Index directory; defaults to `index/` for the default corpus and to a cache
    /// directory under the system temp dir for any other corpus.
    #[arg(long)]
    index: Option<PathBuf>,
    /// Plain BM25 on the text field (the baseline), instead of the full ranking.
    #[arg(long)]
    baseline: bool,
    /// Override a ranking knob, e.g. `--tune sentence=0.5` (repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    tune: Vec<String>,
    /// How many failures to list.
    #[arg(long, default_value_t = 10)]
    show_failures: usize,
}

/// Runs `passagebot eval`.
pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let index_dir = args.index.clone().unwrap_or_else(|| default_index_for(&args.corpus));
    let build_started = Instant::now();
    let report = build(&BuildOptions {
        corpus: args.corpus.clone(),
        index_dir: index_dir.clone(),
        force: false,
        load: Default::default(),
        memory_budget: passagebot::index::DEFAULT_MEMORY_BUDGET,
    })?;
    let build_note = if report.up_to_date {
        "index up to date".to_string()
    } else {
        format!("index built in {:.2} s", build_started.elapsed().as_secs_f64())
    };
    let mut engine =
        Engine::open(&index_dir).with_context(|| format!("opening {}", index_dir.display()))?;
    let mut tuning = if args.baseline { Tuning::plain_bm25() } else { Tuning::default() };
    for knob in &args.tune {
        let (key, value) =
            knob.split_once('=').with_context(|| format!("--tune {knob}: expected KEY=VALUE"))?;
        tuning.set(key, value).map_err(anyhow::Error::msg)?;
    }
    engine.set_tuning(tuning);
    let questions = load_questions(&args.questions)?;
    let report = evaluate(&engine, &questions);
    let info = engine.info();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} questions over {} passages ({} documents); {build_note}",
        args.questions.display(),
        report.questions,
        info.passages,
        info.documents
    )?;
    if report.gold_questions > 0 {
        writeln!(
            out,
            "R@1 {:.4}  R@5 {:.4}  R@10 {:.4}  MRR@10 {:.4}  nDCG@10 {:.4}  R@100 {:.4}  no-match {} ({:.2}%)",
            report.recall_at_1,
            report.recall_at_5,
            report.recall_at_10,
            report.mrr_at_10,
            report.ndcg_at_10,
            report.recall_at_100,
            report.gold_no_match,
            100.0 * report.gold_no_match as f64 / report.gold_questions as f64
        )?;
    }
    if report.expect_questions > 0 {
        writeln!(out, "pass {}/{}", report.expect_passed, report.expect_questions)?;
    }
    writeln!(
        out,
        "speed {:.0} questions/s ({:.3} s in all, one thread)",
        report.questions_per_second(),
        report.elapsed.as_secs_f64()
    )?;
    for failure in report.failures.iter().take(args.show_failures) {
        writeln!(out, "FAIL {} {:?}: {}", failure.id, failure.question, failure.detail)?;
    }
    let failed_expectations = report.expect_passed < report.expect_questions;
    Ok(if failed_expectations { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

/// `index/` for the bundled corpus, else a per-corpus cache directory.
fn default_index_for(corpus: &std::path::Path) -> PathBuf {
    if corpus == std::path::Path::new("corpus") {
        return PathBuf::from("index");
    }
    let absolute = std::fs::canonicalize(corpus).unwrap_or_else(|_| corpus.to_path_buf());
    let hash = blake3::hash(absolute.to_string_lossy().as_bytes()).to_hex();
    std::env::temp_dir().join(format!("passagebot-eval-{}", &hash[..16]))
}
