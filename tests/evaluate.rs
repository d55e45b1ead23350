//! `stance evaluate`.

use predicates::str::contains;

use crate::util::{assert_success, fixture, json_lines, stdout, Workspace};

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
    let output = ws
        .stance()
        .args(["evaluate", "--model", "absent", "--data"])
        .arg(fixture("labelled.csv"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("absent: no model folder here"), "{stderr}");
    assert!(
        stderr.contains("point --model at the shipped model"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("no model folder here").count(),
        1,
        "{stderr}"
    );
    ws.train_fixture("m");
    let model = ws.path("m/model.json");
    let text = std::fs::read_to_string(&model).unwrap();
    std::fs::write(
        &model,
        text.replacen("\"format_version\":3", "\"format_version\":7", 1),
    )
    .unwrap();
    ws.stance()
        .args(["evaluate", "--model", "m", "--data"])
        .arg(fixture("labelled.csv"))
        .assert()
        .failure()
        .stderr(contains(
            "model format version 7, but this stance reads versions 1 to 3",
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
    let rows = ws.write("rows.csv", "text,actor,label\nsome words,X,favor\n");
    ws.stance()
        .args(["evaluate", "--model", "m", "--data"])
        .arg(rows)
        .assert()
        .failure()
        .stderr(contains("looked for the columns `stance` and `sentiment`"))
        .stderr(contains("rows.csv has text, actor, label)"));
}

#[test]
fn a_header_split_by_another_delimiter_gets_a_hint() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let rows = ws.write("rows.csv", "text;actor;stance\nsome words;X;favor\n");
    ws.stance()
        .args(["evaluate", "--model", "m", "--data"])
        .arg(&rows)
        .assert()
        .failure()
        .stderr(contains(
            "rows.csv:1: missing column `text` (the header has: text;actor;stance)",
        ))
        .stderr(contains("pass --delimiter semicolon"));
    ws.stance()
        .args([
            "evaluate",
            "--model",
            "m",
            "--delimiter",
            "semicolon",
            "--data",
        ])
        .arg(&rows)
        .assert()
        .success();
}

#[test]
fn without_model_the_shipped_one_is_found_from_any_folder() {
    // The workspace has no models/default: the one beside the crate's source is used, and named.
    let ws = Workspace::new();
    let output = ws
        .stance()
        .args(["evaluate", "--bootstrap", "0", "--data"])
        .arg(fixture("labelled.csv"))
        .output()
        .unwrap();
    assert_success(&output);
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("stance: model {}", shipped.display())),
        "{stderr}"
    );
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
    assert_success(&output);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["articles"], 6);
    let all = &report["views"]["all"];
    for figure in [
        &all["overlap"]["f1"],
        &all["speaker"]["rate"],
        &report["actor_pairs"]["rate"],
    ] {
        assert!(figure.as_f64().unwrap() >= 0.8, "{report}");
    }
    // The project's format has no kind: quotes between marks are direct, the rest indirect.
    assert_eq!(report["gold_by_kind"]["direct"], 31);
    assert_eq!(report["gold_by_kind"]["indirect"], 28);
    ws.stance()
        .args(["evaluate", "--extraction"])
        .arg(&gold)
        .assert()
        .success()
        .stdout(contains("speaker acc (n)"))
        // 33 before statements kept to their own sentence's actors: the gold pairs
        // Whitfield's praise with the steel works named only in the sentence before it. 33
        // again since a relative clause no longer swallows the main verb after it (`The
        // Guild, which endorsed Hollis in June, praised her performance`, `Hollis, who is
        // seeking a third term, accused Pruitt …`): each gives its own statement.
        .stdout(contains("actor-pair recall: 33 / 36"));
    ws.stance()
        .args(["evaluate", "--extraction", "nowhere"])
        .assert()
        .failure()
        .stderr(contains("nowhere"));
}

