//! Relevance: what the ranking must do, each test naming the property it checks.
//!
//! `bundled` runs the bundled corpus through the library; `in_ram` proves that an engine
//! built in memory ranks exactly as one opened from disk, which is what lets the other files
//! check one property each on a tiny corpus of a few passages held in RAM, with the ranking
//! snapshotted by insta (in the manner of meilisearch's milli): a change of ranking shows up
//! as a snapshot diff to be reviewed, not as a silent drift.

use passagebot::corpus::Passage;
use passagebot::search::Engine;

/// The bundled corpus and its question set.
mod bundled;

/// An engine built in RAM ranks as one built on disk.
mod in_ram;

/// Typo tolerance: misspelt words find the word meant, and say so.
mod typo;

/// Proximity: the words asked together in one sentence, and next to each other.
mod proximity;

/// Exactness and word weight: the asked form, rare words over common ones.
mod exactness;

/// Headings: titles and sections name what a passage is about.
mod headings;

/// Synonyms, acronyms and derived forms.
mod synonyms;

/// Question shapes: definitions, questions outside the material.
mod shapes;

/// A passage of a tiny corpus: `doc`'s passage `ordinal`, titled after its document.
pub fn passage(doc: &str, ordinal: u32, section: Option<&str>, text: &str) -> Passage {
    Passage {
        id: format!("{doc}#{ordinal}"),
        doc_id: doc.to_string(),
        title: doc.replace('-', " "),
        section: section.map(str::to_string),
        source: format!("{doc}.txt"),
        url: None,
        ordinal,
        text: text.to_string(),
    }
}

/// An in-RAM engine over passages given as (document, section, text), numbered within each
/// document in order.
pub fn engine(passages: &[(&str, Option<&str>, &str)]) -> Engine {
    let mut ordinals: Vec<(&str, u32)> = Vec::new();
    let passages: Vec<Passage> = passages
        .iter()
        .map(|&(doc, section, text)| {
            let ordinal = match ordinals.iter_mut().find(|(d, _)| *d == doc) {
                Some((_, next)) => {
                    *next += 1;
                    *next
                }
                None => {
                    ordinals.push((doc, 0));
                    0
                }
            };
            passage(doc, ordinal, section, text)
        })
        .collect();
    Engine::in_ram(&passages).expect("an in-RAM engine")
}

/// The ranking of `question` as a snapshot: the question, whether it is answered (and any
/// suggested correction), then up to five passage ids best first, the best with its key
/// sentence.
pub fn ranking(engine: &Engine, question: &str) -> String {
    let ranking = engine.rank(question, 5).expect("search");
    let mut out = format!("{question}\n");
    out.push_str(if ranking.answered { "answered" } else { "no good match" });
    if let Some(suggestion) = &ranking.suggestion {
        out.push_str(&format!(", did you mean: {suggestion}"));
    }
    out.push('\n');
    let key = engine.ask(question, 1).expect("search");
    for (i, hit) in ranking.hits.iter().enumerate() {
        let passage = engine.passage_by_number(hit.number).expect("a ranked passage");
        out.push_str(&format!("{}. {}", i + 1, passage.id));
        if let Some(best) = key.best().filter(|_| i == 0) {
            out.push_str(&format!("  «{}»", best.highlight_text()));
        }
        out.push('\n');
    }
    out
}

/// The rankings of several questions, one block each.
pub fn rankings(engine: &Engine, questions: &[&str]) -> String {
    questions.iter().map(|q| ranking(engine, q)).collect::<Vec<_>>().join("\n")
}

/// The id of the best passage for `question`, answered or not.
pub fn top(engine: &Engine, question: &str) -> Option<String> {
    let ranking = engine.rank(question, 1).expect("search");
    let hit = ranking.hits.first()?;
    engine.passage_by_number(hit.number).map(|p| p.id.clone())
}

/// The ids of the passages ranked for `question`, best first (up to ten).
pub fn rank_ids(engine: &Engine, question: &str) -> Vec<String> {
    let ranking = engine.rank(question, 10).expect("search");
    ranking
        .hits
        .iter()
        .filter_map(|hit| engine.passage_by_number(hit.number).map(|p| p.id.clone()))
        .collect()
}
