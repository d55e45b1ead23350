//! Extraction metrics: how well quotes, speakers and concerned actors match gold annotations.
//!
//! Spans are compared after trimming white space and the punctuation `.,;:!?` at both ends
//! (annotators and code disagree on whether `you,` keeps its comma). Matching is one-to-one
//! per article:
//! - **exact**: trimmed spans equal;
//! - **overlap**: the trimmed spans share at least half of the shorter one; pairs are taken
//!   greedily by decreasing overlap (intersection over union).
//!
//! Precision = matched / predicted, recall = matched / gold, F1 their harmonic mean.
//! **Speaker accuracy** counts overlap-matched pairs whose speakers agree (both `None`
//! counts as agreement). **Actor-pair recall** counts gold (quote, actor) pairs whose quote
//! is overlap-matched and whose actor is among the matched prediction's actors, over all
//! gold pairs.
//!
//! Names agree when equal ignoring case, when the gold name is an alias of the predicted
//! actor, when the predicted name is the gold name's last word (a surname: `Trump` for
//! `Donald Trump`), or when the predicted name is the initials of the gold name's
//! capitalised words (an acronym: `PATA` for `Port Alder Transit Authority`).

use serde::Serialize;

use crate::article::gold::GoldArticle;
use crate::article::{Analysis, Span};

/// Precision, recall and F1 of one matching.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MatchScores {
    /// Matched pairs.
    pub matched: usize,
    /// matched / predicted (0 when nothing was predicted).
    pub precision: f64,
    /// matched / gold (0 when there is no gold).
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl MatchScores {
    fn new(matched: usize, predicted: usize, gold: usize) -> Self {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(matched, predicted);
        let recall = ratio(matched, gold);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        MatchScores {
            matched,
            precision,
            recall,
            f1,
        }
    }
}

/// A count of hits over a total.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    /// Hits.
    pub hits: usize,
    /// Cases.
    pub total: usize,
    /// hits / total (0 when there is no case).
    pub rate: f64,
}

impl Rate {
    fn new(hits: usize, total: usize) -> Self {
        Rate {
            hits,
            total,
            rate: if total == 0 {
                0.0
            } else {
                hits as f64 / total as f64
            },
        }
    }
}

/// Extraction figures over a set of gold articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtractionReport {
    /// Articles evaluated.
    pub articles: usize,
    /// Gold statements.
    pub gold_quotes: usize,
    /// Predicted statements.
    pub predicted_quotes: usize,
    /// Exact span matching.
    pub exact: MatchScores,
    /// Overlap span matching.
    pub overlap: MatchScores,
    /// Speaker agreement over overlap-matched pairs.
    pub speaker: Rate,
    /// Gold (quote, actor) pairs found, over all gold pairs.
    pub actor_pairs: Rate,
}

impl ExtractionReport {
    /// A readable text table of the figures.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "articles {}  gold statements {}  predicted {}\n",
            self.articles, self.gold_quotes, self.predicted_quotes
        ));
        out.push_str("metric            matched  precision  recall     f1\n");
        for (name, s) in [
            ("spans (exact)", &self.exact),
            ("spans (overlap)", &self.overlap),
        ] {
            out.push_str(&format!(
                "{:<17} {:>7}  {:>9.3}  {:>6.3}  {:>5.3}\n",
                name, s.matched, s.precision, s.recall, s.f1
            ));
        }
        out.push_str("metric            hits / total   rate\n");
        for (name, r) in [
            ("speaker accuracy", &self.speaker),
            ("actor-pair recall", &self.actor_pairs),
        ] {
            out.push_str(&format!(
                "{:<17} {:>5} / {:<5}  {:>5.3}\n",
                name, r.hits, r.total, r.rate
            ));
        }
        out
    }
}

/// `span` without white space and `.,;:!?` at either end.
fn trimmed(text: &str, span: Span) -> Span {
    let slice = span.slice(text);
    let junk =
        |c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '\u{feff}');
    let left = slice.len() - slice.trim_start_matches(junk).len();
    let right = slice.trim_end_matches(junk).len().max(left);
    Span::new(span.start + left, span.start + right)
}

