//! Building a generation: corpus → passages → tantivy index + passage store, in a fresh
//! directory that becomes live by one atomic rename of the `CURRENT` pointer.
//!
//! Crash safety comes from the order of operations: everything is written under
//! `.building-*`, synced, renamed to `gen-*`, and only then does `CURRENT` (written to a
//! temporary file and renamed over the old one) point at it. A crash before the last rename
//! leaves the previous generation live; leftovers are removed by the next build, which holds
//! the advisory lock on `build.lock` (released by the system when its process dies), so two
//! builds never run at once.
//!
//! A process that needs a fresh index ([`ensure_fresh`]) and finds another build running waits
//! for it (up to a bound), then uses what it built if that is fresh. When its own rebuild
//! fails (a full disk, a read-only index directory) while a good generation is live, it keeps
//! answering from that one and says why.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::fingerprint::corpus_state;
use super::generation::{
    BUILDING_PREFIX, GENERATION_PREFIX, MANIFEST_FILE, Manifest, RemoveOnDrop, canonical_corpus,
    live_generation, live_generation_any_format, prune_generations, remove_leftovers, sync_dir,
    write_current, write_json,
};
use super::lock::{BuildLock, DEFAULT_LOCK_WAIT};
use super::store::STORE_FORMAT;
use super::verify::{Depth, sum_files, verify_generation};
use super::write::{Source, write_generation};
use crate::corpus::{self, SkippedFile};
use crate::error::{Error, InternalError, Result, UserError};

/// What to build, from where, to where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// A corpus folder, or a single file.
    pub corpus: PathBuf,
    /// The index directory holding generations.
    pub index_dir: PathBuf,
    /// Rebuild even when the corpus is unchanged.
    pub force: bool,
    /// How the corpus is read (links, files never indexed, time per file).
    pub load: corpus::LoadOptions,
    /// Bytes the build may use at its peak, whatever the corpus size (tantivy's writer gets
    /// a share, see `write`); [`DEFAULT_MEMORY_BUDGET`](super::DEFAULT_MEMORY_BUDGET) unless configured, at least
    /// `MIN_MEMORY_BUDGET` (64 MiB).
    pub memory_budget: usize,
}

/// What a build did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildReport {
    /// Documents indexed.
    pub documents: usize,
    /// Passages indexed.
    pub passages: usize,
    /// Files left out, each with its reason.
    pub skipped: Vec<SkippedFile>,
    /// Wall time of the build (zero when nothing had to be done).
    pub elapsed: Duration,
    /// Name of the generation directory.
    pub generation: String,
    /// True when the corpus was unchanged and no build ran.
    pub up_to_date: bool,
}

/// Progress events for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// The corpus files are found; they are read, segmented and indexed one by one next.
    Read {
        /// Files to read.
        documents: usize,
        /// Bytes in them.
        bytes: usize,
    },
    /// Indexing has come this far.
    Indexed {
        /// Passages indexed so far.
        passages: usize,
        /// Bytes of passage text indexed so far.
        bytes: usize,
    },
}

/// Why the live generation cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staleness {
    /// There was no index yet.
    Missing,
    /// The corpus changed since the live generation was built from it.
    CorpusChanged,
    /// A different corpus than the one the live generation was built from was given.
    OtherCorpus,
    /// The live generation was written in another index format.
    FormatChanged,
    /// A file of the live generation is missing or altered: what is wrong.
    Damaged(String),
    /// The live generation may hold what this process must never index (its configuration
    /// file, its bot token): it was built without that check.
    Unchecked,
}

impl Staleness {
    /// The reason as a phrase for a note ("the corpus changed").
    pub fn reason(&self) -> String {
        match self {
            Staleness::Missing => "no index yet".into(),
            Staleness::CorpusChanged => "the corpus changed".into(),
            Staleness::OtherCorpus => "a different corpus was given".into(),
            Staleness::FormatChanged => "the index format changed".into(),
            Staleness::Damaged(problem) => format!("the index is damaged: {problem}"),
            Staleness::Unchecked => {
                "the index was built without this configuration's files and token left out".into()
            }
        }
    }
}

/// Something a person waiting for the index should hear about.
#[derive(Debug, Clone)]
pub enum Notice {
    /// Another process holds the build lock; this one waits up to `wait` for it.
    Waiting {
        /// The longest wait.
        wait: Duration,
    },
    /// A build starts, for this reason.
    Building(Staleness),
}

