//! Stage 4: tokens to sparse features.
//!
//! [`FeatureParams`] fits a [`FeatureSpace`] on training examples: the vocabulary of terms
//! (word and character n-grams, words near the target, n-grams by their side of the target,
//! the quote's own words, the actor), their inverse document frequencies from the training set
//! only, and the actors it knows. The space turns any example into one L2-normalised row of
//! sublinear TF-IDF weights (each [`TermKind`] normalised apart first, by default) in a sparse
//! [`FeatureMatrix`]; nothing is ever densified.

mod lexicon;
mod target;
mod terms;

use std::borrow::Cow;
use std::cell::RefCell;
use std::hash::BuildHasher;

use hashbrown::HashTable;
use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap};
use serde::{Deserialize, Serialize};
use sprs::CsMatI;

pub use target::{mask_mentions, ActorMatchers, Masked, MentionMatcher, Mentions, UnseenActors};
pub use terms::{NgramRange, TermKind, TermSettings};

use terms::TermSource;

use crate::corpus::Row;
use crate::error::Error;
use crate::text::{TextPipeline, TokenCache, TokenizedText};

/// One text to featurise, with the actor it is about.
#[derive(Debug, Clone, Copy)]
pub struct Example<'a> {
    /// What the model reads (quote with its context).
    pub text: &'a str,
    /// The quoted words alone, where `text` is a quote in its context: they get features of
    /// their own, so the model can tell the speaker's words from the reporter's framing.
    pub quote: Option<&'a str>,
    /// The actor whose stance and sentiment are asked for.
    pub actor: &'a str,
    /// Where `text` mentions the actor, as a byte range, when the input marks it (NewsMTSC's
    /// offsets, say): masked as the target whatever words it holds, besides the mentions the
    /// actor's name matches.
    pub mention: Option<(usize, usize)>,
    /// The same mention as a byte range of `quote`.
    pub quote_mention: Option<(usize, usize)>,
    /// Other actors the text is known to concern (masked as "other actor").
    pub other_actors: &'a [String],
    /// Other names of the actor (an actors file's aliases, the forms an article used: `the
    /// agency` for ICE), masked as the target like its name.
    pub target_aliases: &'a [String],
}

impl<'a> Example<'a> {
    /// The example of a labelled row; `text` is [`Row::model_text`] of it.
    pub fn of_row(row: &'a Row, text: &'a str) -> Self {
        let quote = row.context.as_ref().map(|_| row.text.as_str());
        Example {
            text,
            quote,
            actor: &row.actor,
            mention: row.mention_in(text),
            quote_mention: quote.and(row.mention),
            other_actors: &[],
            target_aliases: &[],
        }
    }
}

/// Which text of an [`Example`] a span indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TextPart {
    /// [`Example::text`].
    Text,
    /// [`Example::quote`].
    Quote,
}

/// A byte range of one part of an example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartSpan {
    /// Which part.
    pub part: TextPart,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// One column of an example's row, with where its term came from; see
/// [`FeatureSpace::explain_row`].
#[derive(Debug, Clone, PartialEq)]
pub struct TermUse {
    /// The column.
    pub column: usize,
    /// Its value in the row.
    pub value: f64,
    /// The ranges of the example that made the term, sorted, without repeats.
    pub spans: Vec<PartSpan>,
}

/// The byte ranges of the original (unmasked) text that a term's `source` covers.
fn locate(
    pipeline: &TextPipeline,
    masked: &Masked,
    tokenized: &TokenizedText,
    source: TermSource,
) -> Vec<(usize, usize)> {
    match source {
        TermSource::Tokens(start, end) => {
            match (
                tokenized.offsets.get(start),
                tokenized.offsets.get(end.wrapping_sub(1)),
            ) {
                (Some(&(from, _)), Some(&(_, to))) => vec![masked.original(from, to)],
                _ => Vec::new(),
            }
        }
        TermSource::Chars(start, end) => {
            let (start, end) = terms::uncollapse(&tokenized.normalized, start, end);
            pipeline
                .original_range(&masked.text, start, end)
                .map(|(from, to)| masked.original(from, to))
                .into_iter()
                .collect()
        }
        TermSource::Target => masked
            .replacements
            .iter()
            .filter(|r| r.target)
            .map(|r| r.original)
            .collect(),
    }
}

