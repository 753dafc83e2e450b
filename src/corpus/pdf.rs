//! Reading PDF files with `pdf_oxide` (pure Rust): the text layer page by page in reading
//! order, each page one cited part ("p. 12").
//!
//! General clean-up, no rule for any one file: lines repeated at the top or bottom of most
//! pages (running headers and footers, page numbers, a slide deck's navigation bar), a table
//! of contents and a back-of-book index are dropped, and a page whose every line reappears on
//! the next page (a slide overlay building up) is folded into that page ([`furniture`]);
//! lines the parser's reading order misplaced are put back ([`layout`]); words hyphenated at
//! line ends are joined and wrapped lines unwrapped into paragraphs, while short lines (code,
//! table rows) keep their breaks, and a section's paragraphs on a page are packed to a
//! passage's size, also over a page break ([`paragraphs`]). The document outline
//! (bookmarks), when there is one, gives the sections; headings found from font size and
//! weight ([`fonts`]) add the sections the outline does not list (all of them when there is
//! no outline), nested below its entries. This file reads the document and places the
//! headings.
//!
//! A PDF without a text layer is skipped with "no text layer — scanned? run OCR first";
//! encrypted and damaged files are skipped with their reason. The parser is third-party code
//! run on hostile input: the caller runs every reader inside its isolation wrapper.

use std::collections::HashMap;

use pdf_oxide::PdfDocument;
use pdf_oxide::object::Object;
use pdf_oxide::outline::{Destination, OutlineItem};

use super::{Block, Book, Part};

mod fonts;
mod furniture;
mod layout;
mod paragraphs;

use furniture::{
    drop_reference_pages, drop_reprinted_headings, drop_reprinted_titles, fold_overlays,
    is_page_number, remove_running_lines,
};
use layout::{join_across_pages, join_split_titles, rejoin_stray_lines};
use paragraphs::{HeadingPath, carry_section_openings, pack_paragraphs, paragraphs_of};

/// Most pages read from one file; the rest are left out with a warning.
const MAX_PAGES: usize = 5_000;
/// A page needs at least this many letters to count as having text.
const MIN_PAGE_LETTERS: usize = 20;
/// Longest skip reason kept from the parser's own error text.
const MAX_REASON_CHARS: usize = 160;

/// Reads a PDF file's bytes.
///
/// # Errors
/// The skip reason: "not a PDF (no %PDF header)", "damaged PDF (…)", "encrypted PDF (needs a
/// password) …", or "no text layer — scanned? run OCR first".
pub(crate) fn read_pdf(bytes: &[u8]) -> Result<Book, String> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err("not a PDF (no %PDF header)".to_string());
    }
    let doc = PdfDocument::from_bytes(bytes.to_vec()).map_err(|e| damaged(&e))?;
    if doc.is_encrypted() && !matches!(doc.authenticate(b""), Ok(true)) {
        return Err("encrypted PDF (needs a password); save an unprotected copy".to_string());
    }
    let count = doc.page_count().map_err(|e| damaged(&e))?;
    if count == 0 {
        return Err("damaged PDF (no pages)".to_string());
    }
    if count > MAX_PAGES {
        tracing::warn!(pages = count, limit = MAX_PAGES, "PDF too long: reading the first pages");
    }
    let mut pages = Vec::new();
    let mut print = fonts::Print::default();
    let mut first_error = None;
    for index in 0..count.min(MAX_PAGES) {
        match doc.extract_text(index) {
            Ok(text) => pages.push(text.lines().map(str::to_string).collect::<Vec<_>>()),
            Err(err) => {
                first_error.get_or_insert_with(|| damaged(&err));
                pages.push(Vec::new());
            }
        }
        // The spans `extract_text` was made of (the parser keeps them): their fonts.
        match doc.extract_spans(index) {
            Ok(spans) => print.add_page(&spans.iter().map(fonts::Span::of).collect::<Vec<_>>()),
            Err(_) => print.add_empty_page(),
        }
    }
    let letters = |page: &Vec<String>| -> usize {
        page.iter().map(|l| l.chars().filter(|c| c.is_alphabetic()).count()).sum()
    };
    if pages.iter().all(|p| letters(p) < MIN_PAGE_LETTERS) {
        return Err(match first_error {
            Some(reason) if pages.iter().all(Vec::is_empty) => reason,
            _ => "no text layer — scanned? run OCR first".to_string(),
        });
    }
    let outline = doc.get_outline().ok().flatten().map(|items| flatten(&items)).unwrap_or_default();
    let title = info_title(&doc).or_else(|| outline.first().map(|o| o.2.clone()));
    let parts = parts_of(pages, &outline, &print, title.as_deref());
    Ok(Book { title, parts })
}

