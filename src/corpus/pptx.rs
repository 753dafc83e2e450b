//! Reading PowerPoint decks (`.pptx`, Office Open XML): slides in presentation order
//! (`ppt/presentation.xml`'s slide list through its relationships), each slide one cited part
//! ("slide 3") whose title placeholder is its heading, body text as paragraphs or bullet lists,
//! tables as rows, and the speaker notes kept after the body.

use std::collections::HashMap;

use super::archive::{Archive, resolve};
use super::docx::{cell_rows, core_title, run_text, table_blocks};
use super::xml::{self, Element};
use super::{Block, Book, Part};

/// The part that lists the slides.
const PRESENTATION: &str = "ppt/presentation.xml";

/// Reads a `.pptx` file's bytes.
///
/// # Errors
/// The skip reason: an archive problem, "not a PowerPoint deck (no ppt/presentation.xml)", an
/// XML problem, or "no readable text".
pub(crate) fn read_pptx(bytes: &[u8]) -> Result<Book, String> {
    let mut archive = Archive::open(bytes)?;
    let presentation = archive
        .read(PRESENTATION)?
        .ok_or_else(|| "not a PowerPoint deck (no ppt/presentation.xml)".to_string())?;
    let presentation = xml::parse(&presentation)?;
    let rels = relationships(&mut archive, PRESENTATION)?;
    let mut slides: Vec<String> = presentation
        .descendants("sldId")
        .into_iter()
        .filter_map(|s| s.attr("r:id"))
        .filter_map(|id| rels.get(id))
        .map(|(_, target)| target.clone())
        .collect();
    if slides.is_empty() {
        // No usable slide list: fall back to the slide parts in numeric order.
        slides = archive
            .names()
            .into_iter()
            .filter(|n| n.starts_with("ppt/slides/slide") && n.ends_with(".xml"))
            .collect();
        slides.sort_by_key(|n| {
            n.trim_start_matches("ppt/slides/slide").trim_end_matches(".xml").parse::<u32>().ok()
        });
    }
    let mut parts = Vec::new();
    let mut first_title = None;
    let mut last_title: Option<String> = None;
    for (index, path) in slides.iter().enumerate() {
        let Some(bytes) = archive.read(path)? else { continue };
        let slide = xml::parse(&bytes)?;
        let (title, mut blocks) = slide_blocks(&slide);
        let notes = notes_of(&mut archive, path)?;
        if !notes.is_empty() {
            blocks.push(Block::Paragraph(notes));
        }
        if blocks.is_empty() && title.is_none() {
            continue;
        }
        if first_title.is_none() {
            first_title.clone_from(&title);
        }
        // An untitled slide goes on with the section of the slide before it.
        let title = title.or_else(|| last_title.clone());
        last_title.clone_from(&title);
        let mut part_blocks = Vec::new();
        if let Some(title) = title {
            part_blocks.push(Block::Heading { level: 2, text: title });
        }
        part_blocks.extend(blocks);
        parts.push(Part { locator: Some(format!("slide {}", index + 1)), blocks: part_blocks });
    }
    if parts.iter().all(|p| p.blocks.iter().all(|b| matches!(b, Block::Heading { .. }))) {
        return Err("no readable text".to_string());
    }
    let title = core_title(&mut archive)?.or(first_title);
    Ok(Book { title, parts })
}

/// The relationships of a part: id → (type, resolved target path). External targets (web
/// links) are left out.
fn relationships(
    archive: &mut Archive<'_>,
    part: &str,
) -> Result<HashMap<String, (String, String)>, String> {
    let (folder, name) = part.rsplit_once('/').unwrap_or(("", part));
    let rels_path = format!("{folder}/_rels/{name}.rels");
    let Some(bytes) = archive.read(&rels_path)? else { return Ok(HashMap::new()) };
    let root = xml::parse(&bytes)?;
    Ok(root
        .elements()
        .filter(|e| e.name == "Relationship" && e.attr("TargetMode") != Some("External"))
        .filter_map(|e| {
            let id = e.attr("Id")?.to_string();
            let kind = e.attr("Type").unwrap_or_default().to_string();
            Some((id, (kind, resolve(part, e.attr("Target")?))))
        })
        .collect())
}

/// The speaker notes of a slide, as one paragraph (empty when there are none).
fn notes_of(archive: &mut Archive<'_>, slide: &str) -> Result<String, String> {
    let rels = relationships(archive, slide)?;
    let Some((_, path)) = rels.values().find(|(kind, _)| kind.ends_with("/notesSlide")) else {
        return Ok(String::new());
    };
    let Some(bytes) = archive.read(path)? else { return Ok(String::new()) };
    let notes = xml::parse(&bytes)?;
    let (_, blocks) = slide_blocks(&notes);
    Ok(blocks
        .into_iter()
        .map(|b| match b {
            Block::Paragraph(text) | Block::Heading { text, .. } => text,
            Block::List(items) => items.join("\n"),
        })
        .collect::<Vec<_>>()
        .join("\n"))
}

