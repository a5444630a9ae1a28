//! The literals a regex cannot match without: a set of strings such that
//! every match of the pattern contains at least one of them. The engine
//! searches all sets at once and runs a pattern only on posts where one of
//! its literals occurs, so the rarer the literals the fewer patterns run.
//!
//! The set is chosen by walking the pattern: a concatenation needs what any
//! one of its parts needs (the rarest part is taken), an alternation needs
//! what each branch needs (their union), and any node may instead use the
//! literals all its matches start or end with. Rarity is estimated from how
//! often the literal's letters occur in English text.
//!
//! A pattern may also get a second set, for text that is all ASCII only
//! (`ascii_only`): read as ASCII, `\d` is ten digits, so `\d(st|nd)`
//! needs `1st` or `2nd`, far rarer than `st` or `nd`.

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{
    Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind,
    Repetition,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Most literals one pattern may contribute before it is simply always run.
pub const MAX_LITERALS: usize = 4000;

/// Characters in a typical post, for turning a per-position probability
/// into an expected number of occurrences.
const POST_LEN: f64 = 150.0;

/// What one more literal costs, in expected pattern runs per post: every
/// literal makes the automaton bigger to build, once per process.
const PER_LITERAL: f64 = 0.005;

/// Literals every match of a pattern contains one of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Needles {
    /// Search ignoring ASCII case (the literals are then lower case): for
    /// a case-insensitive pattern, or where case variants of one literal
    /// would otherwise be listed one by one.
    pub ascii_case_insensitive: bool,
    pub literals: Vec<Vec<u8>>,
}

/// A set of literals and its estimated cost: the expected number of them
/// found in a typical post (each counting at most once), plus what its size
/// costs.
#[derive(Clone)]
struct Set {
    needles: Needles,
    /// The expected number of its literals found in a typical post.
    rarity: f64,
    cost: f64,
}

impl Set {
    fn new(mut literals: Vec<Vec<u8>>, insensitive: bool, per_literal: f64) -> Set {
        if insensitive {
            for l in &mut literals {
                l.make_ascii_lowercase();
            }
        }
        literals.sort();
        literals.dedup();
        let rarity = literals.iter().map(|l| rarity(l)).sum::<f64>();
        Set {
            cost: rarity + per_literal * literals.len() as f64,
            needles: Needles {
                ascii_case_insensitive: insensitive,
                literals,
            },
            rarity,
        }
    }

    fn better(self, other: Option<Set>) -> Set {
        match other {
            Some(o)
                if (o.cost, o.needles.literals.len())
                    < (self.cost, self.needles.literals.len()) =>
            {
                o
            }
            _ => self,
        }
    }
}

/// A literal set every match of `pattern` contains one of, or `None` when
/// there is no finite set of non-empty literals (the pattern then always
/// runs).
pub fn necessary(pattern: &str, case_sensitive: bool) -> Option<Needles> {
    general(pattern, case_sensitive).map(|s| s.needles)
}

/// `necessary`'s set, with its cost.
fn general(pattern: &str, case_sensitive: bool) -> Option<Set> {
    // First as written; then read as ASCII (`\d` is 0-9, `\w` ASCII word
    // characters) so digit and word classes stay small enough to enumerate
    // — posts are matched on these literals only to choose which patterns
    // to run, and posts are in scripts with ASCII digits.
    [true, false]
        .into_iter()
        .find_map(|unicode| cheapest(pattern, case_sensitive, unicode, PER_LITERAL))
}

/// What one more literal costs in a set only the built-in automaton
/// searches (the sets for ASCII text, the pairs): it is built with the
/// binary.
const PER_BUILT_IN_LITERAL: f64 = 0.0005;

/// A literal set every match of `pattern` in ASCII text contains one of,
/// where it is much rarer than the `necessary` one: the pattern read as
/// ASCII (on ASCII text `\d`, `\w`, `\s` and `\b` mean what their ASCII
/// forms do), so that digit classes are enumerated — `3rd` rather than
/// `rd`. `None` when it would not be at most half as often found.
///
/// Also `None` where the pattern's pair of sets (`paired`) is expected to
/// let fewer posts through than this set: the built-in prefilter gives a
/// pattern one or the other, and the pair then does better.
pub fn ascii_only(pattern: &str, case_sensitive: bool) -> Option<Needles> {
    let ascii = cheapest(pattern, case_sensitive, false, PER_BUILT_IN_LITERAL)?;
    let limit = general(pattern, case_sensitive).map_or(f64::INFINITY, |s| s.rarity);
    let pair_does_better = || pair(pattern, case_sensitive).is_some_and(|p| p.both < ascii.rarity);
    (ascii.rarity * 2.0 < limit && !pair_does_better()).then_some(ascii.needles)
}

/// How many times fewer posts than its `necessary` set a pattern's pair of
/// sets (`paired`) must be expected to let through to be searched instead.
const PAIR_GAIN: f64 = 2.0;

/// Two literal sets every match of `pattern` holds a literal of each of,
/// taken from different parts of it: a post needs one of each to be
/// searched. Where each part alone is common (`happy` … and `customer` …,
/// `user` … and `pass` …), posts holding both are far fewer. `None` when
/// the pair is not expected to let through at most half the posts the
/// `necessary` set lets through. Like `ascii_only`'s sets, the pairs are
/// searched only by the built-in automaton, built with the binary.
pub fn paired(pattern: &str, case_sensitive: bool) -> Option<[Needles; 2]> {
    pair(pattern, case_sensitive).map(|p| [p.first.needles, p.second.needles])
}

/// The pair of sets `paired` gives, with its expected share of posts.
fn pair(pattern: &str, case_sensitive: bool) -> Option<Pair> {
    let single = general(pattern, case_sensitive)?;
    let pair = [true, false].into_iter().find_map(|unicode| {
        read(
            pattern,
            case_sensitive,
            unicode,
            PER_BUILT_IN_LITERAL,
            pair_of,
            Pair::better,
        )
    })?;
    // A set found in most posts would only cost the automaton reports.
    let rare = |s: &Set| s.rarity < 1.0;
    (rare(&pair.first) && rare(&pair.second) && pair.both * PAIR_GAIN <= single.rarity.min(1.0))
        .then_some(pair)
}

/// Two literal sets (see `paired`), with the expected share of posts
/// holding a literal of each: the two taken as independent, but for
/// literals that hold one of the other set's, whose posts have one of
/// each. Pairs are told apart by that share alone (then by size): the
/// built-in automaton reads a byte in one step however many literals it
/// has.
struct Pair {
    first: Set,
    second: Set,
    both: f64,
}

