//! Stage 5 applied: labelled rows or whole articles to scored (statement, actor) pairs.
//!
//! Both paths end in the same [`Scored`] record, so `stance predict` writes rows and
//! articles alike. For articles, each statement found by [`crate::article::analyse`] is paired
//! with every actor it concerns; the model reads the statement with its context (the framing
//! often carries the stance), with the other actors of the statement masked as such.
//!
//! Inputs of any size are scored in bounded memory: [`ScoredChunks`] scores a stream of rows
//! a chunk at a time (featurising and the model run in parallel inside a chunk), and
//! [`score_articles`] scores a batch of articles in parallel, one article per task. Both keep
//! the input order.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::article::{analyse, ActorList, Quote};
use crate::corpus::{compose_model_text, locate_in_model_text, Fields, Row, Task, TextField};
use crate::error::Error;
use crate::features::{Example, PartSpan, TextPart};
use crate::model::explain::{Explanation, Origin, SourceSpan};
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
    /// The actor; `None` for a statement that concerns no actor, which is written all the same
    /// (its speaker and sentiment still count) but has no stance.
    pub actor: Option<String>,
    /// The statement.
    pub quote: String,
    /// Its context.
    pub context: Option<String>,
    /// Byte offsets of the context in the article, where known.
    pub context_span: Option<(usize, usize)>,
    /// One prediction per head of the model, in the model's head order.
    pub predictions: Vec<Prediction>,
    /// Why each head gave its label, in the model's head order, when asked for (see
    /// [`Explanation`]); empty otherwise.
    pub explanations: Vec<Explanation>,
    /// What its input carries to each of its output rows: a row's other columns
    /// ([`Row::carried`]); for an article, its fields, set by the reader that has them.
    #[serde(skip)]
    pub(crate) carried: Fields,
}

impl Scored {
    /// The predicted label of `task` and its probability, if the model has that head.
    /// A statement without an actor has no stance label.
    pub fn label<'m>(&self, model: &'m StanceModel, task: Task) -> Option<(&'m str, f64)> {
        if task == Task::Stance && self.actor.is_none() {
            return None;
        }
        let h = model.heads.iter().position(|head| head.task == task)?;
        let prediction = self.predictions.get(h)?;
        let label = model.heads[h].labels.get(prediction.class)?;
        let probability = prediction.probabilities.get(prediction.class).copied()?;
        Some((label, probability))
    }
}

/// Scores labelled-CSV-shaped rows; `source` names them where a row has no `article`. With
/// `explain`, each row's answers are explained with that many terms (spans in the row's `text`
/// and `context`).
pub fn score_rows(
    model: &StanceModel,
    source: &str,
    rows: &[Row],
    explain: Option<usize>,
) -> Result<Vec<Scored>, Error> {
    score_owned_rows(model, source, rows.to_vec(), explain)
}

/// [`score_rows`] of rows it may keep: each row's texts move into its [`Scored`] uncopied.
fn score_owned_rows(
    model: &StanceModel,
    source: &str,
    rows: Vec<Row>,
    explain: Option<usize>,
) -> Result<Vec<Scored>, Error> {
    let predictions = transpose(model.predict_rows(&rows)?, rows.len());
    let explanations = match explain {
        Some(k) => model.explain_rows(&rows, k)?,
        None => vec![Vec::new(); rows.len()],
    };
    Ok(rows
        .into_iter()
        .zip(predictions)
        .zip(explanations)
        .map(|((row, predictions), explanations)| Scored {
            article: row.article.unwrap_or_else(|| source.to_string()),
            quote_id: row.id.unwrap_or_else(|| row.line.to_string()),
            span: None,
            speaker: row.speaker,
            speaker_confidence: None,
            actor: Some(row.actor),
            quote: row.text,
            context: row.context,
            context_span: None,
            predictions,
            explanations,
            carried: row.carried,
        })
        .collect())
}

/// Rows scored together by [`ScoredChunks`] unless told otherwise.
///
/// Large enough that featurising a chunk keeps every core busy and the per-chunk overhead is
/// negligible; small enough that a chunk's features (about a thousand n-gram strings per row
/// while it is featurised) take tens of megabytes, not gigabytes.
pub const DEFAULT_CHUNK_ROWS: usize = 1024;

