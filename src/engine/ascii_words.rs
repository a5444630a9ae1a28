//! Patterns with `\b` on posts whose only non-ASCII characters are not
//! word characters (emoji, typographic quotes and dashes, most symbols).
//!
//! A Unicode word boundary stops the regex crate's lazy DFA at the first
//! non-ASCII byte of a post, and the search falls back to a much slower
//! engine. On such a post, though, a character is a Unicode word character
//! exactly when it is an ASCII one, so at every character boundary `\b`
//! and the ASCII `(?-u:\b)` agree: the same pattern with ASCII word
//! boundaries finds the same matches, and its DFA runs to the end. Other
//! assertions (`\B`, `\b{start}`, …) are left as they are, so they keep
//! their meaning on any text.
//!
//! A pattern's ASCII version is compiled only once searching such posts
//! with the pattern itself has taken about as long as compiling it would
//! (`BUDGET`): a run never pays much more than twice what it should, and a
//! short one pays for no second compilation. When it is compiled changes
//! only the speed, never what is found.

use crate::pack::{LazyRegex, Program};
use regex::Regex;
use regex_syntax::hir::{Hir, HirKind, Look};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Time (ns) a pattern may spend searching qualifying posts before its
/// ASCII version is compiled: about what compiling one takes.
const BUDGET: u64 = 3_000_000;

/// Compiled-size limit of an ASCII version (that of the original patterns).
const SIZE_LIMIT: usize = 1 << 20;

pub struct AsciiWords {
    /// Per pattern: its ASCII version, `None` when it has no `\b` to
    /// change (or the version cannot be built).
    versions: Vec<OnceLock<Option<Program>>>,
    /// Per pattern: the time (ns) its searches of qualifying posts took
    /// before its ASCII version was compiled.
    spent: Vec<AtomicU64>,
}

impl AsciiWords {
    pub fn new(patterns: usize) -> AsciiWords {
        AsciiWords {
            versions: (0..patterns).map(|_| OnceLock::new()).collect(),
            spent: (0..patterns).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Runs `search` with the regex for pattern `i` (`regex`) on a post
    /// that [`qualifies`]: its ASCII version once the budget is spent,
    /// else `regex` (timed).
    pub fn search<T>(&self, i: usize, regex: &LazyRegex, search: impl FnOnce(&Program) -> T) -> T {
        if let Some(version) = self.versions[i].get() {
            return search(version.as_ref().unwrap_or_else(|| regex.get()));
        }
        if self.spent[i].load(Ordering::Relaxed) >= BUDGET {
            let version = self.versions[i].get_or_init(|| {
                ascii_version(regex.as_str(), regex.case_sensitive()).map(Program::Checked)
            });
            return search(version.as_ref().unwrap_or_else(|| regex.get()));
        }
        let original = regex.get();
        let start = Instant::now();
        let found = search(original);
        let took = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.spent[i].fetch_add(took, Ordering::Relaxed);
        found
    }
}

/// Whether a post's text is one where `\b` and `(?-u:\b)` agree: some
/// character is not ASCII (on ASCII text the lazy DFA needs no help), and
/// none of those is a word character.
pub fn qualifies(text: &str) -> bool {
    !text.is_ascii()
        && !text
            .chars()
            .any(|c| !c.is_ascii() && regex_syntax::is_word_character(c))
}

/// `pattern` with its Unicode word boundaries made ASCII ones, compiled;
/// `None` when it has none.
fn ascii_version(pattern: &str, case_sensitive: bool) -> Option<Regex> {
    if !pattern.contains(r"\b") {
        return None;
    }
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(!case_sensitive)
        .build()
        .parse(pattern)
        .ok()?;
    let mut changed = false;
    let hir = ascii_boundaries(hir, &mut changed);
    if !changed {
        return None;
    }
    // The printed pattern spells case folding out in its classes.
    regex::RegexBuilder::new(&hir.to_string())
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(4 * SIZE_LIMIT)
        .nest_limit(u32::MAX)
        .build()
        .ok()
}

/// `hir` with every `\b` (Unicode) made `(?-u:\b)`.
fn ascii_boundaries(hir: Hir, changed: &mut bool) -> Hir {
    match hir.into_kind() {
        HirKind::Look(Look::WordUnicode) => {
            *changed = true;
            Hir::look(Look::WordAscii)
        }
        HirKind::Look(look) => Hir::look(look),
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(lit) => Hir::literal(lit.0),
        HirKind::Class(class) => Hir::class(class),
        HirKind::Repetition(mut r) => {
            r.sub = Box::new(ascii_boundaries(*r.sub, changed));
            Hir::repetition(r)
        }
        HirKind::Capture(mut c) => {
            c.sub = Box::new(ascii_boundaries(*c.sub, changed));
            Hir::capture(c)
        }
        HirKind::Concat(subs) => Hir::concat(
            subs.into_iter()
                .map(|h| ascii_boundaries(h, changed))
                .collect(),
        ),
        HirKind::Alternation(subs) => Hir::alternation(
            subs.into_iter()
                .map(|h| ascii_boundaries(h, changed))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(r: &Program, text: &str) -> Vec<std::ops::Range<usize>> {
        r.find_iter(text).map(|m| m.range()).collect()
    }

    #[test]
    fn only_posts_without_non_ascii_word_characters_qualify() {
        assert!(!qualifies("plain ascii"));
        assert!(qualifies("so good 😍 “really” — yes"));
        assert!(!qualifies("café 😍"));
        assert!(!qualifies("naïve"));
        // A variation selector and a zero-width joiner are word characters.
        assert!(!qualifies("ok ❤\u{FE0F}"));
        assert!(!qualifies("👩\u{200D}💻"));
    }

    #[test]
    fn ascii_versions_change_only_word_boundaries() {
        assert!(ascii_version(r"\d+", true).is_none());
        assert!(ascii_version(r"\Bx\B", true).is_none());
        let v = ascii_version(r"(?i)\bcaf[eé]\b|\bok\b", false).unwrap();
        assert!(v.as_str().contains(r"(?-u:\b)"), "{}", v.as_str());
    }

    #[test]
    fn built_in_patterns_find_the_same_on_qualifying_posts() {
        let (regexes, texts) = crate::pack::built_in_patterns_and_examples();
        // Each example with non-word, non-ASCII characters around and
        // inside it.
        let mut posts = Vec::new();
        for t in &texts {
            posts.push(format!("{t} 🙄"));
            posts.push(format!("“{t}”"));
            posts.push(t.replace(' ', " — ").replace('\'', "’"));
            posts.push(format!("😡{}😡", t.replace(' ', "😡")));
        }
        posts.retain(|p| qualifies(p));
        let mut versions = 0;
        let mut found = 0;
        for r in &regexes {
            let Some(v) = ascii_version(r.as_str(), r.case_sensitive()) else {
                continue;
            };
            versions += 1;
            let v = Program::Checked(v);
            for p in &posts {
                let m = matches(r.get(), p);
                found += m.len();
                assert_eq!(matches(&v, p), m, "/{}/ on {p:?}", r.as_str());
            }
        }
        assert!(versions > 20, "{versions}");
        assert!(found > 100, "{found}");
    }
}
