//! Parquet in and out: articles and labelled rows read from Parquet give what their JSON lines
//! and CSV give, and `--format parquet` holds what the other formats hold.

use std::borrow::Cow;
use std::path::Path;

use serde_json::Value;
use stance::parquet::{Cell, ColumnKind, ParquetRecords, TableWriter};

use crate::util::{assert_success, fixture, json_lines, stdout, Workspace};

/// Writes a Parquet file of text columns (`None` is null), and of one integer column `year`
/// when `years` is given.
fn write_table(path: &Path, names: &[&str], rows: &[Vec<Option<&str>>], years: Option<&[u64]>) {
    let mut columns: Vec<(String, ColumnKind)> = names
        .iter()
        .map(|name| (name.to_string(), ColumnKind::Text))
        .collect();
    if years.is_some() {
        columns.push(("year".to_string(), ColumnKind::Unsigned));
    }
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut cells: Vec<Cell> = row
                .iter()
                .map(|value| Cell::Text(value.map(Cow::Borrowed)))
                .collect();
            if let Some(years) = years {
                cells.push(Cell::Unsigned(Some(years[i])));
            }
            cells
        })
        .collect();
    let mut out = Vec::new();
    let mut table = TableWriter::new(&mut out, columns).expect("a table");
    table.write(&cells).expect("rows written");
    table.finish().expect("table finished");
    std::fs::write(path, out).expect("file written");
}

fn articles() -> Vec<(String, String)> {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/ice-nypd-mamdani.txt");
    vec![
        ("seed".into(), std::fs::read_to_string(seed).unwrap()),
        (
            "harbor".into(),
            std::fs::read_to_string(fixture("articles/harbor-council.txt")).unwrap(),
        ),
    ]
}

#[test]
fn parquet_articles_give_what_their_json_lines_give() {
    let ws = Workspace::new();
    let articles = articles();
    let rows: Vec<Vec<Option<&str>>> = articles
        .iter()
        .map(|(id, text)| vec![Some(id.as_str()), Some(text.as_str()), Some("Daily")])
        .collect();
    write_table(
        &ws.path("articles.parquet"),
        &["id", "text", "outlet"],
        &rows,
        Some(&[2025, 2026]),
    );
    let lines: String = articles
        .iter()
        .zip([2025, 2026])
        .map(|((id, text), year)| {
            serde_json::json!({"id": id, "text": text, "outlet": "Daily", "year": year}).to_string()
                + "\n"
        })
        .collect();
    ws.write("articles.jsonl", lines);
    let predict = |input: &str| {
        let output = ws
            .stance()
            .args(["predict", input, "--format", "jsonl"])
            .output()
            .unwrap();
        assert_success(&output);
        stdout(&output)
    };
    let from_parquet = predict("articles.parquet");
    assert_eq!(from_parquet, predict("articles.jsonl"));
    let rows = json_lines(&from_parquet);
    assert!(rows.len() > 10);
    assert_eq!(rows[0]["article"], "seed");
    assert_eq!(rows[0]["year"], 2025, "integers stay numbers");
    // A folder of Parquet parts reads as its files in name order.
    std::fs::create_dir(ws.path("parts")).unwrap();
    std::fs::rename(ws.path("articles.parquet"), ws.path("parts/part-0.parquet")).unwrap();
    assert_eq!(predict("parts"), from_parquet);
}

/// Copies the fixture `NAME.csv` into `ws` beside `NAME.parquet`, a table of the same columns
/// and cells (empty cells as nulls when `empty_as_null`), with a `year` column when `years`.
fn csv_fixture_as_parquet(ws: &Workspace, name: &str, empty_as_null: bool, years: Option<&[u64]>) {
    let csv_name = format!("{name}.csv");
    let mut reader = csv::Reader::from_path(fixture(&csv_name)).unwrap();
    let names: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let rows: Vec<Vec<Option<&str>>> = records
        .iter()
        .map(|record| {
            record
                .iter()
                .map(|cell| Some(cell).filter(|cell| !(empty_as_null && cell.is_empty())))
                .collect()
        })
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    write_table(&ws.path(&format!("{name}.parquet")), &names, &rows, years);
    std::fs::copy(fixture(&csv_name), ws.path(&csv_name)).unwrap();
}

#[test]
fn parquet_rows_train_and_predict_as_their_csv_does() {
    let ws = Workspace::new();
    csv_fixture_as_parquet(&ws, "labelled", false, None);
    for (data, model) in [
        ("labelled.parquet", "from-parquet"),
        ("labelled.csv", "from-csv"),
    ] {
        let output = ws
            .stance()
            .args(["train", "--data", data, "--model", model])
            .args(["--min-df", "1", "--vocab-min-frequency", "1"])
            .output()
            .unwrap();
        assert_success(&output);
    }
    for file in ["model.json", "weights.safetensors", "tokenizer.json"] {
        assert_eq!(
            std::fs::read(ws.path("from-parquet").join(file)).unwrap(),
            std::fs::read(ws.path("from-csv").join(file)).unwrap(),
            "{file}"
        );
    }
    let predict = |input: &str| {
        let output = ws
            .stance()
            .args(["predict", input, "--model", "from-csv", "--format", "jsonl"])
            .output()
            .unwrap();
        assert_success(&output);
        stdout(&output).replace(input, "INPUT")
    };
    assert_eq!(predict("labelled.parquet"), predict("labelled.csv"));
}

