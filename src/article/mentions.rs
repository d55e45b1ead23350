//! Actors and their mentions while an article is analysed: what the actor step builds and
//! the coreference, speaker and target steps read.
//!
//! [`FoundActors::public_actors`] turns them into the public [`Actor`] list.

use rustc_hash::{FxHashMap, FxHashSet};

use super::types::{Actor, Span};

/// What kind of actor a name stands for (guessed from its words and how it is used).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActorKind {
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
pub(crate) enum Gender {
    /// he / him / his.
    Male,
    /// she / her / hers.
    Female,
}

/// How a mention refers to its actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MentionKind {
    /// A name, alias, acronym or surname.
    Name,
    /// A description such as `the president` or `the union`.
    Description,
    /// A third-person pronoun.
    Pronoun,
}

/// One place where the article refers to an actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mention {
    /// The words of the mention (a possessive `’s` left out).
    pub(crate) span: Span,
    /// Index into [`FoundActors::actors`].
    pub(crate) actor: usize,
    /// Name, description or pronoun.
    pub(crate) kind: MentionKind,
    /// First token of the mention.
    pub(crate) first_token: usize,
    /// Last token of the mention.
    pub(crate) last_token: usize,
}

/// An actor while the article is analysed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FoundActor {
    /// Canonical name.
    pub(crate) name: String,
    /// Other names.
    pub(crate) aliases: Vec<String>,
    /// Person, organisation, place or unknown.
    pub(crate) kind: ActorKind,
    /// Gender when known.
    pub(crate) gender: Option<Gender>,
    /// Titles met before the name, normalised (`gov` → `governor`).
    pub(crate) titles: Vec<String>,
}

/// Actors and their mentions.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FoundActors {
    /// All actors, listed ones first.
    pub(crate) actors: Vec<FoundActor>,
    /// All mentions, in text order.
    pub(crate) mentions: Vec<Mention>,
}

impl FoundActors {
    /// Sorts mentions into text order.
    pub(crate) fn sort(&mut self) {
        self.mentions.sort_by_key(|m| (m.span.start, m.span.end));
    }

    /// The public view: mentioned actors in order of first mention, pronouns left out.
    pub(crate) fn public_actors(&self) -> Vec<Actor> {
        // One pass groups the mentions by actor (in text order), so the cost does not grow
        // with actors times mentions.
        let mut order: Vec<usize> = Vec::new();
        let mut spans: FxHashMap<usize, Vec<Span>> = FxHashMap::default();
        for m in &self.mentions {
            if m.kind == MentionKind::Pronoun {
                continue;
            }
            spans
                .entry(m.actor)
                .or_insert_with(|| {
                    order.push(m.actor);
                    Vec::new()
                })
                .push(m.span);
        }
        order
            .into_iter()
            .filter_map(|a| {
                let actor = self.actors.get(a)?;
                let mut aliases: Vec<String> = Vec::new();
                // Aliases already kept, ASCII-lowercased: the same test as
                // `eq_ignore_ascii_case`, without comparing each alias with every other.
                let mut kept: FxHashSet<String> = FxHashSet::default();
                for alias in &actor.aliases {
                    if !alias.eq_ignore_ascii_case(&actor.name)
                        && kept.insert(alias.to_ascii_lowercase())
                    {
                        aliases.push(alias.clone());
                    }
                }
                Some(Actor {
                    name: actor.name.clone(),
                    aliases,
                    mentions: spans.remove(&a).unwrap_or_default(),
                })
            })
            .collect()
    }
}
