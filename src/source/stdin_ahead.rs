//! The first bytes of standard input, read before the run starts.
//!
//! A run must know whether it is long before its linters first read the
//! built-in tables (see [`crate::huge_pages`]). A calendar redirected
//! from a file tells its size; one piped in does not, so the run reads
//! its first megabyte ahead ([`read_ahead`]) and counts that. The bytes
//! are kept, and standard input is then read through [`reader`], which
//! gives them first: nothing is lost or read twice.

use std::io::{self, Read};
use std::sync::Mutex;

/// What [`read_ahead`] read: its bytes, and the error that stopped it, if
/// one did (reported where standard input is read, after the bytes).
struct Ahead {
    bytes: Vec<u8>,
    error: Option<io::Error>,
}

/// The bytes read ahead, until [`reader`] takes them.
static AHEAD: Mutex<Option<Ahead>> = Mutex::new(None);

/// Reads up to `limit` bytes of standard input and keeps them for
/// [`reader`]. Returns how many there were: fewer than `limit` when
/// standard input ended first, or failed (the error then comes from
/// [`reader`], after the bytes read before it). Standard input is read
/// ahead once: asked again, it answers what it holds.
pub fn read_ahead(limit: u64) -> u64 {
    let mut ahead = AHEAD.lock().unwrap_or_else(|e| e.into_inner());
    let read = ahead.get_or_insert_with(|| read_from(io::stdin().lock(), limit));
    read.bytes.len() as u64
}

/// The bytes read ahead and not yet taken by [`reader`], if any were:
/// what `THINK_LINT_TIMINGS` reports of the reading.
pub fn held() -> Option<u64> {
    let ahead = AHEAD.lock().unwrap_or_else(|e| e.into_inner());
    ahead.as_ref().map(|a| a.bytes.len() as u64)
}

/// Up to `limit` bytes of `input`, and the error that stopped the reading
/// before, if one did.
fn read_from(input: impl Read, limit: u64) -> Ahead {
    let mut bytes = Vec::new();
    // The bytes read before an error are in `bytes` all the same.
    let error = input.take(limit).read_to_end(&mut bytes).err();
    Ahead { bytes, error }
}

/// Standard input: the bytes read ahead, if any, then the rest.
pub fn reader() -> impl Read {
    let ahead = AHEAD.lock().unwrap_or_else(|e| e.into_inner()).take();
    Chained::new(ahead, io::stdin().lock())
}

/// The bytes read ahead (and the error after them), then `rest`.
struct Chained<R> {
    bytes: Vec<u8>,
    at: usize,
    error: Option<io::Error>,
    rest: R,
}

impl<R: Read> Chained<R> {
    fn new(ahead: Option<Ahead>, rest: R) -> Chained<R> {
        let (bytes, error) = ahead.map_or((Vec::new(), None), |a| (a.bytes, a.error));
        Chained {
            bytes,
            at: 0,
            error,
            rest,
        }
    }
}

impl<R: Read> Read for Chained<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at < self.bytes.len() {
            let n = (self.bytes.len() - self.at).min(buf.len());
            buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
            self.at += n;
            if self.at == self.bytes.len() {
                // Read once: their memory goes back now.
                self.bytes = Vec::new();
                self.at = 0;
            }
            return Ok(n);
        }
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.rest.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that gives `bytes` a few at a time, then fails.
    struct Failing {
        bytes: Vec<u8>,
        at: usize,
    }

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.at == self.bytes.len() {
                return Err(io::Error::other("the pipe broke"));
            }
            let n = 3.min(buf.len()).min(self.bytes.len() - self.at);
            buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn read_all(mut r: impl Read) -> (Vec<u8>, Option<String>) {
        let mut out = Vec::new();
        let mut buf = [0u8; 4];
        loop {
            match r.read(&mut buf) {
                Ok(0) => return (out, None),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => return (out, Some(e.to_string())),
            }
        }
    }

    #[test]
    fn bytes_read_ahead_come_first_then_the_rest() {
        let text = b"{\"text\": \"one\"}\n{\"text\": \"two\"}\n".to_vec();
        let mut input = &text[..];
        // Read ahead as far as the limit; the rest stays in the input.
        let ahead = read_from(&mut input, 10);
        assert_eq!(ahead.bytes.len(), 10);
        let (out, error) = read_all(Chained::new(Some(ahead), input));
        assert_eq!(out, text);
        assert_eq!(error, None);
        // Nothing read ahead: the input alone.
        let (out, _) = read_all(Chained::new(None, &b"plain"[..]));
        assert_eq!(out, b"plain");
    }

    #[test]
    fn an_error_while_reading_ahead_comes_after_the_bytes_read() {
        let failing = Failing {
            bytes: b"seven b".to_vec(),
            at: 0,
        };
        let ahead = read_from(failing, 100);
        assert_eq!(ahead.bytes.len(), 7);
        let (out, error) = read_all(Chained::new(Some(ahead), &b"never read"[..]));
        assert_eq!(out, b"seven b");
        assert_eq!(error.as_deref(), Some("the pipe broke"));
    }
}
