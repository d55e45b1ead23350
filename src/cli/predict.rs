//! `stance predict`: label new rows or articles.
//!
//! Inputs are streamed: CSV rows are read, scored and written a chunk at a time
//! ([`DEFAULT_CHUNK_ROWS`] rows), JSON lines and single-article files a batch of articles at
//! a time (`DEFAULT_CHUNK_ARTICLES`), scored in parallel and written in input order before
//! the next chunk is read, so memory stays flat however large the input. Every output format
//! is written row by row (the table's columns have fixed widths), so none waits for the end.
//! A bad input stops at its first bad record, after the rows before it were written; the
//! other inputs are still scored. See `cli/progress.rs` for the progress bar.
//!
//! What an input holds besides what is scored (a JSON or Parquet article's scalar fields, the
//! other columns of rows) travels with each of its scored rows, so a chunk holds only its own,
//! and is written to the JSON lines and Parquet output.

use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Cursor, Read, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::json;

use serde::Deserialize;

use crate::article::ActorList;
use crate::corpus::missing_column;
use crate::corpus::{Fields, ReadOptions, RowReader, TextEncoding, TextLines};
use crate::eval::report::truncate;
use crate::html::{write_article_page, ArticleInput};
use crate::model::explain::{Explanation, Origin, SourceSpan};
use crate::parquet::{is_parquet, value_text, Cell, ColumnKind, ParquetRecords, TableWriter};
use crate::score::{score_articles_in_order, score_row_chunks, Scored, DEFAULT_CHUNK_ROWS};
use crate::{persist, Naming, Param, StanceModel};

use super::progress::Progress;
use super::{input_name, CsvArgs, ModelSource};

/// Articles scored together (in parallel, one per task) unless `--chunk-size` says otherwise:
/// enough to keep every core busy while articles differ in length.
pub(crate) const DEFAULT_CHUNK_ARTICLES: usize = 64;

/// Terms per explanation when `--explain` gives no number (and on the page `serve` shows).
const DEFAULT_EXPLAIN: &str = "5";
const DEFAULT_EXPLAIN_TERMS: usize = 5;

/// Label new rows or articles.
#[derive(Debug, Clone, Args)]
pub struct PredictArgs {
    #[command(flatten)]
    pub(crate) model: ModelSource,
    /// Input files or folders (a folder's `.txt`, `.md` and `.parquet` files, and those of the
    /// folders within it, sorted); `-` (or nothing) reads standard input.
    #[arg(value_name = "FILE")]
    pub(crate) inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) csv: CsvArgs,
    /// What the inputs hold.
    #[arg(long, value_enum, default_value_t = InputKind::Auto)]
    pub(crate) input: InputKind,
    /// Actors file: one actor per line, `Canonical Name = alias | alias`; adds and merges
    /// actors found in articles.
    #[arg(long, value_name = "FILE")]
    pub(crate) actors: Option<PathBuf>,
    /// Write only rows about the actors of the `--actors` file: statements that concern none
    /// of them are left out (their speakers may still be any actor).
    #[arg(long, requires = "actors")]
    pub(crate) only_listed_actors: bool,
    /// Drop article statements whose speaker attribution is less sure than this (0-1).
    #[arg(long, default_value_t = 0.0, value_name = "P", value_parser = super::probability)]
    pub(crate) min_confidence: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Csv)]
    pub(crate) format: OutputFormat,
    /// Explain each label with the K terms that pushed most toward it against the runner-up
    /// label, with where in the text each came from (K is 5 if not given).
    #[arg(long, value_name = "K", num_args = 0..=1, default_missing_value = DEFAULT_EXPLAIN)]
    pub(crate) explain: Option<usize>,
    /// Show no progress bar (one is shown on a terminal when the inputs hold 16 MiB or more).
    #[arg(long, visible_alias = "quiet")]
    pub(crate) no_progress: bool,
    /// Rows (or articles) scored at a time; memory grows with it. For tests.
    #[arg(long, hide = true, value_name = "N")]
    pub(crate) chunk_size: Option<NonZeroUsize>,
}

/// `--format` values of `predict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// CSV with a header.
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// A table for an 80-column terminal.
    Table,
    /// One self-contained HTML page: each article's text with its statements highlighted,
    /// and who says what about whom. Written at the end: it holds the whole run.
    Html,
    /// A Parquet file (Snappy): the CSV's columns, offsets and probabilities as numbers, then
    /// as text the fields the first article or row written carries (JSON lines' fields, the
    /// other columns of a Parquet input or of rows), which later ones fill where they have
    /// them.
    Parquet,
}

/// What kind of input a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputKind {
    /// From the extension: .csv/.tsv rows, .jsonl articles, .md articles, .parquet (or a
    /// Parquet file's first bytes) Parquet; .txt, stdin and others are rows if their first
    /// line is a header naming the text and actor columns, else an article.
    Auto,
    /// Plain-text news articles.
    Article,
    /// Labelled-CSV-shaped rows (text and actor columns); the columns the schema does not
    /// read (`date`, `outlet`, …) are carried to the output as JSON lines' fields are.
    Rows,
    /// JSON lines, one article per line: {"id": …, "text": …}.
    Jsonl,
    /// Parquet: rows when it has the text and actor columns, else one article per row (the
    /// text column, an optional id column; its other columns are carried to the output as
    /// JSON lines' fields are).
    Parquet,
}

/// Runs `stance predict`.
pub(crate) fn run(args: PredictArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let options = args.read_options()?;
    let actors = args.actor_list()?;
    let (model_dir, model_note) = args.model.resolve();
    let model = persist::load(&model_dir)?;
    for note in model_note
        .into_iter()
        .chain(args.csv.mention_note(&model_dir))
    {
        eprintln!("{note}");
    }
    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.inputs.clone()
    };
    let mut failed = 0;
    let files = expand_folders(&inputs, &mut failed);
    let progress = Progress::new(&files, !args.no_progress);
    let output = Output::new(
        io::BufWriter::new(out),
        &model,
        args.format,
        args.min_confidence,
        args.explain.is_some(),
    )?;
    let mut predictor = Predictor {
        model: &model,
        actors: &actors,
        options: &options,
        kind: args.input,
        explain: args.explain,
        chunk_rows: args
            .chunk_size
            .map_or(DEFAULT_CHUNK_ROWS, NonZeroUsize::get),
        chunk_articles: args
            .chunk_size
            .map_or(DEFAULT_CHUNK_ARTICLES, NonZeroUsize::get),
        output,
        progress: progress.clone(),
        articles: Vec::new(),
        failed,
    };
    let result = predictor.score_all(&files);
    progress.finish();
    result?;
    let failed = predictor.failed;
    drop(predictor);
    // The process ends here: freeing the model's quarter of a million terms one by one would
    // take longer than scoring a short article, and the system reclaims them at once.
    std::mem::forget(model);
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Why scoring one input stopped before its end.
enum Stop {
    /// The input is bad (unreadable, malformed): it is reported and the run goes on.
    Input(crate::Error),
    /// Writing failed (a closed pipe, say): the run ends.
    Output(anyhow::Error),
}

