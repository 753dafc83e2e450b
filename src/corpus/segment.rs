//! Segmentation: cuts a [`Document`]'s blocks into [`Passage`]s, the units that are indexed
//! and shown as answers.
//!
//! A passage is one readable unit of about `target_chars` (1,000) characters or less where the
//! structure allows, carrying its heading path ("Chapter 3. Configuration › 3.23. auto_tag")
//! as its section. Headings nest by level; a heading is never a passage. Consecutive short
//! parts of a section (paragraphs, lists, code) are packed together up to `target_chars`; a
//! list stays with the paragraph that introduces it; a code block, a command or a table (lines
//! kept as written) stays with the sentence that introduces it, and a passage of only code
//! gets its section's heading line, so no passage is a bare code block. A long paragraph is cut
//! at sentence boundaries into windows of about `target_chars` that overlap by one sentence;
//! long code and tables are cut between lines. A fragment shorter than `min_chars` joins a
//! neighbour of its section, or, when its section has nothing else, the next section when that
//! one sits under the same parent (its heading line then goes with it). A document that is one
//! paragraph (a JSON Lines record) stays one passage, unchanged, up to `max_chars`. No text is
//! lost.

use super::sentences::sentence_spans;
use super::{Block, Document, Passage};

/// What joins the headings of a section's path.
pub const PATH_SEPARATOR: &str = " › ";

/// The last window of a one-paragraph document joins the one before it when it is shorter
/// than this (the `min_chars` of other documents is larger).
const WINDOW_TAIL_CHARS: usize = 120;

/// Sizes that drive segmentation, in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentOptions {
    /// The size passages are packed to, and long paragraphs cut to.
    pub target_chars: usize,
    /// The most a passage holds: a one-paragraph document stays whole up to this, and
    /// fragments merged into a neighbour never make it longer.
    pub max_chars: usize,
    /// Passages shorter than this are merged with a neighbour.
    pub min_chars: usize,
}

impl Default for SegmentOptions {
    fn default() -> Self {
        SegmentOptions { target_chars: 1000, max_chars: 3000, min_chars: 400 }
    }
}

/// A passage in the making.
#[derive(Debug, Clone)]
struct Unit {
    /// The heading path above, if any.
    section: Option<String>,
    /// The nearest heading's own text (the path's last element).
    heading: Option<String>,
    /// The heading path of the unit's last part: its `section`, unless short sections were
    /// merged into it (what follows is then adjacent to this one).
    tail: Option<String>,
    /// The passage text.
    text: String,
    /// Whether the text is only code, commands or table rows.
    code: bool,
}

