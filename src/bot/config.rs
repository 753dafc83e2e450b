//! The bot's configuration: a TOML file parsed by a pure [`BotConfig::parse`], then
//! `PASSAGEBOT_*` and `TELOXIDE_TOKEN` environment overrides, then validation into
//! [`Settings`]. The token is held in a [`Secret`] whose `Debug` never shows it.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

/// A value that must never reach a log line: `Debug` and `Display` print `<redacted>`.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that needs it (building the `Bot`).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Telegram's sending limits, kept by the bot's pacer (the defaults are Telegram's: about one
/// message a second in one chat, 20 a minute in one group, 30 a second overall; Telegram
/// documents no per-minute limit for private chats, so theirs defaults to 60, no tighter than
/// one a second).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SendLimits {
    /// Messages one chat may receive per second.
    pub per_chat_per_second: u32,
    /// Messages one private chat may receive per minute.
    pub per_chat_per_minute: u32,
    /// Messages one group or channel may receive per minute.
    pub per_group_per_minute: u32,
    /// Messages the bot may send per second overall, spaced evenly (at least 1/N s apart).
    pub overall_per_second: u32,
}

impl Default for SendLimits {
    fn default() -> Self {
        SendLimits {
            per_chat_per_second: 1,
            per_chat_per_minute: 60,
            per_group_per_minute: 20,
            overall_per_second: 30,
        }
    }
}

/// Who may use the bot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Anyone who finds the bot.
    #[default]
    Open,
    /// Only the users and chats on the allow-list (and the admins).
    AllowList,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object a line, for log collectors.
    Json,
}

