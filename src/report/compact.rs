//! `--format compact`: `path:line:col: severity rule message`, one finding
//! per line, for editors' error parsers and grep. No colour, no excerpt, no
//! summary.

use super::{Render, Reporter, push_place, push_terminal_text};
use crate::check::{PostResult, Summary};
use std::io::{self, Write};

#[derive(Default)]
pub struct Compact;

/// Appends the lines of one post's findings. Every field is escaped, so a
/// line break or an escape sequence in a path or a pack's message cannot
/// split or colour a line.
fn post_lines(out: &mut String, r: &PostResult) {
    for f in &r.findings {
        push_place(out, &r.source, f.line, f.column);
        out.push_str(": ");
        out.push_str(f.severity.as_str());
        out.push(' ');
        push_terminal_text(out, &f.rule);
        out.push(' ');
        push_terminal_text(out, &f.message);
        out.push('\n');
    }
}

impl Reporter for Compact {
    fn post(&mut self, out: &mut dyn Write, r: &PostResult) -> io::Result<()> {
        let mut text = String::new();
        post_lines(&mut text, r);
        out.write_all(text.as_bytes())
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }

    fn renderer(&self) -> Option<Box<dyn Render>> {
        Some(Box::new(Compact))
    }
}

impl Render for Compact {
    /// Formatted as text, then appended: the lines are built with the
    /// string functions the other text formats share.
    fn render(&self, out: &mut Vec<u8>, result: &PostResult) -> io::Result<()> {
        let mut text = String::new();
        post_lines(&mut text, result);
        out.extend_from_slice(text.as_bytes());
        Ok(())
    }
}
