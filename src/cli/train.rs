//! `stance train`: labelled CSV in, model folder out.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::builder::BoolishValueParser;
use clap::{Args, ValueEnum};
use linfa::ParamGuard;
use serde::Serialize;

use crate::corpus::{ReadOptions, Row};
use crate::eval::tune::{thin_actors, Setting, CHOICE_FOLDS};
use crate::eval::{train_tuned, CvMetric, Grid, Tuning};
use crate::features::{
    check_ngram_range, ngram_range_forms, FeatureParams, NgramRange, TermSettings,
};
use crate::model::{ClassWeight, LogisticParams, Solver, TrainParams};
use crate::persist::{self, HeldOut, Metadata};
use crate::{evaluate, Corpus, Error, Param, StanceModel};

use super::{CsvArgs, ModelArg};

/// Train a model on labelled CSV.
#[derive(Debug, Clone, Args, Serialize)]
pub struct TrainArgs {
    /// Labelled files (CSV or other delimited text); rows of all files are pooled.
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub data: Vec<PathBuf>,
    #[command(flatten)]
    #[serde(skip)]
    pub model: ModelArg,
    /// Replace the model folder if it exists (the old model stays until the new one is
    /// complete); without it, an existing folder is an error.
    #[arg(long)]
    #[serde(skip)]
    pub force: bool,
    #[command(flatten)]
    #[serde(flatten)]
    pub csv: CsvArgs,
    /// Inverse regularisation strength C (alpha = 1/C).
    #[arg(long, default_value_t = 10.0, conflicts_with = "cv")]
    pub c: f64,
    /// Most solver iterations per model (Newton steps, or L-BFGS iterations).
    #[arg(long, default_value_t = 300)]
    pub max_iter: u64,
    /// Seed of the fold assignment of `--cv` and of the quick choice of actor models;
    /// training itself has no randomness.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Weight rows so every label counts equally (balanced) or not (none).
    #[arg(long, value_enum, default_value_t = ClassWeightArg::Balanced, conflicts_with = "cv")]
    pub class_weight: ClassWeightArg,
    /// Optimiser: newton (Newton's method with conjugate gradients, as liblinear) or lbfgs,
    /// both on sparse features, or linfa (linfa-logistic, dense; small vocabularies, needs
    /// --class-weight none).
    #[arg(long, value_enum, default_value_t = SolverArg::Newton)]
    pub solver: SolverArg,
    /// One model shared by all actors, or also one per actor (unseen actors use the shared
    /// one). `auto` chooses by a quick cross-validation when every actor has
    /// --min-actor-rows labelled rows, else takes the shared model.
    #[arg(long, value_enum, default_value_t = ActorModelsArg::Auto, conflicts_with = "cv")]
    pub actor_models: ActorModelsArg,
    /// The same as `--actor-models own`.
    #[arg(long, conflicts_with_all = ["cv", "actor_models"])]
    pub per_actor: bool,
    /// Fewest labelled rows an actor needs for a model of its own.
    #[arg(long, default_value_t = 30, value_name = "N")]
    pub min_actor_rows: usize,
    /// Word n-gram lengths, MIN-MAX (0 turns them off).
    #[arg(
        long,
        default_value = "1-3",
        value_name = "RANGE",
        conflicts_with = "cv"
    )]
    pub word_ngrams: String,
    /// Character n-gram lengths, MIN-MAX (0 turns them off).
    #[arg(
        long,
        default_value = "2-5",
        value_name = "RANGE",
        conflicts_with = "cv"
    )]
    pub char_ngrams: String,
    /// Keep features seen in at least N training rows.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub min_df: usize,
    /// Keep words seen at least N times in the tokeniser's vocabulary.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub vocab_min_frequency: u64,
    /// Word n-gram lengths of a quote's own words, apart from its context (0 turns them off).
    #[arg(long, default_value = "1-2", value_name = "RANGE")]
    pub quote_ngrams: String,
    /// Words at most N tokens from a mention of the actor get position-marked features
    /// (0 turns them off).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub target_window: usize,
    /// Word n-gram lengths marked by their side of the actor's mentions (before, between,
    /// after; 0 turns them off).
    #[arg(
        long,
        default_value = "1-2",
        value_name = "RANGE",
        conflicts_with = "cv"
    )]
    pub side_ngrams: String,
    /// Do not replace mentions of the actor and other actors with placeholders.
    #[arg(long, conflicts_with = "cv")]
    pub no_target_mask: bool,
    /// Do not add a feature naming the row's actor.
    #[arg(long)]
    pub no_actor_feature: bool,
    /// Do not add the sentiment lexicon's terms (VADER's rated words, by their place relative
    /// to the target and in the quote).
    #[arg(long)]
    pub no_lexicon: bool,
    /// Normalise each kind of term (words, characters, words near the target, sides of the
    /// target, the quote, the actor, the lexicon) on its own first (apart), or the row as a
    /// whole only. `auto` chooses with --actor-models' cross-validation when that runs, else
    /// apart.
    #[arg(long, value_enum, default_value_t = KindNormArg::Auto, conflicts_with = "cv")]
    pub kind_norm: KindNormArg,
    /// The same as `--kind-norm whole`.
    #[arg(long, conflicts_with_all = ["cv", "kind_norm"])]
    pub no_kind_norm: bool,
    /// Choose C, class weighting, per-actor models, n-gram ranges (and, if asked, masking and
    /// normalisation) by K-fold cross-validation on the training rows, then train on all of
    /// them with the best setting. The `--grid-*` flags list the values tried; the choice and
    /// every score go to `metadata.json`.
    #[arg(long, value_name = "K")]
    pub cv: Option<usize>,
    /// The score `--cv` maximises (mean over the held-out folds).
    #[arg(long, value_enum, default_value_t = CvMetricArg::StanceMacroF1, requires = "cv")]
    pub cv_metric: CvMetricArg,
    /// Values of C `--cv` tries [default: 1,10,100].
    #[arg(long, value_delimiter = ',', value_name = "C,...", requires = "cv")]
    pub grid_c: Option<Vec<f64>>,
    /// Class weightings `--cv` tries [default: balanced,none].
    #[arg(long, value_enum, value_delimiter = ',', requires = "cv")]
    pub grid_class_weight: Option<Vec<ClassWeightArg>>,
    /// Whether `--cv` tries per-actor models: no, yes or both [default: no,yes].
    #[arg(long, value_delimiter = ',', value_parser = BoolishValueParser::new(), value_name = "yes|no,...", hide_possible_values = true, requires = "cv")]
    pub grid_per_actor: Option<Vec<bool>>,
    /// Word n-gram ranges `--cv` tries [default: 1-2,1-3].
    #[arg(long, value_delimiter = ',', value_name = "RANGES", requires = "cv")]
    pub grid_word_ngrams: Option<Vec<String>>,
    /// Character n-gram ranges `--cv` tries [default: 2-5].
    #[arg(long, value_delimiter = ',', value_name = "RANGES", requires = "cv")]
    pub grid_char_ngrams: Option<Vec<String>>,
    /// Side-of-target n-gram ranges `--cv` tries [default: 1-2].
    #[arg(long, value_delimiter = ',', value_name = "RANGES", requires = "cv")]
    pub grid_side_ngrams: Option<Vec<String>>,
    /// Whether `--cv` masks the actors: yes, no or both [default: yes].
    #[arg(long, value_delimiter = ',', value_parser = BoolishValueParser::new(), value_name = "yes|no,...", hide_possible_values = true, requires = "cv")]
    pub grid_target_mask: Option<Vec<bool>>,
    /// Whether `--cv` normalises each kind of term apart: yes, no or both [default: yes].
    #[arg(long, value_delimiter = ',', value_parser = BoolishValueParser::new(), value_name = "yes|no,...", hide_possible_values = true, requires = "cv")]
    pub grid_kind_norm: Option<Vec<bool>>,
}

