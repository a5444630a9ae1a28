//! What each pattern's searches cost in a run, for `THINK_LINT_TIMINGS`:
//! how many posts each regex searched, how many of those it matched, and
//! the wall time it took, so a pack author (or a benchmark) sees which
//! patterns a run pays for, and which of them the prefilter lets through
//! to posts they do not match.
//!
//! Off unless [`enable`] was called before the engines were built: then
//! every engine counts its searches and registers its counters here, and
//! [`costliest`] adds them up per pattern across engines (a run with
//! per-path overrides builds several).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

static ENABLED: AtomicBool = AtomicBool::new(false);

/// The counters of every engine built since [`enable`].
static REGISTERED: Mutex<Vec<Arc<Counters>>> = Mutex::new(Vec::new());

/// Makes the engines built from now on count their searches.
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Whether engines built now count their searches.
pub(super) fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// One engine's counters: per regex, its searches, the searches that
/// matched, and nanoseconds, and what to call it.
pub(super) struct Counters {
    searches: Box<[AtomicU64]>,
    found: Box<[AtomicU64]>,
    nanos: Box<[AtomicU64]>,
    /// Per regex, the ids of the rules that search it and its pattern.
    names: Vec<(Vec<String>, String)>,
}

impl Counters {
    /// Counters for an engine whose regexes are `names` (rule ids and
    /// pattern each), registered for [`costliest`]; `None` when counting
    /// is off.
    pub(super) fn register(names: Vec<(Vec<String>, String)>) -> Option<Arc<Counters>> {
        if !enabled() {
            return None;
        }
        let zeros = || names.iter().map(|_| AtomicU64::new(0)).collect();
        let counters = Arc::new(Counters {
            searches: zeros(),
            found: zeros(),
            nanos: zeros(),
            names,
        });
        REGISTERED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Arc::clone(&counters));
        Some(counters)
    }

    /// Runs `search`, regex `i`'s search of one post, counting it, and
    /// counting it as found when `matched` says its answer holds a match.
    pub(super) fn time<T>(
        &self,
        i: usize,
        search: impl FnOnce() -> T,
        matched: impl FnOnce(&T) -> bool,
    ) -> T {
        let start = Instant::now();
        let answer = search();
        let took = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        if let (Some(n), Some(f), Some(ns)) =
            (self.searches.get(i), self.found.get(i), self.nanos.get(i))
        {
            n.fetch_add(1, Ordering::Relaxed);
            f.fetch_add(u64::from(matched(&answer)), Ordering::Relaxed);
            ns.fetch_add(took, Ordering::Relaxed);
        }
        answer
    }
}

/// Forgets the searches counted so far (those of a probe before the run).
pub fn reset() {
    let registered = REGISTERED.lock().unwrap_or_else(|e| e.into_inner());
    for counters in registered.iter() {
        let all = [&counters.searches, &counters.found, &counters.nanos];
        for n in all.into_iter().flat_map(|c| c.iter()) {
            n.store(0, Ordering::Relaxed);
        }
    }
}

/// What one pattern's searches cost in the run so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchCost {
    /// The rules that search it, by id.
    pub rules: Vec<String>,
    pub pattern: String,
    /// Posts searched (a post's rules sharing the pattern search once).
    pub searches: u64,
    /// Searches that found a match: the rest were posts the prefilter
    /// could not rule out, searched for nothing.
    pub found: u64,
    /// Wall time of those searches, compiling included.
    pub nanos: u64,
}

/// Every pattern searched so far, costliest first (ties by pattern), its
/// counts summed over the engines that share it.
pub fn costliest() -> Vec<SearchCost> {
    let registered = REGISTERED.lock().unwrap_or_else(|e| e.into_inner());
    let mut by_pattern: Vec<SearchCost> = Vec::new();
    for counters in registered.iter() {
        for (i, (rules, pattern)) in counters.names.iter().enumerate() {
            let searches = counters.searches[i].load(Ordering::Relaxed);
            if searches == 0 {
                continue;
            }
            let found = counters.found[i].load(Ordering::Relaxed);
            let nanos = counters.nanos[i].load(Ordering::Relaxed);
            match by_pattern
                .iter_mut()
                .find(|c| c.pattern == *pattern && c.rules == *rules)
            {
                Some(c) => {
                    c.searches += searches;
                    c.found += found;
                    c.nanos += nanos;
                }
                None => by_pattern.push(SearchCost {
                    rules: rules.clone(),
                    pattern: pattern.clone(),
                    searches,
                    found,
                    nanos,
                }),
            }
        }
    }
    by_pattern.sort_by(|a, b| {
        b.nanos
            .cmp(&a.nanos)
            .then_with(|| a.pattern.cmp(&b.pattern))
    });
    by_pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_add_up_per_pattern_across_engines_and_start_over_on_reset() {
        enable();
        let names = || {
            vec![
                (vec!["t/one".to_string()], "only-in-this-test-a".to_string()),
                (
                    vec!["t/two".to_string(), "t/three".to_string()],
                    "only-in-this-test-b".to_string(),
                ),
            ]
        };
        let (first, second) = (
            Counters::register(names()).unwrap(),
            Counters::register(names()).unwrap(),
        );
        assert_eq!(first.time(1, || 7, |&n| n > 5), 7);
        second.time(1, || false, |&found| found);
        second.time(0, || true, |&found| found);
        // A regex number past the engine's is not counted (nor a panic).
        second.time(9, || true, |&found| found);
        let ours = |costs: Vec<SearchCost>| -> Vec<(Vec<String>, u64, u64)> {
            costs
                .into_iter()
                .filter(|c| c.pattern.starts_with("only-in-this-test"))
                .map(|c| (c.rules, c.searches, c.found))
                .collect()
        };
        let mut found = ours(costliest());
        found.sort();
        assert_eq!(
            found,
            vec![
                (vec!["t/one".to_string()], 1, 1),
                (vec!["t/two".to_string(), "t/three".to_string()], 2, 1),
            ]
        );
        reset();
        assert!(ours(costliest()).is_empty());
    }
}
