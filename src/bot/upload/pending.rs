//! Uploads waiting for the admin's choice because their name is taken, and the
//! `callback_data` of the three buttons that decide them ("Replace", "Keep both",
//! "Cancel").
//!
//! A pending upload is a file already downloaded and read, kept under a hidden temporary
//! name in the corpus folder (which neither the corpus walk nor the watcher reads) until a
//! button is pressed. The buttons carry only a short number (`U|<n>|r`); what it stands for
//! lives here, in memory, so a forged press names nothing, and only the admin who sent the
//! file may decide it. Bounded: at most [`MAX_PENDING`] wait at once (the oldest is given
//! up first), each at most [`PENDING_FOR`]; a given-up upload's temporary file is deleted.
//! A restart forgets them (their temporary files are swept by the next upload).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::name::SafeName;

/// Uploads waiting for a choice at once, at most.
pub const MAX_PENDING: usize = 16;

/// How long a choice may wait.
pub const PENDING_FOR: Duration = Duration::from_secs(15 * 60);

/// The prefix of every `callback_data` of these buttons (the answer buttons never start so).
const PREFIX: &str = "U|";

/// What an upload's buttons ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Replace the file of the same name.
    Replace,
    /// Save the new file as `name-2.ext` (or the first free number).
    KeepBoth,
    /// Add nothing.
    Cancel,
}

impl Choice {
    fn code(self) -> char {
        match self {
            Choice::Replace => 'r',
            Choice::KeepBoth => 'k',
            Choice::Cancel => 'x',
        }
    }

    /// The `callback_data` for this choice about pending upload `id`.
    pub fn encode(self, id: u64) -> String {
        format!("{PREFIX}{id}|{}", self.code())
    }

    /// The pending upload and choice a button's data names, if it is an upload button.
    pub fn decode(data: &str) -> Option<(u64, Choice)> {
        let rest = data.strip_prefix(PREFIX)?;
        let (id, code) = rest.split_once('|')?;
        if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let choice = match code {
            "r" => Choice::Replace,
            "k" => Choice::KeepBoth,
            "x" => Choice::Cancel,
            _ => return None,
        };
        Some((id.parse().ok()?, choice))
    }
}

/// One upload waiting for a choice.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The admin who sent it; only they may decide.
    pub owner: u64,
    /// The name it was to have (taken).
    pub name: SafeName,
    /// The hidden temporary file in the corpus folder holding its bytes.
    pub temp: PathBuf,
    /// The suffixes of its document ids after its relative path (`""`, or `:p3` per page).
    pub suffixes: Vec<String>,
    /// When it started waiting.
    pub since: Instant,
}

/// The uploads waiting for a choice, by id.
#[derive(Debug, Default)]
pub struct Waiting {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    next: u64,
    pending: BTreeMap<u64, Pending>,
}

impl Waiting {
    /// Keeps `pending` and returns its id, plus the uploads given up to make room or because
    /// they waited too long (whose temporary files the caller deletes).
    pub fn add(&self, pending: Pending) -> (u64, Vec<Pending>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut given_up = expire(&mut inner, pending.since);
        while inner.pending.len() >= MAX_PENDING {
            let Some((_, oldest)) = inner.pending.pop_first() else { break };
            given_up.push(oldest);
        }
        inner.next += 1;
        let id = inner.next;
        inner.pending.insert(id, pending);
        (id, given_up)
    }

    /// Takes pending upload `id` if `user` may decide it and it has not expired at `now`:
    /// `Ok(pending)`; `Err(true)` when it exists but is someone else's (left waiting);
    /// `Err(false)` when there is none (decided already, expired, or never made).
    pub fn take(&self, id: u64, user: u64, now: Instant) -> Result<Pending, bool> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        match inner.pending.get(&id) {
            None => Err(false),
            Some(p) if now.duration_since(p.since) > PENDING_FOR => Err(false),
            Some(p) if p.owner != user => Err(true),
            Some(_) => inner.pending.remove(&id).ok_or(false),
        }
    }

    /// Gives up the uploads that waited past [`PENDING_FOR`] at `now`.
    pub fn expired(&self, now: Instant) -> Vec<Pending> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        expire(&mut inner, now)
    }

    /// The temporary files of the uploads still waiting.
    pub fn temps(&self) -> Vec<PathBuf> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.pending.values().map(|p| p.temp.clone()).collect()
    }
}

fn expire(inner: &mut Inner, now: Instant) -> Vec<Pending> {
    let old: Vec<u64> = inner
        .pending
        .iter()
        .filter(|(_, p)| now.duration_since(p.since) > PENDING_FOR)
        .map(|(id, _)| *id)
        .collect();
    old.into_iter().filter_map(|id| inner.pending.remove(&id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(owner: u64, since: Instant) -> Pending {
        Pending {
            owner,
            name: SafeName::from_sent(Some("a.txt")).unwrap(),
            temp: PathBuf::from(format!(".upload-{owner}")),
            suffixes: vec![String::new()],
            since,
        }
    }

    #[test]
    fn choices_round_trip_and_other_data_is_not_theirs() {
        for choice in [Choice::Replace, Choice::KeepBoth, Choice::Cancel] {
            let data = choice.encode(u64::MAX);
            assert!(data.len() <= 64, "{data}");
            assert_eq!(Choice::decode(&data), Some((u64::MAX, choice)));
        }
        for data in ["", "U|", "U|1", "U|1|z", "U||r", "U|-1|r", "U|1|r|x", "c|AbCdEf-_09"] {
            assert_eq!(Choice::decode(data), None, "{data}");
        }
    }

    #[test]
    fn only_the_owner_decides_once_and_old_choices_expire() {
        let waiting = Waiting::default();
        let now = Instant::now();
        let (id, given_up) = waiting.add(pending(7, now));
        assert!(given_up.is_empty());
        assert!(matches!(waiting.take(id, 8, now), Err(true)), "someone else's");
        assert_eq!(waiting.take(id, 7, now).map(|p| p.owner).ok(), Some(7));
        assert!(matches!(waiting.take(id, 7, now), Err(false)), "decided already");
        let (late, _) = waiting.add(pending(7, now));
        assert!(matches!(waiting.take(late, 7, now + PENDING_FOR * 2), Err(false)));
        assert_eq!(waiting.expired(now + PENDING_FOR * 2).len(), 1);
        assert!(waiting.temps().is_empty());
    }

    #[test]
    fn at_most_max_pending_wait_and_the_oldest_is_given_up() {
        let waiting = Waiting::default();
        let now = Instant::now();
        let mut given_up = Vec::new();
        for owner in 0..(MAX_PENDING as u64 + 3) {
            given_up.extend(waiting.add(pending(owner, now)).1);
        }
        assert_eq!(waiting.temps().len(), MAX_PENDING);
        let owners: Vec<u64> = given_up.iter().map(|p| p.owner).collect();
        assert_eq!(owners, [0, 1, 2]);
    }
}
