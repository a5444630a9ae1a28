//! `--format compact`: `path:line:col: severity rule message`, one finding
//! per line, for editors' error parsers and grep. No colour, no excerpt, no
//! summary.

use super::{Reporter, escape_terminal};
use crate::check::{PostResult, Summary};
use std::io::{self, Write};

#[derive(Default)]
pub struct Compact;

impl Reporter for Compact {
    fn post(&mut self, out: &mut dyn Write, r: &PostResult) -> io::Result<()> {
        // Every field is escaped, so a line break or an escape sequence in
        // a path or a pack's message cannot split or colour a line.
        let source = escape_terminal(&r.source);
        for f in &r.findings {
            writeln!(
                out,
                "{source}:{}:{}: {} {} {}",
                f.line,
                f.column,
                f.severity.as_str(),
                escape_terminal(&f.rule),
                escape_terminal(&f.message)
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}
