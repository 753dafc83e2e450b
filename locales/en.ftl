# passagebot's messages in English (the default). Every key here must exist in every other
# shipped language (`bot::i18n::tests`), and every key must be used by the code.
# Variables: { $name }. Plain text: the bot escapes it for Telegram's HTML itself.

## /help, /start, /about and the command menu

help-intro =
    Send me a question in your own words and I answer with the best-matching passage of the material, its key sentence in bold and where it comes from.
    In groups: /ask your question, mention me, or reply to one of my answers.
    In any chat: type my @name and a question to share an answer.
cmd-start = Say hello and show example questions.
cmd-help = How to ask, and the commands.
cmd-ask = Ask a question, e.g. /ask how do I install it?
cmd-about = What I know: documents, passages, last indexed.
cmd-reindex = (admins) Rebuild the index from the corpus.
cmd-stats = (admins) Usage statistics; /stats 30 for the last 30 days.
cmd-allow = (admins) Let a user (id, or reply to their message) or a group (-id) use the bot.
cmd-deny = (admins) Take a user's or group's access away.
cmd-users = (admins) Who may use the bot.
cmd-export = (admins) The stats as CSV files: votes with questions and comments, unanswered questions.
start-greeting = Hello! Ask me anything about the material and I'll answer with the passage that fits best, its key sentence in bold and its source.
start-examples = For example:
start-more = /help lists what else I can do.
join-welcome = Welcome, you're in!
join-failed = Sorry, I could not save that; please try again later.
deep-link-missing = That passage is no longer in the material: it was changed or removed since. Please ask your question again.
about = I answer from { $documents } document(s) cut into { $passages } passage(s), last indexed { $when }.
about-unknown-time = at an unknown time

## Questions

ask-empty = Put your question after the command, e.g. /ask how do I get started?
unknown-command = I don't know that command. Send me a question in words, or see /help.
text-only = I can only read text. Send me a question in words.
slow-down = Slow down a little, please: that's more questions than I answer per minute. Try again in { $secs } s.
search-failed = Sorry — my index failed while searching, so I can't answer right now. This is my fault, not your question's; the admins can see the cause in the bot's log.
no-match = I found no good match for that in the material.
no-match-no-words = I couldn't find any words to search for in that. Ask a question in words, e.g. "What are the main goals?"
did-you-mean = Did you mean: { $suggestion }
nearby-topics = The closest topics I know: { $topics }.
busy-private = I still have answers on their way to you. Please ask again in about { $secs } s.
busy-group = Lots of questions here right now, more than Telegram lets me answer in a group. I'll take new ones again in about { $secs } s, or ask me in a private chat.

## Buttons and feedback

button-next = Next answer ▸
button-context = Show context
button-see-also = See also
button-share = Share
see-also-heading = See also:
see-also-none = I know no other passage on this.
inline-no-match-title = No good match
inline-no-match-text = I found no good match for that in the material. Try other words, or ask me in a chat.
button-expired = This button no longer works; please ask again.
passage-gone = That passage is no longer in the material: it was changed or removed since. Please ask your question again.
answer-position = Answer { $position } of { $total }
busy-context = Busy sending other answers here; try again in about { $secs } s.
vote-thanks = Thanks for the feedback!
comment-invite-private = Sorry it didn't help. What was wrong with it? If you like, tell me in one message (within 5 minutes); the admins will read it.
comment-invite-group = Sorry it didn't help. What was wrong with it? If you like, reply to this message within 5 minutes; the admins will read it.
comment-thanks = Thank you, the admins will see that.

## Access

refused-short = Sorry, this bot is only open to its course's members.
refused-join-code = Sorry, this bot is only open to its course's members. If you were given a join code or link, send /start followed by the code. Otherwise ask the course's admins to add you (your user id is { $user }). I won't reply again until then.
refused-ask-admins = Sorry, this bot is only open to its course's members. To get access, ask the course's admins to add you (your user id is { $user }). I won't reply again until then.

## Admin replies

