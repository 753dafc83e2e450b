//! Second-stage ranking and the confidence rule.
//!
//! tantivy's BM25 picks candidates; each is then scored again from the passage's forward
//! data: how much of the question (idf-weighted concepts) one sentence covers, how much the
//! whole passage covers, and how many adjacent question words appear adjacent in the passage
//! in exactly the asked form. The best-covering sentence is the key sentence. A passage whose
//! coverage of the question's informative words is too low is not an answer.

use super::plan::{AltKind, Plan};
use crate::index::{Focus, Forward};

/// Bits for at most this many (concept, alternative, term) slots.
const MAX_SLOTS: usize = 128;

/// Weights of the second stage; see [`super::Tuning`] for their meaning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankWeights {
    /// Weight of the best sentence's covered idf mass.
    pub sentence: f32,
    /// Weight of the passage's covered idf mass.
    pub coverage: f32,
    /// Weight of the idf mass of exact adjacent word pairs.
    pub bigram: f32,
    /// Weight of the covered idf mass of the title and section heading.
    pub heading: f32,
    /// Weight of the idf mass of question words the passage holds as written.
    pub exact: f32,
}

/// A candidate after re-ranking.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scored {
    /// Passage number.
    pub number: u32,
    /// Final score.
    pub score: f32,
    /// Index of the key sentence in the passage's forward data.
    pub sentence: usize,
    /// Share of the question's informative idf the passage covers, 0 to 1.
    pub coverage: f32,
    /// What the confidence model reads (see [`super::CONFIDENCE_FEATURES`]).
    pub evidence: Evidence,
    /// The model's probability that this passage answers the question, 0 to 1.
    pub confidence: f32,
}

/// How well one candidate meets the question, as the confidence model reads it. Shares are
/// of the question's evidence idf (informative concepts, everyday words at half weight).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Evidence {
    /// Share covered by the passage text.
    pub coverage: f32,
    /// Share covered by the text, its document title and its section heading together.
    pub with_headings: f32,
    /// Share covered by the best sentence.
    pub sentence: f32,
    /// Share covered (text or headings) by the words as asked, not only through a typo
    /// correction, a synonym or a derived form.
    pub direct: f32,
    /// Evidence concepts at least half matched (text or headings).
    pub matched: u16,
    /// Evidence concepts of the question.
    pub concepts: u16,
    /// Highest idf among the matched concepts.
    pub best_idf: f32,
    /// Highest idf among the concepts left unmatched (0 when all matched).
    pub missing_idf: f32,
    /// Relative lead of this candidate's score over the next one's, 0 to 1 (set by the
    /// caller, which knows the order).
    pub margin: f32,
    /// The candidate's first-stage (BM25) score.
    pub bm25: f32,
}

/// One concept's weight and the slot masks of its alternatives.
struct ConceptMasks {
    /// Idf, halved for everyday words.
    weight: f32,
    /// Counts toward coverage.
    evidence: bool,
    /// Per alternative: its slot bits, how many terms it needs, and whether it is the word
    /// as asked.
    alternatives: Vec<(u128, usize, bool)>,
    /// The concept's own idf (not halved), for the rarity features.
    idf: f32,
}

/// Precomputed bit masks for one plan.
pub struct Matcher {
    /// (term id, slot bits), sorted by term id.
    term_bits: Vec<(u32, u128)>,
    /// Per concept, in question order.
    concepts: Vec<ConceptMasks>,
    /// Adjacent pairs of asked word ids with their weight.
    pairs: Vec<(u32, u32, f32)>,
    /// Asked word ids of the evidence concepts with their concept's weight.
    words: Vec<(u32, f32)>,
    /// Idf sum of the concepts that count toward coverage.
    evidence_idf: f32,
}

impl Matcher {
    /// Prepares the masks for `plan`.
    pub fn new(plan: &Plan) -> Matcher {
        let mut term_bits: Vec<(u32, u128)> = Vec::new();
        let mut concepts = Vec::with_capacity(plan.concepts.len());
        let mut slot = 0usize;
        // Without any informative concept (e.g. "what is it"), every concept is evidence.
        let any_informative = plan.concepts.iter().any(|c| c.informative);
        for concept in &plan.concepts {
            let mut alternatives = Vec::new();
            for alt in &concept.alternatives {
                let mut mask = 0u128;
                for &term in &alt.terms {
                    if slot >= MAX_SLOTS {
                        break;
                    }
                    let bit = 1u128 << slot;
                    slot += 1;
                    mask |= bit;
                    term_bits.push((term, bit));
                }
                if alt.total > 0 {
                    alternatives.push((mask, alt.needed.max(1), alt.kind == AltKind::Asked));
                }
            }
            let weight = if concept.common { concept.idf * 0.5 } else { concept.idf };
            let evidence = concept.informative || !any_informative;
            concepts.push(ConceptMasks { weight, evidence, alternatives, idf: concept.idf });
        }
        term_bits.sort_by_key(|&(term, _)| term);
        term_bits.dedup_by(|next, kept| {
            if next.0 == kept.0 {
                kept.1 |= next.1;
                true
            } else {
                false
            }
        });
        let mut pairs = Vec::new();
        for window in plan.concepts.windows(2) {
            if let (Some(a), Some(b)) = (window[0].word_id, window[1].word_id)
                && window[0].informative
                && window[1].informative
            {
                pairs.push((a, b, (window[0].idf + window[1].idf) / 2.0));
            }
        }
        let words = plan
            .concepts
            .iter()
            .zip(&concepts)
            .filter(|(_, masks)| masks.evidence)
            .filter_map(|(concept, masks)| Some((concept.word_id?, masks.weight)))
            .collect();
        let evidence_idf = concepts.iter().filter(|c| c.evidence).map(|c| c.weight).sum();
        Matcher { term_bits, concepts, pairs, words, evidence_idf }
    }

