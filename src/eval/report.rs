//! The evaluation report of a model on labelled rows, as JSON or a text table.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::bootstrap::{add_intervals, Bootstrap, BootstrapInfo, Interval};
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
    /// 95% bootstrap interval of the accuracy, where intervals were asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_ci: Option<Interval>,
    /// 95% bootstrap interval of the macro-F1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub macro_f1_ci: Option<Interval>,
    /// 95% bootstrap interval of F_avg.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub f_avg_ci: Option<Interval>,
}

impl From<&Metrics> for Summary {
    fn from(metrics: &Metrics) -> Self {
        Summary {
            rows: metrics.rows,
            accuracy: metrics.accuracy,
            macro_f1: metrics.macro_f1,
            f_avg: metrics.f_avg,
            accuracy_ci: metrics.accuracy_ci,
            macro_f1_ci: metrics.macro_f1_ci,
            f_avg_ci: metrics.f_avg_ci,
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
    /// (`CALIBRATION_BINS` bins).
    pub calibration_error: f64,
    /// 95% bootstrap interval of the calibration error, where intervals were asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration_error_ci: Option<Interval>,
    /// Statements the labelled rows belong to: the units the bootstrap draws (reported with
    /// the intervals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statements: Option<usize>,
    /// Always predicting the training data's most frequent label.
    pub baseline: Baseline,
    /// The model's scores for each actor's rows.
    pub per_actor: BTreeMap<String, Summary>,
}

/// One headline figure: its name, the model's value and interval, the majority baseline's.
pub(crate) type Headline = (&'static str, Option<f64>, Option<Interval>, Option<f64>);

impl TaskReport {
    /// Accuracy, macro-F1 and F_avg of the model beside the majority baseline's, as every
    /// report shows them first.
    pub(crate) fn headline(&self) -> [Headline; 3] {
        let (m, b) = (&self.metrics, &self.baseline.scores);
        [
            (
                "accuracy",
                Some(m.accuracy),
                m.accuracy_ci,
                Some(b.accuracy),
            ),
            (
                "macro-F1",
                Some(m.macro_f1),
                m.macro_f1_ci,
                Some(b.macro_f1),
            ),
            ("F_avg", m.f_avg, m.f_avg_ci, b.f_avg),
        ]
    }
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

/// A model's report on labelled rows: `{"rows": N, "stance": {...}, "sentiment": {...}}`, with
/// `"bootstrap": {...}` when the figures carry intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    /// Rows read.
    pub rows: usize,
    /// How the intervals were drawn, where they were asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bootstrap: Option<BootstrapInfo>,
    /// One report per label column with labels in both the model and the data.
    #[serde(flatten)]
    pub tasks: BTreeMap<Task, TaskReport>,
}

/// One head's predictions on the rows labelled for it: everything its figures are computed
/// from, so that resampling never runs the model again.
#[derive(Debug, Clone)]
pub(crate) struct ScoredTask {
    /// The label column.
    pub(crate) task: Task,
    /// The head's labels, as the model has them.
    pub(crate) model_labels: Vec<String>,
    /// The head's labels followed by gold labels the model never saw; gold and predicted
    /// labels index into these.
    pub(crate) labels: Vec<String>,
    /// Index into the rows of each labelled row, in row order.
    pub(crate) rows: Vec<usize>,
    /// Gold label of each labelled row.
    pub(crate) gold: Vec<usize>,
    /// Predicted label of each labelled row.
    pub(crate) predicted: Vec<usize>,
    /// Probability of the predicted label of each labelled row.
    pub(crate) confidence: Vec<f64>,
    /// The label the majority baseline predicts.
    pub(crate) majority: usize,
}

/// A model's predictions on labelled rows, per head: [`score`] runs the model once; the report
/// ([`Scored::report`]), its intervals and a comparison with another model
/// ([`super::compare::compare`]) are computed from them.
#[derive(Debug, Clone)]
pub struct Scored<'a> {
    /// The rows scored.
    pub(crate) rows: &'a [Row],
    /// One per head with labelled rows, in the model's head order.
    pub(crate) tasks: Vec<ScoredTask>,
}

/// Runs `model` over the labelled `rows`.
pub fn score<'a>(model: &StanceModel, rows: &'a [Row]) -> Result<Scored<'a>, Error> {
    let predictions = model.predict_rows(rows)?;
    let mut tasks = Vec::new();
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
        tasks.push(ScoredTask {
            task: head.task,
            model_labels: head.labels.clone(),
            labels,
            predicted: labelled.iter().map(|&i| predicted[i].class).collect(),
            confidence: labelled
                .iter()
                .map(|&i| predicted[i].probabilities[predicted[i].class])
                .collect(),
            rows: labelled,
            gold,
            majority: head.majority_label(),
        });
    }
    if tasks.is_empty() {
        return Err(Error::NoData(
            "no row has a label the model predicts; name the label columns with \
             --stance-column / --sentiment-column"
                .into(),
        ));
    }
    Ok(Scored { rows, tasks })
}

