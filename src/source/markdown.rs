//! Markdown posts (`.md`, `.markdown`, `.mdx`): one post per file. Only
//! prose is checked — code, HTML, link targets and front matter are
//! blanked out so every finding keeps its true line and column — but the
//! front matter's `title` and `description`/`excerpt` are checked too, and
//! its `platform`, `date` and `id` become the post's metadata.

use super::suppress::{self, Builder};
use super::{Note, Post, blank_outside};
use compact_str::CompactString;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// Front-matter keys whose values are prose to check.
const PROSE_KEYS: &[&str] = &["title", "description", "excerpt", "summary"];

pub fn post(source: &str, text: &str, _notes: &mut Vec<Note>) -> Post {
    let mut keep: Vec<Range<usize>> = Vec::new();
    let mut meta = super::Metadata::default();
    let body_start = front_matter(text, &mut keep, &mut meta);
    let lines = LineIndex::new(text);
    let mut builder = Builder::default();

    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let body = &text[body_start..];
    let mdx = source.to_ascii_lowercase().ends_with(".mdx");
    let mut code_depth = 0usize;
    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        let range = range.start + body_start..range.end + body_start;
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_depth += 1,
            Event::End(TagEnd::CodeBlock) => code_depth = code_depth.saturating_sub(1),
            Event::Text(_)
                if code_depth == 0 && !(mdx && is_mdx_statement(text, range.start, &lines)) =>
            {
                keep.push(range);
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                directives(&html, range.start, text, &lines, &mut builder);
            }
            _ => {}
        }
    }
    keep.sort_by_key(|r| r.start);
    let mut post = Post::new(source, blank_outside(text, &keep));
    post.meta = meta;
    post.suppressions = builder.finish();
    post.original = Some(text.into());
    post
}

/// Finds `<!-- think-lint-… -->` comments in a chunk of HTML.
fn directives(html: &str, at: usize, text: &str, lines: &LineIndex, builder: &mut Builder) {
    let mut rest = html;
    let mut offset = at;
    while let Some(open) = rest.find("<!--") {
        let after = &rest[open + 4..];
        let Some(close) = after.find("-->") else {
            break;
        };
        if let Some((directive, rules, reason)) = suppress::parse(&after[..close]) {
            let pos = offset + open;
            let (line, column) = crate::error::line_col(text, pos);
            let comment_end = pos + 4 + close + 3;
            let next = lines.next_nonblank_line(text, comment_end);
            builder.add((line, column), directive, rules, reason, next);
        }
        let consumed = open + 4 + close + 3;
        offset += consumed;
        rest = &rest[consumed..];
    }
}

/// MDX `import`/`export` lines are code, not prose.
fn is_mdx_statement(text: &str, at: usize, lines: &LineIndex) -> bool {
    let start = lines.line_start(at);
    let line = text[start..].lines().next().unwrap_or("");
    line.starts_with("import ") || line.starts_with("export ")
}

/// Reads YAML (`---`) or TOML (`+++`) front matter at the top of the
/// file: keeps the prose values for checking and fills in metadata.
/// Returns where the Markdown body starts.
fn front_matter(text: &str, keep: &mut Vec<Range<usize>>, meta: &mut super::Metadata) -> usize {
    let fence = if text.starts_with("---\n") || text.starts_with("---\r\n") {
        "---"
    } else if text.starts_with("+++\n") || text.starts_with("+++\r\n") {
        "+++"
    } else {
        return 0;
    };
    let toml = fence == "+++";
    let mut offset = text.find('\n').map_or(text.len(), |i| i + 1);
    while offset < text.len() {
        let line_end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        let line = &text[offset..line_end];
        if line.trim_end() == fence {
            return line_end;
        }
        let sep = if toml { '=' } else { ':' };
        if !line.starts_with([' ', '\t'])
            && let Some((key, value)) = line.split_once(sep)
        {
            let key = key.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
            let value_start = offset + key_len(line, sep) + 1;
            let raw = value.trim_end_matches(['\r', '\n']);
            let lead = raw.len() - raw.trim_start().len();
            let v = raw.trim();
            let (inner, quote) = match v.chars().next() {
                Some(q @ ('"' | '\'')) if v.len() >= 2 && v.ends_with(q) => (&v[1..v.len() - 1], 1),
                _ => (v, 0),
            };
            let inner_start = value_start + lead + quote;
            if PROSE_KEYS.contains(&key.as_str())
                && !inner.is_empty()
                && !matches!(inner, "|" | ">" | "|-" | ">-")
            {
                keep.push(inner_start..inner_start + inner.len());
            }
            let value = Some(CompactString::from(inner)).filter(|s| !s.is_empty());
            match key.as_str() {
                "title" => meta.title = value,
                "platform" | "network" | "channel" => {
                    meta.platform = value.map(|mut v| {
                        v.make_ascii_lowercase();
                        v
                    })
                }
                "date" | "scheduled_at" | "publish_at" | "scheduled" => meta.scheduled = value,
                "id" => meta.id = value,
                _ => {}
            }
        }
        offset = line_end;
    }
    // An unclosed fence: not front matter after all.
    keep.clear();
    *meta = super::Metadata::default();
    0
}

