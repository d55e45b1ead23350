//! What is fuzzed: five readers and stages, each given one case's bytes, with the checks its
//! output must pass beyond not panicking.
//!
//! A case's first byte chooses its settings (delimiter, encoding, output format, actors,
//! explanations, …) and the rest is the input, so a saved case replays exactly.

use std::path::{Path, PathBuf};

use stance::article::{analyse, ActorList, Analysis};
use stance::cli::predict::{predict_in_memory, InMemory, InputKind, OutputFormat};
use stance::corpus::{read_bytes, ReadOptions, Schema, TextEncoding};
use stance::persist::{self, Metadata};
use stance::{Corpus, StanceModel, TrainParams, TrainSettings};

use crate::mutate::{self, Rng};

/// The parts of the project fuzzed, by the name `--target` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// The labelled-rows reader (`corpus::read_bytes`), then `predict` on the rows.
    Csv,
    /// The article stage (`article::analyse`), then `predict` on the article.
    Article,
    /// `predict` on JSON lines of articles.
    Jsonl,
    /// The actors-file parser (`ActorList::parse`), then the article stage with its list.
    Actors,
    /// The model folder's loader (`persist::load`), then `predict` with what it loaded.
    Model,
}

impl Target {
    /// Every target, in the order `--target all` takes them case by case.
    pub const ALL: [Target; 5] = [
        Target::Csv,
        Target::Article,
        Target::Jsonl,
        Target::Actors,
        Target::Model,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Csv => "csv",
            Target::Article => "article",
            Target::Jsonl => "jsonl",
            Target::Actors => "actors",
            Target::Model => "model",
        }
    }

    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// A check that failed: `what` is the same for every input that breaks it (it names the
/// failure when saving and counting), `details` says how this input broke it.
#[derive(Debug)]
pub struct Violation {
    pub what: &'static str,
    pub details: String,
}

fn violation(what: &'static str, details: impl Into<String>) -> Violation {
    Violation {
        what,
        details: details.into(),
    }
}

/// What a case ended in when it broke no check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The input was read (and scored).
    Accepted,
    /// The input was refused with an error.
    Refused,
}

/// Everything the targets share: seeds to mutate, a model trained once, the actors.
pub struct Context {
    /// A model trained at start on the labelled fixture, to score with.
    pub model: StanceModel,
    /// Actors of the seed articles.
    pub actors: ActorList,
    /// Names to insert into inputs.
    pub names: Vec<String>,
    /// The seed inputs of each target, without the settings byte.
    pub seeds: Vec<(Target, Vec<u8>)>,
    /// Short articles the actors and model targets analyse.
    pub articles: Vec<String>,
}

/// The project's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> Vec<u8> {
    let path = root().join(path);
    std::fs::read(&path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
}

impl Context {
    /// Trains the small model and gathers the seeds; takes a second or two.
    pub fn new() -> Context {
        let labelled = root().join("tests/fixtures/labelled.csv");
        let corpus = Corpus::read(&[labelled], &ReadOptions::default()).expect("fixture rows");
        let mut params = TrainParams::default();
        params.features.min_df = 1;
        params.features.vocab_min_frequency = 1;
        let (model, summary) = StanceModel::train(&corpus.rows, &params).expect("training");
        let folder = tempfile::tempdir().expect("temporary folder");
        let metadata = Metadata {
            crate_version: "fuzz".into(),
            files: corpus.files.clone(),
            settings: TrainSettings {
                params: params.clone(),
                ..TrainSettings::default()
            },
            summary,
            training_seconds: 0.0,
            tuning: None,
            held_out: None,
        };
        let dir = folder.path().join("model");
        persist::save(&dir, &model, &metadata).expect("saving the model");
        let archive = ModelArchive::read_folder(&dir).to_bytes();

        let actors_seed = read("tests/fuzz/seeds/actors.txt");
        let seed_actors = read("seeds/ice-nypd-mamdani.actors.txt");
        let actors = ActorList::parse(&String::from_utf8_lossy(&actors_seed), "actors.txt")
            .expect("the fuzz actors seed parses");
        let mut names: Vec<String> = Vec::new();
        for text in [&actors_seed, &seed_actors] {
            let list = ActorList::parse(&String::from_utf8_lossy(text), "seed").expect("seed");
            for actor in list.actors {
                names.extend(actor.aliases);
                names.push(actor.name);
            }
        }

        let article_paths = [
            "seeds/ice-nypd-mamdani.txt",
            "tests/fixtures/articles/harbor-council.txt",
            "tests/fixtures/polnear/articles/fx-harbour.txt",
            "tests/fixtures/polnear/articles/fx-school.txt",
            "tests/gold/basin-drought.txt",
            "tests/gold/harbor-bridge-tolls.txt",
            "tests/gold/school-board-novel.txt",
            "tests/gold/senate-debate.txt",
            "tests/gold/steel-plant-closure.txt",
        ];
        let articles: Vec<Vec<u8>> = article_paths.iter().map(|p| read(p)).collect();
        let mut seeds = Vec::new();
        for article in &articles {
            seeds.push((Target::Article, article.clone()));
        }
        let short: Vec<String> = articles
            .iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .filter(|a| a.len() < 1000)
            .collect();
        seeds.push((Target::Jsonl, read("tests/fuzz/seeds/articles.jsonl")));
        let mut lines = Vec::new();
        for (i, article) in articles.iter().enumerate() {
            let line = serde_json::json!({
                "id": format!("article-{i}"),
                "outlet": "Fuzz Times",
                "date": "2024-01-01",
                "text": String::from_utf8_lossy(article),
            });
            lines.extend(line.to_string().into_bytes());
            lines.push(b'\n');
            seeds.push((Target::Jsonl, line.to_string().into_bytes()));
        }
        seeds.push((Target::Jsonl, lines));
        seeds.push((Target::Csv, read("tests/fixtures/labelled.csv")));
        seeds.push((Target::Csv, read("tests/fuzz/seeds/rows.csv")));
        seeds.push((Target::Actors, actors_seed));
        seeds.push((Target::Actors, seed_actors));
        seeds.push((Target::Model, archive));
        Context {
            model,
            actors,
            names,
            seeds,
            articles: short,
        }
    }

