//! Admins add material from chat: a document an admin sends the bot in a private chat is
//! downloaded, read with the corpus's own readers, saved in the corpus folder and indexed
//! through the `/reindex` gate; the reply says how many passages it added and two
//! questions it now answers.
//!
//! In order, each step refusing with its reason and saving nothing:
//! 1. the name: [`name::SafeName`] (one plain component, a format the corpus reads);
//! 2. the size Telegram states, at most [`fetch::MAX_BYTES`] (its download limit for bots),
//!    checked before `getFile`; then `getFile` and the download ([`fetch`]), bounded by the
//!    same limit as it arrives and by [`fetch::DOWNLOAD_TIME`], and compared with the stated
//!    size (a cut-short download is a failure, not a smaller file);
//! 3. reading: the bytes go to a hidden temporary file in the corpus folder and are read by
//!    [`passagebot::corpus::read_isolated`], the load's reader in its isolation wrapper; no
//!    passages is a refusal with the reader's reason;
//! 4. saving ([`save`]): under the safe name when it is free; when it is taken the admin
//!    chooses with buttons ("Replace", "Keep both" as `name-2.ext`, "Cancel"; [`pending`]),
//!    and nothing is overwritten before the press;
//! 5. the reindex: [`admin::rebuild_gated`], the gate `/reindex` uses (build, sanity check,
//!    atomic switch; questions are answered from the old index meanwhile). When the gate
//!    refuses, the file is taken out again (a replaced one put back) and the old index stays.
//!
//! Anyone else's document in a private chat gets a polite refusal and nothing is downloaded.
//! Documents in groups are ignored: the corpus is changed only where no one else reads
//! along, and a file shared in a group is meant for its people, not the bot.

mod fetch;
mod name;
mod pending;
mod save;

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use passagebot::corpus::read_isolated;
use passagebot::render::telegram;
use passagebot::search::Engine;
use teloxide::prelude::*;
use teloxide::types::{Document, InlineKeyboardButton, InlineKeyboardMarkup};
use tracing::{info, instrument, warn};

use super::i18n::{Language, t};
use super::outbox::{self, plain_turn};
use super::pace::Turn;
use super::{App, HandlerResult, Tg, admin};
use crate::redact::redact;
use fetch::{Fetch, download};
use name::{NameProblem, SafeName};
use pending::{Choice, PENDING_FOR, Pending};
use save::{PlaceError, Placed};

pub use pending::Waiting;

/// The longest an upload waits for a reindex already running to end.
const REINDEX_WAIT: Duration = Duration::from_secs(15 * 60);

/// Example questions shown for a new file.
const EXAMPLES: usize = 2;

/// One mebibyte, for messages.
const MIB: f64 = 1024.0 * 1024.0;

/// The document of a message in a private chat (the filter of the upload branch).
pub fn private_document(msg: Message) -> Option<Document> {
    msg.chat.is_private().then(|| msg.document().cloned()).flatten()
}

/// A document from someone who is not an admin: a polite refusal; nothing is downloaded.
pub async fn not_an_admin(bot: Tg, msg: Message, app: Arc<App>) -> HandlerResult {
    let lang = app.lang(msg.from.as_ref());
    outbox::plain(&bot, &app, &msg, &t!(lang, "upload-not-admin")).await
}

