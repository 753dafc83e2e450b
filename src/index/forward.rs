//! A passage's forward entry — what re-ranking reads of it — and its compact record.
//!
//! The record is a run of LEB128 varints, with every ascending list stored as gaps. Word
//! pairs, the bulk of an entry, are stored against the passage's table of distinct words:
//! the table holds the word ids once (as gaps), each pair two small indexes into it. At a
//! million passages this takes the forward data from 1.37 GB (`postcard` of the plain
//! structure, a pair being one 8-byte number) to about half. Decoding checks every count
//! against the bytes left and every index against its table, so a damaged record is `None`,
//! never a panic or a huge allocation.

use std::ops::Range;

/// What re-ranking needs of a passage, laid out for set intersection rather than scanning:
/// its distinct terms (sorted) with the sentences each occurs in, and its adjacent word pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forward {
    /// Distinct term ids of the passage, ascending.
    pub terms: Vec<u32>,
    /// For each of `terms`, a bit per sentence it occurs in (sentences past 63 share bit 63).
    pub term_sentences: Vec<u64>,
    /// Distinct non-stop word ids of the passage (its words as written, folded), ascending.
    pub words: Vec<u32>,
    /// Distinct pairs of adjacent non-stop words, as `first word id << 32 | second`, ascending.
    pub pairs: Vec<u64>,
    /// Byte ranges of the passage's sentences in its text.
    pub sentences: Vec<(u32, u32)>,
    /// Distinct term ids of the document title and the section heading, ascending.
    pub heading_terms: Vec<u32>,
}

impl Forward {
    /// True when the title or section heading holds `term`.
    pub fn heading_has(&self, term: u32) -> bool {
        self.heading_terms.binary_search(&term).is_ok()
    }

    /// The sentence bits of `term`, or 0 when the passage lacks it.
    pub fn sentences_of(&self, term: u32) -> u64 {
        match self.terms.binary_search(&term) {
            Ok(i) => self.term_sentences.get(i).copied().unwrap_or(0),
            Err(_) => 0,
        }
    }

    /// True when the passage holds the non-stop word `word` as written (not only its stem).
    pub fn has_word(&self, word: u32) -> bool {
        self.words.binary_search(&word).is_ok()
    }

    /// True when the word `second` directly follows the word `first` (stop words skipped).
    pub fn has_pair(&self, first: u32, second: u32) -> bool {
        self.pairs.binary_search(&(u64::from(first) << 32 | u64::from(second))).is_ok()
    }

    /// The byte range of sentence `i`.
    pub fn sentence(&self, i: usize) -> Range<usize> {
        self.sentences.get(i).map_or(0..0, |&(s, e)| s as usize..e as usize)
    }

    /// Appends the entry's record to `out`. `terms`, `words`, `pairs` and `heading_terms`
    /// must be ascending and `term_sentences` as long as `terms`, as the build makes them;
    /// the words of `pairs` are stored with `words` whether or not it lists them.
    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        ascending(out, self.terms.iter().map(|&t| u64::from(t)), self.terms.len());
        for &bits in &self.term_sentences {
            varint(out, bits);
        }
        let mut words: Vec<u32> = self.pairs.iter().flat_map(|&p| [first(p), second(p)]).collect();
        words.extend_from_slice(&self.words);
        words.sort_unstable();
        words.dedup();
        ascending(out, words.iter().map(|&w| u64::from(w)), words.len());
        let local = |word: u32| words.binary_search(&word).unwrap_or(0) as u64;
        varint(out, self.pairs.len() as u64);
        let mut previous = 0;
        for &pair in &self.pairs {
            let (a, b) = (local(first(pair)), local(second(pair)));
            varint(out, a.wrapping_sub(previous));
            varint(out, b);
            previous = a;
        }
        varint(out, self.sentences.len() as u64);
        let mut end = 0u32;
        for &(start, stop) in &self.sentences {
            varint(out, u64::from(start.saturating_sub(end)));
            varint(out, u64::from(stop.saturating_sub(start)));
            end = stop;
        }
        ascending(out, self.heading_terms.iter().map(|&t| u64::from(t)), self.heading_terms.len());
    }

    /// Reads a record written by [`Forward::encode`]; `None` when it is damaged.
    pub(crate) fn decode(record: &[u8]) -> Option<Forward> {
        let mut input = Reader { bytes: record };
        let terms = input.ascending_u32()?;
        let term_sentences = (0..terms.len()).map(|_| input.varint()).collect::<Option<_>>()?;
        let words = input.ascending_u32()?;
        let count = input.count()?;
        let mut pairs = Vec::with_capacity(count);
        let mut a = 0u64;
        for _ in 0..count {
            a = a.checked_add(input.varint()?)?;
            let b = input.varint()?;
            let word = |i: u64| words.get(usize::try_from(i).ok()?).copied();
            pairs.push(u64::from(word(a)?) << 32 | u64::from(word(b)?));
        }
        let count = input.count()?;
        let mut sentences = Vec::with_capacity(count / 2);
        let mut end = 0u32;
        for _ in 0..count {
            let start = end.checked_add(u32::try_from(input.varint()?).ok()?)?;
            let stop = start.checked_add(u32::try_from(input.varint()?).ok()?)?;
            sentences.push((start, stop));
            end = stop;
        }
        let heading_terms = input.ascending_u32()?;
        input.bytes.is_empty().then_some(Forward {
            terms,
            term_sentences,
            words,
            pairs,
            sentences,
            heading_terms,
        })
    }
}

