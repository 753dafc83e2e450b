//! Webhook mode (`serve --webhook URL --listen ADDR`): Telegram POSTs each update to URL, and
//! an axum server on ADDR hands the accepted ones to the dispatcher.
//!
//! teloxide's `axum_no_setup` provides the route and the update listener. In front of it
//! this module puts a constant-time check of the `X-Telegram-Bot-Api-Secret-Token` header
//! (teloxide's own comparison is a plain `!=`, which therefore only ever sees the right
//! secret); it binds ADDR before registering the webhook, so a busy port is an error rather
//! than a panic; and it calls `setWebhook` itself. `GET /healthz` answers `ok` for a load
//! balancer. On shutdown the webhook stays registered: Telegram keeps the updates that
//! arrive meanwhile and delivers them to the next process (or another replica), so none is
//! lost across a restart or a rolling deploy. Polling mode deletes the webhook when it starts.
//!
//! The server is a small accept loop over hyper rather than `axum::serve`, which has no
//! timeouts: 1,100 connections that never finished their headers used up the file
//! descriptors and a real update went unanswered. Here at most
//! [`Limits::max_connections`] connections are served at once (more wait in the kernel's
//! backlog, unaccepted, using no descriptor of ours), a connection must send a request's
//! headers within [`Limits::timeout`] of opening or of its last response, and after four
//! times that it is closed once its current request is answered.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use teloxide::prelude::*;
use teloxide::update_listeners::UpdateListener;
use teloxide::update_listeners::webhooks::{self, Options};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tracing::{debug, info, warn};

use super::config::Secret;
use super::describe_start_error;
use crate::redact;

/// The header Telegram sends the registered secret in.
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// How many connections the webhook server holds, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once.
    pub max_connections: usize,
    /// The time a connection has to send a request's headers (from its start or its last
    /// response); a connection is closed after its request at four times this.
    pub timeout: Duration,
}

/// Starts the webhook server on `listen`, registers `url` (with the secret) through
/// `setWebhook`, and returns the listener to dispatch from. Without a configured secret a
/// random one is generated; either way it is registered with [`redact`] and never logged.
pub async fn listen(
    bot: &Bot,
    url: &str,
    listen: SocketAddr,
    secret: Option<&Secret>,
    limits: Limits,
) -> anyhow::Result<impl UpdateListener<Err = Infallible> + Send + use<>> {
    let mut options = Options::new(listen, url.parse().context("--webhook is not a valid URL")?);
    let url = options.url.clone();
    // Set directly rather than through `Options::secret_token`, which panics on a bad
    // secret; `Settings::resolve` has already checked the configured one.
    options.secret_token = secret.map(|s| s.expose().to_string());
    let secret = options.get_or_gen_secret_token().to_string();
    redact::register(&secret);
    let expected = Arc::new(blake3::hash(secret.as_bytes()));

    let socket = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen} for the webhook"))?;
    let path = options.path.clone();
    let (mut listener, stop_flag, router) = webhooks::axum_no_setup(options);
    let router = router
        .layer(middleware::from_fn_with_state(expected, check_secret))
        .route("/healthz", get(|| async { "ok" }));
    let stop_token = listener.stop_token();
    tokio::spawn(serve(socket, router, limits, stop_flag));

    if let Err(err) = bot.set_webhook(url).secret_token(secret).await {
        stop_token.stop();
        return Err(describe_start_error("setWebhook", &err));
    }
    info!(%listen, path, "webhook registered; Telegram posts updates here");
    Ok(listener)
}

/// Accepts connections on `socket` within `limits` and serves `router` on each, until `stop`.
/// Connections still open then finish on their own (within their time limit). Also serves
/// [`super::health`].
pub(super) async fn serve(
    socket: TcpListener,
    router: axum::Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    tokio::pin!(stop);
    loop {
        // A free slot first: past the limit, connections wait in the backlog, not here.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            () = &mut stop => break,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            accepted = socket.accept() => accepted,
            () = &mut stop => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(err) => {
                // Out of descriptors, or a connection reset before it was accepted: pause
                // rather than spin.
                warn!(cause = %err, "accepting a webhook connection failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let router = router.clone();
        tokio::spawn(async move {
            serve_connection(stream, router, limits.timeout).await;
            drop(slot);
        });
    }
    debug!("the webhook server stopped accepting connections");
}

/// Serves one connection: headers within `timeout` (hyper closes it otherwise), and at most
/// four times `timeout` in all, the request in progress then answered first.
async fn serve_connection(stream: TcpStream, router: axum::Router, timeout: Duration) {
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(timeout).keep_alive(true);
    let connection =
        builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(router));
    tokio::pin!(connection);
    let finished = tokio::select! {
        finished = connection.as_mut() => finished,
        () = tokio::time::sleep(timeout * 4) => {
            connection.as_mut().graceful_shutdown();
            match tokio::time::timeout(timeout, connection).await {
                Ok(finished) => finished,
                Err(_) => return,
            }
        }
    };
    if let Err(err) = finished {
        debug!(cause = %err, "a webhook connection ended with an error");
    }
}

/// Lets a request through only when it carries the secret. Both sides are hashed first, so
/// the comparison (blake3's constant-time `Hash` equality) takes the same time whatever the
/// header holds, including its length.
async fn check_secret(
    State(expected): State<Arc<blake3::Hash>>,
    request: Request,
    next: Next,
) -> Response {
    let given = request.headers().get(SECRET_HEADER).map(|v| blake3::hash(v.as_bytes()));
    match given {
        Some(given) if given == *expected => next.run(request).await,
        Some(_) => reject("wrong"),
        None => reject("missing"),
    }
}

fn reject(secret: &'static str) -> Response {
    warn!(secret, "webhook request rejected: wrong or missing secret token");
    StatusCode::UNAUTHORIZED.into_response()
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use tower::ServiceExt;

    use super::*;

    fn app() -> axum::Router {
        let expected = Arc::new(blake3::hash(b"right-secret"));
        axum::Router::new()
            .route("/hook", axum::routing::post(|| async { "accepted" }))
            .layer(middleware::from_fn_with_state(expected, check_secret))
    }

    async fn status(header: Option<&str>) -> StatusCode {
        let mut request = Request::post("/hook");
        if let Some(value) = header {
            request = request.header(SECRET_HEADER, value);
        }
        app().oneshot(request.body(Body::empty()).unwrap()).await.unwrap().status()
    }

    #[tokio::test]
    async fn only_the_right_secret_passes() {
        assert_eq!(status(Some("right-secret")).await, StatusCode::OK);
        assert_eq!(status(Some("right-secreT")).await, StatusCode::UNAUTHORIZED);
        assert_eq!(status(Some("right-secret-and-more")).await, StatusCode::UNAUTHORIZED);
        assert_eq!(status(Some("")).await, StatusCode::UNAUTHORIZED);
        assert_eq!(status(None).await, StatusCode::UNAUTHORIZED);
    }
}
