//! The actors a statement concerns.
//!
//! Every actor its own sentence(s) name or describe, so the addressee of `ICE invited NYPD
//! officers to join “…”` counts, and no actor named only in a neighbouring sentence, even
//! when the speaker was found there. `he` and `she` there count through their resolved actor;
//! `it`, `its`, `they`, `their` only in the quoted words or when those sentences name the
//! actor too (`Despite their sharp differences, Mamdani has said …` does not concern
//! whoever `their` was resolved to two sentences back). Names are
//! deduplicated in text order. The speaker is left out unless the quoted words themselves
//! name it (by name or description, not by pronoun): a speaker does not concern itself by
//! saying `I`.

use std::collections::HashSet;

use super::lexicon::{third_person_pronoun, PronounGender};
use super::mentions::{FoundActors, MentionKind};
use super::segment::Document;
use super::speakers::Statement;
use super::types::Span;

/// Indices of the actors `statement` concerns, in order of first mention.
pub(crate) fn concerned_actors(
    doc: &Document,
    found: &FoundActors,
    statement: &Statement,
) -> Vec<usize> {
    // The statement's own sentence(s), within its context (which is bounded around the quote
    // in a very long sentence, so each statement looks at its own stretch of the article).
    let sentences = doc.sentences_overlapping(statement.quote.outer);
    let own = sentences
        .filter_map(|s| doc.sentences.get(s))
        .map(|s| s.span)
        .reduce(|a, b| a.cover(b))
        .unwrap_or(statement.quote.outer);
    let own = Span::new(
        own.start.max(statement.context.start),
        own.end.min(statement.context.end),
    )
    .cover(statement.quote.span);
    let from = found.mentions.partition_point(|m| m.span.start < own.start);
    let inside: Vec<_> = found.mentions[from..]
        .iter()
        .take_while(|m| m.span.start < own.end)
        .filter(|m| own.contains(m.span))
        .collect();
    let named: HashSet<usize> = inside
        .iter()
        .filter(|m| m.kind != MentionKind::Pronoun)
        .map(|m| m.actor)
        .collect();
    let mut seen: HashSet<usize> = HashSet::new();
    let mut out: Vec<usize> = Vec::new();
    for m in &inside {
        // `he` and `she` are about their actor; `it`, `its`, `they` and `their` (often a
        // pair or a group the resolver cannot tell apart) only in the quoted words or when
        // the sentence names the actor too.
        let personal = third_person_pronoun(m.span.slice(doc.text))
            .is_some_and(|(gender, _)| gender != PronounGender::Neuter);
        let pronoun_ok =
            personal || statement.quote.span.contains(m.span) || named.contains(&m.actor);
        if seen.contains(&m.actor) || (m.kind == MentionKind::Pronoun && !pronoun_ok) {
            continue;
        }
        if Some(m.actor) == statement.speaker {
            let named_in_quote =
                m.kind != MentionKind::Pronoun && statement.quote.span.contains(m.span);
            if !named_in_quote {
                continue;
            }
        }
        seen.insert(m.actor);
        out.push(m.actor);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::article::{analyse, ActorList};

    #[test]
    fn addressee_counts_and_speaker_does_not() {
        let text = "Through a post, Immigration and Customs Enforcement (ICE) invited NYPD officers to join “an agency that respects you,” it said.";
        let analysis = analyse(text, &ActorList::new());
        assert_eq!(analysis.quotes.len(), 1);
        assert_eq!(analysis.quotes[0].speaker.as_deref(), Some("ICE"));
        assert_eq!(analysis.quotes[0].actors, vec!["NYPD".to_string()]);
    }

    #[test]
    fn only_the_statement_s_own_sentence_counts() {
        let text = "Ann Lee met the Port Authority. Despite their quarrel, Lee said she would work with Bo Park.";
        let analysis = analyse(text, &ActorList::new());
        let quote = &analysis.quotes[0];
        assert_eq!(quote.speaker.as_deref(), Some("Ann Lee"));
        assert_eq!(quote.actors, vec!["Bo Park".to_string()]);
    }

    #[test]
    fn speaker_named_in_own_quote_counts() {
        let analysis = analyse(
            "“Ann Lee never quits,” Ann Lee said of Bo Park.",
            &ActorList::new(),
        );
        assert_eq!(analysis.quotes[0].speaker.as_deref(), Some("Ann Lee"));
        assert_eq!(
            analysis.quotes[0].actors,
            vec!["Ann Lee".to_string(), "Bo Park".to_string()]
        );
    }
}
