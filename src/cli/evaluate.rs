//! `stance evaluate`: a model's accuracy on labelled CSV, or the article stage's extraction
//! quality on gold annotations.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};

use crate::article::{analyse, ActorList};
use crate::eval::bootstrap::{DEFAULT_RESAMPLES, DEFAULT_SEED};
use crate::eval::extraction::{
    evaluate_extraction, mistakes_by_article, Mistake, MISTAKES_PER_LIST,
};
use crate::eval::gold::{load_dir, GoldArticle};
use crate::eval::{
    compare, explain_mistakes, score, Bootstrap, Comparison, DEFAULT_MISTAKES, EXPLANATION_TERMS,
};
use crate::{html, persist, Corpus, Error, EvalReport, Param};
use serde::Serialize;

use super::{CsvArgs, ModelSource};

/// Measure a model on labelled CSV, or quote extraction on gold annotations.
#[derive(Debug, Clone, Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub(crate) model: ModelSource,
    /// Labelled files to score; rows of all files are pooled.
    #[arg(long, num_args = 1.., value_name = "FILE", required_unless_present = "extraction")]
    pub(crate) data: Vec<PathBuf>,
    /// Instead of the model, score quote, speaker and actor extraction against gold
    /// annotations: folders of `*.gold.json` files or single gold files, in the project's
    /// format or PolNeAR's (article beside the gold file or in `../articles/`).
    #[arg(long, num_args = 1.., value_name = "GOLD", conflicts_with = "data")]
    pub(crate) extraction: Vec<PathBuf>,
    /// Actors file for --extraction (see `stance predict --help`).
    #[arg(long, value_name = "FILE", requires = "extraction")]
    pub(crate) actors: Option<PathBuf>,
    /// With --extraction, write the missed, spurious and wrong-speaker cases of the `all` view
    /// to FILE as JSON lines (the shape of `score_quotes.py score --errors`).
    #[arg(long, value_name = "FILE", requires = "extraction")]
    pub(crate) errors: Option<PathBuf>,
    /// With --extraction, write every statement found to FILE as JSON lines (article,
    /// quote_id, start, end in bytes, speaker, quote), for other scorers.
    #[arg(long, value_name = "FILE", requires = "extraction")]
    pub(crate) predictions: Option<PathBuf>,
    /// Bootstrap resamples behind the 95% interval of every figure: statements are drawn with
    /// replacement (the rows of one statement together) and the predictions rescored, never
    /// the model rerun. 0 leaves the intervals out.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_RESAMPLES, conflicts_with = "extraction")]
    pub(crate) bootstrap: usize,
    /// Seed of the bootstrap draws: the same seed, rows and model give the same intervals.
    #[arg(long, value_name = "SEED", default_value_t = DEFAULT_SEED, conflicts_with = "extraction")]
    pub(crate) seed: u64,
    /// Also score the model folder OTHER_MODEL on the same rows and report, for each headline
    /// figure, the difference (--model minus OTHER_MODEL) with its paired bootstrap interval
    /// and the share of resamples where it is 0 or less.
    #[arg(long, value_name = "OTHER_MODEL", conflicts_with = "extraction")]
    pub(crate) compare: Option<PathBuf>,
    /// Also write a self-contained HTML page to FILE (atomically): the figures, with the
    /// confusion matrices as heat maps, bars per label and actor, reliability diagrams and the
    /// most confident mistakes; with --extraction, the missed, spurious and wrong-speaker
    /// statements of each article.
    #[arg(long, value_name = "FILE")]
    pub(crate) report: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) csv: CsvArgs,
    /// Output: a readable table, or JSON with fractions in 0..1.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub(crate) format: ReportFormat,
}

/// `--format` values of `evaluate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// Text for a terminal.
    Table,
    /// One JSON object.
    Json,
}

