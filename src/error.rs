//! Typed errors that keep the place they refer to, all the way to the
//! renderer.

use std::fmt;
use std::ops::Range;

/// An error in a file we read (a rule pack, a configuration, an input),
/// located by line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocatedError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The rule the error is about, when there is one.
    pub rule: Option<String>,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl LocatedError {
    /// Locates `span` (a byte range of `source`) in `file`.
    pub fn at(
        file: &str,
        source: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = span.map_or((1, 1), |s| line_col(source, s.start));
        LocatedError {
            file: file.to_string(),
            line,
            column,
            rule: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn rule(mut self, id: Option<&str>) -> Self {
        self.rule = id.map(str::to_string);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for LocatedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if let Some(rule) = &self.rule {
            write!(f, "rule `{rule}`: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LocatedError {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    // Most offsets are on the first line (a post is mostly one line): the
    // line breaks are only counted when there is one.
    let (line, line_start) = match before.rfind('\n') {
        None => (1, 0),
        Some(i) => (
            before.as_bytes()[..i]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 2,
            i + 1,
        ),
    };
    (line, before[line_start..].chars().count() + 1)
}

/// Anything that stops one input, a pack or the configuration from being used.
#[derive(Clone, Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", join(.0))]
    Located(Vec<LocatedError>),
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{0}")]
    Usage(String),
}

fn join(errors: &[LocatedError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    pub fn io(path: impl fmt::Display, err: &std::io::Error) -> Error {
        let message = match err.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => err.to_string(),
        };
        Error::Io {
            path: path.to_string(),
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let src = "a = 1\nbé = \"x\"\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 6), (2, 1));
        assert_eq!(line_col(src, src.find('=').unwrap()), (1, 3));
        let eq2 = src.rfind('=').unwrap();
        assert_eq!(line_col(src, eq2), (2, 4));
    }
}
