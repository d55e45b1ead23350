//! Multinomial logistic regression on sparse features.
//!
//! The objective is linfa-logistic's: summed (here sample-weighted) log-loss plus
//! `alpha / 2 * ||W||^2` with `alpha = 1 / C` and the intercept unpenalised ([`super::objective`]),
//! minimised by Newton's method with conjugate gradients ([`super::newton`]) or by the same
//! `argmin` L-BFGS with More-Thuente line search that linfa-logistic uses. Unlike
//! linfa-logistic it never densifies the features and it honours sample weights, which
//! `--class-weight balanced` needs. `Solver::Linfa` trains through linfa-logistic itself, as
//! the reference.

use std::borrow::Cow;
use std::cell::RefCell;

use argmin::core::{CostFunction, Executor, Gradient, State, TerminationReason, TerminationStatus};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use linfa::dataset::{DatasetBase, Records};
use linfa::traits::{Fit, Predict, PredictInplace};
use linfa::ParamGuard;
use ndarray::{s, Array1, Array2, Axis};
use serde::{Deserialize, Serialize};

use super::newton::{self, Solution};
use super::objective::{sparse_dot, sparse_dot_of_rows, Objective, Point};
use crate::error::Error;
use crate::features::{FeatureMatrix, SparseRows};
use crate::param::Param;

/// How rows are weighted in the loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClassWeight {
    /// Every row counts once.
    #[default]
    None,
    /// Rows weighted by `n / (k * n_class)`, as scikit-learn's `class_weight="balanced"`.
    Balanced,
}

/// Which optimiser trains the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Solver {
    /// Newton's method with preconditioned conjugate gradients on the sparse matrix, as
    /// liblinear (the default; see `model/newton.rs`).
    #[default]
    Newton,
    /// L-BFGS on the sparse matrix, with the More-Thuente line search linfa-logistic uses.
    Lbfgs,
    /// linfa-logistic's `MultiLogisticRegression` on a dense copy: the reference, for small
    /// vocabularies; it cannot weight rows.
    Linfa,
}

/// Validated hyperparameters; built by [`LogisticParams`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ValidLogisticParams {
    c: f64,
    max_iterations: u64,
    gradient_tolerance: f64,
    class_weight: ClassWeight,
    solver: Solver,
}

/// The defaults, the one place they are set: [`LogisticParams::default`] starts from them and
/// the command line's flags show and take them.
impl Default for ValidLogisticParams {
    fn default() -> Self {
        ValidLogisticParams {
            c: 10.0,
            max_iterations: 300,
            gradient_tolerance: 1e-4,
            class_weight: ClassWeight::Balanced,
            solver: Solver::Newton,
        }
    }
}

/// Hyperparameters of the fitted `LinearModel`, checked by [`ParamGuard`]. Serialised as its fields, as
/// a model's metadata records them.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LogisticParams(ValidLogisticParams);

impl LogisticParams {
    /// Inverse regularisation strength (`alpha = 1 / c`). Default 10.
    pub fn c(mut self, c: f64) -> Self {
        self.0.c = c;
        self
    }

    /// Most iterations of the solver (Newton steps or L-BFGS iterations). Default 300.
    pub fn max_iterations(mut self, max_iterations: u64) -> Self {
        self.0.max_iterations = max_iterations;
        self
    }

    /// Stop when the gradient's norm, divided by the summed row weights, falls below this.
    /// Default 1e-4.
    pub fn gradient_tolerance(mut self, tolerance: f64) -> Self {
        self.0.gradient_tolerance = tolerance;
        self
    }

    /// Row weighting. Default [`ClassWeight::Balanced`].
    pub fn class_weight(mut self, class_weight: ClassWeight) -> Self {
        self.0.class_weight = class_weight;
        self
    }

    /// Optimiser. Default [`Solver::Newton`].
    pub fn solver(mut self, solver: Solver) -> Self {
        self.0.solver = solver;
        self
    }
}

