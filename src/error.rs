//! Error types of the library: what went wrong, phrased so a person can act on it.
//!
//! [`Error::User`] covers mistakes the person running passagebot can fix (a missing corpus,
//! a bad question file); [`Error::Internal`] covers failures of the index or the disk.

use std::path::PathBuf;

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every error the library returns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the user asked for cannot be done as asked; the message says what to change.
    #[error(transparent)]
    User(#[from] UserError),
    /// The index or the store failed in a way the user cannot fix by changing their input.
    #[error(transparent)]
    Internal(#[from] InternalError),
    /// Reading or writing a file failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, naming the path.
        context: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Wraps an I/O error with a sentence naming what was being done and on which path.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { context: context.into(), source }
    }
}

/// Mistakes the user can correct.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// The corpus path does not exist.
    #[error("corpus not found at {0}: pass --corpus with a folder or file of documents")]
    CorpusMissing(PathBuf),
    /// The corpus's vocabulary outgrew its share of the build memory budget.
    #[error(
        "the corpus has over {words} distinct words, more than the build memory budget of {budget_mib} MiB can hold: raise --build-memory-mib (build_memory_mib, PASSAGEBOT_BUILD_MEMORY_MIB); the live index is kept"
    )]
    VocabularyOverBudget {
        /// Distinct words held when the build stopped.
        words: usize,
        /// The build's memory budget, in MiB.
        budget_mib: usize,
    },
    /// The corpus holds no readable document.
    #[error(
        "no readable document in {path} ({skipped} file(s) skipped): add .txt, .md, .markdown, .html, .jsonl, .pdf, .docx, .pptx, .odt or .epub files"
    )]
    CorpusEmpty {
        /// The corpus path.
        path: PathBuf,
        /// How many files were skipped as broken or unsupported.
        skipped: usize,
    },
    /// There is no usable index generation in the index directory.
    #[error("no index in {0}: run `passagebot index` first")]
    IndexMissing(PathBuf),
    /// Another build holds the index lock (a real lock: it ends with its process).
    #[error(
        "another build is running on {} and still held its lock after {waited_secs} s; try again when it has finished",
        index_dir.display()
    )]
    BuildLocked {
        /// The index directory.
        index_dir: PathBuf,
        /// How long this process waited for the other build.
        waited_secs: u64,
    },
    /// A question file could not be understood.
    #[error("{path}, line {line}: {message}")]
    BadQuestionFile {
        /// The file.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// What is wrong with that line.
        message: String,
    },
    /// A synonyms file line could not be understood.
    #[error("synonyms file, line {line}: {message}")]
    BadSynonyms {
        /// The 1-based line number.
        line: usize,
        /// What is wrong with that line.
        message: String,
    },
}

/// Failures inside the index or the passage store.
#[derive(Debug, thiserror::Error)]
pub enum InternalError {
    /// tantivy reported an error.
    #[error("search index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A file of an index generation is missing, of the wrong size or altered.
    #[error(
        "the index {} is damaged: {problem}; run `passagebot index` to rebuild it",
        generation.display()
    )]
    GenerationDamaged {
        /// The generation directory.
        generation: PathBuf,
        /// Which file, and what is wrong with it.
        problem: String,
    },
    /// The passage store of a generation is unreadable.
    #[error("passage store {path} is damaged: {message}; rebuild with `passagebot index --force`")]
    StoreDamaged {
        /// The store file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
}

impl From<tantivy::TantivyError> for Error {
    fn from(err: tantivy::TantivyError) -> Self {
        Error::Internal(InternalError::Tantivy(err))
    }
}
