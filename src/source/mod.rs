//! Turns inputs into posts. A post knows where it came from, so findings
//! map back to the real file, line and column.
//!
//! Each reader calls `on_post` once per post as it goes (so large
//! calendars stream), and returns the problems it met that did not stop
//! the rest of the input as [`Note`]s; a problem that stops the whole input
//! is an `Err`.

mod calendar;
mod lines;
mod markdown;
mod source_map;
pub mod stdin_ahead;
mod suppress;
mod text;
pub mod walk;

pub use calendar::TEXT_FIELDS;
pub use lines::TextLines;
pub use source_map::SourceMap;
pub use suppress::{Scope, Suppression};
pub use walk::{InputFile, Walk, WalkOptions, walk, walk_finding, walk_named_files};

use crate::error::{Error, LocatedError};
use crate::shared_text::SharedText;
use compact_str::CompactString;
use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::Range;
use std::path::Path;

/// Where a post is to be published and when, as its source says. Each
/// value is kept inline when short (up to 24 bytes, as platform names, ids
/// and dates are): a calendar's posts get their metadata, and their
/// results a copy of it, without an allocation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    /// The platform profile named by the source (`x`, `linkedin`, …).
    pub platform: Option<CompactString>,
    /// Scheduled date or time, as written.
    pub scheduled: Option<CompactString>,
    /// The source's own id for the post (a calendar row id).
    pub id: Option<CompactString>,
    /// A title, from Markdown front matter.
    pub title: Option<CompactString>,
}

/// One post to check.
#[derive(Clone, Debug)]
pub struct Post {
    /// Display name of the source (a path, or `<stdin>` for standard input),
    /// shared by the posts of a calendar and their results.
    pub source: SharedText,
    /// 0-based position of the post in its source.
    pub index: usize,
    /// The prose to check. Readers may blank out what is not prose (code,
    /// markup) with spaces, keeping line breaks, so positions stay true.
    pub text: String,
    /// 1-based line and column of the post's first character in the source.
    pub line: usize,
    pub column: usize,
    /// Where the text's characters are in the source, when the source
    /// spells some of them differently (escapes in a calendar cell); empty
    /// when the text is written as itself.
    pub map: SourceMap,
    pub meta: Metadata,
    /// Inline `think-lint-disable` comments that apply to this post.
    pub suppressions: Vec<Suppression>,
    /// The source as written, when `text` has parts blanked out: excerpts
    /// show its lines, which have the same columns.
    pub original: Option<std::sync::Arc<str>>,
}

impl Post {
    pub fn new(source: impl Into<SharedText>, text: impl Into<String>) -> Post {
        Post {
            source: source.into(),
            index: 0,
            text: text.into(),
            line: 1,
            column: 1,
            map: SourceMap::default(),
            meta: Metadata::default(),
            suppressions: Vec::new(),
            original: None,
        }
    }

    /// Line and column in the source of a byte offset of the post's text.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        self.place(crate::error::line_col(&self.text, offset))
    }

    /// Lines and columns in the source of where `span` (a byte range of the
    /// post's text) starts and ends: what [`Post::position`] gives for
    /// each end. `lines` are the text's ([`Post::lines`]), worked out
    /// once for all of a post's findings.
    pub fn span_position(
        &self,
        lines: &TextLines,
        span: Range<usize>,
    ) -> ((usize, usize), (usize, usize)) {
        (
            self.place(lines.line_col(span.start)),
            self.place(lines.line_col(span.end)),
        )
    }

    /// Where the lines of the post's text start: what places its findings.
    pub fn lines(&self) -> TextLines<'_> {
        TextLines::new(&self.text)
    }

    /// Places a line and column of the post's text in its source.
    pub fn place(&self, at: (usize, usize)) -> (usize, usize) {
        self.map.place((self.line, self.column), at)
    }

    /// The line suppressions count for byte `offset` of the text: the
    /// post's first line plus the offset's line within the text. It is the
    /// source's line unless the source spells line breaks as escapes, whose
    /// lines suppressions written in the text still count as lines.
    pub fn text_line(&self, lines: &TextLines, offset: usize) -> usize {
        self.line + lines.line_index(offset.min(self.text.len()))
    }
}

