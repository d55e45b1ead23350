//! `stance train`.

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

use std::path::PathBuf;

use stance::{persist, Corpus};

use crate::util::{fixture, Workspace};

#[test]
fn trains_and_prints_a_summary() {
    let ws = Workspace::new();
    ws.stance()
        .args(["train", "--data"])
        .arg(fixture("labelled.csv"))
        .args(["--model", "m", "--min-df", "1"])
        .assert()
        .success()
        .stdout(contains("on 36 rows from 1 file(s)"))
        .stdout(contains(
            "stance: 36 labelled rows (against 12, favor 12, none 12)",
        ))
        .stdout(contains("sentiment: 36 labelled rows"));
    for file in [
        "model.json",
        "weights.safetensors",
        "tokenizer.json",
        "metadata.json",
        "MODEL_CARD.md",
    ] {
        assert!(ws.path("m").join(file).is_file(), "{file}");
    }
    let metadata = std::fs::read_to_string(ws.path("m/metadata.json")).unwrap();
    assert!(metadata.contains("\"sha256\""), "{metadata}");
    assert!(metadata.contains("\"training_seconds\""), "{metadata}");
    let card = std::fs::read_to_string(ws.path("m/MODEL_CARD.md")).unwrap();
    assert!(card.contains("**stance**: 36 labelled rows (against 12, favor 12, none 12)"));
    assert!(card.contains("None: trained on every row"), "{card}");
}

#[test]
fn the_model_card_names_the_data_and_gives_the_held_out_figures_of_split() {
    let ws = Workspace::new();
    let labelled = std::fs::read_to_string(fixture("labelled.csv")).unwrap();
    let mut lines = labelled.lines();
    let mut csv = format!("{},split\n", lines.next().unwrap());
    for (i, line) in lines.enumerate() {
        let split = ["train", "train", "test", ""][i % 4];
        csv += &format!("{line},{split}\n");
    }
    let data = ws.write("split.csv", &csv);
    let sha256 = {
        use sha2::Digest;
        format!("{:x}", sha2::Sha256::digest(csv.as_bytes()))
    };
    let train_on_the_split = |force: &[&str]| {
        ws.stance()
            .args(["train", "--data"])
            .arg(&data)
            .args([
                "--model",
                "m",
                "--min-df",
                "1",
                "--vocab-min-frequency",
                "1",
            ])
            .args(["--split", "train"])
            .args(force)
            .assert()
            .success();
    };
    train_on_the_split(&[]);
    let card = std::fs::read_to_string(ws.path("m/MODEL_CARD.md")).unwrap();
    assert!(card.contains(&sha256), "{card}");
    assert!(card.contains("| 18 |"), "the 18 training rows: {card}");
    assert!(
        card.contains("On the 9 rows of the training files outside the split `train`"),
        "{card}"
    );
    assert!(card.contains("| stance | 9 |"), "{card}");
    assert!(card.contains("## Known limits"), "{card}");
    // The same figures are in `metadata.json`, and the card has no clock in it.
    let metadata: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path("m/metadata.json")).unwrap()).unwrap();
    assert_eq!(metadata["held_out"]["rows"], 9);
    assert_eq!(metadata["held_out"]["trained_on"], "train");
    train_on_the_split(&["--force"]);
    assert_eq!(
        std::fs::read_to_string(ws.path("m/MODEL_CARD.md")).unwrap(),
        card
    );
}

#[test]
fn same_data_and_flags_give_the_same_bytes_whatever_the_thread_count() {
    let ws = Workspace::new();
    // Per-actor models too, so that heads and actors' models are fitted side by side.
    for (model, threads) in [("a", "1"), ("b", "4")] {
        ws.train_fixture_command(model)
            .env("RAYON_NUM_THREADS", threads)
            .args(["--per-actor", "--min-actor-rows", "10"])
            .assert()
            .success()
            .stdout(contains("own models for 3 actor(s)"));
    }
    for file in ["model.json", "weights.safetensors", "tokenizer.json"] {
        let a = std::fs::read(ws.path("a").join(file)).unwrap();
        let b = std::fs::read(ws.path("b").join(file)).unwrap();
        assert!(a == b, "{file} differs between two identical runs");
    }
}

