//! The built-in patterns parsed when the binary is built.
//!
//! Compiling a pattern at run time starts with parsing it and translating
//! it to the regex crate's `Hir`, which for the case-insensitive word lists
//! of the built-in packs costs about half a million instructions a
//! pattern, and with rewriting it for posts whose word characters are all
//! ASCII (`for_ascii_word_text`) and widening it for a screen
//! (`hir_leaves::widened`), which cost as much again. A run over a few
//! thousand files compiles dozens of patterns, so build.rs does that work
//! once: it writes each built-in pattern's forms in the compact encoding
//! below, and the binary decodes the form it needs, which only allocates
//! the nodes.
//!
//! The table: a little-endian `u32` count of patterns, then `FORMS ×
//! count + 1` `u32` offsets into the encoded forms that follow. Form `f`
//! of pattern `n` lies between offsets `FORMS × n + f` and the next; an
//! empty one is absent (see `Form`).
//!
//! A form is encoded node by node, depth first: a tag byte, then the
//! node's numbers as LEB128 varints (see `Writer`).
//!
//! The screens are stored further along: as the NFA a screen's lazy DFA
//! is built from (`lazy_regex::screen_nfa`), state by state, which the
//! binary rebuilds with the regex crate's NFA builder as it was. Compiling
//! a screen's NFA from its pattern cost a run about 0.6 M instructions a
//! screen; rebuilding it costs a few percent of that.

use super::hir_leaves::widened;
use super::lazy_regex::{SCREEN_SPAN, screen_nfa};
use regex_automata::nfa::thompson::{self, NFA, State, Transition};
use regex_automata::util::look::Look as NfaLook;
use regex_automata::util::primitives::StateID;
use regex_syntax::hir::{
    Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind,
    Look, Repetition,
};

/// The forms of a pattern the table holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// The pattern as parsed (`parse_pattern`).
    Parsed,
    /// Its screen (`widened`), as the NFA of `screen_nfa`; absent when it
    /// needs none (or its NFA is over the size limit).
    Screen,
    /// Its version for posts whose word characters are all ASCII
    /// (`for_ascii_word_text`); absent when that changes nothing.
    AsciiWords,
    /// The screen of that version, as an NFA; absent when the version is,
    /// or needs no screen.
    AsciiWordsScreen,
}

/// Forms per pattern in the table, in the order of `Form`.
const FORMS: usize = 4;

/// The forms in the order the table holds them (`Form::slot`).
const FORM_ORDER: [Form; FORMS] = [
    Form::Parsed,
    Form::Screen,
    Form::AsciiWords,
    Form::AsciiWordsScreen,
];

impl Form {
    /// Whether the form is a screen's NFA (the others are `Hir`s).
    fn is_screen(self) -> bool {
        matches!(self, Form::Screen | Form::AsciiWordsScreen)
    }

    pub(super) fn slot(self) -> usize {
        match self {
            Form::Parsed => 0,
            Form::Screen => 1,
            Form::AsciiWords => 2,
            Form::AsciiWordsScreen => 3,
        }
    }
}

/// The table build.rs wrote (read a word at a time, so not aligned).
#[cfg(compiled_packs)]
pub(super) static TABLE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/built-in-hirs.bin"));
#[cfg(not(compiled_packs))]
pub(super) static TABLE: &[u8] = &[];

/// Form `form` (not a screen) of built-in pattern `n`: `Some(None)` when
/// the pattern has no such form (a version that changes nothing), `None`
/// when the table does not hold the pattern (then the caller works the
/// form out itself).
pub fn built_in(n: u32, form: Form) -> Option<Option<Hir>> {
    read_form(TABLE, n as usize, form)
}

/// The NFA of screen `form` of built-in pattern `n`, as `built_in` gives
/// the other forms.
pub fn built_in_screen(n: u32, form: Form) -> Option<Option<NFA>> {
    read_screen(TABLE, n as usize, form)
}

