//! The bot's commands. The doc line of each variant is its description in Telegram's command
//! menu and in `/help`.

use teloxide::types::BotCommand;
use teloxide::utils::command::BotCommands;

/// Commands the bot understands (in groups also as `/command@botname`).
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
    /// (admins) Rebuild the index from the corpus.
    Reindex,
    /// (admins) Usage statistics; /stats 30 for the last 30 days.
    Stats(String),
}

impl Command {
    /// Whether only admins may run it.
    pub fn is_admin_only(&self) -> bool {
        matches!(self, Command::Reindex | Command::Stats(_))
    }
}

/// Names of the admin-only commands, as in the menu.
const ADMIN_COMMANDS: [&str; 2] = ["reindex", "stats"];

/// The command menu for everyone: the commands without the admin ones.
pub fn public_menu() -> Vec<BotCommand> {
    admin_menu().into_iter().filter(|c| !is_admin_name(&c.command)).collect()
}

/// The command menu for admins: every command.
pub fn admin_menu() -> Vec<BotCommand> {
    // `bot_commands` spells names with the "/" prefix; the Bot API wants them bare.
    Command::bot_commands()
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

fn is_admin_name(name: &str) -> bool {
    let name = name.trim_start_matches('/');
    ADMIN_COMMANDS.contains(&name)
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
        assert_eq!(Command::parse("/stats", "qbot").ok(), Some(Command::Stats(String::new())));
    }

    #[test]
    fn menus_split_admin_commands() {
        let public: Vec<String> = public_menu().into_iter().map(|c| c.command).collect();
        assert!(public.iter().any(|c| c == "ask"), "{public:?}");
        assert!(!help_text(false).contains("//"));
        assert!(!public.iter().any(|c| c.ends_with("reindex") || c.ends_with("stats")));
        assert_eq!(admin_menu().len(), public.len() + 2);
        assert!(!help_text(false).contains("/reindex"));
        assert!(help_text(true).contains("/reindex"));
    }
}
