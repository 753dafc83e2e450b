//! The Telegram front end (`passagebot serve`): the only module that imports teloxide.
//!
//! [`run`] opens the index once (building it when missing), checks the token with `getMe`,
//! registers the command menus, and dispatches updates from long polling (or, with
//! `--webhook`, from [`webhook`]) through [`schema::schema`] until Ctrl-C or SIGTERM. The library is reached only through
//! `passagebot::…`; its synchronous calls run on `spawn_blocking`.

mod access;
mod admin;
mod buttons;
mod callback;
mod commands;
pub mod config;
mod dedup;
mod delivery;
mod export;
mod feedback;
mod flood;
mod gate;
mod handlers;
mod health;
mod i18n;
mod inline;
mod metrics;
mod outbox;
mod pace;
mod recorder;
mod replies;
mod schema;
mod shutdown;
mod stats;
mod upload;
mod watch;
mod webhook;

use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::Context;
use passagebot::corpus::LoadOptions;
use passagebot::index::BuildOptions;
use passagebot::search::{Engine, SharedEngine};
use teloxide::prelude::*;
use teloxide::types::{BotCommandScope, Me, Recipient};
use teloxide::update_listeners::Polling;
use teloxide::{ApiError, RequestError};
use tracing::{error, info, warn};

use crate::redact;

pub use config::{BotConfig, LogFormat, Mode, Settings};

/// The Bot API client every handler gets. Messages go through [`outbox`], which keeps to
/// Telegram's rate limits through [`delivery`].
pub(crate) type Tg = Bot;

/// What every handler returns; errors are logged (redacted) by the dispatcher.
pub(crate) type HandlerResult = anyhow::Result<()>;

/// State shared by all handlers, injected as `Arc<App>`.
pub(crate) struct App {
    /// The live index; swapped atomically by `/reindex`.
    pub engine: SharedEngine,
    /// The resolved configuration.
    pub config: BotConfig,
    /// `/stats` storage (read by `/stats`, pruned by the retention task).
    pub stats: Arc<stats::Stats>,
    /// Where handlers record questions and votes, written by a thread of its own.
    pub recorder: recorder::Recorder,
    /// Per-user question limits.
    pub flood: flood::FloodGate,
    /// Set while a `/reindex` runs, so a second one is refused.
    pub reindexing: AtomicBool,
    /// Recent replies by message, so "Next answer" keeps the key-sentence highlight.
    pub replies: replies::ReplyCache,
    /// Recent update ids, so a duplicate delivery is answered once.
    pub seen: dedup::SeenUpdates,
    /// Send times within Telegram's limits.
    pub pacer: pace::Pacer,
    /// Who may use the bot.
    pub access: access::AccessList,
    /// Membership of the allowed chats, as Telegram last said.
    pub memberships: gate::Memberships,
    /// Users whose next message is their comment on a 👎.
    pub awaiting: feedback::Awaiting,
    /// Searches running at once (updates are handled concurrently; the blocking pool would
    /// otherwise start a thread per waiting search).
    pub searches: tokio::sync::Semaphore,
    /// The bot's username as `getMe` reported it, for share links (`t.me/<username>`).
    pub username: String,
    /// Uploads whose name is taken, waiting for the admin's choice.
    pub uploads: upload::Waiting,
}

impl App {
    /// The language to answer `user` in: theirs when shipped, else the configured default.
    pub fn lang(&self, user: Option<&teloxide::types::User>) -> i18n::Language {
        i18n::Language::of_user(user, self.config.language)
    }

    /// The turn a reply takes: within the chat's budget ([`BotConfig::max_reply_wait_secs`]).
    pub fn reply_turn(&self) -> pace::Turn {
        pace::Turn::Within(Duration::from_secs(self.config.max_reply_wait_secs))
    }
}

