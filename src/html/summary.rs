//! The page of `summarize --format html`: the totals, the edge table with each edge's stance
//! mix, the speaker → actor network and, when the rows have dates, the stance counts per week.

use std::collections::BTreeMap;

use maud::{html, Markup};

use super::{label_class, label_colour, page, stacked_bar};
use crate::summary::{majority, Summary, NO_DATE};

/// The most edges the network draws: more lines than this cannot be told apart.
pub const NETWORK_EDGES: usize = 40;

/// Extra style for this page. Colours are set in `style` attributes, not SVG presentation
/// attributes, because they are CSS variables of the style sheet.
const STYLE: &str = r#"
.chart { overflow-x: auto; margin: .5rem 0 1rem; }
.legend span { margin-right: 1rem; }
.swatch { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem;
          vertical-align: -1px; }
svg line.edge { stroke-linecap: round; opacity: .75; }
"#;

/// The whole page of a summary.
pub fn summary_page(summary: &Summary) -> String {
    let body = html! {
        h1 { "Who says what about whom" }
        (totals(summary))
        h2 { "Network" }
        (network(summary))
        @if !summary.weeks.is_empty() {
            h2 { "Stance by week" }
            (time_chart(summary))
        }
        h2 { "Edges" }
        (edge_table(summary))
        h2 { "Speakers" }
        (speaker_table(summary))
    };
    page("stance summarize", STYLE, body)
}

/// The counts over every row, and what the figures are.
fn totals(summary: &Summary) -> Markup {
    let t = &summary.totals;
    let grouped: Vec<&str> = summary.group_by.iter().map(|g| g.name()).collect();
    html! {
        table {
            tr { th { "Rows (statement, actor pairs)" } td.num { (t.rows) } }
            tr { th { "Statements" } td.num { (t.statements) } }
            tr { th { "Articles" } td.num { (t.articles) } }
            tr { th { "Speakers" } td.num { (summary.speakers.len()) } }
            tr { th { "Rows about no actor (no stance, in no edge)" } td.num { (t.without_actor) } }
            tr { th { "Rows without a speaker" } td.num { (t.without_speaker) } }
            tr { th { "Rows without a date" } td.num { (t.without_date) } }
            tr { th { "Edges" } td.num { (t.edges) } }
            @if summary.dropped_edges > 0 {
                tr {
                    th { "Edges left out (fewer than " (summary.min_rows) " rows)" }
                    td.num { (summary.dropped_edges) }
                }
            }
        }
        p.note {
            "An edge is what one speaker says about one actor"
            @if !grouped.is_empty() { " in one " (grouped.join(" and ")) }
            ". Its share against is the share of its rows labelled against, with a Wilson \
             score 95% interval; rows are (statement, actor) pairs, so a statement about two \
             actors counts in two edges."
        }
        (legend(&summary.labels))
    }
}

/// The colour of each label.
fn legend(labels: &[String]) -> Markup {
    html! {
        p.legend {
            @for label in labels {
                span {
                    span.swatch style={"background:" (label_colour(label))} {}
                    span class=(label_class(label)) { (label) }
                }
            }
        }
    }
}

/// An edge of the network: the edges of one (speaker, actor) pair in every group, merged.
struct Link<'a> {
    speaker: &'a str,
    actor: &'a str,
    rows: usize,
    counts: Vec<usize>,
}