/// How serious a [`Note`] is: an `Error` note means part of the input (a
/// row, an item) could not be checked, so the run exits 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteLevel {
    Warning,
    Error,
}

/// A problem with part of an input that did not stop the rest of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub level: NoteLevel,
    pub error: LocatedError,
}

impl Note {
    pub fn warning(error: LocatedError) -> Note {
        Note {
            level: NoteLevel::Warning,
            error,
        }
    }

    pub fn error(error: LocatedError) -> Note {
        Note {
            level: NoteLevel::Error,
            error,
        }
    }
}

/// The kinds of input, chosen by file extension.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Kind {
    #[default]
    Text,
    Markdown,
    /// Content calendars: one post per row or item.
    Csv,
    Tsv,
    Json,
    JsonLines,
    Yaml,
}

/// The extensions of post files, with the kind each is read as: what a
/// directory walk picks up (unless `include` says otherwise).
pub const EXTENSIONS: &[(&str, Kind)] = &[
    ("txt", Kind::Text),
    ("md", Kind::Markdown),
    ("markdown", Kind::Markdown),
    ("mdx", Kind::Markdown),
    ("csv", Kind::Csv),
    ("tsv", Kind::Tsv),
    ("json", Kind::Json),
    ("jsonl", Kind::JsonLines),
    ("ndjson", Kind::JsonLines),
    ("yaml", Kind::Yaml),
    ("yml", Kind::Yaml),
];

impl Kind {
    /// The kind of a path, by extension; anything unknown is plain text.
    pub fn of(path: &str) -> Kind {
        extension(path)
            .and_then(Kind::of_extension)
            .unwrap_or(Kind::Text)
    }

    /// The kind of the files with extension `ext` (any case), if it is
    /// one of [`EXTENSIONS`].
    pub fn of_extension(ext: &str) -> Option<Kind> {
        EXTENSIONS
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(ext))
            .map(|&(_, kind)| kind)
    }

    /// Whether the kind holds many posts, one per row or item.
    pub fn is_calendar(self) -> bool {
        !matches!(self, Kind::Text | Kind::Markdown)
    }
}

/// The extension of `path`, as [`Path::extension`] gives it, worked out
/// from the string: a run asks it of every file several times, and going
/// through the path's components costs some 200 instructions each time.
/// Paths that end in a separator, `.` or `..` go through `Path`.
pub fn extension(path: &str) -> Option<&str> {
    let last_separator = if cfg!(windows) {
        path.rfind(std::path::is_separator)
    } else {
        memchr::memrchr(b'/', path.as_bytes())
    };
    let name = match last_separator {
        Some(i) => &path[i + 1..],
        None => path,
    };
    if name.is_empty() || name == "." || name == ".." {
        return Path::new(path).extension().and_then(|e| e.to_str());
    }
    match memchr::memrchr(b'.', name.as_bytes()) {
        // A name that starts with its only dot (`.gitignore`) has none.
        Some(0) | None => None,
        Some(dot) => Some(&name[dot + 1..]),
    }
}

/// Settings that change how inputs are read.
#[derive(Clone, Debug)]
pub struct Options {
    /// Posts (and whole text files) larger than this are not checked.
    pub max_post_bytes: usize,
    /// The calendar column or key that holds each post's text, instead of
    /// the usual names (`text`, `post`, `message`, …).
    pub field: Option<String>,
    /// What standard input (`-`) holds: one plain-text post unless told
    /// otherwise, as stdin has no extension to go by.
    pub stdin: Kind,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_post_bytes: 1 << 20,
            field: None,
            stdin: Kind::Text,
        }
    }
}

/// The name in messages and findings of standard input, whether it holds
/// one post or a calendar.
pub const STDIN_NAME: &str = "<stdin>";

/// Whether a post's source is standard input: `<stdin>`, or the `-` it is
/// named by on the command line.
pub fn is_stdin(source: &str) -> bool {
    source == "-" || source == STDIN_NAME
}