impl Pair {
    fn new(first: Set, second: Set) -> Pair {
        let both = first.rarity.min(1.0) * second.rarity.min(1.0)
            + implying(&first, &second)
            + implying(&second, &first);
        Pair {
            both: both.min(1.0),
            first,
            second,
        }
    }

    fn literals(&self) -> usize {
        self.first.needles.literals.len() + self.second.needles.literals.len()
    }

    fn better(self, other: Option<Pair>) -> Pair {
        match other {
            Some(o) if (o.both, o.literals()) < (self.both, self.literals()) => o,
            _ => self,
        }
    }
}

/// The expected number of `a`'s literals in a typical post that hold one
/// of `b`'s.
fn implying(a: &Set, b: &Set) -> f64 {
    let holds = |l: &[u8], m: &[u8]| l.windows(m.len()).any(|w| w.eq_ignore_ascii_case(m));
    a.needles
        .literals
        .iter()
        .filter(|l| b.needles.literals.iter().any(|m| holds(l, m)))
        .map(|l| rarity(l))
        .sum()
}

/// The cheapest pair of literal sets for `hir` (see `paired`), if it has
/// one: the sets of two parts of a concatenation, or a pair within one
/// part; for an alternation, the unions of its branches' sets
/// (`pair_of_branches`).
fn pair_of(hir: &Hir, how: Reading) -> Option<Pair> {
    let mut found: Option<Pair> = None;
    let mut offer = |p: Option<Pair>| {
        if let Some(p) = p {
            found = Some(p.better(found.take()));
        }
    };
    match hir.kind() {
        HirKind::Concat(parts) => {
            let sets: Vec<Set> = parts.iter().filter_map(|p| best(p, how)).collect();
            for (i, first) in sets.iter().enumerate() {
                for second in &sets[i + 1..] {
                    offer(Some(Pair::new(first.clone(), second.clone())));
                }
            }
            for part in parts {
                offer(pair_of(part, how));
            }
        }
        HirKind::Alternation(branches) => offer(pair_of_branches(branches, how)),
        HirKind::Capture(c) => offer(pair_of(&c.sub, how)),
        HirKind::Repetition(r) if r.min >= 1 => offer(pair_of(&r.sub, how)),
        _ => {}
    }
    found
}

/// The pair of an alternation: the unions of its branches' sets, each
/// branch adding one set to each union. A branch gives its pair in the
/// order that keeps the unions rarer (`@… liar` and `liar … @` put `@`
/// in one union, not both), or, where that is rarer or it has no pair of
/// its own, its one set to both unions: every match of the branch holds a
/// literal of that set, so of each union. `None` when a branch has no set
/// at all or a union grows past `MAX_LITERALS`.
fn pair_of_branches(branches: &[Hir], how: Reading) -> Option<Pair> {
    let mut unions = [Union::default(), Union::default()];
    // The expected number of literals in a post that are in both unions.
    let mut shared = 0.0;
    for b in branches {
        let mut ways = Vec::with_capacity(3);
        if let Some(pair) = pair_of(b, how) {
            ways.push([pair.first.clone(), pair.second.clone()]);
            ways.push([pair.second, pair.first]);
        }
        let single = best(b, how)?;
        ways.push([single.clone(), single]);
        let [first, second] = ways
            .into_iter()
            .min_by(|x, y| both_with(&unions, shared, x).total_cmp(&both_with(&unions, shared, y)))
            .expect("a branch has at least one way");
        if first.needles == second.needles {
            shared += first.rarity;
        }
        for (union, set) in unions.iter_mut().zip([first, second]) {
            union.add(set);
            if union.literals.len() > MAX_LITERALS {
                return None;
            }
        }
    }
    let [first, second] = unions.map(|u| Set::new(u.literals, u.insensitive, how.per_literal));
    Some(Pair::new(first, second))
}

/// About what `Pair::new` reckons of the unions with `sets` added
/// (`shared` of their literals being in both): posts with a literal of
/// each, as if independent, and twice those with a literal in both.
/// Infinite where a union would be found in most posts, which `pair`
/// rules out.
fn both_with(unions: &[Union; 2], shared: f64, [a, b]: &[Set; 2]) -> f64 {
    let (first, second) = (unions[0].with(a), unions[1].with(b));
    if first >= 1.0 || second >= 1.0 {
        return f64::INFINITY;
    }
    let shared = if a.needles == b.needles {
        shared + a.rarity
    } else {
        shared
    };
    first * second + 2.0 * shared
}

/// The literals of an alternation's branches gathered for one set of its
/// pair (`pair_of_branches`), and their expected number in a post (before
/// duplicates are dropped).
#[derive(Default)]
struct Union {
    literals: Vec<Vec<u8>>,
    insensitive: bool,
    rarity: f64,
}

impl Union {
    /// The expected number of literals in a post with `set` added.
    fn with(&self, set: &Set) -> f64 {
        self.rarity + set.rarity
    }

    fn add(&mut self, set: Set) {
        self.insensitive |= set.needles.ascii_case_insensitive;
        self.rarity += set.rarity;
        self.literals.extend(set.needles.literals);
    }
}

/// The cheapest literal set of `pattern` read with Unicode classes or as
/// ASCII (`unicode`), each literal costing `per_literal` on top of its
/// rarity.
fn cheapest(pattern: &str, case_sensitive: bool, unicode: bool, per_literal: f64) -> Option<Set> {
    read(
        pattern,
        case_sensitive,
        unicode,
        per_literal,
        best,
        Set::better,
    )
}

/// What `find` chooses in `pattern` read with Unicode classes or as ASCII
/// (`unicode`), each literal costing `per_literal` on top of its rarity:
/// in the pattern read with ASCII upper case folded to lower case, and for
/// a case-sensitive pattern also as written, the `better` of the two.
fn read<T>(
    pattern: &str,
    case_sensitive: bool,
    unicode: bool,
    per_literal: f64,
    find: impl Fn(&Hir, Reading) -> Option<T>,
    better: impl Fn(T, Option<T>) -> T,
) -> Option<T> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(unicode)
        .utf8(unicode)
        .build()
        .parse(pattern)
        .ok()?;
    let how = |case_sensitive, folded| Reading {
        case_sensitive,
        folded,
        per_literal,
    };
    // Read with ASCII upper case folded to lower case, a pattern's
    // literals are searched for in lower-cased text: one literal where
    // the pattern spells out case variants (`(?i:...)`, `[A-Z]`).
    let folded = find(&fold_ascii(&hir), how(case_sensitive, true));
    if case_sensitive {
        match (find(&hir, how(true, false)), folded) {
            (Some(e), f) => Some(better(e, f)),
            (None, f) => f,
        }
    } else {
        folded
    }
}