/// The bytes of form `form` of pattern `n` in `table`: `Some(None)` when
/// the form is absent, `None` when the table does not hold the pattern.
fn form_bytes(table: &[u8], n: usize, form: Form) -> Option<Option<&[u8]>> {
    let word = |i: usize| super::ascii_dfa::table_word(table, i);
    let count = word(0)?;
    if n >= count {
        return None;
    }
    let slot = FORMS * n + form.slot();
    let data = table.get((FORMS * count + 2) * 4..)?;
    let (start, end) = (word(slot + 1)?, word(slot + 2)?);
    // The parsed form is always written: an empty one means the pattern
    // did not parse when the binary was built.
    if start == end {
        return (form != Form::Parsed).then_some(None);
    }
    data.get(start..end).map(Some)
}

/// Form `form` (not a screen) of pattern `n` in `table`.
fn read_form(table: &[u8], n: usize, form: Form) -> Option<Option<Hir>> {
    debug_assert!(!form.is_screen());
    read_with(table, n, form, |r| r.hir(0))
}

/// Screen `form` of pattern `n` in `table`.
fn read_screen(table: &[u8], n: usize, form: Form) -> Option<Option<NFA>> {
    debug_assert!(form.is_screen());
    read_with(table, n, form, |r| r.nfa())
}

/// Form `form` of pattern `n` in `table`, as `read` reads it; `None` also
/// when `read` fails or leaves bytes over.
fn read_with<T>(
    table: &[u8],
    n: usize,
    form: Form,
    read: impl FnOnce(&mut Reader) -> Option<T>,
) -> Option<Option<T>> {
    let Some(bytes) = form_bytes(table, n, form)? else {
        return Some(None);
    };
    let mut reader = Reader { bytes };
    let read = read(&mut reader)?;
    reader.bytes.is_empty().then_some(Some(read))
}

/// The forms of each of `patterns` (pattern, case sensitivity), what
/// `write` and `screen_dfa::write` write.
pub type Forms = [Option<Hir>; FORMS];

/// The forms of `patterns` (pattern, case sensitivity), in their order.
pub fn forms_of(patterns: &[(String, bool)]) -> Vec<Forms> {
    patterns.iter().map(|(p, case)| forms(p, *case)).collect()
}

/// The table of the forms of the patterns (`forms_of`), in their
/// numbering order. build.rs runs this.
pub fn write(patterns: &[Forms]) -> Vec<u8> {
    let mut offsets: Vec<u32> = vec![0];
    let mut data = Vec::new();
    for forms in patterns {
        for (form, hir) in FORM_ORDER.into_iter().zip(forms) {
            match hir {
                Some(hir) if form.is_screen() => {
                    if let Some(nfa) = screen_nfa(hir) {
                        encode_nfa(&nfa, &mut data);
                    }
                }
                Some(hir) => encode(hir, &mut data),
                None => {}
            }
            offsets.push(data.len() as u32);
        }
    }
    super::ascii_dfa::table_of(patterns.len(), &offsets, &[], &data)
}

/// A pattern's forms, in the order of `Form` (`None`: absent).
pub(super) fn forms(pattern: &str, case_sensitive: bool) -> Forms {
    // Parsed as a run parses it, limits and all.
    let Some(parsed) = super::lazy_regex::parse(pattern, case_sensitive) else {
        return [None, None, None, None];
    };
    let screen = widened(&parsed, SCREEN_SPAN);
    let version = super::ascii_word_version(parsed.clone());
    let version_screen = version.as_ref().and_then(|v| widened(v, SCREEN_SPAN));
    [Some(parsed), screen, version, version_screen]
}

/// The tags of the encoding's nodes.
mod tag {
    pub const EMPTY: u8 = 0;
    pub const LITERAL: u8 = 1;
    pub const UNICODE_CLASS: u8 = 2;
    pub const BYTE_CLASS: u8 = 3;
    pub const LOOK: u8 = 4;
    pub const REPETITION: u8 = 5;
    pub const CAPTURE: u8 = 6;
    pub const CONCAT: u8 = 7;
    pub const ALTERNATION: u8 = 8;
}

