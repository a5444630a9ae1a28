//! Read-only string maps written as Rust source by build.rs and searched
//! in place: the keys laid end to end, their values, and an open-addressing
//! hash index over them. Nothing is parsed, hashed or allocated at
//! start-up, and a lookup costs one hash of the key and (usually) one
//! comparison of a key found, none for a word the map does not hold: a
//! slot keeps part of its key's hash, compared first, and most lookups of
//! such a word end at the map's filter (see `pack::keys`), without
//! reading a slot.
//!
//! build.rs and the binary share this module and the packs' key hash, so
//! both hash keys alike; [`write()`] makes the source of a map, [`StaticMap`]
//! reads it.

/// A map from string to `V`, made by [`write()`].
pub struct StaticMap<V: 'static> {
    /// Every key, one after the other, in the order they were given.
    pub keys: &'static str,
    /// Where each key ends in `keys`.
    pub ends: &'static [u32],
    pub values: &'static [V],
    /// Hash index: a power-of-two number of slots, each `0` when empty or
    /// the high half of a key's hash above one more than the key's
    /// position, as [`crate::pack::keys::place`] lays them out.
    pub slots: &'static [u64],
    /// The keys' filter, as [`crate::pack::keys`] keeps one for an index:
    /// a lookup of a key the map does not hold (most lookups) mostly ends
    /// there, without reading the slots. Empty: no filter.
    pub filter: &'static [u64],
}

impl<V> StaticMap<V> {
    /// How many keys the map holds.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The key at `i`.
    #[inline]
    pub fn key(&self, i: usize) -> &'static str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.keys[start..self.ends[i] as usize]
    }

    /// The bytes of the key at `i`: compared as bytes, a key needs no
    /// check that it starts and ends between characters.
    #[inline]
    fn key_bytes(&self, i: usize) -> &'static [u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.keys.as_bytes()[start..self.ends[i] as usize]
    }

    /// The position of `key`, if the map holds it.
    #[inline]
    pub fn index(&self, key: &str) -> Option<usize> {
        self.index_hashed(key, hash(key.as_bytes()))
    }

    /// [`StaticMap::index`] of a key whose [`hash`] is `h`: a caller that
    /// hashed the key for another table (the packs' tables hash alike)
    /// does not hash it again.
    #[inline]
    pub fn index_hashed(&self, key: &str, h: u64) -> Option<usize> {
        debug_assert_eq!(h, hash(key.as_bytes()));
        let mask = self.slots.len().checked_sub(1)?;
        if !filter_holds(self.filter, h) {
            return None;
        }
        let found = probe(
            h,
            mask,
            |s| self.slots[s],
            |i| self.key_bytes(i as usize) == key.as_bytes(),
        );
        found.map(|i| i as usize)
    }

    /// The value of `key`, if the map holds it.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&'static V> {
        self.index(key).map(|i| &self.values[i])
    }
}

/// The hash of a key: the one the packs' built-in tables use
/// ([`crate::pack::keys::hash`]), the same at build time and run time.
pub use crate::pack::keys::hash;
use crate::pack::keys::{filter_holds, probe};

/// The slots of the hash index over `keys` (distinct) and the keys'
/// filter, as [`crate::pack::keys::hash_index`] makes them.
pub fn hash_index(keys: &[&str]) -> (Vec<u64>, Vec<u64>) {
    let hashes: Vec<u64> = keys.iter().map(|k| hash(k.as_bytes())).collect();
    crate::pack::keys::hash_index(&hashes)
}

/// Rust source of a `StaticMap` constant named `name` of type
/// `StaticMap<ty>`, its keys in the order given (each once), each value
/// written by `value`.
pub fn write<V>(
    name: &str,
    ty: &str,
    entries: &[(String, V)],
    mut value: impl FnMut(&V) -> String,
) -> String {
    use std::fmt::Write;
    let mut keys = String::new();
    let mut ends = String::new();
    let mut values = String::new();
    for (k, v) in entries {
        keys.push_str(k);
        let _ = write!(ends, "{},", keys.len());
        let _ = write!(values, "{},", value(v));
    }
    let names: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
    let (slots, filter) = hash_index(&names);
    let list = |words: &[u64]| {
        let mut list = String::new();
        for w in words {
            let _ = write!(list, "{w},");
        }
        list
    };
    let (slot_list, filter_list) = (list(&slots), list(&filter));
    format!(
        "pub const {name}: StaticMap<{ty}> = StaticMap {{\n    keys: {keys:?},\n    ends: &[{ends}],\n    values: &[{values}],\n    slots: &[{slot_list}],\n    filter: &[{filter_list}],\n}};\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_found_and_others_are_not() {
        let words: Vec<String> = (0..300)
            .map(|i| format!("w{i}"))
            .chain(["", "a longer key than eight bytes", "é"].map(String::from))
            .collect();
        let keys: Vec<&str> = words.iter().map(String::as_str).collect();
        let (slots, filter) = hash_index(&keys);
        let slots: &'static [u64] = Box::leak(slots.into_boxed_slice());
        let filter: &'static [u64] = Box::leak(filter.into_boxed_slice());
        let joined: &'static str = Box::leak(keys.concat().into_boxed_str());
        let mut ends = Vec::new();
        let mut end = 0;
        for k in &keys {
            end += k.len() as u32;
            ends.push(end);
        }
        let values: Vec<usize> = (0..keys.len()).collect();
        let map = StaticMap {
            keys: joined,
            ends: Box::leak(ends.into_boxed_slice()),
            values: Box::leak(values.into_boxed_slice()),
            slots,
            filter,
        };
        assert_eq!(map.len(), keys.len());
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(map.key(i), *k);
            assert_eq!(map.get(k), Some(&i), "{k}");
        }
        for absent in ["w300", "w", "a longer key than eight byte", "e"] {
            assert_eq!(map.index(absent), None, "{absent}");
        }
        // The filter is asked before the slots: cleared, it holds nothing.
        let cleared = StaticMap {
            filter: Box::leak(vec![0u64; map.filter.len()].into_boxed_slice()),
            ..map
        };
        assert!(keys.iter().all(|k| cleared.index(k).is_none()));
    }

    #[test]
    fn source_names_its_parts() {
        let src = write("T", "f64", &[("ab".to_string(), 1.5)], |v| format!("{v:?}"));
        assert!(src.contains("pub const T: StaticMap<f64>"));
        assert!(src.contains("keys: \"ab\""));
        assert!(src.contains("values: &[1.5,]"));
    }
}
