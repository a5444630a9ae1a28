//! `--format human`: a scorecard per post and compiler-style findings,
//! coloured when asked to.

use super::{
    Render, Reporter, decimal, escape_terminal, escape_terminal_into, needs_escape, push_decimal,
    push_place,
};
use crate::check::{Finding, PostResult, Summary};
use crate::model::{Dimension, Severity};
use owo_colors::{OwoColorize, Style};
use std::fmt::Write as _;
use std::io::{self, Write};

pub struct Human {
    pub color: bool,
    /// Print only failing posts, and no summary.
    pub quiet: bool,
    /// The text of one post, written out at once.
    buf: String,
}

impl Human {
    fn paint(&self, text: &str, style: Style) -> String {
        let mut out = String::new();
        paint(&mut out, self.color, text, style);
        out
    }

    pub fn new(color: bool, quiet: bool) -> Human {
        Human {
            color,
            quiet,
            buf: String::new(),
        }
    }

    fn severity_style(sev: Severity) -> Style {
        match sev {
            Severity::Error => Style::new().red().bold(),
            Severity::Warning => Style::new().yellow().bold(),
            Severity::Info => Style::new().cyan().bold(),
        }
    }

    fn score_style(score: u8) -> Style {
        match score {
            90..=100 => Style::new().green(),
            70..=89 => Style::new().yellow(),
            _ => Style::new().red(),
        }
    }
}

/// Appends `text` to `buf`, in `style` when colouring.
fn paint(buf: &mut String, color: bool, text: &str, style: Style) {
    if color {
        let _ = write!(buf, "{}", text.style(style));
    } else {
        buf.push_str(text);
    }
}

/// Appends `n` copies of `s`.
fn repeat(buf: &mut String, s: &str, n: usize) {
    for _ in 0..n {
        buf.push_str(s);
    }
}

/// The printed width of `s`.
fn width(s: &str) -> usize {
    if s.is_ascii() {
        // Escaped text holds no control character: one column each.
        s.len()
    } else {
        unicode_width::UnicodeWidthStr::width(s)
    }
}

/// One cell of the scorecard: `Name      ██████░░░░  63`.
fn cell(buf: &mut String, color: bool, r: &PostResult, d: Dimension) {
    let score = r.scorecard.score(d);
    let filled = (usize::from(score) + 5) / 10;
    let name = d.as_str();
    let mut chars = name.chars();
    let mut written = 0;
    if let Some(first) = chars.next() {
        for u in first.to_uppercase() {
            buf.push(u);
            written += 1;
        }
        for c in chars {
            buf.push(c);
            written += 1;
        }
    }
    repeat(buf, " ", 9usize.saturating_sub(written) + 1);
    if color {
        let mut bar = String::with_capacity(40);
        repeat(&mut bar, "█", filled);
        repeat(&mut bar, "░", 10 - filled);
        paint(buf, color, &bar, Human::score_style(score));
    } else {
        repeat(buf, "█", filled);
        repeat(buf, "░", 10 - filled);
    }
    // ` {score:>3}`, without going through `fmt`.
    let digits = decimal(score.into(), &mut [0; 20]).len();
    repeat(buf, " ", 4 - digits.min(3));
    push_decimal(buf, score.into());
}

fn scorecard(buf: &mut String, color: bool, r: &PostResult) {
    // Two columns, so the card fits in 80 columns.
    let dims = Dimension::ALL;
    for row in 0..3 {
        buf.push_str("  ");
        cell(buf, color, r, dims[row]);
        if let Some(&right) = dims.get(row + 3) {
            buf.push_str("   ");
            cell(buf, color, r, right);
        }
        buf.push('\n');
    }
    if !r.scorecard.flags.is_empty() {
        let flags: Vec<_> = r.scorecard.flags.iter().map(|f| f.as_str()).collect();
        buf.push_str("  flags: ");
        paint(buf, color, &flags.join(", "), Style::new().magenta().bold());
        buf.push('\n');
    }
}

