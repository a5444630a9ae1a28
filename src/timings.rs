//! Where a run's time goes: with `THINK_LINT_TIMINGS` set (to anything but
//! empty or `0`), the binary prints the wall time of each start-up phase to
//! stderr when it ends, and, before checking, times the first post's
//! analysis, rules and tone twice each: the first time pays for what is
//! built on first use (regexes, lexicons), the second is the steady cost.
//! It then lists the patterns whose searches cost the run most: how many
//! posts each searched, and the time taken (compiling included); the ten
//! costliest, or every pattern searched with `THINK_LINT_TIMINGS=all`.

use std::sync::Mutex;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use think_lint::check::Linter;
use think_lint::source::{self, InputFile};
use think_lint::text::Analysis;

struct Clock {
    start: Instant,
    last: Instant,
    phases: Vec<(String, Duration)>,
}

static CLOCK: OnceLock<Option<Mutex<Clock>>> = OnceLock::new();

fn clock() -> Option<&'static Mutex<Clock>> {
    CLOCK
        .get_or_init(|| {
            let on =
                std::env::var_os("THINK_LINT_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0");
            on.then(|| {
                let now = Instant::now();
                Mutex::new(Clock {
                    start: now,
                    last: now,
                    phases: Vec::new(),
                })
            })
        })
        .as_ref()
}

/// Starts the clock (when timings are asked for), and has the engines
/// count their searches.
pub fn start() {
    if clock().is_some() {
        think_lint::engine::search_costs::enable();
    }
}

/// How many of the costliest patterns the report lists.
const PATTERNS_SHOWN: usize = 10;

pub fn enabled() -> bool {
    clock().is_some()
}

/// Ends a phase: the time since the previous mark is booked under `name`.
pub fn mark(name: &str) {
    if let Some(c) = clock() {
        let mut c = c.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let d = now - c.last;
        c.last = now;
        c.phases.push((name.to_string(), d));
    }
}

/// Times `f` as a phase of its own.
fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    mark("(between phases)");
    let v = f();
    mark(name);
    v
}

/// Times the first post of `files` phase by phase, twice (its searches
/// are left out of the patterns' counts).
pub fn probe(files: &[InputFile], linter: &Linter, opts: &source::Options) {
    if !enabled() {
        return;
    }
    let Some(file) = files.first() else { return };
    if file.path == "-" {
        return;
    }
    let mut posts = Vec::new();
    let _ = timed("probe: read the first input", || {
        source::read(file, opts, &mut |p| posts.push(p))
    });
    let Some(post) = posts.first() else { return };
    for round in ["first", "again"] {
        let a = timed(&format!("probe: analysis ({round})"), || {
            Analysis::new(&post.text)
        });
        timed(&format!("probe: rules ({round})"), || {
            linter.engine().check_analysis(&a).len()
        });
        timed(&format!("probe: tone ({round})"), || {
            think_lint::tone::tone(&a)
        });
        timed(&format!("probe: whole check ({round})"), || {
            linter.check(post).findings.len()
        });
    }
    // The run's searches are counted from here.
    think_lint::engine::search_costs::reset();
}

/// Prints the phases to stderr.
pub fn report() {
    let Some(c) = clock() else { return };
    mark("(rest)");
    let c = c.lock().unwrap_or_else(|e| e.into_inner());
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    eprintln!("think-lint timings (ms, wall):");
    for (name, d) in &c.phases {
        if name == "(between phases)" && d.as_micros() < 10 {
            continue;
        }
        eprintln!("  {:>8.3}  {name}", ms(*d));
    }
    eprintln!("  {:>8.3}  total since main", ms(c.last - c.start));
    report_searches();
}

/// Prints the patterns whose searches cost most, and the total.
fn report_searches() {
    let costs = think_lint::engine::search_costs::costliest();
    if costs.is_empty() {
        return;
    }
    let searches: u64 = costs.iter().map(|c| c.searches).sum();
    let found: u64 = costs.iter().map(|c| c.found).sum();
    let nanos: u64 = costs.iter().map(|c| c.nanos).sum();
    let ms = |ns: u64| ns as f64 / 1e6;
    let all = std::env::var_os("THINK_LINT_TIMINGS").is_some_and(|v| v == "all");
    let shown = if all { costs.len() } else { PATTERNS_SHOWN };
    eprintln!(
        "pattern searches: {searches} ({found} found a match) in {:.3} ms (wall, all threads), {} patterns; costliest{}:",
        ms(nanos),
        costs.len(),
        if shown < costs.len() {
            " (THINK_LINT_TIMINGS=all lists them all)"
        } else {
            ""
        }
    );
    eprintln!(
        "  {:>8}  {:>8}  {:>8}  {:>8}  rules: pattern",
        "ms", "searches", "found", "µs each"
    );
    for c in costs.iter().take(shown) {
        let pattern: String = c.pattern.chars().take(60).collect();
        let cut = if pattern.len() < c.pattern.len() {
            "…"
        } else {
            ""
        };
        eprintln!(
            "  {:>8.3}  {:>8}  {:>8}  {:>8.2}  {}: {}{cut}",
            ms(c.nanos),
            c.searches,
            c.found,
            c.nanos as f64 / 1e3 / c.searches as f64,
            think_lint::report::escape_terminal(&c.rules.join(", ")),
            think_lint::report::escape_terminal(&pattern),
        );
    }
}
