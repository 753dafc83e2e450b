//! Reading e-books (`.epub`, EPUB 2 and 3): the spine in order (`META-INF/container.xml` →
//! the OPF package), each chapter through the HTML reader as one cited part ("ch. 3").
//! Navigation documents (EPUB 3 `nav`, the NCX, pages that are mostly links), covers, title
//! pages and other short front matter are skipped by general rules.

use scraper::{Html, Selector};

use super::archive::{Archive, resolve};
use super::html::read_html;
use super::xml::{self, Element};
use super::{Block, Book, Part};

/// Spine items before the first real chapter with less text than this are front matter
/// (cover, title page, copyright page, dedication).
const FRONT_MATTER_CHARS: usize = 500;
/// A page whose text is at least this share link text is a table of contents.
const NAV_LINK_SHARE: f64 = 0.6;

/// Reads an `.epub` file's bytes.
///
/// # Errors
/// The skip reason: an archive problem, "not an EPUB (no META-INF/container.xml)", "EPUB
/// package file … missing", an XML problem, or "no readable text".
pub(crate) fn read_epub(bytes: &[u8]) -> Result<Book, String> {
    let mut archive = Archive::open(bytes)?;
    let container = archive
        .read("META-INF/container.xml")?
        .ok_or_else(|| "not an EPUB (no META-INF/container.xml)".to_string())?;
    let container = xml::parse(&container)?;
    let opf_path = container
        .find("rootfile")
        .and_then(|r| r.attr("full-path"))
        .map(|p| resolve("", p))
        .ok_or_else(|| {
            "not an EPUB (no package file named in META-INF/container.xml)".to_string()
        })?;
    let opf =
        archive.read(&opf_path)?.ok_or_else(|| format!("EPUB package file {opf_path} missing"))?;
    let package = xml::parse(&opf)?;
    let title = package
        .find("metadata")
        .and_then(|m| m.child("title"))
        .map(|t| t.text().split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());

    let mut parts = Vec::new();
    let mut seen_chapter = false;
    for path in spine(&package, &opf_path) {
        let Some(text) = archive.read_text(&path)? else { continue };
        if is_navigation(&text) {
            continue;
        }
        // A chapter the HTML reader refuses (nested too deeply, too many nodes) is left out;
        // the rest of the book is still read.
        let Ok(page) = read_html(&text) else { continue };
        let chars: usize = page.blocks.iter().map(block_chars).sum();
        if chars == 0 || (!seen_chapter && chars < FRONT_MATTER_CHARS) {
            continue;
        }
        seen_chapter = true;
        let locator = format!("ch. {}", parts.len() + 1);
        parts.push(Part { locator: Some(locator), blocks: page.blocks });
    }
    if parts.is_empty() {
        return Err("no readable text".to_string());
    }
    Ok(Book { title, parts })
}

/// The content documents of the spine, in reading order, as archive paths: `linear="no"`
/// items, navigation documents and anything not (X)HTML left out.
fn spine(package: &Element, opf_path: &str) -> Vec<String> {
    let Some(manifest) = package.find("manifest") else { return Vec::new() };
    let skipped_refs: Vec<String> = package
        .find("guide")
        .map(|g| {
            g.elements()
                .filter(|r| matches!(r.attr("type"), Some("cover" | "toc" | "title-page")))
                .filter_map(|r| r.attr("href"))
                .map(|href| resolve(opf_path, href))
                .collect()
        })
        .unwrap_or_default();
    let Some(spine) = package.find("spine") else { return Vec::new() };
    spine
        .elements()
        .filter(|i| i.name == "itemref" && i.attr("linear") != Some("no"))
        .filter_map(|itemref| {
            let id = itemref.attr("idref")?;
            let item = manifest.elements().find(|i| i.attr("id") == Some(id))?;
            let media = item.attr("media-type").unwrap_or_default();
            let nav =
                item.attr("properties").is_some_and(|p| p.split_whitespace().any(|w| w == "nav"));
            if nav || !(media.contains("html") || media.is_empty()) {
                return None;
            }
            let path = resolve(opf_path, item.attr("href")?);
            (!skipped_refs.contains(&path)).then_some(path)
        })
        .collect()
}

/// Whether a page is a table of contents or other navigation: most of its text is links.
fn is_navigation(html: &str) -> bool {
    let page = Html::parse_document(html);
    let (Ok(body), Ok(links)) = (Selector::parse("body"), Selector::parse("a[href]")) else {
        return false;
    };
    let count = |text: scraper::element_ref::Text<'_>| -> usize {
        text.map(|t| t.chars().filter(|c| !c.is_whitespace()).count()).sum()
    };
    let total: usize = page.select(&body).map(|b| count(b.text())).sum();
    let linked: usize = page.select(&links).map(|a| count(a.text())).sum();
    total > 0 && linked as f64 >= NAV_LINK_SHARE * total as f64
}

