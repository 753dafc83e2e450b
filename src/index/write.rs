//! Writing one generation's data: the corpus is read one file at a time, its documents are
//! segmented one at a time and each passage is analysed once, fed to tantivy as its terms
//! joined by spaces, and appended to the passage store on disk, so the memory of a build is
//! bounded by its memory budget (tantivy's writer gets a share of it), the vocabulary and one
//! file's documents, not by the size of the corpus.
//!
//! The passage store is made by a [`StoreBuilder`], which analyses each passage and spills its
//! records to two files while indexing; [`build_in_ram`] feeds the same builder and a RAM
//! index for tests, so an engine over it ranks exactly as one over a built generation.

use std::collections::HashSet;
use std::path::Path;

use tantivy::{Index, IndexWriter};

use super::build::Progress;
use super::schema::build_schema;
use super::store::{STORE_FILE, Store, StoreBuilder};
use crate::corpus::{self, Passage, SegmentOptions};
use crate::error::Result;

/// The default memory budget of a build: peak memory stays below it whatever the corpus size.
pub const DEFAULT_MEMORY_BUDGET: usize = 1024 * 1024 * 1024;
/// The smallest budget a build accepts; smaller ones are raised to it.
pub const MIN_MEMORY_BUDGET: usize = 64 * 1024 * 1024;
/// tantivy's minimum writer memory per indexing thread.
const TANTIVY_THREAD_MIN: usize = 15_000_000;
/// Corpora with more text than this are indexed by two threads (when the budget allows).
const TWO_THREADS_BYTES: u64 = 24 * 1024 * 1024;

/// tantivy's writer share of a build's memory budget, and its thread count.
///
/// The rest of the budget is for what grows beside it: tantivy's queue of documents waiting
/// for an indexing thread (up to 10,000 pre-tokenized passages, ~20 KB each), the segment
/// being serialised when the writer's memory is full (about as much again as the writer's),
/// the vocabulary, the set of document ids (up to its share, the rest in a file), and one
/// corpus file's documents. The store's record offsets go to spill files, not memory.
pub(super) fn writer_memory(budget: usize, corpus_bytes: u64) -> (usize, usize) {
    let budget = budget.max(MIN_MEMORY_BUDGET);
    let share = budget / 4;
    let threads =
        if corpus_bytes > TWO_THREADS_BYTES && share >= 4 * TANTIVY_THREAD_MIN { 2 } else { 1 };
    (threads, share.max(threads * TANTIVY_THREAD_MIN))
}

/// A build's memory budget, shared out: a quarter for tantivy's writer (see
/// [`writer_memory`]), a quarter for the vocabulary, a thirty-second for the document-id set (the
/// rest of it goes to a file), and the rest, under half, for reading one file (the file's
/// text, its lines and blocks, the passages they become).
struct Shares {
    /// The most the vocabulary may hold before the build stops with advice.
    vocabulary: usize,
    /// The most one file's reading may take before the file is skipped with advice.
    reading: usize,
    /// The most the set of document ids may hold in memory.
    ids: usize,
}

impl Shares {
    /// The shares of `budget` (raised to [`MIN_MEMORY_BUDGET`]).
    fn of(budget: usize) -> Self {
        let budget = budget.max(MIN_MEMORY_BUDGET);
        Shares { vocabulary: budget / 4, reading: budget / 2 - budget / 32, ids: budget / 32 }
    }
}

/// The corpus a generation is written from.
pub(super) struct Source<'a> {
    /// The corpus folder or file.
    pub corpus: &'a Path,
    /// How it is read.
    pub load: &'a corpus::LoadOptions,
    /// Files found in it, for progress.
    pub files: usize,
    /// Bytes in those files, for progress and the thread count.
    pub bytes: u64,
}

/// What [`write_generation`] wrote.
pub(super) struct Written {
    /// Documents indexed.
    pub documents: usize,
    /// Passages indexed.
    pub passages: usize,
    /// Files left out, each with its reason.
    pub skipped: Vec<corpus::SkippedFile>,
}

/// Reads the corpus one file at a time, segments, analyses and indexes its documents into
/// `dir`, writing the tantivy index and the passage store. Nothing of a document is kept once
/// its passages are indexed and appended to the store's spill files, so the build's memory is
/// bounded by `memory_budget` (see [`writer_memory`]), not by the corpus.
pub(super) fn write_generation(
    dir: &Path,
    source: &Source<'_>,
    memory_budget: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<Written> {
    let bytes = source.bytes;
    progress(Progress::Read { documents: source.files, bytes: bytes as usize });
    let (schema, fields) = build_schema();
    let index = Index::create_in_dir(dir, schema)?;
    let shares = Shares::of(memory_budget);
    let (threads, writer_budget) = writer_memory(memory_budget, bytes);
    let mut writer: IndexWriter = index.writer_with_num_threads(threads, writer_budget)?;
    let mut store = StoreBuilder::spilling_to(dir, shares.vocabulary, memory_budget)?;
    let segment_options = SegmentOptions::default();
    let mut done_bytes = 0usize;
    let mut documents = 0usize;
    let load = corpus::LoadOptions {
        read_memory: shares.reading,
        id_memory: shares.ids,
        scratch: Some(dir.to_path_buf()),
        ..source.load.clone()
    };
    let skipped = corpus::for_each_document(source.corpus, &load, &mut |document| {
        documents += 1;
        let passages = corpus::segment(&document, &segment_options);
        drop(document);
        for passage in passages {
            let number = store.len();
            writer.add_document(store.add(&passage, &fields)?)?;
            done_bytes += passage.text.len();
            if number % 1024 == 1023 {
                progress(Progress::Indexed { passages: number + 1, bytes: done_bytes });
            }
        }
        Ok(())
    })?;
    if documents == 0 {
        return Ok(Written { documents, passages: 0, skipped });
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let passages = store.len();
    progress(Progress::Indexed { passages, bytes: done_bytes });
    store.finish_to_file(&dir.join(STORE_FILE), documents as u32)?;
    Ok(Written { documents, passages, skipped })
}

/// Indexes `passages` (numbered in their order) into a tantivy index in RAM and a store in
/// memory, with the analysis, the writer's thread count and the layout of a build of the same
/// passages from disk. Returns the index, the store, and the number of distinct documents.
///
/// # Errors
/// tantivy's errors (none are expected in RAM).
pub(crate) fn build_in_ram(passages: &[Passage]) -> Result<(Index, Store, usize)> {
    let (schema, fields) = build_schema();
    let index = Index::create_in_ram(schema);
    let bytes: u64 = passages.iter().map(|p| p.text.len() as u64).sum();
    let (threads, writer_budget) = writer_memory(DEFAULT_MEMORY_BUDGET, bytes);
    let mut writer: IndexWriter = index.writer_with_num_threads(threads, writer_budget)?;
    let mut store = StoreBuilder::in_memory();
    for passage in passages {
        writer.add_document(store.add(passage, &fields)?)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let documents = passages.iter().map(|p| p.doc_id.as_str()).collect::<HashSet<_>>().len();
    Ok((index, store.finish_in_memory(documents as u32)?, documents))
}
