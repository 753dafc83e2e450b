//! The bot's commands: [`Command`] for everyone, [`AdminCommand`] for admins, each its own
//! branch of [`super::schema::schema`]. The doc line of each variant is its English
//! description; the menus and `/help` take each command's description from the catalogs
//! (`cmd-<command>`, [`super::i18n`]), whose English a test keeps equal to the doc lines.

use teloxide::types::BotCommand;
use teloxide::utils::command::BotCommands;

use super::i18n::{self, Language, t};

/// Commands for everyone (in groups also as `/command@botname`).
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    /// Say hello and show example questions.
    Start(String),
    /// How to ask, and the commands.
    Help,
    /// Ask a question, e.g. /ask how do I install it?
    Ask(String),
    /// What I know: documents, passages, last indexed.
    About,
}

/// Commands only admins may run; anyone else gets a polite refusal.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum AdminCommand {
    /// (admins) Rebuild the index from the corpus.
    Reindex,
    /// (admins) Usage statistics; /stats 30 for the last 30 days.
    Stats(String),
    /// (admins) Let a user (id, or reply to their message) or a group (-id) use the bot.
    Allow(String),
    /// (admins) Take a user's or group's access away.
    Deny(String),
    /// (admins) Who may use the bot.
    Users,
    /// (admins) The stats as CSV files: votes with questions and comments, unanswered questions.
    Export,
}

/// The command menu for everyone, described in `lang`.
pub fn public_menu(lang: Language) -> Vec<BotCommand> {
    menu(Command::bot_commands(), lang)
}

/// The command menu for admins: every command.
pub fn admin_menu(lang: Language) -> Vec<BotCommand> {
    let mut all = public_menu(lang);
    all.extend(menu(AdminCommand::bot_commands(), lang));
    all
}

/// Every command's name, bare (for the catalog tests).
#[cfg(test)]
pub fn all_names() -> Vec<String> {
    admin_menu(Language::En).into_iter().map(|c| c.command).collect()
}

/// `bot_commands` spells names with the "/" prefix; the Bot API wants them bare. Each
/// description is the catalog's `cmd-<name>`.
fn menu(commands: Vec<BotCommand>, lang: Language) -> Vec<BotCommand> {
    commands
        .into_iter()
        .map(|c| {
            let name = c.command.trim_start_matches('/').to_string();
            let description = i18n::message(lang, &format!("cmd-{name}"), None);
            BotCommand::new(name, description)
        })
        .collect()
}

/// The `/help` text (plain) in `lang`, listing admin commands only to admins.
pub fn help_text(admin: bool, lang: Language) -> String {
    let menu = if admin { admin_menu(lang) } else { public_menu(lang) };
    let mut text = t!(lang, "help-intro") + "\n";
    for command in menu {
        text.push_str(&format!("\n/{} — {}", command.command, command.description));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_the_bot_name() {
        assert_eq!(
            Command::parse("/ask how now", "qbot").ok(),
            Some(Command::Ask("how now".into()))
        );
        assert_eq!(
            Command::parse("/ask@qbot how now", "qbot").ok(),
            Some(Command::Ask("how now".into()))
        );
        assert!(Command::parse("/ask@otherbot how", "qbot").is_err());
        assert_eq!(Command::parse("/start 42", "qbot").ok(), Some(Command::Start("42".into())));
        assert_eq!(Command::parse("/start", "qbot").ok(), Some(Command::Start(String::new())));
        assert_eq!(
            AdminCommand::parse("/stats", "qbot").ok(),
            Some(AdminCommand::Stats(String::new()))
        );
        assert_eq!(
            AdminCommand::parse("/allow 42", "qbot").ok(),
            Some(AdminCommand::Allow("42".into()))
        );
        assert!(Command::parse("/reindex", "qbot").is_err(), "declared once, as an admin command");
    }

    #[test]
    fn english_descriptions_are_the_doc_lines() {
        let derived = Command::bot_commands().into_iter().chain(AdminCommand::bot_commands());
        let menu = admin_menu(Language::En);
        for (doc, item) in derived.zip(&menu) {
            assert_eq!(doc.description, item.description, "{}", item.command);
        }
        for item in admin_menu(Language::Ko) {
            assert!(!item.description.starts_with("cmd-"), "{}", item.command);
            assert!(item.description.chars().count() <= 256, "Telegram's limit");
        }
        assert!(help_text(true, Language::Ko).contains("/export — (관리자)"));
    }

    #[test]
    fn menus_split_admin_commands() {
        let public: Vec<String> =
            public_menu(Language::En).into_iter().map(|c| c.command).collect();
        assert!(public.iter().any(|c| c == "ask"), "{public:?}");
        let help_text = |admin| help_text(admin, Language::En);
        let admin_menu = || admin_menu(Language::En);
        assert!(!help_text(false).contains("//"));
        assert!(!public.iter().any(|c| {
            ["reindex", "stats", "allow", "deny", "users", "export"].contains(&c.as_str())
        }));
        assert_eq!(admin_menu().len(), public.len() + 6);
        assert!(!help_text(false).contains("/reindex"));
        assert!(help_text(true).contains("/reindex") && help_text(true).contains("/allow"));
    }
}
