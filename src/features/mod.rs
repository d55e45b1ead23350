//! Stage 4: tokens to sparse features.
//!
//! [`FeatureParams`] fits a [`FeatureSpace`] on training examples: the vocabulary of terms
//! (word and character n-grams, words near the target, n-grams by their side of the target,
//! the quote's own words, the actor), their inverse document frequencies from the training set
//! only, and the actors it knows. The space turns any example into one L2-normalised row of
//! sublinear TF-IDF weights (each [`TermKind`] normalised apart first, by default) in a sparse
//! [`FeatureMatrix`]; nothing is ever densified.

mod counts;
mod lexicon;
mod target;
mod terms;

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::hash::BuildHasher;

use linfa::ParamGuard;
use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap};
use serde::{Deserialize, Serialize};
use sprs::CsMatI;

pub(crate) use target::{mask_mentions, ActorMatchers, Masked, Mentions, UnseenActors};
pub use terms::{NgramRange, TermKind, TermSettings};

use counts::ColumnCounts;
use terms::TermSource;

use crate::corpus::Row;
use crate::error::Error;
use crate::param::{Param, MAX_COEFFICIENT, MAX_NGRAM, MAX_TARGET_WINDOW, MIN_IDF};
use crate::text::{NormalizedOffsets, Piece, TextPipeline, TokenCache, TokenizedText};

/// The most columns a row may have to be put in order by sorting them; a longer row's columns
/// are counted ([`ColumnCounts`]). A tweet's few hundred columns sort within the cache, where
/// counting them touches a count far from the last for each; an article statement's thousand
/// and more took a quarter fewer instructions counted than sorted by radix.
const SORTED_ROW_COLUMNS: usize = 512;

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
pub(crate) enum TextPart {
    /// [`Example::text`].
    Text,
    /// [`Example::quote`].
    Quote,
}

/// A byte range of one part of an example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct PartSpan {
    /// Which part.
    pub part: TextPart,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// One column of an example's row; see [`FeatureSpace::explain_row`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TermUse {
    /// The column.
    pub column: usize,
    /// Its value in the row.
    pub value: f64,
}

/// One example's row as [`FeatureSpace::explain_row`] gives it: each column with its value,
/// and where each term came from, located in the text only for the columns asked about
/// ([`ExplainedRow::spans_of`]): an explanation lists a few terms, and locating all of a
/// long text's terms cost more than finding them.
pub(crate) struct ExplainedRow {
    /// Each column of the row with its value, as [`FeatureSpace::transform`] gives it.
    pub terms: Vec<TermUse>,
    /// Each term the example made: its column, its part and its source, sorted by column.
    sources: Vec<(u32, TextPart, TermSource)>,
    /// The example's parts as they were masked and tokenised, in [`TextPart`] order.
    parts: Vec<(TextPart, PartText)>,
}

impl ExplainedRow {
    /// For each of `columns`, the ranges of the example that made its term, sorted, without
    /// repeats (a masked mention stands for the whole mention).
    pub(crate) fn spans_of(
        &self,
        pipeline: &TextPipeline,
        columns: &[usize],
    ) -> Vec<Vec<PartSpan>> {
        let locators: Vec<(TextPart, Locator)> = self
            .parts
            .iter()
            .map(|(part, text)| (*part, Locator::new(pipeline, &text.masked, &text.tokenized)))
            .collect();
        columns
            .iter()
            .map(|&column| {
                let first = self.sources.partition_point(|s| (s.0 as usize) < column);
                let mut spans: Vec<PartSpan> = self.sources[first..]
                    .iter()
                    .take_while(|s| s.0 as usize == column)
                    .flat_map(|&(_, part, source)| {
                        let locator = locators.iter().find(|(p, _)| *p == part);
                        locator
                            .map(|(_, locator)| locator.locate(source))
                            .unwrap_or_default()
                            .into_iter()
                            .map(move |(start, end)| PartSpan { part, start, end })
                    })
                    .collect();
                spans.sort_unstable();
                spans.dedup();
                spans
            })
            .collect()
    }
}

/// Maps the sources of one part's terms back to its original (unmasked) text. What character
/// n-grams need (the collapsed text's map and the masked text normalised) is built at the first
/// one and kept for the rest: built for each, it made explaining a long text quadratic.
struct Locator<'p> {
    pipeline: &'p TextPipeline,
    masked: &'p Masked,
    tokenized: &'p TokenizedText,
    chars: OnceCell<(terms::Uncollapse, NormalizedOffsets)>,
}

impl<'p> Locator<'p> {
    fn new(pipeline: &'p TextPipeline, masked: &'p Masked, tokenized: &'p TokenizedText) -> Self {
        Locator {
            pipeline,
            masked,
            tokenized,
            chars: OnceCell::new(),
        }
    }

