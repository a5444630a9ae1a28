//! YAML calendars: a list of post mappings, or a mapping holding one such
//! list (`posts: [...]`); a document that is a single post mapping is one
//! post. Several documents (`---`) are read one after another.
//!
//! The file is parsed into events with `saphyr-parser` (which gives every
//! event its line and column) and built into a small tree. Aliases are
//! never expanded: an alias is a pointer to its anchor's node, followed at
//! most one step (a scalar's value, or the fields of a `<<: *defaults`
//! merge). So an alias bomb ("billion laughs") costs no more than its own
//! bytes, and an alias used as a whole post is refused. Nesting deeper than
//! [`MAX_DEPTH`] is refused too.

use super::{Cell, Roles, Sink};
use crate::error::{Error, LocatedError};
use crate::source::source_map::Spelling;
use saphyr_parser::{Event, Marker, Parser, ScalarStyle};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::rc::Rc;

/// How deeply lists and mappings may nest; a calendar needs three or four.
pub const MAX_DEPTH: usize = 64;

#[derive(Debug)]
enum Node {
    Scalar {
        value: String,
        style: ScalarStyle,
        at: Marker,
    },
    Seq {
        items: Vec<Rc<Node>>,
        at: Marker,
    },
    Map {
        entries: Vec<(Rc<Node>, Rc<Node>)>,
        at: Marker,
        /// False when a syntax error cut the mapping short.
        complete: bool,
    },
    Alias {
        target: Option<Rc<Node>>,
        at: Marker,
    },
}

impl Node {
    fn at(&self) -> Marker {
        match self {
            Node::Scalar { at, .. }
            | Node::Seq { at, .. }
            | Node::Map { at, .. }
            | Node::Alias { at, .. } => *at,
        }
    }

    /// The node itself, or the one an alias points at.
    fn resolved(&self) -> Option<&Node> {
        match self {
            Node::Alias { target, .. } => target.as_deref(),
            node => Some(node),
        }
    }

    fn is_null(&self) -> bool {
        matches!(self, Node::Scalar { value, style: ScalarStyle::Plain, .. }
            if matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    fn kind(&self) -> &'static str {
        match self {
            Node::Scalar { .. } if self.is_null() => "empty",
            Node::Scalar { .. } => "a scalar",
            Node::Seq { .. } => "a list",
            Node::Map { .. } => "a mapping",
            Node::Alias { .. } => "an alias",
        }
    }

    fn text(&self) -> Option<&str> {
        match self {
            Node::Scalar { value, .. } if !self.is_null() => Some(value),
            _ => None,
        }
    }
}

fn pos(m: Marker) -> (usize, usize) {
    (m.line().max(1), m.col() + 1)
}

enum Frame {
    Seq(Vec<Rc<Node>>, Marker, usize),
    Map(Vec<(Rc<Node>, Rc<Node>)>, Option<Rc<Node>>, Marker, usize),
}

/// Builds document trees from parser events.
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Rc<Node>>,
    root: Option<Rc<Node>>,
}

impl Builder {
    fn anchor(&mut self, id: usize, node: Node) -> Rc<Node> {
        let node = Rc::new(node);
        if id > 0 {
            self.anchors.insert(id, Rc::clone(&node));
        }
        node
    }

    fn push(&mut self, node: Rc<Node>) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq(items, ..)) => items.push(node),
            Some(Frame::Map(entries, key, ..)) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }

    /// Closes the innermost open list or mapping.
    fn close(&mut self, complete: bool) {
        let node = match self.stack.pop() {
            Some(Frame::Seq(items, at, id)) => self.anchor(id, Node::Seq { items, at }),
            Some(Frame::Map(entries, _, at, id)) => self.anchor(
                id,
                Node::Map {
                    entries,
                    at,
                    complete,
                },
            ),
            None => return,
        };
        self.push(node);
    }
}

