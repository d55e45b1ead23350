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
//! training data and settings, so the same inputs give the same bytes; `metadata.json` records
//! the run (file hashes, the [`TrainSettings`] that train the model again, time). Folders saved
//! before the settings were typed record the training command's flags instead; they load with
//! those read into the settings (`persist/flags.rs`).
//!
//! A save is atomic in the strict sense: at every instant `DIR` holds the complete old model
//! or the complete new one, whenever the process is killed. The new model is written to a
//! staging folder beside it, `.DIR.new-XXXXXX`, flushed to disk, and swapped with `DIR` in one
//! exchange rename (`renameat2` with `RENAME_EXCHANGE`, on Linux); the old model, now under
//! the staging name, is then removed. Where there is no exchange (other systems, or a file
//! system that refuses it) two renames do it, `DIR` to `.DIR.old`, then the staging folder to
//! `DIR`, and a kill between them leaves no `DIR`. So every load and save first recovers:
//! `.DIR.old` is put back where `DIR` is missing, or removed once `DIR` is complete, and
//! staging folders no live save holds are removed. A save holds a lock (`flock`) on its
//! staging folder, which the system drops when the process ends however it ends, so a stale
//! folder is told from a live one without guessing from ages or process ids; where folders
//! cannot be locked, staging folders are left alone. Failing to remove the old copy after the
//! swap does not fail a save: the next recovery removes it. `--model` naming a file, the
//! working folder, a folder of other files or a place where no folder can be made (a
//! read-only folder) is refused before anything moves (`check_destination`). A load reads
//! every file from the one folder it opened, so a save racing it cannot mix two models
//! ([`load`], `folder.rs`).
//!
//! Two hooks are for tests only, and only builds with debug assertions (as `cargo test` builds
//! the binary) read them: `STANCE_FAULT_AT=STEP` aborts the process at that step of a save, as
//! abruptly as a kill, and `STANCE_NO_EXCHANGE=1` makes a save use the two renames. The steps,
//! in order: `staging-created`, `model-written` (all but `metadata.json`), `staged` (complete
//! and flushed), `exchanged`, or in the fallback `moved-old` and `moved-new`, then
//! `old-partly-removed` and `saved`. `tests/save_kill.rs` kills `train` at each one.
//!
//! Other files the tool writes (pages, summaries) are written to a temporary file renamed over
//! the old one, one file at a time (`write_file`).

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod card;
mod flags;
mod folder;

use self::folder::Folder;
use crate::corpus::{SourceFile, Task};
use crate::error::Error;
use crate::eval::{EvalReport, Summary, Tuning};
use crate::features::{FeatureParams, FeatureSpace};
use crate::model::{Head, LinearModel, StanceModel, TrainSummary};
use crate::text::TextPipeline;
use crate::train::TrainSettings;

/// The format name in every `model.json`.
pub(crate) const FORMAT: &str = "stance-model";
/// The version of `model.json` this build writes. Version 2 added the feature setting
/// `kind_norm`, which changes every row's weights: a build that reads only version 1 must
/// refuse such a model rather than ignore it. Version 3 moved the feature terms, IDF and
/// weights to `weights.safetensors`.
pub(crate) const FORMAT_VERSION: u32 = 3;
/// The last version that kept everything in `model.json`.
const LAST_JSON_FORMAT_VERSION: u32 = 2;
/// The oldest version this build reads: a version 1 file has no `kind_norm` and loads with it
/// off, which is how it was trained.
pub(crate) const OLDEST_FORMAT_VERSION: u32 = 1;

const TOKENIZER_FILE: &str = "tokenizer.json";
const MODEL_FILE: &str = "model.json";
const METADATA_FILE: &str = "metadata.json";
const WEIGHTS_FILE: &str = "weights.safetensors";
const CARD_FILE: &str = "MODEL_CARD.md";

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
#[serde(try_from = "MetadataFile")]
pub struct Metadata {
    /// The `stance` version that trained it.
    pub crate_version: String,
    /// Training files with their SHA-256.
    pub files: Vec<SourceFile>,
    /// Every training setting: the files read with them and trained with them give this model
    /// again. In a folder saved before they were typed, read from its `flags` (`persist/flags.rs`).
    pub settings: TrainSettings,
    /// What training did.
    pub summary: TrainSummary,
    /// Wall-clock seconds spent training.
    pub training_seconds: f64,
    /// With a search (`train --cv`, or the quick choice of actor models): the settings
    /// cross-validation tried, their scores and the choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tuning: Option<Tuning>,
    /// With `train --split`: the figures on the rows the split left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_out: Option<HeldOut>,
}

