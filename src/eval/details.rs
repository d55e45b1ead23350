//! What the page of `evaluate --report` shows beyond the report's figures: each head's
//! reliability diagram and the rows it got wrong with the most confidence, the cases a person
//! should read first.
//!
//! Both come from the scored predictions ([`Scored`]); the model runs again only to explain
//! the listed mistakes ([`explain_mistakes`]).

use serde::Serialize;

use super::metrics::{Calibration, CALIBRATION_BINS};
use super::report::{Scored, ScoredTask};
use crate::corpus::{Row, Task};
use crate::error::Error;
use crate::model::explain::Explanation;
use crate::model::StanceModel;

/// Mistakes the page lists per head.
pub const DEFAULT_MISTAKES: usize = 20;

/// One row a head labelled wrong.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfidentMistake {
    /// Index of the row among the rows scored.
    pub row: usize,
    /// The row's text.
    pub text: String,
    /// The actor the row is about.
    pub actor: String,
    /// The gold label.
    pub gold: String,
    /// The predicted label.
    pub predicted: String,
    /// The probability the head gave the predicted label.
    pub probability: f64,
    /// Why the head gave it: the terms that pushed most toward it, where explained.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
}

/// One head's reliability diagram and most confident mistakes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskDetails {
    /// The label column.
    pub task: Task,
    /// Predicted-label probability against accuracy, in [`CALIBRATION_BINS`] bins (the
    /// calibration error of the report).
    pub calibration: Calibration,
    /// The mistakes with the highest predicted-label probability, highest first.
    pub mistakes: Vec<ConfidentMistake>,
    /// Rows labelled wrong in all, listed or not.
    pub wrong: usize,
}

impl Scored<'_> {
    /// Each head's calibration and its `limit` most confident mistakes.
    pub fn details(&self, limit: usize) -> Vec<TaskDetails> {
        self.tasks
            .iter()
            .map(|scored| self.task_details(scored, limit))
            .collect()
    }

    fn task_details(&self, scored: &ScoredTask, limit: usize) -> TaskDetails {
        let correct: Vec<bool> = scored
            .gold
            .iter()
            .zip(&scored.predicted)
            .map(|(g, p)| g == p)
            .collect();
        let mistakes = most_confident_mistakes(&correct, &scored.confidence, limit)
            .into_iter()
            .map(|position| {
                let row = scored.rows[position];
                ConfidentMistake {
                    row,
                    text: self.rows[row].text.clone(),
                    actor: self.rows[row].actor.clone(),
                    gold: scored.labels[scored.gold[position]].clone(),
                    predicted: scored.labels[scored.predicted[position]].clone(),
                    probability: scored.confidence[position],
                    explanation: None,
                }
            })
            .collect();
        TaskDetails {
            task: scored.task,
            calibration: Calibration::compute(&scored.confidence, &correct, CALIBRATION_BINS),
            mistakes,
            wrong: correct.iter().filter(|right| !**right).count(),
        }
    }
}

/// Terms each mistake's explanation lists.
pub const EXPLANATION_TERMS: usize = 5;

/// Gives each listed mistake of `details` its explanation with the `k` terms that pushed most
/// toward the predicted label ([`StanceModel::explain_rows`]); `model` and `rows` are those
/// the details were scored from. Only the listed rows are explained.
pub fn explain_mistakes(
    details: &mut [TaskDetails],
    model: &StanceModel,
    rows: &[Row],
    k: usize,
) -> Result<(), Error> {
    let mut listed: Vec<usize> = details
        .iter()
        .flat_map(|detail| detail.mistakes.iter().map(|m| m.row))
        .filter(|&row| row < rows.len())
        .collect();
    listed.sort_unstable();
    listed.dedup();
    let subset: Vec<Row> = listed.iter().map(|&row| rows[row].clone()).collect();
    let explanations = model.explain_rows(&subset, k)?;
    for detail in details {
        for mistake in &mut detail.mistakes {
            let Ok(at) = listed.binary_search(&mistake.row) else {
                continue;
            };
            // The explanation is of the head's answer, the label the mistake shows.
            mistake.explanation = explanations[at]
                .iter()
                .find(|e| e.task == detail.task && e.label == mistake.predicted)
                .cloned();
        }
    }
    Ok(())
}

/// The positions of the `limit` wrong predictions with the highest probability, highest first;
/// of equal probabilities, the earlier row first.
fn most_confident_mistakes(correct: &[bool], confidence: &[f64], limit: usize) -> Vec<usize> {
    let mut wrong: Vec<usize> = (0..correct.len().min(confidence.len()))
        .filter(|&i| !correct[i])
        .collect();
    wrong.sort_by(|&a, &b| confidence[b].total_cmp(&confidence[a]).then(a.cmp(&b)));
    wrong.truncate(limit);
    wrong
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mistakes_come_most_confident_first() {
        let correct = [false, true, false, false, true, false];
        let confidence = [0.4, 0.99, 0.8, 0.4, 0.95, 0.9];
        assert_eq!(
            most_confident_mistakes(&correct, &confidence, 10),
            [5, 2, 0, 3]
        );
        assert_eq!(most_confident_mistakes(&correct, &confidence, 2), [5, 2]);
        assert!(most_confident_mistakes(&[true], &[0.7], 5).is_empty());
    }

    #[test]
    fn details_name_rows_labels_and_probabilities() {
        let row = |text: &str, actor: &str| Row::labelled(None, text, actor);
        let rows = [row("a", "X"), row("b", "Y"), row("c", "X"), row("d", "Y")];
        let scored = Scored {
            rows: &rows,
            tasks: vec![ScoredTask {
                task: Task::Stance,
                model_labels: vec!["against".into(), "favor".into()],
                labels: vec!["against".into(), "favor".into()],
                // The second row has no stance label.
                rows: vec![0, 2, 3],
                gold: vec![0, 1, 1],
                predicted: vec![1, 1, 0],
                confidence: vec![0.6, 0.9, 0.75],
                majority: 0,
            }],
        };
        let details = scored.details(DEFAULT_MISTAKES);
        let stance = &details[0];
        assert_eq!((stance.task, stance.wrong), (Task::Stance, 2));
        let shown: Vec<(usize, &str, &str, &str, f64)> = stance
            .mistakes
            .iter()
            .map(|m| {
                (
                    m.row,
                    m.text.as_str(),
                    m.gold.as_str(),
                    m.predicted.as_str(),
                    m.probability,
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (3, "d", "favor", "against", 0.75),
                (0, "a", "against", "favor", 0.6)
            ]
        );
        assert_eq!(stance.mistakes[0].actor, "Y");
        let rows_binned: usize = stance.calibration.bins.iter().map(|b| b.rows).sum();
        assert_eq!(rows_binned, 3);
        assert_eq!(stance.calibration.bins.len(), CALIBRATION_BINS);
    }
}