/// What the examples that share a text and quote (the actors of one statement) share: where
/// the known and the unseen actors are mentioned in them, found once, and the pieces of their
/// masked texts between placeholders, each tokenised once.
struct Shared<'s> {
    text: (Mentions<'s>, Mentions<'s>),
    quote: Option<(Mentions<'s>, Mentions<'s>)>,
    unseen: &'s UnseenActors,
    tokens: RefCell<TokenCache>,
}

/// Feature settings, before fitting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureParams {
    /// Which terms to make.
    pub terms: TermSettings,
    /// Keep terms seen in at least this many training examples. Default 2.
    pub min_df: usize,
    /// Replace mentions of the actor and of other known actors with placeholders. Default on.
    pub target_mask: bool,
    /// Minimum frequency of a word in the tokeniser's vocabulary. Default 2.
    pub vocab_min_frequency: u64,
    /// Normalise each [`TermKind`] to unit length on its own before the whole row, as
    /// scikit-learn's `FeatureUnion` of separate vectorisers does, so the handful of terms of
    /// a short quote is not drowned by the hundreds of character n-grams of its context.
    /// Default on; models saved before this setting existed read it as off.
    #[serde(default)]
    pub kind_norm: bool,
}

impl Default for FeatureParams {
    fn default() -> Self {
        FeatureParams {
            terms: TermSettings {
                word_ngrams: NgramRange::new(1, 3),
                char_ngrams: NgramRange::new(2, 5),
                quote_ngrams: NgramRange::new(1, 2),
                target_window: 3,
                side_ngrams: NgramRange::new(1, 2),
                actor_term: true,
                lexicon: true,
            },
            min_df: 2,
            target_mask: true,
            vocab_min_frequency: 2,
            kind_norm: true,
        }
    }
}

/// A fitted feature space: everything featurising needs at predict time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FeatureSpace {
    /// The settings it was fitted with.
    pub params: FeatureParams,
    /// Term of each column, sorted.
    terms: Vec<String>,
    /// Inverse document frequency of each column, from the training set.
    idf: Vec<f64>,
    /// Actors seen in training, masked as "other actor" in every example about someone else.
    actors: Vec<String>,
    /// Column of each term, built on load.
    #[serde(skip)]
    index: TermIndex,
    /// Kind of each column.
    #[serde(skip)]
    kinds: Vec<TermKind>,
    #[serde(skip)]
    matchers: ActorMatchers,
}

impl PartialEq for FeatureSpace {
    fn eq(&self, other: &Self) -> bool {
        self.params == other.params
            && self.terms == other.terms
            && self.idf == other.idf
            && self.actors == other.actors
    }
}

/// The column of each term: a hash table of column numbers with where each term sits in one
/// string of all the terms, so a lookup reads one place in memory to compare, and the index
/// builds in milliseconds on load.
#[derive(Debug, Clone, Default)]
struct TermIndex {
    /// Column, start and end of each term in `text`.
    table: HashTable<(u32, u32, u32)>,
    text: String,
}

impl TermIndex {
    fn new(terms: &[String]) -> Self {
        let mut table = HashTable::with_capacity(terms.len());
        let mut text = String::with_capacity(terms.iter().map(String::len).sum());
        for (column, term) in terms.iter().enumerate() {
            let start = text.len() as u32;
            text.push_str(term);
            table.insert_unique(
                hash_term(term),
                (column as u32, start, text.len() as u32),
                |&(c, ..)| hash_term(&terms[c as usize]),
            );
        }
        TermIndex { table, text }
    }

    /// The column of `term`.
    fn column(&self, term: &str) -> Option<u32> {
        self.table
            .find(hash_term(term), |&(_, start, end)| {
                self.text.as_bytes()[start as usize..end as usize] == *term.as_bytes()
            })
            .map(|&(column, ..)| column)
    }
}

fn hash_term(term: &str) -> u64 {
    FxBuildHasher.hash_one(term)
}

/// The compressed rows of a [`FeatureMatrix`]: single-precision values and 32-bit column
/// indices, 8 bytes a stored value, half of `f64` and `usize`.
pub(crate) type SparseRows = CsMatI<f32, u32, usize>;

/// Rows of sparse features, one per example (CSR).
///
/// Values are stored in single precision (products with them sum in double precision): a
/// million tweets of character n-grams are several hundred million stored values, and the
/// matrix is what training memory scales with.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureMatrix {
    /// The rows, L2-normalised.
    pub(crate) matrix: SparseRows,
}

