//! Patterns on posts whose only non-ASCII characters are not word
//! characters (emoji, typographic quotes and dashes, most symbols), and on
//! ASCII posts.
//!
//! A Unicode word boundary stops the regex crate's lazy DFA at the first
//! non-ASCII byte of a post, and the search falls back to a much slower
//! engine. On such a post, though, a character is a Unicode word character
//! exactly when it is an ASCII one, so at every character boundary `\b`
//! and the ASCII `(?-u:\b)` agree: the same pattern with ASCII word
//! boundaries finds the same matches, and its DFA runs to the end. Other
//! assertions (`\B`, `\b{start}`, …) are left as they are, so they keep
//! their meaning on any text. On ASCII posts the two versions agree too.
//!
//! For the same reason a character class can drop the non-ASCII word
//! characters it holds (the letters `(?i)k` and `\w` add, the digits `\d`
//! adds), since no such post contains one. That keeps the ASCII version's
//! program small: Unicode classes are what make a pattern's automaton big,
//! and every thread keeps search state as big as the automaton for each
//! pattern it runs, so this is most of the memory a thread adds.
//!
//! A run over much text searches ASCII posts and such posts with the ASCII
//! version alone, so a pattern those posts need is compiled once; the
//! pattern itself is compiled only for posts with other word characters,
//! and not even then when its build-time DFAs follow it on any text (a
//! pattern without Unicode word assertions, `Reach::All`).
//! A run over little text (patterns compiled lean) searches with the
//! pattern itself, and compiles a pattern's ASCII version only once
//! searching such posts with the pattern has taken about as long as
//! compiling it would (`BUDGET`): a short run pays for no second
//! compilation. Which version searches changes only the speed, never what
//! is found.
//!
//! A run over much text that is still short (a few thousand one-post
//! files, say) would spend most of its time compiling: it searches the
//! posts they reach (ASCII ones, and for most patterns such posts too) for
//! a built-in pattern with the DFAs build.rs compiled for it
//! (`LazyRegex::prebuilt`), which need no compiling but search several
//! times slower than a warm lazy DFA, until they have searched
//! `PREBUILT_SEARCHES` posts; then the pattern's version is compiled.

use crate::pack::{LazyRegex, Prebuilt, Program, Reach, qualifies};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Time (ns) a pattern may spend searching qualifying posts before its
/// ASCII version is compiled (lean runs): about what compiling one takes.
const BUDGET: u64 = 3_000_000;

/// Posts a pattern's sparse build-time DFAs search, in a run over much
/// text, before its version is compiled: searching that many posts with
/// them costs about what compiling the version and warming its lazy DFA
/// up would (about 1.5 million instructions, against some 20 thousand a
/// post for the sparse DFAs and about a thousand for a warm lazy DFA).
/// Dense ones search as fast as a warm lazy DFA, and are kept.
const PREBUILT_SEARCHES: u64 = 64;

/// Which version of a pattern a post can be searched with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The post is all ASCII.
    Ascii,
    /// Some character is not ASCII, but none of those is a word character.
    AsciiWords,
    /// Some word character is not ASCII: only the pattern itself will do.
    Unicode,
}

impl Kind {
    pub fn of(text: &str) -> Kind {
        if text.is_ascii() {
            Kind::Ascii
        } else if qualifies(text) {
            Kind::AsciiWords
        } else {
            Kind::Unicode
        }
    }
}

/// A counter alone on its cache line, so threads counting for different
/// patterns do not slow each other down.
#[repr(align(128))]
#[derive(Default)]
struct Counter(AtomicU64);

pub struct AsciiWords {
    /// Per pattern: its ASCII version, `None` when it has no `\b` or
    /// class to change (or the version cannot be built).
    versions: Vec<OnceLock<Option<Program>>>,
    /// Per pattern: the time (ns) its searches of qualifying posts took
    /// before its ASCII version was compiled (lean runs).
    spent: Vec<Counter>,
    /// Per pattern: its build-time DFAs, decoded on first use; `None`
    /// when it has none.
    prebuilt: Vec<OnceLock<Option<Prebuilt>>>,
    /// Per pattern: the posts its build-time DFAs searched.
    prebuilt_searches: Vec<Counter>,
}

impl AsciiWords {
    pub fn new(patterns: usize) -> AsciiWords {
        AsciiWords {
            versions: (0..patterns).map(|_| OnceLock::new()).collect(),
            spent: (0..patterns).map(|_| Counter::default()).collect(),
            prebuilt: (0..patterns).map(|_| OnceLock::new()).collect(),
            prebuilt_searches: (0..patterns).map(|_| Counter::default()).collect(),
        }
    }

