//! Reading PDF files with `pdf_oxide` (pure Rust): the text layer page by page in reading
//! order, each page one cited part ("p. 12").
//!
//! General clean-up, no rule for any one file: lines repeated at the top or bottom of most
//! pages (running headers and footers, page numbers, a slide deck's navigation bar) are
//! dropped; a page whose every line reappears on the next page (a slide overlay building up)
//! is folded into that page; words hyphenated at line ends are joined; wrapped lines are
//! unwrapped into paragraphs, while short lines (code, table rows) keep their breaks. The
//! document outline (bookmarks), when there is one, gives the sections; headings found from
//! font size and weight ([`fonts`]) add the sections the outline does not list (all of them
//! when there is no outline), nested below its entries.
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

/// Most pages read from one file; the rest are left out with a warning.
const MAX_PAGES: usize = 5_000;
/// Lines looked at from each end of a page when looking for running headers and footers.
const EDGE_LINES: usize = 3;
/// Pages whose edges a line with words must reach to count as a running header.
const RUNNING_PAGES: usize = 4;
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
    for (index, lines) in pages.iter().enumerate() {
        // Headings of folded overlay pages carry on to the page that is kept.
        let entries = by_page.remove(&index).unwrap_or_default();
        if !keep[index] {
            for (level, title) in entries {
                enter(&mut open, level, title, true);
            }
            continue;
        }
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
            parts.push(Part { locator: Some(format!("p. {}", index + 1)), blocks });
        }
    }
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

/// Most lines of a sentence carried back from the top of a page to the page before.
const MAX_CARRIED_LINES: usize = 8;

