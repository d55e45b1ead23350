//! Finds quotes between quote marks and reported statements (sentences with a speech cue).
//!
//! Double marks (`“…”`, `"…"`) pair within a paragraph; an unclosed quote continues into the
//! next paragraph only when that paragraph opens with a new opening mark (the newspaper
//! convention for a quote over several paragraphs), otherwise it is dropped. Single marks
//! inside a double quote belong to it; outside, `‘…’` pairs only when the opening mark starts
//! a word and the closing one ends a word, so apostrophes (`don't`, `ICE’s`) are never marks.

use super::grammar::is_active_cue;
use super::lexicon::{is_subject_pronoun, may_follow_trailing_cue};
use super::segment::{is_space, trim, Document, Sentence, TokenKind};
use super::types::{QuoteKind, Span};

/// Longest single-quoted span accepted outside double quotes, in words.
const MAX_SINGLE_QUOTE_WORDS: usize = 12;

/// A quote or statement before attribution.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawQuote {
    /// The quoted words or the reported clause.
    pub(crate) span: Span,
    /// The quote with its marks (equal to `span` for reported statements).
    pub(crate) outer: Span,
    /// Direct, scare or reported.
    pub(crate) kind: QuoteKind,
    /// For reported statements, the token index of the cue.
    pub(crate) cue: Option<usize>,
}

/// All quotes and reported statements of the document, in text order.
pub(crate) fn find_quotes(doc: &Document) -> Vec<RawQuote> {
    let mut quotes = find_marked(doc);
    let reported = find_reported(doc, &quotes);
    quotes.extend(reported);
    quotes.sort_by_key(|q| (q.span.start, q.span.end));
    quotes
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    Open,
    Close,
    Either,
    None,
}

fn double_mark(c: char) -> Mark {
    match c {
        '“' | '„' | '«' => Mark::Open,
        '”' | '»' => Mark::Close,
        '"' => Mark::Either,
        _ => Mark::None,
    }
}

/// The double mark starting at `chars[k]` and its width in characters: one mark character,
/// or two apostrophes `''`, which some newspapers (the New York Times among them) print for
/// both the opening and the closing double mark.
fn double_mark_at(chars: &[(usize, char)], k: usize) -> (Mark, usize) {
    let c = chars[k].1;
    if c == '\'' && chars.get(k + 1).is_some_and(|&(_, n)| n == '\'') {
        return (Mark::Either, 2);
    }
    (double_mark(c), 1)
}

/// Quotes between marks.
fn find_marked(doc: &Document) -> Vec<RawQuote> {
    let text = doc.text;
    let mut out = Vec::new();
    // (byte after the opening mark, byte of the opening mark)
    let mut open: Option<(usize, usize)> = None;
    for para in &doc.paragraphs {
        let slice = para.slice(text);
        let chars: Vec<(usize, char)> = slice.char_indices().collect();
        let mut k = 0;
        if !chars.is_empty() {
            let (first, width) = double_mark_at(&chars, 0);
            if open.is_some() && first != Mark::None && first != Mark::Close {
                k = width; // the same quote goes on in this paragraph
            } else {
                open = None;
            }
        }
        while k < chars.len() {
            let (offset, _) = chars[k];
            let at = para.start + offset;
            let (mark, width) = double_mark_at(&chars, k);
            let after = para.start + chars.get(k + width).map_or(slice.len(), |&(o, _)| o);
            match (mark, open) {
                (Mark::Open, _) | (Mark::Either, None) => {
                    open = Some((after, at));
                    k += width;
                    continue;
                }
                (Mark::Close, Some((start, mark))) | (Mark::Either, Some((start, mark))) => {
                    if let Some(span) = trim(text, Span::new(start, at)) {
                        out.push(RawQuote {
                            kind: classify(span.slice(text)),
                            span,
                            outer: Span::new(mark, after),
                            cue: None,
                        });
                    }
                    open = None;
                    k += width;
                    continue;
                }
                (Mark::Close, None) | (Mark::None, _) => {
                    if open.is_none() {
                        if let Some((quote, next)) = single_quote(text, *para, &chars, k) {
                            out.push(quote);
                            k = next;
                            continue;
                        }
                    }
                }
            }
            k += 1;
        }
    }
    out
}

