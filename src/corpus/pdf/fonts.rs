//! Headings from the look of the print: font size and weight, for PDFs whose outline
//! (bookmarks) is missing or coarse.
//!
//! One general rule, no rule for any one file. The body size is the size most letters of the
//! document are set in (code in a monospaced font left out). A line is a heading when it reads
//! like one (a few words, no list bullet, no long sentence ending in a period) and it is set
//! clearly larger than the body (at least 15 % larger), or wholly bold at body size while the
//! lines around it are not (a bold line standing alone). Consecutive heading lines of the same
//! look are one heading broken over lines. Looks rank by size, bold before regular at one
//! size; the rank gives the level, so at most [`MAX_RANKS`] looks count.
//!
//! Hostile print cannot make every line a heading: sizes that are not finite or outside
//! [`MIN_SIZE`]–[`MAX_SIZE`] points count as no size, sizes are compared in half points, and
//! looks are taken largest first only while their headings stay under a third of the
//! document's lines ([`MAX_HEADING_SHARE`]).

use std::collections::HashMap;

/// Smallest font size (points) taken as a real size; smaller ones count as unknown.
pub(super) const MIN_SIZE: f32 = 1.0;
/// Largest font size (points) taken as a real size; larger ones count as unknown.
pub(super) const MAX_SIZE: f32 = 500.0;
/// Most heading looks (levels) taken from one document; smaller looks are left as text.
pub(super) const MAX_RANKS: usize = 6;
/// Headings may be at most this share of a document's lines (numerator, denominator).
pub(super) const MAX_HEADING_SHARE: (usize, usize) = (1, 3);
/// A heading is set at least this much larger than the body, in per cent.
const LARGER_PERCENT: u32 = 115;
/// Most words in a heading line.
const MAX_HEADING_WORDS: usize = 12;
/// Most characters in a heading line.
const MAX_HEADING_CHARS: usize = 120;
/// Most lines one heading is broken over.
const MAX_HEADING_LINES: usize = 3;
/// Most words a heading ending in a period may have ("General formalization of
/// haplotyping."); a longer line ending so is a sentence.
const MAX_PERIOD_WORDS: usize = 7;

/// One text span as the heading rule sees it: its text and the look of its font.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Span {
    /// The span's text.
    pub text: String,
    /// The font size in points, as the file states it (checked before use).
    pub size: f32,
    /// Whether the font is bold (by its weight or its name).
    pub bold: bool,
    /// Whether the font is monospaced (code).
    pub mono: bool,
    /// The vertical middle of the span on the page, in points (up is larger); spans of one
    /// printed row share it.
    pub middle: f32,
    /// The span's left edge on the page, in points.
    pub left: f32,
}

impl Span {
    /// The span of a `pdf_oxide` text span; rotated text (margins, axis labels) has no size.
    pub(super) fn of(span: &pdf_oxide::layout::TextSpan) -> Span {
        let name = span.font_name.as_str();
        let upright = span.rotation_degrees == 0.0;
        Span {
            text: span.text.clone(),
            size: if upright { span.font_size } else { f32::NAN },
            bold: span.font_weight.is_bold() || bold_name(name),
            mono: span.is_monospace || mono_name(name),
            middle: span.bbox.y + span.bbox.height / 2.0,
            left: span.bbox.x,
        }
    }
}

/// Whether a font's name says it is bold ("Helvetica-Bold", "ABCDEF+SFSX1095" — TeX's
/// sans bold extended, "CMBX10", "Arial-Black").
fn bold_name(name: &str) -> bool {
    let base = name.rsplit('+').next().unwrap_or(name).to_ascii_lowercase();
    ["bold", "black", "heavy", "demi", "semibold"].iter().any(|w| base.contains(w))
        || ["cmbx", "cmssbx", "sfbx", "sfsx", "ecbx", "ecsx", "lmbx"]
            .iter()
            .any(|p| base.starts_with(p))
}

