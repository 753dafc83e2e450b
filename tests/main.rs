//! passagebot's one integration-test binary: end-to-end behaviour through the public
//! interfaces (the `passagebot` executable and the library API).

/// Helpers: a temporary working directory with a corpus, and a runner for the binary.
mod env;

/// `passagebot index` / `ask` / `eval` on the bundled corpus and on broken corpora.
mod cli;

/// The index on disk: build lock, read-only and foreign-owned folders, damage, the corpus an
/// index remembers.
mod index;

/// Crash safety: kill -9 during builds.
mod crash;

/// Hostile questions: any text gets an answer or a clear message, never a crash.
mod hostile;

/// Hostile corpora: deep pages, links out of the corpus, FIFOs, devices, duplicate ids.
mod hostile_corpus;

/// Relevance through the library: the bundled corpus, and one property per test on tiny
/// in-RAM corpora with insta snapshots of the rankings.
mod relevance;

/// One regression test per fixed bug, named after what broke (new ones go here).
mod regression;

/// Answers a student can trust: confidence, real-typo suggestions, chatty questions.
mod trust;

/// Helping a student on: `/start` examples, "See also", follow-ups, chat parity.
mod guidance;

/// Quality guards on `../shared/eval` (skipped, loudly, when that folder is absent).
mod shared_eval;

/// The Telegram bot through a Bot API stand-in on 127.0.0.1.
mod bot;

/// Packaging: Dockerfile, compose.yaml and the systemd unit (image build and
/// `systemd-analyze verify` where available, `SKIPPED` otherwise).
mod deploy;
