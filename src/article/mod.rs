//! Article analysis: the stage that turns a news article into statements, speakers and actors.
//!
//! Given the raw text of an article (curly or straight quotes, CRLF or LF line ends, an
//! optional byte-order mark, paragraphs of any length), [`analyse`] finds:
//!
//! 1. **Sentences and words** (`segment`): paragraphs are lines; sentences are split at
//!    `.`, `!`, `?` (also when a closing quote mark follows) but not after abbreviations such
//!    as `Sen.`, `Gov.`, `Dr.`, `U.S.`, `Jan.` or single initials.
//! 2. **Quotes** (`quotes`): text between paired marks (`“…”`, `"…"`, `‘…’`), nested single
//!    quotes staying inside their double quote, quotes running over several sentences and over
//!    several paragraphs (a paragraph that ends inside a quote and a next paragraph that opens
//!    with a new mark form one quote). A quote of at most four words that is not a clause is a
//!    [`QuoteKind::Scare`] quote, any other is [`QuoteKind::Direct`].
//! 3. **Reported speech** (`reported`): in a sentence with *no* quote, each attribution by a
//!    cue (`said`, `warned`, `concluded`, `believes`, `according to`, …) is a
//!    [`QuoteKind::Reported`] statement whose span is the reported clause (what follows the
//!    cue and an optional `that`, or, for a trailing `…, the company announced`, what
//!    precedes the attribution); two attributions joined by `and` are two statements.
//!    **A sentence holding a quote of any kind yields only its quotes**: in
//!    `Mamdani has criticized ICE as a “rogue agency” and vowed to resist …` the scare quote
//!    `rogue agency` is the statement and the whole sentence is its context, so the stance
//!    model still sees the reported part.
//! 4. **Actors** (`actors`): actors from the user's [`ActorList`] (matched by name or alias,
//!    longest match first) and actors found without a list: capitalised name sequences with
//!    titles stripped, acronyms defined in parentheses, surnames and short forms linked to the
//!    full name, possessives, and descriptions such as `the president` or `the union`
//!    (`coref` also resolves third-person pronouns).
//! 5. **Speakers** (`speakers`): the subject of the cue verb in the quote's sentence, else the
//!    speaker of the previous quote in the paragraph or a neighbouring sentence, with a
//!    confidence; `None` when nothing fits.
//! 6. **Targets** (`targets`): the actors each statement concerns.
//!
//! All offsets are **byte offsets into the text exactly as given** (a BOM included), always
//! on `char` boundaries, so `&text[span.start..span.end]` is valid.
//!
//! Each step has its file and takes what the steps before it produced; none looks at a later
//! step. Beneath them lie `types` (the public types re-exported here), `lexicon` (every word
//! list and one-word predicate), `segment`, `grammar` (cue, subject and sentence-start
//! tests several steps share) and `mentions` (actors and mentions while an article is
//! analysed). Name finding has its own file, `names`, under `actors`; `actor_list` parses
//! actors files.

mod actor_list;
mod actors;
mod coref;
mod grammar;
mod lexicon;
mod mentions;
mod names;
mod quotes;
mod reported;
mod segment;
mod speakers;
mod targets;
mod types;

pub use types::{Actor, ActorFileError, ActorList, Analysis, KnownActor, Quote, QuoteKind, Span};

/// Analyses one article: quotes, reported statements, actors, speakers and targets.
///
/// Never panics, whatever the input; an empty or quote-free text gives empty lists.
pub fn analyse(text: &str, known: &ActorList) -> Analysis {
    let doc = segment::Document::new(text);
    let raw_quotes = reported::with_reported(&doc, quotes::find_quotes(&doc));
    let mut found = actors::find_actors(&doc, known, &raw_quotes);
    coref::resolve(&doc, &mut found, &raw_quotes);
    let attributed = speakers::attribute(&doc, &found, &raw_quotes);
    // A short phrase in quote marks that nobody is said to have said is the writer's own
    // (a scare quote), and one in title case is the title of a show, a book or a film:
    // neither is a statement.
    let statements = attributed.into_iter().filter(|s| {
        let attributed = s.speaker.is_some() || s.described.is_some();
        s.quote.kind != QuoteKind::Scare || (attributed && !is_title_case(s.quote.span.slice(text)))
    });
    let mut out = Vec::new();
    for (index, statement) in statements.enumerate() {
        let concerned = targets::concerned_actors(&doc, &found, &statement);
        let speaker = statement
            .speaker
            .map(|a| found.actors[a].name.clone())
            .or_else(|| statement.described.map(|d| d.slice(text).to_string()));
        out.push(Quote {
            id: index + 1,
            span: statement.quote.span,
            text: statement.quote.span.slice(text).to_string(),
            kind: statement.quote.kind,
            context: statement.context,
            context_text: statement.context.slice(text).to_string(),
            speaker_confidence: if speaker.is_some() {
                statement.confidence
            } else {
                0.0
            },
            speaker,
            actors: concerned
                .into_iter()
                .map(|a| found.actors[a].name.clone())
                .collect(),
        });
    }
    Analysis {
        actors: found.public_actors(),
        quotes: out,
    }
}

