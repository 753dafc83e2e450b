//! Reading the corpus: reads `.txt`, `.md`, `.html` and `.jsonl` files into [`Document`]s
//! (PDF, office files and e-books through their readers, see [`super::packaged_reader`]),
//! and reports every file (or JSON Lines record) it leaves out with the reason.
//!
//! Broken input is never an error here: a file or sub-folder that cannot be read becomes a
//! [`SkippedFile`]; only a missing corpus or an unreadable corpus folder fails the load. Which
//! files are read at all is decided by `walk` (confined to the corpus); each file is then read
//! in isolation by `isolate` (a panic or a time-out is a skip, never a crash).

use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tracing::warn;

use super::clean::clean_lines;
use super::html::read_html;
use super::ids::UniqueIds;
use super::isolate::{Isolated, TIMED_OUT, past_deadline};
use super::markdown::read_markdown;
use super::repeated::Deboilerplate;
use super::walk::{self, DEFAULT_READ_MEMORY, ENTRY_HINT, FileId, Found, LoadOptions, io_reason};
use super::{Block, Document, EXTENSIONS, packaged_reader};
use crate::error::Result;

/// Files larger than this are skipped rather than read into memory.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Sidecar files larger than this are ignored.
const MAX_SIDECAR_BYTES: u64 = 1024 * 1024;
/// One mebibyte, for messages.
const MIB: u64 = 1024 * 1024;
/// A first line longer than this is not taken as a plain-text title.
const MAX_TITLE_CHARS: usize = 200;
/// Bad JSON Lines records listed one by one per file; the rest are summed up in one entry.
const MAX_LISTED_RECORDS: usize = 20;

/// A file left out of the corpus, with the reason, so the person can fix it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SkippedFile {
    /// The file, as found under the corpus path; for a JSON Lines record, the file with
    /// `:<line>` appended.
    pub path: PathBuf,
    /// Why it was left out ("invalid UTF-8 at byte 812", "empty", …).
    pub reason: String,
}

/// What reading one file gave: its documents, and the parts of it left out.
#[derive(Debug, Default)]
pub(crate) struct FileRead {
    /// The documents (a `.jsonl` file gives one per record).
    pub docs: Vec<Document>,
    /// Parts left out, as (where in the file, e.g. `:12`, reason).
    pub skipped_parts: Vec<(String, String)>,
}

/// The per-file reader [`load_with`] runs in isolation (a parameter so tests can inject one).
type Reader = fn(&Found, usize) -> std::result::Result<FileRead, String>;

/// Loads a corpus with the default [`LoadOptions`]: see [`load_with`].
///
/// # Errors
/// As [`load_with`].
pub fn load(path: &Path) -> Result<(Vec<Document>, Vec<SkippedFile>)> {
    load_with(path, &LoadOptions::default())
}

/// Loads a corpus: a folder, walked recursively in path order, or a single file.
///
/// Hidden files and folders, `README*`, `.gitkeep` and sidecar files (`*.meta.json`,
/// `*.meta.toml`) are ignored. Only regular files inside the corpus are read (links leading
/// outside only with [`LoadOptions::follow_links`]); links to folders are not followed (no
/// loops). Every other file either yields documents or is reported as a [`SkippedFile`], and
/// so is every sub-folder that cannot be listed and every bad JSON Lines record (the rest of
/// the corpus is still read). Each file is read in isolation: a reader that panics or runs
/// past [`LoadOptions::time_limit`] skips that file, never the load. Document ids are made
/// unique: a repeated id gets `~2`, `~3`, … with a warning naming both places.
///
/// This holds every document in memory; the index build uses [`for_each_document`], which
/// holds one file's documents at a time.
///
/// # Errors
/// [`UserError::CorpusMissing`](crate::error::UserError::CorpusMissing) if `path` does not
/// exist; [`Error::Io`](crate::error::Error::Io) if the corpus folder itself cannot be listed.
pub fn load_with(path: &Path, opts: &LoadOptions) -> Result<(Vec<Document>, Vec<SkippedFile>)> {
    let mut documents = Vec::new();
    let skipped = load_using(path, opts, read_found, &mut |doc| {
        documents.push(doc);
        Ok(())
    })?;
    Ok((documents, skipped))
}

/// [`load_with`] one document at a time: `sink` gets each document (ids already unique) as
/// its file is read, so memory holds one file's documents, not the corpus. Returns the files
/// left out. An error from `sink` stops the load and is returned.
///
/// # Errors
/// As [`load_with`], and whatever `sink` returns.
pub fn for_each_document(
    path: &Path,
    opts: &LoadOptions,
    sink: &mut dyn FnMut(Document) -> Result<()>,
) -> Result<Vec<SkippedFile>> {
    load_using(path, opts, read_found, sink)
}

/// [`for_each_document`] with the per-file reader given.
fn load_using(
    path: &Path,
    opts: &LoadOptions,
    reader: Reader,
    sink: &mut dyn FnMut(Document) -> Result<()>,
) -> Result<Vec<SkippedFile>> {
    let (files, mut skipped) = walk::collect(path, opts)?;
    let mut runner = Isolated::new(opts.time_limit);
    let mut ids = UniqueIds::new(opts.id_memory, opts.scratch.clone());
    let mut deboilerplate = Deboilerplate::default();
    for found in files {
        let shown = found.shown.clone();
        let read_memory = opts.read_memory;
        match runner.run(move || reader(&found, read_memory)) {
            Ok(mut read) => {
                if holds_secret(&read, opts) {
                    skipped.push(SkippedFile { path: shown, reason: SECRET_REASON.to_string() });
                    continue;
                }
                ids.assign(&mut read.docs)?;
                for (at, reason) in read.skipped_parts {
                    let mut part = OsString::from(shown.as_os_str());
                    part.push(&at);
                    skipped.push(SkippedFile { path: PathBuf::from(part), reason });
                }
                for doc in read.docs {
                    deboilerplate.push(boilerplate_group(&doc), doc, sink)?;
                }
            }
            Err(reason) => skipped.push(SkippedFile { path: shown, reason }),
        }
    }
    deboilerplate.finish(sink)?;
    ids.finish();
    for file in &skipped {
        warn!(path = %file.path.display(), reason = %file.reason, "skipping");
    }
    Ok(skipped)
}

