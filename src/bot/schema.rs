//! The handler tree: which update goes to which endpoint.
//!
//! First the one message after a 👎 that is its comment ([`super::feedback`]). Then commands:
//! the join code (`/start <code>`), everyone's [`Command`]s, then the [`AdminCommand`]s
//! (admins only; anyone else is refused politely). `/ask@otherbot` does not parse, so it
//! falls through and is ignored. Then a document in a private chat (an admin's is material
//! to add, [`super::upload`]; anyone else's is refused politely; in groups documents are
//! ignored), private questions, group questions (mention or reply to the bot), and a hint for
//! anything else in a private chat. Buttons (the upload choices first) and inline queries
//! have their own branches. Every endpoint that answers someone sits behind the access gate
//! ([`gated`]), so inline queries and button presses obey the same rule as messages.
//! Everything not matched reaches the dispatcher's silent default handler, and so does an
//! update whose `update_id` was already handled (a duplicate delivery). Each endpoint runs as
//! a task of its own ([`own_task`]), as updates are handled concurrently.
//!
//! The tree is built by [`tree`] from named [`Route`]s, so the routing tests (below) run the
//! very same tree offline with endpoints that only note which route was reached.

use std::future::Future;
use std::sync::Arc;

use teloxide::dispatching::{UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{Document, InlineQuery};

use super::commands::{AdminCommand, Command};
use super::feedback::Comment;
use super::gate::{Gate, gated};
use super::handlers::Question;
use super::{App, HandlerResult, Tg, admin, buttons, feedback, gate, handlers, inline, upload};

/// The endpoints of the tree, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `/start <join code>` in a private chat.
    Join,
    /// A [`Command`] (`/start`, `/help`, `/ask`, `/about`).
    Command,
    /// An [`AdminCommand`] from an admin.
    Admin,
    /// An [`AdminCommand`] from anyone else.
    NotAdmin,
    /// The comment after a 👎.
    Comment,
    /// A question (private text, or a group mention or reply).
    Question,
    /// A document from an admin in a private chat: material to add ([`super::upload`]).
    Upload,
    /// A document from anyone else in a private chat.
    UploadNotAdmin,
    /// A press of an upload's "Replace" / "Keep both" / "Cancel".
    UploadChoice,
    /// Anything else in a private chat (an unknown command, a sticker).
    PrivateOther,
    /// A press of an answer button.
    Button,
    /// An inline query.
    Inline,
    /// Refused by the access gate.
    Refused,
}

/// The whole tree.
pub fn schema() -> UpdateHandler<anyhow::Error> {
    tree(endpoint)
}

/// The tree with `endpoint` giving the handler of each route.
fn tree(endpoint: fn(Route) -> UpdateHandler<anyhow::Error>) -> UpdateHandler<anyhow::Error> {
    let behind_gate = |route: Route| gated(endpoint(Route::Refused), endpoint(route));
    let commands = teloxide::filter_command::<Command, _>()
        .branch(dptree::filter(handlers::is_join).chain(endpoint(Route::Join)))
        .branch(behind_gate(Route::Command));
    let admin_commands = teloxide::filter_command::<AdminCommand, _>().chain(gated(
        endpoint(Route::Refused),
        dptree::entry()
            .branch(dptree::filter(is_admin).chain(endpoint(Route::Admin)))
            .branch(endpoint(Route::NotAdmin)),
    ));
    let messages = Update::filter_message()
        // The one message after a 👎 that is its comment (any message ends the wait).
        .branch(dptree::filter_map(feedback::comment_in).chain(behind_gate(Route::Comment)))
        .branch(commands)
        .branch(admin_commands)
        .branch(
            dptree::filter_map(upload::private_document).chain(gated(
                endpoint(Route::Refused),
                dptree::entry()
                    .branch(dptree::filter(is_admin).chain(endpoint(Route::Upload)))
                    .branch(endpoint(Route::UploadNotAdmin)),
            )),
        )
        .branch(dptree::filter_map(handlers::private_question).chain(behind_gate(Route::Question)))
        .branch(dptree::filter_map(handlers::group_question).chain(behind_gate(Route::Question)))
        .branch(
            dptree::filter(|msg: Message| msg.chat.is_private())
                .chain(behind_gate(Route::PrivateOther)),
        );
    // A duplicate delivery of an update already seen goes to the silent default handler.
    dptree::filter(|update: Update, app: Arc<App>| app.seen.first_time(update.id.0))
        .branch(messages)
        .branch(
            Update::filter_callback_query()
                .branch(
                    dptree::filter_map(upload::choice_of).chain(behind_gate(Route::UploadChoice)),
                )
                .branch(behind_gate(Route::Button)),
        )
        .branch(Update::filter_inline_query().chain(behind_gate(Route::Inline)))
}

