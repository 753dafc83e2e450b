//! Who may use the bot: the rule ([`AccessList::verdict`]) and the allow-list kept in SQLite.
//!
//! With `access = "open"` everyone may. With `"allow-list"` a user may when they are an
//! admin; or allowed by id (`allowed_users`, `/allow`, or `/start <join_code>`); or the update
//! comes from a group or channel on the list (`allowed_chats`, `/allow -100…`); or Telegram
//! confirms they are a member of one (checked by the gate, [`super::gate`]). A `/deny` wins
//! over all of these but admin.
//!
//! Only facts Telegram itself fills in decide: the sender (`from`) and, for a group, the
//! chat the update happened in. A private chat never counts as a listed chat whatever its id
//! says, and what a message quotes (a reply, a forward) is never looked at.
//!
//! Changes made from chat are written through to SQLite at once and read back at start; the
//! list itself is held in memory, so checking costs no query. Users who were refused are
//! remembered too (they get one polite message, then silence, across restarts).

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, RwLock};

use anyhow::Context;
use rusqlite::{Connection, params};

use super::config::{Access, BotConfig};
use super::i18n::{Language, t};

/// What the rule says about one update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The update may be answered.
    Allowed,
    /// Allowed only if Telegram confirms membership of one of [`AccessList::chats`].
    AskMembership,
    /// Refused.
    Refused,
}

/// Where an update happened, as far as access is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A group, supergroup or channel with this id.
    Group(i64),
    /// A private chat, an inline query, or a button under an inline message: only the sender
    /// counts.
    Private,
}

/// The allow-list: the configured part, the changes made from chat, and who was refused.
#[derive(Debug)]
pub struct AccessList {
    mode: Access,
    admins: Vec<u64>,
    configured_users: HashSet<u64>,
    configured_chats: HashSet<i64>,
    /// Changes from chat by id (users positive, chats negative): `true` allowed, `false`
    /// denied.
    changes: RwLock<HashMap<i64, bool>>,
    /// Users told once that they may not use the bot.
    refused: RwLock<HashSet<u64>>,
    conn: Mutex<Connection>,
}

/// The allow-list as `/users` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Whether the list is in force.
    pub mode: Access,
    /// Users allowed (configured and from chat), sorted.
    pub users: Vec<u64>,
    /// Chats allowed (configured and from chat), sorted.
    pub chats: Vec<i64>,
    /// Ids denied from chat, sorted.
    pub denied: Vec<i64>,
}

impl AccessList {
    /// Opens (creating when needed) the database at the configured path and reads the
    /// changes kept there.
    pub fn open(config: &BotConfig) -> anyhow::Result<AccessList> {
        let path = config.access_path();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        let conn = Connection::open(&path)
            .with_context(|| format!("opening the allow-list database {}", path.display()))?;
        AccessList::init(config, conn)
            .with_context(|| format!("allow-list database {}", path.display()))
    }

    /// An allow-list kept in memory only, for tests.
    #[cfg(test)]
    pub fn in_memory(config: &BotConfig) -> anyhow::Result<AccessList> {
        AccessList::init(config, Connection::open_in_memory()?)
    }

