//! Who says what about whom across a collection: the scored rows of `predict --format jsonl`
//! in, the speaker → actor stance network out.
//!
//! A [`Summarizer`] streams the JSON lines one at a time and keeps only the tallies: per edge
//! (speaker, actor, and the outlet and ISO week when asked) the rows, the distinct statements,
//! the count of each stance label and the sum of the stance probabilities; per speaker the rows
//! with and without an actor; per week the count of each stance label. [`Summarizer::finish`]
//! turns them into a [`Summary`], sorted and with the share of `against` of each edge and its
//! Wilson score interval.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::Path;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::corpus::TextLines;
use crate::Error;

/// The speaker of rows whose speaker was not found.
pub const UNKNOWN_SPEAKER: &str = "(unknown speaker)";
/// The week of rows without a date.
pub const NO_DATE: &str = "(no date)";
/// The outlet of rows without an outlet.
pub const NO_OUTLET: &str = "(no outlet)";
/// The stance label whose share each edge reports.
pub const AGAINST: &str = "against";
/// The normal quantile of a two-sided 95% interval.
const Z_95: f64 = 1.959_963_984_540_054;

/// What edges are grouped by besides speaker and actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupBy {
    /// The `outlet` field of the row ([`NO_OUTLET`] when absent).
    Outlet,
    /// The ISO week of the `date` field, e.g. `2016-W37` ([`NO_DATE`] when absent).
    Week,
}

impl GroupBy {
    /// The group's column name in the CSV output.
    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Outlet => "outlet",
            GroupBy::Week => "week",
        }
    }
}

/// How to summarise: which groups, and the smallest edge kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryParams {
    group_by: Vec<GroupBy>,
    min_rows: usize,
}

impl Default for SummaryParams {
    fn default() -> Self {
        SummaryParams {
            group_by: Vec::new(),
            min_rows: 1,
        }
    }
}

impl SummaryParams {
    /// Parameters with no grouping and every edge kept.
    pub fn new() -> Self {
        Self::default()
    }

    /// Groups edges by these too (default: none). The order given does not matter: outlet
    /// comes before week, and a group named twice counts once.
    pub fn group_by(mut self, groups: impl IntoIterator<Item = GroupBy>) -> Self {
        let groups: BTreeSet<GroupBy> = groups.into_iter().collect();
        self.group_by = groups.into_iter().collect();
        self
    }

    /// Drops edges with fewer rows than this from the edge list (default 1: keep all); the
    /// totals still count their rows.
    pub fn min_rows(mut self, min_rows: usize) -> Self {
        self.min_rows = min_rows.max(1);
        self
    }
}

/// One line of `predict --format jsonl`: only the fields a summary needs. Other fields
/// (`quote`, `context`, `sentiment`, `explanation`, …) are ignored, not rejected.
#[derive(Debug, Deserialize)]
struct Record {
    article: serde_json::Value,
    quote_id: serde_json::Value,
    #[serde(default)]
    speaker: Option<String>,
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    stance: Option<String>,
    #[serde(default)]
    stance_probability: Option<f64>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    outlet: Option<String>,
}

/// The text of an `article` or `quote_id` field: a string as it is, anything else as JSON.
fn key_text(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    }
}

/// An edge's key: its groups (in [`SummaryParams::group_by`] order), speaker and actor.
type EdgeKey = (Vec<String>, String, String);

/// The running tallies of one edge.
#[derive(Debug, Default)]
struct EdgeTally {
    rows: usize,
    /// The ids of its distinct statements (see [`Summarizer::statements`]).
    statements: FxHashSet<u32>,
    counts: BTreeMap<String, usize>,
    probability_sum: f64,
    probability_rows: usize,
}

/// The running tallies of one speaker.
#[derive(Debug, Default)]
struct SpeakerTally {
    rows: usize,
    without_actor: usize,
    statements: usize,
}

/// Reads scored rows and keeps the tallies of a [`Summary`].
#[derive(Debug, Default)]
pub struct Summarizer {
    params: SummaryParams,
    /// Every distinct (article, quote_id) with a small id, so an edge holds ids, not strings.
    statements: FxHashMap<(String, String), u32>,
    articles: FxHashSet<String>,
    edges: FxHashMap<EdgeKey, EdgeTally>,
    speakers: BTreeMap<String, SpeakerTally>,
    /// Stance counts per ISO week, for rows with a date.
    weeks: BTreeMap<String, BTreeMap<String, usize>>,
    labels: BTreeSet<String>,
    rows: usize,
    without_actor: usize,
    without_speaker: usize,
    without_date: usize,
}

