//! Failures found in code this harness may not fix (its owners are changing it): each is
//! saved in `regressions/`, expected to fail by the short run (or skipped, when replaying it
//! would abort the process or take seconds), and counted apart, not as a new failure, by a
//! long run. Remove an entry when its code is fixed; the short run says when a listed fixture
//! stops failing.

/// One known failure.
pub struct Known {
    /// The target that finds it.
    pub target: &'static str,
    /// A part of the failure's signature (a panic's location, the check it breaks, `slow`,
    /// `crash: ` and the reason the process gave).
    pub signature: &'static str,
    /// Its fixture in `regressions/`.
    pub fixture: &'static str,
    /// True when the short run does not replay it: it aborts the process (a failed
    /// allocation) or takes seconds in a debug build.
    pub skip: bool,
    /// Where it fails and whose code that is.
    pub note: &'static str,
}

/// Every known failure.
pub const KNOWN: &[Known] = &[
    Known {
        target: "jsonl",
        signature: "memory",
        fixture: "jsonl-10b27482ff875922.bin",
        skip: false,
        note: "src/article (reported, the context of a statement) and src/score.rs: a sentence \
               of N attributions (`according to ,` 552 times in 10 KB) is N statements each \
               with the whole sentence as context, so predict scores N copies of it: 77 MB and \
               0.4-0.6 s for 10 KB, growing with the square of the sentence",
    },
    Known {
        target: "article",
        signature: "memory",
        fixture: "article-56ca77aae13767fe.bin",
        skip: false,
        note: "the JSON lines fixture's article alone: the same statements × context",
    },
];

/// The known failure a failure of `target` with `signature` is, if any.
pub fn find(target: &str, signature: &str) -> Option<&'static Known> {
    KNOWN
        .iter()
        .find(|known| known.target == target && signature.contains(known.signature))
}

/// The known failure saved as `fixture`, if any.
pub fn of_fixture(fixture: &str) -> Option<&'static Known> {
    KNOWN.iter().find(|known| known.fixture == fixture)
}
