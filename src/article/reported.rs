//! Reported speech: statements without quote marks, found by their cue.
//!
//! A sentence that holds no quote mark and a cue used actively (`said`, `warned`, `argues`,
//! `believes`, `wants`, `according to`; see [`super::lexicon`]) gives one statement per
//! attribution in it:
//! - `Bo said the plan failed`: what follows the cue, after `that` when it comes within a few
//!   words (`told reporters that …`);
//! - `Prices rose, the company announced on Monday`: a trailing attribution gives what
//!   precedes it;
//! - `According to the report, prices rose` / `Prices rose, according to the report`: the
//!   part that is not the source;
//! - `Anand said the levy was overdue and predicted that …`: a second cue joined by `and`,
//!   `but`, `;` (or a participle after a comma: `…, adding that …`) ends the first statement
//!   and starts its own; a cue inside the first statement's clause (`said he believes …`)
//!   belongs to it;
//! - `Ann, who is seeking a second term, accused the board of …`: a cue in a relative clause
//!   is background and gives nothing, and the verb after the clause is the main one, not a
//!   trailing attribution; but a finite cue's relative clause gives its own statement up to
//!   the comma closing it (`Lee, who said he votes for Democrats, said …`);
//! - `Bo said the depot would close, and the mayor ordered a review`: a statement ends where a
//!   comma opens a clause with its own subject and verb, unless a subordinate clause is open
//!   (`said that if rents rise, the council will act`);
//! - `fears that the river would flood`, `calls for a strike`: a nominal cue gives its
//!   complement, when no statement of a verb already covers it.
//!
//! **A sentence holding a quote yields only its quotes** (the quotes step): in `Mamdani has
//! criticized ICE as a “rogue agency” …` the scare quote is the statement and the sentence its
//! context, so the stance model still sees the reported part.

use super::grammar::{
    is_active_cue, is_participle_after_comma, is_phrase_cue_at, is_skippable, is_verbish,
};
use super::lexicon::{
    breaks_clause, introduces_agent, is_auxiliary, is_capitalised, is_cue, is_determiner,
    is_finite_cue, is_finite_verb, is_nominal_cue, is_relative_pronoun, is_subject_pronoun,
    is_subordinator, is_title, may_continue_trailing_cue, may_follow_trailing_cue,
    opens_description, takes_infinitive, Lowercase, PREPOSITIONS, STOPWORDS,
};
use super::quotes::RawQuote;
use super::segment::{trim, Document, Sentence, TokenKind};
use super::types::{QuoteKind, Span};

/// How far after a cue a `that` still opens its clause, in tokens.
const THAT_WINDOW: usize = 8;
/// How many tokens may stand between a quote and the cue that attributes it (`”, Bo Lee
/// said`, `said Bo Lee, the mayor`).
const ATTRIBUTION_GAP: usize = 4;
/// How far before a second cue a joining `and` / `but` / `;` may stand (room for a subject
/// and an auxiliary: `and he has predicted`).
const JOIN_WINDOW: usize = 4;
/// How far before a second cue a joining `and` / `but` right after a comma may stand.
const JOIN_AFTER_COMMA: usize = 9;
/// Most words after the cue of a trailing attribution (`…, the company announced on Monday`,
/// `…, a spokesman told The Wall Street Journal`).
const TRAILING_WORDS: usize = 5;
/// Most tokens between the comma and the cue of an attribution inside its statement (`The
/// plan, a number of local economists say, has failed`).
const PARENTHETICAL_SUBJECT: usize = 8;
/// Most words from a relative pronoun to the cue of its clause (`, which the city council
/// had said`) or to the comma that closes it.
const RELATIVE_WINDOW: usize = 12;

/// Most tokens a reported clause runs to from its start when nothing ends it before: far past
/// any real sentence's clause, and what keeps a sentence of thousands of cues and commas
/// (each clause looked at word by word) linear.
const CLAUSE_TOKENS: usize = 200;

/// Spans in order, to ask whether a span overlaps any of them in one binary search.
struct Overlaps {
    /// The spans, sorted.
    spans: Vec<Span>,
    /// The latest end among the spans up to each one: a span overlaps one of them exactly
    /// when some span starting before its end ends after its start (spans may nest, so their
    /// ends alone are not in order).
    latest_end: Vec<usize>,
}

impl Overlaps {
    fn new(mut spans: Vec<Span>) -> Self {
        spans.sort();
        let latest_end = spans
            .iter()
            .scan(0, |end, s| {
                *end = (*end).max(s.end);
                Some(*end)
            })
            .collect();
        Overlaps { spans, latest_end }
    }