pub fn read(mut reader: impl Read, sink: &mut Sink) -> Result<(), Error> {
    let source = sink.source;
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(source, &e))?;
    let (text, notes) = crate::source::decode(source, &bytes);
    drop(bytes);
    sink.notes.extend(notes);
    let mut ctx = Ctx {
        alias_budget: text.len() + (1 << 20),
        file: &text,
        line_starts: std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect(),
    };
    let mut b = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
    };
    let mut index = 0;
    let mut documents = 0;
    for event in Parser::new_from_str(&text) {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => {
                sink.error(
                    pos(*e.marker()),
                    format!(
                        "YAML syntax error: {}; the rest of the file is not read",
                        e.info()
                    ),
                );
                // Check the posts read whole before the error.
                while !b.stack.is_empty() {
                    b.close(false);
                }
                if let Some(root) = b.root.take() {
                    document(&root, sink, &mut ctx, &mut index)?;
                }
                return Ok(());
            }
        };
        match event {
            Event::Scalar(value, style, id, _) => {
                let node = b.anchor(
                    id,
                    Node::Scalar {
                        value: value.into_owned(),
                        style,
                        at: span.start,
                    },
                );
                b.push(node);
            }
            Event::SequenceStart(id, _) | Event::MappingStart(id, _) => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(fatal(
                        source,
                        pos(span.start),
                        format!(
                            "lists and mappings nest more than {MAX_DEPTH} deep; this is not a calendar"
                        ),
                        None,
                    ));
                }
                b.stack.push(match event {
                    Event::SequenceStart(..) => Frame::Seq(Vec::new(), span.start, id),
                    _ => Frame::Map(Vec::new(), None, span.start, id),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => b.close(true),
            Event::Alias(id) => {
                let node = Rc::new(Node::Alias {
                    target: b.anchors.get(&id).cloned(),
                    at: span.start,
                });
                b.push(node);
            }
            Event::DocumentEnd => {
                if let Some(root) = b.root.take() {
                    documents += 1;
                    document(&root, sink, &mut ctx, &mut index)?;
                }
            }
            _ => {}
        }
    }
    if documents == 0 && index == 0 {
        sink.warning((1, 1), "empty YAML calendar: no posts");
    }
    Ok(())
}

/// Checks the posts of one document.
fn document(root: &Node, sink: &mut Sink, ctx: &mut Ctx, index: &mut usize) -> Result<(), Error> {
    match root {
        Node::Seq { items, .. } => posts(items, sink, ctx, index),
        Node::Map { entries, at, .. } => {
            let lists: Vec<(&Node, &[Rc<Node>])> = entries
                .iter()
                .filter_map(|(k, v)| match &**v {
                    Node::Seq { items, .. } if items.iter().any(|i| is_mapping(i)) => {
                        Some((&**k, items.as_slice()))
                    }
                    _ => None,
                })
                .collect();
            if let Some(&(key, items)) = lists.first() {
                let name = key.text().unwrap_or("");
                for (other, _) in &lists[1..] {
                    sink.warning(
                        pos(other.at()),
                        format!(
                            "`{}` is another list of posts; only `{name}` is read",
                            other.text().unwrap_or("")
                        ),
                    );
                }
                return posts(items, sink, ctx, index);
            }
            let names: Vec<String> = entries
                .iter()
                .filter_map(|(k, _)| k.text().map(str::to_string))
                .collect();
            if Roles::find(&names, sink.opts.field.as_deref()).is_some() {
                post(root, sink, ctx, *index)?;
                *index += 1;
                return Ok(());
            }
            let empty_list = entries
                .iter()
                .any(|(_, v)| matches!(&**v, Node::Seq { items, .. } if items.is_empty()));
            if empty_list {
                return Ok(());
            }
            let list: Vec<String> = names.iter().map(|k| format!("`{k}`")).collect();
            Err(fatal(
                sink.source,
                pos(*at),
                format!(
                    "no list of posts: a YAML calendar mapping must hold a list of post mappings, or be one post with a text field; its keys are {}",
                    if list.is_empty() { "none".to_string() } else { list.join(", ") }
                ),
                Some(
                    "write the posts as a list, e.g. `posts:` then `  - text: …`, or name the text key with --field NAME"
                        .into(),
                ),
            ))
        }
        node if node.is_null() => Ok(()),
        node => Err(fatal(
            sink.source,
            pos(node.at()),
            format!(
                "a YAML calendar must be a list of posts, or a mapping holding one; this document is {}",
                node.kind()
            ),
            None,
        )),
    }
}

/// An error that stops the whole calendar, at a place in it.
fn fatal(
    file: &str,
    (line, column): (usize, usize),
    message: String,
    help: Option<String>,
) -> Error {
    Error::Located(vec![LocatedError {
        file: file.to_string(),
        line,
        column,
        rule: None,
        message,
        help,
    }])
}

/// Whether a list item is (or points at) a mapping, i.e. looks like a post.
fn is_mapping(node: &Node) -> bool {
    matches!(node.resolved(), Some(Node::Map { .. }))
}

fn posts(
    items: &[Rc<Node>],
    sink: &mut Sink,
    ctx: &mut Ctx,
    index: &mut usize,
) -> Result<(), Error> {
    for item in items {
        post(item, sink, ctx, *index)?;
        *index += 1;
    }
    Ok(())
}

/// What reading posts out of the tree needs besides the sink.
struct Ctx<'f> {
    /// Bytes of post text that may still be read through aliases.
    alias_budget: usize,
    /// The file, and the offset of each of its lines.
    file: &'f str,
    line_starts: Vec<usize>,
}

