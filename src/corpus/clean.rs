//! Cleaning scraped text: drops boilerplate lines (page widgets, navigation, counters) by
//! general rules, tidies white space for display, and normalises text for matching.
//!
//! The rules look at one line at a time and at the document's dominant script; they hold no
//! list of any one site's lines.

use unicode_normalization::UnicodeNormalization;

use super::Block;

/// Whole lines (lowercase, trimmed, final `:`/`»`/`›` removed) that are page widgets or
/// navigation rather than content.
const WIDGET_PHRASES: &[&str] = &[
    "top of page",
    "bottom of page",
    "back to top",
    "scroll to top",
    "skip to content",
    "skip to main content",
    "skip to navigation",
    "jump to navigation",
    "jump to search",
    "no comments",
    "comments",
    "comment",
    "leave a comment",
    "leave a reply",
    "add a comment",
    "write a comment",
    "share",
    "share this",
    "share this post",
    "share this article",
    "share this page",
    "share on facebook",
    "share on twitter",
    "print",
    "print this page",
    "log in",
    "login",
    "log out",
    "sign in",
    "sign up",
    "register",
    "subscribe",
    "subscribe now",
    "read more",
    "continue reading",
    "see more",
    "see all",
    "show more",
    "menu",
    "main menu",
    "open menu",
    "close menu",
    "toggle navigation",
    "home",
    "search",
    "search...",
    "reply",
    "like",
    "tweet",
    "recent posts",
    "related posts",
    "all posts",
    "previous post",
    "next post",
    "previous",
    "next",
    "copy link",
    "accept",
    "accept all",
    "post not marked as liked",
    "advertisement",
    "advertisements",
    "advertising",
    "sponsored",
    "sponsored content",
    "paid content",
    "ad",
    "like this",
    "share this story",
    "follow us",
    "pin it",
    "you may also like",
    "related articles",
    "most popular",
    "newsletter",
    "sign up for our newsletter",
];

/// Words of a share/like/follow widget: a line made only of these (with at least one from
/// [`SOCIAL_NAMES`]) is a widget, however many buttons it lists.
const SOCIAL_WORDS: &[&str] = &[
    "share", "shares", "on", "via", "to", "this", "it", "us", "with", "follow", "like", "likes",
    "tweet", "pin", "email", "e-mail", "mail", "print", "copy", "link", "save", "post", "send",
    "and", "or", "friends",
];

/// Names and verbs that make a line of [`SOCIAL_WORDS`] a widget.
const SOCIAL_NAMES: &[&str] = &[
    "share",
    "tweet",
    "like",
    "facebook",
    "twitter",
    "linkedin",
    "whatsapp",
    "pinterest",
    "reddit",
    "telegram",
    "tumblr",
    "mastodon",
    "bluesky",
    "threads",
    "instagram",
    "youtube",
    "tiktok",
    "messenger",
    "pocket",
    "flipboard",
    "vk",
    "weibo",
];

/// First crumbs of a breadcrumb trail ("Home > Science > Oceans").
const BREADCRUMB_STARTS: &[&str] =
    &["home", "homepage", "home page", "start", "main page", "index"];

/// Counted widgets: a number followed by one of these words ("0 comments", "12 likes").
const COUNTED_WIDGETS: &[&str] = &[
    "comment",
    "comments",
    "like",
    "likes",
    "view",
    "views",
    "share",
    "shares",
    "reply",
    "replies",
    "reaction",
    "reactions",
    "vote",
    "votes",
];

/// Words that, next to "cookie", mark a cookie banner rather than content about cookies.
const COOKIE_MARKERS: &[&str] =
    &["we use", "this site", "this website", "accept", "consent", "preferences", "settings"];

/// Characters that show nothing: zero-width spaces and joiners, the byte-order mark.
const INVISIBLE: &[char] = &['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}'];

/// A writing system, coarse enough to tell an English page from a Japanese widget label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Script {
    /// Latin letters, with accents.
    Latin,
    /// Greek.
    Greek,
    /// Cyrillic.
    Cyrillic,
    /// Chinese characters and Japanese kana together: a Japanese page mixes both.
    Cjk,
    /// Korean Hangul.
    Hangul,
    /// Arabic.
    Arabic,
    /// Hebrew.
    Hebrew,
    /// Devanagari.
    Devanagari,
    /// Thai.
    Thai,
    /// Any other letter.
    Other,
}

