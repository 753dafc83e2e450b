//! The bot's commands: [`Command`] for everyone, [`AdminCommand`] for admins, each its own
//! branch of [`super::schema::schema`]. The doc line of each variant is its description in
//! Telegram's command menu and in `/help`.

use teloxide::types::BotCommand;
use teloxide::utils::command::BotCommands;

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

/// The command menu for everyone.
pub fn public_menu() -> Vec<BotCommand> {
    menu(Command::bot_commands())
}

/// The command menu for admins: every command.
pub fn admin_menu() -> Vec<BotCommand> {
    let mut all = public_menu();
    all.extend(menu(AdminCommand::bot_commands()));
    all
}

/// `bot_commands` spells names with the "/" prefix; the Bot API wants them bare.
fn menu(commands: Vec<BotCommand>) -> Vec<BotCommand> {
    commands
        .into_iter()
        .map(|c| BotCommand::new(c.command.trim_start_matches('/'), c.description))
        .collect()
}

/// The `/help` text (plain), listing admin commands only to admins.
pub fn help_text(admin: bool) -> String {
    let menu = if admin { admin_menu() } else { public_menu() };
    let mut text = String::from(
        "Send me a question in your own words and I answer with the best-matching passage of the material, its key sentence in bold and where it comes from.\nIn groups: /ask your question, mention me, or reply to one of my answers.\nIn any chat: type my @name and a question to share an answer.\n",
    );
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
    fn menus_split_admin_commands() {
        let public: Vec<String> = public_menu().into_iter().map(|c| c.command).collect();
        assert!(public.iter().any(|c| c == "ask"), "{public:?}");
        assert!(!help_text(false).contains("//"));
        assert!(!public.iter().any(|c| {
            ["reindex", "stats", "allow", "deny", "users", "export"].contains(&c.as_str())
        }));
        assert_eq!(admin_menu().len(), public.len() + 6);
        assert!(!help_text(false).contains("/reindex"));
        assert!(help_text(true).contains("/reindex") && help_text(true).contains("/allow"));
    }
}
