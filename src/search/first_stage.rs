//! The BM25 first stage: the plan's term clauses in tantivy, best `limit` passages first.
//!
//! Each concept of a plan becomes up to three boosted term clauses (text, title, section) plus
//! its alternatives' — a dozen to twenty-five clauses a question — and tantivy's block-max
//! WAND gets slower with each. Two ways keep the scores and cost less:
//!
//! - [`Tuning::narrow`]: WAND over the text clauses alone, then the other clauses' scores
//!   added to its candidates by seeking their postings ([`add_clause_scores`]);
//! - [`top_by_score`]: one top-k heap across segments, so that every segment after the first
//!   starts pruning at the best scores found so far instead of at zero;
//! - [`Statistics`]: each clause's document frequency read once, and a clause whose term is
//!   not in its field (most title clauses) left out before tantivy builds its weight.
//!
//! The question's words as written (folded, unstemmed) score too, as BM25 over the
//! candidates' forward entries rather than an index field (`Engine::add_exact_scores`).

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashSet};

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{
    Bm25StatisticsProvider, BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery,
    Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Score, Searcher, Term};

use super::Engine;
#[cfg(doc)]
use super::Tuning;
use super::plan::{AltKind, Plan};

impl Engine {
    /// The BM25 first stage: the best `limit` passages for the plan's clauses (each term of
    /// each alternative in the text, title and section fields, and the feedback `expansion`
    /// terms), best first.
    ///
    /// With [`Tuning::narrow`] above 0 the same scores are computed in two passes (see
    /// [`Clause::pass`]): tantivy's block-max WAND runs over the few text clauses only and
    /// keeps the best `narrow_depth` (more when more than the re-ranked candidates are asked
    /// for), and the remaining clauses are added to those candidates by seeking their
    /// postings. A passage outside that pool is never found, which is the only difference
    /// from one query over every clause; WAND's cost grows with the number of clauses, so
    /// the narrow query is the cheap one.
    pub(super) fn first_stage(
        &self,
        query: &QueryClauses<'_>,
        plan: &Plan,
        limit: usize,
    ) -> tantivy::Result<Vec<(f32, u32)>> {
        let &QueryClauses { searcher, ref clauses, ref statistics } = query;
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let (first, second): (Vec<&Clause>, Vec<&Clause>) =
            clauses.iter().partition(|clause| clause.pass == 1);
        let (first, second) = if first.is_empty() {
            // Nothing to narrow to (a question of filler words, say): one pass over everything.
            (second, Vec::new())
        } else {
            (first, second)
        };
        // A clause whose term no passage holds in its field scores nothing.
        let first: Vec<&Clause> = first.into_iter().filter(|c| statistics.matches(c)).collect();
        let second: Vec<&Clause> = second.into_iter().filter(|c| statistics.matches(c)).collect();
        if first.is_empty() {
            return Ok(Vec::new());
        }
        // The pool: `narrow_depth` for the candidates that are re-ranked, and room to spare
        // for the deeper ranks only evaluation asks for (its top 100).
        let exact = self.tuning.exact_boost > 0.0
            && plan.concepts.iter().any(|concept| concept.word_id.is_some());
        let depth = if second.is_empty() && !exact {
            limit
        } else {
            self.tuning.narrow_depth.max(limit) + limit.saturating_sub(self.tuning.candidates)
        };
        let query = BooleanQuery::new(first.iter().map(|clause| clause.query()).collect());
        let mut found = if self.tuning.shared_threshold {
            top_by_score(searcher, statistics, &query, depth)?
        } else {
            searcher.search(&query, &TopDocs::with_limit(depth).order_by_score())?
        };
        if !second.is_empty() && !found.is_empty() {
            add_clause_scores(searcher, statistics, &second, &mut found)?;
        }
        self.add_exact_scores(searcher, plan, &mut found)?;
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        found.truncate(limit);
        Ok(self.numbered(found))
    }

