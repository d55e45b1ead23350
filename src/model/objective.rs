//! The training objective of multinomial logistic regression on sparse rows.
//!
//! Summed, sample-weighted log-loss plus `alpha / 2 * ||W||^2`, the intercept unpenalised
//! (linfa-logistic's objective, with row weights). The parameters are one flat vector, the
//! `features × classes` weights row by row and then one intercept per class, so feature
//! `j`'s weight for class `c` sits at `j * classes + c`.
//!
//! Every product with the data runs on the CSR rows themselves, never on a transposed copy
//! (which would double the memory training needs): `X V` row by row in parallel, `Xᵀ R` by
//! adding each row's share into one of a few accumulators fixed by the number of rows (never
//! by the number of threads) that are then summed in order. Every sum runs in a fixed order,
//! so no result depends on the number of threads. The solvers
//! ([`super::newton`], and L-BFGS in [`super::logistic`]) ask this module for values,
//! gradients, Hessian products and the Hessian's diagonal; nothing else touches the data.

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use crate::features::SparseRows;

/// The objective over one training set.
pub(crate) struct Objective<'a> {
    x: &'a SparseRows,
    /// Targets, rows × classes, row-major.
    y: Vec<f64>,
    /// One weight per row.
    weights: &'a [f64],
    alpha: f64,
    classes: usize,
}

/// What the objective needs to know about the current parameters: the scores `X W + b` and
/// the class probabilities, rows × classes.
pub(crate) struct Point {
    pub(crate) scores: Vec<f64>,
    pub(crate) probabilities: Vec<f64>,
    /// The objective's value.
    pub(crate) value: f64,
}

impl<'a> Objective<'a> {
    /// The objective of rows `x` with targets `y` (rows × classes), row weights `weights`
    /// and penalty `alpha`.
    pub(crate) fn new(x: &'a SparseRows, y: &Array2<f64>, weights: &'a [f64], alpha: f64) -> Self {
        Objective {
            x,
            y: y.as_standard_layout().iter().copied().collect(),
            weights,
            alpha,
            classes: y.ncols(),
        }
    }

    /// Length of the parameter vector: `(features + 1) * classes`.
    pub(crate) fn len(&self) -> usize {
        (self.x.cols() + 1) * self.classes
    }

    /// The penalty's curvature, `alpha`: the Hessian's part from `alpha / 2 * ||W||^2`.
    pub(crate) fn penalty_curvature(&self) -> f64 {
        self.alpha
    }

    /// Where the intercepts start in the parameter vector.
    pub(crate) fn intercept_start(&self) -> usize {
        self.x.cols() * self.classes
    }

    /// `X W + b` for the parameters `params` (a direction works as well as a point).
    pub(crate) fn scores(&self, params: &[f64]) -> Vec<f64> {
        let k = self.classes;
        let (w, b) = params.split_at(self.intercept_start());
        let mut scores = vec![0.0; self.x.rows() * k];
        sparse_dot_into(Selected::all(self.x), w, k, &mut scores, |v| v);
        for row in scores.chunks_mut(k) {
            row.iter_mut().zip(b).for_each(|(s, b)| *s += b);
        }
        scores
    }

    /// The point at `params` whose scores are `scores`.
    pub(crate) fn point(&self, params: &[f64], scores: Vec<f64>) -> Point {
        let mut probabilities = vec![0.0; scores.len()];
        let loss = self.loss_along(&scores, None, 0.0, Some(&mut probabilities));
        Point {
            scores,
            probabilities,
            value: loss + self.penalty(params),
        }
    }

    /// `alpha / 2 * ||W||^2`.
    pub(crate) fn penalty(&self, params: &[f64]) -> f64 {
        let w = &params[..self.intercept_start()];
        0.5 * self.alpha * dot(w, w)
    }

    /// The loss (without the penalty) at scores `scores + t * direction`; fills
    /// `probabilities` when given.
    pub(crate) fn loss_along(
        &self,
        scores: &[f64],
        direction: Option<&[f64]>,
        t: f64,
        mut probabilities: Option<&mut [f64]>,
    ) -> f64 {
        let k = self.classes;
        let mut row = vec![0.0; k];
        let mut loss = 0.0;
        for i in 0..self.x.rows() {
            let span = i * k..(i + 1) * k;
            row.copy_from_slice(&scores[span.clone()]);
            if let Some(direction) = direction {
                for (r, d) in row.iter_mut().zip(&direction[span.clone()]) {
                    *r += t * d;
                }
            }
            let max = row.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            let log_sum = max + row.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
            let targets = &self.y[span.clone()];
            let row_loss: f64 = row
                .iter()
                .zip(targets)
                .map(|(z, y)| y * (log_sum - z))
                .sum();
            loss += self.weights[i] * row_loss;
            if let Some(probabilities) = probabilities.as_deref_mut() {
                for (p, z) in probabilities[span].iter_mut().zip(&row) {
                    *p = (z - log_sum).exp();
                }
            }
        }
        loss
    }

