//! `stance._native`: the Rust side of the Python package; `python/stance/__init__.py` is the
//! side users call.
//!
//! It adds no behaviour of its own. Options arrive as the command line's flags and are parsed
//! by its own clap definitions, so they are checked the same way and fail with the same
//! messages; predictions are what `stance predict` writes for the same input, produced by the
//! same code ([`stance::cli::predict::predict_in_memory`]); `train` and `evaluate` are the
//! commands themselves, run in this process. Every call releases the GIL while Rust works.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use stance::article::{analyse, ActorList};
use stance::cli::predict::predict_in_memory;
use stance::cli::{error_message_naming, Cli, Command};
use stance::{persist, Naming, StanceModel};

create_exception!(
    _native,
    StanceError,
    PyException,
    "A bad input, option or model: the message is the command line's, with the file, line and \
     column where there is one, and the settings it names written as keywords (`max_iter=`)."
);

fn stance_error(err: impl std::fmt::Display) -> PyErr {
    StanceError::new_err(err.to_string())
}

/// A library error, its settings named as keywords (`max_iter=`).
fn library_error(err: stance::Error) -> PyErr {
    StanceError::new_err(err.message(Naming::Keyword))
}

fn command_error(err: &anyhow::Error) -> PyErr {
    StanceError::new_err(error_message_naming(err, Naming::Keyword))
}

/// Parses `argv` as the flags of one `stance` command (`["predict", "--format", "jsonl"]`).
fn parse(argv: Vec<String>) -> PyResult<Cli> {
    Cli::try_parse_from(std::iter::once("stance".to_string()).chain(argv)).map_err(stance_error)
}

/// A model folder, loaded once and shared by every call (and every thread) that uses it.
#[pyclass(frozen, module = "stance._native")]
struct Model {
    inner: StanceModel,
}

#[pymethods]
impl Model {
    /// Loads the model folder at `path`.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Model> {
        let inner = py.detach(|| persist::load(&path)).map_err(library_error)?;
        Ok(Model { inner })
    }

    /// Each head's task (`stance`, `sentiment`) and its labels, in the order the output's
    /// probability fields list them.
    fn labels(&self) -> Vec<(&'static str, Vec<String>)> {
        self.inner
            .heads
            .iter()
            .map(|head| (head.task.name(), head.labels.clone()))
            .collect()
    }

    /// What `stance predict FLAGS` writes for the input `data` named `name`: `argv` holds
    /// predict's flags (`--input`, `--format`, the column flags, `--actors`, `--explain`, …);
    /// `--model` is ignored, this model answers.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        argv: Vec<String>,
        name: &str,
        data: &[u8],
    ) -> PyResult<Bound<'py, PyBytes>> {
        let args =
            match parse(std::iter::once("predict".to_string()).chain(argv).collect())?.command {
                Command::Predict(args) => args,
                _ => return Err(stance_error("expected the flags of `stance predict`")),
            };
        let output = py.detach(|| {
            let mut actors = ActorList::new();
            let settings = args.in_memory(&mut actors)?;
            predict_in_memory(&self.inner, &settings, name, data)
        });
        match output {
            Ok(Ok(bytes)) => Ok(PyBytes::new(py, &bytes)),
            Ok(Err(bad_input)) => Err(library_error(bad_input)),
            Err(err) => Err(command_error(&err)),
        }
    }
}

/// The statements of one article, its actors and who said what, as JSON: the article stage
/// alone, no model. `actors` is an actors file (`stance predict --actors`).
#[pyfunction]
#[pyo3(signature = (text, actors=None, only_listed_actors=false))]
fn extract(
    py: Python<'_>,
    text: &str,
    actors: Option<PathBuf>,
    only_listed_actors: bool,
) -> PyResult<String> {
    py.detach(|| {
        let known = match actors {
            Some(path) => ActorList::from_file(&path).map_err(stance::Error::from)?,
            None => ActorList::new(),
        };
        let known = if only_listed_actors {
            known.restricted()
        } else {
            known
        };
        Ok::<_, stance::Error>(analyse(text, &known))
    })
    .map_err(library_error)
    .and_then(|analysis| serde_json::to_string(&analysis).map_err(stance_error))
}

/// Runs one `stance` command (`["train", "--data", "x.csv", …]`) in this process and gives
/// what it printed as its result; progress and notes still go to standard error.
#[pyfunction]
fn run(py: Python<'_>, argv: Vec<String>) -> PyResult<String> {
    let cli = parse(argv)?;
    match cli.command {
        Command::Serve(_) => {
            return Err(stance_error(
                "`serve` runs from the command line, not from Python",
            ))
        }
        // The command ends its process, so it leaves its model for the system to free.
        Command::Predict(_) => {
            return Err(stance_error(
                "predict through Model.predict_articles or Model.predict_rows",
            ))
        }
        _ => {}
    }
    let mut printed = Vec::new();
    let code = py
        .detach(|| stance::cli::run(cli, &mut printed))
        .map_err(|err| command_error(&err))?;
    let printed = String::from_utf8_lossy(&printed).into_owned();
    if code != ExitCode::SUCCESS {
        return Err(stance_error(format!(
            "the command failed; what it printed:\n{printed}"
        )));
    }
    Ok(printed)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Model>()?;
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add("StanceError", m.py().get_type::<StanceError>())?;
    Ok(())
}
