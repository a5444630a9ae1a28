//! The built-in patterns as DFAs for ASCII text, built when the binary is.
//!
//! A run over one short draft would otherwise compile every pattern the
//! draft reaches (with regex-lite, see `lazy_regex`), which takes longer
//! than checking the draft. On ASCII text a Unicode class matches only
//! its ASCII part and a Unicode word boundary is where an ASCII one is,
//! so build.rs reads each pattern with its classes cut to ASCII and its
//! word boundaries made ASCII ones, and compiles it into the forward and
//! reverse DFAs that `regex_automata::dfa::regex` pairs to find
//! leftmost-first matches. The binary decodes a pattern's pair in place
//! the first time a post needs it: on ASCII text it finds exactly what the
//! pattern finds. Text with other characters never reaches these DFAs.
//!
//! The table: a little-endian `u32` count of patterns, then `2 × count +
//! 1` offsets into the bytes after them, then the bytes. Pattern `n`'s
//! forward DFA lies between offsets `2n` and `2n + 1`, its reverse DFA
//! between `2n + 1` and `2n + 2`; an empty forward DFA means the pattern
//! has none (too big to be worth storing, or not compilable this way).

use regex_automata::dfa::{regex::Regex, sparse};

/// One DFA, read in place from the table.
pub type DfaBytes = sparse::DFA<&'static [u8]>;

/// A pattern's DFA pair.
pub type AsciiRegex = Regex<DfaBytes>;

/// Most bytes a pattern's pair may take; a bigger one is left out, and
/// the pattern is compiled at run time instead.
#[cfg_attr(compiled_packs, allow(dead_code))]
const MAX_PAIR_BYTES: usize = 128 << 10;

/// The table build.rs wrote.
#[cfg(compiled_packs)]
pub(super) const TABLE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/built-in-dfas.bin"));
#[cfg(not(compiled_packs))]
pub(super) const TABLE: &[u8] = &[];

/// Built-in pattern `n`'s DFA pair, when the table has one that reads.
pub fn built_in(n: u32) -> Option<AsciiRegex> {
    // The table is written little-endian.
    if cfg!(target_endian = "big") {
        return None;
    }
    let (forward, reverse) = pair(TABLE, n as usize)?;
    Some(Regex::builder().build_from_dfas(trusted(forward)?, trusted(reverse)?))
}

/// A DFA of the table, read without checking its transitions: checking
/// them costs more than compiling the pattern would. The table is part of
/// the binary, written by `write` when it was built, and a test reads
/// every DFA of it with the checks (`every_built_in_dfa_reads_checked`).
fn trusted(bytes: &'static [u8]) -> Option<DfaBytes> {
    // SAFETY: the bytes are a DFA `sparse::DFA::to_bytes_little_endian`
    // wrote (see `write`), embedded as they were written, read on a
    // little-endian target (`built_in` checks), which is what
    // `from_bytes_unchecked` asks.
    let read = unsafe { sparse::DFA::from_bytes_unchecked(bytes) };
    read.ok().map(|(dfa, _)| dfa)
}

/// The bytes of pattern `n`'s forward and reverse DFAs in `table`.
fn pair(table: &[u8], n: usize) -> Option<(&[u8], &[u8])> {
    let word = |i: usize| -> Option<usize> {
        let bytes = table.get(i * 4..i * 4 + 4)?;
        Some(u32::from_le_bytes(bytes.try_into().ok()?) as usize)
    };
    let count = word(0)?;
    if n >= count {
        return None;
    }
    let data = table.get((2 * count + 2) * 4..)?;
    let (start, middle, end) = (word(2 * n + 1)?, word(2 * n + 2)?, word(2 * n + 3)?);
    if start == middle {
        return None;
    }
    Some((data.get(start..middle)?, data.get(middle..end)?))
}

/// The table of DFA pairs for `patterns` (pattern, case sensitivity), in
/// their numbering order. build.rs runs this.
pub fn write(patterns: &[(String, bool)]) -> Vec<u8> {
    let mut offsets: Vec<u32> = vec![0];
    let mut data: Vec<u8> = Vec::new();
    for (pattern, case_sensitive) in patterns {
        if let Some((forward, reverse)) = compile(pattern, *case_sensitive)
            && forward.len() + reverse.len() <= MAX_PAIR_BYTES
        {
            data.extend_from_slice(&forward);
            offsets.push(data.len() as u32);
            data.extend_from_slice(&reverse);
        } else {
            offsets.push(data.len() as u32);
        }
        offsets.push(data.len() as u32);
    }
    let mut table = (patterns.len() as u32).to_le_bytes().to_vec();
    for offset in offsets {
        table.extend_from_slice(&offset.to_le_bytes());
    }
    table.extend_from_slice(&data);
    table
}

