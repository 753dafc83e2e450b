//! Headings. Properties checked:
//! 1. a passage under a section heading that names the question's topic ranks above one
//!    that only mentions it in passing;
//! 2. a document's title counts for each of its passages: of two passages with the same
//!    text, the one whose document the question names ranks first.

use super::{engine, rank_ids, rankings, top};

#[test]
fn a_section_naming_the_topic_outranks_a_passing_mention() {
    let engine = engine(&[
        (
            "garden",
            Some("Pruning"),
            "Cut dead branches in late winter. Watering right after pruning helps the plant \
             recover.",
        ),
        (
            "garden",
            Some("Watering"),
            "Water the plants early in the morning, twice a week in summer.",
        ),
        ("garden", Some("Soil"), "Mix compost into the soil before planting in spring."),
    ]);
    assert_eq!(top(&engine, "watering").as_deref(), Some("garden#1"));
    insta::assert_snapshot!(rankings(&engine, &["watering", "when should I prune"]));
}

#[test]
fn the_document_title_counts_for_its_passages() {
    // The shop's passage names both appliances in its text; the title still decides (a
    // title-only word is searched too since store format 18).
    let engine = engine(&[
        ("kettle", None, "Fill the tank with cold water and switch it on at the back."),
        ("espresso-machine", None, "Fill the tank with cold water and switch it on at the back."),
        ("shop", None, "The shop sells the espresso machine, the kettle and a toaster."),
    ]);
    let first = |question: &str, a: &str, b: &str| {
        let ranking = rank_ids(&engine, question);
        let at = |id: &str| ranking.iter().position(|r| r == id).unwrap_or(usize::MAX);
        assert!(at(a) < at(b), "{question}: {ranking:?}");
    };
    first("how do I switch on the espresso machine", "espresso-machine#0", "kettle#0");
    first("how do I switch on the kettle", "kettle#0", "espresso-machine#0");
    insta::assert_snapshot!(rankings(
        &engine,
        &["how do I switch on the espresso machine", "how do I switch on the kettle"]
    ));
}
