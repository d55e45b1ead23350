//! Where names stand in the text: listed names and aliases, then capitalised runs cut into
//! name candidates.
//!
//! Listed names match case-insensitively on word bounds, the longest match first, and claim
//! their tokens. Found names are runs of capitalised words (joined by `of`, `for`, `and` …),
//! with titles stripped (`President`, `Mayor`, `Sen.`, `Police Commissioner`, …) and
//! stopwords dropped from the front; a run is cut at `and` and between a titled person and
//! the place after `of` (`Mayor Tom Brandt of Marrow Falls`), and an acronym defined right
//! after it in parentheses is kept with it. Turning candidates into actors is left to
//! [`super::actors`].

use rustc_hash::FxHashMap;

use super::grammar::{is_verbish, starts_sentence};
use super::lexicon::{
    has_org_word, is_acronym, is_calendar_word, is_capitalised, is_cue, is_news_credit,
    is_party_tag, is_title, is_weak_title, is_weekday, normal_title, strip_possessive, Lowercase,
    ADJECTIVAL_NAMES, CONNECTORS, CONTRACTION_ENDINGS, GROUPS_OF, GROUP_NOUNS, ORG_CONNECTORS,
    ORG_WORDS, STOPWORDS,
};
use super::mentions::{FoundActors, Mention, MentionKind};
use super::segment::Document;
use super::types::{ActorList, Span};

/// Most tokens a run of capitalised words grows to before it is cut: no name is longer, and
/// an unbounded run (`ICE ICE ICE …` thousands of times) would make one actor whose name, and
/// every look-up of it, grows with the text.
const MAX_NAME_TOKENS: usize = 16;

/// Most words of capitals a dateline has (`SALT LAKE CITY —`, or a heading in capitals at the
/// head of a paragraph, up to twelve words in PolNeAR): the bound keeps a long run of capitals
/// from being scanned again for each of its words.
const MAX_DATELINE_WORDS: usize = 32;

/// A name found in the text before actors are built.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// The name's words, titles stripped (a possessive `’s` left out).
    pub(crate) span: Span,
    /// First token of the name.
    pub(crate) first_token: usize,
    /// Last token of the name.
    pub(crate) last_token: usize,
    /// How many words the name has.
    pub(crate) words: usize,
    /// Titles stripped from it, normalised.
    pub(crate) titles: Vec<String>,
    /// An acronym defined right after it in parentheses: its span and token.
    pub(crate) acronym: Option<(Span, usize)>,
    /// True when the name opens its sentence (or a quotation), so its capital proves little.
    pub(crate) sentence_initial: bool,
}

/// The lower-case word tokens of `text` (a listed name), tokenised as the article is.
fn lower_words(text: &str) -> Vec<String> {
    let doc = Document::new(text);
    (0..doc.tokens.len())
        .map(|i| doc.token_text(i).to_lowercase())
        .collect()
}

/// A listed name or alias as `match_known` looks it up: its place in the list, its actor and
/// its lower-case words.
type ListedName<'l> = (usize, usize, &'l [String]);

/// Marks where listed names and aliases occur (longest match first).
pub(crate) fn match_known(
    doc: &Document,
    known: &ActorList,
    found: &mut FoundActors,
    claimed: &mut [bool],
) {
    let lowered: Vec<String> = (0..doc.tokens.len())
        .map(|i| strip_possessive(doc.token_text(i)).0.to_lowercase())
        .collect();
    // The listed names by their first word, each with its place in the list: a token is
    // compared only with the names that start with it, not with every name of the list.
    let mut by_first: FxHashMap<&str, Vec<ListedName>> = FxHashMap::default();
    let listed: Vec<(usize, Vec<String>)> = known
        .actors
        .iter()
        .enumerate()
        .flat_map(|(actor, k)| {
            std::iter::once(&k.name)
                .chain(k.aliases.iter())
                .map(move |name| (actor, lower_words(name)))
        })
        .collect();
    for (order, (actor, words)) in listed.iter().enumerate() {
        if let Some(first) = words.first() {
            by_first
                .entry(first.as_str())
                .or_default()
                .push((order, *actor, words.as_slice()));
        }
    }
    let mut matches: Vec<(usize, usize, usize, usize)> = Vec::new(); // (first, len, actor, order)
    for start in 0..doc.tokens.len() {
        let Some(names) = by_first.get(lowered[start].as_str()) else {
            continue;
        };
        for &(order, actor, words) in names {
            let end = start + words.len();
            if end > doc.tokens.len() {
                continue;
            }
            let same_sentence = doc.tokens[start].sentence == doc.tokens[end - 1].sentence;
            if same_sentence && lowered[start..end] == words[..] {
                matches.push((start, words.len(), actor, order));
            }
        }
    }
    // Longest first, then in text order, then in list order (the order of the list's names).
    matches.sort_by_key(|&(start, len, _, order)| (std::cmp::Reverse(len), start, order));
    for (start, len, actor, _) in matches {
        if claimed[start..start + len].iter().any(|&c| c) {
            continue;
        }
        claimed[start..start + len]
            .iter_mut()
            .for_each(|c| *c = true);
        let last = start + len - 1;
        let end = possessive_end(doc, last);
        found.mentions.push(Mention {
            span: Span::new(doc.tokens[start].span.start, end),
            actor,
            kind: MentionKind::Name,
            first_token: start,
            last_token: last,
        });
    }
}

