//! JSON and JSON Lines calendars.
//!
//! A JSON calendar is an array of post objects, or an object holding one
//! such array (`{"posts": [...]}`). It is streamed: a small scanner walks
//! the outer array byte by byte, keeping line and column, and hands each
//! item's bytes to serde_json on their own, so a large calendar is never
//! held whole and one bad item does not stop the rest. JSON Lines is one
//! object per line.

use super::{Cell, Sink, shift};
use crate::error::{Error, line_col};
use crate::json_text::plain_prefix;
use crate::source::source_map::{Spelling, advance};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::io::{self, BufRead};

/// Reads JSON bytes one at a time, keeping the 1-based line and column (in
/// characters) of the next byte.
struct Scanner<R> {
    r: R,
    line: usize,
    column: usize,
}

/// Why the outer structure could not be read on.
struct Stop;

impl<R: BufRead> Scanner<R> {
    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(self.r.fill_buf()?.first().copied())
    }

    fn bump(&mut self) -> io::Result<Option<u8>> {
        let b = self.peek()?;
        if let Some(b) = b {
            self.r.consume(1);
            advance(&mut self.line, &mut self.column, b);
        }
        Ok(b)
    }

    fn at(&self) -> (usize, usize) {
        (self.line, self.column)
    }

    /// Skips whitespace; returns the next byte, not consumed.
    fn skip_ws(&mut self) -> io::Result<Option<u8>> {
        loop {
            let chunk = self.r.fill_buf()?;
            let Some(n) = chunk
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            else {
                if chunk.is_empty() {
                    return Ok(None);
                }
                let n = chunk.len();
                for &b in chunk {
                    advance(&mut self.line, &mut self.column, b);
                }
                self.r.consume(n);
                continue;
            };
            let next = chunk[n];
            for &b in &chunk[..n] {
                advance(&mut self.line, &mut self.column, b);
            }
            self.r.consume(n);
            return Ok(Some(next));
        }
    }

    /// Reads one JSON value's bytes (balancing brackets outside strings),
    /// into `out` while it holds fewer than `limit` bytes. Returns the
    /// value's length, or `None` at the end of the input.
    fn value(&mut self, mut out: Option<&mut Vec<u8>>, limit: usize) -> io::Result<Option<usize>> {
        let (mut depth, mut in_string, mut escaped, mut len) = (0usize, false, false, 0usize);
        loop {
            let chunk = self.r.fill_buf()?;
            if chunk.is_empty() {
                return Ok(None);
            }
            let mut used = 0;
            let mut done = false;
            for &b in chunk {
                if !in_string
                    && depth == 0
                    && len > 0
                    && matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
                {
                    done = true;
                    break;
                }
                used += 1;
                len += 1;
                advance(&mut self.line, &mut self.column, b);
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                        done = depth == 0;
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            done = depth == 0;
                        }
                        _ => {}
                    }
                }
                if done {
                    break;
                }
            }
            if let Some(out) = out.as_deref_mut() {
                let room = limit.saturating_sub(out.len()).min(used);
                out.extend_from_slice(&chunk[..room]);
            }
            self.r.consume(used);
            if done {
                return Ok(Some(len));
            }
        }
    }
}

/// Reads a JSON calendar, item by item.
pub fn read_array(reader: impl BufRead, sink: &mut Sink) -> Result<(), Error> {
    let mut s = Scanner {
        r: reader,
        line: 1,
        column: 1,
    };
    let source = sink.source;
    let io = |e: io::Error| Error::io(source, &e);
    if s.r.fill_buf().map_err(io)?.starts_with(b"\xEF\xBB\xBF") {
        s.r.consume(3);
    }
    let mut index = 0;
    match s.skip_ws().map_err(io)? {
        None => {
            sink.warning((1, 1), "empty JSON calendar: no posts");
            return Ok(());
        }
        Some(b'[') => {
            s.bump().map_err(io)?;
            let _ = items(&mut s, sink, &mut index)?;
        }
        Some(b'{') => {
            s.bump().map_err(io)?;
            let _ = object(&mut s, sink, &mut index)?;
        }
        Some(_) => {
            return Err(Error::Located(vec![
                crate::error::LocatedError {
                    file: source.to_string(),
                    line: s.line,
                    column: s.column,
                    rule: None,
                    message: "a JSON calendar must be an array of post objects, or an object holding one such array".into(),
                    help: None,
                },
            ]));
        }
    }
    Ok(())
}

