//! Finding the corpus files, confined to the corpus: which names are read, which are left
//! out, and why.
//!
//! By default only regular files whose real path lies inside the corpus root are read:
//! - a symbolic link is resolved (`canonicalize`) and read only when its target is a regular
//!   file inside the root; a link leading outside is skipped ("link leads outside the
//!   corpus") unless [`LoadOptions::follow_links`] is set by an admin; links to folders are
//!   never followed (they could loop);
//! - devices, FIFOs and sockets are never opened, whether found directly or through a link,
//!   and nothing under `/proc`, `/sys` or `/dev` is read even when links may be followed;
//! - the files passagebot was configured from ([`LoadOptions::config_files`]) are never read,
//!   matched by file identity (device and inode), so a link or hard link to them is caught too.
//!
//! The walk is iterative (no recursion, so no folder depth can overflow the stack) and uses
//! the names the system gives (`OsString`), so a name that is not UTF-8 is read like any
//! other. What is found here is re-checked after opening: the reader checks that the opened
//! handle is still the same regular file (see `read`).

use std::ffi::OsString;
use std::fs::{self, Metadata};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::read::{SkippedFile, extension_problem, is_ignored_name};
use crate::error::{Error, Result, UserError};

/// How a corpus is read: the admin's choices and what must never be read.
#[derive(Clone)]
pub struct LoadOptions {
    /// Read links whose target is outside the corpus root (still only regular files, never
    /// under `/proc`, `/sys` or `/dev`). Off by default: a link in the corpus must not turn any
    /// file the process can read into an answer.
    pub follow_links: bool,
    /// Files never indexed, whatever path or link leads to them: passagebot's own
    /// configuration (it may hold the bot token).
    pub config_files: Vec<PathBuf>,
    /// Text that must never be indexed: a document holding any of these (the bot token) is
    /// skipped. Never shown in messages or `Debug` output.
    pub secrets: Vec<String>,
    /// The time one file may take to read; past it the file is skipped (see `isolate`).
    pub time_limit: Duration,
    /// The memory one file's reading may take, estimated from the file before it is read
    /// (its size and its lines); a file that would need more is skipped with the reason. A
    /// build sets it from its memory budget.
    pub read_memory: usize,
    /// The memory the set of document ids given out may take; past it the set moves to a
    /// sorted file in `scratch`. A build sets it from its memory budget.
    pub id_memory: usize,
    /// Where a load may write temporary files (the document-id set past `id_memory`); the
    /// system's temporary folder when `None`. A build sets it to the folder it builds in.
    pub scratch: Option<PathBuf>,
}

/// The memory one file's reading may take by default: the share of the default build
/// memory budget (1 GiB) that reading gets.
pub const DEFAULT_READ_MEMORY: usize = 384 * 1024 * 1024;

/// The memory the document-id set may take by default: the share of the default build
/// memory budget (1 GiB) that it gets.
pub const DEFAULT_ID_MEMORY: usize = 32 * 1024 * 1024;

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            follow_links: false,
            config_files: Vec::new(),
            secrets: Vec::new(),
            time_limit: DEFAULT_TIME_LIMIT,
            read_memory: DEFAULT_READ_MEMORY,
            id_memory: DEFAULT_ID_MEMORY,
            scratch: None,
        }
    }
}

impl std::fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadOptions")
            .field("follow_links", &self.follow_links)
            .field("config_files", &self.config_files)
            .field("secrets", &format_args!("<{} redacted>", self.secrets.len()))
            .field("time_limit", &self.time_limit)
            .field("read_memory", &self.read_memory)
            .field("id_memory", &self.id_memory)
            .field("scratch", &self.scratch)
            .finish()
    }
}

impl LoadOptions {
    /// What of these options changes which files are read, for the index's fingerprint (so
    /// turning `follow_links` on or off rebuilds). The secrets go in as a hash only.
    pub fn fingerprint_tag(&self) -> String {
        let mut hasher = blake3::Hasher::new();
        for secret in &self.secrets {
            hasher.update(secret.as_bytes());
            hasher.update(&[0]);
        }
        let configs: Vec<String> =
            self.config_files.iter().map(|p| p.display().to_string()).collect();
        format!(
            "follow_links={};config={};secrets={}",
            self.follow_links,
            configs.join("|"),
            &hasher.finalize().to_hex()[..16]
        )
    }
}

