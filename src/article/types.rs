//! The article stage's public types: spans, quotes, actors, the analysis, and the user's actor
//! list with its errors.
//!
//! They sit at the bottom of the stage: every step may use them, they use no step (reading an
//! actors file is left to [`super::actor_list`]).

use serde::Serialize;
use std::path::{Path, PathBuf};

/// A half-open range of **byte** offsets `start..end` into the original article text.
///
/// Both ends always fall on `char` boundaries of the text the span was produced from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// Creates a span; `start` must not exceed `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// Length of the span in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when `other` lies entirely inside `self`.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Number of bytes the two spans share.
    pub fn intersection(&self, other: Span) -> usize {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        end.saturating_sub(start)
    }

    /// The smallest span covering both.
    pub fn cover(&self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The text of the span, or `""` when it does not fit `text`.
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// Errors met while reading an actors file (see [`ActorList`] for the format).
#[derive(Debug, thiserror::Error)]
pub enum ActorFileError {
    /// The file could not be read.
    #[error("cannot read actors file {path}: {source}")]
    Io {
        /// The file that was asked for.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A line has `=` (or `|`) but no canonical name before it.
    #[error("{origin}:{line}:{column}: expected an actor name before '='")]
    MissingName {
        /// File name or other origin of the text.
        origin: String,
        /// 1-based line number.
        line: usize,
        /// 1-based column (in characters) of the problem.
        column: usize,
    },
    /// An alias between `=` / `|` separators is empty.
    #[error("{origin}:{line}:{column}: expected an alias after '{after}'")]
    EmptyAlias {
        /// File name or other origin of the text.
        origin: String,
        /// 1-based line number.
        line: usize,
        /// 1-based column (in characters) of the separator that is not followed by an alias.
        column: usize,
        /// The separator (`=` or `|`).
        after: char,
    },
    /// A line holds a second `=`.
    #[error("{origin}:{line}:{column}: expected '|' between aliases, found a second '='")]
    SecondEquals {
        /// File name or other origin of the text.
        origin: String,
        /// 1-based line number.
        line: usize,
        /// 1-based column (in characters) of the second `=`.
        column: usize,
    },
    /// A name or alias is already used by another actor of the file.
    #[error("{origin}:{line}:{column}: '{name}' is already given to actor '{owner}' (line {owner_line}); expected each name once")]
    Duplicate {
        /// File name or other origin of the text.
        origin: String,
        /// 1-based line number of the repeated name.
        line: usize,
        /// 1-based column (in characters) where the repeated name starts.
        column: usize,
        /// The repeated name or alias.
        name: String,
        /// Canonical name of the actor that already has it.
        owner: String,
        /// Line on which that actor was declared.
        owner_line: usize,
    },
}

/// One actor given by the user: a canonical name and its aliases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownActor {
    /// Canonical name, used in every output.
    pub name: String,
    /// Other ways the article may name the actor (matched case-insensitively on word bounds).
    pub aliases: Vec<String>,
}

/// Actors given by the user (for example with `--actors FILE`): canonical names and aliases.
///
/// # Text format
/// One actor per line, `Canonical Name = alias 1 | alias 2`:
/// ```text
/// # actors of the seed article
/// NYPD = New York City police officers | NYPD officers | police officers
/// Zohran Mamdani = Mamdani | the mayor-elect
/// Donald Trump
/// ```
/// The part before `=` is the canonical name, aliases are separated by `|`, surrounding
/// spaces are ignored, `= …` may be left out. `#` starts a comment (a whole line, or the rest
/// of a line when preceded by a space); blank lines are ignored. Names match the article
/// case-insensitively on word boundaries, the longest match first; a found actor whose name
/// equals a listed name or alias is merged into the listed actor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActorList {
    /// The actors, in file order.
    pub actors: Vec<KnownActor>,
    /// When true, statements are paired only with the listed actors (`--only-listed-actors`):
    /// actors found in the text may still be speakers, but no row is about them.
    pub only_listed: bool,
}

