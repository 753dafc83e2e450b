//! From question text to a query plan: the question's informative words as *concepts*, each
//! with the alternatives that satisfy it (the word itself, a typo correction, synonyms).
//!
//! Any text is a valid question: words are taken from the analyzer, never from a query
//! language, so `" : ( ) * ~ ^` are just characters, and the operators people type out of
//! habit (`AND`, `-foo`, `title:`), markup tags and chat ("hey", "thanks!!", "lol") are left
//! out (see [`super::clean`]). Question words ("what", "how much") are searched with a low
//! weight and never count as evidence. A word is corrected only when it is neither in the
//! index (text, titles, sections) nor an English word (see [`super::english`]).

use std::ops::Range;

use super::clean::is_filler;
use super::definition::Definition;
use super::synonyms::Synonyms;
use super::{clean, english};
use crate::analysis::{Analyzer, Word, typo};
use crate::index::Store;

/// At most this many unknown words of one question are typo-corrected.
const MAX_CORRECTIONS: usize = 8;

/// Request verbs among [`QUESTION_FILLER`](super::clean::QUESTION_FILLER) ("describe the …", "can you show me …"): filler
/// only where they make the request, at the start of the question or after other filler.
/// After a content word they name something ("what does git describe print", "git show").
const REQUEST_VERBS: &[&str] = &["give", "show", "explain", "describe", "tell", "know"];

/// The two halves of the idiom "play a role" ("what role does X play in Y", "does X play a
/// part in Y"): when a question holds both, they frame it and name no topic.
const ROLE_IDIOM: [&[&str]; 2] =
    [&["role", "roles", "part"], &["play", "plays", "played", "playing"]];

/// Per word of `surfaces`, true when it is half of a "play a role" idiom the question holds.
fn role_idiom(surfaces: &[&str]) -> Vec<bool> {
    let holds = |half: &[&str]| surfaces.iter().any(|s| half.contains(s));
    if !ROLE_IDIOM.iter().all(|half| holds(half)) {
        return vec![false; surfaces.len()];
    }
    surfaces.iter().map(|s| ROLE_IDIOM.iter().any(|half| half.contains(s))).collect()
}

/// Everyday English words: they count for half when judging whether a passage covers a
/// question, since a question can use them without naming its topic ("given", "status",
/// "came"). Topic words (names, terms of the field) are rarely in this list.
pub const COMMON_WORDS: &[&str] = &[
    "able",
    "above",
    "across",
    "after",
    "again",
    "against",
    "ago",
    "all",
    "almost",
    "along",
    "also",
    "always",
    "among",
    "another",
    "around",
    "away",
    "back",
    "bad",
    "became",
    "become",
    "before",
    "began",
    "begin",
    "behind",
    "being",
    "below",
    "best",
    "better",
    "between",
    "big",
    "biggest",
    "both",
    "bring",
    "brought",
    "call",
    "called",
    "came",
    "case",
    "cause",
    "caused",
    "certain",
    "change",
    "changed",
    "come",
    "comes",
    "common",
    "consider",
    "considered",
    "could",
    "current",
    "day",
    "days",
    "deal",
    "deals",
    "different",
    "during",
    "each",
    "early",
    "either",
    "else",
    "end",
    "enough",
    "even",
    "ever",
    "every",
    "example",
    "fact",
    "far",
    "few",
    "find",
    "first",
    "following",
    "form",
    "found",
    "from",
    "full",
    "gave",
    "general",
    "get",
    "gets",
    "getting",
    "given",
    "go",
    "goes",
    "going",
    "gone",
    "good",
    "got",
    "great",
    "group",
    "happen",
    "happened",
    "happens",
    "hard",
    "held",
    "help",
    "high",
    "however",
    "important",
    "include",
    "included",
    "including",
    "increase",
    "instead",
    "involved",
    "keep",
    "kept",
    "kind",
    "known",
    "large",
    "largest",
    "last",
    "late",
    "later",
    "lead",
    "least",
    "led",
    "left",
    "less",
    "let",
    "like",
    "likely",
    "little",
    "long",
    "look",
    "lot",
    "low",
    "made",
    "main",
    "major",
    "make",
    "makes",
    "making",
    "many",
    "may",
    "mean",
    "means",
    "meant",
    "might",
    "more",
    "most",
    "mostly",
    "move",
    "much",
    "must",
    "name",
    "named",
    "near",
    "need",
    "needed",
    "never",
    "new",
    "next",
    "now",
    "number",
    "often",
    "old",
    "once",
    "one",
    "only",
    "other",
    "others",
    "over",
    "own",
    "part",
    "particular",
    "past",
    "people",
    "per",
    "person",
    "place",
    "play",
    "played",
    "playing",
    "plays",
    "point",
    "possible",
    "put",
    "rather",
    "really",
    "reason",
    "received",
    "related",
    "result",
    "right",
    "role",
    "said",
    "same",
    "say",
    "says",
    "second",
    "see",
    "seen",
    "set",
    "several",
    "share",
    "short",
    "show",
    "showed",
    "shows",
    "side",
    "since",
    "small",
    "so",
    "something",
    "sometimes",
    "specific",
    "start",
    "started",
    "state",
    "status",
    "still",
    "take",
    "taken",
    "takes",
    "than",
    "thing",
    "things",
    "think",
    "third",
    "though",
    "thought",
    "three",
    "through",
    "throughout",
    "time",
    "times",
    "today",
    "together",
    "took",
    "toward",
    "towards",
    "two",
    "type",
    "under",
    "until",
    "up",
    "upon",
    "use",
    "used",
    "uses",
    "using",
    "usually",
    "various",
    "very",
    "want",
    "way",
    "ways",
    "well",
    "went",
    "whether",
    "while",
    "whole",
    "within",
    "without",
    "work",
    "would",
    "year",
    "years",
    "yet",
];

