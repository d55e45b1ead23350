//! Speaker attribution: who said each quote or reported statement, and how sure we are.
//!
//! For a quote, the cue verb nearest to it in its sentence(s) (outside any quote; ties go to
//! the cue before the quote) is looked up, then its subject:
//! - `“…,” said Pruitt`: the name right after a cue that follows the quote ([`INVERTED`]);
//! - `Okafor said`, `Mamdani has criticized`, `DHS officials have promised`,
//!   `Samuel Tran, told`, `ICE (ICE) invited`: the mention right before the cue, skipping
//!   auxiliaries, adverbs, group nouns and a comma ([`ADJACENT`]);
//! - otherwise, and always for `…, calling him a “communist”` (a participle after a comma,
//!   whose subject is the main clause's), the first mention in subject position of the
//!   sentence ([`CLAUSE_SUBJECT`]);
//! - a mention after `of`/`at` right before the cue (`Economists at Calder University
//!   warned`) only as a last resort ([`PREPOSITIONAL`]).
//!
//! A quote with no usable cue takes the speaker of the previous quote in its paragraph
//! ([`PREVIOUS_QUOTE`]), else of a cue in the previous or next sentence of the paragraph
//! ([`NEIGHBOUR`]); the context then grows to hold that sentence. Scare quotes take only a
//! cue of their own sentence: a journalist's scare quote has no speaker. Pronouns count
//! through their resolved actor.

use rustc_hash::FxHashMap;

use super::grammar::{
    is_active_cue, is_participle_after_comma, is_skippable, is_subject, is_verbish,
};
use super::lexicon::{
    follows_subject, is_capitalised, is_finite_cue, is_subject_pronoun, is_subject_quantifier,
    is_title, is_weekday, may_invert, may_precede_subject, opens_description, strip_possessive,
    Lowercase, GROUPS_OF, GROUP_DETERMINERS, GROUP_NOUNS, MODIFIER_PREPOSITIONS, SKIPPABLE,
    STOPWORDS,
};
use super::mentions::{FoundActors, Mention, MentionKind};
use super::quotes::RawQuote;
use super::segment::{inside, is_space, trim, Document};
use super::types::{QuoteKind, Span};

// The confidences are the share of right speakers each rule gave on the 302 PolNeAR
// training articles (`stance evaluate --extraction …/polnear-train/gold`, the reliability
// table): a speaker given 0.9 is right about nine times in ten there.

/// Confidence of `“…,” said X`.
pub(crate) const INVERTED: f64 = 0.95;
/// Confidence of `X said` right before the cue.
pub(crate) const ADJACENT: f64 = 0.95;
/// Confidence of `he said` right before the cue, through the pronoun's antecedent.
pub(crate) const ADJACENT_PRONOUN: f64 = 0.75;
/// Confidence of `according to X`.
pub(crate) const ACCORDING_TO: f64 = 0.9;
/// Confidence of the sentence subject when the cue has no adjacent subject.
pub(crate) const CLAUSE_SUBJECT: f64 = 0.8;
/// Confidence of the previous quote's speaker.
pub(crate) const PREVIOUS_QUOTE: f64 = 0.9;
/// Confidence of a cue in a neighbouring sentence.
pub(crate) const NEIGHBOUR: f64 = 0.7;
/// Confidence of a speaker described, not named: a group (`Critics of Mamdani have
/// warned`), a description (`the moderator said`, `a man yelled`).
pub(crate) const DESCRIBED: f64 = 0.8;
/// Confidence of a subject found after a preposition.
pub(crate) const PREPOSITIONAL: f64 = 0.5;

/// How many tokens before or after a quote are searched for its cue.
const CUE_WINDOW: usize = 60;

/// Most bytes of a statement's context outside the quoted words, split evenly before and
/// after them.
///
/// The context is the quote's sentence(s), and a run-on "sentence" (40,000 quote marks, a
/// scraped page without a full stop) would give each of its many quotes the whole of it, so
/// the contexts, and the features built from them, would grow with the square of the text.
/// Beyond this budget the context is a window of whole words around the quote. News sentences
/// stay well inside it: over the 302 PolNeAR training articles a context holds at most 475
/// bytes besides its quote.
pub(crate) const CONTEXT_BUDGET: usize = 600;

/// A statement with its speaker and context.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statement {
    /// The quote or reported statement.
    pub(crate) quote: RawQuote,
    /// Its sentence(s), and the sentence of the attribution when that is a neighbour.
    pub(crate) context: Span,
    /// Index of the speaker in [`FoundActors::actors`].
    pub(crate) speaker: Option<usize>,
    /// When no actor is the speaker, the words that describe who spoke (`Critics of
    /// Mamdani`).
    pub(crate) described: Option<Span>,
    /// Confidence of the attribution, 0 to 1.
    pub(crate) confidence: f64,
}