    /// The gradient at `params`, whose probabilities are `probabilities`, into `out`.
    pub(crate) fn gradient(&self, params: &[f64], probabilities: &[f64], out: &mut [f64]) {
        let residual: Vec<f64> = probabilities
            .iter()
            .zip(&self.y)
            .enumerate()
            .map(|(at, (p, y))| self.weights[at / self.classes] * (p - y))
            .collect();
        self.transpose_product(&residual, params, out);
    }

    /// The Hessian at the point with `probabilities` times `direction`, into `out`.
    pub(crate) fn hessian_product(
        &self,
        probabilities: &[f64],
        direction: &[f64],
        out: &mut [f64],
    ) {
        let k = self.classes;
        let mut u = self.scores(direction);
        for ((u, p), w) in u
            .chunks_mut(k)
            .zip(probabilities.chunks(k))
            .zip(self.weights)
        {
            let pu: f64 = p.iter().zip(u.iter()).map(|(p, u)| p * u).sum();
            for (u, p) in u.iter_mut().zip(p) {
                *u = w * p * (*u - pu);
            }
        }
        self.transpose_product(&u, direction, out);
    }

    /// The Hessian's diagonal at the point with `probabilities`.
    pub(crate) fn hessian_diagonal(&self, probabilities: &[f64]) -> Vec<f64> {
        let curvature: Vec<f64> = probabilities
            .iter()
            .enumerate()
            .map(|(at, p)| self.weights[at / self.classes] * p * (1.0 - p))
            .collect();
        let split = self.intercept_start();
        let mut out = vec![0.0; self.len()];
        let (w, b) = out.split_at_mut(split);
        transpose_dot_into(self.x, &curvature, self.classes, w, |v| v * v);
        w.iter_mut().for_each(|v| *v += self.alpha);
        column_sums(&curvature, self.classes, b);
        out
    }

    /// `Xᵀ R + alpha * W` and the column sums of `R` (rows × classes), into `out`; `W` is
    /// the weight part of `params`.
    fn transpose_product(&self, r: &[f64], params: &[f64], out: &mut [f64]) {
        let split = self.intercept_start();
        let (w_out, b_out) = out.split_at_mut(split);
        transpose_dot_into(self.x, r, self.classes, w_out, |v| v);
        for (o, w) in w_out.iter_mut().zip(&params[..split]) {
            *o += self.alpha * w;
        }
        column_sums(r, self.classes, b_out);
    }
}

/// Sums of the columns of a row-major block with `k` columns, into `out`.
fn column_sums(block: &[f64], k: usize, out: &mut [f64]) {
    out.fill(0.0);
    for row in block.chunks(k) {
        out.iter_mut().zip(row).for_each(|(o, v)| *o += v);
    }
}

/// `a · b`, summed in order.
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// `x · w` for a CSR `x` and a thin row-major `w`, rows in parallel.
///
/// sprs multiplies by fewer than eight columns column by column, striding through `w`; with
/// two or three labels this row-major loop is several times faster. Each output row is one
/// thread's sum in a fixed order, so results do not depend on the thread count.
pub(crate) fn sparse_dot(x: &SparseRows, w: ArrayView2<f64>) -> Array2<f64> {
    sparse_dot_of(x, None, w)
}

/// `x · w` for the rows `rows` of `x` only, in that order, without copying them out.
pub(crate) fn sparse_dot_of_rows(
    x: &SparseRows,
    rows: &[usize],
    w: ArrayView2<f64>,
) -> Array2<f64> {
    sparse_dot_of(x, Some(rows), w)
}

fn sparse_dot_of(x: &SparseRows, rows: Option<&[usize]>, w: ArrayView2<f64>) -> Array2<f64> {
    let (k, selected) = (w.ncols(), Selected { x, rows });
    let w = w.as_standard_layout();
    let mut out = vec![0.0; selected.len() * k];
    let weights = w.as_slice().expect("standard layout");
    sparse_dot_into(selected, weights, k, &mut out, |v| v);
    Array2::from_shape_vec((selected.len(), k), out).expect("rows × k values")
}