#[test]
fn parquet_rows_carry_their_other_columns_as_their_csv_does() {
    let ws = Workspace::new();
    // Empty cells as nulls, as a data frame would write them.
    csv_fixture_as_parquet(&ws, "dated", true, Some(&[2016, 2016, 2017]));
    let predict = |input: &str| {
        let output = ws
            .stance()
            .args(["predict", input, "--format", "jsonl"])
            .output()
            .unwrap();
        assert_success(&output);
        json_lines(&stdout(&output))
    };
    let from_parquet = predict("dated.parquet");
    let from_csv = predict("dated.csv");
    assert_eq!(from_parquet.len(), 3);
    for (parquet, csv) in from_parquet.iter().zip(&from_csv) {
        for field in [
            "date",
            "outlet",
            "quote",
            "quote_id",
            "stance",
            "stance_probability",
        ] {
            assert_eq!(parquet[field], csv[field], "{field}");
        }
    }
    assert_eq!(from_parquet[1]["outlet"], "Weekly");
    assert_eq!(from_parquet[2]["date"], Value::Null);
    assert_eq!(from_parquet[2]["year"], 2017, "integers stay numbers");
}

#[test]
fn parquet_output_holds_the_csv_columns_and_the_json_values() {
    let ws = Workspace::new();
    let (_, seed) = &articles()[0];
    ws.write(
        "seed.jsonl",
        serde_json::json!({"id": "seed", "text": seed, "outlet": "Daily"}).to_string(),
    );
    let run = |format: &str| {
        let output = ws
            .stance()
            .args(["predict", "seed.jsonl", "--format", format])
            .output()
            .unwrap();
        assert_success(&output);
        output.stdout
    };
    let expected = json_lines(&String::from_utf8(run("jsonl")).unwrap());
    let csv_header = String::from_utf8(run("csv")).unwrap();
    let csv_header = csv_header.lines().next().unwrap().to_string();
    let mut table = ParquetRecords::new(run("parquet"), Path::new("out.parquet")).unwrap();
    assert_eq!(table.header().join(","), format!("{csv_header},outlet"));
    let column = |name: &str| table.header().iter().position(|h| h == name).unwrap();
    let (quote, start, against, stance, outlet) = (
        column("quote"),
        column("start"),
        column("p_stance_against"),
        column("stance"),
        column("outlet"),
    );
    let mut read = 0;
    while let Some((values, _)) = table.next_row().unwrap() {
        let json = &expected[read];
        assert_eq!(values[quote], json["quote"]);
        assert_eq!(values[start], json["start"]);
        assert_eq!(values[outlet], "Daily");
        // No stance without an actor: null there, as the JSON line has none.
        let stance_p = json
            .get("stance_probabilities")
            .map_or(Value::Null, |p| p["against"].clone());
        assert_eq!(values[against], stance_p);
        assert_eq!(
            values[stance],
            json.get("stance").cloned().unwrap_or(Value::Null)
        );
        read += 1;
    }
    assert_eq!(read, expected.len());
}

#[test]
fn bad_parquet_input_is_named_with_its_row_and_column() {
    let ws = Workspace::new();
    write_table(
        &ws.path("no-text.parquet"),
        &["id", "body"],
        &[vec![Some("a"), Some("Lee said the plan failed.")]],
        None,
    );
    write_table(
        &ws.path("null-text.parquet"),
        &["id", "text"],
        &[
            vec![Some("a"), Some("Lee said the plan failed.")],
            vec![Some("b"), None],
        ],
        None,
    );
    let full = std::fs::read(ws.path("null-text.parquet")).unwrap();
    ws.write("truncated.parquet", &full[..full.len() / 2]);
    let stderr = |input: &str| {
        let output = ws
            .stance()
            .args(["predict", input, "--format", "jsonl"])
            .output()
            .unwrap();
        assert!(!output.status.success(), "{input} should fail");
        (
            String::from_utf8(output.stderr).unwrap(),
            json_lines(&String::from_utf8(output.stdout).unwrap()),
        )
    };
    let (message, _) = stderr("no-text.parquet");
    assert!(
        message.contains("no-text.parquet") && message.contains("--text-column"),
        "{message}"
    );
    let (message, written) = stderr("null-text.parquet");
    assert!(
        message.contains("null-text.parquet:2") && message.contains("`text`"),
        "{message}"
    );
    assert!(
        !written.is_empty(),
        "the article before the bad row is written"
    );
    let (message, _) = stderr("truncated.parquet");
    assert!(
        message.contains("truncated.parquet") && message.contains("Parquet"),
        "{message}"
    );
}
