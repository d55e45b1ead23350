//! Actors: the user's listed actors and the names found in the text, linked into one actor
//! each and classified.
//!
//! Listed actors come first and win: their names and aliases are matched before any name is
//! found ([`super::names`]). An acronym defined in parentheses (`Immigration and Customs
//! Enforcement (ICE)`) links both forms into one actor whose canonical name is **the
//! acronym**, because articles go on using it. A single word is linked to the one longer name
//! ending with it (a surname, `Mamdani` → `Zohran Mamdani`) or, for an organisation, starting
//! with it (`Harlow` → `Harlow Steel Works`); a sentence-initial single word becomes an actor
//! only with evidence that it is a name (`The`, `Despite`, `Critics` are not). Each actor is
//! then guessed a person, organisation or place, and a gender from `Mr.` / `Ms.`.

use rustc_hash::{FxHashMap, FxHashSet};

use super::lexicon::{
    follows_subject, given_name_gender, has_org_word, is_acronym, is_capitalised, is_cue,
    strip_possessive, Lowercase, PronounGender, CONNECTORS, FEMALE_TITLES, MALE_TITLES,
    NON_PERSON_TITLES, PLACE_WORDS,
};
use super::mentions::{ActorKind, FoundActor, FoundActors, Gender, Mention, MentionKind};
use super::names::{match_known, name_candidates, Candidate};
use super::quotes::RawQuote;
use super::segment::Document;
use super::types::{ActorList, KnownActor, Span};

/// Finds the actors of the document: listed ones and names from the text.
pub(crate) fn find_actors(doc: &Document, known: &ActorList, _quotes: &[RawQuote]) -> FoundActors {
    let mut found = FoundActors::default();
    let mut keys: FxHashMap<String, usize> = FxHashMap::default();
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
    // Headlines capitalise every word: names there are only those the story names.
    let headline_paragraphs: Vec<bool> = (0..doc.paragraphs.len())
        .map(|p| doc.is_headline(p))
        .collect();
    let headline: Vec<bool> = doc
        .tokens
        .iter()
        .map(|t| {
            doc.sentences
                .get(t.sentence)
                .is_some_and(|s| headline_paragraphs[s.paragraph])
        })
        .collect();
    let outside_headlines: Vec<bool> = claimed
        .iter()
        .zip(&headline)
        .map(|(&c, &h)| c || h)
        .collect();
    let candidates = name_candidates(doc, &outside_headlines);
    build_actors(doc, candidates, known.actors.len(), &mut found, &mut keys);
    if headline.contains(&true) {
        let story = ActorList {
            actors: found
                .actors
                .iter()
                .map(|a| KnownActor {
                    name: a.name.clone(),
                    aliases: a.aliases.clone(),
                })
                .collect(),
            only_listed: false,
        };
        let mut only_headlines: Vec<bool> = claimed
            .iter()
            .zip(&headline)
            .map(|(&c, &h)| c || !h)
            .collect();
        match_known(doc, &story, &mut found, &mut only_headlines);
    }
    found.sort();
    classify(doc, &mut found);
    found
}

/// Turns candidates into actors and mentions.
fn build_actors(
    doc: &Document,
    candidates: Vec<Candidate>,
    known_count: usize,
    found: &mut FoundActors,
    keys: &mut FxHashMap<String, usize>,
) {
    let text = doc.text;
    let name_of = |c: &Candidate| c.span.slice(text).to_string();
    // Single words standing alone in mid-sentence: evidence that an initial word is a name.
    let mut standalone: FxHashMap<String, usize> = FxHashMap::default();
    for c in &candidates {
        if c.words == 1 && !c.sentence_initial {
            *standalone.entry(name_of(c)).or_default() += 1;
        }
    }
    let long_names = LongNames::new(
        candidates
            .iter()
            .filter(|c| c.words > 1)
            .map(|c| c.span.slice(text)),
    );
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
        |found: &mut FoundActors, keys: &mut FxHashMap<String, usize>, name: &str| -> usize {
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
                    .get(acr.lower().as_ref())
                    .or_else(|| keys.get(name.lower().as_ref()))
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
            None => match keys.get(name.lower().as_ref()) {
                Some(&a) => a,
                None => new_actor(found, keys, &name),
            },
        };
        found.actors[actor].titles.extend(c.titles.iter().cloned());
        add_mention(found, c.span, c.first_token, c.last_token, actor);
    }
    // Pass 2: single words. Sets stand in for scanning every mention and every alias per
    // word, which made an article of many names quadratic.
    let mut mentioned: FxHashSet<Span> = found.mentions.iter().map(|m| m.span).collect();
    let mut alias_of: FxHashSet<(usize, String)> = found
        .actors
        .iter()
        .enumerate()
        .flat_map(|(a, actor)| actor.aliases.iter().map(move |alias| (a, alias.clone())))
        .collect();
    for c in candidates
        .iter()
        .filter(|c| c.words == 1 && c.acronym.is_none())
    {
        let name = name_of(c);
        // Skip the acronym token of a definition, already mentioned in pass 1.
        if mentioned.contains(&c.span) {
            continue;
        }
        let titled_person = c
            .titles
            .iter()
            .any(|t| !NON_PERSON_TITLES.contains(&t.as_str()));
        let linked = link_single(&name, titled_person, &long_names, keys);
        if c.sentence_initial && linked.is_none() {
            let next = c.last_token + 1;
            let next_word = doc.token_text(next).lower();
            let followed_by_verb =
                doc.is_word(next) && (is_cue(&next_word) || follows_subject(&next_word));
            let evidence = standalone.get(&name).copied().unwrap_or(0) > 0
                || is_acronym(&name)
                || keys.contains_key(name.lower().as_ref())
                || followed_by_verb
                || !c.titles.is_empty();
            if !evidence {
                continue;
            }
        }
        let actor = match linked {
            Some(a) => a,
            None => {
                let a = new_actor(found, keys, &name);
                alias_of.insert((a, name.clone()));
                a
            }
        };
        if alias_of.insert((actor, name.clone())) {
            found.actors[actor].aliases.push(name.clone());
        }
        found.actors[actor].titles.extend(c.titles.iter().cloned());
        mentioned.insert(c.span);
        add_mention(found, c.span, c.first_token, c.last_token, actor);
    }
}

