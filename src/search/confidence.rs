//! The calibrated confidence behind "no good match": a logistic model over what the ranker
//! already knows about its best candidate, giving the probability (0–1) that the question is
//! one the material answers. The reply is "no good match" below [`DEFAULT_MIN_CONFIDENCE`]
//! (configurable: `ask --min-confidence`, `eval --min-confidence`, `min_confidence` in the
//! bot's config).
//!
//! The weights are fitted, not chosen: `benches/fit_confidence.py` dumps these features
//! (`passagebot eval --features FILE`) for in-domain questions (positives) and for questions
//! asked of another set's corpus (negatives), fits the model on some sets and reports it on
//! the others; the README's Quality section gives the features, the weights and the figures.

use super::rank::Evidence;

/// Names of the model's inputs, in the order of its weights (also the order of the feature
/// dump, so the fitting script and the code cannot disagree).
pub const FEATURES: [&str; 10] = [
    "with_headings",
    "sentence",
    "coverage",
    "direct",
    "margin",
    "matched_ln",
    "best_rarity",
    "missing_rarity",
    "concepts_ln",
    "bm25_rarity",
];

/// Fitted weights, one per [`FEATURES`] entry (see the module docs for how), as printed by
/// `benches/fit_confidence.py` (fit of 2026-12-02).
pub const WEIGHTS: [f32; 10] = [
    1.1823,  // with_headings
    1.0252,  // sentence
    1.1244,  // coverage
    0.0746,  // direct
    0.1341,  // margin
    0.9022,  // matched_ln
    -0.1414, // best_rarity
    -1.3146, // missing_rarity
    -0.8034, // concepts_ln
    0.7698,  // bm25_rarity
];

/// Fitted intercept.
pub const BIAS: f32 = -2.4751;

/// The default threshold: answers below this confidence are "no good match". The model is
/// fitted with both classes weighted equally, so 0.5 would treat a wrong "no good match" and
/// an off-topic passage as equally bad; for a student a wrongly withheld answer is worse (an
/// off-topic passage shows itself as such), so the cut is lower: 0.22, where SQuAD's (a fit
/// set's) false no-match is about 1 %. There the held-out false no-match is under 2 % on
/// SQuAD's other half and on KorQuAD, and the real-docs sets reject 9 or 10 of 10
/// unanswerable questions (README, Quality).
pub const DEFAULT_MIN_CONFIDENCE: f32 = 0.22;

/// The model's inputs for one candidate; `max_idf` is the idf of a word no passage holds
/// (the largest possible), which scales the rarity features to 0–1 and the first-stage
/// score to "so many rarest words matched", whatever the corpus's size.
pub fn features(evidence: &Evidence, max_idf: f32) -> [f32; 10] {
    let rarity = |idf: f32| if max_idf > 0.0 { (idf / max_idf).clamp(0.0, 1.0) } else { 0.0 };
    let direct =
        if evidence.with_headings > 0.0 { evidence.direct / evidence.with_headings } else { 0.0 };
    [
        evidence.with_headings,
        evidence.sentence,
        evidence.coverage,
        direct.clamp(0.0, 1.0),
        evidence.margin.clamp(0.0, 1.0),
        (1.0 + f32::from(evidence.matched)).ln(),
        rarity(evidence.best_idf),
        rarity(evidence.missing_idf),
        (1.0 + f32::from(evidence.concepts)).ln(),
        if max_idf > 0.0 { evidence.bm25.max(0.0) / max_idf } else { 0.0 },
    ]
}

/// The probability that `evidence` is an answer, 0 to 1.
pub fn confidence(evidence: &Evidence, max_idf: f32) -> f32 {
    let x = features(evidence, max_idf);
    let z: f32 = BIAS + x.iter().zip(WEIGHTS).map(|(x, w)| x * w).sum::<f32>();
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_is_a_probability_and_grows_with_coverage() {
        let low = Evidence { with_headings: 0.1, concepts: 3, matched: 1, ..Evidence::default() };
        let high = Evidence {
            with_headings: 1.0,
            coverage: 1.0,
            sentence: 1.0,
            direct: 1.0,
            concepts: 3,
            matched: 3,
            best_idf: 5.0,
            margin: 0.3,
            ..Evidence::default()
        };
        let (low, high) = (confidence(&low, 8.0), confidence(&high, 8.0));
        assert!((0.0..=1.0).contains(&low) && (0.0..=1.0).contains(&high));
        assert!(low < DEFAULT_MIN_CONFIDENCE && high > DEFAULT_MIN_CONFIDENCE, "{low} {high}");
        assert!(confidence(&Evidence::default(), 0.0).is_finite());
    }

    #[test]
    fn bm25_rarity_counts_rarest_words_whatever_the_corpus_size() {
        // Two rarest-possible words matched: the same feature in a 10- and a 1M-passage corpus.
        let (small_max_idf, large_max_idf) = (3.0, 14.5);
        let small = Evidence { bm25: 2.0 * small_max_idf, ..Evidence::default() };
        let large = Evidence { bm25: 2.0 * large_max_idf, ..Evidence::default() };
        let last = FEATURES.len() - 1;
        assert_eq!(FEATURES[last], "bm25_rarity");
        assert_eq!(features(&small, small_max_idf)[last], 2.0);
        assert_eq!(features(&large, large_max_idf)[last], 2.0);
        assert_eq!(features(&small, 0.0)[last], 0.0);
    }
}
