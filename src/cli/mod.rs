//! The command line: clap definitions and dispatch, one file per subcommand.

mod ask;
mod chat;
mod eval;
mod index;
mod serve;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use passagebot::corpus::LoadOptions;
use passagebot::index::{BuildOptions, Staleness};
use passagebot::search::Engine;

/// Answers questions with the best-matching passage of a corpus, from the terminal or as a
/// Telegram bot.
#[derive(Debug, Parser)]
#[command(name = "passagebot", version, about, propagate_version = true)]
pub struct Cli {
    /// Log more (info level); RUST_LOG overrides.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build or rebuild the index from the corpus.
    Index(index::IndexArgs),
    /// Answer a question (or one question per line of stdin).
    Ask(ask::AskArgs),
    /// Chat in the terminal, with the replies the bot gives.
    Chat(chat::ChatArgs),
    /// Score a question set (Recall@k, MRR, nDCG, pass rate, speed).
    Eval(eval::EvalArgs),
    /// Run the Telegram bot (token from TELOXIDE_TOKEN or the config file).
    Serve(serve::ServeArgs),
}

/// Where the corpus and the index live; shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct Paths {
    /// Corpus folder or single file (.txt, .md, .html, .jsonl).
    #[arg(long, env = "PASSAGEBOT_CORPUS", default_value = "corpus")]
    pub corpus: PathBuf,
    /// Index directory (generated data only).
    #[arg(long, env = "PASSAGEBOT_INDEX", default_value = "index")]
    pub index: PathBuf,
    /// Also index files that symbolic links in the corpus lead to outside it (by default they
    /// are skipped; devices, FIFOs and /proc files never are read).
    #[arg(long)]
    pub follow_links: bool,
}

impl Paths {
    /// How the corpus is read, from the flags.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions { follow_links: self.follow_links, ..LoadOptions::default() }
    }
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Index(args) => index::run(args),
        Command::Ask(args) => ask::run(args),
        Command::Chat(args) => chat::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Serve(args) => serve::run(args),
    }
}

/// Sets up logging to stderr: warnings by default, info with `--verbose`, or `RUST_LOG`.
/// Every line passes through the bot's redaction, so a token in a URL never reaches a log.
pub fn init_tracing(verbose: bool) {
    let default = if verbose { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(crate::bot::redact::RedactingStderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
}

/// Opens the index, building it first (with a one-line note on stderr) when it is missing
/// or older than the corpus. An index without its corpus is used as it is.
pub fn open_engine(paths: &Paths) -> anyhow::Result<Engine> {
    let opts = BuildOptions {
        corpus: paths.corpus.clone(),
        index_dir: paths.index.clone(),
        force: false,
        load: paths.load_options(),
    };
    let built = index::ensure_built_with_bar(&opts, &mut |staleness| {
        let reason = match staleness {
            Staleness::Missing => "no index yet",
            Staleness::CorpusChanged => "the corpus or the index format changed",
        };
        eprintln!(
            "note: indexing {} into {} ({reason})…",
            paths.corpus.display(),
            paths.index.display()
        );
    })?;
    if let Some(report) = built {
        eprintln!("note: {}", index::summary(&report));
    }
    Engine::open(&paths.index)
        .with_context(|| format!("opening the index in {}", paths.index.display()))
}