/// How a pattern's literals are chosen: whether the pattern is case
/// sensitive, whether it was read by `fold_ascii` (its literals then
/// searched for ignoring case), and what each literal costs on top of its
/// rarity.
#[derive(Clone, Copy)]
struct Reading {
    case_sensitive: bool,
    folded: bool,
    per_literal: f64,
}

/// `hir` with every ASCII upper-case letter it matches replaced by its
/// lower-case form: it matches the ASCII-lower-cased text of every match of
/// `hir`.
fn fold_ascii(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0.to_ascii_lowercase()),
        HirKind::Class(Class::Unicode(c)) => {
            let mut upper = ClassUnicode::new([ClassUnicodeRange::new('A', 'Z')]);
            upper.intersect(c);
            let mut out = c.clone();
            out.difference(&upper);
            out.union(&ClassUnicode::new(upper.ranges().iter().map(|r| {
                ClassUnicodeRange::new(r.start().to_ascii_lowercase(), r.end().to_ascii_lowercase())
            })));
            Hir::class(Class::Unicode(out))
        }
        HirKind::Class(Class::Bytes(c)) => {
            let mut upper = ClassBytes::new([ClassBytesRange::new(b'A', b'Z')]);
            upper.intersect(c);
            let mut out = c.clone();
            out.difference(&upper);
            out.union(&ClassBytes::new(upper.ranges().iter().map(|r| {
                ClassBytesRange::new(r.start().to_ascii_lowercase(), r.end().to_ascii_lowercase())
            })));
            Hir::class(Class::Bytes(out))
        }
        HirKind::Look(l) => Hir::look(*l),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: r.min,
            max: r.max,
            greedy: r.greedy,
            sub: Box::new(fold_ascii(&r.sub)),
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            index: c.index,
            name: c.name.clone(),
            sub: Box::new(fold_ascii(&c.sub)),
        }),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(fold_ascii).collect()),
        HirKind::Alternation(bs) => Hir::alternation(bs.iter().map(fold_ascii).collect()),
    }
}

/// The cheapest literal set for `hir`, if it has one, chosen as `how`
/// says.
fn best(hir: &Hir, how: Reading) -> Option<Set> {
    let mut found: Option<Set> = None;
    let mut offer = |s: Option<Set>| {
        if let Some(s) = s {
            found = Some(s.better(found.take()));
        }
    };
    for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        offer(extracted(hir, kind, how));
    }
    match hir.kind() {
        HirKind::Concat(parts) => {
            for part in parts {
                offer(best(part, how));
            }
            if parts.len() <= MAX_SPLIT_PARTS {
                for split in 1..parts.len() {
                    for limit in SPLIT_LIMITS {
                        offer(across(parts, split, limit, how));
                    }
                }
            }
        }
        HirKind::Alternation(branches) => {
            let mut union = Vec::new();
            let mut insensitive = false;
            let mut all = true;
            for b in branches {
                match best(b, how) {
                    Some(s) if union.len() + s.needles.literals.len() <= MAX_LITERALS => {
                        insensitive |= s.needles.ascii_case_insensitive;
                        union.extend(s.needles.literals)
                    }
                    _ => {
                        all = false;
                        break;
                    }
                }
            }
            if all {
                offer(Some(Set::new(union, insensitive, how.per_literal)));
            }
        }
        HirKind::Capture(c) => offer(best(&c.sub, how)),
        HirKind::Repetition(r) if r.min >= 1 => offer(best(&r.sub, how)),
        _ => {}
    }
    found
}

/// Concatenations with more parts are not searched for literals across
/// their parts (each split costs two extractions).
const MAX_SPLIT_PARTS: usize = 24;

/// How many literals each side of a split may have: few short ones, or
/// more and longer ones; the cheaper set wins.
const SPLIT_LIMITS: [usize; 2] = [16, 64];

/// Literals across a split of a concatenation: every match of the parts
/// before `split` ends with one of their suffixes, every match of the
/// parts from `split` on starts with one of their prefixes, so every match
/// of the whole holds one suffix followed by one prefix. Short literals
/// on each side (`\d` then `[:.]`) make a long, rare one (`3:`).
fn across(parts: &[Hir], split: usize, limit: usize, how: Reading) -> Option<Set> {
    let before = Hir::concat(parts[..split].to_vec());
    let after = Hir::concat(parts[split..].to_vec());
    let ends = literals_of(&before, ExtractKind::Suffix, limit, how.case_sensitive)?;
    let starts = literals_of(&after, ExtractKind::Prefix, limit, how.case_sensitive)?;
    if ends.len() * starts.len() > MAX_LITERALS {
        return None;
    }
    let out = ends
        .iter()
        .flat_map(|e| starts.iter().map(move |s| [e.as_slice(), s].concat()))
        .collect();
    Some(chosen(out, how))
}

/// The literals every match of `hir` starts (or ends) with.
fn extracted(hir: &Hir, kind: ExtractKind, how: Reading) -> Option<Set> {
    let out = literals_of(hir, kind, MAX_LITERALS, how.case_sensitive)?;
    Some(chosen(out, how))
}

