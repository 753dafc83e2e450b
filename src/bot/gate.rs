//! The access gate in the handler tree: every endpoint that answers someone sits behind
//! [`gated`], which asks [`super::access`] about the sender and, when the rule needs it,
//! Telegram about their membership of the allowed chats (`getChatMember`, remembered for
//! [`MEMBERSHIP_TTL`]). A refused user gets one polite message (a toast for a button, an
//! empty list inline), then silence.
//!
//! Updates the bot would not answer anyway (group chatter that does not mention it) never
//! reach the gate, so strangers in a group are not told anything.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineQueryResult, UpdateKind};
use tracing::{debug, info, warn};

use super::access::{Place, Verdict};
use super::i18n::{Language, t};
use super::{App, HandlerResult, Tg, metrics, outbox};

/// How long a membership answer from Telegram is trusted.
pub const MEMBERSHIP_TTL: Duration = Duration::from_secs(600);

/// Users whose membership is remembered at most (the cache is cleared when full).
const MEMBERSHIP_CACHE: usize = 10_000;

/// What the gate decided, handed to the branch after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Go on to the endpoint.
    Pass,
    /// Refused; the sender's id.
    Refuse(u64),
}

/// Membership answers from Telegram by user: whether a member of an allowed chat, and when
/// asked.
#[derive(Debug, Default)]
pub struct Memberships(Mutex<HashMap<u64, (bool, Instant)>>);

impl Memberships {
    fn get(&self, user: u64) -> Option<bool> {
        let cache = self.0.lock().unwrap_or_else(|p| p.into_inner());
        cache.get(&user).filter(|(_, at)| at.elapsed() < MEMBERSHIP_TTL).map(|(m, _)| *m)
    }

    fn put(&self, user: u64, member: bool) {
        let mut cache = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= MEMBERSHIP_CACHE {
            cache.clear();
        }
        cache.insert(user, (member, Instant::now()));
    }
}

/// `endpoint` behind the gate: refused updates go to `refused` (in the bot, [`refuse`]),
/// the rest on to `endpoint`.
pub fn gated(
    refused: UpdateHandler<anyhow::Error>,
    endpoint: UpdateHandler<anyhow::Error>,
) -> UpdateHandler<anyhow::Error> {
    dptree::filter_map_async(check)
        .branch(dptree::filter(|gate: Gate| gate != Gate::Pass).chain(refused))
        .branch(endpoint)
}

/// The gate's decision on `update` (always `Some`: the branch after it decides).
async fn check(update: Update, bot: Tg, app: Arc<App>) -> Option<Gate> {
    let user = update.from().map_or(0, |u| u.id.0);
    let place = match &update.kind {
        UpdateKind::Message(msg) if !msg.chat.is_private() => Place::Group(msg.chat.id.0),
        UpdateKind::CallbackQuery(q) => match q.message.as_ref().map(|m| m.chat()) {
            Some(chat) if !chat.is_private() => Place::Group(chat.id.0),
            _ => Place::Private,
        },
        _ => Place::Private,
    };
    let allowed = match app.access.verdict(user, place) {
        Verdict::Allowed => true,
        Verdict::Refused => false,
        Verdict::AskMembership => is_member(&bot, &app, user).await,
    };
    Some(if allowed { Gate::Pass } else { Gate::Refuse(user) })
}

/// Whether Telegram says `user` is in one of the allowed chats. A failed look-up counts as
/// "no" and is not remembered, so the next update asks again.
async fn is_member(bot: &Tg, app: &App, user: u64) -> bool {
    if let Some(member) = app.memberships.get(user) {
        return member;
    }
    let mut failed = false;
    for chat in app.access.chats() {
        match bot.get_chat_member(ChatId(chat), UserId(user)).await {
            Ok(member) if member.kind.is_present() => {
                app.memberships.put(user, true);
                return true;
            }
            Ok(_) => {}
            Err(err) => {
                // The bot is not in that chat, or Telegram failed; logged, then treated as no.
                warn!(chat, cause = %crate::redact::redact(&err.to_string()), "getChatMember failed");
                failed = true;
            }
        }
    }
    if !failed {
        app.memberships.put(user, false);
    }
    false
}

/// The polite refusal, said once per user; later updates from them are answered with
/// silence (a button press still has to be answered, without text).
pub async fn refuse(bot: Tg, update: Update, gate: Gate, app: Arc<App>) -> HandlerResult {
    let Gate::Refuse(user) = gate else { return Ok(()) };
    metrics::global().refused();
    let first = user != 0 && app.access.first_refusal(user);
    if first {
        info!(user, "refused a user not on the allow-list (told once)");
    } else {
        debug!(user, "refused a user not on the allow-list (silently)");
    }
    let lang = app.lang(update.from());
    match &update.kind {
        UpdateKind::Message(msg) if first => {
            outbox::plain(&bot, &app, msg, &refusal_text(user, &app, lang)).await
        }
        UpdateKind::CallbackQuery(q) => {
            let mut answer = bot.answer_callback_query(q.id.clone());
            if first {
                answer = answer.text(t!(lang, "refused-short"));
            }
            answer.await?;
            Ok(())
        }
        UpdateKind::InlineQuery(q) => {
            bot.answer_inline_query(q.id.clone(), Vec::<InlineQueryResult>::new())
                .cache_time(0)
                .is_personal(true)
                .await?;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The message a refused user gets once, in `lang`.
pub fn refusal_text(user: u64, app: &App, lang: Language) -> String {
    // The id as text: a number would be formatted for the language.
    let user = user.to_string();
    if app.config.join_code.is_some() {
        t!(lang, "refused-join-code", user = user)
    } else {
        t!(lang, "refused-ask-admins", user = user)
    }
}
