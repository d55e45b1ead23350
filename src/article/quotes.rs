//! Finds quotes between quote marks (reported speech, without marks, is the next step's).
//!
//! Double marks (`“…”`, `"…"`) pair within a paragraph; an unclosed quote continues into the
//! next paragraph only when that paragraph opens with a new opening mark (the newspaper
//! convention for a quote over several paragraphs), otherwise it is dropped. Single marks
//! inside a double quote belong to it; outside, `‘…’` pairs only when the opening mark starts
//! a word and the closing one ends a word, so apostrophes (`don't`, `ICE’s`) are never marks.

use super::lexicon::is_subject_pronoun;
use super::segment::{is_space, trim, Document};
use super::types::{QuoteKind, Span};

/// Longest single-quoted span accepted outside double quotes, in words.
const MAX_SINGLE_QUOTE_WORDS: usize = 12;

/// How far a closing single mark is looked for, in characters: far beyond twelve words, and
/// a bound on the scan from each of many openings that never close (`(‘a(‘a(‘a…`).
const MAX_SINGLE_QUOTE_CHARS: usize = 400;

/// A quote or statement before attribution.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawQuote {
    /// The quoted words or the reported clause.
    pub(crate) span: Span,
    /// The quote with its marks (equal to `span` for reported statements).
    pub(crate) outer: Span,
    /// Direct, scare or reported.
    pub(crate) kind: QuoteKind,
    /// For reported statements, the token index of the cue (see `reported`).
    pub(crate) cue: Option<usize>,
}

/// All quotes between marks of the document, in text order.
pub(crate) fn find_quotes(doc: &Document) -> Vec<RawQuote> {
    let mut quotes = find_marked(doc);
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
            if doc.in_markup(at) {
                k += 1;
                continue;
            }
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
    for j in k + 2..chars.len().min(k + MAX_SINGLE_QUOTE_CHARS) {
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
    fn two_apostrophes_are_a_double_mark() {
        let got = quotes("''We won,'' she said. ''It was 'close,' '' he added, ''but fair.''");
        let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, vec!["We won,", "It was 'close,'", "but fair."]);
        assert!(quotes("The workers' union won.").is_empty());
    }

    #[test]
    fn markup_holds_no_quote() {
        let got =
            quotes("<tweet author=\"Port\" id=\"12\">Crews “finished the berth” tonight</tweet>");
        assert_eq!(
            got,
            vec![("finished the berth".to_string(), QuoteKind::Scare)]
        );
    }
}
