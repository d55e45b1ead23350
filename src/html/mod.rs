//! Pages a person looks at: self-contained HTML (inline CSS and SVG, no network, no external
//! scripts) for the article view of `predict --format html`, the report of `evaluate --report`
//! and the network of `summarize`.
//!
//! Pages are built with `maud`, which escapes every interpolated string, so text from an
//! article can never become markup. This module holds what the pages share: the frame with its
//! style sheet, the colour of each label, and small SVG charts; each page is a submodule, and
//! `maud` stays inside this folder.

mod summary;

mod article;
mod serve;

pub use article::{write_article_page, ArticleInput};
pub use serve::serve_page;

use maud::{html, Markup, PreEscaped, DOCTYPE};

mod report;

pub use report::{evaluation_page, extraction_page};
pub use summary::summary_page;

/// The style sheet every page carries inline.
const STYLE: &str = r#"
:root { --favor: #1a7f37; --against: #cf222e; --neutral: #6e7781; --positive: #1a7f37;
        --negative: #cf222e; --ink: #1f2328; --muted: #57606a; --rule: #d0d7de; --paper: #ffffff; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       background: var(--paper); margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--rule); padding: .2rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
.note { color: var(--muted); font-size: .9rem; }
.label-favor, .label-positive { color: var(--favor); font-weight: 600; }
.label-against, .label-negative { color: var(--against); font-weight: 600; }
.label-neutral { color: var(--neutral); font-weight: 600; }
code, .term { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
"#;

/// A whole page: the doctype, the title, the inline style sheet (with `extra_style` after it)
/// and `body`.
pub(crate) fn page(title: &str, extra_style: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) (PreEscaped(extra_style)) }
            }
            body { (body) }
        }
    }
    .into_string()
}

/// The page [`page`] makes around a body written apart: its text before the body and after
/// it, so a long body can go to the output a piece at a time.
pub(crate) fn page_frame(title: &str, extra_style: &str) -> (String, String) {
    // `<` is escaped in every text a page shows, so only the body can hold the marker.
    const BODY: &str = "<!--body-->";
    let whole = page(title, extra_style, PreEscaped(BODY.to_string()));
    let (before, after) = whole
        .split_once(BODY)
        .expect("the page holds its body once, and the title cannot hold it");
    (before.to_string(), after.to_string())
}

/// The CSS colour of a stance or sentiment label (a variable of the style sheet for the usual
/// labels, a grey for any other).
pub(crate) fn label_colour(label: &str) -> &'static str {
    match label {
        "favor" | "positive" => "var(--favor)",
        "against" | "negative" => "var(--against)",
        "neutral" => "var(--neutral)",
        _ => "#8c959f",
    }
}

/// The CSS class of a label's text (`label-favor`, …), for the usual labels.
pub(crate) fn label_class(label: &str) -> String {
    let known = ["favor", "against", "neutral", "positive", "negative"];
    if known.contains(&label) {
        format!("label-{label}")
    } else {
        "label-other".to_string()
    }
}

/// One horizontal stacked bar of label shares, as inline SVG `width` pixels wide: each
/// `(label, count)` a segment coloured by [`label_colour`], with its count as a tooltip.
pub(crate) fn stacked_bar(counts: &[(String, usize)], width: f64) -> Markup {
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    let mut segments = Vec::with_capacity(counts.len());
    let mut x = 0.0;
    for (label, n) in counts {
        let w = if total == 0 {
            0.0
        } else {
            width * *n as f64 / total as f64
        };
        segments.push((label, n, x, w));
        x += w;
    }
    html! {
        svg width=(width) height="14" viewBox={"0 0 " (width) " 14"} role="img" {
            @for (label, n, x, w) in segments {
                rect x=(format!("{x:.2}")) y="0" width=(format!("{w:.2}")) height="14"
                    fill=(label_colour(label)) {
                    title { (label) ": " (n) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_and_its_body_are_the_page() {
        let body = html! { p { "one" } p { "two" } };
        for title in ["a title", "<!--body-->", "x <!--body--> y"] {
            let (before, after) = page_frame(title, "p { color: red }");
            let whole = page(title, "p { color: red }", body.clone());
            assert_eq!(format!("{before}{}{after}", body.0), whole, "{title}");
        }
    }

    #[test]
    fn text_is_escaped() {
        let page = page("<b>", "", html! { p { ("<script>alert(1)</script>") } });
        assert!(page.contains("&lt;script&gt;"));
        assert!(!page.contains("<script>"));
        assert!(page.starts_with("<!DOCTYPE html>"));
    }

    #[test]
    fn the_bar_splits_its_width_by_count() {
        let bar = stacked_bar(&[("favor".into(), 1), ("against".into(), 3)], 100.0).into_string();
        assert!(bar.contains(r#"width="25.00""#), "{bar}");
        assert!(bar.contains(r#"x="25.00""#), "{bar}");
    }
}
