//! A stand-in for the Telegram Bot API on 127.0.0.1:0: answers the methods the bot uses,
//! feeds scripted updates through `getUpdates` (forgetting those below each call's `offset`,
//! as Telegram does), and records every call's body (JSON, or multipart form fields as a JSON
//! object, `message_thread_id` included; a file field's text under its name and the file's
//! name under `<name>_filename`, as `sendDocument` sends them) with the time it was answered. A message sent with
//! `message_thread_id` comes back as a forum-topic message. `getChatMember` says "member" for
//! the pairs given to [`StandIn::add_member`], "left" for everyone else.
//!
//! Files ([`StandIn::add_file`]): `getFile` answers for a known `file_id` with its size and
//! a `file_path` (an unknown id gets 400 `invalid file_id`), and `GET
//! /file/bot<token>/<file_path>` serves the bytes as asked ([`Serve`]: whole, 404, cut short,
//! or far more than stated); each download is recorded as a call of method `download` with
//! the path under `path`.
//!
//! Unknown methods get HTTP 404 `Not Found` (never a 5xx unasked: teloxide waits 10 s after
//! one).
//!
//! Faults on demand ([`StandIn::fault`]): the next N calls of a method get a 429 with
//! `retry_after`, an HTTP 500, a delay, malformed JSON, or a dropped connection, either before
//! handling the call or after it (the message posted, the response lost); an outage
//! ([`StandIn::go_down`] / [`StandIn::come_up`]) closes the listening socket, so connections are
//! refused, and later listens on the same port again. [`StandIn::replay`] hands an update out
//! a second time with its old `update_id`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The bot's user id and username as `getMe` reports them.
pub const BOT_ID: i64 = 4242;
/// See [`BOT_ID`].
pub const BOT_USERNAME: &str = "passage_test_bot";

/// One recorded Bot API call.
#[derive(Debug, Clone)]
pub struct Call {
    /// The method name, e.g. `sendMessage`.
    pub method: String,
    /// The JSON body the bot sent.
    pub body: Value,
    /// The `result` the stand-in answered with.
    pub result: Value,
    /// When the stand-in answered.
    pub at: Instant,
}

#[derive(Debug, Default)]
struct Inner {
    calls: Vec<Call>,
    updates: Vec<Value>,
    /// When each update was first returned by `getUpdates`, by `update_id`.
    handed_out: HashMap<i64, Instant>,
    next_update_id: i64,
    next_message_id: i64,
    /// Faults still to serve, by method.
    faults: HashMap<String, VecDeque<Fault>>,
    /// Every fault served: method and when.
    faulted: Vec<(String, Instant)>,
    /// Updates to hand out again regardless of the offset (once each).
    replays: Vec<Value>,
    /// (chat, user) pairs `getChatMember` reports as members; everyone else has left.
    members: Vec<(i64, i64)>,
    /// Files `getFile` knows, by `file_id`.
    files: HashMap<String, StoredFile>,
}

/// How a file's download is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serve {
    /// All of its bytes.
    Whole,
    /// HTTP 404, as for an expired `file_path`.
    NotFound,
    /// The first half of its bytes only (a complete HTTP response, shorter than stated).
    Truncated,
    /// This many bytes of filler instead of the file, whatever `getFile` said.
    Oversized(usize),
}

/// A file the stand-in holds for `getFile` and its download.
#[derive(Debug, Clone)]
struct StoredFile {
    path: String,
    bytes: Arc<Vec<u8>>,
    serve: Serve,
}

/// A fault the stand-in serves instead of (or before) a normal answer.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// HTTP 429 `Too Many Requests: retry after 1` with `parameters.retry_after = 1`.
    TooManyRequests,
    /// HTTP 500 with a Bot API error body.
    ServerError,
    /// Answers normally after this long.
    Delay(Duration),
    /// HTTP 200 with a body that is not JSON.
    Malformed,
    /// Closes the connection without answering.
    Drop,
    /// Handles the call (posts the message), then answers HTTP 200 with the body cut short.
    HandledCutShort,
    /// Handles the call (posts the message), then closes the connection without answering.
    HandledThenDropped,
}