/// Runs the bot until Ctrl-C or SIGTERM; in-flight answers finish first.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let Settings { config, token, api_url, mode } = settings;
    redact::register(token.expose());

    let (corpus, index, load) = (config.corpus_path(), config.index.clone(), config.load_options());
    let budget = config.memory_budget();
    let mut engine =
        tokio::task::spawn_blocking(move || open_engine(&corpus, &index, load, budget)).await??;
    if let Some(p) = config.min_confidence {
        let mut tuning = *engine.tuning();
        tuning.min_confidence = p;
        engine.set_tuning(tuning);
    }
    let stats = Arc::new(stats::Stats::open_or_memory(&config.stats_path())?);
    let recorder = recorder::Recorder::spawn(stats.clone()).context("starting the stats thread")?;
    if let Some(code) = &config.join_code {
        redact::register(code.expose());
    }
    let access = access::AccessList::open(&config)?;

    let mut bot = Bot::new(token.expose());
    if let Some(url) = &api_url {
        bot = bot.set_api_url(url.parse().context("TELOXIDE_API_URL is not a valid URL")?);
    }
    let me = bot.get_me().await.map_err(|err| describe_start_error("getMe", &err))?;
    info!(
        username = me.username(),
        can_read_all_group_messages = me.can_read_all_group_messages,
        "connected to the Bot API"
    );
    if !me.can_read_all_group_messages {
        info!(
            "privacy mode is on: in groups the bot sees commands, mentions and replies, which is all it answers"
        );
    }
    let webhook_secret = config.webhook_secret.clone();
    let webhook_limits = webhook::Limits {
        max_connections: config.webhook_max_connections,
        timeout: Duration::from_secs(config.webhook_timeout_secs),
    };
    if let Some(listen) = config.metrics_listen {
        health::serve(listen, webhook_limits).await?;
    }
    let pacer = pace::Pacer::new(config.limits.clone());
    let app = Arc::new(App {
        pacer,
        engine: SharedEngine::new(engine),
        flood: flood::FloodGate::per_minute(config.questions_per_minute),
        config,
        stats,
        recorder,
        reindexing: AtomicBool::new(false),
        replies: replies::ReplyCache::new(2048),
        seen: dedup::SeenUpdates::new(10_000),
        searches: tokio::sync::Semaphore::new(search_slots()),
        access,
        memberships: gate::Memberships::default(),
        awaiting: feedback::Awaiting::default(),
        username: me.username().to_string(),
        uploads: upload::Waiting::default(),
    });
    // Watching before the menus are set, so the corpus is watched once they are.
    watch::spawn(bot.clone(), app.clone())?;
    register_commands(&bot, &app.config).await;
    let grace = Duration::from_secs(app.config.shutdown_timeout_secs);
    spawn_stats_retention(app.clone());
    let mut dispatcher = dispatcher(bot.clone(), app, me);
    let stopping = shutdown::on_signal(dispatcher.shutdown_token());
    match mode {
        Mode::Polling => {
            let listener = Polling::builder(bot.clone())
                .timeout(Duration::from_secs(10))
                .backoff_strategy(polling_backoff)
                .delete_webhook()
                .await
                .build();
            info!("answering questions (long polling); Ctrl-C or SIGTERM stops");
            let listener_errors = Arc::new(|err: RequestError| async move {
                warn!(cause = %redact::redact(&err.to_string()), "getting updates failed; retrying");
            });
            let dispatching = dispatcher.dispatch_with_listener(listener, listener_errors);
            shutdown::within(dispatching, stopping, grace).await;
        }
        Mode::Webhook { url, listen } => {
            let listener =
                webhook::listen(&bot, &url, listen, webhook_secret.as_ref(), webhook_limits)
                    .await?;
            info!("answering questions (webhook); Ctrl-C or SIGTERM stops");
            let listener_errors = Arc::new(|err: Infallible| async move { match err {} });
            let dispatching = dispatcher.dispatch_with_listener(listener, listener_errors);
            shutdown::within(dispatching, stopping, grace).await;
        }
    }
    Ok(())
}

/// The pause before retrying a failed `getUpdates` that had `earlier` failures right before
/// it: the same doubling from 1 s as a resent message ([`delivery::backoff`]), up to
/// [`MAX_POLLING_BACKOFF`]. teloxide's default doubles to 64 s, so after a long outage
/// questions could wait a minute more once Telegram was back.
fn polling_backoff(earlier: u32) -> Duration {
    delivery::backoff(earlier.saturating_add(1)).min(MAX_POLLING_BACKOFF)
}

/// How often rows past `stats_retention_days` are deleted (and once at start).
const STATS_PRUNE_EVERY: Duration = Duration::from_secs(6 * 3600);

/// Deletes stats older than the retention now and every [`STATS_PRUNE_EVERY`].
fn spawn_stats_retention(app: Arc<App>) {
    let keep_days = app.config.stats_retention_days;
    if keep_days == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut every = tokio::time::interval(STATS_PRUNE_EVERY);
        loop {
            every.tick().await;
            let app = app.clone();
            match tokio::task::spawn_blocking(move || app.stats.prune(keep_days)).await {
                Ok(Ok(0)) => {}
                Ok(Ok(deleted)) => info!(deleted, keep_days, "old stats deleted"),
                Ok(Err(err)) => {
                    warn!(cause = %err, "deleting old stats failed; trying again later")
                }
                Err(err) => warn!(cause = %err, "deleting old stats failed"),
            }
        }
    });
}

/// Searches at once: two per core, at least four.
fn search_slots() -> usize {
    std::thread::available_parallelism().map_or(4, |n| n.get() * 2).max(4)
}

/// The longest pause between `getUpdates` retries.
const MAX_POLLING_BACKOFF: Duration = Duration::from_secs(10);

