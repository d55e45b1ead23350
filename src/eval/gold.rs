//! Gold annotations: hand-made quotes, speakers and actor stances, the reference extraction
//! metrics compare the article stage with.
//!
//! Two formats are read, told apart per file by their fields; both become one [`GoldArticle`]
//! whose spans are **byte** offsets into the article, as everywhere in the crate.
//!
//! **The project's format** (`tests/gold/README.md` gives the annotation rules):
//! ```json
//! {"article": "NAME.txt",
//!  "quotes": [{"start": 10, "end": 25, "text": "exact text of the span", "speaker": "Canonical or null",
//!              "kind": "direct",
//!              "actors": [{"actor": "Canonical", "stance": "favor", "sentiment": "negative"}]}]}
//! ```
//! Offsets are byte offsets into the article file as stored (BOM and CR included). `kind`
//! (`direct`, `partial` or `indirect`) is optional: a span with a quote mark right before and
//! right after it is `direct`, any other `indirect`.
//!
//! **PolNeAR's format** (a file is read as PolNeAR's when a quote has `segments` or
//! `start_byte`, or the file has `other_quote_runs`): quotes carry `kind`, **character**
//! offsets `start`/`end` (checked against `start_byte`/`end_byte` when given), `segments`
//! (the character ranges the unit is made of, when an insertion such as `, however,` is not
//! part of it), `speaker`, `speaker_mention`, `speaker_from` and `cue`; `other_quote_runs` are
//! quote-mark spans outside every attribution (scare quotes, titles).
//!
//! The article is looked for beside the gold file, else in `../articles/` (PolNeAR's layout,
//! `gold/ID.gold.json` and `articles/ID.txt`). The loader checks each `text` against the
//! article at its offsets and never panics on a malformed file: every problem is a
//! [`GoldError`] naming the file (and for JSON, the line and column).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

use crate::article::Span;

/// Stance of a statement toward an actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    /// Supports the actor.
    Favor,
    /// Opposes the actor.
    Against,
    /// Neither.
    Neutral,
}

/// Tone of a statement toward an actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sentiment {
    /// Positive wording.
    Positive,
    /// Negative wording.
    Negative,
    /// Neutral wording.
    Neutral,
}

/// How a gold statement is given in the text (PolNeAR's three kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GoldKind {
    /// The whole statement between double quote marks.
    Direct,
    /// The quoted part of a statement whose content also holds unquoted words.
    Partial,
    /// Reported speech, without quote marks.
    Indirect,
}

impl GoldKind {
    /// The name used in the formats and reports.
    pub fn name(self) -> &'static str {
        match self {
            GoldKind::Direct => "direct",
            GoldKind::Partial => "partial",
            GoldKind::Indirect => "indirect",
        }
    }
}

/// Which format a gold file was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GoldFormat {
    /// The project's own: byte offsets, actors with stances.
    Stance,
    /// PolNeAR's: character offsets, kinds, segments, speaker mentions, other quote runs.
    Polnear,
}

/// One actor a gold statement concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldActor {
    /// Canonical actor name.
    pub actor: String,
    /// Stance of the statement toward the actor.
    pub stance: Stance,
    /// Sentiment of the statement toward the actor.
    pub sentiment: Sentiment,
}

/// One gold statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldQuote {
    /// The statement's extent, in bytes.
    pub span: Span,
    /// The byte ranges that make up the statement (just `span` unless words inside it are left
    /// out).
    pub segments: Vec<Span>,
    /// The text at `span`.
    pub text: String,
    /// Direct, partial or indirect.
    pub kind: GoldKind,
    /// Canonical speaker name, `None` when unknown.
    pub speaker: Option<String>,
    /// How the text names the speaker (`he`, `the newspaper`), when annotated.
    pub speaker_mention: Option<String>,
    /// Where `speaker` came from (PolNeAR: `mention`, `coref`, `relative`), when annotated.
    pub speaker_from: Option<String>,
    /// The cue word (`said`, `according to`), when annotated.
    pub cue: Option<String>,
    /// Actors the statement concerns (the speaker never among them unless it names itself).
    pub actors: Vec<GoldActor>,
}

/// A gold-annotated article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldArticle {
    /// The article's name: its file name without extension (what `stance predict` output and
    /// the field's scorer use to pair predictions with gold).
    pub id: String,
    /// The article file that was read.
    pub article: PathBuf,
    /// The format of the gold file.
    pub format: GoldFormat,
    /// The article text, exactly as stored.
    pub text: String,
    /// The statements, in text order.
    pub quotes: Vec<GoldQuote>,
    /// Quote-mark spans that are part of no statement (scare quotes, titles), in bytes.
    pub other_quote_runs: Vec<Span>,
}