/// A document from an admin in a private chat: the whole flow of the module doc.
#[instrument(skip_all, fields(chat = msg.chat.id.0))]
pub async fn on_document(bot: Tg, msg: Message, doc: Document, app: Arc<App>) -> HandlerResult {
    let lang = app.lang(msg.from.as_ref());
    let owner = msg.from.as_ref().map_or(0, |u| u.id.0);
    let say = |text: String| {
        let (bot, app, msg) = (bot.clone(), app.clone(), msg.clone());
        async move { plain_turn(&bot, &app, &msg, &text, Turn::Queued).await }
    };
    let name = match SafeName::from_sent(doc.file_name.as_deref()) {
        Ok(name) => name,
        Err(NameProblem::NoExtension) => return say(t!(lang, "upload-no-extension")).await,
        Err(NameProblem::Unsupported(ext)) => {
            return say(t!(lang, "upload-unsupported", ext = ext)).await;
        }
    };
    let shown = name.file_name();
    if doc.file.size != u32::MAX && doc.file.size > fetch::MAX_BYTES {
        return say(too_large(lang, &shown, u64::from(doc.file.size))).await;
    }
    let dir = app.config.corpus_path();
    if !dir.is_dir() {
        return say(t!(lang, "upload-no-folder")).await;
    }
    say(t!(lang, "upload-reading", name = shown.as_str())).await?;
    let bytes = match download(&bot, &doc).await {
        Ok(bytes) => bytes,
        Err(Fetch::TooLarge(size)) => return say(too_large(lang, &shown, size)).await,
        Err(Fetch::Failed(why)) => {
            warn!(cause = %redact(&why), "downloading an upload failed");
            return say(t!(lang, "upload-download-failed", name = shown.as_str())).await;
        }
    };
    info!(name = %shown, bytes = bytes.len(), "upload downloaded");

    // Read and, when the name is free, saved; all on the blocking pool.
    let (reading, opts, naming) = (app.clone(), app.config.load_options(), name.clone());
    let read = tokio::task::spawn_blocking(move || {
        let name = naming;
        let dir = reading.config.corpus_path();
        save::sweep(&dir, PENDING_FOR * 2, &reading.uploads.temps());
        for old in reading.uploads.expired(Instant::now()) {
            let _ = std::fs::remove_file(old.temp);
        }
        let temp = save::write_temp(&dir, &name, &bytes).map_err(Stage::Save)?;
        let rel = name.file_name();
        let read = read_isolated(&temp, &rel, &opts).and_then(|docs| {
            if docs.is_empty() { Err("no readable text".into()) } else { Ok(docs) }
        });
        let docs = match read {
            Ok(docs) => docs,
            Err(reason) => {
                let _ = std::fs::remove_file(&temp);
                return Err(Stage::Read(reason));
            }
        };
        let suffixes: Vec<String> =
            docs.iter().map(|d| d.id.strip_prefix(&rel).unwrap_or_default().to_string()).collect();
        match save::place_new(&temp, &dir, &name) {
            Ok(placed) => Ok(Saved::Placed(placed, suffixes)),
            Err(PlaceError::Exists) => Ok(Saved::Taken(temp, suffixes)),
            Err(PlaceError::Io(err)) => {
                let _ = std::fs::remove_file(&temp);
                Err(Stage::Save(err))
            }
        }
    })
    .await?;
    match read {
        Ok(Saved::Placed(placed, suffixes)) => {
            index_and_report(&bot, &app, &msg, lang, placed, &name, &suffixes).await
        }
        Ok(Saved::Taken(temp, suffixes)) => {
            let pending = Pending { owner, name, temp, suffixes, since: Instant::now() };
            ask(&bot, &app, &msg, lang, pending).await
        }
        Err(Stage::Read(why)) => {
            say(t!(lang, "upload-unreadable", name = shown.as_str(), why = why)).await
        }
        Err(Stage::Save(err)) => {
            warn!(cause = %err, "saving an upload failed");
            say(t!(lang, "upload-save-failed", name = shown.as_str(), why = err.to_string())).await
        }
    }
}

/// The upload buttons' data, if `q` is a press of one (the filter of their branch).
pub fn choice_of(q: CallbackQuery) -> Option<(u64, UploadChoice)> {
    q.data.as_deref().and_then(Choice::decode).map(|(id, c)| (id, UploadChoice(c)))
}

/// A choice pressed under "… is already in the corpus" (see [`pending`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadChoice(Choice);

/// A press of "Replace", "Keep both" or "Cancel".
#[instrument(skip_all, fields(user = q.from.id.0))]
pub async fn on_choice(
    bot: Tg,
    q: CallbackQuery,
    (id, choice): (u64, UploadChoice),
    app: Arc<App>,
) -> HandlerResult {
    let lang = app.lang(Some(&q.from));
    let taken = app.uploads.take(id, q.from.id.0, Instant::now());
    let (Ok(pending), Some(prompt)) = (taken, q.regular_message().cloned()) else {
        bot.answer_callback_query(q.id.clone()).text(t!(lang, "upload-expired")).await?;
        return Ok(());
    };
    bot.answer_callback_query(q.id.clone()).await?;
    let dir = app.config.corpus_path();
    let Pending { name, temp, suffixes, .. } = pending;
    let shown = name.file_name();
    let placing = tokio::task::spawn_blocking(move || {
        let placed = match choice.0 {
            Choice::Cancel => Ok(None),
            Choice::Replace => save::replace(&temp, &dir, &name).map(|p| Some((name, p))),
            Choice::KeepBoth => save::keep_both(&temp, &dir, &name).map(Some),
        };
        // Moved into the corpus, or not wanted: the temporary file goes either way.
        if !matches!(placed, Ok(Some(_))) {
            let _ = std::fs::remove_file(&temp);
        }
        placed
    })
    .await?;
    let say = async |text: String| plain_turn(&bot, &app, &prompt, &text, Turn::Queued).await;
    match placing {
        Ok(None) => say(t!(lang, "upload-cancelled")).await,
        Ok(Some((name, placed))) => {
            index_and_report(&bot, &app, &prompt, lang, placed, &name, &suffixes).await
        }
        Err(err) => {
            let why = match err {
                PlaceError::Exists => "no free name".to_string(),
                PlaceError::Io(err) => err.to_string(),
            };
            warn!(cause = %why, "saving an upload failed");
            say(t!(lang, "upload-save-failed", name = shown.as_str(), why = why)).await
        }
    }
}