/// Scores a stream of rows `chunk_rows` at a time (at least one), in input order; see
/// [`ScoredChunks`].
pub fn score_row_chunks<'m, I>(
    model: &'m StanceModel,
    source: &str,
    rows: I,
    chunk_rows: usize,
    explain: Option<usize>,
) -> ScoredChunks<'m, I::IntoIter>
where
    I: IntoIterator<Item = Result<Row, Error>>,
{
    ScoredChunks {
        model,
        source: source.to_string(),
        rows: rows.into_iter(),
        chunk_rows: chunk_rows.max(1),
        explain,
        error: None,
        finished: false,
    }
}

/// An iterator of scored chunks: each item is the [`Scored`] pairs of the next `chunk_rows`
/// rows of the stream, as [`score_rows`] scores them.
///
/// Only one chunk is held at a time. A bad row (an `Err` in the stream) ends the stream: the
/// rows before it are scored and given first, whatever the chunk size, then the error, then
/// nothing; so the concatenated output never depends on the chunk size.
pub struct ScoredChunks<'m, I> {
    model: &'m StanceModel,
    source: String,
    rows: I,
    chunk_rows: usize,
    explain: Option<usize>,
    /// The stream's error, given after the rows before it.
    error: Option<Error>,
    finished: bool,
}

impl<I: Iterator<Item = Result<Row, Error>>> Iterator for ScoredChunks<'_, I> {
    type Item = Result<Vec<Scored>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(err) = self.error.take() {
            return Some(Err(err));
        }
        if self.finished {
            return None;
        }
        let mut chunk = Vec::with_capacity(self.chunk_rows.min(DEFAULT_CHUNK_ROWS));
        while chunk.len() < self.chunk_rows {
            match self.rows.next() {
                Some(Ok(row)) => chunk.push(row),
                Some(Err(err)) => {
                    self.error = Some(err);
                    self.finished = true;
                    break;
                }
                None => {
                    self.finished = true;
                    break;
                }
            }
        }
        if chunk.is_empty() {
            return self.error.take().map(Err);
        }
        let scored = score_owned_rows(self.model, &self.source, chunk, self.explain);
        if scored.is_err() {
            self.finished = true;
            self.error = None;
        }
        Some(scored)
    }
}

/// Scores several articles, given as (name, text) pairs, in parallel, each as
/// [`score_article`] does: one result per article, in the articles' order.
///
/// One task per article. Featurising an article is itself a parallel loop, but over a
/// handful of statements, so it mostly stays on the thread that runs the article: the
/// parallelism that pays is across articles.
pub fn score_articles(
    model: &StanceModel,
    articles: &[(&str, &str)],
    actors: &ActorList,
    explain: Option<usize>,
) -> Vec<Result<Vec<Scored>, Error>> {
    articles
        .par_iter()
        .with_max_len(1)
        .map(|(name, text)| score_article(model, name, text, actors, explain))
        .collect()
}

/// Scores several articles as [`score_articles`] does and gives each one's result (with its
/// index) to `each`, in the articles' order and on the calling thread, as soon as it and the
/// articles before it are scored: what the caller does with an article (writing it out) runs
/// beside the scoring of the next ones instead of after all of them. The first error `each`
/// returns stops it and is returned.
///
/// Called from inside rayon's pool, it scores them all first (a worker waiting for results
/// could be the one that should compute them).
pub fn score_articles_in_order<E>(
    model: &StanceModel,
    articles: &[(&str, &str)],
    actors: &ActorList,
    explain: Option<usize>,
    mut each: impl FnMut(usize, Result<Vec<Scored>, Error>) -> Result<(), E>,
) -> Result<(), E> {
    if rayon::current_thread_index().is_some() {
        let scored = score_articles(model, articles, actors, explain);
        return scored
            .into_iter()
            .enumerate()
            .try_for_each(|(i, result)| each(i, result));
    }
    let (sender, receiver) = std::sync::mpsc::channel();
    rayon::in_place_scope(|scope| {
        for (i, &(name, text)) in articles.iter().enumerate() {
            let sender = sender.clone();
            scope.spawn(move |_| {
                // The receiver is gone only when `each` failed: nothing waits for this one.
                let _ = sender.send((i, score_article(model, name, text, actors, explain)));
            });
        }
        drop(sender);
        let mut done: Vec<Option<Result<Vec<Scored>, Error>>> = Vec::new();
        done.resize_with(articles.len(), || None);
        let mut next = 0;
        for (i, result) in receiver {
            done[i] = Some(result);
            while let Some(result) = done.get_mut(next).and_then(Option::take) {
                each(next, result)?;
                next += 1;
            }
        }
        Ok(())
    })
}

