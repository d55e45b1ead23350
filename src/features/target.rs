//! Target awareness: mentions of the row's actor become [`TARGET_TOKEN`], mentions of other
//! known actors [`OTHER_ACTOR_TOKEN`].
//!
//! The same quote can favour one actor and oppose another ("A attacks B to defend C"); masking
//! lets one model learn "praise near the target" instead of "praise near the word Clinton".

use std::collections::{BTreeMap, BTreeSet};

use aho_corasick::AhoCorasick;
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

/// Words that stand for an actor only where the input marks which one they refer to (see
/// [`mask_mentions`]' `targets`): as names they would match every "he" in every text.
const PRONOUNS: &[&str] = &[
    "i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "it",
    "its", "they", "them", "their",
];

/// Finds the mentions of one actor in a text.
#[derive(Debug, Clone)]
pub struct MentionMatcher {
    regex: Option<Regex>,
    /// The literal forms a mention takes, lowercased: a cheap test that one may occur.
    literals: Vec<String>,
}

impl MentionMatcher {
    /// Builds the matcher for `actor` (none for a pronoun): the full name (case-insensitive, also
    /// without spaces as in hashtags), each significant word of names up to three words
    /// ("Hillary Clinton" → "Clinton"), and the initials of multi-word names as a case-sensitive
    /// acronym ("Immigration and Customs Enforcement" → "ICE").
    pub fn new(actor: &str) -> Self {
        let words: Vec<&str> = actor.split_whitespace().collect();
        if words.is_empty() || PRONOUNS.contains(&actor.trim().to_lowercase().as_str()) {
            return MentionMatcher {
                regex: None,
                literals: Vec::new(),
            };
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
        let literals = insensitive
            .iter()
            .chain(&sensitive)
            .map(|w| w.to_lowercase())
            .collect();
        MentionMatcher { regex, literals }
    }

    /// Lowercased strings one of which occurs in the lowercased text wherever the matcher
    /// matches (none if the actor has no name).
    fn literals(&self) -> &[String] {
        if self.regex.is_some() {
            &self.literals
        } else {
            &[]
        }
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

/// The matchers of many actors, with one combined scan that says which of them a text
/// mentions, so masking costs one pass over the text rather than one per known actor.
#[derive(Debug, Clone, Default)]
pub struct ActorMatchers {
    matchers: BTreeMap<String, MentionMatcher>,
    /// Every actor's literals; `names[i]` is the actor of literal `i`.
    literals: Option<AhoCorasick>,
    names: Vec<String>,
}

impl ActorMatchers {
    /// Builds the matchers of `actors`.
    pub fn new(actors: &[String]) -> Self {
        let matchers: BTreeMap<String, MentionMatcher> = actors
            .iter()
            .map(|actor| (actor.clone(), MentionMatcher::new(actor)))
            .collect();
        let (names, literals): (Vec<String>, Vec<&String>) = matchers
            .iter()
            .flat_map(|(name, matcher)| matcher.literals().iter().map(move |l| (name.clone(), l)))
            .unzip();
        // Without the combined scan (should it fail to build) every matcher runs in turn.
        let literals = AhoCorasick::new(literals).ok();
        ActorMatchers {
            matchers,
            literals,
            names,
        }
    }

    /// The matcher of a known actor.
    pub fn get(&self, actor: &str) -> Option<&MentionMatcher> {
        self.matchers.get(actor)
    }

    /// The known actors that may be mentioned in `text`, other than `except`, in name order:
    /// every actor a matcher finds in `text` is among them (a few more may be, whose matchers
    /// then find nothing).
    pub fn mentioned_in<'s>(&'s self, text: &str, except: &str) -> Vec<&'s MentionMatcher> {
        let found: Vec<(&String, &MentionMatcher)> = match &self.literals {
            Some(literals) => {
                let candidates: BTreeSet<&String> = literals
                    .find_overlapping_iter(&text.to_lowercase())
                    .map(|m| &self.names[m.pattern().as_usize()])
                    .collect();
                candidates
                    .into_iter()
                    .filter_map(|name| self.matchers.get_key_value(name))
                    .collect()
            }
            None => self.matchers.iter().collect(),
        };
        found
            .into_iter()
            .filter(|(name, _)| name.as_str() != except)
            .map(|(_, matcher)| matcher)
            .collect()
    }
}

/// Matchers of actors that training never saw, built once for a batch of examples rather than
/// once per example (building one compiles a regular expression).
#[derive(Debug, Clone, Default)]
pub struct UnseenActors(BTreeMap<String, MentionMatcher>);

impl UnseenActors {
    /// The matchers of the `actors` that `known` has none for.
    pub fn of<'a>(known: &ActorMatchers, actors: impl IntoIterator<Item = &'a str>) -> Self {
        let mut unseen = BTreeMap::new();
        for actor in actors {
            if known.get(actor).is_none() && !unseen.contains_key(actor) {
                unseen.insert(actor.to_string(), MentionMatcher::new(actor));
            }
        }
        UnseenActors(unseen)
    }

    /// The matcher of one of the actors.
    pub fn get(&self, actor: &str) -> Option<&MentionMatcher> {
        self.0.get(actor)
    }
}

fn starts_uppercase(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// A text with mentions replaced by placeholders, and where each placeholder came from, so
/// a range of the masked text can be traced back to the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    /// The masked text.
    pub text: String,
    /// Each placeholder, in text order.
    pub replacements: Vec<Replacement>,
}

/// One mention replaced by a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replacement {
    /// The placeholder's bytes in the masked text, the spaces around it included.
    pub masked: (usize, usize),
    /// The mention's bytes in the original text.
    pub original: (usize, usize),
    /// Whether it is the target's mention (else another actor's).
    pub target: bool,
}