/// Reads one file the way a corpus load reads each of its files (the reader its extension
/// picks, in isolation, so a panic or a time-out is a reason and never a crash; within
/// `opts`' time limit and read memory; refused when it holds one of `opts.secrets`), without
/// walking a corpus: for a file about to be added to one, such as a chat upload. `rel` is
/// the path it will have relative to the corpus root, which its document ids and sources
/// start with.
///
/// # Errors
/// The reason the file would be skipped, as a load reports it.
pub fn read_isolated(
    path: &Path,
    rel: &str,
    opts: &LoadOptions,
) -> std::result::Result<Vec<Document>, String> {
    let found = Found {
        open: path.to_path_buf(),
        shown: path.to_path_buf(),
        rel: rel.to_string(),
        id: None,
    };
    let read_memory = opts.read_memory;
    let read = Isolated::new(opts.time_limit).run(move || read_found(&found, read_memory))?;
    if holds_secret(&read, opts) {
        return Err(SECRET_REASON.to_string());
    }
    Ok(read.docs)
}

/// Why a file holding the bot token is left out.
const SECRET_REASON: &str = "holds passagebot's bot token; never indexed";

/// Whether any document of `read` holds one of `opts.secrets`.
fn holds_secret(read: &FileRead, opts: &LoadOptions) -> bool {
    opts.secrets
        .iter()
        .filter(|s| !s.is_empty())
        .any(|secret| read.docs.iter().any(|doc| document_holds(doc, secret)))
}

/// Which documents are compared for text repeated across pages (see `repeated`): all web
/// pages (HTML, Markdown) of the corpus together, and the chapters of each e-book; nothing
/// else.
fn boilerplate_group(doc: &Document) -> Option<String> {
    if let Some((book, _)) = doc.id.rsplit_once(':')
        && extension_of(Path::new(book)) == "epub"
    {
        return Some(format!("epub:{book}"));
    }
    match extension_of(Path::new(&doc.id)).as_str() {
        "html" | "htm" | "xhtml" | "md" | "markdown" => Some("web pages".to_string()),
        _ => None,
    }
}

/// Whether any text of `doc` contains `secret`.
fn document_holds(doc: &Document, secret: &str) -> bool {
    doc.title.contains(secret)
        || doc.url.as_deref().is_some_and(|u| u.contains(secret))
        || doc.blocks.iter().any(|block| match block {
            Block::Heading { text, .. } | Block::Paragraph(text) => text.contains(secret),
            Block::List(items) => items.iter().any(|i| i.contains(secret)),
        })
}

/// Names that are never corpus documents.
pub(crate) fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.to_ascii_uppercase().starts_with("README")
        || name.ends_with(".meta.json")
        || name.ends_with(".meta.toml")
}

/// The extensions a reader exists for.
const READ_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm", "jsonl"];

/// The file's extension, lower-cased ("" without one).
fn extension_of(path: &Path) -> String {
    path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default()
}

/// Why `path`'s name is not of a format read, or `None` when it is.
pub(crate) fn extension_problem(path: &Path) -> Option<String> {
    let ext = extension_of(path);
    if READ_EXTENSIONS.contains(&ext.as_str()) || packaged_reader(&ext).is_some() {
        None
    } else if ext.is_empty() {
        Some(format!("no file extension (expected {EXTENSIONS})"))
    } else {
        Some(format!("unsupported extension .{ext}"))
    }
}

/// What to check when a file cannot be opened for reading.
const FILE_HINT: &str = "check the file's read permissions";

/// Reads one file into documents (a `.jsonl` file gives one per record).
///
/// `rel` is the file's path relative to the corpus root, with `/`; it becomes the document id
/// and source. Only a regular file is read (checked on the opened handle), at most 64 MiB.
/// This reads on the calling thread; [`load_with`] is what adds isolation and confinement.
///
/// # Errors
/// The reason the file is skipped: `unsupported extension .xyz`, `too large (N MiB, limit 64
/// MiB)`, `empty`, `binary content`, `invalid UTF-8 at byte N`, `no readable text`,
/// `permission denied (check …)`, or the operating system's error text.
pub fn load_file(path: &Path, rel: &str) -> std::result::Result<Vec<Document>, String> {
    let found = Found {
        open: path.to_path_buf(),
        shown: path.to_path_buf(),
        rel: rel.to_string(),
        id: None,
    };
    read_found(&found, DEFAULT_READ_MEMORY).map(|read| read.docs)
}

/// Reads the file the walk found, if reading it should take at most `read_memory` bytes;
/// see [`load_file`].
fn read_found(found: &Found, read_memory: usize) -> std::result::Result<FileRead, String> {
    let path = found.open.as_path();
    let rel = found.rel.as_str();
    if let Some(problem) = extension_problem(path) {
        return Err(problem);
    }
    let ext = extension_of(path);
    let bytes = read_regular(path, MAX_FILE_BYTES, found.id)?;
    if let Some(reader) = packaged_reader(&ext) {
        let sidecar = read_sidecar(path);
        let mut book = reader(&bytes)?;
        if sidecar.title.is_some() {
            book.title = sidecar.title;
        }
        let mut docs = book.into_documents(rel, title_from_name(path));
        for doc in &mut docs {
            doc.url.clone_from(&sidecar.url);
        }
        if docs.is_empty() {
            return Err("no readable text".to_string());
        }
        return Ok(FileRead { docs, skipped_parts: Vec::new() });
    }
    let needs = reading_cost(&bytes, &ext);
    if needs > read_memory {
        return Err(format!(
            "would take about {} MiB to read, more than the {} MiB the build memory budget gives one file: raise --build-memory-mib or split the file",
            needs.div_ceil(MIB as usize),
            read_memory / MIB as usize
        ));
    }
    let text = decode(bytes)?;
    let sidecar = read_sidecar(path);
    let read = match ext.as_str() {
        "jsonl" => read_jsonl(&text, rel)?,
        "html" | "htm" => {
            let page = read_html(&text)?;
            if page.blocks.is_empty() {
                return Err("no readable text".to_string());
            }
            let doc = Document {
                id: rel.to_string(),
                title: sidecar.title.or(page.title).unwrap_or_else(|| title_from_name(path)),
                source: rel.to_string(),
                url: sidecar.url,
                blocks: page.blocks,
            };
            FileRead { docs: vec![doc], skipped_parts: Vec::new() }
        }
        "md" | "markdown" => FileRead {
            docs: vec![read_markdown_file(&text, rel, path, sidecar)?],
            skipped_parts: Vec::new(),
        },
        _ => FileRead {
            docs: vec![read_plain(&text, rel, path, ext != "txt", sidecar)],
            skipped_parts: Vec::new(),
        },
    };
    if read.docs.iter().all(|d| d.blocks.is_empty()) {
        return Err("empty".to_string());
    }
    Ok(read)
}

