//! Paragraphs, sentences and word tokens of an article, all as byte spans of the original text.
//!
//! A paragraph is a non-blank line (`\n` ends a line, a `\r` before it and a leading BOM are
//! treated as white space). Sentences end at `.`, `!` or `?` (and any closing quote marks or
//! brackets right after) when white space and then a capital, a digit or an opening mark
//! follow, except after abbreviations (`Sen.`, `Dr.`, `Jan.`, `U.S.`) and single initials.

use super::lexicon::{is_listed_abbreviation, Lowercase};
use super::types::Span;

/// Most words of four letters or more in a headline.
const HEADLINE_WORDS: usize = 20;

/// A word or a single punctuation character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// Letters and digits, with inner `'`, `’`, `-`, `.`, `&` (`don't`, `ICE’s`, `U.S`).
    Word,
    /// Any other character that is not white space.
    Punct,
}

/// One token of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    /// Where the token is.
    pub(crate) span: Span,
    /// Word or punctuation.
    pub(crate) kind: TokenKind,
    /// Index of the sentence holding it.
    pub(crate) sentence: usize,
}

/// One sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sentence {
    /// The sentence, without surrounding white space.
    pub(crate) span: Span,
    /// Index of its paragraph (0-based, blank lines not counted).
    pub(crate) paragraph: usize,
    /// Its tokens: `tokens.start..tokens.end` in [`Document::tokens`].
    pub(crate) tokens: std::ops::Range<usize>,
}

/// An article cut into paragraphs, sentences and tokens.
#[derive(Debug, Clone)]
pub(crate) struct Document<'t> {
    /// The original text.
    pub(crate) text: &'t str,
    /// Paragraph spans, trimmed.
    pub(crate) paragraphs: Vec<Span>,
    /// Sentences in text order.
    pub(crate) sentences: Vec<Sentence>,
    /// Tokens of all sentences in text order (none inside markup).
    pub(crate) tokens: Vec<Token>,
    /// Markup tags (`<tweet …>`), sorted: no token lies inside one.
    pub(crate) markup: Vec<Span>,
}

/// True for white space, including the byte-order mark.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// True for opening quote marks and brackets.
pub(crate) fn is_opening(c: char) -> bool {
    matches!(c, '“' | '‘' | '"' | '\'' | '(' | '[' | '«')
}

fn is_closing(c: char) -> bool {
    matches!(c, '”' | '’' | '"' | '\'' | ')' | ']' | '»')
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '.' | '&' | '_')
}

impl<'t> Document<'t> {
    /// Cuts `text` into paragraphs, sentences and tokens.
    pub(crate) fn new(text: &'t str) -> Self {
        let paragraphs = paragraphs(text);
        let markup = markup(text);
        let mut sentences = Vec::new();
        let mut tokens = Vec::new();
        for (p, para) in paragraphs.iter().enumerate() {
            for span in split_sentences(text, *para) {
                let first = tokens.len();
                tokenize(text, span, sentences.len(), &mut tokens);
                if !markup.is_empty() {
                    let words = tokens.split_off(first);
                    tokens.extend(words.into_iter().filter(|t| !inside(&markup, t.span.start)));
                }
                sentences.push(Sentence {
                    span,
                    paragraph: p,
                    tokens: first..tokens.len(),
                });
            }
        }
        Document {
            text,
            paragraphs,
            sentences,
            tokens,
            markup,
        }
    }

    /// True when paragraph `p` is a headline: one line without a full stop whose words are
    /// mostly capitalised, or the article's first line with every long word capitalised (`Harbor Levy Will Sink the Port, Union Chief Says`). Capitals
    /// there mark a headline's style, not names.
    pub(crate) fn is_headline(&self, p: usize) -> bool {
        let first = self.sentences.partition_point(|s| s.paragraph < p);
        let last = self.sentences.partition_point(|s| s.paragraph <= p);
        let [sentence] = &self.sentences[first..last] else {
            return false;
        };
        let last = self.token_text(sentence.tokens.end.saturating_sub(1));
        let words: Vec<&str> = sentence
            .tokens
            .clone()
            .filter(|&i| self.is_word(i))
            .map(|i| self.token_text(i))
            // Long words that can be capitalised: `2016` is neither a capitalised word nor a
            // lower-case one.
            .filter(|w| w.chars().count() >= 4 && w.starts_with(char::is_alphabetic))
            .collect();
        let capitalised = words
            .iter()
            .filter(|w| w.starts_with(char::is_uppercase))
            .count();
        // A headline ends without a full stop, unless it is the article's first line and
        // capitalises every long word.
        let title_case = if last == "." {
            p == 0 && capitalised == words.len()
        } else {
            capitalised * 10 >= words.len() * 7
        };
        (3..=HEADLINE_WORDS).contains(&words.len()) && title_case
    }