/// Attributes every quote and statement.
pub(crate) fn attribute(
    doc: &Document,
    found: &FoundActors,
    quotes: &[RawQuote],
) -> Vec<Statement> {
    let mut marks: Vec<Span> = quotes
        .iter()
        .filter(|q| q.kind != QuoteKind::Reported)
        .map(|q| q.outer)
        .collect();
    marks.sort();
    let inside_marks = |pos: usize| inside(&marks, pos);
    let mut out: Vec<Statement> = Vec::with_capacity(quotes.len());
    // The speaker a neighbouring sentence's cue gives, by sentence: many quotes in one
    // sentence would otherwise each scan the same long neighbour.
    let mut neighbour_cues: FxHashMap<usize, Option<usize>> = FxHashMap::default();
    for quote in quotes {
        let sentences = doc.sentences_overlapping(quote.outer);
        let mut context = sentences
            .clone()
            .filter_map(|s| doc.sentences.get(s))
            .map(|s| s.span)
            .reduce(|a, b| a.cover(b))
            .unwrap_or(quote.outer)
            .cover(quote.span);
        let mut attribution: Option<(usize, f64)> = None;
        // The cue's subject, when it describes someone no actor names.
        let mut description: Option<Span> = None;
        let cues: Vec<usize>;
        if let Some(cue) = quote.cue {
            description = described_subject(doc, found, cue, quote.outer, &inside_marks);
            if description.is_none() {
                attribution = cue_subject(doc, found, cue, &inside_marks);
            }
            cues = vec![cue];
        } else {
            let first = doc.token_at_or_after(quote.outer.start);
            let last = doc.token_at_or_after(quote.outer.end);
            // Cues by distance to the quote; on a tie the cue before the quote wins.
            let mut ranked: Vec<(usize, usize, usize)> = Vec::new();
            for s in sentences.clone().filter_map(|s| doc.sentences.get(s)) {
                // Only cues near the quote: a run-on "sentence" must not cost quadratic time.
                let window = first.saturating_sub(CUE_WINDOW).max(s.tokens.start)
                    ..(last + CUE_WINDOW).min(s.tokens.end);
                for t in window {
                    if inside_marks(doc.tokens[t].span.start) || !is_active_cue(doc, t) {
                        continue;
                    }
                    let (distance, after) = if t < first {
                        (first - t, 0)
                    } else {
                        (t.saturating_sub(last) + 1, 1)
                    };
                    ranked.push((distance, after, t));
                }
            }
            ranked.sort();
            cues = ranked.iter().map(|&(_, _, cue)| cue).collect();
            attribution = subject_after_quote(doc, found, quote.outer, &inside_marks)
                .or_else(|| signature(doc, found, quote.outer));
            if attribution.is_none() && ranked.is_empty() {
                attribution = colon_subject(doc, found, quote.outer, &inside_marks);
            }
            for &(_, _, cue) in &ranked {
                if attribution.is_some() || description.is_some() {
                    break;
                }
                attribution = inverted_subject(doc, found, cue, quote.outer);
                if attribution.is_none() {
                    description = described_subject(doc, found, cue, quote.outer, &inside_marks);
                }
                if attribution.is_none() && description.is_none() {
                    // `Meeks said Clinton assured them that Democrats “…”`: a quote in what
                    // an outer cue reports is credited to that cue's subject, the source
                    // the reader has it from.
                    attribution = outer_cue(doc, cue, &inside_marks)
                        .and_then(|outer| cue_subject(doc, found, outer, &inside_marks))
                        .or_else(|| cue_subject(doc, found, cue, &inside_marks));
                }
            }
            let unattributed = attribution.is_none() && description.is_none();
            let previous = unattributed
                .then(|| previous_quote(doc, quote, &out))
                .flatten()
                .filter(|_| quote.kind == QuoteKind::Direct);
            if let Some(previous) = previous {
                attribution = previous.speaker.map(|s| (s, PREVIOUS_QUOTE));
                description = previous.described.filter(|_| previous.speaker.is_none());
            } else if unattributed && quote.kind == QuoteKind::Direct {
                if let Some((actor, confidence, extra)) =
                    from_neighbours(doc, found, quote, &inside_marks, &mut neighbour_cues)
                {
                    attribution = Some((actor, confidence));
                    if let Some(extra) = extra {
                        context = context.cover(extra);
                    }
                }
            }
        }
        let (speaker, mut confidence) = match attribution {
            Some((a, c)) => (Some(a), c),
            None => (None, 0.0),
        };
        // `Critics of Mamdani … have warned`: a group described, not an actor, said it (the
        // actor after `of` is only what the group is defined by). `…, a school spokesman
        // told reporters`: a trailing attribution whose subject names no actor.
        let described = cues
            .iter()
            .find_map(|&cue| described_group(doc, found, cue, &inside_marks))
            .or(description)
            .or_else(|| {
                let trailing = speaker.is_none() && quote.kind == QuoteKind::Reported;
                quote
                    .cue
                    .filter(|_| trailing)
                    .and_then(|cue| trailing_subject(doc, found, cue, quote.span))
            });
        let speaker = if described.is_some() { None } else { speaker };
        if described.is_some() {
            confidence = DESCRIBED;
        }
        let context = bounded_context(doc.text, context, quote.span);
        out.push(Statement {
            quote: quote.clone(),
            context,
            speaker,
            described,
            confidence,
        });
    }
    out
}

/// The confidence of a subject right before its cue: lower when the subject is a pronoun,
/// whose antecedent may be wrong.
fn adjacent(m: &Mention) -> f64 {
    if m.kind == MentionKind::Pronoun {
        ADJACENT_PRONOUN
    } else {
        ADJACENT
    }
}

/// `context` itself when it holds at most [`CONTEXT_BUDGET`] bytes besides `quote`, else the
/// whole words of `context` within half the budget before and after `quote` (which it must
/// contain), and `quote` itself.
fn bounded_context(text: &str, context: Span, quote: Span) -> Span {
    if context.len() <= quote.len() + CONTEXT_BUDGET {
        return context;
    }
    let half = CONTEXT_BUDGET / 2;
    // Before the quote: from the first word that starts after a white space within reach.
    let mut start = quote.start.saturating_sub(half).max(context.start);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    if start > context.start {
        start = text
            .get(start..quote.start)
            .and_then(|head| head.char_indices().find(|&(_, c)| is_space(c)))
            .map_or(quote.start, |(i, c)| start + i + c.len_utf8());
    }
    // After it: up to the last white space within reach.
    let mut end = (quote.end + half).min(context.end);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end < context.end {
        end = text
            .get(quote.end..end)
            .and_then(|tail| tail.char_indices().rev().find(|&(_, c)| is_space(c)))
            .map_or(quote.end, |(i, _)| quote.end + i);
    }
    trim(text, Span::new(start, end))
        .unwrap_or(quote)
        .cover(quote)
}

/// Most tokens a mention spans, for looking mentions up by their last token.
const LONGEST_MENTION: usize = 16;

/// The mentions that start at token `t` (mentions are sorted by position).
fn mentions_starting_at(found: &FoundActors, t: usize) -> impl Iterator<Item = &Mention> {
    let from = found.mentions.partition_point(|m| m.first_token < t);
    found.mentions[from..]
        .iter()
        .take_while(move |m| m.first_token == t)
}

/// The mention whose last token is `t`, preferring names.
fn mention_ending_at(found: &FoundActors, t: usize) -> Option<&Mention> {
    let to = found.mentions.partition_point(|m| m.first_token <= t);
    found.mentions[..to]
        .iter()
        .rev()
        .take_while(|m| m.first_token + LONGEST_MENTION > t)
        .filter(|m| m.last_token == t)
        .min_by_key(|m| m.kind != MentionKind::Name)
}

