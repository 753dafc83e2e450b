//! The bot end to end: the real binary's `serve` against the Bot API stand-in
//! ([`standin`]) on 127.0.0.1, with a small JSON Lines corpus in a temp dir. This file holds
//! the harness; the tests are in the submodules.

mod standin;

/// Private chats, groups, inline mode, admin commands, flood control, token errors.
mod conversation;

/// Stable deep links, "Share", "See also", buttons across reindexes, follow-up questions.
mod links;

/// `serve --webhook`: `setWebhook`, the secret header, answers to POSTed updates.
mod webhook;

/// SIGTERM and restart: in-flight answers finish, the offset is confirmed, nothing twice.
mod restart;

/// Admin commands from non-admins in every context; the token never in the logs.
mod access;

/// `access = "allow-list"`: listed users, members, the join code, `/allow` and `/deny`,
/// refusals once, forged chat ids.
mod allowlist;

/// `/healthz` and `/metrics` in polling mode, JSON logs, every key from the environment.
mod operations;

/// `watch = true`: corpus changes reindex through the `/reindex` gate, debounced, and the
/// admins get one note.
mod watch;

/// "What was wrong?" after a 👎, the comment in `/stats`, `/export` as CSV documents.
mod feedback;

/// The user's language: Korean for `language_code` `ko*`, else the configured default.
mod language;

/// Admins add material from chat: documents through `getFile` and the file URL, hostile
/// names, sizes, files and downloads, taken names confirmed with buttons.
mod upload;

/// Bot API faults: 429, 500, slow, malformed, dropped and refused; duplicate updates.
mod faults;

/// kill -9 during a chat-triggered `/reindex` (ignored by default).
mod killed;

/// 100 users × 10 questions (ignored by default; prints the latency figures).
mod load;

/// `serve` over a bench index of a million passages: resident memory while it answers
/// (ignored by default; needs `PASSAGEBOT_SCALE_*`).
mod scale;

/// Bounded under pressure: a flooding group, SIGTERM with replies waiting, idle webhook
/// connections, a bad stats database, forum topics.
mod pressure;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use standin::{Call, StandIn, chat};

/// The binary under test (`CARGO_BIN_EXE_passagebot` in the main crate).
const BIN: &str = env!("CARGO_BIN_EXE_passagebot");
/// A well-formed token; its secret part must never appear in the bot's output.
const TOKEN: &str = "123456:SECRETtokenPART";
/// The public URL given to `--webhook`; the stand-in never fetches it.
const WEBHOOK_URL: &str = "https://bot.example.org/telegram/hook";
const ADMIN: i64 = 1000;
const STUDENT: i64 = 2000;
const GROUP: i64 = -500;

const CORPUS: &[(&str, &str, Option<&str>, &str)] = &[
    (
        "kettle",
        "Brewing",
        Some("https://example.org/brew?a=1&b=2"),
        "Fill the kettle with fresh water. Heat the water until it boils, then pour it over the tea leaves. Let the tea steep for three minutes.",
    ),
    (
        "archive",
        "Installing",
        None,
        "First download the widget archive. Then unpack the archive into your home folder. Finally run the setup script to finish installing.",
    ),
    (
        "garden",
        "Gardening",
        None,
        "Water the tomato plants every morning. Tomatoes need plenty of sunlight and rich soil to grow well.",
    ),
    (
        "tags",
        "Markup <b> & \"quotes\"",
        None,
        "The <script> tag & the \"onclick\" attribute are dangerous in untrusted markup.",
    ),
    (
        "bicycle",
        "Cycling",
        None,
        "Check the bicycle tyre pressure before every ride. Oil the bicycle chain once a month.",
    ),
];

/// One bot process with its stand-in and temp dir; killed on drop.
struct Bot {
    api: StandIn,
    dir: tempfile::TempDir,
    options: Options,
    /// The `--listen` address in webhook mode.
    listen: Option<SocketAddr>,
    child: Child,
    /// Drains the child's stderr as it runs (a full pipe would block the bot's logging).
    stderr: Option<JoinHandle<String>>,
}

