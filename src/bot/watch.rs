//! `watch = true`: a changed, added or removed corpus file reindexes the bot by itself,
//! through the same gate as `/reindex` ([`super::admin::rebuild_gated`]: build, sanity check,
//! atomic switch), and the admins get one short note ("reindexed: +1 file, 42 passages", or
//! why the gate refused and that the live index stays).
//!
//! The operating system's file events ([`notify`], inotify on Linux) only wake the watcher;
//! what changed is decided by comparing two [`Snapshot`]s of the corpus (size and modification
//! time of every file the corpus could hold), so events about the index, the stats and
//! allow-list databases (which may live inside a corpus folder), hidden files and editor
//! backups never cause a reindex, and neither does a burst that ends where it started.
//!
//! Bounded: a wake-up is one stored permit ([`tokio::sync::Notify`]), never a queue. After
//! the first event the watcher waits until the corpus has been quiet for the debounce window
//! (`watch_debounce_ms`), or at most [`MAX_WAIT_WINDOWS`] windows under a steady flood, then
//! reindexes once; changes made meanwhile make at most one more reindex after it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::Context;
use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::Notify;
use tracing::{info, warn};

use super::i18n::{Language, t};
use super::{App, Tg, admin, outbox};

/// Under a flood that never pauses, a reindex starts at the latest after this many debounce
/// windows from the first event.
pub const MAX_WAIT_WINDOWS: u32 = 10;

/// Files listed in a snapshot at most (a corpus beyond it is compared by its first files).
const MAX_FILES: usize = 200_000;

/// Starts watching the corpus when `watch = true`; the watcher lives as long as its task.
pub fn spawn(bot: Tg, app: Arc<App>) -> anyhow::Result<()> {
    if !app.config.watch {
        return Ok(());
    }
    let root = app.config.corpus_path();
    let wake = Arc::new(Notify::new());
    let woken = wake.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        match event {
            Ok(event) if matches!(event.kind, EventKind::Access(_)) => {}
            Ok(_) => woken.notify_one(),
            // The kernel's queue overflowed, say: look again, to be sure.
            Err(err) => {
                warn!(cause = %err, "watching the corpus: an event was lost; comparing again");
                woken.notify_one();
            }
        }
    })
    .context("starting the corpus watcher")?;
    // A single file is watched through its folder, since editors replace files by renaming.
    let (target, mode) = if root.is_dir() {
        (root.clone(), RecursiveMode::Recursive)
    } else {
        let parent = root.parent().filter(|p| !p.as_os_str().is_empty());
        (parent.unwrap_or(Path::new(".")).to_path_buf(), RecursiveMode::NonRecursive)
    };
    watcher
        .watch(&target, mode)
        .with_context(|| format!("watching the corpus {}", target.display()))?;
    let skip = Skip::new(&app);
    let debounce = Duration::from_millis(app.config.watch_debounce_ms);
    let first = Snapshot::take(&root, &skip);
    info!(corpus = %root.display(), files = first.len(), debounce_ms = debounce.as_millis() as u64, "watching the corpus for changes");
    tokio::spawn(async move {
        let _watcher = watcher;
        let mut live = first;
        loop {
            wake.notified().await;
            settle(&wake, debounce).await;
            // A `/reindex` from chat is running: wait for it, then compare.
            let running = loop {
                match admin::Running::start(&app) {
                    Some(running) => break running,
                    None => tokio::time::sleep(debounce).await,
                }
            };
            let (root, skip) = (root.clone(), skip.clone());
            let now = match tokio::task::spawn_blocking(move || Snapshot::take(&root, &skip)).await
            {
                Ok(now) => now,
                Err(err) => {
                    warn!(cause = %err, "reading the corpus for changes failed");
                    continue;
                }
            };
            let changes = live.diff(&now);
            if changes.is_empty() {
                continue;
            }
            if already_indexed(&app).await {
                // A `/reindex` or an upload from chat indexed this change already.
                info!(changes = %changes, "the corpus changed; the live index already has it");
                live = now;
                continue;
            }
            info!(changes = %changes, "the corpus changed; reindexing");
            // The admins' languages are not known here: the configured one.
            let lang = app.config.language;
            let changes = changes.text(lang);
            let text = match admin::rebuild_gated(running).await {
                Ok(report) => {
                    live = now;
                    t!(lang, "watch-reindexed", changes = changes, passages = report.passages)
                }
                // The live index still matches the snapshot it was built from.
                Err(why) => t!(lang, "watch-failed", changes = changes, why = why),
            };
            outbox::to_admins(&bot, &app, &text).await;
        }
    });
    Ok(())
}

