//! Sentence boundaries: cuts running text into sentences by punctuation, without a model.
//!
//! Used by segmentation (to split long paragraphs at sentence boundaries) and by the index
//! (to find the key sentence of a passage). The rules are deliberately simple: a sentence ends
//! after `.`, `!` or `?` (plus closing quotes or brackets) when white space and a capital,
//! digit, quote or bracket follow, unless the word before the period is a known abbreviation
//! or an initial; CJK full stops end a sentence on their own; blank lines and list items
//! start a new one.

use std::ops::Range;

/// Abbreviations (lowercase, without the final period) after which a period ends no sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "inc",
    "ltd", "co", "corp", "jr", "sr", "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "fig", "figs", "approx", "gen", "gov", "sen", "rep", "lt",
    "col", "capt", "mt", "ft", "vol", "pp", "ed", "eds", "cf", "al", "dept", "est", "sgt", "rev",
    "hon", "messrs", "op", "ca", "viz",
];

/// Returns the byte ranges of the sentences of `text`, in order.
///
/// The ranges cover all of the text's non-space content; each range starts and ends on a
/// non-space character. Splits happen after `.`, `!`, `?` (optionally followed by closing
/// quotes or brackets) when white space and then an uppercase letter, a digit, a quote or a
/// bracket follow (or the text ends), after the CJK stops `。！？`, at blank lines, and before
/// a line that starts a list item. Periods after common abbreviations (`Dr.`, `e.g.`, `U.S.`),
/// after single initials (`J. R. R.`) and inside numbers (`3.8`) end no sentence.
pub fn sentence_spans(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let byte_at = |i: usize| if i < n { chars[i].0 } else { text.len() };
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    while i < n {
        let (pos, c) = chars[i];
        match c {
            '。' | '！' | '？' | '｡' => {
                let mut j = i + 1;
                while j < n && is_closer(chars[j].1) {
                    j += 1;
                }
                let end = byte_at(j);
                push_trimmed(text, start..end, &mut out);
                start = end;
                i = j;
            }
            '.' | '!' | '?' => {
                let mut j = i + 1;
                while j < n && matches!(chars[j].1, '.' | '!' | '?') {
                    j += 1;
                }
                while j < n && is_closer(chars[j].1) {
                    j += 1;
                }
                if j < n && !chars[j].1.is_whitespace() {
                    i = j;
                    continue;
                }
                let mut k = j;
                while k < n && chars[k].1.is_whitespace() {
                    k += 1;
                }
                let next_ok = k == n || starts_sentence(chars[k].1);
                let abbreviation = c == '.' && j == i + 1 && is_abbreviation(&text[..pos]);
                // "2." opening a sentence is a list number, not a sentence of its own.
                let head = text[start..pos].trim();
                let list_number = !head.is_empty() && head.bytes().all(|b| b.is_ascii_digit());
                if next_ok && !abbreviation && !list_number {
                    let end = byte_at(j);
                    push_trimmed(text, start..end, &mut out);
                    start = end;
                }
                i = j;
            }
            '\n' => {
                let mut k = i + 1;
                let mut blank = false;
                while k < n && chars[k].1.is_whitespace() {
                    if chars[k].1 == '\n' {
                        blank = true;
                    }
                    k += 1;
                }
                let before = text[..pos].trim_end().chars().last();
                if k < n && (blank || starts_list_item(&text[byte_at(k)..], before)) {
                    push_trimmed(text, start..pos, &mut out);
                    start = pos;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

/// Whether `rest` (the start of a line) opens a list item. Numbered items only count after a
/// line that ends a sentence or a lead-in, so `O\n2. Diatomic` (a chemical formula broken by a
/// newline) is not cut.
pub(crate) fn starts_list_item(rest: &str, before: Option<char>) -> bool {
    let mut it = rest.chars();
    match it.next() {
        Some('-' | '*' | '•' | '–' | '+') => it.next().is_some_and(char::is_whitespace),
        Some(d) if d.is_ascii_digit() => {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let after = &rest[digits..];
            let marker = after.starts_with(". ") || after.starts_with(") ");
            marker && digits <= 3 && before.is_none_or(|b| matches!(b, '.' | '!' | '?' | ':' | ';'))
        }
        _ => false,
    }
}

/// Pushes `range` shrunk to its non-space content, if any is left.
fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let slice = &text[range.clone()];
    let lead = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    if !trimmed.is_empty() {
        let start = range.start + lead;
        out.push(start..start + trimmed.len());
    }
}

/// Closing quotes and brackets that may follow a sentence's final punctuation.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '}' | '»' | '」' | '』' | '）')
}

/// Whether `c` can open a new sentence after a period and white space.
fn starts_sentence(c: char) -> bool {
    c.is_uppercase()
        || c.is_numeric()
        || (c.is_alphabetic() && !c.is_lowercase())
        || matches!(c, '"' | '\'' | '“' | '‘' | '«' | '「' | '『' | '(' | '[' | '（' | '¿' | '¡')
}

/// Whether the word that ends `before` (the text up to a period) is an abbreviation or an
/// initial.
fn is_abbreviation(before: &str) -> bool {
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = before[word_start..].trim_start_matches(['(', '[', '"', '\'', '“', '‘']);
    if word.is_empty() {
        return false;
    }
    let mut letters = word.chars();
    if let (Some(first), None) = (letters.next(), letters.next()) {
        // A single capital letter: an initial as in "J. R. R. Tolkien".
        return first.is_uppercase();
    }
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    // Dotted letter groups such as "U.S" or "e.g" not listed above.
    lower.split('.').all(|part| part.chars().count() == 1 && part.chars().all(char::is_alphabetic))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        sentence_spans(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_as_expected() {
        let cases: &[(&str, &[&str])] = &[
            ("One. Two.", &["One.", "Two."]),
            ("Is it? Yes! Fine.", &["Is it?", "Yes!", "Fine."]),
            ("He said \"go.\" Then left.", &["He said \"go.\"", "Then left."]),
            ("Mr. Smith met Dr. Jones.", &["Mr. Smith met Dr. Jones."]),
            ("J. R. R. Tolkien wrote it.", &["J. R. R. Tolkien wrote it."]),
            ("The U.S. Army came. It won.", &["The U.S. Army came.", "It won."]),
            ("Use e.g. salt. Then stir.", &["Use e.g. salt.", "Then stir."]),
            (
                "It grew 3.8 percent. Costs $5.4 billion.",
                &["It grew 3.8 percent.", "Costs $5.4 billion."],
            ),
            ("lower case. next one", &["lower case. next one"]),
            ("In 2016. 12 teams came.", &["In 2016.", "12 teams came."]),
            ("Wait... What?", &["Wait...", "What?"]),
            ("(Quoted.) Next.", &["(Quoted.)", "Next."]),
            ("東京です。大阪です。", &["東京です。", "大阪です。"]),
            ("First para\n\nSecond para", &["First para", "Second para"]),
            ("Goals:\n- one\n- two", &["Goals:", "- one", "- two"]),
            ("formula O\n2. Diatomic gas.", &["formula O\n2.", "Diatomic gas."]),
            ("Done.\n2. Next item", &["Done.", "2. Next item"]),
            ("  padded.  ", &["padded."]),
            ("", &[]),
            ("No. 5 is here. Yes.", &["No. 5 is here.", "Yes."]),
            ("After\u{a0}Dr. Who.\u{a0}Next", &["After\u{a0}Dr. Who.", "Next"]),
        ];
        for (text, expected) in cases {
            assert_eq!(&sentences(text), expected, "text: {text:?}");
        }
    }

    #[test]
    fn spans_cover_all_non_space_content() {
        let text = "A b. C d!  \n\n E f? G. H “i.” J";
        let covered: String = sentence_spans(text).into_iter().map(|r| &text[r]).collect();
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(strip(&covered), strip(text));
    }
}