/// End byte of token `i` without a possessive ending.
fn possessive_end(doc: &Document, i: usize) -> usize {
    let token = doc.tokens[i];
    let (stem, _) = strip_possessive(token.span.slice(doc.text));
    token.span.start + stem.len()
}

/// True when token `i` may be a word of a name: a capitalised word that is not a weekday, a
/// month before a day's number (`March 3`), a party-and-state tag (`R-Utah`), a name made an
/// adjective (`Angeles-based`, `Obama-era`), a dateline (`RIVERTON, Ohio —`) or a news
/// agency's credit (`(AP)`, `[Reuters]`).
fn is_name_word(doc: &Document, i: usize) -> bool {
    let word = doc.token_text(i);
    if !doc.is_word(i) || !is_capitalised(word) {
        return false;
    }
    let lower = word.lower();
    let before_number = doc
        .token_text(i + 1)
        .trim_start_matches('.')
        .starts_with(|c: char| c.is_ascii_digit())
        || (doc.token_text(i + 1) == "."
            && doc
                .token_text(i + 2)
                .starts_with(|c: char| c.is_ascii_digit()));
    let calendar = is_weekday(&lower) || (is_calendar_word(&lower) && before_number);
    let adjective = is_adjective_name(word);
    let bracketed = i > 0
        && matches!(doc.token_text(i - 1), "(" | "[")
        && matches!(doc.token_text(i + 1), ")" | "]" | ".");
    let tag = bracketed && (is_party_tag(word) || is_news_credit(&lower));
    !(calendar || adjective || tag || is_contraction(&lower) || is_dateline(doc, i))
}

/// `i’m`, `we’re`, `it’s` (lower-cased): a stop word and a contraction, no name.
fn is_contraction(lower: &str) -> bool {
    lower.split_once(['’', '\'']).is_some_and(|(head, tail)| {
        STOPWORDS.contains(&head) && CONTRACTION_ENDINGS.contains(&tail)
    })
}

/// True when the word at `i` is an adjective of nationality or party ([`ADJECTIVAL_NAMES`])
/// describing the lower-case word after it (`Republican hopefuls`, `Syrian refugees`): not a
/// noun before its verb (`one Republican said`), nor the adjective of a body that acts (`the
/// Israeli government`, `Republican officials`), which stands for that body.
fn describes_next(doc: &Document, i: usize) -> bool {
    let next = i + 1;
    let (word, following) = (doc.token_text(i), doc.token_text(next));
    ADJECTIVAL_NAMES.contains(&word.lower().as_ref())
        && doc.is_word(next)
        && doc.tokens.get(next).map(|t| t.sentence) == doc.tokens.get(i).map(|t| t.sentence)
        && following.starts_with(char::is_lowercase)
        && !is_verbish(following)
        && !has_org_word(&[following])
        && !GROUP_NOUNS.contains(&following)
}

/// True when a capitalised word is a name made an adjective (`Angeles-based`, `Obama-era`).
fn is_adjective_name(word: &str) -> bool {
    word.split('-')
        .skip(1)
        .any(|part| part.starts_with(char::is_lowercase))
}

