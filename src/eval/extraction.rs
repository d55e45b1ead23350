//! Extraction metrics: how well quotes, speakers and concerned actors match gold annotations,
//! measured the way the field's shared scorer (`score_quotes.py score`) measures them, so the
//! figures can be set beside other systems'.
//!
//! Everything is counted in **characters** (the analysis's byte spans are converted through the
//! article text); a span's *characters* are its non-space characters (Python's `isspace`).
//! Predictions with the same span count once.
//! - **exact**: a span matches when it equals a span of the other side once white space, quote
//!   marks and `. , ; : - – —` are trimmed at both ends; precision counts predictions equal to
//!   some gold span, recall gold spans equal to some prediction (not one-to-one).
//! - **overlap**: a gold and a predicted span match when their shared characters are at least
//!   half of the *longer* span's; pairs are taken one-to-one, best ratio first (ties: later
//!   gold unit, then later prediction first, as the scorer's reverse sort does). A gold unit's
//!   characters are those of its segments.
//!
//! Views select gold units and predictions:
//! - `direct`: gold `direct` and `partial` units against predictions that are *direct*: at
//!   least half of their characters lie on the one quote-mark span they share most with
//!   (a gold direct or partial unit's `start..end`, or an other quote run; the first such
//!   span wins a tie);
//! - `direct*`: the same less the direct predictions lying on an other quote run that they
//!   also cover at least half of (scare quotes and titles PolNeAR leaves unannotated);
//! - `indirect`: gold `indirect` units against the predictions that are not direct;
//! - `all`: everything against everything.
//!
//! Precision = hits / predicted, recall = hits / gold, F1 their harmonic mean.
//! **Speaker accuracy** is over overlap-matched gold units whose speaker is known: right when
//! the predicted speaker and the gold speaker, or the annotated mention unless it is a
//! pronoun, are the same name or end in the same word, compared case-insensitively on word
//! tokens after dropping parentheses, possessive `'s` and leading titles (`Mr.`, `Sen.`,
//! `the`, …). The **named-mention** accuracy restricts it to units whose speaker was read off
//! the mention (`speaker_from: mention`). **Actor-pair recall** (gold with actors, the
//! project's format) counts gold (statement, actor) pairs whose statement is overlap-matched
//! in the `all` view and whose actor is among the prediction's actors, over all gold pairs;
//! actor names agree when equal ignoring case, when the gold name is an alias of the predicted
//! actor, its last word (a surname) or the initials of its capitalised words (an acronym).
//!
//! The **speaker reliability** table checks that `speaker_confidence` means what it says: the
//! speaker-accuracy cases grouped by the predicted confidence rounded to two decimals (the
//! article stage uses a handful of fixed values), plus a group for predictions with no speaker
//! (confidence 0, never right), each with its size, hits, accuracy and mean confidence. The
//! **expected calibration error** is the size-weighted mean of |accuracy − mean confidence|
//! over the groups; it is also given over the groups with a speaker alone, since the
//! no-speaker group is calibrated by construction and only dilutes the figure.
//!
//! Reference: `score_quotes.py` of the shared tools gives the same figures on the same
//! predictions (`stance evaluate --extraction --predictions FILE` writes them for it).

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::article::{Analysis, Quote, Span};
use crate::eval::gold::{GoldArticle, GoldKind, GoldQuote};

/// Characters trimmed off both ends of a span before exact matching (the scorer's `TRIM`).
const TRIM: &[char] = &[
    ' ', '\t', '\r', '\n', '\u{a0}', '“', '”', '"', '‘', '’', '\'', '`', '«', '»', ',', '.', ';',
    ':', '-', '–', '—',
];

/// Words dropped from the start of a speaker name.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sen",
    "senator",
    "rep",
    "gov",
    "governor",
    "president",
    "gen",
    "rev",
    "prof",
    "sir",
    "former",
    "the",
    "lt",
    "col",
    "judge",
    "secretary",
];

/// Speaker mentions that name nobody by themselves.
const PRONOUNS: &[&str] = &[
    "he", "she", "they", "it", "i", "we", "you", "who", "which", "that", "his", "her", "their",
    "its", "him", "them", "this", "these", "those", "whom", "one",
];

/// Precision, recall and F1 of one matching.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MatchScores {
    /// Predictions that match.
    pub predicted_hits: usize,
    /// Gold units that match.
    pub gold_hits: usize,
    /// predicted_hits / predicted (0 when nothing was predicted).
    pub precision: f64,
    /// gold_hits / gold (0 when there is no gold).
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl MatchScores {
    fn new(predicted_hits: usize, predicted: usize, gold_hits: usize, gold: usize) -> Self {
        let precision = ratio(predicted_hits, predicted);
        let recall = ratio(gold_hits, gold);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        MatchScores {
            predicted_hits,
            gold_hits,
            precision,
            recall,
            f1,
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
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
            rate: ratio(hits, total),
        }
    }
}

/// One group of the speaker reliability table: matched statements with a known gold speaker
/// and the same predicted confidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReliabilityRow {
    /// The predicted confidence rounded to two decimals; `None` for predictions without a
    /// speaker.
    pub confidence: Option<f64>,
    /// Statements in the group.
    pub n: usize,
    /// Of those, statements whose predicted speaker is right.
    pub right: usize,
    /// right / n.
    pub accuracy: f64,
    /// Mean of the unrounded predicted confidences (0 for predictions without a speaker).
    pub mean_confidence: f64,
}

/// How well speaker confidence matches speaker accuracy (rules in the module docs).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reliability {
    /// Groups by descending confidence, the no-speaker group last; empty groups are left out.
    pub rows: Vec<ReliabilityRow>,
    /// Expected calibration error: Σ n·|accuracy − mean confidence| / Σ n over all groups
    /// (0 when there is none).
    pub ece: f64,
    /// The same over the groups with a speaker.
    pub ece_with_speaker: f64,
}

