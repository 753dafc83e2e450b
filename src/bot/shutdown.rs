//! Graceful shutdown in bounded time: Ctrl-C or SIGTERM stops taking updates (the polling
//! offset of every update taken is confirmed at once, so nothing is answered twice after a
//! restart), answers in flight get [`BotConfig::shutdown_timeout_secs`] to finish, and then
//! the bot stops without the rest.
//!
//! The bound matters because replies wait for Telegram's limits (a group's 20 a minute): a
//! stop that waits for every queued reply can take minutes, and a supervisor's SIGKILL then
//! loses the offset confirmation too. Replies are few by then anyway: each chat's backlog is
//! bounded by `max_reply_wait_secs` ([`super::pace`]).
//!
//! [`BotConfig::shutdown_timeout_secs`]: super::BotConfig::shutdown_timeout_secs

use std::future::Future;
use std::time::Duration;

use teloxide::dispatching::ShutdownToken;
use tokio::sync::watch;
use tracing::{info, warn};

/// Waits for Ctrl-C or (on Unix) SIGTERM.
pub async fn signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => info!("Ctrl-C received, shutting down"),
        () = terminate => info!("SIGTERM received, shutting down"),
    }
}

/// Set once a stop signal has arrived.
#[derive(Debug, Clone)]
pub struct Stopping(watch::Receiver<bool>);

impl Stopping {
    /// Resolves once the signal has arrived.
    async fn arrived(mut self) {
        // An error means the sender is gone, which only happens with the runtime.
        let _ = self.0.wait_for(|&stopping| stopping).await;
    }
}

/// Spawns a task that asks the dispatcher behind `token` to stop once a signal arrives.
pub fn on_signal(token: ShutdownToken) -> Stopping {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        signal().await;
        tx.send_replace(true);
        // The dispatcher may not be running yet (a signal during start-up): try again shortly.
        loop {
            match token.shutdown() {
                Ok(stopped) => {
                    stopped.await;
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    });
    Stopping(rx)
}

/// Runs `dispatching` until it ends, or until `grace` after the stop signal; says which.
pub async fn within(dispatching: impl Future<Output = ()>, stopping: Stopping, grace: Duration) {
    let deadline = async {
        stopping.arrived().await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        () = dispatching => info!("stopped"),
        () = deadline => warn!(
            grace_secs = grace.as_secs(),
            "replies still in flight after the shutdown timeout; stopping without them"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn dispatching_that_never_ends_is_cut_off_after_the_grace() {
        let (tx, rx) = watch::channel(false);
        let grace = Duration::from_millis(200);
        let cut = tokio::spawn(within(std::future::pending(), Stopping(rx), grace));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!cut.is_finished(), "no signal yet");
        let signalled = tokio::time::Instant::now();
        tx.send_replace(true);
        cut.await.unwrap();
        let took = signalled.elapsed();
        assert!(took >= grace && took < grace * 5, "{took:?}");
    }
}
