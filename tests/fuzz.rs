//! Fuzzing on the stable toolchain: seeded mutations of the project's inputs run in process,
//! many threads' worth of cases a second, each checked for panics, broken promises, time and
//! memory.
//!
//! `cargo-fuzz` needs a nightly compiler; this is an ordinary test target (`harness = false`)
//! with its own `main`, so it builds wherever the crate does. The five targets
//! (`targets.rs`): the labelled-rows reader, the article stage, `predict` on JSON lines, the
//! actors-file parser and the model folder's loader, each followed by `predict` so what they
//! accept is also scored and its output checked (JSON lines that parse, probabilities finite
//! and summing to 1, offsets on the article's character boundaries with the quote's text at
//! them, CSV that parses).
//!
//! - **Inputs.** Case `N` of a run seeded with `S` is a seed mutated by a ChaCha8 generator
//!   keyed by `(S, N)` alone (`mutate.rs`), so any case is reproduced from `--seed S --from N`
//!   whatever the thread count. Seeds: the fixtures' and gold articles, JSON lines made of
//!   them, the labelled CSV and a CSV with every optional column, two actors files, and a
//!   model folder trained in process at start on the labelled fixture (a second; the shipped
//!   25 MB model would make each model case cost its load). A case's first byte chooses its
//!   settings (delimiter, encoding, output format, actors, explanations), so a saved input
//!   replays exactly.
//! - **Failures.** A panic (caught per case, its location and the innermost `stance::` frame
//!   kept as its signature), a broken check, a case slower than [`SECONDS_PER_100_KB`] a
//!   second per 100 KB (at least a second; ten times that in a debug build; timed twice, so a
//!   busy machine does not fail a case), or a case that holds more than [`MEMORY_FACTOR`] times
//!   its input plus [`MEMORY_SLACK`] at its peak (counted by the global allocator on the
//!   case's own thread, `alloc.rs`). Each new failure is shrunk (chunks removed while the same
//!   failure persists, at most [`SHRINK_SECONDS`]) and saved as
//!   `tests/fuzz/regressions/<target>-<hash>.bin`, which every later short run replays.
//!   Failures in code this harness may not fix are listed in `known.rs`.
//! - **Crashes.** An abort (a failed allocation, a stack overflow) cannot be caught in
//!   process. A long run (`--cases N`) is therefore supervised: the process starts a worker
//!   copy of itself, and when one dies it reruns the cases that were in flight one at a time to
//!   find the culprit, saves it, and resumes after it.
//! - **Threads.** Each worker thread runs its cases inside a one-thread rayon pool of its own,
//!   so the library's parallel steps stay on that thread and its memory is counted there.
//!
//! With no arguments (as `cargo test` runs it): every saved regression is replayed, then
//! [`SHORT_CASES`] cases seeded with [`SHORT_SEED`]. `scripts/fuzz --cases 1000000` runs a
//! long one in a release build; `--target`, `--seed`, `--threads`, `--seconds` and `--from`
//! narrow it.

// A test target's root is `tests/`, so its modules are named by path.
#[path = "fuzz/alloc.rs"]
mod alloc;
#[path = "fuzz/known.rs"]
mod known;
#[path = "fuzz/mutate.rs"]
mod mutate;
#[path = "fuzz/targets.rs"]
mod targets;

use std::cell::RefCell;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use targets::{Context, Outcome, Target};

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

/// Cases of the short run.
const SHORT_CASES: u64 = 10_000;
/// Seed of the short run.
const SHORT_SEED: u64 = 20;
/// The short run stops starting cases after this long (it takes about a third of it).
const SHORT_SECONDS: f64 = 50.0;
/// The time a case may take per 100 KB of input (and at least this), in a release build.
const SECONDS_PER_100_KB: f64 = 1.0;
/// How much slower a debug build may be.
const DEBUG_SLOWDOWN: f64 = 10.0;
/// A case may hold at its peak this many times its input's size...
const MEMORY_FACTOR: usize = 64;
/// ...plus this (the predictor's fixed buffers, an HTML page's template, a loaded model's
/// tokeniser).
const MEMORY_SLACK: usize = 32 << 20;
/// Time spent shrinking one failure at most.
const SHRINK_SECONDS: f64 = 20.0;

