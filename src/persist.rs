//! The model folder: `tokenizer.json`, `model.json`, `weights.safetensors` and
//! `metadata.json`.
//!
//! `model.json` carries a format name and version that are checked before anything else is
//! read, and everything about the model a person may want to read (settings, labels, actors,
//! temperatures); the numbers (feature terms, IDF, weights) are in `weights.safetensors`, the
//! binary format the Hugging Face ecosystem keeps beside `tokenizer.json`, which loads in
//! milliseconds where parsing them from JSON took a second. Folders of format 1 and 2, with
//! everything in `model.json`, still load as they are (`stance upgrade-model` rewrites one in
//! this format). `tokenizer.json`, `model.json` and `weights.safetensors` depend only on the
//! training data and flags, so the same inputs give the same bytes; `metadata.json` records
//! the run (file hashes, flags, time). A folder is written beside its destination and renamed into place, so a failed or
//! interrupted save leaves the previous model as it was. Other files the tool writes (pages,
//! summaries) are written the same way, one file at a time ([`write_file`]).

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::corpus::{SourceFile, Task};
use crate::error::Error;
use crate::eval::Tuning;
use crate::features::{FeatureParams, FeatureSpace};
use crate::model::{Head, LinearModel, StanceModel, TrainSummary};
use crate::text::TextPipeline;

/// The format name in every `model.json`.
pub const FORMAT: &str = "stance-model";
/// The version of `model.json` this build writes. Version 2 added the feature setting
/// `kind_norm`, which changes every row's weights: a build that reads only version 1 must
/// refuse such a model rather than ignore it. Version 3 moved the feature terms, IDF and
/// weights to `weights.safetensors`.
pub const FORMAT_VERSION: u32 = 3;
/// The last version that kept everything in `model.json`.
const LAST_JSON_FORMAT_VERSION: u32 = 2;
/// The oldest version this build reads: a version 1 file has no `kind_norm` and loads with it
/// off, which is how it was trained.
pub const OLDEST_FORMAT_VERSION: u32 = 1;

const TOKENIZER_FILE: &str = "tokenizer.json";
const MODEL_FILE: &str = "model.json";
const METADATA_FILE: &str = "metadata.json";
const WEIGHTS_FILE: &str = "weights.safetensors";

/// What `model.json` held up to format 2: everything.
#[derive(Deserialize)]
struct JsonModelFile {
    features: FeatureSpace,
    heads: Vec<Head>,
}

/// What `model.json` holds: all but the numbers, which are in `weights.safetensors`.
#[derive(Serialize, Deserialize)]
struct ModelFile {
    format: String,
    format_version: u32,
    features: FeaturesEntry,
    heads: Vec<HeadEntry>,
}

/// The feature space without its terms and IDF.
#[derive(Serialize, Deserialize)]
struct FeaturesEntry {
    params: FeatureParams,
    /// How many feature columns (terms) there are.
    columns: usize,
    actors: Vec<String>,
}

/// A head without its weights; tensor `head.{h}.shared.*` holds the shared model's, and
/// `head.{h}.actor.{i}.*` those of the `i`-th actor of `per_actor` in name order.
#[derive(Serialize, Deserialize)]
struct HeadEntry {
    task: Task,
    labels: Vec<String>,
    label_counts: Vec<usize>,
    temperature: f64,
    shared: FitEntry,
    per_actor: BTreeMap<String, FitEntry>,
}

/// How the solver ended for one model.
#[derive(Serialize, Deserialize)]
struct FitEntry {
    iterations: u64,
    converged: bool,
}

impl FitEntry {
    fn of(model: &LinearModel) -> Self {
        FitEntry {
            iterations: model.iterations,
            converged: model.converged,
        }
    }
}

/// Only the header of `model.json`, read first so an old file gets a version error rather than
/// a parse error.
#[derive(Deserialize)]
struct ModelHeader {
    format: Option<String>,
    format_version: Option<u32>,
}

/// How a model was made: written to `metadata.json`, not needed to predict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// The `stance` version that trained it.
    pub crate_version: String,
    /// Training files with their SHA-256.
    pub files: Vec<SourceFile>,
    /// Every training setting, by flag name.
    pub flags: serde_json::Value,
    /// What training did.
    pub summary: TrainSummary,
    /// Wall-clock seconds spent training.
    pub training_seconds: f64,
    /// With `train --cv`: the settings cross-validation tried, their scores and the choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tuning: Option<Tuning>,
}