/// The real endpoint of each route.
fn endpoint(route: Route) -> UpdateHandler<anyhow::Error> {
    match route {
        Route::Join => dptree::endpoint(|bot: Tg, msg: Message, app: Arc<App>| {
            own_task(handlers::join(bot, msg, app))
        }),
        Route::Command => dptree::endpoint(|bot: Tg, msg: Message, cmd: Command, app: Arc<App>| {
            own_task(handlers::on_command(bot, msg, cmd, app))
        }),
        Route::Admin => {
            dptree::endpoint(|bot: Tg, msg: Message, cmd: AdminCommand, app: Arc<App>| {
                own_task(admin::on_admin_command(bot, msg, cmd, app))
            })
        }
        Route::NotAdmin => dptree::endpoint(|bot: Tg, msg: Message, app: Arc<App>| {
            own_task(admin::not_an_admin(bot, msg, app))
        }),
        Route::Comment => {
            dptree::endpoint(|bot: Tg, msg: Message, comment: Comment, app: Arc<App>| {
                own_task(feedback::on_comment(bot, msg, comment, app))
            })
        }
        Route::Question => {
            dptree::endpoint(|bot: Tg, msg: Message, question: Question, app: Arc<App>| {
                own_task(handlers::on_question(bot, msg, question, app))
            })
        }
        Route::Upload => dptree::endpoint(|bot: Tg, msg: Message, doc: Document, app: Arc<App>| {
            own_task(upload::on_document(bot, msg, doc, app))
        }),
        Route::UploadNotAdmin => dptree::endpoint(|bot: Tg, msg: Message, app: Arc<App>| {
            own_task(upload::not_an_admin(bot, msg, app))
        }),
        Route::UploadChoice => dptree::endpoint(
            |bot: Tg, q: CallbackQuery, choice: (u64, upload::UploadChoice), app: Arc<App>| {
                own_task(upload::on_choice(bot, q, choice, app))
            },
        ),
        Route::PrivateOther => dptree::endpoint(|bot: Tg, msg: Message, app: Arc<App>| {
            own_task(handlers::on_private_other(bot, msg, app))
        }),
        Route::Button => dptree::endpoint(|bot: Tg, q: CallbackQuery, app: Arc<App>| {
            own_task(buttons::on_callback(bot, q, app))
        }),
        Route::Inline => dptree::endpoint(|bot: Tg, q: InlineQuery, app: Arc<App>| {
            own_task(inline::on_inline(bot, q, app))
        }),
        Route::Refused => dptree::endpoint(|bot: Tg, update: Update, gate: Gate, app: Arc<App>| {
            own_task(gate::refuse(bot, update, gate, app))
        }),
    }
}

/// Whether the sender may run admin commands: only `from`, which Telegram fills in, counts
/// (never the chat, a reply or a forward).
fn is_admin(msg: Message, app: Arc<App>) -> bool {
    msg.from.as_ref().is_some_and(|u| app.config.is_admin(u.id.0))
}

/// Runs an endpoint as a task of its own. The dispatcher polls every concurrently handled
/// update inside one task (its default worker), so without this all of them would share one
/// thread; a panic in one also stays an error of that update.
pub(super) async fn own_task(
    work: impl Future<Output = HandlerResult> + Send + 'static,
) -> HandlerResult {
    tokio::spawn(work).await?
}

/// Routing without Telegram: the real [`tree`], its filters and the access gate, with
/// endpoints that only note their [`Route`]; each update is dispatched offline with the
/// dependencies the dispatcher gives (`Update`, `Bot`, `Arc<App>`, `Me`). No endpoint runs,
/// so nothing is sent.
#[cfg(test)]
mod tests {
    use std::ops::ControlFlow;
    use std::sync::Mutex;

    use serde_json::{Value, json};
    use teloxide::types::Me;

    use super::super::config::{Access, BotConfig, Secret};
    use super::super::test_app;
    use super::*;