impl FeatureMatrix {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.matrix.rows()
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.matrix.cols()
    }

    /// The rows at `indices`, in that order: borrowed when they are all the rows in order.
    pub fn select_rows(&self, indices: &[usize]) -> Cow<'_, FeatureMatrix> {
        if indices.len() == self.rows() && indices.iter().enumerate().all(|(i, &row)| i == row) {
            return Cow::Borrowed(self);
        }
        let mut indptr = Vec::with_capacity(indices.len() + 1);
        let (mut columns, mut values) = (Vec::new(), Vec::new());
        indptr.push(0);
        for &row in indices {
            if let Some(vector) = self.matrix.outer_view(row) {
                columns.extend_from_slice(vector.indices());
                values.extend_from_slice(vector.data());
            }
            indptr.push(columns.len());
        }
        Cow::Owned(FeatureMatrix {
            matrix: CsMatI::new((indices.len(), self.cols()), indptr, columns, values),
        })
    }
}

#[cfg(test)]
impl FeatureMatrix {
    /// The nonzero entries of a dense matrix.
    pub(crate) fn from_dense(dense: ndarray::ArrayView2<f64>) -> FeatureMatrix {
        let mut rows = RowsBuilder::new(dense.ncols()).unwrap();
        for row in dense.rows() {
            rows.push_row(row.iter().copied().enumerate().filter(|&(_, v)| v != 0.0));
        }
        rows.finish().unwrap()
    }
}

/// `value` as a [`FeatureMatrix`] stores it: rounded to single precision.
pub(crate) fn stored(value: f64) -> f64 {
    f64::from(value as f32)
}

/// Builds a [`FeatureMatrix`] row by row, rounding the values to single precision.
pub(crate) struct RowsBuilder {
    cols: usize,
    indptr: Vec<usize>,
    indices: Vec<u32>,
    data: Vec<f32>,
}

impl RowsBuilder {
    /// An empty matrix of `cols` columns; more columns than 32-bit indices reach is an error.
    pub(crate) fn new(cols: usize) -> Result<Self, Error> {
        if u32::try_from(cols).is_err() {
            return Err(Error::Model {
                message: format!("{cols} feature columns; at most {} are supported", u32::MAX),
            });
        }
        Ok(RowsBuilder {
            cols,
            indptr: vec![0],
            indices: Vec::new(),
            data: Vec::new(),
        })
    }

    /// Appends a row of `(column, value)` in increasing column order.
    pub(crate) fn push_row(&mut self, row: impl IntoIterator<Item = (usize, f64)>) {
        for (column, value) in row {
            self.indices.push(column as u32);
            self.data.push(stored(value) as f32);
        }
        self.indptr.push(self.indices.len());
    }

    pub(crate) fn finish(self) -> Result<FeatureMatrix, Error> {
        let shape = (self.indptr.len() - 1, self.cols);
        let matrix = CsMatI::try_new(shape, self.indptr, self.indices, self.data).map_err(
            |(_, _, _, err)| Error::Model {
                message: format!("internal error building the feature matrix: {err}"),
            },
        )?;
        Ok(FeatureMatrix { matrix })
    }
}