/// The parser's error as a skip reason.
fn damaged(err: &pdf_oxide::error::Error) -> String {
    let text = err.to_string();
    let text: String = text.chars().take(MAX_REASON_CHARS).collect();
    format!("damaged PDF ({text})")
}

/// The `/Title` of the document information dictionary.
fn info_title(doc: &PdfDocument) -> Option<String> {
    let info = doc.trailer().as_dict()?.get("Info")?;
    let info = match info {
        Object::Reference(r) => doc.load_object(*r).ok()?,
        other => other.clone(),
    };
    let title = info.as_dict()?.get("Title")?.as_string()?;
    let title = decode_text_string(title);
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

/// Decodes a PDF text string: UTF-16BE with its byte-order mark, UTF-8 with its mark, or
/// (close enough for titles) Latin-1.
fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> =
            rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The outline as (page index, level, title), in outline order; entries without a page are
/// left out.
fn flatten(items: &[OutlineItem]) -> Vec<(usize, u8, String)> {
    let mut out = Vec::new();
    let mut stack: Vec<(&OutlineItem, u8)> = items.iter().rev().map(|i| (i, 1)).collect();
    while let Some((item, level)) = stack.pop() {
        if let Some(Destination::PageIndex(page)) = &item.dest {
            let title = item.title.split_whitespace().collect::<Vec<_>>().join(" ");
            if !title.is_empty() {
                out.push((*page, level.min(6), title));
            }
        }
        if level < 32 {
            stack.extend(item.children.iter().rev().map(|c| (c, level + 1)));
        }
    }
    out
}

/// Turns pages of raw lines into cited parts: running lines removed, overlays folded,
/// outline and font headings placed, paragraphs assembled. A font heading that only repeats
/// the document's `title` stays text (the title names every passage already).
fn parts_of(
    mut pages: Vec<Vec<String>>,
    outline: &[(usize, u8, String)],
    print: &fonts::Print,
    title: Option<&str>,
) -> Vec<Part> {
    for page in &mut pages {
        for line in page.iter_mut() {
            *line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        }
    }
    rejoin_stray_lines(&mut pages, print);
    remove_running_lines(&mut pages);
    drop_reference_pages(&mut pages);
    drop_reprinted_titles(&mut pages, outline);
    join_split_titles(&mut pages, outline);
    let keep = fold_overlays(&pages);
    join_across_pages(&mut pages, &keep, outline);
    let skip: Vec<bool> = keep.iter().map(|k| !k).collect();
    let on_page = |page: usize, line: &str| {
        outline.iter().find(|o| o.0 == page && same_heading(line, &o.2)).map(|o| o.1)
    };
    // A table-of-contents line prints the title and its page number.
    let anywhere = |line: &str| {
        let bare =
            line.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_whitespace() || c == '.');
        let bare = if is_page_number(line.rsplit(' ').next().unwrap_or("")) {
            line.rsplit_once(' ').map_or(bare, |(head, _)| head)
        } else {
            bare
        };
        outline.iter().any(|o| same_heading(line, &o.2) || same_heading(bare, &o.2))
    };
    let listed = fonts::Listed { on_page: &on_page, anywhere: &anywhere };
    let mut marked = fonts::font_headings(print, &pages, &skip, &listed);
    if drop_reprinted_headings(&mut pages, &marked.headings) {
        marked = fonts::font_headings(print, &pages, &skip, &listed);
    }
    let fonts::Marked { headings: mut font, labels } = marked;
    if let Some(title) = title.map(fonts::fold).filter(|t| !t.is_empty()) {
        for page in &mut font {
            page.retain(|h| fonts::fold(&h.text) != title);
        }
    }
    let mut by_page: HashMap<usize, Vec<(u8, &str)>> = HashMap::new();
    for (page, level, title) in outline {
        by_page.entry(*page).or_default().push((*level, title.as_str()));
    }
    // The open headings, outermost first, each marked if it is the outline's: every page
    // starts under all of them.
    let mut open: Vec<(u8, String, bool)> = Vec::new();
    let enter = |open: &mut Vec<(u8, String, bool)>, level: u8, title: &str, listed: bool| {
        while open.last().is_some_and(|(l, ..)| *l >= level) {
            open.pop();
        }
        open.push((level, title.to_string(), listed));
    };
    let mut parts = Vec::new();
    // Per part: the heading path it starts under and the one it ends under.
    let mut paths: Vec<(HeadingPath, HeadingPath)> = Vec::new();
    for (index, lines) in pages.iter().enumerate() {
        // Headings of folded overlay pages carry on to the page that is kept.
        let entries = by_page.remove(&index).unwrap_or_default();
        if !keep[index] {
            for (level, title) in entries {
                enter(&mut open, level, title, true);
            }
            continue;
        }
        let start_path: HeadingPath = open.iter().map(|(l, t, _)| (*l, t.clone())).collect();
        let mut blocks: Vec<Block> = open
            .iter()
            .map(|(level, text, _)| Block::Heading { level: *level, text: text.clone() })
            .collect();
        let events = page_events(lines, &entries, std::mem::take(&mut font[index]));
        let mut label = vec![false; lines.len()];
        for at in labels.get(index).into_iter().flatten() {
            if let Some(l) = label.get_mut(*at) {
                *l = true;
            }
        }
        let mut start = 0;
        let mut pending: Option<(u8, String)> = None;
        // The level of the font heading just placed if no text has followed it yet, and the
        // font levels found to head others of their own look on this page.
        let mut bare: Option<u8> = None;
        let mut parents: Vec<u8> = Vec::new();
        for event in events {
            if event.at > start {
                bare = None;
            }
            let end = event.at.max(start);
            push_section(&mut blocks, &mut pending, &lines[start..end], &label[start..end]);
            start = start.max(event.at + event.taken);
            if let Some((level, text)) = pending.take() {
                blocks.push(Block::Heading { level, text });
            }
            let mut level = match event.level {
                fonts::Level::Listed(level) => level,
                fonts::Level::Below(rank) => {
                    let base = open.iter().rev().find(|o| o.2).map_or(0, |o| o.0);
                    base.saturating_add(rank).min(6)
                }
            };
            if event.font {
                // A heading right under another of the same level (a slide's title, then a
                // block title) is its child, and so are its later siblings on the page.
                if bare == Some(level) && !parents.contains(&level) {
                    parents.push(level);
                }
                if parents.contains(&level) {
                    level = level.saturating_add(1).min(6);
                }
                bare = Some(level);
            } else {
                bare = None;
            }
            pending = Some((level, event.title.clone()));
            let listed = matches!(event.level, fonts::Level::Listed(_));
            enter(&mut open, level, &event.title, listed);
        }
        push_section(&mut blocks, &mut pending, &lines[start..], &label[start..]);
        if let Some((level, text)) = pending {
            blocks.push(Block::Heading { level, text });
        }
        // A page that is only a heading says nothing.
        if blocks.iter().any(|b| !matches!(b, Block::Heading { .. })) {
            let end_path = open.iter().map(|(l, t, _)| (*l, t.clone())).collect();
            paths.push((start_path, end_path));
            parts.push(Part { locator: Some(format!("p. {}", index + 1)), blocks });
        }
    }
    carry_section_openings(&mut parts, &paths);
    for part in &mut parts {
        part.blocks = pack_paragraphs(std::mem::take(&mut part.blocks));
    }
    parts.retain(|p| p.blocks.iter().any(|b| !matches!(b, Block::Heading { .. })));
    parts
}