impl Ctx<'_> {
    /// The file from 1-based `line` and `column` (in characters) on.
    fn from(&self, (line, column): (usize, usize)) -> Option<&str> {
        let rest = &self.file[*self.line_starts.get(line.checked_sub(1)?)?..];
        let (i, _) = rest.char_indices().nth(column.checked_sub(1)?)?;
        Some(&rest[i..])
    }

    /// The cell of a scalar's `text` (`node` is the scalar, or an alias
    /// to it), mapped to how the file writes it.
    fn cell<'t>(&self, node: &Node, text: &'t str) -> Cell<'t> {
        let at = text_start(node);
        let Node::Scalar {
            style, at: marker, ..
        } = node
        else {
            // Written where the alias points, not here.
            return Cell::plain(Cow::Borrowed(text), at);
        };
        let (line, column) = pos(*marker);
        let (spelling, raw_at) = match style {
            ScalarStyle::Plain | ScalarStyle::Literal | ScalarStyle::Folded => {
                (Spelling::Folded, (line, column))
            }
            ScalarStyle::SingleQuoted => (Spelling::Doubled('\''), (line, column + 1)),
            ScalarStyle::DoubleQuoted => (Spelling::YamlDoubleQuoted, (line, column + 1)),
        };
        match self.from(raw_at) {
            Some(raw) => Cell::spelled(Cow::Borrowed(text), at, raw, spelling, raw_at),
            None => Cell::plain(Cow::Borrowed(text), at),
        }
    }
}

/// Where a value's text starts: past a quote, or on the line after a `|`
/// or `>` block header.
fn text_start(node: &Node) -> (usize, usize) {
    match node {
        Node::Scalar { value, style, at } => match style {
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                let (line, column) = pos(*at);
                (line, column + 1)
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                // The marker is at the first line with text on it; blank
                // lines before it are leading line breaks of the value.
                let (line, column) = pos(*at);
                match value.bytes().take_while(|&b| b == b'\n').count() {
                    0 => (line, column),
                    blank => (line.saturating_sub(blank).max(1), 1),
                }
            }
            _ => pos(*at),
        },
        other => pos(other.at()),
    }
}