/// `WASHINGTON —`, `RIVERTON, Ohio (AP) —`: capitals at the head of a paragraph, before a
/// comma, a dash or a bracket, that say where the story was filed.
fn is_dateline(doc: &Document, i: usize) -> bool {
    let word = doc.token_text(i);
    let capitals = word.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && !word.chars().any(char::is_lowercase);
    if !capitals {
        return false;
    }
    let Some(sentence) = doc.sentence_of(i) else {
        return false;
    };
    let paragraph_start = doc.paragraphs.get(sentence.paragraph).map(|p| p.start);
    let mut first = i;
    while first > sentence.tokens.start
        && i - first < MAX_DATELINE_WORDS
        && doc.token_text(first - 1).chars().all(|c| !c.is_lowercase())
        && doc.is_word(first - 1)
    {
        first -= 1;
    }
    let opens_paragraph =
        first == sentence.tokens.start && paragraph_start == Some(doc.tokens[first].span.start);
    let mut last = i;
    while last - i < MAX_DATELINE_WORDS
        && doc.is_word(last + 1)
        && !doc.token_text(last + 1).chars().any(char::is_lowercase)
    {
        last += 1;
    }
    opens_paragraph && matches!(doc.token_text(last + 1), "," | "—" | "–" | "(" | "-")
}

/// Collects capitalised runs, split and stripped into name candidates.
pub(crate) fn name_candidates(doc: &Document, claimed: &[bool]) -> Vec<Candidate> {
    let mut out = Vec::new();
    let n = doc.tokens.len();
    let mut i = 0;
    while i < n {
        if claimed[i] || !is_name_word(doc, i) {
            i += 1;
            continue;
        }
        // Grow a run of capitalised words (and connectors between them).
        let mut run = vec![i];
        let mut j = i;
        // `Los Angeles-based`: a run that a name made an adjective ends is that adjective's.
        let mut modifier = false;
        loop {
            let current = doc.token_text(j);
            if strip_possessive(current).1 || j + 1 - i >= MAX_NAME_TOKENS {
                break;
            }
            let mut next = j + 1;
            // `Dr. Nair`, `U.S. Senate`, `Laurence H. Tribe`: the dot after an abbreviation or
            // an initial stays in the run.
            let initial = current.chars().count() == 1 && is_capitalised(current);
            if doc.token_text(next) == "."
                && (is_title(current) || current.contains('.') || initial)
            {
                next += 1;
            }
            let same =
                |k: usize| k < n && doc.tokens[k].sentence == doc.tokens[i].sentence && !claimed[k];
            if !same(next) || !doc.is_word(next) {
                break;
            }
            let w = doc.token_text(next);
            if is_capitalised(w) {
                if !is_name_word(doc, next) {
                    modifier = is_adjective_name(w);
                    break;
                }
                run.push(next);
                j = next;
                continue;
            }
            let lower = w.lower();
            let after = next + 1;
            let joins = !ORG_CONNECTORS.contains(&lower.as_ref())
                || ORG_WORDS.contains(&current.lower().as_ref());
            if CONNECTORS.contains(&lower.as_ref())
                && joins
                && same(after)
                && is_name_word(doc, after)
            {
                run.push(next);
                run.push(after);
                j = after;
                continue;
            }
            // `of the`: `Bank of the West`.
            if lower == "of"
                && doc.token_text(after).eq_ignore_ascii_case("the")
                && same(after + 1)
                && is_capitalised(doc.token_text(after + 1))
            {
                run.extend([next, after, after + 1]);
                j = after + 1;
                continue;
            }
            break;
        }
        let end = j + 1;
        if modifier || (run.len() == 1 && describes_next(doc, i)) {
            i = end;
            continue;
        }
        // An acronym defined right after: `Long Form (ACR)`.
        let acronym = (doc.token_text(end) == "("
            && doc.is_word(end + 1)
            && is_acronym(doc.token_text(end + 1))
            && doc.token_text(end + 2) == ")")
            .then_some(end + 1);
        let parts = if acronym.is_some() {
            vec![run]
        } else {
            split_on_and(doc, run)
        };
        let parts = split_title_of_place(doc, parts);
        let last_part = parts.len().saturating_sub(1);
        for (p, part) in parts.into_iter().enumerate() {
            let acr = if p == last_part { acronym } else { None };
            if let Some(c) = make_candidate(doc, &part, acr) {
                out.push(c);
            }
        }
        i = end;
    }
    out
}

/// `Mayor Tom Brandt of Marrow Falls`: a titled person, then a place.
fn split_title_of_place(doc: &Document, parts: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    for part in parts {
        let titled = part
            .first()
            .is_some_and(|&t| is_title(doc.token_text(t)) && !is_weak_title(doc.token_text(t)));
        let of = part.iter().position(|&t| doc.token_text(t) == "of");
        // `Holger Schmieding of Berenberg`: a plain person's name, then where they work.
        let person_of = of.is_some_and(|o| {
            let before: Vec<&str> = part[..o].iter().map(|&t| doc.token_text(t)).collect();
            (2..=3).contains(&o)
                && !has_org_word(&before)
                && before
                    .iter()
                    .all(|w| !is_title(w) && !CONNECTORS.contains(&w.lower().as_ref()))
        });
        match of {
            Some(o) if (titled && o > 1 || person_of) && o + 1 < part.len() => {
                out.push(part[..o].to_vec());
                out.push(part[o + 1..].to_vec());
            }
            _ => out.push(part),
        }
    }
    out
}