/// The `serve` configuration file, every field optional.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BotConfig {
    /// The bot token from @BotFather; `TELOXIDE_TOKEN` overrides it (and is preferred, so the
    /// file can be shared).
    pub token: Option<Secret>,
    /// Telegram user ids allowed to run `/reindex` and `/stats`.
    pub admins: Vec<u64>,
    /// Corpus folder or file; `/reindex` reads it again. Default: the corpus the index was
    /// built from, else `corpus` (see [`BotConfig::corpus_path`]).
    pub corpus: Option<PathBuf>,
    /// Index directory (generations); opened at start, built first when missing.
    pub index: PathBuf,
    /// SQLite file for `/stats`; default: `<index>.stats.sqlite3` next to the index folder,
    /// outside it so index builds never touch it.
    pub stats_db: Option<PathBuf>,
    /// Ranked answers fetched per question; "Next answer" pages through them.
    pub answers_per_question: usize,
    /// Results per inline-mode page (Telegram allows at most 50; 10 keeps lists short).
    pub inline_results: usize,
    /// Neighbouring passages shown on each side by "Show context".
    pub context_radius: usize,
    /// Questions one user may ask per minute before getting "slow down"; 0 turns it off.
    pub questions_per_minute: u32,
    /// Greeting for `/start`; the example questions follow it.
    pub welcome_text: Option<String>,
    /// Replaces the core's no-match text (the suggestion and topics are still added).
    pub no_match_text: Option<String>,
    /// Example questions for `/start`; default: questions built from the index's topics that
    /// the index really answers.
    pub example_questions: Vec<String>,
    /// Questions a new index must answer before `/reindex` makes it live; default: the
    /// sections or titles of the first passages.
    pub sanity_questions: Vec<String>,
    /// Webhook mode: the `X-Telegram-Bot-Api-Secret-Token` Telegram must send with every
    /// update (1–256 of `A-Z a-z 0-9 _ -`); `PASSAGEBOT_WEBHOOK_SECRET` overrides it. Default: a
    /// random one per start, which is enough for one process; replicas behind a load balancer
    /// need the same one, since each registers it with `setWebhook`.
    pub webhook_secret: Option<Secret>,
    /// The longest a reply may wait for its chat's send limits (the group's 20 a minute,
    /// mostly). A chat with a longer backlog gets one "busy" notice at once and its further
    /// questions are dropped until the backlog is shorter, so one busy group can never queue
    /// replies without bound (or hold shutdown up behind them). At least 1.
    pub max_reply_wait_secs: u64,
    /// On SIGTERM or Ctrl-C, how long replies still in flight may take before the bot stops
    /// without them. The polling offset of every update taken is confirmed first, so the
    /// stop is quick and nothing comes back after a restart.
    pub shutdown_timeout_secs: u64,
    /// Days of `/stats` history kept; older rows are deleted at start and every few hours.
    /// 0 keeps everything.
    pub stats_retention_days: u32,
    /// Webhook mode: connections served at once; more wait unaccepted until one closes.
    pub webhook_max_connections: usize,
    /// Webhook mode: seconds a connection may take to send a request's headers (from the
    /// connection's start, or since its last response); then it is closed. A request must
    /// also finish within four times this.
    pub webhook_timeout_secs: u64,
    /// Outgoing message limits (see [`SendLimits`]).
    pub limits: SendLimits,
    /// Index files that symbolic links in the corpus lead to outside it. Off by default, so a
    /// link cannot turn any file the bot can read into an answer.
    pub follow_links: bool,
    /// Confidence (0–1) below which a question gets "no good match"; default: the fitted
    /// model's documented threshold (`passagebot::search::DEFAULT_MIN_CONFIDENCE`).
    pub min_confidence: Option<f32>,
    /// Reindex by itself when a corpus file is added, changed or removed (through the same
    /// gate as `/reindex`), and tell the admins in one short note.
    pub watch: bool,
    /// `watch`: the corpus must be quiet this long (ms) before a reindex starts; a steady
    /// flood of changes still reindexes once every ten of these. At least 100.
    pub watch_debounce_ms: u64,
    /// Memory an index build (at start or by `/reindex`) may use at its peak, in MiB,
    /// whatever the corpus size (at least 64).
    pub build_memory_mib: u64,
    // --- Who may use the bot (see `super::access`). ---
    /// `"open"` (anyone who finds the bot) or `"allow-list"` (admins, [`Self::allowed_users`],
    /// members of [`Self::allowed_chats`], users an admin `/allow`ed, and users who sent
    /// `/start <join_code>`).
    pub access: Access,
    /// User ids allowed in `allow-list` mode, besides the admins and those added from chat.
    pub allowed_users: Vec<u64>,
    /// Groups, supergroups and channels (negative ids) whose members may use the bot in
    /// `allow-list` mode: in the chat itself, and privately or inline once Telegram's
    /// `getChatMember` confirms the membership (the bot must be in the chat).
    pub allowed_chats: Vec<i64>,
    /// A shared code: `/start <code>` in a private chat adds the sender to the allow-list
    /// (1–64 of `A-Z a-z 0-9 _ -`, not only digits, so it is never taken for a passage
    /// link). Never logged.
    pub join_code: Option<Secret>,
    /// SQLite file keeping the allow-list changes made from chat (`/allow`, `/deny`, join
    /// code); default: `<index>.access.sqlite3` next to the index folder.
    pub access_db: Option<PathBuf>,
    /// The language for users whose Telegram app is set to none the bot speaks: `"en"`
    /// (English) or `"ko"` (Korean). Users whose app is set to Korean get Korean anyway.
    pub language: super::i18n::Language,
    // --- Operations. ---
    /// A local address serving `GET /healthz` and `GET /metrics` (Prometheus text) in both
    /// polling and webhook mode, e.g. `127.0.0.1:9090`; off when unset.
    pub metrics_listen: Option<SocketAddr>,
    /// `"text"` (the default) or `"json"` (one JSON object a line) log lines on stderr.
    pub log_format: LogFormat,
    /// The file this configuration was read from (set by [`BotConfig::load`], never by the
    /// file itself): it is never indexed, since it may hold the token.
    #[serde(skip)]
    pub config_file: Option<PathBuf>,
}

