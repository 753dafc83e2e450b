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

/// Names of the model's inputs, in the order of [`WEIGHTS`] (also the order of the feature
/// dump, so the fitting script and the code cannot disagree).
pub const FEATURES: [&str; 9] = [
    "with_headings",
    "sentence",
    "coverage",
    "direct",
    "margin",
    "matched_ln",
    "best_rarity",
    "missing_rarity",
    "concepts_ln",
];

/// Fitted weights, one per [`FEATURES`] entry (see the module docs for how), as printed by
/// `benches/fit_confidence.py` (fit of 2026-12-01).
pub const WEIGHTS: [f32; 9] = [
    1.4626,  // with_headings
    1.2933,  // sentence
    1.4100,  // coverage
    0.1546,  // direct
    0.3896,  // margin
    1.8216,  // matched_ln
    0.1119,  // best_rarity
    -1.2986, // missing_rarity
    -0.1590, // concepts_ln
];

/// Fitted intercept.
pub const BIAS: f32 = -3.7564;

/// The default threshold: answers below this confidence are "no good match". The model is
/// fitted with both classes weighted equally, so 0.5 would treat a wrong "no good match" and
/// an off-topic passage as equally bad; for a student a wrongly withheld answer is worse (an
/// off-topic passage shows itself as such), so the cut is lower. At 0.25 the held-out false
/// no-match is at most 2 % on SQuAD and KorQuAD and the real-docs sets reject 9 of 10
/// unanswerable questions (README, Quality).
pub const DEFAULT_MIN_CONFIDENCE: f32 = 0.25;

/// The model's inputs for one candidate; `max_idf` is the idf of a word no passage holds
/// (the largest possible), which scales the rarity features to 0–1.
pub fn features(evidence: &Evidence, max_idf: f32) -> [f32; 9] {
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
}
