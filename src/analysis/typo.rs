//! Typo tolerance: a question word the index has never seen is matched to a known word within
//! edit distance 1 (words of 5+ letters) or 2 (9+ letters), counting a swap of neighbours as
//! one edit. Numbers and words with digits are never corrected.

/// The largest edit distance allowed for a word of `chars` characters.
pub fn allowed_distance(chars: usize) -> usize {
    match chars {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// True when a word may be corrected at all: no digits, long enough, and not in a script
/// matched by character bigrams (those already tolerate a changed character).
pub fn correctable(word: &str) -> bool {
    !word.chars().any(|c| c.is_numeric() || crate::analysis::is_cjk(c))
        && allowed_distance(word.chars().count()) > 0
}

/// Optimal-string-alignment distance between `a` and `b`, or `None` when it exceeds `max`.
pub fn bounded_distance(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut before = vec![0usize; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current = vec![0usize; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(before[j - 2] + 1);
            }
            current[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= max).then_some(distance)
}

/// A 64-bit signature of the characters a word contains. One edit changes at most two bits,
/// so words whose signatures differ in more than `2 × max` bits cannot be within `max`
/// edits: a cheap filter before the exact distance.
fn signature(chars: impl Iterator<Item = char>) -> u64 {
    chars.fold(0u64, |sig, c| sig | 1u64 << ((c as u32).wrapping_mul(2_654_435_761) >> 26))
}

/// Candidate words bucketed by length, for fast nearest-word search. It holds only ids and
/// character signatures (12 bytes a word); the words' text stays where it is (the store's
/// mapped vocabulary) and is read for the few candidates the signature lets through, so a
/// vocabulary of millions of words costs tens of megabytes, not gigabytes.
#[derive(Debug, Default, Clone)]
pub struct Lexicon {
    /// `by_len[n]`: the words with `n` characters.
    by_len: Vec<Bucket>,
}

/// The words of one length: ids and signatures, side by side.
#[derive(Debug, Default, Clone)]
struct Bucket {
    /// Word ids.
    ids: Vec<u32>,
    /// Each word's character signature.
    signatures: Vec<u64>,
}

impl Lexicon {
    /// Indexes `words` (id = position). Words with digits are left out.
    pub fn new<'a>(words: impl Iterator<Item = &'a str>) -> Lexicon {
        let mut by_len: Vec<Bucket> = Vec::new();
        for (id, word) in words.enumerate() {
            if word.chars().any(|c| c.is_numeric()) {
                continue;
            }
            let len = word.chars().count();
            if by_len.len() <= len {
                by_len.resize(len + 1, Bucket::default());
            }
            by_len[len].ids.push(id as u32);
            by_len[len].signatures.push(signature(word.chars()));
        }
        for bucket in &mut by_len {
            bucket.ids.shrink_to_fit();
            bucket.signatures.shrink_to_fit();
        }
        Lexicon { by_len }
    }

    /// The known words closest to `word` within its allowed distance, as (id, distance),
    /// nearest first. `text` gives a word's text by id (the same words [`Lexicon::new`] got).
    pub fn nearest<'t>(&self, word: &str, text: impl Fn(u32) -> &'t str) -> Vec<(u32, usize)> {
        let chars: Vec<char> = word.chars().collect();
        let max = allowed_distance(chars.len());
        if max == 0 {
            return Vec::new();
        }
        let wanted = signature(chars.iter().copied());
        let mut found = Vec::new();
        let mut candidate: Vec<char> = Vec::new();
        let lengths = chars.len().saturating_sub(max)..=chars.len() + max;
        for len in lengths {
            let Some(bucket) = self.by_len.get(len) else { continue };
            for (&id, &sig) in bucket.ids.iter().zip(&bucket.signatures) {
                if (sig ^ wanted).count_ones() as usize > 2 * max {
                    continue;
                }
                candidate.clear();
                candidate.extend(text(id).chars());
                if let Some(distance) = bounded_distance(&chars, &candidate, max) {
                    found.push((id, distance));
                }
            }
        }
        found.sort_by_key(|&(id, distance)| (distance, id));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: &str, b: &str) -> Option<usize> {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        bounded_distance(&a, &b, 2)
    }

    #[test]
    fn distances() {
        for (a, b, expected) in [
            ("invets", "invest", Some(1)),
            ("annouce", "announce", Some(1)),
            ("kitten", "sitting", None),
            ("same", "same", Some(0)),
            ("", "ab", Some(2)),
            ("abc", "", None),
            ("흔한", "흔하", Some(1)),
        ] {
            assert_eq!(distance(a, b), expected, "{a} / {b}");
        }
    }

    #[test]
    fn thresholds_follow_word_length_and_skip_numbers() {
        assert_eq!(allowed_distance(4), 0);
        assert_eq!(allowed_distance(5), 1);
        assert_eq!(allowed_distance(9), 2);
        assert!(!correctable("20190"));
        assert!(!correctable("abc"));
        assert!(correctable("invets"));
        assert!(!correctable("인공지능전략은"));
    }

    #[test]
    fn nearest_prefers_smaller_distance() {
        let words = ["invest", "investor", "2019", "nvest"];
        let lexicon = Lexicon::new(words.into_iter());
        let text = |id: u32| words[id as usize];
        assert_eq!(lexicon.nearest("invets", text), vec![(0, 1)]);
        assert!(lexicon.nearest("cat", text).is_empty());
    }
}