/// True when the gold name and the predicted actor name agree (rule in the module docs).
pub fn names_agree(gold: &str, predicted: &str, analysis: &Analysis) -> bool {
    if gold.eq_ignore_ascii_case(predicted) {
        return true;
    }
    if let Some(actor) = analysis.actor(predicted) {
        if actor.aliases.iter().any(|a| a.eq_ignore_ascii_case(gold)) {
            return true;
        }
    }
    let words: Vec<&str> = gold.split_whitespace().collect();
    if words.len() > 1
        && words
            .last()
            .is_some_and(|w| w.eq_ignore_ascii_case(predicted))
    {
        return true;
    }
    let initials: String = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
        .filter_map(|w| w.chars().next())
        .collect();
    initials.len() > 1 && initials == predicted
}

/// One-to-one pairs (gold index, predicted index) by the given score (0 = no match).
fn match_greedy(
    gold: &[Span],
    predicted: &[Span],
    score: impl Fn(Span, Span) -> f64,
) -> Vec<(usize, usize)> {
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for (g, &gs) in gold.iter().enumerate() {
        for (p, &ps) in predicted.iter().enumerate() {
            let s = score(gs, ps);
            if s > 0.0 {
                candidates.push((s, g, p));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut used_gold = vec![false; gold.len()];
    let mut used_pred = vec![false; predicted.len()];
    let mut pairs = Vec::new();
    for (_, g, p) in candidates {
        if !used_gold[g] && !used_pred[p] {
            used_gold[g] = true;
            used_pred[p] = true;
            pairs.push((g, p));
        }
    }
    pairs
}

fn overlap_score(a: Span, b: Span) -> f64 {
    let shared = a.intersection(b);
    let shorter = a.len().min(b.len());
    if shorter == 0 || shared * 2 < shorter {
        return 0.0;
    }
    shared as f64 / a.cover(b).len().max(1) as f64
}

/// Compares each analysis with its gold article (see the module docs for the rules).
pub fn evaluate_extraction(gold: &[(GoldArticle, Analysis)]) -> ExtractionReport {
    let (mut gold_n, mut pred_n, mut exact, mut overlap) = (0, 0, 0, 0);
    let (mut speaker_ok, mut speaker_total, mut pairs_found, mut pairs_total) = (0, 0, 0, 0);
    for (article, analysis) in gold {
        let text = article.text.as_str();
        let gold_spans: Vec<Span> = article
            .quotes
            .iter()
            .map(|q| trimmed(text, Span::new(q.start, q.end)))
            .collect();
        let pred_spans: Vec<Span> = analysis
            .quotes
            .iter()
            .map(|q| trimmed(text, q.span))
            .collect();
        gold_n += gold_spans.len();
        pred_n += pred_spans.len();
        exact += match_greedy(
            &gold_spans,
            &pred_spans,
            |a, b| if a == b { 1.0 } else { 0.0 },
        )
        .len();
        let pairs = match_greedy(&gold_spans, &pred_spans, overlap_score);
        overlap += pairs.len();
        pairs_total += article.quotes.iter().map(|q| q.actors.len()).sum::<usize>();
        for (g, p) in pairs {
            let (gq, pq) = (&article.quotes[g], &analysis.quotes[p]);
            speaker_total += 1;
            let agree = match (&gq.speaker, &pq.speaker) {
                (None, None) => true,
                (Some(a), Some(b)) => names_agree(a, b, analysis),
                _ => false,
            };
            speaker_ok += usize::from(agree);
            pairs_found += gq
                .actors
                .iter()
                .filter(|ga| {
                    pq.actors
                        .iter()
                        .any(|pa| names_agree(&ga.actor, pa, analysis))
                })
                .count();
        }
    }
    ExtractionReport {
        articles: gold.len(),
        gold_quotes: gold_n,
        predicted_quotes: pred_n,
        exact: MatchScores::new(exact, pred_n, gold_n),
        overlap: MatchScores::new(overlap, pred_n, gold_n),
        speaker: Rate::new(speaker_ok, speaker_total),
        actor_pairs: Rate::new(pairs_found, pairs_total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::gold::{GoldActor, GoldQuote, Sentiment, Stance};
    use crate::article::{Actor, Quote, QuoteKind};

    const TEXT: &str = "Ann said “we win today.” Bo said it was late. Cy said “no”. Di sang.";

    fn gold_quote(words: &str, speaker: Option<&str>, actors: &[&str]) -> GoldQuote {
        let start = TEXT.find(words).unwrap_or(0);
        GoldQuote {
            start,
            end: start + words.len(),
            text: words.into(),
            speaker: speaker.map(str::to_string),
            actors: actors
                .iter()
                .map(|a| GoldActor {
                    actor: a.to_string(),
                    stance: Stance::Neutral,
                    sentiment: Sentiment::Neutral,
                })
                .collect(),
        }
    }

    fn predicted(words: &str, speaker: Option<&str>, actors: &[&str]) -> Quote {
        let start = TEXT.find(words).unwrap_or(0);
        Quote {
            id: 1,
            span: Span::new(start, start + words.len()),
            text: words.into(),
            kind: QuoteKind::Direct,
            context: Span::new(0, TEXT.len()),
            context_text: TEXT.into(),
            speaker: speaker.map(str::to_string),
            speaker_confidence: 0.9,
            actors: actors.iter().map(|a| a.to_string()).collect(),
        }
    }

    /// Hand-computed case: 3 gold, 3 predicted; 1 exact (after trimming "today." vs
    /// "today"), 2 overlapping ("it was late" vs "was late"), 1 spurious, 1 missed.
    #[test]
    fn hand_computed_figures() {
        let gold = GoldArticle {
            article: "t.txt".into(),
            quotes: vec![
                gold_quote("we win today.", Some("Ann Lee"), &["Bo Park", "Cy Ray"]),
                gold_quote("it was late", Some("Bo Park"), &["Ann Lee"]),
                gold_quote("no", Some("Cy Ray"), &[]),
            ],
            text: TEXT.into(),
        };
        let analysis = Analysis {
            actors: vec![Actor {
                name: "Park".into(),
                aliases: vec!["Bo Park".into()],
                mentions: vec![],
            }],
            quotes: vec![
                predicted("we win today", Some("Lee"), &["Park"]),
                predicted("was late", Some("Park"), &["ann lee"]),
                predicted("Di sang", None, &[]),
            ],
        };
        let report = evaluate_extraction(&[(gold, analysis)]);
        assert_eq!(report.gold_quotes, 3);
        assert_eq!(report.predicted_quotes, 3);
        assert_eq!(report.exact.matched, 1);
        assert!((report.exact.precision - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(report.overlap.matched, 2);
        assert!((report.overlap.f1 - 2.0 / 3.0).abs() < 1e-12);
        // "Lee" is Ann Lee's surname; "Park" is an alias-holding actor for Bo Park.
        assert_eq!(
            report.speaker,
            Rate {
                hits: 2,
                total: 2,
                rate: 1.0
            }
        );
        // Pairs: (q1, Bo Park) found via alias, (q1, Cy Ray) missed, (q2, Ann Lee) found by case.
        assert_eq!(report.actor_pairs.hits, 2);
        assert_eq!(report.actor_pairs.total, 3);
        let table = report.to_table();
        assert!(table.contains("spans (overlap)"));
        assert!(table.contains("actor-pair recall     2 / 3"));
    }

    #[test]
    fn small_overlap_is_no_match_and_empty_input_is_zero() {
        assert_eq!(overlap_score(Span::new(0, 10), Span::new(8, 20)), 0.0);
        assert!(overlap_score(Span::new(0, 10), Span::new(4, 20)) > 0.0);
        let report = evaluate_extraction(&[]);
        assert_eq!(report.overlap.f1, 0.0);
        assert_eq!(report.speaker.rate, 0.0);
    }

    #[test]
    fn acronyms_and_surnames_agree() {
        let empty = Analysis {
            actors: vec![],
            quotes: vec![],
        };
        assert!(names_agree("Port Alder Transit Authority", "PATA", &empty));
        assert!(names_agree("Donald Trump", "Trump", &empty));
        assert!(names_agree("ice", "ICE", &empty));
        assert!(!names_agree("Donald Trump", "Donald", &empty));
    }
}
