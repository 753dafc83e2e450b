//! Per-user flood control: a sliding one-minute window of questions per user.
//!
//! Over the limit, the first extra question gets a friendly "slow down" and the rest of the
//! window is silent, so a flood never turns into a flood of warnings.
//!
//! Cost and memory stay flat however many users ask: users idle for a whole window are
//! forgotten by a sweep that runs at most once per window (it ran on every question above
//! 10,000 users, under the lock, which halved throughput), and at most [`MAX_TRACKED`] users are
//! tracked at once. A new user past that is let through untracked until the next sweep: a
//! per-user limit cannot stop a crowd of fresh accounts anyway, and the send budget of each
//! chat ([`super::pace`]) still holds.

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
    /// Users tracked at most.
    cap: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    users: HashMap<u64, UserWindow>,
    /// When idle users were last forgotten.
    swept: Option<Instant>,
    /// Sweeps so far (for tests).
    sweeps: u64,
}

#[derive(Debug, Default)]
struct UserWindow {
    asked: VecDeque<Instant>,
    warned: bool,
}

/// Users tracked at most; each costs about a hundred bytes.
pub const MAX_TRACKED: usize = 100_000;

impl FloodGate {
    /// `limit` questions per minute per user; 0 turns flood control off.
    pub fn per_minute(limit: u32) -> FloodGate {
        FloodGate::new(limit, Duration::from_secs(60))
    }

    /// `limit` questions per `window`.
    pub fn new(limit: u32, window: Duration) -> FloodGate {
        FloodGate::with_cap(limit, window, MAX_TRACKED)
    }

    /// `limit` questions per `window`, tracking at most `cap` users.
    pub fn with_cap(limit: u32, window: Duration, cap: usize) -> FloodGate {
        FloodGate { limit, window, cap, state: Mutex::new(State::default()) }
    }

    /// Records a question by `user` at `now` and says whether to answer it.
    pub fn check(&self, user: u64, now: Instant) -> Verdict {
        if self.limit == 0 {
            return Verdict::Allow;
        }
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let due = state.swept.is_none_or(|at| now.duration_since(at) >= self.window);
        if due {
            let window = self.window;
            state
                .users
                .retain(|_, w| w.asked.back().is_some_and(|&t| now.duration_since(t) < window));
            state.swept = Some(now);
            state.sweeps += 1;
        }
        if state.users.len() >= self.cap && !state.users.contains_key(&user) {
            return Verdict::Allow;
        }
        let entry = state.users.entry(user).or_default();
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

    /// Users tracked now, and sweeps so far.
    #[cfg(test)]
    fn tracked(&self) -> (usize, u64) {
        let state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        (state.users.len(), state.sweeps)
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
    fn many_one_off_users_are_swept_once_per_window_and_capped() {
        let gate = FloodGate::with_cap(2, Duration::from_secs(60), 5_000);
        let t0 = Instant::now();
        for user in 0..20_000u64 {
            let at = t0 + Duration::from_millis(user);
            assert_eq!(gate.check(user, at), Verdict::Allow);
        }
        // 20 s of questions: one sweep (the first), and never more than the cap.
        assert_eq!(gate.tracked(), (5_000, 1));
        // Past the cap a new user is let through untracked; tracked users are still limited.
        assert_eq!(gate.check(1, t0 + Duration::from_secs(21)), Verdict::Allow);
        assert!(matches!(gate.check(1, t0 + Duration::from_secs(21)), Verdict::SlowDown { .. }));
        // A window later the idle are forgotten in one sweep.
        assert_eq!(gate.check(99_999, t0 + Duration::from_secs(100)), Verdict::Allow);
        assert_eq!(gate.tracked(), (1, 2));
    }

    #[test]
    fn flood_control_with_many_users_stays_fast() {
        let gate = FloodGate::per_minute(20);
        let t0 = Instant::now();
        let started = Instant::now();
        for user in 0..200_000u64 {
            gate.check(user, t0 + Duration::from_micros(user * 100));
        }
        let took = started.elapsed();
        // Sweeping on every question above 10,000 users took minutes for this.
        assert!(took < Duration::from_secs(2), "{took:?}");
        assert_eq!(gate.tracked().0, MAX_TRACKED);
    }

    #[test]
    fn zero_means_unlimited() {
        let gate = FloodGate::per_minute(0);
        let now = Instant::now();
        assert!((0..1000).all(|_| gate.check(1, now) == Verdict::Allow));
    }
}
