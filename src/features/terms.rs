//! The terms of one text: word n-grams, character n-grams, words near the target, word n-grams
//! marked by their side of the target, the actor.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::lexicon::{self, Polarity};
use crate::text::{Piece, Token, TokenizedText, TARGET_TOKEN};

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

    /// The range that yields no n-grams.
    pub const fn off() -> Self {
        NgramRange { min: 0, max: 0 }
    }

    /// Whether this range yields no n-grams.
    pub fn is_off(self) -> bool {
        self.max == 0 || self.min > self.max
    }
}

/// `MIN-MAX`, or `0` when off: the form the n-gram flags take
/// (`parse_ngram_range` reads it back).
impl std::fmt::Display for NgramRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Padded as a string is, so tables can align it.
        if self.is_off() {
            f.pad("0")
        } else {
            f.pad(&format!("{}-{}", self.min, self.max))
        }
    }
}

// The prefix each term is made with, which tells its kind ([`TermKind::of`]).
const WORD: &str = "w:";
const CHAR: &str = "c:";
const NEAR_BEFORE: &str = "n<:";
const NEAR_AFTER: &str = "n>:";
const LEFT: &str = "l:";
const MIDDLE: &str = "m:";
const RIGHT: &str = "r:";
const QUOTE: &str = "q:";
const ACTOR: &str = "a:";
const LEXICON: &str = "x:";

/// The kinds of term, told apart by the prefix each is made with; with
/// [`FeatureParams::kind_norm`](super::FeatureParams::kind_norm) each kind is normalised on its
/// own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    /// `w:`, word n-grams of the whole text.
    Word,
    /// `c:`, character n-grams.
    Char,
    /// `n<:` and `n>:`, words near the target.
    Near,
    /// `l:`, `m:` and `r:`, word n-grams by their side of the target.
    Side,
    /// `q:`, word n-grams of the quote alone.
    Quote,
    /// `a:`, the actor.
    Actor,
    /// `x:`, the sentiment lexicon's polarity of rated words: in the whole text, by their side
    /// of the target and near it, and in the quote alone.
    Lexicon,
}

impl TermKind {
    /// How many kinds there are; `kind as usize` is below it.
    pub const COUNT: usize = 7;

    /// The kind's name in explanations.
    pub fn name(self) -> &'static str {
        match self {
            TermKind::Word => "word",
            TermKind::Char => "char",
            TermKind::Near => "near-target",
            TermKind::Side => "side",
            TermKind::Quote => "quote",
            TermKind::Actor => "actor",
            TermKind::Lexicon => "lexicon",
        }
    }

    /// A term without the prefix that marks its kind (`w:` and the like).
    pub(crate) fn strip(term: &str) -> &str {
        term.find(':').map_or(term, |colon| &term[colon + 1..])
    }

    /// The kind of a term made by [`extract`] or [`quote_terms`].
    pub(crate) fn of(term: &str) -> TermKind {
        match term.find(':').map_or("", |colon| &term[..=colon]) {
            WORD => TermKind::Word,
            CHAR => TermKind::Char,
            NEAR_BEFORE | NEAR_AFTER => TermKind::Near,
            LEFT | MIDDLE | RIGHT => TermKind::Side,
            QUOTE => TermKind::Quote,
            LEXICON => TermKind::Lexicon,
            _ => TermKind::Actor,
        }
    }
}

/// Where in its text a term came from, for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermSource {
    /// Tokens `start..end` of the tokenised text.
    Tokens(usize, usize),
    /// Bytes `start..end` of the normalised text with its white space collapsed (see
    /// [`Uncollapse`]).
    Chars(usize, usize),
    /// The target's mentions (the actor term).
    Target,
}

