//! `stance predict`: label new rows or articles.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::json;

use serde::Deserialize;

use stance::article::ActorList;
use stance::corpus::{decode_utf8, read_bytes, ReadOptions};
use stance::eval::report::truncate;
use stance::score::{score_article, score_rows, Scored};
use stance::{persist, StanceModel};

use super::{CsvArgs, ModelArg};

/// Label new rows or articles.
#[derive(Debug, Clone, Args)]
pub struct PredictArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// Input files; `-` (or nothing) reads standard input.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub csv: CsvArgs,
    /// What the inputs hold.
    #[arg(long, value_enum, default_value_t = InputKind::Auto)]
    pub input: InputKind,
    /// Actors file: one actor per line, `Canonical Name = alias | alias`; adds and merges
    /// actors found in articles.
    #[arg(long, value_name = "FILE")]
    pub actors: Option<PathBuf>,
    /// Drop article statements whose speaker attribution is less sure than this (0-1).
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub min_confidence: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Csv)]
    pub format: OutputFormat,
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
}

/// What kind of input a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputKind {
    /// From the extension: .csv/.tsv rows, .jsonl articles, .md articles; .txt, stdin and
    /// others are rows if their first line is a header naming the text and actor columns,
    /// else an article.
    Auto,
    /// Plain-text news articles.
    Article,
    /// Labelled-CSV-shaped rows (text and actor columns).
    Rows,
    /// JSON lines, one article per line: {"id": …, "text": …}.
    Jsonl,
}

/// Runs `stance predict`.
pub fn run(args: PredictArgs) -> anyhow::Result<ExitCode> {
    let options = args.csv.read_options()?;
    let actors = match &args.actors {
        Some(path) => ActorList::from_file(path).map_err(stance::Error::from)?,
        None => ActorList::new(),
    };
    let model = persist::load(&args.model.model)?;
    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.inputs.clone()
    };
    let mut scored = Vec::new();
    let mut failed = 0;
    for input in expand_folders(&inputs, &mut failed) {
        let result = read_input(&input).and_then(|bytes| {
            let kind = resolve_kind(args.input, &input, &bytes, &options);
            match kind {
                InputKind::Rows | InputKind::Auto => {
                    let rows = read_bytes(&bytes, &input, &options)?;
                    score_rows(&model, &input.display().to_string(), &rows)
                }
                InputKind::Article => {
                    let text = article_text(&bytes, &input, &options)?;
                    score_article(&model, &input.display().to_string(), &text, &actors)
                }
                InputKind::Jsonl => score_jsonl(&model, &bytes, &input, &actors),
            }
        });
        match result {
            Ok(rows) => scored.extend(rows),
            Err(err) => {
                failed += 1;
                eprintln!("stance: error: {err}");
            }
        }
    }
    scored.retain(|s| {
        s.speaker_confidence
            .is_none_or(|c| c >= args.min_confidence)
    });
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    write_output(&mut out, &model, &scored, args.format)?;
    out.flush()?;
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Replaces each folder by the `.txt` and `.md` files inside it, sorted; an unreadable folder
/// is reported and counted as failed.
fn expand_folders(inputs: &[PathBuf], failed: &mut usize) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            files.push(input.clone());
            continue;
        }
        match std::fs::read_dir(input) {
            Ok(entries) => {
                let mut found: Vec<PathBuf> = entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.path())
                    .filter(|path| path.is_file() && has_extension(path, &["txt", "md"]))
                    .collect();
                found.sort();
                files.extend(found);
            }
            Err(err) => {
                *failed += 1;
                eprintln!("stance: error: {}", stance::Error::io(input, err));
            }
        }
    }
    files
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

fn read_input(path: &Path) -> Result<Vec<u8>, stance::Error> {
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|err| stance::Error::io("<stdin>", err))?;
        bytes
    } else {
        std::fs::read(path).map_err(|err| stance::Error::io(path, err))?
    };
    let not_text = |problem: &str| stance::Error::NotText {
        path: path.to_path_buf(),
        problem: problem.into(),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(not_text("the input is empty"));
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(not_text("a binary file (it holds NUL bytes), not text"));
    }
    Ok(bytes)
}

/// Decodes an article with `--encoding`.
fn article_text(bytes: &[u8], path: &Path, options: &ReadOptions) -> Result<String, stance::Error> {
    Ok(options.encoding.decode(bytes, path)?.into_owned())
}

