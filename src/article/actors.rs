//! Actors: the user's actor list, and names found in the text without a list.
//!
//! Found names are runs of capitalised words (joined by `of`, `for`, `and` …), with titles
//! stripped (`President`, `Mayor`, `Sen.`, `Police Commissioner`, …) and sentence-initial
//! words kept only when they are names (`The`, `Despite`, `Critics` are not). An acronym
//! defined in parentheses (`Immigration and Customs Enforcement (ICE)`) links both forms
//! into one actor whose canonical name is **the acronym**, because articles go on using it.
//! A single word is linked to the one longer name ending with it (a surname, `Mamdani` →
//! `Zohran Mamdani`) or, for an organisation, starting with it (`Harlow` → `Harlow Steel
//! Works`). Listed actors win: their names and aliases are matched first, longest first.

use std::collections::HashMap;

use super::quotes::{is_cue, RawQuote};
use super::segment::{Document, TokenKind};
use super::{Actor, ActorFileError, ActorList, KnownActor, Span};

/// Words that never start a name, even capitalised.
const STOPWORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "despite",
    "during",
    "through",
    "in",
    "on",
    "at",
    "after",
    "before",
    "while",
    "but",
    "and",
    "or",
    "however",
    "although",
    "though",
    "as",
    "when",
    "if",
    "since",
    "following",
    "under",
    "over",
    "with",
    "without",
    "for",
    "from",
    "by",
    "to",
    "of",
    "it",
    "its",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "their",
    "our",
    "my",
    "your",
    "him",
    "them",
    "us",
    "me",
    "what",
    "who",
    "why",
    "how",
    "where",
    "which",
    "now",
    "then",
    "here",
    "there",
    "one",
    "every",
    "some",
    "many",
    "most",
    "all",
    "no",
    "yes",
    "not",
    "so",
    "yet",
    "also",
    "still",
    "both",
    "each",
    "such",
    "more",
    "less",
    "only",
    "just",
    "even",
    "instead",
    "meanwhile",
    "asked",
    "speaking",
    "according",
    "like",
    "about",
    "among",
    "until",
    "once",
    "because",
    "whether",
    "former",
    "another",
    "other",
    "several",
    "few",
    "any",
    "up",
    "out",
    "last",
    "next",
    "first",
];

/// Titles stripped from the front of a name (lower case, without the dot).
const TITLES: &[&str] = &[
    "president",
    "mayor",
    "mayor-elect",
    "president-elect",
    "sen",
    "senator",
    "gov",
    "governor",
    "rep",
    "representative",
    "congressman",
    "congresswoman",
    "judge",
    "justice",
    "commissioner",
    "secretary",
    "dr",
    "mr",
    "mrs",
    "ms",
    "miss",
    "prof",
    "professor",
    "chief",
    "councilmember",
    "councilman",
    "councilwoman",
    "council",
    "member",
    "director",
    "chairman",
    "chairwoman",
    "chair",
    "minister",
    "premier",
    "chancellor",
    "ambassador",
    "attorney",
    "general",
    "police",
    "officer",
    "detective",
    "sheriff",
    "superintendent",
    "rev",
    "reverend",
    "gen",
    "lt",
    "col",
    "capt",
    "sgt",
    "captain",
    "lieutenant",
    "sergeant",
    "teacher",
    "coach",
    "speaker",
    "deputy",
    "assistant",
    "vice",
    "acting",
    "interim",
    "former",
    "principal",
    "dean",
    "inspector",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "executive",
    "ceo",
    "leader",
    "pastor",
    "father",
    "sir",
    "dame",
    "lord",
    "lady",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "bishop",
    "state",
    "city",
    "county",
    "federal",
    "u.s",
    "house",
    "senate",
];

/// Titles that start a person's name only when right before it (`State Sen. X`, but not
/// `State Department`): these are stripped only when followed by another title or a name.
const WEAK_TITLES: &[&str] = &[
    "state",
    "city",
    "county",
    "federal",
    "u.s",
    "house",
    "senate",
    "council",
    "member",
    "general",
    "police",
    "executive",
    "leader",
    "chief",
    "vice",
    "acting",
    "interim",
    "former",
    "deputy",
    "assistant",
];