/// Rows of a matrix: every row, or the rows listed, in their order.
#[derive(Clone, Copy)]
struct Selected<'a> {
    x: &'a SparseRows,
    rows: Option<&'a [usize]>,
}

impl<'a> Selected<'a> {
    /// Every row of `x`.
    fn all(x: &'a SparseRows) -> Self {
        Selected { x, rows: None }
    }

    /// How many rows there are.
    fn len(self) -> usize {
        self.rows.map_or(self.x.rows(), <[usize]>::len)
    }

    /// The stored values of the `i`-th row and their columns.
    fn entries(self, i: usize) -> impl Iterator<Item = (f64, usize)> + 'a {
        row_entries(self.x, self.rows.map_or(i, |rows| rows[i]))
    }
}

/// `map(x) · w` into `out` (rows × `k`, row-major), `map` applied to each stored value.
fn sparse_dot_into(
    x: Selected,
    w: &[f64],
    k: usize,
    out: &mut [f64],
    map: impl Fn(f64) -> f64 + Sync,
) {
    // Two and three labels are the common heads; a fixed width lets the compiler keep a
    // row's sums in registers.
    match k {
        0 => {}
        2 => sparse_dot_fixed::<2>(x, w, out, map),
        3 => sparse_dot_fixed::<3>(x, w, out, map),
        _ => sparse_dot_rows(x.len(), out, k, |i, out_row| {
            out_row.fill(0.0);
            for (value, column) in x.entries(i) {
                let (value, row) = (map(value), &w[column * k..(column + 1) * k]);
                out_row
                    .iter_mut()
                    .zip(row)
                    .for_each(|(o, w)| *o += value * w);
            }
        }),
    }
}

fn sparse_dot_fixed<const K: usize>(
    x: Selected,
    w: &[f64],
    out: &mut [f64],
    map: impl Fn(f64) -> f64 + Sync,
) {
    let (blocks, _) = w.as_chunks::<K>();
    sparse_dot_rows(x.len(), out, K, |i, out_row| {
        let mut sums = [0.0; K];
        for (value, column) in x.entries(i) {
            let (value, row) = (map(value), &blocks[column]);
            for c in 0..K {
                sums[c] += value * row[c];
            }
        }
        out_row.copy_from_slice(&sums);
    });
}

/// The stored values of row `i` and their columns.
fn row_entries(x: &SparseRows, i: usize) -> impl Iterator<Item = (f64, usize)> + '_ {
    let span = x.indptr().outer_inds_sz(i);
    x.data()[span.clone()]
        .iter()
        .map(|&v| f64::from(v))
        .zip(x.indices()[span].iter().map(|&c| c as usize))
}

/// Fills `out` (`rows` × `k`) by `fill(row, its k slots)`, rows in parallel in fixed blocks.
fn sparse_dot_rows(
    rows: usize,
    out: &mut [f64],
    k: usize,
    fill: impl Fn(usize, &mut [f64]) + Sync,
) {
    const ROWS_PER_TASK: usize = 256;
    debug_assert_eq!(out.len(), rows * k);
    out.par_chunks_mut(ROWS_PER_TASK * k)
        .enumerate()
        .for_each(|(chunk, block)| {
            for (r, out_row) in block.chunks_mut(k).enumerate() {
                fill(chunk * ROWS_PER_TASK + r, out_row);
            }
        });
}

/// Rows per accumulator of [`transpose_dot_into`]: below this many rows one accumulator
/// does.
const ROWS_PER_LANE: usize = 2048;
/// Most accumulators of [`transpose_dot_into`].
const LANES: usize = 4;