impl Default for BotConfig {
    fn default() -> Self {
        BotConfig {
            token: None,
            admins: Vec::new(),
            corpus: None,
            index: PathBuf::from("index"),
            stats_db: None,
            answers_per_question: 5,
            inline_results: 10,
            context_radius: 1,
            questions_per_minute: 20,
            welcome_text: None,
            no_match_text: None,
            example_questions: Vec::new(),
            sanity_questions: Vec::new(),
            webhook_secret: None,
            max_reply_wait_secs: 5,
            shutdown_timeout_secs: 10,
            stats_retention_days: 180,
            webhook_max_connections: 256,
            webhook_timeout_secs: 10,
            limits: SendLimits::default(),
            follow_links: false,
            min_confidence: None,
            build_memory_mib: 1024,
            watch: false,
            watch_debounce_ms: 2000,
            access: Access::Open,
            allowed_users: Vec::new(),
            allowed_chats: Vec::new(),
            join_code: None,
            access_db: None,
            language: super::i18n::Language::En,
            metrics_listen: None,
            log_format: LogFormat::Text,
            config_file: None,
        }
    }
}

impl BotConfig {
    /// Parses a TOML document; unknown keys are errors so typos do not pass silently.
    pub fn parse(text: &str) -> anyhow::Result<BotConfig> {
        let config: BotConfig = toml::from_str(text)?;
        config.check()?;
        Ok(config)
    }