/// The script of a letter, or `None` for anything that is not a letter.
fn script_of(c: char) -> Option<Script> {
    if !c.is_alphabetic() {
        return None;
    }
    let script = match c as u32 {
        0x0041..=0x024F | 0x1E00..=0x1EFF | 0xFF21..=0xFF5A => Script::Latin,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
        0x0400..=0x052F => Script::Cyrillic,
        0x0590..=0x05FF => Script::Hebrew,
        0x0600..=0x06FF | 0x0750..=0x077F => Script::Arabic,
        0x0900..=0x097F => Script::Devanagari,
        0x0E00..=0x0E7F => Script::Thai,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF66..=0xFF9F => {
            Script::Cjk
        }
        _ => Script::Other,
    };
    Some(script)
}

/// The script most letters of `text` are written in, or `None` if it has no letter.
pub(crate) fn dominant_script(text: &str) -> Option<Script> {
    let mut counts: Vec<(Script, usize)> = Vec::new();
    for script in text.chars().filter_map(script_of) {
        match counts.iter_mut().find(|(s, _)| *s == script) {
            Some((_, n)) => *n += 1,
            None => counts.push((script, 1)),
        }
    }
    counts.into_iter().max_by_key(|&(_, n)| n).map(|(s, _)| s)
}

/// The script most letters of one token are written in.
fn token_script(token: &str) -> Option<Script> {
    dominant_script(token)
}

/// Whether `line` is boilerplate rather than content, judged on its own in a document written
/// in Latin script.
///
/// Boilerplate is: a line of only white space (including no-break and zero-width spaces); a
/// navigation or widget phrase standing alone ("top of page", "back to top", "0 comments",
/// "share", "sign in", "read more", "menu", …), compared case-insensitively; a short cookie
/// notice; a single short word in another script than the document's (a "コメント" label in an
/// English page); a line of only digits, punctuation or symbols ("0", "|", "•••").
pub fn is_boilerplate_line(line: &str) -> bool {
    is_boilerplate_in(line, Some(Script::Latin))
}

/// [`is_boilerplate_line`] for a document whose dominant script is `dominant`.
pub(crate) fn is_boilerplate_in(line: &str, dominant: Option<Script>) -> bool {
    let trimmed = line.trim_matches(|c: char| c.is_whitespace() || INVISIBLE.contains(&c));
    if trimmed.is_empty() {
        return true;
    }
    // Only digits, punctuation and symbols: counters, separators, dot leaders.
    if !trimmed.chars().any(char::is_alphabetic) {
        return true;
    }
    let lower = collapse_spaces(&trimmed.to_lowercase());
    let phrase = lower.trim_end_matches([':', '»', '›', '→', '>', '|']).trim_end();
    if WIDGET_PHRASES.contains(&phrase) {
        return true;
    }
    let words: Vec<&str> = phrase.split(' ').collect();
    if let [count, word] = words.as_slice()
        && count.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        && COUNTED_WIDGETS.contains(word)
    {
        return true;
    }
    if is_breadcrumb(phrase) || is_share_widget(phrase) || is_copyright_notice(phrase) {
        return true;
    }
    if let [word, count] = words.as_slice()
        && count.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        && COUNTED_WIDGETS.contains(word)
    {
        return true;
    }
    if phrase.contains("cookie")
        && phrase.chars().count() <= 200
        && COOKIE_MARKERS.iter().any(|m| phrase.contains(m))
    {
        return true;
    }
    if !trimmed.contains(char::is_whitespace)
        && trimmed.chars().count() <= 12
        && let (Some(dominant), Some(own)) = (dominant, token_script(trimmed))
        && own != dominant
    {
        return true;
    }
    false
}

/// A block as a reader gathers it: a finished block, or a code block (`<pre>`, a Markdown
/// fence) still to be joined to the text that introduces or explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A heading, paragraph or list.
    Block(Block),
    /// A code block's lines, indentation kept.
    Code(String),
}

/// A code block and the paragraph it joins stay one block up to this size; a longer pair is
/// left as two blocks.
const KNIT_MAX_CHARS: usize = 1500;