/// Appends `hir` encoded to `out`.
fn encode(hir: &Hir, out: &mut Vec<u8>) {
    let mut w = Writer { out };
    w.hir(hir);
}

struct Writer<'a> {
    out: &'a mut Vec<u8>,
}

/// The tags of the states of a screen's NFA.
mod state {
    pub const BYTE_RANGE: u8 = 0;
    pub const SPARSE: u8 = 1;
    pub const LOOK: u8 = 2;
    pub const UNION: u8 = 3;
    pub const BINARY_UNION: u8 = 4;
    pub const FAIL: u8 = 5;
    pub const MATCH: u8 = 6;
}

/// Appends `nfa` encoded to `out`: its number of states, its anchored,
/// unanchored and pattern start states, whether it is in UTF-8 mode, then
/// each state (a tag, then its numbers). Appends nothing for an NFA of
/// more than one pattern or with states a screen does not have (capture
/// groups, dense transitions): such a screen is compiled at run time.
fn encode_nfa(nfa: &NFA, out: &mut Vec<u8>) {
    if nfa.pattern_len() != 1 || nfa.is_reverse() {
        return;
    }
    let mut encoded = Vec::new();
    let mut w = Writer { out: &mut encoded };
    w.number(nfa.states().len() as u32);
    for id in [
        nfa.start_anchored(),
        nfa.start_unanchored(),
        nfa.start_pattern(regex_automata::PatternID::ZERO)
            .unwrap_or(StateID::ZERO),
    ] {
        w.number(id.as_u32());
    }
    w.out.push(u8::from(nfa.is_utf8()));
    for s in nfa.states() {
        let stored = match s {
            State::ByteRange { trans } => {
                w.out.push(state::BYTE_RANGE);
                w.transition(trans);
                true
            }
            State::Sparse(sparse) => {
                w.out.push(state::SPARSE);
                w.number(sparse.transitions.len() as u32);
                sparse.transitions.iter().for_each(|t| w.transition(t));
                true
            }
            State::Look { look, next } => {
                w.out.push(state::LOOK);
                w.number(look.as_repr());
                w.number(next.as_u32());
                true
            }
            State::Union { alternates } => {
                w.out.push(state::UNION);
                w.number(alternates.len() as u32);
                alternates.iter().for_each(|a| w.number(a.as_u32()));
                true
            }
            State::BinaryUnion { alt1, alt2 } => {
                w.out.push(state::BINARY_UNION);
                w.number(alt1.as_u32());
                w.number(alt2.as_u32());
                true
            }
            State::Fail => {
                w.out.push(state::FAIL);
                true
            }
            State::Match { pattern_id } => {
                w.out.push(state::MATCH);
                pattern_id.as_usize() == 0
            }
            State::Dense(_) | State::Capture { .. } => false,
        };
        if !stored {
            return;
        }
    }
    out.extend_from_slice(&encoded);
}

