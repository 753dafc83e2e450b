//! A passage's forward entry — what re-ranking reads of it — and its compact record.
//!
//! The record keeps only what cannot be derived: the passage's distinct non-stop words (word
//! ids, ascending, as gap-coded LEB128 varints) and the order they occur in, one bit-packed
//! symbol per word (an index into that table) with a marker where a sentence ends, then the
//! sentence ranges and the heading terms. Reading it derives the rest exactly as the build
//! used to store it: the word pairs from the sequence, the terms from the store's table of
//! each word's terms (stop words have none), each term's sentences from its words'. At a
//! million passages this takes the forward data from 761 MB (terms, their sentence bits and
//! the pairs stored as well, each pair two varint indexes) to 0.3 GB. Decoding checks every
//! count against the bytes left and every index against its table, so a damaged record is
//! `None`, never a panic or a huge allocation.

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

    /// Reads a record written by [`ForwardSource::encode`]; `None` when it is damaged.
    /// `word_terms` appends the term ids of a word id to its vector (the store's word table):
    /// the terms and their sentences are derived from the passage's words, not stored.
    #[cfg(test)]
    pub(crate) fn decode(
        record: &[u8],
        word_terms: impl Fn(u32, &mut Vec<u32>),
    ) -> Option<Forward> {
        Forward::decode_focused(record, word_terms, None)
    }

    /// [`Forward::decode`] keeping, with a `focus`, only the terms and word pairs it names:
    /// what re-ranking one question reads of a candidate, without sorting every term and
    /// pair of the passage. The words, sentences and heading terms are always whole.
    #[cfg(test)]
    pub(crate) fn decode_focused(
        record: &[u8],
        word_terms: impl Fn(u32, &mut Vec<u32>),
        focus: Option<&Focus>,
    ) -> Option<Forward> {
        let mut buffers = ForwardBuffers::default();
        decode_into(record, word_terms, focus, &mut buffers)?;
        Some(buffers.forward)
    }
}

/// Buffers for decoding one forward record after another (a question's candidates) without
/// allocating for each: the entry last decoded and the decoder's scratch.
#[derive(Debug, Default)]
pub struct ForwardBuffers {
    forward: Forward,
    word_bits: Vec<u64>,
    paired: Vec<bool>,
    terms_of: Vec<u32>,
    term_bits: Vec<(u32, u64)>,
}

impl ForwardBuffers {
    /// The entry last decoded (empty after a damaged record).
    pub fn forward(&self) -> &Forward {
        &self.forward
    }

    /// The entry last decoded, leaving the buffers behind.
    pub(crate) fn into_forward(self) -> Forward {
        self.forward
    }

    /// Empties the entry, keeping the buffers' memory.
    pub(crate) fn clear(&mut self) {
        let forward = &mut self.forward;
        forward.terms.clear();
        forward.term_sentences.clear();
        forward.words.clear();
        forward.pairs.clear();
        forward.sentences.clear();
        forward.heading_terms.clear();
    }
}

