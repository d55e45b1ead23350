//! The terms of one text: word n-grams, character n-grams, words near the target, the actor.

use serde::{Deserialize, Serialize};

use crate::text::{TokenizedText, TARGET_TOKEN};

/// An inclusive range of n-gram lengths; `0..=0` turns a kind of n-gram off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NgramRange {
    /// Shortest n-gram.
    pub min: usize,
    /// Longest n-gram.
    pub max: usize,
}

impl NgramRange {
    /// `min..=max`.
    pub const fn new(min: usize, max: usize) -> Self {
        NgramRange { min, max }
    }

    /// Whether this range yields no n-grams.
    pub fn is_off(self) -> bool {
        self.max == 0 || self.min > self.max
    }
}

/// Which terms [`extract`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermSettings {
    /// Word n-grams over the tokeniser's tokens.
    pub word_ngrams: NgramRange,
    /// Character n-grams over the normalised text (white space collapsed).
    pub char_ngrams: NgramRange,
    /// Word n-grams of the quoted words alone, where an example has a quote in a context.
    pub quote_ngrams: NgramRange,
    /// Words at most this many tokens from a target mention get an extra `near` term; 0 is off.
    pub target_window: usize,
    /// Add a term naming the row's actor, so one shared model can learn each actor's prior.
    pub actor_term: bool,
}

/// Appends the terms of one text to `terms` (repeats kept: they are the term frequencies).
pub fn extract(
    text: &TokenizedText,
    actor: &str,
    settings: &TermSettings,
    terms: &mut Vec<String>,
) {
    word_ngrams(&text.tokens, settings.word_ngrams, terms);
    char_ngrams(&text.normalized, settings.char_ngrams, terms);
    near_target(&text.tokens, settings.target_window, terms);
    if settings.actor_term {
        terms.push(format!("a:{}", actor.to_lowercase()));
    }
}

fn word_ngrams(tokens: &[String], range: NgramRange, terms: &mut Vec<String>) {
    prefixed_ngrams("w:", tokens, range, terms);
}

/// Appends the word n-grams of a quote's own words, marked apart from the context's.
pub fn quote_ngrams(tokens: &[String], range: NgramRange, terms: &mut Vec<String>) {
    prefixed_ngrams("q:", tokens, range, terms);
}

fn prefixed_ngrams(prefix: &str, tokens: &[String], range: NgramRange, terms: &mut Vec<String>) {
    if range.is_off() {
        return;
    }
    for n in range.min.max(1)..=range.max {
        for window in tokens.windows(n) {
            terms.push(format!("{prefix}{}", window.join(" ")));
        }
    }
}

fn char_ngrams(normalized: &str, range: NgramRange, terms: &mut Vec<String>) {
    if range.is_off() {
        return;
    }
    let chars: Vec<char> = normalized
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect();
    for n in range.min.max(1)..=range.max {
        for window in chars.windows(n) {
            let mut term = String::with_capacity(2 + 4 * n);
            term.push_str("c:");
            term.extend(window);
            terms.push(term);
        }
    }
}

fn near_target(tokens: &[String], window: usize, terms: &mut Vec<String>) {
    if window == 0 {
        return;
    }
    let targets: Vec<usize> = (0..tokens.len())
        .filter(|&i| tokens[i] == TARGET_TOKEN)
        .collect();
    for (i, token) in tokens.iter().enumerate() {
        if token == TARGET_TOKEN {
            continue;
        }
        if let Some(&t) = targets.iter().find(|&&t| t.abs_diff(i) <= window) {
            let side = if i < t { "<" } else { ">" };
            terms.push(format!("n{side}:{token}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokenized(tokens: &[&str]) -> TokenizedText {
        TokenizedText {
            normalized: tokens.join(" ").to_lowercase(),
            tokens: tokens.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn settings() -> TermSettings {
        TermSettings {
            word_ngrams: NgramRange::new(1, 2),
            char_ngrams: NgramRange::new(0, 0),
            quote_ngrams: NgramRange::new(0, 0),
            target_window: 0,
            actor_term: false,
        }
    }

    #[test]
    fn word_unigrams_and_bigrams() {
        let mut terms = Vec::new();
        extract(&tokenized(&["a", "b", "c"]), "X", &settings(), &mut terms);
        assert_eq!(terms, ["w:a", "w:b", "w:c", "w:a b", "w:b c"]);
    }

    #[test]
    fn char_ngrams_collapse_white_space() {
        let mut terms = Vec::new();
        let text = TokenizedText {
            normalized: "ab \n c".into(),
            tokens: vec![],
        };
        let settings = TermSettings {
            word_ngrams: NgramRange::new(0, 0),
            char_ngrams: NgramRange::new(3, 3),
            ..settings()
        };
        extract(&text, "X", &settings, &mut terms);
        assert_eq!(terms, ["c:ab ", "c:b c"]);
    }

    #[test]
    fn words_near_the_target_are_marked_by_side() {
        let mut terms = Vec::new();
        let settings = TermSettings {
            word_ngrams: NgramRange::new(0, 0),
            target_window: 1,
            actor_term: true,
            ..settings()
        };
        let text = tokenized(&["far", "calls", TARGET_TOKEN, "communist", "x"]);
        extract(&text, "Zohran Mamdani", &settings, &mut terms);
        assert_eq!(terms, ["n<:calls", "n>:communist", "a:zohran mamdani"]);
    }
}
