//! `passagebot ask`: answer one question, or each line of stdin, as text or JSON Lines.
//!
//! In batch mode one bad line costs only itself: a line that is not UTF-8, or longer than
//! [`MAX_LINE_BYTES`] (never read into memory whole), gets an error in place of its answer —
//! `{"line": N, "error": "…"}` with `--json` — and the next lines are answered.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::Args;
use passagebot::render::{self, Marking};
use passagebot::search::Engine;

use super::{Paths, open_engine};

/// The longest stdin line taken as a question; the engine reads 16 KiB of a question anyway.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

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
    /// Confidence (0–1) below which the reply is "no good match" [default: 0.22, the fitted
    /// model's documented threshold]; lower answers more, higher answers only sure matches.
    #[arg(long, value_name = "P", value_parser = parse_probability)]
    min_confidence: Option<f32>,
    /// Override a ranking knob, e.g. `--tune narrow=0` (repeatable; the knobs of `eval
    /// --tune`), to time or compare a configuration as users get it.
    #[arg(long, value_name = "KEY=VALUE")]
    tune: Vec<String>,
}

/// A probability from 0 to 1.
fn parse_probability(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("`{text}` is not a number from 0 to 1")),
    }
}

/// Runs `passagebot ask`.
pub fn run(args: AskArgs) -> anyhow::Result<ExitCode> {
    let mut engine = open_engine(&args.paths)?;
    let mut tuning = *engine.tuning();
    super::apply_tunes(&mut tuning, &args.tune)?;
    if let Some(p) = args.min_confidence {
        tuning.min_confidence = p;
    }
    engine.set_tuning(tuning);
    let stdout = std::io::stdout();
    let marking = if stdout.is_terminal() { Marking::Ansi } else { Marking::Stars };
    let mut out = std::io::BufWriter::new(stdout.lock());
    let top = usize::from(args.top);
    match &args.question {
        Some(question) => answer(&engine, question, top, args.json, marking, &mut out)?,
        None => {
            let mut input = std::io::stdin().lock();
            let mut first = true;
            let mut number = 0usize;
            while let Some(line) = read_line(&mut input, MAX_LINE_BYTES)? {
                number += 1;
                let line = match line {
                    Ok(line) if line.trim().is_empty() => continue,
                    Ok(line) => line,
                    Err(problem) => {
                        if args.json {
                            let error = serde_json::json!({ "line": number, "error": problem });
                            writeln!(out, "{error}")?;
                        } else {
                            if !first {
                                writeln!(out)?;
                            }
                            first = false;
                            writeln!(out, "error: line {number}: {problem}; skipped")?;
                        }
                        continue;
                    }
                };
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

/// Reads one line of at most `max` bytes (without its `\n` or `\r\n`): `None` at the end of
/// input, `Some(Err(problem))` for a line that is too long (skipped without being stored) or
/// not UTF-8.
pub fn read_line(
    input: &mut impl BufRead,
    max: usize,
) -> std::io::Result<Option<Result<String, String>>> {
    let mut line = Vec::new();
    let mut length = 0usize;
    let mut seen_any = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(chunk) => chunk,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if chunk.is_empty() {
            break;
        }
        seen_any = true;
        let end = chunk.iter().position(|&b| b == b'\n');
        let part = &chunk[..end.unwrap_or(chunk.len())];
        length += part.len();
        if length <= max {
            line.extend_from_slice(part);
        } else {
            line = Vec::new();
        }
        let consumed = end.map_or(chunk.len(), |i| i + 1);
        input.consume(consumed);
        if end.is_some() {
            break;
        }
    }
    if !seen_any {
        return Ok(None);
    }
    if length > max {
        return Ok(Some(Err(format!("longer than {} KiB ({length} bytes)", max / 1024))));
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(
        String::from_utf8(line)
            .map_err(|err| format!("not valid UTF-8 (at byte {})", err.utf8_error().valid_up_to())),
    ))
}

fn answer(
    engine: &Engine,
    question: &str,
    top: usize,
    json: bool,
    marking: Marking,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let reply = engine.ask(question, top)?;
    if json {
        writeln!(out, "{}", render::json_line(&reply))?;
        return Ok(());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<Result<String, String>> {
        let mut reader = std::io::BufReader::with_capacity(4, input);
        let mut out = Vec::new();
        while let Some(line) = read_line(&mut reader, max).unwrap() {
            out.push(line);
        }
        out
    }

    #[test]
    fn bad_and_overlong_lines_are_errors_and_the_rest_is_read() {
        let got = lines(b"first\n\xff\xfe bad\n0123456789abc\r\nlast", 10);
        assert_eq!(got[0], Ok("first".into()));
        assert!(got[1].as_ref().unwrap_err().contains("not valid UTF-8"), "{got:?}");
        assert!(got[2].as_ref().unwrap_err().contains("longer than"), "{got:?}");
        assert_eq!(got[3], Ok("last".into()));
        assert_eq!(got.len(), 4);
        assert_eq!(lines(b"a\r\n\nb\n", 10), [Ok("a".into()), Ok(String::new()), Ok("b".into())]);
        assert!(lines(b"", 10).is_empty());
    }
}
