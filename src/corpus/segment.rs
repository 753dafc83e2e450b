//! Segmentation: cuts a [`Document`]'s blocks into [`Passage`]s, the units that are indexed
//! and shown as answers.
//!
//! Passages follow paragraphs. A heading names the section of what follows and is never a
//! passage. A list stays in one passage with the paragraph that introduces it. A paragraph
//! longer than `max_chars` is cut at sentence boundaries into windows of about `target_chars`
//! that overlap by one sentence. A fragment shorter than `min_chars` joins the next passage of
//! its section (or the previous one when it is the last). No text is lost.

use super::sentences::sentence_spans;
use super::{Block, Document, Passage};

/// Sizes that drive segmentation, in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentOptions {
    /// The size long paragraphs are cut to: windows grow sentence by sentence up to this.
    pub target_chars: usize,
    /// Paragraphs up to this size stay whole; longer ones are cut into windows.
    pub max_chars: usize,
    /// Passages shorter than this are merged with a neighbour of the same section.
    pub min_chars: usize,
}

impl Default for SegmentOptions {
    fn default() -> Self {
        SegmentOptions { target_chars: 1500, max_chars: 3000, min_chars: 120 }
    }
}

/// A passage in the making: its section and text.
struct Unit {
    /// The nearest heading above, if any.
    section: Option<String>,
    /// The passage text.
    text: String,
}

/// Cuts a document into passages, numbered from 0 in reading order.
///
/// Every paragraph's and list item's text appears in some passage; headings appear as the
/// `section` of the passages under them. A paragraph of at most `max_chars` is never altered.
pub fn segment(doc: &Document, opts: &SegmentOptions) -> Vec<Passage> {
    let units = merge_short(units_of(&doc.blocks, opts), opts.min_chars);
    units
        .into_iter()
        .enumerate()
        .map(|(ordinal, unit)| Passage {
            id: format!("{}#{ordinal}", doc.id),
            doc_id: doc.id.clone(),
            title: doc.title.clone(),
            section: unit.section,
            source: doc.source.clone(),
            url: doc.url.clone(),
            ordinal: u32::try_from(ordinal).unwrap_or(u32::MAX),
            text: unit.text,
        })
        .collect()
}

/// Turns blocks into units: paragraphs (cut when long) and lists with their lead-in.
fn units_of(blocks: &[Block], opts: &SegmentOptions) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut section: Option<String> = None;
    let mut index = 0;
    while index < blocks.len() {
        match &blocks[index] {
            Block::Heading { text, .. } => section = Some(text.clone()),
            Block::Paragraph(text) => {
                if let Some(Block::List(items)) = blocks.get(index + 1) {
                    // The paragraph right before a list is its lead-in: they stay together.
                    let mut windows = windows(text, opts);
                    let lead = windows.pop().unwrap_or_default();
                    units.extend(windows.into_iter().map(|t| unit(&section, t)));
                    units.extend(list_units(Some(&lead), items, opts).map(|t| unit(&section, t)));
                    index += 2;
                    continue;
                }
                units.extend(windows(text, opts).into_iter().map(|t| unit(&section, t)));
            }
            Block::List(items) => {
                units.extend(list_units(None, items, opts).map(|t| unit(&section, t)));
            }
        }
        index += 1;
    }
    units
}

/// Builds a unit.
fn unit(section: &Option<String>, text: String) -> Unit {
    Unit { section: section.clone(), text }
}

