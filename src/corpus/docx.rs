//! Reading Word documents (`.docx`, Office Open XML): paragraphs whose style is a heading
//! (`Title`, `heading 1`…, or any style with an outline level) become headings, numbered or
//! list-styled paragraphs become lists, tables become rows of `cell | cell` text.
//! Also home of the run-text and core-properties helpers the PPTX reader shares.

use std::collections::HashMap;

use super::archive::Archive;
use super::xml::{self, Element};
use super::{Block, Book, Part};

/// The main part of a Word document.
const DOCUMENT: &str = "word/document.xml";
/// Table rows grouped into one paragraph stay under about this many characters.
pub(crate) const TABLE_CHUNK_CHARS: usize = 800;

/// Reads a `.docx` file's bytes.
///
/// # Errors
/// The skip reason: an archive problem ("not a valid ZIP archive …", "archive expands beyond
/// N MiB"), "not a Word document (no word/document.xml)", an XML problem, or "no readable
/// text".
pub(crate) fn read_docx(bytes: &[u8]) -> Result<Book, String> {
    let mut archive = Archive::open(bytes)?;
    let document = archive
        .read(DOCUMENT)?
        .ok_or_else(|| "not a Word document (no word/document.xml)".to_string())?;
    let styles = match archive.read("word/styles.xml")? {
        Some(bytes) => Styles::parse(&xml::parse(&bytes)?),
        None => Styles::default(),
    };
    let root = xml::parse(&document)?;
    let body = root.child("body").ok_or_else(|| "no readable text".to_string())?;
    let mut reader = Reader { styles: &styles, blocks: Vec::new(), items: Vec::new(), title: None };
    reader.container(body);
    reader.flush_list();
    if reader.blocks.is_empty() {
        return Err("no readable text".to_string());
    }
    let title = core_title(&mut archive)?.or(reader.title);
    Ok(Book { title, parts: vec![Part { locator: None, blocks: reader.blocks }] })
}

/// The `dc:title` of `docProps/core.xml`, when the file states one.
///
/// # Errors
/// An archive or XML problem with that part.
pub(crate) fn core_title(archive: &mut Archive<'_>) -> Result<Option<String>, String> {
    let Some(bytes) = archive.read("docProps/core.xml")? else { return Ok(None) };
    let root = xml::parse(&bytes)?;
    Ok(root.find("title").map(|t| tidy(&t.text())).filter(|t| !t.is_empty()))
}

/// The text of a DrawingML or WordprocessingML paragraph: its `t` runs in order, tabs as
/// spaces, breaks as new lines; deleted text and field instructions left out.
pub(crate) fn run_text(paragraph: &Element) -> String {
    let mut out = String::new();
    let mut stack: Vec<&Element> = paragraph.elements().collect();
    stack.reverse();
    while let Some(element) = stack.pop() {
        match element.name.as_str() {
            "t" => out.push_str(&element.text()),
            "tab" => out.push(' '),
            "br" | "cr" => out.push('\n'),
            "delText" | "instrText" | "del" | "rPr" | "pPr" => {}
            _ => {
                let mut children: Vec<&Element> = element.elements().collect();
                children.reverse();
                stack.extend(children);
            }
        }
    }
    tidy(&out)
}