impl Summarizer {
    /// An empty summary.
    pub fn new(params: SummaryParams) -> Self {
        Summarizer {
            params,
            ..Summarizer::default()
        }
    }

    /// Reads JSON lines from `reader`, one scored row a line, blank lines skipped. `path`
    /// names the input in errors. The first bad line stops the reading with an error naming
    /// it; the rows before it stay counted.
    pub fn read(&mut self, reader: impl BufRead, path: &Path) -> Result<(), Error> {
        let mut lines = TextLines::new(reader, path);
        while let Some((line, text)) = lines.next_line()? {
            self.add_line(text, path, line)?;
        }
        Ok(())
    }

    /// Counts one JSON line, line `line` of `path`.
    pub fn add_line(&mut self, text: &str, path: &Path, line: u64) -> Result<(), Error> {
        let record: Record = serde_json::from_str(text).map_err(|err| Error::Csv {
            path: path.to_path_buf(),
            line,
            message: format!(
                "column {}: {}; expected a line of `stance predict --format jsonl`",
                err.column(),
                without_position(&err)
            ),
        })?;
        let week = match record.date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(date) => Some(iso_week(date).ok_or_else(|| Error::InvalidField {
                path: path.to_path_buf(),
                line,
                column: "date".into(),
                value: date.into(),
                expected: "a date YYYY-MM-DD or an RFC 3339 timestamp".into(),
            })?),
        };
        self.add(record, week);
        Ok(())
    }

    fn add(&mut self, record: Record, week: Option<String>) {
        self.rows += 1;
        let speaker = match record.speaker {
            Some(speaker) if !speaker.trim().is_empty() => speaker,
            _ => {
                self.without_speaker += 1;
                UNKNOWN_SPEAKER.to_string()
            }
        };
        let article = key_text(record.article);
        let quote_id = key_text(record.quote_id);
        if !self.articles.contains(&article) {
            self.articles.insert(article.clone());
        }
        let next_id = u32::try_from(self.statements.len()).unwrap_or(u32::MAX);
        let mut new_statement = false;
        let statement = *self
            .statements
            .entry((article, quote_id))
            .or_insert_with(|| {
                new_statement = true;
                next_id
            });
        let speaker_tally = self.speakers.entry(speaker.clone()).or_default();
        speaker_tally.rows += 1;
        if new_statement {
            speaker_tally.statements += 1;
        }
        if week.is_none() {
            self.without_date += 1;
        }
        let Some(actor) = record.actor.filter(|a| !a.trim().is_empty()) else {
            speaker_tally.without_actor += 1;
            self.without_actor += 1;
            return;
        };
        if let Some(label) = &record.stance {
            self.labels.insert(label.clone());
            if let Some(week) = &week {
                *self
                    .weeks
                    .entry(week.clone())
                    .or_default()
                    .entry(label.clone())
                    .or_default() += 1;
            }
        }
        let groups = self
            .params
            .group_by
            .iter()
            .map(|group| match group {
                GroupBy::Outlet => record
                    .outlet
                    .clone()
                    .filter(|o| !o.trim().is_empty())
                    .unwrap_or_else(|| NO_OUTLET.to_string()),
                GroupBy::Week => week.clone().unwrap_or_else(|| NO_DATE.to_string()),
            })
            .collect();
        let edge = self.edges.entry((groups, speaker, actor)).or_default();
        edge.rows += 1;
        edge.statements.insert(statement);
        if let Some(label) = record.stance {
            *edge.counts.entry(label).or_default() += 1;
        }
        if let Some(p) = record.stance_probability {
            edge.probability_sum += p;
            edge.probability_rows += 1;
        }
    }

    /// The summary of every row read: the edges sorted by group, then rows (most first), then
    /// speaker and actor.
    pub fn finish(self) -> Summary {
        let labels: Vec<String> = self.labels.into_iter().collect();
        let all_edges = self.edges.len();
        let mut edges: Vec<Edge> = self
            .edges
            .into_iter()
            .filter(|(_, tally)| tally.rows >= self.params.min_rows)
            .map(|((groups, speaker, actor), tally)| {
                let counts: Vec<usize> = labels
                    .iter()
                    .map(|l| tally.counts.get(l).copied().unwrap_or(0))
                    .collect();
                let labelled: usize = counts.iter().sum();
                let against = tally.counts.get(AGAINST).copied().unwrap_or(0);
                Edge {
                    groups,
                    speaker,
                    actor,
                    rows: tally.rows,
                    statements: tally.statements.len(),
                    counts,
                    share_against: Share::wilson(against, labelled),
                    mean_probability: (tally.probability_rows > 0)
                        .then(|| tally.probability_sum / tally.probability_rows as f64),
                }
            })
            .collect();
        edges.sort_by(|a, b| {
            a.groups
                .cmp(&b.groups)
                .then(b.rows.cmp(&a.rows))
                .then_with(|| a.speaker.cmp(&b.speaker))
                .then_with(|| a.actor.cmp(&b.actor))
        });
        let speakers = self
            .speakers
            .into_iter()
            .map(|(speaker, tally)| SpeakerTotals {
                speaker,
                rows: tally.rows,
                without_actor: tally.without_actor,
                statements: tally.statements,
            })
            .collect();
        let weeks = self
            .weeks
            .into_iter()
            .map(|(week, counts)| WeekCounts {
                week,
                counts: labels
                    .iter()
                    .map(|l| counts.get(l).copied().unwrap_or(0))
                    .collect(),
            })
            .collect();
        Summary {
            group_by: self.params.group_by,
            min_rows: self.params.min_rows,
            totals: Totals {
                rows: self.rows,
                statements: self.statements.len(),
                articles: self.articles.len(),
                without_actor: self.without_actor,
                without_speaker: self.without_speaker,
                without_date: self.without_date,
                edges: all_edges,
            },
            dropped_edges: all_edges - edges.len(),
            labels,
            edges,
            speakers,
            weeks,
        }
    }
}