/// Memory a text file's reader holds at its peak, per line of text or HTML element, beyond
/// the file itself: the line, its block and the passage unit it becomes (measured on a text
/// of one-word paragraphs, the worst case).
const READ_BYTES_PER_UNIT: usize = 128;

/// About how much memory reading `bytes` (a text-like file: text, Markdown, HTML, JSON
/// Lines) takes at its peak: the text twice (as read, and normalized) and a fixed cost per
/// unit, the non-blank lines or, for HTML, the elements. Packaged formats (PDF, DOCX, …) are
/// bounded by their own limits instead.
fn reading_cost(bytes: &[u8], ext: &str) -> usize {
    let units = if matches!(ext, "html" | "htm") {
        bytes.iter().filter(|&&b| b == b'<').count()
    } else {
        bytes
            .split(|&b| b == b'\n')
            .filter(|line| line.iter().any(|b| !b.is_ascii_whitespace()))
            .count()
    };
    bytes.len().saturating_mul(2).saturating_add(units.saturating_mul(READ_BYTES_PER_UNIT))
}

/// Reads at most `limit` bytes of the regular file at `path`. The check is made on the opened
/// handle (so a file swapped for a FIFO or device after the walk looked is not read), and
/// when the walk saw the file (`expect`), the handle must still be that file.
fn read_regular(
    path: &Path,
    limit: u64,
    expect: Option<FileId>,
) -> std::result::Result<Vec<u8>, String> {
    let file = fs::File::open(path).map_err(|e| io_reason(&e, FILE_HINT))?;
    let meta = file.metadata().map_err(|e| io_reason(&e, ENTRY_HINT))?;
    if !meta.is_file() {
        return Err("not a regular file; never read".to_string());
    }
    if expect.is_some() && FileId::of(&meta) != expect {
        return Err("the file changed while the corpus was read; index again".to_string());
    }
    if meta.len() > limit {
        return Err(too_large(meta.len(), limit));
    }
    // Bounded even if the file grows (or lies about its size, as /proc files do).
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| io_reason(&e, FILE_HINT))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// The reason for a file over the size limit.
fn too_large(size: u64, limit: u64) -> String {
    format!("too large ({} MiB, limit {} MiB)", size.div_ceil(MIB), limit / MIB)
}

/// Turns file bytes into text, rejecting empty, binary and non-UTF-8 content (without a
/// second copy of the bytes).
fn decode(bytes: Vec<u8>) -> std::result::Result<String, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("empty".to_string());
    }
    if bytes.contains(&0) {
        return Err("binary content".to_string());
    }
    let mut text = String::from_utf8(bytes)
        .map_err(|e| format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()))?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let total = text.chars().count();
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'))
        .count();
    if control * 100 > total {
        return Err("binary content".to_string());
    }
    Ok(text)
}

/// Title and address given outside the text.
#[derive(Debug, Default, Deserialize)]
struct Sidecar {
    /// The display title.
    title: Option<String>,
    /// The web address.
    url: Option<String>,
}

/// Reads `<file>.meta.json` (or `<stem>.meta.json`) next to `path`, if there is one.
fn read_sidecar(path: &Path) -> Sidecar {
    let mut candidates = Vec::new();
    if let Some(name) = path.file_name() {
        let mut name = name.to_os_string();
        name.push(".meta.json");
        candidates.push(path.with_file_name(name));
    }
    if let Some(stem) = path.file_stem() {
        let mut name = stem.to_os_string();
        name.push(".meta.json");
        candidates.push(path.with_file_name(name));
    }
    for candidate in candidates {
        // Only a plain file beside the document: never a link, a FIFO or a device.
        let plain = fs::symlink_metadata(&candidate).is_ok_and(|m| m.file_type().is_file());
        if !plain {
            continue;
        }
        let Ok(bytes) = read_regular(&candidate, MAX_SIDECAR_BYTES, None) else { continue };
        let Ok(text) = String::from_utf8(bytes) else { continue };
        match serde_json::from_str::<Sidecar>(&text) {
            Ok(meta) => return meta,
            Err(err) => warn!(file = %candidate.display(), cause = %err, "ignoring bad sidecar"),
        }
    }
    Sidecar::default()
}

/// The file stem with `_` and `-` turned into spaces: the title of last resort.
fn title_from_name(path: &Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let title = stem.replace(['_', '-'], " ").trim().to_string();
    if title.is_empty() { stem } else { title }
}

