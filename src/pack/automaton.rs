//! The prefilter of the built-in patterns, built when the binary is: one
//! deterministic automaton over their literals (`LazyRegex::literals`),
//! written by build.rs and searched in place, so start-up builds nothing.
//!
//! Some literals are searched ignoring ASCII case (they are lower case),
//! the others as written; one automaton reads the text once for both. It
//! is the subset construction of the two literal tries (with a loop on
//! the root): a state is the set of trie nodes whose strings end where
//! the text read so far ends, so it knows every literal that ends there.
//! Bytes no literal tells apart share a class, and each state has a row
//! of next states, one per class: reading a byte is one table read.
//!
//! Layout (little-endian `u32`s): `MAGIC`, the number of patterns, the
//! patterns with no usable literal (count, then their numbers), those with
//! none whose matches hold characters outside ASCII (count, then each
//! number followed by the fewest such characters), those with a second
//! set of literals (`SECOND_SET`; count, then their numbers); the length
//! of the longest literal; the numbers of classes, states and output
//! words; the bytes of a row's entry (2, or 4 past `NARROW_STATES`
//! states); the class of each byte (one byte each, 64 words); where each
//! state's outputs start; the states' rows, padded to a word; the
//! outputs. A row holds, per class, the next state's number, with the top
//! bit of the entry set when literals end in that state; a row has room
//! for a power of two of classes, so that a state's row is found by a
//! shift. The outputs are lists of pattern numbers, each ended by `END`.
//! The start state is number 0.
//!
//! The rows are megabytes, and reading a byte waits for an entry of one:
//! entries are as small as the number of states allows, and the classes
//! are numbered by how often their bytes come up in English posts (the
//! space and the common letters first), so that the entries a post mostly
//! reads, those of the common bytes, share a cache line or two of each
//! row.

use std::collections::{BTreeSet, HashMap};

const MAGIC: u32 = u32::from_le_bytes(*b"TLP6");

/// Automata with up to this many states have rows of 2-byte entries; more
/// need 4 bytes an entry.
const NARROW_STATES: usize = 1 << 15;

/// Ends a state's list of outputs.
const END: u32 = u32::MAX;

/// Bytes each half of a text holds at least beyond the longest literal
/// before `Automata::search` reads the text as two halves: shorter ones
/// are read in one go, going on past the first half would cost more than
/// reading side by side saves.
const MIN_HALF: usize = 16;

/// The states of the second half a search keeps to tell when the first
/// half's reading has caught up (see `Automata::read`); past them, it goes
/// on to the longest literal's length.
const KEPT_STATES: usize = 32;

/// Set in a literal's pattern number when the literal counts only on text
/// that is all ASCII (a set much rarer than the pattern's other one, which
/// then counts only on other text).
pub const ASCII_TEXT_ONLY: u32 = 1 << 31;

/// Set in a literal's pattern number when it counts only on text with
/// some character outside ASCII.
pub const OTHER_TEXT_ONLY: u32 = 1 << 30;

/// Set in a literal's pattern number when the literal is of the pattern's
/// second set: every match holds a literal of each of its two sets
/// (`literals::paired`), so a text is a candidate only with one of each.
/// Reported with the number.
pub const SECOND_SET: u32 = 1 << 29;

/// The pattern number itself, without the marks above.
const PATTERN: u32 = SECOND_SET - 1;

/// The literals as two tries, insensitive ones first: per node its
/// children, the patterns whose literals end there, and whether it
/// belongs to the insensitive trie.
struct Tries {
    children: Vec<HashMap<u8, u32>>,
    outputs: Vec<Vec<u32>>,
    folds: Vec<bool>,
}

/// The roots of the two tries.
const ROOTS: [u32; 2] = [0, 1];

impl Tries {
    fn new(insensitive: &[(Vec<u8>, u32)], sensitive: &[(Vec<u8>, u32)]) -> Tries {
        let mut t = Tries {
            children: vec![HashMap::new(), HashMap::new()],
            outputs: vec![Vec::new(), Vec::new()],
            folds: vec![true, false],
        };
        for (root, literals) in ROOTS.into_iter().zip([insensitive, sensitive]) {
            for (literal, pattern) in literals {
                let mut node = root;
                for &b in literal {
                    node = t.child_or_new(node, b);
                }
                t.outputs[node as usize].push(*pattern);
            }
        }
        t
    }

