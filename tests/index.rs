//! The index on disk under stress: the build lock (leftover files, a live holder, two replicas
//! starting at once), read-only and foreign-owned index folders, a rebuild that cannot be
//! written while a good generation is live, damaged generation files, the corpus an index
//! remembers, and the `/reindex` self-check on the bundled corpus.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use passagebot::index::{BuildLock, BuildOptions, LOCK_FILE, build, live_generation, stage};

use crate::env::{TestEnv, assert_success, open_bundled_engine, stderr, stdout};

const QUESTION: &str = "How much did South Korea invest in AI after AlphaGo?";
const ANSWER: &str = "863 million";

fn options(env: &TestEnv, force: bool) -> BuildOptions {
    BuildOptions {
        corpus: env.path().join("corpus"),
        index_dir: env.path().join("index"),
        force,
        load: Default::default(),
        memory_budget: passagebot::index::DEFAULT_MEMORY_BUDGET,
    }
}

/// A corpus whose build takes a noticeable time, so two processes started together overlap.
fn write_slow_corpus(env: &TestEnv) {
    let mut text = String::from("Generated atlas\n\n");
    for i in 0..4000 {
        text.push_str(&format!(
            "Entry {i} describes the river near the castle number {i}, first recorded in year {}. Travellers reach it by road {}.\n\n",
            1000 + i,
            i % 97
        ));
    }
    env.write("corpus/atlas.txt", text);
    env.write("corpus/marker.txt", "Marker\n\nThe zebra crossing marker stands by the old mill.\n");
}

#[test]
fn a_leftover_build_lock_with_our_own_pid_or_empty_does_not_block_builds() {
    let env = TestEnv::with_bundled_corpus();
    build(&options(&env, false)).expect("first build");
    // After an OOM kill in a container restarting with the same pid, the lock file names the
    // builder itself; an interrupted write leaves it empty. Neither is a running build.
    for content in [std::process::id().to_string(), String::new()] {
        env.write(&format!("index/{LOCK_FILE}"), &content);
        let report = build(&options(&env, true))
            .unwrap_or_else(|err| panic!("blocked by a lock file holding {content:?}: {err}"));
        assert!(!report.up_to_date);
        assert!(!env.path().join("index").join(LOCK_FILE).exists(), "lock file left behind");
    }
}

#[test]
fn a_build_lock_held_by_a_live_process_refuses_reindex_and_makes_index_wait() {
    let env = TestEnv::with_bundled_corpus();
    std::fs::create_dir_all(env.path().join("index")).unwrap();
    // Held through another open file, exactly as another process would hold it.
    let held = BuildLock::try_acquire(&env.path().join("index")).unwrap().expect("lock");
    let refused = stage(&options(&env, true)).expect_err("a build ran under a held lock");
    assert!(refused.to_string().contains("another build is running"), "{refused}");

    let mut child = Command::new(env!("CARGO_BIN_EXE_passagebot"))
        .arg("index")
        .current_dir(env.path())
        .env_remove("PASSAGEBOT_CORPUS")
        .env_remove("PASSAGEBOT_INDEX")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(child.try_wait().unwrap().is_none(), "`index` did not wait for the held lock");
    drop(held);
    let output = child.wait_with_output().unwrap();
    assert_success(&output);
    assert!(stderr(&output).contains("waiting for it"), "{}", stderr(&output));
    assert!(stdout(&output).contains("indexed 1 documents"), "{}", stdout(&output));
}

#[test]
fn two_replicas_starting_on_an_unbuilt_index_both_answer_and_one_builds() {
    let env = TestEnv::empty();
    write_slow_corpus(&env);
    let spawn = || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_passagebot"))
            .args(["ask", "where does the zebra crossing marker stand"])
            .current_dir(env.path())
            .env_remove("PASSAGEBOT_CORPUS")
            .env_remove("PASSAGEBOT_INDEX")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child.stdin.take();
        child
    };
    let (first, second) = (spawn(), spawn());
    let outputs = [first.wait_with_output().unwrap(), second.wait_with_output().unwrap()];
    for output in &outputs {
        assert_success(output);
        assert!(stdout(output).contains("old mill"), "{}", stdout(output));
    }
    let builders = outputs.iter().filter(|o| stderr(o).contains("note: indexing")).count();
    assert_eq!(
        builders,
        1,
        "exactly one replica builds:\n{}\n---\n{}",
        stderr(&outputs[0]),
        stderr(&outputs[1])
    );
}

