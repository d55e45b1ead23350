//! Target awareness: mentions of the row's actor become [`TARGET_TOKEN`], mentions of other
//! known actors [`OTHER_ACTOR_TOKEN`].
//!
//! The same quote can favour one actor and oppose another ("A attacks B to defend C"); masking
//! lets one model learn "praise near the target" instead of "praise near the word Clinton".

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex::{Regex, RegexBuilder};
use rustc_hash::FxHashMap;

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
///
/// The mentions are what the regular expression `\b(?:A|B|…)\b` finds, `A`, `B`, … being the
/// name's forms in order of preference ([`MentionMatcher::pattern`]). Compiling such an
/// expression takes about half a millisecond, and an article brings a score of names the model
/// never saw, so a name whose forms are all ASCII is searched without it: one Aho-Corasick scan
/// for the forms and a check of the word boundaries, which finds the same mentions in any text
/// without a character that case-folds to ASCII (the Kelvin sign and the long s). The
/// expression is compiled, once, only for a text or a name outside that.
#[derive(Debug, Clone)]
pub struct MentionMatcher {
    /// The name's forms in order of preference, each with whether its case matters.
    forms: Vec<(String, bool)>,
    /// The literal forms a mention takes, lowercased: a cheap test that one may occur.
    literals: Vec<String>,
    /// The scan for ASCII forms, built at the first search.
    scan: OnceLock<Option<AhoCorasick>>,
    /// The expression, compiled at the first search that needs it.
    regex: OnceLock<Option<Regex>>,
}

/// Characters outside ASCII that a case-insensitive expression matches to an ASCII letter:
/// with one of them in a text, the ASCII scan could miss a mention the expression finds.
const FOLDS_TO_ASCII: [char; 2] = ['\u{212A}', '\u{017F}'];

