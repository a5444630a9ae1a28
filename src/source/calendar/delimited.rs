//! CSV and TSV calendars: the first row names the columns, each later row
//! is a post. Rows are read one at a time with the `csv` crate (which
//! handles quoted cells spanning lines); the raw bytes of the current row
//! are kept beside it so each cell's real line and column are known.

use super::{Cell, Roles, Sink, no_text_field, shift};
use crate::error::Error;
use crate::source::source_map::{Spelling, advance};
use std::borrow::Cow;
use std::io::{self, Read};

/// Passes bytes through to the CSV parser, keeping those not yet behind
/// the row being read.
struct Tee<R> {
    inner: R,
    /// Raw bytes from file offset `base` on.
    kept: Vec<u8>,
    base: u64,
    /// Whether the end of the input has been read.
    at_end: bool,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.kept.extend_from_slice(&buf[..n]);
        self.at_end |= n == 0 && !buf.is_empty();
        Ok(n)
    }
}

impl<R> Tee<R> {
    /// Forgets the bytes before file offset `to`, once they are many:
    /// dropping each row as it goes would move all the bytes after it, for
    /// every row.
    fn drop_before(&mut self, to: u64) {
        /// Bytes behind the current row that may be kept.
        const SLACK: usize = 64 << 10;
        let n = (to.saturating_sub(self.base) as usize).min(self.kept.len());
        if n < SLACK {
            return;
        }
        self.kept.drain(..n);
        self.base += n as u64;
    }

    /// The raw bytes from file offset `from` on.
    fn from(&self, from: u64) -> &[u8] {
        let at = (from.saturating_sub(self.base) as usize).min(self.kept.len());
        &self.kept[at..]
    }
}

/// Walks the raw bytes of one row cell by cell, as the CSV parser reads
/// them, keeping the 1-based line and column (in characters) relative to
/// the start of the row.
struct RowScan<'a> {
    raw: &'a [u8],
    delimiter: u8,
    i: usize,
    line: usize,
    column: usize,
    /// Whether a cell has been started (the next one follows a delimiter).
    started: bool,
    /// Where the quote of the quoted cell being read opened, until it is
    /// closed.
    open_quote: Option<(usize, usize)>,
}

impl<'a> RowScan<'a> {
    fn new(raw: &'a [u8], delimiter: u8) -> Self {
        let mut scan = RowScan {
            raw,
            delimiter,
            i: 0,
            line: 1,
            column: 1,
            started: false,
            open_quote: None,
        };
        // A byte-order mark is not a character anyone sees.
        if raw.starts_with(b"\xEF\xBB\xBF") {
            scan.i = 3;
        }
        // Blank lines before a row are skipped by the parser but counted here.
        while let Some(&b @ (b'\n' | b'\r')) = raw.get(scan.i) {
            if b == b'\n' {
                scan.line += 1;
            }
            scan.i += 1;
        }
        scan
    }

    /// Moves past the byte at `i`.
    fn step(&mut self) {
        advance(&mut self.line, &mut self.column, self.raw[self.i]);
        self.i += 1;
    }

    /// Moves past the rest of the current cell and its delimiter; `false`
    /// when the row ends instead.
    fn skip_cell(&mut self) -> bool {
        if self.open_quote.is_some() {
            // Inside quotes until a quote that is not doubled.
            while self.i < self.raw.len() {
                let b = self.raw[self.i];
                self.step();
                if b == b'"' {
                    if self.raw.get(self.i) != Some(&b'"') {
                        self.open_quote = None;
                        break;
                    }
                    self.step();
                }
            }
        }
        while self.i < self.raw.len()
            && !matches!(self.raw[self.i], b'\n' | b'\r')
            && self.raw[self.i] != self.delimiter
        {
            self.step();
        }
        if self.raw.get(self.i) != Some(&self.delimiter) {
            return false;
        }
        self.step();
        true
    }

    /// The position of the next cell's first character (for a quoted cell,
    /// the character after the quote), or `None` at the end of the row.
    fn next_cell(&mut self) -> Option<(usize, usize)> {
        if self.started && !self.skip_cell() {
            return None;
        }
        self.started = true;
        if self.raw.get(self.i) == Some(&b'"') {
            self.open_quote = Some((self.line, self.column));
            self.step();
        }
        Some((self.line, self.column))
    }

    /// Where a quote opened that the row's bytes never close: the parser
    /// then took everything to the end of the input as that one cell.
    fn unclosed_quote(mut self) -> Option<(usize, usize)> {
        while self.next_cell().is_some() {}
        self.open_quote
    }
}

