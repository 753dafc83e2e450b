//! Bounded access to ZIP containers (DOCX, PPTX, ODT, EPUB): entries are read through a cap on
//! the bytes actually inflated, per entry and in total, and on the number of entries, so a zip
//! bomb is a skip with its reason ("archive expands beyond 256 MiB"), never an exhausted
//! machine. Declared sizes in the archive are never trusted.

use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

/// One mebibyte.
const MIB: u64 = 1024 * 1024;

/// How much an archive may expand to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Most bytes read out of one entry.
    pub per_entry: u64,
    /// Most bytes read out of all entries together.
    pub total: u64,
    /// Most entries the archive may list.
    pub entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { per_entry: 64 * MIB, total: 256 * MIB, entries: 20_000 }
    }
}

/// A ZIP archive held in memory, read within [`Limits`].
pub(crate) struct Archive<'a> {
    /// The archive.
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// The caps.
    limits: Limits,
    /// Bytes inflated so far, over all entries.
    read: u64,
}

impl<'a> Archive<'a> {
    /// Opens the archive in `bytes` with the default limits.
    ///
    /// # Errors
    /// "not a valid ZIP archive (…)" or "archive lists N entries (limit …)".
    pub fn open(bytes: &'a [u8]) -> Result<Self, String> {
        Self::with_limits(bytes, Limits::default())
    }

    /// Opens the archive in `bytes` with the given limits.
    ///
    /// # Errors
    /// As [`Archive::open`].
    pub fn with_limits(bytes: &'a [u8], limits: Limits) -> Result<Self, String> {
        let zip = ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| format!("not a valid ZIP archive ({e}); truncated or damaged?"))?;
        if zip.len() > limits.entries {
            return Err(format!("archive lists {} entries (limit {})", zip.len(), limits.entries));
        }
        Ok(Archive { zip, limits, read: 0 })
    }

    /// The bytes of the entry `name`, or `None` when there is no such entry.
    ///
    /// # Errors
    /// "archive expands beyond N MiB" past a limit; "damaged archive entry NAME (…)" when
    /// the entry cannot be inflated (bad data, encrypted entry, wrong checksum).
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, String> {
        let name = name.trim_start_matches('/');
        let entry = match self.zip.by_name(name) {
            Ok(entry) => entry,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(format!("damaged archive entry {name} ({e})")),
        };
        let room = self.limits.per_entry.min(self.limits.total.saturating_sub(self.read));
        let mut bytes = Vec::new();
        entry
            .take(room.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| format!("damaged archive entry {name} ({e})"))?;
        let got = bytes.len() as u64;
        if got > room {
            let limit =
                if got > self.limits.per_entry { self.limits.per_entry } else { self.limits.total };
            return Err(format!("archive expands beyond {} MiB", limit.div_ceil(MIB)));
        }
        self.read += got;
        Ok(Some(bytes))
    }

    /// The bytes of the entry `name` as text (invalid UTF-8 replaced), or `None`.
    ///
    /// # Errors
    /// As [`Archive::read`].
    pub fn read_text(&mut self, name: &str) -> Result<Option<String>, String> {
        Ok(self.read(name)?.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// The names of all entries, in archive order.
    pub fn names(&self) -> Vec<String> {
        self.zip.file_names().flatten().map(|n| n.into_owned()).collect()
    }
}

/// Resolves `target` (a relative path from a part's relationships or a manifest, possibly
/// percent-encoded, possibly with a `#fragment`) against the folder of the part `base`.
pub(crate) fn resolve(base: &str, target: &str) -> String {
    let target = target.split('#').next().unwrap_or_default();
    let target = percent_decode(target);
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        let mut folder: Vec<&str> = base.split('/').collect();
        folder.pop();
        folder
    };
    for piece in target.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("/")
}

/// Decodes `%XX` escapes; malformed escapes are kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && let Some(hex) = text.get(index + 1..index + 3)
            && let Ok(value) = u8::from_str_radix(hex, 16)
        {
            out.push(value);
            index += 3;
            continue;
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    use super::*;

    /// Builds a ZIP archive in memory from (name, content) pairs, deflated.
    pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, content) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn reads_entries_and_reports_missing_ones() {
        let bytes = zip_of(&[("a/b.xml", b"<x/>"), ("c.txt", b"hello")]);
        let mut archive = Archive::open(&bytes).unwrap();
        assert_eq!(archive.read("a/b.xml").unwrap().unwrap(), b"<x/>");
        assert_eq!(archive.read_text("/c.txt").unwrap().unwrap(), "hello");
        assert_eq!(archive.read("nope").unwrap(), None);
        assert_eq!(archive.names(), ["a/b.xml", "c.txt"]);
    }

    #[test]
    fn zip_bomb_entry_is_refused_with_its_reason() {
        let zeros = vec![0u8; 3 * MIB as usize];
        let bytes = zip_of(&[("bomb.xml", &zeros)]);
        assert!(bytes.len() < 64 * 1024, "fixture should compress well");
        let limits = Limits { per_entry: 2 * MIB, total: 8 * MIB, entries: 10 };
        let mut archive = Archive::with_limits(&bytes, limits).unwrap();
        assert_eq!(archive.read("bomb.xml").unwrap_err(), "archive expands beyond 2 MiB");
    }

    #[test]
    fn zip_bomb_of_many_entries_hits_the_total_cap() {
        let chunk = vec![b'a'; MIB as usize];
        let bytes = zip_of(&[("1", &chunk), ("2", &chunk), ("3", &chunk)]);
        let limits = Limits { per_entry: 2 * MIB, total: 2 * MIB + 10, entries: 10 };
        let mut archive = Archive::with_limits(&bytes, limits).unwrap();
        assert!(archive.read("1").is_ok());
        assert!(archive.read("2").is_ok());
        assert_eq!(archive.read("3").unwrap_err(), "archive expands beyond 3 MiB");
    }

    #[test]
    fn too_many_entries_is_refused() {
        let bytes = zip_of(&[("1", b"a"), ("2", b"b"), ("3", b"c")]);
        let limits = Limits { entries: 2, ..Limits::default() };
        let err = Archive::with_limits(&bytes, limits).err().unwrap();
        assert_eq!(err, "archive lists 3 entries (limit 2)");
    }

    #[test]
    fn truncated_zip_is_a_reason_not_a_panic() {
        let bytes = zip_of(&[("word/document.xml", &[b'x'; 5000])]);
        for cut in [0, 10, bytes.len() / 2, bytes.len() - 10] {
            match Archive::open(&bytes[..cut]) {
                Ok(mut archive) => {
                    let _ = archive.read("word/document.xml");
                }
                Err(reason) => assert!(reason.starts_with("not a valid ZIP archive"), "{reason}"),
            }
        }
    }

    #[test]
    fn relative_targets_resolve_against_the_part_folder() {
        assert_eq!(resolve("ppt/presentation.xml", "slides/slide1.xml"), "ppt/slides/slide1.xml");
        assert_eq!(
            resolve("ppt/slides/slide1.xml", "../notesSlides/n1.xml"),
            "ppt/notesSlides/n1.xml"
        );
        assert_eq!(resolve("OEBPS/content.opf", "Text/ch%201.xhtml#top"), "OEBPS/Text/ch 1.xhtml");
        assert_eq!(resolve("content.opf", "/abs/x.html"), "abs/x.html");
        assert_eq!(resolve("a/b.opf", "../../../../x"), "x");
    }
}
