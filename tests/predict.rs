//! `stance predict` on labelled-CSV-shaped rows.

use std::path::Path;

use predicates::str::contains;

use crate::util::{assert_success, fixture, json_lines, stdout, Workspace};

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

#[test]
fn the_table_wraps_whole_statements_and_says_what_its_figures_are() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "table"])
        .arg(seed())
        .output()
        .unwrap();
    assert_success(&output);
    let text = stdout(&output);
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "{line}");
    }
    // The words of a long statement are all there, across its wrapped lines.
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        joined.contains(
            "Zohran Mamdani: “he is willing to work with the president on reducing the city’s \
             cost of living”"
        ),
        "{text}"
    );
    // A statement about no actor is shown, with its sentiment.
    assert!(text.contains("→ (no actor)"), "{text}");
    assert!(
        joined.contains("each with the model's probability for it"),
        "{text}"
    );
}

/// The seed article shipped in `seeds/`.
fn seed() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/ice-nypd-mamdani.txt")
}

/// CSV output as (header, records).
fn parse_csv(text: &str) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    (header, reader.records().map(Result::unwrap).collect())
}

#[test]
fn an_article_gives_one_row_per_statement_and_actor() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let output = ws
        .stance()
        .args(["predict", "--model", "m"])
        .arg(seed())
        .output()
        .unwrap();
    assert_success(&output);
    let (header, records) = parse_csv(&stdout(&output));
    let expected = [
        "article",
        "quote_id",
        "start",
        "end",
        "speaker",
        "speaker_confidence",
        "actor",
        "stance",
        "stance_probability",
        "sentiment",
        "sentiment_probability",
        "quote",
        "context",
    ];
    assert_eq!(&header.iter().take(13).collect::<Vec<_>>(), &expected);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let communist = records
        .iter()
        .find(|r| &r[column("quote")] == "communist" && &r[column("actor")] == "Zohran Mamdani")
        .expect("a row for “communist” toward Mamdani");
    assert_eq!(&communist[column("speaker")], "Donald Trump");
    // The offsets point at the quoted word in the original bytes.
    let text = std::fs::read_to_string(seed()).unwrap();
    let (start, end): (usize, usize) = (
        communist[column("start")].parse().unwrap(),
        communist[column("end")].parse().unwrap(),
    );
    assert_eq!(&text[start..end], "communist");
    assert!(communist[column("context")].contains("calling him a “communist”"));
    let rogue = records
        .iter()
        .find(|r| &r[column("quote")] == "rogue agency")
        .expect("rogue agency");
    assert_eq!(&rogue[column("speaker")], "Zohran Mamdani");
    assert!(records
        .iter()
        .any(|r| &r[column("quote")] == "rogue agency" && &r[column("actor")] == "ICE"));
}

#[test]
fn only_listed_actors_restricts_the_rows_to_the_list() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let actors = ws.write(
        "two.txt",
        "ICE = Immigration and Customs Enforcement\nNYPD\n",
    );
    let rows = |restricted: bool| -> Vec<serde_json::Value> {
        let mut command = ws.stance();
        command
            .args(["predict", "--model", "m", "--format", "jsonl", "--actors"])
            .arg(&actors)
            .arg(seed());
        if restricted {
            command.arg("--only-listed-actors");
        }
        let output = command.output().unwrap();
        assert_success(&output);
        json_lines(&stdout(&output))
    };
    let all = rows(false);
    let listed = rows(true);
    // Without the flag other actors and actor-less statements are written too.
    assert!(all
        .iter()
        .any(|r| r["actor"] == "Zohran Mamdani" || r["actor"].is_null()));
    assert!(!listed.is_empty());
    assert!(listed
        .iter()
        .all(|r| r["actor"] == "ICE" || r["actor"] == "NYPD"));
    // Every listed-actor row is still there, with the same labels.
    let key = |r: &serde_json::Value| {
        (
            r["quote_id"].clone(),
            r["actor"].clone(),
            r["stance"].clone(),
        )
    };
    let about_list: Vec<_> = all
        .iter()
        .filter(|r| r["actor"] == "ICE" || r["actor"] == "NYPD")
        .map(key)
        .collect();
    assert_eq!(about_list, listed.iter().map(key).collect::<Vec<_>>());
    // Speakers outside the list stay: DHS speaks about ICE.
    assert!(listed.iter().any(|r| r["speaker"] == "DHS"));
    // The flag needs the list.
    ws.stance()
        .args(["predict", "--model", "m", "--only-listed-actors"])
        .arg(seed())
        .assert()
        .failure()
        .stderr(contains("--actors"));
}