/// Writes the model folder atomically.
pub fn save(dir: &Path, model: &StanceModel, metadata: &Metadata) -> Result<(), Error> {
    let staging = staging_dir(dir)?;
    write_model(staging.path(), model)?;
    write_json(&staging.path().join(METADATA_FILE), metadata)?;
    replace_dir(staging.keep(), dir)
}

/// Writes `tokenizer.json`, `model.json` and `weights.safetensors` into `dir`.
fn write_model(dir: &Path, model: &StanceModel) -> Result<(), Error> {
    model.text.save(&dir.join(TOKENIZER_FILE))?;
    let features = &model.features;
    let file = ModelFile {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        features: FeaturesEntry {
            params: features.params.clone(),
            columns: features.len(),
            actors: features.actors().to_vec(),
        },
        heads: model
            .heads
            .iter()
            .map(|head| HeadEntry {
                task: head.task,
                labels: head.labels.clone(),
                label_counts: head.label_counts.clone(),
                temperature: head.temperature,
                shared: FitEntry::of(&head.shared),
                per_actor: head
                    .per_actor
                    .iter()
                    .map(|(actor, model)| (actor.clone(), FitEntry::of(model)))
                    .collect(),
            })
            .collect(),
    };
    write_json(&dir.join(MODEL_FILE), &file)?;
    let path = dir.join(WEIGHTS_FILE);
    let bytes = weights::write(model).map_err(|message| Error::Model {
        message: format!("cannot write {}: {message}", path.display()),
    })?;
    fs::write(&path, bytes).map_err(|err| Error::io(&path, err))
}

/// Rewrites the model folder `dir`, of any format this build reads, in the format it writes,
/// atomically; `metadata.json` is kept as it is.
pub fn upgrade(dir: &Path) -> Result<(), Error> {
    let model = load(dir)?;
    let metadata = fs::read(dir.join(METADATA_FILE)).ok();
    let staging = staging_dir(dir)?;
    write_model(staging.path(), &model)?;
    if let Some(bytes) = metadata {
        let path = staging.path().join(METADATA_FILE);
        fs::write(&path, bytes).map_err(|err| Error::io(&path, err))?;
    }
    replace_dir(staging.keep(), dir)
}

/// An empty folder beside the model folder `dir` (created with its parents if need be), where
/// a new model is written before it takes `dir`'s place.
fn staging_dir(dir: &Path) -> Result<tempfile::TempDir, Error> {
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|err| Error::io(&parent, err))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model".into());
    tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(&parent)
        .map_err(|err| Error::io(&parent, err))
}

/// Moves `new` to `dir`, replacing what was there only once `new` is complete.
fn replace_dir(new: PathBuf, dir: &Path) -> Result<(), Error> {
    if !dir.exists() {
        return fs::rename(&new, dir).map_err(|err| Error::io(dir, err));
    }
    let old = new.with_extension("old");
    fs::rename(dir, &old).map_err(|err| Error::io(dir, err))?;
    if let Err(err) = fs::rename(&new, dir) {
        // Put the previous model back before reporting.
        let _ = fs::rename(&old, dir);
        return Err(Error::io(dir, err));
    }
    fs::remove_dir_all(&old).map_err(|err| Error::io(&old, err))
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), Error> {
    let mut bytes = serde_json::to_vec(value).map_err(|err| Error::Model {
        message: format!("cannot serialise {}: {err}", path.display()),
    })?;
    bytes.push(b'\n');
    fs::write(path, bytes).map_err(|err| Error::io(path, err))
}

/// The folder an output file `path` will be written in, checked before any work: it must
/// exist, and `path` must name a file.
pub fn output_folder(path: &Path) -> Result<PathBuf, Error> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if path.file_name().is_none() || path.is_dir() {
        return Err(Error::io(
            path,
            io::Error::new(io::ErrorKind::InvalidInput, "not a file name"),
        ));
    }
    if !folder.is_dir() {
        return Err(Error::io(
            path,
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("cannot write it: no folder {}", folder.display()),
            ),
        ));
    }
    Ok(folder)
}

