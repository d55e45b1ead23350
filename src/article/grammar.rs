//! Grammar helpers that more than one step asks: is this cue active, does this token start a
//! sentence, does this word look like a verb, does this mention stand where a subject stands.
//!
//! They look at tokens and single words only, so they sit below the pipeline steps and depend
//! on nothing but [`super::segment`], [`super::lexicon`] and the mention types.

use super::lexicon::{
    follows_subject, is_auxiliary, is_capitalised, is_cue, is_determiner, is_noun_like_plural,
    is_past_cue, is_phrase_cue, opens_object, strip_possessive, Lowercase, GROUP_NOUNS,
    MORE_VERBISH, PASSIVE, PREPOSITIONS, SKIPPABLE, STOPWORDS,
};
use super::mentions::{Mention, MentionKind};
use super::segment::{Document, TokenKind};

/// True when token `i` of `doc` is a cue used actively (not `was invited`).
pub(crate) fn is_active_cue(doc: &Document, i: usize) -> bool {
    if is_phrase_cue_at(doc, i) {
        return true;
    }
    if !doc.is_word(i) || !is_cue(doc.token_text(i)) {
        return false;
    }
    let previous = i
        .checked_sub(1)
        .filter(|&p| doc.is_word(p) && doc.tokens[p].sentence == doc.tokens[i].sentence)
        .map(|p| doc.token_text(p).lower());
    if is_name_part(doc, i) {
        return false;
    }
    let according_to = doc.token_text(i).eq_ignore_ascii_case("according");
    if according_to && !doc.token_text(i + 1).eq_ignore_ascii_case("to") {
        return false;
    }
    // `states can`, `reports have`: a noun that a verb follows is no cue; a past form is no
    // noun (`what officials said will happen`).
    if i + 1 < doc.tokens.len()
        && is_auxiliary(&doc.token_text(i + 1).lower())
        && !is_past_cue(doc.token_text(i))
    {
        return false;
    }
    // `five states where`, `the attacks on`: an `-s` form that is as often a plural noun is a
    // verb only before its object (`reports that`, `attacks him`, `questions whether`).
    if is_noun_like_plural(doc.token_text(i)) && !opens_object(doc.token_text(i + 1)) {
        return false;
    }
    // `the remarks`, `his claims`, `Trump’s comments`: a noun (`he’s said` is no possessive).
    let possessive = i.checked_sub(1).is_some_and(|p| {
        let word = doc.token_text(p);
        strip_possessive(word).1 && is_capitalised(word)
    });
    if previous.as_deref().is_some_and(is_determiner) || possessive {
        return false;
    }
    // `is telling` is active, `was invited` passive.
    let progressive = doc.token_text(i).lower().ends_with("ing");
    progressive || !previous.is_some_and(|p| PASSIVE.contains(&p.as_ref()))
}

/// How many tokens either side of a capitalised word are looked at for a lower-case word,
/// which tells running text from a headline in title case.
const NAME_PART_WINDOW: usize = 3;

/// True when token `i` is a capitalised word inside running text (`the United States`,
/// `Secretary of State Ann Lee`, `the Empire State Building`): part of a name, not a verb.
/// A capitalised word first in its sentence or in a headline's title case (`…, Union Chief
/// Says`) is no name part.
fn is_name_part(doc: &Document, i: usize) -> bool {
    let sentence = doc.tokens[i].sentence;
    if !is_capitalised(doc.token_text(i)) || starts_sentence(doc, i) {
        return false;
    }
    let lower_case_word = |t: usize| {
        doc.tokens[t].sentence == sentence
            && doc.is_word(t)
            && doc.token_text(t).starts_with(char::is_lowercase)
    };
    let from = i.saturating_sub(NAME_PART_WINDOW);
    let to = (i + 1 + NAME_PART_WINDOW).min(doc.tokens.len());
    (from..i).chain(i + 1..to).any(lower_case_word)
}

/// True when token `i` opens a cue of two words (`as Amar put it`): its second word belongs
/// to the cue, not to what was said.
pub(crate) fn is_phrase_cue_at(doc: &Document, i: usize) -> bool {
    // Asked of every token: compares without allocating.
    doc.is_word(i) && is_phrase_cue(doc.token_text(i), doc.token_text(i + 1))
}

