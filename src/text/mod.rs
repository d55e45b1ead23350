//! Stage 3: text to tokens.
//!
//! This is the only module that imports the `tokenizers` crate. A [`TextPipeline`] is a
//! `tokenizers` pipeline (NFKC + lowercase normaliser, BERT-style pre-tokeniser, word-level
//! vocabulary trained on the training text with a minimum frequency and `[UNK]`) that is saved
//! as `tokenizer.json` in the model folder and reloaded by `evaluate` and `predict`, so the
//! words a model was trained on are the words it sees later. The pipeline runs once for each
//! distinct word a thread meets (the runs of text between plain spaces, which no step of it
//! looks across), and a text is put together from its words.

use std::cell::RefCell;
use std::path::Path;

use tokenizers::models::wordlevel::{WordLevel, WordLevelTrainer};
use tokenizers::models::TrainerWrapper;
use tokenizers::normalizer::Range as NormalizedRange;
use tokenizers::normalizers::{Lowercase, Sequence, NFKC};
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::{
    AddedToken, DecoderWrapper, Model, ModelWrapper, NormalizedString, Normalizer,
    NormalizerWrapper, OffsetReferential, OffsetType, PostProcessorWrapper, PreTokenizedString,
    PreTokenizer, PreTokenizerWrapper, Tokenizer, TokenizerBuilder,
};

use hashbrown::hash_map::EntryRef;
use rustc_hash::{FxBuildHasher, FxHashMap};
use thread_local::ThreadLocal;

use crate::error::Error;

/// The token every out-of-vocabulary word maps to.
pub const UNKNOWN_TOKEN: &str = "[UNK]";
/// Placeholder that replaces mentions of the actor a row is about.
pub const TARGET_TOKEN: &str = "[TARGET]";
/// Placeholder that replaces mentions of any other known actor.
pub const OTHER_ACTOR_TOKEN: &str = "[OTHER]";

/// A token or word of a [`TokenizedText`]: shared, so a text put together from pieces
/// tokenised before (`TextPipeline::tokenize_around`) copies none of their words.
pub type Token = std::sync::Arc<str>;

/// A text after the tokeniser: the normalised string and its word tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenizedText {
    /// NFKC-normalised, lowercased text (placeholders lowercased too).
    pub normalized: String,
    /// Word tokens in order; out-of-vocabulary words are [`UNKNOWN_TOKEN`], placeholders stay
    /// whole ([`TARGET_TOKEN`], [`OTHER_ACTOR_TOKEN`]).
    pub tokens: Vec<Token>,
    /// The words behind `tokens`, one each, lowercased: an out-of-vocabulary word is itself
    /// here, so features that need no vocabulary (a sentiment lexicon) still see it.
    pub words: Vec<Token>,
    /// The byte range of the tokenised text each token came from, one per token.
    pub offsets: Vec<(usize, usize)>,
}

impl TokenizedText {
    /// Appends `piece`, a text tokenised on its own that starts at byte `at` of the text this
    /// one is of: its normalised text, its tokens and words, its offsets moved by `at`.
    fn append(&mut self, piece: &TokenizedText, at: usize) {
        self.normalized.push_str(&piece.normalized);
        self.tokens.extend_from_slice(&piece.tokens);
        self.words.extend_from_slice(&piece.words);
        let shift = |(start, end): (usize, usize)| (start + at, end + at);
        self.offsets
            .extend(piece.offsets.iter().copied().map(shift));
    }
}

/// Where one piece tokenised on its own sits in the text [`TextPipeline::tokenize_around`]
/// gives: the piece's tokens and normalised text are exactly what it gives alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Piece {
    /// Its byte range of the text given.
    pub text: (usize, usize),
    /// Its byte range of [`TokenizedText::normalized`].
    pub normalized: (usize, usize),
    /// Its range of [`TokenizedText::tokens`].
    pub tokens: (usize, usize),
}

/// Pieces of text already tokenised, by their text; see [`TextPipeline::tokenize_around`].
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    pieces: FxHashMap<Box<str>, TokenizedText>,
}