/// Reads one input — a file path, or `-` for stdin — and hands each of its
/// posts to `on_post`. A binary file found by walking a directory is
/// skipped with a note; one named on the command line is an error.
pub fn read(
    input: &InputFile,
    opts: &Options,
    on_post: &mut dyn FnMut(Post),
) -> Result<Vec<Note>, Error> {
    let path = input.path.as_str();
    if path == "-" {
        return read_stdin(opts, on_post);
    }
    let kind = Kind::of(path);
    if kind.is_calendar() {
        return read_calendar(input, kind, opts, on_post);
    }
    let cap = whole_post_cap(opts);
    let file = std::fs::File::open(path);
    if file.is_err() {
        // Some systems do not open directories at all.
        not_a_directory(path)?;
    }
    // The file is not asked its size (a system call for every post file):
    // one post fits the first buffer, and a directory, which opens, says
    // what it is when read.
    let bytes = match read_at_most(file, FIRST_READ.min(cap), cap) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::IsADirectory => return Err(is_a_directory(path)),
        Err(e) => return Err(Error::io(path, &e)),
    };
    if bytes.len() > cap {
        let size = match std::fs::metadata(path) {
            Ok(m) if m.len() > cap as u64 => m.len().to_string(),
            _ => format!("more than {cap}"),
        };
        return Err(too_big(path, &size, opts, ""));
    }
    text_input(input, kind, bytes, opts, on_post)
}

/// How many bytes of a one-post input are read before it is known to be
/// too big. No encoding shrinks text to less than half its bytes (UTF-16
/// of ASCII), so a little over twice the limit is enough, without holding
/// a huge input whole.
fn whole_post_cap(opts: &Options) -> usize {
    opts.max_post_bytes.saturating_mul(2).saturating_add(4)
}

/// The error for a one-post input of `size` bytes, over the limit; `hint`
/// ends the message.
fn too_big(path: &str, size: &str, opts: &Options, hint: &str) -> Error {
    Error::Io {
        path: path.to_string(),
        message: format!(
            "is {size} bytes, more than the {}-byte limit for one post; raise max_post_bytes in think-lint.toml to check it{hint}",
            opts.max_post_bytes
        ),
    }
}

/// Reads standard input, named [`STDIN_NAME`]: a calendar when
/// `--stdin-format` says so (streamed), otherwise one post.
fn read_stdin(opts: &Options, on_post: &mut dyn FnMut(Post)) -> Result<Vec<Note>, Error> {
    let input = InputFile {
        path: STDIN_NAME.to_string(),
        named: true,
    };
    if opts.stdin.is_calendar() {
        let reader = BufReader::with_capacity(64 << 10, stdin_ahead::reader());
        return calendar_input(&input, opts.stdin, reader, opts, on_post);
    }
    let cap = whole_post_cap(opts);
    let bytes =
        read_at_most(Ok(stdin_ahead::reader()), 0, cap).map_err(|e| Error::io(STDIN_NAME, &e))?;
    if bytes.len() > cap {
        // A calendar piped in without --stdin-format is the usual cause.
        let hint = "; if it is a content calendar, pass --stdin-format (csv, tsv, json, jsonl or yaml) to read it one post at a time";
        return Err(too_big(STDIN_NAME, &format!("more than {cap}"), opts, hint));
    }
    text_input(&input, opts.stdin, bytes, opts, on_post)
}

/// Reads posts from bytes already in memory, named `name` in messages, as
/// [`read`] reads a file of that `kind` named on the command line. For
/// posts that are not in files (and for fuzzing the readers).
pub fn read_from_bytes(
    name: &str,
    kind: Kind,
    bytes: &[u8],
    opts: &Options,
    on_post: &mut dyn FnMut(Post),
) -> Result<Vec<Note>, Error> {
    let input = InputFile {
        path: name.to_string(),
        named: true,
    };
    if kind.is_calendar() {
        return calendar_input(&input, kind, bytes, opts, on_post);
    }
    text_input(&input, kind, bytes.to_vec(), opts, on_post)
}