    /// True when `span` overlaps one of the spans.
    fn touches(&self, span: Span) -> bool {
        let before_end = self.spans.partition_point(|s| s.start < span.end);
        before_end
            .checked_sub(1)
            .is_some_and(|k| self.latest_end[k] > span.start)
    }
}

/// The marked quotes and the reported statements of the document, in text order.
pub(crate) fn with_reported(doc: &Document, marked: Vec<RawQuote>) -> Vec<RawQuote> {
    let marks = Overlaps::new(marked.iter().map(|q| q.outer).collect());
    let mut out = marked;
    for sentence in &doc.sentences {
        // The marks of the sentence: those ending after it starts and starting before it ends.
        let next = marks
            .spans
            .partition_point(|m| m.end <= sentence.span.start);
        let in_sentence: Vec<Span> = marks
            .spans
            .get(next..)
            .unwrap_or_default()
            .iter()
            .take_while(|m| m.start < sentence.span.end)
            .copied()
            .collect();
        // A statement touching a quote is that quote's attribution or its context.
        out.extend(
            sentence_statements(doc, sentence, &in_sentence)
                .into_iter()
                .filter(|q| !marks.touches(q.span)),
        );
    }
    out.sort_by_key(|q| (q.span.start, q.span.end));
    out
}

/// The reported statements of one sentence, quote marks or not.
fn sentence_statements(doc: &Document, sentence: &Sentence, marks: &[Span]) -> Vec<RawQuote> {
    let range = sentence.tokens.clone();
    let mark_edges: Vec<(usize, usize)> = marks
        .iter()
        .map(|m| (doc.token_at_or_after(m.start), doc.token_at_or_after(m.end)))
        .collect();
    // The cue a few tokens from a quote attributes that quote (`“…,” she said`, `Bo told
    // reporters: “…”`), and gives no statement of its own.
    let attributes_a_quote = |cue: usize| {
        // `…,” she said, adding that …`: a participle after a comma is an attribution of its own.
        let participle = opens_own_attribution(doc, cue);
        // The marks are in text order: the one starting at or before the cue, the one after.
        let next = mark_edges.partition_point(|&(first, _)| first <= cue);
        let after_a_mark = next
            .checked_sub(1)
            .is_some_and(|k| mark_edges[k].1 <= cue && cue - mark_edges[k].1 < ATTRIBUTION_GAP);
        let before_a_mark = mark_edges
            .get(next)
            .is_some_and(|&(first, _)| first - cue <= ATTRIBUTION_GAP);
        !participle && (after_a_mark || before_a_mark)
    };
    let cues: Vec<usize> = range
        .clone()
        .filter(|&i| is_active_cue(doc, i))
        .filter(|&i| i != range.start || is_according(doc, i))
        .collect();
    let mut out: Vec<RawQuote> = Vec::new();
    // Where a statement reaching back from its cue may start: the sentence's start, then past
    // the attribution of the cue before (`Prices rose, Bo said, and wages fell, Lee said`:
    // `and wages fell` is Lee's, not the sentence up to it). A run of N attributions in one
    // sentence so gives N statements of their own words, not N copies of its start.
    let mut floor = range.start;
    for &cue in &cues {
        if let Some(last) = out.last_mut() {
            if last.span.end > doc.tokens[cue].span.start {
                match join_before(doc, sentence, cue) {
                    // The cue starts an attribution of its own: the previous one ends before it.
                    Some(join) if doc.tokens[join].span.start > last.span.start => {
                        match trim_clause(doc, last.span.start, join) {
                            Some(span) => {
                                last.span = span;
                                last.outer = span;
                            }
                            None => {
                                out.pop();
                            }
                        }
                    }
                    // The cue is part of the previous statement's clause.
                    _ => continue,
                }
            }
        }
        // A quote's own cue ends the statement before it but opens none.
        if attributes_a_quote(cue) {
            continue;
        }
        if let Some(span) = reported_clause(doc, sentence, cue, floor) {
            // Only a statement before its cue moves the floor; one that follows its cue may
            // still be reached over (it was often a word taken for a cue: `the United States
            // than …, according to …`), and so may a quote's attribution (a statement over
            // the quote is dropped as its context).
            if span.end <= doc.tokens[cue].span.start {
                // Past the attribution: up to the comma after the cue (`, Bo said,`), or the
                // full stop of a sentence the segmenter ran on (`…, according to x.fr. They`).
                floor = (cue + 1..range.end)
                    .find(|&i| matches!(doc.token_text(i), "," | "." | "!" | "?"))
                    .map_or(cue + 1, |end| end + 1);
            }
            out.push(RawQuote {
                span,
                outer: span,
                kind: QuoteKind::Reported,
                cue: Some(cue),
            });
        }
    }
    let nominal = nominal_statements(doc, sentence, &out);
    out.extend(nominal);
    out
}