fn split_on_and(doc: &Document, run: Vec<usize>) -> Vec<Vec<usize>> {
    let mut parts = vec![Vec::new()];
    for t in run {
        if doc.token_text(t) == "and" {
            parts.push(Vec::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(t);
        }
    }
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// Strips stop words and titles from a run; `None` when nothing name-like is left.
fn make_candidate(doc: &Document, run: &[usize], acronym: Option<usize>) -> Option<Candidate> {
    let words: Vec<&str> = run
        .iter()
        .map(|&t| strip_possessive(doc.token_text(t)).0)
        .collect();
    let mut start = 0;
    let initial = starts_sentence(doc, run[0]);
    // Leading stop words and connectors; a cue opening the sentence (`Said Bo Park, …`).
    while start < words.len()
        && (STOPWORDS.contains(&words[start].lower().as_ref())
            || CONNECTORS.contains(&words[start].lower().as_ref())
            || (initial && start == 0 && is_cue(words[start])))
    {
        start += 1;
    }
    // `Critics of Mamdani` at the start of a sentence: the first word is no name.
    let lower0 = words.get(start).map(|w| w.lower()).unwrap_or_default();
    // `Supporters of Hillary Clinton` anywhere: a group named by what it is to the actor.
    let group_of = GROUPS_OF.contains(&lower0.as_ref())
        && words
            .get(start + 1)
            .is_some_and(|w| w.eq_ignore_ascii_case("of"));
    if (initial
        && acronym.is_none()
        && start == 0
        && words.len() > 2
        && CONNECTORS.contains(&words[1].lower().as_ref())
        && !ORG_WORDS.contains(&lower0.as_ref())
        && !is_title(words[0]))
        || group_of
    {
        start += 2;
    }
    let mut titles: Vec<String> = Vec::new();
    // Leading titles; a weak title (`Police`, `State`) only counts right after another title
    // or right before a strong one (`Police Commissioner`, `Attorney General`).
    let mut k = start;
    while k < words.len() && is_title(words[k]) && k + 1 < words.len() {
        let weak = is_weak_title(words[k]);
        let next_strong = is_title(words[k + 1]) && !is_weak_title(words[k + 1]);
        if weak && titles.is_empty() && !next_strong {
            break;
        }
        titles.push(normal_title(words[k]));
        k += 1;
    }
    // `Secretary of State John Kerry`: the title's own complement is no name.
    if !titles.is_empty() && words.get(k).is_some_and(|w| w.eq_ignore_ascii_case("of")) {
        k = (k + 2).min(words.len());
    }
    // A title in the middle: `Homeland Security Secretary Kristi Noem`.
    if let Some(m) = (k..words.len().saturating_sub(1))
        .rev()
        .find(|&m| is_title(words[m]) && !is_weak_title(words[m]))
    {
        if !has_org_word(&words[m + 1..]) && m > k {
            titles.push(normal_title(words[m]));
            k = m + 1;
        }
    }
    let mut end = words.len();
    while end > k && CONNECTORS.contains(&words[end - 1].lower().as_ref()) {
        end -= 1;
    }
    if k >= end {
        return None;
    }
    let kept = &words[k..end];
    if kept.len() == 1 {
        let w = kept[0];
        let lower = w.lower();
        if w.chars().count() < 2
            || is_calendar_word(&lower)
            || !w.chars().any(|c| c.is_alphabetic())
        {
            return None;
        }
    }
    if kept.iter().all(|w| is_calendar_word(&w.lower())) {
        return None;
    }
    let first_token = run[k];
    let last_token = run[end - 1];
    let span = Span::new(
        doc.tokens[first_token].span.start,
        possessive_end(doc, last_token),
    );
    Some(Candidate {
        span,
        first_token,
        last_token,
        words: kept.len(),
        titles,
        acronym: acronym.map(|a| {
            (
                Span::new(doc.tokens[a].span.start, doc.tokens[a].span.end),
                a,
            )
        }),
        sentence_initial: initial && k == 0 && start == 0,
    })
}
