//! Reading plain-text files (`.txt`): manuals as `man`, `info` or DocBook print them,
//! README-style notes, scraped pages saved as text.
//!
//! Hard-wrapped paragraphs are unwrapped (a line is joined to the next when the next word
//! would not have fit on it; paragraph breaks are kept). Headings are recognised by their
//! form, and one document uses one form: numbered headings ("3.23. auto_tag", "Chapter 9.
//! Reference", "1.1.6. Virtual consoles") nest by their numbers; underlined (setext) headings
//! and lines in capitals ("DESCRIPTION") also count; only in a text that has none of these is
//! a short title-like line taken as a heading. A line that reads as a command or a config
//! example (`$ make`, `# dpkg-reconfigure tzdata`, `set tunnel="…"`, `bind map key
//! function`) is never a heading, and blocks of such lines, like indented blocks, keep their
//! lines and indentation. Box-drawing and ASCII tables become one row per line, the cells of
//! a row wrapped over several lines put back together. A table of contents (numbered entries
//! whose titles come back later as headings) is left out.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use unicode_normalization::{IsNormalized, UnicodeNormalization};

use super::Block;
use super::clean::{Script, dominant_script, is_boilerplate_in};

/// A first line longer than this is not taken as the title.
const MAX_TITLE_CHARS: usize = 200;
/// Longest heading text, in characters.
const MAX_HEADING_CHARS: usize = 100;
/// Most words in an unnumbered heading.
const MAX_HEADING_WORDS: usize = 10;
/// Numbered headings a text needs before unnumbered title-like lines stop counting.
const MIN_NUMBERED_HEADINGS: usize = 3;

/// A plain-text file's title (its first line, when `take_title` and that line reads as one;
/// the line is then left out of the body) and body blocks.
pub(crate) fn read_text(text: &str, take_title: bool) -> (Option<String>, Vec<Block>) {
    let normalized = normalize(text);
    let chunks = Chunks::of(&normalized);
    let mut reader = Reader::new(&chunks);
    if take_title {
        reader.title();
    }
    (reader.title.clone(), reader.blocks())
}

/// One line as written: its indentation (in columns) and its text without it. The text
/// borrows from the normalized file unless tabs or odd spaces had to be rewritten, so a file
/// of many short lines costs little more than the file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line<'t> {
    /// Leading spaces, tabs expanded to columns of 8.
    indent: usize,
    /// The text, trimmed at both ends.
    text: Cow<'t, str>,
}

/// The non-blank lines of a text, in chunks separated by blank lines: one flat list of lines
/// and the bounds of each chunk (not a list per chunk, which cost ten times the file on a
/// text of one-line paragraphs).
struct Chunks<'t> {
    /// Every kept line, in order.
    lines: Vec<Line<'t>>,
    /// Each chunk's first line and its end (exclusive), as indices into `lines`.
    bounds: Vec<(u32, u32)>,
}

impl<'t> Chunks<'t> {
    /// Splits normalized text into lines and chunks; boilerplate lines (page widgets,
    /// counters) count as blank lines.
    fn of(normalized: &'t str) -> Self {
        let dominant = dominant_script(normalized);
        let mut lines = Vec::new();
        let mut bounds = Vec::new();
        let mut start = 0u32;
        for raw in normalized.split('\n') {
            match line_of(raw, dominant) {
                Some(line) => lines.push(line),
                None => {
                    let end = u32::try_from(lines.len()).unwrap_or(u32::MAX);
                    if end > start {
                        bounds.push((start, end));
                    }
                    start = end;
                }
            }
        }
        let end = u32::try_from(lines.len()).unwrap_or(u32::MAX);
        if end > start {
            bounds.push((start, end));
        }
        lines.shrink_to_fit();
        bounds.shrink_to_fit();
        Chunks { lines, bounds }
    }

    /// How many chunks there are.
    fn len(&self) -> usize {
        self.bounds.len()
    }

    /// The lines of chunk `index` (empty past the end).
    fn get(&self, index: usize) -> &[Line<'t>] {
        self.bounds
            .get(index)
            .and_then(|&(start, end)| self.lines.get(start as usize..end as usize))
            .unwrap_or(&[])
    }

    /// The chunks from `start` on, in order.
    fn from(&self, start: usize) -> impl Iterator<Item = &[Line<'t>]> {
        (start..self.len()).map(|index| self.get(index))
    }
}

/// NFC and `\n` line ends (the text is copied only when it needs a change).
fn normalize(text: &str) -> Cow<'_, str> {
    let text: Cow<'_, str> = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    if unicode_normalization::is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// No-break spaces, read as plain spaces.
const NO_BREAK_SPACES: [char; 3] = ['\u{a0}', '\u{2007}', '\u{202f}'];
/// Invisible characters (zero-width spaces and joiners, BOM, soft hyphen), dropped.
const INVISIBLE: [char; 6] = ['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{ad}'];

