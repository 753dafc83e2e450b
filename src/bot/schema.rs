//! The handler tree: which update goes to which endpoint.
//!
//! Commands first: the join code (`/start <code>`), then everyone's [`Command`]s, then the
//! [`AdminCommand`]s (admins only; anyone else is refused politely). `/ask@otherbot` does
//! not parse, so it falls through and is ignored. Then private questions, group questions
//! (mention or reply to the bot), and a hint for anything else in a private chat. Buttons and
//! inline queries have their own branches. Every endpoint that answers someone sits behind
//! the access gate ([`gated`]), so inline queries and button presses obey the same rule as
//! messages. Everything not matched reaches the dispatcher's silent default handler, and so
//! does an update whose `update_id` was already handled (a duplicate delivery). Each
//! endpoint runs as a task of its own ([`own_task`]), as updates are handled concurrently.

use std::future::Future;
use std::sync::Arc;

use teloxide::dispatching::{UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::InlineQuery;

use super::commands::{AdminCommand, Command};
use super::feedback::Comment;
use super::gate::gated;
use super::handlers::Question;
use super::{App, HandlerResult, Tg, admin, buttons, feedback, handlers, inline};

/// The whole tree.
pub fn schema() -> UpdateHandler<anyhow::Error> {
    let commands = teloxide::filter_command::<Command, _>()
        .branch(dptree::filter(handlers::is_join).endpoint(
            |bot: Tg, msg: Message, app: Arc<App>| own_task(handlers::join(bot, msg, app)),
        ))
        .branch(gated(dptree::endpoint(|bot: Tg, msg: Message, cmd: Command, app: Arc<App>| {
            own_task(handlers::on_command(bot, msg, cmd, app))
        })));
    let admin_commands = teloxide::filter_command::<AdminCommand, _>().chain(gated(
        dptree::entry()
            .branch(dptree::filter(is_admin).endpoint(
                |bot: Tg, msg: Message, cmd: AdminCommand, app: Arc<App>| {
                    own_task(admin::on_admin_command(bot, msg, cmd, app))
                },
            ))
            .branch(dptree::endpoint(|bot: Tg, msg: Message, app: Arc<App>| {
                own_task(admin::not_an_admin(bot, msg, app))
            })),
    ));
    let messages = Update::filter_message()
        // The one message after a 👎 that is its comment (any message ends the wait).
        .branch(dptree::filter_map(feedback::comment_in).chain(gated(dptree::endpoint(
            |bot: Tg, msg: Message, comment: Comment, app: Arc<App>| {
                own_task(feedback::on_comment(bot, msg, comment, app))
            },
        ))))
        .branch(commands)
        .branch(admin_commands)
        .branch(dptree::filter_map(handlers::private_question).chain(gated(on_question())))
        .branch(dptree::filter_map(handlers::group_question).chain(gated(on_question())))
        .branch(dptree::filter(|msg: Message| msg.chat.is_private()).chain(gated(
            dptree::endpoint(|bot: Tg, msg: Message, app: Arc<App>| {
                own_task(handlers::on_private_other(bot, msg, app))
            }),
        )));
    // A duplicate delivery of an update already seen goes to the silent default handler.
    dptree::filter(|update: Update, app: Arc<App>| app.seen.first_time(update.id.0))
        .branch(messages)
        .branch(Update::filter_callback_query().chain(gated(dptree::endpoint(
            |bot: Tg, q: CallbackQuery, app: Arc<App>| own_task(buttons::on_callback(bot, q, app)),
        ))))
        .branch(Update::filter_inline_query().chain(gated(dptree::endpoint(
            |bot: Tg, q: InlineQuery, app: Arc<App>| own_task(inline::on_inline(bot, q, app)),
        ))))
}

/// Whether the sender may run admin commands: only `from`, which Telegram fills in, counts
/// (never the chat, a reply or a forward).
fn is_admin(msg: Message, app: Arc<App>) -> bool {
    msg.from.as_ref().is_some_and(|u| app.config.is_admin(u.id.0))
}

fn on_question() -> UpdateHandler<anyhow::Error> {
    dptree::endpoint(|bot: Tg, msg: Message, question: Question, app: Arc<App>| {
        own_task(handlers::on_question(bot, msg, question, app))
    })
}

/// Runs an endpoint as a task of its own. The dispatcher polls every concurrently handled
/// update inside one task (its default worker), so without this all of them would share one
/// thread; a panic in one also stays an error of that update.
pub(super) async fn own_task(
    work: impl Future<Output = HandlerResult> + Send + 'static,
) -> HandlerResult {
    tokio::spawn(work).await?
}
