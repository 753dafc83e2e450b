//! Telegram HTML for replies: the key sentence in bold, the source line as a link when the
//! passage has a web address, every piece of text escaped, and messages no longer than
//! Telegram's 4096-character limit, split at sentence boundaries with tags balanced in each
//! part. Pure string functions: no teloxide types here, so every message is unit-tested.

use std::sync::Arc;

use crate::answer::{Answer, Reply};
use crate::corpus::Passage;

/// Telegram's limit on one message, counted here in UTF-16 code units of the HTML source
/// (an upper bound of what Telegram counts after parsing the tags).
pub const MAX_MESSAGE_LEN: usize = 4096;

/// Escapes text for Telegram's HTML parse mode (`<`, `>`, `&` and `"`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// "Title › Section", as plain (unescaped) text.
pub fn source_title(passage: &Passage) -> String {
    match &passage.section {
        Some(section) if !section.is_empty() && section != &passage.title => {
            format!("{} › {}", passage.title, section)
        }
        _ => passage.title.clone(),
    }
}

/// Longest title, in UTF-16 units, a source line shows (longer ones end in "…").
const MAX_TITLE_UNITS: usize = 300;
/// Longest address a source line links to; a longer one is left out rather than cut.
const MAX_URL_UNITS: usize = 2000;
/// Longest "did you mean" text shown.
const MAX_SUGGESTION_UNITS: usize = 500;

/// The source line: "— Title › Section", a link when the passage has an http(s) address.
/// Bounded (title and address capped) so it always fits one message with room to spare.
pub fn source_line(passage: &Passage) -> String {
    let title = truncate_units(&escape(&source_title(passage)), MAX_TITLE_UNITS);
    let href = passage
        .url
        .as_deref()
        .filter(|url| is_web_url(url))
        .map(escape)
        .filter(|href| units(href) <= MAX_URL_UNITS);
    match href {
        Some(href) => format!("— <a href=\"{href}\">{title}</a>"),
        None => format!("— <i>{title}</i>"),
    }
}

/// The messages for a reply: the best answer, or the honest no-match text.
pub fn reply(reply: &Reply) -> Vec<String> {
    match reply.best() {
        Some(best) => answer(best, reply.suggestion.as_deref()),
        None => vec![no_match(reply)],
    }
}

/// The messages for one answer: an optional "did you mean" line, the passage with its key
/// sentence in bold, and the source line.
pub fn answer(answer: &Answer, suggestion: Option<&str>) -> Vec<String> {
    let text = &answer.passage.text;
    let range = answer.highlight.clone();
    let mut pieces = Vec::new();
    if let Some(suggestion) = suggestion {
        let suggestion = truncate_units(&escape(suggestion), MAX_SUGGESTION_UNITS);
        pieces.push(Piece::line(format!("<i>Did you mean: {suggestion}</i>")));
    }
    // The passage starts a paragraph of its own, never glued to the "did you mean" line.
    let first_text = pieces.len();
    match (text.get(..range.start), text.get(range.clone()), text.get(range.end..)) {
        (Some(before), Some(key), Some(after)) if !key.trim().is_empty() => {
            push_sentences(&mut pieces, before, false);
            push_sentences(&mut pieces, key, true);
            push_sentences(&mut pieces, after, false);
        }
        _ => push_sentences(&mut pieces, text, false),
    }
    if let Some(first) = pieces.get_mut(first_text) {
        first.own_line = true;
    }
    pieces.push(Piece::line(source_line(&answer.passage)));
    pack(&pieces)
}

/// The messages for a passage shown without a question (deep links, stale answers).
pub fn passage(passage: &Passage) -> Vec<String> {
    let mut pieces = Vec::new();
    push_sentences(&mut pieces, &passage.text, false);
    pieces.push(Piece::line(source_line(passage)));
    pack(&pieces)
}

/// The messages for a passage and its neighbours: `focus` in bold, the source line last.
pub fn context(passages: &[Arc<Passage>], focus: &str) -> Vec<String> {
    let Some(first) = passages.first() else {
        return vec!["There is no more context for this passage.".to_string()];
    };
    let mut pieces = Vec::new();
    for (i, passage) in passages.iter().enumerate() {
        if i > 0 {
            pieces.push(Piece::line(String::new()));
        }
        push_sentences(&mut pieces, &passage.text, passage.id == focus);
    }
    pieces.push(Piece::line(source_line(first)));
    pack(&pieces)
}

