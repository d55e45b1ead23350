//! `stance train`: labelled CSV in, model folder out.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, ValueEnum};
use serde::Serialize;

use stance::features::{FeatureParams, NgramRange, TermSettings};
use stance::model::{ClassWeight, LogisticParams, Solver, TrainParams};
use stance::persist::{self, Metadata};
use stance::{Corpus, Error, StanceModel};

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
    #[command(flatten)]
    #[serde(flatten)]
    pub csv: CsvArgs,
    /// Inverse regularisation strength C (alpha = 1/C).
    #[arg(long, default_value_t = 10.0)]
    pub c: f64,
    /// Most L-BFGS iterations per model.
    #[arg(long, default_value_t = 300)]
    pub max_iter: u64,
    /// Seed recorded with the model; training itself has no randomness.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Weight rows so every label counts equally (balanced) or not (none).
    #[arg(long, value_enum, default_value_t = ClassWeightArg::Balanced)]
    pub class_weight: ClassWeightArg,
    /// Optimiser: lbfgs on sparse features, or linfa (linfa-logistic, dense; small
    /// vocabularies, needs --class-weight none).
    #[arg(long, value_enum, default_value_t = SolverArg::Lbfgs)]
    pub solver: SolverArg,
    /// Also train one model per actor; unseen actors use the shared model.
    #[arg(long)]
    pub per_actor: bool,
    /// Fewest labelled rows an actor needs for a model of its own.
    #[arg(long, default_value_t = 30, value_name = "N")]
    pub min_actor_rows: usize,
    /// Word n-gram lengths, MIN-MAX (0 turns them off).
    #[arg(long, default_value = "1-3", value_name = "RANGE")]
    pub word_ngrams: String,
    /// Character n-gram lengths, MIN-MAX (0 turns them off).
    #[arg(long, default_value = "2-5", value_name = "RANGE")]
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
    /// Do not replace mentions of the actor and other actors with placeholders.
    #[arg(long)]
    pub no_target_mask: bool,
    /// Do not add a feature naming the row's actor.
    #[arg(long)]
    pub no_actor_feature: bool,
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

/// `--solver` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SolverArg {
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
            .class_weight(match self.class_weight {
                ClassWeightArg::None => ClassWeight::None,
                ClassWeightArg::Balanced => ClassWeight::Balanced,
            })
            .solver(match self.solver {
                SolverArg::Lbfgs => Solver::Lbfgs,
                SolverArg::Linfa => Solver::Linfa,
            });
        Ok(TrainParams {
            features: FeatureParams {
                terms: TermSettings {
                    word_ngrams: parse_range("--word-ngrams", &self.word_ngrams)?,
                    char_ngrams: parse_range("--char-ngrams", &self.char_ngrams)?,
                    quote_ngrams: parse_range("--quote-ngrams", &self.quote_ngrams)?,
                    target_window: self.target_window,
                    actor_term: !self.no_actor_feature,
                },
                min_df: self.min_df,
                target_mask: !self.no_target_mask,
                vocab_min_frequency: self.vocab_min_frequency,
            },
            logistic,
            per_actor: self.per_actor,
            min_actor_rows: self.min_actor_rows,
        })
    }
}

/// Parses `MIN-MAX`, `N` (for N-N) or `0` (off).
pub fn parse_range(flag: &str, value: &str) -> Result<NgramRange, Error> {
    let invalid = || Error::InvalidValue {
        flag: flag.into(),
        value: value.into(),
        expected: "MIN-MAX with 1 <= MIN <= MAX <= 8 (e.g. 1-3), one length, or 0 for none".into(),
    };
    let parse = |s: &str| s.trim().parse::<usize>().map_err(|_| invalid());
    let (min, max) = match value.split_once('-') {
        Some((min, max)) => (parse(min)?, parse(max)?),
        None => {
            let n = parse(value)?;
            (n, n)
        }
    };
    if (min, max) == (0, 0) {
        return Ok(NgramRange::new(0, 0));
    }
    if min == 0 || min > max || max > 8 {
        return Err(invalid());
    }
    Ok(NgramRange::new(min, max))
}

/// Runs `stance train`.
pub fn run(args: TrainArgs) -> anyhow::Result<ExitCode> {
    let params = args.params()?;
    let options = args.csv.read_options()?;
    let started = Instant::now();
    let corpus = Corpus::read(&args.data, &options)?;
    let (model, summary) = StanceModel::train(&corpus.rows, &params)?;
    let seconds = started.elapsed().as_secs_f64();
    let metadata = Metadata {
        crate_version: env!("CARGO_PKG_VERSION").into(),
        files: corpus.files.clone(),
        flags: serde_json::to_value(&args).context("recording the flags")?,
        summary: summary.clone(),
        training_seconds: seconds,
    };
    persist::save(&args.model.model, &model, &metadata)?;
    let mut out = std::io::stdout().lock();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("f", "1-3").unwrap(), NgramRange::new(1, 3));
        assert_eq!(parse_range("f", "2").unwrap(), NgramRange::new(2, 2));
        assert!(parse_range("f", "0").unwrap().is_off());
        for bad in ["3-1", "0-2", "x", "1-99", ""] {
            assert!(parse_range("f", bad).is_err(), "{bad}");
        }
    }
}