    /// The byte ranges of the original text that a term's `source` covers.
    fn locate(&self, source: TermSource) -> Vec<(usize, usize)> {
        let (masked, tokenized) = (self.masked, self.tokenized);
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
                let (collapsed, normalized) = self.chars.get_or_init(|| {
                    (
                        terms::Uncollapse::new(&tokenized.normalized),
                        self.pipeline.normalized_offsets(&masked.text),
                    )
                });
                let (start, end) = collapsed.range(start, end);
                normalized
                    .original_range(start, end)
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
}

/// What the examples that share a text and quote (the actors of one statement) share: where
/// the known and the unseen actors are mentioned in them, found once, and the [`Memo`] of
/// the thread that featurises them.
struct Shared<'s> {
    text: (Mentions<'s>, Mentions<'s>),
    quote: Option<(Mentions<'s>, Mentions<'s>)>,
    unseen: &'s UnseenActors,
    memo: &'s RefCell<Memo>,
    /// How many examples share them.
    examples: usize,
}

/// What featurising remembers from one statement to the next on one thread: each piece of
/// masked text tokenised, and the columns of each piece's own terms ([`terms::piece_terms`])
/// for each [`TextPart`], by the piece's text. The masked texts of one statement's actors
/// differ only in their placeholders, and statements of one article share their context, so
/// most pieces come back. Both are functions of the piece alone; they are emptied when they
/// hold more than [`Memo::MAX_PIECES`] pieces, so memory stays flat.
#[derive(Default)]
struct Memo {
    tokens: TokenCache,
    piece_columns: [FxHashMap<Box<str>, Vec<u32>>; 2],
    /// The terms of one piece, or of what one example adds to its pieces, gathered to be
    /// looked up together.
    batch: TermBatch,
}

impl Memo {
    const MAX_PIECES: usize = 8192;

    /// Empties the memo if it has grown past its bound.
    fn bound(&mut self) {
        let held = self.tokens.len() + self.piece_columns.iter().map(|m| m.len()).sum::<usize>();
        if held > Self::MAX_PIECES {
            *self = Memo::default();
        }
    }
}

/// One part of an example as its terms are made from it: masked, tokenised, and where the
/// pieces it was tokenised in sit (none when it was tokenised whole).
struct PartText {
    masked: Masked,
    tokenized: TokenizedText,
    pieces: Vec<Piece>,
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

/// Checks the settings, for training and for a model file alike: each n-gram range off or
/// within `1..=MAX_NGRAM`, the target window at most `MAX_TARGET_WINDOW`. The checked
/// type is the settings themselves: they have nothing to derive.
impl ParamGuard for FeatureParams {
    type Checked = FeatureParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&FeatureParams, Error> {
        let terms = &self.terms;
        check_ngram_range(Param::WordNgrams, terms.word_ngrams)?;
        check_ngram_range(Param::CharNgrams, terms.char_ngrams)?;
        check_ngram_range(Param::QuoteNgrams, terms.quote_ngrams)?;
        check_ngram_range(Param::SideNgrams, terms.side_ngrams)?;
        if terms.target_window > MAX_TARGET_WINDOW {
            return Err(Error::InvalidValue {
                param: Param::TargetWindow,
                value: terms.target_window.to_string(),
                expected: format!("at most {MAX_TARGET_WINDOW} tokens (0 turns it off)"),
            });
        }
        Ok(self)
    }