#[test]
fn the_actors_file_merges_names() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let actors =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/ice-nypd-mamdani.actors.txt");
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "jsonl", "--actors"])
        .arg(actors)
        .arg(seed())
        .output()
        .unwrap();
    assert_success(&output);
    let lines = json_lines(&stdout(&output));
    assert!(lines.iter().any(|l| l["quote"]
        .as_str()
        .unwrap()
        .contains("an agency that respects you")
        && l["speaker"] == "ICE"
        && l["actor"] == "NYPD"));
    let bad = ws.write("bad-actors.txt", "NYPD = police | \n");
    ws.stance()
        .args(["predict", "--model", "m", "--actors"])
        .arg(&bad)
        .arg(seed())
        .assert()
        .failure()
        .stderr(contains("bad-actors.txt:1:"));
}

#[test]
fn folders_jsonl_and_stdin_articles() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    std::fs::create_dir(ws.path("news")).unwrap();
    ws.write(
        "news/a.txt",
        "\u{feff}“We are proud of the Nurses Union,” Mayor Elena Ruiz said.\r\n",
    );
    ws.write(
        "news/b.md",
        "Ruiz has criticized the Transit Authority as “a disgrace.”\n",
    );
    ws.write("news/skip.csv", "not,an,article\n");
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "news"])
        .output()
        .unwrap();
    assert_success(&output);
    let (header, records) = parse_csv(&stdout(&output));
    let article = header.iter().position(|h| h == "article").unwrap();
    let articles: std::collections::BTreeSet<&str> = records.iter().map(|r| &r[article]).collect();
    assert_eq!(articles.len(), 2, "{articles:?}");
    // A byte order mark before the first line, as some editors write one.
    let jsonl = ws.write(
        "a.jsonl",
        "\u{feff}{\"id\": \"x1\", \"text\": \"“The Nurses Union is right,” Elena Ruiz said.\"}\r\n",
    );
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "jsonl"])
        .arg(jsonl)
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(stdout(&output).contains("\"article\":\"x1\""));
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "jsonl", "-"])
        .write_stdin("“Ruiz has failed this city,” Governor Alan Brandt said on Monday.")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(
        stdout(&output).contains("\"speaker\":\"Alan Brandt\""),
        "{}",
        stdout(&output)
    );
}

#[test]
fn bad_inputs_are_reported_and_the_rest_is_processed() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let binary = ws.write("binary.txt", b"\x00\x01\x02ELF");
    let empty = ws.write("empty.txt", "  \n");
    let bad_json = ws.write(
        "bad.jsonl",
        "{\"id\": 1, \"text\": \"ok\"}\n{\"text\": 5}\n",
    );
    ws.stance()
        .args(["predict", "--model", "m"])
        .args([&binary, &empty, &bad_json])
        .arg("unreadable.txt")
        .arg(seed())
        .assert()
        .failure()
        .stderr(contains("binary.txt: a binary file"))
        .stderr(contains("empty.txt: the input is empty"))
        .stderr(contains("bad.jsonl:2: column"))
        .stderr(contains("unreadable.txt"))
        .stdout(contains("communist"));
}