/// Checks one list item as a post.
fn post(item: &Node, sink: &mut Sink, ctx: &mut Ctx, index: usize) -> Result<(), Error> {
    let at = pos(item.at());
    let entries = match item {
        Node::Map {
            entries,
            complete: true,
            ..
        } => entries,
        // Cut short by a syntax error, which is noted already.
        Node::Map { .. } => return Ok(()),
        Node::Alias { target, .. } => {
            let what = target.as_deref().map_or("an unknown anchor", Node::kind);
            sink.error(
                at,
                format!(
                    "item {} is an alias to {what}; aliases are not expanded into posts, write the post out; skipped",
                    index + 1
                ),
            );
            return Ok(());
        }
        other => {
            sink.error(
                at,
                format!(
                    "item {} is {}, not a post mapping with a text field; skipped",
                    index + 1,
                    other.kind()
                ),
            );
            return Ok(());
        }
    };
    // The item's own fields first, then those merged in by `<<: *anchor`
    // (one step only: merges are not followed further).
    let mut names: Vec<String> = Vec::new();
    let mut values: Vec<&Node> = Vec::new();
    let mut merges = Vec::new();
    for (k, v) in entries {
        match k.text() {
            Some("<<") => merges.push(&**v),
            Some(name) => {
                names.push(name.to_string());
                values.push(v);
            }
            None => {}
        }
    }
    for m in merges {
        let targets: Vec<&Node> = match m.resolved() {
            Some(Node::Seq { items, .. }) => items.iter().filter_map(|i| i.resolved()).collect(),
            Some(node) => vec![node],
            None => Vec::new(),
        };
        for t in targets {
            if let Node::Map { entries, .. } = t {
                for (k, v) in entries {
                    if let Some(name) = k.text().filter(|n| *n != "<<") {
                        names.push(name.to_string());
                        values.push(v);
                    }
                }
            }
        }
    }
    let Some(roles) = sink.roles_of_item(&names, at, "item", index)? else {
        return Ok(());
    };
    let node = values[roles.text];
    let Some(text) = node.resolved().and_then(Node::text) else {
        let what = node
            .resolved()
            .map_or("an alias to an unknown anchor", Node::kind);
        sink.error(
            pos(node.at()),
            format!(
                "item {}: `{}` is {what}, not text; skipped",
                index + 1,
                names[roles.text]
            ),
        );
        return Ok(());
    };
    if matches!(node, Node::Alias { .. }) {
        if text.len() > ctx.alias_budget {
            sink.error(
                pos(node.at()),
                format!(
                    "item {}: too much text read through aliases in this file; skipped",
                    index + 1
                ),
            );
            return Ok(());
        }
        ctx.alias_budget -= text.len();
    }
    let value = |i: usize| {
        values
            .get(i)
            .and_then(|v| v.resolved())
            .and_then(Node::text)
    };
    let meta = roles.meta(|i| value(i).map(Cow::Borrowed));
    let note = roles
        .note
        .and_then(|i| Some(ctx.cell(values[i], value(i)?)));
    sink.emit(index, ctx.cell(node, text), meta, note);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::source::{Kind, Note, NoteLevel, Options, Post};

    fn read(input: &str) -> (Vec<Post>, Result<Vec<Note>, crate::Error>) {
        let mut out = Vec::new();
        let r = super::super::read(
            "cal.yaml",
            Kind::Yaml,
            input.as_bytes(),
            &Options::default(),
            &mut |p| out.push(p),
        );
        (out, r)
    }

    #[test]
    fn list_items_are_posts_at_their_lines() {
        let yaml = "- id: 1\n  platform: Bluesky\n  text: Fresh bread at 7am\n\
                    - id: 2\n  caption: \"Thanks, neighbours!\"\n  scheduled_at: 2024-07-01 09:00\n\
                    - body: |\n    We are closed Monday.\n    See you Tuesday.\n";
        let (p, notes) = read(yaml);
        assert!(notes.unwrap().is_empty());
        assert_eq!(p.len(), 3);
        assert_eq!((p[0].line, p[0].column), (3, 9));
        assert_eq!(p[0].meta.platform.as_deref(), Some("bluesky"));
        assert_eq!(p[0].meta.id.as_deref(), Some("1"));
        assert_eq!((p[1].line, p[1].column), (5, 13));
        assert_eq!(p[1].text, "Thanks, neighbours!");
        assert_eq!(p[1].meta.scheduled.as_deref(), Some("2024-07-01 09:00"));
        assert_eq!((p[2].index, p[2].line, p[2].column), (2, 8, 5));
        assert_eq!(p[2].text, "We are closed Monday.\nSee you Tuesday.\n");
        assert_eq!(p[2].position(p[2].text.find("See").unwrap()).0, 9);
    }

    #[test]
    fn mapping_holding_a_list_with_merge_keys() {
        let yaml = "defaults: &d\n  platform: LinkedIn\nposts:\n  - <<: *d\n    text: Hello\n  - text: Bye\n    platform: x\n";
        let (p, notes) = read(yaml);
        assert!(notes.unwrap().is_empty());
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].meta.platform.as_deref(), Some("linkedin"));
        assert_eq!(p[1].meta.platform.as_deref(), Some("x"));
        assert_eq!(p[1].index, 1);
    }

    #[test]
    fn bad_items_are_noted() {
        let yaml = "- text: one\n- just a string\n- text: [a, b]\n- text:\n- text: five\n";
        let (p, notes) = read(yaml);
        let texts: Vec<_> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["one", "five"]);
        let notes = notes.unwrap();
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(notes.iter().all(|n| n.level == NoteLevel::Error));
        assert_eq!(notes[1].error.line, 3);
    }

    #[test]
    fn alias_bombs_cost_nothing() {
        let mut yaml = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let refs = vec![format!("*{prev}"); 9].join(",");
            yaml.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let (_, r) = read(&yaml);
        let e = r.unwrap_err().to_string();
        assert!(e.contains("no list of posts") && e.contains("`i`"), "{e}");
        yaml.push_str("posts:\n  - *i\n  - text: Thanks for coming\n");
        let (p, r) = read(&yaml);
        assert_eq!(p.len(), 1);
        let notes = r.unwrap();
        assert!(notes[0].error.message.contains("alias"), "{notes:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let yaml = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let (p, r) = read(&yaml);
        assert!(p.is_empty());
        match r {
            Err(e) => assert!(e.to_string().contains("nest"), "{e}"),
            Ok(notes) => assert_eq!(notes[0].level, NoteLevel::Error),
        }
    }

    #[test]
    fn syntax_errors_keep_the_posts_before_them() {
        let (p, r) = read("- text: one\n- text: two\n- text: \"three\n");
        assert_eq!(p.len(), 2);
        assert_eq!(r.unwrap()[0].level, NoteLevel::Error);
    }

    #[test]
    fn no_text_key_names_the_keys() {
        let (_, r) = read("- id: 1\n  copy: hi\n");
        let e = r.unwrap_err().to_string();
        assert!(e.contains("`id`, `copy`") && e.contains("--field"), "{e}");
    }

    #[test]
    fn documents_are_read_in_turn() {
        let (p, r) = read("text: first\nplatform: x\n---\n- text: second\n");
        assert!(r.unwrap().is_empty());
        assert_eq!(p.len(), 2);
        assert_eq!((p[1].index, p[1].line), (1, 4));
    }
}
