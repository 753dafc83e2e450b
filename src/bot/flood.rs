//! Per-user flood control: a sliding one-minute window of questions per user.
//!
//! Over the limit, the first extra question gets a friendly "slow down" and the rest of the
//! window is silent, so a flood never turns into a flood of warnings.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What to do with a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Answer it.
    Allow,
    /// Say "slow down" (first question over the limit in this window).
    SlowDown {
        /// Seconds until the user may ask again.
        retry_in_secs: u64,
    },
    /// Ignore it (already warned in this window).
    Ignore,
}

/// The per-user windows.
#[derive(Debug)]
pub struct FloodGate {
    /// Questions allowed per window; 0 means unlimited.
    limit: u32,
    window: Duration,
    users: Mutex<HashMap<u64, UserWindow>>,
}

#[derive(Debug, Default)]
struct UserWindow {
    asked: VecDeque<Instant>,
    warned: bool,
}

/// Above this many tracked users, idle windows are pruned.
const PRUNE_ABOVE: usize = 10_000;

impl FloodGate {
    /// `limit` questions per minute per user; 0 turns flood control off.
    pub fn per_minute(limit: u32) -> FloodGate {
        FloodGate::new(limit, Duration::from_secs(60))
    }

    /// `limit` questions per `window`.
    pub fn new(limit: u32, window: Duration) -> FloodGate {
        FloodGate { limit, window, users: Mutex::new(HashMap::new()) }
    }

    /// Records a question by `user` at `now` and says whether to answer it.
    pub fn check(&self, user: u64, now: Instant) -> Verdict {
        if self.limit == 0 {
            return Verdict::Allow;
        }
        let mut users = self.users.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if users.len() > PRUNE_ABOVE {
            let window = self.window;
            users.retain(|_, w| w.asked.back().is_some_and(|&t| now.duration_since(t) < window));
        }
        let entry = users.entry(user).or_default();
        while entry.asked.front().is_some_and(|&t| now.duration_since(t) >= self.window) {
            entry.asked.pop_front();
        }
        if entry.asked.len() < self.limit as usize {
            entry.asked.push_back(now);
            entry.warned = false;
            return Verdict::Allow;
        }
        if entry.warned {
            return Verdict::Ignore;
        }
        entry.warned = true;
        let oldest = entry.asked.front().copied().unwrap_or(now);
        let wait = self.window.saturating_sub(now.duration_since(oldest));
        Verdict::SlowDown { retry_in_secs: wait.as_secs().max(1) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_then_one_warning_then_silence_then_allowed_again() {
        let gate = FloodGate::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert_eq!(gate.check(1, t0), Verdict::Allow);
        assert_eq!(gate.check(1, t0 + Duration::from_secs(1)), Verdict::Allow);
        assert_eq!(
            gate.check(1, t0 + Duration::from_secs(2)),
            Verdict::SlowDown { retry_in_secs: 58 }
        );
        assert_eq!(gate.check(1, t0 + Duration::from_secs(3)), Verdict::Ignore);
        assert_eq!(
            gate.check(2, t0 + Duration::from_secs(3)),
            Verdict::Allow,
            "other users unaffected"
        );
        assert_eq!(gate.check(1, t0 + Duration::from_secs(60)), Verdict::Allow);
    }

    #[test]
    fn zero_means_unlimited() {
        let gate = FloodGate::per_minute(0);
        let now = Instant::now();
        assert!((0..1000).all(|_| gate.check(1, now) == Verdict::Allow));
    }
}
