//! Which rules are worth visiting for a post. Most word lists and most
//! patterns find nothing in a given post, so visiting every rule of every
//! pack only to learn that costs more than the few rules that can fire:
//! the rules are indexed by the list or pattern that must find something
//! first, and a post visits the rules of what its scan and prefilter found,
//! plus those that run on every post.

use super::lexicon::ListId;
use super::prefilter::Candidates;

/// The rules each trigger can start, fixed when the engine is built.
#[derive(Default)]
pub struct Triggers {
    /// By list id: the word-list rules whose main list it is.
    by_list: Vec<Vec<u32>>,
    /// By place in the engine's regexes: the pattern rules searching it.
    by_regex: Vec<Vec<u32>>,
    /// The rules to visit on every post (metrics, absences, learned
    /// models), as a set.
    always: RuleSet,
}

impl Triggers {
    /// An index for `rules` rules and `regexes` regexes.
    pub fn new(rules: usize, regexes: usize) -> Triggers {
        let mut always = RuleSet::default();
        always.clear(rules);
        Triggers {
            by_list: Vec::new(),
            by_regex: vec![Vec::new(); regexes],
            always,
        }
    }

    /// `rule` can fire only when `list` has hits.
    pub fn on_list(&mut self, list: ListId, rule: usize) {
        if self.by_list.len() <= list {
            self.by_list.resize_with(list + 1, Vec::new);
        }
        self.by_list[list].push(rule as u32);
    }

    /// `rule` can fire only when regex `regex` is a prefilter candidate.
    pub fn on_regex(&mut self, regex: usize, rule: usize) {
        self.by_regex[regex].push(rule as u32);
    }

    /// `rule` is visited on every post.
    pub fn always(&mut self, rule: usize) {
        self.always.insert(rule);
    }

    /// Fills `out` with the rules to visit for a post whose lists `found`
    /// have hits and whose candidate regexes are those `matched` holds.
    pub fn rules_into(&self, found: &[ListId], matched: &Candidates, out: &mut RuleSet) {
        out.words.clone_from(&self.always.words);
        for &list in found {
            for &rule in self.by_list.get(list).map_or(&[][..], Vec::as_slice) {
                out.insert(rule as usize);
            }
        }
        for regex in matched.iter() {
            for &rule in &self.by_regex[regex] {
                out.insert(rule as usize);
            }
        }
    }
}

/// A set of rules, one bit each: visited in rule order without sorting.
#[derive(Default, Clone)]
pub struct RuleSet {
    words: Vec<u64>,
}

impl RuleSet {
    /// Empties the set, making room for `rules` rules.
    fn clear(&mut self, rules: usize) {
        self.words.clear();
        self.words.resize(rules.div_ceil(64), 0);
    }

    fn insert(&mut self, rule: usize) {
        self.words[rule / 64] |= 1 << (rule % 64);
    }

    /// The rules in the set, in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &bits)| {
            let mut left = bits;
            std::iter::from_fn(move || {
                (left != 0).then(|| {
                    let bit = left.trailing_zeros() as usize;
                    left &= left - 1;
                    w * 64 + bit
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visits_the_rules_of_what_was_found_and_those_always_run() {
        let mut t = Triggers::new(130, 2);
        t.on_list(3, 0);
        t.on_list(3, 70);
        t.on_list(5, 1);
        t.on_regex(1, 129);
        t.on_regex(0, 2);
        t.always(64);
        let mut set = RuleSet::default();
        t.rules_into(&[3], &Candidates::of(2, &[1]), &mut set);
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![0, 64, 70, 129]);
        // A list no rule starts from finds no rule.
        t.rules_into(&[9], &Candidates::of(2, &[]), &mut set);
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![64]);
    }
}