#[test]
fn min_confidence_drops_unattributed_statements() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let all = ws
        .stance()
        .args(["predict", "--model", "m"])
        .arg(seed())
        .output()
        .unwrap();
    let sure = ws
        .stance()
        .args(["predict", "--model", "m", "--min-confidence", "0.8"])
        .arg(seed())
        .output()
        .unwrap();
    let (header, all) = parse_csv(&stdout(&all));
    let (_, sure) = parse_csv(&stdout(&sure));
    let confidence = header
        .iter()
        .position(|h| h == "speaker_confidence")
        .unwrap();
    assert!(sure.len() < all.len());
    assert!(sure
        .iter()
        .all(|r| r[confidence].parse::<f64>().unwrap() >= 0.8));
}

/// `count` rows with ids `r0`, `r1`, … cycling through the labelled fixture's texts and
/// actors, each text numbered so no two are the same; `bad` rows get an empty text.
fn numbered_rows(count: usize, bad: &[usize]) -> String {
    let fixture = std::fs::read_to_string(fixture("labelled.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(fixture.as_bytes());
    let pairs: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[1].to_string(), r[2].to_string())
        })
        .collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["id", "text", "actor"]).unwrap();
    for i in 0..count {
        let (text, actor) = &pairs[i % pairs.len()];
        let text = if bad.contains(&i) {
            String::new()
        } else {
            format!("{text} ({i})")
        };
        writer
            .write_record([format!("r{i}"), text, actor.clone()])
            .unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

/// The `quote_id` column of CSV output.
fn quote_ids(text: &str) -> Vec<String> {
    let (header, records) = parse_csv(text);
    let column = header.iter().position(|h| h == "quote_id").unwrap();
    records.iter().map(|r| r[column].to_string()).collect()
}

#[test]
fn rows_in_many_chunks_keep_their_order_and_the_output_of_one_chunk() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let rows = ws.write("rows.csv", numbered_rows(300, &[]));
    for format in ["csv", "jsonl", "table"] {
        let run = |chunk: Option<&str>| {
            let mut command = ws.stance();
            command.args(["predict", "--model", "m", "--format", format]);
            if let Some(chunk) = chunk {
                command.args(["--chunk-size", chunk]);
            }
            let output = command.arg(&rows).output().unwrap();
            assert!(output.status.success(), "{format}");
            // No progress bar, nor anything else, off a terminal.
            assert!(output.stderr.is_empty(), "{format}");
            stdout(&output)
        };
        let one_chunk = run(None);
        assert_eq!(run(Some("7")), one_chunk, "{format} in chunks of 7");
        assert_eq!(run(Some("1")), one_chunk, "{format} in chunks of 1");
        if format == "csv" {
            let expected: Vec<String> = (0..300).map(|i| format!("r{i}")).collect();
            assert_eq!(quote_ids(&one_chunk), expected);
        }
    }
}

#[test]
fn a_bad_row_in_a_later_chunk_is_reported_at_its_line_after_the_rows_before_it() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    // Row r98 is on line 100 (the header is line 1).
    let rows = ws.write("rows.csv", numbered_rows(120, &[98]));
    let good = ws.write("good.csv", "id,text,actor\ng1,Proud of Ruiz,Elena Ruiz\n");
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--chunk-size", "8"])
        .args([&rows, &good])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("rows.csv:100: column `text` is empty"),
        "{stderr}"
    );
    let mut expected: Vec<String> = (0..98).map(|i| format!("r{i}")).collect();
    expected.push("g1".into());
    assert_eq!(quote_ids(&stdout(&output)), expected);

    let mut bytes = numbered_rows(120, &[]).into_bytes();
    let line_90 = bytes
        .split(|&b| b == b'\n')
        .take(89)
        .map(|line| line.len() + 1)
        .sum::<usize>();
    bytes[line_90 + 1] = 0xff;
    let latin = ws.write("latin.csv", bytes);
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--chunk-size", "8"])
        .arg(&latin)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("latin.csv:90:2: invalid UTF-8 (byte 0xff)"),
        "{stderr}"
    );
    assert_eq!(quote_ids(&stdout(&output)).len(), 88);
}