/// Cuts a document into passages, numbered from 0 in reading order.
///
/// Every paragraph's and list item's text appears in some passage; headings appear as the
/// `section` of the passages under them. A paragraph of at most `target_chars` (and the one
/// paragraph of a one-paragraph document, up to `max_chars`) is never altered.
pub fn segment(doc: &Document, opts: &SegmentOptions) -> Vec<Passage> {
    let paragraphs = doc.blocks.iter().filter(|b| !matches!(b, Block::Heading { .. })).count();
    let single = paragraphs == 1 && matches!(doc.blocks.last(), Some(Block::Paragraph(_)));
    // The windows of one long paragraph (a JSON Lines record, say) already overlap by a
    // sentence; only a true fragment of a tail joins the window before it. Packing is for
    // the short paragraphs and sections of structured documents (with 400 here, SciFact's
    // long abstracts lost an answer at rank 1).
    let single_opts;
    let opts = if single {
        single_opts =
            SegmentOptions { min_chars: opts.min_chars.min(WINDOW_TAIL_CHARS), ..opts.clone() };
        &single_opts
    } else {
        opts
    };
    let units = units_of(&doc.blocks, &doc.title, opts, single);
    let units = merge_short(units, opts);
    let units = no_bare_code(units, opts.max_chars);
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

/// The heading path: the open headings by level, without one that only repeats the title.
struct Path {
    /// (level, text) from the top.
    open: Vec<(u8, String)>,
    /// The joined path, or `None` at the top of the document.
    joined: Option<String>,
}

impl Path {
    /// Opens a heading: closes those at its level or below first.
    fn open(&mut self, level: u8, text: &str, title: &str) {
        while self.open.last().is_some_and(|(l, _)| *l >= level) {
            self.open.pop();
        }
        self.open.push((level, text.to_string()));
        let shown: Vec<&str> = self
            .open
            .iter()
            .map(|(_, t)| t.as_str())
            .filter(|t| !t.eq_ignore_ascii_case(title.trim()))
            .collect();
        self.joined = (!shown.is_empty()).then(|| shown.join(PATH_SEPARATOR));
    }

    /// The nearest heading's text.
    fn leaf(&self) -> Option<String> {
        self.open.last().map(|(_, t)| t.clone())
    }
}

/// Turns blocks into units: paragraphs (cut when long), code, and lists with their lead-in,
/// packed as they come (see [`Packer`]), so a document of many tiny paragraphs never holds a
/// unit per paragraph.
fn units_of(blocks: &[Block], title: &str, opts: &SegmentOptions, single: bool) -> Vec<Unit> {
    let mut units = Packer { out: Vec::new(), opts };
    let mut path = Path { open: Vec::new(), joined: None };
    // The heading whose line still has to open the first passage of its section.
    let mut fresh: Option<String> = None;
    fn make(path: &Path, fresh: &mut Option<String>, text: String, code: bool) -> Unit {
        match fresh.take() {
            Some(heading) => Unit {
                section: path.joined.clone(),
                heading: path.leaf(),
                tail: path.joined.clone(),
                text: format!("{heading}\n{text}"),
                code: false,
            },
            None => Unit {
                section: path.joined.clone(),
                heading: path.leaf(),
                tail: path.joined.clone(),
                text,
                code,
            },
        }
    }
    let mut index = 0;
    while index < blocks.len() {
        match &blocks[index] {
            Block::Heading { level, text } => {
                path.open(*level, text, title);
                let shown = !single && !text.trim().eq_ignore_ascii_case(title.trim());
                fresh = shown.then(|| text.clone());
            }
            Block::Paragraph(text) if single && char_len(text) <= opts.max_chars => {
                units.push(make(&path, &mut fresh, text.clone(), false))
            }
            Block::Paragraph(text) if is_code(text) => {
                units.extend(
                    line_parts(text, opts.target_chars).map(|t| make(&path, &mut fresh, t, true)),
                );
            }
            Block::Paragraph(text) => {
                if let Some(Block::List(items)) = blocks.get(index + 1) {
                    // The paragraph right before a list is its lead-in: they stay together.
                    let mut windows = windows(text, opts);
                    let lead = windows.pop().unwrap_or_default();
                    units.extend(windows.into_iter().map(|t| make(&path, &mut fresh, t, false)));
                    units.extend(
                        list_units(Some(&lead), items, opts)
                            .map(|t| make(&path, &mut fresh, t, false)),
                    );
                    index += 2;
                    continue;
                }
                units.extend(
                    windows(text, opts).into_iter().map(|t| make(&path, &mut fresh, t, false)),
                );
            }
            Block::List(items) => {
                units.extend(
                    list_units(None, items, opts).map(|t| make(&path, &mut fresh, t, false)),
                );
            }
        }
        index += 1;
    }
    units.out
}

/// Whether a paragraph is code, commands or table rows rather than prose: every line is
/// indented, a drawn table row, or reads as a command or config line.
fn is_code(text: &str) -> bool {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty()).peekable();
    lines.peek().is_some()
        && lines.all(|line| {
            line.starts_with([' ', '\t'])
                || line.contains(" │ ")
                || super::text::code_like(line.trim())
        })
}

/// A line-structured text cut between lines into parts of at most `target` characters (a
/// longer line is a part of its own).
fn line_parts(text: &str, target: usize) -> impl Iterator<Item = String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if !current.is_empty() && char_len(&current) + 1 + char_len(line) > target {
            parts.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(line);
    }
    if !current.trim().is_empty() {
        parts.push(current);
    }
    parts.into_iter()
}

/// Packs consecutive units of a section into passages of up to `target_chars`: a unit joins
/// the passage before it while that is shorter than `min_chars`, and a code unit joins it in
/// any case (up to `max_chars` when the text before introduces it with a colon).
struct Packer<'o> {
    /// The packed units so far.
    out: Vec<Unit>,
    /// The sizes.
    opts: &'o SegmentOptions,
}

