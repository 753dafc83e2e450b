//! Helping a student on (issue 11, items 4, 5, 7 and 8): `/start` examples, "See also",
//! follow-up questions and the terminal chat saying what the bot says. Properties checked:
//! 1. the example questions are real questions (not headings) that the corpus answers above
//!    the confidence cut, on the bundled article and on a fixture; a new corpus gives new
//!    ones;
//! 2. "See also" lists at most three passages of other sections sharing rare terms, never
//!    the answer nor its section, nothing for a passage that shares none, and stays cheap;
//! 3. the follow-up pairs of `fixtures/follow-ups.json` get the expected passage, and a
//!    self-contained second question is not merged with the first;
//! 4. `chat` answers `/start`, `/about`, unknown commands and `/context` with the bot's text.

use std::path::{Path, PathBuf};
use std::time::Instant;

use passagebot::index::{BuildOptions, build};
use passagebot::render::{Marking, telegram, texts};
use passagebot::search::Engine;
use serde_json::Value;

use crate::env::{TestEnv, assert_success, open_bundled_engine, shared_eval, skip, stdout};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Builds the index of `corpus` into `index` and opens it.
fn open(corpus: &Path, index: &Path) -> Engine {
    let opts = BuildOptions {
        corpus: corpus.to_path_buf(),
        index_dir: index.to_path_buf(),
        force: false,
        load: Default::default(),
        memory_budget: passagebot::index::DEFAULT_MEMORY_BUDGET,
    };
    build(&opts).expect("build");
    Engine::open(index).expect("open")
}

/// Folded words, for comparing questions with headings.
fn fold(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.join(" ")
}

/// Every title and section heading of the engine's passages, folded.
fn headings(engine: &Engine) -> Vec<String> {
    (0..engine.len() as u32)
        .filter_map(|n| engine.passage_by_number(n))
        .flat_map(|p| [Some(p.title.clone()), p.section.clone()])
        .flatten()
        .map(|h| fold(&h))
        .collect()
}

fn assert_good_examples(engine: &Engine) -> Vec<String> {
    let examples = engine.examples().to_vec();
    eprintln!("examples: {examples:?}");
    assert_eq!(examples.len(), 3, "{examples:?}");
    let headings = headings(engine);
    for example in &examples {
        assert!(example.ends_with('?'), "{example}");
        let asked = fold(example);
        assert!(
            !headings
                .iter()
                .any(|h| asked == *h || asked.ends_with(&format!(" {h}")) && h.contains(' ')),
            "{example:?} is a heading"
        );
        let reply = engine.ask(example, 1).expect("search");
        assert!(reply.best().is_some(), "{example:?} is not answered: {reply:?}");
    }
    examples
}

#[test]
fn start_examples_are_answered_questions_not_headings_on_the_bundled_article() {
    let (_dir, engine) = open_bundled_engine();
    assert_good_examples(&engine);
}

#[test]
fn start_examples_are_answered_on_a_fixture_and_a_new_corpus_refreshes_them() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for name in ["beekeeping.md", "orchard.md"] {
        std::fs::copy(fixtures().join("guide-corpus").join(name), corpus.join(name)).unwrap();
    }
    let engine = open(&corpus, &dir.path().join("index"));
    let before = assert_good_examples(&engine);
    drop(engine);

    std::fs::remove_file(corpus.join("beekeeping.md")).unwrap();
    std::fs::remove_file(corpus.join("orchard.md")).unwrap();
    std::fs::write(
        corpus.join("sailing.md"),
        "# Sailing\n\n## Knots\n\nA bowline makes a fixed loop at the end of a rope that will not slip or jam. Sailors tie it to moor the dinghy to a ring on the quay.\n\n## Reefing\n\nReef the mainsail before the wind rises: lower the halyard, hook the reefing cringle onto the boom and tie the reef points under the foot of the sail.\n\n## Tides\n\nCheck the tide tables before you leave the harbour. A spring tide brings the highest high water and the lowest low water, about two days after a full moon.\n",
    )
    .unwrap();
    let engine = open(&corpus, &dir.path().join("index"));
    let after = assert_good_examples(&engine);
    assert!(after.iter().all(|q| !before.contains(q)), "{before:?} → {after:?}");
}