impl FeatureParams {
    /// Fits the vocabulary and IDF on the training examples.
    pub fn fit(
        &self,
        pipeline: &TextPipeline,
        examples: &[Example],
    ) -> Result<FeatureSpace, Error> {
        let mut actors: Vec<String> = examples.iter().map(|e| e.actor.to_string()).collect();
        actors.sort();
        actors.dedup();
        let mut space = FeatureSpace {
            params: self.clone(),
            terms: Vec::new(),
            idf: Vec::new(),
            actors,
            index: TermIndex::default(),
            kinds: Vec::new(),
            matchers: ActorMatchers::default(),
        };
        space.build_matchers();
        // Counted per thread and merged, so only the distinct terms are ever held, never every
        // example's terms at once; counts are integers, so the result does not depend on the
        // order of the merge.
        // Every training actor is known; only other actors and aliases may need a matcher.
        let unseen = space.unseen(examples);
        type Counts = hashbrown::HashMap<String, usize, FxBuildHasher>;
        let document_frequency: Counts = examples
            .par_iter()
            .try_fold(
                || (Counts::default(), String::new(), Vec::new()),
                |(mut counts, mut arena, mut spans), example| {
                    // The example's terms, end to end in one string, each counted once; a
                    // term is copied into a key of its own only the first time it is seen.
                    arena.clear();
                    spans.clear();
                    let shared = space.scan(example, &unseen);
                    space.each_term(pipeline, example, &shared, &mut |term| {
                        let start = arena.len();
                        arena.push_str(term);
                        spans.push(start..arena.len());
                    })?;
                    spans.sort_unstable_by(|a, b| arena[a.clone()].cmp(&arena[b.clone()]));
                    spans.dedup_by(|a, b| arena[a.clone()] == arena[b.clone()]);
                    for span in &spans {
                        *counts.entry_ref(&arena[span.clone()]).or_default() += 1;
                    }
                    Ok::<_, Error>((counts, arena, spans))
                },
            )
            .map(|folded| folded.map(|(counts, _, _)| counts))
            .try_reduce(Counts::default, |a, b| {
                let (small, mut large) = if a.len() < b.len() { (a, b) } else { (b, a) };
                for (term, count) in small {
                    *large.entry(term).or_default() += count;
                }
                Ok(large)
            })?;
        let mut kept: Vec<(String, usize)> = document_frequency
            .into_iter()
            .filter(|&(_, df)| df >= self.min_df.max(1))
            .collect();
        kept.sort_unstable();
        let n = examples.len() as f64;
        // scikit-learn's smoothed IDF, so the figures compare: ln((1 + n) / (1 + df)) + 1.
        space.idf = kept
            .iter()
            .map(|&(_, df)| ((1.0 + n) / (1.0 + df as f64)).ln() + 1.0)
            .collect();
        space.terms = kept.into_iter().map(|(term, _)| term).collect();
        space.build_index();
        Ok(space)
    }
}

impl FeatureSpace {
    /// Number of feature columns.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether the space has no columns.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The term of each column.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// The actors seen in training.
    pub fn actors(&self) -> &[String] {
        &self.actors
    }

    /// The inverse document frequency of each column.
    pub(crate) fn idf(&self) -> &[f64] {
        &self.idf
    }

    /// The matchers a space with these training `actors` uses, built ahead (they take the
    /// longest to build on load; see [`FeatureSpace::from_parts`]).
    pub(crate) fn matchers_of(actors: &[String]) -> ActorMatchers {
        ActorMatchers::new(actors).prepared()
    }

    /// A fitted space from what [`FeatureSpace::terms`], [`FeatureSpace::idf`] and
    /// [`FeatureSpace::actors`] give, and the [`FeatureSpace::matchers_of`] its actors, ready to
    /// use.
    pub(crate) fn from_parts(
        params: FeatureParams,
        terms: Vec<String>,
        idf: Vec<f64>,
        (actors, matchers): (Vec<String>, ActorMatchers),
    ) -> Result<Self, String> {
        if terms.len() != idf.len() {
            return Err(format!(
                "{} feature terms but {} IDF weights",
                terms.len(),
                idf.len()
            ));
        }
        let mut space = FeatureSpace {
            params,
            terms,
            idf,
            actors,
            index: TermIndex::default(),
            kinds: Vec::new(),
            matchers,
        };
        let (index, kinds) = rayon::join(|| TermIndex::new(&space.terms), || space.term_kinds());
        (space.index, space.kinds) = (index, kinds);
        Ok(space)
    }

    /// Rebuilds the lookup tables that are not saved; call after deserialising.
    pub fn prepare(&mut self) -> Result<(), String> {
        if self.terms.len() != self.idf.len() {
            return Err(format!(
                "{} feature terms but {} IDF weights",
                self.terms.len(),
                self.idf.len()
            ));
        }
        // Side by side: loading a model is most of the time to a first answer.
        let ((index, kinds), matchers) = rayon::join(
            || rayon::join(|| TermIndex::new(&self.terms), || self.term_kinds()),
            || Self::matchers_of(&self.actors),
        );
        (self.index, self.kinds, self.matchers) = (index, kinds, matchers);
        Ok(())
    }

    fn build_index(&mut self) {
        self.index = TermIndex::new(&self.terms);
        self.kinds = self.term_kinds();
    }

    fn term_kinds(&self) -> Vec<TermKind> {
        self.terms.iter().map(|term| TermKind::of(term)).collect()
    }

    fn build_matchers(&mut self) {
        self.matchers = ActorMatchers::new(&self.actors);
    }

    /// Matchers for the actors and aliases of `examples` that the space has none for.
    fn unseen(&self, examples: &[Example]) -> UnseenActors {
        UnseenActors::of(
            &self.matchers,
            examples.iter().flat_map(|example| {
                std::iter::once(example.actor)
                    .chain(example.other_actors.iter().map(String::as_str))
                    .chain(example.target_aliases.iter().map(String::as_str))
            }),
        )
    }