/// [`Forward::decode_focused`] into `buffers`; `None` (and a partly filled entry) when the
/// record is damaged.
pub(crate) fn decode_into(
    record: &[u8],
    word_terms: impl Fn(u32, &mut Vec<u32>),
    focus: Option<&Focus>,
    buffers: &mut ForwardBuffers,
) -> Option<()> {
    buffers.clear();
    let ForwardBuffers { forward, word_bits, paired, terms_of, term_bits } = buffers;
    let mut input = Reader { bytes: record };
    input.ascending_u32_into(&mut forward.words)?;
    let words = &forward.words;
    let width = width(words.len());
    let count = input.count_symbols(width)?;
    let packed = input.take((count * width).div_ceil(8))?;
    // Which of the passage's words may start or end a kept pair.
    paired.clear();
    if let Some(focus) = focus.filter(|focus| !focus.pair_words.is_empty()) {
        paired.extend(words.iter().map(|&w| focus.pair_words.contains(w)));
    }
    let keeps_pair = |local: usize| focus.is_none() || paired.get(local) == Some(&true);
    word_bits.clear();
    word_bits.resize(words.len(), 0);
    let pairs = &mut forward.pairs;
    let (mut sentence, mut previous) = (0usize, None::<(u32, usize)>);
    for i in 0..count {
        match bits_at(packed, i * width, width) {
            0 => sentence += 1,
            symbol => {
                let local = symbol as usize - 1;
                let word = *words.get(local)?;
                word_bits[local] |= 1u64 << sentence.min(63);
                if let Some((before, before_local)) = previous
                    && keeps_pair(before_local)
                    && keeps_pair(local)
                {
                    pairs.push(u64::from(before) << 32 | u64::from(word));
                }
                previous = Some((word, local));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let kept = |term: &u32| focus.is_none_or(|focus| focus.terms.contains(*term));
    term_bits.clear();
    // The highlight of an answer asks for no terms: then no word's terms are looked up.
    if focus.is_none_or(|focus| !focus.terms.is_empty()) {
        for (&word, &bits) in words.iter().zip(word_bits.iter()) {
            terms_of.clear();
            word_terms(word, terms_of);
            term_bits.extend(terms_of.iter().filter(|term| kept(term)).map(|&term| (term, bits)));
        }
    }
    term_bits.sort_unstable_by_key(|&(term, _)| term);
    let (terms, term_sentences) = (&mut forward.terms, &mut forward.term_sentences);
    for &(term, bits) in term_bits.iter() {
        match (terms.last(), term_sentences.last_mut()) {
            (Some(&last), Some(merged)) if last == term => *merged |= bits,
            _ => {
                terms.push(term);
                term_sentences.push(bits);
            }
        }
    }
    let count = input.count()?;
    let mut end = 0u32;
    for _ in 0..count {
        let start = end.checked_add(u32::try_from(input.varint()?).ok()?)?;
        let stop = start.checked_add(u32::try_from(input.varint()?).ok()?)?;
        forward.sentences.push((start, stop));
        end = stop;
    }
    input.ascending_u32_into(&mut forward.heading_terms)?;
    input.bytes.is_empty().then_some(())
}

/// The terms and word pairs one question's re-ranking reads of a forward entry
/// ([`Forward::decode_focused`]): the rest of a candidate's terms and pairs are never looked
/// at, so they need not be decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Focus {
    terms: IdSet,
    pair_words: IdSet,
}

impl Focus {
    /// The focus on `terms` and on the pairs of two of `pair_words` (word ids).
    pub fn new(terms: Vec<u32>, pair_words: Vec<u32>) -> Focus {
        Focus { terms: IdSet::new(terms), pair_words: IdSet::new(pair_words) }
    }
}

/// A small set of ids (a question's terms or words) asked about every term and word of a
/// candidate: a 1,024-bit filter on the id's low bits answers most of the "no"s before the
/// binary search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct IdSet {
    filter: [u64; 16],
    sorted: Vec<u32>,
}

impl IdSet {
    fn new(mut ids: Vec<u32>) -> IdSet {
        ids.sort_unstable();
        ids.dedup();
        let mut filter = [0u64; 16];
        for &id in &ids {
            filter[(id as usize >> 6) & 15] |= 1 << (id & 63);
        }
        IdSet { filter, sorted: ids }
    }

    fn contains(&self, id: u32) -> bool {
        self.filter[(id as usize >> 6) & 15] & 1 << (id & 63) != 0
            && self.sorted.binary_search(&id).is_ok()
    }

    fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }
}

/// Counts how often each of `wanted` (non-stop word ids, ascending) occurs in the passage of
/// a record written by [`ForwardSource::encode`], adding to `counts` (one per wanted word):
/// what exact-form (unstemmed) scoring reads of a forward entry. Reads only the word table and
/// the word sequence, allocates nothing past `slots` (scratch, reused between calls: which
/// count each symbol adds to), and skips the sequence when the passage holds none of the
/// words. `None` when the record is damaged.
pub(crate) fn count_words(
    record: &[u8],
    wanted: &[u32],
    counts: &mut [u32],
    slots: &mut Vec<u32>,
) -> Option<()> {
    slots.clear();
    let mut found = false;
    let mut input = Reader { bytes: record };
    let table = input.count()?;
    let (mut previous, mut next, mut read) = (0u32, 0usize, 0usize);
    while read < table && next < wanted.len() {
        let gap = u32::try_from(input.varint()?).ok()?;
        if read > 0 && gap == 0 {
            return None;
        }
        previous = previous.checked_add(gap)?;
        read += 1;
        while next < wanted.len() && wanted[next] < previous {
            next += 1;
        }
        if wanted.get(next) == Some(&previous) {
            // Symbol `read` adds to count `next`: slot 0 means none.
            slots.resize(read + 1, 0);
            slots[read] = u32::try_from(next + 1).ok()?;
            found = true;
        }
    }
    // Past the last wanted word the rest of the table is only skipped.
    input.skip_varints(table - read)?;
    let width = width(table);
    let count = input.count_symbols(width)?;
    let packed = input.take((count * width).div_ceil(8))?;
    if !found {
        return Some(());
    }
    let mask = mask(width);
    let (mut window, mut bits, mut bytes) = (0u64, 0usize, packed.iter());
    for _ in 0..count {
        while bits < width {
            window |= u64::from(bytes.next().copied().unwrap_or(0)) << bits;
            bits += 8;
        }
        let symbol = window & mask;
        window >>= width;
        bits -= width;
        if let Some(&slot) = slots.get(symbol as usize)
            && slot > 0
        {
            *counts.get_mut(slot as usize - 1)? += 1;
        }
    }
    Some(())
}

