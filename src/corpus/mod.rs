//! Stage 1: labelled rows in.
//!
//! Reads labelled CSV (one row per (text, actor) pair) into [`Row`]s, mapping the user's column
//! names, delimiter and encoding onto the project's schema. This is the only place that sets up
//! a `csv::ReaderBuilder`. Bad input is an [`Error`] that names the file, the line and the
//! column. A Parquet file (told by its first bytes) is read as the same records
//! ([`crate::parquet`]), a row's number standing for its line. `RowReader` reads rows one at
//! a time from a stream, so an input of any size can be scored in bounded memory, and refuses
//! a CSV field longer than [`MAX_FIELD_BYTES`] as it comes to it; [`read_bytes`] and
//! [`Corpus::read`] collect them. For `predict`, a row can also keep the columns the schema
//! does not read ([`ReadOptions::carry_other_columns`]), to carry them to its output.

mod encoding;
mod field_size;

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use encoding::TextEncoding;
pub(crate) use encoding::{read_error, DecodingReader, TextLines};
pub(crate) use field_size::FieldSizeLimit;
pub use field_size::MAX_FIELD_BYTES;

use crate::error::Error;
use crate::param::Param;
use crate::parquet::{is_parquet, value_text, ParquetRecords};

/// The two label columns a model can learn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    /// Stance of the text toward the actor: favor / against / neutral (labels are learned).
    Stance,
    /// Sentiment of the text toward the actor: positive / negative / neutral.
    Sentiment,
}

impl Task {
    /// Both tasks, in report order.
    pub const ALL: [Task; 2] = [Task::Stance, Task::Sentiment];

    /// The task's name in reports and output columns.
    pub fn name(self) -> &'static str {
        match self {
            Task::Stance => "stance",
            Task::Sentiment => "sentiment",
        }
    }
}

/// Which columns of a file hold which part of the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// The text (quote, statement or tweet). Default `text`.
    pub text: String,
    /// The actor the row is about. Default `actor`.
    pub actor: String,
    /// The stance label. Default `stance`; optional.
    pub stance: String,
    /// The sentiment label. Default `sentiment`; optional.
    pub sentiment: String,
    /// The sentence(s) around a quote. Default `context`; optional.
    pub context: String,
    /// Optional columns carried through to the output.
    pub id: String,
    /// The speaker of the quote; optional.
    pub speaker: String,
    /// The article the row comes from; optional.
    pub article: String,
    /// The split a row belongs to (`train`, `test`); optional.
    pub split: String,
    /// The columns holding where the actor is mentioned in the text: the first character and
    /// the one after the last, counted in characters from 0. Read only when named.
    pub mention: Option<(String, String)>,
}

impl Default for Schema {
    fn default() -> Self {
        Schema {
            text: "text".into(),
            actor: "actor".into(),
            stance: "stance".into(),
            sentiment: "sentiment".into(),
            context: "context".into(),
            id: "id".into(),
            speaker: "speaker".into(),
            article: "article".into(),
            split: "split".into(),
            mention: None,
        }
    }
}

impl Schema {
    /// Whether `column` is one the schema reads (the mention columns only when named), so it
    /// is not carried to `predict`'s output as another column.
    pub(crate) fn reads(&self, column: &str) -> bool {
        let Schema {
            text,
            actor,
            stance,
            sentiment,
            context,
            id,
            speaker,
            article,
            split,
            mention,
        } = self;
        let mention = mention.iter().flat_map(|(start, end)| [start, end]);
        [
            text, actor, stance, sentiment, context, id, speaker, article, split,
        ]
        .into_iter()
        .chain(mention)
        .any(|name| name == column)
    }
}

/// How to read labelled files. Serialised as a model's metadata records it, the delimiter as
/// its one character.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadOptions {
    /// Column names.
    pub schema: Schema,
    /// Field delimiter byte. Default `,`.
    #[serde(with = "delimiter_character")]
    pub delimiter: u8,
    /// Byte encoding of the file. Default UTF-8.
    pub encoding: TextEncoding,
    /// Keep only rows whose split column holds this value. Default: every row.
    pub split: Option<String>,
    /// With `split`, keep the rows of every other split instead (the rows training with
    /// `split` never saw; a row with an empty split is in none). Default off.
    pub other_splits: bool,
    /// The most bytes one field of a CSV file may hold: a longer one is an error
    /// ([`Error::FieldTooLong`]) found before more of it is read. Default
    /// [`MAX_FIELD_BYTES`]. A guard on reading, not a setting of the model trained from what
    /// was read, so a model's metadata does not record it.
    #[serde(skip, default = "max_field_bytes")]
    pub max_field_bytes: u64,
    /// Keep each row's other columns (those the schema does not read) in [`Row`], for
    /// `predict` to carry to its output as an article's fields are. Default off: rows read to
    /// train or evaluate hold none. How one run reads, not a setting of the model, so a
    /// model's metadata does not record it.
    #[serde(skip, default)]
    pub carry_other_columns: bool,
}