    /// Featurises examples (in parallel; the rows keep the examples' order).
    pub fn transform(
        &self,
        pipeline: &TextPipeline,
        examples: &[Example],
    ) -> Result<FeatureMatrix, Error> {
        let unseen = self.unseen(examples);
        // The examples of one text (the actors of one statement) share its scan for mentions.
        // Each term lives only until it is looked up.
        let mut rows = RowsBuilder::new(self.len())?;
        // A block of examples at a time, so that only one block's rows are ever held apart
        // from the matrix.
        const EXAMPLES_PER_BLOCK: usize = 16_384;
        for block in examples.chunks(EXAMPLES_PER_BLOCK) {
            let runs: Vec<Vec<Vec<(usize, f64)>>> = block
                .par_chunk_by(|a, b| a.text == b.text && a.quote == b.quote)
                .map(|run| {
                    let shared = self.scan(&run[0], &unseen);
                    run.iter()
                        .map(|example| {
                            let mut columns = Vec::new();
                            self.each_term(pipeline, example, &shared, &mut |term| {
                                if let Some(column) = self.index.column(term) {
                                    columns.push(column);
                                }
                            })?;
                            Ok(self.weigh(columns))
                        })
                        .collect::<Result<_, Error>>()
                })
                .collect::<Result<_, Error>>()?;
            runs.into_iter()
                .flatten()
                .for_each(|row| rows.push_row(row));
        }
        rows.finish()
    }

    /// Gives every term of `example` to `emit`, repeats included.
    fn each_term(
        &self,
        pipeline: &TextPipeline,
        example: &Example,
        shared: &Shared,
        emit: &mut impl FnMut(&str),
    ) -> Result<(), Error> {
        self.each_part(pipeline, example, shared, |part, _, tokenized| {
            self.part_terms(part, tokenized, example.actor, &mut |term, _| emit(term))
        })
    }

    /// Masks and tokenises each part of `example` (its text, then its quote when that is
    /// apart from the text) and gives it to `visit`.
    fn each_part(
        &self,
        pipeline: &TextPipeline,
        example: &Example,
        shared: &Shared,
        mut visit: impl FnMut(TextPart, &Masked, &TokenizedText),
    ) -> Result<(), Error> {
        // The placeholders themselves, without the spaces that set them off.
        let tokenize = |masked: &Masked| {
            let placeholders: Vec<(usize, usize)> = masked
                .replacements
                .iter()
                .map(|r| (r.masked.0 + 1, r.masked.1 - 1))
                .collect();
            let mut cache = shared.tokens.borrow_mut();
            pipeline.tokenize_around(&masked.text, &placeholders, &mut cache)
        };
        let masked = self.mask(example, example.text, example.mention, shared, &shared.text);
        visit(TextPart::Text, &masked, &tokenize(&masked)?);
        if let (Some(quote), Some(mentions)) = (example.quote, &shared.quote) {
            let masked = self.mask(example, quote, example.quote_mention, shared, mentions);
            visit(TextPart::Quote, &masked, &tokenize(&masked)?);
        }
        Ok(())
    }

    /// Where the actors are mentioned in `example`'s text and quote (the quote only when it
    /// is apart from the text); nothing when masking is off.
    fn scan<'s>(&'s self, example: &Example, unseen: &'s UnseenActors) -> Shared<'s> {
        let find = |text: &str| match self.params.target_mask {
            true => (self.matchers.mentions(text), unseen.mentions(text)),
            false => Default::default(),
        };
        Shared {
            text: find(example.text),
            quote: example
                .quote
                .filter(|quote| *quote != example.text)
                .map(find),
            unseen,
            tokens: RefCell::default(),
        }
    }

    /// The terms of one part of an example.
    fn part_terms(
        &self,
        part: TextPart,
        tokenized: &TokenizedText,
        actor: &str,
        emit: &mut impl FnMut(&str, TermSource),
    ) {
        match part {
            TextPart::Text => terms::extract(tokenized, actor, &self.params.terms, emit),
            TextPart::Quote => terms::quote_terms(tokenized, &self.params.terms, emit),
        }
    }