/// The PolNeAR-format fixture: two short articles written for this test (`tests/fixtures/polnear`,
/// gold in `gold/`, articles in `articles/`), with a multi-byte name, a unit made of two
/// segments, a partial quote and an unannotated quote run. Reference figures obtained from
/// `score_quotes.py score` (the field's scorer) on the statements `--predictions` writes.
#[test]
fn extraction_report_on_polnear_gold_matches_the_scorer() {
    let ws = Workspace::new();
    let gold = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/polnear/gold");
    let output = ws
        .stance()
        .args(["evaluate", "--format", "json", "--errors", "errors.jsonl"])
        .args(["--predictions", "predictions.jsonl", "--extraction"])
        .arg(&gold)
        .output()
        .unwrap();
    assert_success(&output);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["articles"], 2);
    assert_eq!(report["gold_by_kind"]["partial"], 1);
    let prf = |view: &str, matching: &str| {
        let s = &report["views"][view][matching];
        let pct = |k: &str| (s[k].as_f64().unwrap() * 1000.0).round() / 10.0;
        (pct("precision"), pct("recall"), pct("f1"))
    };
    // view: (gold, pred, exact P/R/F1, overlap P/R/F1), as the scorer prints them.
    let expected = [
        ("direct", 3, 4, (75.0, 100.0, 85.7), (75.0, 100.0, 85.7)),
        (
            "direct*",
            3,
            3,
            (100.0, 100.0, 100.0),
            (100.0, 100.0, 100.0),
        ),
        ("indirect", 2, 3, (33.3, 50.0, 40.0), (66.7, 100.0, 80.0)),
        ("all", 5, 7, (57.1, 80.0, 66.7), (71.4, 100.0, 83.3)),
    ];
    for (view, gold, pred, exact, overlap) in expected {
        let v = &report["views"][view];
        assert_eq!(
            (v["gold"].as_u64(), v["predicted"].as_u64()),
            (Some(gold), Some(pred)),
            "{view}"
        );
        assert_eq!(prf(view, "exact"), exact, "{view} exact");
        assert_eq!(prf(view, "overlap"), overlap, "{view} overlap");
    }
    let all = &report["views"]["all"];
    assert_eq!(
        (
            all["speaker"]["hits"].as_u64(),
            all["speaker"]["total"].as_u64()
        ),
        (Some(5), Some(5))
    );
    assert_eq!(all["speaker_named"]["total"], 4);
    assert_eq!(all["recall_by_kind"]["indirect"]["hits"], 2);
    // The scorer has no confidence table: every attribution here is right, one through a
    // pronoun (`she said`, given 0.75) and the others through a name (0.95), so two groups
    // and a calibration error of ((n - 1) × 0.05 + 0.25) / n (worked out by hand).
    for (view, n) in [("all", 5), ("direct", 3)] {
        let reliability = &report["views"][view]["speaker_reliability"];
        let rows = reliability["rows"].as_array().unwrap();
        let groups: Vec<(f64, u64, u64)> = rows
            .iter()
            .map(|r| {
                (
                    r["confidence"].as_f64().unwrap(),
                    r["n"].as_u64().unwrap(),
                    r["right"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(groups, vec![(0.95, n - 1, n - 1), (0.75, 1, 1)], "{view}");
        let near = |v: &serde_json::Value, x: f64| (v.as_f64().unwrap() - x).abs() < 1e-9;
        let ece = ((n - 1) as f64 * 0.05 + 0.25) / n as f64;
        assert!(near(&reliability["ece"], ece), "{view}: {reliability}");
        assert!(
            near(&reliability["ece_with_speaker"], ece),
            "{view}: {reliability}"
        );
    }
    // Two spurious statements: a reported "defended" and the scare quote PolNeAR leaves out.
    let errors = json_lines(&std::fs::read_to_string(ws.path("errors.jsonl")).unwrap());
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors
        .iter()
        .all(|e| e["type"] == "spurious" && e["system"] == "stance"));
    assert_eq!(errors[1]["text"], "giveaway");
    assert_eq!(errors[1]["unannotated_quote_marks"], true);
    let predictions = std::fs::read_to_string(ws.path("predictions.jsonl")).unwrap();
    assert_eq!(predictions.lines().count(), 7);
    assert!(predictions.contains("\"article\":\"fx-school.txt\""));
    ws.stance()
        .args(["evaluate", "--extraction"])
        .arg(&gold)
        .assert()
        .success()
        .stdout(contains("direct*      3      3  100.0/100.0/100.0"))
        .stdout(contains("partial 1/1 (100.0%)"))
        .stdout(contains(
            "speaker confidence reliability, all view (n 5): ECE 0.090, 0.090 over those with a speaker\n\
             confidence      n  right  accuracy  mean confidence\n\
             0.95            4      4     1.000            0.950\n\
             0.75            1      1     1.000            0.750\n",
        ))
        .stdout(contains("reliability, direct view (n 3)"));
}

#[test]
fn malformed_gold_names_file_line_and_column() {
    let ws = Workspace::new();
    ws.write("a.txt", "Some words.");
    ws.write(
        "a.gold.json",
        "{\"article\": \"a.txt\", \"other_quote_runs\": [],\n \"quotes\": [{\"kind\": \"rumour\"}]}",
    );
    ws.stance()
        .args(["evaluate", "--extraction", "a.gold.json"])
        .assert()
        .failure()
        .stderr(contains("a.gold.json: invalid gold JSON at line 2, column"));
}

/// Eleven statements, five of them about two actors (one row per actor), that the fixture model
/// did not train on: some it gets right, some wrong, so the intervals have width.
const HELD_OUT: &str = "\
article,text,actor,stance,sentiment
s1,We thank the Transit Authority and blame Elena Ruiz for the delays,Transit Authority,favor,positive
s1,We thank the Transit Authority and blame Elena Ruiz for the delays,Elena Ruiz,against,negative
s1,The Nurses Union met the Transit Authority on Monday,Nurses Union,none,neutral
s1,The Nurses Union met the Transit Authority on Monday,Transit Authority,none,neutral
s2,Elena Ruiz is a good friend of the Nurses Union,Elena Ruiz,favor,positive
s2,Elena Ruiz is a good friend of the Nurses Union,Nurses Union,favor,positive
s2,The Nurses Union is reckless and Ruiz failed them,Nurses Union,against,negative
s2,The Nurses Union is reckless and Ruiz failed them,Elena Ruiz,against,negative
s3,Shame on Elena Ruiz for wasting millions,Elena Ruiz,against,negative
s3,The Transit Authority will vote on Friday,Transit Authority,none,neutral
s3,We are proud of the Nurses Union,Nurses Union,favor,positive
s3,Riders thank the Transit Authority and praise Ruiz,Transit Authority,favor,positive
s3,Riders thank the Transit Authority and praise Ruiz,Elena Ruiz,favor,positive
s4,The Transit Authority failed riders,Transit Authority,against,negative
s4,Elena Ruiz met the council,Elena Ruiz,none,neutral
s4,The nurses union has a new office,Nurses Union,none,positive
";

/// Every `*_ci` pair in a JSON value: each must be two fractions, low first.
fn intervals(value: &serde_json::Value, found: &mut Vec<(f64, f64)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                if key.ends_with("_ci") {
                    let pair = value.as_array().expect("an interval is a pair");
                    let (low, high) = (pair[0].as_f64().unwrap(), pair[1].as_f64().unwrap());
                    assert!(0.0 <= low && low <= high && high <= 1.0, "{key}: {value}");
                    found.push((low, high));
                } else {
                    intervals(value, found);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| intervals(v, found)),
        _ => {}
    }
}

#[test]
fn every_figure_has_a_bootstrap_interval_over_statements() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let data = ws.write("held-out.csv", HELD_OUT);
    let json = |extra: &[&str]| {
        let output = ws
            .stance()
            .args(["evaluate", "--model", "m", "--format", "json", "--data"])
            .arg(&data)
            .args(extra)
            .output()
            .unwrap();
        assert_success(&output);
        stdout(&output)
    };
    let text = json(&[]);
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["bootstrap"]["resamples"], 1000);
    assert_eq!(report["bootstrap"]["seed"], 42);
    assert_eq!(report["bootstrap"]["unit"], "statement");
    for task in ["stance", "sentiment"] {
        let r = &report[task];
        // 16 rows, 11 statements: the rows of one statement are one unit.
        assert_eq!(
            (r["rows"].as_u64(), r["statements"].as_u64()),
            (Some(16), Some(11))
        );
        for key in ["accuracy", "macro_f1", "f_avg"] {
            let ci = r[format!("{key}_ci")]
                .as_array()
                .unwrap_or_else(|| panic!("{task}.{key}"));
            assert_eq!(ci.len(), 2, "{task}.{key}_ci");
        }
        assert!(r["calibration_error_ci"].is_array(), "{task}");
        for scores in r["labels"].as_object().unwrap().values() {
            assert!(scores["f1_ci"].is_array() && scores["precision_ci"].is_array());
        }
        for summary in r["per_actor"].as_object().unwrap().values() {
            assert!(summary["macro_f1_ci"].is_array(), "{summary}");
        }
        assert!(
            r["baseline"].get("accuracy_ci").is_none(),
            "the baseline is a reference"
        );
    }
    let mut found = Vec::new();
    intervals(&report, &mut found);
    assert!(found.iter().any(|(low, high)| high > low), "{found:?}");
    assert_eq!(json(&[]), text, "the same seed gives the same bytes");
    assert_eq!(json(&["--seed", "42", "--bootstrap", "1000"]), text);
    assert_ne!(json(&["--seed", "7"]), text, "another seed, other draws");

    ws.stance()
        .args(["evaluate", "--model", "m", "--data"])
        .arg(&data)
        .assert()
        .success()
        .stdout(contains(
            "95% intervals: percentile bootstrap, 1000 resamples of the statements, seed 42",
        ))
        .stdout(contains("stance (16 labelled rows, 11 statements)"))
        .stdout(contains("model   95% interval     majority baseline"))
        .stdout(contains("majority baseline"));
}

