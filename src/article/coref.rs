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

use super::grammar::is_subject;
use super::lexicon::{third_person_pronoun, PronounGender, INTRO_WORDS, ORG_ROLES, ROLE_TITLES};
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

/// How many earlier mentions a pronoun looks back over.
const LOOKBACK: usize = 40;

/// Adds description and pronoun mentions to `found`.
pub(crate) fn resolve(doc: &Document, found: &mut FoundActors, quotes: &[RawQuote]) {
    add_descriptions(doc, found);
    found.sort();
    add_pronouns(doc, found, quotes);
    found.sort();
}

fn add_descriptions(doc: &Document, found: &mut FoundActors) {
    let mut added = Vec::new();
    for i in 0..doc.tokens.len().saturating_sub(1) {
        if !doc.token_text(i).eq_ignore_ascii_case("the") || !doc.is_word(i + 1) {
            continue;
        }
        let noun_token = i + 1;
        if found
            .mentions
            .iter()
            .any(|m| m.first_token <= noun_token && noun_token <= m.last_token)
        {
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
        let named_before = |actor: usize| {
            found
                .mentions
                .iter()
                .filter(|m| m.actor == actor && m.kind == MentionKind::Name && m.span.end <= pos)
                .map(|m| m.span.start)
                .max()
        };
        let actor = if ROLE_TITLES.contains(&noun.as_str()) {
            let holders: Vec<usize> = (0..found.actors.len())
                .filter(|&a| found.actors[a].titles.contains(&noun))
                .collect();
            holders
                .iter()
                .copied()
                .max_by_key(|&a| named_before(a))
                .filter(|&a| named_before(a).is_some() || holders.len() == 1)
        } else if let Some((_, words)) = ORG_ROLES.iter().find(|(n, _)| *n == noun) {
            (0..found.actors.len())
                .filter(|&a| {
                    let actor = &found.actors[a];
                    actor.kind != ActorKind::Person
                        && std::iter::once(&actor.name)
                            .chain(actor.aliases.iter())
                            .any(|name| {
                                name.split_whitespace()
                                    .any(|w| words.contains(&w.to_lowercase().as_str()))
                            })
                })
                .filter_map(|a| named_before(a).map(|at| (at, a)))
                .max()
                .map(|(_, a)| a)
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
        let mut candidates: Vec<&Mention> = found.mentions[..before]
            .iter()
            .rev()
            .filter(|m| m.span.end <= pos)
            .filter(|m| {
                let q = quote_at(&marks, m.span.start);
                q.is_none() || q == in_quote
            })
            .filter(|m| fits(found, m.actor, fit))
            .take(LOOKBACK)
            .collect();
        candidates.reverse();
        let mut chosen = cataphora(doc, found, p, fit, &candidates);
        if chosen.is_none() && subject {
            chosen = candidates
                .iter()
                .rev()
                .find(|m| m.kind == MentionKind::Pronoun || is_subject(doc, &found.mentions, m))
                .map(|m| m.actor);
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
        let at = found
            .mentions
            .partition_point(|m| (m.span.start, m.span.end) <= (pos, doc.tokens[p].span.end));
        found.mentions.insert(
            at,
            Mention {
                span: doc.tokens[p].span,
                actor,
                kind: MentionKind::Pronoun,
                first_token: p,
                last_token: p,
            },
        );
    }
}

/// `Through a post on its account, ICE invited …`: the pronoun points to the subject after
/// the comma when nothing fitting comes before it in the sentence.
fn cataphora(
    doc: &Document,
    found: &FoundActors,
    p: usize,
    fit: Fit,
    candidates: &[&Mention],
) -> Option<usize> {
    let sentence = doc.sentence_of(p)?;
    let first = doc.token_text(sentence.tokens.start).to_lowercase();
    if !INTRO_WORDS.contains(&first.as_str()) {
        return None;
    }
    let comma = (sentence.tokens.start..sentence.tokens.end).find(|&i| doc.token_text(i) == ",")?;
    if p > comma
        || candidates
            .iter()
            .any(|m| m.first_token >= sentence.tokens.start)
    {
        return None;
    }
    found
        .mentions
        .iter()
        .find(|m| {
            m.first_token > comma
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
}