/// Collapses runs of spaces and tabs, keeps single line breaks, trims.
pub(crate) fn tidy(text: &str) -> String {
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Table rows as paragraphs of at most about [`TABLE_CHUNK_CHARS`]; when a table is cut, each
/// later chunk repeats the first (header) row so its cells keep their meaning.
pub(crate) fn table_blocks(rows: Vec<String>) -> Vec<Block> {
    let rows: Vec<String> = rows.into_iter().filter(|r| !r.trim().is_empty()).collect();
    let Some(header) = rows.first().cloned() else { return Vec::new() };
    let mut blocks = Vec::new();
    let mut current = String::new();
    for row in rows {
        if !current.is_empty() && current.len() + row.len() > TABLE_CHUNK_CHARS {
            blocks.push(Block::Paragraph(std::mem::take(&mut current)));
            if header.len() < TABLE_CHUNK_CHARS / 2 {
                current.push_str(&header);
            }
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&row);
    }
    if !current.is_empty() {
        blocks.push(Block::Paragraph(current));
    }
    blocks
}

/// What the paragraph styles of a document mean.
#[derive(Debug, Default)]
struct Styles {
    /// Style id → heading level (1–6) for heading styles.
    headings: HashMap<String, u8>,
    /// Style ids of list styles (their name says "list", or they carry numbering).
    lists: Vec<String>,
}

impl Styles {
    /// Reads `word/styles.xml`, following `basedOn` a few steps for inherited levels.
    fn parse(root: &Element) -> Styles {
        struct Raw {
            name: String,
            based_on: Option<String>,
            outline: Option<u8>,
            numbered: bool,
        }
        let mut raw = HashMap::new();
        for style in root.elements().filter(|e| e.name == "style") {
            let Some(id) = style.attr("styleId") else { continue };
            let name = style.child("name").and_then(|n| n.attr("val")).unwrap_or(id);
            let ppr = style.child("pPr");
            raw.insert(
                id.to_string(),
                Raw {
                    name: name.to_lowercase(),
                    based_on: style.child("basedOn").and_then(|b| b.attr("val")).map(String::from),
                    outline: ppr
                        .and_then(|p| p.child("outlineLvl"))
                        .and_then(|o| o.attr("val"))
                        .and_then(|v| v.parse().ok()),
                    numbered: ppr.is_some_and(|p| p.child("numPr").is_some()),
                },
            );
        }
        let mut styles = Styles::default();
        for id in raw.keys() {
            let mut current = Some(id.as_str());
            for _ in 0..8 {
                let Some(style) = current.and_then(|c| raw.get(c)) else { break };
                if let Some(level) = heading_level_of_name(&style.name)
                    .or(style.outline.filter(|&o| o < 9).map(|o| (o + 1).min(6)))
                {
                    styles.headings.insert(id.clone(), level);
                    break;
                }
                if style.name.contains("list") || style.numbered {
                    styles.lists.push(id.clone());
                    break;
                }
                current = style.based_on.as_deref();
            }
        }
        styles
    }

    /// The heading level of a paragraph style, also for documents without `styles.xml`.
    fn heading(&self, id: &str) -> Option<u8> {
        self.headings
            .get(id)
            .copied()
            .or_else(|| heading_level_of_name(&id.to_lowercase().replace("heading", "heading ")))
    }
}

/// The heading level a style name stands for: "title" 1, "heading N" N (capped at 6).
fn heading_level_of_name(name: &str) -> Option<u8> {
    if name == "title" {
        return Some(1);
    }
    let number = name.strip_prefix("heading ")?.trim();
    let level: u8 = number.parse().ok()?;
    (1..=9).contains(&level).then_some(level.min(6))
}

/// Walks the body, collecting blocks.
struct Reader<'s> {
    /// The document's styles.
    styles: &'s Styles,
    /// Blocks so far.
    blocks: Vec<Block>,
    /// List items waiting to become one list.
    items: Vec<String>,
    /// The first `Title` paragraph, a fallback document title.
    title: Option<String>,
}

impl Reader<'_> {
    /// Reads the block-level children of the body or of a content control.
    fn container(&mut self, parent: &Element) {
        for element in parent.elements() {
            match element.name.as_str() {
                "p" => self.paragraph(element),
                "tbl" => {
                    self.flush_list();
                    let rows = table_rows(element);
                    self.blocks.extend(table_blocks(rows));
                }
                "sdt" | "sdtContent" | "customXml" | "smartTag" | "ins" => self.container(element),
                _ => {}
            }
        }
    }

    /// Reads one paragraph.
    fn paragraph(&mut self, p: &Element) {
        let text = run_text(p);
        if text.is_empty() {
            return;
        }
        let ppr = p.child("pPr");
        let style = ppr.and_then(|p| p.child("pStyle")).and_then(|s| s.attr("val")).unwrap_or("");
        let outline = ppr
            .and_then(|p| p.child("outlineLvl"))
            .and_then(|o| o.attr("val"))
            .and_then(|v| v.parse::<u8>().ok())
            .filter(|&o| o < 9);
        if let Some(level) = self.styles.heading(style).or(outline.map(|o| (o + 1).min(6))) {
            self.flush_list();
            if style.eq_ignore_ascii_case("title") && self.title.is_none() {
                self.title = Some(text.clone());
            }
            self.blocks.push(Block::Heading { level, text: text.replace('\n', " ") });
            return;
        }
        let numbered = ppr.is_some_and(|p| p.child("numPr").is_some());
        if numbered || self.styles.lists.iter().any(|l| l == style) {
            self.items.push(text);
            return;
        }
        self.flush_list();
        self.blocks.push(Block::Paragraph(text));
    }

    /// Turns waiting list items into a list (a lone item stays a paragraph).
    fn flush_list(&mut self) {
        match self.items.len() {
            0 => {}
            1 => self.blocks.extend(self.items.drain(..).map(Block::Paragraph)),
            _ => self.blocks.push(Block::List(std::mem::take(&mut self.items))),
        }
    }
}

/// A table's rows as `cell | cell` lines (nested tables flattened into their cell's text).
fn table_rows(table: &Element) -> Vec<String> {
    cell_rows(table.elements().filter(|e| e.name == "tr"), "tc", run_text)
}

