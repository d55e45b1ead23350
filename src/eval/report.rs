//! The evaluation report of a model on labelled rows, as JSON or a text table.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::metrics::{expected_calibration_error, Metrics, CALIBRATION_BINS};
use crate::corpus::{Row, Task};
use crate::error::Error;
use crate::model::StanceModel;

/// Headline figures, for the baseline and the per-actor breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Rows scored.
    pub rows: usize,
    /// Share right.
    pub accuracy: f64,
    /// Macro-F1.
    pub macro_f1: f64,
    /// F_avg, where the labels have a polar pair.
    pub f_avg: Option<f64>,
}

impl From<&Metrics> for Summary {
    fn from(metrics: &Metrics) -> Self {
        Summary {
            rows: metrics.rows,
            accuracy: metrics.accuracy,
            macro_f1: metrics.macro_f1,
            f_avg: metrics.f_avg,
        }
    }
}

/// The report of one label column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskReport {
    /// The model's scores.
    #[serde(flatten)]
    pub metrics: Metrics,
    /// Expected calibration error of the predicted label's probability
    /// ([`CALIBRATION_BINS`] bins).
    pub calibration_error: f64,
    /// Always predicting the training data's most frequent label.
    pub baseline: Baseline,
    /// The model's scores for each actor's rows.
    pub per_actor: BTreeMap<String, Summary>,
}

/// The majority-class baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// The label it always predicts.
    pub label: String,
    /// Its scores.
    #[serde(flatten)]
    pub scores: Summary,
}

/// A model's report on labelled rows: `{"rows": N, "stance": {...}, "sentiment": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    /// Rows read.
    pub rows: usize,
    /// One report per label column with labels in both the model and the data.
    #[serde(flatten)]
    pub tasks: BTreeMap<Task, TaskReport>,
}

/// Scores `model` on the labelled `rows`.
pub fn evaluate(model: &StanceModel, rows: &[Row]) -> Result<EvalReport, Error> {
    let predictions = model.predict_rows(rows)?;
    let mut tasks = BTreeMap::new();
    for (head, predicted) in model.heads.iter().zip(&predictions) {
        let labelled: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].label(head.task).is_some())
            .collect();
        if labelled.is_empty() {
            continue;
        }
        // Gold labels the model never saw still count, as errors.
        let mut labels = head.labels.clone();
        let mut gold = Vec::with_capacity(labelled.len());
        for &i in &labelled {
            let label = rows[i].label(head.task).unwrap_or_default();
            let index = match labels.iter().position(|l| l == label) {
                Some(index) => index,
                None => {
                    labels.push(label.to_string());
                    labels.len() - 1
                }
            };
            gold.push(index);
        }
        let guessed: Vec<usize> = labelled.iter().map(|&i| predicted[i].class).collect();
        let metrics = Metrics::compute(&labels, &gold, &guessed);
        let confidence: Vec<f64> = labelled
            .iter()
            .map(|&i| predicted[i].probabilities[predicted[i].class])
            .collect();
        let correct: Vec<bool> = gold.iter().zip(&guessed).map(|(g, p)| g == p).collect();
        let calibration_error = expected_calibration_error(&confidence, &correct, CALIBRATION_BINS);
        let majority = head.majority_label();
        let baseline = Baseline {
            label: labels[majority].clone(),
            scores: Summary::from(&Metrics::compute(
                &labels,
                &gold,
                &vec![majority; gold.len()],
            )),
        };
        let mut by_actor: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (position, &i) in labelled.iter().enumerate() {
            by_actor
                .entry(rows[i].actor.as_str())
                .or_default()
                .push(position);
        }
        let per_actor = by_actor
            .into_iter()
            .map(|(actor, positions)| {
                let gold: Vec<usize> = positions.iter().map(|&p| gold[p]).collect();
                let guessed: Vec<usize> = positions.iter().map(|&p| guessed[p]).collect();
                (
                    actor.to_string(),
                    Summary::from(&Metrics::compute(&labels, &gold, &guessed)),
                )
            })
            .collect();
        tasks.insert(
            head.task,
            TaskReport {
                metrics,
                calibration_error,
                baseline,
                per_actor,
            },
        );
    }
    if tasks.is_empty() {
        return Err(Error::NoData(
            "no row has a label the model predicts; name the label columns with \
             --stance-column / --sentiment-column"
                .into(),
        ));
    }
    Ok(EvalReport {
        rows: rows.len(),
        tasks,
    })
}

impl EvalReport {
    /// A plain-text report that fits an 80-column terminal.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let percent = |v: f64| format!("{:.2}", 100.0 * v);
        let maybe = |v: Option<f64>| v.map_or("-".to_string(), percent);
        let _ = writeln!(out, "rows: {}", self.rows);
        for (task, report) in &self.tasks {
            let m = &report.metrics;
            let b = &report.baseline.scores;
            let _ = writeln!(out, "\n{} ({} labelled rows)", task.name(), m.rows);
            let _ = writeln!(
                out,
                "  {:<28} {:>9} {:>9} {:>9}",
                "", "accuracy", "macro-F1", "F_avg"
            );
            let _ = writeln!(
                out,
                "  {:<28} {:>9} {:>9} {:>9}",
                "model",
                percent(m.accuracy),
                percent(m.macro_f1),
                maybe(m.f_avg)
            );
            let name = format!("majority baseline ({})", report.baseline.label);
            let _ = writeln!(
                out,
                "  {:<28} {:>9} {:>9} {:>9}",
                truncate(&name, 28),
                percent(b.accuracy),
                percent(b.macro_f1),
                maybe(b.f_avg)
            );
            let _ = writeln!(
                out,
                "  expected calibration error: {:.3}",
                report.calibration_error
            );
            let _ = writeln!(
                out,
                "\n  {:<20} {:>9} {:>9} {:>9} {:>9}",
                "label", "precision", "recall", "F1", "support"
            );
            for (label, s) in &m.labels {
                let _ = writeln!(
                    out,
                    "  {:<20} {:>9} {:>9} {:>9} {:>9}",
                    truncate(label, 20),
                    percent(s.precision),
                    percent(s.recall),
                    percent(s.f1),
                    s.support
                );
            }
            let _ = writeln!(out, "\n  confusion (rows gold, columns predicted)");
            let header: String = m
                .confusion
                .labels
                .iter()
                .map(|l| format!(" {:>9}", truncate(l, 9)))
                .collect();
            let _ = writeln!(out, "  {:<12}{header}", "");
            for (label, row) in m.confusion.labels.iter().zip(&m.confusion.matrix) {
                let cells: String = row.iter().map(|c| format!(" {c:>9}")).collect();
                let _ = writeln!(out, "  {:<12}{cells}", truncate(label, 12));
            }
            let _ = writeln!(
                out,
                "\n  {:<34} {:>6} {:>9} {:>9} {:>9}",
                "actor", "rows", "accuracy", "macro-F1", "F_avg"
            );
            for (actor, s) in &report.per_actor {
                let _ = writeln!(
                    out,
                    "  {:<34} {:>6} {:>9} {:>9} {:>9}",
                    truncate(actor, 34),
                    s.rows,
                    percent(s.accuracy),
                    percent(s.macro_f1),
                    maybe(s.f_avg)
                );
            }
        }
        out
    }
}

/// Cuts `text` to `width` characters, marking the cut with `…`.
pub fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_counts_characters() {
        assert_eq!(truncate("Mamdani", 10), "Mamdani");
        assert_eq!(truncate("Immigration", 5), "Immi…");
        assert_eq!(truncate("éééééé", 3), "éé…");
    }
}