/// The literals (at most `limit` of them, none empty) every match of `hir`
/// starts (or ends) with, if there is such a set.
fn literals_of(
    hir: &Hir,
    kind: ExtractKind,
    limit: usize,
    case_sensitive: bool,
) -> Option<Vec<Vec<u8>>> {
    let mut ex = Extractor::new();
    ex.kind(kind)
        .limit_class(16)
        .limit_repeat(8)
        .limit_literal_len(64)
        .limit_total(limit);
    let seq = ex.extract(hir);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > limit || lits.iter().any(|l| l.as_bytes().is_empty()) {
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

/// The set of literals `out`, searched ignoring ASCII case or as written
/// (see `necessary`).
fn chosen(out: Vec<Vec<u8>>, how: Reading) -> Set {
    let per_literal = how.per_literal;
    if how.case_sensitive && how.folded {
        // Text is lower-cased in ASCII only, as `fold_ascii` read the
        // pattern: a case-sensitive pattern's other letters match as is.
        Set::new(out, true, per_literal)
    } else if how.case_sensitive {
        // Case variants spelled out one by one (from `(?i)` in the
        // pattern) are searched as one literal ignoring case instead.
        let exact = Set::new(out.clone(), false, per_literal);
        let folded = Set::new(out, true, per_literal);
        if folded.needles.literals.len() * 2 <= exact.needles.literals.len() {
            folded
        } else {
            exact
        }
    } else {
        Set::new(out, true, per_literal)
    }
}

/// Expected occurrences of a literal in a typical post, capped at one.
/// Letter frequencies alone make short common words look rare, so a
/// literal that is one of the most common words (or a piece of one) counts
/// as found in every post. So do one or two letters, which are a word or a
/// piece of many (`is`, `my`, `st`, `nd`), but for two uncommon letters
/// without a vowel: no word, and a piece of few (`pw`, `bc`, `pm`). Other
/// literals of letters are judged by the common words their pieces are
/// part of ([`by_words`]); the rest (digits, symbols) by letter
/// frequencies.
fn rarity(literal: &[u8]) -> f64 {
    let word = String::from_utf8_lossy(literal)
        .trim()
        .to_ascii_lowercase()
        .replace('’', "'");
    let p: f64 = literal.iter().map(|&b| byte_frequency(b)).product();
    let by_letters = (POST_LEN * p).min(1.0);
    let short_word = word.len() <= 2
        && word.bytes().all(|b| b.is_ascii_alphabetic())
        && !is_uncommon_pair_of_consonants(&word, by_letters);
    if short_word || COMMON_WORDS.contains(&word.as_str()) {
        return 1.0;
    }
    by_words(&word).unwrap_or(by_letters)
}

/// The share of posts holding each common word, measured on labeled
/// posts by `scripts/word-rates.py`: `word<TAB>share` lines under a
/// comment line.
const WORD_RATES: &str = include_str!("word-rates.tsv");

/// The words of [`WORD_RATES`], one per line, and their shares.
struct WordTable {
    text: String,
    /// Where each word starts in `text`, in order.
    starts: Vec<usize>,
    shares: Vec<f64>,
    /// The smallest share listed.
    rarest: f64,
}

/// [`WORD_RATES`] read, the first time a literal of letters is judged: at
/// build time for the built-in packs, in a run only for other packs.
fn word_table() -> &'static WordTable {
    static TABLE: std::sync::OnceLock<WordTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = WordTable {
            text: String::new(),
            starts: Vec::new(),
            shares: Vec::new(),
            rarest: 1.0,
        };
        for line in WORD_RATES.lines().filter(|l| !l.starts_with('#')) {
            let Some((word, share)) = line.split_once('\t') else {
                continue;
            };
            let Ok(share) = share.parse::<f64>() else {
                continue;
            };
            table.starts.push(table.text.len());
            table.text.push_str(word);
            table.text.push('\n');
            table.shares.push(share);
            table.rarest = table.rarest.min(share);
        }
        table
    })
}

/// Whether `b` is part of a word as `scripts/word-rates.py` reads words,
/// but for digits: numbers are judged by their digits' frequencies.
fn in_word(b: u8) -> bool {
    b.is_ascii_lowercase() || b == b'\''
}

/// The expected share of posts holding `literal` (lower case, of letters,
/// apostrophes and spaces; `None` for another) by the common words
/// ([`WORD_RATES`]) its pieces (its runs of word characters) are part
/// of: for each piece, the summed shares of those words, or, in none, no
/// more than the rarest listed word's share (by letter frequencies below
/// that); for several pieces, their product, as if they came
/// independently.
fn by_words(literal: &str) -> Option<f64> {
    let table = word_table();
    let share_of = |piece: &[u8]| -> Option<f64> {
        // The built-in packs ask about the same pieces many times over.
        type Memo = HashMap<Vec<u8>, Option<f64>, foldhash::fast::FixedState>;
        static MEMO: std::sync::Mutex<Option<Memo>> = std::sync::Mutex::new(None);
        let mut memo = MEMO.lock().unwrap_or_else(|e| e.into_inner());
        let memo = memo.get_or_insert_with(Memo::default);
        if let Some(&known) = memo.get(piece) {
            return known;
        }
        // Each word once, however often the piece is in it: the words are
        // one per line, so the matches of one word come together.
        let mut share = None;
        let mut last = usize::MAX;
        for at in memchr::memmem::find_iter(table.text.as_bytes(), piece) {
            let word = table.starts.partition_point(|&s| s <= at) - 1;
            if word != last {
                last = word;
                *share.get_or_insert(0.0) += table.shares[word];
            }
        }
        memo.insert(piece.to_vec(), share);
        share
    };
    let bytes = literal.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(|&b| in_word(b) || b == b' ') {
        return None;
    }
    let share = bytes
        .split(|&b| b == b' ')
        .filter(|piece| !piece.is_empty())
        .map(|piece| match share_of(piece) {
            Some(share) => share.min(1.0),
            None => {
                let p: f64 = piece.iter().map(|&b| byte_frequency(b)).product();
                (POST_LEN * p).min(table.rarest)
            }
        })
        .product::<f64>();
    Some(share)
}

/// Below this many expected occurrences in a post (by letter frequencies),
/// two consonants are uncommon enough not to be a piece of many words:
/// `pw` (0.04) and `pm` (0.05) are, `st` (0.59), `nd` (0.29) and `ll`
/// (0.16) are not.
const UNCOMMON_PAIR: f64 = 0.1;

/// Whether `word` is two letters without a vowel (`y` counts as one) that
/// letter frequencies expect `by_letters` times in a post, below
/// `UNCOMMON_PAIR`.
fn is_uncommon_pair_of_consonants(word: &str, by_letters: f64) -> bool {
    word.len() == 2 && !word.bytes().any(|b| b"aeiouy".contains(&b)) && by_letters < UNCOMMON_PAIR
}

/// Words (and word pieces) found in a large share of English posts.
const COMMON_WORDS: &[&str] = &[
    "the", "and", "for", "you", "that", "this", "with", "are", "was", "have", "not", "but", "all",
    "our", "your", "they", "just", "can", "will", "get", "one", "out", "what", "about", "from",
    "like", "love", "her", "his", "she", "him", "here", "there", "their", "them", "then", "than",
    "when", "who", "how", "now", "new", "more", "some", "been", "has", "had", "were", "would",
    "could", "should", "did", "does", "don't", "i'm", "it's", "we're", "you're", "good", "great",
    "day", "today", "time", "people", "know", "see", "thank", "thanks", "make", "going", "want",
    "need", "really", "back", "only", "also", "very", "much", "way", "too", "over", "into", "any",
    "off", "why", "still", "even", "well", "come", "let", "got", "think", "'ll", "'re", "'ve",
    "n't", "ing", "ther", "tion", "ment",
];

