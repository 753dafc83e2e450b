//! The command line end to end: the first `ask` builds the index, JSON batch mode, rebuild
//! rules, broken and unreadable corpus files, and a failed build that must leave the old index
//! in use.

use crate::env::{TestEnv, assert_success, stderr, stdout};

#[test]
fn first_ask_builds_the_index_then_answers_with_source() {
    let env = TestEnv::with_bundled_corpus();
    let output = env.run(&["ask", "How much did South Korea invest in AI after AlphaGo?"]);
    assert_success(&output);
    assert!(stderr(&output).contains("note: indexing"), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("**") && text.contains("863 million"), "{text}");
    assert!(text.contains("— ") && text.contains(".txt"), "source line missing: {text}");

    let again = env.run(&["ask", "alphago"]);
    assert_success(&again);
    assert!(!stderr(&again).contains("note: indexing"), "rebuilt without a change");
    assert!(stdout(&again).contains("863 million"));
}

#[test]
fn a_changed_corpus_is_reindexed_before_answering() {
    let env = TestEnv::with_bundled_corpus();
    assert_success(&env.run(&["index"]));
    env.write("corpus/extra.txt", "Penguins of Antarctica\n\nEmperor penguins breed in the coldest winter of Antarctica, huddling together for warmth.\n");
    let output = env.run(&["ask", "Where do emperor penguins breed?"]);
    assert_success(&output);
    assert!(stderr(&output).contains("(the corpus changed)"), "{}", stderr(&output));
    assert!(stdout(&output).contains("huddling"), "{}", stdout(&output));
}

#[test]
fn json_batch_answers_one_line_per_question() {
    let env = TestEnv::with_bundled_corpus();
    let output = env.run_with_stdin(
        &["ask", "--json", "--top", "3"],
        "What did Naver launch in 2023?\n\nWhat is the capital of France?\nalphago\n",
    );
    assert_success(&output);
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 3, "blank lines are not questions");
    let first = &lines[0];
    assert_eq!(first["question"], "What did Naver launch in 2023?");
    let answer = &first["answers"][0];
    assert_eq!(answer["rank"], 1);
    assert!(answer["text"].as_str().unwrap().contains("HyperCLOVA X"));
    assert!(answer["text"].as_str().unwrap().contains(answer["highlight"].as_str().unwrap()));
    for field in ["score", "id", "doc_id", "title", "section", "source"] {
        assert!(answer.get(field).is_some(), "missing {field}");
    }
    assert!(lines[0]["answers"].as_array().unwrap().len() <= 3);
    assert_eq!(lines[1]["answers"].as_array().unwrap().len(), 0, "France must get no answer");
    assert!(lines[2]["answers"][0]["text"].as_str().unwrap().contains("863 million"));
}

#[test]
fn typo_gets_an_answer_and_a_suggestion() {
    let env = TestEnv::with_bundled_corpus();
    let output = env.run(&["ask", "--json", "How much did KT annouce to invets in AI?"]);
    assert_success(&output);
    let value: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert!(value["answers"][0]["text"].as_str().unwrap().contains("5.4 billion"));
    let suggestion = value["suggestion"].as_str().expect("a did-you-mean suggestion");
    assert!(suggestion.contains("announc") && suggestion.contains("invest"), "{suggestion}");
}

#[test]
fn unchanged_corpus_is_not_rebuilt_unless_forced() {
    let env = TestEnv::with_bundled_corpus();
    let first = env.run(&["index"]);
    assert_success(&first);
    assert!(stdout(&first).contains("indexed 1 documents"), "{}", stdout(&first));
    let second = env.run(&["index"]);
    assert!(stdout(&second).contains("up to date"), "{}", stdout(&second));
    let forced = env.run(&["index", "--force"]);
    assert!(stdout(&forced).contains("indexed 1 documents"), "{}", stdout(&forced));
}

#[test]
fn broken_files_are_skipped_with_reasons_and_the_rest_is_indexed() {
    let env = TestEnv::empty();
    env.write(
        "docs/good.txt",
        "Volcanoes\n\nA volcano is a rupture in the crust of a planet that lets hot lava escape.\n",
    );
    env.write("docs/bad-utf8.txt", b"Hello \xff\xfe world, this is not UTF-8.\n");
    env.write("docs/empty.txt", "");
    env.write("docs/notes.xyz", "unknown format");
    env.write("docs/junk.txt", [0u8, 159, 146, 150, 0, 1, 2, 3, 4]);
    let output = env.run(&["index", "--corpus", "docs"]);
    assert_success(&output);
    let text = stdout(&output);
    for (file, reason) in
        [("bad-utf8.txt", "UTF-8"), ("empty.txt", "empty"), ("notes.xyz", "xyz"), ("junk.txt", "")]
    {
        let line = text
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} not reported: {text}"));
        assert!(line.starts_with("skipped") && line.contains(reason), "{line}");
    }
    assert!(text.contains("indexed 1 documents"), "{text}");
    let answer = env.run(&["ask", "--corpus", "docs", "what is a volcano"]);
    assert!(stdout(&answer).contains("rupture"), "{}", stdout(&answer));
}

