//! Finds the parts of a post inside quotation marks.

use std::ops::Range;

/// Longest stretch a quotation may run before an unmatched mark is given up.
const MAX_QUOTE_BYTES: usize = 400;

/// Byte ranges of the text between paired quotation marks (marks excluded).
///
/// Double quotes (`"…"`, `“…”`, `«…»`) pair in order. Single quotes (`'…'`,
/// `‘…’`) count only where they cannot be apostrophes: an opening mark
/// after a space or the start, a closing mark before a non-letter.
pub fn quoted_ranges(text: &str) -> Vec<Range<usize>> {
    // Every quotation mark is `"`, `'` or starts with byte C2 (« ») or E2
    // (the curly marks): a text with none of these has no quotation.
    let b = text.as_bytes();
    if memchr::memchr3(b'"', b'\'', 0xE2, b).is_none() && memchr::memchr(0xC2, b).is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut open_double: Option<usize> = None;
    let mut open_single: Option<usize> = None;
    // Only marks and line breaks matter, and each starts with one of these
    // bytes: the characters between them are skipped (in ASCII text, by a
    // search for the three ASCII ones).
    let ascii = text.is_ascii();
    let next_mark = |from: usize| {
        let rest = &b[from..];
        let k = if ascii {
            memchr::memchr3(b'"', b'\'', b'\n', rest)
        } else {
            rest.iter()
                .position(|&b| matches!(b, b'"' | b'\'' | b'\n' | 0xC2 | 0xE2))
        };
        k.map(|k| from + k)
    };
    let mut from = 0;
    while let Some(i) = next_mark(from) {
        from = i + 1;
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let after = i + c.len_utf8();
        let prev = text[..i].chars().next_back();
        let next = text[after..].chars().next();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        match c {
            '"' => match open_double.take() {
                Some(start) if i - start <= MAX_QUOTE_BYTES => out.push(start..i),
                _ => open_double = Some(after),
            },
            '\u{201C}' | '\u{00AB}' => open_double = Some(after),
            '\u{201D}' | '\u{00BB}' => {
                if let Some(start) = open_double.take()
                    && i - start <= MAX_QUOTE_BYTES
                {
                    out.push(start..i);
                }
            }
            '\'' | '\u{2018}' | '\u{2019}' => {
                let opens = !word(prev) && word(next);
                let closes = !word(next) && prev.is_some_and(|p| !p.is_whitespace());
                if let (true, Some(start)) = (closes, open_single) {
                    if i - start <= MAX_QUOTE_BYTES {
                        out.push(start..i);
                    }
                    open_single = None;
                } else if opens {
                    open_single = Some(after);
                }
            }
            '\n' => {
                // Quotations do not run across lines.
                open_double = None;
                open_single = None;
            }
            _ => {}
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        quoted_ranges(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn double_and_curly_quotes() {
        assert_eq!(
            quoted(r#"Another "urgent" email and “help”"#),
            ["urgent", "help"]
        );
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert!(quoted("We're open, it's Sam's shop").is_empty());
        assert_eq!(quoted("their 'me' universe"), ["me"]);
    }

    #[test]
    fn unmatched_marks_are_ignored() {
        assert!(quoted("12\" pizza\nnext line").is_empty());
    }
}