/// Reads the members of the outer object (its `{` already read), streaming
/// the first array of objects found and skipping the rest.
fn object<R: BufRead>(
    s: &mut Scanner<R>,
    sink: &mut Sink,
    index: &mut usize,
) -> Result<Result<(), Stop>, Error> {
    let source = sink.source;
    let io = |e: io::Error| Error::io(source, &e);
    let mut chosen: Option<String> = None;
    let mut empty_list = false;
    let mut keys = Vec::new();
    let mut key_at = s.at();
    loop {
        match s.skip_ws().map_err(io)? {
            Some(b'}') => {
                s.bump().map_err(io)?;
                break;
            }
            Some(b'"') => {}
            _ => return Ok(stop(s, sink, "expected a quoted key or `}`")),
        }
        let at = s.at();
        let mut raw = Vec::new();
        s.value(Some(&mut raw), 64 << 10).map_err(io)?;
        let key: String = serde_json::from_slice(&raw)
            .unwrap_or_else(|_| String::from_utf8_lossy(&raw).into_owned());
        if s.skip_ws().map_err(io)? != Some(b':') {
            return Ok(stop(s, sink, "expected `:` after the key"));
        }
        s.bump().map_err(io)?;
        let mut is_posts = false;
        if s.skip_ws().map_err(io)? == Some(b'[') {
            s.bump().map_err(io)?;
            match s.skip_ws().map_err(io)? {
                Some(b'{') if chosen.is_none() => is_posts = true,
                Some(b']') => empty_list = true,
                Some(b'{') => {
                    let first = chosen.as_deref().unwrap_or_default();
                    sink.warning(
                        at,
                        format!(
                            "`{key}` is another list of objects; only `{first}` is read as the posts"
                        ),
                    );
                }
                _ => {}
            }
            if is_posts {
                key_at = at;
                chosen = Some(key.clone());
                if let Err(stop) = items(s, sink, index)? {
                    return Ok(Err(stop));
                }
            } else if let Err(stop) = skip_items(s, sink)? {
                return Ok(Err(stop));
            }
        } else if s.value(None, 0).map_err(io)?.is_none() {
            return Ok(stop(
                s,
                sink,
                "the object is not closed before the end of the file",
            ));
        }
        keys.push(key);
        match s.skip_ws().map_err(io)? {
            Some(b',') => {
                s.bump().map_err(io)?;
            }
            Some(b'}') => {}
            _ => return Ok(stop(s, sink, "expected `,` or `}` after a value")),
        }
    }
    if chosen.is_none() && !empty_list {
        return Err(no_list(source, key_at, &keys));
    }
    Ok(Ok(()))
}

fn no_list(source: &str, at: (usize, usize), keys: &[String]) -> Error {
    let list: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    Error::Located(vec![crate::error::LocatedError {
        file: source.to_string(),
        line: at.0,
        column: at.1,
        rule: None,
        message: format!(
            "no list of posts: a JSON calendar object must hold an array of post objects; its keys are {}",
            if list.is_empty() {
                "none".to_string()
            } else {
                list.join(", ")
            }
        ),
        help: Some("write the posts as an array, e.g. {\"posts\": [{\"text\": \"…\"}]}".into()),
    }])
}

/// Notes that the outer structure is broken here; reading stops.
fn stop<R: BufRead>(s: &Scanner<R>, sink: &mut Sink, what: &str) -> Result<(), Stop> {
    sink.error(s.at(), format!("{what}; the rest of the file is not read"));
    Err(Stop)
}

/// The head of the loop over an array's items: `Some` when the array ends
/// here (closed, or cut off by the end of the file), `None` when an item
/// follows.
fn array_end<R: BufRead>(
    s: &mut Scanner<R>,
    sink: &mut Sink,
) -> Result<Option<Result<(), Stop>>, Error> {
    let source = sink.source;
    match s.skip_ws().map_err(|e| Error::io(source, &e))? {
        Some(b']') => {
            s.bump().map_err(|e| Error::io(source, &e))?;
            Ok(Some(Ok(())))
        }
        None => Ok(Some(stop(
            s,
            sink,
            "the array is not closed before the end of the file",
        ))),
        _ => Ok(None),
    }
}