#[test]
fn bootstrap_0_leaves_the_intervals_out() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let output = ws
        .stance()
        .args([
            "evaluate",
            "--model",
            "m",
            "--bootstrap",
            "0",
            "--format",
            "json",
        ])
        .arg("--data")
        .arg(fixture("labelled.csv"))
        .output()
        .unwrap();
    assert_success(&output);
    let text = stdout(&output);
    assert!(
        !text.contains("_ci\"") && !text.contains("\"bootstrap\""),
        "{text}"
    );
    assert!(!text.contains("\"statements\""), "{text}");
    let output = ws
        .stance()
        .args(["evaluate", "--model", "m", "--bootstrap", "0", "--data"])
        .arg(fixture("labelled.csv"))
        .output()
        .unwrap();
    assert_success(&output);
    let table = stdout(&output);
    assert!(!table.contains("95%") && !table.contains(" ["), "{table}");
    assert!(table.contains("majority baseline (against)"), "{table}");
}

#[test]
fn compared_with_itself_a_model_differs_by_nothing() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    std::fs::create_dir(ws.path("copy")).unwrap();
    for file in std::fs::read_dir(ws.path("m")).unwrap() {
        let file = file.unwrap().path();
        std::fs::copy(&file, ws.path("copy").join(file.file_name().unwrap())).unwrap();
    }
    let data = ws.write("held-out.csv", HELD_OUT);
    let output = ws
        .stance()
        .args([
            "evaluate",
            "--model",
            "m",
            "--compare",
            "copy",
            "--format",
            "json",
        ])
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert_success(&output);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(
        report["stance"]["macro_f1_ci"].is_array(),
        "the report is still there"
    );
    let comparison = &report["comparison"];
    assert_eq!(
        (&comparison["model"], &comparison["other"]),
        (&"m".into(), &"copy".into())
    );
    let differences = comparison["differences"].as_array().unwrap();
    // Accuracy, macro-F1 and F_avg of both heads.
    assert_eq!(differences.len(), 6, "{comparison}");
    for d in differences {
        assert_eq!(d["difference"], 0.0, "{d}");
        assert_eq!(d["difference_ci"], serde_json::json!([0.0, 0.0]), "{d}");
        assert_eq!(d["share_at_most_zero"], 1.0, "{d}");
        assert_eq!(d["excludes_zero"], false, "{d}");
        assert_eq!(d["statements"], 11, "{d}");
    }
    ws.stance()
        .args(["evaluate", "--model", "m", "--compare", "copy", "--data"])
        .arg(&data)
        .assert()
        .success()
        .stdout(contains("comparison: m minus copy"))
        .stdout(contains(
            "1000 resamples of 11 statements, the same for both",
        ))
        .stdout(contains("0.0  [0.0, 0.0]       1.000  no"))
        .stdout(contains("sentiment macro-F1"));
}

