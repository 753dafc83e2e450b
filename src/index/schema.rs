//! The tantivy schema: which fields exist, how each is analysed, and their names.

use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::corpus::Passage;

/// The tokenizer of every text field: tantivy's built-in whitespace tokenizer. The build
/// analyses each passage once ([`crate::analysis`]) for its forward entry and hands tantivy
/// the resulting terms joined by spaces, so tantivy splits instead of analysing again.
/// (Pre-tokenized fields would do the same but tantivy 0.27 round-trips every one through
/// JSON, a fifth of the build's CPU at a million passages.) Terms never hold ASCII white
/// space: words are runs of letters and digits.
pub const TERMS_TOKENIZER: &str = "whitespace";

/// Handles to the index's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Dense passage number (fast field): the key into the passage store.
    pub number: Field,
    /// Passage id, stored, for debugging with generic tantivy tools.
    pub id: Field,
    /// The passage's stable key ([`passage_key`]): what deep links and buttons carry.
    pub key: Field,
    /// Passage text, stemmed, with term frequencies (no positions: no query needs them, and
    /// they were half the index).
    pub text: Field,
    /// Document title, stemmed.
    pub title: Field,
    /// Section heading, stemmed.
    pub section: Field,
    /// The terms the passage defines ([`crate::analysis::definitions`]), one
    /// [`definition_key`](crate::analysis::definitions::definition_key) each: how a
    /// definition question finds the passage that says what its term is.
    pub defines: Field,
}

/// Builds the schema and returns it with its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let with_freqs = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let fields = Fields {
        number: builder.add_u64_field("number", FAST),
        id: builder.add_text_field("id", STRING | STORED),
        key: builder.add_text_field("key", STRING),
        text: builder.add_text_field("text", with_freqs(TERMS_TOKENIZER)),
        title: builder.add_text_field("title", with_freqs(TERMS_TOKENIZER)),
        section: builder.add_text_field("section", with_freqs(TERMS_TOKENIZER)),
        defines: builder.add_text_field(
            "defines",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(TERMS_TOKENIZER)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
    };
    (builder.build(), fields)
}

/// Looks the field handles up in an opened index's schema.
pub fn fields_of(schema: &Schema) -> tantivy::Result<Fields> {
    let get = |name: &str| schema.get_field(name);
    Ok(Fields {
        number: get("number")?,
        id: get("id")?,
        key: get("key")?,
        text: get("text")?,
        title: get("title")?,
        section: get("section")?,
        defines: get("defines")?,
    })
}

/// Characters of a [`passage_key`].
pub const PASSAGE_KEY_LEN: usize = 10;

/// The stable key of a passage: 60 bits of the BLAKE3 hash of its document id and its text,
/// as [`PASSAGE_KEY_LEN`] characters of `[A-Za-z0-9_-]` (what a Telegram `/start` payload
/// allows). Adding, removing or editing other files (or other passages of its document)
/// leaves it unchanged, unlike the passage's dense number; editing the passage itself gives
/// a new key, so an old link never opens different text. Identical passages of one document
/// share a key and open the first.
pub fn passage_key(passage: &Passage) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut hasher = blake3::Hasher::new();
    hasher.update(passage.doc_id.as_bytes());
    hasher.update(&[0]);
    hasher.update(passage.text.as_bytes());
    let hash = hasher.finalize();
    let mut bits = [0u8; 8];
    bits.copy_from_slice(&hash.as_bytes()[..8]);
    let bits = u64::from_le_bytes(bits);
    (0..PASSAGE_KEY_LEN).map(|i| char::from(ALPHABET[(bits >> (6 * i)) as usize & 63])).collect()
}

/// True when `text` has the shape of a [`passage_key`].
pub fn is_passage_key(text: &str) -> bool {
    text.len() == PASSAGE_KEY_LEN
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(doc_id: &str, ordinal: u32, text: &str) -> Passage {
        Passage {
            id: format!("{doc_id}#{ordinal}"),
            doc_id: doc_id.into(),
            title: "T".into(),
            section: None,
            source: doc_id.into(),
            url: None,
            ordinal,
            text: text.into(),
        }
    }

    #[test]
    fn passage_keys_are_payload_safe_and_ignore_position() {
        let key = passage_key(&passage("a.md", 3, "Some text."));
        assert!(is_passage_key(&key), "{key}");
        assert_eq!(key, passage_key(&passage("a.md", 7, "Some text.")), "position moves");
        assert_ne!(key, passage_key(&passage("b.md", 3, "Some text.")));
        assert_ne!(key, passage_key(&passage("a.md", 3, "Other text.")));
        assert!(!is_passage_key("10") && !is_passage_key("abc/defghi"));
    }
}
