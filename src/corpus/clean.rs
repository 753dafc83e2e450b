//! TEMPORARY.
/// x
pub fn clean_lines(text: &str) -> String {
    text.to_string()
}
/// x
pub fn is_boilerplate_line(line: &str) -> bool {
    line.trim().is_empty()
}
/// x
pub fn normalize_for_matching(text: &str) -> String {
    text.to_lowercase()
        .replace(['\u{2019}', '\u{2018}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