/// The characters of text in a block.
fn block_chars(block: &Block) -> usize {
    match block {
        Block::Heading { text, .. } | Block::Paragraph(text) => text.chars().count(),
        Block::List(items) => items.iter().map(|i| i.chars().count()).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::archive::tests::zip_of;

    fn page(body: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>Book</title></head><body>{body}</body></html>"#
        )
    }

    fn book() -> Vec<u8> {
        let container = r#"<container><rootfiles><rootfile full-path="OEBPS/content.opf"/></rootfiles></container>"#;
        let opf = r#"<package><metadata xmlns:dc="dc"><dc:title>Quick Start Guide</dc:title></metadata>
            <manifest>
              <item id="cover" href="Text/cover.xhtml" media-type="application/xhtml+xml"/>
              <item id="title" href="Text/title.xhtml" media-type="application/xhtml+xml"/>
              <item id="toc" href="Text/toc.xhtml" media-type="application/xhtml+xml"/>
              <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
              <item id="c2" href="Text/two.xhtml" media-type="application/xhtml+xml"/>
              <item id="c1" href="Text/one%20a.xhtml" media-type="application/xhtml+xml"/>
              <item id="notes" href="Text/notes.xhtml" media-type="application/xhtml+xml"/>
              <item id="img" href="i.jpg" media-type="image/jpeg"/>
            </manifest>
            <spine toc="ncx"><itemref idref="cover"/><itemref idref="title"/><itemref idref="toc"/><itemref idref="nav"/>
              <itemref idref="c1"/><itemref idref="c2"/><itemref idref="notes" linear="no"/><itemref idref="img"/></spine>
            <guide><reference type="cover" href="Text/cover.xhtml"/></guide></package>"#;
        let long = "Calibre converts e-books between many formats. ".repeat(12);
        let one = page(&format!("<h1>Introduction</h1><p>{long}</p>"));
        let two = page("<h2>Task 2: Conversion</h2><p>Use the Convert books button.</p>");
        let title = page("<h1>Quick Start Guide</h1><p>Copyright 2014 John Schember</p>");
        let toc = page(
            r##"<h1>Contents</h1><ul><li><a href="one.xhtml">Introduction to the guide</a></li><li><a href="two.xhtml">Task 2: Conversion of books</a></li></ul>"##,
        );
        zip_of(&[
            ("mimetype", b"application/epub+zip"),
            ("META-INF/container.xml", container.as_bytes()),
            ("OEBPS/content.opf", opf.as_bytes()),
            ("OEBPS/Text/cover.xhtml", page("<p>Cover picture caption that is long enough to count if it were a chapter.</p>").as_bytes()),
            ("OEBPS/Text/title.xhtml", title.as_bytes()),
            ("OEBPS/Text/toc.xhtml", toc.as_bytes()),
            ("OEBPS/nav.xhtml", page("<nav><ol><li>x</li></ol></nav>").as_bytes()),
            ("OEBPS/Text/one a.xhtml", one.as_bytes()),
            ("OEBPS/Text/two.xhtml", two.as_bytes()),
            ("OEBPS/Text/notes.xhtml", page("<p>Notes.</p>").as_bytes()),
        ])
    }

    #[test]
    fn spine_chapters_in_order_front_matter_and_toc_skipped() {
        let book = read_epub(&book()).unwrap();
        assert_eq!(book.title.as_deref(), Some("Quick Start Guide"));
        let locators: Vec<_> = book.parts.iter().map(|p| p.locator.as_deref().unwrap()).collect();
        assert_eq!(locators, ["ch. 1", "ch. 2"]);
        assert_eq!(
            book.parts[0].blocks[0],
            Block::Heading { level: 1, text: "Introduction".into() }
        );
        // A short chapter after the first real one is kept.
        assert_eq!(
            book.parts[1].blocks,
            vec![
                Block::Heading { level: 2, text: "Task 2: Conversion".into() },
                Block::Paragraph("Use the Convert books button.".into()),
            ]
        );
    }

    #[test]
    fn epub_hostile_inputs_are_reasons() {
        assert_eq!(
            read_epub(&zip_of(&[("a", b"b")])).unwrap_err(),
            "not an EPUB (no META-INF/container.xml)"
        );
        let no_opf = zip_of(&[(
            "META-INF/container.xml",
            br#"<container><rootfiles><rootfile full-path="x.opf"/></rootfiles></container>"#,
        )]);
        assert_eq!(read_epub(&no_opf).unwrap_err(), "EPUB package file x.opf missing");
        let bytes = book();
        let _ = read_epub(&bytes[..bytes.len() - 100]);
    }
}
