//! Where the characters of a post's text are written in its source.
//!
//! A calendar cell can spell characters differently from the text they
//! stand for: JSON and YAML escapes (`\n`, `\"`, `\u00e9`), CSV's doubled
//! quotes, YAML's folded lines and stripped indentation. A position counted
//! in the decoded text would then point at the wrong column, or at a line
//! the file does not have. A [`SourceMap`] keeps, for the places where the
//! text and its spelling part ways, where the next character really is; in
//! between, the text is written as itself.

/// A text position (1-based line and column, in characters) that starts
/// a stretch written as itself, and where that stretch is in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Anchor {
    text: (usize, usize),
    source: (usize, usize),
}

/// Places positions of a text in its source. Empty for text written as
/// itself, which is most text: then a position is only shifted by where
/// the text starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    /// Sorted by text position.
    anchors: Vec<Anchor>,
}

impl SourceMap {
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// The source position of text position `at`, for a text whose first
    /// character is at `origin` in the source.
    pub fn place(&self, origin: (usize, usize), at: (usize, usize)) -> (usize, usize) {
        let i = self.anchors.partition_point(|a| a.text <= at);
        let (text, source) = match i {
            0 => ((1, 1), origin),
            _ => (self.anchors[i - 1].text, self.anchors[i - 1].source),
        };
        follow(text, source, at)
    }
}

/// Where text position `at` is in the source, when the text from `text`
/// on is written as itself starting at `source`: on the same line, as
/// many columns on; on a later line, at the same column of as many lines
/// on (the line breaks between are written as themselves).
pub fn follow(text: (usize, usize), source: (usize, usize), at: (usize, usize)) -> (usize, usize) {
    if at.0 == text.0 {
        (source.0, source.1 + at.1.saturating_sub(text.1))
    } else {
        (source.0 + at.0.saturating_sub(text.0), at.1)
    }
}

/// How a source writes a text's characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    /// A JSON string: backslash escapes, `\uXXXX` (a surrogate pair is two).
    Json,
    /// A YAML double-quoted scalar: backslash escapes (`\x..`, `\u....`,
    /// `\U........`), an escaped line break that stands for nothing, and
    /// folded lines.
    YamlDoubleQuoted,
    /// Quoted with this quote, which is doubled to stand for itself (a CSV
    /// cell, a YAML single-quoted scalar); a lone one closes the quotes.
    Doubled(char),
    /// Written as itself but for white space: YAML plain and block scalars,
    /// whose line breaks may fold into spaces and whose indentation is not
    /// part of the text.
    Folded,
}

/// The next piece of a spelled text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    /// A character written as itself.
    Same(char),
    /// One character of the text, written with this many bytes.
    Spelled(usize),
    /// Bytes that stand for no character (a closing quote, an escaped line
    /// break).
    Silent(usize),
}

/// The piece `raw` starts with (it is not empty).
fn unit(spelling: Spelling, raw: &str) -> Unit {
    let bytes = raw.as_bytes();
    match (spelling, bytes[0]) {
        (Spelling::Json, b'\\') => Unit::Spelled(json_escape_len(bytes)),
        (Spelling::YamlDoubleQuoted, b'\\') => match bytes.get(1) {
            // An escaped line break, with the next line's indentation.
            Some(b'\n') => Unit::Silent(2 + indentation(&bytes[2..])),
            Some(b'\r') if bytes.get(2) == Some(&b'\n') => {
                Unit::Silent(3 + indentation(&bytes[3..]))
            }
            Some(b'x') => Unit::Spelled(4),
            Some(b'u') => Unit::Spelled(6),
            Some(b'U') => Unit::Spelled(10),
            _ => Unit::Spelled(2),
        },
        (Spelling::Doubled(q), b) if q.is_ascii() && b == q as u8 => {
            if bytes.get(1) == Some(&b) {
                Unit::Spelled(2)
            } else {
                Unit::Silent(1)
            }
        }
        _ => Unit::Same(raw.chars().next().unwrap_or('\u{FFFD}')),
    }
}

/// How many spaces and tabs `bytes` starts with.
fn indentation(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()
}

