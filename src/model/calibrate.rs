//! Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", 2017): one
//! number `T` per head, and probabilities become `softmax(logits / T)`.
//!
//! `T` is fitted by minimising the log-loss of out-of-fold predictions (`train --cv`), so it
//! never sees a row the model that scored it was trained on. Balanced class weights and a
//! weak penalty make a logistic regression over- or under-confident; `T` corrects the scale
//! without moving any decision, because dividing every logit by the same positive number keeps
//! the largest one largest: accuracy and F1 do not change.

use crate::param::LN_TEMPERATURE_RANGE;
use argmin::core::{CostFunction, Executor};
use argmin::solver::brent::BrentOpt;

use crate::error::Error;

/// Smallest probability read, so a confident mistake costs a large but finite loss.
const FLOOR: f64 = 1e-12;

/// The temperature that minimises the mean log-loss of `probabilities` (one row per example,
/// as predicted at `T = 1`) against `gold` (indices into each row).
pub fn fit_temperature(probabilities: &[Vec<f64>], gold: &[usize]) -> Result<f64, Error> {
    if probabilities.is_empty() {
        return Ok(1.0);
    }
    let problem = LogLoss {
        log_probabilities: probabilities
            .iter()
            .map(|row| row.iter().map(|&p| p.max(FLOOR).ln()).collect())
            .collect(),
        gold,
    };
    let solver = BrentOpt::new(LN_TEMPERATURE_RANGE.0, LN_TEMPERATURE_RANGE.1);
    let result = Executor::new(problem, solver)
        .configure(|state| state.max_iters(100))
        .run()
        .map_err(|err| Error::Model {
            message: format!("fitting the temperature: {err}"),
        })?;
    let ln_t = result.state().best_param.unwrap_or(0.0);
    Ok(ln_t.exp())
}

/// Rescales one row of probabilities (predicted at `T = 1`) to `temperature`, in place.
pub fn apply_temperature(probabilities: &mut [f64], temperature: f64) {
    if temperature == 1.0 {
        return;
    }
    let scaled: Vec<f64> = probabilities
        .iter()
        .map(|&p| p.max(FLOOR).ln() / temperature)
        .collect();
    let max = scaled.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = scaled.iter().map(|&s| (s - max).exp()).sum();
    for (p, s) in probabilities.iter_mut().zip(scaled) {
        *p = (s - max).exp() / total;
    }
}

/// Mean log-loss as a function of `ln T`. Log-probabilities stand in for logits: they differ
/// from them by one constant per row, which the softmax cancels.
struct LogLoss<'a> {
    log_probabilities: Vec<Vec<f64>>,
    gold: &'a [usize],
}

impl CostFunction for LogLoss<'_> {
    type Param = f64;
    type Output = f64;

    fn cost(&self, ln_t: &f64) -> Result<f64, argmin::core::Error> {
        let t = ln_t.exp();
        let mut total = 0.0;
        for (row, &gold) in self.log_probabilities.iter().zip(self.gold) {
            let scaled = row.iter().map(|&l| l / t);
            let max = scaled.clone().fold(f64::NEG_INFINITY, f64::max);
            let log_sum = max + scaled.map(|s| (s - max).exp()).sum::<f64>().ln();
            total += log_sum - row[gold] / t;
        }
        Ok(total / self.log_probabilities.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows whose predicted label is right 70% of the time but claimed at `confidence`.
    fn rows(confidence: f64) -> (Vec<Vec<f64>>, Vec<usize>) {
        let rest = (1.0 - confidence) / 2.0;
        let probabilities = vec![vec![confidence, rest, rest]; 100];
        let gold = (0..100)
            .map(|i| if i < 70 { 0 } else { 1 + i % 2 })
            .collect();
        (probabilities, gold)
    }

    #[test]
    fn an_overconfident_model_is_cooled_to_its_accuracy() {
        let (mut probabilities, gold) = rows(0.95);
        let t = fit_temperature(&probabilities, &gold).unwrap();
        assert!(t > 1.0, "{t}");
        apply_temperature(&mut probabilities[0], t);
        // The log-loss optimum for a constant prediction is the observed frequency.
        assert!(
            (probabilities[0][0] - 0.70).abs() < 1e-3,
            "{probabilities:?}"
        );
        assert!((probabilities[0].iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn an_underconfident_model_is_sharpened() {
        let (mut probabilities, gold) = rows(0.4);
        let t = fit_temperature(&probabilities, &gold).unwrap();
        assert!(t < 1.0, "{t}");
        apply_temperature(&mut probabilities[0], t);
        assert!(
            (probabilities[0][0] - 0.70).abs() < 1e-3,
            "{probabilities:?}"
        );
    }

    #[test]
    fn the_decision_never_moves() {
        let mut row = vec![0.2, 0.5, 0.3];
        for t in [0.1, 0.5, 2.0, 10.0] {
            apply_temperature(&mut row, t);
            assert_eq!(crate::model::argmax(row.iter().copied()), 1, "{row:?}");
        }
    }
}
