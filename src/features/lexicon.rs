//! Sentiment words from VADER's lexicon (the `vader_sentiment` crate; this is the only module
//! that imports it): the polarity of each word of a text, turned by a negation shortly before
//! it. A corpus of a few thousand rows never uses most of the words real reporting praises or
//! attacks with ("glowing", "scathing"); the lexicon's 7,500 rated words carry what the corpus
//! teaches about its own evaluative words over to them.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// Words that turn the polarity of a rated word at most [`NEGATION_REACH`] words after them.
/// VADER's own list spells contractions whole ("don't"); the tokeniser splits those into
/// "don", "'", "t", which [`negates`] reads.
const NEGATORS: &[&str] = &[
    "not", "no", "never", "none", "nor", "neither", "nothing", "nowhere", "nobody", "without",
    "cannot", "rarely", "seldom", "hardly", "barely",
];

/// How many words before a rated word a negator turns it from.
const NEGATION_REACH: usize = 3;

/// A rated word at least this strong (VADER rates from -4 to 4) is also marked strong.
const STRONG: f64 = 2.0;

/// The polarity of one word of a text, after negation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Polarity {
    Positive,
    Negative,
}

/// A rated word: its polarity after negation, and whether the lexicon rates it strongly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rating {
    pub polarity: Polarity,
    pub strong: bool,
}

fn lexicon() -> &'static FxHashMap<&'static str, f64> {
    static LEXICON: OnceLock<FxHashMap<&'static str, f64>> = OnceLock::new();
    LEXICON.get_or_init(|| {
        vader_sentiment::LEXICON
            .iter()
            .map(|(word, &valence)| (**word, valence))
            .collect()
    })
}

/// The rating of each of `words` (lowercased), `None` for words the lexicon does not rate.
pub(crate) fn ratings(words: &[impl AsRef<str>]) -> Vec<Option<Rating>> {
    let lexicon = lexicon();
    (0..words.len())
        .map(|i| {
            let valence = *lexicon.get(words[i].as_ref())?;
            if valence == 0.0 {
                return None;
            }
            let negated = (i.saturating_sub(NEGATION_REACH)..i).any(|j| negates(words, j));
            let polarity = match (valence > 0.0) != negated {
                true => Polarity::Positive,
                false => Polarity::Negative,
            };
            Some(Rating {
                polarity,
                strong: valence.abs() >= STRONG,
            })
        })
        .collect()
}

/// Whether `words[i]` negates: a negator, or the "t" of a split "n't".
fn negates(words: &[impl AsRef<str>], i: usize) -> bool {
    let word = words[i].as_ref();
    let after_apostrophe = i > 0 && matches!(words[i - 1].as_ref(), "'" | "’");
    NEGATORS.contains(&word) || (word == "t" && after_apostrophe)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn rates_praise_and_attack_and_skips_plain_words() {
        let rated = ratings(&words("she praised the bill and they attack the plan"));
        assert_eq!(rated[1].map(|r| r.polarity), Some(Polarity::Positive));
        assert_eq!(rated[6].map(|r| r.polarity), Some(Polarity::Negative));
        for plain in [0, 2, 3, 4, 5, 7, 8] {
            assert_eq!(rated[plain], None, "{plain}");
        }
    }

    #[test]
    fn a_negation_shortly_before_turns_the_polarity() {
        let rated = ratings(&words("we don ' t like it"));
        assert_eq!(rated[4].map(|r| r.polarity), Some(Polarity::Negative));
        let rated = ratings(&words("not at all good"));
        assert_eq!(rated[3].map(|r| r.polarity), Some(Polarity::Negative));
        // Past the reach the negator no longer counts.
        let rated = ratings(&words("not that we ever said good"));
        assert_eq!(rated[5].map(|r| r.polarity), Some(Polarity::Positive));
    }

    #[test]
    fn strong_words_are_marked() {
        let rated = ratings(&words("good excellent"));
        assert!(!rated[0].unwrap().strong, "good is rated 1.9");
        assert!(rated[1].unwrap().strong);
    }
}
