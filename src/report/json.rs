//! `--format json`: one JSON document for the whole run, the contract
//! integrations rely on. Each post also carries a `meta` object with the
//! metadata its source gave it (`platform`, `scheduled`, `id`, `title`);
//! absent fields are left out, and so is `meta` when it would be empty.

use super::Reporter;
use crate::check::{PostResult, Summary};
use crate::model::Dimension;
use crate::source::Metadata;
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::{self, Write};

#[derive(Default)]
pub struct Json {
    posts: usize,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    rule: &'a str,
    dimension: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    flag: Option<&'a str>,
    severity: &'a str,
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    excerpt: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'a str>,
}

#[derive(Serialize)]
struct MetaOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    platform: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
}

impl<'a> MetaOut<'a> {
    /// The metadata worth printing, or `None` when the source gave none.
    fn of(meta: &'a Metadata) -> Option<MetaOut<'a>> {
        let field = |f: &'a Option<String>| f.as_deref().filter(|s| !s.is_empty());
        let out = MetaOut {
            platform: field(&meta.platform),
            scheduled: field(&meta.scheduled),
            id: field(&meta.id),
            title: field(&meta.title),
        };
        let empty = out.platform.is_none()
            && out.scheduled.is_none()
            && out.id.is_none()
            && out.title.is_none();
        (!empty).then_some(out)
    }
}

#[derive(Serialize)]
struct PostOut<'a> {
    source: &'a str,
    index: usize,
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<MetaOut<'a>>,
    passed: bool,
    score: u8,
    scores: Map<String, Value>,
    flags: Vec<&'a str>,
    tone: &'a str,
    findings: Vec<FindingOut<'a>>,
}

/// The JSON object of one post.
pub fn post_value(r: &PostResult) -> Value {
    let scores = Dimension::ALL
        .iter()
        .map(|d| (d.as_str().to_string(), Value::from(r.scorecard.score(*d))))
        .collect();
    let out = PostOut {
        source: &r.source,
        index: r.index,
        line: r.line,
        meta: MetaOut::of(&r.meta),
        passed: r.passed,
        score: r.scorecard.overall,
        scores,
        flags: r.scorecard.flags.iter().map(|f| f.as_str()).collect(),
        tone: r.tone.as_str(),
        findings: r
            .findings
            .iter()
            .map(|f| FindingOut {
                rule: &f.rule,
                dimension: f.dimension.as_str(),
                flag: f.flag.map(|f| f.as_str()),
                severity: f.severity.as_str(),
                message: &f.message,
                line: f.line,
                column: f.column,
                end_line: f.end_line,
                end_column: f.end_column,
                excerpt: &f.excerpt,
                detail: f.detail.as_deref(),
                suggestion: f.suggestion.as_deref(),
            })
            .collect(),
    };
    serde_json::to_value(out).expect("plain data serializes")
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
        serde_json::to_writer(&mut *out, &post_value(result))?;
        Ok(())
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
}