/// `map(x)ᵀ · r` into `out` (columns × `k`, row-major) for `r` rows × `k`, on the rows
/// themselves.
///
/// The rows are cut into at most [`LANES`] contiguous ranges, a number fixed by the row count
/// alone; each range adds its rows' shares in order into an accumulator of its own (in
/// parallel), and the accumulators are summed in range order. So the sums, and the result,
/// are the same on any number of threads, and the extra memory is a few parameter vectors.
fn transpose_dot_into(
    x: &SparseRows,
    r: &[f64],
    k: usize,
    out: &mut [f64],
    map: impl Fn(f64) -> f64 + Sync,
) {
    let rows = x.rows();
    let lanes = rows.div_ceil(ROWS_PER_LANE).clamp(1, LANES);
    let per_lane = rows.div_ceil(lanes).max(1);
    let add_rows = |range: std::ops::Range<usize>, into: &mut [f64]| match k {
        2 => add_row_shares::<2>(x, r, range, into, &map),
        3 => add_row_shares::<3>(x, r, range, into, &map),
        _ => {
            for i in range {
                let shares = &r[i * k..(i + 1) * k];
                for (value, column) in row_entries(x, i) {
                    let value = map(value);
                    let slots = &mut into[column * k..(column + 1) * k];
                    slots
                        .iter_mut()
                        .zip(shares)
                        .for_each(|(o, s)| *o += value * s);
                }
            }
        }
    };
    out.fill(0.0);
    if lanes == 1 {
        add_rows(0..rows, out);
        return;
    }
    let partial: Vec<Vec<f64>> = (0..lanes)
        .into_par_iter()
        .map(|lane| {
            let mut into = vec![0.0; out.len()];
            add_rows(
                lane * per_lane..((lane + 1) * per_lane).min(rows),
                &mut into,
            );
            into
        })
        .collect();
    const SLOTS_PER_TASK: usize = 1 << 14;
    out.par_chunks_mut(SLOTS_PER_TASK)
        .enumerate()
        .for_each(|(chunk, block)| {
            let start = chunk * SLOTS_PER_TASK;
            for lane in &partial {
                let part = &lane[start..start + block.len()];
                block.iter_mut().zip(part).for_each(|(o, p)| *o += p);
            }
        });
}

