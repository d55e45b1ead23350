//! Choosing training settings by k-fold cross-validation on the training rows alone.
//!
//! Rows are grouped by article (or, without one, by text) so the rows of one quote, and the
//! quotes of one story, never straddle folds. Groups are dealt to the folds round-robin in an
//! order fixed by the SHA-256 of the seed and the group's key: the same rows and seed give the
//! same folds on every machine. For each fold and each feature setting of the [`Grid`], the
//! tokeniser and features are fitted once on the other folds; every classifier setting is then
//! fitted on them and scored on the held-out fold. The candidate with the best mean score wins;
//! a tie goes to the candidate listed first. Its held-out predictions, one per training row,
//! then fit each head's softmax temperature (`model/calibrate.rs`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::metrics::{calibration_error_of_rows, Metrics};
use crate::corpus::{Row, Task};
use crate::error::Error;
use crate::features::{FeatureMatrix, NgramRange};
use crate::model::calibrate::{apply_temperature, fit_temperature};
use crate::model::{
    fit_heads, ClassWeight, FittedFeatures, StanceModel, TrainParams, TrainSummary,
};
use crate::param::Param;

/// Seed of the fold assignment when none is given.
pub const DEFAULT_SEED: u64 = 42;

/// The settings cross-validation tries: every combination of the values listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    /// Inverse regularisation strengths. Default 1, 10, 100.
    pub c: Vec<f64>,
    /// Row weightings. Default balanced, none.
    pub class_weight: Vec<ClassWeight>,
    /// Without and with models per actor. Default both.
    pub per_actor: Vec<bool>,
    /// Word n-gram ranges. Default 1-2, 1-3.
    pub word_ngrams: Vec<NgramRange>,
    /// Character n-gram ranges. Default 2-5.
    pub char_ngrams: Vec<NgramRange>,
    /// Side-of-target n-gram ranges. Default 1-2.
    pub side_ngrams: Vec<NgramRange>,
    /// With and without masking the actors. Default with.
    pub target_mask: Vec<bool>,
    /// With and without normalising each kind of term apart
    /// ([`FeatureParams::kind_norm`](crate::features::FeatureParams::kind_norm)). Default with.
    pub kind_norm: Vec<bool>,
}

impl Default for Grid {
    fn default() -> Self {
        Grid {
            c: vec![1.0, 10.0, 100.0],
            class_weight: vec![ClassWeight::Balanced, ClassWeight::None],
            per_actor: vec![false, true],
            word_ngrams: vec![NgramRange::new(1, 2), NgramRange::new(1, 3)],
            char_ngrams: vec![NgramRange::new(2, 5)],
            side_ngrams: vec![NgramRange::new(1, 2)],
            target_mask: vec![true],
            kind_norm: vec![true],
        }
    }
}

/// One point of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Setting {
    /// Word n-gram range.
    pub word_ngrams: NgramRange,
    /// Character n-gram range.
    pub char_ngrams: NgramRange,
    /// Side-of-target n-gram range (off in tunings recorded before it existed).
    #[serde(default = "NgramRange::off")]
    pub side_ngrams: NgramRange,
    /// Whether actors are masked.
    pub target_mask: bool,
    /// Whether each kind of term is normalised apart (off in tunings recorded before it
    /// existed).
    #[serde(default)]
    pub kind_norm: bool,
    /// Inverse regularisation strength.
    pub c: f64,
    /// Row weighting.
    pub class_weight: ClassWeight,
    /// Whether actors with enough rows get their own model.
    pub per_actor: bool,
}

impl Setting {
    /// `base` with this setting's values.
    pub(crate) fn apply(&self, base: &TrainParams) -> TrainParams {
        let mut params = self.apply_features(base);
        params.logistic = params.logistic.c(self.c).class_weight(self.class_weight);
        params.per_actor = self.per_actor;
        params
    }

    fn apply_features(&self, base: &TrainParams) -> TrainParams {
        let mut params = base.clone();
        params.features.terms.word_ngrams = self.word_ngrams;
        params.features.terms.char_ngrams = self.char_ngrams;
        params.features.terms.side_ngrams = self.side_ngrams;
        params.features.target_mask = self.target_mask;
        params.features.kind_norm = self.kind_norm;
        params
    }

    /// Whether two settings share their features (and so one fitted feature space).
    fn same_features(&self, other: &Setting) -> bool {
        (
            self.word_ngrams,
            self.char_ngrams,
            self.side_ngrams,
            self.target_mask,
            self.kind_norm,
        ) == (
            other.word_ngrams,
            other.char_ngrams,
            other.side_ngrams,
            other.target_mask,
            other.kind_norm,
        )
    }
}