#[test]
fn compare_errors_are_clear() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let data = fixture("labelled.csv");
    ws.stance()
        .args(["evaluate", "--model", "m", "--compare", "absent", "--data"])
        .arg(&data)
        .assert()
        .failure()
        .stderr(contains("--compare: cannot load the other model"))
        .stderr(contains("absent: no model folder here"));
    ws.stance()
        .args([
            "evaluate",
            "--model",
            "m",
            "--compare",
            "m",
            "--bootstrap",
            "0",
        ])
        .arg("--data")
        .arg(&data)
        .assert()
        .failure()
        .stderr(contains("expected at least 1 resample with --compare"));
    // The same rows with `neutral` for `none`: a model with another label set.
    let renamed = std::fs::read_to_string(&data)
        .unwrap()
        .replace(",none,", ",neutral,");
    let other_data = ws.write("renamed.csv", renamed);
    ws.stance()
        .args(["train", "--model", "other", "--min-df", "1"])
        .args(["--vocab-min-frequency", "1", "--data"])
        .arg(&other_data)
        .assert()
        .success();
    ws.stance()
        .args(["evaluate", "--model", "m", "--compare", "other", "--data"])
        .arg(&data)
        .assert()
        .failure()
        .stderr(contains(
            "--compare other: cannot compare the models: the model's stance labels are \
             [against, favor, none], the other's [against, favor, neutral]",
        ));
}

