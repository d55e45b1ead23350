//! Article analysis: the stage that turns a news article into statements, speakers and actors.
//!
//! Given the raw text of an article (curly or straight quotes, CRLF or LF line ends, an
//! optional byte-order mark, paragraphs of any length), [`analyse`] finds:
//!
//! 1. **Sentences and words** ([`segment`]): paragraphs are lines; sentences are split at
//!    `.`, `!`, `?` (also when a closing quote mark follows) but not after abbreviations such
//!    as `Sen.`, `Gov.`, `Dr.`, `U.S.`, `Jan.` or single initials.
//! 2. **Quotes** ([`quotes`]): text between paired marks (`“…”`, `"…"`, `‘…’`), nested single
//!    quotes staying inside their double quote, quotes running over several sentences and over
//!    several paragraphs (a paragraph that ends inside a quote and a next paragraph that opens
//!    with a new mark form one quote). A quote of at most four words that is not a clause is a
//!    [`QuoteKind::Scare`] quote, any other is [`QuoteKind::Direct`].
//! 3. **Reported speech** ([`quotes`]): a sentence holding a speech or attitude cue (`said`,
//!    `warned`, `vowed`, `criticized`, …) and *no* quote at all is a [`QuoteKind::Reported`]
//!    statement whose span is the reported clause (what follows the cue and an optional
//!    `that`, or, for a trailing `…, the company announced`, what precedes the attribution).
//!    **A sentence holding a quote of any kind yields only its quotes**: in
//!    `Mamdani has criticized ICE as a “rogue agency” and vowed to resist …` the scare quote
//!    `rogue agency` is the statement and the whole sentence is its context, so the stance
//!    model still sees the reported part.
//! 4. **Actors** ([`actors`]): actors from the user's [`ActorList`] (matched by name or alias,
//!    longest match first) and actors found without a list: capitalised name sequences with
//!    titles stripped, acronyms defined in parentheses, surnames and short forms linked to the
//!    full name, possessives, and descriptions such as `the president` or `the union`
//!    ([`coref`] also resolves third-person pronouns).
//! 5. **Speakers** ([`speakers`]): the subject of the cue verb in the quote's sentence, else the
//!    speaker of the previous quote in the paragraph or a neighbouring sentence, with a
//!    confidence; `None` when nothing fits.
//! 6. **Targets** ([`targets`]): the actors each statement concerns.
//!
//! All offsets are **byte offsets into the text exactly as given** (a BOM included), always
//! on `char` boundaries, so `&text[span.start..span.end]` is valid.