#[test]
fn articles_in_batches_keep_their_order() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    std::fs::create_dir(ws.path("news")).unwrap();
    let sentences = [
        "“We are proud of the Nurses Union,” Mayor Elena Ruiz said.",
        "Ruiz has criticized the Transit Authority as “a disgrace.”",
        "“The Transit Authority has failed riders,” Governor Alan Brandt said.",
    ];
    let mut jsonl = String::new();
    for i in 0..9 {
        let text = format!("{} It was day {i}.", sentences[i % sentences.len()]);
        ws.write(&format!("news/{i}.txt"), &text);
        jsonl.push_str(&serde_json::json!({"id": format!("j{i}"), "text": text}).to_string());
        jsonl.push('\n');
    }
    let jsonl = ws.write("news.jsonl", &jsonl);
    let run = |input: &Path, chunk: &str| {
        let output = ws
            .stance()
            .args(["predict", "--model", "m", "--format", "jsonl"])
            .args(["--chunk-size", chunk])
            .arg(input)
            .output()
            .unwrap();
        assert!(output.status.success());
        stdout(&output)
    };
    for input in [ws.path("news"), jsonl.clone()] {
        let whole = run(&input, "100");
        assert_eq!(run(&input, "2"), whole);
        let articles: Vec<String> = whole
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["article"].to_string())
            .collect();
        let mut sorted = articles.clone();
        sorted.sort_by_key(|name| {
            name.chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
        });
        assert_eq!(articles, sorted, "articles in input order");
        assert!(articles.len() >= 9);
    }

    let mut lines: Vec<String> = std::fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    lines[6] = "{\"text\": 7}".into();
    let bad = ws.write("bad.jsonl", lines.join("\n"));
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "jsonl"])
        .args(["--chunk-size", "2"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("bad.jsonl:7: column"));
    let articles: std::collections::BTreeSet<String> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["article"].to_string())
        .collect();
    let expected: std::collections::BTreeSet<String> =
        (0..6).map(|i| format!("\"j{i}\"")).collect();
    assert_eq!(articles, expected);
}

#[test]
fn a_closed_pipe_is_a_clean_exit() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let ws = Workspace::new();
    ws.train_fixture("m");
    // Far more output than a pipe holds, so `stance` is still writing when the pipe closes.
    let rows = ws.write("rows.csv", numbered_rows(2000, &[]));
    for format in ["csv", "jsonl"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stance"))
            .current_dir(ws.dir.path())
            .args([
                "predict",
                "--model",
                "m",
                "--chunk-size",
                "50",
                "--format",
                format,
            ])
            .arg(&rows)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty());
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.stderr.is_empty(), "{format}");
    }
}

/// The statements of `tests/fixtures/articles/harbor-council.txt` (written for this test) as
/// quote → (speaker, actors), from `predict --format jsonl`.
fn harbor_statements(ws: &Workspace) -> Vec<(String, Option<String>, Vec<String>)> {
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "jsonl"])
        .arg(fixture("articles/harbor-council.txt"))
        .output()
        .unwrap();
    assert_success(&output);
    let mut statements: Vec<(String, String, Option<String>, Vec<String>)> = Vec::new();
    for row in json_lines(&stdout(&output)) {
        let id = row["quote_id"].as_str().unwrap().to_string();
        let actor = row["actor"].as_str().map(str::to_string);
        if row["actor"].is_null() {
            assert!(
                row.get("stance").is_none(),
                "no stance without an actor: {row}"
            );
            assert!(
                row["sentiment"].is_string(),
                "sentiment all the same: {row}"
            );
        }
        match statements.iter_mut().find(|s| s.0 == id) {
            Some(s) => s.3.extend(actor),
            None => statements.push((
                id,
                row["quote"].as_str().unwrap().to_string(),
                row["speaker"].as_str().map(str::to_string),
                actor.into_iter().collect(),
            )),
        }
    }
    statements
        .into_iter()
        .map(|(_, quote, speaker, actors)| (quote, speaker, actors))
        .collect()
}

