//! `serve`: run the Telegram bot. Raw flags here, resolved into `bot::Settings`, then a tokio
//! runtime for `bot::run`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::bot::{self, BotConfig, LogFormat, Mode, Settings};

/// Flags of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// TOML configuration file (see passagebot.toml.example); without it, defaults and the
    /// PASSAGEBOT_* environment variables apply.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Webhook mode: the public HTTPS URL Telegram posts updates to (needs --listen).
    #[arg(long, value_name = "URL", requires = "listen")]
    pub webhook: Option<String>,
    /// Webhook mode: the local address to listen on, e.g. 0.0.0.0:8443.
    #[arg(long, value_name = "ADDR", requires = "webhook")]
    pub listen: Option<SocketAddr>,
    /// Also index files that symbolic links in the corpus lead to outside it (as
    /// `follow_links = true` in the config file).
    #[arg(long)]
    pub follow_links: bool,
}

/// The configuration file (when given) with the environment applied.
fn config(args: &ServeArgs) -> anyhow::Result<BotConfig> {
    let mut config = match &args.config {
        Some(path) => BotConfig::load(path)?,
        None => BotConfig::default(),
    };
    config.apply_env(|name| std::env::var(name).ok())?;
    Ok(config)
}

/// Whether the configuration asks for JSON logs. Read before logging is set up; a broken
/// configuration says so from [`run`], in the default format.
pub fn json_logs(args: &ServeArgs) -> bool {
    config(args).is_ok_and(|c| c.log_format == LogFormat::Json)
}

/// Loads the configuration, applies the environment, and runs the bot until stopped.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut config = config(&args)?;
    config.follow_links |= args.follow_links;
    let mode = match (args.webhook, args.listen) {
        (Some(url), Some(listen)) => Mode::Webhook { url, listen },
        _ => Mode::Polling,
    };
    let api_url = std::env::var("TELOXIDE_API_URL").ok().filter(|v| !v.is_empty());
    let settings = Settings::resolve(config, api_url, mode)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(bot::run(settings))?;
    Ok(ExitCode::SUCCESS)
}