/// What follows an item: `,` (consumed) or `]`. With `lenient`, an item
/// that starts right away is noted as a missing `,` and read on.
fn after_item<R: BufRead>(
    s: &mut Scanner<R>,
    sink: &mut Sink,
    lenient: bool,
) -> Result<Result<(), Stop>, Error> {
    let source = sink.source;
    match s.skip_ws().map_err(|e| Error::io(source, &e))? {
        Some(b',') => {
            s.bump().map_err(|e| Error::io(source, &e))?;
        }
        Some(b']') => {}
        Some(b'{') if lenient => sink.error(s.at(), "missing `,` between items"),
        _ => return Ok(stop(s, sink, "expected `,` or `]` after an item")),
    }
    Ok(Ok(()))
}

/// Skips the rest of an array (its `[` already read).
fn skip_items<R: BufRead>(s: &mut Scanner<R>, sink: &mut Sink) -> Result<Result<(), Stop>, Error> {
    let source = sink.source;
    loop {
        if let Some(end) = array_end(s, sink)? {
            return Ok(end);
        }
        if s.value(None, 0)
            .map_err(|e| Error::io(source, &e))?
            .is_none()
        {
            return Ok(stop(
                s,
                sink,
                "the array is not closed before the end of the file",
            ));
        }
        if let Err(stop) = after_item(s, sink, false)? {
            return Ok(Err(stop));
        }
    }
}

/// Streams the posts of an array (its `[` already read).
fn items<R: BufRead>(
    s: &mut Scanner<R>,
    sink: &mut Sink,
    index: &mut usize,
) -> Result<Result<(), Stop>, Error> {
    let source = sink.source;
    let io = |e: io::Error| Error::io(source, &e);
    let limit = sink.item_limit();
    let mut buf = Vec::new();
    let mut room = MemberRoom::default();
    loop {
        if let Some(end) = array_end(s, sink)? {
            return Ok(end);
        }
        let at = s.at();
        buf.clear();
        let Some(len) = s.value(Some(&mut buf), limit).map_err(io)? else {
            return Ok(stop(
                s,
                sink,
                "the last item is not closed before the end of the file",
            ));
        };
        let this = *index;
        *index += 1;
        if len > limit {
            sink.error(
                at,
                format!(
                    "item {} is {len} bytes, more than the limit for one post; skipped (raise max_post_bytes in think-lint.toml to check it)",
                    this + 1
                ),
            );
        } else {
            let text = sink.lossy_owned(std::mem::take(&mut buf), at);
            item(sink, &mut room, this, &text, at, "item")?;
            // The line's buffer is kept for the next one.
            buf = text.into_bytes();
        }
        if let Err(stop) = after_item(s, sink, true)? {
            return Ok(Err(stop));
        }
    }
}

/// One member of an item: its name, and its value's text left unparsed
/// (borrowed from the item, so its position is known).
struct Member<'a> {
    name: Key<'a>,
    value: &'a str,
    /// Whether `value` has a backslash: when it is a string, whether its
    /// text differs from what is between its quotes. The reader has seen
    /// every byte of it already, so [`unquote`] need not look again.
    escaped: bool,
}

impl AsRef<str> for Member<'_> {
    fn as_ref(&self) -> &str {
        self.name.as_ref()
    }
}

/// Members a calendar item usually has room for without growing.
const USUAL_MEMBERS: usize = 8;

/// The vector the members of a calendar's items are read into, kept from
/// one item to the next: a calendar has thousands of items, and reading
/// each into a vector of its own costs an allocation each.
#[derive(Default)]
struct MemberRoom(Vec<Member<'static>>);

impl MemberRoom {
    /// The members of an item in file order: read by [`flat_members`] when
    /// the item is a flat object (as calendar items are), by `serde_json`
    /// otherwise, so any other item gets its checks and messages. Given
    /// back with [`MemberRoom::keep`], their vector holds the next item's.
    fn members<'a>(&mut self, json: &'a str) -> serde_json::Result<Vec<Member<'a>>> {
        let mut members = emptied(std::mem::take(&mut self.0));
        members.reserve(USUAL_MEMBERS);
        if flat_members(json, &mut members).is_some() {
            return Ok(members);
        }
        serde_json::from_str::<Members>(json).map(|m| m.0)
    }

    /// Keeps the vector of `members` for the next item.
    fn keep(&mut self, members: Vec<Member<'_>>) {
        self.0 = emptied(members);
    }
}

