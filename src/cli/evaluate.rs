//! `stance evaluate`: a model's accuracy on labelled CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use stance::{evaluate, persist, Corpus};

use super::{CsvArgs, ModelArg};

/// Measure a model on labelled CSV.
#[derive(Debug, Clone, Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// Labelled files to score; rows of all files are pooled.
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub data: Vec<PathBuf>,
    #[command(flatten)]
    pub csv: CsvArgs,
    /// Output: a readable table, or JSON with fractions in 0..1.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

/// `--format` values of `evaluate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Text for a terminal.
    Table,
    /// One JSON object.
    Json,
}

/// Runs `stance evaluate`.
pub fn run(args: EvaluateArgs) -> anyhow::Result<ExitCode> {
    let options = args.csv.read_options()?;
    let model = persist::load(&args.model.model)?;
    let corpus = Corpus::read(&args.data, &options)?;
    let report = evaluate(&model, &corpus.rows)?;
    match args.format {
        ReportFormat::Table => print!("{}", report.to_table()),
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(ExitCode::SUCCESS)
}