/// serde_json's message without its " at line L column C" (the line is the file's, not the
/// one serde_json counts within a single line).
fn without_position(err: &serde_json::Error) -> String {
    let message = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    message
        .strip_suffix(&suffix)
        .map(str::to_string)
        .unwrap_or(message)
}

/// The speaker → actor stance network of a collection.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// What the edges are grouped by besides speaker and actor.
    pub group_by: Vec<GroupBy>,
    /// The smallest edge kept.
    pub min_rows: usize,
    /// Every stance label seen, sorted; [`Edge::counts`] and [`WeekCounts::counts`] follow it.
    pub labels: Vec<String>,
    /// The edges with at least `min_rows` rows, sorted by group, rows (most first), speaker,
    /// actor.
    pub edges: Vec<Edge>,
    /// Edges left out for having fewer than `min_rows` rows.
    pub dropped_edges: usize,
    /// Every speaker, sorted by name.
    pub speakers: Vec<SpeakerTotals>,
    /// Stance counts per ISO week, sorted; empty when no row has a date.
    pub weeks: Vec<WeekCounts>,
    /// Counts over every row read.
    pub totals: Totals,
}

/// Counts over every row of a summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// Rows read.
    pub rows: usize,
    /// Distinct statements (article and quote id).
    pub statements: usize,
    /// Distinct articles.
    pub articles: usize,
    /// Rows about no actor: they have no stance and are in no edge.
    pub without_actor: usize,
    /// Rows without a speaker, counted under [`UNKNOWN_SPEAKER`].
    pub without_speaker: usize,
    /// Rows without a date.
    pub without_date: usize,
    /// Edges, before `min_rows` drops any.
    pub edges: usize,
}

/// What one speaker says about one actor (in one outlet or week, when grouped).
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// The outlet and week, as [`Summary::group_by`] lists them.
    pub groups: Vec<String>,
    /// The speaker, or [`UNKNOWN_SPEAKER`].
    pub speaker: String,
    /// The actor.
    pub actor: String,
    /// Rows: (statement, actor) pairs.
    pub rows: usize,
    /// Distinct statements among the rows.
    pub statements: usize,
    /// The rows of each label of [`Summary::labels`].
    pub counts: Vec<usize>,
    /// The share of rows labelled `against`; `None` when no row has a stance label.
    pub share_against: Option<Share>,
    /// The mean of the rows' stance probabilities; `None` when no row has one.
    pub mean_probability: Option<f64>,
}