    fn check(self) -> Result<FeatureParams, Error> {
        self.check_ref()?;
        Ok(self)
    }
}

/// `range` if it is off (`0-0`) or within `1..=`[`MAX_NGRAM`]; else the error naming `param`.
pub(crate) fn check_ngram_range(param: Param, range: NgramRange) -> Result<NgramRange, Error> {
    let off = range.min == 0 && range.max == 0;
    if off || (1 <= range.min && range.min <= range.max && range.max <= MAX_NGRAM) {
        return Ok(range);
    }
    Err(Error::InvalidValue {
        param,
        value: format!("{}-{}", range.min, range.max),
        expected: ngram_range_forms(),
    })
}

/// Parses `MIN-MAX`, `N` (for N-N) or `0` (off), checked as every range is; `param` names the
/// setting in the error.
pub(crate) fn parse_ngram_range(param: Param, value: &str) -> Result<NgramRange, Error> {
    let invalid = || Error::InvalidValue {
        param,
        value: value.into(),
        expected: ngram_range_forms(),
    };
    let parse = |s: &str| s.trim().parse::<usize>().map_err(|_| invalid());
    let (min, max) = match value.split_once('-') {
        Some((min, max)) => (parse(min)?, parse(max)?),
        None => {
            let n = parse(value)?;
            (n, n)
        }
    };
    check_ngram_range(param, NgramRange::new(min, max)).map_err(|_| invalid())
}

/// The forms an n-gram range takes, for messages.
pub(crate) fn ngram_range_forms() -> String {
    format!("MIN-MAX with 1 <= MIN <= MAX <= {MAX_NGRAM} (e.g. 1-3), one length, or 0 for none")
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
    /// IDF and kind of each column side by side, built on load: weighing a row reads one
    /// place in memory for each of its columns.
    #[serde(skip)]
    weighing: Vec<(f64, TermKind)>,
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

/// The column of each term, found by a 64-bit fingerprint of the term: a lookup hashes the term
/// and reads one slot of the table, without comparing text (reading the term's text was a
/// second miss of the cache for every one of the thousand terms of a row). Terms of the space
/// that share a fingerprint (none of the shipped model's 246,000 do; a test checks) are told
/// apart by their text. A term outside the space takes a column only if its fingerprint is
/// some term's: with foldhash's quality hash that is about one lookup in 10^14 for a space of
/// 250,000 terms.
///
/// The slots are one array probed in order from the fingerprint's home (open addressing with
/// linear probing), so a lookup reads one line of memory: nine lookups in ten find their term,
/// and a SwissTable (`hashbrown`) reads its control bytes and then, apart from them, the entry,
/// which measured as two misses of the cache where this is one.
#[derive(Debug, Clone)]
struct TermIndex {
    /// `(fingerprint, column)`, a power of two of them and at most five in eight taken;
    /// [`TermIndex::EMPTY`] as the column of a free slot, [`TermIndex::SHARED`] where several
    /// terms have the fingerprint.
    slots: Box<[(u64, u32)]>,
    /// The columns of each fingerprint several terms share.
    shared: FxHashMap<u64, Vec<u32>>,
}

impl Default for TermIndex {
    fn default() -> Self {
        Self::of_fingerprints(std::iter::empty())
    }
}

impl TermIndex {
    const SHARED: u32 = u32::MAX;
    const EMPTY: u32 = u32::MAX - 1;

    fn new(terms: &[String]) -> Self {
        Self::of_fingerprints(terms.iter().map(|term| fingerprint(term)))
    }

    /// The index of the terms with these fingerprints, one a column.
    fn of_fingerprints(fingerprints: impl ExactSizeIterator<Item = u64>) -> Self {
        let slots = (fingerprints.len() * 8 / 5 + 1).next_power_of_two();
        let mut index = TermIndex {
            slots: vec![(0, Self::EMPTY); slots].into_boxed_slice(),
            shared: FxHashMap::default(),
        };
        for (column, fingerprint) in (0u32..).zip(fingerprints) {
            let slot = index.slot(fingerprint);
            match index.slots[slot].1 {
                Self::EMPTY => index.slots[slot] = (fingerprint, column),
                first => {
                    index.slots[slot].1 = Self::SHARED;
                    let columns = index.shared.entry(fingerprint).or_default();
                    if first != Self::SHARED {
                        columns.push(first);
                    }
                    columns.push(column);
                }
            }
        }
        index
    }

    /// The slot that holds `fingerprint`, or the free slot where it would go.
    fn slot(&self, fingerprint: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut slot = fingerprint as usize & mask;
        loop {
            let (found, column) = self.slots[slot];
            if column == Self::EMPTY || found == fingerprint {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Whether some terms share a fingerprint: only then does a lookup read a term's text.
    fn has_shared(&self) -> bool {
        !self.shared.is_empty()
    }

    /// How many distinct fingerprints it holds.
    #[cfg(test)]
    fn fingerprints(&self) -> usize {
        self.slots
            .iter()
            .filter(|slot| slot.1 != Self::EMPTY)
            .count()
    }

    /// Adds the column of each term of `batch` the space has to `columns`, in the batch's
    /// order; `terms` are the space's terms.
    fn resolve(&self, batch: &TermBatch, terms: &[String], columns: &mut Vec<u32>) {
        self.touch(&batch.fingerprints);
        for (i, &fingerprint) in batch.fingerprints.iter().enumerate() {
            columns.extend(self.column_of(fingerprint, || batch.term(i), terms));
        }
    }

    /// Reads the home slot of each fingerprint, so that the lookups after it find their slots
    /// in the cache: these reads wait on nothing and run side by side, where a lookup's
    /// branches on what it found (a hit, a free slot, the next slot) cut short the reads
    /// the processor had started for the lookups after it.
    fn touch(&self, fingerprints: &[u64]) {
        let mask = self.slots.len() - 1;
        let seen = fingerprints.iter().fold(0, |seen, &fingerprint| {
            seen ^ self.slots[fingerprint as usize & mask].1
        });
        std::hint::black_box(seen);
    }

    /// The column of `term`, if the space has it; `terms` are the space's terms.
    fn column(&self, term: &str, terms: &[String]) -> Option<u32> {
        self.column_of(fingerprint(term), || term, terms)
    }

    /// The column of the term `term` gives, whose fingerprint is `fingerprint`: its text is
    /// asked for only where several terms of the space share the fingerprint.
    fn column_of<'t>(
        &self,
        fingerprint: u64,
        term: impl FnOnce() -> &'t str,
        terms: &[String],
    ) -> Option<u32> {
        match self.slots[self.slot(fingerprint)].1 {
            Self::EMPTY => None,
            Self::SHARED => {
                let term = term();
                self.shared[&fingerprint]
                    .iter()
                    .copied()
                    .find(|&c| terms[c as usize] == term)
            }
            column => Some(column),
        }
    }
}

/// Terms gathered to be looked up together ([`TermIndex::resolve`]): most lookups miss the
/// cache. Looked up as each term is made, with the making of the next term waiting on the
/// answer, the misses came one after another; from a list of fingerprints, nothing waits on
/// a lookup's answer, and the processor runs the misses of the next lookups side by side
/// (measured: 13% less time for `predict` on articles, one core).
#[derive(Default)]
struct TermBatch {
    fingerprints: Vec<u64>,
    /// The terms' text one after another, and where each ends: read only where several
    /// terms of the space share a fingerprint.
    text: String,
    ends: Vec<usize>,
}

impl TermBatch {
    fn clear(&mut self) {
        self.fingerprints.clear();
        self.text.clear();
        self.ends.clear();
    }

    /// Adds `term`, its text too if `with_text` (needed only where terms of the space share
    /// a fingerprint). It says the term may be in the space, so that the terms are made as
    /// if every one were found: a longer n-gram is never in the space without its prefix, so
    /// the extra terms find no column and the columns are the same.
    fn push(&mut self, term: &str, with_text: bool) -> bool {
        self.fingerprints.push(fingerprint(term));
        if with_text {
            self.text.push_str(term);
            self.ends.push(self.text.len());
        }
        true
    }

    /// The `i`th term.
    fn term(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.text[start..self.ends[i]]
    }
}

/// Terms looked up a batch at a time ([`TermBatch`]), their columns added to `columns` in the
/// order the terms came; [`Lookups::finish`] looks up the last batch.
struct Lookups<'b> {
    index: &'b TermIndex,
    terms: &'b [String],
    batch: &'b mut TermBatch,
    columns: &'b mut Vec<u32>,
}

impl Lookups<'_> {
    /// Terms a batch holds at most: enough for the misses of the cache to overlap, few enough
    /// that a long text's terms are never all held (a 1 MB field has millions).
    const BATCH: usize = 4096;

    /// Adds `term`; says it may be in the space, as [`TermBatch::push`] does.
    fn push(&mut self, term: &str) -> bool {
        if self.batch.fingerprints.len() == Self::BATCH {
            self.flush();
        }
        self.batch.push(term, self.index.has_shared())
    }

    fn flush(&mut self) {
        self.index.resolve(self.batch, self.terms, self.columns);
        self.batch.clear();
    }

    /// Looks up the terms still waiting.
    fn finish(mut self) {
        self.flush();
    }
}

/// A term's fingerprint: foldhash's quality hash with a fixed seed (it need only be the same
/// within one process; fingerprints are never saved).
fn fingerprint(term: &str) -> u64 {
    const STATE: foldhash::quality::FixedState =
        foldhash::quality::FixedState::with_seed(0x5354_414e_4345);
    STATE.hash_one(term)
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
    pub(crate) fn select_rows(&self, indices: &[usize]) -> Cow<'_, FeatureMatrix> {
        if indices.len() == self.rows() && indices.iter().enumerate().all(|(i, &row)| i == row) {
            return Cow::Borrowed(self);
        }
        let mut indptr = Vec::with_capacity(indices.len() + 1);
        let stored = |row| self.matrix.outer_view(row).map_or(0, |vector| vector.nnz());
        let nnz = indices.iter().map(|&row| stored(row)).sum();
        let (mut columns, mut values) = (Vec::with_capacity(nnz), Vec::with_capacity(nnz));
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

    /// An empty matrix as wide as this one.
    pub(crate) fn empty_like(&self) -> Self {
        RowsBuilder {
            cols: self.cols,
            indptr: vec![0],
            indices: Vec::new(),
            data: Vec::new(),
        }
    }

    /// Appends a row of `(column, value)` in increasing column order.
    pub(crate) fn push_row(&mut self, row: impl IntoIterator<Item = (usize, f64)>) {
        let row = row.into_iter();
        self.indices.reserve(row.size_hint().0);
        self.data.reserve(row.size_hint().0);
        for (column, value) in row {
            self.indices.push(column as u32);
            self.data.push(stored(value) as f32);
        }
        self.indptr.push(self.indices.len());
    }

    /// Makes room for `rows` more rows holding `stored` values in all.
    pub(crate) fn reserve(&mut self, rows: usize, stored: usize) {
        self.indptr.reserve(rows);
        self.indices.reserve(stored);
        self.data.reserve(stored);
    }

    /// Appends the rows of `other`, which has as many columns.
    pub(crate) fn append(&mut self, other: RowsBuilder) {
        let base = self.indices.len();
        self.indptr
            .extend(other.indptr[1..].iter().map(|&end| base + end));
        self.indices.extend(other.indices);
        self.data.extend(other.data);
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
            weighing: Vec::new(),
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
                || {
                    (
                        Counts::default(),
                        String::new(),
                        Vec::new(),
                        RefCell::<Memo>::default(),
                    )
                },
                |(mut counts, mut arena, mut spans, mut memo), example| {
                    // The example's terms, end to end in one string, each counted once; a
                    // term is copied into a key of its own only the first time it is seen.
                    arena.clear();
                    spans.clear();
                    memo.get_mut().bound();
                    let shared = space.scan(example, &unseen, &memo, 1);
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
                    Ok::<_, Error>((counts, arena, spans, memo))
                },
            )
            .map(|folded| folded.map(|(counts, ..)| counts))
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

    /// Checks a space read from a file: every IDF weight finite, at least [`MIN_IDF`] and at
    /// most [`MAX_COEFFICIENT`]. (Its settings are checked by [`FeatureParams`]' guard.)
    pub(crate) fn validate(&self) -> Result<(), String> {
        match self
            .idf
            .iter()
            .position(|&idf| !(idf.is_finite() && (MIN_IDF..=MAX_COEFFICIENT).contains(&idf)))
        {
            Some(column) => Err(format!(
                "the IDF weight of `{}` is {:?}; expected a number from {MIN_IDF} to \
                 {MAX_COEFFICIENT:e}",
                self.terms[column], self.idf[column]
            )),
            None => Ok(()),
        }
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
            weighing: Vec::new(),
            matchers,
        };
        let (index, weighing) = rayon::join(|| TermIndex::new(&space.terms), || space.weighing());
        (space.index, space.weighing) = (index, weighing);
        Ok(space)
    }

    /// Rebuilds the lookup tables that are not saved; call after deserialising.
    pub(crate) fn prepare(&mut self) -> Result<(), String> {
        if self.terms.len() != self.idf.len() {
            return Err(format!(
                "{} feature terms but {} IDF weights",
                self.terms.len(),
                self.idf.len()
            ));
        }
        // Side by side: loading a model is most of the time to a first answer.
        let ((index, weighing), matchers) = rayon::join(
            || rayon::join(|| TermIndex::new(&self.terms), || self.weighing()),
            || Self::matchers_of(&self.actors),
        );
        (self.index, self.weighing, self.matchers) = (index, weighing, matchers);
        Ok(())
    }

    fn build_index(&mut self) {
        self.index = TermIndex::new(&self.terms);
        self.weighing = self.weighing();
    }

    fn weighing(&self) -> Vec<(f64, TermKind)> {
        let kinds = self.terms.iter().map(|term| TermKind::of(term));
        self.idf.iter().copied().zip(kinds).collect()
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
            examples.len(),
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
            // Each task's rows go to one matrix of its own, with one set of buffers: nothing
            // is allocated for each run of examples.
            let runs: Vec<RowsBuilder> = block
                .par_chunk_by(|a, b| a.text == b.text && a.quote == b.quote)
                .try_fold(
                    || {
                        (
                            <(RefCell<Memo>, Vec<u32>, Vec<(usize, f64)>)>::default(),
                            rows.empty_like(),
                        )
                    },
                    |(mut buffers, mut built), run| {
                        let (memo, columns, row) = &mut buffers;
                        memo.get_mut().bound();
                        let shared = self.scan(&run[0], &unseen, memo, run.len());
                        for example in run {
                            columns.clear();
                            self.each_part(pipeline, example, &shared, |part, text| {
                                self.part_columns(part, &text, example.actor, &shared, columns)
                            })?;
                            self.weigh_into(columns, row);
                            built.push_row(row.iter().copied());
                        }
                        Ok::<_, Error>((buffers, built))
                    },
                )
                .map(|task| task.map(|(_, built)| built))
                .collect::<Result<_, Error>>()?;
            rows.reserve(
                runs.iter().map(|run| run.indptr.len() - 1).sum(),
                runs.iter().map(|run| run.indices.len()).sum(),
            );
            runs.into_iter().for_each(|run| rows.append(run));
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
        self.each_part(pipeline, example, shared, |part, text| {
            self.part_terms(part, &text.tokenized, example.actor, &mut |term, _| {
                emit(term);
                true
            })
        })
    }

    /// Masks and tokenises each part of `example` (its text, then its quote when that is
    /// apart from the text) and gives it to `visit`.
    fn each_part(
        &self,
        pipeline: &TextPipeline,
        example: &Example,
        shared: &Shared,
        mut visit: impl FnMut(TextPart, PartText),
    ) -> Result<(), Error> {
        // The placeholders themselves, without the spaces that set them off.
        let tokenize = |masked: Masked| {
            let placeholders: Vec<(usize, usize)> = masked
                .replacements
                .iter()
                .map(|r| (r.masked.0 + 1, r.masked.1 - 1))
                .collect();
            let mut memo = shared.memo.borrow_mut();
            let (tokenized, pieces) =
                pipeline.tokenize_around(&masked.text, &placeholders, &mut memo.tokens)?;
            Ok::<_, Error>(PartText {
                masked,
                tokenized,
                pieces,
            })
        };
        let masked = self.mask(example, example.text, example.mention, shared, &shared.text);
        visit(TextPart::Text, tokenize(masked)?);
        if let (Some(quote), Some(mentions)) = (example.quote, &shared.quote) {
            let masked = self.mask(example, quote, example.quote_mention, shared, mentions);
            visit(TextPart::Quote, tokenize(masked)?);
        }
        Ok(())
    }

    /// Where the actors are mentioned in `example`'s text and quote (the quote only when it
    /// is apart from the text); nothing when masking is off.
    fn scan<'s>(
        &'s self,
        example: &Example,
        unseen: &'s UnseenActors,
        memo: &'s RefCell<Memo>,
        examples: usize,
    ) -> Shared<'s> {
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
            memo,
            examples,
        }
    }

    /// The terms of one part of an example.
    fn part_terms(
        &self,
        part: TextPart,
        tokenized: &TokenizedText,
        actor: &str,
        emit: &mut impl FnMut(&str, TermSource) -> bool,
    ) {
        match part {
            TextPart::Text => terms::extract(tokenized, actor, &self.params.terms, emit),
            TextPart::Quote => terms::quote_terms(tokenized, &self.params.terms, emit),
        }
    }

    /// Gives the column of each term of one part of an example to `columns`: the terms
    /// [`Self::part_terms`] gives, found piece by piece where the part was tokenised in pieces.
    /// Each piece's own terms are looked up once for all the examples of `shared` (the actors
    /// of one statement, whose masked texts differ only in their placeholders); only the terms
    /// that reach across a placeholder's edge, and those that depend on the target, are
    /// looked up for each example.
    fn part_columns(
        &self,
        part: TextPart,
        text: &PartText,
        actor: &str,
        shared: &Shared,
        columns: &mut Vec<u32>,
    ) {
        let settings = &self.params.terms;
        let layout = match shared.examples > 1 {
            true => terms::Layout::of(&text.tokenized, &text.pieces),
            false => None, // nothing to share: finding the pieces' terms apart costs more
        };
        let mut memo = shared.memo.borrow_mut();
        let Memo {
            piece_columns,
            batch,
            ..
        } = &mut *memo;
        let Some(layout) = layout else {
            let mut lookups = self.lookups(batch, columns);
            self.part_terms(part, &text.tokenized, actor, &mut |term, _| {
                lookups.push(term)
            });
            return lookups.finish();
        };
        let cache = &mut piece_columns[part as usize];
        for piece in &text.pieces {
            let key = &text.masked.text[piece.text.0..piece.text.1];
            if let Some(found) = cache.get(key) {
                columns.extend_from_slice(found);
                continue;
            }
            let mut found = Vec::new();
            let mut lookups = self.lookups(batch, &mut found);
            let mut gather = |term: &str, _| lookups.push(term);
            let tokens = &text.tokenized.tokens[piece.tokens.0..piece.tokens.1];
            match part {
                TextPart::Text => {
                    let normalized =
                        &text.tokenized.normalized[piece.normalized.0..piece.normalized.1];
                    terms::piece_terms(tokens, normalized, settings, &mut gather)
                }
                TextPart::Quote => terms::quote_piece_terms(tokens, settings, &mut gather),
            }
            lookups.finish();
            columns.extend_from_slice(&found);
            cache.insert(key.into(), found);
        }
        let mut lookups = self.lookups(batch, columns);
        let mut gather = |term: &str, _| lookups.push(term);
        match part {
            TextPart::Text => {
                terms::extract_around(&text.tokenized, &layout, actor, settings, &mut gather)
            }
            TextPart::Quote => terms::quote_around(&text.tokenized, &layout, settings, &mut gather),
        }
        lookups.finish();
    }

    /// Lookups of terms in this space, their columns added to `columns`.
    fn lookups<'b>(&'b self, batch: &'b mut TermBatch, columns: &'b mut Vec<u32>) -> Lookups<'b> {
        batch.clear();
        Lookups {
            index: &self.index,
            terms: &self.terms,
            batch,
            columns,
        }
    }

    /// The row of one example with where each of its terms came from: for every column in the
    /// row, its value (as [`FeatureSpace::transform`] gives it), and the sources of its terms,
    /// which [`ExplainedRow::spans_of`] turns into byte ranges of the example's text and quote.
    pub(crate) fn explain_row(
        &self,
        pipeline: &TextPipeline,
        example: &Example,
    ) -> Result<ExplainedRow, Error> {
        let unseen = self.unseen(std::slice::from_ref(example));
        let memo = RefCell::default();
        let shared = self.scan(example, &unseen, &memo, 1);
        let mut columns = Vec::new();
        let mut sources = Vec::new();
        let mut parts = Vec::new();
        self.each_part(pipeline, example, &shared, |part, text| {
            self.part_terms(part, &text.tokenized, example.actor, &mut |term, source| {
                let Some(column) = self.index.column(term, &self.terms) else {
                    return false;
                };
                columns.push(column);
                sources.push((column, part, source));
                true
            });
            parts.push((part, text));
        })?;
        sources.sort_by_key(|&(column, ..)| column);
        let terms = self
            .weigh(&mut columns)
            .into_iter()
            .map(|(column, value)| TermUse { column, value })
            .collect();
        Ok(ExplainedRow {
            terms,
            sources,
            parts,
        })
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
    fn weigh(&self, columns: &mut [u32]) -> Vec<(usize, f64)> {
        let mut row = Vec::new();
        self.weigh_into(columns, &mut row);
        row
    }

    /// [`Self::weigh`] into `row`, which it empties first.
    fn weigh_into(&self, columns: &mut [u32], row: &mut Vec<(usize, f64)>) {
        // Where the row's weights are read from: on its own (8 bytes a column, half the
        // memory of the weights beside their kinds) unless kinds are normalised apart. Each is
        // read before the columns are put in order, reads that wait on nothing and run side
        // by side, so that the loop after it, whose branches cut short the reads started
        // ahead, finds them in the cache: reading them there was a tenth of `predict`'s time
        // on tweets.
        let weight = |column: usize| match self.params.kind_norm {
            true => self.weighing[column].0,
            false => self.idf[column],
        };
        row.clear();
        let mut push = |column: u32, n: u32| {
            let column = column as usize;
            // 1 + ln 1 is exactly 1: most terms occur once, and skip the logarithm.
            let tf = match n {
                1 => 1.0,
                n => 1.0 + f64::from(n).ln(),
            };
            row.push((column, tf * weight(column)));
        };
        if columns.len() <= SORTED_ROW_COLUMNS {
            let touched = columns
                .iter()
                .fold(0, |seen, &column| seen ^ weight(column as usize).to_bits());
            std::hint::black_box(touched);
            columns.sort_unstable();
            for run in columns.chunk_by(|a, b| a == b) {
                push(run[0], run.len() as u32);
            }
        } else {
            ColumnCounts::with(self.len(), |counts| {
                let mut touched = 0;
                for &column in columns.iter() {
                    if counts.add(column) {
                        touched ^= weight(column as usize).to_bits();
                    }
                }
                std::hint::black_box(touched);
                counts.drain(&mut push);
            });
        }
        if self.params.kind_norm {
            let mut squares = [0.0; TermKind::COUNT];
            for &(column, value) in row.iter() {
                squares[self.weighing[column].1 as usize] += value * value;
            }
            // Every kind in the row has a positive length: each weight is at least 1.
            for (column, value) in row.iter_mut() {
                *value /= squares[self.weighing[*column].1 as usize].sqrt();
            }
        }
        let norm = row.iter().map(|(_, v)| v * v).sum::<f64>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|(_, v)| *v /= norm);
        }
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

    #[test]
    fn ngram_ranges_parse_and_print_as_the_flags_take_them() {
        let parse = |value: &str| parse_ngram_range(Param::WordNgrams, value);
        assert_eq!(parse("1-3").unwrap(), NgramRange::new(1, 3));
        assert_eq!(parse("2").unwrap(), NgramRange::new(2, 2));
        assert!(parse("0").unwrap().is_off());
        for bad in ["3-1", "0-2", "x", "1-99", ""] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        for range in [
            NgramRange::new(1, 3),
            NgramRange::new(2, 2),
            NgramRange::off(),
        ] {
            assert_eq!(parse(&range.to_string()).unwrap(), range);
        }
        assert_eq!(format!("[{:>4}]", NgramRange::new(1, 2)), "[ 1-2]");
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

    #[test]
    fn terms_that_share_a_fingerprint_are_told_apart_by_their_text() {
        let terms = ["w:a", "w:b", "w:c", "w:d"].map(String::from);
        let index = TermIndex::of_fingerprints([7, 9, 7, 7].into_iter());
        assert_eq!(index.column_of(9, || "w:b", &terms), Some(1));
        assert_eq!(index.column_of(7, || "w:a", &terms), Some(0));
        assert_eq!(index.column_of(7, || "w:c", &terms), Some(2));
        assert_eq!(index.column_of(7, || "w:d", &terms), Some(3));
        assert_eq!(index.column_of(7, || "w:e", &terms), None);
        assert_eq!(index.column_of(8, || "w:a", &terms), None);
        let shared = TermBatch {
            fingerprints: vec![7, 7, 9, 7],
            text: "w:dw:ew:bw:a".into(),
            ends: vec![3, 6, 9, 12],
        };
        let mut columns = Vec::new();
        index.resolve(&shared, &terms, &mut columns);
        assert_eq!(columns, [3, 1, 0]);
        // The real fingerprints find every term of a space.
        let index = TermIndex::new(&terms);
        for (column, term) in (0u32..).zip(&terms) {
            assert_eq!(index.column(term, &terms), Some(column));
        }
        assert_eq!(index.column("w:e", &terms), None);
        // A batch gives the same columns, in its order, and each of its terms back.
        let mut batch = TermBatch::default();
        for term in ["w:c", "w:e", "w:a", "", "w:c"] {
            assert!(batch.push(term, true));
        }
        assert_eq!(
            (batch.term(0), batch.term(3), batch.term(4)),
            ("w:c", "", "w:c")
        );
        let mut columns = vec![9];
        index.resolve(&batch, &terms, &mut columns);
        assert_eq!(columns, [9, 2, 0, 2]);
    }

    #[test]
    fn lookups_in_batches_give_every_column_in_order() {
        let terms: Vec<String> = (0..10).map(|i| format!("w:{i}")).collect();
        let index = TermIndex::new(&terms);
        let (mut batch, mut columns) = (TermBatch::default(), Vec::new());
        let mut lookups = Lookups {
            index: &index,
            terms: &terms,
            batch: &mut batch,
            columns: &mut columns,
        };
        // More than two batches, some terms outside the space.
        let asked: Vec<String> = (0..2 * Lookups::BATCH + 7)
            .map(|i| format!("w:{}", i % 13))
            .collect();
        for term in &asked {
            assert!(lookups.push(term));
        }
        lookups.finish();
        let expected: Vec<u32> = asked
            .iter()
            .filter_map(|term| index.column(term, &terms))
            .collect();
        assert_eq!(columns, expected);
        assert!(batch.fingerprints.is_empty());
    }

    #[test]
    fn the_shipped_models_terms_have_fingerprints_of_their_own() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let model = crate::persist::load(&root.join("models/default")).unwrap();
        let (index, terms) = (&model.features.index, model.features.terms());
        assert_eq!(index.fingerprints(), terms.len());
        assert!(index.shared.is_empty());
    }

    /// The rows of `examples` with every part's terms made from the whole part, one example at
    /// a time: what [`FeatureSpace::transform`]'s piece-by-piece path must give.
    fn rows_made_whole(
        space: &FeatureSpace,
        pipeline: &TextPipeline,
        examples: &[Example],
    ) -> FeatureMatrix {
        let mut rows = RowsBuilder::new(space.len()).unwrap();
        for example in examples {
            let unseen = space.unseen(std::slice::from_ref(example));
            let memo = RefCell::default();
            let shared = space.scan(example, &unseen, &memo, 1);
            let mut columns = Vec::new();
            space
                .each_term(pipeline, example, &shared, &mut |term| {
                    columns.extend(space.index.column(term, &space.terms))
                })
                .unwrap();
            rows.push_row(space.weigh(&mut columns));
        }
        rows.finish().unwrap()
    }

    /// Statements with their actors as articles give them: one example per actor, the others
    /// named as other actors, a quote inside its context, an alias for some.
    fn statement_examples<'a>(
        statements: &'a [(&'a str, &'a str)],
        actors: &'a [String],
        aliases: &'a [String],
    ) -> Vec<Example<'a>> {
        statements
            .iter()
            .flat_map(|&(text, quote)| {
                actors.iter().map(move |actor| Example {
                    text,
                    quote: Some(quote),
                    actor,
                    mention: None,
                    quote_mention: None,
                    other_actors: actors,
                    target_aliases: if actor == "ICE" { aliases } else { &[] },
                })
            })
            .collect()
    }

    #[test]
    fn terms_found_piece_by_piece_give_the_rows_of_whole_texts() {
        let statements = [
            (
                "Mamdani said ICE was \"a rogue agency\" and that Trump, not ICE, should answer.",
                "a rogue agency",
            ),
            (
                "\"We will work with the president,\" Mamdani said of Trump's (ICE) plans.",
                "We will work with the president,",
            ),
            (
                "The agency's officers met NYPD officers; ICE declined.",
                "ICE declined",
            ),
            (
                "ICE ICE Trump-Mamdani  talks:\tMamdani\u{a0}wins",
                "Mamdani wins",
            ),
            (
                "Ｔｒｕｍｐ calls Mamdani a “communist” — again",
                "a “communist”",
            ),
        ];
        let texts: Vec<&str> = statements.iter().flat_map(|&(t, q)| [t, q]).collect();
        let pipeline = TextPipeline::train(&texts, 1).unwrap();
        let actors = ["ICE", "Zohran Mamdani", "Donald Trump", "NYPD"].map(String::from);
        let aliases = ["the agency".to_string()];
        let examples = statement_examples(&statements, &actors, &aliases);
        let params = FeatureParams {
            min_df: 1,
            ..FeatureParams::default()
        };
        // Fitted on some of the actors, so the others are unseen ones.
        let space = params.fit(&pipeline, &examples[..6]).unwrap();
        assert_eq!(
            space.transform(&pipeline, &examples).unwrap(),
            rows_made_whole(&space, &pipeline, &examples)
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        #[test]
        fn any_statement_gives_the_rows_of_its_whole_texts(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "ICE", "ICE's", "Mamdani", "(Trump)", "Trump,", "said", "\"", "good",
                    "bad", "the", " ", "\n", "—", "Ｉ", "É", "agency", "NYPD", "x1",
                ]),
                1..40,
            ),
            quote_from in 0usize..40,
            quote_len in 0usize..20,
        ) {
            let text = words.join(" ");
            let tokens: Vec<&str> = text.split(' ').collect();
            let from = quote_from.min(tokens.len() - 1);
            let to = (from + quote_len).clamp(from + 1, tokens.len());
            let quote = tokens[from..to].join(" ");
            let statements = [(text.as_str(), quote.as_str())];
            let pipeline = TextPipeline::train(&[text.as_str(), "ice trump said"], 1).unwrap();
            let actors = ["ICE", "Zohran Mamdani", "Donald Trump"].map(String::from);
            let aliases = ["the agency".to_string()];
            let examples = statement_examples(&statements, &actors, &aliases);
            let params = FeatureParams { min_df: 1, ..FeatureParams::default() };
            let space = params.fit(&pipeline, &examples[..2]).unwrap();
            proptest::prop_assert_eq!(
                space.transform(&pipeline, &examples).unwrap(),
                rows_made_whole(&space, &pipeline, &examples)
            );
        }
    }

    #[test]
    fn an_idf_no_training_set_gives_is_invalid() {
        let texts = ["the union won", "the union lost"];
        let pipeline = TextPipeline::train(&texts, 1).unwrap();
        let mut space = words_only()
            .fit(&pipeline, &examples(&texts, "union"))
            .unwrap();
        space.validate().unwrap();
        assert!(space.idf.iter().all(|&idf| idf >= MIN_IDF));
        for bad in [1e308, f64::NAN, 0.0, -1.0, 0.5, 7e-311] {
            space.idf[0] = bad;
            let err = space.validate().unwrap_err();
            assert!(err.contains("IDF weight"), "{err}");
        }
    }
}
