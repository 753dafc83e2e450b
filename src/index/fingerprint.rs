//! The corpus fingerprint that decides whether a generation is fresh.
//!
//! It walks the corpus with the load's own confined walk (`corpus::list_files`: no links out
//! of the corpus unless allowed, no devices), so it hashes exactly the files a build reads.
//! Each file's content hash is remembered in the manifest with its size and modification
//! time; a later check re-hashes only the files whose size or time changed, so an unchanged
//! corpus costs a walk and a `stat` per file, not a read of every byte.
//!
//! What a process must never index (its configuration file, its bot token) is not part of
//! the hash: a generation records what it withheld and which secrets it checked, and serves
//! any process whose own withheld files and secrets are among those. So `ask` (no token) and
//! `serve` (with one) alternating on one index do not rebuild it each time: after the first
//! build that `serve` accepts, both use it.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::generation::{Manifest, canonical_corpus};
use super::store::STORE_FORMAT;
use crate::corpus::{self, LoadOptions};
use crate::error::Result;

/// One corpus file as a build hashed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorpusFileSum {
    /// The path relative to the corpus root, with `/`.
    pub rel: String,
    /// Size in bytes when hashed.
    pub bytes: u64,
    /// Modification time in nanoseconds since the Unix epoch when hashed (0 when unknown:
    /// then the file is always re-hashed).
    pub modified_ns: u128,
    /// BLAKE3 hash of the content, hex (or the error that kept it from being read).
    pub blake3: String,
}

/// The corpus as a build or a freshness check sees it.
#[derive(Debug, Clone)]
pub(super) struct CorpusState {
    /// The fingerprint: the store format, `follow_links` and every file's name and content.
    pub hash: String,
    /// Every file hashed, for the next check's cache.
    pub files: Vec<CorpusFileSum>,
    /// Files found but never indexed by this process (its configuration), relative paths.
    pub withheld: Vec<String>,
    /// Hashes of the secrets this process keeps out of the index.
    pub secrets: Vec<String>,
}

impl CorpusState {
    /// True when the generation of `manifest` is this corpus and holds nothing this process
    /// must not index.
    pub(super) fn matches(&self, manifest: &Manifest) -> bool {
        self.hash == manifest.corpus_hash
            && self.withheld.iter().all(|rel| manifest.withheld.contains(rel))
            && self.secrets.iter().all(|secret| manifest.secrets.contains(secret))
    }

    /// True when only the withheld files or the secrets keep the generation from serving.
    pub(super) fn only_withheld_differ(&self, manifest: &Manifest) -> bool {
        self.hash == manifest.corpus_hash && !self.matches(manifest)
    }
}

