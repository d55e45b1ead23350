//! Stage 6: labels to figures.
//!
//! [`metrics`] scores predicted labels against gold ones; [`report`] runs a model over labelled
//! rows and builds the report `stance evaluate` prints; [`bootstrap`] gives each of its figures
//! a 95% interval by resampling statements, and [`compare`](mod@compare) pairs two models' figures on the
//! same resamples; [`extraction`] scores the article stage's quotes, speakers and actors
//! against gold annotations, which [`gold`] reads (the project's format and PolNeAR's);
//! [`details`] gathers what the page of `evaluate --report` shows beyond the figures.

pub mod bootstrap;
pub mod compare;
pub mod details;
pub mod extraction;
pub mod gold;
pub mod metrics;
pub mod report;
pub mod tune;

pub use bootstrap::{Bootstrap, BootstrapInfo, Interval};
pub use compare::{compare, Comparison, Difference, Figure};
pub use details::{
    explain_mistakes, ConfidentMistake, TaskDetails, DEFAULT_MISTAKES, EXPLANATION_TERMS,
};
pub use metrics::{Calibration, CalibrationBin, Confusion, LabelScores, Metrics};
pub use report::{evaluate, score, Baseline, EvalReport, Scored, Summary, TaskReport};
pub use tune::{train_tuned, tune, CvMetric, Grid, Tuning};