/// One post from a whole text or Markdown input.
fn text_input(
    input: &InputFile,
    kind: Kind,
    bytes: Vec<u8>,
    opts: &Options,
    on_post: &mut dyn FnMut(Post),
) -> Result<Vec<Note>, Error> {
    let path = input.path.as_str();
    if walk::looks_binary(&bytes) && !is_utf16(&bytes) {
        return binary(input);
    }
    let (text, mut notes) = decode_owned(path, bytes);
    if text.len() > opts.max_post_bytes {
        return Err(too_big(path, &text.len().to_string(), opts, ""));
    }
    let blank = text.trim().is_empty();
    let post = match kind {
        Kind::Markdown => markdown::post(path, &text, &mut notes),
        // The text becomes the post's own, without a copy.
        _ => text::post(path.into(), Cow::Owned(text), &mut notes),
    };
    if post.text.trim().is_empty() {
        let what = if is_stdin(path) { "stdin" } else { "the file" };
        let message = if blank {
            format!("{what} is empty: no post to check")
        } else {
            format!("{what} has no prose to check, only markup, code or comments")
        };
        notes.push(Note::warning(LocatedError::at(path, "", None, message)));
        return Ok(notes);
    }
    on_post(post);
    Ok(notes)
}

/// A binary file is an error when named, and skipped with a note when
/// found by walking.
fn binary(input: &InputFile) -> Result<Vec<Note>, Error> {
    let path = input.path.as_str();
    let message = "is a binary file, not posts";
    if input.named {
        return Err(Error::Io {
            path: path.to_string(),
            message: message.to_string(),
        });
    }
    Ok(vec![Note::warning(LocatedError::at(
        path,
        "",
        None,
        format!("skipped: {message}"),
    ))])
}

/// Reads a calendar as a stream, so a large one is never held whole.
fn read_calendar(
    input: &InputFile,
    kind: Kind,
    opts: &Options,
    on_post: &mut dyn FnMut(Post),
) -> Result<Vec<Note>, Error> {
    let path = input.path.as_str();
    not_a_directory(path)?;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, &e))?;
    let reader = BufReader::with_capacity(64 << 10, file);
    calendar_input(input, kind, reader, opts, on_post)
}

/// Reads a calendar from `reader`, after a look at its first bytes for a
/// UTF-16 byte-order mark or binary content.
fn calendar_input(
    input: &InputFile,
    kind: Kind,
    mut reader: impl BufRead,
    opts: &Options,
    on_post: &mut dyn FnMut(Post),
) -> Result<Vec<Note>, Error> {
    let path = input.path.as_str();
    let head = reader.fill_buf().map_err(|e| Error::io(path, &e))?;
    if is_utf16(head) {
        // Rare enough to decode whole, then read as UTF-8.
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(path, &e))?;
        let (text, mut notes) = decode(path, &bytes);
        let cursor = std::io::Cursor::new(text.into_bytes());
        notes.extend(calendar::read(path, kind, cursor, opts, on_post)?);
        return Ok(notes);
    }
    if walk::looks_binary(head) {
        return binary(input);
    }
    let mut posts = 0usize;
    let result = calendar::read(path, kind, reader, opts, &mut |p| {
        posts += 1;
        on_post(p)
    });
    match result {
        // A JSON or YAML file met while walking a folder (a package.json, a
        // CI config) is often no calendar at all: skip it with a note.
        Err(Error::Located(errors))
            if !input.named
                && posts == 0
                && errors.iter().all(|e| {
                    e.message.starts_with("no text field")
                        || e.message.starts_with("no list of posts")
                }) =>
        {
            Ok(errors
                .into_iter()
                .map(|mut e| {
                    e.message = format!("skipped, not a content calendar: {}", e.message);
                    Note::warning(e)
                })
                .collect())
        }
        other => other,
    }
}

fn not_a_directory(path: &str) -> Result<(), Error> {
    if Path::new(path).is_dir() {
        return Err(is_a_directory(path));
    }
    Ok(())
}

fn is_a_directory(path: &str) -> Error {
    Error::Io {
        path: path.to_string(),
        message: "is a directory, and directories are walked only when named on the command line"
            .to_string(),
    }
}

