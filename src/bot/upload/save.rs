//! Putting an upload into the corpus folder without ever overwriting by surprise, and
//! taking it out again when the reindex with it fails.
//!
//! Every write goes to a hidden temporary file in the corpus folder itself
//! (`.upload-<unique>.<ext>`: hidden names are read neither by the corpus walk nor by the
//! watcher), is flushed to disk, and is then moved to its name in one step on the same file
//! system, so the corpus never holds half a file. A new name is claimed with a hard link,
//! which fails when the name exists (no check-then-write race); where hard links are not
//! supported, the name is checked and the file renamed. "Replace" first keeps the old file
//! under a hidden backup name, so a refused reindex can put it back.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::name::{SafeName, is_one_component};

/// The prefix of every temporary or backup file an upload makes.
const TEMP_PREFIX: &str = ".upload-";

/// "Keep both" tries `name-2` up to `name-<this>`.
const MAX_NUMBERED: u32 = 99;

/// Where an upload was put, until the reindex decides whether it stays.
#[derive(Debug)]
pub enum Placed {
    /// Saved under a name that was free.
    New(PathBuf),
    /// Saved over the file of the same name, which waits in `backup`.
    Replaced {
        /// The file's path.
        path: PathBuf,
        /// The old file, under a hidden name.
        backup: PathBuf,
    },
}

/// Why an upload was not put in the corpus.
#[derive(Debug)]
pub enum PlaceError {
    /// The name is taken: the admin must choose.
    Exists,
    /// The file system refused.
    Io(io::Error),
}

impl From<io::Error> for PlaceError {
    fn from(err: io::Error) -> Self {
        PlaceError::Io(err)
    }
}

/// A fresh hidden name in `dir` ending in `.ext` (so the reader of that format reads it).
fn temp_path(dir: &Path, ext: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!("{TEMP_PREFIX}{}-{nanos}-{n}.{ext}", std::process::id()))
}

/// Writes `bytes` to a new hidden temporary file in `dir`, flushed to disk; its path.
pub fn write_temp(dir: &Path, name: &SafeName, bytes: &[u8]) -> io::Result<PathBuf> {
    let path = temp_path(dir, name.ext());
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(err) = written {
        let _ = fs::remove_file(&path);
        return Err(err);
    }
    Ok(path)
}

/// The path `name` has in `dir`, checked once more to be one plain component.
fn target(dir: &Path, name: &SafeName) -> io::Result<PathBuf> {
    let file = name.file_name();
    if !is_one_component(&file) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a plain file name"));
    }
    Ok(dir.join(file))
}

/// Moves `temp` to `name` in `dir` if that name is free.
pub fn place_new(temp: &Path, dir: &Path, name: &SafeName) -> Result<Placed, PlaceError> {
    let path = target(dir, name)?;
    match fs::hard_link(temp, &path) {
        Ok(()) => {
            let _ = fs::remove_file(temp);
        }
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => return Err(PlaceError::Exists),
        // No hard links here (some network and FAT file systems): check, then rename.
        Err(_) => {
            if fs::symlink_metadata(&path).is_ok() {
                return Err(PlaceError::Exists);
            }
            fs::rename(temp, &path)?;
        }
    }
    sync_dir(dir);
    Ok(Placed::New(path))
}

/// "Keep both": moves `temp` to the first free `name-2`, `name-3`, … in `dir`; that name.
pub fn keep_both(
    temp: &Path,
    dir: &Path,
    name: &SafeName,
) -> Result<(SafeName, Placed), PlaceError> {
    for n in 2..=MAX_NUMBERED {
        let numbered = name.numbered(n);
        match place_new(temp, dir, &numbered) {
            Ok(placed) => return Ok((numbered, placed)),
            Err(PlaceError::Exists) => continue,
            Err(err) => return Err(err),
        }
    }
    Err(PlaceError::Exists)
}