/// A `‘…’` quote opening at `chars[k]`, outside double quotes, and the index after it.
fn single_quote(
    text: &str,
    para: Span,
    chars: &[(usize, char)],
    k: usize,
) -> Option<(RawQuote, usize)> {
    let (offset, c) = chars[k];
    if !matches!(c, '‘' | '\'') {
        return None;
    }
    let before_ok = k == 0
        || chars
            .get(k - 1)
            .is_some_and(|&(_, p)| is_space(p) || p == '(');
    let after_ok = chars.get(k + 1).is_some_and(|&(_, n)| n.is_alphabetic());
    if !before_ok || !after_ok {
        return None;
    }
    for j in k + 2..chars.len() {
        let (o, m) = chars[j];
        if double_mark_at(chars, j).0 != Mark::None {
            return None;
        }
        let prev = chars[j - 1].1;
        let next = chars.get(j + 1).map(|&(_, n)| n);
        if matches!(m, '’' | '\'') && !is_space(prev) && !next.is_some_and(|n| n.is_alphanumeric())
        {
            let span = trim(
                text,
                Span::new(para.start + offset + c.len_utf8(), para.start + o),
            )?;
            if span.slice(text).split_whitespace().count() > MAX_SINGLE_QUOTE_WORDS {
                return None;
            }
            let quote = RawQuote {
                kind: classify(span.slice(text)),
                span,
                outer: Span::new(para.start + offset, para.start + o + m.len_utf8()),
                cue: None,
            };
            return Some((quote, j + 1));
        }
    }
    None
}

/// Scare when at most four words and not a clause (no subject pronoun, not a capitalised
/// sentence ending in `.`, `!` or `?`).
fn classify(quoted: &str) -> QuoteKind {
    let words: Vec<&str> = quoted.split_whitespace().collect();
    if words.len() > 4 {
        return QuoteKind::Direct;
    }
    let has_pronoun = words.iter().any(|w| {
        let bare: String = w
            .chars()
            .filter(|c| c.is_alphabetic())
            .collect::<String>()
            .to_lowercase();
        is_subject_pronoun(&bare)
    });
    let capital = quoted.chars().next().is_some_and(|c| c.is_uppercase());
    let sentence_end = quoted.trim_end().ends_with(['.', '!', '?']);
    if has_pronoun || (capital && sentence_end && words.len() > 1) {
        QuoteKind::Direct
    } else {
        QuoteKind::Scare
    }
}