impl Packer<'_> {
    /// Adds the next unit: joined to the last one, or after it.
    fn push(&mut self, unit: Unit) {
        let opts = self.opts;
        if let Some(last) = self.out.last_mut()
            && last.section == unit.section
        {
            let joined = char_len(&last.text) + 2 + char_len(&unit.text);
            let introduces = unit.code && last.text.trim_end().ends_with(':');
            // A fragment (under `min_chars`) gathers what follows up to the target, and code
            // joins what introduces it. A paragraph of a fair size stays a passage of its own:
            // its ranking and its confidence are sharper. Packing up to 400 characters (from
            // 120) found more answers in the top 5 of every real-docs set (git's one-line
            // NAME now goes with its DESCRIPTION); 600 and more cost mutt out-of-domain
            // rejections and top-1 answers.
            let short = char_len(&last.text) < opts.min_chars || unit.code;
            if (short && joined <= opts.target_chars) || (introduces && joined <= opts.max_chars) {
                last.text.push_str("\n\n");
                last.text.push_str(&unit.text);
                last.code &= unit.code;
                return;
            }
        }
        self.out.push(unit);
    }
}

impl Extend<Unit> for Packer<'_> {
    fn extend<I: IntoIterator<Item = Unit>>(&mut self, units: I) {
        for unit in units {
            self.push(unit);
        }
    }
}

/// The text of a list as one passage (`- item` lines after the lead-in). A list longer than
/// `target_chars` is cut between items; only the first part carries the lead-in.
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
        if !current.is_empty() && char_len(&current) + char_len(&line) + 1 > opts.target_chars {
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

/// A paragraph as passage texts: whole if it fits `target_chars` (with a quarter's slack),
/// else sentence windows of about `target_chars` overlapping by one sentence.
fn windows(text: &str, opts: &SegmentOptions) -> Vec<String> {
    if char_len(text) <= opts.target_chars + opts.target_chars / 4 {
        return vec![text.to_string()];
    }
    // Sentences longer than the target are cut at spaces so every window stays bounded.
    let spans: Vec<std::ops::Range<usize>> = sentence_spans(text)
        .into_iter()
        .flat_map(|span| hard_split(text, span, opts.target_chars))
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
/// previous one when no unit of that section follows; a section that is only a fragment
/// joins the next section when that one sits under the same parent, its heading line going
/// with it. A merge never makes a passage longer than `max_chars`.
fn merge_short(units: Vec<Unit>, opts: &SegmentOptions) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut pending: Option<Unit> = None;
    let fits = |a: &Unit, b: &Unit| char_len(&a.text) + char_len(&b.text) + 2 <= opts.max_chars;
    for unit in units {
        let unit = match pending.take() {
            Some(short) if short.tail == unit.section && fits(&short, &unit) => Unit {
                text: format!("{}\n\n{}", short.text, unit.text),
                code: short.code && unit.code,
                section: short.section,
                heading: short.heading,
                ..unit
            },
            Some(short)
                if sibling_or_child(&short, &unit)
                    && out.last().is_none_or(|l| l.tail != short.section)
                    && fits(&short, &unit) =>
            {
                // The next section's first passage opens with its heading line.
                Unit {
                    text: format!("{}\n\n{}", short.text, unit.text),
                    code: false,
                    tail: unit.tail,
                    ..short
                }
            }
            Some(short) => {
                attach_to_previous(&mut out, short, opts.max_chars);
                unit
            }
            None => unit,
        };
        if char_len(&unit.text) < opts.min_chars {
            pending = Some(unit);
        } else {
            out.push(unit);
        }
    }
    if let Some(short) = pending {
        attach_to_previous(&mut out, short, opts.max_chars);
    }
    out
}

/// Whether `next` sits in a sibling section of `short`'s (the same parent path) or below it.
fn sibling_or_child(short: &Unit, next: &Unit) -> bool {
    let (Some(a), Some(b)) = (&short.tail, &next.section) else { return false };
    let parent = |p: &str| p.rsplit_once(PATH_SEPARATOR).map(|(head, _)| head.to_string());
    b.starts_with(a.as_str()) || (parent(a).is_some() && parent(a) == parent(b))
}

/// Appends a short unit to the previous unit if it has the same section and room; else keeps
/// it alone.
fn attach_to_previous(out: &mut Vec<Unit>, short: Unit, max: usize) {
    match out.last_mut() {
        Some(last)
            if last.tail == short.section
                && char_len(&last.text) + char_len(&short.text) + 2 <= max =>
        {
            last.text.push_str("\n\n");
            last.text.push_str(&short.text);
            last.tail = short.tail;
            last.code &= short.code;
        }
        _ => out.push(short),
    }
}

/// Gives a passage of only code a context: it joins the passage before it in its section when
/// there is room, else it is headed by its section's heading line.
fn no_bare_code(units: Vec<Unit>, max: usize) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    for mut unit in units {
        if !unit.code {
            out.push(unit);
            continue;
        }
        if let Some(last) = out.last_mut()
            && last.tail == unit.section
            && !last.code
            && char_len(&last.text) + char_len(&unit.text) + 2 <= max
        {
            last.text.push_str("\n\n");
            last.text.push_str(&unit.text);
            continue;
        }
        if let Some(heading) = &unit.heading {
            unit.text = format!("{heading}\n{}", unit.text);
            unit.code = false;
        }
        out.push(unit);
    }
    out
}