/// "Replace": keeps the file `name` under a hidden backup name, then moves `temp` over it
/// in one step.
pub fn replace(temp: &Path, dir: &Path, name: &SafeName) -> Result<Placed, PlaceError> {
    let path = target(dir, name)?;
    let meta = fs::symlink_metadata(&path)?;
    if !meta.is_file() {
        // A link or folder of that name is not replaced from chat.
        return Err(PlaceError::Io(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the name is taken by something other than a regular file",
        )));
    }
    let backup = temp_path(dir, "old");
    if fs::hard_link(&path, &backup).is_err() {
        fs::copy(&path, &backup)?;
    }
    if let Err(err) = fs::rename(temp, &path) {
        let _ = fs::remove_file(&backup);
        return Err(err.into());
    }
    sync_dir(dir);
    Ok(Placed::Replaced { path, backup })
}

impl Placed {
    /// The reindex took the file: drops the backup of a replaced one.
    pub fn keep(self) {
        if let Placed::Replaced { backup, .. } = self {
            let _ = fs::remove_file(backup);
        }
    }

    /// The reindex refused: takes the file out again, putting a replaced one back.
    pub fn undo(self) -> io::Result<()> {
        match self {
            Placed::New(path) => fs::remove_file(path),
            Placed::Replaced { path, backup } => fs::rename(backup, path),
        }
    }
}

/// Deletes upload temporaries in `dir` older than `age` (left by a crash or a restart),
/// except those in `keep`.
pub fn sweep(dir: &Path, age: Duration, keep: &[PathBuf]) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let path = entry.path();
        let ours = entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX);
        let Ok(meta) = entry.metadata() else { continue };
        let old =
            meta.modified().ok().and_then(|m| now.duration_since(m).ok()).is_some_and(|d| d >= age);
        if ours && old && meta.is_file() && !keep.contains(&path) {
            let _ = fs::remove_file(&path);
        }
    }
}

/// Makes a rename in `dir` durable (best effort: not every system can sync a folder).
fn sync_dir(dir: &Path) {
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(sent: &str) -> SafeName {
        SafeName::from_sent(Some(sent)).unwrap()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_free_name_is_claimed_and_a_taken_one_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let n = name("notes.txt");
        let temp = write_temp(dir.path(), &n, b"new").unwrap();
        assert!(temp.file_name().unwrap().to_string_lossy().starts_with(".upload-"));
        let placed = place_new(&temp, dir.path(), &n).unwrap();
        assert_eq!(names(dir.path()), ["notes.txt"]);
        placed.keep();
        let again = write_temp(dir.path(), &n, b"newer").unwrap();
        assert!(matches!(place_new(&again, dir.path(), &n), Err(PlaceError::Exists)));
        assert_eq!(fs::read(dir.path().join("notes.txt")).unwrap(), b"new");
        let (kept, placed) = keep_both(&again, dir.path(), &n).unwrap();
        assert_eq!(kept.file_name(), "notes-2.txt");
        placed.keep();
        assert_eq!(names(dir.path()), ["notes-2.txt", "notes.txt"]);
    }

    #[test]
    fn a_replaced_file_comes_back_when_undone() {
        let dir = tempfile::tempdir().unwrap();
        let n = name("notes.txt");
        fs::write(dir.path().join("notes.txt"), "old").unwrap();
        let temp = write_temp(dir.path(), &n, b"new").unwrap();
        let placed = replace(&temp, dir.path(), &n).unwrap();
        assert_eq!(fs::read(dir.path().join("notes.txt")).unwrap(), b"new");
        placed.undo().unwrap();
        assert_eq!(fs::read(dir.path().join("notes.txt")).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["notes.txt"]);
        let temp = write_temp(dir.path(), &n, b"new").unwrap();
        replace(&temp, dir.path(), &n).unwrap().keep();
        assert_eq!(names(dir.path()), ["notes.txt"]);
        let temp = write_temp(dir.path(), &n, b"x").unwrap();
        place_new(&temp, dir.path(), &name("other.txt")).unwrap().undo().unwrap();
        assert_eq!(names(dir.path()), ["notes.txt"]);
    }

    #[test]
    fn old_temporaries_are_swept_but_pending_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let n = name("a.md");
        let pending = write_temp(dir.path(), &n, b"p").unwrap();
        let _stale = write_temp(dir.path(), &n, b"s").unwrap();
        fs::write(dir.path().join(".other"), "x").unwrap();
        sweep(dir.path(), Duration::ZERO, std::slice::from_ref(&pending));
        let left = names(dir.path());
        assert_eq!(left.len(), 2, "{left:?}");
        assert!(left.contains(&".other".to_string()));
    }
}
