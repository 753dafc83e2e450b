//! Telegram's sending limits without a ticking worker.
//!
//! Each message reserves the earliest moment that keeps its chat and the whole bot within
//! [`SendLimits`], then sleeps until then. A message within the limits goes out at once.
//! teloxide's `Throttle` adaptor, used before, released queued messages from a loop that
//! slept 250 ms per turn, which added 0–250 ms to every answer.
//!
//! - Per chat: at most `per_chat_per_second` in any second and `per_chat_per_minute` (or
//!   `per_group_per_minute` for groups and channels) in any minute. Reservations of one chat
//!   never go back in time, so the parts of a long answer keep their order.
//! - Overall: messages at least `1 / overall_per_second` apart.
//! - After a 429, [`Pacer::freeze`] holds every message until Telegram's `retry_after` ends.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::config::SendLimits;

const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);

/// How many reservations pass between sweeps that forget idle chats.
const PRUNE_EVERY: u32 = 1024;

/// Hands out send times within Telegram's limits; shared by every handler.
#[derive(Debug)]
pub struct Pacer {
    limits: SendLimits,
    /// The smallest gap between two messages of the whole bot.
    overall_gap: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Each chat's reservations of the last minute, oldest first.
    chats: HashMap<i64, VecDeque<Instant>>,
    /// Every reservation of the last second and later, with how many share the instant.
    overall: BTreeMap<Instant, u32>,
    /// No message before this (Telegram's `retry_after`).
    frozen_until: Option<Instant>,
    /// Reservations since idle chats were last forgotten.
    since_prune: u32,
}

impl Pacer {
    /// A pacer keeping to `limits` (each value at least 1; the configuration checks that).
    pub fn new(limits: SendLimits) -> Pacer {
        let overall_gap = SECOND / limits.overall_per_second.max(1);
        Pacer { limits, overall_gap, state: Mutex::new(State::default()) }
    }

    /// Waits until a message to `chat` may go out, and counts it as sent then.
    pub async fn wait_turn(&self, chat: i64) {
        let at = self.reserve(chat, Instant::now());
        tokio::time::sleep_until(at).await;
    }

    /// Holds every message for `wait` from now (Telegram answered 429 with `retry_after`).
    pub fn freeze(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.frozen_until = Some(state.frozen_until.map_or(until, |t| t.max(until)));
    }

    /// Chats with a reservation in the last minute.
    #[cfg(test)]
    fn tracked_chats(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).chats.len()
    }

    /// Reserves the earliest moment from `now` on when a message to `chat` keeps within the
    /// limits, and returns it.
    fn reserve(&self, chat: i64, now: Instant) -> Instant {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.forget_before(now);
        let mut at = state.frozen_until.map_or(now, |t| t.max(now));
        let per_minute = if chat < 0 {
            self.limits.per_group_per_minute
        } else {
            self.limits.per_chat_per_minute
        };
        let State { chats, overall, .. } = &mut *state;
        let sent = chats.entry(chat).or_default();
        if let Some(&last) = sent.back() {
            at = at.max(last);
        }
        for (limit, window) in [(self.limits.per_chat_per_second, SECOND), (per_minute, MINUTE)] {
            if let Some(opens) = window_opens(sent, limit, window) {
                at = at.max(opens);
            }
        }
        at = overall_slot(overall, at, self.overall_gap);
        sent.push_back(at);
        *overall.entry(at).or_insert(0) += 1;
        at
    }
}

/// When `sent` (sorted) holds `limit` or more messages, the earliest moment at which fewer
/// than `limit` of them fall in the `window` ending then.
fn window_opens(sent: &VecDeque<Instant>, limit: u32, window: Duration) -> Option<Instant> {
    let index = sent.len().checked_sub(limit.max(1) as usize)?;
    Some(sent[index] + window)
}

impl State {
    /// Drops reservations too old to matter at `now`, and every [`PRUNE_EVERY`] calls the
    /// chats left without any.
    fn forget_before(&mut self, now: Instant) {
        if let Some(second_ago) = now.checked_sub(SECOND) {
            self.overall = self.overall.split_off(&second_ago);
        }
        self.since_prune += 1;
        if self.since_prune >= PRUNE_EVERY {
            self.since_prune = 0;
            if let Some(minute_ago) = now.checked_sub(MINUTE) {
                self.chats.retain(|_, sent| {
                    while sent.front().is_some_and(|&t| t < minute_ago) {
                        sent.pop_front();
                    }
                    !sent.is_empty()
                });
            }
        }
        if self.frozen_until.is_some_and(|t| t <= now) {
            self.frozen_until = None;
        }
    }
}

