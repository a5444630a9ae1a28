//! Repeatable pseudo-random numbers for the crate's tests: tests that
//! compare a fast path with a reference over random inputs get the same
//! inputs on every run, so a failure can be replayed.

/// A xorshift64 generator; its seed must not be zero.
pub struct Xorshift(u64);

impl Xorshift {
    pub const fn new(seed: u64) -> Self {
        Xorshift(seed)
    }

    pub fn next(&mut self) -> u64 {
        let mut s = self.0;
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        self.0 = s;
        s
    }

    /// A number below `n` (which is not zero).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
