//! Why a head gave its label: the exact decomposition of a linear model's margin.
//!
//! A head's logits are `z = x·W + b`, divided by the head's temperature `T`. The margin of the
//! predicted label `a` over the runner-up `b` is `ln(p_a / p_b) = (z_a − z_b) / T`, which
//! splits exactly into one contribution per feature, `x_j · (W[j,a] − W[j,b]) / T`, and the
//! intercept's `(b_a − b_b) / T`. An [`Explanation`] lists the `K` terms that pushed most
//! toward `a`, with where in the text each came from, and sums the rest, so the intercept,
//! the listed terms and the rest add up to the margin.

use rayon::prelude::*;
use serde::Serialize;

use super::{argmax, calibrate, Head, StanceModel};
use crate::corpus::{locate_in_model_text, Row, Task, TextField};
use crate::error::Error;

use crate::features::{
    stored, Example, FeatureSpace, PartSpan, RowsBuilder, TermKind, TermUse, TextPart,
};

/// The most spans a listed term gives; a term read from more places counts the rest in
/// [`Contribution::more_spans`]. A text that repeats a phrase hundreds of times would
/// otherwise make every explanation of it hundreds of spans long.
pub(crate) const MAX_TERM_SPANS: usize = 8;

/// One head's answer for one (statement, actor) pair, explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The head.
    pub task: Task,
    /// The predicted label.
    pub label: String,
    /// The runner-up label the margin is taken against.
    pub versus: String,
    /// `ln(p_label / p_versus)`, with the head's temperature applied.
    pub margin: f64,
    /// The intercept's share of the margin.
    pub intercept: f64,
    /// The terms that pushed most toward `label`, largest contribution first.
    pub terms: Vec<Contribution>,
    /// The sum of every other term's contribution.
    pub rest: f64,
}

/// One term's share of a margin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// The term as the model knows it, without its kind's prefix (`[TARGET]` stands for the
    /// actor's mentions, `[OTHER]` for another actor's).
    pub term: String,
    /// Its kind: `word`, `char`, `near-target`, `side`, `quote`, `lexicon` or `actor`.
    pub kind: &'static str,
    /// Weight difference times feature value, divided by the temperature.
    pub contribution: f64,
    /// Where the term came from, as byte ranges (see [`Origin`]), in the order of the text:
    /// the first [`MAX_TERM_SPANS`] of them.
    pub spans: Vec<SourceSpan>,
    /// How many more places the term was read from (written only when not 0).
    #[serde(skip_serializing_if = "is_zero")]
    pub more_spans: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Which text a [`SourceSpan`] indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// The article the statement was found in.
    Article,
    /// A row's `text` column.
    Text,
    /// A row's `context` column.
    Context,
}

/// A byte range of the input the term came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SourceSpan {
    /// Which text.
    #[serde(rename = "in")]
    pub origin: Origin,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl StanceModel {
    /// Explains every head's answer for one example with its `k` strongest terms; `locate`
    /// turns a byte range of the example's text or quote into a range of the input (`None`
    /// drops it). `result[h]` is head `h`; its label is the one [`StanceModel::predict`] gives.
    pub(crate) fn explain(
        &self,
        example: &Example,
        k: usize,
        locate: impl Fn(PartSpan) -> Option<SourceSpan>,
    ) -> Result<Vec<Explanation>, Error> {
        let row = self.features.explain_row(&self.text, example)?;
        let mut explained: Vec<(Explanation, Vec<usize>)> = self
            .heads
            .iter()
            .map(|head| explain_head(head, &self.features, example.actor, &row.terms, k))
            .collect();
        // Only the listed terms are located in the text, each once for every head.
        let mut columns: Vec<usize> = explained
            .iter()
            .flat_map(|(_, listed)| listed.iter().copied())
            .collect();
        columns.sort_unstable();
        columns.dedup();
        let spans = row.spans_of(&self.text, &columns);
        for (explanation, listed) in &mut explained {
            for (term, column) in explanation.terms.iter_mut().zip(listed.iter()) {
                let Ok(i) = columns.binary_search(column) else {
                    continue;
                };
                let mut located = spans[i].iter().filter_map(|&span| locate(span));
                term.spans = located.by_ref().take(MAX_TERM_SPANS).collect();
                term.more_spans = located.count();
            }
        }
        Ok(explained
            .into_iter()
            .map(|(explanation, _)| explanation)
            .collect())
    }

    /// Explains every head's answer for labelled-CSV-shaped rows (as
    /// [`StanceModel::predict_rows`] reads them): `result[i][h]` is head `h` on row `i`, its
    /// spans in the row's `text` and `context`.
    pub(crate) fn explain_rows(
        &self,
        rows: &[Row],
        k: usize,
    ) -> Result<Vec<Vec<Explanation>>, Error> {
        rows.par_iter()
            .map(|row| {
                let text = row.model_text();
                let example = Example::of_row(row, &text);
                self.explain(&example, k, |span| Some(row_span(row, span)))
            })
            .collect()
    }
}