/// How often a byte occurs in English prose (letters folded to lower case).
fn byte_frequency(b: u8) -> f64 {
    match b.to_ascii_lowercase() {
        b' ' => 0.17,
        b'e' => 0.10,
        b't' => 0.075,
        b'a' => 0.065,
        b'o' => 0.062,
        b'i' => 0.057,
        b'n' => 0.056,
        b's' => 0.052,
        b'h' | b'r' => 0.049,
        b'd' => 0.035,
        b'l' => 0.033,
        b'u' => 0.023,
        b'c' => 0.022,
        b'm' => 0.02,
        b'w' => 0.019,
        b'f' => 0.018,
        b'g' | b'y' => 0.016,
        b'p' => 0.015,
        b'b' => 0.012,
        b'.' | b',' => 0.01,
        b'v' => 0.008,
        b'k' => 0.006,
        b'0'..=b'9' => 0.003,
        b'-' | b'\'' | b'!' | b'?' | b'\n' => 0.005,
        b'x' => 0.0015,
        b'j' | b'q' => 0.001,
        b'z' => 0.0007,
        _ => 0.002,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pattern: &str) -> Vec<String> {
        necessary(pattern, false)
            .unwrap()
            .literals
            .into_iter()
            .map(|l| String::from_utf8(l).unwrap())
            .collect()
    }

    #[test]
    fn whole_prefixes_of_alternations_and_case() {
        let p = set(r"\b(?:oh great|yeah right)\b");
        assert_eq!(p, ["oh great", "yeah right"]);
        // Digit classes are enumerated as ASCII digits.
        assert!(necessary(r"\d{3}-\d{4}", false).is_some());
        // No literal is in every match.
        assert!(necessary(r".*x?.*", false).is_none());
        assert!(necessary(r"\bfoo\b|.+", false).is_none());
        assert_eq!(set(r".*x"), ["x"]);
        // Case folding beyond ASCII cannot be searched ASCII-insensitively.
        assert!(necessary("Café", false).is_none());
        assert!(necessary("Café", true).is_some());
    }

    #[test]
    fn a_rare_middle_part_beats_common_prefixes() {
        assert_eq!(
            set(r"\b(?:i|we|you)\s+(?:totally|literally)\s+\w+"),
            ["literally", "totally"]
        );
        // A part that may be empty is not needed.
        assert_eq!(set(r"\b(?:i\s+)?(?:really\s+)?hate\b"), ["hate"]);
        // Each branch contributes its own cheapest part.
        assert_eq!(
            set(r"(?:\w+ (?:zebra)|(?:quokka) \w+)"),
            [" zebra", "quokka "]
        );
    }

    #[test]
    fn case_variants_fold_into_one_literal() {
        let n = necessary(r"(?i:zebra)|QUOKKA", true).unwrap();
        assert!(n.ascii_case_insensitive);
        assert_eq!(n.literals, [b"quokka".to_vec(), b"zebra".to_vec()]);
        let n = necessary(r"ZEBRA|QUOKKA", true).unwrap();
        assert!(!n.ascii_case_insensitive);
        assert_eq!(n.literals, [b"QUOKKA".to_vec(), b"ZEBRA".to_vec()]);
    }

    #[test]
    fn case_sensitive_patterns_with_case_variants_are_folded() {
        // Not each case variant (with the Kelvin sign for `k` and the long
        // s for `s`) spelled out: one lower-case literal, searched for in
        // lower-cased text.
        let n = necessary(r"[A-Z][a-z]+ (?i:zebra|quokkas? on) [A-Z][a-z]+", true).unwrap();
        assert!(n.ascii_case_insensitive);
        assert_eq!(n.literals, [b"quo".to_vec(), b"zebra".to_vec()]);
        // Other letters still match only as written.
        let n = necessary(r"(?i:quokka)É", true).unwrap();
        assert!(n.ascii_case_insensitive);
        assert_eq!(n.literals, ["aÉ".as_bytes().to_vec()]);
        // Without case variants, case-sensitive literals are kept.
        let n = necessary(r"QUOKKA|Zebra", true).unwrap();
        assert!(!n.ascii_case_insensitive);
    }

    #[test]
    fn literals_across_parts_of_a_concatenation() {
        // No part alone has a rare literal; the end of one part with the
        // start of the next has.
        assert_eq!(set(r"\b(?:z+o{2,}p+|q{2,}u+a+)"), ["qqu", "zoo"]);
        let n = necessary(r"(?:x|y)+(?:1|2)+", true).unwrap();
        assert_eq!(
            n.literals,
            [
                b"x1".to_vec(),
                b"x2".to_vec(),
                b"y1".to_vec(),
                b"y2".to_vec()
            ]
        );
    }

    #[test]
    fn ascii_text_gets_digits_enumerated_where_that_is_much_rarer() {
        let n = ascii_only(r"\b\d{1,2}(st|nd|rd|th)\b", false).unwrap();
        assert!(n.literals.contains(&b"1st".to_vec()), "{n:?}");
        assert!(!n.literals.contains(&b"st".to_vec()));
        // Nothing rarer than the pattern's own set.
        assert!(ascii_only(r"\bquokkas?\b", false).is_none());
        assert!(ascii_only(r"\p{Greek}+", false).is_none());
    }

    #[test]
    fn pairs_come_from_two_parts_both_rare() {
        let pair = |p: &str| {
            paired(p, false).map(|sets| {
                sets.map(|s| {
                    s.literals
                        .into_iter()
                        .map(|l| String::from_utf8(l).unwrap())
                        .collect::<Vec<_>>()
                })
            })
        };
        assert_eq!(
            pair(r"[-~]\s*(?:happy|glad)\s+(?:customer|client)s?\b").unwrap(),
            [vec!["glad", "happy"], vec!["client", "customer"]]
        );
        // Each branch gives its pair.
        assert_eq!(
            pair(r"\bzebra\s+\w+\s+quokka|\bokapi,?\s+yak").unwrap(),
            [vec!["yak", "zebra"], vec!["okapi", "quokka"]]
        );
        // Each branch's pair in the order that keeps the sets apart.
        assert_eq!(
            pair(r"\bzebra\W+quokka|\bquokka,?\s+zebra").unwrap(),
            [vec!["zebra"], vec!["quokka"]]
        );
        // A branch of one part puts it in both sets (here the pair is
        // not expected to let fewer posts through than the one set).
        let hir = regex_syntax::parse(r"zebra\s+\w+\s+quokka|xylyl").unwrap();
        let how = Reading {
            case_sensitive: true,
            folded: false,
            per_literal: PER_BUILT_IN_LITERAL,
        };
        let both = pair_of(&hir, how).unwrap();
        let words = |s: Set| {
            s.needles
                .literals
                .into_iter()
                .map(|l| String::from_utf8(l).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            [words(both.first), words(both.second)],
            [vec!["xylyl", "zebra"], vec!["quokka", "xylyl"]]
        );
        assert!(pair(r"\bzebra\s+\w+\s+quokka|\bxylyl").is_none());
        // One part, a part found in most posts, or a branch of one part
        // found in about as many posts as the others: no pair.
        assert!(pair(r"\bquokkas?\b").is_none());
        assert!(pair(r"\bthe\s+zebra").is_none());
        assert!(pair(r"\bzebra\s+\w+\s+quokka|\bokapi").is_none());
    }

    #[test]
    fn every_match_holds_a_literal_of_each_set_of_a_pair() {
        let (regexes, mut texts) = crate::pack::built_in_patterns_and_examples();
        let mut patterns: Vec<(String, bool)> = regexes
            .iter()
            .map(|r| (r.as_str().to_string(), r.case_sensitive()))
            .collect();
        for p in [
            r"\b(?:zebra|okapi)s?\s+(?:\w+\s+){0,2}(?:yak|gnu)\b",
            r"(?:zzz|qqq)x+(?:kkk|jjj)|vvvy+www",
            r"(?i)\bZEBRA\W+(?:ÉLAN|gnu)",
            // Branches whose pairs come in either order, and a branch of
            // one part.
            r"\bzebra\W+(?:yak|gnu)|\b(?:yak|gnu),?\s+zebra",
            r"\bzebra\W+(?:yak|gnu)|\b(?:yak|gnu),?\s+zebra|\bqqqvvv",
        ] {
            patterns.extend([(p.to_string(), true), (p.to_string(), false)]);
        }
        // Texts of pieces of those patterns' words, cut and joined.
        let pieces = [
            "zebra", "ZEBRA", "zebras", "okapi", "yak", "gnu", "Gnu", "zzz", "qqq", "x", "kkk",
            "jjj", "vvv", "y", "www", "ÉLAN", "élan", " ", ", ", "\n", "a ", "ebr",
        ];
        let mut rng = crate::test_rng::Xorshift::new(0x5851_f42d_4c95_7f2du64);
        for _ in 0..20_000 {
            let n = 1 + rng.below(8);
            texts.push((0..n).map(|_| pieces[rng.below(pieces.len())]).collect());
        }
        let holds = |text: &str, set: &Needles| {
            let text = if set.ascii_case_insensitive {
                text.to_ascii_lowercase()
            } else {
                text.to_string()
            };
            set.literals
                .iter()
                .any(|l| text.as_bytes().windows(l.len()).any(|w| w == l))
        };
        let (mut pairs, mut matches) = (0, 0);
        for (pattern, case_sensitive) in &patterns {
            let Some(sets) = paired(pattern, *case_sensitive) else {
                continue;
            };
            pairs += 1;
            let regex = regex::RegexBuilder::new(pattern)
                .case_insensitive(!case_sensitive)
                .build()
                .unwrap();
            for text in &texts {
                for m in regex.find_iter(text) {
                    matches += 1;
                    for set in &sets {
                        assert!(holds(m.as_str(), set), "/{pattern}/ on {text:?}: {set:?}");
                    }
                }
            }
        }
        assert!(pairs > 15, "{pairs} pairs");
        assert!(matches > 200, "{matches} matches");
    }

    #[test]
    fn the_word_rates_table_is_well_formed() {
        let mut rows = 0;
        for line in WORD_RATES.lines().filter(|l| !l.starts_with('#')) {
            let (word, share) = line.split_once('\t').expect("word<TAB>share");
            assert!(
                !word.is_empty() && word.bytes().all(|b| in_word(b) || b.is_ascii_digit()),
                "{line}"
            );
            let share: f64 = share.parse().expect("a share");
            assert!(share > 0.0 && share <= 1.0, "{line}");
            rows += 1;
        }
        assert!(rows > 1000, "{rows} words");
    }

    #[test]
    fn common_words_are_judged_by_the_posts_that_hold_them() {
        let by_letters = |l: &str| POST_LEN * l.bytes().map(byte_frequency).product::<f64>();
        // Letters alone make these look rarer than one post in a hundred.
        for word in ["women", "never", "work"] {
            assert!(by_letters(word) < 0.01, "{word}");
            assert!(rarity(word.as_bytes()) > 0.01, "{word}");
        }
        // A piece of common words is at least as common as the commonest
        // of them; two words together are rarer than either.
        assert!(rarity(b"ever") > rarity(b"never"));
        assert!(rarity(b"never work") < rarity(b"work"));
        // A word no listed word holds is rarer than every listed one.
        assert!(rarity(b"quokkas") <= rarity(b"women") / 10.0);
        // Symbols and digits are judged by their bytes, as before.
        assert_eq!(by_words("f*ck"), None);
        assert_eq!(by_words("2024"), None);
        assert_eq!(rarity(b"f*ck"), by_letters("f*ck").min(1.0));
    }

    #[test]
    fn two_uncommon_consonants_are_rare_other_short_literals_common() {
        for common in ["is", "my", "ok", "st", "nd", "ll", "a", "x"] {
            assert_eq!(rarity(common.as_bytes()), 1.0, "{common}");
        }
        for rare in ["pw", "bc", "pm"] {
            assert!(rarity(rare.as_bytes()) < UNCOMMON_PAIR, "{rare}");
        }
        // So a password and the name it goes with make a pair.
        let pattern =
            r"\b(user ?name|user|login)\s*(:|=|is)\s*\S+[^\n]{0,40}\b(password|pass|pw|pwd)\s*:";
        let [first, second] = paired(pattern, false).unwrap();
        assert!(first.literals.contains(&b"user".to_vec()), "{first:?}");
        assert!(second.literals.contains(&b"pw".to_vec()), "{second:?}");
    }

    #[test]
    fn a_pair_rarer_than_the_ascii_set_is_chosen_over_it() {
        // Read as ASCII, `(?i:kumquat)` is a literal (read with Unicode's
        // case folding, `k` is also the Kelvin sign): a set much rarer than
        // the general one, `zebra`. But the pair of both is rarer still.
        let pattern = r"\b(?i:kumquat)\b[^.\n]{0,40}\bzebra";
        let ascii = cheapest(pattern, false, false, PER_BUILT_IN_LITERAL).unwrap();
        assert!(ascii.rarity * 2.0 < general(pattern, false).unwrap().rarity);
        assert!(ascii_only(pattern, false).is_none());
        assert!(paired(pattern, false).is_some());
        // Without a pair, the ASCII set stays.
        assert!(ascii_only(r"\b\d{1,2}(st|nd|rd|th)\b", false).is_some());
    }

    #[test]
    fn fewest_digits_counts_what_every_match_holds() {
        let cases = [
            (r"\b\d(?:[ -]?\d){12,18}\b", 13),
            (
                r"(\+\d{1,3}[\s.-]?)?(\(\d{3}\)|\b\d{3})[\s.-]?\d{3}[\s.-]?\d{4}\b|\b0\d{4}\s?\d{6}\b",
                10,
            ),
            (r"\b\d{3}-\d{2}-\d{4}\b|\bssn\b", 0),
            (r"order 66 now", 2),
            (r"[0-9]{4}|[a-z0-9]{8}", 0),
            (r"(?-u:[0-9]){3}", 3),
            (r"\w+\d?", 0),
            (r"[0-5][6-9]x", 2),
            // A class of digits and characters outside ASCII counts; one
            // with an ASCII letter does not.
            (r"[0-9é]{2}", 2),
            (r"[0-9a]{2}", 0),
            (r"°C", 1),
            (r"(?:12)*", 0),
        ];
        for (pattern, want) in cases {
            assert_eq!(fewest_digits(pattern, false), want, "{pattern}");
        }
        assert_eq!(fewest_digits(r"(unclosed", false), 0);
        // Every match holds at least that many of what the post counts.
        let re = regex::Regex::new(r"\b\d(?:[ -]?\d){12,18}\b").unwrap();
        for text in ["4111 1111 1111 1111", "card 4000-0000-0000-002", "١٢٣ 12"] {
            let fewest = fewest_digits(re.as_str(), false);
            for m in re.find_iter(text) {
                assert!(
                    digits_or_non_ascii(m.as_str().as_bytes()) >= fewest,
                    "{text}"
                );
            }
        }
        assert_eq!(digits_or_non_ascii("a1 b22 ½€".as_bytes()), 5);
    }

    #[test]
    fn repetitions_need_their_body_once() {
        assert_eq!(set(r"(?:wow){2,}"), ["wowwow"]);
        assert_eq!(set(r"\s(?:zz)+\s"), ["zz"]);
        assert!(necessary(r"(?:zz)*", false).is_none());
    }
}

/// The fewest characters outside ASCII a match of the pattern holds (0
/// when unsure): a post with fewer need not run it. Most patterns need
/// none; one of emoji (say) needs at least one, a run of six emoji six, and
/// only posts with that many non-ASCII characters run it.
pub fn fewest_non_ascii(pattern: &str, case_sensitive: bool) -> u32 {
    fewest_counted(pattern, case_sensitive, |_| false)
}

/// The fewest characters a match of the pattern holds that are ASCII
/// digits or outside ASCII, the characters [`digits_or_non_ascii`]
/// counts (0 when unsure): a post with fewer cannot match it. A card
/// number of 13 to 19 digits needs 13, a phone number 10; most patterns
/// need none. Counting the characters outside ASCII as well keeps this
/// true of Unicode digits (`\d` matches those too) at the cost of one
/// more comparison a byte.
pub fn fewest_digits(pattern: &str, case_sensitive: bool) -> u32 {
    fewest_counted(pattern, case_sensitive, |b| b.is_ascii_digit())
}

/// The fewest characters a match of the pattern holds that are outside
/// ASCII or ASCII ones `ascii` counts (0 when unsure). Characters outside
/// ASCII are counted by their first byte (from 0xC0), as a post's are.
fn fewest_counted(pattern: &str, case_sensitive: bool, ascii: fn(u8) -> bool) -> u32 {
    fn counted(b: u8, ascii: fn(u8) -> bool) -> bool {
        b >= 0xC0 || (b.is_ascii() && ascii(b))
    }
    fn fewest(h: &Hir, ascii: fn(u8) -> bool) -> u32 {
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => 0,
            HirKind::Literal(l) => l.0.iter().filter(|&&b| counted(b, ascii)).count() as u32,
            // A class counts when every character of it does: its ASCII
            // part, if it has one, is all counted.
            HirKind::Class(Class::Unicode(c)) => u32::from(c.ranges().iter().all(|r| {
                let (start, end) = (u32::from(r.start()), u32::from(r.end()).min(0x7F));
                (start..=end).all(|b| ascii(b as u8))
            })),
            HirKind::Class(Class::Bytes(c)) => u32::from(
                c.ranges()
                    .iter()
                    .all(|r| (r.start()..=r.end()).all(|b| counted(b, ascii))),
            ),
            HirKind::Repetition(r) => r.min.saturating_mul(fewest(&r.sub, ascii)),
            HirKind::Capture(c) => fewest(&c.sub, ascii),
            HirKind::Concat(hs) => hs
                .iter()
                .map(|h| fewest(h, ascii))
                .fold(0, u32::saturating_add),
            HirKind::Alternation(hs) => hs.iter().map(|h| fewest(h, ascii)).min().unwrap_or(0),
        }
    }
    super::parse_pattern(pattern, case_sensitive).map_or(0, |h| fewest(&h, ascii))
}

