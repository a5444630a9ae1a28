//! From findings to scores: each THINK dimension 0–100, an overall score,
//! the raised flags and the pass/fail verdict.

use crate::model::{Dimension, Flag, Severity};
use crate::pack::Rule;

/// What decides pass or fail.
#[derive(Clone, Debug)]
pub struct Policy {
    /// A post whose overall score is below this fails.
    pub min_score: u8,
    /// Per-dimension minimums.
    pub min_dimension: [Option<u8>; 5],
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            min_score: 70,
            min_dimension: [None; 5],
        }
    }
}

/// The scores of one post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scorecard {
    /// In the order of `Dimension::ALL`.
    pub scores: [u8; 5],
    pub overall: u8,
    pub flags: Vec<Flag>,
    pub errors: usize,
}

impl Scorecard {
    /// Scores the rules that fired on a post. Each rule counts once,
    /// however many times it matched.
    pub fn new<'a>(fired: impl IntoIterator<Item = &'a Rule>) -> Scorecard {
        // A post fires a handful of rules: a list is the cheapest set.
        let mut seen: Vec<&str> = Vec::new();
        let mut lost = [0u32; 5];
        let mut flags = Vec::new();
        let mut errors = 0;
        for rule in fired {
            if rule.severity == Severity::Error {
                errors += 1;
            }
            if seen.contains(&rule.id.as_str()) {
                continue;
            }
            seen.push(&rule.id);
            lost[rule.dimension.index()] += rule.weight;
            if let Some(flag) = rule.flag
                && rule.severity != Severity::Info
                && !flags.contains(&flag)
            {
                flags.push(flag);
            }
        }
        flags.sort_unstable();
        let scores = lost.map(|l| 100u32.saturating_sub(l) as u8);
        Scorecard {
            overall: overall(&scores),
            scores,
            flags,
            errors,
        }
    }

    pub fn score(&self, d: Dimension) -> u8 {
        self.scores[d.index()]
    }

    /// The verdict: a post fails on any error finding, an overall score
    /// below the minimum, or a dimension below its own minimum.
    pub fn passes(&self, policy: &Policy) -> bool {
        self.errors == 0
            && self.overall >= policy.min_score
            && Dimension::ALL
                .iter()
                .all(|d| policy.min_dimension[d.index()].is_none_or(|m| self.score(*d) >= m))
    }
}

/// The overall THINK score: 90% the lowest of the five scores, 10% their
/// mean — a post is as good as its weakest answer, so one failing
/// dimension fails it even when the others are perfect; the mean only
/// separates posts with the same weakest score.
pub fn overall(scores: &[u8; 5]) -> u8 {
    let mean = scores.iter().map(|&s| f64::from(s)).sum::<f64>() / 5.0;
    let min = f64::from(*scores.iter().min().expect("five scores"));
    (0.1 * mean + 0.9 * min).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overall_is_pulled_down_by_the_worst_dimension() {
        assert_eq!(overall(&[100; 5]), 100);
        assert_eq!(overall(&[100, 100, 100, 100, 40]), 45);
        assert_eq!(overall(&[100, 100, 100, 100, 80]), 82);
        // Two ordinary warnings in one dimension fail a post; one does not.
        assert!(overall(&[100, 100, 100, 100, 65]) < 70);
        assert!(overall(&[100, 100, 100, 100, 75]) >= 70);
        assert_eq!(overall(&[0; 5]), 0);
    }
}
