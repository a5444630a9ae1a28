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
/// instructions, fewer with [`must_escape`] written as [`is_least_zero`]
/// than as three comparisons.
#[inline(always)]
fn any_to_escape(chunk: &[u8]) -> bool {
    chunk.iter().fold(false, |any, &b| any | is_least_zero(b))
}

/// [`must_escape`] as a minimum: `b` XORed with `"` or `\` is zero when it
/// is that byte, and 0x1F taken from it (stopping at zero) is zero when it
/// is below 0x20, so the least of the three is zero when it must be
/// escaped. Vector instructions have that minimum, the saturating
/// subtraction and the comparison with zero.
#[inline(always)]
fn is_least_zero(b: u8) -> bool {
    (b ^ b'"').min(b ^ b'\\').min(b.saturating_sub(0x1F)) == 0
}

/// How many bytes at the start of `bytes` need no escaping (and, read the
/// other way, how much of the body of a JSON string is plain characters).
/// Most strings have nothing to escape, so what costs is getting to their
/// end: sixteen bytes at a time, then the last sixteen bytes, overlapping
/// what was already looked at, rather than byte by byte; strings shorter
/// than that are read in words of eight or four bytes (see
/// [`short_plain_prefix`]). A chunk found to hold a byte to escape is
/// searched eight bytes at a time too.
#[inline]
pub fn plain_prefix(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 16) {
        if any_to_escape(chunk) {
            return at + short_plain_prefix(chunk);
        }
        at += 16;
    }
    let Some(last) = bytes.len().checked_sub(16) else {
        return short_plain_prefix(bytes);
    };
    let chunk = &bytes[last..];
    if any_to_escape(chunk) {
        // The bytes before `at` have nothing to escape: the first byte to
        // escape in `chunk` is at or after it.
        last + short_plain_prefix(chunk)
    } else {
        bytes.len()
    }
}

/// [`plain_prefix`] for at most sixteen bytes, without a loop: eight bytes
/// and more are read as two words, the first eight bytes and the last eight
/// (overlapping when there are fewer than sixteen); four to seven bytes as
/// one word of the first four and the last four; fewer one by one.
#[inline(always)]
fn short_plain_prefix(bytes: &[u8]) -> usize {
    let len = bytes.len();
    if len >= 8 {
        let head = escapes_in(word(bytes));
        if head != 0 {
            return first_flagged(head);
        }
        let tail = escapes_in(word(&bytes[len - 8..]));
        return if tail == 0 {
            len
        } else {
            len - 8 + first_flagged(tail)
        };
    }
    if len >= 4 {
        let quarter = |b: &[u8]| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        let both = escapes_in(quarter(bytes) | quarter(&bytes[len - 4..]) << 32);
        return match first_flagged(both) {
            8 => len,
            i if i < 4 => i,
            i => len + i - 8,
        };
    }
    bytes.iter().position(|&b| must_escape(b)).unwrap_or(len)
}

/// The first eight bytes of `bytes` as one word, the first byte lowest.
#[inline(always)]
fn word(bytes: &[u8]) -> u64 {
    let mut eight = [0; 8];
    eight.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(eight)
}

/// A word with each of its bytes set to one.
const EACH_BYTE: u64 = u64::MAX / 0xFF;

/// The bytes of `word` that [`must_escape`] holds, as the top bit of each,
/// for eight bytes at once: a byte below 0x20 borrows when 0x20 is taken
/// from it, and so does `"` or `\` when 1 is taken from it XORed with
/// itself (zero); bytes that had their top bit set already are not
/// flagged. A borrow also runs on into the bytes above, which may then be
/// flagged wrongly: the lowest flag is always right, and it is the only
/// one read (by [`first_flagged`]).
#[inline(always)]
fn escapes_in(word: u64) -> u64 {
    let borrows = word.wrapping_sub(EACH_BYTE * 0x20)
        | (word ^ (EACH_BYTE * u64::from(b'"'))).wrapping_sub(EACH_BYTE)
        | (word ^ (EACH_BYTE * u64::from(b'\\'))).wrapping_sub(EACH_BYTE);
    borrows & !word & (EACH_BYTE << 7)
}

/// The index of the lowest byte flagged in `flags` (see [`escapes_in`]),
/// or 8 when none is.
#[inline(always)]
fn first_flagged(flags: u64) -> usize {
    flags.trailing_zeros() as usize / 8
}

