//! `passagebot index`: build or rebuild the index and report what went in and what didn't.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use passagebot::index::{BuildOptions, BuildReport, Progress, build_with_progress};

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
    let opts =
        BuildOptions { corpus: args.paths.corpus, index_dir: args.paths.index, force: args.force };
    let report = build_with_bar(&opts)?;
    for skipped in &report.skipped {
        println!("skipped {}: {}", skipped.path.display(), skipped.reason);
    }
    println!("{}", summary(&report));
    Ok(ExitCode::SUCCESS)
}

/// Builds with a progress bar on a terminal for corpora that take more than a moment.
pub fn build_with_bar(opts: &BuildOptions) -> anyhow::Result<BuildReport> {
    let mut bar: Option<ProgressBar> = None;
    let interactive = std::io::stderr().is_terminal();
    let report = build_with_progress(opts, &mut |event| match event {
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
    Ok(report?)
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
