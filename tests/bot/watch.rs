//! `watch = true`: adding, rewriting or removing corpus files reindexes by itself through the
//! same gate as `/reindex`, once per burst, and the admins get one short note.

use super::*;

/// `watch = true` with a short debounce window.
fn watching(_: &Path) -> String {
    "watch = true\nwatch_debounce_ms = 300".to_string()
}

/// `watch = true` with a debounce long enough for a `/reindex` to take the gate first.
fn watching_slowly(_: &Path) -> String {
    "watch = true\nwatch_debounce_ms = 1500".to_string()
}

/// The test corpus with one record more, on baking.
fn with_bread() -> Vec<(&'static str, &'static str, Option<&'static str>, &'static str)> {
    let mut records = CORPUS.to_vec();
    records.push(("bread", "Baking", None, "Knead the dough for ten minutes, then let it rise."));
    records
}

/// Notes about watcher reindexes sent to the admin so far.
fn notes(bot: &Bot) -> Vec<String> {
    bot.api
        .calls_of("sendMessage")
        .iter()
        .filter(|c| c.body["chat_id"] == json!(ADMIN))
        .map(text)
        .filter(|t| t.starts_with("reindex"))
        .collect()
}

#[test]
fn an_added_corpus_file_reindexes_once_and_tells_the_admins() {
    let bot = Bot::start(Options { prepare: Some(watching), ..Options::default() });
    bot.api.wait_for(|c| c.method == "setMyCommands");
    write_corpus(
        &bot.corpus().join("more"),
        &[(
            "lighthouse",
            "Lighthouses",
            None,
            "The lighthouse keeper lights the lamp at dusk and winds the clockwork every four hours.",
        )],
    );
    let note = bot.reply_containing(ADMIN, "reindexed:");
    assert!(text(&note).starts_with("reindexed: +1 file, "), "{}", text(&note));
    assert!(text(&note).ends_with(" passages"), "{}", text(&note));
    bot.say(STUDENT, STUDENT, "when does the lighthouse keeper light the lamp?");
    bot.reply_containing(STUDENT, "clockwork");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(notes(&bot).len(), 1, "{:?}", notes(&bot));
}

#[test]
fn a_burst_of_corpus_writes_gives_one_reindex() {
    let bot = Bot::start(Options { prepare: Some(watching), ..Options::default() });
    bot.api.wait_for(|c| c.method == "setMyCommands");
    let records = with_bread();
    for _ in 0..25 {
        write_corpus(&bot.corpus(), &records);
        std::thread::sleep(Duration::from_millis(20));
    }
    let note = bot.reply_containing(ADMIN, "reindexed:");
    assert!(text(&note).starts_with("reindexed: ~1 file, "), "{}", text(&note));
    std::thread::sleep(Duration::from_millis(2000));
    assert_eq!(notes(&bot).len(), 1, "one reindex per burst: {:?}", notes(&bot));
    let stderr = bot.stop().1;
    assert_eq!(stderr.matches("the corpus changed; reindexing").count(), 1, "{stderr}");
}

#[test]
fn a_corpus_change_the_gate_refuses_keeps_the_live_index_and_says_why() {
    let bot = Bot::start(Options { prepare: Some(watching), ..Options::default() });
    bot.api.wait_for(|c| c.method == "setMyCommands");
    std::fs::remove_file(bot.corpus().join("docs.jsonl")).unwrap();
    let note = bot.reply_containing(ADMIN, "failed");
    let note = text(&note);
    assert!(note.starts_with("reindex after a corpus change (−1 file) failed"), "{note}");
    assert!(note.contains("the live index stays") && note.contains("Why: "), "{note}");
    bot.say(STUDENT, STUDENT, "how long should the tea steep?");
    bot.reply_containing(STUDENT, "three minutes");
}

/// Regression: a change indexed by `/reindex` (or an upload) from chat was indexed a second
/// time by the watcher, which compared the corpus with what it had itself last indexed.
#[test]
fn a_change_reindexed_from_chat_is_not_reindexed_again_by_the_watcher() {
    let bot = Bot::start(Options { prepare: Some(watching_slowly), ..Options::default() });
    bot.api.wait_for(|c| c.method == "setMyCommands");
    let records = with_bread();
    write_corpus(&bot.corpus(), &records);
    bot.say(ADMIN, ADMIN, "/reindex");
    bot.reply_containing(ADMIN, "The new index is live");
    bot.say(STUDENT, STUDENT, "how long should I knead the dough?");
    bot.reply_containing(STUDENT, "ten minutes");
    std::thread::sleep(Duration::from_millis(4000));
    assert!(notes(&bot).iter().all(|n| !n.starts_with("reindexed:")), "{:?}", notes(&bot));
    let stderr = bot.stop().1;
    assert_eq!(stderr.matches("the corpus changed; reindexing").count(), 0, "{stderr}");
}
