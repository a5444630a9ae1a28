//! An open-addressing hash index of byte-string keys, laid out in bytes
//! that are read in place: build.rs writes the built-in tables with it
//! (the learned models' terms, the rules' phrase lists), so start-up
//! decodes and builds nothing for them, and the engine writes the phrase
//! lists of pack files the same way.
//!
//! Keys are numbered in the order they are given; each table keeps what
//! it stores per key in arrays of its own, indexed by that number.
//!
//! Layout (little-endian; starts and ends at multiples of 8 bytes):
//! - header: keys, slots (a power of two), key bytes, filter words (a
//!   power of two, or `0` for none) (`u32` each);
//! - slots: `u64` each, `0` when empty, else the high half of the key's
//!   hash above the key number plus one;
//! - the filter: at least [`FILTER_BITS_PER_KEY`] bits a key (a power
//!   of two in all), each set where some key's hash falls
//!   ([`filter_bit`]), in `u64` words;
//! - key ends: `u32` per key plus a leading `0`, into the key bytes;
//! - key bytes, padded.
//!
//! Most lookups are of keys a table does not hold (the word pairs of a
//! post, say, against the learned models' terms), and a big table's
//! slots are far apart in memory: each such lookup would wait for a slot
//! from main memory only to find it empty or another key's. The filter
//! is a few kilobytes that stay in the cache; a key whose bit is clear is
//! not in the table, and its slots are never read.

/// A key's hash: the same on every platform, so a table build.rs writes
/// is read alike by the binary.
#[inline]
pub fn hash(key: &[u8]) -> u64 {
    const K1: u64 = 0x9e37_79b9_7f4a_7c15;
    const K2: u64 = 0xd6e8_feb8_6659_fd93;
    #[inline]
    fn fold(a: u64, b: u64) -> u64 {
        let p = u128::from(a) * u128::from(b);
        (p as u64) ^ ((p >> 64) as u64)
    }
    let mut h = (key.len() as u64).wrapping_mul(K1);
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes(c.try_into().expect("eight bytes"));
        h = fold(h ^ v, K1);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        h = fold(h ^ tail(rest), K1);
    }
    fold(h, K2)
}

/// The last bytes of a key (one to seven) as a little-endian number, as
/// if padded with zeros to eight: read in two overlapping halves, which
/// is quicker than copying them to a padded buffer (keys are mostly
/// short words, hashed for every word of every post).
#[inline]
fn tail(rest: &[u8]) -> u64 {
    let n = rest.len();
    let (lo, hi, half) = if n >= 4 {
        let lo = u32::from_le_bytes(rest[..4].try_into().expect("four bytes"));
        let hi = u32::from_le_bytes(rest[n - 4..].try_into().expect("four bytes"));
        (u64::from(lo), u64::from(hi), 4)
    } else if n >= 2 {
        let lo = u16::from_le_bytes(rest[..2].try_into().expect("two bytes"));
        let hi = u16::from_le_bytes(rest[n - 2..].try_into().expect("two bytes"));
        (u64::from(lo), u64::from(hi), 2)
    } else {
        (u64::from(rest[0]), 0, 1)
    };
    // The halves overlap on equal bytes: or-ing them leaves those as they are.
    lo | (hi << (8 * (n - half)))
}

/// The part of a hash a slot keeps to tell keys apart before comparing.
const CHECK: u64 = 0xffff_ffff_0000_0000;

/// Bits of an index's filter per key, at least (rounded up to a power of
/// two): about one lookup in eight to sixteen of a key the table does not
/// hold finds its bit set, and reads the slots.
pub const FILTER_BITS_PER_KEY: usize = 8;

/// The filter bit of hash `h` among `bits` (a power of two): hash bits
/// above those that place a key in its slots, so that keys sharing a
/// slot's neighbourhood do not share filter bits. (A table of more than
/// 2²⁰ slots would share some; its filter would only let more absent keys
/// by.)
#[inline]
pub fn filter_bit(h: u64, bits: usize) -> usize {
    (h >> 20) as usize & (bits - 1)
}