/// Puts a sentence broken by a page break back together: when a kept page ends inside a
/// sentence and the next kept page goes on in lower case, the next page's lines up to the end
/// of that sentence move to the first page (which the passage then cites).
fn join_across_pages(pages: &mut [Vec<String>], keep: &[bool], outline: &[(usize, u8, String)]) {
    let kept: Vec<usize> = (0..pages.len()).filter(|&i| keep[i]).collect();
    for pair in kept.windows(2) {
        let (this, next) = (pair[0], pair[1]);
        let Some(last) = pages[this].last() else { continue };
        if last.ends_with(['.', '!', '?', ':']) || is_page_number(last) {
            continue;
        }
        let opens_lower =
            pages[next].first().and_then(|l| l.chars().next()).is_some_and(|c| c.is_lowercase());
        let heading_there = outline.iter().any(|(page, ..)| *page == next)
            && pages[next].first().is_some_and(|l| outline.iter().any(|o| same_heading(l, &o.2)));
        if !opens_lower || heading_there {
            continue;
        }
        let end = pages[next]
            .iter()
            .take(MAX_CARRIED_LINES)
            .position(|l| l.ends_with(['.', '!', '?', ':']))
            .map(|p| p + 1);
        if let Some(end) = end {
            let carried: Vec<String> = pages[next].drain(..end).collect();
            pages[this].extend(carried);
        }
    }
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

/// The key two running lines share: lower case, digits and roman page numbers ignored.
fn running_key(line: &str) -> String {
    line.chars()
        .filter(|c| !c.is_ascii_digit() && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a line is only a page number ("12", "- 12 -", "xiv", "Page 3 of 9").
fn is_page_number(line: &str) -> bool {
    let core = line.trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    let lower = core.to_lowercase();
    let lower = lower.strip_prefix("page ").unwrap_or(&lower);
    let digits_only = !lower.is_empty()
        && lower.split(" of ").all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    let roman = !lower.is_empty() && lower.len() <= 6 && lower.chars().all(|c| "ivxlc".contains(c));
    digits_only || roman
}

/// Drops running headers and footers: among the first and last [`EDGE_LINES`] lines of each
/// page, page numbers and lines whose [`running_key`] appears at an edge of at least 40 % of
/// the pages (and on three or more), or, for a line with words, at an edge of
/// [`RUNNING_PAGES`] separate runs of pages (a chapter's header on its odd or even pages; the
/// overlay steps of one slide are one run). Blank lines are dropped too.
fn remove_running_lines(pages: &mut [Vec<String>]) {
    for page in pages.iter_mut() {
        page.retain(|l| !l.is_empty());
    }
    let edges = |page: &[String]| -> Vec<usize> {
        let n = page.len();
        let mut idx: Vec<usize> = (0..n.min(EDGE_LINES)).collect();
        idx.extend(n.saturating_sub(EDGE_LINES).max(EDGE_LINES.min(n))..n);
        idx
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    // Separate runs of pages a key is on: overlay steps of one slide count once.
    let mut runs: HashMap<String, usize> = HashMap::new();
    let mut before: Vec<String> = Vec::new();
    for page in pages.iter() {
        let mut seen: Vec<String> =
            edges(page).into_iter().map(|i| running_key(&page[i])).collect();
        seen.sort();
        seen.dedup();
        for key in &seen {
            *counts.entry(key.clone()).or_default() += 1;
            if !before.contains(key) {
                *runs.entry(key.clone()).or_default() += 1;
            }
        }
        before = seen;
    }
    let with_text = pages.iter().filter(|p| !p.is_empty()).count();
    let threshold = (with_text * 2).div_ceil(5).max(3);
    // A chapter's running header ("Chapter 3. Understanding How SystemTap Works") repeats on
    // its pages only: a line with words at the edge of four pages or more is one too.
    let chapter_threshold = threshold.min(RUNNING_PAGES);
    let counts: HashMap<String, usize> = counts
        .into_iter()
        .map(|(key, n)| {
            let wordy = key.chars().filter(|c| c.is_alphabetic()).count() >= 8;
            let separate = runs.get(&key).copied().unwrap_or(0);
            (key, if wordy && separate >= chapter_threshold { threshold.max(n) } else { n })
        })
        .collect();
    for page in pages.iter_mut() {
        let drop: Vec<usize> = edges(page)
            .into_iter()
            .filter(|&i| {
                let line = &page[i];
                let key = running_key(line);
                is_page_number(line) || (counts.get(&key).copied().unwrap_or(0) >= threshold)
            })
            .collect();
        let mut index = 0;
        page.retain(|_| {
            let keep = !drop.contains(&index);
            index += 1;
            keep
        });
    }
}

/// Drops a running header that repeats a heading: a line among the first or last
/// [`EDGE_LINES`] of a page that prints the title of an outline entry of an earlier page
/// (a chapter's title over its later pages, the section shown in a slide deck's header).
fn drop_reprinted_titles(pages: &mut [Vec<String>], outline: &[(usize, u8, String)]) {
    if outline.is_empty() {
        return;
    }
    for (index, page) in pages.iter_mut().enumerate() {
        let n = page.len();
        let mut at = 0;
        page.retain(|line| {
            let edge = at < EDGE_LINES || at + EDGE_LINES >= n;
            at += 1;
            !(edge && outline.iter().any(|(p, _, title)| *p < index && same_heading(line, title)))
        });
    }
}

/// How close (points) two rows' vertical middles are to count as one printed row.
const SAME_ROW: f32 = 1.0;

/// Lines after a stray line searched for its row: bounds the work on a hostile page of many
/// lines (linear, not quadratic, in its line count).
const STRAY_ROW_SEARCH: usize = 64;

/// Puts back a line the parser's reading order took out of its row: a line printed below
/// both the line before it and the line after it, while those two run top to bottom (one
/// column, not a column break), and for which a later line of the page is printed on the
/// same row. The stray line joins that line, the one printed further left first. Lines the
/// print does not place are left alone.
fn rejoin_stray_lines(pages: &mut [Vec<String>], print: &fonts::Print) {
    for (index, lines) in pages.iter_mut().enumerate() {
        lines.retain(|l| !l.is_empty());
        let mut at = 1;
        while at + 1 < lines.len() {
            let place = |i: usize| print.place(index, &lines[i]);
            let (Some(before), Some(this), Some(after)) = (place(at - 1), place(at), place(at + 1))
            else {
                at += 1;
                continue;
            };
            let stray = before.0 > after.0 && this.0 < after.0 - SAME_ROW;
            let row = stray
                .then(|| {
                    (at + 1..lines.len().min(at + 1 + STRAY_ROW_SEARCH))
                        .find(|&j| place(j).is_some_and(|p| (p.0 - this.0).abs() <= SAME_ROW))
                })
                .flatten();
            let Some(row) = row else {
                at += 1;
                continue;
            };
            let line = lines.remove(at);
            let target = row - 1;
            let other_left = print.place(index, &lines[target]).map_or(f32::MAX, |p| p.1);
            lines[target] = if this.1 <= other_left {
                format!("{line} {}", lines[target])
            } else {
                format!("{} {line}", lines[target])
            };
        }
    }
}

/// Most stray lines the parser may put between the two parts of a heading.
const MAX_STRAY_LINES: usize = 3;

/// Puts an outline title printed in two parts back together when the parser's reading order
/// put a stray line between them ("Chapter 3." / "systemtap/tapset/" / "Understanding How
/// SystemTap Works"): the second part moves up under the first, the stray lines after it.
fn join_split_titles(pages: &mut [Vec<String>], outline: &[(usize, u8, String)]) {
    for (page, _, title) in outline {
        let Some(lines) = pages.get_mut(*page) else { continue };
        if find_heading(lines, title).is_some() {
            continue;
        }
        let whole = fonts::fold(title);
        let split = (0..lines.len()).find_map(|first| {
            let head = fonts::fold(&lines[first]);
            if head.is_empty() || !whole.starts_with(&head) {
                return None;
            }
            let last = (first + MAX_STRAY_LINES + 1).min(lines.len().saturating_sub(1));
            (first + 2..=last)
                .find(|&second| head.clone() + &fonts::fold(&lines[second]) == whole)
                .map(|second| (first, second))
        });
        if let Some((first, second)) = split {
            lines[first + 1..=second].rotate_right(1);
        }
    }
}

/// Drops a running header that repeats a font heading: a line among the first or last
/// [`EDGE_LINES`] of a page, not itself a heading, that prints the text of a heading on that
/// page or an earlier one. Whether any line was dropped.
fn drop_reprinted_headings(pages: &mut [Vec<String>], font: &[Vec<fonts::FontHeading>]) -> bool {
    let mut first_page: HashMap<String, usize> = HashMap::new();
    for (page, headings) in font.iter().enumerate() {
        for heading in headings {
            first_page.entry(fonts::fold(&heading.text)).or_insert(page);
        }
    }
    let mut dropped = false;
    for (index, page) in pages.iter_mut().enumerate() {
        let n = page.len();
        let headings = font.get(index).map_or(&[][..], Vec::as_slice);
        let mut at = 0;
        page.retain(|line| {
            let i = at;
            at += 1;
            let edge = i < EDGE_LINES || i + EDGE_LINES >= n;
            let heading_line = headings.iter().any(|h| (h.at..h.at + h.taken).contains(&i));
            let reprint = edge
                && !heading_line
                && first_page.get(&fonts::fold(line)).is_some_and(|first| *first <= index);
            dropped |= reprint;
            !reprint
        });
    }
    dropped
}

/// Which pages to keep: a page whose every line reappears on the next page (an overlay step
/// of a slide) is folded into the next one.
fn fold_overlays(pages: &[Vec<String>]) -> Vec<bool> {
    let mut keep = vec![true; pages.len()];
    for index in 0..pages.len().saturating_sub(1) {
        let (this, next) = (&pages[index], &pages[index + 1]);
        if !this.is_empty() && this.len() <= next.len() && this.iter().all(|l| next.contains(l)) {
            keep[index] = false;
        }
    }
    keep
}

/// Assembles a page's lines into paragraphs. A line ends a paragraph when it is blank-free
/// but clearly short of the page's full width and ends a sentence, or when the next line
/// starts a list item. Within a paragraph, a full-width line is joined to the next with a
/// space (a word hyphenated across them is joined whole); short lines keep their breaks. A
/// label line (`labels`: "Important") opens a paragraph, its text on the next line.
fn paragraphs_of(lines: &[String], labels: &[bool]) -> Vec<String> {
    let label = |i: usize| labels.get(i).copied().unwrap_or(false);
    let mut widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    widths.sort_unstable();
    let full = widths.get(widths.len() * 9 / 10).copied().unwrap_or(0).max(1);
    let is_full = |line: &str| line.chars().count() * 10 >= full * 7;
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for (index, line) in lines.iter().enumerate() {
        if current.is_empty() {
            current.push_str(line);
        } else if label(index) {
            paragraphs.push(std::mem::take(&mut current));
            current.push_str(line);
        } else if label(index - 1) {
            current.push('\n');
            current.push_str(line);
        } else if let Some(stem) = hyphen_stem(&current, line) {
            current.truncate(stem);
            current.push_str(line);
        } else if is_full(lines[index - 1].as_str()) && !starts_item(line) {
            current.push(' ');
            current.push_str(line);
        } else {
            let previous = lines[index - 1].as_str();
            let ends_sentence = previous.ends_with(['.', '!', '?', ':']);
            if ends_sentence || starts_item(line) || is_full(line) {
                paragraphs.push(std::mem::take(&mut current));
                current.push_str(line);
            } else {
                current.push('\n');
                current.push_str(line);
            }
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs.retain(|p| p.chars().any(char::is_alphanumeric));
    paragraphs
}

/// When `text` ends in a word broken by a hyphen and `next` goes on in lower case, the byte
/// length of `text` without the hyphen.
fn hyphen_stem(text: &str, next: &str) -> Option<usize> {
    let stem = text.strip_suffix('-').or_else(|| text.strip_suffix('\u{ad}'))?;
    let before = stem.chars().next_back()?;
    let after = next.chars().next()?;
    (before.is_lowercase() && after.is_lowercase()).then_some(stem.len())
}

/// Whether a line opens a list item (a bullet, or "1." / "a)" numbering).
fn starts_item(line: &str) -> bool {
    line.starts_with(['•', '◦', '▪', '‣', '–', '*', '-', '●', '■'])
        && line.chars().nth(1).is_some_and(char::is_whitespace)
        || super::sentences::starts_list_item(line, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn running_headers_footers_and_page_numbers_are_dropped() {
        let words = ["probes", "scripts", "tapsets", "events", "handlers", "sessions"];
        let mut pages: Vec<Vec<String>> = words
            .iter()
            .enumerate()
            .map(|(n, word)| {
                page(&[
                    "Chapter 2. Using SystemTap",
                    &format!("This page is about {word}."),
                    &format!("{}", n + 1),
                ])
            })
            .collect();
        remove_running_lines(&mut pages);
        for (p, word) in pages.iter().zip(words) {
            assert_eq!(p, &page(&[&format!("This page is about {word}.")]));
        }
    }

    #[test]
    fn chapter_running_header_on_a_few_pages_is_dropped() {
        let mut pages: Vec<Vec<String>> = (0..20)
            .map(|n| {
                let header = if n < 10 && n % 2 == 0 {
                    "Chapter 3. Understanding How It Works"
                } else {
                    "Other"
                };
                let words = ["alpha", "beta", "gamma", "delta", "epsilon"];
                let body = format!("Body {} {} text.", words[n % 5], words[n / 5 % 5]);
                page(&[header, &body])
            })
            .collect();
        remove_running_lines(&mut pages);
        assert_eq!(pages[0], page(&["Body alpha alpha text."]));
    }

    #[test]
    fn overlay_steps_fold_into_the_full_slide() {
        let pages = vec![
            page(&["Title", "first point"]),
            page(&["Title", "first point", "second"]),
            page(&["Other"]),
        ];
        assert_eq!(fold_overlays(&pages), [false, true, true]);
    }

    #[test]
    fn hyphenated_words_join_and_wrapped_lines_unwrap() {
        let lines = page(&[
            "SystemTap allows users to gather information about the run-",
            "ning kernel in great detail; this line is as long as the others.",
            "A short closing line.",
            "stap -v -e 'probe vfs.read",
            "{printf(\"read performed\\n\"); exit()}'",
        ]);
        assert_eq!(
            paragraphs_of(&lines, &[]),
            [
                "SystemTap allows users to gather information about the running kernel in great detail; this line is as long as the others. A short closing line.",
                "stap -v -e 'probe vfs.read\n{printf(\"read performed\\n\"); exit()}'",
            ]
        );
    }

    #[test]
    fn outline_headings_become_sections_and_carry_over_pages() {
        let pages = vec![
            page(&["Some intro text that is long enough to be a line."]),
            page(&["more of the intro.", "2.1. Architecture", "A session begins when stap runs."]),
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
                Block::Heading { level: 1, text: "Introduction".into() },
                Block::Paragraph("more of the intro.".into()),
                Block::Heading { level: 2, text: "2.1. Architecture".into() },
                Block::Paragraph("A session begins when stap runs.".into()),
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

    #[test]
    fn pdf_label_line_is_not_glued_to_the_paragraph_before() {
        let lines = page(&[
            "The following sections discuss the installation procedures in greater detail.",
            "Important",
            "Many users confuse -debuginfo with -debug. Remember that the deployment needs it.",
        ]);
        assert_eq!(
            paragraphs_of(&lines, &[false, true, false]),
            [
                "The following sections discuss the installation procedures in greater detail.",
                "Important\nMany users confuse -debuginfo with -debug. Remember that the deployment needs it.",
            ]
        );
    }

    #[test]
    fn sentence_broken_by_a_page_break_is_joined_on_the_first_page() {
        let mut pages = vec![
            page(&["The probe fires each time the kernel reads a", "file from"]),
            page(&["the disk, and the handler runs.", "A new paragraph starts here."]),
        ];
        join_across_pages(&mut pages, &[true, true], &[]);
        assert_eq!(pages[0].last().unwrap(), "the disk, and the handler runs.");
        assert_eq!(pages[1], page(&["A new paragraph starts here."]));
    }

    #[test]
    fn page_numbers_are_recognised() {
        for yes in ["12", "- 12 -", "xiv", "Page 3 of 9"] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in ["12 monkeys", "Introduction", "2.1"] {
            assert!(!is_page_number(no), "{no}");
        }
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
            let blocks: Vec<&Block> = book.parts.iter().flat_map(|p| &p.blocks).collect();
            let headings = blocks.iter().filter(|b| matches!(b, Block::Heading { .. })).count();
            assert!(headings * 3 <= blocks.len().max(3), "{headings} headings of {}", blocks.len());
        }
    }

    fn print_of(rows: &[(&str, f32, f32)]) -> fonts::Print {
        let spans: Vec<fonts::Span> = rows
            .iter()
            .map(|(text, middle, left)| fonts::Span {
                text: (*text).to_string(),
                size: 10.0,
                bold: false,
                mono: false,
                middle: *middle,
                left: *left,
            })
            .collect();
        let mut print = fonts::Print::default();
        print.add_page(&spans);
        print
    }

    #[test]
    fn pdf_stray_line_out_of_its_row_is_rejoined() {
        // The parser put "systemtap/tapset/" (printed at the start of row 390) second.
        let print = print_of(&[
            ("Chapter 3.", 745.0, 72.0),
            ("systemtap/tapset/", 390.0, 72.0),
            ("Understanding How It Works", 708.0, 72.0),
            ("checks the tapset library (normally in /usr/share/", 403.0, 72.0),
            ("for any tapsets used.", 390.0, 160.0),
        ]);
        let mut pages = vec![page(&[
            "Chapter 3.",
            "",
            "systemtap/tapset/",
            "Understanding How It Works",
            "checks the tapset library (normally in /usr/share/",
            "for any tapsets used.",
        ])];
        rejoin_stray_lines(&mut pages, &print);
        assert_eq!(
            pages[0],
            page(&[
                "Chapter 3.",
                "Understanding How It Works",
                "checks the tapset library (normally in /usr/share/",
                "systemtap/tapset/ for any tapsets used.",
            ])
        );
    }

    #[test]
    fn pdf_outline_title_split_by_a_stray_line_is_joined() {
        let mut pages =
            vec![page(&["Chapter 3.", "systemtap/tapset/", "Understanding How It Works", "Body."])];
        let outline = vec![(0, 1, "Chapter 3. Understanding How It Works".to_string())];
        join_split_titles(&mut pages, &outline);
        assert_eq!(
            pages[0],
            page(&["Chapter 3.", "Understanding How It Works", "systemtap/tapset/", "Body."])
        );
    }

    #[test]
    fn pdf_running_header_reprinting_a_heading_is_dropped() {
        // The page's header repeats the heading printed under it.
        let mut pages = vec![page(&[
            "semantic error: no match for probe point foo",
            "semantic error: no match for probe point",
            "foo",
            "SystemTap could not resolve the events.",
        ])];
        let font = vec![vec![fonts::FontHeading {
            at: 1,
            taken: 2,
            level: fonts::Level::Below(1),
            text: "semantic error: no match for probe point foo".into(),
        }]];
        assert!(drop_reprinted_headings(&mut pages, &font));
        assert_eq!(pages[0][0], "semantic error: no match for probe point");
        // An outline title over a later page is a running header too.
        let mut pages =
            vec![page(&["Intro", "Text."]), page(&["Chapter 4. Probing", "More text.", "x", "y"])];
        drop_reprinted_titles(&mut pages, &[(0, 1, "Chapter 4. Probing".into())]);
        assert_eq!(pages[1][0], "More text.");
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
