//! Why a head gave its label: the exact decomposition of a linear model's margin.
//!
//! A head's logits are `z = x·W + b`, divided by the head's temperature `T`. The margin of the
//! predicted label `a` over the runner-up `b` is `ln(p_a / p_b) = (z_a − z_b) / T`, which
//! splits exactly into one contribution per feature, `x_j · (W[j,a] − W[j,b]) / T`, and the
//! intercept's `(b_a − b_b) / T`. An [`Explanation`] lists the `K` terms that pushed most
//! toward `a`, with where in the text each came from, and sums the rest, so the intercept,
//! the listed terms and the rest add up to the margin.

use serde::Serialize;

use crate::corpus::Task;

/// One head's answer for one (statement, actor) pair, explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The head.
    pub task: Task,
    /// The predicted label.
    pub label: String,
    /// The runner-up label the margin is taken against.
    pub versus: String,
    /// `ln(p_label / p_versus)`, with the head's temperature applied.
    pub margin: f64,
    /// The intercept's share of the margin.
    pub intercept: f64,
    /// The terms that pushed most toward `label`, largest contribution first.
    pub terms: Vec<Contribution>,
    /// The sum of every other term's contribution.
    pub rest: f64,
}

/// One term's share of a margin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// The term as the model knows it, without its kind's prefix (`[target]` stands for the
    /// actor's mentions, `[other]` for another actor's).
    pub term: String,
    /// Its kind: `word`, `char`, `near-target`, `side`, `quote`, `lexicon` or `actor`.
    pub kind: &'static str,
    /// Weight difference times feature value, divided by the temperature.
    pub contribution: f64,
    /// Where the term came from, as byte ranges (see [`Origin`]).
    pub spans: Vec<SourceSpan>,
}

/// Which text a [`SourceSpan`] indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// The article the statement was found in.
    Article,
    /// A row's `text` column.
    Text,
    /// A row's `context` column.
    Context,
}

/// A byte range of the input the term came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SourceSpan {
    /// Which text.
    #[serde(rename = "in")]
    pub origin: Origin,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}
