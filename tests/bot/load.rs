//! The load test: 100 simulated users in private chats ask 10 questions each through the
//! stand-in (long polling), each user asking the next question once the previous one is
//! answered. Checks that every question is answered exactly once and none is lost, and
//! prints the reply latency (from the `getUpdates` response that handed the update out to the
//! `sendMessage` that answers it: p50, p99, max), the same up to the typing indicator (sent
//! while the search runs, and not paced), and the total time.
//!
//! The same with 500 users (within a minute), and 500 users while an admin `/reindex` of a
//! larger corpus runs and swaps the index mid-load: no failed, missing or doubled answers.
//! Each run also prints the bot's peak RSS (`VmHWM`).
//!
//! Two more: private-answer latency while a 100-member group floods under Telegram's real
//! limits, and 20,000 one-off users (throughput of the first and second 10,000, peak RSS).
//!
//! Ignored by default; run them with
//! `cargo test --release --test integration -- --ignored bot::load --nocapture`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::json;

use super::*;

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
    /// Which of [`ASKED`] is waiting.
    asked: usize,
    typing_seen: bool,
    answered: usize,
}

#[test]
#[ignore = "load test; run with --ignored bot::load --nocapture"]
fn hundred_users_ten_questions() {
    load(100, false);
}

#[test]
#[ignore = "load test; run with --ignored bot::load --nocapture"]
fn five_hundred_users_ten_questions_within_a_minute() {
    let total = load(500, false);
    assert!(total < Duration::from_secs(60), "5,000 questions took {total:?}");
}

#[test]
#[ignore = "load test; run with --ignored bot::load --nocapture"]
fn five_hundred_users_while_a_reindex_swaps_the_index() {
    load(500, true);
}

/// The bot's overall send limit in the load tests: far above Telegram's 30 per second, so the
/// bot itself, not its limit, sets the pace. `PASSAGEBOT_LOAD_OVERALL_PER_SECOND` overrides
/// it, e.g. to see a limit kept under load.
const OVERALL_PER_SECOND: u32 = 100_000;