/// Whether a font's name says it is monospaced ("Courier", "DejaVuSansMono", "CMTT10").
fn mono_name(name: &str) -> bool {
    let base = name.rsplit('+').next().unwrap_or(name).to_ascii_lowercase();
    ["mono", "courier", "typewriter", "consol"].iter().any(|w| base.contains(w))
        || ["cmtt", "sftt", "ectt", "lmtt"].iter().any(|p| base.starts_with(p))
}

/// A font size in half points, when it is a real size.
fn half_points(size: f32) -> Option<u32> {
    // The range check also turns NaN and infinities away; the cast is then exact enough.
    (size.is_finite() && (MIN_SIZE..=MAX_SIZE).contains(&size)).then(|| (size * 2.0).round() as u32)
}

/// How a printed line looks: the size most of its letters are set in, and whether it is
/// wholly bold or mostly monospaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Look {
    /// Font size in half points.
    pub size: u32,
    /// Every letter of the line is bold.
    pub bold: bool,
    /// Most letters of the line are in a monospaced font.
    pub mono: bool,
}

/// What a document's print says: each page's row looks by folded text, and the letters set
/// in each size (for the body size).
#[derive(Debug, Default)]
pub(super) struct Print {
    /// Per page: a row's [`look_key`] → its look (the first row wins on a repeat).
    pub pages: Vec<HashMap<String, Look>>,
    /// Per page: a row's [`look_key`] → where it starts (vertical middle, left edge), when
    /// the file states finite positions; `None` for a text printed on several rows.
    places: Vec<HashMap<String, Option<(f32, f32)>>>,
    /// Letters not in a monospaced font, per size in half points.
    sizes: HashMap<u32, usize>,
    /// Of those, the bold ones, per size.
    bold_sizes: HashMap<u32, usize>,
}

impl Print {
    /// Adds a page's spans, in the order the parser gives them (rows are runs of spans
    /// sharing a vertical middle).
    pub(super) fn add_page(&mut self, spans: &[Span]) {
        let mut looks = HashMap::new();
        let mut places = HashMap::new();
        let mut rows: Vec<Vec<&Span>> = Vec::new();
        for span in spans {
            let tolerance = half_points(span.size).map_or(5.0, |h| h as f32 / 4.0);
            match rows.last_mut() {
                Some(row)
                    if row.first().is_some_and(|f| (f.middle - span.middle).abs() <= tolerance) =>
                {
                    row.push(span);
                }
                _ => rows.push(vec![span]),
            }
        }
        for row in rows {
            let text: String = row.iter().map(|s| s.text.as_str()).collect();
            let key = look_key(&text);
            if key.is_empty() {
                continue;
            }
            let (middle, left) =
                (row[0].middle, row.iter().map(|s| s.left).fold(f32::MAX, f32::min));
            let place = (middle.is_finite() && left.is_finite()).then_some((middle, left));
            places.entry(key.clone()).and_modify(|p| *p = None).or_insert(place);
            if let Some(look) = row_look(&row) {
                looks.entry(key).or_insert(look);
            }
            for span in row {
                let Some(size) = half_points(span.size) else { continue };
                if span.mono {
                    continue;
                }
                let letters = span.text.chars().filter(|c| c.is_alphabetic()).count();
                *self.sizes.entry(size).or_default() += letters;
                if span.bold {
                    *self.bold_sizes.entry(size).or_default() += letters;
                }
            }
        }
        self.pages.push(looks);
        self.places.push(places);
    }

    /// Adds a page the parser could not read.
    pub(super) fn add_empty_page(&mut self) {
        self.pages.push(HashMap::new());
        self.places.push(HashMap::new());
    }

    /// Where a page's line is printed (vertical middle, left edge), if the page's print has
    /// a row of that text.
    pub(super) fn place(&self, page: usize, line: &str) -> Option<(f32, f32)> {
        self.places.get(page)?.get(&look_key(line)).copied().flatten()
    }