/// Which terms `extract` makes.
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
    /// Word n-grams marked by their side of the target: `l:` before its first mention, `r:`
    /// after its last, `m:` between two mentions. They tell apart the actors of one statement
    /// ("A attacks B to defend C"), whose other terms are the same. Texts that never mention
    /// the target get none; models saved before this setting existed read it as off.
    #[serde(default = "NgramRange::off")]
    pub side_ngrams: NgramRange,
    /// Add a term naming the row's actor, so one shared model can learn each actor's prior.
    pub actor_term: bool,
    /// Add the sentiment lexicon's polarity of rated words as terms (`x:pos`, `x:n<neg`, ...),
    /// so praise and attack in words the training set never used still count. Models saved
    /// before this setting existed read it as off.
    #[serde(default)]
    pub lexicon: bool,
}

/// Gives each term of one text to `emit`, repeats included (they are the term frequencies).
///
/// Terms are built in one reused buffer and lent out, never allocated one by one: featurising
/// makes about a thousand terms per row, and most are only looked up and dropped.
///
/// `emit` says whether the term may be in the feature space; fitting says yes to every term.
/// A space keeps every term seen in at least `min_df` training examples, and an example with a
/// word or character n-gram has its prefix one shorter too, so a space that lacks an n-gram
/// lacks every longer one from the same place: those are not made.
pub fn extract(
    text: &TokenizedText,
    actor: &str,
    settings: &TermSettings,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
) {
    let mut term = String::new();
    let all = Windows::All;
    text_ngrams(
        &text.tokens,
        &text.normalized,
        settings,
        all,
        &mut term,
        emit,
    );
    target_terms(text, actor, settings, &mut term, emit);
}

/// The terms [`extract`] gives a text that one piece of a longer text holds whole, as that
/// piece: its word and character n-grams, which are the same wherever the piece sits.
pub(crate) fn piece_terms(
    tokens: &[Token],
    normalized: &str,
    settings: &TermSettings,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
) {
    let mut term = String::new();
    text_ngrams(tokens, normalized, settings, Windows::All, &mut term, emit);
}

/// The terms [`extract`] gives `text` that none of its pieces ([`Layout`]) gives alone
/// ([`piece_terms`]): the n-grams that reach across an edge between pieces, and the terms that
/// depend on where the target is or who the actor is. With every piece's own terms they are
/// the terms [`extract`] gives.
pub(crate) fn extract_around(
    text: &TokenizedText,
    layout: &Layout,
    actor: &str,
    settings: &TermSettings,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
) {
    let mut term = String::new();
    let across = Windows::Across(layout);
    text_ngrams(
        &text.tokens,
        &text.normalized,
        settings,
        across,
        &mut term,
        emit,
    );
    target_terms(text, actor, settings, &mut term, emit);
}

/// Word n-grams, then character n-grams, of the windows `windows` takes.
fn text_ngrams(
    tokens: &[Token],
    normalized: &str,
    settings: &TermSettings,
    windows: Windows,
    term: &mut String,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
) {
    let range = settings.word_ngrams;
    prefixed_ngrams(WORD, tokens, range, windows, term, emit);
    char_ngrams(normalized, settings.char_ngrams, windows, term, emit);
}

/// The terms that depend on where the target is mentioned or on who the actor is.
fn target_terms(
    text: &TokenizedText,
    actor: &str,
    settings: &TermSettings,
    term: &mut String,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
) {
    let targets = Targets::of(&text.tokens);
    near_target(&text.tokens, &targets, settings.target_window, term, emit);
    side_ngrams(&text.tokens, &targets, settings.side_ngrams, term, emit);
    if settings.lexicon {
        lexicon_terms(text, &targets, settings.target_window, "", term, emit);
    }
    if settings.actor_term {
        term.clear();
        term.push_str(ACTOR);
        term.push_str(&actor.to_lowercase());
        emit(term, TermSource::Target);
    }
}

