//! Reading Markdown (`.md`, `.markdown`) with a CommonMark parser (`pulldown-cmark`): ATX and
//! setext headings become sections; paragraphs, list items, block quotes and table rows
//! become blocks; code blocks keep their lines and indentation and stay with the paragraph
//! that introduces them. No markup reaches the text: emphasis markers, backticks, link and
//! image syntax, fences, raw HTML tags and task-list boxes are all left out.
//!
//! The parser is a pull parser (no recursion on nesting), and the handler below keeps only
//! flat state, so a deeply nested list or quote costs time linear in its size.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::Block;
use super::clean::{Piece, finish_pieces};
use super::isolate::{TIMED_OUT, past_deadline};

/// Events handled between two checks of the read's time limit.
const EVENTS_PER_CHECK: usize = 4096;

/// What is being gathered at the moment.
#[derive(Debug, Default)]
struct State {
    /// The blocks and code blocks so far.
    pieces: Vec<Piece>,
    /// The items of the open (outermost) list, flattened: nested items follow their parent.
    items: Vec<String>,
    /// How deeply lists are open; items are gathered while it is above 0.
    list_depth: usize,
    /// The next number of each open list, `None` for a bullet list.
    numbers: Vec<Option<u64>>,
    /// Inline text of the open paragraph, heading, item or table cell.
    text: String,
    /// The open heading's level.
    heading: Option<u8>,
    /// The raw lines of the open code block.
    code: Option<String>,
    /// Cells of the open table row.
    cells: Vec<String>,
    /// Inside an image: its alt text is not document text.
    image_depth: usize,
}

/// Reads a Markdown body (front matter already removed) into blocks.
///
/// # Errors
/// [`TIMED_OUT`] when the read's time limit runs out.
pub(crate) fn read_markdown(text: &str) -> Result<Vec<Block>, String> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut state = State::default();
    for (count, event) in Parser::new_ext(text, options).enumerate() {
        if count % EVENTS_PER_CHECK == 0 && past_deadline() {
            return Err(TIMED_OUT.to_string());
        }
        state.handle(event);
    }
    state.finish_item();
    state.flush_text();
    Ok(finish_pieces(state.pieces))
}

impl State {
    /// Takes one parser event.
    fn handle(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(end) => self.end(end),
            Event::Text(text) => self.push_text(&text),
            Event::Code(code) => self.push_text(&code),
            Event::InlineMath(math) | Event::DisplayMath(math) => self.push_text(&math),
            Event::SoftBreak => self.push_text(" "),
            Event::HardBreak => self.push_text("\n"),
            // Raw HTML, footnote marks, rules and task boxes are not document text.
            Event::Html(_)
            | Event::InlineHtml(_)
            | Event::FootnoteReference(_)
            | Event::Rule
            | Event::TaskListMarker(_) => {}
        }
    }

    /// An element opens.
    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush_text();
                self.heading = Some(heading_level(level));
            }
            Tag::CodeBlock(_) => {
                self.flush_text();
                self.code = Some(String::new());
            }
            Tag::List(first) => {
                if self.list_depth == 0 {
                    self.flush_text();
                } else {
                    // The parent item's own text comes before its children.
                    self.finish_item();
                }
                self.list_depth += 1;
                self.numbers.push(first);
            }
            Tag::Item => {
                self.finish_item();
                if let Some(Some(number)) = self.numbers.last_mut() {
                    self.text = format!("{number}. ");
                    *number += 1;
                }
            }
            Tag::Image { .. } => self.image_depth += 1,
            Tag::TableRow | Tag::TableHead => self.cells.clear(),
            Tag::TableCell => self.text.clear(),
            _ => {}
        }
    }

    /// An element closes.
    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Heading(_) => {
                let text = collapse(&std::mem::take(&mut self.text));
                if let Some(level) = self.heading.take()
                    && !text.is_empty()
                {
                    self.push(Block::Heading { level, text });
                }
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    let code = code_text(&code);
                    if !code.is_empty() {
                        self.pieces.push(Piece::Code(code));
                    }
                }
            }
            TagEnd::Paragraph if self.list_depth > 0 => self.push_text(" "),
            TagEnd::Paragraph | TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition => {
                self.flush_text();
            }
            TagEnd::Item => self.finish_item(),
            TagEnd::List(_) => {
                self.finish_item();
                self.numbers.pop();
                self.list_depth = self.list_depth.saturating_sub(1);
                if self.list_depth == 0 {
                    let items = std::mem::take(&mut self.items);
                    if !items.is_empty() {
                        self.push(Block::List(items));
                    }
                }
            }
            TagEnd::Image => self.image_depth = self.image_depth.saturating_sub(1),
            TagEnd::TableCell => {
                let cell = collapse(&std::mem::take(&mut self.text));
                if !cell.is_empty() {
                    self.cells.push(cell);
                }
            }
            TagEnd::TableRow | TagEnd::TableHead => {
                let cells = std::mem::take(&mut self.cells);
                if !cells.is_empty() {
                    self.push(Block::Paragraph(cells.join(" | ")));
                }
            }
            _ => {}
        }
    }

    /// Adds a finished block.
    fn push(&mut self, block: Block) {
        self.pieces.push(Piece::Block(block));
    }

    /// Adds inline text to what is open (a code block takes it raw).
    fn push_text(&mut self, text: &str) {
        if self.image_depth > 0 {
            return;
        }
        match &mut self.code {
            Some(code) => code.push_str(text),
            None => self.text.push_str(text),
        }
    }

    /// Ends the open list item, if it has text.
    fn finish_item(&mut self) {
        if self.list_depth == 0 {
            return;
        }
        let item = collapse_keeping_breaks(&std::mem::take(&mut self.text));
        // An ordered item with nothing after its number is empty too.
        let empty = item.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.').is_empty();
        if !empty {
            self.items.push(item);
        }
    }

    /// Pushes loose inline text as a paragraph.
    fn flush_text(&mut self) {
        if self.list_depth > 0 {
            return;
        }
        let text = collapse_keeping_breaks(&std::mem::take(&mut self.text));
        if !text.is_empty() {
            self.push(Block::Paragraph(text));
        }
    }
}

