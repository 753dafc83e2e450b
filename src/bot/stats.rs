//! Usage statistics in SQLite (one file next to the index), for `/stats`.
//!
//! Kept: time, user id, whether a question was answered, the answer time, 👍/👎 per passage,
//! and the text of *unanswered* questions only (for "top unanswered") and of questions whose
//! answer got a 👎 (for "most 👎", so admins see what the passage failed to answer). Nothing
//! else personal.
//! Calls are synchronous and short; async callers run them through `spawn_blocking`.
//!
//! Stats are secondary: they never stop the bot. A database that cannot be opened (not
//! SQLite, corrupted, a read-only or missing place) is replaced by one in memory, said once
//! in the log and in `/stats`; a write that fails later (disk full, the file made read-only)
//! is logged once and tried again with the next question. Rows older than the retention
//! ([`Stats::prune`]) are deleted, so the file does not grow forever.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use rusqlite::{Connection, params};
use tracing::{debug, info, warn};

use super::i18n::{Language, t};

/// The statistics store.
#[derive(Debug)]
pub struct Stats {
    conn: Mutex<Connection>,
    /// Why the rows are kept in memory only, when the file could not be used.
    memory_only: Option<String>,
    /// Whether the last write failed (so a run of failures is logged once).
    failing: AtomicBool,
}

/// One row to write, stamped when it happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A question: who, whether it was answered, how long the answer took.
    Question {
        /// Unix time.
        at: i64,
        /// The asker's user id.
        user: u64,
        /// The question's text, normalized, kept only when it went unanswered.
        unanswered_text: Option<String>,
        /// Whether it got a passage.
        answered: bool,
        /// The answer time in milliseconds.
        elapsed_ms: f64,
    },
    /// A 👍 (`up`) or 👎 on a passage.
    Vote {
        /// Unix time.
        at: i64,
        /// The voter's user id.
        user: u64,
        /// The passage voted on.
        passage_id: String,
        /// 👍 or 👎.
        up: bool,
        /// For a 👎, the question the answer was for (normalized), when still known.
        question: Option<String>,
    },
    /// What the user said was wrong, typed after their 👎 on a passage.
    Comment {
        /// The voter's user id.
        user: u64,
        /// The passage voted down.
        passage_id: String,
        /// Their message (white space collapsed, at most [`MAX_COMMENT_CHARS`]).
        comment: String,
    },
}

/// Characters of a comment kept at most.
pub const MAX_COMMENT_CHARS: usize = 1000;

impl Record {
    /// A question asked now; its text is kept only when it went unanswered.
    pub fn question(user: u64, question: &str, answered: bool, elapsed_ms: f64) -> Record {
        let unanswered_text = (!answered).then(|| normalize(question));
        Record::Question { at: now_unix(), user, unanswered_text, answered, elapsed_ms }
    }

    /// A vote cast now (the bot always passes the question: [`Record::vote_after`]).
    #[cfg(test)]
    pub fn vote(user: u64, passage_id: &str, up: bool) -> Record {
        Record::vote_after(user, passage_id, up, None)
    }

    /// A vote cast now on the answer to `question`; the question is kept only with a 👎,
    /// for `/stats` to show what the passages that earn them were asked for.
    pub fn vote_after(user: u64, passage_id: &str, up: bool, question: Option<&str>) -> Record {
        let question = question.filter(|_| !up).map(normalize);
        Record::Vote { at: now_unix(), user, passage_id: passage_id.to_string(), up, question }
    }

    /// `user`'s comment on their 👎 of `passage_id` (stored with that vote).
    pub fn comment(user: u64, passage_id: &str, comment: &str) -> Record {
        let words: Vec<&str> = comment.split_whitespace().collect();
        let comment = words.join(" ").chars().take(MAX_COMMENT_CHARS).collect();
        Record::Comment { user, passage_id: passage_id.to_string(), comment }
    }
}