/// `--cv-metric` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CvMetricArg {
    /// Macro-F1 of the stance labels.
    StanceMacroF1,
    /// F_avg of the stance labels (mean F1 of favor and against; SemEval-2016's metric).
    StanceFavg,
    /// Macro-F1 of the sentiment labels.
    SentimentMacroF1,
    /// Mean macro-F1 of stance and sentiment.
    MeanMacroF1,
}

/// `--class-weight` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClassWeightArg {
    /// Every row counts once.
    None,
    /// Rows weighted inversely to their label's frequency.
    Balanced,
}

impl From<ClassWeightArg> for ClassWeight {
    fn from(arg: ClassWeightArg) -> ClassWeight {
        match arg {
            ClassWeightArg::None => ClassWeight::None,
            ClassWeightArg::Balanced => ClassWeight::Balanced,
        }
    }
}

impl From<ClassWeight> for ClassWeightArg {
    fn from(weight: ClassWeight) -> ClassWeightArg {
        match weight {
            ClassWeight::None => ClassWeightArg::None,
            ClassWeight::Balanced => ClassWeightArg::Balanced,
        }
    }
}

impl From<CvMetricArg> for CvMetric {
    fn from(arg: CvMetricArg) -> CvMetric {
        match arg {
            CvMetricArg::StanceMacroF1 => CvMetric::StanceMacroF1,
            CvMetricArg::StanceFavg => CvMetric::StanceFavg,
            CvMetricArg::SentimentMacroF1 => CvMetric::SentimentMacroF1,
            CvMetricArg::MeanMacroF1 => CvMetric::MeanMacroF1,
        }
    }
}