/// One raw line tidied: tabs expanded, invisible characters and no-break spaces tidied,
/// trimmed; `None` for a line that counts as blank (empty, a counter or separator, or
/// boilerplate).
fn line_of(raw: &str, dominant: Option<Script>) -> Option<Line<'_>> {
    // Tabs are control characters: one test finds every line that needs rewriting.
    let tidy = |c: char| c.is_control() || NO_BREAK_SPACES.contains(&c) || INVISIBLE.contains(&c);
    let (indent, text): (usize, Cow<'_, str>) = if raw.chars().any(tidy) {
        let mut expanded = String::with_capacity(raw.len());
        for c in raw.chars() {
            match c {
                '\t' => {
                    let width = expanded.chars().count();
                    expanded.extend(std::iter::repeat_n(' ', 8 - width % 8));
                }
                c if NO_BREAK_SPACES.contains(&c) => expanded.push(' '),
                c if INVISIBLE.contains(&c) => {}
                c if c.is_control() => expanded.push(' '),
                c => expanded.push(c),
            }
        }
        let indent = expanded.chars().take_while(|c| *c == ' ').count();
        (indent, Cow::Owned(expanded.trim().to_string()))
    } else {
        let indent = raw.chars().take_while(|c| *c == ' ').count();
        (indent, Cow::Borrowed(raw.trim()))
    };
    if text.is_empty() {
        return None;
    }
    let has_letters = text.chars().any(char::is_alphanumeric);
    // Rules and table borders are kept (they mark tables and underlined headings); other
    // lines without letters at the margin are counters and separators.
    if !has_letters && !is_rule(&text) && indent == 0 && !is_code_punctuation(&text) {
        return None;
    }
    if has_letters && indent < 4 && is_boilerplate_in(&text, dominant) {
        return None;
    }
    Some(Line { indent, text })
}

/// Whether a line is only rule or box-drawing characters (`-----`, `═══`, `├──┼──┤`).
fn is_rule(text: &str) -> bool {
    text.chars().count() >= 3
        && text.chars().all(|c| {
            matches!(c, '-' | '=' | '_' | '~' | '*' | '+' | '#' | '.' | ':' | '|' | ' ')
                || ('\u{2500}'..='\u{257f}').contains(&c)
        })
}

/// Whether a line without letters is code rather than a separator (`}`, `);`, `fi`-less
/// closers).
fn is_code_punctuation(text: &str) -> bool {
    text.chars().count() <= 3 && text.chars().all(|c| matches!(c, '}' | ')' | ']' | ';' | '{'))
}

/// A numbered heading's parts: "Chapter 3. Configuration" → (true, [3], "Configuration").
#[derive(Debug, Clone, PartialEq, Eq)]
struct Numbered {
    /// Whether a word such as "Chapter", "Part" or "Appendix" comes before the number.
    chapter: bool,
    /// The number's components ("3.23" → [3, 23]; a letter counts as its place, A = 1).
    number: Vec<u32>,
    /// The title after the number.
    title: String,
}

/// Words that open a chapter-level numbered heading.
const CHAPTER_WORDS: &[&str] = &["chapter", "part", "appendix", "section", "lesson", "unit"];

/// Parses a numbered heading line, if the line has that form.
fn numbered(text: &str) -> Option<Numbered> {
    let (chapter, rest) = match text.split_once(' ') {
        Some((word, rest)) if CHAPTER_WORDS.contains(&word.to_lowercase().as_str()) => {
            (true, rest.trim_start())
        }
        _ => (false, text),
    };
    let (number, title) = rest.split_once(' ')?;
    let title = title.trim();
    let dotted = number.strip_suffix('.').unwrap_or(number);
    if dotted.is_empty() || (!chapter && !number.ends_with('.') && !dotted.contains('.')) {
        return None;
    }
    let mut parts = Vec::new();
    for (index, part) in dotted.split('.').enumerate() {
        let value = match part.parse::<u32>() {
            Ok(n) if part.len() <= 3 => n,
            _ if index == 0 && part.len() == 1 && part.chars().all(|c| c.is_ascii_uppercase()) => {
                u32::from(part.as_bytes()[0] - b'A' + 1)
            }
            _ => return None,
        };
        parts.push(value);
    }
    let title_ok = title.starts_with(|c: char| c.is_alphanumeric() || "\"'“‘(".contains(c))
        && !(code_like(title) && title.starts_with(char::is_lowercase) && title.contains(' '))
        && title.chars().count() <= MAX_HEADING_CHARS
        && title.chars().any(char::is_alphabetic)
        && !title.ends_with(['.', ',', ';', '!', '?'])
        && (!title.ends_with(':') || chapter)
        && !title.contains(". ");
    (title_ok && parts.len() <= 6).then(|| Numbered { chapter, number: parts, title: title.into() })
}