#[cfg(test)]
impl Edge {
    /// The label most of the edge's rows have, or `None` on a tie or when no row has a label.
    pub fn majority<'a>(&self, labels: &'a [String]) -> Option<&'a str> {
        majority(labels, &self.counts)
    }
}

/// The label with the most rows (`counts` follows `labels`), or `None` on a tie or when every
/// count is 0.
pub fn majority<'a>(labels: &'a [String], counts: &[usize]) -> Option<&'a str> {
    let most = *counts.iter().max()?;
    let mut at_most = labels.iter().zip(counts).filter(|(_, &n)| n == most);
    match (at_most.next(), at_most.next()) {
        (Some((label, _)), None) if most > 0 => Some(label),
        _ => None,
    }
}

/// A proportion with its Wilson score 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share {
    /// k / n.
    pub share: f64,
    /// The interval's lower end.
    pub low: f64,
    /// The interval's upper end.
    pub high: f64,
}

impl Share {
    /// The share `k` of `n` with its Wilson score 95% interval; `None` when `n` is 0.
    ///
    /// Wilson's interval (rather than the normal approximation) stays inside [0, 1] and is
    /// not empty at 0 or n, which matters for the small edges a collection is full of.
    pub fn wilson(k: usize, n: usize) -> Option<Share> {
        if n == 0 {
            return None;
        }
        let (k, n) = (k as f64, n as f64);
        let p = k / n;
        let z2 = Z_95 * Z_95;
        let denominator = 1.0 + z2 / n;
        let centre = (p + z2 / (2.0 * n)) / denominator;
        let half = Z_95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
        Some(Share {
            share: p,
            low: (centre - half).max(0.0),
            high: (centre + half).min(1.0),
        })
    }
}

/// One speaker's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerTotals {
    /// The speaker, or [`UNKNOWN_SPEAKER`].
    pub speaker: String,
    /// Rows.
    pub rows: usize,
    /// Rows about no actor.
    pub without_actor: usize,
    /// Distinct statements.
    pub statements: usize,
}

/// The stance counts of one ISO week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekCounts {
    /// The week, e.g. `2016-W37`.
    pub week: String,
    /// The rows of each label of [`Summary::labels`].
    pub counts: Vec<usize>,
}

impl Summary {
    /// The CSV header: the group columns, speaker, actor, rows, statements, one `n_<label>`
    /// per label, the share of `against` with its interval, and the mean probability.
    pub fn csv_header(&self) -> Vec<String> {
        let mut header: Vec<String> = self.group_by.iter().map(|g| g.name().to_string()).collect();
        header.extend(["speaker", "actor", "rows", "statements"].map(String::from));
        header.extend(self.labels.iter().map(|l| format!("n_{l}")));
        header.extend(
            [
                "share_against",
                "share_against_low",
                "share_against_high",
                "mean_probability",
            ]
            .map(String::from),
        );
        header
    }

    /// The CSV records of the edges, in the order of [`Summary::csv_header`]; a figure that
    /// cannot be computed is empty.
    pub fn csv_records(&self) -> impl Iterator<Item = Vec<String>> + '_ {
        let figure = |x: Option<f64>| x.map(|x| format!("{x:.4}")).unwrap_or_default();
        self.edges.iter().map(move |edge| {
            let mut record = edge.groups.clone();
            record.extend([
                edge.speaker.clone(),
                edge.actor.clone(),
                edge.rows.to_string(),
                edge.statements.to_string(),
            ]);
            record.extend(edge.counts.iter().map(usize::to_string));
            let share = edge.share_against;
            record.extend([
                figure(share.map(|s| s.share)),
                figure(share.map(|s| s.low)),
                figure(share.map(|s| s.high)),
                figure(edge.mean_probability),
            ]);
            record
        })
    }
}

