//! Resolves descriptions (`the president`, `the union`) and third-person pronouns to actors.
//!
//! A description of a role goes to the actor that carried that title (`President Trump` makes
//! `the president` Trump); a description of an organisation (`the company`, `the agency`) to
//! the most recently named organisation whose name holds a fitting word (`Works`,
//! `Authority`). A subject pronoun (`he`, `she`, `it`, `they`) goes to the most recent fitting
//! actor *in subject position* (centering: the previous subject stays in focus), other
//! pronouns to the most recent fitting actor. `he`/`she` fit people of unknown or matching
//! gender (gender is learned from titles and earlier resolutions), `it`/`they` fit
//! organisations and places. A possessive pronoun in an opening phrase (`Through a post on
//! its account, ICE …`) points forward to the subject after the comma. Mentions inside a
//! quote serve as antecedents only for pronouns inside the same quote.

use rustc_hash::FxHashMap;

use super::grammar::{is_cue_subject, is_subject};
use super::lexicon::{
    third_person_pronoun, Lowercase, PronounGender, INTRO_WORDS, ORG_ROLES, ROLE_TITLES,
};
use super::mentions::{ActorKind, FoundActors, Gender, Mention, MentionKind};
use super::quotes::RawQuote;
use super::segment::Document;
use super::types::{QuoteKind, Span};

/// What kind of actor a pronoun may stand for.
#[derive(Clone, Copy, PartialEq)]
enum Fit {
    Person(Option<Gender>),
    NonPerson,
}

/// How a third-person pronoun fits an actor, and whether it is a subject pronoun.
fn pronoun_fit(word: &str) -> Option<(Fit, bool)> {
    let (gender, subject) = third_person_pronoun(word)?;
    let fit = match gender {
        PronounGender::Male => Fit::Person(Some(Gender::Male)),
        PronounGender::Female => Fit::Person(Some(Gender::Female)),
        PronounGender::Neuter => Fit::NonPerson,
    };
    Some((fit, subject))
}

/// The mark quote (not reported statement) whose marks hold byte `pos`.
fn quote_at(marks: &[Span], pos: usize) -> Option<usize> {
    let after = marks.partition_point(|m| m.start <= pos);
    (after > 0 && pos < marks[after - 1].end).then(|| after - 1)
}

/// How many sentences back the subject of a cue stays in focus for a subject pronoun.
const SPEAKER_FOCUS: usize = 1;

/// How many earlier mentions a pronoun looks back over.
const LOOKBACK: usize = 40;

/// How many earlier mentions a pronoun looks back over in all, fitting it or not: a bound on
/// the work when few mentions fit (`he` among organisations) or most lie in other quotes,
/// which made an article of many pronouns quadratic. Far more than an article's antecedents
/// need: the 302 PolNeAR training articles resolve the same with or without it.
const SCAN_LIMIT: usize = 1_000;

/// The latest name mention, among those of some actors, that ends by a position: answers in
/// a binary search what filtering every mention for each description did.
struct LatestName {
    /// End of each name mention, ascending.
    ends: Vec<usize>,
    /// For each prefix of `ends`, the latest (start, actor) of its mentions.
    latest: Vec<(usize, usize)>,
}

impl LatestName {
    /// Indexes the name mentions of the actors `of` accepts.
    fn new(found: &FoundActors, of: impl Fn(usize) -> bool) -> Self {
        let mut names: Vec<(usize, usize, usize)> = found
            .mentions
            .iter()
            .filter(|m| m.kind == MentionKind::Name && of(m.actor))
            .map(|m| (m.span.end, m.span.start, m.actor))
            .collect();
        names.sort_unstable();
        let mut best = (0, 0);
        let latest = names
            .iter()
            .map(|&(_, start, actor)| {
                best = best.max((start, actor));
                best
            })
            .collect();
        LatestName {
            ends: names.iter().map(|&(end, _, _)| end).collect(),
            latest,
        }
    }

    /// The latest (start, actor) of the mentions ending at or before `pos`.
    fn before(&self, pos: usize) -> Option<(usize, usize)> {
        let n = self.ends.partition_point(|&end| end <= pos);
        n.checked_sub(1).map(|i| self.latest[i])
    }
}

/// What a description word may refer to, worked out once per word: the holders of a role
/// title (and how many there are), or the organisations whose names fit.
struct Described {
    holders: Vec<usize>,
    named: LatestName,
}

