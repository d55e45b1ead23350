//! Newton's method with preconditioned conjugate gradients: liblinear's solver for logistic
//! regression, here for the multinomial loss of [`super::objective`].
//!
//! Each iteration solves `H s = -g` approximately by conjugate gradients, which needs only
//! Hessian-vector products (two sparse products each, never the Hessian itself), with the
//! Hessian's diagonal as preconditioner and the quadratic model's decrease as the stopping
//! rule (Lin, Weng and Keerthi, "Trust region Newton method for large-scale logistic
//! regression", JMLR 2008; Hsia, Chiang and Lin, "Preconditioned conjugate gradient methods
//! in truncated Newton frameworks for large-scale linear classification", ACML 2018). The
//! step is then taken by a backtracking line search on the scores `X w + t X s`, which costs
//! one sparse product however many lengths it tries (liblinear 2.4's line-search variant).
//!
//! The vector work is a handful of passes per conjugate-gradient step, against the dozens an
//! L-BFGS iteration spends on its history, which is what dominates on text features with
//! many more columns than rows. Every sum runs in a fixed order, so the result does not
//! depend on the number of threads.

use super::objective::{dot, Objective, Point};

/// Armijo constant of the line search.
const SUFFICIENT_DECREASE: f64 = 0.01;
/// Most halvings of the step length.
const MAX_LINE_SEARCH: usize = 20;
/// The conjugate-gradient tolerance, relative to the quadratic model's value.
const CG_TOLERANCE: f64 = 0.5;
/// How much of the Hessian's diagonal the preconditioner takes; the rest is the penalty's
/// identity (liblinear's choice).
const PRECONDITIONER_MIX: f64 = 0.01;
/// Progress below this fraction of the objective ends the search.
const NO_PROGRESS: f64 = 1e-12;

/// The minimiser found and how the search ended.
pub(crate) struct Solution {
    pub(crate) params: Vec<f64>,
    pub(crate) iterations: u64,
    /// Whether the gradient's norm fell to the tolerance.
    pub(crate) converged: bool,
}

/// Minimises `objective` from zero until the gradient's norm is at most `tolerance` or after
/// `max_iterations` Newton steps.
pub(crate) fn minimise(objective: &Objective, tolerance: f64, max_iterations: u64) -> Solution {
    let n = objective.len();
    let mut params = vec![0.0; n];
    let mut point = objective.point(&params, objective.scores(&params));
    let mut gradient = vec![0.0; n];
    objective.gradient(&params, &point.probabilities, &mut gradient);
    let mut iterations = 0;
    let mut converged = dot(&gradient, &gradient).sqrt() <= tolerance;
    while !converged && iterations < max_iterations {
        let step = conjugate_gradient(objective, &point.probabilities, &gradient);
        let Some((moved, reached)) = line_search(objective, &params, &point, &gradient, &step)
        else {
            break;
        };
        let progress = point.value - reached.value;
        (params, point) = (moved, reached);
        objective.gradient(&params, &point.probabilities, &mut gradient);
        iterations += 1;
        converged = dot(&gradient, &gradient).sqrt() <= tolerance;
        if progress.abs() <= NO_PROGRESS * point.value.abs() {
            break;
        }
    }
    Solution {
        params,
        iterations,
        converged,
    }
}

/// An approximate solution of `H s = -g` by preconditioned conjugate gradients, stopped
/// when the quadratic model `g·s + sᵀHs / 2` stops falling fast enough.
fn conjugate_gradient(objective: &Objective, probabilities: &[f64], gradient: &[f64]) -> Vec<f64> {
    let n = gradient.len();
    let preconditioner: Vec<f64> = objective
        .hessian_diagonal(probabilities)
        .into_iter()
        .map(|d| {
            (1.0 - PRECONDITIONER_MIX) * objective.penalty_curvature() + PRECONDITIONER_MIX * d
        })
        .collect();
    let mut step = vec![0.0; n];
    let mut residual: Vec<f64> = gradient.iter().map(|g| -g).collect();
    let mut direction: Vec<f64> = residual
        .iter()
        .zip(&preconditioner)
        .map(|(r, m)| r / m)
        .collect();
    let mut z_dot_r = dot(&direction, &residual);
    let tolerance = CG_TOLERANCE.min(z_dot_r.sqrt().sqrt());
    let mut product = vec![0.0; n];
    let mut model = 0.0;
    for iteration in 1..=n.max(5) {
        objective.hessian_product(probabilities, &direction, &mut product);
        let curvature = dot(&direction, &product);
        if curvature <= 1e-16 {
            break;
        }
        let alpha = z_dot_r / curvature;
        let (mut s_dot_r, mut s_dot_g) = (0.0, 0.0);
        for i in 0..n {
            step[i] += alpha * direction[i];
            residual[i] -= alpha * product[i];
            s_dot_r += step[i] * residual[i];
            s_dot_g += step[i] * gradient[i];
        }
        let new_model = -0.5 * (s_dot_r - s_dot_g);
        let fall = new_model - model;
        if new_model > 0.0 || fall > 0.0 || iteration as f64 * fall >= tolerance * new_model {
            break;
        }
        model = new_model;
        let mut new_z_dot_r = 0.0;
        for i in 0..n {
            new_z_dot_r += residual[i] / preconditioner[i] * residual[i];
        }
        let beta = new_z_dot_r / z_dot_r;
        for i in 0..n {
            direction[i] = residual[i] / preconditioner[i] + beta * direction[i];
        }
        z_dot_r = new_z_dot_r;
    }
    centre_intercepts(objective, &mut step);
    step
}