/// The ISO week (`2016-W37`) of a date `YYYY-MM-DD` or an RFC 3339 timestamp, taking the date
/// as written (in the timestamp's own offset, the day the outlet dated it); `None` if it is
/// neither.
pub fn iso_week(text: &str) -> Option<String> {
    let date = if text.len() == 10 {
        Date::parse(text, format_description!("[year]-[month]-[day]")).ok()?
    } else {
        OffsetDateTime::parse(text, &Rfc3339).ok()?.date()
    };
    let (year, week, _) = date.to_iso_week_date();
    Some(format!("{year:04}-W{week:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summarise(params: SummaryParams, lines: &str) -> Result<Summary, Error> {
        let mut summarizer = Summarizer::new(params);
        summarizer.read(lines.as_bytes(), Path::new("rows.jsonl"))?;
        Ok(summarizer.finish())
    }

    fn row(article: &str, quote: &str, speaker: &str, actor: &str, stance: &str) -> String {
        format!(
            r#"{{"article":"{article}","quote_id":"{quote}","speaker":"{speaker}","actor":"{actor}","stance":"{stance}","stance_probability":0.5}}"#
        )
    }

    #[test]
    fn wilson_interval_of_3_in_10() {
        // Reference: Wilson's score interval, (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) /
        // (1 + z²/n) with z = 1.959963984540054, evaluated with Python 3's math module for
        // n = 10, k = 3: 0.10779126740630099 to 0.6032218525388546 (the 0.108–0.603 of the
        // textbook example).
        let share = Share::wilson(3, 10).unwrap();
        assert_eq!(share.share, 0.3);
        assert!(
            (share.low - 0.107_791_267_406_301).abs() < 1e-12,
            "{share:?}"
        );
        assert!(
            (share.high - 0.603_221_852_538_855).abs() < 1e-12,
            "{share:?}"
        );
        assert_eq!(Share::wilson(0, 0), None);
        let none = Share::wilson(0, 5).unwrap();
        assert_eq!(none.low, 0.0);
        assert!(none.high > 0.0);
    }

    #[test]
    fn iso_weeks_across_year_boundaries() {
        for (date, week) in [
            ("2016-09-15", "2016-W37"),
            ("2015-12-31", "2015-W53"),
            ("2016-01-03", "2015-W53"),
            ("2016-01-04", "2016-W01"),
            ("2018-12-31", "2019-W01"),
            ("2020-12-31", "2020-W53"),
            ("2024-02-29", "2024-W09"),
            ("2016-09-15T23:30:00-07:00", "2016-W37"),
            ("2016-09-18T12:00:00.25Z", "2016-W37"),
        ] {
            assert_eq!(iso_week(date).as_deref(), Some(week), "{date}");
        }
        for bad in [
            "2016-9-15",
            "2016-13-01",
            "2023-02-29",
            "15/09/2016",
            "2016-09-15T25:00:00Z",
            "2016-09-15T10:00:00",
            "2016-09-15 extra",
        ] {
            assert_eq!(iso_week(bad), None, "{bad}");
        }
    }

    #[test]
    fn weeks_group_across_a_year_boundary() {
        let lines = [
            r#"{"article":"a","quote_id":"q1","speaker":"Ortiz","actor":"Council","stance":"against","date":"2015-12-31"}"#,
            r#"{"article":"b","quote_id":"q1","speaker":"Ortiz","actor":"Council","stance":"favor","date":"2016-01-03T09:00:00Z"}"#,
            r#"{"article":"c","quote_id":"q1","speaker":"Ortiz","actor":"Council","stance":"against","date":"2016-01-04"}"#,
            r#"{"article":"d","quote_id":"q1","speaker":"Ortiz","actor":"Council","stance":"against"}"#,
        ]
        .join("\n");
        let summary = summarise(SummaryParams::new().group_by([GroupBy::Week]), &lines).unwrap();
        let weeks: Vec<(&str, usize)> = summary
            .edges
            .iter()
            .map(|e| (e.groups[0].as_str(), e.rows))
            .collect();
        assert_eq!(
            weeks,
            [(NO_DATE, 1), ("2015-W53", 2), ("2016-W01", 1)],
            "{summary:#?}"
        );
        assert_eq!(summary.labels, ["against", "favor"]);
        assert_eq!(summary.edges[1].counts, [1, 1]);
        let chart: Vec<&str> = summary.weeks.iter().map(|w| w.week.as_str()).collect();
        assert_eq!(chart, ["2015-W53", "2016-W01"]);
        assert_eq!(summary.totals.without_date, 1);
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let line = r#"{"article":"a","quote_id":"q1","start":3,"end":9,"speaker":"Ortiz","speaker_confidence":0.9,"actor":"Council","quote":"x","context":null,"stance":"favor","stance_probability":0.8,"stance_probabilities":{"favor":0.8,"against":0.2},"sentiment":"positive","explanation":{"terms":[1,2]},"something_new":[true]}"#;
        let summary = summarise(SummaryParams::new(), line).unwrap();
        assert_eq!(summary.edges.len(), 1);
        assert_eq!(summary.edges[0].mean_probability, Some(0.8));
    }

    #[test]
    fn a_bad_line_names_its_line_and_column() {
        let lines = format!(
            "{}\n\n{{\"article\": \"a\", \"quote_id\": }}\n",
            row("a", "q", "S", "A", "favor")
        );
        let err = summarise(SummaryParams::new(), &lines).unwrap_err();
        match &err {
            Error::Csv {
                path,
                line,
                message,
            } => {
                assert_eq!(path, Path::new("rows.jsonl"));
                assert_eq!(*line, 3);
                assert!(message.starts_with("column 30:"), "{message}");
                assert!(!message.contains("line 1"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let missing = summarise(SummaryParams::new(), r#"{"text": "not a scored row"}"#);
        assert!(missing
            .unwrap_err()
            .to_string()
            .contains("missing field `article`"));
    }

    #[test]
    fn a_malformed_date_names_the_value() {
        let line =
            r#"{"article":"a","quote_id":"q","actor":"A","stance":"favor","date":"15/09/2016"}"#;
        let err = summarise(SummaryParams::new(), line)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("rows.jsonl:1:"), "{err}");
        assert!(err.contains("15/09/2016"), "{err}");
    }

    #[test]
    fn rows_without_actor_or_speaker() {
        let lines = [
            row("a", "q1", "Ortiz", "Council", "against"),
            row("a", "q2", "Ortiz", "Council", "favor"),
            row("a", "q2", "Ortiz", "Union", "favor"),
            r#"{"article":"a","quote_id":"q3","speaker":"Ortiz","actor":null}"#.to_string(),
            r#"{"article":"b","quote_id":"q1","speaker":null,"actor":"Union","stance":"against"}"#
                .to_string(),
        ]
        .join("\n");
        let summary = summarise(SummaryParams::new(), &lines).unwrap();
        let edges: Vec<(&str, &str, usize, usize)> = summary
            .edges
            .iter()
            .map(|e| (e.speaker.as_str(), e.actor.as_str(), e.rows, e.statements))
            .collect();
        assert_eq!(
            edges,
            [
                ("Ortiz", "Council", 2, 2),
                (UNKNOWN_SPEAKER, "Union", 1, 1),
                ("Ortiz", "Union", 1, 1),
            ]
        );
        assert_eq!(summary.totals.rows, 5);
        assert_eq!(summary.totals.statements, 4);
        assert_eq!(summary.totals.articles, 2);
        assert_eq!(summary.totals.without_actor, 1);
        assert_eq!(summary.totals.without_speaker, 1);
        let ortiz = &summary
            .speakers
            .iter()
            .find(|s| s.speaker == "Ortiz")
            .unwrap();
        assert_eq!(
            (ortiz.rows, ortiz.without_actor, ortiz.statements),
            (4, 1, 3)
        );
        assert_eq!(summary.edges[0].majority(&summary.labels), None);
        assert_eq!(summary.edges[1].majority(&summary.labels), Some("against"));

        let kept = summarise(SummaryParams::new().min_rows(2), &lines).unwrap();
        assert_eq!(kept.edges.len(), 1);
        assert_eq!(kept.dropped_edges, 2);
        assert_eq!(kept.totals.rows, 5);
    }

    #[test]
    fn csv_columns_follow_the_groups_and_labels() {
        let lines = [
            r#"{"article":"a","quote_id":"q","speaker":"S","actor":"A","stance":"neutral","stance_probability":0.6,"outlet":"Courier"}"#,
            r#"{"article":"b","quote_id":"q","speaker":"S","actor":"A","stance":"against","stance_probability":0.8}"#,
        ]
        .join("\n");
        let params =
            SummaryParams::new().group_by([GroupBy::Week, GroupBy::Outlet, GroupBy::Outlet]);
        let summary = summarise(params, &lines).unwrap();
        assert_eq!(
            summary.csv_header().join(","),
            "outlet,week,speaker,actor,rows,statements,n_against,n_neutral,share_against,\
             share_against_low,share_against_high,mean_probability"
        );
        let records: Vec<String> = summary.csv_records().map(|r| r.join(",")).collect();
        assert_eq!(
            records,
            [
                "(no outlet),(no date),S,A,1,1,1,0,1.0000,0.2065,1.0000,0.8000",
                "Courier,(no date),S,A,1,1,0,1,0.0000,0.0000,0.7935,0.6000",
            ]
        );
    }
}