    /// The row of one example with where each of its terms came from: for every column in the
    /// row, its value (as [`FeatureSpace::transform`] gives it) and the byte ranges of the
    /// example's text and quote that made it (a masked mention stands for the whole mention).
    pub fn explain_row(
        &self,
        pipeline: &TextPipeline,
        example: &Example,
    ) -> Result<Vec<TermUse>, Error> {
        let unseen = self.unseen(std::slice::from_ref(example));
        let shared = self.scan(example, &unseen);
        let mut columns = Vec::new();
        let mut spans: FxHashMap<u32, Vec<PartSpan>> = FxHashMap::default();
        self.each_part(pipeline, example, &shared, |part, masked, tokenized| {
            self.part_terms(part, tokenized, example.actor, &mut |term, source| {
                let Some(column) = self.index.column(term) else {
                    return;
                };
                columns.push(column);
                let found = spans.entry(column).or_default();
                for (start, end) in locate(pipeline, masked, tokenized, source) {
                    found.push(PartSpan { part, start, end });
                }
            });
        })?;
        Ok(self
            .weigh(columns)
            .into_iter()
            .map(|(column, value)| {
                let mut spans = spans.remove(&(column as u32)).unwrap_or_default();
                spans.sort_unstable();
                spans.dedup();
                TermUse {
                    column,
                    value,
                    spans,
                }
            })
            .collect())
    }

    /// `text` with the example's target (its marked `mention` and what its name matches) and the
    /// other actors masked, if masking is on; `mentions` are the actors' mentions in `text`.
    fn mask(
        &self,
        example: &Example,
        text: &str,
        mention: Option<(usize, usize)>,
        shared: &Shared,
        (known, unseen): &(Mentions, Mentions),
    ) -> Masked {
        if !self.params.target_mask {
            return Masked::unmasked(text);
        }
        let has_matcher =
            |actor: &str| self.matchers.contains(actor) || shared.unseen.contains(actor);
        let mentions_of = |actor: &str| match self.matchers.contains(actor) {
            true => known.of(actor),
            false => unseen.of(actor),
        };
        let has_target = has_matcher(example.actor);
        if !has_target && mention.is_none() {
            return Masked::unmasked(text);
        }
        let aliases = example
            .target_aliases
            .iter()
            .filter(|alias| alias.as_str() != example.actor && has_matcher(alias))
            .flat_map(|alias| mentions_of(alias));
        let targets: Vec<(usize, usize)> = mention
            .into_iter()
            .chain(
                has_target
                    .then(|| mentions_of(example.actor))
                    .into_iter()
                    .flatten()
                    .copied(),
            )
            .chain(aliases.copied())
            .collect();
        let others: Vec<(usize, usize)> = known
            .iter()
            .filter(|(name, _)| *name != example.actor)
            .flat_map(|(_, spans)| spans.iter().copied())
            .chain(
                example
                    .other_actors
                    .iter()
                    .filter(|actor| !self.matchers.contains(actor) && *actor != example.actor)
                    .flat_map(|actor| unseen.of(actor).iter().copied()),
            )
            .collect();
        mask_mentions(text, &targets, &others)
    }

