//! The load test: 100 simulated users in private chats ask 10 questions each through the
//! stand-in (long polling), each user asking the next question once the previous one is
//! answered. Checks that every question is answered exactly once and none is lost, and
//! prints the reply latency (from the `getUpdates` response that handed the update out to the
//! `sendMessage` that answers it: p50, p99, max), the same up to the typing indicator (which,
//! unlike `sendMessage`, does not queue in the `Throttle` adaptor), and the total time.
//!
//! Ignored by default; run it with
//! `cargo test --release --test integration -- --ignored bot::load --nocapture`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::json;

use super::*;

const USERS: i64 = 100;
const QUESTIONS: usize = 10;
/// The first simulated user's id (and private chat id).
const FIRST_USER: i64 = 10_000;

const ASKED: [&str; QUESTIONS] = [
    "how do I unpack the archive?",
    "when should I water the tomatoes?",
    "how long should the tea steep?",
    "how often do I oil the bicycle chain?",
    "what do I pour over the tea leaves?",
    "where do I unpack the widget archive?",
    "what do tomatoes need to grow well?",
    "when do I check the tyre pressure?",
    "why is the onclick attribute dangerous?",
    "quantum chromodynamics lattice gauge",
];

/// One user's progress: the update of the question waiting for an answer, whether its typing
/// indicator came, and the count of answers.
#[derive(Default)]
struct User {
    waiting_for: Option<i64>,
    typing_seen: bool,
    answered: usize,
}

#[test]
#[ignore = "load test; run with --ignored bot::load --nocapture"]
fn hundred_users_ten_questions() {
    // Flood control off; the harness's send limits are raised far above Telegram's.
    let bot = Bot::start(Options { questions_per_minute: 0, log: "warn", ..Options::default() });
    bot.api.wait_for(|c| c.method == "setMyCommands");
    let ask = |user: i64, n: usize| {
        let question = ASKED[(user as usize + n) % QUESTIONS];
        bot.api.push(bot.message(user, user, question))
    };

    let started = Instant::now();
    let mut users: HashMap<i64, User> = HashMap::new();
    for user in FIRST_USER..FIRST_USER + USERS {
        users.insert(user, User { waiting_for: Some(ask(user, 0)), ..User::default() });
    }
    let mut latencies = Vec::new();
    let mut typing = Vec::new();
    let mut seen = 0;
    let deadline = started + Duration::from_secs(300);
    while users.values().any(|u| u.answered < QUESTIONS) {
        assert!(Instant::now() < deadline, "lost questions: {}", unanswered(&users));
        let calls = bot.api.calls_since(seen);
        seen += calls.len();
        for call in &calls {
            let Some(chat) = call.body["chat_id"].as_i64() else { continue };
            let user = users.get_mut(&chat).expect("a call for a simulated user");
            if call.method == "sendChatAction"
                && let Some(update) = user.waiting_for
                && !std::mem::replace(&mut user.typing_seen, true)
            {
                typing.push(call.at.duration_since(bot.api.handed_out(update).unwrap()));
            }
            if call.method != "sendMessage" {
                continue;
            }
            let update = user.waiting_for.take().unwrap_or_else(|| {
                panic!("user {chat} got a second answer: {}", text(call));
            });
            let handed_out = bot.api.handed_out(update).expect("answered before handed out");
            latencies.push(call.at.duration_since(handed_out));
            user.answered += 1;
            user.typing_seen = false;
            if user.answered < QUESTIONS {
                user.waiting_for = Some(ask(chat, user.answered));
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let total = started.elapsed();

    // Nothing arrives late: no question is answered twice.
    std::thread::sleep(Duration::from_secs(1));
    let late: Vec<_> =
        bot.api.calls_since(seen).into_iter().filter(|c| c.method == "sendMessage").collect();
    assert!(late.is_empty(), "{} answer(s) after every question was answered once", late.len());
    let count = (USERS as usize) * QUESTIONS;
    assert_eq!(latencies.len(), count);
    let sent = bot.api.calls_of("sendMessage");
    for user in FIRST_USER..FIRST_USER + USERS {
        let to_user = sent.iter().filter(|c| c.body["chat_id"] == json!(user)).count();
        assert_eq!(to_user, QUESTIONS, "answers to user {user}");
    }

    let (reply, typing) = (Percentiles::of(latencies), Percentiles::of(typing));
    println!(
        "load: {USERS} users x {QUESTIONS} questions = {count} answered once each in {:.2} s \
         ({:.0} answers/s); reply latency {reply}; typing indicator {typing}",
        total.as_secs_f64(),
        count as f64 / total.as_secs_f64(),
    );
    let (ok, stderr) = bot.stop();
    assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
}

/// p50, p99 and max of a set of durations, printed in milliseconds.
struct Percentiles([Duration; 3]);

impl Percentiles {
    fn of(mut durations: Vec<Duration>) -> Percentiles {
        assert!(!durations.is_empty());
        durations.sort();
        // Nearest rank: the smallest value with at least q of the values at or below it.
        let at = |q: f64| durations[((durations.len() as f64 * q).ceil() as usize).max(1) - 1];
        Percentiles([at(0.50), at(0.99), *durations.last().unwrap()])
    }
}

impl std::fmt::Display for Percentiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let [p50, p99, max] = self.0;
        write!(f, "p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms", ms(p50), ms(p99), ms(max))
    }
}

fn unanswered(users: &HashMap<i64, User>) -> String {
    let mut waiting: Vec<String> = users
        .iter()
        .filter(|(_, u)| u.answered < QUESTIONS)
        .map(|(id, u)| format!("user {id} after {} answer(s)", u.answered))
        .collect();
    waiting.sort();
    waiting.join(", ")
}
