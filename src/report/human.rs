//! `--format human`: a scorecard per post and compiler-style findings,
//! coloured when asked to.

use super::{
    Render, Reporter, escape_terminal, escape_terminal_into, needs_escape, push_decimal,
    push_place, push_terminal_text,
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

/// A run of spaces, and one of carets, for [`repeat`].
const SPACES: &str = "                                                                ";
const CARETS: &str = "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^";

/// Appends `n` copies of the ASCII character `run` is made of
/// ([`SPACES`], [`CARETS`]), in slices of it.
fn repeat(buf: &mut String, run: &str, n: usize) {
    let mut left = n;
    while left > 0 {
        let take = left.min(run.len());
        buf.push_str(&run[..take]);
        left -= take;
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

/// Ten bars' worth of full blocks then ten of light shade: `n` filled
/// cells of a ten-cell bar are the ten characters from the `10 - n`th.
const BARS: &str = "██████████░░░░░░░░░░";

/// A ten-cell bar with `filled` (at most ten) cells filled.
fn bar(filled: usize) -> &'static str {
    let block = BARS.len() / 20;
    &BARS[(10 - filled) * block..(20 - filled) * block]
}

/// One cell of the scorecard: `Name      ██████░░░░  63`.
fn cell(buf: &mut String, color: bool, r: &PostResult, d: Dimension) {
    let score = r.scorecard.score(d);
    let filled = ((usize::from(score) + 5) / 10).min(10);
    buf.push_str(card_name(d));
    paint(buf, color, bar(filled), Human::score_style(score));
    // ` {score:>3}`, without going through `fmt`.
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(score);
    repeat(buf, SPACES, 4 - digits.len().min(3));
    buf.push_str(digits);
}

/// A dimension's name as its scorecard cell starts: capitalised, and
/// padded to ten columns (a constant, as every post with findings prints
/// all five).
fn card_name(d: Dimension) -> &'static str {
    match d {
        Dimension::True => "True      ",
        Dimension::Helpful => "Helpful   ",
        Dimension::Inspiring => "Inspiring ",
        Dimension::Necessary => "Necessary ",
        Dimension::Kind => "Kind      ",
    }
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
    if color || !f.rule.is_terminal_plain() {
        paint(buf, color, &escape_terminal(&f.rule), Style::new().bold());
    } else {
        buf.push_str(&f.rule);
    }
    buf.push(' ');
    push_terminal_text(buf, &f.message);
    buf.push('\n');
    if f.context.is_empty() {
        buf.push('\n');
        return;
    }
    let mut line = itoa::Buffer::new();
    let line = line.format(f.line);
    let pad = line.len();
    let gutter = |buf: &mut String| paint(buf, color, "|", Style::new().blue().bold());
    // The context cut at the finding's character range.
    let context = f.context.as_str();
    let ascii = context.is_ascii();
    let (from, to) = byte_range(context, ascii, f.context_range);
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
    repeat(buf, SPACES, pad);
    buf.push(' ');
    gutter(buf);
    buf.push_str("\n ");
    paint(buf, color, line, Style::new().blue().bold());
    buf.push(' ');
    gutter(buf);
    buf.push(' ');
    buf.push_str(before);
    buf.push_str(marked);
    buf.push_str(after);
    buf.push_str("\n ");
    repeat(buf, SPACES, pad);
    buf.push(' ');
    gutter(buf);
    buf.push(' ');
    repeat(buf, SPACES, width(before));
    let carets = width(marked).max(1);
    if color {
        paint(
            buf,
            color,
            &"^".repeat(carets),
            Human::severity_style(f.severity),
        );
    } else {
        repeat(buf, CARETS, carets);
    }
    buf.push('\n');
    if let Some(detail) = &f.detail {
        annotation(buf, color, pad, "note:");
        escape_terminal_into(buf, detail);
        buf.push('\n');
    }
    if let Some(suggestion) = &f.suggestion {
        annotation(buf, color, pad, "suggestion:");
        push_terminal_text(buf, suggestion);
        buf.push('\n');
    }
    buf.push('\n');
}

/// The start of a line under a finding's context, up to its text:
/// `   = note: `, its `=` under the gutter (`pad` wide before it).
fn annotation(buf: &mut String, color: bool, pad: usize, label: &str) {
    buf.push(' ');
    repeat(buf, SPACES, pad);
    buf.push(' ');
    paint(buf, color, "=", Style::new().blue().bold());
    buf.push(' ');
    paint(buf, color, label, Style::new().bold());
    buf.push(' ');
}

/// The byte range of characters `from..to` of `s` (clipped to `s`, and
/// `from` to `to`), in one walk over the characters; `ascii` says whether
/// `s` is ASCII, where characters are bytes.
fn byte_range(s: &str, ascii: bool, (from, to): (usize, usize)) -> (usize, usize) {
    let from = from.min(to);
    if ascii {
        let to = to.min(s.len());
        return (from.min(to), to);
    }
    // Every character's start, then the end of the text.
    let mut bounds = s.char_indices().map(|(i, _)| i).chain([s.len()]);
    let start = bounds.nth(from).unwrap_or(s.len());
    let end = match to - from {
        0 => start,
        n => bounds.nth(n - 1).unwrap_or(s.len()),
    };
    (start, end)
}

/// The post's name: its source, and where in it when it is one of many.
fn label(buf: &mut String, r: &PostResult) {
    push_terminal_text(buf, &r.source);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte offset of character `n` of `s`, or its length past the end.
    fn char_start(s: &str, n: usize) -> usize {
        s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
    }

    #[test]
    fn repeat_appends_n_copies() {
        for (run, c) in [(SPACES, " "), (CARETS, "^")] {
            assert!(run.bytes().all(|b| b == c.as_bytes()[0]));
            for n in [0, 1, 2, 63, 64, 65, 128, 200] {
                let mut buf = String::from("x");
                repeat(&mut buf, run, n);
                assert_eq!(buf, format!("x{}", c.repeat(n)), "{c:?} × {n}");
            }
        }
    }

    #[test]
    fn byte_ranges_are_those_of_the_characters() {
        for s in [
            "",
            "plain words",
            "café ☕ ok",
            "😀",
            "a\u{301}b",
            "日本語のテキスト",
        ] {
            let count = s.chars().count();
            for from in 0..count + 3 {
                for to in 0..count + 3 {
                    let clipped_to = to.min(count);
                    let clipped_from = from.min(clipped_to);
                    let expected = (char_start(s, clipped_from), char_start(s, clipped_to));
                    assert_eq!(
                        byte_range(s, s.is_ascii(), (from, to)),
                        expected,
                        "{s:?} {from}..{to}"
                    );
                }
            }
        }
    }

    #[test]
    fn card_names_are_the_capitalised_names_in_ten_columns() {
        for d in Dimension::ALL {
            let name = d.as_str();
            let capitalised = name[..1].to_ascii_uppercase() + &name[1..];
            assert_eq!(card_name(d), format!("{capitalised:<10}"));
        }
    }

    #[test]
    fn bars_have_ten_cells_filled_by_the_score() {
        for filled in 0..=10 {
            let bar = bar(filled);
            assert_eq!(bar.chars().filter(|&c| c == '█').count(), filled);
            assert_eq!(bar.chars().count(), 10);
            assert!(bar.trim_start_matches('█').chars().all(|c| c == '░'));
        }
    }
}
