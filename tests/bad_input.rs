//! The bad-input matrix: files that are not what they should be (empty, binary, a header
//! alone, UTF-16, a field over the size limit), a folder with something unreadable in it, a
//! damaged model folder or a model file `train` would never write, a model folder that cannot
//! be written, and settings out of range. Each case gets a named error with exit status 1
//! (bad input) or 2 (bad command line), as README's "Exit statuses" says, and nothing changes
//! on disk. Cases elsewhere: invalid UTF-8, a missing column, a ragged row, an empty text and
//! one-class labels in `train.rs` (`bad_input_names_file_line_and_column`,
//! `a_failed_train_leaves_the_previous_model`); a binary or empty article in `predict.rs`
//! (`bad_inputs_are_reported_and_the_rest_is_processed`), a closed pipe there too
//! (`a_closed_pipe_is_a_clean_exit`); another format version in `evaluate.rs`
//! (`model_errors_are_clear`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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

/// Every file and link under `root` with its bytes (a link: where it leads), to show that a
/// failed run changed nothing; a folder that cannot be listed counts as a name alone.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            found.insert(folder, b"(not listed)".to_vec());
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let kind = std::fs::symlink_metadata(&path).unwrap().file_type();
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                found.insert(path, target.into_os_string().into_encoded_bytes());
            } else if kind.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                found.insert(path, bytes);
            } else {
                found.insert(path, b"(special)".to_vec());
            }
        }
    }
    found
}

#[test]
fn a_field_over_the_size_limit_is_refused_where_it_starts() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    // One byte over the documented limit of 1 MiB takes the path a 100 MB field takes: the
    // field is refused as soon as it passes the limit, whatever its size (a 100 MB field is
    // refused in the same time; scripts/benchmark, section 7, measures it).
    const LIMIT: usize = 1024 * 1024;
    let mut text = "Ruiz said the plan is bad. ".repeat(LIMIT / 27 + 1);
    text.truncate(LIMIT - 2);
    let rows = |field: &str| {
        format!(
            "text,actor,stance,sentiment\nProud of Ruiz,Elena Ruiz,favor,positive\n\
             The plan fails,Elena Ruiz,against,negative\n\"{field}\",Elena Ruiz,against,negative\n"
        )
    };
    // The field with its two quote marks is exactly the limit: read.
    ws.write("at-limit.csv", rows(&text));
    text.push('x');
    ws.write("big.csv", rows(&text));
    let before = snapshot(ws.dir.path());
    let message = "big.csv:4:1: column `text` holds more than 1 MiB (1048576 bytes), the most \
                   stance reads in a field";
    // `predict` writes the rows before it, then stops the file.
    ws.stance()
        .args(["predict", "--model", "m", "--format", "jsonl", "big.csv"])
        .assert()
        .code(1)
        .stdout(contains("Proud of Ruiz").and(contains("The plan fails")))
        .stderr(contains(message));
    for command in ["train", "evaluate"] {
        let model = if command == "train" { "new" } else { "m" };
        ws.stance()
            .args([command, "--data", "big.csv", "--model", model])
            .assert()
            .code(1)
            .stdout("")
            .stderr(contains(message));
    }
    assert_eq!(snapshot(ws.dir.path()), before);
    // A field of the limit is read (by `evaluate`, which reads as `train` does).
    ws.stance()
        .args(["evaluate", "--model", "m", "--data", "at-limit.csv"])
        .assert()
        .success();
}