impl ParamGuard for LogisticParams {
    type Checked = ValidLogisticParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&ValidLogisticParams, Error> {
        let invalid = |param: Param, value: String, expected: &str| {
            Err(Error::InvalidValue {
                param,
                value,
                expected: expected.into(),
            })
        };
        let p = &self.0;
        if !(p.c.is_finite() && p.c > 0.0) {
            return invalid(Param::C, p.c.to_string(), "a positive finite number");
        }
        if p.max_iterations == 0 {
            return invalid(Param::MaxIter, "0".into(), "at least 1");
        }
        if !(p.gradient_tolerance.is_finite() && p.gradient_tolerance > 0.0) {
            return invalid(
                Param::Tolerance,
                p.gradient_tolerance.to_string(),
                "a positive number",
            );
        }
        if p.solver == Solver::Linfa && p.class_weight == ClassWeight::Balanced {
            return invalid(
                Param::Solver,
                "linfa".into(),
                "lbfgs with --class-weight balanced (linfa-logistic ignores row weights)",
            );
        }
        Ok(p)
    }

    fn check(self) -> Result<ValidLogisticParams, Error> {
        self.check_ref()?;
        Ok(self.0)
    }
}

impl ValidLogisticParams {
    /// Inverse regularisation strength.
    pub fn c(&self) -> f64 {
        self.c
    }

    /// Most iterations of the solver.
    pub fn max_iterations(&self) -> u64 {
        self.max_iterations
    }

    /// The gradient tolerance at which the solver stops.
    pub fn gradient_tolerance(&self) -> f64 {
        self.gradient_tolerance
    }

    /// Row weighting.
    pub fn class_weight(&self) -> ClassWeight {
        self.class_weight
    }

    /// Optimiser.
    pub fn solver(&self) -> Solver {
        self.solver
    }
}

/// A fitted linear classifier: `softmax(x W + b)`.
///
/// Parameters are rounded to single precision when fitting ends and saved as such: it halves
/// the model file, changes probabilities by about 1e-7, and keeps a loaded model identical to
/// the one that was saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearModel {
    /// Features × classes.
    #[serde(with = "single_precision")]
    pub(crate) weights: Array2<f64>,
    /// One per class.
    #[serde(with = "single_precision")]
    pub(crate) intercept: Array1<f64>,
    /// Solver iterations used.
    pub iterations: u64,
    /// Whether the solver met its tolerance before `max_iterations`.
    pub converged: bool,
}

/// Serialises `f64` arrays as `f32` ones (their values are already rounded to `f32`).
mod single_precision {
    use ndarray::{Array, Dimension};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<D, S>(array: &Array<f64, D>, serializer: S) -> Result<S::Ok, S::Error>
    where
        D: Dimension + Serialize,
        S: Serializer,
    {
        array.mapv(|v| v as f32).serialize(serializer)
    }

    pub fn deserialize<'de, D, De>(deserializer: De) -> Result<Array<f64, D>, De::Error>
    where
        D: Dimension + Deserialize<'de>,
        De: Deserializer<'de>,
    {
        Ok(Array::<f32, D>::deserialize(deserializer)?.mapv(f64::from))
    }
}

impl LinearModel {
    /// A model from its parameters: `weights` features × `classes`, row by row, and one
    /// intercept per class.
    pub(crate) fn from_parts(
        weights: Vec<f64>,
        intercept: Vec<f64>,
        iterations: u64,
        converged: bool,
    ) -> Result<Self, String> {
        let classes = intercept.len();
        if classes == 0 || !weights.len().is_multiple_of(classes) {
            return Err(format!("{} weights for {classes} classes", weights.len()));
        }
        let weights = Array2::from_shape_vec((weights.len() / classes, classes), weights)
            .map_err(|err| err.to_string())?;
        Ok(LinearModel {
            weights,
            intercept: Array1::from(intercept),
            iterations,
            converged,
        })
    }

    /// The weights row by row (feature by feature), then the intercept.
    pub(crate) fn parameters(&self) -> (impl Iterator<Item = f64> + '_, &[f64]) {
        (
            self.weights.iter().copied(),
            self.intercept.as_slice().unwrap_or(&[]),
        )
    }

    /// Rounds the parameters to the single precision they are saved in.
    fn rounded(mut self) -> Self {
        let round = |v: &mut f64| *v = f64::from(*v as f32);
        self.weights.iter_mut().for_each(round);
        self.intercept.iter_mut().for_each(round);
        self
    }
}

