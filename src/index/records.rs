//! Passage records compressed one at a time with zstd and a dictionary trained on the corpus.
//!
//! A passage is shown by reading one record, so records are compressed alone (a block of
//! several would be decompressed for each). Alone, a record of a kilobyte or two compresses
//! poorly; a dictionary trained on the first few megabytes of records (titles, sources and
//! the corpus's common phrases) brings back most of what block compression gains. A corpus
//! too small to train on is compressed without one. zstd is already part of the build
//! through tantivy.

use std::sync::Arc;

use zstd::bulk::{Compressor, Decompressor};
use zstd::dict::DecoderDictionary;

/// Records buffered to train the dictionary on before the first is written.
const SAMPLE_BYTES: usize = 4 * 1024 * 1024;
/// Largest dictionary trained.
const MAX_DICTIONARY_BYTES: usize = 64 * 1024;
/// Samples below this train no dictionary.
const MIN_SAMPLE_BYTES: usize = 16 * 1024;
/// zstd's level: its default, a balance of build time and size.
const LEVEL: i32 = 3;
/// Largest record a read decompresses: far above any passage, a bound for damaged input.
const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

/// Compresses passage records in order, holding back the first ones until the dictionary is
/// trained on them.
pub(super) struct RecordCompressor {
    pending: Vec<Vec<u8>>,
    pending_bytes: usize,
    compressor: Option<Compressor<'static>>,
    dictionary: Vec<u8>,
}

impl RecordCompressor {
    /// A compressor that has seen no record yet.
    pub(super) fn new() -> RecordCompressor {
        RecordCompressor {
            pending: Vec::new(),
            pending_bytes: 0,
            compressor: None,
            dictionary: Vec::new(),
        }
    }

    /// Takes the next record; `emit` receives compressed records, in order, as they are ready.
    pub(super) fn push(
        &mut self,
        record: Vec<u8>,
        emit: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        if let Some(compressor) = &mut self.compressor {
            return emit(&compressor.compress(&record)?);
        }
        self.pending_bytes += record.len();
        self.pending.push(record);
        if self.pending_bytes >= SAMPLE_BYTES {
            self.start(emit)?;
        }
        Ok(())
    }

    /// Writes what is still held back and returns the dictionary (empty when none was
    /// trained), which the reader needs.
    pub(super) fn finish(
        mut self,
        emit: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
    ) -> std::io::Result<Vec<u8>> {
        if self.compressor.is_none() {
            self.start(emit)?;
        }
        Ok(self.dictionary)
    }

    /// Trains the dictionary on the held-back records (or goes without one when they are too
    /// few or training fails) and writes them.
    fn start(&mut self, emit: &mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()> {
        if self.pending_bytes >= MIN_SAMPLE_BYTES {
            let size = (self.pending_bytes / 50).clamp(1024, MAX_DICTIONARY_BYTES);
            match zstd::dict::from_samples(&self.pending, size) {
                Ok(dictionary) => self.dictionary = dictionary,
                Err(err) => tracing::debug!(%err, "no dictionary for the passage records"),
            }
        }
        let mut compressor = Compressor::with_dictionary(LEVEL, &self.dictionary)?;
        for record in std::mem::take(&mut self.pending) {
            emit(&compressor.compress(&record)?)?;
        }
        self.compressor = Some(compressor);
        Ok(())
    }
}

thread_local! {
    /// This thread's zstd decompression context, reused from record to record.
    static DECOMPRESSION: std::cell::RefCell<zstd::zstd_safe::DCtx<'static>> =
        std::cell::RefCell::new(zstd::zstd_safe::DCtx::create());
}

/// Decompresses the records of one store.
#[derive(Clone)]
pub(super) struct RecordReader {
    dictionary: Option<Arc<DecoderDictionary<'static>>>,
}

impl RecordReader {
    /// A reader for records compressed with `dictionary` (empty: none).
    pub(super) fn new(dictionary: &[u8]) -> std::io::Result<RecordReader> {
        let dictionary = if dictionary.is_empty() {
            None
        } else {
            Some(Arc::new(DecoderDictionary::try_copy(dictionary)?))
        };
        Ok(RecordReader { dictionary })
    }