/// True when every word of four letters or more starts with a capital, and there are two
/// such words (`Harbor Hour`, `Meet the Press`): how titles of works are written.
fn is_title_case(quoted: &str) -> bool {
    let words: Vec<&str> = quoted
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() > 3)
        .collect();
    words.len() >= 2 && words.iter().all(|w| w.starts_with(char::is_uppercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../seeds/ice-nypd-mamdani.txt");

    fn quote_with<'a>(analysis: &'a Analysis, words: &str) -> &'a Quote {
        match analysis.quotes.iter().find(|q| q.text.contains(words)) {
            Some(q) => q,
            None => panic!("no quote with {words:?} in {:#?}", analysis.quotes),
        }
    }

    #[test]
    fn seed_communist_is_trump_about_mamdani() {
        let analysis = analyse(SEED, &ActorList::new());
        let quote = quote_with(&analysis, "communist");
        assert_eq!(quote.kind, QuoteKind::Scare);
        assert_eq!(quote.speaker.as_deref(), Some("Donald Trump"));
        assert!(quote.actors.contains(&"Zohran Mamdani".to_string()));
        assert!(!quote.actors.contains(&"Donald Trump".to_string()));
    }

    #[test]
    fn seed_rogue_agency_is_mamdani_about_ice() {
        let analysis = analyse(SEED, &ActorList::new());
        let quote = quote_with(&analysis, "rogue agency");
        assert_eq!(quote.speaker.as_deref(), Some("Zohran Mamdani"));
        assert!(quote.actors.contains(&"ICE".to_string()));
        let ice = analysis.actor("ICE").expect("ICE is an actor");
        assert!(ice
            .aliases
            .contains(&"Immigration and Customs Enforcement".to_string()));
    }

    #[test]
    fn seed_agency_that_respects_you_is_ice_about_nypd() {
        let analysis = analyse(SEED, &ActorList::new());
        let quote = quote_with(&analysis, "an agency that respects you");
        assert_eq!(quote.kind, QuoteKind::Direct);
        assert_eq!(quote.speaker.as_deref(), Some("ICE"));
        assert!(quote.actors.contains(&"NYPD".to_string()));
        assert!(!quote.actors.contains(&"ICE".to_string()));
    }

    #[test]
    fn seed_agency_with_actor_file_merges_nypd() {
        let list = ActorList::parse(
            "NYPD = New York City police officers | NYPD officers",
            "test",
        )
        .expect("valid list");
        let analysis = analyse(SEED, &list);
        let quote = quote_with(&analysis, "an agency that respects you");
        assert_eq!(quote.speaker.as_deref(), Some("ICE"));
        assert!(quote.actors.contains(&"NYPD".to_string()));
        let nypd = analysis.actor("NYPD").expect("NYPD is an actor");
        // "New York City police officers" in the first sentence is NYPD, not the city.
        let first = SEED.find("New York City police officers").unwrap_or(0);
        assert!(nypd.mentions.iter().any(|m| m.start == first));
        assert_eq!(
            analysis.actors.iter().filter(|a| a.name == "NYPD").count(),
            1
        );
    }

    #[test]
    fn seed_same_standard_is_mamdani() {
        let analysis = analyse(SEED, &ActorList::new());
        let quote = quote_with(
            &analysis,
            "everyone will be held to the same standard of the law",
        );
        assert_eq!(quote.kind, QuoteKind::Direct);
        assert_eq!(quote.speaker.as_deref(), Some("Zohran Mamdani"));
    }

    #[test]
    fn seed_reported_cost_of_living_is_mamdani_about_trump() {
        let analysis = analyse(SEED, &ActorList::new());
        let quote = quote_with(&analysis, "he is willing to work with the president");
        assert_eq!(quote.kind, QuoteKind::Reported);
        assert_eq!(quote.speaker.as_deref(), Some("Zohran Mamdani"));
        assert!(quote.actors.contains(&"Donald Trump".to_string()));
        assert!(quote
            .context_text
            .starts_with("Despite their sharp differences"));
    }

    #[test]
    fn seed_critics_warning_is_the_critics_about_mamdani() {
        let analysis = analyse(SEED, &ActorList::new());
        let quote = quote_with(&analysis, "some officers may consider resigning");
        assert_eq!(quote.speaker.as_deref(), Some("Critics of Mamdani"));
        assert!(quote.actors.contains(&"Zohran Mamdani".to_string()));
    }

    #[test]
    fn seed_willing_to_work_is_not_about_ice() {
        let analysis = analyse(SEED, &ActorList::new());
        let quote = quote_with(&analysis, "he is willing to work with the president");
        assert!(
            !quote.actors.contains(&"ICE".to_string()),
            "{:?}",
            quote.actors
        );
    }

    #[test]
    fn seed_offsets_match_text() {
        let analysis = analyse(SEED, &ActorList::new());
        assert!(!analysis.quotes.is_empty());
        for (i, quote) in analysis.quotes.iter().enumerate() {
            assert_eq!(quote.id, i + 1);
            assert_eq!(&SEED[quote.span.start..quote.span.end], quote.text);
            assert_eq!(
                &SEED[quote.context.start..quote.context.end],
                quote.context_text
            );
            assert!(quote.context.contains(quote.span));
        }
        for actor in &analysis.actors {
            assert!(!actor.mentions.is_empty());
        }
        let trump = analysis.actor("Donald Trump").expect("Trump is an actor");
        assert!(trump.mentions.len() >= 3);
    }

    #[test]
    fn analysis_serializes() {
        let analysis = analyse("“We won,” Ann Lee said.", &ActorList::new());
        let json = serde_json::to_string(&analysis).expect("serializes");
        assert!(json.contains("\"kind\":\"direct\""));
    }

    fn check_invariants(text: &str) {
        let analysis = analyse(text, &ActorList::new());
        for quote in &analysis.quotes {
            assert!(text.get(quote.span.start..quote.span.end).is_some());
            assert!(text.get(quote.context.start..quote.context.end).is_some());
            assert!((0.0..=1.0).contains(&quote.speaker_confidence));
        }
        for actor in &analysis.actors {
            for m in &actor.mentions {
                assert!(text.get(m.start..m.end).is_some());
            }
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        let long_line = "word “quote” Ann said. ".repeat(4200); // about 100k characters, one line
        let odd = [
            "",
            " ",
            "\u{feff}",
            "\u{feff}“",
            "“",
            "”",
            "\"",
            "'",
            "‘",
            "’",
            "“”",
            "\"\"",
            "   \n\n\r\n\t  ",
            "“unclosed quote, she said.",
            "closed” without opening, he said.",
            "\u{feff}“Hello,” said Ann Lee.\r\nShe said it again.\r\n",
            "Mr. . . . Dr. Sen. U.S. (ICE) ( ) (",
            "The (X) said (). A (B) c.",
            "He said she said they said it said.",
            "ÉÉÉ “ÉÉ” ÉÉ said “ü”. 東京 said “東京”.",
            &long_line,
            &"a".repeat(100_000),
            &"“".repeat(1000),
            &"’s ".repeat(1000),
        ];
        for text in odd {
            check_invariants(text);
        }
    }

    /// The bytes an analysis gives for its statements: each one's words and context.
    fn statement_bytes(analysis: &Analysis) -> usize {
        let quotes = analysis.quotes.iter();
        quotes.map(|q| q.text.len() + q.context_text.len()).sum()
    }

    #[test]
    fn hostile_inputs_give_statements_within_a_constant_times_the_text() {
        // What made the stage's output, and so its time, grow with the square of the text:
        // 40,000 one-word quotes in one sentence after the seed, quote marks of every kind
        // nested 5,000 deep, and an acronym repeated 8,000 times in one quote.
        let opening = ["“", "‘", "\"", "«", "''"];
        let closing = ["”", "’", "\"", "»", "''"];
        let mut nested = String::from("Mamdani said ");
        (0..5_000).for_each(|i| nested.push_str(&format!("{}we ", opening[i % 5])));
        (0..5_000)
            .rev()
            .for_each(|i| nested.push_str(&format!("{} ", closing[i % 5])));
        let texts = [
            format!("{SEED}Mamdani said {}.", "\"q ".repeat(40_000)),
            nested,
            format!(
                "Immigration and Customs Enforcement (ICE) said “{}” on Monday.",
                "ICE ".repeat(8_000)
            ),
        ];
        for text in &texts {
            let analysis = analyse(text, &ActorList::new());
            let bytes = statement_bytes(&analysis);
            assert!(
                bytes <= 40 * text.len(),
                "{bytes} bytes from {}",
                text.len()
            );
        }
    }

    #[test]
    fn never_panics_with_multibyte_at_every_position() {
        let base = "Mayor Ann Lee said “we’ll win.” She (AL) told ICE’s chief: \"No.\"\r\n";
        let inserts = ["é", "“", "’", "東", "\u{feff}", "😀"];
        let mut cuts: Vec<usize> = base.char_indices().map(|(i, _)| i).collect();
        cuts.push(base.len());
        for insert in inserts {
            for &cut in &cuts {
                let mut text = String::from(&base[..cut]);
                text.push_str(insert);
                text.push_str(&base[cut..]);
                check_invariants(&text);
            }
        }
    }
}

