//! `/export` (admins): the stats as two CSV documents, `votes.csv` (time, vote, passage,
//! question, comment) and `unanswered.csv` (question, times asked), sent with
//! `sendDocument` through [`super::outbox::document`].
//!
//! The CSV is RFC 4180: a cell holding a comma, a quote, a line break or outer white space
//! is quoted, quotes doubled; rows end in CRLF. The text comes from users, and a cell that
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return would run as a formula when an
//! admin opens the file in a spreadsheet, so such a cell gets a leading apostrophe.

use super::stats::Export;
use passagebot::render::texts::format_utc;

/// The two files: (name, contents).
pub fn files(export: &Export) -> [(&'static str, String); 2] {
    let mut votes = row(&["time_utc", "vote", "passage", "question", "comment"]);
    for vote in &export.votes {
        let at = format_utc(u64::try_from(vote.at).unwrap_or(0));
        let kind = if vote.up { "up" } else { "down" };
        votes.push_str(&row(&[
            &at,
            kind,
            &vote.passage,
            vote.question.as_deref().unwrap_or(""),
            vote.comment.as_deref().unwrap_or(""),
        ]));
    }
    let mut unanswered = row(&["question", "times_asked"]);
    for (question, count) in &export.unanswered {
        unanswered.push_str(&row(&[question, &count.to_string()]));
    }
    [("votes.csv", votes), ("unanswered.csv", unanswered)]
}

/// One CSV row, CRLF-terminated.
pub fn row(cells: &[&str]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    cells.join(",") + "\r\n"
}

/// One cell: guarded against formulas, then quoted when needed.
pub fn cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    let needs_quotes = guarded.contains([',', '"', '\n', '\r'])
        || guarded.starts_with(char::is_whitespace)
        || guarded.ends_with(char::is_whitespace);
    if needs_quotes { format!("\"{}\"", guarded.replace('"', "\"\"")) } else { guarded }
}

#[cfg(test)]
mod tests {
    use super::super::stats::VoteRow;
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_guarded_against_formulas() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@sum"), "'@sum");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell(" padded"), "\" padded\"");
        assert_eq!(cell(""), "");
        assert_eq!(row(&["a", "b,c"]), "a,\"b,c\"\r\n");
    }

    #[test]
    fn export_files_have_headers_and_one_row_per_entry() {
        let export = Export {
            votes: vec![VoteRow {
                at: 1_700_000_000,
                up: false,
                passage: "tea#0".into(),
                question: Some("why, \"really\"\nwhy".into()),
                comment: Some("=cmd|' /C calc'!A0".into()),
            }],
            unanswered: vec![("what is zorg".into(), 2)],
        };
        let [(votes_name, votes), (unanswered_name, unanswered)] = files(&export);
        assert_eq!((votes_name, unanswered_name), ("votes.csv", "unanswered.csv"));
        assert_eq!(
            votes,
            "time_utc,vote,passage,question,comment\r\n\
             2023-11-14 22:13 UTC,down,tea#0,\"why, \"\"really\"\"\nwhy\",'=cmd|' /C calc'!A0\r\n"
        );
        assert_eq!(unanswered, "question,times_asked\r\nwhat is zorg,2\r\n");
    }
}