    /// Reads and parses `path`.
    pub fn load(path: &Path) -> anyhow::Result<BotConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config {}", path.display()))?;
        let mut config =
            BotConfig::parse(&text).with_context(|| format!("config {}", path.display()))?;
        config.config_file = Some(path.to_path_buf());
        Ok(config)
    }

    /// The corpus to read: the one configured, else the one the index remembers it was built
    /// from, else `./corpus`, so a bot given only an index never rebuilds it from whatever
    /// `./corpus` happens to hold.
    pub fn corpus_path(&self) -> PathBuf {
        self.corpus
            .clone()
            .or_else(|| passagebot::index::remembered_corpus(&self.index))
            .unwrap_or_else(|| PathBuf::from("corpus"))
    }

    /// The index build's memory budget in bytes (`build_memory_mib`, at least 64 MiB).
    pub fn memory_budget(&self) -> usize {
        let mib = self.build_memory_mib.max(64);
        usize::try_from(mib.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
    }

    /// How the corpus is read: `follow_links`, and never the configuration file or any file
    /// holding the token.
    pub fn load_options(&self) -> passagebot::corpus::LoadOptions {
        passagebot::corpus::LoadOptions {
            follow_links: self.follow_links,
            config_files: self.config_file.iter().cloned().collect(),
            secrets: self.token.iter().map(|t| t.expose().to_string()).collect(),
            ..Default::default()
        }
    }

    /// The options of a build of the configured corpus into the configured index (`force`:
    /// build even when the live generation is fresh).
    pub fn build_options(&self, force: bool) -> passagebot::index::BuildOptions {
        passagebot::index::BuildOptions {
            corpus: self.corpus_path(),
            index_dir: self.index.clone(),
            force,
            load: self.load_options(),
            memory_budget: self.memory_budget(),
        }
    }

    /// Applies the environment overrides, read through `var` (so tests need no real env):
    /// `PASSAGEBOT_<KEY>` for every key of the file ([`ENV_KEYS`]; `PASSAGEBOT_LIMITS_<KEY>`
    /// for the `[limits]` table), and `TELOXIDE_TOKEN` for the token. A value is read as the
    /// key's TOML value would be written (`true`, `30`), except that strings need no quotes
    /// and id lists may be comma-separated (`7, 8`); other lists are TOML arrays
    /// (`["how do I start?", "what is x?"]`). Empty values are ignored. Errors name the
    /// variable and never quote a secret.
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        for &(key, kind) in ENV_KEYS {
            let name = format!("PASSAGEBOT_{}", key.to_uppercase());
            let Some(value) = var(&name).filter(|v| !v.trim().is_empty()) else { continue };
            let document = match key.strip_prefix("limits_") {
                Some(field) => format!("[limits]\n{field} = {}", kind.toml(value.trim())),
                None => format!("{key} = {}", kind.toml(value.trim())),
            };
            let from: BotConfig = toml::from_str(&document).map_err(|err| {
                if kind == Kind::Secret {
                    anyhow::anyhow!("{name} is not valid")
                } else {
                    anyhow::anyhow!("{name}: {}", err.message())
                }
            })?;
            set_field(self, from, key);
        }
        if let Some(token) = token_from(var) {
            self.token = Some(Secret::new(token));
        }
        Ok(())
    }

    /// The stats database path, explicit or next to the index folder.
    pub fn stats_path(&self) -> PathBuf {
        if let Some(path) = &self.stats_db {
            return path.clone();
        }
        let name = self.index.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.filter(|n| !n.is_empty()).unwrap_or_else(|| "index".into());
        self.index.with_file_name(format!("{name}.stats.sqlite3"))
    }

    /// The allow-list database path, explicit or next to the index folder.
    pub fn access_path(&self) -> PathBuf {
        if let Some(path) = &self.access_db {
            return path.clone();
        }
        let name = self.index.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.filter(|n| !n.is_empty()).unwrap_or_else(|| "index".into());
        self.index.with_file_name(format!("{name}.access.sqlite3"))
    }

    /// Whether `user` may run admin commands.
    pub fn is_admin(&self, user: u64) -> bool {
        self.admins.contains(&user)
    }

    fn check(&self) -> anyhow::Result<()> {
        if self.min_confidence.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
            bail!("min_confidence must be between 0 and 1");
        }
        if self.answers_per_question == 0 || self.answers_per_question > 20 {
            bail!("answers_per_question must be between 1 and 20");
        }
        if self.inline_results == 0 || self.inline_results > 50 {
            bail!("inline_results must be between 1 and 50 (Telegram's limit)");
        }
        if self.watch_debounce_ms < 100 {
            bail!("watch_debounce_ms must be at least 100");
        }
        if self.max_reply_wait_secs == 0 {
            bail!("max_reply_wait_secs must be at least 1");
        }
        if self.webhook_max_connections == 0 || self.webhook_timeout_secs == 0 {
            bail!("webhook_max_connections and webhook_timeout_secs must be at least 1");
        }
        let l = &self.limits;
        if [
            l.per_chat_per_second,
            l.per_chat_per_minute,
            l.per_group_per_minute,
            l.overall_per_second,
        ]
        .contains(&0)
        {
            bail!("every [limits] value must be at least 1");
        }
        if self.allowed_chats.iter().any(|&chat| chat >= 0) {
            bail!(
                "allowed_chats holds group and channel ids, which are negative; put user ids in allowed_users"
            );
        }
        check_join_code(self.join_code.as_ref())?;
        check_webhook_secret(self.webhook_secret.as_ref())
    }
}

/// A deep-link payload Telegram passes on (`A-Z a-z 0-9 _ -`, at most 64), never all digits
/// (those open passages); the message never quotes the code.
fn check_join_code(code: Option<&Secret>) -> anyhow::Result<()> {
    let Some(code) = code else { return Ok(()) };
    let bytes = code.expose().as_bytes();
    if !(1..=64).contains(&bytes.len())
        || !bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        || bytes.iter().all(u8::is_ascii_digit)
    {
        bail!("join_code must be 1-64 characters of A-Z, a-z, 0-9, _ and -, and not only digits");
    }
    Ok(())
}

/// How an environment value is turned into the TOML value of its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string, path, address or named choice: written as given.
    Text,
    /// A secret string: as [`Kind::Text`], and never quoted in an error.
    Secret,
    /// A number or `true`/`false`: TOML as given.
    Value,
    /// A list of ids: comma-separated, or a TOML array.
    Ids,
    /// A list of strings: a TOML array, or one string.
    Texts,
}