/// Whether filter `words` (as [`filter`] makes them; none: no filter)
/// may hold a key of hash `h`: `false` means it holds none.
#[inline]
pub fn filter_holds(words: &[u64], h: u64) -> bool {
    filter_admits(h, words.len(), |i| words[i])
}

/// [`filter_holds`] of a filter of `words` words read by `word(i)`,
/// wherever they are kept (`Index` reads them in place from its bytes).
#[inline]
fn filter_admits(h: u64, words: usize, word: impl Fn(usize) -> u64) -> bool {
    if words == 0 {
        return true;
    }
    let bit = filter_bit(h, 64 * words);
    word(bit / 64) >> (bit % 64) & 1 != 0
}

/// The filter words of keys with these `hashes` (see the module doc).
pub fn filter(hashes: &[u64]) -> Vec<u64> {
    let bits = (hashes.len() * FILTER_BITS_PER_KEY)
        .next_power_of_two()
        .max(64);
    let mut words = vec![0u64; bits / 64];
    for &h in hashes {
        let bit = filter_bit(h, bits);
        words[bit / 64] |= 1 << (bit % 64);
    }
    words
}

#[inline]
pub fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("four bytes"))
}

#[inline]
pub fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("eight bytes"))
}

/// Appends `values` to `out`, little-endian.
pub fn put_u32s(out: &mut Vec<u8>, values: &[u32]) {
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// Pads `out` to a multiple of 8 bytes.
pub fn align(out: &mut Vec<u8>) {
    out.resize(out.len().next_multiple_of(8), 0);
}

/// Appends `ends` as a table stores the ends of its ranges: a leading `0`,
/// then where each range ends.
pub fn put_ends(out: &mut Vec<u8>, lengths: impl IntoIterator<Item = usize>) {
    let mut end = 0u32;
    put_u32s(out, &[0]);
    for len in lengths {
        end += len as u32;
        put_u32s(out, &[end]);
    }
}

/// Appends the index of `keys` (distinct, numbered in order) to `out`,
/// which must end at a multiple of 8 bytes.
pub fn write(keys: &[&[u8]], out: &mut Vec<u8>) {
    let hashes: Vec<u64> = keys.iter().map(|k| hash(k)).collect();
    write_hashed(keys, &hashes, out);
}

/// [`write()`], each key placed by the hash at its place in `hashes`
/// rather than by its [`hash`]: for a table that finds some keys by a
/// hash of their parts (`pack::learned`). Its readers look keys up with
/// [`Index::find_hashed`] or [`Index::find_where`], given the same hash.
pub fn write_hashed(keys: &[&[u8]], hashes: &[u64], out: &mut Vec<u8>) {
    debug_assert!(out.len().is_multiple_of(8));
    debug_assert_eq!(keys.len(), hashes.len());
    let (table, filter) = hash_index(hashes);
    let key_bytes: usize = keys.iter().map(|k| k.len()).sum();
    put_u32s(
        out,
        &[
            keys.len() as u32,
            table.len() as u32,
            key_bytes as u32,
            filter.len() as u32,
        ],
    );
    for s in table.iter().chain(&filter) {
        out.extend_from_slice(&s.to_le_bytes());
    }
    put_ends(out, keys.iter().map(|k| k.len()));
    for k in keys {
        out.extend_from_slice(k);
    }
    align(out);
}

/// The slots of a hash index over keys of these `hashes` (distinct
/// keys, numbered in order): at least twice as many as keys and a power
/// of two, so probes stay short, laid out by [`place`]; and the keys'
/// [`filter`]. An [`Index`] and a `text::static_map::StaticMap` are both
/// made of these.
pub fn hash_index(hashes: &[u64]) -> (Vec<u64>, Vec<u64>) {
    let slots = (hashes.len() * 2).next_power_of_two().max(8);
    (place(hashes, slots), filter(hashes))
}

/// Where an index `write` laid out sits in its table's bytes. It holds no
/// bytes itself: its table passes them, so a table may hold several.
#[derive(Clone, Copy, Debug)]
pub struct Index {
    keys: usize,
    mask: usize,
    slots_at: usize,
    /// The filter's words (a power of two; `0`: no filter) and where they
    /// start.
    filter_words: usize,
    filter_at: usize,
    key_ends_at: usize,
    keys_at: usize,
}

impl Index {
    /// Reads the header of the index at `at` in `bytes`; the index, and
    /// where the bytes after it start. `None` if no index fits there.
    pub fn read(bytes: &[u8], at: usize) -> Option<(Index, usize)> {
        if bytes.len() < at.checked_add(16)? {
            return None;
        }
        let field = |i: usize| u32_at(bytes, at + 4 * i) as usize;
        let (keys, slots, key_bytes, filter_words) = (field(0), field(1), field(2), field(3));
        if !slots.is_power_of_two()
            || slots <= keys
            || !(filter_words == 0 || filter_words.is_power_of_two())
        {
            return None;
        }
        let slots_at = at + 16;
        let filter_at = slots_at + 8 * slots;
        let key_ends_at = filter_at + 8 * filter_words;
        let keys_at = key_ends_at + 4 * (keys + 1);
        let end = (keys_at + key_bytes).next_multiple_of(8);
        if bytes.len() < end || u32_at(bytes, keys_at - 4) as usize != key_bytes {
            return None;
        }
        let index = Index {
            keys,
            mask: slots - 1,
            slots_at,
            filter_words,
            filter_at,
            key_ends_at,
            keys_at,
        };
        Some((index, end))
    }

    /// How many keys the index holds.
    pub fn len(&self) -> usize {
        self.keys
    }

    /// Key number `id`.
    #[inline]
    pub fn key<'b>(&self, bytes: &'b [u8], id: u32) -> &'b [u8] {
        let at = self.key_ends_at + 4 * id as usize;
        let (start, end) = (u32_at(bytes, at) as usize, u32_at(bytes, at + 4) as usize);
        &bytes[self.keys_at + start..self.keys_at + end]
    }

    /// The number of `key`, if the index holds it, given its [`hash`] (or
    /// the hash the index placed it by, see [`write_hashed`]).
    #[inline]
    pub fn find_hashed(&self, bytes: &[u8], key: &[u8], h: u64) -> Option<u32> {
        self.find_where(bytes, h, |k| k == key)
    }

    /// The number of the key placed by hash `h` that `is_key` accepts: a
    /// caller that holds the key in pieces compares them where they are,
    /// without joining them. `is_key` must accept one key at most.
    #[inline]
    pub fn find_where(
        &self,
        bytes: &[u8],
        h: u64,
        mut is_key: impl FnMut(&[u8]) -> bool,
    ) -> Option<u32> {
        if !filter_admits(h, self.filter_words, |i| {
            u64_at(bytes, self.filter_at + 8 * i)
        }) {
            return None;
        }
        probe(
            h,
            self.mask,
            |i| u64_at(bytes, self.slots_at + 8 * i),
            |id| is_key(self.key(bytes, id)),
        )
    }
}

