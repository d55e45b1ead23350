//! Stage 6: labels to figures.
//!
//! [`metrics`] scores predicted labels against gold ones; [`report`] runs a model over labelled
//! rows and builds the report `stance evaluate` prints.

pub mod metrics;
pub mod report;

pub use metrics::{Confusion, LabelScores, Metrics};
pub use report::{evaluate, Baseline, EvalReport, Summary, TaskReport};
