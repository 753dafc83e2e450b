//! Relevance: what the ranking must do, each test naming the property it checks.
//!
//! `bundled` runs the bundled corpus through the library; `in_ram` proves that an engine
//! built in memory ranks exactly as one opened from disk.

/// The bundled corpus and its question set.
mod bundled;

/// An engine built in RAM ranks as one built on disk.
mod in_ram;
