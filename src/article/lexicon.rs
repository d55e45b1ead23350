//! Every word list of the article stage, and the small predicates that ask about one word.
//!
//! Lists are lower case (titles and abbreviations without their dot) and are only ever asked
//! whether they hold a word, so their order does not matter. A word that two steps need is
//! spelled once: weekdays serve both the calendar and trailing attributions, title and month
//! abbreviations both sentence splitting and names, auxiliaries both name evidence and
//! subject detection.

use std::borrow::Cow;

use rustc_hash::{FxHashMap, FxHashSet};

/// A word in lower case, as the word lists spell it: the word itself, not a copy, when it
/// already is (most words of news are ASCII and lower case). Lower-casing a copy of every word
/// each predicate asked about was a twentieth of `predict`.
pub(crate) trait Lowercase {
    /// What [`str::to_lowercase`] gives, borrowed where it is the word itself.
    fn lower(&self) -> Cow<'_, str>;
}

impl Lowercase for str {
    fn lower(&self) -> Cow<'_, str> {
        match self.is_ascii() {
            true if !self.bytes().any(|b| b.is_ascii_uppercase()) => Cow::Borrowed(self),
            true => Cow::Owned(self.to_ascii_lowercase()),
            false => Cow::Owned(self.to_lowercase()),
        }
    }
}

// Speech.

/// Verbs that introduce speech, a stance, a belief or an intention, by lemma: each of their
/// regular forms (`argue`, `argues`, `argued`, `arguing`) is a cue, with the irregular ones
/// in [`IRREGULAR_CUE_FORMS`]. Attribution in news runs well beyond `said`: a reporting verb
/// (`concluded`, `recalled`), an attitude (`believes`, `fears`, `wants`), support or
/// opposition (`endorsed`, `opposes`), a decision or an intention (`decided`, `refused`,
/// `seeking`), which news reports as a stance as often as speech.
const CUE_VERBS: &str = "\
    say tell add write tweet criticize criticise vow warn threaten emphasize emphasise \
    assert invite accuse argue insist denounce urge declare explain announce respond \
    ask describe label dub acknowledge admit concede stress suggest maintain predict condemn \
    slam blast applaud decry laud hail reiterate contend allege testify recount advise \
    agree disagree proclaim speculate wonder assure inform remind mention conclude recall \
    observe complain confirm deny reveal retort grouse lament brag tout chide scold \
    rebuke fault congratulate endorse oppose propose recommend signal indicate express \
    discuss believe think know feel want worry insist caution reject dismiss defend \
    continue concur muse scoff acknowledge argue imply vouch plead \
    fret surmise shout yell whisper cry snap recommend pledge \
    anticipate interject retaliate object protest confess dispute challenge prefer expect \
    intend hint reason characterize lambaste berate assail ridicule taunt underscore \
    highlight cite affirm reaffirm reassure advocate chant \
    decide refuse decline seek recognize recognise understand ignore learn";

/// Verbs whose bare form is more often a noun (`a call`, `the report`, `his support`): only
/// their `-s`, `-ed` and `-ing` forms are cues.
const NOUN_LIKE_CUE_VERBS: &str = "\
    call note post report comment answer demand promise question claim attack support \
    praise blame counter joke estimate fear hope wish doubt quip boast reply remark \
    welcome mock point show detail charge plan state";

/// True when `word` (any case) is the `-s` form of a verb in [`NOUN_LIKE_CUE_VERBS`]
/// (`reports`, `states`, `attacks`), which is a plural noun as often as a verb.
pub(crate) fn is_noun_like_plural(word: &str) -> bool {
    static FORMS: std::sync::OnceLock<FxHashSet<String>> = std::sync::OnceLock::new();
    FORMS
        .get_or_init(|| {
            regular_forms(NOUN_LIKE_CUE_VERBS)
                .map(|[_, third, _, _]| third)
                .collect()
        })
        .contains(word.lower().as_ref())
}

/// Words that open a verb's object or clause (`states that`, `questions whether`, `attacks
/// him`), besides determiners and capitalised words: after a plural noun they do not come.
const OBJECT_OPENERS: &[&str] = &[
    "that", "whether", "if", "how", "why", "what", "when", "who", "him", "her", "them", "me", "us",
    "it", "out", "back", "up", "to",
];

/// True when `word` (any case) may open the object or clause of a verb before it: a word of
/// [`OBJECT_OPENERS`], a determiner or a capitalised word (a name).
pub(crate) fn opens_object(word: &str) -> bool {
    let lower = word.lower();
    OBJECT_OPENERS.contains(&lower.as_ref()) || is_determiner(&lower) || is_capitalised(word)
}

/// Cue verbs whose object may be an infinitive (`decided to sell`, `refuses to sign`), by
/// lemma (with `sought`): after them `to` opens what is reported, not a place or an addressee.
const INFINITIVE_CUE_VERBS: &str = "\
    want decide refuse decline plan seek vow pledge promise threaten intend agree hope \
    expect prefer wish";

