//! The handler tree: which update goes to which endpoint.
//!
//! Commands first (`/ask@otherbot` does not parse, so it falls through and is ignored), then
//! private questions, then group questions (mention or reply to the bot), then a hint for
//! anything else in a private chat. Buttons and inline queries have their own branches.
//! Everything not matched reaches the dispatcher's silent default handler, and so does an
//! update whose `update_id` was already handled (a duplicate delivery). Each endpoint runs as
//! a task of its own ([`own_task`]), as updates are handled concurrently.

use std::future::Future;
use std::sync::Arc;

use teloxide::dispatching::{UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::InlineQuery;

use super::commands::Command;
use super::handlers::Question;
use super::{App, HandlerResult, Tg, buttons, handlers, inline};

/// The whole tree.
pub fn schema() -> UpdateHandler<anyhow::Error> {
    let messages = Update::filter_message()
        .branch(teloxide::filter_command::<Command, _>().endpoint(
            |bot: Tg, msg: Message, cmd: Command, app: Arc<App>| {
                own_task(handlers::on_command(bot, msg, cmd, app))
            },
        ))
        .branch(dptree::filter_map(handlers::private_question).endpoint(on_question))
        .branch(dptree::filter_map(handlers::group_question).endpoint(on_question))
        .branch(dptree::filter(|msg: Message| msg.chat.is_private()).endpoint(
            |bot: Tg, msg: Message, app: Arc<App>| {
                own_task(handlers::on_private_other(bot, msg, app))
            },
        ));
    // A duplicate delivery of an update already seen goes to the silent default handler.
    dptree::filter(|update: Update, app: Arc<App>| app.seen.first_time(update.id.0))
        .branch(messages)
        .branch(Update::filter_callback_query().endpoint(
            |bot: Tg, q: CallbackQuery, app: Arc<App>| own_task(buttons::on_callback(bot, q, app)),
        ))
        .branch(Update::filter_inline_query().endpoint(|bot: Tg, q: InlineQuery, app: Arc<App>| {
            own_task(inline::on_inline(bot, q, app))
        }))
}

fn on_question(
    bot: Tg,
    msg: Message,
    question: Question,
    app: Arc<App>,
) -> impl Future<Output = HandlerResult> {
    own_task(handlers::on_question(bot, msg, question, app))
}

/// Runs an endpoint as a task of its own. The dispatcher polls every concurrently handled
/// update inside one task (its default worker), so without this all of them would share one
/// thread; a panic in one also stays an error of that update.
async fn own_task(work: impl Future<Output = HandlerResult> + Send + 'static) -> HandlerResult {
    tokio::spawn(work).await?
}
