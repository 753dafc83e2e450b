//! TEMPORARY.
use super::{Block, Document, Passage};
/// x
#[derive(Debug, Clone, Default)]
pub struct SegmentOptions;
/// x
pub fn segment(doc: &Document, _: &SegmentOptions) -> Vec<Passage> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.clone()),
            _ => None,
        })
        .enumerate()
        .map(|(i, text)| Passage {
            id: format!("{}#{i}", doc.id),
            doc_id: doc.id.clone(),
            title: doc.title.clone(),
            section: None,
            source: doc.source.clone(),
            url: doc.url.clone(),
            ordinal: i as u32,
            text,
        })
        .collect()
}
