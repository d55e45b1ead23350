//! `metadata.json` as builds before [`TrainSettings`] wrote it: the training command's flags by
//! name (`"c": 10.0`, `"word_ngrams": "1-3"`, `"actor_models": "own"`), read here into the
//! typed settings so that every model folder answers the same questions.
//!
//! The object was never a checked format, so the reading is tolerant: a flag that is missing
//! or unreadable takes the value it stood for before it existed. For the settings added after
//! the first version (quote and side-of-target n-grams, the lexicon, normalising each kind of
//! term apart) that is off, as a model file without them loads; for the others, this build's
//! default. The search is not read from the flags, which record `--cv` and its grid flags but
//! not the quick choice of actor models: it is rebuilt from the tuning the same file records
//! (its folds, seed, metric and every setting it tried), and the flags hold the setting it
//! chose.

use serde_json::{Map, Value};

use crate::corpus::{parse_delimiter, ReadOptions, Schema};
use crate::eval::tune::{Grid, Tuning};
use crate::features::{parse_ngram_range, FeatureParams, NgramRange, TermSettings};
use crate::model::{ClassWeight, LogisticParams, Solver, TrainParams, ValidLogisticParams};
use crate::param::Param;
use crate::train::{Search, TrainSettings};

/// The settings the recorded `flags` stand for; `tuning` is the search the same metadata
/// records, if one ran.
pub(super) fn settings(flags: &Map<String, Value>, tuning: Option<&Tuning>) -> TrainSettings {
    let text = |name: &str| flags.get(name).and_then(Value::as_str);
    let count = |name: &str| flags.get(name).and_then(Value::as_u64);
    let set = |name: &str| flags.get(name).and_then(Value::as_bool) == Some(true);
    let range = |name: &str, param: Param, absent: NgramRange| {
        text(name)
            .and_then(|value| parse_ngram_range(param, value).ok())
            .unwrap_or(absent)
    };

    let columns = Schema::default();
    let column = |name: &str, default: String| text(name).map_or(default, str::to_string);
    let defaults = ReadOptions::default();
    let read = ReadOptions {
        schema: Schema {
            text: column("text_column", columns.text),
            actor: column("actor_column", columns.actor),
            stance: column("stance_column", columns.stance),
            sentiment: column("sentiment_column", columns.sentiment),
            context: column("context_column", columns.context),
            split: column("split_column", columns.split),
            mention: text("mention_columns")
                .and_then(|value| value.split_once(','))
                .map(|(start, end)| (start.trim().to_string(), end.trim().to_string())),
            ..Schema::default()
        },
        delimiter: text("delimiter")
            .and_then(|value| parse_delimiter(value).ok())
            .unwrap_or(defaults.delimiter),
        encoding: text("encoding")
            .and_then(|value| value.parse().ok())
            .unwrap_or(defaults.encoding),
        split: text("split").map(str::to_string),
        ..defaults
    };

    let solver = ValidLogisticParams::default();
    let logistic = LogisticParams::default()
        .c(flags.get("c").and_then(Value::as_f64).unwrap_or(solver.c()))
        .max_iterations(count("max_iter").unwrap_or(solver.max_iterations()))
        .class_weight(match text("class_weight") {
            Some("none") => ClassWeight::None,
            Some("balanced") => ClassWeight::Balanced,
            _ => solver.class_weight(),
        })
        .solver(match text("solver") {
            Some("newton") => Solver::Newton,
            Some("lbfgs") => Solver::Lbfgs,
            Some("linfa") => Solver::Linfa,
            _ => solver.solver(),
        });

    let features = FeatureParams::default();
    let terms = features.terms;
    let size = |name: &str, default: usize| count(name).map_or(default, |n| n as usize);
    let params = TrainParams {
        features: FeatureParams {
            terms: TermSettings {
                word_ngrams: range("word_ngrams", Param::WordNgrams, terms.word_ngrams),
                char_ngrams: range("char_ngrams", Param::CharNgrams, terms.char_ngrams),
                quote_ngrams: range("quote_ngrams", Param::QuoteNgrams, NgramRange::off()),
                target_window: size("target_window", terms.target_window),
                side_ngrams: range("side_ngrams", Param::SideNgrams, NgramRange::off()),
                actor_term: !set("no_actor_feature"),
                lexicon: flags.contains_key("no_lexicon") && !set("no_lexicon"),
            },
            min_df: size("min_df", features.min_df),
            target_mask: !set("no_target_mask"),
            vocab_min_frequency: count("vocab_min_frequency")
                .unwrap_or(features.vocab_min_frequency),
            // `--no-kind-norm` came first, `--kind-norm apart|whole` later; a record has
            // neither from before the setting existed.
            kind_norm: match (flags.get("no_kind_norm"), text("kind_norm")) {
                (None, None) | (_, Some("whole")) => false,
                _ => !set("no_kind_norm"),
            },
        },
        logistic,
        per_actor: set("per_actor") || text("actor_models") == Some("own"),
        min_actor_rows: size("min_actor_rows", TrainParams::default().min_actor_rows),
    };

    let search = tuning.map(|tuning| Search {
        folds: tuning.folds,
        seed: tuning.seed,
        metric: tuning.metric,
        grid: Grid::spanning(
            &tuning
                .candidates
                .iter()
                .map(|candidate| candidate.setting)
                .collect::<Vec<_>>(),
        ),
    });
    TrainSettings {
        read,
        params,
        search,
    }
}