/// Gives the terms of a quote's own words to `emit`, marked apart from the context's: its word
/// n-grams and, if the settings ask, its rated words.
pub fn quote_terms(
    quote: &TokenizedText,
    settings: &TermSettings,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
) {
    let mut term = String::new();
    let range = settings.quote_ngrams;
    prefixed_ngrams(QUOTE, &quote.tokens, range, Windows::All, &mut term, emit);
    quote_target_terms(quote, settings, &mut term, emit);
}

/// The terms [`quote_terms`] gives a quote that one piece of a longer quote holds whole.
pub(crate) fn quote_piece_terms(
    tokens: &[Token],
    settings: &TermSettings,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
) {
    let range = settings.quote_ngrams;
    prefixed_ngrams(QUOTE, tokens, range, Windows::All, &mut String::new(), emit);
}

/// The terms [`quote_terms`] gives `quote` that none of its pieces gives alone; see
/// [`extract_around`].
pub(crate) fn quote_around(
    quote: &TokenizedText,
    layout: &Layout,
    settings: &TermSettings,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
) {
    let mut term = String::new();
    let (range, across) = (settings.quote_ngrams, Windows::Across(layout));
    prefixed_ngrams(QUOTE, &quote.tokens, range, across, &mut term, emit);
    quote_target_terms(quote, settings, &mut term, emit);
}

/// The word n-grams in `range` of the windows `windows` takes, each as `prefix` and its tokens.
fn prefixed_ngrams(
    prefix: &'static str,
    tokens: &[Token],
    range: NgramRange,
    windows: Windows,
    term: &mut String,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
) {
    ngrams(tokens, range, term, emit, true, |start, window| {
        windows.takes_tokens(start, window.len()).then_some(prefix)
    });
}

fn quote_target_terms(
    quote: &TokenizedText,
    settings: &TermSettings,
    term: &mut String,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
) {
    if settings.lexicon {
        let targets = Targets::of(&quote.tokens);
        lexicon_terms(quote, &targets, 0, QUOTE, term, emit);
    }
}

/// Where the pieces a text was tokenised in ([`Piece`]) sit among its tokens and among the
/// characters of its normalised text with white space collapsed (what character n-grams read).
pub(crate) struct Layout {
    /// The piece of each token.
    token_piece: Vec<u32>,
    /// The text's normalised form with white space collapsed.
    collapsed: String,
    /// The piece of each character of `collapsed`; [`Layout::GAP`] for a space between two
    /// pieces, which neither holds.
    char_piece: Vec<u32>,
}

impl Layout {
    const GAP: u32 = u32::MAX;

    /// The layout of `pieces` in `text`; none when the pieces do not tile it, or when a word of
    /// the collapsed text runs across the edge of two pieces (no white space between them), so
    /// that no piece holds it.
    pub(crate) fn of(text: &TokenizedText, pieces: &[Piece]) -> Option<Layout> {
        let mut token_piece = Vec::with_capacity(text.tokens.len());
        for (p, piece) in (0u32..).zip(pieces) {
            let (start, end) = piece.tokens;
            (start == token_piece.len() && start <= end).then_some(())?;
            token_piece.resize(end, p);
        }
        (token_piece.len() == text.tokens.len()).then_some(())?;
        let collapsed = collapse(&text.normalized);
        let mut rest = collapsed.as_str();
        let mut char_piece = Vec::with_capacity(collapsed.len());
        for (p, piece) in (0u32..).zip(pieces) {
            let (start, end) = piece.normalized;
            for (k, word) in text
                .normalized
                .get(start..end)?
                .split_whitespace()
                .enumerate()
            {
                if !char_piece.is_empty() {
                    rest = rest.strip_prefix(' ')?;
                    char_piece.push(if k == 0 { Self::GAP } else { p });
                }
                rest = rest.strip_prefix(word)?;
                char_piece.extend(std::iter::repeat_n(p, word.chars().count()));
            }
        }
        rest.is_empty().then_some(())?;
        Some(Layout {
            token_piece,
            collapsed,
            char_piece,
        })
    }
}