impl From<crate::Error> for Stop {
    fn from(err: crate::Error) -> Self {
        Stop::Input(err)
    }
}

/// An article waiting in a batch: its name and text, or why its input could not be read.
type PendingArticle = Result<(String, String), crate::Error>;

/// The state of one run: the model, the reading settings, the output and the batch of
/// single-article inputs waiting to be scored together.
struct Predictor<'a, W: Write> {
    model: &'a StanceModel,
    actors: &'a ActorList,
    options: &'a ReadOptions,
    kind: InputKind,
    /// Terms per explanation, when explaining.
    explain: Option<usize>,
    chunk_rows: usize,
    chunk_articles: usize,
    output: Output<'a, W>,
    progress: Progress,
    /// Single-article inputs (and inputs that failed to open) in input order, scored at
    /// `chunk_articles` or before the next input that is not an article.
    articles: Vec<PendingArticle>,
    /// Inputs that failed.
    failed: usize,
}

impl<W: Write> Predictor<'_, W> {
    /// Scores every input in turn; only an output error ends the run early.
    fn score_all(&mut self, files: &[PathBuf]) -> anyhow::Result<()> {
        for input in files {
            let opened = match open_input(input, &self.progress) {
                Ok(opened) => opened,
                Err(err) => {
                    self.articles.push(Err(err));
                    continue;
                }
            };
            let kind = resolve_kind(self.kind, input, &opened.head, self.options);
            if matches!(kind, InputKind::Article) {
                let article = opened
                    .read_all(input)
                    .and_then(|bytes| article_text(&bytes, input, self.options))
                    .map(|text| (input.display().to_string(), text));
                self.articles.push(article);
                if self.articles.len() >= self.chunk_articles {
                    self.flush_articles()?;
                }
                continue;
            }
            // Errors and articles before this input are reported and written first.
            self.flush_articles()?;
            let result = match kind {
                InputKind::Jsonl => self.stream_jsonl(input, opened.into_reader()),
                InputKind::Parquet => opened
                    .read_all(input)
                    .map_err(Stop::Input)
                    .and_then(|bytes| self.stream_parquet(input, bytes)),
                _ => self.stream_rows(input, opened.into_reader()),
            };
            match result {
                Ok(()) => {}
                Err(Stop::Input(err)) => self.report(&err),
                Err(Stop::Output(err)) => return Err(err),
            }
        }
        self.flush_articles()?;
        self.output.finish()
    }

    /// Scores the waiting articles in parallel and writes them in input order as they are
    /// done, reporting the inputs that failed where they stand.
    fn flush_articles(&mut self) -> anyhow::Result<()> {
        let pending = std::mem::take(&mut self.articles);
        // The articles read, each with its place among the inputs.
        let (places, articles): (Vec<usize>, Vec<(&str, &str)>) = pending
            .iter()
            .enumerate()
            .filter_map(|(place, article)| Some((place, article.as_ref().ok()?)))
            .map(|(place, (name, text))| (place, (name.as_str(), text.as_str())))
            .unzip();
        // The inputs before `done` are reported or written; the failed ones up to `place` are
        // reported before what stands there.
        let mut done = 0;
        let report_until = |this: &mut Self, done: &mut usize, place: usize| {
            for failed in &pending[*done..place] {
                if let Err(err) = failed {
                    this.report(err);
                }
            }
            *done = place;
        };
        let (model, actors, explain) = (self.model, self.actors, self.explain);
        score_articles_in_order(model, &articles, actors, explain, |i, scored| {
            report_until(self, &mut done, places[i]);
            done = places[i] + 1;
            match scored {
                Ok(rows) => {
                    let (name, text) = articles[i];
                    self.output.keep_text(name, text);
                    self.write(&rows)
                }
                Err(err) => {
                    self.report(&err);
                    Ok(())
                }
            }
        })?;
        report_until(self, &mut done, pending.len());
        Ok(())
    }

    /// Streams labelled-CSV-shaped rows, a chunk at a time.
    fn stream_rows(&mut self, path: &Path, reader: impl Read) -> Result<(), Stop> {
        let rows = RowReader::new(reader, path, self.options)?;
        self.stream_row_reader(path, rows)
    }

    /// Streams a Parquet input: labelled rows when it has the text and actor columns, else one
    /// article per row.
    fn stream_parquet(&mut self, path: &Path, bytes: Vec<u8>) -> Result<(), Stop> {
        let records = ParquetRecords::new(bytes, path)?;
        let schema = &self.options.schema;
        if records.header().contains(&schema.text) && records.header().contains(&schema.actor) {
            let rows = RowReader::parquet(records, path, self.options)?;
            return self.stream_row_reader(path, rows);
        }
        let mut articles = ParquetArticles::new(records, path, self.options)?;
        self.stream_articles(|| articles.next_article())
    }

    /// Streams the rows of a reader, a chunk at a time.
    fn stream_row_reader(&mut self, path: &Path, rows: RowReader<impl Read>) -> Result<(), Stop> {
        let source = path.display().to_string();
        let chunks = score_row_chunks(self.model, &source, rows, self.chunk_rows, self.explain);
        for chunk in chunks {
            self.write(&chunk?).map_err(Stop::Output)?;
        }
        Ok(())
    }

    /// Streams JSON lines, one article per line: `{"id": …, "text": …}`, a batch of articles
    /// at a time. A bad line stops the file after the articles before it are written.
    fn stream_jsonl(&mut self, path: &Path, reader: impl Read) -> Result<(), Stop> {
        let name = input_name(path);
        let mut lines = JsonLines {
            lines: TextLines::new(BufReader::new(reader), &name),
            path,
        };
        self.stream_articles(|| lines.next_article())
    }

    /// Streams articles read one at a time by `next`, a batch at a time. A bad article stops
    /// the input after the articles before it are written.
    fn stream_articles(
        &mut self,
        mut next: impl FnMut() -> Result<Option<ArticleLine>, crate::Error>,
    ) -> Result<(), Stop> {
        loop {
            let mut batch = Vec::new();
            let mut stop = None;
            while batch.len() < self.chunk_articles {
                match next() {
                    Ok(Some(article)) => batch.push(article),
                    Ok(None) => break,
                    Err(err) => {
                        stop = Some(err);
                        break;
                    }
                }
            }
            let articles: Vec<(&str, &str)> = batch
                .iter()
                .map(|article| (article.name.as_str(), article.text.as_str()))
                .collect();
            let (model, actors, explain) = (self.model, self.actors, self.explain);
            score_articles_in_order(model, &articles, actors, explain, |i, rows| {
                let mut rows = rows?;
                for row in &mut rows {
                    row.carried.clone_from(&batch[i].fields);
                }
                let (name, text) = articles[i];
                self.output.keep_text(name, text);
                self.write(&rows).map_err(Stop::Output)
            })?;
            if let Some(err) = stop {
                return Err(Stop::Input(err));
            }
            if batch.len() < self.chunk_articles {
                return Ok(());
            }
        }
    }

    /// Writes scored rows, with the fields they carry, and counts them as progress.
    fn write(&mut self, rows: &[Scored]) -> anyhow::Result<()> {
        self.output.write(rows)?;
        self.progress.add_rows(rows.len());
        Ok(())
    }

    /// Reports a failed input on standard error and counts it.
    fn report(&mut self, err: &crate::Error) {
        self.failed += 1;
        let message = err.message(Naming::Flag);
        self.progress
            .suspend(|| eprintln!("stance: error: {message}"));
    }
}