/// Adds description and pronoun mentions to `found`.
pub(crate) fn resolve(doc: &Document, found: &mut FoundActors, quotes: &[RawQuote]) {
    add_descriptions(doc, found);
    found.sort();
    add_pronouns(doc, found, quotes);
    found.sort();
}

fn add_descriptions(doc: &Document, found: &mut FoundActors) {
    let mut added = Vec::new();
    // Tokens inside a mention, marked once (name mentions do not overlap, so this is linear)
    // rather than every mention asked for each `the`.
    let mut covered = vec![false; doc.tokens.len()];
    for m in &found.mentions {
        let end = (m.last_token + 1).min(covered.len());
        if let Some(tokens) = covered.get_mut(m.first_token..end) {
            tokens.fill(true);
        }
    }
    let mut described: FxHashMap<String, Described> = FxHashMap::default();
    for i in 0..doc.tokens.len().saturating_sub(1) {
        if !doc.token_text(i).eq_ignore_ascii_case("the") || !doc.is_word(i + 1) {
            continue;
        }
        let noun_token = i + 1;
        if covered[noun_token] {
            continue;
        }
        let raw = doc.token_text(noun_token);
        let noun = raw
            .trim_end_matches("’s")
            .trim_end_matches("'s")
            .to_lowercase();
        let next = doc.token_text(noun_token + 1);
        if next.chars().next().is_some_and(|c| c.is_uppercase()) && doc.is_word(noun_token + 1) {
            continue; // `the City Council`: part of a name
        }
        let pos = doc.tokens[i].span.start;
        // The holder of the title named last before `pos` (a lone holder even unnamed
        // before), or the fitting organisation named last before it.
        let actor = if ROLE_TITLES.contains(&noun.as_ref()) {
            let d = described.entry(noun.clone()).or_insert_with(|| {
                let holders: Vec<usize> = (0..found.actors.len())
                    .filter(|&a| found.actors[a].titles.contains(&noun))
                    .collect();
                let named = LatestName::new(found, |a| holders.binary_search(&a).is_ok());
                Described { holders, named }
            });
            match d.named.before(pos) {
                Some((_, a)) => Some(a),
                None if d.holders.len() == 1 => Some(d.holders[0]),
                None => None,
            }
        } else if let Some((_, words)) = ORG_ROLES.iter().find(|(n, _)| *n == noun) {
            let d = described.entry(noun.clone()).or_insert_with(|| {
                let fitting: Vec<bool> = found
                    .actors
                    .iter()
                    .map(|actor| {
                        actor.kind != ActorKind::Person
                            && std::iter::once(&actor.name)
                                .chain(actor.aliases.iter())
                                .any(|name| {
                                    name.split_whitespace()
                                        .any(|w| words.contains(&w.lower().as_ref()))
                                })
                    })
                    .collect();
                let named = LatestName::new(found, |a| fitting.get(a) == Some(&true));
                Described {
                    holders: Vec::new(),
                    named,
                }
            });
            d.named.before(pos).map(|(_, a)| a)
        } else {
            None
        };
        if let Some(actor) = actor {
            let stem_len = noun.len().min(raw.len());
            let end =
                doc.tokens[noun_token].span.start + raw.get(..stem_len).map_or(raw.len(), str::len);
            added.push(Mention {
                span: Span::new(pos, end),
                actor,
                kind: MentionKind::Description,
                first_token: i,
                last_token: noun_token,
            });
        }
    }
    found.mentions.extend(added);
}

fn fits(found: &FoundActors, actor: usize, fit: Fit) -> bool {
    let Some(a) = found.actors.get(actor) else {
        return false;
    };
    match fit {
        // `he` and `she` stand for people: an actor of unknown kind only when its name has
        // the two or more words of a person's (a lone capitalised word may be a place, a
        // team, or no name at all: `Audiences`, `Neither`).
        Fit::Person(gender) => {
            let person = a.kind == ActorKind::Person
                || (a.kind == ActorKind::Unknown && a.name.split_whitespace().count() > 1);
            person && (a.gender.is_none() || gender.is_none() || a.gender == gender)
        }
        Fit::NonPerson => matches!(
            a.kind,
            ActorKind::Organisation | ActorKind::Place | ActorKind::Unknown
        ),
    }
}

