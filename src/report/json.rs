//! `--format json`: one JSON document for the whole run, the contract
//! integrations rely on. Each post also carries a `meta` object with the
//! metadata its source gave it (`platform`, `scheduled`, `id`, `title`);
//! absent fields are left out, and so is `meta` when it would be empty.

use super::json_text::{self, Object};
use super::{Render, Reporter};
use crate::check::{Finding, PostResult, Summary};
use crate::model::Dimension;
use crate::source::Metadata;
use serde_json::Value;
use std::io::{self, Write};

#[derive(Default)]
pub struct Json {
    posts: usize,
}

/// The metadata worth printing, by key in sorted order, or `None` when the
/// source gave none (empty values count as none).
fn meta_members(meta: &Metadata) -> Option<[(&'static str, Option<&str>); 4]> {
    fn field(f: &Option<String>) -> Option<&str> {
        f.as_deref().filter(|s| !s.is_empty())
    }
    let members = [
        ("id", field(&meta.id)),
        ("platform", field(&meta.platform)),
        ("scheduled", field(&meta.scheduled)),
        ("title", field(&meta.title)),
    ];
    members.iter().any(|(_, v)| v.is_some()).then_some(members)
}

/// The JSON object of one post, as a value: what [`post_text`] writes,
/// read back.
pub fn post_value(r: &PostResult) -> Value {
    let mut text = Vec::new();
    post_text(&mut text, r);
    serde_json::from_slice(&text).expect("post_text writes valid JSON")
}

/// Appends the JSON object of one post, written by hand (see
/// [`json_text`]). Every object's members are in sorted order, so the text
/// is what `serde_json` writes for the same data as a `Value`.
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
    if let Some(meta) = meta_members(&r.meta) {
        let mut m = Object::open(o.key("meta"));
        for (key, value) in meta {
            m.optional_string(key, value);
        }
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

/// Appends the JSON object of one finding, members sorted.
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

/// Writes the JSON object of one post (see [`post_text`]).
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