/// The rows a model trains on: the whole feature matrix borrowed, or a selection of it.
#[derive(Debug, Clone)]
pub(crate) struct TrainingRows<'a>(pub(crate) Cow<'a, FeatureMatrix>);

impl From<FeatureMatrix> for TrainingRows<'_> {
    fn from(matrix: FeatureMatrix) -> Self {
        TrainingRows(Cow::Owned(matrix))
    }
}

impl Records for FeatureMatrix {
    type Elem = f64;

    fn nsamples(&self) -> usize {
        self.rows()
    }

    fn nfeatures(&self) -> usize {
        self.cols()
    }
}

impl Records for TrainingRows<'_> {
    type Elem = f64;

    fn nsamples(&self) -> usize {
        self.0.rows()
    }

    fn nfeatures(&self) -> usize {
        self.0.cols()
    }
}

/// Training data for [`LinearModel`]: sparse rows and one-hot (or soft) targets, rows ×
/// classes; optional dataset weights multiply the class weights.
pub(crate) type TrainingSet<'a> = DatasetBase<TrainingRows<'a>, Array2<f64>>;

impl<'a> Fit<TrainingRows<'a>, Array2<f64>, Error> for ValidLogisticParams {
    type Object = LinearModel;

    fn fit(&self, dataset: &TrainingSet<'a>) -> Result<LinearModel, Error> {
        let x = &dataset.records.0;
        let y = &dataset.targets;
        if x.rows() != y.nrows() {
            return Err(Error::Model {
                message: format!("{} feature rows but {} targets", x.rows(), y.nrows()),
            });
        }
        if x.rows() == 0 {
            return Err(Error::NoData("no rows to train on".into()));
        }
        let weights = self.row_weights(dataset);
        let model = match self.solver {
            Solver::Newton | Solver::Lbfgs => self.fit_sparse(&x.matrix, y, weights)?,
            Solver::Linfa => self.fit_linfa(&x.matrix, y)?,
        };
        Ok(model.rounded())
    }
}

impl ValidLogisticParams {
    fn row_weights(&self, dataset: &TrainingSet) -> Array1<f64> {
        let y = &dataset.targets;
        let mut weights = Array1::ones(y.nrows());
        if self.class_weight == ClassWeight::Balanced {
            let counts = y.sum_axis(Axis(0));
            let present = counts.iter().filter(|&&c| c > 0.0).count() as f64;
            let n = y.nrows() as f64;
            let class_weight = counts.mapv(|c| if c > 0.0 { n / (present * c) } else { 0.0 });
            weights = y.dot(&class_weight);
        }
        if let Some(given) = dataset.weights() {
            for (w, &g) in weights.iter_mut().zip(given) {
                *w *= f64::from(g);
            }
        }
        weights
    }

    /// Fits on the columns some row uses, then puts their weights back in place.
    ///
    /// A column no row uses has gradient `alpha * w` alone, so its weight stays zero from the
    /// zero start; leaving it out gives the same optimum with a shorter parameter vector, which
    /// is what L-BFGS's own vector work scales with. A per-actor model sees a fraction of the
    /// vocabulary; a model on every training row uses every column and is fitted as it is.
    fn fit_sparse(
        &self,
        x: &SparseRows,
        y: &Array2<f64>,
        weights: Array1<f64>,
    ) -> Result<LinearModel, Error> {
        let mut used = vec![false; x.cols()];
        for &column in x.indices() {
            used[column as usize] = true;
        }
        let used: Vec<usize> = (0..x.cols()).filter(|&c| used[c]).collect();
        if used.len() == x.cols() {
            return self.fit_sparse_columns(x, y, weights);
        }
        let mut position = vec![0; x.cols()];
        for (new, &old) in used.iter().enumerate() {
            position[old] = new as u32;
        }
        let indices = x.indices().iter().map(|&c| position[c as usize]).collect();
        let compact = SparseRows::new(
            (x.rows(), used.len()),
            x.indptr().to_proper().to_vec(),
            indices,
            x.data().to_vec(),
        );
        let fitted = self.fit_sparse_columns(&compact, y, weights)?;
        let mut weights = Array2::zeros((x.cols(), y.ncols()));
        for (new, &old) in used.iter().enumerate() {
            weights.row_mut(old).assign(&fitted.weights.row(new));
        }
        Ok(LinearModel { weights, ..fitted })
    }

