//! Question shapes. Properties checked:
//! 1. "what is X" prefers the passage that defines X over one that repeats X more often, and
//!    so does "what does the X flag do in …", and a bare term ("rerere") prefers the name
//!    line of its command's man page, which "what is X" does not;
//! 2. a question about something the material does not hold gets no answer;
//! 3. a question without a word (punctuation, white space) says so rather than guessing.

use super::{engine, rankings, top};

fn optics() -> passagebot::search::Engine {
    engine(&[
        (
            "detector",
            None,
            "Photon counts rose at noon. The photon detector measured photon pulses and \
             photon noise.",
        ),
        ("photon", None, "A photon is a particle of light. It carries energy but has no mass."),
        ("lenses", None, "Lenses bend light to form images on a screen or in the eye."),
    ])
}

#[test]
fn a_definition_question_prefers_the_passage_that_defines() {
    let engine = optics();
    assert_eq!(top(&engine, "what is a photon").as_deref(), Some("photon#0"));
    insta::assert_snapshot!(rankings(&engine, &["what is a photon", "what do lenses do"]));
}

#[test]
fn what_does_the_x_flag_do_prefers_the_entry_that_explains_x() {
    let engine = engine(&[
        (
            "autoview",
            None,
            "If set, mutt looks for a mailcap entry with the copiousoutput flag set for \
             every MIME attachment; a mailcap entry without copiousoutput is skipped, and the \
             copiousoutput entry's output is shown inline.",
        ),
        (
            "fields",
            None,
            "Mutt recognizes the following optional fields:\n\ncopiousoutput\n\nThis flag \
             tells Mutt that the command passes large amounts of text on standard output.",
        ),
        ("pager", None, "The pager shows one message at a time; press q to leave it."),
    ]);
    let question = "What does the copiousoutput flag do in a mailcap entry?";
    assert_eq!(top(&engine, question).as_deref(), Some("fields#0"));
}

#[test]
fn a_bare_term_prefers_its_commands_name_line_and_what_is_x_the_definition() {
    let engine = engine(&[
        (
            "rerere-discussion",
            None,
            "As a convenience, git merge invokes git rerere after a conflicted merge, and git \
             rerere records the rerere state; git rerere forget drops a rerere resolution.",
        ),
        ("rerere-name", None, "git-rerere - Reuse recorded resolution of conflicted merges"),
        (
            "submodule-name",
            None,
            "git-submodule - Initialize, update or inspect submodules of a submodule \
             repository",
        ),
        ("submodules", None, "A submodule is a repository embedded inside another repository."),
    ]);
    assert_eq!(top(&engine, "rerere").as_deref(), Some("rerere-name#0"));
    assert_eq!(top(&engine, "What does git rerere do?").as_deref(), Some("rerere-name#0"));
    assert_eq!(top(&engine, "What does git rerere print?").as_deref(), Some("rerere-name#0"));
    assert_eq!(top(&engine, "what is a submodule").as_deref(), Some("submodules#0"));
}

#[test]
fn the_syntax_of_a_command_prefers_the_passage_with_its_usage_line() {
    let engine = engine(&[
        (
            "alias-file",
            None,
            "alias_file: the default file in which to save aliases created by the alias \
             command. Entries added to this file are encoded in the alias syntax.",
        ),
        (
            "aliases",
            None,
            "Usage:\n\nalias [ -group name ...] key address [ address ...]\n\nMutt allows \
             you to create aliases which map a short string to a full address.",
        ),
        ("scoring", None, "Usage:\n\nscore pattern value\n\nScoring adds value to messages."),
    ]);
    let question = "What is the syntax of the alias command?";
    assert_eq!(top(&engine, question).as_deref(), Some("aliases#0"));
    assert_eq!(top(&engine, "syntax of the score command").as_deref(), Some("scoring#0"));
    insta::assert_snapshot!(rankings(&engine, &[question]));
}

#[test]
fn which_xs_does_y_have_prefers_the_passage_that_lists_them() {
    let engine = engine(&[
        (
            "mentions",
            None,
            "In SQLite any column may store a value of any storage class. SQLite values in \
             statements have an implicit storage class, and SQLite may convert between \
             storage classes.",
        ),
        (
            "list",
            None,
            "Each value has one of the following storage classes:\n- NULL. No value.\n- \
             INTEGER. A signed integer.\n- TEXT. A text string.",
        ),
        ("affinity", None, "A column's affinity is the type it prefers for stored values."),
    ]);
    let question = "What storage classes does SQLite have?";
    assert_eq!(top(&engine, question).as_deref(), Some("list#0"));
    insta::assert_snapshot!(rankings(&engine, &[question]));
}

#[test]
fn a_question_outside_the_material_gets_no_answer() {
    let engine = optics();
    let question = "who won the football world cup in 1998";
    let reply = engine.ask(question, 3).expect("search");
    assert!(reply.answers.is_empty(), "{:?}", reply.best().map(|a| &a.passage.id));
    insta::assert_snapshot!(rankings(&engine, &[question]));
}

#[test]
fn a_question_without_a_word_says_so() {
    let engine = optics();
    for question in ["???", "", " \t ", "¿¡…!"] {
        let ranking = engine.rank(question, 3).expect("search");
        assert!(ranking.no_searchable_words, "{question:?}");
        assert!(ranking.hits.is_empty(), "{question:?}");
    }
}
