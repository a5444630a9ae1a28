//! Lines and columns of byte offsets of one text, worked out from one scan
//! of it: a post's findings are placed without rescanning the text for
//! each one.

use std::ops::Range;

/// Where the lines of a text start, and whether a column is a byte.
#[derive(Clone, Debug)]
pub struct TextLines<'a> {
    text: &'a str,
    /// The byte offset of each line break (`\n`); empty for one line, as
    /// most posts are, which then costs no allocation.
    breaks: Vec<usize>,
    /// The text is ASCII: a column is a byte offset from the line's start.
    ascii: bool,
}

impl<'a> TextLines<'a> {
    pub fn new(text: &'a str) -> TextLines<'a> {
        TextLines {
            text,
            breaks: memchr::memchr_iter(b'\n', text.as_bytes()).collect(),
            ascii: text.is_ascii(),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// `offset` moved back to the start of its character (and to the end
    /// of the text at most).
    pub fn boundary(&self, offset: usize) -> usize {
        let mut at = offset.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    /// The 0-based number of the line holding byte `offset`: the line
    /// breaks before it.
    pub fn line_index(&self, offset: usize) -> usize {
        self.breaks.partition_point(|&b| b < offset)
    }

    /// The number of lines: one more than the line breaks (a text that
    /// ends with one has an empty last line).
    pub fn line_count(&self) -> usize {
        self.breaks.len() + 1
    }

    /// The byte range of line `index` (0-based), without its line break.
    pub fn line_range(&self, index: usize) -> Range<usize> {
        let start = match index {
            0 => 0,
            _ => self.breaks[index - 1] + 1,
        };
        let end = self.breaks.get(index).copied().unwrap_or(self.text.len());
        start..end
    }

    /// Line `index` (0-based) without its line break, as
    /// `text.lines().nth(index)` gives it, but found without reading the
    /// lines before: `None` past the last line (a text's final line break
    /// starts no line).
    pub fn nth_line(&self, index: usize) -> Option<&'a str> {
        let last = match self.breaks.last() {
            Some(&b) if b + 1 == self.text.len() => self.breaks.len() - 1,
            _ => self.breaks.len(),
        };
        if index > last || self.text.is_empty() {
            return None;
        }
        let line = &self.text[self.line_range(index)];
        // A carriage return ends a line only before a line feed.
        if index < self.breaks.len() {
            Some(line.strip_suffix('\r').unwrap_or(line))
        } else {
            Some(line)
        }
    }

    /// The characters of `range` (byte offsets on character boundaries).
    pub fn chars_in(&self, range: Range<usize>) -> usize {
        if self.ascii {
            range.len()
        } else {
            self.text[range].chars().count()
        }
    }

    /// 1-based line and column (in characters) of byte `offset`, as
    /// [`crate::error::line_col`] gives them.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let at = self.boundary(offset);
        let index = self.line_index(at);
        let start = self.line_range(index).start;
        (index + 1, self.chars_in(start..at) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::line_col;

    #[test]
    fn positions_are_those_line_col_gives() {
        for text in [
            "",
            "one line",
            "\n",
            "\n\nstarts with breaks",
            "first\nsé idiot here\r\nlast\n",
            "日本語\nのテキスト\n\n😀 a\u{301}b",
        ] {
            let lines = TextLines::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    lines.line_col(offset),
                    line_col(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn line_ranges_leave_out_the_breaks() {
        let lines = TextLines::new("ab\n\ncd");
        assert_eq!(lines.line_range(0), 0..2);
        assert_eq!(lines.line_range(1), 3..3);
        assert_eq!(lines.line_range(2), 4..6);
        assert_eq!(lines.line_index(2), 0);
        assert_eq!(lines.line_index(3), 1);
        assert_eq!(lines.line_index(6), 2);
    }

    proptest::proptest! {
        #[test]
        fn nth_lines_are_those_str_lines_gives(
            picks in proptest::collection::vec(0usize..5, 0..24),
        ) {
            const PIECES: [&str; 5] = ["a", "\n", "\r", "é", " "];
            let text: String = picks.iter().map(|&p| PIECES[p]).collect();
            let lines = TextLines::new(&text);
            for n in 0..text.len() + 2 {
                proptest::prop_assert_eq!(lines.nth_line(n), text.lines().nth(n), "line {}", n);
            }
        }
    }
}
