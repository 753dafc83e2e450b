//! Distinct document ids across a corpus load, in memory bounded by the build's budget.
//!
//! Every id given out is remembered as a 128-bit hash. The most recent ones are kept in a
//! hash set; when it holds its share of memory, its hashes are sorted and merged into one
//! sorted file of hashes on disk (with every 256th hash kept in memory to find a block), so a
//! corpus of any size costs the same memory here, and a look-up past the set reads one 4 KiB
//! block of that file.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use tracing::{debug, warn};

use super::Document;
use crate::error::{Error, Result};

/// Renamed duplicate ids warned about one by one per load; the rest are summed up.
const MAX_LISTED_DUPLICATES: usize = 10;
/// Repeated ids whose next suffix is remembered; past this the hints are forgotten (a repeat
/// then tries suffixes from `~2` again, which only costs time).
const MAX_SUFFIX_HINTS: usize = 65_536;

/// Makes document ids distinct, one file's documents at a time: a repeat of an earlier id
/// becomes `<id>~2`, `~3`, … (the first not taken by an earlier document or by any document
/// of the same file), with a warning naming where both come from, so "Next answer", "Show
/// context" and votes always act on the passage meant. A later file's id that an earlier
/// renaming took is renamed in turn, so ids stay distinct across files too.
pub(super) struct UniqueIds {
    /// Hashes of the ids given out so far.
    seen: IdSet,
    /// The next suffix to try per repeated id, so 20,000 repeats cost 20,000 tries, not
    /// 20,000².
    next: HashMap<String, usize>,
    /// Ids renamed so far.
    renamed: usize,
}

impl UniqueIds {
    /// Ids that keep at most `memory` bytes in memory; the rest go to a file in `scratch`
    /// (the system's temporary folder when `None`), created only when needed.
    pub(super) fn new(memory: usize, scratch: Option<PathBuf>) -> Self {
        UniqueIds { seen: IdSet::new(memory, scratch), next: HashMap::new(), renamed: 0 }
    }

    /// Makes the ids of one file's `documents` distinct from each other and from all earlier.
    ///
    /// # Errors
    /// Writing or reading the file of earlier ids failed.
    pub(super) fn assign(&mut self, documents: &mut [Document]) -> Result<()> {
        let mut local: HashMap<String, usize> = HashMap::with_capacity(documents.len());
        for (index, doc) in documents.iter().enumerate() {
            local.entry(doc.id.clone()).or_insert(index);
        }
        for index in 0..documents.len() {
            let first = local.get(&documents[index].id).copied().unwrap_or(index);
            if first == index && self.seen.insert(key(&documents[index].id))? {
                continue;
            }
            if self.next.len() >= MAX_SUFFIX_HINTS && !self.next.contains_key(&documents[index].id)
            {
                self.next.clear();
            }
            let n = self.next.entry(documents[index].id.clone()).or_insert(2);
            let new_id = loop {
                let candidate = format!("{}~{n}", documents[index].id);
                *n += 1;
                if !local.contains_key(&candidate) && self.seen.insert(key(&candidate))? {
                    break candidate;
                }
            };
            self.renamed += 1;
            if self.renamed <= MAX_LISTED_DUPLICATES {
                let first = if first < index {
                    documents[first].source.clone()
                } else {
                    "an earlier file".to_string()
                };
                warn!(
                    at = %documents[index].source,
                    first = %first,
                    id = %documents[index].id,
                    new_id = %new_id,
                    "duplicate document id; renamed"
                );
            }
            documents[index].id = new_id;
        }
        Ok(())
    }

    /// Sums up the renamings past the ones listed.
    pub(super) fn finish(&self) {
        if self.renamed > MAX_LISTED_DUPLICATES {
            warn!(
                renamed = self.renamed,
                "duplicate document ids renamed in all (first ones listed above)"
            );
        }
    }
}

/// The 128-bit hash an id is remembered by.
fn key(id: &str) -> u128 {
    let hash = blake3::hash(id.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash.as_bytes()[..16]);
    u128::from_le_bytes(bytes)
}

