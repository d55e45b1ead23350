//! `stance summarize`: the scored rows of `predict --format jsonl` in, the speaker → actor
//! stance network of the collection out, as CSV or a self-contained HTML page.
//!
//! The inputs are streamed; only the tallies are kept. A bad line stops the run (a summary
//! of part of the input would pass for the whole), and with `--output` nothing is written.

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::summary::{GroupBy, Summarizer, Summary, SummaryParams};
use crate::{persist, Error};

use super::input_name;

/// Who says what about whom: the speaker → actor stance network of `predict --format jsonl`
/// output.
#[derive(Debug, Clone, Args)]
pub struct SummarizeArgs {
    /// JSON lines written by `stance predict --format jsonl`; `-` (or nothing) reads standard
    /// input.
    #[arg(value_name = "FILE")]
    pub(crate) inputs: Vec<PathBuf>,
    /// Group the edges by outlet and/or ISO week of the `date` field too (repeat the flag or
    /// give a list: --by outlet,week).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "GROUP")]
    pub(crate) by: Vec<GroupArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Csv)]
    pub(crate) format: SummaryFormat,
    /// Write here (replaced only once complete) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Leave out edges with fewer rows than this (the totals still count them).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub(crate) min_rows: usize,
}

/// `--by` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum GroupArg {
    /// The `outlet` field of each row.
    Outlet,
    /// The ISO week of the `date` field of each row, e.g. 2016-W37.
    Week,
}

/// `--format` values of `summarize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SummaryFormat {
    /// One row per edge, with a header.
    Csv,
    /// A page with the totals, the edge table, the network and the weekly stance counts.
    Html,
}

/// Runs `stance summarize`.
pub(crate) fn run(args: SummarizeArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let params = SummaryParams::new()
        .group_by(args.by.iter().map(|group| match group {
            GroupArg::Outlet => GroupBy::Outlet,
            GroupArg::Week => GroupBy::Week,
        }))
        .min_rows(args.min_rows);
    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.inputs.clone()
    };
    let mut summarizer = Summarizer::new(params);
    for input in &inputs {
        let name = input_name(input);
        if input == Path::new("-") {
            summarizer.read(io::stdin().lock(), &name)?;
        } else {
            let file = File::open(input).map_err(|err| Error::io(input, err))?;
            summarizer.read(BufReader::new(file), &name)?;
        }
    }
    let summary = summarizer.finish();
    match &args.output {
        Some(path) => persist::write_file(path, |out| write_summary(&summary, args.format, out))?,
        None => {
            let mut out = io::BufWriter::new(out);
            write_summary(&summary, args.format, &mut out)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the summary in `format`.
fn write_summary(summary: &Summary, format: SummaryFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        SummaryFormat::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer
                .write_record(summary.csv_header())
                .map_err(csv_write_error)?;
            for record in summary.csv_records() {
                writer.write_record(record).map_err(csv_write_error)?;
            }
            writer.flush()
        }
        SummaryFormat::Html => out.write_all(crate::html::summary_page(summary).as_bytes()),
    }
}

/// A CSV writer's error as the [`io::Error`] it wraps, so that `main` sees a closed pipe as
/// one (the CSV error does not give its cause as its `source`).
fn csv_write_error(err: csv::Error) -> io::Error {
    match err.into_kind() {
        csv::ErrorKind::Io(err) => err,
        kind => io::Error::other(format!("writing CSV: {kind:?}")),
    }
}