/// A parsed page and a CSS selector's matches in it.
fn select<'a>(page: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = scraper::Selector::parse(css).unwrap_or_else(|_| panic!("selector {css}"));
    page.select(&selector).collect()
}

/// The text of an element, white space trimmed.
fn text_of(element: &scraper::ElementRef) -> String {
    element.text().collect::<String>().trim().to_string()
}

/// Fails unless the page needs nothing from elsewhere: no script or style sheet from a file or
/// the network, no URL in any `src` or `href`.
fn assert_self_contained(html: &str, page: &scraper::Html) {
    assert!(!html.contains("<script src"), "a script from elsewhere");
    assert!(select(page, "script[src]").is_empty());
    assert!(select(page, "link").is_empty(), "a <link>");
    for element in select(page, "[src], [href]") {
        for attribute in ["src", "href"] {
            if let Some(value) = element.value().attr(attribute) {
                assert!(
                    !value.contains("http://") && !value.contains("https://"),
                    "{attribute}={value}"
                );
            }
        }
    }
}

#[test]
fn html_report_shows_the_figures_heat_maps_calibration_and_mistakes() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let held_out = ws.write("held-out.csv", HELD_OUT);
    let output = ws
        .stance()
        .args([
            "evaluate",
            "--model",
            "m",
            "--format",
            "json",
            "--bootstrap",
            "50",
        ])
        .args(["--report", "report.html", "--data"])
        .arg(&held_out)
        .output()
        .unwrap();
    assert_success(&output);
    // The text report is printed as without --report.
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let html = std::fs::read_to_string(ws.path("report.html")).expect("the page is written");
    let page = scraper::Html::parse_document(&html);
    assert_self_contained(&html, &page);
    for task in ["stance", "sentiment"] {
        let section = format!("section#{task}");
        // The confusion heat map holds the counts of the JSON report, row by row.
        let expected: Vec<Vec<u64>> = report[task]["confusion"]["matrix"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                row.as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_u64().unwrap())
                    .collect()
            })
            .collect();
        let rows: Vec<Vec<u64>> = select(&page, &format!("{section} table.heat tbody tr"))
            .iter()
            .map(|tr| {
                let cells: Vec<_> = tr
                    .select(&scraper::Selector::parse("td.cell").unwrap())
                    .collect();
                cells
                    .iter()
                    .map(|td| text_of(td).parse().unwrap())
                    .collect()
            })
            .collect();
        assert_eq!(rows, expected, "{task}");
        // Cells are shaded by their share of the row.
        let cells = select(&page, &format!("{section} table.heat td.cell"));
        assert!(cells.iter().all(|td| td
            .value()
            .attr("style")
            .is_some_and(|s| s.contains("background"))));
        // The headline figures are the report's.
        let accuracy = format!("{:.1}", 100.0 * report[task]["accuracy"].as_f64().unwrap());
        let headline = text_of(&select(&page, &format!("{section} table.headline"))[0]);
        assert!(
            headline.contains(&accuracy),
            "{task}: {accuracy} in {headline}"
        );
        assert!(headline.contains("majority baseline"));
        // Bars per label and per actor, a reliability diagram with its bins' counts.
        assert_eq!(
            select(&page, &format!("{section} svg.bars")).len(),
            3,
            "{task}"
        );
        let diagram = select(&page, &format!("{section} svg.reliability"));
        assert_eq!(diagram.len(), 1, "{task}");
        assert_eq!(
            select(&page, &format!("{section} svg.reliability line.diagonal")).len(),
            1
        );
        let binned: u64 = select(&page, &format!("{section} svg.reliability text.count"))
            .iter()
            .map(|t| text_of(t).parse::<u64>().unwrap())
            .sum();
        assert_eq!(binned, report[task]["rows"].as_u64().unwrap(), "{task}");
        let ece = format!("{:.3}", report[task]["calibration_error"].as_f64().unwrap());
        assert!(
            html.contains(&format!("Expected calibration error {ece}")),
            "{task}"
        );
        // The mistakes: as many as the confusion matrix has off the diagonal (fewer than 20
        // here), most probable first.
        let wrong: u64 = expected
            .iter()
            .enumerate()
            .map(|(i, row)| {
                row.iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, c)| c)
                    .sum::<u64>()
            })
            .sum();
        assert!(wrong > 0, "the held-out rows have mistakes");
        let mistakes = select(
            &page,
            &format!("{section} section.mistakes table.mistakes tbody tr"),
        );
        assert_eq!(mistakes.len() as u64, wrong.min(20), "{task}");
        let probabilities: Vec<f64> = mistakes
            .iter()
            .map(|tr| {
                let cells: Vec<_> = tr
                    .select(&scraper::Selector::parse("td").unwrap())
                    .collect();
                text_of(&cells[5]).parse().unwrap()
            })
            .collect();
        assert!(
            probabilities.windows(2).all(|w| w[0] >= w[1]),
            "{probabilities:?}"
        );
        let first: Vec<String> = mistakes[0]
            .select(&scraper::Selector::parse("td").unwrap())
            .map(|td| text_of(&td))
            .collect();
        assert!(HELD_OUT.contains(&first[1]), "the row's text: {first:?}");
        assert_ne!(first[3], first[4], "gold and predicted differ: {first:?}");
        // Each mistake is explained: its top terms (at most 5), kind and signed contribution.
        let explained = format!("{section} section.mistakes table.mistakes tbody tr ul.terms");
        let explained = select(&page, &explained);
        assert_eq!(explained.len(), mistakes.len(), "{task}");
        for list in explained {
            let terms: Vec<String> = list
                .select(&scraper::Selector::parse("li").unwrap())
                .map(|li| text_of(&li))
                .collect();
            assert!((1..=5).contains(&terms.len()), "{terms:?}");
            assert!(
                terms
                    .iter()
                    .all(|t| t.contains('(') && (t.contains('+') || t.contains('-'))),
                "{terms:?}"
            );
        }
    }
}

