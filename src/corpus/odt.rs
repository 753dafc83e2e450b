//! Reading OpenDocument text (`.odt`): `text:h` headings with their outline level, paragraphs,
//! lists (one item per list item, nested lists flattened in order) and tables as rows.

use super::archive::Archive;
use super::docx::{cell_rows, table_blocks};
use super::xml::{self, Element, Node};
use super::{Block, Book, Part};

/// Reads an `.odt` file's bytes.
///
/// # Errors
/// The skip reason: an archive problem, "not an OpenDocument text (no content.xml)", an XML
/// problem, or "no readable text".
pub(crate) fn read_odt(bytes: &[u8]) -> Result<Book, String> {
    let mut archive = Archive::open(bytes)?;
    let content = archive
        .read("content.xml")?
        .ok_or_else(|| "not an OpenDocument text (no content.xml)".to_string())?;
    let root = xml::parse(&content)?;
    let Some(text) = root.find("body").and_then(|b| b.child("text")) else {
        return Err("no readable text".to_string());
    };
    let mut blocks = Vec::new();
    container(text, &mut blocks);
    if blocks.is_empty() {
        return Err("no readable text".to_string());
    }
    let title = match archive.read("meta.xml")? {
        Some(bytes) => xml::parse(&bytes)?.find("title").map(|t| t.text().trim().to_string()),
        None => None,
    };
    Ok(Book { title: title.filter(|t| !t.is_empty()), parts: vec![Part { locator: None, blocks }] })
}

/// Reads the block-level children of the body or a section.
fn container(parent: &Element, blocks: &mut Vec<Block>) {
    for element in parent.elements() {
        match element.name.as_str() {
            "h" => {
                let text = paragraph_text(element);
                let level = element
                    .attr("outline-level")
                    .and_then(|l| l.parse::<u8>().ok())
                    .unwrap_or(1)
                    .clamp(1, 6);
                if !text.is_empty() {
                    blocks.push(Block::Heading { level, text: text.replace('\n', " ") });
                }
            }
            "p" => {
                let text = paragraph_text(element);
                if !text.is_empty() {
                    blocks.push(Block::Paragraph(text));
                }
            }
            "list" => {
                let items: Vec<String> = element
                    .descendants("list-item")
                    .into_iter()
                    .flat_map(|item| {
                        item.elements()
                            .filter(|e| e.name == "p" || e.name == "h")
                            .map(paragraph_text)
                            .collect::<Vec<_>>()
                    })
                    .filter(|t| !t.is_empty())
                    .collect();
                match items.len() {
                    0 => {}
                    1 => blocks.extend(items.into_iter().map(Block::Paragraph)),
                    _ => blocks.push(Block::List(items)),
                }
            }
            "table" => {
                let rows = element.descendants("table-row");
                let rows = cell_rows(rows.into_iter(), "table-cell", paragraph_text);
                blocks.extend(table_blocks(rows));
            }
            "section" | "index-body" => container(element, blocks),
            _ => {}
        }
    }
}

/// A paragraph's text: `text:s` as spaces, `text:tab` as a space, `text:line-break` as a new
/// line; notes' bodies left out.
fn paragraph_text(paragraph: &Element) -> String {
    let mut out = String::new();
    let mut stack: Vec<&Node> = paragraph.children.iter().rev().collect();
    while let Some(node) = stack.pop() {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Element(e) => match e.name.as_str() {
                "s" | "tab" => out.push(' '),
                "line-break" => out.push('\n'),
                "note" | "annotation" => {}
                _ => stack.extend(e.children.iter().rev()),
            },
        }
    }
    super::docx::tidy(&out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::archive::tests::zip_of;

    #[test]
    fn headings_paragraphs_lists_and_tables() {
        let content = r#"<office:document-content xmlns:office="o" xmlns:text="t" xmlns:table="b"><office:body><office:text>
            <text:h text:outline-level="2">Storage<text:s/>Classes</text:h>
            <text:p>Each value has a class<text:note><text:note-body><text:p>fn</text:p></text:note-body></text:note>.</text:p>
            <text:list><text:list-item><text:p>NULL</text:p></text:list-item><text:list-item><text:p>INTEGER</text:p></text:list-item></text:list>
            <table:table><table:table-row><table:table-cell><text:p>a</text:p></table:table-cell><table:table-cell><text:p>b</text:p></table:table-cell></table:table-row></table:table>
            </office:text></office:body></office:document-content>"#;
        let meta = r#"<office:document-meta xmlns:office="o" xmlns:dc="d"><office:meta><dc:title>Types</dc:title></office:meta></office:document-meta>"#;
        let bytes = zip_of(&[("content.xml", content.as_bytes()), ("meta.xml", meta.as_bytes())]);
        let book = read_odt(&bytes).unwrap();
        assert_eq!(book.title.as_deref(), Some("Types"));
        assert_eq!(
            book.parts[0].blocks,
            vec![
                Block::Heading { level: 2, text: "Storage Classes".into() },
                Block::Paragraph("Each value has a class.".into()),
                Block::List(vec!["NULL".into(), "INTEGER".into()]),
                Block::Paragraph("a | b".into()),
            ]
        );
        assert_eq!(
            read_odt(&zip_of(&[("x", b"y")])).unwrap_err(),
            "not an OpenDocument text (no content.xml)"
        );
    }
}
