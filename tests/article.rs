//! The article stage on the seed article and on the gold set.

use std::path::Path;

use stance::article::{analyse, ActorList, Analysis, Quote};
use stance::eval::extraction::evaluate_extraction;
use stance::eval::gold::load_dir;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn quote_with<'a>(analysis: &'a Analysis, words: &str) -> &'a Quote {
    analysis
        .quotes
        .iter()
        .find(|q| q.text.contains(words))
        .unwrap_or_else(|| panic!("no quote with {words:?}"))
}

#[test]
fn seed_with_its_actors_file() {
    let text = std::fs::read_to_string(root().join("seeds/ice-nypd-mamdani.txt")).expect("seed");
    let list = ActorList::from_file(&root().join("seeds/ice-nypd-mamdani.actors.txt"))
        .expect("actors file");
    let analysis = analyse(&text, &list);
    let agency = quote_with(&analysis, "an agency that respects you");
    assert_eq!(agency.speaker.as_deref(), Some("ICE"));
    assert!(agency.actors.contains(&"NYPD".to_string()));
    let communist = quote_with(&analysis, "communist");
    assert_eq!(communist.speaker.as_deref(), Some("Donald Trump"));
    assert!(communist.actors.contains(&"Zohran Mamdani".to_string()));
    let rogue = quote_with(&analysis, "rogue agency");
    assert_eq!(rogue.speaker.as_deref(), Some("Zohran Mamdani"));
    assert!(rogue.actors.contains(&"ICE".to_string()));
    let standard = quote_with(
        &analysis,
        "everyone will be held to the same standard of the law",
    );
    assert_eq!(standard.speaker.as_deref(), Some("Zohran Mamdani"));
    let reported = quote_with(&analysis, "he is willing to work with the president");
    assert_eq!(reported.speaker.as_deref(), Some("Zohran Mamdani"));
    assert!(reported.actors.contains(&"Donald Trump".to_string()));
}

/// Run with `cargo test --test tests gold_set_report -- --nocapture` to see the table.
#[test]
fn gold_set_report() {
    let golds = load_dir(&root().join("tests/gold")).expect("gold set loads");
    let pairs: Vec<_> = golds
        .into_iter()
        .map(|g| {
            let analysis = analyse(&g.text, &ActorList::new());
            (g, analysis)
        })
        .collect();
    let (report, _) = evaluate_extraction(&pairs);
    println!("{}", report.to_table());
    assert_eq!(report.articles, 6);
    // Figures at the time of writing: overlap F1 0.99, speaker accuracy 1.0, actor-pair
    // recall 0.92 (in-sample: the rules were improved on these articles).
    let all = &report.views.all;
    assert!(
        all.overlap.f1 >= 0.8,
        "overlap F1 fell to {}",
        all.overlap.f1
    );
    assert!(
        all.speaker.rate >= 0.8,
        "speaker accuracy fell to {}",
        all.speaker.rate
    );
    assert!(
        report.actor_pairs.rate >= 0.8,
        "actor-pair recall fell to {}",
        report.actor_pairs.rate
    );
}