/// The mention after token `t`, past titles, `the` and abbreviation dots (`said Senator John
/// McCain`, `recalled Mr. Rhodes`, `― Marta Vinci`); pronouns only when `pronouns`.
fn mention_after<'f>(
    doc: &Document,
    found: &'f FoundActors,
    t: usize,
    pronouns: bool,
) -> Option<&'f Mention> {
    let mut next = t + 1;
    while next < t + 5
        && (is_title(doc.token_text(next))
            || doc.token_text(next) == "."
            || opens_description(&doc.token_text(next).lower()))
    {
        next += 1;
    }
    let at = |u: usize| {
        mentions_starting_at(found, u)
            .filter(|m| pronouns || m.kind != MentionKind::Pronoun)
            .min_by_key(|m| m.kind != MentionKind::Name)
    };
    // The words of a description before the name it leads to (`Los Angeles-based attorney`,
    // `party boss`): not a function word, a weekday or punctuation.
    let sentence = doc.tokens.get(next)?.sentence;
    let describes = |u: usize| {
        let word = doc.token_text(u).lower();
        doc.tokens.get(u).is_some_and(|x| x.sentence == sentence)
            && doc.is_word(u)
            && !STOPWORDS.contains(&word.as_ref())
            && !is_weekday(&word)
            && !is_active_cue(doc, u)
    };
    // The name the description leads to, right after it or after a comma (`said another
    // Twitter user, Jo Bayer`).
    let head_after = |from: usize| {
        let words = (from..from + DESCRIBED_WORDS)
            .take_while(|&u| describes(u))
            .count();
        (from..from + words)
            .find_map(|u| at(u).filter(|m| m.kind == MentionKind::Name))
            .or_else(|| {
                let comma = from + words;
                (words > 0 && doc.token_text(comma) == ",")
                    .then(|| at(comma + 1).filter(|m| m.kind == MentionKind::Name))
                    .flatten()
            })
    };
    match at(next) {
        // `said Florida’s Rick Wilson`, `said Clinton’s top aide Jake Sullivan`: the name
        // the possessive qualifies.
        Some(m) if strip_possessive(doc.token_text(m.last_token)).1 => Some(
            at(m.last_token + 1)
                .filter(|h| h.kind == MentionKind::Name)
                .or_else(|| head_after(m.last_token + 1))
                .unwrap_or(m),
        ),
        // `said Republican party boss Reince Priebus`: past the description to its head.
        Some(m) => {
            let lower_follows =
                doc.is_word(m.last_token + 1) && !is_capitalised(doc.token_text(m.last_token + 1));
            Some(
                lower_follows
                    .then(|| head_after(m.last_token + 1))
                    .flatten()
                    .unwrap_or(m),
            )
        }
        // `said Los Angeles-based attorney Edgar Martirosyan`.
        None => head_after(next),
    }
}

/// `“…,” Mr. Daniloff, now 81 and retired, said by telephone`: the mention that right
/// follows the quote and is the subject of a cue later in the sentence, past an appositive
/// between commas. News reports a quote's speaker right after it; a cue's own subject search
/// would stop at the appositive's last name instead.
fn subject_after_quote(
    doc: &Document,
    found: &FoundActors,
    outer: Span,
    inside_marks: &dyn Fn(usize) -> bool,
) -> Option<(usize, f64)> {
    let mut t = doc.token_at_or_after(outer.end);
    while doc.token_text(t) == "," {
        t += 1;
    }
    // Only in the quote's own sentence: `“…,” Carver said`, never the next paragraph's
    // subject.
    let closing = doc.token_at_or_after(outer.end).checked_sub(1)?;
    let sentence = doc.sentence_of(t)?;
    // A question or an exclamation ends its sentence inside the marks, and the attribution
    // right after it starts the next (`“Have I?” Sanders replied.`).
    let asks = last_sign(doc.text, outer.end, |c| c == '?' || c == '!')
        .is_some_and(|c| c == '?' || c == '!');
    let next_sentence = asks
        && t == sentence.tokens.start
        && doc.sentence_of(closing)?.paragraph == sentence.paragraph;
    if doc.tokens.get(closing)?.sentence != doc.tokens[t].sentence && !next_sentence {
        return None;
    }
    // `“…,” an angry Hollande retaliated`: past an article and its adjectives.
    let mut before = t.checked_sub(1)?;
    if matches!(doc.token_text(t).lower().as_ref(), "a" | "an") {
        before = (t..t + DESCRIBED_WORDS)
            .take_while(|&w| doc.is_word(w) && !is_capitalised(doc.token_text(w)))
            .last()
            .unwrap_or(before);
    }
    let m = mention_after(doc, found, before, true)?;
    // Right after the subject a cue (`he said`, `Clinton concluded`), or a comma opening an
    // appositive that a comma and a cue close. A quote that ends in a comma hands over to
    // its attribution, so any verb will do there (`“…,” Hollande retaliated`).
    let mut u = after_parenthetical(doc, m.last_token + 1);
    while is_skippable(doc.token_text(u)) && doc.token_text(u) != "," {
        u += 1;
    }
    let hands_over = last_sign(doc.text, outer.end, |c| c == ',') == Some(',');
    if is_active_cue(doc, u) || (hands_over && doc.is_word(u) && is_verbish(doc.token_text(u))) {
        return Some((m.actor, adjacent(m)));
    }
    if doc.token_text(u) != "," {
        return None;
    }
    let end = sentence.tokens.end.min(u + CUE_WINDOW);
    (u + 1..end)
        .take_while(|&v| !inside_marks(doc.tokens[v].span.start))
        .find(|&v| doc.token_text(v - 1) == "," && is_active_cue(doc, v))
        .map(|_| (m.actor, adjacent(m)))
}

/// How many characters before a quote's end [`last_sign`] looks back over.
///
/// Between a quote's last word and its end stand a few marks, spaces and signs (at most 12
/// characters in a row that are neither letters, digits nor `?`, `!` or `,` anywhere in the 302
/// PolNeAR training articles), but quote marks nested thousands deep put thousands there, and a
/// look back without bound from each of their quotes made them quadratic.
const SIGN_REACH: usize = 64;

/// The last character before byte `end` of `text` that is a letter, a digit or one `sign`
/// accepts, looking back over at most [`SIGN_REACH`] characters; none if there is none.
fn last_sign(text: &str, end: usize, sign: impl Fn(char) -> bool) -> Option<char> {
    text[..end]
        .chars()
        .rev()
        .take(SIGN_REACH)
        .find(|&c| c.is_alphanumeric() || sign(c))
}

/// Most words of an article and its adjectives before a speaker's name (`an angry Hollande`).
const DESCRIBED_WORDS: usize = 5;

/// How far back from a cue its joining `and` is looked for, past adverbs (`and also quickly
/// said`).
const JOIN_REACH: usize = 6;