/// What a run was asked.
#[derive(Debug, Clone)]
struct Args {
    cases: Option<u64>,
    seed: u64,
    threads: usize,
    seconds: f64,
    target: Option<Target>,
    from: u64,
    worker: bool,
    /// Regressions to replay alone, telling what each does.
    replay: Vec<PathBuf>,
}

impl Args {
    fn parse() -> Result<Option<Args>, String> {
        let mut args = Args {
            cases: None,
            seed: SHORT_SEED,
            threads: 2,
            seconds: SHORT_SECONDS,
            target: None,
            from: 0,
            worker: false,
            replay: Vec::new(),
        };
        let mut seconds = None;
        let mut given = std::env::args().skip(1);
        while let Some(flag) = given.next() {
            let mut value = || given.next().ok_or(format!("{flag} needs a value"));
            let number = |v: String| v.parse::<u64>().map_err(|e| format!("{flag} {v}: {e}"));
            match flag.as_str() {
                "--cases" => args.cases = Some(number(value()?)?),
                "--seed" => args.seed = number(value()?)?,
                "--threads" => args.threads = number(value()?)?.max(1) as usize,
                "--from" => args.from = number(value()?)?,
                "--seconds" => {
                    let v = value()?;
                    seconds = Some(
                        v.parse::<f64>()
                            .map_err(|e| format!("--seconds {v}: {e}"))?,
                    );
                }
                "--target" => {
                    let v = value()?;
                    args.target = match v.as_str() {
                        "all" => None,
                        name => Some(Target::from_name(name).ok_or(format!(
                            "--target {name}: not csv|article|jsonl|actors|model|all"
                        ))?),
                    };
                }
                "--worker" => args.worker = true,
                "--replay" => args.replay.push(PathBuf::from(value()?)),
                // What `cargo test` passes to every test binary.
                "--nocapture" | "--quiet" | "-q" | "--show-output" | "--include-ignored"
                | "--ignored" | "--exact" => {}
                // libtest's flags with a value (`cargo test -- --skip python`): a skip that
                // names this target leaves it out.
                "--skip" => {
                    if "fuzz".contains(value()?.as_str()) {
                        return Ok(None);
                    }
                }
                "--test-threads" | "--format" | "--color" | "-Z" => {
                    value()?;
                }
                with_value
                    if ["--test-threads=", "--format=", "--color="]
                        .iter()
                        .any(|flag| with_value.starts_with(flag)) => {}
                // A test name filter given to `cargo test`: run only if it names this target.
                filter if !filter.starts_with('-') => {
                    if !"fuzz".contains(filter) {
                        return Ok(None);
                    }
                }
                other => return Err(format!("unknown flag {other}")),
            }
        }
        args.seconds = seconds.unwrap_or(if args.cases.is_some() {
            3600.0
        } else {
            SHORT_SECONDS
        });
        Ok(Some(args))
    }

    /// The target of case `case`.
    fn target_of(&self, case: u64) -> Target {
        self.target
            .unwrap_or(Target::ALL[(case % Target::ALL.len() as u64) as usize])
    }
}

/// Counts and extremes of a run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Stats {
    cases: u64,
    by_target: [u64; 5],
    /// Seconds spent in each target's cases (on all threads together).
    seconds_by_target: [f64; 5],
    accepted: u64,
    refused: u64,
    panics: u64,
    checks: u64,
    slow: u64,
    memory: u64,
    crashes: u64,
    known: u64,
    /// The most a case held, and its input's size.
    peak_bytes: usize,
    peak_input: usize,
    /// The most a case of 64 KB or more held per byte of input.
    worst_ratio: f64,
    /// The longest a case took, in milliseconds, and its input's size.
    slowest_ms: f64,
    slowest_input: usize,
    /// The most milliseconds per 100 KB a case of 64 KB or more took.
    worst_ms_per_100_kb: f64,
    largest_input: usize,
    /// The peak resident memory of the process (of every worker process, the largest).
    process_peak: u64,
}

impl Stats {
    fn failures(&self) -> u64 {
        self.panics + self.checks + self.slow + self.memory + self.crashes
    }

