//! The terms of the built-in learned models, as one table build.rs writes
//! and the binary reads in place: nothing is decoded or built at start-up.
//!
//! Every term of every model is numbered in order of first appearance
//! (models in pack order, terms in the order each model lists them), and
//! found through an open-addressing hash table of its key. Each term has
//! its weights: one entry per model that lists it, with the term's
//! position in that model.
//!
//! Layout (little-endian; sections start at multiples of 8 bytes):
//! - header: `MAGIC`, models, terms, slots (a power of two), entries, key
//!   bytes, then per model the number of terms it lists and the feature
//!   families they read (bit 0 chars, bit 1 cues);
//! - slots: `u64` each, `0` when empty, else the high half of the key's
//!   hash above the term number plus one;
//! - key ends: `u32` per term plus a leading `0`, into the key bytes;
//! - entry starts: `u32` per term plus the end;
//! - entries: weight (`f64`), model (`u32`), position (`u32`);
//! - key bytes.

use crate::text::features::Families;
use compact_str::CompactString;

const MAGIC: u32 = u32::from_le_bytes(*b"TLW1");

/// A key's hash: the same on every platform, so the table build.rs writes
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
        let mut b = [0u8; 8];
        b[..rest.len()].copy_from_slice(rest);
        h = fold(h ^ u64::from_le_bytes(b), K1);
    }
    fold(h, K2)
}

fn families_bits(f: Families) -> u32 {
    u32::from(f.chars) | (u32::from(f.cues) << 1)
}

/// Writes the table of `models`' terms.
pub fn write(models: &[&[(CompactString, f64)]]) -> Vec<u8> {
    use std::collections::HashMap;
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut keys: Vec<&str> = Vec::new();
    // Per term: (model, weight, position), in the order they were listed.
    let mut weights: Vec<Vec<(u32, f64, u32)>> = Vec::new();
    let mut per_model = Vec::new();
    for (m, terms) in models.iter().enumerate() {
        let mut families = Families::default();
        for (pos, (key, weight)) in terms.iter().enumerate() {
            families = families.union(Families::of_key(key));
            let id = *ids.entry(key.as_str()).or_insert_with(|| {
                keys.push(key.as_str());
                weights.push(Vec::new());
                (keys.len() - 1) as u32
            });
            weights[id as usize].push((m as u32, *weight, pos as u32));
        }
        per_model.push((terms.len() as u32, families_bits(families)));
    }
    let slots = (keys.len() * 2).next_power_of_two().max(8);
    let mut table = vec![0u64; slots];
    for (id, key) in keys.iter().enumerate() {
        let h = hash(key.as_bytes());
        let mut i = (h as usize) & (slots - 1);
        while table[i] != 0 {
            i = (i + 1) & (slots - 1);
        }
        table[i] = (h & 0xffff_ffff_0000_0000) | (id as u64 + 1);
    }
    let entries: usize = weights.iter().map(Vec::len).sum();
    let key_bytes: usize = keys.iter().map(|k| k.len()).sum();
    let mut out = Vec::new();
    let u32s = |out: &mut Vec<u8>, v: &[u32]| {
        for x in v {
            out.extend_from_slice(&x.to_le_bytes());
        }
    };
    let align = |out: &mut Vec<u8>| out.resize(out.len().next_multiple_of(8), 0);
    u32s(
        &mut out,
        &[
            MAGIC,
            models.len() as u32,
            keys.len() as u32,
            slots as u32,
            entries as u32,
            key_bytes as u32,
        ],
    );
    for (n, f) in &per_model {
        u32s(&mut out, &[*n, *f]);
    }
    align(&mut out);
    for s in &table {
        out.extend_from_slice(&s.to_le_bytes());
    }
    let mut end = 0u32;
    u32s(&mut out, &[0]);
    for k in &keys {
        end += k.len() as u32;
        u32s(&mut out, &[end]);
    }
    let mut start = 0u32;
    u32s(&mut out, &[0]);
    for w in &weights {
        start += w.len() as u32;
        u32s(&mut out, &[start]);
    }
    align(&mut out);
    for (m, weight, pos) in weights.iter().flatten() {
        out.extend_from_slice(&weight.to_le_bytes());
        u32s(&mut out, &[*m, *pos]);
    }
    for k in &keys {
        out.extend_from_slice(k.as_bytes());
    }
    out
}

/// A table as `write` lays it out, read in place.
#[derive(Debug)]
pub struct Table {
    bytes: &'static [u8],
    models: usize,
    terms: usize,
    mask: usize,
    slots_at: usize,
    key_ends_at: usize,
    entry_starts_at: usize,
    entries_at: usize,
    keys_at: usize,
}

/// One weight of a term.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub weight: f64,
    pub model: u32,
    pub position: u32,
}

#[inline]
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("four bytes"))
}

#[inline]
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("eight bytes"))
}

impl Table {
    /// Reads the header of a table `write` wrote; `None` if `bytes` is not
    /// one.
    pub fn new(bytes: &'static [u8]) -> Option<Table> {
        if bytes.len() < 24 || u32_at(bytes, 0) != MAGIC {
            return None;
        }
        let field = |i: usize| u32_at(bytes, 4 * i) as usize;
        let (models, terms, slots, entries, key_bytes) =
            (field(1), field(2), field(3), field(4), field(5));
        if !slots.is_power_of_two() || slots <= terms {
            return None;
        }
        let slots_at = (24 + 8 * models).next_multiple_of(8);
        let key_ends_at = slots_at + 8 * slots;
        let entry_starts_at = key_ends_at + 4 * (terms + 1);
        let entries_at = (entry_starts_at + 4 * (terms + 1)).next_multiple_of(8);
        let keys_at = entries_at + 16 * entries;
        if bytes.len() != keys_at + key_bytes {
            return None;
        }
        Some(Table {
            bytes,
            models,
            terms,
            mask: slots - 1,
            slots_at,
            key_ends_at,
            entry_starts_at,
            entries_at,
            keys_at,
        })
    }