/// Words that make a name an organisation (or institution).
pub const ORG_WORDS: &[&str] = &[
    "department",
    "agency",
    "council",
    "board",
    "union",
    "association",
    "guild",
    "club",
    "college",
    "university",
    "school",
    "works",
    "authority",
    "administration",
    "enforcement",
    "security",
    "patrol",
    "court",
    "party",
    "committee",
    "commission",
    "office",
    "bureau",
    "service",
    "services",
    "district",
    "city",
    "county",
    "state",
    "states",
    "senate",
    "house",
    "congress",
    "inc",
    "corp",
    "corporation",
    "company",
    "co",
    "group",
    "bank",
    "news",
    "times",
    "press",
    "police",
    "ministry",
    "institute",
    "foundation",
    "center",
    "centre",
    "coalition",
    "alliance",
    "network",
    "church",
    "hospital",
    "army",
    "navy",
    "force",
    "guard",
    "industries",
    "fund",
    "trust",
    "partners",
    "campaign",
    "post",
    "journal",
    "tribune",
    "council",
    "assembly",
    "legislature",
    "government",
    "federation",
    "society",
    "league",
    "organization",
    "organisation",
    "nyc",
    "citizens",
    "parents",
    "workers",
    "teachers",
    "nurses",
    "steel",
    "transit",
    "railway",
    "airlines",
    "motors",
    "media",
    "tolls",
    "standards",
    "nations",
];

/// Connectors allowed inside a name when a capitalised word follows.
const CONNECTORS: &[&str] = &[
    "of", "for", "and", "de", "du", "van", "von", "der", "al", "bin", "la", "le", "on",
];

/// Month and day names, never actors on their own.
const CALENDAR: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Words that, right after a sentence-initial word, show it is a subject (so a name).
const VERB_AFTER: &[&str] = &[
    "has",
    "have",
    "had",
    "is",
    "was",
    "are",
    "were",
    "will",
    "would",
    "could",
    "can",
    "may",
    "might",
    "must",
    "should",
    "did",
    "does",
    "also",
    "then",
    "later",
    "previously",
];

/// What kind of actor a name stands for (guessed from its words and how it is used).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    /// A person (a title, or two or three plain capitalised words).
    Person,
    /// An agency, company, party, union … (an acronym or an organisation word).
    Organisation,
    /// A place (mostly named after `in`, `at`, `from`).
    Place,
    /// Not known.
    Unknown,
}

/// Grammatical gender learned from titles (`Mr.`, `Ms.`) or resolved pronouns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    /// he / him / his.
    Male,
    /// she / her / hers.
    Female,
}

/// How a mention refers to its actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionKind {
    /// A name, alias, acronym or surname.
    Name,
    /// A description such as `the president` or `the union`.
    Description,
    /// A third-person pronoun.
    Pronoun,
}

/// One place where the article refers to an actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    /// The words of the mention (a possessive `’s` left out).
    pub span: Span,
    /// Index into [`FoundActors::actors`].
    pub actor: usize,
    /// Name, description or pronoun.
    pub kind: MentionKind,
    /// First token of the mention.
    pub first_token: usize,
    /// Last token of the mention.
    pub last_token: usize,
}

/// An actor while the article is analysed.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundActor {
    /// Canonical name.
    pub name: String,
    /// Other names.
    pub aliases: Vec<String>,
    /// Person, organisation, place or unknown.
    pub kind: ActorKind,
    /// Gender when known.
    pub gender: Option<Gender>,
    /// Titles met before the name, normalised (`gov` → `governor`).
    pub titles: Vec<String>,
}

/// Actors and their mentions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FoundActors {
    /// All actors, listed ones first.
    pub actors: Vec<FoundActor>,
    /// All mentions, in text order.
    pub mentions: Vec<Mention>,
}

impl FoundActors {
    /// Sorts mentions into text order.
    pub fn sort(&mut self) {
        self.mentions.sort_by_key(|m| (m.span.start, m.span.end));
    }

    /// The public view: mentioned actors in order of first mention, pronouns left out.
    pub fn public_actors(&self) -> Vec<Actor> {
        let mut order: Vec<(usize, usize)> = Vec::new();
        for m in &self.mentions {
            if m.kind != MentionKind::Pronoun && !order.iter().any(|&(a, _)| a == m.actor) {
                order.push((m.actor, m.span.start));
            }
        }
        order
            .into_iter()
            .filter_map(|(a, _)| {
                let actor = self.actors.get(a)?;
                let mut aliases: Vec<String> = Vec::new();
                for alias in &actor.aliases {
                    if !alias.eq_ignore_ascii_case(&actor.name)
                        && !aliases.iter().any(|x| x.eq_ignore_ascii_case(alias))
                    {
                        aliases.push(alias.clone());
                    }
                }
                Some(Actor {
                    name: actor.name.clone(),
                    aliases,
                    mentions: self
                        .mentions
                        .iter()
                        .filter(|m| m.actor == a && m.kind != MentionKind::Pronoun)
                        .map(|m| m.span)
                        .collect(),
                })
            })
            .collect()
    }
}

