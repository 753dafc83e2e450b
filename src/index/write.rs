//! Writing one generation's data: documents are segmented one at a time and each passage is
//! analysed once, fed to tantivy as pre-tokenized fields, and appended to the passage store
//! on disk, so the memory of a build is bounded by tantivy's writer budget, the vocabulary and
//! one document's passages, not by the size of the corpus.
//!
//! The store is `postcard`-encoded [`Store`]: its passages and forward entries are spilled to
//! two files while indexing and joined with the vocabulary at the end into exactly the bytes
//! `postcard::to_stdvec(&store)` would give (a test holds the two encodings equal).

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::schema::TantivyDocument;
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{Index, IndexWriter};

use super::build::Progress;
use super::schema::{Fields, build_schema, register_tokenizers};
use super::store::{Forward, STORE_FILE, STORE_FORMAT};
use super::vocab::Vocabulary;
use crate::analysis::Analyzer;
use crate::corpus::{self, Block, Document, Passage, SegmentOptions, sentence_spans};
use crate::error::{Error, InternalError, Result};

/// Memory for tantivy's writer per indexing thread; its minimum per thread is 15 MB.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;
/// Corpora with more text than this are indexed by two threads.
const TWO_THREADS_BYTES: usize = 24 * 1024 * 1024;

/// What [`write_generation`] wrote.
pub(super) struct Written {
    /// Passages indexed.
    pub passages: usize,
}