    /// The passages that define the term (their `defines` field holds one of its `keys`):
    /// every one of them, by number, and at most `limit` of them as candidates, each with the
    /// score the plan's clauses give it, best first — what a definition question adds to the
    /// first stage's candidates, found however many passages repeat the term more often. Of
    /// a term defined very often, the first [`DEFINING_POOL`] are scored.
    pub(super) fn defining(
        &self,
        query: &QueryClauses<'_>,
        plan: &Plan,
        keys: &[String],
        limit: usize,
    ) -> tantivy::Result<Defining> {
        let &QueryClauses { searcher, ref clauses, ref statistics } = query;
        let defines = BooleanQuery::new(
            keys.iter()
                .map(|key| {
                    let term = Term::from_field_text(self.fields.defines, key);
                    let query: Box<dyn Query> =
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                    (Occur::Should, query)
                })
                .collect(),
        );
        let every = searcher.search(&defines, &DocSetCollector)?;
        let every = every.into_iter().map(|address| (0.0, address)).collect();
        let all = self.numbered(every).into_iter().map(|(_, number)| number).collect();
        let pool =
            searcher.search(&defines, &TopDocs::with_limit(DEFINING_POOL).order_by_score())?;
        let mut found: Vec<(f32, DocAddress)> =
            pool.into_iter().map(|(_, address)| (0.0, address)).collect();
        let clauses: Vec<&Clause<'_>> = clauses.iter().filter(|c| statistics.matches(c)).collect();
        add_clause_scores(searcher, statistics, &clauses, &mut found)?;
        self.add_exact_scores(searcher, plan, &mut found)?;
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        found.truncate(limit);
        Ok(Defining { candidates: self.numbered(found), all })
    }

    /// Adds to each hit the BM25 score of the question's words as written (folded, not
    /// stemmed), weighted by [`Tuning::exact_boost`]: how often the passage holds each word
    /// comes from its forward entry (`Store::count_words`), the word's passage count from the store, the passage's
    /// length from the text field's norms. Scored on the hits only, so a passage found by its
    /// words as written alone is not added; an index field of every word as written cost a
    /// quarter of the build's CPU and 15 % of the index for the same scores.
    fn add_exact_scores(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        found: &mut [(f32, DocAddress)],
    ) -> tantivy::Result<()> {
        let tuning = &self.tuning;
        let mut words: Vec<(u32, f32)> = Vec::new();
        for concept in &plan.concepts {
            let Some(word) = concept.word_id else { continue };
            let weight = if concept.informative { 1.0 } else { tuning.filler_boost };
            let boost = weight * tuning.exact_boost;
            match words.iter_mut().find(|(known, _)| *known == word) {
                Some((_, total)) => *total += boost,
                None => words.push((word, boost)),
            }
        }
        let mut weighted: Vec<(u32, f32)> = words
            .into_iter()
            .filter(|&(word, boost)| boost > 0.0 && self.store.word_df(word) > 0)
            .map(|(word, boost)| (word, boost * self.store.word_idf(word)))
            .collect();
        if weighted.is_empty() || found.is_empty() {
            return Ok(());
        }
        weighted.sort_unstable_by_key(|&(word, _)| word);
        let wanted: Vec<u32> = weighted.iter().map(|&(word, _)| word).collect();
        let mut counts = vec![0u32; wanted.len()];
        let mut scratch = Vec::new();
        let mut norms = Vec::with_capacity(searcher.segment_readers().len());
        let (mut tokens, mut docs) = (0u64, 0u64);
        for reader in searcher.segment_readers() {
            norms.push(reader.get_fieldnorms_reader(self.fields.text)?);
            tokens += reader.inverted_index(self.fields.text)?.total_num_tokens();
            docs += u64::from(reader.num_docs());
        }
        let average = if docs == 0 { 1.0 } else { (tokens as f32 / docs as f32).max(1.0) };
        for (score, address) in found.iter_mut() {
            let Some(number) = self.number_at(*address) else { continue };
            self.store.count_words(number as usize, &wanted, &mut counts, &mut scratch);
            if counts.iter().all(|&n| n == 0) {
                continue;
            }
            let length = norms
                .get(address.segment_ord as usize)
                .map_or(average, |norms| norms.fieldnorm(address.doc_id) as f32);
            let saturation = BM25_K1 * (1.0 - BM25_B + BM25_B * length / average);
            for (&(_, weight), &tf) in weighted.iter().zip(&counts) {
                let tf = tf as f32;
                if tf > 0.0 {
                    *score += weight * tf * (BM25_K1 + 1.0) / (tf + saturation);
                }
            }
        }
        Ok(())
    }

    /// First-stage hits by passage number.
    fn numbered(&self, found: Vec<(f32, DocAddress)>) -> Vec<(f32, u32)> {
        found
            .into_iter()
            .filter_map(|(score, address)| Some((score, self.number_at(address)?)))
            .collect()
    }

