//! The `passagebot` binary: parse the command line, set up logging, dispatch.

mod bot;
mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cli::init_tracing(args.verbose);
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", bot::redact::redact(&format!("{err:#}")));
            ExitCode::FAILURE
        }
    }
}
