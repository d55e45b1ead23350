//! Integration tests: each module runs the real `stance` binary in a temporary folder.

mod util;

mod article;
mod bad_input;
mod browser;
mod corpus;
mod evaluate;
mod parquet;
mod predict;
mod python;
mod save_kill;
mod serve;
mod summarize;
mod train;
mod upgrade;