/// Most tokens of a bracketed aside between a subject and its verb (`(D-Wash.)`, `(ICE)`).
const PARENTHETICAL: usize = 8;

/// The token after a bracketed aside that opens at token `t`, else `t`.
fn after_parenthetical(doc: &Document, t: usize) -> usize {
    if doc.token_text(t) != "(" {
        return t;
    }
    (t + 1..t + PARENTHETICAL)
        .find(|&c| doc.token_text(c) == ")")
        .map_or(t, |c| c + 1)
}

/// `Kaine has adopted the stance: “I’m pro-life …”`, `Here’s Clinton in 1992: “…”`: a quote
/// opened by a colon is said by the subject of the words before the colon.
fn colon_subject(
    doc: &Document,
    found: &FoundActors,
    outer: Span,
    inside_marks: &dyn Fn(usize) -> bool,
) -> Option<(usize, f64)> {
    let open = doc.token_at_or_after(outer.start);
    let colon = open.checked_sub(1)?;
    if doc.token_text(colon) != ":" {
        return None;
    }
    let sentence = doc.sentence_of(colon)?;
    // `That is, when the moderators yielded, Cruz called them on it: “…”`: the subject of the
    // last cue before the colon, before the sentence's first subject.
    let cue = (colon.saturating_sub(CUE_WINDOW).max(sentence.tokens.start)..colon)
        .rev()
        .find(|&t| !inside_marks(doc.tokens[t].span.start) && is_active_cue(doc, t));
    if let Some(subject) = cue.and_then(|cue| cue_subject(doc, found, cue, inside_marks)) {
        return Some(subject);
    }
    let from = found
        .mentions
        .partition_point(|m| m.first_token < sentence.tokens.start);
    let before: Vec<&Mention> = found.mentions[from..]
        .iter()
        .take_while(|m| m.last_token < colon)
        .filter(|m| !inside_marks(m.span.start))
        .collect();
    before
        .iter()
        .find(|m| is_subject(doc, &found.mentions, m))
        .or_else(|| before.first())
        .map(|m| (m.actor, CLAUSE_SUBJECT))
}

/// A signed quote: `“Every shift is short.” ― Marta Vinci, crane operator`.
fn signature(doc: &Document, found: &FoundActors, outer: Span) -> Option<(usize, f64)> {
    let dash = doc.token_at_or_after(outer.end);
    let signed = matches!(doc.token_text(dash), "―" | "—" | "–" | "-")
        && doc.tokens[dash].span.start - outer.end <= 2;
    if !signed {
        return None;
    }
    mention_after(doc, found, dash, false).map(|m| (m.actor, INVERTED))
}

/// `“…,” said Pruitt`: a mention right after a cue that right follows the quote.
fn inverted_subject(
    doc: &Document,
    found: &FoundActors,
    cue: usize,
    outer: Span,
) -> Option<(usize, f64)> {
    // Right after the quote, or after a comma further on in its sentence (`“…,” since …,
    // said Lee Epstein`).
    let between_ok = (doc.token_at_or_after(outer.end)..cue).all(|t| !doc.is_word(t))
        || (cue > 0
            && doc.token_text(cue - 1) == ","
            && doc
                .tokens
                .get(doc.token_at_or_after(outer.end))
                .is_some_and(|after| after.sentence == doc.tokens[cue].sentence));
    if doc.tokens.get(cue)?.span.start < outer.end || !between_ok {
        return None;
    }
    if !may_invert(doc.token_text(cue)) {
        return None;
    }
    mention_after(doc, found, cue, false).map(|m| (m.actor, INVERTED))
}

/// How far back a relative clause's `, who` is looked for.
const RELATIVE_REACH: usize = 30;

/// The mention a relative clause (`, who …`) or an appositive (`Vian, the editor of …`)
/// describes, when it opens before token `t` in its sentence (which starts at token `start`)
/// with no other clause between. An appositive counts only after the sentence's first
/// mention, its subject.
fn relative_head<'f>(
    doc: &Document,
    found: &'f FoundActors,
    t: usize,
    start: usize,
) -> Option<&'f Mention> {
    let relative = |u: usize| matches!(doc.token_text(u).lower().as_ref(), "who" | "whose");
    let opens = |u: usize| {
        let word = doc.token_text(u).lower();
        (relative(u) || matches!(word.as_ref(), "a" | "an" | "the"))
            && u > start + 1
            && doc.token_text(u - 1) == ","
    };
    let open = (t.saturating_sub(RELATIVE_REACH).max(start + 1)..t)
        .rev()
        .take_while(|&u| {
            !matches!(doc.token_text(u), ";" | ":" | "(" | ")") && !is_active_cue(doc, u)
        })
        .find(|&u| opens(u))?;
    let head = mention_ending_at(found, open - 2)?;
    let first_in_sentence = (start..head.first_token).all(|u| {
        let word = doc.token_text(u);
        !doc.is_word(u) || is_title(word) || may_precede_subject(&word.lower())
    });
    (relative(open) || first_in_sentence).then_some(head)
}

/// Most tokens between an outer cue and the inner cue whose clause it reports (`said
/// that Senator Clinton had assured`).
const OUTER_CUE_REACH: usize = 7;

/// `Meeks said Clinton assured them`: the cue whose reported clause opens with the subject of
/// the cue at token `cue`, when only that subject (and `that`, an auxiliary) stands between.
fn outer_cue(doc: &Document, cue: usize, inside_marks: &dyn Fn(usize) -> bool) -> Option<usize> {
    let sentence = doc.tokens.get(cue)?.sentence;
    let reach = cue.saturating_sub(OUTER_CUE_REACH);
    let outer = (reach..cue)
        .rev()
        .skip(1)
        .take_while(|&t| {
            doc.tokens[t].sentence == sentence
                && !inside_marks(doc.tokens[t].span.start)
                && (doc.is_word(t) || doc.token_text(t) == ".")
        })
        .find(|&t| is_active_cue(doc, t) && !is_participle_after_comma(doc, t))?;
    // The words between are the inner subject: a name or a pronoun, after `that`.
    let mut first = outer + 1;
    if doc.token_text(first).eq_ignore_ascii_case("that") {
        first += 1;
    }
    let subject = (first..cue).filter(|&t| doc.is_word(t)).all(|t| {
        let word = doc.token_text(t);
        is_capitalised(word)
            || is_title(word)
            || is_skippable(word)
            || is_subject_pronoun(&word.lower())
    });
    (first < cue && subject).then_some(outer)
}