/// Bytes a hash takes on disk.
const KEY_BYTES: usize = 16;
/// Hashes per block of the file on disk (one read per look-up).
const BLOCK_KEYS: usize = 256;

/// A set of hashes: the recent ones in memory, the others in one sorted file.
struct IdSet {
    /// Hashes added since the last move to disk.
    recent: HashSet<u128>,
    /// How many hashes `recent` holds before they move to disk.
    limit: usize,
    /// The sorted file of older hashes, once there is one.
    run: Option<Run>,
    /// Where that file is made.
    scratch: Option<PathBuf>,
}

impl IdSet {
    /// A set that keeps its hash table, and the sorted copy it is written from, within
    /// `memory` bytes.
    fn new(memory: usize, scratch: Option<PathBuf>) -> Self {
        IdSet { recent: HashSet::new(), limit: recent_limit(memory), run: None, scratch }
    }

    /// Adds `key`; whether it was new.
    fn insert(&mut self, key: u128) -> Result<bool> {
        if self.recent.contains(&key) {
            return Ok(false);
        }
        if let Some(run) = &self.run
            && run.contains(key).map_err(|e| Error::io("reading the document-id spill file", e))?
        {
            return Ok(false);
        }
        self.recent.insert(key);
        if self.recent.len() >= self.limit {
            self.spill().map_err(|e| Error::io("writing the document-id spill file", e))?;
        }
        Ok(true)
    }

    /// Merges the recent hashes into the file on disk and empties the table.
    fn spill(&mut self) -> std::io::Result<()> {
        let mut sorted: Vec<u128> = std::mem::take(&mut self.recent).into_iter().collect();
        sorted.sort_unstable();
        let file = match &self.scratch {
            Some(dir) => tempfile::tempfile_in(dir)?,
            None => tempfile::tempfile()?,
        };
        let merged = Run::merge(self.run.take(), &sorted, file)?;
        debug!(ids = merged.len, "document ids moved to disk");
        self.run = Some(merged);
        Ok(())
    }
}

/// How many hashes the table holds before they move to disk so that the table (16 bytes and
/// a control byte per bucket, buckets a power of two at most 7/8 full) and the sorted copy
/// made from it stay within `memory`.
fn recent_limit(memory: usize) -> usize {
    let buckets = (memory / 2 / (KEY_BYTES + 1)).max(16);
    let buckets = 1usize << (usize::BITS - 1 - buckets.leading_zeros());
    buckets / 8 * 7
}

/// Sorted hashes in a file, with the first hash of each block in memory.
struct Run {
    /// The file (unnamed; gone when closed).
    file: File,
    /// Hashes in it.
    len: usize,
    /// The first hash of each block of [`BLOCK_KEYS`].
    fences: Vec<u128>,
}

impl Run {
    /// Writes the hashes of `old` and `sorted` (sorted, none in both) in order to `file`.
    fn merge(old: Option<Run>, sorted: &[u128], file: File) -> std::io::Result<Run> {
        let mut out = BufWriter::with_capacity(1 << 16, &file);
        let mut fences = Vec::new();
        let mut len = 0usize;
        let mut write = |key: u128, out: &mut BufWriter<&File>| -> std::io::Result<()> {
            if len.is_multiple_of(BLOCK_KEYS) {
                fences.push(key);
            }
            len += 1;
            out.write_all(&key.to_le_bytes())
        };
        let mut new = sorted.iter().copied().peekable();
        if let Some(old) = old {
            let mut reader = BufReader::with_capacity(1 << 16, &old.file);
            reader.seek(SeekFrom::Start(0))?;
            let mut bytes = [0u8; KEY_BYTES];
            for _ in 0..old.len {
                reader.read_exact(&mut bytes)?;
                let key = u128::from_le_bytes(bytes);
                while let Some(next) = new.next_if(|next| *next < key) {
                    write(next, &mut out)?;
                }
                write(key, &mut out)?;
            }
        }
        for next in new {
            write(next, &mut out)?;
        }
        out.flush()?;
        drop(out);
        Ok(Run { file, len, fences })
    }