fn max_field_bytes() -> u64 {
    MAX_FIELD_BYTES
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            schema: Schema::default(),
            delimiter: b',',
            encoding: TextEncoding::Utf8,
            split: None,
            other_splits: false,
            max_field_bytes: MAX_FIELD_BYTES,
            carry_other_columns: false,
        }
    }
}

/// The delimiter `byte` as `--delimiter` names it: `comma`, `tab`, `semicolon`, `pipe` or the
/// character itself; [`parse_delimiter`] reads it back.
pub(crate) fn delimiter_name(byte: u8) -> String {
    match byte {
        b',' => "comma".into(),
        b'\t' => "tab".into(),
        b';' => "semicolon".into(),
        b'|' => "pipe".into(),
        other => char::from(other).to_string(),
    }
}

/// A delimiter byte as one character in JSON (`","`, `"\t"`), not as a number.
mod delimiter_character {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(byte: &u8, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_char(char::from(*byte))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u8, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.as_bytes() {
            [byte] if byte.is_ascii() => Ok(*byte),
            _ => Err(D::Error::custom(format!(
                "expected a delimiter of one ASCII character, found {text:?}"
            ))),
        }
    }
}

/// Parses a `--delimiter` value: `comma`, `tab`, `semicolon`, `pipe` or one ASCII character.
pub(crate) fn parse_delimiter(value: &str) -> Result<u8, Error> {
    match value {
        "comma" | "," => Ok(b','),
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        "semicolon" => Ok(b';'),
        "pipe" => Ok(b'|'),
        single if single.len() == 1 && single.is_ascii() && single != "\"" => {
            Ok(single.as_bytes()[0])
        }
        other => Err(Error::InvalidValue {
            param: Param::Delimiter,
            value: other.into(),
            expected: "comma, tab, semicolon, pipe or a single ASCII character other than the \
                       quote mark \""
                .into(),
        }),
    }
}

/// One (text, actor) pair with its labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The `id` column, if any.
    pub id: Option<String>,
    /// The text.
    pub text: String,
    /// The context around the text, if any.
    pub context: Option<String>,
    /// The actor.
    pub actor: String,
    /// The speaker, if any.
    pub speaker: Option<String>,
    /// The article, if any.
    pub article: Option<String>,
    /// The stance label, case-folded; `None` where the column is absent or empty.
    pub stance: Option<String>,
    /// The sentiment label, case-folded; `None` where absent or empty.
    pub sentiment: Option<String>,
    /// Where the text mentions the actor, as a byte range of `text`, if the file marks it.
    #[serde(default)]
    pub mention: Option<(usize, usize)>,
    /// 1-based line of the record in its file.
    pub line: u64,
    /// The record's other columns by name, with [`ReadOptions::carry_other_columns`] (else
    /// none): text trimmed, an empty cell null, a Parquet cell as its JSON value (nested
    /// columns left out). `predict` carries them to the row's output as an article's fields.
    #[serde(skip)]
    pub(crate) carried: Fields,
}

/// Fields an input carries to each of its output rows, by name: a JSON or Parquet article's
/// scalar fields (`date`, `outlet`, …), a labelled row's other columns.
pub(crate) type Fields = serde_json::Map<String, serde_json::Value>;

impl Row {
    /// A row labelled `favor` toward `actor`, for the tests of the steps that take rows.
    #[cfg(test)]
    pub(crate) fn labelled(article: Option<&str>, text: &str, actor: &str) -> Row {
        Row {
            id: None,
            text: text.into(),
            context: None,
            actor: actor.into(),
            speaker: None,
            article: article.map(str::to_string),
            stance: Some("favor".into()),
            sentiment: None,
            mention: None,
            line: 2,
            carried: Fields::new(),
        }
    }

    /// The label of a task, if the row has one.
    pub fn label(&self, task: Task) -> Option<&str> {
        match task {
            Task::Stance => self.stance.as_deref(),
            Task::Sentiment => self.sentiment.as_deref(),
        }
    }

    /// The statement the row pairs with its actor, as (article, text): the rows of one
    /// statement, one per actor it concerns, share both (ids such as `q0001.1` and `q0001.2`
    /// in `data/quotes.csv`, or PolNeAR's `ARTICLE:E2:1` and `ARTICLE:E2:2`, number the actors
    /// of one statement). Rows without an article share a statement when their texts match.
    pub(crate) fn statement(&self) -> (Option<&str>, &str) {
        (self.article.as_deref(), self.text.as_str())
    }

    /// The text the model reads: the context when it holds the text (the framing often carries
    /// the stance), otherwise the text followed by the context.
    pub fn model_text(&self) -> String {
        compose_model_text(&self.text, self.context.as_deref())
    }

    /// The marked mention as a byte range of `model_text`, which holds the text (see
    /// [`Row::model_text`]).
    pub fn mention_in(&self, model_text: &str) -> Option<(usize, usize)> {
        let (start, end) = self.mention?;
        let at = model_text.find(&self.text)?;
        Some((at + start, at + end))
    }
}