/// The slots of an open-addressing index over keys with these `hashes`
/// (numbered in order): `slots` of them, a power of two and more than the
/// keys. A key sits at the first free slot from its hash on (wrapping),
/// which holds the high half of its hash ([`CHECK`]) above one more than
/// its number. `Index` and `text::static_map` both read them by [`probe`].
pub fn place(hashes: &[u64], slots: usize) -> Vec<u64> {
    let mut table = vec![0u64; slots];
    for (id, &h) in hashes.iter().enumerate() {
        let mut i = (h as usize) & (slots - 1);
        while table[i] != 0 {
            i = (i + 1) & (slots - 1);
        }
        table[i] = (h & CHECK) | (id as u64 + 1);
    }
    table
}

/// The number of the key placed by hash `h` (see [`place`]) that `is_key`
/// accepts, `slot(i)` reading slot `i` of `mask + 1`: keys whose slots
/// keep another hash are passed over without being compared.
#[inline]
pub fn probe(
    h: u64,
    mask: usize,
    slot: impl Fn(usize) -> u64,
    mut is_key: impl FnMut(u32) -> bool,
) -> Option<u32> {
    let check = h & CHECK;
    let mut i = (h as usize) & mask;
    loop {
        let slot = slot(i);
        if slot == 0 {
            return None;
        }
        if slot & CHECK == check {
            let id = (slot as u32).wrapping_sub(1);
            if is_key(id) {
                return Some(id);
            }
        }
        i = (i + 1) & mask;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_tails_read_as_zero_padded() {
        let key = b"abcdefg";
        for n in 1..=7 {
            let mut padded = [0u8; 8];
            padded[..n].copy_from_slice(&key[..n]);
            assert_eq!(tail(&key[..n]), u64::from_le_bytes(padded), "{n}");
        }
    }

    #[test]
    fn written_indexes_read_back() {
        let keys: [&[u8]; 3] = [b"quokka", b"", b"numbat\xffwombat"];
        let mut bytes = vec![7u8; 8];
        write(&keys, &mut bytes);
        bytes.extend_from_slice(b"after");
        let (index, end) = Index::read(&bytes, 8).unwrap();
        assert_eq!(&bytes[end..], b"after");
        assert_eq!(index.len(), 3);
        for (id, k) in keys.iter().enumerate() {
            assert_eq!(index.find_hashed(&bytes, k, hash(k)), Some(id as u32));
            assert_eq!(index.key(&bytes, id as u32), *k);
        }
        assert_eq!(index.find_hashed(&bytes, b"numbat", hash(b"numbat")), None);
        assert!(Index::read(&bytes, 16).is_none());
        assert!(Index::read(&bytes[..40], 8).is_none());
        // A filter of three words is not one `write` makes.
        let mut bad = bytes.clone();
        bad[8 + 12..8 + 16].copy_from_slice(&3u32.to_le_bytes());
        assert!(Index::read(&bad, 8).is_none());
    }

    /// A filter holds every key it was made of, and lets few others by:
    /// about one in twelve at eight bits a key rounded up (5,000 keys
    /// get 65,536 bits).
    #[test]
    fn filters_hold_their_keys_and_few_others() {
        let key = |i: usize| format!("key {i}");
        let hashes: Vec<u64> = (0..5_000).map(|i| hash(key(i).as_bytes())).collect();
        let words = filter(&hashes);
        assert_eq!(words.len(), 65_536 / 64);
        assert!(hashes.iter().all(|&h| filter_holds(&words, h)));
        let absent = (5_000..55_000)
            .filter(|&i| filter_holds(&words, hash(key(i).as_bytes())))
            .count();
        assert!(absent < 5_000, "{absent} of 50,000 absent keys pass");
        // No filter lets everything by.
        assert!(filter_holds(&[], hash(b"anything")));
    }

    /// An index finds its keys past its filter, and asks the filter
    /// before its slots: with the filter's words cleared, it finds none.
    #[test]
    fn indexes_find_every_key_past_their_filter() {
        let words: Vec<String> = (0..2_000).map(|i| format!("w{i}")).collect();
        let keys: Vec<&[u8]> = words.iter().map(|w| w.as_bytes()).collect();
        let mut bytes = Vec::new();
        write(&keys, &mut bytes);
        let (index, _) = Index::read(&bytes, 0).unwrap();
        for (id, k) in keys.iter().enumerate() {
            assert_eq!(index.find_hashed(&bytes, k, hash(k)), Some(id as u32));
        }
        for i in 2_000..22_000 {
            let k = format!("w{i}");
            assert_eq!(
                index.find_hashed(&bytes, k.as_bytes(), hash(k.as_bytes())),
                None
            );
        }
        let mut cleared = bytes.clone();
        let filter_words = u32_at(&bytes, 12) as usize;
        let filter_at = 16 + 8 * (u32_at(&bytes, 4) as usize);
        cleared[filter_at..filter_at + 8 * filter_words].fill(0);
        assert!(
            keys.iter()
                .all(|k| index.find_hashed(&cleared, k, hash(k)).is_none())
        );
    }
}