/// Sentences holding no quote but a cue become reported statements.
fn find_reported(doc: &Document, marked: &[RawQuote]) -> Vec<RawQuote> {
    let mut out = Vec::new();
    for sentence in &doc.sentences {
        if marked
            .iter()
            .any(|q| q.outer.intersection(sentence.span) > 0)
        {
            continue;
        }
        let cues: Vec<usize> = sentence
            .tokens
            .clone()
            .filter(|&i| is_active_cue(doc, i))
            .collect();
        // A sentence-initial participle (`Asked about …, Hollis said`) is not the main cue.
        let cue = cues
            .iter()
            .copied()
            .find(|&i| i != sentence.tokens.start)
            .or_else(|| cues.first().copied());
        let Some(cue) = cue else { continue };
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

/// The reported clause of a sentence with its cue at token `cue`.
fn reported_clause(doc: &Document, sentence: &Sentence, cue: usize) -> Option<Span> {
    let text = doc.text;
    let range = sentence.tokens.clone();
    let is_punct = |i: usize| {
        doc.tokens
            .get(i)
            .is_some_and(|t| t.kind == TokenKind::Punct)
    };
    // Trailing attribution: `…, the company announced on Monday.`
    let comma = (range.start..cue)
        .rev()
        .take(5)
        .find(|&i| doc.token_text(i) == ",");
    let words_after = (cue + 1..range.end).filter(|&i| doc.is_word(i)).count();
    // After a trailing attribution comes nothing or a time or place (`on Monday`), never a
    // clause (`…, Hollis said she supported it`).
    let after_ok = words_after == 0
        || (words_after <= 4 && may_follow_trailing_cue(&doc.token_text(cue + 1).to_lowercase()));
    if let Some(comma) = comma {
        let clean = (comma + 1..cue).all(|i| doc.is_word(i));
        if clean && after_ok && comma > range.start {
            return trim(
                text,
                Span::new(sentence.span.start, doc.tokens[comma].span.start),
            );
        }
    }
    let mut first = cue + 1;
    if let Some(that) = (cue + 1..range.end.min(cue + 6))
        .take_while(|&i| !is_punct(i))
        .find(|&i| doc.token_text(i).eq_ignore_ascii_case("that"))
    {
        first = that + 1;
    }
    while first < range.end && is_punct(first) {
        first += 1;
    }
    let mut last = range.end;
    while last > first && is_punct(last - 1) && !matches!(doc.token_text(last - 1), "”" | "’" | ")")
    {
        last -= 1;
    }
    if first >= last {
        return None;
    }
    let span = Span::new(doc.tokens[first].span.start, doc.tokens[last - 1].span.end);
    trim(text, span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(text: &str) -> Vec<(String, QuoteKind)> {
        let doc = Document::new(text);
        find_quotes(&doc)
            .into_iter()
            .map(|q| (q.span.slice(text).to_string(), q.kind))
            .collect()
    }

    #[test]
    fn curly_and_straight_quotes() {
        let got =
            quotes("She said “we will win this fight,” and he said \"no way at all, friend.\"");
        assert_eq!(
            got[0],
            ("we will win this fight,".to_string(), QuoteKind::Direct)
        );
        assert_eq!(
            got[1],
            ("no way at all, friend.".to_string(), QuoteKind::Direct)
        );
    }

    #[test]
    fn nested_single_quotes_and_apostrophes_stay_inside() {
        let got = quotes("“He called it ‘pure poison,’ and ICE’s men don't care,” Ann said.");
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].0,
            "He called it ‘pure poison,’ and ICE’s men don't care,"
        );
    }

    #[test]
    fn scare_quotes() {
        let got = quotes("Trump called him a “communist” and a \"rogue agency\" leader.");
        assert_eq!(got[0], ("communist".to_string(), QuoteKind::Scare));
        assert_eq!(got[1], ("rogue agency".to_string(), QuoteKind::Scare));
        assert_eq!(quotes("“We won,” she said.")[0].1, QuoteKind::Direct);
    }

    #[test]
    fn multi_paragraph_quote_is_one() {
        let text =
            "“First part of it.\n\n“Second part,” Ann said.\n“Unclosed here\nNext paragraph.";
        let got = quotes(text);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "First part of it.\n\n“Second part,");
    }

    #[test]
    fn single_quotes_outside_double() {
        let got = quotes("Critics called the plan ‘a disgrace’ on Monday.");
        assert_eq!(got[0].0, "a disgrace");
        assert_eq!(
            quotes("The workers’ union and rock ’n’ roll fans.").len(),
            0
        );
    }

    #[test]
    fn reported_speech() {
        let text = "Mamdani has said he is willing to work with the president. Ann Lee was invited. \
                    Prices rose, the company announced on Monday. Bo told reporters that it was over.";
        let got = quotes(text);
        assert_eq!(
            got,
            vec![
                (
                    "he is willing to work with the president".to_string(),
                    QuoteKind::Reported
                ),
                ("Prices rose".to_string(), QuoteKind::Reported),
                ("it was over".to_string(), QuoteKind::Reported),
            ]
        );
    }

    #[test]
    fn sentence_with_a_quote_is_not_reported() {
        let got = quotes("Mamdani has criticized ICE as a “rogue agency” and vowed to resist.");
        assert_eq!(got, vec![("rogue agency".to_string(), QuoteKind::Scare)]);
    }
}