/// What reading and saving gave.
enum Saved {
    /// Saved under its name.
    Placed(Placed, Vec<String>),
    /// The name is taken; the file waits in the temporary file.
    Taken(std::path::PathBuf, Vec<String>),
}

/// Where reading and saving stopped.
enum Stage {
    /// The reader's reason.
    Read(String),
    /// The file system's error.
    Save(io::Error),
}

/// Asks whether to replace the file of the same name or keep both.
async fn ask(
    bot: &Tg,
    app: &Arc<App>,
    msg: &Message,
    lang: Language,
    pending: Pending,
) -> HandlerResult {
    let shown = pending.name.file_name();
    let (id, given_up) = app.uploads.add(pending);
    for old in given_up {
        let _ = std::fs::remove_file(old.temp);
    }
    let button =
        |label: String, choice: Choice| InlineKeyboardButton::callback(label, choice.encode(id));
    let keyboard = InlineKeyboardMarkup::new([
        vec![
            button(t!(lang, "button-upload-replace"), Choice::Replace),
            button(t!(lang, "button-upload-keep-both"), Choice::KeepBoth),
        ],
        vec![button(t!(lang, "button-upload-cancel"), Choice::Cancel)],
    ]);
    let text = telegram::escape(&t!(lang, "upload-exists", name = shown.as_str()));
    outbox::reply(bot, app, msg, vec![text], Some(keyboard), Turn::Queued).await?;
    Ok(())
}

/// Reindexes through the `/reindex` gate with the file saved, then reports; takes the file
/// out again when the gate refuses.
async fn index_and_report(
    bot: &Tg,
    app: &Arc<App>,
    msg: &Message,
    lang: Language,
    placed: Placed,
    name: &SafeName,
    suffixes: &[String],
) -> HandlerResult {
    let shown = name.file_name();
    let waited = Instant::now();
    let running = loop {
        if let Some(running) = admin::Running::start(app) {
            break Some(running);
        }
        if waited.elapsed() > REINDEX_WAIT {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let outcome = match running {
        Some(running) => admin::rebuild_gated(running).await,
        None => Err("another reindex kept running".to_string()),
    };
    let text = match outcome {
        Ok(_) => {
            tokio::task::spawn_blocking(move || placed.keep()).await?;
            let engine = app.engine.current();
            let ids: Vec<String> = suffixes.iter().map(|s| format!("{shown}{s}")).collect();
            let (count, examples) =
                tokio::task::spawn_blocking(move || added(&engine, &ids)).await?;
            info!(name = %shown, passages = count, "upload added");
            let mut text = t!(lang, "upload-added", name = shown.as_str(), passages = count);
            if examples.is_empty() {
                text.push_str(&format!("\n\n{}", t!(lang, "upload-no-examples")));
            } else {
                text.push_str(&format!("\n\n{}", t!(lang, "upload-examples")));
                for question in examples {
                    text.push_str(&format!("\n• {question}"));
                }
            }
            text
        }
        Err(why) => {
            if let Err(err) = tokio::task::spawn_blocking(move || placed.undo()).await? {
                warn!(cause = %err, "taking a refused upload out of the corpus failed");
            }
            t!(lang, "upload-reindex-failed", name = shown.as_str(), why = why)
        }
    };
    plain_turn(bot, app, msg, &text, Turn::Queued).await
}

/// How many passages the documents `ids` have in `engine`, and example questions made from
/// them.
fn added(engine: &Engine, ids: &[String]) -> (usize, Vec<String>) {
    let mut numbers = Vec::new();
    for id in ids {
        // A document's passages are numbered one after another, from `#0`.
        let Some(mut n) = engine.number_of(&format!("{id}#0")) else { continue };
        while let Some(passage) = engine.passage_by_number(n) {
            if passage.doc_id != *id {
                break;
            }
            numbers.push(n);
            n += 1;
        }
    }
    let examples = engine.examples_from(&numbers, EXAMPLES);
    (numbers.len(), examples)
}

/// "… is N MB; files up to 20 MB …".
fn too_large(lang: Language, name: &str, size: u64) -> String {
    let size = format!("{:.1}", size as f64 / MIB);
    let limit = format!("{:.0}", f64::from(fetch::MAX_BYTES) / MIB);
    t!(lang, "upload-too-large", name = name, size = size, limit = limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_said_in_megabytes() {
        let text = too_large(Language::En, "big.pdf", 25 * 1024 * 1024);
        assert!(text.contains("25.0 MB") && text.contains("20 MB"), "{text}");
    }
}
