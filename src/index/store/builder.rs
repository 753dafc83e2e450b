//! [`StoreBuilder`]: the passage store in the making, on disk for a build or in memory for
//! tests, one analysed passage at a time.
//!
//! Each passage is analysed once: its words and terms are counted in the vocabulary the
//! store owns, its forward entry (distinct terms with their sentences, content words, word
//! pairs, heading terms) and its record are appended, and the tantivy document it becomes
//! is handed back to the caller, who owns the tantivy writer. On disk the records are
//! spilled to files in the generation directory (their offsets too, so nothing held grows
//! with the number of passages) and joined with the vocabulary at the end into
//! [`super::STORE_FILE`]; in memory the same bytes are written into a buffer and read back
//! as a [`Store`], so a test engine reads exactly what a built one reads.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tantivy::directory::OwnedBytes;
use tantivy::schema::TantivyDocument;

use super::{FLAG_SECTIONS, HEADER_BYTES, MAGIC, STORE_FORMAT, Store};
use crate::analysis::definitions::defined_keys;
use crate::analysis::{Analyzer, Word, for_each_surface};
use crate::corpus::{Passage, sentence_spans};
use crate::error::{Error, InternalError, Result, UserError};
use crate::index::forward::ForwardSource;
use crate::index::records::RecordCompressor;
use crate::index::schema::{Fields, passage_key};
use crate::index::vocab::{Strings, Vocabulary, derivations};

/// Bytes in a MiB.
const MIB: usize = 1024 * 1024;

/// The passage store in the making: the vocabulary, the passage and forward records, and the
/// analyzer that turns passages into both.
pub(crate) struct StoreBuilder {
    analyzer: Analyzer,
    vocab: Vocabulary,
    spill: Spill,
    /// The most the vocabulary may hold, in bytes, before the build stops with advice.
    vocabulary_limit: usize,
    /// The build's memory budget, named in that advice.
    memory_budget: usize,
}

impl StoreBuilder {
    /// A builder spilling its records to files in the generation directory `dir`, whose
    /// vocabulary may grow to `vocabulary_limit` bytes (a share of `memory_budget`).
    pub(crate) fn spilling_to(
        dir: &Path,
        vocabulary_limit: usize,
        memory_budget: usize,
    ) -> Result<StoreBuilder> {
        let open = |name: &str| -> Result<Sink> {
            let path = dir.join(name);
            let file = fs::File::create(&path)
                .map_err(|err| Error::io(format!("creating {}", path.display()), err))?;
            Ok(Sink::File { writer: BufWriter::new(file), path })
        };
        let spill = Spill::new(
            [open("passages.spill")?, open("passages.offsets.spill")?],
            [open("forward.spill")?, open("forward.offsets.spill")?],
        );
        Ok(StoreBuilder::with(spill, vocabulary_limit, memory_budget))
    }

    /// A builder holding everything in memory, without a vocabulary limit.
    pub(crate) fn in_memory() -> StoreBuilder {
        let memory = || Sink::Memory(Vec::new());
        let spill = Spill::new([memory(), memory()], [memory(), memory()]);
        StoreBuilder::with(spill, usize::MAX, usize::MAX)
    }

    fn with(spill: Spill, vocabulary_limit: usize, memory_budget: usize) -> StoreBuilder {
        StoreBuilder {
            analyzer: Analyzer::default(),
            vocab: Vocabulary::default(),
            spill,
            vocabulary_limit,
            memory_budget,
        }
    }

    /// Passages added so far: the number the next one gets.
    pub(crate) fn len(&self) -> usize {
        self.spill.count
    }

