//! `--format jsonl`: JSON Lines, one object per post per line.

use super::json::{post_text, write_post};
use super::{Render, Reporter};
use crate::check::{PostResult, Summary};
use std::io::{self, Write};

/// Writes each post as one line holding the same object as an element of
/// `--format json`'s `posts` array (with its `meta`), and nothing else.
///
/// There is deliberately no summary line: every line has the same shape,
/// so a consumer can stream, split or concatenate outputs (`cat`, `jq -c`,
/// a database import) without special-casing a last line. The totals are
/// a count over the lines away, and the exit code still gives the verdict.
#[derive(Default)]
pub struct Jsonl;

impl Reporter for Jsonl {
    fn post(&mut self, out: &mut dyn Write, result: &PostResult) -> io::Result<()> {
        write_post(out, result)?;
        out.write_all(b"\n")
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }

    fn renderer(&self) -> Option<Box<dyn Render>> {
        Some(Box::new(Jsonl))
    }
}

impl Render for Jsonl {
    fn render(&self, out: &mut Vec<u8>, result: &PostResult) -> io::Result<()> {
        post_text(out, result);
        out.push(b'\n');
        Ok(())
    }
}