#[test]
fn a_failed_train_leaves_the_previous_model() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let before = std::fs::read(ws.path("m/model.json")).unwrap();
    let bad = ws.write("bad.csv", "text,actor,stance\nhello,X,favor\n,X,against\n");
    ws.stance()
        .args(["train", "--data"])
        .arg(&bad)
        .args(["--model", "m", "--force"])
        .assert()
        .failure()
        .stderr(contains("bad.csv:3: column `text` is empty"));
    assert_eq!(std::fs::read(ws.path("m/model.json")).unwrap(), before);
}

#[test]
fn an_existing_model_is_replaced_only_with_force() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let before = std::fs::read(ws.path("m/model.json")).unwrap();
    ws.train_fixture_command("m")
        .args(["--c", "1"])
        .assert()
        .failure()
        .stderr(contains(
            "m: a model folder (or file) is already there; pass --force",
        ));
    assert_eq!(std::fs::read(ws.path("m/model.json")).unwrap(), before);
    // A file in the way is not replaced either.
    ws.write("file", "not a model");
    ws.train_fixture_command("file").assert().failure();
    assert_eq!(std::fs::read(ws.path("file")).unwrap(), b"not a model");
    ws.train_fixture_command("m")
        .args(["--c", "1", "--force"])
        .assert()
        .success();
    assert_ne!(std::fs::read(ws.path("m/model.json")).unwrap(), before);
}

#[test]
fn bad_input_names_file_line_and_column() {
    let ws = Workspace::new();
    let mention = ["--mention-columns", "from,to"];
    let cases: [(&str, &[u8], &[&str], &str); 9] = [
        (
            "missing.csv",
            b"words,actor,stance\na,X,favor\n",
            &[],
            "missing.csv:1: missing column `text`",
        ),
        (
            "latin.csv",
            b"text,actor,stance\ncaf\xe9,X,favor\n",
            &[],
            "latin.csv:2:4: invalid UTF-8 (byte 0xe9)",
        ),
        (
            "one.csv",
            b"text,actor,stance\na,X,favor\nb,X,FAVOR\n",
            &[],
            "stance: every labelled row has the label `favor`",
        ),
        (
            "ragged.csv",
            b"text,actor\na,X\nb,X,c\n",
            &[],
            "ragged.csv:3: expected 2 fields like the header, found 3",
        ),
        (
            "ok.csv",
            b"text,actor,stance\na,X,favor\n",
            &["--delimiter", "colon-ish"],
            "invalid value `colon-ish` for --delimiter",
        ),
        (
            "ok2.csv",
            b"text,actor,stance\na,X,favor\n",
            &["--encoding", "ebcdic"],
            "invalid value `ebcdic` for --encoding",
        ),
        (
            "offsets.csv",
            "text,actor,stance,from,to\nhe left,X,favor,0,2\nshe,X,none,1,9\n".as_bytes(),
            &mention,
            "offsets.csv:3: column `to` holds `9`; expected an end after the start (1) and \
             within the 3 characters of column `text`",
        ),
        (
            "no-offsets.csv",
            b"text,actor,stance\na,X,favor\n",
            &mention,
            "no-offsets.csv:1: missing column `from`",
        ),
        (
            "ok3.csv",
            b"text,actor,stance\na,X,favor\n",
            &["--mention-columns", "from"],
            "invalid value `from` for --mention-columns",
        ),
    ];
    for (name, contents, flags, expected) in cases {
        let path = ws.write(name, contents);
        ws.stance()
            .args(["train", "--data"])
            .arg(&path)
            .args(["--model", "m"])
            .args(flags)
            .assert()
            .failure()
            .stderr(contains(expected));
    }
    ws.stance()
        .args(["train", "--data", "nowhere.csv", "--model", "m"])
        .assert()
        .failure()
        .stderr(contains("nowhere.csv: No such file"));
    assert!(!ws.path("m").exists());
}

#[test]
fn other_encodings_and_delimiters_load() {
    let ws = Workspace::new();
    let mut data = b"ID\tTarget\tTweet\tStance\n".to_vec();
    for (i, (tweet, stance)) in [
        (&b"\x93great\x94 work"[..], "FAVOR"),
        (&b"awful \x96 work"[..], "AGAINST"),
    ]
    .iter()
    .enumerate()
    {
        for copy in 0..3 {
            data.extend(format!("{i}{copy}\tUnion\t").as_bytes());
            data.extend(*tweet);
            data.extend(format!(" {copy}\t{stance}\n").as_bytes());
        }
    }
    let path = ws.write("tweets.txt", data);
    ws.stance()
        .args(["train", "--data"])
        .arg(&path)
        .args(["--model", "m", "--delimiter", "tab", "--encoding", "cp1252"])
        .args([
            "--text-column",
            "Tweet",
            "--actor-column",
            "Target",
            "--stance-column",
            "Stance",
        ])
        .args(["--min-df", "1", "--vocab-min-frequency", "1"])
        .assert()
        .success()
        .stdout(contains("stance: 6 labelled rows (against 3, favor 3)"));
}