    /// Analyses `passage` once, appends it and its forward entry to the store, and returns
    /// the tantivy document it becomes (with the next passage number).
    ///
    /// # Errors
    /// [`UserError::VocabularyOverBudget`] when the vocabulary outgrows its limit; I/O
    /// errors of the spill files.
    pub(crate) fn add(&mut self, passage: &Passage, fields: &Fields) -> Result<TantivyDocument> {
        let number = self.spill.count;
        let analysed = analyse(&self.analyzer, &mut self.vocab, fields, number, passage);
        let Some((doc, forward)) = analysed.filter(|_| self.vocab.bytes() <= self.vocabulary_limit)
        else {
            return Err(UserError::VocabularyOverBudget {
                words: self.vocab.word_count(),
                budget_mib: self.memory_budget / MIB,
            }
            .into());
        };
        self.spill.push(passage, &forward)?;
        Ok(doc)
    }

    /// Writes the store file at `path` (synced), then removes the spill files.
    ///
    /// # Errors
    /// I/O errors, with the file they concern.
    pub(crate) fn finish_to_file(self, path: &Path, documents: u32) -> Result<()> {
        let file = fs::File::create(path).map_err(io(path))?;
        let mut out = Out { writer: BufWriter::new(file), at: 0, sections: Vec::new() };
        let names = self.spill.names();
        self.spill.write_store(&mut out, documents, self.vocab).map_err(io(path))?;
        let file = out.writer.into_inner().map_err(|err| err.into_error()).map_err(io(path))?;
        file.sync_all().map_err(io(path))?;
        for spill in names.into_iter().flatten() {
            let _ = fs::remove_file(spill);
        }
        Ok(())
    }

    /// The store, laid out as on disk but in memory.
    ///
    /// # Errors
    /// [`InternalError::StoreDamaged`] if the bytes written do not read back (a bug).
    pub(crate) fn finish_in_memory(self, documents: u32) -> Result<Store> {
        let mut out = Out { writer: Vec::new(), at: 0, sections: Vec::new() };
        let path = PathBuf::from("(in memory)");
        self.spill.write_store(&mut out, documents, self.vocab).map_err(io(&path))?;
        Store::from_bytes(OwnedBytes::new(out.writer))
            .map_err(|message| Error::Internal(InternalError::StoreDamaged { path, message }))
    }
}

/// Maps an I/O error to an error naming the file being written.
fn io(what: &Path) -> impl Fn(std::io::Error) -> Error + use<> {
    let what = what.display().to_string();
    move |err| Error::io(format!("writing {what}"), err)
}

/// One passage analysed: its tantivy document and its forward entry; counts its words and
/// terms in the vocabulary. `None` when the vocabulary is full.
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
    // Heading words join the vocabulary even when no passage's text holds them (with no
    // passage counted for them), so that a question's title-only word ("espresso" of a page
    // titled "Espresso machine") is searched, in the title and section fields.
    let mut heading_terms = Vec::new();
    for word in heading_words().filter(|word| !word.is_stop()) {
        vocab.heading_word(&word.surface)?;
        let word_id = match vocab.known_word(&word.surface) {
            Some(id) => id,
            None => vocab.word(&word.surface, &word.terms)?,
        };
        heading_terms.extend_from_slice(vocab.word_terms(word_id));
    }
    entry.heading_terms = heading_terms;
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
    doc.add_text(fields.key, passage_key(passage));
    doc.add_text(fields.text, text_terms);
    doc.add_text(fields.title, joined_terms(&title_words));
    if passage.section.is_some() {
        doc.add_text(fields.section, joined_terms(&section_words));
    }
    let defined = defined_keys(&passage.text, passage.heading(), analyzer);
    if !defined.is_empty() {
        doc.add_text(fields.defines, defined.join(" "));
    }
    Some((doc, entry))
}

/// Where records go before the store is laid out: a spill file, or memory.
enum Sink {
    /// A spill file in the generation directory.
    File {
        /// Buffered writes to it.
        writer: BufWriter<fs::File>,
        /// Its path, for errors and for reading it back.
        path: PathBuf,
    },
    /// A buffer.
    Memory(Vec<u8>),
}