/// Adds the shares `r` of rows `range`, times their values, into `into` (columns × `K`).
fn add_row_shares<const K: usize>(
    x: &SparseRows,
    r: &[f64],
    range: std::ops::Range<usize>,
    into: &mut [f64],
    map: &impl Fn(f64) -> f64,
) {
    let (shares, _) = r.as_chunks::<K>();
    let (slots, _) = into.as_chunks_mut::<K>();
    for i in range {
        let share = &shares[i];
        for (value, column) in row_entries(x, i) {
            let value = map(value);
            let slot = &mut slots[column];
            for c in 0..K {
                slot[c] += value * share[c];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::FeatureMatrix;
    use ndarray::array;

    fn data() -> (SparseRows, Array2<f64>, Vec<f64>) {
        let dense = array![
            [0.7, 0.0, 0.3, 0.0],
            [0.6, 0.2, 0.0, 0.4],
            [0.0, 0.9, 0.0, 0.1],
            [0.3, 0.5, 0.0, 0.0],
            [0.0, 0.0, 0.8, 0.2],
        ];
        let y = array![
            [1.0, 0.0, 0.0],
            [1.0, 0.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
            [0.0, 0.0, 1.0]
        ];
        (
            FeatureMatrix::from_dense(dense.view()).matrix,
            y,
            vec![1.0, 2.0, 0.5, 1.0, 3.0],
        )
    }

    fn params(len: usize, phase: f64) -> Vec<f64> {
        (0..len).map(|i| (i as f64 * 0.37 + phase).sin()).collect()
    }

    fn value(objective: &Objective, params: &[f64]) -> f64 {
        objective.point(params, objective.scores(params)).value
    }

    fn gradient(objective: &Objective, params: &[f64]) -> Vec<f64> {
        let point = objective.point(params, objective.scores(params));
        let mut g = vec![0.0; params.len()];
        objective.gradient(params, &point.probabilities, &mut g);
        g
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let (x, y, weights) = data();
        let objective = Objective::new(&x, &y, &weights, 0.3);
        let at = params(objective.len(), 0.0);
        let g = gradient(&objective, &at);
        for i in 0..at.len() {
            let (mut plus, mut minus) = (at.clone(), at.clone());
            plus[i] += 1e-6;
            minus[i] -= 1e-6;
            let numeric = (value(&objective, &plus) - value(&objective, &minus)) / 2e-6;
            assert!((numeric - g[i]).abs() < 1e-5, "{i}: {numeric} vs {}", g[i]);
        }
    }

    #[test]
    fn hessian_products_and_diagonal_match_finite_differences() {
        let (x, y, weights) = data();
        let objective = Objective::new(&x, &y, &weights, 0.3);
        let at = params(objective.len(), 0.0);
        let direction = params(objective.len(), 1.1);
        let point = objective.point(&at, objective.scores(&at));
        let mut hv = vec![0.0; at.len()];
        objective.hessian_product(&point.probabilities, &direction, &mut hv);
        let step = |t: f64| -> Vec<f64> {
            let moved: Vec<f64> = at.iter().zip(&direction).map(|(a, d)| a + t * d).collect();
            gradient(&objective, &moved)
        };
        let (plus, minus) = (step(1e-6), step(-1e-6));
        for i in 0..at.len() {
            let numeric = (plus[i] - minus[i]) / 2e-6;
            assert!(
                (numeric - hv[i]).abs() < 1e-5,
                "{i}: {numeric} vs {}",
                hv[i]
            );
        }
        let diagonal = objective.hessian_diagonal(&point.probabilities);
        for i in 0..at.len() {
            let mut unit = vec![0.0; at.len()];
            unit[i] = 1.0;
            objective.hessian_product(&point.probabilities, &unit, &mut hv);
            assert!((diagonal[i] - hv[i]).abs() < 1e-12, "{i}");
        }
    }

    #[test]
    fn loss_along_a_direction_is_the_loss_at_the_moved_scores() {
        let (x, y, weights) = data();
        let objective = Objective::new(&x, &y, &weights, 0.3);
        let (at, direction) = (params(objective.len(), 0.0), params(objective.len(), 2.0));
        let moved: Vec<f64> = at
            .iter()
            .zip(&direction)
            .map(|(a, d)| a + 0.25 * d)
            .collect();
        let along = objective.loss_along(
            &objective.scores(&at),
            Some(&objective.scores(&direction)),
            0.25,
            None,
        ) + objective.penalty(&moved);
        assert!((along - value(&objective, &moved)).abs() < 1e-12);
    }

    #[test]
    fn sparse_dot_matches_the_dense_product() {
        let (x, _, _) = data();
        let dense = x.to_dense().mapv(f64::from);
        for k in [1, 2, 3, 5] {
            let w = Array2::from_shape_fn((4, k), |(i, j)| (i * k + j) as f64 - 2.5);
            let diff = (sparse_dot(&x, w.view()) - dense.dot(&w)).mapv(f64::abs);
            assert!(diff.iter().all(|&d| d < 1e-12), "{k} columns: {diff}");
        }
        // Rows picked out, repeated and reordered, as the rows' own product gives them.
        let picked = [2, 0, 2];
        let w = Array2::from_shape_fn((4, 3), |(i, j)| (i * 3 + j) as f64 - 2.5);
        let whole = sparse_dot(&x, w.view());
        let rows = sparse_dot_of_rows(&x, &picked, w.view());
        for (row, &i) in rows.rows().into_iter().zip(&picked) {
            assert_eq!(row, whole.row(i));
        }
        let empty = FeatureMatrix::from_dense(Array2::zeros((0, 4)).view()).matrix;
        assert_eq!(
            sparse_dot(&empty, Array2::zeros((4, 3)).view()).dim(),
            (0, 3)
        );
    }

    /// Rows enough for every accumulator of `transpose_dot_into`.
    fn many_rows() -> (SparseRows, Vec<f64>) {
        let rows = ROWS_PER_LANE * LANES + 7;
        let dense = Array2::from_shape_fn((rows, 9), |(i, j)| {
            if (i * 7 + j * 3) % 5 < 2 {
                ((i * 31 + j * 17) % 101) as f64 / 101.0
            } else {
                0.0
            }
        });
        let r = (0..rows * 3).map(|i| (i as f64 * 0.61).cos()).collect();
        (FeatureMatrix::from_dense(dense.view()).matrix, r)
    }

    #[test]
    fn transpose_products_match_the_dense_product_on_any_number_of_threads() {
        let (x, r) = many_rows();
        let dense = x.to_dense().mapv(f64::from);
        let r_matrix = Array2::from_shape_vec((x.rows(), 3), r.clone()).unwrap();
        let expected = dense.t().dot(&r_matrix);
        let product = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut out = vec![f64::NAN; 9 * 3];
            pool.install(|| transpose_dot_into(&x, &r, 3, &mut out, |v| v));
            out
        };
        let one = product(1);
        for (got, want) in one.iter().zip(expected.iter()) {
            assert!((got - want).abs() < 1e-9, "{got} vs {want}");
        }
        assert_eq!(one, product(2));
        assert_eq!(one, product(3));
    }
}
