//! Stage 5: sparse features to labels.
//!
//! A [`StanceModel`] is the trained whole: the tokeniser, the fitted feature space and one
//! [`Head`] per label column (stance, sentiment). A head is a multinomial logistic regression
//! shared by all actors, plus, with `per_actor`, one per actor that has enough rows; actors
//! without their own fall back to the shared one. [`TrainParams`] hold the settings; the
//! solver lives in `logistic`.

pub(crate) mod calibrate;
pub(crate) mod explain;
pub(crate) mod logistic;
mod newton;
mod objective;

use std::collections::BTreeMap;

use linfa::dataset::DatasetBase;
use linfa::traits::Fit;
use linfa::ParamGuard;
use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use explain::{Contribution, Explanation, Origin, SourceSpan};
use logistic::TrainingRows;
pub(crate) use logistic::{argmax, LinearModel};
pub use logistic::{ClassWeight, LogisticParams, Solver, ValidLogisticParams};

use crate::corpus::{Row, Task};
use crate::error::Error;
use crate::features::{Example, FeatureMatrix, FeatureParams, FeatureSpace};
use crate::param::{Naming, Param, LN_TEMPERATURE_RANGE, MAX_COEFFICIENT};
use crate::text::TextPipeline;

/// Everything that shapes one trained model: the features, the classifier and the actor
/// models. Its [`Default`] holds every default of training, which `stance train`'s flags show
/// and take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainParams {
    /// Feature settings.
    pub features: FeatureParams,
    /// Classifier settings.
    pub logistic: LogisticParams,
    /// Also train one model per actor. Default off.
    pub per_actor: bool,
    /// An actor gets its own model only with at least this many labelled rows. Default 30.
    pub min_actor_rows: usize,
}

/// Checks every setting: the features' ([`FeatureParams`]) and the classifier's
/// ([`LogisticParams`]). Training runs it first, so a bad setting fails before any work.
impl ParamGuard for TrainParams {
    type Checked = TrainParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&TrainParams, Error> {
        self.features.check_ref()?;
        self.logistic.check_ref()?;
        Ok(self)
    }

    fn check(self) -> Result<TrainParams, Error> {
        self.check_ref()?;
        Ok(self)
    }
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            features: FeatureParams::default(),
            logistic: LogisticParams::default(),
            per_actor: false,
            min_actor_rows: 30,
        }
    }
}

/// The classifier for one label column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Head {
    /// Which column it predicts.
    pub task: Task,
    /// Its labels, sorted; class `k` of every model is `labels[k]`.
    pub labels: Vec<String>,
    /// Rows of each label in the training data (for the majority baseline).
    pub label_counts: Vec<usize>,
    /// The model for every actor.
    pub(crate) shared: LinearModel,
    /// Models for single actors, by actor name.
    pub(crate) per_actor: BTreeMap<String, LinearModel>,
    /// Softmax temperature fitted by `train --cv` (see `calibrate`); 1 leaves the
    /// probabilities as the logistic regression gives them.
    #[serde(default = "no_scaling")]
    pub temperature: f64,
}

fn no_scaling() -> f64 {
    1.0
}

impl Head {
    /// The most frequent training label.
    pub(crate) fn majority_label(&self) -> usize {
        argmax(self.label_counts.iter().map(|&c| c as f64))
    }

    /// The model used for `actor`.
    pub(crate) fn model_for(&self, actor: &str) -> &LinearModel {
        self.per_actor.get(actor).unwrap_or(&self.shared)
    }

    /// Predicts every row of `matrix`; `actor_of(i)` is row `i`'s actor, which picks its model.
    pub(crate) fn predict<'a>(
        &self,
        matrix: &FeatureMatrix,
        actor_of: impl Fn(usize) -> &'a str,
    ) -> Vec<Prediction> {
        // Group rows by the model that serves them, so each model runs one matrix product.
        let mut groups: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
        for i in 0..matrix.rows() {
            let actor = actor_of(i);
            let key = self.per_actor.contains_key(actor).then_some(actor);
            groups.entry(key).or_default().push(i);
        }
        let mut predictions = vec![
            Prediction {
                class: 0,
                probabilities: Vec::new(),
            };
            matrix.rows()
        ];
        for (actor, indices) in groups {
            let model = actor.map_or(&self.shared, |actor| self.model_for(actor));
            let probabilities = model.probabilities_of_rows(matrix, &indices);
            for (&i, row) in indices.iter().zip(probabilities.rows()) {
                let mut probabilities = row.to_vec();
                calibrate::apply_temperature(&mut probabilities, self.temperature);
                predictions[i] = Prediction {
                    class: argmax(probabilities.iter().copied()),
                    probabilities,
                };
            }
        }
        predictions
    }
}