/// Property tests: whatever the bytes, the stage returns spans on `char` boundaries, contexts
/// holding their quotes, confidences in 0 to 1, and contexts whose total stays within a
/// constant times the text (a deterministic stand-in for linear memory; speed is measured in
/// `benches/pipeline.rs`, group `article_worst`).
#[cfg(test)]
mod properties {
    use super::speakers::CONTEXT_BUDGET;
    use super::*;
    use proptest::prelude::*;

    /// Pieces of news text, weighted towards what has been hard: quote marks of every kind,
    /// apostrophes, names and acronyms, cues and pronouns, control characters, line ends,
    /// brackets, markup, and any character at all.
    fn piece() -> impl Strategy<Value = String> {
        let fixed = prop::sample::select(vec![
            "“",
            "”",
            "\"",
            "‘",
            "’",
            "'",
            "''",
            "«",
            "»",
            "„",
            " ",
            " ",
            " ",
            "\r\n",
            "\n",
            "\n\n",
            "(",
            ")",
            "[",
            "]",
            ".",
            ". ",
            ",",
            ":",
            ";",
            "—",
            "-",
            "?",
            "!",
            "\t",
            "\u{0}",
            "\u{7}",
            "\u{1b}",
            "\u{feff}",
            "é",
            "東京",
            "😀",
            "<tweet a=\"b\">",
            "</p>",
            "ICE",
            "NYPD",
            "DHS",
            "Immigration and Customs Enforcement (ICE)",
            "Mr.",
            "Ms.",
            "Sen.",
            "President",
            "Mayor",
            "Ann",
            "Lee",
            "Zohran Mamdani",
            "Mamdani",
            "Harlow Steel Works",
            "WASHINGTON",
            "The",
            "Critics",
            "According to",
            " said ",
            " told ",
            " warned that ",
            " according to ",
            " the president ",
            " the company ",
            " he ",
            " she ",
            " it ",
            " they ",
            " his ",
            " its ",
            " we ",
            " and ",
            " of ",
            "q",
            "don't",
            "ICE’s",
            "workers’",
            "U.S.",
        ])
        .prop_map(String::from);
        prop_oneof![
            8 => fixed,
            1 => any::<char>().prop_map(String::from),
            1 => "[A-Z][a-z]{1,8}",
        ]
    }