/// The title (from the title placeholder) and body blocks of a slide or notes page.
fn slide_blocks(slide: &Element) -> (Option<String>, Vec<Block>) {
    let mut title = None;
    let mut blocks = Vec::new();
    let Some(tree) = slide.find("spTree") else { return (None, blocks) };
    let mut stack: Vec<&Element> = tree.elements().collect();
    stack.reverse();
    while let Some(element) = stack.pop() {
        match element.name.as_str() {
            "sp" => {
                let placeholder = element.find("nvPr").and_then(|n| n.child("ph"));
                let kind = placeholder.map(|ph| ph.attr("type").unwrap_or("body"));
                match kind {
                    Some("title" | "ctrTitle") => {
                        let text = shape_paragraphs(element, false)
                            .into_iter()
                            .map(|(t, _)| t)
                            .collect::<Vec<_>>()
                            .join(" ")
                            .replace('\n', " ");
                        if title.is_none() && !text.is_empty() {
                            title = Some(text);
                        } else if !text.is_empty() {
                            blocks.push(Block::Paragraph(text));
                        }
                    }
                    Some("sldNum" | "dt" | "ftr" | "hdr" | "sldImg") => {}
                    _ => {
                        let bulleted = matches!(kind, Some("body" | "obj"));
                        blocks.extend(paragraph_blocks(shape_paragraphs(element, bulleted)));
                    }
                }
            }
            "graphicFrame" => {
                for table in element.descendants("tbl") {
                    let rows =
                        cell_rows(table.elements().filter(|e| e.name == "tr"), "tc", run_text);
                    blocks.extend(table_blocks(rows));
                }
            }
            "grpSp" => {
                let mut children: Vec<&Element> = element.elements().collect();
                children.reverse();
                stack.extend(children);
            }
            _ => {}
        }
    }
    (title, blocks)
}

/// A shape's paragraphs with whether each is a bullet: explicit `buChar`/`buAutoNum` bullets,
/// or inherited ones in body placeholders unless `buNone` says otherwise.
fn shape_paragraphs(shape: &Element, bulleted: bool) -> Vec<(String, bool)> {
    let Some(body) = shape.child("txBody") else { return Vec::new() };
    body.elements()
        .filter(|e| e.name == "p")
        .map(|p| {
            let ppr = p.child("pPr");
            let explicit = ppr.is_some_and(|ppr| {
                ppr.child("buChar").is_some() || ppr.child("buAutoNum").is_some()
            });
            let none = ppr.is_some_and(|ppr| ppr.child("buNone").is_some());
            (run_text(p), explicit || (bulleted && !none))
        })
        .filter(|(text, _)| !text.is_empty())
        .collect()
}

