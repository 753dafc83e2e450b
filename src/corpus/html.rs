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
use super::clean::{Piece, finish_pieces};
use super::isolate::{TIMED_OUT, past_deadline};

/// Elements whose content is never document text.
const DROPPED: &[&str] = &[
    "script", "style", "nav", "header", "footer", "aside", "noscript", "form", "svg", "iframe",
    "template", "button", "select", "textarea", "input", "object", "canvas", "head", "dialog",
    "menu",
];

/// Elements that hold running text of their own: each becomes one paragraph.
const TEXT_BLOCKS: &[&str] = &["p", "dd", "dt", "figcaption", "caption", "address", "summary"];

/// `id` or `class` words that mark page furniture in sites that do not use the HTML5
/// elements for it: footers, breadcrumb trails, share and social widgets, advertisements,
/// tables of contents.
const FURNITURE_NAMES: &[&str] = &[
    "footer",
    "site-footer",
    "page-footer",
    "breadcrumb",
    "breadcrumbs",
    "share",
    "sharing",
    "share-buttons",
    "social-share",
    "social",
    "advertisement",
    "ads",
    "toc",
    "table-of-contents",
    "skip-link",
];

/// A definition-list entry (terms and description) stays one paragraph up to this size.
const ENTRY_MAX_CHARS: usize = 1500;

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

    let mut pieces = Vec::new();
    for root in roots {
        let mut inline = String::new();
        walk(root, &mut pieces, &mut inline);
        flush(&mut inline, &mut pieces);
    }
    Ok(Page { title, blocks: finish_pieces(pieces) })
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

/// Whether an element and its content are page furniture: a furniture element, a
/// navigation or footer landmark, hidden content, an element named as furniture by its `id`
/// or `class` ([`FURNITURE_NAMES`]), or a permalink mark (a link showing only a symbol such
/// as "¶", "#" or "§").
fn is_dropped(el: ElementRef<'_>) -> bool {
    let e = el.value();
    let furniture_name = |value: Option<&str>| {
        value.is_some_and(|v| {
            v.split_whitespace().any(|w| FURNITURE_NAMES.iter().any(|f| w.eq_ignore_ascii_case(f)))
        })
    };
    DROPPED.contains(&e.name())
        || e.attr("role").is_some_and(|r| {
            r.eq_ignore_ascii_case("navigation") || r.eq_ignore_ascii_case("contentinfo")
        })
        || e.attr("hidden").is_some()
        || e.attr("aria-hidden").is_some_and(|v| v.eq_ignore_ascii_case("true"))
        || (!matches!(e.name(), "body" | "html" | "main" | "article")
            && (furniture_name(e.attr("id")) || furniture_name(e.attr("class"))))
        || (e.name() == "a" && is_permalink(el))
}

/// Whether a link shows only a symbol ("¶", "#", "§", "🔗"): a permalink or back-link mark,
/// not text.
fn is_permalink(el: ElementRef<'_>) -> bool {
    let mut shown = el.text().flat_map(str::chars).filter(|c| !c.is_whitespace()).peekable();
    shown.peek().is_some() && shown.all(|c| !c.is_alphanumeric())
}

/// Whether a list is navigation: three or more items, each of them nothing but a link.
fn is_link_list(el: ElementRef<'_>) -> bool {
    let items: Vec<ElementRef<'_>> =
        el.child_elements().filter(|li| li.value().name() == "li").collect();
    items.len() >= 3
        && items.iter().all(|li| {
            let all = visible_chars(li.text());
            let linked: usize = li
                .descendants()
                .filter_map(ElementRef::wrap)
                .filter(|a| a.value().name() == "a")
                .map(|a| visible_chars(a.text()))
                .sum();
            all > 0 && linked >= all
        })
}

/// The characters of text, white space left out.
fn visible_chars<'a>(text: impl Iterator<Item = &'a str>) -> usize {
    text.map(|t| t.chars().filter(|c| !c.is_whitespace()).count()).sum()
}

/// Walks `el`'s children, collecting pieces; loose inline text gathers in `inline`.
fn walk(el: ElementRef<'_>, pieces: &mut Vec<Piece>, inline: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(text) => inline.push_str(text),
            Node::Element(_) => {
                let Some(child) = ElementRef::wrap(child) else { continue };
                if is_dropped(child) {
                    continue;
                }
                block_of(child, pieces, inline);
            }
            _ => {}
        }
    }
}