fn key_len(line: &str, sep: char) -> usize {
    line.find(sep).unwrap_or(0)
}

/// Byte offsets of line starts, for finding lines quickly.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    fn line_start(&self, at: usize) -> usize {
        let i = self.starts.partition_point(|&s| s <= at);
        self.starts[i.saturating_sub(1)]
    }

    /// The 1-based number of the first non-blank line starting after `at`.
    fn next_nonblank_line(&self, text: &str, at: usize) -> usize {
        let first = self.starts.partition_point(|&s| s < at);
        for (i, &s) in self.starts.iter().enumerate().skip(first) {
            let end = self.starts.get(i + 1).copied().unwrap_or(text.len());
            if !text[s..end].trim().is_empty() {
                return i + 1;
            }
        }
        self.starts.len() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Scope;

    fn read(src: &str) -> Post {
        post("post.md", src, &mut Vec::new())
    }

    #[test]
    fn code_html_and_link_targets_are_not_prose() {
        let p = read(
            "Hi [shop](https://idiot.example.com) `idiot()`\n\n```\nyou idiot\n```\n<div>idiot</div>\n",
        );
        assert!(!p.text.contains("idiot"), "{:?}", p.text);
        assert!(p.text.contains("Hi  shop"));
        assert_eq!(p.text.lines().count(), 6);
    }

    #[test]
    fn front_matter_prose_and_metadata() {
        let p = read(
            "---\ntitle: \"Big news\"\nplatform: LinkedIn\ndate: 2026-12-01\ntags: [a, b]\n---\nBody text.\n",
        );
        assert_eq!(p.meta.platform.as_deref(), Some("linkedin"));
        assert_eq!(p.meta.scheduled.as_deref(), Some("2026-12-01"));
        assert_eq!(p.meta.title.as_deref(), Some("Big news"));
        let line2 = p.text.lines().nth(1).unwrap();
        assert_eq!(line2.trim(), "Big news");
        assert_eq!(line2.find("Big"), Some(8));
        assert!(!p.text.contains("LinkedIn") && !p.text.contains("tags"));
        assert!(p.text.contains("Body text."));
    }

    #[test]
    fn toml_front_matter() {
        let p = read("+++\ntitle = 'Hello'\nplatform = \"x\"\n+++\nBody\n");
        assert_eq!(p.meta.platform.as_deref(), Some("x"));
        assert!(p.text.contains("Hello"));
    }

    #[test]
    fn comment_directives() {
        let p = read(
            "Intro\n\n<!-- think-lint-disable-next-line kind/name-calling -- a quote -->\nYou idiot\n\n<!-- think-lint-disable sarcasm -->\nx\n<!-- think-lint-enable -->\n",
        );
        assert_eq!(p.suppressions.len(), 2);
        assert_eq!(p.suppressions[0].scope, Scope::Line(4));
        assert_eq!(p.suppressions[0].line, 3);
        assert_eq!(p.suppressions[1].scope, Scope::Lines(6, 8));
        assert!(!p.text.contains("think-lint"));
    }
}
