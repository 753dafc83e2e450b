//! Writing one generation's data: the corpus is read one file at a time, its documents are
//! segmented one at a time and each passage is analysed once, fed to tantivy as pre-tokenized
//! fields, and appended to the passage store on disk, so the memory of a build is bounded by
//! its memory budget (tantivy's writer gets a share of it), the vocabulary and one file's
//! documents, not by the size of the corpus.
//!
//! The store's passage and forward records are spilled to two files while indexing and
//! joined with the vocabulary at the end into the layout `store` reads in place.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tantivy::schema::TantivyDocument;
use tantivy::{Index, IndexWriter};

use super::build::Progress;
use super::forward::ForwardSource;
use super::records::RecordCompressor;
use super::schema::{Fields, build_schema};
use super::store::{FLAG_SECTIONS, HEADER_BYTES, MAGIC, STORE_FILE, STORE_FORMAT};
use super::vocab::{Strings, Vocabulary, derivations};
use crate::analysis::{Analyzer, Word, for_each_surface};
use crate::corpus::{self, Passage, SegmentOptions, sentence_spans};
use crate::error::{Error, InternalError, Result, UserError};

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
/// the vocabulary, the set of document ids, and one corpus file's documents.
pub(super) fn writer_memory(budget: usize, corpus_bytes: u64) -> (usize, usize) {
    let budget = budget.max(MIN_MEMORY_BUDGET);
    let share = budget / 4;
    let threads =
        if corpus_bytes > TWO_THREADS_BYTES && share >= 4 * TANTIVY_THREAD_MIN { 2 } else { 1 };
    (threads, share.max(threads * TANTIVY_THREAD_MIN))
}

/// A build's memory budget, shared out: a quarter for tantivy's writer (see
/// [`writer_memory`]), a quarter for the vocabulary, and half for reading one file (the
/// file's text, its lines and blocks, the passages they become).
struct Shares {
    /// The most the vocabulary may hold before the build stops with advice.
    vocabulary: usize,
    /// The most one file's reading may take before the file is skipped with advice.
    reading: usize,
}

impl Shares {
    /// The shares of `budget` (raised to [`MIN_MEMORY_BUDGET`]).
    fn of(budget: usize) -> Self {
        let budget = budget.max(MIN_MEMORY_BUDGET);
        Shares { vocabulary: budget / 4, reading: budget / 2 }
    }
}