    /// The passage number of a tantivy document, from the `number` fast field; `None` for
    /// an address outside the index or a number past the store (a damaged fast field: never
    /// index the store with it).
    pub(super) fn number_at(&self, address: DocAddress) -> Option<u32> {
        let number =
            *self.numbers.get(address.segment_ord as usize)?.get(address.doc_id as usize)?;
        ((number as usize) < self.store.len()).then_some(number)
    }

    /// The clauses of `plan` (with feedback `expansion`) and their statistics, read from
    /// `searcher` once for everything one question searches with them.
    pub(super) fn query_clauses<'a>(
        &'a self,
        searcher: &'a Searcher,
        plan: &Plan,
        expansion: &[(u32, f32)],
    ) -> tantivy::Result<QueryClauses<'a>> {
        let clauses = self.clauses(plan, expansion);
        let statistics = Statistics::new(searcher, &clauses)?;
        Ok(QueryClauses { searcher, clauses, statistics })
    }

    /// The first stage's term clauses for a plan: a (field, term) asked twice is one clause,
    /// weighted twice.
    fn clauses<'a>(&'a self, plan: &Plan, expansion: &[(u32, f32)]) -> Vec<Clause<'a>> {
        let tuning = &self.tuning;
        let mut clauses: Vec<Clause<'a>> = Vec::new();
        let skip_field = |field: Field| field == self.fields.section && !self.has_sections;
        let fields = self.fields;
        let narrow = tuning.narrow;
        let mut add = |field: Field, text: &'a str, boost: f32, kind: ClauseKind| {
            if boost <= 0.0 || skip_field(field) {
                return;
            }
            let pass = kind.pass(narrow);
            match clauses.iter_mut().find(|c| c.field == field && c.text == text) {
                Some(clause) => {
                    clause.boost += boost;
                    clause.pass = clause.pass.min(pass);
                }
                None => clauses.push(Clause { field, text, boost, pass }),
            }
        };
        for concept in &plan.concepts {
            let weight = if concept.informative { 1.0 } else { tuning.filler_boost };
            // When the index lacks (part of) the word as asked, its alternatives are what
            // finds passages: they stay with the text clauses.
            let asked_known = concept
                .alternatives
                .first()
                .is_some_and(|asked| !asked.terms.is_empty() && asked.terms.len() == asked.total);
            let alternative = if asked_known { ClauseKind::Alternative } else { ClauseKind::Text };
            let asked = if concept.informative { ClauseKind::Text } else { ClauseKind::Filler };
            for alt in &concept.alternatives {
                let (boost, kind) = match alt.kind {
                    AltKind::Asked => (1.0, asked),
                    AltKind::Typo => (tuning.typo_boost, asked),
                    AltKind::Synonym => (tuning.synonym_boost, alternative),
                    AltKind::Derived => (tuning.derived_boost, alternative),
                };
                let boost = weight * boost;
                for &term in &alt.terms {
                    let text = self.store.term(term);
                    add(fields.text, text, boost, kind);
                    // A term in no passage's text (a word of titles only) is found through
                    // the headings: their clauses then find candidates too.
                    let heading =
                        if self.store.term_df(term) == 0 { kind } else { ClauseKind::Other };
                    add(fields.title, text, boost * tuning.title_boost, heading);
                    add(fields.section, text, boost * tuning.section_boost, heading);
                }
            }
        }
        for &(term, boost) in expansion {
            add(fields.text, self.store.term(term), boost, ClauseKind::Text);
        }
        clauses
    }
}

/// The passages that define a definition question's term ([`Engine::defining`]).
pub(super) struct Defining {
    /// The best of them as first-stage candidates: (score, passage number).
    pub candidates: Vec<(f32, u32)>,
    /// The numbers of all of them: the candidates that get the definition bonus.
    pub all: HashSet<u32>,
}

/// tantivy's BM25 parameters, which the exact-form scores share.
const BM25_K1: f32 = 1.2;
/// See [`BM25_K1`].
const BM25_B: f32 = 0.75;

/// At most this many passages defining a term are scored for [`Engine::defining`].
const DEFINING_POOL: usize = 200;

