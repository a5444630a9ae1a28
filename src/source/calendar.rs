//! Content calendars: CSV/TSV (one post per row), JSON (an array of
//! objects, or an object holding one), JSON Lines (one object per line) and
//! YAML (a list of post mappings, or a mapping holding one). Each row or
//! item is one post, located at the real line and column of its text in the
//! file.
//!
//! The text is the field named `text`, `post`, `message`, `content`,
//! `caption` or `body` (in that order of preference, case-insensitive), or
//! the one named by `--field`. A row's `platform`/`network`/`channel`,
//! `date`/`scheduled_at`/`publish_at`/`time` and `id` become the post's
//! metadata. A `think-lint:` line in the text cell, or in a `notes` /
//! `think-lint` cell, is a suppression.
//!
//! CSV, TSV, JSON Lines and JSON arrays are read item by item from a
//! buffered reader, so a large calendar is never held whole; YAML is loaded
//! whole (aliases are never expanded, so an alias bomb costs nothing).
//!
//! One bad row or item is a [`Note`] and the rest is still read; a calendar
//! with no text field at all is an error.

mod delimited;
mod json;
mod yaml;

use super::source_map::{self, SourceMap, Spelling};
use super::suppress::{self, Directive, Scope, Suppression};
use super::{Kind, Metadata, Note, Options, Post};
use crate::error::{Error, LocatedError, line_col};
use crate::shared_text::SharedText;
use compact_str::CompactString;
use std::borrow::Cow;
use std::io::BufRead;

/// Field names that hold a post's text, most preferred first.
pub const TEXT_FIELDS: &[&str] = &["text", "post", "message", "content", "caption", "body"];
const PLATFORM_FIELDS: &[&str] = &["platform", "network", "channel"];
const SCHEDULED_FIELDS: &[&str] = &[
    "date",
    "scheduled_at",
    "publish_at",
    "time",
    "scheduled",
    "scheduled_for",
    "publish_date",
    "datetime",
];
const ID_FIELDS: &[&str] = &["id", "post_id"];
/// Fields whose `think-lint:` lines suppress rules for the whole post.
const NOTE_FIELDS: &[&str] = &["think_lint", "lint", "notes", "note", "comments", "comment"];

/// Reads a calendar of the given kind from `reader`, handing each post to
/// `on_post`.
pub fn read(
    source: &str,
    kind: Kind,
    reader: impl BufRead,
    opts: &Options,
    on_post: &mut dyn FnMut(Post),
) -> Result<Vec<Note>, Error> {
    let mut sink = Sink::new(source, opts, on_post);
    match kind {
        Kind::Csv => delimited::read(reader, b',', &mut sink)?,
        Kind::Tsv => delimited::read(reader, b'\t', &mut sink)?,
        Kind::Json => json::read_array(reader, &mut sink)?,
        Kind::JsonLines => json::read_lines(reader, &mut sink)?,
        Kind::Yaml => yaml::read(reader, &mut sink)?,
        Kind::Text | Kind::Markdown => {
            return Err(Error::Usage(format!("{source}: not a calendar")));
        }
    }
    Ok(sink.notes)
}

