//! Crash safety: `kill -9` a build at random moments; the index must always stay usable (the
//! previous or the new generation, never a broken one), and the next build must clean up
//! half-built directories and the stale lock. The long run is ignored by default:
//! `cargo test --release --test integration -- --ignored crash --nocapture`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::env::{TestEnv, assert_success, stdout};

/// A corpus big enough that a build takes a noticeable time (~3,000 paragraphs).
fn write_corpus(env: &TestEnv, extra: usize) {
    let words = [
        "river", "mountain", "harbour", "engine", "castle", "orchard", "glacier", "market",
        "library", "comet",
    ];
    let mut text = String::from("Generated atlas\n\n");
    for i in 0..3000 {
        let a = words[i % words.len()];
        let b = words[(i * 7 + 3) % words.len()];
        text.push_str(&format!(
            "Entry {i} describes the {a} near the {b}, first recorded in year {}. Travellers reach the {a} by road number {}.\n\n",
            1000 + i,
            i % 97
        ));
    }
    env.write("corpus/atlas.txt", text);
    env.write(
        "corpus/marker.txt",
        format!("Marker\n\nThe marker document is revision {extra} of the zebra crossing note.\n"),
    );
}

fn kill_trials(trials: u64) -> (u64, u64) {
    let env = TestEnv::empty();
    write_corpus(&env, 0);
    assert_success(&env.run(&["index"]));
    let started = Instant::now();
    assert_success(&env.run(&["index", "--force"]));
    let build_time = started.elapsed().as_millis().max(10) as u64;

    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let (mut killed, mut completed) = (0, 0);
    for trial in 1..=trials {
        write_corpus(&env, trial as usize);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(seed % (build_time * 12 / 10));
        let mut child = Command::new(env!("CARGO_BIN_EXE_passagebot"))
            .args(["index"])
            .current_dir(env.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(delay);
        match child.try_wait().expect("try_wait") {
            Some(_) => completed += 1,
            None => {
                child.kill().expect("SIGKILL");
                killed += 1;
            }
        }
        let _ = child.wait();
        // The index must answer right away, from the old or the new generation, without a
        // rebuild: point `ask` at a corpus path that does not exist.
        let answer = env.run(&[
            "ask",
            "--corpus",
            "no-such-corpus",
            "Which road reaches the glacier near the comet?",
        ]);
        assert_success(&answer);
        assert!(stdout(&answer).contains("glacier"), "trial {trial}: {}", stdout(&answer));
    }
    // The next build cleans up whatever the killed ones left.
    assert_success(&env.run(&["index", "--force"]));
    let leftovers: Vec<String> = std::fs::read_dir(env.path().join("index"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".building") || n == "build.lock" || n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let answer = env.run(&["ask", "zebra crossing marker"]);
    assert!(stdout(&answer).contains(&format!("revision {trials}")), "{}", stdout(&answer));
    (killed, completed)
}

#[test]
fn kill_nine_during_a_build_keeps_the_index_usable() {
    let (killed, completed) = kill_trials(3);
    assert_eq!(killed + completed, 3);
}

#[test]
#[ignore = "long: 25 kill -9 trials"]
fn kill_nine_at_random_moments_25_trials() {
    let (killed, completed) = kill_trials(25);
    eprintln!(
        "crash trials: 25, killed mid-build {killed}, finished before the kill {completed}, failures 0"
    );
}