/// Runs the binary as uid 65534 when this process is root (permissions would not stop it),
/// else as itself.
#[cfg(unix)]
fn run_unprivileged(env: &TestEnv, probe: &Path, args: &[&str]) -> std::process::Output {
    if runs_as_root(probe) { env.run_as(65534, args) } else { env.run(args) }
}

/// True when permissions do not stop this process from writing into `dir`.
#[cfg(unix)]
fn runs_as_root(dir: &Path) -> bool {
    let probe = dir.join(".probe");
    let writable = std::fs::write(&probe, b"").is_ok();
    let _ = std::fs::remove_file(&probe);
    writable
}

#[cfg(unix)]
fn chmod_tree(path: &Path, dir_mode: u32, file_mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let mode = if path.is_dir() { dir_mode } else { file_mode };
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            chmod_tree(&entry.unwrap().path(), dir_mode, file_mode);
        }
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Opens a tree again on the way out, so the temporary directory can be removed.
#[cfg(unix)]
struct Reopen<'a>(&'a Path);

#[cfg(unix)]
impl Drop for Reopen<'_> {
    fn drop(&mut self) {
        chmod_tree(self.0, 0o755, 0o644);
    }
}

#[cfg(unix)]
#[test]
fn an_index_built_by_one_user_is_readable_by_another() {
    let env = TestEnv::with_bundled_corpus();
    assert_success(&env.run(&["index"]));
    // Built by root (or this user): another user, who may not write there, must read it.
    let index = env.path().join("index");
    let gen_dir = live_generation(&index).unwrap().1;
    for file in [".managed.json", "meta.json"] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(gen_dir.join(file)).unwrap().permissions().mode();
        assert_ne!(mode & 0o044, 0, "{file} is not readable by group or others: {mode:o}");
    }
    let output = if runs_as_root(&index) {
        env.run_as(65534, &["ask", QUESTION])
    } else {
        env.run(&["ask", QUESTION])
    };
    assert_success(&output);
    assert!(stdout(&output).contains(ANSWER), "{}", stdout(&output));
    assert!(!stderr(&output).contains("note: indexing"), "{}", stderr(&output));
}

#[cfg(unix)]
#[test]
fn a_read_only_copy_of_an_index_answers() {
    let env = TestEnv::with_bundled_corpus();
    assert_success(&env.run(&["index"]));
    let index = env.path().join("index");
    let _reopen = Reopen(&index);
    chmod_tree(&index, 0o555, 0o444);
    let output = run_unprivileged(&env, &index, &["ask", "--corpus", "no-such-corpus", QUESTION]);
    assert_success(&output);
    assert!(stdout(&output).contains(ANSWER), "{}", stdout(&output));
}

#[cfg(unix)]
#[test]
fn a_failed_rebuild_with_a_good_live_index_warns_and_answers_from_it() {
    let env = TestEnv::with_bundled_corpus();
    assert_success(&env.run(&["index"]));
    let index = env.path().join("index");
    let _reopen = Reopen(&index);
    chmod_tree(&index, 0o555, 0o444);
    // The corpus changed, but no build can be written (as on a full disk).
    env.write("corpus/extra.txt", "Penguins\n\nEmperor penguins breed in the Antarctic winter.\n");
    let output = run_unprivileged(&env, &index, &["ask", QUESTION]);
    assert_success(&output);
    assert!(stdout(&output).contains(ANSWER), "{}", stdout(&output));
    let warning = stderr(&output);
    assert!(
        warning.contains("warning: the corpus changed but the index")
            && warning.contains("could not be rebuilt"),
        "{warning}"
    );
}