/// Parses the actors-file format documented on [`ActorList`].
pub fn parse_actor_list(text: &str, origin: &str) -> Result<ActorList, ActorFileError> {
    let mut list = ActorList::new();
    // lower-case name -> (canonical, line)
    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    for (index, raw_line) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw_line.trim_start_matches('\u{feff}');
        let offset = raw_line.len() - line.len();
        let content = strip_comment(line);
        if content.trim().is_empty() {
            continue;
        }
        let column = |byte: usize| {
            raw_line
                .get(..offset + byte)
                .map_or(1, |s| s.chars().count() + 1)
        };
        let (name_part, rest) = match content.find('=') {
            Some(eq) => (&content[..eq], Some((eq, &content[eq + 1..]))),
            None => (content, None),
        };
        let name = name_part.trim();
        if name.is_empty() || name.contains('|') {
            let at = if name.is_empty() {
                name_part.len()
            } else {
                name_part.find('|').unwrap_or(0)
            };
            return Err(ActorFileError::MissingName {
                origin: origin.to_string(),
                line: line_no,
                column: column(at),
            });
        }
        let mut names = vec![(
            name.to_string(),
            column(name_part.len() - name_part.trim_start().len()),
        )];
        if let Some((eq, rest)) = rest {
            if let Some(second) = rest.find('=') {
                return Err(ActorFileError::SecondEquals {
                    origin: origin.to_string(),
                    line: line_no,
                    column: column(eq + 1 + second),
                });
            }
            let mut separator_at = eq;
            let mut separator = '=';
            let mut piece_start = eq + 1;
            for piece in rest.split('|') {
                let alias = piece.trim();
                if alias.is_empty() {
                    return Err(ActorFileError::EmptyAlias {
                        origin: origin.to_string(),
                        line: line_no,
                        column: column(separator_at),
                        after: separator,
                    });
                }
                names.push((
                    alias.to_string(),
                    column(piece_start + piece.len() - piece.trim_start().len()),
                ));
                separator_at = piece_start + piece.len();
                separator = '|';
                piece_start += piece.len() + 1;
            }
        }
        for (n, col) in &names {
            let key = n.to_lowercase();
            if let Some((owner, owner_line)) = seen.get(&key) {
                if owner != name || *owner_line != line_no {
                    return Err(ActorFileError::Duplicate {
                        origin: origin.to_string(),
                        line: line_no,
                        column: *col,
                        name: n.clone(),
                        owner: owner.clone(),
                        owner_line: *owner_line,
                    });
                }
            }
            seen.insert(key, (name.to_string(), line_no));
        }
        list.actors.push(KnownActor {
            name: name.to_string(),
            aliases: names.into_iter().skip(1).map(|(n, _)| n).collect(),
        });
    }
    Ok(list)
}

/// The line without a `#` comment (a whole-line comment, or ` #` and what follows).
fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// A name found in the text before actors are built.
#[derive(Debug, Clone)]
struct Candidate {
    span: Span,
    first_token: usize,
    last_token: usize,
    words: usize,
    titles: Vec<String>,
    acronym: Option<(Span, usize)>,
    sentence_initial: bool,
}

/// Finds the actors of the document: listed ones and names from the text.
pub fn find_actors(doc: &Document, known: &ActorList, _quotes: &[RawQuote]) -> FoundActors {
    let mut found = FoundActors::default();
    let mut keys: HashMap<String, usize> = HashMap::new();
    for k in &known.actors {
        let index = found.actors.len();
        found.actors.push(FoundActor {
            name: k.name.clone(),
            aliases: k.aliases.clone(),
            kind: ActorKind::Unknown,
            gender: None,
            titles: Vec::new(),
        });
        keys.entry(k.name.to_lowercase()).or_insert(index);
        for alias in &k.aliases {
            keys.entry(alias.to_lowercase()).or_insert(index);
        }
    }
    let mut claimed = vec![false; doc.tokens.len()];
    match_known(doc, known, &mut found, &mut claimed);
    let candidates = name_candidates(doc, &claimed);
    build_actors(doc, candidates, known.actors.len(), &mut found, &mut keys);
    classify(doc, &mut found);
    found.sort();
    found
}