/// Largest number of concepts a plan keeps (the most informative ones), which bounds the
/// work per question whatever its length.
pub const MAX_CONCEPTS: usize = 32;

/// How an alternative came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AltKind {
    /// The word as asked.
    Asked,
    /// A correction of a word the index does not know.
    Typo,
    /// A synonym or acronym expansion.
    Synonym,
    /// A derivationally related term ("korea" ↔ "korean", "regul" ↔ "regulatori").
    Derived,
}

/// One way to satisfy a concept: all of `terms` present.
#[derive(Debug, Clone)]
pub struct Alternative {
    /// Term ids known to the index.
    pub terms: Vec<u32>,
    /// How many terms the alternative has in all, known or not.
    pub total: usize,
    /// How many of them a passage must hold for full credit: all, except for words matched
    /// by character bigrams, where half the bigrams will do (particles glued to Korean
    /// words rarely match).
    pub needed: usize,
    /// Where it came from.
    pub kind: AltKind,
}

/// One informative part of the question.
#[derive(Debug, Clone)]
pub struct Concept {
    /// The ways to satisfy it; the first is the word as asked.
    pub alternatives: Vec<Alternative>,
    /// Inverse document frequency: how much covering this concept says.
    pub idf: f32,
    /// False for question words and filler.
    pub informative: bool,
    /// True for everyday words ("got", "one", "play"): half weight as evidence.
    pub common: bool,
    /// The folded word as asked.
    pub surface: String,
    /// Word id of the word as asked, when the index knows it (exact-form evidence).
    pub word_id: Option<u32>,
}

/// The query plan for one question.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Concepts in question order (at most 32).
    pub concepts: Vec<Concept>,
    /// The question with misspelt words replaced, when any was corrected.
    pub suggestion: Option<String>,
    /// The term a definition question ("what is X") asks about.
    pub definition: Option<Definition>,
}

impl Plan {
    /// Sum of the idf of the informative concepts.
    pub fn informative_idf(&self) -> f32 {
        self.concepts.iter().filter(|c| c.informative).map(|c| c.idf).sum()
    }
}

/// What a plan may add to the words asked.
#[derive(Debug, Clone, Copy)]
pub struct Expansions<'a> {
    /// Synonym groups whose members stand in for each other.
    pub synonyms: &'a Synonyms,
    /// Correct words the corpus does not have.
    pub typos: bool,
    /// Add a one-term word's derivationally related terms ("korea" → "korean").
    pub derived: bool,
}