/// True when the cue `word` (any case) is a form of a verb that takes an infinitive.
pub(crate) fn takes_infinitive(word: &str) -> bool {
    static FORMS: std::sync::OnceLock<FxHashSet<String>> = std::sync::OnceLock::new();
    FORMS
        .get_or_init(|| {
            let mut forms: FxHashSet<String> =
                regular_forms(INFINITIVE_CUE_VERBS).flatten().collect();
            forms.insert("sought".to_string());
            forms
        })
        .contains(word.lower().as_ref())
}

/// Cues of two words (`as Lee put it`): the verb's forms, then the word that must follow.
const PHRASE_CUES: &[(&str, &str)] = &[
    ("put", "it"),
    ("puts", "it"),
    ("shot", "back"),
    ("shoots", "back"),
    ("fired", "back"),
    ("fires", "back"),
    ("went", "on"),
    ("goes", "on"),
    ("chimed", "in"),
    ("chimes", "in"),
];

/// True when `word` followed by `next` (any case) is a phrase cue.
pub(crate) fn is_phrase_cue(word: &str, next: &str) -> bool {
    PHRASE_CUES
        .iter()
        .any(|(w, n)| word.eq_ignore_ascii_case(w) && next.eq_ignore_ascii_case(n))
}

/// Irregular forms of cue verbs, and the word `according` (of `according to`).
const IRREGULAR_CUE_FORMS: &str = "\
    said told wrote written thought knew felt spoke spoken swore sworn found shown \
    thanked thanking sought understood learnt according";

/// Irregular cue forms that are a finite verb by themselves (`the aide said`).
const IRREGULAR_FINITE_CUES: &str =
    "said told wrote thought knew felt spoke swore found sought understood learnt";

/// True when the cue `word` (any case) can be a finite verb with no auxiliary before it: a
/// past (`warned`, `said`) or a present in `-s` (`says`), not a bare form (`state`, a noun
/// too) nor a participle in `-ing` (`a book calling for`).
pub(crate) fn is_finite_cue(word: &str) -> bool {
    let lower = word.lower();
    is_past_cue(&lower) || (lower.ends_with('s') && !lower.ends_with("ss"))
}

/// True when the cue `word` (any case) is a past form (`warned`, `said`, `sought`): a verb,
/// never a noun, whatever follows it (`which officials said will …`).
pub(crate) fn is_past_cue(word: &str) -> bool {
    let lower = word.lower();
    lower.ends_with("ed") || IRREGULAR_FINITE_CUES.split_whitespace().any(|w| w == lower)
}

/// Verbs that double their last consonant before `-ed` and `-ing` (`admitted`, `slamming`).
const DOUBLING_VERBS: &str = "admit slam quip plan regret commit prefer";

/// Every form of every cue verb, built once.
fn cue_forms() -> &'static FxHashSet<String> {
    static FORMS: std::sync::OnceLock<FxHashSet<String>> = std::sync::OnceLock::new();
    FORMS.get_or_init(|| {
        let mut forms = FxHashSet::default();
        for (list, with_bare) in [(CUE_VERBS, true), (NOUN_LIKE_CUE_VERBS, false)] {
            for [bare, third, past, progressive] in regular_forms(list) {
                if with_bare {
                    forms.insert(bare);
                }
                forms.extend([third, past, progressive]);
            }
        }
        forms.extend(IRREGULAR_CUE_FORMS.split_whitespace().map(str::to_string));
        forms
    })
}

/// The forms ([`inflections`]) of each verb of a list of lemmas, those of
/// [`DOUBLING_VERBS`] doubling their last consonant.
fn regular_forms(lemmas: &str) -> impl Iterator<Item = [String; 4]> + '_ {
    lemmas.split_whitespace().map(|lemma| {
        let doubles = DOUBLING_VERBS.split_whitespace().any(|verb| verb == lemma);
        inflections(lemma, doubles)
    })
}

/// The bare, third-person, past and `-ing` forms of a regular verb.
fn inflections(lemma: &str, doubles: bool) -> [String; 4] {
    let vowel = |c: char| "aeiou".contains(c);
    let last = lemma.chars().last().unwrap_or(' ');
    let before_last = lemma.chars().rev().nth(1).unwrap_or(' ');
    let third = if lemma.ends_with(['s', 'x', 'z', 'o'])
        || lemma.ends_with("sh")
        || lemma.ends_with("ch")
    {
        format!("{lemma}es")
    } else if last == 'y' && !vowel(before_last) {
        format!("{}ies", &lemma[..lemma.len() - 1])
    } else {
        format!("{lemma}s")
    };
    let stem = if doubles {
        format!("{lemma}{last}")
    } else {
        lemma.to_string()
    };
    let past = if last == 'e' {
        format!("{lemma}d")
    } else if last == 'y' && !vowel(before_last) {
        format!("{}ied", &lemma[..lemma.len() - 1])
    } else {
        format!("{stem}ed")
    };
    let progressive = if last == 'e' && before_last != 'e' {
        format!("{}ing", &lemma[..lemma.len() - 1])
    } else {
        format!("{stem}ing")
    };
    [lemma.to_string(), third, past, progressive]
}

