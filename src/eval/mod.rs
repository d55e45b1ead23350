//! Stage 6: labels to figures.
//!
//! `metrics` scores predicted labels against gold ones ([`Metrics`]); [`evaluate`] runs a model
//! over labelled rows and builds the [`EvalReport`] `stance evaluate` prints; `bootstrap` gives
//! each of its figures a 95% [`Interval`] by resampling statements, and `compare` pairs two
//! models' figures on the same resamples; [`extraction`] scores the article stage's quotes,
//! speakers and actors against gold annotations, which [`gold`] reads (the project's format
//! and PolNeAR's); `details` gathers what the page of `evaluate --report` shows beyond the
//! figures; [`tune`] chooses training settings by cross-validation.

pub(crate) mod bootstrap;
pub(crate) mod compare;
pub(crate) mod details;
pub mod extraction;
pub mod gold;
pub(crate) mod metrics;
pub(crate) mod report;
pub mod tune;

pub(crate) use bootstrap::Bootstrap;
pub use bootstrap::{BootstrapInfo, Interval};
pub(crate) use compare::{compare, Comparison};
pub(crate) use details::{
    explain_mistakes, ConfidentMistake, TaskDetails, DEFAULT_MISTAKES, EXPLANATION_TERMS,
};
pub use metrics::{Calibration, CalibrationBin, Confusion, LabelScores, Metrics};
pub(crate) use report::score;
pub use report::{evaluate, Baseline, EvalReport, Summary, TaskReport};
pub use tune::{CvMetric, Grid, Tuning};