/// True when token `i` is a participle right after a comma of its sentence (`…, adding
/// that`, `…, calling him`): an attribution whose subject is the main clause's.
pub(crate) fn is_participle_after_comma(doc: &Document, i: usize) -> bool {
    i > 0
        && doc.token_text(i - 1) == ","
        && doc.tokens[i - 1].sentence == doc.tokens[i].sentence
        && doc.token_text(i).lower().ends_with("ing")
}

/// True when the word may stand between a subject and its verb (`has`, `also`, `quickly`).
pub(crate) fn is_skippable(word: &str) -> bool {
    let lower = word.lower();
    SKIPPABLE.contains(&lower.as_ref()) || (lower.ends_with("ly") && lower.len() > 3)
}

/// True when token `i` is sentence-initial or starts a quotation.
pub(crate) fn starts_sentence(doc: &Document, i: usize) -> bool {
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

/// True when the word looks like a verb right after a subject.
pub(crate) fn is_verbish(word: &str) -> bool {
    let lower = word.lower();
    follows_subject(&lower)
        || MORE_VERBISH.contains(&lower.as_ref())
        || is_cue(&lower)
        || (lower.ends_with("ed") && word.chars().next().is_some_and(|c| c.is_lowercase()))
}

/// Most lower-case words between a name and the name it modifies (`Obama campaign manager
/// Jim Messina`).
const MODIFIER_WORDS: usize = 3;

/// True when a name modifies a description of the name after it (`Obama consultant Cornell
/// Belcher`, `Clinton aide Jake Sullivan`): a few lower-case words that are no verb, then
/// another name.
fn is_modifier(doc: &Document, mentions: &[Mention], m: &Mention) -> bool {
    if m.kind != MentionKind::Name {
        return false;
    }
    let sentence = doc.tokens[m.last_token].sentence;
    let described = |t: usize| {
        let word = doc.token_text(t);
        doc.is_word(t)
            && doc.tokens[t].sentence == sentence
            && word.starts_with(char::is_lowercase)
            && !is_verbish(word)
            && !is_skippable(word)
            && !STOPWORDS.contains(&word.lower().as_ref())
    };
    let words = (m.last_token + 1..m.last_token + 1 + MODIFIER_WORDS)
        .take_while(|&t| described(t))
        .count();
    let next = m.last_token + 1 + words;
    let from = mentions.partition_point(|o| o.first_token < next);
    words > 0
        && mentions
            .get(from)
            .is_some_and(|o| o.first_token == next && o.kind == MentionKind::Name)
}

/// True when the mention stands where a subject stands: before a verb (skipping a group noun
/// and a comma) or first in its sentence and not after a preposition.
pub(crate) fn is_subject(doc: &Document, mentions: &[Mention], m: &Mention) -> bool {
    if is_modifier(doc, mentions, m) {
        return false;
    }
    let mut t = m.last_token + 1;
    if GROUP_NOUNS.contains(&doc.token_text(t).lower().as_ref()) {
        t += 1;
    }
    if doc.token_text(t) == ")" {
        t += 1;
    }
    // `…, Samuel Tran, told`: an appositive name before its verb (not `who faces X, accused`).
    let appositive = m
        .first_token
        .checked_sub(1)
        .is_some_and(|p| doc.token_text(p) == ",")
        || doc
            .sentence_of(m.first_token)
            .is_some_and(|s| s.tokens.start == m.first_token);
    if doc.token_text(t) == "," && appositive {
        t += 1;
    }
    let same_sentence = doc
        .tokens
        .get(t)
        .is_some_and(|x| Some(x.sentence) == doc.tokens.get(m.first_token).map(|f| f.sentence));
    if same_sentence && doc.is_word(t) && is_verbish(doc.token_text(t)) {
        return true;
    }
    let Some(sentence) = doc.sentence_of(m.first_token) else {
        return false;
    };
    let from = mentions.partition_point(|o| o.first_token < sentence.tokens.start);
    let first_in_sentence = !mentions[from..]
        .iter()
        .take_while(|o| o.span.start < m.span.start)
        .any(|o| o.kind != MentionKind::Pronoun && !is_modifier(doc, mentions, o));
    // The word before the mention, looking past an article (`of the union`).
    let mut previous = m
        .first_token
        .checked_sub(1)
        .filter(|&p| p >= sentence.tokens.start);
    if let Some(p) = previous {
        if matches!(doc.token_text(p).lower().as_ref(), "the" | "a" | "an") {
            previous = p.checked_sub(1).filter(|&q| q >= sentence.tokens.start);
        }
    }
    let after_preposition =
        previous.is_some_and(|p| PREPOSITIONS.contains(&doc.token_text(p).lower().as_ref()));
    first_in_sentence && !after_preposition
}

/// Most words (auxiliaries, adverbs) between a subject and its cue (`has also long argued`).
const SKIPPED_WORDS: usize = 6;

/// Most tokens of an appositive between a subject and its cue (`Simmons, an Obama supporter,
/// said`).
const APPOSITIVE: usize = 12;

/// True when the mention is the subject of a cue: right before it (`Ryan said`, `Earnest has
/// also argued`, `Simmons, an Obama supporter, said`) or right after an inverted one (`…,
/// said Ryan`).
pub(crate) fn is_cue_subject(doc: &Document, m: &Mention) -> bool {
    let same_sentence = |t: usize| {
        doc.tokens
            .get(t)
            .is_some_and(|x| x.sentence == doc.tokens[m.first_token].sentence)
    };
    // Inverted (`“…,” said Ryan`, `…, said Ryan`): nothing but punctuation before the cue, so
    // `Earl said Ryan kept in touch` is no inversion.
    let inverted = m.first_token.checked_sub(1).is_some_and(|c| {
        same_sentence(c)
            && is_active_cue(doc, c)
            && c.checked_sub(1)
                .is_none_or(|b| !same_sentence(b) || !doc.is_word(b))
    });
    if inverted {
        return true;
    }
    let mut t = m.last_token + 1;
    while t <= m.last_token + SKIPPED_WORDS
        && same_sentence(t)
        && doc.is_word(t)
        && is_skippable(doc.token_text(t))
    {
        t += 1;
    }
    if !same_sentence(t) {
        return false;
    }
    if is_active_cue(doc, t) {
        return true;
    }
    doc.token_text(t) == ","
        && (t + 1..t + APPOSITIVE)
            .take_while(|&u| same_sentence(u))
            .find(|&u| doc.token_text(u) == ",")
            .is_some_and(|u| is_active_cue(doc, u + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of `text` that are active cues.
    fn cues(text: &str) -> Vec<&str> {
        let doc = Document::new(text);
        (0..doc.tokens.len())
            .filter(|&i| is_active_cue(&doc, i))
            .map(|i| doc.token_text(i))
            .collect()
    }

    #[test]
    fn cue_words_used_as_nouns_are_no_cues() {
        assert_eq!(cues("Lee called the remarks silly."), ["called"]);
        // A plural noun is no cue; the same word before its object is.
        assert!(cues("Voters in five states went to the polls.").is_empty());
        assert_eq!(cues("The memo states that rents rose."), ["states"]);
        assert_eq!(cues("Lee attacks him daily."), ["attacks"]);
        // A capitalised cue word inside running text is part of a name.
        assert_eq!(
            cues("Lee left the United States and the Secretary of State said no."),
            ["said"]
        );
        // First in a sentence, or in a headline's title case, it stays a cue.
        assert_eq!(cues("Says Lee: no."), ["Says"]);
        assert_eq!(
            cues("Harbor Levy Will Sink Port, Union Chief Says"),
            ["Says"]
        );
        assert_eq!(cues("He said that states can pass laws."), ["said"]);
        assert!(cues("His claims were false, and she was invited.").is_empty());
        assert_eq!(cues("Lee’s remarks hurt, and she’s said so."), ["said"]);
        // A past form stays a cue before an auxiliary.
        assert_eq!(
            cues("The fees, which the council said will rise, have not."),
            ["said"]
        );
    }
}