    fn add_case(&mut self, target: Target, len: usize, result: &CaseResult) {
        let index = Target::ALL.iter().position(|&t| t == target).unwrap_or(0);
        self.cases += 1;
        self.by_target[index] += 1;
        self.seconds_by_target[index] += result.elapsed.as_secs_f64();
        match result.verdict {
            Verdict::Passed(Outcome::Accepted) => self.accepted += 1,
            Verdict::Passed(Outcome::Refused) => self.refused += 1,
            Verdict::Failed(_) => {}
        }
        if result.peak > self.peak_bytes {
            self.peak_bytes = result.peak;
            self.peak_input = len;
        }
        let ms = result.elapsed.as_secs_f64() * 1000.0;
        if ms > self.slowest_ms {
            self.slowest_ms = ms;
            self.slowest_input = len;
        }
        if len >= 64 * 1024 {
            self.worst_ratio = self.worst_ratio.max(result.peak as f64 / len as f64);
            self.worst_ms_per_100_kb = self.worst_ms_per_100_kb.max(ms * 100_000.0 / len as f64);
        }
        self.largest_input = self.largest_input.max(len);
    }

    fn count_failure(&mut self, kind: Kind) {
        match kind {
            Kind::Panic => self.panics += 1,
            Kind::Check => self.checks += 1,
            Kind::Slow => self.slow += 1,
            Kind::Memory => self.memory += 1,
            Kind::Crash => self.crashes += 1,
        }
    }

    /// Figures of a worker process: its extremes (its counts are taken from its lines).
    fn merge_extremes(&mut self, other: &Stats) {
        if other.peak_bytes > self.peak_bytes {
            self.peak_bytes = other.peak_bytes;
            self.peak_input = other.peak_input;
        }
        if other.slowest_ms > self.slowest_ms {
            self.slowest_ms = other.slowest_ms;
            self.slowest_input = other.slowest_input;
        }
        self.worst_ratio = self.worst_ratio.max(other.worst_ratio);
        self.worst_ms_per_100_kb = self.worst_ms_per_100_kb.max(other.worst_ms_per_100_kb);
        self.largest_input = self.largest_input.max(other.largest_input);
        self.process_peak = self.process_peak.max(other.process_peak);
        self.accepted += other.accepted;
        self.refused += other.refused;
        for (total, seconds) in self
            .seconds_by_target
            .iter_mut()
            .zip(other.seconds_by_target)
        {
            *total += seconds;
        }
    }

    fn summary(&self, seconds: f64) -> String {
        let mb = |b: f64| b / (1024.0 * 1024.0);
        let targets: Vec<String> = Target::ALL
            .iter()
            .zip(self.by_target)
            .zip(self.seconds_by_target)
            .map(|((t, n), s)| format!("{} {n} in {s:.0} s", t.name()))
            .collect();
        format!(
            "fuzz: {} cases ({}; {} accepted, {} refused) in {:.0} s ({:.0} cases/s): \
             {} panics, {} broken checks, {} slow, {} over memory, {} crashes, {} known; \
             peak case memory {:.1} MB (input {} B), at most {:.1}× the input from 64 KB up; \
             slowest case {:.0} ms (input {} B), at most {:.0} ms per 100 KB from 64 KB up; \
             largest input {} KB; peak process memory {:.0} MB",
            self.cases,
            targets.join(", "),
            self.accepted,
            self.refused,
            seconds,
            self.cases as f64 / seconds.max(1e-9),
            self.panics,
            self.checks,
            self.slow,
            self.memory,
            self.crashes,
            self.known,
            mb(self.peak_bytes as f64),
            self.peak_input,
            self.worst_ratio,
            self.slowest_ms,
            self.slowest_input,
            self.worst_ms_per_100_kb,
            self.largest_input / 1024,
            mb(self.process_peak as f64),
        )
    }
}

/// The kinds of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Kind {
    Panic,
    Check,
    Slow,
    Memory,
    Crash,
}

/// A failed case: `signature` is the same for every input that fails the same way.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Failure {
    kind: Kind,
    signature: String,
    details: String,
}

enum Verdict {
    Passed(Outcome),
    Failed(Failure),
}