fn finding(buf: &mut String, color: bool, r: &PostResult, f: &Finding) {
    push_place(buf, &r.source, f.line, f.column);
    buf.push(' ');
    paint(
        buf,
        color,
        f.severity.as_str(),
        Human::severity_style(f.severity),
    );
    buf.push(' ');
    if color || needs_escape(&f.rule) {
        paint(buf, color, &escape_terminal(&f.rule), Style::new().bold());
    } else {
        buf.push_str(&f.rule);
    }
    buf.push(' ');
    escape_terminal_into(buf, &f.message);
    buf.push('\n');
    if f.context.is_empty() {
        buf.push('\n');
        return;
    }
    let pad = decimal(f.line as u64, &mut [0; 20]).len();
    let gutter = |buf: &mut String| paint(buf, color, "|", Style::new().blue().bold());
    // The context cut at the finding's character range.
    let context = f.context.as_str();
    let count = if context.is_ascii() {
        context.len()
    } else {
        context.chars().count()
    };
    let to = f.context_range.1.min(count);
    let from = f.context_range.0.min(to);
    let at = |n: usize| {
        if context.is_ascii() {
            n
        } else {
            context
                .char_indices()
                .nth(n)
                .map_or(context.len(), |(i, _)| i)
        }
    };
    let (from, to) = (at(from), at(to));
    let escaped;
    let (before, marked, after) = if needs_escape(context) {
        escaped = [
            escape_terminal(&context[..from]),
            escape_terminal(&context[from..to]),
            escape_terminal(&context[to..]),
        ];
        (
            escaped[0].as_str(),
            escaped[1].as_str(),
            escaped[2].as_str(),
        )
    } else {
        (&context[..from], &context[from..to], &context[to..])
    };
    buf.push(' ');
    repeat(buf, " ", pad);
    buf.push(' ');
    gutter(buf);
    buf.push_str("\n ");
    if color {
        paint(buf, color, &f.line.to_string(), Style::new().blue().bold());
    } else {
        push_decimal(buf, f.line);
    }
    buf.push(' ');
    gutter(buf);
    buf.push(' ');
    buf.push_str(before);
    buf.push_str(marked);
    buf.push_str(after);
    buf.push_str("\n ");
    repeat(buf, " ", pad);
    buf.push(' ');
    gutter(buf);
    buf.push(' ');
    repeat(buf, " ", width(before));
    let carets = width(marked).max(1);
    if color {
        paint(
            buf,
            color,
            &"^".repeat(carets),
            Human::severity_style(f.severity),
        );
    } else {
        repeat(buf, "^", carets);
    }
    buf.push('\n');
    for (label, text) in [("note:", &f.detail), ("suggestion:", &f.suggestion)] {
        if let Some(text) = text {
            buf.push(' ');
            repeat(buf, " ", pad);
            buf.push(' ');
            paint(buf, color, "=", Style::new().blue().bold());
            buf.push(' ');
            paint(buf, color, label, Style::new().bold());
            buf.push(' ');
            escape_terminal_into(buf, text);
            buf.push('\n');
        }
    }
    buf.push('\n');
}

/// The post's name: its source, and where in it when it is one of many.
fn label(buf: &mut String, r: &PostResult) {
    escape_terminal_into(buf, &r.source);
    if r.index > 0 || r.line > 1 {
        buf.push_str(" (post ");
        push_decimal(buf, r.index + 1);
        buf.push_str(", line ");
        push_decimal(buf, r.line);
        buf.push(')');
    }
}

/// The text of one post: its verdict line, and its scorecard and findings
/// when it has any; nothing for a passing post when `quiet`.
fn format(buf: &mut String, color: bool, quiet: bool, r: &PostResult) {
    if quiet && r.passed {
        return;
    }
    if color {
        let mut name = String::new();
        label(&mut name, r);
        paint(buf, color, &name, Style::new().bold());
    } else {
        label(buf, r);
    }
    buf.push_str("  ");
    if r.passed {
        paint(buf, color, "pass", Style::new().green().bold());
    } else {
        paint(buf, color, "FAIL", Style::new().red().bold());
    }
    buf.push_str("  ");
    let overall = r.scorecard.overall;
    if color {
        paint(
            buf,
            color,
            &format!("THINK {overall}/100"),
            Human::score_style(overall).bold(),
        );
    } else {
        buf.push_str("THINK ");
        push_decimal(buf, overall.into());
        buf.push_str("/100");
    }
    buf.push_str("  tone: ");
    buf.push_str(r.tone.as_str());
    buf.push('\n');
    if !r.findings.is_empty() {
        scorecard(buf, color, r);
        buf.push('\n');
        for f in &r.findings {
            finding(buf, color, r, f);
        }
    }
}

impl Render for Human {
    fn render(&self, out: &mut Vec<u8>, r: &PostResult) -> io::Result<()> {
        // The buffer's allocation is kept: the text is built in a String
        // (the formatting needs one), then handed back as `out`'s bytes.
        match String::from_utf8(std::mem::take(out)) {
            Ok(mut buf) => {
                format(&mut buf, self.color, self.quiet, r);
                *out = buf.into_bytes();
            }
            Err(e) => {
                *out = e.into_bytes();
                let mut buf = String::new();
                format(&mut buf, self.color, self.quiet, r);
                out.extend_from_slice(buf.as_bytes());
            }
        }
        Ok(())
    }
}

impl Reporter for Human {
    fn post(&mut self, out: &mut dyn Write, r: &PostResult) -> io::Result<()> {
        self.buf.clear();
        format(&mut self.buf, self.color, self.quiet, r);
        out.write_all(self.buf.as_bytes())
    }

    fn renderer(&self) -> Option<Box<dyn Render>> {
        Some(Box::new(Human::new(self.color, self.quiet)))
    }

    fn shows_context(&self) -> bool {
        true
    }

    fn finish(&mut self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let verdict = if s.failed == 0 {
            self.paint(&format!("{} passed", s.passed), Style::new().green().bold())
        } else {
            format!(
                "{}, {}",
                self.paint(&format!("{} failed", s.failed), Style::new().red().bold()),
                plural(s.passed, "passed", "passed")
            )
        };
        writeln!(
            out,
            "{} checked: {verdict}; {} ({}, {}, {})",
            plural(s.posts, "post", "posts"),
            plural(s.findings, "finding", "findings"),
            plural(s.errors, "error", "errors"),
            plural(s.warnings, "warning", "warnings"),
            plural(s.infos, "info", "infos"),
        )
    }
}
