//! Ranking knobs: every weight of the first and second stage in one copyable value, with
//! the defaults reported in the README and a by-name setter for `eval --tune`.

use super::rank::RankWeights;

/// Ranking knobs. The defaults are the tuned values reported in the README.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// Candidates taken from the BM25 stage for re-ranking.
    pub candidates: usize,
    /// Weight of a term match in the title field, relative to the text field.
    pub title_boost: f32,
    /// Weight of a term match in the section field.
    pub section_boost: f32,
    /// Weight of an exact-form (unstemmed) match: BM25 of the question's words as written,
    /// from the candidates' forward entries.
    pub exact_boost: f32,
    /// Weight of question words and filler ("what", "how much").
    pub filler_boost: f32,
    /// Weight of a synonym alternative.
    pub synonym_boost: f32,
    /// Weight of a typo correction.
    pub typo_boost: f32,
    /// Weight of a derivationally related term.
    pub derived_boost: f32,
    /// Second-stage weights; all zero turns re-ranking off.
    pub rank: RankWeights,
    /// For a definition question ("what is X"), the bonus of a candidate that defines X (a
    /// sentence opening with X and "is", or a glossary line "X: …"), as a share of the best
    /// candidate's score: 1 puts every definition above every other candidate.
    pub definition: f32,
    /// Least confidence (0–1) of the best passage for an answer; below it, "no good match"
    /// (the model is a logistic regression over [`super::CONFIDENCE_FEATURES`]).
    pub min_confidence: f32,
    /// Correct words the index does not know.
    pub typos: bool,
    /// Pseudo-relevance feedback: expansion terms taken from the top passages (0 = off).
    pub feedback_terms: usize,
    /// Top passages feedback reads.
    pub feedback_passages: usize,
    /// Weight of the best expansion term relative to a question term.
    pub feedback_weight: f32,
    /// Order the ranks below the re-ranked candidates by a feedback-expanded query (only when
    /// more than `candidates` results are asked for, as evaluation's top 100 does).
    pub deep_feedback: bool,
    /// Apply synonym groups.
    pub synonyms: bool,
    /// First stage in two passes (see `Engine::first_stage`): 0 = one block-max WAND query
    /// over every clause; 1 = WAND over the text clauses, title and section clauses
    /// (and exact-form scores) added to its candidates; 2 = also the synonym and derived-form text clauses
    /// of words the index knows added afterwards; 3 = also the question words and filler.
    pub narrow: u8,
    /// Candidates the narrow pass keeps for re-ranking (more when more are asked for).
    pub narrow_depth: usize,
    /// Collect the first stage's top passages in one heap across tantivy's segments, each
    /// segment pruning from the best scores so far (off: tantivy's `TopDocs`, each segment
    /// from zero). The same passages either way.
    pub shared_threshold: bool,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            candidates: 20,
            title_boost: 0.3,
            section_boost: 0.3,
            exact_boost: 0.2,
            filler_boost: 0.2,
            synonym_boost: 0.5,
            typo_boost: 0.8,
            derived_boost: 0.3,
            rank: RankWeights {
                sentence: 0.6,
                coverage: 1.0,
                bigram: 0.8,
                heading: 1.2,
                exact: 0.0,
            },
            definition: 1.0,
            min_confidence: super::confidence::DEFAULT_MIN_CONFIDENCE,
            typos: true,
            synonyms: true,
            feedback_terms: 0,
            feedback_passages: 5,
            feedback_weight: 0.3,
            deep_feedback: true,
            narrow: 3,
            narrow_depth: 40,
            shared_threshold: true,
        }
    }
}

impl Tuning {
    /// Plain BM25 over the text field: the baseline configuration, for comparisons.
    pub fn plain_bm25() -> Tuning {
        Tuning {
            title_boost: 0.0,
            section_boost: 0.0,
            exact_boost: 0.0,
            filler_boost: 1.0,
            rank: RankWeights {
                sentence: 0.0,
                coverage: 0.0,
                bigram: 0.0,
                heading: 0.0,
                exact: 0.0,
            },
            typos: false,
            synonyms: false,
            deep_feedback: false,
            narrow: 0,
            ..Tuning::default()
        }
    }

    /// Sets one knob by name: `candidates`, `title`, `section`, `exact`, `filler`, `synonym`,
    /// `typo`, `derived`, `sentence`, `coverage`, `bigram`, `heading`, `exact_rank`,
    /// `definition`, `min_confidence`, `typos`, `synonyms`, `feedback_terms`,
    /// `feedback_passages`, `feedback_weight`, `deep_feedback`, `narrow`, `narrow_depth`,
    /// `shared_threshold`.
    ///
    /// ```
    /// let mut tuning = passagebot::search::Tuning::default();
    /// tuning.set("sentence", "0.5").unwrap();
    /// tuning.set("typos", "off").unwrap();
    /// assert_eq!(tuning.rank.sentence, 0.5);
    /// assert!(tuning.set("nonsense", "1").is_err());
    /// ```
    pub fn set(&mut self, key: &str, value: &str) -> std::result::Result<(), String> {
        let number =
            || value.parse::<f32>().map_err(|_| format!("{key}: `{value}` is not a number"));
        let flag = || match value {
            "on" | "true" | "1" => Ok(true),
            "off" | "false" | "0" => Ok(false),
            _ => Err(format!("{key}: use on or off")),
        };
        match key {
            "candidates" => self.candidates = number()?.max(1.0) as usize,
            "title" => self.title_boost = number()?,
            "section" => self.section_boost = number()?,
            "exact" => self.exact_boost = number()?,
            "filler" => self.filler_boost = number()?,
            "synonym" => self.synonym_boost = number()?,
            "typo" => self.typo_boost = number()?,
            "derived" => self.derived_boost = number()?,
            "sentence" => self.rank.sentence = number()?,
            "coverage" => self.rank.coverage = number()?,
            "bigram" => self.rank.bigram = number()?,
            "heading" => self.rank.heading = number()?,
            "exact_rank" => self.rank.exact = number()?,
            "definition" => self.definition = number()?,
            "min_confidence" => self.min_confidence = number()?.clamp(0.0, 1.0),
            "typos" => self.typos = flag()?,
            "feedback_terms" => self.feedback_terms = number()? as usize,
            "feedback_passages" => self.feedback_passages = number()?.max(1.0) as usize,
            "feedback_weight" => self.feedback_weight = number()?,
            "deep_feedback" => self.deep_feedback = flag()?,
            "synonyms" => self.synonyms = flag()?,
            "narrow" => self.narrow = number()?.clamp(0.0, 3.0) as u8,
            "narrow_depth" => self.narrow_depth = number()?.max(1.0) as usize,
            "shared_threshold" => self.shared_threshold = flag()?,
            _ => return Err(format!("unknown tuning knob `{key}`")),
        }
        Ok(())
    }
}
