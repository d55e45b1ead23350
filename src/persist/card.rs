//! `MODEL_CARD.md`: a short, readable account of a model, written beside it by every save.
//! What it was trained on (files, hashes, rows, labels), with which settings, how well it
//! did on the rows `--split` left out and by cross-validation where those ran, what it is for
//! and where it is known to fail. Made from the model and its [`Metadata`] alone, with no
//! clock in it, so the same data and settings give the same card.

use std::fmt::Write as _;

use linfa::ParamGuard;

use super::Metadata;
use crate::eval::Summary;
use crate::model::{ClassWeight, StanceModel};

/// The card of `model`, trained as `metadata` says.
pub(crate) fn render(model: &StanceModel, metadata: &Metadata) -> String {
    let mut card = String::from("# Model card\n\n");
    let summary = &metadata.summary;
    let _ = writeln!(
        card,
        "A `stance` model: logistic regression on bag-of-words features of quotes and their \
         context, labelling each (statement, actor) pair. Trained by stance {} on {} rows; \
         {} words in its tokeniser's vocabulary, {} feature columns.\n",
        metadata.crate_version, summary.rows, summary.vocabulary, summary.features
    );

    card.push_str("## Training data\n\n| file | SHA-256 | rows |\n|---|---|---|\n");
    for file in &metadata.files {
        let _ = writeln!(
            card,
            "| `{}` | `{}` | {} |",
            file.path, file.sha256, file.rows
        );
    }
    card.push('\n');

    card.push_str("## Labels\n\n");
    for head in &summary.heads {
        let counts: Vec<String> = head
            .labels
            .iter()
            .map(|(label, rows)| format!("{label} {rows}"))
            .collect();
        let _ = write!(
            card,
            "- **{}**: {} labelled rows ({})",
            head.task.name(),
            head.rows,
            counts.join(", ")
        );
        if !head.per_actor.is_empty() {
            let _ = write!(card, "; own models for {}", head.per_actor.join(", "));
        }
        card.push('\n');
    }
    for head in &model.heads {
        if head.temperature != 1.0 {
            let _ = writeln!(
                card,
                "- {} probabilities calibrated at temperature {:.3}",
                head.task.name(),
                head.temperature
            );
        }
    }
    card.push('\n');

    card.push_str("## Settings\n\n");
    let terms = &model.features.params.terms;
    let range = |r: crate::features::NgramRange| match r.is_off() {
        true => "off".to_string(),
        false => format!("{}-{}", r.min, r.max),
    };
    let _ = write!(
        card,
        "Word n-grams {}, character n-grams {}, quote n-grams {}, side-of-target n-grams {}, \
         target window {}, minimum document frequency {}. ",
        range(terms.word_ngrams),
        range(terms.char_ngrams),
        range(terms.quote_ngrams),
        range(terms.side_ngrams),
        terms.target_window,
        model.features.params.min_df,
    );
    let params = &metadata.settings.params;
    if let Ok(logistic) = params.logistic.check_ref() {
        let _ = write!(
            card,
            "C {}, {}, {}. ",
            logistic.c(),
            match logistic.class_weight() {
                ClassWeight::Balanced => "labels weighted to count equally",
                ClassWeight::None => "every row counted once",
            },
            if params.per_actor {
                format!(
                    "own models for actors with at least {} labelled rows",
                    params.min_actor_rows
                )
            } else {
                "one model shared by all actors".to_string()
            },
        );
    }
    card.push_str(
        "Every setting, enough to train it again from the same files, is in `metadata.json` \
         (`settings`).\n\n",
    );

    card.push_str("## Figures\n\n");
    let mut figures = false;
    if let Some(held_out) = &metadata.held_out {
        figures = true;
        let _ = writeln!(
            card,
            "On the {} rows of the training files outside the split `{}` (`--split`), never \
             seen in training:\n\n| labels | rows | accuracy | macro-F1 | F_avg | majority \
             baseline macro-F1 |\n|---|---|---|---|---|---|",
            held_out.rows, held_out.trained_on
        );
        for (task, figures) in &held_out.tasks {
            let _ = writeln!(
                card,
                "| {} | {} | {} | {} |",
                task.name(),
                row(&figures.model),
                percent(figures.model.f_avg),
                percent(Some(figures.baseline.macro_f1)),
            );
        }
        card.push('\n');
    }
    if let Some(tuning) = &metadata.tuning {
        figures = true;
        let best = tuning.best();
        let _ = writeln!(
            card,
            "By {}-fold cross-validation on the training rows, {} of the chosen setting: {:.1} \
             ± {:.1} (mean ± sd over folds; {} tried).\n",
            tuning.folds,
            tuning.metric.name(),
            100.0 * best.mean,
            100.0 * best.sd,
            match tuning.candidates.len() {
                1 => "no other setting".to_string(),
                n => format!("{n} settings"),
            }
        );
    }
    if !figures {
        card.push_str(
            "None: trained on every row, without `--split` or `--cv`. Measure it with `stance \
             evaluate --model DIR --data HELD-OUT.csv` on rows it never saw.\n\n",
        );
    }

    card.push_str(
        "## Intended use\n\n\
         Labelling the stance (and sentiment) of quoted and reported statements toward the \
         actors they concern, in news of the kind and period of the training data, to count and \
         compare across many articles. Read single labels with their probabilities, and check a \
         sample by hand before publishing a figure.\n\n\
         ## Known limits\n\n\
         - A bag of words: it does not parse who attacks whom, so a statement about two actors \
         can get the same label toward both, and irony, quoted insults being rebutted and \
         negation across clauses are often misread.\n\
         - Figures measured on the training data's own held-out rows overstate accuracy on other \
         sources; on real news it can fall toward the majority baseline (see the README's \
         figures). Evaluate on labelled rows from your own sources.\n\
         - Statements and speakers come from rules (the article stage), not from this model; \
         their errors pass into every label.\n\
         - English only.\n",
    );
    card
}

/// `rows | accuracy | macro-F1` of a summary, in per cent.
fn row(summary: &Summary) -> String {
    format!(
        "{} | {} | {}",
        summary.rows,
        percent(Some(summary.accuracy)),
        percent(Some(summary.macro_f1))
    )
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".into(), |x| format!("{:.1}", 100.0 * x))
}
