//! Writes a trained model as a `weighted` rule pack: readable, diffable
//! TOML with the terms sorted and the weights rounded.

use super::Trained;
use crate::model::{Dimension, Flag, Severity};
use std::fmt::Write as _;

/// What the pack and its one rule are called and say.
#[derive(Clone, Debug)]
pub struct PackInfo {
    pub id: String,
    pub dimension: Dimension,
    pub flag: Option<Flag>,
    pub description: String,
    pub version: String,
    /// The rule's id (e.g. `sarcasm-learned/model`).
    pub rule: String,
    pub severity: Severity,
    pub weight: u32,
    pub message: String,
    pub suggestion: Option<String>,
    pub fire: Vec<String>,
    pub pass: Vec<String>,
    /// Comment lines for the top of the file (without `#`).
    pub header: Vec<String>,
}

/// A TOML string literal.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn number(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0');
    let s = s
        .strip_suffix('.')
        .map_or(s.to_string(), |t| format!("{t}.0"));
    if s == "-0.0" { "0.0".into() } else { s }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "[]".into();
    }
    let mut out = "[\n".to_string();
    for i in items {
        let _ = writeln!(out, "    {},", quote(i));
    }
    out.push(']');
    out
}

/// The pack's TOML text.
pub fn pack_toml(info: &PackInfo, t: &Trained) -> String {
    let mut out = String::new();
    for line in &info.header {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "# {line}");
        }
    }
    if !info.header.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "[pack]");
    let _ = writeln!(out, "id = {}", quote(&info.id));
    let _ = writeln!(out, "dimension = {}", quote(info.dimension.as_str()));
    if let Some(f) = info.flag {
        let _ = writeln!(out, "flag = {}", quote(f.as_str()));
    }
    let _ = writeln!(out, "description = {}", quote(&info.description));
    let _ = writeln!(out, "version = {}", quote(&info.version));
    out.push('\n');
    let _ = writeln!(out, "[[rules]]");
    let _ = writeln!(out, "id = {}", quote(&info.rule));
    let _ = writeln!(out, "severity = {}", quote(info.severity.as_str()));
    let _ = writeln!(out, "weight = {}", info.weight);
    let _ = writeln!(out, "message = {}", quote(&info.message));
    if let Some(s) = &info.suggestion {
        let _ = writeln!(out, "suggestion = {}", quote(s));
    }
    let _ = writeln!(out, "fire = {}", list(&info.fire));
    let _ = writeln!(out, "pass = {}", list(&info.pass));
    out.push('\n');
    let _ = writeln!(out, "[rules.match]");
    let _ = writeln!(out, "kind = \"weighted\"");
    let _ = writeln!(out, "bias = {}", number(t.bias));
    let _ = writeln!(out, "threshold = {}", number(t.threshold));
    let _ = writeln!(out, "min_words = {}", t.min_words);
    out.push('\n');
    let _ = writeln!(out, "[rules.match.terms]");
    let mut terms = t.terms.clone();
    terms.sort_by(|a, b| a.0.cmp(&b.0));
    for (k, w) in &terms {
        let _ = writeln!(out, "{} = {}", quote(k), number(*w));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(number(1.5), "1.5");
        assert_eq!(number(-0.12345), "-0.1235");
        assert_eq!(number(2.0), "2.0");
        assert_eq!(number(-0.00001), "0.0");
        let q = quote("a \"b\" \\ c");
        let v: toml::Table = toml::from_str(&format!("k = {q}")).unwrap();
        assert_eq!(v["k"].as_str(), Some("a \"b\" \\ c"));
    }
}