impl Kind {
    /// `value` as a TOML value of this kind.
    fn toml(self, value: &str) -> String {
        let string = || toml::Value::String(value.to_string()).to_string();
        match self {
            Kind::Text | Kind::Secret => string(),
            Kind::Value => value.to_string(),
            Kind::Ids | Kind::Texts if value.starts_with('[') => value.to_string(),
            Kind::Ids => format!("[{}]", value.trim_end_matches(',')),
            Kind::Texts => format!("[{}]", string()),
        }
    }
}

/// Declares the keys the environment may set, with their kinds, and the code that copies
/// one over, so a key and its field can never be spelled differently.
macro_rules! env_keys {
    ($($field:ident: $kind:ident),* ; limits: $($limit:ident),* $(,)?) => {
        /// Every key of the configuration file and its [`Kind`]; `[limits]` keys as
        /// `limits_<key>`. Each is settable as `PASSAGEBOT_<KEY>` (upper case).
        pub const ENV_KEYS: &[(&str, Kind)] = &[
            $((stringify!($field), Kind::$kind),)*
            $((concat!("limits_", stringify!($limit)), Kind::Value),)*
        ];

        /// Copies `key` from `from` into `config`.
        fn set_field(config: &mut BotConfig, from: BotConfig, key: &str) {
            match key {
                $(stringify!($field) => config.$field = from.$field,)*
                $(concat!("limits_", stringify!($limit)) => config.limits.$limit = from.limits.$limit,)*
                _ => {}
            }
        }
    };
}

env_keys! {
    token: Secret,
    admins: Ids,
    corpus: Text,
    index: Text,
    stats_db: Text,
    answers_per_question: Value,
    inline_results: Value,
    context_radius: Value,
    questions_per_minute: Value,
    welcome_text: Text,
    no_match_text: Text,
    example_questions: Texts,
    sanity_questions: Texts,
    webhook_secret: Secret,
    max_reply_wait_secs: Value,
    shutdown_timeout_secs: Value,
    stats_retention_days: Value,
    webhook_max_connections: Value,
    webhook_timeout_secs: Value,
    follow_links: Value,
    min_confidence: Value,
    build_memory_mib: Value,
    watch: Value,
    watch_debounce_ms: Value,
    access: Text,
    allowed_users: Ids,
    allowed_chats: Ids,
    join_code: Secret,
    access_db: Text,
    language: Text,
    metrics_listen: Text,
    log_format: Text;
    limits: per_chat_per_second, per_chat_per_minute, per_group_per_minute, overall_per_second,
}

/// How updates arrive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// `getUpdates` long polling (the default).
    Polling,
    /// Telegram posts updates to `url`; the bot listens on `listen`.
    Webhook {
        /// The public HTTPS address registered with Telegram; its path is the one served.
        url: String,
        /// The local address to listen on.
        listen: SocketAddr,
    },
}

/// Everything `serve` needs, validated: the config plus a well-formed token.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The resolved configuration.
    pub config: BotConfig,
    /// The bot token, checked for the `<digits>:<letters>` shape.
    pub token: Secret,
    /// `TELOXIDE_API_URL`, for a local Bot API server (or the tests' stand-in).
    pub api_url: Option<String>,
    /// Polling or webhook.
    pub mode: Mode,
}

impl Settings {
    /// Validates `config` (after env overrides) into settings; errors never contain the token.
    pub fn resolve(
        config: BotConfig,
        api_url: Option<String>,
        mode: Mode,
    ) -> anyhow::Result<Settings> {
        let Some(token) = config.token.clone() else {
            bail!(
                "no bot token: set TELOXIDE_TOKEN (or `token` in the config file) to the token from @BotFather"
            );
        };
        if !looks_like_token(token.expose()) {
            bail!(
                "TELOXIDE_TOKEN does not look like a bot token (expected <digits>:<letters>, as @BotFather gives it)"
            );
        }
        if let Some(url) = &api_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            bail!("TELOXIDE_API_URL must start with http:// or https://");
        }
        if let Mode::Webhook { url, .. } = &mode
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            bail!("--webhook must be the public https:// URL Telegram posts updates to");
        }
        // Checked again here because the environment is applied after parsing.
        config.check()?;
        Ok(Settings { config, token, api_url, mode })
    }
}

