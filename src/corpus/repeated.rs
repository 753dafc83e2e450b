//! Boilerplate that shows only across a corpus, not within one page: text repeated on many
//! pages of one site ("Part of the git(1) suite", "Last updated 2024-05-31 …", a licence
//! line under every chapter) and a site name shared by the titles of many pages
//! ("… — Python 3.12 documentation").
//!
//! Pages are compared within a group (all web pages of the corpus, or the chapters of one
//! e-book), never across groups, and only in groups of at least [`MIN_PAGES`]: a rule needs
//! enough pages to tell a site's furniture from a phrase two pages happen to share.

use std::collections::{HashMap, HashSet};

use super::{Block, Document};
use crate::error::Result;

/// Fewer pages than this in a group: nothing is judged repeated.
const MIN_PAGES: usize = 4;
/// A text (or title affix) is boilerplate when at least this share of a group's pages has
/// it, and at least three pages.
const REPEATED_SHARE: f64 = 0.3;
/// Separators between a page's own title and its site's name.
const TITLE_SEPARATORS: &[&str] = &[" — ", " – ", " - ", " | ", " · ", " :: ", " » ", " • "];

/// Pages of a group read before its rules are learned; later pages are cleaned with the
/// rules learned from these, so memory holds a sample, not the corpus.
const SAMPLE_PAGES: usize = 512;
/// Text bytes of a group's sample at most (whichever of the two limits comes first).
const SAMPLE_BYTES: usize = 64 << 20;

/// Drops, within each group of documents (`group` names it; `None` is never compared), the
/// paragraphs and list items found on many of the group's pages, and cuts a site name shared
/// by many of its titles. Digits count as equal ("Last updated 2024-05-31" on one page and
/// "2024-06-02" on another are the same line); headings are kept (every man page has a
/// "DESCRIPTION"), they only name sections.
#[cfg(test)]
pub(crate) fn drop_repeated(docs: &mut [Document], group: impl Fn(&Document) -> Option<String>) {
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, doc) in docs.iter().enumerate() {
        if let Some(name) = group(doc) {
            groups.entry(name).or_default().push(index);
        }
    }
    for members in groups.values() {
        let rules = Boilerplate::learn(members.iter().map(|&i| &docs[i]));
        for &index in members {
            rules.apply(&mut docs[index]);
        }
    }
}

/// What one group's sample of pages says is boilerplate.
#[derive(Debug, Default)]
struct Boilerplate {
    /// Comparison keys of paragraphs and list items found on many pages.
    repeated: HashSet<String>,
    /// Site names that end many titles, longest first.
    suffixes: Vec<String>,
    /// Site names that begin many titles, longest first.
    prefixes: Vec<String>,
}

impl Boilerplate {
    /// Learns the rules from a sample of one group's pages (none from fewer than
    /// [`MIN_PAGES`]).
    fn learn<'a>(pages: impl Iterator<Item = &'a Document> + Clone) -> Boilerplate {
        let count = pages.clone().count();
        if count < MIN_PAGES {
            return Boilerplate::default();
        }
        let threshold = ((count as f64 * REPEATED_SHARE).ceil() as usize).max(3);
        let mut pages_with: HashMap<String, usize> = HashMap::new();
        let mut suffixes: HashMap<String, usize> = HashMap::new();
        let mut prefixes: HashMap<String, usize> = HashMap::new();
        for doc in pages {
            let keys: HashSet<String> = doc.blocks.iter().flat_map(body_keys).collect();
            for key in keys {
                *pages_with.entry(key).or_default() += 1;
            }
            for sep in TITLE_SEPARATORS {
                if let Some((own, site)) = doc.title.rsplit_once(sep)
                    && !own.trim().is_empty()
                {
                    *suffixes.entry(format!("{sep}{site}")).or_default() += 1;
                }
                if let Some((site, own)) = doc.title.split_once(sep)
                    && !own.trim().is_empty()
                {
                    *prefixes.entry(format!("{site}{sep}")).or_default() += 1;
                }
            }
        }
        let common = |affixes: HashMap<String, usize>| -> Vec<String> {
            let mut found: Vec<String> =
                affixes.into_iter().filter(|&(_, n)| n >= threshold).map(|(a, _)| a).collect();
            // The longest first, so " — Python 3.12 documentation" goes before " — documentation".
            found.sort_by_key(|a| std::cmp::Reverse(a.len()));
            found
        };
        let repeated =
            pages_with.into_iter().filter(|&(_, n)| n >= threshold).map(|(k, _)| k).collect();
        Boilerplate { repeated, suffixes: common(suffixes), prefixes: common(prefixes) }
    }

    /// Cleans one page of the group: its repeated paragraphs and list items dropped, the
    /// site name cut from its title ("Lists — Python 3.12 documentation" becomes "Lists"; a
    /// title that is only the site name is left as it is).
    fn apply(&self, doc: &mut Document) {
        if !self.repeated.is_empty() {
            let blocks = std::mem::take(&mut doc.blocks);
            doc.blocks = without(blocks, &self.repeated);
        }
        let title = &mut doc.title;
        if let Some(own) = self.suffixes.iter().find_map(|s| title.strip_suffix(s.as_str()))
            && !own.trim().is_empty()
        {
            *title = own.trim().to_string();
        }
        if let Some(own) = self.prefixes.iter().find_map(|p| title.strip_prefix(p.as_str()))
            && !own.trim().is_empty()
        {
            *title = own.trim().to_string();
        }
    }
}