impl Grid {
    /// The grid whose [`settings`](Grid::settings) are `settings`, each value listed in the
    /// order it first appears: every combination a grid lists is among them, so each
    /// dimension's values come back in their grid order.
    pub(crate) fn spanning(settings: &[Setting]) -> Grid {
        fn values<T: PartialEq>(settings: &[Setting], value: impl Fn(&Setting) -> T) -> Vec<T> {
            let mut values = Vec::new();
            for setting in settings {
                let value = value(setting);
                if !values.contains(&value) {
                    values.push(value);
                }
            }
            values
        }
        Grid {
            c: values(settings, |s| s.c),
            class_weight: values(settings, |s| s.class_weight),
            per_actor: values(settings, |s| s.per_actor),
            word_ngrams: values(settings, |s| s.word_ngrams),
            char_ngrams: values(settings, |s| s.char_ngrams),
            side_ngrams: values(settings, |s| s.side_ngrams),
            target_mask: values(settings, |s| s.target_mask),
            kind_norm: values(settings, |s| s.kind_norm),
        }
    }

    /// Every combination, those sharing features next to each other (the feature settings
    /// vary slowest).
    pub(crate) fn settings(&self) -> Vec<Setting> {
        let first = Setting {
            word_ngrams: NgramRange::off(),
            char_ngrams: NgramRange::off(),
            side_ngrams: NgramRange::off(),
            target_mask: true,
            kind_norm: true,
            c: 1.0,
            class_weight: ClassWeight::Balanced,
            per_actor: false,
        };
        let settings = vec![first];
        let settings = every(settings, &self.word_ngrams, |s, v| s.word_ngrams = v);
        let settings = every(settings, &self.char_ngrams, |s, v| s.char_ngrams = v);
        let settings = every(settings, &self.side_ngrams, |s, v| s.side_ngrams = v);
        let settings = every(settings, &self.target_mask, |s, v| s.target_mask = v);
        let settings = every(settings, &self.kind_norm, |s, v| s.kind_norm = v);
        let settings = every(settings, &self.c, |s, v| s.c = v);
        let settings = every(settings, &self.class_weight, |s, v| s.class_weight = v);
        every(settings, &self.per_actor, |s, v| s.per_actor = v)
    }
}

/// Each of `settings` with each of `values` set by `set`, the new values varying fastest.
fn every<T: Copy>(
    settings: Vec<Setting>,
    values: &[T],
    set: impl Fn(&mut Setting, T),
) -> Vec<Setting> {
    let set = &set;
    settings
        .into_iter()
        .flat_map(|setting| {
            values.iter().map(move |&value| {
                let mut setting = setting;
                set(&mut setting, value);
                setting
            })
        })
        .collect()
}

/// The score cross-validation maximises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CvMetric {
    /// Macro-F1 of the stance head (the default).
    #[default]
    StanceMacroF1,
    /// F_avg (mean F1 of favor and against) of the stance head, the SemEval-2016 metric.
    StanceFavg,
    /// Macro-F1 of the sentiment head.
    SentimentMacroF1,
    /// Mean of the heads' macro-F1.
    MeanMacroF1,
}

impl CvMetric {
    fn score(self, per_task: &BTreeMap<Task, Metrics>) -> Option<f64> {
        let macro_f1 = |task| per_task.get(&task).map(|m: &Metrics| m.macro_f1);
        match self {
            CvMetric::StanceMacroF1 => macro_f1(Task::Stance),
            CvMetric::StanceFavg => per_task.get(&Task::Stance)?.f_avg,
            CvMetric::SentimentMacroF1 => macro_f1(Task::Sentiment),
            CvMetric::MeanMacroF1 => {
                let scores: Vec<f64> = per_task.values().map(|m| m.macro_f1).collect();
                (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
            }
        }
    }

    /// The name `--cv-metric` takes.
    pub fn name(self) -> &'static str {
        match self {
            CvMetric::StanceMacroF1 => "stance-macro-f1",
            CvMetric::StanceFavg => "stance-favg",
            CvMetric::SentimentMacroF1 => "sentiment-macro-f1",
            CvMetric::MeanMacroF1 => "mean-macro-f1",
        }
    }
}

/// How one setting did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateScore {
    /// The setting.
    pub setting: Setting,
    /// Its score on each held-out fold.
    pub folds: Vec<f64>,
    /// Mean over the folds.
    pub mean: f64,
    /// Sample standard deviation over the folds.
    pub sd: f64,
}