impl Sink {
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::File { writer, .. } => writer.write_all(bytes),
            Sink::Memory(buffer) => {
                buffer.extend_from_slice(bytes);
                Ok(())
            }
        }
    }

    fn path(&self) -> Option<&Path> {
        match self {
            Sink::File { path, .. } => Some(path),
            Sink::Memory(_) => None,
        }
    }

    /// Finishes writing and copies everything written into `out`.
    fn copy_into<W: Write>(self, out: &mut Out<W>) -> std::io::Result<()> {
        match self {
            Sink::File { writer, path } => {
                writer.into_inner().map_err(|err| err.into_error())?;
                let mut file = fs::File::open(path)?;
                out.at += std::io::copy(&mut file, &mut out.writer)?;
                Ok(())
            }
            Sink::Memory(buffer) => out.write(&buffer),
        }
    }
}

/// Where each record of a sink starts, plus the end (one more entry than records), as the
/// store's little-endian `u64`s: each record's end is written to a sink of its own as the
/// record is appended, and the first start, 0, is put before them when they are copied.
struct Offsets {
    /// The records' ends.
    ends: Sink,
    /// The end of the last record.
    end: u64,
}

impl Offsets {
    /// Offsets whose ends go to `ends`.
    fn new(ends: Sink) -> Offsets {
        Offsets { ends, end: 0 }
    }

    /// Notes a record of `len` bytes appended.
    fn push(&mut self, len: usize) -> std::io::Result<()> {
        self.end += len as u64;
        self.ends.write_all(&self.end.to_le_bytes())
    }

    /// Copies the offsets, the leading 0 and every end, into `out`.
    fn copy_into<W: Write>(self, out: &mut Out<W>) -> std::io::Result<()> {
        out.write(&0u64.to_le_bytes())?;
        self.ends.copy_into(out)
    }
}

/// The passage and forward records appended so far, with their offsets.
struct Spill {
    passages: Sink,
    forward: Sink,
    /// Where each record starts, plus the end: one more entry than passages.
    passage_offsets: Offsets,
    forward_offsets: Offsets,
    /// Compresses the passage records on their way to the spill.
    compressor: RecordCompressor,
    /// One forward record, reused.
    scratch: Vec<u8>,
    /// Passages pushed so far.
    count: usize,
    /// Some passage has a section heading.
    has_sections: bool,
}

impl Spill {
    /// A spill writing records and offsets to `[records, offsets]` sinks for the passages
    /// and the forward entries.
    fn new([passages, passage_offsets]: [Sink; 2], [forward, forward_offsets]: [Sink; 2]) -> Spill {
        Spill {
            passages,
            forward,
            passage_offsets: Offsets::new(passage_offsets),
            forward_offsets: Offsets::new(forward_offsets),
            compressor: RecordCompressor::new(),
            scratch: Vec::new(),
            count: 0,
            has_sections: false,
        }
    }

    /// The spill files, if on disk.
    fn names(&self) -> [Option<PathBuf>; 4] {
        [&self.passages, &self.passage_offsets.ends, &self.forward, &self.forward_offsets.ends]
            .map(|sink| sink.path().map(Path::to_path_buf))
    }

    /// A name for errors about one of the sinks.
    fn name(sink: &Sink) -> String {
        sink.path().map_or_else(|| "the in-memory store".into(), |p| p.display().to_string())
    }

    fn push(&mut self, passage: &Passage, forward: &ForwardSource) -> Result<()> {
        let record = postcard::to_stdvec(passage).map_err(|err| {
            Error::Internal(InternalError::StoreDamaged {
                path: self.passages.path().map(Path::to_path_buf).unwrap_or_default(),
                message: format!("cannot write: {err}"),
            })
        })?;
        let (passages, offsets) = (&mut self.passages, &mut self.passage_offsets);
        self.compressor
            .push(record, &mut |bytes| append(bytes, passages, offsets))
            .map_err(|err| Error::io(format!("writing {}", Spill::name(&self.passages)), err))?;
        self.scratch.clear();
        forward.encode(&mut self.scratch);
        append(&self.scratch, &mut self.forward, &mut self.forward_offsets)
            .map_err(|err| Error::io(format!("writing {}", Spill::name(&self.forward)), err))?;
        self.has_sections |= passage.section.is_some();
        self.count += 1;
        Ok(())
    }