/// Bytes in a MiB.
const MIB: usize = 1024 * 1024;

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
    let analyzer = Analyzer::default();
    let mut vocab = Vocabulary::default();
    let mut spill = StoreSpill::create(dir)?;
    let segment_options = SegmentOptions::default();
    let mut done_bytes = 0usize;
    let mut documents = 0usize;
    let load = corpus::LoadOptions { read_memory: shares.reading, ..source.load.clone() };
    let skipped = corpus::for_each_document(source.corpus, &load, &mut |document| {
        documents += 1;
        let passages = corpus::segment(&document, &segment_options);
        drop(document);
        for passage in passages {
            let number = spill.count;
            let analysed = analyse(&analyzer, &mut vocab, &fields, number, &passage);
            let Some((doc, forward)) = analysed.filter(|_| vocab.bytes() <= shares.vocabulary)
            else {
                let budget_mib = memory_budget / MIB;
                return Err(UserError::VocabularyOverBudget {
                    words: vocab.word_count(),
                    budget_mib,
                }
                .into());
            };
            writer.add_document(doc)?;
            done_bytes += passage.text.len();
            spill.push(&passage, &forward)?;
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
    let passages = spill.count;
    progress(Progress::Indexed { passages, bytes: done_bytes });
    spill.finish(&dir.join(STORE_FILE), documents as u32, vocab)?;
    Ok(Written { documents, passages, skipped })
}

/// One passage analysed: its tantivy document and its forward entry; counts its words and
/// terms in the vocabulary.
fn analyse(
    analyzer: &Analyzer,
    vocab: &mut Vocabulary,
    fields: &Fields,
    number: usize,
    passage: &Passage,
) -> Option<(TantivyDocument, ForwardSource)> {
    let sentences = sentence_spans(&passage.text);
    // The terms and the folded words, joined by spaces for tantivy's whitespace tokenizer. A
    // word already in the vocabulary has its terms there: only new words are stemmed.
    let mut text_terms = String::with_capacity(passage.text.len());
    let mut exact_words = String::with_capacity(passage.text.len());
    let mut content = Vec::new();
    let mut word_ids = Vec::new();
    let mut sentence = 0usize;
    let mut full = false;
    for_each_surface(&passage.text, |span, surface| {
        while sentence + 1 < sentences.len() && span.start >= sentences[sentence].end {
            sentence += 1;
        }
        let known = vocab.known_word(surface);
        let Some(word_id) = known.or_else(|| vocab.word(surface, &analyzer.terms_of(surface)))
        else {
            full = true;
            return;
        };
        word_ids.push(word_id);
        let terms = vocab.word_terms(word_id);
        if !terms.is_empty() {
            content.push((word_id, sentence as u32));
        }
        exact_words.push_str(surface);
        exact_words.push(' ');
        for &term in terms {
            text_terms.push_str(vocab.term(term));
            text_terms.push(' ');
        }
    });
    if full {
        return None;
    }
    vocab.count_passage(&word_ids);
    let mut entry = ForwardSource {
        content,
        sentences: sentences.iter().map(|s| (s.start as u32, s.end as u32)).collect(),
        heading_terms: Vec::new(),
    };
    // The title and the section are analysed once each, for the heading words, the heading
    // terms of the forward entry and their fields.
    let title_words = analyzer.words(&passage.title);
    let section_words = passage.section.as_deref().map(|s| analyzer.words(s)).unwrap_or_default();
    let heading_words = || title_words.iter().chain(&section_words);
    for word in heading_words().filter(|word| !word.is_stop()) {
        vocab.heading_word(&word.surface)?;
    }
    entry.heading_terms = heading_words()
        .flat_map(|word| word.terms.iter().filter_map(|term| vocab.term_id(term)))
        .collect();
    entry.heading_terms.sort_unstable();
    entry.heading_terms.dedup();

    let joined_terms = |words: &[Word]| {
        words.iter().flat_map(|word| &word.terms).fold(String::new(), |mut joined, term| {
            joined.push_str(term);
            joined.push(' ');
            joined
        })
    };
    let mut doc = TantivyDocument::default();
    doc.add_u64(fields.number, number as u64);
    doc.add_text(fields.id, &passage.id);
    doc.add_text(fields.key, super::schema::passage_key(passage));
    doc.add_text(fields.text, text_terms);
    doc.add_text(fields.exact, exact_words);
    doc.add_text(fields.title, joined_terms(&title_words));
    if passage.section.is_some() {
        doc.add_text(fields.section, joined_terms(&section_words));
    }
    Some((doc, entry))
}

/// The passage store in the making: passage and forward records appended to two spill files
/// in the generation directory (their offsets kept in memory, 16 bytes a passage), joined
/// with the vocabulary into [`STORE_FILE`] by [`StoreSpill::finish`].
struct StoreSpill {
    passages: BufWriter<fs::File>,
    forward: BufWriter<fs::File>,
    passages_path: PathBuf,
    forward_path: PathBuf,
    /// Where each record starts, plus the end: one more entry than passages.
    passage_offsets: Vec<u64>,
    forward_offsets: Vec<u64>,
    /// Compresses the passage records on their way to the spill file.
    compressor: RecordCompressor,
    /// One forward record, reused.
    scratch: Vec<u8>,
    /// Passages pushed so far.
    count: usize,
    /// Some passage has a section heading.
    has_sections: bool,
}

impl StoreSpill {
    fn create(dir: &Path) -> Result<StoreSpill> {
        let open = |name: &str| -> Result<(BufWriter<fs::File>, PathBuf)> {
            let path = dir.join(name);
            let file = fs::File::create(&path)
                .map_err(|err| Error::io(format!("creating {}", path.display()), err))?;
            Ok((BufWriter::new(file), path))
        };
        let (passages, passages_path) = open("passages.spill")?;
        let (forward, forward_path) = open("forward.spill")?;
        Ok(StoreSpill {
            passages,
            forward,
            passages_path,
            forward_path,
            passage_offsets: vec![0],
            forward_offsets: vec![0],
            compressor: RecordCompressor::new(),
            scratch: Vec::new(),
            count: 0,
            has_sections: false,
        })
    }

    fn push(&mut self, passage: &Passage, forward: &ForwardSource) -> Result<()> {
        let record = postcard::to_stdvec(passage).map_err(|err| {
            Error::Internal(InternalError::StoreDamaged {
                path: self.passages_path.clone(),
                message: format!("cannot write: {err}"),
            })
        })?;
        let (passages, offsets) = (&mut self.passages, &mut self.passage_offsets);
        self.compressor
            .push(record, &mut |bytes| append(bytes, passages, offsets))
            .map_err(|err| Error::io(format!("writing {}", self.passages_path.display()), err))?;
        self.scratch.clear();
        forward.encode(&mut self.scratch);
        append(&self.scratch, &mut self.forward, &mut self.forward_offsets)
            .map_err(|err| Error::io(format!("writing {}", self.forward_path.display()), err))?;
        self.has_sections |= passage.section.is_some();
        self.count += 1;
        Ok(())
    }

    /// Writes the store file in the layout [`super::store`] reads, then removes the spill
    /// files.
    fn finish(self, path: &Path, documents: u32, vocab: Vocabulary) -> Result<()> {
        let StoreSpill {
            mut passages,
            forward,
            passages_path,
            forward_path,
            mut passage_offsets,
            forward_offsets,
            compressor,
            count,
            has_sections,
            ..
        } = self;
        let io = |what: &Path| {
            let what = what.display().to_string();
            move |err| Error::io(format!("writing {what}"), err)
        };
        let dictionary = compressor
            .finish(&mut |bytes| append(bytes, &mut passages, &mut passage_offsets))
            .map_err(io(&passages_path))?;
        passages.into_inner().map_err(|err| err.into_error()).map_err(io(&passages_path))?;
        forward.into_inner().map_err(|err| err.into_error()).map_err(io(&forward_path))?;
        let file = fs::File::create(path).map_err(io(path))?;
        let mut out = Out { writer: BufWriter::new(file), at: 0, sections: Vec::new() };
        let flags = if has_sections { FLAG_SECTIONS } else { 0 };
        let mut header = Vec::with_capacity(HEADER_BYTES);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&STORE_FORMAT.to_le_bytes());
        header.extend_from_slice(&documents.to_le_bytes());
        header.extend_from_slice(&(count as u64).to_le_bytes());
        header.extend_from_slice(&flags.to_le_bytes());
        out.write(&header).map_err(io(path))?;

        let vocab = vocab.finish();
        let (derived_offsets, derived) = derivations(&vocab.terms);
        let sorted = |strings: &Strings| {
            let mut ids: Vec<u32> = (0..strings.len() as u32).collect();
            ids.sort_unstable_by(|&a, &b| strings.get(a).cmp(strings.get(b)));
            ids
        };
        let string_offsets = |strings: &Strings| {
            std::iter::once(0u64)
                .chain(strings.iter().scan(0u64, |end, s| {
                    *end += s.len() as u64;
                    Some(*end)
                }))
                .collect::<Vec<u64>>()
        };
        // In `Section` order.
        out.section(|o| o.u64s(&passage_offsets)).map_err(io(path))?;
        out.section(|o| o.copy(&passages_path)).map_err(io(path))?;
        out.section(|o| o.u64s(&forward_offsets)).map_err(io(path))?;
        out.section(|o| o.copy(&forward_path)).map_err(io(path))?;
        out.section(|o| o.u64s(&string_offsets(&vocab.terms))).map_err(io(path))?;
        out.section(|o| vocab.terms.iter().try_for_each(|t| o.write(t.as_bytes())))
            .map_err(io(path))?;
        out.section(|o| o.u32s(&vocab.term_df)).map_err(io(path))?;
        out.section(|o| o.u32s(&sorted(&vocab.terms))).map_err(io(path))?;
        out.section(|o| o.u64s(&string_offsets(&vocab.words))).map_err(io(path))?;
        out.section(|o| vocab.words.iter().try_for_each(|w| o.write(w.as_bytes())))
            .map_err(io(path))?;
        out.section(|o| o.u32s(&vocab.word_df)).map_err(io(path))?;
        out.section(|o| o.u32s(&sorted(&vocab.words))).map_err(io(path))?;
        let word_term_start =
            if vocab.word_term_start.is_empty() { vec![0] } else { vocab.word_term_start.clone() };
        out.section(|o| o.u32s(&word_term_start)).map_err(io(path))?;
        out.section(|o| o.u32s(&vocab.word_term_ids)).map_err(io(path))?;
        out.section(|o| o.u32s(&derived_offsets)).map_err(io(path))?;
        out.section(|o| o.u32s(&derived)).map_err(io(path))?;
        out.section(|o| o.u64s(&string_offsets(&vocab.heading_words))).map_err(io(path))?;
        out.section(|o| vocab.heading_words.iter().try_for_each(|w| o.write(w.as_bytes())))
            .map_err(io(path))?;
        out.section(|o| o.write(&dictionary)).map_err(io(path))?;
        let table = out.at;
        let sections = std::mem::take(&mut out.sections);
        for (offset, len) in sections {
            out.write(&offset.to_le_bytes()).map_err(io(path))?;
            out.write(&len.to_le_bytes()).map_err(io(path))?;
        }
        out.write(&table.to_le_bytes()).map_err(io(path))?;
        out.write(MAGIC).map_err(io(path))?;
        let file = out.writer.into_inner().map_err(|err| err.into_error()).map_err(io(path))?;
        file.sync_all().map_err(io(path))?;
        let _ = fs::remove_file(&passages_path);
        let _ = fs::remove_file(&forward_path);
        Ok(())
    }
}

/// The store file being written, with its position and the sections written so far.
struct Out {
    writer: BufWriter<fs::File>,
    at: u64,
    sections: Vec<(u64, u64)>,
}

impl Out {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(bytes)?;
        self.at += bytes.len() as u64;
        Ok(())
    }

    fn u64s(&mut self, values: &[u64]) -> std::io::Result<()> {
        values.iter().try_for_each(|v| self.write(&v.to_le_bytes()))
    }

    fn u32s(&mut self, values: &[u32]) -> std::io::Result<()> {
        values.iter().try_for_each(|v| self.write(&v.to_le_bytes()))
    }

    fn copy(&mut self, spill: &Path) -> std::io::Result<()> {
        let mut file = fs::File::open(spill)?;
        self.at += std::io::copy(&mut file, &mut self.writer)?;
        Ok(())
    }

    /// Writes one section with `body` and records where it lies.
    fn section(
        &mut self,
        body: impl FnOnce(&mut Out) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let start = self.at;
        body(self)?;
        self.sections.push((start, self.at - start));
        Ok(())
    }
}