struct CaseResult {
    verdict: Verdict,
    elapsed: Duration,
    peak: usize,
}

/// A panic as the hook saw it: where, what, and the stack, resolved only if the panic
/// reaches the harness (resolving loads debug info, tens of MB the case would be charged).
struct Panic {
    location: String,
    message: String,
    trace: std::backtrace::Backtrace,
}

impl Panic {
    /// The same for every panic at this place: the location and the innermost frame of the
    /// library, for panics raised inside a dependency or the standard library.
    fn signature(&self) -> String {
        let trace = self.trace.to_string();
        let frame = trace
            .lines()
            .map(str::trim)
            .filter_map(|l| l.split_once(": ").map(|(_, f)| f))
            .find(|f| f.starts_with("stance::"))
            .unwrap_or("no stance frame");
        format!("panic at {} in {frame}", self.location)
    }
}

thread_local! {
    /// The last panic on this thread.
    static PANIC: RefCell<Option<Panic>> = const { RefCell::new(None) };
}

/// Records each panic for the case that caused it instead of printing it.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map_or("?".to_string(), |l| format!("{}:{}", l.file(), l.line()));
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let trace = std::backtrace::Backtrace::force_capture();
        let panic = Panic {
            location,
            message,
            trace,
        };
        PANIC.with(|p| *p.borrow_mut() = Some(panic));
    }));
}

/// The time a case of `len` bytes may take.
fn time_budget(len: usize) -> Duration {
    let slowdown = if cfg!(debug_assertions) {
        DEBUG_SLOWDOWN
    } else {
        1.0
    };
    Duration::from_secs_f64(SECONDS_PER_100_KB * (len as f64 / 100_000.0).max(1.0) * slowdown)
}

/// The memory a case of `len` bytes may hold at its peak.
fn memory_budget(len: usize) -> usize {
    MEMORY_FACTOR * len + MEMORY_SLACK
}

/// Runs one case and judges it.
fn run_case(ctx: &Context, target: Target, input: &[u8], scratch: &Path) -> CaseResult {
    let timed = || {
        let start = alloc::start_case();
        let began = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| ctx.run(target, input, scratch)));
        (result, began.elapsed(), alloc::case_peak(start))
    };
    let (result, mut elapsed, peak) = timed();
    let verdict = match result {
        Err(_) => {
            let (signature, message) = PANIC
                .with(|p| p.borrow_mut().take())
                .map_or(("panic".into(), String::new()), |p| {
                    (p.signature(), p.message)
                });
            Verdict::Failed(Failure {
                kind: Kind::Panic,
                signature,
                details: message,
            })
        }
        Ok(Err(violation)) => Verdict::Failed(Failure {
            kind: Kind::Check,
            signature: format!("check: {}", violation.what),
            details: violation.details,
        }),
        Ok(Ok(outcome)) => {
            let budget = time_budget(input.len());
            // A second timing, so a case is not failed because the machine was busy.
            if elapsed > budget {
                elapsed = elapsed.min(timed().1);
            }
            if elapsed > budget {
                Verdict::Failed(Failure {
                    kind: Kind::Slow,
                    signature: if Context::explains(target, input) {
                        "slow with --explain".into()
                    } else {
                        "slow".into()
                    },
                    details: format!(
                        "{:.2} s for {} bytes (budget {:.2} s)",
                        elapsed.as_secs_f64(),
                        input.len(),
                        budget.as_secs_f64()
                    ),
                })
            } else if peak > memory_budget(input.len()) {
                Verdict::Failed(Failure {
                    kind: Kind::Memory,
                    signature: "memory".into(),
                    details: format!(
                        "{} bytes held for {} bytes of input (budget {})",
                        peak,
                        input.len(),
                        memory_budget(input.len())
                    ),
                })
            } else {
                Verdict::Passed(outcome)
            }
        }
    };
    CaseResult {
        verdict,
        elapsed,
        peak,
    }
}