/// Runs `stance evaluate`.
pub(crate) fn run(args: EvaluateArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    // A page that cannot be written is said before the work, not after it.
    if let Some(path) = &args.report {
        persist::output_folder(path).context("--report")?;
    }
    if !args.extraction.is_empty() {
        return run_extraction(&args, out);
    }
    let options = args.csv.read_options()?;
    let bootstrap = match (args.bootstrap, &args.compare) {
        (0, None) => None,
        (0, Some(_)) => {
            return Err(Error::InvalidValue {
                param: Param::Bootstrap,
                value: "0".into(),
                expected: "at least 1 resample with --compare, which needs the paired draws".into(),
            }
            .into())
        }
        (resamples, _) => Some(Bootstrap::new(resamples, args.seed)?),
    };
    let (model_dir, model_note) = args.model.resolve();
    let model = persist::load(&model_dir)?;
    if let Some(note) = model_note {
        eprintln!("{note}");
    }
    let other = match &args.compare {
        Some(dir) => Some((
            dir.display().to_string(),
            persist::load(dir).context("--compare: cannot load the other model")?,
        )),
        None => None,
    };
    for dir in std::iter::once(&model_dir).chain(&args.compare) {
        if let Some(note) = args.csv.mention_note(dir) {
            eprintln!("{note}");
        }
    }
    let corpus = Corpus::read(&args.data, &options)?;
    corpus.require_labels(&options.schema)?;
    let scored = score(&model, &corpus.rows)?;
    let report = scored.report(bootstrap.as_ref());
    let comparison = match (&other, &bootstrap) {
        (Some((name, other)), Some(bootstrap)) => {
            Some(compare(&scored, other, bootstrap).with_context(|| format!("--compare {name}"))?)
        }
        _ => None,
    };
    let names = (
        model_dir.display().to_string(),
        other.map(|(name, _)| name).unwrap_or_default(),
    );
    if let Some(path) = &args.report {
        let data: Vec<String> = args.data.iter().map(|p| p.display().to_string()).collect();
        let title = format!("stance evaluate: {} on {}", names.0, data.join(", "));
        let mut details = scored.details(DEFAULT_MISTAKES);
        explain_mistakes(&mut details, &model, &corpus.rows, EXPLANATION_TERMS)?;
        let page = html::evaluation_page(&title, &report, &details);
        persist::write_file(path, |out| out.write_all(page.as_bytes())).context("--report")?;
    }
    let text = match args.format {
        ReportFormat::Table => {
            let mut text = report.to_table();
            if let Some(comparison) = &comparison {
                text.push('\n');
                text.push_str(&comparison.to_table(&names.0, &names.1));
            }
            text
        }
        ReportFormat::Json => {
            let json = ReportJson {
                report: &report,
                comparison: comparison.as_ref().map(|comparison| ComparisonJson {
                    model: &names.0,
                    other: &names.1,
                    comparison,
                }),
            };
            serde_json::to_string_pretty(&json)? + "\n"
        }
    };
    write_out(&text, out)
}

/// The JSON of `evaluate --data`: the report, and with `--compare` the comparison under
/// `"comparison"`.
#[derive(Serialize)]
struct ReportJson<'a> {
    #[serde(flatten)]
    report: &'a EvalReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<ComparisonJson<'a>>,
}

/// The comparison with the two model folders named.
#[derive(Serialize)]
struct ComparisonJson<'a> {
    model: &'a str,
    other: &'a str,
    #[serde(flatten)]
    comparison: &'a Comparison,
}

/// Writes a report; a closed pipe surfaces as an error `main` treats as a clean exit.
fn write_out(text: &str, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn run_extraction(args: &EvaluateArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
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
    if let Some(path) = &args.report {
        let gold: Vec<String> = args
            .extraction
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let title = format!("stance evaluate: extraction on {}", gold.join(", "));
        let by_article = mistakes_by_article(&mistakes, MISTAKES_PER_LIST);
        let page = html::extraction_page(&title, &report, &by_article);
        persist::write_file(path, |out| out.write_all(page.as_bytes())).context("--report")?;
    }
    let text = match args.format {
        ReportFormat::Table => report.to_table(),
        ReportFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
    };
    write_out(&text, out)
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