/// Splits `---` front matter (`key: value` lines) from the body.
fn front_matter(text: &str) -> (Sidecar, &str) {
    let mut meta = Sidecar::default();
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return (meta, text);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let trimmed = line.trim();
        offset += line.len();
        if trimmed == "---" || trimmed == "..." {
            return (meta, &rest[offset..]);
        }
        if let Some((key, value)) = trimmed.split_once(':') {
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'').to_string();
            match key.trim().to_ascii_lowercase().as_str() {
                "title" if !value.is_empty() => meta.title = Some(value),
                "url" if !value.is_empty() => meta.url = Some(value),
                _ => {}
            }
        }
    }
    // No closing line: not front matter after all.
    (Sidecar::default(), text)
}

/// Reads a Markdown file: front matter, then the body through the CommonMark reader. A
/// first `# Title` is the title when neither front matter nor sidecar gives one.
fn read_markdown_file(
    text: &str,
    rel: &str,
    path: &Path,
    sidecar: Sidecar,
) -> std::result::Result<Document, String> {
    let (front, body) = front_matter(text);
    let mut blocks = read_markdown(body)?;
    let mut title = front.title.or(sidecar.title);
    if title.is_none()
        && blocks.len() > 1
        && let Some(Block::Heading { level: 1, text }) = blocks.first()
    {
        title = Some(text.clone());
        blocks.remove(0);
    }
    Ok(Document {
        id: rel.to_string(),
        title: title.unwrap_or_else(|| title_from_name(path)),
        source: rel.to_string(),
        url: front.url.or(sidecar.url),
        blocks,
    })
}

/// Reads a `.txt` file (or, with `markdown`, text with Markdown headings and bullets).
fn read_plain(text: &str, rel: &str, path: &Path, markdown: bool, sidecar: Sidecar) -> Document {
    let (front, body) = front_matter(text);
    if !markdown {
        let stated = front.title.or(sidecar.title);
        let (first_line, blocks) = super::text::read_text(body, stated.is_none());
        return Document {
            id: rel.to_string(),
            title: stated.or(first_line).unwrap_or_else(|| title_from_name(path)),
            source: rel.to_string(),
            url: front.url.or(sidecar.url),
            blocks,
        };
    }
    let cleaned = clean_lines(body);
    let mut chunks: Vec<Vec<&str>> = cleaned
        .split("\n\n")
        .map(|c| c.lines().collect())
        .filter(|c: &Vec<_>| !c.is_empty())
        .collect();
    let mut title = front.title.or(sidecar.title);
    if title.is_none() && chunks.len() > 1 {
        let first = chunks[0].as_slice();
        let candidate = if markdown {
            first.first().and_then(|l| l.strip_prefix("# ")).map(|t| t.trim().to_string())
        } else if first.len() == 1 && looks_like_title(first[0]) {
            Some(first[0].to_string())
        } else {
            None
        };
        if let Some(candidate) = candidate {
            title = Some(candidate);
            chunks[0].remove(0);
            if chunks[0].is_empty() {
                chunks.remove(0);
            }
        }
    }
    Document {
        id: rel.to_string(),
        title: title.unwrap_or_else(|| title_from_name(path)),
        source: rel.to_string(),
        url: front.url.or(sidecar.url),
        blocks: blocks_from_chunks(&chunks, markdown),
    }
}

/// Whether a first line reads as a title: not too long, no final period.
fn looks_like_title(line: &str) -> bool {
    line.chars().count() <= MAX_TITLE_CHARS && !line.ends_with('.') && !line.ends_with(':')
}

/// One line's role before lists are assembled.
enum Piece {
    /// A heading.
    Heading(u8, String),
    /// A paragraph.
    Paragraph(String),
    /// A list item: its text without the bullet, and the whole line as written.
    Item(String, String),
    /// A blank line between chunks.
    Gap,
}

/// Turns blank-line-separated chunks of lines into blocks: headings, paragraphs, and lists of
/// two or more consecutive items (blank lines between items allowed).
pub(crate) fn blocks_from_chunks(chunks: &[Vec<&str>], markdown: bool) -> Vec<Block> {
    let mut pieces = Vec::new();
    for (index, chunk) in chunks.iter().enumerate() {
        let is_last = index + 1 == chunks.len();
        if chunk.len() == 1
            && !is_last
            && !markdown
            && looks_like_heading(chunk[0])
            && list_item(chunk[0], None).is_none()
        {
            pieces.push(Piece::Heading(2, chunk[0].to_string()));
            pieces.push(Piece::Gap);
            continue;
        }
        let mut paragraph: Vec<&str> = Vec::new();
        // Whether the next line may open a list item whatever precedes it: at the start of a
        // chunk, after a heading, after another item.
        let mut fresh = true;
        let mut previous_item = false;
        let mut before: Option<char> = None;
        for line in chunk {
            if let Some((level, text)) = markdown_heading(line) {
                flush(&mut paragraph, &mut pieces);
                pieces.push(Piece::Heading(level, text));
                (fresh, previous_item, before) = (true, false, None);
                continue;
            }
            let context = if fresh { None } else { before };
            let may_start = fresh || before == Some(':');
            match list_item(line, context).filter(|_| may_start) {
                Some(item) => {
                    flush(&mut paragraph, &mut pieces);
                    pieces.push(Piece::Item(item, line.to_string()));
                    (fresh, previous_item) = (true, true);
                }
                None if previous_item => {
                    // A line right under an item continues it.
                    if let Some(Piece::Item(text, raw)) = pieces.last_mut() {
                        text.push(' ');
                        text.push_str(line.trim());
                        raw.push('\n');
                        raw.push_str(line);
                    }
                }
                None => {
                    (fresh, previous_item) = (false, false);
                    paragraph.push(line);
                }
            }
            before = line.trim_end().chars().last();
        }
        flush(&mut paragraph, &mut pieces);
        pieces.push(Piece::Gap);
    }
    assemble(pieces, markdown)
}

/// Pushes the pending paragraph lines as one paragraph.
fn flush(paragraph: &mut Vec<&str>, pieces: &mut Vec<Piece>) {
    if !paragraph.is_empty() {
        pieces.push(Piece::Paragraph(paragraph.join("\n")));
        paragraph.clear();
    }
}

