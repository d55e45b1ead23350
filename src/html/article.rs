//! The article view of `predict --format html` (and of `stance serve`): each article's text
//! with its statements highlighted and coloured by their stance toward a chosen actor, each
//! statement's speaker, actors, probabilities and explanation, and who says what about whom.
//!
//! Statements may nest (a quote inside a reported statement) or overlap, so the text is cut at
//! every statement boundary and each piece is wrapped in the marks of the statements that
//! cover it, outermost first ([`layout`]); a statement that must be closed to close one inside
//! it is opened again after it, as a continuation, so every statement has exactly one first
//! mark. Spans that do not fall on the text's character boundaries are not highlighted.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use maud::{html, Escaper, Markup, PreEscaped};

use crate::corpus::Task;
use crate::model::explain::{Explanation, Origin};
use crate::model::StanceModel;
use crate::score::Scored;

use super::{label_class, label_colour, page_frame, stacked_bar};

/// One article of a run, as the view shows it.
#[derive(Debug, Clone, Copy)]
pub struct ArticleInput<'a> {
    /// Its name: the file, or the JSON line's `id`.
    pub name: &'a str,
    /// Its text; `None` for CSV rows, which have no article around them: their statements
    /// are listed without the text.
    pub text: Option<&'a str>,
    /// Its scored (statement, actor) pairs, in the order `predict` writes them.
    pub rows: &'a [Scored],
}