/// True when the live generation is fresh for the corpus as it is now and is the one the
/// bot answers from.
async fn already_indexed(app: &Arc<App>) -> bool {
    let opts = app.config.build_options(false);
    let serving = app.engine.current().info().generation.clone();
    let fresh = tokio::task::spawn_blocking(move || passagebot::index::fresh_generation(&opts));
    match fresh.await {
        Ok(Ok(Some(live))) => live == serving,
        Ok(Ok(None)) => false,
        Ok(Err(err)) => {
            warn!(cause = %err, "checking whether the index has the change failed; reindexing");
            false
        }
        Err(err) => {
            warn!(cause = %err, "checking whether the index has the change crashed; reindexing");
            false
        }
    }
}

/// Waits until no event came for `window`, or [`MAX_WAIT_WINDOWS`] windows in all.
async fn settle(wake: &Notify, window: Duration) {
    let deadline = tokio::time::Instant::now() + window * MAX_WAIT_WINDOWS;
    loop {
        let quiet = tokio::time::sleep(window);
        tokio::select! {
            () = quiet => return,
            () = wake.notified() => {}
            () = tokio::time::sleep_until(deadline) => return,
        }
    }
}

/// Paths that are never corpus: the index, the databases (and their `-wal`, `-shm`,
/// `-journal` companions), the configuration file.
#[derive(Debug, Clone)]
struct Skip {
    dirs: Vec<PathBuf>,
    prefixes: Vec<String>,
}

impl Skip {
    fn new(app: &App) -> Skip {
        let config = &app.config;
        let mut prefixes: Vec<String> = [config.stats_path(), config.access_path()]
            .iter()
            .map(|p| absolute(p).to_string_lossy().into_owned())
            .collect();
        prefixes.extend(config.config_file.iter().map(|p| absolute(p).to_string_lossy().into()));
        Skip { dirs: vec![absolute(&config.index)], prefixes }
    }

    fn skips(&self, path: &Path) -> bool {
        let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        if name.starts_with('.') || name.ends_with('~') {
            return true;
        }
        let path = absolute(path);
        let text = path.to_string_lossy();
        self.dirs.iter().any(|d| path.starts_with(d))
            || self.prefixes.iter().any(|p| text.starts_with(p.as_str()))
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The corpus files at one moment: size and modification time of each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot(BTreeMap<PathBuf, (u64, Option<SystemTime>)>);

impl Snapshot {
    /// Lists `root` (a folder, walked without following links, or one file).
    fn take(root: &Path, skip: &Skip) -> Snapshot {
        let mut files = BTreeMap::new();
        let mut pending = vec![root.to_path_buf()];
        while let Some(path) = pending.pop() {
            if files.len() >= MAX_FILES || (path != root && skip.skips(&path)) {
                continue;
            }
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            if meta.is_dir() {
                if let Ok(entries) = std::fs::read_dir(&path) {
                    pending.extend(entries.flatten().map(|e| e.path()));
                }
            } else {
                files.insert(path, (meta.len(), meta.modified().ok()));
            }
        }
        Snapshot(files)
    }

    /// Files listed.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// What changed from `self` to `newer`.
    pub fn diff(&self, newer: &Snapshot) -> Changes {
        let added = newer.0.keys().filter(|p| !self.0.contains_key(*p)).count();
        let removed = self.0.keys().filter(|p| !newer.0.contains_key(*p)).count();
        let changed = newer
            .0
            .iter()
            .filter(|(p, seen)| self.0.get(*p).is_some_and(|old| old != *seen))
            .count();
        Changes { added, changed, removed }
    }
}

/// Files added, changed and removed between two snapshots.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    /// New files.
    pub added: usize,
    /// Files whose size or modification time differs.
    pub changed: usize,
    /// Files gone.
    pub removed: usize,
}

impl Changes {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    /// `+1 file, ~2 files, −1 file` in `lang` (only the non-zero ones).
    pub fn text(&self, lang: Language) -> String {
        let mut parts = Vec::new();
        if self.added > 0 {
            parts.push(t!(lang, "changes-added", count = self.added));
        }
        if self.changed > 0 {
            parts.push(t!(lang, "changes-changed", count = self.changed));
        }
        if self.removed > 0 {
            parts.push(t!(lang, "changes-removed", count = self.removed));
        }
        parts.join(", ")
    }
}

impl std::fmt::Display for Changes {
    /// [`Changes::text`] in English, for the log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Language::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip_none() -> Skip {
        Skip { dirs: vec![], prefixes: vec![] }
    }