/// A trained model: tokeniser, features and heads.
#[derive(Debug, Clone)]
pub struct StanceModel {
    /// The tokeniser.
    pub text: TextPipeline,
    /// The fitted feature space.
    pub features: FeatureSpace,
    /// One head per label column that had labels.
    pub heads: Vec<Head>,
}

/// One head's answer for one example.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// Index into the head's labels.
    pub class: usize,
    /// Probability of every label, in the head's label order.
    pub probabilities: Vec<f64>,
}

/// What training did, for the summary and the metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSummary {
    /// Rows read.
    pub rows: usize,
    /// Word vocabulary of the tokeniser.
    pub vocabulary: usize,
    /// Feature columns.
    pub features: usize,
    /// Per head: label counts, iterations, convergence, actors with their own model.
    pub heads: Vec<HeadSummary>,
}

/// Training figures of one head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadSummary {
    /// Which column.
    pub task: Task,
    /// Labelled rows.
    pub rows: usize,
    /// Rows per label.
    pub labels: BTreeMap<String, usize>,
    /// Iterations of the shared model.
    pub iterations: u64,
    /// Whether every model of the head converged.
    pub converged: bool,
    /// Actors with a model of their own.
    pub per_actor: Vec<String>,
}

/// Training's first half: the tokeniser and feature space fitted to some rows, and those rows'
/// feature matrix. Settings of the classifier can share it (see [`crate::eval::tune`]).
#[derive(Debug, Clone)]
pub(crate) struct FittedFeatures {
    /// The tokeniser.
    pub text: TextPipeline,
    /// The fitted feature space.
    pub features: FeatureSpace,
    /// The training rows' features.
    pub matrix: FeatureMatrix,
}

impl FittedFeatures {
    /// Trains the tokeniser and the feature space on `rows` and featurises them.
    pub(crate) fn fit(rows: &[Row], params: &FeatureParams) -> Result<FittedFeatures, Error> {
        if rows.is_empty() {
            return Err(Error::NoData("no rows to train on".into()));
        }
        let texts: Vec<String> = rows.iter().map(Row::model_text).collect();
        let text = TextPipeline::train(&texts, params.vocab_min_frequency)?;
        let examples: Vec<Example> = rows
            .iter()
            .zip(&texts)
            .map(|(row, text)| Example::of_row(row, text))
            .collect();
        let features = params.fit(&text, &examples)?;
        let matrix = features.transform(&text, &examples)?;
        Ok(FittedFeatures {
            text,
            features,
            matrix,
        })
    }

    /// Featurises other rows in the same space.
    pub(crate) fn transform(&self, rows: &[Row]) -> Result<FeatureMatrix, Error> {
        with_row_examples(rows, |examples| {
            self.features.transform(&self.text, examples)
        })
    }
}

/// Runs `f` on the examples of labelled rows, each reading its [`Row::model_text`].
fn with_row_examples<T>(rows: &[Row], f: impl FnOnce(&[Example]) -> T) -> T {
    let texts: Vec<String> = rows.iter().map(Row::model_text).collect();
    let examples: Vec<Example> = rows
        .iter()
        .zip(&texts)
        .map(|(row, text)| Example::of_row(row, text))
        .collect();
    f(&examples)
}

/// Training's second half: a head for each label column with labels, fitted on the features of
/// `rows` (`matrix` row `i` is `rows[i]`). Only `params`' classifier settings are read.
pub(crate) fn fit_heads(
    rows: &[Row],
    matrix: &FeatureMatrix,
    params: &TrainParams,
) -> Result<(Vec<Head>, Vec<HeadSummary>), Error> {
    let logistic = params.logistic.check()?;
    // The heads, and below each head's models, are independent fits: run side by side, each
    // gives the same weights as alone, so the model does not depend on the thread count.
    let fitted: Vec<Option<(Head, HeadSummary)>> = Task::ALL
        .par_iter()
        .map(|&task| {
            let labelled: Vec<usize> = (0..rows.len())
                .filter(|&i| rows[i].label(task).is_some())
                .collect();
            if labelled.is_empty() {
                return Ok(None);
            }
            train_head(task, rows, &labelled, matrix, &logistic, params).map(Some)
        })
        .collect::<Result<_, Error>>()?;
    let (heads, summaries): (Vec<Head>, Vec<HeadSummary>) = fitted.into_iter().flatten().unzip();
    if heads.is_empty() {
        return Err(Error::NoData(
            "no row has a stance or sentiment label; name the label columns with \
             --stance-column / --sentiment-column"
                .into(),
        ));
    }
    Ok((heads, summaries))
}