/// A heading placed on a page: the line it starts at and the lines it takes (none for an
/// outline entry not found printed there, which then opens where the search stood).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Event {
    /// Index of the heading's first line.
    at: usize,
    /// Lines the heading takes out of the text.
    taken: usize,
    /// Where its level comes from.
    level: fonts::Level,
    /// Whether it was found from the print (else it is an outline entry).
    font: bool,
    /// The heading's text.
    title: String,
}

/// The headings of a page in line order: its outline entries, each looked for after the one
/// before, and the font headings that are not printed inside one of them.
fn page_events(
    lines: &[String],
    entries: &[(u8, &str)],
    font: Vec<fonts::FontHeading>,
) -> Vec<Event> {
    let mut events = Vec::new();
    let mut from = 0;
    for (level, title) in entries {
        let (at, taken) = match find_heading(&lines[from..], title) {
            Some((at, taken)) => (from + at, taken),
            None => (from, 0),
        };
        from = at + taken;
        events.push(Event {
            at,
            taken,
            level: fonts::Level::Listed(*level),
            font: false,
            title: (*title).to_string(),
        });
    }
    let taken: Vec<(usize, usize)> = events.iter().map(|e| (e.at, e.at + e.taken)).collect();
    for heading in font {
        let end = heading.at + heading.taken;
        if taken.iter().any(|(a, b)| heading.at < *b && *a < end) || end > lines.len() {
            continue;
        }
        events.push(Event {
            at: heading.at,
            taken: heading.taken,
            level: heading.level,
            font: true,
            title: heading.text,
        });
    }
    // Stable: at one line an outline entry comes first.
    events.sort_by_key(|e| e.at);
    events
}

