//! Admin commands ([`AdminCommand`], their own branch of the handler tree, reached only by
//! admins): `/reindex` (background rebuild, sanity check, atomic switch), `/stats`, `/export`
//! (CSV, [`super::export`]), and the allow-list's `/allow`, `/deny` and `/users`.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use anyhow::{Context, bail};
use passagebot::index::BuildReport;
use passagebot::search::Engine;
use teloxide::prelude::*;
use tracing::{info, warn};

use super::commands::AdminCommand;
use super::i18n::{Language, t};
use super::outbox::{plain as send_plain, plain_turn as send_plain_turn};
use super::pace::Turn;
use super::stats::now_unix;
use super::{App, HandlerResult, Tg, metrics, outbox};

/// Skipped files listed in a reindex report at most.
const MAX_SKIPPED_LISTED: usize = 20;

/// Runs an admin command (the caller has checked that the sender is an admin).
#[tracing::instrument(skip_all, fields(chat = msg.chat.id.0))]
pub async fn on_admin_command(
    bot: Tg,
    msg: Message,
    cmd: AdminCommand,
    app: Arc<App>,
) -> HandlerResult {
    let lang = app.lang(msg.from.as_ref());
    match cmd {
        AdminCommand::Reindex => reindex(bot, msg, app, lang).await,
        AdminCommand::Stats(days) => stats(&bot, &app, &msg, &days, lang).await,
        AdminCommand::Allow(who) => set_access(&bot, &app, &msg, &who, true, lang).await,
        AdminCommand::Deny(who) => set_access(&bot, &app, &msg, &who, false, lang).await,
        AdminCommand::Users => {
            let text = app.access.listing().text(lang);
            send_plain(&bot, &app, &msg, &text).await
        }
        AdminCommand::Export => export(&bot, &app, &msg).await,
    }
}

/// `/export`: the stats as CSV documents.
async fn export(bot: &Tg, app: &Arc<App>, msg: &Message) -> HandlerResult {
    let reading = app.clone();
    let export = tokio::task::spawn_blocking(move || reading.stats.export()).await??;
    for (name, csv) in super::export::files(&export) {
        outbox::document(bot, app, msg, name, csv.into_bytes()).await?;
    }
    Ok(())
}

/// An admin command from anyone else.
pub async fn not_an_admin(bot: Tg, msg: Message, app: Arc<App>) -> HandlerResult {
    let lang = app.lang(msg.from.as_ref());
    send_plain(&bot, &app, &msg, &t!(lang, "not-admin")).await
}

/// `/allow <id>` and `/deny <id>`: a user id, a group's (negative) id, or, without one, the
/// sender of the message the command replies to.
async fn set_access(
    bot: &Tg,
    app: &App,
    msg: &Message,
    who: &str,
    allowed: bool,
    lang: Language,
) -> HandlerResult {
    let replied = msg
        .reply_to_message()
        .and_then(|m| m.from.as_ref())
        .filter(|u| !u.is_bot)
        .and_then(|u| i64::try_from(u.id.0).ok());
    let id = match who.trim() {
        "" => replied,
        text => text.parse::<i64>().ok().filter(|id| *id != 0),
    };
    let verb = if allowed { "allow" } else { "deny" };
    let Some(id) = id else {
        return send_plain(bot, app, msg, &t!(lang, "access-usage", verb = verb)).await;
    };
    let by = msg.from.as_ref().map_or(0, |u| u.id.0);
    if let Err(err) = app.access.set(id, allowed, by) {
        warn!(cause = %format!("{err:#}"), "saving the allow-list failed");
        return send_plain(bot, app, msg, &t!(lang, "access-save-failed")).await;
    }
    info!(id, allowed, by, "allow-list changed");
    // Ids as text: a number would be formatted for the language.
    let what = if id < 0 {
        t!(lang, "who-chat", id = id.to_string())
    } else {
        t!(lang, "who-user", id = id.to_string())
    };
    let text = match (allowed, app.config.access) {
        (true, super::config::Access::Open) => t!(lang, "allowed-open", who = what),
        (true, _) => t!(lang, "allowed", who = what),
        (false, _) => t!(lang, "denied", who = what),
    };
    send_plain(bot, app, msg, &text).await
}

