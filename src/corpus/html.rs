//! Reading HTML pages: keeps the readable body (headings, paragraphs, list items, table rows)
//! and drops page furniture (scripts, navigation, headers, footers, forms, widgets).

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::{ElementRef, Html, HtmlTreeSink, Node, Selector};

use super::Block;
use super::clean::{dominant_script, is_boilerplate_in};
use super::isolate::{TIMED_OUT, past_deadline};

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
#[derive(Debug)]
pub(crate) struct Page {
    /// From `<title>`, else the first `<h1>`.
    pub title: Option<String>,
    /// The readable body in reading order, boilerplate removed.
    pub blocks: Vec<Block>,
}

/// The deepest element nesting a page may have, measured on the tree the parser builds.
/// Deeper pages are refused: html5ever's cost per tag grows with the depth of open elements
/// (quadratic in all), and the tree walk below recurses once per level. Real pages stay far
/// below it (a few dozen levels). At this depth a 64 MiB page of `<div></div>` still parses
/// in about 10 s before [`MAX_NODES`] stops it.
pub(crate) const MAX_DEPTH: usize = 256;

/// The most nodes (elements and runs of text) a page may have. Each costs ~170 bytes in the
/// parsed tree, so this bounds a page's tree near 350 MB however its 64 MiB are spent (15
/// million `<p>` tags would otherwise take 5 GB). Real pages, even book-length ones, have
/// far fewer; a page with more is refused.
pub(crate) const MAX_NODES: usize = 2_000_000;

/// Input is fed to the parser in pieces of this size, so a page that grows too deep or takes
/// too long is given up after at most one more piece.
const PARSE_CHUNK: usize = 16 * 1024;

/// Reads an HTML page. Prefers `<main>` (or `[role=main]`), then `<article>`s, then `<body>`.
///
/// # Errors
/// The reason the page is refused: nested deeper than [`MAX_DEPTH`], more than
/// [`MAX_NODES`] nodes, or the time limit of the read ran out (see `isolate`).
pub(crate) fn read_html(text: &str) -> Result<Page, String> {
    let html = parse_bounded(text)?;
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
    Ok(Page { title, blocks: drop_boilerplate(blocks) })
}

/// Parses a document, giving up as soon as the tree grows deeper than [`MAX_DEPTH`] or the
/// read's time limit passes; the finished tree's depth is then measured exactly (without
/// recursion), so everything after this may recurse once per level.
fn parse_bounded(text: &str) -> Result<Html, String> {
    let deepest = Rc::new(Cell::new(0usize));
    let nodes = Rc::new(Cell::new(0usize));
    let sink = DepthSink {
        inner: HtmlTreeSink::new(Html::new_document()),
        depths: RefCell::new(HashMap::new()),
        deepest: Rc::clone(&deepest),
        nodes: Rc::clone(&nodes),
    };
    let mut parser = html5ever::parse_document(sink, Default::default());
    let mut rest = text;
    while !rest.is_empty() {
        let mut cut = rest.len().min(PARSE_CHUNK);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let (piece, tail) = rest.split_at(cut);
        parser.process(StrTendril::from_slice(piece));
        rest = tail;
        if deepest.get() > MAX_DEPTH {
            return Err(too_deep(format!("more than {MAX_DEPTH}")));
        }
        if nodes.get() > MAX_NODES {
            return Err(format!("HTML has too many elements (more than {MAX_NODES} nodes)"));
        }
        if past_deadline() {
            return Err(TIMED_OUT.to_string());
        }
    }
    let html = parser.finish();
    let depth = tree_depth(&html);
    if depth > MAX_DEPTH {
        return Err(too_deep(depth.to_string()));
    }
    Ok(html)
}

/// The reason for a page nested too deeply.
fn too_deep(levels: String) -> String {
    format!("HTML nested too deeply ({levels} levels, limit {MAX_DEPTH})")
}

/// The depth of the deepest node under the document, counted without recursion.
fn tree_depth(html: &Html) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(_) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            Edge::Close(_) => depth = depth.saturating_sub(1),
        }
    }
    // The document node itself is not a level.
    deepest.saturating_sub(1)
}

/// scraper's tree sink, plus a running estimate of the tree's depth: each node appended is
/// one deeper than its parent. Nodes the parser later moves (adoption agency, foster
/// parenting) keep their first depth, so the estimate can be off by a little; it only decides
/// how early a hostile page is given up, and [`tree_depth`] has the final word.
struct DepthSink {
    /// The real sink, building scraper's tree.
    inner: HtmlTreeSink,
    /// Depth of each appended node (the document is 0).
    depths: RefCell<HashMap<NodeId, usize>>,
    /// The deepest depth seen so far, read by [`parse_bounded`] between pieces of input.
    deepest: Rc<Cell<usize>>,
    /// Nodes placed so far (each run of text counted as one), read likewise.
    nodes: Rc<Cell<usize>>,
}