    const ADMIN: u64 = 1000;
    const STUDENT: u64 = 2000;
    const GROUP: i64 = -500;
    const BOT_ID: u64 = 42;

    /// The routes reached, in order.
    #[derive(Clone, Default)]
    struct Trace(Arc<Mutex<Vec<Route>>>);

    fn traced(route: Route) -> UpdateHandler<anyhow::Error> {
        dptree::endpoint(move |trace: Trace| async move {
            trace.0.lock().unwrap().push(route);
            Ok(())
        })
    }

    fn me() -> Me {
        serde_json::from_value(json!({
            "id": BOT_ID, "is_bot": true, "first_name": "Q", "username": "qbot",
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": true, "has_main_web_app": false
        }))
        .unwrap()
    }

    fn chat(id: i64) -> Value {
        if id > 0 {
            json!({"id": id, "type": "private", "first_name": "S"})
        } else {
            json!({"id": id, "type": "supergroup", "title": "G"})
        }
    }

    fn user(id: u64) -> Value {
        json!({"id": id, "is_bot": false, "first_name": "S", "language_code": "en"})
    }

    /// A text message from `from` in `chat_id`, as update `id`.
    fn text(id: i32, from: u64, chat_id: i64, text: &str) -> Value {
        json!({"update_id": id, "message": {"message_id": id, "date": 0, "chat": chat(chat_id),
               "from": user(from), "text": text}})
    }

    /// A document message from `from` in `chat_id`, as update `id`.
    fn document(id: i32, from: u64, chat_id: i64) -> Value {
        json!({"update_id": id, "message": {"message_id": id, "date": 0, "chat": chat(chat_id),
               "from": user(from), "document": {"file_id": "f", "file_unique_id": "u",
               "file_name": "notes.txt", "file_size": 10}}})
    }

    /// Dispatches `update` through the tree; the routes reached (none: left unhandled).
    async fn route(app: &Arc<App>, update: Value) -> Vec<Route> {
        // From text, as Telegram sends it (teloxide reads an `Update` only from a string).
        let update: Update = serde_json::from_str(&update.to_string()).unwrap();
        assert!(!matches!(update.kind, teloxide::types::UpdateKind::Error(_)), "{update:?}");
        let trace = Trace::default();
        let bot = Bot::new("1:offline").set_api_url("http://127.0.0.1:9/".parse().unwrap());
        let deps = dptree::deps![update, bot, app.clone(), me(), trace.clone()];
        let outcome = tree(traced).dispatch(deps).await;
        let reached = trace.0.lock().unwrap().clone();
        match outcome {
            ControlFlow::Break(Ok(())) => assert!(!reached.is_empty()),
            ControlFlow::Break(Err(err)) => panic!("{err:#}"),
            ControlFlow::Continue(_) => assert!(reached.is_empty(), "{reached:?}"),
        }
        reached
    }

    fn config() -> BotConfig {
        BotConfig {
            admins: vec![ADMIN],
            join_code: Some(Secret::new("course-2026")),
            ..BotConfig::default()
        }
    }

