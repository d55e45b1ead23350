//! `stance evaluate`: a model's accuracy on labelled CSV, or the article stage's extraction
//! quality on gold annotations.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};

use serde::Serialize;
use stance::article::{analyse, ActorList};
use stance::eval::extraction::{evaluate_extraction, Mistake};
use stance::eval::gold::{load_dir, GoldArticle};
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
    /// annotations: folders of `*.gold.json` files or single gold files, in the project's
    /// format or PolNeAR's (article beside the gold file or in `../articles/`).
    #[arg(long, num_args = 1.., value_name = "GOLD", conflicts_with = "data")]
    pub extraction: Vec<PathBuf>,
    /// Actors file for --extraction (see `stance predict --help`).
    #[arg(long, value_name = "FILE", requires = "extraction")]
    pub actors: Option<PathBuf>,
    /// With --extraction, write the missed, spurious and wrong-speaker cases of the `all` view
    /// to FILE as JSON lines (the shape of `score_quotes.py score --errors`).
    #[arg(long, value_name = "FILE", requires = "extraction")]
    pub errors: Option<PathBuf>,
    /// With --extraction, write every statement found to FILE as JSON lines (article,
    /// quote_id, start, end in bytes, speaker, quote), for other scorers.
    #[arg(long, value_name = "FILE", requires = "extraction")]
    pub predictions: Option<PathBuf>,
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
    if let Some(path) = &args.predictions {
        write_lines(
            path,
            pairs.iter().flat_map(|(gold, analysis)| {
                analysis.quotes.iter().map(move |q| PredictionLine {
                    article: gold
                        .article
                        .file_name()
                        .map_or(gold.id.clone(), |n| n.to_string_lossy().into_owned()),
                    quote_id: q.id.to_string(),
                    start: q.span.start,
                    end: q.span.end,
                    speaker: q.speaker.as_deref(),
                    quote: &q.text,
                })
            }),
        )?;
    }
    let (report, mistakes) = evaluate_extraction(&pairs);
    if let Some(path) = &args.errors {
        write_lines(
            path,
            mistakes.iter().map(|mistake| ErrorLine {
                system: "stance",
                mistake,
            }),
        )?;
    }
    let text = match args.format {
        ReportFormat::Table => report.to_table(),
        ReportFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
    };
    write_stdout(&text)
}

/// A line of `--predictions`: the fields of `stance predict --format jsonl` a scorer reads.
#[derive(Serialize)]
struct PredictionLine<'a> {
    article: String,
    quote_id: String,
    start: usize,
    end: usize,
    speaker: Option<&'a str>,
    quote: &'a str,
}

/// A line of `--errors`.
#[derive(Serialize)]
struct ErrorLine<'a> {
    system: &'static str,
    #[serde(flatten)]
    mistake: &'a Mistake,
}

/// Writes one JSON object per line to `path`.
fn write_lines<T: Serialize>(path: &Path, lines: impl Iterator<Item = T>) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    for line in lines {
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
