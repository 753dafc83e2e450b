//! Reading PDF files with `pdf_oxide` (pure Rust): the text layer page by page in reading
//! order, each page one cited part ("p. 12").
//!
//! General clean-up, no rule for any one file: lines repeated at the top or bottom of most
//! pages (running headers and footers, page numbers, a slide deck's navigation bar) are
//! dropped; a page whose every line reappears on the next page (a slide overlay building up)
//! is folded into that page; words hyphenated at line ends are joined; wrapped lines are
//! unwrapped into paragraphs, while short lines (code, table rows) keep their breaks. The
//! document outline (bookmarks), when there is one, gives the sections.
//!
//! A PDF without a text layer is skipped with "no text layer — scanned? run OCR first";
//! encrypted and damaged files are skipped with their reason. The parser is third-party code
//! run on hostile input: the caller runs every reader inside its isolation wrapper.

use std::collections::HashMap;

use pdf_oxide::PdfDocument;
use pdf_oxide::object::Object;
use pdf_oxide::outline::{Destination, OutlineItem};

use super::{Block, Book, Part};

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
    let mut first_error = None;
    for index in 0..count.min(MAX_PAGES) {
        match doc.extract_text(index) {
            Ok(text) => pages.push(text.lines().map(str::to_string).collect::<Vec<_>>()),
            Err(err) => {
                first_error.get_or_insert_with(|| damaged(&err));
                pages.push(Vec::new());
            }
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
    Ok(Book { title, parts: parts_of(pages, &outline) })
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
/// outline headings placed, paragraphs assembled.
fn parts_of(mut pages: Vec<Vec<String>>, outline: &[(usize, u8, String)]) -> Vec<Part> {
    for page in &mut pages {
        for line in page.iter_mut() {
            *line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        }
    }
    remove_running_lines(&mut pages);
    let keep = fold_overlays(&pages);
    join_across_pages(&mut pages, &keep, outline);
    let mut by_page: HashMap<usize, Vec<(u8, &str)>> = HashMap::new();
    for (page, level, title) in outline {
        by_page.entry(*page).or_default().push((*level, title.as_str()));
    }
    // The open headings, outermost first: every page starts under all of them.
    let mut open: Vec<(u8, String)> = Vec::new();
    let enter = |open: &mut Vec<(u8, String)>, level: u8, title: &str| {
        while open.last().is_some_and(|(l, _)| *l >= level) {
            open.pop();
        }
        open.push((level, title.to_string()));
    };
    let mut parts = Vec::new();
    for (index, lines) in pages.iter().enumerate() {
        // Headings of folded overlay pages carry on to the page that is kept.
        let entries = by_page.remove(&index).unwrap_or_default();
        if !keep[index] {
            for (level, title) in entries {
                enter(&mut open, level, title);
            }
            continue;
        }
        let mut blocks: Vec<Block> = open
            .iter()
            .map(|(level, text)| Block::Heading { level: *level, text: text.clone() })
            .collect();
        let mut start = 0;
        let mut pending: Option<(u8, String)> = None;
        for (level, title) in entries {
            if let Some((at, taken)) = find_heading(&lines[start..], title) {
                push_section(&mut blocks, &mut pending, &lines[start..start + at]);
                start += at + taken;
            }
            if let Some((level, text)) = pending.take() {
                blocks.push(Block::Heading { level, text });
            }
            pending = Some((level, title.to_string()));
            enter(&mut open, level, title);
        }
        push_section(&mut blocks, &mut pending, &lines[start..]);
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
/// does not list becomes a heading of that depth.
fn push_section(blocks: &mut Vec<Block>, pending: &mut Option<(u8, String)>, lines: &[String]) {
    let mut start = 0;
    for (at, line) in lines.iter().enumerate() {
        let Some(depth) = super::text::numbered_depth(line).filter(|d| *d >= 2) else { continue };
        push_paragraphs(blocks, pending, &lines[start..at]);
        if let Some((level, text)) = pending.take() {
            blocks.push(Block::Heading { level, text });
        }
        *pending = Some((u8::try_from(depth.min(6)).unwrap_or(6), line.clone()));
        start = at + 1;
    }
    push_paragraphs(blocks, pending, &lines[start..]);
}

/// Appends the paragraphs of `lines`, after the pending heading if there is text.
fn push_paragraphs(blocks: &mut Vec<Block>, pending: &mut Option<(u8, String)>, lines: &[String]) {
    let paragraphs = paragraphs_of(lines);
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
/// space (a word hyphenated across them is joined whole); short lines keep their breaks.
fn paragraphs_of(lines: &[String]) -> Vec<String> {
    let mut widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    widths.sort_unstable();
    let full = widths.get(widths.len() * 9 / 10).copied().unwrap_or(0).max(1);
    let is_full = |line: &str| line.chars().count() * 10 >= full * 7;
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for (index, line) in lines.iter().enumerate() {
        if current.is_empty() {
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
            paragraphs_of(&lines),
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
        let parts = parts_of(pages, &outline);
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
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
            format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len() + 1),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
            "<< /Title (Tiny Guide) >>".to_string(),
            "<< /Filter /Standard /V 1 /R 2 /O (0123456789abcdef0123456789abcdef) /U (0123456789abcdef0123456789abcdef) /P -4 >>".to_string(),
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
