//! Two models on the same rows: the paired bootstrap of their headline figures.
//!
//! Each model runs once. Every resample then draws the same statements for both
//! ([`super::bootstrap`]) and takes the difference of each headline figure, model minus
//! other, so what the two share (the statements both find hard, those both find easy)
//! cancels out: the interval of the difference is narrower than the two models' own intervals
//! side by side suggest, and it is the one that says whether one model is better. Beside each
//! difference and its interval comes the share of resamples where the difference is 0 or
//! less: a one-sided, p-value-like figure for "the model is better" (small when the model
//! wins nearly every resample).

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::bootstrap::CONFIDENCE;
use super::bootstrap::{percentile_interval, resampled_confusion, Bootstrap, Interval, Units};
use super::metrics::Metrics;
use super::report::{score, signed_percent, Scored, ScoredTask};
use crate::corpus::Task;
use crate::error::Error;
use crate::model::StanceModel;

/// A headline figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    /// Share of rows right.
    Accuracy,
    /// Macro-F1.
    MacroF1,
    /// F_avg, for labels with a polar pair.
    FAvg,
}

impl Figure {
    /// The headline figures, in report order.
    pub const ALL: [Figure; 3] = [Figure::Accuracy, Figure::MacroF1, Figure::FAvg];

    /// The figure's name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Figure::Accuracy => "accuracy",
            Figure::MacroF1 => "macro-F1",
            Figure::FAvg => "F_avg",
        }
    }

    /// The figure of some metrics, if they have it.
    fn of(self, metrics: &Metrics) -> Option<f64> {
        match self {
            Figure::Accuracy => Some(metrics.accuracy),
            Figure::MacroF1 => Some(metrics.macro_f1),
            Figure::FAvg => metrics.f_avg,
        }
    }
}

/// One headline figure of both models and their difference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The label column.
    pub task: Task,
    /// The figure.
    pub figure: Figure,
    /// The model's figure.
    pub model: f64,
    /// The other model's figure.
    pub other: f64,
    /// `model - other`.
    pub difference: f64,
    /// [`CONFIDENCE`] paired bootstrap interval of the difference.
    pub difference_ci: Interval,
    /// Share of resamples where the difference is 0 or less: a one-sided p-value-like figure
    /// for "the model is better".
    pub share_at_most_zero: f64,
    /// Whether the interval leaves 0 out.
    pub excludes_zero: bool,
    /// Statements resampled.
    pub statements: usize,
}

/// The paired comparison of two models: `{"resamples": 1000, "seed": 42, "confidence": 0.95,
/// "differences": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Resamples drawn.
    pub resamples: usize,
    /// Seed of the draws.
    pub seed: u64,
    /// Coverage of the intervals.
    pub confidence: f64,
    /// Each headline figure of each label column both models predict and the rows label.
    pub differences: Vec<Difference>,
}

/// Scores `other` on the rows of `scored` and compares the two by the paired bootstrap.
/// Fails, before running `other`, when the models label a column of the rows differently
/// (other labels, or a head only one of them has).
pub fn compare(
    scored: &Scored<'_>,
    other: &StanceModel,
    bootstrap: &Bootstrap,
) -> Result<Comparison, Error> {
    for task in Task::ALL {
        if !scored.rows.iter().any(|row| row.label(task).is_some()) {
            continue;
        }
        let mine = scored
            .tasks
            .iter()
            .find(|t| t.task == task)
            .map(|t| &t.model_labels);
        let theirs = other
            .heads
            .iter()
            .find(|h| h.task == task)
            .map(|h| &h.labels);
        if mine != theirs {
            let describe = |labels: Option<&Vec<String>>| {
                labels.map_or(format!("none (no {} head)", task.name()), |l| {
                    format!("[{}]", l.join(", "))
                })
            };
            return Err(Error::DifferentLabels {
                task: task.name().into(),
                labels: describe(mine),
                other_labels: describe(theirs),
            });
        }
    }
    let theirs = score(other, scored.rows)?;
    let mut differences = Vec::new();
    for mine in &scored.tasks {
        if let Some(theirs) = theirs.tasks.iter().find(|t| t.task == mine.task) {
            differences.extend(paired(mine, theirs, scored, bootstrap));
        }
    }
    Ok(Comparison {
        resamples: bootstrap.resamples(),
        seed: bootstrap.seed(),
        confidence: CONFIDENCE,
        differences,
    })
}

/// The differences of one label column's headline figures.
fn paired(
    mine: &ScoredTask,
    theirs: &ScoredTask,
    scored: &Scored<'_>,
    bootstrap: &Bootstrap,
) -> Vec<Difference> {
    let units = Units::of_task(mine, scored.rows);
    let point = |task: &ScoredTask| Metrics::compute(&task.labels, &task.gold, &task.predicted);
    let (model, other) = (point(mine), point(theirs));
    let mut samples: [Vec<f64>; 3] = Default::default();
    let mut draws = bootstrap.draws(units.count);
    while let Some(counts) = draws.next_counts() {
        let resampled = |task: &ScoredTask| {
            Metrics::from_confusion(&task.labels, resampled_confusion(task, &units, counts))
        };
        let (a, b) = (resampled(mine), resampled(theirs));
        for (figure, values) in Figure::ALL.into_iter().zip(&mut samples) {
            if let (Some(a), Some(b)) = (figure.of(&a), figure.of(&b)) {
                values.push(a - b);
            }
        }
    }
    Figure::ALL
        .into_iter()
        .zip(samples)
        .filter_map(|(figure, values)| {
            let (model, other) = (figure.of(&model)?, figure.of(&other)?);
            let at_most_zero = values.iter().filter(|&&d| d <= 0.0).count();
            let share_at_most_zero = at_most_zero as f64 / values.len().max(1) as f64;
            let difference_ci = percentile_interval(values)?;
            Some(Difference {
                task: mine.task,
                figure,
                model,
                other,
                difference: model - other,
                difference_ci,
                share_at_most_zero,
                excludes_zero: difference_ci.excludes_zero(),
                statements: units.count,
            })
        })
        .collect()
}

