//! Page furniture: what a PDF prints around its text rather than as text, found by general
//! rules and dropped before paragraphs are assembled. Running headers and footers (lines
//! repeated at the edges of many pages, page numbers, a chapter's or section's title reprinted
//! over its pages, with or without its number), slide overlay steps folded into the full
//! slide, and reference pages (a table of contents, a back-of-book index) whose lines only
//! point to other pages.

use std::collections::HashMap;

use super::{fonts, same_heading};

/// Lines looked at from each end of a page when looking for running headers and footers.
pub(super) const EDGE_LINES: usize = 3;
/// Pages whose edges a line with words must reach to count as a running header.
pub(super) const RUNNING_PAGES: usize = 4;
/// The key two running lines share: lower case, digits and roman page numbers ignored.
pub(super) fn running_key(line: &str) -> String {
    line.chars()
        .filter(|c| !c.is_ascii_digit() && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a line is only a page number ("12", "- 12 -", "xiv", "Page 3 of 9").
pub(super) fn is_page_number(line: &str) -> bool {
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
pub(super) fn remove_running_lines(pages: &mut [Vec<String>]) {
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
/// (a chapter's title over its later pages, the section shown in a slide deck's header), or
/// the title of a numbered entry of this page or an earlier one without its number ("Initial
/// Testing" over the page where "2.1.3. Initial Testing" begins).
pub(super) fn drop_reprinted_titles(pages: &mut [Vec<String>], outline: &[(usize, u8, String)]) {
    if outline.is_empty() {
        return;
    }
    let bare: Vec<Option<String>> = outline.iter().map(|(_, _, t)| unnumbered(t)).collect();
    for (index, page) in pages.iter_mut().enumerate() {
        let n = page.len();
        let mut at = 0;
        page.retain(|line| {
            let edge = at < EDGE_LINES || at + EDGE_LINES >= n;
            at += 1;
            let reprint = |(o, bare): (&(usize, u8, String), &Option<String>)| {
                (o.0 < index && same_heading(line, &o.2))
                    || (o.0 <= index && bare.as_ref().is_some_and(|b| *b == fonts::fold(line)))
            };
            !(edge && outline.iter().zip(&bare).any(reprint))
        });
    }
}

/// A numbered title's words without their number, folded ("2.1.3. Initial Testing" →
/// "initialtesting"); `None` for a title without a number.
pub(super) fn unnumbered(title: &str) -> Option<String> {
    let mut words = title.split_whitespace().peekable();
    let mut numbered = false;
    while words
        .next_if(|w| {
            w.chars().any(|c| c.is_ascii_digit())
                && w.chars().all(|c| c.is_ascii_digit() || c == '.')
        })
        .is_some()
    {
        numbered = true;
    }
    let rest = fonts::fold(&words.collect::<Vec<_>>().join(" "));
    (numbered && !rest.is_empty()).then_some(rest)
}

/// Pages that only point elsewhere, a table of contents or a back-of-book index, say
/// nothing a question is answered by: a page is one when at least
/// [`REFERENCE_SHARE_PERCENT`] of its lines (and [`MIN_REFERENCE_LINES`]) end in page
/// references ("local variables, 47, 51", "3.1. Architecture ........ 11") to pages the
/// document has. Its lines are dropped.
pub(super) fn drop_reference_pages(pages: &mut [Vec<String>]) {
    let count = pages.len();
    for page in pages.iter_mut() {
        let refs = page.iter().filter(|l| is_reference_line(l, count)).count();
        if refs >= MIN_REFERENCE_LINES && refs * 100 >= page.len() * REFERENCE_SHARE_PERCENT {
            page.clear();
        }
    }
}

/// Share of a page's lines (per cent) that must be page references for a reference page.
pub(super) const REFERENCE_SHARE_PERCENT: usize = 30;
/// Fewest page-reference lines on a reference page.
pub(super) const MIN_REFERENCE_LINES: usize = 5;

/// Whether a line ends in a page reference: a page number (at most `pages`, or roman) after
/// a comma (an index entry, "arrays, 26, 31") or after dot leaders (a contents line).
pub(super) fn is_reference_line(line: &str, pages: usize) -> bool {
    let Some((head, last)) = line.trim_end().rsplit_once(' ') else { return false };
    let page_ref = |n: &str| {
        let n = n.trim_end_matches(',');
        n.parse::<usize>().is_ok_and(|v| v <= pages)
            || (!n.is_empty() && n.len() <= 6 && n.chars().all(|c| "ivxlc".contains(c)))
    };
    if !page_ref(last) {
        return false;
    }
    let head = head.trim_end();
    head.ends_with(',') || head.ends_with("...") || head.ends_with('…')
}

/// Drops a running header that repeats a font heading: a line among the first or last
/// [`EDGE_LINES`] of a page, not itself a heading, that prints the text of a heading on that
/// page or an earlier one. Whether any line was dropped.
pub(super) fn drop_reprinted_headings(
    pages: &mut [Vec<String>],
    font: &[Vec<fonts::FontHeading>],
) -> bool {
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
pub(super) fn fold_overlays(pages: &[Vec<String>]) -> Vec<bool> {
    let mut keep = vec![true; pages.len()];
    for index in 0..pages.len().saturating_sub(1) {
        let (this, next) = (&pages[index], &pages[index + 1]);
        if !this.is_empty() && this.len() <= next.len() && this.iter().all(|l| next.contains(l)) {
            keep[index] = false;
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::pdf::tests::page;

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
    fn page_numbers_are_recognised() {
        for yes in ["12", "- 12 -", "xiv", "Page 3 of 9"] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in ["12 monkeys", "Introduction", "2.1"] {
            assert!(!is_page_number(no), "{no}");
        }
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
    fn pdf_running_header_with_a_section_title_without_its_number_is_dropped() {
        let mut pages = vec![page(&[
            "Initial Testing",
            "debuginfo-install kernel-PAE",
            "Once you have the packages, install them.",
            "2.1.3. Initial Testing",
            "If you use the kernel you intend to probe, test the deployment now.",
        ])];
        drop_reprinted_titles(&mut pages, &[(0, 3, "2.1.3. Initial Testing".into())]);
        assert_eq!(pages[0][0], "debuginfo-install kernel-PAE");
        assert!(pages[0].contains(&"2.1.3. Initial Testing".to_string()));
        assert_eq!(unnumbered("Summary"), None);
    }

    #[test]
    fn pdf_years_and_plain_numbers_are_not_page_references() {
        assert!(is_reference_line("local variables, 47, 51", 96));
        assert!(is_reference_line("3.1. Architecture ............ 11", 96));
        assert!(!is_reference_line("In Proc. WABI, 2006", 96));
        assert!(!is_reference_line("1. Introduction 1", 96));
    }
}