#[cfg(unix)]
#[test]
fn what_a_folder_holds_that_cannot_be_read_is_named_and_fails_the_run() {
    use std::os::unix::fs::{symlink, PermissionsExt};

    let ws = Workspace::new();
    ws.train_fixture("m");
    let articles = ws.path("articles");
    std::fs::create_dir_all(articles.join("2024")).unwrap();
    let article = std::fs::read(fixture("articles/harbor-council.txt")).unwrap();
    std::fs::write(articles.join("a.txt"), &article).unwrap();
    // Folders within are read too; a link back up is not walked round.
    std::fs::write(articles.join("2024/b.txt"), &article).unwrap();
    symlink("..", articles.join("2024/up")).unwrap();
    // A link to nothing: fails for every user, root included.
    symlink("nowhere.txt", articles.join("gone.txt")).unwrap();
    // A named pipe: opening it would wait for a writer that never comes.
    let pipe = std::process::Command::new("mkfifo")
        .arg(articles.join("pipe.txt"))
        .status()
        .is_ok_and(|status| status.success());
    if !pipe {
        eprintln!("no mkfifo here: the named pipe is not checked");
    }
    // A folder locked from this user, which root reads all the same.
    let locked = articles.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("c.txt"), &article).unwrap();
    let mode = |mode| std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(mode));
    mode(0o000).unwrap();
    let locks = std::fs::read_dir(&locked).is_err();
    if !locks {
        eprintln!(
            "running as a user who reads any folder (root): the locked folder is read, so \
             only the link to nothing (and the pipe) check the walk's errors"
        );
    }
    let before = snapshot(ws.dir.path());
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "jsonl", "articles"])
        .output()
        .unwrap();
    assert_eq!(snapshot(ws.dir.path()), before);
    mode(0o755).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "stance: error: articles/gone.txt: a link to nowhere.txt: No such file or directory"
        ),
        "{stderr}"
    );
    if pipe {
        assert!(
            stderr.contains("articles/pipe.txt: not a file or a folder (a named pipe"),
            "{stderr}"
        );
    }
    if locks {
        assert!(
            stderr.contains("articles/locked: Permission denied"),
            "{stderr}"
        );
    }
    // The rest is scored, each article once.
    let mut rows = BTreeMap::new();
    for row in crate::util::json_lines(&crate::util::stdout(&output)) {
        *rows
            .entry(row["article"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    let mut expected = vec!["articles/2024/b.txt", "articles/a.txt"];
    if !locks {
        expected.push("articles/locked/c.txt");
    }
    assert_eq!(rows.keys().collect::<Vec<_>>(), expected);
    let counts: Vec<&usize> = rows.values().collect();
    assert!(counts
        .iter()
        .all(|&&count| count == *counts[0] && count > 0));
}

#[test]
fn a_model_folder_that_cannot_be_written_is_refused_before_training() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    ws.write("notes.txt", "mine");
    let before = snapshot(ws.dir.path());
    // The data file does not exist either: the model folder is checked first.
    let train = |model: &str| {
        ws.stance()
            .args(["train", "--data", "nowhere.csv", "--model", model])
            .assert()
            .code(1)
            .stdout("")
    };
    // A path through a file, for every user.
    train("notes.txt/m").stderr(contains("notes.txt/m: Not a directory"));
    train("m/model.json/m").stderr(contains("m/model.json/m: Not a directory"));
    // A file system that takes no new folder, even from root.
    let sys_refuses = cfg!(target_os = "linux")
        && match std::fs::create_dir("/sys/stance-test") {
            Ok(()) => {
                std::fs::remove_dir("/sys/stance-test").unwrap();
                false
            }
            Err(_) => true,
        };
    if sys_refuses {
        train("/sys/stance-model").stderr(contains(
            "/sys/stance-model: cannot save a model here: no folder can be made in /sys",
        ));
    }
    assert_eq!(snapshot(ws.dir.path()), before);
    // A read-only folder holding a model, which root writes all the same.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir(ws.path("read-only")).unwrap();
        ws.train_fixture("read-only/m");
        let mode = |mode| {
            let permissions = std::fs::Permissions::from_mode(mode);
            std::fs::set_permissions(ws.path("read-only"), permissions)
        };
        mode(0o555).unwrap();
        let before = snapshot(ws.dir.path());
        if std::fs::create_dir(ws.path("read-only/probe")).is_ok() {
            std::fs::remove_dir(ws.path("read-only/probe")).unwrap();
            eprintln!(
                "running as a user who writes any folder (root): the read-only folder is not \
                 checked; /sys and the paths through a file check the same refusal"
            );
        } else {
            ws.train_fixture_command("read-only/m")
                .arg("--force")
                .assert()
                .code(1)
                .stderr(contains(
                    "read-only/m: cannot save a model here: no folder can be made in \
                     read-only: Permission denied",
                ));
        }
        assert_eq!(snapshot(ws.dir.path()), before);
        mode(0o755).unwrap();
    }
}