/// The names of more than one word, indexed by the single word that may stand for them.
struct LongNames {
    /// The distinct names, lowercased, in order of first occurrence.
    lowered: Vec<String>,
    /// For a word, the names (indices into `lowered`) it may stand for, in order of first
    /// occurrence, each with whether it is an organisation's (starting with the word) rather
    /// than a person's (ending with it).
    by_word: FxHashMap<String, Vec<(usize, bool)>>,
}

impl LongNames {
    /// Indexes `names`; a repeated name counts once, where it first occurs.
    fn new<'t>(names: impl Iterator<Item = &'t str>) -> Self {
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        let mut lowered = Vec::new();
        let mut by_word: FxHashMap<String, Vec<(usize, bool)>> = FxHashMap::default();
        for long in names {
            if !seen.insert(long) {
                continue;
            }
            let parts: Vec<&str> = long
                .split_whitespace()
                .map(|w| strip_possessive(w).0)
                .collect();
            let org = has_org_word(&parts);
            let word = if org && parts.len() > 1 {
                parts.first()
            } else if !org {
                parts.last()
            } else {
                None
            };
            if let Some(word) = word {
                by_word
                    .entry(word.to_string())
                    .or_default()
                    .push((lowered.len(), org));
            }
            lowered.push(long.to_lowercase());
        }
        LongNames { lowered, by_word }
    }
}

/// The actor a single word belongs to: an exact key, else the first longer name of a person
/// ending with it (a surname), else, unless the word carries a person's title (`Mr. Paulson`
/// is not `Paulson Partners`), the first organisation starting with it.
fn link_single(
    word: &str,
    titled_person: bool,
    long_names: &LongNames,
    keys: &FxHashMap<String, usize>,
) -> Option<usize> {
    if let Some(&a) = keys.get(word.lower().as_ref()) {
        return Some(a);
    }
    let owners = long_names.by_word.get(word)?;
    let actor_of = |want_org: bool| {
        owners
            .iter()
            .filter(|&&(_, org)| org == want_org)
            .find_map(|&(i, _)| keys.get(&long_names.lowered[i]).copied())
    };
    actor_of(false).or_else(|| (!titled_person).then(|| actor_of(true)).flatten())
}