/// `members` emptied, as a vector for members borrowed from another item:
/// collected from the empty vector's own iterator, into elements of the
/// same layout, it keeps its allocation (the standard library collects
/// such iterators in place).
fn emptied<'b>(mut members: Vec<Member<'_>>) -> Vec<Member<'b>> {
    members.clear();
    members
        .into_iter()
        .map(|_| unreachable!("the vector is empty"))
        .collect()
}

/// Reads into `members` the members of `json` when it is an object whose
/// values are strings without `\u` escapes, numbers, booleans or null, and
/// whose names have no escapes; `None` for anything else (nested values,
/// any doubt about validity), which is left to `serde_json`. What it
/// accepts is valid JSON, read as `serde_json` reads it, for a fraction of
/// the cost.
fn flat_members<'a>(json: &'a str, members: &mut Vec<Member<'a>>) -> Option<()> {
    let bytes = json.as_bytes();
    let mut i = skip_ws(bytes, 0);
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(bytes, i + 1);
    if bytes.get(i) == Some(&b'}') {
        return only_ws_from(bytes, i + 1).then_some(());
    }
    loop {
        let (name_end, _) = string_end(bytes, i, false)?;
        let name = &json[i + 1..name_end - 1];
        i = skip_ws(bytes, name_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_ws(bytes, i + 1);
        let (end, escaped) = scalar_end(bytes, start)?;
        members.push(Member {
            name: Key(Cow::Borrowed(name)),
            value: &json[start..end],
            escaped,
        });
        i = skip_ws(bytes, end);
        match bytes.get(i) {
            Some(b',') => i = skip_ws(bytes, i + 1),
            Some(b'}') => return only_ws_from(bytes, i + 1).then_some(()),
            _ => return None,
        }
    }
}

/// The index of the first byte at or after `i` that is not JSON whitespace.
fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(i) {
        i += 1;
    }
    i
}

/// Whether everything from `i` on is JSON whitespace.
fn only_ws_from(bytes: &[u8], i: usize) -> bool {
    skip_ws(bytes, i) == bytes.len()
}

/// One past the end of the string whose opening quote is at `i`, and
/// whether it has escapes; `None` when there is none, or it has a control
/// character or an escape other than the short ones (or any escape, unless
/// `escapes`).
fn string_end(bytes: &[u8], i: usize, escapes: bool) -> Option<(usize, bool)> {
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    let mut at = i + 1;
    let mut escaped = false;
    loop {
        at += plain_prefix(&bytes[at..]);
        match *bytes.get(at)? {
            b'"' => return Some((at + 1, escaped)),
            b'\\' if escapes => match bytes.get(at + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {
                    at += 2;
                    escaped = true;
                }
                _ => return None,
            },
            _ => return None,
        }
    }
}

/// One past the end of the string, number, boolean or null at `i`, and
/// whether it is a string with escapes.
fn scalar_end(bytes: &[u8], i: usize) -> Option<(usize, bool)> {
    let literal = |word: &[u8]| bytes[i..].starts_with(word).then_some(i + word.len());
    let end = match *bytes.get(i)? {
        b'"' => return string_end(bytes, i, true),
        b't' => literal(b"true"),
        b'f' => literal(b"false"),
        b'n' => literal(b"null"),
        b'-' | b'0'..=b'9' => number_end(bytes, i),
        _ => None,
    };
    Some((end?, false))
}

/// One past the end of the JSON number at `i`, which is
/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn number_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    let digits = |from: usize| {
        from + bytes
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    i = match bytes.get(i)? {
        b'0' => i + 1,
        b'1'..=b'9' => digits(i),
        _ => return None,
    };
    if bytes.get(i) == Some(&b'.') {
        let end = digits(i + 1);
        if end == i + 1 {
            return None;
        }
        i = end;
    }
    if let Some(b'e' | b'E') = bytes.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = bytes.get(i) {
            i += 1;
        }
        let end = digits(i);
        if end == i {
            return None;
        }
        i = end;
    }
    Some(i)
}

