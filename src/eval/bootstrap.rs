//! Bootstrap intervals: how far a figure could move on another sample of statements.
//!
//! The model runs once; each resample then redraws its scored rows. The unit drawn is the
//! statement ([`Row::statement`]): the rows of one statement, one per actor it concerns, share
//! its words and mostly the model's reading of them, so they are drawn together. Drawn one by
//! one, a statement about five actors would count as five independent pieces of evidence and
//! the intervals would come out too narrow. Each resample draws as many statements as there
//! are, with replacement, from a ChaCha8 stream keyed by the SHA-256 of the seed, and turns
//! the draw into row weights: every figure of the resample is computed from confusion counts
//! and calibration sums weighted by how often each row's statement was drawn. The same rows,
//! predictions and seed give the same intervals on every machine. The draws depend only on
//! the statements, so the two models of a comparison ([`compare`](mod@super::compare)) see
//! the same resamples, and so do the two heads of a model where the same rows carry both
//! labels.
//!
//! An interval is the percentile interval: the 2.5th and 97.5th percentiles of the figure
//! over the resamples, interpolated linearly between order statistics (NumPy's default
//! `percentile`). It need not be centred on the figure, and for a skewed figure such as
//! macro-F1 on few rows it may even leave the figure out.

use std::collections::{BTreeMap, HashMap};

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::metrics::{CalibrationBins, Metrics, CALIBRATION_BINS};
use super::report::{actor_positions, ScoredTask, TaskReport};
use crate::corpus::Row;
use crate::error::Error;
use crate::param::Param;

/// Resamples drawn unless told otherwise. With 1,000, the bounds of a ten-point interval move
/// by a few tenths of a point from seed to seed (stance macro-F1 of the shipped model on
/// PolNeAR's 423 statements: lower bound 31.3 to 31.6, upper 40.3 to 40.8 over seeds 1 to 6).
pub const DEFAULT_RESAMPLES: usize = 1000;

/// Seed of the draws unless told otherwise (the same as `stance train --seed`'s).
pub const DEFAULT_SEED: u64 = 42;

/// Coverage of the intervals.
pub const CONFIDENCE: f64 = 0.95;

/// Validated resampling settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bootstrap {
    resamples: usize,
    seed: u64,
}

impl Default for Bootstrap {
    /// [`DEFAULT_RESAMPLES`] resamples from [`DEFAULT_SEED`].
    fn default() -> Self {
        Bootstrap {
            resamples: DEFAULT_RESAMPLES,
            seed: DEFAULT_SEED,
        }
    }
}

impl Bootstrap {
    /// `resamples` resamples (at least 1) drawn from `seed`.
    pub fn new(resamples: usize, seed: u64) -> Result<Self, Error> {
        if resamples == 0 {
            return Err(Error::InvalidValue {
                param: Param::Bootstrap,
                value: resamples.to_string(),
                expected: "at least 1 resample".into(),
            });
        }
        Ok(Bootstrap { resamples, seed })
    }

    /// Number of resamples.
    pub fn resamples(&self) -> usize {
        self.resamples
    }

    /// Seed of the draws.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The resamples of `units` statements, in order.
    pub(crate) fn draws(&self, units: usize) -> Draws {
        let mut hasher = Sha256::new();
        hasher.update(b"stance bootstrap\0");
        hasher.update(self.seed.to_le_bytes());
        Draws {
            rng: ChaCha8Rng::from_seed(hasher.finalize().into()),
            left: self.resamples,
            counts: vec![0; units],
        }
    }
}

/// How a report's intervals were drawn: `"bootstrap": {"resamples": 1000, "seed": 42,
/// "confidence": 0.95, "unit": "statement"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapInfo {
    /// Resamples drawn.
    pub resamples: usize,
    /// Seed of the draws.
    pub seed: u64,
    /// Coverage of the intervals.
    pub confidence: f64,
    /// What one draw takes: every row of one statement.
    pub unit: String,
}

impl From<&Bootstrap> for BootstrapInfo {
    fn from(bootstrap: &Bootstrap) -> Self {
        BootstrapInfo {
            resamples: bootstrap.resamples,
            seed: bootstrap.seed,
            confidence: CONFIDENCE,
            unit: "statement".into(),
        }
    }
}

