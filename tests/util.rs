//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A temporary working folder with the fixtures at hand.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        Workspace {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file in the workspace and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).expect("write fixture");
        path
    }

    /// `stance` run in the workspace.
    pub fn stance(&self) -> Command {
        let mut command = Command::cargo_bin("stance").expect("the stance binary");
        command.current_dir(self.dir.path());
        command
    }

    /// Trains `model` on the labelled fixture with small-data settings.
    pub fn train_fixture(&self, model: &str) {
        self.train_fixture_command(model).assert().success();
    }

    /// The command [`Workspace::train_fixture`] runs, for more flags or environment.
    pub fn train_fixture_command(&self, model: &str) -> Command {
        let mut command = self.stance();
        command
            .args(["train", "--data"])
            .arg(fixture("labelled.csv"))
            .args([
                "--model",
                model,
                "--min-df",
                "1",
                "--vocab-min-frequency",
                "1",
            ]);
        command
    }
}

/// A file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Fails the test, showing the command's standard error, unless it succeeded.
pub fn assert_success(output: &std::process::Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Lines of JSON (`predict --format jsonl`, `--errors`), parsed.
pub fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

/// The text of a finished command's standard output.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}
