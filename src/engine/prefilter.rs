//! Which regexes can match a post at all: the literal prefixes every match
//! of each pattern must start with, found once when the engine is built,
//! searched for all at once with one Aho-Corasick automaton. Only the
//! patterns whose prefixes occur (and those with no usable prefix) run.

use crate::pack::LazyRegex;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex_syntax::hir::literal::{ExtractKind, Extractor};

/// Most literals one pattern may contribute before it is simply always run.
const MAX_LITERALS: usize = 4000;

pub struct Prefilter {
    /// Case-insensitive (ASCII) and case-sensitive automata, with the
    /// patterns each literal belongs to.
    insensitive: Option<(AhoCorasick, Vec<usize>)>,
    sensitive: Option<(AhoCorasick, Vec<usize>)>,
    /// Patterns with no usable prefix: always candidates.
    always: Vec<usize>,
    count: usize,
}

/// Literals every match of `pattern` starts (or else ends) with, or `None`
/// when there is no finite, non-empty set of them.
fn prefixes(pattern: &str, case_sensitive: bool) -> Option<Vec<Vec<u8>>> {
    // First as written; then read as ASCII (`\d` is 0-9, `\w` ASCII word
    // characters) so digit and word classes stay small enough to enumerate
    // — posts are matched on these literals only to choose which patterns
    // to run, and posts are in scripts with ASCII digits.
    [true, false].into_iter().find_map(|unicode| {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(unicode)
            .utf8(unicode)
            .build()
            .parse(pattern)
            .ok()?;
        [ExtractKind::Prefix, ExtractKind::Suffix]
            .into_iter()
            .find_map(|kind| literals(&hir, kind, case_sensitive))
    })
}

fn literals(
    hir: &regex_syntax::hir::Hir,
    kind: ExtractKind,
    case_sensitive: bool,
) -> Option<Vec<Vec<u8>>> {
    let mut ex = Extractor::new();
    ex.kind(kind)
        .limit_class(16)
        .limit_repeat(8)
        .limit_literal_len(64)
        .limit_total(MAX_LITERALS);
    let seq = ex.extract(hir);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > MAX_LITERALS || lits.iter().any(|l| l.as_bytes().is_empty())
    {
        return None;
    }
    let mut out = Vec::with_capacity(lits.len());
    for l in lits {
        let bytes = l.as_bytes();
        if !case_sensitive {
            // Case folding beyond ASCII would let a match slip past an
            // ASCII-insensitive search.
            let s = std::str::from_utf8(bytes).ok()?;
            if s.chars()
                .any(|c| !c.is_ascii() && (c.is_lowercase() || c.is_uppercase()))
            {
                return None;
            }
        }
        out.push(bytes.to_vec());
    }
    Some(out)
}

fn automaton(lits: &[(Vec<u8>, usize)], insensitive: bool) -> Option<(AhoCorasick, Vec<usize>)> {
    if lits.is_empty() {
        return None;
    }
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(insensitive)
        .match_kind(MatchKind::Standard)
        .build(lits.iter().map(|(l, _)| l))
        .ok()?;
    Some((ac, lits.iter().map(|(_, p)| *p).collect()))
}

impl Prefilter {
    pub fn new(regexes: &[LazyRegex]) -> Prefilter {
        let mut insensitive = Vec::new();
        let mut sensitive = Vec::new();
        let mut always = Vec::new();
        for (i, r) in regexes.iter().enumerate() {
            match prefixes(r.as_str(), r.case_sensitive()) {
                Some(lits) => {
                    let target = if r.case_sensitive() {
                        &mut sensitive
                    } else {
                        &mut insensitive
                    };
                    target.extend(lits.into_iter().map(|l| (l, i)));
                }
                None => always.push(i),
            }
        }
        let mut pf = Prefilter {
            insensitive: None,
            sensitive: None,
            always: Vec::new(),
            count: regexes.len(),
        };
        // An automaton that cannot be built means its patterns always run.
        match automaton(&insensitive, true) {
            Some(a) => pf.insensitive = Some(a),
            None => always.extend(insensitive.iter().map(|(_, p)| *p)),
        }
        match automaton(&sensitive, false) {
            Some(a) => pf.sensitive = Some(a),
            None => always.extend(sensitive.iter().map(|(_, p)| *p)),
        }
        always.sort_unstable();
        always.dedup();
        pf.always = always;
        pf
    }

    /// The patterns that may match `text`, as a membership table.
    pub fn candidates(&self, text: &str) -> Vec<bool> {
        let mut hit = vec![false; self.count];
        for &i in &self.always {
            hit[i] = true;
        }
        for (ac, owners) in [&self.insensitive, &self.sensitive].into_iter().flatten() {
            for m in ac.find_overlapping_iter(text) {
                hit[owners[m.pattern().as_usize()]] = true;
            }
        }
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_of_alternations_and_case() {
        let p = prefixes(r"\b(?:oh great|yeah right)\b", false).unwrap();
        assert!(p.contains(&b"oh great".to_vec()) && p.contains(&b"yeah right".to_vec()));
        // Digit classes are enumerated as ASCII digits.
        assert!(prefixes(r"\d{3}-\d{4}", false).is_some());
        // No literal starts or ends every match.
        assert!(prefixes(r".*x.*", false).is_none());
        assert_eq!(prefixes(r".*x", false).unwrap(), [b"x".to_vec()]);
        // Case folding beyond ASCII cannot be searched ASCII-insensitively.
        assert!(prefixes("Café", false).is_none());
        assert!(prefixes("Café", true).is_some());
    }

    #[test]
    fn candidates_are_a_superset_of_matches() {
        let rs = [
            LazyRegex::deferred(r"\boh great\b", false),
            LazyRegex::deferred(r"SKU-\d+", true),
            LazyRegex::deferred(r"\w+@\w+", false),
        ];
        let pf = Prefilter::new(&rs);
        let c = pf.candidates("OH GREAT, sku-12 again");
        assert!(c[0]);
        assert!(!c[1], "case-sensitive literal must not match other case");
        for text in ["OH GREAT, sku-12 again", "mail me@x now", "SKU-9"] {
            let c = pf.candidates(text);
            for (i, r) in rs.iter().enumerate() {
                if r.get().is_match(text) {
                    assert!(c[i], "{text}: pattern {i}");
                }
            }
        }
    }
}