/// Removes chunks of `input` (never its settings byte) while it fails with `signature`, for
/// at most [`SHRINK_SECONDS`].
fn shrink(ctx: &Context, target: Target, input: &[u8], signature: &str, scratch: &Path) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs_f64(SHRINK_SECONDS);
    let mut best = input.to_vec();
    let fails = |candidate: &[u8]| match run_case(ctx, target, candidate, scratch).verdict {
        Verdict::Failed(f) => f.signature == signature,
        Verdict::Passed(_) => false,
    };
    let mut chunk = best.len() / 2;
    while chunk >= 1 && Instant::now() < deadline {
        let mut at = 1;
        while at < best.len() && Instant::now() < deadline {
            let end = (at + chunk).min(best.len());
            let mut candidate = best[..at].to_vec();
            candidate.extend_from_slice(&best[end..]);
            if fails(&candidate) {
                best = candidate;
            } else {
                at += chunk;
            }
        }
        chunk /= 2;
    }
    best
}

/// Where regressions are saved.
fn regressions_dir() -> PathBuf {
    targets::root().join("tests/fuzz/regressions")
}

/// Saves a failing input as `<target>-<hash>.bin` and gives its name.
fn save(target: Target, input: &[u8]) -> String {
    // FNV-1a: a stable name from the bytes alone.
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let name = format!("{}-{hash:016x}.bin", target.name());
    let dir = regressions_dir();
    std::fs::create_dir_all(&dir).expect("regressions folder");
    std::fs::write(dir.join(&name), input).expect("saving a regression");
    name
}

/// How a run reports: lines for a supervisor (worker processes) or for a person.
#[derive(Clone, Copy)]
enum Report {
    Worker,
    Person,
}

impl Report {
    fn line(self, line: &str) {
        match self {
            Report::Worker => {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
            Report::Person => eprintln!("{line}"),
        }
    }
}

/// Cases `from..to` on `threads` threads until `deadline`.
fn run_cases(ctx: &Context, args: &Args, to: u64, deadline: Instant, report: Report) -> Stats {
    let next = AtomicU64::new(args.from);
    let stats = Mutex::new(Stats::default());
    let saved: Mutex<HashSet<(&str, String)>> = Mutex::new(HashSet::new());
    let last_snapshot = Mutex::new(Instant::now());
    std::thread::scope(|scope| {
        for thread in 0..args.threads {
            let (next, stats, saved, last_snapshot) = (&next, &stats, &saved, &last_snapshot);
            scope.spawn(move || {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .build()
                    .expect("a one-thread pool");
                let scratch = scratch_dir();
                pool.install(|| loop {
                    let case = next.fetch_add(1, Ordering::Relaxed);
                    if case >= to || Instant::now() > deadline {
                        break;
                    }
                    if let Report::Worker = report {
                        report.line(&format!("start {thread} {case}"));
                    }
                    let target = args.target_of(case);
                    let input = ctx.generate(target, args.seed, case);
                    let result = run_case(ctx, target, &input, scratch.path());
                    stats.lock().unwrap().add_case(target, input.len(), &result);
                    if let Verdict::Failed(failure) = &result.verdict {
                        let where_ = format!("seed {} case {case}", args.seed);
                        handle_failure(
                            ctx,
                            target,
                            &input,
                            failure,
                            &where_,
                            scratch.path(),
                            stats,
                            saved,
                            report,
                        );
                    }
                    if let Report::Worker = report {
                        let mut last = last_snapshot.lock().unwrap();
                        if last.elapsed() > Duration::from_secs(2) {
                            *last = Instant::now();
                            let mut snapshot = stats.lock().unwrap().clone();
                            snapshot.process_peak = alloc::process_peak().unwrap_or(0);
                            report.line(&format!(
                                "stats {}",
                                serde_json::to_string(&snapshot).unwrap()
                            ));
                        }
                    }
                });
            });
        }
    });
    let mut stats = stats.into_inner().unwrap();
    stats.process_peak = alloc::process_peak().unwrap_or(0);
    stats
}

/// A scratch folder of this process's, named so a supervisor can remove the folders of a
/// worker that died (its own drop never runs).
fn scratch_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("stance-fuzz-{}-", std::process::id()))
        .tempdir()
        .expect("scratch folder")
}