fn first(pair: u64) -> u32 {
    (pair >> 32) as u32
}

fn second(pair: u64) -> u32 {
    pair as u32
}

/// Appends `value` as an LEB128 varint.
fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Appends an ascending list: its length, then the first value and the gaps.
fn ascending(out: &mut Vec<u8>, values: impl Iterator<Item = u64>, len: usize) {
    varint(out, len as u64);
    let mut previous = 0;
    for value in values {
        debug_assert!(value >= previous, "an ascending list out of order");
        varint(out, value.wrapping_sub(previous));
        previous = value;
    }
}

/// Reads varints off the front of a record.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for (i, &byte) in self.bytes.iter().enumerate().take(10) {
            value |= u64::from(byte & 0x7f).checked_shl(7 * i as u32)?;
            if byte & 0x80 == 0 {
                self.bytes = &self.bytes[i + 1..];
                return Some(value);
            }
        }
        None
    }

    /// A count of items that take at least one byte each: never more than the bytes left.
    fn count(&mut self) -> Option<usize> {
        let count = usize::try_from(self.varint()?).ok()?;
        (count <= self.bytes.len()).then_some(count)
    }

    fn ascending_u32(&mut self) -> Option<Vec<u32>> {
        let count = self.count()?;
        let mut values = Vec::with_capacity(count);
        let mut previous = 0u32;
        for i in 0..count {
            let gap = u32::try_from(self.varint()?).ok()?;
            // Strictly ascending after the first: a zero gap later on is damage.
            if i > 0 && gap == 0 {
                return None;
            }
            previous = previous.checked_add(gap)?;
            values.push(previous);
        }
        Some(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Forward {
        Forward {
            terms: vec![3, 17, 18, 400_000],
            term_sentences: vec![1, 2, 1 << 63 | 1, 6],
            words: vec![2, 5, 9, 77, 400_001],
            pairs: vec![5 << 32 | 9, 5 << 32 | 400_001, 9 << 32 | 5, 400_001 << 32 | 2],
            sentences: vec![(0, 40), (41, 90), (92, 92)],
            heading_terms: vec![0, 17],
        }
    }

    #[test]
    fn a_forward_record_reads_back_as_written() {
        let mut record = Vec::new();
        sample().encode(&mut record);
        assert_eq!(Forward::decode(&record), Some(sample()));
        let mut empty = Vec::new();
        Forward::default().encode(&mut empty);
        assert_eq!(Forward::decode(&empty), Some(Forward::default()));
    }

    #[test]
    fn a_forward_record_is_smaller_than_its_postcard_form() {
        let words: Vec<u64> = (0..150u64).map(|i| 1_000 + i * 2_711).collect();
        let forward = Forward {
            terms: (0..120).map(|i| 500 + i * 3_301).collect(),
            term_sentences: (0..120).map(|i| 1 << (i % 9)).collect(),
            words: words.iter().map(|&w| w as u32).collect(),
            pairs: {
                let mut pairs: Vec<u64> = words.windows(2).map(|w| w[0] << 32 | w[1]).collect();
                pairs.sort_unstable();
                pairs
            },
            sentences: (0..10).map(|i| (i * 130, i * 130 + 128)).collect(),
            heading_terms: vec![500, 3_801],
        };
        let mut record = Vec::new();
        forward.encode(&mut record);
        let plain = postcard::to_stdvec(&(
            &forward.terms,
            &forward.term_sentences,
            &forward.words,
            &forward.pairs,
            &forward.sentences,
            &forward.heading_terms,
        ))
        .unwrap();
        assert!(record.len() * 10 < plain.len() * 7, "{} vs {}", record.len(), plain.len());
        assert_eq!(Forward::decode(&record), Some(forward));
    }

    #[test]
    fn a_damaged_forward_record_is_none_never_a_panic() {
        let mut record = Vec::new();
        sample().encode(&mut record);
        for cut in 0..record.len() {
            assert_eq!(Forward::decode(&record[..cut]), None, "cut at {cut}");
        }
        let mut longer = record.clone();
        longer.push(0);
        assert_eq!(Forward::decode(&longer), None);
        // A huge count, an endless varint, a pair index past its table.
        assert_eq!(Forward::decode(&[0xff, 0xff, 0xff, 0xff, 0x0f]), None);
        assert_eq!(Forward::decode(&[0x80; 32]), None);
        assert_eq!(Forward::decode(&[0, 1, 4, 1, 0, 7, 0, 0]), None);
        for flip in 0..record.len() {
            let mut damaged = record.clone();
            damaged[flip] ^= 0x55;
            let _ = Forward::decode(&damaged);
        }
    }
}