/// The dispatcher: the handler tree with its dependencies, silent on unmatched updates,
/// logging handler errors without the token.
///
/// Every update is handled concurrently (no distribution key). teloxide's default key, the
/// chat, runs one chat's updates in sequence through a queue of 64; a handler waiting for its
/// chat's send limit then held the chat's queue, and once it was full the dispatch loop
/// itself waited, stalling every other chat and shutdown. Now nothing waits in the loop: a
/// chat's replies keep their order through the pacer's reservations, and its backlog is
/// bounded there ([`pace::Turn::Within`]); searches are bounded by [`App::searches`].
fn dispatcher(bot: Tg, app: Arc<App>, me: Me) -> Dispatcher<Tg, anyhow::Error, ()> {
    Dispatcher::builder(bot, schema::schema())
        .distribution_function(|_| None::<()>)
        .dependencies(dptree::deps![app, me])
        .default_handler(|_| async {})
        .error_handler(Arc::new(|err: anyhow::Error| async move {
            error!(cause = %redact::redact(&format!("{err:#}")), "handling an update failed");
        }))
        .build()
}

/// Opens the live index, building it first when it is missing or older than the corpus.
fn open_engine(
    corpus: &Path,
    index: &Path,
    load: LoadOptions,
    memory_budget: usize,
) -> anyhow::Result<Engine> {
    let opts = BuildOptions {
        corpus: corpus.to_path_buf(),
        index_dir: index.to_path_buf(),
        force: false,
        load,
        memory_budget,
    };
    let built = passagebot::index::ensure_built(&opts, &mut |_| {}, &mut |staleness| {
        info!(corpus = %corpus.display(), index = %index.display(), ?staleness, "building the index");
    })?;
    if let Some((_, report)) = built {
        info!(documents = report.documents, passages = report.passages, "index built");
    }
    Engine::open(index).with_context(|| format!("opening the index in {}", index.display()))
}

/// Sets the public command menu (in the default language, and in each shipped language for
/// users whose app is set to it), and the full one in each admin's private chat.
async fn register_commands(bot: &Bot, config: &BotConfig) {
    let default = config.language;
    if let Err(err) = bot.set_my_commands(commands::public_menu(default)).await {
        warn!(cause = %redact::redact(&err.to_string()), "could not set the command menu");
    }
    for lang in i18n::Language::ALL.into_iter().filter(|l| *l != default) {
        let menu = bot.set_my_commands(commands::public_menu(lang)).language_code(lang.code());
        if let Err(err) = menu.await {
            warn!(language = lang.code(), cause = %redact::redact(&err.to_string()), "could not set the command menu");
        }
    }
    for &admin in &config.admins {
        let scope = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId(admin as i64)) };
        if let Err(err) = bot.set_my_commands(commands::admin_menu(default)).scope(scope).await {
            // Telegram refuses a chat scope until the admin has started the bot.
            info!(admin, cause = %redact::redact(&err.to_string()), "admin command menu not set");
        }
    }
}

/// A start-up failure as a sentence without the token.
fn describe_start_error(call: &str, err: &RequestError) -> anyhow::Error {
    match err {
        RequestError::Api(ApiError::InvalidToken) => {
            anyhow::anyhow!("the Bot API rejected the token ({call}); check TELOXIDE_TOKEN")
        }
        other => anyhow::anyhow!("{call} failed: {}", redact::redact(&other.to_string())),
    }
}

/// An [`App`] for offline tests: `config` with a two-passage index built in a temp dir
/// (kept for the process), stats and the allow-list in memory.
#[cfg(test)]
pub(crate) fn test_app(config: BotConfig) -> Arc<App> {
    let dir = tempfile::tempdir().expect("a temp dir").keep();
    let corpus = dir.join("corpus.jsonl");
    std::fs::write(
        &corpus,
        "{\"id\": \"tea\", \"title\": \"Tea\", \"text\": \"Let the tea steep for three minutes.\"}\n\
         {\"id\": \"bike\", \"title\": \"Bikes\", \"text\": \"Oil the bicycle chain once a month.\"}\n",
    )
    .expect("writing the test corpus");
    let engine = open_engine(&corpus, &dir.join("index"), LoadOptions::default(), 64 << 20)
        .expect("building the test index");
    let stats = Arc::new(stats::Stats::in_memory().expect("stats in memory"));
    Arc::new(App {
        engine: SharedEngine::new(engine),
        recorder: recorder::Recorder::spawn(stats.clone()).expect("the stats thread"),
        stats,
        flood: flood::FloodGate::per_minute(config.questions_per_minute),
        reindexing: AtomicBool::new(false),
        replies: replies::ReplyCache::new(16),
        seen: dedup::SeenUpdates::new(1000),
        pacer: pace::Pacer::new(config.limits.clone()),
        access: access::AccessList::in_memory(&config).expect("the allow-list in memory"),
        memberships: gate::Memberships::default(),
        searches: tokio::sync::Semaphore::new(4),
        awaiting: feedback::Awaiting::default(),
        username: "passagebot_test_bot".to_string(),
        uploads: upload::Waiting::default(),
        config,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polling_backoff_doubles_up_to_ten_seconds() {
        let pauses: Vec<u64> = (0..7).map(|n| polling_backoff(n).as_secs()).collect();
        assert_eq!(pauses, [1, 2, 4, 8, 10, 10, 10]);
        assert_eq!(polling_backoff(u32::MAX), MAX_POLLING_BACKOFF);
    }
}