/// The time limit per file unless the options say otherwise: generous for a 64 MiB file on
/// a slow, busy machine.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(60);

/// A file the walk accepted.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// What to open: the real path (a link's resolved target).
    pub open: PathBuf,
    /// The path as found under the corpus path, for messages.
    pub shown: PathBuf,
    /// The path relative to the corpus root, with `/`: the document id.
    pub rel: String,
    /// The identity the walk saw, which the opened handle must still have.
    pub id: Option<FileId>,
}

/// A file's identity (device and inode), to tell whether two paths are the same file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileId {
    /// The device.
    dev: u64,
    /// The inode on that device.
    ino: u64,
}

impl FileId {
    /// The identity in `meta`, where the system has one.
    #[cfg(unix)]
    pub(crate) fn of(meta: &Metadata) -> Option<FileId> {
        use std::os::unix::fs::MetadataExt;
        Some(FileId { dev: meta.dev(), ino: meta.ino() })
    }

    /// The identity in `meta`, where the system has one.
    #[cfg(not(unix))]
    pub(crate) fn of(_meta: &Metadata) -> Option<FileId> {
        None
    }
}

/// The reason a configuration file is skipped.
pub const OWN_CONFIG: &str = "this is passagebot's own configuration file";
/// The reason a link leading outside the corpus is skipped.
pub(crate) const OUTSIDE: &str = "link leads outside the corpus (passagebot reads only files inside it; an admin may allow \
     links with --follow-links or follow_links = true)";

/// What to check when a listed name cannot be examined: its folder lacks execute permission.
pub(crate) const ENTRY_HINT: &str = "check the execute permission of the folder holding it";
/// What to check when a folder cannot be listed.
const FOLDER_HINT: &str = "check the folder's read and execute permissions";
/// What to check when a link's target cannot be examined.
const LINK_HINT: &str = "check the permissions of the folders on the link's target path";

/// The reason a file or folder the system would not read is skipped: "permission denied" with
/// `hint` saying what to check, or the operating system's text for any other error.
pub(crate) fn io_reason(err: &std::io::Error, hint: &str) -> String {
    if err.kind() == std::io::ErrorKind::PermissionDenied {
        format!("permission denied ({hint})")
    } else {
        err.to_string()
    }
}

/// What the walk knows about the corpus as a whole.
struct Confinement<'a> {
    /// The corpus root's real path.
    root: PathBuf,
    /// The options.
    opts: &'a LoadOptions,
    /// Identities of the configuration files.
    configs: Vec<FileId>,
    /// Set when the root itself lies in a system folder: then nothing in it is read.
    root_system: Option<&'static str>,
}

/// Finds the corpus files under `path` (a folder, walked in path order, or one file), with
/// every name left out and its reason.
///
/// # Errors
/// [`UserError::CorpusMissing`] if `path` does not exist; [`Error::Io`] if the corpus folder
/// itself cannot be listed.
pub(crate) fn collect(path: &Path, opts: &LoadOptions) -> Result<(Vec<Found>, Vec<SkippedFile>)> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(UserError::CorpusMissing(path.to_path_buf()).into());
        }
        Err(err) => return Err(Error::io(format!("reading corpus {}", path.display()), err)),
    };
    let configs = opts
        .config_files
        .iter()
        .filter_map(|p| fs::metadata(p).ok())
        .filter_map(|m| FileId::of(&m));
    let configs = configs.collect();
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    if meta.is_dir() {
        let root = fs::canonicalize(path)
            .map_err(|err| Error::io(format!("reading corpus {}", path.display()), err))?;
        let root_system = system_area(&root);
        let ctx = Confinement { root, opts, configs, root_system };
        let entries = fs::read_dir(path)
            .map_err(|err| Error::io(format!("listing corpus folder {}", path.display()), err))?;
        walk(&ctx, path, entries, &mut files, &mut skipped);
        files.sort_by(|a: &Found, b| a.rel.cmp(&b.rel));
    } else {
        // One file: its folder is the root, so a link beside it is confined like in a folder.
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let root = fs::canonicalize(parent)
            .map_err(|err| Error::io(format!("reading corpus {}", path.display()), err))?;
        let root_system = system_area(&root);
        let ctx = Confinement { root, opts, configs, root_system };
        let name = path.file_name().map_or_else(
            || path.to_string_lossy().into_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        match fs::symlink_metadata(path) {
            Ok(lmeta) => match classify(&ctx, path, &lmeta) {
                Entry::File(open, id) => {
                    files.push(Found { open, shown: path.to_path_buf(), rel: name, id })
                }
                Entry::Skip(reason) => {
                    skipped.push(SkippedFile { path: path.to_path_buf(), reason })
                }
                Entry::Folder => {}
            },
            Err(err) => skipped.push(SkippedFile {
                path: path.to_path_buf(),
                reason: io_reason(&err, ENTRY_HINT),
            }),
        }
    }
    Ok((files, skipped))
}

