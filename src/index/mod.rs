//! The index: the only code that writes tantivy data.
//!
//! `schema` defines fields and registers analyzers, `store` holds passages and forward data
//! for re-ranking and display, `write` reads the corpus and analyses its passages into a
//! generation within a memory budget, `build` runs a build and decides when one is needed,
//! `fingerprint` says whether the corpus changed, `generation` switches to a new one
//! atomically and owns the on-disk layout (pointer, manifests), `lock` is the build lock,
//! `verify` checks a generation's files, and `readonly` opens one for search with read access
//! only.

mod build;
mod fingerprint;
mod forward;
mod generation;
mod lock;
mod readonly;
mod records;
mod schema;
mod store;
mod verify;
mod vocab;
mod write;

pub use build::{
    BuildOptions, BuildReport, Ensured, Notice, Progress, StagedGeneration, Staleness, build,
    build_with_notices, build_with_progress, clean_up_after_crashes, ensure_built, ensure_fresh,
    stage, stage_with_progress,
};
pub use fingerprint::{CorpusFileSum, fingerprint};
pub use generation::{
    CURRENT_FILE, FileSum, LOCK_FILE, MANIFEST_FILE, Manifest, canonical_corpus, live_generation,
    read_manifest, remembered_corpus, up_to_date_generation,
};
pub use lock::{BuildLock, DEFAULT_LOCK_WAIT};
pub use readonly::open_read_only;
pub use schema::{
    Fields, PASSAGE_KEY_LEN, build_schema, fields_of, is_passage_key, passage_key,
    register_tokenizers,
};
pub use store::{Forward, STORE_FILE, STORE_FORMAT, Store};
pub use verify::{Depth, verify_bytes, verify_generation};
pub use write::{DEFAULT_MEMORY_BUDGET, MIN_MEMORY_BUDGET};
