//! Relevance on the bundled corpus, through the library. Properties checked:
//! 1. every question of `fixtures/bundled-questions.jsonl` (paraphrases, keywords, typos,
//!    out-of-domain) passes;
//! 2. the key sentence is a sentence of the answer that holds the asked fact;
//! 3. query-syntax characters are plain characters: they do not change the answer;
//! 4. an acronym and its expansion find the same passage;
//! 5. a question outside the material gets no answer, with nearby topics as a hint.

use std::path::Path;

use passagebot::eval::{evaluate, load_questions};
use passagebot::search::Engine;

use crate::env::{open_bundled_engine, top_text};

#[test]
fn bundled_question_set_passes() {
    let (_dir, engine) = open_bundled_engine();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bundled-questions.jsonl");
    let questions = load_questions(&path).expect("fixture questions");
    let report = evaluate(&engine, &questions).expect("evaluation");
    let failures: Vec<String> =
        report.failures.iter().map(|f| format!("{} {}: {}", f.id, f.question, f.detail)).collect();
    assert_eq!(report.expect_passed, report.expect_questions, "{failures:#?}");
}

#[test]
fn key_sentence_holds_the_fact() {
    let (_dir, engine) = open_bundled_engine();
    let reply = engine.ask("How many private AI companies were there in 2022?", 1).expect("search");
    let best = reply.best().expect("an answer");
    assert!(best.highlight_text().contains("564"), "{}", best.highlight_text());
    assert!(best.highlight_text().len() < best.passage.text.len());
}

#[test]
fn query_syntax_characters_do_not_change_the_answer() {
    let (_dir, engine) = open_bundled_engine();
    let plain = top_text(&engine, "Naver HyperCLOVA launch");
    assert!(plain.contains("HyperCLOVA X"));
    for noisy in [
        "\"Naver\" AND (HyperCLOVA) launch*",
        "Naver: HyperCLOVA^2 ~launch -",
        "+Naver +HyperCLOVA launch?",
    ] {
        assert_eq!(top_text(&engine, noisy), plain, "{noisy}");
    }
}

#[test]
fn acronym_and_expansion_find_the_same_passage() {
    let (_dir, engine) = open_bundled_engine();
    assert_eq!(
        top_text(&engine, "R&D budget for strategic technologies"),
        top_text(&engine, "research and development budget for strategic technologies")
    );
}

#[test]
fn outside_questions_get_no_answer_but_topics() {
    let (_dir, engine) = open_bundled_engine();
    let reply = engine.ask("What is the capital of France?", 3).expect("search");
    assert!(reply.answers.is_empty());
    assert!(reply.no_match.is_some());
    assert!(!reply.nearby.is_empty() || engine.topics(3).len() < 2);
}

/// Regression: "describe" was question filler everywhere, so "What does git describe print?"
/// searched only "git" and "print" and never reached git-describe's page.
#[test]
fn describe_in_git_describe_is_searched_as_a_topic_word() {
    let (_dir, engine) = open_bundled_engine();
    let informative = |question: &str, word: &str| {
        let plan = engine.plan(question);
        let concept = plan.concepts.iter().find(|c| c.surface == word);
        concept.unwrap_or_else(|| panic!("{word} in {question}")).informative
    };
    assert!(informative("What does git describe print?", "describe"));
    assert!(informative("how does git show display a merge", "show"));
    // Where they make the request, they stay filler.
    assert!(!informative("Describe the AI semiconductor strategy", "describe"));
    assert!(!informative("can you please explain the AI strategy", "explain"));
    assert!(!informative("how do I show the budget", "show"));
    assert!(!informative("tell me about KT", "tell"));
}

/// The two-pass first stage (`narrow`) answers the bundled questions as one query over every
/// clause does: the same best passage, and every passage both rank scored alike. (Deeper
/// ranks may differ: a passage matched only by its document's title is outside the narrow
/// pass's pool.) The heap shared across segments changes nothing.
#[test]
fn narrow_first_stage_answers_as_one_query_over_every_clause() {
    let (_dir, mut engine) = open_bundled_engine();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bundled-questions.jsonl");
    let questions = load_questions(&path).expect("fixture questions");
    let ranks = |engine: &Engine| -> Vec<Vec<(u32, f32)>> {
        questions
            .iter()
            .map(|q| {
                engine
                    .rank(&q.question, 10)
                    .expect("search")
                    .hits
                    .iter()
                    .map(|h| (h.number, h.score))
                    .collect()
            })
            .collect()
    };
    let mut tuning = *engine.tuning();
    tuning.narrow = 0;
    tuning.shared_threshold = false;
    engine.set_tuning(tuning);
    let full = ranks(&engine);
    for (narrow, shared) in [(0, true), (1, true), (2, true), (3, true), (3, false)] {
        tuning.narrow = narrow;
        tuning.shared_threshold = shared;
        engine.set_tuning(tuning);
        for ((question, theirs), ours) in questions.iter().zip(&full).zip(ranks(&engine)) {
            let question = &question.question;
            assert_eq!(
                ours.first().map(|h| h.0),
                theirs.first().map(|h| h.0),
                "{narrow}: {question}"
            );
            for (number, score) in &ours {
                if let Some((_, expected)) = theirs.iter().find(|h| h.0 == *number) {
                    let close = (score - expected).abs() <= 1e-4 * expected.abs().max(1.0);
                    assert!(close, "{narrow}: {question}: {score} vs {expected}");
                }
            }
        }
    }
}