/// A corpus file the walk accepted, with what a fingerprint of the corpus needs.
#[derive(Debug, Clone)]
pub struct CorpusFile {
    /// The path relative to the corpus root, with `/`.
    pub rel: String,
    /// What to open: the real path (a link's resolved target).
    pub path: PathBuf,
    /// Its size in bytes, as the walk saw it.
    pub size: u64,
    /// Its modification time in nanoseconds since the Unix epoch (0 when unknown).
    pub modified_ns: u128,
}

/// The files a load of `path` reads, in path order, confined exactly as the load confines
/// them, with every name left out and its reason. The files are not opened.
///
/// # Errors
/// [`UserError::CorpusMissing`] if `path` does not exist; [`Error::Io`] if the corpus folder
/// itself cannot be listed.
pub fn list_files(path: &Path, opts: &LoadOptions) -> Result<(Vec<CorpusFile>, Vec<SkippedFile>)> {
    let (found, skipped) = collect(path, opts)?;
    let files = found
        .into_iter()
        .map(|found| {
            let meta = fs::metadata(&found.open).ok();
            let modified_ns = meta
                .as_ref()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            CorpusFile {
                rel: found.rel,
                path: found.open,
                size: meta.map_or(0, |m| m.len()),
                modified_ns,
            }
        })
        .collect();
    Ok((files, skipped))
}

/// What one listed name is.
enum Entry {
    /// A file to read: where to open it and the identity it must have.
    File(PathBuf, Option<FileId>),
    /// A folder to walk.
    Folder,
    /// Left out, with the reason.
    Skip(String),
}

/// Walks the folder `top` (already listed as `entries`) and every folder under it, with an
/// explicit stack of folders still to list.
fn walk(
    ctx: &Confinement<'_>,
    top: &Path,
    entries: fs::ReadDir,
    files: &mut Vec<Found>,
    skipped: &mut Vec<SkippedFile>,
) {
    let mut pending = vec![(top.to_path_buf(), String::new(), Some(entries))];
    while let Some((dir, rel_dir, listed)) = pending.pop() {
        let entries = match listed.map_or_else(|| fs::read_dir(&dir), Ok) {
            Ok(entries) => entries,
            Err(err) => {
                skipped.push(SkippedFile { path: dir, reason: io_reason(&err, FOLDER_HINT) });
                continue;
            }
        };
        let mut entries: Vec<_> = entries
            .filter_map(|entry| match entry {
                Ok(entry) => Some(entry),
                Err(err) => {
                    let reason = format!("listing stopped early: {}", io_reason(&err, FOLDER_HINT));
                    skipped.push(SkippedFile { path: dir.clone(), reason });
                    None
                }
            })
            .collect();
        entries.sort_by_key(fs::DirEntry::file_name);
        let mut folders = Vec::new();
        for entry in entries {
            let name: OsString = entry.file_name();
            let shown_name = name.to_string_lossy().into_owned();
            if is_ignored_name(&shown_name) {
                continue;
            }
            // The real name joins the path: a name that is not UTF-8 still opens.
            let path = dir.join(&name);
            let rel =
                if rel_dir.is_empty() { shown_name } else { format!("{rel_dir}/{shown_name}") };
            let lmeta = match fs::symlink_metadata(&path) {
                Ok(meta) => meta,
                Err(err) => {
                    // Listed but not examinable: the folder can be read but not searched.
                    skipped.push(SkippedFile { path, reason: io_reason(&err, ENTRY_HINT) });
                    continue;
                }
            };
            match classify(ctx, &path, &lmeta) {
                Entry::File(open, id) => files.push(Found { open, shown: path, rel, id }),
                Entry::Folder => folders.push((path, rel, None)),
                Entry::Skip(reason) => skipped.push(SkippedFile { path, reason }),
            }
        }
        // Reversed, so the stack lists them in name order.
        pending.extend(folders.into_iter().rev());
    }
}

