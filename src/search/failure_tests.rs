//! A tantivy failure while answering is an internal error the caller sees, never a quiet
//! "no good match": the index below fails every read once a switch is thrown.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tantivy::directory::error::{DeleteError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, FileHandle, OwnedBytes, RamDirectory, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::{HasLen, Index};

use super::{Engine, IndexInfo, open_reader};
use crate::corpus::Passage;
use crate::error::{Error, InternalError};

/// A RAM directory whose file reads fail once `failing` is set.
#[derive(Debug, Clone)]
struct FailingDirectory {
    inner: RamDirectory,
    failing: Arc<AtomicBool>,
}

/// A file of [`FailingDirectory`].
#[derive(Debug)]
struct FailingFile {
    inner: Arc<dyn FileHandle>,
    failing: Arc<AtomicBool>,
}

impl HasLen for FailingFile {
    fn len(&self) -> usize {
        self.inner.len()
    }
}

impl FileHandle for FailingFile {
    fn read_bytes(&self, range: Range<usize>) -> std::io::Result<OwnedBytes> {
        if self.failing.load(Ordering::Relaxed) {
            return Err(std::io::Error::other("injected read failure"));
        }
        self.inner.read_bytes(range)
    }
}

impl Directory for FailingDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let inner = self.inner.get_file_handle(path)?;
        Ok(Arc::new(FailingFile { inner, failing: Arc::clone(&self.failing) }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.inner.sync_directory()
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(callback)
    }
}

fn passage(n: u32, text: &str) -> Passage {
    Passage {
        id: format!("manual.txt#{n}"),
        doc_id: "manual.txt".into(),
        title: "Manual".into(),
        section: None,
        source: "manual.txt".into(),
        url: None,
        ordinal: n,
        text: text.into(),
    }
}

/// An engine over a copy of an in-RAM index whose reads fail once the switch is set.
fn failing_engine(passages: &[Passage]) -> (Engine, Arc<AtomicBool>) {
    let (built, store, documents) = crate::index::build_in_ram(passages).unwrap();
    let inner = RamDirectory::create();
    for file in built.directory().list_managed_files() {
        let bytes = built.directory().atomic_read(&file).unwrap();
        inner.atomic_write(&file, &bytes).unwrap();
    }
    let meta = Path::new("meta.json");
    inner.atomic_write(meta, &built.directory().atomic_read(meta).unwrap()).unwrap();
    let failing = Arc::new(AtomicBool::new(false));
    let directory = FailingDirectory { inner, failing: Arc::clone(&failing) };
    let index = Index::open(directory).unwrap();
    let (reader, fields, numbers) = open_reader(&index).unwrap();
    let info =
        IndexInfo { documents, passages: store.len(), built_at_unix: 0, generation: "t".into() };
    (Engine::with_parts(reader, fields, numbers, store, info), failing)
}

#[test]
fn a_tantivy_failure_while_answering_is_an_internal_error_not_no_match() {
    let passages = [
        passage(0, "The garbage collector frees memory that is no longer reachable."),
        passage(1, "A rebase replays commits on top of another branch."),
    ];
    let (engine, failing) = failing_engine(&passages);
    let answered = engine.ask("what does the garbage collector free", 3).unwrap();
    assert!(answered.no_match.is_none(), "answers before the failure: {answered:?}");

    failing.store(true, Ordering::Relaxed);
    match engine.ask("what does the garbage collector free", 3) {
        Err(Error::Internal(InternalError::Tantivy(err))) => {
            assert!(err.to_string().contains("injected read failure"), "{err}");
        }
        other => panic!("expected an internal tantivy error, got {other:?}"),
    }
    assert!(matches!(engine.rank("rebase commits", 3), Err(Error::Internal(_))));
}