/// Runs the load with `users` users; with `reindex`, an admin starts a `/reindex` of a larger
/// corpus once a fifth of the questions are answered, and it must finish before the load
/// does. Returns the total time.
fn load(users_count: i64, reindex: bool) -> Duration {
    let overall_per_second = std::env::var("PASSAGEBOT_LOAD_OVERALL_PER_SECOND")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(OVERALL_PER_SECOND);
    // Flood control off; the harness's send limits are raised far above Telegram's.
    let options =
        Options { questions_per_minute: 0, log: "warn", overall_per_second, ..Options::default() };
    let bot = Bot::start(options);
    bot.api.wait_for(|c| c.method == "setMyCommands");
    if reindex {
        let filler: Vec<(String, String)> = (0..3000)
            .map(|i| {
                (
                    format!("filler{i}"),
                    format!(
                        "Filler note {i} about lantern {i} and harbour {}: the ferry timetable changes in winter, and the lighthouse keeper logs every ship.",
                        i * 7
                    ),
                )
            })
            .collect();
        let mut records: Vec<(&str, &str, Option<&str>, &str)> = CORPUS.to_vec();
        records
            .extend(filler.iter().map(|(id, t)| (id.as_str(), "Harbour notes", None, t.as_str())));
        write_corpus(&bot.corpus(), &records);
    }
    let ask = |user: i64, n: usize| {
        let asked = (user as usize + n) % QUESTIONS;
        (bot.api.push(bot.message(user, user, ASKED[asked])), asked)
    };

    let started = Instant::now();
    let mut users: HashMap<i64, User> = HashMap::new();
    for user in FIRST_USER..FIRST_USER + users_count {
        let (update, asked) = ask(user, 0);
        users.insert(user, User { waiting_for: Some(update), asked, ..User::default() });
    }
    let count = (users_count as usize) * QUESTIONS;
    let (mut reindex_sent, mut reindexed) = (false, None);
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
            if chat == ADMIN {
                if call.method == "sendMessage" && !text(call).starts_with("Reindexing") {
                    assert!(text(call).contains("Reindexed in"), "{}", text(call));
                    reindexed = Some((started.elapsed(), latencies.len()));
                }
                continue;
            }
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
            let no_match = text(call).contains("no good match");
            assert_eq!(
                no_match,
                user.asked == QUESTIONS - 1,
                "{:?}: {}",
                ASKED[user.asked],
                text(call)
            );
            user.answered += 1;
            user.typing_seen = false;
            if user.answered < QUESTIONS {
                let (update, asked) = ask(chat, user.answered);
                (user.waiting_for, user.asked) = (Some(update), asked);
            }
        }
        if reindex && !reindex_sent && latencies.len() >= count / 5 {
            bot.say(ADMIN, ADMIN, "/reindex");
            reindex_sent = true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let total = started.elapsed();

    // Nothing arrives late: no question is answered twice.
    std::thread::sleep(Duration::from_secs(1));
    let late: Vec<_> =
        bot.api.calls_since(seen).into_iter().filter(|c| c.method == "sendMessage").collect();
    assert!(late.is_empty(), "{} answer(s) after every question was answered once", late.len());
    assert_eq!(latencies.len(), count);
    let sent = bot.api.calls_of("sendMessage");
    for user in FIRST_USER..FIRST_USER + users_count {
        let to_user = sent.iter().filter(|c| c.body["chat_id"] == json!(user)).count();
        assert_eq!(to_user, QUESTIONS, "answers to user {user}");
    }

    let swap = match (reindex, reindexed) {
        (false, _) => String::new(),
        (true, Some((at, answered))) => format!(
            "; /reindex of {} documents sent after {} answers, swapped at {:.2} s after {answered} answers",
            CORPUS.len() + 3000,
            count / 5,
            at.as_secs_f64()
        ),
        (true, None) => panic!("the reindex did not finish during the load"),
    };
    if let Some((_, answered)) = reindexed {
        assert!(answered < count, "the swap came after the load");
    }
    let peak_rss = peak_rss_kib(bot.child.id());
    let (reply, typing) = (Percentiles::of(latencies), Percentiles::of(typing));
    println!(
        "load: {users_count} users x {QUESTIONS} questions = {count} answered once each in {:.2} s \
         ({:.0} answers/s); reply latency {reply}; typing indicator {typing}; peak RSS {:.1} MiB{swap}",
        total.as_secs_f64(),
        count as f64 / total.as_secs_f64(),
        peak_rss as f64 / 1024.0,
    );
    let (ok, stderr) = bot.stop();
    assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
    total
}

/// `VmHWM` (peak resident set) of a process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM in /proc status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// `VmRSS` (resident set now) of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS in /proc status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
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