#[test]
fn statement_forms_of_real_reporting() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let statements = harbor_statements(&ws);
    let find = |words: &str| {
        statements
            .iter()
            .find(|s| s.0.contains(words))
            .unwrap_or_else(|| panic!("no statement with {words:?} in {statements:#?}"))
    };
    let speaker = |words: &str| find(words).1.clone().unwrap_or_default();
    // A headline attribution: the claim before the comma, said by the words before `Says`.
    assert_eq!(
        find("Harbor Levy Will Sink").0,
        "Harbor Levy Will Sink the Port"
    );
    assert_eq!(speaker("Harbor Levy Will Sink"), "Union Chief");
    // Quotes between two apostrophes, the speaker after the first; a statement that names no
    // actor is written all the same.
    assert_eq!(speaker("We will not let the docks go dark"), "Lena Ortiz");
    assert_eq!(speaker("This levy keeps the cranes running"), "Lena Ortiz");
    assert!(find("This levy keeps the cranes running").2.is_empty());
    // The speaker's description is no statement.
    assert!(statements.iter().all(|s| !s.0.contains("took office")));
    // A name does not swallow the day; `demanded` is a cue.
    assert_eq!(speaker("publish its contracts"), "Priya Anand");
    // Two joined attributions are two statements.
    assert_eq!(find("the levy was overdue").0, "the levy was overdue");
    assert_eq!(speaker("shipping companies would stay"), "Priya Anand");
    // A party-and-state tag is neither the speaker nor an actor.
    assert_eq!(speaker("drive cargo north"), "Dana Whitlock");
    // An appositive between the speaker and the cue.
    assert_eq!(speaker("feared for his pension"), "Owen Brask");
    assert_eq!(speaker("a slow eviction"), "Owen Brask");
    // A show's title and markup are no statements.
    assert!(statements.iter().all(|s| !s.0.contains("Harbor Hour")));
    assert!(statements
        .iter()
        .all(|s| !s.0.contains("1449075600") && !s.0.contains("PortOfMarlowe")));
    // A group described by an actor speaks; the actor is what it concerns.
    assert_eq!(
        speaker("cost the city its biggest tenant"),
        "Critics of Ortiz"
    );
    assert!(find("cost the city its biggest tenant")
        .2
        .contains(&"Lena Ortiz".to_string()));
    // A signed quote.
    assert_eq!(speaker("Every shift is short-staffed"), "Marta Vinci");
    // A speaker no actor names is described, and the next quote of the run keeps it.
    assert_eq!(speaker("Nobody asked us"), "a dock worker");
    assert_eq!(speaker("We pay for this"), "a dock worker");
    // A quote inside what an outer cue reports is the outer speaker's.
    assert_eq!(speaker("would never rise again"), "Raul Soto");
    // Datelines and agency credits are not actors.
    for s in &statements {
        for actor in &s.2 {
            assert!(
                !["MARLOWE", "AP", "R-Ore"].contains(&actor.as_str()),
                "{s:?}"
            );
        }
    }
}