/// Segments, analyses and indexes `documents` into `dir`, writing the tantivy index and the
/// passage store. Each document is dropped once its passages are indexed.
pub(super) fn write_generation(
    dir: &Path,
    documents: Vec<Document>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Written> {
    let document_count = documents.len();
    let bytes: usize = documents.iter().map(text_bytes).sum();
    progress(Progress::Read { documents: document_count, bytes });
    let (schema, fields) = build_schema();
    let index = Index::create_in_dir(dir, schema)?;
    register_tokenizers(&index);
    let threads = if bytes > TWO_THREADS_BYTES { 2 } else { 1 };
    let mut writer: IndexWriter =
        index.writer_with_num_threads(threads, WRITER_MEMORY * threads)?;
    let analyzer = Analyzer::default();
    let mut vocab = Vocabulary::default();
    let mut spill = StoreSpill::create(dir)?;
    let segment_options = SegmentOptions::default();
    let mut done_bytes = 0usize;
    for document in documents {
        let passages = corpus::segment(&document, &segment_options);
        drop(document);
        for passage in passages {
            let number = spill.count;
            let (doc, forward) = analyse(&analyzer, &mut vocab, &fields, number, &passage);
            writer.add_document(doc)?;
            done_bytes += passage.text.len();
            spill.push(&passage, &forward)?;
            if number % 1024 == 1023 {
                progress(Progress::Indexed { passages: number + 1, bytes: done_bytes });
            }
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let passages = spill.count;
    progress(Progress::Indexed { passages, bytes });
    spill.finish(&dir.join(STORE_FILE), document_count as u32, vocab)?;
    Ok(Written { passages })
}

/// Bytes of text in a document's blocks, for progress and the thread count.
fn text_bytes(document: &Document) -> usize {
    document
        .blocks
        .iter()
        .map(|block| match block {
            Block::Heading { text, .. } | Block::Paragraph(text) => text.len(),
            Block::List(items) => items.iter().map(String::len).sum(),
        })
        .sum()
}

/// One passage analysed: its tantivy document and its forward entry; counts its words and
/// terms in the vocabulary.
fn analyse(
    analyzer: &Analyzer,
    vocab: &mut Vocabulary,
    fields: &Fields,
    number: usize,
    passage: &Passage,
) -> (TantivyDocument, Forward) {
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
        for &term in vocab.word_terms(word_id) {
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
        .flat_map(|word| word.terms.iter().filter_map(|term| vocab.term_id(term)))
        .collect();
    entry.heading_terms.sort_unstable();
    entry.heading_terms.dedup();

    let title_tokens = |text: &str| pre_tokenized(analyzer, text);
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
    (doc, entry)
}

/// The passage store in the making: passages and forward entries appended to two spill files
/// in the generation directory, joined into [`STORE_FILE`] by [`StoreSpill::finish`].
struct StoreSpill {
    passages: BufWriter<fs::File>,
    forward: BufWriter<fs::File>,
    passages_path: PathBuf,
    forward_path: PathBuf,
    /// Passages pushed so far.
    count: usize,
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
        Ok(StoreSpill { passages, forward, passages_path, forward_path, count: 0 })
    }

    fn push(&mut self, passage: &Passage, forward: &Forward) -> Result<()> {
        encode(passage, &mut self.passages, &self.passages_path)?;
        encode(forward, &mut self.forward, &self.forward_path)?;
        self.count += 1;
        Ok(())
    }

    /// Writes the store file: the fields of [`super::Store`] in order, with the spilled
    /// sequences copied in, then removes the spill files.
    fn finish(self, path: &Path, documents: u32, vocab: Vocabulary) -> Result<()> {
        let StoreSpill { passages, forward, passages_path, forward_path, count } = self;
        let io = |what: &Path| {
            let what = what.display().to_string();
            move |err| Error::io(format!("writing {what}"), err)
        };
        passages.into_inner().map_err(|err| err.into_error()).map_err(io(&passages_path))?;
        forward.into_inner().map_err(|err| err.into_error()).map_err(io(&forward_path))?;
        let file = fs::File::create(path).map_err(io(path))?;
        let mut out = BufWriter::new(file);
        encode(&STORE_FORMAT, &mut out, path)?;
        encode(&documents, &mut out, path)?;
        // postcard writes a sequence as its length (a varint, as for any integer) and then
        // its elements.
        encode(&(count as u64), &mut out, path)?;
        copy_into(&passages_path, &mut out, path)?;
        let vocab = vocab.finish();
        encode(&vocab.terms, &mut out, path)?;
        encode(&vocab.term_df, &mut out, path)?;
        encode(&vocab.words, &mut out, path)?;
        encode(&vocab.word_df, &mut out, path)?;
        encode(&vocab.word_terms(), &mut out, path)?;
        encode(&(count as u64), &mut out, path)?;
        copy_into(&forward_path, &mut out, path)?;
        let file = out.into_inner().map_err(|err| err.into_error()).map_err(io(path))?;
        file.sync_all().map_err(io(path))?;
        let _ = fs::remove_file(&passages_path);
        let _ = fs::remove_file(&forward_path);
        Ok(())
    }
}

fn encode<T: Serialize + ?Sized>(value: &T, out: &mut impl Write, path: &Path) -> Result<()> {
    postcard::to_io(value, out).map(|_| ()).map_err(|err| {
        Error::Internal(InternalError::StoreDamaged {
            path: path.to_path_buf(),
            message: format!("cannot write: {err}"),
        })
    })
}

fn copy_into(spill: &Path, out: &mut impl Write, path: &Path) -> Result<()> {
    let mut file = fs::File::open(spill)
        .map_err(|err| Error::io(format!("reading {}", spill.display()), err))?;
    std::io::copy(&mut file, out)
        .map_err(|err| Error::io(format!("writing {}", path.display()), err))?;
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::store::Store;

    #[test]
    fn the_streamed_store_is_byte_for_byte_the_postcard_store() {
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
        let forward = |n: u32| Forward {
            terms: vec![1, n, 1000 + n],
            term_sentences: vec![1, 2, u64::MAX],
            pairs: vec![u64::from(n) << 32 | 7],
            sentences: vec![(0, n), (n, 2 * n)],
            heading_terms: vec![n],
        };
        let mut vocab = Vocabulary::default();
        vocab.word("über", &["uber".to_string(), "ub".to_string()]);
        vocab.word("the", &[]);
        vocab.count_passage(&[0, 1, 0]);
        let mut spill = StoreSpill::create(dir.path()).unwrap();
        for n in 0..200 {
            spill.push(&passage(n), &forward(n)).unwrap();
        }
        let path = dir.path().join(STORE_FILE);
        spill.finish(&path, 3, vocab).unwrap();
        let expected = Store {
            format: STORE_FORMAT,
            documents: 3,
            passages: (0..200).map(passage).collect(),
            terms: vec!["uber".into(), "ub".into()],
            term_df: vec![1, 1],
            words: vec!["über".into(), "the".into()],
            word_df: vec![1, 1],
            word_terms: vec![vec![0, 1], vec![]],
            forward: (0..200).map(forward).collect(),
        };
        assert_eq!(fs::read(&path).unwrap(), postcard::to_stdvec(&expected).unwrap());
        assert_eq!(Store::load(&path).unwrap().passages.len(), 200);
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "spill files left behind");
    }
}
