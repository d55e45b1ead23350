//! `stance evaluate`: a model's accuracy on labelled CSV, or the article stage's extraction
//! quality on gold annotations.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use stance::article::gold::{load_dir, GoldArticle};
use stance::article::{analyse, ActorList};
use stance::eval::extraction::evaluate_extraction;
use stance::{evaluate, persist, Corpus, Error};

use super::{CsvArgs, ModelArg};

/// Measure a model on labelled CSV, or quote extraction on gold annotations.
#[derive(Debug, Clone, Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// Labelled files to score; rows of all files are pooled.
    #[arg(long, num_args = 1.., value_name = "FILE", required_unless_present = "extraction")]
    pub data: Vec<PathBuf>,
    /// Instead of the model, score quote, speaker and actor extraction against gold
    /// annotations: a folder of `*.gold.json` files or single gold files.
    #[arg(long, num_args = 1.., value_name = "GOLD", conflicts_with = "data")]
    pub extraction: Vec<PathBuf>,
    /// Actors file for --extraction (see `stance predict --help`).
    #[arg(long, value_name = "FILE", requires = "extraction")]
    pub actors: Option<PathBuf>,
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
    if !args.extraction.is_empty() {
        return run_extraction(&args);
    }
    let options = args.csv.read_options()?;
    let model = persist::load(&args.model.model)?;
    if let Some(note) = args.csv.mention_note(&args.model.model) {
        eprintln!("{note}");
    }
    let corpus = Corpus::read(&args.data, &options)?;
    let report = evaluate(&model, &corpus.rows)?;
    let text = match args.format {
        ReportFormat::Table => report.to_table(),
        ReportFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
    };
    write_stdout(&text)
}

/// Writes a report; a closed pipe surfaces as an error `main` treats as a clean exit.
fn write_stdout(text: &str) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn run_extraction(args: &EvaluateArgs) -> anyhow::Result<ExitCode> {
    let actors = match &args.actors {
        Some(path) => ActorList::from_file(path).map_err(Error::from)?,
        None => ActorList::new(),
    };
    let mut golds = Vec::new();
    for path in &args.extraction {
        if path.is_dir() {
            golds.extend(load_dir(path).map_err(Error::from)?);
        } else {
            golds.push(GoldArticle::load(path).map_err(Error::from)?);
        }
    }
    if golds.is_empty() {
        return Err(
            Error::NoData("no *.gold.json file found in the --extraction folders".into()).into(),
        );
    }
    let pairs: Vec<_> = golds
        .into_iter()
        .map(|gold| {
            let analysis = analyse(&gold.text, &actors);
            (gold, analysis)
        })
        .collect();
    let report = evaluate_extraction(&pairs);
    let text = match args.format {
        ReportFormat::Table => report.to_table(),
        ReportFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
    };
    write_stdout(&text)
}