    /// The body size in half points (the size most letters are set in; the smaller on a tie)
    /// and whether the body itself is bold.
    pub(super) fn body(&self) -> Option<(u32, bool)> {
        let (&size, &letters) = self
            .sizes
            .iter()
            .max_by_key(|(size, letters)| (**letters, std::cmp::Reverse(**size)))?;
        let bold = self.bold_sizes.get(&size).copied().unwrap_or(0) * 2 > letters;
        (letters > 0).then_some((size, bold))
    }

    /// The look of a page's line, if the page's print has a row of that text.
    pub(super) fn look(&self, page: usize, line: &str) -> Option<Look> {
        self.pages.get(page)?.get(&look_key(line)).copied()
    }
}

/// The look of one printed row, if it has letters with a real size.
fn row_look(row: &[&Span]) -> Option<Look> {
    let mut by_size: HashMap<u32, usize> = HashMap::new();
    let (mut letters, mut bold, mut mono) = (0, 0, 0);
    for span in row {
        let n = span.text.chars().filter(|c| c.is_alphabetic()).count();
        letters += n;
        bold += if span.bold { n } else { 0 };
        mono += if span.mono { n } else { 0 };
        if let Some(size) = half_points(span.size) {
            *by_size.entry(size).or_default() += n;
        }
    }
    let (&size, _) =
        by_size.iter().filter(|(_, n)| **n > 0).max_by_key(|(size, n)| (**n, **size))?;
    Some(Look { size, bold: bold == letters, mono: mono * 2 > letters })
}

/// A row's text as the key of its look: lower case, white space left out (the parser's
/// lines and its spans space words differently), punctuation kept ("# ./disktop.stp" in a
/// listing is not the title "disktop.stp").
fn look_key(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// A line's text reduced to what matching needs: letters and digits, lower case.
pub(super) fn fold(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// How a font heading gets its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    /// Its look is the one the outline's entries of this level are printed in: that level.
    Listed(u8),
    /// Its look is below every look the outline uses (or there is no outline): this many
    /// levels below the outline entry open where it stands.
    Below(u8),
}

/// A heading found from the print: where it is on its page and its level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FontHeading {
    /// Index of its first line among the page's lines.
    pub at: usize,
    /// Lines it takes (a heading broken over lines).
    pub taken: usize,
    /// Its level.
    pub level: Level,
    /// The heading's text.
    pub text: String,
}

/// The document's outline as the heading rule asks it.
pub(super) struct Listed<'a> {
    /// `(page, line)`: the outline level of an entry that points to that page and whose title
    /// the line prints.
    pub on_page: &'a dyn Fn(usize, &str) -> Option<u8>,
    /// The line prints some outline title (or is a table-of-contents line of one).
    pub anywhere: &'a dyn Fn(&str) -> bool,
}

/// A heading candidate: page, first line, lines taken, look, text.
type Candidate = (usize, usize, usize, Look, String);

/// What the print marks on the pages: headings, and labels.
#[derive(Debug, Default)]
pub(super) struct Marked {
    /// Per page, its font headings in line order.
    pub headings: Vec<Vec<FontHeading>>,
    /// Per page, the lines that are labels ("Note", "Important"): set like a heading but
    /// repeated through the document, they open the paragraph they label.
    pub labels: Vec<Vec<usize>>,
}