/// Options for [`Bot::start`].
#[derive(Clone)]
struct Options {
    questions_per_minute: u32,
    reject_token: bool,
    /// Webhook mode instead of long polling.
    webhook: bool,
    /// `PASSAGEBOT_WEBHOOK_SECRET`; unset when `None`.
    webhook_secret: Option<&'static str>,
    /// `RUST_LOG` for the bot.
    log: &'static str,
    /// The bot's overall send limit (`[limits] overall_per_second`).
    overall_per_second: u32,
    /// Telegram's real per-chat and per-group limits instead of the raised ones.
    telegram_limits: bool,
    /// Runs with the temp dir before the bot starts (to add corpus files, say) and returns
    /// more top-level config lines.
    prepare: Option<fn(&Path) -> String>,
    /// An existing corpus and index folder to serve instead of the small test corpus.
    serve_existing: Option<(PathBuf, PathBuf)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            questions_per_minute: 100,
            reject_token: false,
            webhook: false,
            webhook_secret: None,
            log: "debug",
            overall_per_second: 1000,
            telegram_limits: false,
            prepare: None,
            serve_existing: None,
        }
    }
}

fn write_corpus(dir: &Path, records: &[(&str, &str, Option<&str>, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    let lines: Vec<String> = records
        .iter()
        .map(|(id, title, url, text)| {
            json!({"id": id, "title": title, "url": url, "text": text}).to_string()
        })
        .collect();
    std::fs::write(dir.join("docs.jsonl"), lines.join("\n") + "\n").unwrap();
}

/// A port that was free a moment ago on 127.0.0.1.
fn free_local_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

impl Bot {
    fn start(options: Options) -> Bot {
        let dir = tempfile::tempdir().unwrap();
        write_corpus(&dir.path().join("corpus"), CORPUS);
        let extra = options.prepare.map(|prepare| prepare(dir.path())).unwrap_or_default();
        let chat_limits = if options.telegram_limits {
            "per_chat_per_second = 1\nper_chat_per_minute = 60\nper_group_per_minute = 20"
        } else {
            "per_chat_per_second = 1000\nper_chat_per_minute = 100000\nper_group_per_minute = 100000"
        };
        let (corpus, index) = options
            .serve_existing
            .clone()
            .unwrap_or_else(|| (dir.path().join("corpus"), dir.path().join("index")));
        let config = format!(
            "admins = [{ADMIN}]\ncorpus = {corpus:?}\nindex = {index:?}\nquestions_per_minute = {}\ninline_results = 2\n{extra}\n\
             [limits]\n{chat_limits}\noverall_per_second = {}\n",
            options.questions_per_minute, options.overall_per_second,
        );
        std::fs::write(dir.path().join("bot.toml"), config).unwrap();
        let api = StandIn::start(options.reject_token);
        let listen = options.webhook.then(free_local_addr);
        let (child, stderr) = spawn(dir.path(), &api, &options, listen);
        Bot { api, dir, options, listen, child, stderr: Some(stderr) }
    }

    fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    /// Sends a text message from `user` in `chat_id`; returns its message id.
    fn say(&self, user: i64, chat_id: i64, text: &str) -> i64 {
        self.say_replying(user, chat_id, text, None)
    }

    fn say_replying(&self, user: i64, chat_id: i64, text: &str, reply_to: Option<Value>) -> i64 {
        let mut update = self.message(user, chat_id, text);
        if let Some(reply_to) = reply_to {
            update["message"]["reply_to_message"] = reply_to;
        }
        let message_id = update["message"]["message_id"].as_i64().unwrap();
        self.api.push(update);
        message_id
    }

    /// A message update (without `update_id`) from `user` in `chat_id`.
    fn message(&self, user: i64, chat_id: i64, text: &str) -> Value {
        json!({"message": {
            "message_id": self.api.message_id(), "date": 1_700_000_000, "chat": chat(chat_id),
            "text": text, "from": {"id": user, "is_bot": false, "first_name": "Student"},
        }})
    }

    /// Presses a button under `message` (a `sendMessage` result).
    fn press(&self, user: i64, message: &Value, data: &str) -> String {
        let id = format!("cb{}", self.api.message_id());
        self.api.push(json!({"callback_query": {
            "id": id, "from": {"id": user, "is_bot": false, "first_name": "Student"},
            "chat_instance": "ci", "data": data, "message": message}}));
        id
    }

    /// The next `sendMessage` to `chat_id` whose text contains `needle`.
    fn reply_containing(&self, chat_id: i64, needle: &str) -> Call {
        self.api.wait_for(|c| {
            c.method == "sendMessage"
                && c.body["chat_id"] == json!(chat_id)
                && text(c).contains(needle)
        })
    }

    /// Sends SIGTERM and waits up to 10 s for the exit; returns (exit success, stderr).
    fn terminate(&mut self) -> (bool, String) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let (status, stderr) = self.wait_exit(Duration::from_secs(10));
        (status.success(), stderr)
    }

    /// Waits for the process to exit on its own; returns its status and stderr.
    fn wait_exit(&mut self, timeout: Duration) -> (ExitStatus, String) {
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "the bot did not exit within {timeout:?}");
            std::thread::sleep(Duration::from_millis(20));
        };
        let stderr = self.stderr.take().map(|h| h.join().unwrap()).unwrap_or_default();
        (status, stderr)
    }

    /// Stops the bot with SIGTERM and returns (exit success, stderr).
    fn stop(mut self) -> (bool, String) {
        self.terminate()
    }

    /// Starts the bot again after [`Bot::terminate`], on the same stand-in, corpus, index,
    /// stats and listen address.
    fn relaunch(&mut self) {
        let (child, stderr) = spawn(self.dir.path(), &self.api, &self.options, self.listen);
        self.child = child;
        self.stderr = Some(stderr);
    }

    /// POSTs `update` to the webhook at `path` with `secret` in the secret header; returns
    /// the HTTP status.
    fn post_update(&self, path: &str, secret: Option<&str>, update: &Value) -> u16 {
        http_status(self.listen.expect("webhook mode"), &webhook_post(path, secret, update))
    }

    /// `GET path` on the webhook server; returns the HTTP status.
    fn get(&self, path: &str) -> u16 {
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        http_status(self.listen.expect("webhook mode"), &request)
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `passagebot serve` with the config in `dir` against `api`.
fn spawn(
    dir: &Path,
    api: &StandIn,
    options: &Options,
    listen: Option<SocketAddr>,
) -> (Child, JoinHandle<String>) {
    let mut command = Command::new(BIN);
    command
        .args(["serve", "--config"])
        .arg(dir.join("bot.toml"))
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", &api.url)
        .env("RUST_LOG", options.log)
        .env_remove("PASSAGEBOT_ADMINS")
        .env_remove("PASSAGEBOT_CORPUS")
        .env_remove("PASSAGEBOT_INDEX")
        .env_remove("PASSAGEBOT_WEBHOOK_SECRET")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(listen) = listen {
        command.args(["--webhook", WEBHOOK_URL, "--listen", &listen.to_string()]);
    }
    if let Some(secret) = options.webhook_secret {
        command.env("PASSAGEBOT_WEBHOOK_SECRET", secret);
    }
    let mut child = command.spawn().unwrap();
    let mut pipe = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    });
    (child, stderr)
}