    fn fit_sparse_columns(
        &self,
        x: &SparseRows,
        y: &Array2<f64>,
        weights: Array1<f64>,
    ) -> Result<LinearModel, Error> {
        let n_features = x.cols();
        let row_weights = weights.as_slice().expect("a fresh array is contiguous");
        let objective = Objective::new(x, y, row_weights, 1.0 / self.c);
        // The tolerance is per unit of row weight, as scikit-learn scales its loss per row, so
        // the same setting stops at the same precision whatever the data's size.
        let tolerance = self.gradient_tolerance * weights.sum().max(1.0);
        let solution = match self.solver {
            Solver::Lbfgs => lbfgs(objective, tolerance, self.max_iterations)?,
            _ => newton::minimise(&objective, tolerance, self.max_iterations),
        };
        let params = Array2::from_shape_vec((n_features + 1, y.ncols()), solution.params)
            .map_err(solver_error)?;
        Ok(LinearModel {
            weights: params.slice(s![..n_features, ..]).to_owned(),
            intercept: params.row(n_features).to_owned(),
            iterations: solution.iterations,
            converged: solution.converged,
        })
    }

    fn fit_linfa(&self, x: &SparseRows, y: &Array2<f64>) -> Result<LinearModel, Error> {
        use linfa_logistic::MultiLogisticRegression;
        let classes: Array1<usize> = y
            .rows()
            .into_iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .fold(0, |best, (k, &v)| if v > row[best] { k } else { best })
            })
            .collect();
        let dataset = DatasetBase::new(x.to_dense().mapv(f64::from), classes);
        let fitted = MultiLogisticRegression::default()
            .alpha(1.0 / self.c)
            .max_iterations(self.max_iterations)
            .gradient_tolerance(self.gradient_tolerance)
            .fit(&dataset)
            .map_err(solver_error)?;
        // linfa-logistic only knows the classes it saw; absent ones never win.
        let mut weights = Array2::zeros((x.cols(), y.ncols()));
        let mut intercept = Array1::from_elem(y.ncols(), f64::NAN);
        for (column, &class) in fitted.classes().iter().enumerate() {
            weights
                .column_mut(class)
                .assign(&fitted.params().column(column));
            intercept[class] = fitted.intercept()[column];
        }
        let floor = intercept
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::min)
            - 50.0;
        intercept.mapv_inplace(|v| if v.is_finite() { v } else { floor });
        Ok(LinearModel {
            weights,
            intercept,
            iterations: self.max_iterations,
            converged: true,
        })
    }
}

impl From<linfa::Error> for Error {
    fn from(err: linfa::Error) -> Self {
        solver_error(err)
    }
}

fn solver_error(err: impl std::fmt::Display) -> Error {
    Error::Model {
        message: err.to_string(),
    }
}

impl LinearModel {
    /// Class probabilities, rows × classes.
    pub(crate) fn probabilities(&self, x: &FeatureMatrix) -> Array2<f64> {
        self.probabilities_from(sparse_dot(&x.matrix, self.weights.view()))
    }

    /// Class probabilities of the rows `rows` of `x`, in that order, rows × classes.
    pub(crate) fn probabilities_of_rows(&self, x: &FeatureMatrix, rows: &[usize]) -> Array2<f64> {
        self.probabilities_from(sparse_dot_of_rows(&x.matrix, rows, self.weights.view()))
    }

    fn probabilities_from(&self, mut scores: Array2<f64>) -> Array2<f64> {
        scores += &self.intercept;
        softmax_rows(&mut scores);
        scores
    }
}

impl PredictInplace<FeatureMatrix, Array1<usize>> for LinearModel {
    fn predict_inplace(&self, x: &FeatureMatrix, y: &mut Array1<usize>) {
        let probabilities = self.probabilities(x);
        for (target, row) in y.iter_mut().zip(probabilities.rows()) {
            *target = argmax(row.iter().copied());
        }
    }

