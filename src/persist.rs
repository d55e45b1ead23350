//! The model folder: `tokenizer.json`, `model.json` and `metadata.json`.
//!
//! `model.json` carries a format name and version that are checked before anything else is
//! read. `tokenizer.json` and `model.json` depend only on the training data and flags, so the
//! same inputs give the same bytes; `metadata.json` records the run (file hashes, flags,
//! time). A folder is written beside its destination and renamed into place, so a failed or
//! interrupted save leaves the previous model as it was. Other files the tool writes (pages,
//! summaries) are written the same way, one file at a time ([`write_file`]).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::corpus::SourceFile;
use crate::error::Error;
use crate::eval::Tuning;
use crate::features::FeatureSpace;
use crate::model::{Head, StanceModel, TrainSummary};
use crate::text::TextPipeline;

/// The format name in every `model.json`.
pub const FORMAT: &str = "stance-model";
/// The version of `model.json` this build writes. Version 2 added the feature setting
/// `kind_norm`, which changes every row's weights: a build that reads only version 1 must
/// refuse such a model rather than ignore it.
pub const FORMAT_VERSION: u32 = 2;
/// The oldest version this build reads: a version 1 file has no `kind_norm` and loads with it
/// off, which is how it was trained.
pub const OLDEST_FORMAT_VERSION: u32 = 1;

const TOKENIZER_FILE: &str = "tokenizer.json";
const MODEL_FILE: &str = "model.json";
const METADATA_FILE: &str = "metadata.json";

/// What `model.json` holds.
#[derive(Serialize, Deserialize)]
struct ModelFile {
    format: String,
    format_version: u32,
    features: FeatureSpace,
    heads: Vec<Head>,
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
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|err| Error::io(&parent, err))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model".into());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(&parent)
        .map_err(|err| Error::io(&parent, err))?;
    model.text.save(&staging.path().join(TOKENIZER_FILE))?;
    let file = ModelFile {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        features: model.features.clone(),
        heads: model.heads.clone(),
    };
    write_json(&staging.path().join(MODEL_FILE), &file)?;
    write_json(&staging.path().join(METADATA_FILE), metadata)?;
    replace_dir(staging.keep(), dir)
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
    let file: ModelFile = serde_json::from_slice(&bytes).map_err(|err| corrupt(err.to_string()))?;
    let mut features = file.features;
    features.prepare().map_err(corrupt)?;
    for head in &file.heads {
        for model in std::iter::once(&head.shared).chain(head.per_actor.values()) {
            let (rows, classes) = model.weights.dim();
            if rows != features.len()
                || classes != head.labels.len()
                || model.intercept.len() != classes
            {
                return Err(corrupt(format!(
                    "the {} head's weights are {rows}×{classes} for {} features and {} labels",
                    head.task.name(),
                    features.len(),
                    head.labels.len()
                )));
            }
        }
    }
    let text = TextPipeline::load(&dir.join(TOKENIZER_FILE))?;
    Ok(StanceModel {
        text,
        features,
        heads: file.heads,
    })
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

    #[test]
    fn a_version_1_file_loads_as_it_was_trained_without_the_newer_settings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m");
        let mut params = TrainParams::default();
        params.features.kind_norm = false;
        let (model_v1, metadata) = trained_with(&params);
        save(&path, &model_v1, &metadata).unwrap();
        // What version 1 wrote: no `kind_norm`.
        let file = path.join(MODEL_FILE);
        let text = fs::read_to_string(&file).unwrap();
        let old = text
            .replace("\"format_version\":2", "\"format_version\":1")
            .replace(",\"kind_norm\":false", "");
        assert!(!old.contains("kind_norm"));
        fs::write(&file, old).unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(loaded.features, model_v1.features);
        assert_eq!(loaded.heads, model_v1.heads);
    }

    #[test]
    fn saving_again_replaces_and_gives_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m");
        let (model, metadata) = trained();
        save(&path, &model, &metadata).unwrap();
        let first = fs::read(path.join(MODEL_FILE)).unwrap();
        let (model, metadata) = trained();
        save(&path, &model, &metadata).unwrap();
        assert_eq!(fs::read(path.join(MODEL_FILE)).unwrap(), first);
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
            text.replace("\"format_version\":2", "\"format_version\":99"),
        )
        .unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(
            err.contains("model format version 99, but this stance reads versions 1 to 2"),
            "{err}"
        );
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