    /// The bytes of case `case` of a run seeded with `seed` for `target`: a settings byte,
    /// then a seed mutated (one case in twenty is a seed as it is).
    pub fn generate(&self, target: Target, seed: u64, case: u64) -> Vec<u8> {
        let mut rng = Rng::for_case(seed, case);
        let settings = rng.byte();
        let own: Vec<Vec<u8>> = self
            .seeds
            .iter()
            .filter(|(t, _)| *t == target)
            .map(|(_, s)| s.clone())
            .collect();
        let mut payload = rng.pick(&own).clone();
        // Splice mostly from the target's own seeds, sometimes from any.
        let others: Vec<Vec<u8>> = if rng.one_in(4) {
            self.seeds.iter().map(|(_, s)| s.clone()).collect()
        } else {
            own
        };
        if !rng.one_in(20) {
            if target == Target::Model {
                let mut archive = ModelArchive::parse(&payload);
                archive.mutate(&mut rng, &self.names);
                payload = archive.to_bytes();
            } else {
                mutate::mutate(&mut payload, &mut rng, &self.names, &others);
            }
        }
        if target != Target::Model && rng.one_in(mutate::LARGE_ONE_IN) {
            payload = mutate::grow(&payload, &mut rng);
        }
        let mut input = Vec::with_capacity(payload.len() + 1);
        input.push(settings);
        input.extend(payload);
        input
    }

    /// Whether case `input` of `target` asks `predict` to explain its labels, the slowest
    /// path (a slow case says so, to tell it from others).
    pub fn explains(target: Target, input: &[u8]) -> bool {
        let settings = input.first().copied().unwrap_or(0);
        match target {
            Target::Article => settings & 0x24 == 0x24,
            Target::Jsonl => settings & 4 != 0,
            Target::Model => settings & 1 != 0,
            Target::Csv | Target::Actors => false,
        }
    }

    /// Runs one case; `scratch` is a folder of the calling thread's own.
    pub fn run(&self, target: Target, input: &[u8], scratch: &Path) -> Result<Outcome, Violation> {
        let (settings, payload) = match input.split_first() {
            Some((&s, rest)) => (s, rest),
            None => (0, &[][..]),
        };
        match target {
            Target::Csv => self.csv(settings, payload),
            Target::Article => self.article(settings, payload),
            Target::Jsonl => self.jsonl(settings, payload),
            Target::Actors => self.actors(settings, payload),
            Target::Model => self.model_folder(settings, payload, scratch),
        }
    }

