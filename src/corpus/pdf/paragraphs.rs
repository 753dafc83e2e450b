//! Paragraphs from a page's lines, and passages-to-be from paragraphs: wrapped lines are
//! unwrapped (hyphenated words joined, short code and table lines kept as lines), list items
//! and labels open paragraphs; then a section's consecutive paragraphs on a page are packed to
//! a passage's size ([`PACK_CHARS`]), and a section that goes on over a page break is not cut
//! in two when its part at the foot of the page is short ([`CARRY_CHARS`]).

use crate::corpus::{Block, Part};

/// The open headings at a point of the document, outermost first: (level, text).
pub(super) type HeadingPath = Vec<(u8, String)>;

/// The size (characters) a page's paragraphs of one section are packed to: a passage's
/// target size.
pub(super) const PACK_CHARS: usize = 1000;
/// A section whose text at the foot of a page is shorter than this (characters) takes the
/// text that goes on at the top of the next page.
pub(super) const CARRY_CHARS: usize = 500;

/// Characters of a block's text.
pub(super) fn block_chars(block: &Block) -> usize {
    match block {
        Block::Heading { text, .. } | Block::Paragraph(text) => text.chars().count(),
        Block::List(items) => items.iter().map(|i| i.chars().count() + 1).sum(),
    }
}

/// Carries a section's text over a page break: when a page ends in a section whose text on
/// that page is shorter than [`CARRY_CHARS`] and the next page goes on in that section (it
/// starts under the same heading path, with a paragraph), the next page's first paragraphs
/// move up to the first page while the section's text there stays under [`CARRY_CHARS`] and
/// within [`PACK_CHARS`]. `paths` holds each part's heading path at its start and at its end.
/// A page left with no text is dropped by the caller.
pub(super) fn carry_section_openings(parts: &mut [Part], paths: &[(HeadingPath, HeadingPath)]) {
    let (short, max) = (CARRY_CHARS, PACK_CHARS);
    for i in 0..parts.len().saturating_sub(1) {
        let (Some(this_path), Some(next_path)) = (paths.get(i), paths.get(i + 1)) else { break };
        if this_path.1 != next_path.0 {
            continue;
        }
        let carried = next_path.0.len();
        let (head, rest) = parts.split_at_mut(i + 1);
        let (this, next) = (&mut head[i], &mut rest[0]);
        let after = this.blocks.iter().rposition(|b| matches!(b, Block::Heading { .. }));
        let tail = &this.blocks[after.map_or(0, |h| h + 1)..];
        if tail.is_empty() || !tail.iter().all(|b| matches!(b, Block::Paragraph(_))) {
            continue;
        }
        let mut total: usize = tail.iter().map(|b| block_chars(b) + 2).sum();
        while total < short {
            let Some(Block::Paragraph(text)) = next.blocks.get(carried) else { break };
            let n = text.chars().count();
            if total + n > max {
                break;
            }
            total += n + 2;
            let moved = next.blocks.remove(carried);
            this.blocks.push(moved);
        }
    }
}

/// Packs a page's consecutive paragraphs of one section into one, blank-line separated, while
/// the pack stays within [`PACK_CHARS`]: the short steps of a procedure, a note, a command and
/// the sentences around it read as one unit. A paragraph ending in a colon takes what it
/// introduces (a command, a list) with up to a quarter more.
pub(super) fn pack_paragraphs(blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for block in blocks {
        if let (Some(Block::Paragraph(last)), Block::Paragraph(next)) = (out.last_mut(), &block) {
            let joined = last.chars().count() + 2 + next.chars().count();
            let introduces = last.trim_end().ends_with(':');
            if joined <= PACK_CHARS || (introduces && joined <= PACK_CHARS + PACK_CHARS / 4) {
                last.push_str("\n\n");
                last.push_str(next);
                continue;
            }
        }
        out.push(block);
    }
    out
}