/// Which windows of a text n-grams are taken from.
#[derive(Clone, Copy)]
enum Windows<'l> {
    /// Every window.
    All,
    /// The windows no one piece of the layout holds whole.
    Across(&'l Layout),
}

impl Windows<'_> {
    fn takes(pieces: &[u32], start: usize, len: usize) -> bool {
        let (first, last) = (pieces[start], pieces[start + len - 1]);
        first != last || first == Layout::GAP
    }

    /// Whether the window of `len` tokens from token `start` is taken.
    fn takes_tokens(self, start: usize, len: usize) -> bool {
        match self {
            Windows::All => true,
            Windows::Across(layout) => Self::takes(&layout.token_piece, start, len),
        }
    }

    /// Whether the window of `len` characters from character `start` of the collapsed text is
    /// taken.
    fn takes_chars(self, start: usize, len: usize) -> bool {
        match self {
            Windows::All => true,
            Windows::Across(layout) => Self::takes(&layout.char_piece, start, len),
        }
    }
}

/// Gives a term for each word of `text` the sentiment lexicon rates: `x:` and `scope` (empty
/// for the whole text, `q:` for a quote), then where the word is (nowhere, `n<`/`n>` within
/// `window` tokens of a target mention, `l:`/`m:`/`r:` by its side of the target), then `pos` or
/// `neg`, with `!` added for strongly rated words.
fn lexicon_terms(
    text: &TokenizedText,
    targets: &Targets,
    window: usize,
    scope: &str,
    term: &mut String,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
) {
    for (i, rating) in lexicon::ratings(&text.words).into_iter().enumerate() {
        let Some(rating) = rating else { continue };
        let polarity = match rating.polarity {
            Polarity::Positive => "pos",
            Polarity::Negative => "neg",
        };
        let near = targets
            .near(i, window)
            .map(|t| if i < t { "n<" } else { "n>" });
        // A rated word is never a mention, so it always has a side when there is a target.
        let side = targets.side(i, i + 1);
        for place in std::iter::once("").chain(near).chain(side) {
            for mark in std::iter::once("").chain(rating.strong.then_some("!")) {
                term.clear();
                term.push_str(LEXICON);
                term.push_str(scope);
                term.push_str(place);
                term.push_str(polarity);
                term.push_str(mark);
                emit(term, TermSource::Tokens(i, i + 1));
            }
        }
    }
}

/// Where a text mentions the target: the positions of its [`TARGET_TOKEN`]s, in order.
struct Targets(Vec<usize>);

impl Targets {
    fn of(tokens: &[Token]) -> Self {
        Targets(
            (0..tokens.len())
                .filter(|&i| &*tokens[i] == TARGET_TOKEN)
                .collect(),
        )
    }

    /// The first mention at most `window` tokens from position `i`; none when `window` is 0.
    ///
    /// Found by binary search, as every lookup here is: a text is asked about each of its
    /// tokens, and one made of mentions would otherwise cost mentions × tokens.
    fn near(&self, i: usize, window: usize) -> Option<usize> {
        if window == 0 {
            return None;
        }
        let first = self.0.partition_point(|&t| t < i.saturating_sub(window));
        self.0
            .get(first)
            .copied()
            .filter(|&t| t <= i.saturating_add(window))
    }

    /// The side prefix of the tokens `start..end`: [`LEFT`] before the first mention,
    /// [`RIGHT`] after the last, [`MIDDLE`] between two; none when the text has no mention or
    /// the span holds one.
    fn side(&self, start: usize, end: usize) -> Option<&'static str> {
        let (&first, &last) = (self.0.first()?, self.0.last()?);
        if end <= first {
            Some(LEFT)
        } else if start > last {
            Some(RIGHT)
        } else if self.0[self.0.partition_point(|&t| t < start)] < end {
            None
        } else {
            Some(MIDDLE)
        }
    }
}

