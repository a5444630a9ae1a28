//! `--format sarif`: a SARIF 2.1.0 log with one run, for code-scanning
//! dashboards and SARIF viewers.
//!
//! - `tool.driver.rules` describes the rules that fired (id, short and
//!   full description from the rule's message, help from its suggestion,
//!   default level, the THINK dimension and flag as tags); each result
//!   points at its rule by `ruleId` and `ruleIndex`.
//! - Regions use think-lint's 1-based lines and character columns
//!   (`columnKind` is `unicodeCodePoints`); `endColumn` is one past the last
//!   character, as in SARIF.
//! - Artifact URIs are relative references for relative paths (with `\`
//!   turned into `/` on Windows) and `file:` URIs for absolute ones, percent-
//!   encoded. A post read from stdin has no URI: its artifact location only
//!   says "standard input".
//!
//! Results are streamed as posts are checked; the `tool` object, which
//! needs the list of rules that fired, is written after them (JSON objects
//! are unordered, so the log is the same to any reader).

use super::Reporter;
use crate::check::{Finding, PostResult, Summary, UNUSED_SUPPRESSION};
use crate::model::{Dimension, Flag, Severity};
use crate::pack::Rule;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{self, Write};

/// The `$schema` written into every log.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// What the log says about one rule.
#[derive(Clone, Debug)]
struct RuleInfo {
    id: String,
    dimension: Dimension,
    flag: Option<Flag>,
    severity: Severity,
    message: String,
    suggestion: Option<String>,
}

impl RuleInfo {
    fn of_rule(r: &Rule) -> RuleInfo {
        RuleInfo {
            id: r.id.clone(),
            dimension: r.dimension,
            flag: r.flag,
            severity: r.severity,
            message: r.message.clone(),
            suggestion: r.suggestion.clone(),
        }
    }

    /// For a finding whose rule is not in the engine's list (the note about
    /// an unused suppression).
    fn of_finding(f: &Finding) -> RuleInfo {
        let message = if f.rule == UNUSED_SUPPRESSION {
            "A think-lint suppression comment hides no finding where it applies.".to_string()
        } else {
            f.message.to_string()
        };
        RuleInfo {
            id: f.rule.to_string(),
            dimension: f.dimension,
            flag: f.flag,
            severity: f.severity,
            message,
            suggestion: f.suggestion.as_deref().map(str::to_string),
        }
    }

    fn descriptor(&self) -> Value {
        let mut help = self.message.clone();
        if let Some(s) = &self.suggestion {
            help.push_str("\n\nSuggestion: ");
            help.push_str(s);
        }
        let mut tags = vec!["think-lint", self.dimension.as_str()];
        if let Some(flag) = self.flag {
            tags.push(flag.as_str());
        }
        json!({
            "id": self.id,
            "shortDescription": { "text": first_sentence(&self.message) },
            "fullDescription": { "text": self.message },
            "help": { "text": help },
            "defaultConfiguration": { "level": level(self.severity) },
            "properties": { "tags": tags },
        })
    }
}

/// The reporter. Give it the engine's rules: it describes the ones that
/// fire.
pub struct Sarif {
    known: HashMap<String, RuleInfo>,
    fired: Vec<RuleInfo>,
    index: HashMap<String, usize>,
    results: usize,
}

impl Sarif {
    pub fn new(rules: &[Rule]) -> Sarif {
        Sarif {
            known: rules
                .iter()
                .map(|r| (r.id.clone(), RuleInfo::of_rule(r)))
                .collect(),
            fired: Vec::new(),
            index: HashMap::new(),
            results: 0,
        }
    }

    fn rule_index(&mut self, f: &Finding) -> usize {
        if let Some(&i) = self.index.get(f.rule.as_str()) {
            return i;
        }
        let info = self
            .known
            .get(f.rule.as_str())
            .cloned()
            .unwrap_or_else(|| RuleInfo::of_finding(f));
        self.fired.push(info);
        self.index.insert(f.rule.to_string(), self.fired.len() - 1);
        self.fired.len() - 1
    }