/// An item's members as `serde_json` reads them, for the items
/// [`flat_members`] leaves to it.
struct Members<'a>(Vec<Member<'a>>);

/// A member's name, borrowed from the input unless it has escapes: the
/// items of a calendar repeat the same few names on every line, not worth
/// an allocation each.
struct Key<'a>(Cow<'a, str>);

impl AsRef<str> for Key<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut members = Vec::with_capacity(USUAL_MEMBERS);
                while let Some((name, value)) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    let value = value.get();
                    members.push(Member {
                        name,
                        value,
                        escaped: memchr::memchr(b'\\', value.as_bytes()).is_some(),
                    });
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(V)
    }
}

/// The text of a member's value (already checked by the parser) when it
/// is a string: borrowed when it has no escapes, as most have none.
fn unquote<'a>(member: &Member<'a>) -> Option<Cow<'a, str>> {
    let raw = member.value;
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if !member.escaped {
        return Some(Cow::Borrowed(inner));
    }
    if let Some(text) = without_short_escapes(inner) {
        return Some(Cow::Owned(text));
    }
    serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
}

/// The text of `inner`, the body of a valid JSON string, when all its
/// escapes are the two-character ones (`\n`, `\"`, …); `None` when it has
/// a `\u` escape, left to `serde_json`. Posts with quotes or line breaks
/// are common, and this costs a fraction of going through `serde_json`.
fn without_short_escapes(inner: &str) -> Option<String> {
    let mut text = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(at) = memchr::memchr(b'\\', rest.as_bytes()) {
        text.push_str(&rest[..at]);
        text.push(match rest.as_bytes().get(at + 1)? {
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            &escaped @ (b'"' | b'\\' | b'/') => char::from(escaped),
            _ => return None,
        });
        // An escape is two ASCII bytes: what follows starts a character.
        rest = &rest[at + 2..];
    }
    text.push_str(rest);
    Some(text)
}

/// The name of a JSON value's type, from its first byte.
fn type_name(raw: &str) -> &'static str {
    match raw.trim_start().bytes().next() {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// Checks one item (`json`, which starts at `at` in the file) as a post,
/// reading its members into `room`.
fn item(
    sink: &mut Sink,
    room: &mut MemberRoom,
    index: usize,
    json: &str,
    at: (usize, usize),
    what: &str,
) -> Result<(), Error> {
    if !json.trim_start().starts_with('{') {
        sink.error(
            at,
            format!(
                "{what} {} is {}, not a post object with a text field; skipped",
                index + 1,
                type_name(json)
            ),
        );
        return Ok(());
    }
    let members = match room.members(json) {
        Ok(members) => members,
        Err(e) => {
            let pos = shift(at, (e.line(), e.column()));
            sink.error(
                pos,
                format!("{what} {} is not valid JSON: {e}; skipped", index + 1),
            );
            return Ok(());
        }
    };
    let Some(roles) = sink.roles_of_item(&members, at, what, index)? else {
        return Ok(());
    };
    // Where a value starts in the file: its offset in `json`, placed.
    let base = json.as_ptr() as usize;
    let place = |raw: &str, skip: usize| {
        let offset = raw.as_ptr() as usize - base + skip;
        shift(at, position_in(json, offset))
    };
    let text_member = &members[roles.text];
    let raw_text = text_member.value;
    let Some(text) = unquote(text_member) else {
        sink.error(
            place(raw_text, 0),
            format!(
                "{what} {}: `{}` is {}, not text; skipped",
                index + 1,
                text_member.as_ref(),
                type_name(raw_text)
            ),
        );
        return Ok(());
    };
    let text_at = place(raw_text, 1);
    let as_text = |i: usize| {
        let member = members.get(i)?;
        let raw = member.value;
        match raw.as_bytes().first() {
            Some(b'"') => unquote(member),
            Some(b'{' | b'[' | b'n') | None => None,
            Some(_) => Some(raw.into()),
        }
    };
    let meta = roles.meta(as_text);
    let note = roles.note.and_then(|i| {
        let raw = members[i].value;
        Some(cell(as_text(i)?, raw, place(raw, 1)))
    });
    sink.emit(index, cell(text, raw_text, text_at), meta, note);
    room.keep(members);
    Ok(())
}

/// The cell of a member's text: `raw` is its JSON (a string's quotes
/// included), whose text starts at `at`. A string with escapes (the only
/// ones [`unquote`] decodes into a text of its own) is mapped to them.
fn cell<'t>(text: Cow<'t, str>, raw: &str, at: (usize, usize)) -> Cell<'t> {
    match (&text, raw.strip_prefix('"')) {
        (Cow::Owned(_), Some(inner)) => Cell::spelled(text, at, inner, Spelling::Json, at),
        _ => Cell::plain(text, at),
    }
}