impl Reliability {
    /// Groups `(confidence, right)` cases, `confidence` `None` for predictions without a
    /// speaker.
    fn new(cases: impl IntoIterator<Item = (Option<f64>, bool)>) -> Self {
        // Keyed by hundredths, highest first; no speaker sorts last.
        let mut groups: BTreeMap<std::cmp::Reverse<Option<i64>>, (usize, usize, f64)> =
            BTreeMap::new();
        for (confidence, right) in cases {
            let key = confidence.map(|c| (c * 100.0).round() as i64);
            let group = groups.entry(std::cmp::Reverse(key)).or_default();
            group.0 += 1;
            group.1 += usize::from(right);
            group.2 += confidence.unwrap_or(0.0);
        }
        let rows: Vec<ReliabilityRow> = groups
            .into_iter()
            .map(|(std::cmp::Reverse(key), (n, right, sum))| ReliabilityRow {
                confidence: key.map(|k| k as f64 / 100.0),
                n,
                right,
                accuracy: ratio(right, n),
                mean_confidence: sum / n as f64,
            })
            .collect();
        Reliability {
            ece: calibration_error(rows.iter()),
            ece_with_speaker: calibration_error(rows.iter().filter(|r| r.confidence.is_some())),
            rows,
        }
    }

    /// The table's lines under a heading naming the view.
    fn to_table(&self, view: &str) -> String {
        let total: usize = self.rows.iter().map(|r| r.n).sum();
        let mut out = format!(
            "\nspeaker confidence reliability, {view} view (n {total}): \
             ECE {:.3}, {:.3} over those with a speaker\n",
            self.ece, self.ece_with_speaker
        );
        if self.rows.is_empty() {
            return out;
        }
        out.push_str("confidence      n  right  accuracy  mean confidence\n");
        for row in &self.rows {
            let confidence = row
                .confidence
                .map_or("no speaker".to_string(), |c| format!("{c:.2}"));
            out.push_str(&format!(
                "{confidence:<10}  {:>5}  {:>5}  {:>8.3}  {:>15.3}\n",
                row.n, row.right, row.accuracy, row.mean_confidence
            ));
        }
        out
    }
}

/// Σ n·|accuracy − mean confidence| / Σ n over the rows (0 when they hold no statement).
fn calibration_error<'r>(rows: impl Iterator<Item = &'r ReliabilityRow>) -> f64 {
    let (mut gap, mut n) = (0.0, 0);
    for row in rows {
        gap += row.n as f64 * (row.accuracy - row.mean_confidence).abs();
        n += row.n;
    }
    if n == 0 {
        0.0
    } else {
        gap / n as f64
    }
}

/// A selection of gold units and predictions scored together (rules in the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    /// Gold direct and partial units against predictions on quote-mark spans.
    Direct,
    /// [`View::Direct`] less predictions on unannotated quote-mark spans.
    DirectStar,
    /// Gold reported speech against the other predictions.
    Indirect,
    /// Everything against everything.
    All,
}

impl View {
    /// Every view, in report order.
    pub(crate) const EVERY: [View; 4] = [View::Direct, View::DirectStar, View::Indirect, View::All];

    /// The view's name in reports (the scorer's).
    pub(crate) fn name(self) -> &'static str {
        match self {
            View::Direct => "direct",
            View::DirectStar => "direct*",
            View::Indirect => "indirect",
            View::All => "all",
        }
    }

    fn selects_gold(self, kind: GoldKind) -> bool {
        match self {
            View::Direct | View::DirectStar => kind != GoldKind::Indirect,
            View::Indirect => kind == GoldKind::Indirect,
            View::All => true,
        }
    }

    fn selects_prediction(self, p: &Predicted) -> bool {
        match self {
            View::Direct => p.direct,
            View::DirectStar => p.direct && !p.other_run,
            View::Indirect => !p.direct,
            View::All => true,
        }
    }
}

/// The figures of one view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViewReport {
    /// Gold units in the view.
    pub gold: usize,
    /// Predictions in the view.
    pub predicted: usize,
    /// Exact span matching.
    pub exact: MatchScores,
    /// Overlap span matching.
    pub overlap: MatchScores,
    /// Speaker right, over overlap-matched gold units with a known speaker.
    pub speaker: Rate,
    /// Speaker right, over those whose gold speaker was read off the mention.
    pub speaker_named: Rate,
    /// Matched predictions (of gold units with a known speaker) that have no speaker.
    pub speaker_empty: usize,
    /// Overlap recall of each gold kind in the view.
    pub recall_by_kind: BTreeMap<&'static str, Rate>,
    /// Speaker accuracy by predicted speaker confidence, over the cases of `speaker`.
    pub speaker_reliability: Reliability,
}

/// The four views of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Views {
    /// Gold direct and partial units against predictions on quote-mark spans.
    pub direct: ViewReport,
    /// The same less predictions on unannotated quote-mark spans.
    #[serde(rename = "direct*")]
    pub direct_star: ViewReport,
    /// Reported speech against the other predictions.
    pub indirect: ViewReport,
    /// Everything against everything.
    pub all: ViewReport,
}

impl Views {
    /// The report of one view.
    pub(crate) fn get(&self, view: View) -> &ViewReport {
        match view {
            View::Direct => &self.direct,
            View::DirectStar => &self.direct_star,
            View::Indirect => &self.indirect,
            View::All => &self.all,
        }
    }
}

/// Extraction figures over a set of gold articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtractionReport {
    /// Articles evaluated.
    pub articles: usize,
    /// Gold units of each kind.
    pub gold_by_kind: BTreeMap<&'static str, usize>,
    /// The figures of each view.
    pub views: Views,
    /// Gold (statement, actor) pairs found, over all gold pairs.
    pub actor_pairs: Rate,
}