    fn init(config: &BotConfig, conn: Connection) -> anyhow::Result<AccessList> {
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE IF NOT EXISTS access (
                 id INTEGER PRIMARY KEY, allowed INTEGER NOT NULL, by_user INTEGER NOT NULL,
                 at INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS refused (user_id INTEGER PRIMARY KEY, at INTEGER NOT NULL);",
        )
        .context("creating the allow-list tables")?;
        let changes = {
            let mut rows = conn.prepare("SELECT id, allowed FROM access")?;
            rows.query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, bool>(1)?)))?
                .collect::<Result<HashMap<_, _>, _>>()?
        };
        let refused = {
            let mut rows = conn.prepare("SELECT user_id FROM refused")?;
            rows.query_map([], |row| row.get::<_, i64>(0))?
                .map(|id| id.map(|id| id as u64))
                .collect::<Result<HashSet<_>, _>>()?
        };
        Ok(AccessList {
            mode: config.access,
            admins: config.admins.clone(),
            configured_users: config.allowed_users.iter().copied().collect(),
            configured_chats: config.allowed_chats.iter().copied().collect(),
            changes: RwLock::new(changes),
            refused: RwLock::new(refused),
            conn: Mutex::new(conn),
        })
    }

    /// Whether `user` may use the bot for an update that happened in `place`.
    pub fn verdict(&self, user: u64, place: Place) -> Verdict {
        if self.mode == Access::Open || self.admins.contains(&user) {
            return Verdict::Allowed;
        }
        let changes = self.changes.read().unwrap_or_else(|p| p.into_inner());
        match i64::try_from(user).ok().and_then(|id| changes.get(&id)) {
            Some(false) => return Verdict::Refused,
            Some(true) => return Verdict::Allowed,
            None if self.configured_users.contains(&user) => return Verdict::Allowed,
            None => {}
        }
        drop(changes);
        if let Place::Group(chat) = place
            && self.chats().contains(&chat)
        {
            return Verdict::Allowed;
        }
        if self.chats().is_empty() { Verdict::Refused } else { Verdict::AskMembership }
    }

    /// The chats whose members may use the bot: configured or allowed from chat, less those
    /// denied from chat.
    pub fn chats(&self) -> Vec<i64> {
        let changes = self.changes.read().unwrap_or_else(|p| p.into_inner());
        let mut chats: Vec<i64> = self
            .configured_chats
            .iter()
            .copied()
            .filter(|chat| changes.get(chat) != Some(&false))
            .chain(changes.iter().filter(|(id, allowed)| **id < 0 && **allowed).map(|(id, _)| *id))
            .collect();
        chats.sort_unstable();
        chats.dedup();
        chats
    }

    /// Whether `user` was denied from chat (a join code does not undo that).
    pub fn is_denied(&self, user: u64) -> bool {
        let changes = self.changes.read().unwrap_or_else(|p| p.into_inner());
        i64::try_from(user).ok().and_then(|id| changes.get(&id).copied()) == Some(false)
    }

    /// Allows (`allowed`) or denies the user (positive) or chat (negative) `id`, by admin
    /// (or joining user) `by`; written to the database before it takes effect. Allowing a
    /// user also forgets that they were refused, so a later refusal is said again.
    pub fn set(&self, id: i64, allowed: bool, by: u64) -> anyhow::Result<()> {
        {
            let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
            conn.execute(
                "INSERT OR REPLACE INTO access (id, allowed, by_user, at) VALUES (?1, ?2, ?3, ?4)",
                params![id, allowed, by as i64, super::stats::now_unix()],
            )
            .context("saving the allow-list")?;
            if id > 0 {
                conn.execute("DELETE FROM refused WHERE user_id = ?1", [id])
                    .context("saving the allow-list")?;
            }
        }
        self.changes.write().unwrap_or_else(|p| p.into_inner()).insert(id, allowed);
        if id > 0 {
            self.refused.write().unwrap_or_else(|p| p.into_inner()).remove(&(id as u64));
        }
        Ok(())
    }

    /// Notes that `user` was refused; `true` the first time, when they are to be told.
    /// A failure to save is ignored (they may then be told once more after a restart).
    pub fn first_refusal(&self, user: u64) -> bool {
        if !self.refused.write().unwrap_or_else(|p| p.into_inner()).insert(user) {
            return false;
        }
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let saved = conn.execute(
            "INSERT OR REPLACE INTO refused (user_id, at) VALUES (?1, ?2)",
            params![user as i64, super::stats::now_unix()],
        );
        if let Err(err) = saved {
            tracing::warn!(cause = %err, "could not save a refusal");
        }
        true
    }

    /// The list for `/users`.
    pub fn listing(&self) -> Listing {
        let changes = self.changes.read().unwrap_or_else(|p| p.into_inner());
        let mut users: Vec<u64> = self
            .configured_users
            .iter()
            .copied()
            .filter(|u| i64::try_from(*u).ok().and_then(|id| changes.get(&id)) != Some(&false))
            .chain(changes.iter().filter(|(id, a)| **id > 0 && **a).map(|(id, _)| *id as u64))
            .collect();
        users.sort_unstable();
        users.dedup();
        let mut denied: Vec<i64> =
            changes.iter().filter(|(_, allowed)| !**allowed).map(|(id, _)| *id).collect();
        denied.sort_unstable();
        drop(changes);
        Listing { mode: self.mode, users, chats: self.chats(), denied }
    }
}

