//! Target awareness: mentions of the row's actor become [`TARGET_TOKEN`], mentions of other
//! known actors [`OTHER_ACTOR_TOKEN`].
//!
//! The same quote can favour one actor and oppose another ("A attacks B to defend C"); masking
//! lets one model learn "praise near the target" instead of "praise near the word Clinton".

use regex::{Regex, RegexBuilder};

use crate::text::{OTHER_ACTOR_TOKEN, TARGET_TOKEN};

/// Words too common to stand for an actor on their own.
const STOPWORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "from",
    "with",
    "party",
    "city",
    "state",
    "department",
    "office",
    "new",
    "united",
    "states",
    "national",
    "american",
    "real",
    "concern",
    "change",
    "public",
];

/// Finds the mentions of one actor in a text.
#[derive(Debug, Clone)]
pub struct MentionMatcher {
    regex: Option<Regex>,
}

impl MentionMatcher {
    /// Builds the matcher for `actor`: the full name (case-insensitive, also without spaces as in
    /// hashtags), each significant word of names up to three words ("Hillary Clinton" →
    /// "Clinton"), and the initials of multi-word names as a case-sensitive acronym
    /// ("Immigration and Customs Enforcement" → "ICE").
    pub fn new(actor: &str) -> Self {
        let words: Vec<&str> = actor.split_whitespace().collect();
        if words.is_empty() {
            return MentionMatcher { regex: None };
        }
        let mut insensitive = vec![words.join(" "), words.concat()];
        if words.len() <= 3 {
            insensitive.extend(
                words
                    .iter()
                    .filter(|w| w.chars().count() >= 4 && starts_uppercase(w))
                    .filter(|w| !STOPWORDS.contains(&w.to_lowercase().as_str()))
                    .map(|w| w.to_string()),
            );
        }
        let mut sensitive = Vec::new();
        let capitals: Vec<char> = words
            .iter()
            .filter(|w| starts_uppercase(w))
            .filter_map(|w| w.chars().next())
            .collect();
        if capitals.len() >= 2 {
            sensitive.push(capitals.iter().collect::<String>());
        }
        // An all-capitals name such as "ICE" or "NYPD" only matches in capitals.
        if words.len() == 1
            && words[0]
                .chars()
                .all(|c| c.is_uppercase() || c.is_ascii_digit())
        {
            insensitive.clear();
            sensitive.push(words[0].to_string());
        }
        insensitive.sort_by_key(|w| std::cmp::Reverse(w.len()));
        insensitive.dedup();
        let alternatives: Vec<String> = insensitive
            .iter()
            .map(|w| format!("(?i:{})", regex::escape(w)))
            .chain(sensitive.iter().map(|w| regex::escape(w)))
            .collect();
        let pattern = format!(r"\b(?:{})\b", alternatives.join("|"));
        let regex = RegexBuilder::new(&pattern).build().ok();
        MentionMatcher { regex }
    }

    /// Byte ranges of the mentions in `text`, in order, not overlapping.
    pub fn find(&self, text: &str) -> Vec<(usize, usize)> {
        self.regex
            .as_ref()
            .map(|regex| {
                regex
                    .find_iter(text)
                    .map(|m| (m.start(), m.end()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn starts_uppercase(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Replaces the target's mentions with [`TARGET_TOKEN`] and the other actors' with
/// [`OTHER_ACTOR_TOKEN`]; the target wins where both match the same words.
pub fn mask_mentions(text: &str, target: &MentionMatcher, others: &[&MentionMatcher]) -> String {
    let mut spans: Vec<(usize, usize, &str)> = target
        .find(text)
        .into_iter()
        .map(|(start, end)| (start, end, TARGET_TOKEN))
        .collect();
    for other in others {
        for (start, end) in other.find(text) {
            if spans.iter().all(|&(s, e, _)| end <= s || start >= e) {
                spans.push((start, end, OTHER_ACTOR_TOKEN));
            }
        }
    }
    spans.sort_unstable();
    let mut masked = String::with_capacity(text.len());
    let mut cursor = 0;
    for (start, end, token) in spans {
        masked.push_str(&text[cursor..start]);
        masked.push(' ');
        masked.push_str(token);
        masked.push(' ');
        cursor = end;
    }
    masked.push_str(&text[cursor..]);
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(text: &str, target: &str, others: &[&str]) -> String {
        let others: Vec<MentionMatcher> = others.iter().map(|o| MentionMatcher::new(o)).collect();
        let others: Vec<&MentionMatcher> = others.iter().collect();
        mask_mentions(text, &MentionMatcher::new(target), &others)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn full_name_surname_and_hashtag() {
        assert_eq!(
            mask(
                "Hillary Clinton lies. #HillaryClinton Clinton!",
                "Hillary Clinton",
                &[]
            ),
            "[TARGET] lies. # [TARGET] [TARGET] !"
        );
    }

    #[test]
    fn acronym_is_case_sensitive() {
        let name = "Immigration and Customs Enforcement";
        assert_eq!(
            mask("ICE raids; ice cream", name, &[]),
            "[TARGET] raids; ice cream"
        );
        assert_eq!(
            mask("NYPD and the nypd", "NYPD", &[]),
            "[TARGET] and the nypd"
        );
    }

    #[test]
    fn other_actors_are_masked_apart_from_the_target() {
        assert_eq!(
            mask(
                "Trump called Mamdani a communist",
                "Zohran Mamdani",
                &["Donald Trump"]
            ),
            "[OTHER] called [TARGET] a communist"
        );
    }

    #[test]
    fn long_names_match_only_whole() {
        let name = "Climate Change is a Real Concern";
        assert_eq!(
            mask("climate change is real", name, &[]),
            "climate change is real"
        );
    }

    #[test]
    fn word_boundaries_hold() {
        assert_eq!(mask("ICEland and ICE", "ICE", &[]), "ICEland and [TARGET]");
        assert_eq!(mask("", "ICE", &[]), "");
        assert_eq!(mask("anything", "   ", &[]), "anything");
    }
}