/// A question's first-stage clauses with their BM25 statistics, built once
/// ([`Engine::query_clauses`]) for the first stage and a definition question's look-up of the
/// passages that define its term: one searcher, each clause's document frequency read once.
pub(super) struct QueryClauses<'a> {
    searcher: &'a Searcher,
    clauses: Vec<Clause<'a>>,
    statistics: Statistics<'a>,
}

/// One term clause of the first stage.
#[derive(Debug, Clone, Copy)]
struct Clause<'a> {
    field: Field,
    text: &'a str,
    boost: f32,
    /// 1: the block-max WAND pass that finds the candidates; 2: added to them afterwards.
    pass: u8,
}

/// What a first-stage clause stands for, in the order of how much it finds on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ClauseKind {
    /// A text-field term of a word as asked, of its typo correction, or of feedback.
    Text,
    /// A text-field term of a synonym or a derived form (of a word the index knows).
    Alternative,
    /// A text-field term of a question word or filler ("what", "how much").
    Filler,
    /// A title, section or exact-form clause.
    Other,
}

impl ClauseKind {
    /// The pass that scores a clause of this kind with [`Tuning::narrow`] at `narrow`: 1
    /// is the block-max WAND query that finds the candidates, 2 the seek into the
    /// candidates' postings. Level 1 keeps every text clause in pass 1; level 2 leaves out
    /// the synonyms and derived forms of words the index knows; level 3 also the question
    /// words and filler.
    fn pass(self, narrow: u8) -> u8 {
        let first = narrow == 0
            || match self {
                ClauseKind::Text => true,
                ClauseKind::Alternative => narrow < 2,
                ClauseKind::Filler => narrow < 3,
                ClauseKind::Other => false,
            };
        if first { 1 } else { 2 }
    }
}

impl Clause<'_> {
    /// The boosted term query.
    fn query(&self) -> (Occur, Box<dyn Query>) {
        let term = TermQuery::new(
            Term::from_field_text(self.field, self.text),
            IndexRecordOption::WithFreqs,
        );
        (Occur::Should, Box::new(BoostQuery::new(Box::new(term), self.boost)))
    }
}

/// Adds to each candidate's score what `clauses` give it, exactly as tantivy would in one
/// query over all of them: each clause's scorer seeks through the candidates of each
/// segment in document order.
fn add_clause_scores(
    searcher: &Searcher,
    statistics: &dyn Bm25StatisticsProvider,
    clauses: &[&Clause<'_>],
    found: &mut [(f32, DocAddress)],
) -> tantivy::Result<()> {
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by_key(|&i| found[i].1);
    let scoring = EnableScoring::enabled_from_statistics_provider(statistics, searcher);
    for clause in clauses {
        let (_, query) = clause.query();
        let weight = query.weight(scoring)?;
        let mut start = 0;
        while start < order.len() {
            let segment = found[order[start]].1.segment_ord;
            let end = start
                + order[start..].iter().take_while(|&&i| found[i].1.segment_ord == segment).count();
            let reader = searcher.segment_reader(segment);
            let mut scorer = weight.scorer(reader, 1.0)?;
            for &i in &order[start..end] {
                let doc = found[i].1.doc_id;
                if scorer.doc() < doc {
                    scorer.seek(doc);
                }
                if scorer.doc() == doc {
                    found[i].0 += scorer.score();
                }
            }
            start = end;
        }
    }
    Ok(())
}

/// The BM25 statistics of one question's clauses, each read from the index once. tantivy
/// reads a clause's document frequency and its field's length whenever it builds the
/// clause's weight; here they are read before, which also tells which clauses' terms are
/// not in their field at all ([`Statistics::matches`]): a question's title clauses mostly,
/// which then cost neither a weight nor a scorer.
struct Statistics<'a> {
    searcher: &'a Searcher,
    docs: u64,
    /// Tokens in each clause field.
    tokens: Vec<(Field, u64)>,
    /// Each clause's (field, term) and its document frequency.
    doc_freqs: Vec<(Field, &'a str, u64)>,
}

impl<'a> Statistics<'a> {
    fn new(searcher: &'a Searcher, clauses: &[Clause<'a>]) -> tantivy::Result<Statistics<'a>> {
        let mut tokens: Vec<(Field, u64)> = Vec::new();
        let mut doc_freqs = Vec::with_capacity(clauses.len());
        for clause in clauses {
            if !tokens.iter().any(|&(field, _)| field == clause.field) {
                tokens.push((clause.field, searcher.total_num_tokens(clause.field)?));
            }
            let term = Term::from_field_text(clause.field, clause.text);
            doc_freqs.push((clause.field, clause.text, searcher.doc_freq(&term)?));
        }
        Ok(Statistics { searcher, docs: searcher.total_num_docs()?, tokens, doc_freqs })
    }

    /// False when no passage holds the clause's term in the clause's field: its clause
    /// scores nothing, so it can be left out.
    fn matches(&self, clause: &Clause<'_>) -> bool {
        self.known_doc_freq(clause.field, clause.text).is_none_or(|doc_freq| doc_freq > 0)
    }

    fn known_doc_freq(&self, field: Field, text: &str) -> Option<u64> {
        self.doc_freqs.iter().find(|&&(f, t, _)| f == field && t == text).map(|&(.., n)| n)
    }
}