fn add_pronouns(doc: &Document, found: &mut FoundActors, quotes: &[RawQuote]) {
    let mut marks: Vec<Span> = quotes
        .iter()
        .filter(|q| q.kind != QuoteKind::Reported)
        .map(|q| q.outer)
        .collect();
    marks.sort();
    // The pronoun mentions so far, in text order, kept apart and merged in at the end:
    // inserting each into `found.mentions` shifted all later mentions, a quadratic cost.
    let mut pronouns: Vec<Mention> = Vec::new();
    let mut first_commas: FxHashMap<usize, Option<usize>> = FxHashMap::default();
    for p in 0..doc.tokens.len() {
        if !doc.is_word(p) {
            continue;
        }
        let Some((fit, subject)) = pronoun_fit(doc.token_text(p)) else {
            continue;
        };
        let pos = doc.tokens[p].span.start;
        let in_quote = quote_at(&marks, pos);
        let before = found.mentions.partition_point(|m| m.span.start < pos);
        // Earlier mentions from the nearest back, as if the pronouns were among them (after
        // any mention with the same span, where inserting them put them).
        let mut names = found.mentions[..before].iter().rev().peekable();
        let mut earlier = pronouns.iter().rev().peekable();
        let nearest_first = std::iter::from_fn(|| match (names.peek(), earlier.peek()) {
            (Some(n), Some(q)) if (n.span.start, n.span.end) > (q.span.start, q.span.end) => {
                names.next()
            }
            (_, Some(_)) => earlier.next(),
            (Some(_), None) => names.next(),
            (None, None) => None,
        });
        let mut candidates: Vec<&Mention> = nearest_first
            .take(SCAN_LIMIT)
            .filter(|m| m.span.end <= pos)
            .filter(|m| {
                let q = quote_at(&marks, m.span.start);
                q.is_none() || q == in_quote
            })
            .filter(|m| fits(found, m.actor, fit))
            .take(LOOKBACK)
            .collect();
        candidates.reverse();
        let mut chosen = cataphora(doc, found, p, fit, &candidates, &marks, &mut first_commas);
        // `Earnest said Obama has kept in touch. “…,” he said`: the subject of a cue, the one
        // who spoke, stays in focus before the subject of what was said.
        let here = doc.tokens[p].sentence;
        let subject_here = candidates.iter().any(|m| {
            doc.tokens[m.first_token].sentence == here && is_subject(doc, &found.mentions, m)
        });
        if chosen.is_none() && subject && !subject_here {
            chosen = candidates
                .iter()
                .rev()
                .take_while(|m| doc.tokens[m.first_token].sentence + SPEAKER_FOCUS >= here)
                .find(|m| m.kind != MentionKind::Pronoun && is_cue_subject(doc, m))
                .map(|m| m.actor);
        }
        if chosen.is_none() && subject {
            // The latest sentence with a subject, and its first subject there (the main
            // clause's, not that of a clause inside it: `Hale took his daughter to explain who
            // Ali was. He said …`).
            let latest = candidates
                .iter()
                .rev()
                .find(|m| m.kind == MentionKind::Pronoun || is_subject(doc, &found.mentions, m));
            chosen = latest.map(|latest| {
                let sentence = doc.tokens[latest.first_token].sentence;
                candidates
                    .iter()
                    .filter(|m| doc.tokens[m.first_token].sentence == sentence)
                    .find(|m| m.kind == MentionKind::Pronoun || is_subject(doc, &found.mentions, m))
                    .map_or(latest.actor, |m| m.actor)
            });
        }
        if chosen.is_none() {
            chosen = candidates.last().map(|m| m.actor);
        }
        let Some(actor) = chosen else { continue };
        if let Fit::Person(Some(gender)) = fit {
            if let Some(a) = found.actors.get_mut(actor) {
                if a.kind == ActorKind::Person && a.gender.is_none() {
                    a.gender = Some(gender);
                }
            }
        }
        pronouns.push(Mention {
            span: doc.tokens[p].span,
            actor,
            kind: MentionKind::Pronoun,
            first_token: p,
            last_token: p,
        });
    }
    // `resolve` sorts stably, which puts each pronoun after a mention of the same span.
    found.mentions.extend(pronouns);
}

/// Most tokens between the comma that ends an opening phrase and the main clause's subject
/// (`…, the Rev. Ann Lee said`).
const CATAPHORA_GAP: usize = 4;

