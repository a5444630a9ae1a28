//! Reporters only format: one per output format behind one small trait.

mod compact;
mod github;
mod human;
mod json;
mod jsonl;
mod junit;
mod sarif;

pub use compact::Compact;
pub use github::{
    Github, escape_data as github_escape_data, escape_property as github_escape_property,
};
pub use human::Human;
pub use json::{Json, post_value};
pub use jsonl::Jsonl;
pub use junit::{Junit, escape_xml};
pub use sarif::{SCHEMA as SARIF_SCHEMA, Sarif, uri as sarif_uri};

use crate::check::{PostResult, Summary};
use crate::shared_text::SharedText;
use std::io::{self, Write};

/// Formats a run as it goes: `start`, one `post` per checked post in
/// order, then `finish`.
pub trait Reporter {
    fn start(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    fn post(&mut self, out: &mut dyn Write, result: &PostResult) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()>;

    /// What formats a post on its own, when the text of a post depends on
    /// nothing else: posts are then formatted on the threads that check
    /// them, and handed over here, in order, by [`Reporter::rendered`].
    fn renderer(&self) -> Option<Box<dyn Render>> {
        None
    }

    /// Whether the format prints each finding's line of context
    /// ([`crate::check::Finding::context`]); when not, posts are checked
    /// without it.
    fn shows_context(&self) -> bool {
        false
    }

    /// Writes the text `renderer()` made of the next post (what `post`
    /// would have written).
    fn rendered(&mut self, out: &mut dyn Write, text: &[u8]) -> io::Result<()> {
        out.write_all(text)
    }
}

/// Formats one post, on any thread.
pub trait Render: Send + Sync {
    fn render(&self, out: &mut Vec<u8>, result: &PostResult) -> io::Result<()>;
}

/// Appends `n` in decimal: numbers are printed for every post and
/// finding, and this costs a fraction of going through `fmt`.
pub(crate) fn push_decimal(out: &mut String, n: usize) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Appends `x` with two decimals, exactly as `format!("{x:.2}")` writes
/// it (the exact binary value rounded half to even), without the
/// formatting machinery: every learned finding prints several such
/// numbers. NaN, infinities and huge values go through `fmt`.
pub(crate) fn push_hundredths(out: &mut String, x: f64) {
    if !x.is_finite() || x.abs() >= 1e15 {
        use std::fmt::Write;
        // Writing to a string cannot fail.
        let _ = write!(out, "{x:.2}");
        return;
    }
    let hundredths = round_hundredths(x.abs());
    if x.is_sign_negative() {
        out.push('-');
    }
    push_decimal(out, (hundredths / 100) as usize);
    let cents = (hundredths % 100) as u8;
    out.push('.');
    out.push(char::from(b'0' + cents / 10));
    out.push(char::from(b'0' + cents % 10));
}

/// `x * 100` rounded half to even, worked out on the exact value of `x`
/// (finite, not negative, below 1e15) in integers: `x * 100.0` in floating
/// point would round first and could land on the wrong side of a half.
fn round_hundredths(x: f64) -> u64 {
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    // x = mantissa * 2^power.
    let (mantissa, power) = match exponent {
        0 => (fraction, -1074),
        _ => (fraction | 1 << 52, exponent - 1075),
    };
    let scaled = u128::from(mantissa) * 100;
    if power >= 0 {
        return (scaled << power) as u64;
    }
    let shift = power.unsigned_abs();
    if shift >= 128 {
        // Below 2^-68: nowhere near half a hundredth.
        return 0;
    }
    let whole = scaled >> shift;
    let rest = scaled - (whole << shift);
    let half = 1u128 << (shift - 1);
    let up = rest > half || (rest == half && whole % 2 == 1);
    (whole + u128::from(up)) as u64
}

/// Makes text safe to print to a terminal: control characters (including
/// ESC, so no ANSI sequence gets through), bidirectional overrides and the
/// Unicode line and paragraph separators become visible escapes, so the
/// text stays on its line.
pub fn escape_terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_terminal_into(&mut out, s);
    out
}

/// Appends a finding's place, `path:line:column`, the path escaped for a
/// terminal as the compiler-style formats print it.
pub(crate) fn push_place(out: &mut String, source: &SharedText, line: usize, column: usize) {
    push_terminal_text(out, source);
    out.push(':');
    push_decimal(out, line);
    out.push(':');
    push_decimal(out, column);
}

/// Appends shared text (a rule's message, a post's source) escaped as
/// [`escape_terminal`] does, without looking through it when it is known
/// to need no escape, as it almost always is.
pub(crate) fn push_terminal_text(out: &mut String, s: &SharedText) {
    if s.is_terminal_plain() {
        out.push_str(s);
    } else {
        escape_terminal_into(out, s);
    }
}

/// Appends `s` to `out`, escaped as [`escape_terminal`] does.
pub fn escape_terminal_into(out: &mut String, s: &str) {
    if !needs_escape(s) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '\t' => out.push(' '),
            c if must_escape(c) => {
                use std::fmt::Write;
                let _ = write!(out, "{}", c.escape_unicode());
            }
            c => out.push(c),
        }
    }
}