/// Scores `model` on the labelled `rows`, without intervals.
pub fn evaluate(model: &StanceModel, rows: &[Row]) -> Result<EvalReport, Error> {
    Ok(score(model, rows)?.report(None))
}

impl Scored<'_> {
    /// The report of these predictions; with `bootstrap`, every figure of the model gets its
    /// 95% interval (see [`super::bootstrap`]).
    pub fn report(&self, bootstrap: Option<&Bootstrap>) -> EvalReport {
        let tasks = self
            .tasks
            .iter()
            .map(|scored| {
                let mut report = self.task_report(scored);
                if let Some(bootstrap) = bootstrap {
                    add_intervals(&mut report, scored, self.rows, bootstrap);
                }
                (scored.task, report)
            })
            .collect();
        EvalReport {
            rows: self.rows.len(),
            bootstrap: bootstrap.map(BootstrapInfo::from),
            tasks,
        }
    }

    fn task_report(&self, scored: &ScoredTask) -> TaskReport {
        let ScoredTask {
            labels,
            gold,
            predicted: guessed,
            confidence,
            majority,
            ..
        } = scored;
        let metrics = Metrics::compute(labels, gold, guessed);
        let correct: Vec<bool> = gold.iter().zip(guessed).map(|(g, p)| g == p).collect();
        let calibration_error = expected_calibration_error(confidence, &correct, CALIBRATION_BINS);
        let baseline = Baseline {
            label: labels[*majority].clone(),
            scores: Summary::from(&Metrics::compute(
                labels,
                gold,
                &vec![*majority; gold.len()],
            )),
        };
        let per_actor = actor_positions(scored, self.rows)
            .into_iter()
            .map(|(actor, positions)| {
                let gold: Vec<usize> = positions.iter().map(|&p| gold[p]).collect();
                let guessed: Vec<usize> = positions.iter().map(|&p| guessed[p]).collect();
                (
                    actor.to_string(),
                    Summary::from(&Metrics::compute(labels, &gold, &guessed)),
                )
            })
            .collect();
        TaskReport {
            metrics,
            calibration_error,
            calibration_error_ci: None,
            statements: None,
            baseline,
            per_actor,
        }
    }
}

/// The positions (into the scored task's labelled rows) of each actor's rows, by actor.
pub(crate) fn actor_positions<'r>(
    scored: &ScoredTask,
    rows: &'r [Row],
) -> BTreeMap<&'r str, Vec<usize>> {
    let mut by_actor: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (position, &i) in scored.rows.iter().enumerate() {
        by_actor
            .entry(rows[i].actor.as_str())
            .or_default()
            .push(position);
    }
    by_actor
}

impl EvalReport {
    /// A plain-text report that fits an 80-column terminal. With intervals, figures have one
    /// decimal (the intervals span whole points) and the interval beside them.
    pub fn to_table(&self) -> String {
        match &self.bootstrap {
            Some(bootstrap) => self.table_with_intervals(bootstrap),
            None => self.table_without_intervals(),
        }
    }

    fn table_with_intervals(&self, bootstrap: &BootstrapInfo) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "rows: {}", self.rows);
        let _ = writeln!(
            out,
            "{:.0}% intervals: percentile bootstrap, {} resamples of the statements, seed {}",
            100.0 * bootstrap.confidence,
            bootstrap.resamples,
            bootstrap.seed
        );
        for (task, report) in &self.tasks {
            let m = &report.metrics;
            let statements = report
                .statements
                .map_or(String::new(), |n| format!(", {n} statements"));
            let _ = writeln!(
                out,
                "\n{} ({} labelled rows{statements})",
                task.name(),
                m.rows
            );
            let baseline = format!("majority baseline ({})", report.baseline.label);
            let _ = writeln!(
                out,
                "  {:<18} {:>6}   {:<16} {}",
                "",
                "model",
                "95% interval",
                truncate(&baseline, 30)
            );
            let interval = |ci: Option<Interval>, show: &dyn Fn(f64) -> String| {
                ci.map_or(String::new(), |i| {
                    format!("[{}, {}]", show(i.low), show(i.high))
                })
            };
            for (name, value, ci, baseline) in report.headline() {
                let _ = writeln!(
                    out,
                    "  {:<18} {:>6}   {:<16} {}",
                    name,
                    value.map_or("-".into(), percent_1),
                    interval(ci, &percent_1),
                    baseline.map_or("-".into(), percent_1)
                );
            }
            let _ = writeln!(
                out,
                "  {:<18} {:>6.3}   {}",
                "calibration error",
                report.calibration_error,
                interval(report.calibration_error_ci, &|v| format!("{v:.3}"))
            );
            label_and_actor_tables(&mut out, report, &Columns::WITH_INTERVALS);
        }
        out
    }

    fn table_without_intervals(&self) -> String {
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
            label_and_actor_tables(&mut out, report, &Columns::PLAIN);
        }
        out
    }
}