/// Which part of a gold file a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoldItem {
    /// The quote at this 0-based index.
    Quote(usize),
    /// The other quote run at this 0-based index.
    OtherRun(usize),
}

impl std::fmt::Display for GoldItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GoldItem::Quote(i) => write!(f, "quote {i}"),
            GoldItem::OtherRun(i) => write!(f, "other quote run {i}"),
        }
    }
}

/// Errors met while loading gold annotations.
#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The article named by a gold file is neither beside it nor in `../articles/`.
    #[error("{path}: article {article:?} not found (looked in {tried:?})")]
    ArticleMissing {
        /// The gold file.
        path: PathBuf,
        /// The `article` field.
        article: String,
        /// The places looked in.
        tried: Vec<PathBuf>,
    },
    /// The JSON does not have the documented shape.
    #[error("{path}: invalid gold JSON at line {line}, column {column}: {message}")]
    Json {
        /// The gold file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What serde_json expected.
        message: String,
    },
    /// Offsets do not fit the article (outside it, reversed or inside a character).
    #[error(
        "{path}: {item} has offsets {start}..{end}, expected a range of {unit} within 0..{len}"
    )]
    BadOffsets {
        /// The gold file.
        path: PathBuf,
        /// Where in the file.
        item: GoldItem,
        /// The given start.
        start: usize,
        /// The given end.
        end: usize,
        /// `bytes on character boundaries` or `characters`.
        unit: &'static str,
        /// Article length in that unit.
        len: usize,
    },
    /// A PolNeAR quote's byte offsets are not its character offsets.
    #[error("{path}: {item} has byte offsets {start_byte}..{end_byte}, but its characters start..end are bytes {expected_start}..{expected_end}")]
    ByteOffsetsDisagree {
        /// The gold file.
        path: PathBuf,
        /// Where in the file.
        item: GoldItem,
        /// The given `start_byte`.
        start_byte: usize,
        /// The given `end_byte`.
        end_byte: usize,
        /// The byte offset of `start`.
        expected_start: usize,
        /// The byte offset of `end`.
        expected_end: usize,
    },
    /// A quote's `text` is not the article's text at its offsets.
    #[error(
        "{path}: {item} text {expected:?} differs from the article's {found:?} at {start}..{end}"
    )]
    TextMismatch {
        /// The gold file.
        path: PathBuf,
        /// Where in the file.
        item: GoldItem,
        /// The given start.
        start: usize,
        /// The given end.
        end: usize,
        /// The `text` of the gold file.
        expected: String,
        /// The text of the article there.
        found: String,
    },
}

/// A quote in the project's format.
#[derive(Deserialize)]
struct StanceQuoteJson {
    start: usize,
    end: usize,
    text: String,
    speaker: Option<String>,
    #[serde(default)]
    kind: Option<GoldKind>,
    #[serde(default)]
    actors: Vec<GoldActor>,
}

/// A file in the project's format.
#[derive(Deserialize)]
struct StanceFileJson {
    article: String,
    quotes: Vec<StanceQuoteJson>,
}

/// A quote in PolNeAR's format (offsets in characters).
#[derive(Deserialize)]
struct PolnearQuoteJson {
    kind: GoldKind,
    start: usize,
    end: usize,
    start_byte: Option<usize>,
    end_byte: Option<usize>,
    segments: Option<Vec<(usize, usize)>>,
    text: String,
    speaker: Option<String>,
    speaker_mention: Option<String>,
    speaker_from: Option<String>,
    cue: Option<String>,
    #[serde(default)]
    actors: Vec<GoldActor>,
}

/// A quote-mark span outside every attribution, in PolNeAR's format.
#[derive(Deserialize)]
struct PolnearRunJson {
    start: usize,
    end: usize,
    text: Option<String>,
}

/// A file in PolNeAR's format.
#[derive(Deserialize)]
struct PolnearFileJson {
    article: String,
    quotes: Vec<PolnearQuoteJson>,
    #[serde(default)]
    other_quote_runs: Vec<PolnearRunJson>,
}

/// Quote marks that open or close a direct quote in the project's format.
const QUOTE_MARKS: &[char] = &['"', '“', '”', '‘', '’', '\'', '«', '»', '`'];