/// The subject of the cue at token `cue`.
fn cue_subject(
    doc: &Document,
    found: &FoundActors,
    cue: usize,
    inside_marks: &dyn Fn(usize) -> bool,
) -> Option<(usize, f64)> {
    cue_subject_of(doc, found, cue, inside_marks, true)
}

/// [`cue_subject`]; `shared` says whether a joined cue may take the subject of the cue before
/// it.
fn cue_subject_of(
    doc: &Document,
    found: &FoundActors,
    cue: usize,
    inside_marks: &dyn Fn(usize) -> bool,
    shared: bool,
) -> Option<(usize, f64)> {
    let sentence = doc.sentence_of(cue)?;
    let word = doc.token_text(cue).lower();
    if word == "according" {
        // Mentions are in text order: start at the first one that may qualify.
        let from = found.mentions.partition_point(|m| m.first_token < cue + 2);
        return found.mentions[from..]
            .iter()
            .take_while(|m| m.first_token <= cue + 3)
            .find(|m| {
                m.first_token == cue + 2
                    || (m.first_token == cue + 3
                        && doc.token_text(cue + 2).eq_ignore_ascii_case("the"))
            })
            .map(|m| (m.actor, ACCORDING_TO));
    }
    // `Said Dorothy Poynter, who grew up with him, “…”`: a sentence that opens with its cue.
    if cue == sentence.tokens.start {
        if let Some(m) = mention_after(doc, found, cue, false) {
            return Some((m.actor, INVERTED));
        }
    }
    let participle = is_participle_after_comma(doc, cue);
    // `Ackman wrote to investors, telling them …`, `Ubben called him “driven” and asserted
    // …`: a participle after a comma, or a cue right after `and`, has the subject of the cue
    // before it in the sentence (looked up one step back only, so a run-on chain of cues
    // stays linear).
    let joined = (cue.saturating_sub(JOIN_REACH).max(sentence.tokens.start)..cue)
        .rev()
        .find(|&t| !is_skippable(doc.token_text(t)) || doc.token_text(t) == ",")
        .is_some_and(|t| doc.token_text(t).eq_ignore_ascii_case("and"));
    if shared && (participle || joined) {
        let previous = (cue.saturating_sub(CUE_WINDOW).max(sentence.tokens.start)..cue)
            .rev()
            .filter(|&t| !inside_marks(doc.tokens[t].span.start))
            .find(|&t| is_active_cue(doc, t) && (t == 0 || doc.token_text(t - 1) != ","));
        if let Some(subject) =
            previous.and_then(|p| cue_subject_of(doc, found, p, inside_marks, false))
        {
            return Some(subject);
        }
    }
    let mut modifier: Option<usize> = None;
    if !participle {
        let mut t = cue;
        // A subject stands within a few words of its cue; the bound keeps a run-on sentence of
        // skippable words from costing quadratic time.
        let reach = cue.saturating_sub(CUE_WINDOW).max(sentence.tokens.start);
        while t > reach {
            t -= 1;
            // `Rep. Jim McDermott (D-Wash.) said`: a bracketed aside stands between.
            if doc.token_text(t) == ")" {
                if let Some(open) = (t.saturating_sub(PARENTHETICAL)..t)
                    .rev()
                    .find(|&o| doc.token_text(o) == "(")
                {
                    t = open;
                    continue;
                }
            }
            if inside_marks(doc.tokens[t].span.start) {
                break;
            }
            if let Some(m) = mention_ending_at(found, t) {
                let mut before = m.first_token;
                if before > sentence.tokens.start
                    && doc.token_text(before - 1).eq_ignore_ascii_case("the")
                {
                    before -= 1;
                }
                let preposition = before > sentence.tokens.start
                    && MODIFIER_PREPOSITIONS.contains(&doc.token_text(before - 1).lower().as_ref());
                if preposition {
                    modifier = Some(m.actor);
                    break;
                }
                // `Swanson, who is a pastor in Elizabeth, Colorado, slammed`: the last name
                // of a relative clause before the cue is not its subject.
                let past_comma = (m.last_token + 1..cue).any(|u| doc.token_text(u) == ",");
                if let Some(head) = past_comma
                    .then(|| relative_head(doc, found, before, sentence.tokens.start))
                    .flatten()
                {
                    return Some((head.actor, adjacent(head)));
                }
                return Some((m.actor, adjacent(m)));
            }
            let text = doc.token_text(t).lower();
            let adverb = text.ends_with("ly") && text.len() > 3;
            let skippable = SKIPPABLE.contains(&text.as_ref())
                || GROUP_NOUNS.contains(&text.as_ref())
                || adverb
                || (is_verbish(&text) && !is_active_cue(doc, t) && text != "and");
            if !skippable {
                break;
            }
        }
    }
    let from = found
        .mentions
        .partition_point(|m| m.first_token < sentence.tokens.start);
    let subject = found.mentions[from..]
        .iter()
        .take_while(|m| m.last_token < cue)
        .take(CUE_WINDOW)
        .filter(|m| !inside_marks(m.span.start))
        .find(|m| is_subject(doc, &found.mentions, m));
    if let Some(m) = subject {
        return Some((m.actor, CLAUSE_SUBJECT));
    }
    modifier.map(|a| (a, PREPOSITIONAL))
}

/// `Critics of Mamdani, a democratic socialist, have warned`: the subject of the cue's
/// sentence is a group named by what it is to an actor ([`GROUPS_OF`]), the group
/// described from its noun to the actor's mention.
fn described_group(
    doc: &Document,
    found: &FoundActors,
    cue: usize,
    inside_marks: &dyn Fn(usize) -> bool,
) -> Option<Span> {
    let sentence = doc.sentence_of(cue)?;
    let mut g = sentence.tokens.start;
    while g < cue && GROUP_DETERMINERS.contains(&doc.token_text(g).lower().as_ref()) {
        g += 1;
    }
    let group = doc.token_text(g).lower();
    if !GROUPS_OF.contains(&group.as_ref()) || !doc.token_text(g + 1).eq_ignore_ascii_case("of") {
        return None;
    }
    let mut name = g + 2;
    if doc.token_text(name).eq_ignore_ascii_case("the") {
        name += 1;
    }
    let m = mentions_starting_at(found, name)
        .find(|m| m.kind != MentionKind::Pronoun && m.last_token < cue)?;
    if inside_marks(m.span.start) {
        return None;
    }
    Some(Span::new(doc.tokens[g].span.start, m.span.end))
}