impl ExtractionReport {
    /// A readable text table of the figures, percentages as the scorer prints them.
    pub fn to_table(&self) -> String {
        let kinds: Vec<String> = self
            .gold_by_kind
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        let mut out = format!(
            "{} articles, {} gold units ({})\n\n",
            self.articles,
            self.views.all.gold,
            kinds.join(", ")
        );
        out.push_str(
            "view      gold   pred  exact P/R/F1       overlap P/R/F1     speaker acc (n)  \
             named-mention acc (n)  pred speaker empty\n",
        );
        let prf = |s: &MatchScores| {
            format!(
                "{:.1}/{:.1}/{:.1}",
                s.precision * 100.0,
                s.recall * 100.0,
                s.f1 * 100.0
            )
        };
        let acc = |r: &Rate| format!("{:.1} ({})", r.rate * 100.0, r.total);
        for view in View::EVERY {
            let v = self.views.get(view);
            out.push_str(&format!(
                "{:<8} {:>5}  {:>5}  {:<17}  {:<17}  {:<15}  {:<21}  {}\n",
                view.name(),
                v.gold,
                v.predicted,
                prf(&v.exact),
                prf(&v.overlap),
                acc(&v.speaker),
                acc(&v.speaker_named),
                v.speaker_empty
            ));
        }
        let by_kind: Vec<String> = self
            .views
            .all
            .recall_by_kind
            .iter()
            .map(|(k, r)| format!("{k} {}/{} ({:.1}%)", r.hits, r.total, r.rate * 100.0))
            .collect();
        out.push_str(&format!(
            "\noverlap recall by gold kind: {}\n",
            if by_kind.is_empty() {
                "no gold unit".to_string()
            } else {
                by_kind.join(", ")
            }
        ));
        if self.actor_pairs.total > 0 {
            out.push_str(&format!(
                "actor-pair recall: {} / {} ({:.1}%)\n",
                self.actor_pairs.hits,
                self.actor_pairs.total,
                self.actor_pairs.rate * 100.0
            ));
        }
        for view in [View::All, View::Direct] {
            out.push_str(
                &self
                    .views
                    .get(view)
                    .speaker_reliability
                    .to_table(view.name()),
            );
        }
        out
    }
}

/// One error case of the `all` view, in the shape of the scorer's `--errors` lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Mistake {
    /// A matched gold unit whose predicted speaker is wrong.
    WrongSpeaker {
        /// Article id.
        article: String,
        /// Gold kind.
        kind: GoldKind,
        /// Gold speaker.
        gold_speaker: Option<String>,
        /// Gold speaker mention.
        gold_mention: Option<String>,
        /// Where the gold speaker came from.
        speaker_from: Option<String>,
        /// Predicted speaker.
        pred_speaker: Option<String>,
        /// The gold text (first 300 characters).
        text: String,
    },
    /// A gold unit no prediction matches.
    Missed {
        /// Article id.
        article: String,
        /// Gold kind.
        kind: GoldKind,
        /// First character of the gold unit.
        start: usize,
        /// The gold text (first 300 characters).
        text: String,
        /// Gold speaker.
        gold_speaker: Option<String>,
        /// Gold cue.
        cue: Option<String>,
        /// Predictions sharing a character with it (first 200 characters each).
        partial_preds: Vec<String>,
    },
    /// A prediction that matches no gold unit.
    Spurious {
        /// Article id.
        article: String,
        /// First character of the prediction.
        start: usize,
        /// Whether the prediction lies on a quote-mark span.
        direct: bool,
        /// Whether that span is an unannotated quote run.
        unannotated_quote_marks: bool,
        /// The predicted text (first 300 characters).
        text: String,
        /// Predicted speaker.
        pred_speaker: Option<String>,
    },
}

impl Mistake {
    /// The id of the article the case is in.
    pub fn article(&self) -> &str {
        match self {
            Mistake::WrongSpeaker { article, .. }
            | Mistake::Missed { article, .. }
            | Mistake::Spurious { article, .. } => article,
        }
    }
}

/// The first items of a list and how many more there were.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Capped<T> {
    /// The items kept, in their order.
    pub shown: Vec<T>,
    /// Items left out after them.
    pub left_out: usize,
}

impl<T> Capped<T> {
    /// Keeps the first `cap` of `items`.
    fn new(items: impl IntoIterator<Item = T>, cap: usize) -> Self {
        let mut shown = Vec::new();
        let mut left_out = 0;
        for item in items {
            if shown.len() < cap {
                shown.push(item);
            } else {
                left_out += 1;
            }
        }
        Capped { shown, left_out }
    }
}

/// The error cases of one article, by type, for a person to read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ArticleMistakes<'m> {
    /// The article's id.
    pub article: String,
    /// Gold statements no prediction matches.
    pub missed: Capped<&'m Mistake>,
    /// Predictions that match no gold statement.
    pub spurious: Capped<&'m Mistake>,
    /// Matched statements given the wrong speaker.
    pub wrong_speaker: Capped<&'m Mistake>,
}

/// Cases listed per article and type on the page of `evaluate --extraction --report`.
pub(crate) const MISTAKES_PER_LIST: usize = 10;

/// Groups the error cases of [`evaluate_extraction`] by article, in the order the articles
/// come, each type's list cut to its first `cap` cases; articles without a case are left out.
pub(crate) fn mistakes_by_article(mistakes: &[Mistake], cap: usize) -> Vec<ArticleMistakes<'_>> {
    let mut order: Vec<&str> = Vec::new();
    for mistake in mistakes {
        if !order.contains(&mistake.article()) {
            order.push(mistake.article());
        }
    }
    order
        .into_iter()
        .map(|article| {
            let of_article = || mistakes.iter().filter(move |m| m.article() == article);
            ArticleMistakes {
                article: article.to_string(),
                missed: Capped::new(
                    of_article().filter(|m| matches!(m, Mistake::Missed { .. })),
                    cap,
                ),
                spurious: Capped::new(
                    of_article().filter(|m| matches!(m, Mistake::Spurious { .. })),
                    cap,
                ),
                wrong_speaker: Capped::new(
                    of_article().filter(|m| matches!(m, Mistake::WrongSpeaker { .. })),
                    cap,
                ),
            }
        })
        .collect()
}

/// Python's `str.isspace`: Unicode white space plus the four information separators.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `\w`.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// An article's characters, addressable from byte offsets.
struct CharText {
    chars: Vec<char>,
    /// Character index of each byte offset that starts a character (and of the end).
    byte_to_char: Vec<Option<usize>>,
}

