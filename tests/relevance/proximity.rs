//! Proximity. Properties checked:
//! 1. a passage holding the question's words in one sentence ranks above one that spreads
//!    them over two sentences, and that sentence is the key sentence;
//! 2. words asked next to each other ("machine learning") rank a passage where they stand
//!    together above one where both occur apart.

use super::{engine, rankings, top};

#[test]
fn words_in_one_sentence_outrank_words_spread_over_two() {
    let engine = engine(&[
        (
            "spread",
            None,
            "The river flooded the whole valley that year. Farmers lost their harvest and \
             waited for spring.",
        ),
        (
            "together",
            None,
            "Along the river the harvest comes late when the spring is wet. Farmers wait for \
             dry weather.",
        ),
        ("other", None, "Bridges over the valley were rebuilt in stone after the war."),
    ]);
    assert_eq!(top(&engine, "why is the harvest late by the river").as_deref(), Some("together#0"));
    insta::assert_snapshot!(rankings(&engine, &["why is the harvest late by the river"]));
}

#[test]
fn adjacent_words_outrank_the_same_words_apart() {
    let engine = engine(&[
        (
            "apart",
            None,
            "Learning to use a sewing machine takes practice, and every machine needs careful \
             evaluation before use.",
        ),
        (
            "together",
            None,
            "Machine learning models need training data, and their evaluation needs data they \
             have not seen.",
        ),
        ("other", None, "Careful evaluation of a model starts with clean training data."),
    ]);
    assert_eq!(top(&engine, "machine learning evaluation").as_deref(), Some("together#0"));
    insta::assert_snapshot!(rankings(&engine, &["machine learning evaluation"]));
}