/// What [`ensure_fresh`] did.
#[derive(Debug)]
pub enum Ensured {
    /// The live generation was fresh (or its corpus is gone): nothing to do.
    Fresh,
    /// A build ran and its generation is live.
    Built {
        /// Why it ran.
        staleness: Staleness,
        /// What it did.
        report: BuildReport,
    },
    /// A rebuild was needed but failed; the live generation, intact, stays in use.
    KeptLive {
        /// Why the rebuild was needed.
        staleness: Staleness,
        /// The live generation's directory name.
        generation: String,
        /// Why the rebuild failed.
        error: Error,
    },
}

/// A built generation that is not live yet. Dropping it without [`publish`] deletes it.
///
/// [`publish`]: StagedGeneration::publish
#[derive(Debug)]
pub struct StagedGeneration {
    report: BuildReport,
    path: PathBuf,
    index_dir: PathBuf,
    published: bool,
    _lock: BuildLock,
}

impl StagedGeneration {
    /// What the build did.
    pub fn report(&self) -> &BuildReport {
        &self.report
    }

    /// The generation's directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes the generation live, atomically, and prunes old generations.
    pub fn publish(mut self) -> Result<BuildReport> {
        write_current(&self.index_dir, &self.report.generation)?;
        self.published = true;
        prune_generations(&self.index_dir, &self.report.generation);
        Ok(self.report.clone())
    }
}

impl Drop for StagedGeneration {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// Builds and publishes a generation unless the live one matches the corpus already and all
/// its files are intact (each one hashed). Waits for another running build.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    build_with_notices(opts, &mut |_| {}, &mut |_| {})
}

/// [`build`], reporting progress to `progress` and notices (waiting for another build, why
/// a build runs) to `notice`.
pub fn build_with_notices(
    opts: &BuildOptions,
    progress: &mut dyn FnMut(Progress),
    notice: &mut dyn FnMut(Notice),
) -> Result<BuildReport> {
    if !opts.corpus.exists() {
        return Err(UserError::CorpusMissing(opts.corpus.clone()).into());
    }
    let check = |opts: &BuildOptions| -> Result<Option<Staleness>> {
        if opts.force { Ok(Some(Staleness::CorpusChanged)) } else { staleness(opts, Depth::Full) }
    };
    let Some(mut why) = check(opts)? else { return up_to_date_report(&opts.index_dir) };
    create_index_dir(&opts.index_dir)?;
    let lock = BuildLock::acquire_within(&opts.index_dir, DEFAULT_LOCK_WAIT, &mut |wait| {
        notice(Notice::Waiting { wait })
    })?;
    if lock.waited() {
        match check(opts)? {
            None => return up_to_date_report(&opts.index_dir),
            Some(now) => why = now,
        }
    }
    if !opts.force {
        notice(Notice::Building(why));
    }
    stage_locked(opts, lock, progress)?.publish()
}

/// Makes sure the live generation is usable and fresh, building one when it is missing,
/// damaged, of another format, or older than (or of another corpus than) `opts.corpus`; an
/// index whose corpus is gone is used as it is. Another running build is waited for (up to
/// `wait`), and its generation used when fresh. When a rebuild fails while an intact
/// generation of the same corpus is live, that one stays in use: [`Ensured::KeptLive`].
pub fn ensure_fresh(
    opts: &BuildOptions,
    wait: Duration,
    progress: &mut dyn FnMut(Progress),
    notice: &mut dyn FnMut(Notice),
) -> Result<Ensured> {
    clean_up_after_crashes(&opts.index_dir);
    if !opts.corpus.exists() && live_generation(&opts.index_dir).is_some() {
        // Opening checks the generation and says what to do if it is damaged.
        return Ok(Ensured::Fresh);
    }
    let Some(staleness) = staleness(opts, Depth::Quick)? else { return Ok(Ensured::Fresh) };
    let keep = (staleness == Staleness::CorpusChanged)
        .then(|| live_generation(&opts.index_dir).map(|(name, _, _)| name))
        .flatten();
    match (rebuild(opts, wait, staleness.clone(), progress, notice), keep) {
        (Err(error), Some(generation)) => Ok(Ensured::KeptLive { staleness, generation, error }),
        (outcome, _) => outcome,
    }
}

