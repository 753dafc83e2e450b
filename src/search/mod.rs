//! Search: one [`Engine`] per index generation turns questions into ranked answers.
//!
//! Open once, search per request: the engine holds the tantivy reader and the memory-mapped
//! passage store (passages, forward entries, vocabularies, read in place); each question
//! takes a cheap searcher. The steps are `plan` (question → concepts with typo and synonym alternatives), a BM25 first stage in
//! tantivy over text, exact-form, title and section fields, then `rank` (sentence coverage,
//! exact word pairs, confidence). Everything is synchronous and never fails on user text.

mod check;
mod clean;
mod confidence;
mod definition;
mod english;
mod examples;
#[cfg(test)]
mod failure_tests;
mod first_stage;
mod followup;
mod links;
mod plan;
mod rank;
mod related;
mod shared;
mod synonyms;
mod tuning;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use tantivy::{Index, IndexReader, ReloadPolicy};

// What the front ends (`cli`, `bot`, `eval`), the tests and the benches use, and the types
// their results are made of; the rest stays inside `search`.
pub use check::{SelfCheckFailure, self_check};
pub use confidence::{DEFAULT_MIN_CONFIDENCE, FEATURES as CONFIDENCE_FEATURES};
pub use definition::Definition;
pub use plan::{AltKind, Concept, Plan};
pub use rank::{Evidence, RankWeights, Scored};
pub use shared::SharedEngine;
pub use synonyms::Synonyms;
pub use tuning::Tuning;

use clean::QUESTION_FILLER;
use plan::COMMON_WORDS;

use crate::analysis::Analyzer;
use crate::answer::{Answer, NoMatchReason, Reply};
use crate::corpus::Passage;
use crate::error::{Error, InternalError, Result, UserError};
use crate::index::{self, Fields, Focus, ForwardBuffers, STORE_FILE, Store};

/// The [`IndexInfo::generation`] of an engine made by [`Engine::in_ram`].
pub const IN_RAM_GENERATION: &str = "in-ram";
/// Questions are analysed up to this many bytes; the rest is ignored.
const MAX_QUESTION_BYTES: usize = 16 * 1024;
/// Expansion terms of the feedback query that orders the ranks below the re-ranked ones.
const DEEP_FEEDBACK_TERMS: usize = 10;

/// A definition question re-ranks at most this many passages that define its term, besides
/// the first stage's candidates.
const DEFINING_CANDIDATES: usize = 5;

/// [`Engine::topics`] looks at most at this many passages.
const TOPIC_SCAN: usize = 10_000;

/// Facts about the open generation.
#[derive(Debug, Clone)]
pub struct IndexInfo {
    /// Documents indexed.
    pub documents: usize,
    /// Passages indexed.
    pub passages: usize,
    /// When the generation was built, in seconds since the Unix epoch.
    pub built_at_unix: u64,
    /// The generation's directory name.
    pub generation: String,
}

/// An open index generation, ready to answer questions from many threads.
pub struct Engine {
    reader: IndexReader,
    fields: Fields,
    /// The passage store, memory-mapped: passages, forward entries and vocabularies are
    /// read where they lie, one record at a time.
    store: Store,
    /// False when no passage has a section: the section field is then left out of queries.
    has_sections: bool,
    /// Segment ordinal → doc id → passage number.
    numbers: Vec<Vec<u32>>,
    /// `/start` example questions, made on first use (see `examples`).
    examples: OnceLock<Vec<String>>,
    analyzer: Analyzer,
    synonyms: Synonyms,
    tuning: Tuning,
    info: IndexInfo,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("info", &self.info).finish_non_exhaustive()
    }
}

impl Engine {
    /// Opens the live generation under `index_dir`.
    pub fn open(index_dir: &Path) -> Result<Engine> {
        let (_, path, _) = index::live_generation(index_dir)
            .ok_or_else(|| UserError::IndexMissing(index_dir.to_path_buf()))?;
        Engine::open_generation(&path)
    }