/// The temperature fitted to one head's out-of-fold predictions under the chosen setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The head.
    pub task: Task,
    /// Softmax temperature (above 1 softens over-confident probabilities).
    pub temperature: f64,
    /// Out-of-fold expected calibration error before scaling.
    pub error_before: f64,
    /// The same after scaling (fitted on these rows, so optimistic).
    pub error_after: f64,
}

/// What cross-validation tried and chose; recorded in the model's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tuning {
    /// Number of folds.
    pub folds: usize,
    /// Seed of the fold assignment.
    pub seed: u64,
    /// The score maximised.
    pub metric: CvMetric,
    /// Every setting tried, in grid order.
    pub candidates: Vec<CandidateScore>,
    /// Index of the chosen one.
    pub chosen: usize,
    /// Per head, the temperature fitted to the chosen setting's out-of-fold predictions.
    pub calibration: Vec<Calibration>,
}

impl Tuning {
    /// The chosen setting.
    pub fn best(&self) -> &CandidateScore {
        &self.candidates[self.chosen]
    }

    /// The temperature fitted for a head, 1 if none was.
    pub fn temperature(&self, task: Task) -> f64 {
        self.calibration
            .iter()
            .find(|c| c.task == task)
            .map_or(1.0, |c| c.temperature)
    }
}

/// Folds of the quick cross-validation with which a plain `stance train` chooses between one
/// shared model and models per actor, and how each row is normalised.
pub(crate) const CHOICE_FOLDS: usize = 3;

/// The actors of the labelled rows (stance or sentiment) with fewer than `min_rows` of them,
/// and how many actors there are. Models per actor are worth trying only when no actor is
/// thin.
pub(crate) fn thin_actors(rows: &[Row], min_rows: usize) -> (Vec<String>, usize) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let labelled = |row: &&Row| row.stance.is_some() || row.sentiment.is_some();
    for row in rows.iter().filter(labelled) {
        *counts.entry(row.actor.as_str()).or_default() += 1;
    }
    let thin = counts
        .iter()
        .filter(|(_, &n)| n < min_rows)
        .map(|(actor, _)| actor.to_string())
        .collect();
    (thin, counts.len())
}

/// The fold (`0..k`) of every row: rows sharing an article (or, without one, a text) share a
/// fold; folds differ in size by at most one group.
pub(crate) fn assign_folds(rows: &[Row], k: usize, seed: u64) -> Vec<usize> {
    let mut groups: Vec<([u8; 32], String)> = group_keys(rows)
        .into_iter()
        .map(|key| {
            let mut hasher = Sha256::new();
            hasher.update(seed.to_le_bytes());
            hasher.update(key.as_bytes());
            (hasher.finalize().into(), key)
        })
        .collect();
    groups.sort();
    let fold_of: BTreeMap<String, usize> = groups
        .into_iter()
        .enumerate()
        .map(|(n, (_, key))| (key, n % k))
        .collect();
    rows.iter().map(|row| fold_of[&group_key(row)]).collect()
}

fn group_key(row: &Row) -> String {
    match &row.article {
        Some(article) => format!("article\u{0}{article}"),
        None => format!("text\u{0}{}", row.text),
    }
}

fn group_keys(rows: &[Row]) -> BTreeSet<String> {
    rows.iter().map(group_key).collect()
}

/// A K-fold cross-validation over a grid of settings, scored on the held-out folds; its
/// out-of-fold predictions also calibrate the chosen model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Search {
    /// Number of folds.
    pub folds: usize,
    /// Seed of the fold assignment. Default [`DEFAULT_SEED`].
    pub seed: u64,
    /// The score maximised. Default [`CvMetric::StanceMacroF1`].
    pub metric: CvMetric,
    /// The settings tried. Default [`Grid::default`].
    pub grid: Grid,
}

impl Search {
    /// A `folds`-fold search with the default seed, metric and grid.
    pub fn new(folds: usize) -> Search {
        Search {
            folds,
            seed: DEFAULT_SEED,
            metric: CvMetric::default(),
            grid: Grid::default(),
        }
    }
}