/// Where an outline title is printed among `lines`: (index, lines it takes), also when the
/// page breaks it over two lines ("Chapter 4." / "User-space Probing").
fn find_heading(lines: &[String], title: &str) -> Option<(usize, usize)> {
    lines.iter().enumerate().find_map(|(at, line)| {
        if same_heading(line, title) {
            return Some((at, 1));
        }
        let two = lines.get(at + 1).map(|next| format!("{line} {next}"))?;
        same_heading(&two, title).then_some((at, 2))
    })
}

/// Appends the paragraphs of `lines`, after the pending heading if there is text. A line
/// that is a numbered heading of two or more parts ("5.1.1. Network Profiling") the outline
/// does not list becomes a heading of that depth. `labels` marks the label lines.
fn push_section(
    blocks: &mut Vec<Block>,
    pending: &mut Option<(u8, String)>,
    lines: &[String],
    labels: &[bool],
) {
    let mut start = 0;
    for (at, line) in lines.iter().enumerate() {
        let Some(depth) = super::text::numbered_depth(line).filter(|d| *d >= 2) else { continue };
        push_paragraphs(blocks, pending, &lines[start..at], &labels[start..at]);
        if let Some((level, text)) = pending.take() {
            blocks.push(Block::Heading { level, text });
        }
        *pending = Some((u8::try_from(depth.min(6)).unwrap_or(6), line.clone()));
        start = at + 1;
    }
    push_paragraphs(blocks, pending, &lines[start..], &labels[start..]);
}