impl TokenCache {
    /// How many pieces it holds.
    pub fn len(&self) -> usize {
        self.pieces.len()
    }
}

/// A trained `tokenizers` pipeline.
#[derive(Debug)]
pub struct TextPipeline {
    tokenizer: Tokenizer,
    /// Every word of the vocabulary (added tokens included) as a shared token, by its id: a
    /// known word costs a tokenised text no allocation.
    vocabulary: Vec<Token>,
    /// The words each thread has tokenised ([`TextPipeline::tokenize`]), by their text.
    words: ThreadLocal<RefCell<Words>>,
    /// A character every added token holds (`[` of `[UNK]`, `[TARGET]`, …), if there is one:
    /// a word without it, normalised or not, holds no added token.
    added_mark: Option<char>,
}

/// Words tokenised, by their text: at most [`TextPipeline::MAX_WORDS`] of them.
type Words = hashbrown::HashMap<String, TokenizedText, FxBuildHasher>;

impl Clone for TextPipeline {
    fn clone(&self) -> Self {
        Self::of(self.tokenizer.clone())
    }
}

impl TextPipeline {
    /// How many words a thread remembers; it forgets them all when it has more.
    const MAX_WORDS: usize = 1 << 16;

    /// Trains the word-level vocabulary on `texts`, keeping words seen at least
    /// `min_frequency` times.
    pub fn train<S: AsRef<str> + Send + Sync>(
        texts: &[S],
        min_frequency: u64,
    ) -> Result<Self, Error> {
        let model = WordLevel::builder()
            .unk_token(UNKNOWN_TOKEN.to_string())
            .build()
            .map_err(tokenizer_error)?;
        let mut tokenizer: Tokenizer = TokenizerBuilder::<
            ModelWrapper,
            NormalizerWrapper,
            PreTokenizerWrapper,
            PostProcessorWrapper,
            DecoderWrapper,
        >::new()
        .with_model(model.into())
        .with_normalizer(Some(
            Sequence::new(vec![NFKC.into(), Lowercase.into()]).into(),
        ))
        .with_pre_tokenizer(Some(BertPreTokenizer.into()))
        .build()
        .map_err(tokenizer_error)?
        .into();
        // The placeholders are special tokens so the pre-tokeniser never splits them.
        let special = [UNKNOWN_TOKEN, TARGET_TOKEN, OTHER_ACTOR_TOKEN]
            .map(|token| AddedToken::from(token, true))
            .to_vec();
        let mut trainer: TrainerWrapper = WordLevelTrainer::builder()
            .min_frequency(min_frequency)
            .show_progress(false)
            .special_tokens(special.clone())
            .build()
            .map_err(tokenizer_error)?
            .into();
        tokenizer
            .train(&mut trainer, texts.iter().map(AsRef::as_ref))
            .map_err(tokenizer_error)?;
        tokenizer.add_special_tokens(&special);
        Ok(Self::of(tokenizer))
    }