/// Most words of the complement of a nominal cue that ends at no comma, verb or relative
/// pronoun before (`criticism of the plan to cut the ferry service`).
const NOMINAL_WORDS: usize = 16;

/// The statements of the nominal cues of a sentence (`criticism of the plan`, `fears that
/// rents will rise`) that touch no statement already found in it.
fn nominal_statements(doc: &Document, sentence: &Sentence, found: &[RawQuote]) -> Vec<RawQuote> {
    let taken = Overlaps::new(found.iter().map(|q| q.span).collect());
    let mut out = Vec::new();
    let mut free_from = sentence.tokens.start;
    for cue in sentence.tokens.clone() {
        let nominal = cue >= free_from
            && doc.is_word(cue)
            && is_nominal_cue(
                &doc.token_text(cue).lower(),
                &doc.token_text(cue + 1).lower(),
            );
        if !nominal {
            continue;
        }
        let Some(span) = nominal_content(doc, sentence, cue + 1) else {
            continue;
        };
        // Cues inside this complement are part of it: each token is looked at once.
        free_from = doc.token_at_or_after(span.end);
        if !taken.touches(span) {
            out.push(RawQuote {
                span,
                outer: span,
                kind: QuoteKind::Reported,
                cue: Some(cue),
            });
        }
    }
    out
}

/// The complement of a nominal cue whose opening word (`of`, `that`) is token `opener`: a
/// `that` clause to its end, else the noun phrase up to a comma, a verb, a relative pronoun or
/// a subordinate clause.
fn nominal_content(doc: &Document, sentence: &Sentence, opener: usize) -> Option<Span> {
    if doc.token_text(opener).eq_ignore_ascii_case("that") {
        return clause_from(doc, sentence, opener + 1);
    }
    let first = opener + 1;
    let end = sentence.tokens.end.min(first + NOMINAL_WORDS);
    let last = (first..end)
        .find(|&i| {
            let word = doc.token_text(i);
            let lower = word.lower();
            (is_punct(doc, i) && !matches!(word, "’" | "'" | "-"))
                || is_finite_verb(word)
                || is_relative_pronoun(&lower)
                || lower == "that"
                || is_subordinator(&lower)
        })
        .unwrap_or(end);
    (last > first).then(|| trim_clause(doc, doc.tokens[first].span.start, last))?
}

/// True when `word` may open a clause (`…, Hollis said she supported it`), so the words
/// after a cue are a reported clause rather than the rest of a trailing attribution.
fn starts_clause(word: &str) -> bool {
    let lower = word.lower();
    lower == "that" || is_subject_pronoun(&lower) || is_verbish(word)
}

/// True when the cue at token `i` is a participle after a comma (`…, adding that`), also when
/// the comma stands inside the quote that ends before it (`“… party,” claiming that`): it
/// attributes a clause of its own, not the quote.
fn opens_own_attribution(doc: &Document, i: usize) -> bool {
    let after_quote_comma = i >= 2
        && matches!(doc.token_text(i - 1), "”" | "\"" | "’")
        && doc.token_text(i - 2) == ","
        && doc.tokens[i - 2].sentence == doc.tokens[i].sentence
        && doc.token_text(i).lower().ends_with("ing");
    is_participle_after_comma(doc, i) || after_quote_comma
}

/// True when token `i` is the dot of a title or an initial (`Mr.`, `J.`), which stands inside
/// a name.
fn is_title_dot(doc: &Document, i: usize) -> bool {
    doc.token_text(i) == "."
        && i.checked_sub(1).is_some_and(|p| {
            let word = doc.token_text(p);
            doc.is_word(p) && (is_title(word) || word.chars().count() == 1)
        })
}

fn is_according(doc: &Document, i: usize) -> bool {
    doc.token_text(i).eq_ignore_ascii_case("according")
}

fn is_punct(doc: &Document, i: usize) -> bool {
    doc.tokens
        .get(i)
        .is_some_and(|t| t.kind == TokenKind::Punct)
}

/// The token that joins a second attribution to the sentence before `cue`: `and`, `but` or
/// `;` a few tokens before it, or a comma right before a participle (`…, adding that`).
fn join_before(doc: &Document, sentence: &Sentence, cue: usize) -> Option<usize> {
    if opens_own_attribution(doc, cue) {
        return Some(cue - 1);
    }
    let joins = |i: usize| {
        let word = doc.token_text(i);
        word == ";" || word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("but")
    };
    let near = (sentence.tokens.start..cue)
        .rev()
        .take(JOIN_WINDOW)
        .take_while(|&i| doc.token_text(i) != ",")
        .find(|&i| joins(i));
    // `…, and more than half of voters said`: after a comma the new subject may be longer.
    near.or_else(|| {
        (sentence.tokens.start + 1..cue)
            .rev()
            .take(JOIN_AFTER_COMMA)
            .take_while(|&i| doc.is_word(i))
            .find(|&i| joins(i) && doc.token_text(i - 1) == ",")
    })
}