    #[test]
    fn snapshots_tell_added_changed_and_removed_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.md"), "one").unwrap();
        std::fs::write(root.join("b.md"), "two").unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/c.md"), "three").unwrap();
        let before = Snapshot::take(root, &skip_none());
        assert_eq!(before.len(), 3);
        assert!(before.diff(&before).is_empty());
        std::fs::write(root.join("a.md"), "one, longer").unwrap();
        std::fs::remove_file(root.join("b.md")).unwrap();
        std::fs::write(root.join("sub/d.md"), "four").unwrap();
        std::fs::write(root.join(".a.md.swp"), "editor").unwrap();
        std::fs::write(root.join("a.md~"), "backup").unwrap();
        let changes = before.diff(&Snapshot::take(root, &skip_none()));
        assert_eq!(changes, Changes { added: 1, changed: 1, removed: 1 });
        assert_eq!(changes.to_string(), "+1 file, ~1 file, −1 file");
        assert_eq!(Changes { added: 2, ..Changes::default() }.to_string(), "+2 files");
        assert_eq!(changes.text(Language::Ko), "파일 1개 추가, 파일 1개 변경, 파일 1개 삭제");
    }

    #[test]
    fn the_index_and_databases_inside_the_corpus_are_not_corpus() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("index")).unwrap();
        std::fs::write(root.join("index/seg"), "x").unwrap();
        std::fs::write(root.join("index.stats.sqlite3-wal"), "x").unwrap();
        std::fs::write(root.join("notes.md"), "x").unwrap();
        let skip = Skip {
            dirs: vec![absolute(&root.join("index"))],
            prefixes: vec![absolute(&root.join("index.stats.sqlite3")).to_string_lossy().into()],
        };
        let snapshot = Snapshot::take(root, &skip);
        assert_eq!(snapshot.0.keys().collect::<Vec<_>>(), [&root.join("notes.md")]);
    }

    #[test]
    fn a_single_file_corpus_is_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("docs.jsonl");
        std::fs::write(&file, "{}").unwrap();
        assert_eq!(Snapshot::take(&file, &skip_none()).len(), 1);
    }

    #[tokio::test]
    async fn a_flood_of_events_settles_within_the_longest_wait() {
        let window = Duration::from_millis(20);
        let wake = Arc::new(Notify::new());
        let flooding = wake.clone();
        let flood = tokio::spawn(async move {
            loop {
                flooding.notify_one();
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        });
        let started = std::time::Instant::now();
        settle(&wake, window).await;
        let waited = started.elapsed();
        assert!(waited >= window * MAX_WAIT_WINDOWS, "{waited:?}");
        assert!(waited < window * MAX_WAIT_WINDOWS * 5, "{waited:?}");
        flood.abort();
        let started = std::time::Instant::now();
        settle(&wake, window).await;
        assert!(started.elapsed() < window * 5, "quiet: {:?}", started.elapsed());
    }
}
