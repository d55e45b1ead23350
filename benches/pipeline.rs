//! How long each stage of the stance pipeline takes as the input grows.
//!
//! Six groups, the first four over input sizes in rows (criterion reports rows per second
//! too):
//!
//! - `tokenize` (300 to 10,000 rows): training the word vocabulary on the rows' texts, and
//!   tokenising every text with a vocabulary trained beforehand;
//! - `featurize` (100 to 1,000): fitting a [`FeatureSpace`](stance::FeatureSpace) with the
//!   default [`FeatureParams`] and transforming the same rows into sparse TF-IDF rows;
//! - `train` (100 to 1,000): [`StanceModel::train`] with the default [`TrainParams`]
//!   (tokeniser, features and both heads, stance and sentiment);
//! - `predict` (100 to 1,000): [`StanceModel::predict`] with a model trained once, before
//!   timing, on the whole corpus;
//! - `tweets`: the 1,249 SemEval-2016 Task A test tweets, one thread, through the `tokenizers`
//!   crate's own `encode` (what a pipeline pays that sends every text through the crate) and
//!   through [`TextPipeline::tokenize`] (what stance pays: the crate's steps once for each
//!   distinct word, without an `Encoding`), first with a pipeline that remembers no word
//!   (`tokenize_first`, the first pass) and then with every word remembered. It reads
//!   `$STANCE_SEMEVAL_TEST`, by default
//!   `../shared/data/semeval2016-task6/testdata-taskA-all-annotations.txt`, and says so and
//!   measures nothing when the file is missing. `scripts/benchmark` runs it beside its
//!   prediction figures.
//! - `article_worst` (16 to 128 KB of text, doubling): [`stance::article::analyse`] on the
//!   inputs that once made the article stage quadratic: a run of `"we ` one-word quotes in one
//!   sentence, the same acronym repeated inside a quote, a long paragraph without a full stop
//!   (many cues and pronouns), many capitalised names, and quote marks of every kind nested
//!   deeply. Each is built from a repeated pattern, so nothing is random; the time per byte
//!   (criterion reports bytes per second) should stay flat as the size doubles.
//!
//! The input is the project's own labelled corpus, `data/quotes.csv`. A size takes the
//! corpus's first rows in file order, so a larger size brings more actors as well as more rows,
//! as more data does; sizes beyond the corpus repeat it, each copy with a numbered word
//! appended to its context so the copies are different texts (and bring no new actors).
//! Nothing is random, so figures can be compared between runs. Featurising and training run
//! on rayon's thread pool, so their figures depend on the number of cores.
//!
//! Run it from the crate's folder with
//!
//! ```text
//! cargo bench --bench pipeline                 # every group, a few minutes
//! cargo bench --bench pipeline -- --quick      # a rough figure, faster
//! cargo bench --bench pipeline -- featurize    # one group
//! cargo bench --bench pipeline -- article_worst   # the article stage's worst cases, a minute
//! RAYON_NUM_THREADS=1 taskset -c 0 cargo bench --bench pipeline -- tweets   # one core
//! ```
//!
//! A single run at the largest sizes takes seconds, so every group takes ten samples of equal
//! iteration counts; criterion's warning that it could not finish ten samples in the target
//! time is expected there, and only means those benchmarks take longer than the target.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, BenchmarkId, Criterion,
    SamplingMode, Throughput,
};
use stance::article::{analyse, ActorList};
use stance::corpus::TextEncoding;
use stance::text::TextPipeline;
use stance::{Corpus, Example, FeatureParams, ReadOptions, Row, Schema, StanceModel, TrainParams};

/// Row counts tokenising is measured at; the last is larger than the corpus, so it measures
/// repeated rows.
const TOKENIZE_SIZES: [usize; 4] = [300, 1_000, 3_000, 10_000];

/// Row counts featurising, training and predicting are measured at: featurising or training
/// 3,000 rows takes 5 to 20 s a run on two cores, too long to repeat ten times in a routine
/// run.
const SIZES: [usize; 3] = [100, 300, 1_000];

/// Reads `data/quotes.csv` from the crate's folder.
fn corpus_rows() -> Vec<Row> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/quotes.csv");
    let corpus = Corpus::read(std::slice::from_ref(&path), &ReadOptions::default())
        .unwrap_or_else(|err| panic!("reading {}: {err}", path.display()));
    assert!(!corpus.rows.is_empty(), "{} has no rows", path.display());
    corpus.rows
}

/// The first `size` rows of the corpus, in file order; past its end the corpus repeats, each
/// repeated row with `copy<N>` appended to its context (or its text, without a context), so
/// the input is always the same for a given size.
fn rows_of_size(corpus: &[Row], size: usize) -> Vec<Row> {
    (0..size)
        .map(|i| {
            let mut row = corpus[i % corpus.len()].clone();
            let copy = i / corpus.len();
            if copy > 0 {
                // Appended to the context, not the text: the context holds the text, and
                // breaking that would make the model read text and context twice over.
                match &mut row.context {
                    Some(context) => context.push_str(&format!(" copy{copy}")),
                    None => row.text.push_str(&format!(" copy{copy}")),
                }
            }
            row
        })
        .collect()
}