/// The font headings of each page. `lines` are the pages' lines after clean-up, `skip` the
/// pages left out (folded overlays).
///
/// With an outline: a look that prints the titles of outline entries on their own pages (two
/// at least, and a tenth of its headings) is the outline's look for that level, and its
/// other headings (those the outline leaves out) get that level; looks ranked below every
/// such look nest below the outline; looks above them are the outline's alone. Lines that
/// print an outline title are left to the outline. A text that heads three or more separate
/// runs of pages ("Note", "Important") is a label, not a section.
pub(super) fn font_headings(
    print: &Print,
    lines: &[Vec<String>],
    skip: &[bool],
    listed: &Listed<'_>,
) -> Marked {
    let mut out: Vec<Vec<FontHeading>> = vec![Vec::new(); lines.len()];
    let mut labels: Vec<Vec<usize>> = vec![Vec::new(); lines.len()];
    let Some((body, body_bold)) = print.body() else {
        return Marked { headings: out, labels };
    };
    let mut found: Vec<Candidate> = Vec::new();
    let mut total_lines = 0;
    for (page, page_lines) in lines.iter().enumerate() {
        if skip.get(page).copied().unwrap_or(false) {
            continue;
        }
        total_lines += page_lines.len();
        found.extend(page_candidates(print, page, page_lines, body, body_bold));
    }
    for (page, at, ..) in drop_labels(&mut found) {
        labels[page].push(at);
    }
    // Rank the looks, largest first, bold before regular at one size.
    let mut ranked: Vec<Look> = found.iter().map(|f| f.3).collect();
    ranked.sort_by_key(|l| (std::cmp::Reverse(l.size), !l.bold));
    ranked.dedup();
    // The outline level each look prints, if it is one of the outline's looks.
    let levels: Vec<Option<u8>> = ranked
        .iter()
        .map(|look| {
            let of_look: Vec<&Candidate> = found.iter().filter(|f| f.3 == *look).collect();
            let matched: Vec<u8> =
                of_look.iter().filter_map(|f| (listed.on_page)(f.0, &f.4)).collect();
            (matched.len() >= 2 && matched.len() * 10 >= of_look.len()).then(|| mode(&matched))
        })
        .collect();
    let first_covered = levels.iter().position(Option::is_some);
    let last_covered = levels.iter().rposition(Option::is_some);
    // Largest looks first while their headings stay under the share of lines a document can
    // have.
    let budget = total_lines * MAX_HEADING_SHARE.0 / MAX_HEADING_SHARE.1;
    let mut used = 0;
    let mut kept: Vec<(Look, Level)> = Vec::new();
    let mut below = 0u8;
    let mut above_level = None;
    for (index, look) in ranked.iter().enumerate() {
        let level = match (levels[index], first_covered, last_covered) {
            (Some(level), ..) => {
                above_level = Some(level);
                Level::Listed(level)
            }
            // Above the outline's looks: the outline's alone.
            (None, Some(first), _) if index < first => continue,
            // Between two of the outline's looks: one below the look above.
            (None, _, Some(last)) if index < last => {
                Level::Listed(above_level.unwrap_or(1).saturating_add(1).min(6))
            }
            (None, ..) => {
                below += 1;
                if usize::from(below) > MAX_RANKS {
                    break;
                }
                Level::Below(below)
            }
        };
        let headings = found.iter().filter(|f| f.3 == *look).count();
        if used + headings > budget {
            break;
        }
        used += headings;
        kept.push((*look, level));
    }
    for (page, at, taken, look, text) in found {
        let Some((_, level)) = kept.iter().find(|k| k.0 == look) else { continue };
        if (listed.anywhere)(&text) {
            continue;
        }
        out[page].push(FontHeading { at, taken, level: *level, text });
    }
    Marked { headings: out, labels }
}

/// The most common of `levels` (the smaller on a tie); `levels` is not empty.
fn mode(levels: &[u8]) -> u8 {
    let mut counts = [0usize; 256];
    for level in levels {
        counts[usize::from(*level)] += 1;
    }
    let best = counts.iter().max().copied().unwrap_or(0);
    counts
        .iter()
        .position(|c| *c == best && best > 0)
        .and_then(|p| u8::try_from(p).ok())
        .unwrap_or(1)
}