/// How many characters of `text` are ASCII digits or outside ASCII (each
/// of those starts with a byte from 0xC0): what [`fewest_digits`] counts.
pub fn digits_or_non_ascii(text: &[u8]) -> u32 {
    text.iter()
        .map(|&b| u32::from(b.is_ascii_digit() | (b >= 0xC0)))
        .sum()
}

/// The pattern with its unnamed groups written as non-capturing ones,
/// if that reads as the same expression: finding where matches are needs
/// no captures, and a regex without them is cheaper to build and run.
/// `None` when it has no such group, or the rewriting is not sure.
pub fn without_captures(pattern: &str, case_sensitive: bool) -> Option<String> {
    fn strip(h: &Hir) -> Hir {
        match h.kind() {
            HirKind::Capture(c) => strip(&c.sub),
            HirKind::Repetition(r) => Hir::repetition(Repetition {
                sub: Box::new(strip(&r.sub)),
                ..r.clone()
            }),
            HirKind::Concat(hs) => Hir::concat(hs.iter().map(strip).collect()),
            HirKind::Alternation(hs) => Hir::alternation(hs.iter().map(strip).collect()),
            _ => h.clone(),
        }
    }
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Depth of nested character classes; inside one, `(` is a character.
    let mut class = 0usize;
    let mut changed = false;
    while let Some(c) = chars.next() {
        out.push(c);
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '[' => {
                class += 1;
                // A `]` (after an optional `^`) first in a class is itself.
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().unwrap_or('^'));
                }
                if chars.peek() == Some(&']') {
                    out.push(chars.next().unwrap_or(']'));
                }
            }
            ']' if class > 0 => class -= 1,
            '(' if class == 0 && chars.peek() != Some(&'?') => {
                out.push_str("?:");
                changed = true;
            }
            _ => {}
        }
    }
    if !changed {
        return None;
    }
    let original = super::parse_pattern(pattern, case_sensitive)?;
    let rewritten = super::parse_pattern(&out, case_sensitive)?;
    (rewritten.properties().explicit_captures_len() == 0 && strip(&original) == strip(&rewritten))
        .then_some(out)
}

