//! `stance predict` on labelled-CSV-shaped rows.

use predicates::str::contains;

use crate::util::{fixture, stdout, Workspace};

#[test]
fn csv_rows_get_labels_and_probabilities() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let rows = ws.write(
        "new.csv",
        "id,text,actor\nr1,We are proud of the Nurses Union,Nurses Union\nr2,Ruiz has failed tenants,Elena Ruiz\n",
    );
    let output = ws
        .stance()
        .args(["predict", "--model", "m"])
        .arg(&rows)
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = stdout(&output);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    for column in [
        "quote_id",
        "actor",
        "stance",
        "stance_probability",
        "sentiment",
        "p_stance_favor",
    ] {
        assert!(header.iter().any(|h| h == column), "{column} in {header:?}");
    }
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let get =
        |r: &csv::StringRecord, c: &str| r[header.iter().position(|h| h == c).unwrap()].to_string();
    assert_eq!(records.len(), 2);
    assert_eq!(get(&records[0], "quote_id"), "r1");
    assert_eq!(get(&records[0], "stance"), "favor");
    assert_eq!(get(&records[1], "stance"), "against");
    let p: f64 = get(&records[1], "stance_probability").parse().unwrap();
    assert!(p > 1.0 / 3.0 && p <= 1.0);
}

#[test]
fn stdin_to_jsonl_in_a_pipe() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "jsonl", "-"])
        .write_stdin("text,actor\nThe Transit Authority has failed riders,Transit Authority\n")
        .output()
        .unwrap();
    assert!(output.status.success());
    let line: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(line["stance"], "against");
    let sum: f64 = line["stance_probabilities"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!((sum - 1.0).abs() < 1e-9);
}

#[test]
fn a_bad_file_fails_the_run_but_not_the_others() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let good = ws.write("good.csv", "text,actor\nProud of Ruiz,Elena Ruiz\n");
    ws.stance()
        .args(["predict", "--model", "m", "missing.csv"])
        .arg(&good)
        .assert()
        .failure()
        .stderr(contains("missing.csv"))
        .stdout(contains("Proud of Ruiz"));
}

#[test]
fn table_fits_eighty_columns() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "table"])
        .arg(fixture("labelled.csv"))
        .output()
        .unwrap();
    assert!(output.status.success());
    for line in stdout(&output).lines() {
        assert!(line.chars().count() <= 80, "{line}");
    }
}