/// Writes `path` atomically with `write`: to a temporary file in the same folder, renamed over
/// `path` once complete, so a reader never sees half a file and a failure leaves the old one
/// (or nothing) behind. The file is readable as the umask allows, like any other.
pub fn write_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Error> {
    let folder = output_folder(path)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".stance-").suffix(".tmp");
    // A temporary file is private (0600) unless told otherwise.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let temporary = builder
        .tempfile_in(&folder)
        .map_err(|err| Error::io(&folder, err))?;
    let mut out = io::BufWriter::new(temporary);
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(|err| Error::io(path, err))?;
    let temporary = out
        .into_inner()
        .map_err(|err| Error::io(path, err.into_error()))?;
    temporary
        .persist(path)
        .map_err(|err| Error::io(path, err.error))?;
    Ok(())
}

/// Loads the model folder written by [`save`].
pub fn load(dir: &Path) -> Result<StanceModel, Error> {
    if !dir.is_dir() {
        return Err(Error::io(
            dir,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no model folder here; train one with `stance train --model DIR`, or point \
                 --model at the shipped model, `models/default` in the stance repository",
            ),
        ));
    }
    let path = dir.join(MODEL_FILE);
    let bytes = fs::read(&path).map_err(|err| Error::io(&path, err))?;
    let corrupt = |message: String| Error::CorruptModel {
        path: path.clone(),
        message,
    };
    let header: ModelHeader =
        serde_json::from_slice(&bytes).map_err(|err| corrupt(err.to_string()))?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(corrupt(format!("expected \"format\": \"{FORMAT}\"")));
    }
    match header.format_version {
        Some(found) if (OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&found) => {}
        Some(found) => {
            return Err(Error::ModelVersion {
                path,
                found,
                oldest: OLDEST_FORMAT_VERSION,
                newest: FORMAT_VERSION,
            })
        }
        None => return Err(corrupt("no \"format_version\"".into())),
    }
    // The tokeniser loads while the features and weights are read.
    let read = || -> Result<(FeatureSpace, Vec<Head>), Error> {
        Ok(match header.format_version {
            Some(version) if version <= LAST_JSON_FORMAT_VERSION => {
                let file: JsonModelFile =
                    serde_json::from_slice(&bytes).map_err(|err| corrupt(err.to_string()))?;
                let mut features = file.features;
                features.prepare().map_err(corrupt)?;
                (features, file.heads)
            }
            _ => {
                let file: ModelFile =
                    serde_json::from_slice(&bytes).map_err(|err| corrupt(err.to_string()))?;
                let path = dir.join(WEIGHTS_FILE);
                let bytes = fs::read(&path).map_err(|err| Error::io(&path, err))?;
                weights::read(file, &bytes)
                    .map_err(|message| Error::CorruptModel { path, message })?
            }
        })
    };
    let (read, text) = rayon::join(read, || TextPipeline::load(&dir.join(TOKENIZER_FILE)));
    let ((features, heads), text) = (read?, text?);
    let model = StanceModel {
        text,
        features,
        heads,
    };
    model.validate().map_err(corrupt)?;
    Ok(model)
}

/// `weights.safetensors`: the feature terms (their UTF-8 bytes one after another, and where
/// each ends), their IDF, and each model's weights (features × classes) and intercepts, in
/// single precision as they were fitted.
mod weights {
    use safetensors::tensor::{Dtype, SafeTensors, TensorView};

    use super::{FitEntry, HeadEntry, ModelFile};
    use crate::features::FeatureSpace;
    use crate::model::{Head, LinearModel, StanceModel};

    const TERMS: &str = "features.terms";
    const TERM_ENDS: &str = "features.term_ends";
    const IDF: &str = "features.idf";

    /// The names of a model's two tensors: head `h`'s shared model, or its per-actor model
    /// `i` (in actor name order).
    fn names(head: usize, actor: Option<usize>) -> (String, String) {
        let model = match actor {
            None => format!("head.{head}.shared"),
            Some(i) => format!("head.{head}.actor.{i}"),
        };
        (format!("{model}.weights"), format!("{model}.intercept"))
    }