/// Groups paragraphs into blocks: runs of two or more bullets become a list.
fn paragraph_blocks(paragraphs: Vec<(String, bool)>) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let flush = |items: &mut Vec<String>, blocks: &mut Vec<Block>| match items.len() {
        0 => {}
        1 => blocks.extend(items.drain(..).map(Block::Paragraph)),
        _ => blocks.push(Block::List(std::mem::take(items))),
    };
    for (text, bullet) in paragraphs {
        if bullet {
            items.push(text.replace('\n', " "));
        } else {
            flush(&mut items, &mut blocks);
            blocks.push(Block::Paragraph(text));
        }
    }
    flush(&mut items, &mut blocks);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::archive::tests::zip_of;

    /// A shape: placeholder type (`""` for a body placeholder without type, `None` for a
    /// text box) and paragraphs (`(text, buNone)`).
    fn shape(placeholder: Option<&str>, paragraphs: &[(&str, bool)]) -> String {
        let ph = match placeholder {
            None => String::new(),
            Some("") => r#"<p:ph idx="1"/>"#.to_string(),
            Some(kind) => format!(r#"<p:ph type="{kind}"/>"#),
        };
        let ps: String = paragraphs
            .iter()
            .map(|(text, none)| {
                let ppr = if *none { "<a:pPr><a:buNone/></a:pPr>" } else { "" };
                format!("<a:p>{ppr}<a:r><a:t>{text}</a:t></a:r></a:p>")
            })
            .collect();
        format!("<p:sp><p:nvSpPr><p:nvPr>{ph}</p:nvPr></p:nvSpPr><p:txBody>{ps}</p:txBody></p:sp>")
    }

    fn slide(shapes: &str) -> String {
        format!(
            r#"<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree>{shapes}</p:spTree></p:cSld></p:sld>"#
        )
    }

    const SLIDE_REL: &str =
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide";
    const NOTES_REL: &str =
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesSlide";

    /// A deck whose slide list puts slide2.xml before slide1.xml.
    fn deck() -> Vec<u8> {
        let presentation = r#"<p:presentation xmlns:p="p" xmlns:r="r"><p:sldIdLst><p:sldId id="256" r:id="rId7"/><p:sldId id="257" r:id="rId3"/><p:sldId id="258" r:id="rId9"/></p:sldIdLst></p:presentation>"#;
        let rels = format!(
            r#"<Relationships><Relationship Id="rId3" Type="{SLIDE_REL}" Target="slides/slide1.xml"/><Relationship Id="rId7" Type="{SLIDE_REL}" Target="slides/slide2.xml"/><Relationship Id="rId9" Type="{SLIDE_REL}" Target="slides/slide3.xml"/></Relationships>"#
        );
        let untitled = slide(&shape(Some(""), &[("Checkpoints can also run by hand.", true)]));
        let first = slide(
            &[
                shape(Some("title"), &[("Write-Ahead Logging", true)]),
                shape(
                    Some(""),
                    &[("How WAL works", true), ("Readers do not block writers.", true)],
                ),
                shape(Some("sldNum"), &[("7", false)]),
            ]
            .concat(),
        );
        let second = slide(
            &[
                shape(Some("title"), &[("2.1. Checkpointing", true)]),
                shape(Some(""), &[("Moving the WAL back is called a checkpoint.", true)]),
                shape(Some(""), &[("one", false), ("two", false)]),
            ]
            .concat(),
        );
        let second_rels = format!(
            r#"<Relationships><Relationship Id="rId1" Type="{NOTES_REL}" Target="../notesSlides/notesSlide1.xml"/><Relationship Id="rId2" Type="h" Target="https://x" TargetMode="External"/></Relationships>"#
        );
        let notes = slide(
            &[
                shape(Some("sldImg"), &[]),
                shape(Some(""), &[("Say that checkpoints run at 1000 pages.", false)]),
            ]
            .concat(),
        );
        zip_of(&[
            (PRESENTATION, presentation.as_bytes()),
            ("ppt/_rels/presentation.xml.rels", rels.as_bytes()),
            ("ppt/slides/slide1.xml", second.as_bytes()),
            ("ppt/slides/slide2.xml", first.as_bytes()),
            ("ppt/slides/slide3.xml", untitled.as_bytes()),
            ("ppt/slides/_rels/slide1.xml.rels", second_rels.as_bytes()),
            ("ppt/notesSlides/notesSlide1.xml", notes.as_bytes()),
        ])
    }

    #[test]
    fn slides_in_order_with_titles_bodies_lists_and_notes() {
        let book = read_pptx(&deck()).unwrap();
        assert_eq!(book.title.as_deref(), Some("Write-Ahead Logging"));
        let locators: Vec<_> = book.parts.iter().map(|p| p.locator.as_deref().unwrap()).collect();
        assert_eq!(locators, ["slide 1", "slide 2", "slide 3"]);
        assert_eq!(
            book.parts[0].blocks,
            vec![
                Block::Heading { level: 2, text: "Write-Ahead Logging".into() },
                Block::Paragraph("How WAL works".into()),
                Block::Paragraph("Readers do not block writers.".into()),
            ]
        );
        assert_eq!(
            book.parts[1].blocks,
            vec![
                Block::Heading { level: 2, text: "2.1. Checkpointing".into() },
                Block::Paragraph("Moving the WAL back is called a checkpoint.".into()),
                Block::List(vec!["one".into(), "two".into()]),
                Block::Paragraph("Say that checkpoints run at 1000 pages.".into()),
            ]
        );
        assert_eq!(
            book.parts[2].blocks,
            vec![
                Block::Heading { level: 2, text: "2.1. Checkpointing".into() },
                Block::Paragraph("Checkpoints can also run by hand.".into()),
            ]
        );
    }

    #[test]
    fn pptx_hostile_inputs_are_reasons() {
        assert_eq!(
            read_pptx(&zip_of(&[("x", b"y")])).unwrap_err(),
            "not a PowerPoint deck (no ppt/presentation.xml)"
        );
        let empty = zip_of(&[(PRESENTATION, b"<p:presentation xmlns:p=\"p\"/>")]);
        assert_eq!(read_pptx(&empty).unwrap_err(), "no readable text");
        let bytes = deck();
        let _ = read_pptx(&bytes[..bytes.len() / 2]);
    }
}