/// What the model reads for each row ([`Row::model_text`]).
fn model_texts(rows: &[Row]) -> Vec<String> {
    rows.iter().map(Row::model_text).collect()
}

/// The examples of `rows`, whose model texts are `texts`, as `StanceModel::train` builds them.
fn examples<'a>(rows: &'a [Row], texts: &'a [String]) -> Vec<Example<'a>> {
    rows.iter()
        .zip(texts)
        .map(|(row, text)| Example::of_row(row, text))
        .collect()
}

/// A benchmark group sized for runs of milliseconds to seconds: ten samples, one second of
/// warm-up and `target` of measurement, each sample the same number of iterations (criterion's
/// default, linear sampling, would run a one-second benchmark at least 55 times).
fn group<'a>(c: &'a mut Criterion, name: &str, target: Duration) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(target)
        .sampling_mode(SamplingMode::Flat);
    group
}

/// Trains the vocabulary on `size` rows, and tokenises them with a vocabulary trained already.
fn bench_tokenize(c: &mut Criterion) {
    let corpus = corpus_rows();
    let min_frequency = FeatureParams::default().vocab_min_frequency;
    let mut group = group(c, "tokenize", Duration::from_secs(3));
    for size in TOKENIZE_SIZES {
        let texts = model_texts(&rows_of_size(&corpus, size));
        group.throughput(Throughput::Elements(size as u64));
        group.bench_with_input(
            BenchmarkId::new("train_vocabulary", size),
            &texts,
            |b, texts| b.iter(|| TextPipeline::train(texts, min_frequency).unwrap()),
        );
        let pipeline = TextPipeline::train(&texts, min_frequency).unwrap();
        group.bench_with_input(BenchmarkId::new("encode", size), &texts, |b, texts| {
            b.iter(|| {
                for text in texts {
                    black_box(pipeline.tokenize(text).unwrap());
                }
            })
        });
    }
    group.finish();
}

/// Fits the default feature space on `size` rows and transforms them.
fn bench_featurize(c: &mut Criterion) {
    let corpus = corpus_rows();
    let params = FeatureParams::default();
    let mut group = group(c, "featurize", Duration::from_secs(5));
    for size in SIZES {
        let rows = rows_of_size(&corpus, size);
        let texts = model_texts(&rows);
        let examples = examples(&rows, &texts);
        let pipeline = TextPipeline::train(&texts, params.vocab_min_frequency).unwrap();
        group.throughput(Throughput::Elements(size as u64));
        group.bench_with_input(
            BenchmarkId::new("fit_transform", size),
            &examples,
            |b, examples| {
                b.iter(|| {
                    let space = params.fit(&pipeline, examples).unwrap();
                    space.transform(&pipeline, examples).unwrap()
                })
            },
        );
    }
    group.finish();
}

/// Trains a model with the default parameters on `size` rows.
fn bench_train(c: &mut Criterion) {
    let corpus = corpus_rows();
    let params = TrainParams::default();
    let mut group = group(c, "train", Duration::from_secs(5));
    for size in SIZES {
        let rows = rows_of_size(&corpus, size);
        group.throughput(Throughput::Elements(size as u64));
        group.bench_with_input(BenchmarkId::new("default", size), &rows, |b, rows| {
            b.iter(|| StanceModel::train(rows, &params).unwrap())
        });
    }
    group.finish();
}

/// Predicts both heads for `size` rows with a model trained once on the whole corpus.
fn bench_predict(c: &mut Criterion) {
    let corpus = corpus_rows();
    // Trained on first use, not here: training on the whole corpus takes about 25 s on two
    // cores, wasted when a filter such as `-- tokenize` leaves this group out.
    let trained = OnceLock::new();
    let model = || -> &StanceModel {
        trained.get_or_init(|| {
            StanceModel::train(&corpus, &TrainParams::default())
                .unwrap()
                .0
        })
    };
    let mut group = group(c, "predict", Duration::from_secs(5));
    for size in SIZES {
        let rows = rows_of_size(&corpus, size);
        let texts = model_texts(&rows);
        let examples = examples(&rows, &texts);
        group.throughput(Throughput::Elements(size as u64));
        group.bench_with_input(
            BenchmarkId::new("default", size),
            &examples,
            |b, examples| {
                let model = model();
                b.iter(|| model.predict(examples).unwrap())
            },
        );
    }
    group.finish();
}

/// The SemEval test file `tweets` reads.
fn semeval_test_path() -> PathBuf {
    std::env::var_os("STANCE_SEMEVAL_TEST")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/data/semeval2016-task6/testdata-taskA-all-annotations.txt")
        })
}