/// Bytes the buffer of a one-post file starts with: more than a social
/// post holds, so it need not grow; a longer file (a Markdown article)
/// grows it as it is read.
const FIRST_READ: usize = 16 << 10;

/// Reads at most `cap + 1` bytes of an input (one more than `cap` says
/// the input is bigger than that), into a buffer of `expected` bytes to
/// start with.
fn read_at_most(opened: io::Result<impl Read>, expected: usize, cap: usize) -> io::Result<Vec<u8>> {
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    let mut buf = Vec::with_capacity(expected);
    opened.and_then(|r| r.take(limit).read_to_end(&mut buf))?;
    Ok(buf)
}

fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

/// Decodes text, noting where it is not valid UTF-8 (the bad bytes become
/// U+FFFD) and dropping a byte-order mark. UTF-16 with a byte-order mark is
/// decoded too.
pub fn decode(source: &str, bytes: &[u8]) -> (String, Vec<Note>) {
    let mut notes = Vec::new();
    if is_utf16(bytes) {
        let le = bytes[0] == 0xFF;
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            })
            .collect();
        return (String::from_utf16_lossy(&units), notes);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(e) => {
            let at = e.valid_up_to();
            let (line, column) = crate::error::line_col(&String::from_utf8_lossy(&bytes[..at]), at);
            notes.push(Note::warning(LocatedError {
                file: source.to_string(),
                line,
                column,
                rule: None,
                message: format!("invalid UTF-8 at byte {at}; the bad bytes are read as U+FFFD"),
                help: None,
            }));
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
    let text = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    (text, notes)
}

/// [`decode`] for bytes the caller gives up: valid UTF-8 becomes the text
/// without a copy.
fn decode_owned(source: &str, bytes: Vec<u8>) -> (String, Vec<Note>) {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{FEFF}') {
                text.drain(..'\u{FEFF}'.len_utf8());
            }
            (text, Vec::new())
        }
        // Neither UTF-16 nor invalid UTF-8 is valid UTF-8.
        Err(e) => decode(source, e.as_bytes()),
    }
}

