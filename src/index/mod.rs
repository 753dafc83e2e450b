//! The index: the only code that writes tantivy data.
//!
//! `schema` defines fields and registers analyzers, `store` holds passages and forward data
//! for re-ranking and display, `build` writes a generation and switches to it atomically.

mod build;
mod schema;
mod store;

pub use build::{
    BuildOptions, BuildReport, CURRENT_FILE, LOCK_FILE, Manifest, Progress, StagedGeneration,
    Staleness, build, build_with_progress, ensure_built, fingerprint, live_generation,
    read_manifest, stage, stage_with_progress, up_to_date_generation,
};
pub use schema::{Fields, build_schema, fields_of, register_tokenizers};
pub use store::{Forward, STORE_FILE, STORE_FORMAT, Store};