/// The length of the JSON escape at the start of `bytes`: `\uXXXX`, twice
/// that for a surrogate pair, or two bytes.
fn json_escape_len(bytes: &[u8]) -> usize {
    if bytes.get(1) != Some(&b'u') {
        return 2;
    }
    let hex = |from: usize| {
        bytes
            .get(from..from + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u16::from_str_radix(h, 16).ok())
    };
    let high = hex(2).is_some_and(|u| (0xD800..0xDC00).contains(&u));
    let low_follows =
        bytes.get(6..8) == Some(b"\\u") && hex(8).is_some_and(|u| (0xDC00..0xE000).contains(&u));
    if high && low_follows { 12 } else { 6 }
}

/// Moves a 1-based line and column (in characters) of UTF-8 text past
/// its byte `b`.
#[inline]
pub fn advance(line: &mut usize, column: &mut usize, b: u8) {
    if b == b'\n' {
        *line += 1;
        *column = 1;
    } else if b & 0xC0 != 0x80 {
        *column += 1;
    }
}

/// Moves a 1-based line and column (in characters) past `s`: where `s`
/// ends, counted from its start, followed from `at`.
fn advance_past(at: &mut (usize, usize), s: &str) {
    *at = follow((1, 1), *at, crate::error::line_col(s, s.len()));
}

/// What to do with the next character of a text and its spelling.
enum Step {
    /// The character is spelled with this many bytes.
    Match(usize),
    /// These bytes of the spelling stand for nothing in the text.
    SkipRaw(usize),
    /// The text has a character the spelling folded away.
    SkipText,
    /// The spelling cannot be followed.
    Stop,
}

/// How text character `c` is spelled at the start of `raw` (not empty).
fn step(spelling: Spelling, c: char, raw: &str) -> Step {
    match unit(spelling, raw) {
        // A space may stand for a folded line break.
        Unit::Same(s) if s == c || (s.is_whitespace() && c.is_whitespace()) => {
            Step::Match(s.len_utf8())
        }
        Unit::Spelled(n) => Step::Match(n),
        Unit::Silent(n) => Step::SkipRaw(n),
        Unit::Same(s) if s.is_whitespace() => Step::SkipRaw(s.len_utf8()),
        Unit::Same(_) if c.is_whitespace() => Step::SkipText,
        Unit::Same(_) => Step::Stop,
    }
}

/// The byte that may start a spelling other than the character itself.
fn special(spelling: Spelling) -> Option<u8> {
    match spelling {
        Spelling::Json | Spelling::YamlDoubleQuoted => Some(b'\\'),
        Spelling::Doubled(q) if q.is_ascii() => Some(q as u8),
        Spelling::Doubled(_) | Spelling::Folded => None,
    }
}

/// How many bytes `a` and `b` start with that are the same: compared
/// sixteen at a time, most of a text being written as itself, then byte
/// by byte where the two part.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 16 <= n && a[i..i + 16] == b[i..i + 16] {
        i += 16;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many bytes `text` and `raw` start with that are the same and
/// spelled as themselves (up to the spelling's first special byte),
/// ending on a character boundary.
fn same_prefix(text: &[u8], raw: &[u8], special: Option<u8>) -> usize {
    let before = special
        .and_then(|b| memchr::memchr(b, raw))
        .unwrap_or(raw.len());
    let mut n = common_prefix(text, &raw[..before]);
    // Back to the start of a character both have only in part.
    while n > 0 && text.get(n).is_some_and(|&b| b & 0xC0 == 0x80) {
        n -= 1;
    }
    n
}