/// The running stand-in.
#[derive(Clone)]
pub struct StandIn {
    /// Base URL for `TELOXIDE_API_URL`.
    pub url: String,
    inner: Arc<Mutex<Inner>>,
    /// Wakes held `getUpdates` calls when an update is queued.
    queued: Arc<tokio::sync::Notify>,
    reject_token: bool,
    /// `true` while the listener is closed (connections refused).
    down: Arc<tokio::sync::watch::Sender<bool>>,
}

impl StandIn {
    /// Starts a stand-in on a runtime thread of its own; `reject_token` makes `getMe` fail
    /// with 401 Unauthorized.
    pub fn start(reject_token: bool) -> StandIn {
        let inner = Arc::new(Mutex::new(Inner {
            next_update_id: 1,
            next_message_id: 1000,
            ..Inner::default()
        }));
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1:0");
        std_listener.set_nonblocking(true).unwrap();
        let addr = std_listener.local_addr().unwrap();
        let (down, mut down_rx) = tokio::sync::watch::channel(false);
        let standin = StandIn {
            url: format!("http://127.0.0.1:{}/", addr.port()),
            inner,
            queued: Arc::new(tokio::sync::Notify::new()),
            reject_token,
            down: Arc::new(down),
        };
        let app = Router::new().fallback(handle).with_state(standin.clone());
        std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let mut listener = Some(tokio::net::TcpListener::from_std(std_listener).unwrap());
                loop {
                    let bound = match listener.take() {
                        Some(bound) => bound,
                        None => tokio::net::TcpListener::bind(addr).await.expect("rebinding"),
                    };
                    let mut until_down = down_rx.clone();
                    let stop = async move {
                        let _ = until_down.wait_for(|down| *down).await;
                    };
                    // Closes the listener when `down` is set, then lets open connections end.
                    if axum::serve(bound, app.clone()).with_graceful_shutdown(stop).await.is_err() {
                        return;
                    }
                    if down_rx.wait_for(|down| !*down).await.is_err() {
                        return;
                    }
                }
            });
        });
        standin
    }

    /// Serves `fault` to the next `count` calls of `method` (after faults already queued).
    pub fn fault(&self, method: &str, count: usize, fault: Fault) {
        let mut inner = self.inner.lock().unwrap();
        inner.faults.entry(method.to_string()).or_default().extend((0..count).map(|_| fault));
    }

    /// Makes `getChatMember` report `user` as a member of `chat`.
    pub fn add_member(&self, chat: i64, user: i64) {
        self.inner.lock().unwrap().members.push((chat, user));
    }

    /// Holds `bytes` as a file served as `serve`; returns its `file_id`.
    pub fn add_file(&self, bytes: Vec<u8>, serve: Serve) -> String {
        let n = self.message_id();
        let (id, path) = (format!("doc{n}"), format!("documents/file_{n}"));
        let file = StoredFile { path, bytes: Arc::new(bytes), serve };
        self.inner.lock().unwrap().files.insert(id.clone(), file);
        id
    }

    /// Faults served so far for `method`.
    pub fn faults_served(&self, method: &str) -> usize {
        self.inner.lock().unwrap().faulted.iter().filter(|(m, _)| m == method).count()
    }

    fn take_fault(&self, method: &str) -> Option<Fault> {
        let mut inner = self.inner.lock().unwrap();
        let fault = inner.faults.get_mut(method)?.pop_front()?;
        inner.faulted.push((method.to_string(), Instant::now()));
        Some(fault)
    }

    /// Closes the listening socket: new connections are refused until [`StandIn::come_up`].
    pub fn go_down(&self) {
        self.down.send_replace(true);
    }

    /// Listens on the same port again after [`StandIn::go_down`].
    pub fn come_up(&self) {
        self.down.send_replace(false);
    }

    /// Queues `update` (which already has an `update_id`) to be handed out again by the next
    /// `getUpdates`, whatever its offset: a duplicate delivery.
    pub fn replay(&self, update: Value) {
        self.inner.lock().unwrap().replays.push(update);
        self.queued.notify_waiters();
    }

    /// Queues one update and hands it out twice in a row, with the same `update_id`.
    pub fn push_twice(&self, update: Value) -> i64 {
        let mut inner = self.inner.lock().unwrap();
        let id = inner.next_update_id;
        inner.next_update_id += 1;
        let mut update = update;
        update["update_id"] = json!(id);
        inner.updates.push(update.clone());
        inner.updates.push(update);
        drop(inner);
        self.queued.notify_waiters();
        id
    }

    /// Queues an update (`update_id` is filled in) and returns its id.
    pub fn push(&self, mut update: Value) -> i64 {
        let id = {
            let mut inner = self.inner.lock().unwrap();
            let id = inner.next_update_id;
            inner.next_update_id += 1;
            update["update_id"] = json!(id);
            inner.updates.push(update);
            id
        };
        self.queued.notify_waiters();
        id
    }

    /// A fresh `update_id` for an update delivered some other way (a webhook POST).
    pub fn update_id(&self) -> i64 {
        let mut inner = self.inner.lock().unwrap();
        inner.next_update_id += 1;
        inner.next_update_id - 1
    }

    /// When `getUpdates` first returned update `id`, if it has.
    pub fn handed_out(&self, id: i64) -> Option<Instant> {
        self.inner.lock().unwrap().handed_out.get(&id).copied()
    }

    /// Calls after the first `skip` ones (cheaper than [`StandIn::calls`] in a loop).
    pub fn calls_since(&self, skip: usize) -> Vec<Call> {
        self.inner.lock().unwrap().calls.get(skip..).unwrap_or_default().to_vec()
    }

    /// A fresh message id for scripted incoming messages.
    pub fn message_id(&self) -> i64 {
        let mut inner = self.inner.lock().unwrap();
        inner.next_message_id += 1;
        inner.next_message_id
    }

    /// All calls so far.
    pub fn calls(&self) -> Vec<Call> {
        self.inner.lock().unwrap().calls.clone()
    }

    /// Calls of one method so far.
    pub fn calls_of(&self, method: &str) -> Vec<Call> {
        self.calls().into_iter().filter(|c| c.method == method).collect()
    }

    /// Waits (polling every 10 ms, up to `timeout`) until `count` calls match `pred`.
    pub fn wait_for_n(
        &self,
        count: usize,
        timeout: Duration,
        pred: impl Fn(&Call) -> bool,
    ) -> Vec<Call> {
        let deadline = Instant::now() + timeout;
        loop {
            let found: Vec<Call> = self.calls().into_iter().filter(|c| pred(c)).collect();
            if found.len() >= count {
                return found;
            }
            if Instant::now() > deadline {
                let methods: Vec<String> = self
                    .calls()
                    .iter()
                    .filter(|c| c.method != "getUpdates")
                    .map(|c| format!("{} {}", c.method, c.body))
                    .collect();
                panic!(
                    "timed out waiting for {count} matching call(s); saw:\n{}",
                    methods.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for one call matching `pred` and returns it.
    pub fn wait_for(&self, pred: impl Fn(&Call) -> bool) -> Call {
        self.wait_for_n(1, Duration::from_secs(10), pred).remove(0)
    }

    fn record(&self, method: &str, body: Value, result: Value) {
        let call = Call { method: method.to_string(), body, result, at: Instant::now() };
        self.inner.lock().unwrap().calls.push(call);
    }
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "Passage", "username": BOT_USERNAME})
}

/// A chat object for an id: positive ids are private chats, negative ones supergroups.
pub fn chat(id: i64) -> Value {
    if id > 0 {
        json!({"id": id, "type": "private", "first_name": "Student"})
    } else {
        json!({"id": id, "type": "supergroup", "title": "Study group"})
    }
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

async fn handle(State(standin): State<StandIn>, uri: Uri, body: Bytes) -> Response {
    if let Some(rest) = uri.path().strip_prefix("/file/") {
        return download(&standin, rest);
    }
    let segments: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();
    let method = match segments.as_slice() {
        // teloxide spells methods as its payload types ("GetMe"); the Bot API ignores case.
        [.., token, method] if token.starts_with("bot") => lower_first(method),
        _ => return not_found(),
    };
    let body: Value = serde_json::from_slice(&body).unwrap_or_else(|_| multipart_fields(&body));
    let fault = standin.take_fault(&method);
    match fault {
        Some(Fault::TooManyRequests) => {
            let error = json!({"ok": false, "error_code": 429,
                "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}});
            return (StatusCode::TOO_MANY_REQUESTS, axum::Json(error)).into_response();
        }
        Some(Fault::ServerError) => {
            let error =
                json!({"ok": false, "error_code": 500, "description": "Internal Server Error"});
            return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(error)).into_response();
        }
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::Malformed) => {
            return ([(header::CONTENT_TYPE, "application/json")], "{\"ok\":tru<html>")
                .into_response();
        }
        Some(Fault::Drop) => drop_connection(),
        Some(Fault::HandledCutShort | Fault::HandledThenDropped) | None => {}
    }
    if method == "getUpdates" {
        return ok(get_updates(&standin, &body).await);
    }
    let result = match method.as_str() {
        "getMe" if standin.reject_token => {
            standin.record(&method, body, Value::Null);
            let error = json!({"ok": false, "error_code": 401, "description": "Unauthorized"});
            return (StatusCode::UNAUTHORIZED, axum::Json(error)).into_response();
        }
        "getMe" => {
            let mut me = bot_user();
            me["can_join_groups"] = json!(true);
            me["can_read_all_group_messages"] = json!(false);
            me["supports_inline_queries"] = json!(true);
            me["has_main_web_app"] = json!(false);
            me
        }
        "sendMessage" => {
            let message_id = standin.message_id();
            let chat_id = body["chat_id"].as_i64().unwrap_or(0);
            let mut message = json!({"message_id": message_id, "date": now(), "chat": chat(chat_id),
                   "from": bot_user(), "text": body["text"].clone()});
            // A message sent to a forum topic is in it, as Telegram reports.
            if let Some(thread) = body.get("message_thread_id") {
                message["message_thread_id"] = thread.clone();
                message["is_topic_message"] = json!(true);
                message["chat"]["is_forum"] = json!(true);
            }
            message
        }
        // Multipart: the file's text is the `document` field, its name `document_filename`.
        "sendDocument" => {
            let message_id = standin.message_id();
            let chat_id = body["chat_id"].as_str().and_then(|c| c.parse().ok()).unwrap_or(0);
            json!({"message_id": message_id, "date": now(), "chat": chat(chat_id),
                   "from": bot_user(), "document": {"file_id": format!("file{message_id}"),
                   "file_unique_id": format!("u{message_id}"),
                   "file_name": body["document_filename"].clone()}})
        }
        "editMessageText" if body.get("inline_message_id").is_some() => json!(true),
        "editMessageText" => {
            let chat_id = body["chat_id"].as_i64().unwrap_or(0);
            json!({"message_id": body["message_id"].clone(), "date": now(), "edit_date": now(),
                   "chat": chat(chat_id), "from": bot_user(), "text": body["text"].clone()})
        }
        "getMyCommands" => json!([]),
        "getFile" => {
            let id = body["file_id"].as_str().unwrap_or("").to_string();
            let file = standin.inner.lock().unwrap().files.get(&id).cloned();
            let Some(file) = file else {
                standin.record(&method, body, Value::Null);
                let error = json!({"ok": false, "error_code": 400,
                    "description": "Bad Request: invalid file_id"});
                return (StatusCode::BAD_REQUEST, axum::Json(error)).into_response();
            };
            json!({"file_id": id, "file_unique_id": format!("u{id}"),
                   "file_size": file.bytes.len(), "file_path": file.path})
        }
        "getChatMember" => {
            let (chat, user) =
                (body["chat_id"].as_i64().unwrap_or(0), body["user_id"].as_i64().unwrap_or(0));
            let member = standin.inner.lock().unwrap().members.contains(&(chat, user));
            let status = if member { "member" } else { "left" };
            json!({"status": status, "user": {"id": user, "is_bot": false, "first_name": "Member"}})
        }
        "answerCallbackQuery"
        | "answerInlineQuery"
        | "sendChatAction"
        | "setMyCommands"
        | "deleteWebhook"
        | "setWebhook"
        | "deleteMyCommands"
        | "setChatMenuButton" => json!(true),
        "getWebhookInfo" => {
            json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0})
        }
        _ => {
            standin.record(&method, body, Value::Null);
            return not_found();
        }
    };
    standin.record(&method, body, result.clone());
    match fault {
        Some(Fault::HandledCutShort) => {
            let whole = json!({"ok": true, "result": result}).to_string();
            let cut = whole[..whole.len() / 2].to_string();
            ([(header::CONTENT_TYPE, "application/json")], cut).into_response()
        }
        Some(Fault::HandledThenDropped) => drop_connection(),
        _ => ok(result),
    }
}