/// The depth of a numbered heading line ("5.1.1. Network Profiling" → 3), if the line has
/// that form.
pub(crate) fn numbered_depth(line: &str) -> Option<usize> {
    numbered(line).filter(|n| !n.chapter).map(|n| n.number.len())
}

/// Characters that mark a line as code or a synopsis rather than prose or a heading.
const CODE_MARKS: &[char] = &['=', '`', '{', '}', '[', ']', '<', '>', '|', '~', '\\', ';', '@'];

/// Whether one line reads as a command, a config line or a synopsis rather than prose.
pub(crate) fn code_like(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let Some(first) = words.first() else { return false };
    // A prompt: "$ make", "# dpkg-reconfigure tzdata", "% ls", "> cmd".
    if matches!(*first, "$" | "#" | "%" | ">>>")
        && words.get(1).is_some_and(|w| w.starts_with(|c: char| c.is_lowercase() || c == '/'))
    {
        return true;
    }
    if text.ends_with(['\\', '{', '}', ';']) || text.starts_with(['/', '~', '(', '{', '}']) {
        return true;
    }
    let ends_prose = text.ends_with(['.', '!', '?', ':', ',']) && !text.ends_with("...");
    let lower_start = first.starts_with(|c: char| c.is_lowercase());
    if text.contains(CODE_MARKS) || text.contains("$(") || has_variable(text) {
        // "set x=y", "bind map key function [ a ]", "mutt -a f -- x@y": code unless it is a
        // sentence that merely quotes some.
        return !(ends_prose && words.len() > 6 && !lower_start);
    }
    let options = words.iter().skip(1).any(|w| w.starts_with('-') && w.len() > 1);
    if lower_start && !ends_prose && (options || words.len() <= 8) {
        // "alternates -group me a1", "bind map key function", "score pattern value": all
        // words identifier-like, no sentence around them.
        let identifiers = words.iter().all(|w| {
            w.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '*' | ','))
        });
        return identifiers && words.len() >= 2;
    }
    false
}

/// Whether the text holds a `$name` variable reference.
fn has_variable(text: &str) -> bool {
    text.match_indices('$').any(|(at, _)| {
        text[at + 1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '{' || c == '_')
    })
}

/// A heading candidate's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// "3.23. auto_tag".
    Numbered,
    /// A line underlined with `===` (level 1) or `---` (level 2).
    Underlined(u8),
    /// "DESCRIPTION".
    Capitals,
    /// "Main Participants": a short title-like line.
    Plain,
}

/// Reads chunks into blocks.
struct Reader<'a, 't> {
    /// The chunks of the text.
    chunks: &'a Chunks<'t>,
    /// Where the body starts (after the title).
    start: usize,
    /// The title, once found.
    title: Option<String>,
    /// The column most prose lines start at.
    margin: usize,
    /// The width the text is wrapped at.
    width: usize,
}

impl<'a, 't> Reader<'a, 't> {
    /// A reader of `chunks`, with the margin and wrap width measured.
    fn new(chunks: &'a Chunks<'t>) -> Self {
        let mut indents: HashMap<usize, usize> = HashMap::new();
        let mut widths: Vec<usize> = Vec::new();
        for line in &chunks.lines {
            if !is_rule(&line.text) && !is_table_line(&line.text) {
                *indents.entry(line.indent).or_default() += line.text.len();
                widths.push(line.indent + line.text.chars().count());
            }
        }
        let margin =
            indents.into_iter().max_by_key(|&(i, n)| (n, usize::MAX - i)).map_or(0, |p| p.0);
        widths.sort_unstable();
        let width = widths.get(widths.len() * 98 / 100).copied().unwrap_or(80).clamp(30, 400);
        Reader { chunks, start: 0, title: None, margin, width }
    }

    /// Takes the first line as the title when it reads as one and more text follows.
    fn title(&mut self) {
        if self.chunks.len() >= 2
            && let [first] = self.chunks.get(0)
            && first.text.chars().count() <= MAX_TITLE_CHARS
            && !first.text.ends_with(['.', ':'])
            && !code_like(&first.text)
        {
            self.title = Some(collapse(&first.text));
            self.start = 1;
        }
    }