pub mod actors;
pub mod coref;
pub mod quotes;
pub mod segment;
pub mod speakers;
pub mod targets;

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
        actors::parse_actor_list(text, origin)
    }

    /// Adds one actor (no check for repeated names).
    pub fn push(&mut self, name: &str, aliases: &[&str]) {
        self.actors.push(KnownActor {
            name: name.to_string(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        });
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

/// Analyses one article: quotes, reported statements, actors, speakers and targets.
///
/// Never panics, whatever the input; an empty or quote-free text gives empty lists.
pub fn analyse(text: &str, known: &ActorList) -> Analysis {
    let doc = segment::Document::new(text);
    let raw_quotes = quotes::find_quotes(&doc);
    let mut found = actors::find_actors(&doc, known, &raw_quotes);
    coref::resolve(&doc, &mut found, &raw_quotes);
    let attributed = speakers::attribute(&doc, &found, &raw_quotes);
    let mut out = Vec::with_capacity(attributed.len());
    for (index, statement) in attributed.into_iter().enumerate() {
        let concerned = targets::concerned_actors(&found, &statement);
        let speaker = statement.speaker.map(|a| found.actors[a].name.clone());
        out.push(Quote {
            id: index + 1,
            span: statement.quote.span,
            text: statement.quote.span.slice(text).to_string(),
            kind: statement.quote.kind,
            context: statement.context,
            context_text: statement.context.slice(text).to_string(),
            speaker_confidence: if speaker.is_some() {
                statement.confidence
            } else {
                0.0
            },
            speaker,
            actors: concerned
                .into_iter()
                .map(|a| found.actors[a].name.clone())
                .collect(),
        });
    }
    Analysis {
        actors: found.public_actors(),
        quotes: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../seeds/ice-nypd-mamdani.txt");

    fn quote_with<'a>(analysis: &'a Analysis, words: &str) -> &'a Quote {
        match analysis.quotes.iter().find(|q| q.text.contains(words)) {
            Some(q) => q,
            None => panic!("no quote with {words:?} in {:#?}", analysis.quotes),
        }
    }

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

    #[test]
    fn seed_communist_is_trump_about_mamdani() {
        let analysis = analyse(SEED, &ActorList::new());
        let quote = quote_with(&analysis, "communist");
        assert_eq!(quote.kind, QuoteKind::Scare);
        assert_eq!(quote.speaker.as_deref(), Some("Donald Trump"));
        assert!(quote.actors.contains(&"Zohran Mamdani".to_string()));
        assert!(!quote.actors.contains(&"Donald Trump".to_string()));
    }

    #[test]
    fn seed_rogue_agency_is_mamdani_about_ice() {
        let analysis = analyse(SEED, &ActorList::new());
        let quote = quote_with(&analysis, "rogue agency");
        assert_eq!(quote.speaker.as_deref(), Some("Zohran Mamdani"));
        assert!(quote.actors.contains(&"ICE".to_string()));
        let ice = analysis.actor("ICE").expect("ICE is an actor");
        assert!(ice
            .aliases
            .contains(&"Immigration and Customs Enforcement".to_string()));
    }

    #[test]
    fn seed_agency_that_respects_you_is_ice_about_nypd() {
        let analysis = analyse(SEED, &ActorList::new());
        let quote = quote_with(&analysis, "an agency that respects you");
        assert_eq!(quote.kind, QuoteKind::Direct);
        assert_eq!(quote.speaker.as_deref(), Some("ICE"));
        assert!(quote.actors.contains(&"NYPD".to_string()));
        assert!(!quote.actors.contains(&"ICE".to_string()));
    }

    #[test]
    fn seed_agency_with_actor_file_merges_nypd() {
        let list = ActorList::parse(
            "NYPD = New York City police officers | NYPD officers",
            "test",
        )
        .expect("valid list");
        let analysis = analyse(SEED, &list);
        let quote = quote_with(&analysis, "an agency that respects you");
        assert_eq!(quote.speaker.as_deref(), Some("ICE"));
        assert!(quote.actors.contains(&"NYPD".to_string()));
        let nypd = analysis.actor("NYPD").expect("NYPD is an actor");
        // "New York City police officers" in the first sentence is NYPD, not the city.
        let first = SEED.find("New York City police officers").unwrap_or(0);
        assert!(nypd.mentions.iter().any(|m| m.start == first));
        assert_eq!(
            analysis.actors.iter().filter(|a| a.name == "NYPD").count(),
            1
        );
    }

    #[test]
    fn seed_same_standard_is_mamdani() {
        let analysis = analyse(SEED, &ActorList::new());
        let quote = quote_with(
            &analysis,
            "everyone will be held to the same standard of the law",
        );
        assert_eq!(quote.kind, QuoteKind::Direct);
        assert_eq!(quote.speaker.as_deref(), Some("Zohran Mamdani"));
    }

    #[test]
    fn seed_reported_cost_of_living_is_mamdani_about_trump() {
        let analysis = analyse(SEED, &ActorList::new());
        let quote = quote_with(&analysis, "he is willing to work with the president");
        assert_eq!(quote.kind, QuoteKind::Reported);
        assert_eq!(quote.speaker.as_deref(), Some("Zohran Mamdani"));
        assert!(quote.actors.contains(&"Donald Trump".to_string()));
        assert!(quote
            .context_text
            .starts_with("Despite their sharp differences"));
    }

    #[test]
    fn seed_offsets_match_text() {
        let analysis = analyse(SEED, &ActorList::new());
        assert!(!analysis.quotes.is_empty());
        for (i, quote) in analysis.quotes.iter().enumerate() {
            assert_eq!(quote.id, i + 1);
            assert_eq!(&SEED[quote.span.start..quote.span.end], quote.text);
            assert_eq!(
                &SEED[quote.context.start..quote.context.end],
                quote.context_text
            );
            assert!(quote.context.contains(quote.span));
        }
        for actor in &analysis.actors {
            assert!(!actor.mentions.is_empty());
        }
        let trump = analysis.actor("Donald Trump").expect("Trump is an actor");
        assert!(trump.mentions.len() >= 3);
    }

    #[test]
    fn analysis_serializes() {
        let analysis = analyse("“We won,” Ann Lee said.", &ActorList::new());
        let json = serde_json::to_string(&analysis).expect("serializes");
        assert!(json.contains("\"kind\":\"direct\""));
    }

    fn check_invariants(text: &str) {
        let analysis = analyse(text, &ActorList::new());
        for quote in &analysis.quotes {
            assert!(text.get(quote.span.start..quote.span.end).is_some());
            assert!(text.get(quote.context.start..quote.context.end).is_some());
            assert!((0.0..=1.0).contains(&quote.speaker_confidence));
        }
        for actor in &analysis.actors {
            for m in &actor.mentions {
                assert!(text.get(m.start..m.end).is_some());
            }
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        let long_line = "word “quote” Ann said. ".repeat(4200); // about 100k characters, one line
        let odd = [
            "",
            " ",
            "\u{feff}",
            "\u{feff}“",
            "“",
            "”",
            "\"",
            "'",
            "‘",
            "’",
            "“”",
            "\"\"",
            "   \n\n\r\n\t  ",
            "“unclosed quote, she said.",
            "closed” without opening, he said.",
            "\u{feff}“Hello,” said Ann Lee.\r\nShe said it again.\r\n",
            "Mr. . . . Dr. Sen. U.S. (ICE) ( ) (",
            "The (X) said (). A (B) c.",
            "He said she said they said it said.",
            "ÉÉÉ “ÉÉ” ÉÉ said “ü”. 東京 said “東京”.",
            &long_line,
            &"a".repeat(100_000),
            &"“".repeat(1000),
            &"’s ".repeat(1000),
        ];
        for text in odd {
            check_invariants(text);
        }
    }

    #[test]
    fn never_panics_with_multibyte_at_every_position() {
        let base = "Mayor Ann Lee said “we’ll win.” She (AL) told ICE’s chief: \"No.\"\r\n";
        let inserts = ["é", "“", "’", "東", "\u{feff}", "😀"];
        let mut cuts: Vec<usize> = base.char_indices().map(|(i, _)| i).collect();
        cuts.push(base.len());
        for insert in inserts {
            for &cut in &cuts {
                let mut text = String::from(&base[..cut]);
                text.push_str(insert);
                text.push_str(&base[cut..]);
                check_invariants(&text);
            }
        }
    }
}