impl StanceModel {
    /// Trains the tokeniser, the features and a head for each label column with labels.
    pub fn train(rows: &[Row], params: &TrainParams) -> Result<(StanceModel, TrainSummary), Error> {
        params.check_ref()?;
        let fitted = FittedFeatures::fit(rows, &params.features)?;
        if fitted.features.is_empty() {
            return Err(Error::InvalidValue {
                param: Param::MinDf,
                value: params.features.min_df.to_string(),
                expected: format!(
                    "a count that keeps some terms: none is in that many of the {} training rows",
                    rows.len()
                ),
            });
        }
        let (heads, summaries) = fit_heads(rows, &fitted.matrix, params)?;
        let summary = TrainSummary {
            rows: rows.len(),
            vocabulary: fitted.text.vocab_size(),
            features: fitted.features.len(),
            heads: summaries,
        };
        Ok((
            StanceModel {
                text: fitted.text,
                features: fitted.features,
                heads,
            },
            summary,
        ))
    }

    /// Checks a model read from a file, as training would have made it: its settings pass
    /// [`TrainParams`]' checks, its numbers are finite and in range, there is at least one head,
    /// one per task, each with two labels or more, and every shape matches the feature space
    /// and the labels. A model that passes predicts in time linear in its input. The message
    /// names the field that is wrong.
    pub(crate) fn validate(&self) -> Result<(), String> {
        self.features
            .params
            .check_ref()
            .map_err(|err| err.message(Naming::Field))?;
        self.features.validate()?;
        if self.heads.is_empty() {
            return Err("no heads: a model predicts stance, sentiment or both".into());
        }
        for (h, head) in self.heads.iter().enumerate() {
            let name = head.task.name();
            if self.heads[..h].iter().any(|other| other.task == head.task) {
                return Err(format!("two {name} heads"));
            }
            if head.labels.len() < 2 || head.labels.windows(2).any(|pair| pair[0] >= pair[1]) {
                return Err(format!(
                    "the {name} head's labels are {:?}; expected two or more, sorted, each once",
                    head.labels
                ));
            }
            if head.label_counts.len() != head.labels.len() {
                return Err(format!(
                    "the {name} head has {} label counts for {} labels",
                    head.label_counts.len(),
                    head.labels.len()
                ));
            }
            let (low, high) = LN_TEMPERATURE_RANGE;
            if !(head.temperature.is_finite()
                && (low.exp()..=high.exp()).contains(&head.temperature))
            {
                return Err(format!(
                    "the {name} head's temperature is {}; expected {:.3} to {:.3}",
                    head.temperature,
                    low.exp(),
                    high.exp()
                ));
            }
            for (actor, model) in std::iter::once(("", &head.shared)).chain(
                head.per_actor
                    .iter()
                    .map(|(actor, model)| (actor.as_str(), model)),
            ) {
                let which = match actor {
                    "" => format!("the {name} head's shared model"),
                    actor => format!("the {name} head's model for {actor}"),
                };
                let (rows, classes) = model.weights.dim();
                if rows != self.features.len()
                    || classes != head.labels.len()
                    || model.intercept.len() != classes
                {
                    return Err(format!(
                        "{which} has weights {rows}×{classes} and {} intercepts for {} features \
                         and {} labels",
                        model.intercept.len(),
                        self.features.len(),
                        head.labels.len()
                    ));
                }
                let bad = |x: &f64| !(x.is_finite() && x.abs() <= MAX_COEFFICIENT);
                if model.weights.iter().any(bad) || model.intercept.iter().any(bad) {
                    return Err(format!(
                        "{which} has a weight or intercept that is not a finite number of at \
                         most {MAX_COEFFICIENT:e} in size"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The head for a task, if the model has one.
    pub fn head(&self, task: Task) -> Option<&Head> {
        self.heads.iter().find(|head| head.task == task)
    }

    /// Featurises examples with the model's tokeniser and feature space.
    pub(crate) fn featurize(&self, examples: &[Example]) -> Result<FeatureMatrix, Error> {
        self.features.transform(&self.text, examples)
    }

    /// Predicts every head for labelled-CSV-shaped rows, reading each row's
    /// [`Row::model_text`]: `result[h][i]` is head `h` on row `i`.
    pub fn predict_rows(&self, rows: &[Row]) -> Result<Vec<Vec<Prediction>>, Error> {
        with_row_examples(rows, |examples| self.predict(examples))
    }

    /// Predicts every head for every example: `result[h][i]` is head `h` on example `i`.
    pub fn predict(&self, examples: &[Example]) -> Result<Vec<Vec<Prediction>>, Error> {
        let matrix = self.featurize(examples)?;
        Ok(self
            .heads
            .iter()
            .map(|head| head.predict(&matrix, |i| examples[i].actor))
            .collect())
    }
}

fn train_head(
    task: Task,
    rows: &[Row],
    labelled: &[usize],
    matrix: &FeatureMatrix,
    logistic: &ValidLogisticParams,
    params: &TrainParams,
) -> Result<(Head, HeadSummary), Error> {
    let mut labels: Vec<String> = labelled
        .iter()
        .filter_map(|&i| rows[i].label(task))
        .map(str::to_string)
        .collect();
    labels.sort();
    labels.dedup();
    if labels.len() < 2 {
        return Err(Error::UnusableLabels {
            column: task.name().into(),
            problem: format!(
                "every labelled row has the label `{}`; a classifier needs at least two labels",
                labels.join("")
            ),
        });
    }
    let class_of = |i: usize| {
        rows[i]
            .label(task)
            .and_then(|label| labels.iter().position(|l| l == label))
            .unwrap_or(0)
    };
    let fit = |indices: &[usize]| -> Result<LinearModel, Error> {
        let mut targets = Array2::zeros((indices.len(), labels.len()));
        for (row, &i) in indices.iter().enumerate() {
            targets[[row, class_of(i)]] = 1.0;
        }
        logistic.fit(&DatasetBase::new(
            TrainingRows(matrix.select_rows(indices)),
            targets,
        ))
    };
    let mut label_counts = vec![0; labels.len()];
    for &i in labelled {
        label_counts[class_of(i)] += 1;
    }
    let mut by_actor: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    if params.per_actor {
        for &i in labelled {
            by_actor.entry(rows[i].actor.as_str()).or_default().push(i);
        }
        by_actor.retain(|_, indices| {
            let mut classes: Vec<usize> = indices.iter().map(|&i| class_of(i)).collect();
            classes.sort_unstable();
            classes.dedup();
            indices.len() >= params.min_actor_rows && classes.len() >= 2
        });
    }
    let (shared, per_actor) = rayon::join(
        || fit(labelled),
        || {
            by_actor
                .par_iter()
                .map(|(actor, indices)| Ok((actor.to_string(), fit(indices)?)))
                .collect::<Result<BTreeMap<_, _>, Error>>()
        },
    );
    let (shared, per_actor) = (shared?, per_actor?);
    let summary = HeadSummary {
        task,
        rows: labelled.len(),
        labels: labels
            .iter()
            .cloned()
            .zip(label_counts.iter().copied())
            .collect(),
        iterations: shared.iterations,
        converged: shared.converged && per_actor.values().all(|m| m.converged),
        per_actor: per_actor.keys().cloned().collect(),
    };
    let head = Head {
        task,
        labels,
        label_counts,
        shared,
        per_actor,
        temperature: 1.0,
    };
    Ok((head, summary))
}

/// The model of the integration tests' labelled fixture, for unit tests.
#[cfg(test)]
pub(crate) fn fixture_model() -> StanceModel {
    use crate::corpus::{read_bytes, ReadOptions};
    let labelled = include_str!("../../tests/fixtures/labelled.csv");
    let rows = read_bytes(
        labelled.as_bytes(),
        std::path::Path::new("labelled.csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    let mut params = TrainParams::default();
    params.features.min_df = 1;
    params.features.vocab_min_frequency = 1;
    StanceModel::train(&rows, &params).unwrap().0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trained_model_is_valid_and_numbers_it_could_not_have_are_not() {
        let trained = fixture_model();
        trained.validate().unwrap();
        for bad in [f64::NAN, f64::INFINITY, 1e308] {
            let mut model = trained.clone();
            model.heads[0].shared.weights[[0, 0]] = bad;
            let err = model.validate().unwrap_err();
            assert!(err.contains("shared model has a weight"), "{err}");
            let mut model = trained.clone();
            model.heads[0].shared.intercept[0] = bad;
            assert!(model.validate().is_err());
        }
        let mut model = trained.clone();
        model.heads[0].label_counts.pop();
        assert!(model.validate().unwrap_err().contains("label counts"));
        let mut model = trained.clone();
        model.heads[0].temperature = f64::NAN;
        assert!(model.validate().unwrap_err().contains("temperature is NaN"));
        let mut model = trained;
        model.features.params.terms.side_ngrams = crate::features::NgramRange::new(3, 2);
        let err = model.validate().unwrap_err();
        assert!(err.contains("for side_ngrams"), "{err}");
    }
}
