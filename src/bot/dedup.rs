//! Duplicate deliveries: Telegram (or a retrying webhook proxy) may hand the same update out
//! twice; the bot answers each `update_id` once.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// The most recent update ids seen, up to a fixed count.
pub struct SeenUpdates {
    capacity: usize,
    inner: Mutex<(HashSet<u32>, VecDeque<u32>)>,
}

impl SeenUpdates {
    pub fn new(capacity: usize) -> SeenUpdates {
        SeenUpdates { capacity, inner: Mutex::new((HashSet::new(), VecDeque::new())) }
    }

    /// `true` the first time `id` is seen (among the last `capacity` ids), `false` after.
    pub fn first_time(&self, id: u32) -> bool {
        let mut guard = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (set, order) = &mut *guard;
        if !set.insert(id) {
            return false;
        }
        order.push_back(id);
        if order.len() > self.capacity
            && let Some(oldest) = order.pop_front()
        {
            set.remove(&oldest);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::SeenUpdates;

    #[test]
    fn remembers_the_last_ids() {
        let seen = SeenUpdates::new(2);
        assert!(seen.first_time(1));
        assert!(!seen.first_time(1));
        assert!(seen.first_time(2));
        assert!(seen.first_time(3));
        assert!(!seen.first_time(3));
        assert!(seen.first_time(1), "forgotten after two newer ids");
    }
}