/// Removes the scratch folders of the process `pid`.
fn remove_scratch(pid: u32) {
    let prefix = format!("stance-fuzz-{pid}-");
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Counts a failure, and saves (shrunk) the first of its signature unless it is known.
#[allow(clippy::too_many_arguments)]
fn handle_failure(
    ctx: &Context,
    target: Target,
    input: &[u8],
    failure: &Failure,
    where_: &str,
    scratch: &Path,
    stats: &Mutex<Stats>,
    saved: &Mutex<HashSet<(&str, String)>>,
    report: Report,
) {
    if let Some(known) = known::find(target.name(), &failure.signature) {
        stats.lock().unwrap().known += 1;
        // A supervisor counts every one; a person needs to read each once.
        let first = saved
            .lock()
            .unwrap()
            .insert((target.name(), failure.signature.clone()));
        if first || matches!(report, Report::Worker) {
            report.line(&format!(
                "known {} {} ({}): {}",
                target.name(),
                known.fixture,
                where_,
                known.note
            ));
        }
        return;
    }
    stats.lock().unwrap().count_failure(failure.kind);
    if !saved
        .lock()
        .unwrap()
        .insert((target.name(), failure.signature.clone()))
    {
        if let Report::Worker = report {
            report.line(&format!(
                "counted {}",
                serde_json::to_string(&failure.kind).unwrap()
            ));
        }
        return;
    }
    let shrunk = match failure.kind {
        Kind::Panic | Kind::Check if target != Target::Model => {
            shrink(ctx, target, input, &failure.signature, scratch)
        }
        _ => input.to_vec(),
    };
    let name = save(target, &shrunk);
    let line = serde_json::json!({
        "target": target.name(),
        "case": where_,
        "saved": name,
        "bytes": shrunk.len(),
        "failure": failure,
    });
    report.line(&format!("fail {line}"));
}

/// Replays every saved regression: each passes, or fails as its entry in `known.rs` says.
/// Gives the number of regressions that did not.
fn replay(ctx: &Context) -> usize {
    let mut names: Vec<String> = std::fs::read_dir(regressions_dir())
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".bin"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let scratch = tempfile::tempdir().expect("scratch folder");
    let mut bad = 0;
    for name in &names {
        let Some(target) = name.split('-').next().and_then(Target::from_name) else {
            eprintln!("fuzz: {name}: no target in its name");
            bad += 1;
            continue;
        };
        let known = known::of_fixture(name);
        if known.is_some_and(|k| k.skip) {
            eprintln!("fuzz: {name}: skipped (a known failure that aborts or takes seconds)");
            continue;
        }
        let input = std::fs::read(regressions_dir().join(name)).expect("a regression");
        let result = run_case(ctx, target, &input, scratch.path());
        match (&result.verdict, known) {
            (Verdict::Passed(_), None) => {}
            (Verdict::Passed(_), Some(_)) => {
                eprintln!("fuzz: {name}: a known failure that now passes: remove it from known.rs")
            }
            (Verdict::Failed(f), Some(k)) if f.signature.contains(k.signature) => {}
            (Verdict::Failed(f), _) => {
                eprintln!("fuzz: {name}: fails: {} ({})", f.signature, f.details);
                bad += 1;
            }
        }
    }
    eprintln!("fuzz: {} regressions replayed, {bad} failing", names.len());
    bad
}

/// Replays the regressions at `paths`, saying what each does.
fn replay_files(ctx: &Context, paths: &[PathBuf]) -> ExitCode {
    let scratch = tempfile::tempdir().expect("scratch folder");
    let mut failed = false;
    for path in paths {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let Some(target) = name.split('-').next().and_then(Target::from_name) else {
            eprintln!("fuzz: {name}: no target in its name");
            return ExitCode::from(2);
        };
        let input = std::fs::read(path).expect("a regression");
        let result = run_case(ctx, target, &input, scratch.path());
        let verdict = match &result.verdict {
            Verdict::Passed(outcome) => format!("passes ({outcome:?})"),
            Verdict::Failed(f) => {
                failed = true;
                format!("fails: {}: {}", f.signature, f.details)
            }
        };
        eprintln!(
            "fuzz: {name}: {verdict}; {:.1} ms, peak {} bytes",
            result.elapsed.as_secs_f64() * 1000.0,
            result.peak
        );
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// A long run: worker processes of this binary, restarted after a crash.
fn supervise(args: &Args, cases: u64) -> ExitCode {
    let began = Instant::now();
    let deadline = began + Duration::from_secs_f64(args.seconds);
    let exe = std::env::current_exe().expect("this binary");
    let mut total = Stats::default();
    let mut next = args.from;
    let end = args.from + cases;
    let mut context: Option<Context> = None;
    // (target, signature) of every failure saved, across the worker processes.
    let mut saved: HashSet<(String, String)> = HashSet::new();
    while next < end && Instant::now() < deadline {
        let remaining = deadline
            .saturating_duration_since(Instant::now())
            .as_secs_f64();
        let span = (next, end);
        let run = run_worker(
            &exe,
            args,
            span,
            args.threads,
            remaining,
            &mut total,
            &mut saved,
        );
        if run.crash.is_none() {
            break;
        }
        eprintln!(
            "fuzz: a worker died ({}); rerunning cases {:?} one at a time",
            run.crash.as_deref().unwrap_or(""),
            run.in_flight
        );
        for &case in &run.in_flight {
            let span = (case, case + 1);
            let single = run_worker(&exe, args, span, 1, 600.0, &mut total, &mut saved);
            let Some(crash) = single.crash else { continue };
            let target = args.target_of(case);
            let signature = format!("crash: {crash}");
            if let Some(known) = known::find(target.name(), &signature) {
                total.known += 1;
                eprintln!("fuzz: known crash {} (case {case})", known.fixture);
                continue;
            }
            total.crashes += 1;
            // Only the reason's first words: the sizes in it vary.
            let short: String = signature.split(" of ").next().unwrap_or("").to_string();
            if saved.insert((target.name().to_string(), short)) {
                let ctx = context.get_or_insert_with(Context::new);
                let input = ctx.generate(target, args.seed, case);
                let name = save(target, &input);
                eprintln!(
                    "fuzz: FAIL {} case {case}: {signature}; saved {name}",
                    target.name()
                );
            }
        }
        next = run.max_started.map_or(next, |m| m + 1).max(next);
    }
    let seconds = began.elapsed().as_secs_f64();
    println!("{}", total.summary(seconds));
    if total.failures() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// What a worker process did.
struct WorkerRun {
    /// Why it died, if it did: the last lines of its standard error.
    crash: Option<String>,
    /// The last case each of its threads started.
    in_flight: Vec<u64>,
    max_started: Option<u64>,
}

/// Runs a worker process on cases `from..to`, adding what it reports to `total`. A failure
/// whose signature an earlier worker saved is counted and its file removed.
fn run_worker(
    exe: &Path,
    args: &Args,
    (from, to): (u64, u64),
    threads: usize,
    seconds: f64,
    total: &mut Stats,
    saved: &mut HashSet<(String, String)>,
) -> WorkerRun {
    let mut command = Command::new(exe);
    command
        .args(["--worker", "--seed", &args.seed.to_string()])
        .args([
            "--from",
            &from.to_string(),
            "--cases",
            &(to - from).to_string(),
        ])
        .args([
            "--threads",
            &threads.to_string(),
            "--seconds",
            &seconds.to_string(),
        ])
        .args(["--target", args.target.map_or("all", Target::name)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("starting a worker");
    let stderr = child.stderr.take().expect("worker stderr");
    // Why a worker died: the first line that says so (a backtrace may follow it), else its
    // last line.
    let reason = std::thread::spawn(move || {
        let (mut reason, mut last) = (None, None);
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let says = [
                "memory allocation",
                "overflowed its stack",
                "fatal runtime",
                "panicked",
            ]
            .iter()
            .any(|w| line.contains(w));
            if says && reason.is_none() {
                reason = Some(line.clone());
            }
            last = Some(line);
        }
        reason.or(last)
    });
    let mut in_flight: Vec<Option<u64>> = vec![None; threads];
    let mut max_started = None;
    let mut snapshot = Stats::default();
    let mut last_progress = Instant::now();
    let stdout = child.stdout.take().expect("worker stdout");
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        let (word, rest) = line.split_once(' ').unwrap_or((&line, ""));
        match word {
            "start" => {
                let mut parts = rest.split(' ').map(|p| p.parse::<u64>().unwrap_or(0));
                let (thread, case) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
                if let Some(previous) = in_flight.get_mut(thread as usize) {
                    if let Some(done) = previous.replace(case) {
                        total.cases += 1;
                        total.by_target[Target::ALL
                            .iter()
                            .position(|&t| t == args.target_of(done))
                            .unwrap_or(0)] += 1;
                    }
                }
                max_started = max_started.max(Some(case));
            }
            "stats" => {
                if let Ok(stats) = serde_json::from_str::<Stats>(rest) {
                    snapshot = stats;
                }
                if last_progress.elapsed() > Duration::from_secs(60) {
                    last_progress = Instant::now();
                    eprintln!("fuzz: {} cases so far", total.cases);
                }
            }
            "fail" => {
                let Ok(value) = serde_json::from_str::<serde_json::Value>(rest) else {
                    continue;
                };
                let Ok(failure) = serde_json::from_value::<Failure>(value["failure"].clone())
                else {
                    continue;
                };
                total.count_failure(failure.kind);
                let target = value["target"].as_str().unwrap_or("").to_string();
                let file = value["saved"].as_str().unwrap_or("");
                // A file of the same bytes as one kept has the same name: never removed.
                let kept = ("file".to_string(), file.to_string());
                if saved.insert((target, failure.signature)) {
                    eprintln!("fuzz: FAIL {rest}");
                    saved.insert(kept);
                } else if !file.is_empty() && !saved.contains(&kept) {
                    let _ = std::fs::remove_file(regressions_dir().join(file));
                }
            }
            "counted" => {
                // Failures of a signature already saved: counted, not shown.
                if let Ok(kind) = serde_json::from_str::<Kind>(rest) {
                    total.count_failure(kind);
                }
            }
            "known" => {
                total.known += 1;
            }
            _ => eprintln!("fuzz: worker: {line}"),
        }
    }
    let pid = child.id();
    let status = child.wait().expect("waiting for a worker");
    remove_scratch(pid);
    let reason = reason.join().unwrap_or_default();
    total.merge_extremes(&snapshot);
    if status.success() {
        // Its threads' last cases finished.
        for case in in_flight.into_iter().flatten() {
            total.cases += 1;
            total.by_target[Target::ALL
                .iter()
                .position(|&t| t == args.target_of(case))
                .unwrap_or(0)] += 1;
        }
        return WorkerRun {
            crash: None,
            in_flight: Vec::new(),
            max_started,
        };
    }
    let reason = match reason {
        Some(line) => format!("{line} ({status})"),
        None => status.to_string(),
    };
    WorkerRun {
        crash: Some(reason),
        in_flight: in_flight.into_iter().flatten().collect(),
        max_started,
    }
}

fn main() -> ExitCode {
    let args = match Args::parse() {
        Ok(Some(args)) => args,
        Ok(None) => return ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("fuzz: {err}");
            return ExitCode::from(2);
        }
    };
    if let (Some(cases), false) = (args.cases, args.worker) {
        return supervise(&args, cases);
    }
    install_panic_hook();
    let began = Instant::now();
    let ctx = Context::new();
    let deadline = began + Duration::from_secs_f64(args.seconds);
    // Replays run in a one-thread pool too, so a panic inside the library's parallel steps
    // is recorded on the thread that catches it.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    if !args.replay.is_empty() {
        return pool.install(|| replay_files(&ctx, &args.replay));
    }
    if args.worker {
        let to = args.from + args.cases.unwrap_or(0);
        let stats = run_cases(&ctx, &args, to, deadline, Report::Worker);
        Report::Worker.line(&format!("stats {}", serde_json::to_string(&stats).unwrap()));
        return ExitCode::SUCCESS;
    }
    // The short run of `cargo test`.
    let bad = pool.install(|| replay(&ctx));
    let stats = run_cases(
        &ctx,
        &args,
        args.from + SHORT_CASES,
        deadline,
        Report::Person,
    );
    eprintln!("{}", stats.summary(began.elapsed().as_secs_f64()));
    if bad > 0 || stats.failures() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
