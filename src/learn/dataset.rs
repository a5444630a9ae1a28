//! Labeled posts in JSON Lines: one `{"id": …, "text": "…", "label": "…"}`
//! object per line. Blank lines are skipped; a bad line is an error that
//! names the file and line.

use crate::error::{Error, LocatedError};
use serde::Deserialize;
use std::path::Path;

/// One labeled post.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// The post's id as written (a number or a string); the 0-based line
    /// index when the line has none.
    pub id: serde_json::Value,
    pub text: String,
    pub label: String,
}

#[derive(Deserialize)]
struct Line {
    id: Option<serde_json::Value>,
    text: Option<String>,
    label: Option<serde_json::Value>,
}

/// Stop collecting after this many bad lines.
const MAX_ERRORS: usize = 20;

/// Reads a labeled JSON Lines file.
pub fn read(path: &Path) -> Result<Vec<Example>, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path.display(), &e))?;
    let origin = path.display().to_string();
    let source = String::from_utf8(bytes).map_err(|e| {
        let (line, column) = crate::error::line_col(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        Error::Located(vec![LocatedError {
            file: origin.clone(),
            line,
            column,
            rule: None,
            message: "labeled data must be UTF-8 text".into(),
            help: None,
        }])
    })?;
    parse(&source, &origin)
}

/// Parses labeled JSON Lines; `origin` names the file in errors.
pub fn parse(source: &str, origin: &str) -> Result<Vec<Example>, Error> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (n, raw) in source.split('\n').enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let fail = |column: usize, message: String| {
            LocatedError {
            file: origin.to_string(),
            line: n + 1,
            column,
            rule: None,
            message,
            help: Some(
                "each line must be a JSON object like {\"id\": 1, \"text\": \"…\", \"label\": \"…\"}"
                    .into(),
            ),
        }
        };
        match serde_json::from_str::<Line>(line) {
            Err(e) => errors.push(fail(e.column().max(1), format!("not valid JSON: {e}"))),
            Ok(Line { text: None, .. }) => errors.push(fail(1, "no \"text\" string".into())),
            Ok(Line { label: None, .. }) => errors.push(fail(1, "no \"label\"".into())),
            Ok(Line {
                id,
                text: Some(text),
                label: Some(label),
            }) => {
                let label = match label {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    _ => {
                        errors.push(fail(1, "\"label\" must be a string or a number".into()));
                        continue;
                    }
                };
                if label.trim().is_empty() {
                    errors.push(fail(1, "\"label\" is empty".into()));
                    continue;
                }
                out.push(Example {
                    id: id.unwrap_or_else(|| serde_json::Value::from(n)),
                    text,
                    label,
                });
            }
        }
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if !errors.is_empty() {
        return Err(Error::Located(errors));
    }
    if out.is_empty() {
        return Err(Error::Usage(format!("{origin}: no labeled posts")));
    }
    Ok(out)
}

/// The distinct labels of a data set, sorted.
pub fn labels(data: &[Example]) -> Vec<String> {
    let set: std::collections::BTreeSet<&str> = data.iter().map(|e| e.label.as_str()).collect();
    set.into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lines_and_locates_errors() {
        let ok = parse(
            "{\"id\": 3, \"text\": \"hi\", \"label\": \"a\"}\n\n{\"text\": \"yo\", \"label\": 1}\n",
            "d.jsonl",
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].id, serde_json::json!(3));
        assert_eq!(ok[1].id, serde_json::json!(2));
        assert_eq!(ok[1].label, "1");
        let err = parse(
            "{\"id\": 1, \"text\": \"x\", \"label\": \"a\"}\n{\"id\": 2, \"text\": \n{\"id\": 3}\n",
            "d.jsonl",
        )
        .unwrap_err();
        let Error::Located(errs) = err else {
            panic!("located")
        };
        assert_eq!(errs.len(), 2);
        assert_eq!((errs[0].file.as_str(), errs[0].line), ("d.jsonl", 2));
        assert!(errs[1].message.contains("text"), "{}", errs[1].message);
        assert!(errs[1].to_string().starts_with("d.jsonl:3:"));
    }
}
