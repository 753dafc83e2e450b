//! Hostile questions through the binary (one batch process) and the library (proptest):
//! every input gets a reply or a clear message; nothing panics.

use std::sync::OnceLock;

use passagebot::search::Engine;
use proptest::prelude::*;

use crate::env::{TestEnv, assert_success, open_bundled_engine, stdout};

const HOSTILE: &[&str] = &[
    "?",
    "!!! ??? ...",
    "🤖🤖🤖 🚀",
    "\" : ( ) * ~ ^ AND OR NOT - + title:ai \"unclosed",
    "AI AND (R&D OR \"budget\")^3 -Samsung*",
    "\u{200b}\u{200d}\u{feff}zero width\u{200b}AI",
    "ما هي استراتيجية كوريا للذكاء الاصطناعي؟",
    "\u{202e}IA fo tseb\u{202c} reversed",
    "<b>AI</b> &amp; <script>alert(1)</script>",
    "한국의 인공지능 전략은?",
    "a",
    "the of and to",
];

#[test]
fn hostile_questions_get_a_reply_from_the_binary() {
    let env = TestEnv::with_bundled_corpus();
    let huge = "artificial intelligence investment ".repeat(300);
    let control: String = (0u8..32).filter(|&b| b != b'\n' && b != b'\r').map(char::from).collect();
    let mut input: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
    input.push(huge);
    input.push(format!("{control}AlphaGo{control}"));
    let output = env.run_with_stdin(&["ask", "--json"], &(input.join("\n") + "\n"));
    assert_success(&output);
    let replies: Vec<serde_json::Value> =
        stdout(&output).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    // Questions made only of blanks are skipped; every other line gets exactly one reply.
    let expected = input.iter().filter(|q| !q.trim().is_empty()).count();
    assert_eq!(replies.len(), expected);
    let alphago = replies.last().unwrap();
    assert!(alphago["answers"][0]["text"].as_str().unwrap().contains("863 million"));
}

#[test]
fn empty_question_is_not_an_error() {
    let env = TestEnv::with_bundled_corpus();
    let output = env.run(&["ask", ""]);
    assert_success(&output);
    assert!(stdout(&output).contains("couldn't find any words"), "{}", stdout(&output));
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &ENGINE.get_or_init(open_bundled_engine).1
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_text_gets_a_well_formed_reply(question in "\\PC{0,300}|[ -~]{0,300}") {
        let reply = engine().ask(&question, 3).expect("search");
        prop_assert!(reply.answers.len() <= 3);
        prop_assert_eq!(reply.answers.is_empty(), reply.no_match.is_some());
        for answer in &reply.answers {
            prop_assert!(answer.passage.text.get(answer.highlight.clone()).is_some());
            prop_assert!(!answer.highlight_text().is_empty());
        }
    }

    #[test]
    fn questions_mixing_corpus_words_and_noise_do_not_panic(
        words in proptest::collection::vec(prop_oneof![
            Just("AI"), Just("Korea"), Just("investment"), Just("\""), Just("AND"), Just("*"),
            Just("😀"), Just("\u{202e}"), Just("2023"), Just("invets"), Just("인공지능"),
        ], 0..40)
    ) {
        let question = words.join(" ");
        let _ = engine().ask(&question, 5).expect("search");
    }
}

#[test]
#[ignore = "timing report: run with --ignored --nocapture"]
fn worst_case_time_per_hostile_question() {
    let engine = engine();
    let pieces = [
        "AI",
        "Korea",
        "investment",
        "\"",
        "AND",
        "*",
        "😀",
        "\u{202e}",
        "2023",
        "invets",
        "인공지능",
        "<b>",
        "&amp;",
        "\u{200b}",
        "(((",
        "annoucement",
        "semiconductr",
        "x",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut times = Vec::new();
    for round in 0..3000 {
        let words = if round % 100 == 0 { 4096 } else { 1 + round % 60 };
        let mut question = String::new();
        for _ in 0..words {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            question.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            question.push(' ');
        }
        let started = std::time::Instant::now();
        let _ = engine.ask(&question, 5).expect("search");
        times.push(started.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    eprintln!(
        "hostile questions: {} asked, p50 {:?}, p99 {:?}, worst {:?}",
        times.len(),
        at(0.5),
        at(0.99),
        times[times.len() - 1]
    );
    assert!(times[times.len() - 1] < std::time::Duration::from_millis(200));
}