/// `metadata.json` as any version wrote it: with `settings`, or, before they were typed, with
/// the training command's `flags`.
#[derive(Deserialize)]
struct MetadataFile {
    crate_version: String,
    files: Vec<SourceFile>,
    #[serde(default)]
    settings: Option<TrainSettings>,
    #[serde(default)]
    flags: Option<serde_json::Map<String, serde_json::Value>>,
    summary: TrainSummary,
    training_seconds: f64,
    #[serde(default)]
    tuning: Option<Tuning>,
    #[serde(default)]
    held_out: Option<HeldOut>,
}

impl TryFrom<MetadataFile> for Metadata {
    type Error = String;

    fn try_from(file: MetadataFile) -> Result<Metadata, String> {
        let settings = match (file.settings, file.flags) {
            (Some(settings), _) => settings,
            (None, Some(recorded)) => flags::settings(&recorded, file.tuning.as_ref()),
            (None, None) => return Err("missing field `settings`".into()),
        };
        Ok(Metadata {
            crate_version: file.crate_version,
            files: file.files,
            settings,
            summary: file.summary,
            training_seconds: file.training_seconds,
            tuning: file.tuning,
            held_out: file.held_out,
        })
    }
}

/// A model's figures on the rows of its training files that `--split` left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldOut {
    /// The split trained on; the figures are on the rows of every other split.
    pub trained_on: String,
    /// Rows scored.
    pub rows: usize,
    /// Per label column: the model's figures and the majority baseline's.
    pub tasks: BTreeMap<Task, HeldOutTask>,
}

/// One label column's held-out figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldOutTask {
    /// The model's.
    pub model: Summary,
    /// Always predicting the most frequent training label.
    pub baseline: Summary,
}

impl HeldOut {
    /// The held-out part of `report`, `model`'s evaluation on the rows outside `trained_on`.
    pub(crate) fn of(trained_on: &str, report: &EvalReport) -> Self {
        HeldOut {
            trained_on: trained_on.into(),
            rows: report.rows,
            tasks: report
                .tasks
                .iter()
                .map(|(&task, report)| {
                    let figures = HeldOutTask {
                        model: Summary::from(&report.metrics),
                        baseline: report.baseline.scores.clone(),
                    };
                    (task, figures)
                })
                .collect(),
        }
    }
}

/// Writes the model folder `dir` atomically: at every instant `dir` holds the complete old
/// model or the complete new one (see the module note). `dir` is checked first
/// (`check_destination`). Once the new model is in place, the old copy is removed; if that
/// fails the save still succeeds, and the next save or load removes it.
pub fn save(dir: &Path, model: &StanceModel, metadata: &Metadata) -> Result<(), Error> {
    check_destination(dir)?;
    let staging = replace::Staging::new(dir)?;
    replace::fault_point("staging-created");
    write_model(staging.path(), model)?;
    replace::fault_point("model-written");
    write_json(&staging.path().join(METADATA_FILE), metadata)?;
    let path = staging.path().join(CARD_FILE);
    fs::write(&path, card::render(model, metadata)).map_err(|err| Error::io(&path, err))?;
    staging.replace(dir)
}

/// Checks that a model folder can be written at `dir`, before anything is trained or moved:
/// `dir` must be missing, an empty folder or a model folder, and neither the working folder
/// nor one that holds it (replacing those would move the working folder away). What an
/// interrupted save left beside `dir` is put right first (see the module note), so that `dir`
/// is seen as the last complete save left it.
pub(crate) fn check_destination(dir: &Path) -> Result<(), Error> {
    let refuse = |why: &str| {
        Err(Error::io(
            dir,
            io::Error::new(io::ErrorKind::InvalidInput, why),
        ))
    };
    recover(dir);
    let found = match fs::metadata(dir) {
        Ok(found) => Some(found),
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => return Err(Error::io(dir, err)),
    };
    if found.is_some() {
        if let (Ok(here), Ok(there)) = (std::env::current_dir(), fs::canonicalize(dir)) {
            if here.starts_with(&there) {
                return refuse(
                    "the working folder, or a folder that holds it, cannot be replaced by a \
                     model; name a folder inside it",
                );
            }
        }
    }
    if dir.file_name().is_none() {
        return refuse("names no folder to save a model in; name a new folder");
    }
    let holds_other_files =
        || !is_model(dir) && fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    match found {
        Some(found) if !found.is_dir() => {
            refuse("not a folder; a model is saved as a folder, so name a new one")
        }
        Some(_) if holds_other_files() => refuse(&format!(
            "a folder of other files, with no {MODEL_FILE}: saving a model would replace them \
             all, so name a new folder or a model's"
        )),
        _ => check_writable(dir),
    }
}