fn side_ngrams(
    tokens: &[Token],
    targets: &Targets,
    range: NgramRange,
    term: &mut String,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
) {
    if targets.0.is_empty() {
        return;
    }
    ngrams(tokens, range, term, emit, false, |start, window| {
        targets.side(start, start + window.len())
    });
}

/// Gives each word n-gram in `range` to `emit` as `prefix` and its tokens joined by spaces,
/// where `prefix_of(start, window)` names a prefix; n-grams it gives none are skipped. The
/// n-grams from one token are made shortest first and, where `prefix_closed` (the prefix is the
/// same for every window), no longer once `emit` says one is not in the space (see
/// [`extract`]).
fn ngrams<'p>(
    tokens: &[Token],
    range: NgramRange,
    term: &mut String,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
    prefix_closed: bool,
    prefix_of: impl Fn(usize, &[Token]) -> Option<&'p str>,
) {
    if range.is_off() {
        return;
    }
    for start in 0..tokens.len() {
        for n in range.min.max(1)..=range.max {
            let Some(window) = tokens.get(start..start + n) else {
                break;
            };
            let Some(prefix) = prefix_of(start, window) else {
                continue;
            };
            term.clear();
            term.push_str(prefix);
            for (i, token) in window.iter().enumerate() {
                if i > 0 {
                    term.push(' ');
                }
                term.push_str(token);
            }
            if !emit(term, TermSource::Tokens(start, start + n)) && prefix_closed {
                break;
            }
        }
    }
}

/// White space collapsed to single spaces, as character n-grams see a normalised text.
fn collapse(normalized: &str) -> String {
    let mut collapsed = String::with_capacity(normalized.len());
    for word in normalized.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    collapsed
}

/// Where each byte of a normalised text's collapsed form (see [`TermSource::Chars`]) sits in
/// the normalised text: built in one pass, it maps any number of ranges back, each in constant
/// time (an explanation maps one for each character n-gram of a row).
pub struct Uncollapse {
    /// The byte of the normalised text each byte of the collapsed text came from, then the
    /// end of the text's last word.
    at: Vec<usize>,
}

impl Uncollapse {
    /// The map of `normalized`.
    pub fn new(normalized: &str) -> Self {
        let mut at = Vec::with_capacity(normalized.len() + 1);
        let mut last_end = 0;
        for piece in normalized.split_whitespace() {
            let offset = piece.as_ptr() as usize - normalized.as_ptr() as usize;
            if !at.is_empty() {
                at.push(last_end); // the single space that stands for the white space
            }
            at.extend(offset..offset + piece.len());
            last_end = offset + piece.len();
        }
        at.push(last_end);
        Uncollapse { at }
    }

    /// The byte range of the normalised text that `start..end` of the collapsed one came from.
    pub fn range(&self, start: usize, end: usize) -> (usize, usize) {
        let at = &self.at;
        let last_end = at[at.len() - 1];
        let byte = |i: usize| at.get(i).copied().unwrap_or(last_end);
        // The last entry is the end of the text, which no byte of the collapsed text maps to.
        let end = end.min(at.len() - 1);
        let end = if end > start {
            byte(end - 1) + 1
        } else {
            byte(start)
        };
        (byte(start), end)
    }
}

fn char_ngrams(
    normalized: &str,
    range: NgramRange,
    windows: Windows,
    term: &mut String,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
) {
    if range.is_off() {
        return;
    }
    // The text the layout collapsed already, or collapsed here.
    let collapsed = match windows {
        Windows::Across(layout) => Cow::Borrowed(layout.collapsed.as_str()),
        Windows::All => Cow::Owned(collapse(normalized)),
    };
    // Byte offset of every character, and the end: n-grams are slices of `collapsed`.
    let mut bounds = Vec::with_capacity(collapsed.len() + 1);
    bounds.extend(collapsed.char_indices().map(|(i, _)| i));
    bounds.push(collapsed.len());
    // Shortest first from each character, and no longer once one is not in the space.
    let chars = bounds.len() - 1;
    for start in 0..chars {
        for n in range.min.max(1)..=range.max.min(chars - start) {
            if !windows.takes_chars(start, n) {
                continue;
            }
            let (from, to) = (bounds[start], bounds[start + n]);
            term.clear();
            term.push_str(CHAR);
            term.push_str(&collapsed[from..to]);
            if !emit(term, TermSource::Chars(from, to)) {
                break;
            }
        }
    }
}