impl GoldArticle {
    /// Loads a gold file in either format and its article, checking every offset and text.
    pub fn load(path: &Path) -> Result<GoldArticle, GoldError> {
        let json = read(path)?;
        let json_error = |e: serde_json::Error| GoldError::Json {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        let value: serde_json::Value = serde_json::from_str(&json).map_err(json_error)?;
        if is_polnear(&value) {
            let file: PolnearFileJson = serde_json::from_str(&json).map_err(json_error)?;
            let (article, text) = read_article(path, &file.article)?;
            GoldArticle::from_polnear(path, file, article, text)
        } else {
            let file: StanceFileJson = serde_json::from_str(&json).map_err(json_error)?;
            let (article, text) = read_article(path, &file.article)?;
            GoldArticle::from_stance(path, file, article, text)
        }
    }

    fn from_stance(
        path: &Path,
        file: StanceFileJson,
        article: PathBuf,
        text: String,
    ) -> Result<GoldArticle, GoldError> {
        let mut quotes = Vec::with_capacity(file.quotes.len());
        for (i, q) in file.quotes.into_iter().enumerate() {
            let item = GoldItem::Quote(i);
            let span = Span::new(q.start, q.end);
            let Some(found) = text.get(q.start..q.end).filter(|_| q.start <= q.end) else {
                return Err(GoldError::BadOffsets {
                    path: path.to_path_buf(),
                    item,
                    start: q.start,
                    end: q.end,
                    unit: "bytes on character boundaries",
                    len: text.len(),
                });
            };
            check_text(path, item, span, &q.text, found)?;
            let marked =
                text[..q.start].ends_with(QUOTE_MARKS) && text[q.end..].starts_with(QUOTE_MARKS);
            let inferred = if marked {
                GoldKind::Direct
            } else {
                GoldKind::Indirect
            };
            quotes.push(GoldQuote {
                span,
                segments: vec![span],
                text: q.text,
                kind: q.kind.unwrap_or(inferred),
                speaker: q.speaker,
                speaker_mention: None,
                speaker_from: None,
                cue: None,
                actors: q.actors,
            });
        }
        Ok(GoldArticle {
            id: article_id(&file.article),
            article,
            format: GoldFormat::Stance,
            text,
            quotes,
            other_quote_runs: Vec::new(),
        })
    }

    fn from_polnear(
        path: &Path,
        file: PolnearFileJson,
        article: PathBuf,
        text: String,
    ) -> Result<GoldArticle, GoldError> {
        // Byte offset of each character, and of the end.
        let bytes: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(text.len()))
            .collect();
        let to_bytes =
            |item: GoldItem, start: usize, end: usize| match (bytes.get(start), bytes.get(end)) {
                (Some(&s), Some(&e)) if start <= end => Ok(Span::new(s, e)),
                _ => Err(GoldError::BadOffsets {
                    path: path.to_path_buf(),
                    item,
                    start,
                    end,
                    unit: "characters",
                    len: bytes.len() - 1,
                }),
            };
        let mut quotes = Vec::with_capacity(file.quotes.len());
        for (i, q) in file.quotes.into_iter().enumerate() {
            let item = GoldItem::Quote(i);
            let span = to_bytes(item, q.start, q.end)?;
            if let (Some(start_byte), Some(end_byte)) = (q.start_byte, q.end_byte) {
                if (start_byte, end_byte) != (span.start, span.end) {
                    return Err(GoldError::ByteOffsetsDisagree {
                        path: path.to_path_buf(),
                        item,
                        start_byte,
                        end_byte,
                        expected_start: span.start,
                        expected_end: span.end,
                    });
                }
            }
            check_text(path, item, span, &q.text, span.slice(&text))?;
            let segments = match q.segments {
                Some(segments) => segments
                    .into_iter()
                    .map(|(s, e)| to_bytes(item, s, e))
                    .collect::<Result<Vec<_>, _>>()?,
                None => vec![span],
            };
            quotes.push(GoldQuote {
                span,
                segments,
                text: q.text,
                kind: q.kind,
                speaker: q.speaker,
                speaker_mention: q.speaker_mention,
                speaker_from: q.speaker_from,
                cue: q.cue,
                actors: q.actors,
            });
        }
        let mut other_quote_runs = Vec::with_capacity(file.other_quote_runs.len());
        for (i, run) in file.other_quote_runs.into_iter().enumerate() {
            let item = GoldItem::OtherRun(i);
            let span = to_bytes(item, run.start, run.end)?;
            if let Some(expected) = &run.text {
                check_text(path, item, span, expected, span.slice(&text))?;
            }
            other_quote_runs.push(span);
        }
        Ok(GoldArticle {
            id: article_id(&file.article),
            article,
            format: GoldFormat::Polnear,
            text,
            quotes,
            other_quote_runs,
        })
    }
}