/// The span from byte `start` to the start of token `end` (exclusive), without the
/// punctuation and white space at its end.
fn trim_clause(doc: &Document, start: usize, end: usize) -> Option<Span> {
    let mut last = end;
    while last > 0 && is_punct(doc, last - 1) && doc.tokens[last - 1].span.start >= start {
        last -= 1;
    }
    let end_byte = doc.tokens.get(last.checked_sub(1)?)?.span.end;
    if end_byte <= start {
        return None;
    }
    trim(doc.text, Span::new(start, end_byte))
}

/// The reported clause of a sentence with its cue at token `cue`; one that reaches back from
/// the cue starts no earlier than token `floor`.
fn reported_clause(doc: &Document, sentence: &Sentence, cue: usize, floor: usize) -> Option<Span> {
    let text = doc.text;
    let range = sentence.tokens.clone();
    // What precedes the cue, from the floor to the comma before the cue; none when the floor
    // is past that comma.
    let before = |comma: usize| {
        let start = if floor == range.start {
            sentence.span.start
        } else {
            doc.tokens.get(floor)?.span.start
        };
        let end = doc.tokens[comma].span.start;
        (start < end).then(|| trim(text, Span::new(start, end)))?
    };
    let comma_before = (range.start..cue)
        .rev()
        .take(5)
        .find(|&i| doc.token_text(i) == ",");
    if is_according(doc, cue) {
        // `According to the report, prices rose`: what follows the source.
        if cue == range.start || comma_before.is_none() {
            let comma = (cue + 2..range.end).find(|&i| doc.token_text(i) == ",")?;
            return clause_from(doc, sentence, comma + 1);
        }
        // `Prices rose, according to the report`: what precedes it.
        return before(comma_before?);
    }
    // Trailing attribution: `…, the company announced on Monday.` After it comes nothing or a
    // time or place, never a clause (`…, Hollis said she supported it`). One word more than
    // that is enough to tell, and keeps a run-on sentence of many cues linear.
    let words_after: Vec<&str> = (cue + 1..range.end)
        .filter(|&i| doc.is_word(i))
        .map(|i| doc.token_text(i))
        .take(TRAILING_WORDS + 1)
        .collect();
    let cue_word = doc.token_text(cue).lower();
    let after_ok = words_after.first().is_none_or(|first| {
        words_after.len() <= TRAILING_WORDS
            && (is_circumstance(&cue_word, first)
                || (may_continue_trailing_cue(&cue_word, &first.lower(), is_capitalised(first))
                    && words_after.iter().all(|w| !starts_clause(w))))
    });
    // The words of a subject between a comma and the cue, a title's dot among them (`, Mr.
    // Lee said`).
    let clean = |comma: usize| (comma + 1..cue).all(|i| doc.is_word(i) || is_title_dot(doc, i));
    // `The plan, Bo said, has failed`: the attribution stands inside its statement; its
    // subject may be longer than a trailing one's (`…, a number of economists say, …`).
    let parenthetical = doc.token_text(cue + 1) == ","
        && (range.start + 1..cue)
            .rev()
            .take(PARENTHETICAL_SUBJECT)
            .find(|&i| doc.token_text(i) == ",")
            .is_some_and(clean);
    if parenthetical {
        return clause_from(doc, sentence, floor);
    }
    if let Some(comma) = comma_before {
        let clean = clean(comma);
        // `The guild, which backed Hollis, praised her`: the comma closes a relative clause,
        // and the cue right after it is the main verb, not a trailing attribution.
        let after_relative = comma + 1 == cue && in_relative_clause(doc, sentence, comma);
        if clean && after_ok && comma > range.start && !after_relative {
            return before(comma);
        }
    }
    let mut first = cue + 1;
    // `As Lee put it, …`: past the phrase's second word. A word right after the phrase
    // (`went on to win`, `fired back at`) starts no reported clause unless it is `that`.
    if is_phrase_cue_at(doc, cue) {
        first += 1;
        let next = doc.token_text(first);
        if first < range.end && doc.is_word(first) && !next.eq_ignore_ascii_case("that") {
            return None;
        }
    }
    if let Some(that) = (cue + 1..range.end.min(cue + 1 + THAT_WINDOW))
        .take_while(|&i| {
            (!is_punct(doc, i) || doc.token_text(i) == ",")
                && !is_active_cue(doc, i)
                && !opens_inner_clause(doc, i)
        })
        .find(|&i| doc.token_text(i).eq_ignore_ascii_case("that"))
    {
        first = that + 1;
    }
    // `The bill, opposed by the union, failed`: a cue before its agent is a participle.
    if first == cue + 1 && introduces_agent(doc.token_text(first)) {
        return None;
    }
    // `Lee spoke on Monday.`: a time or place after the cue is no reported clause.
    let rest: Vec<&str> = (first..range.end)
        .filter(|&i| doc.is_word(i))
        .map(|i| doc.token_text(i))
        .take(TRAILING_WORDS + 1)
        .collect();
    let only_circumstance = first == cue + 1
        && rest.len() <= TRAILING_WORDS
        && rest.first().is_some_and(|w| is_circumstance(&cue_word, w));
    if only_circumstance {
        return None;
    }
    // `Hollis, who is seeking a third term, accused …`: a relative clause is background to
    // the sentence, not what it reports (the main verb after it is the attribution).
    if in_relative_clause(doc, sentence, cue) {
        // `Lee, who said he votes for Democrats, said …`: a finite cue whose relative clause
        // reports a clause (a verb before the comma closing it) gives that clause; `who is
        // seeking a second term`, `which endorsed Lee in June` are background.
        if !is_finite_cue(doc.token_text(cue)) {
            return None;
        }
        // Looked at within a bounded window only, so a run of relative clauses stays linear.
        let close = (first..range.end)
            .take(RELATIVE_WINDOW * 2)
            .find(|&i| doc.token_text(i) == ",")?;
        let reports_a_clause =
            (first..close).any(|i| doc.is_word(i) && is_finite_verb(doc.token_text(i)));
        let start = (first..close).find(|&i| !is_punct(doc, i))?;
        return reports_a_clause
            .then(|| trim_clause(doc, doc.tokens[start].span.start, close))
            .flatten();
    }
    clause_from(doc, sentence, first)
}

