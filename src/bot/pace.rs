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
//!
//! A chat's backlog is bounded: a [`Turn::Within`] reservation that would wait longer than
//! its bound for the chat's own limits is refused with [`Busy`] and not counted, so a group
//! whose members ask faster than its 20 messages a minute gets a few answers queued, then a
//! refusal at once, instead of a queue that grows without end and holds the handlers (and,
//! before, the dispatcher and every other chat) behind it. A [`Turn::Urgent`] message (the
//! "slow down" and "busy" notices, at most one per chat and window) skips the chat's queue and
//! keeps only the overall gap and a freeze; it is not counted against the chat.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::config::SendLimits;

const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);

/// How many reservations pass between sweeps that forget idle chats.
const PRUNE_EVERY: u32 = 1024;

/// How a message takes its turn in [`Pacer::reserve_turn`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// After every message already reserved for the chat, however long that takes (the
    /// later parts of an answer whose first part was admitted, resends).
    Queued,
    /// Like [`Turn::Queued`], but refused when the chat's own limits would hold it longer
    /// than this (a 429 freeze does not count: it holds every chat alike and ends).
    Within(Duration),
    /// At once, ahead of the chat's queue: only the overall gap and a freeze apply.
    Urgent,
}

/// A refused [`Turn::Within`] reservation: the chat's backlog is longer than its bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy {
    /// How long until the chat's next free slot.
    pub retry_in: Duration,
}

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
    /// Chats told they are busy, until when that notice stands.
    noticed: HashMap<i64, Instant>,
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

    /// Reserves a moment for a message to `chat` as `turn` says, counted as sent then; the
    /// caller sleeps until it.
    pub fn reserve_turn(&self, chat: i64, turn: Turn) -> Result<Instant, Busy> {
        self.reserve_at(chat, turn, Instant::now())
    }

    /// Whether `chat`, just refused with `busy`, should be told so now: once while the
    /// chat stays over its budget (and at least ten seconds apart), never a notice per
    /// refused message.
    pub fn first_busy_notice(&self, chat: i64, busy: Busy) -> bool {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.noticed.get(&chat).is_some_and(|&until| until > now) {
            return false;
        }
        let until = now + busy.retry_in.max(Duration::from_secs(10));
        state.noticed.insert(chat, until);
        true
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
        // A queued turn is never refused; the fallback only satisfies the type.
        self.reserve_at(chat, Turn::Queued, now).unwrap_or_else(|busy| now + busy.retry_in)
    }

    /// [`Pacer::reserve_turn`] at `now`.
    fn reserve_at(&self, chat: i64, turn: Turn, now: Instant) -> Result<Instant, Busy> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.forget_before(now);
        let frozen = state.frozen_until.map_or(now, |t| t.max(now));
        let per_minute = if chat < 0 {
            self.limits.per_group_per_minute
        } else {
            self.limits.per_chat_per_minute
        };
        let State { chats, overall, .. } = &mut *state;
        if turn == Turn::Urgent {
            let at = overall_slot(overall, frozen, self.overall_gap);
            *overall.entry(at).or_insert(0) += 1;
            return Ok(at);
        }
        let sent = chats.entry(chat).or_default();
        // The chat's own limits alone, for the bound.
        let mut ready = now;
        if let Some(&last) = sent.back() {
            ready = ready.max(last);
        }
        for (limit, window) in [(self.limits.per_chat_per_second, SECOND), (per_minute, MINUTE)] {
            if let Some(opens) = window_opens(sent, limit, window) {
                ready = ready.max(opens);
            }
        }
        if let Turn::Within(bound) = turn
            && ready > now + bound
        {
            if sent.is_empty() {
                chats.remove(&chat);
            }
            return Err(Busy { retry_in: ready - now });
        }
        let at = overall_slot(overall, ready.max(frozen), self.overall_gap);
        sent.push_back(at);
        *overall.entry(at).or_insert(0) += 1;
        Ok(at)
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
            self.noticed.retain(|_, until| *until > now);
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
    fn a_private_chat_is_held_to_one_a_second_not_to_the_group_limit() {
        let pacer = Pacer::new(SendLimits::default());
        let now = Instant::now();
        let private: Vec<_> = (0..25).map(|_| pacer.reserve(7, now)).collect();
        // The 21st reply goes out 20 s on, not after a minute (it waited ~40 s before).
        assert_eq!(private[20], now + 20 * SECOND);
        assert_eq!(private[24], now + 24 * SECOND);
        let group: Vec<_> = (0..21).map(|_| pacer.reserve(-7, now)).collect();
        assert!(group[20] >= now + MINUTE, "a group keeps its 20 a minute");
    }

    #[test]
    fn a_busy_group_is_refused_at_once_instead_of_queued_without_bound() {
        let pacer = Pacer::new(limits(1, 20, 30));
        let now = Instant::now();
        let bound = Turn::Within(Duration::from_secs(5));
        let admitted: Vec<Instant> =
            (0..100).filter_map(|_| pacer.reserve_at(-100, bound, now).ok()).collect();
        // One a second for the bound's five seconds, the first at once.
        assert_eq!(admitted.len(), 6, "{admitted:?}");
        assert!(admitted.iter().all(|&t| t <= now + Duration::from_secs(5)));
        let refused = pacer.reserve_at(-100, bound, now).unwrap_err();
        assert_eq!(refused.retry_in, Duration::from_secs(6));
        // Refusals are not counted: a private chat is not held up by them.
        assert_eq!(pacer.reserve_at(7, bound, now), Ok(now + SECOND / 30));
    }

    #[test]
    fn an_urgent_notice_skips_the_chats_queue_but_keeps_the_overall_gap() {
        let pacer = Pacer::new(limits(1, 20, 10));
        let now = Instant::now();
        for _ in 0..5 {
            pacer.reserve(3, now);
        }
        let urgent = pacer.reserve_at(3, Turn::Urgent, now).unwrap();
        assert!(urgent < now + SECOND, "{:?}", urgent - now);
        assert!(urgent >= now + Duration::from_millis(100), "the overall gap is kept");
        pacer.freeze(Duration::from_secs(2));
        assert!(pacer.reserve_turn(3, Turn::Urgent).unwrap() >= now + Duration::from_secs(2));
    }

    #[test]
    fn a_busy_notice_is_sent_once_while_the_chat_stays_busy() {
        let pacer = Pacer::new(SendLimits::default());
        let busy = Busy { retry_in: Duration::from_secs(30) };
        assert!(pacer.first_busy_notice(-5, busy));
        assert!(!pacer.first_busy_notice(-5, busy));
        assert!(pacer.first_busy_notice(-6, busy), "per chat");
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