/// Finishes a reader's pieces: boilerplate paragraphs and list items are dropped (judged
/// against the page's dominant script; code is never judged), then each code block joins the
/// paragraph right before it (its lead-in, "Run:"), else the paragraph right after it (its
/// explanation), so that no passage is a bare code block where the text allows.
pub(crate) fn finish_pieces(pieces: Vec<Piece>) -> Vec<Block> {
    let mut all = String::new();
    for piece in &pieces {
        if let Piece::Block(block) = piece {
            for text in block_texts(block) {
                all.push_str(text);
                all.push(' ');
            }
        }
    }
    let dominant = dominant_script(&all);
    let keep = |t: &String| !is_boilerplate_in(t, dominant);
    let kept = pieces.into_iter().filter_map(|piece| match piece {
        Piece::Block(Block::List(items)) => {
            let items: Vec<String> = items.into_iter().filter(keep).collect();
            (!items.is_empty()).then_some(Piece::Block(Block::List(items)))
        }
        Piece::Block(Block::Heading { ref text, .. } | Block::Paragraph(ref text)) => {
            keep(text).then_some(piece)
        }
        Piece::Code(code) => (!code.trim().is_empty()).then_some(Piece::Code(code)),
    });
    let mut blocks: Vec<Block> = Vec::new();
    // A code block that found no lead-in waits for the paragraph after it.
    let mut waiting: Option<String> = None;
    for piece in kept {
        match piece {
            Piece::Code(code) => {
                if let Some(earlier) = waiting.take() {
                    blocks.push(Block::Paragraph(earlier));
                }
                match blocks.last_mut() {
                    Some(Block::Paragraph(lead))
                        if lead.chars().count() + code.chars().count() < KNIT_MAX_CHARS =>
                    {
                        lead.push('\n');
                        lead.push_str(&code);
                    }
                    _ => waiting = Some(code),
                }
            }
            Piece::Block(Block::Paragraph(text)) => match waiting.take() {
                Some(code) if code.chars().count() + text.chars().count() < KNIT_MAX_CHARS => {
                    blocks.push(Block::Paragraph(format!("{code}\n{text}")));
                }
                Some(code) => {
                    blocks.push(Block::Paragraph(code));
                    blocks.push(Block::Paragraph(text));
                }
                None => blocks.push(Block::Paragraph(text)),
            },
            Piece::Block(block) => {
                if let Some(code) = waiting.take() {
                    blocks.push(Block::Paragraph(code));
                }
                blocks.push(block);
            }
        }
    }
    if let Some(code) = waiting {
        blocks.push(Block::Paragraph(code));
    }
    blocks
}

/// The texts a block holds: its heading or paragraph text, or each list item.
pub(crate) fn block_texts(block: &Block) -> Vec<&str> {
    match block {
        Block::Heading { text, .. } | Block::Paragraph(text) => vec![text.as_str()],
        Block::List(items) => items.iter().map(String::as_str).collect(),
    }
}

/// A breadcrumb trail: two or more short crumbs separated by `>`, `›`, `»`, `→` or ` / `,
/// the first of them "Home" (or alike), optionally after "You are here:".
fn is_breadcrumb(phrase: &str) -> bool {
    let phrase = phrase.strip_prefix("you are here:").unwrap_or(phrase).trim();
    // A bare `/` is a path ("home/user/docs"), not a trail: only a spaced one separates.
    let spaced = phrase.replace(" / ", " > ");
    let crumbs: Vec<&str> = spaced.split(['>', '›', '»', '→']).map(str::trim).collect();
    crumbs.len() >= 2
        && BREADCRUMB_STARTS.contains(&crumbs[0])
        && crumbs.iter().all(|c| {
            c.chars().count() <= 60 && c.split_whitespace().count() <= 8 && !c.ends_with('.')
        })
}

/// A row of share, like and follow buttons ("Share on Facebook Share on Twitter", "Tweet Pin
/// it Email").
fn is_share_widget(phrase: &str) -> bool {
    let words: Vec<&str> = phrase
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '|' | '·' | '•' | '/'))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'))
        .filter(|w| !w.is_empty())
        .collect();
    !words.is_empty()
        && words.len() <= 30
        && words.iter().any(|w| SOCIAL_NAMES.contains(w))
        && words.iter().all(|w| {
            SOCIAL_WORDS.contains(w)
                || SOCIAL_NAMES.contains(w)
                || w.chars().all(|c| c.is_ascii_digit())
        })
}

/// A site's copyright line: "© 2024 Example Ltd. All rights reserved.", "Copyright © 2019
/// Example" (short, starting with the mark, or saying "all rights reserved").
fn is_copyright_notice(phrase: &str) -> bool {
    let short = phrase.chars().count() <= 200;
    let marked = phrase.starts_with('©')
        || phrase.strip_prefix("(c) ").is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        || phrase.starts_with("copyright ©")
        || phrase.starts_with("copyright (c)");
    short && (phrase.contains("all rights reserved") || (marked && phrase.chars().count() <= 120))
}

/// Replaces each run of white space (spaces, tabs, no-break spaces; not newlines) with one
/// space and drops zero-width characters.
fn collapse_spaces(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_space = false;
    for c in line.chars() {
        if INVISIBLE.contains(&c) {
            continue;
        }
        if c.is_whitespace() {
            in_space = true;
            continue;
        }
        if in_space && !out.is_empty() {
            out.push(' ');
        }
        in_space = false;
        out.push(c);
    }
    out
}

