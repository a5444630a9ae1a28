//! JSON text written by hand, byte for byte what `serde_json` writes for
//! the same data (compact, keys in the order given, strings escaped the
//! same way), but straight into a byte buffer: formatting posts is on the
//! hot path of every calendar run, and going through `Serialize` costs
//! several times more than the bytes themselves. Its scan for the plain
//! part of a string ([`plain_prefix`]) also serves the JSON calendar
//! reader, which reads strings with the same rules.

/// Whether a byte must be escaped in a JSON string: `"`, `\` and the
/// control characters below space (JSON allows everything else as it is).
fn must_escape(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\')
}

/// Whether any byte of `chunk` must be escaped, looked at without
/// branches: for sixteen bytes, the compiler makes it a few vector
/// instructions.
#[inline(always)]
fn any_to_escape(chunk: &[u8]) -> bool {
    chunk.iter().fold(false, |any, &b| any | must_escape(b))
}

/// How many bytes at the start of `bytes` need no escaping (and, read the
/// other way, how much of the body of a JSON string is plain characters):
/// sixteen bytes at a time, as most text has nothing to escape, and the
/// last few bytes checked together before one is looked for.
#[inline]
pub fn plain_prefix(bytes: &[u8]) -> usize {
    let mut plain = 0;
    for chunk in bytes.chunks_exact(16) {
        if any_to_escape(chunk) {
            break;
        }
        plain += 16;
    }
    let rest = &bytes[plain..];
    if rest.len() < 16 && !any_to_escape(rest) {
        return bytes.len();
    }
    plain
        + rest
            .iter()
            .position(|&b| must_escape(b))
            .unwrap_or(rest.len())
}

/// Appends `s` as a JSON string, quotes included. Control characters use
/// the short escapes where JSON has one and `\u00XX` (lower-case hex)
/// otherwise, as `serde_json` does.
pub fn string(out: &mut Vec<u8>, s: &str) {
    let mut rest = s.as_bytes();
    out.reserve(rest.len() + 2);
    out.push(b'"');
    loop {
        let plain = plain_prefix(rest);
        out.extend_from_slice(&rest[..plain]);
        let Some(&b) = rest.get(plain) else {
            break;
        };
        escape(out, b);
        rest = &rest[plain + 1..];
    }
    out.push(b'"');
}

/// Appends `s`, a name of the program's own that needs no escaping (a
/// dimension, a severity), as a JSON string: the same as [`string`],
/// without looking for bytes to escape.
#[inline]
pub fn plain_string(out: &mut Vec<u8>, s: &'static str) {
    debug_assert_eq!(plain_prefix(s.as_bytes()), s.len(), "{s}");
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

/// Appends the escape of a byte [`must_escape`] holds.
fn escape(out: &mut Vec<u8>, b: u8) {
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0C => out.extend_from_slice(b"\\f"),
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xF)]);
        }
    }
}

/// Appends `n` in decimal. Scores, lines and columns mostly have one to
/// three digits (every full score is 100): those are written inline,
/// longer numbers by a call.
#[inline(always)]
pub fn number(out: &mut Vec<u8>, n: u64) {
    let digit = |d: u64| b'0' + (d % 10) as u8;
    if n < 10 {
        out.push(digit(n));
    } else if n < 100 {
        out.extend_from_slice(&[digit(n / 10), digit(n)]);
    } else if n < 1000 {
        out.extend_from_slice(&[digit(n / 100), digit(n / 10), digit(n)]);
    } else {
        long_number(out, n);
    }
}

fn long_number(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(crate::report::decimal(n, &mut [0; 20]));
}

/// A JSON object being written: members are appended in the order they
/// are given, separated by commas, and [`Object::close`] ends it.
pub struct Object<'a> {
    out: &'a mut Vec<u8>,
    empty: bool,
}

impl<'a> Object<'a> {
    pub fn open(out: &'a mut Vec<u8>) -> Object<'a> {
        out.push(b'{');
        Object { out, empty: true }
    }

    /// Starts a member named `key` (a name that needs no escaping) and
    /// returns the buffer to write its value into. Inlined, as are the
    /// other members' methods: the names are then copied as constants.
    #[inline]
    pub fn key(&mut self, key: &str) -> &mut Vec<u8> {
        let open: &[u8] = if self.empty { b"\"" } else { b",\"" };
        self.empty = false;
        self.out.extend_from_slice(open);
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    #[inline]
    pub fn string(&mut self, key: &str, value: &str) {
        string(self.key(key), value);
    }

    /// A string member, left out when there is no value.
    #[inline]
    pub fn optional_string(&mut self, key: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.string(key, value);
        }
    }

    pub fn close(self) {
        self.out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut every_control: String = (0u8..0x20).map(char::from).collect();
        every_control.push_str("\u{7f}\u{80}\u{2028}é😀\"\\/'");
        for s in [
            "",
            "plain",
            "say \"hi\"\\n",
            "tab\there\r\nnext",
            every_control.as_str(),
            "sixteen bytes ok\"then more than sixteen plain bytes\u{1}x",
        ] {
            let mut out = Vec::new();
            string(&mut out, s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
    }

    #[test]
    fn plain_prefix_stops_at_the_first_byte_to_escape() {
        for fill in [b'a', b' ', b'#', b'[', b']', 0x7F, 0x80, 0xE9, 0xFF] {
            for len in [1, 5, 15, 16, 17, 19, 31, 32, 40] {
                assert_eq!(plain_prefix(&vec![fill; len]), len);
                for b in 0..=255u8 {
                    for at in 0..len {
                        let mut bytes = vec![fill; len];
                        bytes[at] = b;
                        let expected = if must_escape(b) { at } else { len };
                        assert_eq!(plain_prefix(&bytes), expected, "{fill} {b} at {at}");
                    }
                }
            }
        }
        assert_eq!(plain_prefix(b""), 0);
    }

    #[test]
    fn plain_strings_are_strings() {
        for s in ["", "necessary", "kind"] {
            let (mut plain, mut general) = (Vec::new(), Vec::new());
            plain_string(&mut plain, s);
            string(&mut general, s);
            assert_eq!(plain, general);
        }
    }

    #[test]
    fn numbers_are_decimal() {
        for n in (0..2000).chain([12345, u64::MAX]) {
            let mut out = Vec::new();
            number(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
    }

    #[test]
    fn objects_separate_their_members() {
        let mut out = Vec::new();
        let mut o = Object::open(&mut out);
        o.optional_string("a", None);
        o.string("b", "1");
        o.optional_string("c", Some("x\ny"));
        o.close();
        assert_eq!(out, br#"{"b":"1","c":"x\ny"}"#);
    }
}