/// Nouns for a group defined by what it is to someone (`critics of Mamdani`,
/// `supporters of the plan`): such a group, not the someone, is the speaker.
pub(crate) const GROUPS_OF: &[&str] = &[
    "critics",
    "opponents",
    "supporters",
    "allies",
    "detractors",
    "foes",
    "rivals",
    "fans",
    "admirers",
    "friends",
    "backers",
    "defenders",
    "skeptics",
    "sceptics",
    "advocates",
];

/// Words that may come before such a group (`Some critics of …`, `Many supporters of …`).
pub(crate) const GROUP_DETERMINERS: &[&str] = &[
    "some", "many", "most", "several", "other", "the", "few", "a",
];

/// Words that open the description of a speaker no actor names (`the moderator said`, `a
/// man yelled`, `said another voter`), and the quantifiers that stand for one (`Some
/// chanted`, `Others said`).
const DESCRIPTION_OPENERS: &[&str] = &[
    "the", "a", "an", "another", "one", "some", "many", "several", "other", "others", "few", "his",
    "her", "their", "its", "our",
];

/// Of [`DESCRIPTION_OPENERS`], those that are a whole subject by themselves.
const SUBJECT_QUANTIFIERS: &[&str] = &["some", "many", "several", "others", "few", "one"];

/// True when the lower-case `word` may open the description of a speaker.
pub(crate) fn opens_description(word: &str) -> bool {
    DESCRIPTION_OPENERS.contains(&word)
}

/// True when the lower-case `word` is a subject by itself (`Some chanted`).
pub(crate) fn is_subject_quantifier(word: &str) -> bool {
    SUBJECT_QUANTIFIERS.contains(&word)
}

/// Conjunctions after which a new subject may start (`, and a man yelled`, `when the
/// moderator asked`).
const SUBJECT_CONJUNCTIONS: &[&str] = &[
    "and", "but", "when", "while", "as", "after", "before", "because", "then", "so", "until",
];

/// True when the lower-case `word` may stand right before a subject.
pub(crate) fn may_precede_subject(word: &str) -> bool {
    SUBJECT_CONJUNCTIONS.contains(&word)
}

/// Words that make a cue passive (`was invited`): the subject is then not the speaker.
pub(crate) const PASSIVE: &[&str] = &["was", "were", "been", "be", "being", "is", "are"];

/// Words, besides [`WEEKDAYS`], that may follow the cue of a trailing attribution
/// (`…, the company announced on Monday`).
const TRAILING_AFTER: &[&str] = &[
    "on",
    "in",
    "at",
    "during",
    "after",
    "before",
    "last",
    "this",
    "earlier",
    "later",
    "late",
    "yesterday",
    "today",
    "tonight",
    "recently",
    "afterward",
    "afterwards",
    "first",
    "again",
    "twice",
    "too",
    "also",
    "to",
    "by",
    "through",
    "via",
];

/// Cues whose object is the person addressed (`…, a spokesman told the paper`), so a trailing
/// attribution may go on with any short object after them.
const ADDRESSEE_CUES: &[&str] = &[
    "told", "tells", "telling", "informed", "assured", "reminded", "wrote",
];

/// True when the cue `word` (any case) can stand before its subject (`“…,” said Smith`): not
/// a participle (`…, telling Fox 35`) nor a cue whose object is the person addressed (`told
/// Smith`), whose next name is no speaker.
pub(crate) fn may_invert(word: &str) -> bool {
    let lower = word.lower();
    let participle = lower.ends_with("ing");
    let addressed = ADDRESSEE_CUES.contains(&lower.as_ref()) && lower != "wrote";
    !participle && !addressed
}

/// Words naming whom a trailing attribution addressed (`…, he told reporters`).
const ADDRESSEES: &[&str] = &[
    "reporters",
    "journalists",
    "me",
    "us",
    "him",
    "her",
    "them",
    "viewers",
    "supporters",
];

/// True when the lower-case `word` after the lower-case `cue` may go on a trailing
/// attribution (`…, the company announced on Monday`, `…, she told reporters`, `…, said
/// Smith`) rather than start its object (`…, Clinton promised a new country`).
pub(crate) fn may_continue_trailing_cue(cue: &str, word: &str, capitalised: bool) -> bool {
    may_follow_trailing_cue(word)
        || capitalised
        || ADDRESSEES.contains(&word)
        || ADDRESSEE_CUES.contains(&cue)
}