    /// What [`Matcher::score`] reads of a candidate: the question's terms and the words of
    /// its pairs, for [`Store::forward_into`](crate::index::Store::forward_into).
    pub fn focus(&self) -> Focus {
        let terms = self.term_bits.iter().map(|&(term, _)| term).collect();
        let pair_words = self.pairs.iter().flat_map(|&(a, b, _)| [a, b]).collect();
        Focus::new(terms, pair_words)
    }

    /// True when `term` is one of the question's terms (or their alternatives).
    pub fn contains(&self, term: u32) -> bool {
        self.term_bits.binary_search_by_key(&term, |&(t, _)| t).is_ok()
    }

    /// True when nothing in the question can match anything in the index.
    pub fn is_empty(&self) -> bool {
        self.term_bits.is_empty()
    }

    /// Covered idf mass of the evidence concepts for the terms in `mask`.
    fn mass(&self, mask: u128) -> f32 {
        if mask == 0 {
            return 0.0;
        }
        let mut mass = 0.0;
        for concept in &self.concepts {
            if !concept.evidence {
                continue;
            }
            let best = concept
                .alternatives
                .iter()
                .map(|&(alt_mask, total, _)| (mask & alt_mask).count_ones() as f32 / total as f32)
                .fold(0.0f32, f32::max);
            mass += concept.weight * best.min(1.0);
        }
        mass
    }

    /// Re-scores one candidate passage.
    pub fn score(
        &self,
        forward: &Forward,
        number: u32,
        first_stage: f32,
        weights: &RankWeights,
    ) -> Scored {
        let sentences = forward.sentences.len().clamp(1, 64);
        let mut sentence_masks = [0u128; 64];
        let mut passage_mask = 0u128;
        for &(term, bits) in &self.term_bits {
            let mut in_sentences = forward.sentences_of(term);
            if in_sentences == 0 {
                continue;
            }
            passage_mask |= bits;
            while in_sentences != 0 {
                let s = in_sentences.trailing_zeros() as usize;
                sentence_masks[s] |= bits;
                in_sentences &= in_sentences - 1;
            }
        }
        let mut best = (0.0f32, 0usize);
        for (s, &mask) in sentence_masks.iter().enumerate().take(sentences) {
            let mass = self.mass(mask);
            if mass > best.0 {
                best = (mass, s);
            }
        }
        let bigram_mass: f32 = self
            .pairs
            .iter()
            .filter(|&&(a, b, _)| forward.has_pair(a, b))
            .map(|&(_, _, weight)| weight)
            .sum();
        let exact_mass: f32 = if weights.exact > 0.0 {
            self.words
                .iter()
                .filter(|&&(w, _)| forward.has_word(w))
                .map(|&(_, weight)| weight)
                .sum()
        } else {
            0.0
        };
        let passage_mass = self.mass(passage_mask);
        let heading_mask = self
            .term_bits
            .iter()
            .filter(|&&(term, _)| forward.heading_has(term))
            .fold(0u128, |mask, &(_, bits)| mask | bits);
        let heading_mass = if weights.heading > 0.0 { self.mass(heading_mask) } else { 0.0 };
        let coverage = if self.evidence_idf > 0.0 { passage_mass / self.evidence_idf } else { 0.0 };
        let evidence =
            Evidence { bm25: first_stage, ..self.evidence(passage_mask, heading_mask, best.0) };
        let score = first_stage
            + weights.sentence * best.0
            + weights.coverage * passage_mass
            + weights.bigram * bigram_mass
            + weights.heading * heading_mass
            + weights.exact * exact_mass;
        Scored { number, score, sentence: best.1, coverage, evidence, confidence: 0.0 }
    }

    /// The confidence model's reading of a candidate whose text matches `text_mask`, its
    /// headings `heading_mask`, and whose best sentence covers `sentence_mass`.
    fn evidence(&self, text_mask: u128, heading_mask: u128, sentence_mass: f32) -> Evidence {
        let share =
            |mass: f32| if self.evidence_idf > 0.0 { mass / self.evidence_idf } else { 0.0 };
        let all = text_mask | heading_mask;
        let mut evidence = Evidence {
            coverage: share(self.mass(text_mask)),
            with_headings: share(self.mass(all)),
            sentence: share(sentence_mass),
            ..Evidence::default()
        };
        let mut direct = 0.0;
        for concept in self.concepts.iter().filter(|c| c.evidence) {
            evidence.concepts += 1;
            let fraction = |asked_only: bool| {
                concept
                    .alternatives
                    .iter()
                    .filter(|alt| alt.2 || !asked_only)
                    .map(|&(alt_mask, total, _)| {
                        ((all & alt_mask).count_ones() as f32 / total as f32).min(1.0)
                    })
                    .fold(0.0f32, f32::max)
            };
            let any = fraction(false);
            direct += concept.weight * fraction(true);
            if any >= 0.5 {
                evidence.matched += 1;
                evidence.best_idf = evidence.best_idf.max(concept.idf);
            } else {
                evidence.missing_idf = evidence.missing_idf.max(concept.idf);
            }
        }
        evidence.direct = share(direct);
        evidence
    }
}
