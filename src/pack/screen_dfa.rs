//! The screens of the built-in patterns (`lazy_regex::Screened`) as
//! DFAs, built when the binary is.
//!
//! A screen is otherwise searched with a lazy DFA of the NFA `parsed_hir`
//! stores, which builds each state the first time a search reaches it. A
//! screen's pattern has long gaps (`[^.!?\n]*`), so its DFA has many
//! states, and a run over a few thousand posts spends more building them
//! than searching: a tenth of all the instructions of a run over 2,000
//! one-post files. build.rs builds each whole DFA once instead, minimized,
//! and the binary reads it in place.
//!
//! Each pattern has up to two screens, and each is stored in the form that
//! suits the posts searched through it (see `engine::ascii_words`):
//! - the screen posts whose word characters are all ASCII are searched
//!   through, most posts (that of the pattern's ASCII version, or the
//!   pattern's own when it has no such version), as a dense DFA: one
//!   table lookup a byte;
//! - the pattern's own screen when it has an ASCII version, which only
//!   posts with other word characters are searched through (one or two in
//!   a hundred), as a sparse DFA: a few times smaller, a few times slower
//!   a byte, and much cheaper than building a lazy DFA's states for the
//!   few posts a run has of them. Past 64 KB of such text the lazy DFA
//!   takes over (`lazy_regex::SparseScreen`).
//!
//! Screens over `MAX_SCREEN_BYTES` keep their lazy DFA. Which DFA searches
//! changes only the speed: all are of the same NFA.
//!
//! The table: a little-endian `u32` count of patterns, then `2 × count +
//! 1` `u32` offsets into the data, then `2 × count` bytes saying how each
//! screen is stored (`Kind`), padded to a multiple of 4, then the data.
//! Pattern `n`'s screen of form `Form::Screen` lies between offsets `2n`
//! and `2n + 1`, of form `Form::AsciiWordsScreen` between `2n + 1` and
//! `2n + 2`. Each DFA starts at a multiple of 4 (`ascii_dfa::Aligned`), so
//! a sparse one may end with up to 3 bytes of padding, which reading it
//! leaves alone.

use super::ascii_dfa::{
    Aligned, OwnedDfa, build_config, dense_bytes, table_word, trusted_dense, trusted_sparse,
};
use super::parsed_hir::{Form, Forms};
use regex_automata::MatchKind;
use regex_automata::dfa::{dense, sparse};

/// Most bytes a screen's DFA may take, dense or sparse. Most dense ones
/// are under 300 KB; the few bigger ones have several gaps in a row.
#[cfg_attr(compiled_packs, allow(dead_code))]
const MAX_SCREEN_BYTES: usize = 1 << 20;

/// Most bytes a screen's DFA may take before it is minimized.
#[cfg_attr(compiled_packs, allow(dead_code))]
const MAX_SCREEN_BUILD_BYTES: usize = 4 << 20;

/// The table build.rs wrote.
#[cfg(compiled_packs)]
static ALIGNED: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(
    env!("OUT_DIR"),
    "/built-in-screens.bin"
)));
#[cfg(not(compiled_packs))]
static ALIGNED: &Aligned<[u8]> = &Aligned([]);
pub(super) static TABLE: &[u8] = &ALIGNED.0;

/// How the table stores a screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Absent = 0,
    Dense = 1,
    Sparse = 2,
}

impl Kind {
    fn of_byte(byte: u8) -> Kind {
        match byte {
            1 => Kind::Dense,
            2 => Kind::Sparse,
            _ => Kind::Absent,
        }
    }
}

