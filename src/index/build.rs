//! Building a generation: corpus → passages → tantivy index + passage store, in a fresh
//! directory that becomes live by one atomic rename of the `CURRENT` pointer.
//!
//! Crash safety comes from the order of operations: everything is written under
//! `.building-*`, synced, renamed to `gen-*`, and only then does `CURRENT` (written to a
//! temporary file and renamed over the old one) point at it. A crash before the last rename
//! leaves the previous generation live; leftovers are removed by the next build, which holds
//! `build.lock` so two builds never run at once.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tantivy::schema::TantivyDocument;
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{Index, IndexWriter};

use super::generation::{
    BUILDING_PREFIX, BuildLock, GENERATION_PREFIX, MANIFEST_FILE, Manifest, RemoveOnDrop,
    fingerprint, live_generation, prune_generations, remove_leftovers, sync_dir,
    up_to_date_generation, write_current, write_json,
};
use super::schema::{build_schema, register_tokenizers};
use super::store::{Forward, STORE_FILE, STORE_FORMAT, Store};
use crate::analysis::Analyzer;
use crate::corpus::{self, Passage, SegmentOptions, SkippedFile, sentence_spans};
use crate::error::{Error, Result, UserError};

/// Memory for tantivy's writer; its minimum per thread is 15 MB.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

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
    /// The corpus is read and segmented.
    Segmented {
        /// Documents read.
        documents: usize,
        /// Passages to index.
        passages: usize,
    },
    /// `done` of the passages are indexed.
    Indexed {
        /// Passages indexed so far.
        done: usize,
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

    /// Opens the staged generation for searching, e.g. to check it before publishing.
    pub fn open(&self) -> Result<crate::search::Engine> {
        crate::search::Engine::open_generation(&self.path)
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

/// Builds and publishes a generation unless the live one matches the corpus already.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    build_with_progress(opts, &mut |_| {})
}

/// [`build`], reporting progress to `progress`.
pub fn build_with_progress(
    opts: &BuildOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<BuildReport> {
    if !opts.force
        && let Some((generation, manifest)) = up_to_date_generation(opts)?
    {
        return Ok(BuildReport {
            documents: manifest.documents,
            passages: manifest.passages,
            skipped: manifest.skipped,
            elapsed: Duration::ZERO,
            generation,
            up_to_date: true,
        });
    }
    stage_with_progress(opts, progress)?.publish()
}

/// Why [`ensure_built`] had to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staleness {
    /// There was no usable index.
    Missing,
    /// The corpus changed since the live generation was built.
    CorpusChanged,
}

/// Builds (and publishes) when the live generation is missing or older than the corpus; an
/// index whose corpus is gone is used as it is. Returns why it built and the report, or
/// `None` when the live generation was fine.
pub fn ensure_built(
    opts: &BuildOptions,
    progress: &mut dyn FnMut(Progress),
    before_build: &mut dyn FnMut(Staleness),
) -> Result<Option<(Staleness, BuildReport)>> {
    clean_up_after_crashes(&opts.index_dir);
    let live = live_generation(&opts.index_dir).is_some();
    let staleness = match (live, opts.corpus.exists()) {
        (false, _) => Staleness::Missing,
        (true, false) => return Ok(None),
        (true, true) if up_to_date_generation(opts)?.is_some() => return Ok(None),
        (true, true) => Staleness::CorpusChanged,
    };
    before_build(staleness);
    let report = build_with_progress(&BuildOptions { force: true, ..opts.clone() }, progress)?;
    Ok(Some((staleness, report)))
}

/// Removes what a crashed build left (half-built directories, a stale lock), unless a build
/// is running right now; called on every start, so leftovers never outlive a restart.
pub fn clean_up_after_crashes(index_dir: &Path) {
    if !index_dir.is_dir() {
        return;
    }
    if let Ok(lock) = BuildLock::acquire(index_dir) {
        remove_leftovers(index_dir);
        drop(lock);
    }
}

/// Builds a generation into a fresh directory without making it live.
pub fn stage(opts: &BuildOptions) -> Result<StagedGeneration> {
    stage_with_progress(opts, &mut |_| {})
}

/// [`stage`], reporting progress to `progress`.
pub fn stage_with_progress(
    opts: &BuildOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<StagedGeneration> {
    let started = Instant::now();
    if !opts.corpus.exists() {
        return Err(UserError::CorpusMissing(opts.corpus.clone()).into());
    }
    fs::create_dir_all(&opts.index_dir)
        .map_err(|err| Error::io(format!("creating {}", opts.index_dir.display()), err))?;
    let lock = BuildLock::acquire(&opts.index_dir)?;
    remove_leftovers(&opts.index_dir);

    let corpus_hash = fingerprint(&opts.corpus, &opts.load)?;
    let (documents, skipped) = corpus::load_with(&opts.corpus, &opts.load)?;
    if documents.is_empty() {
        return Err(
            UserError::CorpusEmpty { path: opts.corpus.clone(), skipped: skipped.len() }.into()
        );
    }
    let segment_options = SegmentOptions::default();
    let passages: Vec<Passage> =
        documents.iter().flat_map(|doc| corpus::segment(doc, &segment_options)).collect();
    progress(Progress::Segmented { documents: documents.len(), passages: passages.len() });

    let stamp = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let generation = format!("{GENERATION_PREFIX}{}", stamp.as_millis());
    let building = opts.index_dir.join(format!("{BUILDING_PREFIX}{}", stamp.as_millis()));
    let staged_path = opts.index_dir.join(&generation);
    fs::create_dir_all(&building)
        .map_err(|err| Error::io(format!("creating {}", building.display()), err))?;
    // From here on, a failure must not leave the half-built directory behind.
    let cleanup = RemoveOnDrop(building.clone());

    let store = write_generation(&building, passages, documents.len(), progress)?;
    let manifest = Manifest {
        format: STORE_FORMAT,
        corpus_hash,
        documents: documents.len(),
        passages: store.passages.len(),
        built_at_unix: stamp.as_secs(),
        skipped: skipped.clone(),
    };
    write_json(&building.join(MANIFEST_FILE), &manifest)?;
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

/// Analyses the passages once, feeds tantivy pre-tokenized fields, and writes the store.
fn write_generation(
    dir: &Path,
    passages: Vec<Passage>,
    documents: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<Store> {
    let (schema, fields) = build_schema();
    let index = Index::create_in_dir(dir, schema)?;
    register_tokenizers(&index);
    let threads = if passages.len() > 50_000 { 2 } else { 1 };
    let mut writer: IndexWriter =
        index.writer_with_num_threads(threads, WRITER_MEMORY * threads)?;
    let analyzer = Analyzer::default();
    let mut vocab = Vocabulary::default();
    let mut forward = Vec::with_capacity(passages.len());
    let title_tokens = |text: &str| pre_tokenized(&analyzer, text);

    for (number, passage) in passages.iter().enumerate() {
        let words = analyzer.words(&passage.text);
        let sentences = sentence_spans(&passage.text);
        let mut text_tokens = Vec::new();
        let mut exact_tokens = Vec::new();
        let mut term_sentences: Vec<(u32, u64)> = Vec::new();
        let mut pairs: Vec<u64> = Vec::new();
        let mut word_ids = Vec::with_capacity(words.len());
        let mut previous_content: Option<u32> = None;
        let mut sentence = 0usize;
        for (position, word) in words.iter().enumerate() {
            while sentence + 1 < sentences.len() && word.span.start >= sentences[sentence].end {
                sentence += 1;
            }
            let word_id = vocab.word(&word.surface, &word.terms);
            word_ids.push(word_id);
            let sentence_bit = 1u64 << sentence.min(63);
            for &term in &vocab.word_terms[word_id as usize] {
                term_sentences.push((term, sentence_bit));
            }
            if !word.is_stop() {
                if let Some(previous) = previous_content {
                    pairs.push(u64::from(previous) << 32 | u64::from(word_id));
                }
                previous_content = Some(word_id);
            }
            let token = |text: &str| Token {
                offset_from: word.span.start,
                offset_to: word.span.end,
                position,
                text: text.to_string(),
                position_length: 1,
            };
            exact_tokens.push(token(&word.surface));
            text_tokens.extend(word.terms.iter().map(|term| token(term)));
        }
        vocab.count_passage(&word_ids);
        let mut entry = forward_entry(term_sentences, pairs, &sentences);
        let heading = format!("{} {}", passage.title, passage.section.as_deref().unwrap_or(""));
        entry.heading_terms = analyzer
            .words(&heading)
            .iter()
            .flat_map(|word| word.terms.iter().filter_map(|term| vocab.term_ids.get(term).copied()))
            .collect();
        entry.heading_terms.sort_unstable();
        entry.heading_terms.dedup();
        forward.push(entry);

        let mut doc = TantivyDocument::default();
        doc.add_u64(fields.number, number as u64);
        doc.add_text(fields.id, &passage.id);
        doc.add_pre_tokenized_text(
            fields.text,
            PreTokenizedString { text: String::new(), tokens: text_tokens },
        );
        doc.add_pre_tokenized_text(
            fields.exact,
            PreTokenizedString { text: String::new(), tokens: exact_tokens },
        );
        doc.add_pre_tokenized_text(fields.title, title_tokens(&passage.title));
        if let Some(section) = &passage.section {
            doc.add_pre_tokenized_text(fields.section, title_tokens(section));
        }
        writer.add_document(doc)?;
        if number % 1024 == 1023 {
            progress(Progress::Indexed { done: number + 1 });
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    progress(Progress::Indexed { done: passages.len() });

    let store = vocab.into_store(passages, forward, documents);
    store.save(&dir.join(STORE_FILE))?;
    Ok(store)
}

/// Sorts and merges a passage's (term, sentence bit) list and pairs into its [`Forward`].
fn forward_entry(
    mut term_sentences: Vec<(u32, u64)>,
    mut pairs: Vec<u64>,
    sentences: &[std::ops::Range<usize>],
) -> Forward {
    term_sentences.sort_unstable_by_key(|&(term, _)| term);
    let mut entry = Forward {
        sentences: sentences.iter().map(|s| (s.start as u32, s.end as u32)).collect(),
        ..Forward::default()
    };
    for (term, bit) in term_sentences {
        if entry.terms.last() == Some(&term) {
            if let Some(bits) = entry.term_sentences.last_mut() {
                *bits |= bit;
            }
        } else {
            entry.terms.push(term);
            entry.term_sentences.push(bit);
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    entry.pairs = pairs;
    entry
}

fn pre_tokenized(analyzer: &Analyzer, text: &str) -> PreTokenizedString {
    PreTokenizedString { text: String::new(), tokens: analyzer.index_tokens(text) }
}

/// Word and term vocabularies with passage frequencies, filled while indexing.
#[derive(Default)]
struct Vocabulary {
    word_ids: HashMap<String, u32>,
    words: Vec<String>,
    word_terms: Vec<Vec<u32>>,
    word_df: Vec<u32>,
    term_ids: HashMap<String, u32>,
    terms: Vec<String>,
    term_df: Vec<u32>,
    /// Last passage that counted each word / term, to count a passage once.
    word_seen: Vec<u32>,
    term_seen: Vec<u32>,
    passages_counted: u32,
}

impl Vocabulary {
    fn word(&mut self, surface: &str, terms: &[String]) -> u32 {
        if let Some(&id) = self.word_ids.get(surface) {
            return id;
        }
        let term_ids = terms.iter().map(|term| self.term(term)).collect();
        let id = self.words.len() as u32;
        self.word_ids.insert(surface.to_string(), id);
        self.words.push(surface.to_string());
        self.word_terms.push(term_ids);
        self.word_df.push(0);
        self.word_seen.push(u32::MAX);
        id
    }

    fn term(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.term_ids.get(term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.term_ids.insert(term.to_string(), id);
        self.terms.push(term.to_string());
        self.term_df.push(0);
        self.term_seen.push(u32::MAX);
        id
    }

    fn count_passage(&mut self, words: &[u32]) {
        let passage = self.passages_counted;
        for &word in words {
            let w = word as usize;
            if self.word_seen[w] == passage {
                continue;
            }
            self.word_seen[w] = passage;
            self.word_df[w] += 1;
            for &term in &self.word_terms[w] {
                let t = term as usize;
                if self.term_seen[t] != passage {
                    self.term_seen[t] = passage;
                    self.term_df[t] += 1;
                }
            }
        }
        self.passages_counted += 1;
    }

    fn into_store(self, passages: Vec<Passage>, forward: Vec<Forward>, documents: usize) -> Store {
        Store {
            format: STORE_FORMAT,
            documents: documents as u32,
            passages,
            terms: self.terms,
            term_df: self.term_df,
            words: self.words,
            word_df: self.word_df,
            word_terms: self.word_terms,
            forward,
        }
    }
}
