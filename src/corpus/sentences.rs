//! TEMPORARY.
/// x
pub fn sentence_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    for i in 0..b.len() {
        if (b[i] == b'.' || b[i] == b'?' || b[i] == b'!') && (i + 1 == b.len() || b[i + 1] == b' ')
        {
            out.push(start..i + 1);
            start = i + 1;
            while start < b.len() && b[start] == b' ' {
                start += 1;
            }
        }
    }
    if start < b.len() {
        out.push(start..b.len());
    }
    out
}