    #[tokio::test]
    async fn each_kind_of_update_reaches_its_handler() {
        let app = test_app(config());
        use Route::*;
        let cases: Vec<(Value, Vec<Route>, &str)> = vec![
            (text(1, STUDENT, STUDENT as i64, "/start"), vec![Command], "/start"),
            (text(2, STUDENT, STUDENT as i64, "/start 12"), vec![Command], "/start <passage>"),
            (text(3, STUDENT, STUDENT as i64, "/start course-2026"), vec![Join], "join code"),
            (text(4, STUDENT, GROUP, "/start course-2026"), vec![Command], "join code in a group"),
            (text(5, STUDENT, STUDENT as i64, "/help"), vec![Command], "/help"),
            (text(6, STUDENT, GROUP, "/ask how now?"), vec![Command], "/ask in a group"),
            (text(7, STUDENT, GROUP, "/ask@qbot how now?"), vec![Command], "/ask@bot"),
            (text(8, STUDENT, GROUP, "/ask@otherbot how now?"), vec![], "another bot's"),
            (text(9, ADMIN, ADMIN as i64, "/stats"), vec![Admin], "admin command, admin"),
            (text(10, STUDENT, STUDENT as i64, "/reindex"), vec![NotAdmin], "not an admin"),
            (text(11, STUDENT, GROUP, "/export"), vec![NotAdmin], "not an admin, group"),
            (text(12, ADMIN, GROUP, "/users"), vec![Admin], "admin in a group"),
            (text(13, STUDENT, STUDENT as i64, "what is x?"), vec![Question], "private text"),
            (text(14, STUDENT, GROUP, "what is x?"), vec![], "group chatter"),
            (text(15, STUDENT, GROUP, "@qbot what is x?"), vec![Question], "mention"),
            (text(16, STUDENT, STUDENT as i64, "/frobnicate"), vec![PrivateOther], "unknown"),
            (text(17, STUDENT, GROUP, "/frobnicate"), vec![], "unknown command in a group"),
            (
                json!({"update_id": 18, "message": {"message_id": 18, "date": 0,
                       "chat": chat(STUDENT as i64), "from": user(STUDENT),
                       "location": {"latitude": 1.0, "longitude": 2.0}}}),
                vec![PrivateOther],
                "a location",
            ),
            (
                json!({"update_id": 19, "message": {"message_id": 19, "date": 0,
                       "chat": chat(GROUP), "from": user(STUDENT), "text": "and why?",
                       "reply_to_message": {"message_id": 3, "date": 0, "chat": chat(GROUP),
                           "from": {"id": BOT_ID, "is_bot": true, "first_name": "Q"},
                           "text": "an answer"}}}),
                vec![Question],
                "a reply to the bot",
            ),
            (
                json!({"update_id": 20, "inline_query": {"id": "iq", "from": user(STUDENT),
                       "query": "what is x", "offset": ""}}),
                vec![Inline],
                "inline query",
            ),
            (
                json!({"update_id": 21, "callback_query": {"id": "cb", "from": user(STUDENT),
                       "chat_instance": "ci", "data": "n.abc.1.1"}}),
                vec![Button],
                "button press",
            ),
            (text(21, STUDENT, STUDENT as i64, "what is x?"), vec![], "duplicate update id"),
            (document(22, ADMIN, ADMIN as i64), vec![Upload], "an admin's document"),
            (document(23, STUDENT, STUDENT as i64), vec![UploadNotAdmin], "a student's document"),
            (document(24, ADMIN, GROUP), vec![], "a document in a group"),
            (
                json!({"update_id": 25, "callback_query": {"id": "cb2", "from": user(ADMIN),
                       "chat_instance": "ci", "data": "U|1|r"}}),
                vec![UploadChoice],
                "an upload choice",
            ),
        ];
        for (update, expected, what) in cases {
            assert_eq!(route(&app, update).await, expected, "{what}");
        }
    }

    #[tokio::test]
    async fn the_message_after_a_thumbs_down_is_its_comment_once() {
        let app = test_app(config());
        app.awaiting.invite(STUDENT as i64, STUDENT, "tea#0", std::time::Instant::now());
        let chat = STUDENT as i64;
        assert_eq!(route(&app, text(1, STUDENT, chat, "too long")).await, [Route::Comment]);
        assert_eq!(route(&app, text(2, STUDENT, chat, "what is x?")).await, [Route::Question]);
        app.awaiting.invite(chat, STUDENT, "tea#0", std::time::Instant::now());
        assert_eq!(route(&app, text(3, STUDENT, chat, "/help")).await, [Route::Command]);
        assert_eq!(route(&app, text(4, STUDENT, chat, "what is x?")).await, [Route::Question]);
    }

    #[tokio::test]
    async fn strangers_are_refused_when_the_bot_is_allow_list_only() {
        let app = test_app(BotConfig { access: Access::AllowList, ..config() });
        let stranger = 3000;
        let cases = [
            (text(1, stranger, stranger as i64, "what is x?"), vec![Route::Refused]),
            (text(2, stranger, stranger as i64, "/help"), vec![Route::Refused]),
            (text(3, stranger, stranger as i64, "/stats"), vec![Route::Refused]),
            (text(4, stranger, stranger as i64, "/start course-2026"), vec![Route::Join]),
            (text(5, ADMIN, ADMIN as i64, "what is x?"), vec![Route::Question]),
            (text(6, stranger, GROUP, "just chatting"), vec![]),
        ];
        for (update, expected) in cases {
            assert_eq!(route(&app, update).await, expected);
        }
    }
}