/// Groups runs of items into lists; a lone item stays a paragraph as written.
fn assemble(pieces: Vec<Piece>, markdown: bool) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut items: Vec<(String, String)> = Vec::new();
    let finish = |items: &mut Vec<(String, String)>, blocks: &mut Vec<Block>| match items.len() {
        0 => {}
        1 if !markdown => blocks.push(Block::Paragraph(items.remove(0).1)),
        _ => blocks.push(Block::List(items.drain(..).map(|(text, _)| text).collect())),
    };
    for piece in pieces {
        match piece {
            Piece::Item(text, raw) => items.push((text, raw)),
            Piece::Gap => {}
            Piece::Heading(level, text) => {
                finish(&mut items, &mut blocks);
                blocks.push(Block::Heading { level, text });
            }
            Piece::Paragraph(text) => {
                finish(&mut items, &mut blocks);
                blocks.push(Block::Paragraph(text));
            }
        }
    }
    finish(&mut items, &mut blocks);
    blocks
}

/// A Markdown ATX heading (`## Text`): its level and text.
fn markdown_heading(line: &str) -> Option<(u8, String)> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &line[hashes..];
    if !rest.starts_with(' ') {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim();
    let level = u8::try_from(hashes).ok()?;
    (!text.is_empty()).then(|| (level, text.to_string()))
}

/// A list item line (`- x`, `* x`, `• x`, `1. x`, `2) x`): the item text. Bullets are dropped;
/// numbers are kept, since they carry order.
fn list_item(line: &str, before: Option<char>) -> Option<String> {
    let trimmed = line.trim_start();
    if !super::sentences::starts_list_item(trimmed, before) {
        return None;
    }
    let first = trimmed.chars().next()?;
    let text = if first.is_ascii_digit() {
        trimmed.trim_end()
    } else {
        trimmed[first.len_utf8()..].trim()
    };
    (!text.is_empty()).then(|| text.to_string())
}

/// A plain-text heading: a short line (≤ 60 characters, ≤ 8 words) with letters and no
/// sentence punctuation.
fn looks_like_heading(line: &str) -> bool {
    line.chars().count() <= 60
        && line.split_whitespace().count() <= 8
        && line.chars().any(char::is_alphabetic)
        && !line.ends_with(['.', '!', '?', ':', ';', ','])
        && !line.contains(". ")
}

/// One JSON Lines record.
#[derive(Debug, Deserialize)]
struct Record {
    /// The document id; a string or a number.
    #[serde(default)]
    id: Option<serde_json::Value>,
    /// The display title.
    #[serde(default)]
    title: Option<String>,
    /// The body.
    text: String,
    /// The web address.
    #[serde(default)]
    url: Option<String>,
    /// The heading the text sits under.
    #[serde(default)]
    section: Option<String>,
}

/// Reads a JSON Lines file: one document per good record. Each bad record (not JSON, no
/// `text`, empty text) is a skipped part at `:<line>`, listed one by one up to
/// [`MAX_LISTED_RECORDS`] and then summed up.
fn read_jsonl(text: &str, rel: &str) -> std::result::Result<FileRead, String> {
    let mut docs = Vec::new();
    let mut bad = BadRecords::default();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        if index % 1024 == 0 && past_deadline() {
            return Err(TIMED_OUT.to_string());
        }
        if line.trim().is_empty() {
            continue;
        }
        let record = match serde_json::from_str::<Record>(line) {
            Ok(record) => record,
            Err(err) => {
                // Each line is parsed alone, so serde's "line 1" would mislead.
                bad.push(line_no, || {
                    let cause = err.to_string().replace(" at line 1 column ", " at column ");
                    format!("bad JSON Lines record: {cause}")
                });
                continue;
            }
        };
        let id = match record.id {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => format!("{rel}:{line_no}"),
        };
        let mut blocks = Vec::new();
        if let Some(section) = record.section.filter(|s| !s.trim().is_empty()) {
            blocks.push(Block::Heading { level: 2, text: section.trim().to_string() });
        }
        let body = record_blocks(&record.text);
        if body.is_empty() {
            bad.push(line_no, || "JSON Lines record with empty text".to_string());
            continue;
        }
        blocks.extend(body);
        docs.push(Document {
            title: record.title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| id.clone()),
            id,
            source: format!("{rel}:{line_no}"),
            url: record.url,
            blocks,
        });
    }
    if docs.is_empty() && bad.count > 0 {
        return Err(format!("no valid JSON Lines record ({} bad line(s))", bad.count));
    }
    Ok(FileRead { docs, skipped_parts: bad.into_parts() })
}

/// The bad records of a JSON Lines file: the first [`MAX_LISTED_RECORDS`] with their
/// reasons, then only a count and the line range, so a file of millions of bad lines costs
/// no memory per line.
#[derive(Default)]
struct BadRecords {
    /// The listed ones: (line, reason).
    listed: Vec<(usize, String)>,
    /// All bad records.
    count: usize,
    /// The first and last line of those beyond the listed ones.
    beyond: Option<(usize, usize)>,
    /// The reason of the first beyond the listed ones, shown when it is the only one.
    first_beyond: Option<String>,
}

impl BadRecords {
    /// Notes the bad record at `line`; `reason` is only built when it will be shown.
    fn push(&mut self, line: usize, reason: impl FnOnce() -> String) {
        self.count += 1;
        if self.listed.len() < MAX_LISTED_RECORDS {
            self.listed.push((line, reason()));
            return;
        }
        match &mut self.beyond {
            None => {
                self.beyond = Some((line, line));
                self.first_beyond = Some(reason());
            }
            Some((_, last)) => *last = line,
        }
    }

    /// The skipped parts: each listed record at `:<line>`, then the rest in one entry.
    fn into_parts(self) -> Vec<(String, String)> {
        let mut parts: Vec<(String, String)> =
            self.listed.into_iter().map(|(line, reason)| (format!(":{line}"), reason)).collect();
        let more = self.count - parts.len();
        match (self.beyond, self.first_beyond) {
            (Some((line, _)), Some(reason)) if more == 1 => {
                parts.push((format!(":{line}"), reason))
            }
            (Some((first, last)), _) => parts
                .push((format!(":{first}-{last}"), format!("{more} more bad JSON Lines records"))),
            _ => {}
        }
        parts
    }
}