/// Where a cell's first character is in the raw bytes of its row (for a
/// quoted cell, the character after the quote).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CellStart {
    /// 1-based line and column, relative to the start of the row.
    at: (usize, usize),
    /// Offset in the row's bytes.
    byte: usize,
    /// Whether the cell is quoted, so may double its quotes.
    quoted: bool,
}

/// Where each of the first `cells` cells of the row in `raw` starts.
fn cell_starts(raw: &[u8], delimiter: u8, cells: usize) -> Vec<CellStart> {
    let mut scan = RowScan::new(raw, delimiter);
    let mut out = Vec::with_capacity(cells);
    while out.len() < cells {
        match scan.next_cell() {
            Some(at) => out.push(CellStart {
                at,
                byte: scan.i,
                quoted: scan.open_quote.is_some(),
            }),
            None => break,
        }
    }
    let end = CellStart {
        at: (scan.line, scan.column),
        byte: scan.i,
        quoted: false,
    };
    out.resize(cells, end);
    out
}

/// The cell of a text read from the row in `raw` (which starts on `line`
/// of the file) where `start` says. A quoted cell that holds a quote wrote
/// it doubled, so is mapped to its spelling.
fn cell<'t>(text: Cow<'t, str>, raw: &[u8], start: CellStart, line: usize) -> Cell<'t> {
    let at = shift((line, 1), start.at);
    if !start.quoted || memchr::memchr(b'"', text.as_bytes()).is_none() {
        return Cell::plain(text, at);
    }
    // The cell's spelling is at most twice its text (every quote doubled)
    // and its closing quote; after it, the row and the rest of what was
    // read are not needed.
    let from = start.byte.min(raw.len());
    let rest = &raw[from..raw.len().min(from + 2 * text.len() + 1)];
    // Up to the first byte that is not UTF-8: the text has U+FFFD there,
    // which the map cannot follow anyway.
    let rest = match std::str::from_utf8(rest) {
        Ok(rest) => rest,
        Err(e) => std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default(),
    };
    Cell::spelled(text, at, rest, Spelling::Doubled('"'), at)
}

/// The columns of a calendar, from its header row.
struct Columns {
    count: usize,
    roles: Roles,
    /// How many of a row's cells need locating: up to the text or notes.
    wanted: usize,
}

/// A CSV reader over `reader`, rows left to the caller.
fn csv_reader<R: Read>(reader: R, delimiter: u8) -> csv::Reader<Tee<R>> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(Tee {
            inner: reader,
            kept: Vec::new(),
            base: 0,
            at_end: false,
        })
}

/// The error for what the CSV parser could not read.
fn csv_error(source: &str, e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(source, &e),
        other => Error::Io {
            path: source.to_string(),
            message: format!("{other:?}"),
        },
    }
}

pub fn read(reader: impl Read, delimiter: u8, sink: &mut Sink) -> Result<(), Error> {
    let what = if delimiter == b'\t' { "TSV" } else { "CSV" };
    let source = sink.source;
    let mut rdr = csv_reader(reader, delimiter);
    let mut record = csv::ByteRecord::new();
    if !rdr
        .read_byte_record(&mut record)
        .map_err(|e| csv_error(source, e))?
    {
        sink.warning(
            (1, 1),
            format!("empty {what} calendar: no header row, no posts"),
        );
        return Ok(());
    }
    let header_at = record.position().map_or((1, 1), |p| (p.line() as usize, 1));
    let names: Vec<String> = record
        .iter()
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let field = sink.opts.field.clone();
    let Some(roles) = Roles::find(&names, field.as_deref()) else {
        return Err(no_text_field(
            source,
            header_at,
            "columns",
            &names,
            field.as_deref(),
        ));
    };
    sink.found_text = true;
    let wanted = [Some(roles.text), roles.note]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0)
        + 1;
    let columns = Columns {
        count: names.len(),
        roles,
        wanted,
    };
    let mut index = 0;
    let mut rest = rows(&mut rdr, delimiter, &columns, 0, &mut index, sink)?;
    // After an unclosed quote, the lines that follow its line are read as
    // rows again: a quote left open by mistake would otherwise hide them.
    while let Some((bytes, lines_before)) = rest {
        let mut rdr = csv_reader(bytes.as_slice(), delimiter);
        rest = rows(
            &mut rdr,
            delimiter,
            &columns,
            lines_before,
            &mut index,
            sink,
        )?;
    }
    Ok(())
}

