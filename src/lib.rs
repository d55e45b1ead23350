//! `stance` finds the quotes in news articles, who said them and which actors they concern,
//! and labels each quote's stance toward each actor (favor / against / neutral) and its
//! sentiment (positive / negative / neutral).
//!
//! The pipeline, one module per stage:
//!
//! 1. [`corpus`]: labelled CSV rows in, one (text, actor) pair per row, with the user's column
//!    names, delimiter and encoding; or
//!    [`article`]: news articles in, quotes and reported statements out, each with its
//!    context, speaker and the actors it concerns (one (statement, actor) pair per actor).
//! 2. [`text`]: a `tokenizers` pipeline (NFKC, lowercase, BERT pre-tokeniser, word vocabulary)
//!    turns each text into tokens.
//! 3. [`features`]: mentions of the actor are masked, then word and character n-grams, words
//!    near the target, n-grams by their side of it and the quote's own words become sparse
//!    sublinear TF-IDF rows, each kind of term normalised apart.
//! 4. [`model`]: multinomial logistic regression (Newton-CG on the sparse rows; linfa's traits)
//!    labels each row, one head per label column, optionally one model per actor.
//! 5. [`eval`]: accuracy, macro-F1, F_avg, confusion and per-actor figures, each with a
//!    bootstrap interval over statements, and the paired comparison of two models.
//! 6. [`persist`]: the model folder, versioned and written atomically, with the
//!    [`TrainSettings`] that trained it: how the files were read, the parameters and the
//!    cross-validation that chose some of them ([`train`] runs them).
//! 7. [`score`]: rows or articles through the whole pipeline to scored (statement, actor)
//!    pairs.
//! 8. `summary`, behind `stance summarize`: the scored pairs of a whole collection (`predict
//!    --format jsonl`) in, the speaker → actor stance network out, by outlet and ISO week if
//!    asked.
//!
//! [`cli`] wires these into `stance train`, `stance evaluate`, `stance predict`, `stance
//! summarize` and `stance serve`, for the binary (`src/main.rs`) and for the Python package
//! (`python/`), which runs the same commands in its own process; `html` builds the pages they
//! show.

pub mod article;
pub mod cli;
pub mod corpus;
mod error;
pub mod eval;
pub mod features;
mod html;
pub mod model;
mod param;
pub mod parquet;
pub mod persist;
pub mod score;
mod summary;
pub mod text;
pub mod train;

pub use corpus::{Corpus, ReadOptions, Row, Schema, Task};
pub use error::Error;
pub use eval::{evaluate, EvalReport};
pub use features::{Example, FeatureParams, FeatureSpace};
pub use model::{StanceModel, TrainParams};
pub use param::{Naming, Param};
pub use train::{Search, TrainSettings, Trained};
