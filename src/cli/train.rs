//! `stance train`: labelled CSV in, model folder out.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::builder::BoolishValueParser;
use clap::{Args, ValueEnum};
use linfa::ParamGuard;

use crate::corpus::{ReadOptions, Row};
use crate::eval::tune::{thin_actors, CHOICE_FOLDS, DEFAULT_SEED};
use crate::eval::{CvMetric, Grid, Tuning};
use crate::features::{parse_ngram_range, FeatureParams, TermSettings};
use crate::model::{ClassWeight, LogisticParams, Solver, TrainParams, ValidLogisticParams};
use crate::persist::{self, HeldOut, Metadata};
use crate::train::{Search, TrainSettings, Trained};
use crate::{evaluate, Corpus, Error, Param, StanceModel};

use super::{CsvArgs, ModelArg};

/// Train a model on labelled CSV.
///
/// Every default is read from the library's ([`TrainParams::default`], [`Grid::default`],
/// [`DEFAULT_SEED`], [`CvMetric::default`]), so the flags cannot drift from it.
#[derive(Debug, Clone, Args)]
pub struct TrainArgs {
    /// Labelled files (CSV or other delimited text); rows of all files are pooled.
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub(crate) data: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) model: ModelArg,
    /// Replace the model folder if it exists (the old model stays until the new one is
    /// complete); without it, an existing folder is an error.
    #[arg(long)]
    pub(crate) force: bool,
    #[command(flatten)]
    pub(crate) csv: CsvArgs,
    /// Inverse regularisation strength C (alpha = 1/C).
    #[arg(long, default_value_t = ValidLogisticParams::default().c(), conflicts_with = "cv")]
    pub(crate) c: f64,
    /// Most solver iterations per model (Newton steps, or L-BFGS iterations).
    #[arg(long, default_value_t = ValidLogisticParams::default().max_iterations())]
    pub(crate) max_iter: u64,
    /// Seed of the fold assignment of `--cv` and of the quick choice of actor models;
    /// training itself has no randomness.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub(crate) seed: u64,
    /// Weight rows so every label counts equally (balanced) or not (none).
    #[arg(
        long,
        value_enum,
        default_value_t = ValidLogisticParams::default().class_weight().into(),
        conflicts_with = "cv"
    )]
    pub(crate) class_weight: ClassWeightArg,
    /// Optimiser: newton (Newton's method with conjugate gradients, as liblinear) or lbfgs,
    /// both on sparse features, or linfa (linfa-logistic, dense; small vocabularies, needs
    /// --class-weight none).
    #[arg(long, value_enum, default_value_t = ValidLogisticParams::default().solver().into())]
    pub(crate) solver: SolverArg,
    /// One model shared by all actors, or also one per actor (unseen actors use the shared
    /// one). `auto` chooses by a quick cross-validation when every actor has
    /// --min-actor-rows labelled rows, else takes the shared model.
    #[arg(long, value_enum, default_value_t = ActorModelsArg::Auto, conflicts_with = "cv")]
    pub(crate) actor_models: ActorModelsArg,
    /// The same as `--actor-models own`.
    #[arg(long, conflicts_with_all = ["cv", "actor_models"])]
    pub(crate) per_actor: bool,
    /// Fewest labelled rows an actor needs for a model of its own.
    #[arg(long, default_value_t = TrainParams::default().min_actor_rows, value_name = "N")]
    pub(crate) min_actor_rows: usize,
    /// Word n-gram lengths, MIN-MAX (0 turns them off).
    #[arg(
        long,
        default_value_t = terms().word_ngrams.to_string(),
        value_name = "RANGE",
        conflicts_with = "cv"
    )]
    pub(crate) word_ngrams: String,
    /// Character n-gram lengths, MIN-MAX (0 turns them off).
    #[arg(
        long,
        default_value_t = terms().char_ngrams.to_string(),
        value_name = "RANGE",
        conflicts_with = "cv"
    )]
    pub(crate) char_ngrams: String,
    /// Keep features seen in at least N training rows.
    #[arg(long, default_value_t = FeatureParams::default().min_df, value_name = "N")]
    pub(crate) min_df: usize,
    /// Keep words seen at least N times in the tokeniser's vocabulary.
    #[arg(
        long,
        default_value_t = FeatureParams::default().vocab_min_frequency,
        value_name = "N"
    )]
    pub(crate) vocab_min_frequency: u64,
    /// Word n-gram lengths of a quote's own words, apart from its context (0 turns them off).
    #[arg(long, default_value_t = terms().quote_ngrams.to_string(), value_name = "RANGE")]
    pub(crate) quote_ngrams: String,
    /// Words at most N tokens from a mention of the actor get position-marked features
    /// (0 turns them off).
    #[arg(long, default_value_t = terms().target_window, value_name = "N")]
    pub(crate) target_window: usize,
    /// Word n-gram lengths marked by their side of the actor's mentions (before, between,
    /// after; 0 turns them off).
    #[arg(
        long,
        default_value_t = terms().side_ngrams.to_string(),
        value_name = "RANGE",
        conflicts_with = "cv"
    )]
    pub(crate) side_ngrams: String,
    /// Do not replace mentions of the actor and other actors with placeholders.
    #[arg(long, conflicts_with = "cv")]
    pub(crate) no_target_mask: bool,
    /// Do not add a feature naming the row's actor.
    #[arg(long)]
    pub(crate) no_actor_feature: bool,
    /// Do not add the sentiment lexicon's terms (VADER's rated words, by their place relative
    /// to the target and in the quote).
    #[arg(long)]
    pub(crate) no_lexicon: bool,
    /// Normalise each kind of term (words, characters, words near the target, sides of the
    /// target, the quote, the actor, the lexicon) on its own first (apart), or the row as a
    /// whole only. `auto` chooses with --actor-models' cross-validation when that runs, else
    /// apart.
    #[arg(long, value_enum, default_value_t = KindNormArg::Auto, conflicts_with = "cv")]
    pub(crate) kind_norm: KindNormArg,
    /// The same as `--kind-norm whole`.
    #[arg(long, conflicts_with_all = ["cv", "kind_norm"])]
    pub(crate) no_kind_norm: bool,
    /// Choose C, class weighting, per-actor models, n-gram ranges (and, if asked, masking and
    /// normalisation) by K-fold cross-validation on the training rows, then train on all of
    /// them with the best setting. The `--grid-*` flags list the values tried; the choice and
    /// every score go to `metadata.json`.
    #[arg(long, value_name = "K")]
    pub(crate) cv: Option<usize>,
    /// The score `--cv` maximises (mean over the held-out folds).
    #[arg(long, value_enum, default_value_t = CvMetric::default().into(), requires = "cv")]
    pub(crate) cv_metric: CvMetricArg,
    /// Values of C `--cv` tries.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "C,...",
        default_value = list(&Grid::default().c),
        requires = "cv"
    )]
    pub(crate) grid_c: Vec<f64>,
    /// Class weightings `--cv` tries.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = list(Grid::default().class_weight.into_iter().map(flag_value)),
        requires = "cv"
    )]
    pub(crate) grid_class_weight: Vec<ClassWeightArg>,
    /// Whether `--cv` tries per-actor models: no, yes or both.
    #[arg(
        long,
        value_delimiter = ',',
        value_parser = BoolishValueParser::new(),
        value_name = "yes|no,...",
        hide_possible_values = true,
        default_value = yes_no(&Grid::default().per_actor),
        requires = "cv"
    )]
    pub(crate) grid_per_actor: Vec<bool>,
    /// Word n-gram ranges `--cv` tries.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "RANGES",
        default_value = list(&Grid::default().word_ngrams),
        requires = "cv"
    )]
    pub(crate) grid_word_ngrams: Vec<String>,
    /// Character n-gram ranges `--cv` tries.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "RANGES",
        default_value = list(&Grid::default().char_ngrams),
        requires = "cv"
    )]
    pub(crate) grid_char_ngrams: Vec<String>,
    /// Side-of-target n-gram ranges `--cv` tries.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "RANGES",
        default_value = list(&Grid::default().side_ngrams),
        requires = "cv"
    )]
    pub(crate) grid_side_ngrams: Vec<String>,
    /// Whether `--cv` masks the actors: yes, no or both.
    #[arg(
        long,
        value_delimiter = ',',
        value_parser = BoolishValueParser::new(),
        value_name = "yes|no,...",
        hide_possible_values = true,
        default_value = yes_no(&Grid::default().target_mask),
        requires = "cv"
    )]
    pub(crate) grid_target_mask: Vec<bool>,
    /// Whether `--cv` normalises each kind of term apart: yes, no or both.
    #[arg(
        long,
        value_delimiter = ',',
        value_parser = BoolishValueParser::new(),
        value_name = "yes|no,...",
        hide_possible_values = true,
        default_value = yes_no(&Grid::default().kind_norm),
        requires = "cv"
    )]
    pub(crate) grid_kind_norm: Vec<bool>,
}

