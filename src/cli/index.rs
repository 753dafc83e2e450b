//! `passagebot index`: build or rebuild the index and report what went in and what didn't.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use passagebot::index::{
    BuildOptions, BuildReport, DEFAULT_LOCK_WAIT, Ensured, Notice, Progress, Staleness,
    build_with_notices, ensure_fresh,
};

use super::Paths;

/// Arguments of `passagebot index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    #[command(flatten)]
    paths: Paths,
    /// Rebuild even if the corpus is unchanged.
    #[arg(long)]
    force: bool,
}

/// Runs `passagebot index`.
pub fn run(args: IndexArgs) -> anyhow::Result<ExitCode> {
    let opts = BuildOptions {
        corpus: args.paths.corpus(),
        load: args.paths.load_options(),
        memory_budget: args.paths.memory_budget(),
        index_dir: args.paths.index,
        force: args.force,
    };
    let index_dir = opts.index_dir.display().to_string();
    let report = with_bar(|progress| {
        build_with_notices(&opts, progress, &mut |notice| match notice {
            Notice::Waiting { wait } => eprintln!("{}", waiting_note(&index_dir, wait)),
            // A missing index or a changed corpus is what `index` is for: no note.
            Notice::Building(Staleness::Missing | Staleness::CorpusChanged) => {}
            Notice::Building(other) => eprintln!("note: rebuilding: {}", other.reason()),
        })
    })?;
    let mut out = std::io::stdout().lock();
    for skipped in &report.skipped {
        writeln!(out, "skipped {}: {}", skipped.path.display(), skipped.reason)?;
    }
    writeln!(out, "{}", summary(&report))?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The note shown while another build holds the lock.
pub fn waiting_note(index_dir: &str, wait: Duration) -> String {
    format!(
        "note: another build is running on {index_dir}; waiting for it (up to {} min)…",
        wait.as_secs().div_ceil(60)
    )
}

/// [`ensure_fresh`] with a progress bar; `notice` hears about waits and why a build starts.
pub fn ensure_fresh_with_bar(
    opts: &BuildOptions,
    notice: &mut dyn FnMut(Notice),
) -> anyhow::Result<Ensured> {
    with_bar(|progress| ensure_fresh(opts, DEFAULT_LOCK_WAIT, progress, notice))
}

/// Runs `work` with a progress callback that drives a bar on an interactive stderr.
fn with_bar<T>(
    work: impl FnOnce(&mut dyn FnMut(Progress)) -> passagebot::Result<T>,
) -> anyhow::Result<T> {
    let mut bar: Option<ProgressBar> = None;
    let interactive = std::io::stderr().is_terminal();
    let result = work(&mut |event| match event {
        Progress::Read { bytes, .. } if interactive && bytes > 4 * 1024 * 1024 => {
            let b = ProgressBar::new(bytes as u64);
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}")
            {
                b.set_style(style);
            }
            bar = Some(b);
        }
        Progress::Indexed { bytes, .. } => {
            if let Some(b) = &bar {
                b.set_position(bytes as u64);
            }
        }
        Progress::Read { .. } => {}
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(result?)
}

/// One line: documents, passages, skipped files and time (or "up to date").
pub fn summary(report: &BuildReport) -> String {
    if report.up_to_date {
        return format!(
            "index up to date ({}): {} documents, {} passages, {} skipped; use --force to rebuild",
            report.generation,
            report.documents,
            report.passages,
            report.skipped.len()
        );
    }
    format!(
        "indexed {} documents, {} passages, {} skipped in {:.2} s ({})",
        report.documents,
        report.passages,
        report.skipped.len(),
        report.elapsed.as_secs_f64(),
        report.generation
    )
}
