//! `stance upgrade-model`.

use predicates::str::contains;

use crate::util::{fixture, stdout, Workspace};

#[test]
fn an_upgraded_model_predicts_the_same_and_a_missing_one_is_a_clear_error() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let predict = |ws: &Workspace| {
        let output = ws
            .stance()
            .args(["predict", "--model", "m", "--format", "jsonl"])
            .arg(fixture("labelled.csv"))
            .output()
            .unwrap();
        assert!(output.status.success());
        stdout(&output)
    };
    let before = predict(&ws);
    let weights = std::fs::read(ws.path("m/weights.safetensors")).unwrap();
    ws.stance()
        .args(["upgrade-model", "m"])
        .assert()
        .success()
        .stderr(contains("m is now in model format 3"));
    // A model already in the current format is rewritten to the same bytes.
    assert!(std::fs::read(ws.path("m/weights.safetensors")).unwrap() == weights);
    assert_eq!(predict(&ws), before);
    ws.stance()
        .args(["upgrade-model", "absent"])
        .assert()
        .failure()
        .stderr(contains("cannot upgrade absent"))
        .stderr(contains("no model folder here"));
}
