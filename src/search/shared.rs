//! The live engine of a long-running process: requests take the current generation, a
//! reindex swaps in the next one atomically.

use std::sync::Arc;

use arc_swap::ArcSwap;

use super::Engine;

/// The live engine of a long-running process, swapped atomically after a reindex.
pub struct SharedEngine {
    current: ArcSwap<Engine>,
}

impl SharedEngine {
    /// Wraps the first engine.
    pub fn new(engine: Engine) -> SharedEngine {
        SharedEngine { current: ArcSwap::from_pointee(engine) }
    }

    /// The engine to use for one request.
    pub fn current(&self) -> Arc<Engine> {
        self.current.load_full()
    }

    /// Makes `engine` the one new requests use; requests in flight finish on the old one.
    /// The new engine keeps the ranking knobs of the one it replaces (the process's
    /// configured confidence threshold, say), so a reindex never resets them.
    pub fn replace(&self, mut engine: Engine) {
        engine.set_tuning(*self.current.load().tuning());
        self.current.store(Arc::new(engine));
    }
}