    fn result(&mut self, r: &PostResult, f: &Finding) -> Value {
        let rule_index = self.rule_index(f);
        let end_line = f.end_line.max(f.line);
        let end_column = if end_line == f.line {
            f.end_column.max(f.column)
        } else {
            f.end_column.max(1)
        };
        let mut region = json!({
            "startLine": f.line.max(1),
            "startColumn": f.column.max(1),
            "endLine": end_line.max(1),
            "endColumn": end_column,
        });
        if !f.excerpt.is_empty() {
            region["snippet"] = json!({ "text": f.excerpt });
        }
        let mut properties = json!({
            "dimension": f.dimension.as_str(),
            "post": r.index,
            "score": r.scorecard.overall,
        });
        if let Some(flag) = f.flag {
            properties["flag"] = json!(flag.as_str());
        }
        let message = match &f.detail {
            Some(d) => format!("{} ({d})", f.message),
            None => f.message.to_string(),
        };
        json!({
            "ruleId": f.rule.as_str(),
            "ruleIndex": rule_index,
            "level": level(f.severity),
            "message": { "text": message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": artifact_location(&r.source),
                    "region": region,
                }
            }],
            "properties": properties,
        })
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The message up to the end of its first sentence.
fn first_sentence(s: &str) -> &str {
    s.char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?' | ';')
                && s[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map_or(s, |(i, c)| &s[..i + c.len_utf8()])
}

fn artifact_location(source: &str) -> Value {
    if crate::source::is_stdin(source) {
        return json!({ "description": { "text": "standard input" } });
    }
    json!({ "uri": uri(source) })
}

/// A URI reference for a path: relative paths stay relative, absolute
/// ones become `file:` URIs; everything but unreserved characters and `/`
/// is percent-encoded (so a `:` can never be read as a scheme).
pub fn uri(path: &str) -> String {
    let path = if cfg!(windows) {
        path.replace('\\', "/")
    } else {
        path.to_string()
    };
    let path = path.strip_prefix("./").unwrap_or(&path);
    let bytes = path.as_bytes();
    let drive = cfg!(windows)
        && bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && bytes[2] == b'/';
    let (prefix, rest) = if drive {
        (format!("file:///{}:", &path[..1]), &path[2..])
    } else if cfg!(windows) && path.starts_with("//") {
        ("file:".to_string(), path)
    } else if path.starts_with('/') {
        ("file://".to_string(), path)
    } else {
        (String::new(), path)
    };
    let mut out = prefix;
    for b in rest.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Reporter for Sarif {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(
            out,
            "{{\"$schema\":{},\"version\":\"2.1.0\",\"runs\":[{{\"columnKind\":\"unicodeCodePoints\",\"results\":[",
            json!(SCHEMA)
        )
    }

    fn post(&mut self, out: &mut dyn Write, r: &PostResult) -> io::Result<()> {
        for f in &r.findings {
            if self.results > 0 {
                out.write_all(b",")?;
            }
            self.results += 1;
            let result = self.result(r, f);
            serde_json::to_writer(&mut *out, &result)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        let mut driver = json!({
            "name": "think-lint",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": self.fired.iter().map(RuleInfo::descriptor).collect::<Vec<_>>(),
        });
        let info = [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
            .into_iter()
            .find(|u| !u.is_empty());
        if let Some(u) = info {
            driver["informationUri"] = json!(u);
        }
        let properties = json!({
            "posts": s.posts,
            "passed": s.passed,
            "failed": s.failed,
        });
        write!(
            out,
            "],\"tool\":{},\"properties\":{properties}}}]}}",
            json!({ "driver": driver })
        )?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded_references() {
        assert_eq!(uri("posts/a b.md"), "posts/a%20b.md");
        assert_eq!(uri("./x:y#1.txt"), "x%3Ay%231.txt");
        assert_eq!(uri("/srv/posts/é.md"), "file:///srv/posts/%C3%A9.md");
    }

    #[test]
    fn first_sentence_stops_at_sentence_end() {
        assert_eq!(first_sentence("No. More text."), "No.");
        assert_eq!(
            first_sentence("Costs $2.50 today. Then"),
            "Costs $2.50 today."
        );
        assert_eq!(first_sentence("no end"), "no end");
    }
}