    /// The table's bytes.
    pub fn bytes(&self) -> &'static [u8] {
        self.bytes
    }

    /// How many models the table holds.
    pub fn models(&self) -> usize {
        self.models
    }

    /// How many distinct terms the models have.
    pub fn terms(&self) -> usize {
        self.terms
    }

    /// How many terms model `m` lists.
    pub fn model_terms(&self, m: usize) -> usize {
        u32_at(self.bytes, 24 + 8 * m) as usize
    }

    /// The feature families model `m` reads.
    pub fn families(&self, m: usize) -> Families {
        let bits = u32_at(self.bytes, 28 + 8 * m);
        Families {
            chars: bits & 1 != 0,
            cues: bits & 2 != 0,
        }
    }

    /// The key of term `id`.
    #[inline]
    pub fn key(&self, id: u32) -> &'static [u8] {
        let at = self.key_ends_at + 4 * id as usize;
        let (start, end) = (
            u32_at(self.bytes, at) as usize,
            u32_at(self.bytes, at + 4) as usize,
        );
        let bytes: &'static [u8] = self.bytes;
        &bytes[self.keys_at + start..self.keys_at + end]
    }

    /// The number of the term `key`, if a model lists it.
    #[inline]
    pub fn find(&self, key: &str) -> Option<u32> {
        let h = hash(key.as_bytes());
        let check = h & 0xffff_ffff_0000_0000;
        let mut i = (h as usize) & self.mask;
        loop {
            let slot = u64_at(self.bytes, self.slots_at + 8 * i);
            if slot == 0 {
                return None;
            }
            if slot & 0xffff_ffff_0000_0000 == check {
                let id = (slot as u32).wrapping_sub(1);
                if self.key(id) == key.as_bytes() {
                    return Some(id);
                }
            }
            i = (i + 1) & self.mask;
        }
    }

    /// The weights of term `id`, in the order the models list them.
    #[inline]
    pub fn entries(&self, id: u32) -> impl DoubleEndedIterator<Item = Entry> + '_ {
        let at = self.entry_starts_at + 4 * id as usize;
        let (start, end) = (
            u32_at(self.bytes, at) as usize,
            u32_at(self.bytes, at + 4) as usize,
        );
        (start..end).map(move |e| {
            let at = self.entries_at + 16 * e;
            Entry {
                weight: f64::from_le_bytes(self.bytes[at..at + 8].try_into().expect("eight bytes")),
                model: u32_at(self.bytes, at + 8),
                position: u32_at(self.bytes, at + 12),
            }
        })
    }

    /// The terms of model `m`, in the order it lists them.
    pub fn model_list(&self, m: usize) -> Vec<(CompactString, f64)> {
        let mut listed: Vec<(u32, CompactString, f64)> = Vec::with_capacity(self.model_terms(m));
        for id in 0..self.terms as u32 {
            let key = String::from_utf8_lossy(self.key(id));
            for e in self.entries(id).filter(|e| e.model as usize == m) {
                listed.push((e.position, CompactString::from(&*key), e.weight));
            }
        }
        listed.sort_by_key(|t| t.0);
        listed.into_iter().map(|(_, k, w)| (k, w)).collect()
    }
}

/// The built-in learned models' table, as build.rs wrote it.
#[cfg(compiled_packs)]
pub fn built_in() -> Option<&'static Table> {
    #[repr(C, align(8))]
    struct Aligned<T: ?Sized>(T);
    static BYTES: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(
        env!("OUT_DIR"),
        "/built-in-terms.bin"
    )));
    static TABLE: std::sync::OnceLock<Option<Table>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| Table::new(&BYTES.0)).as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leak(bytes: Vec<u8>) -> &'static [u8] {
        Box::leak(bytes.into_boxed_slice())
    }

    #[test]
    fn written_tables_read_back() {
        let a: Vec<(CompactString, f64)> = vec![
            ("quokka".into(), 1.5),
            ("~wom".into(), -0.5),
            ("quokka".into(), 0.25),
        ];
        let b: Vec<(CompactString, f64)> = vec![("@contrast".into(), 2.0), ("~wom".into(), 3.0)];
        let t = Table::new(leak(write(&[&a, &b]))).unwrap();
        assert_eq!((t.models(), t.terms()), (2, 3));
        assert_eq!(t.model_terms(0), 3);
        assert_eq!(
            t.families(0),
            Families {
                chars: true,
                cues: false
            }
        );
        assert_eq!(
            t.families(1),
            Families {
                chars: true,
                cues: true
            }
        );
        let q = t.find("quokka").unwrap();
        assert_eq!(t.key(q), b"quokka");
        let w: Vec<(u32, f64, u32)> = t
            .entries(q)
            .map(|e| (e.model, e.weight, e.position))
            .collect();
        assert_eq!(w, [(0, 1.5, 0), (0, 0.25, 2)]);
        let wom = t.find("~wom").unwrap();
        let w: Vec<(u32, f64, u32)> = t
            .entries(wom)
            .map(|e| (e.model, e.weight, e.position))
            .collect();
        assert_eq!(w, [(0, -0.5, 1), (1, 3.0, 1)]);
        assert_eq!(t.find("numbat"), None);
        assert_eq!(t.find(""), None);
        assert_eq!(t.model_list(0), a);
        assert_eq!(t.model_list(1), b);
        assert!(Table::new(leak(vec![0; 40])).is_none());
    }
}