/// `/reindex`: starts a rebuild in the background unless one is running.
async fn reindex(bot: Tg, msg: Message, app: Arc<App>, lang: Language) -> HandlerResult {
    let Some(running) = Running::start(&app) else {
        return send_plain(&bot, &app, &msg, &t!(lang, "reindex-running")).await;
    };
    send_plain(&bot, &app, &msg, &t!(lang, "reindex-started")).await?;
    tokio::spawn(async move {
        let started = Instant::now();
        let app = running.0.clone();
        let text = match rebuild_gated(running).await {
            Ok(report) => report_text(&report, started.elapsed().as_secs_f64(), lang),
            Err(why) => t!(lang, "reindex-failed", why = why),
        };
        // Queued, not bounded: the admin waits for this report.
        if let Err(err) = send_plain_turn(&bot, &app, &msg, &text, Turn::Queued).await {
            warn!(cause = %err, "could not send the reindex report");
        }
    });
    Ok(())
}

/// The one reindex gate, for `/reindex` and the corpus watcher ([`super::watch`]): builds a
/// generation on the blocking pool, checks it, makes it live; counted in the metrics. The
/// error says why the old index stays live.
pub(super) async fn rebuild_gated(running: Running) -> Result<BuildReport, String> {
    let building = running.0.clone();
    let outcome = tokio::task::spawn_blocking(move || rebuild(&building)).await;
    drop(running);
    match outcome {
        Ok(Ok(report)) => {
            metrics::global().reindexed(true);
            info!(documents = report.documents, passages = report.passages, "reindexed");
            Ok(report)
        }
        Ok(Err(err)) => {
            metrics::global().reindexed(false);
            warn!(cause = %format!("{err:#}"), "reindex failed");
            Err(format!("{err:#}"))
        }
        Err(err) => {
            metrics::global().reindexed(false);
            warn!(cause = %err, "reindex crashed");
            Err(format!("the rebuild crashed ({err})"))
        }
    }
}

/// A reindex running: holds the "reindex running" flag, cleared when dropped, whatever
/// happened.
pub(super) struct Running(Arc<App>);

impl Running {
    /// Takes the flag, unless a reindex is already running.
    pub(super) fn start(app: &Arc<App>) -> Option<Running> {
        (!app.reindexing.swap(true, Ordering::SeqCst)).then(|| Running(app.clone()))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.reindexing.store(false, Ordering::SeqCst);
    }
}

/// Builds a fresh generation, checks it, publishes it and swaps it in.
fn rebuild(app: &App) -> anyhow::Result<BuildReport> {
    let staged = passagebot::index::stage(&app.config.build_options(true))
        .context("building the new index")?;
    if staged.report().documents == 0 {
        bail!("the new index holds no document");
    }
    let engine = passagebot::search::Engine::open_generation(staged.path())
        .context("opening the new index")?;
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
        if engine.ask(question, 1)?.answers.is_empty() {
            bail!("sanity check failed: \"{question}\" gets no answer from the new index");
        }
    }
    Ok(())
}

fn report_text(report: &BuildReport, seconds: f64, lang: Language) -> String {
    let mut text = t!(
        lang,
        "reindexed",
        seconds = format!("{seconds:.1}"),
        documents = report.documents,
        passages = report.passages,
    );
    if !report.skipped.is_empty() {
        text.push_str(&format!("\n{}", t!(lang, "reindex-skipped", count = report.skipped.len())));
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
async fn stats(
    bot: &Tg,
    app: &Arc<App>,
    msg: &Message,
    days: &str,
    lang: Language,
) -> HandlerResult {
    let days = match days.trim() {
        "" => 7,
        text => match text.parse::<u32>() {
            Ok(days @ 1..=3650) => days,
            _ => {
                return send_plain(bot, app, msg, &t!(lang, "stats-usage")).await;
            }
        },
    };
    let since = now_unix().saturating_sub(i64::from(days) * 86_400);
    let app2 = app.clone();
    let summary = tokio::task::spawn_blocking(move || app2.stats.summary(since)).await??;
    let mut text = summary.text(days, lang);
    if app.stats.memory_only().is_some() {
        text.push_str(&format!("\n{}", t!(lang, "stats-memory-only")));
    }
    send_plain(bot, app, msg, &text).await
}