    /// Record `bytes` decompressed; `None` when it is damaged. A record that gives its size
    /// (every record the store writes does) is decompressed by this thread's reused zstd
    /// context: creating one per record was 5 % of answering a question.
    pub(super) fn read(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        let Some(size) = zstd::zstd_safe::get_frame_content_size(bytes).ok().flatten() else {
            return self.read_unsized(bytes);
        };
        let size = usize::try_from(size).ok().filter(|&size| size <= MAX_RECORD_BYTES)?;
        let mut out = Vec::with_capacity(size);
        let read = DECOMPRESSION.with(|context| {
            let mut context = context.borrow_mut();
            match &self.dictionary {
                Some(dictionary) => {
                    context.decompress_using_ddict(&mut out, bytes, dictionary.as_ddict())
                }
                None => context.decompress(&mut out, bytes),
            }
        });
        match read {
            Ok(written) if written == size => Some(out),
            _ => self.read_unsized(bytes),
        }
    }

    /// [`RecordReader::read`] through a context of its own, for a record whose size is not
    /// what its frame says.
    fn read_unsized(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        let mut decompressor = match &self.dictionary {
            Some(dictionary) => Decompressor::with_prepared_dictionary(dictionary).ok()?,
            None => Decompressor::new().ok()?,
        };
        decompressor.decompress(bytes, MAX_RECORD_BYTES).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(count: usize) -> Vec<Vec<u8>> {
        (0..count)
            .map(|i| {
                format!(
                    "Guide to the SystemTap tools, chapter {i}: probes are written in a small \
                     language and compiled to a kernel module; record {i} of {count}."
                )
                .into_bytes()
            })
            .collect()
    }

    fn round_trip(count: usize) -> (Vec<Vec<u8>>, Vec<u8>, usize) {
        let mut out = Vec::new();
        let mut compressor = RecordCompressor::new();
        let mut written = 0;
        for record in records(count) {
            compressor
                .push(record, &mut |bytes| {
                    written += bytes.len();
                    out.push(bytes.to_vec());
                    Ok(())
                })
                .unwrap();
        }
        let dictionary = compressor
            .finish(&mut |bytes| {
                written += bytes.len();
                out.push(bytes.to_vec());
                Ok(())
            })
            .unwrap();
        (out, dictionary, written)
    }

    #[test]
    fn records_read_back_with_and_without_a_dictionary() {
        for count in [0, 3, 40_000] {
            let (out, dictionary, written) = round_trip(count);
            assert_eq!(out.len(), count);
            assert_eq!(dictionary.is_empty(), count < 1000, "{count} records");
            let reader = RecordReader::new(&dictionary).unwrap();
            for (record, expected) in out.iter().zip(records(count)) {
                assert_eq!(reader.read(record), Some(expected));
            }
            if count > 1000 {
                let raw: usize = records(count).iter().map(Vec::len).sum();
                assert!(written * 4 < raw, "{written} bytes from {raw}");
            }
        }
    }

    #[test]
    fn a_damaged_record_is_none_never_a_panic() {
        let (out, dictionary, _) = round_trip(2_000);
        let reader = RecordReader::new(&dictionary).unwrap();
        let record = &out[7];
        // An empty record is an empty frame's worth: nothing, which no passage decodes from.
        for cut in 1..record.len() {
            assert_eq!(reader.read(&record[..cut]), None, "cut at {cut}");
        }
        for flip in 0..record.len() {
            let mut damaged = record.clone();
            damaged[flip] ^= 0x5a;
            let _ = reader.read(&damaged);
        }
        assert_eq!(RecordReader::new(&[]).unwrap().read(record), None);
    }
}