    fn child_or_new(&mut self, node: u32, b: u8) -> u32 {
        if let Some(&n) = self.children[node as usize].get(&b) {
            return n;
        }
        let n = self.children.len() as u32;
        self.children.push(HashMap::new());
        self.outputs.push(Vec::new());
        self.folds.push(self.folds[node as usize]);
        self.children[node as usize].insert(b, n);
        n
    }

    /// The byte a node's edges are labelled with for text byte `b`.
    fn label(&self, node: u32, b: u8) -> u8 {
        if self.folds[node as usize] {
            b.to_ascii_lowercase()
        } else {
            b
        }
    }

    /// Byte classes: bytes that follow exactly the same edges from every
    /// node (same label in the sensitive trie, same lower-cased label in
    /// the insensitive one) are alike to the automaton. Returns the class
    /// of each byte and a byte of each class.
    fn classes(&self) -> ([u8; 256], Vec<u8>) {
        let mut labels = [[false; 256]; 2];
        for (node, children) in self.children.iter().enumerate() {
            let trie = usize::from(!self.folds[node]);
            for &b in children.keys() {
                labels[trie][b as usize] = true;
            }
        }
        let mut class = [0u8; 256];
        let mut seen: HashMap<(Option<u8>, Option<u8>), u8> = HashMap::new();
        let mut examples = Vec::new();
        for b in 0..=255u8 {
            let lower = b.to_ascii_lowercase();
            let key = (
                labels[0][lower as usize].then_some(lower),
                labels[1][b as usize].then_some(b),
            );
            let next = seen.len() as u8;
            class[b as usize] = *seen.entry(key).or_insert_with(|| {
                examples.push(b);
                next
            });
        }
        (class, examples)
    }
}

/// A state of the automaton: the trie nodes (roots left out) whose strings
/// end where the text read so far ends.
type Nodes = Vec<u32>;

/// The automaton, built: per state its next state per class, and the
/// patterns whose literals end there.
struct Dfa {
    next: Vec<Vec<u32>>,
    outputs: Vec<Vec<u32>>,
}

impl Dfa {
    fn new(tries: &Tries, examples: &[u8]) -> Dfa {
        let mut dfa = Dfa {
            next: Vec::new(),
            outputs: Vec::new(),
        };
        let mut numbers: HashMap<Nodes, u32> = HashMap::new();
        let mut states: Vec<Nodes> = vec![Vec::new()];
        numbers.insert(Vec::new(), 0);
        let mut at = 0;
        while at < states.len() {
            let nodes = states[at].clone();
            let mut row = Vec::with_capacity(examples.len());
            for &b in examples {
                let mut next: Nodes = ROOTS
                    .iter()
                    .chain(&nodes)
                    .filter_map(|&n| tries.children[n as usize].get(&tries.label(n, b)).copied())
                    .collect();
                next.sort_unstable();
                let fresh = states.len() as u32;
                let number = *numbers.entry(next.clone()).or_insert(fresh);
                if number == fresh {
                    states.push(next);
                }
                row.push(number);
            }
            let outputs: BTreeSet<u32> = nodes
                .iter()
                .flat_map(|&n| tries.outputs[n as usize].iter().copied())
                .collect();
            dfa.next.push(row);
            dfa.outputs.push(outputs.into_iter().collect());
            at += 1;
        }
        dfa
    }

    /// Appends the numbers of classes, states and output words, the
    /// entries' width, the classes of the bytes, where each state's
    /// outputs start, the states' rows and the outputs (see the module's
    /// doc).
    fn write(&self, class: &[u8; 256], width: Width, out: &mut Vec<u32>) {
        let classes = self.next.first().map_or(0, Vec::len);
        let stride = classes.next_power_of_two();
        let mut lists: Vec<u32> = Vec::new();
        let mut list_at: HashMap<&[u32], u32> = HashMap::new();
        let mut starts = Vec::with_capacity(self.outputs.len());
        for outputs in &self.outputs {
            let start = *list_at.entry(outputs).or_insert_with(|| {
                let start = lists.len() as u32;
                lists.extend(outputs);
                lists.push(END);
                start
            });
            starts.push(start);
        }
        out.extend([
            classes as u32,
            self.next.len() as u32,
            lists.len() as u32,
            width.bytes() as u32,
        ]);
        out.extend(
            class
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        );
        out.extend(starts);
        let mut rows: Vec<u8> = Vec::with_capacity(self.next.len() * stride * width.bytes());
        for row in &self.next {
            for i in 0..stride {
                let entry = row.get(i).map_or(0, |&n| {
                    let found = !self.outputs[n as usize].is_empty();
                    n | if found { width.found() } else { 0 }
                });
                rows.extend_from_slice(&entry.to_le_bytes()[..width.bytes()]);
            }
        }
        rows.resize(rows.len().next_multiple_of(4), 0);
        out.extend(words(&rows));
        out.extend(lists);
    }
}

