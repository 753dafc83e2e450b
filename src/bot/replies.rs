//! A small, bounded memory of recent replies by message, so "Next answer" can show the next
//! passage with its own key sentence. When a reply has been forgotten (restart, eviction)
//! the button still works from its callback data, just without the highlight.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

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
}

impl ReplyCache {
    /// Remembers at most `capacity` replies.
    pub fn new(capacity: usize) -> ReplyCache {
        ReplyCache { capacity: capacity.max(1), inner: Mutex::new(Entries::default()) }
    }

    /// Remembers `reply`, made by the index generation `generation`, for a sent message.
    pub fn insert(&self, key: Key, generation: &str, reply: Arc<Reply>) {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let Entries { by_message: map, order } = &mut *guard;
        if map.insert(key, (generation.to_string(), reply)).is_none() {
            order.push_back(key);
        }
        while order.len() > self.capacity {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }

    /// The reply behind a message, if remembered and made by `generation`.
    pub fn get(&self, key: Key, generation: &str) -> Option<Arc<Reply>> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.by_message.get(&key).filter(|(g, _)| g == generation).map(|(_, reply)| reply.clone())
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
    fn evicts_oldest_and_checks_generation() {
        let cache = ReplyCache::new(2);
        cache.insert((1, 1), "g", reply("a"));
        cache.insert((1, 2), "g", reply("b"));
        cache.insert((1, 3), "g", reply("c"));
        assert!(cache.get((1, 1), "g").is_none());
        assert_eq!(cache.get((1, 3), "g").unwrap().question, "c");
        assert!(cache.get((1, 3), "other").is_none());
    }
}
