//! `stance summarize` on JSON lines like `predict --format jsonl` writes.

use predicates::str::contains;
use scraper::{Html, Selector};

use crate::util::{assert_success, fixture, stdout, Workspace};

/// Scored rows of two outlets over two weeks: Ortiz against the Council three times of four,
/// Anand for the Union, one row about no actor and one without a speaker.
const ROWS: &str = r#"{"article":"a1","quote_id":"q1","start":0,"end":10,"speaker":"Lena Ortiz","speaker_confidence":0.9,"actor":"City Council","quote":"x","context":null,"stance":"against","stance_probability":0.8,"stance_probabilities":{"against":0.8,"favor":0.1,"neutral":0.1},"sentiment":"negative","sentiment_probability":0.7,"sentiment_probabilities":{"negative":0.7,"neutral":0.2,"positive":0.1},"outlet":"Courier","date":"2016-09-12"}
{"article":"a1","quote_id":"q2","speaker":"Lena Ortiz","actor":"City Council","stance":"against","stance_probability":0.6,"outlet":"Courier","date":"2016-09-12"}
{"article":"a2","quote_id":"q1","speaker":"Lena Ortiz","actor":"City Council","stance":"favor","stance_probability":0.5,"outlet":"Herald","date":"2016-09-20T08:00:00Z"}
{"article":"a2","quote_id":"q2","speaker":"Lena Ortiz","actor":"City Council","stance":"against","stance_probability":0.9,"outlet":"Herald","date":"2016-09-20T08:00:00Z"}
{"article":"a2","quote_id":"q2","speaker":"Lena Ortiz","actor":"Dock Union","stance":"neutral","stance_probability":0.4,"outlet":"Herald","date":"2016-09-20T08:00:00Z"}
{"article":"a2","quote_id":"q3","speaker":"Priya Anand","actor":"Dock Union","stance":"favor","stance_probability":0.7,"outlet":"Herald","date":"2016-09-20T08:00:00Z","explanation":{"terms":[]}}
{"article":"a2","quote_id":"q4","speaker":"Priya Anand","actor":null,"sentiment":"positive","outlet":"Herald","date":"2016-09-20T08:00:00Z"}
{"article":"a3","quote_id":"q1","speaker":null,"actor":"Dock Union","stance":"against","stance_probability":0.6,"outlet":"Courier"}
"#;