/// The heading candidates of one page.
fn page_candidates(
    print: &Print,
    page: usize,
    lines: &[String],
    body: u32,
    body_bold: bool,
) -> Vec<Candidate> {
    let looks: Vec<Option<Look>> = lines.iter().map(|l| print.look(page, l)).collect();
    let lower_start = |i: usize| lines[i].starts_with(char::is_lowercase);
    let larger = |look: Look| look.size * 100 >= body * LARGER_PERCENT;
    let heading = |i: usize| -> Option<Look> {
        let look = looks[i]?;
        // A bold line runs on from or into a bold neighbour that goes on in lower case: a
        // bold paragraph, not a heading.
        let same = |j: usize| {
            looks.get(j).copied().flatten().is_some_and(|n| n.bold && n.size == look.size)
        };
        let in_paragraph =
            (i > 0 && same(i - 1) && lower_start(i)) || (same(i + 1) && lower_start(i + 1));
        let bold_alone = look.bold && !body_bold && look.size * 100 >= body * 95 && !in_paragraph;
        (!look.mono && (larger(look) || bold_alone) && reads_as_heading(&lines[i])).then_some(look)
    };
    let mut out = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let Some(look) = heading(index) else {
            index += 1;
            continue;
        };
        let mut taken = 1;
        let mut text = lines[index].clone();
        // A larger heading broken over lines of the same look.
        while larger(look)
            && taken < MAX_HEADING_LINES
            && index + taken < lines.len()
            && looks[index + taken] == Some(look)
            && heading(index + taken).is_some()
        {
            text.push(' ');
            text.push_str(&lines[index + taken]);
            taken += 1;
        }
        out.push((page, index, taken, look, text));
        index += taken;
    }
    out
}

/// Takes out the candidates whose text heads three or more separate runs of pages: labels
/// such as "Note" or "Example", not sections (a slide's overlay steps are one run).
fn drop_labels(found: &mut Vec<Candidate>) -> Vec<Candidate> {
    let mut runs: HashMap<String, (usize, usize)> = HashMap::new();
    for (page, _, _, _, text) in found.iter() {
        let entry = runs.entry(fold(text)).or_insert((0, usize::MAX));
        if entry.1 == usize::MAX || page.saturating_sub(entry.1) > 1 {
            entry.0 += 1;
        }
        entry.1 = *page;
    }
    let (kept, labels): (Vec<Candidate>, Vec<Candidate>) = std::mem::take(found)
        .into_iter()
        .partition(|f| runs.get(&fold(&f.4)).is_none_or(|r| r.0 < 3));
    *found = kept;
    labels
}

