//! Opening a published generation for search with read access only.
//!
//! tantivy's reader takes its meta lock (it creates `.tantivy-meta.lock`) while it opens the
//! segments, so that a concurrent writer's garbage collection cannot delete them; on a
//! read-only index directory, or one owned by another user, that fails with "Failed to
//! acquire Lockfile". A published generation is never written again (a new build writes a new
//! directory), so there is nothing to guard against: [`ReadOnlyDirectory`] wraps tantivy's
//! `MmapDirectory`, grants locks without touching the disk and refuses every write.

use std::io;
use std::path::Path;
use std::sync::Arc;

use tantivy::Index;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// Opens the tantivy index of a published generation without writing anything.
pub fn open_read_only(path: &Path) -> tantivy::Result<Index> {
    let directory = MmapDirectory::open(path)?;
    Index::open(ReadOnlyDirectory(directory))
}

/// A directory that reads through tantivy's mmap directory and never writes.
#[derive(Debug, Clone)]
struct ReadOnlyDirectory(MmapDirectory);

fn refused() -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, "a published generation is read-only")
}

impl Directory for ReadOnlyDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError { io_error: Arc::new(refused()), filepath: path.to_path_buf() })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError { io_error: Arc::new(refused()), filepath: path.to_path_buf() })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }

    fn atomic_write(&self, _path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(refused())
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        // Nothing writes a published generation, so no lock is needed to read it.
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}