/// Decides what the name at `path` (with its own, unfollowed metadata `lmeta`) is.
fn classify(ctx: &Confinement<'_>, path: &Path, lmeta: &Metadata) -> Entry {
    let kind = lmeta.file_type();
    if kind.is_dir() {
        return Entry::Folder;
    }
    if kind.is_symlink() {
        return classify_link(ctx, path);
    }
    if !kind.is_file() {
        return Entry::Skip(format!("{}, not a regular file; never opened", special_kind(lmeta)));
    }
    if let Some(area) = ctx.root_system {
        return Entry::Skip(format!("in {area}, a system folder; never read"));
    }
    let id = FileId::of(lmeta);
    if id.is_some_and(|id| ctx.configs.contains(&id)) {
        return Entry::Skip(OWN_CONFIG.to_string());
    }
    match extension_problem(path) {
        Some(problem) => Entry::Skip(problem),
        None => Entry::File(path.to_path_buf(), id),
    }
}

/// Decides what the link at `path` leads to.
fn classify_link(ctx: &Confinement<'_>, path: &Path) -> Entry {
    let target = match fs::canonicalize(path) {
        Ok(target) => target,
        Err(err) => return Entry::Skip(link_error(&err)),
    };
    let meta = match fs::metadata(&target) {
        Ok(meta) => meta,
        Err(err) => return Entry::Skip(io_reason(&err, LINK_HINT)),
    };
    if meta.is_dir() {
        return Entry::Skip("link to a folder, not followed (it could loop)".into());
    }
    if !meta.is_file() {
        return Entry::Skip(format!(
            "link to {}, not a regular file; never opened",
            special_kind(&meta)
        ));
    }
    let inside = target.starts_with(&ctx.root);
    if !inside && !ctx.opts.follow_links {
        return Entry::Skip(OUTSIDE.to_string());
    }
    if let Some(area) = system_area(&target).or(ctx.root_system) {
        return Entry::Skip(format!("link into {area}, a system folder; never read"));
    }
    let id = FileId::of(&meta);
    if id.is_some_and(|id| ctx.configs.contains(&id)) {
        return Entry::Skip(OWN_CONFIG.to_string());
    }
    // Both names must be of a format read: the link's, which the person chose, and the
    // target's, which says what the content really is.
    if let Some(problem) = extension_problem(path) {
        return Entry::Skip(problem);
    }
    if let Some(problem) = extension_problem(&target) {
        return Entry::Skip(format!("link target {}: {problem}", target.display()));
    }
    Entry::File(target, id)
}

/// The reason a link cannot be resolved: a loop, a missing target, or the system's words.
fn link_error(err: &std::io::Error) -> String {
    // ELOOP: "Too many levels of symbolic links" (40 on Linux, 62 on the BSDs and macOS).
    let looped = matches!(err.raw_os_error(), Some(40) if cfg!(target_os = "linux"))
        || matches!(err.raw_os_error(), Some(62) if cfg!(any(target_os = "macos", target_os = "freebsd", target_os = "openbsd", target_os = "netbsd")));
    if looped {
        "link loop (the link leads back to itself)".to_string()
    } else if err.kind() == std::io::ErrorKind::NotFound {
        "broken link (its target does not exist)".to_string()
    } else {
        io_reason(err, LINK_HINT)
    }
}

/// What a file that is not a regular file or folder is, in words.
fn special_kind(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    let _ = meta;
    "a special file"
}