    pub(super) fn write(model: &StanceModel) -> Result<Vec<u8>, String> {
        let features = &model.features;
        let terms: Vec<u8> = features.terms().iter().flat_map(|t| t.bytes()).collect();
        let mut end = 0u64;
        let term_ends: Vec<u8> = features
            .terms()
            .iter()
            .flat_map(|t| {
                end += t.len() as u64;
                end.to_le_bytes()
            })
            .collect();
        let idf: Vec<u8> = features
            .idf()
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let mut tensors: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = vec![
            (TERMS.into(), Dtype::U8, vec![terms.len()], terms),
            (
                TERM_ENDS.into(),
                Dtype::U64,
                vec![features.len()],
                term_ends,
            ),
            (IDF.into(), Dtype::F64, vec![features.len()], idf),
        ];
        for (h, head) in model.heads.iter().enumerate() {
            let models = std::iter::once((None, &head.shared)).chain(
                head.per_actor
                    .values()
                    .enumerate()
                    .map(|(i, m)| (Some(i), m)),
            );
            for (actor, linear) in models {
                let (weights_name, intercept_name) = names(h, actor);
                let (weights, intercept) = linear.parameters();
                let single = |v: f64| (v as f32).to_le_bytes();
                let weights: Vec<u8> = weights.flat_map(single).collect();
                let classes = intercept.len();
                tensors.push((
                    weights_name,
                    Dtype::F32,
                    vec![features.len(), classes],
                    weights,
                ));
                let intercept: Vec<u8> = intercept.iter().flat_map(|&v| single(v)).collect();
                tensors.push((intercept_name, Dtype::F32, vec![classes], intercept));
            }
        }
        let views = tensors
            .iter()
            .map(|(name, dtype, shape, data)| {
                TensorView::new(*dtype, shape.clone(), data).map(|view| (name.as_str(), view))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| err.to_string())?;
        safetensors::serialize(views, None).map_err(|err| err.to_string())
    }

    /// A tensor's bytes, checked to be of `dtype` with `len` elements.
    fn tensor<'a>(
        file: &SafeTensors<'a>,
        name: &str,
        dtype: Dtype,
        len: usize,
    ) -> Result<&'a [u8], String> {
        let view = file.tensor(name).map_err(|err| format!("{name}: {err}"))?;
        let elements: usize = view.shape().iter().product();
        if view.dtype() != dtype || elements != len {
            return Err(format!(
                "{name} is {:?} {:?}, expected {dtype:?} with {len} values",
                view.dtype(),
                view.shape()
            ));
        }
        Ok(view.data())
    }

    fn read_terms(tensors: &SafeTensors, columns: usize) -> Result<Vec<String>, String> {
        let term_bytes = tensors
            .tensor(TERMS)
            .map_err(|err| format!("{TERMS}: {err}"))?;
        let text = std::str::from_utf8(term_bytes.data())
            .map_err(|err| format!("{TERMS}: not UTF-8: {err}"))?;
        let mut terms = Vec::with_capacity(columns);
        let mut start = 0;
        for end in words64(tensor(tensors, TERM_ENDS, Dtype::U64, columns)?) {
            let end = u64::from_le_bytes(end) as usize;
            let term = text
                .get(start..end)
                .ok_or_else(|| format!("{TERM_ENDS}: a term ends at {end}, out of place"))?;
            terms.push(term.to_string());
            start = end;
        }
        Ok(terms)
    }

    fn floats32(bytes: &[u8]) -> Vec<f64> {
        bytes
            .chunks_exact(4)
            .map(|b| f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
            .collect()
    }

    fn words64(bytes: &[u8]) -> impl Iterator<Item = [u8; 8]> + '_ {
        bytes
            .chunks_exact(8)
            .map(|b| [b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    }

    pub(super) fn read(file: ModelFile, bytes: &[u8]) -> Result<(FeatureSpace, Vec<Head>), String> {
        let tensors = SafeTensors::deserialize(bytes).map_err(|err| err.to_string())?;
        let columns = file.features.columns;
        // The actors' matchers take the longest to build: they build while the terms are read.
        let actors = file.features.actors;
        let (matchers, terms) = rayon::join(
            || FeatureSpace::matchers_of(&actors),
            || read_terms(&tensors, columns),
        );
        let idf = words64(tensor(&tensors, IDF, Dtype::F64, columns)?)
            .map(f64::from_le_bytes)
            .collect();
        let features =
            FeatureSpace::from_parts(file.features.params, terms?, idf, (actors, matchers))?;
        let read_model = |h: usize, actor: Option<usize>, fit: &FitEntry, classes: usize| {
            let (weights, intercept) = names(h, actor);
            LinearModel::from_parts(
                floats32(tensor(&tensors, &weights, Dtype::F32, columns * classes)?),
                floats32(tensor(&tensors, &intercept, Dtype::F32, classes)?),
                fit.iterations,
                fit.converged,
            )
        };
        let heads = file
            .heads
            .into_iter()
            .enumerate()
            .map(|(h, entry): (usize, HeadEntry)| {
                let classes = entry.labels.len();
                let shared = read_model(h, None, &entry.shared, classes)?;
                let per_actor = entry
                    .per_actor
                    .iter()
                    .enumerate()
                    .map(|(i, (actor, fit))| {
                        Ok((actor.clone(), read_model(h, Some(i), fit, classes)?))
                    })
                    .collect::<Result<_, String>>()?;
                Ok(Head {
                    task: entry.task,
                    labels: entry.labels,
                    label_counts: entry.label_counts,
                    shared,
                    per_actor,
                    temperature: entry.temperature,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok((features, heads))
    }
}

/// Reads `metadata.json`.
pub fn load_metadata(dir: &Path) -> Result<Metadata, Error> {
    let path = dir.join(METADATA_FILE);
    let bytes = fs::read(&path).map_err(|err| Error::io(&path, err))?;
    serde_json::from_slice(&bytes).map_err(|err| Error::CorruptModel {
        path,
        message: err.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_file(&path, |out| out.write_all(b"one")).unwrap();
        write_file(&path, |out| out.write_all(b"two")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
        let nowhere = dir.path().join("absent").join("out.txt");
        let err = write_file(&nowhere, |out| out.write_all(b"x"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("absent"), "{err}");
        assert!(err.contains("no folder"), "{err}");
        assert!(!dir.path().join("absent").exists());
    }

    use crate::corpus::Row;
    use crate::model::TrainParams;

    fn rows() -> Vec<Row> {
        let data = [
            ("We stand with the union", "favor", "positive"),
            ("The union betrayed workers", "against", "negative"),
            ("The union met on Tuesday", "none", "neutral"),
            ("Proud of the union today", "favor", "positive"),
            ("The union is a disgrace", "against", "negative"),
            ("The union will vote next week", "none", "neutral"),
        ];
        data.iter()
            .enumerate()
            .map(|(i, (text, stance, sentiment))| Row {
                id: None,
                text: text.to_string(),
                context: None,
                actor: "union".into(),
                speaker: None,
                article: None,
                stance: Some(stance.to_string()),
                sentiment: Some(sentiment.to_string()),
                mention: None,
                line: i as u64 + 2,
            })
            .collect()
    }

    fn trained() -> (StanceModel, Metadata) {
        trained_with(&TrainParams::default())
    }

    fn trained_with(params: &TrainParams) -> (StanceModel, Metadata) {
        let (model, summary) = StanceModel::train(&rows(), params).unwrap();
        let metadata = Metadata {
            crate_version: "test".into(),
            files: vec![],
            flags: serde_json::json!({}),
            summary,
            training_seconds: 0.0,
            tuning: None,
        };
        (model, metadata)
    }

    #[test]
    fn round_trip_predicts_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m");
        let (model, metadata) = trained();
        save(&path, &model, &metadata).unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(loaded.heads, model.heads);
        assert_eq!(loaded.features, model.features);
        assert_eq!(load_metadata(&path).unwrap(), metadata);
        let examples = [crate::features::Example {
            text: "the union betrayed us",
            quote: None,
            actor: "union",
            mention: None,
            quote_mention: None,
            other_actors: &[],
            target_aliases: &[],
        }];
        assert_eq!(
            loaded.predict(&examples).unwrap(),
            model.predict(&examples).unwrap()
        );
    }

    /// Writes `model` into the folder `path` as format 1 or 2 did: everything in `model.json`.
    fn save_as_json(path: &Path, model: &StanceModel, version: u32) {
        #[derive(Serialize)]
        struct JsonFormat<'a> {
            format: &'a str,
            format_version: u32,
            features: &'a FeatureSpace,
            heads: &'a [Head],
        }
        let file = JsonFormat {
            format: FORMAT,
            format_version: version,
            features: &model.features,
            heads: &model.heads,
        };
        fs::remove_file(path.join(MODEL_FILE)).unwrap();
        fs::remove_file(path.join(WEIGHTS_FILE)).unwrap();
        let mut text = serde_json::to_string(&file).unwrap();
        if version == 1 {
            // Version 1 had no `kind_norm`.
            text = text.replace(",\"kind_norm\":false", "");
            assert!(!text.contains("kind_norm"));
        }
        fs::write(path.join(MODEL_FILE), text).unwrap();
    }

    #[test]
    fn a_version_1_file_loads_as_it_was_trained_without_the_newer_settings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m");
        let mut params = TrainParams::default();
        params.features.kind_norm = false;
        let (model_v1, metadata) = trained_with(&params);
        save(&path, &model_v1, &metadata).unwrap();
        save_as_json(&path, &model_v1, 1);
        let loaded = load(&path).unwrap();
        assert_eq!(loaded.features, model_v1.features);
        assert_eq!(loaded.heads, model_v1.heads);
    }

    #[test]
    fn a_version_2_folder_loads_and_upgrades_to_the_bytes_a_save_writes() {
        let dir = tempfile::tempdir().unwrap();
        let (new, old) = (dir.path().join("new"), dir.path().join("old"));
        let params = TrainParams {
            per_actor: true,
            min_actor_rows: 1,
            ..TrainParams::default()
        };
        let (model, metadata) = trained_with(&params);
        assert!(!model.heads[0].per_actor.is_empty());
        save(&new, &model, &metadata).unwrap();
        save(&old, &model, &metadata).unwrap();
        save_as_json(&old, &model, 2);
        let loaded = load(&old).unwrap();
        assert_eq!(loaded.features, model.features);
        assert_eq!(loaded.heads, model.heads);
        upgrade(&old).unwrap();
        for file in [MODEL_FILE, WEIGHTS_FILE, TOKENIZER_FILE, METADATA_FILE] {
            assert!(
                fs::read(old.join(file)).unwrap() == fs::read(new.join(file)).unwrap(),
                "{file}"
            );
        }
        // Only the upgraded folder is left.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn saving_again_replaces_and_gives_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m");
        let (model, metadata) = trained();
        save(&path, &model, &metadata).unwrap();
        let read = || [MODEL_FILE, WEIGHTS_FILE].map(|file| fs::read(path.join(file)).unwrap());
        let first = read();
        let (model, metadata) = trained();
        save(&path, &model, &metadata).unwrap();
        assert!(read() == first);
        // No staging folders are left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn other_version_and_corrupt_files_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m");
        let (model, metadata) = trained();
        save(&path, &model, &metadata).unwrap();
        let file = path.join(MODEL_FILE);
        let text = fs::read_to_string(&file).unwrap();
        fs::write(
            &file,
            text.replace("\"format_version\":3", "\"format_version\":99"),
        )
        .unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(
            err.contains("model format version 99, but this stance reads versions 1 to 3"),
            "{err}"
        );
        fs::write(&file, &text).unwrap();
        let weights = path.join(WEIGHTS_FILE);
        let bytes = fs::read(&weights).unwrap();
        fs::write(&weights, &bytes[..bytes.len() / 2]).unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("weights.safetensors"), "{err}");
        assert!(err.contains("not a valid stance model"), "{err}");
        fs::remove_file(&weights).unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("weights.safetensors"), "{err}");
        fs::write(&file, &text[..text.len() / 2]).unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("not a valid stance model"), "{err}");
        fs::write(&file, "{\"format\":\"other\"}").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(
            err.contains("expected \"format\": \"stance-model\""),
            "{err}"
        );
        let err = load(&dir.path().join("missing")).unwrap_err().to_string();
        assert!(err.contains("no model folder here"), "{err}");
    }
}