#[test]
fn a_damaged_index_is_reported_with_what_to_do_and_rebuilt_by_index() {
    // (file to damage, how): every kind of file a generation holds.
    let cases: &[(&str, &str)] = &[
        (".pos", "delete"),
        (".idx", "delete"),
        (".term", "truncate"),
        (".fast", "delete"),
        (".fieldnorm", "delete"),
        (".store", "truncate"),
        ("meta.json", "delete"),
        ("store.bin", "flip"),
        ("store.bin", "delete"),
        (".idx", "flip"),
        (".pos", "flip"),
        (".term", "flip"),
    ];
    for &(suffix, how) in cases {
        let env = TestEnv::with_bundled_corpus();
        assert_success(&env.run(&["index"]));
        let (_, gen_dir, _) = live_generation(&env.path().join("index")).unwrap();
        let file = std::fs::read_dir(&gen_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().ends_with(suffix))
            .unwrap_or_else(|| panic!("no {suffix} file"));
        match how {
            "delete" => std::fs::remove_file(&file).unwrap(),
            "truncate" => {
                let bytes = std::fs::read(&file).unwrap();
                std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
            }
            _ => {
                let mut bytes = std::fs::read(&file).unwrap();
                let middle = bytes.len() / 2;
                bytes[middle] ^= 0x55;
                std::fs::write(&file, bytes).unwrap();
            }
        }
        let case = format!("{how} {suffix}");
        if how != "flip" || suffix == "store.bin" {
            // Opening finds it: a message saying what to do, never "no good match".
            let ask = env.run(&["ask", "--corpus", "no-such-corpus", QUESTION]);
            assert!(!ask.status.success(), "{case}: answered from a damaged index");
            let message = stderr(&ask);
            assert!(
                message.contains("is damaged") && message.contains("run `passagebot index`"),
                "{case}: {message}"
            );
            assert!(!stdout(&ask).contains("no good match"), "{case}");
        }
        // `index` without --force checks every file and rebuilds.
        let index = env.run(&["index"]);
        assert_success(&index);
        assert!(stdout(&index).contains("indexed 1 documents"), "{case}: {}", stdout(&index));
        assert!(stderr(&index).contains("the index is damaged"), "{case}: {}", stderr(&index));
        let ask = env.run(&["ask", QUESTION]);
        assert_success(&ask);
        assert!(stdout(&ask).contains(ANSWER), "{case}: {}", stdout(&ask));
    }
}

#[test]
fn ask_with_index_alone_uses_the_corpus_the_index_was_built_from() {
    let env = TestEnv::with_bundled_corpus();
    env.write(
        "course/volcanoes.txt",
        "Volcanoes\n\nA volcano is a rupture in the crust of a planet that lets hot lava escape.\n",
    );
    assert_success(&env.run(&["index", "--corpus", "course", "--index", "idx"]));
    // Run where a `corpus/` folder exists: it must not replace the course index.
    let output = env.run(&["ask", "--index", "idx", "what is a volcano"]);
    assert_success(&output);
    assert!(stdout(&output).contains("rupture"), "{}", stdout(&output));
    assert!(!stderr(&output).contains("note: indexing"), "{}", stderr(&output));

    env.write(
        "course/geysers.txt",
        "Geysers\n\nA geyser is a spring that throws hot water into the air.\n",
    );
    let changed = env.run(&["ask", "--index", "idx", "what is a geyser"]);
    assert_success(&changed);
    assert!(stderr(&changed).contains("(the corpus changed)"), "{}", stderr(&changed));
    assert!(stdout(&changed).contains("throws hot water"), "{}", stdout(&changed));

    let other = env.run(&["ask", "--index", "idx", "--corpus", "corpus", QUESTION]);
    assert_success(&other);
    assert!(stderr(&other).contains("(a different corpus was given)"), "{}", stderr(&other));
    assert!(stdout(&other).contains(ANSWER), "{}", stdout(&other));
}

