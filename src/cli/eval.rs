//! `passagebot eval`: score a question set and print the metrics, failures and speed.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use passagebot::eval::{Options, Question, evaluate_with, load_questions};
use passagebot::index::{BuildOptions, build};
use passagebot::search::{Engine, Ranking, Tuning};

/// Arguments of `passagebot eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Question set (JSON Lines with `gold` ids or `expect_*` fields).
    #[arg(long)]
    questions: PathBuf,
    /// Corpus to index for the run (folder, or a .jsonl file such as passages.jsonl)
    /// [default: the corpus `--index` was built from, else `corpus`].
    #[arg(long, env = "PASSAGEBOT_CORPUS")]
    corpus: Option<PathBuf>,
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
    /// Confidence (0–1) below which a reply is "no good match" [default: the fitted model's
    /// documented threshold, 0.22].
    #[arg(long, value_name = "P")]
    min_confidence: Option<f32>,
    /// Every question is out of domain (e.g. asked of another set's corpus): report how many
    /// are rejected as "no good match".
    #[arg(long)]
    out_of_domain: bool,
    /// Write the confidence model's features of every question's best passage to this file
    /// (JSON Lines), for `benches/fit_confidence.py`.
    #[arg(long, value_name = "FILE")]
    features: Option<PathBuf>,
}

/// Runs `passagebot eval`.
pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let corpus = super::corpus_for(args.corpus.as_deref(), args.index.as_deref());
    let index_dir = args.index.clone().unwrap_or_else(|| default_index_for(&corpus));
    let build_started = Instant::now();
    let report = build(&BuildOptions {
        corpus,
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
    super::apply_tunes(&mut tuning, &args.tune)?;
    if let Some(p) = args.min_confidence {
        tuning.min_confidence = p.clamp(0.0, 1.0);
    }
    engine.set_tuning(tuning);
    let questions = load_questions(&args.questions)?;
    let options = Options { out_of_domain: args.out_of_domain };
    let mut dump = match &args.features {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => None,
    };
    let mut dump_error = None;
    let report = evaluate_with(&engine, &questions, options, &mut |question, ranking| {
        let Some(out) = dump.as_mut() else { return };
        let line = feature_line(&engine, question, ranking, args.out_of_domain);
        if let Err(err) = writeln!(out, "{line}") {
            dump_error.get_or_insert(err);
        }
    })?;
    if let Some(err) = dump_error {
        return Err(anyhow::Error::new(err).context("writing the feature file"));
    }
    if let Some(mut out) = dump {
        out.flush().context("writing the feature file")?;
    }
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
    let threshold = engine.tuning().min_confidence;
    if report.gold_questions > 0 {
        let a = &report.asked;
        writeln!(
            out,
            "as asked (confidence ≥ {threshold}): R@1 {:.4}  R@5 {:.4}  R@10 {:.4}  MRR@10 {:.4}  nDCG@10 {:.4}  R@100 {:.4}",
            a.recall_at_1,
            a.recall_at_5,
            a.recall_at_10,
            a.mrr_at_10,
            a.ndcg_at_10,
            a.recall_at_100,
        )?;
        writeln!(
            out,
            "ranking only:  R@1 {:.4}  R@5 {:.4}  R@10 {:.4}  MRR@10 {:.4}  nDCG@10 {:.4}  R@100 {:.4}",
            report.recall_at_1,
            report.recall_at_5,
            report.recall_at_10,
            report.mrr_at_10,
            report.ndcg_at_10,
            report.recall_at_100,
        )?;
    }
    if report.expect_questions > 0 {
        writeln!(out, "pass {}/{}", report.expect_passed, report.expect_questions)?;
    }
    let in_domain = report.gold_questions + report.answerable_questions;
    if in_domain > 0 {
        writeln!(
            out,
            "false no-match {}/{in_domain} ({:.2}%)",
            report.gold_no_match + report.answerable_no_match,
            100.0 * report.false_no_match_rate()
        )?;
    }
    if report.ood_questions > 0 {
        writeln!(
            out,
            "out of domain rejected {}/{} ({:.2}%)",
            report.ood_rejected,
            report.ood_questions,
            100.0 * report.ood_rejection_rate()
        )?;
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

/// How many of the best candidates a feature-dump line describes.
const DUMPED_CANDIDATES: usize = 20;

/// One line of the feature dump: the question, whether it is in domain, the best passage's
/// confidence features (see `passagebot::search::CONFIDENCE_FEATURES`) and the decision.
fn feature_line(engine: &Engine, question: &Question, ranking: &Ranking, ood: bool) -> String {
    let features = ranking.hits.first().map(|best| engine.confidence_features(best));
    let top_doc = ranking
        .hits
        .first()
        .and_then(|best| engine.passage_by_number(best.number))
        .map(|p| p.doc_id.clone());
    // The best re-ranked candidates' scores, for trying new features without a rebuild.
    let candidates: Vec<serde_json::Value> = ranking
        .hits
        .iter()
        .take(DUMPED_CANDIDATES)
        .map(|hit| {
            serde_json::json!({
                "score": hit.score,
                "bm25": hit.evidence.bm25,
                "with_headings": hit.evidence.with_headings,
            })
        })
        .collect();
    let line = serde_json::json!({
        "id": question.id,
        "passages": engine.info().passages,
        "in_domain": !ood && !question.expect_none,
        "features": features,
        "confidence": ranking.confidence,
        "answered": ranking.answered,
        "top_gold": top_doc.is_some_and(|d| question.gold.contains(&d)),
        "candidates": candidates,
    });
    line.to_string()
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