    /// Writes the store in the layout [`super`] reads into `out`: header, sections in
    /// [`super::Section`] order, the section table.
    fn write_store<W: Write>(
        self,
        out: &mut Out<W>,
        documents: u32,
        vocab: Vocabulary,
    ) -> std::io::Result<()> {
        let Spill {
            mut passages,
            forward,
            mut passage_offsets,
            forward_offsets,
            compressor,
            count,
            has_sections,
            ..
        } = self;
        let dictionary =
            compressor.finish(&mut |bytes| append(bytes, &mut passages, &mut passage_offsets))?;
        let flags = if has_sections { FLAG_SECTIONS } else { 0 };
        let mut header = Vec::with_capacity(HEADER_BYTES);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&STORE_FORMAT.to_le_bytes());
        header.extend_from_slice(&documents.to_le_bytes());
        header.extend_from_slice(&(count as u64).to_le_bytes());
        header.extend_from_slice(&flags.to_le_bytes());
        out.write(&header)?;

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
        out.section(|o| passage_offsets.copy_into(o))?;
        out.section(|o| passages.copy_into(o))?;
        out.section(|o| forward_offsets.copy_into(o))?;
        out.section(|o| forward.copy_into(o))?;
        out.section(|o| o.u64s(&string_offsets(&vocab.terms)))?;
        out.section(|o| vocab.terms.iter().try_for_each(|t| o.write(t.as_bytes())))?;
        out.section(|o| o.u32s(&vocab.term_df))?;
        out.section(|o| o.u32s(&sorted(&vocab.terms)))?;
        out.section(|o| o.u64s(&string_offsets(&vocab.words)))?;
        out.section(|o| vocab.words.iter().try_for_each(|w| o.write(w.as_bytes())))?;
        out.section(|o| o.u32s(&vocab.word_df))?;
        out.section(|o| o.u32s(&sorted(&vocab.words)))?;
        let word_term_start =
            if vocab.word_term_start.is_empty() { vec![0] } else { vocab.word_term_start.clone() };
        out.section(|o| o.u32s(&word_term_start))?;
        out.section(|o| o.u32s(&vocab.word_term_ids))?;
        out.section(|o| o.u32s(&derived_offsets))?;
        out.section(|o| o.u32s(&derived))?;
        out.section(|o| o.u64s(&string_offsets(&vocab.heading_words)))?;
        out.section(|o| vocab.heading_words.iter().try_for_each(|w| o.write(w.as_bytes())))?;
        out.section(|o| o.write(&dictionary))?;
        let table = out.at;
        let sections = std::mem::take(&mut out.sections);
        for (offset, len) in sections {
            out.write(&offset.to_le_bytes())?;
            out.write(&len.to_le_bytes())?;
        }
        out.write(&table.to_le_bytes())?;
        out.write(MAGIC)
    }
}

/// The store being written, with its position and the sections written so far.
struct Out<W> {
    writer: W,
    at: u64,
    sections: Vec<(u64, u64)>,
}

impl<W: Write> Out<W> {
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

    /// Writes one section with `body` and records where it lies.
    fn section(
        &mut self,
        body: impl FnOnce(&mut Out<W>) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let start = self.at;
        body(self)?;
        self.sections.push((start, self.at - start));
        Ok(())
    }
}