/// What `/stats` shows for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Questions received.
    pub questions: u64,
    /// Questions that got a passage.
    pub answered: u64,
    /// Most frequent unanswered questions with their counts.
    pub top_unanswered: Vec<(String, u64)>,
    /// Passages with the most 👎, with the questions that led to them and what was said.
    pub most_down: Vec<DownVoted>,
    /// 👍 count.
    pub up: u64,
    /// 👎 count.
    pub down: u64,
    /// Median answer time in milliseconds.
    pub p50_ms: f64,
    /// 95th percentile answer time in milliseconds.
    pub p95_ms: f64,
}

/// A passage with 👎s in `/stats`.
#[derive(Debug, Clone, PartialEq)]
pub struct DownVoted {
    /// The passage id.
    pub passage: String,
    /// Its 👎s.
    pub count: u64,
    /// Up to three of the questions whose answer got them.
    pub questions: Vec<String>,
    /// Up to three of the comments typed after them.
    pub comments: Vec<String>,
}

/// Everything `/export` sends.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Export {
    /// Every vote kept, oldest first.
    pub votes: Vec<VoteRow>,
    /// Every unanswered question kept, with how often it was asked, most asked first.
    pub unanswered: Vec<(String, u64)>,
}

/// One vote in `/export`.
#[derive(Debug, Clone, PartialEq)]
pub struct VoteRow {
    /// Unix time.
    pub at: i64,
    /// 👍 or 👎.
    pub up: bool,
    /// The passage voted on.
    pub passage: String,
    /// For a 👎, the question behind the answer, when known.
    pub question: Option<String>,
    /// For a 👎, what the user typed after it, if anything.
    pub comment: Option<String>,
}