#[test]
fn see_also_lists_other_sections_that_share_rare_terms() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open(&fixtures().join("guide-corpus"), dir.path());
    let number_of = |needle: &str| {
        (0..engine.len() as u32)
            .find(|&n| engine.passage_by_number(n).is_some_and(|p| p.text.contains(needle)))
            .unwrap_or_else(|| panic!("no passage with {needle:?}"))
    };
    let hives = number_of("Langstroth hive holds");
    let answer = engine.passage_by_number(hives).unwrap();
    let related = engine.related(hives, 3);
    let titles: Vec<String> = related.iter().map(|p| telegram::source_title(p)).collect();
    assert!(!related.is_empty() && related.len() <= 3, "{titles:?}");
    assert!(titles.contains(&"Orchard › Pollination".to_string()), "{titles:?}");
    for passage in &related {
        assert_ne!(passage.id, answer.id);
        assert!(
            passage.doc_id != answer.doc_id || passage.section != answer.section,
            "same section: {titles:?}"
        );
    }
    // Cider shares no rare term with any other section.
    let cider = number_of("Crush the windfalls");
    let unrelated: Vec<String> =
        engine.related(cider, 3).iter().map(|p| telegram::source_title(p)).collect();
    assert!(unrelated.is_empty(), "{unrelated:?}");
}

/// Times [`Engine::related`] over up to `count` passages; returns (mean, max) in µs.
fn time_related(engine: &Engine, count: usize) -> (f64, u128) {
    let step = (engine.len() / count).max(1);
    let mut total = 0u128;
    let mut max = 0u128;
    let mut calls = 0u128;
    for number in (0..engine.len()).step_by(step).take(count) {
        let started = Instant::now();
        let _ = engine.related(number as u32, 3);
        let micros = started.elapsed().as_micros();
        total += micros;
        max = max.max(micros);
        calls += 1;
    }
    (total as f64 / calls.max(1) as f64, max)
}

#[test]
fn see_also_stays_cheap() {
    let (_dir, engine) = open_bundled_engine();
    let (mean, max) = time_related(&engine, 100);
    eprintln!("related on the bundled article: mean {mean:.0} µs, max {max} µs");
    assert!(mean < 20_000.0, "{mean} µs");
    let Some(eval) = shared_eval() else {
        return skip("see_also_stays_cheap (SQuAD part)", "../shared/eval not found");
    };
    let dir = tempfile::tempdir().unwrap();
    let engine = open(&eval.join("squad-v1.1-dev/passages.jsonl"), dir.path());
    let (mean, max) = time_related(&engine, 300);
    eprintln!("related on SQuAD ({} passages): mean {mean:.0} µs, max {max} µs", engine.len());
    assert!(mean < 20_000.0, "{mean} µs");
}