    fn csv(&self, settings: u8, payload: &[u8]) -> Result<Outcome, Violation> {
        let mut schema = Schema::default();
        if settings & 0x10 != 0 {
            schema.mention = Some(("mention_start".into(), "mention_end".into()));
        }
        let options = ReadOptions {
            schema,
            delimiter: [b',', b';', b'\t', b','][usize::from(settings & 3)],
            encoding: [
                TextEncoding::Utf8,
                TextEncoding::Latin1,
                TextEncoding::Cp1252,
                TextEncoding::Utf8,
            ][usize::from((settings >> 2) & 3)],
            split: (settings & 0x20 != 0).then(|| "train".to_string()),
            ..ReadOptions::default()
        };
        let outcome = match read_bytes(payload, Path::new("fuzz.csv"), &options) {
            Ok(rows) => {
                for row in &rows {
                    if let Some((start, end)) = row.mention {
                        check_range("mention outside its text", &row.text, start, end)?;
                    }
                    let model_text = row.model_text();
                    if let Some((start, end)) = row.mention_in(&model_text) {
                        check_range("mention outside the model text", &model_text, start, end)?;
                    }
                }
                Outcome::Accepted
            }
            Err(_) => Outcome::Refused,
        };
        if settings & 0x40 != 0 {
            let format = if settings & 0x80 != 0 {
                OutputFormat::Csv
            } else {
                OutputFormat::Jsonl
            };
            let empty = ActorList::new();
            self.predict(
                InputKind::Rows,
                options,
                &empty,
                format,
                None,
                payload,
                None,
            )?;
        }
        Ok(outcome)
    }

    fn article(&self, settings: u8, payload: &[u8]) -> Result<Outcome, Violation> {
        let restricted;
        let empty = ActorList::new();
        let actors = match settings & 3 {
            0 => &empty,
            1 | 3 => &self.actors,
            _ => {
                restricted = self.actors.clone().restricted();
                &restricted
            }
        };
        let text = String::from_utf8_lossy(payload);
        if settings & 4 == 0 {
            check_analysis(&text, &analyse(&text, actors))?;
            return Ok(Outcome::Accepted);
        }
        let format = [
            OutputFormat::Jsonl,
            OutputFormat::Csv,
            OutputFormat::Table,
            OutputFormat::Html,
        ][usize::from((settings >> 3) & 3)];
        let explain = (settings & 0x20 != 0).then_some(3);
        let valid = std::str::from_utf8(payload).ok();
        let options = ReadOptions::default();
        let min_confidence = if settings & 0x40 != 0 { 0.5 } else { 0.0 };
        self.predict_with(
            &self.model,
            InputKind::Article,
            options,
            actors,
            format,
            explain,
            payload,
            valid,
            min_confidence,
        )
    }

    fn jsonl(&self, settings: u8, payload: &[u8]) -> Result<Outcome, Violation> {
        let format = if settings & 1 != 0 {
            OutputFormat::Csv
        } else {
            OutputFormat::Jsonl
        };
        let actors = if settings & 2 != 0 {
            &self.actors
        } else {
            &ActorList::new()
        };
        let explain = (settings & 4 != 0).then_some(2);
        let options = ReadOptions::default();
        self.predict(
            InputKind::Jsonl,
            options,
            actors,
            format,
            explain,
            payload,
            None,
        )
    }

    fn actors(&self, settings: u8, payload: &[u8]) -> Result<Outcome, Violation> {
        let text = String::from_utf8_lossy(payload);
        let Ok(list) = ActorList::parse(&text, "fuzz.actors") else {
            return Ok(Outcome::Refused);
        };
        for actor in &list.actors {
            for name in std::iter::once(&actor.name).chain(&actor.aliases) {
                if name.trim().is_empty() || name.trim() != name || name.contains('|') {
                    return Err(violation(
                        "an actor name is empty or untrimmed",
                        name.clone(),
                    ));
                }
            }
        }
        let list = if settings & 1 != 0 {
            list.restricted()
        } else {
            list
        };
        let article = &self.articles[usize::from(settings >> 2) % self.articles.len()];
        if settings & 2 == 0 {
            check_analysis(article, &analyse(article, &list))?;
        } else {
            let options = ReadOptions::default();
            let format = OutputFormat::Jsonl;
            let bytes = article.as_bytes();
            self.predict(
                InputKind::Article,
                options,
                &list,
                format,
                None,
                bytes,
                Some(article),
            )?;
        }
        Ok(Outcome::Accepted)
    }

