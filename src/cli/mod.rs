//! The command line: one file per subcommand, each with its clap `Args` and its `run`.
//!
//! clap types stop here: each `run` turns its arguments into the library's validated
//! parameters before any work starts. What a command prints as its result (predictions,
//! reports, summaries) goes to the writer [`run`] is given: the binary's standard output, or a
//! buffer when the Python package runs a command; notes and progress go to standard error.

mod evaluate;
pub mod predict;
mod progress;
mod serve;
mod summarize;
mod train;
mod upgrade;

pub use evaluate::EvaluateArgs;
pub use predict::PredictArgs;
pub use serve::ServeArgs;
pub use summarize::SummarizeArgs;
pub use train::TrainArgs;
pub use upgrade::UpgradeArgs;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::corpus::{delimiter_name, parse_delimiter, ReadOptions, Schema, TextEncoding};
use crate::{persist, Error, Naming, Param};

/// Quotes, speakers and actors in news articles, with each quote's stance toward each actor.
#[derive(Debug, Parser)]
#[command(name = "stance", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a model on labelled CSV.
    Train(Box<TrainArgs>),
    /// Measure a model on labelled CSV.
    Evaluate(EvaluateArgs),
    /// Label new rows or articles.
    Predict(PredictArgs),
    /// Who says what about whom: the speaker → actor stance network of `predict --format
    /// jsonl` output.
    Summarize(SummarizeArgs),
    /// Serve the article view and `predict` over HTTP on 127.0.0.1.
    Serve(ServeArgs),
    /// Rewrite a model folder saved by an older version in the current format, which loads
    /// faster (older folders still load as they are).
    UpgradeModel(UpgradeArgs),
}

/// Runs the parsed command, writing its result to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> anyhow::Result<std::process::ExitCode> {
    match cli.command {
        Command::Train(args) => train::run(*args, out),
        Command::Evaluate(args) => evaluate::run(args, out),
        Command::Predict(args) => predict::run(args, out),
        Command::Summarize(args) => summarize::run(args, out),
        Command::Serve(args) => serve::run(args),
        Command::UpgradeModel(args) => upgrade::run(args),
    }
}

/// An error and its causes, joined by ": " as anyhow's `{:#}` does, but a cause whose words
/// the message already ends with (an I/O error that names its source) is said once.
pub fn error_message(err: &anyhow::Error) -> String {
    error_message_naming(err, Naming::Flag)
}

/// [`error_message`] with the settings named as `naming` names them (the Python package's
/// keywords).
pub fn error_message_naming(err: &anyhow::Error, naming: Naming) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let cause = match cause.downcast_ref::<Error>() {
            Some(err) => err.message(naming),
            None => cause.to_string(),
        };
        if message.ends_with(&cause) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&cause);
    }
    message
}

/// How to read labelled files: shared by every subcommand that reads them. The defaults are
/// [`ReadOptions::default`]'s.
#[derive(Debug, Clone, Args)]
pub(crate) struct CsvArgs {
    /// Column holding the text.
    #[arg(long, default_value_t = Schema::default().text, value_name = "NAME")]
    pub(crate) text_column: String,
    /// Column holding the actor the row is about.
    #[arg(long, default_value_t = Schema::default().actor, value_name = "NAME")]
    pub(crate) actor_column: String,
    /// Column holding the stance label (optional in the file).
    #[arg(long, default_value_t = Schema::default().stance, value_name = "NAME")]
    pub(crate) stance_column: String,
    /// Column holding the sentiment label (optional in the file).
    #[arg(long, default_value_t = Schema::default().sentiment, value_name = "NAME")]
    pub(crate) sentiment_column: String,
    /// Column holding the sentence(s) around the text (optional in the file).
    #[arg(long, default_value_t = Schema::default().context, value_name = "NAME")]
    pub(crate) context_column: String,
    /// Column naming each row's split (used with --split).
    #[arg(long, default_value_t = Schema::default().split, value_name = "NAME")]
    pub(crate) split_column: String,
    /// Keep only rows whose split column holds this value, e.g. train or test.
    #[arg(long, value_name = "NAME")]
    pub(crate) split: Option<String>,
    /// Columns marking where the text mentions the actor: character offsets into the text,
    /// counted from 0, the end one past the last character (as NewsMTSC gives them). The marked
    /// words are masked as the target whatever they are ("he", "the senator"). Rows with both
    /// empty have no mark.
    #[arg(long, value_name = "START,END")]
    pub(crate) mention_columns: Option<String>,
    /// Field delimiter: comma, tab, semicolon, pipe or one character.
    #[arg(
        long,
        default_value_t = delimiter_name(ReadOptions::default().delimiter),
        value_name = "DELIM"
    )]
    pub(crate) delimiter: String,
    /// Byte encoding of the files: utf-8, latin1 or cp1252.
    #[arg(
        long,
        default_value_t = ReadOptions::default().encoding.to_string(),
        value_name = "ENCODING"
    )]
    pub(crate) encoding: String,
}