/// The network: speakers in the left column, actors in the right, one line per edge, as wide
/// as its rows and coloured by its majority stance; only the [`NETWORK_EDGES`] largest.
fn network(summary: &Summary) -> Markup {
    let mut merged: BTreeMap<(&str, &str), Link> = BTreeMap::new();
    for edge in &summary.edges {
        let link = merged
            .entry((&edge.speaker, &edge.actor))
            .or_insert_with(|| Link {
                speaker: &edge.speaker,
                actor: &edge.actor,
                rows: 0,
                counts: vec![0; summary.labels.len()],
            });
        link.rows += edge.rows;
        for (total, n) in link.counts.iter_mut().zip(&edge.counts) {
            *total += n;
        }
    }
    let mut links: Vec<Link> = merged.into_values().collect();
    if links.is_empty() {
        return html! { p.muted { "No edges: no row is about an actor." } };
    }
    links.sort_by(|a, b| {
        b.rows
            .cmp(&a.rows)
            .then_with(|| a.speaker.cmp(b.speaker))
            .then_with(|| a.actor.cmp(b.actor))
    });
    let all = links.len();
    links.truncate(NETWORK_EDGES);

    let speakers = column(links.iter().map(|link| (link.speaker, link.rows)));
    let actors = column(links.iter().map(|link| (link.actor, link.rows)));
    const ROW: f64 = 22.0;
    const TOP: f64 = 16.0;
    const WIDTH: f64 = 760.0;
    const LEFT: f64 = 250.0;
    const RIGHT: f64 = 510.0;
    let height = TOP * 2.0 + ROW * speakers.len().max(actors.len()) as f64;
    let y_of = |names: &[(&str, usize)], name: &str| {
        let index = names.iter().position(|(n, _)| *n == name).unwrap_or(0);
        TOP + ROW * (index as f64 + 0.5)
    };
    let most = links.iter().map(|l| l.rows).max().unwrap_or(1) as f64;
    html! {
        p.note {
            @if all > NETWORK_EDGES {
                "The " (NETWORK_EDGES) " edges with the most rows, of " (all) "; "
            } @else {
                "All " (all) " edges (at most " (NETWORK_EDGES) " are drawn); "
            }
            "speakers on the left, actors on the right; a line's width is its rows, its colour \
             the stance most of its rows have (grey on a tie)."
        }
        div.chart {
            svg width=(WIDTH) height=(height) viewBox={"0 0 " (WIDTH) " " (height)} role="img" {
                title { "Speaker to actor network" }
                @for link in &links {
                    @let colour = majority(&summary.labels, &link.counts).map_or("#8c959f", label_colour);
                    line.edge x1=(LEFT) y1=(fmt(y_of(&speakers, link.speaker)))
                        x2=(RIGHT) y2=(fmt(y_of(&actors, link.actor)))
                        style={"stroke:" (colour) ";stroke-width:" (fmt(1.0 + 9.0 * link.rows as f64 / most))} {
                        title { (link.speaker) " → " (link.actor) ": " (counts_text(link.rows, &link.counts, &summary.labels)) }
                    }
                }
                @for (name, rows) in &speakers {
                    text x=(LEFT - 8.0) y=(fmt(y_of(&speakers, name) + 4.0)) text-anchor="end" {
                        (name) " (" (rows) ")"
                    }
                }
                @for (name, rows) in &actors {
                    text x=(RIGHT + 8.0) y=(fmt(y_of(&actors, name) + 4.0)) {
                        (name) " (" (rows) ")"
                    }
                }
            }
        }
    }
}

/// `5 rows: 3 against, 2 favor`.
fn counts_text(rows: usize, counts: &[usize], labels: &[String]) -> String {
    let parts: Vec<String> = labels
        .iter()
        .zip(counts)
        .filter(|(_, &n)| n > 0)
        .map(|(l, n)| format!("{n} {l}"))
        .collect();
    format!("{rows} rows: {}", parts.join(", "))
}

/// A column of the network: its names by their rows among the links drawn, most first.
fn column<'a>(rows: impl Iterator<Item = (&'a str, usize)>) -> Vec<(&'a str, usize)> {
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, n) in rows {
        *totals.entry(name).or_default() += n;
    }
    let mut names: Vec<(&str, usize)> = totals.into_iter().collect();
    names.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    names
}

/// A coordinate with two decimals.
fn fmt(x: f64) -> String {
    format!("{x:.2}")
}