/// The earliest moment from `at` on that is at least `gap` away from every reservation in
/// `overall`.
fn overall_slot(overall: &BTreeMap<Instant, u32>, mut at: Instant, gap: Duration) -> Instant {
    if gap.is_zero() {
        return at;
    }
    loop {
        let from = at.checked_sub(gap).map_or(at, |t| t + Duration::from_nanos(1));
        match overall.range(from..at + gap).next_back() {
            Some((&clash, _)) => at = clash + gap,
            None => return at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_second: u32, per_minute: u32, overall: u32) -> SendLimits {
        SendLimits {
            per_chat_per_second: per_second,
            per_chat_per_minute: per_minute,
            per_group_per_minute: per_minute,
            overall_per_second: overall,
        }
    }

    #[test]
    fn a_message_within_the_limits_goes_out_at_once() {
        let pacer = Pacer::new(SendLimits::default());
        let now = Instant::now();
        assert_eq!(pacer.reserve(1, now), now);
        assert_eq!(
            pacer.reserve(2, now + Duration::from_millis(40)),
            now + Duration::from_millis(40)
        );
    }

    #[test]
    fn one_chat_gets_at_most_its_per_second_limit() {
        let pacer = Pacer::new(limits(1, 20, 1000));
        let now = Instant::now();
        let times: Vec<_> = (0..3).map(|_| pacer.reserve(7, now)).collect();
        assert_eq!(times, [now, now + SECOND, now + 2 * SECOND]);
    }

    #[test]
    fn one_chat_gets_at_most_its_per_minute_limit_in_any_minute() {
        let pacer = Pacer::new(limits(100, 5, 1000));
        let now = Instant::now();
        let times: Vec<_> = (0..7).map(|_| pacer.reserve(-100, now)).collect();
        assert!(times[..5].iter().all(|&t| t < now + SECOND), "{times:?}");
        assert_eq!(times[5], times[0] + MINUTE);
        assert_eq!(times[6], times[1] + MINUTE);
        for (i, &t) in times.iter().enumerate() {
            let in_window = times.iter().filter(|&&u| u <= t && u + MINUTE > t).count();
            assert!(in_window <= 5, "message {i}: {in_window} in one minute");
        }
    }

    #[test]
    fn the_bot_keeps_its_overall_rate_across_chats() {
        let pacer = Pacer::new(limits(1, 20, 10));
        let now = Instant::now();
        let mut times: Vec<_> = (0..25).map(|chat| pacer.reserve(chat, now)).collect();
        times.sort();
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] >= Duration::from_millis(100), "{pair:?}");
        }
        assert_eq!(*times.last().unwrap(), now + Duration::from_millis(2400));
    }

    #[test]
    fn a_chat_waiting_for_its_own_slot_does_not_hold_up_others() {
        let pacer = Pacer::new(limits(1, 20, 10));
        let now = Instant::now();
        pacer.reserve(1, now);
        let second_for_chat_one = pacer.reserve(1, now);
        assert_eq!(second_for_chat_one, now + SECOND);
        // Chat 2 fits in before chat 1's second message.
        assert_eq!(pacer.reserve(2, now), now + Duration::from_millis(100));
    }

    #[test]
    fn a_freeze_holds_every_chat() {
        let pacer = Pacer::new(SendLimits::default());
        let now = Instant::now();
        pacer.freeze(Duration::from_secs(3));
        assert!(pacer.reserve(5, now) >= now + Duration::from_secs(3));
    }

    #[test]
    fn idle_chats_are_forgotten() {
        let pacer = Pacer::new(limits(1000, 100_000, 100_000));
        let start = Instant::now();
        for chat in 0..500 {
            pacer.reserve(chat, start);
        }
        assert_eq!(pacer.tracked_chats(), 500);
        let later = start + 2 * MINUTE;
        for i in 0..PRUNE_EVERY {
            pacer.reserve(1_000_000, later + Duration::from_millis(u64::from(i)));
        }
        assert_eq!(pacer.tracked_chats(), 1);
    }
}