impl ActorList {
    /// An empty list: every actor will be found from the text alone.
    pub fn new() -> Self {
        ActorList::default()
    }

    /// Reads an actors file in the format documented on [`ActorList`].
    pub fn from_file(path: &Path) -> Result<ActorList, ActorFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ActorFileError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        ActorList::parse(&text, &path.display().to_string())
    }

    /// Parses actors text; `origin` names it in errors (usually the file name).
    pub fn parse(text: &str, origin: &str) -> Result<ActorList, ActorFileError> {
        super::actor_list::parse_actor_list(text, origin)
    }

    /// Adds one actor (no check for repeated names).
    pub fn push(&mut self, name: &str, aliases: &[&str]) {
        self.actors.push(KnownActor {
            name: name.to_string(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        });
    }

    /// The same list, pairing statements only with its actors (see [`ActorList::only_listed`]).
    pub fn restricted(self) -> Self {
        ActorList {
            only_listed: true,
            ..self
        }
    }

    /// True when `name` is the canonical name of a listed actor.
    pub fn lists(&self, name: &str) -> bool {
        self.actors.iter().any(|a| a.name == name)
    }

    /// True when no actor is listed.
    pub fn is_empty(&self) -> bool {
        self.actors.is_empty()
    }
}

/// An actor of the analysed article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Actor {
    /// Canonical name: the listed name for a listed actor, the acronym for an acronym defined
    /// in parentheses (`Immigration and Customs Enforcement (ICE)` gives `ICE`), else the
    /// longest form of the name (without title) found in the article.
    pub name: String,
    /// Other names of the actor: listed aliases and the forms met in the article.
    pub aliases: Vec<String>,
    /// Where the article names or describes the actor (`Trump`, `ICE’s` without `’s`,
    /// `the president`), in text order. Pronouns are not listed.
    pub mentions: Vec<Span>,
}

/// How a statement is given in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Words between quote marks that form a clause (or more than four words).
    Direct,
    /// A short quoted phrase (at most four words, not a clause), e.g. calling him a “communist”.
    Scare,
    /// A sentence with a speech or attitude cue and no quote marks.
    Reported,
}

/// A quote or reported statement and who said it about whom.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    /// 1-based number, in text order.
    pub id: usize,
    /// The quoted words inside the marks (punctuation inside the marks included; for a quote
    /// over several paragraphs everything from the first opening mark to the last closing
    /// mark, exclusive), or the reported clause.
    pub span: Span,
    /// Exactly `&text[span.start..span.end]`.
    pub text: String,
    /// Direct, scare or reported.
    pub kind: QuoteKind,
    /// The sentence(s) holding the quote, with the attribution (a neighbouring sentence when
    /// the speaker was found there).
    pub context: Span,
    /// Exactly `&text[context.start..context.end]`.
    pub context_text: String,
    /// Canonical name of the speaker, `None` when unknown.
    pub speaker: Option<String>,
    /// How sure the attribution is, from 0 to 1 (0 when `speaker` is `None`).
    pub speaker_confidence: f64,
    /// Canonical names of the actors the statement concerns, deduplicated, in text order; the
    /// speaker is left out unless the quote itself names them.
    pub actors: Vec<String>,
}

/// Everything found in one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// Actors mentioned in the article, in order of first mention.
    pub actors: Vec<Actor>,
    /// Quotes and reported statements, in text order.
    pub quotes: Vec<Quote>,
}

impl Analysis {
    /// The actor with this canonical name, if any.
    pub fn actor(&self, name: &str) -> Option<&Actor> {
        self.actors.iter().find(|a| a.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_helpers() {
        let a = Span::new(2, 6);
        assert_eq!(a.len(), 4);
        assert_eq!(a.intersection(Span::new(4, 10)), 2);
        assert_eq!(a.intersection(Span::new(7, 10)), 0);
        assert_eq!(a.cover(Span::new(8, 9)), Span::new(2, 9));
        assert_eq!(Span::new(5, 3).len(), 0);
        assert_eq!(Span::new(0, 99).slice("abc"), "");
    }
}