#[test]
#[ignore = "load test; run with --ignored bot::load --nocapture"]
fn private_latency_while_a_hundred_member_group_floods() {
    const WAVES: usize = 10;
    const PRIVATE_USERS: i64 = 10;
    const MEMBERS: i64 = 100;
    let options = Options {
        telegram_limits: true,
        overall_per_second: 30,
        log: "warn",
        ..Options::default()
    };
    let bot = Bot::start(options);
    bot.api.wait_for(|c| c.method == "setMyCommands");
    let started = Instant::now();
    // Private users ask one after another, each asking again 1.1 s after its answer (one
    // message a second is Telegram's limit per chat); the group floods with a wave of 100
    // `/ask` every 2 s.
    let mut waiting: HashMap<i64, (i64, usize)> = HashMap::new();
    let mut thinking: Vec<(Instant, i64, usize)> = Vec::new();
    let ask = |user: i64, n: usize| bot.api.push(bot.message(user, user, ASKED[n % 9]));
    for user in FIRST_USER..FIRST_USER + PRIVATE_USERS {
        waiting.insert(user, (ask(user, 0), 0));
    }
    let (mut latencies, mut seen, mut waves) = (Vec::new(), 0, 0);
    let mut next_wave = started;
    while waves < WAVES || !waiting.is_empty() || !thinking.is_empty() {
        assert!(started.elapsed() < Duration::from_secs(120), "lost private questions");
        if waves < WAVES && Instant::now() >= next_wave {
            for member in 0..MEMBERS {
                let member = 90_000 + member;
                bot.api.push(bot.message(member, GROUP, "/ask how do I unpack the archive?"));
            }
            waves += 1;
            next_wave += Duration::from_secs(2);
        }
        let calls = bot.api.calls_since(seen);
        seen += calls.len();
        for call in calls.iter().filter(|c| c.method == "sendMessage") {
            let Some(chat) = call.body["chat_id"].as_i64() else { continue };
            let Some((update, n)) = waiting.remove(&chat) else { continue };
            latencies.push(call.at.duration_since(bot.api.handed_out(update).unwrap()));
            if waves < WAVES {
                thinking.push((Instant::now() + Duration::from_millis(1100), chat, n + 1));
            }
        }
        let now = Instant::now();
        for (_, user, n) in thinking.iter().filter(|(at, ..)| *at <= now) {
            waiting.insert(*user, (ask(*user, *n), *n));
        }
        thinking.retain(|(at, ..)| *at > now);
        std::thread::sleep(Duration::from_millis(2));
    }
    let group = bot
        .api
        .calls_of("sendMessage")
        .into_iter()
        .filter(|c| c.body["chat_id"] == json!(GROUP))
        .count();
    let count = latencies.len();
    let private = Percentiles::of(latencies);
    println!(
        "busy group: {WAVES} waves of {MEMBERS} group questions in {:.1} s; {count} private answers: {private}; {group} messages to the group",
        started.elapsed().as_secs_f64()
    );
    assert!(private.0[1] < Duration::from_secs(1), "private p99 {private}");
    let (ok, stderr) = bot.stop();
    assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
}

#[test]
#[ignore = "load test; run with --ignored bot::load --nocapture"]
fn twenty_thousand_one_off_users() {
    const USERS: i64 = 20_000;
    const HALF: usize = USERS as usize / 2;
    let options = Options {
        questions_per_minute: 20,
        log: "warn",
        overall_per_second: OVERALL_PER_SECOND,
        ..Options::default()
    };
    let bot = Bot::start(options);
    bot.api.wait_for(|c| c.method == "setMyCommands");
    let started = Instant::now();
    // In batches of 1,000 so the stand-in's queue stays short.
    let (mut answered, mut seen, mut half_at) = (0usize, 0, None);
    let mut pushed = 0;
    while answered < USERS as usize {
        assert!(started.elapsed() < Duration::from_secs(600), "{answered} answered");
        if pushed < USERS && (pushed as usize) < answered + 200 {
            for user in pushed..(pushed + 100).min(USERS) {
                let id = 1_000_000 + user;
                bot.api.push(bot.message(id, id, ASKED[user as usize % 9]));
            }
            pushed = (pushed + 100).min(USERS);
        }
        let calls = bot.api.calls_since(seen);
        seen += calls.len();
        answered += calls.iter().filter(|c| c.method == "sendMessage").count();
        if half_at.is_none() && answered >= HALF {
            half_at = Some((started.elapsed(), rss_kib(bot.child.id())));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let total = started.elapsed();
    let (first, half_rss) = half_at.unwrap();
    let second = total - first;
    let (rss, peak_rss) = (rss_kib(bot.child.id()), peak_rss_kib(bot.child.id()));
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "20,000 one-off users: first 10,000 in {:.1} s ({:.0}/s), second 10,000 in {:.1} s ({:.0}/s); \
         RSS {:.1} MiB after 10,000, {:.1} MiB after 20,000, peak {:.1} MiB",
        first.as_secs_f64(),
        HALF as f64 / first.as_secs_f64(),
        second.as_secs_f64(),
        HALF as f64 / second.as_secs_f64(),
        mib(half_rss),
        mib(rss),
        mib(peak_rss)
    );
    let (ok, stderr) = bot.stop();
    assert!(ok, "exit status after SIGTERM; stderr:\n{stderr}");
}