/// A header or key name, made comparable: trimmed, lower-case, with spaces
/// and dashes as underscores (`Scheduled At` is `scheduled_at`).
fn normalize(name: &str) -> String {
    name.trim()
        .trim_start_matches('\u{FEFF}')
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Which field of a row or item holds what.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Roles {
    pub text: usize,
    pub platform: Option<usize>,
    pub scheduled: Option<usize>,
    pub id: Option<usize>,
    pub note: Option<usize>,
}

impl Roles {
    /// Finds the fields among `names`; `None` when none holds the text.
    pub fn find<S: AsRef<str>>(names: &[S], field: Option<&str>) -> Option<Roles> {
        let names: Vec<String> = names.iter().map(|n| normalize(n.as_ref())).collect();
        let first = |wanted: &[&str]| {
            wanted
                .iter()
                .find_map(|w| names.iter().position(|n| n == w))
        };
        let text = match field {
            Some(f) => {
                let f = normalize(f);
                names.iter().position(|n| *n == f)?
            }
            None => first(TEXT_FIELDS)?,
        };
        let other = |i: Option<usize>| i.filter(|&i| i != text);
        Some(Roles {
            text,
            platform: other(first(PLATFORM_FIELDS)),
            scheduled: other(first(SCHEDULED_FIELDS)),
            id: other(first(ID_FIELDS)),
            note: other(first(NOTE_FIELDS)),
        })
    }

    /// The metadata of a row, given a way to read a field as text.
    pub fn meta<'v>(&self, value: impl Fn(usize) -> Option<Cow<'v, str>>) -> Metadata {
        let get = |i: Option<usize>| {
            i.and_then(&value)
                .map(|v| CompactString::from(v.trim()))
                .filter(|v| !v.is_empty())
        };
        Metadata {
            platform: get(self.platform).map(lower_case),
            scheduled: get(self.scheduled),
            id: get(self.id),
            title: None,
        }
    }
}

/// `s` in lower case; platform names mostly are already, and are then
/// kept as they are.
fn lower_case(s: CompactString) -> CompactString {
    if s.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        s.as_str().to_lowercase().into()
    } else {
        s
    }
}

/// The error for a calendar none of whose fields holds the text.
fn no_text_field(
    source: &str,
    at: (usize, usize),
    what: &str,
    names: &[impl AsRef<str>],
    field: Option<&str>,
) -> Error {
    let seen = if names.is_empty() {
        format!("it has no {what}")
    } else {
        let list: Vec<String> = names
            .iter()
            .map(|n| format!("`{}`", n.as_ref().trim()))
            .collect();
        format!("the {what} are {}", list.join(", "))
    };
    let (message, help) = match field {
        Some(f) => (
            format!("no {what} named `{f}` (from --field); {seen}"),
            "pass --field with one of those names".to_string(),
        ),
        None => (
            format!(
                "no text field: expected one named {}; {seen}",
                TEXT_FIELDS.join(", ")
            ),
            "name the field that holds each post's text with --field NAME".to_string(),
        ),
    };
    Error::Located(vec![LocatedError {
        file: source.to_string(),
        line: at.0,
        column: at.1,
        rule: None,
        message,
        help: Some(help),
    }])
}

/// Position `rel` (1-based, relative to a piece of text) made absolute
/// given where the piece starts in the file.
fn shift(start: (usize, usize), (l, c): (usize, usize)) -> (usize, usize) {
    source_map::follow((1, 1), start, (l.max(1), c))
}

/// A cell's text, where it starts in the file, and where its characters
/// are when the file spells some of them differently.
pub(crate) struct Cell<'t> {
    pub text: Cow<'t, str>,
    pub at: (usize, usize),
    pub map: SourceMap,
}

impl<'t> Cell<'t> {
    /// A cell whose text is written in the file as `raw` starts with,
    /// `raw` starting at `raw_at`; `at` is where the text is said to start.
    pub fn spelled(
        text: Cow<'t, str>,
        at: (usize, usize),
        raw: &str,
        spelling: Spelling,
        raw_at: (usize, usize),
    ) -> Self {
        let map = source_map::align(&text, raw, spelling, at, raw_at);
        Cell { text, at, map }
    }

    /// A cell written in the file as itself.
    pub fn plain(text: Cow<'t, str>, at: (usize, usize)) -> Self {
        Cell {
            text,
            at,
            map: SourceMap::default(),
        }
    }

    /// The file position of a line and column of the text.
    fn place(&self, text_at: (usize, usize)) -> (usize, usize) {
        self.map.place(self.at, text_at)
    }
}

