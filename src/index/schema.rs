//! The tantivy schema: which fields exist, how each is analysed, and their names.

use tantivy::Index;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;

use crate::analysis::{ExactTokenizer, StemmedTokenizer};

/// Name under which [`StemmedTokenizer`] is registered.
pub const STEMMED_TOKENIZER: &str = "passagebot_stemmed";
/// Name under which [`ExactTokenizer`] is registered.
pub const EXACT_TOKENIZER: &str = "passagebot_exact";

/// Handles to the index's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Dense passage number (fast field): the key into the passage store.
    pub number: Field,
    /// Passage id, stored, for debugging with generic tantivy tools.
    pub id: Field,
    /// Passage text, stemmed, with positions.
    pub text: Field,
    /// Passage text, unstemmed folded words, with positions: exact-form evidence.
    pub exact: Field,
    /// Document title, stemmed.
    pub title: Field,
    /// Section heading, stemmed.
    pub section: Field,
}

/// Builds the schema and returns it with its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let with_positions = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let with_freqs = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(STEMMED_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        number: builder.add_u64_field("number", FAST),
        id: builder.add_text_field("id", STRING | STORED),
        text: builder.add_text_field("text", with_positions(STEMMED_TOKENIZER)),
        exact: builder.add_text_field("exact", with_positions(EXACT_TOKENIZER)),
        title: builder.add_text_field("title", with_freqs.clone()),
        section: builder.add_text_field("section", with_freqs),
    };
    (builder.build(), fields)
}

/// Looks the field handles up in an opened index's schema.
pub fn fields_of(schema: &Schema) -> tantivy::Result<Fields> {
    let get = |name: &str| schema.get_field(name);
    Ok(Fields {
        number: get("number")?,
        id: get("id")?,
        text: get("text")?,
        exact: get("exact")?,
        title: get("title")?,
        section: get("section")?,
    })
}

/// Registers passagebot's analyzers on an index (needed after every create or open).
pub fn register_tokenizers(index: &Index) {
    let manager = index.tokenizers();
    manager.register(STEMMED_TOKENIZER, TextAnalyzer::from(StemmedTokenizer::default()));
    manager.register(EXACT_TOKENIZER, TextAnalyzer::from(ExactTokenizer));
}