impl Listing {
    /// The `/users` reply (plain text) in `lang`.
    pub fn text(&self, lang: Language) -> String {
        let ids = |ids: &mut dyn Iterator<Item = String>| {
            let list: Vec<String> = ids.collect();
            if list.is_empty() { t!(lang, "users-none") } else { list.join(", ") }
        };
        let mode = match self.mode {
            Access::Open => t!(lang, "users-mode-open"),
            Access::AllowList => t!(lang, "users-mode-allow-list"),
        };
        t!(
            lang,
            "users-listing",
            mode = mode,
            users = ids(&mut self.users.iter().map(u64::to_string)),
            chats = ids(&mut self.chats.iter().map(i64::to_string)),
            denied = ids(&mut self.denied.iter().map(i64::to_string)),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn reopen(config: &BotConfig, path: &Path) -> AccessList {
        AccessList::init(config, Connection::open(path).unwrap()).unwrap()
    }

    const ADMIN: u64 = 1;
    const LISTED: u64 = 2;
    const STRANGER: u64 = 3;
    const GROUP: i64 = -100;

    fn config(mode: Access, chats: &[i64]) -> BotConfig {
        BotConfig {
            access: mode,
            admins: vec![ADMIN],
            allowed_users: vec![LISTED],
            allowed_chats: chats.to_vec(),
            ..BotConfig::default()
        }
    }

    #[test]
    fn open_lets_everyone_in() {
        let list = AccessList::in_memory(&config(Access::Open, &[])).unwrap();
        assert_eq!(list.verdict(STRANGER, Place::Private), Verdict::Allowed);
    }

    #[test]
    fn allow_list_paths() {
        let list = AccessList::in_memory(&config(Access::AllowList, &[GROUP])).unwrap();
        assert_eq!(list.verdict(ADMIN, Place::Private), Verdict::Allowed);
        assert_eq!(list.verdict(LISTED, Place::Private), Verdict::Allowed);
        assert_eq!(list.verdict(STRANGER, Place::Group(GROUP)), Verdict::Allowed);
        assert_eq!(list.verdict(STRANGER, Place::Group(-7)), Verdict::AskMembership);
        assert_eq!(list.verdict(STRANGER, Place::Private), Verdict::AskMembership);
        let no_chats = AccessList::in_memory(&config(Access::AllowList, &[])).unwrap();
        assert_eq!(no_chats.verdict(STRANGER, Place::Private), Verdict::Refused);
        assert_eq!(no_chats.verdict(STRANGER, Place::Group(GROUP)), Verdict::Refused);
    }

    #[test]
    fn deny_wins_over_lists_and_chats_but_not_admin() {
        let list = AccessList::in_memory(&config(Access::AllowList, &[GROUP])).unwrap();
        list.set(LISTED as i64, false, ADMIN).unwrap();
        list.set(STRANGER as i64, false, ADMIN).unwrap();
        list.set(ADMIN as i64, false, ADMIN).unwrap();
        assert_eq!(list.verdict(LISTED, Place::Private), Verdict::Refused);
        assert_eq!(list.verdict(STRANGER, Place::Group(GROUP)), Verdict::Refused);
        assert_eq!(list.verdict(ADMIN, Place::Private), Verdict::Allowed);
        assert!(list.is_denied(STRANGER));
        list.set(GROUP, false, ADMIN).unwrap();
        list.set(STRANGER as i64, true, ADMIN).unwrap();
        assert_eq!(list.verdict(STRANGER, Place::Private), Verdict::Allowed);
        assert!(list.chats().is_empty());
        assert_eq!(list.listing().users, [STRANGER]);
        assert_eq!(list.listing().denied, [GROUP, ADMIN as i64, LISTED as i64]);
    }

    #[test]
    fn changes_and_refusals_persist() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("access.sqlite3");
        let config = config(Access::AllowList, &[]);
        let list = reopen(&config, &path);
        list.set(STRANGER as i64, true, ADMIN).unwrap();
        list.set(-55, true, ADMIN).unwrap();
        assert!(list.first_refusal(9));
        assert!(!list.first_refusal(9));
        drop(list);
        let list = reopen(&config, &path);
        assert_eq!(list.verdict(STRANGER, Place::Private), Verdict::Allowed);
        assert_eq!(list.verdict(4, Place::Group(-55)), Verdict::Allowed);
        assert!(!list.first_refusal(9), "told once, across restarts");
        list.set(9, true, ADMIN).unwrap();
        list.set(9, false, ADMIN).unwrap();
        assert!(list.first_refusal(9), "denied again after being allowed: told again");
    }

    #[test]
    fn users_lists_everything() {
        let list = AccessList::in_memory(&config(Access::AllowList, &[GROUP])).unwrap();
        let text = list.listing().text(Language::En);
        assert!(
            text.contains("Users: 2") && text.contains("-100") && text.contains("Denied: none")
        );
    }
}