/// Stacked bars of the stance counts per ISO week, oldest first.
fn time_chart(summary: &Summary) -> Markup {
    const BAR: f64 = 22.0;
    const GAP: f64 = 8.0;
    const PLOT: f64 = 160.0;
    const TOP: f64 = 20.0;
    const AXIS: f64 = 70.0;
    let totals: Vec<usize> = summary
        .weeks
        .iter()
        .map(|w| w.counts.iter().sum())
        .collect();
    let most = totals.iter().copied().max().unwrap_or(1).max(1) as f64;
    let width = 40.0 + (BAR + GAP) * summary.weeks.len() as f64;
    let height = TOP + PLOT + AXIS;
    let base = TOP + PLOT;
    html! {
        p.note {
            "Rows with a stance per ISO week of their date"
            @if summary.totals.without_date > 0 {
                "; " (summary.totals.without_date) " rows have no date and are left out ("
                (NO_DATE) " in the table)"
            }
            "."
        }
        div.chart {
            svg width=(fmt(width)) height=(height) viewBox={"0 0 " (fmt(width)) " " (height)} role="img" {
                title { "Stance counts per week" }
                line x1="30" y1=(base) x2=(fmt(width)) y2=(base) stroke="#d0d7de" {}
                text x="26" y=(TOP + 4.0) text-anchor="end" { (most) }
                text x="26" y=(base + 4.0) text-anchor="end" { "0" }
                @for (i, (week, total)) in summary.weeks.iter().zip(&totals).enumerate() {
                    @let x = 40.0 + (BAR + GAP) * i as f64;
                    g {
                        title { (week.week) ": " (counts_text(*total, &week.counts, &summary.labels)) }
                        @for (y, h, label) in segments(&week.counts, &summary.labels, base, PLOT / most) {
                            rect x=(fmt(x)) y=(fmt(y)) width=(BAR) height=(fmt(h)) style={"fill:" (label_colour(label))} {}
                        }
                    }
                    text x=(fmt(x + BAR / 2.0)) y=(base + 10.0) text-anchor="end"
                        transform={"rotate(-60 " (fmt(x + BAR / 2.0)) " " (base + 10.0) ")"} {
                        (week.week)
                    }
                }
            }
        }
    }
}

/// The rectangles of one stacked bar, bottom up: (top, height, label), `scale` pixels a row.
fn segments<'a>(
    counts: &[usize],
    labels: &'a [String],
    base: f64,
    scale: f64,
) -> Vec<(f64, f64, &'a str)> {
    let mut top = base;
    let mut rectangles = Vec::new();
    for (label, &n) in labels.iter().zip(counts) {
        if n == 0 {
            continue;
        }
        let h = n as f64 * scale;
        top -= h;
        rectangles.push((top, h, label.as_str()));
    }
    rectangles
}

/// One row per edge: its groups, speaker, actor, counts, share against and stance mix.
fn edge_table(summary: &Summary) -> Markup {
    let percent = |x: f64| format!("{:.0}%", 100.0 * x);
    html! {
        @if summary.edges.is_empty() {
            p.muted { "No edges." }
        } @else {
            table.edges {
                thead {
                    tr {
                        @for group in &summary.group_by { th { (group.name()) } }
                        th { "speaker" } th { "actor" }
                        th.num { "rows" } th.num { "statements" }
                        @for label in &summary.labels { th.num class=(label_class(label)) { (label) } }
                        th.num { "share against (95% interval)" }
                        th.num { "mean probability" }
                        th { "stance mix" }
                    }
                }
                tbody {
                    @for edge in &summary.edges {
                        tr {
                            @for group in &edge.groups { td { (group) } }
                            td { (edge.speaker) } td { (edge.actor) }
                            td.num { (edge.rows) } td.num { (edge.statements) }
                            @for n in &edge.counts { td.num { (n) } }
                            td.num {
                                @if let Some(share) = edge.share_against {
                                    (percent(share.share)) " "
                                    span.muted { "(" (percent(share.low)) "–" (percent(share.high)) ")" }
                                }
                            }
                            td.num {
                                @if let Some(p) = edge.mean_probability { (format!("{p:.2}")) }
                            }
                            td {
                                (stacked_bar(&summary.labels.iter().cloned().zip(edge.counts.iter().copied()).collect::<Vec<_>>(), 120.0))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One row per speaker: rows, rows about no actor, statements.
fn speaker_table(summary: &Summary) -> Markup {
    html! {
        table {
            thead {
                tr {
                    th { "speaker" } th.num { "rows" } th.num { "rows about no actor" }
                    th.num { "statements" }
                }
            }
            tbody {
                @for speaker in &summary.speakers {
                    tr {
                        td { (speaker.speaker) } td.num { (speaker.rows) }
                        td.num { (speaker.without_actor) } td.num { (speaker.statements) }
                    }
                }
            }
        }
    }
}