    /// Opens one generation directory (live or staged).
    pub fn open_generation(path: &Path) -> Result<Engine> {
        let manifest = index::read_manifest(path)
            .ok_or_else(|| UserError::IndexMissing(path.to_path_buf()))?;
        index::verify_generation(path, &manifest, index::Depth::Quick)?;
        let damaged = |err: tantivy::TantivyError| {
            Error::Internal(InternalError::GenerationDamaged {
                generation: path.to_path_buf(),
                problem: format!("the search index cannot be opened ({err})"),
            })
        };
        let index = index::open_read_only(path).map_err(damaged)?;
        let (reader, fields, numbers) = open_reader(&index).map_err(damaged)?;
        let store = Store::open_checked(path, &manifest)?;
        if store.len() != manifest.passages {
            return Err(Error::Internal(InternalError::GenerationDamaged {
                generation: path.to_path_buf(),
                problem: format!(
                    "{STORE_FILE} holds {} passages, the manifest {}",
                    store.len(),
                    manifest.passages
                ),
            }));
        }
        let info = IndexInfo {
            documents: manifest.documents,
            passages: store.len(),
            built_at_unix: manifest.built_at_unix,
            generation: path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        Ok(Engine::with_parts(reader, fields, numbers, store, info))
    }

    /// An engine over `passages` (numbered in their order) held in memory only: a tantivy
    /// index in RAM and a passage store built in memory, by the same analysis and writer
    /// settings as `passagebot index`, so it ranks exactly as an engine opened from a
    /// generation built of the same passages. For tests and tools; nothing touches the disk.
    ///
    /// # Errors
    /// [`Error::Internal`] when tantivy fails (not expected in RAM).
    pub fn in_ram(passages: &[Passage]) -> Result<Engine> {
        let (index, store, documents) = index::build_in_ram(passages)?;
        let (reader, fields, numbers) = open_reader(&index)?;
        let info = IndexInfo {
            documents,
            passages: store.len(),
            built_at_unix: 0,
            generation: IN_RAM_GENERATION.to_string(),
        };
        Ok(Engine::with_parts(reader, fields, numbers, store, info))
    }

    /// The engine over an opened reader and store, with the default analysis and tuning.
    fn with_parts(
        reader: IndexReader,
        fields: Fields,
        numbers: Vec<Vec<u32>>,
        store: Store,
        info: IndexInfo,
    ) -> Engine {
        Engine {
            reader,
            fields,
            has_sections: store.has_sections(),
            store,
            numbers,
            examples: OnceLock::new(),
            analyzer: Analyzer::default(),
            synonyms: Synonyms::builtin(),
            tuning: Tuning::default(),
            info,
        }
    }

    /// Replaces the ranking knobs.
    pub fn set_tuning(&mut self, tuning: Tuning) {
        self.tuning = tuning;
    }

    /// The ranking knobs in use.
    pub fn tuning(&self) -> &Tuning {
        &self.tuning
    }

    /// Replaces the synonym groups.
    pub fn set_synonyms(&mut self, synonyms: Synonyms) {
        self.synonyms = synonyms;
    }

    /// The confidence model's inputs for a hit, in the order of [`CONFIDENCE_FEATURES`].
    pub fn confidence_features(&self, hit: &Scored) -> [f32; confidence::FEATURES.len()] {
        confidence::features(&hit.evidence, self.store.unknown_idf())
    }

    /// Facts about the open generation.
    pub fn info(&self) -> &IndexInfo {
        &self.info
    }

    /// Answers `question` with up to `top_k` passages; any text is a question, so the only
    /// errors are failures of the index (a damaged segment), never "no good match": front
    /// ends log them and report them as such.
    ///
    /// # Errors
    /// [`Error::Internal`] when tantivy fails to search.
    pub fn ask(&self, question: &str, top_k: usize) -> Result<Reply> {
        let scored = self.rank(question, top_k.max(1))?;
        let mut reply = Reply {
            question: question.to_string(),
            answers: Vec::new(),
            suggestion: scored.suggestion,
            no_match: None,
            nearby: Vec::new(),
        };
        if scored.no_searchable_words {
            reply.no_match = Some(NoMatchReason::NoSearchableWords);
            return Ok(reply);
        }
        if !scored.answered {
            reply.no_match = Some(NoMatchReason::TooLittleOverlap);
            reply.nearby = self.nearby_topics(&scored.hits, 3);
            return Ok(reply);
        }
        // Only each answer's sentence ranges are read: no term, no pair.
        let (focus, mut buffers) = (Focus::default(), ForwardBuffers::default());
        reply.answers = scored
            .hits
            .iter()
            .take(top_k)
            .enumerate()
            .filter_map(|(i, hit)| {
                let forward = self.store.forward_into(hit.number as usize, &focus, &mut buffers);
                let passage = self.passage_by_number(hit.number)?;
                let mut highlight = forward.sentence(hit.sentence);
                if highlight.is_empty() || passage.text.get(highlight.clone()).is_none() {
                    highlight = 0..passage.text.len();
                }
                Some(Answer {
                    rank: i + 1,
                    score: hit.score,
                    confidence: hit.confidence,
                    passage,
                    highlight,
                })
            })
            .collect();
        Ok(reply)
    }

    /// Ranked passage numbers for `question`, with the confidence decision but without its
    /// cut (for evaluation): what [`Engine::ask`] answers from.
    ///
    /// # Errors
    /// [`Error::Internal`] when tantivy fails to search.
    pub fn rank(&self, question: &str, top_k: usize) -> Result<Ranking> {
        let plan = self.plan(question);
        let matcher = rank::Matcher::new(&plan);
        let mut ranking = Ranking {
            suggestion: plan.suggestion.clone(),
            no_searchable_words: plan.concepts.is_empty(),
            ..Ranking::default()
        };
        if matcher.is_empty() {
            return Ok(ranking);
        }
        let limit = self.tuning.candidates.max(top_k);
        let searcher = self.reader.searcher();
        let mut expansion = Vec::new();
        let mut query = self.query_clauses(&searcher, &plan, &expansion)?;
        let mut first_stage = self.first_stage(&query, &plan, limit)?;
        if self.tuning.feedback_terms > 0 && !first_stage.is_empty() {
            expansion = self.feedback(&matcher, &first_stage, self.tuning.feedback_terms);
            query = self.query_clauses(&searcher, &plan, &expansion)?;
            first_stage = self.first_stage(&query, &plan, limit)?;
        }
        // Only the best `candidates` are re-ranked; deeper hits (asked for by evaluation's
        // top 100) follow in BM25 order, as in any two-stage ranker — or, with
        // `deep_feedback`, in the order of a feedback-expanded query, which finds more of the
        // relevant passages without touching the ranks people see.
        let reranked = self.tuning.candidates.min(first_stage.len());
        if self.tuning.deep_feedback
            && self.tuning.feedback_terms == 0
            && top_k > reranked
            && reranked > 0
        {
            let expansion = self.feedback(&matcher, &first_stage, DEEP_FEEDBACK_TERMS);
            let deep_query = self.query_clauses(&searcher, &plan, &expansion)?;
            let deep = self.first_stage(&deep_query, &plan, limit)?;
            first_stage.truncate(reranked);
            let tail: Vec<(f32, u32)> = deep
                .into_iter()
                .filter(|(_, n)| !first_stage.iter().any(|(_, h)| h == n))
                .collect();
            first_stage.extend(tail);
        }
        let mut candidates = first_stage[..reranked].to_vec();
        // A definition question also re-ranks the passages that define its term, which
        // plain term frequency may leave far down ("What is a submodule?" in a manual
        // where hundreds of passages say "submodule").
        let definition = plan.definition.as_ref().filter(|_| self.tuning.definition > 0.0);
        let defining = match definition {
            Some(definition) => {
                Some(self.defining(&query, &plan, &definition.keys(), DEFINING_CANDIDATES)?)
            }
            None => None,
        };
        if let Some(defining) = &defining {
            for &found in &defining.candidates {
                if !candidates.iter().any(|(_, n)| *n == found.1) {
                    candidates.push(found);
                }
            }
        }
        let focus = matcher.focus();
        let mut buffers = ForwardBuffers::default();
        let mut hits: Vec<Scored> = candidates
            .iter()
            .map(|&(score, number)| {
                let forward = self.store.forward_into(number as usize, &focus, &mut buffers);
                matcher.score(forward, number, score, &self.tuning.rank)
            })
            .collect();
        if let Some(defining) = &defining {
            // Relative to the best candidate's score, so that it can lift a definition over
            // passages that only repeat the term more often. The index recorded which
            // passages define the term: no passage is read again to tell.
            let best = hits.iter().map(|h| h.score).fold(0.0f32, f32::max);
            let bonus = self.tuning.definition * best;
            for hit in hits.iter_mut().filter(|hit| defining.all.contains(&hit.number)) {
                hit.score += bonus;
            }
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.number.cmp(&b.number)));
        for i in 0..hits.len() {
            let next = hits.get(i + 1).map_or(0.0, |h| h.score);
            let hit = &mut hits[i];
            hit.evidence.margin =
                if hit.score > 0.0 { (hit.score - next) / hit.score } else { 0.0 };
        }
        // Deeper hits keep their first-stage order and score; their evidence is read only
        // for their confidence.
        let deeper = first_stage[reranked..]
            .iter()
            .filter(|(_, n)| !candidates.iter().any(|(_, c)| c == n))
            .take(top_k.saturating_sub(hits.len()));
        hits.extend(deeper.map(|&(score, number)| {
            let forward = self.store.forward_into(number as usize, &focus, &mut buffers);
            let rescored = matcher.score(forward, number, score, &self.tuning.rank);
            Scored { score, sentence: 0, ..rescored }
        }));
        hits.truncate(top_k);
        for hit in &mut hits {
            hit.confidence = confidence::confidence(&hit.evidence, self.store.unknown_idf());
        }
        ranking.confidence = hits.first().map_or(0.0, |best| best.confidence);
        ranking.answered = !hits.is_empty() && ranking.confidence >= self.tuning.min_confidence;
        ranking.hits = hits;
        Ok(ranking)
    }