impl Stats {
    /// Opens (creating when needed) the database at `path`.
    pub fn open(path: &Path) -> anyhow::Result<Stats> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        let conn = Connection::open(path)
            .with_context(|| format!("opening stats database {}", path.display()))?;
        Stats::init(conn).with_context(|| format!("stats database {}", path.display()))
    }

    /// Opens the database at `path` or, when that fails, one in memory; the reason is
    /// logged once and shown by `/stats`. Fails only when SQLite cannot even open a database
    /// in memory.
    pub fn open_or_memory(path: &Path) -> anyhow::Result<Stats> {
        let err = match Stats::open(path) {
            Ok(stats) => return Ok(stats),
            Err(err) => err,
        };
        let reason = format!("{err:#}");
        warn!(cause = %reason, "the stats database cannot be used; counting in memory until the next start");
        let mut stats = Stats::init(Connection::open_in_memory()?)?;
        stats.memory_only = Some(reason);
        Ok(stats)
    }

    /// Why rows are kept in memory only, if they are.
    pub fn memory_only(&self) -> Option<&str> {
        self.memory_only.as_deref()
    }

    fn wrap(conn: Connection) -> Stats {
        Stats { conn: Mutex::new(conn), memory_only: None, failing: AtomicBool::new(false) }
    }

    /// An in-memory store, for tests.
    #[cfg(test)]
    pub fn in_memory() -> anyhow::Result<Stats> {
        Stats::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> anyhow::Result<Stats> {
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS questions (
                 at INTEGER NOT NULL, user_id INTEGER NOT NULL, answered INTEGER NOT NULL,
                 unanswered_text TEXT, elapsed_ms REAL NOT NULL);
             CREATE INDEX IF NOT EXISTS questions_at ON questions(at);
             CREATE TABLE IF NOT EXISTS votes (
                 at INTEGER NOT NULL, user_id INTEGER NOT NULL, passage_id TEXT NOT NULL,
                 up INTEGER NOT NULL, PRIMARY KEY (user_id, passage_id));",
        )
        .context("creating the stats tables")?;
        // Added later: the question behind a 👎. An older file gets the column here.
        let has_question = conn
            .prepare("SELECT 1 FROM pragma_table_info('votes') WHERE name = 'question'")?
            .exists([])?;
        if !has_question {
            conn.execute_batch("ALTER TABLE votes ADD COLUMN question TEXT")
                .context("adding the question column to the stats")?;
        }
        // Added later still: what the user typed after a 👎.
        let has_comment = conn
            .prepare("SELECT 1 FROM pragma_table_info('votes') WHERE name = 'comment'")?
            .exists([])?;
        if !has_comment {
            conn.execute_batch("ALTER TABLE votes ADD COLUMN comment TEXT")
                .context("adding the comment column to the stats")?;
        }
        Ok(Stats::wrap(conn))
    }

    /// Logs the outcome of a write: the first failure of a run as a warning, the rest at
    /// debug level, and the first success after them.
    fn note(&self, what: &str, result: rusqlite::Result<usize>) {
        match result {
            Ok(_) => {
                if self.failing.swap(false, Ordering::Relaxed) {
                    info!("stats are being saved again");
                }
            }
            Err(err) if !self.failing.swap(true, Ordering::Relaxed) => {
                warn!(cause = %err, what, "saving stats failed; the bot goes on, trying again with the next one");
            }
            Err(err) => debug!(cause = %err, what, "saving stats failed again"),
        }
    }

    /// Deletes the rows older than `keep_days` days (none when 0); how many went.
    pub fn prune(&self, keep_days: u32) -> anyhow::Result<usize> {
        if keep_days == 0 {
            return Ok(0);
        }
        let cutoff = now_unix() - i64::from(keep_days) * 86_400;
        let conn = self.conn();
        let questions = conn.execute("DELETE FROM questions WHERE at < ?1", [cutoff])?;
        let votes = conn.execute("DELETE FROM votes WHERE at < ?1", [cutoff])?;
        Ok(questions + votes)
    }

    /// Records one question; its text is kept only when it went unanswered (the bot goes
    /// through [`super::recorder::Recorder`]).
    #[cfg(test)]
    pub fn record_question(&self, user: u64, question: &str, answered: bool, elapsed_ms: f64) {
        self.write(&[Record::question(user, question, answered, elapsed_ms)]);
    }

    /// Records a 👍/👎; a user's later vote on the same passage replaces the earlier one.
    #[cfg(test)]
    pub fn record_vote(&self, user: u64, passage_id: &str, up: bool) {
        self.write(&[Record::vote(user, passage_id, up)]);
    }

    /// Writes `records` in one transaction; a failure is logged (once per run of them).
    pub fn write(&self, records: &[Record]) {
        let mut conn = self.conn();
        let result = (|| {
            let tx = conn.transaction()?;
            for record in records {
                match record {
                    Record::Question { at, user, unanswered_text, answered, elapsed_ms } => tx
                        .execute(
                            "INSERT INTO questions (at, user_id, answered, unanswered_text, elapsed_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                            params![at, *user as i64, answered, unanswered_text, elapsed_ms],
                        )?,
                    Record::Vote { at, user, passage_id, up, question } => tx.execute(
                        "INSERT OR REPLACE INTO votes (at, user_id, passage_id, up, question) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![at, *user as i64, passage_id, up, question],
                    )?,
                    Record::Comment { user, passage_id, comment } => tx.execute(
                        "UPDATE votes SET comment = ?3 WHERE user_id = ?1 AND passage_id = ?2 AND up = 0",
                        params![*user as i64, passage_id, comment],
                    )?,
                };
            }
            tx.commit()?;
            Ok(records.len())
        })();
        drop(conn);
        self.note("stats", result);
    }

    /// The summary of everything since `since_unix`.
    pub fn summary(&self, since_unix: i64) -> anyhow::Result<Summary> {
        let conn = self.conn();
        let (questions, answered): (i64, i64) = conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(answered), 0) FROM questions WHERE at >= ?1",
            [since_unix],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let mut top = conn.prepare(
            "SELECT unanswered_text, COUNT(*) AS n FROM questions
             WHERE at >= ?1 AND answered = 0 AND unanswered_text IS NOT NULL
             GROUP BY unanswered_text ORDER BY n DESC, unanswered_text LIMIT 5",
        )?;
        let top_unanswered = top
            .query_map([since_unix], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let (up, down): (i64, i64) = conn.query_row(
            "SELECT COALESCE(SUM(up), 0), COALESCE(SUM(1 - up), 0) FROM votes WHERE at >= ?1",
            [since_unix],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let mut most = conn.prepare(
            "SELECT passage_id, COUNT(*) AS n, GROUP_CONCAT(question, char(31)),
                    GROUP_CONCAT(comment, char(31)) FROM votes
             WHERE at >= ?1 AND up = 0 GROUP BY passage_id ORDER BY n DESC, passage_id LIMIT 5",
        )?;
        let most_down = most
            .query_map([since_unix], |row| {
                Ok(DownVoted {
                    passage: row.get(0)?,
                    count: row.get::<_, i64>(1)? as u64,
                    questions: first_distinct(row.get::<_, Option<String>>(2)?, 3),
                    comments: first_distinct(row.get::<_, Option<String>>(3)?, 3),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut times =
            conn.prepare("SELECT elapsed_ms FROM questions WHERE at >= ?1 ORDER BY elapsed_ms")?;
        let times = times
            .query_map([since_unix], |row| row.get::<_, f64>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Summary {
            questions: questions as u64,
            answered: answered as u64,
            top_unanswered,
            most_down,
            up: up as u64,
            down: down as u64,
            p50_ms: percentile(&times, 0.50),
            p95_ms: percentile(&times, 0.95),
        })
    }

    /// Every vote and unanswered question kept, for `/export`.
    pub fn export(&self) -> anyhow::Result<Export> {
        let conn = self.conn();
        let mut votes = conn.prepare(
            "SELECT at, up, passage_id, question, comment FROM votes ORDER BY at, passage_id",
        )?;
        let votes = votes
            .query_map([], |row| {
                Ok(VoteRow {
                    at: row.get(0)?,
                    up: row.get(1)?,
                    passage: row.get(2)?,
                    question: row.get(3)?,
                    comment: row.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut unanswered = conn.prepare(
            "SELECT unanswered_text, COUNT(*) AS n FROM questions
             WHERE answered = 0 AND unanswered_text IS NOT NULL
             GROUP BY unanswered_text ORDER BY n DESC, unanswered_text",
        )?;
        let unanswered = unanswered
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Export { votes, unanswered })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Summary {
    /// The `/stats` message as plain text in `lang` (the caller escapes it for HTML).
    pub fn text(&self, days: u32, lang: Language) -> String {
        let no_match = self.questions - self.answered;
        let rate =
            if self.questions == 0 { 0.0 } else { 100.0 * no_match as f64 / self.questions as f64 };
        // Numbers as text, formatted here as before.
        let mut text = t!(
            lang,
            "stats-summary",
            days = days.to_string(),
            questions = self.questions.to_string(),
            answered = self.answered.to_string(),
            nomatch = no_match.to_string(),
            rate = format!("{rate:.0}"),
            up = self.up.to_string(),
            down = self.down.to_string(),
            p50 = format!("{:.0}", self.p50_ms),
            p95 = format!("{:.0}", self.p95_ms),
        );
        if !self.top_unanswered.is_empty() {
            text.push_str(&format!("\n{}", t!(lang, "stats-top-unanswered")));
            for (question, count) in &self.top_unanswered {
                text.push_str(&format!("\n  {count}× {question}"));
            }
        }
        if !self.most_down.is_empty() {
            text.push_str(&format!("\n{}", t!(lang, "stats-most-down")));
            for down in &self.most_down {
                text.push_str(&format!("\n  {}× {}", down.count, down.passage));
                if !down.questions.is_empty() {
                    let asked = t!(lang, "stats-asked");
                    text.push_str(&format!(" — {asked}: {}", down.questions.join(" | ")));
                }
                if !down.comments.is_empty() {
                    let said = t!(lang, "stats-said");
                    text.push_str(&format!(" — {said}: {}", down.comments.join(" | ")));
                }
            }
        }
        text
    }
}

/// The first `max` distinct non-empty values of a `GROUP_CONCAT(…, char(31))`.
fn first_distinct(joined: Option<String>, max: usize) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for value in joined.as_deref().unwrap_or("").split('\u{1f}') {
        if !value.is_empty() && !values.iter().any(|v| v == value) && values.len() < max {
            values.push(value.to_string());
        }
    }
    values
}

/// Nearest-rank percentile of sorted values; 0 for none.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Lowercased, white space collapsed, at most 200 characters: groups repeats of a question.
fn normalize(question: &str) -> String {
    let words: Vec<&str> = question.split_whitespace().collect();
    words.join(" ").to_lowercase().chars().take(200).collect()
}

/// Seconds since the Unix epoch.
pub(super) fn now_unix() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn down(passage: &str, count: u64, questions: &[&str], comments: &[&str]) -> DownVoted {
        DownVoted {
            passage: passage.to_string(),
            count,
            questions: questions.iter().map(|q| q.to_string()).collect(),
            comments: comments.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn a_comment_after_a_thumbs_down_is_kept_with_the_vote_and_shown() {
        let stats = Stats::in_memory().unwrap();
        stats.write(&[
            Record::vote_after(1, "tea#0", false, Some("how long to steep")),
            Record::comment(1, "tea#0", "  It says   three minutes,\nbut green tea needs two "),
            Record::vote_after(2, "tea#0", true, Some("q")),
            Record::comment(2, "tea#0", "a comment without a 👎 is not kept"),
        ]);
        let s = stats.summary(0).unwrap();
        assert_eq!(
            s.most_down,
            [down(
                "tea#0",
                1,
                &["how long to steep"],
                &["It says three minutes, but green tea needs two"]
            )]
        );
        let text = s.text(7, Language::En);
        assert!(text.contains("— said: It says three minutes"), "{text}");
        assert!(s.text(7, Language::Ko).contains("— 의견: It says three minutes"));
        let export = stats.export().unwrap();
        assert_eq!(export.votes.len(), 2);
        let comments: Vec<_> = export.votes.iter().map(|v| v.comment.as_deref()).collect();
        assert!(comments.contains(&Some("It says three minutes, but green tea needs two")));
        assert!(comments.contains(&None));
        let long = Record::comment(1, "x", &"y".repeat(5000));
        assert!(
            matches!(long, Record::Comment { comment, .. } if comment.len() == MAX_COMMENT_CHARS)
        );
    }

    #[test]
    fn export_lists_every_unanswered_question_with_its_count() {
        let stats = Stats::in_memory().unwrap();
        stats.record_question(1, "What is ZORG", false, 1.0);
        stats.record_question(2, "what is zorg", false, 1.0);
        stats.record_question(2, "blue moon", false, 1.0);
        stats.record_question(2, "answered", true, 1.0);
        let export = stats.export().unwrap();
        assert_eq!(
            export.unanswered,
            [("what is zorg".to_string(), 2), ("blue moon".to_string(), 1)]
        );
    }

    #[test]
    fn summary_counts_rates_and_percentiles() {
        let stats = Stats::in_memory().unwrap();
        for ms in 1..=20 {
            stats.record_question(1, "how to install", true, ms as f64);
        }
        stats.record_question(2, "What  is ZORG", false, 5.0);
        stats.record_question(3, "what is zorg", false, 5.0);
        stats.record_question(3, "blue moon", false, 5.0);
        stats.record_vote(1, "a#0", true);
        stats.record_vote(1, "a#0", false);
        stats.record_vote(2, "a#0", true);
        let s = stats.summary(0).unwrap();
        assert_eq!((s.questions, s.answered, s.up, s.down), (23, 20, 1, 1));
        assert_eq!(s.top_unanswered[0], ("what is zorg".to_string(), 2));
        assert_eq!(s.p50_ms, 9.0);
        assert_eq!(s.p95_ms, 19.0);
        let text = s.text(7, Language::En);
        assert!(text.contains("No match: 3 (13%)"), "{text}");
        assert_eq!(s.most_down, [down("a#0", 1, &[], &[])]);
        assert!(text.contains("Most 👎:\n  1× a#0"), "{text}");
        assert_eq!(stats.summary(now_unix() + 10).unwrap().questions, 0);
    }

    #[test]
    fn answered_question_text_is_not_kept() {
        let stats = Stats::in_memory().unwrap();
        stats.record_question(1, "private matter", true, 1.0);
        let kept: Option<String> = stats
            .conn()
            .query_row("SELECT unanswered_text FROM questions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, None);
    }

    #[test]
    fn stats_older_than_the_retention_are_deleted() {
        let stats = Stats::in_memory().unwrap();
        let day = 86_400;
        let at = |days_ago: i64, text: &str| Record::Question {
            at: now_unix() - days_ago * day,
            user: 1,
            unanswered_text: Some(text.to_string()),
            answered: false,
            elapsed_ms: 1.0,
        };
        stats.write(&[at(200, "old"), at(10, "recent")]);
        stats.record_vote(1, "a#0", true);
        stats.conn().execute("UPDATE votes SET at = at - 365 * 86400", []).unwrap();
        assert_eq!(stats.prune(0).unwrap(), 0, "0 keeps everything");
        assert_eq!(stats.prune(180).unwrap(), 2, "the old question and the old vote");
        let s = stats.summary(0).unwrap();
        assert_eq!((s.questions, s.up), (1, 0));
        assert_eq!(s.top_unanswered, vec![("recent".to_string(), 1)]);
    }

    #[test]
    fn a_stats_file_that_is_not_sqlite_falls_back_to_memory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stats.sqlite3");
        std::fs::write(&path, vec![0x5a; 8192]).unwrap();
        assert!(Stats::open(&path).is_err());
        let stats = Stats::open_or_memory(&path).unwrap();
        assert!(stats.memory_only().is_some_and(|why| why.contains("stats database")));
        stats.record_question(1, "x", true, 1.0);
        assert_eq!(stats.summary(0).unwrap().questions, 1);
        assert_eq!(std::fs::read(&path).unwrap(), vec![0x5a; 8192], "the file is left alone");
    }

    #[test]
    fn a_failing_write_is_not_an_error() {
        let stats = Stats::in_memory().unwrap();
        stats.conn().execute_batch("DROP TABLE questions; DROP TABLE votes;").unwrap();
        stats.record_question(1, "x", false, 1.0);
        stats.record_vote(1, "a#0", true);
        assert!(stats.failing.load(Ordering::Relaxed));
    }

    #[test]
    fn percentile_edges() {
        assert_eq!(percentile(&[], 0.5), 0.0);
        assert_eq!(percentile(&[3.0], 0.95), 3.0);
    }

    #[test]
    fn stats_list_the_most_voted_down_passages_with_their_questions() {
        let stats = Stats::in_memory().unwrap();
        let write = |records: &[Record]| stats.write(records);
        write(&[
            Record::vote_after(1, "tea#0", false, Some("How long  to STEEP")),
            Record::vote_after(2, "tea#0", false, Some("why bitter")),
            Record::vote_after(3, "tea#0", true, Some("kept only for a down vote")),
            Record::vote_after(4, "bike#1", false, None),
        ]);
        let s = stats.summary(0).unwrap();
        assert_eq!(s.most_down[0].passage, "tea#0");
        assert_eq!(s.most_down[0].count, 2);
        let mut asked = s.most_down[0].questions.clone();
        asked.sort();
        assert_eq!(asked, ["how long to steep", "why bitter"]);
        assert_eq!(s.most_down[1], down("bike#1", 1, &[], &[]));
        let text = s.text(7, Language::En);
        assert!(text.contains("2× tea#0 — asked: "), "{text}");
    }

    #[test]
    fn an_older_stats_file_gets_the_question_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE votes (at INTEGER NOT NULL, user_id INTEGER NOT NULL, passage_id TEXT NOT NULL,
                 up INTEGER NOT NULL, PRIMARY KEY (user_id, passage_id));
             INSERT INTO votes VALUES (1, 1, 'x#0', 0);",
        )
        .unwrap();
        drop(conn);
        let stats = Stats::open(&path).unwrap();
        stats.write(&[Record::vote_after(2, "x#0", false, Some("q"))]);
        assert_eq!(stats.summary(0).unwrap().most_down[0].count, 2);
        assert!(Stats::open(&path).is_ok(), "opened twice");
    }
}
