//! The corpus: files on disk become [`Document`]s, cleaned of scraped-page boilerplate, and
//! are cut into [`Passage`]s. Pure and synchronous; knows nothing of the index.
//!
//! - `walk` finds the files, confined to the corpus (no links outside, no devices or FIFOs,
//!   never passagebot's own configuration), and says why each other name is left out.
//! - `read` picks a reader by extension (`.txt`, `.md`, `.html`/`.htm`, `.jsonl`) and reports
//!   every skipped file with its reason; `isolate` runs each file's reader so that a panic, a
//!   time-out or a deep page is a skip, never a crash.
//! - `clean` drops boilerplate lines by general rules and normalises text for matching.
//! - `segment` cuts a document's blocks into passages that follow paragraphs, keep lists with
//!   their lead-in sentence, split long paragraphs at sentence boundaries and merge fragments.

mod clean;
mod html;
mod isolate;
mod read;
mod segment;
mod sentences;
mod walk;

pub use clean::{clean_lines, is_boilerplate_line, normalize_for_matching};
pub use read::{SkippedFile, load, load_file, load_with};
pub use segment::{SegmentOptions, segment};
pub use sentences::sentence_spans;
pub use walk::{DEFAULT_TIME_LIMIT, LoadOptions};

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
