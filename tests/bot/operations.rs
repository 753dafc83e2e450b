//! Operations: `/healthz` and `/metrics` on `metrics_listen` in polling mode (webhook mode
//! serves them the same way), and `log_format = "json"`.

use std::io::{Read, Write};

use super::*;

/// Puts `metrics_listen` on a free port, written to `metrics.addr` for the test.
fn with_metrics(dir: &Path) -> String {
    let addr = free_local_addr();
    std::fs::write(dir.join("metrics.addr"), addr.to_string()).unwrap();
    format!("metrics_listen = \"{addr}\"\nlog_format = \"json\"")
}

/// `GET path` on `addr`: (status, body).
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// The value of the sample line `name` in a metrics page.
fn sample(page: &str, name: &str) -> f64 {
    page.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in\n{page}"))
}

#[test]
fn healthz_and_metrics_in_polling_mode_and_json_logs() {
    let bot = Bot::start(Options { prepare: Some(with_metrics), ..Options::default() });
    bot.api.wait_for(|c| c.method == "setMyCommands");
    let addr = std::fs::read_to_string(bot.dir.path().join("metrics.addr")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let health = loop {
        match TcpStream::connect(&addr) {
            Ok(_) => break get(&addr, "/healthz"),
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(err) => panic!("metrics_listen {addr}: {err}"),
        }
    };
    assert_eq!(health, (200, "ok".to_string()));

    bot.say(STUDENT, STUDENT, "how long should the tea steep?");
    bot.reply_containing(STUDENT, "steep");
    bot.say(STUDENT, STUDENT, "zzyzx qwvv plorf");
    bot.api.wait_for_n(2, Duration::from_secs(10), |c| c.method == "sendMessage");
    bot.say(ADMIN, ADMIN, "/reindex");
    bot.reply_containing(ADMIN, "Reindexed in");
    std::thread::sleep(Duration::from_millis(200));

    let (status, page) = get(&addr, "/metrics");
    assert_eq!(status, 200);
    assert_eq!(sample(&page, "passagebot_questions_total"), 2.0, "{page}");
    assert_eq!(sample(&page, "passagebot_no_match_total"), 1.0);
    assert_eq!(sample(&page, "passagebot_no_match_ratio"), 0.5);
    assert_eq!(sample(&page, "passagebot_answer_seconds_count"), 2.0);
    assert_eq!(sample(&page, "passagebot_answer_seconds_bucket{le=\"+Inf\"}"), 2.0);
    assert!(sample(&page, "passagebot_sends_total") >= 4.0, "{page}");
    assert_eq!(sample(&page, "passagebot_send_failures_total{kind=\"refused\"}"), 0.0);
    assert_eq!(sample(&page, "passagebot_rate_limited_total"), 0.0);
    assert_eq!(sample(&page, "passagebot_reindexes_total{outcome=\"live\"}"), 1.0);
    assert_eq!(get(&addr, "/nothing").0, 404);

    let (ok, stderr) = bot.stop();
    assert!(ok);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() > 5, "{stderr}");
    for line in &lines {
        let parsed: Value = serde_json::from_str(line)
            .unwrap_or_else(|err| panic!("not a JSON log line ({err}): {line}"));
        assert!(parsed["level"].is_string() && parsed["fields"].is_object(), "{line}");
    }
    assert!(!stderr.contains(TOKEN.split_once(':').unwrap().1), "the token in a JSON log line");
}

#[test]
fn stats_list_the_passages_with_most_thumbs_down_and_the_questions_behind_them() {
    let bot = Bot::start(Options::default());
    bot.say(STUDENT, STUDENT, "how long should the tea steep?");
    let answer = bot.reply_containing(STUDENT, "steep");
    bot.press(STUDENT, &answer.result, &button(&answer, "👎"));
    bot.api.wait_for(|c| c.method == "answerCallbackQuery");
    // The vote is written by the stats thread; ask until it shows (a few tries at most).
    for attempt in 1..=10 {
        let before = bot.api.calls_of("sendMessage").len();
        bot.say(ADMIN, ADMIN, "/stats");
        bot.api.wait_for_n(before + 1, Duration::from_secs(10), |c| c.method == "sendMessage");
        let stats = text(bot.api.calls_of("sendMessage").last().unwrap());
        if stats.contains("Most 👎") {
            assert!(
                stats.contains("kettle") && stats.contains("how long should the tea steep?"),
                "{stats}"
            );
            return;
        }
        assert!(attempt < 10, "no 👎 in /stats: {stats}");
        std::thread::sleep(Duration::from_millis(200));
    }
}