/// Prepositions that, right after a cue, name its agent or origin (`opposed by the union`,
/// `reported from Cairo`, `(Reporting by Ann Lee)`): the cue is a participle or a noun, and
/// what follows is no reported clause.
const AGENT_PREPOSITIONS: &[&str] = &["by", "from"];

/// True when `word` (any case) right after a cue names its agent or origin.
pub(crate) fn introduces_agent(word: &str) -> bool {
    AGENT_PREPOSITIONS.contains(&word.lower().as_ref())
}

/// Words that, after a comma, start a clause of the writer's own and so end a reported clause
/// (`Bo said the plan failed, but nobody listened`).
const CLAUSE_BREAKS: &[&str] = &[
    "but", "while", "which", "whereas", "although", "though", "compared", "unlike", "yet", "even",
];

/// Conjunctions that open a subordinate clause (`if rents rise, the council will act`): a
/// statement that starts with one runs on past the comma closing it, into its main clause.
const SUBORDINATORS: &[&str] = &[
    "if", "when", "whenever", "because", "although", "though", "as", "after", "before", "while",
    "once", "unless", "since", "until", "whether", "where", "however", "whatever", "whoever",
];

/// True when the lower-case `word` opens a subordinate clause.
pub(crate) fn is_subordinator(word: &str) -> bool {
    SUBORDINATORS.contains(&word)
}

/// Common irregular past forms that are a finite verb by themselves (`, the man ended up`
/// has its `-ed`; `, he made it clear` needs this list).
const IRREGULAR_PASTS: &[&str] = &[
    "made", "took", "went", "got", "came", "began", "gave", "kept", "left", "won", "lost", "ran",
    "saw", "held", "brought", "became", "stood", "led", "fell", "sent", "spent", "paid", "met",
    "heard", "put", "set", "meant", "built", "broke", "chose", "drew", "drove", "grew", "hit",
    "rose", "sat", "sold", "struck", "threw", "wore", "says", "seems", "remains",
];

/// True when `word` (as written) looks like a finite verb after a subject: an auxiliary, a
/// lower-case past in `-ed`, a finite cue (`said`, `warns`) or a common irregular past.
pub(crate) fn is_finite_verb(word: &str) -> bool {
    if !word.starts_with(char::is_lowercase) {
        return false;
    }
    let lower = word.lower();
    is_auxiliary(&lower)
        || (lower.ends_with("ed") && lower.len() > 3)
        || (is_cue(&lower) && is_finite_cue(&lower))
        || IRREGULAR_PASTS.contains(&lower.as_ref())
}

/// Nouns of speech and stance whose `that` clause is what was said or feared (`fears that
/// rents will rise`, `criticism that the plan was rushed`).
const NOMINAL_CUES: &[&str] = &[
    "criticism",
    "concern",
    "concerns",
    "complaint",
    "complaints",
    "fear",
    "fears",
    "warning",
    "warnings",
    "doubt",
    "doubts",
    "allegation",
    "allegations",
    "accusation",
    "accusations",
    "claim",
    "claims",
    "assertion",
    "argument",
    "arguments",
    "belief",
    "view",
    "hope",
    "hopes",
];

/// Nominal cues whose complement opens with a preposition rather than `that`, each with its
/// preposition (`calls for a recount`, `concerns about costs`): measured on real news, other
/// pairs (`support for`, `attacks on`) name a topic as often as a statement.
const NOMINAL_PHRASE_CUES: &[(&str, &str)] = &[
    ("call", "for"),
    ("calls", "for"),
    ("concern", "about"),
    ("concerns", "about"),
    ("criticism", "over"),
    ("criticism", "about"),
];

/// True when the lower-case `noun` followed by the lower-case `next` is a nominal cue opening
/// its complement (`fears that`, `calls for`), not a noun standing alone.
pub(crate) fn is_nominal_cue(noun: &str, next: &str) -> bool {
    (next == "that" && NOMINAL_CUES.contains(&noun)) || NOMINAL_PHRASE_CUES.contains(&(noun, next))
}

/// Relative pronouns that open a clause after a comma (`Hollis, who is seeking …,`).
const RELATIVE_PRONOUNS: &[&str] = &["who", "which", "whom", "whose"];

/// True when the lower-case `word` is a relative pronoun.
pub(crate) fn is_relative_pronoun(word: &str) -> bool {
    RELATIVE_PRONOUNS.contains(&word)
}

/// True when the lower-case `word` after a comma ends a reported clause.
pub(crate) fn breaks_clause(word: &str) -> bool {
    CLAUSE_BREAKS.contains(&word)
}

/// True when `word` (any case) is a speech or attitude cue.
pub(crate) fn is_cue(word: &str) -> bool {
    cue_forms().contains(word.lower().as_ref())
}

