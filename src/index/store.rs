//! The passage store written beside the tantivy index of a generation.
//!
//! tantivy ranks; the store holds what ranking's second stage and display need, in memory:
//! every passage, the term and word vocabularies with document frequencies, and per passage its
//! distinct terms with the sentences they occur in plus its adjacent word pairs (a forward
//! index). Reading it at start-up is one file read and one decode, far cheaper than
//! re-analysing every passage.

use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::corpus::Passage;
use crate::error::{Error, InternalError, Result};

/// File name of the store inside a generation directory.
pub const STORE_FILE: &str = "store.bin";

/// Bump when the store layout, the analysis or the segmentation changes: the corpus
/// fingerprint includes it, so older generations are rebuilt.
pub const STORE_FORMAT: u32 = 8;

/// What re-ranking needs of a passage, laid out for set intersection rather than scanning:
/// its distinct terms (sorted) with the sentences each occurs in, and its adjacent word pairs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Forward {
    /// Distinct term ids of the passage, ascending.
    pub terms: Vec<u32>,
    /// For each of `terms`, a bit per sentence it occurs in (sentences past 63 share bit 63).
    pub term_sentences: Vec<u64>,
    /// Distinct pairs of adjacent non-stop words, as `first word id << 32 | second`, ascending.
    pub pairs: Vec<u64>,
    /// Byte ranges of the passage's sentences in its text.
    pub sentences: Vec<(u32, u32)>,
    /// Distinct term ids of the document title and the section heading, ascending.
    pub heading_terms: Vec<u32>,
}

impl Forward {
    /// True when the title or section heading holds `term`.
    pub fn heading_has(&self, term: u32) -> bool {
        self.heading_terms.binary_search(&term).is_ok()
    }

    /// The sentence bits of `term`, or 0 when the passage lacks it.
    pub fn sentences_of(&self, term: u32) -> u64 {
        match self.terms.binary_search(&term) {
            Ok(i) => self.term_sentences.get(i).copied().unwrap_or(0),
            Err(_) => 0,
        }
    }

    /// True when the word `second` directly follows the word `first` (stop words skipped).
    pub fn has_pair(&self, first: u32, second: u32) -> bool {
        self.pairs.binary_search(&(u64::from(first) << 32 | u64::from(second))).is_ok()
    }

    /// The byte range of sentence `i`.
    pub fn sentence(&self, i: usize) -> Range<usize> {
        self.sentences.get(i).map_or(0..0, |&(s, e)| s as usize..e as usize)
    }
}

/// Everything a generation needs besides the tantivy index.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Store {
    /// [`STORE_FORMAT`] of the writer.
    pub format: u32,
    /// Number of documents the passages came from.
    pub documents: u32,
    /// All passages; a passage's number is its position here.
    pub passages: Vec<Passage>,
    /// Term vocabulary of the stemmed text field.
    pub terms: Vec<String>,
    /// Number of passages containing each term.
    pub term_df: Vec<u32>,
    /// Word vocabulary (folded surface forms).
    pub words: Vec<String>,
    /// Number of passages containing each word.
    pub word_df: Vec<u32>,
    /// For each word id, its term ids (empty for stop words).
    pub word_terms: Vec<Vec<u32>>,
    /// One forward entry per passage.
    pub forward: Vec<Forward>,
}

impl Store {
    /// Writes the store to `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = postcard::to_stdvec(self).map_err(|err| {
            Error::Internal(InternalError::StoreDamaged {
                path: path.to_path_buf(),
                message: format!("cannot encode: {err}"),
            })
        })?;
        std::fs::write(path, bytes)
            .map_err(|err| Error::io(format!("writing {}", path.display()), err))
    }

    /// Reads a store written by [`Store::save`].
    pub fn load(path: &Path) -> Result<Store> {
        let bytes = std::fs::read(path)
            .map_err(|err| Error::io(format!("reading {}", path.display()), err))?;
        Store::from_bytes(path, &bytes)
    }

    /// Decodes a store read from `path` (named in errors).
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Store> {
        let damaged = |message: String| {
            Error::Internal(InternalError::StoreDamaged { path: path.to_path_buf(), message })
        };
        let store: Store = postcard::from_bytes(bytes).map_err(|err| damaged(err.to_string()))?;
        if store.format != STORE_FORMAT {
            return Err(damaged(format!(
                "format {} (this passagebot reads format {STORE_FORMAT})",
                store.format
            )));
        }
        if store.forward.len() != store.passages.len() {
            return Err(damaged("passage and forward counts differ".into()));
        }
        Ok(store)
    }
}