/// Finds the statements of one article and scores each against each actor it concerns; a
/// statement that concerns no actor is scored once, without one (sentiment only), so every
/// statement the article holds is written. With [`ActorList::only_listed`] only the listed
/// actors count, and a statement that concerns none of them is left out. With `explain`, each
/// pair's answers are explained with that many terms, their spans in the article.
pub fn score_article(
    model: &StanceModel,
    article: &str,
    text: &str,
    actors: &ActorList,
    explain: Option<usize>,
) -> Result<Vec<Scored>, Error> {
    let analysis = analyse(text, actors);
    // Each statement's model text is made once, whatever the number of its actors.
    let model_texts: Vec<String> = analysis
        .quotes
        .iter()
        .map(|quote| compose_model_text(&quote.text, Some(&quote.context_text)))
        .collect();
    let mut pairs = Vec::new();
    for (quote, model_text) in analysis.quotes.iter().zip(&model_texts) {
        let concerned: Vec<&String> = quote
            .actors
            .iter()
            .filter(|actor| !actors.only_listed || actors.lists(actor))
            .collect();
        if concerned.is_empty() && actors.only_listed {
            continue;
        }
        if concerned.is_empty() {
            let others: Vec<String> = quote.speaker.iter().cloned().collect();
            pairs.push((quote, None, model_text, others));
            continue;
        }
        for actor in concerned {
            let others: Vec<String> = quote
                .actors
                .iter()
                .chain(quote.speaker.as_ref())
                .filter(|other| *other != actor)
                .cloned()
                .collect();
            pairs.push((quote, Some(actor.as_str()), model_text, others));
        }
    }
    // Each actor's aliases by name, the first actor of a name winning, looked up once a pair:
    // a long article has thousands of actors and hundreds of thousands of pairs.
    let mut aliases: FxHashMap<&str, &[String]> = FxHashMap::default();
    for actor in &analysis.actors {
        aliases
            .entry(actor.name.as_str())
            .or_insert(actor.aliases.as_slice());
    }
    let examples: Vec<Example> = pairs
        .iter()
        .map(|(quote, actor, text, others)| Example {
            text,
            quote: Some(&quote.text),
            actor: actor.unwrap_or(""),
            mention: None,
            quote_mention: None,
            other_actors: others,
            target_aliases: actor
                .and_then(|name| aliases.get(name).copied())
                .unwrap_or(&[]),
        })
        .collect();
    // A chunk at a time, so a long article's features are never all in memory at once; each
    // chunk is featurised (and explained) in parallel.
    let mut scored = Vec::with_capacity(pairs.len());
    for (pairs, examples) in pairs
        .chunks(DEFAULT_CHUNK_ROWS)
        .zip(examples.chunks(DEFAULT_CHUNK_ROWS))
    {
        let predictions = transpose(model.predict(examples)?, pairs.len());
        let mut explanations = match explain {
            Some(k) => pairs
                .par_iter()
                .zip(examples)
                .map(|((quote, ..), example)| {
                    model.explain(example, k, |span| Some(article_span(quote, span)))
                })
                .collect::<Result<Vec<_>, Error>>()?,
            None => vec![Vec::new(); pairs.len()],
        };
        scored.extend(
            pairs
                .iter()
                .zip(predictions)
                .zip(explanations.iter_mut())
                .map(
                    |(((quote, actor, _, _), predictions), explanations)| Scored {
                        article: article.to_string(),
                        quote_id: quote.id.to_string(),
                        span: Some((quote.span.start, quote.span.end)),
                        speaker: quote.speaker.clone(),
                        speaker_confidence: Some(quote.speaker_confidence),
                        actor: actor.map(str::to_string),
                        quote: quote.text.clone(),
                        context: Some(quote.context_text.clone()),
                        context_span: Some((quote.context.start, quote.context.end)),
                        predictions,
                        explanations: std::mem::take(explanations),
                        carried: Fields::new(),
                    },
                ),
        );
    }
    Ok(scored)
}

