//! Stage 6: labels to figures.
//!
//! [`metrics`] scores predicted labels against gold ones; [`report`] runs a model over labelled
//! rows and builds the report `stance evaluate` prints; [`extraction`] scores the article
//! stage's quotes, speakers and actors against gold annotations, which [`gold`] reads (the
//! project's format and PolNeAR's).

pub mod extraction;
pub mod gold;
pub mod metrics;
pub mod report;
pub mod tune;

pub use metrics::{Confusion, LabelScores, Metrics};
pub use report::{evaluate, Baseline, EvalReport, Summary, TaskReport};
pub use tune::{tune, CvMetric, Grid, Tuning};