/// Whether a line's words read like a heading: letters, a few words, no list bullet, no
/// trailing comma, and no long sentence ending in a period.
fn reads_as_heading(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    let sentence = line.ends_with('.')
        && !line.ends_with("..")
        && line.chars().rev().nth(1).is_some_and(char::is_lowercase)
        && words > MAX_PERIOD_WORDS;
    letters >= 2
        && words <= MAX_HEADING_WORDS
        && line.chars().count() <= MAX_HEADING_CHARS
        && !line.ends_with([',', ';'])
        && !sentence
        && !super::paragraphs::starts_item(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A span on row `row` (rows 50 points apart).
    fn span(text: &str, size: f32, bold: bool, row: usize) -> Span {
        Span {
            text: text.into(),
            size,
            bold,
            mono: false,
            middle: 100_000.0 - 50.0 * row as f32,
            left: 72.0,
        }
    }

    /// A print of one page of `spans` and its lines (one per row).
    fn page_of(spans: &[Span]) -> (Print, Vec<Vec<String>>) {
        let mut print = Print::default();
        print.add_page(spans);
        let mut lines: Vec<String> = Vec::new();
        let mut last = f32::NAN;
        for s in spans {
            if s.middle == last {
                lines.last_mut().unwrap().push_str(&s.text);
            } else {
                lines.push(s.text.clone());
            }
            last = s.middle;
        }
        (print, vec![lines])
    }

    fn rank(level: Level) -> u8 {
        match level {
            Level::Below(rank) => rank,
            Level::Listed(level) => 100 + level,
        }
    }

    fn headings(spans: &[Span]) -> Vec<(usize, u8, String)> {
        let (print, lines) = page_of(spans);
        let listed = Listed { on_page: &|_, _| None, anywhere: &|_| false };
        font_headings(&print, &lines, &[false], &listed).headings[0]
            .iter()
            .map(|h| (h.at, rank(h.level), h.text.clone()))
            .collect()
    }

    const BODY: &str = "SystemTap scripts are made of probes, and each probe runs a handler.";

    #[test]
    fn larger_lines_are_headings_ranked_by_size() {
        let spans = [
            span("Using SystemTap", 24.0, true, 0),
            span(BODY, 10.0, false, 1),
            span(BODY, 10.0, false, 2),
            span("2.1. Installation", 16.0, true, 3),
            span(BODY, 10.0, false, 4),
            span(BODY, 10.0, false, 5),
            span(BODY, 10.0, false, 6),
        ];
        assert_eq!(
            headings(&spans),
            [(0, 1, "Using SystemTap".to_string()), (3, 2, "2.1. Installation".to_string())]
        );
    }

    #[test]
    fn bold_line_at_body_size_standing_alone_is_a_heading_but_a_bold_paragraph_is_not() {
        let spans = [
            span("What is haplotyping?", 10.0, true, 0),
            span(BODY, 10.0, false, 1),
            span(BODY, 10.0, false, 2),
            span("A bold warning line", 10.0, true, 3),
            span("that goes on bold", 10.0, true, 4),
            span(BODY, 10.0, false, 5),
            span(BODY, 10.0, false, 6),
            span(BODY, 10.0, false, 7),
        ];
        assert_eq!(headings(&spans), [(0, 1, "What is haplotyping?".to_string())]);
    }

    #[test]
    fn sentences_bullets_and_code_are_not_headings() {
        let mut code = span("probe vfs.read", 14.0, true, 3);
        code.mono = true;
        let spans = [
            span(
                "This long line is set large but it is a whole sentence of words.",
                14.0,
                false,
                0,
            ),
            span(BODY, 10.0, false, 1),
            span("• a bullet", 14.0, false, 2),
            code,
            span(BODY, 10.0, false, 4),
            span(BODY, 10.0, false, 5),
        ];
        assert!(headings(&spans).is_empty());
    }

    #[test]
    fn heading_broken_over_lines_is_one_heading() {
        let spans = [
            span("On the Complexity of SNP Block", 14.3, false, 0),
            span("Partitioning Under the Perfect Phylogeny", 14.3, false, 1),
            span("Model", 14.3, false, 2),
            span(BODY, 10.9, false, 3),
            span(BODY, 10.9, false, 4),
            span(BODY, 10.9, false, 5),
            span(BODY, 10.9, false, 6),
            span(BODY, 10.9, false, 7),
        ];
        assert_eq!(
            headings(&spans),
            [(
                0,
                1,
                "On the Complexity of SNP Block Partitioning Under the Perfect Phylogeny Model"
                    .to_string()
            )]
        );
    }

    #[test]
    fn outline_looks_keep_their_level_labels_drop_and_smaller_looks_nest_below() {
        let mut spans = Vec::new();
        let mut row = 0;
        let mut add = |text: &str, size: f32, bold: bool, spans: &mut Vec<Span>| {
            spans.push(span(text, size, bold, row));
            spans.push(span(BODY, 10.0, false, row + 1));
            spans.push(span(BODY, 10.0, false, row + 2));
            row += 3;
        };
        add("3.1. Architecture", 16.0, true, &mut spans);
        add("3.2. Scripts", 16.0, true, &mut spans);
        add("3.2.1. Event", 14.0, true, &mut spans);
        add("3.2.2. Handler", 14.0, true, &mut spans);
        add("semantic error: type mismatch", 14.0, true, &mut spans);
        add("Synchronous Events", 11.0, true, &mut spans);
        add("Chapter Title", 24.0, true, &mut spans);
        let (mut print, lines) = page_of(&spans);
        // The same page three times over, apart: "Note" on each is a label.
        let note =
            [span("Note", 13.0, true, 0), span(BODY, 10.0, false, 1), span(BODY, 10.0, false, 2)];
        let mut pages = lines;
        for _ in 0..5 {
            print.add_page(&note);
            pages.push(vec!["Note".into(), BODY.into(), BODY.into()]);
        }
        let skip = [false, false, true, false, true, false];
        let outline = |l: &str| match l {
            "3.1. Architecture" | "3.2. Scripts" => Some(2),
            "3.2.1. Event" | "3.2.2. Handler" => Some(3),
            _ => None,
        };
        let listed = Listed {
            on_page: &|p, l| if p == 0 { outline(l) } else { None },
            anywhere: &|l| outline(l).is_some(),
        };
        let marked = font_headings(&print, &pages, &skip, &listed);
        let found = marked.headings;
        assert_eq!(marked.labels, [vec![], vec![0], vec![], vec![0], vec![], vec![0]]);
        let first: Vec<(usize, Level, String)> =
            found[0].iter().map(|h| (h.at, h.level, h.text.clone())).collect();
        assert_eq!(
            first,
            [
                (12, Level::Listed(3), "semantic error: type mismatch".to_string()),
                (15, Level::Below(1), "Synchronous Events".to_string()),
            ]
        );
        assert!(found[1..].iter().all(Vec::is_empty), "{found:?}");
    }

    #[test]
    fn hostile_font_sizes_do_not_panic_or_make_every_line_a_heading() {
        // Every line a different size, absurd sizes among them.
        let absurd = [0.0, -3.0, f32::NAN, f32::INFINITY, 1e30, f32::MIN_POSITIVE, 499.9];
        let mut spans: Vec<Span> = (0..3000)
            .map(|i| {
                let size =
                    if i % 7 == 0 { absurd[i / 7 % absurd.len()] } else { 10.0 + i as f32 * 0.013 };
                span(&format!("Line {i}"), size, i % 2 == 0, i)
            })
            .collect();
        spans.push(span("", f32::NAN, true, 3001));
        let found = headings(&spans);
        assert!(found.len() <= 1000, "{} of 3000 lines are headings", found.len());
        assert!(found.iter().all(|h| (1..=MAX_RANKS as u8).contains(&h.1)));
        // Nothing but absurd sizes: no body size, no headings.
        let spans: Vec<Span> =
            absurd.iter().enumerate().map(|(i, s)| span("Some words here", *s, false, i)).collect();
        assert_eq!(headings(&spans), []);
    }

    #[test]
    fn pdf_code_line_folding_like_a_title_is_not_a_heading() {
        // "# ./disktop.stp" in a listing has the letters of the caption "disktop.stp".
        let mut code = span("# ./disktop.stp", 8.0, false, 2);
        code.mono = true;
        let (print, _) =
            page_of(&[span("disktop.stp", 11.0, true, 0), span(BODY, 10.0, false, 1), code]);
        assert_eq!(print.look(0, "# ./disktop.stp").map(|l| l.mono), Some(true));
        assert_eq!(print.look(0, "disktop.stp").map(|l| l.bold), Some(true));
    }

    #[test]
    fn font_names_say_bold_and_mono() {
        for yes in ["Helvetica-Bold", "ABCDEF+SFSX1095", "CMBX12", "Arial-BoldItalic"] {
            assert!(bold_name(yes), "{yes}");
        }
        for no in ["Helvetica", "ZFCXOZ+SFSS1095", "CMR10", "Times-Italic"] {
            assert!(!bold_name(no), "{no}");
        }
        assert!(mono_name("Courier") && mono_name("XYZ+CMTT10") && !mono_name("Helvetica"));
    }
}
