//! `passagebot chat`: a terminal chat giving the replies the Telegram bot gives.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Args;
use passagebot::answer::Reply;
use passagebot::render::{self, Marking};
use rustyline::error::ReadlineError;

use super::{Paths, open_engine};

/// Arguments of `passagebot chat`.
#[derive(Debug, Args)]
pub struct ChatArgs {
    #[command(flatten)]
    paths: Paths,
}

const HELP: &str = "Ask anything about the material. Commands: /next (next answer), /context (the passages around the last answer), /about, /help, /quit.";

/// Runs `passagebot chat`.
pub fn run(args: ChatArgs) -> anyhow::Result<ExitCode> {
    let engine = open_engine(&args.paths)?;
    let mut out = std::io::stdout();
    let info = engine.info();
    writeln!(out, "passagebot — {} documents, {} passages. {HELP}", info.documents, info.passages)?;
    let mut editor = rustyline::DefaultEditor::new()?;
    let history = std::env::var_os("HOME")
        .map(|home| std::path::Path::new(&home).join(".passagebot_history"));
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    let marking = if std::io::stdout().is_terminal() { Marking::Ansi } else { Marking::Stars };
    let mut last: Option<Reply> = None;
    let mut shown = 0usize;
    loop {
        let line = match editor.readline("you> ") {
            Ok(line) => line,
            Err(ReadlineError::Interrupted | ReadlineError::Eof) => break,
            Err(err) => return Err(err.into()),
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(line);
        match line {
            "/quit" | "/exit" => break,
            "/help" | "/start" => writeln!(out, "{HELP}")?,
            "/about" => writeln!(
                out,
                "{} documents, {} passages, index {}",
                info.documents, info.passages, info.generation
            )?,
            "/next" => match &last {
                Some(reply) if shown + 1 < reply.answers.len() => {
                    shown += 1;
                    let answer = &reply.answers[shown];
                    writeln!(
                        out,
                        "{}\n\n— {}",
                        render::marked_text(answer, marking),
                        render::source_line(answer)
                    )?;
                }
                _ => writeln!(out, "No further answers for that question.")?,
            },
            "/context" => match last.as_ref().and_then(|r| r.answers.get(shown)) {
                Some(answer) => {
                    for passage in engine.context(&answer.passage.id, 1) {
                        writeln!(out, "[{}] {}\n", passage.ordinal, passage.text)?;
                    }
                }
                None => writeln!(out, "Ask a question first.")?,
            },
            question => {
                let reply = engine.try_ask(question, 5)?;
                writeln!(out, "{}", render::plain(&reply, marking))?;
                shown = 0;
                last = Some(reply);
            }
        }
        writeln!(out)?;
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    Ok(ExitCode::SUCCESS)
}
