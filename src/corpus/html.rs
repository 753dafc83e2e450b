//! Reading HTML pages: keeps the readable body (headings, paragraphs, list items, table rows)
//! and drops page furniture (scripts, navigation, headers, footers, forms, widgets).

use scraper::{ElementRef, Html, Node, Selector};

use super::Block;
use super::clean::{dominant_script, is_boilerplate_in};

/// Elements whose content is never document text.
const DROPPED: &[&str] = &[
    "script", "style", "nav", "header", "footer", "aside", "noscript", "form", "svg", "iframe",
    "template", "button", "select", "textarea", "input", "object", "canvas", "head", "dialog",
    "menu",
];

/// Elements that hold running text of their own: each becomes one paragraph.
const TEXT_BLOCKS: &[&str] = &["p", "dd", "dt", "figcaption", "caption", "address", "summary"];

/// Elements that hold other blocks: their inline text is cut off at their edges.
const CONTAINERS: &[&str] = &[
    "div",
    "section",
    "article",
    "main",
    "body",
    "html",
    "figure",
    "details",
    "dl",
    "center",
    "hgroup",
    "blockquote",
    "li",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "fieldset",
    "search",
];

/// What a page yields: its title, if it states one, and its body blocks.
pub(crate) struct Page {
    /// From `<title>`, else the first `<h1>`.
    pub title: Option<String>,
    /// The readable body in reading order, boilerplate removed.
    pub blocks: Vec<Block>,
}

/// Reads an HTML page. Prefers `<main>` (or `[role=main]`), then `<article>`s, then `<body>`.
/// Nesting deeper than this is refused: parsing cost grows with depth squared and the tree
/// walk is recursive. Real pages stay far below it.
pub(crate) const MAX_NESTING: usize = 512;

/// The deepest element nesting in `text`, estimated from its tags without parsing: void
/// elements, self-closing tags and elements whose end tag is optional (`p`, `li`, table
/// cells…) do not count.
pub(crate) fn max_nesting(text: &str) -> usize {
    const NOT_NESTING: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "!--",
        "!doctype",
    ];
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!' || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &rest[end.min(rest.len())..];
        if name.is_empty() || tag.ends_with('/') || NOT_NESTING.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

pub(crate) fn read_html(text: &str) -> Page {
    let html = Html::parse_document(text);
    let first = |css: &str| -> Option<ElementRef<'_>> {
        Selector::parse(css).ok().and_then(|s| html.select(&s).next())
    };
    let title = first("title")
        .map(text_of)
        .filter(|t| !t.is_empty())
        .or_else(|| first("h1").map(text_of).filter(|t| !t.is_empty()));

    let mut roots: Vec<ElementRef<'_>> = Vec::new();
    if let Some(main) = first("main").or_else(|| first("[role=main]")) {
        roots.push(main);
    } else if let Ok(articles) = Selector::parse("article") {
        // Top-level articles only: nested ones are read as part of their parent.
        roots.extend(html.select(&articles).filter(|a| {
            !a.ancestors().filter_map(ElementRef::wrap).any(|p| p.value().name() == "article")
        }));
    }
    if roots.is_empty() {
        roots.push(first("body").unwrap_or_else(|| html.root_element()));
    }

    let mut blocks = Vec::new();
    for root in roots {
        let mut inline = String::new();
        walk(root, &mut blocks, &mut inline);
        flush(&mut inline, &mut blocks);
    }
    Page { title, blocks: drop_boilerplate(blocks) }
}

/// Whether an element and its content are page furniture.
fn is_dropped(el: ElementRef<'_>) -> bool {
    let e = el.value();
    DROPPED.contains(&e.name())
        || e.attr("role").is_some_and(|r| r.eq_ignore_ascii_case("navigation"))
        || e.attr("hidden").is_some()
        || e.attr("aria-hidden").is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// Walks `el`'s children, collecting blocks; loose inline text gathers in `inline`.
fn walk(el: ElementRef<'_>, blocks: &mut Vec<Block>, inline: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(text) => inline.push_str(text),
            Node::Element(_) => {
                let Some(child) = ElementRef::wrap(child) else { continue };
                if is_dropped(child) {
                    continue;
                }
                block_of(child, blocks, inline);
            }
            _ => {}
        }
    }
}

