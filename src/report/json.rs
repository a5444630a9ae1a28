//! `--format json`: one JSON document for the whole run, the contract
//! integrations rely on. Each post also carries a `meta` object with the
//! metadata its source gave it (`platform`, `scheduled`, `id`, `title`);
//! absent fields are left out, and so is `meta` when it would be empty.

use super::json_text::{self, Object};
use super::{Render, Reporter};
use crate::check::{Finding, PostResult, Summary};
use crate::model::Dimension;
use crate::source::Metadata;
use serde::Serialize;
use serde_json::Value;
use std::io::{self, Write};

#[derive(Default)]
pub struct Json {
    posts: usize,
}

// The fields of each object are declared in sorted order: posts are
// written straight from these structs, and the document reads the same as
// the `Value` of `post_value`, whose objects keep their keys sorted.

#[derive(Serialize)]
struct FindingOut<'a> {
    column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    dimension: &'a str,
    end_column: usize,
    end_line: usize,
    excerpt: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    flag: Option<&'a str>,
    line: usize,
    message: &'a str,
    rule: &'a str,
    severity: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'a str>,
}

#[derive(Serialize)]
struct MetaOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
}

impl<'a> MetaOut<'a> {
    /// The metadata worth printing, or `None` when the source gave none.
    fn of(meta: &'a Metadata) -> Option<MetaOut<'a>> {
        let field = |f: &'a Option<String>| f.as_deref().filter(|s| !s.is_empty());
        let out = MetaOut {
            id: field(&meta.id),
            platform: field(&meta.platform),
            scheduled: field(&meta.scheduled),
            title: field(&meta.title),
        };
        let empty = out.platform.is_none()
            && out.scheduled.is_none()
            && out.id.is_none()
            && out.title.is_none();
        (!empty).then_some(out)
    }
}

/// The dimension scores, keyed by dimension name.
#[derive(Serialize)]
struct ScoresOut {
    helpful: u8,
    inspiring: u8,
    kind: u8,
    necessary: u8,
    #[serde(rename = "true")]
    true_: u8,
}

#[derive(Serialize)]
struct PostOut<'a> {
    findings: Vec<FindingOut<'a>>,
    flags: Vec<&'a str>,
    index: usize,
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<MetaOut<'a>>,
    passed: bool,
    score: u8,
    scores: ScoresOut,
    source: &'a str,
    tone: &'a str,
}

fn post_out(r: &PostResult) -> PostOut<'_> {
    let score = |d| r.scorecard.score(d);
    PostOut {
        findings: r
            .findings
            .iter()
            .map(|f| FindingOut {
                column: f.column,
                detail: f.detail.as_deref(),
                dimension: f.dimension.as_str(),
                end_column: f.end_column,
                end_line: f.end_line,
                excerpt: &f.excerpt,
                flag: f.flag.map(|f| f.as_str()),
                line: f.line,
                message: &f.message,
                rule: &f.rule,
                severity: f.severity.as_str(),
                suggestion: f.suggestion.as_deref(),
            })
            .collect(),
        flags: r.scorecard.flags.iter().map(|f| f.as_str()).collect(),
        index: r.index,
        line: r.line,
        meta: MetaOut::of(&r.meta),
        passed: r.passed,
        score: r.scorecard.overall,
        scores: ScoresOut {
            helpful: score(Dimension::Helpful),
            inspiring: score(Dimension::Inspiring),
            kind: score(Dimension::Kind),
            necessary: score(Dimension::Necessary),
            true_: score(Dimension::True),
        },
        source: &r.source,
        tone: r.tone.as_str(),
    }
}

/// The JSON object of one post.
pub fn post_value(r: &PostResult) -> Value {
    serde_json::to_value(post_out(r)).expect("plain data serializes")
}

/// Appends the JSON object of one post: the text of `post_value`, written
/// by hand (see [`json_text`]).
pub fn post_text(out: &mut Vec<u8>, r: &PostResult) {
    let mut o = Object::open(out);
    let findings = o.key("findings");
    findings.push(b'[');
    for (i, f) in r.findings.iter().enumerate() {
        if i > 0 {
            findings.push(b',');
        }
        finding_text(findings, f);
    }
    findings.push(b']');
    let flags = o.key("flags");
    flags.push(b'[');
    for (i, f) in r.scorecard.flags.iter().enumerate() {
        if i > 0 {
            flags.push(b',');
        }
        json_text::string(flags, f.as_str());
    }
    flags.push(b']');
    o.number("index", r.index);
    o.number("line", r.line);
    if let Some(meta) = MetaOut::of(&r.meta) {
        let mut m = Object::open(o.key("meta"));
        m.optional_string("id", meta.id);
        m.optional_string("platform", meta.platform);
        m.optional_string("scheduled", meta.scheduled);
        m.optional_string("title", meta.title);
        m.close();
    }
    o.boolean("passed", r.passed);
    o.number("score", r.scorecard.overall.into());
    let mut scores = Object::open(o.key("scores"));
    for (name, d) in [
        ("helpful", Dimension::Helpful),
        ("inspiring", Dimension::Inspiring),
        ("kind", Dimension::Kind),
        ("necessary", Dimension::Necessary),
        ("true", Dimension::True),
    ] {
        scores.number(name, r.scorecard.score(d).into());
    }
    scores.close();
    o.string("source", &r.source);
    o.string("tone", r.tone.as_str());
    o.close();
}

/// Appends the JSON object of one finding (members sorted, as in
/// [`FindingOut`]).
fn finding_text(out: &mut Vec<u8>, f: &Finding) {
    let mut o = Object::open(out);
    o.number("column", f.column);
    o.optional_string("detail", f.detail.as_deref());
    o.string("dimension", f.dimension.as_str());
    o.number("end_column", f.end_column);
    o.number("end_line", f.end_line);
    o.string("excerpt", &f.excerpt);
    o.optional_string("flag", f.flag.map(|f| f.as_str()));
    o.number("line", f.line);
    o.string("message", &f.message);
    o.string("rule", &f.rule);
    o.string("severity", f.severity.as_str());
    o.optional_string("suggestion", f.suggestion.as_deref());
    o.close();
}

/// Writes the JSON object of one post (the text of `post_value`).
pub fn write_post(out: &mut dyn Write, r: &PostResult) -> io::Result<()> {
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    // Formatted into a buffer first: one write per post instead of one per
    // piece of JSON.
    BUF.with_borrow_mut(|buf| {
        buf.clear();
        post_text(buf, r);
        out.write_all(buf)
    })
}

impl Reporter for Json {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"{\"version\":1,\"posts\":[")
    }

    fn post(&mut self, out: &mut dyn Write, result: &PostResult) -> io::Result<()> {
        if self.posts > 0 {
            out.write_all(b",")?;
        }
        self.posts += 1;
        write_post(out, result)
    }

    fn finish(&mut self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        let summary = serde_json::json!({
            "posts": s.posts,
            "passed": s.passed,
            "failed": s.failed,
            "findings": s.findings,
        });
        write!(out, "],\"summary\":{summary}}}")?;
        out.write_all(b"\n")
    }

    fn renderer(&self) -> Option<Box<dyn Render>> {
        Some(Box::new(Json::default()))
    }

    fn rendered(&mut self, out: &mut dyn Write, text: &[u8]) -> io::Result<()> {
        if self.posts > 0 {
            out.write_all(b",")?;
        }
        self.posts += 1;
        out.write_all(text)
    }
}

impl Render for Json {
    fn render(&self, out: &mut Vec<u8>, result: &PostResult) -> io::Result<()> {
        post_text(out, result);
        Ok(())
    }
}
