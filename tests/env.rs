//! A temporary working directory holding a corpus, and a runner for the real binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The bundled corpus of the repository.
pub fn bundled_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// `../shared/eval` beside the repository, when present.
pub fn shared_eval() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval");
    path.is_dir().then_some(path)
}

/// Says loudly (past the test harness's capture) that a test skipped its work.
pub fn skip(test: &str, why: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

/// A temporary directory the binary runs in.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

impl TestEnv {
    /// An empty working directory.
    pub fn empty() -> TestEnv {
        TestEnv { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// A working directory with a copy of the bundled corpus in `corpus/`.
    pub fn with_bundled_corpus() -> TestEnv {
        let env = TestEnv::empty();
        let target = env.path().join("corpus");
        std::fs::create_dir_all(&target).expect("corpus dir");
        for entry in std::fs::read_dir(bundled_corpus()).expect("bundled corpus") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), target.join(entry.file_name())).expect("copy");
        }
        env
    }

    /// The working directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders) relative to the working directory.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
        std::fs::write(path, bytes).expect("write");
    }

    /// Runs `passagebot args…` in the working directory.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, "")
    }

    /// Runs `passagebot args…` with `stdin` as standard input.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        self.run_command(Command::new(env!("CARGO_BIN_EXE_passagebot")), args, stdin)
    }

    /// Runs `passagebot args…` as user and group `uid` (the caller must be root), from a link
    /// to or copy of the binary inside the working directory, since the build folder may be
    /// closed to that user. The working directory is opened to everyone; what the binary must
    /// read or write in it is up to the caller.
    #[cfg(unix)]
    pub fn run_as(&self, uid: u32, args: &[&str]) -> Output {
        use std::os::unix::fs::PermissionsExt;
        use std::os::unix::process::CommandExt;
        let bin = self.path().join("bin/passagebot");
        if !bin.exists() {
            let original = env!("CARGO_BIN_EXE_passagebot");
            std::fs::create_dir_all(bin.parent().expect("parent")).expect("bin dir");
            if std::fs::hard_link(original, &bin).is_err() {
                std::fs::copy(original, &bin).expect("copy passagebot");
            }
            for (path, mode) in [(self.path(), 0o777), (bin.parent().expect("parent"), 0o755)] {
                let mode = std::fs::Permissions::from_mode(mode);
                std::fs::set_permissions(path, mode).expect("chmod");
            }
        }
        let mut command = Command::new(&bin);
        command.uid(uid).gid(uid);
        self.run_command(command, args, "")
    }

    /// Runs `command args…` in the working directory, without the variables that would
    /// point it elsewhere, with `stdin` as standard input.
    fn run_command(&self, mut command: Command, args: &[&str], stdin: &str) -> Output {
        command
            .args(args)
            .current_dir(self.path())
            .env_remove("PASSAGEBOT_CORPUS")
            .env_remove("PASSAGEBOT_INDEX")
            .env_remove("RUST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut tries = 0;
        let mut child = loop {
            match command.spawn() {
                // ETXTBSY: a just-copied binary stays busy while a process forked meanwhile by
                // another test still holds the copy's write handle; it lets go when it execs.
                Err(err) if err.raw_os_error() == Some(26) && tries < 100 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                spawned => break spawned.expect("spawn passagebot"),
            }
        };
        let mut input = child.stdin.take().expect("stdin");
        let text = stdin.to_string();
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(text.as_bytes());
        });
        let output = child.wait_with_output().expect("wait");
        let _ = writer.join();
        output
    }
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts success, showing both streams otherwise.
pub fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        stdout(output),
        stderr(output)
    );
}

/// The best passage's text for `question`, or "" for "no good match".
pub fn top_text(engine: &passagebot::search::Engine, question: &str) -> String {
    engine
        .ask(question, 1)
        .expect("search")
        .best()
        .map(|a| a.passage.text.clone())
        .unwrap_or_default()
}

/// An index of the bundled corpus in a temp dir, opened through the library. Keep the
/// returned directory alive as long as the engine.
pub fn open_bundled_engine() -> (tempfile::TempDir, passagebot::search::Engine) {
    open_engine(&bundled_corpus())
}

/// Builds an index of `corpus` in a temporary directory and opens it.
pub fn open_engine(corpus: &Path) -> (tempfile::TempDir, passagebot::search::Engine) {
    let dir = tempfile::tempdir().expect("temp dir");
    let opts = passagebot::index::BuildOptions {
        corpus: corpus.to_path_buf(),
        index_dir: dir.path().to_path_buf(),
        force: false,
        load: Default::default(),
        memory_budget: passagebot::index::DEFAULT_MEMORY_BUDGET,
    };
    passagebot::index::build(&opts).expect("index the corpus");
    let engine = passagebot::search::Engine::open(dir.path()).expect("open");
    (dir, engine)
}