/// True when token `i`, between a cue and a later `that`, shows the cue's clause has already
/// begun, so the `that` is inside it (`says he introduced a bill to do that`, `said the plan
/// would cut costs, but that …`): a subject pronoun or a verb.
fn opens_inner_clause(doc: &Document, i: usize) -> bool {
    let word = doc.token_text(i);
    doc.is_word(i)
        && !word.eq_ignore_ascii_case("that")
        && (is_subject_pronoun(&word.lower()) || is_finite_verb(word))
}

/// True when `word` after the cue `cue_word` (lower case) tells a time, place or manner, so
/// what follows is no reported clause: `spoke to reporters`, but not `decided to sell`.
fn is_circumstance(cue_word: &str, word: &str) -> bool {
    let lower = word.lower();
    may_follow_trailing_cue(&lower) && !(lower == "to" && takes_infinitive(cue_word))
}

/// True when token `t` (a cue, or the comma closing the clause) stands in a relative clause
/// opened after a comma (`, who is seeking`, `, which officials said`).
fn in_relative_clause(doc: &Document, sentence: &Sentence, t: usize) -> bool {
    (sentence.tokens.start + 1..t)
        .rev()
        .take(RELATIVE_WINDOW)
        .take_while(|&i| doc.is_word(i))
        .any(|i| is_relative_pronoun(&doc.token_text(i).lower()) && doc.token_text(i - 1) == ",")
}

/// Most words of a subject after a comma before its verb (`, most of the voters said`).
const NEW_SUBJECT_WORDS: usize = 4;

/// Most adverbs between a new subject and its verb (`, he also quickly said`).
const NEW_SUBJECT_ADVERBS: usize = 2;