#[cfg(test)]
mod rewrite_tests {
    use super::*;

    #[test]
    fn groups_are_rewritten_only_where_they_are_groups() {
        let w = |p: &str| without_captures(p, false);
        assert_eq!(
            w(r"\b(oh|ah) (great|well)\b").as_deref(),
            Some(r"\b(?:oh|ah) (?:great|well)\b")
        );
        assert_eq!(w(r"[(]x(y)").as_deref(), Some(r"[(]x(?:y)"));
        assert_eq!(w(r"\(x(y)\)").as_deref(), Some(r"\(x(?:y)\)"));
        assert_eq!(w(r"[]()](z)").as_deref(), Some(r"[]()](?:z)"));
        assert_eq!(w(r"(?:a)b"), None);
        assert_eq!(w(r"(?P<n>a)(b)"), None);
        assert_eq!(fewest_non_ascii(r"\bcafé\b|x", false), 0);
        assert_eq!(fewest_non_ascii(r"\p{Extended_Pictographic}\s*", false), 1);
        assert_eq!(fewest_non_ascii(r"é", false), 1);
        assert_eq!(fewest_non_ascii(r"é?", false), 0);
        assert_eq!(fewest_non_ascii(r"(?i)k", false), 0);
        assert_eq!(fewest_non_ascii(r"(?:😡\s*){3,}|café—ok", false), 2);
        assert_eq!(
            fewest_non_ascii(
                r"\p{Extended_Pictographic}(\s*\p{Extended_Pictographic}){5,}",
                false
            ),
            6
        );
    }