    /// Loads a pipeline saved by [`TextPipeline::save`].
    ///
    /// A file whose word ids are not `0..n` for its `n` words, or whose vocabulary lacks
    /// [`UNKNOWN_TOKEN`], [`TARGET_TOKEN`] or [`OTHER_ACTOR_TOKEN`], is refused as corrupt:
    /// the ids index a table of the words (an id of four billion would ask for that many),
    /// every unseen word maps to the unknown token, and the placeholders mask the actors.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let bytes = std::fs::read(path).map_err(|err| Error::io(path, err))?;
        Self::from_bytes(path, &bytes)
    }

    /// The pipeline of the `tokenizer.json` whose bytes are `bytes`; `path` names it in errors.
    pub(crate) fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Self, Error> {
        let corrupt = |message: String| Error::CorruptModel {
            path: path.to_path_buf(),
            message,
        };
        // The crate's deserialisers panic on some malformed parts (a decoder cut short, a
        // precompiled normaliser that does not parse) instead of failing.
        let tokenizer = std::panic::catch_unwind(|| Tokenizer::from_bytes(bytes))
            .map_err(|_| corrupt("the tokeniser's configuration does not parse".into()))?
            .map_err(|err| corrupt(err.to_string()))?;
        let words = tokenizer.get_vocab(true);
        if let Some((word, id)) = words.iter().find(|(_, &id)| id as usize >= words.len()) {
            return Err(corrupt(format!(
                "the word {word:?} has id {id}, beyond the vocabulary's {} words",
                words.len()
            )));
        }
        if tokenizer.get_model().token_to_id(UNKNOWN_TOKEN).is_none() {
            return Err(corrupt(format!("the vocabulary has no {UNKNOWN_TOKEN}")));
        }
        // The placeholders must be whole tokens, never split by the pre-tokeniser.
        for token in [TARGET_TOKEN, OTHER_ACTOR_TOKEN] {
            if tokenizer.token_to_id(token).is_none() {
                return Err(corrupt(format!("the vocabulary has no {token}")));
            }
        }
        Ok(Self::of(tokenizer))
    }

    fn of(tokenizer: Tokenizer) -> Self {
        let words = tokenizer.get_vocab(true);
        let mut vocabulary =
            vec![Token::from(""); words.values().max().map_or(0, |&id| id + 1) as usize];
        for (word, id) in words {
            vocabulary[id as usize] = word.into();
        }
        let added: Vec<String> = tokenizer
            .get_added_tokens_decoder()
            .into_values()
            .map(|token| token.content)
            .collect();
        let added_mark = added
            .first()
            .and_then(|first| first.chars().find(|&c| added.iter().all(|a| a.contains(c))));
        TextPipeline {
            tokenizer,
            vocabulary,
            words: ThreadLocal::new(),
            added_mark,
        }
    }

    /// Writes the pipeline as `tokenizer.json`.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        self.tokenizer.save(path, true).map_err(|err| Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(err.to_string()),
        })
    }

    /// Number of entries in the word vocabulary, special tokens included.
    pub fn vocab_size(&self) -> usize {
        self.tokenizer.get_vocab_size(true)
    }

    /// Normalises and tokenises one text.
    ///
    /// The text is put together from its words: the runs of text between plain spaces (U+0020),
    /// each tokenised on its own (`tokenize_whole`) and once for all the texts this
    /// thread tokenises. Words recur, so most of a text is found among them.
    ///
    /// The result is what the whole text gives because each step of the pipeline stays within
    /// a word: the normaliser leaves a plain space as it is and composes nothing across it
    /// (NFKC composes a mark only with the starter before it, and no character composes with a
    /// space; the lowercasing maps one character at a time), the pre-tokeniser drops the space
    /// and splits at it, and no added token holds a space. Tests compare the two on every
    /// fixture and on generated texts.
    pub fn tokenize(&self, text: &str) -> Result<TokenizedText, Error> {
        let mut words = self.words.get_or_default().borrow_mut();
        if words.len() > Self::MAX_WORDS {
            words.clear();
        }
        // A token a word, and room for as many again (punctuation is split off).
        let tokens = 2 * (text.bytes().filter(|&b| b == b' ').count() + 1);
        let mut whole = TokenizedText {
            normalized: String::with_capacity(text.len()),
            tokens: Vec::with_capacity(tokens),
            words: Vec::with_capacity(tokens),
            offsets: Vec::with_capacity(tokens),
        };
        let mut start = 0;
        for word in text.split(' ') {
            if start > 0 {
                whole.normalized.push(' ');
            }
            if !word.is_empty() {
                let tokenized = match words.entry_ref(word) {
                    EntryRef::Occupied(entry) => entry.into_mut(),
                    EntryRef::Vacant(entry) => entry.insert(self.tokenize_whole(word)?),
                };
                whole.append(tokenized, start);
            }
            start += word.len() + 1;
        }
        Ok(whole)
    }

    /// `text` normalised as one piece, if it holds no added token before or after the
    /// normaliser (then it is what the added vocabulary's split gives, without the two
    /// searches for added tokens that cost more than the normaliser); `None` if it may hold
    /// one.
    fn normalize_plain(&self, text: &str) -> Result<Option<PreTokenizedString>, Error> {
        let Some(mark) = self.added_mark.filter(|&mark| !text.contains(mark)) else {
            return Ok(None);
        };
        let mut normalized = NormalizedString::from(text);
        if let Some(normalizer) = self.tokenizer.get_normalizer() {
            normalizer
                .normalize(&mut normalized)
                .map_err(tokenizer_error)?;
        }
        Ok((!normalized.get().contains(mark)).then(|| normalized.into()))
    }

    /// Normalises and tokenises one text in one pass of the pipeline.
    ///
    /// The pipeline's own steps run one after another (the added tokens split off, the
    /// normaliser, the pre-tokeniser, the vocabulary), which is what `Tokenizer::encode` does
    /// without building an `Encoding`; the normalised text comes from the same pass instead of
    /// a second one. A test compares the two on generated texts ([`Self::tokenize_by_encode`]).
    fn tokenize_whole(&self, text: &str) -> Result<TokenizedText, Error> {
        let tokenizer = &self.tokenizer;
        let mut pieces = match self.normalize_plain(text)? {
            Some(pieces) => pieces,
            None => tokenizer
                .get_added_vocabulary()
                .extract_and_normalize(tokenizer.get_normalizer(), text),
        };
        // The whole text normalised: the normalised pieces, and the added tokens (kept as they
        // are written) normalised on their own; nothing composes across their edges.
        let mut normalized = String::with_capacity(text.len());
        for (piece, _, added) in pieces.get_splits(OffsetReferential::Normalized, OffsetType::Byte)
        {
            match (added, tokenizer.get_normalizer()) {
                (Some(_), Some(normalizer)) => {
                    let mut token = NormalizedString::from(piece);
                    normalizer.normalize(&mut token).map_err(tokenizer_error)?;
                    normalized.push_str(token.get());
                }
                _ => normalized.push_str(piece),
            }
        }
        if let Some(pre_tokenizer) = tokenizer.get_pre_tokenizer() {
            pre_tokenizer
                .pre_tokenize(&mut pieces)
                .map_err(tokenizer_error)?;
        }
        let model = tokenizer.get_model();
        let splits = pieces.get_splits(OffsetReferential::Original, OffsetType::Byte);
        let mut tokenized = TokenizedText {
            normalized,
            tokens: Vec::with_capacity(splits.len()),
            words: Vec::with_capacity(splits.len()),
            offsets: Vec::with_capacity(splits.len()),
        };
        let unknown = &self.vocabulary[model
            .token_to_id(UNKNOWN_TOKEN)
            .ok_or_else(|| tokenizer_error(format!("the vocabulary has no {UNKNOWN_TOKEN}")))?
            as usize];
        let known = |id: u32| &self.vocabulary[id as usize];
        for (word, (start, end), added) in splits {
            let mut push = |token: &Token| {
                // An unknown word as the text wrote it, lowercased, so features that need no
                // vocabulary (a sentiment lexicon) still see it.
                let word = match text.get(start..end) {
                    Some(word) if token == unknown => word.to_lowercase().into(),
                    _ => token.clone(),
                };
                tokenized.tokens.push(token.clone());
                tokenized.words.push(word);
                tokenized.offsets.push((start, end));
            };
            match added {
                Some(added) => added.iter().for_each(|token| push(known(token.id))),
                None => push(model.token_to_id(word).map_or(unknown, known)),
            }
        }
        Ok(tokenized)
    }

    /// What [`Self::tokenize`] gives for `text`, in which the byte ranges `placeholders`
    /// (sorted) each hold an added token set off by white space: the pieces between them are
    /// tokenised on their own, and each piece once for all the texts tokenised with the same
    /// `cache`. The texts of one statement masked for each of its actors differ only in their
    /// placeholders, so they share every piece.
    ///
    /// The result is the same because the added tokens are split off first and each piece
    /// between them goes through the normaliser and the pre-tokeniser on its own; a
    /// placeholder not as described is tokenised with the whole text. Beside the text comes
    /// where each piece (the placeholders included) sits in it, so what depends on a piece
    /// alone can be shared too; none when the text was tokenised whole.
    pub(crate) fn tokenize_around(
        &self,
        text: &str,
        placeholders: &[(usize, usize)],
        cache: &mut TokenCache,
    ) -> Result<(TokenizedText, Vec<Piece>), Error> {
        let set_off = |&(start, end): &(usize, usize)| {
            let before = text[..start].chars().next_back();
            let after = text.get(end..).and_then(|rest| rest.chars().next());
            text.get(start..end).is_some_and(|token| {
                self.tokenizer
                    .get_added_vocabulary()
                    .is_special_token(token)
            }) && before.is_none_or(char::is_whitespace)
                && after.is_none_or(char::is_whitespace)
        };
        let sorted = placeholders.windows(2).all(|pair| pair[0].1 <= pair[1].0);
        if placeholders.is_empty() || !sorted || !placeholders.iter().all(set_off) {
            return Ok((self.tokenize(text)?, Vec::new()));
        }
        // The pieces: the text before each placeholder, the placeholder, the text after the last.
        let mut ranges = Vec::with_capacity(2 * placeholders.len() + 1);
        let mut cursor = 0;
        for &(start, end) in placeholders {
            ranges.extend([(cursor, start), (start, end)]);
            cursor = end;
        }
        ranges.push((cursor, text.len()));
        ranges.retain(|&(start, end)| start < end);
        let (mut normalized, mut tokens) = (0, 0);
        for &(start, end) in &ranges {
            let piece = &text[start..end];
            if !cache.pieces.contains_key(piece) {
                let tokenized = self.tokenize(piece)?;
                cache.pieces.insert(piece.into(), tokenized);
            }
            let tokenized = &cache.pieces[piece];
            (normalized, tokens) = (
                normalized + tokenized.normalized.len(),
                tokens + tokenized.tokens.len(),
            );
        }
        let mut pieces = Vec::with_capacity(ranges.len());
        let mut whole = TokenizedText {
            normalized: String::with_capacity(normalized),
            tokens: Vec::with_capacity(tokens),
            words: Vec::with_capacity(tokens),
            offsets: Vec::with_capacity(tokens),
        };
        for piece_range in ranges {
            let tokenized = &cache.pieces[&text[piece_range.0..piece_range.1]];
            pieces.push(Piece {
                text: piece_range,
                normalized: (
                    whole.normalized.len(),
                    whole.normalized.len() + tokenized.normalized.len(),
                ),
                tokens: (
                    whole.tokens.len(),
                    whole.tokens.len() + tokenized.tokens.len(),
                ),
            });
            whole.append(tokenized, piece_range.0);
        }
        Ok((whole, pieces))
    }

    /// What [`Self::tokenize`] gives, through `Tokenizer::encode` and a second pass of the
    /// normaliser: the reference its tests compare with.
    #[cfg(test)]
    fn tokenize_by_encode(&self, text: &str) -> Result<TokenizedText, Error> {
        let encoding = self
            .tokenizer
            .encode(text, false)
            .map_err(tokenizer_error)?;
        let mut normalized = NormalizedString::from(text);
        if let Some(normalizer) = self.tokenizer.get_normalizer() {
            normalizer
                .normalize(&mut normalized)
                .map_err(tokenizer_error)?;
        }
        // The offsets are byte ranges of `text`, so an unknown word is read back from it.
        let words = encoding
            .get_tokens()
            .iter()
            .zip(encoding.get_offsets())
            .map(|(token, &(start, end))| match text.get(start..end) {
                Some(word) if token == UNKNOWN_TOKEN => word.to_lowercase().into(),
                _ => Token::from(token.as_str()),
            })
            .collect();
        Ok(TokenizedText {
            normalized: normalized.get().to_string(),
            tokens: encoding
                .get_tokens()
                .iter()
                .map(|t| t.as_str().into())
                .collect(),
            words,
            offsets: encoding.get_offsets().to_vec(),
        })
    }

    /// The byte range of `text` that the byte range `start..end` of its normalised form came
    /// from (see [`TokenizedText::normalized`]), if it is one.
    /// To map many ranges of one text, build [`TextPipeline::normalized_offsets`] once.
    #[cfg(test)]
    pub(crate) fn original_range(
        &self,
        text: &str,
        start: usize,
        end: usize,
    ) -> Option<(usize, usize)> {
        self.normalized_offsets(text).original_range(start, end)
    }

    /// `text` normalised once, to map ranges of its normalised form back to it with
    /// [`NormalizedOffsets::original_range`]: normalising costs the whole text, and an
    /// explanation maps a range for each character n-gram of a row.
    pub(crate) fn normalized_offsets(&self, text: &str) -> NormalizedOffsets {
        let mut normalized = NormalizedString::from(text);
        let ok = match self.tokenizer.get_normalizer() {
            Some(normalizer) => normalizer.normalize(&mut normalized).is_ok(),
            None => true,
        };
        NormalizedOffsets(ok.then_some(normalized))
    }
}

