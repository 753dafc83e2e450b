//! `GET /healthz` and `GET /metrics` on `metrics_listen`, in polling and webhook mode alike.
//!
//! Meant for a local address (a container's health check, a Prometheus scraper on the same
//! host or network); the webhook's public address keeps only its own `/healthz`, so the
//! counters are never published with it. Served by the webhook's accept loop
//! ([`super::webhook::serve`]), with the same connection limits.

use std::net::SocketAddr;

use anyhow::Context;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;
use tracing::info;

use super::{metrics, webhook};

/// Binds `listen` (a busy port is an error) and serves the two routes until the process
/// ends.
pub async fn serve(listen: SocketAddr, limits: webhook::Limits) -> anyhow::Result<()> {
    let socket = TcpListener::bind(listen).await.with_context(|| {
        format!("cannot listen on {listen} for /healthz and /metrics (metrics_listen)")
    })?;
    info!(%listen, "serving /healthz and /metrics");
    tokio::spawn(webhook::serve(socket, router(), limits, std::future::pending()));
    Ok(())
}

/// The two routes.
fn router() -> axum::Router {
    axum::Router::new().route("/healthz", get(|| async { "ok" })).route(
        "/metrics",
        get(|| async {
            (
                [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
                metrics::global().render(),
            )
                .into_response()
        }),
    )
}
