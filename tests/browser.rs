//! The pages in a real browser: headless Chromium loads the article view, the evaluation
//! report and the `serve` page, runs their script, and the DOM it ends with is checked.
//!
//! Chromium is Debian's `chromium` package (`.ci/run` installs it). Without it these tests say
//! they skipped, on standard error, unless `STANCE_REQUIRE_BROWSER` is set, when they fail: CI
//! sets it, so a missing browser can never pass silently there.

use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{Html, Selector};

use crate::predict::assert_self_contained;
use crate::serve::Server;
use crate::util::{assert_success, fixture, json_lines, stdout, Workspace};

/// The browser, or `None` (with a note) when it is missing and not required.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("STANCE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("STANCE_REQUIRE_BROWSER").is_some() {
        panic!(
            "{} is missing and STANCE_REQUIRE_BROWSER is set",
            path.display()
        );
    }
    eprintln!(
        "skipped: no browser at {} (install Debian's chromium, or set STANCE_CHROMIUM)",
        path.display()
    );
    None
}

/// The DOM Chromium holds after loading `url` and running its scripts.
fn rendered(browser: &Path, profile: &Path, url: &str) -> Html {
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("chromium runs");
    assert_success(&output);
    let dom = stdout(&output);
    assert!(dom.contains("<body"), "no page from {url}: {dom}");
    Html::parse_document(&dom)
}

fn select(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The class list of every statement highlight of the page, in order.
fn highlight_classes(page: &Html) -> Vec<String> {
    page.select(&select("mark[data-statement]"))
        .map(|mark| mark.value().attr("class").unwrap_or("").to_string())
        .collect()
}

#[test]
fn the_article_view_highlights_statements_and_the_selector_recolours_them() {
    let Some(browser) = chromium() else { return };
    let ws = Workspace::new();
    ws.train_fixture("m");
    let article = fixture("articles/harbor-council.txt");
    let jsonl = ws
        .stance()
        .args(["predict", "--model", "m", "--format", "jsonl"])
        .arg(&article)
        .output()
        .unwrap();
    assert_success(&jsonl);
    let rows = json_lines(&stdout(&jsonl));
    let statements: std::collections::BTreeSet<String> = rows
        .iter()
        .map(|r| r["quote_id"].as_str().unwrap().to_string())
        .collect();
    let html = ws
        .stance()
        .args([
            "predict",
            "--model",
            "m",
            "--format",
            "html",
            "--explain",
            "3",
        ])
        .arg(&article)
        .output()
        .unwrap();
    assert_success(&html);
    let page = stdout(&html);
    let path = ws.write("view.html", &page);
    let dom = rendered(&browser, &ws.path("profile"), &file_url(&path));
    assert_self_contained(&dom);
    // One opening highlight per statement, each opening its details on click.
    let firsts = dom.select(&select("mark.statement[data-detail]")).count();
    assert!(firsts >= statements.len(), "{firsts} highlights");
    assert_eq!(
        dom.select(&select("details.statement")).count(),
        statements.len()
    );
    let options: Vec<String> = dom
        .select(&select("select.actor-select option"))
        .map(|o| o.text().collect())
        .collect();
    assert!(options.len() >= 2, "{options:?}");
    assert!(dom.select(&select("table.summary")).next().is_some());
    assert!(dom.select(&select("svg")).next().is_some());

    // Choosing the second actor in the browser recolours the highlights by the stance toward
    // it: a script appended to the page makes the choice, as a reader would, and writes
    // the classes it then sees into the page.
    let before = highlight_classes(&dom);
    let probe = r#"<script>
      var select = document.querySelector("select.actor-select");
      select.selectedIndex = 1;
      select.dispatchEvent(new Event("change"));
      var out = document.createElement("pre");
      out.id = "probe";
      out.textContent = Array.from(document.querySelectorAll("mark[data-statement]"))
        .map(function (m) { return m.className; }).join("\n");
      document.body.appendChild(out);
    </script></body>"#;
    let probed = ws.write("probed.html", page.replace("</body>", probe));
    let dom = rendered(&browser, &ws.path("profile"), &file_url(&probed));
    let after: Vec<String> = dom
        .select(&select("pre#probe"))
        .next()
        .expect("the probe ran")
        .text()
        .collect::<String>()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(after.len(), before.len());
    assert_ne!(after, before, "choosing another actor changed no colour");
    assert!(after.iter().all(|c| c.contains("hl-")), "{after:?}");
}

#[test]
fn the_evaluation_report_renders_its_heat_map_and_diagram() {
    let Some(browser) = chromium() else { return };
    let ws = Workspace::new();
    ws.train_fixture("m");
    let report = ws.path("report.html");
    let output = ws
        .stance()
        .args(["evaluate", "--model", "m", "--bootstrap", "0", "--data"])
        .arg(fixture("labelled.csv"))
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert_success(&output);
    let dom = rendered(&browser, &ws.path("profile"), &file_url(&report));
    assert_self_contained(&dom);
    assert!(dom.select(&select("section#stance")).next().is_some());
    assert!(dom.select(&select("table td")).count() > 9);
    assert!(dom.select(&select("svg")).count() >= 3);
}

#[test]
fn the_served_page_has_its_form() {
    let Some(browser) = chromium() else { return };
    let ws = Workspace::new();
    ws.train_fixture("m");
    let server = Server::start(&ws, &["--model", "m"]);
    let url = format!("http://127.0.0.1:{}/", server.port);
    let dom = rendered(&browser, &ws.path("profile"), &url);
    assert_self_contained(&dom);
    assert!(dom.select(&select("textarea")).next().is_some());
    assert!(dom.select(&select("input[type=file]")).next().is_some());
}
