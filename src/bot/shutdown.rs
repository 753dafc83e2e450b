//! Graceful shutdown: Ctrl-C or SIGTERM stops taking updates; answers in flight finish and
//! the polling offset is confirmed, so nothing is answered twice after a restart.

use std::time::Duration;

use teloxide::dispatching::ShutdownToken;
use tracing::info;

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

/// Spawns a task that asks the dispatcher behind `token` to stop once a signal arrives.
pub fn on_signal(token: ShutdownToken) {
    tokio::spawn(async move {
        signal().await;
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
}
