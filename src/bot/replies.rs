//! A small, bounded memory of recent replies by message, so "Next answer" can show the next
//! passage with its own key sentence and a reply to an answer can be read as a follow-up of
//! its question; and of the last question answered in each chat, with when, for follow-ups
//! that come right after an answer. When a reply has been forgotten (restart, eviction) the
//! button still works from its callback data, just without the highlight.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use passagebot::answer::Reply;

/// `(chat id, message id)`.
type Key = (i64, i32);

/// Recent replies, oldest evicted first.
#[derive(Debug)]
pub struct ReplyCache {
    capacity: usize,
    inner: Mutex<Entries>,
}

/// Replies with the generation that made them, plus the insertion order for eviction.
#[derive(Debug, Default)]
struct Entries {
    by_message: HashMap<Key, (String, Arc<Reply>)>,
    order: VecDeque<Key>,
    /// Per chat: the last question answered (as asked of the index) and when.
    last_question: HashMap<i64, (String, Instant)>,
}

impl ReplyCache {
    /// Remembers at most `capacity` replies.
    pub fn new(capacity: usize) -> ReplyCache {
        ReplyCache { capacity: capacity.max(1), inner: Mutex::new(Entries::default()) }
    }

    /// Remembers `reply`, made by the index generation `generation`, for a sent message.
    pub fn insert(&self, key: Key, generation: &str, reply: Arc<Reply>) {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let Entries { by_message: map, order, .. } = &mut *guard;
        if map.insert(key, (generation.to_string(), reply)).is_none() {
            order.push_back(key);
        }
        while order.len() > self.capacity {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }

    /// Remembers `question` as the last one answered in `chat`, at `at`.
    pub fn remember_question(&self, chat: i64, question: &str, at: Instant) {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if guard.last_question.len() >= self.capacity && !guard.last_question.contains_key(&chat) {
            // Bounded: the stalest half goes.
            let mut times: Vec<Instant> = guard.last_question.values().map(|(_, t)| *t).collect();
            times.sort_unstable();
            let cut = times[times.len() / 2];
            guard.last_question.retain(|_, (_, t)| *t > cut);
        }
        guard.last_question.insert(chat, (question.to_string(), at));
    }

    /// The last question answered in `chat`, if it was at most `window` before `now`.
    pub fn recent_question(&self, chat: i64, now: Instant, window: Duration) -> Option<String> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (question, at) = guard.last_question.get(&chat)?;
        (now.saturating_duration_since(*at) <= window).then(|| question.clone())
    }

    /// Forgets the last question of `chat` (a new subject that found nothing).
    pub fn forget_question(&self, chat: i64) {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.last_question.remove(&chat);
    }

    /// The reply behind a message, if remembered, whatever generation made it (callers that
    /// use its answers check each passage's stable key against the live index).
    pub fn get_any(&self, key: Key) -> Option<Arc<Reply>> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.by_message.get(&key).map(|(_, reply)| reply.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(q: &str) -> Arc<Reply> {
        Arc::new(Reply {
            question: q.into(),
            answers: vec![],
            suggestion: None,
            no_match: None,
            nearby: vec![],
        })
    }

    #[test]
    fn evicts_oldest() {
        let cache = ReplyCache::new(2);
        cache.insert((1, 1), "g", reply("a"));
        cache.insert((1, 2), "g", reply("b"));
        cache.insert((1, 3), "g", reply("c"));
        assert!(cache.get_any((1, 1)).is_none());
        assert_eq!(cache.get_any((1, 3)).unwrap().question, "c");
    }

    #[test]
    fn last_questions_expire_and_stay_bounded() {
        let cache = ReplyCache::new(4);
        let start = Instant::now();
        cache.remember_question(1, "kt invest", start);
        let later = start + Duration::from_secs(60);
        assert_eq!(
            cache.recent_question(1, later, Duration::from_secs(300)).as_deref(),
            Some("kt invest")
        );
        assert_eq!(cache.recent_question(1, later, Duration::from_secs(30)), None);
        assert_eq!(cache.recent_question(2, later, Duration::from_secs(300)), None);
        for chat in 10..30 {
            cache.remember_question(chat, "q", start + Duration::from_secs(chat as u64));
        }
        assert!(cache.inner.lock().unwrap().last_question.len() <= 4);
        cache.forget_question(29);
        assert_eq!(cache.recent_question(29, later, Duration::from_secs(300)), None);
    }
}
