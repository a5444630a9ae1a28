//! The built-in patterns as DFAs for ASCII text (and some for any text),
//! built when the binary is.
//!
//! A run over one short draft would otherwise compile every pattern the
//! draft reaches (with regex-lite, see `lazy_regex`), which takes longer
//! than checking the draft. build.rs compiles each pattern into the
//! forward and reverse DFAs that `regex_automata::dfa::regex` pairs to find
//! leftmost-first matches, and the binary decodes a pattern's pair in
//! place the first time a post needs it.
//!
//! A pattern without Unicode word assertions has DFAs of itself, which
//! follow it on any text, where they are small enough (`Reach::All`).
//! Other DFAs are of the pattern as it reads on text whose word characters
//! are all ASCII (`ascii_word_text`): ASCII text, and text whose other
//! characters are emoji, typographic quotes and dashes and the like, which
//! social posts are full of. Where that form has assertions a DFA cannot
//! follow (`\B` and the like stay Unicode ones), or makes DFAs too big,
//! they are of the pattern as it reads on ASCII text alone: classes cut to
//! their ASCII part, every word assertion made an ASCII one. `Reach` says
//! which; other text never reaches these DFAs.
//!
//! The table: a little-endian `u32` count of patterns, then `2 × count +
//! 1` `u32` offsets into the bytes after the reaches, then one `Reach`
//! byte per pattern, then the bytes. Pattern `n`'s forward DFA lies
//! between offsets `2n` and `2n + 1`, its reverse DFA between `2n + 1` and
//! `2n + 2`; an empty forward DFA means the pattern has none (too big to
//! be worth storing, or not compilable this way).

use regex_automata::dfa::{dense, regex::Regex, sparse};

/// A pattern's DFA pair, read in place from the table: dense where that
/// is small enough (a table lookup per byte, as fast as a warm lazy DFA),
/// else sparse (smaller, but each step searches the state's transitions:
/// a post costs about as many instructions as some twenty lookups in a
/// warm lazy DFA, see `engine::ascii_words`).
#[derive(Clone, Debug)]
pub enum AsciiRegex {
    Dense(Regex<dense::DFA<&'static [u32]>>),
    Sparse(Regex<sparse::DFA<&'static [u8]>>),
}

/// The matches of an `AsciiRegex`, left to right.
pub enum Matches<'r, 'h> {
    Dense(regex_automata::dfa::regex::FindMatches<'r, 'h, dense::DFA<&'static [u32]>>),
    Sparse(regex_automata::dfa::regex::FindMatches<'r, 'h, sparse::DFA<&'static [u8]>>),
}

impl AsciiRegex {
    pub fn is_match(&self, haystack: &str) -> bool {
        match self {
            AsciiRegex::Dense(r) => r.is_match(haystack),
            AsciiRegex::Sparse(r) => r.is_match(haystack),
        }
    }

    pub fn find_iter<'r, 'h>(&'r self, haystack: &'h str) -> Matches<'r, 'h> {
        match self {
            AsciiRegex::Dense(r) => Matches::Dense(r.find_iter(haystack)),
            AsciiRegex::Sparse(r) => Matches::Sparse(r.find_iter(haystack)),
        }
    }

    /// Whether these are dense DFAs.
    pub fn is_dense(&self) -> bool {
        matches!(self, AsciiRegex::Dense(_))
    }
}

impl Iterator for Matches<'_, '_> {
    type Item = regex_automata::Match;

    #[inline]
    fn next(&mut self) -> Option<regex_automata::Match> {
        match self {
            Matches::Dense(m) => m.next(),
            Matches::Sparse(m) => m.next(),
        }
    }
}

/// A DFA as build.rs builds it.
pub(super) type OwnedDfa = dense::DFA<Vec<u32>>;

/// Most bytes a pattern's sparse pair may take; a bigger one is left out,
/// and the pattern is compiled at run time instead.
#[cfg_attr(compiled_packs, allow(dead_code))]
const MAX_SPARSE_PAIR_BYTES: usize = 128 << 10;

/// Most bytes a pattern's dense pair may take. Most patterns' pairs are
/// under this; the few bigger ones, which have long counted repetitions
/// or many alternatives after a gap, take megabytes. A pattern left out
/// is compiled at run time, at a cost of one to two million instructions
/// and its lazy DFA's warm-up (see `engine::ascii_words`): its pair, a
/// megabyte of the binary, is only read where posts lead its search.
#[cfg_attr(compiled_packs, allow(dead_code))]
const MAX_DENSE_PAIR_BYTES: usize = 1536 << 10;

/// A dense DFA's transitions are `u32`s read in place, so the table is
/// kept 4-byte aligned (and each DFA in it starts at a multiple of 4).
#[repr(C, align(4))]
pub(super) struct Aligned<T: ?Sized>(pub(super) T);

/// The table build.rs wrote.
#[cfg(compiled_packs)]
static ALIGNED: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(
    env!("OUT_DIR"),
    "/built-in-dfas.bin"
)));
#[cfg(not(compiled_packs))]
static ALIGNED: &Aligned<[u8]> = &Aligned([]);
pub(super) static TABLE: &[u8] = &ALIGNED.0;

/// The text a pattern's DFAs find exactly what the pattern finds in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// ASCII text.
    Ascii,
    /// ASCII text, and text whose non-ASCII characters are none of them
    /// word characters (`ascii_word_text::qualifies`).
    AsciiWords,
    /// Any text: DFAs of the pattern itself, which has no Unicode word
    /// assertion.
    All,
}

impl Reach {
    /// Whether the DFAs find what the pattern finds in `text`.
    pub fn covers(self, text: &str) -> bool {
        self == Reach::All
            || text.is_ascii()
            || (self == Reach::AsciiWords && super::qualifies(text))
    }
}

/// How a pattern's pair is stored: one byte per pattern in the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Form {
    reach: Reach,
    dense: bool,
}