    /// True when byte `pos` lies inside a markup tag.
    pub(crate) fn in_markup(&self, pos: usize) -> bool {
        inside(&self.markup, pos)
    }

    /// The text of token `i` (`""` when out of range).
    pub(crate) fn token_text(&self, i: usize) -> &'t str {
        self.tokens.get(i).map_or("", |t| t.span.slice(self.text))
    }

    /// True when token `i` is a word.
    pub(crate) fn is_word(&self, i: usize) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind == TokenKind::Word)
    }

    /// The sentence holding token `i`.
    pub(crate) fn sentence_of(&self, i: usize) -> Option<&Sentence> {
        self.tokens
            .get(i)
            .and_then(|t| self.sentences.get(t.sentence))
    }

    /// Indices of the sentences that overlap `span`.
    pub(crate) fn sentences_overlapping(&self, span: Span) -> std::ops::Range<usize> {
        // Sentences are disjoint and in text order, so both ends are binary searches: this is
        // asked once per quote, and a scan from the first sentence made that quadratic.
        let first = self.sentences.partition_point(|s| s.span.end <= span.start);
        let bound = span.end.max(span.start + 1);
        let last = self
            .sentences
            .partition_point(|s| s.span.start < bound)
            .max(first);
        first..last
    }

    /// Index of the first token starting at or after byte `pos`.
    pub(crate) fn token_at_or_after(&self, pos: usize) -> usize {
        self.tokens.partition_point(|t| t.span.start < pos)
    }
}

/// Markup tags left in the text by a scraper (`<tweet author="…" timestamp="…">`, `</p>`):
/// a `<` that opens a tag name or a closing `/`, up to the next `>` on the same line. Their
/// words and quote marks are no part of the article.
fn markup(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(offset) = text.get(i..).and_then(|rest| rest.find('<')) {
        let start = i + offset;
        let opens_tag = bytes
            .get(start + 1)
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'/');
        let close = text[start + 1..]
            .find(['>', '<', '\n'])
            .map(|k| k + 1)
            .filter(|&k| bytes[start + k] == b'>');
        match close {
            Some(k) if opens_tag => {
                out.push(Span::new(start, start + k + 1));
                i = start + k + 1;
            }
            _ => i = start + 1,
        }
    }
    out
}

/// True when byte `pos` lies inside one of the sorted, disjoint `spans`.
pub(crate) fn inside(spans: &[Span], pos: usize) -> bool {
    let after = spans.partition_point(|m| m.start <= pos);
    after > 0 && pos < spans[after - 1].end
}

/// Trimmed non-blank lines.
fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), '\n')))
    {
        if c == '\n' {
            if let Some(span) = trim(text, Span::new(line_start, i)) {
                out.push(span);
            }
            line_start = i + 1;
        }
    }
    out
}

/// `span` without white space at either end, or `None` when nothing is left.
pub(crate) fn trim(text: &str, span: Span) -> Option<Span> {
    let slice = text.get(span.start..span.end)?;
    let left = slice.len() - slice.trim_start_matches(is_space).len();
    let right = slice.trim_end_matches(is_space).len();
    if right <= left {
        None
    } else {
        Some(Span::new(span.start + left, span.start + right))
    }
}

/// The word that ends right before byte `end` (letters, digits and inner dots).
fn word_before(text: &str, end: usize) -> &str {
    let head = text.get(..end).unwrap_or("");
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '.')
        .last()
        .map_or(end, |(i, _)| i);
    head.get(start..).unwrap_or("")
}

fn is_abbreviation(word: &str) -> bool {
    let word = word.trim_start_matches('.');
    if word.is_empty() {
        return false;
    }
    let lower = word.lower();
    if word.contains('.') {
        return true; // U.S, a.m
    }
    let mut chars = word.chars();
    let single_letter =
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic());
    single_letter || is_listed_abbreviation(&lower)
}

