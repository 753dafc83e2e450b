//! Typo tolerance. Properties checked:
//! 1. a word with a letter too many or two letters swapped finds the passage of the word
//!    meant (a short word is allowed one edit only);
//! 2. the reply suggests the corrected question;
//! 3. a question spelt right gets no suggestion, even when one of its words is close to
//!    another word of the corpus.

use super::{engine, rankings, top};

fn volcanoes_and_glaciers() -> passagebot::search::Engine {
    engine(&[
        (
            "volcanoes",
            None,
            "Mount Etna is an active volcano on the east coast of Sicily. It erupts several \
             times a year.",
        ),
        (
            "volcanoes",
            None,
            "Vesuvius destroyed Pompeii in the year 79. Its eruption buried the town in ash.",
        ),
        (
            "glaciers",
            None,
            "Glaciers form where snow accumulates faster than it melts. They move slowly \
             downhill under their own weight.",
        ),
        (
            "glaciers",
            None,
            "The Aletsch glacier is the largest in the Alps, about twenty kilometres long.",
        ),
    ])
}

#[test]
fn one_wrong_letter_finds_the_word_meant_and_suggests_it() {
    let engine = volcanoes_and_glaciers();
    let suggestion = |question: &str| engine.rank(question, 3).expect("search").suggestion;
    assert_eq!(top(&engine, "what did vesuvious destroy").as_deref(), Some("volcanoes#1"));
    assert_eq!(
        suggestion("what did vesuvious destroy").as_deref(),
        Some("what did vesuvius destroy")
    );
    assert_eq!(top(&engine, "how long is the aletsch glaicer").as_deref(), Some("glaciers#1"));
    assert_eq!(
        suggestion("how long is the aletsch glaicer").as_deref(),
        Some("how long is the aletsch glacier")
    );
    // A swap in a word of four letters is two edits, more than a short word is allowed: "etan"
    // is not corrected, and "mount" alone finds the passage, below the confidence cut.
    assert_eq!(top(&engine, "where is mount etan").as_deref(), Some("volcanoes#0"));
    insta::assert_snapshot!(rankings(
        &engine,
        &["where is mount etan", "what did vesuvious destroy", "how long is the aletsch glaicer"]
    ));
}

#[test]
fn a_question_spelt_right_gets_no_suggestion() {
    let engine = volcanoes_and_glaciers();
    for question in ["how do glaciers form", "where is mount etna", "what did vesuvius destroy"] {
        let ranking = engine.rank(question, 3).expect("search");
        assert_eq!(ranking.suggestion, None, "{question}");
    }
    insta::assert_snapshot!(rankings(&engine, &["how do glaciers form", "what buried the town"]));
}