/// What the build writes of a passage: its non-stop words in text order with their
/// sentences, from which [`Forward::decode`] derives the terms with their sentences (a word's
/// terms are in the store's word table), the distinct words and the word pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ForwardSource {
    /// The passage's non-stop words in text order: word id and sentence number, the sentence
    /// numbers never decreasing.
    pub content: Vec<(u32, u32)>,
    /// Byte ranges of the passage's sentences in its text.
    pub sentences: Vec<(u32, u32)>,
    /// Distinct term ids of the document title and the section heading, ascending.
    pub heading_terms: Vec<u32>,
}

impl ForwardSource {
    /// Appends the passage's record to `out`: its distinct non-stop words (ascending, as
    /// gaps), then its word sequence as bit-packed symbols — 0 for "next sentence", `i + 1`
    /// for the `i`-th of those words, each as wide as the largest symbol needs — then the
    /// sentence ranges and the heading terms. `heading_terms` must be ascending.
    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        let mut words: Vec<u32> = self.content.iter().map(|&(word, _)| word).collect();
        words.sort_unstable();
        words.dedup();
        ascending(out, words.iter().map(|&w| u64::from(w)), words.len());
        let mut symbols: Vec<u64> = Vec::with_capacity(self.content.len() + 8);
        let mut sentence = 0u32;
        for &(word, at) in &self.content {
            debug_assert!(at >= sentence, "content words out of sentence order");
            // One "next sentence" marker per sentence passed.
            symbols.resize(symbols.len() + at.saturating_sub(sentence) as usize, 0);
            sentence = sentence.max(at);
            symbols.push(words.binary_search(&word).unwrap_or(0) as u64 + 1);
        }
        varint(out, symbols.len() as u64);
        let width = width(words.len());
        let start = out.len();
        out.resize(start + (symbols.len() * width).div_ceil(8), 0);
        for (i, &symbol) in symbols.iter().enumerate() {
            put_bits(&mut out[start..], i * width, width, symbol);
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
}

/// Bits per symbol of a word sequence over `words` distinct words (symbols `0..=words`).
fn width(words: usize) -> usize {
    (usize::BITS - words.leading_zeros()) as usize
}

/// ORs the low `width` bits (at most 56) of `value` in at bit `at` of `bytes`, least
/// significant first.
fn put_bits(bytes: &mut [u8], at: usize, width: usize, value: u64) {
    let shifted = (value & mask(width)) << (at % 8);
    for (k, byte) in bytes.iter_mut().skip(at / 8).take((at % 8 + width).div_ceil(8)).enumerate() {
        *byte |= (shifted >> (8 * k)) as u8;
    }
}

/// Reads `width` bits (at most 56) at bit `at` of `bytes`; bits past the end read as 0.
fn bits_at(bytes: &[u8], at: usize, width: usize) -> u64 {
    let tail = bytes.get(at / 8..).unwrap_or_default();
    let window = match tail.first_chunk::<8>() {
        Some(eight) => u64::from_le_bytes(*eight),
        None => {
            let mut window = [0u8; 8];
            window[..tail.len()].copy_from_slice(tail);
            u64::from_le_bytes(window)
        }
    };
    (window >> (at % 8)) & mask(width)
}

/// The low `width` bits set.
fn mask(width: usize) -> u64 {
    if width >= 64 { u64::MAX } else { (1u64 << width) - 1 }
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

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Option<u64> {
        let bytes = self.bytes;
        // Most gaps and counts fit one byte.
        let first = *bytes.first()?;
        if first < 0x80 {
            self.bytes = &bytes[1..];
            return Some(u64::from(first));
        }
        // And most of the rest (word-id gaps in a large vocabulary) two.
        if let Some(&second) = bytes.get(1)
            && second < 0x80
        {
            self.bytes = &bytes[2..];
            return Some(u64::from(first & 0x7f) | u64::from(second) << 7);
        }
        let mut value = u64::from(first & 0x7f);
        for (i, &byte) in bytes.iter().enumerate().take(10).skip(1) {
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte < 0x80 {
                self.bytes = &bytes[i + 1..];
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

    /// A count of bit-packed symbols of `width` bits each: never more than the bits left,
    /// and none of width 0 (a passage without words has no symbols).
    fn count_symbols(&mut self, width: usize) -> Option<usize> {
        let count = usize::try_from(self.varint()?).ok()?;
        let fits = count.checked_mul(width)? <= self.bytes.len().checked_mul(8)?;
        (fits && (count == 0 || width > 0)).then_some(count)
    }

    /// Skips `n` varints.
    fn skip_varints(&mut self, n: usize) -> Option<()> {
        if n == 0 {
            return Some(());
        }
        let mut left = n;
        let end = self.bytes.iter().position(|&byte| {
            if byte & 0x80 == 0 {
                left -= 1;
            }
            left == 0
        })?;
        self.bytes = &self.bytes[end + 1..];
        Some(())
    }

    /// The next `n` bytes.
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.bytes.split_at_checked(n)?;
        self.bytes = rest;
        Some(taken)
    }

    /// Appends `count` gap-coded ascending values to `values`.
    fn ascending_u32_into(&mut self, values: &mut Vec<u32>) -> Option<()> {
        let count = self.count()?;
        values.reserve(count);
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
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word table: word `w`'s terms are `10 * w` and, for odd `w`, `10 * w + 1` — and, for
    /// words 4 and 5, the shared term 7 (two surfaces of one stem).
    fn word_terms(word: u32, out: &mut Vec<u32>) {
        if word == 4 || word == 5 {
            out.push(7);
        }
        out.push(10 * word);
        if word % 2 == 1 {
            out.push(10 * word + 1);
        }
    }

    /// The entry as the build made it before the terms were derived (store format 15): every
    /// (term, sentence bit) of the content words merged, the adjacent pairs sorted.
    fn reference(source: &ForwardSource) -> Forward {
        let mut term_bits: Vec<(u32, u64)> = Vec::new();
        let mut pairs = Vec::new();
        let mut previous: Option<u32> = None;
        for &(word, sentence) in &source.content {
            let mut terms = Vec::new();
            word_terms(word, &mut terms);
            term_bits.extend(terms.iter().map(|&t| (t, 1u64 << sentence.min(63))));
            if let Some(before) = previous {
                pairs.push(u64::from(before) << 32 | u64::from(word));
            }
            previous = Some(word);
        }
        term_bits.sort_unstable_by_key(|&(t, _)| t);
        let mut forward = Forward::default();
        for (term, bit) in term_bits {
            if forward.terms.last() == Some(&term) {
                *forward.term_sentences.last_mut().unwrap() |= bit;
            } else {
                forward.terms.push(term);
                forward.term_sentences.push(bit);
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        forward.pairs = pairs;
        forward.words = source.content.iter().map(|&(w, _)| w).collect();
        forward.words.sort_unstable();
        forward.words.dedup();
        forward.sentences = source.sentences.clone();
        forward.heading_terms = source.heading_terms.clone();
        forward
    }

    fn sample() -> ForwardSource {
        ForwardSource {
            content: vec![(5, 0), (9, 0), (5, 0), (4, 2), (400_001, 2), (2, 70), (9, 71), (5, 71)],
            sentences: vec![(0, 40), (41, 90), (92, 92)],
            heading_terms: vec![0, 17],
        }
    }

    fn round_trip(source: &ForwardSource) -> Option<Forward> {
        let mut record = Vec::new();
        source.encode(&mut record);
        Forward::decode(&record, word_terms)
    }

    #[test]
    fn a_forward_record_reads_back_as_the_build_made_it() {
        assert_eq!(round_trip(&sample()), Some(reference(&sample())));
        assert_eq!(round_trip(&ForwardSource::default()), Some(Forward::default()));
        let one = ForwardSource { content: vec![(3, 4)], ..ForwardSource::default() };
        assert_eq!(round_trip(&one), Some(reference(&one)));
        let forward = round_trip(&sample()).unwrap();
        assert!(forward.has_pair(5, 9) && forward.has_pair(400_001, 2) && !forward.has_pair(9, 4));
        assert_eq!(forward.sentences_of(7), 1 | 1 << 2 | 1 << 63);
        assert_eq!(forward.sentences_of(20), 1 << 63);
    }

    #[test]
    fn decode_focused_keeps_exactly_the_focus_terms_and_pairs() {
        let mut record = Vec::new();
        sample().encode(&mut record);
        let full = Forward::decode(&record, word_terms).unwrap();
        let focus = Focus::new(vec![91, 7, 50, 3], vec![9, 5, 2]);
        let focused = Forward::decode_focused(&record, word_terms, Some(&focus)).unwrap();
        // Every focus term with the sentences the full decode gives it, and nothing else.
        assert_eq!(focused.terms, vec![7, 50, 91]);
        for term in [7, 50, 91, 3, 40, 20] {
            let expected = if focused.terms.contains(&term) { full.sentences_of(term) } else { 0 };
            assert_eq!(focused.sentences_of(term), expected, "term {term}");
        }
        // Pairs of two focus words only: 5→9, 9→5 and 2→9 are kept, 4→400001 is not.
        for (a, b) in [(5, 9), (9, 5), (2, 9)] {
            assert!(full.has_pair(a, b) && focused.has_pair(a, b), "{a}→{b}");
        }
        assert!(full.has_pair(4, 400_001) && !focused.has_pair(4, 400_001));
        assert!(focused.pairs.iter().all(|p| full.pairs.binary_search(p).is_ok()));
        // Words, sentences and heading terms are whole.
        assert_eq!(
            (&focused.words, &focused.sentences, &focused.heading_terms),
            (&full.words, &full.sentences, &full.heading_terms)
        );
        // An empty focus keeps no terms and no pairs; no focus is the full decode.
        let empty = Forward::decode_focused(&record, word_terms, Some(&Focus::default())).unwrap();
        assert!(empty.terms.is_empty() && empty.pairs.is_empty() && empty.words == full.words);
        assert_eq!(Forward::decode_focused(&record, word_terms, None), Some(full));
    }

    #[test]
    fn reused_buffers_decode_each_record_as_a_fresh_decode_does() {
        let mut long = Vec::new();
        sample().encode(&mut long);
        let content: Vec<(u32, u32)> = vec![(3, 0), (9, 0), (3, 1)];
        let mut short = Vec::new();
        ForwardSource { content, sentences: vec![(0, 4), (5, 9)], heading_terms: vec![2] }
            .encode(&mut short);
        let focus = Focus::new(vec![3, 7, 9, 91], vec![3, 5, 9]);
        let mut buffers = ForwardBuffers::default();
        for record in [&long, &short, &long[..long.len() - 1], &short, &long] {
            let fresh = Forward::decode_focused(record, word_terms, Some(&focus));
            let read = decode_into(record, word_terms, Some(&focus), &mut buffers);
            assert_eq!(read.is_some(), fresh.is_some());
            if read.is_none() {
                buffers.clear();
            }
            assert_eq!(buffers.forward(), &fresh.unwrap_or_default());
        }
    }

    #[test]
    fn an_id_set_holds_exactly_its_ids_whatever_their_filter_bits() {
        // 5 and 5 + 1,024 share a filter bit; 64 and 0 do not.
        let set = IdSet::new(vec![1_029, 5, 64, 5, u32::MAX]);
        for id in [5, 64, 1_029, u32::MAX] {
            assert!(set.contains(id), "{id}");
        }
        for id in [0, 1, 4, 6, 63, 65, 1_024, 2_053, u32::MAX - 1] {
            assert!(!set.contains(id), "{id}");
        }
        assert_eq!(set.sorted.len(), 4);
        assert!(IdSet::default().is_empty() && !IdSet::default().contains(0));
    }

    #[test]
    fn varints_of_every_length_read_back() {
        for value in
            [0u64, 1, 127, 128, 300, 16_383, 16_384, 1 << 21, u64::from(u32::MAX), u64::MAX]
        {
            let mut bytes = Vec::new();
            varint(&mut bytes, value);
            bytes.push(0x2a);
            let mut reader = Reader { bytes: &bytes };
            assert_eq!(reader.varint(), Some(value), "{value}");
            assert_eq!(reader.bytes, [0x2a], "{value}");
        }
        assert_eq!(Reader { bytes: &[0x80] }.varint(), None);
        assert_eq!(Reader { bytes: &[0xff; 11] }.varint(), None);
    }

    #[test]
    fn count_words_reads_how_often_each_wanted_word_occurs() {
        let mut record = Vec::new();
        sample().encode(&mut record);
        let mut scratch = Vec::new();
        let mut counts = [0u32; 4];
        count_words(&record, &[3, 5, 9, 400_001], &mut counts, &mut scratch).unwrap();
        assert_eq!(counts, [0, 3, 2, 1]);
        let mut none = [0u32; 2];
        count_words(&record, &[1, 6], &mut none, &mut scratch).unwrap();
        assert_eq!(none, [0, 0]);
        assert_eq!(count_words(&record[..2], &[5], &mut [0], &mut scratch), None);
        assert_eq!(count_words(&[], &[5], &mut [0], &mut scratch), None);
        // Every symbol width, symbols across bytes; every word, and every third word.
        for distinct in [1u32, 2, 3, 7, 8, 127, 128, 255, 256, 300] {
            let content: Vec<(u32, u32)> =
                (0..distinct * 2).map(|i| ((i * 7919) % distinct * 3 + 1, i / 11)).collect();
            let source = ForwardSource { content, ..ForwardSource::default() };
            let mut record = Vec::new();
            source.encode(&mut record);
            let mut words: Vec<u32> = source.content.iter().map(|&(w, _)| w).collect();
            words.sort_unstable();
            words.dedup();
            for wanted in [words.clone(), words.iter().copied().step_by(3).collect()] {
                let mut counts = vec![0u32; wanted.len()];
                count_words(&record, &wanted, &mut counts, &mut scratch).unwrap();
                let expected: Vec<u32> = wanted
                    .iter()
                    .map(|w| source.content.iter().filter(|&&(c, _)| c == *w).count() as u32)
                    .collect();
                assert_eq!(counts, expected, "{distinct} words");
            }
        }
    }

    #[test]
    fn forward_records_of_every_table_width_read_back() {
        // Tables of 1..300 distinct words: symbol widths 1..9 bits, symbols across bytes.
        for distinct in [1u32, 2, 3, 7, 8, 127, 128, 255, 256, 300] {
            let content: Vec<(u32, u32)> =
                (0..distinct * 2).map(|i| ((i * 7919) % distinct * 3 + 1, i / 11)).collect();
            let source = ForwardSource { content, ..ForwardSource::default() };
            assert_eq!(round_trip(&source), Some(reference(&source)), "{distinct} words");
        }
    }

    #[test]
    fn a_forward_record_is_small() {
        // 150 words, each once, 10 sentences: the word table as gaps (2 bytes a word here),
        // then 8 bits a word for the sequence.
        let content: Vec<(u32, u32)> = (0..150u32).map(|i| (1_000 + i * 2_711, i / 15)).collect();
        let source = ForwardSource {
            content,
            sentences: (0..10).map(|i| (i * 130, i * 130 + 128)).collect(),
            heading_terms: vec![500, 3_801],
        };
        let mut record = Vec::new();
        source.encode(&mut record);
        assert!(record.len() < 500, "{} bytes", record.len());
        assert_eq!(Forward::decode(&record, word_terms), Some(reference(&source)));
    }

    #[test]
    fn a_damaged_forward_record_is_none_never_a_panic() {
        let mut record = Vec::new();
        sample().encode(&mut record);
        for cut in 0..record.len() {
            assert_eq!(Forward::decode(&record[..cut], word_terms), None, "cut at {cut}");
        }
        let mut longer = record.clone();
        longer.push(0);
        assert_eq!(Forward::decode(&longer, word_terms), None);
        // A huge count, an endless varint, symbols without a word table, a symbol past it.
        assert_eq!(Forward::decode(&[0xff, 0xff, 0xff, 0xff, 0x0f], word_terms), None);
        assert_eq!(Forward::decode(&[0x80; 32], word_terms), None);
        assert_eq!(Forward::decode(&[0, 0xff, 0xff, 0x03, 0, 0], word_terms), None);
        assert_eq!(Forward::decode(&[2, 1, 1, 1, 0b11, 0, 0], word_terms), None);
        for flip in 0..record.len() {
            let mut damaged = record.clone();
            damaged[flip] ^= 0x55;
            let _ = Forward::decode(&damaged, word_terms);
        }
    }
}