/// Collects posts and notes while a calendar is read.
pub(crate) struct Sink<'a> {
    pub source: &'a str,
    /// `source` as each post carries it.
    name: SharedText,
    pub opts: &'a Options,
    on_post: &'a mut dyn FnMut(Post),
    pub notes: Vec<Note>,
    /// Whether a row or item with a text field has been seen: until then, an
    /// item without one means the calendar has none.
    pub found_text: bool,
    /// The last item's keys and their roles: the items of a calendar mostly
    /// have the same keys, so their roles are found once.
    last_roles: Option<(Vec<String>, Roles)>,
}

impl<'a> Sink<'a> {
    fn new(source: &'a str, opts: &'a Options, on_post: &'a mut dyn FnMut(Post)) -> Self {
        Sink {
            source,
            name: source.into(),
            opts,
            on_post,
            notes: Vec::new(),
            found_text: false,
            last_roles: None,
        }
    }

    fn located(&self, (line, column): (usize, usize), message: String) -> LocatedError {
        LocatedError {
            file: self.source.to_string(),
            line,
            column,
            rule: None,
            message,
            help: None,
        }
    }

    pub fn error(&mut self, at: (usize, usize), message: impl Into<String>) {
        let e = self.located(at, message.into());
        self.notes.push(Note::error(e));
    }

    /// The roles of an item's keys. An item with no text field ends the
    /// read when no earlier item had one (the calendar has none: `Err`);
    /// otherwise it is skipped with a note (`Ok(None)`).
    pub fn roles_of_item<S: AsRef<str>>(
        &mut self,
        names: &[S],
        at: (usize, usize),
        what: &str,
        index: usize,
    ) -> Result<Option<Roles>, Error> {
        if let Some((last, roles)) = &self.last_roles
            && last.len() == names.len()
            && last.iter().zip(names).all(|(l, n)| l == n.as_ref())
        {
            return Ok(Some(roles.clone()));
        }
        let field = self.opts.field.clone();
        if let Some(roles) = Roles::find(names, field.as_deref()) {
            self.found_text = true;
            let owned = names.iter().map(|n| n.as_ref().to_string()).collect();
            self.last_roles = Some((owned, roles.clone()));
            return Ok(Some(roles));
        }
        let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
        if !self.found_text {
            return Err(no_text_field(
                self.source,
                at,
                "keys",
                &names,
                field.as_deref(),
            ));
        }
        self.error(
            at,
            format!(
                "{what} {} has no text field (its keys are {}); skipped",
                index + 1,
                names.join(", ")
            ),
        );
        Ok(None)
    }

    pub fn warning(&mut self, at: (usize, usize), message: impl Into<String>) {
        let e = self.located(at, message.into());
        self.notes.push(Note::warning(e));
    }

    /// The most bytes one row or item may take before it is skipped
    /// unread: room for the largest post plus its other fields and escapes.
    pub fn item_limit(&self) -> usize {
        self.opts
            .max_post_bytes
            .saturating_mul(2)
            .saturating_add(64 << 10)
    }