impl Bm25StatisticsProvider for Statistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        match self.tokens.iter().find(|&&(f, _)| f == field) {
            Some(&(_, tokens)) => Ok(tokens),
            None => self.searcher.total_num_tokens(field),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let value = term.value();
        match value.as_str().and_then(|text| self.known_doc_freq(term.field(), text)) {
            Some(doc_freq) => Ok(doc_freq),
            None => self.searcher.doc_freq(term),
        }
    }
}

/// A candidate in the top-k heap: ordered by score, and among equal scores the earlier
/// address is the better (as tantivy's `TopDocs` orders them).
#[derive(Debug, Clone, Copy)]
struct Ranked(Score, DocAddress);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then_with(|| other.1.cmp(&self.1))
    }
}

/// The `k` best-scoring documents for `query`, best first (ties: earlier address first):
/// what `TopDocs::with_limit(k).order_by_score()` returns, but with one heap across the
/// segments, searched in order, so that block-max WAND in each segment starts from the
/// k-th best score so far rather than from nothing.
pub(super) fn top_by_score(
    searcher: &Searcher,
    statistics: &dyn Bm25StatisticsProvider,
    query: &dyn Query,
    k: usize,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    if k == 0 {
        return Ok(Vec::new());
    }
    let scoring = EnableScoring::enabled_from_statistics_provider(statistics, searcher);
    let weight: Box<dyn Weight> = query.weight(scoring)?;
    let mut heap: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(k + 1);
    let mut threshold = Score::MIN;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let segment = ord as u32;
        let alive = reader.alive_bitset();
        weight.for_each_pruning(threshold, reader, &mut |doc, score| {
            if alive.is_some_and(|alive| alive.is_deleted(doc)) {
                return threshold;
            }
            let entry = Ranked(score, DocAddress::new(segment, doc));
            if heap.len() < k {
                heap.push(Reverse(entry));
            } else if let Some(mut worst) = heap.peek_mut()
                && entry > worst.0
            {
                *worst = Reverse(entry);
            }
            if heap.len() == k {
                threshold = heap.peek().map_or(Score::MIN, |Reverse(worst)| worst.0);
            }
            threshold
        })?;
    }
    let mut ranked: Vec<Ranked> = heap.into_iter().map(|Reverse(entry)| entry).collect();
    ranked.sort_by(|a, b| b.cmp(a));
    Ok(ranked.into_iter().map(|Ranked(score, address)| (score, address)).collect())
}

