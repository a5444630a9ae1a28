//! Which regexes can match a post at all: for each pattern, literals every
//! match of it contains one of (`LazyRegex::literals`, known ahead of time
//! for the built-in packs), searched for all at once with one Aho-Corasick
//! automaton. Only the patterns whose literals occur (and those with no
//! usable literal) run.
//!
//! The built-in patterns' automata were built with the binary
//! (`pack::automaton`); only patterns from pack files get one built here.
//! The built-in automaton also knows, for some patterns, a rarer literal
//! set that counts on ASCII text only (`pack::literals::ascii_only`), and
//! for others a second set every match also holds a literal of
//! (`pack::literals::paired`); the automata built here do without, which
//! only makes more candidates.
//!
//! A pattern whose matches hold two or more digits (or characters outside
//! ASCII; `pack::literals::fewest_digits`) is no candidate for a post with
//! fewer, whatever literals it holds: a card number's pattern is not
//! searched for in a post with a date in it. The built-in automaton lists
//! those numbers; for the other patterns they are worked out here.

use crate::pack::LazyRegex;
use crate::pack::automaton::{Automata, SECOND_SET};
use crate::pack::digits_or_non_ascii;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::borrow::Cow;

pub struct Prefilter {
    /// Case-insensitive (ASCII; lower-case literals, run on lower-cased
    /// text) and case-sensitive automata, with the patterns each literal
    /// belongs to.
    insensitive: Option<(AhoCorasick, Vec<usize>)>,
    sensitive: Option<(AhoCorasick, Vec<usize>)>,
    built_in: Option<BuiltIn>,
    /// Patterns with no usable literal: always candidates.
    always: Vec<usize>,
    /// The patterns whose matches hold two or more ASCII digits or
    /// characters outside ASCII, each with that fewest.
    digits: Vec<(usize, u32)>,
    count: usize,
}

const NONE: u32 = u32::MAX;

/// The built-in patterns' automata, as a prefilter reads them.
struct BuiltIn {
    automata: &'static Automata,
    /// Which pattern here each of the built-in patterns is (`NONE`: not
    /// one of them).
    here: Vec<u32>,
    /// The patterns here whose built-in literals come in two sets
    /// (`SECOND_SET`): a candidate needs a literal of each. At most
    /// `u64::BITS`, so a post notes its second sets found in one word;
    /// others make do with their first set, which every match holds too.
    paired: Vec<usize>,
    /// Per built-in pattern, its place in `paired` (`NO_SLOT`: none).
    slots: Vec<u8>,
}

const NO_SLOT: u8 = u8::MAX;

impl BuiltIn {
    fn new(automata: &'static Automata, here: Vec<u32>) -> BuiltIn {
        let mut slots = vec![NO_SLOT; here.len()];
        let mut paired = Vec::new();
        for n in automata.paired().map(|n| n as usize) {
            if here[n] != NONE && paired.len() < u64::BITS as usize {
                slots[n] = paired.len() as u8;
                paired.push(here[n] as usize);
            }
        }
        BuiltIn {
            automata,
            here,
            paired,
            slots,
        }
    }

    /// Adds to `hit` the patterns here the built-in automaton finds in
    /// `text`.
    fn candidates_into(&self, text: &str, hit: &mut Candidates) {
        let mut seconds = 0u64;
        self.automata.search(text.as_bytes(), |p| {
            let n = (p & !SECOND_SET) as usize;
            if p & SECOND_SET != 0 {
                if let Some(&slot) = self.slots.get(n)
                    && slot != NO_SLOT
                {
                    seconds |= 1 << slot;
                }
            } else if let Some(&i) = self.here.get(n)
                && i != NONE
            {
                hit.insert(i as usize);
            }
        });
        for (slot, &i) in self.paired.iter().enumerate() {
            if seconds >> slot & 1 == 0 {
                hit.remove(i);
            }
        }
    }

    /// The patterns here whose matches hold two or more ASCII digits or
    /// characters outside ASCII, each with that fewest.
    fn digits(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        self.automata
            .digits()
            .filter_map(|(n, fewest)| match self.here.get(n as usize) {
                Some(&i) if i != NONE => Some((i as usize, fewest)),
                _ => None,
            })
    }
}

/// An automaton over `lits`, matching bytes exactly: the literals of the
/// case-insensitive set are lower case and searched for in lower-cased
/// text, which builds much faster than an automaton that folds case.
fn automaton(lits: &[(Cow<[u8]>, usize)]) -> Option<(AhoCorasick, Vec<usize>)> {
    if lits.is_empty() {
        return None;
    }
    // A contiguous NFA: about as fast to search as a DFA on post-sized
    // text, and much cheaper to build (the automaton is built at start-up).
    let ac = AhoCorasickBuilder::new()
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .match_kind(MatchKind::Standard)
        .build(lits.iter().map(|(l, _)| l))
        .ok()?;
    Some((ac, lits.iter().map(|(_, p)| *p).collect()))
}

