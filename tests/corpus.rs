//! The shipped corpus `data/quotes.csv` and the shipped model `models/default`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use stance::{Corpus, ReadOptions, Row};

use crate::util::{assert_success, json_lines, stdout};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rows() -> Vec<Row> {
    Corpus::read(&[root().join("data/quotes.csv")], &ReadOptions::default())
        .expect("data/quotes.csv loads")
        .rows
}

/// `q0001.2` → `q0001`: rows of one quote share the part before the dot.
fn quote_id(row: &Row) -> String {
    let id = row.id.as_deref().expect("every row has an id");
    id.split('.').next().unwrap_or(id).to_string()
}

#[test]
fn size_and_label_balance() {
    let rows = rows();
    let quotes: BTreeSet<String> = rows.iter().map(quote_id).collect();
    assert!(rows.len() >= 3000, "{} rows", rows.len());
    assert!(quotes.len() >= 600, "{} quotes", quotes.len());
    for task in stance::Task::ALL {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for row in &rows {
            *counts
                .entry(row.label(task).expect("every row is labelled"))
                .or_default() += 1;
        }
        assert_eq!(counts.len(), 3, "{counts:?}");
        for (label, count) in counts {
            let share = count as f64 / rows.len() as f64;
            assert!(
                share >= 0.2,
                "{} `{label}` is {:.1}% of rows",
                task.name(),
                100.0 * share
            );
        }
    }
}

#[test]
fn hard_cases_in_numbers() {
    let rows = rows();
    let mut stances: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for row in &rows {
        stances
            .entry(quote_id(row))
            .or_default()
            .insert(row.stance.as_deref().unwrap());
    }
    let mixed = stances.values().filter(|s| s.len() >= 2).count();
    assert!(
        mixed >= 400,
        "{mixed} quotes concern actors with different stances"
    );
}

/// Word trigrams of a text, lowercased.
fn trigrams(text: &str) -> HashSet<[String; 3]> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words
        .windows(3)
        .map(|w| [w[0].clone(), w[1].clone(), w[2].clone()])
        .collect()
}

#[test]
fn no_near_duplicates() {
    let rows = rows();
    // One text per quote: the context (the quote in its sentence), else the quote.
    let mut texts: BTreeMap<String, &str> = BTreeMap::new();
    for row in &rows {
        texts
            .entry(quote_id(row))
            .or_insert(row.context.as_deref().unwrap_or(&row.text));
    }
    let texts: Vec<(&String, HashSet<[String; 3]>)> =
        texts.iter().map(|(id, t)| (id, trigrams(t))).collect();
    let mut index: HashMap<&[String; 3], Vec<usize>> = HashMap::new();
    for (i, (_, grams)) in texts.iter().enumerate() {
        for gram in grams {
            index.entry(gram).or_default().push(i);
        }
    }
    let mut duplicates = Vec::new();
    for (i, (id, grams)) in texts.iter().enumerate() {
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for gram in grams {
            for &j in &index[gram] {
                if j > i {
                    *shared.entry(j).or_default() += 1;
                }
            }
        }
        for (j, count) in shared {
            let smaller = grams.len().min(texts[j].1.len());
            if count as f64 > 0.8 * smaller as f64 {
                duplicates.push(format!("{id} ~ {}", texts[j].0));
            }
        }
    }
    assert!(
        duplicates.is_empty(),
        "near-duplicate quotes: {duplicates:?}"
    );
}

#[test]
fn the_split_keeps_quotes_and_articles_apart() {
    let rows = rows();
    let options = |split: &str| ReadOptions {
        split: Some(split.into()),
        ..ReadOptions::default()
    };
    let path = [root().join("data/quotes.csv")];
    let train = Corpus::read(&path, &options("train")).unwrap().rows;
    let test = Corpus::read(&path, &options("test")).unwrap().rows;
    assert_eq!(
        train.len() + test.len(),
        rows.len(),
        "every row is in train or test"
    );
    let ids = |rows: &[Row]| rows.iter().map(quote_id).collect::<HashSet<_>>();
    let texts = |rows: &[Row]| rows.iter().map(|r| r.text.clone()).collect::<HashSet<_>>();
    let articles = |rows: &[Row]| {
        rows.iter()
            .map(|r| r.article.clone())
            .collect::<HashSet<_>>()
    };
    assert!(ids(&train).is_disjoint(&ids(&test)));
    assert!(texts(&train).is_disjoint(&texts(&test)));
    assert!(articles(&train).is_disjoint(&articles(&test)));
    let share = test.len() as f64 / rows.len() as f64;
    assert!((0.15..0.3).contains(&share), "test share {share}");
}