/// A file and two folders closed by their permissions: each is reported with what to check,
/// nothing behind them is indexed, and the rest is. Root reads through any permission, so
/// when the tests run as root the binary runs as `nobody` (uid and gid 65534).
#[cfg(unix)]
#[test]
fn unreadable_files_are_reported_and_the_rest_is_indexed() {
    use std::os::unix::fs::PermissionsExt;

    /// Opens everything again on the way out, even after a failed assertion, so that the
    /// temporary directory can be removed by a user who is not root.
    struct Reopen<'a>(&'a TestEnv);
    impl Drop for Reopen<'_> {
        fn drop(&mut self) {
            for rel in ["docs/secret.txt", "docs/locked", "docs/unsearchable"] {
                let open = std::fs::Permissions::from_mode(0o755);
                let _ = std::fs::set_permissions(self.0.path().join(rel), open);
            }
        }
    }

    let env = TestEnv::empty();
    env.write(
        "docs/good.txt",
        "Volcanoes\n\nA volcano is a rupture in the crust of a planet that lets hot lava escape.\n",
    );
    env.write("docs/secret.txt", "Vault\n\nThe vault code is written behind the painting.\n");
    env.write("docs/locked/inside.txt", "Inside\n\nNo one may list this folder.\n");
    env.write("docs/unsearchable/note.txt", "Note\n\nThis folder is listed but not entered.\n");
    let _reopen = Reopen(&env);
    for (rel, mode) in [
        ("docs", 0o755),
        ("docs/good.txt", 0o644),
        ("docs/secret.txt", 0o000),
        ("docs/locked", 0o000),
        ("docs/unsearchable", 0o444),
    ] {
        let mode = std::fs::Permissions::from_mode(mode);
        std::fs::set_permissions(env.path().join(rel), mode).expect("chmod");
    }
    let as_nobody = std::fs::read(env.path().join("docs/secret.txt")).is_ok();
    if as_nobody {
        eprintln!("permissions do not stop this process's reads: running passagebot as uid 65534");
    }
    let run = |args: &[&str]| if as_nobody { env.run_as(65534, args) } else { env.run(args) };

    let output = run(&["index", "--corpus", "docs"]);
    assert_success(&output);
    let text = stdout(&output);
    for expected in [
        "skipped docs/secret.txt: permission denied (check the file's read permissions)",
        "skipped docs/locked: permission denied (check the folder's read and execute permissions)",
        "skipped docs/unsearchable/note.txt: permission denied (check the execute permission of the folder holding it)",
    ] {
        assert!(text.lines().any(|l| l == expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains("inside.txt"), "a file of the locked folder was seen: {text}");
    assert!(text.contains("indexed 1 documents") && text.contains("3 skipped"), "{text}");

    let answer = run(&["ask", "--corpus", "docs", "what is a volcano"]);
    assert_success(&answer);
    assert!(stdout(&answer).contains("rupture"), "{}", stdout(&answer));
    let secret = run(&["ask", "--corpus", "docs", "where is the vault code written"]);
    assert_success(&secret);
    assert!(!stdout(&secret).contains("painting"), "{}", stdout(&secret));
}

#[test]
fn a_failed_build_keeps_the_previous_index_in_use() {
    let env = TestEnv::with_bundled_corpus();
    assert_success(&env.run(&["index"]));
    // Now the corpus holds only a broken file: the build must fail and change nothing.
    std::fs::remove_dir_all(env.path().join("corpus")).unwrap();
    env.write("corpus/broken.txt", b"\xff\xff\xff");
    let failed = env.run(&["index"]);
    assert!(!failed.status.success());
    assert!(stderr(&failed).contains("no readable document"), "{}", stderr(&failed));
    let names: Vec<String> = std::fs::read_dir(env.path().join("index"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.starts_with(".building")), "half-built dir left: {names:?}");
    assert!(!names.iter().any(|n| n == "build.lock"), "lock left behind: {names:?}");
    let answer = env.run(&["ask", "--corpus", "missing", "alphago"]);
    assert_success(&answer);
    assert!(stdout(&answer).contains("863 million"), "old index not used: {}", stdout(&answer));
}

#[test]
fn stale_lock_and_half_built_generation_are_cleaned_up() {
    let env = TestEnv::with_bundled_corpus();
    assert_success(&env.run(&["index"]));
    // A crashed build: its lock names a process that no longer exists.
    env.write("index/build.lock", "4294967");
    env.write("index/.building-1/meta.json", "{");
    // Starting is enough: `ask` finds the index up to date but still cleans up.
    let output = env.run(&["ask", "alphago"]);
    assert_success(&output);
    assert!(!env.path().join("index/.building-1").exists());
    assert!(!env.path().join("index/build.lock").exists());
    assert!(stdout(&output).contains("863 million"));
}

#[test]
fn missing_corpus_is_a_clear_error() {
    let env = TestEnv::empty();
    let output = env.run(&["index", "--corpus", "nowhere"]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("corpus not found at nowhere"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn eval_scores_an_expectation_set() {
    let env = TestEnv::with_bundled_corpus();
    let questions = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bundled-questions.jsonl");
    let output = env.run(&["eval", "--questions", questions]);
    assert_success(&output);
    let text = stdout(&output);
    assert!(text.contains("pass 20/20"), "{text}");
    assert!(text.contains("questions/s"), "{text}");
}

#[test]
fn eval_with_index_alone_does_not_rebuild_it_from_the_corpus_folder_of_the_working_directory() {
    let env = TestEnv::with_bundled_corpus();
    env.write(
        "material/notes.txt",
        "Penguins of Antarctica\n\nEmperor penguins breed in the coldest winter of Antarctica.\n",
    );
    assert_success(&env.run(&["index", "--corpus", "material", "--index", "penguins"]));
    env.write(
        "questions.jsonl",
        "{\"id\":\"p1\",\"question\":\"Where do emperor penguins breed?\",\"expect_any\":[\"coldest winter\"]}\n",
    );
    // The working directory has a `corpus/` folder (the bundled article) too.
    let output = env.run(&["eval", "--questions", "questions.jsonl", "--index", "penguins"]);
    assert_success(&output);
    let text = stdout(&output);
    assert!(text.contains("index up to date") && text.contains("pass 1/1"), "{text}");
}

#[test]
fn every_subcommand_has_help() {
    let env = TestEnv::empty();
    for sub in ["index", "ask", "chat", "eval"] {
        let output = env.run(&[sub, "--help"]);
        assert_success(&output);
        assert!(stdout(&output).contains("Usage"), "{sub}");
    }
}

#[test]
fn hostile_corpus_files_are_reported_and_memory_stays_bounded() {
    let env = TestEnv::empty();
    env.write(
        "docs/good.txt",
        "Volcanoes\n\nA volcano is a rupture in the crust of a planet that lets hot lava escape.\n",
    );
    let deep = format!(
        "<html><body>{}deep{}</body></html>",
        "<div>".repeat(50_000),
        "</div>".repeat(50_000)
    );
    env.write("docs/nested.html", deep);
    #[cfg(unix)]
    std::os::unix::fs::symlink(env.path().join("docs"), env.path().join("docs/loop")).unwrap();
    // 70 MiB of text: over the 64 MiB limit, so skipped without being read into memory.
    let big = std::fs::File::create(env.path().join("docs/huge.txt")).unwrap();
    big.set_len(70 * 1024 * 1024).unwrap();
    let output = env.run(&["index", "--corpus", "docs"]);
    assert_success(&output);
    let text = stdout(&output);
    assert!(text.contains("nested.html: HTML nested too deeply"), "{text}");
    assert!(text.contains("huge.txt: too large (70 MiB"), "{text}");
    #[cfg(unix)]
    assert!(text.contains("loop: link to a folder"), "{text}");
    assert!(text.contains("indexed 1 documents"), "{text}");
}

#[test]
fn chat_answers_pages_and_quits() {
    let env = TestEnv::with_bundled_corpus();
    let output = env.run_with_stdin(
        &["chat"],
        "What are the main AI goals of South Korea?\n/next\n/context\nWhat is the capital of France?\n/quit\n",
    );
    assert_success(&output);
    let text = stdout(&output);
    assert!(text.contains("**South Korea’s main AI goals are as follows:"), "{text}");
    assert!(text.contains("455 trillion"), "{text}");
    assert!(text.contains("I found no good match"), "{text}");
    assert!(!text.contains("\u{1b}["), "no terminal escapes in a pipe: {text}");
}

/// Runs `passagebot args…` in `env` with raw bytes on stdin.
fn run_with_bytes(env: &TestEnv, args: &[&str], input: Vec<u8>) -> std::process::Output {
    run_piped(env, args, input, false)
}

/// Runs `passagebot args…` in `env` with `input` on stdin; with `close_stdout`, the reader
/// of its output goes away before anything is written, as `| head -1` does after a line.
fn run_piped(
    env: &TestEnv,
    args: &[&str],
    input: Vec<u8>,
    close_stdout: bool,
) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_passagebot"))
        .args(args)
        .current_dir(env.path())
        .env_remove("PASSAGEBOT_CORPUS")
        .env_remove("PASSAGEBOT_INDEX")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    if close_stdout {
        drop(child.stdout.take());
    }
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("wait");
    let _ = writer.join();
    output
}

#[test]
fn batch_ask_answers_every_line_around_an_invalid_utf8_or_overlong_one() {
    let env = TestEnv::with_bundled_corpus();
    let mut input = b"alphago\n".to_vec();
    input.extend_from_slice(b"What did \xff\xfe Naver launch?\n");
    input.extend(std::iter::repeat_n(b'a', 200_000));
    input.extend_from_slice(b"\nWhat did Naver launch in 2023?\n");
    let output = run_with_bytes(&env, &["ask", "--json"], input.clone());
    assert_success(&output);
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 4, "{}", stdout(&output));
    assert!(lines[0]["answers"][0]["text"].as_str().unwrap().contains("863 million"));
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"].as_str().unwrap().contains("not valid UTF-8"), "{}", lines[1]);
    assert_eq!(lines[2]["line"], 3);
    assert!(lines[2]["error"].as_str().unwrap().contains("longer than"), "{}", lines[2]);
    assert!(lines[3]["answers"][0]["text"].as_str().unwrap().contains("HyperCLOVA X"));

    let plain = run_with_bytes(&env, &["ask"], input);
    assert_success(&plain);
    let text = stdout(&plain);
    assert!(text.contains("error: line 2: not valid UTF-8"), "{text}");
    assert!(text.contains("error: line 3: longer than"), "{text}");
    assert!(text.contains("HyperCLOVA X"), "{text}");
}

#[test]
fn output_into_a_closed_pipe_ends_quietly_with_success() {
    let env = TestEnv::with_bundled_corpus();
    assert_success(&env.run(&["index"]));
    let questions = "alphago\n".repeat(2000);
    for args in [&["ask", "alphago"][..], &["ask", "--json"], &["ask"], &["index"]] {
        let output = run_piped(&env, args, questions.clone().into_bytes(), true);
        assert!(output.status.success(), "{args:?}: {:?} {}", output.status, stderr(&output));
        assert!(!stderr(&output).contains("Broken pipe"), "{args:?}: {}", stderr(&output));
        assert!(!stderr(&output).contains("panicked"), "{args:?}: {}", stderr(&output));
    }
}

/// A Word document built in memory: a title, a heading and two paragraphs.
fn tiny_docx() -> Vec<u8> {
    use std::io::Write;
    let document = r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
        <w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Datatypes In SQLite</w:t></w:r></w:p>
        <w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Type Affinity</w:t></w:r></w:p>
        <w:p><w:r><w:t>A column with NUMERIC affinity may contain values using all five storage classes.</w:t></w:r></w:p>
        <w:p><w:r><w:t>Each column in an SQLite 3 database is assigned one of the following type affinities.</w:t></w:r></w:p>
        </w:body></w:document>"#;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    writer.start_file("word/document.xml", options).expect("zip entry");
    writer.write_all(document.as_bytes()).expect("zip write");
    writer.finish().expect("zip finish").into_inner()
}

#[test]
fn docx_corpus_is_indexed_and_answers_with_its_source() {
    let env = TestEnv::empty();
    env.write("corpus/sqlite-types.docx", tiny_docx());
    let output =
        env.run(&["ask", "--json", "which storage classes can a NUMERIC affinity column hold?"]);
    assert_success(&output);
    let value: serde_json::Value = serde_json::from_str(stdout(&output).trim()).expect("JSON");
    let answer = &value["answers"][0];
    assert!(answer["text"].as_str().unwrap().contains("all five storage classes"), "{value}");
    assert_eq!(answer["title"], "Datatypes In SQLite");
    assert_eq!(answer["section"], "Type Affinity");
    assert_eq!(answer["source"], "sqlite-types.docx");
}