impl Form {
    fn byte(self) -> u8 {
        let reach = match self.reach {
            Reach::Ascii => 1,
            Reach::AsciiWords => 2,
            Reach::All => 3,
        };
        reach | if self.dense { 4 } else { 0 }
    }

    fn of_byte(byte: u8) -> Option<Form> {
        let reach = match byte & 3 {
            1 => Reach::Ascii,
            2 => Reach::AsciiWords,
            3 => Reach::All,
            _ => return None,
        };
        Some(Form {
            reach,
            dense: byte & 4 != 0,
        })
    }
}

/// Built-in pattern `n`'s DFA pair and its reach, when the table has a
/// pair that reads.
pub fn built_in(n: u32) -> Option<(AsciiRegex, Reach)> {
    // The table is written little-endian.
    if cfg!(target_endian = "big") {
        return None;
    }
    let (forward, reverse, form) = pair(TABLE, n as usize)?;
    let dfas = if form.dense {
        AsciiRegex::Dense(
            Regex::builder().build_from_dfas(trusted_dense(forward)?, trusted_dense(reverse)?),
        )
    } else {
        AsciiRegex::Sparse(
            Regex::builder().build_from_dfas(trusted_sparse(forward)?, trusted_sparse(reverse)?),
        )
    };
    Some((dfas, form.reach))
}

// A DFA of the table is read without checking its transitions: checking
// them costs more than compiling the pattern would. The table is part of
// the binary, written by `write` when it was built, and a test reads
// every DFA of it with the checks (`every_built_in_dfa_reads_checked`;
// `every_built_in_screen_reads_checked` for `screen_dfa`'s table).

