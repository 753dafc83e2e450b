//! `passagebot index`: build or rebuild the index and report what went in and what didn't.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use passagebot::index::{
    BuildOptions, BuildReport, Progress, Staleness, build_with_progress, ensure_built,
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
    let load = args.paths.load_options();
    let opts = BuildOptions {
        corpus: args.paths.corpus,
        index_dir: args.paths.index,
        force: args.force,
        load,
    };
    let report = build_with_bar(&opts)?;
    for skipped in &report.skipped {
        println!("skipped {}: {}", skipped.path.display(), skipped.reason);
    }
    println!("{}", summary(&report));
    Ok(ExitCode::SUCCESS)
}

/// Builds with a progress bar on a terminal for corpora that take more than a moment.
pub fn build_with_bar(opts: &BuildOptions) -> anyhow::Result<BuildReport> {
    with_bar(|progress| build_with_progress(opts, progress))
}

/// [`ensure_built`] with a progress bar; `before_build` hears why a build starts.
pub fn ensure_built_with_bar(
    opts: &BuildOptions,
    before_build: &mut dyn FnMut(Staleness),
) -> anyhow::Result<Option<BuildReport>> {
    let built = with_bar(|progress| ensure_built(opts, progress, before_build))?;
    Ok(built.map(|(_, report)| report))
}

/// Runs `work` with a progress callback that drives a bar on an interactive stderr.
fn with_bar<T>(
    work: impl FnOnce(&mut dyn FnMut(Progress)) -> passagebot::Result<T>,
) -> anyhow::Result<T> {
    let mut bar: Option<ProgressBar> = None;
    let interactive = std::io::stderr().is_terminal();
    let result = work(&mut |event| match event {
        Progress::Segmented { passages, .. } if interactive && passages > 5_000 => {
            let b = ProgressBar::new(passages as u64);
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} passages {eta}") {
                b.set_style(style);
            }
            bar = Some(b);
        }
        Progress::Indexed { done } => {
            if let Some(b) = &bar {
                b.set_position(done as u64);
            }
        }
        Progress::Segmented { .. } => {}
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