/// Checks that the folder beside `dir`, where a save stages the new model, takes a new folder,
/// by making one there and removing it: a read-only folder, or a file system that takes none
/// (`/sys`), is refused before a model is trained for it. Where that folder does not exist
/// yet, the nearest one above it that does is tried (nothing is made on the way).
fn check_writable(dir: &Path) -> Result<(), Error> {
    let Some((parent, name)) = replace::beside(dir) else {
        return Ok(());
    };
    let mut folder = parent.as_path();
    while replace::missing(folder) {
        folder = match folder.parent() {
            Some(up) if !up.as_os_str().is_empty() => up,
            _ if folder.is_relative() && folder != Path::new(".") => Path::new("."),
            _ => break,
        };
    }
    // Named as a staging folder, so that the next recovery removes it if a kill leaves it.
    let mut probe = replace::staging_prefix(&name);
    probe.push(format!("probe{}", std::process::id()));
    let probe = folder.join(probe);
    match fs::create_dir(&probe) {
        Ok(()) => {
            let _ = fs::remove_dir(&probe);
            Ok(())
        }
        // Left by an earlier run of this process id: the folder took it.
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(Error::io(
            dir,
            io::Error::new(
                err.kind(),
                format!(
                    "cannot save a model here: no folder can be made in {}: {err}",
                    folder.display()
                ),
            ),
        )),
    }
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
/// atomically; `metadata.json` and `MODEL_CARD.md` are kept as they are.
pub(crate) fn upgrade(dir: &Path) -> Result<(), Error> {
    check_destination(dir)?;
    let model = load(dir)?;
    let kept = [METADATA_FILE, CARD_FILE].map(|file| (file, fs::read(dir.join(file)).ok()));
    let staging = replace::Staging::new(dir)?;
    write_model(staging.path(), &model)?;
    for (file, bytes) in kept {
        if let Some(bytes) = bytes {
            let path = staging.path().join(file);
            fs::write(&path, bytes).map_err(|err| Error::io(&path, err))?;
        }
    }
    staging.replace(dir)
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
pub(crate) fn output_folder(path: &Path) -> Result<PathBuf, Error> {
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
pub(crate) fn write_file(
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

/// How many times [`load`] reads a folder that a save keeps replacing before it gives up.
const LOAD_ATTEMPTS: usize = 50;

/// Loads the model folder written by [`save`]. What an interrupted save left beside `dir` is
/// put right first where it can be (see the module note); where it cannot, as beside a
/// read-only model, the folder loads as it is.
///
/// A save to the same folder by another process (`train --force` while `serve` or `predict`
/// starts) may replace the folder while it is read. On Unix every file comes from the folder
/// `dir` named when the load began (`persist/folder.rs`), so the model is never made of both; a read
/// that fails because the save then removed that folder is made again from the new one.
pub fn load(dir: &Path) -> Result<StanceModel, Error> {
    for _ in 0..LOAD_ATTEMPTS {
        recover(dir);
        if !dir.is_dir() {
            let (kind, found) = match fs::metadata(dir) {
                Ok(_) => (io::ErrorKind::InvalidInput, "a file, not a model folder"),
                Err(_) => (io::ErrorKind::NotFound, "no model folder here"),
            };
            return Err(Error::io(
                dir,
                io::Error::new(
                    kind,
                    format!(
                        "{found}; train one with `stance train --model DIR`, or point --model \
                         at the shipped model, `models/default` in the stance repository"
                    ),
                ),
            ));
        }
        let folder = Folder::open(dir)?;
        let loaded = load_from(&folder);
        if loaded.is_ok() || folder.is_still_at_its_path() {
            return loaded;
        }
    }
    Err(Error::io(
        dir,
        std::io::Error::other(format!(
            "the model folder was replaced while it was read, {LOAD_ATTEMPTS} times over; \
             load it once the save that replaces it is done"
        )),
    ))
}

/// [`load`]'s one reading of the open folder.
fn load_from(folder: &Folder) -> Result<StanceModel, Error> {
    let path = folder.path_of(MODEL_FILE);
    let bytes = folder.read(MODEL_FILE)?;
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
                let path = folder.path_of(WEIGHTS_FILE);
                let bytes = folder.read(WEIGHTS_FILE)?;
                weights::read(file, &bytes)
                    .map_err(|message| Error::CorruptModel { path, message })?
            }
        })
    };
    let text = || {
        let bytes = folder.read(TOKENIZER_FILE)?;
        TextPipeline::from_bytes(&folder.path_of(TOKENIZER_FILE), &bytes)
    };
    let (read, text) = rayon::join(read, text);
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
        // Read first: the tensor's size bounds `columns`, which `model.json` claims.
        let ends = tensor(tensors, TERM_ENDS, Dtype::U64, columns)?;
        let mut terms = Vec::with_capacity(columns);
        let mut start = 0;
        for end in words64(ends) {
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
                floats32(tensor(
                    &tensors,
                    &weights,
                    Dtype::F32,
                    columns.saturating_mul(classes),
                )?),
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

/// Puts right what a save interrupted by a crash or a kill left beside the model folder `dir`:
/// the previous model is put back if the fallback's first rename left `dir` missing; then a
/// replaced copy and staging folders no live save holds are removed. Nothing here fails: what
/// cannot be done (a read-only folder, a platform without folder locks) is left as it is.
fn recover(dir: &Path) {
    let Some((parent, name)) = replace::beside(dir) else {
        return;
    };
    let old = replace::old_copy(&parent, &name);
    // A save that holds the old copy's lock is between its two renames and puts its own
    // model in place; without locks, putting the old one back first makes that save fail,
    // which loses nothing.
    if replace::missing(dir)
        && is_model(&old)
        && !matches!(replace::lock(&old), replace::Lock::Busy)
    {
        let _ = fs::rename(&old, dir);
    }
    // The old copy is not needed once `dir` is complete, unless a live save still holds it.
    if is_model(dir) && fs::symlink_metadata(&old).is_ok() {
        if let replace::Lock::Held(_) | replace::Lock::Unavailable = replace::lock(&old) {
            let _ = fs::remove_dir_all(&old);
        }
    }
    // A staging folder is stale only if no process holds its lock: a save holds it from the
    // folder's creation until its model is in place, and the system drops it when the process
    // ends however it ends, so no age or process id has to be guessed. Where folders cannot be
    // locked, no staging folder is known to be stale and none is removed.
    let Ok(entries) = fs::read_dir(&parent) else {
        return;
    };
    let prefix = replace::staging_prefix(&name);
    for entry in entries.flatten() {
        let is_folder = entry.file_type().is_ok_and(|kind| kind.is_dir());
        if is_folder
            && entry
                .file_name()
                .as_encoded_bytes()
                .starts_with(prefix.as_encoded_bytes())
        {
            let path = entry.path();
            if let replace::Lock::Held(_lock) = replace::lock(&path) {
                let _ = fs::remove_dir_all(&path);
            }
        }
    }
}

/// Whether `dir` holds a model: a save writes `model.json` with the rest, and removing a
/// replaced copy starts with it, so a folder with it is complete.
fn is_model(dir: &Path) -> bool {
    dir.join(MODEL_FILE).is_file()
}

/// Swapping a staged model folder into place, and the locks and names that let a later run
/// tell what an interrupted save left behind. The only code that renames model folders, and
/// the only user of `rustix`.
mod replace {
    use std::ffi::{OsStr, OsString};
    use std::fs::{self, File};
    use std::io;
    use std::path::{Path, PathBuf};

    use super::MODEL_FILE;
    use crate::error::Error;

    /// The environment variable naming the step of a save where the process aborts (test-only;
    /// see the module note).
    const FAULT_VARIABLE: &str = "STANCE_FAULT_AT";
    /// The environment variable that makes a save use the two-rename fallback (test-only).
    const NO_EXCHANGE_VARIABLE: &str = "STANCE_NO_EXCHANGE";
    /// How many staging folders a save creates before it gives up, when a recovery in another
    /// process takes each for stale before this one locks it.
    const ATTEMPTS: usize = 8;

    /// Aborts the process, as abruptly as a kill for the file system, when `STANCE_FAULT_AT`
    /// names `step`. Only in builds with debug assertions: a release build never reads it.
    pub(super) fn fault_point(step: &str) {
        if test_variable_is(FAULT_VARIABLE, step) {
            std::process::abort();
        }
    }

    /// Whether the test-only `STANCE_NO_EXCHANGE=1` asks for the fallback.
    fn exchange_disabled() -> bool {
        test_variable_is(NO_EXCHANGE_VARIABLE, "1")
    }

    /// Whether a build with debug assertions runs with the environment variable `name` set to
    /// `value`.
    fn test_variable_is(name: &str, value: &str) -> bool {
        cfg!(debug_assertions) && std::env::var_os(name).is_some_and(|set| set == value)
    }

    /// Whether nothing is at `path` (a dangling link is something).
    pub(super) fn missing(path: &Path) -> bool {
        matches!(fs::symlink_metadata(path), Err(err) if err.kind() == io::ErrorKind::NotFound)
    }

    /// The folder that holds `dir`, and `dir`'s name; `None` for a path that names no folder
    /// (`.`, `..`, `/`).
    pub(super) fn beside(dir: &Path) -> Option<(PathBuf, OsString)> {
        let name = dir.file_name()?.to_os_string();
        let parent = match dir.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Some((parent, name))
    }

    /// The start of the name of a staging folder of the model folder `name`:
    /// `.NAME.new-`, followed by random characters.
    pub(super) fn staging_prefix(name: &OsStr) -> OsString {
        let mut prefix = OsString::from(".");
        prefix.push(name);
        prefix.push(".new-");
        prefix
    }

    /// Where the fallback keeps the old model between its two renames: `.NAME.old`.
    pub(super) fn old_copy(parent: &Path, name: &OsStr) -> PathBuf {
        let mut old = OsString::from(".");
        old.push(name);
        old.push(".old");
        parent.join(old)
    }

    /// What trying to lock a folder found.
    pub(super) enum Lock {
        /// This process holds the lock until the file is dropped.
        Held(File),
        /// Another process (or another handle in this one) holds it.
        Busy,
        /// The folder is missing or cannot be locked here (a platform or file system without
        /// folder locks).
        Unavailable,
    }

    /// Tries to take the exclusive lock (`flock` on Unix) of the folder `path`, without
    /// waiting. The lock belongs to the folder, not its name, so it follows the folder through
    /// renames.
    pub(super) fn lock(path: &Path) -> Lock {
        let Ok(file) = File::open(path) else {
            return Lock::Unavailable;
        };
        match file.try_lock() {
            Ok(()) => Lock::Held(file),
            Err(fs::TryLockError::WouldBlock) => Lock::Busy,
            Err(fs::TryLockError::Error(_)) => Lock::Unavailable,
        }
    }

    /// Whether `path` still names the folder `file` was opened on: a recovery in another
    /// process may have removed it between its creation and the lock.
    fn still_there(file: &File, path: &Path) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            match (file.metadata(), fs::symlink_metadata(path)) {
                (Ok(held), Ok(named)) => held.dev() == named.dev() && held.ino() == named.ino(),
                _ => false,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = file;
            path.is_dir()
        }
    }

    /// A folder beside the model folder where a new model is written before it takes the
    /// model's place, locked while this process holds it so that a recovery elsewhere leaves
    /// it alone. Dropped before [`Staging::replace`], it is removed.
    pub(super) struct Staging {
        folder: tempfile::TempDir,
        _lock: Option<File>,
    }

    impl Staging {
        /// An empty, locked staging folder beside `dir` (whose parents are created if need be).
        pub(super) fn new(dir: &Path) -> Result<Self, Error> {
            let (parent, name) = beside(dir).ok_or_else(|| no_folder(dir))?;
            fs::create_dir_all(&parent).map_err(|err| Error::io(&parent, err))?;
            for _ in 0..ATTEMPTS {
                let folder = tempfile::Builder::new()
                    .prefix(&staging_prefix(&name))
                    .tempdir_in(&parent)
                    .map_err(|err| Error::io(&parent, err))?;
                match lock(folder.path()) {
                    Lock::Held(file) if still_there(&file, folder.path()) => {
                        return Ok(Staging {
                            folder,
                            _lock: Some(file),
                        })
                    }
                    Lock::Unavailable if folder.path().is_dir() => {
                        return Ok(Staging {
                            folder,
                            _lock: None,
                        })
                    }
                    // Taken for stale by a recovery elsewhere: try another name.
                    _ => continue,
                }
            }
            Err(Error::io(
                &parent,
                io::Error::other("cannot keep a staging folder here: each was removed at once"),
            ))
        }

        /// The folder to write the new model in.
        pub(super) fn path(&self) -> &Path {
            self.folder.path()
        }

        /// Puts the complete staged model at `dir`, in one exchange rename where the system has
        /// one, else in two renames (see the module note), then removes the old copy.
        pub(super) fn replace(self, dir: &Path) -> Result<(), Error> {
            let (parent, name) = beside(dir).ok_or_else(|| no_folder(dir))?;
            sync_folder(self.path())?;
            fault_point("staged");
            self.swap(dir, &parent, &old_copy(&parent, &name))?;
            fault_point("saved");
            Ok(())
        }

        /// Puts the staged model at `dir`, in the folder `parent`; `old` is where the fallback
        /// keeps the old one. The renames reach the disk before the old copy is removed.
        fn swap(self, dir: &Path, parent: &Path, old: &Path) -> Result<(), Error> {
            if missing(dir) {
                // Nothing to replace; a folder that appears meanwhile makes the rename fail
                // rather than be replaced.
                fs::rename(self.path(), dir).map_err(|err| Error::io(dir, err))?;
                let _ = self.folder.keep();
                sync_dir(parent);
                return Ok(());
            }
            if !exchange_disabled() {
                match exchange(self.path(), dir) {
                    Ok(()) => {
                        sync_dir(parent);
                        fault_point("exchanged");
                        // The old model is now at the staging folder's name.
                        remove_old(&self.folder.keep());
                        return Ok(());
                    }
                    Err(err) if !unsupported(&err) => return Err(Error::io(dir, err)),
                    Err(_) => {}
                }
            }
            // The fallback: the old model steps aside to `.NAME.old`, locked so that a recovery
            // elsewhere does not put it back while the new one is on its way.
            let _old_lock = match lock(dir) {
                Lock::Held(file) if still_there(&file, dir) => Some(file),
                _ => None,
            };
            fs::rename(dir, old).map_err(|err| Error::io(dir, err))?;
            fault_point("moved-old");
            if let Err(err) = fs::rename(self.path(), dir) {
                // Put the previous model back before reporting.
                let _ = fs::rename(old, dir);
                return Err(Error::io(dir, err));
            }
            let _ = self.folder.keep();
            sync_dir(parent);
            fault_point("moved-new");
            remove_old(old);
            Ok(())
        }
    }

    /// The error for a path that names no folder (`.`, `..`, `/`).
    fn no_folder(dir: &Path) -> Error {
        Error::io(
            dir,
            io::Error::new(io::ErrorKind::InvalidInput, "names no folder"),
        )
    }

    /// Removes a replaced model folder, `model.json` first, so that a removal cut short never
    /// leaves what looks like a model. A failure is left to the next recovery: the new model is
    /// in place, so the save has succeeded.
    fn remove_old(path: &Path) {
        let _ = fs::remove_file(path.join(MODEL_FILE));
        fault_point("old-partly-removed");
        let _ = fs::remove_dir_all(path);
    }

    /// Swaps the folders `a` and `b` in one step (`renameat2` with `RENAME_EXCHANGE`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub(super) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
    }

    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    pub(super) fn exchange(_: &Path, _: &Path) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }

    /// Whether an exchange failed because the system or the file system has none (an old
    /// kernel, or a file system such as some network ones that refuses the flag).
    fn unsupported(err: &io::Error) -> bool {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            use rustix::io::Errno;
            if let Some(code) = err.raw_os_error() {
                let errno = Errno::from_raw_os_error(code);
                return [Errno::INVAL, Errno::NOSYS, Errno::OPNOTSUPP].contains(&errno);
            }
        }
        err.kind() == io::ErrorKind::Unsupported
    }

    /// Writes the files of `folder`, and the folder itself, through to the disk, so that a
    /// crash of the machine, not only of the process, cannot leave a partial model in place.
    fn sync_folder(folder: &Path) -> Result<(), Error> {
        #[cfg(unix)]
        for entry in fs::read_dir(folder).map_err(|err| Error::io(folder, err))? {
            let path = entry.map_err(|err| Error::io(folder, err))?.path();
            File::open(&path)
                .and_then(|file| file.sync_all())
                .map_err(|err| Error::io(&path, err))?;
        }
        sync_dir(folder);
        Ok(())
    }

    /// Writes a folder's entries (names, renames) through to the disk where the system allows
    /// it; some file systems refuse, and then the entries are as durable as they get.
    fn sync_dir(folder: &Path) {
        #[cfg(unix)]
        let _ = File::open(folder).and_then(|file| file.sync_all());
        #[cfg(not(unix))]
        let _ = folder;
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

    use linfa::ParamGuard;

    use crate::corpus::{ReadOptions, Row};
    use crate::features::NgramRange;
    use crate::model::{ClassWeight, TrainParams};

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
                carried: Default::default(),
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
            settings: TrainSettings {
                params: params.clone(),
                ..TrainSettings::default()
            },
            summary,
            training_seconds: 0.0,
            tuning: None,
            held_out: None,
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

    /// A folder swapped again and again with another model's (as a save from another process
    /// swaps it) always loads as one model or the other, never an error or a mix of both.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn a_folder_swapped_while_it_loads_gives_one_whole_model() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let (path, other) = (dir.path().join("m"), dir.path().join("other"));
        let (first, metadata) = trained();
        let mut params = TrainParams::default();
        params.features.terms.word_ngrams = crate::features::NgramRange::new(1, 1);
        let (second, _) = trained_with(&params);
        assert_ne!(first.features, second.features);
        save(&path, &first, &metadata).unwrap();
        save(&other, &second, &metadata).unwrap();
        let done = AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    replace::exchange(&path, &other).unwrap();
                    std::thread::sleep(std::time::Duration::from_millis(3));
                }
            });
            for _ in 0..500 {
                let loaded = load(&path).unwrap_or_else(|err| {
                    done.store(true, Ordering::Relaxed);
                    panic!("{err}")
                });
                assert!(
                    [&first, &second]
                        .iter()
                        .any(|model| model.features == loaded.features
                            && model.heads == loaded.heads),
                    "a model made of both folders"
                );
            }
            done.store(true, Ordering::Relaxed);
        });
    }

    /// The folder of the repository's `path`.
    fn in_repository(path: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
    }

    #[test]
    fn metadata_with_flags_loads_with_them_read_into_the_settings() {
        // `models/default/metadata.json` as the build before typed settings wrote it (trained
        // with `--split train --cv 5 --grid-c 10 --grid-class-weight balanced --grid-per-actor
        // no --grid-word-ngrams 1-3 --target-window 4`).
        let old = load_metadata(&in_repository("tests/fixtures/flags-metadata")).unwrap();
        let settings = &old.settings;
        assert_eq!(settings.read.split.as_deref(), Some("train"));
        assert_eq!(
            settings.read,
            ReadOptions {
                split: Some("train".into()),
                ..ReadOptions::default()
            }
        );
        let mut expected = TrainParams::default();
        expected.features.terms.target_window = 4;
        assert_eq!(settings.params, expected);
        let search = settings.search.as_ref().expect("trained with --cv 5");
        assert_eq!((search.folds, search.seed), (5, 42));
        assert_eq!(search.grid.c, [10.0]);
        assert_eq!(search.grid.class_weight, [ClassWeight::Balanced]);
        assert_eq!(search.grid.per_actor, [false]);
        assert_eq!(search.grid.word_ngrams, [NgramRange::new(1, 3)]);
        // They are the settings the shipped model records now it is saved with them.
        let shipped = load_metadata(&in_repository("models/default")).unwrap();
        assert_eq!(shipped.settings, old.settings);
        assert_eq!(shipped.tuning, old.tuning);
    }

    #[test]
    fn flags_of_the_first_version_read_the_later_settings_as_off() {
        let dir = tempfile::tempdir().unwrap();
        let (_, metadata) = trained();
        let mut json = serde_json::to_value(&metadata).unwrap();
        let object = json.as_object_mut().unwrap();
        object.remove("settings");
        object.insert(
            "flags".into(),
            serde_json::json!({
                "data": ["a.csv"], "text_column": "quote", "actor_column": "actor",
                "stance_column": "stance", "sentiment_column": "sentiment",
                "context_column": "context", "split_column": "split", "split": null,
                "delimiter": "tab", "encoding": "latin1", "c": 3.0, "max_iter": 100, "seed": 7,
                "class_weight": "none", "solver": "lbfgs", "per_actor": true,
                "min_actor_rows": 20, "word_ngrams": "1-2", "char_ngrams": "0", "min_df": 1,
                "vocab_min_frequency": 1, "target_window": 2, "no_target_mask": true,
                "no_actor_feature": false, "an_unknown_flag": [1, 2]
            }),
        );
        fs::write(dir.path().join(METADATA_FILE), json.to_string()).unwrap();
        let settings = load_metadata(dir.path()).unwrap().settings;
        assert_eq!(settings.read.schema.text, "quote");
        assert_eq!(settings.read.delimiter, b'\t');
        assert_eq!(settings.read.encoding, crate::corpus::TextEncoding::Latin1);
        let features = &settings.params.features;
        assert_eq!(features.terms.word_ngrams, NgramRange::new(1, 2));
        assert!(features.terms.char_ngrams.is_off());
        assert_eq!(features.terms.target_window, 2);
        assert!(features.terms.quote_ngrams.is_off());
        assert!(features.terms.side_ngrams.is_off());
        assert!(!features.terms.lexicon && !features.kind_norm && !features.target_mask);
        assert!(features.terms.actor_term);
        assert_eq!((features.min_df, features.vocab_min_frequency), (1, 1));
        let logistic = settings.params.logistic.check().unwrap();
        assert_eq!((logistic.c(), logistic.max_iterations()), (3.0, 100));
        assert_eq!(logistic.class_weight(), ClassWeight::None);
        assert_eq!(logistic.solver(), crate::model::Solver::Lbfgs);
        assert!(settings.params.per_actor);
        assert_eq!(settings.params.min_actor_rows, 20);
        assert!(settings.search.is_none(), "no tuning recorded");

        // A file with neither is corrupt.
        let object = json.as_object_mut().unwrap();
        object.remove("flags");
        fs::write(dir.path().join(METADATA_FILE), json.to_string()).unwrap();
        let err = load_metadata(dir.path()).unwrap_err().to_string();
        assert!(err.contains("missing field `settings`"), "{err}");
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

    /// The names in `folder`, sorted.
    fn names_in(folder: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_kill_between_the_fallbacks_renames_is_undone_at_the_next_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m");
        let (model, metadata) = trained();
        save(&path, &model, &metadata).unwrap();
        // What a kill after the fallback's first rename leaves: the old model aside, no `m`,
        // and the new model's staging folder.
        fs::rename(&path, dir.path().join(".m.old")).unwrap();
        let staging = dir.path().join(".m.new-AbC123");
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join(MODEL_FILE), "{}").unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(loaded.heads, model.heads);
        assert_eq!(names_in(dir.path()), ["m"]);
    }

    #[test]
    fn a_save_removes_a_leftover_old_copy_and_stale_staging_folders() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m");
        let (model, metadata) = trained();
        save(&path, &model, &metadata).unwrap();
        save(&dir.path().join(".m.old"), &model, &metadata).unwrap();
        fs::create_dir_all(dir.path().join(".m.new-xyz/deeper")).unwrap();
        // Another model's folders are not this one's.
        fs::create_dir(dir.path().join(".other.new-xyz")).unwrap();
        save(&path, &model, &metadata).unwrap();
        assert_eq!(names_in(dir.path()), [".other.new-xyz", "m"]);
    }

    #[test]
    fn a_staging_folder_or_old_copy_a_live_save_holds_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m");
        let (model, metadata) = trained();
        let staging = dir.path().join(".m.new-live01");
        fs::create_dir(&staging).unwrap();
        let replace::Lock::Held(held) = replace::lock(&staging) else {
            panic!("folders can be locked here");
        };
        save(&path, &model, &metadata).unwrap();
        assert!(staging.is_dir(), "a live staging folder was removed");
        drop(held);
        load(&path).unwrap();
        assert!(!staging.exists(), "a stale staging folder was kept");
        // A fallback between its renames: the old copy locked, no `m`.
        let old = dir.path().join(".m.old");
        fs::rename(&path, &old).unwrap();
        let replace::Lock::Held(held) = replace::lock(&old) else {
            panic!("folders can be locked here");
        };
        assert!(load(&path).is_err());
        assert!(old.is_dir());
        drop(held);
        load(&path).unwrap();
        assert_eq!(names_in(dir.path()), ["m"]);
    }

    #[test]
    fn a_destination_that_is_no_model_folder_is_refused_before_anything_moves() {
        let dir = tempfile::tempdir().unwrap();
        let (model, metadata) = trained();
        let file = dir.path().join("file");
        fs::write(&file, "not a model").unwrap();
        let err = save(&file, &model, &metadata).unwrap_err().to_string();
        assert!(err.contains("file: not a folder"), "{err}");
        let others = dir.path().join("others");
        fs::create_dir(&others).unwrap();
        fs::write(others.join("notes.txt"), "mine").unwrap();
        let err = save(&others, &model, &metadata).unwrap_err().to_string();
        assert!(err.contains("a folder of other files"), "{err}");
        let err = check_destination(&others.join(".."))
            .unwrap_err()
            .to_string();
        assert!(err.contains("names no folder"), "{err}");
        assert_eq!(names_in(dir.path()), ["file", "others"]);
        assert_eq!(fs::read(&file).unwrap(), b"not a model");
        assert_eq!(names_in(&others), ["notes.txt"]);
        // An empty folder takes a model.
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        save(&empty, &model, &metadata).unwrap();
        assert!(is_model(&empty));
    }
}