fn records(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn csv_has_one_row_per_edge() {
    let ws = Workspace::new();
    let rows = ws.write("rows.jsonl", ROWS);
    let output = ws.stance().arg("summarize").arg(&rows).output().unwrap();
    assert_success(&output);
    let (header, edges) = records(&stdout(&output));
    assert_eq!(
        header.join(","),
        "speaker,actor,rows,statements,n_against,n_favor,n_neutral,share_against,\
         share_against_low,share_against_high,mean_probability"
    );
    let first = edges[0].join(",");
    // 3 against of 4: Wilson 95% interval 0.3006 to 0.9544, mean probability 2.8 / 4.
    assert_eq!(
        first,
        "Lena Ortiz,City Council,4,4,3,1,0,0.7500,0.3006,0.9544,0.7000"
    );
    let pairs: Vec<(&str, &str)> = edges
        .iter()
        .map(|e| (e[0].as_str(), e[1].as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("Lena Ortiz", "City Council"),
            ("(unknown speaker)", "Dock Union"),
            ("Lena Ortiz", "Dock Union"),
            ("Priya Anand", "Dock Union"),
        ]
    );
}

#[test]
fn by_outlet_splits_the_edges() {
    let ws = Workspace::new();
    ws.write("rows.jsonl", ROWS);
    let output = ws
        .stance()
        .args([
            "summarize",
            "--by",
            "outlet",
            "--min-rows",
            "2",
            "rows.jsonl",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    let (header, edges) = records(&stdout(&output));
    assert_eq!(header[..3], ["outlet", "speaker", "actor"]);
    let rows: Vec<String> = edges.iter().map(|e| e[..4].join(",")).collect();
    assert_eq!(
        rows,
        [
            "Courier,Lena Ortiz,City Council,2",
            "Herald,Lena Ortiz,City Council,2"
        ]
    );
}

#[test]
fn by_week_from_standard_input_to_a_file() {
    let ws = Workspace::new();
    ws.stance()
        .args([
            "summarize",
            "--by",
            "outlet,week",
            "--output",
            "out/summary.csv",
        ])
        .write_stdin(ROWS)
        .assert()
        .failure()
        .stderr(contains("out/summary.csv"));
    std::fs::create_dir(ws.path("out")).unwrap();
    let output = ws
        .stance()
        .args([
            "summarize",
            "--by",
            "week",
            "--by",
            "outlet",
            "-o",
            "out/summary.csv",
            "-",
        ])
        .write_stdin(ROWS)
        .output()
        .unwrap();
    assert_success(&output);
    assert!(output.stdout.is_empty());
    let written = std::fs::read_to_string(ws.path("out/summary.csv")).unwrap();
    let (header, edges) = records(&written);
    assert_eq!(header[..2], ["outlet", "week"]);
    let groups: Vec<String> = edges.iter().map(|e| e[..4].join(",")).collect();
    assert!(groups.contains(&"Courier,2016-W37,Lena Ortiz,City Council".to_string()));
    assert!(groups.contains(&"Herald,2016-W38,Lena Ortiz,City Council".to_string()));
    assert!(groups.contains(&"Courier,(no date),(unknown speaker),Dock Union".to_string()));
    // Only the summary is left in the folder: the temporary file was renamed.
    assert_eq!(std::fs::read_dir(ws.path("out")).unwrap().count(), 1);
}

#[test]
fn html_is_a_self_contained_page() {
    let ws = Workspace::new();
    ws.write("rows.jsonl", ROWS);
    let output = ws
        .stance()
        .args(["summarize", "--format", "html", "rows.jsonl"])
        .output()
        .unwrap();
    assert_success(&output);
    let text = stdout(&output);
    let page = Html::parse_document(&text);
    let select = |css: &str| Selector::parse(css).unwrap();
    let edge_rows: Vec<String> = page
        .select(&select("table.edges tbody tr"))
        .map(|row| row.text().collect::<String>())
        .collect();
    assert_eq!(edge_rows.len(), 4, "{edge_rows:?}");
    assert!(edge_rows[0].contains("Lena Ortiz") && edge_rows[0].contains("City Council"));
    // The network, the weekly chart and a stance bar per edge.
    assert!(page.select(&select("svg line.edge")).count() == 4);
    assert!(text.contains("2016-W37") && text.contains("2016-W38"));
    assert!(page.select(&select("svg")).count() >= 6);
    assert_eq!(page.select(&select("script")).count(), 0);
    assert_eq!(page.select(&select("link")).count(), 0);
    for element in page.select(&select("[src], [href]")) {
        for attribute in ["src", "href"] {
            let value = element.value().attr(attribute).unwrap_or_default();
            assert!(
                !value.contains("http://") && !value.contains("https://"),
                "{attribute}={value}"
            );
        }
    }
    assert!(!text.contains("<script src") && !text.contains("<link"));
}

#[test]
fn a_bad_line_names_the_file_and_line() {
    let ws = Workspace::new();
    let good = ws.write("good.jsonl", ROWS);
    let bad = ws.write(
        "bad.jsonl",
        format!(
            "{}\n{{\"article\": \"a9\", \"quote_id\": \"q\", \"actor\": 7}}\n",
            ROWS.lines().next().unwrap()
        ),
    );
    ws.stance()
        .arg("summarize")
        .arg(&good)
        .arg(&bad)
        .args(["--output", "summary.csv"])
        .assert()
        .failure()
        .stderr(contains("bad.jsonl:2: column"))
        .stderr(contains("invalid type: integer `7`"));
    assert!(!ws.path("summary.csv").exists());

    let dated = ws.write(
        "dated.jsonl",
        r#"{"article":"a","quote_id":"q","actor":"A","stance":"favor","date":"12/09/2016"}"#,
    );
    ws.stance()
        .arg("summarize")
        .arg(&dated)
        .assert()
        .failure()
        .stderr(contains("dated.jsonl:1:"))
        .stderr(contains("12/09/2016"));
}

#[test]
fn summarizes_real_predictions() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let predicted = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "jsonl"])
        .arg(fixture("articles/harbor-council.txt"))
        .output()
        .unwrap();
    assert_success(&predicted);
    let jsonl = stdout(&predicted);
    let lines = jsonl.lines().count();
    assert!(lines > 0);
    let output = ws
        .stance()
        .arg("summarize")
        .write_stdin(jsonl.clone())
        .output()
        .unwrap();
    assert_success(&output);
    let (header, edges) = records(&stdout(&output));
    assert!(header.iter().any(|h| h == "n_against"), "{header:?}");
    assert!(!edges.is_empty());
    let rows: usize = edges.iter().map(|e| e[2].parse::<usize>().unwrap()).sum();
    let about_actors = jsonl
        .lines()
        .filter(|line| !line.contains(r#""actor":null"#))
        .count();
    assert_eq!(rows, about_actors);
    let html = ws
        .stance()
        .args(["summarize", "--format", "html"])
        .write_stdin(jsonl)
        .output()
        .unwrap();
    assert_success(&html);
    assert!(stdout(&html).contains("<svg"));
}

#[test]
fn dates_and_outlets_of_json_lines_articles_reach_the_summary() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let harbor = std::fs::read_to_string(fixture("articles/harbor-council.txt")).unwrap();
    let articles = [
        ("a", "2016-09-12", "Courier"),
        ("b", "2016-09-20", "Ledger"),
    ]
    .map(|(id, date, outlet)| {
        serde_json::json!({"id": id, "date": date, "outlet": outlet, "text": harbor}).to_string()
    })
    .join("\n");
    let input = ws.write("in.jsonl", articles);
    let predicted = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "jsonl"])
        .arg(&input)
        .output()
        .unwrap();
    assert_success(&predicted);
    let output = ws
        .stance()
        .args(["summarize", "--by", "outlet", "--by", "week"])
        .write_stdin(stdout(&predicted))
        .output()
        .unwrap();
    assert_success(&output);
    let (header, edges) = records(&stdout(&output));
    assert_eq!(&header[..2], ["outlet", "week"]);
    let groups: std::collections::BTreeSet<(String, String)> =
        edges.iter().map(|e| (e[0].clone(), e[1].clone())).collect();
    let expected = [("Courier", "2016-W37"), ("Ledger", "2016-W38")]
        .map(|(o, w)| (o.to_string(), w.to_string()));
    assert_eq!(groups, expected.into_iter().collect());
}