#[test]
fn empty_header_only_and_binary_data_files_are_named() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    ws.write("empty.csv", "");
    ws.write("blank.csv", "\n  \r\n");
    ws.write("header.csv", "text,actor,stance\n");
    // The start of an executable: NUL bytes, and bytes that are not UTF-8.
    ws.write(
        "binary.csv",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\xfe\xed\n",
    );
    let before = snapshot(ws.dir.path());
    let cases = [
        ("empty.csv", "empty.csv: the file is empty"),
        ("blank.csv", "blank.csv: the file is empty"),
        (
            "header.csv",
            "no rows: header.csv has a header and no row under it",
        ),
        (
            "binary.csv",
            "binary.csv: a binary file (it holds NUL bytes), not text",
        ),
    ];
    for (file, message) in cases {
        ws.stance()
            .args(["train", "--data", file, "--model", "new"])
            .assert()
            .code(1)
            .stderr(contains(message));
        ws.stance()
            .args(["evaluate", "--model", "m", "--data", file])
            .assert()
            .code(1)
            .stderr(contains(message));
    }
    // `predict` says the same of the empty and binary files, as data or as an article; a
    // header alone is a batch of no rows, which is not an error.
    for file in ["empty.csv", "blank.csv", "binary.csv"] {
        ws.stance()
            .args(["predict", "--model", "m", "--format", "jsonl", "--input"])
            .args(["article", file])
            .assert()
            .code(1)
            .stdout("")
            .stderr(contains(format!("{file}: ")));
    }
    ws.stance()
        .args(["predict", "--model", "m", "--format", "jsonl", "binary.csv"])
        .assert()
        .code(1)
        .stderr(contains("binary.csv: a binary file"));
    ws.stance()
        .args(["predict", "--model", "m", "--format", "jsonl", "header.csv"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert_eq!(snapshot(ws.dir.path()), before);
}

#[test]
fn a_damaged_model_folder_is_refused_naming_the_file() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let read = |file: &str| std::fs::read(ws.path(&format!("m/{file}"))).unwrap();
    let half = |bytes: Vec<u8>| bytes[..bytes.len() / 2].to_vec();
    // Bytes from a fixed recurrence, not a random generator: the same every run.
    let noise = |_: Vec<u8>| {
        (0..4096u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>()
    };
    // The stance head's first intercept set to NaN, where `weights.safetensors` keeps it.
    let nan = |mut bytes: Vec<u8>| {
        let length = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + length]).unwrap();
        let tensor = &header["head.0.shared.intercept"];
        assert_eq!(tensor["dtype"], "F32");
        let at = 8 + length + tensor["data_offsets"][0].as_u64().unwrap() as usize;
        bytes[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
        bytes
    };
    type Damage = Box<dyn Fn(Vec<u8>) -> Vec<u8>>;
    let cases: [(&str, Damage, &str); 7] = [
        (
            "model.json",
            Box::new(half),
            "m/model.json: not a valid stance model",
        ),
        (
            "model.json",
            Box::new(noise),
            "m/model.json: not a valid stance model",
        ),
        ("weights.safetensors", Box::new(half), "weights.safetensors"),
        (
            "weights.safetensors",
            Box::new(noise),
            "weights.safetensors",
        ),
        ("weights.safetensors", Box::new(nan), "not a finite number"),
        ("tokenizer.json", Box::new(half), "tokenizer.json"),
        ("tokenizer.json", Box::new(noise), "tokenizer.json"),
    ];
    for (file, damage, message) in cases {
        let original = read(file);
        std::fs::write(ws.path(&format!("m/{file}")), damage(original.clone())).unwrap();
        let before = snapshot(ws.dir.path());
        ws.stance()
            .args(["predict", "--model", "m", "--format", "jsonl"])
            .arg(fixture("labelled.csv"))
            .assert()
            .code(1)
            .stdout("")
            .stderr(contains(message));
        assert_eq!(snapshot(ws.dir.path()), before, "{file}");
        std::fs::write(ws.path(&format!("m/{file}")), original).unwrap();
    }
    // A model path that is a file.
    ws.stance()
        .args(["predict", "--model", "m/model.json"])
        .arg(fixture("labelled.csv"))
        .assert()
        .code(1)
        .stderr(contains("m/model.json: a file, not a model folder"));
}
