//! The settings a caller gives, one [`Param`] each, and the limits every setting is checked
//! against. An error about a setting carries its `Param`, and each front end names it its own
//! way ([`Naming`]): the command line as a flag (`--max-iter`), the Python package as a keyword
//! (`max_iter`), the library by the field's name in [`crate::TrainParams`] and the model file.

use std::fmt;

/// The longest n-gram any kind of term may have. A model file asking for more is refused: the
/// number of terms of a text grows with it.
pub const MAX_NGRAM: usize = 8;

/// The widest `target_window` (tokens on each side of a mention of the actor).
pub const MAX_TARGET_WINDOW: usize = 50;

/// A head's temperature, as `ln T`: calibration searches this range (1/20 to 20), and a model
/// file outside it is refused (at 0, or near it, every probability is 0 or 1, or NaN).
pub const LN_TEMPERATURE_RANGE: (f64, f64) = (-3.0, 3.0);

/// The largest magnitude of a weight, an intercept or an IDF in a model file. Trained values
/// are many orders below it; above it the sums of a row could overflow to infinity.
pub const MAX_COEFFICIENT: f64 = 1e9;

/// The smallest IDF weight: the smoothed IDF training computes, `ln((1 + n) / (1 + df)) + 1`,
/// is never below 1. A model file with less is refused: a weight near 0 (a subnormal, say)
/// makes a kind's norm 0 and the row's values, divided by it, not numbers.
pub const MIN_IDF: f64 = 1.0;

/// A setting of reading, training, tuning or predicting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Param {
    /// Inverse regularisation strength.
    C,
    /// Most solver iterations.
    MaxIter,
    /// The solver's stopping tolerance.
    Tolerance,
    /// The optimiser.
    Solver,
    /// Row weighting.
    ClassWeight,
    /// Fewest rows for an actor's own model.
    MinActorRows,
    /// Word n-gram lengths.
    WordNgrams,
    /// Character n-gram lengths.
    CharNgrams,
    /// The quote's own word n-gram lengths.
    QuoteNgrams,
    /// Side-of-target n-gram lengths.
    SideNgrams,
    /// Word n-gram ranges cross-validation tries.
    GridWordNgrams,
    /// Character n-gram ranges cross-validation tries.
    GridCharNgrams,
    /// Side-of-target n-gram ranges cross-validation tries.
    GridSideNgrams,
    /// Tokens around a mention of the actor that get position-marked terms.
    TargetWindow,
    /// Fewest training rows a term must be seen in.
    MinDf,
    /// Fewest occurrences of a word in the tokeniser's vocabulary.
    VocabMinFrequency,
    /// A head's temperature.
    Temperature,
    /// Folds of cross-validation.
    Cv,
    /// The score cross-validation maximises.
    CvMetric,
    /// Bootstrap resamples of an evaluation.
    Bootstrap,
    /// Predictions below this confidence are left out.
    MinConfidence,
    /// The text column.
    TextColumn,
    /// The actor column.
    ActorColumn,
    /// Which rows of the split column to read.
    Split,
    /// The split column.
    SplitColumn,
    /// The two columns marking a mention.
    MentionColumns,
    /// The text encoding of input files.
    Encoding,
    /// The field delimiter of input files.
    Delimiter,
}

/// How a front end names a [`Param`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Naming {
    /// The field's name, `max_iter`.
    #[default]
    Field,
    /// The command line's flag, `--max-iter`.
    Flag,
    /// A keyword argument, `max_iter=`.
    Keyword,
}

impl Param {
    /// The setting's field name, as in [`crate::TrainParams`] and the model file.
    pub fn name(self) -> &'static str {
        match self {
            Param::C => "c",
            Param::MaxIter => "max_iter",
            Param::Tolerance => "tolerance",
            Param::Solver => "solver",
            Param::ClassWeight => "class_weight",
            Param::MinActorRows => "min_actor_rows",
            Param::WordNgrams => "word_ngrams",
            Param::CharNgrams => "char_ngrams",
            Param::QuoteNgrams => "quote_ngrams",
            Param::SideNgrams => "side_ngrams",
            Param::GridWordNgrams => "grid_word_ngrams",
            Param::GridCharNgrams => "grid_char_ngrams",
            Param::GridSideNgrams => "grid_side_ngrams",
            Param::TargetWindow => "target_window",
            Param::MinDf => "min_df",
            Param::VocabMinFrequency => "vocab_min_frequency",
            Param::Temperature => "temperature",
            Param::Cv => "cv",
            Param::CvMetric => "cv_metric",
            Param::Bootstrap => "bootstrap",
            Param::MinConfidence => "min_confidence",
            Param::TextColumn => "text_column",
            Param::ActorColumn => "actor_column",
            Param::Split => "split",
            Param::SplitColumn => "split_column",
            Param::MentionColumns => "mention_columns",
            Param::Encoding => "encoding",
            Param::Delimiter => "delimiter",
        }
    }

    /// The setting as `naming` writes it.
    pub fn named(self, naming: Naming) -> String {
        match naming {
            Naming::Field => self.name().to_string(),
            Naming::Flag => format!("--{}", self.name().replace('_', "-")),
            Naming::Keyword => format!("{}=", self.name()),
        }
    }
}

impl Param {
    /// The setting given `value`, as `naming` writes it: `--delimiter semicolon`,
    /// `delimiter="semicolon"`, `delimiter = semicolon`.
    pub fn given(self, naming: Naming, value: &str) -> String {
        match naming {
            Naming::Field => format!("{} = {value}", self.name()),
            Naming::Flag => format!("{} {value}", self.named(naming)),
            Naming::Keyword => format!("{}\"{value}\"", self.named(naming)),
        }
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_front_end_has_its_name() {
        assert_eq!(Param::MaxIter.named(Naming::Field), "max_iter");
        assert_eq!(Param::MaxIter.named(Naming::Flag), "--max-iter");
        assert_eq!(Param::MaxIter.named(Naming::Keyword), "max_iter=");
        assert_eq!(Param::C.named(Naming::Flag), "--c");
        assert_eq!(
            Param::Encoding.given(Naming::Flag, "latin1"),
            "--encoding latin1"
        );
        assert_eq!(
            Param::Encoding.given(Naming::Keyword, "latin1"),
            "encoding=\"latin1\""
        );
    }
}