/// Splits one paragraph into sentence spans.
fn split_sentences(text: &str, para: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let slice = para.slice(text);
    let mut start = para.start;
    let chars: Vec<(usize, char)> = slice.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (offset, c) = chars[k];
        if matches!(c, '.' | '!' | '?') {
            // Swallow more end marks and closing marks: `?!`, `.”`, `.)`.
            let mut j = k + 1;
            while j < chars.len()
                && (matches!(chars[j].1, '.' | '!' | '?') || is_closing(chars[j].1))
            {
                j += 1;
            }
            let mut next = j;
            while next < chars.len() && is_space(chars[next].1) {
                next += 1;
            }
            let has_space = next > j;
            let starts_new = chars
                .get(next)
                .is_some_and(|&(_, n)| n.is_uppercase() || n.is_ascii_digit() || is_opening(n));
            let ellipsis = c == '.' && j > k + 1 && chars[k + 1].1 == '.';
            // Asked only at a possible sentence end: `word_before` scans back over letters and
            // dots, so asking at every dot of `a.a.a.a…` would be quadratic.
            let abbreviation =
                || c == '.' && !ellipsis && is_abbreviation(word_before(text, para.start + offset));
            if has_space && starts_new && !abbreviation() {
                let end = para.start + chars.get(j).map_or(slice.len(), |&(o, _)| o);
                if let Some(span) = trim(text, Span::new(start, end)) {
                    out.push(span);
                }
                start = para.start + chars.get(next).map_or(slice.len(), |&(o, _)| o);
            }
            k = j;
            continue;
        }
        k += 1;
    }
    if let Some(span) = trim(text, Span::new(start, para.end)) {
        out.push(span);
    }
    out
}

/// Appends the tokens of `span` to `out`.
fn tokenize(text: &str, span: Span, sentence: usize, out: &mut Vec<Token>) {
    let slice = span.slice(text);
    let chars: Vec<(usize, char)> = slice.char_indices().collect();
    let end_of = |k: usize| chars.get(k).map_or(slice.len(), |&(o, _)| o);
    let mut k = 0;
    while k < chars.len() {
        let (offset, c) = chars[k];
        if is_space(c) {
            k += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let mut j = k + 1;
            loop {
                match chars.get(j) {
                    Some(&(_, n)) if n.is_alphanumeric() => j += 1,
                    Some(&(_, n))
                        if is_joiner(n)
                            && chars.get(j + 1).is_some_and(|&(_, m)| m.is_alphanumeric()) =>
                    {
                        j += 2
                    }
                    _ => break,
                }
            }
            out.push(Token {
                span: Span::new(span.start + offset, span.start + end_of(j)),
                kind: TokenKind::Word,
                sentence,
            });
            k = j;
        } else {
            out.push(Token {
                span: Span::new(span.start + offset, span.start + end_of(k + 1)),
                kind: TokenKind::Punct,
                sentence,
            });
            k += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        let doc = Document::new(text);
        doc.sentences.iter().map(|s| s.span.slice(text)).collect()
    }

    #[test]
    fn splits_on_end_marks_but_not_abbreviations() {
        let text = "Sen. Ann Lee met Gov. Bo Park in the U.S. Senate on Jan. 5. Dr. Kim left. Was it J. R. Smith? Yes!";
        assert_eq!(
            sentences(text),
            vec![
                "Sen. Ann Lee met Gov. Bo Park in the U.S. Senate on Jan. 5.",
                "Dr. Kim left.",
                "Was it J. R. Smith?",
                "Yes!"
            ]
        );
    }

    #[test]
    fn quote_ending_in_punctuation_ends_sentence() {
        let text = "He said “we will win.” Then he left. “Why?” she asked.";
        assert_eq!(
            sentences(text),
            vec![
                "He said “we will win.”",
                "Then he left.",
                "“Why?” she asked."
            ]
        );
    }

    #[test]
    fn paragraphs_handle_crlf_and_bom() {
        let text = "\u{feff}One line.\r\n\r\nTwo line.\r\n";
        let doc = Document::new(text);
        assert_eq!(doc.paragraphs.len(), 2);
        assert_eq!(doc.paragraphs[0].slice(text), "One line.");
        assert_eq!(doc.paragraphs[1].slice(text), "Two line.");
        assert_eq!(doc.sentences[1].paragraph, 1);
    }

    #[test]
    fn tokens_keep_inner_apostrophes_and_dots() {
        let text = "ICE’s agents don't see U.S. rules, Mayor-elect.";
        let doc = Document::new(text);
        let words: Vec<&str> = (0..doc.tokens.len()).map(|i| doc.token_text(i)).collect();
        assert_eq!(
            words,
            vec![
                "ICE’s",
                "agents",
                "don't",
                "see",
                "U.S",
                ".",
                "rules",
                ",",
                "Mayor-elect",
                "."
            ]
        );
    }

    #[test]
    fn odd_text_gives_no_sentences() {
        assert!(Document::new("").sentences.is_empty());
        assert!(Document::new(" \r\n\u{feff} ").sentences.is_empty());
        assert_eq!(Document::new("...").sentences.len(), 1);
    }
}
