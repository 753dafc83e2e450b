//! Admins add material from chat: a document sent in a private chat is downloaded through
//! `getFile` and the file URL, read with the corpus readers, saved under a safe name and
//! indexed through the `/reindex` gate; each hostile variant is refused with its reason and
//! leaves the corpus as it was.
//!
//! Properties checked: the reply names the passages added and questions from them, and the
//! bot then answers from the file; a name from the sender never leaves the corpus folder
//! and never makes a hidden file; a size over 20 MB is refused before `getFile`, and a
//! download past it is cut off; an unreadable file, a failed or cut-short download save
//! nothing; a taken name is not overwritten before the admin presses "Replace" (or "Keep
//! both", or "Cancel"); a file the reindex gate refuses is taken out again (a replaced one
//! put back); a student's file is refused and never downloaded; a file in a group is ignored.

use std::io::Write;

use super::standin::Serve;
use super::*;

/// A small manual about kilns, in plain text: its own words, not in the test corpus.
const KILN: &str = "Firing a Kiln\n\n\
    1. Loading\n\n\
    Load the kiln with bisqueware on clean shelves, leaving a finger's width between pieces \
    so the heat can circulate. Glazed pots must never touch each other or the shelf posts, \
    because melted glaze fuses whatever it touches. Brush kiln wash onto the shelves once a \
    season to catch drips.\n\n\
    2. Firing schedules\n\n\
    A cone 6 glaze firing reaches about 1222 degrees Celsius. The Orton witness cones on \
    the shelf bend when the heat work is done, which tells more than the thermocouple alone. \
    Fire slowly through quartz inversion near 573 degrees, or thick pots may crack.\n\n\
    3. Cooling and unloading\n\n\
    Let the kiln cool for a full day before opening it, or the glaze may craze. Wear leather \
    gloves when unloading, since shelves stay hot long after the pots feel cool.\n";

/// A document message from `user` in `chat_id` holding `file_id`, named `name`, of the
/// stated `size`.
fn document(bot: &Bot, user: i64, chat_id: i64, name: &str, file_id: &str, size: usize) -> Value {
    json!({"message": {
        "message_id": bot.api.message_id(), "date": 1_700_000_000, "chat": chat(chat_id),
        "from": {"id": user, "is_bot": false, "first_name": "Admin"},
        "document": {"file_id": file_id, "file_unique_id": format!("u{file_id}"),
                     "file_name": name, "file_size": size}}})
}

/// Sends `bytes` as a document named `name` from `user` in their private chat, served as
/// `serve`.
fn upload(bot: &Bot, user: i64, name: &str, bytes: &[u8], serve: Serve) {
    let id = bot.api.add_file(bytes.to_vec(), serve);
    bot.api.push(document(bot, user, user, name, &id, bytes.len()));
}