/// Builds the plan for `question`, reading the vocabulary from `store`.
pub fn plan(question: &str, analyzer: &Analyzer, store: &Store, expand: Expansions<'_>) -> Plan {
    let cleaned = clean::blank_syntax(question);
    let mut words = analyzer.words(&cleaned);
    clean::drop_chat_filler(&mut words);
    let surfaces: Vec<&str> = words.iter().map(|w| w.surface.as_str()).collect();
    let idiom = role_idiom(&surfaces);
    let definition = Definition::of_words(&words, |term| store.is_common_term(term));
    let mut corrections = 0;
    let mut concepts: Vec<(usize, Concept)> = Vec::new();
    let mut replacements: Vec<(Range<usize>, String)> = Vec::new();
    for (index, word) in words.iter().enumerate() {
        if word.is_stop() {
            continue;
        }
        let after_content = index
            .checked_sub(1)
            .and_then(|previous| words.get(previous))
            .is_some_and(|previous| !previous.is_stop() && !is_filler(&previous.surface));
        let mut concept = concept_for(word, store);
        if after_content && REQUEST_VERBS.contains(&word.surface.as_str()) {
            concept.informative = true;
        }
        if idiom[index] {
            concept.informative = false;
        }
        let correctable = expand.typos
            && corrections < MAX_CORRECTIONS
            && concept.alternatives[0].terms.is_empty()
            && typo::correctable(&word.surface)
            && !english::is_word(&word.surface)
            && !store.is_heading_word(&word.surface);
        if correctable {
            corrections += 1;
        }
        if correctable && let Some((surface, terms)) = store.correction(&word.surface) {
            concept.alternatives.push(Alternative {
                total: terms.len(),
                needed: terms.len(),
                terms,
                kind: AltKind::Typo,
            });
            concept.idf = concept_idf(store, &concept.alternatives);
            replacements.push((word.span.clone(), surface));
        }
        let derived = match concept.alternatives[0].terms.as_slice() {
            [term] if expand.derived => store.derived(*term),
            _ => Vec::new(),
        };
        for term in derived {
            concept.alternatives.push(Alternative {
                terms: vec![term],
                total: 1,
                needed: 1,
                kind: AltKind::Derived,
            });
        }
        concepts.push((index, concept));
    }

    // One term per concept, in order: what synonym phrases are matched against.
    let first_terms: Vec<&str> =
        concepts.iter().map(|(i, _)| words[*i].terms.first().map_or("", String::as_str)).collect();
    for (range, others) in expand.synonyms.expansions(&first_terms) {
        for phrase in others {
            let terms: Vec<u32> = phrase.iter().filter_map(|t| store.term_id(t)).collect();
            let alternative = Alternative {
                needed: terms.len(),
                terms,
                total: phrase.len(),
                kind: AltKind::Synonym,
            };
            if alternative.terms.is_empty() {
                continue;
            }
            for (_, concept) in &mut concepts[range.clone()] {
                if concept.informative {
                    concept.alternatives.push(alternative.clone());
                }
            }
        }
    }
    for (_, concept) in concepts.iter_mut() {
        concept.idf = concept_idf(store, &concept.alternatives);
    }

    let mut concepts: Vec<Concept> = concepts.into_iter().map(|(_, c)| c).collect();
    if concepts.len() > MAX_CONCEPTS {
        let mut order: Vec<usize> = (0..concepts.len()).collect();
        order.sort_by(|&a, &b| concepts[b].idf.total_cmp(&concepts[a].idf).then(a.cmp(&b)));
        let mut keep = vec![false; concepts.len()];
        order.iter().take(MAX_CONCEPTS).for_each(|&i| keep[i] = true);
        let mut index = 0;
        concepts.retain(|_| {
            index += 1;
            keep[index - 1]
        });
    }

    let suggestion = (!replacements.is_empty()).then(|| {
        let mut text = String::with_capacity(question.len());
        let mut last = 0;
        for (span, replacement) in &replacements {
            text.push_str(&question[last..span.start]);
            text.push_str(replacement);
            last = span.end;
        }
        text.push_str(&question[last..]);
        text
    });
    Plan { concepts, suggestion, definition }
}

fn concept_for(word: &Word, store: &Store) -> Concept {
    let bigrams = word.terms.len().saturating_sub(1);
    let asked = Alternative {
        terms: word.terms.iter().filter_map(|t| store.term_id(t)).collect(),
        total: word.terms.len(),
        needed: if bigrams > 0 { bigrams.div_ceil(2) } else { word.terms.len() },
        kind: AltKind::Asked,
    };
    let alternatives = vec![asked];
    Concept {
        idf: concept_idf(store, &alternatives),
        alternatives,
        informative: !is_filler(&word.surface),
        common: COMMON_WORDS.binary_search(&word.surface.as_str()).is_ok(),
        surface: word.surface.clone(),
        word_id: store.word_id(&word.surface),
    }
}

/// The idf a concept with these alternatives carries: the asked form's when the index knows
/// all its terms, else the most common alternative's (unknown terms count as the rarest
/// possible).
fn concept_idf(store: &Store, alternatives: &[Alternative]) -> f32 {
    let unknown_idf = store.unknown_idf();
    let alt_idf = |alt: &Alternative| {
        let known: f32 = alt.terms.iter().map(|&t| store.term_idf(t)).sum();
        let unknown = alt.total.saturating_sub(alt.terms.len()) as f32 * unknown_idf;
        let total = if alt.kind == AltKind::Asked { alt.total } else { alt.terms.len() };
        if total == 0 { unknown_idf } else { (known + unknown) / total as f32 }
    };
    match alternatives.first() {
        Some(asked) if asked.terms.len() == asked.total => alt_idf(asked),
        _ => alternatives.iter().map(alt_idf).fold(unknown_idf, f32::min),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn play_a_role_frames_a_question_but_role_alone_is_a_topic() {
        let marks = |q: &str| role_idiom(&q.split(' ').collect::<Vec<_>>());
        assert_eq!(
            marks("what role does the government play in ai"),
            [false, true, false, false, false, true, false, false]
        );
        assert_eq!(marks("does naver play a part"), [false, false, true, false, true]);
        assert_eq!(marks("which role has the committee"), [false; 5]);
    }

    #[test]
    fn common_words_are_sorted_for_binary_search() {
        assert!(COMMON_WORDS.windows(2).all(|w| w[0] < w[1]));
    }
}