/// The text of a list as one passage (`- item` lines after the lead-in). A list longer than
/// `max_chars` is cut between items; only the first part carries the lead-in.
fn list_units(
    lead: Option<&str>,
    items: &[String],
    opts: &SegmentOptions,
) -> impl Iterator<Item = String> {
    let mut parts = Vec::new();
    let mut current = lead.map(str::to_string).unwrap_or_default();
    for item in items {
        let line = if item.starts_with(|c: char| c.is_ascii_digit())
            && super::sentences::starts_list_item(item, None)
        {
            item.clone()
        } else {
            format!("- {item}")
        };
        if !current.is_empty() && char_len(&current) + char_len(&line) + 1 > opts.max_chars {
            parts.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&line);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts.into_iter()
}

/// A paragraph as passage texts: whole if it fits `max_chars`, else sentence windows of about
/// `target_chars` overlapping by one sentence.
fn windows(text: &str, opts: &SegmentOptions) -> Vec<String> {
    if char_len(text) <= opts.max_chars {
        return vec![text.to_string()];
    }
    // Sentences longer than max_chars are cut at spaces so every window stays bounded.
    let spans: Vec<std::ops::Range<usize>> = sentence_spans(text)
        .into_iter()
        .flat_map(|span| hard_split(text, span, opts.max_chars))
        .collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < spans.len() {
        let mut end = start + 1;
        while end < spans.len()
            && char_len(&text[spans[start].start..spans[end].end]) <= opts.target_chars
        {
            end += 1;
        }
        out.push(text[spans[start].start..spans[end - 1].end].to_string());
        if end == spans.len() {
            break;
        }
        // One sentence of overlap, but always move forward.
        start = if end - start > 1 { end - 1 } else { end };
    }
    out
}

/// Cuts a span longer than `max` characters at white space into pieces of at most `max`
/// characters (a single longer word stays whole).
fn hard_split(text: &str, span: std::ops::Range<usize>, max: usize) -> Vec<std::ops::Range<usize>> {
    if char_len(&text[span.clone()]) <= max {
        return vec![span];
    }
    let mut words = Vec::new();
    let mut word_start: Option<usize> = None;
    for (offset, c) in text[span.clone()].char_indices() {
        let at = span.start + offset;
        if c.is_whitespace() {
            if let Some(start) = word_start.take() {
                words.push(start..at);
            }
        } else if word_start.is_none() {
            word_start = Some(at);
        }
    }
    if let Some(start) = word_start {
        words.push(start..span.end);
    }
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for word in words {
        match out.last_mut() {
            Some(piece) if char_len(&text[piece.start..word.end]) <= max => piece.end = word.end,
            _ => out.push(word),
        }
    }
    out
}

/// Joins units shorter than `min_chars` to the next unit of the same section, or to the
/// previous one when no unit of that section follows.
fn merge_short(units: Vec<Unit>, min_chars: usize) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut pending: Option<Unit> = None;
    for unit in units {
        let unit = match pending.take() {
            Some(short) if short.section == unit.section => {
                Unit { section: unit.section, text: format!("{}\n\n{}", short.text, unit.text) }
            }
            Some(short) => {
                attach_to_previous(&mut out, short);
                unit
            }
            None => unit,
        };
        if char_len(&unit.text) < min_chars {
            pending = Some(unit);
        } else {
            out.push(unit);
        }
    }
    if let Some(short) = pending {
        attach_to_previous(&mut out, short);
    }
    out
}

/// Appends a short unit to the previous unit if it has the same section; else keeps it alone.
fn attach_to_previous(out: &mut Vec<Unit>, short: Unit) {
    match out.last_mut() {
        Some(last) if last.section == short.section => {
            last.text.push_str("\n\n");
            last.text.push_str(&short.text);
        }
        _ => out.push(short),
    }
}