/// Chooses the settings by [`tune`], trains on all of `rows` with them, and gives the model
/// its heads' temperatures calibrated on the held-out folds: the model `train --cv` saves,
/// with what training and the search found.
pub(crate) fn train_tuned(
    rows: &[Row],
    base: &TrainParams,
    search: &Search,
    progress: impl FnMut(usize, usize),
) -> Result<(StanceModel, TrainSummary, TrainParams, Tuning), Error> {
    let (params, tuning) = tune(rows, base, search, progress)?;
    let (mut model, summary) = StanceModel::train(rows, &params)?;
    for head in &mut model.heads {
        head.temperature = tuning.temperature(head.task);
    }
    Ok((model, summary, params, tuning))
}

/// Scores every setting of the search's grid (on top of `base`) by its cross-validation over
/// `rows` and returns the best setting applied to `base`. `progress` hears each finished fit as
/// (done, total).
fn tune(
    rows: &[Row],
    base: &TrainParams,
    search: &Search,
    mut progress: impl FnMut(usize, usize),
) -> Result<(TrainParams, Tuning), Error> {
    let Search {
        folds: k,
        seed,
        metric,
        ref grid,
    } = *search;
    let groups = group_keys(rows).len();
    if k < 2 || groups < k {
        return Err(Error::InvalidValue {
            param: Param::Cv,
            value: k.to_string(),
            expected: format!(
                "at least 2 folds and at most one per article (or distinct text); the rows have {}",
                groups
            ),
        });
    }
    let folds = assign_folds(rows, k, seed);
    let settings = grid.settings();
    if settings.is_empty() {
        return Err(Error::NoData("the cross-validation grid is empty".into()));
    }
    let mut scores = vec![Vec::with_capacity(k); settings.len()];
    // Every setting's held-out probabilities and gold labels, per head, for calibration.
    let mut out_of_fold: Vec<BTreeMap<Task, OutOfFold>> = vec![BTreeMap::new(); settings.len()];
    let total = settings.len() * k;
    let mut done = 0;
    for fold in 0..k {
        let (mut train, mut held_out) = (Vec::new(), Vec::new());
        for (row, &f) in rows.iter().zip(&folds) {
            if f == fold { &mut held_out } else { &mut train }.push(row.clone());
        }
        // The features of the last setting, reused while the next ones share them.
        let mut fitted: Option<(Setting, FittedFeatures, FeatureMatrix)> = None;
        for (n, setting) in settings.iter().enumerate() {
            if !matches!(&fitted, Some((s, _, _)) if s.same_features(setting)) {
                let features = FittedFeatures::fit(&train, &setting.apply_features(base).features)?;
                let held_out_matrix = features.transform(&held_out)?;
                fitted = Some((*setting, features, held_out_matrix));
            }
            let (_, features, matrix) = fitted.as_ref().expect("fitted above");
            let (heads, _) = fit_heads(&train, &features.matrix, &setting.apply(base))?;
            let mut per_task = BTreeMap::new();
            for head in &heads {
                let predictions = head.predict(matrix, |i| held_out[i].actor.as_str());
                let (gold, predicted): (Vec<usize>, Vec<usize>) = held_out
                    .iter()
                    .zip(&predictions)
                    .filter_map(|(row, prediction)| {
                        let label = row.label(head.task)?;
                        let gold = head.labels.iter().position(|l| l == label)?;
                        Some((gold, prediction.class))
                    })
                    .unzip();
                if !gold.is_empty() {
                    per_task.insert(head.task, Metrics::compute(&head.labels, &gold, &predicted));
                }
                let kept = out_of_fold[n].entry(head.task).or_default();
                for (row, prediction) in held_out.iter().zip(predictions) {
                    if let Some(gold) = row
                        .label(head.task)
                        .and_then(|label| head.labels.iter().position(|l| l == label))
                    {
                        kept.probabilities.push(prediction.probabilities);
                        kept.gold.push(gold);
                    }
                }
            }
            let score = metric.score(&per_task).ok_or_else(|| {
                Error::NoData(format!(
                    "--cv-metric {} needs labels the rows of fold {} do not have",
                    metric.name(),
                    fold + 1
                ))
            })?;
            scores[n].push(score);
            done += 1;
            progress(done, total);
        }
    }
    let candidates: Vec<CandidateScore> = settings
        .iter()
        .zip(scores)
        .map(|(setting, folds)| {
            let (mean, sd) = mean_and_sd(&folds);
            CandidateScore {
                setting: *setting,
                folds,
                mean,
                sd,
            }
        })
        .collect();
    let chosen = candidates
        .iter()
        .enumerate()
        .fold(0, |best, (n, candidate)| {
            if candidate.mean > candidates[best].mean {
                n
            } else {
                best
            }
        });
    let calibration = out_of_fold
        .swap_remove(chosen)
        .into_iter()
        .map(|(task, kept)| {
            let temperature = fit_temperature(&kept.probabilities, &kept.gold)?;
            let error_before = calibration_error_of_rows(&kept.probabilities, &kept.gold);
            let mut scaled = kept.probabilities;
            scaled
                .iter_mut()
                .for_each(|row| apply_temperature(row, temperature));
            Ok(Calibration {
                task,
                temperature,
                error_before,
                error_after: calibration_error_of_rows(&scaled, &kept.gold),
            })
        })
        .collect::<Result<_, Error>>()?;
    let tuning = Tuning {
        folds: k,
        seed,
        metric,
        candidates,
        chosen,
        calibration,
    };
    Ok((tuning.best().setting.apply(base), tuning))
}

