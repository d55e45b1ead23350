//! Classification metrics: accuracy, per-label precision/recall/F1, macro-F1, F_avg and the
//! confusion matrix.
//!
//! Every figure is a function of the confusion matrix alone ([`Metrics::from_confusion`]), so
//! [`super::bootstrap`] scores a resample by counting its rows into a matrix, as often as each
//! was drawn.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::bootstrap::Interval;

/// Precision, recall and F1 of one label.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LabelScores {
    /// Of the rows predicted with this label, the share that have it.
    pub precision: f64,
    /// Of the rows with this label, the share predicted with it.
    pub recall: f64,
    /// Harmonic mean of precision and recall (0 where both are 0).
    pub f1: f64,
    /// Rows with this label.
    pub support: usize,
    /// 95% bootstrap interval of the precision, where intervals were asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision_ci: Option<Interval>,
    /// 95% bootstrap interval of the recall.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recall_ci: Option<Interval>,
    /// 95% bootstrap interval of the F1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub f1_ci: Option<Interval>,
}

/// Rows are gold labels, columns predicted labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Confusion {
    /// Label order of rows and columns.
    pub labels: Vec<String>,
    /// `matrix[gold][predicted]` counts.
    pub matrix: Vec<Vec<usize>>,
}

impl Confusion {
    /// Each cell as a share of its row (of the rows with that gold label); 0 in a row without
    /// rows.
    pub fn row_shares(&self) -> Vec<Vec<f64>> {
        self.matrix
            .iter()
            .map(|row| {
                let total: usize = row.iter().sum();
                row.iter().map(|&count| ratio(count, total)).collect()
            })
            .collect()
    }
}

/// Metrics of one label column over some rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Rows scored.
    pub rows: usize,
    /// Share of rows predicted right.
    pub accuracy: f64,
    /// Unweighted mean F1 over the labels that occur in the gold or predicted labels.
    pub macro_f1: f64,
    /// Mean F1 of the two polar labels (`favor` and `against`, or `positive` and `negative`),
    /// the SemEval-2016 Task 6 metric; `None` where the labels have no such pair.
    pub f_avg: Option<f64>,
    /// Scores per label.
    pub labels: BTreeMap<String, LabelScores>,
    /// The confusion matrix.
    pub confusion: Confusion,
    /// 95% bootstrap interval of the accuracy, where intervals were asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_ci: Option<Interval>,
    /// 95% bootstrap interval of the macro-F1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub macro_f1_ci: Option<Interval>,
    /// 95% bootstrap interval of F_avg, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub f_avg_ci: Option<Interval>,
}

/// The label pairs F_avg averages over, first found wins.
const POLAR_PAIRS: [[&str; 2]; 2] = [["favor", "against"], ["positive", "negative"]];

impl Metrics {
    /// Scores `predicted` against `gold`; both index into `labels`.
    pub fn compute(labels: &[String], gold: &[usize], predicted: &[usize]) -> Metrics {
        let k = labels.len();
        let mut matrix = vec![vec![0usize; k]; k];
        for (&g, &p) in gold.iter().zip(predicted) {
            if g < k && p < k {
                matrix[g][p] += 1;
            }
        }
        Metrics::score(labels, matrix, gold.len().min(predicted.len()))
    }

    /// Scores a confusion matrix: `matrix[gold][predicted]` counts rows, both indices into
    /// `labels`. Cells beyond `labels.len()` rows or columns are dropped, missing ones are 0.
    pub fn from_confusion(labels: &[String], mut matrix: Vec<Vec<usize>>) -> Metrics {
        let k = labels.len();
        matrix.resize(k, vec![0; k]);
        for row in &mut matrix {
            row.resize(k, 0);
        }
        let rows = matrix.iter().flatten().sum();
        Metrics::score(labels, matrix, rows)
    }

    /// The figures of a `labels.len()`-square confusion matrix over `rows` rows.
    fn score(labels: &[String], matrix: Vec<Vec<usize>>, rows: usize) -> Metrics {
        let k = labels.len();
        let correct: usize = (0..k).map(|i| matrix[i][i]).sum();
        let mut scores = BTreeMap::new();
        let mut f1_sum = 0.0;
        let mut counted = 0;
        for (i, label) in labels.iter().enumerate() {
            let support: usize = matrix[i].iter().sum();
            let predicted_as: usize = matrix.iter().map(|row| row[i]).sum();
            let precision = ratio(matrix[i][i], predicted_as);
            let recall = ratio(matrix[i][i], support);
            let f1 = if precision + recall > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            };
            if support > 0 || predicted_as > 0 {
                f1_sum += f1;
                counted += 1;
            }
            scores.insert(
                label.clone(),
                LabelScores {
                    precision,
                    recall,
                    f1,
                    support,
                    precision_ci: None,
                    recall_ci: None,
                    f1_ci: None,
                },
            );
        }
        let f_avg = POLAR_PAIRS.iter().find_map(|[a, b]| {
            let (a, b) = (scores.get(*a)?, scores.get(*b)?);
            Some((a.f1 + b.f1) / 2.0)
        });
        Metrics {
            rows,
            accuracy: ratio(correct, rows),
            macro_f1: if counted > 0 {
                f1_sum / counted as f64
            } else {
                0.0
            },
            f_avg,
            labels: scores,
            confusion: Confusion {
                labels: labels.to_vec(),
                matrix,
            },
            accuracy_ci: None,
            macro_f1_ci: None,
            f_avg_ci: None,
        }
    }
}