/// True when the parsed file has a field only PolNeAR's format has.
fn is_polnear(value: &serde_json::Value) -> bool {
    value.get("other_quote_runs").is_some()
        || value
            .get("quotes")
            .and_then(|q| q.as_array())
            .is_some_and(|quotes| {
                quotes
                    .iter()
                    .any(|q| q.get("segments").is_some() || q.get("start_byte").is_some())
            })
}

/// The article name without directory and extension (`a/ID.txt` gives `ID`).
fn article_id(article: &str) -> String {
    let name = article.rsplit(['/', '\\']).next().unwrap_or(article);
    match name.rsplit_once('.') {
        Some((stem, _)) => stem.to_string(),
        None => name.to_string(),
    }
}

fn read(path: &Path) -> Result<String, GoldError> {
    std::fs::read_to_string(path).map_err(|source| GoldError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Finds the article beside the gold file, else in `../articles/`, and reads it.
fn read_article(gold: &Path, article: &str) -> Result<(PathBuf, String), GoldError> {
    let folder = gold.parent().unwrap_or(Path::new("."));
    let tried = vec![
        folder.join(article),
        folder.join("..").join("articles").join(article),
    ];
    match tried.iter().find(|p| p.is_file()) {
        Some(found) => Ok((found.clone(), read(found)?)),
        None => Err(GoldError::ArticleMissing {
            path: gold.to_path_buf(),
            article: article.to_string(),
            tried,
        }),
    }
}

fn check_text(
    path: &Path,
    item: GoldItem,
    span: Span,
    expected: &str,
    found: &str,
) -> Result<(), GoldError> {
    if expected == found {
        return Ok(());
    }
    Err(GoldError::TextMismatch {
        path: path.to_path_buf(),
        item,
        start: span.start,
        end: span.end,
        expected: expected.to_string(),
        found: found.to_string(),
    })
}

/// Loads every `*.gold.json` of a folder, sorted by file name.
pub fn load_dir(dir: &Path) -> Result<Vec<GoldArticle>, GoldError> {
    let entries = std::fs::read_dir(dir).map_err(|source| GoldError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".gold.json"))
        .collect();
    paths.sort();
    paths.iter().map(|p| GoldArticle::load(p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gold")
    }

    /// A temporary folder removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir =
                std::env::temp_dir().join(format!("stance-gold-{name}-{}", std::process::id()));
            std::fs::create_dir_all(dir.join("gold")).expect("temp dir");
            std::fs::create_dir_all(dir.join("articles")).expect("temp dir");
            Scratch(dir)
        }

        fn write(&self, name: &str, text: &str) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, text).expect("write");
            path
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn every_gold_file_loads_and_matches_its_article() {
        let golds = load_dir(&gold_dir()).expect("gold files load");
        assert!(
            golds.len() >= 6,
            "six gold articles expected, found {}",
            golds.len()
        );
        for gold in &golds {
            assert_eq!(gold.format, GoldFormat::Stance);
            for q in &gold.quotes {
                assert_eq!(q.span.slice(&gold.text), q.text);
            }
        }
        assert!(
            golds.iter().any(|g| g.quotes.is_empty()),
            "one article has no quotes"
        );
        assert!(
            golds.iter().any(|g| g.text.starts_with('\u{feff}')),
            "one article has a BOM"
        );
        assert!(
            golds.iter().any(|g| g.text.contains("\r\n")),
            "one article has CRLF"
        );
        let kinds = |k| {
            golds
                .iter()
                .flat_map(|g| &g.quotes)
                .filter(|q| q.kind == k)
                .count()
        };
        assert!(kinds(GoldKind::Direct) > 10 && kinds(GoldKind::Indirect) > 10);
    }

    #[test]
    fn project_format_infers_the_kind_from_quote_marks() {
        let dir = Scratch::new("kind");
        dir.write("gold/a.txt", "Ann said “we win.” Bo said it was late.");
        let path = dir.write(
            "gold/a.gold.json",
            r#"{"article": "a.txt", "quotes": [
                {"start": 12, "end": 19, "text": "we win.", "speaker": "Ann"},
                {"start": 31, "end": 42, "text": "it was late", "speaker": null},
                {"start": 31, "end": 42, "text": "it was late", "speaker": null, "kind": "partial"}]}"#,
        );
        let gold = GoldArticle::load(&path).expect("loads");
        let kinds: Vec<GoldKind> = gold.quotes.iter().map(|q| q.kind).collect();
        assert_eq!(
            kinds,
            [GoldKind::Direct, GoldKind::Indirect, GoldKind::Partial]
        );
        assert_eq!(gold.id, "a");
    }

    #[test]
    fn polnear_format_reads_characters_and_finds_the_article_in_articles() {
        let dir = Scratch::new("polnear");
        // "é" is two bytes: character offsets and byte offsets part after it.
        dir.write("articles/p.txt", "Café owner Lu said “rents, sadly, rise.”");
        let path = dir.write(
            "gold/p.gold.json",
            r#"{"article": "p.txt", "quotes": [
                {"id": "E1", "kind": "direct", "start": 20, "end": 39, "start_byte": 23, "end_byte": 42,
                 "segments": [[20, 25], [34, 39]], "text": "rents, sadly, rise.", "speaker": "Lu",
                 "speaker_mention": "owner Lu", "speaker_from": "mention", "cue": "said"}],
              "other_quote_runs": [{"start": 0, "end": 4, "text": "Café"}]}"#,
        );
        let gold = GoldArticle::load(&path).expect("loads");
        assert_eq!(gold.format, GoldFormat::Polnear);
        let q = &gold.quotes[0];
        assert_eq!(q.span, Span::new(23, 42));
        assert_eq!(q.segments, [Span::new(23, 28), Span::new(37, 42)]);
        assert_eq!(q.speaker_from.as_deref(), Some("mention"));
        assert_eq!(gold.other_quote_runs, [Span::new(0, 5)]);
        assert!(gold.article.ends_with("articles/p.txt"));

        let wrong = dir.write(
            "gold/w.gold.json",
            r#"{"article": "p.txt", "quotes": [
                {"kind": "direct", "start": 20, "end": 39, "start_byte": 20, "end_byte": 39,
                 "text": "rents, sadly, rise.", "speaker": null}]}"#,
        );
        assert!(matches!(
            GoldArticle::load(&wrong).unwrap_err(),
            GoldError::ByteOffsetsDisagree {
                start_byte: 20,
                expected_start: 23,
                ..
            }
        ));
        let outside = dir.write(
            "gold/o.gold.json",
            r#"{"article": "p.txt", "quotes": [], "other_quote_runs": [{"start": 30, "end": 90}]}"#,
        );
        assert!(matches!(
            GoldArticle::load(&outside).unwrap_err(),
            GoldError::BadOffsets {
                item: GoldItem::OtherRun(0),
                end: 90,
                len: 40,
                ..
            }
        ));
        let missing = dir.write(
            "gold/m.gold.json",
            r#"{"article": "none.txt", "quotes": []}"#,
        );
        assert!(matches!(
            GoldArticle::load(&missing).unwrap_err(),
            GoldError::ArticleMissing { .. }
        ));
    }

    #[test]
    fn wrong_text_and_offsets_are_reported() {
        let dir = Scratch::new("text");
        dir.write("gold/a.txt", "abc€");
        let text = dir.write(
            "gold/t.gold.json",
            r#"{"article": "a.txt", "quotes": [{"start": 0, "end": 3, "text": "abd", "speaker": null}]}"#,
        );
        assert!(matches!(
            GoldArticle::load(&text).unwrap_err(),
            GoldError::TextMismatch {
                item: GoldItem::Quote(0),
                ..
            }
        ));
        let inside = dir.write(
            "gold/i.gold.json",
            r#"{"article": "a.txt", "quotes": [{"start": 0, "end": 4, "text": "abc", "speaker": null}]}"#,
        );
        assert!(matches!(
            GoldArticle::load(&inside).unwrap_err(),
            GoldError::BadOffsets { end: 4, .. }
        ));
        let reversed = dir.write(
            "gold/r.gold.json",
            r#"{"article": "a.txt", "quotes": [{"start": 3, "end": 1, "text": "", "speaker": null}]}"#,
        );
        assert!(matches!(
            GoldArticle::load(&reversed).unwrap_err(),
            GoldError::BadOffsets { start: 3, .. }
        ));
    }

    #[test]
    fn json_errors_name_the_place() {
        let dir = Scratch::new("json");
        let path = dir.write(
            "gold/x.gold.json",
            "{\"article\": \"x.txt\",\n \"quotes\": 3}",
        );
        let err = GoldArticle::load(&path).unwrap_err();
        assert!(matches!(err, GoldError::Json { line: 2, .. }), "{err}");
        let path = dir.write(
            "gold/y.gold.json",
            "{\"article\": \"x.txt\", \"other_quote_runs\": [],\n \"quotes\": [{\"kind\": \"quoted\"}]}",
        );
        let err = GoldArticle::load(&path).unwrap_err();
        assert!(matches!(err, GoldError::Json { line: 2, .. }), "{err}");
        let path = dir.write("gold/z.gold.json", "{\"article\": ");
        assert!(matches!(
            GoldArticle::load(&path).unwrap_err(),
            GoldError::Json { line: 1, .. }
        ));
    }
}
