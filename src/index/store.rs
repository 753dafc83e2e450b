//! The passage store written beside the tantivy index of a generation, read in place.
//!
//! tantivy ranks; the store holds what ranking's second stage and display need: every
//! passage, the term and word vocabularies with document frequencies, each word's terms, the
//! derivationally related terms, and per passage a forward entry: its words in order, from
//! which reading derives its distinct terms with the sentences they occur in and its adjacent
//! word pairs (see `forward`).
//!
//! The file is laid out to be used where it lies, memory-mapped (through tantivy's mmap
//! directory, so no `unsafe` here): fixed-width tables of offsets, counts and ids, and
//! variable-length records (passages `postcard`-encoded and zstd-compressed one by one with a
//! dictionary trained on the corpus, forward entries as varints and bit-packed word indexes,
//! UTF-8 strings)
//! that are decoded one at a time when a question needs them. Opening a store of a million
//! passages reads its header and checks its tables' sizes: nothing is decoded into the heap,
//! no hash map is built (look-ups by string binary-search a table of ids sorted by string),
//! and the pages the system may drop stay out of the process's resident memory.
//!
//! Layout, little-endian: a 32-byte header (magic, format, documents, passages, flags), the
//! sections in [`Section`] order, a table of (offset, length) per section, the table's offset
//! and the magic again.

mod builder;
mod lookups;

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::{Directory, MmapDirectory, OwnedBytes};

pub use super::forward::{Focus, Forward, ForwardBuffers};
use super::generation::Manifest;
use super::records::RecordReader;
use super::verify::verify_bytes;
use crate::corpus::Passage;
use crate::error::{Error, InternalError, Result};
pub(crate) use builder::StoreBuilder;

/// File name of the store inside a generation directory.
pub const STORE_FILE: &str = "store.bin";

/// Bump when the store layout, the analysis or the segmentation changes: the corpus
/// fingerprint includes it, so older generations are rebuilt.
pub const STORE_FORMAT: u32 = 24;

/// Stores up to this size are hashed in full when opened.
pub const HASH_ON_OPEN_BYTES: usize = 256 * 1024 * 1024;

/// The first and last eight bytes of a store file.
pub(super) const MAGIC: &[u8; 8] = b"PBSTORE\x08";
/// Bytes of the header.
pub(super) const HEADER_BYTES: usize = 32;
/// Header flag: some passage has a section heading.
pub(super) const FLAG_SECTIONS: u64 = 1;

/// The sections of a store file, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    /// `u64` × (passages + 1): where each passage record starts in `PassageData`.
    PassageOffsets,
    /// [`Passage`] records: `postcard`, then zstd with the dictionary of `PassageDictionary`.
    PassageData,
    /// `u64` × (passages + 1): where each forward record starts in `ForwardData`.
    ForwardOffsets,
    /// Forward records ([`ForwardSource`](super::forward::ForwardSource)`::encode`): a
    /// passage's words in order, its terms derived through `WordTermIds` when read.
    ForwardData,
    /// `u64` × (terms + 1): where each term starts in `TermBytes`.
    TermOffsets,
    /// The terms' UTF-8 bytes, back to back.
    TermBytes,
    /// `u32` × terms: passages containing each term.
    TermDf,
    /// `u32` × terms: term ids in byte order of their strings.
    TermSorted,
    /// `u64` × (words + 1).
    WordOffsets,
    /// The words' UTF-8 bytes.
    WordBytes,
    /// `u32` × words.
    WordDf,
    /// `u32` × words, in byte order of their strings.
    WordSorted,
    /// `u32` × (words + 1): where each word's terms start in `WordTermIds`.
    WordTermOffsets,
    /// `u32` term ids.
    WordTermIds,
    /// `u32` × (terms + 1): where each term's related terms start in `DerivedIds`.
    DerivedOffsets,
    /// `u32` term ids.
    DerivedIds,
    /// `u64` × (heading words + 1): where each title or section word starts in
    /// `HeadingWordBytes`.
    HeadingWordOffsets,
    /// The UTF-8 bytes of the title and section words (stop words left out), back to back.
    HeadingWordBytes,
    /// The zstd dictionary of the passage records (empty: none).
    PassageDictionary,
}

/// Number of sections.
pub(super) const SECTIONS: usize = 19;