impl DepthSink {
    /// Records the depth of `node`, just placed in the tree, from its parent's.
    fn placed(&self, node: &NodeOrText<NodeId>) {
        self.nodes.set(self.nodes.get() + 1);
        let NodeOrText::AppendNode(id) = node else { return };
        let html = self.inner.0.borrow();
        let Some(parent) = html.tree.get(*id).and_then(|n| n.parent()) else { return };
        let mut depths = self.depths.borrow_mut();
        let parent_depth = match depths.get(&parent.id()) {
            Some(&d) => d,
            // The document, or a node placed before its parent was: count its ancestors.
            None => parent.ancestors().count(),
        };
        depths.insert(*id, parent_depth + 1);
        self.deepest.set(self.deepest.get().max(parent_depth + 1));
    }
}

impl TreeSink for DepthSink {
    type Output = Html;
    type Handle = NodeId;
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Html {
        self.inner.finish()
    }
    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg);
    }
    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }
    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Self::ElemName<'a> {
        self.inner.elem_name(target)
    }
    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        self.inner.create_element(name, attrs, flags)
    }
    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.inner.create_comment(text)
    }
    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.inner.create_pi(target, data)
    }
    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        let placed = node_of(&child);
        self.inner.append(parent, child);
        self.placed(&placed);
    }
    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        let placed = node_of(&child);
        self.inner.append_based_on_parent_node(element, prev_element, child);
        self.placed(&placed);
    }
    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.inner.append_doctype_to_document(name, public_id, system_id);
    }
    fn mark_script_already_started(&self, node: &NodeId) {
        self.inner.mark_script_already_started(node);
    }
    fn pop(&self, node: &NodeId) {
        self.inner.pop(node);
    }
    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }
    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        self.inner.same_node(x, y)
    }
    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode);
    }
    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        let placed = node_of(&new_node);
        self.inner.append_before_sibling(sibling, new_node);
        self.placed(&placed);
    }
    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs);
    }
    fn associate_with_form(
        &self,
        target: &NodeId,
        form: &NodeId,
        nodes: (&NodeId, Option<&NodeId>),
    ) {
        self.inner.associate_with_form(target, form, nodes);
    }
    fn remove_from_parent(&self, target: &NodeId) {
        self.inner.remove_from_parent(target);
    }
    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.inner.reparent_children(node, new_parent);
    }
    fn is_mathml_annotation_xml_integration_point(&self, handle: &NodeId) -> bool {
        self.inner.is_mathml_annotation_xml_integration_point(handle)
    }
    fn set_current_line(&self, line_number: u64) {
        self.inner.set_current_line(line_number);
    }
}

/// The node an append places, without the text (text is not a level).
fn node_of(child: &NodeOrText<NodeId>) -> NodeOrText<NodeId> {
    match child {
        NodeOrText::AppendNode(id) => NodeOrText::AppendNode(*id),
        NodeOrText::AppendText(_) => NodeOrText::AppendText(StrTendril::new()),
    }
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
        )
        .unwrap();
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
        )
        .unwrap();
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
    fn html_div_close_i_nesting_is_refused_on_the_parsed_tree() {
        // `</i>` closes nothing, so a tag count sees depth 1; the parser nests every `<div>`.
        let deep = format!("<html><body>{}</body></html>", "<div></i>".repeat(40_000));
        let started = std::time::Instant::now();
        let reason = read_html(&deep).expect_err("refused");
        assert_eq!(reason, "HTML nested too deeply (more than 256 levels, limit 256)");
        // Given up after the first pieces, not after a quadratic parse of the whole page.
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
    }

    #[test]
    fn depth_is_measured_on_the_tree_the_parser_builds() {
        // Unclosed `<p>`, void and self-closed tags do not nest; `<div>` does.
        let flat = format!("<body>{}x</body>", "<p>a<br><img src=x/>".repeat(5_000));
        assert!(read_html(&flat).is_ok());
        let ok = format!("<body>{}x{}</body>", "<div>".repeat(250), "</div>".repeat(250));
        assert_eq!(read_html(&ok).ok().map(|p| p.blocks), Some(vec![Block::Paragraph("x".into())]));
        let html = parse_bounded("<html><body><div><p>a<p>b</div></body></html>").unwrap();
        // html > body > div > p > text.
        assert_eq!(tree_depth(&html), 5);
        let deep = format!("<body>{}x", "<section><span>".repeat(300));
        assert!(read_html(&deep).unwrap_err().starts_with("HTML nested too deeply"));
    }

    #[test]
    fn html_with_millions_of_flat_elements_is_refused_before_its_tree_grows_huge() {
        let flat = format!("<body>{}</body>", "<p>x".repeat(MAX_NODES / 2 + 10_000));
        let reason = read_html(&flat).expect_err("refused");
        assert_eq!(reason, format!("HTML has too many elements (more than {MAX_NODES} nodes)"));
    }

    #[test]
    fn garbage_never_panics() {
        for input in ["", "<", "<<>>&&;", "<p><ul><li>x</p>", "\u{0}\u{1}<h7>y</h7>"] {
            let _ = read_html(input).expect("shallow input is read");
        }
    }
}