/// True when the lower-case `word` may follow the cue of a trailing attribution: a time or
/// place or a manner (`on`, `yesterday`, `Monday`, `first`, `briefly`), never the start of a
/// clause.
pub(crate) fn may_follow_trailing_cue(word: &str) -> bool {
    let adverb = word.len() > 4 && word.ends_with("ly");
    TRAILING_AFTER.contains(&word) || WEEKDAYS.contains(&word) || adverb
}

// Calendar and abbreviations.

/// Day names.
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// True when the lower-case `word` is a day's name.
pub(crate) fn is_weekday(word: &str) -> bool {
    WEEKDAYS.contains(&word)
}

/// News agencies whose credit (`(AP)`, `[Reuters]`) follows a dateline or a quote.
const NEWS_CREDITS: &[&str] = &[
    "ap", "reuters", "afp", "upi", "dpa", "ians", "pti", "xinhua",
];

/// True when the lower-case `word` is a news agency's credit.
pub(crate) fn is_news_credit(word: &str) -> bool {
    NEWS_CREDITS.contains(&word)
}

/// True when `word` is a party-and-state tag as in `Jason Chaffetz (R-Utah)`: one capital
/// letter, a hyphen, a capitalised state (`R-Utah`, `D-N.Y`, `I-Vt`).
pub(crate) fn is_party_tag(word: &str) -> bool {
    let mut parts = word.splitn(2, '-');
    let party = parts.next().unwrap_or("");
    let state = parts.next().unwrap_or("");
    party.len() == 1
        && party.chars().all(|c| c.is_ascii_uppercase())
        && state.starts_with(|c: char| c.is_uppercase())
}

/// Month names.
const MONTHS: &[&str] = &[
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
];

/// Abbreviated month names (without the dot).
const MONTH_ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// True when the lower-case `word` names a month or a day (never an actor on its own).
pub(crate) fn is_calendar_word(word: &str) -> bool {
    MONTHS.contains(&word) || MONTH_ABBREVIATIONS.contains(&word) || WEEKDAYS.contains(&word)
}

/// Abbreviations, besides [`TITLE_ABBREVIATIONS`] and [`MONTH_ABBREVIATIONS`], after which a
/// period does not end a sentence (lower case, without the dot).
const ABBREVIATIONS: &[&str] = &[
    "st", "jr", "sr", "mt", "ft", "vs", "etc", "inc", "corp", "co", "ltd", "sens", "reps", "atty",
    "supt", "det", "insp", "cmdr", "adm", "hon", "messrs", "approx", "dept", "est",
];

/// True when the lower-case `word` is an abbreviation after which a period does not end a
/// sentence (`sen`, `jan`, `inc`).
pub(crate) fn is_listed_abbreviation(word: &str) -> bool {
    ABBREVIATIONS.contains(&word)
        || TITLE_ABBREVIATIONS.contains(&word)
        || MONTH_ABBREVIATIONS.contains(&word)
}

// Pronouns.

/// Subject pronouns of the first and second person.
const FIRST_AND_SECOND_PERSON_SUBJECTS: &[&str] = &["i", "we", "you"];

/// Third-person subject pronouns: they refer back to the subject in focus.
const THIRD_PERSON_SUBJECTS: &[&str] = &["he", "she", "it", "they"];

/// Third-person pronouns of a man.
const MALE_PRONOUNS: &[&str] = &["he", "him", "his", "himself"];

/// Third-person pronouns of a woman.
const FEMALE_PRONOUNS: &[&str] = &["she", "her", "hers", "herself"];

/// Third-person pronouns of an organisation, a place or a group.
const NEUTER_PRONOUNS: &[&str] = &[
    "it",
    "its",
    "itself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
];

/// The gender a third-person pronoun asks of its antecedent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PronounGender {
    /// he / him / his / himself.
    Male,
    /// she / her / hers / herself.
    Female,
    /// it / its / they / them / their …
    Neuter,
}

/// The gender of a third-person pronoun (any case) and whether it is a subject pronoun;
/// `None` for any other word.
pub(crate) fn third_person_pronoun(word: &str) -> Option<(PronounGender, bool)> {
    let lower = word.lower();
    let lower = lower.as_ref();
    let gender = if MALE_PRONOUNS.contains(&lower) {
        PronounGender::Male
    } else if FEMALE_PRONOUNS.contains(&lower) {
        PronounGender::Female
    } else if NEUTER_PRONOUNS.contains(&lower) {
        PronounGender::Neuter
    } else {
        return None;
    };
    Some((gender, THIRD_PERSON_SUBJECTS.contains(&lower)))
}

/// True when the lower-case `word` is a subject pronoun (`i`, `we`, `he`, `they` …): a
/// short quote holding one is a clause rather than a scare quote.
pub(crate) fn is_subject_pronoun(word: &str) -> bool {
    FIRST_AND_SECOND_PERSON_SUBJECTS.contains(&word) || THIRD_PERSON_SUBJECTS.contains(&word)
}