impl Writer<'_> {
    fn transition(&mut self, t: &Transition) {
        self.out.extend_from_slice(&[t.start, t.end]);
        self.number(t.next.as_u32());
    }

    fn number(&mut self, mut n: u32) {
        while n >= 0x80 {
            self.out.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.out.push(n as u8);
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.number(bytes.len() as u32);
        self.out.extend_from_slice(bytes);
    }

    fn hir(&mut self, hir: &Hir) {
        match hir.kind() {
            HirKind::Empty => self.out.push(tag::EMPTY),
            HirKind::Literal(literal) => {
                self.out.push(tag::LITERAL);
                self.bytes(&literal.0);
            }
            HirKind::Class(Class::Unicode(class)) => {
                self.out.push(tag::UNICODE_CLASS);
                self.number(class.ranges().len() as u32);
                for r in class.ranges() {
                    self.number(u32::from(r.start()));
                    self.number(u32::from(r.end()) - u32::from(r.start()));
                }
            }
            HirKind::Class(Class::Bytes(class)) => {
                self.out.push(tag::BYTE_CLASS);
                self.number(class.ranges().len() as u32);
                for r in class.ranges() {
                    self.out.extend_from_slice(&[r.start(), r.end()]);
                }
            }
            HirKind::Look(look) => {
                self.out.push(tag::LOOK);
                self.number(look.as_repr());
            }
            HirKind::Repetition(r) => {
                self.out.push(tag::REPETITION);
                self.number(r.min);
                // 0 for no maximum, else the maximum plus one.
                self.number(r.max.map_or(0, |max| max + 1));
                self.out.push(u8::from(r.greedy));
                self.hir(&r.sub);
            }
            HirKind::Capture(c) => {
                self.out.push(tag::CAPTURE);
                self.number(c.index);
                match &c.name {
                    Some(name) => {
                        self.out.push(1);
                        self.bytes(name.as_bytes());
                    }
                    None => self.out.push(0),
                }
                self.hir(&c.sub);
            }
            HirKind::Concat(subs) | HirKind::Alternation(subs) => {
                let concat = matches!(hir.kind(), HirKind::Concat(_));
                self.out.push(if concat {
                    tag::CONCAT
                } else {
                    tag::ALTERNATION
                });
                self.number(subs.len() as u32);
                for sub in subs {
                    self.hir(sub);
                }
            }
        }
    }
}

/// Reads what `Writer` wrote; `None` at anything else.
struct Reader<'a> {
    bytes: &'a [u8],
}