/// `<digits>:<letters, digits, _ or ->`, the shape of every Bot API token.
pub fn looks_like_token(token: &str) -> bool {
    let Some((id, secret)) = token.split_once(':') else { return false };
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
        && !secret.is_empty()
        && secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Telegram's rule for `secret_token`; the message never quotes the secret.
fn check_webhook_secret(secret: Option<&Secret>) -> anyhow::Result<()> {
    let Some(secret) = secret else { return Ok(()) };
    let bytes = secret.expose().as_bytes();
    if !(1..=256).contains(&bytes.len())
        || !bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
    {
        bail!(
            "the webhook secret (PASSAGEBOT_WEBHOOK_SECRET or webhook_secret) must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
        );
    }
    Ok(())
}

/// The bot token in `TELOXIDE_TOKEN`, trimmed, read through `var` (the real environment is
/// `|name| std::env::var(name).ok()`); `None` when unset or blank. The one reading of the
/// variable, so `serve` and `passagebot index` keep the same token out of the index.
pub fn token_from(var: impl Fn(&str) -> Option<String>) -> Option<String> {
    var("TELOXIDE_TOKEN").map(|token| token.trim().to_string()).filter(|token| !token.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_parses() {
        let example = include_str!("../../passagebot.toml.example");
        assert_eq!(BotConfig::parse(example).unwrap(), BotConfig::default());
    }

    #[test]
    fn config_file_and_token_are_never_indexed_and_links_are_opt_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bot.toml");
        std::fs::write(&path, "follow_links = true\ntoken = \"123456:ABCdef\"\n").unwrap();
        let config = BotConfig::load(&path).unwrap();
        let load = config.load_options();
        assert!(load.follow_links);
        assert_eq!(load.config_files, [path]);
        assert_eq!(load.secrets, ["123456:ABCdef"]);
        assert!(!BotConfig::default().load_options().follow_links);
    }

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(BotConfig::parse("").unwrap(), BotConfig::default());
    }

    #[test]
    fn fields_parse() {
        let config = BotConfig::parse(
            r#"
            admins = [1, 2]
            corpus = "docs"
            questions_per_minute = 3
            sanity_questions = ["what is x"]
            [limits]
            per_chat_per_second = 50
            "#,
        )
        .unwrap();
        assert_eq!(config.admins, vec![1, 2]);
        assert_eq!(config.corpus, Some(PathBuf::from("docs")));
        assert_eq!(config.questions_per_minute, 3);
        assert_eq!(config.limits.per_chat_per_second, 50);
        assert_eq!(config.limits.overall_per_second, 30);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_rejected() {
        assert!(BotConfig::parse("admin = [1]").is_err());
        assert!(BotConfig::parse("[limits]\nper_chat = 1").is_err());
        assert!(BotConfig::parse("inline_results = 60").is_err());
        assert!(BotConfig::parse("max_reply_wait_secs = 0").is_err());
        assert!(BotConfig::parse("webhook_timeout_secs = 0").is_err());
        let bad_secret = BotConfig::parse("webhook_secret = \"no spaces xyzzy\"").unwrap_err();
        assert!(!format!("{bad_secret:#}").contains("xyzzy"), "{bad_secret:#}");
    }

    #[test]
    fn webhook_secret_comes_from_the_env_and_is_checked() {
        let mut config = BotConfig { token: Some(Secret::new("1:abc")), ..BotConfig::default() };
        config
            .apply_env(|k| (k == "PASSAGEBOT_WEBHOOK_SECRET").then(|| " s3cret_-X ".to_string()))
            .unwrap();
        assert_eq!(config.webhook_secret.as_ref().unwrap().expose(), "s3cret_-X");
        assert!(!format!("{config:?}").contains("s3cret"));
        let webhook =
            |url: &str| Mode::Webhook { url: url.into(), listen: ([127, 0, 0, 1], 8443).into() };
        assert!(Settings::resolve(config.clone(), None, webhook("https://x.org/hook")).is_ok());
        assert!(Settings::resolve(config.clone(), None, webhook("x.org/hook")).is_err());
        config.webhook_secret = Some(Secret::new("a/b xyzzy"));
        let err = Settings::resolve(config, None, webhook("https://x.org/hook")).unwrap_err();
        assert!(!format!("{err:#}").contains("xyzzy"), "{err:#}");
    }

    #[test]
    fn the_token_from_the_environment_is_trimmed_and_never_blank() {
        // `passagebot index` read it untrimmed while `serve` trimmed it, so a token with a
        // trailing newline (from an env file) made `serve` rebuild what `index` had built.
        let env =
            |value: &'static str| move |k: &str| (k == "TELOXIDE_TOKEN").then(|| value.into());
        assert_eq!(token_from(env(" 123:ABC\n")).as_deref(), Some("123:ABC"));
        assert_eq!(token_from(env(" \t")), None);
        assert_eq!(token_from(|_: &str| None), None);
    }

    #[test]
    fn env_overrides_the_file() {
        let mut config = BotConfig::parse("admins = [1]\ntoken = \"1:file\"").unwrap();
        let env = |k: &str| match k {
            "PASSAGEBOT_ADMINS" => Some("7, 8,".to_string()),
            "PASSAGEBOT_INDEX" => Some("/tmp/ix".to_string()),
            "TELOXIDE_TOKEN" => Some("2:env".to_string()),
            _ => None,
        };
        config.apply_env(env).unwrap();
        assert_eq!(config.admins, vec![7, 8]);
        assert_eq!(config.index, PathBuf::from("/tmp/ix"));
        assert_eq!(config.token.as_ref().unwrap().expose(), "2:env");
        assert_eq!(config.stats_path(), PathBuf::from("/tmp/ix.stats.sqlite3"));
        let err = config.apply_env(|k| (k == "PASSAGEBOT_ADMINS").then(|| "me".to_string()));
        assert!(format!("{:#}", err.unwrap_err()).contains("PASSAGEBOT_ADMINS"));
    }

    #[test]
    fn every_key_is_settable_from_the_env_and_named_in_the_example_file() {
        // The parser's own list of fields (its unknown-field error names them all).
        let err = BotConfig::parse("no_such_key = 1").unwrap_err().to_string();
        let expected = err.split("expected one of").nth(1).unwrap_or_default();
        let fields: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        assert!(fields.len() > 20, "{err}");
        let keys: Vec<&str> = ENV_KEYS.iter().map(|(k, _)| *k).collect();
        for field in fields.iter().filter(|f| **f != "limits") {
            assert!(keys.contains(field), "{field} is missing from ENV_KEYS");
        }
        let example = include_str!("../../passagebot.toml.example");
        for key in &keys {
            let env = format!("PASSAGEBOT_{}", key.to_uppercase());
            assert!(example.contains(&env), "{env} is not in passagebot.toml.example");
        }
    }

    #[test]
    fn env_values_of_every_kind() {
        let env = |k: &str| {
            Some(
                match k {
                    "PASSAGEBOT_FOLLOW_LINKS" => "true",
                    "PASSAGEBOT_INLINE_RESULTS" => "7",
                    "PASSAGEBOT_LIMITS_OVERALL_PER_SECOND" => "12",
                    "PASSAGEBOT_ALLOWED_CHATS" => "-100, -200",
                    "PASSAGEBOT_ACCESS" => "allow-list",
                    "PASSAGEBOT_SANITY_QUESTIONS" => r#"["what, then?", "why"]"#,
                    "PASSAGEBOT_EXAMPLE_QUESTIONS" => "how do I start, then?",
                    "PASSAGEBOT_WELCOME_TEXT" => "Hi \"there\"",
                    "PASSAGEBOT_METRICS_LISTEN" => "127.0.0.1:9090",
                    "PASSAGEBOT_LOG_FORMAT" => "json",
                    "PASSAGEBOT_JOIN_CODE" => "course-2026",
                    "PASSAGEBOT_LANGUAGE" => "ko",
                    _ => return None,
                }
                .to_string(),
            )
        };
        let mut config = BotConfig::default();
        config.apply_env(env).unwrap();
        assert!(config.follow_links);
        assert_eq!(config.inline_results, 7);
        assert_eq!(config.limits.overall_per_second, 12);
        assert_eq!(config.limits.per_chat_per_second, 1);
        assert_eq!(config.allowed_chats, [-100, -200]);
        assert_eq!(config.access, Access::AllowList);
        assert_eq!(config.sanity_questions, ["what, then?", "why"]);
        assert_eq!(config.example_questions, ["how do I start, then?"]);
        assert_eq!(config.welcome_text.as_deref(), Some("Hi \"there\""));
        assert_eq!(config.metrics_listen, Some(([127, 0, 0, 1], 9090).into()));
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.join_code.as_ref().map(Secret::expose), Some("course-2026"));
        assert_eq!(config.language, super::super::i18n::Language::Ko);
        assert!(BotConfig::parse("language = \"fr\"").is_err(), "not shipped");
        let bad = BotConfig::default()
            .apply_env(|k| (k == "PASSAGEBOT_INLINE_RESULTS").then(|| "many".to_string()));
        assert!(format!("{:#}", bad.unwrap_err()).contains("PASSAGEBOT_INLINE_RESULTS"));
        let mut config = BotConfig::default();
        config.apply_env(|k| (k == "PASSAGEBOT_JOIN_CODE").then(|| "12345".to_string())).unwrap();
        let err = config.check().unwrap_err();
        assert!(!format!("{err:#}").contains("12345"), "{err:#}");
    }

    #[test]
    fn access_keys_parse_and_are_checked() {
        let config = BotConfig::parse(
            "access = \"allow-list\"\nallowed_users = [5]\nallowed_chats = [-100]\njoin_code = \"abc_1\"",
        )
        .unwrap();
        assert_eq!(config.access, Access::AllowList);
        assert_eq!(config.allowed_users, [5]);
        assert!(BotConfig::parse("access = \"closed\"").is_err());
        assert!(BotConfig::parse("allowed_chats = [5]").is_err(), "a user id as a chat");
        for bad in ["", "42", "a b", "x/y"] {
            let err = BotConfig::parse(&format!("join_code = {bad:?}")).unwrap_err();
            assert!(!bad.is_empty() && !format!("{err:#}").contains(bad) || bad.is_empty());
        }
        assert_eq!(
            BotConfig { index: "/srv/ix".into(), ..BotConfig::default() }.access_path(),
            PathBuf::from("/srv/ix.access.sqlite3")
        );
    }

    #[test]
    fn token_is_required_checked_and_never_printed() {
        let missing = Settings::resolve(BotConfig::default(), None, Mode::Polling).unwrap_err();
        assert!(missing.to_string().contains("TELOXIDE_TOKEN"));
        let config =
            BotConfig { token: Some(Secret::new("not a token SECRET")), ..BotConfig::default() };
        let bad = Settings::resolve(config, None, Mode::Polling).unwrap_err();
        assert!(!format!("{bad:#}").contains("SECRET"));
        let config = BotConfig { token: Some(Secret::new("123:SECRET")), ..BotConfig::default() };
        let settings = Settings::resolve(config, None, Mode::Polling).unwrap();
        assert!(!format!("{settings:?}").contains("SECRET"));
        assert!(looks_like_token("123:ABC-def_9"));
        assert!(
            !looks_like_token(":abc") && !looks_like_token("12:") && !looks_like_token("1:a/b")
        );
    }
}
