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
    // The two before (a sentence of N attributions giving N statements that each held the
    // sentence up to it, 77 MB for 10 KB) pass since a trailing attribution reaches back only
    // past the one before (src/article/reported.rs); the one after them (an 18 KB article of
    // 700 one-clause quotes whose `--explain 3` HTML listed every span of every term, 37 MB
    // held) passes since an explanation lists at most `MAX_TERM_SPANS` spans a term
    // (src/model/explain.rs). Their fixtures stay as regressions.
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