/// True when the comma at token `comma` opens a clause of its own before token `end`: an
/// optional `and` or `so`, a subject (a pronoun, a determiner or a name and a few words) and
/// a finite verb (`, and he stopped`, `, the army bombed`, `, most of them are`), but not a
/// parenthetical attribution (`, he said,`) nor a list (`, Lee and Bo were`).
fn opens_new_clause(doc: &Document, comma: usize, end: usize) -> bool {
    let word = |t: usize| (t < end && doc.is_word(t)).then(|| doc.token_text(t));
    let mut t = comma + 1;
    if word(t).is_some_and(|w| w.eq_ignore_ascii_case("and") || w.eq_ignore_ascii_case("so")) {
        t += 1;
    }
    let Some(head) = word(t) else {
        return false;
    };
    let lower = head.lower();
    let pronoun = is_subject_pronoun(&lower);
    let mut verb = t + 1;
    if !pronoun {
        let opens_subject = is_determiner(&lower)
            || opens_description(&lower)
            || matches!(lower.as_ref(), "most" | "all" | "both")
            || (is_capitalised(head) && !is_subordinator(&lower));
        if !opens_subject {
            return false;
        }
        while verb < t + 1 + NEW_SUBJECT_WORDS
            && word(verb).is_some_and(|w| {
                !is_finite_verb(w)
                    && !matches!(
                        w.lower().as_ref(),
                        "and" | "or" | "who" | "which" | "that" | "whose"
                    )
            })
        {
            verb += 1;
        }
    }
    let adverbs = (verb..verb + NEW_SUBJECT_ADVERBS)
        .take_while(|&v| word(v).is_some_and(|w| is_skippable(w) && !is_auxiliary(&w.lower())))
        .count();
    verb += adverbs;
    let Some(verb_word) = word(verb) else {
        return false;
    };
    let parenthetical = is_cue(verb_word) && doc.token_text(verb + 1) == ",";
    let finite = is_finite_verb(verb_word)
        || (pronoun
            && verb_word.starts_with(char::is_lowercase)
            && !STOPWORDS.contains(&verb_word.lower().as_ref()));
    finite && !parenthetical
}

