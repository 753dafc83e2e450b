//! The index: the only code that writes tantivy data.
//!
//! `schema` defines fields and registers analyzers, `store` holds passages and forward data
//! for re-ranking and display, `build` writes a generation, `generation` switches to it
//! atomically and owns the on-disk layout (pointer, manifests, fingerprint, lock).

mod build;
mod generation;
mod schema;
mod store;

pub use build::{
    BuildOptions, BuildReport, Progress, StagedGeneration, Staleness, build, build_with_progress,
    clean_up_after_crashes, ensure_built, stage, stage_with_progress,
};
pub use generation::{
    CURRENT_FILE, LOCK_FILE, MANIFEST_FILE, Manifest, fingerprint, live_generation, read_manifest,
    up_to_date_generation,
};
pub use schema::{Fields, build_schema, fields_of, register_tokenizers};
pub use store::{Forward, STORE_FILE, STORE_FORMAT, Store};