/// The text the model reads for a quote and its context; see [`Row::model_text`].
pub(crate) fn compose_model_text(text: &str, context: Option<&str>) -> String {
    match context.map(str::trim) {
        None | Some("") => text.to_string(),
        Some(context) if context.contains(text.trim()) => context.to_string(),
        Some(context) => format!("{text} {context}"),
    }
}

/// Which of a row's texts a byte range lies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextField {
    /// The text (the quote).
    Text,
    /// Its context.
    Context,
}

/// Where the byte range `start..end` of [`compose_model_text`]`(text, context)` lies: in `text`
/// or in `context`, with the range in that field's bytes. A range across the join of text and
/// context is cut at the join.
pub(crate) fn locate_in_model_text(
    text: &str,
    context: Option<&str>,
    start: usize,
    end: usize,
) -> (TextField, usize, usize) {
    let Some(context) = context.filter(|context| !context.trim().is_empty()) else {
        return (TextField::Text, start, end);
    };
    let lead = context.len() - context.trim_start().len();
    if context.trim().contains(text.trim()) {
        return (TextField::Context, start + lead, end + lead);
    }
    // `text`, a space, then the trimmed context.
    if start < text.len() {
        (TextField::Text, start, end.min(text.len()))
    } else {
        let at = |i: usize| i.saturating_sub(text.len() + 1) + lead;
        (TextField::Context, at(start), at(end))
    }
}

/// A file that was read, for the model's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// The file's name as given on the command line.
    pub path: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Rows kept from it.
    pub rows: usize,
    /// The columns of its header, to name in errors (not saved).
    #[serde(skip)]
    pub header: Vec<String>,
}

/// Rows read from one or more files.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// Every row, in file order.
    pub rows: Vec<Row>,
    /// The files they came from.
    pub files: Vec<SourceFile>,
}

impl Corpus {
    /// Reads every file in turn.
    pub fn read(paths: &[PathBuf], options: &ReadOptions) -> Result<Corpus, Error> {
        let mut corpus = Corpus::default();
        for path in paths {
            let (rows, file) = read_file(path, options)?;
            corpus.rows.extend(rows);
            corpus.files.push(file);
        }
        Ok(corpus)
    }

    /// Fails when there is no row, and, naming the columns looked for and those each file has,
    /// when no row has a stance or a sentiment label.
    pub(crate) fn require_labels(&self, schema: &Schema) -> Result<(), Error> {
        if self.rows.is_empty() {
            let names: Vec<&str> = self.files.iter().map(|file| file.path.as_str()).collect();
            return Err(Error::NoData(format!(
                "no rows: {} {} a header and no row under it (or none --split keeps)",
                names.join(", "),
                if names.len() == 1 { "has" } else { "have" }
            )));
        }
        if self
            .rows
            .iter()
            .any(|row| row.stance.is_some() || row.sentiment.is_some())
        {
            return Ok(());
        }
        let seen: Vec<String> = self
            .files
            .iter()
            .map(|file| format!("{} has {}", file.path, file.header.join(", ")))
            .collect();
        Err(Error::NoData(format!(
            "no row has a stance or sentiment label: looked for the columns `{}` and `{}` ({}); \
             name the label columns with --stance-column / --sentiment-column",
            schema.stance,
            schema.sentiment,
            seen.join("; ")
        )))
    }
}

/// Reads one labelled file. A CSV file is read as it is parsed, so a bad record (a field over
/// the limit, say) stops the reading there; a Parquet file is read whole.
pub(crate) fn read_file(
    path: &Path,
    options: &ReadOptions,
) -> Result<(Vec<Row>, SourceFile), Error> {
    let file = std::fs::File::open(path).map_err(|err| Error::io(path, err))?;
    let mut input = HashingReader {
        inner: file,
        hasher: Sha256::new(),
    };
    let mut head = Vec::new();
    (&mut input)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|err| Error::io(path, err))?;
    let (rows, header) = if is_parquet(&head) {
        let mut bytes = head;
        input
            .read_to_end(&mut bytes)
            .map_err(|err| Error::io(path, err))?;
        RowReader::parquet(ParquetRecords::new(bytes, path)?, path, options)?.read_all()?
    } else {
        check_text(&head, head.len() < HEAD_BYTES, path)?;
        let bytes = std::io::Cursor::new(head).chain(&mut input);
        RowReader::new(bytes, path, options)?.read_all()?
    };
    // Every byte has been hashed: the CSV reader reads to the end of a file whose records are
    // all good.
    let file = SourceFile {
        path: path.display().to_string(),
        sha256: format!("{:x}", input.hasher.finalize()),
        rows: rows.len(),
        header,
    };
    Ok((rows, file))
}

/// A reader that hashes the bytes it reads.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.hasher.update(&buf[..read]);
        Ok(read)
    }
}

/// Bytes looked at to tell a binary file: `predict` reads as far ahead of each input.
const HEAD_BYTES: usize = 8192;