/// Characters of each related passage's opening in the "See also" list.
const SEE_ALSO_OPENING: usize = 160;

/// The "See also" message under `heading` ("See also:" in the reader's language): each
/// related passage as "Title › Section" (a link made by `link`, e.g. the passage's deep
/// link) and its opening words; `none` alone when nothing is related.
pub fn see_also(
    related: &[Arc<Passage>],
    heading: &str,
    none: &str,
    link: impl Fn(&Passage) -> String,
) -> Vec<String> {
    if related.is_empty() {
        return vec![escape(none)];
    }
    let mut pieces = vec![Piece::line(format!("<b>{}</b>", escape(heading)))];
    for passage in related {
        let title = truncate_units(&escape(&source_title(passage)), MAX_TITLE_UNITS);
        let href = escape(&link(passage));
        let opening = escape(&super::texts::opening(&passage.text, SEE_ALSO_OPENING));
        let line = if is_web_url(&href) && units(&href) <= MAX_URL_UNITS {
            format!("• <a href=\"{href}\">{title}</a>: {opening}")
        } else {
            format!("• <i>{title}</i>: {opening}")
        };
        pieces.push(Piece { html: line, bold: false, own_line: true });
    }
    pack(&pieces)
}

/// The no-match message: the core's honest text (suggestion, nearby topics), escaped.
pub fn no_match(reply: &Reply) -> String {
    truncate_units(&escape(&super::no_match_text(reply)), MAX_MESSAGE_LEN)
}