/// An input opened for reading: its first bytes, read ahead to tell what it holds, and the
/// rest, not read yet.
struct OpenedInput {
    head: Vec<u8>,
    rest: Box<dyn Read>,
}

/// Bytes read ahead of an input at least: binary files are told by a NUL among them.
const HEAD_BYTES: usize = 8192;

impl OpenedInput {
    /// The whole input, from its first byte.
    fn into_reader(self) -> impl Read {
        Cursor::new(self.head).chain(self.rest)
    }

    /// Reads the rest of the input: the whole of it, for an article.
    fn read_all(self, path: &Path) -> Result<Vec<u8>, crate::Error> {
        let mut bytes = self.head;
        let mut rest = self.rest;
        rest.read_to_end(&mut bytes)
            .map_err(|err| crate::Error::io(input_name(path), err))?;
        Ok(bytes)
    }
}

/// Opens an input (`-` is standard input) and reads ahead: at least [`HEAD_BYTES`], the whole
/// first line and the first byte that is not white space, or the whole input if it is shorter.
/// An empty or binary input is an error.
fn open_input(path: &Path, progress: &Progress) -> Result<OpenedInput, crate::Error> {
    let source: Box<dyn Read> = if path == Path::new("-") {
        Box::new(io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(|err| crate::Error::io(path, err))?)
    };
    let mut rest: Box<dyn Read> = Box::new(progress.reader(source));
    let mut head = Vec::new();
    loop {
        let enough = head.len() >= HEAD_BYTES
            && head.contains(&b'\n')
            && !head.iter().all(u8::is_ascii_whitespace);
        if enough {
            break;
        }
        // Doubling what is read ahead, so a long first line is not scanned over and over.
        let read = (&mut rest)
            .take(head.len().max(HEAD_BYTES) as u64)
            .read_to_end(&mut head)
            .map_err(|err| crate::Error::io(input_name(path), err))?;
        if read == 0 {
            break;
        }
    }
    if is_parquet(&head) {
        return Ok(OpenedInput { head, rest });
    }
    let not_text = |problem: &str| crate::Error::NotText {
        path: path.to_path_buf(),
        problem: problem.into(),
    };
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(not_text("the input is empty"));
    }
    if head.iter().take(HEAD_BYTES).any(|&b| b == 0) {
        return Err(not_text("a binary file (it holds NUL bytes), not text"));
    }
    Ok(OpenedInput { head, rest })
}

/// What a folder's files must end with to be read.
const FOLDER_EXTENSIONS: [&str; 3] = ["txt", "md", "parquet"];

/// Replaces each folder by the `.txt`, `.md` and `.parquet` files inside it and inside the
/// folders within it, sorted, as a file named on the command line is read (links followed; a
/// folder met again through a link is not read twice). What the walk cannot read is reported
/// on standard error, naming it, and counted as failed, as an input that cannot be read is:
/// a folder that cannot be listed (locked from this user), an entry that cannot be looked at
/// (a link to nothing), a named pipe or device with one of those extensions.
fn expand_folders(inputs: &[PathBuf], failed: &mut usize) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut walk = FolderWalk {
                files: &mut files,
                seen: std::collections::HashSet::new(),
                failed,
            };
            walk.folder(input);
        } else {
            files.push(input.clone());
        }
    }
    files
}

/// A walk through one folder named on the command line.
struct FolderWalk<'a> {
    files: &'a mut Vec<PathBuf>,
    /// The folders read so far, by their real path.
    seen: std::collections::HashSet<PathBuf>,
    failed: &'a mut usize,
}

impl FolderWalk<'_> {
    /// Adds the files of `folder` and of the folders within it, in the order of their paths.
    fn folder(&mut self, folder: &Path) {
        match std::fs::canonicalize(folder) {
            Ok(real) => {
                if !self.seen.insert(real) {
                    return;
                }
            }
            Err(err) => return self.report(crate::Error::io(folder, err)),
        }
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(err) => return self.report(crate::Error::io(folder, err)),
        };
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => paths.push(entry.path()),
                Err(err) => self.report(crate::Error::io(folder, err)),
            }
        }
        paths.sort();
        for path in paths {
            match std::fs::metadata(&path) {
                Ok(found) if found.is_dir() => self.folder(&path),
                Ok(_) if !has_extension(&path, &FOLDER_EXTENSIONS) => {}
                Ok(found) if found.is_file() => self.files.push(path),
                // Opening a named pipe would wait for a writer.
                Ok(_) => self.report(crate::Error::io(
                    &path,
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "not a file or a folder (a named pipe, socket or device)",
                    ),
                )),
                Err(err) => {
                    // A link says where it leads.
                    let err = match std::fs::read_link(&path) {
                        Ok(target) => io::Error::new(
                            err.kind(),
                            format!("a link to {}: {err}", target.display()),
                        ),
                        Err(_) => err,
                    };
                    self.report(crate::Error::io(&path, err))
                }
            }
        }
    }

    fn report(&mut self, err: crate::Error) {
        *self.failed += 1;
        eprintln!("stance: error: {err}");
    }
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