    fn default_target(&self, x: &FeatureMatrix) -> Array1<usize> {
        Array1::zeros(x.rows())
    }
}

impl Predict<&FeatureMatrix, Array1<usize>> for LinearModel {
    fn predict(&self, x: &FeatureMatrix) -> Array1<usize> {
        let mut y = self.default_target(x);
        self.predict_inplace(x, &mut y);
        y
    }
}

/// Index of the largest value; the first on ties.
pub fn argmax(values: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}

fn softmax_rows(scores: &mut Array2<f64>) {
    for mut row in scores.rows_mut() {
        let max = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        row.mapv_inplace(|v| (v - max).exp());
        let sum = row.sum();
        row /= sum;
    }
}

/// Minimises `objective` with argmin's L-BFGS (memory 10, More-Thuente line search).
fn lbfgs(objective: Objective, tolerance: f64, max_iterations: u64) -> Result<Solution, Error> {
    let init = Array1::<f64>::zeros(objective.len());
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 10)
        .with_tolerance_grad(tolerance)
        .map_err(solver_error)?;
    let problem = Problem {
        objective,
        cache: RefCell::new(None),
    };
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(init).max_iters(max_iterations))
        .run()
        .map_err(solver_error)?;
    let state = result.state();
    let converged = !matches!(
        state.get_termination_status(),
        TerminationStatus::Terminated(TerminationReason::MaxItersReached)
    );
    let params = state.get_best_param().ok_or_else(|| Error::Model {
        message: "the solver returned no parameters".into(),
    })?;
    Ok(Solution {
        params: params.to_vec(),
        iterations: state.get_iter(),
        converged,
    })
}

/// The objective as argmin's L-BFGS sees it.
struct Problem<'a> {
    objective: Objective<'a>,
    /// The last parameters and their point: L-BFGS asks for the cost and the gradient at
    /// the same point, and the product with X is most of the work.
    cache: RefCell<Option<(Array1<f64>, Point)>>,
}

impl Problem<'_> {
    fn with_point<T>(&self, params: &Array1<f64>, then: impl FnOnce(&Point) -> T) -> T {
        let mut cache = self.cache.borrow_mut();
        if !matches!(cache.as_ref(), Some((cached, _)) if cached == params) {
            let slice = params.as_slice().expect("argmin's vectors are contiguous");
            let point = self.objective.point(slice, self.objective.scores(slice));
            *cache = Some((params.clone(), point));
        }
        then(&cache.as_ref().expect("just filled").1)
    }
}

impl CostFunction for Problem<'_> {
    type Param = Array1<f64>;
    type Output = f64;

    fn cost(&self, params: &Array1<f64>) -> Result<f64, argmin::core::Error> {
        Ok(self.with_point(params, |point| point.value))
    }
}

