//! Text that many findings or posts carry alike, shared rather than
//! copied, with what the output formats must know of it worked out once.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// Text that many findings or posts carry alike: a rule's id, message and
/// suggestion, the same for every finding of the rule, or the name of the
/// file a post comes from. They share it rather than each copying it, and
/// what the output formats must know of it is worked out once, when it is
/// made, rather than on every finding they print: whether a terminal shows
/// it as it is, and whether a JSON string holds it as it is.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedText {
    text: Arc<str>,
    /// Whether [`crate::report::escape_terminal`] leaves it as it is.
    terminal_plain: bool,
    /// Whether it has nothing to escape in a JSON string.
    json_plain: bool,
}

impl SharedText {
    pub fn new(text: &str) -> SharedText {
        SharedText {
            terminal_plain: !crate::report::needs_escape(text),
            json_plain: crate::json_text::plain_prefix(text.as_bytes()) == text.len(),
            text: text.into(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether a terminal shows the text as it is (see
    /// [`crate::report::needs_escape`]).
    pub fn is_terminal_plain(&self) -> bool {
        self.terminal_plain
    }

    /// Whether a JSON string holds the text as it is, with no escapes.
    pub fn is_json_plain(&self) -> bool {
        self.json_plain
    }
}

impl Deref for SharedText {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl From<&str> for SharedText {
    fn from(text: &str) -> SharedText {
        SharedText::new(text)
    }
}

impl From<String> for SharedText {
    fn from(text: String) -> SharedText {
        SharedText::new(&text)
    }
}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<String> for SharedText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings built from pieces that need escaping in one format or the
    /// other, or in none, two at a time around plain text.
    fn mixed_strings() -> Vec<String> {
        let pieces = [
            "",
            "a",
            " ",
            "\t",
            "\n",
            "\r",
            "\u{1b}[31m",
            "\u{7f}",
            "\u{85}",
            "é",
            "’",
            "—",
            "\u{2028}",
            "\u{202e}",
            "\u{2066}",
            "😀",
            "\"",
            "\\",
            "/",
            "sixteen plain bytes",
        ];
        let mut out = Vec::new();
        for a in pieces {
            for b in pieces {
                out.push(format!("{a}plain words{b}"));
                out.push(format!("{a}{b}"));
            }
        }
        out
    }

    #[test]
    fn shared_text_knows_what_the_formats_would_escape() {
        for s in mixed_strings() {
            let shared = SharedText::new(&s);
            assert_eq!(shared.as_str(), s);
            assert_eq!(
                shared.is_terminal_plain(),
                crate::report::escape_terminal(&s) == s,
                "{s:?}"
            );
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(
                shared.is_json_plain(),
                json[1..json.len() - 1] == s,
                "{s:?}"
            );
        }
    }
}