    fn model_folder(
        &self,
        settings: u8,
        payload: &[u8],
        scratch: &Path,
    ) -> Result<Outcome, Violation> {
        let dir = scratch.join("model");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch model folder");
        for (name, bytes) in ModelArchive::parse(payload).files {
            std::fs::write(dir.join(name), bytes).expect("writing a model file");
        }
        let Ok(model) = persist::load(&dir) else {
            return Ok(Outcome::Refused);
        };
        let article = &self.articles[usize::from(settings >> 1) % self.articles.len()];
        let explain = (settings & 1 != 0).then_some(2);
        let options = ReadOptions::default();
        self.predict_with(
            &model,
            InputKind::Article,
            options.clone(),
            &self.actors,
            OutputFormat::Jsonl,
            explain,
            article.as_bytes(),
            Some(article),
            0.0,
        )?;
        let rows = read("tests/fuzz/seeds/rows.csv");
        let empty = ActorList::new();
        let format = OutputFormat::Jsonl;
        self.predict_with(
            &model,
            InputKind::Rows,
            options,
            &empty,
            format,
            explain,
            &rows,
            None,
            0.0,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn predict(
        &self,
        kind: InputKind,
        options: ReadOptions,
        actors: &ActorList,
        format: OutputFormat,
        explain: Option<usize>,
        payload: &[u8],
        text: Option<&str>,
    ) -> Result<Outcome, Violation> {
        let model = &self.model;
        self.predict_with(
            model, kind, options, actors, format, explain, payload, text, 0.0,
        )
    }

    /// `predict` on `payload` held in memory, and the checks of its output; `text` is the
    /// article when the input is one, to check the offsets against.
    #[allow(clippy::too_many_arguments)]
    fn predict_with(
        &self,
        model: &StanceModel,
        kind: InputKind,
        options: ReadOptions,
        actors: &ActorList,
        format: OutputFormat,
        explain: Option<usize>,
        payload: &[u8],
        text: Option<&str>,
        min_confidence: f64,
    ) -> Result<Outcome, Violation> {
        let settings = InMemory {
            kind,
            options,
            actors,
            format,
            explain,
            min_confidence,
        };
        let output = match predict_in_memory(model, &settings, "fuzz-input", payload) {
            Ok(Ok(output)) => output,
            Ok(Err(_)) => return Ok(Outcome::Refused),
            Err(err) => {
                return Err(violation(
                    "predict failed to score or write",
                    format!("{err:#}"),
                ))
            }
        };
        match format {
            OutputFormat::Jsonl => check_json_lines(&output, text)?,
            OutputFormat::Csv => check_csv(&output)?,
            _ => {}
        }
        Ok(Outcome::Accepted)
    }
}

/// `start..end` is a range of `text` on character boundaries.
fn check_range(what: &'static str, text: &str, start: usize, end: usize) -> Result<(), Violation> {
    if start > end || end > text.len() {
        return Err(violation(
            what,
            format!("{start}..{end} of a text of {} bytes", text.len()),
        ));
    }
    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return Err(violation(
            "an offset falls inside a character",
            format!("{what}: {start}..{end}"),
        ));
    }
    Ok(())
}

/// The article stage's promises: every span a range of the text on character boundaries, a
/// quote's text the text at its span, confidences between 0 and 1.
fn check_analysis(text: &str, analysis: &Analysis) -> Result<(), Violation> {
    for quote in &analysis.quotes {
        check_range(
            "a quote's span is outside the text",
            text,
            quote.span.start,
            quote.span.end,
        )?;
        check_range(
            "a quote's context is outside the text",
            text,
            quote.context.start,
            quote.context.end,
        )?;
        if quote.text != text[quote.span.start..quote.span.end] {
            return Err(violation(
                "a quote's text is not its span",
                quote.text.clone(),
            ));
        }
        if !(0.0..=1.0).contains(&quote.speaker_confidence) {
            return Err(violation(
                "a speaker confidence is outside 0..1",
                quote.speaker_confidence.to_string(),
            ));
        }
    }
    for actor in &analysis.actors {
        for mention in &actor.mentions {
            check_range(
                "a mention is outside the text",
                text,
                mention.start,
                mention.end,
            )?;
        }
    }
    Ok(())
}

/// `predict --format jsonl`'s promises: each line a JSON object, each head's probabilities
/// finite, between 0 and 1 and summing to 1, offsets a range of the article.
fn check_json_lines(output: &[u8], text: Option<&str>) -> Result<(), Violation> {
    let output = std::str::from_utf8(output)
        .map_err(|err| violation("predict's output is not UTF-8", err.to_string()))?;
    for line in output.lines() {
        let value: serde_json::Value = serde_json::from_str(line)
            .map_err(|err| violation("predict wrote a line that is not JSON", err.to_string()))?;
        for task in ["stance", "sentiment"] {
            let Some(probabilities) = value.get(format!("{task}_probabilities")) else {
                continue;
            };
            let Some(probabilities) = probabilities.as_object() else {
                return Err(violation("probabilities are not an object", line));
            };
            let mut sum = 0.0;
            for p in probabilities.values() {
                match p.as_f64() {
                    Some(p) if p.is_finite() && (0.0..=1.0).contains(&p) => sum += p,
                    _ => {
                        return Err(violation(
                            "a probability is not a finite number in 0..1",
                            format!("{task}: {p}"),
                        ))
                    }
                }
            }
            if (sum - 1.0).abs() > 1e-4 {
                return Err(violation(
                    "probabilities do not sum to 1",
                    format!("{task}: {sum}"),
                ));
            }
        }
        if let (Some(start), Some(end)) = (
            value.get("start").and_then(serde_json::Value::as_u64),
            value.get("end").and_then(serde_json::Value::as_u64),
        ) {
            let (start, end) = (start as usize, end as usize);
            match text {
                Some(text) => {
                    let quote = value.get("quote").and_then(serde_json::Value::as_str);
                    // The same quote three bytes on: offsets counted without the BOM.
                    let bom = "\u{feff}".len();
                    if text.starts_with('\u{feff}')
                        && quote.is_some()
                        && quote == text.get(start + bom..end + bom)
                    {
                        return Err(violation(
                            "predict's offsets leave out the byte-order mark",
                            format!("{start}..{end}: {quote:?}"),
                        ));
                    }
                    check_range("predict's offsets are outside the text", text, start, end)?;
                    if quote != Some(&text[start..end]) {
                        return Err(violation(
                            "predict's quote is not the text at its offsets",
                            format!("{start}..{end}: {quote:?}"),
                        ));
                    }
                }
                None if start > end => {
                    return Err(violation("predict's offsets are reversed", line));
                }
                None => {}
            }
        }
    }
    Ok(())
}

/// `predict --format csv`'s promise: a header and records of its width.
fn check_csv(output: &[u8]) -> Result<(), Violation> {
    let mut reader = csv::ReaderBuilder::new().from_reader(output);
    for record in reader.records() {
        record
            .map_err(|err| violation("predict wrote CSV that does not parse", err.to_string()))?;
    }
    Ok(())
}

/// A model folder in one input: a magic line, then for each file its name and length on a
/// line and its bytes. Only the folder's own file names are written out, so a mutated name
/// cannot write elsewhere.
pub struct ModelArchive {
    pub files: Vec<(&'static str, Vec<u8>)>,
}

const ARCHIVE_MAGIC: &[u8] = b"stance-fuzz-model\n";
const MODEL_FILES: [&str; 4] = [
    "model.json",
    "weights.safetensors",
    "tokenizer.json",
    "metadata.json",
];

impl ModelArchive {
    fn read_folder(dir: &Path) -> ModelArchive {
        let files = MODEL_FILES
            .iter()
            .filter(|name| **name != "metadata.json")
            .map(|name| (*name, std::fs::read(dir.join(name)).expect("model file")))
            .collect();
        ModelArchive { files }
    }