/// Assembles a page's lines into paragraphs. A line ends a paragraph when it is blank-free
/// but clearly short of the page's full width and ends a sentence, or when the next line
/// starts a list item. Within a paragraph, a full-width line is joined to the next with a
/// space (a word hyphenated across them is joined whole); short lines keep their breaks. A
/// label line (`labels`: "Important") opens a paragraph, its text on the next line.
pub(super) fn paragraphs_of(lines: &[String], labels: &[bool]) -> Vec<String> {
    let label = |i: usize| labels.get(i).copied().unwrap_or(false);
    let mut widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    widths.sort_unstable();
    let full = widths.get(widths.len() * 9 / 10).copied().unwrap_or(0).max(1);
    let is_full = |line: &str| line.chars().count() * 10 >= full * 7;
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for (index, line) in lines.iter().enumerate() {
        if current.is_empty() {
            current.push_str(line);
        } else if label(index) {
            paragraphs.push(std::mem::take(&mut current));
            current.push_str(line);
        } else if label(index - 1) {
            current.push('\n');
            current.push_str(line);
        } else if let Some(stem) = hyphen_stem(&current, line) {
            current.truncate(stem);
            current.push_str(line);
        } else if is_full(lines[index - 1].as_str()) && opens_dashed_word(&current, line) {
            // "-devel, -" / "debuginfo": the dash starts the word on the next line.
            current.push_str(line);
        } else if is_full(lines[index - 1].as_str()) && !starts_item(line) {
            current.push(' ');
            current.push_str(line);
        } else {
            let previous = lines[index - 1].as_str();
            let ends_sentence = previous.ends_with(['.', '!', '?', ':']);
            if ends_sentence || starts_item(line) || is_full(line) {
                paragraphs.push(std::mem::take(&mut current));
                current.push_str(line);
            } else {
                current.push('\n');
                current.push_str(line);
            }
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs.retain(|p| p.chars().any(char::is_alphanumeric));
    paragraphs
}

/// When `text` ends in a word broken by a hyphen and `next` goes on in lower case, the byte
/// length of `text` without the hyphen.
pub(super) fn hyphen_stem(text: &str, next: &str) -> Option<usize> {
    let stem = text.strip_suffix('-').or_else(|| text.strip_suffix('\u{ad}'))?;
    let before = stem.chars().next_back()?;
    let after = next.chars().next()?;
    (before.is_lowercase() && after.is_lowercase()).then_some(stem.len())
}

/// Whether `text` ends in a lone dash after a space and `next` goes on with a lower-case
/// word: an option or package suffix ("-debuginfo") broken after its dash.
pub(super) fn opens_dashed_word(text: &str, next: &str) -> bool {
    (text.ends_with(" -") || text == "-") && next.starts_with(|c: char| c.is_lowercase())
}

/// Whether a line opens a list item (a bullet, or "1." / "a)" numbering).
pub(super) fn starts_item(line: &str) -> bool {
    line.starts_with(['•', '◦', '▪', '‣', '–', '*', '-', '●', '■'])
        && line.chars().nth(1).is_some_and(char::is_whitespace)
        || crate::corpus::sentences::starts_list_item(line, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::pdf::tests::page;

    #[test]
    fn hyphenated_words_join_and_wrapped_lines_unwrap() {
        let lines = page(&[
            "SystemTap allows users to gather information about the run-",
            "ning kernel in great detail; this line is as long as the others.",
            "A short closing line.",
            "stap -v -e 'probe vfs.read",
            "{printf(\"read performed\\n\"); exit()}'",
        ]);
        assert_eq!(
            paragraphs_of(&lines, &[]),
            [
                "SystemTap allows users to gather information about the running kernel in great detail; this line is as long as the others. A short closing line.",
                "stap -v -e 'probe vfs.read\n{printf(\"read performed\\n\"); exit()}'",
            ]
        );
    }

    #[test]
    fn pdf_label_line_is_not_glued_to_the_paragraph_before() {
        let lines = page(&[
            "The following sections discuss the installation procedures in greater detail.",
            "Important",
            "Many users confuse -debuginfo with -debug. Remember that the deployment needs it.",
        ]);
        assert_eq!(
            paragraphs_of(&lines, &[false, true, false]),
            [
                "The following sections discuss the installation procedures in greater detail.",
                "Important\nMany users confuse -debuginfo with -debug. Remember that the deployment needs it.",
            ]
        );
    }

    #[test]
    fn pdf_dash_prefixed_word_broken_at_a_line_end_is_joined_whole() {
        let lines = page(&[
            "To deploy it, install the packages along with the corresponding set of -devel, -",
            "debuginfo, and -debuginfo-common packages for your kernel, as listed below.",
        ]);
        let text = &paragraphs_of(&lines, &[])[0];
        assert!(text.contains("-devel, -debuginfo, and"), "{text}");
    }

    #[test]
    fn pdf_command_introduced_by_a_colon_stays_with_its_sentence() {
        let intro =
            format!("{} To see it work, run:", "Some words of explanation here.".repeat(32));
        let blocks = vec![
            Block::Paragraph(intro),
            Block::Paragraph("stap -v -e 'probe vfs.read {exit()}'".into()),
        ];
        // Over the pack size, but the command goes with the sentence that introduces it.
        let packed = pack_paragraphs(blocks.clone());
        assert_eq!(packed.len(), 1, "{packed:?}");
        let mut plain = blocks;
        if let Some(Block::Paragraph(intro)) = plain.first_mut() {
            *intro = intro.replace("run:", "run.");
        }
        assert_eq!(pack_paragraphs(plain).len(), 2);
    }
}