/// One article per line: `{"id": …, "text": …}`.
#[derive(Debug, Deserialize)]
struct JsonArticle {
    id: Option<serde_json::Value>,
    text: String,
}

fn score_jsonl(
    model: &StanceModel,
    bytes: &[u8],
    path: &Path,
    actors: &ActorList,
) -> Result<Vec<Scored>, stance::Error> {
    let text = decode_utf8(bytes, path)?;
    let mut scored = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line_number = number + 1;
        if line.trim().is_empty() {
            continue;
        }
        let article: JsonArticle =
            serde_json::from_str(line).map_err(|err| stance::Error::Csv {
                path: path.to_path_buf(),
                line: line_number as u64,
                message: format!(
                    "column {}: expected an object {{\"id\": …, \"text\": …}}: {err}",
                    err.column()
                ),
            })?;
        let name = match article.id {
            Some(serde_json::Value::String(id)) => id,
            Some(id) => id.to_string(),
            None => format!("{}:{line_number}", path.display()),
        };
        scored.extend(score_article(model, &name, &article.text, actors)?);
    }
    Ok(scored)
}

fn write_output(
    out: &mut impl Write,
    model: &StanceModel,
    rows: &[Scored],
    format: OutputFormat,
) -> anyhow::Result<()> {
    use stance::Task::{Sentiment, Stance};
    match format {
        OutputFormat::Csv => {
            let mut writer = csv::Writer::from_writer(out);
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
            writer.write_record(&header)?;
            for row in rows {
                let (stance, stance_p) = row.label(model, Stance).unzip();
                let (sentiment, sentiment_p) = row.label(model, Sentiment).unzip();
                let mut record = vec![
                    row.article.clone(),
                    row.quote_id.clone(),
                    row.span.map(|s| s.0.to_string()).unwrap_or_default(),
                    row.span.map(|s| s.1.to_string()).unwrap_or_default(),
                    row.speaker.clone().unwrap_or_default(),
                    row.speaker_confidence
                        .map(|c| format!("{c:.2}"))
                        .unwrap_or_default(),
                    row.actor.clone(),
                    stance.unwrap_or_default().to_string(),
                    stance_p.map(|p| format!("{p:.4}")).unwrap_or_default(),
                    sentiment.unwrap_or_default().to_string(),
                    sentiment_p.map(|p| format!("{p:.4}")).unwrap_or_default(),
                    row.quote.clone(),
                    row.context.clone().unwrap_or_default(),
                ];
                for prediction in &row.predictions {
                    record.extend(prediction.probabilities.iter().map(|p| format!("{p:.4}")));
                }
                writer.write_record(&record)?;
            }
            writer.flush()?;
        }
        OutputFormat::Jsonl => {
            for row in rows {
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
                    let name = head.task.name();
                    let probabilities: serde_json::Map<String, serde_json::Value> = head
                        .labels
                        .iter()
                        .zip(&prediction.probabilities)
                        .map(|(l, &p)| (l.clone(), json!(p)))
                        .collect();
                    object[name] = json!(head.labels[prediction.class]);
                    object[format!("{name}_probability")] =
                        json!(prediction.probabilities[prediction.class]);
                    object[format!("{name}_probabilities")] = json!(probabilities);
                }
                writeln!(out, "{object}")?;
            }
        }
        OutputFormat::Table => {
            writeln!(
                out,
                "{:<4} {:<14} {:<14} {:<13} {:<13} quote",
                "id", "speaker", "actor", "stance", "sentiment"
            )?;
            for row in rows {
                let cell = |label: Option<(&str, f64)>| {
                    label.map_or("-".to_string(), |(l, p)| {
                        format!("{} {:.0}%", truncate(l, 8), 100.0 * p)
                    })
                };
                writeln!(
                    out,
                    "{:<4} {:<14} {:<14} {:<13} {:<13} {}",
                    truncate(&row.quote_id, 4),
                    truncate(row.speaker.as_deref().unwrap_or("-"), 14),
                    truncate(&row.actor, 14),
                    cell(row.label(model, Stance)),
                    cell(row.label(model, Sentiment)),
                    truncate(&row.quote, 15)
                )?;
            }
        }
    }
    Ok(())
}