/// A short plain-text snippet of an answer for inline results: its key sentence.
pub fn snippet(answer: &Answer, max_chars: usize) -> String {
    let key = answer.highlight_text().trim();
    let text = if key.is_empty() { answer.passage.text.trim() } else { key };
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// A unit the splitter never cuts: a sentence (escaped HTML, bold or not) or a whole line.
#[derive(Debug)]
struct Piece {
    html: String,
    bold: bool,
    /// Starts on a new paragraph (blank line before it) rather than continuing the text.
    own_line: bool,
}

impl Piece {
    fn line(html: String) -> Piece {
        Piece { html, bold: false, own_line: true }
    }
}

/// Appends `text` cut into sentences (and over-long sentences into words, then characters).
fn push_sentences(pieces: &mut Vec<Piece>, text: &str, bold: bool) {
    // Room for the tags and the separators around one piece.
    let room = MAX_MESSAGE_LEN - 16;
    for sentence in sentences(text) {
        let html = escape(sentence);
        if units(&html) <= room {
            pieces.push(Piece { html, bold, own_line: false });
            continue;
        }
        let mut current = String::new();
        for c in sentence.chars() {
            let piece = escape(c.encode_utf8(&mut [0; 4]));
            if units(&current) + units(&piece) > room {
                pieces.push(Piece { html: std::mem::take(&mut current), bold, own_line: false });
            }
            current.push_str(&piece);
        }
        if !current.is_empty() {
            pieces.push(Piece { html: current, bold, own_line: false });
        }
    }
}

/// Splits after `.`, `!`, `?` or `…` followed by white space; keeps all characters.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev_end = false;
    for (i, c) in text.char_indices() {
        if prev_end && c.is_whitespace() {
            out.push(&text[start..i]);
            start = i;
        }
        prev_end = matches!(c, '.' | '!' | '?' | '…');
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Packs pieces greedily into messages of at most [`MAX_MESSAGE_LEN`], each piece wrapped in
/// its own tags so every message is balanced; runs of bold pieces share one `<b>`.
fn pack(pieces: &[Piece]) -> Vec<String> {
    let mut messages: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut bold_open = false;
    for piece in pieces {
        let sep = if piece.own_line { "\n\n" } else { "" };
        let html = piece.html.as_str();
        let opening = if piece.bold && !bold_open { "<b>" } else { "" };
        let closing_before = if !piece.bold && bold_open { "</b>" } else { "" };
        let needed = units(closing_before) + units(sep) + units(opening) + units(html) + 4;
        if !current.is_empty() && units(&current) + needed > MAX_MESSAGE_LEN {
            if bold_open {
                current.push_str("</b>");
                bold_open = false;
            }
            messages.push(std::mem::take(&mut current));
        }
        if bold_open && !piece.bold {
            current.push_str("</b>");
            bold_open = false;
        }
        if !current.is_empty() {
            current.push_str(sep);
        }
        let html = if current.is_empty() { html.trim_start() } else { html };
        if piece.bold && !bold_open {
            current.push_str("<b>");
            bold_open = true;
        }
        current.push_str(html);
    }
    if bold_open {
        current.push_str("</b>");
    }
    if !current.trim().is_empty() {
        messages.push(current);
    }
    messages.retain(|m| !m.trim().is_empty());
    if messages.is_empty() {
        messages.push("(empty passage)".to_string());
    }
    messages
}

/// Length as Telegram counts it: UTF-16 code units.
fn units(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `text` cut to at most `max` UTF-16 units, at a character boundary outside any entity.
fn truncate_units(text: &str, max: usize) -> String {
    if units(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        if used + c.len_utf16() > max - 1 {
            break;
        }
        used += c.len_utf16();
        out.push(c);
    }
    // Do not end inside an escape such as "&am".
    if let Some(amp) = out.rfind('&')
        && !out[amp..].contains(';')
    {
        out.truncate(amp);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(text: &str, url: Option<&str>) -> Arc<Passage> {
        Arc::new(Passage {
            id: "doc.md#0".into(),
            doc_id: "doc.md".into(),
            title: "Guide".into(),
            section: Some("Setup".into()),
            source: "doc.md".into(),
            url: url.map(str::to_string),
            ordinal: 0,
            text: text.into(),
        })
    }

    fn answer_for(text: &str, key: &str, url: Option<&str>) -> Answer {
        let start = text.find(key).unwrap();
        Answer {
            rank: 1,
            score: 1.0,
            confidence: 0.9,
            passage: passage(text, url),
            highlight: start..start + key.len(),
        }
    }

    /// Every opening tag has its closing tag, in order.
    fn balanced(html: &str) -> bool {
        let mut stack = Vec::new();
        let mut rest = html;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            let end = rest.find('>').unwrap();
            let tag = &rest[..end];
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop() != Some(name.to_string()) {
                    return false;
                }
            } else {
                stack.push(tag.split_whitespace().next().unwrap().to_string());
            }
            rest = &rest[end + 1..];
        }
        stack.is_empty()
    }

    #[test]
    fn key_sentence_is_bold_and_source_is_a_link() {
        let a = answer_for(
            "Intro here. Install with cargo. Then run it.",
            "Install with cargo.",
            Some("https://x.org/a?b=1&c=\"2\""),
        );
        let messages = answer(&a, None);
        assert_eq!(messages.len(), 1);
        assert_eq!(
            messages[0],
            "Intro here. <b>Install with cargo.</b> Then run it.\n\n— <a href=\"https://x.org/a?b=1&amp;c=&quot;2&quot;\">Guide › Setup</a>"
        );
    }

    #[test]
    fn did_you_mean_stands_on_its_own_line_not_glued_to_the_answer() {
        let a = answer_for(
            "Lee Sedol's defeat to AlphaGo in 2016. More.",
            "Lee Sedol's defeat to AlphaGo in 2016.",
            None,
        );
        let html = &answer(&a, Some("lee sedol alphago"))[0];
        assert!(
            html.starts_with("<i>Did you mean: lee sedol alphago</i>\n\n<b>Lee Sedol"),
            "{html}"
        );
        assert!(!html.contains("alphago</i><b>"), "{html}");
    }

    #[test]
    fn hostile_text_is_escaped() {
        let a = answer_for(
            "Use <script>&\"x\" here. Done.",
            "Use <script>&\"x\" here.",
            Some("javascript:alert(1)"),
        );
        let html = &answer(&a, Some("<b>"))[0];
        assert!(html.contains("<b>Use &lt;script&gt;&amp;&quot;x&quot; here.</b>"), "{html}");
        assert!(html.contains("Did you mean: &lt;b&gt;"), "{html}");
        assert!(!html.contains("javascript"), "non-web urls are not linked: {html}");
        assert!(balanced(html));
    }

    #[test]
    fn long_passages_split_at_sentences_with_balanced_tags() {
        let sentence = "This sentence is about forty characters. ";
        let text = sentence.repeat(300);
        let key_start = sentence.len() * 100;
        let key_end = sentence.len() * 200;
        let a = Answer {
            rank: 1,
            score: 1.0,
            confidence: 0.9,
            passage: passage(&text, None),
            highlight: key_start..key_end,
        };
        let messages = answer(&a, Some("x"));
        assert!(messages.len() >= 3, "{}", messages.len());
        for m in &messages {
            assert!(units(m) <= MAX_MESSAGE_LEN);
            assert!(balanced(m), "{m}");
            assert!(
                m.trim_end().trim_end_matches("</b>").ends_with('.') || m.contains("— <i>"),
                "cut mid-sentence: …{}",
                &m[m.len() - 30..]
            );
        }
        assert!(messages.last().unwrap().ends_with("— <i>Guide › Setup</i>"));
    }

    #[test]
    fn one_huge_sentence_is_still_cut_below_the_limit() {
        let text = "&".repeat(10_000);
        let messages = passage_messages(&text);
        assert!(messages.len() >= 10);
        for m in &messages {
            assert!(units(m) <= MAX_MESSAGE_LEN);
            assert!(!m.contains("&am\n") && m.matches('&').count() == m.matches("&amp;").count());
        }
    }

    fn passage_messages(text: &str) -> Vec<String> {
        super::passage(&passage(text, None))
    }

    #[test]
    fn emoji_count_as_two_units() {
        let text = "😀".repeat(3000);
        for m in passage_messages(&text) {
            assert!(units(&m) <= MAX_MESSAGE_LEN);
        }
    }

    #[test]
    fn sentences_keep_every_character() {
        for text in ["", "a", "One. Two!  Three? Four…five", "no end"] {
            assert_eq!(sentences(text).concat(), text);
        }
    }

    #[test]
    fn context_marks_the_focus_passage() {
        let a = passage("First.", None);
        let mut b = (*passage("Second <x>.", None)).clone();
        b.id = "doc.md#1".into();
        let messages = context(&[a, Arc::new(b)], "doc.md#1");
        assert_eq!(messages, vec!["First.\n\n<b>Second &lt;x&gt;.</b>\n\n— <i>Guide › Setup</i>"]);
    }

    #[test]
    fn truncation_never_leaves_half_an_escape() {
        let out = truncate_units(&"a&amp;".repeat(2000), 100);
        assert!(units(&out) <= 100);
        assert!(out.ends_with("a…") || out.ends_with(";…"), "{out}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Any passage text, key sentence, title and URL renders to messages of at most 4096
        /// units whose tags are balanced and whose text is escaped (no stray `<`).
        #[test]
        fn any_text_renders_to_valid_bounded_html(
            text in "\\PC{1,6000}",
            title in "\\PC{0,200}",
            url in proptest::option::of("[ -~]{0,100}"),
            start in 0usize..6000,
            len in 0usize..3000,
        ) {
            let mut cut = start.min(text.len());
            while !text.is_char_boundary(cut) { cut -= 1; }
            let mut end = (cut + len).min(text.len());
            while !text.is_char_boundary(end) { end -= 1; }
            let passage = Arc::new(Passage {
                id: "p#0".into(),
                doc_id: "p".into(),
                title,
                section: None,
                source: "p.txt".into(),
                url,
                ordinal: 0,
                text: text.clone(),
            });
            let answer = Answer { rank: 1, score: 1.0, confidence: 0.9, passage, highlight: cut..end };
            for message in super::answer(&answer, Some(&text)) {
                proptest::prop_assert!(units(&message) <= MAX_MESSAGE_LEN);
                proptest::prop_assert!(balanced(&message), "{}", message);
            }
        }
    }
}