#[test]
fn linfa_solver_trains_small_vocabularies() {
    let ws = Workspace::new();
    ws.stance()
        .args(["train", "--data"])
        .arg(fixture("labelled.csv"))
        .args([
            "--model",
            "m",
            "--solver",
            "linfa",
            "--class-weight",
            "none",
        ])
        .args(["--char-ngrams", "0", "--word-ngrams", "1"])
        .assert()
        .success();
    ws.stance()
        .args(["train", "--data"])
        .arg(fixture("labelled.csv"))
        .args(["--model", "m2", "--solver", "linfa"])
        .assert()
        .failure()
        .stderr(contains("linfa-logistic ignores row weights"));
}

#[test]
fn cv_picks_the_best_mean_records_it_and_trains_with_it() {
    let ws = Workspace::new();
    let cv_flags = [
        "--min-df",
        "1",
        "--cv",
        "3",
        "--grid-c",
        "0.01,10",
        "--grid-class-weight",
        "balanced",
        "--grid-per-actor",
        "no",
        "--grid-word-ngrams",
        "1,1-2",
        "--grid-side-ngrams",
        "0,1-2",
        "--grid-kind-norm",
        "no,yes",
    ];
    ws.stance()
        .args(["train", "--data"])
        .arg(fixture("labelled.csv"))
        .args(["--model", "tuned"])
        .args(cv_flags)
        .assert()
        .success()
        .stdout(contains("3-fold cross-validation, stance-macro-f1"));
    let metadata: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path("tuned/metadata.json")).unwrap())
            .unwrap();
    let tuning = &metadata["tuning"];
    let candidates = tuning["candidates"].as_array().unwrap();
    assert_eq!(
        candidates.len(),
        16,
        "2 word ranges x 2 side ranges x 2 normalisations x 2 values of C"
    );
    let means: Vec<f64> = candidates
        .iter()
        .map(|c| c["mean"].as_f64().unwrap())
        .collect();
    let chosen = tuning["chosen"].as_u64().unwrap() as usize;
    assert!(means.iter().all(|&m| m <= means[chosen]), "{means:?}");
    for candidate in candidates {
        assert_eq!(candidate["folds"].as_array().unwrap().len(), 3);
    }
    // The recorded settings hold the chosen setting and the search: the library trains the same
    // model from them.
    retrains_the_same_model(&ws, "tuned");
    // Trained with the chosen setting as flags, without --cv, it is the same model ...
    let setting = &candidates[chosen]["setting"];
    let params = &metadata["settings"]["params"];
    assert_eq!(params["logistic"]["c"], setting["c"]);
    let terms = &params["features"]["terms"];
    assert_eq!(terms["word_ngrams"], setting["word_ngrams"]);
    assert_eq!(terms["side_ngrams"], setting["side_ngrams"]);
    assert_eq!(params["features"]["kind_norm"], setting["kind_norm"]);
    let range = |range: &serde_json::Value| match (range["min"].as_u64(), range["max"].as_u64()) {
        (_, Some(0)) => "0".to_string(),
        (Some(min), Some(max)) => format!("{min}-{max}"),
        _ => panic!("a range: {range}"),
    };
    let word = range(&setting["word_ngrams"]);
    let side = range(&setting["side_ngrams"]);
    let c = setting["c"].as_f64().unwrap().to_string();
    let kind_norm: &[&str] = if setting["kind_norm"] == true {
        &[]
    } else {
        &["--no-kind-norm"]
    };
    ws.stance()
        .args(["train", "--data"])
        .arg(fixture("labelled.csv"))
        .args([
            "--model",
            "plain",
            "--min-df",
            "1",
            "--word-ngrams",
            &word,
            "--side-ngrams",
            &side,
            "--c",
            &c,
        ])
        .args(kind_norm)
        .assert()
        .success();
    // ... apart from the temperatures fitted to the chosen setting's out-of-fold predictions.
    let read = |dir: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(ws.path(dir).join("model.json")).unwrap()).unwrap()
    };
    let (mut tuned, plain) = (read("tuned"), read("plain"));
    let calibration = tuning["calibration"].as_array().unwrap();
    assert_eq!(calibration.len(), 2, "one temperature per head");
    for (head, fitted) in tuned["heads"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .zip(calibration)
    {
        assert_eq!(head["task"], fitted["task"]);
        assert_eq!(head["temperature"], fitted["temperature"]);
        assert!(fitted["temperature"].as_f64().unwrap() > 0.0);
        head["temperature"] = serde_json::json!(1.0);
    }
    assert!(
        tuned == plain,
        "the tuned model is not the one its flags train"
    );
}