impl Masked {
    /// A text with nothing masked.
    pub fn unmasked(text: &str) -> Self {
        Masked {
            text: text.to_string(),
            replacements: Vec::new(),
        }
    }

    /// The byte range of the original text that `start..end` of the masked text came from: a
    /// placeholder stands for its whole mention.
    pub fn original(&self, start: usize, end: usize) -> (usize, usize) {
        let map = |at: usize, is_end: bool| {
            let mut shift = 0isize;
            for r in &self.replacements {
                if at < r.masked.0 || (is_end && at == r.masked.0) {
                    break;
                }
                if at < r.masked.1 || (is_end && at == r.masked.1) {
                    return if is_end { r.original.1 } else { r.original.0 };
                }
                shift = r.original.1 as isize - r.masked.1 as isize;
            }
            (at as isize + shift) as usize
        };
        (map(start, false), map(end.max(start), true))
    }
}

/// Replaces the `targets` (byte ranges of `text`: the target's mentions) with [`TARGET_TOKEN`]
/// and the other actors' mentions with [`OTHER_ACTOR_TOKEN`]. Where ranges overlap the earlier
/// one wins, so the target wins over the others; ranges that are not within `text` on character
/// boundaries are ignored.
pub fn mask_mentions(text: &str, targets: &[(usize, usize)], others: &[&MentionMatcher]) -> Masked {
    let candidates = targets
        .iter()
        .map(|&(start, end)| (start, end, TARGET_TOKEN))
        .chain(others.iter().flat_map(|other| {
            other
                .find(text)
                .into_iter()
                .map(|(start, end)| (start, end, OTHER_ACTOR_TOKEN))
        }));
    let mut spans: Vec<(usize, usize, &str)> = Vec::new();
    for (start, end, token) in candidates {
        let within = start < end && text.get(start..end).is_some();
        if within && spans.iter().all(|&(s, e, _)| end <= s || start >= e) {
            spans.push((start, end, token));
        }
    }
    spans.sort_unstable();
    let mut masked = String::with_capacity(text.len());
    let mut replacements = Vec::with_capacity(spans.len());
    let mut cursor = 0;
    for (start, end, token) in spans {
        masked.push_str(&text[cursor..start]);
        let placeholder_start = masked.len();
        masked.push(' ');
        masked.push_str(token);
        masked.push(' ');
        replacements.push(Replacement {
            masked: (placeholder_start, masked.len()),
            original: (start, end),
            target: token == TARGET_TOKEN,
        });
        cursor = end;
    }
    masked.push_str(&text[cursor..]);
    Masked {
        text: masked,
        replacements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(text: &str, target: &str, others: &[&str]) -> String {
        let others: Vec<MentionMatcher> = others.iter().map(|o| MentionMatcher::new(o)).collect();
        let others: Vec<&MentionMatcher> = others.iter().collect();
        mask_mentions(text, &MentionMatcher::new(target).find(text), &others)
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn masked_ranges_trace_back_to_the_mentions() {
        let text = "Yes, ICE said ICE will.";
        let masked = mask_mentions(text, &[(5, 8), (14, 17)], &[]);
        assert_eq!(masked.text, "Yes,  [TARGET]  said  [TARGET]  will.");
        let placeholder = masked.text.find("[TARGET]").unwrap();
        assert_eq!(masked.original(placeholder, placeholder + 8), (5, 8));
        let said = masked.text.find("said").unwrap();
        assert_eq!(masked.original(said, said + 4), (9, 13));
        let will = masked.text.find("will.").unwrap();
        assert_eq!(masked.original(will, will + 5), (18, 23));
        assert_eq!(masked.original(0, 4), (0, 4));
        // A range across a placeholder covers the whole mention.
        assert_eq!(masked.original(said, will + 4), (9, 22));
        assert_eq!(&text[9..22], "said ICE will");
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
    fn the_combined_scan_finds_the_same_actors_as_each_matcher() {
        let actors: Vec<String> = ["Donald Trump", "ICE", "Zohran Mamdani", "Nurses Union"]
            .map(String::from)
            .to_vec();
        let all = ActorMatchers::new(&actors);
        for text in [
            "Trump called Mamdani a communist; ice cream for the NURSES",
            "ICE agents, TRUMP’s “union” and Zohran",
            "",
        ] {
            let scanned: Vec<Vec<(usize, usize)>> = all
                .mentioned_in(text, "Zohran Mamdani")
                .iter()
                .map(|m| m.find(text))
                .filter(|found| !found.is_empty())
                .collect();
            let each: Vec<Vec<(usize, usize)>> = actors
                .iter()
                .filter(|a| a.as_str() != "Zohran Mamdani")
                .map(|a| MentionMatcher::new(a).find(text))
                .filter(|found| !found.is_empty())
                .collect();
            assert_eq!(scanned, each, "{text}");
        }
        assert!(all.get("ICE").is_some() && all.get("DHS").is_none());
    }

    #[test]
    fn word_boundaries_hold() {
        assert_eq!(mask("ICEland and ICE", "ICE", &[]), "ICEland and [TARGET]");
        assert_eq!(mask("", "ICE", &[]), "");
        assert_eq!(mask("anything", "   ", &[]), "anything");
    }

    #[test]
    fn pronouns_are_not_names() {
        assert_eq!(mask("He said he would", "he", &[]), "He said he would");
        assert_eq!(
            mask("Trump said he would", "Donald Trump", &["He", "they"]),
            "[TARGET] said he would"
        );
    }
}