    /// The ASCII version of pattern `i` (`regex`), compiled on first use.
    fn version<'a>(&'a self, i: usize, regex: &'a LazyRegex) -> Option<&'a Program> {
        self.versions[i]
            .get_or_init(|| regex.compile_ascii_word_version())
            .as_ref()
    }

    /// Whether a run over much text searches posts of kind `words` with
    /// the ASCII version of its patterns.
    fn uses_versions(words: Kind) -> bool {
        words != Kind::Unicode && !crate::pack::compiles_lean()
    }

    /// Whether searching pattern `i` on a post of kind `words` needs no
    /// compiling.
    pub fn is_ready(&self, i: usize, regex: &LazyRegex, words: Kind) -> bool {
        if self.prebuilt_to_use(i, regex, words).is_some() {
            true
        } else if Self::uses_versions(words) {
            self.version_is_compiled(i, regex)
        } else {
            regex.is_compiled()
        }
    }

    /// Whether what searches pattern `i` on posts its ASCII version is for
    /// (the version, or the pattern itself when it has none) is compiled.
    fn version_is_compiled(&self, i: usize, regex: &LazyRegex) -> bool {
        match self.versions[i].get() {
            Some(Some(_)) => true,
            Some(None) => regex.is_compiled(),
            None => false,
        }
    }

    /// The build-time DFAs a run over much text searches pattern `i` with
    /// on a post of kind `words`: the pattern has such DFAs, they reach the
    /// post (ASCII, with no non-ASCII word characters, or any, see
    /// `Reach`), and they are dense, or sparse ones that have searched
    /// fewer than `PREBUILT_SEARCHES` posts while the pattern's version is
    /// not compiled.
    fn prebuilt_to_use(&self, i: usize, regex: &LazyRegex, words: Kind) -> Option<&Prebuilt> {
        if crate::pack::compiles_lean() {
            return None;
        }
        let prebuilt = self.prebuilt[i].get_or_init(|| regex.prebuilt()).as_ref()?;
        let reaches = match prebuilt.reach {
            Reach::All => true,
            Reach::AsciiWords => words != Kind::Unicode,
            Reach::Ascii => words == Kind::Ascii,
        };
        let usable = prebuilt.dense
            || (self.prebuilt_searches[i].0.load(Ordering::Relaxed) < PREBUILT_SEARCHES
                && !self.version_is_compiled(i, regex));
        (reaches && usable).then_some(prebuilt)
    }

    /// Compiles what searching pattern `i` on a post of kind `words` needs.
    pub fn prepare(&self, i: usize, regex: &LazyRegex, words: Kind) {
        if !Self::uses_versions(words) || self.version(i, regex).is_none() {
            regex.get();
        }
    }

