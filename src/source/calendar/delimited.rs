//! CSV and TSV calendars: the first row names the columns, each later row
//! is a post. Rows are read one at a time with the `csv` crate (which
//! handles quoted cells spanning lines); the raw bytes of the current row
//! are kept beside it so each cell's real line and column are known.

use super::{Roles, Sink, no_text_field, shift};
use crate::error::Error;
use std::io::{self, Read};

/// Passes bytes through to the CSV parser, keeping those not yet behind
/// the row being read.
struct Tee<R> {
    inner: R,
    /// Raw bytes from file offset `base` on.
    kept: Vec<u8>,
    base: u64,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.kept.extend_from_slice(&buf[..n]);
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

/// The 1-based (line, column) of each cell's first character, relative to
/// the start of the row in `raw`; the column of a quoted cell is that of
/// the character after the quote.
fn cell_starts(raw: &[u8], delimiter: u8, cells: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(cells);
    let (mut line, mut column) = (1, 1);
    let mut i = 0;
    // A byte-order mark is not a character anyone sees.
    if raw.starts_with(b"\xEF\xBB\xBF") {
        i = 3;
    }
    // Blank lines before a row are skipped by the parser but counted here.
    while let Some(b'\n' | b'\r') = raw.get(i) {
        if raw[i] == b'\n' {
            line += 1;
        }
        i += 1;
    }
    let step = |b: u8, line: &mut usize, column: &mut usize| {
        if b == b'\n' {
            *line += 1;
            *column = 1;
        } else if b & 0xC0 != 0x80 {
            *column += 1;
        }
    };
    while out.len() < cells {
        if raw.get(i) == Some(&b'"') {
            step(b'"', &mut line, &mut column);
            i += 1;
            out.push((line, column));
            if out.len() == cells {
                break;
            }
            // Inside quotes until a quote that is not doubled.
            while i < raw.len() {
                let b = raw[i];
                step(b, &mut line, &mut column);
                i += 1;
                if b == b'"' {
                    if raw.get(i) == Some(&b'"') {
                        step(b'"', &mut line, &mut column);
                        i += 1;
                    } else {
                        break;
                    }
                }
            }
        } else {
            out.push((line, column));
            if out.len() == cells {
                break;
            }
        }
        // On to the next delimiter.
        while i < raw.len() && !matches!(raw[i], b'\n' | b'\r') && raw[i] != delimiter {
            step(raw[i], &mut line, &mut column);
            i += 1;
        }
        if raw.get(i) != Some(&delimiter) {
            break;
        }
        step(delimiter, &mut line, &mut column);
        i += 1;
    }
    while out.len() < cells {
        out.push((line, column));
    }
    out
}

pub fn read(reader: impl Read, delimiter: u8, sink: &mut Sink) -> Result<(), Error> {
    let what = if delimiter == b'\t' { "TSV" } else { "CSV" };
    let source = sink.source;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(Tee {
            inner: reader,
            kept: Vec::new(),
            base: 0,
        });
    let io_err = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(source, &e),
        other => Error::Io {
            path: source.to_string(),
            message: format!("{other:?}"),
        },
    };
    let mut record = csv::ByteRecord::new();
    if !rdr.read_byte_record(&mut record).map_err(io_err)? {
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
    let limit = sink.item_limit();
    let mut index = 0;
    while rdr.read_byte_record(&mut record).map_err(io_err)? {
        let (start, line) = record
            .position()
            .map_or((0, 1), |p| (p.byte(), p.line() as usize));
        rdr.get_mut().drop_before(start);
        let starts = cell_starts(rdr.get_ref().from(start), delimiter, wanted);
        let row_at = shift((line, 1), starts[0]);
        let this = index;
        index += 1;
        if record.len() != names.len() {
            sink.error(
                row_at,
                format!(
                    "row {} has {} cells but the header names {} columns; skipped",
                    this + 1,
                    record.len(),
                    names.len()
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
        let at = |i: usize| shift((line, 1), starts.get(i).copied().unwrap_or((1, 1)));
        let text_at = at(roles.text);
        let text = sink.lossy(&record[roles.text], text_at);
        let note = roles.note.map(|i| {
            let note_at = at(i);
            (sink.lossy(&record[i], note_at).into_owned(), note_at)
        });
        let meta = roles.meta(|i| record.get(i).map(String::from_utf8_lossy));
        sink.emit(
            this,
            text,
            text_at,
            meta,
            note.as_ref().map(|(n, a)| (n.as_str(), *a)),
        );
    }
    Ok(())
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
        assert_eq!(s, [(1, 1), (1, 4), (2, 4), (2, 9), (2, 12)]);
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