/// The corpus state, re-hashing only the files whose size or modification time differ from
/// what `previous` recorded.
pub(super) fn corpus_state(
    corpus: &Path,
    load: &LoadOptions,
    previous: Option<&Manifest>,
) -> Result<CorpusState> {
    let (files, skipped) = corpus::list_files(corpus, load)?;
    let root = if fs::metadata(corpus).is_ok_and(|m| m.is_dir()) {
        corpus.to_path_buf()
    } else {
        corpus.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let mut withheld = Vec::new();
    let mut all: Vec<(String, std::path::PathBuf)> =
        files.into_iter().map(|file| (file.rel, file.path)).collect();
    for skip in skipped.into_iter().filter(|s| s.reason == corpus::OWN_CONFIG) {
        let rel = skip.path.strip_prefix(&root).unwrap_or(&skip.path);
        let rel = rel.to_string_lossy().replace('\\', "/");
        withheld.push(rel.clone());
        all.push((rel, skip.path));
    }
    all.sort();
    withheld.sort();
    // Only a generation of this very corpus vouches for its files.
    let same_corpus =
        |m: &&Manifest| m.corpus.as_deref() == Some(canonical_corpus(corpus).as_path());
    let cache: HashMap<&str, &CorpusFileSum> = previous
        .filter(same_corpus)
        .map(|m| m.corpus_files.iter().map(|f| (f.rel.as_str(), f)).collect())
        .unwrap_or_default();
    let mut hasher = blake3::Hasher::new();
    hasher.update(&STORE_FORMAT.to_le_bytes());
    hasher.update(if load.follow_links { b"follow_links" } else { b"confined" });
    let mut sums = Vec::with_capacity(all.len());
    for (rel, path) in all {
        let meta = fs::metadata(&path).ok();
        let bytes = meta.as_ref().map_or(0, |m| m.len());
        let modified_ns = meta
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let cached = cache
            .get(rel.as_str())
            .filter(|sum| sum.bytes == bytes && sum.modified_ns == modified_ns && modified_ns != 0);
        let content = match cached {
            Some(sum) => sum.blake3.clone(),
            None => hash_content(&path),
        };
        hasher.update(rel.as_bytes());
        hasher.update(&[0]);
        hasher.update(content.as_bytes());
        hasher.update(&[0]);
        sums.push(CorpusFileSum { rel, bytes, modified_ns, blake3: content });
    }
    Ok(CorpusState {
        hash: hasher.finalize().to_hex()[..32].to_string(),
        files: sums,
        withheld,
        secrets: secret_hashes(load),
    })
}

/// The content hash of a file, streamed (a huge file costs time, not memory); an unreadable
/// file is part of the state too, by its error (the build skips it).
fn hash_content(path: &Path) -> String {
    let mut hasher = blake3::Hasher::new();
    match fs::File::open(path).and_then(|mut file| std::io::copy(&mut file, &mut hasher)) {
        Ok(_) => hasher.finalize().to_hex().to_string(),
        Err(err) => format!("unreadable: {err}"),
    }
}

/// One hash per secret (never the secret itself: manifests are readable by other users).
fn secret_hashes(load: &LoadOptions) -> Vec<String> {
    let mut hashes: Vec<String> = load
        .secrets
        .iter()
        .filter(|secret| !secret.is_empty())
        .map(|secret| {
            let mut hasher = blake3::Hasher::new();
            hasher.update(b"passagebot secret\0");
            hasher.update(secret.as_bytes());
            hasher.finalize().to_hex()[..32].to_string()
        })
        .collect();
    hashes.sort();
    hashes.dedup();
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(state: &CorpusState, corpus: &Path) -> Manifest {
        Manifest {
            format: STORE_FORMAT,
            corpus_hash: state.hash.clone(),
            documents: 0,
            passages: 0,
            built_at_unix: 0,
            skipped: Vec::new(),
            corpus: Some(canonical_corpus(corpus)),
            files: Vec::new(),
            corpus_files: state.files.clone(),
            withheld: state.withheld.clone(),
            secrets: state.secrets.clone(),
        }
    }

    #[test]
    fn an_unchanged_file_is_not_read_again_and_a_changed_one_is() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.txt"), "Alpha text.").unwrap();
        let first = corpus_state(dir.path(), &LoadOptions::default(), None).unwrap();
        // A cache entry with a made-up hash but the file's size and time is believed: proof
        // the file was not read again.
        let mut cached = manifest(&first, dir.path());
        cached.corpus_files[0].blake3 = "cached".into();
        let again = corpus_state(dir.path(), &LoadOptions::default(), Some(&cached)).unwrap();
        assert_eq!(again.files[0].blake3, "cached");
        // Another size: hashed again.
        fs::write(dir.path().join("a.txt"), "Alpha text, longer.").unwrap();
        let changed = corpus_state(dir.path(), &LoadOptions::default(), Some(&cached)).unwrap();
        assert_ne!(changed.files[0].blake3, "cached");
        assert_ne!(changed.hash, first.hash);
    }

    #[test]
    fn ask_and_serve_alternating_on_one_index_do_not_rebuild_it() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        fs::create_dir(&corpus).unwrap();
        fs::write(corpus.join("a.txt"), "Alpha text.").unwrap();
        let config = dir.path().join("passagebot.toml");
        fs::write(&config, "token = \"123:abc\"\n").unwrap();
        let ask = LoadOptions::default();
        let serve = LoadOptions {
            config_files: vec![config],
            secrets: vec!["123:abc".into()],
            ..LoadOptions::default()
        };
        let built_by_serve = manifest(&corpus_state(&corpus, &serve, None).unwrap(), &corpus);
        let ask_state = corpus_state(&corpus, &ask, Some(&built_by_serve)).unwrap();
        assert!(ask_state.matches(&built_by_serve), "ask rebuilds serve's index");
        let serve_state = corpus_state(&corpus, &serve, Some(&built_by_serve)).unwrap();
        assert!(serve_state.matches(&built_by_serve));
        // An index built without the token check does not serve the bot.
        let built_by_ask = manifest(&ask_state, &corpus);
        assert!(!serve_state.matches(&built_by_ask));
        assert!(serve_state.only_withheld_differ(&built_by_ask));
    }

    #[test]
    fn a_config_file_inside_the_corpus_is_withheld_and_an_index_holding_it_does_not_serve() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.txt"), "Alpha text.").unwrap();
        let config = dir.path().join("bot.txt");
        fs::write(&config, "token = \"123:abc\"\n").unwrap();
        let serve = LoadOptions { config_files: vec![config], ..LoadOptions::default() };
        let ask_state = corpus_state(dir.path(), &LoadOptions::default(), None).unwrap();
        let serve_state = corpus_state(dir.path(), &serve, None).unwrap();
        assert_eq!(serve_state.withheld, ["bot.txt"]);
        assert_eq!(ask_state.hash, serve_state.hash);
        assert!(!serve_state.matches(&manifest(&ask_state, dir.path())));
        assert!(ask_state.matches(&manifest(&serve_state, dir.path())));
    }

    #[cfg(unix)]
    #[test]
    fn the_fingerprint_does_not_follow_links_out_of_the_corpus() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        fs::create_dir(&corpus).unwrap();
        fs::write(corpus.join("a.txt"), "Alpha text.").unwrap();
        let outside = dir.path().join("outside.txt");
        fs::write(&outside, "Secret one.").unwrap();
        std::os::unix::fs::symlink(&outside, corpus.join("link.txt")).unwrap();
        let hash = || corpus_state(&corpus, &LoadOptions::default(), None).unwrap().hash;
        let before = hash();
        fs::write(&outside, "Secret two, changed.").unwrap();
        assert_eq!(hash(), before);
        let state = corpus_state(&corpus, &LoadOptions::default(), None).unwrap();
        assert_eq!(state.files.len(), 1);
    }
}
