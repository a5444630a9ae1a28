//! `--format json`: one JSON document for the whole run, the contract
//! integrations rely on. Each post also carries a `meta` object with the
//! metadata its source gave it (`platform`, `scheduled`, `id`, `title`);
//! absent fields are left out, and so is `meta` when it would be empty.

use super::{Render, Reporter};
use crate::check::{Finding, PostResult, Summary};
use crate::json_text::{self, Object};
use crate::model::Dimension;
use crate::shared_text::SharedText;
use crate::source::Metadata;
use compact_str::CompactString;
use serde_json::Value;
use std::io::{self, Write};

#[derive(Default)]
pub struct Json {
    posts: usize,
}

/// The metadata worth printing, by key in sorted order, or `None` when the
/// source gave none (empty values count as none).
fn meta_members(meta: &Metadata) -> Option<[(&'static str, Option<&str>); 4]> {
    fn field(f: &Option<CompactString>) -> Option<&str> {
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
/// is what `serde_json` writes for the same data as a `Value`. Members are
/// written with their punctuation and name as one constant (`,"line":`),
/// which costs a few stores rather than a call per piece; a string's
/// quotes are in the constants before and after it (`,"rule":"` and
/// `","severity":"`).
pub fn post_text(out: &mut Vec<u8>, r: &PostResult) {
    out.extend_from_slice(b"{\"findings\":[");
    for (i, f) in r.findings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        finding_text(out, f);
    }
    out.extend_from_slice(b"],\"flags\":[");
    for (i, f) in r.scorecard.flags.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_text::plain_string(out, f.as_str());
    }
    out.extend_from_slice(b"],\"index\":");
    json_text::number(out, r.index as u64);
    out.extend_from_slice(b",\"line\":");
    json_text::number(out, r.line as u64);
    if let Some(meta) = meta_members(&r.meta) {
        out.extend_from_slice(b",\"meta\":");
        let mut m = Object::open(out);
        for (key, value) in meta {
            m.optional_string(key, value);
        }
        m.close();
    }
    out.extend_from_slice(if r.passed {
        b",\"passed\":true"
    } else {
        b",\"passed\":false"
    });
    out.extend_from_slice(b",\"score\":");
    json_text::number(out, r.scorecard.overall.into());
    // Written out rather than looped over, so each name is a constant.
    let score = |d: Dimension| u64::from(r.scorecard.score(d));
    out.extend_from_slice(b",\"scores\":{\"helpful\":");
    json_text::number(out, score(Dimension::Helpful));
    out.extend_from_slice(b",\"inspiring\":");
    json_text::number(out, score(Dimension::Inspiring));
    out.extend_from_slice(b",\"kind\":");
    json_text::number(out, score(Dimension::Kind));
    out.extend_from_slice(b",\"necessary\":");
    json_text::number(out, score(Dimension::Necessary));
    out.extend_from_slice(b",\"true\":");
    json_text::number(out, score(Dimension::True));
    out.extend_from_slice(b"},\"source\":\"");
    shared_body(out, &r.source);
    out.extend_from_slice(b"\",\"tone\":");
    json_text::plain_string(out, r.tone.as_str());
    out.push(b'}');
}

/// Appends the JSON object of one finding, members sorted.
fn finding_text(out: &mut Vec<u8>, f: &Finding) {
    out.extend_from_slice(b"{\"column\":");
    json_text::number(out, f.column as u64);
    if let Some(detail) = &f.detail {
        out.extend_from_slice(b",\"detail\":\"");
        json_text::string_body(out, detail);
        out.push(b'"');
    }
    out.extend_from_slice(b",\"dimension\":");
    json_text::plain_string(out, f.dimension.as_str());
    out.extend_from_slice(b",\"end_column\":");
    json_text::number(out, f.end_column as u64);
    out.extend_from_slice(b",\"end_line\":");
    json_text::number(out, f.end_line as u64);
    out.extend_from_slice(b",\"excerpt\":\"");
    json_text::string_body(out, &f.excerpt);
    out.push(b'"');
    if let Some(flag) = f.flag {
        out.extend_from_slice(b",\"flag\":");
        json_text::plain_string(out, flag.as_str());
    }
    out.extend_from_slice(b",\"line\":");
    json_text::number(out, f.line as u64);
    out.extend_from_slice(b",\"message\":\"");
    shared_body(out, &f.message);
    out.extend_from_slice(b"\",\"rule\":\"");
    shared_body(out, &f.rule);
    out.extend_from_slice(b"\",\"severity\":");
    json_text::plain_string(out, f.severity.as_str());
    match &f.suggestion {
        Some(suggestion) => {
            out.extend_from_slice(b",\"suggestion\":\"");
            shared_body(out, suggestion);
            out.extend_from_slice(b"\"}");
        }
        None => out.push(b'}'),
    }
}

/// Appends what [`json_text::string_body`] writes for shared text (a
/// rule's message, a post's source), copied as it is when it is known to
/// have nothing to escape.
fn shared_body(out: &mut Vec<u8>, s: &SharedText) {
    if s.is_json_plain() {
        out.extend_from_slice(s.as_bytes());
    } else {
        json_text::string_body(out, s);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_text_is_written_as_any_string() {
        for s in [
            "plain",
            "say \"hi\"",
            "back\\slash",
            "line\nbreak",
            "\u{1}",
            "é ’ 😀",
        ] {
            let (mut shared, mut general) = (Vec::new(), Vec::new());
            shared_body(&mut shared, &SharedText::new(s));
            json_text::string_body(&mut general, s);
            assert_eq!(shared, general, "{s:?}");
        }
    }
}