/// A 95% interval of a figure, written `[low, high]` in JSON (fractions like the
/// figure).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(from = "[f64; 2]", into = "[f64; 2]")]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl Interval {
    /// Whether `value` lies within the bounds.
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }

    /// Whether 0 lies outside the bounds: a difference that keeps its sign in all but a few
    /// resamples.
    pub fn excludes_zero(&self) -> bool {
        !self.contains(0.0)
    }
}

impl From<[f64; 2]> for Interval {
    fn from([low, high]: [f64; 2]) -> Self {
        Interval { low, high }
    }
}

impl From<Interval> for [f64; 2] {
    fn from(interval: Interval) -> Self {
        [interval.low, interval.high]
    }
}

/// The percentile interval of a figure's values over the resamples; `None` without values.
pub(crate) fn percentile_interval(mut values: Vec<f64>) -> Option<Interval> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - CONFIDENCE) / 2.0;
    Some(Interval {
        low: quantile(&values, tail),
        high: quantile(&values, 1.0 - tail),
    })
}

/// The `q` quantile of sorted values, interpolating linearly between the two nearest.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let at = q * (sorted.len() - 1) as f64;
    let below = at.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    let (low, high) = (sorted[below], sorted[above]);
    if low == high {
        low
    } else {
        low + (at - below as f64) * (high - low)
    }
}

/// The resampling units of some rows: the statement of each row, numbered from 0 in order of
/// first appearance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Units {
    /// The unit of each row.
    pub(crate) of_row: Vec<usize>,
    /// Number of units.
    pub(crate) count: usize,
}

impl Units {
    /// Groups rows by [`Row::statement`].
    pub(crate) fn of_statements<'r>(rows: impl IntoIterator<Item = &'r Row>) -> Units {
        let mut numbers: HashMap<(Option<&str>, &str), usize> = HashMap::new();
        let of_row: Vec<usize> = rows
            .into_iter()
            .map(|row| {
                let next = numbers.len();
                *numbers.entry(row.statement()).or_insert(next)
            })
            .collect();
        Units {
            of_row,
            count: numbers.len(),
        }
    }

    /// The units of a scored task's labelled rows.
    pub(crate) fn of_task(scored: &ScoredTask, rows: &[Row]) -> Units {
        Units::of_statements(scored.rows.iter().map(|&i| &rows[i]))
    }
}

/// The resamples of a [`Bootstrap`], one at a time.
pub(crate) struct Draws {
    rng: ChaCha8Rng,
    left: usize,
    counts: Vec<usize>,
}

impl Draws {
    /// The next resample as how many times each unit was drawn, or `None` after the last.
    pub(crate) fn next_counts(&mut self) -> Option<&[usize]> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let units = self.counts.len();
        self.counts.fill(0);
        for _ in 0..units {
            let unit = below(&mut self.rng, units);
            self.counts[unit] += 1;
        }
        Some(&self.counts)
    }
}

/// A uniform draw from `0..n` (`n` ≥ 1), by Lemire's multiply-and-reject on 64-bit words:
/// unbiased, and independent of how `rand` maps words to ranges in any version, so the
/// intervals stay the same as long as ChaCha8's stream does.
fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    let n = n as u64;
    // 2^64 mod n: the low words below it would make some results more likely than others.
    let threshold = n.wrapping_neg() % n;
    loop {
        let product = u128::from(rng.next_u64()) * u128::from(n);
        if product as u64 >= threshold {
            return (product >> 64) as usize;
        }
    }
}

/// The confusion matrix of a scored task on one resample: each row counts as often as its
/// unit was drawn.
pub(crate) fn resampled_confusion(
    scored: &ScoredTask,
    units: &Units,
    counts: &[usize],
) -> Vec<Vec<usize>> {
    let k = scored.labels.len();
    let mut matrix = vec![vec![0usize; k]; k];
    for (position, &unit) in units.of_row.iter().enumerate() {
        let times = counts[unit];
        if times > 0 {
            matrix[scored.gold[position]][scored.predicted[position]] += times;
        }
    }
    matrix
}

/// A figure's values over the resamples, for the headline figures of some rows.
#[derive(Debug, Default)]
struct SummarySamples {
    accuracy: Vec<f64>,
    macro_f1: Vec<f64>,
    f_avg: Vec<f64>,
}

impl SummarySamples {
    fn push(&mut self, metrics: &Metrics) {
        self.accuracy.push(metrics.accuracy);
        self.macro_f1.push(metrics.macro_f1);
        if let Some(f_avg) = metrics.f_avg {
            self.f_avg.push(f_avg);
        }
    }

