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
use std::io::{self, Write};

/// Formats a run as it goes: `start`, one `post` per checked post in
/// order, then `finish`.
pub trait Reporter {
    fn start(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    fn post(&mut self, out: &mut dyn Write, result: &PostResult) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()>;
}

/// Makes text safe to print to a terminal: control characters (including
/// ESC, so no ANSI sequence gets through), bidirectional overrides and the
/// Unicode line and paragraph separators become visible escapes, so the
/// text stays on its line.
pub fn escape_terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push(' '),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
                ) =>
            {
                out.push_str(&c.escape_unicode().to_string())
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_ansi_and_controls() {
        assert_eq!(
            super::escape_terminal("a\u{1b}[31mb\u{7}"),
            "a\\u{1b}[31mb\\u{7}"
        );
    }
}
