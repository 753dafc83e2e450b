//! Admin commands: `/reindex` (background rebuild, sanity check, atomic switch) and `/stats`.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use anyhow::{Context, bail};
use passagebot::index::{BuildOptions, BuildReport};
use passagebot::search::Engine;
use teloxide::prelude::*;
use tracing::{info, warn};

use super::handlers::{now_unix, send_plain, send_plain_turn};
use super::pace::Turn;
use super::{App, HandlerResult, Tg};

/// Skipped files listed in a reindex report at most.
const MAX_SKIPPED_LISTED: usize = 20;

/// `/reindex`: starts a rebuild in the background unless one is running.
pub async fn reindex(bot: Tg, msg: Message, app: Arc<App>) -> HandlerResult {
    if app.reindexing.swap(true, Ordering::SeqCst) {
        return send_plain(
            &bot,
            &app,
            &msg,
            "A reindex is already running; I'll report when it's done.",
        )
        .await;
    }
    let running = Running(app.clone());
    send_plain(&bot, &app, &msg, "Reindexing… I keep answering from the current index meanwhile.")
        .await?;
    tokio::spawn(async move {
        let started = Instant::now();
        let app = running.0.clone();
        let building = app.clone();
        let outcome = tokio::task::spawn_blocking(move || rebuild(&building)).await;
        drop(running);
        let text = match outcome {
            Ok(Ok(report)) => {
                info!(documents = report.documents, passages = report.passages, "reindexed");
                report_text(&report, started.elapsed().as_secs_f64())
            }
            Ok(Err(err)) => {
                warn!(cause = %format!("{err:#}"), "reindex failed");
                format!("Reindex failed; the old index stays live.\nWhy: {err:#}")
            }
            Err(err) => format!("Reindex crashed ({err}); the old index stays live."),
        };
        // Queued, not bounded: the admin waits for this report.
        if let Err(err) = send_plain_turn(&bot, &app, &msg, &text, Turn::Queued).await {
            warn!(cause = %err, "could not send the reindex report");
        }
    });
    Ok(())
}

/// Clears the "reindex running" flag when dropped, whatever happened.
struct Running(Arc<App>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.reindexing.store(false, Ordering::SeqCst);
    }
}

/// Builds a fresh generation, checks it, publishes it and swaps it in.
fn rebuild(app: &App) -> anyhow::Result<BuildReport> {
    let opts = BuildOptions {
        corpus: app.config.corpus_path(),
        index_dir: app.config.index.clone(),
        force: true,
        load: app.config.load_options(),
        memory_budget: app.config.memory_budget(),
    };
    let staged = passagebot::index::stage(&opts).context("building the new index")?;
    if staged.report().documents == 0 {
        bail!("the new index holds no document");
    }
    let engine = staged.open().context("opening the new index")?;
    sanity_check(&engine, &app.config.sanity_questions)?;
    let report = staged.publish().context("making the new index live")?;
    app.engine.replace(engine);
    Ok(report)
}

/// Passages the default sanity check asks for.
const SANITY_SAMPLES: usize = 5;

/// Every configured sanity question must get an answer; without any, a sample of passages
/// spread over the new index must each come back for its own most informative sentence
/// ([`passagebot::search::self_check`]), which a sound index passes on any corpus.
fn sanity_check(engine: &Engine, configured: &[String]) -> anyhow::Result<()> {
    if configured.is_empty() {
        return match passagebot::search::self_check(engine, SANITY_SAMPLES)? {
            Ok(_) => Ok(()),
            Err(failure) => bail!("sanity check failed: {failure}"),
        };
    }
    for question in configured {
        if engine.try_ask(question, 1)?.answers.is_empty() {
            bail!("sanity check failed: \"{question}\" gets no answer from the new index");
        }
    }
    Ok(())
}

fn report_text(report: &BuildReport, seconds: f64) -> String {
    let mut text = format!(
        "Reindexed in {seconds:.1} s: {} document(s), {} passage(s). The new index is live.",
        report.documents, report.passages
    );
    if !report.skipped.is_empty() {
        text.push_str(&format!("\nSkipped {} file(s):", report.skipped.len()));
        for file in report.skipped.iter().take(MAX_SKIPPED_LISTED) {
            text.push_str(&format!("\n• {} — {}", file.path.display(), file.reason));
        }
        if report.skipped.len() > MAX_SKIPPED_LISTED {
            text.push_str("\n…");
        }
    }
    text
}

/// `/stats [days]`: the summary of the last `days` days (default 7).
pub async fn stats(bot: &Tg, app: &Arc<App>, msg: &Message, days: &str) -> HandlerResult {
    let days = match days.trim() {
        "" => 7,
        text => match text.parse::<u32>() {
            Ok(days @ 1..=3650) => days,
            _ => {
                return send_plain(bot, app, msg, "Usage: /stats or /stats <days>, e.g. /stats 30")
                    .await;
            }
        },
    };
    let since = now_unix().saturating_sub(u64::from(days) * 86_400) as i64;
    let app2 = app.clone();
    let summary = tokio::task::spawn_blocking(move || app2.stats.summary(since)).await??;
    let mut text = summary.text(days);
    if app.stats.memory_only().is_some() {
        text.push_str(
            "\n(Counted in memory since the bot started: the stats database could not be used; see the log.)",
        );
    }
    send_plain(bot, app, msg, &text).await
}