/// Reads rows after the header as posts; `lines_before` is the line the
/// reader's input starts after in the file. Stops at a row whose quote is
/// never closed, returning the input after the line the quote opened on
/// and that line's number.
fn rows<R: Read>(
    rdr: &mut csv::Reader<Tee<R>>,
    delimiter: u8,
    columns: &Columns,
    lines_before: usize,
    index: &mut usize,
    sink: &mut Sink,
) -> Result<Option<(Vec<u8>, usize)>, Error> {
    let source = sink.source;
    let roles = &columns.roles;
    let limit = sink.item_limit();
    let mut record = csv::ByteRecord::new();
    while rdr
        .read_byte_record(&mut record)
        .map_err(|e| csv_error(source, e))?
    {
        let (start, line) = record
            .position()
            .map_or((0, 1), |p| (p.byte(), p.line() as usize + lines_before));
        rdr.get_mut().drop_before(start);
        let this = *index;
        *index += 1;
        if let Some(rest) = unclosed_quote(rdr, delimiter, start, line, this, sink) {
            return Ok(Some(rest));
        }
        let raw = rdr.get_ref().from(start);
        let starts = cell_starts(raw, delimiter, columns.wanted);
        let row_at = shift((line, 1), starts[0].at);
        if record.len() != columns.count {
            sink.error(
                row_at,
                format!(
                    "row {} has {} cells but the header names {} columns; skipped",
                    this + 1,
                    record.len(),
                    columns.count
                ),
            );
            continue;
        }
        if record.as_slice().len() > limit {
            sink.error(
                row_at,
                format!(
                    "row {} is {} bytes, more than the limit for one post; skipped (raise max_post_bytes in think-lint.toml to check it)",
                    this + 1,
                    record.as_slice().len()
                ),
            );
            continue;
        }
        let mut read = |i: usize| {
            let text = sink.lossy(&record[i], shift((line, 1), starts[i].at));
            cell(text, raw, starts[i], line)
        };
        let text = read(roles.text);
        let note = roles.note.map(&mut read);
        let meta = roles.meta(|i| record.get(i).map(String::from_utf8_lossy));
        sink.emit(this, text, meta, note);
    }
    Ok(None)
}