/// Most words of a speaker's description, its opener included (`a senior campaign aide`).
const DESCRIPTION_WORDS: usize = 6;

/// `“…,” the moderator said`, `a man yelled “…”`, `Some chanted “…”`, `“…,” said another
/// voter`: the subject of the cue at token `cue` describes someone no actor names. The
/// description runs from its opener ([`opens_description`]) to the cue, or after an inverted
/// cue that right follows the quote, to the end of the description.
fn described_subject(
    doc: &Document,
    found: &FoundActors,
    cue: usize,
    outer: Span,
    inside_marks: &dyn Fn(usize) -> bool,
) -> Option<Span> {
    let sentence = doc.sentence_of(cue)?;
    let in_sentence = |t: usize| {
        doc.tokens
            .get(t)
            .is_some_and(|x| x.sentence == doc.tokens[cue].sentence)
    };
    // A word of the description: no function word, no cue, no actor's mention.
    let describes = |t: usize| {
        let word = doc.token_text(t).lower();
        in_sentence(t)
            && doc.is_word(t)
            && !inside_marks(doc.tokens[t].span.start)
            && !STOPWORDS.contains(&word.as_ref())
            && !is_active_cue(doc, t)
            && mention_ending_at(found, t).is_none()
            && mentions_starting_at(found, t).next().is_none()
    };
    let opener = |t: usize| {
        in_sentence(t) && doc.is_word(t) && opens_description(&doc.token_text(t).lower())
    };
    let description = |open: usize, end: usize| {
        let alone = is_subject_quantifier(&doc.token_text(open).lower());
        ((open + 1 < end) || alone)
            .then(|| Span::new(doc.tokens[open].span.start, doc.tokens[end - 1].span.end))
    };
    // `“…,” said the moderator`.
    let right_after_quote = doc.tokens[cue].span.start >= outer.end
        && (doc.token_at_or_after(outer.end)..cue).all(|t| !doc.is_word(t));
    if right_after_quote && opener(cue + 1) {
        let end = (cue + 2..cue + 1 + DESCRIPTION_WORDS)
            .find(|&t| !describes(t))
            .unwrap_or(cue + 1 + DESCRIPTION_WORDS);
        // The description ends the clause, unless a name follows it (`said another user,
        // Jo Bayer`): the name is then the speaker.
        let ends = !doc.is_word(end) || doc.token_text(end).eq_ignore_ascii_case("who");
        let named_after =
            doc.token_text(end) == "," && mentions_starting_at(found, end + 1).next().is_some();
        if ends && !named_after {
            return description(cue + 1, end);
        }
    }
    // `the moderator then said`: past auxiliaries and adverbs to the description's end.
    let mut end = cue;
    while end > sentence.tokens.start + 1
        && doc.is_word(end - 1)
        && follows_subject(&doc.token_text(end - 1).lower())
    {
        end -= 1;
    }
    // `his home state of`, `a book calling for`: a bare form or a participle right after
    // the words is no verb of theirs.
    if end == cue && !is_finite_cue(doc.token_text(cue)) {
        return None;
    }
    let reach = end
        .saturating_sub(DESCRIPTION_WORDS)
        .max(sentence.tokens.start);
    let open = (reach..end)
        .rev()
        .take_while(|&t| describes(t) || opener(t))
        .find(|&t| opener(t))?;
    if !(open + 1..end).all(describes) {
        return None;
    }
    // The description starts a clause: the sentence, a quote, a comma or a conjunction is
    // right before it.
    let starts_clause = open == sentence.tokens.start
        || !doc.is_word(open - 1)
        || may_precede_subject(&doc.token_text(open - 1).lower());
    if !starts_clause {
        return None;
    }
    description(open, end)
}

/// `Prices rose, a company spokesman said`, `…, Union Chief Says`: the words between the
/// comma that ends a trailing statement and its cue, when they name no actor.
fn trailing_subject(doc: &Document, found: &FoundActors, cue: usize, span: Span) -> Option<Span> {
    let comma = doc.token_at_or_after(span.end);
    if doc.token_text(comma) != "," || comma + 1 >= cue || cue - comma > 6 {
        return None;
    }
    let words = Span::new(
        doc.tokens[comma + 1].span.start,
        doc.tokens[cue - 1].span.end,
    );
    let named = found
        .mentions
        .get(
            found
                .mentions
                .partition_point(|m| m.span.start < words.start)..,
        )
        .unwrap_or_default()
        .iter()
        .take_while(|m| m.span.start < words.end)
        .next()
        .is_some();
    (!named && (comma + 1..cue).all(|t| doc.is_word(t))).then_some(words)
}

/// True when the quote opens its paragraph.
fn opens_paragraph(doc: &Document, quote: &RawQuote, paragraph: usize) -> bool {
    doc.paragraphs
        .get(paragraph)
        .is_some_and(|p| p.start + 4 > quote.outer.start)
}

/// The previous quote, when it is in the quote's paragraph (or ends the paragraph before one
/// the quote opens) and has a speaker, named or described: a run of quotes keeps its speaker.
fn previous_quote<'s>(
    doc: &Document,
    quote: &RawQuote,
    earlier: &'s [Statement],
) -> Option<&'s Statement> {
    let paragraph = doc
        .sentences
        .get(doc.sentences_overlapping(quote.outer).start)?
        .paragraph;
    let previous = earlier
        .iter()
        .rev()
        .find(|s| s.quote.kind != QuoteKind::Reported)?;
    let previous_paragraph = doc
        .sentences_overlapping(previous.quote.outer)
        .last()
        .and_then(|s| doc.sentences.get(s))
        .map(|s| s.paragraph)?;
    let near = previous_paragraph == paragraph
        || (opens_paragraph(doc, quote, paragraph) && previous_paragraph + 1 == paragraph);
    (near && (previous.speaker.is_some() || previous.described.is_some())).then_some(previous)
}

