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

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use teloxide::prelude::*;
use teloxide::update_listeners::UpdateListener;
use teloxide::update_listeners::webhooks::{self, Options};
use tracing::{error, info, warn};

use super::config::Secret;
use super::{describe_start_error, redact};

/// The header Telegram sends the registered secret in.
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// Starts the webhook server on `listen`, registers `url` (with the secret) through
/// `setWebhook`, and returns the listener to dispatch from. Without a configured secret a
/// random one is generated; either way it is registered with [`redact`] and never logged.
pub async fn listen(
    bot: &Bot,
    url: &str,
    listen: SocketAddr,
    secret: Option<&Secret>,
) -> anyhow::Result<impl UpdateListener<Err = Infallible> + Send + use<>> {
    let mut options = Options::new(listen, url.parse().context("--webhook is not a valid URL")?);
    let url = options.url.clone();
    // Set directly rather than through `Options::secret_token`, which panics on a bad
    // secret; `Settings::resolve` has already checked the configured one.
    options.secret_token = secret.map(|s| s.expose().to_string());
    let secret = options.get_or_gen_secret_token().to_string();
    redact::register(&secret);
    let expected = Arc::new(blake3::hash(secret.as_bytes()));

    let socket = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen} for the webhook"))?;
    let path = options.path.clone();
    let (mut listener, stop_flag, router) = webhooks::axum_no_setup(options);
    let router = router
        .layer(middleware::from_fn_with_state(expected, check_secret))
        .route("/healthz", get(|| async { "ok" }));
    let stop_token = listener.stop_token();
    let server_stop = stop_token.clone();
    tokio::spawn(async move {
        let served = axum::serve(socket, router).with_graceful_shutdown(stop_flag).await;
        if let Err(err) = served {
            error!(cause = %err, "the webhook server failed; stopping");
            server_stop.stop();
        }
    });

    if let Err(err) = bot.set_webhook(url).secret_token(secret).await {
        stop_token.stop();
        return Err(describe_start_error("setWebhook", &err));
    }
    info!(%listen, path, "webhook registered; Telegram posts updates here");
    Ok(listener)
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