/// The committed model must be what the documented command makes from the committed data.
#[test]
fn the_default_model_is_reproducible_from_the_data() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains(&DEFAULT_MODEL_COMMAND.join(" ")),
        "the README shows another command for models/default"
    );
    let dir = tempfile::tempdir().unwrap();
    let model: PathBuf = dir.path().join("default");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_stance"))
        .current_dir(root())
        .args(DEFAULT_MODEL_COMMAND)
        .arg(&model)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    for file in [
        "model.json",
        "weights.safetensors",
        "tokenizer.json",
        "MODEL_CARD.md",
    ] {
        let shipped = std::fs::read(root().join("models/default").join(file))
            .expect("models/default is committed");
        let retrained = std::fs::read(model.join(file)).unwrap();
        assert!(
            shipped == retrained,
            "models/default/{file} differs from a retrain on data/quotes.csv: retrain it with \
             `cargo run --release -- {} models/default`",
            DEFAULT_MODEL_COMMAND.join(" ")
        );
    }
}

/// How `models/default` is trained (the README shows it; the model path follows).
const DEFAULT_MODEL_COMMAND: [&str; 19] = [
    "train",
    "--data",
    "data/quotes.csv",
    "--split",
    "train",
    "--cv",
    "5",
    "--grid-c",
    "10",
    "--grid-class-weight",
    "balanced",
    "--grid-per-actor",
    "no",
    "--grid-word-ngrams",
    "1-3",
    "--target-window",
    "4",
    "--force",
    "--model",
];

/// The README's first command: the default model on the seed article gives the labels a reader
/// gives its statements, but for ICE's pitch to the NYPD (a reader says `favor`; the model says
/// `neutral`, favor second, as the README reports), which must at least not come out `against`.
#[test]
fn the_default_model_on_the_seed_article() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stance"))
        .current_dir(root())
        .args(["predict", "seeds/ice-nypd-mamdani.txt", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_success(&output);
    let rows = json_lines(&stdout(&output));
    let find = |quote: &str, actor: &str| {
        rows.iter()
            .find(|r| r["quote"].as_str().unwrap().contains(quote) && r["actor"] == actor)
    };
    let row = |quote: &str, actor: &str| {
        find(quote, actor).unwrap_or_else(|| panic!("no row for {quote:?} toward {actor}"))
    };
    let communist = row("communist", "Zohran Mamdani");
    assert_eq!(communist["speaker"], "Donald Trump");
    assert_eq!(communist["stance"], "against");
    let rogue = row("rogue agency", "ICE");
    assert_eq!(rogue["speaker"], "Zohran Mamdani");
    assert_eq!(rogue["stance"], "against");
    let warning = row("consider resigning", "Zohran Mamdani");
    assert_eq!(warning["stance"], "against");
    let willing = row("willing to work with the president", "Donald Trump");
    assert_ne!(willing["stance"], "against");
    assert!(find("willing to work with the president", "ICE").is_none());
    let pitch = row("an agency that respects you", "NYPD");
    assert_eq!(pitch["speaker"], "ICE");
    assert_ne!(pitch["stance"], "against");
}

/// The shipped model on real news it never saw: PolNeAR's labelled statements in `../shared`
/// (read by path, never copied here). A floor a little under what the README reports (stance
/// macro-F1 42.0, sentiment 50.1), so a change that loses the real-news gain fails here. The
/// file missing is a failure that names it, unless `STANCE_SKIP_SHARED=1` asks to skip.
#[test]
fn the_default_model_on_real_news() {
    let file = root().join("../shared/data/polnear-train/stance.csv");
    if !file.exists() {
        if std::env::var_os("STANCE_SKIP_SHARED").is_some() {
            eprintln!("skipped: {} is missing", file.display());
            return;
        }
        panic!(
            "{} is missing: this test scores the shipped model on it; set STANCE_SKIP_SHARED=1 \
             to skip the tests that read ../shared",
            file.display()
        );
    }
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stance"))
        .current_dir(root())
        .args(["evaluate", "--bootstrap", "0", "--format", "json", "--data"])
        .arg(&file)
        .output()
        .unwrap();
    assert_success(&output);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let macro_f1 = |head: &str| report[head]["macro_f1"].as_f64().unwrap();
    assert_eq!(report["stance"]["rows"], 534);
    assert!(macro_f1("stance") >= 0.40, "stance {}", macro_f1("stance"));
    assert!(
        macro_f1("sentiment") >= 0.47,
        "sentiment {}",
        macro_f1("sentiment")
    );
}