/// Tokenises the SemEval test tweets one after another: the `tokenizers` crate's `encode`
/// alone, and stance's [`TextPipeline::tokenize`]. The vocabulary is trained on the tweets.
fn bench_tweets(c: &mut Criterion) {
    let path = semeval_test_path();
    if !path.is_file() {
        eprintln!(
            "tweets: skipped, {} is missing (set STANCE_SEMEVAL_TEST to the SemEval-2016 \
             Task A test file)",
            path.display()
        );
        return;
    }
    let options = ReadOptions {
        schema: Schema {
            text: "Tweet".into(),
            actor: "Target".into(),
            ..Schema::default()
        },
        delimiter: b'\t',
        encoding: TextEncoding::Cp1252,
        ..ReadOptions::default()
    };
    let corpus = Corpus::read(std::slice::from_ref(&path), &options)
        .unwrap_or_else(|err| panic!("reading {}: {err}", path.display()));
    let tweets: Vec<String> = corpus.rows.into_iter().map(|row| row.text).collect();
    let pipeline = TextPipeline::train(&tweets, FeatureParams::default().vocab_min_frequency)
        .expect("a vocabulary");
    // The crate's own tokenizer, as stance saves it.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let saved = dir.path().join("tokenizer.json");
    pipeline.save(&saved).expect("tokenizer.json written");
    let tokenizer = tokenizers::Tokenizer::from_file(&saved).expect("tokenizer.json read");
    let mut group = group(c, "tweets", Duration::from_secs(3));
    group.throughput(Throughput::Elements(tweets.len() as u64));
    group.bench_function("encode", |b| {
        b.iter(|| {
            for tweet in &tweets {
                black_box(tokenizer.encode(tweet.as_str(), false).unwrap());
            }
        })
    });
    // A fresh copy of the pipeline remembers no word: the first pass over the tweets.
    group.bench_function("tokenize_first", |b| {
        b.iter_batched(
            || pipeline.clone(),
            |fresh| {
                for tweet in &tweets {
                    black_box(fresh.tokenize(tweet).unwrap());
                }
            },
            BatchSize::LargeInput,
        )
    });
    // Every word remembered from the passes before.
    group.bench_function("tokenize", |b| {
        b.iter(|| {
            for tweet in &tweets {
                black_box(pipeline.tokenize(tweet).unwrap());
            }
        })
    });
    group.finish();
}

/// Text sizes, in bytes, the article stage's worst cases are measured at.
const ARTICLE_SIZES: [usize; 4] = [16_000, 32_000, 64_000, 128_000];

/// `pattern` repeated to at least `size` bytes, after `head` and before `tail`.
fn repeated(head: &str, pattern: &str, tail: &str, size: usize) -> String {
    let mut text = String::from(head);
    while text.len() < size {
        text.push_str(pattern);
    }
    text.push_str(tail);
    text
}

/// Quote marks of every kind, opened `size / 6` deep, then closed in turn.
fn nested_marks(size: usize) -> String {
    let opening = ["“", "‘", "\"", "«", "''"];
    let closing = ["”", "’", "\"", "»", "''"];
    let depth = size / 6;
    let mut text = String::from("Mamdani said ");
    for i in 0..depth {
        text.push_str(opening[i % opening.len()]);
        text.push_str("we ");
    }
    for i in (0..depth).rev() {
        text.push_str(closing[i % closing.len()]);
        text.push(' ');
    }
    text
}

/// Builds a text of at least the given size in bytes.
type MakeText = fn(usize) -> String;

/// [`analyse`] on the inputs that once took it quadratic time, at doubling sizes.
fn bench_article_worst(c: &mut Criterion) {
    let cases: [(&str, MakeText); 5] = [
        ("quote_run", |size| {
            repeated("Mayor Zohran Mamdani said ", "\"we ", ".", size)
        }),
        ("repeated_acronym", |size| {
            repeated(
                "Immigration and Customs Enforcement (ICE) said “",
                "ICE ",
                "” on Monday.",
                size,
            )
        }),
        ("no_full_stop", |size| {
            repeated(
                "Ann Lee of the union said ",
                "he told the president that she and Bo Park warned it, and they said ",
                "",
                size,
            )
        }),
        ("capitalised_names", |size| {
            repeated(
                "",
                "Ann Lee met Bo Park of Harlow Steel Works and Mr. Tran. Lee said Park ",
                "",
                size,
            )
        }),
        ("nested_marks", nested_marks),
    ];
    let known = ActorList::new();
    let mut group = group(c, "article_worst", Duration::from_secs(2));
    for (name, make) in cases {
        for size in ARTICLE_SIZES {
            let text = make(size);
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::new(name, size), &text, |b, text| {
                b.iter(|| black_box(analyse(text, &known)))
            });
        }
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_tokenize,
    bench_featurize,
    bench_train,
    bench_predict,
    bench_tweets,
    bench_article_worst
);
criterion_main!(benches);