/// Everything a generation needs besides the tantivy index, read in place.
#[derive(Clone)]
pub struct Store {
    bytes: OwnedBytes,
    sections: [Range<usize>; SECTIONS],
    passages: usize,
    terms: usize,
    words: usize,
    /// Number of title and section words.
    heading_words: usize,
    has_sections: bool,
    records: RecordReader,
    /// The look-up tables built on first use (heading words, typo lexicons), shared by clones.
    lazy: Arc<lookups::LazyTables>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("passages", &self.passages)
            .field("terms", &self.terms)
            .field("words", &self.words)
            .finish_non_exhaustive()
    }
}

fn le_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let slice = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(slice.try_into().ok()?))
}

fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let slice = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(slice.try_into().ok()?))
}

/// Record `i` of `data`, whose offsets are `u64`s in `offsets`.
fn record_in<'a>(offsets: &[u8], data: &'a [u8], i: usize) -> Option<&'a [u8]> {
    let at = i.checked_mul(8)?;
    let start = usize::try_from(le_u64(offsets, at)?).ok()?;
    let end = usize::try_from(le_u64(offsets, at.checked_add(8)?)?).ok()?;
    data.get(start..end)
}

impl Store {
    /// Maps the store of the generation directory `dir`.
    ///
    /// # Errors
    /// [`InternalError::StoreDamaged`] when the file is missing, of another format, or its
    /// tables do not fit together.
    pub fn open(dir: &Path) -> Result<Store> {
        let path = dir.join(STORE_FILE);
        let damaged = |message: String| {
            Error::Internal(InternalError::StoreDamaged { path: path.clone(), message })
        };
        let directory = MmapDirectory::open(dir).map_err(|err| damaged(err.to_string()))?;
        let bytes = directory
            .open_read(Path::new(STORE_FILE))
            .map_err(|err| damaged(err.to_string()))?
            .read_bytes()
            .map_err(|err| damaged(err.to_string()))?;
        Store::from_bytes(bytes).map_err(damaged)
    }

    /// [`Store::open`], checking the file against the generation's manifest: its content
    /// hash when it is at most 256 MiB (a flipped byte is found at once), else
    /// its structure only, as reading every byte of a large store at every start would cost
    /// what mapping it saves; `passagebot index` checks every byte of every file.
    ///
    /// # Errors
    /// As [`Store::open`], and [`InternalError::GenerationDamaged`] when the hash differs.
    pub fn open_checked(dir: &Path, manifest: &Manifest) -> Result<Store> {
        let store = Store::open(dir)?;
        if store.bytes.len() <= HASH_ON_OPEN_BYTES {
            verify_bytes(dir, manifest, STORE_FILE, store.bytes.as_slice())?;
        }
        Ok(store)
    }

    /// Reads a store from its bytes (in memory, or mapped).
    pub(super) fn from_bytes(bytes: OwnedBytes) -> std::result::Result<Store, String> {
        let data = bytes.as_slice();
        if data.len() < HEADER_BYTES + 16 || &data[..8] != MAGIC || &data[data.len() - 8..] != MAGIC
        {
            return Err(format!("not a passage store of format {STORE_FORMAT}"));
        }
        let format = le_u32(data, 8).unwrap_or(0);
        if format != STORE_FORMAT {
            return Err(format!("format {format} (this passagebot reads format {STORE_FORMAT})"));
        }
        let passages = le_u64(data, 16).unwrap_or(0) as usize;
        let flags = le_u64(data, 24).unwrap_or(0);
        let table = le_u64(data, data.len() - 16).unwrap_or(u64::MAX) as usize;
        let mut sections: [Range<usize>; SECTIONS] = std::array::from_fn(|_| 0..0);
        for (i, section) in sections.iter_mut().enumerate() {
            let at = table.checked_add(i * 16).ok_or("bad section table")?;
            let (Some(offset), Some(len)) = (le_u64(data, at), le_u64(data, at + 8)) else {
                return Err("the section table is cut short".into());
            };
            let (offset, len) = (offset as usize, len as usize);
            let end = offset.checked_add(len).ok_or("bad section length")?;
            if offset < HEADER_BYTES || end > table {
                return Err(format!("section {i} lies outside the file"));
            }
            *section = offset..end;
        }
        let len = |s: Section| sections[s as usize].len();
        let terms = (len(Section::TermOffsets) / 8).saturating_sub(1);
        let words = (len(Section::WordOffsets) / 8).saturating_sub(1);
        let heading_words = (len(Section::HeadingWordOffsets) / 8).saturating_sub(1);
        let fits = len(Section::PassageOffsets) == 8 * (passages + 1)
            && len(Section::ForwardOffsets) == 8 * (passages + 1)
            && len(Section::TermOffsets) == 8 * (terms + 1)
            && len(Section::TermDf) == 4 * terms
            && len(Section::TermSorted) == 4 * terms
            && len(Section::WordOffsets) == 8 * (words + 1)
            && len(Section::WordDf) == 4 * words
            && len(Section::WordSorted) == 4 * words
            && len(Section::WordTermOffsets) == 4 * (words + 1)
            && len(Section::DerivedOffsets) == 4 * (terms + 1)
            && len(Section::HeadingWordOffsets) == 8 * (heading_words + 1);
        if !fits {
            return Err("its tables do not fit together".into());
        }
        let records =
            RecordReader::new(&data[sections[Section::PassageDictionary as usize].clone()])
                .map_err(|err| format!("its passage dictionary is damaged: {err}"))?;
        Ok(Store {
            bytes,
            sections,
            passages,
            terms,
            words,
            heading_words,
            has_sections: flags & FLAG_SECTIONS != 0,
            records,
            lazy: Arc::default(),
        })
    }