impl CharText {
    fn new(text: &str) -> Self {
        let mut byte_to_char = vec![None; text.len() + 1];
        let mut chars = Vec::with_capacity(text.len());
        for (i, (b, c)) in text.char_indices().enumerate() {
            byte_to_char[b] = Some(i);
            chars.push(c);
        }
        byte_to_char[text.len()] = Some(chars.len());
        CharText {
            chars,
            byte_to_char,
        }
    }

    /// The character range of a byte span, `None` off character boundaries.
    fn range(&self, span: Span) -> Option<(usize, usize)> {
        let start = (*self.byte_to_char.get(span.start)?)?;
        let end = (*self.byte_to_char.get(span.end)?)?;
        (start <= end).then_some((start, end))
    }

    /// The non-space character positions of the ranges, sorted, each once.
    fn non_space(&self, ranges: &[(usize, usize)]) -> Vec<usize> {
        let mut out: Vec<usize> = ranges
            .iter()
            .flat_map(|&(s, e)| s..e)
            .filter(|&i| !is_space(self.chars[i]))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The range without [`TRIM`] characters at either end.
    fn trim(&self, (mut start, mut end): (usize, usize)) -> (usize, usize) {
        while start < end && TRIM.contains(&self.chars[start]) {
            start += 1;
        }
        while end > start && TRIM.contains(&self.chars[end - 1]) {
            end -= 1;
        }
        (start, end)
    }

    fn string(&self, (start, end): (usize, usize), limit: usize) -> String {
        self.chars[start..end].iter().take(limit).collect()
    }
}

/// Number of positions two sorted lists share.
fn shared(a: &[usize], b: &[usize]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// A gold unit ready for matching.
struct GoldUnit<'a> {
    quote: &'a GoldQuote,
    start: usize,
    chars: Vec<usize>,
    trim: (usize, usize),
}

/// A prediction ready for matching.
struct Predicted<'a> {
    quote: &'a Quote,
    range: (usize, usize),
    chars: Vec<usize>,
    trim: (usize, usize),
    direct: bool,
    other_run: bool,
}

/// One article with its gold units and predictions in characters.
struct Prepared<'a> {
    gold: &'a GoldArticle,
    analysis: &'a Analysis,
    text: CharText,
    units: Vec<GoldUnit<'a>>,
    predictions: Vec<Predicted<'a>>,
}

impl<'a> Prepared<'a> {
    fn new(gold: &'a GoldArticle, analysis: &'a Analysis) -> Self {
        let text = CharText::new(&gold.text);
        // Gold spans were checked on load; a range off the text cannot occur, an empty one
        // stands in for it.
        let range = |span: Span| text.range(span).unwrap_or((0, 0));
        let units: Vec<GoldUnit> = gold
            .quotes
            .iter()
            .map(|quote| {
                let whole = range(quote.span);
                let segments: Vec<(usize, usize)> =
                    quote.segments.iter().map(|&s| range(s)).collect();
                GoldUnit {
                    quote,
                    start: whole.0,
                    chars: text.non_space(&segments),
                    trim: text.trim(whole),
                }
            })
            .collect();
        // Quote-mark spans: gold direct and partial units (start..end), then other runs.
        let runs: Vec<(Vec<usize>, bool)> = gold
            .quotes
            .iter()
            .filter(|q| q.kind != GoldKind::Indirect)
            .map(|q| (text.non_space(&[range(q.span)]), false))
            .chain(
                gold.other_quote_runs
                    .iter()
                    .map(|&s| (text.non_space(&[range(s)]), true)),
            )
            .collect();
        let mut seen = HashSet::new();
        let mut predictions = Vec::new();
        for quote in &analysis.quotes {
            if !seen.insert(quote.span) {
                continue;
            }
            let Some(r) = text.range(quote.span) else {
                continue;
            };
            let chars = text.non_space(&[r]);
            let mut best: Option<(usize, &(Vec<usize>, bool))> = None;
            for run in &runs {
                let n = shared(&run.0, &chars);
                if best.is_none_or(|(b, _)| n > b) {
                    best = Some((n, run));
                }
            }
            let (on_run, run_chars, is_other) = match best {
                Some((n, run)) => (n, run.0.len(), run.1),
                None => (0, 0, false),
            };
            let direct = !chars.is_empty() && 2 * on_run >= chars.len();
            predictions.push(Predicted {
                quote,
                range: r,
                trim: text.trim(r),
                other_run: direct && is_other && 2 * on_run >= run_chars,
                direct,
                chars,
            });
        }
        Prepared {
            gold,
            analysis,
            text,
            units,
            predictions,
        }
    }
}

/// One-to-one overlap pairs, best first: `matched[g]` is the prediction matched to gold `g`.
fn match_overlap(gold: &[&GoldUnit], predicted: &[&Predicted]) -> Vec<Option<usize>> {
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (gi, g) in gold.iter().enumerate() {
        for (pi, p) in predicted.iter().enumerate() {
            let n = shared(&g.chars, &p.chars);
            let longer = g.chars.len().max(p.chars.len());
            if n > 0 && 2 * n >= longer {
                pairs.push((n as f64 / longer as f64, gi, pi));
            }
        }
    }
    // The scorer sorts (ratio, gold, prediction) tuples in reverse.
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2)));
    let mut matched = vec![None; gold.len()];
    let mut used = vec![false; predicted.len()];
    for (_, gi, pi) in pairs {
        if matched[gi].is_none() && !used[pi] {
            matched[gi] = Some(pi);
            used[pi] = true;
        }
    }
    matched
}