/// Checks that every explanation of JSON lines `rows` adds up: the intercept, the listed terms
/// and the rest make the margin, which is ln(p_label / p_runner-up) of the row's probabilities;
/// and that each span is text of `article`.
fn check_explanations(rows: &[serde_json::Value], article: &str) -> usize {
    let mut checked = 0;
    for row in rows {
        for explanation in row["explanation"].as_array().expect("an explanation") {
            let head = explanation["task"].as_str().unwrap();
            let p = |label: &str| {
                row[format!("{head}_probabilities")][label]
                    .as_f64()
                    .unwrap()
            };
            let label = explanation["label"].as_str().unwrap();
            assert_eq!(row[head].as_str(), Some(label));
            let margin = explanation["margin"].as_f64().unwrap();
            let expected = (p(label) / p(explanation["versus"].as_str().unwrap())).ln();
            assert!((margin - expected).abs() < 1e-6, "{margin} vs {expected}");
            let terms = explanation["terms"].as_array().unwrap();
            let listed: f64 = terms
                .iter()
                .map(|t| t["contribution"].as_f64().unwrap())
                .sum();
            let total = explanation["intercept"].as_f64().unwrap()
                + listed
                + explanation["rest"].as_f64().unwrap();
            assert!((total - margin).abs() < 1e-6, "{total} vs {margin}");
            for term in terms {
                for span in term["spans"].as_array().unwrap() {
                    assert_eq!(span["in"], "article");
                    let (start, end) = (
                        span["start"].as_u64().unwrap(),
                        span["end"].as_u64().unwrap(),
                    );
                    assert!(
                        article.get(start as usize..end as usize).is_some(),
                        "{span}"
                    );
                }
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn explanations_of_the_shipped_model_add_up_on_a_real_article() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed = root.join("seeds/ice-nypd-mamdani.txt");
    let article = std::fs::read_to_string(&seed).unwrap();
    let ws = Workspace::new();
    let output = ws
        .stance()
        .arg("predict")
        .arg("--model")
        .arg(root.join("models/default"))
        .args(["--format", "jsonl", "--explain", "4"])
        .arg(&seed)
        .output()
        .unwrap();
    assert_success(&output);
    let rows = json_lines(&stdout(&output));
    // One explanation per label given: no stance without an actor.
    let labels = rows.iter().filter(|r| !r["actor"].is_null()).count() + rows.len();
    assert_eq!(check_explanations(&rows, &article), labels);
    // Trump's "communist" against Mamdani: a term of that sentence explains it, and a word
    // term's span is the word itself.
    let row = rows
        .iter()
        .find(|r| r["quote"] == "communist" && r["actor"] == "Zohran Mamdani")
        .expect("the communist row");
    let stance = &row["explanation"][0];
    assert_eq!(stance["task"], "stance");
    let (start, end) = (row["start"].as_u64().unwrap(), row["end"].as_u64().unwrap());
    let context_start = article[..start as usize].rfind(". ").unwrap_or(0);
    for term in stance["terms"].as_array().unwrap() {
        let kind = term["kind"].as_str().unwrap();
        for span in term["spans"].as_array().unwrap() {
            let s = span["start"].as_u64().unwrap();
            assert!(
                s as usize >= context_start,
                "{term} is outside the statement's sentence"
            );
            if kind == "word" && !term["term"].as_str().unwrap().contains('[') {
                let text = &article[s as usize..span["end"].as_u64().unwrap() as usize];
                assert_eq!(text.to_lowercase(), term["term"].as_str().unwrap());
            }
        }
    }
    assert!(end > start);
}

#[test]
fn explanations_in_csv_and_table_and_fields_carried_from_json_lines() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let articles = ws.write(
        "in.jsonl",
        concat!(
            r#"{"id": "a1", "date": "2016-09-12", "outlet": "Daily", "tags": ["x"], "#,
            r#""text": "“The Transit Authority has failed riders,” Governor Alan Brandt said."}"#,
            "\n"
        ),
    );
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "jsonl"])
        .arg(&articles)
        .output()
        .unwrap();
    assert_success(&output);
    let rows = json_lines(&stdout(&output));
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(row["date"], "2016-09-12");
        assert_eq!(row["outlet"], "Daily");
        assert!(row.get("tags").is_none(), "only scalar fields are carried");
        assert!(
            row.get("explanation").is_none(),
            "no explanation unless asked"
        );
    }
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--explain", "--input", "jsonl"])
        .arg(&articles)
        .output()
        .unwrap();
    assert_success(&output);
    let text = stdout(&output);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().next_back(),
        Some("explanation")
    );
    let cell = reader.records().next().unwrap().unwrap();
    let cell = cell.iter().next_back().unwrap();
    assert!(cell.starts_with("stance "), "{cell}");
    assert!(cell.contains(" | sentiment "), "{cell}");
    let output = ws
        .stance()
        .args([
            "predict",
            "--model",
            "m",
            "--explain",
            "2",
            "--format",
            "table",
        ])
        .arg(&articles)
        .output()
        .unwrap();
    assert_success(&output);
    assert!(stdout(&output).contains("why "), "{}", stdout(&output));
}

