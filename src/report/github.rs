//! `--format github`: GitHub Actions workflow commands, one annotation per
//! finding, e.g.
//!
//! ```text
//! ::error file=posts/a.md,line=3,col=5,endLine=3,endColumn=10,title=kind/name-calling::Calling someone…
//! ```
//!
//! Severities map to `error`, `warning` and `notice`. Nothing a post says
//! can start a workflow command of its own: every value is escaped the way
//! the runner unescapes it, so no line break reaches the log, and the
//! excerpt is flattened to one line with control characters made visible.
//!
//! The run ends with one plain summary line, not an annotation: GitHub
//! shows only a few annotations of each kind per step, and a summary
//! should not take the place of a finding.

use super::{Reporter, escape_terminal};
use crate::check::{Finding, PostResult, Summary};
use crate::model::Severity;
use std::io::{self, Write};

/// Excerpts longer than this many characters are cut, with an ellipsis.
const MAX_EXCERPT: usize = 80;

#[derive(Default)]
pub struct Github;

/// Escapes the data (message) part of a workflow command.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value (`file=…`, `title=…`) of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Text from a pack or a path: each line made safe for a log (control
/// characters shown as escapes), line breaks kept for `escape_data`.
fn visible(s: &str) -> String {
    s.lines()
        .map(escape_terminal)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A post's text as one short line: whitespace runs (line breaks
/// included) become one space, control characters are shown as escapes.
fn one_line(s: &str) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = flat.chars();
    let mut cut: String = chars.by_ref().take(MAX_EXCERPT).collect();
    if chars.next().is_some() {
        cut.push('…');
    }
    escape_terminal(&cut)
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

fn annotation(r: &PostResult, f: &Finding) -> String {
    let mut props = Vec::with_capacity(6);
    // Stdin has no file to annotate; the annotation is still shown.
    if !crate::source::is_stdin(&r.source) {
        props.push(format!("file={}", escape_property(&visible(&r.source))));
    }
    props.push(format!("line={}", f.line));
    props.push(format!("col={}", f.column));
    props.push(format!("endLine={}", f.end_line.max(f.line)));
    if f.end_line == f.line {
        props.push(format!("endColumn={}", f.end_column.max(f.column)));
    }
    props.push(format!("title={}", escape_property(&visible(&f.rule))));
    let mut message = visible(&f.message);
    let excerpt = one_line(&f.excerpt);
    if !excerpt.is_empty() {
        message.push_str(&format!("\nFound: \"{excerpt}\""));
    }
    if let Some(d) = &f.detail {
        message.push_str(&format!("\nNote: {}", visible(d)));
    }
    if let Some(s) = &f.suggestion {
        message.push_str(&format!("\nSuggestion: {}", visible(s)));
    }
    format!(
        "::{} {}::{}",
        command(f.severity),
        props.join(","),
        escape_data(&message)
    )
}

impl Reporter for Github {
    fn post(&mut self, out: &mut dyn Write, r: &PostResult) -> io::Result<()> {
        for f in &r.findings {
            writeln!(out, "{}", annotation(r, f))?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        writeln!(
            out,
            "think-lint: {} posts checked, {} passed, {} failed; {} findings ({} errors, {} warnings, {} infos)",
            s.posts, s.passed, s.failed, s.findings, s.errors, s.warnings, s.infos
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(escape_data("50% off\r\n::x"), "50%25 off%0D%0A::x");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(
            one_line("a\n::stop-commands::x\u{1b}[2J"),
            "a ::stop-commands::x\\u{1b}[2J"
        );
        let long = "word ".repeat(40);
        assert!(one_line(&long).ends_with('…'));
        assert_eq!(one_line(&long).chars().count(), MAX_EXCERPT + 1);
    }
}