/// Appends one record to `out` and its end to `offsets`.
fn append(record: &[u8], out: &mut impl Write, offsets: &mut Vec<u64>) -> std::io::Result<()> {
    out.write_all(record)?;
    let end = offsets.last().copied().unwrap_or(0) + record.len() as u64;
    offsets.push(end);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::store::Store;

    #[test]
    fn the_store_written_is_read_back_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let passage = |n: u32| Passage {
            id: format!("a.txt#{n}"),
            doc_id: "a.txt".into(),
            title: "Über".into(),
            section: n.is_multiple_of(2).then(|| "Section".to_string()),
            source: "a.txt".into(),
            url: None,
            ordinal: n,
            text: "x".repeat(n as usize * 300),
        };
        let forward = |n: u32| ForwardSource {
            content: vec![(n % 4, 0), (2, 1), (0, 1)],
            sentences: vec![(0, n), (n, 2 * n)],
            heading_terms: vec![n],
        };
        let mut vocab = Vocabulary::default();
        vocab.word("über", &["uber".to_string(), "ub".to_string()]);
        vocab.word("the", &[]);
        vocab.word("korean", &["korean".to_string()]);
        vocab.word("korea", &["korea".to_string()]);
        vocab.count_passage(&[0, 1, 0, 2]);
        let mut spill = StoreSpill::create(dir.path()).unwrap();
        for n in 0..200 {
            spill.push(&passage(n), &forward(n)).unwrap();
        }
        spill.finish(&dir.path().join(STORE_FILE), 3, vocab).unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!((store.len(), store.has_sections()), (200, true));
        for n in [0, 1, 199] {
            assert_eq!(store.passage(n as usize), Some(passage(n)));
            let read = store.forward(n as usize);
            // Word 0 ("über") has terms 0 and 1, 2 ("korean") term 2, 3 ("korea") term 3.
            let terms: &[u32] = if n % 4 == 3 { &[0, 1, 2, 3] } else { &[0, 1, 2] };
            assert_eq!(read.terms, terms, "passage {n}");
            assert_eq!(read.sentences, forward(n).sentences);
            assert!(read.has_pair(2, 0) && read.has_pair(n % 4, 2));
        }
        assert_eq!(store.passage(200), None);
        assert_eq!((store.term_count(), store.word_count()), (4, 4));
        assert_eq!(store.term_id("ub"), Some(1));
        assert_eq!(store.term_id("korea"), Some(3));
        assert_eq!(store.term_id("nope"), None);
        assert_eq!(store.term(0), "uber");
        assert_eq!(store.word_id("the"), Some(1));
        assert_eq!(store.word_terms(0), [0, 1]);
        assert!(store.word_terms(1).is_empty());
        assert_eq!((store.word_df(0), store.word_df(3), store.term_df(2)), (1, 0, 1));
        assert_eq!(store.derived(3), [2]);
        assert_eq!(store.derived(2), [3]);
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "spill files left behind");
    }

    #[test]
    fn a_damaged_store_is_an_error_never_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = StoreSpill::create(dir.path()).unwrap();
        let passage = Passage {
            id: "a#0".into(),
            doc_id: "a".into(),
            title: "A".into(),
            section: None,
            source: "a".into(),
            url: None,
            ordinal: 0,
            text: "Some text.".into(),
        };
        spill.push(&passage, &ForwardSource::default()).unwrap();
        let path = dir.path().join(STORE_FILE);
        spill.finish(&path, 1, Vocabulary::default()).unwrap();
        let good = fs::read(&path).unwrap();
        for cut in [0, 8, good.len() / 2, good.len() - 1] {
            fs::write(&path, &good[..cut]).unwrap();
            assert!(Store::open(dir.path()).is_err(), "cut at {cut}");
        }
        let mut bad = good.clone();
        let table = bad.len() - 30;
        bad[table] ^= 0xff;
        fs::write(&path, &bad).unwrap();
        assert!(Store::open(dir.path()).is_err());
    }
}