/// The blocks of a record's text. Text without a blank line is one paragraph, kept byte for
/// byte (benchmark passages must come back unchanged); longer text is split like a `.txt`
/// body, without boilerplate removal.
fn record_blocks(text: &str) -> Vec<Block> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let lines: Vec<&str> = text.lines().collect();
    let has_blank = lines.iter().skip(1).any(|l| l.trim().is_empty());
    if !has_blank {
        return vec![Block::Paragraph(text.to_string())];
    }
    let mut chunks: Vec<Vec<&str>> = Vec::new();
    let mut current = Vec::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                chunks.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    blocks_from_chunks(&chunks, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, UserError};

    /// The seed corpus file, as it sits in the crate.
    const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/south-korea-ai-strategy.txt");

    #[test]
    fn one_file_read_in_isolation_gets_the_ids_of_its_path_to_be_and_the_load_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let temp = write(dir.path(), ".upload-1.txt", b"Kilns\n\nA cone 6 firing is hot.\n");
        let docs = read_isolated(&temp, "kiln.txt", &LoadOptions::default()).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!((docs[0].id.as_str(), docs[0].source.as_str()), ("kiln.txt", "kiln.txt"));
        let empty = write(dir.path(), ".upload-2.txt", b"  \n");
        assert_eq!(read_isolated(&empty, "e.txt", &LoadOptions::default()).unwrap_err(), "empty");
        let token = write(dir.path(), ".upload-3.md", b"# T\n\nthe key is 123:SECRET here\n");
        let opts = LoadOptions { secrets: vec!["123:SECRET".into()], ..LoadOptions::default() };
        assert_eq!(read_isolated(&token, "t.md", &opts).unwrap_err(), SECRET_REASON);
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, bytes).unwrap();
        path
    }

    fn plain(text: &str) -> Document {
        read_plain(text, "a.txt", Path::new("a.txt"), false, Sidecar::default())
    }

    #[test]
    fn seed_file_reads_into_title_heading_and_list() {
        let docs = load_file(Path::new(SEED), "south-korea-ai-strategy.txt").unwrap();
        assert_eq!(docs.len(), 1);
        let doc = &docs[0];
        assert_eq!(
            doc.title,
            "10. Introduction to South Korea’s AI computing power development strategy _ \"8. Regional development of AI\""
        );
        assert_eq!(doc.id, "south-korea-ai-strategy.txt");
        let all = format!("{:?}", doc.blocks);
        for gone in ["top of page", "bottom of page", "comments", "コメント", "\u{a0}"] {
            assert!(!all.contains(gone), "{gone:?} left in {all}");
        }
        assert!(!all.contains("10. Introduction"), "title repeated as a paragraph");
        assert!(
            doc.blocks.contains(&Block::Heading { level: 2, text: "Main Participants".into() })
        );
        let list = doc.blocks.iter().position(|b| matches!(b, Block::List(_))).unwrap();
        let Block::List(items) = &doc.blocks[list] else { unreachable!() };
        assert_eq!(items.len(), 3);
        assert!(items[0].starts_with("Global Digital Competitiveness"));
        assert_eq!(
            doc.blocks[list - 1],
            Block::Paragraph("South Korea’s main AI goals are as follows:".into())
        );
        let paragraphs = doc.blocks.iter().filter(|b| matches!(b, Block::Paragraph(_))).count();
        assert_eq!(paragraphs, 11);
    }

    #[test]
    fn plain_text_title_and_blocks() {
        let doc = plain("My Title\n\nIntro text here.\n\nSteps:\n1. one\n2. two\n\nEnd.");
        assert_eq!(doc.title, "My Title");
        assert_eq!(
            doc.blocks,
            vec![
                Block::Paragraph("Intro text here.".into()),
                Block::Paragraph("Steps:".into()),
                Block::List(vec!["1. one".into(), "2. two".into()]),
                Block::Paragraph("End.".into()),
            ]
        );
    }

    #[test]
    fn lone_item_and_formula_lines_stay_paragraphs() {
        let doc =
            plain("A first sentence that ends.\n\n- lonely item\n\nThe gas O\n2. Diatomic oxygen.");
        assert_eq!(doc.title, "a");
        assert_eq!(
            doc.blocks,
            vec![
                Block::Paragraph("A first sentence that ends.".into()),
                Block::Paragraph("- lonely item".into()),
                Block::Paragraph("The gas O\n2. Diatomic oxygen.".into()),
            ]
        );
    }

    #[test]
    fn front_matter_and_markdown() {
        let text = "---\ntitle: \"Front Title\"\nurl: https://example.org/x\n---\n# Big\n\nText one.\n\n## Sub ##\n* a\n* b\n";
        let doc = read_plain(text, "x.md", Path::new("x.md"), true, Sidecar::default());
        assert_eq!(doc.title, "Front Title");
        assert_eq!(doc.url.as_deref(), Some("https://example.org/x"));
        assert_eq!(
            doc.blocks,
            vec![
                Block::Heading { level: 1, text: "Big".into() },
                Block::Paragraph("Text one.".into()),
                Block::Heading { level: 2, text: "Sub".into() },
                Block::List(vec!["a".into(), "b".into()]),
            ]
        );
    }

    #[test]
    fn folder_walk_ids_ignores_and_skips() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "b/inner.txt", b"Inner text paragraph.");
        write(root, "a.md", b"# Title A\n\nBody of a.");
        write(root, "a.md.meta.json", br#"{"title": "Sidecar A", "url": "https://a"}"#);
        write(root, "README.md", b"not a document");
        write(root, ".hidden.txt", b"hidden");
        write(root, ".git/x.txt", b"hidden dir");
        write(root, ".gitkeep", b"");
        write(root, "bad.txt", b"ok start \xff\xfe then junk");
        write(root, "empty.txt", b"");
        write(root, "blank.txt", b"  \n\n top of page \n");
        write(root, "bin.txt", b"abc\x00\x01\x02def");
        write(root, "ctl.txt", "text\u{1}\u{2}\u{3} more".as_bytes());
        write(root, "x.xyz", b"whatever");
        write(
            root,
            "nothing.html",
            b"<html><body><script>x()</script><nav>Home</nav></body></html>",
        );
        #[cfg(unix)]
        std::os::unix::fs::symlink(root, root.join("loop")).unwrap();

        let (docs, skipped) = load(root).unwrap();
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a.md", "b/inner.txt"]);
        assert_eq!(docs[0].title, "Sidecar A");
        assert_eq!(docs[0].url.as_deref(), Some("https://a"));
        let reasons: Vec<(String, &str)> = skipped
            .iter()
            .map(|s| {
                (s.path.file_name().unwrap().to_string_lossy().into_owned(), s.reason.as_str())
            })
            .collect();
        let expect = [
            ("bad.txt", "invalid UTF-8 at byte 9"),
            ("bin.txt", "binary content"),
            ("blank.txt", "empty"),
            ("ctl.txt", "binary content"),
            ("empty.txt", "empty"),
            #[cfg(unix)]
            ("loop", "link to a folder, not followed (it could loop)"),
            ("nothing.html", "no readable text"),
            ("x.xyz", "unsupported extension .xyz"),
        ];
        for (name, reason) in expect {
            assert!(reasons.contains(&(name.to_string(), reason)), "{name}: {reasons:?}");
        }
        assert_eq!(reasons.len(), expect.len(), "{reasons:?}");
    }

    #[test]
    fn permission_errors_say_what_to_check() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(
            io_reason(&denied, FILE_HINT),
            "permission denied (check the file's read permissions)"
        );
        let other = std::io::Error::other("disk on fire");
        assert_eq!(io_reason(&other, FILE_HINT), "disk on fire");
    }

    #[test]
    fn missing_corpus_is_a_user_error() {
        let err = load(Path::new("/no/such/corpus/here")).unwrap_err();
        assert!(matches!(err, Error::User(UserError::CorpusMissing(_))));
    }

    #[test]
    fn single_file_corpus_uses_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "only_one-file.txt", b"Some body text.\n\nMore text.");
        let (docs, skipped) = load(&path).unwrap();
        assert!(skipped.is_empty());
        assert_eq!(docs[0].id, "only_one-file.txt");
        assert_eq!(docs[0].title, "only one file");
    }

    #[test]
    fn jsonl_records_bad_lines_and_verbatim_text() {
        let dir = tempfile::tempdir().unwrap();
        let squad = "Oxygen gas O\n2. Diatomic oxygen is common.  ";
        let lines = [
            serde_json::json!({"id": "s#0", "title": "S", "text": squad}).to_string(),
            "{not json".to_string(),
            serde_json::json!({"title": "No id", "text": "Body.", "section": "Sec", "url": "u"})
                .to_string(),
            serde_json::json!({"id": "x", "text": "   "}).to_string(),
        ];
        let path = write(dir.path(), "d/recs.jsonl", lines.join("\n").as_bytes());
        let docs = load_file(&path, "d/recs.jsonl").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].id, "s#0");
        assert_eq!(docs[0].source, "d/recs.jsonl:1");
        assert_eq!(docs[0].blocks, vec![Block::Paragraph(squad.into())]);
        assert_eq!(docs[1].id, "d/recs.jsonl:3");
        assert_eq!(docs[1].title, "No id");
        assert_eq!(docs[1].url.as_deref(), Some("u"));
        assert_eq!(docs[1].blocks[0], Block::Heading { level: 2, text: "Sec".into() });

        let bad = write(dir.path(), "bad.jsonl", b"{oops\n[1,2]\n");
        assert_eq!(
            load_file(&bad, "bad.jsonl").unwrap_err(),
            "no valid JSON Lines record (2 bad line(s))"
        );
    }

    #[test]
    fn html_page_through_load_file() {
        let dir = tempfile::tempdir().unwrap();
        let html = b"<html><head><title>Page T</title></head><body><nav><a>Home</a></nav>\
            <main><h1>Head</h1><p>Para <b>one</b>.</p><ul><li>x</li><li>y</li></ul></main>\
            <footer>foot</footer></body></html>";
        let path = write(dir.path(), "p.html", html);
        let docs = load_file(&path, "p.html").unwrap();
        assert_eq!(docs[0].title, "Page T");
        assert_eq!(
            docs[0].blocks,
            vec![
                Block::Heading { level: 1, text: "Head".into() },
                Block::Paragraph("Para one.".into()),
                Block::List(vec!["x".into(), "y".into()]),
            ]
        );
    }

    #[test]
    fn too_large_message() {
        // The message format only; writing 64 MiB in a unit test would be slow.
        assert_eq!(
            too_large(MAX_FILE_BYTES + 1, MAX_FILE_BYTES),
            "too large (65 MiB, limit 64 MiB)"
        );
    }

    #[test]
    fn a_file_of_tiny_paragraphs_took_55_times_its_size_and_is_now_weighed_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("Tiny\n\n");
        for i in 0..20_000 {
            text.push_str(&format!("p{i}.\n\n"));
        }
        write(dir.path(), "tiny.txt", text.as_bytes());
        write(dir.path(), "fair.txt", b"Fair\n\nA fair file of one paragraph is read.\n");
        let cost = reading_cost(text.as_bytes(), "txt");
        assert!(cost >= 20_000 * READ_BYTES_PER_UNIT, "{cost}");
        assert!(cost < 20_000 * READ_BYTES_PER_UNIT + 4 * text.len(), "{cost}");

        let tight = LoadOptions { read_memory: cost - 1, ..LoadOptions::default() };
        let (docs, skipped) = load_with(dir.path(), &tight).unwrap();
        assert_eq!(docs.len(), 1, "only the fair file is read");
        assert_eq!(skipped.len(), 1);
        let reason = &skipped[0].reason;
        assert!(
            reason.contains("build memory budget") && reason.contains("--build-memory-mib"),
            "{reason}"
        );

        let (docs, skipped) = load_with(dir.path(), &LoadOptions::default()).unwrap();
        assert_eq!((docs.len(), skipped.len()), (2, 0));
    }

    #[test]
    fn html_reading_cost_counts_elements_not_lines() {
        let page = "<p>a</p>".repeat(1000);
        assert!(reading_cost(page.as_bytes(), "html") >= 2000 * READ_BYTES_PER_UNIT);
        assert!(reading_cost(page.as_bytes(), "txt") < 2 * READ_BYTES_PER_UNIT + 2 * page.len());
    }

    #[test]
    fn growing_or_lying_file_is_read_only_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "big.txt", &[b'a'; 3000]);
        assert_eq!(read_regular(&path, 4096, None).unwrap().len(), 3000);
        // The limit holds on the bytes read, not only on the size the system reports.
        assert_eq!(read_regular(&path, 2048, None).unwrap_err(), "too large (1 MiB, limit 0 MiB)");
        #[cfg(target_os = "linux")]
        assert!(read_regular(Path::new("/dev/zero"), 1024, None).is_err());
    }

    #[test]
    fn reader_that_panics_is_a_skip_with_its_reason_and_the_rest_is_read() {
        fn panicky(found: &Found, _: usize) -> std::result::Result<FileRead, String> {
            if found.rel.ends_with("boom.txt") {
                panic!("a reader bug");
            }
            read_found(found, DEFAULT_READ_MEMORY)
        }
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", b"First good text.");
        write(dir.path(), "boom.txt", b"This one breaks the reader.");
        write(dir.path(), "c.txt", b"Second good text.");
        let mut docs = Vec::new();
        let skipped = load_using(dir.path(), &LoadOptions::default(), panicky, &mut |doc| {
            docs.push(doc);
            Ok(())
        })
        .unwrap();
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a.txt", "c.txt"]);
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].path.ends_with("boom.txt"));
        assert_eq!(skipped[0].reason, "the reader failed: a reader bug; please report this file");
    }

    #[test]
    fn html_div_close_i_nesting_does_not_overflow_the_stack() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", b"Good text beside a hostile page.");
        for (name, repeats) in [("deep15k.html", 15_000), ("deep40k.html", 40_000)] {
            let page = format!("<html><body>{}</body></html>", "<div></i>".repeat(repeats));
            write(dir.path(), name, page.as_bytes());
        }
        let (docs, skipped) = load(dir.path()).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(skipped.len(), 2);
        for file in &skipped {
            assert_eq!(file.reason, "HTML nested too deeply (more than 256 levels, limit 256)");
        }
    }

    #[test]
    fn jsonl_duplicate_ids_get_unique_ids_and_bad_records_are_skipped_with_lines() {
        let dir = tempfile::tempdir().unwrap();
        let mut lines: Vec<String> = (0..3)
            .map(|n| {
                serde_json::json!({"id": "same#0", "text": format!("Passage number {n}.")})
                    .to_string()
            })
            .collect();
        lines.push(serde_json::json!({"id": "same#0~2", "text": "Already taken."}).to_string());
        lines.push("{broken".to_string());
        lines.push(serde_json::json!({"id": "e", "text": " "}).to_string());
        write(dir.path(), "d.jsonl", lines.join("\n").as_bytes());
        let (docs, skipped) = load(dir.path()).unwrap();
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["same#0", "same#0~3", "same#0~4", "same#0~2"]);
        let skipped: Vec<(String, &str)> = skipped
            .iter()
            .map(|s| {
                (s.path.file_name().unwrap().to_string_lossy().into_owned(), s.reason.as_str())
            })
            .collect();
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert_eq!(skipped[0].0, "d.jsonl:5");
        assert!(skipped[0].1.starts_with("bad JSON Lines record: "), "{skipped:?}");
        assert!(!skipped[0].1.contains("line 1"), "{skipped:?}");
        assert_eq!(skipped[1], ("d.jsonl:6".to_string(), "JSON Lines record with empty text"));
        // Passage ids follow: every passage id is distinct.
        let passages: Vec<String> = docs
            .iter()
            .flat_map(|d| crate::corpus::segment(d, &crate::corpus::SegmentOptions::default()))
            .map(|p| p.id)
            .collect();
        let distinct: std::collections::HashSet<&String> = passages.iter().collect();
        assert_eq!(distinct.len(), passages.len(), "{passages:?}");
    }

    #[test]
    fn many_bad_jsonl_records_are_listed_then_summed_up() {
        let mut text: Vec<String> = (0..30).map(|_| "nope".to_string()).collect();
        text.push(serde_json::json!({"text": "One good record."}).to_string());
        let read = read_jsonl(&text.join("\n"), "x.jsonl").unwrap();
        assert_eq!(read.docs.len(), 1);
        assert_eq!(read.skipped_parts.len(), MAX_LISTED_RECORDS + 1);
        assert_eq!(
            read.skipped_parts.last().unwrap(),
            &(":21-30".to_string(), "10 more bad JSON Lines records".to_string())
        );
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;
    use crate::corpus::{SegmentOptions, segment};

    proptest! {
        #[test]
        fn any_text_reads_and_segments_without_panic(text in "(?s).{0,400}", markdown: bool) {
            let doc = read_plain(&text, "f.txt", Path::new("f.txt"), markdown, Sidecar::default());
            let _ = segment(&doc, &SegmentOptions { target_chars: 40, max_chars: 80, min_chars: 10 });
            let _ = record_blocks(&text);
            let _ = super::super::html::read_html(&text);
            let _ = decode(text.as_bytes().to_vec());
        }

        #[test]
        fn any_bytes_decode_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(bytes);
        }
    }
}
