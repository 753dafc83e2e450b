//! The bot's words in the user's language: message catalogs in Project Fluent's format
//! (`locales/<language>.ftl`, compiled in), formatted by [`fluent_bundle`].
//!
//! The language comes from the `language_code` Telegram sends with each update (`ko`,
//! `ko-KR` → Korean); anyone else gets the configured default (`language`, English unless
//! set). English and Korean are shipped complete: a unit test fails when a key is missing in
//! either, when the code asks for a key no catalog has, or when a catalog holds a key the
//! code never uses. A key missing at run time falls back to English, then to the key itself.
//! The texts are plain; the bot escapes them for Telegram's HTML like any other text.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use serde::Deserialize;
use teloxide::types::User;
use unic_langid::LanguageIdentifier;

/// A language the bot speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English (`locales/en.ftl`).
    #[default]
    En,
    /// Korean (`locales/ko.ftl`), polite 합니다체.
    Ko,
}

impl Language {
    /// Every shipped language.
    pub const ALL: [Language; 2] = [Language::En, Language::Ko];

    /// The language for Telegram's `language_code` (an IETF tag such as `ko` or `en-GB`):
    /// Korean for `ko*`, else `default`.
    pub fn of(code: Option<&str>, default: Language) -> Language {
        match code.map(|c| c.trim().to_ascii_lowercase()) {
            Some(code) if code == "ko" || code.starts_with("ko-") || code.starts_with("ko_") => {
                Language::Ko
            }
            _ => default,
        }
    }

    /// The language of `user` (who sent an update), else `default`.
    pub fn of_user(user: Option<&User>, default: Language) -> Language {
        Language::of(user.and_then(|u| u.language_code.as_deref()), default)
    }

    /// The BCP 47 code (`en`, `ko`), as Telegram's command menus take it.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ko => "ko",
        }
    }

    fn catalog(self) -> &'static str {
        match self {
            Language::En => include_str!("../../locales/en.ftl"),
            Language::Ko => include_str!("../../locales/ko.ftl"),
        }
    }
}

/// The catalogs, parsed once.
static BUNDLES: LazyLock<Vec<FluentBundle<FluentResource>>> =
    LazyLock::new(|| Language::ALL.iter().map(|&lang| bundle(lang)).collect());

fn bundle(lang: Language) -> FluentBundle<FluentResource> {
    // A catalog error is caught by the tests; at run time the entries that parsed are used.
    let resource = FluentResource::try_new(lang.catalog().to_string())
        .unwrap_or_else(|(partial, _errors)| partial);
    let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around values: Telegram shows them as they are.
    bundle.set_use_isolating(false);
    let _ = bundle.add_resource(resource);
    bundle
}

/// The message `key` in `lang` with `args`, falling back to English, then to the key.
pub fn message(lang: Language, key: &str, args: Option<&FluentArgs<'_>>) -> String {
    let index = |lang: Language| Language::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    for lang in [lang, Language::En] {
        let bundle = &BUNDLES[index(lang)];
        if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return bundle.format_pattern(pattern, args, &mut errors).into_owned();
        }
    }
    key.to_string()
}

