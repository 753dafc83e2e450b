//! Counters for `GET /metrics`, in Prometheus' text format (written by hand: a few counters
//! and one histogram need no client library).
//!
//! One set for the process ([`global`]), like the log: sends are counted in
//! [`super::delivery`] and [`super::outbox`], questions in the answer flow, reindexes in
//! [`super::admin`]. Everything is a relaxed atomic, so counting costs nothing on the answer
//! path.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use super::delivery::Outcome;

/// Upper bounds of the answer-latency buckets, in seconds.
pub const LATENCY_BUCKETS: [f64; 11] =
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Send failure kinds, as [`Outcome`] names them (the `kind` label).
const FAILURE_KINDS: [&str; 5] = ["rate_limited", "not_posted", "unknown", "posted", "refused"];

/// The process's counters.
#[derive(Debug)]
pub struct Metrics {
    questions: AtomicU64,
    no_match: AtomicU64,
    /// Answers per latency bucket (not cumulative; summed when rendered).
    latency: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    latency_micros: AtomicU64,
    sends: AtomicU64,
    failures: [AtomicU64; FAILURE_KINDS.len()],
    reindexes_ok: AtomicU64,
    reindexes_failed: AtomicU64,
    refused: AtomicU64,
}

static METRICS: Metrics = Metrics::new();

/// The process's counters.
pub fn global() -> &'static Metrics {
    &METRICS
}

impl Metrics {
    /// All zero.
    pub const fn new() -> Metrics {
        Metrics {
            questions: AtomicU64::new(0),
            no_match: AtomicU64::new(0),
            latency: [const { AtomicU64::new(0) }; LATENCY_BUCKETS.len() + 1],
            latency_micros: AtomicU64::new(0),
            sends: AtomicU64::new(0),
            failures: [const { AtomicU64::new(0) }; FAILURE_KINDS.len()],
            reindexes_ok: AtomicU64::new(0),
            reindexes_failed: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        }
    }

    /// A question answered (`answered`: with a passage) in `took`.
    pub fn question(&self, answered: bool, took: Duration) {
        self.questions.fetch_add(1, Relaxed);
        if !answered {
            self.no_match.fetch_add(1, Relaxed);
        }
        let secs = took.as_secs_f64();
        let bucket =
            LATENCY_BUCKETS.iter().position(|&le| secs <= le).unwrap_or(LATENCY_BUCKETS.len());
        self.latency[bucket].fetch_add(1, Relaxed);
        self.latency_micros.fetch_add(took.as_micros().min(u128::from(u64::MAX)) as u64, Relaxed);
    }

    /// One attempt at sending or editing a message.
    pub fn sent(&self) {
        self.sends.fetch_add(1, Relaxed);
    }

    /// An attempt that failed as `outcome` says.
    pub fn failed(&self, outcome: Outcome) {
        let kind = match outcome {
            Outcome::RateLimited(_) => 0,
            Outcome::NotPosted => 1,
            Outcome::Unknown => 2,
            Outcome::Posted(_) => 3,
            Outcome::Refused => 4,
        };
        self.failures[kind].fetch_add(1, Relaxed);
    }

    /// A `/reindex` that went live (`ok`) or failed.
    pub fn reindexed(&self, ok: bool) {
        let counter = if ok { &self.reindexes_ok } else { &self.reindexes_failed };
        counter.fetch_add(1, Relaxed);
    }

    /// An update refused by the access gate.
    pub fn refused(&self) {
        self.refused.fetch_add(1, Relaxed);
    }