/// The build of [`ensure_fresh`]: waits for the lock, checks again if another build ran
/// meanwhile, builds and publishes.
fn rebuild(
    opts: &BuildOptions,
    wait: Duration,
    staleness: Staleness,
    progress: &mut dyn FnMut(Progress),
    notice: &mut dyn FnMut(Notice),
) -> Result<Ensured> {
    if !opts.corpus.exists() {
        return Err(UserError::CorpusMissing(opts.corpus.clone()).into());
    }
    create_index_dir(&opts.index_dir)?;
    let lock = BuildLock::acquire_within(&opts.index_dir, wait, &mut |wait| {
        notice(Notice::Waiting { wait })
    })?;
    let staleness = if lock.waited() {
        match self::staleness(opts, Depth::Quick)? {
            None => return Ok(Ensured::Fresh),
            Some(now) => now,
        }
    } else {
        staleness
    };
    notice(Notice::Building(staleness.clone()));
    let report = stage_locked(opts, lock, progress)?.publish()?;
    Ok(Ensured::Built { staleness, report })
}

/// [`ensure_fresh`] with the default wait, logging waits and kept generations. Returns why it
/// built and the report, or `None` when the live generation is used as it is.
pub fn ensure_built(
    opts: &BuildOptions,
    progress: &mut dyn FnMut(Progress),
    before_build: &mut dyn FnMut(Staleness),
) -> Result<Option<(Staleness, BuildReport)>> {
    let outcome = ensure_fresh(opts, DEFAULT_LOCK_WAIT, progress, &mut |notice| match notice {
        Notice::Building(staleness) => before_build(staleness),
        Notice::Waiting { wait } => tracing::warn!(
            index = %opts.index_dir.display(),
            wait_secs = wait.as_secs(),
            "another build is running on the index; waiting for it"
        ),
    })?;
    Ok(match outcome {
        Ensured::Fresh => None,
        Ensured::Built { staleness, report } => Some((staleness, report)),
        Ensured::KeptLive { staleness, generation, error } => {
            tracing::warn!(
                cause = %error,
                why = %staleness.reason(),
                generation,
                "could not rebuild the index; answering from the live generation"
            );
            None
        }
    })
}

/// The name of the live generation when it is intact, of this format and built from
/// `opts.corpus` as it is now (file sizes and modification times first, as at start-up);
/// `None` when a build would be needed. The corpus watcher asks this so that a change that a
/// `/reindex` or an upload has already indexed is not indexed again.
///
/// # Errors
/// When the corpus cannot be read.
pub fn fresh_generation(opts: &BuildOptions) -> Result<Option<String>> {
    if staleness(opts, Depth::Quick)?.is_some() {
        return Ok(None);
    }
    Ok(live_generation(&opts.index_dir).map(|(name, _, _)| name))
}

/// Why the live generation cannot be used as it is for `opts.corpus`, or `None` when it can.
/// A missing corpus makes any intact live generation usable.
fn staleness(opts: &BuildOptions, depth: Depth) -> Result<Option<Staleness>> {
    let Some((_, path, manifest)) = live_generation_any_format(&opts.index_dir) else {
        return Ok(Some(Staleness::Missing));
    };
    if manifest.format != STORE_FORMAT {
        return Ok(Some(Staleness::FormatChanged));
    }
    match verify_generation(&path, &manifest, depth) {
        Ok(()) => {}
        Err(Error::Internal(InternalError::GenerationDamaged { problem, .. })) => {
            return Ok(Some(Staleness::Damaged(problem)));
        }
        Err(other) => return Err(other),
    }
    if !opts.corpus.exists() {
        return Ok(None);
    }
    let state = corpus_state(&opts.corpus, &opts.load, Some(&manifest))?;
    if state.matches(&manifest) {
        return Ok(None);
    }
    if state.only_withheld_differ(&manifest) {
        return Ok(Some(Staleness::Unchecked));
    }
    Ok(Some(match &manifest.corpus {
        Some(built_from) if *built_from != canonical_corpus(&opts.corpus) => Staleness::OtherCorpus,
        _ => Staleness::CorpusChanged,
    }))
}

/// The report of a build that did not have to run.
fn up_to_date_report(index_dir: &Path) -> Result<BuildReport> {
    let (generation, _, manifest) = live_generation(index_dir)
        .ok_or_else(|| UserError::IndexMissing(index_dir.to_path_buf()))?;
    Ok(BuildReport {
        documents: manifest.documents,
        passages: manifest.passages,
        skipped: manifest.skipped,
        elapsed: Duration::ZERO,
        generation,
        up_to_date: true,
    })
}

fn create_index_dir(index_dir: &Path) -> Result<()> {
    fs::create_dir_all(index_dir)
        .map_err(|err| Error::io(format!("creating {}", index_dir.display()), err))
}