/// The library's default term settings, which the n-gram and window flags show and take.
fn terms() -> TermSettings {
    FeatureParams::default().terms
}

/// A list flag's values as it takes them, `1,10,100`: how a grid flag's default is given, so
/// `--help` shows it as it would be typed.
fn list<T: std::fmt::Display>(values: impl IntoIterator<Item = T>) -> String {
    let values: Vec<String> = values.into_iter().map(|value| value.to_string()).collect();
    values.join(",")
}

/// Booleans as a yes-or-no grid flag takes them, `no,yes`.
fn yes_no(values: &[bool]) -> String {
    list(values.iter().map(|&yes| if yes { "yes" } else { "no" }))
}

/// The name `--class-weight` gives `weight`.
fn flag_value(weight: ClassWeight) -> String {
    let value = ClassWeightArg::from(weight).to_possible_value();
    value.expect("no value is skipped").get_name().to_string()
}

/// `--cv-metric` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CvMetricArg {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ClassWeightArg {
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

impl From<CvMetric> for CvMetricArg {
    fn from(metric: CvMetric) -> CvMetricArg {
        match metric {
            CvMetric::StanceMacroF1 => CvMetricArg::StanceMacroF1,
            CvMetric::StanceFavg => CvMetricArg::StanceFavg,
            CvMetric::SentimentMacroF1 => CvMetricArg::SentimentMacroF1,
            CvMetric::MeanMacroF1 => CvMetricArg::MeanMacroF1,
        }
    }
}