// Names and titles.

/// Words that never start a name, even capitalised.
pub(crate) const STOPWORDS: &[&str] = &[
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

/// Titles stripped from the front of a name, besides [`TITLE_ABBREVIATIONS`] and
/// [`WEAK_TITLES`] (lower case).
const TITLES: &[&str] = &[
    "president",
    "mayor",
    "mayor-elect",
    "president-elect",
    "senator",
    "governor",
    "representative",
    "congressman",
    "congresswoman",
    "judge",
    "justice",
    "commissioner",
    "secretary",
    "miss",
    "professor",
    "councilmember",
    "councilman",
    "councilwoman",
    "director",
    "chairman",
    "chairwoman",
    "chair",
    "minister",
    "premier",
    "chancellor",
    "ambassador",
    "attorney",
    "officer",
    "detective",
    "sheriff",
    "superintendent",
    "reverend",
    "captain",
    "lieutenant",
    "sergeant",
    "teacher",
    "coach",
    "speaker",
    "principal",
    "dean",
    "inspector",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "ceo",
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
];

/// Titles that are abbreviated (`Sen.`, `Dr.`): also abbreviations that do not end a sentence.
const TITLE_ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "sen", "gov", "rep", "gen", "lt", "col", "capt", "sgt", "prof", "rev",
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

/// Titles (normalised by [`normal_title`]) that do not make their bearer a person
/// (`State`, `Police`, `Former`).
pub(crate) const NON_PERSON_TITLES: &[&str] = &[
    "state", "city", "county", "federal", "u.s", "house", "senate", "former", "police",
];

/// Titles (normalised) that make their bearer a man.
pub(crate) const MALE_TITLES: &[&str] = &["mr"];

/// Titles (normalised) that make their bearer a woman.
pub(crate) const FEMALE_TITLES: &[&str] = &["mrs", "ms", "miss"];

/// Common given names read as a woman's, for the gender `she` and `her` need when no title
/// says it (lower case, space-separated).
const FEMALE_GIVEN_NAMES: &str = "\
    mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa \
    betty margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa \
    deborah stephanie rebecca sharon laura cynthia kathleen amy shirley angela helen anna \
    brenda pamela nicole emma samantha katherine christine debra rachel catherine carolyn \
    janet ruth maria heather diane virginia julie joyce victoria olivia kelly christina \
    lauren joan evelyn judith megan cheryl andrea hannah martha jacqueline frances gloria \
    ann kathryn teresa sara janice jean alice madison doris abigail julia judy grace \
    denise amber marilyn beverly danielle theresa sophia marie diana brittany natalie \
    isabella charlotte rose alexis kayla debbie elena kirsten michele chelsea nikki sonia \
    elise jill claire kristen valerie susana priya maya hillary melania ivanka kamala \
    marine nicola fatima aisha leila olga irina tatiana";

/// Common given names read as a man's.
const MALE_GIVEN_NAMES: &str = "\
    james robert john michael david william richard joseph thomas charles christopher \
    daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian \
    george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan \
    stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick \
    raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter \
    kyle ethan walter noah jeremy christian keith roger terry gerald harold sean austin \
    carl arthur lawrence dylan jesse jordan bryan billy joe bruce gabriel logan albert \
    willie alan juan wayne elijah randy roy vincent ralph eugene russell bobby mason \
    philip louis ted mike chris bill hank rick jared bob tom tim jim ben chuck harry \
    mitch martin hugh bernie barack marco jeb mitt newt rand vladimir boris emmanuel \
    francois sergei dmitry ivan mohammed muhammad ahmed omar ali hassan recep \
    bashar xavier pierre hans klaus";

/// The gender a given name is read as, if it is a common one (a name on both lists is read as
/// female).
pub(crate) fn given_name_gender(word: &str) -> Option<PronounGender> {
    // Read once: a walk of the lists for every capitalised word was a thirtieth of `predict`.
    static GENDERS: std::sync::OnceLock<FxHashMap<&str, PronounGender>> =
        std::sync::OnceLock::new();
    let genders = GENDERS.get_or_init(|| {
        let listed =
            |names: &'static str, gender| names.split_whitespace().map(move |n| (n, gender));
        // Later entries win: the female list last.
        listed(MALE_GIVEN_NAMES, PronounGender::Male)
            .chain(listed(FEMALE_GIVEN_NAMES, PronounGender::Female))
            .collect()
    });
    genders.get(word.lower().as_ref()).copied()
}

/// Words that make a name an organisation (or institution).
pub(crate) const ORG_WORDS: &[&str] = &[
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

/// Adjectives of nationality, region, religion and party, written with a capital: before a
/// lower-case word they describe it (`Republican hopefuls`, `Russian bomber`, `Syrian
/// refugees`) and name no actor. Their plurals (`Republicans`, `Russians`) are nouns and are
/// not listed.
pub(crate) const ADJECTIVAL_NAMES: &[&str] = &[
    "republican",
    "democratic",
    "libertarian",
    "american",
    "russian",
    "chinese",
    "mexican",
    "canadian",
    "european",
    "african",
    "asian",
    "latino",
    "latina",
    "hispanic",
    "muslim",
    "christian",
    "jewish",
    "catholic",
    "evangelical",
    "protestant",
    "british",
    "english",
    "french",
    "german",
    "italian",
    "spanish",
    "dutch",
    "irish",
    "scottish",
    "swedish",
    "greek",
    "polish",
    "ukrainian",
    "iranian",
    "iraqi",
    "syrian",
    "israeli",
    "palestinian",
    "arab",
    "saudi",
    "turkish",
    "egyptian",
    "afghan",
    "pakistani",
    "indian",
    "japanese",
    "korean",
    "vietnamese",
    "cuban",
    "venezuelan",
    "brazilian",
    "australian",
    "western",
    "eastern",
    "southern",
    "northern",
    "midwestern",
];

/// What follows the apostrophe of a contraction of a stop word (`I’m`, `We’re`, `It’s`, `I’ll`).
pub(crate) const CONTRACTION_ENDINGS: &[&str] = &["m", "d", "ll", "ve", "re", "s", "t"];

/// Connectors allowed inside a name when a capitalised word follows.
pub(crate) const CONNECTORS: &[&str] = &[
    "of", "for", "and", "de", "du", "van", "von", "der", "al", "bin", "la", "le", "on",
];

/// Connectors that join only after an organisation's head word ([`ORG_WORDS`]: `Committee on
/// Intelligence`, `Council on Foreign Relations`); after any other name they start what is
/// said of it (`Trump on Friday`, `ISIS on Facebook`, `Obama on Syria`).
pub(crate) const ORG_CONNECTORS: &[&str] = &["on"];

/// Auxiliary and modal verbs. After a sentence-initial word they show it is a subject (so a
/// name); after a cue word, that the word is a noun (`states can`, `reports have`).
const AUXILIARIES: &[&str] = &[
    "has", "have", "had", "is", "was", "are", "were", "will", "would", "could", "can", "may",
    "might", "must", "should", "did", "does",
];

/// Adverbs that, like an auxiliary, show the word before them is a subject.
const SUBJECT_ADVERBS: &[&str] = &["also", "then", "later", "previously"];

/// Determiners: a cue word after one is a noun (`the remarks`, `his claims`).
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "these", "those",
];

/// True when the lower-case `word` is a determiner.
pub(crate) fn is_determiner(word: &str) -> bool {
    DETERMINERS.contains(&word)
}

/// True when the lower-case `word` is an auxiliary or modal verb.
pub(crate) fn is_auxiliary(word: &str) -> bool {
    AUXILIARIES.contains(&word)
}

/// True when the lower-case `word`, right after a sentence-initial word, shows it is a subject.
pub(crate) fn follows_subject(word: &str) -> bool {
    is_auxiliary(word) || SUBJECT_ADVERBS.contains(&word)
}

/// More words that follow a subject, besides [`follows_subject`] and the cues (see
/// [`crate::article::grammar::is_verbish`]).
pub(crate) const MORE_VERBISH: &[&str] = &[
    "do",
    "repeatedly",
    "again",
    "never",
    "still",
    "already",
    "quickly",
    "openly",
    "publicly",
];

/// Words before a name that show it is a place (`in Ashford`, `from Marrow Falls`).
pub(crate) const PLACE_WORDS: &[&str] = &[
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

/// True when `word` (any case, with or without its dot) is a title, strong or weak.
pub(crate) fn is_title(word: &str) -> bool {
    let lower = word.trim_end_matches('.').lower();
    let lower = lower.as_ref();
    TITLES.contains(&lower) || TITLE_ABBREVIATIONS.contains(&lower) || WEAK_TITLES.contains(&lower)
}

/// True when `word` (any case) is a weak title (see [`WEAK_TITLES`]).
pub(crate) fn is_weak_title(word: &str) -> bool {
    WEAK_TITLES.contains(&word.lower().as_ref())
}

/// A title in lower case without its dot, abbreviations spelled out (`Gov.` → `governor`).
pub(crate) fn normal_title(word: &str) -> String {
    let lower = word.trim_end_matches('.').lower();
    match lower.as_ref() {
        "gov" => "governor".into(),
        "sen" => "senator".into(),
        "rep" => "representative".into(),
        "prof" => "professor".into(),
        "dr" => "doctor".into(),
        _ => lower.into_owned(),
    }
}

/// True when one of `words` (any case) is an organisation word.
pub(crate) fn has_org_word(words: &[&str]) -> bool {
    words
        .iter()
        .any(|w| ORG_WORDS.contains(&w.lower().as_ref()))
}

/// True when `word` starts with a capital letter.
pub(crate) fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_uppercase())
}