/// A range of a statement's model text or quote as a range of its article.
fn article_span(quote: &Quote, span: PartSpan) -> SourceSpan {
    let (field, start, end) = match span.part {
        TextPart::Quote => (TextField::Text, span.start, span.end),
        TextPart::Text => {
            locate_in_model_text(&quote.text, Some(&quote.context_text), span.start, span.end)
        }
    };
    let offset = match field {
        TextField::Text => quote.span.start,
        TextField::Context => quote.context.start,
    };
    SourceSpan {
        origin: Origin::Article,
        start: offset + start,
        end: offset + end,
    }
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::corpus::{read_bytes, ReadOptions};
    use crate::model::TrainParams;

    /// The integration tests' labelled fixture.
    const LABELLED: &str = include_str!("../tests/fixtures/labelled.csv");

    fn rows() -> Vec<Row> {
        read_bytes(
            LABELLED.as_bytes(),
            Path::new("labelled.csv"),
            &ReadOptions::default(),
        )
        .unwrap()
    }

    fn model() -> StanceModel {
        let mut params = TrainParams::default();
        params.features.min_df = 1;
        params.features.vocab_min_frequency = 1;
        StanceModel::train(&rows(), &params).unwrap().0
    }

    #[test]
    fn chunks_of_any_size_give_the_rows_of_one_chunk_in_order() {
        let model = model();
        let rows = rows();
        let whole = score_rows(&model, "x", &rows, None).unwrap();
        for chunk_rows in [1, 2, 5, rows.len(), 10 * rows.len()] {
            let chunks: Vec<Vec<Scored>> =
                score_row_chunks(&model, "x", rows.iter().cloned().map(Ok), chunk_rows, None)
                    .collect::<Result<_, _>>()
                    .unwrap();
            assert_eq!(chunks.len(), rows.len().div_ceil(chunk_rows));
            assert_eq!(chunks.concat(), whole, "chunks of {chunk_rows}");
        }
    }

    #[test]
    fn a_bad_row_comes_after_the_rows_before_it_whatever_the_chunk_size() {
        let model = model();
        let rows = rows();
        let whole = score_rows(&model, "x", &rows[..7], None).unwrap();
        for chunk_rows in [1, 3, 7, 100] {
            let stream = rows
                .iter()
                .cloned()
                .map(Ok)
                .take(7)
                .chain([Err(Error::NoData("row 8".into())), Ok(rows[8].clone())]);
            let mut chunks = score_row_chunks(&model, "x", stream, chunk_rows, None);
            let mut scored = Vec::new();
            let err = loop {
                match chunks.next().expect("the error comes before the end") {
                    Ok(chunk) => scored.extend(chunk),
                    Err(err) => break err,
                }
            };
            assert_eq!(err.to_string(), "row 8");
            assert!(chunks.next().is_none(), "nothing after the error");
            assert_eq!(scored, whole, "chunks of {chunk_rows}");
        }
    }

    /// Short articles, by name: quotes, reported speech, and none.
    const ARTICLES: [(&str, &str); 4] = [
        (
            "a0",
            "“We are proud of the Nurses Union,” Mayor Elena Ruiz said.",
        ),
        (
            "a1",
            "Ruiz has criticized the Transit Authority as “a disgrace.”",
        ),
        ("a2", "No quotes here at all."),
        (
            "a3",
            "“The Transit Authority has failed riders,” Governor Alan Brandt said.",
        ),
    ];

    #[test]
    fn articles_given_in_order_are_the_articles_scored_together() {
        let model = model();
        let articles = ARTICLES;
        let together = score_articles(&model, &articles, &ActorList::new(), None);
        let mut given = Vec::new();
        let all = score_articles_in_order(&model, &articles, &ActorList::new(), None, |i, r| {
            given.push((i, r.unwrap()));
            Ok::<_, ()>(())
        });
        assert_eq!(all, Ok(()));
        let expected: Vec<_> = together
            .into_iter()
            .map(Result::unwrap)
            .enumerate()
            .collect();
        assert_eq!(given, expected);
        // An error from `each` stops it there.
        let mut seen = 0;
        let stopped =
            score_articles_in_order(&model, &articles, &ActorList::new(), None, |i, _| {
                seen += 1;
                if i == 1 {
                    Err(i)
                } else {
                    Ok(())
                }
            });
        assert_eq!((stopped, seen), (Err(1), 2));
    }

    #[test]
    fn articles_scored_together_come_back_in_their_order() {
        let model = model();
        let articles = ARTICLES;
        let together = score_articles(&model, &articles, &ActorList::new(), None);
        assert_eq!(together.len(), articles.len());
        for ((name, text), scored) in articles.iter().zip(together) {
            let alone = score_article(&model, name, text, &ActorList::new(), None).unwrap();
            assert_eq!(scored.unwrap(), alone);
        }
    }
}