/// Refuses an empty file, and a binary one (NUL bytes in `head`, its first [`HEAD_BYTES`])
/// before its bytes are taken for text in some encoding; `whole` says whether `head` is the
/// whole file. UTF-16 (with its byte-order mark, or without it when its NUL bytes all fall at
/// even or all at odd places, as in English) is left to the messages that name it.
fn check_text(head: &[u8], whole: bool, path: &Path) -> Result<(), Error> {
    let not_text = |problem: &str| {
        Err(Error::NotText {
            path: path.to_path_buf(),
            problem: problem.into(),
        })
    };
    if whole && head.iter().all(u8::is_ascii_whitespace) {
        return not_text("the file is empty; expected a header naming the columns, then rows");
    }
    if head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff") {
        return Ok(());
    }
    let nul_at = |parity: usize| {
        head.iter()
            .enumerate()
            .any(|(at, &byte)| byte == 0 && at % 2 == parity)
    };
    if nul_at(0) && nul_at(1) {
        return not_text("a binary file (it holds NUL bytes), not text");
    }
    Ok(())
}

/// Reads labelled rows from bytes; `path` names them in errors.
pub fn read_bytes(bytes: &[u8], path: &Path, options: &ReadOptions) -> Result<Vec<Row>, Error> {
    RowReader::new(bytes, path, options)?.collect()
}

/// Labelled rows read one at a time from a stream of bytes in any [`TextEncoding`].
///
/// An iterator of `Result<Row, Error>`: each row in file order, or the first bad record's
/// error (naming its line), after which it ends. Only the reader's buffers are held, each
/// field at most [`ReadOptions::max_field_bytes`], so memory does not grow with the input.
/// Rows left out by `--split` are skipped.
pub(crate) struct RowReader<R: Read> {
    records: Records<R>,
    header: csv::StringRecord,
    columns: Columns,
    path: PathBuf,
    schema: Schema,
    split: Option<String>,
    other_splits: bool,
    /// With [`ReadOptions::carry_other_columns`], the columns carried in [`Row::carried`]:
    /// each one's position and name.
    carried: Option<Vec<(usize, String)>>,
    finished: bool,
}

impl<R: Read> RowReader<R> {
    /// Reads the header of `reader` and finds the schema's columns in it; `path` names the
    /// input in errors.
    pub fn new(reader: R, path: &Path, options: &ReadOptions) -> Result<Self, Error> {
        let text = DecodingReader::new(reader, options.encoding, path);
        let text = FieldSizeLimit::new(text, options.delimiter, options.max_field_bytes, path);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(options.delimiter)
            .flexible(false)
            .from_reader(text);
        let headers = reader
            .headers()
            .map_err(|err| csv_error(path, err))?
            .clone();
        Self::with_records(
            Records::Csv(Box::new(reader.into_records())),
            headers,
            path,
            options,
        )
    }

    fn with_records(
        records: Records<R>,
        headers: csv::StringRecord,
        path: &Path,
        options: &ReadOptions,
    ) -> Result<Self, Error> {
        let columns = Columns::locate(&headers, &options.schema, path)?;
        if let (Some(wanted), None) = (&options.split, columns.split) {
            let mut err = missing_column(path, &options.schema.split, &headers, Param::SplitColumn);
            if let Error::MissingColumn { needed_by, .. } = &mut err {
                *needed_by = Some(Box::new((Param::Split, wanted.to_string())));
            }
            return Err(err);
        }
        let carried = options.carry_other_columns.then(|| {
            let nested = |i: usize| match &records {
                Records::Parquet(records) => records.is_nested(i),
                Records::Csv(_) => false,
            };
            headers
                .iter()
                .map(str::trim)
                .enumerate()
                .filter(|&(i, name)| !options.schema.reads(name) && !nested(i))
                .map(|(i, name)| (i, name.to_string()))
                .collect()
        });
        Ok(RowReader {
            records,
            header: headers,
            columns,
            path: path.to_path_buf(),
            schema: options.schema.clone(),
            split: options.split.clone(),
            other_splits: options.other_splits,
            carried,
            finished: false,
        })
    }

    /// Every row, and the header's columns.
    fn read_all(self) -> Result<(Vec<Row>, Vec<String>), Error> {
        let header = self.header.iter().map(str::to_string).collect();
        Ok((self.collect::<Result<_, _>>()?, header))
    }

    /// The next record, its line (a Parquet row's number) and, when columns are carried, a
    /// Parquet row's values as they are typed; `None` at the end.
    fn next_record(&mut self) -> Result<Option<NextRecord>, Error> {
        match &mut self.records {
            Records::Csv(records) => match records.next() {
                None => Ok(None),
                Some(record) => {
                    let record = record.map_err(|err| {
                        let mut err = csv_error(&self.path, err);
                        if let Error::FieldTooLong { field, name, .. } = &mut err {
                            *name = self.header.get(*field - 1).map(str::to_string);
                        }
                        err
                    })?;
                    let line = record.position().map_or(0, |p| p.line());
                    Ok(Some((record, line, None)))
                }
            },
            Records::Parquet(records) => Ok(records.next_row()?.map(|(values, row)| {
                let record: csv::StringRecord = values.iter().map(value_text).collect();
                let values = self.carried.is_some().then_some(values);
                (record, row, values)
            })),
        }
    }

