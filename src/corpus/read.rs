//! TEMPORARY minimal reader (replaced by the full one).
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Block, Document};
use crate::error::{Result, UserError};

/// A file left out of the index, with the reason.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SkippedFile {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub reason: String,
}

/// Loads a corpus.
pub fn load(path: &Path) -> Result<(Vec<Document>, Vec<SkippedFile>)> {
    if !path.exists() {
        return Err(UserError::CorpusMissing(path.to_path_buf()).into());
    }
    let mut files = Vec::new();
    if path.is_dir() {
        for e in std::fs::read_dir(path).map_err(|e| crate::Error::io("x", e))?.flatten() {
            files.push(e.path());
        }
    } else {
        files.push(path.to_path_buf());
    }
    files.sort();
    let mut docs = Vec::new();
    let mut skipped = Vec::new();
    for f in files {
        let rel = f.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if rel.starts_with('.') || rel.starts_with("README") {
            continue;
        }
        match load_file(&f, &rel) {
            Ok(d) => docs.extend(d),
            Err(reason) => skipped.push(SkippedFile { path: f, reason }),
        }
    }
    Ok((docs, skipped))
}

/// Loads one file.
pub fn load_file(path: &Path, rel: &str) -> std::result::Result<Vec<Document>, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes)
        .map_err(|e| format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()))?;
    if rel.ends_with(".jsonl") {
        let mut docs = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
            let id = v["id"].as_str().map(str::to_string).unwrap_or(format!("{rel}:{}", i + 1));
            docs.push(Document {
                id,
                title: v["title"].as_str().unwrap_or("").to_string(),
                source: format!("{rel}:{}", i + 1),
                url: v["url"].as_str().map(str::to_string),
                blocks: vec![Block::Paragraph(v["text"].as_str().unwrap_or("").to_string())],
            });
        }
        return Ok(docs);
    }
    let blocks = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Block::Paragraph(p.to_string()))
        .collect();
    Ok(vec![Document {
        id: rel.to_string(),
        title: rel.to_string(),
        source: rel.to_string(),
        url: None,
        blocks,
    }])
}
