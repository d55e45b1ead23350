//! Training as a whole, as a front end asks for it.
//!
//! [`TrainSettings`] say how the labelled files are read, the model's parameters and the
//! cross-validation, if any, that chooses some of them; [`TrainSettings::train`] turns the rows
//! read with them into a model. The settings a run ends with, the search's choice filled in,
//! are what `metadata.json` records ([`crate::persist::Metadata::settings`]): the same files
//! read and trained with them give the same model again, byte for byte.

use serde::{Deserialize, Serialize};

use crate::corpus::{ReadOptions, Row};
use crate::error::Error;
pub use crate::eval::tune::Search;
use crate::eval::tune::{train_tuned, Tuning};
use crate::model::{StanceModel, TrainParams, TrainSummary};

/// Everything a training run is told, in the library's own types. [`Default`] gives every
/// default of `stance train`, with no search.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TrainSettings {
    /// How the labelled files are read.
    pub read: ReadOptions,
    /// The model's parameters. Where a search runs, it replaces the values its grid lists; the
    /// settings [`TrainSettings::train`] gives back hold its choice.
    pub params: TrainParams,
    /// The cross-validation that chooses among the grid's settings, or none.
    pub search: Option<Search>,
}

/// A trained model with what training did and the settings that train it again.
#[derive(Debug, Clone)]
pub struct Trained {
    /// The model.
    pub model: StanceModel,
    /// What training did.
    pub summary: TrainSummary,
    /// With a search: every setting tried, its scores, the choice and the calibration.
    pub tuning: Option<Tuning>,
    /// The settings given, with the parameters the search chose: what `metadata.json`
    /// records. Training with them again gives the same model.
    pub settings: TrainSettings,
}

impl TrainSettings {
    /// Trains on `rows` (read with [`TrainSettings::read`]): with a search, on the best setting
    /// of its grid on top of [`TrainSettings::params`], each head's probabilities calibrated on
    /// the held-out folds; without, on the parameters as they are. `progress` hears each
    /// finished fit of the search as (done, total).
    pub fn train(
        &self,
        rows: &[Row],
        progress: impl FnMut(usize, usize),
    ) -> Result<Trained, Error> {
        let mut settings = self.clone();
        let Some(search) = &self.search else {
            let (model, summary) = StanceModel::train(rows, &self.params)?;
            return Ok(Trained {
                model,
                summary,
                tuning: None,
                settings,
            });
        };
        let (model, summary, chosen, tuning) = train_tuned(rows, &self.params, search, progress)?;
        settings.params = chosen;
        Ok(Trained {
            model,
            summary,
            tuning: Some(tuning),
            settings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::tune::Grid;
    use crate::features::NgramRange;
    use crate::model::ClassWeight;

    fn rows() -> Vec<Row> {
        let texts = [
            ("We stand with the union", "favor"),
            ("The union betrayed workers", "against"),
            ("The union met on Tuesday", "none"),
            ("Proud of the union today", "favor"),
            ("The union is a disgrace", "against"),
            ("The union will vote next week", "none"),
        ];
        (0..4)
            .flat_map(|copy| {
                texts.iter().map(move |(text, stance)| Row {
                    stance: Some(stance.to_string()),
                    ..Row::labelled(
                        Some(&format!("story {copy}")),
                        &format!("{text} ({copy})"),
                        "union",
                    )
                })
            })
            .collect()
    }

    fn small() -> TrainSettings {
        let mut settings = TrainSettings::default();
        settings.params.features.min_df = 1;
        settings.params.features.vocab_min_frequency = 1;
        settings
    }

    #[test]
    fn the_recorded_settings_train_the_same_model_and_record_themselves() {
        let settings = TrainSettings {
            search: Some(Search {
                grid: Grid {
                    c: vec![0.01, 10.0],
                    class_weight: vec![ClassWeight::None],
                    per_actor: vec![false],
                    word_ngrams: vec![NgramRange::new(1, 1), NgramRange::new(1, 2)],
                    ..Grid::default()
                },
                ..Search::new(3)
            }),
            ..small()
        };
        let first = settings.train(&rows(), |_, _| {}).unwrap();
        let tuning = first.tuning.as_ref().expect("a search ran");
        let chosen = tuning.best().setting;
        assert_eq!(first.settings.params, chosen.apply(&settings.params));
        assert_eq!(first.settings.search, settings.search);
        let again = first.settings.train(&rows(), |_, _| {}).unwrap();
        assert_eq!(again.model.heads, first.model.heads);
        assert_eq!(again.model.features, first.model.features);
        assert_eq!(again.settings, first.settings);
        assert_eq!(again.tuning.as_ref(), Some(tuning));
    }

    #[test]
    fn without_a_search_the_parameters_train_as_they_are() {
        let settings = small();
        let trained = settings.train(&rows(), |_, _| unreachable!()).unwrap();
        assert!(trained.tuning.is_none());
        assert_eq!(trained.settings, settings);
        assert!(trained
            .model
            .heads
            .iter()
            .all(|head| head.temperature == 1.0));
    }

    #[test]
    fn settings_round_trip_through_json() {
        let mut settings = small();
        settings.read.delimiter = b'\t';
        settings.read.split = Some("train".into());
        settings.read.schema.mention = Some(("from".into(), "to".into()));
        settings.params.logistic = settings.params.logistic.c(3.5);
        settings.search = Some(Search::new(5));
        let json = serde_json::to_string(&settings).unwrap();
        assert!(json.contains(r#""delimiter":"\t""#), "{json}");
        assert!(json.contains(r#""c":3.5"#), "{json}");
        assert_eq!(
            serde_json::from_str::<TrainSettings>(&json).unwrap(),
            settings
        );
    }
}