    /// The counters in Prometheus' text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let questions = self.questions.load(Relaxed);
        let no_match = self.no_match.load(Relaxed);
        counter(&mut out, "passagebot_questions_total", "Questions received.", questions);
        counter(&mut out, "passagebot_no_match_total", "Questions that got no passage.", no_match);
        let rate = if questions == 0 { 0.0 } else { no_match as f64 / questions as f64 };
        let _ = writeln!(
            out,
            "# HELP passagebot_no_match_ratio Share of questions without a passage.\n# TYPE passagebot_no_match_ratio gauge\npassagebot_no_match_ratio {rate}"
        );
        let _ = writeln!(
            out,
            "# HELP passagebot_answer_seconds Time from a question to its answer being sent.\n# TYPE passagebot_answer_seconds histogram"
        );
        let mut cumulative = 0;
        for (i, le) in LATENCY_BUCKETS.iter().enumerate() {
            cumulative += self.latency[i].load(Relaxed);
            let _ = writeln!(out, "passagebot_answer_seconds_bucket{{le=\"{le}\"}} {cumulative}");
        }
        cumulative += self.latency[LATENCY_BUCKETS.len()].load(Relaxed);
        let sum = self.latency_micros.load(Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "passagebot_answer_seconds_bucket{{le=\"+Inf\"}} {cumulative}");
        let _ = writeln!(out, "passagebot_answer_seconds_sum {sum}");
        let _ = writeln!(out, "passagebot_answer_seconds_count {cumulative}");
        counter(
            &mut out,
            "passagebot_sends_total",
            "Attempts at sending or editing a message.",
            self.sends.load(Relaxed),
        );
        let _ = writeln!(
            out,
            "# HELP passagebot_send_failures_total Failed attempts by what the failure says.\n# TYPE passagebot_send_failures_total counter"
        );
        for (kind, count) in FAILURE_KINDS.iter().zip(&self.failures) {
            let _ = writeln!(
                out,
                "passagebot_send_failures_total{{kind=\"{kind}\"}} {}",
                count.load(Relaxed)
            );
        }
        counter(
            &mut out,
            "passagebot_rate_limited_total",
            "429 Too Many Requests answers from Telegram.",
            self.failures[0].load(Relaxed),
        );
        let _ = writeln!(
            out,
            "# HELP passagebot_reindexes_total Reindexes from chat by outcome.\n# TYPE passagebot_reindexes_total counter\npassagebot_reindexes_total{{outcome=\"live\"}} {}\npassagebot_reindexes_total{{outcome=\"failed\"}} {}",
            self.reindexes_ok.load(Relaxed),
            self.reindexes_failed.load(Relaxed)
        );
        counter(
            &mut out,
            "passagebot_refused_total",
            "Updates refused by the allow-list.",
            self.refused.load(Relaxed),
        );
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

fn counter(out: &mut String, name: &str, help: &str, value: u64) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_a_cumulative_histogram() {
        let m = Metrics::new();
        m.question(true, Duration::from_millis(3));
        m.question(false, Duration::from_millis(30));
        m.question(true, Duration::from_secs(60));
        m.sent();
        m.failed(Outcome::RateLimited(Duration::from_secs(1)));
        m.failed(Outcome::Refused);
        m.reindexed(true);
        let text = m.render();
        for line in [
            "passagebot_questions_total 3",
            "passagebot_no_match_total 1",
            "passagebot_answer_seconds_bucket{le=\"0.005\"} 1",
            "passagebot_answer_seconds_bucket{le=\"0.05\"} 2",
            "passagebot_answer_seconds_bucket{le=\"10\"} 2",
            "passagebot_answer_seconds_bucket{le=\"+Inf\"} 3",
            "passagebot_answer_seconds_count 3",
            "passagebot_sends_total 1",
            "passagebot_send_failures_total{kind=\"rate_limited\"} 1",
            "passagebot_send_failures_total{kind=\"refused\"} 1",
            "passagebot_rate_limited_total 1",
            "passagebot_reindexes_total{outcome=\"live\"} 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing:\n{text}");
        }
        // Every sample line is `name{labels} value` with a number.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let value = line.rsplit(' ').next().unwrap();
            assert!(value.parse::<f64>().is_ok(), "{line}");
        }
    }
}
