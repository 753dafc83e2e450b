//! Reading each corpus file in isolation, so no file — of any format, now or later — can abort
//! the process or stall a build.
//!
//! Every file's reader runs on a worker thread with a known, generous stack, inside
//! `catch_unwind`, under a time limit:
//! - a panic in a reader is a skip with its message ("the reader failed: …"), never a crash;
//! - a reader that runs past the limit is a skip ("took longer than 60 s to read"); the worker
//!   is abandoned (a thread cannot be killed) and a fresh one reads the next file. Readers also
//!   check [`past_deadline`] in their loops and give up by themselves, so an abandoned worker
//!   rarely outlives its file; at most [`MAX_ABANDONED`] may still be running, after which the
//!   remaining files are skipped rather than piling up threads;
//! - memory is bounded by the reader: files are read one at a time, at most 64 MiB each, and
//!   every reader's output is proportional to its input.
//!
//! A new format's reader, called from `load_file`, gets all of this without doing anything.
//! Stack overflow is not a panic and cannot be caught: readers must still bound recursion
//! (the HTML reader refuses pages nested deeper than 256 levels, measured on the parsed
//! tree); the large stack is the margin that makes those bounds safe.

use std::any::Any;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Stack of a reader thread: far more than any bounded reader needs (pages are mapped lazily,
/// so unused stack costs address space, not memory).
const READER_STACK: usize = 64 * 1024 * 1024;

/// The stack asked for when the system refuses [`READER_STACK`] (e.g. strict overcommit).
const FALLBACK_STACK: usize = 8 * 1024 * 1024;

/// Abandoned readers (past their time limit) that may still be running before the remaining
/// files of a load are skipped instead of read.
pub(crate) const MAX_ABANDONED: usize = 4;

/// Abandoned reader threads still running, across the process.
static ABANDONED: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// When the file being read on this thread must be given up.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Whether the file being read on this thread is past its time limit. Readers call this in
/// their loops (per chunk, per line) and stop with [`TIMED_OUT`] when it is.
pub(crate) fn past_deadline() -> bool {
    DEADLINE.with(|d| d.get().is_some_and(|deadline| Instant::now() >= deadline))
}

/// The reason a reader returns when it stops at [`past_deadline`]; replaced by the runner
/// with the limit in words.
pub(crate) const TIMED_OUT: &str = "time limit reached";

/// What a reader yields for one file: its result, or the reason it is skipped.
type Outcome<T> = std::result::Result<T, String>;

/// One file's work, sent to the worker.
type Job<T> = Box<dyn FnOnce() -> Outcome<T> + Send>;

/// Runs readers one after another on a worker thread, each in isolation (see the module doc).
pub(crate) struct Isolated<T: Send + 'static> {
    /// The time each file may take.
    limit: Duration,
    /// The current worker, started on first use and replaced when one is abandoned.
    worker: Option<Worker<T>>,
}

/// A worker thread and its two channels.
struct Worker<T> {
    /// Jobs and their deadlines go in here.
    jobs: mpsc::Sender<(Job<T>, Instant)>,
    /// Each job's outcome (or the panic that ended it) comes back here.
    results: mpsc::Receiver<thread::Result<Outcome<T>>>,
}

impl<T: Send + 'static> Isolated<T> {
    /// A runner giving each file `limit`.
    pub(crate) fn new(limit: Duration) -> Self {
        Isolated { limit, worker: None }
    }

    /// Runs `read` in isolation: its outcome, or the reason it panicked or ran too long.
    pub(crate) fn run(&mut self, read: impl FnOnce() -> Outcome<T> + Send + 'static) -> Outcome<T> {
        if ABANDONED.load(Ordering::SeqCst) >= MAX_ABANDONED {
            return Err(format!(
                "not read: {MAX_ABANDONED} earlier files are still being read past their time limit"
            ));
        }
        let worker = match self.worker.take() {
            Some(worker) => worker,
            None => spawn_worker().map_err(|err| format!("could not start a reader: {err}"))?,
        };
        let deadline = Instant::now() + self.limit;
        if worker.jobs.send((Box::new(read), deadline)).is_err() {
            return Err("the reader thread stopped unexpectedly".to_string());
        }
        // A little grace past the deadline, for a reader that checks it.
        let waited = worker.results.recv_timeout(self.limit + self.limit / 10 + GRACE);
        match waited {
            Ok(Ok(Err(reason))) if reason == TIMED_OUT => {
                self.worker = Some(worker);
                Err(self.too_long())
            }
            Ok(Ok(outcome)) => {
                self.worker = Some(worker);
                outcome
            }
            // The worker's loop survives a caught panic; keep it.
            Ok(Err(panic)) => {
                self.worker = Some(worker);
                Err(format!("the reader failed: {}; please report this file", panic_text(&panic)))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // Dropping the channels lets the worker exit once its job ends.
                ABANDONED.fetch_add(1, Ordering::SeqCst);
                Err(self.too_long())
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Err("the reader thread stopped unexpectedly".to_string())
            }
        }
    }

    /// The reason for a file that ran past the limit.
    fn too_long(&self) -> String {
        format!("took longer than {} to read (the limit per file)", seconds(self.limit))
    }
}