/// Table rows as `cell | cell` lines, for every format that has them: each row's children
/// named `cell` are its cells, and a cell's text is its paragraphs (`p`) read by `text`, on
/// one line. Empty cells are left out.
pub(crate) fn cell_rows<'a>(
    rows: impl Iterator<Item = &'a Element>,
    cell: &str,
    text: fn(&Element) -> String,
) -> Vec<String> {
    rows.map(|row| {
        row.elements()
            .filter(|e| e.name == cell)
            .map(|cell| {
                cell.descendants("p")
                    .into_iter()
                    .map(text)
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
                    .replace('\n', " ")
            })
            .filter(|c| !c.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" | ")
    })
    .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::corpus::archive::tests::zip_of;

    /// A tiny Word document: `body` goes inside `<w:body>`.
    pub(crate) fn docx_of(body: &str) -> Vec<u8> {
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        );
        let styles = r#"<w:styles xmlns:w="w"><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="Ueberschrift2"><w:name w:val="Überschrift 2"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Compact"><w:name w:val="Compact"/><w:basedOn w:val="ListPara"/></w:style><w:style w:type="paragraph" w:styleId="ListPara"><w:name w:val="List Paragraph"/></w:style></w:styles>"#;
        let core = r#"<cp:coreProperties xmlns:cp="c" xmlns:dc="d"><dc:title>Datatypes In SQLite</dc:title></cp:coreProperties>"#;
        zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            (DOCUMENT, document.as_bytes()),
            ("word/styles.xml", styles.as_bytes()),
            ("docProps/core.xml", core.as_bytes()),
        ])
    }

    /// A paragraph with a style.
    pub(crate) fn p(style: &str, text: &str) -> String {
        let ppr = if style.is_empty() {
            String::new()
        } else {
            format!(r#"<w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#)
        };
        format!("<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    #[test]
    fn headings_lists_tables_and_title() {
        let body = [
            p("Title", "Datatypes"),
            p("Heading1", "1. Storage Classes"),
            p("", "Each value is stored as one of these &amp; more:"),
            p("Compact", "NULL. The value is a NULL value."),
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t xml:space="preserve">INTEGER. </w:t></w:r><w:r><w:t>A signed integer.</w:t></w:r></w:p>"#.to_string(),
            p("Ueberschrift2", "1.1 Boolean"),
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Expression</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Affinity</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>INT</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>INTEGER</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#.to_string(),
            r#"<w:p><w:r><w:delText>gone</w:delText><w:instrText>TOC \o</w:instrText><w:t>kept</w:t><w:tab/><w:t>text</w:t></w:r></w:p>"#.to_string(),
        ]
        .concat();
        let book = read_docx(&docx_of(&body)).unwrap();
        assert_eq!(book.title.as_deref(), Some("Datatypes In SQLite"));
        assert_eq!(book.parts.len(), 1);
        assert_eq!(
            book.parts[0].blocks,
            vec![
                Block::Heading { level: 1, text: "Datatypes".into() },
                Block::Heading { level: 1, text: "1. Storage Classes".into() },
                Block::Paragraph("Each value is stored as one of these & more:".into()),
                Block::List(vec![
                    "NULL. The value is a NULL value.".into(),
                    "INTEGER. A signed integer.".into()
                ]),
                Block::Heading { level: 2, text: "1.1 Boolean".into() },
                Block::Paragraph("Expression | Affinity\nINT | INTEGER".into()),
                Block::Paragraph("kept text".into()),
            ]
        );
    }

    #[test]
    fn long_tables_are_cut_with_the_header_repeated() {
        let rows: Vec<String> = std::iter::once("Name | Type".to_string())
            .chain((0..100).map(|i| format!("col{i} | INTEGER")))
            .collect();
        let blocks = table_blocks(rows);
        assert!(blocks.len() > 1);
        for block in &blocks {
            let Block::Paragraph(text) = block else { panic!("{block:?}") };
            assert!(text.starts_with("Name | Type\n"), "{text}");
            assert!(text.len() <= TABLE_CHUNK_CHARS + 40);
        }
    }

    #[test]
    fn docx_without_document_part_or_text_is_skipped_with_reason() {
        let not_word = zip_of(&[("hello.txt", b"hi")]);
        assert_eq!(read_docx(&not_word).unwrap_err(), "not a Word document (no word/document.xml)");
        assert_eq!(read_docx(&docx_of("<w:p/>")).unwrap_err(), "no readable text");
        assert!(
            read_docx(b"PK\x03\x04garbage").unwrap_err().starts_with("not a valid ZIP archive")
        );
    }

    #[test]
    fn docx_zip_bomb_is_skipped_with_reason() {
        // 65 MiB of spaces inside one paragraph compresses to about 65 KiB.
        let huge = format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", " ".repeat(65 * 1024 * 1024));
        let bytes = docx_of(&huge);
        drop(huge);
        assert_eq!(read_docx(&bytes).unwrap_err(), "archive expands beyond 64 MiB");
    }
}