/// Removes what a crashed build left (half-built directories), unless a build is running
/// right now; called on every start, so leftovers never outlive a restart.
pub fn clean_up_after_crashes(index_dir: &Path) {
    if !index_dir.is_dir() {
        return;
    }
    if let Ok(Some(lock)) = BuildLock::try_acquire(index_dir) {
        remove_leftovers(index_dir);
        drop(lock);
    }
}

/// Builds a generation into a fresh directory without making it live; refuses at once
/// ([`UserError::BuildLocked`]) when another build is running.
pub fn stage(opts: &BuildOptions) -> Result<StagedGeneration> {
    stage_with_progress(opts, &mut |_| {})
}

/// [`stage`], reporting progress to `progress`.
pub fn stage_with_progress(
    opts: &BuildOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<StagedGeneration> {
    if !opts.corpus.exists() {
        return Err(UserError::CorpusMissing(opts.corpus.clone()).into());
    }
    create_index_dir(&opts.index_dir)?;
    let lock = BuildLock::try_acquire(&opts.index_dir)?.ok_or_else(|| UserError::BuildLocked {
        index_dir: opts.index_dir.clone(),
        waited_secs: 0,
    })?;
    stage_locked(opts, lock, progress)
}

/// Builds a generation under the held `lock`.
fn stage_locked(
    opts: &BuildOptions,
    lock: BuildLock,
    progress: &mut dyn FnMut(Progress),
) -> Result<StagedGeneration> {
    let started = Instant::now();
    if !opts.corpus.exists() {
        return Err(UserError::CorpusMissing(opts.corpus.clone()).into());
    }
    remove_leftovers(&opts.index_dir);

    let previous = live_generation_any_format(&opts.index_dir).map(|(_, _, manifest)| manifest);
    let state = corpus_state(&opts.corpus, &opts.load, previous.as_ref())?;
    drop(previous);
    let corpus_bytes: u64 = state.files.iter().map(|file| file.bytes).sum();

    let stamp = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let generation = format!("{GENERATION_PREFIX}{}", stamp.as_millis());
    let building = opts.index_dir.join(format!("{BUILDING_PREFIX}{}", stamp.as_millis()));
    let staged_path = opts.index_dir.join(&generation);
    fs::create_dir_all(&building)
        .map_err(|err| Error::io(format!("creating {}", building.display()), err))?;
    // From here on, a failure must not leave the half-built directory behind.
    let cleanup = RemoveOnDrop(building.clone());

    let source = Source {
        corpus: &opts.corpus,
        load: &opts.load,
        files: state.files.len(),
        bytes: corpus_bytes,
    };
    let written = write_generation(&building, &source, opts.memory_budget, progress)?;
    if written.documents == 0 {
        return Err(UserError::CorpusEmpty {
            path: opts.corpus.clone(),
            skipped: written.skipped.len(),
        }
        .into());
    }
    let skipped = written.skipped;
    let manifest = Manifest {
        format: STORE_FORMAT,
        corpus_hash: state.hash,
        documents: written.documents,
        passages: written.passages,
        built_at_unix: stamp.as_secs(),
        skipped: skipped.clone(),
        corpus: Some(canonical_corpus(&opts.corpus)),
        files: sum_files(&building)?,
        corpus_files: state.files,
        withheld: state.withheld,
        secrets: state.secrets,
    };
    let manifest_path = building.join(MANIFEST_FILE);
    write_json(&manifest_path, &manifest)?;
    share_like(&building, &manifest_path);
    sync_dir(&building);
    fs::rename(&building, &staged_path).map_err(|err| {
        Error::io(format!("renaming {} to {}", building.display(), staged_path.display()), err)
    })?;
    std::mem::forget(cleanup);
    sync_dir(&opts.index_dir);

    Ok(StagedGeneration {
        report: BuildReport {
            documents: manifest.documents,
            passages: manifest.passages,
            skipped,
            elapsed: started.elapsed(),
            generation,
            up_to_date: false,
        },
        path: staged_path,
        index_dir: opts.index_dir.clone(),
        published: false,
        _lock: lock,
    })
}

/// Gives every file of the generation the permissions of `template` (a file this process
/// created, so its mode is `0666` less the umask): tantivy writes `meta.json` and
/// `.managed.json` with mode `0600`, which would keep other users (a bot running under its
/// own account) from reading an index an administrator built.
#[cfg(unix)]
fn share_like(dir: &Path, template: &Path) {
    let Ok(permissions) = fs::metadata(template).map(|meta| meta.permissions()) else { return };
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::set_permissions(entry.path(), permissions.clone());
        }
    }
}

#[cfg(not(unix))]
fn share_like(_dir: &Path, _template: &Path) {}
