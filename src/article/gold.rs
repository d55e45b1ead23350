//! Gold annotations: hand-made quotes, speakers and actor stances for extraction metrics.
//!
//! A gold file `NAME.gold.json` sits beside its article `NAME.txt` (see
//! `tests/gold/README.md` for the annotation rules):
//! ```json
//! {"article": "NAME.txt",
//!  "quotes": [{"start": 10, "end": 25, "text": "exact text of the span", "speaker": "Canonical or null",
//!              "actors": [{"actor": "Canonical", "stance": "favor", "sentiment": "negative"}]}]}
//! ```
//! Offsets are byte offsets into the article file as stored (BOM and CR included). The
//! loader checks each `text` against the article at its offsets.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldQuote {
    /// First byte of the span.
    pub start: usize,
    /// One past the last byte of the span.
    pub end: usize,
    /// The text at `start..end`.
    pub text: String,
    /// Canonical speaker name, `null` when the article does not say.
    pub speaker: Option<String>,
    /// Actors the statement concerns (the speaker never among them unless it names itself).
    #[serde(default)]
    pub actors: Vec<GoldActor>,
}

/// A gold-annotated article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldArticle {
    /// File name of the article, relative to the gold file.
    pub article: String,
    /// The statements, in text order.
    pub quotes: Vec<GoldQuote>,
    /// The article text (read by the loader, not part of the JSON).
    #[serde(skip)]
    pub text: String,
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
    /// A quote's offsets do not fit the article (outside it, reversed or inside a character).
    #[error("{path}: quote {quote} has offsets {start}..{end}, expected a range on character boundaries within 0..{len}")]
    BadOffsets {
        /// The gold file.
        path: PathBuf,
        /// 0-based index of the quote in the file.
        quote: usize,
        /// The given start.
        start: usize,
        /// The given end.
        end: usize,
        /// Article length in bytes.
        len: usize,
    },
    /// A quote's `text` is not the article's text at its offsets.
    #[error("{path}: quote {quote} text {expected:?} differs from the article's {found:?} at {start}..{end}")]
    TextMismatch {
        /// The gold file.
        path: PathBuf,
        /// 0-based index of the quote in the file.
        quote: usize,
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

impl GoldArticle {
    /// Loads a gold file and its article, checking every quote's offsets and text.
    pub fn load(path: &Path) -> Result<GoldArticle, GoldError> {
        let json = std::fs::read_to_string(path).map_err(|source| GoldError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut gold: GoldArticle = serde_json::from_str(&json).map_err(|e| GoldError::Json {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let article = path.parent().unwrap_or(Path::new(".")).join(&gold.article);
        gold.text = std::fs::read_to_string(&article).map_err(|source| GoldError::Io {
            path: article.clone(),
            source,
        })?;
        gold.validate(path)?;
        Ok(gold)
    }

    /// Checks offsets and texts against `self.text`; `path` names the file in errors.
    pub fn validate(&self, path: &Path) -> Result<(), GoldError> {
        for (i, q) in self.quotes.iter().enumerate() {
            let Some(found) = self.text.get(q.start..q.end) else {
                return Err(GoldError::BadOffsets {
                    path: path.to_path_buf(),
                    quote: i,
                    start: q.start,
                    end: q.end,
                    len: self.text.len(),
                });
            };
            if found != q.text {
                return Err(GoldError::TextMismatch {
                    path: path.to_path_buf(),
                    quote: i,
                    start: q.start,
                    end: q.end,
                    expected: q.text.clone(),
                    found: found.to_string(),
                });
            }
        }
        Ok(())
    }
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

    #[test]
    fn every_gold_file_loads_and_matches_its_article() {
        let golds = load_dir(&gold_dir()).expect("gold files load");
        assert!(
            golds.len() >= 6,
            "six gold articles expected, found {}",
            golds.len()
        );
        for gold in &golds {
            for q in &gold.quotes {
                assert_eq!(&gold.text[q.start..q.end], q.text);
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
    }

    #[test]
    fn wrong_text_is_reported() {
        let gold = GoldArticle {
            article: "a.txt".into(),
            quotes: vec![GoldQuote {
                start: 0,
                end: 3,
                text: "abd".into(),
                speaker: None,
                actors: vec![],
            }],
            text: "abc€".into(),
        };
        let err = gold.validate(Path::new("a.gold.json")).unwrap_err();
        assert!(matches!(err, GoldError::TextMismatch { quote: 0, .. }));
        let gold = GoldArticle {
            quotes: vec![GoldQuote {
                start: 0,
                end: 4,
                text: "abc".into(),
                speaker: None,
                actors: vec![],
            }],
            ..gold
        };
        assert!(matches!(
            gold.validate(Path::new("a")).unwrap_err(),
            GoldError::BadOffsets { end: 4, .. }
        ));
    }

    #[test]
    fn json_errors_name_the_place() {
        let dir = std::env::temp_dir().join(format!("stance-gold-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("x.gold.json");
        std::fs::write(&path, "{\"article\": \"x.txt\",\n \"quotes\": 3}").expect("write");
        let err = GoldArticle::load(&path).unwrap_err();
        assert!(matches!(err, GoldError::Json { line: 2, .. }), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