thread_local! {
    /// The lower-cased post the case-insensitive automaton reads.
    static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Prefilter {
    pub fn new(regexes: &[LazyRegex]) -> Prefilter {
        let mut insensitive = Vec::new();
        let mut sensitive = Vec::new();
        let mut always = Vec::new();
        let mut digits = Vec::new();
        let automata = crate::pack::automaton::built_in();
        let mut built_in: Vec<u32> = Vec::new();
        for (i, r) in regexes.iter().enumerate() {
            if let (Some(a), Some(n)) = (automata, r.built_in())
                && (n as usize) < a.patterns()
            {
                if built_in.is_empty() {
                    built_in = vec![NONE; a.patterns()];
                }
                if built_in[n as usize] == NONE {
                    built_in[n as usize] = i as u32;
                    continue;
                }
            }
            match r.literals() {
                Some(n) => {
                    match crate::pack::fewest_digits(r.as_str(), r.case_sensitive()) {
                        0 | 1 => {}
                        fewest => digits.push((i, fewest)),
                    }
                    let target = if n.ascii_case_insensitive {
                        &mut insensitive
                    } else {
                        &mut sensitive
                    };
                    let fold = n.ascii_case_insensitive;
                    target.extend(n.literals.iter().map(|l| {
                        if fold && l.iter().any(u8::is_ascii_uppercase) {
                            (Cow::Owned(l.to_ascii_lowercase()), i)
                        } else {
                            (Cow::Borrowed(l.as_slice()), i)
                        }
                    }));
                }
                None => always.push(i),
            }
        }
        let built_in = automata
            .filter(|_| !built_in.is_empty())
            .map(|a| BuiltIn::new(a, built_in));
        digits.extend(built_in.iter().flat_map(BuiltIn::digits));
        let mut pf = Prefilter {
            insensitive: None,
            sensitive: None,
            built_in,
            always: Vec::new(),
            digits,
            count: regexes.len(),
        };
        // An automaton that cannot be built means its patterns always run.
        match automaton(&insensitive) {
            Some(a) => pf.insensitive = Some(a),
            None => always.extend(insensitive.iter().map(|(_, p)| *p)),
        }
        match automaton(&sensitive) {
            Some(a) => pf.sensitive = Some(a),
            None => always.extend(sensitive.iter().map(|(_, p)| *p)),
        }
        always.sort_unstable();
        always.dedup();
        pf.always = always;
        pf
    }

    /// The patterns that may match `text`, as a membership table.
    #[cfg(test)]
    pub fn candidates(&self, text: &str) -> Vec<bool> {
        let mut hit = Candidates::default();
        self.candidates_into(text, &mut hit);
        (0..self.count).map(|i| hit.contains(i)).collect()
    }

    /// `candidates`, into `hit` (whatever it held before).
    pub fn candidates_into(&self, text: &str, hit: &mut Candidates) {
        hit.reset(self.count);
        for &i in &self.always {
            hit.insert(i);
        }
        if let Some(b) = &self.built_in {
            b.candidates_into(text, hit);
        }
        if let Some((ac, owners)) = &self.insensitive {
            LOWER.with_borrow_mut(|lower| {
                lower.clear();
                lower.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
                for m in ac.find_overlapping_iter(lower.as_slice()) {
                    hit.insert(owners[m.pattern().as_usize()]);
                }
            });
        }
        if let Some((ac, owners)) = &self.sensitive {
            for m in ac.find_overlapping_iter(text) {
                hit.insert(owners[m.pattern().as_usize()]);
            }
        }
        // Counted once, and only for a post some such pattern is a
        // candidate for.
        let mut held = None;
        for &(i, fewest) in &self.digits {
            if hit.contains(i)
                && fewest > *held.get_or_insert_with(|| digits_or_non_ascii(text.as_bytes()))
            {
                hit.remove(i);
            }
        }
    }
}

/// The patterns that may match a post: a membership table, and its
/// members in the order they were found, so that a post's work (and the
/// next post's clearing) goes by its few candidates, not by every pattern.
#[derive(Default)]
pub struct Candidates {
    hit: Vec<bool>,
    list: Vec<usize>,
}

impl Candidates {
    /// Empties the set, for patterns numbered below `count`.
    fn reset(&mut self, count: usize) {
        for &i in &self.list {
            self.hit[i] = false;
        }
        self.list.clear();
        self.hit.resize(count, false);
    }

    fn insert(&mut self, i: usize) {
        if !self.hit[i] {
            self.hit[i] = true;
            self.list.push(i);
        }
    }

    /// The set of `members`, patterns numbered below `count`.
    #[cfg(test)]
    pub fn of(count: usize, members: &[usize]) -> Candidates {
        let mut c = Candidates::default();
        c.reset(count);
        for &i in members {
            c.insert(i);
        }
        c
    }

    fn remove(&mut self, i: usize) {
        if self.hit[i] {
            self.hit[i] = false;
            self.list.retain(|&j| j != i);
        }
    }

    pub fn contains(&self, i: usize) -> bool {
        self.hit[i]
    }

    /// The members, in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.list.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_of_ones_own_is_no_candidate_with_too_few_digits() {
        let regexes = [
            LazyRegex::deferred(r"order #\d{6}\b", false),
            LazyRegex::deferred(r"order #", false),
        ];
        let pf = Prefilter::new(&regexes);
        assert_eq!(pf.digits, [(0, 6)]);
        assert_eq!(pf.candidates("Order #12 is on its way"), [false, true]);
        assert_eq!(pf.candidates("Order #123456 is on its way"), [true, true]);
        // Enough digits anywhere in the post (the regex decides the rest),
        // and characters outside ASCII count too.
        assert_eq!(pf.candidates("order #12, 3456 km"), [true, true]);
        assert_eq!(pf.candidates("order #١٢٣٤٥٦"), [true, true]);
    }

    #[test]
    fn candidates_list_each_member_once_and_reset_empties_them() {
        let mut c = Candidates::of(6, &[4, 1, 4, 2]);
        assert_eq!(c.iter().collect::<Vec<_>>(), [4, 1, 2]);
        c.remove(1);
        c.remove(5);
        assert_eq!(c.iter().collect::<Vec<_>>(), [4, 2]);
        assert!(c.contains(4) && !c.contains(1) && !c.contains(5));
        c.reset(3);
        assert_eq!(c.iter().count(), 0);
        assert!((0..3).all(|i| !c.contains(i)));
        c.insert(1);
        assert_eq!(c.iter().collect::<Vec<_>>(), [1]);
        // A larger set after a smaller one starts empty too.
        c.reset(8);
        assert!((0..8).all(|i| !c.contains(i)));
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

    /// Whether a text holds a literal of `set`.
    fn searcher(set: &crate::pack::Needles) -> impl Fn(&str) -> bool + use<> {
        let fold = set.ascii_case_insensitive;
        let ac = AhoCorasick::new(&set.literals).unwrap();
        move |text| {
            if fold {
                ac.is_match(&text.to_ascii_lowercase())
            } else {
                ac.is_match(text)
            }
        }
    }

    #[test]
    fn built_in_automaton_finds_what_the_runtime_automata_find() {
        let (regexes, examples) = crate::pack::built_in_patterns_and_examples();
        // The same patterns without their built-in numbers: the prefilter
        // builds its automata from their literals at run time.
        let unnumbered: Vec<LazyRegex> = regexes
            .iter()
            .map(|r| LazyRegex::deferred(r.as_str(), r.case_sensitive()))
            .collect();
        let built_in = Prefilter::new(&regexes);
        let runtime = Prefilter::new(&unnumbered);
        assert!(built_in.built_in.is_some() && runtime.built_in.is_none());
        // Patterns with no literal whose matches hold characters outside
        // ASCII: the built-in automaton leaves them out on text with fewer.
        let automata = crate::pack::automaton::built_in().unwrap();
        let non_ascii: Vec<(usize, usize)> = (0..regexes.len())
            .filter_map(|i| {
                let n = regexes[i].built_in()?;
                let (_, fewest) = automata.non_ascii().find(|&(m, _)| m == n)?;
                Some((i, fewest as usize))
            })
            .collect();
        assert!(non_ascii.iter().any(|&(_, fewest)| fewest > 1));
        // The literal sets that count on ASCII text only, and the pairs of
        // sets needed both, where the built-in automaton has them.
        // (A pattern listed again is left to the runtime automata.)
        let mut seen = std::collections::HashSet::new();
        let firsts: Vec<bool> = regexes.iter().map(|r| seen.insert(r.built_in())).collect();
        let ascii_only: Vec<Option<crate::pack::Needles>> = regexes
            .iter()
            .zip(&firsts)
            .map(|(r, &first)| {
                first
                    .then(|| crate::pack::ascii_only(r.as_str(), r.case_sensitive()))
                    .flatten()
            })
            .collect();
        let paired: Vec<Option<[crate::pack::Needles; 2]>> = regexes
            .iter()
            .zip(&firsts)
            .zip(&ascii_only)
            .map(|((r, &first), ascii)| {
                (first && ascii.is_none())
                    .then(|| crate::pack::paired(r.as_str(), r.case_sensitive()))
                    .flatten()
            })
            .collect();
        // Patterns with literals whose matches hold two or more digits
        // (or characters outside ASCII): no candidates on text with fewer,
        // as the built-in automaton lists them and as worked out at run
        // time alike.
        let digits: Vec<(usize, u32)> = regexes
            .iter()
            .enumerate()
            .filter(|(_, r)| r.literals().is_some())
            .map(|(i, r)| {
                (
                    i,
                    crate::pack::fewest_digits(r.as_str(), r.case_sensitive()),
                )
            })
            .filter(|&(_, fewest)| fewest >= 2)
            .collect();
        assert!(digits.iter().any(|&(_, fewest)| fewest >= 13), "{digits:?}");
        for pf in [&built_in, &runtime] {
            let mut listed = pf.digits.clone();
            listed.sort_unstable();
            assert_eq!(listed, digits);
        }
        let literal_searchers: Vec<Option<_>> = unnumbered
            .iter()
            .map(|r| r.literals().map(searcher))
            .collect();
        assert!(ascii_only.iter().flatten().count() > 5);
        assert!(paired.iter().flatten().count() > 10);
        let ascii_searchers: Vec<Option<_>> = ascii_only
            .iter()
            .map(|set| set.as_ref().map(searcher))
            .collect();
        let pair_searchers: Vec<Option<_>> = paired
            .iter()
            .map(|pair| pair.as_ref().map(|[a, b]| (searcher(a), searcher(b))))
            .collect();
        // Texts made of pieces of the literals, in both cases, cut and
        // joined with bytes that are in no literal and with non-ASCII
        // characters.
        let mut pieces: Vec<String> = Vec::new();
        let sets = unnumbered
            .iter()
            .filter_map(|r| r.literals())
            .chain(ascii_only.iter().flatten())
            .chain(paired.iter().flatten().flatten());
        for set in sets {
            for l in &set.literals {
                let l = String::from_utf8_lossy(l).into_owned();
                pieces.push(l.to_ascii_uppercase());
                pieces.push(l.chars().skip(1).collect());
                pieces.push(l);
            }
        }
        pieces.extend(
            [
                "",
                " ",
                "~",
                "é",
                "😡",
                "😡 😡😡",
                "’",
                "\n",
                "Zq",
                "4111 1111 1111",
                "555-201-77",
                "٣٤٥",
            ]
            .map(String::from),
        );
        let mut rng = crate::test_rng::Xorshift::new(0x9e37_79b9_7f4a_7c15u64);
        let mut random = |n: usize| rng.below(n);
        let mut texts = examples;
        for _ in 0..20_000 {
            let text: String = (0..1 + random(6))
                .map(|_| pieces[random(pieces.len())].as_str())
                .collect();
            texts.push(text);
        }
        let (mut both, mut gated) = (0, 0);
        for text in &texts {
            let mut expect = runtime.candidates(text);
            let held = text.chars().filter(|c| !c.is_ascii()).count();
            for &(i, fewest) in &non_ascii {
                expect[i] &= held >= fewest;
            }
            if text.is_ascii() {
                for (i, finds) in ascii_searchers.iter().enumerate() {
                    if let Some(finds) = finds {
                        expect[i] = finds(text);
                    }
                }
            }
            for (i, finds) in pair_searchers.iter().enumerate() {
                if let Some((first, second)) = finds {
                    expect[i] = first(text) && second(text);
                    both += usize::from(expect[i]);
                }
            }
            let held = crate::pack::digits_or_non_ascii(text.as_bytes());
            for &(i, fewest) in &digits {
                let literal = literal_searchers[i]
                    .as_ref()
                    .is_some_and(|finds| finds(text));
                gated += usize::from(literal && held < fewest);
                expect[i] &= held >= fewest;
            }
            assert_eq!(built_in.candidates(text), expect, "{text:?}");
        }
        assert!(both > 500, "{both} texts with literals of both sets");
        assert!(gated > 500, "{gated} candidates with too few digits");
    }

    #[test]
    fn built_in_candidates_cover_every_example_match() {
        let (regexes, texts) = crate::pack::built_in_patterns_and_examples();
        let pf = Prefilter::new(&regexes);
        let mut matched = 0;
        for text in &texts {
            let c = pf.candidates(text);
            for (i, r) in regexes.iter().enumerate() {
                if r.get().is_match(text) {
                    matched += 1;
                    assert!(c[i], "{text:?}: /{}/ was filtered out", r.as_str());
                }
            }
        }
        assert!(matched > 100, "only {matched} example matches");
    }
}