/// `Through a post on its account, ICE invited …`: the pronoun points to the subject after
/// the comma when nothing fitting comes before it in the sentence.
fn cataphora(
    doc: &Document,
    found: &FoundActors,
    p: usize,
    fit: Fit,
    candidates: &[&Mention],
    marks: &[Span],
    first_commas: &mut FxHashMap<usize, Option<usize>>,
) -> Option<usize> {
    let sentence = doc.sentence_of(p)?;
    let first = doc.token_text(sentence.tokens.start).lower();
    if !INTRO_WORDS.contains(&first.as_ref()) {
        return None;
    }
    // Looked for once per sentence, not once per pronoun in it.
    let comma = (*first_commas
        .entry(doc.tokens[p].sentence)
        .or_insert_with(|| {
            (sentence.tokens.start..sentence.tokens.end).find(|&i| doc.token_text(i) == ",")
        }))?;
    // The comma that ends the opening phrase, outside any quote (`Then she added: “…, …”`
    // has none).
    if quote_at(marks, doc.tokens[comma].span.start).is_some() {
        return None;
    }
    if p > comma
        || candidates
            .iter()
            .any(|m| m.first_token >= sentence.tokens.start)
    {
        return None;
    }
    let from = found.mentions.partition_point(|m| m.first_token <= comma);
    found.mentions[from..]
        .iter()
        .take_while(|m| m.first_token < sentence.tokens.end)
        .find(|m| {
            m.first_token > comma
                && m.first_token <= comma + CATAPHORA_GAP
                && m.first_token < sentence.tokens.end
                && m.kind == MentionKind::Name
                && fits(found, m.actor, fit)
        })
        .map(|m| m.actor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::actors::find_actors;
    use crate::article::quotes::find_quotes;
    use crate::article::reported::with_reported;
    use crate::article::types::ActorList;

    /// (pronoun or description text, actor name) pairs in text order.
    fn resolved(text: &str) -> Vec<(String, String)> {
        let doc = Document::new(text);
        let quotes = with_reported(&doc, find_quotes(&doc));
        let mut found = find_actors(&doc, &ActorList::new(), &quotes);
        resolve(&doc, &mut found, &quotes);
        found
            .mentions
            .iter()
            .filter(|m| m.kind != MentionKind::Name)
            .map(|m| {
                (
                    m.span.slice(text).to_string(),
                    found.actors[m.actor].name.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn subject_pronoun_prefers_previous_subject() {
        let got = resolved(
            "Sen. Ann Hollis, who faces Bob Pruitt, accused Pruitt of lying. She said no.",
        );
        assert_eq!(got, vec![("She".to_string(), "Ann Hollis".to_string())]);
    }

    #[test]
    fn subject_pronoun_prefers_the_main_clause_and_the_speaker() {
        // The main clause's subject, not that of a clause inside it.
        let got = resolved("Andrew Hale took his son to see where Tom Ruiz worked. He said no.");
        assert_eq!(
            got.last().unwrap(),
            &("He".to_string(), "Andrew Hale".to_string())
        );
        // The one who spoke, not the subject of what was said.
        let got = resolved("Spokesman Josh Earl said Tom Ruiz kept in touch. “It helps,” he said.");
        assert_eq!(
            got.last().unwrap(),
            &("he".to_string(), "Josh Earl".to_string())
        );
    }

    #[test]
    fn gender_is_learned() {
        let got = resolved("Bob Pruitt met Ann Hollis. He smiled. Hollis spoke, and Pruitt waved while she said yes.");
        assert_eq!(got[0], ("He".to_string(), "Bob Pruitt".to_string()));
        assert_eq!(got[1], ("she".to_string(), "Ann Hollis".to_string()));
    }

    #[test]
    fn descriptions_follow_titles_and_org_words() {
        let got = resolved("President Donald Trump spoke. Harlow Steel Works closed. Later the company and the president met.");
        assert_eq!(
            got,
            vec![
                ("the company".to_string(), "Harlow Steel Works".to_string()),
                ("the president".to_string(), "Donald Trump".to_string()),
            ]
        );
    }

    #[test]
    fn possessive_in_opening_phrase_points_forward() {
        let got = resolved("DHS spoke. Through a post on its account, Immigration and Customs Enforcement (ICE) invited officers.");
        assert_eq!(got, vec![("its".to_string(), "ICE".to_string())]);
    }

    #[test]
    fn a_comma_inside_a_quote_or_far_from_the_subject_ends_no_opening_phrase() {
        let got =
            resolved("Mrs. Ann Lee said so. Then she added: “It comes at you, Quinn Harlow says.”");
        assert_eq!(got[0], ("she".to_string(), "Ann Lee".to_string()));
        let got = resolved(
            "Mrs. Ann Lee spoke. When she left, the crowd that had waited for Quinn Harlow cheered.",
        );
        assert_eq!(got[0], ("she".to_string(), "Ann Lee".to_string()));
    }
}