/// Expected calibration error of the predicted label's probability, over `bins` equal-width
/// bins: the row-weighted mean gap between confidence and accuracy. 0 is perfectly calibrated.
pub fn expected_calibration_error(confidence: &[f64], correct: &[bool], bins: usize) -> f64 {
    let mut calibration = CalibrationBins::new(bins);
    for (&p, &right) in confidence.iter().zip(correct) {
        calibration.add(p, right, 1);
    }
    calibration.error()
}

/// The running sums [`expected_calibration_error`] is computed from, one per equal-width bin of
/// confidence; a row can count several times (a statement drawn twice by the bootstrap).
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationBins {
    /// Per bin: rows, summed confidence, rows right.
    sums: Vec<(usize, f64, usize)>,
}

impl CalibrationBins {
    /// Empty sums over `bins` bins (at least 1).
    pub fn new(bins: usize) -> Self {
        CalibrationBins {
            sums: vec![(0, 0.0, 0); bins.max(1)],
        }
    }

    /// Counts a prediction of confidence `p`, right or not, `times` times.
    pub fn add(&mut self, p: f64, right: bool, times: usize) {
        let bins = self.sums.len();
        let bin = ((p.clamp(0.0, 1.0) * bins as f64) as usize).min(bins - 1);
        let sum = &mut self.sums[bin];
        sum.0 += times;
        sum.1 += p * times as f64;
        sum.2 += usize::from(right) * times;
    }

    /// Each bin's range, rows, mean confidence and accuracy, lowest confidence first: the
    /// points of a reliability diagram.
    pub fn bins(&self) -> Vec<CalibrationBin> {
        let width = 1.0 / self.sums.len() as f64;
        self.sums
            .iter()
            .enumerate()
            .map(|(i, &(rows, p_sum, right))| CalibrationBin {
                low: i as f64 * width,
                high: (i + 1) as f64 * width,
                rows,
                mean_confidence: if rows == 0 { 0.0 } else { p_sum / rows as f64 },
                accuracy: ratio(right, rows),
            })
            .collect()
    }

    /// The row-weighted mean gap between confidence and accuracy; 0 without rows.
    pub fn error(&self) -> f64 {
        let n: usize = self.sums.iter().map(|(count, _, _)| count).sum();
        if n == 0 {
            return 0.0;
        }
        self.sums
            .iter()
            .filter(|(count, _, _)| *count > 0)
            .map(|&(_, p_sum, right)| (p_sum - right as f64).abs() / n as f64)
            .sum()
    }
}

/// One equal-width bin of predicted-label probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    /// Lowest probability of the bin.
    pub low: f64,
    /// Highest probability of the bin (excluded, but for the last bin).
    pub high: f64,
    /// Rows whose predicted label's probability falls in the bin.
    pub rows: usize,
    /// Their mean probability (0 for an empty bin).
    pub mean_confidence: f64,
    /// The share of them predicted right (0 for an empty bin).
    pub accuracy: f64,
}

/// The calibration of one head: its bins and the expected calibration error they give,
/// Σ |bin| / n · |accuracy − mean confidence|.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Every bin, lowest probability first, empty ones included.
    pub bins: Vec<CalibrationBin>,
    /// The expected calibration error.
    pub error: f64,
}

impl Calibration {
    /// The calibration of predictions with probability `confidence`, right or not, over
    /// `bins` equal-width bins (the figure `expected_calibration_error` gives).
    pub fn compute(confidence: &[f64], correct: &[bool], bins: usize) -> Calibration {
        let mut sums = CalibrationBins::new(bins);
        for (&p, &right) in confidence.iter().zip(correct) {
            sums.add(p, right, 1);
        }
        Calibration {
            bins: sums.bins(),
            error: sums.error(),
        }
    }
}

/// Bins of the calibration error `stance` reports.
pub const CALIBRATION_BINS: usize = 15;

