//! Hostile corpora through the binary: pages that would overflow the stack, links that lead
//! out of the corpus (to secrets, devices, `/proc`), FIFOs and duplicate JSON Lines ids. Each
//! is skipped with its reason, the rest is indexed, and the process exits 0.

use std::time::{Duration, Instant};

use crate::env::{TestEnv, assert_success, stdout};

/// A corpus with one good file the questions below can find.
fn env_with_good_file() -> TestEnv {
    let env = TestEnv::empty();
    env.write(
        "corpus/rivers.txt",
        "Rivers of Korea\n\nThe Han River flows through Seoul and into the Yellow Sea.\n",
    );
    env
}

#[test]
fn html_div_close_i_nesting_does_not_abort_index_or_ask() {
    let env = env_with_good_file();
    for (name, repeats) in [("deep15k.html", 15_000), ("deep40k.html", 40_000)] {
        let page = format!("<html><body>{}</body></html>", "<div></i>".repeat(repeats));
        env.write(&format!("corpus/{name}"), page);
    }
    let started = Instant::now();
    let output = env.run(&["index"]);
    assert_success(&output);
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
    let text = stdout(&output);
    for name in ["deep15k.html", "deep40k.html"] {
        assert!(
            text.contains(&format!(
                "skipped corpus/{name}: HTML nested too deeply (more than 256 levels, limit 256)"
            )),
            "{text}"
        );
    }
    assert!(text.contains("indexed 1 documents"), "{text}");
    let ask = env.run(&["ask", "Which river flows through Seoul?"]);
    assert_success(&ask);
    assert!(stdout(&ask).contains("Han River"), "{}", stdout(&ask));
}

#[cfg(unix)]
#[test]
fn symlink_to_a_token_file_outside_is_skipped_and_ask_token_does_not_print_it() {
    let env = env_with_good_file();
    env.write("private/bot.txt", "TELOXIDE_TOKEN = \"123456:SECRETSECRETSECRET\"\n");
    std::os::unix::fs::symlink(
        env.path().join("private/bot.txt"),
        env.path().join("corpus/users.txt"),
    )
    .expect("link");
    let output = env.run(&["index"]);
    assert_success(&output);
    assert!(
        stdout(&output).contains("skipped corpus/users.txt: link leads outside the corpus"),
        "{}",
        stdout(&output)
    );
    let ask = env.run(&["ask", "token"]);
    assert_success(&ask);
    assert!(!stdout(&ask).contains("SECRET"), "{}", stdout(&ask));

    // An admin may opt in: then the outside file is read.
    let followed = env.run(&["ask", "--follow-links", "TELOXIDE_TOKEN"]);
    assert_success(&followed);
    assert!(stdout(&followed).contains("SECRETSECRETSECRET"), "{}", stdout(&followed));
}

#[cfg(unix)]
#[test]
fn fifo_and_device_links_in_the_corpus_are_skipped_without_hanging() {
    let env = env_with_good_file();
    let fifo = env.path().join("corpus/pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        crate::env::skip("fifo_and_device_links…", "mkfifo is not available");
        return;
    }
    std::os::unix::fs::symlink("/dev/zero", env.path().join("corpus/zero.txt")).expect("link");
    std::os::unix::fs::symlink("/dev/null", env.path().join("corpus/null.txt")).expect("link");
    let started = Instant::now();
    let output = env.run(&["index"]);
    assert_success(&output);
    assert!(started.elapsed() < Duration::from_secs(30));
    let text = stdout(&output);
    for line in [
        "skipped corpus/pipe.txt: a FIFO (named pipe), not a regular file; never opened",
        "skipped corpus/zero.txt: link to a character device, not a regular file; never opened",
        "skipped corpus/null.txt: link to a character device, not a regular file; never opened",
    ] {
        assert!(text.contains(line), "{line} missing in {text}");
    }
}

#[test]
fn duplicate_jsonl_ids_are_renamed_and_bad_records_counted_as_skipped() {
    let env = TestEnv::empty();
    let mut lines: Vec<String> = ["The Han River flows through Seoul.", "Busan is a port city."]
        .iter()
        .map(|text| serde_json::json!({"id": "same", "title": "T", "text": text}).to_string())
        .collect();
    lines.push("not json".to_string());
    env.write("corpus/d.jsonl", lines.join("\n") + "\n");
    let output = env.run(&["index"]);
    assert_success(&output);
    let text = stdout(&output);
    assert!(text.contains("skipped corpus/d.jsonl:3: bad JSON Lines record"), "{text}");
    assert!(text.contains("indexed 2 documents, 2 passages, 1 skipped"), "{text}");
    let ask = env.run(&["ask", "--json", "Busan port city"]);
    assert_success(&ask);
    let reply: serde_json::Value = serde_json::from_str(stdout(&ask).trim()).expect("JSON");
    assert_eq!(reply["answers"][0]["doc_id"], "same~2", "{reply}");
}