/// `--actor-models` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorModelsArg {
    /// Chosen from the data.
    Auto,
    /// One model for all actors.
    Shared,
    /// Also a model per actor with enough rows.
    Own,
}

/// `--kind-norm` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KindNormArg {
    /// Chosen from the data.
    Auto,
    /// Each kind of term normalised on its own, then the row.
    Apart,
    /// The row normalised as a whole.
    Whole,
}

/// `--solver` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SolverArg {
    /// Newton's method with conjugate gradients on the sparse matrix.
    Newton,
    /// L-BFGS on the sparse matrix.
    Lbfgs,
    /// linfa-logistic on a dense copy.
    Linfa,
}

impl TrainArgs {
    /// The validated training parameters.
    pub fn params(&self) -> Result<TrainParams, Error> {
        let logistic = LogisticParams::default()
            .c(self.c)
            .max_iterations(self.max_iter)
            .class_weight(self.class_weight.into())
            .solver(match self.solver {
                SolverArg::Newton => Solver::Newton,
                SolverArg::Lbfgs => Solver::Lbfgs,
                SolverArg::Linfa => Solver::Linfa,
            });
        TrainParams {
            features: FeatureParams {
                terms: TermSettings {
                    word_ngrams: parse_range(Param::WordNgrams, &self.word_ngrams)?,
                    char_ngrams: parse_range(Param::CharNgrams, &self.char_ngrams)?,
                    quote_ngrams: parse_range(Param::QuoteNgrams, &self.quote_ngrams)?,
                    target_window: self.target_window,
                    side_ngrams: parse_range(Param::SideNgrams, &self.side_ngrams)?,
                    actor_term: !self.no_actor_feature,
                    lexicon: !self.no_lexicon,
                },
                min_df: self.min_df,
                target_mask: !self.no_target_mask,
                vocab_min_frequency: self.vocab_min_frequency,
                kind_norm: !self.no_kind_norm && self.kind_norm != KindNormArg::Whole,
            },
            logistic,
            per_actor: self.per_actor || self.actor_models == ActorModelsArg::Own,
            min_actor_rows: self.min_actor_rows,
        }
        .check()
    }