    /// The next row, or `None` at the end of the input.
    fn next_row(&mut self) -> Result<Option<Row>, Error> {
        while let Some((record, line, values)) = self.next_record()? {
            if let Some(wanted) = &self.split {
                let split = self.columns.split.and_then(|i| record.get(i)).unwrap_or("");
                let split = split.trim();
                let keep = match self.other_splits {
                    false => split == wanted,
                    true => !split.is_empty() && split != wanted,
                };
                if !keep {
                    continue;
                }
            }
            let mut row = self.columns.row(&record, line, &self.path, &self.schema)?;
            if let Some(carried) = &self.carried {
                row.carried = carried_fields(carried, &record, values.as_deref());
            }
            return Ok(Some(row));
        }
        Ok(None)
    }
}

/// A record, its line, and a Parquet row's typed values when columns are carried.
type NextRecord = (csv::StringRecord, u64, Option<Vec<serde_json::Value>>);

/// The `carried` columns of a record, by name, as [`Row::carried`] holds them: a Parquet
/// cell as its typed value when `values` are given, else the record's text; text as the
/// schema's columns are read, trimmed and an empty cell absent (null).
fn carried_fields(
    carried: &[(usize, String)],
    record: &csv::StringRecord,
    values: Option<&[serde_json::Value]>,
) -> Fields {
    use serde_json::Value;
    let text = |text: &str| match text.trim() {
        "" => Value::Null,
        trimmed => Value::String(trimmed.to_string()),
    };
    carried
        .iter()
        .map(|(i, name)| {
            let value = match values.map(|values| values.get(*i)) {
                Some(Some(Value::String(cell))) => text(cell),
                Some(Some(cell)) => cell.clone(),
                Some(None) => Value::Null,
                None => text(record.get(*i).unwrap_or("")),
            };
            (name.clone(), value)
        })
        .collect()
}

impl RowReader<std::io::Empty> {
    /// Reads a Parquet file's records as labelled rows: its column names are the header.
    pub fn parquet(
        records: ParquetRecords,
        path: &Path,
        options: &ReadOptions,
    ) -> Result<Self, Error> {
        let headers: csv::StringRecord = records.header().iter().collect();
        Self::with_records(Records::Parquet(Box::new(records)), headers, path, options)
    }
}

/// Where a [`RowReader`]'s records come from.
enum Records<R: Read> {
    Csv(Box<csv::StringRecordsIntoIter<FieldSizeLimit<DecodingReader<R>>>>),
    Parquet(Box<ParquetRecords>),
}

impl<R: Read> Iterator for RowReader<R> {
    type Item = Result<Row, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let next = self.next_row().transpose();
        self.finished = !matches!(next, Some(Ok(_)));
        next
    }
}

/// Positions of the schema's columns in one file's header.
struct Columns {
    text: usize,
    actor: usize,
    stance: Option<usize>,
    sentiment: Option<usize>,
    context: Option<usize>,
    id: Option<usize>,
    speaker: Option<usize>,
    article: Option<usize>,
    split: Option<usize>,
    /// The start and end columns of the marked mention.
    mention: Option<(usize, usize)>,
}

impl Columns {
    fn locate(headers: &csv::StringRecord, schema: &Schema, path: &Path) -> Result<Self, Error> {
        let find = |name: &str| headers.iter().position(|h| h.trim() == name);
        let require = |name: &str, param: Param| {
            find(name).ok_or_else(|| missing_column(path, name, headers, param))
        };
        Ok(Columns {
            text: require(&schema.text, Param::TextColumn)?,
            actor: require(&schema.actor, Param::ActorColumn)?,
            stance: find(&schema.stance),
            sentiment: find(&schema.sentiment),
            context: find(&schema.context),
            id: find(&schema.id),
            speaker: find(&schema.speaker),
            article: find(&schema.article),
            split: find(&schema.split),
            mention: match &schema.mention {
                Some((start, end)) => Some((
                    require(start, Param::MentionColumns)?,
                    require(end, Param::MentionColumns)?,
                )),
                None => None,
            },
        })
    }

    fn row(
        &self,
        record: &csv::StringRecord,
        line: u64,
        path: &Path,
        schema: &Schema,
    ) -> Result<Row, Error> {
        let optional = |index: Option<usize>| {
            index
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(str::to_string)
        };
        let required = |index: usize, column: &str, expected: &str| {
            optional(Some(index)).ok_or_else(|| Error::EmptyField {
                path: path.to_path_buf(),
                line,
                column: column.to_string(),
                expected: expected.to_string(),
            })
        };
        let label = |index: Option<usize>| optional(index).map(|label| label.to_lowercase());
        Ok(Row {
            id: optional(self.id),
            text: required(
                self.text,
                &schema.text,
                "the text of the quote or statement",
            )?,
            context: optional(self.context),
            actor: required(self.actor, &schema.actor, "the actor the text is about")?,
            speaker: optional(self.speaker),
            article: optional(self.article),
            stance: label(self.stance),
            sentiment: label(self.sentiment),
            mention: self.mention(record, line, path, schema)?,
            line,
            carried: Fields::new(),
        })
    }

