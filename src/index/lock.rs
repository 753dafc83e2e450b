//! The build lock: an advisory lock on `build.lock` (`flock` on Unix), held for the whole of a
//! build, so two builds never run at once on one index directory.
//!
//! The operating system releases the lock when its process ends, however it ends (`kill -9`,
//! the OOM killer): a lock file left behind is never "stale", whatever it holds — a pid (maybe
//! our own, after a container restarts with the same one), nothing, or garbage. The file names
//! the holder's pid for people; only the lock decides.
//!
//! The holder removes the file while still holding the lock. Another process may have opened
//! the old file meanwhile and get its lock once released, so a taker checks that the path still
//! names the file it locked, and starts again if not.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::generation::LOCK_FILE;
use crate::error::{Error, Result, UserError};

/// How long a build waits for another one to finish before giving up.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(20 * 60);

/// Pause between two tries while another build holds the lock.
const POLL: Duration = Duration::from_millis(100);

/// The held build lock; released (and its file removed) on drop.
#[derive(Debug)]
pub struct BuildLock {
    path: PathBuf,
    /// The locked file; closing it releases the lock.
    _file: fs::File,
    /// True when another build held the lock first and this one waited for it.
    waited: bool,
}

impl BuildLock {
    /// Takes the lock if no other process holds it; `Ok(None)` when one does.
    ///
    /// # Errors
    /// [`Error::Io`] when the lock file cannot be created or locked (e.g. a read-only index
    /// directory).
    pub fn try_acquire(index_dir: &Path) -> Result<Option<BuildLock>> {
        let path = index_dir.join(LOCK_FILE);
        let io = |err| Error::io(format!("locking {}", path.display()), err);
        // A few rounds at most: each lost round means a holder removed the file just now.
        for _ in 0..16 {
            let mut file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => return Ok(None),
                Err(fs::TryLockError::Error(err)) => return Err(io(err)),
            }
            if !same_file(&path, &file) {
                continue;
            }
            // For people only: who holds the lock.
            let _ = file.set_len(0);
            let _ = write!(file, "{}", std::process::id());
            return Ok(Some(BuildLock { path, _file: file, waited: false }));
        }
        Ok(None)
    }

    /// Takes the lock, waiting up to `wait` for another build to finish; `on_wait` is called
    /// once, when the wait starts.
    ///
    /// # Errors
    /// [`UserError::BuildLocked`] when the other build still runs after `wait`; [`Error::Io`]
    /// as for [`BuildLock::try_acquire`].
    pub fn acquire_within(
        index_dir: &Path,
        wait: Duration,
        on_wait: &mut dyn FnMut(Duration),
    ) -> Result<BuildLock> {
        if let Some(lock) = BuildLock::try_acquire(index_dir)? {
            return Ok(lock);
        }
        on_wait(wait);
        let started = Instant::now();
        loop {
            std::thread::sleep(POLL.min(wait));
            if let Some(mut lock) = BuildLock::try_acquire(index_dir)? {
                lock.waited = true;
                return Ok(lock);
            }
            if started.elapsed() >= wait {
                return Err(UserError::BuildLocked {
                    index_dir: index_dir.to_path_buf(),
                    waited_secs: started.elapsed().as_secs(),
                }
                .into());
            }
        }
    }

    /// True when another build held the lock first: what it built may make ours unneeded.
    pub fn waited(&self) -> bool {
        self.waited
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        // Removed while still locked; the lock itself goes with the file handle.
        let _ = fs::remove_file(&self.path);
    }
}

/// True when `path` still names the open `file` (not a newer file of the same name).
#[cfg(unix)]
fn same_file(path: &Path, file: &fs::File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(path), file.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(path: &Path, _file: &fs::File) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leftover_lock_file_with_our_own_pid_or_nothing_does_not_block() {
        for content in [std::process::id().to_string(), String::new(), "garbage".into()] {
            let dir = tempfile::tempdir().unwrap();
            fs::write(dir.path().join(LOCK_FILE), &content).unwrap();
            let lock = BuildLock::try_acquire(dir.path()).unwrap();
            assert!(lock.is_some(), "blocked by a lock file holding {content:?}");
            drop(lock);
            assert!(!dir.path().join(LOCK_FILE).exists(), "lock file left behind");
        }
    }

    #[test]
    fn a_held_lock_refuses_then_bounds_the_wait_then_is_taken_after_release() {
        let dir = tempfile::tempdir().unwrap();
        let held = BuildLock::try_acquire(dir.path()).unwrap().expect("first lock");
        // flock locks belong to an open file, so a second handle in this process conflicts
        // exactly as another process would.
        assert!(BuildLock::try_acquire(dir.path()).unwrap().is_none());
        let mut noted = 0;
        let err =
            BuildLock::acquire_within(dir.path(), Duration::from_millis(300), &mut |_| noted += 1)
                .unwrap_err();
        assert_eq!(noted, 1);
        assert!(err.to_string().contains("another build"), "{err}");
        let path = dir.path().to_path_buf();
        let waiter = std::thread::spawn(move || {
            BuildLock::acquire_within(&path, Duration::from_secs(30), &mut |_| {}).map(|l| l.waited)
        });
        std::thread::sleep(Duration::from_millis(300));
        drop(held);
        assert!(waiter.join().unwrap().unwrap(), "the waiter must get the lock after release");
    }
}
