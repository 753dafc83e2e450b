//! Exactness and word weight. Properties checked:
//! 1. of two passages with the same stem, the one holding the form asked ranks first;
//! 2. a rare word of the question weighs more than a common one: the passage with the rare
//!    word alone outranks those with the common word alone.

use super::{engine, rankings, top};

#[test]
fn the_form_asked_outranks_another_form_of_its_stem() {
    let engine = engine(&[
        ("print", None, "Print the report from the file menu, or press the print button."),
        ("printing", None, "Printing the report takes a minute on the office printer."),
        ("mail", None, "Mail the report to the team when it is ready."),
    ]);
    assert_eq!(top(&engine, "printing the report").as_deref(), Some("printing#0"));
    assert_eq!(top(&engine, "print the report").as_deref(), Some("print#0"));
    insta::assert_snapshot!(rankings(&engine, &["printing the report", "print the report"]));
}

#[test]
fn a_rare_word_weighs_more_than_a_common_one() {
    let engine = engine(&[
        ("a", None, "The system starts when the power button is held for two seconds."),
        ("b", None, "The system stores its settings in a file in the home folder."),
        ("c", None, "The system logs every error it meets to a journal."),
        ("d", None, "The kernel schedules the processes and manages memory."),
        ("e", None, "The system checks for updates once a day."),
    ]);
    assert_eq!(top(&engine, "system kernel").as_deref(), Some("d#0"));
    insta::assert_snapshot!(rankings(&engine, &["system kernel"]));
}

#[test]
fn the_words_as_written_decide_between_passages_of_one_stem() {
    // "print" twice outweighs "printing" once on the stem alone; the question's word as
    // written, scored from the forward entries since the index has no field of them, turns
    // it round — and only it: with its weight at 0 the stem decides.
    let mut engine = engine(&[
        ("twice", None, "Print the report, then print the summary of the report."),
        ("once", None, "Printing the report takes a minute on the office machine."),
    ]);
    assert_eq!(top(&engine, "printing the report").as_deref(), Some("once#0"));
    let mut tuning = *engine.tuning();
    tuning.set("exact", "0").expect("a knob");
    engine.set_tuning(tuning);
    assert_eq!(top(&engine, "printing the report").as_deref(), Some("twice#0"));
}