    /// Texts of pieces, each repeated up to 40 times, so long runs (of quote marks, names, words
    /// without a full stop) come up often.
    fn article() -> impl Strategy<Value = String> {
        prop::collection::vec((piece(), 1usize..40), 0..60).prop_map(|runs| {
            runs.into_iter()
                .map(|(piece, times)| piece.repeat(times))
                .collect()
        })
    }

    fn on_boundaries(text: &str, span: Span) -> bool {
        span.start <= span.end && text.get(span.start..span.end).is_some()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn analyse_keeps_its_promises(text in article()) {
            let analysis = analyse(&text, &ActorList::new());
            let mut contexts = 0;
            for quote in &analysis.quotes {
                prop_assert!(on_boundaries(&text, quote.span));
                prop_assert!(on_boundaries(&text, quote.context));
                prop_assert!(quote.context.contains(quote.span));
                prop_assert_eq!(quote.span.slice(&text), quote.text.as_str());
                prop_assert_eq!(quote.context.slice(&text), quote.context_text.as_str());
                prop_assert!((0.0..=1.0).contains(&quote.speaker_confidence));
                prop_assert!(quote.context.len() <= quote.span.len() + CONTEXT_BUDGET);
                contexts += quote.context.len();
            }
            for actor in &analysis.actors {
                for &mention in &actor.mentions {
                    prop_assert!(on_boundaries(&text, mention));
                }
            }
            prop_assert!(contexts <= (CONTEXT_BUDGET + 1) * text.len());
        }
    }
}