fn near_target(
    tokens: &[Token],
    targets: &Targets,
    window: usize,
    term: &mut String,
    emit: &mut impl FnMut(&str, TermSource) -> bool,
) {
    if window == 0 {
        return;
    }
    for (i, token) in tokens.iter().enumerate() {
        if &**token == TARGET_TOKEN {
            continue;
        }
        if let Some(t) = targets.near(i, window) {
            term.clear();
            term.push_str(if i < t { NEAR_BEFORE } else { NEAR_AFTER });
            term.push_str(token);
            emit(term, TermSource::Tokens(i, i + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokenized(tokens: &[&str]) -> TokenizedText {
        TokenizedText {
            normalized: tokens.join(" ").to_lowercase(),
            tokens: tokens.iter().map(|&t| t.into()).collect(),
            words: tokens.iter().map(|t| t.to_lowercase().into()).collect(),
            offsets: Vec::new(),
        }
    }

    fn settings() -> TermSettings {
        TermSettings {
            word_ngrams: NgramRange::new(1, 2),
            char_ngrams: NgramRange::new(0, 0),
            quote_ngrams: NgramRange::new(0, 0),
            target_window: 0,
            side_ngrams: NgramRange::off(),
            actor_term: false,
            lexicon: false,
        }
    }

    #[test]
    fn every_term_has_the_kind_of_its_prefix() {
        let settings = TermSettings {
            word_ngrams: NgramRange::new(1, 1),
            char_ngrams: NgramRange::new(3, 3),
            quote_ngrams: NgramRange::new(1, 1),
            target_window: 1,
            side_ngrams: NgramRange::new(1, 1),
            actor_term: true,
            lexicon: true,
        };
        let text = tokenized(&["we", "back", TARGET_TOKEN, "now:", "good"]);
        let mut kinds = Vec::new();
        extract(&text, "ICE", &settings, &mut |term, _| {
            kinds.push((term.to_string(), TermKind::of(term)));
            true
        });
        quote_terms(&text, &settings, &mut |term, _| {
            kinds.push((term.to_string(), TermKind::of(term)));
            true
        });
        let kind_of = |term: &str| kinds.iter().find(|(t, _)| t == term).map(|&(_, k)| k);
        assert_eq!(kind_of("w:we"), Some(TermKind::Word));
        // A colon inside the n-gram does not change its kind.
        assert_eq!(kind_of("c:ow:"), Some(TermKind::Char));
        assert_eq!(kind_of("n<:back"), Some(TermKind::Near));
        assert_eq!(kind_of("n>:now:"), Some(TermKind::Near));
        assert_eq!(kind_of("l:we"), Some(TermKind::Side));
        assert_eq!(kind_of("r:now:"), Some(TermKind::Side));
        assert_eq!(kind_of("q:back"), Some(TermKind::Quote));
        assert_eq!(kind_of("a:ice"), Some(TermKind::Actor));
        assert_eq!(kind_of("x:r:pos"), Some(TermKind::Lexicon));
        assert_eq!(kind_of("x:q:r:pos"), Some(TermKind::Lexicon));
    }

    #[test]
    fn rated_words_give_their_polarity_by_place_and_strength() {
        let settings = TermSettings {
            word_ngrams: NgramRange::off(),
            target_window: 1,
            lexicon: true,
            ..settings()
        };
        // "praised" is rated 2.2 (strong), "lied" -1.6; "said" is not rated.
        let text = tokenized(&["they", "praised", TARGET_TOKEN, "said", "he", "lied"]);
        let mut terms: Vec<String> = Vec::new();
        let mut lexicon_only = |t: &str, _| {
            if TermKind::of(t) == TermKind::Lexicon {
                terms.push(t.to_string())
            }
            true
        };
        extract(&text, "X", &settings, &mut lexicon_only);
        assert_eq!(
            terms,
            [
                "x:pos", "x:pos!", "x:n<pos", "x:n<pos!", "x:l:pos", "x:l:pos!", //
                "x:neg", "x:r:neg",
            ]
        );
        terms.clear();
        quote_terms(&text, &settings, &mut |t, _| {
            terms.push(t.to_string());
            true
        });
        assert_eq!(
            terms,
            [
                "x:q:pos",
                "x:q:pos!",
                "x:q:l:pos",
                "x:q:l:pos!",
                "x:q:neg",
                "x:q:r:neg"
            ]
        );
        terms.clear();
        // Without a target the words count only for the whole text.
        extract(&tokenized(&["he", "lied"]), "X", &settings, &mut |t, _| {
            terms.push(t.to_string());
            true
        });
        assert_eq!(terms, ["x:neg"]);
    }

    #[test]
    fn word_unigrams_and_bigrams() {
        let mut terms: Vec<String> = Vec::new();
        extract(
            &tokenized(&["a", "b", "c"]),
            "X",
            &settings(),
            &mut |t, _| {
                terms.push(t.to_string());
                true
            },
        );
        assert_eq!(terms, ["w:a", "w:a b", "w:b", "w:b c", "w:c"]);
    }

    #[test]
    fn longer_ngrams_are_not_made_once_a_shorter_one_is_missing() {
        let settings = TermSettings {
            word_ngrams: NgramRange::new(1, 3),
            char_ngrams: NgramRange::new(2, 3),
            ..settings()
        };
        let mut terms: Vec<String> = Vec::new();
        let text = TokenizedText {
            normalized: "ab c".to_string(),
            ..tokenized(&["a", "b", "c"])
        };
        // The space lacks "w:b" and "c:ab": nothing longer from the same place is made.
        extract(&text, "X", &settings, &mut |t, _| {
            terms.push(t.to_string());
            !["w:b", "c:ab"].contains(&t)
        });
        let made = |kind: &str| {
            terms
                .iter()
                .filter(|t| t.starts_with(kind))
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(made("w:"), ["w:a", "w:a b", "w:a b c", "w:b", "w:c"]);
        assert_eq!(made("c:"), ["c:ab", "c:b ", "c:b c", "c: c"]);
    }

    #[test]
    fn each_term_says_where_it_came_from() {
        let settings = TermSettings {
            char_ngrams: NgramRange::new(2, 2),
            target_window: 1,
            actor_term: true,
            ..settings()
        };
        let text = TokenizedText {
            normalized: "a  [target]".into(),
            ..tokenized(&["a", TARGET_TOKEN])
        };
        let mut sources = Vec::new();
        extract(&text, "X", &settings, &mut |t, source| {
            sources.push((t.to_string(), source));
            true
        });
        let source_of = |term: &str| sources.iter().find(|(t, _)| t == term).map(|&(_, s)| s);
        assert_eq!(source_of("w:a [TARGET]"), Some(TermSource::Tokens(0, 2)));
        assert_eq!(source_of("n<:a"), Some(TermSource::Tokens(0, 1)));
        // "a [" is bytes 0..3 of the collapsed text, 0..4 of the normalised one.
        assert_eq!(source_of("c: ["), Some(TermSource::Chars(1, 3)));
        let uncollapse = Uncollapse::new(&text.normalized);
        assert_eq!(uncollapse.range(1, 3), (1, 4));
        assert_eq!(uncollapse.range(0, 3), (0, 4));
        assert_eq!(uncollapse.range(2, 10), (3, 11));
        assert_eq!(uncollapse.range(2, 99), (3, 11));
        assert_eq!(source_of("a:x"), Some(TermSource::Target));
        assert_eq!(TermKind::strip("n<:a"), "a");
        assert_eq!(TermKind::strip("c:ow:"), "ow:");
    }

    #[test]
    fn char_ngrams_collapse_white_space() {
        let mut terms = Vec::new();
        let text = TokenizedText {
            normalized: "ab \n c".into(),
            tokens: vec![],
            words: vec![],
            offsets: vec![],
        };
        let settings = TermSettings {
            word_ngrams: NgramRange::new(0, 0),
            char_ngrams: NgramRange::new(3, 3),
            ..settings()
        };
        extract(&text, "X", &settings, &mut |t, _| {
            terms.push(t.to_string());
            true
        });
        assert_eq!(terms, ["c:ab ", "c:b c"]);
    }

    #[test]
    fn side_ngrams_say_where_the_target_is() {
        let mut terms: Vec<String> = Vec::new();
        let settings = TermSettings {
            word_ngrams: NgramRange::off(),
            side_ngrams: NgramRange::new(1, 2),
            ..settings()
        };
        let text = tokenized(&["a", TARGET_TOKEN, "b", TARGET_TOKEN, "c", "d"]);
        extract(&text, "X", &settings, &mut |t, _| {
            terms.push(t.to_string());
            true
        });
        assert_eq!(terms, ["l:a", "m:b", "r:c", "r:c d", "r:d"]);
        terms.clear();
        extract(
            &tokenized(&["no", "target"]),
            "X",
            &settings,
            &mut |t, _| {
                terms.push(t.to_string());
                true
            },
        );
        assert!(terms.is_empty(), "{terms:?}");
    }

    #[test]
    fn settings_saved_before_side_ngrams_and_the_lexicon_read_them_as_off() {
        let old = r#"{"word_ngrams":{"min":1,"max":3},"char_ngrams":{"min":2,"max":5},
            "quote_ngrams":{"min":1,"max":2},"target_window":3,"actor_term":true}"#;
        let settings: TermSettings = serde_json::from_str(old).unwrap();
        assert!(settings.side_ngrams.is_off());
        assert!(!settings.lexicon);
    }

    #[test]
    fn targets_found_by_search_are_those_a_walk_finds() {
        // Every position, window and span of texts with mentions at the ends, side by side and
        // apart, against a walk over every mention (what the lookups were first written as).
        for positions in [
            vec![],
            vec![0],
            vec![5],
            vec![0, 1, 2],
            vec![2, 3, 7, 11],
            vec![11],
        ] {
            let targets = Targets(positions.clone());
            for i in 0..13 {
                for window in 0..4 {
                    let walk = positions
                        .iter()
                        .copied()
                        .find(|&t| window > 0 && t.abs_diff(i) <= window);
                    assert_eq!(targets.near(i, window), walk, "{positions:?} {i} {window}");
                }
                for end in i + 1..14 {
                    let walk = match (positions.first(), positions.last()) {
                        (None, _) | (_, None) => None,
                        (Some(&first), _) if end <= first => Some(LEFT),
                        (_, Some(&last)) if i > last => Some(RIGHT),
                        _ if positions.iter().any(|t| (i..end).contains(t)) => None,
                        _ => Some(MIDDLE),
                    };
                    assert_eq!(targets.side(i, end), walk, "{positions:?} {i}..{end}");
                }
            }
        }
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
        extract(&text, "Zohran Mamdani", &settings, &mut |t, _| {
            terms.push(t.to_string());
            true
        });
        assert_eq!(terms, ["n<:calls", "n>:communist", "a:zohran mamdani"]);
    }
}