/// The HTTP request Telegram makes to deliver `update` to a webhook at `path`, with `secret`
/// in the secret header.
fn webhook_post(path: &str, secret: Option<&str>, update: &Value) -> String {
    let body = update.to_string();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: bot.example.org\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(secret) = secret {
        head.push_str(&format!("X-Telegram-Bot-Api-Secret-Token: {secret}\r\n"));
    }
    format!("{head}\r\n{body}")
}

/// Sends `request` to `addr` and returns the response's HTTP status.
fn http_status(addr: SocketAddr, request: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.split_whitespace().nth(1).and_then(|code| code.parse().ok()).unwrap_or(0)
}

fn text(call: &Call) -> String {
    call.body["text"].as_str().unwrap_or("").to_string()
}

/// `callback_data` of every button in a call's inline keyboard.
fn buttons(call: &Call) -> Vec<(String, String)> {
    let rows = call.body["reply_markup"]["inline_keyboard"].as_array().cloned().unwrap_or_default();
    rows.iter()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .map(|b| {
            (
                b["text"].as_str().unwrap_or("").to_string(),
                b["callback_data"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn button(call: &Call, label: &str) -> String {
    buttons(call)
        .into_iter()
        .find(|(l, _)| l.contains(label))
        .unwrap_or_else(|| panic!("no {label} button"))
        .1
}

/// The URL of the URL button whose label contains `label`.
fn url_button(call: &Call, label: &str) -> String {
    let rows = call.body["reply_markup"]["inline_keyboard"].as_array().cloned().unwrap_or_default();
    rows.iter()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .find(|b| b["text"].as_str().unwrap_or("").contains(label) && b["url"].is_string())
        .and_then(|b| b["url"].as_str().map(String::from))
        .unwrap_or_else(|| panic!("no {label} link button"))
}

/// Only the tags the bot emits: `<b>`, `<i>`, `<a href="…">` and their closing tags.
fn only_safe_tags(html: &str) -> bool {
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if !["<b>", "</b>", "<i>", "</i>", "<a href=\"", "</a>"].iter().any(|t| rest.starts_with(t))
        {
            return false;
        }
        rest = &rest[1..];
    }
    true
}