impl MentionMatcher {
    /// Builds the matcher for `actor` (none for a pronoun): the full name (case-insensitive, also
    /// without spaces as in hashtags), each significant word of names up to three words
    /// ("Hillary Clinton" → "Clinton"), and the initials of multi-word names as a case-sensitive
    /// acronym ("Immigration and Customs Enforcement" → "ICE").
    pub fn new(actor: &str) -> Self {
        let words: Vec<&str> = actor.split_whitespace().collect();
        if words.is_empty() || PRONOUNS.contains(&actor.trim().to_lowercase().as_str()) {
            return MentionMatcher {
                forms: Vec::new(),
                literals: Vec::new(),
                scan: OnceLock::new(),
                regex: OnceLock::new(),
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
        let literals = insensitive
            .iter()
            .chain(&sensitive)
            .map(|w| w.to_lowercase())
            .collect();
        let forms = insensitive
            .into_iter()
            .map(|w| (w, false))
            .chain(sensitive.into_iter().map(|w| (w, true)))
            .collect();
        MentionMatcher {
            forms,
            literals,
            scan: OnceLock::new(),
            regex: OnceLock::new(),
        }
    }

    /// The regular expression whose matches are the mentions: the forms in order of
    /// preference, `(?i:…)` around those whose case does not matter, within word boundaries.
    pub fn pattern(&self) -> String {
        let alternatives: Vec<String> = self
            .forms
            .iter()
            .map(|(form, sensitive)| match sensitive {
                true => regex::escape(form),
                false => format!("(?i:{})", regex::escape(form)),
            })
            .collect();
        format!(r"\b(?:{})\b", alternatives.join("|"))
    }

    /// Lowercased strings one of which occurs in the lowercased text wherever the matcher
    /// matches (none if the actor has no name).
    fn literals(&self) -> &[String] {
        &self.literals
    }

    /// Byte ranges of the mentions in `text`, in order, not overlapping.
    pub fn find(&self, text: &str) -> Vec<(usize, usize)> {
        if self.forms.is_empty() {
            return Vec::new();
        }
        match self.scan() {
            Some(scan) if !text.contains(FOLDS_TO_ASCII) => self.find_by_scan(scan, text),
            _ => self
                .regex
                .get_or_init(|| RegexBuilder::new(&self.pattern()).build().ok())
                .as_ref()
                .map(|regex| {
                    regex
                        .find_iter(text)
                        .map(|m| (m.start(), m.end()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The scan of the forms, if they are all ASCII.
    fn scan(&self) -> Option<&AhoCorasick> {
        self.scan
            .get_or_init(|| {
                if !self.forms.iter().all(|(form, _)| form.is_ascii()) {
                    return None;
                }
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(self.forms.iter().map(|(form, _)| form))
                    .ok()
            })
            .as_ref()
    }

    /// Whether form `preference`, found ASCII-case-insensitively at `start..end` of `text`, is a
    /// match of the expression there: in its case if that matters, within word boundaries.
    fn accepts(&self, text: &str, preference: usize, start: usize, end: usize) -> bool {
        self.in_case(text, preference, start, end)
            && word_boundary(text, start)
            && word_boundary(text, end)
    }

    /// Whether form `preference`, found ASCII-case-insensitively at `start..end` of `text`, is
    /// in its case there, or its case does not matter.
    fn in_case(&self, text: &str, preference: usize, start: usize, end: usize) -> bool {
        let (form, sensitive) = &self.forms[preference];
        !sensitive || &text[start..end] == form
    }

    /// What the expression finds, found by the scan.
    fn find_by_scan(&self, scan: &AhoCorasick, text: &str) -> Vec<(usize, usize)> {
        let mut candidates: Vec<(usize, usize, usize)> = scan
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.pattern().as_usize(), m.end()))
            .filter(|&(start, preference, end)| self.accepts(text, preference, start, end))
            .collect();
        candidates.sort_unstable();
        leftmost_first(candidates)
    }
}

/// The matches an expression `\b(?:A|B|…)\b` gives, from every (start, preference, end) where
/// one of its forms matches, sorted: at the leftmost start the most preferred form, then on
/// after its end.
fn leftmost_first(
    candidates: impl IntoIterator<Item = (usize, usize, usize)>,
) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut cursor = 0;
    for (start, _, end) in candidates {
        if start >= cursor {
            found.push((start, end));
            cursor = end;
        }
    }
    found
}

/// Whether `at` is a word boundary of `text` as `\b` sees it (Unicode word characters).
fn word_boundary(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    before.is_some_and(is_word_character) != after.is_some_and(is_word_character)
}

/// Whether `c` is a word character as `\b` sees it; ASCII is answered without the search of
/// Unicode's tables (nearly every character of news is ASCII).
fn is_word_character(c: char) -> bool {
    match c.is_ascii() {
        true => c.is_ascii_alphanumeric() || c == '_',
        false => regex_syntax::is_word_character(c),
    }
}

/// The matchers of many actors, with one combined scan that finds all their mentions in a
/// text, so masking costs one pass over the text rather than one per actor.
#[derive(Debug, Clone, Default)]
pub struct ActorMatchers {
    /// Each actor with its matcher, sorted by name without repeats; the combined scan numbers
    /// the actors by their place here.
    matchers: Vec<(String, MentionMatcher)>,
    /// The place of each actor in `matchers`, by name: masking asks for several actors of
    /// every example, and a hash finds one with one comparison of names where a binary search
    /// of two thousand made eleven.
    places: FxHashMap<String, usize>,
    /// The combined scan, built at the first search.
    scan: OnceLock<CombinedScan>,
    /// The kind of automaton the combined scan is (the crate's choice if none).
    scan_kind: Option<AhoCorasickKind>,
}

/// One Aho-Corasick scan for the ASCII forms of every actor, and a scan of the lowercased text
/// for the literals of the other forms, which says whose expressions to run.
///
/// An actor with a form outside ASCII ("José Díaz", "café workers") has its ASCII forms ("JD",
/// "workers") in the first scan too: its expression runs only in a text where the literal of
/// one of its other forms occurs, and elsewhere what the scan finds is what the expression
/// finds (its other forms cannot match there). Running the expressions of such actors wherever
/// "workers" or "office" occurred was a fifth of the cost of finding the mentions.
#[derive(Debug, Clone)]
struct CombinedScan {
    /// Every distinct ASCII form, lowercased; `owners[i]` are the actors (their places in
    /// [`ActorMatchers`]) that have form `i`, each with its preference.
    forms: Option<AhoCorasick>,
    owners: Vec<Vec<(usize, usize)>>,
    /// The literals of the forms outside ASCII; `literal_owners[i]` owns literal `i`.
    literals: Option<AhoCorasick>,
    literal_owners: Vec<usize>,
    /// Whether every literal is outside ASCII, so that none occurs in an ASCII text.
    literals_outside_ascii: bool,
}

impl CombinedScan {
    /// The scan of `matchers`, its automata of `kind` (the crate's choice if none).
    fn new(matchers: &[(String, MentionMatcher)], kind: Option<AhoCorasickKind>) -> Self {
        let mut owners_of: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
        let (mut literals, mut literal_owners) = (Vec::new(), Vec::new());
        for (actor, (_, matcher)) in matchers.iter().enumerate() {
            // A form's literal is its lowercase (`MentionMatcher::new` makes them in the same
            // order).
            for (preference, ((form, _), literal)) in
                matcher.forms.iter().zip(matcher.literals()).enumerate()
            {
                if form.is_ascii() {
                    owners_of
                        .entry(form.to_ascii_lowercase())
                        .or_default()
                        .push((actor, preference));
                } else {
                    literals.push(literal.as_str());
                    literal_owners.push(actor);
                }
            }
        }
        let literals_outside_ascii = literals.iter().all(|literal| !literal.is_ascii());
        // Without a scan (should one fail to build) every matcher runs in turn. The forms are
        // searched in the text with ASCII letters lowercased, which keeps every byte offset:
        // an automaton of lowercase forms builds in half the time of a case-insensitive one.
        let (forms, owners): (Vec<String>, Vec<_>) = owners_of.into_iter().unzip();
        let build = |patterns: Vec<_>| AhoCorasick::builder().kind(kind).build(patterns).ok();
        let forms = build(forms.iter().map(String::as_str).collect());
        let literals = build(literals);
        CombinedScan {
            forms,
            owners,
            literals,
            literal_owners,
            literals_outside_ascii,
        }
    }
}

impl ActorMatchers {
    /// Builds the matchers of `actors`.
    pub fn new<S: AsRef<str>>(actors: impl IntoIterator<Item = S>) -> Self {
        let mut names: Vec<String> = actors
            .into_iter()
            .map(|actor| actor.as_ref().to_string())
            .collect();
        names.sort_unstable();
        names.dedup();
        let places = (0..)
            .zip(&names)
            .map(|(i, name)| (name.clone(), i))
            .collect();
        let matchers = names
            .into_iter()
            .map(|name| {
                let matcher = MentionMatcher::new(&name);
                (name, matcher)
            })
            .collect();
        ActorMatchers {
            matchers,
            places,
            scan: OnceLock::new(),
            scan_kind: None,
        }
    }

    /// Below this many texts to search, [`ActorMatchers::for_few_texts`] pays.
    pub(crate) const FEW_TEXTS: usize = 1024;

    /// The matchers of `actors` for a few texts: their scan is the automaton that builds
    /// fastest (a noncontiguous NFA, which the others are built from) rather than one that
    /// searches fastest (building a DFA took longer than searching an article's statements
    /// with it; with a contiguous NFA, finding the mentions in PolNeAR's articles took 4% more
    /// instructions).
    pub(crate) fn for_few_texts<S: AsRef<str>>(actors: impl IntoIterator<Item = S>) -> Self {
        ActorMatchers {
            scan_kind: Some(AhoCorasickKind::NoncontiguousNFA),
            ..Self::new(actors)
        }
    }

    /// The matchers with their combined scan built now rather than at the first search.
    pub fn prepared(self) -> Self {
        self.combined_scan();
        self
    }

    fn combined_scan(&self) -> &CombinedScan {
        self.scan
            .get_or_init(|| CombinedScan::new(&self.matchers, self.scan_kind))
    }

    /// The matcher of a known actor.
    pub fn get(&self, actor: &str) -> Option<&MentionMatcher> {
        self.places.get(actor).map(|&i| &self.matchers[i].1)
    }

    /// Whether there is a matcher for `actor`.
    pub fn contains(&self, actor: &str) -> bool {
        self.get(actor).is_some()
    }

    /// The mentions of every actor in `text`, as each one's [`MentionMatcher::find`] gives
    /// them; actors not mentioned are left out.
    pub fn mentions(&self, text: &str) -> Mentions<'_> {
        let scan = self.combined_scan();
        let matchers = &self.matchers;
        let mut found = BTreeMap::new();
        let mut add = |actor: usize, spans: Vec<(usize, usize)>| {
            if !spans.is_empty() {
                found.insert(matchers[actor].0.as_str(), spans);
            }
        };
        let Some(forms) = scan
            .forms
            .as_ref()
            .filter(|_| !text.contains(FOLDS_TO_ASCII))
        else {
            for (actor, (_, matcher)) in matchers.iter().enumerate() {
                add(actor, matcher.find(text));
            }
            return Mentions(found);
        };
        let lowercase = text.to_ascii_lowercase();
        let mut candidates: Vec<(usize, usize, usize, usize)> = forms
            .find_overlapping_iter(&lowercase)
            // Most forms found are inside longer words ("ice" in "police"): the boundaries are
            // the same for every owner of the form, so they are tested once.
            .filter(|m| word_boundary(text, m.start()) && word_boundary(text, m.end()))
            .flat_map(|m| {
                scan.owners[m.pattern().as_usize()]
                    .iter()
                    .filter(move |&&(actor, preference)| {
                        matchers[actor]
                            .1
                            .in_case(text, preference, m.start(), m.end())
                    })
                    .map(move |&(actor, preference)| (actor, m.start(), preference, m.end()))
            })
            .collect();
        // The actors one of whose forms outside ASCII may occur: their expressions run.
        let by_expression: BTreeSet<usize> = match &scan.literals {
            Some(_) if text.is_ascii() && scan.literals_outside_ascii => BTreeSet::new(),
            Some(literals) => {
                // Lowercase in full, which for ASCII is what the forms' scan searched.
                let lowercase = match text.is_ascii() {
                    true => Cow::Borrowed(&lowercase),
                    false => Cow::Owned(text.to_lowercase()),
                };
                literals
                    .find_overlapping_iter(lowercase.as_str())
                    .map(|m| scan.literal_owners[m.pattern().as_usize()])
                    .collect()
            }
            None => BTreeSet::new(),
        };
        candidates.sort_unstable();
        for run in candidates.chunk_by(|a, b| a.0 == b.0) {
            if !by_expression.contains(&run[0].0) {
                add(
                    run[0].0,
                    leftmost_first(run.iter().map(|&(_, s, p, e)| (s, p, e))),
                );
            }
        }
        for actor in by_expression {
            add(actor, matchers[actor].1.find(text));
        }
        Mentions(found)
    }
}

/// The mentions of several actors in one text, by actor name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentions<'a>(BTreeMap<&'a str, Vec<(usize, usize)>>);

impl<'a> Mentions<'a> {
    /// The mentions of `actor`, in order; none if it is not mentioned or not known.
    pub fn of(&self, actor: &str) -> &[(usize, usize)] {
        self.0.get(actor).map_or(&[], Vec::as_slice)
    }

    /// Every mentioned actor with its mentions, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &[(usize, usize)])> + '_ {
        self.0.iter().map(|(name, spans)| (*name, spans.as_slice()))
    }
}

/// Matchers of actors that training never saw, built once for a batch of examples rather than
/// once per example.
#[derive(Debug, Clone, Default)]
pub struct UnseenActors(ActorMatchers);

impl UnseenActors {
    /// The matchers of the `actors` that `known` has none for, to search `texts` texts.
    pub fn of<'a>(
        known: &ActorMatchers,
        actors: impl IntoIterator<Item = &'a str>,
        texts: usize,
    ) -> Self {
        let unseen: BTreeSet<&str> = actors
            .into_iter()
            .filter(|actor| !known.contains(actor))
            .collect();
        UnseenActors(match texts < ActorMatchers::FEW_TEXTS {
            true => ActorMatchers::for_few_texts(unseen),
            false => ActorMatchers::new(unseen),
        })
    }

    /// Whether there is a matcher for `actor`.
    pub fn contains(&self, actor: &str) -> bool {
        self.0.contains(actor)
    }

    /// The mentions of every unseen actor in `text`.
    pub fn mentions(&self, text: &str) -> Mentions<'_> {
        self.0.mentions(text)
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
            // The last placeholder that starts before `at` (at it, for a start), found by
            // binary search: an explanation maps a range for each of a row's terms.
            let before = self
                .replacements
                .partition_point(|r| r.masked.0 < at || (!is_end && r.masked.0 == at));
            let Some(r) = before.checked_sub(1).map(|i| &self.replacements[i]) else {
                return at;
            };
            if at < r.masked.1 || (is_end && at == r.masked.1) {
                return if is_end { r.original.1 } else { r.original.0 };
            }
            (at as isize + r.original.1 as isize - r.masked.1 as isize) as usize
        };
        (map(start, false), map(end.max(start), true))
    }
}