/// The distinct statements (`quote_id`) and actors of each article in `predict --format
/// jsonl` output, by article, in order.
fn statements_and_actors(jsonl: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    let mut articles: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for row in json_lines(jsonl) {
        let name = row["article"].as_str().unwrap().to_string();
        if articles.last().is_none_or(|a| a.0 != name) {
            articles.push((name, Vec::new(), Vec::new()));
        }
        let article = articles.last_mut().unwrap();
        let id = row["quote_id"].as_str().unwrap().to_string();
        if !article.1.contains(&id) {
            article.1.push(id);
        }
        if let Some(actor) = row["actor"].as_str() {
            if !article.2.iter().any(|a| a == actor) {
                article.2.push(actor.to_string());
            }
        }
    }
    articles
}

/// Fails unless the page loads nothing from elsewhere: no script or style sheet by
/// address, no `http://` or `https://` in any `src` or `href`.
pub fn assert_self_contained(page: &scraper::Html) {
    let select = |css: &str| scraper::Selector::parse(css).unwrap();
    assert_eq!(page.select(&select("script[src]")).count(), 0);
    assert_eq!(page.select(&select("link")).count(), 0);
    for element in page.select(&select("[src], [href]")) {
        for attribute in ["src", "href"] {
            let value = element.value().attr(attribute).unwrap_or_default();
            assert!(
                !value.contains("http://") && !value.contains("https://"),
                "{attribute}={value:?}"
            );
        }
    }
}

