//! The corpus: files on disk become [`Document`]s, cleaned of scraped-page boilerplate, and
//! are cut into [`Passage`]s. Pure and synchronous; knows nothing of the index.
//!
//! - `walk` finds the files, confined to the corpus (no links outside, no devices or FIFOs,
//!   never passagebot's own configuration), and says why each other name is left out.
//! - `read` picks a reader by extension (`.txt`, `.md`, `.html`/`.htm`, `.jsonl`, `.pdf`,
//!   `.docx`, `.pptx`, `.odt`, `.epub`) and reports every skipped file with its reason;
//!   `isolate` runs each file's reader so that a panic, a time-out or a deep page is a skip,
//!   never a crash.
//! - `pdf`, `docx`, `pptx`, `odt`, `epub` read those formats into a `Book` of cited parts
//!   (pages, slides, chapters); `archive` and `xml` bound what a hostile file can cost.
//! - `html` and `markdown` read web pages and Markdown into blocks (code kept as written and
//!   joined to the sentence that introduces it, definition lists as one entry per term).
//! - `clean` drops boilerplate lines by general rules and normalises text for matching;
//!   `repeated` drops what many pages of one site (or chapters of one e-book) share.
//! - `segment` cuts a document's blocks into passages that follow paragraphs, keep lists with
//!   their lead-in sentence, split long paragraphs at sentence boundaries and merge fragments.

mod archive;
mod clean;
mod docx;
mod epub;
mod html;
mod ids;
mod isolate;
mod markdown;
mod odt;
#[cfg(feature = "pdf")]
mod pdf;
mod pptx;
mod read;
mod repeated;
mod segment;
mod sentences;
mod text;
mod walk;
mod xml;

pub use clean::{clean_lines, is_boilerplate_line, normalize_for_matching};
pub use read::{SkippedFile, for_each_document, load, load_file, load_with, read_isolated};
pub use segment::{SegmentOptions, segment};
pub use sentences::sentence_spans;
pub use walk::{
    CorpusFile, DEFAULT_READ_MEMORY, DEFAULT_TIME_LIMIT, LoadOptions, OWN_CONFIG, list_files,
};

use serde::{Deserialize, Serialize};

/// One block of a document's body, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading: starts a section for the blocks after it. `level` 1 is the biggest.
    Heading {
        /// 1 to 6, as in HTML `h1`–`h6` or Markdown `#`–`######`.
        level: u8,
        /// The heading's text.
        text: String,
    },
    /// A paragraph of running text (may hold single line breaks).
    Paragraph(String),
    /// A list: each item's text, without its bullet.
    List(Vec<String>),
}

/// A document as read from the corpus, before segmentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Stable id: the path relative to the corpus root for files (with `/`), or the `id` field
    /// of a JSON Lines record.
    pub id: String,
    /// Display title: front matter, `<title>`, first heading, or the file name.
    pub title: String,
    /// Where it comes from, for display: the relative file path (plus line for JSON Lines).
    pub source: String,
    /// A web address for the document, when known (front matter, sidecar, `url` field).
    pub url: Option<String>,
    /// The body in reading order.
    pub blocks: Vec<Block>,
}

/// A passage: the unit that is indexed, ranked and shown as an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    /// Stable id: `<doc id>#<ordinal>`; survives rebuilds of an unchanged document.
    pub id: String,
    /// The id of the document it belongs to.
    pub doc_id: String,
    /// The document's title.
    pub title: String,
    /// The heading the passage sits under, if any.
    pub section: Option<String>,
    /// Where the document comes from (relative file path).
    pub source: String,
    /// The document's web address, if known.
    pub url: Option<String>,
    /// Position of the passage within its document, from 0.
    pub ordinal: u32,
    /// The passage text as shown to people (original characters, tidied white space).
    pub text: String,
}

impl Passage {
    /// The innermost heading the passage sits under: the last part of its section path.
    pub fn heading(&self) -> Option<&str> {
        let section = self.section.as_deref()?;
        section.rsplit(segment::PATH_SEPARATOR).next()
    }
}

/// The extensions the corpus reads, for messages.
pub(crate) const EXTENSIONS: &str =
    ".txt, .md, .markdown, .html, .jsonl, .pdf, .docx, .pptx, .odt or .epub";

/// A reader of a binary format: the file's bytes in, its [`Book`] or the skip reason out.
/// Readers never panic by design, but they parse hostile input (the PDF one with third-party
/// code), so callers run them inside their isolation wrapper.
pub(crate) type PackagedReader = fn(&[u8]) -> Result<Book, String>;

/// The reader for a binary format's lower-case extension, if it is one.
pub(crate) fn packaged_reader(ext: &str) -> Option<PackagedReader> {
    match ext {
        "pdf" => Some(read_pdf),
        "docx" => Some(docx::read_docx),
        "pptx" => Some(pptx::read_pptx),
        "odt" => Some(odt::read_odt),
        "epub" => Some(epub::read_epub),
        _ => None,
    }
}

/// Reads a PDF (the `pdf` feature, on by default).
#[cfg(feature = "pdf")]
fn read_pdf(bytes: &[u8]) -> Result<Book, String> {
    pdf::read_pdf(bytes)
}

/// Without the `pdf` feature, PDFs are skipped with a reason saying so.
#[cfg(not(feature = "pdf"))]
fn read_pdf(_bytes: &[u8]) -> Result<Book, String> {
    Err("PDF support not built in (build passagebot with the `pdf` feature)".to_string())
}

/// What a reader of a paged or packaged format (PDF, DOCX, PPTX, ODT, EPUB) yields: the
/// title the file states and its body as parts a citation can name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Book {
    /// The title from the file's own metadata or title paragraph, if any.
    pub title: Option<String>,
    /// The parts in reading order.
    pub parts: Vec<Part>,
}

/// One citable part of a [`Book`]: a page, a slide, a chapter, or the whole body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Part {
    /// How a citation names the part ("p. 12", "slide 3", "ch. 2"); `None` for a body that
    /// has no such division (a DOCX).
    pub locator: Option<String>,
    /// The part's blocks.
    pub blocks: Vec<Block>,
}

impl Book {
    /// Turns the book into documents: one per part that has text, each citing its part in
    /// its source ("guide.pdf, p. 12") and id ("guide.pdf:p12"), or one document for a body
    /// without divisions. `title` is used when the book states none.
    pub(crate) fn into_documents(self, rel: &str, title: String) -> Vec<Document> {
        let title = self.title.filter(|t| !t.trim().is_empty()).unwrap_or(title);
        self.parts
            .into_iter()
            .filter(|part| !part.blocks.is_empty())
            .map(|part| {
                let (id, source) = match &part.locator {
                    Some(locator) => (
                        format!("{rel}:{}", locator.replace(['.', ' '], "")),
                        format!("{rel}, {locator}"),
                    ),
                    None => (rel.to_string(), rel.to_string()),
                };
                Document { id, title: title.clone(), source, url: None, blocks: part.blocks }
            })
            .collect()
    }
}