/// Replaces the `targets` (byte ranges of `text`: the target's mentions) with [`TARGET_TOKEN`]
/// and the other actors' mentions with [`OTHER_ACTOR_TOKEN`]. Where ranges overlap the earlier
/// one wins, so the target wins over the others; ranges that are not within `text` on character
/// boundaries are ignored.
pub fn mask_mentions(text: &str, targets: &[(usize, usize)], others: &[(usize, usize)]) -> Masked {
    let candidates = targets
        .iter()
        .map(|&(start, end)| (start, end, TARGET_TOKEN))
        .chain(
            others
                .iter()
                .map(|&(start, end)| (start, end, OTHER_ACTOR_TOKEN)),
        );
    // The ranges kept so far, by start. They never overlap, so their ends rise with their
    // starts, and a new range overlaps one of them exactly when it overlaps the last that
    // starts before its end: one lookup, not a pass over all of them.
    let mut kept: BTreeMap<usize, (usize, &str)> = BTreeMap::new();
    for (start, end, token) in candidates {
        let within = start < end && text.get(start..end).is_some();
        let free = || {
            kept.range(..end)
                .next_back()
                .is_none_or(|(_, &(e, _))| e <= start)
        };
        if within && free() {
            kept.insert(start, (end, token));
        }
    }
    let spans = kept
        .into_iter()
        .map(|(start, (end, token))| (start, end, token));
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
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn word_characters_are_what_the_expressions_take_them_to_be() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            assert_eq!(
                is_word_character(c),
                regex_syntax::is_word_character(c),
                "{c:?}"
            );
        }
    }

    fn mask(text: &str, target: &str, others: &[&str]) -> String {
        let others: Vec<(usize, usize)> = others
            .iter()
            .flat_map(|other| MentionMatcher::new(other).find(text))
            .collect();
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
    fn the_combined_scan_finds_what_each_matcher_finds() {
        let all = ActorMatchers::new(NAMES);
        for text in [
            "Trump called Mamdani a communist; ice cream for the NURSES",
            "ICE agents, TRUMP’s “union” and Zohran, HILLARY and José DÍAZ",
            "Díaz met Kathy \u{212A}athy Hochul at AT&T; the U.S. Senate and Yahoo!",
            "The workers met JD and jd; Workers of the CAFÉ, café workers",
            "",
        ] {
            let mentions = all.mentions(text);
            for name in NAMES {
                let each = MentionMatcher::new(name).find(text);
                assert_eq!(mentions.of(name), each.as_slice(), "{name} in {text}");
            }
            assert!(mentions.iter().all(|(_, spans)| !spans.is_empty()));
        }
        assert!(all.get("ICE").is_some() && all.get("DHS").is_none());
    }

    /// Names of every shape the matcher makes forms for: several words, acronyms, all
    /// capitals, hashtag-like, punctuation at the ends, non-ASCII.
    const NAMES: &[&str] = &[
        "Hillary Clinton",
        "Immigration and Customs Enforcement",
        "ICE",
        "NYPD",
        "Kathy Hochul",
        "AT&T",
        "Yahoo!",
        "U.S. Senate",
        "Kelly Sanders",
        "José Díaz",
        "café workers",
        "Straße Amt",
        "K-9 Unit",
        "_under_score",
    ];

    /// What the matcher's own expression finds, compiled as it would be without the scan.
    fn by_regex(matcher: &MentionMatcher, text: &str) -> Vec<(usize, usize)> {
        Regex::new(&matcher.pattern())
            .unwrap()
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The scan finds what the expression finds, in texts built from the names' pieces,
        /// their case changed, glued to letters, digits, marks, underscores and the characters
        /// that case-fold to ASCII.
        #[test]
        fn the_scan_finds_what_the_expression_finds(
            name in 0..NAMES.len(),
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("Hillary Clinton"), Just("hillary clinton"), Just("CLINTON"),
                    Just("Clinton"), Just("HillaryClinton"), Just("ICE"), Just("ice"),
                    Just("IcE"), Just("NYPD"), Just("Kathy"), Just("\u{212A}athy"),
                    Just("Hochul"), Just("HOCHUL"), Just("KH"), Just("kh"), Just("AT&T"),
                    Just("Yahoo!"), Just("yahoo!x"), Just("U.S. Senate"), Just("u.s. senate"),
                    Just("Senate"), Just("José Díaz"), Just("JOSÉ"), Just("Díaz"), Just("JD"),
                    Just("café workers"), Just("CAFÉ"), Just("Workers"),
                    Just("STRASSE"), Just("Straße"), Just("K-9"), Just("k-9 unit"),
                    Just("_under_score"), Just(" "), Just("  "), Just(","), Just("x"),
                    Just("9"), Just("_"), Just("é"), Just("\u{301}"), Just("\u{17F}"),
                    Just("’s"), Just("\n"), Just("#"), Just("."),
                ],
                0..12,
            ),
        ) {
            let text: String = pieces.concat();
            let matcher = MentionMatcher::new(NAMES[name]);
            let expected = by_regex(&matcher, &text);
            prop_assert_eq!(&matcher.find(&text), &expected, "{:?}", text);
            // Whichever automaton the combined scan is.
            for all in [ActorMatchers::new(NAMES), ActorMatchers::for_few_texts(NAMES)] {
                let mentions = all.mentions(&text);
                prop_assert_eq!(mentions.of(NAMES[name]), expected.as_slice(), "{:?}", text);
            }
        }
    }

    /// [`mask_mentions`] as it was first written: each range checked against every range kept
    /// before it (quadratic in the mentions), the reference the indexed version must match.
    fn mask_by_pairs(text: &str, targets: &[(usize, usize)], others: &[(usize, usize)]) -> Masked {
        let mut spans: Vec<(usize, usize, bool)> = Vec::new();
        let candidates = targets.iter().map(|&(s, e)| (s, e, true));
        for (start, end, target) in candidates.chain(others.iter().map(|&(s, e)| (s, e, false))) {
            let within = start < end && text.get(start..end).is_some();
            if within && spans.iter().all(|&(s, e, _)| end <= s || start >= e) {
                spans.push((start, end, target));
            }
        }
        spans.sort_unstable();
        let (mut masked, mut replacements, mut cursor) = (String::new(), Vec::new(), 0);
        for (start, end, target) in spans {
            masked.push_str(&text[cursor..start]);
            let token = if target {
                TARGET_TOKEN
            } else {
                OTHER_ACTOR_TOKEN
            };
            let placeholder = masked.len();
            masked.push_str(&format!(" {token} "));
            replacements.push(Replacement {
                masked: (placeholder, masked.len()),
                original: (start, end),
                target,
            });
            cursor = end;
        }
        masked.push_str(&text[cursor..]);
        Masked {
            text: masked,
            replacements,
        }
    }

    /// [`Masked::original`] as it was first written: a walk over every placeholder before `at`.
    fn original_by_walk(masked: &Masked, start: usize, end: usize) -> (usize, usize) {
        let map = |at: usize, is_end: bool| {
            let mut shift = 0isize;
            for r in &masked.replacements {
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Masking keeps, of ranges that overlap, the one given first (targets before others),
        /// and maps every range of the masked text back as a walk over the placeholders does.
        #[test]
        fn masking_keeps_the_first_of_overlapping_ranges(
            targets in proptest::collection::vec((0usize..40, 0usize..6), 0..12),
            others in proptest::collection::vec((0usize..40, 0usize..6), 0..12),
        ) {
            let text = "Ann Lee met “ICE” in 東京 and ICE’s chief ";
            let spans = |ranges: Vec<(usize, usize)>| -> Vec<(usize, usize)> {
                ranges.into_iter().map(|(start, len)| (start, start + len)).collect()
            };
            let (targets, others) = (spans(targets), spans(others));
            let masked = mask_mentions(text, &targets, &others);
            prop_assert_eq!(&masked, &mask_by_pairs(text, &targets, &others));
            for start in 0..=masked.text.len() + 1 {
                for end in start..=masked.text.len() + 1 {
                    prop_assert_eq!(
                        masked.original(start, end),
                        original_by_walk(&masked, start, end)
                    );
                }
            }
        }
    }

    #[test]
    fn masking_a_text_of_mentions_keeps_every_mention() {
        // 100,000 mentions, the target's and another actor's, half of them given twice: each
        // is masked once, as its first range says.
        let text = "ICE DHS ".repeat(50_000);
        let ice: Vec<(usize, usize)> = (0..50_000).map(|i| (8 * i, 8 * i + 3)).collect();
        let dhs: Vec<(usize, usize)> = (0..50_000).map(|i| (8 * i + 4, 8 * i + 7)).collect();
        let masked = mask_mentions(&text, &ice, &[dhs.as_slice(), &ice].concat());
        assert_eq!(masked.replacements.len(), 100_000);
        assert_eq!(
            masked.replacements.iter().filter(|r| r.target).count(),
            50_000
        );
        let growth = (TARGET_TOKEN.len() - 1) + (OTHER_ACTOR_TOKEN.len() - 1);
        assert_eq!(masked.text.len(), text.len() + 50_000 * growth);
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
