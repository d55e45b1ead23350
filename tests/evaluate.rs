//! `stance evaluate`.

use predicates::str::contains;

use crate::util::{fixture, stdout, Workspace};

#[test]
fn json_report_has_the_documented_shape() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let output = ws
        .stance()
        .args(["evaluate", "--model", "m", "--format", "json", "--data"])
        .arg(fixture("labelled.csv"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["rows"], 36);
    for task in ["stance", "sentiment"] {
        let r = &report[task];
        for key in ["accuracy", "macro_f1", "f_avg"] {
            let v = r[key].as_f64().unwrap_or_else(|| panic!("{task}.{key}"));
            assert!((0.0..=1.0).contains(&v), "{task}.{key} = {v}");
        }
        assert_eq!(r["labels"].as_object().unwrap().len(), 3);
        assert!(r["labels"]
            .as_object()
            .unwrap()
            .values()
            .all(|l| l["support"] == 12));
        assert_eq!(r["confusion"]["matrix"].as_array().unwrap().len(), 3);
        assert_eq!(r["per_actor"].as_object().unwrap().len(), 3);
        assert!(r["baseline"]["accuracy"].as_f64().unwrap() < r["accuracy"].as_f64().unwrap());
    }
    // Trained and scored on the same rows, the model must fit them.
    assert!(report["stance"]["accuracy"].as_f64().unwrap() > 0.9);
}

#[test]
fn table_report_names_metrics_and_baseline() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    ws.stance()
        .args(["evaluate", "--model", "m", "--data"])
        .arg(fixture("labelled.csv"))
        .assert()
        .success()
        .stdout(contains("F_avg"))
        .stdout(contains("majority baseline"))
        .stdout(contains("confusion"))
        .stdout(contains("Nurses Union"));
}

#[test]
fn model_errors_are_clear() {
    let ws = Workspace::new();
    ws.stance()
        .args(["evaluate", "--model", "absent", "--data"])
        .arg(fixture("labelled.csv"))
        .assert()
        .failure()
        .stderr(contains("absent: no model folder here"));
    ws.train_fixture("m");
    let model = ws.path("m/model.json");
    let text = std::fs::read_to_string(&model).unwrap();
    std::fs::write(
        &model,
        text.replacen("\"format_version\":2", "\"format_version\":7", 1),
    )
    .unwrap();
    ws.stance()
        .args(["evaluate", "--model", "m", "--data"])
        .arg(fixture("labelled.csv"))
        .assert()
        .failure()
        .stderr(contains(
            "model format version 7, but this stance reads versions 1 to 2",
        ));
    std::fs::write(
        &model,
        "{\"format\": \"stance-model\", \"format_version\": 1, \"features\": 3}",
    )
    .unwrap();
    ws.stance()
        .args(["evaluate", "--model", "m", "--data"])
        .arg(fixture("labelled.csv"))
        .assert()
        .failure()
        .stderr(contains("not a valid stance model"));
}

#[test]
fn unlabelled_data_cannot_be_evaluated() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let rows = ws.write("rows.csv", "text,actor\nsome words,X\n");
    ws.stance()
        .args(["evaluate", "--model", "m", "--data"])
        .arg(rows)
        .assert()
        .failure()
        .stderr(contains("no row has a label the model predicts"));
}

#[test]
fn extraction_report_on_the_gold_set() {
    let ws = Workspace::new();
    let gold = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gold");
    let output = ws
        .stance()
        .args(["evaluate", "--format", "json", "--extraction"])
        .arg(&gold)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["articles"], 6);
    assert!(report["overlap"]["f1"].as_f64().unwrap() >= 0.8, "{report}");
    ws.stance()
        .args(["evaluate", "--extraction"])
        .arg(&gold)
        .assert()
        .success()
        .stdout(contains("speaker accuracy"));
    ws.stance()
        .args(["evaluate", "--extraction", "nowhere"])
        .assert()
        .failure()
        .stderr(contains("nowhere"));
}