/// Boilerplate removal for a streamed corpus, in corpus order. Documents are held back while
/// some group they or an earlier document belong to has no rules yet; once [`SAMPLE_PAGES`]
/// documents (or [`SAMPLE_BYTES`] of text) are held, or the corpus ends, each group held
/// learns its rules from its pages there and everything held is passed on in order. Later
/// pages of a group with rules are cleaned as they come; documents of no group are never
/// changed. Memory holds at most one sample.
#[derive(Debug, Default)]
pub(crate) struct Deboilerplate {
    /// Rules per group, once learned.
    rules: HashMap<String, Boilerplate>,
    /// Documents held back, in order, with their group.
    held: Vec<(Option<String>, Document)>,
    /// Text bytes held.
    held_bytes: usize,
}

impl Deboilerplate {
    /// Passes `doc` (of `group`, if any) on to `sink`, now or once the rules it needs are
    /// learned. Pages left without text are dropped.
    pub(crate) fn push(
        &mut self,
        group: Option<String>,
        doc: Document,
        sink: &mut dyn FnMut(Document) -> Result<()>,
    ) -> Result<()> {
        let learned = group.as_ref().is_none_or(|g| self.rules.contains_key(g));
        if self.held.is_empty() && learned {
            return emit(group.as_ref().and_then(|g| self.rules.get(g)), doc, sink);
        }
        self.held_bytes += text_bytes(&doc);
        self.held.push((group, doc));
        if self.held.len() >= SAMPLE_PAGES || self.held_bytes >= SAMPLE_BYTES {
            self.flush(sink)?;
        }
        Ok(())
    }

    /// Passes on every document still held back.
    pub(crate) fn finish(mut self, sink: &mut dyn FnMut(Document) -> Result<()>) -> Result<()> {
        self.flush(sink)
    }

    /// Learns the rules of the groups held (those with enough pages there; a group with too
    /// few is passed on unchanged and learns from a later sample) and passes everything held
    /// on in order.
    fn flush(&mut self, sink: &mut dyn FnMut(Document) -> Result<()>) -> Result<()> {
        let mut members: HashMap<&str, Vec<&Document>> = HashMap::new();
        for (group, doc) in &self.held {
            if let Some(g) = group
                && !self.rules.contains_key(g)
            {
                members.entry(g.as_str()).or_default().push(doc);
            }
        }
        let learned: Vec<(String, Boilerplate)> = members
            .into_iter()
            .filter(|(_, pages)| pages.len() >= MIN_PAGES)
            .map(|(g, pages)| (g.to_string(), Boilerplate::learn(pages.into_iter())))
            .collect();
        self.rules.extend(learned);
        self.held_bytes = 0;
        for (group, doc) in std::mem::take(&mut self.held) {
            emit(group.as_ref().and_then(|g| self.rules.get(g)), doc, sink)?;
        }
        Ok(())
    }
}

/// Cleans `doc` with `rules` (if any) and passes it on unless nothing is left of it.
fn emit(
    rules: Option<&Boilerplate>,
    mut doc: Document,
    sink: &mut dyn FnMut(Document) -> Result<()>,
) -> Result<()> {
    if let Some(rules) = rules {
        rules.apply(&mut doc);
    }
    if doc.blocks.is_empty() { Ok(()) } else { sink(doc) }
}

/// Bytes of a document's text.
fn text_bytes(doc: &Document) -> usize {
    doc.title.len()
        + doc
            .blocks
            .iter()
            .map(|block| match block {
                Block::Heading { text, .. } | Block::Paragraph(text) => text.len(),
                Block::List(items) => items.iter().map(String::len).sum(),
            })
            .sum::<usize>()
}

/// The comparison keys of a block's body text: each paragraph and list item; none for a
/// heading.
fn body_keys(block: &Block) -> Vec<String> {
    match block {
        Block::Heading { .. } => Vec::new(),
        Block::Paragraph(text) => vec![key(text)],
        Block::List(items) => items.iter().map(|i| key(i)).collect(),
    }
}

/// A text as compared across pages: lower case, digits as `0`, white space collapsed.
fn key(text: &str) -> String {
    let folded: String = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_numeric() { '0' } else { c })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `blocks` without the repeated paragraphs and list items.
