//! Reading-order repairs from the page geometry: a line the parser's reading order took out
//! of its printed row is put back, an outline title printed in two parts around a stray line
//! is joined, and a sentence broken by a page break is carried back to the page it starts on.

use super::furniture::is_page_number;
use super::{find_heading, fonts, same_heading};

/// Most lines of a sentence carried back from the top of a page to the page before.
pub(super) const MAX_CARRIED_LINES: usize = 8;

/// Puts a sentence broken by a page break back together: when a kept page ends inside a
/// sentence and the next kept page goes on in lower case, the next page's lines up to the end
/// of that sentence move to the first page (which the passage then cites).
pub(super) fn join_across_pages(
    pages: &mut [Vec<String>],
    keep: &[bool],
    outline: &[(usize, u8, String)],
) {
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

/// How close (points) two rows' vertical middles are to count as one printed row.
pub(super) const SAME_ROW: f32 = 1.0;

/// Lines after a stray line searched for its row: bounds the work on a hostile page of many
/// lines (linear, not quadratic, in its line count).
pub(super) const STRAY_ROW_SEARCH: usize = 64;

/// Puts back a line the parser's reading order took out of its row: a line printed below
/// both the line before it and the line after it, while those two run top to bottom (one
/// column, not a column break), and for which a later line of the page is printed on the
/// same row. The stray line joins that line, the one printed further left first. Lines the
/// print does not place are left alone.
pub(super) fn rejoin_stray_lines(pages: &mut [Vec<String>], print: &fonts::Print) {
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
pub(super) const MAX_STRAY_LINES: usize = 3;

/// Puts an outline title printed in two parts back together when the parser's reading order
/// put a stray line between them ("Chapter 3." / "systemtap/tapset/" / "Understanding How
/// SystemTap Works"): the second part moves up under the first, the stray lines after it.
pub(super) fn join_split_titles(pages: &mut [Vec<String>], outline: &[(usize, u8, String)]) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::pdf::tests::page;

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
}
