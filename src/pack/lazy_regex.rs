//! A rule's regular expression, compiled the first time a post needs it.
//! Packs from files are compiled (and so validated) at load time; the
//! embedded packs, checked by the test suite, are not — so start-up does not
//! pay for regexes a draft never gets near.

use regex::Regex;
use std::sync::{Arc, OnceLock};

#[derive(Clone, Debug)]
pub struct LazyRegex {
    pattern: Arc<str>,
    case_sensitive: bool,
    cell: Arc<OnceLock<Regex>>,
}

impl LazyRegex {
    /// A regex compiled on first use.
    pub fn deferred(pattern: &str, case_sensitive: bool) -> LazyRegex {
        LazyRegex {
            pattern: pattern.into(),
            case_sensitive,
            cell: Arc::new(OnceLock::new()),
        }
    }

    /// A regex already compiled (and so known to be valid).
    pub fn compiled(pattern: &str, case_sensitive: bool, regex: Regex) -> LazyRegex {
        let cell = OnceLock::new();
        let _ = cell.set(regex);
        LazyRegex {
            pattern: pattern.into(),
            case_sensitive,
            cell: Arc::new(cell),
        }
    }

    /// The compiled regex. A deferred pattern that fails to compile (only
    /// possible for an embedded pack the test suite did not check) matches
    /// nothing rather than stopping the run.
    pub fn get(&self) -> &Regex {
        self.cell.get_or_init(|| {
            super::compile_regex(&self.pattern, self.case_sensitive)
                .unwrap_or_else(|_| Regex::new(r"\b\B").expect("a regex that never matches"))
        })
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    pub fn case_sensitive(&self) -> bool {
        self.case_sensitive
    }
}