fn resolve_kind(kind: InputKind, path: &Path, bytes: &[u8], options: &ReadOptions) -> InputKind {
    if kind != InputKind::Auto {
        return kind;
    }
    if is_parquet(bytes) || has_extension(path, &["parquet"]) {
        return InputKind::Parquet;
    }
    if has_extension(path, &["csv", "tsv", "tab"]) {
        return InputKind::Rows;
    }
    if has_extension(path, &["jsonl", "ndjson"]) {
        return InputKind::Jsonl;
    }
    if has_extension(path, &["md"]) {
        return InputKind::Article;
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let first_line = String::from_utf8_lossy(first_line);
    let fields: Vec<&str> = first_line
        .trim_end()
        .split(char::from(options.delimiter))
        .map(str::trim)
        .collect();
    let schema = &options.schema;
    if fields.contains(&schema.text.as_str()) && fields.contains(&schema.actor.as_str()) {
        InputKind::Rows
    } else if first_line.trim_start().starts_with('{') {
        InputKind::Jsonl
    } else {
        InputKind::Article
    }
}

/// Decodes an article with `--encoding`.
fn article_text(bytes: &[u8], path: &Path, options: &ReadOptions) -> Result<String, crate::Error> {
    let text = options.encoding.decode(bytes, path)?;
    // The decoder drops a UTF-8 byte-order mark; it is put back so that offsets count the
    // file's bytes as given, BOM included, as the README promises.
    const BOM: &str = "\u{feff}";
    let dropped = options.encoding == TextEncoding::Utf8
        && bytes.starts_with(BOM.as_bytes())
        && !text.starts_with(BOM);
    Ok(match dropped {
        true => format!("{BOM}{text}"),
        false => text.into_owned(),
    })
}

/// One article per line: `{"id": …, "text": …}`.
#[derive(Debug, Deserialize)]
struct JsonArticle {
    id: Option<serde_json::Value>,
    text: String,
    /// Every other field: the scalar ones (`date`, `outlet`, …) are carried through to each
    /// of the article's output lines.
    #[serde(flatten)]
    fields: Fields,
}

/// An article of a JSON lines input.
struct ArticleLine {
    /// Its `id`, else `FILE:LINE`.
    name: String,
    text: String,
    /// Its scalar fields other than `id` and `text`, for the output.
    fields: Fields,
}

/// The articles of a JSON lines input, one line at a time.
struct JsonLines<'p, R> {
    lines: TextLines<'p, R>,
    /// The input as given, to name its articles that have no `id`.
    path: &'p Path,
}

impl<R: BufRead> JsonLines<'_, R> {
    /// The next article, skipping blank lines; `None` at the end.
    fn next_article(&mut self) -> Result<Option<ArticleLine>, crate::Error> {
        let Some((line, text)) = self.lines.next_line()? else {
            return Ok(None);
        };
        let article: JsonArticle = serde_json::from_str(text).map_err(|err| crate::Error::Csv {
            path: input_name(self.path),
            line,
            message: format!(
                "column {}: expected an object {{\"id\": …, \"text\": …}}: {err}",
                err.column()
            ),
        })?;
        let name = match article.id {
            Some(serde_json::Value::String(id)) => id,
            Some(id) => id.to_string(),
            None => format!("{}:{line}", self.path.display()),
        };
        let fields = article
            .fields
            .into_iter()
            .filter(|(_, value)| !value.is_object() && !value.is_array())
            .collect();
        Ok(Some(ArticleLine {
            name,
            text: article.text,
            fields,
        }))
    }
}

/// The articles of a Parquet input, one row each: the text column (`--text-column`), the `id`
/// column if there is one, and the other columns as fields.
struct ParquetArticles<'p> {
    records: ParquetRecords,
    path: &'p Path,
    text: usize,
    id: Option<usize>,
    text_name: String,
}

impl<'p> ParquetArticles<'p> {
    fn new(
        records: ParquetRecords,
        path: &'p Path,
        options: &ReadOptions,
    ) -> Result<Self, crate::Error> {
        let schema = &options.schema;
        let find = |name: &str| records.header().iter().position(|h| h.trim() == name);
        let text = find(&schema.text).ok_or_else(|| {
            let names = records.header().iter().map(String::as_str);
            let mut err = missing_column(path, &schema.text, names, Param::TextColumn);
            if let crate::Error::MissingColumn { note, .. } = &mut err {
                *note = Some(
                    format!(
                        "a Parquet file of labelled rows also needs the `{}` column",
                        schema.actor
                    )
                    .into(),
                );
            }
            err
        })?;
        Ok(ParquetArticles {
            id: find(&schema.id),
            text,
            text_name: schema.text.clone(),
            records,
            path,
        })
    }

    /// The next article; `None` at the end.
    fn next_article(&mut self) -> Result<Option<ArticleLine>, crate::Error> {
        let Some((values, row)) = self.records.next_row()? else {
            return Ok(None);
        };
        let text = match &values[self.text] {
            serde_json::Value::String(text) => text.clone(),
            _ => {
                return Err(crate::Error::EmptyField {
                    path: self.path.to_path_buf(),
                    line: row,
                    column: self.text_name.clone(),
                    expected: "the article's text".into(),
                })
            }
        };
        let name = match self.id.map(|i| &values[i]) {
            Some(serde_json::Value::String(id)) => id.clone(),
            Some(id) if !id.is_null() => id.to_string(),
            _ => format!("{}:{row}", self.path.display()),
        };
        let fields = self
            .records
            .header()
            .iter()
            .zip(values)
            .enumerate()
            .filter(|&(i, _)| i != self.text && Some(i) != self.id && !self.records.is_nested(i))
            .map(|(_, (name, value))| (name.clone(), value))
            .collect();
        Ok(Some(ArticleLine { name, text, fields }))
    }
}

