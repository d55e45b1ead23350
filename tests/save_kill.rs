//! Saving a model is atomic: `stance train` killed at each step of its save leaves the old
//! model or the new one at `--model`, never an error, and the next run clears what it left.
//!
//! The kills come from the test-only hook `STANCE_FAULT_AT=STEP` (see `src/persist.rs`), which
//! aborts the process at that step as abruptly as a kill; only builds with debug assertions
//! read it, so these tests run only in such builds.
#![cfg(debug_assertions)]

use std::process::Output;

use predicates::str::contains;

use crate::util::{assert_success, fixture, Workspace};

/// The model folder every test trains into.
const MODEL: &str = "m";

/// Which model a kill at a step leaves at [`MODEL`].
#[derive(Debug, Clone, Copy)]
enum Left {
    Old,
    New,
}

/// The steps of a save that swaps the folders with one exchange rename, in order.
const EXCHANGE_STEPS: [(&str, Left); 6] = [
    ("staging-created", Left::Old),
    ("model-written", Left::Old),
    ("staged", Left::Old),
    ("exchanged", Left::New),
    ("old-partly-removed", Left::New),
    ("saved", Left::New),
];

/// The steps of a save that uses the two-rename fallback (`STANCE_NO_EXCHANGE=1`), in order.
const FALLBACK_STEPS: [(&str, Left); 5] = [
    ("staged", Left::Old),
    ("moved-old", Left::Old),
    ("moved-new", Left::New),
    ("old-partly-removed", Left::New),
    ("saved", Left::New),
];

/// Trains the old model into [`MODEL`].
fn train_old(ws: &Workspace) {
    ws.train_fixture(MODEL);
}

/// The command that trains the new model over the old one (other settings, other labels'
/// probabilities), with the fallback if `fallback`.
fn train_new(ws: &Workspace, fallback: bool) -> assert_cmd::Command {
    let mut command = ws.train_fixture_command(MODEL);
    command.args(["--c", "1", "--force"]);
    if fallback {
        command.env("STANCE_NO_EXCHANGE", "1");
    }
    command
}

/// `stance predict` with [`MODEL`] on a fixture article.
fn predict(ws: &Workspace) -> Output {
    ws.stance()
        .args(["predict", "--model", MODEL])
        .arg(fixture("articles/harbor-council.txt"))
        .output()
        .expect("stance predict runs")
}

/// The names in the workspace that start with a dot: what a save leaves beside its folder.
fn hidden(ws: &Workspace) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(ws.dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// What `predict` prints with the old model and with the new one.
fn outputs() -> (Vec<u8>, Vec<u8>) {
    let ws = Workspace::new();
    train_old(&ws);
    let old = predict(&ws);
    assert_success(&old);
    train_new(&ws, false).assert().success();
    let new = predict(&ws);
    assert_success(&new);
    assert_ne!(old.stdout, new.stdout, "the two models must predict apart");
    (old.stdout, new.stdout)
}

/// Runs `command` with the fault at `step` and checks that it died there.
fn kill_at(mut command: assert_cmd::Command, step: &str) {
    let output = command
        .env("STANCE_FAULT_AT", step)
        .output()
        .expect("stance train runs");
    assert!(
        !output.status.success(),
        "{step}: the save was not killed (is the step still named so?)"
    );
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        // SIGABRT: the hook's abort, not an error exit.
        assert_eq!(output.status.signal(), Some(6), "{step}: {output:?}");
    }
}

/// For each step: from a folder holding the old model, a train of the new one killed at that
/// step; then `predict` gives the old model's output or the new one's, byte for byte (the one
/// the step should leave), and a train without a fault succeeds and leaves nothing behind. The
/// same with the train straight after the kill, so that the train's own recovery is tried too.
fn kill_at_each_step(steps: &[(&str, Left)], fallback: bool) {
    let (old, new) = outputs();
    for &(step, left) in steps {
        for predict_first in [true, false] {
            let ws = Workspace::new();
            train_old(&ws);
            kill_at(train_new(&ws, fallback), step);
            let after_kill = hidden(&ws);
            if predict_first {
                let output = predict(&ws);
                assert_success(&output);
                assert!(
                    output.stdout == old || output.stdout == new,
                    "{step}: neither model's output; left {after_kill:?}"
                );
                let expected = match left {
                    Left::Old => &old,
                    Left::New => &new,
                };
                assert!(
                    &output.stdout == expected,
                    "{step}: expected the {left:?} model; left {after_kill:?}"
                );
            }
            train_new(&ws, fallback).assert().success();
            assert_eq!(hidden(&ws), Vec::<String>::new(), "{step}: left behind");
            assert_eq!(predict(&ws).stdout, new, "{step}");
        }
    }
}

#[test]
fn a_train_killed_at_any_step_of_its_save_leaves_the_old_model_or_the_new_one() {
    kill_at_each_step(&EXCHANGE_STEPS, false);
}

#[test]
fn a_train_killed_at_any_step_of_the_fallback_leaves_the_old_model_or_the_new_one() {
    kill_at_each_step(&FALLBACK_STEPS, true);
}

#[test]
fn repeated_trains_leave_no_hidden_folders() {
    let ws = Workspace::new();
    train_old(&ws);
    for fallback in [false, true, false] {
        train_new(&ws, fallback).assert().success();
    }
    let names: Vec<_> = std::fs::read_dir(ws.dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, [MODEL]);
}

#[test]
fn a_file_or_the_working_folder_is_refused_before_anything_moves() {
    let ws = Workspace::new();
    let file = ws.write("file", "not a model");
    for force in [&[][..], &["--force"]] {
        ws.train_fixture_command("file")
            .args(force)
            .assert()
            .failure()
            .stderr(contains("file: not a folder"));
    }
    assert_eq!(std::fs::read(&file).unwrap(), b"not a model");
    let here = ws.dir.path().display().to_string();
    for folder in [".", "./", "..", here.as_str()] {
        ws.train_fixture_command(folder)
            .arg("--force")
            .assert()
            .failure()
            .stderr(contains(format!(
                "{folder}: the working folder, or a folder that holds it"
            )));
    }
    // Nothing was created or moved.
    let names: Vec<_> = std::fs::read_dir(ws.dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, ["file"]);
}
