//! The actors a statement concerns.
//!
//! Every actor mentioned (by name, description or resolved pronoun) in the statement's
//! context, that is its sentence(s) with the attribution, so the addressee of
//! `ICE invited NYPD officers to join “…”` counts. Names are deduplicated in text order.
//! The speaker is left out unless the quoted words themselves name it (by name or
//! description, not by pronoun): a speaker does not concern itself by saying `I`.

use std::collections::HashSet;

use super::mentions::{FoundActors, MentionKind};
use super::speakers::Statement;

/// Indices of the actors `statement` concerns, in order of first mention.
pub(crate) fn concerned_actors(found: &FoundActors, statement: &Statement) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    let mut seen: HashSet<usize> = HashSet::new();
    // Mentions are in text order: only those starting inside the context can lie in it, so
    // each statement looks at its own stretch of the article rather than at every mention.
    let context = statement.context;
    let from = found
        .mentions
        .partition_point(|m| m.span.start < context.start);
    for m in found.mentions[from..]
        .iter()
        .take_while(|m| m.span.start <= context.end)
    {
        if !context.contains(m.span) || seen.contains(&m.actor) {
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