#[test]
fn the_html_page_shows_each_article_with_its_statements_marked() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let inputs = [fixture("articles/harbor-council.txt"), seed()];
    let run = |format: &str| {
        let output = ws
            .stance()
            .args(["predict", "--model", "m", "--format", format])
            .args(&inputs)
            .output()
            .unwrap();
        assert_success(&output);
        stdout(&output)
    };
    let expected = statements_and_actors(&run("jsonl"));
    assert_eq!(expected.len(), 2);
    let text = run("html");
    assert!(text.starts_with("<!DOCTYPE html>"));
    let page = scraper::Html::parse_document(&text);
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    assert_self_contained(&page);
    let select = |css: &str| scraper::Selector::parse(css).unwrap();
    let sections: Vec<_> = page.select(&select("section.article")).collect();
    assert_eq!(sections.len(), expected.len());
    for (section, (name, statements, actors)) in sections.iter().zip(&expected) {
        let heading: String = section
            .select(&select("h2"))
            .next()
            .unwrap()
            .text()
            .collect();
        assert_eq!(&heading, name);
        // One first mark per statement, each opening its details.
        let marks: Vec<_> = section.select(&select("mark.statement")).collect();
        assert_eq!(marks.len(), statements.len(), "{name}");
        for mark in &marks {
            let detail = mark.value().attr("data-detail").unwrap();
            let details = select(&format!("details#{detail}"));
            assert_eq!(section.select(&details).count(), 1, "{detail}");
            assert!(mark.value().attr("title").unwrap().contains(" → "));
        }
        // The selector lists the article's actors in order; the first is chosen.
        let options: Vec<String> = section
            .select(&select("select.actor-select option"))
            .map(|o| o.text().collect())
            .collect();
        assert_eq!(&options, actors, "{name}");
        // Who says what about whom, as a table and a graph.
        let summary = section.select(&select("table.summary")).next().unwrap();
        assert!(summary.select(&select("tr")).count() >= 2);
        assert!(section.select(&select(".graph svg line")).count() >= 1);
    }
    // The marked text is the article's text.
    let harbor = std::fs::read_to_string(&inputs[0]).unwrap();
    let shown: String = sections[0]
        .select(&select("div.text"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(shown, harbor);
    assert!(text.contains("Donald Trump"));
}

#[test]
fn the_html_page_of_rows_lists_their_statements_without_a_text() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let output = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "html"])
        .arg(fixture("labelled.csv"))
        .output()
        .unwrap();
    assert_success(&output);
    let page = scraper::Html::parse_document(&stdout(&output));
    assert_self_contained(&page);
    let select = |css: &str| scraper::Selector::parse(css).unwrap();
    let rows = std::fs::read_to_string(fixture("labelled.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert_eq!(page.select(&select("details.statement")).count(), rows);
    assert_eq!(page.select(&select("div.text")).count(), 0);
    assert_eq!(page.select(&select("mark.statement")).count(), 0);
    assert!(page.select(&select("table.summary")).next().is_some());
}

#[test]
fn rows_carry_their_other_columns_as_articles_carry_their_fields() {
    let ws = Workspace::new();
    let dated = fixture("dated.csv");
    let run = |input: &Path, format: &str, more: &[&str]| {
        let output = ws
            .stance()
            .args(["predict", "--format", format])
            .args(more)
            .arg(input)
            .output()
            .unwrap();
        assert_success(&output);
        output.stdout
    };
    let jsonl = String::from_utf8(run(&dated, "jsonl", &[])).unwrap();
    let rows = json_lines(&jsonl);
    assert_eq!(rows.len(), 3);
    let carried = |row: &serde_json::Value| (row["date"].clone(), row["outlet"].clone());
    use serde_json::json;
    assert_eq!(carried(&rows[0]), (json!("2016-09-12"), json!("Daily")));
    // Trimmed as the schema's columns are; an empty cell is null.
    assert_eq!(carried(&rows[1]), (json!("2016-09-13"), json!("Weekly")));
    assert_eq!(carried(&rows[2]), (json!(null), json!("Daily")));
    for row in &rows {
        // The line's own fields keep their names: the `quote` column does not replace the
        // quote, and the schema's columns (the gold `stance`) are not carried.
        assert_ne!(row["quote"], "not the quote");
        assert_eq!(row["article"], dated.display().to_string());
    }
    assert_eq!(rows[0]["quote_id"], "d1");
    // The extras travel with their rows: a chunk of one row gives the same lines.
    let chunked = run(&dated, "jsonl", &["--chunk-size", "1"]);
    assert_eq!(String::from_utf8(chunked).unwrap(), jsonl);

    // The CSV carries no fields, an article's or a row's: it is what the file without its
    // other columns gives.
    let plain = ws.write(
        "dated.csv",
        std::fs::read_to_string(&dated)
            .unwrap()
            .lines()
            .map(|line| {
                let fields: Vec<&str> = line.split(',').collect();
                format!("{},{},{},{}\n", fields[0], fields[3], fields[4], fields[6])
            })
            .collect::<String>(),
    );
    let csv = String::from_utf8(run(&dated, "csv", &[])).unwrap();
    let plain_csv = String::from_utf8(run(&plain, "csv", &[])).unwrap();
    assert_eq!(
        csv.replace(&dated.display().to_string(), "INPUT"),
        plain_csv.replace(&plain.display().to_string(), "INPUT")
    );

    // Parquet: the CSV's columns, then the carried ones the CSV's do not name, in the JSON
    // lines' order, with the JSON lines' values.
    let header = csv.lines().next().unwrap();
    let parquet = run(&dated, "parquet", &[]);
    let mut table =
        stance::parquet::ParquetRecords::new(parquet, Path::new("out.parquet")).unwrap();
    assert_eq!(table.header().join(","), format!("{header},date,outlet"));
    let (date, outlet) = (table.header().len() - 2, table.header().len() - 1);
    let mut read = 0;
    while let Some((values, _)) = table.next_row().unwrap() {
        assert_eq!(
            (values[date].clone(), values[outlet].clone()),
            carried(&rows[read])
        );
        read += 1;
    }
    assert_eq!(read, rows.len());
}
