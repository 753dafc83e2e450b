//! passagebot answers a question with the best-matching passage of a corpus.
//!
//! The data path runs one way: [`corpus`] reads files and JSON Lines records, cleans scraped
//! boilerplate and cuts documents into passages; [`index`] analyses the passages
//! ([`analysis`]), writes a tantivy index plus a compact passage store into a fresh generation
//! directory and switches to it atomically; [`search`] opens one generation, turns a question
//! into a ranked search (synonyms, typo correction, BM25 then a proximity re-rank), picks the
//! key sentence and decides whether the best passage is good enough; [`answer`] holds the
//! result types and [`render`] turns them into plain text, Telegram HTML or JSON; [`eval`]
//! scores question sets. The front ends (`cli`, `bot`) live in the binary's modules and
//! depend on this library, never the reverse.
#![forbid(unsafe_code)]

pub mod analysis;
pub mod answer;
pub mod corpus;
pub mod error;
pub mod eval;
pub mod index;
pub mod render;
pub mod search;

pub use error::{Error, Result};
