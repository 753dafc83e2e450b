//! `passagebot serve` over a large index built beforehand (`../shared/bench`): 50 users ask
//! the bench's questions through the stand-in, each the next once the last is answered,
//! while the bot's memory is sampled from `/proc/<pid>/status` every 50 ms. Prints the peak
//! anonymous resident memory (what the process holds itself), the peak file-backed resident
//! memory (the mapped index pages, which the system may drop) and `VmHWM`, and checks the
//! anonymous peak against issue 12's ≤ 0.5 GiB.
//!
//! Ignored by default. Run with
//! `PASSAGEBOT_SCALE_CORPUS=$SCALE_DATA/1000000/corpus PASSAGEBOT_SCALE_INDEX=idx1m
//! PASSAGEBOT_SCALE_QUESTIONS=$SCALE_DATA/1000000/questions.txt
//! cargo test --release --test integration -- --ignored bot::scale --nocapture`;
//! without those it prints SKIPPED.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::*;

const USERS: i64 = 50;
/// The first simulated user's id (and private chat id).
const FIRST_USER: i64 = 50_000;
/// Anonymous memory allowed at the peak: issue 12's serving target.
const MAX_ANON_KIB: u64 = 512 * 1024;

/// The kB figure of one `/proc/<pid>/status` line.
fn status_kib(status: &str, key: &str) -> u64 {
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[test]
#[ignore = "scale test; run with PASSAGEBOT_SCALE_* set and --ignored bot::scale --nocapture"]
fn serving_memory_over_a_large_index() {
    let var = |name: &str| std::env::var_os(name).map(PathBuf::from);
    let (Some(corpus), Some(index), Some(questions)) = (
        var("PASSAGEBOT_SCALE_CORPUS"),
        var("PASSAGEBOT_SCALE_INDEX"),
        var("PASSAGEBOT_SCALE_QUESTIONS"),
    ) else {
        println!("SKIPPED: set PASSAGEBOT_SCALE_CORPUS, _INDEX and _QUESTIONS (see the file)");
        return;
    };
    let asked: Vec<String> = std::fs::read_to_string(&questions)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    assert!(!asked.is_empty(), "no questions in {}", questions.display());
    let options = Options {
        questions_per_minute: 0,
        log: "warn",
        overall_per_second: 100_000,
        serve_existing: Some((corpus, index.clone())),
        ..Options::default()
    };
    let served = passagebot::index::live_generation(&index).map(|g| g.0);
    assert!(served.is_some(), "no index of this format in {}: build it first", index.display());
    let started = Instant::now();
    let bot = Bot::start(options);
    // Opening an index built beforehand takes well under a second; the margin is for a
    // busy machine, and a rebuild (a stale index) would show in `ready`.
    bot.api.wait_for_n(1, Duration::from_secs(600), |c| c.method == "setMyCommands");
    let ready = started.elapsed();
    let pid = bot.child.id();

    let mut next = 0;
    let mut waiting: HashMap<i64, i64> = HashMap::new();
    let mut ask = |user: i64, waiting: &mut HashMap<i64, i64>| {
        if next < asked.len() {
            waiting.insert(user, bot.api.push(bot.message(user, user, &asked[next])));
            next += 1;
        }
    };
    for user in FIRST_USER..FIRST_USER + USERS {
        ask(user, &mut waiting);
    }
    let (mut answered, mut seen) = (0, 0);
    let (mut anon, mut file, mut sampled) = (0u64, 0u64, Instant::now());
    let asking = Instant::now();
    let deadline = asking + Duration::from_secs(900);
    while !waiting.is_empty() {
        assert!(Instant::now() < deadline, "{answered} of {} answered", asked.len());
        let calls = bot.api.calls_since(seen);
        seen += calls.len();
        for call in calls.iter().filter(|c| c.method == "sendMessage") {
            let Some(user) = call.body["chat_id"].as_i64() else { continue };
            assert!(waiting.remove(&user).is_some(), "user {user} got a second answer");
            answered += 1;
            ask(user, &mut waiting);
        }
        if sampled.elapsed() >= Duration::from_millis(50) {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
            anon = anon.max(status_kib(&status, "RssAnon:"));
            file = file.max(status_kib(&status, "RssFile:"));
            sampled = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let took = asking.elapsed();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "serve at scale: ready in {:.2} s; {answered} questions answered in {:.1} s ({:.0}/s) by \
         {USERS} users; peak RssAnon {:.1} MiB, peak RssFile {:.1} MiB, VmHWM {:.1} MiB",
        ready.as_secs_f64(),
        took.as_secs_f64(),
        answered as f64 / took.as_secs_f64(),
        mib(anon),
        mib(file),
        mib(status_kib(&status, "VmHWM:")),
    );
    assert_eq!(answered, asked.len());
    assert!(anon <= MAX_ANON_KIB, "anonymous memory peaked at {:.1} MiB", mib(anon));
    let (ok, stderr) = bot.stop();
    assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
    let live = passagebot::index::live_generation(&index).map(|g| g.0);
    assert_eq!(live, served, "the bot rebuilt the index");
}
