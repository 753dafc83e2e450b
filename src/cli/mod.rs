//! The command line: clap definitions and dispatch, one file per subcommand.

mod ask;
mod chat;
mod eval;
mod index;
mod serve;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use passagebot::corpus::LoadOptions;
use passagebot::index::{BuildOptions, Ensured, Notice, remembered_corpus};
use passagebot::search::{Engine, Tuning};

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

/// Applies `--tune KEY=VALUE` overrides (`ask`, `eval`) to `tuning`, in order.
fn apply_tunes(tuning: &mut Tuning, knobs: &[String]) -> anyhow::Result<()> {
    for knob in knobs {
        let (key, value) =
            knob.split_once('=').with_context(|| format!("--tune {knob}: expected KEY=VALUE"))?;
        tuning.set(key, value).map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

/// Where the corpus and the index live; shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct Paths {
    /// Corpus folder or single file (.txt, .md, .html, .jsonl, .pdf, .docx, .pptx, .odt, .epub)
    /// [default: the corpus the index was built from, else ./corpus].
    #[arg(long, env = "PASSAGEBOT_CORPUS")]
    pub corpus: Option<PathBuf>,
    /// Index directory (generated data only).
    #[arg(long, env = "PASSAGEBOT_INDEX", default_value = "index")]
    pub index: PathBuf,
    /// Also index files that symbolic links in the corpus lead to outside it (by default they
    /// are skipped; devices, FIFOs and /proc files never are read).
    #[arg(long)]
    pub follow_links: bool,
    /// Memory an index build may use at its peak, in MiB, whatever the corpus size.
    #[arg(
        long,
        env = "PASSAGEBOT_BUILD_MEMORY_MIB",
        default_value_t = 1024,
        value_parser = clap::value_parser!(u64).range(64..=1024 * 1024)
    )]
    pub build_memory_mib: u64,
}

impl Paths {
    /// How the corpus is read, from the flags. The bot token in `TELOXIDE_TOKEN`, when set,
    /// is kept out of the index as `serve` keeps it out, so that `serve` with that token
    /// takes an index built here as it is instead of rebuilding it to be sure.
    pub fn load_options(&self) -> LoadOptions {
        let token = crate::bot::config::token_from(|name| std::env::var(name).ok());
        LoadOptions {
            follow_links: self.follow_links,
            secrets: token.into_iter().collect(),
            ..LoadOptions::default()
        }
    }

    /// The build's memory budget in bytes, from `--build-memory-mib`.
    pub fn memory_budget(&self) -> usize {
        usize::try_from(self.build_memory_mib.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
    }

    /// The corpus to check the index against: the one given, else the one the index
    /// remembers it was built from, else `./corpus`. So `--index DIR` alone never rebuilds
    /// DIR from whatever `./corpus` happens to be.
    pub fn corpus(&self) -> PathBuf {
        corpus_for(self.corpus.as_deref(), Some(&self.index))
    }
}

/// The corpus a command uses: `given`, else the one `index` remembers it was built from,
/// else `./corpus` — so an index given alone is never rebuilt from whatever `./corpus`
/// happens to be.
pub(crate) fn corpus_for(given: Option<&Path>, index: Option<&Path>) -> PathBuf {
    given
        .map(Path::to_path_buf)
        .or_else(|| index.and_then(remembered_corpus))
        .unwrap_or_else(|| PathBuf::from("corpus"))
}

impl Cli {
    /// Whether logs are to be JSON lines: `log_format = "json"` for `serve` (its config file
    /// or `PASSAGEBOT_LOG_FORMAT`), read before logging starts.
    pub fn json_logs(&self) -> bool {
        match &self.command {
            Command::Serve(args) => serve::json_logs(args),
            _ => false,
        }
    }
}

/// Runs the parsed command. Output cut short by its reader (`passagebot ask … | head -1`)
/// is a normal end, not an error.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let result = match cli.command {
        Command::Index(args) => index::run(args),
        Command::Ask(args) => ask::run(args),
        Command::Chat(args) => chat::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Serve(args) => serve::run(args),
    };
    match result {
        Err(err) if is_broken_pipe(&err) => Ok(ExitCode::SUCCESS),
        other => other,
    }
}

/// True when `err` comes from writing to a pipe whose reader has gone.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Sets up logging to stderr: warnings by default, info with `--verbose`, or `RUST_LOG`.
/// Every line passes through [`crate::redact`], so a token in a URL never reaches a log.
/// `json`: one JSON object a line (tracing-subscriber's JSON format).
pub fn init_tracing(verbose: bool, json: bool) {
    let default = if verbose { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    if json {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(crate::redact::RedactingStderr)
            .with_target(false)
            .init();
        return;
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(crate::redact::RedactingStderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
}

/// Opens the index, building it first (with a one-line note on stderr saying why) when it is
/// missing, damaged or older than the corpus. An index without its corpus is used as it is;
/// so is a live index whose rebuild failed (a full disk, a read-only index folder), with a
/// warning saying so.
pub fn open_engine(paths: &Paths) -> anyhow::Result<Engine> {
    let corpus = paths.corpus();
    let opts = BuildOptions {
        corpus: corpus.clone(),
        index_dir: paths.index.clone(),
        force: false,
        load: paths.load_options(),
        memory_budget: paths.memory_budget(),
    };
    let index_dir = paths.index.display().to_string();
    let outcome = index::ensure_fresh_with_bar(&opts, &mut |notice| match notice {
        Notice::Waiting { wait } => eprintln!("{}", index::waiting_note(&index_dir, wait)),
        Notice::Building(staleness) => eprintln!(
            "note: indexing {} into {index_dir} ({})…",
            corpus.display(),
            staleness.reason()
        ),
    })?;
    match outcome {
        Ensured::Fresh => {}
        Ensured::Built { report, .. } => eprintln!("note: {}", index::summary(&report)),
        Ensured::KeptLive { staleness, generation, error } => eprintln!(
            "warning: {} but the index in {index_dir} could not be rebuilt: {error:#}; answering from the live index ({generation}), which predates the change",
            staleness.reason()
        ),
    }
    Engine::open(&paths.index)
        .with_context(|| format!("opening the index in {}", paths.index.display()))
}
