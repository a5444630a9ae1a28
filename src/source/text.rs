//! Plain-text posts: the whole file is one post. A line such as
//! `think-lint: disable-next-line kind/name-calling -- reason` (optionally
//! after `#` or `//`) is a suppression, not prose.

use super::suppress::{self, Builder};
use super::{Note, Post, blank_outside};
use crate::shared_text::SharedText;
use memchr::memmem;
use std::borrow::Cow;
use std::sync::LazyLock;

/// The post of a text; an owned text becomes the post's own when nothing
/// in it is blanked out.
pub fn post(source: SharedText, text: Cow<str>, _notes: &mut Vec<Note>) -> Post {
    // Every directive names think-lint: text that never does is all prose,
    // and needs no walk over its lines.
    static DIRECTIVE: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new("think-lint"));
    if DIRECTIVE.find(text.as_bytes()).is_none() {
        return Post::new(source, text.into_owned());
    }
    let text = text.as_ref();
    let mut builder = Builder::default();
    let mut keep = Vec::new();
    let mut offset = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut any = false;
    for (i, line) in lines.iter().enumerate() {
        let body = line.trim();
        let body = body
            .strip_prefix("<!--")
            .and_then(|b| b.strip_suffix("-->"))
            .or_else(|| body.strip_prefix('#'))
            .or_else(|| body.strip_prefix("//"))
            .unwrap_or(body);
        match suppress::parse(body) {
            Some((directive, rules, reason)) => {
                any = true;
                let column = line.chars().take_while(|c| c.is_whitespace()).count() + 1;
                let next = next_nonblank(&lines, i + 1).map_or(i + 2, |n| n + 1);
                builder.add((i + 1, column), directive, rules, reason, next);
            }
            None => keep.push(offset..offset + line.len()),
        }
        offset += line.len();
    }
    let mut post = Post::new(
        source,
        if any {
            blank_outside(text, &keep)
        } else {
            text.to_string()
        },
    );
    post.suppressions = builder.finish();
    if any {
        post.original = Some(text.into());
    }
    post
}

/// Index of the first line at or after `from` with something on it.
pub fn next_nonblank(lines: &[&str], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&i| !lines[i].trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Scope;

    #[test]
    fn suppression_lines_are_not_prose() {
        let p = post(
            "a.txt".into(),
            "Hello\n# think-lint: disable-next-line kind -- quoting\n\nYou idiot\n".into(),
            &mut Vec::new(),
        );
        assert!(!p.text.contains("think-lint"));
        assert_eq!(p.text.lines().count(), 4);
        assert_eq!(p.suppressions[0].scope, Scope::Line(4));
        assert_eq!(p.suppressions[0].reason.as_deref(), Some("quoting"));
    }
}
