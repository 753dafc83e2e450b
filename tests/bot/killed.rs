//! kill -9 during a chat-triggered `/reindex`: the bot is killed at a random moment of the
//! rebuild, started again, and must answer from the previous or the new index (never a broken
//! one). Leftovers in the index directory (a stale `build.lock`, a half-built generation) are
//! counted; the start-up only removes them when it rebuilds, so when some are found the next
//! `/reindex` must succeed and leave none.
//!
//! Ignored by default; run it with
//! `cargo test --release --test integration -- --ignored bot::killed --nocapture`.

use std::time::{Duration, Instant};

use super::*;

const TRIALS: u64 = 20;
const PROBE: &str = "which revision is the zebra crossing marker note?";

/// The harness corpus, 3,000 filler documents (so a rebuild takes a while) and a marker
/// document naming `revision`.
fn write_big_corpus(bot: &Bot, revision: u64) {
    let filler: Vec<(String, String)> = (0..3000)
        .map(|i| {
            (
                format!("filler{i}"),
                format!(
                    "Entry {i} describes lantern {i} near harbour {}: the ferry timetable changes in winter.",
                    i * 7
                ),
            )
        })
        .collect();
    let marker = format!("The zebra crossing marker note is revision {revision}.");
    let mut records: Vec<(&str, &str, Option<&str>, &str)> = CORPUS.to_vec();
    records.extend(filler.iter().map(|(id, t)| (id.as_str(), "Harbour notes", None, t.as_str())));
    records.push(("marker", "Marker", None, &marker));
    write_corpus(&bot.corpus(), &records);
}

/// Half-built generations, stale locks and temp files in the index directory.
fn leftovers(bot: &Bot) -> Vec<String> {
    std::fs::read_dir(bot.dir.path().join("index"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".building") || n == "build.lock" || n.ends_with(".tmp"))
        .collect()
}

/// Waits for the (re)started bot's command menu, sent after `since`; on failure shows how
/// the bot ended and its log (with the token masked).
fn wait_ready(bot: &mut Bot, since: Instant) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if bot.api.calls_of("setMyCommands").iter().any(|c| c.at > since) {
            return;
        }
        let exited = bot.child.try_wait().unwrap();
        if exited.is_some() || Instant::now() > deadline {
            let _ = bot.child.kill();
            let (status, stderr) = bot.wait_exit(Duration::from_secs(10));
            let index: Vec<String> = std::fs::read_dir(bot.dir.path().join("index"))
                .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
                .unwrap_or_default();
            panic!(
                "the restarted bot was not ready (exited: {exited:?}, {status}); index dir {index:?}; log:\n{}",
                stderr.replace(TOKEN, "<token>")
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
#[ignore = "long: 20 kill -9 trials during /reindex"]
fn kill_nine_during_a_chat_reindex_20_trials() {
    let mut bot = Bot::start(Options { log: "warn", ..Options::default() });
    write_big_corpus(&bot, 0);
    // Calibrate: how long a /reindex of the big corpus takes.
    wait_ready(&mut bot, Instant::now() - Duration::from_secs(3600));
    bot.say(ADMIN, ADMIN, "/reindex");
    let ack = bot.reply_containing(ADMIN, "Reindexing");
    let done = bot.reply_containing(ADMIN, "Reindexed in");
    let build = done.at.duration_since(ack.at).max(Duration::from_millis(10));

    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let (mut killed, mut finished) = (0, 0);
    let mut stale: Vec<String> = Vec::new();
    for trial in 1..=TRIALS {
        write_big_corpus(&bot, trial);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(seed % (build.as_millis() as u64 * 12 / 10 + 1));
        let before = bot.api.calls_of("sendMessage").len();
        bot.say(ADMIN, ADMIN, "/reindex");
        bot.api.wait_for_n(before + 1, Duration::from_secs(10), |c| c.method == "sendMessage");
        std::thread::sleep(delay);
        let reported = bot.api.calls_of("sendMessage").len() > before + 1;
        if reported {
            finished += 1
        } else {
            killed += 1
        }
        bot.child.kill().unwrap();
        let _ = bot.wait_exit(Duration::from_secs(10));
        let killed_at = Instant::now();

        bot.relaunch();
        wait_ready(&mut bot, killed_at);
        let left = leftovers(&bot);
        let sent = bot.api.calls_of("sendMessage").len();
        bot.say(ADMIN, ADMIN, PROBE);
        let reply =
            bot.api.wait_for_n(sent + 1, Duration::from_secs(10), |c| c.method == "sendMessage");
        let answer = text(reply.last().unwrap());
        assert!(
            answer.contains(&format!("revision {trial}"))
                || answer.contains(&format!("revision {}", trial - 1)),
            "trial {trial}: {answer}"
        );
        // What the kill left (a stale lock whose process is gone, a half-built generation) must
        // not block the next /reindex, which takes over the lock and removes it all.
        if !left.is_empty() {
            stale.push(left.join(" "));
            let sent = bot.api.calls_of("sendMessage").len();
            bot.say(ADMIN, ADMIN, "/reindex");
            let reports = bot
                .api
                .wait_for_n(sent + 2, Duration::from_secs(30), |c| c.method == "sendMessage");
            let report = text(reports.last().unwrap());
            assert!(report.contains("Reindexed in"), "trial {trial}: {report}");
            let left = leftovers(&bot);
            assert!(left.is_empty(), "trial {trial}: left after the next /reindex: {left:?}");
        }
    }
    println!(
        "crash: {TRIALS} kill -9 trials during /reindex (a rebuild takes {:.2} s): {killed} killed mid-rebuild, {finished} finished first; 0 failures, answerable after every restart; {} restart(s) found leftovers ({:?}), each removed by the next /reindex",
        build.as_secs_f64(),
        stale.len(),
        stale,
    );
    let (ok, _) = bot.stop();
    assert!(ok);
}
