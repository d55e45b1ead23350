//! The page of `evaluate --report`: a model's figures, confusion heat maps, label and actor
//! bars, reliability diagrams and most confident mistakes; or, with `--extraction`, the
//! extraction figures and the missed, spurious and mis-attributed statements of each article.
//!
//! Everything shown is computed in [`crate::eval`]; this module only lays it out.

use maud::{html, Markup};

use super::{label_class, label_colour, page, stacked_bar};
use crate::eval::bootstrap::Interval;
use crate::eval::extraction::{
    ArticleMistakes, Capped, ExtractionReport, MatchScores, Mistake, Rate, Reliability, View,
};
use crate::eval::report::{percent_1, percent_cell, truncate, Summary};
use crate::eval::{CalibrationBin, ConfidentMistake, EvalReport, Metrics, TaskDetails, TaskReport};
use crate::model::explain::Explanation;

/// Style of the report pages, after the shared sheet.
const REPORT_STYLE: &str = r#"
table.heat td.cell { text-align: right; min-width: 4.5rem; font-variant-numeric: tabular-nums; }
table.heat td.diagonal { outline: 2px solid var(--ink); outline-offset: -2px; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.charts figure { margin: 0; }
figcaption { color: var(--muted); font-size: .9rem; }
td.text { max-width: 34rem; }
ul.terms { margin: 0; padding-left: 1rem; }
.push-for { color: var(--favor); }
.push-against { color: var(--against); }
"#;

/// Width of a bar chart's label column, in pixels.
const BAR_LABEL_WIDTH: f64 = 150.0;
/// Width of a bar at 100%, in pixels.
const BAR_WIDTH: f64 = 220.0;
/// Height of a bar chart's row, in pixels.
const BAR_ROW: f64 = 20.0;

/// The page of `evaluate --data … --report`: `title` names what was evaluated; `details` are
/// the heads' calibration and mistakes ([`crate::eval::Scored::details`]).
pub fn evaluation_page(title: &str, report: &EvalReport, details: &[TaskDetails]) -> String {
    let body = html! {
        h1 { (title) }
        p {
            (report.rows) " rows."
            @if let Some(bootstrap) = &report.bootstrap {
                " " (format!("{:.0}", 100.0 * bootstrap.confidence))
                "% intervals: percentile bootstrap, " (bootstrap.resamples)
                " resamples of the statements, seed " (bootstrap.seed) "."
            }
        }
        @for (task, task_report) in &report.tasks {
            @let detail = details.iter().find(|d| d.task == *task);
            section id=(task.name()) {
                h2 {
                    (task.name()) " (" (task_report.metrics.rows) " labelled rows"
                    @if let Some(n) = task_report.statements { ", " (n) " statements" }
                    ")"
                }
                (headline(task_report, report.bootstrap.is_some()))
                (label_section(&task_report.metrics, report.bootstrap.is_some()))
                (confusion_heat_map(&task_report.metrics))
                (actor_section(task_report, report.bootstrap.is_some()))
                @if let Some(detail) = detail {
                    (calibration_section(detail, task_report))
                    (mistakes_section(detail))
                }
            }
        }
    };
    page(title, REPORT_STYLE, body)
}

/// A fraction as the text report shows it: two decimals without intervals, one with its
/// interval beside it with them.
fn figure(value: f64, interval: Option<Interval>, with_intervals: bool) -> String {
    if with_intervals {
        percent_cell(value, interval)
    } else {
        format!("{:.2}", 100.0 * value)
    }
}

/// Accuracy, macro-F1, F_avg and calibration error beside the majority baseline's.
fn headline(report: &TaskReport, with_intervals: bool) -> Markup {
    let rows = report.headline();
    html! {
        table.headline {
            thead { tr {
                th { "figure (%)" }
                th.num { "model" @if with_intervals { " [95% interval]" } }
                th.num { "majority baseline (" (report.baseline.label) ")" }
            } }
            tbody {
                @for (name, value, ci, baseline) in rows {
                    tr {
                        td { (name) }
                        td.num { (value.map_or("-".into(), |v| figure(v, ci, with_intervals))) }
                        td.num {
                            (baseline.map_or("-".into(), |v| figure(v, None, with_intervals)))
                        }
                    }
                }
                tr {
                    td { "calibration error" }
                    td.num {
                        (format!("{:.3}", report.calibration_error))
                        @if let Some(ci) = report.calibration_error_ci {
                            (format!(" [{:.3}, {:.3}]", ci.low, ci.high))
                        }
                    }
                    td.num { "" }
                }
            }
        }
    }
}

/// Per-label precision, recall and F1, and the F1 as bars.
fn label_section(m: &Metrics, with_intervals: bool) -> Markup {
    let bars: Vec<Bar> = m
        .labels
        .iter()
        .map(|(label, s)| Bar {
            name: label.clone(),
            value: s.f1,
            interval: s.f1_ci,
            colour: label_colour(label),
        })
        .collect();
    html! {
        h3 { "Labels" }
        div.charts {
            table.labels {
                thead { tr {
                    th { "label" } th.num { "precision" } th.num { "recall" } th.num { "F1" }
                    th.num { "support" }
                } }
                tbody {
                    @for (label, s) in &m.labels {
                        tr {
                            td class=(label_class(label)) { (label) }
                            td.num { (figure(s.precision, s.precision_ci, with_intervals)) }
                            td.num { (figure(s.recall, s.recall_ci, with_intervals)) }
                            td.num { (figure(s.f1, s.f1_ci, with_intervals)) }
                            td.num { (s.support) }
                        }
                    }
                }
            }
            figure {
                (bar_chart(&bars, "F1 per label"))
                figcaption { "F1 per label" @if with_intervals { ", with its 95% interval" } }
            }
        }
    }
}

/// The confusion matrix as a heat map: each cell shaded by its share of the gold label's
/// rows, its count written in.
fn confusion_heat_map(m: &Metrics) -> Markup {
    let confusion = &m.confusion;
    let shares = confusion.row_shares();
    let gold: Vec<(String, usize)> = confusion
        .labels
        .iter()
        .zip(&confusion.matrix)
        .map(|(label, row)| (label.clone(), row.iter().sum()))
        .collect();
    let predicted: Vec<(String, usize)> = confusion
        .labels
        .iter()
        .enumerate()
        .map(|(j, label)| {
            (
                label.clone(),
                confusion.matrix.iter().map(|row| row[j]).sum(),
            )
        })
        .collect();
    html! {
        h3 { "Confusion" }
        table.shares {
            caption.note { "share of each label among the gold and the predicted labels" }
            tbody {
                tr { th { "gold" } td { (stacked_bar(&gold, BAR_WIDTH)) } }
                tr { th { "predicted" } td { (stacked_bar(&predicted, BAR_WIDTH)) } }
            }
        }
        table.heat {
            caption.note { "rows: gold label; columns: predicted label; shade: share of the row" }
            thead { tr {
                th { "gold \u{2193} / predicted \u{2192}" }
                @for label in &confusion.labels { th.num class=(label_class(label)) { (label) } }
            } }
            tbody {
                @for (i, (label, row)) in confusion.labels.iter().zip(&confusion.matrix).enumerate() {
                    tr {
                        th class=(label_class(label)) { (label) }
                        @for (j, count) in row.iter().enumerate() {
                            @let share = shares[i][j];
                            td class={ "cell" @if i == j { " diagonal" } }
                                style=(heat_style(share))
                                title=(format!("{count} of the {label} rows ({}%)", percent_1(share))) {
                                (count)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The inline style of a heat-map cell of row share `share`.
fn heat_style(share: f64) -> String {
    let ink = if share > 0.55 { "#ffffff" } else { "#1f2328" };
    format!(
        "background: rgba(9, 105, 218, {:.3}); color: {ink}",
        0.08 + 0.82 * share.clamp(0.0, 1.0)
    )
}

/// Actors shown on the page: those with the most rows (a corpus may have hundreds, most with
/// a handful of rows whose figures say little).
const SHOWN_ACTORS: usize = 30;

/// Per-actor figures of the [`SHOWN_ACTORS`] actors with the most rows, with accuracy and
/// macro-F1 as bars.
fn actor_section(report: &TaskReport, with_intervals: bool) -> Markup {
    let name = |actor: &str, rows: usize| format!("{} ({rows})", truncate(actor, 18));
    let mut shown: Vec<(&String, &Summary)> = report.per_actor.iter().collect();
    shown.sort_by(|a, b| b.1.rows.cmp(&a.1.rows).then(a.0.cmp(b.0)));
    let left_out = shown.len().saturating_sub(SHOWN_ACTORS);
    shown.truncate(SHOWN_ACTORS);
    let accuracy: Vec<Bar> = shown
        .iter()
        .map(|(actor, s)| Bar {
            name: name(actor, s.rows),
            value: s.accuracy,
            interval: s.accuracy_ci,
            colour: "#0969da",
        })
        .collect();
    let macro_f1: Vec<Bar> = shown
        .iter()
        .map(|(actor, s)| Bar {
            name: name(actor, s.rows),
            value: s.macro_f1,
            interval: s.macro_f1_ci,
            colour: "#8250df",
        })
        .collect();
    html! {
        h3 { "Actors" }
        @if left_out > 0 {
            p.note {
                "The " (SHOWN_ACTORS) " actors with the most rows; " (left_out)
                " more, with fewer rows each, are in `evaluate --format json`."
            }
        }
        table.actors {
            thead { tr {
                th { "actor" } th.num { "rows" } th.num { "accuracy" } th.num { "macro-F1" }
                th.num { "F_avg" }
            } }
            tbody {
                @for (actor, s) in &shown {
                    tr {
                        td { (actor) }
                        td.num { (s.rows) }
                        td.num { (figure(s.accuracy, s.accuracy_ci, with_intervals)) }
                        td.num { (figure(s.macro_f1, s.macro_f1_ci, with_intervals)) }
                        td.num {
                            (s.f_avg.map_or("-".into(), |v| figure(v, s.f_avg_ci, with_intervals)))
                        }
                    }
                }
            }
        }
        div.charts {
            figure {
                (bar_chart(&accuracy, "accuracy per actor"))
                figcaption { "accuracy per actor (rows)" }
            }
            figure {
                (bar_chart(&macro_f1, "macro-F1 per actor"))
                figcaption { "macro-F1 per actor (rows)" }
            }
        }
    }
}

/// One bar of a [`bar_chart`].
struct Bar {
    /// Written left of the bar.
    name: String,
    /// A fraction, 0 to 1.
    value: f64,
    /// Drawn as a whisker, where there is one.
    interval: Option<Interval>,
    /// The bar's CSS colour.
    colour: &'static str,
}

/// Horizontal bars of fractions, as inline SVG, the percentage written after each.
fn bar_chart(bars: &[Bar], label: &str) -> Markup {
    let width = BAR_LABEL_WIDTH + BAR_WIDTH + 60.0;
    let height = BAR_ROW * bars.len() as f64 + 4.0;
    let x = |fraction: f64| BAR_LABEL_WIDTH + BAR_WIDTH * fraction.clamp(0.0, 1.0);
    html! {
        svg.bars width=(width) height=(height) viewBox={"0 0 " (width) " " (height)}
            role="img" aria-label=(label) {
            @for (i, bar) in bars.iter().enumerate() {
                @let top = 2.0 + BAR_ROW * i as f64;
                text x=(BAR_LABEL_WIDTH - 6.0) y=(format!("{:.1}", top + 14.0)) text-anchor="end" {
                    (bar.name)
                }
                rect x=(BAR_LABEL_WIDTH) y=(format!("{:.1}", top + 3.0))
                    width=(format!("{:.2}", x(bar.value) - BAR_LABEL_WIDTH)) height="12"
                    fill=(bar.colour) {
                    title { (bar.name) ": " (percent_1(bar.value)) "%" }
                }
                @if let Some(ci) = bar.interval {
                    line x1=(format!("{:.2}", x(ci.low))) x2=(format!("{:.2}", x(ci.high)))
                        y1=(format!("{:.1}", top + 9.0)) y2=(format!("{:.1}", top + 9.0))
                        stroke="#1f2328" stroke-width="1.5" {}
                }
                text x=(format!("{:.2}", x(bar.interval.map_or(bar.value, |ci| ci.high.max(bar.value))) + 4.0))
                    y=(format!("{:.1}", top + 14.0)) {
                    (percent_1(bar.value))
                }
            }
        }
    }
}

/// The reliability diagram of a head and its expected calibration error.
fn calibration_section(detail: &TaskDetails, report: &TaskReport) -> Markup {
    html! {
        h3 { "Calibration" }
        div.charts {
            figure {
                (reliability_diagram(&detail.calibration.bins))
                figcaption {
                    "Accuracy of the rows in each bin of predicted-label probability (bars; the "
                    "number above is the bin's rows) against the diagonal of perfect calibration. "
                    "Expected calibration error "
                    (format!("{:.3}", detail.calibration.error))
                    @if let Some(ci) = report.calibration_error_ci {
                        (format!(" [{:.3}, {:.3}]", ci.low, ci.high))
                    }
                    " over " (detail.calibration.bins.len()) " equal-width bins."
                }
            }
        }
    }
}

/// Confidence bins against accuracy, as inline SVG: a bar per non-empty bin, its row count
/// above it, a dot at its mean confidence and the diagonal.
fn reliability_diagram(bins: &[CalibrationBin]) -> Markup {
    const LEFT: f64 = 44.0;
    const TOP: f64 = 16.0;
    const SIDE: f64 = 260.0;
    let x = |p: f64| LEFT + SIDE * p;
    let y = |a: f64| TOP + SIDE * (1.0 - a);
    let f = |v: f64| format!("{v:.2}");
    let ticks = [0.0, 0.25, 0.5, 0.75, 1.0];
    html! {
        svg.reliability width="320" height="320" viewBox="0 0 320 320" role="img"
            aria-label="reliability diagram" {
            rect x=(f(x(0.0))) y=(f(y(1.0))) width=(SIDE) height=(SIDE) fill="none"
                stroke="#d0d7de" {}
            @for t in ticks {
                line x1=(f(x(t))) x2=(f(x(t))) y1=(f(y(0.0))) y2=(f(y(0.0) + 4.0))
                    stroke="#57606a" {}
                text x=(f(x(t))) y=(f(y(0.0) + 16.0)) text-anchor="middle" { (t) }
                line x1=(f(x(0.0) - 4.0)) x2=(f(x(0.0))) y1=(f(y(t))) y2=(f(y(t)))
                    stroke="#57606a" {}
                text x=(f(x(0.0) - 7.0)) y=(f(y(t) + 4.0)) text-anchor="end" { (t) }
            }
            @for bin in bins.iter().filter(|b| b.rows > 0) {
                rect.bin x=(f(x(bin.low) + 1.0)) y=(f(y(bin.accuracy)))
                    width=(f(SIDE * (bin.high - bin.low) - 2.0))
                    height=(f(SIDE * bin.accuracy)) fill="#0969da" fill-opacity="0.55" {
                    title {
                        (format!(
                            "{:.2}–{:.2}: {} rows, mean confidence {:.3}, accuracy {:.3}",
                            bin.low, bin.high, bin.rows, bin.mean_confidence, bin.accuracy
                        ))
                    }
                }
                circle cx=(f(x(bin.mean_confidence))) cy=(f(y(bin.accuracy))) r="2.5"
                    fill="#1f2328" {}
                text.count x=(f(x((bin.low + bin.high) / 2.0))) y=(f(y(bin.accuracy) - 4.0))
                    text-anchor="middle" { (bin.rows) }
            }
            line.diagonal x1=(f(x(0.0))) y1=(f(y(0.0))) x2=(f(x(1.0))) y2=(f(y(1.0)))
                stroke="#cf222e" stroke-dasharray="4 3" {}
            text x=(f(x(0.5))) y="316" text-anchor="middle" { "predicted-label probability" }
            text x="12" y=(f(y(0.5))) text-anchor="middle"
                transform=(format!("rotate(-90 12 {})", f(y(0.5)))) { "accuracy" }
        }
    }
}

/// The head's most confident mistakes, each with its explanation where there is one.
fn mistakes_section(detail: &TaskDetails) -> Markup {
    let explained = detail.mistakes.iter().any(|m| m.explanation.is_some());
    html! {
        section.mistakes {
        h3 { "Most confident mistakes" }
        @if detail.mistakes.is_empty() {
            p.note { "No row was labelled wrong." }
        } @else {
            p.note {
                (detail.mistakes.len()) " of the " (detail.wrong)
                " wrong labels, the one given with the highest probability first."
            }
            table.mistakes {
                thead { tr {
                    th.num { "#" } th { "text" } th { "actor" } th { "gold" } th { "predicted" }
                    th.num { "probability" }
                    @if explained { th { "top terms toward the prediction" } }
                } }
                tbody {
                    @for (i, mistake) in detail.mistakes.iter().enumerate() {
                        (mistake_row(i + 1, mistake, explained))
                    }
                }
            }
        }
        }
    }
}

fn mistake_row(number: usize, mistake: &ConfidentMistake, explained: bool) -> Markup {
    html! {
        tr {
            td.num { (number) }
            td.text { (mistake.text) }
            td { (mistake.actor) }
            td class=(label_class(&mistake.gold)) { (mistake.gold) }
            td class=(label_class(&mistake.predicted)) { (mistake.predicted) }
            td.num { (format!("{:.3}", mistake.probability)) }
            @if explained {
                td {
                    @if let Some(explanation) = &mistake.explanation {
                        (explanation_terms(explanation))
                    }
                }
            }
        }
    }
}

/// An explanation's listed terms: term, kind and signed contribution to the margin.
fn explanation_terms(explanation: &Explanation) -> Markup {
    html! {
        span.note {
            (explanation.label) " over " (explanation.versus) ", margin "
            (format!("{:+.2}", explanation.margin))
        }
        ul.terms {
            @for term in &explanation.terms {
                li {
                    span.term { (term.term) } " "
                    span.muted { "(" (term.kind) ")" } " "
                    span class=(if term.contribution >= 0.0 { "push-for" } else { "push-against" }) {
                        (format!("{:+.3}", term.contribution))
                    }
                }
            }
        }
    }
}

/// The page of `evaluate --extraction … --report`: the figures of `report`, then the error
/// cases of the `all` view by article ([`crate::eval::extraction::mistakes_by_article`]).
pub fn extraction_page(
    title: &str,
    report: &ExtractionReport,
    mistakes: &[ArticleMistakes],
) -> String {
    let kinds: Vec<String> = report
        .gold_by_kind
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    let prf = |s: &MatchScores| {
        format!(
            "{:.1} / {:.1} / {:.1}",
            100.0 * s.precision,
            100.0 * s.recall,
            100.0 * s.f1
        )
    };
    let rate = |r: &Rate| format!("{:.1} ({})", 100.0 * r.rate, r.total);
    let body = html! {
        h1 { (title) }
        p {
            (report.articles) " articles, " (report.views.all.gold) " gold units ("
            (kinds.join(", ")) ")."
        }
        h2 { "Figures" }
        table.views {
            thead { tr {
                th { "view" } th.num { "gold" } th.num { "pred" } th.num { "exact P / R / F1" }
                th.num { "overlap P / R / F1" } th.num { "speaker acc (n)" }
                th.num { "named-mention acc (n)" } th.num { "pred speaker empty" }
            } }
            tbody {
                @for view in View::EVERY {
                    @let v = report.views.get(view);
                    tr {
                        td { (view.name()) }
                        td.num { (v.gold) } td.num { (v.predicted) }
                        td.num { (prf(&v.exact)) } td.num { (prf(&v.overlap)) }
                        td.num { (rate(&v.speaker)) } td.num { (rate(&v.speaker_named)) }
                        td.num { (v.speaker_empty) }
                    }
                }
            }
        }
        p {
            "Overlap recall by gold kind: "
            @if report.views.all.recall_by_kind.is_empty() { "no gold unit" }
            @for (i, (kind, r)) in report.views.all.recall_by_kind.iter().enumerate() {
                @if i > 0 { ", " }
                (kind) " " (r.hits) "/" (r.total) " (" (format!("{:.1}", 100.0 * r.rate)) "%)"
            }
            "."
            @if report.actor_pairs.total > 0 {
                " Actor-pair recall: " (report.actor_pairs.hits) " / " (report.actor_pairs.total)
                " (" (format!("{:.1}", 100.0 * report.actor_pairs.rate)) "%)."
            }
        }
        @for view in [View::All, View::Direct] {
            (speaker_reliability(&report.views.get(view).speaker_reliability, view.name()))
        }
        h2 { "Errors by article" }
        p.note {
            "The missed, spurious and mis-attributed statements of the all view, at most "
            (crate::eval::extraction::MISTAKES_PER_LIST) " of each per article."
        }
        @if mistakes.is_empty() {
            p { "No error: every statement was found, nothing else, and every speaker is right." }
        }
        @for article in mistakes {
            section.article {
                h3 { (article.article) }
                (mistake_list("Missed", "gold statements no prediction matches", &article.missed))
                (mistake_list("Spurious", "predictions that match no gold statement", &article.spurious))
                (mistake_list("Wrong speaker", "matched statements given another speaker", &article.wrong_speaker))
            }
        }
    };
    page(title, REPORT_STYLE, body)
}

/// The speaker reliability table of one view.
fn speaker_reliability(reliability: &Reliability, view: &str) -> Markup {
    let total: usize = reliability.rows.iter().map(|r| r.n).sum();
    html! {
        h3 { "Speaker confidence reliability, " (view) " view (n " (total) ")" }
        p {
            "Expected calibration error " (format!("{:.3}", reliability.ece)) ", "
            (format!("{:.3}", reliability.ece_with_speaker)) " over those with a speaker."
        }
        @if !reliability.rows.is_empty() {
            table.reliability {
                thead { tr {
                    th { "confidence" } th.num { "n" } th.num { "right" } th.num { "accuracy" }
                    th.num { "mean confidence" }
                } }
                tbody {
                    @for row in &reliability.rows {
                        tr {
                            td { (row.confidence.map_or("no speaker".to_string(), |c| format!("{c:.2}"))) }
                            td.num { (row.n) } td.num { (row.right) }
                            td.num { (format!("{:.3}", row.accuracy)) }
                            td.num { (format!("{:.3}", row.mean_confidence)) }
                        }
                    }
                }
            }
        }
    }
}

/// One type of error case of an article, as a table, with how many were left out.
fn mistake_list(heading: &str, what: &str, list: &Capped<&Mistake>) -> Markup {
    html! {
        @if !list.shown.is_empty() {
            h4 { (heading) " " span.note { "(" (what) ")" } }
            table class=(format!("errors {}", heading.to_lowercase().replace(' ', "-"))) {
                thead { tr { th { "text" } th { "speaker" } th { "note" } } }
                tbody {
                    @for mistake in &list.shown { (mistake_case(mistake)) }
                }
            }
            @if list.left_out > 0 {
                p.note { (list.left_out) " more not shown." }
            }
        }
    }
}

fn mistake_case(mistake: &Mistake) -> Markup {
    let name = |speaker: &Option<String>| speaker.clone().unwrap_or_else(|| "none".into());
    match mistake {
        Mistake::Missed {
            kind,
            text,
            gold_speaker,
            partial_preds,
            ..
        } => html! {
            tr {
                td.text { (text) }
                td { "gold: " (name(gold_speaker)) }
                td {
                    (kind.name())
                    @if !partial_preds.is_empty() {
                        "; overlapped too little by: "
                        @for (i, p) in partial_preds.iter().enumerate() {
                            @if i > 0 { " | " }
                            q { (p) }
                        }
                    }
                }
            }
        },
        Mistake::Spurious {
            text,
            pred_speaker,
            direct,
            unannotated_quote_marks,
            ..
        } => html! {
            tr {
                td.text { (text) }
                td { "predicted: " (name(pred_speaker)) }
                td {
                    @if *unannotated_quote_marks { "on quote marks the gold leaves unannotated" }
                    @else if *direct { "on quote marks" }
                    @else { "reported speech" }
                }
            }
        },
        Mistake::WrongSpeaker {
            kind,
            gold_speaker,
            gold_mention,
            pred_speaker,
            text,
            ..
        } => html! {
            tr {
                td.text { (text) }
                td { "gold: " (name(gold_speaker)) br; "predicted: " (name(pred_speaker)) }
                td {
                    (kind.name())
                    @if let Some(mention) = gold_mention { "; gold mention: " q { (mention) } }
                }
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Task;
    use crate::eval::Calibration;
    use crate::model::explain::Contribution;

    fn details(explanation: Option<Explanation>) -> TaskDetails {
        TaskDetails {
            task: Task::Stance,
            calibration: Calibration::compute(&[0.9], &[false], 10),
            mistakes: vec![ConfidentMistake {
                row: 0,
                text: "Ruiz <b>failed</b> us".into(),
                actor: "Elena Ruiz".into(),
                gold: "against".into(),
                predicted: "favor".into(),
                probability: 0.9,
                explanation,
            }],
            wrong: 1,
        }
    }

    #[test]
    fn a_mistake_shows_its_explanations_terms_when_it_has_one() {
        let explanation = Explanation {
            task: Task::Stance,
            label: "favor".into(),
            versus: "against".into(),
            margin: 2.2,
            intercept: 0.1,
            terms: vec![
                Contribution {
                    term: "thank".into(),
                    kind: "word",
                    contribution: 1.25,
                    spans: Vec::new(),
                    more_spans: 0,
                },
                Contribution {
                    term: "failed".into(),
                    kind: "near-target",
                    contribution: -0.5,
                    spans: Vec::new(),
                    more_spans: 0,
                },
            ],
            rest: 1.35,
        };
        let with = mistakes_section(&details(Some(explanation))).into_string();
        assert!(with.contains("top terms toward the prediction"), "{with}");
        assert!(with.contains("thank") && with.contains("(word)") && with.contains("+1.250"));
        assert!(with.contains("(near-target)") && with.contains("-0.500"));
        assert!(with.contains("&lt;b&gt;failed"), "text is escaped: {with}");
        let without = mistakes_section(&details(None)).into_string();
        assert!(!without.contains("top terms"), "{without}");
        assert!(without.contains("Elena Ruiz") && without.contains("0.900"));
    }

    #[test]
    fn heat_map_cells_carry_counts_and_row_shares() {
        let labels: Vec<String> = ["against", "favor"].map(String::from).to_vec();
        let metrics = Metrics::compute(&labels, &[0, 0, 0, 1], &[0, 0, 1, 1]);
        let table = confusion_heat_map(&metrics).into_string();
        assert!(
            table.contains(">2</td>") && table.contains(">1</td>"),
            "{table}"
        );
        assert!(table.contains("2 of the against rows (66.7%)"), "{table}");
        assert!(table.contains(&heat_style(1.0)), "{table}");
    }
}