/// Notes the row just read (row `this`, from input offset `start`, at
/// `line` of the file) when it holds a quote that is never closed, and returns the
/// input after the quote's line with that line's number. Only a row that
/// runs to the end of the input can: a row the parser ended early has
/// every quote closed.
fn unclosed_quote<R: Read>(
    rdr: &csv::Reader<Tee<R>>,
    delimiter: u8,
    start: u64,
    line: usize,
    this: usize,
    sink: &mut Sink,
) -> Option<(Vec<u8>, usize)> {
    let tee = rdr.get_ref();
    if !tee.at_end {
        return None;
    }
    let len = (rdr.position().byte() - start) as usize;
    let raw = &tee.from(start)[..len];
    let quote = RowScan::new(raw, delimiter).unclosed_quote()?;
    let at = shift((line, 1), quote);
    sink.error(
        at,
        format!(
            "row {}: the quote that opens here is never closed, so the row runs to the end of the file; skipped, and the lines after this one are read as rows",
            this + 1
        ),
    );
    // The rest starts on the line after the quote's.
    let quote_line = raw
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .nth(quote.0 - 1)
        .map_or(raw.len(), |(i, _)| i + 1);
    Some((raw[quote_line..].to_vec(), at.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Kind, NoteLevel, Options, Post};

    fn posts(kind: Kind, input: &str, opts: &Options) -> (Vec<Post>, Vec<crate::source::Note>) {
        let mut out = Vec::new();
        let notes =
            super::super::read("cal", kind, input.as_bytes(), opts, &mut |p| out.push(p)).unwrap();
        (out, notes)
    }

    #[test]
    fn cells_are_located_past_quotes_and_line_breaks() {
        let raw = b"1,\"a \"\"b\"\"\nc\",  x,\"\xc3\xa9\",y\n2,z";
        let s = cell_starts(raw, b',', 5);
        let at: Vec<_> = s.iter().map(|s| s.at).collect();
        assert_eq!(at, [(1, 1), (1, 4), (2, 4), (2, 9), (2, 12)]);
        let quoted: Vec<_> = s.iter().map(|s| s.quoted).collect();
        assert_eq!(quoted, [false, true, false, true, false]);
        assert_eq!(&raw[s[1].byte..s[1].byte + 3], b"a \"");
    }

    #[test]
    fn unclosed_quotes_are_found_where_they_open() {
        /// A row's raw bytes, and where its unclosed quote opens.
        type Case = (&'static [u8], Option<(usize, usize)>);
        let cases: [Case; 9] = [
            (b"a,b\n", None),
            (b"a,\"b\"\n", None),
            (b"a,\"b\"\"c\"", None),
            (b"a,\"b\nc\"\"\n", Some((1, 3))),
            (b"\n\na,\"b", Some((3, 3))),
            (b"a,b\"c", None),
            (b"\"a\"x\"y,b", None),
            (b"a,\"\xc3\xa9\",\"b", Some((1, 7))),
            (b"\"", Some((1, 1))),
        ];
        for (raw, expected) in cases {
            assert_eq!(
                RowScan::new(raw, b',').unclosed_quote(),
                expected,
                "{}",
                String::from_utf8_lossy(raw)
            );
        }
    }

    #[test]
    fn rows_are_posts_at_their_real_lines() {
        let csv = "\u{FEFF}ID,Platform,Text,Date\n\
                   1,LinkedIn,\"We are hiring!\nApply today.\",2024-05-01\n\
                   \n\
                   2,x,Thanks for a great week,2024-05-02\n";
        let (p, notes) = posts(Kind::Csv, csv, &Options::default());
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].line, p[0].column), (2, 13));
        assert_eq!(p[0].text, "We are hiring!\nApply today.");
        assert_eq!(p[0].meta.platform.as_deref(), Some("linkedin"));
        assert_eq!(p[0].meta.id.as_deref(), Some("1"));
        assert_eq!(p[0].meta.scheduled.as_deref(), Some("2024-05-01"));
        assert_eq!((p[1].index, p[1].line, p[1].column), (1, 5, 5));
        assert_eq!(p[0].position(p[0].text.find("Apply").unwrap()), (3, 1));
    }

    #[test]
    fn ragged_rows_and_oversized_cells_are_noted_and_skipped() {
        let opts = Options {
            max_post_bytes: 10,
            ..Options::default()
        };
        let csv = "text,id\nfine,1\nragged\nthis one is far too long,3\nok,4\n";
        let (p, notes) = posts(Kind::Csv, csv, &opts);
        let texts: Vec<_> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["fine", "ok"]);
        assert_eq!(p[1].index, 3);
        assert_eq!(notes.len(), 2);
        assert!(notes.iter().all(|n| n.level == NoteLevel::Error));
        assert_eq!(notes[0].error.line, 3);
        assert!(notes[0].error.message.contains("1 cells"));
        assert_eq!((notes[1].error.line, notes[1].error.column), (4, 1));
    }

    #[test]
    fn tsv_and_field_option() {
        let opts = Options {
            field: Some("Copy".into()),
            ..Options::default()
        };
        let (p, _) = posts(Kind::Tsv, "id\tcopy\n7\tSee you Saturday\n", &opts);
        assert_eq!(p[0].text, "See you Saturday");
        assert_eq!((p[0].line, p[0].column), (2, 3));
        let mut sink_posts = 0;
        let e = super::super::read(
            "cal.tsv",
            Kind::Tsv,
            "id\tcopy\n7\thi\n".as_bytes(),
            &Options::default(),
            &mut |_| sink_posts += 1,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("`id`, `copy`") && e.contains("--field"), "{e}");
    }

    #[test]
    fn invalid_utf8_is_read_with_a_warning_naming_the_line() {
        let mut out = Vec::new();
        let notes = super::super::read(
            "c.csv",
            Kind::Csv,
            &b"text\nok\ncaf\xe9 open\n"[..],
            &Options::default(),
            &mut |p| out.push(p),
        )
        .unwrap();
        assert_eq!(out[1].text, "caf\u{FFFD} open");
        assert_eq!(notes[0].level, NoteLevel::Warning);
        assert_eq!((notes[0].error.line, notes[0].error.column), (3, 4));
        assert!(notes[0].error.message.contains("line 3"));
    }

    #[test]
    fn suppressions_in_cells_and_notes_map_to_file_lines() {
        let csv = "id,text,notes\n\
                   1,\"Quoting a review:\n# think-lint: disable-next-line kind -- quoted\nYou idiot\",\n\
                   2,You idiot,think-lint: disable kind/name-calling -- a quote\n";
        let (p, _) = posts(Kind::Csv, csv, &Options::default());
        assert_eq!(p[0].suppressions[0].scope, Scope::Line(4));
        assert_eq!(p[0].suppressions[0].line, 3);
        assert!(!p[0].text.contains("think-lint"));
        assert_eq!(p[1].suppressions[0].scope, Scope::Lines(5, 5));
        assert_eq!(
            (p[1].suppressions[0].line, p[1].suppressions[0].column),
            (5, 13)
        );
    }

    use crate::source::Scope;
}