/// Deepest nesting a form may have: the parser's own default limit, so a
/// damaged table cannot exhaust the stack.
const MAX_DEPTH: u32 = 250;

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(b)
    }

    fn number(&mut self) -> Option<u32> {
        let mut n: u32 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            n |= u32::from(b & 0x7F).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn bytes(&mut self) -> Option<&[u8]> {
        let len = self.number()? as usize;
        if len > self.bytes.len() {
            return None;
        }
        let (taken, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Some(taken)
    }

    /// A count of things each at least one byte long: no more than the
    /// bytes left, so a damaged count cannot ask for a huge allocation.
    fn count(&mut self) -> Option<usize> {
        let n = self.number()? as usize;
        (n <= self.bytes.len()).then_some(n)
    }

    /// A state of the NFA being read, one of its `states`.
    fn state_id(&mut self, states: usize) -> Option<StateID> {
        let id = self.number()? as usize;
        if id >= states {
            return None;
        }
        StateID::new(id).ok()
    }

    fn transition(&mut self, states: usize) -> Option<Transition> {
        let (start, end) = (self.byte()?, self.byte()?);
        let next = self.state_id(states)?;
        (start <= end).then_some(Transition { start, end, next })
    }

    /// The NFA `encode_nfa` wrote, rebuilt state by state: each state is
    /// added as it was, so it keeps its number (the builder renumbers only
    /// the empty states and one-way unions, which an encoded NFA lacks).
    fn nfa(&mut self) -> Option<NFA> {
        let states = self.count()?;
        let anchored = self.state_id(states)?;
        let unanchored = self.state_id(states)?;
        let pattern = self.state_id(states)?;
        let mut b = thompson::Builder::new();
        b.set_utf8(self.byte()? != 0);
        b.start_pattern().ok()?;
        for _ in 0..states {
            let id = match self.byte()? {
                state::BYTE_RANGE => b.add_range(self.transition(states)?),
                state::SPARSE => {
                    let n = self.count()?;
                    if n < 2 {
                        return None;
                    }
                    let transitions = (0..n)
                        .map(|_| self.transition(states))
                        .collect::<Option<Vec<_>>>()?;
                    b.add_sparse(transitions)
                }
                state::LOOK => {
                    let look = NfaLook::from_repr(self.number()?)?;
                    let next = self.state_id(states)?;
                    b.add_look(next, look)
                }
                state::UNION => {
                    let n = self.count()?;
                    if n < 3 {
                        return None;
                    }
                    let alternates = (0..n)
                        .map(|_| self.state_id(states))
                        .collect::<Option<Vec<_>>>()?;
                    b.add_union(alternates)
                }
                state::BINARY_UNION => {
                    let alternates = vec![self.state_id(states)?, self.state_id(states)?];
                    b.add_union(alternates)
                }
                state::FAIL => b.add_fail(),
                state::MATCH => b.add_match(),
                _ => return None,
            };
            id.ok()?;
        }
        b.finish_pattern(pattern).ok()?;
        b.build(anchored, unanchored).ok()
    }

    fn hir(&mut self, depth: u32) -> Option<Hir> {
        if depth > MAX_DEPTH {
            return None;
        }
        let deeper = depth + 1;
        Some(match self.byte()? {
            tag::EMPTY => Hir::empty(),
            tag::LITERAL => Hir::literal(self.bytes()?),
            tag::UNICODE_CLASS => {
                let n = self.count()?;
                let mut ranges = Vec::with_capacity(n);
                for _ in 0..n {
                    let start = self.number()?;
                    let end = start.checked_add(self.number()?)?;
                    ranges.push(ClassUnicodeRange::new(
                        char::from_u32(start)?,
                        char::from_u32(end)?,
                    ));
                }
                Hir::class(Class::Unicode(ClassUnicode::new(ranges)))
            }
            tag::BYTE_CLASS => {
                let n = self.count()?;
                let mut ranges = Vec::with_capacity(n);
                for _ in 0..n {
                    ranges.push(ClassBytesRange::new(self.byte()?, self.byte()?));
                }
                Hir::class(Class::Bytes(ClassBytes::new(ranges)))
            }
            tag::LOOK => Hir::look(Look::from_repr(self.number()?)?),
            tag::REPETITION => {
                let min = self.number()?;
                let max = match self.number()? {
                    0 => None,
                    n => Some(n - 1),
                };
                let greedy = self.byte()? != 0;
                Hir::repetition(Repetition {
                    min,
                    max,
                    greedy,
                    sub: Box::new(self.hir(deeper)?),
                })
            }
            tag::CAPTURE => {
                let index = self.number()?;
                let name = match self.byte()? {
                    0 => None,
                    _ => Some(std::str::from_utf8(self.bytes()?).ok()?.into()),
                };
                Hir::capture(Capture {
                    index,
                    name,
                    sub: Box::new(self.hir(deeper)?),
                })
            }
            tag @ (tag::CONCAT | tag::ALTERNATION) => {
                let n = self.count()?;
                let mut subs = Vec::with_capacity(n);
                for _ in 0..n {
                    subs.push(self.hir(deeper)?);
                }
                if tag == tag::CONCAT {
                    Hir::concat(subs)
                } else {
                    Hir::alternation(subs)
                }
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(hir: &Hir) -> Option<Hir> {
        let mut bytes = Vec::new();
        encode(hir, &mut bytes);
        let mut r = Reader { bytes: &bytes };
        let back = r.hir(0)?;
        r.bytes.is_empty().then_some(back)
    }

    fn nfa_round_trip(nfa: &NFA) -> Option<NFA> {
        let mut bytes = Vec::new();
        encode_nfa(nfa, &mut bytes);
        let mut r = Reader { bytes: &bytes };
        let back = r.nfa()?;
        r.bytes.is_empty().then_some(back)
    }

    /// Whether two NFAs have the same states, starts and settings (their
    /// `Debug` forms show those and the byte classes).
    fn same_nfa(a: &NFA, b: &NFA) -> bool {
        a.states() == b.states()
            && (a.start_anchored(), a.start_unanchored())
                == (b.start_anchored(), b.start_unanchored())
            && a.is_utf8() == b.is_utf8()
            && format!("{a:?}") == format!("{b:?}")
    }

    fn screen_of(pattern: &str, case_sensitive: bool) -> NFA {
        let hir = crate::pack::parse_pattern(pattern, case_sensitive).unwrap();
        screen_nfa(&widened(&hir, SCREEN_SPAN).unwrap_or(hir)).unwrap()
    }

    #[test]
    fn screens_read_back_as_they_were_compiled() {
        let patterns = [
            (r"(?i)\bcaf[eé]\b[^.!?\n]{0,40}\b(open|closed)\b", false),
            (r"(?m)^\s*(k|s)\w*$", true),
            (r"(?-u:\b)\d{1,3}\s+(out|in)\s+of\b", true),
            (
                r"\p{Extended_Pictographic}\x{FE0F}?(\x{200D}\p{Extended_Pictographic})*",
                true,
            ),
            (r"(one|two|three|four)+|x{2,90}", false),
            (r"", true),
        ];
        for (pattern, case_sensitive) in patterns {
            let nfa = screen_of(pattern, case_sensitive);
            let back = nfa_round_trip(&nfa).expect(pattern);
            assert!(same_nfa(&nfa, &back), "/{pattern}/:\n{nfa:?}\n{back:?}");
        }
    }

    #[test]
    fn nfas_a_screen_cannot_have_are_not_stored_and_damaged_ones_read_as_none() {
        // Capture groups.
        let hir = crate::pack::parse_pattern(r"(a)b", true).unwrap();
        let nfa = thompson::Compiler::new().build_from_hir(&hir).unwrap();
        let mut bytes = Vec::new();
        encode_nfa(&nfa, &mut bytes);
        assert!(bytes.is_empty());
        // Cut short, or with a state that is not there.
        let nfa = screen_of(r"(?i)\b(one|two){2,5}\b", false);
        let mut bytes = Vec::new();
        encode_nfa(&nfa, &mut bytes);
        for cut in 0..bytes.len() {
            let mut r = Reader {
                bytes: &bytes[..cut],
            };
            assert!(r.nfa().is_none(), "cut at {cut}");
        }
        let states = nfa.states().len() as u8;
        for bad in [
            &[2u8, 0, 0, 0, 1, 6, 9][..],
            &[2, 0, 0, 0, 1, 0, b'a', b'z', 2, 6],
            &[2, 0, 0, 0, 1, 0, b'z', b'a', 1, 6],
            &[2, 0, 0, 0, 1, 3, 1, 0, 6],
            &[1, 0, 0, states, 1, 6],
        ] {
            assert!(Reader { bytes: bad }.nfa().is_none(), "{bad:?}");
        }
        // A well-formed one of two states reads.
        let two = [2u8, 1, 1, 1, 1, 0, b'a', b'z', 0, 6];
        let nfa = Reader { bytes: &two }.nfa().unwrap();
        assert_eq!(nfa.states().len(), 2);
    }

    #[test]
    fn patterns_read_back_as_they_were_parsed() {
        let patterns = [
            (r"(?i)\bcaf[eé]\b[^.!?\n]{0,40}\b(open|closed)\b", false),
            (r"(?m)^\s*(?P<who>k|s)\w*$", true),
            (r"(?-u:\w)[\x00-\x7F]+?|a{3,}|b{2}|\B\d+\b{start}", true),
            (
                r"\p{Extended_Pictographic}\x{FE0F}?(\x{200D}\p{Extended_Pictographic})*",
                true,
            ),
            (r"", true),
            (r"x|", true),
        ];
        for (pattern, case_sensitive) in patterns {
            let hir = crate::pack::parse_pattern(pattern, case_sensitive).unwrap();
            assert_eq!(round_trip(&hir).as_ref(), Some(&hir), "/{pattern}/");
        }
        // Byte classes, which patterns over text do not parse to.
        let bytes = Hir::concat(vec![
            Hir::class(Class::Bytes(ClassBytes::new([
                ClassBytesRange::new(0x80, 0xBF),
                ClassBytesRange::new(b'a', b'a'),
            ]))),
            Hir::literal(*b"x"),
        ]);
        assert_eq!(round_trip(&bytes).as_ref(), Some(&bytes));
    }

    #[test]
    fn a_table_holds_each_form_or_says_it_is_absent() {
        let patterns = vec![
            // A Unicode word boundary: a screen, and a version with its own.
            (r"\bcaf[eé]\b[^.!?\n]{0,40}open".to_string(), false),
            // Nothing for a version to change, nor a screen to widen.
            ("[a-z]+!".to_string(), true),
            // Does not parse.
            ("(".to_string(), true),
        ];
        let table = write(&forms_of(&patterns));
        let parsed = |p: &str, c| crate::pack::parse_pattern(p, c).unwrap();
        let first = parsed(&patterns[0].0, false);
        assert_eq!(
            read_form(&table, 0, Form::Parsed),
            Some(Some(first.clone()))
        );
        let screen = screen_nfa(&widened(&first, SCREEN_SPAN).unwrap()).unwrap();
        let read = read_screen(&table, 0, Form::Screen).unwrap().unwrap();
        assert!(same_nfa(&read, &screen));
        let version = crate::pack::for_ascii_word_text(first, &mut false);
        let version_screen = screen_nfa(&widened(&version, SCREEN_SPAN).unwrap()).unwrap();
        assert_eq!(read_form(&table, 0, Form::AsciiWords), Some(Some(version)));
        let read = read_screen(&table, 0, Form::AsciiWordsScreen)
            .unwrap()
            .unwrap();
        assert!(same_nfa(&read, &version_screen));
        assert_eq!(
            read_form(&table, 1, Form::Parsed),
            Some(Some(parsed("[a-z]+!", true)))
        );
        assert_eq!(read_form(&table, 1, Form::AsciiWords), Some(None));
        for form in [Form::Screen, Form::AsciiWordsScreen] {
            assert!(matches!(read_screen(&table, 1, form), Some(None)));
        }
        // A pattern that did not parse, or past the table, is not held.
        assert_eq!(read_form(&table, 2, Form::Parsed), None);
        assert_eq!(read_form(&table, 3, Form::Parsed), None);
        assert_eq!(read_form(&table[..3], 0, Form::Parsed), None);
    }

    #[test]
    fn damaged_encodings_read_as_none() {
        let hir = crate::pack::parse_pattern(r"(?i)\b(one|two){2,5}\b", false).unwrap();
        let mut bytes = Vec::new();
        encode(&hir, &mut bytes);
        for cut in 0..bytes.len() {
            let mut r = Reader {
                bytes: &bytes[..cut],
            };
            assert!(r.hir(0).is_none(), "cut at {cut}");
        }
        // Unknown tags, characters out of range and deep nesting.
        for bad in [
            &[9u8][..],
            &[2, 1, 0xFF, 0xFF, 0x7F, 0],
            &[7, 1].repeat(300),
        ] {
            assert!(Reader { bytes: bad }.hir(0).is_none(), "{bad:?}");
        }
    }

    #[cfg(compiled_packs)]
    #[test]
    fn every_built_in_pattern_reads_as_it_parses() {
        let (regexes, _) = crate::pack::built_in_patterns_and_examples();
        let mut read = 0;
        for r in &regexes {
            let n = r.built_in().expect("a built-in number");
            let [parsed, screen, version, version_screen] = forms(r.as_str(), r.case_sensitive());
            assert_eq!(built_in(n, Form::Parsed), Some(parsed), "/{}/", r.as_str());
            assert_eq!(built_in(n, Form::AsciiWords), Some(version));
            for (form, hir) in [
                (Form::Screen, screen),
                (Form::AsciiWordsScreen, version_screen),
            ] {
                let stored = built_in_screen(n, form).expect("held");
                match (stored, hir.and_then(|h| screen_nfa(&h))) {
                    (Some(stored), Some(compiled)) => {
                        assert!(same_nfa(&stored, &compiled), "/{}/ {form:?}", r.as_str());
                    }
                    (None, None) => {}
                    (stored, _) => panic!("/{}/ {form:?}: stored {}", r.as_str(), stored.is_some()),
                }
            }
            read += 1;
        }
        assert!(read > 100, "{read}");
    }
}