not-admin = Sorry, only this bot's admins can do that.
access-usage = Usage: /{ $verb } <user id> (the number a refused user was told), /{ $verb } <-group id>, or reply to someone's message with /{ $verb }.
access-save-failed = Saving the allow-list failed; nothing changed. The log says why.
who-user = User { $id }
who-chat = The members of chat { $id }
allowed-open = { $who } may use the bot (it is open to everyone until access = "allow-list").
allowed = { $who } may use the bot now.
denied = { $who } may no longer use the bot (admins always can).
users-listing =
    Access: { $mode }
    Users: { $users }
    Chats (their members): { $chats }
    Denied: { $denied }

    /allow <id> or /deny <id> (a user id, or a group's negative id); in a group, reply to someone's message with /allow or /deny.
users-mode-open = open: anyone may use the bot (the list applies once access = "allow-list")
users-mode-allow-list = allow-list
users-none = none
reindex-running = A reindex is already running; I'll report when it's done.
reindex-started = Reindexing… I keep answering from the current index meanwhile.
reindex-failed =
    Reindex failed; the old index stays live.
    Why: { $why }
reindexed = Reindexed in { $seconds } s: { $documents } document(s), { $passages } passage(s). The new index is live.
reindex-skipped = Skipped { $count } file(s):
watch-reindexed = reindexed: { $changes }, { $passages } passages
watch-failed =
    reindex after a corpus change ({ $changes }) failed; the live index stays.
    Why: { $why }
changes-added = +{ $count } { $count ->
        [one] file
       *[other] files
    }
changes-changed = ~{ $count } { $count ->
        [one] file
       *[other] files
    }
changes-removed = −{ $count } { $count ->
        [one] file
       *[other] files
    }
stats-usage = Usage: /stats or /stats <days>, e.g. /stats 30
stats-memory-only = (Counted in memory since the bot started: the stats database could not be used; see the log.)
stats-summary =
    Last { $days } day(s):
    Questions: { $questions }
    Answered: { $answered }
    No match: { $nomatch } ({ $rate }%)
    👍 { $up }  👎 { $down }
    Answer time: p50 { $p50 } ms, p95 { $p95 } ms
stats-top-unanswered = Top unanswered:
stats-most-down = Most 👎:
stats-asked = asked
stats-said = said

## Adding material from chat (admins send a document in a private chat)

upload-not-admin = Thanks for the file, but only this bot's admins can add material to it. If it should be here, please ask them; meanwhile you can ask me questions in words.
upload-no-extension = I can't tell what kind of file this is: its name has no extension. Send it again named like notes.pdf.
upload-unsupported = I can't add .{ $ext } files. I read PDF, DOCX, PPTX, EPUB, ODT, TXT, Markdown and HTML files.
upload-too-large = { $name } is { $size } MB; files up to { $limit } MB can be added from chat (Telegram's limit for bots). Nothing was saved; put larger files in the corpus folder on the server.
upload-no-folder = The corpus is a single file, not a folder, so files can't be added from chat. Nothing was saved.
upload-reading = Got { $name }; reading it…
upload-download-failed = I couldn't download { $name } from Telegram, so nothing was saved. Please send it again.
upload-unreadable =
    I found no passages in { $name }, so nothing was saved.
    Why: { $why }
upload-save-failed =
    I couldn't save { $name } in the corpus, so nothing changed.
    Why: { $why }
upload-exists = The corpus already has a file named { $name }. Replace it with this one, or keep both (this one saved under a new name)?
button-upload-replace = Replace
button-upload-keep-both = Keep both
button-upload-cancel = Cancel
upload-cancelled = Cancelled; nothing was added.
upload-expired = This choice has expired or was already made. Send the file again if you still want it added.
upload-reindex-failed =
    { $name } was not kept: the reindex with it failed, so the live index stays as it was.
    Why: { $why }
upload-added = Added { $name }: { $passages } { $passages ->
        [one] passage
       *[other] passages
    }. The new index is live.
upload-examples = It now answers questions like:
upload-no-examples = I found no example question its passages answer clearly yet; try asking about its headings.
