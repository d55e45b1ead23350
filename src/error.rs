//! The crate's error type.
//!
//! Every variant says where the problem is (file, line, column) and what was expected, so the
//! binary can print it as it is. The library never panics on bad input.

use std::path::PathBuf;

use crate::param::{Naming, Param};

/// Everything that can go wrong in `stance`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// The CSV reader could not parse a record.
    #[error("{}:{line}: {message}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line of the record.
        line: u64,
        /// What the CSV reader said.
        message: String,
    },

    /// A column the schema needs is not in the header.
    #[error("{}", self.message(Naming::Field))]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column that was looked for.
        column: String,
        /// The header's columns, comma-separated.
        available: String,
        /// The setting that names this column.
        param: Param,
        /// The setting, and its value, that needs the column, when the column is optional
        /// otherwise.
        needed_by: Option<Box<(Param, String)>>,
        /// A header that is one column holding another common delimiter: that delimiter's
        /// name (`semicolon`, `tab`, `pipe`).
        delimiter: Option<&'static str>,
        /// More advice that names no setting, or `None`.
        note: Option<Box<str>>,
    },

    /// The bytes are not valid UTF-8.
    #[error("{}", self.message(Naming::Field))]
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based byte column within the line.
        column: u64,
        /// The first invalid byte.
        byte: u8,
    },

    /// A field of a labelled file is longer than the most stance reads in one field
    /// ([`crate::corpus::MAX_FIELD_BYTES`]); the file is read no further.
    #[error("{}", self.message(Naming::Field))]
    FieldTooLong {
        /// The file.
        path: PathBuf,
        /// 1-based line where the field starts.
        line: u64,
        /// 1-based byte column where the field starts.
        column: u64,
        /// 1-based number of the field in its record.
        field: usize,
        /// The header's name for the field, when the header has been read.
        name: Option<String>,
        /// The most bytes a field may hold.
        limit: u64,
        /// Whether the field opens a quote mark and runs on over line ends.
        unclosed_quote: bool,
    },

    /// A field that must hold a value is empty.
    #[error("{}:{line}: column `{column}` is empty; expected {expected}", path.display())]
    EmptyField {
        /// The file.
        path: PathBuf,
        /// 1-based line of the record.
        line: u64,
        /// The column's name in the file.
        column: String,
        /// What should be there.
        expected: String,
    },

    /// A field holds a value that cannot be read.
    #[error("{}:{line}: column `{column}` holds `{value}`; expected {expected}", path.display())]
    InvalidField {
        /// The file.
        path: PathBuf,
        /// 1-based line of the record.
        line: u64,
        /// The column's name in the file.
        column: String,
        /// What the field holds.
        value: String,
        /// What should be there.
        expected: String,
    },

    /// A label column cannot train a classifier.
    #[error("{column}: {problem}")]
    UnusableLabels {
        /// The label column (`stance` or `sentiment`, or the file's name for it).
        column: String,
        /// What is wrong with it, e.g. a single class.
        problem: String,
    },

    /// Nothing to train on, or nothing to evaluate.
    #[error("{0}")]
    NoData(String),

    /// A setting's value is not one of the accepted forms, or out of range.
    #[error("{}", self.message(Naming::Field))]
    InvalidValue {
        /// The setting.
        param: Param,
        /// What was given.
        value: String,
        /// What is accepted.
        expected: String,
    },

    /// The model folder holds a model of another format version.
    #[error(
        "{}: model format version {found}, but this stance reads versions {oldest} to {newest}; \
         retrain the model with `stance train`",
        path.display()
    )]
    ModelVersion {
        /// The model file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
        /// The oldest version this build reads.
        oldest: u32,
        /// The version this build writes.
        newest: u32,
    },

    /// A model file is not what `stance train` writes.
    #[error("{}: not a valid stance model: {message}", path.display())]
    CorruptModel {
        /// The model file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },

    /// The tokeniser failed.
    #[error("tokenizer: {message}")]
    Tokenizer {
        /// What the `tokenizers` crate said.
        message: String,
    },

    /// An actors file (`--actors`) is malformed.
    #[error(transparent)]
    ActorFile(#[from] crate::article::ActorFileError),

    /// A gold annotation file is malformed.
    #[error(transparent)]
    Gold(#[from] crate::eval::gold::GoldError),

    /// An input is not text (a binary file) or holds no text.
    #[error("{}: {problem}", path.display())]
    NotText {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },

    /// Two models label a column differently, so their figures on it cannot be paired.
    #[error(
        "cannot compare the models: the model's {task} labels are {labels}, the other's \
         {other_labels}; compare models trained on the same label set"
    )]
    DifferentLabels {
        /// The label column.
        task: String,
        /// The first model's labels, as `[a, b, c]`, or `none (no {task} head)`.
        labels: String,
        /// The other model's labels, the same way.
        other_labels: String,
    },

    /// The optimiser failed or the hyperparameters are invalid.
    #[error("model: {message}")]
    Model {
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// The error's message with its settings named as `naming` names them: the command line
    /// prints `--max-iter`, the Python package `max_iter=`. [`Display`](std::fmt::Display)
    /// is this with [`Naming::Field`].
    pub fn message(&self, naming: Naming) -> String {
        match self {
            Error::MissingColumn {
                path,
                column,
                available,
                param,
                needed_by,
                delimiter,
                note,
            } => {
                let mut message = format!(
                    "{}:1: missing column `{column}` (the header has: {available}); name it with \
                     {}",
                    path.display(),
                    param.named(naming)
                );
                if let Some((by, value)) = needed_by.as_deref() {
                    message += &format!(" (needed by {} {value})", by.named(naming));
                }
                if let Some(delimiter) = delimiter {
                    message += &format!(
                        "; the header is one column that holds a {delimiter}: if the file is \
                         {delimiter}-separated, pass {}",
                        Param::Delimiter.given(naming, delimiter)
                    );
                }
                if let Some(note) = note {
                    message += &format!("; {note}");
                }
                message
            }
            // No UTF-8 text starts with 0xff or 0xfe: these are UTF-16's byte-order marks.
            Error::InvalidUtf8 {
                path,
                line: 1,
                column: 1,
                byte: 0xfe | 0xff,
            } => format!(
                "{}:1:1: UTF-16 text (it starts with a UTF-16 byte-order mark); stance reads \
                 UTF-8, Latin-1 or Windows-1252: convert it first, e.g. with `iconv -f UTF-16 \
                 -t UTF-8`",
                path.display()
            ),
            Error::InvalidUtf8 {
                path,
                line,
                column,
                byte,
            } => format!(
                "{}:{line}:{column}: invalid UTF-8 (byte 0x{byte:02x}); if the file is not \
                 UTF-8, pass {} or {}",
                path.display(),
                Param::Encoding.given(naming, "latin1"),
                Param::Encoding.given(naming, "cp1252"),
            ),
            Error::FieldTooLong {
                path,
                line,
                column,
                field,
                name,
                limit,
                unclosed_quote,
            } => {
                let field = match name {
                    Some(name) => format!("column `{name}`"),
                    None => format!("field {field}"),
                };
                const MIB: u64 = 1024 * 1024;
                let limit = match limit % MIB {
                    0 => format!("{} MiB ({limit} bytes)", limit / MIB),
                    _ => format!("{limit} bytes"),
                };
                let advice = if *unclosed_quote {
                    "it opens a quote mark and runs on over the lines after it: a quote mark \
                     that never closes?"
                } else {
                    "cut the text into rows of at most that size"
                };
                format!(
                    "{}:{line}:{column}: {field} holds more than {limit}, the most stance reads \
                     in a field; {advice}",
                    path.display()
                )
            }
            Error::InvalidValue {
                param,
                value,
                expected,
            } => format!(
                "invalid value `{value}` for {}: expected {expected}",
                param.named(naming)
            ),
            other => other.to_string(),
        }
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
