//! Checks of a generation's files against its manifest, so a damaged index is reported with
//! what to do instead of failing later with a raw tantivy error or, worse, silently answering
//! "no good match".
//!
//! The manifest lists every file of the generation with its size and BLAKE3 hash. Opening for
//! search runs the [`Depth::Quick`] check (every file there with its size: a few `stat`s; the
//! passage store's hash is checked by the engine as it reads the store anyway); `passagebot
//! index` runs [`Depth::Full`], hashing every file, before it calls an index up to date.

use std::fs;
use std::path::Path;

use super::generation::{FileSum, MANIFEST_FILE, Manifest};
use crate::error::{Error, InternalError, Result};

/// How thoroughly to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Every listed file exists with its recorded size.
    Quick,
    /// Also every file's content hash.
    Full,
}

/// The files of the generation directory `dir` (all but the manifest), sized and hashed.
pub(super) fn sum_files(dir: &Path) -> Result<Vec<FileSum>> {
    let entries =
        fs::read_dir(dir).map_err(|err| Error::io(format!("listing {}", dir.display()), err))?;
    let mut sums = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|err| Error::io(format!("listing {}", dir.display()), err))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // tantivy's empty lock files are not data: it may create or drop them at will.
        let tantivy_lock = name.starts_with(".tantivy-") && name.ends_with(".lock");
        if name == MANIFEST_FILE || tantivy_lock || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let (bytes, blake3) = hash_file(&entry.path())
            .map_err(|err| Error::io(format!("reading {}", entry.path().display()), err))?;
        sums.push(FileSum { name, bytes, blake3 });
    }
    sums.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(sums)
}

/// Checks the generation at `dir` against `manifest`.
///
/// # Errors
/// [`InternalError::GenerationDamaged`] naming the first file that is missing, of the wrong
/// size or (with [`Depth::Full`]) of the wrong content.
pub fn verify_generation(dir: &Path, manifest: &Manifest, depth: Depth) -> Result<()> {
    let damaged = |problem: String| -> Error {
        InternalError::GenerationDamaged { generation: dir.to_path_buf(), problem }.into()
    };
    if manifest.files.is_empty() {
        // Written before manifests listed files: only tantivy's own file can be checked.
        if !dir.join("meta.json").is_file() {
            return Err(damaged("meta.json is missing".into()));
        }
        return Ok(());
    }
    for file in &manifest.files {
        let path = dir.join(&file.name);
        let size = match fs::metadata(&path) {
            Ok(meta) => meta.len(),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(damaged(format!("{} is missing", file.name)));
            }
            Err(err) => return Err(Error::io(format!("checking {}", path.display()), err)),
        };
        if size != file.bytes {
            return Err(damaged(format!(
                "{} holds {size} bytes instead of {}",
                file.name, file.bytes
            )));
        }
        if depth == Depth::Full {
            let (_, hash) = hash_file(&path)
                .map_err(|err| Error::io(format!("reading {}", path.display()), err))?;
            if hash != file.blake3 {
                return Err(damaged(format!("{} has changed since it was written", file.name)));
            }
        }
    }
    Ok(())
}

/// Checks bytes read from the generation file `name` against the manifest's hash.
pub fn verify_bytes(dir: &Path, manifest: &Manifest, name: &str, bytes: &[u8]) -> Result<()> {
    let Some(file) = manifest.files.iter().find(|f| f.name == name) else { return Ok(()) };
    if blake3::hash(bytes).to_hex().as_str() != file.blake3 {
        return Err(InternalError::GenerationDamaged {
            generation: dir.to_path_buf(),
            problem: format!("{name} has changed since it was written"),
        }
        .into());
    }
    Ok(())
}

/// Size and hex BLAKE3 hash of a file, streamed.
fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut hasher = blake3::Hasher::new();
    let mut file = fs::File::open(path)?;
    let bytes = std::io::copy(&mut file, &mut hasher)?;
    Ok((bytes, hasher.finalize().to_hex().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest_of(dir: &Path) -> Manifest {
        Manifest {
            format: 0,
            corpus_hash: String::new(),
            documents: 0,
            passages: 0,
            built_at_unix: 0,
            skipped: Vec::new(),
            corpus: None,
            files: sum_files(dir).unwrap(),
            corpus_files: Vec::new(),
            withheld: Vec::new(),
            secrets: Vec::new(),
        }
    }

    #[test]
    fn deleted_truncated_and_flipped_files_are_found() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.idx"), b"postings").unwrap();
        fs::write(dir.path().join("b.pos"), b"positions").unwrap();
        fs::write(dir.path().join(MANIFEST_FILE), b"{}").unwrap();
        let manifest = manifest_of(dir.path());
        assert_eq!(manifest.files.len(), 2, "the manifest does not list itself");
        verify_generation(dir.path(), &manifest, Depth::Full).unwrap();

        fs::write(dir.path().join("a.idx"), b"postingz").unwrap();
        verify_generation(dir.path(), &manifest, Depth::Quick).unwrap();
        let flipped = verify_generation(dir.path(), &manifest, Depth::Full).unwrap_err();
        assert!(flipped.to_string().contains("a.idx has changed"), "{flipped}");

        fs::write(dir.path().join("a.idx"), b"post").unwrap();
        let short = verify_generation(dir.path(), &manifest, Depth::Quick).unwrap_err();
        assert!(short.to_string().contains("a.idx holds 4 bytes"), "{short}");

        fs::remove_file(dir.path().join("b.pos")).unwrap();
        fs::write(dir.path().join("a.idx"), b"postings").unwrap();
        let gone = verify_generation(dir.path(), &manifest, Depth::Quick).unwrap_err();
        assert!(gone.to_string().contains("b.pos is missing"), "{gone}");
        assert!(gone.to_string().contains("passagebot index"), "no advice: {gone}");
    }
}