    #[test]
    fn lowered_patterns_keep_case_where_they_must() {
        let l = |p: &str| lowered(p, false);
        let w = l(r"\b(oh great|yeah right)\b").unwrap();
        let re = regex_lite::Regex::new(&w).unwrap();
        assert!(re.is_match("so oh great then") && !re.is_match("oh greatly"));
        assert!(l(r"\b[A-Z]{2}\d").is_some());
        assert_eq!(l(r"(?-i:[A-Z])x"), None);
        assert_eq!(l(r"(?-i:a)"), None);
        assert_eq!(lowered(r"abc", true), None);
    }
}

/// For a pattern matched ignoring case: the pattern that finds the same
/// matches in ASCII text once the text is lower-cased, matched with case,
/// if it can be written (see below). regex-lite builds a class for every
/// letter of a pattern that ignores case; the lowered pattern has plain
/// letters, and is much cheaper to build.
///
/// Every class must hold the upper-case form of each ASCII letter it
/// holds and the lower-case form too, and no literal may hold a letter
/// (parts of the pattern that keep case): then a class matches a character
/// exactly when it matches its lower-case form, and dropping its
/// upper-case letters (and everything outside ASCII) changes nothing on
/// lower-cased ASCII text. Word boundaries and anchors do not see case.
pub fn lowered(pattern: &str, case_sensitive: bool) -> Option<String> {
    use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};
    fn lower(h: &Hir) -> Option<Hir> {
        Some(match h.kind() {
            HirKind::Empty | HirKind::Look(_) => h.clone(),
            HirKind::Literal(l) => {
                if l.0.iter().any(u8::is_ascii_alphabetic) || !l.0.is_ascii() {
                    return None;
                }
                h.clone()
            }
            HirKind::Class(Class::Unicode(c)) => {
                let holds = |ch: char| c.ranges().iter().any(|r| r.start() <= ch && ch <= r.end());
                let mut ascii = Vec::new();
                for b in 0u8..0x80 {
                    let ch = char::from(b);
                    if !holds(ch) {
                        continue;
                    }
                    if ch.is_ascii_alphabetic() && !holds(ch.to_ascii_uppercase()) {
                        return None;
                    }
                    if ch.is_ascii_alphabetic() && !holds(ch.to_ascii_lowercase()) {
                        return None;
                    }
                    if !ch.is_ascii_uppercase() {
                        ascii.push(ClassUnicodeRange::new(ch, ch));
                    }
                }
                if ascii.len() == 1 {
                    let mut buf = [0u8; 4];
                    let ch = ascii[0].start();
                    return Some(Hir::literal(ch.encode_utf8(&mut buf).as_bytes()));
                }
                Hir::class(Class::Unicode(ClassUnicode::new(ascii)))
            }
            HirKind::Class(Class::Bytes(_)) => return None,
            HirKind::Repetition(r) => Hir::repetition(Repetition {
                sub: Box::new(lower(&r.sub)?),
                ..r.clone()
            }),
            HirKind::Capture(c) => lower(&c.sub)?,
            HirKind::Concat(hs) => Hir::concat(hs.iter().map(lower).collect::<Option<_>>()?),
            HirKind::Alternation(hs) => {
                Hir::alternation(hs.iter().map(lower).collect::<Option<_>>()?)
            }
        })
    }
    if case_sensitive {
        return None;
    }
    let lowered = lower(&super::parse_pattern(pattern, false)?)?;
    let written = lowered.to_string();
    // It must read back as the same expression, and regex-lite must take it.
    let back = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&written)
        .ok()?;
    (back == lowered && regex_lite::Regex::new(&written).is_ok()).then_some(written)
}