/// Writes scored pairs in one `--format` as they come. Every format is written row by row: the
/// CSV and table headers do not depend on the rows, and the table's columns have fixed
/// widths, so no format needs to see the whole input first.
struct Output<'m, W: Write> {
    model: &'m StanceModel,
    format: OutputFormat,
    min_confidence: f64,
    /// Whether rows carry explanations (the CSV gets a column for them).
    explain: bool,
    sink: Sink<W>,
    /// The table's last statement (article and id): its actors' rows follow it.
    last_statement: Option<(String, String)>,
}

/// Where [`Output`] writes: a CSV writer, lines, or a page written at the end.
enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Lines(W),
    Html(W, Vec<HtmlArticle>),
    /// The output until the first rows say which fields to carry, then the table.
    Parquet(Option<W>, Option<Box<ParquetTable<W>>>),
}

/// A Parquet output and the fields it carries after the CSV's columns.
struct ParquetTable<W: Write> {
    table: TableWriter<W>,
    carried: Vec<String>,
}

/// An article kept for the HTML page: its name, its text (none for CSV rows) and its rows.
struct HtmlArticle {
    name: String,
    text: Option<String>,
    rows: Vec<Scored>,
}

impl<'m, W: Write> Output<'m, W> {
    /// Starts the output, writing the header of the CSV and table formats.
    fn new(
        out: W,
        model: &'m StanceModel,
        format: OutputFormat,
        min_confidence: f64,
        explain: bool,
    ) -> anyhow::Result<Self> {
        let sink = match format {
            OutputFormat::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer
                    .write_record(csv_header(model, explain))
                    .map_err(csv_write_error)?;
                Sink::Csv(Box::new(writer))
            }
            OutputFormat::Jsonl => Sink::Lines(out),
            OutputFormat::Html => Sink::Html(out, Vec::new()),
            OutputFormat::Parquet => Sink::Parquet(Some(out), None),
            OutputFormat::Table => {
                let mut out = out;
                writeln!(
                    out,
                    "{:<6}{:<30} {:<16} sentiment",
                    "id", "speaker: statement / actor", "stance"
                )?;
                Sink::Lines(out)
            }
        };
        Ok(Output {
            model,
            format,
            min_confidence,
            explain,
            sink,
            last_statement: None,
        })
    }

    /// Writes the rows whose speaker attribution is sure enough, with the fields they carry
    /// (JSON lines and Parquet only), and flushes them, so what is scored reaches the reader
    /// before the next chunk is read.
    fn write(&mut self, rows: &[Scored]) -> anyhow::Result<()> {
        let model = self.model;
        let kept = rows.iter().filter(|row| {
            row.speaker_confidence
                .is_none_or(|c| c >= self.min_confidence)
        });
        match &mut self.sink {
            Sink::Csv(writer) => {
                for row in kept {
                    let mut record = csv_record(model, row);
                    if self.explain {
                        record.push(Cow::Owned(explanation_cell(model, row)));
                    }
                    writer
                        .write_record(record.iter().map(|field| field.as_bytes()))
                        .map_err(csv_write_error)?;
                }
                writer.flush()?;
            }
            Sink::Lines(out) => {
                for row in kept {
                    match self.format {
                        OutputFormat::Table => {
                            let last = self.last_statement.as_ref();
                            if last.is_none_or(|(article, _)| *article != row.article) {
                                writeln!(out, "== {}", row.article)?;
                            }
                            let statement = (row.article.clone(), row.quote_id.clone());
                            if last != Some(&statement) {
                                writeln!(out, "{}", table_statement(row))?;
                                self.last_statement = Some(statement);
                            }
                            writeln!(out, "{}", table_actor(model, row))?;
                            if let Some(why) = table_why(model, row) {
                                writeln!(out, "{why}")?;
                            }
                        }
                        _ => {
                            // Straight to the writer: through `Display` it cost twice as much.
                            serde_json::to_writer(&mut *out, &json_object(model, row))
                                .map_err(std::io::Error::from)?;
                            out.write_all(b"\n")?;
                        }
                    }
                }
                out.flush()?;
            }
            Sink::Parquet(out, table) => {
                let rows: Vec<&Scored> = kept.collect();
                if rows.is_empty() {
                    return Ok(());
                }
                let first = &rows[0].carried;
                let parquet = parquet_table(out, table, model, self.explain, first)?;
                let cells: Vec<Vec<Cell>> = rows
                    .iter()
                    .map(|row| parquet_cells(model, row, self.explain, &parquet.carried))
                    .collect();
                parquet.table.write(&cells)?;
            }
            Sink::Html(_, articles) => {
                for row in kept {
                    match articles.last_mut() {
                        Some(article) if article.name == row.article => {
                            article.rows.push(row.clone())
                        }
                        _ => articles.push(HtmlArticle {
                            name: row.article.clone(),
                            text: None,
                            rows: vec![row.clone()],
                        }),
                    }
                }
            }
        }
        Ok(())
    }

    /// Keeps the text of the article whose rows come next, for the HTML page (which shows
    /// it); the other formats need no text.
    fn keep_text(&mut self, name: &str, text: &str) {
        if let Sink::Html(_, articles) = &mut self.sink {
            articles.push(HtmlArticle {
                name: name.to_string(),
                text: Some(text.to_string()),
                rows: Vec::new(),
            });
        }
    }

    /// Flushes what is left.
    fn finish(&mut self) -> anyhow::Result<()> {
        match &mut self.sink {
            Sink::Csv(writer) => writer.flush()?,
            Sink::Parquet(out, table) => {
                parquet_table(out, table, self.model, self.explain, &Fields::new())?
                    .table
                    .finish()?;
            }
            Sink::Lines(out) => {
                if self.format == OutputFormat::Table {
                    writeln!(out, "{}", textwrap::fill(TABLE_FOOTER, TABLE_WIDTH))?;
                }
                out.flush()?
            }
            Sink::Html(out, articles) => {
                let inputs: Vec<ArticleInput> = articles
                    .iter()
                    .map(|article| ArticleInput {
                        name: &article.name,
                        text: article.text.as_deref(),
                        rows: &article.rows,
                    })
                    .collect();
                let title = match &inputs[..] {
                    [one] => format!("stance: {}", one.name),
                    _ => format!("stance: {} articles", inputs.len()),
                };
                write_article_page(out, self.model, &title, &inputs)?;
                out.flush()?
            }
        }
        Ok(())
    }
}

