//! The bad-input matrix: a model file `train` would never write, and settings out of range.
//! Each case gets a named error with exit status 1 (bad input) or 2 (bad command line), and
//! nothing changes on disk.

use std::path::Path;

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

use crate::util::{fixture, Workspace};

/// A change to a model file.
type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;

/// Trains the fixture model into `m`, then rewrites its `model.json` through `edit`.
fn edited_model(ws: &Workspace, edit: impl FnOnce(&mut serde_json::Value)) {
    if !ws.path("m").exists() {
        ws.train_fixture("m");
    }
    let path = ws.path("m/model.json");
    let mut file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut file);
    std::fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();
}

/// `predict` with model `m` on the labelled fixture fails with status 1 and a message holding
/// every one of `expected`.
fn refused(ws: &Workspace, expected: &[&str]) {
    let mut assert = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "jsonl"])
        .arg(fixture("labelled.csv"))
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("not a valid stance model"));
    for part in expected {
        assert = assert.stderr(contains(*part));
    }
}

#[test]
fn a_model_file_train_would_never_write_is_refused_with_the_field_named() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let original = std::fs::read(ws.path("m/model.json")).unwrap();
    let restore = |ws: &Workspace| std::fs::write(ws.path("m/model.json"), &original).unwrap();
    let set = |pointer: &str, value: serde_json::Value| {
        let pointer = pointer.to_string();
        move |file: &mut serde_json::Value| *file.pointer_mut(&pointer).unwrap() = value
    };
    let cases: Vec<(Edit, &[&str])> = vec![
        (
            Box::new(set(
                "/features/params/terms/word_ngrams/max",
                2_147_483_648u64.into(),
            )),
            &["word_ngrams", "1-2147483648"],
        ),
        (
            Box::new(set(
                "/features/params/terms/char_ngrams/max",
                9_007_199_254_740_992u64.into(),
            )),
            &["char_ngrams"],
        ),
        (
            Box::new(set(
                "/features/params/terms/target_window",
                4_294_967_297u64.into(),
            )),
            &["target_window", "4294967297"],
        ),
        (
            Box::new(set("/heads/0/temperature", 0.0.into())),
            &["temperature is 0"],
        ),
        (
            Box::new(set("/heads/0/temperature", (-0.0).into())),
            &["temperature is -0"],
        ),
        (
            Box::new(set("/heads/0/temperature", 5e-324.into())),
            &["temperature"],
        ),
        (
            Box::new(set("/heads/0/temperature", (-1.0).into())),
            &["temperature is -1"],
        ),
        (
            Box::new(set("/heads", serde_json::json!([]))),
            &["no heads"],
        ),
        (
            Box::new(|file: &mut serde_json::Value| {
                let head = &mut file["heads"][0];
                head["labels"] = serde_json::json!(["against"]);
                head["label_counts"] = serde_json::json!([3]);
            }),
            &["head.0.shared.weights"],
        ),
        (
            Box::new(|file: &mut serde_json::Value| {
                let first = file["heads"][0].clone();
                file["heads"][1] = first;
            }),
            &["two stance heads"],
        ),
    ];
    for (edit, expected) in cases {
        edited_model(&ws, edit);
        refused(&ws, expected);
        restore(&ws);
    }
    // The untouched model still predicts.
    ws.stance()
        .args(["predict", "--model", "m", "--format", "jsonl"])
        .arg(fixture("labelled.csv"))
        .assert()
        .success();
}

#[test]
fn a_tokenizer_without_the_placeholders_is_refused() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let path = ws.path("m/tokenizer.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("[TARGET]", "[TARGEX]")).unwrap();
    refused(&ws, &["tokenizer.json", "the vocabulary has no [TARGET]"]);
}

#[test]
fn settings_out_of_range_exit_2_naming_the_flag_and_write_nothing() {
    let ws = Workspace::new();
    let cases: &[(&[&str], &str)] = &[
        (&["--c=-1"], "--c"),
        (&["--c", "0"], "--c"),
        (&["--max-iter", "0"], "--max-iter"),
        (&["--target-window", "100000"], "--target-window"),
        (&["--word-ngrams", "1-9"], "--word-ngrams"),
        (&["--cv", "1"], "--cv"),
        (&["--cv", "100000"], "--cv"),
    ];
    for (flags, flag) in cases {
        ws.train_fixture_command("m")
            .args(*flags)
            .assert()
            .code(2)
            .stderr(contains(format!("for {flag}")));
        assert!(!ws.path("m").exists(), "{flags:?} left a model");
        assert_eq!(std::fs::read_dir(ws.dir.path()).unwrap().count(), 0);
    }
    ws.train_fixture("m");
    for value in ["2", "NaN", "inf", "-0.5"] {
        ws.stance()
            .args(["predict", "--model", "m"])
            .arg(format!("--min-confidence={value}"))
            .arg(fixture("articles/harbor-council.txt"))
            .assert()
            .code(2)
            .stderr(contains("--min-confidence"))
            .stderr(contains("expected a number from 0 to 1"));
    }
}

#[test]
fn training_that_keeps_no_feature_is_refused() {
    let ws = Workspace::new();
    ws.stance()
        .args(["train", "--data"])
        .arg(fixture("labelled.csv"))
        .args(["--model", "m", "--min-df", "1000000"])
        .assert()
        .code(2)
        .stderr(contains("--min-df"))
        .stderr(contains("keeps some terms"));
    assert!(!ws.path("m").exists());
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_an_error_that_names_standard_output() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let predict = || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_stance"));
        command
            .current_dir(ws.dir.path())
            .args(["predict", "--model", "m", "--format", "jsonl"])
            .arg(fixture("labelled.csv"));
        command
    };
    let full = predict()
        .stdout(std::fs::File::create(Path::new("/dev/full")).unwrap())
        .output()
        .unwrap();
    assert_eq!(full.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&full.stderr);
    assert!(
        stderr.contains("standard output: No space left"),
        "{stderr}"
    );
}

#[test]
fn files_in_another_shape_get_a_message_that_says_what_they_are() {
    let ws = Workspace::new();
    let train = |file: &str| {
        ws.stance()
            .args(["train", "--data", file, "--model", "m"])
            .assert()
            .code(1)
    };
    // UTF-16, with its byte-order mark and without.
    ws.write("bom.csv", b"\xff\xfet\x00e\x00x\x00t\x00\n\x00");
    train("bom.csv").stderr(contains("bom.csv:1:1: UTF-16 text"));
    ws.write("plain.csv", b"t\x00e\x00x\x00t\x00,\x00a\x00\n\x00");
    train("plain.csv").stderr(contains("the file looks like UTF-16"));
    // A quote mark opened and never closed.
    ws.write(
        "open.csv",
        "text,actor,stance\n\"abc,ICE,favor\nx,y,against\n",
    );
    train("open.csv").stderr(contains("open.csv:2:").and(contains("never closes")));
    // A header of 100,000 columns is named by its first ones.
    let wide: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    ws.write("wide.csv", wide.join(",") + "\n");
    let output = ws
        .stance()
        .args(["train", "--data", "wide.csv", "--model", "m"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("(100000 columns in all)"), "{stderr}");
    assert!(stderr.len() < 1_000, "{} bytes", stderr.len());
    ws.stance()
        .args([
            "train",
            "--data",
            "wide.csv",
            "--model",
            "m",
            "--delimiter",
            "\"",
        ])
        .assert()
        .code(2)
        .stderr(contains("other than the quote mark"));
    assert!(!ws.path("m").exists());
}
