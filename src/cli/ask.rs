//! `passagebot ask`: answer one question, or each line of stdin, as text or JSON Lines.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::Args;
use passagebot::render::{self, Marking};
use passagebot::search::Engine;

use super::{Paths, open_engine};

/// Arguments of `passagebot ask`.
#[derive(Debug, Args)]
pub struct AskArgs {
    /// The question; without it, questions are read from stdin, one per line.
    question: Option<String>,
    #[command(flatten)]
    paths: Paths,
    /// How many passages to return.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=100))]
    top: u16,
    /// Print one JSON object per question.
    #[arg(long)]
    json: bool,
}

/// Runs `passagebot ask`.
pub fn run(args: AskArgs) -> anyhow::Result<ExitCode> {
    let engine = open_engine(&args.paths)?;
    let stdout = std::io::stdout();
    let marking = if stdout.is_terminal() { Marking::Ansi } else { Marking::Stars };
    let mut out = std::io::BufWriter::new(stdout.lock());
    let top = usize::from(args.top);
    match &args.question {
        Some(question) => answer(&engine, question, top, args.json, marking, &mut out)?,
        None => {
            let stdin = std::io::stdin();
            let mut first = true;
            for line in stdin.lock().lines() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                if !args.json && !first {
                    writeln!(out)?;
                }
                first = false;
                if !args.json {
                    writeln!(out, "Q: {}", line.trim())?;
                }
                answer(&engine, &line, top, args.json, marking, &mut out)?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn answer(
    engine: &Engine,
    question: &str,
    top: usize,
    json: bool,
    marking: Marking,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let reply = engine.ask(question, top);
    if json {
        return writeln!(out, "{}", render::json_line(&reply));
    }
    writeln!(out, "{}", render::plain(&reply, marking))?;
    for extra in reply.answers.iter().skip(1) {
        writeln!(
            out,
            "\n#{} {}\n\n— {}",
            extra.rank,
            render::marked_text(extra, marking),
            render::source_line(extra)
        )?;
    }
    Ok(())
}