/// `GET /file/bot<token>/<file_path>`: the file's bytes as its [`Serve`] says; 404 for an
/// unknown path. teloxide sends the path as one URL segment (`/` as `%2F`).
fn download(standin: &StandIn, rest: &str) -> Response {
    let path = rest.split_once('/').map_or("", |(_, path)| path).replace("%2F", "/");
    let file = standin.inner.lock().unwrap().files.values().find(|f| f.path == path).cloned();
    standin.record("download", json!({"path": path}), Value::Null);
    let Some(file) = file else { return not_found() };
    let bytes = match file.serve {
        Serve::Whole => file.bytes.to_vec(),
        Serve::NotFound => return not_found(),
        Serve::Truncated => file.bytes[..file.bytes.len() / 2].to_vec(),
        Serve::Oversized(n) => vec![b'x'; n],
    };
    ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
}

/// Ends the connection's task, which drops the socket without a response (and, unlike
/// `panic!`, without running the panic hook).
fn drop_connection() -> ! {
    std::panic::resume_unwind(Box::new("fault injection: connection dropped"))
}

/// Returns queued updates at or after `offset` (at most `limit`), or `[]` after holding the
/// poll up to 300 ms (short, so shutdown is quick). Only answered calls are recorded.
async fn get_updates(standin: &StandIn, body: &Value) -> Value {
    let offset = body["offset"].as_i64().unwrap_or(0);
    let limit = body["limit"].as_u64().map_or(100, |l| l.clamp(1, 100)) as usize;
    let hold =
        Duration::from_millis(if body["timeout"].as_u64().unwrap_or(0) == 0 { 0 } else { 300 });
    let deadline = tokio::time::Instant::now() + hold;
    loop {
        // Registered before looking, so a push between the look and the wait still wakes us.
        let queued = standin.queued.notified();
        {
            let mut inner = standin.inner.lock().unwrap();
            inner.updates.retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
            let mut pending: Vec<Value> = std::mem::take(&mut inner.replays);
            pending.extend(inner.updates.iter().take(limit).cloned());
            if !pending.is_empty() || tokio::time::Instant::now() >= deadline {
                let at = Instant::now();
                for update in &pending {
                    let id = update["update_id"].as_i64().unwrap_or(0);
                    inner.handed_out.entry(id).or_insert(at);
                }
                inner.calls.push(Call {
                    method: "getUpdates".into(),
                    body: body.clone(),
                    result: json!(pending),
                    at,
                });
                return json!(pending);
            }
        }
        let _ = tokio::time::timeout_at(deadline, queued).await;
    }
}