#[test]
fn the_default_reindex_check_passes_on_the_bundled_corpus() {
    let (_dir, engine) = open_bundled_engine();
    let checked = passagebot::search::self_check(&engine, 5)
        .expect("the index searches")
        .unwrap_or_else(|failure| panic!("the bundled corpus fails its self-check: {failure}"));
    assert!(checked >= 3, "only {checked} passages checked");
}

/// A corpus of ever new words (here 400,000 distinct ones) used to grow the vocabulary without
/// bound; at the smallest budget it now stops the build with advice, and the live index
/// keeps answering.
#[test]
fn a_vocabulary_over_the_build_memory_budget_stops_the_build_with_advice() {
    let env = TestEnv::with_bundled_corpus();
    let built = env.run(&["index"]);
    assert_success(&built);
    let mut text = String::from("Words\n\n");
    for line in 0..40_000 {
        for word in 0..10 {
            text.push_str(&format!("w{} ", line * 10 + word));
        }
        text.push_str("\n\n");
    }
    env.write("corpus/words.txt", text);
    let over = env.run(&["index", "--build-memory-mib", "64"]);
    assert!(!over.status.success(), "{}", stdout(&over));
    let message = stderr(&over);
    assert!(
        message.contains("distinct words") && message.contains("--build-memory-mib"),
        "{message}"
    );
    assert!(message.contains("live index is kept"), "{message}");
    // `ask` tries the same rebuild, says why it failed, and answers from the live index.
    let asked = env.run(&["ask", "--build-memory-mib", "64", QUESTION]);
    assert_success(&asked);
    assert!(stdout(&asked).contains(ANSWER), "{}", stdout(&asked));
    assert!(stderr(&asked).contains("distinct words"), "{}", stderr(&asked));
}

/// Peak memory of `index` on 200,000 one-word paragraphs (1.9 MB, 200,000 distinct words),
/// at the budget's floor (`--build-memory-mib 64`): 166 MB at first, 130 MB once the build
/// streamed, 75 MB now that the plain-text reader keeps one flat list of borrowed lines (not
/// a list per paragraph), passages are packed as the units come, and the vocabulary keeps
/// its strings end to end. 75 MB on a quiet machine, 97 MB while another build ran beside it:
/// how much waits in tantivy's queue (it counts documents, not bytes) and in the allocator's
/// per-thread arenas depends on how fast its indexing thread keeps up. The bound is twice the
/// budget: the budget, the ~25 MB the process takes before it builds anything (23 MB on a
/// one-paragraph corpus), and that margin.
/// Measured with `/usr/bin/time`, when the system has it.
#[test]
fn indexing_many_tiny_paragraphs_keeps_memory_bounded() {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        crate::env::skip("indexing_many_tiny_paragraphs_keeps_memory_bounded", "no /usr/bin/time");
        return;
    }
    let env = TestEnv::empty();
    let mut text = String::from("Tiny\n\n");
    for i in 0..200_000 {
        text.push_str(&format!("p{i}.\n\n"));
    }
    env.write("corpus/tiny.txt", text);
    let output = Command::new(time)
        .args(["-f", "peak-kb %M"])
        .arg(env!("CARGO_BIN_EXE_passagebot"))
        .args(["index", "--build-memory-mib", "64"])
        .current_dir(env.path())
        .env_remove("PASSAGEBOT_CORPUS")
        .env_remove("PASSAGEBOT_INDEX")
        .env_remove("PASSAGEBOT_BUILD_MEMORY_MIB")
        .output()
        .expect("run under /usr/bin/time");
    assert_success(&output);
    let peak_kb: u64 = stderr(&output)
        .lines()
        .find_map(|line| line.strip_prefix("peak-kb ")?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak figure in {}", stderr(&output)));
    assert!(peak_kb < 2 * 64 * 1024, "index took {} MB at its peak", peak_kb / 1024);
}
