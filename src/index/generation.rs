//! Generations on disk: the `CURRENT` pointer and its atomic switch, manifests, the corpus an
//! index remembers, and clean-up of what crashed builds leave. The corpus fingerprint lives
//! in `fingerprint`, the build lock in `lock`, the checks of a generation's files in
//! `verify`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::fingerprint::CorpusFileSum;
use super::store::STORE_FORMAT;
use crate::corpus::SkippedFile;
use crate::error::{Error, Result};

/// Name of the file naming the live generation.
pub const CURRENT_FILE: &str = "CURRENT";
/// Name of the lock file held while a build runs.
pub const LOCK_FILE: &str = "build.lock";
/// Name of the manifest inside a generation directory.
pub const MANIFEST_FILE: &str = "manifest.json";
pub(super) const BUILDING_PREFIX: &str = ".building-";
pub(super) const GENERATION_PREFIX: &str = "gen-";

/// Facts about a generation, written next to it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// [`STORE_FORMAT`] of the builder.
    pub format: u32,
    /// Fingerprint of the corpus files the generation was built from.
    pub corpus_hash: String,
    /// Documents indexed.
    pub documents: usize,
    /// Passages indexed.
    pub passages: usize,
    /// Seconds since the Unix epoch when the build finished.
    pub built_at_unix: u64,
    /// Files left out, each with its reason.
    pub skipped: Vec<SkippedFile>,
    /// The corpus the generation was built from, as an absolute path (absent in generations
    /// written before passagebot remembered it): `ask --index DIR` alone checks freshness
    /// against it rather than against `./corpus`.
    #[serde(default)]
    pub corpus: Option<PathBuf>,
    /// Every file of the generation but the manifest, with its size and content hash, so a
    /// deleted, truncated or altered file is found (empty in older generations).
    #[serde(default)]
    pub files: Vec<FileSum>,
    /// Every corpus file hashed for [`Manifest::corpus_hash`], with its size and time, so the
    /// next freshness check re-hashes only the files that changed.
    #[serde(default)]
    pub corpus_files: Vec<CorpusFileSum>,
    /// Corpus files found but not indexed because they configure passagebot.
    #[serde(default)]
    pub withheld: Vec<String>,
    /// Hashes of the secrets (bot tokens) no indexed document holds.
    #[serde(default)]
    pub secrets: Vec<String>,
}

/// One file of a generation as it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSum {
    /// File name inside the generation directory.
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// BLAKE3 hash of the content, hex.
    pub blake3: String,
}

/// The live generation's directory and manifest, if there is a usable one.
pub fn live_generation(index_dir: &Path) -> Option<(String, PathBuf, Manifest)> {
    let (name, path, manifest) = live_generation_any_format(index_dir)?;
    (manifest.format == STORE_FORMAT).then_some((name, path, manifest))
}

/// The live generation named by `CURRENT` with its manifest, whatever its format.
pub(super) fn live_generation_any_format(index_dir: &Path) -> Option<(String, PathBuf, Manifest)> {
    let name = fs::read_to_string(index_dir.join(CURRENT_FILE)).ok()?;
    let name = name.trim().to_string();
    if !name.starts_with(GENERATION_PREFIX) || name.contains(['/', '\\']) {
        return None;
    }
    let path = index_dir.join(&name);
    let text = fs::read_to_string(path.join(MANIFEST_FILE)).ok()?;
    let manifest: Manifest = serde_json::from_str(&text).ok()?;
    Some((name, path, manifest))
}

/// Reads a generation's manifest; `None` when missing, unreadable or of another format.
pub fn read_manifest(generation: &Path) -> Option<Manifest> {
    let text = fs::read_to_string(generation.join(MANIFEST_FILE)).ok()?;
    let manifest: Manifest = serde_json::from_str(&text).ok()?;
    (manifest.format == STORE_FORMAT).then_some(manifest)
}

/// The corpus the live generation of `index_dir` was built from, when it remembers one.
pub fn remembered_corpus(index_dir: &Path) -> Option<PathBuf> {
    live_generation_any_format(index_dir).and_then(|(_, _, manifest)| manifest.corpus)
}

/// `corpus` as an absolute path with links resolved, as a manifest records it (the path as
/// given when it cannot be resolved).
pub fn canonical_corpus(corpus: &Path) -> PathBuf {
    fs::canonicalize(corpus)
        .unwrap_or_else(|_| std::path::absolute(corpus).unwrap_or_else(|_| corpus.to_path_buf()))
}

pub(super) fn write_current(index_dir: &Path, generation: &str) -> Result<()> {
    let tmp = index_dir.join(format!("{CURRENT_FILE}.tmp"));
    let target = index_dir.join(CURRENT_FILE);
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(generation.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, &target)
    };
    write()
        .map_err(|err| Error::io(format!("switching {} to {generation}", target.display()), err))?;
    sync_dir(index_dir);
    Ok(())
}

/// Removes half-built directories left by a crashed build (call only under the lock).
pub(super) fn remove_leftovers(index_dir: &Path) {
    let Ok(entries) = fs::read_dir(index_dir) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(BUILDING_PREFIX) {
            tracing::info!(path = %entry.path().display(), "removing a half-built generation");
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    let _ = fs::remove_file(index_dir.join(format!("{CURRENT_FILE}.tmp")));
}

/// Keeps the live generation and the one before it (a running process may still use it).
pub(super) fn prune_generations(index_dir: &Path, live: &str) {
    let Ok(entries) = fs::read_dir(index_dir) else { return };
    let mut older: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(GENERATION_PREFIX) && name != live)
        .collect();
    older.sort_by_key(|name| generation_stamp(name));
    older.pop();
    for name in older {
        let _ = fs::remove_dir_all(index_dir.join(name));
    }
}

fn generation_stamp(name: &str) -> u128 {
    name.trim_start_matches(GENERATION_PREFIX).parse().unwrap_or(0)
}

pub(super) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    fs::write(path, text).map_err(|err| Error::io(format!("writing {}", path.display()), err))
}

pub(super) fn sync_dir(dir: &Path) {
    if let Ok(file) = fs::File::open(dir) {
        let _ = file.sync_all();
    }
}

pub(super) struct RemoveOnDrop(pub(super) PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