    /// The settings `--cv` tries: the `--grid-*` values, or [`Grid::default`]'s.
    pub fn grid(&self) -> Result<Grid, Error> {
        let default = Grid::default();
        let ranges = |param: Param, values: &Option<Vec<String>>, default: Vec<NgramRange>| {
            values.as_ref().map_or(Ok(default), |values| {
                values
                    .iter()
                    .map(|value| parse_range(param, value))
                    .collect()
            })
        };
        Ok(Grid {
            c: self.grid_c.clone().unwrap_or(default.c),
            class_weight: self
                .grid_class_weight
                .as_ref()
                .map_or(default.class_weight, |weights| {
                    weights.iter().map(|&w| w.into()).collect()
                }),
            per_actor: self.grid_per_actor.clone().unwrap_or(default.per_actor),
            word_ngrams: ranges(
                Param::GridWordNgrams,
                &self.grid_word_ngrams,
                default.word_ngrams,
            )?,
            char_ngrams: ranges(
                Param::GridCharNgrams,
                &self.grid_char_ngrams,
                default.char_ngrams,
            )?,
            side_ngrams: ranges(
                Param::GridSideNgrams,
                &self.grid_side_ngrams,
                default.side_ngrams,
            )?,
            target_mask: self.grid_target_mask.clone().unwrap_or(default.target_mask),
            kind_norm: self.grid_kind_norm.clone().unwrap_or(default.kind_norm),
        })
    }

    /// Sets the flags `--cv` chose, so the recorded flags retrain the same model without it.
    fn adopt(&mut self, setting: &Setting) {
        self.c = setting.c;
        self.class_weight = setting.class_weight.into();
        self.per_actor = setting.per_actor;
        self.word_ngrams = range_flag(setting.word_ngrams);
        self.char_ngrams = range_flag(setting.char_ngrams);
        self.side_ngrams = range_flag(setting.side_ngrams);
        self.no_target_mask = !setting.target_mask;
        self.no_kind_norm = !setting.kind_norm;
        self.settle_choices(setting.per_actor, setting.kind_norm);
    }

    /// Records the actor models and normalisation as chosen, never `auto`.
    fn settle_choices(&mut self, per_actor: bool, kind_norm: bool) {
        self.actor_models = if per_actor {
            ActorModelsArg::Own
        } else {
            ActorModelsArg::Shared
        };
        self.kind_norm = if kind_norm {
            KindNormArg::Apart
        } else {
            KindNormArg::Whole
        };
    }

    /// With no `--cv`, the grid of what `auto` leaves to the data: shared or own actor models
    /// (only when every actor has `--min-actor-rows` labelled rows) and, with them, the
    /// normalisation; every other setting as given. `None` when nothing is left to choose, or
    /// when some actor is thin (the note says which).
    fn choices(&self, rows: &[Row], params: &TrainParams) -> (Option<Grid>, Option<String>) {
        let auto_actors =
            self.cv.is_none() && !self.per_actor && self.actor_models == ActorModelsArg::Auto;
        let auto_norm =
            self.cv.is_none() && !self.no_kind_norm && self.kind_norm == KindNormArg::Auto;
        if !auto_actors {
            return (None, None);
        }
        let (thin, actors) = thin_actors(rows, self.min_actor_rows);
        if actors < 2 {
            let note = format!("actor models: one shared model (the rows name {actors} actor(s))");
            return (None, Some(note));
        }
        if !thin.is_empty() {
            let note = format!(
                "actor models: one shared model ({} of {actors} actor(s) have fewer than {} \
                 labelled rows; --actor-models own trains theirs anyway)",
                thin.len(),
                self.min_actor_rows
            );
            return (None, Some(note));
        }
        let terms = &params.features.terms;
        let grid = Grid {
            c: vec![self.c],
            class_weight: vec![self.class_weight.into()],
            per_actor: vec![false, true],
            word_ngrams: vec![terms.word_ngrams],
            char_ngrams: vec![terms.char_ngrams],
            side_ngrams: vec![terms.side_ngrams],
            target_mask: vec![params.features.target_mask],
            kind_norm: if auto_norm {
                vec![true, false]
            } else {
                vec![params.features.kind_norm]
            },
        };
        (Some(grid), None)
    }
}

