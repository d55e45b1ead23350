//! `stance predict`: label new rows or articles.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::json;

use stance::corpus::{read_bytes, Row};
use stance::eval::report::truncate;
use stance::features::Example;
use stance::model::Prediction;
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

/// One labelled (statement, actor) pair, ready to write.
#[derive(Debug, Clone)]
pub struct Labelled {
    /// The article or file it came from.
    pub article: String,
    /// Quote number in the article, or the row's id (or line).
    pub quote_id: String,
    /// Byte offsets of the quote in the article, where known.
    pub span: Option<(usize, usize)>,
    /// The speaker, where known.
    pub speaker: Option<String>,
    /// Confidence of the speaker attribution, where known.
    pub speaker_confidence: Option<f64>,
    /// The actor.
    pub actor: String,
    /// The quote or row text.
    pub quote: String,
    /// Its context.
    pub context: Option<String>,
    /// One prediction per head of the model.
    pub predictions: Vec<Prediction>,
}

/// Runs `stance predict`.
pub fn run(args: PredictArgs) -> anyhow::Result<ExitCode> {
    let options = args.csv.read_options()?;
    let model = persist::load(&args.model.model)?;
    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.inputs.clone()
    };
    let mut labelled = Vec::new();
    let mut failed = 0;
    for input in &inputs {
        let result = read_input(input).and_then(|bytes| {
            let rows = read_bytes(&bytes, input, &options)?;
            label_rows(&model, input, &rows)
        });
        match result {
            Ok(rows) => labelled.extend(rows),
            Err(err) => {
                failed += 1;
                eprintln!("stance: error: {err}");
            }
        }
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    write_output(&mut out, &model, &labelled, args.format)?;
    out.flush()?;
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn read_input(path: &Path) -> Result<Vec<u8>, stance::Error> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|err| stance::Error::io("<stdin>", err))?;
        Ok(bytes)
    } else {
        std::fs::read(path).map_err(|err| stance::Error::io(path, err))
    }
}

fn label_rows(
    model: &StanceModel,
    path: &Path,
    rows: &[Row],
) -> Result<Vec<Labelled>, stance::Error> {
    let texts: Vec<String> = rows.iter().map(Row::model_text).collect();
    let examples: Vec<Example> = rows
        .iter()
        .zip(&texts)
        .map(|(row, text)| Example {
            text,
            actor: &row.actor,
            other_actors: &[],
        })
        .collect();
    let mut predictions = model.predict(&examples)?;
    let file = path.display().to_string();
    Ok(rows
        .iter()
        .enumerate()
        .map(|(i, row)| Labelled {
            article: row.article.clone().unwrap_or_else(|| file.clone()),
            quote_id: row.id.clone().unwrap_or_else(|| row.line.to_string()),
            span: None,
            speaker: row.speaker.clone(),
            speaker_confidence: None,
            actor: row.actor.clone(),
            quote: row.text.clone(),
            context: row.context.clone(),
            predictions: predictions
                .iter_mut()
                .map(|head| std::mem::replace(&mut head[i], empty_prediction()))
                .collect(),
        })
        .collect())
}

fn empty_prediction() -> Prediction {
    Prediction {
        class: 0,
        probabilities: Vec::new(),
    }
}

/// The label and its probability of head `h` for a row, or blanks if the model has no such head.
fn label_of<'m>(
    model: &'m StanceModel,
    row: &Labelled,
    task: stance::Task,
) -> Option<(&'m str, f64)> {
    let h = model.heads.iter().position(|head| head.task == task)?;
    let prediction = row.predictions.get(h)?;
    let label = model.heads[h].labels.get(prediction.class)?;
    Some((
        label,
        prediction
            .probabilities
            .get(prediction.class)
            .copied()
            .unwrap_or(0.0),
    ))
}

fn write_output(
    out: &mut impl Write,
    model: &StanceModel,
    rows: &[Labelled],
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
                let (stance, stance_p) = label_of(model, row, Stance).unzip();
                let (sentiment, sentiment_p) = label_of(model, row, Sentiment).unzip();
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
                "{:<4} {:<14} {:<14} {:<13} {:<12} quote",
                "id", "speaker", "actor", "stance", "sentiment"
            )?;
            for row in rows {
                let cell = |label: Option<(&str, f64)>| {
                    label.map_or("-".to_string(), |(l, p)| {
                        format!("{} {:.0}%", truncate(l, 7), 100.0 * p)
                    })
                };
                writeln!(
                    out,
                    "{:<4} {:<14} {:<14} {:<13} {:<12} {}",
                    truncate(&row.quote_id, 4),
                    truncate(row.speaker.as_deref().unwrap_or("-"), 14),
                    truncate(&row.actor, 14),
                    cell(label_of(model, row, Stance)),
                    cell(label_of(model, row, Sentiment)),
                    truncate(&row.quote, 16)
                )?;
            }
        }
    }
    Ok(())
}
