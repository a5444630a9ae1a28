//! Which rules run, at which severity: `--select`, `--ignore`, severity
//! overrides and the allow list, from the configuration and the CLI.

use crate::error::Error;
use crate::model::Severity;
use crate::pack::{Pack, Rule};
use std::collections::BTreeMap;

/// A choice of rules. Selectors name a rule id (`kind/name-calling`), a
/// pack id (`kind`), a THINK dimension (`helpful`) or a flag (`sarcasm`).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Only these rules run (all when empty).
    pub select: Vec<String>,
    /// These rules never run.
    pub ignore: Vec<String>,
    /// Severity overrides, by selector; the most specific one wins.
    pub severity: BTreeMap<String, Severity>,
    /// Words and phrases that never count as a match.
    pub allow: Vec<String>,
}

/// How specifically a selector names a rule: 0 no match, 1 dimension or
/// flag, 2 pack, 3 the rule itself.
pub fn specificity(selector: &str, rule: &Rule) -> u8 {
    if selector == rule.id {
        3
    } else if selector == rule.pack {
        2
    } else if selector == rule.dimension.as_str()
        || rule.flag.is_some_and(|f| f.as_str() == selector)
    {
        1
    } else {
        0
    }
}

impl Selection {
    /// The enabled rules of `packs`, with severities overridden.
    pub fn apply(&self, packs: &[Pack]) -> Result<Vec<Rule>, Error> {
        let all: Vec<&Rule> = packs.iter().flat_map(|p| &p.rules).collect();
        let enabled = self.enabled(&all)?;
        // Room for every rule at once: rules are large, and growing the
        // vector would copy them again and again.
        let mut rules = Vec::with_capacity(enabled.len());
        rules.extend(enabled.into_iter().map(|i| self.overridden(all[i].clone())));
        Ok(rules)
    }

    /// `apply`, taking the rules out of `packs` instead of copying them.
    pub fn take(&self, packs: Vec<Pack>) -> Result<Vec<Rule>, Error> {
        let all: Vec<&Rule> = packs.iter().flat_map(|p| &p.rules).collect();
        let mut enabled = self.enabled(&all)?.into_iter().peekable();
        let mut rules = Vec::with_capacity(enabled.len());
        let every = packs.into_iter().flat_map(|p| p.rules).enumerate();
        for (i, rule) in every {
            if enabled.next_if_eq(&i).is_some() {
                rules.push(self.overridden(rule));
            }
        }
        Ok(rules)
    }

    /// The positions in `all` of the rules that run, in order; an error
    /// if a selector names no rule.
    fn enabled(&self, all: &[&Rule]) -> Result<Vec<usize>, Error> {
        let unknown: Vec<&str> = self
            .select
            .iter()
            .chain(&self.ignore)
            .chain(self.severity.keys())
            .filter(|s| !all.iter().any(|r| specificity(s, r) > 0))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return Err(Error::Usage(format!(
                "no rule, pack, dimension or flag is named {}; `think-lint rules list` shows them",
                unknown
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok((0..all.len())
            .filter(|&i| {
                let r = all[i];
                (self.select.is_empty() || self.select.iter().any(|s| specificity(s, r) > 0))
                    && !self.ignore.iter().any(|s| specificity(s, r) > 0)
            })
            .collect())
    }

    /// `rule` at the severity the most specific override gives it.
    fn overridden(&self, mut rule: Rule) -> Rule {
        if !self.severity.is_empty()
            && let Some((_, sev)) = self
                .severity
                .iter()
                .filter(|(s, _)| specificity(s, &rule) > 0)
                .max_by_key(|(s, _)| specificity(s, &rule))
        {
            rule.severity = *sev;
        }
        rule
    }
}