/// The serialized forward and reverse sparse DFAs of `pattern` read for
/// ASCII text (`ascii_only`), configured as `dfa::regex::Builder` pairs
/// them; `None` if they cannot be built.
fn compile(pattern: &str, case_sensitive: bool) -> Option<(Vec<u8>, Vec<u8>)> {
    use regex_automata::MatchKind;
    use regex_automata::dfa::{StartKind, dense};
    use regex_automata::nfa::thompson::{self, WhichCaptures};
    let hir = ascii_only(super::parse_pattern(pattern, case_sensitive)?);
    let nfa = |reverse: bool| {
        thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .reverse(reverse)
                    .which_captures(WhichCaptures::None),
            )
            .build_from_hir(&hir)
            .ok()
    };
    let limits = dense::Config::new()
        .dfa_size_limit(Some(super::compile::REGEX_SIZE_LIMIT))
        .determinize_size_limit(Some(super::compile::REGEX_SIZE_LIMIT));
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
    Some((
        forward.to_sparse().ok()?.to_bytes_little_endian(),
        reverse.to_sparse().ok()?.to_bytes_little_endian(),
    ))
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

    fn decode(table: &'static [u8], n: usize) -> Option<AsciiRegex> {
        let (forward, reverse) = pair(table, n)?;
        Some(Regex::builder().build_from_dfas(
            sparse::DFA::from_bytes(forward).ok()?.0,
            sparse::DFA::from_bytes(reverse).ok()?.0,
        ))
    }

    #[test]
    fn pairs_find_what_the_pattern_finds_on_ascii_text() {
        let patterns: Vec<(String, bool)> = [
            (r"\b(?:oh great|yeah right)\b", false),
            (r"\bcaf[eé]\b[^.!?\n]{0,4}\bopen", false),
            (r"\w+@\w+\.\w+", true),
            (r"(?m)^\s*(k|s)\w*$", false),
            (r"[$£€]\s?\d+", false),
        ]
        .iter()
        .map(|(p, c)| (p.to_string(), *c))
        .collect();
        let table: &'static [u8] = write(&patterns).leak();
        let texts = [
            "Oh GREAT, yeah right",
            "the CAFE is open. The cafe is OPEN now",
            "mail me@x.org now, or ME@Y.COM",
            "nope\nKelvin\nskip\n  sort",
            "$ 5 or $10",
            "",
        ];
        for (n, (pattern, case_sensitive)) in patterns.iter().enumerate() {
            let dfa = decode(table, n).expect("a pair for every pattern");
            let full = regex::RegexBuilder::new(pattern)
                .case_insensitive(!case_sensitive)
                .build()
                .unwrap();
            for text in texts {
                let want: Vec<_> = full.find_iter(text).map(|m| m.range()).collect();
                assert_eq!(spans(&dfa, text), want, "/{pattern}/ on {text:?}");
                assert_eq!(dfa.is_match(text), full.is_match(text));
            }
        }
        assert!(decode(table, patterns.len()).is_none());
    }

    #[cfg(compiled_packs)]
    #[test]
    fn every_built_in_dfa_reads_checked() {
        let count = u32::from_le_bytes(TABLE[..4].try_into().unwrap()) as usize;
        let mut pairs = 0;
        for n in 0..count {
            if let Some((forward, reverse)) = pair(TABLE, n) {
                sparse::DFA::from_bytes(forward).expect("forward DFA reads");
                sparse::DFA::from_bytes(reverse).expect("reverse DFA reads");
                pairs += 1;
            }
        }
        assert!(pairs > 40, "only {pairs} of {count} patterns have DFAs");
    }

    #[test]
    fn a_pattern_without_a_pair_reads_as_none() {
        // Over `MAX_PAIR_BYTES`: the DFAs count the 20 characters for every
        // place a match may have started.
        let big = r"\bcaf[eé]\b[^.!?\n]{0,20}\bopen".to_string();
        let patterns = vec![(big, false), ("ok".to_string(), false)];
        let table: &'static [u8] = write(&patterns).leak();
        assert!(decode(table, 0).is_none());
        assert!(decode(table, 1).is_some());
        assert!(pair(&table[..3], 0).is_none());
    }
}
