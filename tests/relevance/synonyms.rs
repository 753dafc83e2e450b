//! Synonyms, acronyms and derived forms. Properties checked:
//! 1. an acronym finds the passage of its expansion ("ML" → "machine learning");
//! 2. a derived form finds its base word and back ("Korea" → "Korean");
//! 3. a word of a synonym group finds the passage of another ("invest" → "funding", "delete"
//!    → "remove", "continue" → "resume", "displayed" → "view").

use super::{engine, rankings, top};

fn corpus() -> passagebot::search::Engine {
    engine(&[
        ("ml", None, "Machine learning lets computers improve with experience instead of rules."),
        ("staff", None, "The company hired new staff for its offices in Busan last year."),
        ("battery", None, "Korean researchers built a battery that charges in five minutes."),
        ("startups", None, "The government announced funding for start-ups in 2024."),
        ("weather", None, "Heavy rain closed the mountain roads for two days."),
    ])
}

#[test]
fn an_acronym_finds_its_expansion() {
    let engine = corpus();
    assert_eq!(top(&engine, "what is ML").as_deref(), Some("ml#0"));
    insta::assert_snapshot!(rankings(&engine, &["what is ML", "how do computers improve with ML"]));
}

#[test]
fn a_derived_form_finds_its_base_word() {
    let engine = corpus();
    let question = "which researchers from Korea built a battery";
    assert_eq!(top(&engine, question).as_deref(), Some("battery#0"));
    insta::assert_snapshot!(rankings(&engine, &[question]));
}

#[test]
fn a_synonym_finds_the_passage_of_another_word_of_its_group() {
    let engine = corpus();
    let question = "did the government invest in start-ups";
    assert_eq!(top(&engine, question).as_deref(), Some("startups#0"));
    insta::assert_snapshot!(rankings(&engine, &[question, "which firm hired staff in Busan"]));
}

#[test]
fn delete_finds_remove_as_documentation_writes_it() {
    let engine = engine(&[
        (
            "ls-files",
            None,
            "git ls-files shows the files in the index: tracked files, staged files and, with \
             --others, untracked files.",
        ),
        ("clean", None, "git-clean - Remove untracked files from the working tree"),
        ("log", None, "Show the commit logs of the current branch."),
    ]);
    let question = "how do I delete untracked files";
    assert_eq!(top(&engine, question).as_deref(), Some("clean#0"));
}

#[test]
fn automatically_finds_auto() {
    let engine = engine(&[
        (
            "sending",
            None,
            "Before sending a book to your reader you can convert the book by hand: select \
             the book, click Convert and pick the book format your reader shows.",
        ),
        ("auto", None, "Auto conversion: calibre converts a book when it is sent."),
        ("news", None, "Downloaded news is sent to the reader every morning."),
    ]);
    let question = "How do I convert a book automatically?";
    assert_eq!(top(&engine, question).as_deref(), Some("auto#0"));
}

#[test]
fn continue_finds_resume_as_a_manual_writes_it() {
    let engine = engine(&[
        (
            "compose",
            None,
            "After writing the body of a message you are back in the compose menu: send the \
             message, edit the message, or postpone the message until later.",
        ),
        ("postponed", None, "A postponed message is kept until you resume it."),
        ("aliases", None, "Aliases map a short name to a full address."),
    ]);
    let question = "How do I continue writing a postponed message?";
    assert_eq!(top(&engine, question).as_deref(), Some("postponed#0"));
}

#[test]
fn displayed_finds_view_as_a_manual_writes_it() {
    let engine = engine(&[
        (
            "markup",
            None,
            "HTML mail is mail written in HTML markup; most HTML mail has a text part.",
        ),
        ("autoview", None, "With auto_view text/html you view HTML mail in the pager."),
        ("aliases", None, "Aliases map a short name to a full address."),
    ]);
    let question = "How is HTML mail displayed?";
    assert_eq!(top(&engine, question).as_deref(), Some("autoview#0"));
}