/// The 1-based line and column of byte `offset` of `json`, as
/// [`line_col`] gives them, found at once when everything before it is
/// ASCII on one line, as it is in most items.
fn position_in(json: &str, offset: usize) -> (usize, usize) {
    match json.as_bytes().get(..offset) {
        Some(before) if before.is_ascii() && memchr::memchr(b'\n', before).is_none() => {
            (1, offset + 1)
        }
        _ => line_col(json, offset),
    }
}

/// Reads a JSON Lines calendar: one post object per line; blank lines are
/// skipped.
pub fn read_lines(mut reader: impl BufRead, sink: &mut Sink) -> Result<(), Error> {
    let source = sink.source;
    let limit = sink.item_limit();
    let mut buf = Vec::new();
    let mut room = MemberRoom::default();
    let mut index = 0;
    let mut line = 0;
    loop {
        line += 1;
        buf.clear();
        let (read, whole) =
            read_line(&mut reader, &mut buf, limit).map_err(|e| Error::io(source, &e))?;
        if read == 0 {
            break;
        }
        if line == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        let indent = buf.iter().take_while(|b| matches!(b, b' ' | b'\t')).count();
        if indent == buf.len() {
            continue;
        }
        let at = (line, indent + 1);
        let this = index;
        index += 1;
        if !whole {
            sink.error(
                at,
                format!("line {line} is {read} bytes, more than the limit for one post; skipped (raise max_post_bytes in think-lint.toml to check it)"),
            );
            continue;
        }
        buf.drain(..indent);
        let text = sink.lossy_owned(std::mem::take(&mut buf), at);
        item(sink, &mut room, this, &text, at, "line")?;
        // The line's buffer is kept for the next one.
        buf = text.into_bytes();
    }
    Ok(())
}