/// Handles one element child of a walked element.
fn block_of(el: ElementRef<'_>, blocks: &mut Vec<Block>, inline: &mut String) {
    let name = el.value().name();
    match name {
        "br" => inline.push(' '),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            flush(inline, blocks);
            let level = name[1..].parse().unwrap_or(2);
            let text = text_of(el);
            if !text.is_empty() {
                blocks.push(Block::Heading { level, text });
            }
        }
        "ul" | "ol" => {
            flush(inline, blocks);
            let items: Vec<String> = el
                .child_elements()
                .filter(|li| li.value().name() == "li" && !is_dropped(*li))
                .map(text_of)
                .filter(|t| !t.is_empty())
                .collect();
            if !items.is_empty() {
                blocks.push(Block::List(items));
            }
        }
        "tr" => {
            flush(inline, blocks);
            let cells: Vec<String> = el
                .child_elements()
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .map(text_of)
                .filter(|t| !t.is_empty())
                .collect();
            if !cells.is_empty() {
                blocks.push(Block::Paragraph(cells.join(" | ")));
            }
        }
        "pre" => {
            flush(inline, blocks);
            let raw: String = el.text().collect();
            let lines: Vec<String> = raw.lines().map(collapse).filter(|l| !l.is_empty()).collect();
            if !lines.is_empty() {
                blocks.push(Block::Paragraph(lines.join("\n")));
            }
        }
        _ if TEXT_BLOCKS.contains(&name) => {
            flush(inline, blocks);
            let text = text_of(el);
            if !text.is_empty() {
                blocks.push(Block::Paragraph(text));
            }
        }
        _ if CONTAINERS.contains(&name) => {
            flush(inline, blocks);
            walk(el, blocks, inline);
            flush(inline, blocks);
        }
        _ => walk(el, blocks, inline),
    }
}

/// Pushes gathered inline text as a paragraph.
fn flush(inline: &mut String, blocks: &mut Vec<Block>) {
    let text = collapse(inline);
    inline.clear();
    if !text.is_empty() {
        blocks.push(Block::Paragraph(text));
    }
}

/// The visible text of an element, white space collapsed.
fn text_of(el: ElementRef<'_>) -> String {
    let mut out = String::new();
    gather(el, &mut out);
    collapse(&out)
}

/// Appends the text under `el`, skipping dropped elements, spacing block edges.
fn gather(el: ElementRef<'_>, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(text) => out.push_str(text),
            Node::Element(_) => {
                let Some(child) = ElementRef::wrap(child) else { continue };
                if is_dropped(child) {
                    continue;
                }
                let name = child.value().name();
                let spaced = name == "br"
                    || CONTAINERS.contains(&name)
                    || TEXT_BLOCKS.contains(&name)
                    || matches!(name, "ul" | "ol" | "tr" | "td" | "th" | "pre");
                if spaced {
                    out.push(' ');
                }
                gather(child, out);
                if spaced {
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
}

/// Collapses white space runs to one space and trims.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes widget and navigation text left in the body, judged against the page's script.
fn drop_boilerplate(blocks: Vec<Block>) -> Vec<Block> {
    let mut all = String::new();
    for block in &blocks {
        match block {
            Block::Heading { text, .. } | Block::Paragraph(text) => all.push_str(text),
            Block::List(items) => items.iter().for_each(|i| all.push_str(i)),
        }
    }
    let dominant = dominant_script(&all);
    let keep = |t: &String| !is_boilerplate_in(t, dominant);
    blocks
        .into_iter()
        .filter_map(|block| match block {
            Block::Heading { ref text, .. } | Block::Paragraph(ref text) => {
                keep(text).then_some(block)
            }
            Block::List(items) => {
                let items: Vec<String> = items.into_iter().filter(keep).collect();
                (!items.is_empty()).then_some(Block::List(items))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_body_drops_furniture() {
        let page = read_html(
            "<html><head><title> A  page </title><style>p{}</style></head><body>\
             <header><h1>Site</h1></header><div role=navigation>Links</div>\
             <div>Loose <em>text</em><p>Para</p>tail</div>\
             <table><tr><th>k</th><td>v</td></tr></table><span>0 comments</span>\
             <footer>foot</footer></body></html>",
        );
        assert_eq!(page.title.as_deref(), Some("A page"));
        assert_eq!(
            page.blocks,
            vec![
                Block::Paragraph("Loose text".into()),
                Block::Paragraph("Para".into()),
                Block::Paragraph("tail".into()),
                Block::Paragraph("k | v".into()),
            ]
        );
    }

    #[test]
    fn prefers_articles_and_h1_title() {
        let page = read_html(
            "<body><p>outside</p><article><h1>T</h1><p>one</p></article><article><p>two</p></article></body>",
        );
        assert_eq!(page.title.as_deref(), Some("T"));
        assert_eq!(
            page.blocks,
            vec![
                Block::Heading { level: 1, text: "T".into() },
                Block::Paragraph("one".into()),
                Block::Paragraph("two".into()),
            ]
        );
    }

    #[test]
    fn nesting_is_estimated_without_parsing() {
        assert_eq!(max_nesting("<html><body><div><p>a<p>b<br><img src=x/></div></body></html>"), 3);
        let deep = format!("{}x{}", "<div>".repeat(2000), "</div>".repeat(2000));
        assert_eq!(max_nesting(&deep), 2000);
        assert_eq!(max_nesting("no tags < here"), 0);
    }

    #[test]
    fn garbage_never_panics() {
        for input in ["", "<", "<<>>&&;", "<p><ul><li>x</p>", "\u{0}\u{1}<h7>y</h7>"] {
            let _ = read_html(input);
        }
    }
}