fn without(blocks: Vec<Block>, repeated: &HashSet<String>) -> Vec<Block> {
    blocks
        .into_iter()
        .filter_map(|block| match block {
            Block::Paragraph(ref text) => (!repeated.contains(&key(text))).then_some(block),
            Block::List(items) => {
                let items: Vec<String> =
                    items.into_iter().filter(|i| !repeated.contains(&key(i))).collect();
                (!items.is_empty()).then_some(Block::List(items))
            }
            heading @ Block::Heading { .. } => Some(heading),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize, title: &str, blocks: Vec<Block>) -> Document {
        Document {
            id: format!("p{n}.html"),
            title: title.into(),
            source: format!("p{n}.html"),
            url: None,
            blocks,
        }
    }

    /// Distinct words per page: digits alone do not tell texts apart (they fold to `0`).
    const NAMES: &[&str] = &["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];

    fn para(text: &str) -> Block {
        Block::Paragraph(text.into())
    }

    fn site(pages: usize) -> Vec<Document> {
        (0..pages)
            .map(|n| {
                page(
                    n,
                    &format!("Page {n} — Example 3.1 documentation"),
                    vec![
                        Block::Heading { level: 2, text: "DESCRIPTION".into() },
                        para(&format!("Page {n} explains the topic of {} in detail.", NAMES[n])),
                        Block::Heading { level: 2, text: "GIT".into() },
                        para("Part of the git(1) suite"),
                        Block::List(vec!["Home".into(), format!("Topic {}", NAMES[n])]),
                        para(&format!("Last updated 2024-05-{:02} 00:35:{n:02} UTC", n + 1)),
                    ],
                )
            })
            .collect()
    }

    #[test]
    fn html_footer_repeated_on_every_page_is_not_a_passage() {
        let mut docs = site(6);
        docs.push(page(9, "Other", vec![para("Part of the git(1) suite")]));
        drop_repeated(&mut docs, |d| d.id.ends_with(".html").then(|| "web".to_string()));
        for (n, doc) in docs.iter().take(6).enumerate() {
            assert_eq!(
                doc.blocks,
                vec![
                    Block::Heading { level: 2, text: "DESCRIPTION".into() },
                    para(&format!("Page {n} explains the topic of {} in detail.", NAMES[n])),
                    Block::Heading { level: 2, text: "GIT".into() },
                    Block::List(vec![format!("Topic {}", NAMES[n])]),
                ]
            );
        }
    }

    #[test]
    fn html_site_suffix_shared_by_titles_is_cut() {
        let mut docs = site(5);
        docs.push(page(7, "Example 3.1 documentation", vec![para("Index.")]));
        drop_repeated(&mut docs, |_| Some("web".to_string()));
        let titles: Vec<&str> = docs.iter().map(|d| d.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Page 0", "Page 1", "Page 2", "Page 3", "Page 4", "Example 3.1 documentation"]
        );
        let mut prefixed: Vec<Document> =
            (0..4).map(|n| page(n, &format!("MDN | Topic {n}"), vec![para("x")])).collect();
        drop_repeated(&mut prefixed, |_| Some("web".to_string()));
        assert_eq!(prefixed[3].title, "Topic 3");
    }

    #[test]
    fn few_pages_or_other_groups_are_never_judged_repeated() {
        let mut docs = site(3);
        let before = docs.clone();
        drop_repeated(&mut docs, |_| Some("web".to_string()));
        assert_eq!(docs, before);
        let mut docs = site(8);
        let before = docs.clone();
        // Each page its own group (say, chapters of different books): nothing is shared.
        drop_repeated(&mut docs, |d| Some(d.id.clone()));
        assert_eq!(docs, before);
        drop_repeated(&mut docs, |_| None);
        assert_eq!(docs, before);
    }

    /// A number spelt in letters (digits fold together when pages are compared).
    fn letters(mut n: usize) -> String {
        let mut word = String::new();
        loop {
            word.push((b'a' + (n % 26) as u8) as char);
            n /= 26;
            if n == 0 {
                return word;
            }
        }
    }

    #[test]
    fn pages_after_the_sample_are_cleaned_with_the_rules_it_taught() {
        let pages = SAMPLE_PAGES + 40;
        let mut stream = Deboilerplate::default();
        let mut out = Vec::new();
        let mut sink = |doc: Document| {
            out.push(doc);
            Ok(())
        };
        for n in 0..pages {
            let doc = page(
                n,
                &format!("Page {n} — Example docs"),
                vec![para(&format!("Topic {}", letters(n))), para("Part of the git(1) suite")],
            );
            stream.push(Some("web".into()), doc, &mut sink).unwrap();
        }
        let other = page(pages, "Other", vec![para("Part of the git(1) suite")]);
        stream.push(None, other, &mut sink).unwrap();
        stream.finish(&mut sink).unwrap();
        assert_eq!(out.len(), pages + 1, "every page passed on once");
        let last = out.iter().find(|d| d.id == format!("p{}.html", pages - 1)).unwrap();
        assert_eq!(last.blocks, vec![para(&format!("Topic {}", letters(pages - 1)))]);
        let order: Vec<&str> = out.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(order.last(), Some(&format!("p{pages}.html").as_str()), "corpus order kept");
        assert_eq!(last.title, format!("Page {}", pages - 1));
        let ungrouped = out.iter().find(|d| d.title == "Other").unwrap();
        assert_eq!(ungrouped.blocks.len(), 1, "a page of no group is never cleaned");
    }
}