/// Writes a range the way `parse_range` reads it.
fn range_flag(range: NgramRange) -> String {
    if range.is_off() {
        "0".into()
    } else {
        format!("{}-{}", range.min, range.max)
    }
}

/// Parses `MIN-MAX`, `N` (for N-N) or `0` (off), checked as every range is.
pub fn parse_range(param: Param, value: &str) -> Result<NgramRange, Error> {
    let invalid = || Error::InvalidValue {
        param,
        value: value.into(),
        expected: ngram_range_forms(),
    };
    let parse = |s: &str| s.trim().parse::<usize>().map_err(|_| invalid());
    let (min, max) = match value.split_once('-') {
        Some((min, max)) => (parse(min)?, parse(max)?),
        None => {
            let n = parse(value)?;
            (n, n)
        }
    };
    check_ngram_range(param, NgramRange::new(min, max)).map_err(|_| invalid())
}

/// Runs `stance train`.
pub fn run(mut args: TrainArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let target = &args.model.model;
    persist::check_destination(target)?;
    if target.exists() && !args.force {
        anyhow::bail!(
            "{}: a model folder (or file) is already there; pass --force to replace it, or name \
             another with --model",
            target.display()
        );
    }
    let mut params = args.params()?;
    let options = args.csv.read_options()?;
    let started = Instant::now();
    let corpus = Corpus::read(&args.data, &options)?;
    corpus.require_labels(&options.schema)?;
    // `--cv K` searches its grid; without it, a quick search settles what `auto` leaves open.
    let (choices, note) = args.choices(&corpus.rows, &params);
    let search = match (args.cv, choices) {
        (Some(k), _) => Some((args.grid()?, k)),
        (None, Some(grid)) => Some((grid, CHOICE_FOLDS)),
        (None, None) => None,
    };
    let (model, summary, tuning) = match search {
        Some((grid, k)) => {
            let (model, summary, tuned, tuning) = train_tuned(
                &corpus.rows,
                &params,
                &grid,
                k,
                args.seed,
                args.cv_metric.into(),
                show_progress,
            )?;
            params = tuned;
            args.adopt(&tuning.best().setting);
            (model, summary, Some(tuning))
        }
        None => {
            args.settle_choices(params.per_actor, params.features.kind_norm);
            let (model, summary) = StanceModel::train(&corpus.rows, &params)?;
            (model, summary, None)
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let held_out = match &options.split {
        Some(trained_on) => held_out(&model, &args.data, &options, trained_on)?,
        None => None,
    };
    let metadata = Metadata {
        crate_version: env!("CARGO_PKG_VERSION").into(),
        files: corpus.files.clone(),
        flags: serde_json::to_value(&args).context("recording the flags")?,
        summary: summary.clone(),
        training_seconds: seconds,
        tuning: tuning.clone(),
        held_out,
    };
    persist::save(&args.model.model, &model, &metadata)?;
    if let Some(tuning) = &tuning {
        write!(out, "{}", tuning_table(tuning))?;
    }
    if args.cv.is_none() {
        match (&tuning, note) {
            (Some(_), _) => writeln!(
                out,
                "actor models: {}, normalisation: {} (chosen by {CHOICE_FOLDS}-fold \
                 cross-validation; --actor-models and --kind-norm choose yourself)",
                if params.per_actor { "own" } else { "shared" },
                if params.features.kind_norm {
                    "apart"
                } else {
                    "whole"
                },
            )?,
            (None, Some(note)) => writeln!(out, "{note}")?,
            (None, None) => {}
        }
    }
    writeln!(
        out,
        "trained {} on {} rows from {} file(s) in {seconds:.1} s",
        args.model.model.display(),
        summary.rows,
        corpus.files.len()
    )?;
    writeln!(
        out,
        "vocabulary: {} words, {} features",
        summary.vocabulary, summary.features
    )?;
    for head in &summary.heads {
        let labels: Vec<String> = head
            .labels
            .iter()
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        let state = if head.converged {
            "converged"
        } else {
            "stopped at --max-iter"
        };
        writeln!(
            out,
            "{}: {} labelled rows ({}); {} iterations, {state}",
            head.task.name(),
            head.rows,
            labels.join(", "),
            head.iterations
        )?;
        if !head.per_actor.is_empty() {
            writeln!(
                out,
                "  own models for {} actor(s): {}",
                head.per_actor.len(),
                head.per_actor.join(", ")
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The model's figures on the rows of the training files outside the split `trained_on`
/// (rows with an empty split are in none), or `None` when there are none.
fn held_out(
    model: &StanceModel,
    files: &[PathBuf],
    options: &ReadOptions,
    trained_on: &str,
) -> Result<Option<HeldOut>, Error> {
    debug_assert_eq!(options.split.as_deref(), Some(trained_on));
    let other_splits = ReadOptions {
        other_splits: true,
        ..options.clone()
    };
    let rows = Corpus::read(files, &other_splits)?.rows;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(HeldOut::of(trained_on, &evaluate(model, &rows)?)))
}

/// Counts finished fits on a terminal; silent otherwise.
fn show_progress(done: usize, total: usize) {
    let mut err = std::io::stderr();
    if err.is_terminal() {
        let end = if done == total { "\n" } else { "" };
        let _ = write!(err, "\rcross-validation: {done}/{total} fits{end}");
    }
}

/// Every setting `--cv` tried with its mean and spread, the chosen one marked.
fn tuning_table(tuning: &Tuning) -> String {
    let mut table = format!(
        "{}-fold cross-validation, {} (mean ± sd over folds):\n  {:>5} {:>9} {:>5} {:>5} {:>5} {:>5} {:>5} {:>7} {:>15}\n",
        tuning.folds,
        tuning.metric.name(),
        "word",
        "char",
        "side",
        "mask",
        "kinds",
        "C",
        "class",
        "actors",
        "score",
    );
    for (n, candidate) in tuning.candidates.iter().enumerate() {
        let setting = &candidate.setting;
        let class_weight = match setting.class_weight {
            ClassWeight::None => "none",
            ClassWeight::Balanced => "bal",
        };
        let _ = writeln!(
            table,
            "{} {:>5} {:>9} {:>5} {:>5} {:>5} {:>5} {:>5} {:>7} {:>8.2} ± {:>4.2}",
            if n == tuning.chosen { "*" } else { " " },
            range_flag(setting.word_ngrams),
            range_flag(setting.char_ngrams),
            range_flag(setting.side_ngrams),
            if setting.target_mask { "yes" } else { "no" },
            if setting.kind_norm { "apart" } else { "whole" },
            setting.c,
            class_weight,
            if setting.per_actor { "own" } else { "shared" },
            100.0 * candidate.mean,
            100.0 * candidate.sd,
        );
    }
    for calibration in &tuning.calibration {
        let _ = writeln!(
            table,
            "{} temperature {:.3}: out-of-fold calibration error {:.3} -> {:.3}",
            calibration.task.name(),
            calibration.temperature,
            calibration.error_before,
            calibration.error_after,
        );
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(
            parse_range(Param::WordNgrams, "1-3").unwrap(),
            NgramRange::new(1, 3)
        );
        assert_eq!(
            parse_range(Param::WordNgrams, "2").unwrap(),
            NgramRange::new(2, 2)
        );
        assert!(parse_range(Param::WordNgrams, "0").unwrap().is_off());
        for bad in ["3-1", "0-2", "x", "1-99", ""] {
            assert!(parse_range(Param::WordNgrams, bad).is_err(), "{bad}");
        }
    }
}