/// Cleans display text: NFC normalisation, `\n` line endings, boilerplate lines dropped (judged
/// against the text's dominant script), white space runs inside lines collapsed to one space,
/// lines trimmed, and runs of blank lines collapsed to one blank line. Characters such as curly
/// quotes are kept: this is the text people read.
pub fn clean_lines(text: &str) -> String {
    let normalized: String = text.replace("\r\n", "\n").replace('\r', "\n").nfc().collect();
    let dominant = dominant_script(&normalized);
    let mut out = String::with_capacity(normalized.len());
    let mut blank_pending = false;
    for raw in normalized.split('\n') {
        let line = collapse_spaces(raw);
        if line.is_empty() {
            blank_pending = true;
            continue;
        }
        if is_boilerplate_in(&line, dominant) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_pending { "\n\n" } else { "\n" });
        }
        blank_pending = false;
        out.push_str(&line);
    }
    out
}

/// Normalises text for comparing an answer with an expected string: NFC, lowercase,
/// typographic quotes and apostrophes to ASCII `'` and `"`, dashes to `-`, white space runs to
/// one space, trimmed.
pub fn normalize_for_matching(text: &str) -> String {
    let mapped: String = text
        .nfc()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '‘' | '’' | '‚' | '‛' | '′' | '`' | '´' => '\'',
            '“' | '”' | '„' | '‟' | '″' | '«' | '»' => '"',
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
            other => other,
        })
        .collect();
    collapse_spaces(&mapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scraped_breadcrumbs_share_widgets_ads_and_copyright_lines_are_boilerplate() {
        let cases: &[(&str, bool)] = &[
            ("top of page", true),
            ("  Bottom of Page ", true),
            ("Back to top", true),
            ("Skip to main content", true),
            ("0 comments", true),
            ("1 comment", true),
            ("12 Likes", true),
            ("No comments", true),
            ("Share", true),
            ("Share this:", true),
            ("Sign in", true),
            ("Read more »", true),
            ("MENU", true),
            ("\u{a0}", true),
            ("\u{200b} \u{a0}", true),
            ("", true),
            ("0", true),
            ("|", true),
            ("•••", true),
            ("— 3 / 4 —", true),
            ("コメント", true),
            ("We use cookies to improve this site. Accept?", true),
            ("Main Participants", false),
            ("Share prices rose sharply in 2023.", false),
            ("Home prices fell.", false),
            ("Cookies were first baked in Persia.", false),
            ("South Korea’s main AI goals are as follows:", false),
            ("Naver", false),
            ("2016: the year of AlphaGo", false),
            ("Home > Science > Oceans", true),
            ("You are here: Home › Blog › Post title", true),
            ("Home / Docs", true),
            ("home/user/docs", false),
            ("Settings > Privacy > Location", false),
            ("Home prices > rents in 2023, the survey found.", false),
            ("Advertisement", true),
            ("ADVERTISEMENT", true),
            ("Share on Facebook Share on Twitter Share on LinkedIn", true),
            ("Tweet · Pin it · Email", true),
            ("Like 12", true),
            ("Follow us on Instagram", true),
            ("Twitter was founded in 2006.", false),
            ("Share this with your friends and family before the deadline.", false),
            ("© 2024 Example Media Ltd. All rights reserved.", true),
            ("Copyright © 2019 Example Inc.", true),
            ("(c) 2021 Example", true),
            ("(c) the third option is cheaper", false),
            ("Copyright law protects original works of authorship.", false),
        ];
        for (line, expected) in cases {
            assert_eq!(is_boilerplate_line(line), *expected, "line: {line:?}");
        }
    }

    #[test]
    fn lone_word_judged_against_dominant_script() {
        assert!(!is_boilerplate_in("コメント", Some(Script::Cjk)));
        assert!(is_boilerplate_in("Share", Some(Script::Cjk)));
        assert!(!is_boilerplate_in("Москва", Some(Script::Cyrillic)));
    }

    #[test]
    fn clean_lines_drops_widgets_and_tidies() {
        let text = "top of page\r\n\r\nTitle  here\n\u{a0}\n\n\n\nBody\twith   “quotes”.\n0 comments\nコメント\n\nbottom of page";
        assert_eq!(clean_lines(text), "Title here\n\nBody with “quotes”.");
    }

    #[test]
    fn clean_lines_keeps_script_of_japanese_page() {
        let text = "東京は日本の首都です。\n\nコメント\n\n大阪も大きい都市です。";
        assert_eq!(
            clean_lines(text),
            "東京は日本の首都です。\n\nコメント\n\n大阪も大きい都市です。"
        );
    }

    #[test]
    fn normalize_for_matching_folds_typography() {
        assert_eq!(
            normalize_for_matching("  South Korea’s “AI”\u{a0} plan — 2019–2030 "),
            "south korea's \"ai\" plan - 2019-2030"
        );
        assert_eq!(normalize_for_matching("Cafe\u{301}"), "café");
    }
}