    /// [`Sink::lossy`] for bytes the caller gives up: valid UTF-8 becomes
    /// a string without a copy.
    pub fn lossy_owned(&mut self, bytes: Vec<u8>, at: (usize, usize)) -> String {
        match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => self.lossy(e.as_bytes(), at).into_owned(),
        }
    }

    /// Decodes bytes that start at `at` in the file, noting where they are
    /// not valid UTF-8.
    pub fn lossy<'b>(&mut self, bytes: &'b [u8], at: (usize, usize)) -> Cow<'b, str> {
        match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(e) => {
                let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
                let pos = shift(at, line_col(good, good.len()));
                self.warning(
                    pos,
                    format!(
                        "invalid UTF-8 on line {}; the bad bytes are read as U+FFFD",
                        pos.0
                    ),
                );
                String::from_utf8_lossy(bytes)
            }
        }
    }

    /// Hands one post on: `text` is its cell; `note` is a notes cell that
    /// may carry suppressions.
    pub fn emit(&mut self, index: usize, cell: Cell, meta: Metadata, note: Option<Cell>) {
        let Cell { text, at, map } = cell;
        if text.len() > self.opts.max_post_bytes {
            self.error(
                at,
                format!(
                    "post {} is {} bytes, more than the {}-byte limit for one post; skipped (raise max_post_bytes in think-lint.toml to check it)",
                    index + 1,
                    text.len(),
                    self.opts.max_post_bytes
                ),
            );
            return;
        }
        let mut post = super::text::post(self.name.clone(), text, &mut self.notes);
        if post.text.trim().is_empty() {
            self.warning(at, format!("post {} is empty; nothing to check", index + 1));
            return;
        }
        post.index = index;
        post.line = at.0;
        post.column = at.1;
        post.meta = meta;
        // Scopes count the text's lines from the post's first line, as
        // `Post::text_line` does; the place of a suppression is the file's.
        for s in &mut post.suppressions {
            (s.line, s.column) = map.place(at, (s.line, s.column));
            s.scope = match s.scope {
                Scope::Line(l) => Scope::Line(l + at.0 - 1),
                Scope::Lines(a, b) => Scope::Lines(a + at.0 - 1, b.saturating_add(at.0 - 1)),
                Scope::File => Scope::File,
            };
        }
        post.map = map;
        if let Some(note) = note {
            // Blanking keeps line breaks: the post has the text's lines.
            let last = at.0 + memchr::memchr_iter(b'\n', post.text.as_bytes()).count();
            post.suppressions
                .extend(note_suppressions(&note, (at.0, last)));
        }
        (self.on_post)(post);
    }
}

/// Suppressions written in a notes cell: each `think-lint:` line there
/// applies to the whole post (lines `first` to `last`, as suppressions
/// count them).
fn note_suppressions(note: &Cell, (first, last): (usize, usize)) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (i, line) in note.text.lines().enumerate() {
        let Some((directive, rules, reason)) = suppress::parse(line) else {
            continue;
        };
        if directive == Directive::Enable {
            continue;
        }
        let indent = line.chars().take_while(|c| c.is_whitespace()).count();
        let (line, column) = note.place((i + 1, indent + 1));
        out.push(Suppression {
            scope: Scope::Lines(first, last),
            rules,
            reason,
            line,
            column,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_field_is_found_by_name_in_order_of_preference() {
        let r = Roles::find(&["ID", "Body", "Post", "Network", "Scheduled At"], None).unwrap();
        assert_eq!(r.text, 2);
        assert_eq!(r.id, Some(0));
        assert_eq!(r.platform, Some(3));
        assert_eq!(r.scheduled, Some(4));
        assert!(Roles::find(&["id", "copy"], None).is_none());
        assert_eq!(Roles::find(&["id", "Copy"], Some("copy")).unwrap().text, 1);
        assert!(Roles::find(&["id", "text"], Some("copy")).is_none());
    }

    #[test]
    fn metadata_is_trimmed_and_the_platform_lower_cased() {
        let r = Roles::find(&["text", "platform", "id"], None).unwrap();
        let vals = ["hi", " LinkedIn ", ""];
        let m = r.meta(|i| Some(Cow::Borrowed(vals[i])));
        assert_eq!(m.platform.as_deref(), Some("linkedin"));
        assert_eq!(m.id, None);
        for name in ["x", "LinkedIn", "ÉCOLE", "ǅ", "tiktok"] {
            assert_eq!(lower_case(name.into()), name.to_lowercase());
        }
    }

    #[test]
    fn shifting_positions() {
        assert_eq!(shift((4, 7), (1, 3)), (4, 9));
        assert_eq!(shift((4, 7), (3, 2)), (6, 2));
    }

    #[test]
    fn no_text_field_names_what_it_saw() {
        let e = no_text_field("c.csv", (1, 1), "columns", &["id", "copy"], None);
        let s = e.to_string();
        assert!(s.contains("c.csv:1:1"), "{s}");
        assert!(s.contains("`id`, `copy`") && s.contains("--field"), "{s}");
    }
}