impl CsvArgs {
    /// Validates the flags into the library's options.
    pub(crate) fn read_options(&self) -> Result<ReadOptions, Error> {
        Ok(ReadOptions {
            schema: Schema {
                text: self.text_column.clone(),
                actor: self.actor_column.clone(),
                stance: self.stance_column.clone(),
                sentiment: self.sentiment_column.clone(),
                context: self.context_column.clone(),
                split: self.split_column.clone(),
                mention: self
                    .mention_columns
                    .as_deref()
                    .map(parse_column_pair)
                    .transpose()?,
                ..Schema::default()
            },
            delimiter: parse_delimiter(&self.delimiter)?,
            encoding: self.encoding.parse::<TextEncoding>()?,
            split: self.split.clone(),
            ..ReadOptions::default()
        })
    }

    /// A note for standard error when the model in `dir` was trained reading marked mentions
    /// and these flags read none: its rows would be masked unlike the training rows.
    pub(crate) fn mention_note(&self, dir: &Path) -> Option<String> {
        if self.mention_columns.is_some() {
            return None;
        }
        let metadata = persist::load_metadata(dir).ok()?;
        let (start, end) = metadata.settings.read.schema.mention?;
        Some(format!(
            "stance: note: {} was trained with --mention-columns {start},{end}; rows read \
             without it are masked by the actor's name only",
            dir.display()
        ))
    }
}

/// Parses a probability: a number from 0 to 1 (NaN and infinities are not).
pub(crate) fn probability(value: &str) -> Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err("expected a number from 0 to 1".into()),
    }
}

/// Parses `--mention-columns START,END` into the two column names.
fn parse_column_pair(value: &str) -> Result<(String, String), Error> {
    match value.split(',').map(str::trim).collect::<Vec<_>>()[..] {
        [start, end] if !start.is_empty() && !end.is_empty() => {
            Ok((start.to_string(), end.to_string()))
        }
        _ => Err(Error::InvalidValue {
            param: Param::MentionColumns,
            value: value.into(),
            expected: "two column names separated by a comma, e.g. from,to".into(),
        }),
    }
}

/// The name of an input in messages: standard input (`-`) is `<stdin>`.
pub(crate) fn input_name(path: &Path) -> PathBuf {
    if path == Path::new("-") {
        PathBuf::from("<stdin>")
    } else {
        path.to_path_buf()
    }
}

/// Where `train` writes a model, and the first place `predict` and `evaluate` look for one.
const DEFAULT_MODEL: &str = "models/default";

/// The model folder flag of `train`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ModelArg {
    /// Model folder.
    #[arg(long, default_value = DEFAULT_MODEL, value_name = "DIR")]
    pub(crate) model: PathBuf,
}

/// The model folder flag of `predict`, `evaluate` and `serve`, which find the shipped model from any
/// working folder.
#[derive(Debug, Clone, Args)]
pub(crate) struct ModelSource {
    /// Model folder [default: models/default in the working folder, else the shipped model
    /// beside the source this `stance` was built from]
    #[arg(long, value_name = "DIR")]
    model: Option<PathBuf>,
}

impl ModelSource {
    /// The folder to load, and when `--model` was not given, a note naming the one chosen.
    pub(crate) fn resolve(&self) -> (PathBuf, Option<String>) {
        if let Some(dir) = &self.model {
            return (dir.clone(), None);
        }
        let local = PathBuf::from(DEFAULT_MODEL);
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_MODEL);
        let dir = if local.is_dir() || !shipped.is_dir() {
            local
        } else {
            shipped
        };
        let note = format!("stance: model {} (--model names another)", dir.display());
        (dir, Some(note))
    }
}
