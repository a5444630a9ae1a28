//! Turns inputs into posts. A post knows where it came from, so findings
//! map back to the real file, line and column.

use crate::error::Error;
use std::io::Read;
use std::path::Path;

/// One post to check.
#[derive(Clone, Debug)]
pub struct Post {
    /// Display name of the source (a path, or `-` for stdin).
    pub source: String,
    /// 0-based position of the post in its source.
    pub index: usize,
    pub text: String,
    /// 1-based line and column of the post's first character in the source.
    pub line: usize,
    pub column: usize,
}

impl Post {
    pub fn new(source: impl Into<String>, text: impl Into<String>) -> Post {
        Post {
            source: source.into(),
            index: 0,
            text: text.into(),
            line: 1,
            column: 1,
        }
    }

    /// Line and column in the source of a byte offset of the post's text.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let (line, column) = crate::error::line_col(&self.text, offset);
        if line == 1 {
            (self.line, self.column + column - 1)
        } else {
            (self.line + line - 1, column)
        }
    }
}

/// What reading one input gave: its posts, and notes about it (such as
/// bytes that were not valid UTF-8).
#[derive(Debug, Default)]
pub struct Input {
    pub posts: Vec<Post>,
    pub warnings: Vec<String>,
}

/// Reads one input: a file path, or `-` for stdin. A plain-text file is one
/// post.
pub fn read(path: &str) -> Result<Input, Error> {
    let bytes = if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .map_err(|e| Error::io("<stdin>", &e))?;
        buf
    } else {
        let p = Path::new(path);
        if p.is_dir() {
            return Err(Error::Io {
                path: path.to_string(),
                message: "is a directory; name the post files inside it".to_string(),
            });
        }
        std::fs::read(p).map_err(|e| Error::io(path, &e))?
    };
    Ok(from_bytes(path, &bytes))
}

/// Decodes a plain-text post, noting where it is not valid UTF-8.
pub fn from_bytes(source: &str, bytes: &[u8]) -> Input {
    let mut warnings = Vec::new();
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(e) => {
            warnings.push(format!(
                "{source}: invalid UTF-8 at byte {}; the bad bytes are read as U+FFFD",
                e.valid_up_to()
            ));
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
    let text = text
        .strip_prefix('\u{FEFF}')
        .map(str::to_string)
        .unwrap_or(text);
    Input {
        posts: vec![Post::new(source, text)],
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_offset_by_the_post_origin() {
        let mut p = Post::new("cal.csv", "ab\ncd");
        p.line = 4;
        p.column = 7;
        assert_eq!(p.position(1), (4, 8));
        assert_eq!(p.position(4), (5, 2));
    }

    #[test]
    fn invalid_utf8_is_read_with_a_warning() {
        let input = from_bytes("x.txt", b"caf\xe9 open");
        assert_eq!(input.posts[0].text, "caf\u{FFFD} open");
        assert!(input.warnings[0].contains("byte 3"));
    }
}