/// A CSV writer's error as the [`io::Error`] it wraps, so that `main` sees a closed pipe as
/// one (the CSV error does not give its cause as its `source`).
fn csv_write_error(err: csv::Error) -> anyhow::Error {
    match err.into_kind() {
        csv::ErrorKind::Io(err) => err.into(),
        kind => anyhow::anyhow!("writing CSV: {kind:?}"),
    }
}

/// The CSV header: the fixed columns, then one probability column per label of each head,
/// then the explanation's when explaining.
fn csv_header(model: &StanceModel, explain: bool) -> Vec<String> {
    let mut header: Vec<String> = [
        "article",
        "quote_id",
        "start",
        "end",
        "speaker",
        "speaker_confidence",
        "actor",
        "stance",
        "stance_probability",
        "sentiment",
        "sentiment_probability",
        "quote",
        "context",
    ]
    .map(String::from)
    .to_vec();
    for head in &model.heads {
        header.extend(
            head.labels
                .iter()
                .map(|l| format!("p_{}_{l}", head.task.name())),
        );
    }
    if explain {
        header.push("explanation".to_string());
    }
    header
}

/// One CSV record, in the order of [`csv_header`]: the row's own texts lent, not copied.
fn csv_record<'r>(model: &StanceModel, row: &'r Scored) -> Vec<Cow<'r, str>> {
    use crate::Task::{Sentiment, Stance};
    let (stance, stance_p) = row.label(model, Stance).unzip();
    let (sentiment, sentiment_p) = row.label(model, Sentiment).unzip();
    let text = |text: Option<&'r String>| Cow::Borrowed(text.map_or("", String::as_str));
    let number = |value: Option<String>| Cow::Owned(value.unwrap_or_default());
    let mut record = vec![
        text(Some(&row.article)),
        text(Some(&row.quote_id)),
        number(row.span.map(|s| s.0.to_string())),
        number(row.span.map(|s| s.1.to_string())),
        text(row.speaker.as_ref()),
        number(row.speaker_confidence.map(|c| format!("{c:.2}"))),
        text(row.actor.as_ref()),
        Cow::Owned(stance.unwrap_or_default().to_string()),
        number(stance_p.map(probability_text)),
        Cow::Owned(sentiment.unwrap_or_default().to_string()),
        number(sentiment_p.map(probability_text)),
        text(Some(&row.quote)),
        text(row.context.as_ref()),
    ];
    for (head, prediction) in model.heads.iter().zip(&row.predictions) {
        if row.label(model, head.task).is_some() {
            record.extend(
                prediction
                    .probabilities
                    .iter()
                    .map(|&p| Cow::Owned(probability_text(p))),
            );
        } else {
            record.extend(head.labels.iter().map(|_| Cow::Borrowed("")));
        }
    }
    record
}

/// `p` with four decimals, as `format!("{p:.4}")` writes it.
///
/// The standard formatting finds the digits of the exact binary value, which for most
/// probabilities takes a slow exact path (`dragon`): 3% of the time `predict` spent on a
/// tweet. Rounded from `p * 10^4` instead, the digits are the same unless that product lies
/// within its own rounding error of a tie (a half), where the exact value decides; those,
/// and the values this does not cover (negative, huge, not finite), go to the standard path.
fn probability_text(p: f64) -> String {
    // Below this the product's rounding error is under 10^-7, far inside `TIE_MARGIN`.
    const LARGEST: f64 = 1e8;
    const TIE_MARGIN: f64 = 1e-6;
    let scaled = p * 1e4;
    if !(p.is_sign_positive() && scaled < LARGEST) {
        return format!("{p:.4}");
    }
    let whole = scaled.floor();
    let fraction = scaled - whole;
    if (fraction - 0.5).abs() <= TIE_MARGIN {
        return format!("{p:.4}");
    }
    let rounded = whole as u64 + u64::from(fraction > 0.5);
    format!("{}.{:04}", rounded / 10_000, rounded % 10_000)
}

/// The Parquet table, started on the first call with the CSV's columns and the names of
/// `fields`, those the first row written carries (less those the CSV's columns already name),
/// after them.
fn parquet_table<'t, W: Write>(
    out: &mut Option<W>,
    table: &'t mut Option<Box<ParquetTable<W>>>,
    model: &StanceModel,
    explain: bool,
    fields: &Fields,
) -> anyhow::Result<&'t mut ParquetTable<W>> {
    if table.is_none() {
        let header = csv_header(model, explain);
        let carried: Vec<String> = fields
            .keys()
            .filter(|key| !header.contains(key))
            .cloned()
            .collect();
        let kind = |column: &str| match column {
            "start" | "end" => ColumnKind::Unsigned,
            "speaker_confidence" => ColumnKind::Float,
            _ if column.ends_with("_probability") || column.starts_with("p_") => ColumnKind::Float,
            _ => ColumnKind::Text,
        };
        let columns = header
            .iter()
            .map(|column| (column.clone(), kind(column)))
            .chain(carried.iter().map(|name| (name.clone(), ColumnKind::Text)))
            .collect();
        let out = anyhow::Context::context(out.take(), "the Parquet output was already finished")?;
        *table = Some(Box::new(ParquetTable {
            table: TableWriter::new(out, columns)?,
            carried,
        }));
    }
    anyhow::Context::context(table.as_deref_mut(), "the Parquet output was not started")
}