    /// Sublinear TF-IDF, each kind normalised apart if [`FeatureParams::kind_norm`] says so,
    /// L2-normalised, columns ascending.
    fn weigh(&self, mut columns: Vec<u32>) -> Vec<(usize, f64)> {
        columns.sort_unstable();
        let mut row: Vec<(usize, f64)> = columns
            .chunk_by(|a, b| a == b)
            .map(|run| {
                let column = run[0] as usize;
                let tf = run.len() as f64;
                (column, (1.0 + tf.ln()) * self.idf[column])
            })
            .collect();
        if self.params.kind_norm {
            let mut squares = [0.0; TermKind::COUNT];
            for &(column, value) in &row {
                squares[self.kinds[column] as usize] += value * value;
            }
            // Every kind in the row has a positive length: each weight is at least 1.
            for (column, value) in &mut row {
                *value /= squares[self.kinds[*column] as usize].sqrt();
            }
        }
        let norm = row.iter().map(|(_, v)| v * v).sum::<f64>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|(_, v)| *v /= norm);
        }
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples<'a>(texts: &'a [&'a str], actor: &'a str) -> Vec<Example<'a>> {
        texts
            .iter()
            .map(|text| Example {
                text,
                quote: None,
                actor,
                mention: None,
                quote_mention: None,
                other_actors: &[],
                target_aliases: &[],
            })
            .collect()
    }

    /// The terms `space` gives one example.
    fn row_terms<'s>(
        space: &'s FeatureSpace,
        pipeline: &TextPipeline,
        example: &Example,
    ) -> Vec<&'s str> {
        let matrix = space
            .transform(pipeline, std::slice::from_ref(example))
            .unwrap();
        let row = matrix.matrix.outer_view(0).unwrap();
        row.indices()
            .iter()
            .map(|&c| space.terms()[c as usize].as_str())
            .collect()
    }

    fn words_only() -> FeatureParams {
        FeatureParams {
            terms: TermSettings {
                word_ngrams: NgramRange::new(1, 1),
                char_ngrams: NgramRange::new(0, 0),
                quote_ngrams: NgramRange::new(0, 0),
                target_window: 0,
                side_ngrams: NgramRange::off(),
                actor_term: false,
                lexicon: false,
            },
            min_df: 1,
            target_mask: false,
            vocab_min_frequency: 1,
            kind_norm: false,
        }
    }

    #[test]
    fn tf_idf_matches_scikit_learn() {
        // Reference from scikit-learn 1.9.1: TfidfVectorizer(sublinear_tf=True,
        // token_pattern=r"(?u)\b\w+\b") on the same three documents gives row 0 as
        // [0.32936389, 0.94420307, 0] and row 1 as [0.50854232, 0, 0.861037].
        let texts = ["a b b", "a c", "a"];
        let pipeline = TextPipeline::train(&texts, 1).unwrap();
        let examples = examples(&texts, "X");
        let space = words_only().fit(&pipeline, &examples).unwrap();
        assert_eq!(space.terms(), ["w:a", "w:b", "w:c"]);
        let matrix = space.transform(&pipeline, &examples).unwrap().matrix;
        let row: Vec<(usize, f64)> = matrix
            .outer_view(0)
            .unwrap()
            .iter()
            .map(|(c, &v)| (c, f64::from(v)))
            .collect();
        assert_eq!(row.len(), 2);
        assert!((row[0].1 - 0.32936389).abs() < 1e-7, "{row:?}");
        assert!((row[1].1 - 0.94420307).abs() < 1e-7, "{row:?}");
        let row1: Vec<f64> = matrix
            .outer_view(1)
            .unwrap()
            .iter()
            .map(|(_, &v)| f64::from(v))
            .collect();
        assert!((row1[0] - 0.50854232).abs() < 1e-7 && (row1[1] - 0.861037).abs() < 1e-6);
        // Row 2 has only "a": unit length.
        let row2: Vec<f64> = matrix
            .outer_view(2)
            .unwrap()
            .iter()
            .map(|(_, &v)| f64::from(v))
            .collect();
        assert_eq!(row2, [1.0]);
    }

    #[test]
    fn min_df_prunes_rare_terms_and_unseen_terms_are_dropped() {
        let texts = ["a b", "a c", "a b"];
        let pipeline = TextPipeline::train(&texts, 1).unwrap();
        let params = FeatureParams {
            min_df: 2,
            ..words_only()
        };
        let space = params.fit(&pipeline, &examples(&texts, "X")).unwrap();
        assert_eq!(space.terms(), ["w:a", "w:b"]);
        let unseen = space
            .transform(&pipeline, &examples(&["zzz"], "X"))
            .unwrap();
        assert_eq!(unseen.matrix.nnz(), 0);
    }

    #[test]
    fn masking_makes_the_same_words_differ_by_target() {
        let texts = ["Trump attacked Mamdani"];
        let pipeline = TextPipeline::train(&texts, 1).unwrap();
        let mut params = FeatureParams {
            target_mask: true,
            ..words_only()
        };
        params.terms.word_ngrams = NgramRange::new(1, 2);
        let training = [
            Example {
                text: texts[0],
                quote: None,
                actor: "Donald Trump",
                mention: None,
                quote_mention: None,
                other_actors: &[],
                target_aliases: &[],
            },
            Example {
                text: texts[0],
                quote: None,
                actor: "Zohran Mamdani",
                mention: None,
                quote_mention: None,
                other_actors: &[],
                target_aliases: &[],
            },
        ];
        let space = params.fit(&pipeline, &training).unwrap();
        let matrix = space.transform(&pipeline, &training).unwrap();
        assert_ne!(
            matrix.select_rows(&[0]).matrix,
            matrix.select_rows(&[1]).matrix.clone()
        );
        assert!(space.terms().contains(&"w:[TARGET]".to_string()));
        assert!(space.terms().contains(&"w:[OTHER]".to_string()));
    }

    #[test]
    fn a_marked_mention_is_the_target_whatever_its_words() {
        let texts = ["He praised her, said Alice"];
        let pipeline = TextPipeline::train(&texts, 1).unwrap();
        let mut params = FeatureParams {
            target_mask: true,
            ..words_only()
        };
        params.terms.word_ngrams = NgramRange::new(2, 2);
        let marked = |mention| Example {
            text: texts[0],
            quote: None,
            actor: "Bob",
            mention: Some(mention),
            quote_mention: None,
            other_actors: &[],
            target_aliases: &[],
        };
        // "He", then "her"; a range that is not within the text is ignored.
        let training = [marked((0, 2)), marked((11, 14)), marked((3, 99))];
        let space = params.fit(&pipeline, &training).unwrap();
        let terms = |row: usize| row_terms(&space, &pipeline, &training[row]);
        assert!(terms(0).contains(&"w:[TARGET] praised"), "{:?}", terms(0));
        assert!(terms(1).contains(&"w:praised [TARGET]"), "{:?}", terms(1));
        assert!(terms(2).contains(&"w:he praised"), "{:?}", terms(2));
        assert!(!terms(2).iter().any(|t| t.contains("[TARGET]")));
    }

    #[test]
    fn aliases_are_masked_as_the_target() {
        let texts = ["the agency raided a depot and Mamdani spoke"];
        let pipeline = TextPipeline::train(&texts, 1).unwrap();
        let mut params = FeatureParams {
            target_mask: true,
            ..words_only()
        };
        params.terms.word_ngrams = NgramRange::new(1, 1);
        let aliases = ["the agency".to_string()];
        let with_aliases = |target_aliases| Example {
            text: texts[0],
            quote: None,
            actor: "ICE",
            mention: None,
            quote_mention: None,
            other_actors: &[],
            target_aliases,
        };
        let training = [with_aliases(&aliases), with_aliases(&[])];
        let space = params.fit(&pipeline, &training).unwrap();
        let terms = |row: usize| row_terms(&space, &pipeline, &training[row]);
        assert!(terms(0).contains(&"w:[TARGET]"), "{:?}", terms(0));
        assert!(!terms(0).contains(&"w:agency"), "{:?}", terms(0));
        assert!(terms(1).contains(&"w:agency"), "{:?}", terms(1));
        assert!(!terms(1).contains(&"w:[TARGET]"), "{:?}", terms(1));
    }

    #[test]
    fn kind_norm_gives_each_kind_of_term_an_equal_share() {
        let texts = ["one two three four five six said the mayor"];
        let pipeline = TextPipeline::train(&texts, 1).unwrap();
        let example = Example {
            quote: Some("one two"),
            ..examples(&texts, "X")[0]
        };
        // The share of the row's squared length held by the quote's own terms.
        let quote_share = |kind_norm: bool| {
            let mut params = FeatureParams {
                kind_norm,
                ..words_only()
            };
            params.terms.quote_ngrams = NgramRange::new(1, 1);
            let space = params.fit(&pipeline, &[example]).unwrap();
            let matrix = space.transform(&pipeline, &[example]).unwrap();
            let row = matrix.matrix.outer_view(0).unwrap();
            let total: f64 = row.iter().map(|(_, &v)| f64::from(v).powi(2)).sum();
            let quote: f64 = row
                .iter()
                .filter(|&(c, _)| space.terms()[c].starts_with("q:"))
                .map(|(_, &v)| f64::from(v).powi(2))
                .sum();
            // Values are stored in single precision.
            assert!((total - 1.0).abs() < 1e-6);
            quote
        };
        // 2 quote terms against 9 words, all of one IDF: 2/11 of the length without it.
        assert!((quote_share(false) - 2.0 / 11.0).abs() < 1e-6);
        assert!((quote_share(true) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn serde_round_trip_keeps_the_transform() {
        let texts = ["we back the union", "the union is wrong"];
        let pipeline = TextPipeline::train(&texts, 1).unwrap();
        let examples = examples(&texts, "union");
        let space = FeatureParams::default().fit(&pipeline, &examples).unwrap();
        let json = serde_json::to_string(&space).unwrap();
        let mut loaded: FeatureSpace = serde_json::from_str(&json).unwrap();
        loaded.prepare().unwrap();
        assert_eq!(loaded, space);
        assert_eq!(
            loaded.transform(&pipeline, &examples).unwrap(),
            space.transform(&pipeline, &examples).unwrap()
        );
    }
}
