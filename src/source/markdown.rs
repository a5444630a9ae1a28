//! Markdown posts (`.md`, `.markdown`, `.mdx`): one post per file. Only
//! prose is checked — code, HTML, link targets and front matter are
//! blanked out so every finding keeps its true line and column — but the
//! front matter's `title` and `description`/`excerpt` are checked too, and
//! its `platform`, `date` and `id` become the post's metadata.

use super::suppress::{self, Builder};
use super::{Note, Post, TextLines, blank_outside};
use compact_str::CompactString;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// Front-matter keys whose values are prose to check.
const PROSE_KEYS: &[&str] = &["title", "description", "excerpt", "summary"];

pub fn post(source: &str, text: &str, _notes: &mut Vec<Note>) -> Post {
    let mut keep: Vec<Range<usize>> = Vec::new();
    let mut meta = super::Metadata::default();
    let body_start = front_matter(text, &mut keep, &mut meta);
    let lines = TextLines::new(text);
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
                if code_depth == 0 && !(mdx && is_mdx_statement(range.start, &lines)) =>
            {
                keep.push(range);
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                directives(&html, range.start, &lines, &mut builder);
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
fn directives(html: &str, at: usize, lines: &TextLines, builder: &mut Builder) {
    let mut rest = html;
    let mut offset = at;
    while let Some(open) = rest.find("<!--") {
        let after = &rest[open + 4..];
        let Some(close) = after.find("-->") else {
            break;
        };
        if let Some((directive, rules, reason)) = suppress::parse(&after[..close]) {
            let pos = offset + open;
            let (line, column) = lines.line_col(pos);
            let comment_end = pos + 4 + close + 3;
            let next = next_nonblank_line(lines, comment_end);
            builder.add((line, column), directive, rules, reason, next);
        }
        let consumed = open + 4 + close + 3;
        offset += consumed;
        rest = &rest[consumed..];
    }
}

/// MDX `import`/`export` lines are code, not prose: the line byte `at`
/// is on.
fn is_mdx_statement(at: usize, lines: &TextLines) -> bool {
    let line = &lines.text()[lines.line_range(lines.line_index(at))];
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

/// The 1-based number of the first non-blank line of `lines`' text that
/// starts at or after byte `at`; one past the last line when none does.
fn next_nonblank_line(lines: &TextLines, at: usize) -> usize {
    let mut line = lines.line_index(at);
    if lines.line_range(line).start < at {
        line += 1;
    }
    let count = lines.line_count();
    (line..count)
        .find(|&i| !lines.text()[lines.line_range(i)].trim().is_empty())
        .unwrap_or(count)
        + 1
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

    /// A directive's next line is the first non-blank one after it,
    /// wherever the comment ends, and past the last line when none is.
    #[test]
    fn next_line_directives_skip_blank_lines() {
        for (src, line, next) in [
            (
                "Intro\n<!-- think-lint-disable-next-line sarcasm -->\n\n  \nNext one\n",
                2,
                5,
            ),
            (
                "Intro <!-- think-lint-disable-next-line sarcasm --> same\nnext\n",
                1,
                2,
            ),
            ("x\n\n<!-- think-lint-disable-next-line sarcasm -->\n", 3, 5),
            ("x\n<!-- think-lint-disable-next-line sarcasm -->", 2, 3),
        ] {
            let p = read(src);
            assert_eq!(p.suppressions.len(), 1, "{src:?}");
            assert_eq!(p.suppressions[0].line, line, "{src:?}");
            assert_eq!(p.suppressions[0].scope, Scope::Line(next), "{src:?}");
        }
    }

    /// MDX `import` and `export` lines are code, wherever the text event
    /// that starts on them begins.
    #[test]
    fn mdx_statements_are_not_prose() {
        let src =
            "import Chart from './chart'\n\nYou idiot, see\n\nexport const meta = { idiot: 1 }\n";
        let p = post("post.mdx", src, &mut Vec::new());
        assert!(
            !p.text.contains("import") && !p.text.contains("export"),
            "{:?}",
            p.text
        );
        assert!(p.text.contains("You idiot, see"));
        let same = post("post.md", src, &mut Vec::new());
        assert!(same.text.contains("import Chart"));
    }
}
