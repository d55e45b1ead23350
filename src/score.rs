//! Stage 5 applied: labelled rows or whole articles to scored (statement, actor) pairs.
//!
//! Both paths end in the same [`Scored`] record, so `stance predict` writes rows and
//! articles alike. For articles, each statement found by [`crate::article::analyse`] is paired
//! with every actor it concerns; the model reads the statement with its context (the framing
//! often carries the stance), with the other actors of the statement masked as such.

use serde::Serialize;

use crate::article::{analyse, ActorList};
use crate::corpus::{compose_model_text, Row, Task};
use crate::error::Error;
use crate::features::Example;
use crate::model::{Prediction, StanceModel};

/// One (statement, actor) pair with the model's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    /// The article or file it came from.
    pub article: String,
    /// Statement number in the article, or the row's id (its line when it has none).
    pub quote_id: String,
    /// Byte offsets of the statement in the article, where known.
    pub span: Option<(usize, usize)>,
    /// The speaker, where known.
    pub speaker: Option<String>,
    /// Confidence of the speaker attribution, where known.
    pub speaker_confidence: Option<f64>,
    /// The actor.
    pub actor: String,
    /// The statement.
    pub quote: String,
    /// Its context.
    pub context: Option<String>,
    /// One prediction per head of the model, in the model's head order.
    pub predictions: Vec<Prediction>,
}

impl Scored {
    /// The predicted label of `task` and its probability, if the model has that head.
    pub fn label<'m>(&self, model: &'m StanceModel, task: Task) -> Option<(&'m str, f64)> {
        let h = model.heads.iter().position(|head| head.task == task)?;
        let prediction = self.predictions.get(h)?;
        let label = model.heads[h].labels.get(prediction.class)?;
        let probability = prediction.probabilities.get(prediction.class).copied()?;
        Some((label, probability))
    }
}

/// Scores labelled-CSV-shaped rows; `source` names them where a row has no `article`.
pub fn score_rows(model: &StanceModel, source: &str, rows: &[Row]) -> Result<Vec<Scored>, Error> {
    let predictions = transpose(model.predict_rows(rows)?, rows.len());
    Ok(rows
        .iter()
        .zip(predictions)
        .map(|(row, predictions)| Scored {
            article: row.article.clone().unwrap_or_else(|| source.to_string()),
            quote_id: row.id.clone().unwrap_or_else(|| row.line.to_string()),
            span: None,
            speaker: row.speaker.clone(),
            speaker_confidence: None,
            actor: row.actor.clone(),
            quote: row.text.clone(),
            context: row.context.clone(),
            predictions,
        })
        .collect())
}

/// Finds the statements of one article and scores each against each actor it concerns.
pub fn score_article(
    model: &StanceModel,
    article: &str,
    text: &str,
    actors: &ActorList,
) -> Result<Vec<Scored>, Error> {
    let analysis = analyse(text, actors);
    let mut pairs = Vec::new();
    for quote in &analysis.quotes {
        let model_text = compose_model_text(&quote.text, Some(&quote.context_text));
        for actor in &quote.actors {
            let others: Vec<String> = quote
                .actors
                .iter()
                .chain(quote.speaker.as_ref())
                .filter(|other| *other != actor)
                .cloned()
                .collect();
            pairs.push((quote, actor, model_text.clone(), others));
        }
    }
    let examples: Vec<Example> = pairs
        .iter()
        .map(|(quote, actor, text, others)| Example {
            text,
            quote: Some(&quote.text),
            actor,
            other_actors: others,
        })
        .collect();
    let predictions = transpose(model.predict(&examples)?, pairs.len());
    Ok(pairs
        .iter()
        .zip(predictions)
        .map(|((quote, actor, _, _), predictions)| Scored {
            article: article.to_string(),
            quote_id: quote.id.to_string(),
            span: Some((quote.span.start, quote.span.end)),
            speaker: quote.speaker.clone(),
            speaker_confidence: Some(quote.speaker_confidence),
            actor: actor.to_string(),
            quote: quote.text.clone(),
            context: Some(quote.context_text.clone()),
            predictions,
        })
        .collect())
}

/// `[head][example]` to `[example][head]`.
fn transpose(by_head: Vec<Vec<Prediction>>, examples: usize) -> Vec<Vec<Prediction>> {
    let mut by_example = vec![Vec::with_capacity(by_head.len()); examples];
    for head in by_head {
        for (slot, prediction) in by_example.iter_mut().zip(head) {
            slot.push(prediction);
        }
    }
    by_example
}