/// Name tokens for comparing speakers: parentheses and possessive `'s` removed, lowercased,
/// `. ' ’ -` stripped from each token, leading titles dropped.
fn name_tokens(name: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut rest = name;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        plain.push_str(&rest[..open]);
        plain.push(' ');
        rest = &rest[open + close + 1..];
    }
    plain.push_str(rest);
    let chars: Vec<char> = plain.chars().collect();
    let mut kept = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let possessive = matches!(chars[i], '\'' | '’')
            && chars.get(i + 1) == Some(&'s')
            && !chars.get(i + 2).is_some_and(|&c| is_word(c));
        if possessive {
            i += 2;
        } else {
            kept.push(chars[i]);
            i += 1;
        }
    }
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < kept.len() {
        if !is_word(kept[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < kept.len() && (is_word(kept[i]) || matches!(kept[i], '.' | '\'' | '’' | '-')) {
            i += 1;
        }
        let token: String = kept[start..i].iter().collect::<String>().to_lowercase();
        let token = token.trim_matches(|c| matches!(c, '.' | '\'' | '’' | '-'));
        if !token.is_empty() {
            tokens.push(token.to_string());
        }
    }
    let titles = tokens
        .iter()
        .take_while(|t| TITLES.contains(&t.as_str()))
        .count();
    tokens.split_off(titles)
}

/// True when two speaker names are the same name or end in the same word (see the module docs).
fn same_speaker(predicted: Option<&str>, gold: Option<&str>) -> bool {
    let (p, g) = (
        name_tokens(predicted.unwrap_or("")),
        name_tokens(gold.unwrap_or("")),
    );
    !p.is_empty() && !g.is_empty() && (p == g || p.last() == g.last())
}

/// True when the predicted speaker is right for a gold unit with a known speaker.
fn speaker_right(gold: &GoldQuote, predicted: Option<&str>) -> bool {
    let mention = gold
        .speaker_mention
        .as_deref()
        .filter(|m| !PRONOUNS.contains(&m.to_lowercase().as_str()));
    same_speaker(predicted, gold.speaker.as_deref()) || same_speaker(predicted, mention)
}

/// True when the gold actor name and the predicted actor name agree (rule in the module docs).
fn names_agree(gold: &str, predicted: &str, analysis: &Analysis) -> bool {
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

/// What the `all` view gathers besides its figures.
#[derive(Default)]
struct AllExtras {
    mistakes: Vec<Mistake>,
    actor_hits: usize,
    actor_total: usize,
}

fn score_view(view: View, articles: &[Prepared], mut extras: Option<&mut AllExtras>) -> ViewReport {
    let (mut gold_n, mut pred_n, mut exact_g, mut exact_p, mut overlap) = (0, 0, 0, 0, 0);
    let (mut speaker_ok, mut speaker_n, mut speaker_empty) = (0, 0, 0);
    let (mut named_ok, mut named_n) = (0, 0);
    let mut confidence_cases = Vec::new();
    let mut kinds: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for article in articles {
        let gold: Vec<&GoldUnit> = article
            .units
            .iter()
            .filter(|g| view.selects_gold(g.quote.kind))
            .collect();
        let predicted: Vec<&Predicted> = article
            .predictions
            .iter()
            .filter(|p| view.selects_prediction(p))
            .collect();
        gold_n += gold.len();
        pred_n += predicted.len();
        let gold_trims: HashSet<(usize, usize)> = gold.iter().map(|g| g.trim).collect();
        let pred_trims: HashSet<(usize, usize)> = predicted.iter().map(|p| p.trim).collect();
        exact_g += gold.iter().filter(|g| pred_trims.contains(&g.trim)).count();
        exact_p += predicted
            .iter()
            .filter(|p| gold_trims.contains(&p.trim))
            .count();
        let matched = match_overlap(&gold, &predicted);
        let mut used = vec![false; predicted.len()];
        let id = &article.gold.id;
        for (g, m) in gold.iter().zip(&matched) {
            let kind = kinds.entry(g.quote.kind.name()).or_default();
            kind.1 += 1;
            if let Some(extras) = extras.as_deref_mut() {
                extras.actor_total += g.quote.actors.len();
            }
            let Some(pi) = *m else {
                if let Some(extras) = extras.as_deref_mut() {
                    let near = predicted
                        .iter()
                        .filter(|p| shared(&p.chars, &g.chars) > 0)
                        .map(|p| article.text.string(p.range, 200))
                        .collect();
                    extras.mistakes.push(Mistake::Missed {
                        article: id.clone(),
                        kind: g.quote.kind,
                        start: g.start,
                        text: g.quote.text.chars().take(300).collect(),
                        gold_speaker: g.quote.speaker.clone(),
                        cue: g.quote.cue.clone(),
                        partial_preds: near,
                    });
                }
                continue;
            };
            overlap += 1;
            used[pi] = true;
            kind.0 += 1;
            let p = predicted[pi];
            if let Some(extras) = extras.as_deref_mut() {
                extras.actor_hits += g
                    .quote
                    .actors
                    .iter()
                    .filter(|ga| {
                        p.quote
                            .actors
                            .iter()
                            .any(|pa| names_agree(&ga.actor, pa, article.analysis))
                    })
                    .count();
            }
            if g.quote.speaker.as_deref().is_none_or(str::is_empty) {
                continue;
            }
            let ok = speaker_right(g.quote, p.quote.speaker.as_deref());
            speaker_n += 1;
            speaker_ok += usize::from(ok);
            speaker_empty += usize::from(p.quote.speaker.is_none());
            let confidence = p
                .quote
                .speaker
                .is_some()
                .then_some(p.quote.speaker_confidence);
            confidence_cases.push((confidence, ok));
            if g.quote.speaker_from.as_deref() == Some("mention") {
                named_n += 1;
                named_ok += usize::from(ok);
            }
            if let (false, Some(extras)) = (ok, extras.as_deref_mut()) {
                extras.mistakes.push(Mistake::WrongSpeaker {
                    article: id.clone(),
                    kind: g.quote.kind,
                    gold_speaker: g.quote.speaker.clone(),
                    gold_mention: g.quote.speaker_mention.clone(),
                    speaker_from: g.quote.speaker_from.clone(),
                    pred_speaker: p.quote.speaker.clone(),
                    text: g.quote.text.chars().take(300).collect(),
                });
            }
        }
        if let Some(extras) = extras.as_deref_mut() {
            for (p, _) in predicted.iter().zip(&used).filter(|(_, used)| !**used) {
                extras.mistakes.push(Mistake::Spurious {
                    article: id.clone(),
                    start: p.range.0,
                    direct: p.direct,
                    unannotated_quote_marks: p.other_run,
                    text: article.text.string(p.range, 300),
                    pred_speaker: p.quote.speaker.clone(),
                });
            }
        }
    }
    ViewReport {
        gold: gold_n,
        predicted: pred_n,
        exact: MatchScores::new(exact_p, pred_n, exact_g, gold_n),
        overlap: MatchScores::new(overlap, pred_n, overlap, gold_n),
        speaker: Rate::new(speaker_ok, speaker_n),
        speaker_named: Rate::new(named_ok, named_n),
        speaker_empty,
        recall_by_kind: kinds
            .into_iter()
            .map(|(k, (hits, total))| (k, Rate::new(hits, total)))
            .collect(),
        speaker_reliability: Reliability::new(confidence_cases),
    }
}

/// Compares each analysis with its gold article (rules in the module docs); also returns the
/// error cases of the `all` view, article by article.
pub fn evaluate_extraction(gold: &[(GoldArticle, Analysis)]) -> (ExtractionReport, Vec<Mistake>) {
    let articles: Vec<Prepared> = gold.iter().map(|(g, a)| Prepared::new(g, a)).collect();
    let mut extras = AllExtras::default();
    let views = Views {
        direct: score_view(View::Direct, &articles, None),
        direct_star: score_view(View::DirectStar, &articles, None),
        indirect: score_view(View::Indirect, &articles, None),
        all: score_view(View::All, &articles, Some(&mut extras)),
    };
    let mut gold_by_kind = BTreeMap::new();
    for (article, _) in gold {
        for q in &article.quotes {
            *gold_by_kind.entry(q.kind.name()).or_default() += 1;
        }
    }
    let report = ExtractionReport {
        articles: gold.len(),
        gold_by_kind,
        views,
        actor_pairs: Rate::new(extras.actor_hits, extras.actor_total),
    };
    (report, extras.mistakes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{Actor, QuoteKind};
    use crate::eval::gold::{GoldActor, GoldFormat, Sentiment, Stance};

    const TEXT: &str = "Ann said “we win today.” Bo said it was late. Cy said “no”. Di sang.";

    fn span_of(text: &str, words: &str) -> Span {
        let start = text.find(words).expect("words in the text");
        Span::new(start, start + words.len())
    }

    fn gold_quote(
        words: &str,
        kind: GoldKind,
        speaker: Option<&str>,
        actors: &[&str],
    ) -> GoldQuote {
        let span = span_of(TEXT, words);
        GoldQuote {
            span,
            segments: vec![span],
            text: words.into(),
            kind,
            speaker: speaker.map(str::to_string),
            speaker_mention: None,
            speaker_from: None,
            cue: None,
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
        Quote {
            id: 1,
            span: span_of(TEXT, words),
            text: words.into(),
            kind: QuoteKind::Direct,
            context: Span::new(0, TEXT.len()),
            context_text: TEXT.into(),
            speaker: speaker.map(str::to_string),
            speaker_confidence: 0.9,
            actors: actors.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn predicted_with(words: &str, speaker: Option<&str>, confidence: f64) -> Quote {
        Quote {
            speaker_confidence: if speaker.is_some() { confidence } else { 0.0 },
            ..predicted(words, speaker, &[])
        }
    }

    fn article(quotes: Vec<GoldQuote>, other_runs: &[&str]) -> GoldArticle {
        GoldArticle {
            id: "t".into(),
            article: "t.txt".into(),
            format: GoldFormat::Polnear,
            text: TEXT.into(),
            quotes,
            other_quote_runs: other_runs.iter().map(|w| span_of(TEXT, w)).collect(),
        }
    }

    fn analysis(quotes: Vec<Quote>) -> Analysis {
        Analysis {
            actors: vec![Actor {
                name: "Park".into(),
                aliases: vec!["Bo Park".into()],
                mentions: vec![],
            }],
            quotes,
        }
    }

    /// Hand-computed case: gold "we win today." (direct), "it was late" (indirect), "no"
    /// (direct); predicted "we win today" (exact once trimmed), "was late" (7 of 9 characters
    /// of the longer span: an overlap), "Di sang" (spurious); "no" is missed.
    #[test]
    fn hand_computed_figures() {
        let gold = article(
            vec![
                gold_quote(
                    "we win today.",
                    GoldKind::Direct,
                    Some("Ann Lee"),
                    &["Bo Park", "Cy Ray"],
                ),
                gold_quote(
                    "it was late",
                    GoldKind::Indirect,
                    Some("Bo Park"),
                    &["Ann Lee"],
                ),
                gold_quote("no", GoldKind::Direct, Some("Cy Ray"), &[]),
            ],
            &[],
        );
        let analysis = analysis(vec![
            predicted("we win today", Some("Lee"), &["Park"]),
            predicted("was late", Some("Park"), &["ann lee"]),
            predicted("Di sang", None, &[]),
            // The same span twice counts once.
            predicted("Di sang", None, &[]),
        ]);
        let (report, mistakes) = evaluate_extraction(&[(gold, analysis)]);
        let all = &report.views.all;
        assert_eq!((all.gold, all.predicted), (3, 3));
        assert_eq!((all.exact.predicted_hits, all.exact.gold_hits), (1, 1));
        assert!((all.exact.precision - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(all.overlap.gold_hits, 2);
        assert!((all.overlap.f1 - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(
            all.speaker,
            Rate {
                hits: 2,
                total: 2,
                rate: 1.0
            }
        );
        assert_eq!(
            all.recall_by_kind["direct"],
            Rate {
                hits: 1,
                total: 2,
                rate: 0.5
            }
        );
        // Direct view: "we win today" lies on a gold direct span; "was late" and "Di sang" do not.
        let direct = &report.views.direct;
        assert_eq!(
            (direct.gold, direct.predicted, direct.overlap.gold_hits),
            (2, 1, 1)
        );
        let indirect = &report.views.indirect;
        assert_eq!(
            (
                indirect.gold,
                indirect.predicted,
                indirect.overlap.gold_hits
            ),
            (1, 2, 1)
        );
        // (q1, Bo Park) found via the alias, (q1, Cy Ray) missed, (q2, Ann Lee) found by case.
        assert_eq!((report.actor_pairs.hits, report.actor_pairs.total), (2, 3));
        assert_eq!(report.gold_by_kind["indirect"], 1);
        assert!(matches!(&mistakes[0], Mistake::Missed { text, .. } if text == "no"));
        assert!(
            matches!(&mistakes[1], Mistake::Spurious { text, direct: false, .. } if text == "Di sang")
        );
        assert_eq!(mistakes.len(), 2);
        let table = report.to_table();
        assert!(
            table.contains("all          3      3  33.3/33.3/33.3     66.7/66.7/66.7"),
            "{table}"
        );
        assert!(
            table.contains("actor-pair recall: 2 / 3 (66.7%)"),
            "{table}"
        );
    }

    /// Three copies of the text, each gold "we win today." (Ann Lee, direct), "it was late"
    /// (Bo Park, indirect) and "no" (Cy Ray, direct; speaker unknown in the third), predicted
    /// with hand-picked speakers and confidences; the expected groups are worked out by hand.
    #[test]
    fn speaker_reliability_groups_by_confidence() {
        let gold = |no_said_by: Option<&str>| {
            article(
                vec![
                    gold_quote("we win today.", GoldKind::Direct, Some("Ann Lee"), &[]),
                    gold_quote("it was late", GoldKind::Indirect, Some("Bo Park"), &[]),
                    gold_quote("no", GoldKind::Direct, no_said_by, &[]),
                ],
                &[],
            )
        };
        let pairs = [
            (
                gold(Some("Cy Ray")),
                analysis(vec![
                    predicted_with("we win today", Some("Lee"), 0.9), // right
                    predicted_with("it was late", Some("Ann"), 0.9),  // wrong
                    predicted_with("no", None, 0.9),                  // no speaker
                ]),
            ),
            (
                gold(Some("Cy Ray")),
                analysis(vec![
                    predicted_with("we win today", Some("Lee"), 0.848), // right, 0.85
                    predicted_with("it was late", Some("Park"), 0.85),  // right
                    predicted_with("no", Some("Ray"), 0.7),             // right
                ]),
            ),
            (
                gold(None),
                analysis(vec![
                    predicted_with("we win today", Some("Bo"), 0.7), // wrong
                    predicted_with("it was late", Some("Park"), 0.7), // right
                    predicted_with("no", Some("Ray"), 0.5),          // gold speaker unknown
                ]),
            ),
        ];
        let (report, _) = evaluate_extraction(&pairs);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        let check = |reliability: &Reliability, expected: &[(Option<f64>, usize, usize, f64)]| {
            let rows: Vec<(Option<f64>, usize, usize)> = reliability
                .rows
                .iter()
                .map(|r| (r.confidence, r.n, r.right))
                .collect();
            let want: Vec<(Option<f64>, usize, usize)> =
                expected.iter().map(|&(c, n, r, _)| (c, n, r)).collect();
            assert_eq!(rows, want);
            for (row, &(_, n, right, mean)) in reliability.rows.iter().zip(expected) {
                assert!(close(row.accuracy, right as f64 / n as f64), "{row:?}");
                assert!(close(row.mean_confidence, mean), "{row:?}");
            }
        };
        let all = &report.views.all;
        check(
            &all.speaker_reliability,
            &[
                (Some(0.9), 2, 1, 0.9),
                (Some(0.85), 2, 2, 0.849),
                (Some(0.7), 3, 2, 0.7),
                (None, 1, 0, 0.0),
            ],
        );
        // The same cases as the speaker accuracy.
        assert_eq!((all.speaker.hits, all.speaker.total), (5, 8));
        assert_eq!(all.speaker_empty, 1);
        // (2·0.4 + 2·0.151 + 3·(0.7 − 2/3)) / 8, and over the 7 with a speaker.
        assert!(close(all.speaker_reliability.ece, 1.202 / 8.0));
        assert!(close(all.speaker_reliability.ece_with_speaker, 1.202 / 7.0));
        // Direct view: "it was late" is left out.
        let direct = &report.views.direct;
        check(
            &direct.speaker_reliability,
            &[
                (Some(0.9), 1, 1, 0.9),
                (Some(0.85), 1, 1, 0.848),
                (Some(0.7), 2, 1, 0.7),
                (None, 1, 0, 0.0),
            ],
        );
        assert!(close(direct.speaker_reliability.ece, 0.652 / 5.0));
        let table = report.to_table();
        assert!(
            table.contains(
                "speaker confidence reliability, all view (n 8): \
                 ECE 0.150, 0.172 over those with a speaker"
            ),
            "{table}"
        );
        assert!(
            table.contains("0.85            2      2     1.000            0.849"),
            "{table}"
        );
        assert!(
            table.contains("no speaker      1      0     0.000            0.000"),
            "{table}"
        );
        assert!(
            table.contains("reliability, direct view (n 5): ECE 0.130"),
            "{table}"
        );
    }

    #[test]
    fn trimming_drops_the_scorers_punctuation_only() {
        let text = CharText::new("x “Yes—fine,” y ok? ");
        assert_eq!(
            text.trim((2, 14)),
            (3, 11),
            "quote marks, dash and comma go"
        );
        assert_eq!(text.trim((16, 20)), (16, 19), "a question mark stays");
        assert_eq!(text.trim((0, 1)), (0, 1));
        assert_eq!(text.trim((13, 14)), (14, 14), "all trimmed: empty");
    }

    #[test]
    fn overlap_needs_half_of_the_longer_span() {
        let gold = gold_quote("no", GoldKind::Direct, None, &[]);
        let unit = |chars: Vec<usize>| GoldUnit {
            quote: &gold,
            start: 0,
            chars,
            trim: (0, 0),
        };
        let quote = predicted("no", None, &[]);
        let pred = |chars: Vec<usize>| Predicted {
            quote: &quote,
            range: (0, 0),
            chars,
            trim: (0, 0),
            direct: true,
            other_run: false,
        };
        // 5 shared of a longer span of 10: a match; of 11: none.
        let g = unit((0..10).collect());
        assert_eq!(match_overlap(&[&g], &[&pred((5..20).collect())]), [None]);
        assert_eq!(match_overlap(&[&g], &[&pred((5..10).collect())]), [Some(0)]);
        assert_eq!(match_overlap(&[&g], &[&pred((5..15).collect())]), [Some(0)]);
        assert_eq!(match_overlap(&[&g], &[&pred((5..16).collect())]), [None]);
        // Best ratio first, one-to-one: the second prediction (ratio 1) wins the gold unit.
        let (a, b) = (pred((0..8).collect()), pred((0..10).collect()));
        assert_eq!(match_overlap(&[&g], &[&a, &b]), [Some(1)]);
        // A tie goes to the later gold unit, then the later prediction.
        let h = unit((0..10).collect());
        assert_eq!(match_overlap(&[&g, &h], &[&b]), [None, Some(0)]);
        assert_eq!(
            match_overlap(&[&g], &[&b, &pred((0..10).collect())]),
            [Some(1)]
        );
    }

    #[test]
    fn direct_view_follows_quote_mark_spans() {
        // "we win today." is gold direct; "no" an unannotated run; "it was late" indirect.
        let gold = article(
            vec![
                gold_quote("we win today.", GoldKind::Direct, None, &[]),
                gold_quote("it was late", GoldKind::Indirect, None, &[]),
            ],
            &["no"],
        );
        let analysis = analysis(vec![
            predicted("win today.” Bo", None, &[]), // 9 of 12 characters on the quote
            predicted("today.” Bo said", None, &[]), // 6 of 13: not direct
            predicted("no", None, &[]),             // on the other run
            predicted("said “no", None, &[]),       // 2 of 7: not direct
            predicted("it was late", None, &[]),    // no quote marks
        ]);
        let prepared = Prepared::new(&gold, &analysis);
        let flags: Vec<(bool, bool)> = prepared
            .predictions
            .iter()
            .map(|p| (p.direct, p.other_run))
            .collect();
        assert_eq!(
            flags,
            [
                (true, false),
                (false, false),
                (true, true),
                (false, false),
                (false, false)
            ]
        );
        let (report, _) = evaluate_extraction(&[(gold, analysis)]);
        assert_eq!(report.views.direct.predicted, 2);
        assert_eq!(report.views.direct_star.predicted, 1);
        assert_eq!(report.views.indirect.predicted, 3);
    }

    #[test]
    fn speaker_names_follow_the_scorers_rule() {
        let same = |p: &str, g: &str| same_speaker(Some(p), Some(g));
        assert!(same("Donald Trump", "Trump"));
        assert!(same("Sen. Ted Cruz", "Ted Cruz"));
        assert!(!same("Trump's campaign", "Donald Trump"));
        assert!(same("Mr. Trump’s", "donald trump"));
        assert!(same("Clinton (D-N.Y.)", "Hillary Clinton"));
        assert!(same("the Washington Post", "Post"));
        assert!(!same("Donald Trump", "Donald"));
        assert!(!same("The", "Mr."), "titles alone leave no name");
        assert!(!same_speaker(None, Some("Trump")));
        assert_eq!(
            name_tokens("Gov. O'Malley's aide-de-camp"),
            ["o'malley", "aide-de-camp"]
        );
        let mut gold = gold_quote("no", GoldKind::Direct, Some("Hillary Clinton"), &[]);
        gold.speaker_mention = Some("campaign chairman John Podesta".into());
        assert!(speaker_right(&gold, Some("Podesta")), "the mention counts");
        gold.speaker_mention = Some("She".into());
        assert!(
            !speaker_right(&gold, Some("she")),
            "a pronoun mention does not"
        );
        assert!(speaker_right(&gold, Some("Clinton")));
    }

    #[test]
    fn mistakes_group_by_article_and_type_with_a_cap() {
        let spurious = |article: &str, text: &str| Mistake::Spurious {
            article: article.into(),
            start: 0,
            direct: false,
            unannotated_quote_marks: false,
            text: text.into(),
            pred_speaker: None,
        };
        let missed = |article: &str| Mistake::Missed {
            article: article.into(),
            kind: GoldKind::Direct,
            start: 0,
            text: "gone".into(),
            gold_speaker: None,
            cue: None,
            partial_preds: Vec::new(),
        };
        let mistakes = [
            missed("b"),
            spurious("b", "one"),
            spurious("a", "x"),
            spurious("b", "two"),
            spurious("b", "three"),
        ];
        let grouped = mistakes_by_article(&mistakes, 2);
        let articles: Vec<&str> = grouped.iter().map(|a| a.article.as_str()).collect();
        assert_eq!(articles, ["b", "a"]);
        let b = &grouped[0];
        assert_eq!((b.missed.shown.len(), b.missed.left_out), (1, 0));
        assert_eq!(b.spurious.shown, [&mistakes[1], &mistakes[3]]);
        assert_eq!(b.spurious.left_out, 1);
        assert!(b.wrong_speaker.shown.is_empty());
        assert_eq!(grouped[1].spurious.shown, [&mistakes[2]]);
    }

    #[test]
    fn empty_input_is_zero() {
        let (report, mistakes) = evaluate_extraction(&[]);
        assert_eq!(report.views.all.overlap.f1, 0.0);
        assert_eq!(report.views.all.speaker.rate, 0.0);
        assert!(mistakes.is_empty());
        assert!(report.views.all.speaker_reliability.rows.is_empty());
        assert_eq!(report.views.all.speaker_reliability.ece, 0.0);
        let table = report.to_table();
        assert!(table.contains("no gold unit"));
        assert!(
            table.contains("reliability, all view (n 0): ECE 0.000"),
            "{table}"
        );
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
