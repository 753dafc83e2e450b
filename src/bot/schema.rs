//! The handler tree: which update goes to which endpoint.
//!
//! Commands first (`/ask@otherbot` does not parse, so it falls through and is ignored), then
//! private questions, then group questions (mention or reply to the bot), then a hint for
//! anything else in a private chat. Buttons and inline queries have their own branches.
//! Everything not matched reaches the dispatcher's silent default handler, and so does an
//! update whose `update_id` was already handled (a duplicate delivery).

use teloxide::dispatching::{UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;

use std::sync::Arc;

use super::commands::Command;
use super::{App, buttons, handlers, inline};

/// The whole tree.
pub fn schema() -> UpdateHandler<anyhow::Error> {
    let messages = Update::filter_message()
        .branch(teloxide::filter_command::<Command, _>().endpoint(handlers::on_command))
        .branch(dptree::filter_map(handlers::private_question).endpoint(handlers::on_question))
        .branch(dptree::filter_map(handlers::group_question).endpoint(handlers::on_question))
        .branch(
            dptree::filter(|msg: Message| msg.chat.is_private())
                .endpoint(handlers::on_private_other),
        );
    // A duplicate delivery of an update already seen goes to the silent default handler.
    dptree::filter(|update: Update, app: Arc<App>| app.seen.first_time(update.id.0))
        .branch(messages)
        .branch(Update::filter_callback_query().endpoint(buttons::on_callback))
        .branch(Update::filter_inline_query().endpoint(inline::on_inline))
}