/// How often a byte comes up in English posts, roughly, in bytes per ten
/// thousand: a space is about one byte in six, lower-case letters most of
/// the rest (in the usual shares of English letters, in thousandths), a
/// capital one letter in ten. What the classes are numbered by.
fn weight(b: u8) -> u32 {
    const LETTERS: [u32; 26] = [
        82, 15, 28, 43, 127, 22, 20, 61, 70, 2, 8, 40, 24, 67, 75, 19, 1, 60, 63, 91, 28, 10, 24,
        2, 20, 1,
    ];
    match b {
        b' ' => 1600,
        b'a'..=b'z' => 7 * LETTERS[usize::from(b - b'a')],
        b'A'..=b'Z' => LETTERS[usize::from(b - b'A')],
        b'.' | b',' => 100,
        b'@' | b'\'' | b'!' | b'#' | b'?' | b':' | b'/' | b'-' | b'0'..=b'9' => 25,
        b'"' | b'\n' | b'&' | b';' | b'(' | b')' => 5,
        0x80.. => 4,
        _ => 1,
    }
}

/// Classes (as `Tries::classes` gives them: the class of each byte and a
/// byte of each) numbered again by the weight of their bytes, heaviest
/// first.
fn by_weight((class, examples): ([u8; 256], Vec<u8>)) -> ([u8; 256], Vec<u8>) {
    let mut weights = vec![0u32; examples.len()];
    for b in 0..=255u8 {
        weights[usize::from(class[usize::from(b)])] += weight(b);
    }
    let mut order: Vec<usize> = (0..examples.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(weights[c]));
    let mut number = vec![0u8; examples.len()];
    for (new, &old) in order.iter().enumerate() {
        number[old] = new as u8;
    }
    (
        class.map(|c| number[usize::from(c)]),
        order.iter().map(|&c| examples[c]).collect(),
    )
}

/// The width of a row's entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Width {
    Narrow,
    Wide,
}

impl Width {
    fn of(states: usize) -> Width {
        if states <= NARROW_STATES {
            Width::Narrow
        } else {
            Width::Wide
        }
    }

    fn bytes(self) -> usize {
        match self {
            Width::Narrow => 2,
            Width::Wide => 4,
        }
    }

    /// The bit of an entry set when literals end in its state.
    fn found(self) -> u32 {
        match self {
            Width::Narrow => Narrow::FOUND,
            Width::Wide => Wide::FOUND,
        }
    }
}

/// Writes the automaton: `insensitive` holds lower-case literals searched
/// ignoring ASCII case, `sensitive` literals searched as written, each with
/// the number of its pattern (below `patterns`), marked with
/// `ASCII_TEXT_ONLY` or `OTHER_TEXT_ONLY` where it counts only on that
/// kind of text, and with `SECOND_SET` where it is of the pattern's second
/// set; `lists` names the patterns with no usable literal, those with none
/// whose matches hold characters outside ASCII, and those with a second
/// set.
pub fn write(
    patterns: u32,
    insensitive: &[(Vec<u8>, u32)],
    sensitive: &[(Vec<u8>, u32)],
    lists: &Lists,
) -> Vec<u8> {
    write_with(patterns, insensitive, sensitive, lists, None)
}