/// The follow-up pairs of one corpus: every follow-up, asked with its first question's
/// subject, gets the expected passage; every self-contained question is left as it is.
fn check_follow_ups(engine: &Engine, set: &Value) {
    let mut failures = Vec::new();
    let mut merged = 0;
    let follow_ups = set["follow_ups"].as_array().unwrap();
    for pair in follow_ups {
        let (first, follow_up, expect) = (
            pair["first"].as_str().unwrap(),
            pair["follow_up"].as_str().unwrap(),
            pair["expect"].as_str().unwrap(),
        );
        let first_reply = engine.ask(first, 1).expect("search");
        assert!(first_reply.best().is_some(), "first question {first:?} is not answered");
        // What the bot asks: merged with the subject, or as it is when it names its own.
        let asked = match engine.follow_up(&first_reply.question, follow_up, false) {
            Some(asked) => {
                merged += 1;
                asked
            }
            None => follow_up.to_string(),
        };
        let got = engine.ask(&asked, 1).expect("search");
        let text = got.best().map(|a| a.passage.text.clone()).unwrap_or_default();
        if !text.contains(expect) {
            failures.push(format!("{follow_up:?} after {first:?} asked as {asked:?} → {text:?}"));
        }
    }
    eprintln!("follow-ups merged with their subject: {merged} of {}", follow_ups.len());
    // Follow-ups with two topic words of their own are asked as they are; the others need
    // the subject.
    assert!(merged >= 1, "none of {} merged", follow_ups.len());
    for pair in set["self_contained"].as_array().unwrap() {
        let (first, second, expect) = (
            pair["first"].as_str().unwrap(),
            pair["second"].as_str().unwrap(),
            pair["expect"].as_str().unwrap(),
        );
        let first_reply = engine.ask(first, 1).expect("search");
        for replying in [false, true] {
            if let Some(merged) = engine.follow_up(&first_reply.question, second, replying) {
                failures.push(format!("{second:?} merged with {first:?} into {merged:?}"));
            }
        }
        let text = engine
            .ask(second, 1)
            .expect("search")
            .best()
            .map(|a| a.passage.text.clone())
            .unwrap_or_default();
        if !text.contains(expect) {
            failures.push(format!("{second:?} on its own → {text:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

fn follow_up_pairs() -> Value {
    let text = std::fs::read_to_string(fixtures().join("follow-ups.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn follow_ups_get_the_expected_passage_on_the_bundled_article() {
    let (_dir, engine) = open_bundled_engine();
    check_follow_ups(&engine, &follow_up_pairs()["bundled"]);
}

#[test]
fn follow_ups_get_the_expected_passage_on_a_squad_article() {
    let Some(eval) = shared_eval() else {
        return skip(
            "follow_ups_get_the_expected_passage_on_a_squad_article",
            "../shared/eval not found",
        );
    };
    let pairs = follow_up_pairs();
    let prefix = pairs["squad"]["article"].as_str().unwrap();
    let all = std::fs::read_to_string(eval.join("squad-v1.1-dev/passages.jsonl")).unwrap();
    let article: Vec<&str> =
        all.lines().filter(|l| l.contains(&format!("\"id\": \"{prefix}"))).collect();
    assert!(article.len() > 10, "{} passages of {prefix}", article.len());
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("article.jsonl"), article.join("\n") + "\n").unwrap();
    let engine = open(&corpus, &dir.path().join("index"));
    check_follow_ups(&engine, &pairs["squad"]);
}

#[test]
fn chat_start_about_context_and_unknown_commands_say_what_the_bot_says() {
    let env = TestEnv::with_bundled_corpus();
    let output = env.run_with_stdin(
        &["chat"],
        "/start\n/about\n/frobnicate now\nWhat did Naver launch?\n/context\n/start AAAAAAAAAA\n/quit\n",
    );
    assert_success(&output);
    let text = stdout(&output);
    let engine = Engine::open(&env.path().join("index")).expect("the index chat built");
    let info = engine.info();
    let start = texts::start_text(None, engine.examples());
    assert!(text.contains(&start), "{start}\n---\n{text}");
    assert!(
        text.contains(&texts::about_text(info.documents, info.passages, info.built_at_unix)),
        "{text}"
    );
    assert!(text.contains(texts::UNKNOWN_COMMAND), "{text}");
    let best = engine.ask("What did Naver launch?", 1).expect("search");
    let id = &best.best().expect("an answer").passage.id;
    let context: Vec<String> = telegram::context(&engine.context(id, 1), id)
        .iter()
        .map(|part| texts::terminal_from_html(part, Marking::Stars))
        .collect();
    assert!(text.contains(&context.join("\n\n")), "{context:?}\n---\n{text}");
    assert!(text.contains(texts::PASSAGE_GONE), "{text}");
}
