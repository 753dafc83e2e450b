//! Passages by their stable key ([`crate::index::passage_key`]): what deep links and answer
//! buttons carry, so they keep opening the same passage after other files are added or the
//! corpus is reindexed. A passage's dense number is its position in one generation and moves
//! whenever a file before it changes; the key does not.

use std::sync::Arc;

use tantivy::Term;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption};

use super::Engine;
use crate::corpus::Passage;
use crate::index::{is_passage_key, passage_key};

impl Engine {
    /// The stable key of `passage` (see [`passage_key`]).
    pub fn key_of(&self, passage: &Passage) -> String {
        passage_key(passage)
    }

    /// The dense number of the passage with stable key `key` in this generation; `None` when
    /// no passage has it (the passage was edited or removed) or `key` is not a key at all.
    pub fn number_by_key(&self, key: &str) -> Option<u32> {
        if !is_passage_key(key) {
            return None;
        }
        self.number_by_term(self.fields.key, key)
    }

    /// The passage with stable key `key`, if this generation has it.
    pub fn passage_by_key(&self, key: &str) -> Option<(u32, Arc<Passage>)> {
        let number = self.number_by_key(key)?;
        self.passage_by_number(number).map(|passage| (number, passage))
    }

    /// The dense number of the first passage whose raw (untokenized) `field` is `text`.
    pub(super) fn number_by_term(&self, field: Field, text: &str) -> Option<u32> {
        let query = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic);
        let searcher = self.reader.searcher();
        let top = match searcher.search(&query, &TopDocs::with_limit(1).order_by_score()) {
            Ok(top) => top,
            Err(err) => {
                tracing::error!(cause = %err, "passage look-up failed");
                return None;
            }
        };
        let (_, address) = top.into_iter().next()?;
        let number =
            *self.numbers.get(address.segment_ord as usize)?.get(address.doc_id as usize)?;
        ((number as usize) < self.store.len()).then_some(number)
    }
}
