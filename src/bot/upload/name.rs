//! The name an uploaded file is saved under: derived from the name the sender's app gave
//! the document, but never a path. Only the last component of what was sent is kept (so
//! `../../etc/passwd.txt` and `/abs/x.md` become `passwd.txt` and `x.md`); control
//! characters and characters file systems or shells treat specially become `_`; leading
//! dots and spaces go (no hidden files, no `..`), runs of dots shrink to one; the stem is
//! cut to [`MAX_STEM_BYTES`]; the extension is kept, lower-cased, and must be one the
//! corpus reads ([`EXTENSIONS`]). A name the corpus would ignore (`README…`) gets a prefix,
//! so the file is read once saved.

use std::path::{Component, Path};

/// The extensions an upload may have: the formats the corpus reads from single files.
pub const EXTENSIONS: &[&str] =
    &["pdf", "docx", "pptx", "epub", "odt", "txt", "md", "markdown", "html", "htm"];

/// The longest stem kept, in bytes (cut at a character boundary).
pub const MAX_STEM_BYTES: usize = 100;

/// The stem used when nothing of the sent name is left.
const FALLBACK_STEM: &str = "upload";

/// Why a sent name gives no name to save under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    /// The document came without a name, or its name has no extension.
    NoExtension,
    /// The extension is not one the corpus reads (lower-cased, without the dot).
    Unsupported(String),
}

/// A sanitised file name: one normal path component, safe to join to the corpus folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeName {
    /// The stem, without the extension.
    stem: String,
    /// The extension, lower-case, without the dot.
    ext: String,
}

impl SafeName {
    /// The safe name for what the sender's app called the file.
    pub fn from_sent(sent: Option<&str>) -> Result<SafeName, NameProblem> {
        let sent = sent.unwrap_or_default();
        // The last component, whichever separator the sender's system uses.
        let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
        let cleaned: String = last.chars().map(|c| if is_unsafe(c) { '_' } else { c }).collect();
        let (stem, ext) = match cleaned.rsplit_once('.') {
            Some((stem, ext)) if !ext.trim().is_empty() => (stem, ext.trim().to_lowercase()),
            _ => return Err(NameProblem::NoExtension),
        };
        if !EXTENSIONS.contains(&ext.as_str()) {
            return Err(NameProblem::Unsupported(ext.chars().take(16).collect()));
        }
        let mut tidy = String::with_capacity(stem.len());
        for c in stem.chars() {
            // No run of dots (so never `..`), and no dot first (no hidden file).
            if c == '.' && (tidy.is_empty() || tidy.ends_with('.')) {
                continue;
            }
            if c.is_whitespace() && tidy.is_empty() {
                continue;
            }
            tidy.push(if c.is_whitespace() { ' ' } else { c });
        }
        let trimmed = tidy.trim_end_matches(['.', ' ']);
        let mut stem = trimmed[..trimmed.floor_char_boundary(MAX_STEM_BYTES)]
            .trim_end_matches(['.', ' '])
            .to_string();
        if stem.is_empty() {
            stem = FALLBACK_STEM.to_string();
        }
        if stem.to_ascii_uppercase().starts_with("README") {
            stem = format!("{FALLBACK_STEM}-{stem}");
        }
        Ok(SafeName { stem, ext })
    }

    /// The file name: `stem.ext`.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.stem, self.ext)
    }

    /// The `n`th variant for "keep both": `stem-n.ext` (n ≥ 2).
    pub fn numbered(&self, n: u32) -> SafeName {
        SafeName { stem: format!("{}-{n}", self.stem), ext: self.ext.clone() }
    }

    /// The extension, lower-case, without the dot.
    pub fn ext(&self) -> &str {
        &self.ext
    }
}

impl std::fmt::Display for SafeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file_name())
    }
}

/// Whether `name` is one plain component: what every [`SafeName`] is, checked again before
/// anything is written.
pub fn is_one_component(name: &str) -> bool {
    let mut components = Path::new(name).components();
    matches!(components.next(), Some(Component::Normal(_)))
        && components.next().is_none()
        && !name.starts_with('.')
}

/// Characters replaced by `_`: control characters, path separators, and those Windows or
/// shells give a meaning (`<>:"|?*`), so a copied corpus stays usable everywhere.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*' | '\0')
        // Bidirectional overrides would show a name other than the one saved.
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn safe(sent: &str) -> String {
        SafeName::from_sent(Some(sent)).map(|n| n.file_name()).unwrap_or_else(|e| format!("{e:?}"))
    }

    #[test]
    fn sent_names_become_one_safe_component() {
        let cases = [
            ("notes.pdf", "notes.pdf"),
            ("Lecture 3 – Sorting.PPTX", "Lecture 3 – Sorting.pptx"),
            ("../../etc/passwd.txt", "passwd.txt"),
            ("/abs/x.md", "x.md"),
            ("C:\\Users\\me\\week1.docx", "week1.docx"),
            (".hidden.txt", "hidden.txt"),
            ("...txt", "upload.txt"),
            ("..", "NoExtension"),
            ("a..b...c.md", "a.b.c.md"),
            ("tab\there\u{7}.txt", "tab_here_.txt"),
            ("what?*<>|\".html", "what______.html"),
            ("  spaced  .txt", "spaced.txt"),
            ("evil\u{202e}txt.exe.md", "evil_txt.exe.md"),
            ("README.md", "upload-README.md"),
            ("readme-first.txt", "upload-readme-first.txt"),
            ("강의 노트.epub", "강의 노트.epub"),
            ("noextension", "NoExtension"),
            ("trailing.", "NoExtension"),
            ("script.sh", "Unsupported(\"sh\")"),
            ("data.jsonl", "Unsupported(\"jsonl\")"),
            ("bot.toml", "Unsupported(\"toml\")"),
        ];
        for (sent, expected) in cases {
            assert_eq!(safe(sent), expected, "{sent:?}");
            if let Ok(name) = SafeName::from_sent(Some(sent)) {
                assert!(is_one_component(&name.file_name()), "{sent:?}");
            }
        }
        assert_eq!(SafeName::from_sent(None), Err(NameProblem::NoExtension));
    }

    #[test]
    fn long_names_are_cut_at_a_character_boundary_and_keep_the_extension() {
        let name = SafeName::from_sent(Some(&format!("{}.pdf", "가".repeat(200)))).unwrap();
        let file = name.file_name();
        assert!(file.ends_with(".pdf"), "{file}");
        assert!(file.len() <= MAX_STEM_BYTES + 4, "{}", file.len());
        assert_eq!(name.numbered(2).file_name(), file.replace(".pdf", "-2.pdf"));
    }

    #[test]
    fn only_plain_components_pass_the_final_check() {
        for bad in ["", ".", "..", "a/b.txt", "/x.txt", ".hidden.txt"] {
            assert!(!is_one_component(bad), "{bad:?}");
        }
        assert!(is_one_component("notes.txt"));
    }
}