    /// The files of an archive, as many as are whole.
    pub fn parse(bytes: &[u8]) -> ModelArchive {
        let mut files = Vec::new();
        let mut rest = bytes.strip_prefix(ARCHIVE_MAGIC).unwrap_or_default();
        while let Some(newline) = rest.iter().position(|&b| b == b'\n') {
            let header = String::from_utf8_lossy(&rest[..newline]);
            let mut parts = header.split(' ');
            let (Some(name), Some(len)) = (parts.next(), parts.next()) else {
                break;
            };
            let Some(name) = MODEL_FILES.into_iter().find(|n| *n == name) else {
                break;
            };
            let Ok(len) = len.parse::<usize>() else {
                break;
            };
            let body = &rest[newline + 1..];
            if body.len() < len {
                break;
            }
            files.push((name, body[..len].to_vec()));
            rest = &body[len..];
        }
        ModelArchive { files }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = ARCHIVE_MAGIC.to_vec();
        for (name, body) in &self.files {
            bytes.extend(format!("{name} {}\n", body.len()).into_bytes());
            bytes.extend(body);
        }
        bytes
    }

    /// Mutates one file (`model.json` most often), or drops one now and then.
    fn mutate(&mut self, rng: &mut Rng, names: &[String]) {
        if self.files.is_empty() {
            return;
        }
        if rng.one_in(30) {
            let i = rng.below(self.files.len());
            self.files.remove(i);
            return;
        }
        let i = match rng.below(10) {
            0..=4 => 0,
            5..=7 => 1,
            _ => 2,
        }
        .min(self.files.len() - 1);
        let others: Vec<Vec<u8>> = self.files.iter().map(|(_, b)| b.clone()).collect();
        mutate::mutate(&mut self.files[i].1, rng, names, &others);
    }
}