#[test]
fn cv_flags_are_checked() {
    let ws = Workspace::new();
    let cases: [(&[&str], &str); 4] = [
        (&["--cv", "3", "--c", "5"], "cannot be used with"),
        (&["--grid-c", "1,10"], "--cv"),
        (&["--cv", "1"], "at least 2 folds"),
        (
            &["--cv", "3", "--grid-word-ngrams", "3-1"],
            "--grid-word-ngrams",
        ),
    ];
    for (flags, message) in cases {
        ws.stance()
            .args(["train", "--data"])
            .arg(fixture("labelled.csv"))
            .args(["--model", "m"])
            .args(flags)
            .assert()
            .failure()
            .stderr(contains(message));
    }
    assert!(!ws.path("m").exists());
}

#[test]
fn mention_columns_mark_the_target_whatever_its_words() {
    // Who is praised is told only by where the mark is: the words are the same for both rows
    // and every actor's name is new, so neither the text nor the name can tell them apart.
    let ws = Workspace::new();
    let mut data = String::from("text,actor,stance,from,to\n");
    let verbs = [
        "praised",
        "thanked",
        "hailed",
        "lauded",
        "saluted",
        "applauded",
        "honoured",
        "cheered",
    ];
    for (i, verb) in verbs.iter().enumerate() {
        let text = format!("He {verb} her");
        let end = text.chars().count();
        data += &format!("{text},Praised {i},favor,{},{end}\n", end - 3);
        data += &format!("{text},Speaker {i},none,0,2\n");
    }
    let train = ws.write("marked.csv", data);
    let flags = ["--min-df", "1", "--vocab-min-frequency", "1"];
    ws.stance()
        .args(["train", "--data"])
        .arg(&train)
        .args(["--model", "m", "--mention-columns", "from,to"])
        .args(flags)
        .assert()
        .success();
    let metadata = std::fs::read_to_string(ws.path("m/metadata.json")).unwrap();
    assert!(
        metadata.contains(r#""mention":["from","to"]"#),
        "{metadata}"
    );

    let new = ws.write(
        "new.csv",
        "text,actor,from,to\nHe commended her,Zoe,13,16\nHe commended her,Yan,0,2\n",
    );
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "jsonl"])
        .arg(&new)
        .args(["--mention-columns", "from,to"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stances: Vec<String> = crate::util::stdout(&output)
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["stance"].to_string())
        .collect();
    assert_eq!(stances, [r#""favor""#, r#""none""#]);
    assert!(output.stderr.is_empty(), "{output:?}");

    // Reading the same rows without the marks works, with a note that says what differs.
    ws.stance()
        .args(["evaluate", "--model", "m", "--data"])
        .arg(&train)
        .assert()
        .success()
        .stderr(contains(
            "was trained with --mention-columns from,to; rows read without it are masked by \
             the actor's name only",
        ));
}

#[test]
fn without_flags_actor_models_and_normalisation_are_chosen_from_the_data() {
    let ws = Workspace::new();
    let metadata = |model: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(ws.path(model).join("metadata.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    // Every actor of the fixture has 12 rows: at 10, each may have its own model, so a quick
    // cross-validation chooses between shared and own models and the two normalisations.
    ws.train_fixture_command("chosen")
        .args(["--min-actor-rows", "10"])
        .assert()
        .success()
        .stdout(contains("3-fold cross-validation, stance-macro-f1"))
        .stdout(contains("(chosen by 3-fold cross-validation;"));
    let chosen = metadata("chosen");
    let tuning = &chosen["tuning"];
    assert_eq!(
        tuning["candidates"].as_array().unwrap().len(),
        4,
        "{tuning}"
    );
    let setting = &tuning["candidates"][tuning["chosen"].as_u64().unwrap() as usize]["setting"];
    // The settings record the choice and the search that made it.
    let settings = &chosen["settings"];
    assert_eq!(settings["params"]["per_actor"], setting["per_actor"]);
    assert_eq!(
        settings["params"]["features"]["kind_norm"],
        setting["kind_norm"]
    );
    assert_eq!(settings["search"]["folds"], 3);
    retrains_the_same_model(&ws, "chosen");
    let own = if setting["per_actor"].as_bool().unwrap() {
        "own"
    } else {
        "shared"
    };
    let norm = if setting["kind_norm"].as_bool().unwrap() {
        "apart"
    } else {
        "whole"
    };
    // Chosen by hand, nothing is searched.
    ws.train_fixture_command("by-hand")
        .args([
            "--min-actor-rows",
            "10",
            "--actor-models",
            own,
            "--kind-norm",
            norm,
        ])
        .assert()
        .success()
        .stdout(contains("cross-validation").not());
    assert!(metadata("by-hand")["tuning"].is_null());
    // At the default 30 rows every actor is thin: one shared model, said so, and no search.
    ws.train_fixture_command("thin")
        .assert()
        .success()
        .stdout(contains(
            "actor models: one shared model (3 of 3 actor(s) have fewer than 30 labelled rows",
        ))
        .stdout(contains("cross-validation,").not());
    let thin = metadata("thin");
    assert!(thin["tuning"].is_null());
    assert_eq!(thin["settings"]["params"]["per_actor"], false);
    assert_eq!(thin["settings"]["params"]["features"]["kind_norm"], true);
    assert!(thin["settings"]["search"].is_null());
    retrains_the_same_model(&ws, "thin");
}

/// Trains again through the library, from the files and settings the metadata of the model
/// folder `model` records, and checks the model is the same, byte for byte.
fn retrains_the_same_model(ws: &Workspace, model: &str) {
    let folder = ws.path(model);
    let metadata = persist::load_metadata(&folder).unwrap();
    let files: Vec<PathBuf> = metadata.files.iter().map(|f| ws.path(&f.path)).collect();
    let corpus = Corpus::read(&files, &metadata.settings.read).unwrap();
    let trained = metadata.settings.train(&corpus.rows, |_, _| {}).unwrap();
    assert_eq!(trained.settings, metadata.settings);
    assert_eq!(trained.tuning, metadata.tuning);
    let again = ws.path(&format!("{model}-again"));
    persist::save(&again, &trained.model, &metadata).unwrap();
    for file in [
        "model.json",
        "weights.safetensors",
        "tokenizer.json",
        "MODEL_CARD.md",
    ] {
        assert!(
            std::fs::read(folder.join(file)).unwrap() == std::fs::read(again.join(file)).unwrap(),
            "{model}/{file} differs when trained again from its recorded settings"
        );
    }
}

/// The README's tables of `stance train`'s flags give the defaults the flags have (which are
/// the library's): a flag's default is written in one place, and the tables must follow it.
#[test]
fn the_readme_gives_the_defaults_the_flags_have() {
    use clap::CommandFactory;

    let command = stance::cli::Cli::command();
    let train = command.find_subcommand("train").expect("a train command");
    let defaults: std::collections::HashMap<String, String> = train
        .get_arguments()
        .filter(|arg| arg.get_action().takes_values() && !arg.get_default_values().is_empty())
        .map(|arg| {
            let values: Vec<&str> = arg
                .get_default_values()
                .iter()
                .map(|value| value.to_str().unwrap())
                .collect();
            (format!("--{}", arg.get_long().unwrap()), values.join(","))
        })
        .collect();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let flags_section = readme
        .split("### Flags")
        .nth(1)
        .and_then(|rest| rest.split("\n`stance evaluate`").next())
        .expect("the README's flag tables");
    let mut checked = 0;
    for row in flags_section
        .lines()
        .filter(|line| line.starts_with("| `--"))
    {
        let cells: Vec<&str> = row.split(" | ").collect();
        let flags = cells[0].trim_start_matches("| ").split(", ");
        let shown = cells[1].split(", ");
        for (flag, shown) in flags.zip(shown) {
            let flag = flag.trim_matches('`').split(' ').next().unwrap();
            if let Some(default) = defaults.get(flag) {
                assert_eq!(
                    shown.trim_matches('`'),
                    default,
                    "the README's default of {flag}"
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 25,
        "only {checked} defaults found in the README's tables"
    );
}