    /// Pseudo-relevance feedback (RM3-like): the terms that weigh most in the top passages
    /// (their share of each passage's term occurrences × idf, weighted by the passage's
    /// score), excluding the question's own terms, each with a weight relative to the best.
    fn feedback(
        &self,
        matcher: &rank::Matcher,
        hits: &[(f32, u32)],
        terms: usize,
    ) -> Vec<(u32, f32)> {
        let best = hits[0].0.max(f32::EPSILON);
        let mut weights: HashMap<u32, f32> = HashMap::new();
        for &(score, number) in hits.iter().take(self.tuning.feedback_passages) {
            let forward = self.store.forward(number as usize);
            let occurrences: u32 = forward.term_sentences.iter().map(|b| b.count_ones()).sum();
            let scale = score / best / occurrences.max(1) as f32;
            for (&term, bits) in forward.terms.iter().zip(&forward.term_sentences) {
                if !matcher.contains(term) {
                    *weights.entry(term).or_default() +=
                        scale * bits.count_ones() as f32 * self.store.term_idf(term);
                }
            }
        }
        let mut ranked: Vec<(u32, f32)> = weights.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(terms);
        let top = ranked.first().map_or(1.0, |t| t.1.max(f32::EPSILON));
        ranked.iter().map(|&(term, w)| (term, self.tuning.feedback_weight * w / top)).collect()
    }

