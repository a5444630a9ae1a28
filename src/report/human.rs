//! `--format human`: a scorecard per post and compiler-style findings,
//! coloured when asked to.

use super::{Reporter, escape_terminal};
use crate::check::{Finding, PostResult, Summary};
use crate::model::{Dimension, Severity};
use owo_colors::{OwoColorize, Style};
use std::io::{self, Write};

pub struct Human {
    pub color: bool,
    /// Print only failing posts, and no summary.
    pub quiet: bool,
}

impl Human {
    fn paint(&self, text: &str, style: Style) -> String {
        if self.color {
            text.style(style).to_string()
        } else {
            text.to_string()
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

    fn scorecard(&self, out: &mut dyn Write, r: &PostResult) -> io::Result<()> {
        // Two columns, so the card fits in 80 columns.
        let cell = |d: Dimension| {
            let score = r.scorecard.score(d);
            let filled = (usize::from(score) + 5) / 10;
            let bar = format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled));
            format!(
                "{:<9} {} {:>3}",
                capitalize(d.as_str()),
                self.paint(&bar, Self::score_style(score)),
                score
            )
        };
        let dims = Dimension::ALL;
        for row in 0..3 {
            let left = cell(dims[row]);
            match dims.get(row + 3) {
                Some(&right) => writeln!(out, "  {left}   {}", cell(right))?,
                None => writeln!(out, "  {left}")?,
            }
        }
        if !r.scorecard.flags.is_empty() {
            let flags: Vec<_> = r.scorecard.flags.iter().map(|f| f.as_str()).collect();
            writeln!(
                out,
                "  flags: {}",
                self.paint(&flags.join(", "), Style::new().magenta().bold())
            )?;
        }
        Ok(())
    }

    fn finding(&self, out: &mut dyn Write, r: &PostResult, f: &Finding) -> io::Result<()> {
        writeln!(
            out,
            "{}:{}:{} {} {} {}",
            escape_terminal(&r.source),
            f.line,
            f.column,
            self.paint(f.severity.as_str(), Self::severity_style(f.severity)),
            self.paint(&escape_terminal(&f.rule), Style::new().bold()),
            escape_terminal(&f.message)
        )?;
        let number = f.line.to_string();
        let pad = " ".repeat(number.len());
        let gutter = self.paint("|", Style::new().blue().bold());
        if f.context.is_empty() {
            return writeln!(out);
        }
        let chars: Vec<char> = f.context.chars().collect();
        let to = f.context_range.1.min(chars.len());
        let from = f.context_range.0.min(to);
        let shown = |cs: &[char]| escape_terminal(&cs.iter().collect::<String>());
        let before = shown(&chars[..from]);
        let marked = shown(&chars[from..to.max(from)]);
        let after = shown(&chars[to.max(from)..]);
        writeln!(out, " {pad} {gutter}")?;
        writeln!(
            out,
            " {} {gutter} {before}{marked}{after}",
            self.paint(&number, Style::new().blue().bold())
        )?;
        let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
        let carets = "^".repeat(width(&marked).max(1));
        writeln!(
            out,
            " {pad} {gutter} {}{}",
            " ".repeat(width(&before)),
            self.paint(&carets, Self::severity_style(f.severity))
        )?;
        if let Some(d) = &f.detail {
            writeln!(
                out,
                " {pad} {} {} {}",
                self.paint("=", Style::new().blue().bold()),
                self.paint("note:", Style::new().bold()),
                escape_terminal(d)
            )?;
        }
        if let Some(s) = &f.suggestion {
            writeln!(
                out,
                " {pad} {} {} {}",
                self.paint("=", Style::new().blue().bold()),
                self.paint("suggestion:", Style::new().bold()),
                escape_terminal(s)
            )?;
        }
        writeln!(out)
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn label(r: &PostResult) -> String {
    let source = escape_terminal(&r.source);
    if r.index > 0 || r.line > 1 {
        format!("{source} (post {}, line {})", r.index + 1, r.line)
    } else {
        source
    }
}

impl Reporter for Human {
    fn post(&mut self, out: &mut dyn Write, r: &PostResult) -> io::Result<()> {
        if self.quiet && r.passed {
            return Ok(());
        }
        let verdict = if r.passed {
            self.paint("pass", Style::new().green().bold())
        } else {
            self.paint("FAIL", Style::new().red().bold())
        };
        let score = self.paint(
            &format!("THINK {}/100", r.scorecard.overall),
            Self::score_style(r.scorecard.overall).bold(),
        );
        writeln!(
            out,
            "{}  {verdict}  {score}  tone: {}",
            self.paint(&label(r), Style::new().bold()),
            r.tone
        )?;
        if r.findings.is_empty() {
            return Ok(());
        }
        self.scorecard(out, r)?;
        writeln!(out)?;
        for f in &r.findings {
            self.finding(out, r, f)?;
        }
        Ok(())
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
