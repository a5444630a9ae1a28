//! The big read-only tables built into the binary (the literal
//! prefilter's automaton, the learned models' terms), copied onto 2 MiB
//! pages for a long run.
//!
//! Checking a post reads a few hundred entries of each table, scattered
//! over megabytes. On 4 KiB pages nearly every such read also needs its
//! page's address translated afresh, as the processor keeps far fewer
//! translations than the tables have pages; on 2 MiB pages a table is a
//! handful of pages, whose translations stay at hand. Over a calendar of
//! megabytes this saves several per cent of the time (BENCHMARKS.md).
//!
//! The copy costs a millisecond or two and the tables' size in memory, so
//! it is made only once a run is known to read at least [`LONG_RUN`]
//! bytes ([`use_for_run`]), and only on Linux, where the kernel is asked
//! for huge pages with `madvise` (it may still give small ones: the copy
//! then reads the same, at the usual speed). Anything that fails leaves
//! the table where it is.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Bytes of input from which a run copies its tables: the copy's cost is
/// then a fraction of a per cent of the run's time. Shorter runs (a
/// draft, a folder of posts) read the tables in place.
pub const LONG_RUN: u64 = 1 << 20;

/// Whether tables can be copied onto huge pages here: on Linux. Elsewhere
/// nothing is copied, and a run need not learn how long it is.
pub const COPIES: bool = cfg!(target_os = "linux");

/// Tables smaller than this are read in place: a huge page would mostly
/// hold nothing.
const MIN_TABLE: usize = 1 << 20;

/// Whether tables read from now on are copied (see [`use_for_run`]).
static COPY: AtomicBool = AtomicBool::new(false);

/// Tables copied so far (see [`tables_copied`]).
static COPIED: AtomicUsize = AtomicUsize::new(0);

/// Copies the tables first read from now on onto huge pages if the run
/// reads `input_bytes` bytes, [`LONG_RUN`] or more; reads them in place
/// otherwise. A table already read stays where it was, though a
/// [`BuiltIn`] asked for again then gives its copy.
pub fn use_for_run(input_bytes: u64) {
    COPY.store(input_bytes >= LONG_RUN, Ordering::Relaxed);
}

/// Whether tables read from now on are copied (see [`use_for_run`]).
pub fn copies_tables() -> bool {
    COPY.load(Ordering::Relaxed)
}

/// A table built into the binary, read by its reader once where it lies
/// and once more from a copy on huge pages if a run asks for it after it
/// is known to be long (see [`use_for_run`]): a run that only learns its
/// length late (a folder's walk finds a big calendar) can build its
/// linters again and have them read the copy, while what was built
/// before goes on reading the table in place.
pub struct BuiltIn<T> {
    in_place: OnceLock<Option<T>>,
    copied: OnceLock<Option<T>>,
}

impl<T> Default for BuiltIn<T> {
    fn default() -> BuiltIn<T> {
        BuiltIn::new()
    }
}

impl<T> BuiltIn<T> {
    pub const fn new() -> BuiltIn<T> {
        BuiltIn {
            in_place: OnceLock::new(),
            copied: OnceLock::new(),
        }
    }

    /// The table `read` makes of `bytes`: of their copy on huge pages
    /// when the run is long and the table big (see `table`), of the
    /// bytes in place otherwise; each made the first time it is asked.
    pub fn get(
        &'static self,
        bytes: &'static [u8],
        read: impl FnOnce(&'static [u8]) -> Option<T>,
    ) -> Option<&'static T> {
        let made = if copies_tables() && bytes.len() >= MIN_TABLE {
            self.copied.get_or_init(|| read(table(bytes)))
        } else {
            self.in_place.get_or_init(|| read(bytes))
        };
        made.as_ref()
    }
}

