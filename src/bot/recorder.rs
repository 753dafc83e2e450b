//! Stats written off the answer path, by one thread of their own.
//!
//! Handlers hand each row to [`Recorder`] and go on; the `stats` thread writes what has
//! queued in one transaction at a time. Before, every handler wrote its own row with
//! `block_in_place`, so concurrent answers queued on the connection's lock, each holding a
//! thread: 20,000 questions left about 390 threads and 130 MB resident. The queue is bounded
//! ([`QUEUE`]); when the database is that far behind, rows are dropped (said once in the log)
//! rather than held, since stats are secondary. Rows still queued when the process exits are
//! lost, at most a moment's worth.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

use tracing::warn;

use super::stats::{Record, Stats};

/// Rows queued at most.
pub const QUEUE: usize = 10_000;

/// Rows written in one transaction at most.
const BATCH: usize = 512;

/// The handle handlers record through.
#[derive(Debug)]
pub struct Recorder {
    tx: SyncSender<Record>,
    /// Whether rows are being dropped (so a run of drops is logged once).
    dropping: AtomicBool,
}

impl Recorder {
    /// Starts the `stats` thread writing to `stats`.
    pub fn spawn(stats: Arc<Stats>) -> std::io::Result<Recorder> {
        let (tx, rx) = sync_channel(QUEUE);
        std::thread::Builder::new().name("stats".into()).spawn(move || write_all(&stats, &rx))?;
        Ok(Recorder { tx, dropping: AtomicBool::new(false) })
    }

    /// Queues `record` without waiting.
    pub fn record(&self, record: Record) {
        match self.tx.try_send(record) {
            Ok(()) => {
                self.dropping.store(false, Ordering::Relaxed);
            }
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                if !self.dropping.swap(true, Ordering::Relaxed) {
                    warn!(queued = QUEUE, "the stats database is behind; dropping stats rows");
                }
            }
        }
    }
}

/// Writes rows as they come, each batch in one transaction, until every sender is gone.
fn write_all(stats: &Stats, rx: &Receiver<Record>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        batch.extend(rx.try_iter().take(BATCH - 1));
        stats.write(&batch);
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    #[test]
    fn recorded_rows_are_written_by_the_stats_thread() {
        let stats = Arc::new(Stats::in_memory().unwrap());
        let recorder = Recorder::spawn(stats.clone()).unwrap();
        for i in 0..2_000 {
            recorder.record(Record::question(i, "q", i % 2 == 0, 1.0));
        }
        recorder.record(Record::vote(1, "a#0", true));
        let deadline = Instant::now() + Duration::from_secs(10);
        while stats.summary(0).unwrap().questions < 2_000 || stats.summary(0).unwrap().up < 1 {
            assert!(Instant::now() < deadline, "rows not written");
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(stats.summary(0).unwrap().answered, 1_000);
    }
}