/// A range of a row's model text or quote as a range of its `text` or `context` column.
fn row_span(row: &Row, span: PartSpan) -> SourceSpan {
    let (field, start, end) = match span.part {
        TextPart::Quote => (TextField::Text, span.start, span.end),
        TextPart::Text => {
            locate_in_model_text(&row.text, row.context.as_deref(), span.start, span.end)
        }
    };
    let origin = match field {
        TextField::Text => Origin::Text,
        TextField::Context => Origin::Context,
    };
    SourceSpan { origin, start, end }
}

/// One head's explanation of `row`, its terms' spans not yet filled in, and the column of each
/// term it lists.
fn explain_head(
    head: &Head,
    features: &FeatureSpace,
    actor: &str,
    row: &[TermUse],
    k: usize,
) -> (Explanation, Vec<usize>) {
    let model = head.model_for(actor);
    // The probabilities as `predict` computes them, from the same row.
    let mut rows = RowsBuilder::new(features.len()).expect("the space's own column count");
    rows.push_row(row.iter().map(|term| (term.column, term.value)));
    let matrix = rows.finish().expect("one row of the space's columns");
    let mut probabilities = model.probabilities(&matrix).row(0).to_vec();
    calibrate::apply_temperature(&mut probabilities, head.temperature);
    let label = argmax(probabilities.iter().copied());
    let versus = argmax(probabilities.iter().enumerate().map(|(c, &p)| {
        if c == label {
            f64::NEG_INFINITY
        } else {
            p
        }
    }));
    let t = head.temperature;
    let share =
        |column: usize| (model.weights[[column, label]] - model.weights[[column, versus]]) / t;
    let mut contributions: Vec<(f64, &TermUse)> = row
        .iter()
        .map(|term| (stored(term.value) * share(term.column), term))
        .collect();
    contributions.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.column.cmp(&b.1.column)));
    let listed = contributions
        .iter()
        .take(k)
        .take_while(|(contribution, _)| *contribution > 0.0)
        .count();
    let terms = contributions[..listed]
        .iter()
        .map(|&(contribution, term)| {
            let name = &features.terms()[term.column];
            Contribution {
                term: TermKind::strip(name).to_string(),
                kind: TermKind::of(name).name(),
                contribution,
                spans: Vec::new(),
                more_spans: 0,
            }
        })
        .collect();
    let columns = contributions[..listed]
        .iter()
        .map(|(_, term)| term.column)
        .collect();
    let explanation = Explanation {
        task: head.task,
        label: head.labels[label].clone(),
        versus: head.labels[versus].clone(),
        margin: (probabilities[label] / probabilities[versus]).ln(),
        intercept: (model.intercept[label] - model.intercept[versus]) / t,
        terms,
        rest: contributions[listed..].iter().map(|(c, _)| c).sum(),
    };
    (explanation, columns)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::corpus::{read_bytes, ReadOptions};
    use crate::model::TrainParams;

    /// The integration tests' labelled fixture.
    const LABELLED: &str = include_str!("../../tests/fixtures/labelled.csv");

    fn rows() -> Vec<Row> {
        let path = Path::new("labelled.csv");
        read_bytes(LABELLED.as_bytes(), path, &ReadOptions::default()).unwrap()
    }

    fn model() -> StanceModel {
        let mut params = TrainParams::default();
        params.features.min_df = 1;
        params.features.vocab_min_frequency = 1;
        StanceModel::train(&rows(), &params).unwrap().0
    }

    /// `text` as an example about the Nurses Union, with no quote apart and no other actor.
    fn about_the_union(text: &str) -> Example<'_> {
        Example {
            text,
            quote: None,
            actor: "Nurses Union",
            mention: None,
            quote_mention: None,
            other_actors: &[],
            target_aliases: &[],
        }
    }

    fn check_sums(model: &StanceModel, rows: &[Row]) {
        let predictions = model.predict_rows(rows).unwrap();
        let explanations = model.explain_rows(rows, 5).unwrap();
        for (i, (row, explained)) in rows.iter().zip(&explanations).enumerate() {
            for (h, explanation) in explained.iter().enumerate() {
                let prediction = &predictions[h][i];
                let head = &model.heads[h];
                assert_eq!(explanation.label, head.labels[prediction.class], "row {i}");
                let versus = head.labels.iter().position(|l| *l == explanation.versus);
                let (p, q) = (
                    prediction.probabilities[prediction.class],
                    prediction.probabilities[versus.unwrap()],
                );
                assert!((explanation.margin - (p / q).ln()).abs() < 1e-9);
                let listed: f64 = explanation.terms.iter().map(|t| t.contribution).sum();
                let total = explanation.intercept + listed + explanation.rest;
                assert!(
                    (total - explanation.margin).abs() < 1e-9,
                    "row {i} head {h}: {total} vs {}",
                    explanation.margin
                );
                assert!(explanation.terms.len() <= 5);
                assert!(explanation
                    .terms
                    .windows(2)
                    .all(|w| w[0].contribution >= w[1].contribution));
                for term in &explanation.terms {
                    assert!(term.contribution > 0.0);
                    for span in &term.spans {
                        let source = match span.origin {
                            Origin::Text => &row.text,
                            Origin::Context => row.context.as_ref().unwrap(),
                            Origin::Article => unreachable!("rows have no article"),
                        };
                        assert!(source.get(span.start..span.end).is_some(), "{span:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_intercept_and_the_terms_add_up_to_the_margin() {
        let model = model();
        check_sums(&model, &rows());
    }

    #[test]
    fn temperature_scales_every_share() {
        let mut model = model();
        for head in &mut model.heads {
            head.temperature = 1.7;
        }
        check_sums(&model, &rows());
    }

    #[test]
    fn a_term_read_from_many_places_lists_the_first_ones_and_counts_the_rest() {
        let model = model();
        let text = "proud and proud. ".repeat(2 * MAX_TERM_SPANS);
        let example = about_the_union(&text);
        let located = |span: PartSpan| {
            Some(SourceSpan {
                origin: Origin::Text,
                start: span.start,
                end: span.end,
            })
        };
        let explained = model.explain(&example, 50, located).unwrap();
        let proud = explained
            .iter()
            .flat_map(|e| &e.terms)
            .find(|t| t.term == "proud" && t.kind == "word")
            .expect("the word is among the listed terms of some head");
        assert_eq!(proud.spans.len(), MAX_TERM_SPANS);
        assert_eq!(proud.more_spans, 4 * MAX_TERM_SPANS - MAX_TERM_SPANS);
        let starts: Vec<usize> = proud.spans.iter().map(|s| s.start).collect();
        let first: Vec<usize> = text.match_indices("proud").map(|(at, _)| at).collect();
        assert_eq!(starts, first[..MAX_TERM_SPANS]);
        let json = serde_json::to_string(proud).unwrap();
        assert!(json.contains(&format!("\"more_spans\":{}", proud.more_spans)));
        let few = Contribution {
            more_spans: 0,
            ..proud.clone()
        };
        assert!(!serde_json::to_string(&few).unwrap().contains("more_spans"));
    }

    #[test]
    fn word_terms_point_at_their_words_and_the_actor_term_at_the_mentions() {
        let model = model();
        let text = "We are proud of the Nurses Union, and of the Nurses Union again.";
        let example = about_the_union(text);
        let row = model.features.explain_row(&model.text, &example).unwrap();
        let spans_of = |term: &str| {
            let column = model.features.terms().iter().position(|t| t == term);
            let found = row.terms.iter().find(|u| Some(u.column) == column);
            found.map(|u| {
                row.spans_of(&model.text, &[u.column])[0]
                    .iter()
                    .map(|s| &text[s.start..s.end])
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            spans_of("a:nurses union"),
            Some(vec!["Nurses Union", "Nurses Union"])
        );
        assert_eq!(spans_of("w:proud"), Some(vec!["proud"]));
        assert_eq!(spans_of("w:are proud"), Some(vec!["are proud"]));
        assert_eq!(
            spans_of("w:of the [TARGET]"),
            Some(vec!["of the Nurses Union", "of the Nurses Union"])
        );
        assert_eq!(spans_of("c:prou"), Some(vec!["prou"]));
    }
}