pub(super) fn trusted_sparse(bytes: &'static [u8]) -> Option<sparse::DFA<&'static [u8]>> {
    // SAFETY: the bytes are a DFA `sparse::DFA::to_bytes_little_endian`
    // wrote (see `write` and `screen_dfa::write`), embedded as they were
    // written, read on a little-endian target (the callers check), which
    // is what `from_bytes_unchecked` asks.
    let read = unsafe { sparse::DFA::from_bytes_unchecked(bytes) };
    read.ok().map(|(dfa, _)| dfa)
}

pub(super) fn trusted_dense(bytes: &'static [u8]) -> Option<dense::DFA<&'static [u32]>> {
    // SAFETY: as for `trusted_sparse`, with `dense::DFA::to_bytes_little_endian`;
    // the table keeps each dense DFA 4-byte aligned (`Aligned`, `write`),
    // and `from_bytes_unchecked` checks that.
    let read = unsafe { dense::DFA::from_bytes_unchecked(bytes) };
    read.ok().map(|(dfa, _)| dfa)
}

/// The bytes of pattern `n`'s forward and reverse DFAs in `table`, and
/// how they are stored.
fn pair(table: &[u8], n: usize) -> Option<(&[u8], &[u8], Form)> {
    let word = |i: usize| table_word(table, i);
    let count = word(0)?;
    if n >= count {
        return None;
    }
    let forms = (2 * count + 2) * 4;
    let form = Form::of_byte(*table.get(forms + n)?)?;
    let data = table.get(forms + count.next_multiple_of(4)..)?;
    let (start, middle, end) = (word(2 * n + 1)?, word(2 * n + 2)?, word(2 * n + 3)?);
    if start == middle {
        return None;
    }
    Some((data.get(start..middle)?, data.get(middle..end)?, form))
}

/// Little-endian `u32` number `i` of a table build.rs wrote, if the table
/// is that long.
pub(super) fn table_word(table: &[u8], i: usize) -> Option<usize> {
    let bytes = table.get(i * 4..i * 4 + 4)?;
    Some(u32::from_le_bytes(bytes.try_into().ok()?) as usize)
}

/// The table of DFA pairs for `patterns` (pattern, case sensitivity), in
/// their numbering order. build.rs runs this.
pub fn write(patterns: &[(String, bool)]) -> Vec<u8> {
    let limits = Limits {
        dense: MAX_DENSE_PAIR_BYTES,
        sparse: MAX_SPARSE_PAIR_BYTES,
    };
    write_within(patterns, limits)
}

/// Most bytes a pattern's pair may take, dense and sparse.
#[derive(Clone, Copy)]
struct Limits {
    dense: usize,
    sparse: usize,
}

fn write_within(patterns: &[(String, bool)], limits: Limits) -> Vec<u8> {
    let mut offsets: Vec<u32> = vec![0];
    let mut forms: Vec<u8> = Vec::new();
    let mut data: Vec<u8> = Vec::new();
    // Each DFA starts at a multiple of 4 (see `Aligned`).
    let align = |data: &mut Vec<u8>| data.resize(data.len().next_multiple_of(4), 0);
    let pairs = super::map_on_every_core(patterns, |(pattern, case_sensitive)| {
        pair_of(pattern, *case_sensitive, limits)
    });
    for pair in pairs {
        match pair {
            Some(Stored {
                forward,
                reverse,
                form,
            }) => {
                data.extend_from_slice(&forward);
                align(&mut data);
                offsets.push(data.len() as u32);
                data.extend_from_slice(&reverse);
                align(&mut data);
                forms.push(form.byte());
            }
            None => {
                offsets.push(data.len() as u32);
                forms.push(
                    Form {
                        reach: Reach::Ascii,
                        dense: false,
                    }
                    .byte(),
                );
            }
        }
        offsets.push(data.len() as u32);
    }
    align(&mut forms);
    table_of(patterns.len(), &offsets, &forms, &data)
}

/// A table as build.rs writes them: a little-endian `u32` count of
/// patterns, `offsets` as little-endian `u32`s, then `middle` and `data`.
pub(super) fn table_of(count: usize, offsets: &[u32], middle: &[u8], data: &[u8]) -> Vec<u8> {
    let mut table = (count as u32).to_le_bytes().to_vec();
    for offset in offsets {
        table.extend_from_slice(&offset.to_le_bytes());
    }
    table.extend_from_slice(middle);
    table.extend_from_slice(data);
    table
}

/// A pattern's serialized DFA pair, as `write` stores it.
struct Stored {
    forward: Vec<u8>,
    reverse: Vec<u8>,
    form: Form,
}

/// `pattern`'s DFA pair, in the first form that can be built and fits its
/// limit, of
/// (the widest reach first, dense before sparse):
/// - the pattern itself, dense, when it has no Unicode word assertion;
/// - the pattern as it reads on text whose word characters are all ASCII,
///   dense;
/// - the pattern as it reads on ASCII text, dense;
/// - the same two, sparse.
///
/// `None` if none can.
fn pair_of(pattern: &str, case_sensitive: bool, limits: Limits) -> Option<Stored> {
    let hir = super::parse_pattern(pattern, case_sensitive)?;
    let itself = (!hir.properties().look_set().contains_word_unicode())
        .then(|| compile(&hir))
        .flatten();
    // Built only if the forms before them will not do.
    let words = std::cell::OnceCell::new();
    let ascii = std::cell::OnceCell::new();
    let forms = [
        (Reach::All, true),
        (Reach::AsciiWords, true),
        (Reach::Ascii, true),
        (Reach::AsciiWords, false),
        (Reach::Ascii, false),
    ];
    forms
        .into_iter()
        .map(|(reach, dense)| Form { reach, dense })
        .find_map(|form| {
            let (forward, reverse) = match form.reach {
                Reach::All => itself.as_ref(),
                Reach::AsciiWords => words
                    .get_or_init(|| compile(&super::for_ascii_word_text(hir.clone(), &mut false)))
                    .as_ref(),
                Reach::Ascii => ascii
                    .get_or_init(|| compile(&ascii_only(hir.clone())))
                    .as_ref(),
            }?;
            let (forward, reverse, limit) = if form.dense {
                (dense_bytes(forward), dense_bytes(reverse), limits.dense)
            } else {
                let bytes = |dfa: &OwnedDfa| Some(dfa.to_sparse().ok()?.to_bytes_little_endian());
                (bytes(forward)?, bytes(reverse)?, limits.sparse)
            };
            (forward.len() + reverse.len() <= limit).then_some(Stored {
                forward,
                reverse,
                form,
            })
        })
}

/// A dense DFA's bytes, without the padding `to_bytes_little_endian` puts
/// before them to align them in its own buffer (`write` aligns them in
/// the table).
pub(super) fn dense_bytes(dfa: &OwnedDfa) -> Vec<u8> {
    let (bytes, padding) = dfa.to_bytes_little_endian();
    bytes[padding..].to_vec()
}

/// The forward and reverse dense DFAs of `hir`, configured as
/// `dfa::regex::Builder` pairs them; `None` if they cannot be built (a
/// Unicode word assertion, or over the size limits).
fn compile(hir: &regex_syntax::hir::Hir) -> Option<(OwnedDfa, OwnedDfa)> {
    use regex_automata::MatchKind;
    use regex_automata::dfa::StartKind;
    use regex_automata::nfa::thompson::{self, WhichCaptures};
    let nfa = |reverse: bool| {
        thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .reverse(reverse)
                    .which_captures(WhichCaptures::None),
            )
            .build_from_hir(hir)
            .ok()
    };
    let limits = build_config();
    let forward = dense::Builder::new()
        .configure(limits.clone().match_kind(MatchKind::LeftmostFirst))
        .build_from_nfa(&nfa(false)?)
        .ok()?;
    let reverse = dense::Builder::new()
        .configure(
            limits
                .prefilter(None)
                .specialize_start_states(false)
                .start_kind(StartKind::Anchored)
                .match_kind(MatchKind::All),
        )
        .build_from_nfa(&nfa(true)?)
        .ok()?;
    Some((forward, reverse))
}

/// The settings of every dense DFA build.rs writes: the size limits of a
/// pattern compiled at run time, and minimized (states no search can tell
/// apart merged). Minimizing makes the tables about a fifth smaller, so a
/// search touches fewer pages, and more patterns fit under the limits;
/// it makes the build some seconds slower.
pub(super) fn build_config() -> dense::Config {
    dense::Config::new()
        .dfa_size_limit(Some(super::compile::REGEX_SIZE_LIMIT))
        .determinize_size_limit(Some(super::compile::REGEX_SIZE_LIMIT))
        .minimize(true)
}

/// `hir` as it reads on ASCII text: classes keep their ASCII members, and
/// word boundaries and word starts and ends become their ASCII forms (on
/// ASCII text both forms agree). Literals outside ASCII, which ASCII text
/// never matches, are kept: they only add dead ends.
fn ascii_only(hir: regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{
        Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look,
    };
    super::map_leaves(hir, &mut |leaf| match leaf {
        HirKind::Class(Class::Unicode(mut class)) => {
            class.intersect(&ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7f')]));
            Hir::class(Class::Unicode(class))
        }
        HirKind::Class(Class::Bytes(mut class)) => {
            class.intersect(&ClassBytes::new([ClassBytesRange::new(0, 0x7f)]));
            Hir::class(Class::Bytes(class))
        }
        HirKind::Look(look) => Hir::look(match look {
            Look::WordUnicode => Look::WordAscii,
            Look::WordUnicodeNegate => Look::WordAsciiNegate,
            Look::WordStartUnicode => Look::WordStartAscii,
            Look::WordEndUnicode => Look::WordEndAscii,
            Look::WordStartHalfUnicode => Look::WordStartHalfAscii,
            Look::WordEndHalfUnicode => Look::WordEndHalfAscii,
            other => other,
        }),
        other => unreachable!("map_leaves passes classes and assertions only: {other:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(r: &AsciiRegex, text: &str) -> Vec<std::ops::Range<usize>> {
        r.find_iter(text).map(|m| m.range()).collect()
    }

    /// `table` at a 4-byte aligned address, as the binary keeps it.
    fn aligned(table: Vec<u8>) -> &'static [u8] {
        let mut buffer = vec![0u8; table.len() + 3];
        let at = buffer.as_ptr().align_offset(4);
        buffer[at..at + table.len()].copy_from_slice(&table);
        &buffer.leak()[at..at + table.len()]
    }

    /// Pattern `n`'s pair in `table`, read with every check.
    fn decode(table: &'static [u8], n: usize) -> Option<(AsciiRegex, Form)> {
        let (forward, reverse, form) = pair(table, n)?;
        let dfas = if form.dense {
            AsciiRegex::Dense(Regex::builder().build_from_dfas(
                dense::DFA::from_bytes(forward).ok()?.0,
                dense::DFA::from_bytes(reverse).ok()?.0,
            ))
        } else {
            AsciiRegex::Sparse(Regex::builder().build_from_dfas(
                sparse::DFA::from_bytes(forward).ok()?.0,
                sparse::DFA::from_bytes(reverse).ok()?.0,
            ))
        };
        Some((dfas, form))
    }

    #[test]
    fn pairs_find_what_the_pattern_finds_on_the_text_they_reach() {
        use Reach::{All, Ascii, AsciiWords};
        // Each pattern, and the reach of its dense pair, then of its
        // sparse one: a pattern without Unicode word assertions has a
        // dense pair of itself where one fits, never a sparse one.
        let patterns = [
            (
                r"\b(?:oh great|yeah right)\b",
                false,
                AsciiWords,
                AsciiWords,
            ),
            (
                r"\bcaf[eé]\b[^.!?\n]{0,4}\bopen",
                false,
                AsciiWords,
                AsciiWords,
            ),
            // Unicode `\w` three times makes its own pair too big.
            (r"\w+@\w+\.\w+", true, AsciiWords, AsciiWords),
            (r"(?m)^\s*(k|s)\w*$", false, All, AsciiWords),
            (r"[$£€]\s?\d+", false, All, AsciiWords),
            (r"\bdon[\x27’]t\b\W+", false, AsciiWords, AsciiWords),
            // `\B` stays a Unicode assertion, which a DFA cannot follow.
            (r"(?i)\Bly\b", false, Ascii, Ascii),
        ];
        let written: Vec<(String, bool)> = patterns
            .iter()
            .map(|(p, c, _, _)| (p.to_string(), *c))
            .collect();
        let texts = [
            "Oh GREAT, yeah right",
            "oh great 🙄 “yeah right” — sure",
            "the CAFE is open. The cafe is OPEN now",
            "the café 😍 is open",
            "mail me@x.org now, or ME@Y.COM",
            "nope\nKelvin\nskip\n  sort",
            "$ 5 or $10, £3 and €4",
            "I don’t… don't—really",
            "honestly, truly😂 only",
            "naïvely, truly",
            "",
        ];
        // As built, and with no room for dense pairs.
        let sparse_only = Limits {
            dense: 0,
            sparse: MAX_SPARSE_PAIR_BYTES,
        };
        for (table, dense) in [
            (write(&written), true),
            (write_within(&written, sparse_only), false),
        ] {
            let table = aligned(table);
            for (n, (pattern, case_sensitive, dense_reach, sparse_reach)) in
                patterns.iter().enumerate()
            {
                let reach = if dense { dense_reach } else { sparse_reach };
                let (dfa, form) = decode(table, n).expect("a pair for every pattern");
                assert_eq!(
                    form,
                    Form {
                        reach: *reach,
                        dense
                    },
                    "/{pattern}/"
                );
                assert_eq!(dfa.is_dense(), dense);
                let full = regex::RegexBuilder::new(pattern)
                    .case_insensitive(!case_sensitive)
                    .build()
                    .unwrap();
                for text in texts.iter().filter(|t| reach.covers(t)) {
                    let want: Vec<_> = full.find_iter(text).map(|m| m.range()).collect();
                    assert_eq!(spans(&dfa, text), want, "/{pattern}/ on {text:?}");
                    assert_eq!(dfa.is_match(text), full.is_match(text));
                }
            }
            assert!(decode(table, patterns.len()).is_none());
        }
    }

    #[test]
    fn forms_read_back_as_written() {
        for reach in [Reach::Ascii, Reach::AsciiWords, Reach::All] {
            for dense in [true, false] {
                let form = Form { reach, dense };
                assert_eq!(Form::of_byte(form.byte()), Some(form));
            }
        }
        assert_eq!(Form::of_byte(0), None);
    }

    #[test]
    fn reaches_cover_the_text_they_say() {
        assert!(Reach::Ascii.covers("plain"));
        assert!(!Reach::Ascii.covers("plain 🙂"));
        assert!(Reach::AsciiWords.covers("plain 🙂 “quoted”"));
        assert!(!Reach::AsciiWords.covers("café"));
    }

    #[cfg(compiled_packs)]
    #[test]
    fn every_built_in_dfa_reads_checked() {
        let count = u32::from_le_bytes(TABLE[..4].try_into().unwrap()) as usize;
        let (mut pairs, mut wide) = (0, 0);
        for n in 0..count {
            if pair(TABLE, n).is_some() {
                let (_, form) = decode(TABLE, n).expect("the pair reads with every check");
                pairs += 1;
                wide += usize::from(form.reach == Reach::AsciiWords);
            }
        }
        assert!(pairs > 40, "only {pairs} of {count} patterns have DFAs");
        assert!(
            wide > 30,
            "only {wide} of {pairs} pairs reach beyond ASCII text"
        );
    }

    #[test]
    fn a_pattern_without_a_pair_reads_as_none() {
        // Over the limits: the DFAs count the 20 characters for every
        // place a match may have started.
        let big = r"\bcaf[eé]\b[^.!?\n]{0,20}\bopen".to_string();
        let patterns = vec![(big, false), ("ok".to_string(), false)];
        let limits = Limits {
            dense: 16 << 10,
            sparse: 16 << 10,
        };
        let table = aligned(write_within(&patterns, limits));
        assert!(decode(table, 0).is_none());
        assert!(decode(table, 1).is_some());
        assert!(pair(&table[..3], 0).is_none());
    }
}