/// Appends `s` as a JSON string, quotes included. Control characters use
/// the short escapes where JSON has one and `\u00XX` (lower-case hex)
/// otherwise, as `serde_json` does.
pub fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    string_body(out, s);
    out.push(b'"');
}

/// Appends what [`string`] writes between the quotes, for a writer that
/// has the quotes in the constant text around the string (`,"rule":"`),
/// which saves writing them one byte at a time.
pub fn string_body(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let plain = plain_prefix(bytes);
    out.extend_from_slice(&bytes[..plain]);
    if plain < bytes.len() {
        escaped_rest(out, &bytes[plain..]);
    }
}

/// Appends `rest`, which starts with a byte to escape, escaped. Kept out
/// of [`string_body`]: most strings have nothing to escape.
#[inline(never)]
fn escaped_rest(out: &mut Vec<u8>, mut rest: &[u8]) {
    while let Some((&b, after)) = rest.split_first() {
        escape(out, b);
        let plain = plain_prefix(after);
        out.extend_from_slice(&after[..plain]);
        rest = &after[plain..];
    }
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
/// longer numbers by a call. Digits are found two at a time (see
/// [`DIGIT_PAIRS`]), a division by 100 for two digits rather than two by 10.
#[inline(always)]
pub fn number(out: &mut Vec<u8>, n: u64) {
    match n {
        0..10 => out.push(b'0' + n as u8),
        10..100 => out.extend_from_slice(&pair(n as u32)),
        100..1000 => {
            let n = n as u32;
            let [tens, ones] = pair(n);
            out.extend_from_slice(&[b'0' + (n / 100) as u8, tens, ones]);
        }
        _ => long_number(out, n),
    }
}

/// [`number`] for 1000 and more. Line numbers and indexes of large
/// calendars have four or five digits: written as fixed-size arrays, they
/// cost a few stores rather than a copy of a length known only at run time.
fn long_number(out: &mut Vec<u8>, n: u64) {
    match n {
        1000..10_000 => {
            let n = n as u32;
            let ([a, b], [c, d]) = (pair(n / 100), pair(n));
            out.extend_from_slice(&[a, b, c, d]);
        }
        10_000..100_000 => {
            let n = n as u32;
            let ([b, c], [d, e]) = (pair(n / 100), pair(n));
            out.extend_from_slice(&[b'0' + (n / 10_000) as u8, b, c, d, e]);
        }
        _ => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
    }
}

/// The last two decimal digits of `n`, as ASCII.
#[inline(always)]
fn pair(n: u32) -> [u8; 2] {
    DIGIT_PAIRS[(n % 100) as usize]
}

/// `00` to `99`: a number's digits looked up two at a time.
const DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0; 2]; 100];
    let mut n = 0;
    while n < 100 {
        pairs[n] = [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
        n += 1;
    }
    pairs
};

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

    /// What [`plain_prefix`] must give: the place of the first byte to
    /// escape, found one byte at a time.
    fn first_to_escape(bytes: &[u8]) -> usize {
        bytes
            .iter()
            .position(|&b| must_escape(b))
            .unwrap_or(bytes.len())
    }

    #[test]
    fn the_least_is_zero_for_the_bytes_to_escape() {
        for b in 0..=255 {
            assert_eq!(is_least_zero(b), must_escape(b), "{b}");
        }
    }

    #[test]
    fn plain_prefix_stops_at_the_first_byte_to_escape() {
        for fill in [b'a', b' ', b'#', b'[', b']', 0x7F, 0x80, 0xA0, 0xE9, 0xFF] {
            for len in 0..=49 {
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
    }

    /// Bytes to escape next to each other, and next to bytes just above
    /// them, where one byte's borrow runs into the next: the first is found.
    #[test]
    fn plain_prefix_finds_the_first_of_several() {
        let odd = [
            0x00, 0x1F, 0x20, 0x21, b'"', 0x23, 0x5B, b'\\', 0x5D, 0x80, 0xFF,
        ];
        for len in 2..=40 {
            for at in 0..len - 1 {
                for a in odd {
                    for b in odd {
                        let mut bytes = vec![b'a'; len];
                        bytes[at] = a;
                        bytes[at + 1] = b;
                        if let Some(third) = bytes.get_mut(at + 2) {
                            *third = 0x01;
                        }
                        let expected = first_to_escape(&bytes);
                        assert_eq!(plain_prefix(&bytes), expected, "{bytes:?}");
                    }
                }
            }
        }
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
        for n in (0..200_000).chain([999_999, 1_000_000, 12_345_678, u64::MAX]) {
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
