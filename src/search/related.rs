//! "See also": passages related to an answer, from other sections, that share its rare terms.
//!
//! The answer's own distinct terms (from its forward entry) are weighed by idf; those that
//! occur in at least one other passage but in few (at most [`MAX_SHARE`] of the corpus) and
//! are the rarest make one BM25 query over the text field. A candidate is kept when it
//! shares at least [`MIN_SHARED`] of those terms and lies outside the answer's section (for a
//! document without sections: outside its neighbours, which "Show context" shows already).
//! The cost is one small tantivy query and [`CANDIDATES`] forward entries, whatever the
//! size of the corpus.

use std::sync::Arc;

use tantivy::Term;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::Engine;
use crate::corpus::Passage;

/// The answer's rarest terms the query is built from.
const QUERY_TERMS: usize = 12;
/// Candidates read from the first stage.
const CANDIDATES: usize = 24;
/// A related passage shares at least this many of the query terms.
const MIN_SHARED: usize = 2;
/// Terms in more than this share of the passages are not "rare".
const MAX_SHARE: f32 = 0.1;

impl Engine {
    /// Up to `n` passages related to passage `number`, best first: other sections that share
    /// its rare terms; never the passage itself nor its section (or, without sections, its
    /// neighbours). Empty when nothing shares enough, or the index fails (logged).
    pub fn related(&self, number: u32, n: usize) -> Vec<Arc<Passage>> {
        let Some(passage) = self.passage_by_number(number) else { return Vec::new() };
        let forward = self.store.forward(number as usize);
        let max_df = ((self.store.len() as f32 * MAX_SHARE) as u32).max(2);
        let mut terms: Vec<(u32, f32)> = forward
            .terms
            .iter()
            .filter(|&&term| (2..=max_df).contains(&self.store.term_df(term)))
            .map(|&term| (term, self.store.term_idf(term)))
            .collect();
        terms.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        terms.truncate(QUERY_TERMS);
        if terms.len() < MIN_SHARED {
            return Vec::new();
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|&(term, idf)| {
                let term = Term::from_field_text(self.fields.text, self.store.term(term));
                let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                let query: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(query), idf));
                (Occur::Should, query)
            })
            .collect();
        let searcher = self.reader.searcher();
        let top = match searcher
            .search(&BooleanQuery::new(clauses), &TopDocs::with_limit(CANDIDATES).order_by_score())
        {
            Ok(top) => top,
            Err(err) => {
                tracing::error!(cause = %err, "related passages: search failed");
                return Vec::new();
            }
        };
        let mut related: Vec<Arc<Passage>> = Vec::new();
        for (_, address) in top {
            let Some(other) = self.number_at(address) else { continue };
            if other == number {
                continue;
            }
            let candidate = self.store.forward(other as usize);
            let shared = terms.iter().filter(|(t, _)| candidate.terms.binary_search(t).is_ok());
            if shared.count() < MIN_SHARED {
                continue;
            }
            let Some(other) = self.passage_by_number(other) else { continue };
            if is_near(&passage, &other) || related.iter().any(|p| p.text == other.text) {
                continue;
            }
            related.push(other);
            if related.len() == n {
                break;
            }
        }
        related
    }
}

/// True when `other` is in `passage`'s section of the same document, or (when `passage`
/// has no section) right next to it.
fn is_near(passage: &Passage, other: &Passage) -> bool {
    if passage.doc_id != other.doc_id {
        return false;
    }
    match &passage.section {
        Some(section) => other.section.as_ref() == Some(section),
        None => passage.ordinal.abs_diff(other.ordinal) <= 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(doc_id: &str, section: Option<&str>, ordinal: u32) -> Passage {
        Passage {
            id: format!("{doc_id}#{ordinal}"),
            doc_id: doc_id.into(),
            title: "T".into(),
            section: section.map(String::from),
            source: doc_id.into(),
            url: None,
            ordinal,
            text: String::new(),
        }
    }

    #[test]
    fn near_means_same_section_or_next_door() {
        let answer = passage("a", Some("Goals"), 3);
        assert!(is_near(&answer, &passage("a", Some("Goals"), 9)));
        assert!(!is_near(&answer, &passage("a", Some("Funding"), 4)));
        assert!(!is_near(&answer, &passage("b", Some("Goals"), 3)));
        let plain = passage("a", None, 3);
        assert!(is_near(&plain, &passage("a", None, 4)));
        assert!(!is_near(&plain, &passage("a", None, 5)));
    }
}
