//! Regression tests: one per bug that was fixed, named after what broke, with the commit
//! that fixed it. They run the whole ranking on tiny in-RAM corpora
//! ([`passagebot::search::Engine::in_ram`]), so each one fails the way the bug showed.
//!
//! Older regression tests stay beside the area they guard: `relevance::bundled::
//! describe_in_git_describe_is_searched_as_a_topic_word`,
//! `cli::eval_with_index_alone_does_not_rebuild_it_from_the_corpus_folder_of_the_working_directory`,
//! `bot::pressure`, `bot::watch`; new ones go here.

use crate::relevance::{engine, rank_ids};

/// e669df8: "hey bot, what is a submodule? thanks!!" was not taken for a definition
/// question (the chat filler hid its shape), so the passage that uses "submodule" most
/// outranked the one that defines it.
#[test]
fn chatty_what_is_x_still_prefers_the_passage_that_defines_x() {
    let engine = engine(&[
        (
            "update",
            None,
            "Run git submodule update after a pull: every submodule is checked out at the \
             commit the superproject records, and a submodule with local changes is left \
             alone.",
        ),
        (
            "submodules",
            None,
            "A submodule is a repository embedded inside another repository. The \
             superproject records which commit it uses.",
        ),
        ("branches", None, "A branch is a movable pointer to a commit."),
    ]);
    for question in
        ["what is a submodule", "hey bot, what is a submodule? thanks!!", "lol what is a submodule"]
    {
        let ranked = rank_ids(&engine, question);
        assert_eq!(ranked.first().map(String::as_str), Some("submodules#0"), "{question}");
    }
}

/// 6d5263b: "Calibre is smart enough to …" counted as a definition of calibre, as "is"
/// was a copula before an adjective too, and could outrank the sentence that defines it.
#[test]
fn is_before_an_adjective_is_not_a_definition() {
    let engine = engine(&[
        (
            "library",
            None,
            "Calibre is smart enough to sort your calibre library by author, and calibre \
             keeps the calibre metadata of every book.",
        ),
        (
            "introduction",
            None,
            "Calibre is an open source e-book management tool. It organises an e-book \
             library.",
        ),
        ("devices", None, "Connect the reader by USB and send the books to it."),
    ]);
    let ranked = rank_ids(&engine, "What is calibre?");
    assert_eq!(ranked.first().map(String::as_str), Some("introduction#0"), "{ranked:?}");
}

/// 645b75c (real-docs git30): "What is a submodule?" met dozens of passages under
/// "Submodules" headings that repeat the word, and never reached the short one that says
/// what a submodule is. The index now records the terms each passage defines, and a
/// definition question re-ranks those passages too. A heading line over its text, or a
/// line of code ("[submodule]"), is not a glossary entry.
#[test]
fn what_is_a_submodule_finds_the_definition_buried_under_passages_that_repeat_the_term() {
    let commands: Vec<(String, String)> = (0..40)
        .map(|i| {
            let heading = format!("Submodules part {i}");
            let text = format!(
                "{heading}\nThe submodule update {i} fetches each submodule; a submodule \
                 with a submodule path {i} is updated after the submodule sync.\n\
                 [submodule]\n  active = true"
            );
            (heading, text)
        })
        .collect();
    let mut passages: Vec<(&str, Option<&str>, &str)> = commands
        .iter()
        .map(|(heading, text)| ("commands", Some(heading.as_str()), text.as_str()))
        .collect();
    passages.push((
        "concepts",
        Some("Description"),
        "Description\nA submodule is a repository embedded inside another repository. It \
         has its own history.",
    ));
    let engine = engine(&passages);
    let ranked = rank_ids(&engine, "What is a submodule?");
    assert_eq!(ranked.first().map(String::as_str), Some("concepts#0"), "{ranked:?}");
    // A question that is not a definition keeps its ranking.
    let ranked = rank_ids(&engine, "how does the submodule sync update the path");
    assert_ne!(ranked.first().map(String::as_str), Some("concepts#0"), "{ranked:?}");
}

/// Found by the relevance snapshots of s8-engine: a question word that only a title holds
/// ("espresso" of a page titled "Espresso machine") had no term in the vocabulary, which is
/// built from the passages' text, so it was never searched, and "espresso" alone found
/// nothing. Heading words now join the vocabulary, and the heading clauses of a word no
/// text holds find candidates in the first stage.
#[test]
fn a_question_word_found_only_in_a_title_is_searched() {
    let engine = engine(&[
        (
            "espresso-machine",
            None,
            "Fill the tank with water and press the button. The pump heats the water to \
             ninety degrees.",
        ),
        ("garden", None, "Water the plants with a can every morning, and press the soil gently."),
    ]);
    for question in ["espresso", "espresso water", "what is an espresso machine"] {
        let ranking = engine.rank(question, 5).expect("search");
        assert!(ranking.answered, "{question}: not answered");
        let ranked = rank_ids(&engine, question);
        assert_eq!(ranked.first().map(String::as_str), Some("espresso-machine#0"), "{question}");
    }
    let ranked = rank_ids(&engine, "how do I water the plants");
    assert_eq!(ranked.first().map(String::as_str), Some("garden#0"), "{ranked:?}");
}