fn must_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// Whether [`escape_terminal`] would change `s`: a byte below space,
/// DEL, a C1 control (U+0080 to U+009F, `C2 80` to `C2 9F`), or a line or
/// paragraph separator or bidirectional control (U+2028 to U+202E and
/// U+2066 to U+2069, all `E2 80 xx` and `E2 81 xx`).
pub fn needs_escape(s: &str) -> bool {
    let bytes = s.as_bytes();
    // Sixteen bytes at a time, without branches within a block of a fixed
    // length (the compiler makes vector compares of it): most blocks hold
    // none of the bytes that can start such a character. A block that
    // does (curly quotes and dashes start with `E2` too) is looked at a
    // character at a time.
    let suspect = |b: u8| (b < 0x20) | (b == 0x7F) | (b == 0xC2) | (b == 0xE2);
    let (blocks, tail) = bytes.as_chunks::<16>();
    let holds_suspect = |block: &[u8; 16]| block.iter().fold(false, |any, &b| any | suspect(b));
    let escapes_within = |from: usize, len: usize| (from..from + len).any(|i| escapes_at(bytes, i));
    // The last bytes are looked at as a block too, padded with spaces:
    // a post read from a file ends with a line break there.
    let mut last = [b' '; 16];
    last[..tail.len()].copy_from_slice(tail);
    blocks
        .iter()
        .enumerate()
        .filter(|(_, block)| holds_suspect(block))
        .any(|(n, _)| escapes_within(n * 16, 16))
        || (holds_suspect(&last) && escapes_within(blocks.len() * 16, tail.len()))
}

/// Whether the character starting at byte `i` of UTF-8 `bytes` (or the
/// continuation byte there) is one [`escape_terminal`] changes.
fn escapes_at(bytes: &[u8], i: usize) -> bool {
    let next = |n: usize| bytes.get(i + n).copied().unwrap_or(0);
    match bytes[i] {
        0..=0x1F | 0x7F => true,
        0xC2 => matches!(next(1), 0x80..=0x9F),
        0xE2 => matches!(
            (next(1), next(2)),
            (0x80, 0xA8..=0xAE) | (0x81, 0xA6..=0xA9)
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hundredths_are_what_display_prints() {
        let mut xs = vec![
            0.0,
            -0.0,
            0.125,
            0.375,
            2.5,
            0.005,
            0.015,
            0.995,
            9.995,
            99.995,
            -0.001,
            -1.125,
            1e-300,
            5e-324,
            123456.785,
            999999999999999.9,
            1e15,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        // Ties and near-ties in every range, and a spread of plain values.
        for n in 0..5000u32 {
            let tie = f64::from(2 * n + 1) / 8.0;
            xs.extend([tie, -tie, f64::from(n) * 0.001, f64::from(n).sqrt() * 1.7]);
            xs.extend([f64::from(n) / 1000.0 + 0.0005, 1.0 / f64::from(n + 1)]);
        }
        for x in xs {
            let mut out = String::new();
            super::push_hundredths(&mut out, x);
            assert_eq!(out, format!("{x:.2}"), "{x:e}");
        }
    }

    #[test]
    fn shared_text_is_escaped_as_any_text() {
        for s in [
            "plain",
            "tab\there",
            "\u{1b}[2J",
            "a\u{2028}b",
            "“curly” — dash",
            "é\u{85}",
        ] {
            let (mut shared, mut general) = (String::new(), String::new());
            super::push_terminal_text(&mut shared, &super::SharedText::new(s));
            super::escape_terminal_into(&mut general, s);
            assert_eq!(shared, general, "{s:?}");
        }
    }

    #[test]
    fn escapes_ansi_and_controls() {
        assert_eq!(
            super::escape_terminal("a\u{1b}[31mb\u{7}"),
            "a\\u{1b}[31mb\\u{7}"
        );
    }

    #[test]
    fn the_block_check_finds_every_escaped_character_wherever_it_lies() {
        let candidates = (0..0x300u32)
            .chain(0x2000..0x2100)
            .chain([0xFEFF, 0x1F600])
            .filter_map(char::from_u32);
        for c in candidates {
            let escaped = c == '\t' || super::must_escape(c);
            // Before, across and after a 16-byte block boundary, and in a
            // block of its own among blocks of curly quotes.
            for before in [0, 5, 13, 14, 15, 16, 17, 31, 40] {
                for filler in ["a", "’"] {
                    let mut s = filler.repeat(before);
                    s.push(c);
                    s.push_str(&filler.repeat(7));
                    assert_eq!(super::needs_escape(&s), escaped, "{s:?}");
                }
            }
        }
    }

    #[test]
    fn the_fast_check_agrees_with_the_escape() {
        let chars = [
            'a', ' ', '\t', '\n', '\u{1b}', '\u{7f}', '\u{80}', '\u{9f}', '\u{a0}', 'é', '’', '—',
            '\u{2028}', '\u{2029}', '\u{202a}', '\u{202e}', '\u{202f}', '\u{2066}', '\u{2069}',
            '\u{206a}', '😀', '\u{85}',
        ];
        for a in chars {
            for b in chars {
                let s: String = [a, 'x', b].into_iter().collect();
                let slow: String = s
                    .chars()
                    .map(|c| match c {
                        '\t' => " ".to_string(),
                        c if super::must_escape(c) => c.escape_unicode().to_string(),
                        c => c.to_string(),
                    })
                    .collect();
                assert_eq!(super::escape_terminal(&s), slow, "{s:?}");
                assert_eq!(super::needs_escape(&s), slow != s, "{s:?}");
            }
        }
    }
}
