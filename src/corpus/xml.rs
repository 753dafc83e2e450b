//! A small element tree for the XML parts of office files and e-books (DOCX, PPTX, ODT, EPUB
//! package files), built with `quick-xml`.
//!
//! Names are kept without their namespace prefix (`w:p` → `p`): the formats read here never
//! use one local name for two things in the places we look. The tree is bounded — nesting
//! deeper than [`MAX_DEPTH`] or more than [`MAX_NODES`] nodes is refused — so walking it
//! recursively cannot overflow the stack and hostile input cannot exhaust memory.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// Deepest element nesting accepted. Real documents stay far below it (a DOCX table in a
/// table in a list is about 20 levels).
pub(crate) const MAX_DEPTH: usize = 256;
/// Most elements and text runs accepted in one XML part.
pub(crate) const MAX_NODES: usize = 4_000_000;

/// A child of an element: another element or a run of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    /// A nested element.
    Element(Element),
    /// Character data, entities resolved.
    Text(String),
}

/// An XML element: its local name, attributes (local names) and children in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Element {
    /// The name without its namespace prefix.
    pub name: String,
    /// Attribute (name as written, value) pairs, values unescaped.
    pub attrs: Vec<(String, String)>,
    /// Child nodes in document order.
    pub children: Vec<Node>,
}

impl Element {
    /// The value of the attribute named `name` as written (`r:id`), or else of the first
    /// attribute whose local name is `name` (`val` finds `w:val`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        let local_of =
            |key: &str| key.rsplit_once(':').map_or(key.to_string(), |(_, l)| l.to_string());
        self.attrs
            .iter()
            .find(|(key, _)| key == name)
            .or_else(|| self.attrs.iter().find(|(key, _)| local_of(key) == name))
            .map(|(_, value)| value.as_str())
    }

    /// The child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// Every element below this one (not itself) with this local name, in document order.
    pub fn descendants(&self, name: &str) -> Vec<&Element> {
        let mut found = Vec::new();
        let mut stack: Vec<&Element> = self.elements().collect();
        stack.reverse();
        while let Some(element) = stack.pop() {
            if element.name == name {
                found.push(element);
            }
            let mut children: Vec<&Element> = element.elements().collect();
            children.reverse();
            stack.extend(children);
        }
        found
    }

    /// The first element below this one with this local name.
    pub fn find(&self, name: &str) -> Option<&Element> {
        self.descendants(name).into_iter().next()
    }

    /// All text below this element, concatenated in document order.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut stack: Vec<&Node> = self.children.iter().rev().collect();
        while let Some(node) = stack.pop() {
            match node {
                Node::Text(text) => out.push_str(text),
                Node::Element(element) => stack.extend(element.children.iter().rev()),
            }
        }
        out
    }
}

/// The local part of a qualified name (`w:p` → `p`).
fn local(name: &str) -> String {
    name.rsplit_once(':').map_or(name, |(_, local)| local).to_string()
}

/// Builds an element (without children) from a start tag.
fn element_of(start: &BytesStart<'_>) -> Element {
    let attrs = start
        .attributes()
        .flatten()
        .map(|attr| {
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| attr.value.to_string());
            (attr.key.as_ref().to_string(), value)
        })
        .collect();
    Element { name: local(start.name().as_ref()), attrs, children: Vec::new() }
}

/// Parses an XML part into its root element.
///
/// # Errors
/// "broken XML: …" for malformed markup, "XML nested too deeply (limit 256 levels)" and
/// "XML too large (over 4000000 nodes)" for input past the bounds, "no XML root element".
pub(crate) fn parse(bytes: &[u8]) -> Result<Element, String> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    // The open elements; the bottom one collects the root.
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut nodes = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| format!("broken XML: {e}"))?;
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(format!("XML too large (over {MAX_NODES} nodes)"));
        }
        let top = stack.len() - 1;
        match event {
            Event::Start(start) => {
                if stack.len() > MAX_DEPTH {
                    return Err(format!("XML nested too deeply (limit {MAX_DEPTH} levels)"));
                }
                stack.push(element_of(&start));
            }
            Event::Empty(start) => stack[top].children.push(Node::Element(element_of(&start))),
            Event::End(_) => {
                if stack.len() > 1
                    && let Some(done) = stack.pop()
                {
                    let parent = stack.len() - 1;
                    stack[parent].children.push(Node::Element(done));
                }
            }
            Event::Text(text) => push_text(&mut stack[top], &text.xml10_content()),
            Event::CData(data) => push_text(&mut stack[top], &data.xml10_content()),
            Event::GeneralRef(entity) => {
                let resolved = match entity.resolve_char_ref() {
                    Ok(Some(ch)) => ch.to_string(),
                    _ => quick_xml::escape::resolve_predefined_entity(&entity)
                        .unwrap_or_default()
                        .to_string(),
                };
                push_text(&mut stack[top], &resolved);
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    // Unclosed elements (truncated input) are closed at the end.
    while stack.len() > 1 {
        if let Some(done) = stack.pop() {
            let parent = stack.len() - 1;
            stack[parent].children.push(Node::Element(done));
        }
    }
    let root = stack.pop().unwrap_or_default();
    root.children
        .into_iter()
        .find_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
        .ok_or_else(|| "no XML root element".to_string())
}

/// Appends text to an element, joining it to a text node just before.
fn push_text(element: &mut Element, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Node::Text(last)) = element.children.last_mut() {
        last.push_str(text);
    } else {
        element.children.push(Node::Text(text.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_attributes_entities_and_text() {
        let root = parse(
            br#"<?xml version="1.0"?><w:doc xmlns:w="x"><w:p w:val="a&amp;b">one &lt;&#233;&gt; <w:r/>two</w:p><![CDATA[c]]></w:doc>"#,
        )
        .unwrap();
        assert_eq!(root.name, "doc");
        let p = root.child("p").unwrap();
        assert_eq!(p.attr("val"), Some("a&b"));
        assert_eq!(p.attr("w:val"), Some("a&b"));
        let both = parse(br#"<s id="256" r:id="rId2"/>"#).unwrap();
        assert_eq!((both.attr("id"), both.attr("r:id")), (Some("256"), Some("rId2")));
        assert_eq!(p.text(), "one <é> two");
        assert_eq!(root.text(), "one <é> twoc");
        assert_eq!(root.descendants("r").len(), 1);
    }

    #[test]
    fn deeply_nested_xml_is_refused_not_overflowed() {
        let xml = "<a>".repeat(100_000);
        assert_eq!(parse(xml.as_bytes()).unwrap_err(), "XML nested too deeply (limit 256 levels)");
    }

    #[test]
    fn truncated_and_garbage_xml_never_panic() {
        assert!(parse(b"<a><b>text").is_ok());
        assert_eq!(parse(b"").unwrap_err(), "no XML root element");
        let _ = parse(b"<a b=\"<<<\x00\xff></a");
        let _ = parse(b"</a></b><c");
    }
}