    /// The heading form of a chunk, if it is a heading candidate.
    fn form(&self, chunk: &[Line]) -> Option<Form> {
        let first = chunk.first()?;
        if first.indent > self.margin + 1 || is_table_line(&first.text) {
            return None;
        }
        if let [title, rule] = chunk
            && is_rule(&rule.text)
            && !code_like(&title.text)
            && title.text.chars().any(char::is_alphabetic)
            && rule.text.chars().count() * 2 >= title.text.chars().count()
        {
            let level = if rule.text.starts_with(['=', '═', '━', '#', '*']) { 1 } else { 2 };
            return Some(Form::Underlined(level));
        }
        if chunk.len() != 1 {
            return None;
        }
        let text: &str = &first.text;
        if numbered(text).is_some() {
            return Some(Form::Numbered);
        }
        let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
        let short = text.chars().count() <= 60
            && text.split_whitespace().count() <= MAX_HEADING_WORDS
            && !text.ends_with(['.', '!', '?', ':', ';', ','])
            && !text.contains(". ")
            && !code_like(text)
            && !text.contains(CODE_MARKS);
        if !short || letters.is_empty() {
            return None;
        }
        if letters.len() >= 2
            && letters.iter().all(|c| !c.is_lowercase())
            && item_marker(text).is_none()
        {
            return Some(Form::Capitals);
        }
        let opens = text.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit());
        (opens && item_marker(text).is_none()).then_some(Form::Plain)
    }

    /// The body as blocks.
    fn blocks(&self) -> Vec<Block> {
        let body = || self.chunks.from(self.start);
        let forms: Vec<Option<Form>> = body().map(|c| self.form(c)).collect();
        let count = |f: fn(&Form) -> bool| forms.iter().flatten().filter(|x| f(x)).count();
        let numbered_count = count(|f| *f == Form::Numbered);
        let strong = numbered_count >= MIN_NUMBERED_HEADINGS
            || count(|f| matches!(f, Form::Underlined(_))) >= 2
            || count(|f| *f == Form::Capitals) >= 2;
        let heading_texts: HashSet<String> = body()
            .zip(&forms)
            .filter(|(_, f)| f.is_some())
            .map(|(c, _)| fold(&c[0].text))
            .collect();
        let chapters = body().zip(&forms).any(|(c, f)| {
            *f == Some(Form::Numbered) && numbered(&c[0].text).is_some_and(|n| n.chapter)
        });
        let mut numbers = Numbering::default();
        let mut out = Builder::default();
        let mut skip_next_label = false;
        for (index, chunk) in body().enumerate() {
            let last = index + 1 == forms.len();
            if is_toc(chunk, &heading_texts) {
                // The label line right before a table of contents ("Table of Contents").
                if skip_next_label {
                    out.drop_last_label();
                }
                continue;
            }
            skip_next_label = false;
            let heading = match forms[index] {
                _ if last => None,
                Some(Form::Numbered) if numbered_count >= MIN_NUMBERED_HEADINGS || !strong => {
                    numbered(&chunk[0].text).filter(|n| numbers.accepts(n)).map(|n| {
                        let depth = n.number.len() + usize::from(chapters && !n.chapter);
                        (u8::try_from(depth.min(6)).unwrap_or(6), collapse(&chunk[0].text))
                    })
                }
                Some(Form::Underlined(level)) => Some((level, collapse(&chunk[0].text))),
                Some(Form::Capitals) if numbered_count < MIN_NUMBERED_HEADINGS => {
                    Some((1, collapse(&chunk[0].text)))
                }
                Some(Form::Plain) if !strong => Some((2, collapse(&chunk[0].text))),
                _ => None,
            };
            if let Some((level, text)) = heading {
                out.heading(level, text);
                continue;
            }
            if chunk.len() == 1 && !code_like(&chunk[0].text) {
                skip_next_label = true;
            }
            self.chunk(chunk, &mut out);
        }
        out.finish()
    }

    /// Reads a chunk that is not a heading: a table, code, list items or paragraphs.
    fn chunk(&self, chunk: &[Line], out: &mut Builder) {
        if chunk.iter().any(|l| is_table_line(&l.text))
            && chunk.iter().all(|l| is_table_line(&l.text) || is_rule(&l.text))
        {
            let rows = table_rows(chunk);
            if !rows.is_empty() {
                out.paragraph(rows.join("\n"));
            }
            return;
        }
        let code = |l: &Line| l.indent > self.margin + 1 || code_like(&l.text);
        if chunk.iter().all(code) && !chunk.iter().any(|l| item_marker(&l.text).is_some()) {
            if self.is_indented_prose(chunk) {
                out.paragraph(self.unwrap(chunk));
            } else {
                out.paragraph(code_text(chunk));
            }
            return;
        }
        // Prose, list items, and indented runs (code under a lead-in) in reading order.
        let mut index = 0;
        while index < chunk.len() {
            let line = &chunk[index];
            if let Some(marker) = item_marker(&line.text).filter(|_| is_item(chunk, index)) {
                let column = line.indent + marker;
                let mut end = index + 1;
                while end < chunk.len()
                    && chunk[end].indent >= column.max(line.indent + 1)
                    && !is_item(chunk, end)
                {
                    end += 1;
                }
                out.item(self.unwrap(&chunk[index..end]));
                index = end;
                continue;
            }
            if line.indent > self.margin + 1 && index > 0 {
                let mut end = index + 1;
                while end < chunk.len() && chunk[end].indent > self.margin + 1 {
                    end += 1;
                }
                let run = &chunk[index..end];
                out.paragraph(if self.is_indented_prose(run) {
                    self.unwrap(run)
                } else {
                    code_text(run)
                });
                index = end;
                continue;
            }
            let mut end = index + 1;
            while end < chunk.len()
                && !is_item(chunk, end)
                && !(chunk[end].indent > self.margin + 1 && chunk[end].indent > line.indent)
            {
                end += 1;
            }
            out.paragraph(self.unwrap(&chunk[index..end]));
            index = end;
        }
    }

    /// Whether indented lines are a wrapped paragraph — a definition's explanation under its
    /// term, a note — rather than code: at least two lines at one indent, none code-like,
    /// each but the last filled to the wrap width, and nearly all words of letters.
    fn is_indented_prose(&self, lines: &[Line]) -> bool {
        let Some((last, wrapped)) = lines.split_last() else { return false };
        if wrapped.is_empty()
            || lines.iter().any(|l| l.indent != last.indent || code_like(&l.text))
            || wrapped.iter().any(|l| (l.indent + l.text.chars().count()) * 10 < self.width * 7)
        {
            return false;
        }
        let (words, lettered) = word_counts(lines.iter().map(|l| &*l.text));
        lettered * 10 >= words * 8
    }

    /// Joins hard-wrapped lines: a line is joined to the next with a space when the next
    /// line's first word would not have fit on it; otherwise the line break is kept.
    fn unwrap(&self, lines: &[Line]) -> String {
        let mut out = String::new();
        for (index, line) in lines.iter().enumerate() {
            let text = collapse(&line.text);
            if index == 0 {
                out.push_str(&text);
                continue;
            }
            let previous = &lines[index - 1];
            let next_word = text.split(' ').next().map_or(0, |w| w.chars().count());
            let used = previous.indent + previous.text.chars().count();
            let wrapped = used + 1 + next_word > self.width.saturating_sub(2)
                || (used * 10 >= self.width * 7 && !previous.text.ends_with(['.', ':']));
            if wrapped && (!code_like(&previous.text) || is_wordy(&previous.text)) {
                if !(out.ends_with('-') && out[..out.len() - 1].ends_with(char::is_alphabetic)) {
                    out.push(' ');
                }
            } else {
                out.push('\n');
            }
            out.push_str(&text);
        }
        out
    }
}