    /// The intervals of accuracy, macro-F1 and F_avg.
    fn intervals(self) -> [Option<Interval>; 3] {
        [
            percentile_interval(self.accuracy),
            percentile_interval(self.macro_f1),
            percentile_interval(self.f_avg),
        ]
    }
}

/// Adds a [`CONFIDENCE`] interval to every figure of the model in `report` (accuracy,
/// macro-F1, F_avg, calibration error, each label's precision, recall and F1, each actor's
/// accuracy, macro-F1 and F_avg), resampling the statements of `scored`'s rows. An actor's
/// figures are taken over the resamples that drew any of its statements. The baseline keeps
/// its point figures: it is a reference, not a model being measured.
pub(crate) fn add_intervals(
    report: &mut TaskReport,
    scored: &ScoredTask,
    rows: &[Row],
    bootstrap: &Bootstrap,
) {
    let units = Units::of_task(scored, rows);
    let by_actor = actor_positions(scored, rows);
    let mut actor_of = vec![0; scored.rows.len()];
    for (actor, positions) in by_actor.values().enumerate() {
        for &position in positions {
            actor_of[position] = actor;
        }
    }
    let k = scored.labels.len();
    let mut overall = SummarySamples::default();
    let mut per_label: BTreeMap<&str, [Vec<f64>; 3]> = BTreeMap::new();
    let mut per_actor: Vec<SummarySamples> = by_actor.keys().map(|_| Default::default()).collect();
    let mut calibration_errors = Vec::with_capacity(bootstrap.resamples);
    let mut draws = bootstrap.draws(units.count);
    while let Some(counts) = draws.next_counts() {
        let mut matrix = vec![vec![0usize; k]; k];
        let mut actor_matrices = vec![vec![vec![0usize; k]; k]; by_actor.len()];
        let mut actor_rows = vec![0usize; by_actor.len()];
        let mut calibration = CalibrationBins::new(CALIBRATION_BINS);
        for (position, &unit) in units.of_row.iter().enumerate() {
            let times = counts[unit];
            if times == 0 {
                continue;
            }
            let (gold, predicted) = (scored.gold[position], scored.predicted[position]);
            matrix[gold][predicted] += times;
            actor_matrices[actor_of[position]][gold][predicted] += times;
            actor_rows[actor_of[position]] += times;
            calibration.add(scored.confidence[position], gold == predicted, times);
        }
        let metrics = Metrics::from_confusion(&scored.labels, matrix);
        overall.push(&metrics);
        for label in &scored.labels {
            if let Some(scores) = metrics.labels.get(label) {
                let [precision, recall, f1] = per_label.entry(label.as_str()).or_default();
                precision.push(scores.precision);
                recall.push(scores.recall);
                f1.push(scores.f1);
            }
        }
        calibration_errors.push(calibration.error());
        for ((samples, matrix), drawn) in per_actor.iter_mut().zip(actor_matrices).zip(actor_rows) {
            if drawn > 0 {
                samples.push(&Metrics::from_confusion(&scored.labels, matrix));
            }
        }
    }
    let metrics = &mut report.metrics;
    [metrics.accuracy_ci, metrics.macro_f1_ci, metrics.f_avg_ci] = overall.intervals();
    for (label, [precision, recall, f1]) in per_label {
        if let Some(scores) = metrics.labels.get_mut(label) {
            scores.precision_ci = percentile_interval(precision);
            scores.recall_ci = percentile_interval(recall);
            scores.f1_ci = percentile_interval(f1);
        }
    }
    for (summary, samples) in report.per_actor.values_mut().zip(per_actor) {
        [summary.accuracy_ci, summary.macro_f1_ci, summary.f_avg_ci] = samples.intervals();
    }
    report.calibration_error_ci = percentile_interval(calibration_errors);
    report.statements = Some(units.count);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(article: Option<&str>, text: &str, actor: &str) -> Row {
        Row::labelled(article, text, actor)
    }

    #[test]
    fn rows_of_one_statement_are_one_unit() {
        let rows = [
            row(Some("a"), "We back the union", "Union"),
            row(Some("a"), "We back the union", "Mayor"),
            row(Some("b"), "We back the union", "Union"),
            row(None, "No article", "Union"),
            row(None, "No article", "Mayor"),
            row(None, "Another", "Union"),
        ];
        let units = Units::of_statements(&rows);
        assert_eq!(units.of_row, [0, 0, 1, 2, 2, 3]);
        assert_eq!(units.count, 4);
    }

    #[test]
    fn each_resample_draws_as_many_units_as_there_are() {
        let bootstrap = Bootstrap::new(50, 7).unwrap();
        let mut draws = bootstrap.draws(13);
        let mut seen = 0;
        let mut drawn = [0usize; 13];
        while let Some(counts) = draws.next_counts() {
            assert_eq!(counts.iter().sum::<usize>(), 13);
            counts.iter().zip(&mut drawn).for_each(|(c, d)| *d += c);
            seen += 1;
        }
        assert_eq!(seen, 50);
        assert!(
            drawn.iter().all(|&d| d > 0),
            "every unit is drawn: {drawn:?}"
        );
    }

    #[test]
    fn the_same_seed_draws_the_same_resamples() {
        let collect = |seed| {
            let mut draws = Bootstrap::new(20, seed).unwrap().draws(9);
            let mut all = Vec::new();
            while let Some(counts) = draws.next_counts() {
                all.push(counts.to_vec());
            }
            all
        };
        assert_eq!(collect(42), collect(42));
        assert_ne!(collect(42), collect(43));
    }

    #[test]
    fn draws_below_n_are_uniform_and_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut seen = [0usize; 3];
        for _ in 0..30_000 {
            seen[below(&mut rng, 3)] += 1;
        }
        // Each about 10,000; a fair die stays within 400 of that but once in ten thousand runs.
        assert!(seen.iter().all(|&n| n.abs_diff(10_000) < 400), "{seen:?}");
        assert_eq!(below(&mut rng, 1), 0);
    }

    #[test]
    fn percentiles_interpolate_like_numpy() {
        // numpy.percentile(range(1, 102), [2.5, 97.5]) is [3.5, 98.5].
        let values: Vec<f64> = (1..=101).rev().map(f64::from).collect();
        let interval = percentile_interval(values).unwrap();
        assert!((interval.low - 3.5).abs() < 1e-12, "{interval:?}");
        assert!((interval.high - 98.5).abs() < 1e-12, "{interval:?}");
        let same = percentile_interval(vec![0.25; 10]).unwrap();
        assert_eq!((same.low, same.high), (0.25, 0.25));
        assert_eq!(percentile_interval(Vec::new()), None);
    }

    #[test]
    fn intervals_are_written_as_pairs() {
        let interval = Interval {
            low: 0.25,
            high: 0.5,
        };
        let json = serde_json::to_string(&interval).unwrap();
        assert_eq!(json, "[0.25,0.5]");
        assert_eq!(serde_json::from_str::<Interval>(&json).unwrap(), interval);
        assert!(interval.excludes_zero());
        assert!(!Interval {
            low: -0.1,
            high: 0.0
        }
        .excludes_zero());
    }

    #[test]
    fn no_resamples_is_not_a_bootstrap() {
        let err = Bootstrap::new(0, 1).unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidValue {
                param: Param::Bootstrap,
                ..
            }
        ));
    }

    /// Labels `favor` and `against`; `outcomes` lists per statement its rows as
    /// (gold, predicted) pairs, each row about its own actor.
    fn scored_rows(outcomes: &[&[(usize, usize)]]) -> (Vec<Row>, ScoredTask) {
        let mut rows = Vec::new();
        let (mut gold, mut predicted) = (Vec::new(), Vec::new());
        for (statement, pairs) in outcomes.iter().enumerate() {
            for (n, &(g, p)) in pairs.iter().enumerate() {
                rows.push(row(
                    Some("story"),
                    &format!("statement {statement}"),
                    &format!("actor {n}"),
                ));
                gold.push(g);
                predicted.push(p);
            }
        }
        let labels: Vec<String> = ["against", "favor"].map(String::from).to_vec();
        let scored = ScoredTask {
            task: crate::corpus::Task::Stance,
            model_labels: labels.clone(),
            labels,
            rows: (0..rows.len()).collect(),
            confidence: vec![0.75; gold.len()],
            gold,
            predicted,
            majority: 0,
        };
        (rows, scored)
    }

    fn report_of(rows: &[Row], scored: &ScoredTask, bootstrap: &Bootstrap) -> TaskReport {
        let scored = super::super::report::Scored {
            rows,
            tasks: vec![scored.clone()],
        };
        let mut report = scored.report(Some(bootstrap));
        report.tasks.remove(&crate::corpus::Task::Stance).unwrap()
    }

    /// Forty statements of one row each, right three times in four.
    fn mixed() -> Vec<&'static [(usize, usize)]> {
        let right: &[(usize, usize)] = &[(0, 0)];
        let right_favor: &[(usize, usize)] = &[(1, 1)];
        let wrong: &[(usize, usize)] = &[(1, 0)];
        (0..40)
            .map(|n| match n % 4 {
                0 => wrong,
                1 => right_favor,
                _ => right,
            })
            .collect()
    }

    #[test]
    fn every_interval_holds_its_figure_and_the_seed_fixes_it() {
        let (rows, scored) = scored_rows(&mixed());
        let bootstrap = Bootstrap::default();
        let report = report_of(&rows, &scored, &bootstrap);
        let m = &report.metrics;
        assert_eq!(m.accuracy, 0.75);
        let figures = [
            (m.accuracy, m.accuracy_ci),
            (m.macro_f1, m.macro_f1_ci),
            (m.f_avg.unwrap(), m.f_avg_ci),
            (report.calibration_error, report.calibration_error_ci),
            (m.labels["favor"].f1, m.labels["favor"].f1_ci),
            (
                m.labels["against"].precision,
                m.labels["against"].precision_ci,
            ),
        ];
        for (figure, interval) in figures {
            let interval = interval.expect("an interval");
            assert!(interval.contains(figure), "{figure} {interval:?}");
            assert!(interval.high > interval.low, "{interval:?}");
        }
        // 40 rows, p = 0.75: the normal approximation gives 0.75 ± 1.96 × 0.068.
        let accuracy = m.accuracy_ci.unwrap();
        assert!(accuracy.low > 0.55 && accuracy.high < 0.92, "{accuracy:?}");
        assert_eq!(report.statements, Some(40));
        assert_eq!(report_of(&rows, &scored, &bootstrap), report);
        let other_seed = report_of(&rows, &scored, &Bootstrap::new(1000, 7).unwrap());
        assert_ne!(other_seed, report, "another seed draws other resamples");
    }

    #[test]
    fn a_statement_counts_once_however_many_rows_it_has() {
        // The same forty statements, each now with three identical rows (one per actor): the
        // draws are of statements, so every resample is the first one with each row thrice,
        // and every interval stays the same.
        let tripled: Vec<Vec<(usize, usize)>> = mixed().iter().map(|s| s.repeat(3)).collect();
        let tripled: Vec<&[(usize, usize)]> = tripled.iter().map(Vec::as_slice).collect();
        let bootstrap = Bootstrap::default();
        let (rows, scored) = scored_rows(&mixed());
        let once = report_of(&rows, &scored, &bootstrap);
        let (rows, scored) = scored_rows(&tripled);
        let thrice = report_of(&rows, &scored, &bootstrap);
        assert_eq!(thrice.statements, Some(40));
        assert_eq!(thrice.metrics.accuracy_ci, once.metrics.accuracy_ci);
        assert_eq!(thrice.metrics.macro_f1_ci, once.metrics.macro_f1_ci);
        assert_eq!(thrice.calibration_error_ci, once.calibration_error_ci);
        // Drawn row by row, the 120 rows would give a narrower interval.
        let width = |i: Option<Interval>| i.map(|i| i.high - i.low).unwrap();
        let (rows, mut scored) = scored_rows(&tripled);
        let rows: Vec<Row> = rows
            .into_iter()
            .enumerate()
            .map(|(n, mut row)| {
                row.text = format!("row {n}");
                row
            })
            .collect();
        scored.rows = (0..rows.len()).collect();
        let by_row = report_of(&rows, &scored, &bootstrap);
        assert!(
            width(by_row.metrics.accuracy_ci) < width(once.metrics.accuracy_ci),
            "{:?} {:?}",
            by_row.metrics.accuracy_ci,
            once.metrics.accuracy_ci
        );
    }

    #[test]
    fn actors_get_intervals_over_the_resamples_that_drew_them() {
        let (rows, scored) = scored_rows(&[&[(0, 0), (1, 1)], &[(0, 1)], &[(1, 1), (0, 0)]]);
        let report = report_of(&rows, &scored, &Bootstrap::new(200, 3).unwrap());
        let second = &report.per_actor["actor 1"];
        // Actor 1's two rows are both right: every resample that draws either says 100%.
        assert_eq!(second.accuracy, 1.0);
        let interval = second.accuracy_ci.unwrap();
        assert_eq!((interval.low, interval.high), (1.0, 1.0));
        assert!(report.per_actor["actor 0"].macro_f1_ci.is_some());
    }
}