    /// Whether the file holds `key`: one block read.
    fn contains(&self, key: u128) -> std::io::Result<bool> {
        let block = self.fences.partition_point(|first| *first <= key);
        let Some(block) = block.checked_sub(1) else {
            return Ok(false);
        };
        let start = block * BLOCK_KEYS;
        let count = BLOCK_KEYS.min(self.len - start);
        let mut block = [0u8; BLOCK_KEYS * KEY_BYTES];
        let block = &mut block[..count * KEY_BYTES];
        let mut file = &self.file;
        file.seek(SeekFrom::Start((start * KEY_BYTES) as u64))?;
        file.read_exact(block)?;
        let key_at = |i: usize| {
            let mut one = [0u8; KEY_BYTES];
            one.copy_from_slice(&block[i * KEY_BYTES..(i + 1) * KEY_BYTES]);
            u128::from_le_bytes(one)
        };
        let (mut low, mut high) = (0, count);
        while low < high {
            let middle = low + (high - low) / 2;
            match key_at(middle).cmp(&key) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Equal => return Ok(true),
                std::cmp::Ordering::Greater => high = middle,
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Block;

    fn doc(id: &str, source: &str) -> Document {
        Document {
            id: id.into(),
            title: "T".into(),
            source: source.into(),
            url: None,
            blocks: vec![Block::Paragraph("x".into())],
        }
    }

    /// Files of documents whose ids repeat within and across files, including ids that an
    /// earlier renaming takes (`a7~2`).
    fn files() -> Vec<Vec<Document>> {
        (0..200)
            .map(|file| {
                (0..50)
                    .map(|n| {
                        let id = match n % 5 {
                            0 => format!("a{}", (file * 7 + n) % 300),
                            1 => format!("a{}~2", (file + n) % 40),
                            _ => format!("f{file}/d{n}"),
                        };
                        doc(&id, &format!("f{file}.jsonl:{n}"))
                    })
                    .collect()
            })
            .collect()
    }

    fn assigned(memory: usize) -> (Vec<String>, UniqueIds) {
        let dir = tempfile::tempdir().unwrap();
        let mut ids = UniqueIds::new(memory, Some(dir.path().to_path_buf()));
        let mut out = Vec::new();
        for mut file in files() {
            ids.assign(&mut file).unwrap();
            assert!(ids.seen.recent.len() < ids.seen.limit);
            out.extend(file.into_iter().map(|d| d.id));
        }
        (out, ids)
    }

    #[test]
    fn the_document_id_set_moves_to_disk_past_its_memory_share_and_renames_the_same() {
        let (in_memory, roomy) = assigned(64 * 1024 * 1024);
        assert!(roomy.seen.run.is_none());
        let (spilled, tight) = assigned(0);
        assert_eq!(tight.seen.limit, 14);
        let run = tight.seen.run.as_ref().expect("ids moved to disk");
        assert!(run.len > 9_000, "{}", run.len);
        assert_eq!(spilled, in_memory);
        let distinct: HashSet<&String> = spilled.iter().collect();
        assert_eq!(distinct.len(), spilled.len());
        assert_eq!(tight.renamed, roomy.renamed);
        assert!(tight.renamed > 1_000, "{}", tight.renamed);
    }

    #[test]
    fn the_memory_share_bounds_the_hash_table() {
        assert_eq!(recent_limit(64 * 1024 * 1024), 917_504);
        let table = 1_048_576 * (KEY_BYTES + 1);
        let sorted = 917_504 * KEY_BYTES;
        assert!(table + sorted <= 64 * 1024 * 1024);
        assert_eq!(recent_limit(0), 14);
    }

    #[test]
    fn many_duplicate_ids_are_renamed_in_linear_time() {
        let mut docs: Vec<Document> =
            (1..=20_000).map(|n| doc("same#0", &format!("d.jsonl:{n}"))).collect();
        let started = std::time::Instant::now();
        let mut ids = UniqueIds::new(64 * 1024 * 1024, None);
        ids.assign(&mut docs).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
        assert_eq!(docs[1].id, "same#0~2");
        assert_eq!(docs[19_999].id, "same#0~20000");
        let distinct: HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(distinct.len(), docs.len());
    }
}
