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
//!   belongs to it.
//!
//! **A sentence holding a quote yields only its quotes** (the quotes step): in `Mamdani has
//! criticized ICE as a “rogue agency” …` the scare quote is the statement and the sentence its
//! context, so the stance model still sees the reported part.

use super::grammar::{is_active_cue, is_verbish};
use super::lexicon::{is_subject_pronoun, may_follow_trailing_cue};
use super::quotes::RawQuote;
use super::segment::{trim, Document, Sentence, TokenKind};
use super::types::{QuoteKind, Span};

/// How far after a cue a `that` still opens its clause, in tokens.
const THAT_WINDOW: usize = 8;
/// How far before a second cue a joining `and` / `but` / `;` may stand (room for a subject
/// and an auxiliary: `and he has predicted`).
const JOIN_WINDOW: usize = 4;
/// Most words after the cue of a trailing attribution (`…, the company announced on Monday`,
/// `…, a spokesman told The Wall Street Journal`).
const TRAILING_WORDS: usize = 5;

/// The marked quotes and the reported statements of the document, in text order.
pub(crate) fn with_reported(doc: &Document, marked: Vec<RawQuote>) -> Vec<RawQuote> {
    let mut marks: Vec<Span> = marked.iter().map(|q| q.outer).collect();
    marks.sort();
    let mut out = marked;
    for sentence in &doc.sentences {
        // The first mark ending after the sentence starts: does it start before it ends?
        let next = marks.partition_point(|m| m.end <= sentence.span.start);
        let holds_mark = marks
            .get(next..)
            .unwrap_or_default()
            .iter()
            .take_while(|m| m.start < sentence.span.end)
            .any(|m| m.intersection(sentence.span) > 0);
        if !holds_mark {
            out.extend(sentence_statements(doc, sentence));
        }
    }
    out.sort_by_key(|q| (q.span.start, q.span.end));
    out
}

/// The reported statements of one sentence without quote marks.
fn sentence_statements(doc: &Document, sentence: &Sentence) -> Vec<RawQuote> {
    let range = sentence.tokens.clone();
    let cues: Vec<usize> = range
        .clone()
        .filter(|&i| is_active_cue(doc, i))
        .filter(|&i| i != range.start || is_according(doc, i))
        .collect();
    let mut out: Vec<RawQuote> = Vec::new();
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
        if let Some(span) = reported_clause(doc, sentence, cue) {
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

/// True when `word` may open a clause (`…, Hollis said she supported it`), so the words
/// after a cue are a reported clause rather than the rest of a trailing attribution.
fn starts_clause(word: &str) -> bool {
    let lower = word.to_lowercase();
    lower == "that" || is_subject_pronoun(&lower) || is_verbish(word)
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
    let participle = doc.token_text(cue).to_lowercase().ends_with("ing");
    if participle && cue > sentence.tokens.start && doc.token_text(cue - 1) == "," {
        return Some(cue - 1);
    }
    (sentence.tokens.start..cue)
        .rev()
        .take(JOIN_WINDOW)
        .take_while(|&i| doc.token_text(i) != ",")
        .find(|&i| {
            let word = doc.token_text(i);
            word == ";" || word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("but")
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

/// The reported clause of a sentence with its cue at token `cue`.
fn reported_clause(doc: &Document, sentence: &Sentence, cue: usize) -> Option<Span> {
    let text = doc.text;
    let range = sentence.tokens.clone();
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
        let comma = comma_before?;
        return trim(
            text,
            Span::new(sentence.span.start, doc.tokens[comma].span.start),
        );
    }
    // Trailing attribution: `…, the company announced on Monday.` After it comes nothing or a
    // time or place, never a clause (`…, Hollis said she supported it`). One word more than
    // that is enough to tell, and keeps a run-on sentence of many cues linear.
    let words_after: Vec<&str> = (cue + 1..range.end)
        .filter(|&i| doc.is_word(i))
        .map(|i| doc.token_text(i))
        .take(TRAILING_WORDS + 1)
        .collect();
    let after_ok = words_after.is_empty()
        || (words_after.len() <= TRAILING_WORDS
            && (may_follow_trailing_cue(&words_after[0].to_lowercase())
                || words_after.iter().all(|w| !starts_clause(w))));
    if let Some(comma) = comma_before {
        let clean = (comma + 1..cue).all(|i| doc.is_word(i));
        if clean && after_ok && comma > range.start {
            return trim(
                text,
                Span::new(sentence.span.start, doc.tokens[comma].span.start),
            );
        }
    }
    let mut first = cue + 1;
    if let Some(that) = (cue + 1..range.end.min(cue + 1 + THAT_WINDOW))
        .take_while(|&i| !is_punct(doc, i) && !is_active_cue(doc, i))
        .find(|&i| doc.token_text(i).eq_ignore_ascii_case("that"))
    {
        first = that + 1;
    }
    // `Lee spoke on Monday.`: a time or place after the cue is no reported clause.
    let rest: Vec<&str> = (first..range.end)
        .filter(|&i| doc.is_word(i))
        .map(|i| doc.token_text(i))
        .take(TRAILING_WORDS + 1)
        .collect();
    let only_circumstance = first == cue + 1
        && rest.len() <= TRAILING_WORDS
        && rest
            .first()
            .is_some_and(|w| may_follow_trailing_cue(&w.to_lowercase()));
    if only_circumstance {
        return None;
    }
    clause_from(doc, sentence, first)
}

/// From token `first` to the end of the sentence, without punctuation at either end (a
/// closing quote mark or bracket stays).
fn clause_from(doc: &Document, sentence: &Sentence, mut first: usize) -> Option<Span> {
    let range = sentence.tokens.clone();
    while first < range.end && is_punct(doc, first) {
        first += 1;
    }
    let mut last = range.end;
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
    fn attitude_and_reporting_verbs_are_cues() {
        assert_eq!(
            statements("Most voters believe the tax is unfair. The mayor concluded that the port was safe."),
            vec!["the tax is unfair", "the port was safe"]
        );
    }
}