/// `t!(lang, "key")` or `t!(lang, "key", name = value, …)`: the message `key` in `lang`,
/// its variables set from the values (strings or numbers).
macro_rules! t {
    ($lang:expr, $key:literal) => {
        $crate::bot::i18n::message($lang, $key, None)
    };
    ($lang:expr, $key:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = fluent_bundle::FluentArgs::new();
        $(args.set(stringify!($name), $value);)+
        $crate::bot::i18n::message($lang, $key, Some(&args))
    }};
}
pub(crate) use t;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The message keys of a catalog (failing on a syntax error): the lines that start an
    /// entry, `key = …`, unindented.
    fn keys(lang: Language) -> BTreeSet<String> {
        if let Err((_, errors)) = FluentResource::try_new(lang.catalog().to_string()) {
            panic!("{lang:?} catalog: {errors:?}");
        }
        lang.catalog()
            .lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|line| line.split_once(" =").map(|(key, _)| key.trim().to_string()))
            .collect()
    }

    /// Every source file that asks for messages.
    const SOURCES: &[&str] = &[
        include_str!("access.rs"),
        include_str!("admin.rs"),
        include_str!("buttons.rs"),
        include_str!("commands.rs"),
        include_str!("feedback.rs"),
        include_str!("gate.rs"),
        include_str!("handlers.rs"),
        include_str!("inline.rs"),
        include_str!("outbox.rs"),
        include_str!("stats.rs"),
        include_str!("upload/mod.rs"),
        include_str!("watch.rs"),
    ];

    /// The keys the code asks for: each `t!(lang, "key"` in the sources.
    fn used_keys() -> BTreeSet<String> {
        let mut used = BTreeSet::new();
        for source in SOURCES {
            for (at, _) in source.match_indices("t!(") {
                // `t!(`, not the end of `format!(` or `assert!(`.
                let before = source[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let call = &source[at + 3..];
                let Some((_, rest)) = call.split_once('"') else { continue };
                if let Some((key, _)) = rest.split_once('"') {
                    used.insert(key.to_string());
                }
            }
        }
        used
    }

    #[test]
    fn every_shipped_language_has_every_key() {
        let english = keys(Language::En);
        assert!(english.len() > 50, "{english:?}");
        for lang in Language::ALL {
            let theirs = keys(lang);
            let missing: Vec<_> = english.difference(&theirs).collect();
            let extra: Vec<_> = theirs.difference(&english).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
            assert!(extra.is_empty(), "{lang:?} has keys English lacks: {extra:?}");
        }
    }

    #[test]
    fn the_code_asks_only_for_keys_the_catalogs_have_and_uses_them_all() {
        let english = keys(Language::En);
        let used = used_keys();
        let unknown: Vec<_> = used.difference(&english).collect();
        assert!(unknown.is_empty(), "asked for but not in the catalogs: {unknown:?}");
        // Command descriptions are asked for by name (`cmd-<command>`).
        let commands = super::super::commands::all_names();
        let unused: Vec<_> = english
            .iter()
            .filter(|k| !used.contains(*k))
            .filter(|k| !k.strip_prefix("cmd-").is_some_and(|c| commands.contains(&c.to_string())))
            .collect();
        assert!(unused.is_empty(), "in the catalogs but never used: {unused:?}");
    }

    #[test]
    fn every_message_formats_without_errors_in_every_language() {
        for lang in Language::ALL {
            let bundle = bundle(lang);
            for key in keys(lang) {
                let pattern = bundle.get_message(&key).and_then(|m| m.value()).unwrap();
                let mut args = FluentArgs::new();
                for name in ["secs", "count", "user", "id", "verb", "who", "why", "days"] {
                    args.set(name, 1);
                }
                for name in ["documents", "passages", "when", "seconds", "position", "total"] {
                    args.set(name, 2);
                }
                for name in ["suggestion", "topics", "changes", "mode", "users", "chats", "name"] {
                    args.set(name, "x");
                }
                for name in ["ext", "size", "limit"] {
                    args.set(name, "x");
                }
                for name in ["denied", "questions", "answered", "nomatch", "rate", "up", "down"] {
                    args.set(name, 3);
                }
                args.set("p50", 4);
                args.set("p95", 5);
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{lang:?} {key}: {errors:?}");
                assert!(!text.contains('{') && !text.trim().is_empty(), "{lang:?} {key}: {text}");
            }
        }
    }

    #[test]
    fn language_codes_pick_korean_or_the_default() {
        assert_eq!(Language::of(Some("ko"), Language::En), Language::Ko);
        assert_eq!(Language::of(Some("ko-KR"), Language::En), Language::Ko);
        assert_eq!(Language::of(Some("en"), Language::Ko), Language::Ko, "the default");
        assert_eq!(Language::of(Some("kok"), Language::En), Language::En, "Konkani");
        assert_eq!(Language::of(None, Language::En), Language::En);
        assert_eq!(t!(Language::Ko, "vote-thanks"), "의견 감사합니다!");
        assert_eq!(
            t!(Language::En, "slow-down", secs = 7),
            "Slow down a little, please: that's more questions than I answer per minute. Try again in 7 s."
        );
        assert_eq!(t!(Language::En, "changes-added", count = 1), "+1 file");
        assert_eq!(t!(Language::En, "changes-removed", count = 2), "−2 files");
        assert_eq!(message(Language::Ko, "no-such-key", None), "no-such-key");
    }
}
