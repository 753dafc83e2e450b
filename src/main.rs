//! The `passagebot` binary: parse the command line, set up logging, dispatch.

mod bot;
mod cli;
mod redact;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cli::init_tracing(args.verbose, args.json_logs());
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", redact::redact(&format!("{err:#}")));
            ExitCode::FAILURE
        }
    }
}