    /// The query plan for a question, as `rank` uses it (also for explaining results).
    pub fn plan(&self, question: &str) -> Plan {
        let empty = Synonyms::default();
        let expand = plan::Expansions {
            synonyms: if self.tuning.synonyms { &self.synonyms } else { &empty },
            typos: self.tuning.typos,
            derived: self.tuning.derived_boost > 0.0,
        };
        let question = &question[..question.floor_char_boundary(MAX_QUESTION_BYTES)];
        plan::plan(question, &self.analyzer, &self.store, expand)
    }

    /// The passage with this id.
    pub fn passage(&self, id: &str) -> Option<Arc<Passage>> {
        self.number_of(id).and_then(|n| self.passage_by_number(n))
    }

    /// The passage with this dense number (0 to passages − 1), decoded from the store.
    pub fn passage_by_number(&self, number: u32) -> Option<Arc<Passage>> {
        self.store.passage(number as usize).map(Arc::new)
    }

    /// The dense number of the passage with this id: a look-up of the indexed `id` field.
    pub fn number_of(&self, id: &str) -> Option<u32> {
        self.number_by_term(self.fields.id, id)
    }

    /// The passage `id` with up to `radius` neighbours of the same document on each side, in
    /// document order.
    pub fn context(&self, id: &str, radius: usize) -> Vec<Arc<Passage>> {
        let Some(number) = self.number_of(id) else { return Vec::new() };
        let Some(passage) = self.passage_by_number(number) else { return Vec::new() };
        let number = number as usize;
        let start = number.saturating_sub(radius);
        let end = (number + radius + 1).min(self.store.len());
        (start..end)
            .filter_map(|n| {
                if n == number {
                    return Some(Arc::clone(&passage));
                }
                self.passage_by_number(n as u32).filter(|p| p.doc_id == passage.doc_id)
            })
            .collect()
    }