/// Length in characters (not bytes), the unit of every size option.
fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// Blocks written out one per line ("H2 …", "P …", "L …"), for snapshot tests of readers.
#[cfg(test)]
pub(crate) fn describe_blocks(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(|block| match block {
            Block::Heading { level, text } => format!("H{level} {text}"),
            Block::Paragraph(text) => format!("P {}", text.replace('\n', "\n  ")),
            Block::List(items) => format!("L {}", items.join("\n  · ")),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Passages written out with their section, for snapshot tests of segmentation.
#[cfg(test)]
pub(crate) fn describe_passages(passages: &[Passage]) -> String {
    passages
        .iter()
        .map(|p| {
            let section = p.section.as_deref().unwrap_or("-");
            format!(
                "#{} [{section}] ({} chars)\n  {}",
                p.ordinal,
                char_len(&p.text),
                p.text.replace('\n', "\n  ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
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
        assert!(text.contains("South Korea’s main AI goals are as follows:\n- Global"));
        assert!(text.contains("455 trillion") && text.contains("top 10"));
        // The heading opens the first passage of its section, and only that one.
        let headed: Vec<&Passage> =
            passages.iter().filter(|p| p.text.contains("Main Participants")).collect();
        assert_eq!(headed.len(), 1);
        assert!(headed[0].text.starts_with("Main Participants\n"));
        let sections: Vec<Option<&str>> = passages.iter().map(|p| p.section.as_deref()).collect();
        assert!(sections.iter().all(|s| s.is_none() || *s == Some("Main Participants")));
        assert!(sections.contains(&None) && sections.contains(&Some("Main Participants")));
        for p in &passages {
            assert!(char_len(&p.text) <= 1500, "{}", char_len(&p.text));
        }
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
        // The heading line opens the first passage of its section; it is never alone.
        assert_eq!(passages[0].text, format!("B\n{long}"));
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
        assert_eq!(texts, [format!("Tiny.\n\n{long}\n\nAlso tiny."), "H\nAlone.".to_string()]);
    }

    #[test]
    fn list_without_lead_and_numbered_items() {
        let d = doc(vec![
            heading("H"),
            Block::List(vec!["1. one".into(), "2. two".into()]),
            Block::List(vec!["x".into(), "y".into()]),
        ]);
        let passages = segment(&d, &SegmentOptions::default());
        assert_eq!(passages[0].text, "H\n1. one\n2. two\n\n- x\n- y");
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

    fn level(level: u8, text: &str) -> Block {
        Block::Heading { level, text: text.into() }
    }

    #[test]
    fn passages_carry_their_heading_path() {
        let body = sentence(3, 200);
        let d = doc(vec![
            level(1, "Chapter 3. Configuration"),
            level(2, "3. Variables"),
            level(3, "3.23. auto_tag"),
            para(&body),
            level(2, "4. Functions"),
            para(&body),
        ]);
        let sections: Vec<Option<String>> =
            segment(&d, &SegmentOptions::default()).into_iter().map(|p| p.section).collect();
        assert_eq!(
            sections,
            [
                Some("Chapter 3. Configuration › 3. Variables › 3.23. auto_tag".to_string()),
                Some("Chapter 3. Configuration › 4. Functions".to_string()),
            ]
        );
    }

    #[test]
    fn long_section_is_packed_at_paragraphs_under_the_target() {
        let paragraphs: Vec<String> = (0..8).map(|i| sentence(i, 300)).collect();
        let mut blocks = vec![heading("H")];
        blocks.extend(paragraphs.iter().map(|p| para(p)));
        let opts = SegmentOptions::default();
        let passages = segment(&doc(blocks), &opts);
        assert!(passages.len() >= 3, "{}", passages.len());
        for p in &passages {
            assert!(char_len(&p.text) <= opts.target_chars, "{}", char_len(&p.text));
            assert_eq!(p.section.as_deref(), Some("H"));
        }
        for text in &paragraphs {
            assert_eq!(passages.iter().filter(|p| p.text.contains(text.as_str())).count(), 1);
        }
    }

    #[test]
    fn command_stays_with_the_sentence_that_introduces_it() {
        let d = doc(vec![
            heading("Usage"),
            para("To change a binding, use:"),
            para("bind map key function"),
            heading("Only code"),
            para("set tunnel=\"ssh -q host\""),
        ]);
        let passages = segment(&d, &SegmentOptions::default());
        assert_eq!(passages[0].text, "Usage\nTo change a binding, use:\n\nbind map key function");
        assert_eq!(passages[1].text, "Only code\nset tunnel=\"ssh -q host\"");
    }

    #[test]
    fn short_sibling_sections_share_a_passage() {
        let d = doc(vec![
            level(2, "Options"),
            level(3, "-a"),
            para("Attach a file."),
            level(3, "-b"),
            para(
                "Send a blind copy to the address given after the option, as many times as needed.",
            ),
        ]);
        let passages = segment(&d, &SegmentOptions::default());
        assert_eq!(passages.len(), 1, "{passages:#?}");
        assert_eq!(passages[0].section.as_deref(), Some("Options › -a"));
        assert!(passages[0].text.starts_with("-a\nAttach a file.\n\n-b\nSend a blind copy"));
    }

    #[test]
    fn a_man_page_name_line_goes_with_its_synopsis_and_description() {
        // "What does git describe print?" is answered by the DESCRIPTION under a one-line
        // NAME and a short SYNOPSIS: alone, the two short sections made the passage found.
        let d = doc(vec![
            level(1, "git-describe(1)"),
            level(2, "NAME"),
            para("git-describe - Give an object a human readable name based on an available ref"),
            level(2, "SYNOPSIS"),
            para("git describe [--all] [--tags] [--contains] [--abbrev=<n>] [<commit-ish>…]"),
            level(2, "DESCRIPTION"),
            para(&format!(
                "The command finds the most recent tag that is reachable from a commit. {}",
                sentence(1, 250)
            )),
            level(2, "OPTIONS"),
            para(&sentence(2, 600)),
        ]);
        let passages = segment(&d, &SegmentOptions::default());
        assert_eq!(passages.len(), 2, "{passages:#?}");
        assert!(passages[0].text.starts_with("NAME\ngit-describe - Give"), "{}", passages[0].text);
        assert!(passages[0].text.contains("SYNOPSIS\ngit describe [--all]"));
        assert!(passages[0].text.contains("DESCRIPTION\nThe command finds the most recent tag"));
        assert_eq!(passages[1].section.as_deref(), Some("git-describe(1) › OPTIONS"));
    }

    #[test]
    fn the_windows_of_one_long_paragraph_keep_a_short_tail_of_their_own() {
        // A SciFact abstract over `max_chars` is cut into windows; packing its ~200-character
        // tail into the window before it (as structured documents pack short paragraphs)
        // made a passage past the target and cost an answer at rank 1.
        let opts = SegmentOptions::default();
        let mut short_tails = 0;
        for count in 31..=45 {
            let text = (0..count).map(|i| sentence(i, 100)).collect::<Vec<_>>().join(" ");
            assert!(char_len(&text) > opts.max_chars);
            let passages = segment(&doc(vec![para(&text)]), &opts);
            for p in &passages {
                assert!(char_len(&p.text) <= opts.target_chars, "{count}: {}", char_len(&p.text));
            }
            let last = &passages.last().unwrap().text;
            assert!(last.ends_with(&sentence(count - 1, 100)));
            if (WINDOW_TAIL_CHARS..opts.min_chars).contains(&char_len(last)) {
                short_tails += 1;
            }
        }
        assert!(short_tails > 0, "no count gave a tail under min_chars");
    }

    #[test]
    fn segmentation_snapshot() {
        let d = doc(vec![
            level(1, "Guide"),
            para("An introduction that says what the guide is for, in one sentence."),
            level(2, "Install"),
            para("Install the packages first:"),
            para("# apt install systemtap"),
            para(&(0..12).map(|i| sentence(i, 120)).collect::<Vec<_>>().join(" ")),
            level(2, "Notes"),
            Block::List(vec!["one".into(), "two".into()]),
        ]);
        insta::assert_snapshot!(describe_passages(&segment(&d, &SegmentOptions::default())));
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