#[test]
fn html_report_of_extraction_lists_the_errors_by_article() {
    let ws = Workspace::new();
    let gold = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/polnear/gold");
    let output = ws
        .stance()
        .args(["evaluate", "--report", "extraction.html", "--extraction"])
        .arg(&gold)
        .output()
        .unwrap();
    assert_success(&output);
    assert!(stdout(&output).contains("direct*      3      3  100.0/100.0/100.0"));
    let html = std::fs::read_to_string(ws.path("extraction.html")).expect("the page is written");
    let page = scraper::Html::parse_document(&html);
    assert_self_contained(&html, &page);
    assert_eq!(select(&page, "table.views tbody tr").len(), 4);
    // The fixture's two spurious statements (see the test above), the scare quote among them.
    let spurious: Vec<String> = select(&page, "section.article table.spurious tbody tr")
        .iter()
        .map(text_of)
        .collect();
    assert_eq!(spurious.len(), 2, "{spurious:?}");
    assert!(
        spurious
            .iter()
            .any(|row| row.contains("giveaway") && row.contains("unannotated")),
        "{spurious:?}"
    );
    // Under the article they come from.
    let articles: Vec<String> = select(&page, "section.article h3")
        .iter()
        .map(text_of)
        .collect();
    assert!(!articles.is_empty());
    assert!(
        articles.iter().all(|a| a.starts_with("fx-")),
        "{articles:?}"
    );
}

#[test]
fn html_report_to_a_missing_folder_fails_before_the_work_and_leaves_nothing() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let before: Vec<_> = std::fs::read_dir(ws.dir.path()).unwrap().collect();
    ws.stance()
        .args([
            "evaluate",
            "--model",
            "m",
            "--report",
            "absent/report.html",
            "--data",
        ])
        .arg(fixture("labelled.csv"))
        .assert()
        .failure()
        .stdout("")
        .stderr(contains("--report"))
        .stderr(contains("absent/report.html"))
        .stderr(contains("no folder absent"));
    assert!(!ws.path("absent").exists());
    let after: Vec<_> = std::fs::read_dir(ws.dir.path()).unwrap().collect();
    assert_eq!(
        before.len(),
        after.len(),
        "nothing written beside the model"
    );
    let gold = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/polnear/gold");
    ws.stance()
        .args([
            "evaluate",
            "--report",
            "absent/extraction.html",
            "--extraction",
        ])
        .arg(&gold)
        .assert()
        .failure()
        .stderr(contains("absent/extraction.html"));
    assert!(!ws.path("absent").exists());
}
