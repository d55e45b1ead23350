//! The Python package (`python/`, `pyproject.toml`): built with maturin into a virtual
//! environment, then its tests (`python/tests`) run against the `stance` binary of this build,
//! whose output they must match row for row.
//!
//! The environment is kept in `target/python-env`; the first run fills it from PyPI (maturin,
//! pandas, pyarrow, and pyspark and dask for the engines' tests; about 40 s). Without `python3` and its `venv` module these tests say they skipped, on
//! standard error, unless `STANCE_REQUIRE_PYTHON` is set, when they fail: CI sets it, so the
//! package can never pass silently there.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// What the package needs to build and to be tested, the engines of `stance.engines`
/// included (`mapInArrow` needs Spark 3.3; Spark 4 needs Java 17, which the machines have).
const REQUIREMENTS: &[&str] = &[
    "maturin>=1.5,<2",
    "pandas>=1.5",
    "pyarrow>=10",
    "pyspark>=3.3",
    "dask[dataframe]>=2023.1",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `command`, panicking with its output when it fails.
fn run(command: &mut Command, what: &str) -> String {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("{what}: {err}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout + &String::from_utf8_lossy(&output.stderr)
}

/// The virtual environment's Python with this build of the package installed, or `None` (with
/// a note) when there is no Python and it is not required. Built once per test run.
fn python() -> Option<&'static Path> {
    static PYTHON: OnceLock<Option<PathBuf>> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let has_venv = Command::new("python3")
                .args(["-c", "import venv, ensurepip"])
                .output()
                .is_ok_and(|output| output.status.success());
            if !has_venv {
                assert!(
                    std::env::var_os("STANCE_REQUIRE_PYTHON").is_none(),
                    "python3 with venv is missing and STANCE_REQUIRE_PYTHON is set"
                );
                eprintln!("skipped: no python3 with its venv module (the Python package's tests)");
                return None;
            }
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map_or_else(|| root().join("target"), PathBuf::from);
            let env = target.join("python-env");
            let python = env.join("bin").join("python");
            if !python.exists() {
                run(
                    Command::new("python3").arg("-m").arg("venv").arg(&env),
                    "python3 -m venv",
                );
            }
            run(
                Command::new(&python)
                    .args([
                        "-m",
                        "pip",
                        "install",
                        "--quiet",
                        "--disable-pip-version-check",
                    ])
                    .args(REQUIREMENTS),
                "pip install the package's requirements",
            );
            // `maturin develop` builds the extension (the dev profile) into the environment.
            run(
                Command::new(env.join("bin").join("maturin"))
                    .arg("develop")
                    .arg("--quiet")
                    .current_dir(root())
                    .env("VIRTUAL_ENV", &env),
                "maturin develop",
            );
            Some(python)
        })
        .as_deref()
}

#[test]
fn the_python_package_gives_what_the_command_line_gives() {
    let Some(python) = python() else { return };
    let printed = run(
        Command::new(python)
            .args([
                "-m",
                "unittest",
                "discover",
                "--verbose",
                "--start-directory",
            ])
            .arg(root().join("python").join("tests"))
            .env("STANCE_BIN", env!("CARGO_BIN_EXE_stance"))
            .current_dir(root()),
        "the Python package's tests",
    );
    assert!(printed.contains("OK"), "{printed}");
}