/// Adding one constant to every class's intercept changes no probability, so the Hessian is
/// singular along it and the preconditioner can drift the step that way; removing the
/// drift keeps the intercepts summing to zero, as the gradient's own steps do.
fn centre_intercepts(objective: &Objective, step: &mut [f64]) {
    let intercepts = &mut step[objective.intercept_start()..];
    let mean = intercepts.iter().sum::<f64>() / intercepts.len() as f64;
    intercepts.iter_mut().for_each(|b| *b -= mean);
}

/// The parameters the longest of `1, 1/2, 1/4, …` along `step` reaches while lowering the
/// objective enough, and their point; `None` when no length does.
fn line_search(
    objective: &Objective,
    params: &[f64],
    point: &Point,
    gradient: &[f64],
    step: &[f64],
) -> Option<(Vec<f64>, Point)> {
    let step_scores = objective.scores(step);
    let slope = dot(gradient, step);
    let weights = objective.intercept_start();
    let (w, s) = (&params[..weights], &step[..weights]);
    let (ww, ws, ss) = (dot(w, w), dot(w, s), dot(s, s));
    let half_alpha = 0.5 * objective.penalty_curvature();
    let mut length = 1.0;
    for _ in 0..MAX_LINE_SEARCH {
        let penalty = half_alpha * (ww + 2.0 * length * ws + length * length * ss);
        let loss = objective.loss_along(&point.scores, Some(&step_scores), length, None);
        if loss + penalty - point.value <= SUFFICIENT_DECREASE * length * slope {
            let scores: Vec<f64> = point
                .scores
                .iter()
                .zip(&step_scores)
                .map(|(z, d)| z + length * d)
                .collect();
            let moved: Vec<f64> = params
                .iter()
                .zip(step)
                .map(|(p, s)| p + length * s)
                .collect();
            let reached = objective.point(&moved, scores);
            return Some((moved, reached));
        }
        length *= 0.5;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::FeatureMatrix;
    use ndarray::{array, Array2};

    #[test]
    fn reaches_a_point_where_the_gradient_vanishes() {
        let dense = array![
            [1.0, 0.0, 0.2, 0.0],
            [0.9, 0.1, 0.0, 0.3],
            [0.0, 1.0, 0.1, 0.0],
            [0.1, 0.8, 0.0, 0.2],
            [0.0, 0.1, 1.0, 0.0],
            [0.2, 0.0, 0.9, 0.1],
            [0.5, 0.5, 0.0, 0.0],
        ];
        let classes = [0, 0, 1, 1, 2, 2, 0];
        let mut y = Array2::zeros((7, 3));
        for (row, &class) in classes.iter().enumerate() {
            y[[row, class]] = 1.0;
        }
        let x = FeatureMatrix::from_dense(dense.view()).matrix;
        let weights = [1.0, 1.0, 2.0, 2.0, 1.5, 1.5, 1.0];
        let objective = Objective::new(&x, &y, &weights, 0.1);
        let solution = minimise(&objective, 1e-8, 100);
        assert!(solution.converged);
        assert!(
            solution.iterations < 30,
            "{} iterations",
            solution.iterations
        );
        let point = objective.point(&solution.params, objective.scores(&solution.params));
        let mut gradient = vec![0.0; objective.len()];
        objective.gradient(&solution.params, &point.probabilities, &mut gradient);
        assert!(dot(&gradient, &gradient).sqrt() <= 1e-8);
        let intercepts = &solution.params[objective.intercept_start()..];
        assert!(intercepts.iter().sum::<f64>().abs() < 1e-12);
    }
}