impl Comparison {
    /// A plain-text table for an 80-column terminal, naming the two models `model` and
    /// `other`.
    pub fn to_table(&self, model: &str, other: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "comparison: {model} minus {other}");
        let statements = self.differences.first().map_or(0, |d| d.statements);
        let _ = writeln!(
            out,
            "paired bootstrap, seed {}: {} resamples of {statements} statements, the same for both",
            self.seed, self.resamples
        );
        let _ = writeln!(
            out,
            "\n  {:<18} {:>6} {:>6} {:>6}  {:<15} {:>6}  excludes 0?",
            "figure", "model", "other", "diff", "95% interval", "P(≤0)"
        );
        for d in &self.differences {
            let name = format!("{} {}", d.task.name(), d.figure.name());
            let verdict = match (d.excludes_zero, d.difference > 0.0) {
                (false, _) => "no",
                (true, true) => "yes: better",
                (true, false) => "yes: worse",
            };
            let _ = writeln!(
                out,
                "  {:<18} {:>6.1} {:>6.1} {:>6}  {:<15} {:>6.3}  {verdict}",
                name,
                100.0 * d.model,
                100.0 * d.other,
                signed_percent(d.difference),
                format!(
                    "[{}, {}]",
                    signed_percent(d.difference_ci.low),
                    signed_percent(d.difference_ci.high)
                ),
                d.share_at_most_zero,
            );
        }
        let _ = writeln!(
            out,
            "\n  diff: model minus other, in points. P(≤0): share of resamples where the model\n  \
             does no better. An interval that excludes 0 marks a difference that resampling\n  \
             the statements does not explain away."
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::corpus::Row;

    fn rows(n: usize) -> Vec<Row> {
        (0..n)
            .map(|i| Row {
                id: None,
                text: format!("statement {}", i / 2),
                context: None,
                actor: "A".into(),
                speaker: None,
                article: None,
                stance: Some("favor".into()),
                sentiment: None,
                mention: None,
                line: i as u64 + 2,
                carried: Default::default(),
            })
            .collect()
    }

    fn task(gold: &[usize], predicted: &[usize]) -> ScoredTask {
        let labels: Vec<String> = ["against", "favor", "neutral"].map(String::from).to_vec();
        ScoredTask {
            task: Task::Stance,
            model_labels: labels.clone(),
            labels,
            rows: (0..gold.len()).collect(),
            gold: gold.to_vec(),
            predicted: predicted.to_vec(),
            confidence: vec![0.5; gold.len()],
            majority: 0,
        }
    }

    const GOLD: [usize; 12] = [0, 0, 1, 1, 2, 2, 0, 1, 2, 0, 1, 2];

    #[test]
    fn a_model_against_itself_differs_by_nothing() {
        let rows = rows(GOLD.len());
        let guess = [0, 1, 1, 1, 2, 0, 0, 1, 2, 2, 1, 2];
        let scored = Scored {
            rows: &rows,
            tasks: vec![task(&GOLD, &guess)],
        };
        let bootstrap = Bootstrap::new(300, 5).unwrap();
        let differences = paired(&scored.tasks[0], &scored.tasks[0], &scored, &bootstrap);
        assert_eq!(differences.len(), 3);
        for d in differences {
            assert_eq!(d.difference, 0.0);
            assert_eq!((d.difference_ci.low, d.difference_ci.high), (0.0, 0.0));
            assert_eq!(d.share_at_most_zero, 1.0);
            assert!(!d.excludes_zero);
            assert_eq!(d.statements, 6);
        }
    }

    #[test]
    fn a_model_right_everywhere_beats_one_right_half_the_time() {
        let rows = rows(40);
        let gold: Vec<usize> = (0..40).map(|i| i % 3).collect();
        let half: Vec<usize> = (0..40).map(|i| if i % 4 < 2 { i % 3 } else { 0 }).collect();
        let scored = Scored {
            rows: &rows,
            tasks: vec![task(&gold, &gold)],
        };
        let bootstrap = Bootstrap::default();
        let differences = paired(&scored.tasks[0], &task(&gold, &half), &scored, &bootstrap);
        let accuracy = &differences[0];
        assert_eq!(accuracy.figure, Figure::Accuracy);
        assert!(accuracy.difference > 0.3, "{accuracy:?}");
        assert!(accuracy.difference_ci.contains(accuracy.difference));
        assert!(accuracy.excludes_zero && accuracy.share_at_most_zero == 0.0);
        assert_eq!(
            paired(&scored.tasks[0], &task(&gold, &half), &scored, &bootstrap),
            differences,
            "the same seed gives the same comparison"
        );
        let table = Comparison {
            resamples: 1000,
            seed: 42,
            confidence: CONFIDENCE,
            differences,
        }
        .to_table("a", "b");
        assert!(table.contains("stance accuracy"), "{table}");
        assert!(table.contains("yes: better"), "{table}");
        assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    }

    #[test]
    fn figures_serialise_in_snake_case() {
        let json = serde_json::to_string(&Figure::ALL).unwrap();
        assert_eq!(json, r#"["accuracy","macro_f1","f_avg"]"#);
    }
}