/// Replaces every character of `text` outside `keep` (byte ranges sorted
/// by their start) with a space, keeping line breaks, so a post's
/// positions stay those of its file. A character is kept when it starts
/// in a range.
pub fn blank_outside(text: &str, keep: &[std::ops::Range<usize>]) -> String {
    let on_characters = keep
        .iter()
        .all(|r| text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
    if !on_characters {
        return blank_outside_by_character(text, keep);
    }
    // The kept text is copied whole, and only what lies between is
    // blanked character by character.
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in keep {
        let start = r.start.max(at);
        let end = r.end.max(start);
        blank_into(&mut out, &text[at..start]);
        out.push_str(&text[start..end]);
        at = end;
    }
    blank_into(&mut out, &text[at..]);
    out
}

/// Appends `gap` blanked: a space for each character, line breaks kept.
fn blank_into(out: &mut String, gap: &str) {
    for b in gap.bytes() {
        if b == b'\n' {
            out.push('\n');
        } else if b & 0xC0 != 0x80 {
            // The first byte of a character.
            out.push(' ');
        }
    }
}

/// [`blank_outside`] for ranges that start or end inside a character.
fn blank_outside_by_character(text: &str, keep: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut k = 0;
    for (i, c) in text.char_indices() {
        while k < keep.len() && keep[k].end <= i {
            k += 1;
        }
        let kept = k < keep.len() && keep[k].start <= i;
        if kept || c == '\n' {
            out.push(c);
        } else {
            out.push(' ');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_read_as_a_post_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["posts.txt", "calendar.csv"] {
            let path = dir.path().join(name);
            std::fs::create_dir(&path).unwrap();
            let input = InputFile {
                path: path.to_string_lossy().into_owned(),
                named: true,
            };
            let mut posts = 0;
            let err = read(&input, &Options::default(), &mut |_| posts += 1).unwrap_err();
            assert_eq!(posts, 0);
            match err {
                Error::Io { path, message } => {
                    assert_eq!(path, input.path);
                    assert!(message.starts_with("is a directory"), "{message}");
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn a_post_file_longer_than_the_first_buffer_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.txt");
        let text = format!("{} the end", "word ".repeat(FIRST_READ / 5 * 3));
        std::fs::write(&path, &text).unwrap();
        let input = InputFile {
            path: path.to_string_lossy().into_owned(),
            named: true,
        };
        let mut posts = Vec::new();
        let notes = read(&input, &Options::default(), &mut |p| posts.push(p)).unwrap();
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(posts.len(), 1);
        assert!(text.len() > FIRST_READ * 2);
        assert_eq!(posts[0].text, text);
    }

    #[test]
    fn positions_are_offset_by_the_post_origin() {
        let mut p = Post::new("cal.csv", "ab\ncd");
        p.line = 4;
        p.column = 7;
        assert_eq!(p.position(1), (4, 8));
        assert_eq!(p.position(4), (5, 2));
    }

    #[test]
    fn span_positions_are_the_positions_of_both_ends() {
        let mut p = Post::new("cal.csv", "aé\ncd\r\n\nxyz😀q");
        p.line = 4;
        p.column = 7;
        let n = p.text.len();
        let lines = p.lines();
        for start in 0..=n + 1 {
            for end in 0..=n + 1 {
                assert_eq!(
                    p.span_position(&lines, start..end),
                    (p.position(start), p.position(end)),
                    "{start}..{end}"
                );
            }
        }
    }

    #[test]
    fn invalid_utf8_is_read_with_a_warning() {
        let (text, notes) = decode("x.txt", b"caf\xe9 open");
        assert_eq!(text, "caf\u{FFFD} open");
        assert!(notes[0].error.message.contains("byte 3"));
        assert_eq!(notes[0].level, NoteLevel::Warning);
    }

    #[test]
    fn owned_bytes_decode_as_borrowed_ones_do() {
        let inputs: [&[u8]; 6] = [
            b"plain",
            b"\xEF\xBB\xBFwith a mark",
            b"caf\xe9 open",
            b"\xFF\xFEh\0i\0",
            b"\xFE\xFF\0h\0i",
            b"",
        ];
        for bytes in inputs {
            assert_eq!(decode_owned("x", bytes.to_vec()), decode("x", bytes));
        }
    }

    #[test]
    fn extensions_are_those_path_gives() {
        let mut rng = crate::test_rng::Xorshift::new(0xe7e7_0001);
        let alphabet = ['a', '.', '/', 'b', '\\', 'é'];
        for _ in 0..20_000 {
            let path: String = (0..rng.below(10))
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            let want = Path::new(&path).extension().and_then(|e| e.to_str());
            assert_eq!(extension(&path), want, "{path:?}");
        }
        for path in [
            "posts/a.MD",
            "a.tar.gz",
            ".env",
            "dir.d/file",
            "x/..",
            "x/.",
            "a.txt/",
        ] {
            let want = Path::new(path).extension().and_then(|e| e.to_str());
            assert_eq!(extension(path), want, "{path:?}");
        }
    }

    #[test]
    fn blanking_keeps_lines_and_columns() {
        let t = "a `cödé` b\nc";
        let kept = blank_outside(t, &[0..2, 10..t.len()]);
        assert_eq!(kept, "a        b\nc");
        assert_eq!(kept.chars().count(), t.chars().count());
    }

    #[test]
    fn blanking_by_ranges_is_blanking_character_by_character() {
        let mut rng = crate::test_rng::Xorshift::new(0x5eed_b1a2);
        let alphabet = ['a', ' ', '\n', 'é', '€', '😀', '`', '#'];
        for _ in 0..2000 {
            let text: String = (0..rng.below(24))
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            // Sorted by start, sometimes overlapping, empty or past the
            // end of a character; some inside one.
            let mut keep: Vec<std::ops::Range<usize>> = (0..rng.below(5))
                .map(|_| {
                    let start = rng.below(text.len() + 1);
                    start..(start + rng.below(8)).min(text.len())
                })
                .collect();
            keep.sort_by_key(|r| r.start);
            assert_eq!(
                blank_outside(&text, &keep),
                blank_outside_by_character(&text, &keep),
                "{text:?} {keep:?}"
            );
        }
    }
}
