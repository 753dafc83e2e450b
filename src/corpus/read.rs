//! Reading the corpus: walks a folder (or takes one file), reads `.txt`, `.md`, `.html` and
//! `.jsonl` files into [`Document`]s (PDF and office files through their readers, see
//! [`super::packaged_reader`]), and reports every file it leaves out with the reason.
//!
//! Broken input is never an error here: a file or sub-folder that cannot be read becomes a
//! [`SkippedFile`]; only a missing corpus or an unreadable corpus folder fails the load.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tracing::warn;

use super::clean::clean_lines;
use super::html::{MAX_NESTING, max_nesting, read_html};
use super::{Block, Document, EXTENSIONS, packaged_reader};
use crate::error::{Error, Result, UserError};

/// Files larger than this are skipped rather than read into memory.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// One mebibyte, for messages.
const MIB: u64 = 1024 * 1024;
/// A first line longer than this is not taken as a plain-text title.
const MAX_TITLE_CHARS: usize = 200;

/// A file left out of the corpus, with the reason, so the person can fix it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SkippedFile {
    /// The file, as found under the corpus path.
    pub path: PathBuf,
    /// Why it was left out ("invalid UTF-8 at byte 812", "empty", …).
    pub reason: String,
}

/// Loads a corpus: a folder, walked recursively in path order, or a single file.
///
/// Hidden files and folders, `README*`, `.gitkeep` and sidecar files (`*.meta.json`,
/// `*.meta.toml`) are ignored; symbolic links to folders are not followed (no loops). Every
/// other file either yields documents or is reported as a [`SkippedFile`], and so is every
/// sub-folder that cannot be listed (the rest of the corpus is still read).
///
/// # Errors
/// [`UserError::CorpusMissing`] if `path` does not exist; [`Error::Io`] if the corpus folder
/// itself cannot be listed.
pub fn load(path: &Path) -> Result<(Vec<Document>, Vec<SkippedFile>)> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(UserError::CorpusMissing(path.to_path_buf()).into());
        }
        Err(err) => return Err(Error::io(format!("reading corpus {}", path.display()), err)),
    };
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    if meta.is_dir() {
        let entries = fs::read_dir(path)
            .map_err(|err| Error::io(format!("listing corpus folder {}", path.display()), err))?;
        walk(path, "", entries, &mut files, &mut skipped);
        files.sort_by(|a: &(PathBuf, String), b| a.1.cmp(&b.1));
    } else {
        let name = path.file_name().map_or_else(
            || path.to_string_lossy().into_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        files.push((path.to_path_buf(), name));
    }
    let mut documents = Vec::new();
    for (file, rel) in files {
        match load_file(&file, &rel) {
            Ok(docs) => documents.extend(docs),
            Err(reason) => skipped.push(SkippedFile { path: file, reason }),
        }
    }
    for file in &skipped {
        warn!(path = %file.path.display(), reason = %file.reason, "skipping");
    }
    Ok((documents, skipped))
}

/// Collects the corpus files under `dir` as (path, relative path with `/`).
fn walk(
    dir: &Path,
    rel_dir: &str,
    entries: fs::ReadDir,
    files: &mut Vec<(PathBuf, String)>,
    skipped: &mut Vec<SkippedFile>,
) {
    let mut entries: Vec<_> = entries
        .filter_map(|entry| match entry {
            Ok(entry) => Some(entry),
            Err(err) => {
                let reason = format!("listing stopped early: {}", io_reason(&err, FOLDER_HINT));
                skipped.push(SkippedFile { path: dir.to_path_buf(), reason });
                None
            }
        })
        .collect();
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_ignored_name(&name) {
            continue;
        }
        let path = dir.join(&name);
        let rel = if rel_dir.is_empty() { name.clone() } else { format!("{rel_dir}/{name}") };
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(err) => {
                // Listed but not examinable: the folder can be read but not searched.
                skipped.push(SkippedFile { path, reason: io_reason(&err, ENTRY_HINT) });
                continue;
            }
        };
        if meta.file_type().is_symlink() {
            // Follow links to files; never links to folders, which could loop.
            match fs::metadata(&path) {
                Ok(target) if target.is_file() => files.push((path, rel)),
                Ok(_) => skipped.push(SkippedFile {
                    path,
                    reason: "link to a folder, not followed (it could loop)".into(),
                }),
                Err(err) => skipped.push(SkippedFile { path, reason: io_reason(&err, LINK_HINT) }),
            }
        } else if meta.is_dir() {
            match fs::read_dir(&path) {
                Ok(sub) => walk(&path, &rel, sub, files, skipped),
                Err(err) => {
                    skipped.push(SkippedFile { path, reason: io_reason(&err, FOLDER_HINT) })
                }
            }
        } else if meta.is_file() {
            files.push((path, rel));
        }
    }
}

/// What to check when a file cannot be opened for reading.
const FILE_HINT: &str = "check the file's read permissions";
/// What to check when a folder cannot be listed.
const FOLDER_HINT: &str = "check the folder's read and execute permissions";
/// What to check when a listed name cannot be examined: its folder lacks execute permission.
const ENTRY_HINT: &str = "check the execute permission of the folder holding it";
/// What to check when a link's target cannot be examined.
const LINK_HINT: &str = "check the permissions of the folders on the link's target path";

