//! `--format junit`: JUnit XML, as CI servers (GitLab, Jenkins, Azure
//! Pipelines) read test reports.
//!
//! One `<testsuite>` per source file, so a calendar's rows stay together,
//! and one `<testcase>` per post, named by its source, line and position.
//! A failed post carries a `<failure>` listing its findings; a passing
//! post's findings (warnings and notes that did not fail it) are listed in
//! its `<system-out>`. The output is well-formed XML whatever the posts
//! say: markup characters become entities, and characters XML 1.0 does not
//! allow are written as visible `\u{…}` escapes.

use super::Reporter;
use crate::check::{Finding, PostResult, Summary};
use crate::shared_text::SharedText;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Buffers the posts of one source so its suite's counts can go on its
/// opening tag; a suite is written when the source changes.
#[derive(Default)]
pub struct Junit {
    suite: Option<Suite>,
}

struct Suite {
    source: SharedText,
    tests: usize,
    failures: usize,
    cases: String,
}

/// Escapes text for XML 1.0 content and attribute values. Characters XML
/// does not allow, and other control characters, become `\u{…}`; tab, line
/// feed and carriage return are kept as character references so attribute
/// values keep them too.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                out.push_str(&c.escape_unicode().to_string())
            }
            c => out.push(c),
        }
    }
    out
}

/// Like [`escape_xml`] but keeps line feeds literal, for element text that
/// people read in a CI page.
fn escape_text(s: &str) -> String {
    escape_xml(s).replace("&#10;", "\n")
}

fn finding_text(out: &mut String, f: &Finding) {
    let _ = writeln!(
        out,
        "{}:{}: {} {} {}",
        f.line,
        f.column,
        f.severity.as_str(),
        f.rule,
        f.message
    );
    if !f.excerpt.is_empty() {
        let _ = writeln!(out, "  found: \"{}\"", f.excerpt);
    }
    if let Some(d) = &f.detail {
        let _ = writeln!(out, "  note: {d}");
    }
    if let Some(s) = &f.suggestion {
        let _ = writeln!(out, "  suggestion: {s}");
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn case(r: &PostResult) -> String {
    let name = format!("{}:{} (post {})", r.source, r.line, r.index + 1);
    let mut xml = format!(
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"0\"",
        escape_xml(&name),
        escape_xml(&r.source),
        escape_xml(&r.source),
        r.line
    );
    if r.findings.is_empty() {
        xml.push_str("/>\n");
        return xml;
    }
    xml.push_str(">\n");
    let mut body = String::new();
    for f in &r.findings {
        finding_text(&mut body, f);
    }
    if r.passed {
        let _ = writeln!(xml, "      <system-out>{}</system-out>", escape_text(&body));
    } else {
        let worst = r.findings.iter().map(|f| f.severity).min();
        let message = format!(
            "THINK {}/100 with {}",
            r.scorecard.overall,
            plural(r.findings.len(), "finding", "findings")
        );
        let _ = writeln!(
            xml,
            "      <failure message=\"{}\" type=\"{}\">{}</failure>",
            escape_xml(&message),
            worst.map_or("error", |s| s.as_str()),
            escape_text(&body)
        );
    }
    xml.push_str("    </testcase>\n");
    xml
}

impl Junit {
    fn flush(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if let Some(s) = self.suite.take() {
            writeln!(
                out,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"0\">",
                escape_xml(&s.source),
                s.tests,
                s.failures
            )?;
            out.write_all(s.cases.as_bytes())?;
            writeln!(out, "  </testsuite>")?;
        }
        Ok(())
    }
}

impl Reporter for Junit {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(out, "<testsuites name=\"think-lint\">")
    }

    fn post(&mut self, out: &mut dyn Write, r: &PostResult) -> io::Result<()> {
        if self.suite.as_ref().is_some_and(|s| s.source != r.source) {
            self.flush(out)?;
        }
        let suite = self.suite.get_or_insert_with(|| Suite {
            source: r.source.clone(),
            tests: 0,
            failures: 0,
            cases: String::new(),
        });
        suite.tests += 1;
        suite.failures += usize::from(!r.passed);
        suite.cases.push_str(&case(r));
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        self.flush(out)?;
        writeln!(out, "</testsuites>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(
            escape_xml("<a href='x'>&\"\u{0}\u{1b}\u{FFFE}\t\n"),
            "&lt;a href=&apos;x&apos;&gt;&amp;&quot;\\u{0}\\u{1b}\\u{fffe}&#9;&#10;"
        );
    }
}