/// One Parquet row, in the order of [`parquet_table`]'s columns: the CSV's record with its
/// numbers as numbers (at full precision, as in the JSON lines), then the `carried` fields
/// the row has (null where it has not).
fn parquet_cells<'r>(
    model: &StanceModel,
    row: &'r Scored,
    explain: bool,
    carried: &[String],
) -> Vec<Cell<'r>> {
    use crate::Task::{Sentiment, Stance};
    let (stance, stance_p) = row.label(model, Stance).unzip();
    let (sentiment, sentiment_p) = row.label(model, Sentiment).unzip();
    let text = |text: Option<&'r String>| Cell::Text(text.map(|t| Cow::Borrowed(t.as_str())));
    let label = |label: Option<&str>| Cell::Text(label.map(|l| Cow::Owned(l.to_string())));
    let mut cells = vec![
        text(Some(&row.article)),
        text(Some(&row.quote_id)),
        Cell::Unsigned(row.span.map(|s| s.0 as u64)),
        Cell::Unsigned(row.span.map(|s| s.1 as u64)),
        text(row.speaker.as_ref()),
        Cell::Float(row.speaker_confidence),
        text(row.actor.as_ref()),
        label(stance),
        Cell::Float(stance_p),
        label(sentiment),
        Cell::Float(sentiment_p),
        text(Some(&row.quote)),
        text(row.context.as_ref()),
    ];
    for (head, prediction) in model.heads.iter().zip(&row.predictions) {
        let labelled = row.label(model, head.task).is_some();
        cells.extend(
            prediction
                .probabilities
                .iter()
                .map(|&p| Cell::Float(labelled.then_some(p))),
        );
    }
    if explain {
        cells.push(Cell::Text(Some(Cow::Owned(explanation_cell(model, row)))));
    }
    cells.extend(carried.iter().map(|name| {
        Cell::Text(
            row.carried
                .get(name)
                .filter(|value| !value.is_null())
                .map(|value| Cow::Owned(value_text(value))),
        )
    }));
    cells
}

/// One JSON line: the fields the row carries (an article's `date`, `outlet`, …, a row's
/// other columns) where the line's own fields do not take their names, the CSV's fields,
/// every label's probability, and the explanations when there are any.
fn json_object(model: &StanceModel, row: &Scored) -> serde_json::Value {
    let mut object = json!({
        "article": row.article,
        "quote_id": row.quote_id,
        "start": row.span.map(|s| s.0),
        "end": row.span.map(|s| s.1),
        "speaker": row.speaker,
        "speaker_confidence": row.speaker_confidence,
        "actor": row.actor,
        "quote": row.quote,
        "context": row.context,
    });
    for (head, prediction) in model.heads.iter().zip(&row.predictions) {
        if row.label(model, head.task).is_none() {
            continue; // no stance without an actor
        }
        let name = head.task.name();
        let probabilities: serde_json::Map<String, serde_json::Value> = head
            .labels
            .iter()
            .zip(&prediction.probabilities)
            .map(|(l, &p)| (l.clone(), json!(p)))
            .collect();
        object[name] = json!(head.labels[prediction.class]);
        object[format!("{name}_probability")] = json!(prediction.probabilities[prediction.class]);
        object[format!("{name}_probabilities")] = json!(probabilities);
    }
    let explained: Vec<&Explanation> = explained(model, row).collect();
    if !explained.is_empty() {
        object["explanation"] = json!(explained);
    }
    if let serde_json::Value::Object(map) = &mut object {
        for (key, value) in &row.carried {
            map.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    object
}

/// The row's explanations, one per head that gave a label (no stance without an actor).
fn explained<'r>(
    model: &'r StanceModel,
    row: &'r Scored,
) -> impl Iterator<Item = &'r Explanation> + 'r {
    row.explanations
        .iter()
        .filter(move |explanation| row.label(model, explanation.task).is_some())
}

/// The CSV's explanation: per head, the label against the runner-up and the margin, then each
/// term with its kind and contribution, e.g.
/// `stance against>neutral 1.92: rogue (word) +0.81; [TARGET] is (word) +0.33 | sentiment …`.
fn explanation_cell(model: &StanceModel, row: &Scored) -> String {
    explained(model, row)
        .map(|e| {
            let terms: Vec<String> = e
                .terms
                .iter()
                .map(|t| format!("{} ({}) {:+.2}", t.term, t.kind, t.contribution))
                .collect();
            format!(
                "{} {}>{} {:.2}: {}",
                e.task.name(),
                e.label,
                e.versus,
                e.margin,
                terms.join("; ")
            )
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The table's explanation line under an actor's line: the words behind the stance (or, for
/// a statement without an actor, the sentiment), as the article spells them.
fn table_why(model: &StanceModel, row: &Scored) -> Option<String> {
    let explanation = explained(model, row).next()?;
    let words: Vec<String> = explanation
        .terms
        .iter()
        .take(3)
        .map(|t| {
            // The term's first span, when it falls in the row's own text; else the term.
            let shown = t
                .spans
                .first()
                .and_then(|span| spanned_text(row, span))
                .unwrap_or(&t.term);
            format!("“{}” {:+.1}", truncate(shown.trim(), 24), t.contribution)
        })
        .collect();
    if words.is_empty() {
        return None;
    }
    let line = format!("        why {}: {}", explanation.label, words.join(", "));
    Some(textwrap::fill(
        &line,
        textwrap::Options::new(TABLE_WIDTH).subsequent_indent("          "),
    ))
}

/// The text of a span of a scored row: an article's span is read from the row's context.
fn spanned_text<'r>(row: &'r Scored, span: &SourceSpan) -> Option<&'r str> {
    let (start, end) = (span.start, span.end);
    match span.origin {
        Origin::Text => row.quote.get(start..end),
        Origin::Context => row.context.as_deref()?.get(start..end),
        Origin::Article => {
            let (from, _) = row.context_span?;
            let context = row.context.as_deref()?;
            context.get(start.checked_sub(from)?..end.checked_sub(from)?)
        }
    }
}

/// The table's width: an 80-column terminal.
const TABLE_WIDTH: usize = 80;

/// What the table's figures are, said under it.
const TABLE_FOOTER: &str = "Each actor's line gives the stance toward that actor and the \
sentiment of the wording, each with the model's probability for it; a statement that concerns \
no actor has a sentiment only.";

/// A statement's lines of the table: its id, speaker and words, wrapped to the table's width.
fn table_statement(row: &Scored) -> String {
    let speaker = row.speaker.as_deref().unwrap_or("(no speaker)");
    let text = format!(
        "{:<6}{speaker}: “{}”",
        truncate(&row.quote_id, 5),
        row.quote.trim()
    );
    let options = textwrap::Options::new(TABLE_WIDTH).subsequent_indent("      ");
    textwrap::fill(&text, options)
}

/// An actor's line of the table, under its statement.
fn table_actor(model: &StanceModel, row: &Scored) -> String {
    use crate::Task::{Sentiment, Stance};
    let cell = |label: Option<(&str, f64)>| {
        label.map_or("-".to_string(), |(l, p)| {
            format!("{} {:.0}%", truncate(l, 10), 100.0 * p)
        })
    };
    format!(
        "      {:<30} {:<16} {:<16}",
        truncate(
            &format!("→ {}", row.actor.as_deref().unwrap_or("(no actor)")),
            30
        ),
        cell(row.label(model, Stance)),
        cell(row.label(model, Sentiment)),
    )
    .trim_end()
    .to_string()
}

/// How [`predict_in_memory`] reads one input held in memory and writes its predictions.
pub struct InMemory<'a> {
    /// What the input holds; `Auto` decides from its name and first bytes as `predict` does.
    pub kind: InputKind,
    pub options: ReadOptions,
    pub actors: &'a ActorList,
    pub format: OutputFormat,
    /// Terms per explanation, when explaining.
    pub explain: Option<usize>,
    /// Article statements whose speaker attribution is less sure are left out.
    pub min_confidence: f64,
}

impl InMemory<'_> {
    /// How `stance serve` answers a request: an article or (with `jsonl`) JSON lines of
    /// articles, explained on the page (the JSON lines are predict's plain ones).
    pub(super) fn served(actors: &ActorList, jsonl: bool, format: OutputFormat) -> InMemory<'_> {
        InMemory {
            kind: if jsonl {
                InputKind::Jsonl
            } else {
                InputKind::Article
            },
            options: ReadOptions::default(),
            actors,
            format,
            explain: (format == OutputFormat::Html).then_some(DEFAULT_EXPLAIN_TERMS),
            min_confidence: 0.0,
        }
    }
}