    /// The record's marked mention as a byte range of its text (trimmed, as [`Row::text`] is),
    /// if the schema names mention columns and the record fills them.
    fn mention(
        &self,
        record: &csv::StringRecord,
        line: u64,
        path: &Path,
        schema: &Schema,
    ) -> Result<Option<(usize, usize)>, Error> {
        let (Some((start, end)), Some((start_name, end_name))) = (self.mention, &schema.mention)
        else {
            return Ok(None);
        };
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let (from, to) = (field(start), field(end));
        if from.is_empty() && to.is_empty() {
            return Ok(None);
        }
        let invalid = |column: &str, value: &str, expected: String| Error::InvalidField {
            path: path.to_path_buf(),
            line,
            column: column.to_string(),
            value: value.to_string(),
            expected,
        };
        let offset = |value: &str, column: &str| {
            value
                .parse::<usize>()
                .map_err(|_| invalid(column, value, "a character offset (0, 1, 2, ...)".into()))
        };
        let raw = record.get(self.text).unwrap_or("");
        mention_bytes(raw, offset(from, start_name)?, offset(to, end_name)?)
            .map(Some)
            .ok_or_else(|| {
                let expected = format!(
                    "an end after the start ({from}) and within the {} characters of column \
                     `{}`, around more than blanks",
                    raw.chars().count(),
                    schema.text
                );
                invalid(end_name, to, expected)
            })
    }
}

/// The characters `from..to` of a raw text field as a byte range of the field trimmed (as
/// [`Row::text`] is), or `None` if they are out of order, out of range or only blanks.
fn mention_bytes(raw: &str, from: usize, to: usize) -> Option<(usize, usize)> {
    if from >= to {
        return None;
    }
    let byte_of = |chars: usize| {
        raw.char_indices()
            .map(|(at, _)| at)
            .chain([raw.len()])
            .nth(chars)
    };
    let (start, end) = (byte_of(from)?, byte_of(to)?);
    let lead = raw.len() - raw.trim_start().len();
    let text_end = lead + raw.trim().len();
    let (start, end) = (start.max(lead), end.min(text_end));
    (start < end).then(|| (start - lead, end - lead))
}

/// The error for a column `name` that the header `names` lack, where `param` names the column;
/// a header read as one column that holds another common delimiter gets that delimiter's name.
pub(crate) fn missing_column<'a>(
    path: &Path,
    name: &str,
    names: impl IntoIterator<Item = &'a str>,
    param: Param,
) -> Error {
    let names: Vec<&str> = names.into_iter().collect();
    // A header of a million columns is named by its first ones, not in an 8 MB message.
    const LISTED: usize = 30;
    let mut available = names[..names.len().min(LISTED)].join(", ");
    if names.len() > LISTED {
        available += &format!(", … ({} columns in all)", names.len());
    }
    let note = names.iter().any(|name| name.contains('\0')).then(|| {
        "the header holds NUL bytes: the file looks like UTF-16 without a byte-order mark; \
         convert it to UTF-8 first, e.g. with `iconv -f UTF-16LE -t UTF-8`"
            .into()
    });
    let delimiter = match names[..] {
        [only] => [(';', "semicolon"), ('\t', "tab"), ('|', "pipe")]
            .into_iter()
            .find(|&(delimiter, _)| only.contains(delimiter))
            .map(|(_, value)| value),
        _ => None,
    };
    Error::MissingColumn {
        path: path.to_path_buf(),
        column: name.to_string(),
        available,
        param,
        needed_by: None,
        delimiter,
        note,
    }
}