/// Column widths and cells of a report's label and actor tables.
struct Columns {
    /// Width of the label column.
    label: usize,
    /// Width of the actor column.
    actor: usize,
    /// Width of the actor's row count.
    rows: usize,
    /// Width of a figure's cell.
    cell: usize,
    /// Width of a label's support.
    support: usize,
    /// A figure's cell, from the figure and its interval, if any.
    show: fn(f64, Option<Interval>) -> String,
}

impl Columns {
    /// Figures with two decimals.
    const PLAIN: Columns = Columns {
        label: 20,
        actor: 34,
        rows: 6,
        cell: 9,
        support: 9,
        show: |value, _| format!("{:.2}", 100.0 * value),
    };
    /// Figures with one decimal and their interval.
    const WITH_INTERVALS: Columns = Columns {
        label: 12,
        actor: 18,
        rows: 5,
        cell: 17,
        support: 7,
        show: percent_cell,
    };
}

/// The per-label scores, the confusion matrix and the per-actor scores of one head.
fn label_and_actor_tables(out: &mut String, report: &TaskReport, columns: &Columns) {
    let m = &report.metrics;
    let Columns {
        label: lw,
        actor: aw,
        rows: rw,
        cell: cw,
        support: sw,
        show,
    } = *columns;
    let _ = writeln!(
        out,
        "\n  {:<lw$} {:>cw$} {:>cw$} {:>cw$} {:>sw$}",
        "label", "precision", "recall", "F1", "support"
    );
    for (label, s) in &m.labels {
        let _ = writeln!(
            out,
            "  {:<lw$} {:>cw$} {:>cw$} {:>cw$} {:>sw$}",
            truncate(label, lw),
            show(s.precision, s.precision_ci),
            show(s.recall, s.recall_ci),
            show(s.f1, s.f1_ci),
            s.support
        );
    }
    confusion_table(out, m);
    let _ = writeln!(
        out,
        "\n  {:<aw$} {:>rw$} {:>cw$} {:>cw$} {:>cw$}",
        "actor", "rows", "accuracy", "macro-F1", "F_avg"
    );
    for (actor, s) in &report.per_actor {
        let _ = writeln!(
            out,
            "  {:<aw$} {:>rw$} {:>cw$} {:>cw$} {:>cw$}",
            truncate(actor, aw),
            s.rows,
            show(s.accuracy, s.accuracy_ci),
            show(s.macro_f1, s.macro_f1_ci),
            s.f_avg.map_or("-".into(), |f_avg| show(f_avg, s.f_avg_ci))
        );
    }
}

/// The confusion matrix of a report's table.
fn confusion_table(out: &mut String, m: &Metrics) {
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
}

/// A fraction as a percentage with one decimal, 100 without one, so that a figure with its
/// interval (`67.9 [65.1, 70.4]`) never takes more than 17 characters.
pub(crate) fn percent_1(fraction: f64) -> String {
    let text = format!("{:.1}", 100.0 * fraction);
    if text == "100.0" {
        "100".into()
    } else {
        text
    }
}

/// A fraction as a percentage with its interval beside it, where it has one.
pub(crate) fn percent_cell(fraction: f64, interval: Option<Interval>) -> String {
    match interval {
        Some(i) => format!(
            "{} [{}, {}]",
            percent_1(fraction),
            percent_1(i.low),
            percent_1(i.high)
        ),
        None => percent_1(fraction),
    }
}

/// A difference of fractions in percentage points, signed, one decimal (`+2.3`, `-0.4`, `0.0`).
pub(crate) fn signed_percent(difference: f64) -> String {
    let text = format!("{:+.1}", 100.0 * difference);
    if text == "+0.0" || text == "-0.0" {
        "0.0".into()
    } else {
        text
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
