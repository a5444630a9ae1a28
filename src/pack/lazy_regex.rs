//! A rule's regular expression, compiled the first time a post needs it.
//! Packs from files are compiled (and so validated) at load time; the
//! embedded packs, validated when the binary is built, are not — so
//! start-up does not pay for regexes a draft never gets near. The literals
//! the engine's prefilter searches for are kept with the pattern: computed
//! on first use, or already known for the embedded packs.

use super::literals;
use regex::Regex;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::{Arc, OnceLock};

/// Literals every match contains one of (see `literals::necessary`), or
/// `None` when the pattern has no usable set and must always run.
pub type Literals = Option<literals::Needles>;

#[derive(Clone, Debug)]
pub struct LazyRegex {
    pattern: Arc<str>,
    case_sensitive: bool,
    cell: Arc<OnceLock<Regex>>,
    literals: Arc<OnceLock<Literals>>,
}

impl LazyRegex {
    /// A regex compiled on first use.
    pub fn deferred(pattern: &str, case_sensitive: bool) -> LazyRegex {
        LazyRegex {
            pattern: pattern.into(),
            case_sensitive,
            cell: Arc::new(OnceLock::new()),
            literals: Arc::new(OnceLock::new()),
        }
    }

    /// A regex already compiled (and so known to be valid).
    pub fn compiled(pattern: &str, case_sensitive: bool, regex: Regex) -> LazyRegex {
        let r = LazyRegex::deferred(pattern, case_sensitive);
        let _ = r.cell.set(regex);
        r
    }

    /// The compiled regex. A deferred pattern that fails to compile (only
    /// possible for an embedded pack the build did not check) matches
    /// nothing rather than stopping the run.
    pub fn get(&self) -> &Regex {
        self.cell.get_or_init(|| {
            super::compile_regex(&self.pattern, self.case_sensitive)
                .unwrap_or_else(|_| Regex::new(r"\b\B").expect("a regex that never matches"))
        })
    }

    /// Whether the regex is compiled already.
    pub fn is_compiled(&self) -> bool {
        self.cell.get().is_some()
    }

    /// The literals the prefilter searches for; `None` means always run.
    pub fn literals(&self) -> Option<&literals::Needles> {
        self.literals
            .get_or_init(|| literals::necessary(&self.pattern, self.case_sensitive))
            .as_ref()
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    pub fn case_sensitive(&self) -> bool {
        self.case_sensitive
    }
}

/// The serialized form: pattern, case sensitivity and prefilter literals
/// (computed now if they were not yet). The compiled program is not kept.
#[derive(Serialize, Deserialize)]
struct Stored {
    pattern: String,
    case_sensitive: bool,
    literals: Literals,
}

impl Serialize for LazyRegex {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Stored {
            pattern: self.pattern.to_string(),
            case_sensitive: self.case_sensitive,
            literals: self.literals().cloned(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for LazyRegex {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LazyRegex, D::Error> {
        let s = Stored::deserialize(d)?;
        let r = LazyRegex::deferred(&s.pattern, s.case_sensitive);
        let _ = r.literals.set(s.literals);
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_keeps_the_literals_and_defers_compiling() {
        let r = LazyRegex::deferred(r"\bquokkas?\b", false);
        let bytes = postcard::to_allocvec(&r).unwrap();
        let back: LazyRegex = postcard::from_bytes(&bytes).unwrap();
        assert!(back.cell.get().is_none());
        let kept = back
            .literals
            .get()
            .expect("literals decoded, not recomputed");
        assert_eq!(kept.as_ref().unwrap().literals, [b"quokka".to_vec()]);
        assert!(back.get().is_match("two Quokkas"));
    }
}