/// Expected calibration error (over [`CALIBRATION_BINS`] bins) of probability rows against
/// gold label indices, taking each row's most probable label as its prediction.
pub fn calibration_error_of_rows(probabilities: &[Vec<f64>], gold: &[usize]) -> f64 {
    let (confidence, correct): (Vec<f64>, Vec<bool>) = probabilities
        .iter()
        .zip(gold)
        .map(|(row, &gold)| {
            let predicted = crate::model::argmax(row.iter().copied());
            (row[predicted], predicted == gold)
        })
        .unzip();
    expected_calibration_error(&confidence, &correct, CALIBRATION_BINS)
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        ["against", "favor", "none"].map(String::from).to_vec()
    }

    #[test]
    fn hand_computed_scores() {
        // gold:      a a a f f n
        // predicted: a a f f n n
        let metrics = Metrics::compute(&labels(), &[0, 0, 0, 1, 1, 2], &[0, 0, 1, 1, 2, 2]);
        assert_eq!(metrics.accuracy, 4.0 / 6.0);
        let against = metrics.labels["against"];
        assert_eq!(
            (against.precision, against.recall, against.support),
            (1.0, 2.0 / 3.0, 3)
        );
        let favor = metrics.labels["favor"];
        assert_eq!((favor.precision, favor.recall), (0.5, 0.5));
        let none = metrics.labels["none"];
        assert_eq!((none.precision, none.recall), (0.5, 1.0));
        let f1 = |p: f64, r: f64| 2.0 * p * r / (p + r);
        let (fa, ff, fnone) = (f1(1.0, 2.0 / 3.0), 0.5, f1(0.5, 1.0));
        assert!((metrics.f_avg.unwrap() - (fa + ff) / 2.0).abs() < 1e-12);
        assert!((metrics.macro_f1 - (fa + ff + fnone) / 3.0).abs() < 1e-12);
        assert_eq!(metrics.confusion.matrix, [[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
    }

    #[test]
    fn f_avg_needs_a_polar_pair() {
        let labels: Vec<String> = ["negative", "neutral", "positive"]
            .map(String::from)
            .to_vec();
        assert!(Metrics::compute(&labels, &[0], &[0]).f_avg.is_some());
        let labels: Vec<String> = ["x", "y"].map(String::from).to_vec();
        assert_eq!(Metrics::compute(&labels, &[0], &[1]).f_avg, None);
    }

    #[test]
    fn calibration_error_by_hand() {
        // Bin [0.9, 1.0): confidences 0.9 and 0.95, one right: |1.85 - 1| / 4 = 0.2125.
        // Bin [0.6, 0.7): confidences 0.6 and 0.6, both right: |1.2 - 2| / 4 = 0.2.
        let ece =
            expected_calibration_error(&[0.9, 0.95, 0.6, 0.6], &[true, false, true, true], 10);
        assert!((ece - 0.4125).abs() < 1e-12, "{ece}");
        assert_eq!(expected_calibration_error(&[], &[], 10), 0.0);
        assert_eq!(
            expected_calibration_error(&[1.0, 0.0], &[true, false], 10),
            0.0
        );
    }

    #[test]
    fn calibration_bins_by_hand() {
        // Ten bins. [0.9, 1.0]: 0.95 and 1.0, one right: accuracy 0.5, confidence 0.975.
        // [0.6, 0.7): 0.62 and 0.66, both right; [0.7, 0.8): 0.75, wrong.
        // ECE = (2·|0.5 − 0.975| + 2·|1 − 0.64| + 1·|0 − 0.75|) / 5 = (0.95 + 0.72 + 0.75) / 5.
        let calibration = Calibration::compute(
            &[0.95, 1.0, 0.62, 0.66, 0.75],
            &[true, false, true, true, false],
            10,
        );
        assert_eq!(calibration.bins.len(), 10);
        let bin = |i: usize| calibration.bins[i];
        assert!((bin(6).low - 0.6).abs() < 1e-12 && (bin(6).high - 0.7).abs() < 1e-12);
        assert_eq!((bin(6).rows, bin(7).rows, bin(9).rows), (2, 1, 2));
        assert!((bin(9).mean_confidence - 0.975).abs() < 1e-12);
        assert!((bin(6).mean_confidence - 0.64).abs() < 1e-12);
        assert_eq!(
            (bin(9).accuracy, bin(6).accuracy, bin(7).accuracy),
            (0.5, 1.0, 0.0)
        );
        assert_eq!(
            (bin(0).rows, bin(0).accuracy, bin(0).mean_confidence),
            (0, 0.0, 0.0)
        );
        assert!(
            (calibration.error - 2.42 / 5.0).abs() < 1e-12,
            "{}",
            calibration.error
        );
        let same = expected_calibration_error(
            &[0.95, 1.0, 0.62, 0.66, 0.75],
            &[true, false, true, true, false],
            10,
        );
        assert_eq!(calibration.error, same);
    }

    #[test]
    fn row_shares_normalise_each_gold_label() {
        let metrics = Metrics::compute(&labels(), &[0, 0, 0, 1, 1], &[0, 0, 1, 1, 2]);
        let shares = metrics.confusion.row_shares();
        assert_eq!(shares[0], [2.0 / 3.0, 1.0 / 3.0, 0.0]);
        assert_eq!(shares[1], [0.0, 0.5, 0.5]);
        // A label nobody has: a row of zeros, not NaN.
        assert_eq!(shares[2], [0.0, 0.0, 0.0]);
    }

    #[test]
    fn empty_input_scores_zero_without_dividing_by_zero() {
        let metrics = Metrics::compute(&labels(), &[], &[]);
        assert_eq!(
            (metrics.rows, metrics.accuracy, metrics.macro_f1),
            (0, 0.0, 0.0)
        );
    }
}
