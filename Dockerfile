# passagebot: a Telegram bot answering from a corpus. Multi-stage: the first stage builds the
# release binary, the runtime stage holds only it, CA certificates and the bundled corpus,
# and runs as an unprivileged user.
#
#   docker build -t passagebot .
#   docker run -d --name passagebot -e TELOXIDE_TOKEN=... -e PASSAGEBOT_ADMINS=12345 \
#     -v "$PWD/corpus:/corpus:ro" -v passagebot-state:/var/lib/passagebot passagebot
#
# Volumes: /corpus (the material, read-only is fine) and /var/lib/passagebot (the index and
# the stats and allow-list databases next to it). Every config key can be set as
# PASSAGEBOT_<KEY> (see passagebot.toml.example); a config file can be mounted and named
# with `serve --config /etc/passagebot/passagebot.toml`.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked \
 && cp target/release/passagebot /passagebot

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/passagebot --no-create-home passagebot \
 && mkdir -p /var/lib/passagebot /corpus \
 && chown passagebot:passagebot /var/lib/passagebot
COPY --from=build /passagebot /usr/local/bin/passagebot
COPY corpus/ /corpus/
ENV PASSAGEBOT_CORPUS=/corpus \
    PASSAGEBOT_INDEX=/var/lib/passagebot/index \
    PASSAGEBOT_METRICS_LISTEN=0.0.0.0:9090
VOLUME ["/corpus", "/var/lib/passagebot"]
USER passagebot:passagebot
WORKDIR /var/lib/passagebot
EXPOSE 9090
# /healthz on metrics_listen, with the shell's own TCP (no curl in the image).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9090 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '^ok' <&3"]
ENTRYPOINT ["passagebot"]
CMD ["serve"]