/// The system folder `path` lies in, if any: `/proc`, `/sys` or `/dev` (their files are not
/// documents, and reading some has side effects or never ends).
fn system_area(path: &Path) -> Option<&'static str> {
    ["/proc", "/sys", "/dev"].into_iter().find(|area| cfg!(unix) && path.starts_with(area))
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::symlink;
    use std::time::Instant;

    use super::*;
    use crate::corpus::load_with;

    /// A corpus folder and a folder outside it, side by side in one temp dir.
    struct Dirs {
        _tmp: tempfile::TempDir,
        corpus: PathBuf,
        outside: PathBuf,
    }

    fn dirs() -> Dirs {
        let tmp = tempfile::tempdir().unwrap();
        let corpus = tmp.path().join("corpus");
        let outside = tmp.path().join("outside");
        fs::create_dir_all(&corpus).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(corpus.join("good.txt"), "A good paragraph about rivers.").unwrap();
        Dirs { _tmp: tmp, corpus, outside }
    }

    /// (file name, reason) of every skipped file.
    fn reasons(skipped: &[SkippedFile]) -> Vec<(String, String)> {
        skipped
            .iter()
            .map(|s| {
                let name = s.path.file_name().unwrap().to_string_lossy().into_owned();
                (name, s.reason.clone())
            })
            .collect()
    }

    fn ids(docs: &[crate::corpus::Document]) -> Vec<&str> {
        docs.iter().map(|d| d.id.as_str()).collect()
    }

    #[test]
    fn symlink_outside_the_corpus_is_skipped_and_its_text_never_read() {
        let d = dirs();
        let secret = d.outside.join("bot.toml.txt");
        fs::write(&secret, "TELOXIDE_TOKEN = \"123456:SECRETSECRET\"").unwrap();
        symlink(&secret, d.corpus.join("users.txt")).unwrap();
        symlink("/etc/passwd", d.corpus.join("passwd.txt")).unwrap();
        let (docs, skipped) = load_with(&d.corpus, &LoadOptions::default()).unwrap();
        assert_eq!(ids(&docs), ["good.txt"]);
        assert_eq!(
            reasons(&skipped),
            [("passwd.txt".to_string(), OUTSIDE.to_string()), ("users.txt".into(), OUTSIDE.into())]
        );
        assert!(!format!("{docs:?}").contains("SECRETSECRET"));
    }

    #[test]
    fn symlink_inside_the_corpus_is_read() {
        let d = dirs();
        fs::create_dir_all(d.corpus.join("sub")).unwrap();
        symlink("../good.txt", d.corpus.join("sub/alias.txt")).unwrap();
        let (docs, skipped) = load_with(&d.corpus, &LoadOptions::default()).unwrap();
        assert!(skipped.is_empty(), "{skipped:?}");
        assert_eq!(ids(&docs), ["good.txt", "sub/alias.txt"]);
    }

    #[test]
    fn follow_links_reads_an_outside_link_but_never_a_device_or_proc() {
        let d = dirs();
        fs::write(d.outside.join("notes.txt"), "Notes kept elsewhere on purpose.").unwrap();
        symlink(d.outside.join("notes.txt"), d.corpus.join("notes.txt")).unwrap();
        symlink("/proc/self/environ", d.corpus.join("environ.txt")).unwrap();
        symlink("/dev/zero", d.corpus.join("zero.txt")).unwrap();
        let opts = LoadOptions { follow_links: true, ..LoadOptions::default() };
        let (docs, skipped) = load_with(&d.corpus, &opts).unwrap();
        assert_eq!(ids(&docs), ["good.txt", "notes.txt"]);
        let reasons = reasons(&skipped);
        assert!(reasons.contains(&(
            "environ.txt".into(),
            "link into /proc, a system folder; never read".into()
        )));
        assert!(reasons.contains(&(
            "zero.txt".into(),
            "link to a character device, not a regular file; never opened".into()
        )));
    }

    #[test]
    fn fifo_in_the_corpus_is_skipped_with_its_reason_and_no_hang() {
        let d = dirs();
        let fifo = d.corpus.join("pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("SKIPPED: mkfifo is not available");
            return;
        }
        symlink(&fifo, d.corpus.join("to-pipe.txt")).unwrap();
        let started = Instant::now();
        let (docs, skipped) = load_with(&d.corpus, &LoadOptions::default()).unwrap();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(ids(&docs), ["good.txt"]);
        assert_eq!(
            reasons(&skipped),
            [
                (
                    "pipe.txt".to_string(),
                    "a FIFO (named pipe), not a regular file; never opened".into()
                ),
                (
                    "to-pipe.txt".into(),
                    "link to a FIFO (named pipe), not a regular file; never opened".into()
                ),
            ]
        );
    }

    #[test]
    fn dev_null_link_is_skipped_as_a_device_not_as_a_folder() {
        let d = dirs();
        symlink("/dev/null", d.corpus.join("null.txt")).unwrap();
        let (_, skipped) = load_with(&d.corpus, &LoadOptions::default()).unwrap();
        assert_eq!(
            reasons(&skipped),
            [(
                "null.txt".into(),
                "link to a character device, not a regular file; never opened".into()
            )]
        );
    }

    #[test]
    fn config_file_inside_the_corpus_is_never_indexed() {
        let d = dirs();
        let config = d.corpus.join("passagebot.txt");
        fs::write(&config, "token = \"123456:SECRETSECRET\"").unwrap();
        symlink("passagebot.txt", d.corpus.join("alias.md")).unwrap();
        fs::hard_link(&config, d.corpus.join("hard.txt")).unwrap();
        let opts = LoadOptions { config_files: vec![config.clone()], ..LoadOptions::default() };
        let (docs, skipped) = load_with(&d.corpus, &opts).unwrap();
        assert_eq!(ids(&docs), ["good.txt"]);
        let own = OWN_CONFIG.to_string();
        assert_eq!(
            reasons(&skipped),
            [
                ("alias.md".into(), own.clone()),
                ("hard.txt".into(), own.clone()),
                ("passagebot.txt".into(), own)
            ]
        );
    }

    #[test]
    fn file_holding_the_token_is_never_indexed() {
        let d = dirs();
        fs::write(d.corpus.join("leak.md"), "# Setup\n\nexport TELOXIDE_TOKEN=123456:SECRETSECRET")
            .unwrap();
        let opts =
            LoadOptions { secrets: vec!["123456:SECRETSECRET".into()], ..LoadOptions::default() };
        let (docs, skipped) = load_with(&d.corpus, &opts).unwrap();
        assert_eq!(ids(&docs), ["good.txt"]);
        assert_eq!(
            reasons(&skipped),
            [("leak.md".into(), "holds passagebot's bot token; never indexed".into())]
        );
        assert!(!format!("{opts:?}").contains("SECRET"));
    }

    #[test]
    fn non_utf8_file_name_is_read_not_reported_missing() {
        let d = dirs();
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
        if fs::write(d.corpus.join(name), "Text under a Latin-1 name.").is_err() {
            eprintln!("SKIPPED: this file system refuses names that are not UTF-8");
            return;
        }
        let (docs, skipped) = load_with(&d.corpus, &LoadOptions::default()).unwrap();
        assert!(skipped.is_empty(), "{skipped:?}");
        assert_eq!(ids(&docs), ["caf\u{fffd}.txt", "good.txt"]);
    }

    #[test]
    fn link_loops_and_broken_links_say_so() {
        let d = dirs();
        symlink("self.txt", d.corpus.join("self.txt")).unwrap();
        symlink("nowhere.txt", d.corpus.join("broken.txt")).unwrap();
        let (_, skipped) = load_with(&d.corpus, &LoadOptions::default()).unwrap();
        assert_eq!(
            reasons(&skipped),
            [
                ("broken.txt".into(), "broken link (its target does not exist)".into()),
                ("self.txt".into(), "link loop (the link leads back to itself)".into()),
            ]
        );
    }

    #[test]
    fn link_target_extension_is_checked_too() {
        let d = dirs();
        fs::write(d.corpus.join("data.bin"), "Not a document, whatever its link says.").unwrap();
        symlink("data.bin", d.corpus.join("doc.txt")).unwrap();
        let (_, skipped) = load_with(&d.corpus, &LoadOptions::default()).unwrap();
        let reasons = reasons(&skipped);
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert_eq!(reasons[0], ("data.bin".into(), "unsupported extension .bin".into()));
        assert_eq!(reasons[1].0, "doc.txt");
        assert!(reasons[1].1.ends_with("data.bin: unsupported extension .bin"), "{reasons:?}");
    }

    #[test]
    fn single_file_corpus_that_links_outside_is_confined_too() {
        let d = dirs();
        symlink("/etc/passwd", d.corpus.join("one.txt")).unwrap();
        let (docs, skipped) =
            load_with(&d.corpus.join("one.txt"), &LoadOptions::default()).unwrap();
        assert!(docs.is_empty());
        assert_eq!(reasons(&skipped), [("one.txt".into(), OUTSIDE.into())]);
    }

    #[test]
    fn deep_folders_are_walked_without_recursion() {
        let d = dirs();
        let mut dir = d.corpus.clone();
        for _ in 0..200 {
            dir.push("d");
        }
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("deep.txt"), "At the bottom of many folders.").unwrap();
        let (docs, _) = load_with(&d.corpus, &LoadOptions::default()).unwrap();
        assert_eq!(docs.len(), 2);
    }
}