/// A screen's DFA, read in place from the table.
#[derive(Clone, Debug)]
pub enum Dfa {
    Dense(dense::DFA<&'static [u32]>),
    Sparse(sparse::DFA<&'static [u8]>),
}

#[cfg(test)]
impl Dfa {
    /// Whether the screen matches `text`, or gives up on it, as
    /// `lazy_regex::Screen::may_match` asks.
    pub fn may_match(&self, text: &str) -> bool {
        use regex_automata::{Input, dfa::Automaton};
        let input = Input::new(text).earliest(true);
        let found = match self {
            Dfa::Dense(dfa) => dfa.try_search_fwd(&input),
            Dfa::Sparse(dfa) => dfa.try_search_fwd(&input),
        };
        found.map_or(true, |found| found.is_some())
    }
}

/// Screen `form` (`Form::Screen` or `Form::AsciiWordsScreen`) of built-in
/// pattern `n` as a DFA, when the table holds it.
pub fn built_in(n: u32, form: Form) -> Option<Dfa> {
    // The table is written little-endian.
    if cfg!(target_endian = "big") {
        return None;
    }
    match screen_bytes(TABLE, n as usize, form)? {
        (bytes, Kind::Dense) => trusted_dense(bytes).map(Dfa::Dense),
        (bytes, Kind::Sparse) => trusted_sparse(bytes).map(Dfa::Sparse),
        (_, Kind::Absent) => None,
    }
}

/// The bytes of screen `form` of pattern `n` in `table`, and how they are
/// stored, if stored.
fn screen_bytes(table: &[u8], n: usize, form: Form) -> Option<(&[u8], Kind)> {
    let slot = match form {
        Form::Screen => 0,
        Form::AsciiWordsScreen => 1,
        Form::Parsed | Form::AsciiWords => return None,
    };
    let word = |i: usize| table_word(table, i);
    let count = word(0)?;
    if n >= count {
        return None;
    }
    let kinds_at = (2 * count + 2) * 4;
    let kind = Kind::of_byte(*table.get(kinds_at + 2 * n + slot)?);
    let data = table.get(kinds_at + (2 * count).next_multiple_of(4)..)?;
    let (start, end) = (word(2 * n + slot + 1)?, word(2 * n + slot + 2)?);
    if kind == Kind::Absent || start == end {
        return None;
    }
    Some((data.get(start..end)?, kind))
}

/// The table of the screens of the patterns (`parsed_hir::forms_of`), in
/// their numbering order. build.rs runs this.
pub fn write(patterns: &[Forms]) -> Vec<u8> {
    let stored = super::map_on_every_core(patterns, |forms| {
        [Form::Screen, Form::AsciiWordsScreen].map(|form| stored(forms, form))
    });
    let mut offsets: Vec<u32> = vec![0];
    let mut kinds: Vec<u8> = Vec::new();
    let mut data: Vec<u8> = Vec::new();
    for screen in stored.into_iter().flatten() {
        match screen {
            Some((bytes, kind)) => {
                data.extend_from_slice(&bytes);
                data.resize(data.len().next_multiple_of(4), 0);
                kinds.push(kind as u8);
            }
            None => kinds.push(Kind::Absent as u8),
        }
        offsets.push(data.len() as u32);
    }
    kinds.resize(kinds.len().next_multiple_of(4), 0);
    super::ascii_dfa::table_of(patterns.len(), &offsets, &kinds, &data)
}

/// Screen `form` of a pattern of forms `forms` as the table stores it, and
/// how; `None` when it is not stored.
fn stored(forms: &Forms, form: Form) -> Option<(Vec<u8>, Kind)> {
    let has_version = forms[Form::AsciiWords.slot()].is_some();
    // The screen most posts are searched through is dense.
    let kind = if (form == Form::AsciiWordsScreen) == has_version {
        Kind::Dense
    } else {
        Kind::Sparse
    };
    let dfa = screen_dfa(forms[form.slot()].as_ref()?)?;
    let bytes = match kind {
        Kind::Sparse => dfa.to_sparse().ok()?.to_bytes_little_endian(),
        _ => dense_bytes(&dfa),
    };
    (bytes.len() <= MAX_SCREEN_BYTES).then_some((bytes, kind))
}

/// The DFA of the screen `widened` (a `hir_leaves::widened` form), of the
/// NFA the lazy DFA would be built from (`lazy_regex::screen_nfa`) and
/// configured as that lazy DFA is (`lazy_regex::Screen`): leftmost-first,
/// giving up at a non-ASCII byte where a Unicode word assertion is left.
fn screen_dfa(widened: &regex_syntax::hir::Hir) -> Option<OwnedDfa> {
    let nfa = super::lazy_regex::screen_nfa(widened)?;
    dense::Builder::new()
        .configure(
            build_config()
                .dfa_size_limit(Some(MAX_SCREEN_BUILD_BYTES))
                .determinize_size_limit(Some(MAX_SCREEN_BUILD_BYTES))
                .match_kind(MatchKind::LeftmostFirst)
                .unicode_word_boundary(true),
        )
        .build_from_nfa(&nfa)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `table` at a 4-byte aligned address, as the binary keeps it.
    fn aligned(table: Vec<u8>) -> &'static [u8] {
        let mut buffer = vec![0u8; table.len() + 3];
        let at = buffer.as_ptr().align_offset(4);
        buffer[at..at + table.len()].copy_from_slice(&table);
        &buffer.leak()[at..at + table.len()]
    }

    /// Screen `form` of pattern `n` in `table`, read with every check.
    fn decode(table: &'static [u8], n: usize, form: Form) -> Option<Dfa> {
        let (bytes, kind) = screen_bytes(table, n, form)?;
        let (dfa, read) = match kind {
            Kind::Dense => {
                let (dfa, read) = dense::DFA::from_bytes(bytes).expect("reads with every check");
                (Dfa::Dense(dfa), read)
            }
            Kind::Sparse => {
                let (dfa, read) = sparse::DFA::from_bytes(bytes).expect("reads with every check");
                (Dfa::Sparse(dfa), read)
            }
            Kind::Absent => unreachable!("screen_bytes gives no absent screen"),
        };
        // Only the padding to the next DFA's multiple of 4 is left.
        assert!(bytes.len() - read < 4 && bytes[read..].iter().all(|&b| b == 0));
        Some(dfa)
    }

    fn matches(dfa: &Dfa, text: &str) -> bool {
        dfa.may_match(text)
    }

    #[test]
    fn stores_each_screen_in_the_form_of_the_posts_searched_through_it() {
        let patterns = [
            // A gap and a Unicode word boundary: the pattern has an ASCII
            // version, whose screen is stored dense, and its own screen,
            // for posts with other word characters, sparse.
            (r"\bopen\b[^.!?\n]{0,40}\bsunday\b".to_string(), false),
            // A gap in ASCII classes alone: no version, so the pattern's
            // own screen is stored.
            (r"call [0-9 ]{0,30} now".to_string(), true),
            // No gap: no screen.
            (r"plain words".to_string(), true),
        ];
        let table = aligned(write(&super::super::parsed_hir::forms_of(&patterns)));
        let version = decode(table, 0, Form::AsciiWordsScreen).expect("stored");
        assert!(matches!(version, Dfa::Dense(_)));
        assert!(matches(&version, "We OPEN at noon on Sunday"));
        assert!(!matches(&version, "We open at noon. Sunday we rest"));
        let unicode = decode(table, 0, Form::Screen).expect("stored");
        assert!(matches!(unicode, Dfa::Sparse(_)));
        assert!(matches(&unicode, "Café: we open at noon on Sunday"));
        // Without its word boundaries, as every screen.
        assert!(matches(&unicode, "We reopen at noon on Sundayé"));
        assert!(!matches(&unicode, "Café: we open at noon. Sunday we rest"));
        let own = decode(table, 1, Form::Screen).expect("stored");
        assert!(matches!(own, Dfa::Dense(_)));
        assert!(decode(table, 1, Form::AsciiWordsScreen).is_none());
        // The screen has the gap unbounded.
        assert!(matches(&own, &format!("call {} now", "1 ".repeat(40))));
        assert!(!matches(&own, "call me now"));
        assert!(decode(table, 2, Form::Screen).is_none());
        assert!(decode(table, 2, Form::AsciiWordsScreen).is_none());
        // Past the patterns, and the forms that are not screens.
        assert!(screen_bytes(table, 3, Form::Screen).is_none());
        assert!(screen_bytes(table, 0, Form::AsciiWords).is_none());
        assert!(screen_bytes(&[], 0, Form::Screen).is_none());
    }

    #[cfg(compiled_packs)]
    #[test]
    fn every_built_in_screen_reads_checked() {
        let count = table_word(TABLE, 0).expect("a count");
        let (mut dense, mut sparse) = (0, 0);
        for n in 0..count {
            for form in [Form::Screen, Form::AsciiWordsScreen] {
                let Some(checked) = decode(TABLE, n, form) else {
                    continue;
                };
                match (checked, built_in(n as u32, form).expect("read in place")) {
                    (Dfa::Dense(_), Dfa::Dense(_)) => dense += 1,
                    (Dfa::Sparse(_), Dfa::Sparse(_)) => sparse += 1,
                    _ => panic!("pattern {n} {form:?} read as another kind in place"),
                }
            }
        }
        // Most patterns' screens of posts with non-ASCII word characters
        // are stored, sparse.
        assert!(dense >= 10, "only {dense} dense screens stored");
        assert!(sparse >= 60, "only {sparse} sparse screens stored");
    }
}