/// Speaker from a cue in a neighbouring sentence of the paragraph.
fn from_neighbours(
    doc: &Document,
    found: &FoundActors,
    quote: &RawQuote,
    inside_marks: &dyn Fn(usize) -> bool,
    neighbour_cues: &mut FxHashMap<usize, Option<usize>>,
) -> Option<(usize, f64, Option<Span>)> {
    let here = doc.sentences_overlapping(quote.outer);
    let paragraph = doc.sentences.get(here.start)?.paragraph;
    let opens_paragraph = opens_paragraph(doc, quote, paragraph);
    // `“Have I?” Sanders replied.`: a sentence right after the quote attributes it before
    // the sentence before it does.
    let follows = doc
        .sentences
        .get(here.end)
        .is_some_and(|next| next.paragraph == paragraph && next.span.start <= quote.outer.end + 2);
    let neighbours = if follows {
        [Some(here.end), here.start.checked_sub(1)]
    } else {
        [here.start.checked_sub(1), Some(here.end)]
    };
    for s in neighbours.into_iter().flatten() {
        let Some(sentence) = doc.sentences.get(s) else {
            continue;
        };
        // The sentence before may end the paragraph before, when the quote opens its own
        // (`Carter said that … ¶ “That’s because …”`).
        let leads_in =
            opens_paragraph && s + 1 == here.start && sentence.paragraph + 1 == paragraph;
        if (sentence.paragraph != paragraph && !leads_in) || inside_marks(sentence.span.start) {
            continue;
        }
        let speaker = *neighbour_cues.entry(s).or_insert_with(|| {
            sentence.tokens.clone().find_map(|t| {
                if inside_marks(doc.tokens[t].span.start) || !is_active_cue(doc, t) {
                    return None;
                }
                cue_subject(doc, found, t, inside_marks).map(|(actor, _)| actor)
            })
        });
        if let Some(actor) = speaker {
            return Some((actor, NEIGHBOUR, Some(sentence.span)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{analyse, ActorList};

    #[test]
    fn the_last_sign_is_looked_for_within_reach() {
        let question = |text: &str| last_sign(text, text.len(), |c| c == '?' || c == '!');
        assert_eq!(question("“Have I?” "), Some('?'));
        assert_eq!(question("“I have.” "), Some('e'));
        assert_eq!(question("” ’ »"), None);
        // A question mark behind more marks than the reach is not looked for: a quote nested
        // thousands deep costs each of its quotes the reach, not the depth.
        let deep = format!("“Why?{}", "” ".repeat(SIGN_REACH / 2 - 1));
        assert_eq!(question(&deep), Some('?'));
        let deeper = format!("“Why?{}", "” ".repeat(SIGN_REACH));
        assert_eq!(question(&deeper), None);
    }

    fn speakers(text: &str) -> Vec<(String, Option<String>, f64)> {
        analyse(text, &ActorList::new())
            .quotes
            .into_iter()
            .map(|q| (q.text, q.speaker, q.speaker_confidence))
            .collect()
    }

    /// The speaker and confidence of the statement `quote` among `got`.
    fn said<'g>(got: &'g [(String, Option<String>, f64)], quote: &str) -> (Option<&'g str>, f64) {
        let (_, speaker, confidence) = got
            .iter()
            .find(|g| g.0 == quote)
            .unwrap_or_else(|| panic!("no statement {quote:?} in {got:?}"));
        (speaker.as_deref(), *confidence)
    }

    #[test]
    fn after_quote_and_inverted() {
        let got = speakers("“We will win,” Ann Lee said. “We will lose,” said Bob Park.");
        assert_eq!(got[0].1.as_deref(), Some("Ann Lee"));
        assert_eq!(got[1].1.as_deref(), Some("Bob Park"));
        assert_eq!(got[1].2, INVERTED);
    }

    #[test]
    fn inverted_subject_is_the_head_of_its_description() {
        let got = speakers(
            "“It is a small price,” explained Harbor City-based lawyer Ida Moss. “It hurts,” said Labour party boss Tom Reyes.",
        );
        assert_eq!(got[0].1.as_deref(), Some("Ida Moss"));
        assert_eq!(got[1].1.as_deref(), Some("Tom Reyes"));
        // A weekday or `that` after the cue is no description.
        let got = speakers("Bo Park said Tuesday that Ann Lee would “never” sign.");
        assert_eq!(got[0].1.as_deref(), Some("Bo Park"));
    }

    #[test]
    fn a_quote_ending_in_a_comma_hands_over_to_any_verb() {
        let got = speakers(
            "Bo Park spoke first.\n\n“The port will always be the port,” an angry Ann Lee retorted.",
        );
        assert_eq!(got[0].1.as_deref(), Some("Ann Lee"));
        let got = speakers("Bo Park left first. “The port stays,” a tired Ann Lee shrugged.");
        assert_eq!(got[0].0, "The port stays,");
        assert_eq!(got[0].1.as_deref(), Some("Ann Lee"));
    }

    #[test]
    fn a_speaker_no_actor_names_is_described() {
        let got = speakers(
            "Ann Lee spoke first. “The port is closing,” the moderator said. “You knew it.”",
        );
        assert_eq!(
            said(&got, "The port is closing,"),
            (Some("the moderator"), DESCRIBED)
        );
        // The next quote of the run keeps the described speaker.
        assert_eq!(said(&got, "You knew it.").0, Some("the moderator"));
        let got = speakers("When Ann Lee thanked the city, a man yelled “Go home!” at her.");
        assert_eq!(said(&got, "Go home!").0, Some("a man"));
        let got = speakers("“We will win,” said a senior aide. Supporters cheered. Some chanted “Four more years!”");
        assert_eq!(said(&got, "We will win,").0, Some("a senior aide"));
        assert_eq!(said(&got, "Four more years!").0, Some("Some"));
        // A bare form or a participle after the words is no verb of theirs.
        let got =
            speakers("Ann Lee, who won her home state of Ohio, “will run again,” aides said.");
        assert_ne!(said(&got, "will run again,").0, Some("her home"));
    }

    #[test]
    fn an_inverted_cue_leads_past_a_description_or_a_possessive_to_the_name() {
        let got = speakers(
            "“We are anxious,” said another harbor worker, Ida Moss. “It hurts,” said Ohio’s Tom Reyes. “It is late,” said Lee’s top policy aide Bo Park.",
        );
        assert_eq!(said(&got, "We are anxious,").0, Some("Ida Moss"));
        assert_eq!(said(&got, "It hurts,").0, Some("Tom Reyes"));
        assert_eq!(said(&got, "It is late,").0, Some("Bo Park"));
    }

    #[test]
    fn a_quote_inside_what_an_outer_cue_reports_is_the_outer_speaker() {
        let got =
            speakers("Rep. Ida Moss said Ann Lee assured them that the party “would not split.”");
        assert_eq!(said(&got, "would not split.").0, Some("Ida Moss"));
    }

    #[test]
    fn a_participle_or_an_addressee_after_the_quote_is_no_speaker() {
        let got = speakers(
            "The Harbor Union did not want to address “that person,” telling Channel Nine it was busy.",
        );
        assert_eq!(said(&got, "that person,").0, Some("Harbor Union"));
    }

    #[test]
    fn a_phrase_cue_hands_a_quote_over() {
        let got = speakers(
            "“It is over,” Ann Lee said. “Not yet,” Bo Park shot back. “You will see,” Ann Lee went on.",
        );
        assert_eq!(said(&got, "Not yet,").0, Some("Bo Park"));
        assert_eq!(said(&got, "You will see,").0, Some("Ann Lee"));
    }

    #[test]
    fn a_question_hands_over_to_the_attribution_that_starts_the_next_sentence() {
        let got = speakers(
            "Ann Lee answered first: “It is late.”\n\n“You know it, right?” Bo Park went on. “Get over it.”",
        );
        assert_eq!(said(&got, "You know it, right?").0, Some("Bo Park"));
        assert_eq!(said(&got, "Get over it.").0, Some("Bo Park"));
    }

    #[test]
    fn the_last_name_of_a_relative_clause_or_an_appositive_is_not_the_subject() {
        let got = speakers(
            "Pastor Ida Moss spoke. Moss, who leads a church in Elizabeth, Ohio, slammed the council for its “cowardice.”",
        );
        assert_eq!(said(&got, "cowardice.").0, Some("Ida Moss"));
        let got = speakers(
            "Tom Reyes, the editor of the city’s paper, The Harbor Herald, said every mayor was “both proud and political.”",
        );
        assert_eq!(said(&got, "both proud and political.").0, Some("Tom Reyes"));
    }

    #[test]
    fn a_colon_hands_over_to_the_subject_of_the_cue_before_it() {
        let got = speakers(
            "That is, when the Harbor Radio moderators sneered, Ann Lee called them on it:\n\n“The questions show why nobody trusts the press.”",
        );
        assert_eq!(
            said(&got, "The questions show why nobody trusts the press.").0,
            Some("Ann Lee")
        );
    }

    #[test]
    fn a_titled_surname_is_not_an_organisation() {
        let got = speakers(
            "Paulson Partners lost money. Mr. Paulson told investors the fears were “overblown.”",
        );
        assert_eq!(got[0].1.as_deref(), Some("Paulson"));
    }

    #[test]
    fn a_joined_cue_shares_the_subject_of_the_cue_before_it() {
        let got = speakers(
            "On Monday, as shares of Calder Works fell, Mr. Ubben wrote to investors, telling them the stock was “worth far more.”",
        );
        assert_eq!(said(&got, "worth far more.").0, Some("Ubben"));
        let got = speakers(
            "Speaking on Harbor Radio, Ann Lee called the plan “reckless” and insisted that the “port stays.”",
        );
        assert!(
            got.iter().all(|g| g.1.as_deref() == Some("Ann Lee")),
            "{got:?}"
        );
    }

    #[test]
    fn a_name_that_describes_another_is_not_the_subject() {
        let got = speakers(
            "Lee consultant Bo Park, a pollster, took up the theme. “Voters see it,” he said.",
        );
        assert_eq!(got[0].1.as_deref(), Some("Bo Park"));
    }

    #[test]
    fn inverted_cues_before_and_after_the_quote() {
        let got = speakers(
            "Said Bo Park, who runs the yard, “We are done.” “It is over,” since the vote went badly, said Tim Ruiz. As Ann Lee put it, “the port is a relic.”",
        );
        assert_eq!(said(&got, "We are done.").0, Some("Bo Park"));
        assert_eq!(said(&got, "It is over,").0, Some("Tim Ruiz"));
        assert_eq!(said(&got, "the port is a relic.").0, Some("Ann Lee"));
    }

    #[test]
    fn a_quote_opening_a_paragraph_takes_the_cue_that_leads_into_it() {
        let got = speakers(
            "Mayor Tim Ruiz said the fleet would stay in the region.\n\n“That is because this region matters most.”",
        );
        assert_eq!(
            said(&got, "That is because this region matters most."),
            (Some("Tim Ruiz"), NEIGHBOUR)
        );
        // A sentence right after the quote names its speaker before the sentence before does.
        let got = speakers(
            "Harbor Radio asked Ann Lee about the vote.\n\n“Have I won?” Ann Lee replied.",
        );
        assert_eq!(said(&got, "Have I won?").0, Some("Ann Lee"));
    }

    #[test]
    fn subject_after_a_quote_stays_in_its_sentence() {
        let got = speakers(
            "Ann Lee said the plant lost money. “This is the hardest decision.”\n\nThe Metal Union (MU), which represents the workers, condemned it.",
        );
        assert_eq!(got[1].0, "This is the hardest decision.");
        assert_eq!(got[1].1.as_deref(), Some("Ann Lee"));
        let got = speakers("“We won,” Mr. Bo Park, the union’s lawyer, said on Monday.");
        assert_eq!(got[0].1.as_deref(), Some("Bo Park"));
    }

    #[test]
    fn pronoun_and_previous_quote() {
        let got = speakers(
            "Mayor Ann Lee spoke on Monday. “We will win,” she said. “And we will not stop.”",
        );
        assert_eq!(got[0].1.as_deref(), Some("Ann Lee"));
        assert_eq!(got[1].1.as_deref(), Some("Ann Lee"));
        assert_eq!(got[1].2, PREVIOUS_QUOTE);
    }

    #[test]
    fn participle_takes_main_subject() {
        let got = speakers(
            "President Bo Park has been critical of Ann Lee, calling her a “communist” again.",
        );
        assert_eq!(got[0].1.as_deref(), Some("Bo Park"));
    }

    #[test]
    fn scare_quote_without_a_speaker_is_no_statement() {
        // The writer's own scare quote or a title: nobody said it.
        assert!(speakers("The so-called “reform” passed on Monday.").is_empty());
        assert!(speakers("She appeared on “Harbor Hour” on Sunday.").is_empty());
    }

    #[test]
    fn prepositional_subject_is_last_resort() {
        let got = speakers("Mayor Tom Brandt of Marrow Falls said the town would shrink. Economists at Calder University warned that jobs would go.");
        assert_eq!(got[0].1.as_deref(), Some("Tom Brandt"));
        assert_eq!(got[1].1.as_deref(), Some("Calder University"));
        assert!(got[1].2 < ADJACENT);
    }
}
