//! Answers a student can trust (issue 11), on the bundled article. Properties checked:
//! 1. fair questions are answered: the document's own title, paraphrases, chatty questions,
//!    questions with markup or query-language operators;
//! 2. correctly spelt words are never "corrected" ("lunch" is not "launching"), and such an
//!    off-topic question gets "no good match", not a passage through the correction;
//! 3. real typos are still corrected, heading words included; Hangul never is;
//! 4. every answer carries a confidence from 0 to 1, in `ask --json` too, and the threshold
//!    can be moved with `--min-confidence`.

use passagebot::search::Engine;

use crate::env::{TestEnv, assert_success, open_bundled_engine, stdout, top_text};

fn assert_answered_with(engine: &Engine, question: &str, needle: &str) {
    let reply = engine.ask(question, 1).expect("search");
    let best = reply.best().unwrap_or_else(|| panic!("no answer to {question:?}: {reply:?}"));
    assert!(best.passage.text.contains(needle), "{question:?} → {}", best.passage.text);
}

fn assert_no_suggestion_and_no_answer(engine: &Engine, question: &str) {
    let reply = engine.ask(question, 1).expect("search");
    assert_eq!(reply.suggestion, None, "{question:?}");
    assert!(reply.answers.is_empty(), "{question:?} → {:?}", reply.best().map(|a| &a.passage.id));
}

#[test]
fn the_documents_own_title_is_answered_not_rejected() {
    let (_dir, engine) = open_bundled_engine();
    let reply = engine
        .ask("What is South Korea's AI computing power development strategy?", 1)
        .expect("search");
    assert!(reply.best().is_some(), "{reply:?}");
}

#[test]
fn which_telecom_company_plans_a_big_ai_investment_is_answered() {
    let (_dir, engine) = open_bundled_engine();
    assert_answered_with(&engine, "Which telecom company plans a big AI investment?", "KT Corp");
}

#[test]
fn chatty_question_hey_bot_quick_question_thanks_is_answered() {
    let (_dir, engine) = open_bundled_engine();
    let question = "hey bot, quick question - how much did KT invest by 2027? thanks!!";
    assert_answered_with(&engine, question, "$5.4 billion");
}

#[test]
fn chatty_question_so_like_naver_lol_is_answered() {
    let (_dir, engine) = open_bundled_engine();
    let question = "So like, what did naver put out in 2023 lol";
    assert_answered_with(&engine, question, "HyperCLOVA X");
}

#[test]
fn question_with_markup_tags_is_answered() {
    let (_dir, engine) = open_bundled_engine();
    assert_answered_with(&engine, "<b>AI</b> semiconductors", "emiconductor");
}

#[test]
fn question_with_query_operators_is_answered() {
    let (_dir, engine) = open_bundled_engine();
    assert_answered_with(&engine, r#"KT "investment" (2027) AND -foo title:bar *"#, "KT Corp");
}

#[test]
fn chat_filler_and_markup_are_never_evidence() {
    let (_dir, engine) = open_bundled_engine();
    let plain = top_text(&engine, "how much did KT invest by 2027");
    for noisy in [
        "hey bot, quick question - how much did KT invest by 2027? thanks!!",
        "how much did <i>KT</i> invest by 2027 lol",
    ] {
        assert_eq!(top_text(&engine, noisy), plain, "{noisy}");
    }
    assert_no_suggestion_and_no_answer(&engine, "hey thanks lol");
}

#[test]
fn where_can_i_get_lunch_gets_no_suggestion() {
    let (_dir, engine) = open_bundled_engine();
    assert_no_suggestion_and_no_answer(&engine, "where can I get lunch");
}

#[test]
fn how_many_goats_are_in_korea_is_not_corrected_to_goals() {
    let (_dir, engine) = open_bundled_engine();
    assert_no_suggestion_and_no_answer(&engine, "how many goats are in Korea");
}

#[test]
fn what_do_police_think_about_ai_is_not_corrected_to_policies() {
    let (_dir, engine) = open_bundled_engine();
    let reply = engine.ask("what do police think about AI", 1).expect("search");
    assert_eq!(reply.suggestion, None);
}

#[test]
fn which_river_flows_through_the_capital_is_not_corrected_to_driver() {
    let (_dir, engine) = open_bundled_engine();
    assert_no_suggestion_and_no_answer(&engine, "which river flows through the capital");
}

#[test]
fn what_does_the_hospital_charge_is_not_corrected_to_change() {
    let (_dir, engine) = open_bundled_engine();
    assert_no_suggestion_and_no_answer(&engine, "what does the hospital charge");
}

#[test]
fn main_participnts_is_corrected_to_the_heading_word_participants() {
    let (_dir, engine) = open_bundled_engine();
    let reply = engine.ask("main participnts", 1).expect("search");
    assert_eq!(reply.suggestion.as_deref(), Some("main participants"));
}

#[test]
fn real_typos_are_still_corrected() {
    let (_dir, engine) = open_bundled_engine();
    let reply = engine.ask("how much did KT invets by 2027", 1).expect("search");
    let suggestion = reply.suggestion.clone().unwrap_or_default();
    assert!(suggestion.starts_with("how much did KT invest"), "{reply:?}");
    assert!(reply.best().is_some_and(|a| a.passage.text.contains("KT Corp")));
    let reply = engine.ask("what did Naver annouce", 1).expect("search");
    assert!(reply.suggestion.is_some(), "{reply:?}");
}

#[test]
fn hangul_words_are_never_corrected() {
    let (_dir, engine) = open_bundled_engine();
    for question in ["인공지능 전략은 무엇인가", "한국의 인곤지능 투자"] {
        assert_eq!(engine.ask(question, 1).expect("search").suggestion, None, "{question}");
    }
}

#[test]
fn every_answer_has_a_confidence_between_0_and_1() {
    let (_dir, engine) = open_bundled_engine();
    let reply = engine.ask("What did Naver launch in 2023?", 5).expect("search");
    assert!(!reply.answers.is_empty());
    for answer in &reply.answers {
        assert!((0.0..=1.0).contains(&answer.confidence), "{}", answer.confidence);
    }
    let best = reply.best().map_or(0.0, |a| a.confidence);
    assert!(best >= passagebot::search::DEFAULT_MIN_CONFIDENCE, "{best}");
}

#[test]
fn ask_json_reports_confidence_and_min_confidence_moves_the_cut() {
    let env = TestEnv::with_bundled_corpus();
    let output = env.run(&["ask", "--json", "What did Naver launch in 2023?"]);
    assert_success(&output);
    let value: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    let confidence = value["answers"][0]["confidence"].as_f64().expect("a confidence");
    assert!((0.0..=1.0).contains(&confidence), "{confidence}");
    let output = env.run(&["ask", "--json", "--min-confidence", "1", "What did Naver launch?"]);
    assert_success(&output);
    let value: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(value["answers"].as_array().map(Vec::len), Some(0), "{value}");
    let output = env.run(&["ask", "--min-confidence", "1.5", "x"]);
    assert!(!output.status.success());
}