/// `--actor-models` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ActorModelsArg {
    /// Chosen from the data.
    Auto,
    /// One model for all actors.
    Shared,
    /// Also a model per actor with enough rows.
    Own,
}

/// `--kind-norm` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KindNormArg {
    /// Chosen from the data.
    Auto,
    /// Each kind of term normalised on its own, then the row.
    Apart,
    /// The row normalised as a whole.
    Whole,
}

/// `--solver` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SolverArg {
    /// Newton's method with conjugate gradients on the sparse matrix.
    Newton,
    /// L-BFGS on the sparse matrix.
    Lbfgs,
    /// linfa-logistic on a dense copy.
    Linfa,
}

impl From<SolverArg> for Solver {
    fn from(arg: SolverArg) -> Solver {
        match arg {
            SolverArg::Newton => Solver::Newton,
            SolverArg::Lbfgs => Solver::Lbfgs,
            SolverArg::Linfa => Solver::Linfa,
        }
    }
}

impl From<Solver> for SolverArg {
    fn from(solver: Solver) -> SolverArg {
        match solver {
            Solver::Newton => SolverArg::Newton,
            Solver::Lbfgs => SolverArg::Lbfgs,
            Solver::Linfa => SolverArg::Linfa,
        }
    }
}

impl TrainArgs {
    /// The validated training parameters.
    pub(crate) fn params(&self) -> Result<TrainParams, Error> {
        let logistic = LogisticParams::default()
            .c(self.c)
            .max_iterations(self.max_iter)
            .class_weight(self.class_weight.into())
            .solver(self.solver.into());
        TrainParams {
            features: FeatureParams {
                terms: TermSettings {
                    word_ngrams: parse_ngram_range(Param::WordNgrams, &self.word_ngrams)?,
                    char_ngrams: parse_ngram_range(Param::CharNgrams, &self.char_ngrams)?,
                    quote_ngrams: parse_ngram_range(Param::QuoteNgrams, &self.quote_ngrams)?,
                    target_window: self.target_window,
                    side_ngrams: parse_ngram_range(Param::SideNgrams, &self.side_ngrams)?,
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

    /// The settings `--cv` tries: the `--grid-*` values.
    pub(crate) fn grid(&self) -> Result<Grid, Error> {
        let ranges = |param: Param, values: &[String]| {
            values
                .iter()
                .map(|value| parse_ngram_range(param, value))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Grid {
            c: self.grid_c.clone(),
            class_weight: self.grid_class_weight.iter().map(|&w| w.into()).collect(),
            per_actor: self.grid_per_actor.clone(),
            word_ngrams: ranges(Param::GridWordNgrams, &self.grid_word_ngrams)?,
            char_ngrams: ranges(Param::GridCharNgrams, &self.grid_char_ngrams)?,
            side_ngrams: ranges(Param::GridSideNgrams, &self.grid_side_ngrams)?,
            target_mask: self.grid_target_mask.clone(),
            kind_norm: self.grid_kind_norm.clone(),
        })
    }

    /// The settings to train with on `rows`: the flags' reading and parameters, and the search
    /// of `--cv`, or without it the quick one of [`TrainArgs::choices`] when `auto` leaves
    /// something to the data; with a note when that search was not worth running.
    fn settings(
        &self,
        read: ReadOptions,
        params: TrainParams,
        grid: Grid,
        rows: &[Row],
    ) -> (TrainSettings, Option<String>) {
        let (choices, note) = self.choices(rows, &params);
        let search = |folds: usize, grid: Grid| Search {
            folds,
            seed: self.seed,
            metric: self.cv_metric.into(),
            grid,
        };
        let search = match (self.cv, choices) {
            (Some(folds), _) => Some(search(folds, grid)),
            (None, Some(choices)) => Some(search(CHOICE_FOLDS, choices)),
            (None, None) => None,
        };
        let settings = TrainSettings {
            read,
            params,
            search,
        };
        (settings, note)
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

/// Runs `stance train`.
pub(crate) fn run(args: TrainArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let target = &args.model.model;
    persist::check_destination(target)?;
    if target.exists() && !args.force {
        anyhow::bail!(
            "{}: a model folder (or file) is already there; pass --force to replace it, or name \
             another with --model",
            target.display()
        );
    }
    let params = args.params()?;
    let grid = args.grid()?;
    let read = args.csv.read_options()?;
    let started = Instant::now();
    let corpus = Corpus::read(&args.data, &read)?;
    corpus.require_labels(&read.schema)?;
    // `--cv K` searches its grid; without it, a quick search settles what `auto` leaves open.
    let (settings, note) = args.settings(read, params, grid, &corpus.rows);
    let Trained {
        model,
        summary,
        tuning,
        settings,
    } = settings.train(&corpus.rows, show_progress)?;
    let seconds = started.elapsed().as_secs_f64();
    let held_out = match &settings.read.split {
        Some(trained_on) => held_out(&model, &args.data, &settings.read, trained_on)?,
        None => None,
    };
    let metadata = Metadata {
        crate_version: env!("CARGO_PKG_VERSION").into(),
        files: corpus.files.clone(),
        settings,
        summary,
        training_seconds: seconds,
        tuning,
        held_out,
    };
    persist::save(&args.model.model, &model, &metadata)?;
    let (params, summary) = (&metadata.settings.params, &metadata.summary);
    if let Some(tuning) = &metadata.tuning {
        write!(out, "{}", tuning_table(tuning))?;
    }
    if args.cv.is_none() {
        match (&metadata.tuning, note) {
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
            setting.word_ngrams,
            setting.char_ngrams,
            setting.side_ngrams,
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
    use clap::{CommandFactory, Parser};

    use super::*;
    use crate::cli::{Cli, Command};

    fn parse(argv: &[String]) -> TrainArgs {
        let argv = ["stance", "train", "--data", "x.csv"]
            .into_iter()
            .map(String::from)
            .chain(argv.iter().cloned());
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Train(args) => *args,
            _ => unreachable!("a train command"),
        }
    }

    #[test]
    fn the_flags_default_to_the_librarys_defaults() {
        let args = parse(&[]);
        assert_eq!(args.params().unwrap(), TrainParams::default());
        assert_eq!(args.csv.read_options().unwrap(), ReadOptions::default());
        assert_eq!(args.grid().unwrap(), Grid::default());
        assert_eq!(args.seed, DEFAULT_SEED);
        assert_eq!(CvMetric::from(args.cv_metric), CvMetric::default());
        assert_eq!(args.actor_models, ActorModelsArg::Auto);
        assert_eq!(args.kind_norm, KindNormArg::Auto);
        // `--cv K` alone searches as the library's default search does.
        let args = parse(&["--cv".into(), "5".into()]);
        let (settings, _) = args.settings(
            args.csv.read_options().unwrap(),
            args.params().unwrap(),
            args.grid().unwrap(),
            &[],
        );
        assert_eq!(
            settings,
            TrainSettings {
                search: Some(Search::new(5)),
                ..TrainSettings::default()
            }
        );
    }

    /// `stance train`'s flags that show a default and take a value, with the defaults
    /// `--help` shows: those of the search (`--cv-metric`, `--grid-*`) or the others.
    fn shown_defaults(of_the_search: bool) -> Vec<String> {
        let command = Cli::command();
        let train = command.find_subcommand("train").expect("a train command");
        let mut argv = Vec::new();
        for arg in train.get_arguments() {
            let id = arg.get_id().as_str();
            let defaults = arg.get_default_values();
            let searched = id.starts_with("grid_") || id == "cv_metric";
            if defaults.is_empty() || !arg.get_action().takes_values() || searched != of_the_search
            {
                continue;
            }
            let shown: Vec<&str> = defaults.iter().map(|v| v.to_str().unwrap()).collect();
            argv.push(format!("--{}", arg.get_long().expect("a long flag")));
            argv.push(shown.join(","));
        }
        argv
    }

    #[test]
    fn the_defaults_help_shows_read_back_as_the_defaults() {
        let given = shown_defaults(false);
        assert!(given.contains(&"--word-ngrams".to_string()), "{given:?}");
        assert!(given.contains(&"comma".to_string()), "{given:?}");
        let (plain, explicit) = (parse(&[]), parse(&given));
        assert_eq!(explicit.params().unwrap(), plain.params().unwrap());
        assert_eq!(
            explicit.csv.read_options().unwrap(),
            plain.csv.read_options().unwrap()
        );
        assert_eq!(explicit.seed, plain.seed);
        let mut given = shown_defaults(true);
        assert!(given.contains(&"no,yes".to_string()), "{given:?}");
        assert!(given.contains(&"1-2,1-3".to_string()), "{given:?}");
        given.extend(["--cv".into(), "5".into()]);
        let explicit = parse(&given);
        assert_eq!(explicit.grid().unwrap(), Grid::default());
        assert_eq!(CvMetric::from(explicit.cv_metric), CvMetric::default());
    }
}