    /// Up to `n` distinct topics (section headings, then document titles), for hints, from
    /// the first 10,000 passages.
    pub fn topics(&self, n: usize) -> Vec<String> {
        let scanned: Vec<Passage> =
            (0..self.store.len().min(TOPIC_SCAN)).filter_map(|i| self.store.passage(i)).collect();
        let mut topics: Vec<String> = Vec::new();
        let sections = scanned.iter().filter_map(|p| p.section.clone());
        let titles = scanned.iter().map(|p| p.title.clone());
        for topic in sections.chain(titles) {
            if topics.len() >= n {
                break;
            }
            if !topic.is_empty() && !topics.contains(&topic) {
                topics.push(topic);
            }
        }
        topics
    }

    /// Distinct sections or titles of the given hits, for a "try asking about" hint.
    fn nearby_topics(&self, hits: &[Scored], n: usize) -> Vec<String> {
        let mut topics: Vec<String> = Vec::new();
        for hit in hits {
            let Some(passage) = self.store.passage(hit.number as usize) else { continue };
            let topic = passage.section.clone().unwrap_or_else(|| passage.title.clone());
            if !topic.is_empty() && !topics.contains(&topic) {
                topics.push(topic);
            }
            if topics.len() == n {
                break;
            }
        }
        topics
    }

    /// Number of passages.
    pub fn len(&self) -> usize {
        self.store.len()
    }

    /// True when the generation holds no passage.
    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }
}

/// A reader of an opened tantivy index, its fields and, per segment, the passage number of
/// every document.
fn open_reader(index: &Index) -> tantivy::Result<(IndexReader, Fields, Vec<Vec<u32>>)> {
    let fields = index::fields_of(&index.schema())?;
    let reader: IndexReader =
        index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let searcher = reader.searcher();
    let mut numbers = Vec::with_capacity(searcher.segment_readers().len());
    for segment in searcher.segment_readers() {
        let column = segment.fast_fields().u64("number")?;
        numbers.push(
            (0..segment.max_doc()).map(|doc| column.first(doc).unwrap_or(0) as u32).collect(),
        );
    }
    Ok((reader, fields, numbers))
}

/// Ranked passage numbers before the confidence cut.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    /// Best first.
    pub hits: Vec<Scored>,
    /// Corrected question, if a typo was fixed.
    pub suggestion: Option<String>,
    /// The question had no searchable word.
    pub no_searchable_words: bool,
    /// The best hit's confidence (0 without hits).
    pub confidence: f32,
    /// True when the best hit clears the confidence threshold: what `ask` answers.
    pub answered: bool,
}