/// The text fields of a `multipart/form-data` body (teloxide sends `setWebhook` that way), as
/// a JSON object of strings; `Null` when the body is not multipart.
fn multipart_fields(body: &[u8]) -> Value {
    let text = String::from_utf8_lossy(body);
    let Some(boundary) = text.lines().next().filter(|l| l.starts_with("--")) else {
        return Value::Null;
    };
    let mut fields = serde_json::Map::new();
    for part in text.split(boundary).skip(1) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else { continue };
        let Some(name) = head.split("name=\"").nth(1).and_then(|r| r.split('"').next()) else {
            continue;
        };
        if let Some(file) = head.split("filename=\"").nth(1).and_then(|r| r.split('"').next()) {
            fields.insert(format!("{name}_filename"), json!(file));
        }
        fields.insert(name.to_string(), json!(value.strip_suffix("\r\n").unwrap_or(value)));
    }
    // teloxide sends a file as `document=attach://<part>` and the file in that part.
    let attached: Vec<(String, String)> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.strip_prefix("attach://")?.to_string())))
        .collect();
    for (field, part) in attached {
        if let Some(contents) = fields.get(&part).cloned() {
            let name = fields.get(&format!("{part}_filename")).cloned().unwrap_or(Value::Null);
            fields.insert(field.clone(), contents);
            fields.insert(format!("{field}_filename"), name);
        }
    }
    Value::Object(fields)
}

fn lower_first(method: &str) -> String {
    let mut chars = method.chars();
    chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}

fn ok(result: Value) -> Response {
    axum::Json(json!({"ok": true, "result": result})).into_response()
}

fn not_found() -> Response {
    let error = json!({"ok": false, "error_code": 404, "description": "Not Found"});
    (StatusCode::NOT_FOUND, axum::Json(error)).into_response()
}