fn lower_words(text: &str) -> Vec<String> {
    let doc = Document::new(text);
    (0..doc.tokens.len())
        .map(|i| doc.token_text(i).to_lowercase())
        .collect()
}

/// Strips a possessive `’s` / `'s` (or a lone trailing apostrophe).
fn strip_possessive(word: &str) -> (&str, bool) {
    for suffix in ["’s", "'s", "’S", "'S"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            if !stem.is_empty() {
                return (stem, true);
            }
        }
    }
    (word, false)
}

/// Marks where listed names and aliases occur (longest match first).
fn match_known(doc: &Document, known: &ActorList, found: &mut FoundActors, claimed: &mut [bool]) {
    let lowered: Vec<String> = (0..doc.tokens.len())
        .map(|i| strip_possessive(doc.token_text(i)).0.to_lowercase())
        .collect();
    let mut matches: Vec<(usize, usize, usize)> = Vec::new(); // (first, len, actor)
    for (actor, k) in known.actors.iter().enumerate() {
        for name in std::iter::once(&k.name).chain(k.aliases.iter()) {
            let words = lower_words(name);
            if words.is_empty() {
                continue;
            }
            for start in 0..doc.tokens.len() {
                let end = start + words.len();
                if end > doc.tokens.len() {
                    break;
                }
                let same_sentence = doc.tokens[start].sentence == doc.tokens[end - 1].sentence;
                if same_sentence && lowered[start..end] == words[..] {
                    matches.push((start, words.len(), actor));
                }
            }
        }
    }
    matches.sort_by_key(|&(start, len, _)| (std::cmp::Reverse(len), start));
    for (start, len, actor) in matches {
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

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_uppercase())
}

fn is_acronym(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2
        && word
            .chars()
            .all(|c| c.is_uppercase() || c == '.' || c == '&')
}

fn normal_title(word: &str) -> String {
    let lower = word.trim_end_matches('.').to_lowercase();
    match lower.as_str() {
        "gov" => "governor".into(),
        "sen" => "senator".into(),
        "rep" => "representative".into(),
        "prof" => "professor".into(),
        "dr" => "doctor".into(),
        _ => lower,
    }
}

fn is_title(word: &str) -> bool {
    TITLES.contains(&word.trim_end_matches('.').to_lowercase().as_str())
}

fn is_weak_title(word: &str) -> bool {
    WEAK_TITLES.contains(&word.to_lowercase().as_str())
}

/// True when token `i` is sentence-initial or starts a quotation.
fn starts_sentence(doc: &Document, i: usize) -> bool {
    let Some(sentence) = doc.sentence_of(i) else {
        return false;
    };
    if i == sentence.tokens.start {
        return true;
    }
    let previous = doc.token_text(i - 1);
    doc.tokens[i - 1].kind == TokenKind::Punct
        && matches!(previous, "“" | "\"" | "‘" | ":" | "(" | "—")
        && (i - 1 == sentence.tokens.start || matches!(previous, "“" | "\"" | ":"))
}