/// True when `word` is an acronym: at least two letters, all capitals (dots and `&` allowed).
pub(crate) fn is_acronym(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2
        && word
            .chars()
            .all(|c| c.is_uppercase() || c == '.' || c == '&')
}

/// Strips a possessive `’s` / `'s`; the flag tells whether one was stripped.
pub(crate) fn strip_possessive(word: &str) -> (&str, bool) {
    for suffix in ["’s", "'s", "’S", "'S"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            if !stem.is_empty() {
                return (stem, true);
            }
        }
    }
    (word, false)
}

// Descriptions and pronouns (coreference).

/// Role nouns resolved through titles.
pub(crate) const ROLE_TITLES: &[&str] = &[
    "president",
    "mayor",
    "mayor-elect",
    "governor",
    "senator",
    "commissioner",
    "secretary",
    "judge",
    "director",
    "chairman",
    "chairwoman",
    "minister",
    "sheriff",
    "superintendent",
    "speaker",
    "chancellor",
    "representative",
    "congressman",
    "congresswoman",
    "professor",
];

/// Organisation nouns and the name words that fit them.
pub(crate) const ORG_ROLES: &[(&str, &[&str])] = &[
    (
        "company",
        &[
            "company",
            "works",
            "inc",
            "corp",
            "corporation",
            "industries",
            "co",
            "group",
            "steel",
            "motors",
            "airlines",
            "bank",
        ],
    ),
    (
        "firm",
        &[
            "company",
            "works",
            "inc",
            "corp",
            "corporation",
            "industries",
            "group",
            "partners",
        ],
    ),
    (
        "agency",
        &[
            "agency",
            "authority",
            "administration",
            "enforcement",
            "department",
            "bureau",
            "service",
            "commission",
            "office",
            "ice",
            "dhs",
        ],
    ),
    ("union", &["union", "association", "federation", "guild"]),
    ("guild", &["guild"]),
    ("association", &["association"]),
    ("city", &["city"]),
    ("council", &["council"]),
    ("board", &["board"]),
    ("district", &["district"]),
    ("department", &["department"]),
    ("administration", &["administration"]),
    ("university", &["university"]),
    ("college", &["college"]),
    ("club", &["club"]),
    ("court", &["court"]),
    ("party", &["party"]),
    ("committee", &["committee"]),
    (
        "group",
        &[
            "group",
            "coalition",
            "alliance",
            "committee",
            "citizens",
            "parents",
            "network",
        ],
    ),
    ("coalition", &["coalition", "alliance"]),
];