/// Time allowed past the deadline before a reader is abandoned.
const GRACE: Duration = Duration::from_millis(200);

/// Starts a worker: it runs jobs until its job channel closes, each under `catch_unwind`.
fn spawn_worker<T: Send + 'static>() -> std::io::Result<Worker<T>> {
    spawn_with_stack(READER_STACK).or_else(|_| spawn_with_stack(FALLBACK_STACK))
}

/// [`spawn_worker`] with a given stack size.
fn spawn_with_stack<T: Send + 'static>(stack: usize) -> std::io::Result<Worker<T>> {
    let (jobs, job_rx) = mpsc::channel::<(Job<T>, Instant)>();
    let (result_tx, results) = mpsc::channel();
    thread::Builder::new().name("corpus-reader".into()).stack_size(stack).spawn(move || {
        while let Ok((job, deadline)) = job_rx.recv() {
            DEADLINE.with(|d| d.set(Some(deadline)));
            let outcome = catch_unwind(AssertUnwindSafe(job));
            DEADLINE.with(|d| d.set(None));
            if result_tx.send(outcome).is_err() {
                // Nobody waits for this result: the worker was abandoned, and its file is
                // done at last.
                ABANDONED.fetch_sub(1, Ordering::SeqCst);
                return;
            }
        }
    })?;
    Ok(Worker { jobs, results })
}

/// A panic's message, if it carries one.
fn panic_text(panic: &Box<dyn Any + Send>) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic".to_string()
    }
}

/// A duration in words: "60 s", "0.5 s".
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 { format!("{s:.0} s") } else { format!("{s} s") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panicking_reader_is_a_skip_with_its_message() {
        let mut runner = Isolated::<u32>::new(Duration::from_secs(5));
        let reason = runner.run(|| panic!("boom in a reader")).unwrap_err();
        assert_eq!(reason, "the reader failed: boom in a reader; please report this file");
        // The same worker goes on reading.
        assert_eq!(runner.run(|| Ok(7)), Ok(7));
    }

    #[test]
    fn reader_past_its_limit_is_a_skip_and_the_next_file_is_read() {
        let mut runner = Isolated::<u32>::new(Duration::from_millis(100));
        // Cooperative: the reader notices the deadline.
        let reason = runner
            .run(|| {
                while !past_deadline() {
                    thread::sleep(Duration::from_millis(5));
                }
                Err(TIMED_OUT.to_string())
            })
            .unwrap_err();
        assert_eq!(reason, "took longer than 0.1 s to read (the limit per file)");
        // Uncooperative: the reader ignores the deadline and is abandoned.
        let started = Instant::now();
        let reason = runner.run(|| {
            thread::sleep(Duration::from_millis(800));
            Ok(1)
        });
        assert!(reason.unwrap_err().starts_with("took longer than 0.1 s"));
        assert!(started.elapsed() < Duration::from_millis(700));
        assert_eq!(runner.run(|| Ok(2)), Ok(2));
    }

    #[test]
    fn deep_recursion_fits_the_reader_stack() {
        fn down(n: u32) -> u32 {
            let pad = std::hint::black_box([0u8; 512]);
            if n == 0 { u32::from(pad[0]) } else { std::hint::black_box(down(n - 1)) + 1 }
        }
        // ~30 MB of frames: would overflow a default 2–8 MiB thread stack.
        let mut runner = Isolated::<u32>::new(Duration::from_secs(30));
        assert_eq!(runner.run(|| Ok(down(50_000))), Ok(50_000));
    }
}