/// One head's held-out predictions across the folds.
#[derive(Debug, Clone, Default)]
struct OutOfFold {
    probabilities: Vec<Vec<f64>>,
    gold: Vec<usize>,
}

fn mean_and_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = if values.len() > 1 {
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, variance.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(article: Option<&str>, text: &str) -> Row {
        Row::labelled(article, text, "A")
    }

    #[test]
    fn thin_actors_counts_labelled_rows_per_actor() {
        let row = |actor: &str, stance: Option<&str>| Row {
            actor: actor.into(),
            stance: stance.map(str::to_string),
            ..row(None, "text")
        };
        let rows = vec![
            row("a", Some("favor")),
            row("a", Some("against")),
            row("b", Some("favor")),
            row("b", None),
        ];
        assert_eq!(thin_actors(&rows, 2), (vec!["b".to_string()], 2));
        assert_eq!(thin_actors(&rows, 1), (vec![], 2));
    }

    #[test]
    fn folds_keep_groups_together_and_are_balanced() {
        let mut rows = Vec::new();
        for story in 0..10 {
            for quote in 0..3 {
                rows.push(row(Some(&format!("story {story}")), &format!("q{quote}")));
            }
        }
        let folds = assign_folds(&rows, 5, 42);
        for chunk in folds.chunks(3) {
            assert!(chunk.iter().all(|&f| f == chunk[0]), "{folds:?}");
        }
        let mut sizes = [0; 5];
        folds.iter().for_each(|&f| sizes[f] += 1);
        assert_eq!(sizes, [6; 5]);
        assert_eq!(folds, assign_folds(&rows, 5, 42), "same seed, same folds");
        assert_ne!(
            folds,
            assign_folds(&rows, 5, 7),
            "another seed deals differently"
        );
    }

    #[test]
    fn without_articles_rows_of_one_text_share_a_fold() {
        let rows: Vec<Row> = (0..20)
            .map(|n| row(None, &format!("text {}", n / 2)))
            .collect();
        let folds = assign_folds(&rows, 3, 1);
        for pair in folds.chunks(2) {
            assert_eq!(pair[0], pair[1]);
        }
    }

    #[test]
    fn the_grid_lists_settings_sharing_features_together() {
        let settings = Grid::default().settings();
        assert_eq!(settings.len(), 3 * 2 * 2 * 2);
        let feature_runs = settings
            .windows(2)
            .filter(|pair| !pair[0].same_features(&pair[1]))
            .count();
        assert_eq!(feature_runs + 1, 2, "one run per word n-gram range");
        let both = Grid {
            kind_norm: vec![false, true],
            ..Grid::default()
        }
        .settings();
        assert_eq!(both.len(), 2 * settings.len());
        assert!(!both[0].kind_norm && both[both.len() - 1].kind_norm);
        let feature_runs = both
            .windows(2)
            .filter(|pair| !pair[0].same_features(&pair[1]))
            .count();
        assert_eq!(feature_runs + 1, 4, "word n-gram ranges x normalisations");
    }

    #[test]
    fn a_grid_comes_back_from_its_settings() {
        let grid = Grid {
            c: vec![100.0, 1.0],
            class_weight: vec![ClassWeight::None],
            side_ngrams: vec![NgramRange::off(), NgramRange::new(1, 2)],
            kind_norm: vec![false, true],
            ..Grid::default()
        };
        assert_eq!(Grid::spanning(&grid.settings()), grid);
        assert_eq!(Grid::spanning(&Grid::default().settings()), Grid::default());
    }

    #[test]
    fn mean_and_sample_sd() {
        let (mean, sd) = mean_and_sd(&[1.0, 2.0, 3.0]);
        assert_eq!(mean, 2.0);
        assert!((sd - 1.0).abs() < 1e-12);
    }
}