    fn section(&self, section: Section) -> &[u8] {
        &self.bytes.as_slice()[self.sections[section as usize].clone()]
    }

    fn u32_at(&self, section: Section, i: usize) -> Option<u32> {
        le_u32(self.section(section), i.checked_mul(4)?)
    }

    /// Record `i` of a data section whose offsets are `u64`s in `offsets`.
    fn record(&self, offsets: Section, data: Section, i: usize) -> Option<&[u8]> {
        record_in(self.section(offsets), self.section(data), i)
    }

    /// Slice `i` of `u32` ids whose offsets (in ids) are `u32`s in `offsets`.
    fn ids(&self, offsets: Section, ids: Section, i: usize) -> Vec<u32> {
        let (Some(start), Some(end)) = (self.u32_at(offsets, i), self.u32_at(offsets, i + 1))
        else {
            return Vec::new();
        };
        (start..end).filter_map(|k| self.u32_at(ids, k as usize)).collect()
    }

    fn string(&self, offsets: Section, bytes: Section, i: usize) -> &str {
        self.record(offsets, bytes, i).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or("")
    }

    /// The id whose string is `wanted`, by binary search over `sorted`. Compares bytes, which
    /// order UTF-8 strings as their text does, so no probe is validated as UTF-8.
    fn find(
        &self,
        sorted: Section,
        offsets: Section,
        bytes: Section,
        count: usize,
        wanted: &str,
    ) -> Option<u32> {
        let (sorted, offsets, bytes) =
            (self.section(sorted), self.section(offsets), self.section(bytes));
        let wanted = wanted.as_bytes();
        let (mut low, mut high) = (0usize, count);
        while low < high {
            let middle = low + (high - low) / 2;
            let id = le_u32(sorted, middle.checked_mul(4)?)?;
            match record_in(offsets, bytes, id as usize).unwrap_or_default().cmp(wanted) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(id),
            }
        }
        None
    }

    /// Number of passages; a passage's number is 0 to this − 1.
    pub fn len(&self) -> usize {
        self.passages
    }

    /// True when the store holds no passage.
    pub fn is_empty(&self) -> bool {
        self.passages == 0
    }

    /// True when some passage sits under a section heading.
    pub fn has_sections(&self) -> bool {
        self.has_sections
    }

    /// Passage `number`, decoded; `None` past the end or when its record is damaged.
    pub fn passage(&self, number: usize) -> Option<Passage> {
        let record = self.record(Section::PassageOffsets, Section::PassageData, number)?;
        postcard::from_bytes(&self.records.read(record)?).ok()
    }

    /// The forward entry of passage `number`, decoded whole; empty past the end or when
    /// damaged.
    pub fn forward(&self, number: usize) -> Forward {
        let mut buffers = ForwardBuffers::default();
        self.decode_forward(number, None, &mut buffers);
        buffers.into_forward()
    }

    /// The forward entry of passage `number` with only the terms and pairs of `focus`, decoded
    /// into `buffers` and reusing their memory: what re-ranking reads of one candidate after
    /// another. Empty past the end or when damaged.
    pub fn forward_into<'b>(
        &self,
        number: usize,
        focus: &Focus,
        buffers: &'b mut ForwardBuffers,
    ) -> &'b Forward {
        self.decode_forward(number, Some(focus), buffers);
        buffers.forward()
    }

    /// Decodes passage `number`'s forward record into `buffers` (`focus`: see
    /// [`Focus`]); leaves them empty past the end or when the record is damaged.
    fn decode_forward(&self, number: usize, focus: Option<&Focus>, buffers: &mut ForwardBuffers) {
        let read =
            self.record(Section::ForwardOffsets, Section::ForwardData, number).and_then(|record| {
                super::forward::decode_into(record, self.append_word_terms(), focus, buffers)
            });
        if read.is_none() {
            buffers.clear();
        }
    }

    /// Appends the term ids of a word id (the word table) to a vector.
    fn append_word_terms(&self) -> impl Fn(u32, &mut Vec<u32>) + '_ {
        |word: u32, out: &mut Vec<u32>| {
            let range = self.u32_at(Section::WordTermOffsets, word as usize)
                ..self.u32_at(Section::WordTermOffsets, word as usize + 1);
            if let (Some(start), Some(end)) = (range.start, range.end) {
                out.extend(
                    (start..end).filter_map(|k| self.u32_at(Section::WordTermIds, k as usize)),
                );
            }
        }
    }

    /// Sets `counts` to how often passage `number` holds each of `wanted` (non-stop word
    /// ids, ascending) as written; all 0 past the end or when its record is damaged.
    /// `scratch` is reused between calls.
    pub fn count_words(
        &self,
        number: usize,
        wanted: &[u32],
        counts: &mut [u32],
        scratch: &mut Vec<u32>,
    ) {
        counts.fill(0);
        let read = self
            .record(Section::ForwardOffsets, Section::ForwardData, number)
            .and_then(|record| super::forward::count_words(record, wanted, counts, scratch));
        if read.is_none() {
            counts.fill(0);
        }
    }

    /// Number of distinct terms.
    pub fn term_count(&self) -> usize {
        self.terms
    }

    /// Term `id`'s text ("" past the end).
    pub fn term(&self, id: u32) -> &str {
        self.string(Section::TermOffsets, Section::TermBytes, id as usize)
    }

    /// The id of `term`, if the corpus has it.
    pub fn term_id(&self, term: &str) -> Option<u32> {
        self.find(Section::TermSorted, Section::TermOffsets, Section::TermBytes, self.terms, term)
    }

    /// Passages containing term `id`.
    pub fn term_df(&self, id: u32) -> u32 {
        self.u32_at(Section::TermDf, id as usize).unwrap_or(0)
    }

    /// Terms derivationally related to term `id` ("korea" and "korean"), both ways.
    pub fn derived(&self, id: u32) -> Vec<u32> {
        self.ids(Section::DerivedOffsets, Section::DerivedIds, id as usize)
    }

    /// Number of distinct words (folded surface forms).
    pub fn word_count(&self) -> usize {
        self.words
    }

    /// Word `id`'s text ("" past the end).
    pub fn word(&self, id: u32) -> &str {
        self.string(Section::WordOffsets, Section::WordBytes, id as usize)
    }

    /// The id of `word`, if the corpus has it.
    pub fn word_id(&self, word: &str) -> Option<u32> {
        self.find(Section::WordSorted, Section::WordOffsets, Section::WordBytes, self.words, word)
    }

    /// Passages containing word `id`.
    pub fn word_df(&self, id: u32) -> u32 {
        self.u32_at(Section::WordDf, id as usize).unwrap_or(0)
    }

    /// Number of distinct title and section words (stop words left out).
    pub fn heading_word_count(&self) -> usize {
        self.heading_words
    }

    /// Title or section word `i` ("" past the end), in the order the build first met them.
    pub fn heading_word(&self, i: usize) -> &str {
        self.string(Section::HeadingWordOffsets, Section::HeadingWordBytes, i)
    }

    /// The term ids of word `id` (empty for stop words).
    pub fn word_terms(&self, id: u32) -> Vec<u32> {
        self.ids(Section::WordTermOffsets, Section::WordTermIds, id as usize)
    }
}