/// Guesses kind and gender of each actor from its name, titles and how it is used.
/// `found.mentions` must be in text order.
fn classify(doc: &Document, found: &mut FoundActors) {
    // (mentions, after a place word, after `the`) per actor, counted in one pass over the
    // mentions rather than one pass per actor.
    let mut usage = vec![(0, 0, 0); found.actors.len()];
    // The last token of the latest mention after a place word, or listed with one (`in
    // California, New Mexico and South Dakota`: all three are places).
    let mut place_list_end: Option<usize> = None;
    for m in &found.mentions {
        let Some((total, before_place, before_the)) = usage.get_mut(m.actor) else {
            continue;
        };
        *total += 1;
        let previous = m
            .first_token
            .checked_sub(1)
            .map(|p| doc.token_text(p).lower());
        let listed_with_place = place_list_end.is_some_and(|end| {
            if m.first_token > end + 3 {
                return false;
            }
            let between: Vec<String> = (end + 1..m.first_token)
                .map(|t| doc.token_text(t).to_lowercase())
                .collect();
            matches!(
                between.iter().map(String::as_str).collect::<Vec<_>>()[..],
                [","] | ["and"] | ["or"] | [",", "and"] | [",", "or"]
            )
        });
        match previous.as_deref() {
            Some(p) if PLACE_WORDS.contains(&p) || listed_with_place => {
                *before_place += 1;
                place_list_end = Some(m.last_token);
            }
            Some("the") => *before_the += 1,
            _ => {}
        }
    }
    for (index, actor) in found.actors.iter_mut().enumerate() {
        let words: Vec<&str> = actor.name.split_whitespace().collect();
        let (total, before_place, before_the) = usage[index];
        let person_title = actor
            .titles
            .iter()
            .any(|t| !NON_PERSON_TITLES.contains(&t.as_str()));
        actor.kind = if is_acronym(&actor.name)
            || has_org_word(&words)
            || words.iter().any(|w| CONNECTORS.contains(w))
        {
            ActorKind::Organisation
        } else if person_title || (words.len() > 1 && given_name_gender(words[0]).is_some()) {
            // A title or a common given name (`Hillary Clinton`, whatever `to` comes before).
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
        if actor
            .titles
            .iter()
            .any(|t| MALE_TITLES.contains(&t.as_str()))
        {
            actor.gender = Some(Gender::Male);
        } else if actor
            .titles
            .iter()
            .any(|t| FEMALE_TITLES.contains(&t.as_str()))
        {
            actor.gender = Some(Gender::Female);
        }
        // Else a common given name: `Debbie Wasserman Schultz` is `she`, `Bernie Sanders`
        // is `he`. Only for people named with two words or more.
        if actor.gender.is_none() && actor.kind != ActorKind::Organisation {
            actor.gender = actor
                .aliases
                .iter()
                .chain(std::iter::once(&actor.name))
                .filter(|name| name.split_whitespace().count() > 1)
                .find_map(|name| name.split_whitespace().next().and_then(given_name_gender))
                .and_then(|g| match g {
                    PronounGender::Male => Some(Gender::Male),
                    PronounGender::Female => Some(Gender::Female),
                    PronounGender::Neuter => None,
                });
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

    /// The names of the actors found in `text`, in order.
    fn actor_names(text: &str) -> Vec<String> {
        names(text).into_iter().map(|(name, _)| name).collect()
    }

    #[test]
    fn groups_title_complements_and_headlines_are_no_names() {
        let got = actor_names(
            "Ports Clash Over The Harbor Levy — Again.\n\nHARBOR CITY — Supporters of Ann Lee and Bo Park met. Secretary of State Tim Ruiz spoke, and the Secretary of State left.",
        );
        assert_eq!(got, ["Ann Lee", "Bo Park", "Tim Ruiz"]);
    }

    #[test]
    fn adjectives_of_nationality_and_contractions_are_no_names() {
        let got = actor_names(
            "Ann Lee mocked three Republican hopefuls and a Russian bomber. \
             “Well, I’d say I’m done,” Lee said. Bo Park, a Republican, said the Israeli government \
             and Republican officials agreed, and one Democrat said Russians lied.",
        );
        assert_eq!(
            got,
            [
                "Ann Lee",
                "Bo Park",
                "Republican",
                "Israeli",
                "Democrat",
                "Russians"
            ]
        );
    }

    #[test]
    fn on_joins_a_name_only_after_an_organisations_head_word() {
        let got = actor_names(
            "Ann Lee on Sunday told the Senate Committee on Intelligence that Bo Park on \
             Facebook was wrong.",
        );
        assert_eq!(
            got,
            [
                "Ann Lee",
                "Senate Committee on Intelligence",
                "Bo Park",
                "Facebook"
            ]
        );
    }

    #[test]
    fn a_first_line_in_title_case_is_a_headline_whatever_numbers_it_holds() {
        let got = actor_names(
            "Ann Lee Reassures House Democrats 2016 Is Not Just About Her.\n\n\
             Ann Lee spoke to House Democrats on Wednesday.",
        );
        assert_eq!(got, ["Ann Lee", "House Democrats"]);
    }

    #[test]
    fn places_listed_together_are_places() {
        let doc =
            Document::new("Lee won primaries in Ohio, New Mexico and South Dakota on Tuesday.");
        let found = find_actors(&doc, &ActorList::new(), &[]);
        for name in ["Ohio", "New Mexico", "South Dakota"] {
            let actor = found.actors.iter().find(|a| a.name == name).expect(name);
            assert_eq!(actor.kind, ActorKind::Place, "{name}");
        }
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
}