/// Length in characters (not bytes), the unit of every size option.
fn char_len(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            id: "d.txt".into(),
            title: "T".into(),
            source: "d.txt".into(),
            url: Some("https://u".into()),
            blocks,
        }
    }

    fn para(text: &str) -> Block {
        Block::Paragraph(text.into())
    }

    fn heading(text: &str) -> Block {
        Block::Heading { level: 2, text: text.into() }
    }

    /// A sentence of about `len` characters, numbered so each is unique.
    fn sentence(n: usize, len: usize) -> String {
        let mut s = format!("Sentence number {n} says");
        while s.len() + 5 < len {
            s.push_str(" word");
        }
        s.push('.');
        s
    }

    #[test]
    fn seed_file_list_stays_with_lead_in() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/south-korea-ai-strategy.txt");
        let docs = super::super::load_file(std::path::Path::new(path), "seed.txt").unwrap();
        let passages = segment(&docs[0], &SegmentOptions::default());
        let with_list: Vec<&Passage> =
            passages.iter().filter(|p| p.text.contains("rank third")).collect();
        assert_eq!(with_list.len(), 1);
        let text = &with_list[0].text;
        assert!(text.starts_with("South Korea’s main AI goals are as follows:\n- Global"));
        assert!(text.contains("455 trillion") && text.contains("top 10"));
        assert!(passages.iter().all(|p| !p.text.contains("Main Participants")));
        let sections: Vec<Option<&str>> = passages.iter().map(|p| p.section.as_deref()).collect();
        assert_eq!(sections.iter().filter(|s| s.is_none()).count(), 5);
        assert_eq!(sections.iter().filter(|s| **s == Some("Main Participants")).count(), 6);
        for (i, p) in passages.iter().enumerate() {
            assert_eq!(p.id, format!("seed.txt#{i}"));
            assert_eq!(p.ordinal as usize, i);
        }
    }

    #[test]
    fn heading_is_section_not_passage() {
        let long = sentence(0, 200);
        let d = doc(vec![heading("A"), heading("B"), para(&long), heading("C"), para(&long)]);
        let passages = segment(&d, &SegmentOptions::default());
        assert_eq!(passages.len(), 2);
        assert_eq!(passages[0].section.as_deref(), Some("B"));
        assert_eq!(passages[1].section.as_deref(), Some("C"));
        assert_eq!(passages[0].text, long);
        assert_eq!(passages[1].url.as_deref(), Some("https://u"));
        assert_eq!(passages[1].id, "d.txt#1");
    }

    #[test]
    fn long_paragraph_split_with_one_sentence_overlap() {
        let sentences: Vec<String> = (0..40).map(|i| sentence(i, 150)).collect();
        let text = sentences.join(" ");
        let opts = SegmentOptions::default();
        let passages = segment(&doc(vec![para(&text)]), &opts);
        assert!(passages.len() >= 3, "{}", passages.len());
        for pair in passages.windows(2) {
            let last = pair[0].text.rsplit(". ").next().unwrap_or_default();
            assert!(pair[1].text.starts_with(last.trim_end_matches('.')), "no overlap");
        }
        for p in &passages {
            assert!(p.text.chars().count() <= opts.max_chars);
        }
        for s in &sentences {
            assert!(passages.iter().any(|p| p.text.contains(s.as_str())));
        }
    }

    #[test]
    fn short_fragment_merges_forward_then_backward() {
        let long = sentence(1, 300);
        let d =
            doc(vec![para("Tiny."), para(&long), para("Also tiny."), heading("H"), para("Alone.")]);
        let passages = segment(&d, &SegmentOptions::default());
        let texts: Vec<&str> = passages.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, [format!("Tiny.\n\n{long}\n\nAlso tiny."), "Alone.".to_string()]);
    }

    #[test]
    fn list_without_lead_and_numbered_items() {
        let d = doc(vec![
            heading("H"),
            Block::List(vec!["1. one".into(), "2. two".into()]),
            Block::List(vec!["x".into(), "y".into()]),
        ]);
        let passages = segment(&d, &SegmentOptions { min_chars: 0, ..SegmentOptions::default() });
        assert_eq!(passages[0].text, "1. one\n2. two");
        assert_eq!(passages[1].text, "- x\n- y");
    }

    #[test]
    fn jsonl_record_is_one_unchanged_passage() {
        let text = "Short record with O\n2 inside.  ";
        let d = doc(vec![para(text)]);
        let passages = segment(&d, &SegmentOptions::default());
        assert_eq!(passages.len(), 1);
        assert_eq!(passages[0].text, text);
    }

    #[test]
    fn giant_sentence_is_bounded() {
        let text = "word ".repeat(2000);
        let opts = SegmentOptions::default();
        let passages = segment(&doc(vec![para(&text)]), &opts);
        assert!(passages.len() > 1);
        assert!(passages.iter().all(|p| p.text.chars().count() <= opts.max_chars));
        let words: usize = passages.iter().map(|p| p.text.split_whitespace().count()).sum();
        assert!(words >= 2000);
    }

    fn arb_sentence() -> impl Strategy<Value = String> {
        ("[A-Z][a-z]{1,8}", proptest::collection::vec("[a-z]{1,9}", 0..14), "[.!?]")
            .prop_map(|(first, rest, end)| format!("{first} {}{end}", rest.join(" ")))
    }

    fn arb_block() -> impl Strategy<Value = Block> {
        prop_oneof![
            "[A-Z][a-z ]{0,20}".prop_map(|t| Block::Heading { level: 2, text: t }),
            proptest::collection::vec(arb_sentence(), 1..25)
                .prop_map(|s| Block::Paragraph(s.join(" "))),
            proptest::collection::vec(arb_sentence(), 1..6).prop_map(Block::List),
        ]
    }

    proptest! {
        #[test]
        fn segmentation_loses_no_sentence(blocks in proptest::collection::vec(arb_block(), 0..12)) {
            let opts = SegmentOptions { target_chars: 200, max_chars: 400, min_chars: 60 };
            let passages = segment(&doc(blocks.clone()), &opts);
            let all: String = passages.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n");
            for block in &blocks {
                let texts: Vec<&str> = match block {
                    Block::Heading { .. } => Vec::new(),
                    Block::Paragraph(t) => sentence_spans(t).into_iter().map(|r| &t[r]).collect(),
                    Block::List(items) => items.iter().map(String::as_str).collect(),
                };
                for text in texts {
                    prop_assert!(all.contains(text), "lost {:?}", text);
                }
            }
            for (i, p) in passages.iter().enumerate() {
                prop_assert_eq!(p.ordinal as usize, i);
            }
        }
    }
}