/// From token `first` to the end of the sentence, without punctuation at either end (a
/// closing quote mark or bracket stays).
fn clause_from(doc: &Document, sentence: &Sentence, mut first: usize) -> Option<Span> {
    let range = sentence.tokens.clone();
    while first < range.end && is_punct(doc, first) {
        first += 1;
    }
    // The clause ends where the writer's own clause starts (`, but …`, `; …`, `— …`), or a
    // new clause with its own subject and verb after a comma (`…, and he stopped …`, `…, the
    // army bombed …`) once the statement has a verb of its own and no subordinate clause
    // (`if rents rise, the council will act`) is open.
    let mut has_verb = false;
    let mut open_subordinate = false;
    // `Without mentioning Lee by name, Bo made clear …`: an object (a determiner or a name
    // first), not a clause, ends at a new clause with no verb of its own.
    let opens_with_object = {
        let head = doc.token_text(first);
        let lower = head.lower();
        doc.is_word(first)
            && (is_determiner(&lower)
                || (is_capitalised(head)
                    && !is_subordinator(&lower)
                    && !STOPWORDS.contains(&lower.as_ref())
                    && !PREPOSITIONS.contains(&lower.as_ref())))
    };
    let end = range.end.min(first.saturating_add(CLAUSE_TOKENS));
    let mut last = end;
    for i in first..end {
        let word = doc.token_text(i);
        let ends = i > first
            && (matches!(word, ";" | "—" | "―" | "–")
                || (word == ","
                    && i + 1 < range.end
                    && breaks_clause(&doc.token_text(i + 1).lower())
                    && !doc.token_text(i + 2).eq_ignore_ascii_case("that"))
                || (word == ","
                    && (has_verb || opens_with_object)
                    && !open_subordinate
                    && opens_new_clause(doc, i, range.end)));
        if ends {
            last = i;
            break;
        }
        if word == "," {
            open_subordinate = false;
        } else if doc.is_word(i) {
            let lower = word.lower();
            open_subordinate |= is_subordinator(&lower);
            // `…, the office said, they will …`: a parenthetical attribution's cue is no verb
            // of the statement.
            let parenthetical = is_cue(&lower) && doc.token_text(i + 1) == ",";
            has_verb |= !parenthetical
                && (is_finite_verb(word) || is_cue(&lower) || i > first && word.ends_with("ing"));
        }
    }
    while last > first
        && is_punct(doc, last - 1)
        && !matches!(doc.token_text(last - 1), "”" | "’" | ")")
    {
        last -= 1;
    }
    if first >= last {
        return None;
    }
    let span = Span::new(doc.tokens[first].span.start, doc.tokens[last - 1].span.end);
    trim(doc.text, span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::quotes::find_quotes;

    fn statements(text: &str) -> Vec<String> {
        let doc = Document::new(text);
        with_reported(&doc, find_quotes(&doc))
            .into_iter()
            .filter(|q| q.kind == QuoteKind::Reported)
            .map(|q| q.span.slice(text).to_string())
            .collect()
    }

    #[test]
    fn reported_speech() {
        let text = "Mamdani has said he is willing to work with the president. Ann Lee was invited. \
                    Prices rose, the company announced on Monday. Bo told reporters that it was over.";
        assert_eq!(
            statements(text),
            vec![
                "he is willing to work with the president",
                "Prices rose",
                "it was over"
            ]
        );
    }

    #[test]
    fn sentence_with_a_quote_is_not_reported() {
        let text = "Mamdani has criticized ICE as a “rogue agency” and vowed to resist.";
        assert!(statements(text).is_empty());
    }

    #[test]
    fn joined_attributions_are_two_statements() {
        assert_eq!(
            statements("Anand said the levy was overdue and predicted that ships would stay."),
            vec!["the levy was overdue", "ships would stay"]
        );
        assert_eq!(
            statements("Bo said the plan failed, adding that nobody had asked him."),
            vec!["the plan failed", "nobody had asked him"]
        );
        // A cue inside the reported clause belongs to it.
        assert_eq!(
            statements("Bo said he believes the plan failed."),
            vec!["he believes the plan failed"]
        );
    }

    #[test]
    fn trailing_attribution_with_an_addressee() {
        assert_eq!(
            statements("The plant will close, a spokesman told The Harbor Ledger. After the vote, Bo said the plan failed."),
            vec!["The plant will close", "the plan failed"]
        );
    }

    #[test]
    fn according_to_either_side() {
        assert_eq!(
            statements(
                "According to the audit, the fund lost money. Rents rose, according to the city."
            ),
            vec!["the fund lost money", "Rents rose"]
        );
    }

    #[test]
    fn a_trailing_attribution_reaches_back_only_past_the_one_before() {
        assert_eq!(
            statements("Rents rose, according to the city, and wages fell, according to a union."),
            vec!["Rents rose", "and wages fell"]
        );
        // A run-on sentence the segmenter did not split.
        assert_eq!(
            statements(
                "They were traders, according to ouest-france.fr. They flew to Cairo, a radio \
                 station reported."
            ),
            vec!["They were traders", "They flew to Cairo"]
        );
    }

    #[test]
    fn a_run_of_attributions_gives_statements_linear_in_the_sentence() {
        // Each attribution reaching back to the sentence's start would be N statements of
        // growing length: N² bytes.
        let n = 400;
        let text = format!("Rents rose{}.", ", according to the city".repeat(n));
        let total: usize = statements(&text).iter().map(String::len).sum();
        assert!(
            total <= text.len(),
            "{total} bytes of statements for {}",
            text.len()
        );
        let text = "according to , ".repeat(n);
        let total: usize = statements(&text).iter().map(String::len).sum();
        assert!(
            total <= text.len(),
            "{total} bytes of statements for {}",
            text.len()
        );
    }

    #[test]
    fn attitude_and_reporting_verbs_are_cues() {
        assert_eq!(
            statements("Most voters believe the tax is unfair. The mayor concluded that the port was safe."),
            vec!["the tax is unfair", "the port was safe"]
        );
    }

    #[test]
    fn reported_speech_beside_a_quote() {
        // The cue of the quote gives nothing; the participle after it gives its clause.
        assert_eq!(
            statements("“It is over,” Bo said, adding that the port would reopen."),
            vec!["the port would reopen"]
        );
        // A statement reaching into the quote is the quote's context, not a statement.
        assert_eq!(
            statements("Ann said the levy was fair and called the port “a relic.”"),
            vec!["the levy was fair"]
        );
        // The comma of a participle may stand inside the quote before it.
        assert_eq!(
            statements("Bo said the port had “never been busier,” adding that trade would grow."),
            vec!["trade would grow"]
        );
    }

    #[test]
    fn a_cue_in_a_relative_clause_is_background() {
        assert_eq!(
            statements("Ann, who is seeking a second term, accused the board of hiding costs."),
            vec!["the board of hiding costs"]
        );
        // The verb after the clause is the main verb, not a trailing attribution.
        assert_eq!(
            statements("The union, which backed Ann in May, praised her speech."),
            vec!["her speech"]
        );
    }

    #[test]
    fn decisions_and_intentions_are_cues() {
        assert_eq!(
            statements(
                "The council decided to sell the depot. Ann refused to sign the lease. \
                 The union is seeking a new contract. Bo plans to run again."
            ),
            vec![
                "to sell the depot",
                "to sign the lease",
                "a new contract",
                "to run again"
            ]
        );
    }

    #[test]
    fn a_trailing_attribution_has_no_object() {
        assert_eq!(
            statements("To cut rents, the mayor promised a new housing fund."),
            vec!["a new housing fund"]
        );
        assert_eq!(
            statements("The fund is empty, Ann told reporters."),
            vec!["The fund is empty"]
        );
    }

    #[test]
    fn a_cue_before_its_agent_gives_no_statement() {
        assert!(statements(
            "Bo reported from Cairo on the talks between the two old rivals. Ann spoke from \
             the steps of the old city hall to a small crowd."
        )
        .is_empty());
    }

    #[test]
    fn the_writers_clause_ends_a_statement() {
        assert_eq!(
            statements("Bo said the plan failed, but the council kept it."),
            vec!["the plan failed"]
        );
    }

    #[test]
    fn parenthetical_attribution_keeps_the_whole_statement() {
        assert_eq!(
            statements("This harbour, Ann says, is different."),
            vec!["This harbour, Ann says, is different"]
        );
        // A titled name, and a longer subject.
        assert_eq!(
            statements(
                "The levy, Dr. Ann Lee argued, is too low. Raising fares, a number of local \
                 economists say, would cut ridership."
            ),
            vec![
                "The levy, Dr. Ann Lee argued, is too low",
                "Raising fares, a number of local economists say, would cut ridership"
            ]
        );
    }

    #[test]
    fn a_new_clause_after_a_comma_ends_a_statement() {
        assert_eq!(
            statements("Bo said the depot would close, and the mayor ordered a review."),
            vec!["the depot would close"]
        );
        assert_eq!(
            statements("Ann said the ferry was late again, she missed the vote."),
            vec!["the ferry was late again"]
        );
        // A fronted subordinate clause runs on into its main clause.
        assert_eq!(
            statements("Ann said that if rents rise, the council will act."),
            vec!["if rents rise, the council will act"]
        );
        // So does a statement around a parenthetical attribution.
        assert_eq!(
            statements("After two quiet years, the ferry office said, fares will rise sharply."),
            vec!["After two quiet years, the ferry office said, fares will rise sharply"]
        );
        // An object ends at a new clause even with no verb of its own; a fronted phrase does
        // not.
        assert_eq!(
            statements("Without mentioning Lee by name, Bo made clear he would run."),
            vec!["Lee by name"]
        );
        assert_eq!(
            statements("In two cases, the ferry office said, fares rose."),
            vec!["In two cases, the ferry office said, fares rose"]
        );
        // A list of subjects is no new clause.
        assert_eq!(
            statements("Bo said the depot, Ann and the mayor were wrong."),
            vec!["the depot, Ann and the mayor were wrong"]
        );
    }

    #[test]
    fn a_that_inside_the_clause_does_not_open_it() {
        assert_eq!(
            statements("Bo says he wrote a bill to do that."),
            vec!["he wrote a bill to do that"]
        );
        // A second `that` clause joined by `but` belongs to the same statement.
        assert_eq!(
            statements("Lee said the plan would cut costs, but that it would take years."),
            vec!["the plan would cut costs, but that it would take years"]
        );
    }

    #[test]
    fn a_cue_in_a_relative_clause_gives_the_clause() {
        assert_eq!(
            statements("Ann, who said the port was too small, voted against the plan."),
            vec!["the port was too small"]
        );
        // An object, not a clause, is background.
        assert!(statements("Ann, who proposed the toll in May, voted for it.").is_empty());
    }

    #[test]
    fn nominal_cues_give_their_complement() {
        assert_eq!(
            statements(
                "Residents voiced fears that the river would flood. The union renewed its calls \
                 for a strike. The union renewed its support for the mayor."
            ),
            vec!["the river would flood", "a strike"]
        );
    }

    #[test]
    fn runs_of_nominal_cues_and_relative_clauses_stay_linear() {
        let n = 2000;
        let text = format!("There were {}the port.", "fears that ".repeat(n));
        let total: usize = statements(&text).iter().map(String::len).sum();
        assert!(total <= text.len(), "{total} bytes for {}", text.len());
        let text = format!("Bo said it rose{}.", ", and he said it fell".repeat(n));
        let total: usize = statements(&text).iter().map(String::len).sum();
        assert!(total <= text.len(), "{total} bytes for {}", text.len());
        let text = format!("Bo{}, left.", ", who said it fell".repeat(n));
        let total: usize = statements(&text).iter().map(String::len).sum();
        assert!(total <= text.len(), "{total} bytes for {}", text.len());
    }

    #[test]
    fn a_clause_nothing_ends_stops_after_its_most_tokens() {
        // Each cue's clause is read word by word to its end: unbounded, a sentence of
        // thousands of cues with nothing to end their clauses would cost their square.
        let words = "the levy rose again ".repeat(CLAUSE_TOKENS);
        let text = format!("Bo said {words}today.");
        let found = statements(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].split_whitespace().count(), CLAUSE_TOKENS);
        assert!(words.starts_with(&found[0]), "{found:?}");
        // A clause within the bound runs to its sentence's end, as before.
        let text = format!("Bo said {}today.", "the levy rose again ".repeat(10));
        assert!(statements(&text)[0].ends_with("again today"));
    }

    #[test]
    fn a_second_subject_after_a_comma_starts_its_own_statement() {
        assert_eq!(
            statements("Most riders said fares were high, and more than half of the drivers said pay was low."),
            vec!["fares were high", "pay was low"]
        );
    }
}