fn csv_error(path: &Path, err: csv::Error) -> Error {
    let line = err.position().map_or(0, |p| p.line());
    let message = match err.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } if len < expected_len => format!(
            "expected {expected_len} fields like the header, found {len} (a field that opens a \
             quote mark and never closes it runs on over the lines after it)"
        ),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields like the header, found {len}"),
        // A read that failed, or the decoder's invalid UTF-8 with its own line and column.
        csv::ErrorKind::Io(_) => match err.into_kind() {
            csv::ErrorKind::Io(err) => return read_error(path, err),
            kind => format!("{kind:?}"),
        },
        _ => err.to_string(),
    };
    Error::Csv {
        path: path.to_path_buf(),
        line,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Naming;

    #[test]
    fn ranges_of_the_model_text_are_traced_to_their_field() {
        let locate = |text, context, start, end| {
            let model_text = compose_model_text(text, context);
            let (field, from, to) = locate_in_model_text(text, context, start, end);
            let source = match field {
                TextField::Text => text,
                TextField::Context => context.unwrap(),
            };
            assert_eq!(&model_text[start..end], &source[from..to]);
            field
        };
        assert_eq!(locate("bad idea", None, 4, 8), TextField::Text);
        // The context holds the text: the model reads the trimmed context.
        let context = Some("  He said it was a bad idea. ");
        assert_eq!(locate("bad idea", context, 3, 7), TextField::Context);
        // The context does not hold the text: text, a space, the trimmed context.
        let context = Some(" Smith spoke. ");
        assert_eq!(locate("bad idea", context, 0, 3), TextField::Text);
        assert_eq!(locate("bad idea", context, 9, 14), TextField::Context);
    }

    fn read(text: &str, options: &ReadOptions) -> Result<Vec<Row>, Error> {
        read_bytes(text.as_bytes(), Path::new("test.csv"), options)
    }

    #[test]
    fn reads_rows_and_case_folds_labels() {
        let rows = read(
            "id,text,actor,stance,sentiment\n7,They are great,ICE,FAVOR,Positive\n8,No,ICE,,\n",
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].id.as_deref(), Some("7"));
        assert_eq!(rows[0].stance.as_deref(), Some("favor"));
        assert_eq!(rows[0].sentiment.as_deref(), Some("positive"));
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].stance, None);
    }

    #[test]
    fn delimiters_and_encodings_read_back_as_they_are_named() {
        for byte in [b',', b'\t', b';', b'|', b':'] {
            assert_eq!(parse_delimiter(&delimiter_name(byte)).unwrap(), byte);
        }
        for encoding in [
            TextEncoding::Utf8,
            TextEncoding::Latin1,
            TextEncoding::Cp1252,
        ] {
            assert_eq!(
                encoding.to_string().parse::<TextEncoding>().unwrap(),
                encoding
            );
        }
        let options = ReadOptions {
            delimiter: b';',
            ..ReadOptions::default()
        };
        let json = serde_json::to_string(&options).unwrap();
        assert!(json.contains(r#""delimiter":";""#), "{json}");
        assert_eq!(serde_json::from_str::<ReadOptions>(&json).unwrap(), options);
        let bad = json.replace(r#""delimiter":";""#, r#""delimiter":";;""#);
        assert!(serde_json::from_str::<ReadOptions>(&bad).is_err());
    }

    #[test]
    fn maps_other_column_names_and_tabs() {
        let options = ReadOptions {
            schema: Schema {
                text: "Tweet".into(),
                actor: "Target".into(),
                stance: "Stance".into(),
                ..Schema::default()
            },
            delimiter: parse_delimiter("tab").unwrap(),
            ..ReadOptions::default()
        };
        let rows = read(
            "ID\tTarget\tTweet\tStance\n1\tAtheism\tgod is\tAGAINST\n",
            &options,
        )
        .unwrap();
        assert_eq!(rows[0].actor, "Atheism");
        assert_eq!(rows[0].stance.as_deref(), Some("against"));
    }

    #[test]
    fn missing_column_names_the_flag() {
        let err = read("words,actor\nhi,ICE\n", &ReadOptions::default()).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("test.csv:1: missing column `text`"),
            "{message}"
        );
        assert!(message.ends_with("name it with text_column"), "{message}");
        assert!(err
            .message(Naming::Flag)
            .ends_with("name it with --text-column"));
        assert!(err
            .message(Naming::Keyword)
            .ends_with("name it with text_column="));
    }

    #[test]
    fn empty_text_names_line_and_column() {
        let err = read("text,actor\nfine,ICE\n  ,ICE\n", &ReadOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "test.csv:3: column `text` is empty; expected the text of the quote or statement"
        );
    }

    #[test]
    fn ragged_record_names_its_line() {
        let err = read(
            "text,actor\nfine,ICE\nbad,ICE,extra\n",
            &ReadOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "test.csv:3: expected 2 fields like the header, found 3"
        );
    }

    #[test]
    fn a_row_reader_gives_the_rows_before_a_bad_record_then_its_error_then_ends() {
        let text = "text,actor\na,X\nb,Y\nbad,X,extra\nc,Z\n";
        let mut reader =
            RowReader::new(text.as_bytes(), Path::new("t.csv"), &ReadOptions::default()).unwrap();
        assert_eq!(reader.next().unwrap().unwrap().text, "a");
        assert_eq!(reader.next().unwrap().unwrap().line, 3);
        let err = reader.next().unwrap().unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:4: expected 2 fields like the header, found 3"
        );
        assert!(reader.next().is_none());
    }

    #[test]
    fn a_row_reader_reports_invalid_utf8_at_its_line_and_column() {
        let bytes = b"text,actor\na,X\nb\xff,Y\n";
        let mut reader =
            RowReader::new(&bytes[..], Path::new("t.csv"), &ReadOptions::default()).unwrap();
        assert_eq!(reader.next().unwrap().unwrap().text, "a");
        let err = reader.next().unwrap().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("t.csv:3:2: invalid UTF-8 (byte 0xff)"),
            "{err}"
        );
        assert!(reader.next().is_none());
    }

    #[test]
    fn a_field_over_the_limit_names_its_column_after_the_rows_before_it() {
        let options = ReadOptions {
            max_field_bytes: 8,
            ..ReadOptions::default()
        };
        let text = "id,text,actor\n1,short,X\n2,\"far too long\",Y\n3,c,Z\n";
        let mut reader = RowReader::new(text.as_bytes(), Path::new("t.csv"), &options).unwrap();
        assert_eq!(reader.next().unwrap().unwrap().text, "short");
        let err = reader.next().unwrap().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("t.csv:3:3: column `text` holds more than 8 bytes"),
            "{err}"
        );
        assert!(reader.next().is_none());
        // A header field over the limit has no name yet.
        let err = read("id,textual_words,actor\n", &options).unwrap_err();
        assert!(
            err.to_string().starts_with("test.csv:1:4: field 2"),
            "{err}"
        );
    }

    #[test]
    fn other_columns_are_kept_only_when_asked() {
        let text = "id,date,text, outlet ,actor,stance,from,to,note\n\
                    1,2016-09-12,It failed,  Daily ,ICE,favor,0,2,\n\
                    2,,It works,Weekly,ICE,,,,x\n";
        let schema = Schema {
            mention: Some(("from".into(), "to".into())),
            ..Schema::default()
        };
        let plain = ReadOptions {
            schema,
            ..ReadOptions::default()
        };
        let rows = read(text, &plain).unwrap();
        assert!(rows.iter().all(|row| row.carried.is_empty()));
        let carrying = ReadOptions {
            carry_other_columns: true,
            ..plain
        };
        let rows = read(text, &carrying).unwrap();
        let carried = |row: &Row| serde_json::to_string(&row.carried).unwrap();
        // Named as the header names them, trimmed; an empty cell is null; the schema's
        // columns (the mention's included) are not carried.
        assert_eq!(
            carried(&rows[0]),
            r#"{"date":"2016-09-12","note":null,"outlet":"Daily"}"#
        );
        assert_eq!(
            carried(&rows[1]),
            r#"{"date":null,"note":"x","outlet":"Weekly"}"#
        );
        assert_eq!(rows[0].text, "It failed");
        // Not part of a model's metadata: it reads back as off.
        let json = serde_json::to_string(&carrying).unwrap();
        assert!(!json.contains("carry"), "{json}");
        assert!(
            !serde_json::from_str::<ReadOptions>(&json)
                .unwrap()
                .carry_other_columns
        );
    }

    #[test]
    fn split_keeps_matching_rows_and_needs_its_column() {
        let options = ReadOptions {
            split: Some("test".into()),
            ..ReadOptions::default()
        };
        let rows = read("text,actor,split\na,X,train\nb,X,test\n", &options).unwrap();
        let others = ReadOptions {
            split: Some("train".into()),
            other_splits: true,
            ..ReadOptions::default()
        };
        let held_out = read(
            "text,actor,split\na,X,train\nb,X,test\nc,X,\nd,X,dev\n",
            &others,
        );
        let texts: Vec<String> = held_out.unwrap().into_iter().map(|r| r.text).collect();
        assert_eq!(texts, ["b", "d"]);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].text, "b");
        let err = read("text,actor\na,X\n", &options).unwrap_err();
        assert!(err.to_string().contains("missing column `split`"), "{err}");
    }

    #[test]
    fn mention_offsets_count_characters_of_the_text() {
        let options = ReadOptions {
            schema: Schema {
                mention: Some(("from".into(), "to".into())),
                ..Schema::default()
            },
            ..ReadOptions::default()
        };
        let rows = read(
            "text,actor,from,to,context\n\" Café, he said\",X,7,9,\nhe,X,0,2,Bo said: he\nno mark,X,,,\n",
            &options,
        )
        .unwrap();
        assert_eq!(rows[0].text, "Café, he said");
        let (start, end) = rows[0].mention.unwrap();
        assert_eq!(&rows[0].text[start..end], "he");
        let model_text = rows[1].model_text();
        let (start, end) = rows[1].mention_in(&model_text).unwrap();
        assert_eq!((start, &model_text[start..end]), (9, "he"));
        assert_eq!(rows[2].mention, None);

        for (record, expected) in [
            ("abc,X,2,1", "test.csv:2: column `to` holds `1`; expected an end after the start"),
            ("abc,X,0,4", "column `to` holds `4`; expected an end after the start (0) and within the 3 characters"),
            ("abc,X,one,2", "test.csv:2: column `from` holds `one`; expected a character offset"),
            ("abc,X,1,", "test.csv:2: column `to` holds ``"),
        ] {
            let err = read(&format!("text,actor,from,to\n{record}\n"), &options).unwrap_err();
            assert!(err.to_string().contains(expected), "{err}");
        }
        let err = read("text,actor,from\na,X,0\n", &options).unwrap_err();
        assert!(err.to_string().contains("missing column `to`"), "{err}");
        let message = err.message(Naming::Flag);
        assert!(message.contains("--mention-columns"), "{message}");
    }

    #[test]
    fn model_text_prefers_the_context_that_holds_the_quote() {
        assert_eq!(
            compose_model_text("communist", Some("calling him a “communist”")),
            "calling him a “communist”"
        );
        assert_eq!(compose_model_text("a", Some("b")), "a b");
        assert_eq!(compose_model_text("a", Some(" ")), "a");
    }

    #[test]
    fn delimiter_values() {
        assert_eq!(parse_delimiter("comma").unwrap(), b',');
        assert_eq!(parse_delimiter(";").unwrap(), b';');
        assert!(parse_delimiter("colon-ish").is_err());
    }
}