/// Appends the paragraphs of `lines`, after the pending heading if there is text.
fn push_paragraphs(
    blocks: &mut Vec<Block>,
    pending: &mut Option<(u8, String)>,
    lines: &[String],
    labels: &[bool],
) {
    let paragraphs = paragraphs_of(lines, labels);
    if paragraphs.is_empty() {
        return;
    }
    if let Some((level, text)) = pending.take() {
        blocks.push(Block::Heading { level, text });
    }
    blocks.extend(paragraphs.into_iter().map(Block::Paragraph));
}

/// Whether a page line is the printed form of an outline title ("2.1. Architecture" for
/// "2.1. Architecture", or the title with its number left off in the outline).
fn same_heading(line: &str, title: &str) -> bool {
    let fold = |s: &str| -> String {
        s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
    };
    let (line, title) = (fold(line), fold(title));
    !title.is_empty()
        && (line == title
            || (line.ends_with(&title)
                && line[..line.len() - title.len()].chars().all(|c| c.is_ascii_digit())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of lines, as the readers' functions take it (shared by the submodules' tests).
    pub(super) fn page(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn outline_headings_become_sections_and_carry_over_pages() {
        let long = "A session begins when stap runs. ".repeat(16).trim_end().to_string();
        let pages = vec![
            page(&["Some intro text that is long enough to be a line."]),
            // Long enough that the next page's text is not carried up to it.
            page(&["more of the intro.", "2.1. Architecture", &long]),
            page(&["The session goes on here."]),
        ];
        let outline =
            vec![(0, 1, "Introduction".to_string()), (1, 2, "2.1. Architecture".to_string())];
        let parts = parts_of(pages, &outline, &fonts::Print::default(), None);
        let locators: Vec<_> = parts.iter().map(|p| p.locator.clone().unwrap()).collect();
        assert_eq!(locators, ["p. 1", "p. 2", "p. 3"]);
        assert_eq!(
            parts[1].blocks,
            vec![
                // "more of the intro." went on from p. 1: it was carried up there.
                Block::Heading { level: 1, text: "Introduction".into() },
                Block::Heading { level: 2, text: "2.1. Architecture".into() },
                Block::Paragraph(long.clone()),
            ]
        );
        // The next page starts under the whole heading path.
        assert_eq!(
            parts[2].blocks[..2],
            [
                Block::Heading { level: 1, text: "Introduction".into() },
                Block::Heading { level: 2, text: "2.1. Architecture".into() },
            ]
        );
    }

    /// The text of a part's paragraphs, one string per paragraph block.
    fn paragraph_texts(part: &Part) -> Vec<String> {
        part.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(text) => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn pdf_numbered_steps_of_a_procedure_are_one_passage_not_one_each() {
        let pages = vec![page(&[
            "A session begins when you run a script. This session occurs in the following fashion:",
            "1. First, the tool checks the script against the existing library of probes.",
            "2. It then translates the script to C and builds a kernel module from it.",
            "3. It loads the module, then enables all the probes in the script at once.",
        ])];
        let outline = vec![(0, 2, "3.1. Architecture".to_string())];
        let parts = parts_of(pages, &outline, &fonts::Print::default(), None);
        let texts = paragraph_texts(&parts[0]);
        assert_eq!(texts.len(), 1, "{texts:?}");
        assert!(texts[0].contains("1. First") && texts[0].contains("3. It loads"), "{texts:?}");
    }

    #[test]
    fn pdf_section_going_on_over_a_page_break_is_not_cut_at_the_page() {
        let long = "Scripts are made of two parts, events and handlers, and the tool runs them.";
        let pages = vec![
            page(&["3.2. Scripts", "For the most part, scripts are the foundation of a session."]),
            page(&[long, "An event and its corresponding handler is collectively called a probe."]),
        ];
        let outline = vec![(0, 2, "3.2. Scripts".to_string())];
        let parts = parts_of(pages, &outline, &fonts::Print::default(), None);
        assert_eq!(parts.len(), 1, "{parts:?}");
        let text = paragraph_texts(&parts[0]).join("\n\n");
        assert!(text.contains("foundation") && text.contains("called a probe"), "{text}");
    }

    #[test]
    fn pdf_back_of_book_index_and_contents_pages_are_not_indexed() {
        let body = page(&["SystemTap is a tracing and probing tool for the running kernel."]);
        let index = page(&[
            "arrays",
            "associative arrays, 1",
            "clearing arrays, 2, 3",
            "sample usage",
            "local variables, 2",
            "deleting elements, 1",
            "reading values, 3",
        ]);
        let contents = page(&[
            "1. Introduction ........................ 1",
            "1.1. Goals .............................. 1",
            "2. Using It .............................. 2",
            "2.1. Setup .............................. 2",
            "3. Scripts .............................. 3",
        ]);
        let parts = parts_of(vec![contents, body, index], &[], &fonts::Print::default(), None);
        let locators: Vec<_> = parts.iter().filter_map(|p| p.locator.clone()).collect();
        assert_eq!(locators, ["p. 2"]);
    }

    /// A one-page PDF whose content stream is `content`; offsets in the xref are computed.
    pub(crate) fn pdf_of(content: &str, encrypt: bool) -> Vec<u8> {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R /F2 8 0 R >> >> >>".to_string(),
            format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len() + 1),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
            "<< /Title (Tiny Guide) >>".to_string(),
            "<< /Filter /Standard /V 1 /R 2 /O (0123456789abcdef0123456789abcdef) /U (0123456789abcdef0123456789abcdef) /P -4 >>".to_string(),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_string(),
        ];
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (index, object) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        let encrypt = if encrypt {
            " /Encrypt 7 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]"
        } else {
            ""
        };
        out.extend_from_slice(
            format!("trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R{encrypt} >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
                .as_bytes(),
        );
        out
    }

    #[test]
    fn tiny_pdf_text_layer_reads_with_title_and_page() {
        let content = "BT /F1 12 Tf 72 720 Td (SystemTap is a tracing and probing tool.) Tj 0 -16 Td (It lets users study the running kernel.) Tj ET";
        let book = read_pdf(&pdf_of(content, false)).unwrap();
        assert_eq!(book.title.as_deref(), Some("Tiny Guide"));
        assert_eq!(book.parts.len(), 1);
        assert_eq!(book.parts[0].locator.as_deref(), Some("p. 1"));
        let text = format!("{:?}", book.parts[0].blocks);
        assert!(text.contains("SystemTap is a tracing and probing tool."), "{text}");
        assert!(text.contains("running kernel"), "{text}");
    }

    #[test]
    fn tiny_pdf_snapshot_of_blocks_and_passages() {
        use crate::corpus::segment::{describe_blocks, describe_passages};
        use crate::corpus::{SegmentOptions, segment};
        let content = "BT /F1 12 Tf 72 720 Td (Chapter 2. Using SystemTap) Tj 0 -16 Td (SystemTap scripts use the file extension .stp and hold probes; an event and) Tj 0 -16 Td (its handler are together called a probe, and a script may have many of them.) Tj 0 -16 Td (stap -v script.stp) Tj 0 -16 Td (4) Tj ET";
        let book = read_pdf(&pdf_of(content, false)).unwrap();
        let docs = book.into_documents("guide.pdf", "guide".into());
        let blocks: Vec<String> =
            docs.iter().map(|d| format!("{}\n{}", d.source, describe_blocks(&d.blocks))).collect();
        insta::assert_snapshot!("pdf_tiny_blocks", blocks.join("\n"));
        let passages: Vec<_> =
            docs.iter().flat_map(|d| segment(d, &SegmentOptions::default())).collect();
        insta::assert_snapshot!("pdf_tiny_passages", describe_passages(&passages));
    }

    /// A content stream line of text at `y` in font `font` (`F1` Helvetica, `F2` bold).
    fn text_at(font: &str, size: &str, y: u32, text: &str) -> String {
        format!("BT /{font} {size} Tf 72 {y} Td ({text}) Tj ET\n")
    }

    const BODY_LINE: &str = "The stap command reads a script and runs its probes on the kernel";

    #[test]
    fn pdf_font_size_headings_become_sections_without_an_outline() {
        let mut content = text_at("F2", "20", 740, "Installing the Tool");
        for (n, y) in (600..720).rev().step_by(14).enumerate() {
            content += &text_at("F1", "10", y, &format!("{BODY_LINE} line {n}."));
        }
        content += &text_at("F2", "14", 560, "Checking the Setup");
        for (n, y) in (400..540).rev().step_by(14).enumerate() {
            content += &text_at("F1", "10", y, &format!("{BODY_LINE} check {n}."));
        }
        let book = read_pdf(&pdf_of(&content, false)).unwrap();
        let headings: Vec<(u8, &str)> = book.parts[0]
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level, text } => Some((*level, text.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(headings, [(1, "Installing the Tool"), (2, "Checking the Setup")]);
        // The text stays under them, none of it lost.
        let text = format!("{:?}", book.parts[0].blocks);
        assert!(text.contains("line 0.") && text.contains("check 9."), "{text}");
    }

    #[test]
    fn pdf_hostile_font_sizes_do_not_panic_or_make_every_line_a_heading() {
        let sizes = ["0", "-5", "1000000000000000000000000000000", "0.0001", "499", "3"];
        let mut content = String::new();
        for n in 0..2000u32 {
            let size = if n % 5 == 0 {
                sizes[(n / 5) as usize % sizes.len()].to_string()
            } else {
                format!("{:.3}", 9.0 + f64::from(n) * 0.001)
            };
            content += &text_at(
                if n % 2 == 0 { "F2" } else { "F1" },
                &size,
                780 - n % 700,
                &format!("Row {n} of text"),
            );
        }
        let book = read_pdf(&pdf_of(&content, false));
        if let Ok(book) = book {
            // Paragraphs are packed, so lines are counted, not blocks.
            let blocks: Vec<&Block> = book.parts.iter().flat_map(|p| &p.blocks).collect();
            let headings = blocks.iter().filter(|b| matches!(b, Block::Heading { .. })).count();
            let lines: usize = blocks
                .iter()
                .map(|b| match b {
                    Block::Paragraph(text) => text.lines().filter(|l| !l.is_empty()).count(),
                    _ => 1,
                })
                .sum();
            assert!(headings * 3 <= lines.max(3), "{headings} headings of {lines} lines");
        }
    }

    #[test]
    fn pdf_without_text_layer_is_skipped_as_scanned() {
        let content = "0 0 1 rg 72 72 400 600 re f";
        assert_eq!(
            read_pdf(&pdf_of(content, false)).unwrap_err(),
            "no text layer — scanned? run OCR first"
        );
    }

    #[test]
    fn encrypted_pdf_is_skipped_with_reason() {
        let content = "BT /F1 12 Tf 72 720 Td (Secret text here for the test.) Tj ET";
        let reason = read_pdf(&pdf_of(content, true)).unwrap_err();
        assert!(
            reason.starts_with("encrypted PDF")
                || reason.starts_with("damaged PDF")
                || reason.starts_with("no text layer"),
            "{reason}"
        );
    }

    #[test]
    fn garbage_and_truncated_pdfs_are_reasons_not_panics() {
        assert_eq!(read_pdf(b"hello").unwrap_err(), "not a PDF (no %PDF header)");
        let mut garbage = b"%PDF-1.7\n".to_vec();
        garbage.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        assert!(read_pdf(&garbage).is_err());
        let good = pdf_of("BT /F1 12 Tf 72 720 Td (Some words on the page to read.) Tj ET", false);
        for cut in [20, good.len() / 2, good.len() - 30] {
            let _ = read_pdf(&good[..cut]);
        }
    }
}
