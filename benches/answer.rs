//! Criterion benches: one question answered (analysis, search, re-rank, highlight), a batch
//! of questions, the stages on their own, and an index build. On `../shared/eval/squad-v1.1-dev`
//! when present (the figures in the README), else on the bundled corpus.
//!
//! Run: `cargo bench --bench answer` (add `-- --quick` for a short run).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use passagebot::index::{BuildOptions, build};
use passagebot::search::{Engine, Tuning};

struct Fixture {
    corpus: PathBuf,
    questions: Vec<String>,
    name: &'static str,
}

fn fixture() -> Fixture {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let squad = root.join("../shared/eval/squad-v1.1-dev");
    if squad.is_dir() {
        let text = std::fs::read_to_string(squad.join("questions.jsonl")).expect("questions");
        let questions = text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["question"].as_str().map(str::to_string))
            .collect();
        return Fixture { corpus: squad.join("passages.jsonl"), questions, name: "squad" };
    }
    eprintln!("../shared/eval not found: benchmarking the bundled corpus instead");
    let questions = [
        "How much did South Korea invest in AI after AlphaGo?",
        "What did Naver launch in 2023?",
        "alphago",
        "How much is KT investing in AI?",
    ];
    Fixture {
        corpus: root.join("corpus"),
        questions: questions.iter().map(|q| q.to_string()).collect(),
        name: "bundled",
    }
}

fn benches(c: &mut Criterion) {
    let fixture = fixture();
    let dir = tempfile::tempdir().expect("temp dir");
    let opts = BuildOptions {
        corpus: fixture.corpus.clone(),
        index_dir: dir.path().to_path_buf(),
        force: true,
        load: Default::default(),
        memory_budget: passagebot::index::DEFAULT_MEMORY_BUDGET,
    };
    build(&opts).expect("build");
    let engine = Engine::open(dir.path()).expect("open");
    let mut baseline = Engine::open(dir.path()).expect("open");
    baseline.set_tuning(Tuning::plain_bm25());

    let mut next = 0usize;
    let mut group = c.benchmark_group(fixture.name);
    group.bench_function("answer_one_question", |b| {
        b.iter(|| {
            let question = &fixture.questions[next % fixture.questions.len()];
            next += 7;
            let reply = engine.ask(black_box(question), 1).expect("search");
            assert!(reply.answers.len() <= 1);
            reply
        })
    });
    group.bench_function("plan_only", |b| {
        b.iter(|| {
            let question = &fixture.questions[next % fixture.questions.len()];
            next += 7;
            engine.plan(black_box(question))
        })
    });
    group.bench_function("plain_bm25_one_question", |b| {
        b.iter(|| {
            let question = &fixture.questions[next % fixture.questions.len()];
            next += 7;
            baseline.rank(black_box(question), 1).expect("search")
        })
    });
    let batch: Vec<&String> = fixture.questions.iter().take(1000).collect();
    group.sample_size(10);
    group.bench_function("answer_batch_1000", |b| {
        b.iter(|| {
            let answered = batch
                .iter()
                .filter(|q| !engine.ask(q, 1).expect("search").answers.is_empty())
                .count();
            assert!(answered > 0);
            answered
        })
    });
    group.bench_function("index_build", |b| {
        b.iter(|| {
            let target = tempfile::tempdir().expect("temp dir");
            let opts = BuildOptions {
                corpus: fixture.corpus.clone(),
                index_dir: target.path().to_path_buf(),
                force: true,
                load: Default::default(),
                memory_budget: passagebot::index::DEFAULT_MEMORY_BUDGET,
            };
            let report = build(&opts).expect("build");
            assert!(report.passages > 0);
            report.passages
        })
    });
    group.finish();
}

criterion_group!(answer, benches);
criterion_main!(answer);