/// The level of a heading, 1 to 6.
fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A code block's text: its lines as written (indentation kept, trailing spaces and blank
/// lines at either end dropped).
fn code_text(raw: &str) -> String {
    let lines: Vec<&str> = raw.lines().map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(lines.len());
    let last = lines.iter().rposition(|l| !l.is_empty()).map_or(first, |i| i + 1);
    lines[first..last].join("\n")
}

/// Collapses white space runs to one space and trims.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// [`collapse`] within each line, keeping hard line breaks.
fn collapse_keeping_breaks(text: &str) -> String {
    text.split('\n').map(collapse).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Block> {
        read_markdown(text).expect("read")
    }

    fn para(text: &str) -> Block {
        Block::Paragraph(text.into())
    }

    #[test]
    fn markdown_emphasis_markers_do_not_leak_into_passages() {
        let blocks = read(
            "Some **bold**, *italic*, __strong__ and ~~struck~~ words with `inline code`,\n\
             a [link](https://example.org \"title\"), an ![badge](b.png) image, <span>html</span>,\n\
             and a reference [link][ref].\n\n[ref]: https://example.org\n",
        );
        assert_eq!(
            blocks,
            vec![para(
                "Some bold, italic, strong and struck words with inline code, a link, an image, \
                 html, and a reference link."
            )]
        );
    }

    #[test]
    fn markdown_setext_and_atx_headings_are_sections() {
        let blocks = read("Title\n=====\n\nIntro.\n\nPart two\n--------\n\n### Deep ###\n\nText.");
        assert_eq!(
            blocks,
            vec![
                Block::Heading { level: 1, text: "Title".into() },
                para("Intro."),
                Block::Heading { level: 2, text: "Part two".into() },
                Block::Heading { level: 3, text: "Deep".into() },
                para("Text."),
            ]
        );
    }

    #[test]
    fn markdown_code_block_keeps_indentation_and_stays_with_its_lead_in() {
        let blocks = read(
            "To build, run:\n\n```sh\nmake \\\n    install\n```\n\n    indented\n      more\n",
        );
        assert_eq!(blocks, vec![para("To build, run:\nmake \\\n    install\nindented\n  more")]);
        let alone = read("# H\n\n```\nfn main() {\n    go();\n}\n```\n\nThis starts the program.");
        assert_eq!(
            alone,
            vec![
                Block::Heading { level: 1, text: "H".into() },
                para("fn main() {\n    go();\n}\nThis starts the program."),
            ]
        );
    }

    #[test]
    fn markdown_lists_tables_and_quotes() {
        let blocks = read(
            "Steps:\n\n1. first `a`\n2. second\n   - nested *b*\n\n- [x] done task\n\n\
             > quoted **text**\n\n| k | v |\n|---|---|\n| one | 1 |\n",
        );
        assert_eq!(
            blocks,
            vec![
                para("Steps:"),
                Block::List(vec!["1. first a".into(), "2. second".into(), "nested b".into()]),
                Block::List(vec!["done task".into()]),
                para("quoted text"),
                para("k | v"),
                para("one | 1"),
            ]
        );
    }

    #[test]
    fn markdown_garbage_and_deep_nesting_never_panic() {
        for input in ["", "*", "```", "[", "> > > >", "| a |\n|-", "<div>", "1. \n2."] {
            let _ = read(input);
        }
        let deep = format!("{}x", "> ".repeat(5_000));
        assert_eq!(read(&deep), vec![para("x")]);
        let lists: String = (0..2_000).map(|i| format!("{}- x\n", "  ".repeat(i))).collect();
        let _ = read(&lists);
    }
}