/// Appends one record to `out` and its end to `offsets`.
fn append(record: &[u8], out: &mut Sink, offsets: &mut Offsets) -> std::io::Result<()> {
    out.write_all(record)?;
    offsets.push(record.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::build_schema;
    use crate::index::store::STORE_FILE;

    /// A builder over file sinks in `dir` with `vocab` as its vocabulary, to push records
    /// by hand.
    fn on_disk(dir: &Path, vocab: Vocabulary) -> StoreBuilder {
        let mut builder = StoreBuilder::spilling_to(dir, usize::MAX, usize::MAX).unwrap();
        builder.vocab = vocab;
        builder
    }

    fn passage(n: u32, text: String) -> Passage {
        Passage {
            id: format!("a.txt#{n}"),
            doc_id: "a.txt".into(),
            title: "Über".into(),
            section: n.is_multiple_of(2).then(|| "Section".to_string()),
            source: "a.txt".into(),
            url: None,
            ordinal: n,
            text,
        }
    }

    #[test]
    fn the_store_written_is_read_back_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let passage = |n: u32| passage(n, "x".repeat(n as usize * 300));
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
        let mut builder = on_disk(dir.path(), vocab);
        for n in 0..200 {
            builder.spill.push(&passage(n), &forward(n)).unwrap();
        }
        builder.finish_to_file(&dir.path().join(STORE_FILE), 3).unwrap();
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
    fn a_build_keeps_its_record_offsets_on_disk_not_in_memory() {
        // The offset tables were two growing Vec<u64>s held until the store was written:
        // with spare capacity, ~130 MB at five million passages, the part of a build's
        // memory that grew with the corpus past its budget.
        let dir = tempfile::tempdir().unwrap();
        let mut builder = on_disk(dir.path(), Vocabulary::default());
        let count = 5_000u64;
        for n in 0..count as u32 {
            builder
                .spill
                .push(&passage(n, format!("Passage {n}.")), &ForwardSource::default())
                .unwrap();
        }
        // Whatever a write buffer still holds, the ends are mostly in the file already (the
        // passage records themselves wait for the compressor's dictionary sample first).
        let spilled = fs::metadata(dir.path().join("forward.offsets.spill")).unwrap().len();
        assert!(spilled >= count * 8 - 16 * 1024, "the offsets file holds {spilled} bytes");
        builder.finish_to_file(&dir.path().join(STORE_FILE), 1).unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.len(), count as usize);
        assert_eq!(store.passage(4_321).map(|p| p.text), Some("Passage 4321.".to_string()));
    }

    #[test]
    fn a_damaged_store_is_an_error_never_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let mut builder = on_disk(dir.path(), Vocabulary::default());
        let passage = Passage { section: None, ..passage(0, "Some text.".into()) };
        builder.spill.push(&passage, &ForwardSource::default()).unwrap();
        let path = dir.path().join(STORE_FILE);
        builder.finish_to_file(&path, 1).unwrap();
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

    #[test]
    fn a_store_built_in_memory_has_the_bytes_of_one_built_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let (_, fields) = build_schema();
        let texts = [
            "Seoul is the capital of South Korea. It has ten million people.",
            "Korean companies invest in AI chips; Naver launched HyperCLOVA X.",
            "The budget for research and development grew in 2023.",
        ];
        let passages: Vec<Passage> =
            texts.iter().enumerate().map(|(n, t)| passage(n as u32, t.to_string())).collect();
        let mut disk = StoreBuilder::spilling_to(dir.path(), usize::MAX, usize::MAX).unwrap();
        let mut memory = StoreBuilder::in_memory();
        for passage in &passages {
            let (a, b) =
                (disk.add(passage, &fields).unwrap(), memory.add(passage, &fields).unwrap());
            assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }
        let path = dir.path().join(STORE_FILE);
        disk.finish_to_file(&path, 1).unwrap();
        let in_memory = memory.finish_in_memory(1).unwrap();
        assert_eq!(in_memory.bytes.as_slice(), fs::read(&path).unwrap().as_slice());
        assert_eq!(in_memory.passage(1).as_ref(), Some(&passages[1]));
        assert!(in_memory.word_id("hyperclova").is_some());
    }

    #[test]
    fn a_vocabulary_past_its_limit_stops_the_build_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let (_, fields) = build_schema();
        let mut builder = StoreBuilder::spilling_to(dir.path(), 16, 64 * MIB).unwrap();
        let err = builder.add(&passage(0, "many different words here".into()), &fields);
        let err = err.unwrap_err();
        assert!(matches!(err, Error::User(UserError::VocabularyOverBudget { budget_mib: 64, .. })));
    }
}