/// Reads one line into `buf`, keeping at most `limit` bytes of it; returns
/// the line's length and whether it was kept whole.
fn read_line(r: &mut impl BufRead, buf: &mut Vec<u8>, limit: usize) -> io::Result<(usize, bool)> {
    let mut read = 0;
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            return Ok((read, read <= limit));
        }
        let (n, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        let room = limit.saturating_sub(buf.len()).min(n);
        buf.extend_from_slice(&chunk[..room]);
        r.consume(n);
        read += n;
        if done {
            return Ok((read, read <= limit));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::source::{Kind, Note, NoteLevel, Options, Post};

    fn read(kind: Kind, input: &str) -> (Vec<Post>, Result<Vec<Note>, crate::Error>) {
        let mut out = Vec::new();
        let r = super::super::read(
            "cal",
            kind,
            input.as_bytes(),
            &Options::default(),
            &mut |p| out.push(p),
        );
        (out, r)
    }

    /// Names and values of an item's members, as read by `read`, and
    /// whether each value has escapes.
    fn pairs<'a>(members: &'a [super::Member]) -> Vec<(&'a str, &'a str, bool)> {
        members
            .iter()
            .map(|m| (m.as_ref(), m.value, m.escaped))
            .collect()
    }

    /// The text of `raw`, a JSON string, as [`super::unquote`] reads it.
    fn unquote(raw: &str) -> Option<String> {
        let member = super::Member {
            name: super::Key("".into()),
            value: raw,
            escaped: raw.contains('\\'),
        };
        super::unquote(&member).map(|text| text.into_owned())
    }

    /// The members of `item` as the flat reader reads them.
    fn flat(item: &str) -> Option<Vec<super::Member<'_>>> {
        let mut members = Vec::new();
        super::flat_members(item, &mut members).map(|()| members)
    }

    /// Whatever the flat reader accepts, `serde_json` reads the same.
    fn agrees_with_serde(item: &str) -> bool {
        let Some(fast) = flat(item) else {
            return false;
        };
        let slow = serde_json::from_str::<super::Members>(item)
            .unwrap_or_else(|e| panic!("{item:?} is taken but is not valid JSON: {e}"));
        assert_eq!(pairs(&fast), pairs(&slow.0), "{item:?}");
        true
    }

    #[test]
    fn flat_items_are_read_as_serde_json_reads_them() {
        for item in [
            r#"{"id":0,"platform":"x","text":"Hello \"you\" \\ \/ \n\t"}"#,
            " {\"a\" :\t-1.5e+3 ,\r\n\"b\":true,\"c\":false,\"d\":null,\"a\":\"dup\"} \n",
            "{}",
            r#"{"n":0,"m":-0.0,"k":10E-2,"é":"ü😀"}"#,
        ] {
            assert!(agrees_with_serde(item), "{item:?} should be read flat");
        }
        for item in [
            r#"{"text":"\u00e9"}"#,
            r#"{"t\u0065xt":"x"}"#,
            r#"{"text":["a"]}"#,
            r#"{"text":{"a":1}}"#,
        ] {
            assert!(flat(item).is_none(), "{item:?}");
        }
        // Every cut and every odd byte at every place: taken only when valid.
        let base = r#"{"id": -12.5e3, "ok": true, "text": "a \"b\" c", "x": null}"#;
        for at in 0..=base.len() {
            agrees_with_serde(&base[..at]);
            for odd in [
                "\"", "\\", ",", ":", "}", "{", "[", " ", "\u{1}", "0", "-", ".", "e", "+", "\\u",
            ] {
                let mut item = base.to_string();
                item.insert_str(at, odd);
                agrees_with_serde(&item);
            }
        }
    }

    #[test]
    fn items_read_in_turn_share_one_vector_and_keep_their_own_members() {
        let mut room = super::MemberRoom::default();
        let items = [
            r#"{"a": 1, "b": "x", "c": true, "d": null, "e": 2, "f": 3, "g": 4, "h": 5, "i": 6}"#,
            r#"{"text": "one"}"#,
            r#"{"text": "two", "tags": ["nested", "so serde_json reads it"]}"#,
            r#"{"text": "th\"ree", "id": 3}"#,
        ];
        let mut kept = None;
        for item in items {
            let members = room.members(item).unwrap();
            let expected = serde_json::from_str::<super::Members>(item).unwrap();
            assert_eq!(pairs(&members), pairs(&expected.0), "{item}");
            room.keep(members);
            let now = (room.0.as_ptr(), room.0.capacity());
            assert!(room.0.is_empty() && now.1 >= super::USUAL_MEMBERS);
            // Flat items after the first reuse the first one's vector.
            if !item.contains('[') {
                assert_eq!(*kept.get_or_insert(now), now, "{item}");
            } else {
                kept = Some(now);
            }
        }
    }

    #[test]
    fn short_escapes_are_read_as_serde_json_reads_them() {
        let pieces = [
            "",
            "a",
            "caf\u{e9}",
            "\u{1F600}",
            "\\\"",
            "\\\\",
            "\\/",
            "\\b",
            "\\f",
            "\\n",
            "\\r",
            "\\t",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let raw = format!("\"{a}{b}{c}\"");
                    let expected: String = serde_json::from_str(&raw).unwrap();
                    assert_eq!(unquote(&raw).unwrap(), expected, "{raw}");
                }
            }
        }
        for raw in [r#""\u00e9""#, r#""a\n\u0041""#, r#""\ud83d\ude00 \t""#] {
            let expected: String = serde_json::from_str(raw).unwrap();
            assert_eq!(super::without_short_escapes(&raw[1..raw.len() - 1]), None);
            assert_eq!(unquote(raw).unwrap(), expected, "{raw}");
        }
    }

    #[test]
    fn positions_are_those_line_col_gives() {
        let json = "{\"id\": 1,\n \"text\": \"caf\u{e9} \u{1F600}\", \"x\": 2}";
        for offset in 0..=json.len() + 2 {
            assert_eq!(
                super::position_in(json, offset),
                crate::error::line_col(json, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn array_items_are_posts_at_their_lines() {
        let json = r#"[
  {"id": 1, "platform": "Instagram", "text": "New menu is out!", "date": "2024-06-01"},
  {"id": "b2",
   "caption": "See you \"soon\""}
]"#;
        let (p, notes) = read(Kind::Json, json);
        assert!(notes.unwrap().is_empty());
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].line, p[0].column), (2, 47));
        assert_eq!(p[0].meta.id.as_deref(), Some("1"));
        assert_eq!(p[0].meta.platform.as_deref(), Some("instagram"));
        assert_eq!((p[1].index, p[1].line, p[1].column), (1, 4, 16));
        assert_eq!(p[1].text, "See you \"soon\"");
    }

    #[test]
    fn escaped_names_and_values_are_read_as_written() {
        let jsonl = "{\"t\\u0065xt\": \"caf\\u00e9 \\\"open\\\"\", \"i\\u0064\": \"a\\/1\"}\n{\"text\": \"plain\", \"id\": 2}\n";
        let (p, notes) = read(Kind::JsonLines, jsonl);
        assert!(notes.unwrap().is_empty());
        assert_eq!(p[0].text, "café \"open\"");
        assert_eq!(p[0].meta.id.as_deref(), Some("a/1"));
        assert_eq!(p[1].text, "plain");
        assert_eq!(p[1].meta.id.as_deref(), Some("2"));
    }

    #[test]
    fn object_holding_an_array() {
        let json =
            r#"{"version": 2, "tags": ["a", "b"], "posts": [{"message": "Hello"}], "meta": {}}"#;
        let (p, notes) = read(Kind::Json, json);
        assert!(notes.unwrap().is_empty());
        assert_eq!(p[0].text, "Hello");
        assert_eq!(p[0].column, 59);
        let (p, r) = read(Kind::Json, r#"{"version": 2, "posts": []}"#);
        assert!(p.is_empty() && r.unwrap().is_empty());
        let (_, r) = read(Kind::Json, r#"{"version": 2, "tags": ["a"]}"#);
        let e = r.unwrap_err().to_string();
        assert!(e.contains("`version`, `tags`"), "{e}");
    }

    #[test]
    fn bad_items_are_noted_and_the_rest_read() {
        let json =
            r#"[{"text": "one"}, "two", {"text": 3}, {"text": "four" "x"}, {"text": "five"}]"#;
        let (p, notes) = read(Kind::Json, json);
        let texts: Vec<_> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["one", "five"]);
        assert_eq!(p[1].index, 4);
        let notes = notes.unwrap();
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(notes.iter().all(|n| n.level == NoteLevel::Error));
        assert!(notes[0].error.message.contains("a string"));
        assert!(notes[1].error.message.contains("a number, not text"));
    }

    #[test]
    fn no_text_key_is_an_error_naming_the_keys() {
        let (_, r) = read(Kind::Json, r#"[{"id": 1, "copy": "hi"}]"#);
        let e = r.unwrap_err().to_string();
        assert!(
            e.contains("`id`, `copy`") || e.contains("`copy`, `id`"),
            "{e}"
        );
        assert!(e.contains("--field"));
    }

    #[test]
    fn truncated_array_keeps_what_was_read() {
        let (p, notes) = read(Kind::Json, r#"[{"text": "one"}, {"text": "tw"#);
        assert_eq!(p.len(), 1);
        assert_eq!(notes.unwrap()[0].level, NoteLevel::Error);
    }

    #[test]
    fn json_lines_with_a_broken_line() {
        let jsonl = "{\"text\": \"Open late Friday\", \"network\": \"X\"}\n\n{\"text\": oops}\n  {\"post\": \"Thank you!\"}\n";
        let (p, notes) = read(Kind::JsonLines, jsonl);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].meta.platform.as_deref(), Some("x"));
        assert_eq!((p[1].index, p[1].line, p[1].column), (2, 4, 13));
        let notes = notes.unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].error.line, 3);
    }

    #[test]
    fn long_lines_are_skipped() {
        let mut out = Vec::new();
        let opts = Options {
            max_post_bytes: 4,
            ..Options::default()
        };
        let big = format!(
            "{{\"text\": \"{}\"}}\n{{\"text\": \"ok\"}}\n",
            "x".repeat(100)
        );
        let notes = super::super::read("c", Kind::JsonLines, big.as_bytes(), &opts, &mut |p| {
            out.push(p)
        })
        .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(notes.len(), 1);
    }
}