/// Handles one element child of a walked element.
fn block_of(el: ElementRef<'_>, pieces: &mut Vec<Piece>, inline: &mut String) {
    let name = el.value().name();
    match name {
        "br" => inline.push(' '),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            flush(inline, pieces);
            let level = name[1..].parse().unwrap_or(2);
            let text = heading_text(el);
            if !text.is_empty() {
                pieces.push(Piece::Block(Block::Heading { level, text }));
            }
        }
        "ul" | "ol" => {
            flush(inline, pieces);
            if is_link_list(el) {
                return;
            }
            let items: Vec<String> = el
                .child_elements()
                .filter(|li| li.value().name() == "li" && !is_dropped(*li))
                .map(text_of)
                .filter(|t| !t.is_empty())
                .collect();
            if !items.is_empty() {
                pieces.push(Piece::Block(Block::List(items)));
            }
        }
        "dl" => {
            flush(inline, pieces);
            definitions(el, pieces);
        }
        "tr" => {
            flush(inline, pieces);
            let cells: Vec<String> = el
                .child_elements()
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .map(text_of)
                .filter(|t| !t.is_empty())
                .collect();
            if !cells.is_empty() {
                pieces.push(Piece::Block(Block::Paragraph(cells.join(" | "))));
            }
        }
        "pre" => {
            flush(inline, pieces);
            let code = code_text(el);
            if !code.is_empty() {
                pieces.push(Piece::Code(code));
            }
        }
        _ if TEXT_BLOCKS.contains(&name) => {
            flush(inline, pieces);
            let text = text_of(el);
            if !text.is_empty() {
                pieces.push(Piece::Block(Block::Paragraph(text)));
            }
        }
        _ if CONTAINERS.contains(&name) => {
            flush(inline, pieces);
            walk(el, pieces, inline);
            flush(inline, pieces);
        }
        _ => walk(el, pieces, inline),
    }
}

/// Reads a definition list (`dt` terms, `dd` descriptions; option lists, glossaries) as one
/// entry per group of terms: the terms, joined by ", ", on the first line and their
/// description under them, in one paragraph when it fits [`ENTRY_MAX_CHARS`]. A longer
/// description keeps its first paragraph with the terms and the rest as blocks after it.
fn definitions(dl: ElementRef<'_>, pieces: &mut Vec<Piece>) {
    let mut terms: Vec<String> = Vec::new();
    for child in dl.child_elements() {
        if is_dropped(child) {
            continue;
        }
        match child.value().name() {
            "dt" => {
                let term = text_of(child);
                if !term.is_empty() {
                    terms.push(term);
                }
            }
            "dd" => {
                let mut inner = Vec::new();
                let mut inline = String::new();
                walk(child, &mut inner, &mut inline);
                flush(&mut inline, &mut inner);
                entry(&std::mem::take(&mut terms).join(", "), finish_pieces(inner), pieces);
            }
            // A wrapper `div` around groups, as HTML allows.
            "div" => definitions(child, pieces),
            _ => {}
        }
    }
    if !terms.is_empty() {
        pieces.push(Piece::Block(Block::Paragraph(terms.join(", "))));
    }
}

/// Pushes one definition entry: `terms` (possibly empty) over its description's blocks.
fn entry(terms: &str, description: Vec<Block>, pieces: &mut Vec<Piece>) {
    let lines: Vec<String> = description
        .iter()
        .flat_map(|block| match block {
            Block::Heading { text, .. } | Block::Paragraph(text) => vec![text.clone()],
            Block::List(items) => items.iter().map(|i| format!("- {i}")).collect(),
        })
        .collect();
    let body = lines.join("\n");
    let whole = if terms.is_empty() { body.clone() } else { format!("{terms}\n{body}") };
    if whole.chars().count() <= ENTRY_MAX_CHARS || description.is_empty() {
        let whole = whole.trim().to_string();
        if !whole.is_empty() {
            pieces.push(Piece::Block(Block::Paragraph(whole)));
        }
        return;
    }
    let mut rest = description.into_iter();
    match rest.next() {
        Some(Block::Paragraph(first)) if !terms.is_empty() => {
            pieces.push(Piece::Block(Block::Paragraph(format!("{terms}\n{first}"))));
        }
        Some(first) => {
            if !terms.is_empty() {
                pieces.push(Piece::Block(Block::Paragraph(terms.to_string())));
            }
            pieces.push(Piece::Block(first));
        }
        None => {}
    }
    pieces.extend(rest.map(Piece::Block));
}

/// A `<pre>` block's text: its lines as written, indentation common to all lines removed,
/// trailing spaces and blank lines at either end dropped, tabs as four spaces.
fn code_text(el: ElementRef<'_>) -> String {
    let raw: String = el.text().collect::<String>().replace('\t', "    ");
    let lines: Vec<&str> = raw.lines().map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(lines.len());
    let last = lines.iter().rposition(|l| !l.is_empty()).map_or(first, |i| i + 1);
    let lines = &lines[first..last];
    let indent = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let lines: Vec<&str> = lines.iter().map(|l| l.get(indent..).unwrap_or("")).collect();
    lines.join("\n")
}