/// `write`, with entries of `width` when given (else as narrow as the
/// states allow).
fn write_with(
    patterns: u32,
    insensitive: &[(Vec<u8>, u32)],
    sensitive: &[(Vec<u8>, u32)],
    lists: &Lists,
    width: Option<Width>,
) -> Vec<u8> {
    let mut words = vec![MAGIC, patterns, lists.always.len() as u32];
    words.extend(&lists.always);
    words.push(lists.non_ascii.len() as u32);
    words.extend(lists.non_ascii.iter().flat_map(|&(n, fewest)| [n, fewest]));
    words.push(lists.paired.len() as u32);
    words.extend(&lists.paired);
    words.push(lists.digits.len() as u32);
    words.extend(lists.digits.iter().flat_map(|&(n, fewest)| [n, fewest]));
    let longest = insensitive.iter().chain(sensitive).map(|(l, _)| l.len());
    words.push(longest.max().unwrap_or(0) as u32);
    let tries = Tries::new(insensitive, sensitive);
    let (class, examples) = by_weight(tries.classes());
    let dfa = Dfa::new(&tries, &examples);
    let width = width.unwrap_or(Width::of(dfa.next.len()));
    dfa.write(&class, width, &mut words);
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// The patterns `write` lists by number, each list in ascending order.
#[derive(Default)]
pub struct Lists {
    /// With no usable literal: candidates for every text.
    pub always: Vec<u32>,
    /// With no usable literal, whose matches hold characters outside
    /// ASCII: each with the fewest such characters a match holds.
    pub non_ascii: Vec<(u32, u32)>,
    /// With a second set of literals (`SECOND_SET`).
    pub paired: Vec<u32>,
    /// With literals, whose matches hold two or more ASCII digits or
    /// characters outside ASCII (`literals::fewest_digits`): each with
    /// that fewest. A text with fewer is no candidate for it, whatever
    /// literals it holds.
    pub digits: Vec<(u32, u32)>,
}

/// The automaton `write` wrote, read in place.
#[derive(Debug)]
pub struct Automata {
    bytes: &'static [u8],
    patterns: usize,
    always: &'static [u8],
    non_ascii: &'static [u8],
    paired: &'static [u8],
    digits: &'static [u8],
    /// The length of the longest literal.
    longest: usize,
    /// The class of each byte: the entry of its next state within a row.
    class: [u16; 256],
    /// A row's entries, as a power of two: a state's row starts at its
    /// number shifted by this.
    shift: u32,
    width: Width,
    /// Where each state's outputs start (in words of `outputs`).
    starts: &'static [u8],
    rows: &'static [u8],
    outputs: &'static [u8],
}

/// The little-endian `u32` at byte `at` of `bytes`; 0 past the end (the
/// start state, which has no outputs).
#[inline]
fn word_at(bytes: &[u8], at: usize) -> u32 {
    match bytes.get(at..at + 4) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]),
        _ => 0,
    }
}

/// The `u32`s of a part of the automaton.
fn words(part: &[u8]) -> impl Iterator<Item = u32> + '_ {
    part.chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
}

/// Reads the parts of an automaton one after the other.
struct Reader {
    bytes: &'static [u8],
    at: usize,
}

impl Reader {
    /// The next `n` words.
    fn part(&mut self, n: usize) -> Option<&'static [u8]> {
        let end = self.at.checked_add(n.checked_mul(4)?)?;
        let part = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(part)
    }

    /// The next word, a number.
    fn number(&mut self) -> Option<usize> {
        Some(word_at(self.part(1)?, 0) as usize)
    }
}

impl Automata {
    /// Reads the header of an automaton `write` wrote; `None` if `bytes`
    /// are not that.
    pub fn new(bytes: &'static [u8]) -> Option<Automata> {
        let mut r = Reader { bytes, at: 0 };
        if r.number()? != MAGIC as usize {
            return None;
        }
        let patterns = r.number()?;
        let always_len = r.number()?;
        let always = r.part(always_len)?;
        let non_ascii_len = r.number()?;
        let non_ascii = r.part(non_ascii_len.checked_mul(2)?)?;
        let paired_len = r.number()?;
        let paired = r.part(paired_len)?;
        let digits_len = r.number()?;
        let digits = r.part(digits_len.checked_mul(2)?)?;
        let longest = r.number()?;
        let classes = r.number()?;
        let states = r.number()?;
        let output_words = r.number()?;
        let width = match r.number()? {
            2 => Width::Narrow,
            4 => Width::Wide,
            _ => return None,
        };
        let class_bytes = r.part(64)?;
        let starts = r.part(states)?;
        let stride = classes.checked_next_power_of_two()?;
        let row_bytes = states.checked_mul(stride)?.checked_mul(width.bytes())?;
        let rows = r.part(row_bytes.div_ceil(4))?;
        let outputs = r.part(output_words)?;
        if r.at != bytes.len() || states == 0 || classes == 0 || classes > 256 {
            return None;
        }
        if width == Width::Narrow && states > NARROW_STATES {
            return None;
        }
        let mut class = [0u16; 256];
        for (c, &b) in class.iter_mut().zip(class_bytes) {
            if usize::from(b) >= classes {
                return None;
            }
            *c = u16::from(b);
        }
        // The rows are the ones build.rs wrote for this binary: they are
        // not checked one by one (that would cost what building took); a
        // read out of bounds finds the start state, never a panic.
        Some(Automata {
            bytes,
            patterns,
            always,
            non_ascii,
            paired,
            digits,
            longest,
            class,
            shift: stride.trailing_zeros(),
            width,
            starts,
            rows,
            outputs,
        })
    }