impl Gradient for Problem<'_> {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;

    fn gradient(&self, params: &Array1<f64>) -> Result<Array1<f64>, argmin::core::Error> {
        let slice = params.as_slice().expect("argmin's vectors are contiguous");
        let mut gradient = Array1::zeros(params.len());
        let out = gradient
            .as_slice_mut()
            .expect("a fresh array is contiguous");
        self.with_point(params, |point| {
            self.objective.gradient(slice, &point.probabilities, out)
        });
        Ok(gradient)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// A small dense problem, three classes, as a sparse matrix.
    fn problem() -> (FeatureMatrix, Array2<f64>) {
        let dense = array![
            [1.0, 0.0, 0.2],
            [0.9, 0.1, 0.0],
            [0.0, 1.0, 0.1],
            [0.1, 0.8, 0.0],
            [0.0, 0.1, 1.0],
            [0.2, 0.0, 0.9],
            [0.5, 0.5, 0.0],
            [0.0, 0.4, 0.6],
        ];
        let classes = [0, 0, 1, 1, 2, 2, 0, 2];
        let mut y = Array2::zeros((8, 3));
        for (row, &class) in classes.iter().enumerate() {
            y[[row, class]] = 1.0;
        }
        (FeatureMatrix::from_dense(dense.view()), y)
    }

    fn objective(model: &LinearModel, x: &FeatureMatrix, y: &Array2<f64>, c: f64) -> f64 {
        let p = model.probabilities(x);
        let loss: f64 = (&p.mapv(f64::ln) * y).sum();
        -loss + 0.5 / c * model.weights.iter().map(|v| v * v).sum::<f64>()
    }

    #[test]
    fn sparse_solvers_match_linfa_logistic() {
        let (x, y) = problem();
        let params = LogisticParams::default()
            .c(2.0)
            .class_weight(ClassWeight::None)
            .gradient_tolerance(1e-8);
        let dataset = DatasetBase::new(TrainingRows::from(x.clone()), y.clone());
        let linfa = params
            .solver(Solver::Linfa)
            .check()
            .unwrap()
            .fit(&dataset)
            .unwrap();
        for solver in [Solver::Newton, Solver::Lbfgs] {
            let ours = params
                .solver(solver)
                .check()
                .unwrap()
                .fit(&dataset)
                .unwrap();
            agrees_with(&ours, &linfa, &x, &y);
        }
    }

    fn agrees_with(ours: &LinearModel, linfa: &LinearModel, x: &FeatureMatrix, y: &Array2<f64>) {
        let (a, b) = (objective(ours, x, y, 2.0), objective(linfa, x, y, 2.0));
        assert!((a - b).abs() < 1e-4 * a.abs(), "objectives {a} and {b}");
        let predicted: Array1<usize> = ours.predict(x);
        let reference: Array1<usize> = linfa.predict(x);
        assert_eq!(predicted, reference);
        let diff = (&ours.probabilities(x) - &linfa.probabilities(x)).mapv(f64::abs);
        assert!(diff.iter().all(|&d| d < 1e-3), "{diff}");
        assert!(ours.converged);
    }

    #[test]
    fn balanced_weights_raise_the_minority_class() {
        let (x, mut y) = problem();
        // Make class 1 rare: relabel one of its rows as class 0.
        y.row_mut(3).assign(&array![1.0, 0.0, 0.0]);
        let dataset = DatasetBase::new(TrainingRows::from(x.clone()), y);
        let plain = LogisticParams::default()
            .class_weight(ClassWeight::None)
            .check()
            .unwrap()
            .fit(&dataset)
            .unwrap();
        let balanced = LogisticParams::default()
            .check()
            .unwrap()
            .fit(&dataset)
            .unwrap();
        let minority = |m: &LinearModel| m.probabilities(&x).column(1).sum();
        assert!(minority(&balanced) > minority(&plain));
    }

    #[test]
    fn invalid_params_are_rejected() {
        assert!(LogisticParams::default().c(0.0).check().is_err());
        assert!(LogisticParams::default().c(f64::NAN).check().is_err());
        assert!(LogisticParams::default().max_iterations(0).check().is_err());
        assert!(LogisticParams::default()
            .solver(Solver::Linfa)
            .check()
            .is_err());
    }

    #[test]
    fn training_is_deterministic() {
        let (x, y) = problem();
        let dataset = DatasetBase::new(TrainingRows::from(x), y);
        let params = LogisticParams::default().check().unwrap();
        assert_eq!(params.fit(&dataset).unwrap(), params.fit(&dataset).unwrap());
    }

    #[test]
    fn unused_columns_get_zero_weights_and_change_nothing_else() {
        let (x, y) = problem();
        // The same rows with two empty columns around the used ones: 0 and 4 of 5.
        let dense = x.matrix.to_dense().mapv(f64::from);
        let mut wide = Array2::zeros((dense.nrows(), 5));
        wide.slice_mut(s![.., 1..4]).assign(&dense);
        let wide = FeatureMatrix::from_dense(wide.view());
        let params = LogisticParams::default().check().unwrap();
        let narrow = params
            .fit(&DatasetBase::new(TrainingRows::from(x), y.clone()))
            .unwrap();
        let widened = params
            .fit(&DatasetBase::new(TrainingRows::from(wide), y))
            .unwrap();
        assert_eq!(widened.weights.row(0).to_vec(), [0.0; 3]);
        assert_eq!(widened.weights.row(4).to_vec(), [0.0; 3]);
        assert_eq!(widened.weights.slice(s![1..4, ..]), narrow.weights);
        assert_eq!(widened.intercept, narrow.intercept);
    }
}