/// The map of `text`, which is spelled as `raw` starts with (`raw` starts
/// at `raw_at` in the source; the post's first character is placed at
/// `origin`). Each stretch of the text is matched with its spelling in
/// turn: most of it is written as itself, and is passed in one go; white
/// space the text does not have (folding, indentation) is passed over. If
/// the spelling cannot be followed, the map keeps what was matched up to
/// there.
pub fn align(
    text: &str,
    raw: &str,
    spelling: Spelling,
    origin: (usize, usize),
    raw_at: (usize, usize),
) -> SourceMap {
    let mut map = SourceMap::default();
    // The latest anchor, or where the text starts.
    let mut last = ((1, 1), origin);
    let (mut t, mut r) = ((1, 1), raw_at);
    let (mut ti, mut ri) = (0, 0);
    let special = special(spelling);
    while ti < text.len() && ri < raw.len() {
        let same = same_prefix(&text.as_bytes()[ti..], &raw.as_bytes()[ri..], special);
        let (text_len, raw_len) = if same > 0 {
            (same, same)
        } else {
            let c = text[ti..].chars().next().unwrap_or_default();
            match step(spelling, c, &raw[ri..]) {
                Step::Match(n) => (c.len_utf8(), n),
                Step::SkipRaw(n) => (0, n),
                Step::SkipText => (c.len_utf8(), 0),
                Step::Stop => break,
            }
        };
        let raw_len = raw_len.min(raw.len() - ri);
        if !raw.is_char_boundary(ri + raw_len) {
            break;
        }
        if text_len > 0 && raw_len > 0 && follow(last.0, last.1, t) != r {
            last = (t, r);
            map.anchors.push(Anchor { text: t, source: r });
        }
        advance_past(&mut t, &text[ti..ti + text_len]);
        advance_past(&mut r, &raw[ri..ri + raw_len]);
        (ti, ri) = (ti + text_len, ri + raw_len);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::line_col;

    /// Builds a text and its spelling piece by piece, keeping where each
    /// character of the text is spelled; then checks that the map places
    /// every character there.
    fn check(pieces: &[(&str, &str)], spelling: Spelling, raw_at: (usize, usize)) {
        let (mut text, mut raw) = (String::new(), String::new());
        let mut expected = Vec::new();
        let mut r = raw_at;
        for (t, spelled) in pieces {
            if !t.is_empty() {
                expected.push((text.len(), r));
            }
            text.push_str(t);
            raw.push_str(spelled);
            advance_past(&mut r, spelled);
        }
        let map = align(&text, &raw, spelling, raw_at, raw_at);
        for (offset, want) in expected {
            let got = map.place(raw_at, line_col(&text, offset));
            assert_eq!(got, want, "{text:?} spelled {raw:?}, at byte {offset}");
        }
    }

    /// Each character as its own piece, spelled as itself.
    fn plain(s: &str) -> Vec<(&str, &str)> {
        s.char_indices()
            .map(|(i, c)| (&s[i..i + c.len_utf8()], &s[i..i + c.len_utf8()]))
            .collect()
    }

    #[test]
    fn text_written_as_itself_needs_no_anchor() {
        let text = "Two lines,\nwritten as they are: café ☕";
        let map = align(text, text, Spelling::Json, (4, 9), (4, 9));
        assert!(map.is_empty());
        assert_eq!(map.place((4, 9), (1, 3)), (4, 11));
        assert_eq!(map.place((4, 9), (2, 5)), (5, 5));
    }

    #[test]
    fn json_escapes_are_placed_where_they_are_written() {
        let mut pieces = plain("Tab");
        pieces.extend([
            ("\t", "\\t"),
            ("\"", "\\\""),
            ("q", "q"),
            ("\n", "\\n"),
            ("é", "\\u00e9"),
            ("😀", "\\ud83d\\ude00"),
            ("/", "\\/"),
            ("\\", "\\\\"),
        ]);
        pieces.extend(plain(" then you idiot"));
        check(&pieces, Spelling::Json, (1, 10));
        check(&pieces, Spelling::Json, (7, 3));
    }

    #[test]
    fn a_line_break_escape_stays_on_the_line_it_is_written_on() {
        let text = "first line\nthen you idiot";
        let raw = r#"first line\nthen you idiot"#;
        let map = align(text, raw, Spelling::Json, (1, 10), (1, 10));
        let idiot = line_col(text, text.find("idiot").unwrap());
        assert_eq!(map.place((1, 10), idiot), (1, 31));
    }

    #[test]
    fn doubled_quotes_and_raw_line_breaks() {
        let mut pieces = plain("She said ");
        pieces.extend([("\"", "\"\""), ("hi", "hi"), ("\"", "\"\"")]);
        pieces.extend(plain(",\nthen "));
        pieces.push(("\"", "\"\""));
        pieces.extend(plain("left"));
        check(&pieces, Spelling::Doubled('"'), (3, 5));
        check(
            &[("it", "it"), ("'", "''"), ("s", "s")],
            Spelling::Doubled('\''),
            (1, 2),
        );
    }

    #[test]
    fn folded_lines_and_indentation_are_passed_over() {
        // A folded block: indentation is not text, a single line break
        // folds into a space, a blank line keeps one.
        let pieces = [
            ("Closed", "Closed"),
            (" ", "\n    "),
            ("Monday", "Monday"),
            ("\n", "\n"),
            ("", "\n    "),
            ("See", "See"),
        ];
        check(&pieces, Spelling::Folded, (8, 5));
        // A literal block keeps its line breaks but not the indentation.
        check(
            &[("a", "a"), ("\n", "\n"), ("", "  "), ("b", "b")],
            Spelling::Folded,
            (2, 3),
        );
    }

    #[test]
    fn yaml_double_quoted_escapes_and_continuations() {
        let pieces = [
            ("A", "\\x41"),
            ("é", "\\u00e9"),
            ("😀", "\\U0001F600"),
            ("\t", "\\t"),
            ("", "\\\n   "),
            ("b", "b"),
            ("", "\\\n  "),
            (" ", "\\ "),
            ("c", "c"),
            ("\"", "\\\""),
        ];
        check(&pieces, Spelling::YamlDoubleQuoted, (1, 7));
    }

    #[test]
    fn a_spelling_that_cannot_be_followed_keeps_what_was_matched() {
        let text = "ab\"cde";
        let raw = "ab\\\"cX";
        let map = align(text, raw, Spelling::Json, (1, 1), (1, 1));
        assert_eq!(map.place((1, 1), (1, 3)), (1, 3));
        assert_eq!(map.place((1, 1), (1, 4)), (1, 5));
        assert_eq!(map.place((1, 1), (1, 5)), (1, 6));
        // Raw text that ends early.
        let map = align("abc", "a", Spelling::Folded, (1, 1), (1, 1));
        assert!(map.is_empty());
    }

    /// The spellings JSON allows for `c`: itself (unless it must be
    /// escaped), a short escape, a `\\u` escape (a pair for characters
    /// outside the basic plane).
    fn json_spellings(c: char) -> Vec<String> {
        let mut out = Vec::new();
        if !matches!(c, '"' | '\\') && !c.is_control() {
            out.push(c.to_string());
        }
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '/' => Some("\\/"),
            '\n' => Some("\\n"),
            '\t' => Some("\\t"),
            _ => None,
        };
        out.extend(short.map(String::from));
        let mut units = [0u16; 2];
        let escaped: String = c
            .encode_utf16(&mut units)
            .iter()
            .map(|u| format!("\\u{u:04x}"))
            .collect();
        out.push(escaped);
        out
    }

    proptest::proptest! {
        #[test]
        fn every_json_spelling_is_followed(
            picks in proptest::collection::vec((0usize..10, 0usize..3), 0..40),
            line in 1usize..4,
            column in 1usize..30,
        ) {
            const CHARS: [char; 10] = ['a', ' ', '"', '\\', '/', '\n', '\t', 'é', '😀', '’'];
            let spelled: Vec<(String, String)> = picks
                .iter()
                .map(|&(c, how)| {
                    let options = json_spellings(CHARS[c]);
                    (CHARS[c].to_string(), options[how % options.len()].clone())
                })
                .collect();
            let pieces: Vec<(&str, &str)> =
                spelled.iter().map(|(t, r)| (t.as_str(), r.as_str())).collect();
            let (text, raw): (String, String) = pieces.iter().copied().unzip();
            let decoded: String = serde_json::from_str(&format!("\"{raw}\"")).unwrap();
            proptest::prop_assert_eq!(decoded, text);
            check(&pieces, Spelling::Json, (line, column));
        }

        #[test]
        fn every_csv_cell_is_followed(
            picks in proptest::collection::vec(0usize..6, 0..40),
        ) {
            const PIECES: [(&str, &str); 6] =
                [("a", "a"), (" ", " "), ("\"", "\"\""), ("\n", "\n"), ("é", "é"), ("\r\n", "\r\n")];
            let pieces: Vec<(&str, &str)> = picks.iter().map(|&i| PIECES[i]).collect();
            check(&pieces, Spelling::Doubled('"'), (2, 5));
        }
    }
}