    /// The automaton's bytes.
    pub fn bytes(&self) -> &'static [u8] {
        self.bytes
    }

    /// How many patterns the automaton was built for.
    pub fn patterns(&self) -> usize {
        self.patterns
    }

    /// The patterns with no usable literal: candidates for every text.
    pub fn always(&self) -> impl Iterator<Item = u32> + '_ {
        words(self.always)
    }

    /// The patterns with no usable literal whose matches hold characters
    /// outside ASCII, each with the fewest such characters a match holds.
    pub fn non_ascii(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.non_ascii
            .chunks_exact(8)
            .map(|w| (word_at(w, 0), word_at(w, 4)))
    }

    /// The patterns whose matches hold two or more ASCII digits or
    /// characters outside ASCII, each with that fewest
    /// (`literals::fewest_digits`): no candidates for a text with fewer.
    pub fn digits(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.digits
            .chunks_exact(8)
            .map(|w| (word_at(w, 0), word_at(w, 4)))
    }

    /// The patterns with a second set of literals: candidates only when
    /// `search` reports them both with and without `SECOND_SET`.
    pub fn paired(&self) -> impl Iterator<Item = u32> + '_ {
        words(self.paired)
    }

    /// Calls `found` with the number of every pattern that has a literal in
    /// `text` (some more than once; marked with `SECOND_SET` for a literal
    /// of its second set), and those with no literal that may match it.
    pub fn search(&self, text: &[u8], mut found: impl FnMut(u32)) {
        self.always().for_each(&mut found);
        // The literals that do not count on this kind of text.
        let other = if text.is_ascii() {
            OTHER_TEXT_ONLY
        } else {
            self.report_non_ascii(text, &mut found);
            ASCII_TEXT_ONLY
        };
        match self.width {
            Width::Narrow => self.read::<Narrow>(text, other, &mut found),
            Width::Wide => self.read::<Wide>(text, other, &mut found),
        }
    }

    /// Reads `text` through the rows, of entries `E`, reporting the outputs
    /// of the states it passes through but those marked `other`.
    fn read<E: Entry>(&self, text: &[u8], other: u32, found: &mut impl FnMut(u32)) {
        // Each step waits for the entry it reads, and the rows are
        // megabytes: a text long enough is read as two halves side by side,
        // so that two entries are on their way at once. The second half is
        // read from the start state, so it misses the literals that start
        // in the first; the first half's reading goes on into the second
        // until it is in the state the second's was in at that byte (from
        // there on the two read alike), or until it has read the longest
        // literal but one byte: every literal that ends later starts in
        // the second half. A first half's reading usually catches up at the
        // end of the word it was in. Literals found by both are found
        // twice, which `found` allows.
        let reach = self.longest.saturating_sub(1);
        let split = text.len() / 2;
        // Each half holds more than `reach` bytes, as the slices below need.
        if split < reach + MIN_HALF {
            let mut state = 0;
            for &b in text {
                state = self.step::<E>(state, b, other, found);
            }
            return;
        }
        let (first, second) = text.split_at(split);
        // The second half's states after each of its first bytes, as far
        // as they are kept.
        let mut kept = [0usize; KEPT_STATES];
        let keep = reach.min(KEPT_STATES);
        let (mut a, mut b) = (0, 0);
        for ((&x, &y), k) in first.iter().zip(second).zip(&mut kept[..keep]) {
            a = self.step::<E>(a, x, other, found);
            b = self.step::<E>(b, y, other, found);
            *k = b;
        }
        for (&x, &y) in first[keep..].iter().zip(&second[keep..]) {
            a = self.step::<E>(a, x, other, found);
            b = self.step::<E>(b, y, other, found);
        }
        for (i, &x) in second[..reach].iter().enumerate() {
            a = self.step::<E>(a, x, other, found);
            if i < keep && kept[i] == a {
                break;
            }
        }
        for &y in &second[first.len()..] {
            b = self.step::<E>(b, y, other, found);
        }
    }

    /// The state after reading byte `b` in state `state`, reporting the
    /// outputs of the new state but those marked `other`.
    #[inline(always)]
    fn step<E: Entry>(
        &self,
        state: usize,
        b: u8,
        other: u32,
        found: &mut impl FnMut(u32),
    ) -> usize {
        let entry = E::at(
            self.rows,
            (state << self.shift) + usize::from(self.class[usize::from(b)]),
        );
        let next = (entry & !E::FOUND) as usize;
        if entry & E::FOUND != 0 {
            self.report(next, other, found);
        }
        next
    }

    /// Calls `found` with the patterns with no literal whose matches hold
    /// no more characters outside ASCII than `text`, which has some.
    fn report_non_ascii(&self, text: &[u8], found: &mut impl FnMut(u32)) {
        let mut held = None;
        for (pattern, fewest) in self.non_ascii() {
            // Each character outside ASCII starts with a byte from 0xC0;
            // counted only when a pattern needs more than one.
            let enough = fewest <= 1
                || fewest as usize
                    <= *held.get_or_insert_with(|| text.iter().filter(|&&b| b >= 0xC0).count());
            if enough {
                found(pattern);
            }
        }
    }

    /// Calls `found` with the outputs of state `state`, but those marked
    /// `other`.
    #[inline]
    fn report(&self, state: usize, other: u32, found: &mut impl FnMut(u32)) {
        let mut at = word_at(self.starts, 4 * state) as usize * 4;
        while let Some(&[a, b, c, d]) = self.outputs.get(at..at + 4) {
            let pattern = u32::from_le_bytes([a, b, c, d]);
            if pattern == END {
                break;
            }
            if pattern & other == 0 {
                found(pattern & (PATTERN | SECOND_SET));
            }
            at += 4;
        }
    }
}