#[cfg(test)]
mod tests {
    use tantivy::doc;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, IndexWriter};

    use super::*;

    /// An in-RAM index of three segments over two text fields.
    fn index() -> (Index, Field, Field) {
        let mut builder = Schema::builder();
        let body = builder.add_text_field("body", TEXT);
        let title = builder.add_text_field("title", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let words = ["apple", "pear", "plum", "fig", "kiwi", "lime", "date", "cherry"];
        for segment in 0..3 {
            for i in 0..200usize {
                let n = segment * 200 + i;
                let text: Vec<&str> = (0..1 + n % 7)
                    .map(|j| words[(n * 3 + j * j + segment) % words.len()])
                    .collect();
                let heading = words[(n / 5) % words.len()];
                writer.add_document(doc!(body => text.join(" "), title => heading)).unwrap();
            }
            writer.commit().unwrap();
        }
        (index, body, title)
    }

    fn clause(field: Field, text: &str, boost: f32) -> Clause<'_> {
        Clause { field, text, boost, pass: 1 }
    }

    fn union(clauses: &[Clause<'_>]) -> BooleanQuery {
        BooleanQuery::new(clauses.iter().map(Clause::query).collect())
    }

    #[test]
    fn one_heap_across_segments_finds_what_top_docs_finds() {
        let (index, body, title) = index();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let clauses = [
            clause(body, "apple", 1.0),
            clause(body, "fig", 0.7),
            clause(title, "plum", 0.3),
            clause(body, "cherry", 1.3),
        ];
        let query = union(&clauses);
        for k in [1, 5, 20, 1000] {
            let ours = top_by_score(&searcher, &searcher, &query, k).unwrap();
            let theirs = searcher.search(&query, &TopDocs::with_limit(k).order_by_score()).unwrap();
            // The same scores, up to the order block-max WAND sums a document's terms in.
            assert_eq!(ours.len(), theirs.len(), "k = {k}");
            for (a, b) in ours.iter().zip(&theirs) {
                assert!((a.0 - b.0).abs() < 1e-5 * b.0.max(1.0), "k = {k}: {a:?} {b:?}");
            }
        }
        assert!(top_by_score(&searcher, &searcher, &query, 0).unwrap().is_empty());
    }

    #[test]
    fn clause_scores_added_by_seeking_equal_one_query_over_all_clauses() {
        let (index, body, title) = index();
        let searcher = index.reader().unwrap().searcher();
        let narrow = [clause(body, "apple", 1.0), clause(body, "kiwi", 0.8)];
        let rest =
            [clause(title, "apple", 0.3), clause(title, "kiwi", 0.3), clause(body, "lime", 0.2)];
        // Every document the narrow query matches, with its narrow score.
        let mut found = top_by_score(&searcher, &searcher, &union(&narrow), 10_000).unwrap();
        let rest_refs: Vec<&Clause<'_>> = rest.iter().collect();
        add_clause_scores(&searcher, &searcher, &rest_refs, &mut found).unwrap();
        let all: Vec<Clause<'_>> = narrow.iter().chain(&rest).copied().collect();
        let full = top_by_score(&searcher, &searcher, &union(&all), 10_000).unwrap();
        for (score, address) in &found {
            let (expected, _) = full.iter().find(|(_, a)| a == address).expect("matched by both");
            assert!((score - expected).abs() < 1e-4 * expected.max(1.0), "{address:?}");
        }
    }

    #[test]
    fn statistics_read_once_score_as_the_searcher_and_tell_absent_terms() {
        let (index, body, title) = index();
        let searcher = index.reader().unwrap().searcher();
        let clauses = [
            clause(body, "apple", 1.0),
            clause(body, "banana", 0.9),
            clause(title, "kiwi", 0.3),
            clause(title, "mango", 0.3),
        ];
        let statistics = Statistics::new(&searcher, &clauses).unwrap();
        let matching: Vec<bool> = clauses.iter().map(|c| statistics.matches(c)).collect();
        assert_eq!(matching, [true, false, true, false]);
        // The same scores as tantivy's own statistics, with or without the absent clauses.
        let query = union(&clauses);
        let theirs = top_by_score(&searcher, &searcher, &query, 1_000).unwrap();
        let ours = top_by_score(&searcher, &statistics, &query, 1_000).unwrap();
        assert_eq!(ours, theirs);
        let present: Vec<Clause<'_>> =
            clauses.iter().filter(|c| statistics.matches(c)).copied().collect();
        assert_eq!(top_by_score(&searcher, &statistics, &union(&present), 1_000).unwrap(), theirs);
        // A term no clause asked for is read from the index.
        let other = Term::from_field_text(body, "fig");
        assert_eq!(statistics.doc_freq(&other).unwrap(), searcher.doc_freq(&other).unwrap());
        assert_eq!(
            Bm25StatisticsProvider::total_num_tokens(&statistics, body).unwrap(),
            searcher.total_num_tokens(body).unwrap()
        );
    }

    #[test]
    fn each_level_leaves_more_clauses_to_the_second_pass() {
        use ClauseKind::*;
        for kind in [Text, Alternative, Filler, Other] {
            assert_eq!(kind.pass(0), 1, "{kind:?}");
            assert_eq!(kind.pass(3), if kind == Text { 1 } else { 2 }, "{kind:?}");
        }
        assert_eq!(Alternative.pass(1), 1);
        assert_eq!(Alternative.pass(2), 2);
        assert_eq!(Filler.pass(2), 1);
        assert_eq!(Other.pass(1), 2);
    }
}