/// How many white-space separated words `lines` hold, and how many of them are letters only
/// (punctuation around them aside).
fn word_counts<'l>(lines: impl Iterator<Item = &'l str>) -> (usize, usize) {
    let (mut words, mut lettered) = (0, 0);
    for word in lines.flat_map(str::split_whitespace) {
        words += 1;
        let letters = word.trim_matches(|c: char| !c.is_alphanumeric());
        if !letters.is_empty() && letters.chars().all(char::is_alphabetic) {
            lettered += 1;
        }
    }
    (words, lettered)
}

/// Whether a line is running prose however code-like a mark in it looks ("you can add
/// semi-colon “;” separated fields … Mutt recognizes"): ten words or more, four in five of
/// them letters only.
fn is_wordy(text: &str) -> bool {
    let (words, lettered) = word_counts(std::iter::once(text));
    words >= 10 && lettered * 10 >= words * 8
}

/// Code lines as written, indented relative to the least indented line.
fn code_text(lines: &[Line]) -> String {
    let base = lines.iter().map(|l| l.indent).min().unwrap_or(0);
    lines
        .iter()
        .map(|l| format!("{}{}", " ".repeat(l.indent - base), l.text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Collapses runs of white space to one space.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A heading text folded for comparison with table-of-contents entries.
fn fold(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The width of a list item's marker with its space (`• `, `- `, `12. `, `a) `), if the
/// line opens an item.
fn item_marker(text: &str) -> Option<usize> {
    let mut chars = text.chars();
    let first = chars.next()?;
    if matches!(first, '•' | '◦' | '▪' | '‣' | '*' | '-' | '–' | '+' | 'o' | '·')
        && chars.next() == Some(' ')
        && text.len() > 2
    {
        return Some(2);
    }
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let letter = digits == 0 && first.is_ascii_lowercase();
    let head = if letter { 1 } else { digits };
    if (1..=3).contains(&head) && (text[head..].starts_with(". ") || text[head..].starts_with(") "))
    {
        // A "3.23. auto_tag" line is a heading's form, not an item's.
        return Some(head + 2);
    }
    None
}

/// Whether the line at `index` of a chunk opens a list item: a bulleted line always; a
/// numbered one at the start of the chunk, after an item or after a line that ends a
/// sentence or a lead-in (so "O\n2. Diatomic" stays one paragraph).
fn is_item(chunk: &[Line], index: usize) -> bool {
    let Some(line) = chunk.get(index) else { return false };
    if item_marker(&line.text).is_none() {
        return false;
    }
    if index == 0 || !line.text.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return true;
    }
    let previous = &chunk[index - 1].text;
    previous.ends_with(['.', '!', '?', ':', ';'])
        || chunk[..index]
            .iter()
            .rev()
            .any(|l| item_marker(&l.text).is_some() && l.indent <= line.indent)
}

/// Whether a line is a row of a drawn table (`│ a │ b │`, `| a | b |`, `+---+`).
fn is_table_line(text: &str) -> bool {
    let first = text.chars().next();
    let cells = text.matches(['│', '┃', '║']).count();
    (matches!(first, Some('│' | '┃' | '║' | '┌' | '├' | '└' | '╔' | '╠' | '╚')) && cells + 1 >= 2)
        || (text.starts_with('|') && text.ends_with('|') && text.len() > 2)
        || (text.starts_with('+') && text.ends_with('+') && text.contains("-"))
}

/// A drawn table's rows, one line each, cells joined by " │ ". Rows separated by border
/// lines may span several lines: their cells are put back together column by column.
fn table_rows(chunk: &[Line]) -> Vec<String> {
    let separated = chunk
        .windows(3)
        .any(|w| !is_rule(&w[0].text) && is_rule(&w[1].text) && !is_rule(&w[2].text));
    let mut rows = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let flush = |cells: &mut Vec<String>, rows: &mut Vec<String>| {
        let kept: Vec<String> =
            cells.drain(..).map(|c| collapse(&c)).filter(|c| !c.is_empty()).collect();
        if !kept.is_empty() {
            rows.push(kept.join(" │ "));
        }
    };
    for line in chunk {
        if is_rule(&line.text) {
            flush(&mut cells, &mut rows);
            continue;
        }
        let inner = line.text.trim_matches(|c| matches!(c, '│' | '┃' | '║' | '|'));
        for (column, cell) in inner.split(['│', '┃', '║', '|']).enumerate() {
            if column < cells.len() {
                let joined = &mut cells[column];
                let cell = cell.trim();
                if !cell.is_empty() {
                    if !joined.is_empty() && !joined.ends_with(['/', '-']) {
                        joined.push(' ');
                    }
                    joined.push_str(cell);
                }
            } else {
                cells.push(cell.trim().to_string());
            }
        }
        if !separated {
            flush(&mut cells, &mut rows);
        }
    }
    flush(&mut cells, &mut rows);
    rows
}

/// Whether a chunk is a table of contents: three or more lines, most of them numbered
/// entries whose titles come back elsewhere as headings.
fn is_toc(chunk: &[Line], headings: &HashSet<String>) -> bool {
    if chunk.len() < 3 {
        return false;
    }
    let entries = chunk
        .iter()
        .filter(|l| numbered(&l.text).is_some() && headings.contains(&fold(&l.text)))
        .count();
    entries * 10 >= chunk.len() * 6
}

/// Which numbered headings fit the numbering seen so far: "3.16" after "3.15", "1." after
/// a chapter; a stray "2. Install it" in running text does not.
#[derive(Default)]
struct Numbering {
    /// The last number seen per parent prefix.
    last: HashMap<Vec<u32>, u32>,
}

impl Numbering {
    /// Whether `heading` continues the numbering; notes it when it does.
    fn accepts(&mut self, heading: &Numbered) -> bool {
        let Some((&n, prefix)) = heading.number.split_last() else { return false };
        let key: Vec<u32> = if heading.chapter { vec![u32::MAX] } else { prefix.to_vec() };
        let fits = match self.last.get(&key) {
            Some(&before) => n == before + 1,
            None => true,
        };
        if fits {
            if heading.chapter {
                // A new chapter restarts the numbering inside it.
                self.last.retain(|k, _| k.first() == Some(&u32::MAX));
            } else {
                self.last.retain(|k, _| {
                    !k.starts_with(&heading.number) || k.len() < heading.number.len()
                });
            }
            self.last.insert(key, n);
        }
        fits
    }
}

/// Collects blocks, grouping consecutive list items into lists.
#[derive(Default)]
struct Builder {
    /// The blocks so far.
    blocks: Vec<Block>,
    /// List items not yet put in a list, markers included.
    items: Vec<String>,
}

impl Builder {
    /// Adds a heading.
    fn heading(&mut self, level: u8, text: String) {
        self.flush_items();
        self.blocks.push(Block::Heading { level, text });
    }

    /// Adds a paragraph.
    fn paragraph(&mut self, text: String) {
        self.flush_items();
        if !text.trim().is_empty() {
            self.blocks.push(Block::Paragraph(text));
        }
    }

    /// Adds a list item (its text, marker included).
    fn item(&mut self, text: String) {
        self.items.push(text);
    }

    /// Removes the last block if it is a one-line label (the line before a table of
    /// contents).
    fn drop_last_label(&mut self) {
        if self.items.is_empty()
            && let Some(Block::Paragraph(text)) = self.blocks.last()
            && !text.contains('\n')
            && text.chars().count() <= 40
        {
            self.blocks.pop();
        }
    }

    /// Puts pending items in a list; a lone item stays a paragraph as written.
    fn flush_items(&mut self) {
        match self.items.len() {
            0 => {}
            1 => {
                let text = self.items.remove(0);
                self.blocks.push(Block::Paragraph(text));
            }
            _ => {
                let items = self.items.drain(..).map(|text| strip_bullet(&text)).collect();
                self.blocks.push(Block::List(items));
            }
        }
    }

    /// The blocks.
    fn finish(mut self) -> Vec<Block> {
        self.flush_items();
        self.blocks
    }
}

/// An item's text without its bullet; numbers are kept, since they carry order.
fn strip_bullet(text: &str) -> String {
    match item_marker(text) {
        Some(2) => text.chars().skip(2).collect(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<Block> {
        read_text(text, true).1
    }

    fn para(text: &str) -> Block {
        Block::Paragraph(text.into())
    }

    fn heading(level: u8, text: &str) -> Block {
        Block::Heading { level, text: text.into() }
    }

    /// A manual laid out as DocBook prints it to text: numbered headings, wrapped prose.
    const MANUAL: &str = "The Manual\n\nChapter 1. Getting Started\n\nTable of Contents\n\n1. Configuration\n2. Key Bindings\n    2.1. Terminal Keybindings\n\n1. Configuration\n\nMutt reads its configuration from a file that holds commands, one per line,\nand options are set with the set command as in the example below, which is\nshort.\n\nset tunnel=\"ssh -q mailhost.net /usr/local/libexec/imapd\"\n\n\n2. Key Bindings\n\nUsage:\n\nbind map key function\n\nThis command allows you to change the default key bindings.\n\n2.1. Terminal Keybindings\n\nSome terminals send odd codes.\n\nChapter 2. Reference\n\n1. Variables\n\n1.1. auto_tag\n\nType: boolean\nDefault: no\n\nWhen set, functions in the index menu which affect a message will be applied to\nall tagged messages.\n";

    #[test]
    fn command_synopsis_is_not_taken_as_a_heading() {
        let got = blocks(MANUAL);
        assert!(got.contains(&para("bind map key function")), "{got:#?}");
        assert!(got.contains(&para("set tunnel=\"ssh -q mailhost.net /usr/local/libexec/imapd\"")));
        let headings: Vec<&str> = got
            .iter()
            .filter_map(|b| match b {
                Block::Heading { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(!headings.iter().any(|h| h.starts_with("bind ") || h.starts_with("set ")));
    }

    #[test]
    fn numbered_headings_nest_by_their_numbers_and_the_toc_is_dropped() {
        let got = blocks(MANUAL);
        let headings: Vec<(u8, &str)> = got
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level, text } => Some((*level, text.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(
            headings,
            [
                (1, "Chapter 1. Getting Started"),
                (2, "1. Configuration"),
                (2, "2. Key Bindings"),
                (3, "2.1. Terminal Keybindings"),
                (1, "Chapter 2. Reference"),
                (2, "1. Variables"),
                (3, "1.1. auto_tag"),
            ]
        );
        assert!(!format!("{got:?}").contains("Table of Contents"));
    }

    #[test]
    fn hard_wrapped_paragraphs_are_unwrapped() {
        let got = blocks(MANUAL);
        assert!(got.contains(&para("Mutt reads its configuration from a file that holds commands, one per line, and options are set with the set command as in the example below, which is short.")), "{got:#?}");
    }

    #[test]
    fn type_and_default_lines_stay_with_their_variable() {
        let got = blocks(MANUAL);
        let at = got.iter().position(|b| *b == heading(3, "1.1. auto_tag")).unwrap();
        assert_eq!(got[at + 1], para("Type: boolean\nDefault: no"));
        assert!(matches!(&got[at + 2], Block::Paragraph(t) if t.starts_with("When set")));
    }

    #[test]
    fn box_tables_are_rows_with_wrapped_cells_joined() {
        let text = "Intro\n\nThe sequences:\n\n┌──┬──────────┐\n│%a│address   │\n├──┼──────────┤\n│%X│number of │\n│  │parts     │\n└──┴──────────┘\n\nAfter the table.\n";
        let got = blocks(text);
        assert!(got.contains(&para("%a │ address\n%X │ number of parts")), "{got:#?}");
    }

    #[test]
    fn an_indented_explanation_under_its_term_is_unwrapped_and_code_is_not() {
        let text = "Manual\n\nThe fields are as follows, one per line of the entry in order:\n\n\
                    copiousoutput\n\n\
                    \x20   This flag tells Mutt that the command passes possibly large amounts of text\n\
                    \x20   on standard output. This causes Mutt to invoke a pager on the output\n\
                    \x20   of the view command.\n\n\
                    \x20   text/html; lynx -dump %s ; copiousoutput\n\n\
                    \x20   set pager_index_lines=10 and then, to keep the pager context wide,\n\
                    \x20   set pager_context=3 and set pager_stop so that the pager stays put.\n";
        let got = blocks(text);
        assert!(
            got.contains(&para(
                "This flag tells Mutt that the command passes possibly large amounts of text on \
                 standard output. This causes Mutt to invoke a pager on the output of the view \
                 command."
            )),
            "{got:#?}"
        );
        assert!(got.contains(&para("text/html; lynx -dump %s ; copiousoutput")), "{got:#?}");
        assert!(
            got.iter().any(|b| matches!(b, Block::Paragraph(p) if p.contains("wide,\nset"))),
            "config lines keep their breaks: {got:#?}"
        );
    }

    #[test]
    fn a_wrapped_prose_line_quoting_a_code_mark_is_joined() {
        let text = "Manual\n\nIn addition to the required fields, you can add semi-colon \u{201c};\u{201d} separated\n\
                    fields to set flags and other options. Mutt recognizes the following fields\n\
                    and more besides.\n\n\
                    Then some other text follows here, as prose does, for the width to be a real\n\
                    width of eighty characters or so, which it is when the manual is printed.\n";
        let got = blocks(text);
        assert!(
            got.contains(&para(
                "In addition to the required fields, you can add semi-colon \u{201c};\u{201d} \
                 separated fields to set flags and other options. Mutt recognizes the following \
                 fields and more besides."
            )),
            "{got:#?}"
        );
    }

    #[test]
    fn indented_code_under_a_lead_in_keeps_its_lines() {
        let text = "Title\n\nTo set the time zone, run:\n    # dpkg-reconfigure tzdata\n    $ date\n\nDone.\n";
        let got = blocks(text);
        assert_eq!(got[0], para("To set the time zone, run:"));
        assert_eq!(got[1], para("# dpkg-reconfigure tzdata\n$ date"));
    }

    #[test]
    fn plain_headings_in_an_unnumbered_text_and_bullets() {
        let text = "Notes\n\nMain Participants\n\nThe goals are:\n\n  • first goal that is\n    wrapped here\n\n  • second goal\n\nEnd of the text.\n";
        let got = blocks(text);
        assert_eq!(
            got,
            vec![
                heading(2, "Main Participants"),
                para("The goals are:"),
                Block::List(vec!["first goal that is wrapped here".into(), "second goal".into()]),
                para("End of the text."),
            ]
        );
    }

    #[test]
    fn manual_snapshot_of_blocks_and_passages() {
        use crate::corpus::segment::{describe_blocks, describe_passages};
        use crate::corpus::{Document, SegmentOptions, segment};
        let (title, got) = read_text(MANUAL, true);
        assert_eq!(title.as_deref(), Some("The Manual"));
        insta::assert_snapshot!("text_manual_blocks", describe_blocks(&got));
        let doc = Document {
            id: "manual.txt".into(),
            title: "The Manual".into(),
            source: "manual.txt".into(),
            url: None,
            blocks: got,
        };
        let passages = segment(&doc, &SegmentOptions::default());
        insta::assert_snapshot!("text_manual_passages", describe_passages(&passages));
    }

    #[test]
    fn numbered_line_whose_title_is_a_path_or_command_is_not_a_heading() {
        assert!(numbered("6. /usr/local/etc/mailcap").is_none());
        assert!(numbered("2. set tunnel=\"ssh host\"").is_none());
        assert!(numbered("6.4. Sending Format=Flowed Messages").is_some());
        assert_eq!(numbered_depth("5.1.1. Network Profiling"), Some(3));
        assert_eq!(numbered_depth("Chapter 4. User-space Probing"), None);
    }

    #[test]
    fn code_like_lines() {
        for yes in [
            "bind map key function",
            "set tunnel=\"x\"",
            "$ make install",
            "# dpkg-reconfigure tzdata",
            "macro menu key sequence [ description ]",
            "mutt -a image.png -- some@one.org",
            "score pattern value",
        ] {
            assert!(code_like(yes), "{yes}");
        }
        for no in [
            "Main Participants",
            "To read messages in a mailbox",
            "This is a sentence about things.",
            "Note",
        ] {
            assert!(!code_like(no), "{no}");
        }
    }
}