/// `table`, or a copy of it on huge pages when the run is long (see
/// [`use_for_run`]) and the table big. Each call makes a copy that lasts
/// as long as the process: [`BuiltIn`] calls it once per table.
fn table(table: &'static [u8]) -> &'static [u8] {
    if !copies_tables() || table.len() < MIN_TABLE {
        return table;
    }
    match copy_onto_huge_pages(table) {
        Some(copy) => {
            COPIED.fetch_add(1, Ordering::Relaxed);
            copy
        }
        None => table,
    }
}

/// How many tables the process has copied onto huge pages: what
/// `THINK_LINT_TIMINGS` reports of them.
pub fn tables_copied() -> usize {
    COPIED.load(Ordering::Relaxed)
}

/// 2 MiB, the size of a huge page on x86-64 and most 64-bit Arm systems.
#[cfg(target_os = "linux")]
const HUGE_PAGE: usize = 2 << 20;

/// A copy of `table` in memory of its own whose whole huge pages the
/// kernel is asked to back with huge pages; `None` if the memory cannot
/// be had.
#[cfg(target_os = "linux")]
fn copy_onto_huge_pages(table: &[u8]) -> Option<&'static [u8]> {
    // A huge page must start at a multiple of its size: mapped with a
    // huge page to spare, the copy starts at the first such address.
    let len = table.len().next_multiple_of(HUGE_PAGE);
    let mapped = len.checked_add(HUGE_PAGE)?;
    // SAFETY: a new private anonymous mapping, at an address the kernel
    // chooses, touches no memory of the process.
    let start = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            mapped,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if start == libc::MAP_FAILED {
        return None;
    }
    let offset = (start as usize).next_multiple_of(HUGE_PAGE) - start as usize;
    // SAFETY: `offset + len <= mapped`: the slice lies within the mapping,
    // which nothing else refers to and is never unmapped, so it may be
    // borrowed for the rest of the process.
    let copy: &'static mut [u8] =
        unsafe { std::slice::from_raw_parts_mut(start.cast::<u8>().add(offset), len) };
    // A refusal (a kernel without transparent huge pages) leaves small
    // pages, which read the same.
    // SAFETY: advice on the pages of the mapping made above.
    unsafe { libc::madvise(copy.as_mut_ptr().cast(), len, libc::MADV_HUGEPAGE) };
    let copy = &mut copy[..table.len()];
    copy.copy_from_slice(table);
    Some(copy)
}

#[cfg(not(target_os = "linux"))]
fn copy_onto_huge_pages(_: &[u8]) -> Option<&'static [u8]> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_runs_copy_big_tables_and_short_runs_read_them_in_place() {
        let big: &'static [u8] = Box::leak(
            (0..MIN_TABLE + 12_345)
                .map(|i| (i * 7 % 251) as u8)
                .collect(),
        );
        let small: &'static [u8] = Box::leak(vec![9u8; 1000].into_boxed_slice());

        use_for_run(LONG_RUN - 1);
        assert!(std::ptr::eq(table(big), big));

        use_for_run(LONG_RUN);
        let copied = table(big);
        assert_eq!(copied, big);
        assert!(std::ptr::eq(table(small), small));
        if cfg!(target_os = "linux") {
            assert!(!std::ptr::eq(copied, big));
            // Copies start on a huge page's boundary, as multi-byte
            // entries' alignment needs too.
            assert_eq!(copied.as_ptr() as usize % (2 << 20), 0);
        }

        // A built-in table gives its copy once the run is long, and its
        // table in place before and after (each made once).
        static BUILT_IN: BuiltIn<&'static [u8]> = BuiltIn::new();
        let read = |bytes: &'static [u8]| Some(bytes);
        use_for_run(0);
        let in_place = *BUILT_IN.get(big, read).unwrap();
        assert!(std::ptr::eq(in_place, big));
        use_for_run(LONG_RUN);
        let copy = *BUILT_IN.get(big, read).unwrap();
        assert_eq!(copy, big);
        assert!(std::ptr::eq(*BUILT_IN.get(big, read).unwrap(), copy));
        if cfg!(target_os = "linux") {
            assert!(!std::ptr::eq(copy, big));
        }
        use_for_run(0);
        assert!(std::ptr::eq(*BUILT_IN.get(big, read).unwrap(), big));
    }
}