/// Words that open an introductory phrase (`Through a post on its account, ICE …`).
pub(crate) const INTRO_WORDS: &[&str] = &[
    "through",
    "during",
    "in",
    "after",
    "before",
    "with",
    "despite",
    "following",
    "since",
    "at",
    "on",
    "under",
    "as",
    "speaking",
    "asked",
    "while",
    "when",
    "upon",
    "addressing",
    "writing",
    "from",
    "without",
    "unlike",
    "like",
];

/// Prepositions that keep the next noun out of subject position.
pub(crate) const PREPOSITIONS: &[&str] = &[
    "of",
    "in",
    "at",
    "by",
    "for",
    "with",
    "from",
    "to",
    "on",
    "about",
    "against",
    "under",
    "over",
    "than",
    "like",
    "toward",
    "towards",
    "into",
    "through",
    "near",
    "between",
    "among",
    "accused",
    "called",
    "calling",
    "criticized",
    "praised",
    "told",
    "invited",
    "urged",
    "and",
];

/// Nouns between a name and its verb that do not change the subject (`DHS officials said`).
pub(crate) const GROUP_NOUNS: &[&str] = &[
    "officials",
    "official",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "campaign",
    "officers",
    "leaders",
    "lawyers",
    "attorneys",
    "representatives",
    "aides",
    "staff",
    "members",
    "administration",
    "executives",
    "agents",
    "team",
    "office",
    "supporters",
];

// Speakers.

/// Words skipped when walking back from a cue to its subject.
pub(crate) const SKIPPABLE: &[&str] = &[
    ",",
    ")",
    "(",
    "which",
    "who",
    "that",
    "also",
    "has",
    "have",
    "had",
    "previously",
    "again",
    "recently",
    "repeatedly",
    "once",
    "later",
    "then",
    "both",
    "all",
    "not",
    "never",
    "long",
    "first",
    "further",
    "but",
    "would",
    "will",
    "could",
    "did",
    "does",
    "do",
];

/// Prepositions that mark a mention before a cue as a modifier, not the subject.
pub(crate) const MODIFIER_PREPOSITIONS: &[&str] =
    &["of", "at", "in", "from", "for", "with", "on", "to"];
