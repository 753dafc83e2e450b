//! An engine built in RAM ([`Engine::in_ram`]) ranks exactly as one opened from a generation
//! built on disk of the same passages. Properties checked:
//! 1. on the bundled corpus and the guide corpus, every question of the bundled and seed
//!    sets, the `/start` examples and a question made of each passage's opening words get
//!    the same ranking, scores, evidence and confidence, bit for bit, and the same reply;
//! 2. the same on three real-docs corpora of `../shared/eval` (plain text, office and ebook
//!    files, PDF), with their question sets;
//! 3. the engines agree on everything else a front end reads: size, topics, examples,
//!    related passages, keys, look-ups by id;
//! 4. an empty in-RAM engine answers nothing and does not fail.

use std::path::Path;

use passagebot::corpus::Passage;
use passagebot::eval::load_questions;
use passagebot::search::{Engine, IN_RAM_GENERATION};

use crate::env::{bundled_corpus, open_engine, shared_eval, skip};

/// The passages of an engine, in number order.
fn passages_of(engine: &Engine) -> Vec<Passage> {
    (0..engine.len() as u32)
        .map(|n| engine.passage_by_number(n).expect("a stored passage").as_ref().clone())
        .collect()
}

/// The questions of the sets at `paths` (those that exist).
fn questions_of(paths: &[&Path]) -> Vec<String> {
    paths
        .iter()
        .filter(|path| path.is_file())
        .flat_map(|path| load_questions(path).expect("a question set"))
        .map(|q| q.question)
        .collect()
}

/// Asks both engines every question, the engine's examples and a question made of each
/// passage's opening words, and asserts the same rankings and replies, bit for bit.
fn assert_ranks_alike(disk: &Engine, ram: &Engine, mut questions: Vec<String>) {
    questions.extend(disk.examples().iter().cloned());
    for n in 0..disk.len() as u32 {
        let passage = disk.passage_by_number(n).expect("a stored passage");
        questions.push(passage.text.split_whitespace().take(8).collect::<Vec<_>>().join(" "));
    }
    for question in &questions {
        // Debug output prints every f32 in its shortest exact form: equal text, equal bits.
        let (ours, theirs) = (ram.rank(question, 100), disk.rank(question, 100));
        assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "{question}");
        let (ours, theirs) = (ram.ask(question, 5), disk.ask(question, 5));
        assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "{question}");
    }
}

#[test]
fn an_engine_built_in_ram_ranks_exactly_as_one_opened_from_disk() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed = shared_eval().map(|eval| eval.join("seed/questions.jsonl"));
    let bundled_sets = [Some(root.join("tests/fixtures/bundled-questions.jsonl")), seed];
    let bundled_sets: Vec<&Path> = bundled_sets.iter().flatten().map(|p| p.as_path()).collect();
    for (corpus, sets) in
        [(bundled_corpus(), bundled_sets), (root.join("tests/fixtures/guide-corpus"), Vec::new())]
    {
        let (_dir, disk) = open_engine(&corpus);
        let passages = passages_of(&disk);
        assert!(passages.len() >= 5, "{} has {} passages", corpus.display(), passages.len());
        let ram = Engine::in_ram(&passages).expect("an in-RAM engine");
        assert_ranks_alike(&disk, &ram, questions_of(&sets));
    }
}

#[test]
fn an_engine_built_in_ram_ranks_real_docs_exactly_as_one_opened_from_disk() {
    let Some(eval) = shared_eval() else {
        skip("in_ram real docs", "../shared/eval is absent");
        return;
    };
    for set in ["mutt-txt", "ebook-office", "pdf-manual-slides"] {
        let folder = eval.join("real-docs").join(set);
        if !folder.join("corpus").is_dir() {
            skip("in_ram real docs", &format!("{} is absent", folder.display()));
            continue;
        }
        let (_dir, disk) = open_engine(&folder.join("corpus"));
        let ram = Engine::in_ram(&passages_of(&disk)).expect("an in-RAM engine");
        assert_ranks_alike(&disk, &ram, questions_of(&[&folder.join("questions.jsonl")]));
    }
}

#[test]
fn an_engine_built_in_ram_agrees_with_disk_on_what_front_ends_read() {
    let (_dir, disk) = open_engine(&bundled_corpus());
    let passages = passages_of(&disk);
    let ram = Engine::in_ram(&passages).expect("an in-RAM engine");
    assert_eq!((ram.len(), ram.is_empty()), (disk.len(), disk.is_empty()));
    assert_eq!(ram.info().passages, disk.info().passages);
    assert_eq!(ram.info().documents, disk.info().documents);
    assert_eq!(ram.info().generation, IN_RAM_GENERATION);
    assert_eq!(ram.topics(10), disk.topics(10));
    assert_eq!(ram.examples(), disk.examples());
    for (number, passage) in passages.iter().enumerate() {
        assert_eq!(ram.number_of(&passage.id), Some(number as u32));
        assert_eq!(ram.key_of(passage), disk.key_of(passage));
        let related = |engine: &Engine| -> Vec<String> {
            engine.related(number as u32, 3).iter().map(|p| p.id.clone()).collect()
        };
        assert_eq!(related(&ram), related(&disk), "{}", passage.id);
    }
}

#[test]
fn an_empty_in_ram_engine_answers_nothing_without_failing() {
    let engine = Engine::in_ram(&[]).expect("an empty in-RAM engine");
    assert!(engine.is_empty());
    let reply = engine.ask("What is the capital of France?", 3).expect("search");
    assert!(reply.answers.is_empty());
    assert!(engine.topics(3).is_empty());
}