impl PredictArgs {
    /// Reads the arguments as [`predict_in_memory`] takes them, with the actors of
    /// `--actors` (restricted to them with `--only-listed-actors`) in `actors`.
    pub fn in_memory<'a>(&self, actors: &'a mut ActorList) -> anyhow::Result<InMemory<'a>> {
        let options = self.read_options()?;
        *actors = self.actor_list()?;
        Ok(InMemory {
            kind: self.input,
            options,
            actors,
            format: self.format,
            explain: self.explain,
            min_confidence: self.min_confidence,
        })
    }

    /// How the inputs are read: the column flags, and rows keep their other columns to carry
    /// them to the output.
    fn read_options(&self) -> Result<ReadOptions, crate::Error> {
        Ok(ReadOptions {
            carry_other_columns: true,
            ..self.csv.read_options()?
        })
    }

    /// The actors of `--actors`, restricted to them with `--only-listed-actors`.
    fn actor_list(&self) -> anyhow::Result<ActorList> {
        let actors = match &self.actors {
            Some(path) => ActorList::from_file(path).map_err(crate::Error::from)?,
            None => ActorList::new(),
        };
        Ok(if self.only_listed_actors {
            actors.restricted()
        } else {
            actors
        })
    }
}

/// Scores one input held in memory, named `name`, and gives what `predict` writes for it: how
/// `stance serve` answers a request and how the Python package predicts. The inner `Err` is a
/// bad input (bad UTF-8, a malformed line or row), with its line and column; the outer one, a
/// failure to score or write.
pub fn predict_in_memory(
    model: &StanceModel,
    settings: &InMemory,
    name: &str,
    bytes: &[u8],
) -> anyhow::Result<Result<Vec<u8>, crate::Error>> {
    let options = &settings.options;
    let path = Path::new(name);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Err(crate::Error::NotText {
            path: path.to_path_buf(),
            problem: "the input is empty".into(),
        }));
    }
    let mut buffer = Vec::new();
    let mut predictor = Predictor {
        model,
        actors: settings.actors,
        options,
        kind: settings.kind,
        explain: settings.explain,
        chunk_rows: DEFAULT_CHUNK_ROWS,
        chunk_articles: DEFAULT_CHUNK_ARTICLES,
        output: Output::new(
            &mut buffer,
            model,
            settings.format,
            settings.min_confidence,
            settings.explain.is_some(),
        )?,
        progress: Progress::new(&[], false),
        articles: Vec::new(),
        failed: 0,
    };
    let streamed = match resolve_kind(settings.kind, path, bytes, options) {
        InputKind::Jsonl => predictor.stream_jsonl(path, bytes),
        InputKind::Rows => predictor.stream_rows(path, bytes),
        InputKind::Parquet => predictor.stream_parquet(path, bytes.to_vec()),
        _ => {
            match article_text(bytes, path, options) {
                Ok(text) => predictor.articles.push(Ok((name.to_string(), text))),
                Err(err) => return Ok(Err(err)),
            }
            predictor.flush_articles()?;
            Ok(())
        }
    };
    match streamed {
        Ok(()) => {}
        Err(Stop::Input(err)) => return Ok(Err(err)),
        Err(Stop::Output(err)) => return Err(err),
    }
    predictor.output.finish()?;
    if predictor.failed > 0 {
        anyhow::bail!("scoring {name} failed");
    }
    drop(predictor);
    Ok(Ok(buffer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_are_written_as_the_standard_formatting_writes_them() {
        let same = |p: f64| assert_eq!(probability_text(p), format!("{p:.4}"), "{p:e}");
        // Ties (exact halves of the last digit), their neighbours, the ends, and what the
        // fast path leaves to the standard one.
        for p in [
            0.0,
            -0.0,
            1.0,
            0.5,
            0.03125,
            0.96875,
            0.00005,
            0.99995,
            0.12345,
            1e-300,
            5e-5,
            0.4999999999,
            0.9999500000001,
            9999.99995,
            1e8,
            1e12,
            -0.25,
            f64::NAN,
            f64::INFINITY,
            f64::MIN_POSITIVE,
            f64::EPSILON,
        ] {
            same(p);
            same(f64::from_bits(p.to_bits() + 1));
            same(f64::from_bits(p.to_bits().saturating_sub(1)));
        }
        // Every dyadic tie k / 2^5 / 10^4 around the probabilities, and random values.
        for k in 0..=320_000u32 {
            same(f64::from(k) / 32.0 / 1e4);
        }
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..1_000_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            same((state >> 11) as f64 / (1u64 << 53) as f64);
            same(f64::from_bits(state >> 2));
        }
    }
}