/// A heading's text, without a trailing permalink mark left as plain text ("Usage ¶",
/// "Usage #"); a `#` that is part of a word ("C#") stays.
fn heading_text(el: ElementRef<'_>) -> String {
    let text = text_of(el);
    let mark = |c: char| matches!(c, '¶' | '§' | '#' | '🔗');
    let own = match text.rsplit_once(' ') {
        Some((own, last)) if last.chars().all(mark) => own,
        _ => text.trim_end_matches(['¶', '🔗']),
    };
    if own.trim().is_empty() { text } else { own.trim_end().to_string() }
}

/// Pushes gathered inline text as a paragraph.
fn flush(inline: &mut String, pieces: &mut Vec<Piece>) {
    let text = collapse(inline);
    inline.clear();
    if !text.is_empty() {
        pieces.push(Piece::Block(Block::Paragraph(text)));
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

    fn para(text: &str) -> Block {
        Block::Paragraph(text.into())
    }

    fn blocks(body: &str) -> Vec<Block> {
        read_html(&format!("<html><body>{body}</body></html>")).expect("read").blocks
    }

    #[test]
    fn html_permalink_marks_are_not_text() {
        let got = blocks(
            "<h2 id=u>Usage<a class=headerlink href=\"#u\">¶</a></h2>\
             <p>Run it.<a href=\"#u\"> # </a><sup><a href=\"#n1\">↩</a></sup></p>\
             <h3>Options §</h3><h3>C#</h3><p>Text.</p>",
        );
        assert_eq!(
            got,
            vec![
                Block::Heading { level: 2, text: "Usage".into() },
                para("Run it."),
                Block::Heading { level: 3, text: "Options".into() },
                Block::Heading { level: 3, text: "C#".into() },
                para("Text."),
            ]
        );
    }

    #[test]
    fn html_pre_keeps_line_breaks_and_indentation() {
        let got =
            blocks("<h2>Example</h2><pre>\n    [core]\n        bare = false\n\n    [user]\n</pre>");
        assert_eq!(
            got,
            vec![
                Block::Heading { level: 2, text: "Example".into() },
                para("[core]\n    bare = false\n\n[user]"),
            ]
        );
    }

    #[test]
    fn html_option_list_is_one_entry_per_term() {
        let got = blocks(
            "<dl><dt>-m</dt><dt>--move</dt><dd><p>Move/rename a branch,\n together with its reflog.</p></dd>\
             <dt><a id=d></a>-c</dt><dd><p>Copy a branch.</p><ul><li>one</li><li>two</li></ul></dd>\
             <dt>--orphan</dt></dl>",
        );
        assert_eq!(
            got,
            vec![
                para("-m, --move\nMove/rename a branch, together with its reflog."),
                para("-c\nCopy a branch.\n- one\n- two"),
                para("--orphan"),
            ]
        );
    }

    #[test]
    fn html_code_block_stays_with_the_sentence_that_introduces_it() {
        let got = blocks(
            "<p>To list all branches, run:</p><pre>git branch -a</pre>\
             <h2>Build</h2><pre>make all</pre><p>This builds everything.</p><h2>Bare</h2><pre>x = 1</pre>",
        );
        assert_eq!(
            got,
            vec![
                para("To list all branches, run:\ngit branch -a"),
                Block::Heading { level: 2, text: "Build".into() },
                para("make all\nThis builds everything."),
                Block::Heading { level: 2, text: "Bare".into() },
                para("x = 1"),
            ]
        );
    }

    #[test]
    fn html_footer_div_breadcrumbs_share_widgets_and_tables_of_contents_are_dropped() {
        let got = blocks(
            "<div class=\"breadcrumbs\"><a href=/>Home</a> &gt; <a href=/s>Science</a></div>\
             <div class=toc><p>Table of Contents</p><dl><dt><a href=#a>1. Intro</a></dt></dl></div>\
             <ul><li><a href=a>Alpha</a></li><li><a href=b>Beta</a></li><li><a href=c>Gamma</a></li></ul>\
             <p>Body text.</p><ul><li><a href=a>git-log(1)</a> shows commits</li><li>b</li><li>c</li></ul>\
             <div class=\"share social\">Share on Facebook</div><p>Advertisement</p>\
             <div id=footer><div id=footer-text>Last updated 2024-05-31 UTC</div></div>",
        );
        assert_eq!(
            got,
            vec![
                para("Body text."),
                Block::List(vec!["git-log(1) shows commits".into(), "b".into(), "c".into()])
            ]
        );
    }

    #[test]
    fn garbage_never_panics() {
        for input in ["", "<", "<<>>&&;", "<p><ul><li>x</p>", "\u{0}\u{1}<h7>y</h7>"] {
            let _ = read_html(input).expect("shallow input is read");
        }
    }
}
