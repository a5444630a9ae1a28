//! Tables stored up front rather than left to a zeroed allocation.
//!
//! A thread's tables of marks, memos and hash slots are read before they
//! are written. A zeroed allocation's fresh pages are the kernel's shared
//! zero page until written: each such page faults twice, once when read
//! and again when written, and the second fault of a process with threads
//! on other cores stops those cores to drop the old mapping, which costs
//! far more than storing the page up front.

/// `n` copies of `value`, stored now.
pub(crate) fn written<T: Copy>(value: T, n: usize) -> Vec<T> {
    let mut table = Vec::with_capacity(n);
    // Opaque, so the stores are not turned back into a zeroed allocation.
    table.resize(n, std::hint::black_box(value));
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_hold_n_copies_of_the_value() {
        assert_eq!(written(0u64, 0), Vec::<u64>::new());
        assert_eq!(written(0u64, 5), vec![0; 5]);
        assert_eq!(written([7u32, 1], 3), vec![[7, 1]; 3]);
    }
}