/// The style of the article view, after the shared style sheet.
const ARTICLE_STYLE: &str = r#"
.article { margin-bottom: 3rem; }
.controls { margin: .3rem 0 .8rem; }
.article-body { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5rem; }
@media (max-width: 50rem) { .article-body { grid-template-columns: minmax(0, 1fr); } }
.text { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.7; }
.statements { max-height: 85vh; overflow: auto; }
mark { color: inherit; cursor: pointer; padding: 1px 0; border-bottom: 2px solid transparent; }
mark mark { padding: 0; border-bottom-style: dotted; }
.hl-favor { background: #d3f5dc; border-bottom-color: var(--favor); }
.hl-against { background: #ffdcd7; border-bottom-color: var(--against); }
.hl-neutral { background: #e4e8ec; border-bottom-color: var(--neutral); }
.hl-other { background: #ebe4f7; border-bottom-color: #8250df; }
.hl-away { background: #fff5c2; border-bottom-color: #d4a72c; }
.legend mark { cursor: default; padding: 0 .3rem; margin-right: .4rem; }
details.statement { border: 1px solid var(--rule); border-radius: 4px; margin: 0 0 .4rem; padding: .2rem .5rem; }
details.statement[open] { background: #f6f8fa; }
details.statement summary { cursor: pointer; }
.qid { display: inline-block; min-width: 1.6rem; color: var(--muted); font-variant-numeric: tabular-nums; }
.who { font-weight: 600; }
.snippet { white-space: pre-wrap; border-left: 3px solid var(--rule); padding-left: .5rem; margin: .3rem 0; }
.term-hit { background: #fff1a8; border-bottom: 2px solid #d4a72c; cursor: help; }
.plus { color: var(--favor); } .minus { color: var(--against); }
.graph { overflow-x: auto; }
"#;

/// Paints each article's marks by their stance toward the actor its selector names, and opens
/// a statement's details when its mark is clicked. The page reads the same without it, with
/// the first actor chosen.
const SCRIPT: &str = r#"
document.querySelectorAll("select.actor-select").forEach(function (select) {
  var article = document.getElementById(select.dataset.article);
  select.addEventListener("change", function () {
    var key = "a" + select.value;
    article.querySelectorAll("mark[data-statement]").forEach(function (mark) {
      mark.className = mark.className.replace(/\bhl-\S+/, "hl-" + (mark.dataset[key] || "away"));
    });
  });
});
document.addEventListener("click", function (event) {
  var mark = event.target.closest ? event.target.closest("mark[data-detail]") : null;
  if (!mark) { return; }
  var detail = document.getElementById(mark.dataset.detail);
  if (detail) { detail.open = true; detail.scrollIntoView({ block: "nearest" }); }
  event.stopPropagation();
});
"#;

/// The whole article view of a run over `articles`, as one self-contained HTML page, written
/// to `out` an article at a time: a long article's view is many times its size, so only one
/// article's part of the page is ever held in memory.
pub fn write_article_page(
    out: &mut impl Write,
    model: &StanceModel,
    title: &str,
    articles: &[ArticleInput],
) -> io::Result<()> {
    let (before, after) = page_frame(title, ARTICLE_STYLE);
    out.write_all(before.as_bytes())?;
    out.write_all(article_heading(model, title, articles).0.as_bytes())?;
    for (index, article) in articles.iter().enumerate() {
        out.write_all(article_section(model, index, article).0.as_bytes())?;
    }
    out.write_all(html! { script { (PreEscaped(SCRIPT)) } }.0.as_bytes())?;
    out.write_all(after.as_bytes())
}

/// The top of the article view: the heading, the counts and the legend.
fn article_heading(model: &StanceModel, title: &str, articles: &[ArticleInput]) -> Markup {
    let statements: usize = articles
        .iter()
        .map(|article| statements(article.rows).len())
        .sum();
    html! {
        h1 { (title) }
        p.note {
            (articles.len()) " article" @if articles.len() != 1 { "s" } ", "
            (statements) " statement" @if statements != 1 { "s" } ". "
            "Each statement is coloured by its stance toward the actor chosen above its text; "
            "hover over it for its speaker and actors, click it for the probabilities."
        }
        p.legend.note {
            @for label in stance_labels(model) {
                mark class={"hl-" (highlight(label))} { (label) }
            }
            mark.hl-away { "not about that actor" }
        }
    }
}

/// The labels of the model's stance head, in its order.
fn stance_labels(model: &StanceModel) -> Vec<&str> {
    model
        .heads
        .iter()
        .find(|head| head.task == Task::Stance)
        .map(|head| head.labels.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

/// One statement of an article: its (statement, actor) rows together.
struct Statement<'a> {
    /// The rows, one per actor (one without an actor when it concerns none).
    rows: Vec<&'a Scored>,
}

impl<'a> Statement<'a> {
    fn first(&self) -> &'a Scored {
        self.rows[0]
    }
}

/// The statements of an article's rows, in the order of their first row.
fn statements(rows: &[Scored]) -> Vec<Statement<'_>> {
    let mut statements: Vec<Statement> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for row in rows {
        match index.get(row.quote_id.as_str()) {
            Some(&i) => statements[i].rows.push(row),
            None => {
                index.insert(&row.quote_id, statements.len());
                statements.push(Statement { rows: vec![row] });
            }
        }
    }
    statements
}

/// The actors of an article's rows, in the order they first come.
fn actors(rows: &[Scored]) -> Vec<&str> {
    let mut actors: Vec<&str> = Vec::new();
    for actor in rows.iter().filter_map(|row| row.actor.as_deref()) {
        if !actors.contains(&actor) {
            actors.push(actor);
        }
    }
    actors
}

/// The suffix of a mark's `hl-` class for a stance label (`away` is kept for a statement
/// that does not concern the chosen actor).
fn highlight(label: &str) -> &'static str {
    match label {
        "favor" | "positive" => "favor",
        "against" | "negative" => "against",
        "neutral" | "none" => "neutral",
        _ => "other",
    }
}

/// One article: its heading, the actor selector, its text with the statements marked beside
/// the list of statements, and the summary of who says what about whom.
fn article_section(model: &StanceModel, index: usize, article: &ArticleInput) -> Markup {
    let id = format!("article-{index}");
    let statements = statements(article.rows);
    let actors = actors(article.rows);
    let detail_id = |s: usize| format!("{id}-statement-{s}");
    html! {
        section.article id=(id) {
            h2 { (article.name) }
            @if article.text.is_some() {
                div.controls {
                    @if actors.is_empty() {
                        span.note { "No statement of this article concerns an actor." }
                    } @else {
                        label {
                            "Stance toward "
                            select.actor-select data-article=(id) {
                                @for (a, actor) in actors.iter().enumerate() {
                                    option value=(a) { (actor) }
                                }
                            }
                        }
                    }
                }
            }
            div.article-body {
                @if let Some(text) = article.text {
                    div.text { (marked_text(model, text, &statements, &actors, &detail_id)) }
                }
                div.statements {
                    @if statements.is_empty() {
                        p.note { "No statements found." }
                    }
                    @for (s, statement) in statements.iter().enumerate() {
                        (statement_detail(model, article, statement, &detail_id(s)))
                    }
                }
            }
            (summary(model, article.rows))
        }
    }
}

/// A piece of the marked text: open a statement's mark, close the innermost open mark, or
/// a byte range of plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Opens the mark of statement `statement`; `first` is false for a continuation.
    Open { statement: usize, first: bool },
    /// Closes the innermost open mark.
    Close,
    /// Text between two boundaries.
    Text(usize, usize),
}

/// Lays out `spans` (statement `i` at `spans[i]`, `None` for one not shown) over a text of
/// `len` bytes as properly nested marks: the text is cut at every boundary, and each piece
/// sits inside the marks of the spans that cover it, the one that starts first (and, of
/// those, ends last) outermost. A span that must close for an inner one to close is opened
/// again after it as a continuation. An empty span is an empty mark at its place. Spans past
/// the end are clipped.
fn layout(len: usize, spans: &[Option<(usize, usize)>]) -> Vec<Piece> {
    let spans: Vec<Option<(usize, usize)>> = spans
        .iter()
        .map(|span| span.map(|(s, e)| (s.min(len), e.min(len).max(s.min(len)))))
        .collect();
    let mut boundaries: Vec<usize> = vec![0, len];
    for &(start, end) in spans.iter().flatten() {
        boundaries.push(start);
        boundaries.push(end);
    }
    boundaries.sort_unstable();
    boundaries.dedup();
    let order = |i: &usize| {
        let (start, end) = spans[*i].unwrap_or_default();
        (start, std::cmp::Reverse(end), *i)
    };
    let mut pieces = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut opened = vec![false; spans.len()];
    let mut emit_open = |pieces: &mut Vec<Piece>, open: &mut Vec<usize>, statement: usize| {
        pieces.push(Piece::Open {
            statement,
            first: !opened[statement],
        });
        opened[statement] = true;
        open.push(statement);
    };
    for (b, &at) in boundaries.iter().enumerate() {
        let next = boundaries.get(b + 1).copied();
        let mut wanted: Vec<usize> = match next {
            Some(next) => (0..spans.len())
                .filter(|&i| spans[i].is_some_and(|(s, e)| s <= at && next <= e && s < e))
                .collect(),
            None => Vec::new(),
        };
        wanted.sort_by_key(order);
        let keep = open.iter().zip(&wanted).take_while(|(a, b)| a == b).count();
        while open.len() > keep {
            open.pop();
            pieces.push(Piece::Close);
        }
        for empty in (0..spans.len()).filter(|&i| spans[i] == Some((at, at))) {
            emit_open(&mut pieces, &mut open, empty);
            open.pop();
            pieces.push(Piece::Close);
        }
        for &statement in &wanted[keep..] {
            emit_open(&mut pieces, &mut open, statement);
        }
        if let Some(next) = next {
            pieces.push(Piece::Text(at, next));
        }
    }
    pieces
}

/// The byte ranges of `spans` that can be shown in `text`: those on character boundaries.
fn valid_span(text: &str, span: Option<(usize, usize)>) -> Option<(usize, usize)> {
    span.filter(|&(start, end)| start <= end && text.get(start..end).is_some())
}

/// An article's text with each statement marked, coloured by its stance toward the first
/// actor, with its speaker and actors as a tooltip.
fn marked_text(
    model: &StanceModel,
    text: &str,
    statements: &[Statement],
    actors: &[&str],
    detail_id: &dyn Fn(usize) -> String,
) -> Markup {
    let spans: Vec<Option<(usize, usize)>> = statements
        .iter()
        .map(|statement| valid_span(text, statement.first().span))
        .collect();
    // Per statement: the `hl-` suffix toward each actor of the article, and the tooltip.
    let colours: Vec<Vec<&str>> = statements
        .iter()
        .map(|statement| {
            actors
                .iter()
                .map(|actor| {
                    statement
                        .rows
                        .iter()
                        .find(|row| row.actor.as_deref() == Some(actor))
                        .and_then(|row| row.label(model, Task::Stance))
                        .map_or("away", |(label, _)| highlight(label))
                })
                .collect()
        })
        .collect();
    let mut out = String::with_capacity(text.len() * 2);
    for piece in layout(text.len(), &spans) {
        match piece {
            Piece::Text(start, end) => escape(&mut out, &text[start..end]),
            Piece::Close => out.push_str("</mark>"),
            Piece::Open { statement, first } => {
                let colour = colours[statement].first().copied().unwrap_or("away");
                let class = if first { "statement" } else { "statement-part" };
                let _ = write!(out, r#"<mark class="{class} hl-{colour}""#);
                if first {
                    out.push_str(r#" id=""#);
                    escape(&mut out, &format!("{}-mark", detail_id(statement)));
                    out.push('"');
                }
                out.push_str(r#" data-statement=""#);
                escape(&mut out, &statements[statement].first().quote_id);
                out.push_str(r#"" data-detail=""#);
                escape(&mut out, &detail_id(statement));
                out.push('"');
                for (a, colour) in colours[statement].iter().enumerate() {
                    let _ = write!(out, r#" data-a{a}="{colour}""#);
                }
                out.push_str(r#" title=""#);
                escape(&mut out, &tooltip(model, &statements[statement]));
                out.push_str(r#"">"#);
            }
        }
    }
    PreEscaped(out)
}

/// Appends `text` to `out`, escaped for HTML text and attribute values.
fn escape(out: &mut String, text: &str) {
    let _ = Escaper::new(out).write_str(text);
}

/// A statement's tooltip: `Speaker → Actor: stance; Actor: stance`.
fn tooltip(model: &StanceModel, statement: &Statement) -> String {
    let first = statement.first();
    let speaker = first.speaker.as_deref().unwrap_or("(unknown speaker)");
    let about: Vec<String> = statement
        .rows
        .iter()
        .filter_map(|row| {
            let actor = row.actor.as_deref()?;
            Some(match row.label(model, Task::Stance) {
                Some((label, p)) => format!("{actor}: {label} {:.0}%", 100.0 * p),
                None => actor.to_string(),
            })
        })
        .collect();
    if about.is_empty() {
        format!("{speaker} → (no actor)")
    } else {
        format!("{speaker} → {}", about.join("; "))
    }
}

/// A statement in the list beside the text: its number, speaker, words and actors, and when
/// opened the probability of every label toward each actor and the explanations.
fn statement_detail(
    model: &StanceModel,
    article: &ArticleInput,
    statement: &Statement,
    id: &str,
) -> Markup {
    let first = statement.first();
    let actor_rows: Vec<&Scored> = statement.rows.to_vec();
    html! {
        details.statement id=(id) {
            summary {
                span.qid { (first.quote_id) }
                span.who { (first.speaker.as_deref().unwrap_or("(unknown speaker)")) }
                ": “" (first.quote.trim()) "”"
                @for row in &actor_rows {
                    @if let Some(actor) = &row.actor {
                        " → " (actor)
                        @if let Some((label, _)) = row.label(model, Task::Stance) {
                            " (" span class=(label_class(label)) { (label) } ")"
                        }
                    }
                }
            }
            @if let Some(confidence) = first.speaker_confidence {
                p.note { "Speaker attribution confidence " (format!("{confidence:.2}")) "." }
            }
            @if article.text.is_none() {
                @if let Some(context) = &first.context {
                    p.snippet { (context) }
                }
            }
            (probability_table(model, &actor_rows))
            @for row in &actor_rows {
                // No stance is given, so none is explained, for a statement without an actor.
                @for explanation in row.explanations.iter().filter(|e| row.label(model, e.task).is_some()) {
                    (explanation_view(article, row, explanation))
                }
            }
        }
    }
}

/// The probability of every label of every head, one line per actor; the predicted label in
/// bold.
fn probability_table(model: &StanceModel, rows: &[&Scored]) -> Markup {
    html! {
        table {
            tr {
                th { "actor" }
                @for head in &model.heads {
                    @for label in &head.labels {
                        th.num { (head.task.name()) " " span class=(label_class(label)) { (label) } }
                    }
                }
            }
            @for row in rows {
                tr {
                    td { (row.actor.as_deref().unwrap_or("(no actor)")) }
                    @for (head, prediction) in model.heads.iter().zip(&row.predictions) {
                        @for (k, p) in prediction.probabilities.iter().enumerate() {
                            @if row.label(model, head.task).is_none() {
                                td.num.muted { "–" }
                            } @else if k == prediction.class {
                                td.num { b { (format!("{:.0}%", 100.0 * p)) } }
                            } @else {
                                td.num { (format!("{:.0}%", 100.0 * p)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A byte range of a text.
type Span = (usize, usize);

/// Bytes of text shown on each side of a statement around an explanation's terms.
const SNIPPET_MARGIN: usize = 300;

/// One head's explanation: the margin and how it splits, the top terms, and the terms marked
/// in the text they came from.
fn explanation_view(article: &ArticleInput, row: &Scored, explanation: &Explanation) -> Markup {
    let listed: f64 = explanation.terms.iter().map(|t| t.contribution).sum();
    let signed = |x: f64| format!("{x:+.3}");
    let sign_class = |x: f64| if x >= 0.0 { "num plus" } else { "num minus" };
    // The texts the terms' spans index, each with its terms' spans.
    let sources: Vec<(Origin, &str, Option<Span>)> = [
        (Origin::Article, article.text, row.span),
        (Origin::Text, Some(row.quote.as_str()), None),
        (Origin::Context, row.context.as_deref(), None),
    ]
    .into_iter()
    .filter_map(|(origin, text, around)| text.map(|text| (origin, text, around)))
    .collect();
    html! {
        h4 {
            (explanation.task.name())
            @if let Some(actor) = &row.actor { " toward " (actor) }
            ": " span class=(label_class(&explanation.label)) { (explanation.label) }
            " over " span class=(label_class(&explanation.versus)) { (explanation.versus) }
        }
        p.note {
            "log-odds margin " (signed(explanation.margin)) " = intercept "
            (signed(explanation.intercept)) " + terms below " (signed(listed))
            " + every other term " (signed(explanation.rest))
        }
        table {
            tr { th { "term" } th { "kind" } th.num { "contribution" } }
            @for term in &explanation.terms {
                tr {
                    td.term {
                        (term.term)
                        @if term.more_spans > 0 {
                            " " span.note {
                                "(marked in " (term.spans.len()) " of "
                                (term.spans.len() + term.more_spans) " places)"
                            }
                        }
                    }
                    td { (term.kind) }
                    td class=(sign_class(term.contribution)) { (signed(term.contribution)) }
                }
            }
        }
        @for (origin, text, around) in sources {
            @let spans: Vec<(usize, usize, String)> = explanation
                .terms
                .iter()
                .flat_map(|term| {
                    term.spans
                        .iter()
                        .filter(move |span| span.origin == origin)
                        .map(move |span| (span.start, span.end, format!(
                            "{} ({}) {:+.3}", term.term, term.kind, term.contribution
                        )))
                })
                .filter(|(start, end, _)| valid_span(text, Some((*start, *end))).is_some())
                .collect();
            @if !spans.is_empty() {
                p.snippet { (marked_terms(text, around, &spans)) }
            }
        }
    }
}

/// The part of `text` around the statement at `around` (all of it when `None`) with the terms'
/// `spans` marked, each with its term, kind and contribution as a tooltip.
fn marked_terms(
    text: &str,
    around: Option<(usize, usize)>,
    spans: &[(usize, usize, String)],
) -> Markup {
    let (mut from, mut to) = match around.filter(|span| valid_span(text, Some(*span)).is_some()) {
        Some((start, end)) => (
            start.saturating_sub(SNIPPET_MARGIN),
            (end + SNIPPET_MARGIN).min(text.len()),
        ),
        None => (0, text.len()),
    };
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    while !text.is_char_boundary(to) {
        to += 1;
    }
    let shown: Vec<Option<(usize, usize)>> = spans
        .iter()
        .map(|(start, end, _)| {
            let (start, end) = ((*start).clamp(from, to), (*end).clamp(from, to));
            (start < end).then(|| (start - from, end - from))
        })
        .collect();
    let window = &text[from..to];
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    for piece in layout(window.len(), &shown) {
        match piece {
            Piece::Text(start, end) => escape(&mut out, &window[start..end]),
            Piece::Close => out.push_str("</mark>"),
            Piece::Open { statement, .. } => {
                out.push_str(r#"<mark class="term-hit" title=""#);
                escape(&mut out, &spans[statement].2);
                out.push_str(r#"">"#);
            }
        }
    }
    if to < text.len() {
        out.push('…');
    }
    PreEscaped(out)
}

/// Who says what about whom: for each (speaker, actor) pair, its statements and their stance
/// mix, as a table and as a graph.
fn summary(model: &StanceModel, rows: &[Scored]) -> Markup {
    let labels = stance_labels(model);
    let mut pairs: Vec<((&str, &str), Vec<usize>)> = Vec::new();
    for row in rows {
        let (Some(actor), Some((label, _))) =
            (row.actor.as_deref(), row.label(model, Task::Stance))
        else {
            continue;
        };
        let speaker = row.speaker.as_deref().unwrap_or("(unknown speaker)");
        let Some(k) = labels.iter().position(|l| *l == label) else {
            continue;
        };
        let p = match pairs.iter().position(|(pair, _)| *pair == (speaker, actor)) {
            Some(p) => p,
            None => {
                pairs.push(((speaker, actor), vec![0; labels.len()]));
                pairs.len() - 1
            }
        };
        pairs[p].1[k] += 1;
    }
    let mix = |counts: &[usize]| -> Vec<(String, usize)> {
        labels
            .iter()
            .zip(counts)
            .map(|(label, n)| (label.to_string(), *n))
            .collect()
    };
    html! {
        h3 { "Who says what about whom" }
        @if pairs.is_empty() {
            p.note { "No statement with a speaker's stance toward an actor." }
        } @else {
            table.summary {
                tr {
                    th { "speaker" } th { "about" } th.num { "statements" }
                    th { "stance mix" }
                }
                @for ((speaker, actor), counts) in &pairs {
                    tr {
                        td { (speaker) }
                        td { (actor) }
                        td.num { (counts.iter().sum::<usize>()) }
                        td {
                            (stacked_bar(&mix(counts), 120.0)) " "
                            @for (label, n) in mix(counts).iter().filter(|(_, n)| *n > 0) {
                                span class=(label_class(label)) { (n) " " (label) } " "
                            }
                        }
                    }
                }
            }
            div.graph { (graph(&labels, &pairs)) }
        }
    }
}

/// Width of the speakers → actors graph, in pixels.
const GRAPH_WIDTH: f64 = 640.0;
/// Height of one name in the graph.
const GRAPH_ROW: f64 = 24.0;
/// Characters of a name shown in the graph.
const GRAPH_NAME: usize = 28;

/// Speakers on the left, actors on the right, one line per pair: its width the pair's
/// statements, its colour the stance most of them take.
fn graph(labels: &[&str], pairs: &[((&str, &str), Vec<usize>)]) -> Markup {
    let mut speakers: Vec<&str> = Vec::new();
    let mut actors: Vec<&str> = Vec::new();
    for ((speaker, actor), _) in pairs {
        if !speakers.contains(speaker) {
            speakers.push(speaker);
        }
        if !actors.contains(actor) {
            actors.push(actor);
        }
    }
    let y = |i: usize| GRAPH_ROW * (i as f64 + 1.0);
    let height = GRAPH_ROW * (speakers.len().max(actors.len()) as f64 + 1.0);
    let most = pairs
        .iter()
        .map(|(_, counts)| counts.iter().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    let (left, right) = (200.0, GRAPH_WIDTH - 200.0);
    let short = |name: &str| -> String {
        if name.chars().count() > GRAPH_NAME {
            let cut: String = name.chars().take(GRAPH_NAME - 1).collect();
            format!("{cut}…")
        } else {
            name.to_string()
        }
    };
    html! {
        svg width=(GRAPH_WIDTH) height=(height) viewBox={"0 0 " (GRAPH_WIDTH) " " (height)}
            role="img" aria-label="speakers and the actors they speak about" {
            @for ((speaker, actor), counts) in pairs {
                @let s = speakers.iter().position(|x| x == speaker).unwrap_or(0);
                @let a = actors.iter().position(|x| x == actor).unwrap_or(0);
                @let total = counts.iter().sum::<usize>();
                @let dominant = counts
                    .iter()
                    .enumerate()
                    .max_by_key(|(k, n)| (**n, std::cmp::Reverse(*k)))
                    .map_or("", |(k, _)| labels[k]);
                line x1=(left + 6.0) y1=(y(s) - 4.0) x2=(right - 6.0) y2=(y(a) - 4.0)
                    stroke=(label_colour(dominant)) stroke-opacity="0.7"
                    stroke-width=(format!("{:.1}", 1.5 + 4.5 * total as f64 / most as f64)) {
                    title {
                        (speaker) " → " (actor) ": "
                        @for (k, n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                            (n) " " (labels[k]) " "
                        }
                    }
                }
            }
            @for (i, speaker) in speakers.iter().enumerate() {
                text x=(left) y=(y(i)) text-anchor="end" { title { (speaker) } (short(speaker)) }
            }
            @for (i, actor) in actors.iter().enumerate() {
                text x=(right) y=(y(i)) { title { (actor) } (short(actor)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page as `write_article_page` writes it.
    fn article_page(model: &StanceModel, title: &str, articles: &[ArticleInput]) -> String {
        let mut out = Vec::new();
        write_article_page(&mut out, model, title, articles).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The marks of `layout`, rendered with each statement's number: `[0 … ]`, `[0' … ]` for a
    /// continuation.
    fn render(text: &str, spans: &[Option<(usize, usize)>]) -> String {
        let mut out = String::new();
        for piece in layout(text.len(), spans) {
            match piece {
                Piece::Text(s, e) => out.push_str(&text[s..e]),
                Piece::Close => out.push(']'),
                Piece::Open { statement, first } => {
                    out.push('[');
                    out.push_str(&statement.to_string());
                    if !first {
                        out.push('\'');
                    }
                    out.push(' ');
                }
            }
        }
        out
    }

    #[test]
    fn nested_spans_nest() {
        let text = "he said that “we will win” today";
        let inner = text.find('“').unwrap();
        let inner_end = text.find('”').unwrap() + '”'.len_utf8();
        assert_eq!(
            render(text, &[Some((8, inner_end)), Some((inner, inner_end))]),
            "he said [0 that [1 “we will win”]] today"
        );
        // The same span twice is two marks, one inside the other.
        assert_eq!(render("abc", &[Some((0, 3)), Some((0, 3))]), "[0 [1 abc]]");
    }

    #[test]
    fn overlapping_spans_continue_after_the_inner_one_closes() {
        // 0 covers 0..6, 1 covers 3..9: 1 is cut where 0 ends and goes on as a continuation.
        assert_eq!(
            render("abcdefghi", &[Some((0, 6)), Some((3, 9))]),
            "[0 abc[1 def]][1' ghi]"
        );
        // Given the other way round, the one that starts first is outermost all the same.
        assert_eq!(
            render("abcdefghi", &[Some((3, 9)), Some((0, 6))]),
            "[1 abc[0 def]][0' ghi]"
        );
    }

    #[test]
    fn empty_missing_and_out_of_range_spans_do_not_panic() {
        assert_eq!(render("abc", &[Some((1, 1)), None]), "a[0 ]bc");
        assert_eq!(render("abc", &[Some((2, 99))]), "ab[0 c]");
        assert_eq!(render("abc", &[Some((50, 99))]), "abc[0 ]");
        assert_eq!(render("", &[Some((0, 0))]), "[0 ]");
        // Every statement opens exactly one first mark, whatever the spans.
        let spans = [
            Some((0, 5)),
            Some((2, 8)),
            Some((4, 6)),
            Some((1, 9)),
            Some((3, 3)),
            Some((7, 12)),
        ];
        let pieces = layout(12, &spans);
        for statement in 0..spans.len() {
            let firsts = pieces
                .iter()
                .filter(|p| {
                    **p == Piece::Open {
                        statement,
                        first: true,
                    }
                })
                .count();
            assert_eq!(firsts, 1, "statement {statement}: {pieces:?}");
        }
        let opens = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Open { .. }))
            .count();
        let closes = pieces.iter().filter(|p| **p == Piece::Close).count();
        assert_eq!(opens, closes);
    }

    #[test]
    fn spans_off_character_boundaries_are_not_shown() {
        let text = "“a”";
        assert_eq!(valid_span(text, Some((1, 4))), None);
        assert_eq!(valid_span(text, Some((0, 3))), Some((0, 3)));
        assert_eq!(valid_span(text, Some((3, 2))), None);
        assert_eq!(valid_span(text, Some((0, 99))), None);
    }

    fn model() -> StanceModel {
        crate::model::fixture_model()
    }

    #[test]
    fn special_characters_come_out_escaped_and_statements_marked() {
        use crate::article::ActorList;
        let model = model();
        let text =
            "<b>Tom & \"Jerry\"</b>: “The Transit Authority has failed riders & <i>us</i>,” \
                    Governor Alan Brandt said. “We are proud of the Nurses Union,” Mayor Elena \
                    Ruiz said of <script>alert('x')</script>.";
        let name = "a <name> & \"quotes\"";
        let rows =
            crate::score::score_article(&model, name, text, &ActorList::new(), Some(3)).unwrap();
        assert!(!rows.is_empty());
        let page = article_page(
            &model,
            "t",
            &[ArticleInput {
                name,
                text: Some(text),
                rows: &rows,
            }],
        );
        assert!(!page.contains("<b>Tom"), "{page}");
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(!page.contains("<name>"), "{page}");
        // (`"Jerry"` and `'x'` are quotes, so marks stand between their marks.)
        assert!(page.contains("&lt;b&gt;Tom &amp; &quot;"), "{page}");
        assert!(page.contains("&quot;&lt;/b&gt;"), "{page}");
        assert!(
            page.contains("failed riders &amp; &lt;i&gt;us&lt;/i&gt;"),
            "{page}"
        );
        assert!(
            page.contains("a &lt;name&gt; &amp; &quot;quotes&quot;"),
            "{page}"
        );
        assert!(page.contains("&lt;script&gt;alert("), "{page}");
        assert!(page.contains("&lt;/script&gt;."), "{page}");
        // The page's own script is the only one.
        assert_eq!(page.matches("<script").count(), 1);
        let marks = page.matches(r#"<mark class="statement "#).count();
        let statements = statements(&rows).len();
        assert_eq!(marks, statements, "{page}");
        // Every label given is explained, its terms marked in the text around the statement.
        let given: usize = rows
            .iter()
            .map(|row| {
                let heads = model.heads.iter();
                heads
                    .filter(|h| row.label(&model, h.task).is_some())
                    .count()
            })
            .sum();
        assert_eq!(page.matches("log-odds margin").count(), given, "{page}");
        assert!(page.contains("<mark class=\"term"), "{page}");
    }
}