/// Collects capitalised runs, split and stripped into name candidates.
fn name_candidates(doc: &Document, claimed: &[bool]) -> Vec<Candidate> {
    let mut out = Vec::new();
    let n = doc.tokens.len();
    let mut i = 0;
    while i < n {
        let word = doc.token_text(i);
        if claimed[i] || !doc.is_word(i) || !is_capitalised(word) {
            i += 1;
            continue;
        }
        // Grow a run of capitalised words (and connectors between them).
        let mut run = vec![i];
        let mut j = i;
        loop {
            let current = doc.token_text(j);
            if strip_possessive(current).1 {
                break;
            }
            let mut next = j + 1;
            // `Dr. Nair`, `U.S. Senate`: the dot after an abbreviation stays in the run.
            if doc.token_text(next) == "." && (is_title(current) || current.contains('.')) {
                next += 1;
            }
            let same =
                |k: usize| k < n && doc.tokens[k].sentence == doc.tokens[i].sentence && !claimed[k];
            if !same(next) || !doc.is_word(next) {
                break;
            }
            let w = doc.token_text(next);
            if is_capitalised(w) {
                run.push(next);
                j = next;
                continue;
            }
            let lower = w.to_lowercase();
            let after = next + 1;
            if CONNECTORS.contains(&lower.as_str())
                && same(after)
                && doc.is_word(after)
                && is_capitalised(doc.token_text(after))
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
        match of {
            Some(o) if titled && o > 1 && o + 1 < part.len() => {
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
    while start < words.len()
        && (STOPWORDS.contains(&words[start].to_lowercase().as_str())
            || CONNECTORS.contains(&words[start].to_lowercase().as_str()))
    {
        start += 1;
    }
    // `Critics of Mamdani` at the start of a sentence: the first word is no name.
    let lower0 = words
        .get(start)
        .map(|w| w.to_lowercase())
        .unwrap_or_default();
    if initial
        && acronym.is_none()
        && start == 0
        && words.len() > 2
        && CONNECTORS.contains(&words[1].to_lowercase().as_str())
        && !ORG_WORDS.contains(&lower0.as_str())
        && !is_title(words[0])
    {
        start = 2;
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
    while end > k && CONNECTORS.contains(&words[end - 1].to_lowercase().as_str()) {
        end -= 1;
    }
    if k >= end {
        return None;
    }
    let kept = &words[k..end];
    if kept.len() == 1 {
        let w = kept[0];
        let lower = w.to_lowercase();
        if w.chars().count() < 2
            || CALENDAR.contains(&lower.as_str())
            || !w.chars().any(|c| c.is_alphabetic())
        {
            return None;
        }
    }
    if kept
        .iter()
        .all(|w| CALENDAR.contains(&w.to_lowercase().as_str()))
    {
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

fn has_org_word(words: &[&str]) -> bool {
    words
        .iter()
        .any(|w| ORG_WORDS.contains(&w.to_lowercase().as_str()))
}

/// Turns candidates into actors and mentions.
fn build_actors(
    doc: &Document,
    candidates: Vec<Candidate>,
    known_count: usize,
    found: &mut FoundActors,
    keys: &mut HashMap<String, usize>,
) {
    let text = doc.text;
    let name_of = |c: &Candidate| c.span.slice(text).to_string();
    // Single words standing alone in mid-sentence: evidence that an initial word is a name.
    let mut standalone: HashMap<String, usize> = HashMap::new();
    for c in &candidates {
        if c.words == 1 && !c.sentence_initial {
            *standalone.entry(name_of(c)).or_default() += 1;
        }
    }
    let long_names: Vec<String> = candidates
        .iter()
        .filter(|c| c.words > 1)
        .map(&name_of)
        .collect();
    let add_mention =
        |found: &mut FoundActors, span: Span, first: usize, last: usize, actor: usize| {
            found.mentions.push(Mention {
                span,
                actor,
                kind: MentionKind::Name,
                first_token: first,
                last_token: last,
            });
        };
    let new_actor =
        |found: &mut FoundActors, keys: &mut HashMap<String, usize>, name: &str| -> usize {
            let index = found.actors.len();
            found.actors.push(FoundActor {
                name: name.to_string(),
                aliases: vec![name.to_string()],
                kind: ActorKind::Unknown,
                gender: None,
                titles: Vec::new(),
            });
            keys.insert(name.to_lowercase(), index);
            index
        };
    // Pass 1: acronym definitions and longer names.
    for c in candidates
        .iter()
        .filter(|c| c.words > 1 || c.acronym.is_some())
    {
        let name = name_of(c);
        let actor = match c.acronym {
            Some((acr_span, acr_token)) => {
                let acr = acr_span.slice(text).to_string();
                let actor = keys
                    .get(&acr.to_lowercase())
                    .or_else(|| keys.get(&name.to_lowercase()))
                    .copied()
                    .unwrap_or_else(|| new_actor(found, keys, &acr));
                // A found (not listed) actor named by its long form so far takes the acronym.
                if actor >= known_count && !is_acronym(&found.actors[actor].name) {
                    found.actors[actor].name = acr.clone();
                }
                keys.insert(name.to_lowercase(), actor);
                keys.insert(acr.to_lowercase(), actor);
                found.actors[actor].aliases.push(name.clone());
                add_mention(found, acr_span, acr_token, acr_token, actor);
                actor
            }
            None => match keys.get(&name.to_lowercase()) {
                Some(&a) => a,
                None => new_actor(found, keys, &name),
            },
        };
        found.actors[actor].titles.extend(c.titles.iter().cloned());
        add_mention(found, c.span, c.first_token, c.last_token, actor);
    }
    // Pass 2: single words.
    for c in candidates
        .iter()
        .filter(|c| c.words == 1 && c.acronym.is_none())
    {
        let name = name_of(c);
        // Skip the acronym token of a definition, already mentioned in pass 1.
        if found.mentions.iter().any(|m| m.span == c.span) {
            continue;
        }
        let linked = link_single(&name, &long_names, keys);
        if c.sentence_initial && linked.is_none() {
            let next = c.last_token + 1;
            let next_word = doc.token_text(next).to_lowercase();
            let followed_by_verb = doc.is_word(next)
                && (is_cue(&next_word) || VERB_AFTER.contains(&next_word.as_str()));
            let evidence = standalone.get(&name).copied().unwrap_or(0) > 0
                || is_acronym(&name)
                || keys.contains_key(&name.to_lowercase())
                || followed_by_verb
                || !c.titles.is_empty();
            if !evidence {
                continue;
            }
        }
        let actor = match linked {
            Some(a) => a,
            None => new_actor(found, keys, &name),
        };
        if !found.actors[actor].aliases.contains(&name) {
            found.actors[actor].aliases.push(name.clone());
        }
        found.actors[actor].titles.extend(c.titles.iter().cloned());
        add_mention(found, c.span, c.first_token, c.last_token, actor);
    }
}

/// The actor a single word belongs to: an exact key, else the one longer name ending with it
/// (a surname) or, for organisations, starting with it.
fn link_single(word: &str, long_names: &[String], keys: &HashMap<String, usize>) -> Option<usize> {
    if let Some(&a) = keys.get(&word.to_lowercase()) {
        return Some(a);
    }
    let mut owners: Vec<usize> = Vec::new();
    for long in long_names {
        let parts: Vec<&str> = long
            .split_whitespace()
            .map(|w| strip_possessive(w).0)
            .collect();
        let org = has_org_word(&parts);
        let last_match = !org && parts.last() == Some(&word);
        let first_match = org && parts.first() == Some(&word) && parts.len() > 1;
        if last_match || first_match {
            if let Some(&a) = keys.get(&long.to_lowercase()) {
                if !owners.contains(&a) {
                    owners.push(a);
                }
            }
        }
    }
    // With two people of the same surname, the first one named wins (ambiguity is rare).
    owners.first().copied()
}

/// Guesses kind and gender of each actor from its name, titles and how it is used.
fn classify(doc: &Document, found: &mut FoundActors) {
    const PLACE_WORDS: &[&str] = &[
        "in",
        "at",
        "from",
        "near",
        "across",
        "into",
        "to",
        "throughout",
        "outside",
    ];
    for (index, actor) in found.actors.iter_mut().enumerate() {
        let words: Vec<&str> = actor.name.split_whitespace().collect();
        let mut before_place = 0;
        let mut before_the = 0;
        let mut total = 0;
        for m in found.mentions.iter().filter(|m| m.actor == index) {
            total += 1;
            let previous = m
                .first_token
                .checked_sub(1)
                .map(|p| doc.token_text(p).to_lowercase());
            match previous.as_deref() {
                Some(p) if PLACE_WORDS.contains(&p) => before_place += 1,
                Some("the") => before_the += 1,
                _ => {}
            }
        }
        let person_title = actor.titles.iter().any(|t| {
            !matches!(
                t.as_str(),
                "state"
                    | "city"
                    | "county"
                    | "federal"
                    | "u.s"
                    | "house"
                    | "senate"
                    | "former"
                    | "police"
            )
        });
        actor.kind = if is_acronym(&actor.name)
            || has_org_word(&words)
            || words.iter().any(|w| CONNECTORS.contains(w))
        {
            ActorKind::Organisation
        } else if person_title {
            ActorKind::Person
        } else if before_place * 2 >= total.max(1) && total > 0 {
            ActorKind::Place
        } else if before_the > 0 {
            ActorKind::Organisation
        } else if (2..=3).contains(&words.len()) && words.iter().all(|w| is_capitalised(w)) {
            ActorKind::Person
        } else {
            ActorKind::Unknown
        };
        if actor.titles.iter().any(|t| t == "mr") {
            actor.gender = Some(Gender::Male);
        } else if actor
            .titles
            .iter()
            .any(|t| matches!(t.as_str(), "mrs" | "ms" | "miss"))
        {
            actor.gender = Some(Gender::Female);
        }
        // The canonical name of a found actor is its longest form.
        if !is_acronym(&actor.name) && actor.aliases.first() == Some(&actor.name) {
            if let Some(longest) = actor
                .aliases
                .iter()
                .max_by_key(|a| (a.split_whitespace().count(), a.len()))
            {
                if longest.split_whitespace().count() > words.len() && !is_acronym(longest) {
                    actor.name = longest.clone();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, Vec<String>)> {
        let doc = Document::new(text);
        let found = find_actors(&doc, &ActorList::new(), &[]);
        found
            .public_actors()
            .into_iter()
            .map(|a| {
                let mentions = a
                    .mentions
                    .iter()
                    .map(|m| m.slice(text).to_string())
                    .collect();
                (a.name, mentions)
            })
            .collect()
    }

    #[test]
    fn titles_and_surnames() {
        let got = names("President Donald Trump’s plan failed. Critics of Mamdani agree. Later, President Trump met Zohran Mamdani.");
        assert_eq!(
            got,
            vec![
                (
                    "Donald Trump".to_string(),
                    vec!["Donald Trump".to_string(), "Trump".to_string()]
                ),
                (
                    "Zohran Mamdani".to_string(),
                    vec!["Mamdani".to_string(), "Zohran Mamdani".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn acronym_definition_links_both() {
        let got = names("Immigration and Customs Enforcement (ICE) hired. ICE’s agents left.");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "ICE");
        assert_eq!(
            got[0].1,
            vec!["Immigration and Customs Enforcement", "ICE", "ICE"]
        );
    }

    #[test]
    fn sentence_initial_words_need_evidence() {
        let got = names("During the talk, Despite nothing. The plan works. Hollis said no. Farmers left Ashford and Greyson.");
        let got: Vec<String> = got.into_iter().map(|(n, _)| n).collect();
        assert_eq!(got, vec!["Hollis", "Ashford", "Greyson"]);
    }

    #[test]
    fn listed_aliases_win() {
        let list = ActorList::parse("NYPD = New York City police officers | NYPD officers", "t")
            .expect("valid");
        let text = "DHS is recruiting New York City police officers. New York City said no.";
        let doc = Document::new(text);
        let found = find_actors(&doc, &list, &[]);
        let actors = found.public_actors();
        assert_eq!(actors[0].name, "DHS");
        assert_eq!(actors[1].name, "NYPD");
        assert_eq!(
            actors[1].mentions[0].slice(text),
            "New York City police officers"
        );
        assert_eq!(actors[2].name, "New York City");
    }

    #[test]
    fn actor_file_format_and_errors() {
        let list = ActorList::parse(
            "# seed\n\nNYPD = NYPD officers | police officers # note\nDonald Trump\n",
            "f",
        )
        .expect("valid");
        assert_eq!(list.actors.len(), 2);
        assert_eq!(
            list.actors[0].aliases,
            vec!["NYPD officers", "police officers"]
        );
        assert!(list.actors[1].aliases.is_empty());
        let err = ActorList::parse("A = b\n = c", "f.txt").unwrap_err();
        assert!(
            matches!(
                err,
                ActorFileError::MissingName {
                    line: 2,
                    column: 2,
                    ..
                }
            ),
            "{err}"
        );
        let err = ActorList::parse("A = b ||c", "f.txt").unwrap_err();
        assert!(
            matches!(
                err,
                ActorFileError::EmptyAlias {
                    line: 1,
                    column: 7,
                    after: '|',
                    ..
                }
            ),
            "{err}"
        );
        let err = ActorList::parse("A = b = c", "f.txt").unwrap_err();
        assert!(
            matches!(
                err,
                ActorFileError::SecondEquals {
                    line: 1,
                    column: 7,
                    ..
                }
            ),
            "{err}"
        );
        let err = ActorList::parse("A = b\nC = B", "f.txt").unwrap_err();
        assert!(
            matches!(
                err,
                ActorFileError::Duplicate {
                    line: 2,
                    column: 5,
                    owner_line: 1,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().starts_with("f.txt:2:5:"));
        let err = ActorList::from_file(std::path::Path::new("/no/such/file")).unwrap_err();
        assert!(matches!(err, ActorFileError::Io { .. }));
    }
}