/// The first `sendMessage` to `user` containing `needle` among the calls after the first
/// `mark` ones (a mark taken before the update that causes it).
fn reply_since(bot: &Bot, mark: usize, user: i64, needle: &str) -> Call {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = bot.api.calls_since(mark).into_iter().find(|c| {
            c.method == "sendMessage"
                && c.body["chat_id"] == json!(user)
                && text(c).contains(needle)
        });
        if let Some(call) = found {
            return call;
        }
        assert!(Instant::now() < deadline, "no reply containing {needle:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The corpus folder's file names, sorted (hidden ones included).
fn corpus_names(bot: &Bot) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(bot.corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Waits a moment for calls that must not come, then says whether any `method` call came.
fn called_after_a_while(bot: &Bot, method: &str) -> bool {
    std::thread::sleep(Duration::from_millis(500));
    !bot.api.calls_of(method).is_empty()
}

#[test]
fn admin_upload_of_a_text_file_adds_its_passages_and_answers_from_them() {
    let bot = Bot::start(Options::default());
    upload(&bot, ADMIN, "kiln.txt", KILN.as_bytes(), Serve::Whole);
    bot.reply_containing(ADMIN, "Got kiln.txt");
    let added = text(&bot.reply_containing(ADMIN, "Added kiln.txt"));
    assert!(added.contains("passage"), "{added}");
    assert!(added.contains("It now answers questions like:\n• "), "{added}");
    let examples = added.lines().filter(|l| l.starts_with("• ")).count();
    assert_eq!(examples, 2, "{added}");
    assert_eq!(std::fs::read_to_string(bot.corpus().join("kiln.txt")).unwrap(), KILN);
    assert_eq!(corpus_names(&bot), ["docs.jsonl", "kiln.txt"], "no temporary left");
    assert_eq!(bot.api.calls_of("getFile").len(), 1);
    assert_eq!(bot.api.calls_of("download").len(), 1);

    bot.say(STUDENT, STUDENT, "how hot does a cone 6 glaze firing get?");
    bot.reply_containing(STUDENT, "1222 degrees");
    // The examples are real questions the new index answers from the file.
    let first = added.lines().find_map(|l| l.strip_prefix("• ")).unwrap().to_string();
    bot.say(STUDENT, STUDENT, &first);
    let answer = bot.api.wait_for(|c| {
        c.method == "sendMessage" && c.body["chat_id"] == json!(STUDENT) && text(c).contains("kiln")
    });
    assert!(text(&answer).contains("kiln"), "{first}: {}", text(&answer));
}

#[test]
fn upload_name_with_dot_dot_is_saved_inside_the_corpus() {
    let bot = Bot::start(Options::default());
    for (sent, saved) in [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("/abs/x.md", "x.md"),
        (".hidden.txt", "hidden.txt"),
    ] {
        upload(&bot, ADMIN, sent, KILN.as_bytes(), Serve::Whole);
        bot.reply_containing(ADMIN, &format!("Added {saved}"));
    }
    assert_eq!(corpus_names(&bot), ["docs.jsonl", "hidden.txt", "passwd.txt", "x.md"]);
    let outside = bot.dir.path().parent().unwrap();
    assert!(!outside.join("etc/passwd.txt").exists());
    assert!(!bot.dir.path().join("etc").exists() && !Path::new("/abs/x.md").exists());
}

#[test]
fn upload_larger_than_20_mb_is_refused_before_get_file() {
    let bot = Bot::start(Options::default());
    bot.api.push(document(&bot, ADMIN, ADMIN, "slides.pdf", "big", 25 * 1024 * 1024));
    let refusal = text(&bot.reply_containing(ADMIN, "slides.pdf is 25.0 MB"));
    assert!(refusal.contains("up to 20 MB"), "{refusal}");
    assert!(!called_after_a_while(&bot, "getFile"), "no getFile for a file over the limit");
    assert_eq!(corpus_names(&bot), ["docs.jsonl"]);
}

#[test]
fn upload_download_past_20_mb_is_cut_off_and_nothing_saved() {
    let bot = Bot::start(Options::default());
    // `getFile` states 1 KiB, the download sends 21 MiB.
    upload(&bot, ADMIN, "notes.txt", &[b'a'; 1024], Serve::Oversized(21 * 1024 * 1024));
    bot.reply_containing(ADMIN, "up to 20 MB");
    assert_eq!(corpus_names(&bot), ["docs.jsonl"]);
}

#[test]
fn upload_of_a_broken_pdf_or_a_zip_bomb_docx_says_why_and_saves_nothing() {
    let bot = Bot::start(Options::default());
    upload(&bot, ADMIN, "broken.pdf", b"%PDF-1.7\n1 0 obj <<garbage", Serve::Whole);
    let reply = text(&bot.reply_containing(ADMIN, "I found no passages in broken.pdf"));
    assert!(reply.contains("Why: "), "{reply}");

    upload(&bot, ADMIN, "bomb.docx", &zip_bomb_docx(), Serve::Whole);
    let reply = text(&bot.reply_containing(ADMIN, "I found no passages in bomb.docx"));
    assert!(reply.contains("archive expands beyond"), "{reply}");

    upload(&bot, ADMIN, "empty.txt", b"   \n\n ", Serve::Whole);
    bot.reply_containing(ADMIN, "I found no passages in empty.txt");
    assert_eq!(corpus_names(&bot), ["docs.jsonl"], "nothing saved, no temporary left");
    assert!(bot.api.calls_of("sendMessage").iter().all(|c| !text(c).contains("Reindex")));
}

/// A DOCX whose one paragraph of 65 MiB of spaces compresses to about 65 KiB.
fn zip_bomb_docx() -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    writer.start_file("word/document.xml", options).unwrap();
    writer.write_all(b"<w:document><w:body><w:p><w:r><w:t>").unwrap();
    let spaces = vec![b' '; 1024 * 1024];
    for _ in 0..65 {
        writer.write_all(&spaces).unwrap();
    }
    writer.write_all(b"</w:t></w:r></w:p></w:body></w:document>").unwrap();
    writer.finish().unwrap().into_inner()
}

#[test]
fn upload_whose_download_fails_or_is_cut_short_says_so_and_saves_nothing() {
    let bot = Bot::start(Options::default());
    upload(&bot, ADMIN, "gone.txt", KILN.as_bytes(), Serve::NotFound);
    bot.reply_containing(ADMIN, "couldn't download gone.txt");
    upload(&bot, ADMIN, "half.txt", KILN.as_bytes(), Serve::Truncated);
    bot.reply_containing(ADMIN, "couldn't download half.txt");
    // An id `getFile` does not know.
    bot.api.push(document(&bot, ADMIN, ADMIN, "lost.txt", "no-such-file", 10));
    bot.reply_containing(ADMIN, "couldn't download lost.txt");
    assert_eq!(corpus_names(&bot), ["docs.jsonl"]);
    let (_, stderr) = bot.stop();
    assert!(!stderr.contains(TOKEN.split_once(':').unwrap().1), "the token in the log");
}

#[test]
fn upload_with_a_taken_name_asks_first_and_never_overwrites_before_the_press() {
    let bot = Bot::start(Options::default());
    let read = |name: &str| std::fs::read_to_string(bot.corpus().join(name)).unwrap();
    upload(&bot, ADMIN, "kiln.txt", KILN.as_bytes(), Serve::Whole);
    bot.reply_containing(ADMIN, "Added kiln.txt");

    let newer = KILN.replace("1222", "1240");
    let mark = bot.api.calls().len();
    upload(&bot, ADMIN, "kiln.txt", newer.as_bytes(), Serve::Whole);
    let asked = reply_since(&bot, mark, ADMIN, "already has a file named kiln.txt");
    assert_eq!(
        buttons(&asked).iter().map(|(label, _)| label.as_str()).collect::<Vec<_>>(),
        ["Replace", "Keep both", "Cancel"]
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(read("kiln.txt"), KILN);
    let visible: Vec<String> =
        corpus_names(&bot).into_iter().filter(|n| !n.starts_with('.')).collect();
    assert_eq!(visible, ["docs.jsonl", "kiln.txt"]);
    // A student cannot decide it, even with the button's data.
    bot.press(STUDENT, &asked.result, &button(&asked, "Replace"));
    bot.api.wait_for(|c| c.method == "answerCallbackQuery" && text_of(c).contains("expired"));
    assert_eq!(read("kiln.txt"), KILN);

    let mark = bot.api.calls().len();
    bot.press(ADMIN, &asked.result, &button(&asked, "Keep both"));
    reply_since(&bot, mark, ADMIN, "Added kiln-2.txt");
    assert_eq!(read("kiln-2.txt"), newer);
    assert_eq!(read("kiln.txt"), KILN);
    // Pressed again: decided already.
    let before = bot.api.calls_of("answerCallbackQuery").len();
    bot.press(ADMIN, &asked.result, &button(&asked, "Replace"));
    bot.api.wait_for_n(before + 1, Duration::from_secs(10), |c| c.method == "answerCallbackQuery");
    let last = bot.api.calls_of("answerCallbackQuery").pop().unwrap();
    assert!(text_of(&last).contains("expired"), "{}", last.body);

    let mark = bot.api.calls().len();
    upload(&bot, ADMIN, "kiln.txt", newer.as_bytes(), Serve::Whole);
    let asked = reply_since(&bot, mark, ADMIN, "already has a file named kiln.txt");
    let mark = bot.api.calls().len();
    bot.press(ADMIN, &asked.result, &button(&asked, "Replace"));
    reply_since(&bot, mark, ADMIN, "Added kiln.txt");
    assert_eq!(read("kiln.txt"), newer);

    let mark = bot.api.calls().len();
    upload(&bot, ADMIN, "kiln.txt", KILN.as_bytes(), Serve::Whole);
    let asked = reply_since(&bot, mark, ADMIN, "already has a file named kiln.txt");
    bot.press(ADMIN, &asked.result, &button(&asked, "Cancel"));
    bot.reply_containing(ADMIN, "Cancelled");
    assert_eq!(read("kiln.txt"), newer);
    assert_eq!(corpus_names(&bot), ["docs.jsonl", "kiln-2.txt", "kiln.txt"], "no temporary left");
    bot.say(STUDENT, STUDENT, "how hot does a cone 6 glaze firing get?");
    bot.reply_containing(STUDENT, "1240 degrees");
}

/// The `text` of an `answerCallbackQuery`.
fn text_of(call: &Call) -> String {
    call.body["text"].as_str().unwrap_or("").to_string()
}

#[test]
fn non_admin_upload_is_refused_politely_and_nothing_downloaded() {
    let bot = Bot::start(Options::default());
    upload(&bot, STUDENT, "kiln.txt", KILN.as_bytes(), Serve::Whole);
    bot.reply_containing(STUDENT, "only this bot's admins can add material");
    assert!(!called_after_a_while(&bot, "getFile"));
    assert!(bot.api.calls_of("download").is_empty());
    assert_eq!(corpus_names(&bot), ["docs.jsonl"]);
}

#[test]
fn upload_in_a_group_is_ignored_even_from_an_admin() {
    let bot = Bot::start(Options::default());
    bot.api.wait_for(|c| c.method == "setMyCommands");
    let id = bot.api.add_file(KILN.as_bytes().to_vec(), Serve::Whole);
    bot.api.push(document(&bot, ADMIN, GROUP, "kiln.txt", &id, KILN.len()));
    assert!(!called_after_a_while(&bot, "getFile"));
    assert!(bot.api.calls_of("sendMessage").is_empty());
    assert_eq!(corpus_names(&bot), ["docs.jsonl"]);
}

#[test]
fn upload_of_an_unsupported_format_is_refused_before_get_file() {
    let bot = Bot::start(Options::default());
    upload(&bot, ADMIN, "run.sh", b"rm -rf /", Serve::Whole);
    bot.reply_containing(ADMIN, "can't add .sh files");
    upload(&bot, ADMIN, "noextension", b"text", Serve::Whole);
    bot.reply_containing(ADMIN, "its name has no extension");
    assert!(!called_after_a_while(&bot, "getFile"));
    assert_eq!(corpus_names(&bot), ["docs.jsonl"]);
}

/// A sanity question nothing answers, so every reindex is refused by the gate.
fn failing_gate(dir: &Path) -> String {
    std::fs::create_dir_all(dir.join("corpus")).unwrap();
    std::fs::write(dir.join("corpus/kiln.txt"), KILN).unwrap();
    "sanity_questions = [\"zzyzx qwvv plorf?\"]".to_string()
}

#[test]
fn upload_is_taken_out_again_when_the_reindex_gate_refuses() {
    let bot = Bot::start(Options { prepare: Some(failing_gate), ..Options::default() });
    upload(&bot, ADMIN, "glaze.md", b"# Glazes\n\nCeladon is a pale green glaze.\n", Serve::Whole);
    let reply = text(&bot.reply_containing(ADMIN, "glaze.md was not kept"));
    assert!(reply.contains("sanity check failed"), "{reply}");
    assert_eq!(corpus_names(&bot), ["docs.jsonl", "kiln.txt"]);

    // A replaced file is put back.
    let newer = KILN.replace("1222", "1240");
    let mark = bot.api.calls().len();
    upload(&bot, ADMIN, "kiln.txt", newer.as_bytes(), Serve::Whole);
    let asked = reply_since(&bot, mark, ADMIN, "already has a file named kiln.txt");
    bot.press(ADMIN, &asked.result, &button(&asked, "Replace"));
    reply_since(&bot, mark, ADMIN, "kiln.txt was not kept");
    assert_eq!(std::fs::read_to_string(bot.corpus().join("kiln.txt")).unwrap(), KILN);
    assert_eq!(corpus_names(&bot), ["docs.jsonl", "kiln.txt"], "no backup left");
    bot.say(STUDENT, STUDENT, "what colour is celadon glaze?");
    let answer =
        bot.api.wait_for(|c| c.method == "sendMessage" && c.body["chat_id"] == json!(STUDENT));
    assert!(!text(&answer).contains("pale green"), "{}", text(&answer));
}