/// A text normalised as [`TextPipeline`] normalises it, with where each byte of the normalised
/// form came from; see [`TextPipeline::normalized_offsets`].
pub(crate) struct NormalizedOffsets(Option<NormalizedString>);

impl NormalizedOffsets {
    /// The byte range of the text that the byte range `start..end` of its normalised form came
    /// from, if it is one (none, too, when the text could not be normalised).
    pub fn original_range(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let normalized = self.0.as_ref()?;
        let range = normalized.convert_offsets(NormalizedRange::Normalized(start..end))?;
        Some((range.start, range.end))
    }
}

fn tokenizer_error(err: impl std::fmt::Display) -> Error {
    Error::Tokenizer {
        message: err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn pipeline() -> TextPipeline {
        let texts = [
            "ICE invited NYPD officers to join",
            "Trump called Mamdani a communist",
            "officers join ICE",
        ];
        TextPipeline::train(&texts, 2).unwrap()
    }

    fn strs(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| &**t).collect()
    }

    #[test]
    fn lowercases_and_maps_rare_words_to_unknown() {
        let tokenized = pipeline().tokenize("ＩＣＥ officers, join!").unwrap();
        // NFKC folds the full-width letters before lowercasing.
        assert_eq!(tokenized.normalized, "ice officers, join!");
        assert_eq!(
            strs(&tokenized.tokens),
            ["ice", "officers", "[UNK]", "join", "[UNK]"]
        );
        assert_eq!(
            strs(&tokenized.words),
            ["ice", "officers", ",", "join", "!"]
        );
        assert_eq!(tokenized.offsets[1], (10, 18));
    }

    #[test]
    fn normalised_ranges_map_back_to_the_original_bytes() {
        let text = "ＩＣＥ officers";
        let pipeline = pipeline();
        let normalized = pipeline.tokenize(text).unwrap().normalized;
        assert_eq!(&normalized[..3], "ice");
        // Each full-width letter is three bytes of the original.
        assert_eq!(pipeline.original_range(text, 0, 3), Some((0, 9)));
        assert_eq!(pipeline.original_range(text, 1, 2), Some((3, 6)));
        assert_eq!(pipeline.original_range(text, 4, 12), Some((10, 18)));
    }

    #[test]
    fn unknown_words_are_kept_whole_in_words_after_other_scripts() {
        // Multi-byte characters before an unknown word: the offsets are byte offsets.
        let tokenized = pipeline().tokenize("Ünïcode officers Glowing").unwrap();
        assert_eq!(strs(&tokenized.tokens), ["[UNK]", "officers", "[UNK]"]);
        assert_eq!(strs(&tokenized.words), ["ünïcode", "officers", "glowing"]);
    }

    #[test]
    fn placeholders_stay_whole() {
        let pipeline = pipeline();
        // Words without a `[` skip the search for added tokens; those with one (or whose
        // normalised form has one, as `［` does) take it.
        assert_eq!(pipeline.added_mark, Some('['));
        let text = "[TARGET] invited [OTHER] officers ［TARGET］ x[UNK]";
        let tokenized = pipeline.tokenize(text).unwrap();
        assert_eq!(
            strs(&tokenized.tokens[..4]),
            ["[TARGET]", "[UNK]", "[OTHER]", "officers"]
        );
        assert_eq!(tokenized, pipeline.tokenize_by_encode(text).unwrap());
    }

    /// Every text of the test fixtures, the seed article and the project's corpus: each file
    /// whole and each of its lines.
    fn fixture_texts() -> Vec<String> {
        let mut texts = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut folders = vec![
            root.join("tests/fixtures"),
            root.join("seeds"),
            root.join("data"),
        ];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.extend(text.lines().map(str::to_string));
                    texts.push(text);
                }
            }
        }
        assert!(texts.len() > 4000, "{} texts", texts.len());
        texts
    }

    #[test]
    fn the_pipeline_steps_give_what_encode_gives_on_every_fixture() {
        let texts = fixture_texts();
        let pipeline = TextPipeline::train(&texts, 2).unwrap();
        for text in &texts {
            assert_eq!(
                pipeline.tokenize(text).unwrap(),
                pipeline.tokenize_by_encode(text).unwrap(),
                "{text}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The same on generated texts: placeholders and `[UNK]` written in the text, next to
        /// combining marks (right after a space too), full-width and compatibility characters,
        /// odd white space, Hangul jamo that compose, final sigma, punctuation and other
        /// scripts.
        #[test]
        fn the_pipeline_steps_give_what_encode_gives(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("ICE"), Just("officers"), Just("join"), Just("Trump"), Just("called"),
                    Just("[TARGET]"), Just("[OTHER]"), Just("[UNK]"), Just("[target]"),
                    Just(" [TARGET] "), Just("["), Just("]"), Just("［"), Just("］"), Just(" "),
                    Just("  "), Just("\t"),
                    Just("\n"), Just("\u{a0}"), Just("\u{2009}"), Just("\u{301}"),
                    Just("\u{338}"), Just("e\u{301}"), Just("é"), Just("ＩＣＥ"), Just("ﬁ"),
                    Just("Ⅻ"), Just("²"), Just("İ"), Just("Σ"), Just("ΣΑΣ"), Just("ß"),
                    Just("’"), Just("“"), Just(","), Just("!"), Just("-"), Just("'s"),
                    Just("中文"), Just("ا"), Just("\u{200d}"), Just("\u{feff}"), Just("0"),
                    Just("\u{1F600}"), Just("#"), Just("="), Just("<"), Just("\u{3000}"),
                    Just("\u{1100}"), Just("\u{1161}"), Just("\u{11a8}"), Just("ǅ"),
                    Just("\u{345}"), Just(" \u{301}"), Just("\u{301} "), Just("Σ "),
                    Just("\u{2126}"), Just("\u{fb01} "),
                ],
                0..16,
            ),
        ) {
            let text: String = pieces.concat();
            let pipeline = pipeline();
            prop_assert_eq!(
                pipeline.tokenize(&text).unwrap(),
                pipeline.tokenize_by_encode(&text).unwrap(),
                "{:?}",
                text
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// Texts with placeholders tokenised piece by piece, with one cache for several texts
        /// that share pieces (one statement masked for each of its actors), give what the
        /// whole texts give; so do placeholders not set off by white space.
        #[test]
        fn pieces_tokenised_apart_give_the_whole_text(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("ICE officers"), Just(" join "), Just("Trump, "), Just("é\u{301}"),
                    Just("\u{301}"), Just("ＩＣＥ"), Just("[UNK]"), Just("  "), Just("x"),
                    Just("!"), Just("\n"), Just("Σ"),
                ],
                1..6,
            ),
            marks in proptest::collection::vec(any::<bool>(), 6),
            glued in any::<bool>(),
        ) {
            let pipeline = pipeline();
            let mut cache = TokenCache::default();
            // The same pieces with the placeholders swapped, as for two actors.
            for flip in [false, true] {
                let mut text = String::new();
                let mut placeholders = Vec::new();
                for (piece, mark) in pieces.iter().zip(&marks) {
                    text.push_str(piece);
                    let token = if *mark != flip { TARGET_TOKEN } else { OTHER_ACTOR_TOKEN };
                    let pad = if glued { "" } else { " " };
                    text.push_str(pad);
                    placeholders.push((text.len(), text.len() + token.len()));
                    text.push_str(token);
                    text.push_str(pad);
                }
                let (whole, pieces) =
                    pipeline.tokenize_around(&text, &placeholders, &mut cache).unwrap();
                prop_assert_eq!(&whole, &pipeline.tokenize(&text).unwrap(), "{:?}", text);
                // Each piece is where it says, as it is tokenised alone.
                let mut ends = (0, 0, 0);
                for piece in &pieces {
                    let alone = pipeline.tokenize(&text[piece.text.0..piece.text.1]).unwrap();
                    let (n, t) = (piece.normalized, piece.tokens);
                    prop_assert_eq!(&whole.normalized[n.0..n.1], alone.normalized.as_str());
                    prop_assert_eq!(&whole.tokens[t.0..t.1], alone.tokens.as_slice());
                    prop_assert_eq!((piece.text.0, n.0, t.0), ends);
                    ends = (piece.text.1, n.1, t.1);
                }
                if !pieces.is_empty() {
                    prop_assert_eq!(ends, (text.len(), whole.normalized.len(), whole.tokens.len()));
                }
            }
        }
    }

    #[test]
    fn save_and_load_give_the_same_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokenizer.json");
        let original = pipeline();
        original.save(&path).unwrap();
        let loaded = TextPipeline::load(&path).unwrap();
        let text = "Officers JOIN ice, says [TARGET]";
        assert_eq!(
            original.tokenize(text).unwrap(),
            loaded.tokenize(text).unwrap()
        );
        assert_eq!(original.vocab_size(), loaded.vocab_size());
    }

    /// Found by `tests/fuzz.rs`: an id of `u32::MAX` overflowed the table of words (or, a
    /// little lower, asked for billions of entries), and a vocabulary without `[UNK]` loaded
    /// and failed on the first unseen word.
    #[test]
    fn load_refuses_out_of_range_ids_and_a_missing_unknown_token() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokenizer.json");
        pipeline().save(&path).unwrap();
        let saved: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let mut far_id = saved.clone();
        far_id["model"]["vocab"]["ice"] = u32::MAX.into();
        let mut no_unknown = saved.clone();
        let vocab = no_unknown["model"]["vocab"].as_object_mut().unwrap();
        let unknown = vocab.remove(UNKNOWN_TOKEN).unwrap();
        // Another word takes its id, so the ids stay 0..n.
        vocab.insert("elsewhere".into(), unknown);
        no_unknown["added_tokens"] = serde_json::json!([]);
        for edited in [far_id, no_unknown] {
            std::fs::write(&path, edited.to_string()).unwrap();
            let err = TextPipeline::load(&path).unwrap_err();
            assert!(matches!(err, Error::CorruptModel { .. }), "{err}");
        }
    }

    /// Found by `tests/fuzz.rs`: `"decoder": ull` made the `tokenizers` crate panic
    /// (`expect("Helper")`) instead of failing.
    #[test]
    fn load_refuses_a_configuration_the_crate_panics_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokenizer.json");
        pipeline().save(&path).unwrap();
        let saved = std::fs::read_to_string(&path).unwrap();
        assert!(saved.contains("\"decoder\": null"), "{saved}");
        std::fs::write(&path, saved.replace("\"decoder\": null", "\"decoder\":ull")).unwrap();
        let err = TextPipeline::load(&path).unwrap_err();
        assert!(matches!(err, Error::CorruptModel { .. }), "{err}");
    }

    #[test]
    fn training_twice_gives_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
        pipeline().save(&a).unwrap();
        pipeline().save(&b).unwrap();
        assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    }
}