/// An entry of a row, as `Width` says: read from the rows' bytes by its
/// place among the entries; 0 (the start state) past their end.
trait Entry {
    /// The bit set when literals end in the entry's state.
    const FOUND: u32;
    fn at(rows: &[u8], i: usize) -> u32;
}

struct Narrow;
struct Wide;

impl Entry for Narrow {
    const FOUND: u32 = 1 << 15;

    #[inline(always)]
    fn at(rows: &[u8], i: usize) -> u32 {
        match rows.get(2 * i..2 * i + 2) {
            Some(&[a, b]) => u32::from(u16::from_le_bytes([a, b])),
            _ => 0,
        }
    }
}

impl Entry for Wide {
    const FOUND: u32 = 1 << 31;

    #[inline(always)]
    fn at(rows: &[u8], i: usize) -> u32 {
        word_at(rows, 4 * i)
    }
}

/// The built-in patterns' automaton, as build.rs wrote it.
#[cfg(compiled_packs)]
pub fn built_in() -> Option<&'static Automata> {
    static BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/built-in-prefilter.bin"));
    static AUTOMATA: crate::huge_pages::BuiltIn<Automata> = crate::huge_pages::BuiltIn::new();
    AUTOMATA.get(BYTES, Automata::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(a: &Automata, text: &[u8]) -> Vec<u32> {
        let mut out = Vec::new();
        a.search(text, |p| out.push(p));
        out.sort_unstable();
        out.dedup();
        out
    }

    /// What the automaton should find in `text`, by brute force.
    fn expected(
        text: &[u8],
        insensitive: &[(Vec<u8>, u32)],
        sensitive: &[(Vec<u8>, u32)],
        always: &[u32],
        non_ascii: &[(u32, u32)],
    ) -> Vec<u32> {
        let contains = |hay: &[u8], l: &[u8]| hay.windows(l.len()).any(|w| w == l);
        let lower = text.to_ascii_lowercase();
        let mut expect: Vec<u32> = always.to_vec();
        let other = if text.is_ascii() {
            OTHER_TEXT_ONLY
        } else {
            // A character outside ASCII for each byte from 0xC0 (generated
            // bytes that are not UTF-8 hold one at least, as `search` takes
            // text that is not ASCII to hold).
            let held = text.iter().filter(|&&b| b >= 0xC0).count().max(1);
            expect.extend(
                non_ascii
                    .iter()
                    .filter(|&&(_, fewest)| fewest as usize <= held)
                    .map(|&(p, _)| p),
            );
            ASCII_TEXT_ONLY
        };
        let counts = |p: &u32| p & other == 0;
        expect.extend(
            insensitive
                .iter()
                .filter(|(l, p)| counts(p) && contains(&lower, l))
                .map(|(_, p)| p & (PATTERN | SECOND_SET)),
        );
        expect.extend(
            sensitive
                .iter()
                .filter(|(l, p)| counts(p) && contains(text, l))
                .map(|(_, p)| p & (PATTERN | SECOND_SET)),
        );
        expect.sort_unstable();
        expect.dedup();
        expect
    }

    fn lits(v: &[(&str, u32)]) -> Vec<(Vec<u8>, u32)> {
        v.iter().map(|(l, p)| (l.as_bytes().to_vec(), *p)).collect()
    }

    #[test]
    fn a_literal_of_both_sets_of_a_pattern_is_found_for_both() {
        // An alternation's branch of one part puts it in both sets of the
        // pattern's pair (`literals::pair_of_branches`).
        let insensitive = lits(&[("xylyl", 0), ("xylyl", SECOND_SET), ("zebra", 0)]);
        let sensitive = lits(&[("Quokka", SECOND_SET)]);
        let lists = Lists {
            paired: vec![0],
            ..Lists::default()
        };
        let bytes = write(1, &insensitive, &sensitive, &lists);
        let a = Automata::new(Box::leak(bytes.into_boxed_slice())).unwrap();
        assert_eq!(found(&a, b"a XYLYL here"), [0, SECOND_SET]);
        assert_eq!(found(&a, b"zebra and Quokka"), [0, SECOND_SET]);
        assert_eq!(found(&a, b"zebra alone"), [0]);
    }

    #[test]
    fn every_pattern_with_a_literal_in_the_text_is_found() {
        let insensitive = lits(&[
            ("he", 0),
            ("she", 1),
            ("his", 2),
            ("hers", 3),
            ("oh great", 4),
        ]);
        let sensitive = lits(&[("SKU-", 5), ("ers", 6), ("Hi", 9)]);
        let lists = Lists {
            always: vec![7],
            non_ascii: vec![(8, 1), (10, 3)],
            digits: vec![(5, 2), (9, 13)],
            ..Lists::default()
        };
        let bytes = write(11, &insensitive, &sensitive, &lists);
        let a = Automata::new(Box::leak(bytes.into_boxed_slice())).unwrap();
        assert_eq!(a.patterns(), 11);
        assert_eq!(a.paired().count(), 0);
        assert_eq!(a.digits().collect::<Vec<_>>(), lists.digits);
        let f = |t: &str| found(&a, t.as_bytes());
        assert_eq!(f("café"), [7, 8]);
        // Three characters outside ASCII, as pattern 10 needs.
        assert_eq!(f("😡 café —"), [7, 8, 10]);
        assert_eq!(f(""), [7]);
        assert_eq!(f("USHERS"), [0, 1, 3, 7]);
        assert_eq!(f("ushers"), [0, 1, 3, 6, 7]);
        assert_eq!(f("Oh Great, sku-12"), [4, 7]);
        assert_eq!(f("SKU-12 aHis"), [2, 5, 7, 9]);
        assert_eq!(f("oh grea"), [7]);
        let texts = [
            "hishershe",
            "shhe his",
            "ohh greatt",
            "hhhers",
            "SKU-SKU-ers",
            "HIS Hi hI",
        ];
        for text in texts {
            let expect = expected(
                text.as_bytes(),
                &insensitive,
                &sensitive,
                &[7],
                &[(8, 1), (10, 3)],
            );
            assert_eq!(f(text), expect, "{text}");
        }
        assert!(Automata::new(&[0; 12]).is_none());
        assert!(Automata::new(&[]).is_none());
    }

    #[test]
    fn generated_texts_find_what_a_naive_search_finds() {
        // Literals over a small alphabet, so that they overlap, nest and
        // share prefixes and suffixes; texts of those bytes in both cases.
        let alphabet = b"abAB.-\xc3\xa9 ";
        let mut rng = crate::test_rng::Xorshift::new(0x2545_f491_4f6c_dd1du64);
        let mut random = move |n: usize| rng.below(n);
        let literal = |random: &mut dyn FnMut(usize) -> usize| -> Vec<u8> {
            (0..1 + random(4))
                .map(|_| alphabet[random(alphabet.len())])
                .collect()
        };
        let mut insensitive = Vec::new();
        let mut sensitive = Vec::new();
        for n in 0..40u32 {
            let l = literal(&mut random);
            // Some literals count only on ASCII text, some only on other
            // text; some patterns have both kinds. Some are of their
            // pattern's second set.
            let p = match n % 6 {
                0 | 3 => n / 2,
                1 | 4 => (n / 2) | ASCII_TEXT_ONLY,
                _ => (n / 2) | OTHER_TEXT_ONLY,
            } | if n % 5 == 0 { SECOND_SET } else { 0 };
            if n % 2 == 0 {
                insensitive.push((l.to_ascii_lowercase(), p));
            } else {
                sensitive.push((l, p));
            }
        }
        let mut paired: Vec<u32> = insensitive
            .iter()
            .chain(&sensitive)
            .filter(|(_, p)| p & SECOND_SET != 0)
            .map(|(_, p)| p & PATTERN)
            .collect();
        paired.sort_unstable();
        paired.dedup();
        let lists = Lists {
            always: vec![20],
            non_ascii: vec![(21, 1), (22, 2)],
            paired,
            digits: Vec::new(),
        };
        // Both widths of entries, the wide one forced on these few states.
        let automata: Vec<Automata> = [None, Some(Width::Wide)]
            .into_iter()
            .map(|width| {
                let bytes = write_with(23, &insensitive, &sensitive, &lists, width);
                Automata::new(Box::leak(bytes.into_boxed_slice())).unwrap()
            })
            .collect();
        assert_eq!(automata[0].width, Width::Narrow);
        assert_eq!(automata[1].width, Width::Wide);
        for a in &automata {
            assert_eq!(a.paired().collect::<Vec<_>>(), lists.paired);
        }
        for _ in 0..4000 {
            // Texts up to 80 bytes: with literals of up to 4 bytes, those
            // of 35 bytes or more are read as two halves.
            let text: Vec<u8> = (0..random(80))
                .map(|_| alphabet[random(alphabet.len())])
                .collect();
            let expect = expected(&text, &insensitive, &sensitive, &[20], &lists.non_ascii);
            for a in &automata {
                assert_eq!(
                    found(a, &text),
                    expect,
                    "{:?} ({:?})",
                    String::from_utf8_lossy(&text),
                    a.width
                );
            }
        }
    }

    #[test]
    fn literals_across_the_middle_are_found_whatever_their_length() {
        // Literals longer than the states a search keeps, and short ones,
        // over an alphabet small enough that they overlap: texts long
        // enough to be read as two halves, with the literals placed across
        // their middle at every offset.
        let long = b"abababababababababababababababababababbab".to_vec();
        assert!(long.len() > KEPT_STATES + 1);
        let insensitive = vec![
            (long.clone(), 0),
            (b"bba".to_vec(), 1),
            (b"aab".to_vec(), 2),
        ];
        let sensitive = vec![(b"B.A".to_vec(), 3)];
        let bytes = write(4, &insensitive, &sensitive, &Lists::default());
        let a = Automata::new(Box::leak(bytes.into_boxed_slice())).unwrap();
        let mut rng = crate::test_rng::Xorshift::new(0x9e37_79b9_7f4a_7c15);
        let alphabet = b"abAB. ";
        for len in [2 * (long.len() + MIN_HALF), 150, 301] {
            for offset in 0..long.len() {
                let mut text: Vec<u8> = (0..len).map(|_| alphabet[rng.below(6)]).collect();
                let at = len / 2 - offset;
                text[at..at + long.len()].copy_from_slice(&long);
                let expect = expected(&text, &insensitive, &sensitive, &[], &[]);
                assert!(expect.contains(&0));
                assert_eq!(
                    found(&a, &text),
                    expect,
                    "{:?}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }

    #[test]
    fn common_bytes_get_the_first_classes() {
        // A literal of each of these bytes gives each a class of its own.
        let insensitive = lits(&[("e", 0), ("k", 1), (" ", 2), ("q", 3), (".", 4)]);
        let sensitive = lits(&[("~", 5)]);
        let bytes = write(6, &insensitive, &sensitive, &Lists::default());
        let a = Automata::new(Box::leak(bytes.into_boxed_slice())).unwrap();
        let class = |b: u8| a.class[usize::from(b)];
        // The space, then common letters, then rarer ones and symbols.
        let order = [b' ', b'e', b'.', b'k', b'q', b'~'];
        for pair in order.windows(2) {
            assert!(class(pair[0]) < class(pair[1]), "{pair:?}");
        }
        assert_eq!(class(b'E'), class(b'e'));
        // The bytes no literal holds (digits, most symbols, bytes outside
        // ASCII) share a class, which weighs what all of them do.
        assert_eq!(class(b'1'), class(0xC3));
        // Six classes of one byte and the rest: a row has room for eight.
        assert_eq!(a.shift, 3);
        assert_eq!(found(&a, b"a Quiz, 1~2 OK."), [1, 2, 3, 4, 5]);
    }
}