/// The reason a file or folder the system would not read is skipped: "permission denied" with
/// `hint` saying what to check, or the operating system's text for any other error.
fn io_reason(err: &std::io::Error, hint: &str) -> String {
    if err.kind() == std::io::ErrorKind::PermissionDenied {
        format!("permission denied ({hint})")
    } else {
        err.to_string()
    }
}

/// Names that are never corpus documents.
fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.to_ascii_uppercase().starts_with("README")
        || name.ends_with(".meta.json")
        || name.ends_with(".meta.toml")
}

/// Reads one file into documents (a `.jsonl` file gives one per record).
///
/// `rel` is the file's path relative to the corpus root, with `/`; it becomes the document id
/// and source.
///
/// # Errors
/// The reason the file is skipped: `unsupported extension .xyz`, `too large (N MiB, limit 64
/// MiB)`, `empty`, `binary content`, `invalid UTF-8 at byte N`, `no readable text`,
/// `permission denied (check …)`, or the operating system's error text.
pub fn load_file(path: &Path, rel: &str) -> std::result::Result<Vec<Document>, String> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let packaged = packaged_reader(&ext);
    if packaged.is_none()
        && !matches!(ext.as_str(), "txt" | "md" | "markdown" | "html" | "htm" | "jsonl")
    {
        return Err(if ext.is_empty() {
            format!("no file extension (expected {EXTENSIONS})")
        } else {
            format!("unsupported extension .{ext}")
        });
    }
    let meta = fs::metadata(path).map_err(|e| io_reason(&e, ENTRY_HINT))?;
    if meta.len() > MAX_FILE_BYTES {
        let size = meta.len().div_ceil(MIB);
        return Err(format!("too large ({size} MiB, limit {} MiB)", MAX_FILE_BYTES / MIB));
    }
    let bytes = fs::read(path).map_err(|e| io_reason(&e, FILE_HINT))?;
    if let Some(reader) = packaged {
        let sidecar = read_sidecar(path);
        let mut book = reader(&bytes)?;
        if sidecar.title.is_some() {
            book.title = sidecar.title;
        }
        let mut docs = book.into_documents(rel, title_from_name(path));
        for doc in &mut docs {
            doc.url.clone_from(&sidecar.url);
        }
        return if docs.is_empty() { Err("no readable text".to_string()) } else { Ok(docs) };
    }
    let text = decode(&bytes)?;
    let sidecar = read_sidecar(path);
    let docs = match ext.as_str() {
        "jsonl" => read_jsonl(&text, rel)?,
        "html" | "htm" => {
            let depth = max_nesting(&text);
            if depth > MAX_NESTING {
                return Err(format!(
                    "HTML nested too deeply ({depth} levels, limit {MAX_NESTING})"
                ));
            }
            let page = read_html(&text);
            if page.blocks.is_empty() {
                return Err("no readable text".to_string());
            }
            vec![Document {
                id: rel.to_string(),
                title: sidecar.title.or(page.title).unwrap_or_else(|| title_from_name(path)),
                source: rel.to_string(),
                url: sidecar.url,
                blocks: page.blocks,
            }]
        }
        _ => vec![read_plain(&text, rel, path, ext != "txt", sidecar)],
    };
    if docs.iter().all(|d| d.blocks.is_empty()) {
        return Err("empty".to_string());
    }
    Ok(docs)
}

/// Turns file bytes into text, rejecting empty, binary and non-UTF-8 content.
fn decode(bytes: &[u8]) -> std::result::Result<String, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("empty".to_string());
    }
    if bytes.contains(&0) {
        return Err("binary content".to_string());
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("invalid UTF-8 at byte {}", e.valid_up_to()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let total = text.chars().count();
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'))
        .count();
    if control * 100 > total {
        return Err("binary content".to_string());
    }
    Ok(text.to_string())
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
        let Ok(text) = fs::read_to_string(&candidate) else { continue };
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

/// Reads a `.txt` or Markdown file.
fn read_plain(text: &str, rel: &str, path: &Path, markdown: bool, sidecar: Sidecar) -> Document {
    let (front, body) = front_matter(text);
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

/// Reads a JSON Lines file: one document per good record; bad lines are skipped with a
/// warning naming `file:line`.
fn read_jsonl(text: &str, rel: &str) -> std::result::Result<Vec<Document>, String> {
    let mut docs = Vec::new();
    let mut bad = 0usize;
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let record = match serde_json::from_str::<Record>(line) {
            Ok(record) => record,
            Err(err) => {
                bad += 1;
                warn!(at = %format!("{rel}:{line_no}"), cause = %err, "skipping bad JSON Lines record");
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
            bad += 1;
            warn!(at = %format!("{rel}:{line_no}"), "skipping JSON Lines record with empty text");
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
    if docs.is_empty() && bad > 0 {
        return Err(format!("no valid JSON Lines record ({bad} bad line(s))"));
    }
    Ok(docs)
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

    /// The seed corpus file, as it sits in the crate.
    const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/south-korea-ai-strategy.txt");

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
        let size = (MAX_FILE_BYTES + 1).div_ceil(MIB);
        assert_eq!(
            format!("too large ({size} MiB, limit {} MiB)", MAX_FILE_BYTES / MIB),
            "too large (65 MiB, limit 64 MiB)"
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
            let _ = decode(text.as_bytes());
        }

        #[test]
        fn any_bytes_decode_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(&bytes);
        }
    }
}
