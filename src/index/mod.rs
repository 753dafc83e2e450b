//! The index: the only code that writes tantivy data.
//!
//! `schema` defines fields and registers analyzers, `store` holds passages and forward data
//! for re-ranking and display, and the vocabulary with the look-ups query planning asks (idf,
//! heading words, typo corrections), `write` reads the corpus and analyses its passages into a
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

// What the front ends (`cli`, `bot`), the tests and the benches use.
pub use build::{
    BuildOptions, BuildReport, Ensured, Notice, Progress, StagedGeneration, Staleness, build,
    build_with_notices, ensure_built, ensure_fresh, fresh_generation, stage,
};
pub use generation::{LOCK_FILE, live_generation, remembered_corpus};
pub use lock::{BuildLock, DEFAULT_LOCK_WAIT};
pub use schema::{PASSAGE_KEY_LEN, is_passage_key, passage_key};
pub use write::DEFAULT_MEMORY_BUDGET;

// What `search` reads a generation with.
pub(crate) use generation::read_manifest;
pub(crate) use readonly::open_read_only;
pub(crate) use schema::{Fields, fields_of};
pub(crate) use store::{Focus, Forward, ForwardBuffers, STORE_FILE, Store};
pub(crate) use verify::{Depth, verify_generation};
pub(crate) use write::build_in_ram;
