//! `passagebot chat`: a terminal chat giving the replies the Telegram bot gives. `/start`
//! (with or without a passage key), `/about`, unknown commands and `/context` say what the
//! bot says, from the same code ([`render::texts`], [`render::telegram`] shown through
//! [`texts::terminal_from_html`]).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Args;
use passagebot::answer::Reply;
use passagebot::render::{self, Marking, telegram, texts};
use rustyline::error::ReadlineError;

use super::{Paths, open_engine};

/// Arguments of `passagebot chat`.
#[derive(Debug, Args)]
pub struct ChatArgs {
    #[command(flatten)]
    paths: Paths,
}

const HELP: &str = "Ask anything about the material. Commands: /next (next answer), /context (the passages around the last answer), /about, /help, /quit.";

/// Neighbours on each side `/context` shows: the bot's default `context_radius`.
const CONTEXT_RADIUS: usize = 1;

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
    let mut shown_at = 0usize;
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
        let (command, payload) = match line.split_once(char::is_whitespace) {
            Some((command, payload)) if line.starts_with('/') => (command, payload.trim()),
            _ => (line, ""),
        };
        match command {
            "/quit" | "/exit" => break,
            "/help" => writeln!(out, "{HELP}")?,
            "/start" if payload.is_empty() => {
                writeln!(out, "{}", texts::start_text(None, engine.examples()))?
            }
            "/start" => match engine.passage_by_key(payload) {
                Some((_, passage)) => {
                    writeln!(out, "{}", shown(&telegram::passage(&passage), marking))?
                }
                None => writeln!(out, "{}", texts::PASSAGE_GONE)?,
            },
            "/about" => writeln!(
                out,
                "{}",
                texts::about_text(info.documents, info.passages, info.built_at_unix)
            )?,
            "/next" => match &last {
                Some(reply) if shown_at + 1 < reply.answers.len() => {
                    shown_at += 1;
                    let answer = &reply.answers[shown_at];
                    writeln!(
                        out,
                        "{}\n\n— {}",
                        render::marked_text(answer, marking),
                        render::source_line(answer)
                    )?;
                }
                _ => writeln!(out, "No further answers for that question.")?,
            },
            "/context" => match last.as_ref().and_then(|r| r.answers.get(shown_at)) {
                Some(answer) => {
                    let id = &answer.passage.id;
                    let neighbours = engine.context(id, CONTEXT_RADIUS);
                    writeln!(out, "{}", shown(&telegram::context(&neighbours, id), marking))?;
                }
                None => writeln!(out, "{}", texts::ASK_FIRST)?,
            },
            unknown if unknown.starts_with('/') => writeln!(out, "{}", texts::UNKNOWN_COMMAND)?,
            question => {
                let reply = engine.ask(question, 5)?;
                writeln!(out, "{}", render::plain(&reply, marking))?;
                shown_at = 0;
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

/// Bot messages (Telegram HTML parts) as terminal text.
fn shown(parts: &[String], marking: Marking) -> String {
    let parts: Vec<String> =
        parts.iter().map(|part| texts::terminal_from_html(part, marking)).collect();
    parts.join("\n\n")
}