    /// Runs `search` with the regex for pattern `i` (`regex`) on a post of
    /// kind `words`.
    pub fn search<T>(
        &self,
        i: usize,
        regex: &LazyRegex,
        words: Kind,
        search: impl FnOnce(&Program) -> T,
    ) -> T {
        if let Some(prebuilt) = self.prebuilt_to_use(i, regex, words) {
            if !prebuilt.dense {
                self.prebuilt_searches[i].0.fetch_add(1, Ordering::Relaxed);
            }
            return search(&prebuilt.program);
        }
        if Self::uses_versions(words) {
            return search(self.version(i, regex).unwrap_or_else(|| regex.get()));
        }
        if words != Kind::AsciiWords {
            return search(regex.get());
        }
        if let Some(version) = self.versions[i].get() {
            return search(version.as_ref().unwrap_or_else(|| regex.get()));
        }
        let spent = &self.spent[i].0;
        if spent.load(Ordering::Relaxed) >= BUDGET {
            return search(self.version(i, regex).unwrap_or_else(|| regex.get()));
        }
        let original = regex.get();
        let start = Instant::now();
        let found = search(original);
        let took = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        spent.fetch_add(took, Ordering::Relaxed);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ASCII version of `pattern`.
    fn version_of(pattern: &str, case_sensitive: bool) -> Option<Program> {
        LazyRegex::deferred(pattern, case_sensitive).compile_ascii_word_version()
    }

    fn matches(r: &Program, text: &str) -> Vec<std::ops::Range<usize>> {
        r.find_iter(text).map(|m| m.range()).collect()
    }

    #[test]
    fn ascii_versions_change_word_boundaries_and_classes_only() {
        // Nothing to change: no `\b`, and classes with nothing beyond
        // ASCII or with a mix of non-ASCII word and other characters.
        assert!(version_of(r"\Bx\B", true).is_none());
        assert!(version_of(r"[a-z]+\s?!", true).is_none());
        assert!(version_of(r"[é—]", true).is_none());
        // Unicode digits, letters folded by `(?i)` and `\w` are word
        // characters: they go.
        assert!(version_of(r"\d+", true).is_some());
        assert!(version_of(r"(?i)kiss", true).is_some());
        let v = version_of(r"(?i)\bcaf[eé]\b|\bok\b", false).unwrap();
        // Only posts without non-ASCII word characters are searched with
        // it, so `é` is gone, and `\b` is the ASCII one.
        assert!(matches(&v, "café").is_empty());
        assert_eq!(matches(&v, "a CAFE—😍").first(), Some(&(2..6)));
        assert_eq!(matches(&v, "an ok").first(), Some(&(3..5)));
    }

    #[test]
    fn ascii_versions_find_the_same_on_random_qualifying_posts() {
        let patterns = [
            r"(?i)\bkiss\w*",
            r"\w+",
            r"\W+",
            r"\d+\s*%",
            r"(?i)[^a-z ]+",
            r".{2}\b",
            r"\p{L}+",
            r"\P{L}+",
            r"[\p{Greek}x]+",
            r"\S+\s+\S+",
            r"[^\s\w]+",
            r"(?i)\bst\b|\bs\B",
        ];
        let alphabet: Vec<char> = "aksKS1_ !.-\u{2014}\u{201c}\u{1F600}\u{2764}\u{a0}\u{37e}"
            .chars()
            .collect();
        let posts: Vec<String> = crate::text::random_texts(&alphabet, 20_000, 4)
            .filter(|p| Kind::of(p) != Kind::Unicode)
            .collect();
        let mut versions = 0;
        let mut found = 0;
        for pattern in patterns {
            for case_sensitive in [true, false] {
                let full = Program::Checked(
                    regex::RegexBuilder::new(pattern)
                        .case_insensitive(!case_sensitive)
                        .build()
                        .unwrap(),
                );
                let Some(v) = version_of(pattern, case_sensitive) else {
                    continue;
                };
                versions += 1;
                for p in &posts {
                    let m = matches(&full, p);
                    found += m.len();
                    assert_eq!(matches(&v, p), m, "/{pattern}/ on {p:?}");
                }
            }
        }
        assert!(versions > 15, "{versions}");
        assert!(found > 50_000, "{found}");
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
        // ASCII posts are searched with the ASCII versions too.
        posts.extend(texts.iter().filter(|t| t.is_ascii()).cloned());
        posts.retain(|p| Kind::of(p) != Kind::Unicode);
        let mut versions = 0;
        let mut found = 0;
        for r in &regexes {
            let Some(v) = r.compile_ascii_word_version() else {
                continue;
            };
            versions += 1;
            for p in &posts {
                let m = matches(r.get(), p);
                found += m.len();
                assert_eq!(matches(&v, p), m, "/{}/ on {p:?}", r.as_str());
            }
        }
        assert!(versions > 20, "{versions}");
        assert!(found > 100, "{found}");
    }

    #[test]
    fn patterns_with_dfas_for_any_text_need_no_compiling_for_any_post() {
        let (regexes, texts) = crate::pack::built_in_patterns_and_examples();
        let words = AsciiWords::new(regexes.len());
        // Each example among, and with, non-ASCII word characters.
        let mut posts = Vec::new();
        for t in &texts {
            posts.push(format!("Ça {t} déjà"));
            posts.push(t.replace('e', "é").replace('a', "ä"));
        }
        posts.retain(|p| Kind::of(p) == Kind::Unicode);
        let mut patterns = 0;
        let mut found = 0;
        for (i, r) in regexes.iter().enumerate() {
            if r.prebuilt().is_none_or(|p| p.reach != Reach::All) {
                continue;
            }
            patterns += 1;
            for kind in [Kind::Ascii, Kind::AsciiWords, Kind::Unicode] {
                assert!(words.is_ready(i, r, kind), "/{}/ {kind:?}", r.as_str());
            }
            for p in &posts {
                let m = words.search(i, r, Kind::Unicode, |program| matches(program, p));
                found += m.len();
                assert_eq!(m, matches(r.get(), p), "/{}/ on {p:?}", r.as_str());
            }
        }
        assert!(patterns >= 3, "{patterns}");
        assert!(found > 10, "{found}");
    }
}
