//! The phrase lists of rules as one table read in place: build.rs writes
//! the built-in rules' lists, so start-up neither decodes their phrases
//! nor builds a lexicon from them, and the engine writes the lists of
//! pack files the same way.
//!
//! Phrases are found by their first word, and phrases of two words or
//! more by their first two words (joined by `SEP`), one key in one index:
//! posts are full of the words many phrases start with ("we", "our",
//! "you"), and only the phrases whose second word follows are compared.
//! A key's entries name the list of each phrase and its words after the
//! key's (joined by `SEP`). Phrases matched on stems and on lower-cased
//! words have one map each.
//!
//! Layout (little-endian; sections start at multiples of 8 bytes):
//! - header: `MAGIC`, the number of the first list, the number of lists,
//!   padding;
//! - per map (stems, then lower-cased words):
//!   - the index of its keys (`keys::write`);
//!   - entry starts: `u32` per key plus the end;
//!   - per key, `1` if longer phrases start with it (one-word keys) or
//!     `0` (`u32` each);
//!   - entries: list, start and end of the further words (`u32` each);
//!   - the further words' bytes.

use super::Phrase;
pub use super::keys::hash;
use super::keys::{self, Index, u32_at};

/// Tags the phrase table (the prefilter's is `TLP2`, the term table's `TLW2`).
const MAGIC: u32 = u32::from_le_bytes(*b"TLL1");

/// Joins the words of a key: no UTF-8 text holds this byte.
pub const SEP: u8 = 0xff;

/// The map of phrases matched on stems, and of those matched on
/// lower-cased words.
pub const STEMS: usize = 0;
pub const LOWER: usize = 1;

/// Writes the table of `lists`, numbered from `first_list`.
pub fn write(lists: &[&[Phrase]], first_list: u32) -> Vec<u8> {
    let mut out = Vec::new();
    keys::put_u32s(&mut out, &[MAGIC, first_list, lists.len() as u32, 0]);
    for exact in [false, true] {
        write_map(lists, first_list, exact, &mut out);
    }
    out
}

/// The keys of one map, their entries, and which start longer phrases.
#[derive(Default)]
struct MapWriter {
    ids: std::collections::HashMap<Vec<u8>, usize>,
    keys: Vec<Vec<u8>>,
    /// Per key: (list, further words joined by `SEP`).
    entries: Vec<Vec<(u32, Vec<u8>)>>,
    longer: Vec<bool>,
}

impl MapWriter {
    fn key(&mut self, key: Vec<u8>) -> usize {
        let next = self.keys.len();
        *self.ids.entry(key).or_insert_with_key(|k| {
            self.keys.push(k.clone());
            self.entries.push(Vec::new());
            self.longer.push(false);
            next
        })
    }

    fn add(&mut self, phrase: &Phrase, list: u32) {
        let Some((first, rest)) = phrase.keys.split_first() else {
            return;
        };
        let word = self.key(first.as_bytes().to_vec());
        let Some((second, rest)) = rest.split_first() else {
            self.entries[word].push((list, Vec::new()));
            return;
        };
        self.longer[word] = true;
        let pair = self.key(joined([first, second]));
        self.entries[pair].push((list, joined(rest)));
    }
}

/// Words joined by `SEP`.
fn joined<'w>(words: impl IntoIterator<Item = &'w compact_str::CompactString>) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, w) in words.into_iter().enumerate() {
        if i > 0 {
            out.push(SEP);
        }
        out.extend_from_slice(w.as_bytes());
    }
    out
}

fn write_map(lists: &[&[Phrase]], first_list: u32, exact: bool, out: &mut Vec<u8>) {
    let mut map = MapWriter::default();
    for (n, list) in lists.iter().enumerate() {
        for phrase in list.iter().filter(|p| p.exact == exact) {
            map.add(phrase, first_list + n as u32);
        }
    }
    let keys: Vec<&[u8]> = map.keys.iter().map(Vec::as_slice).collect();
    keys::write(&keys, out);
    keys::put_ends(out, map.entries.iter().map(Vec::len));
    for &longer in &map.longer {
        keys::put_u32s(out, &[u32::from(longer)]);
    }
    keys::align(out);
    let mut rest_end = 0u32;
    for (list, rest) in map.entries.iter().flatten() {
        let start = rest_end;
        rest_end += rest.len() as u32;
        keys::put_u32s(out, &[*list, start, rest_end]);
    }
    for (_, rest) in map.entries.iter().flatten() {
        out.extend_from_slice(rest);
    }
    keys::align(out);
}

/// Where one map sits in its table's bytes.
#[derive(Clone, Copy, Debug)]
struct Map {
    index: Index,
    entry_starts_at: usize,
    longer_at: usize,
    entries_at: usize,
    rest_at: usize,
}

impl Map {
    fn read(bytes: &[u8], at: usize) -> Option<(Map, usize)> {
        let (index, entry_starts_at) = Index::read(bytes, at)?;
        let longer_at = entry_starts_at + 4 * (index.len() + 1);
        let entries_at = (longer_at + 4 * index.len()).next_multiple_of(8);
        if bytes.len() < entries_at {
            return None;
        }
        let entries = u32_at(bytes, longer_at - 4) as usize;
        let rest_at = entries_at + 12 * entries;
        if bytes.len() < rest_at {
            return None;
        }
        let rest_bytes = match entries {
            0 => 0,
            _ => u32_at(bytes, rest_at - 4) as usize,
        };
        let end = (rest_at + rest_bytes).next_multiple_of(8);
        if bytes.len() < end {
            return None;
        }
        let map = Map {
            index,
            entry_starts_at,
            longer_at,
            entries_at,
            rest_at,
        };
        Some((map, end))
    }
}

/// A phrase table as `write` lays it out, read in place from `bytes`: the
/// built-in table's static bytes, or the bytes the engine wrote.
#[derive(Debug)]
pub struct Table<B> {
    bytes: B,
    lists: std::ops::Range<usize>,
    maps: [Map; 2],
}

/// A phrase of a list: its list, and its words after those of its key.
pub struct Entry<'b> {
    pub list: usize,
    pub rest: &'b [u8],
}

impl<'b> Entry<'b> {
    /// The words after the key's.
    pub fn rest_words(&self) -> impl Iterator<Item = &'b [u8]> {
        let rest = self.rest;
        rest.split(|&b| b == SEP).filter(move |_| !rest.is_empty())
    }
}

impl<B: AsRef<[u8]>> Table<B> {
    /// Reads the header of a table `write` wrote; `None` if `bytes` is not
    /// one.
    pub fn new(bytes: B) -> Option<Table<B>> {
        let b = bytes.as_ref();
        if b.len() < 16 || u32_at(b, 0) != MAGIC {
            return None;
        }
        let first = u32_at(b, 4) as usize;
        let lists = first..first + u32_at(b, 8) as usize;
        let (stems, at) = Map::read(b, 16)?;
        let (lower, end) = Map::read(b, at)?;
        if end != b.len() {
            return None;
        }
        Some(Table {
            bytes,
            lists,
            maps: [stems, lower],
        })
    }

    /// The table's bytes.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    /// The numbers of its lists.
    pub fn lists(&self) -> std::ops::Range<usize> {
        self.lists.clone()
    }

    /// The number of `key` in map `map` (`STEMS` or `LOWER`): a word
    /// some phrase starts with, or the first two words of a phrase joined
    /// by `SEP`.
    #[inline]
    pub fn find(&self, map: usize, key: &[u8]) -> Option<u32> {
        self.find_hashed(map, key, keys::hash(key))
    }

    /// `find`, with the key's hash (`hash`) known: a word's stem is
    /// often the word itself, and is then hashed once for both maps.
    #[inline]
    pub fn find_hashed(&self, map: usize, key: &[u8], hash: u64) -> Option<u32> {
        self.maps[map]
            .index
            .find_hashed(self.bytes.as_ref(), key, hash)
    }

    /// Whether phrases of two words or more start with word `id`.
    #[inline]
    pub fn starts_longer(&self, map: usize, id: u32) -> bool {
        let m = &self.maps[map];
        u32_at(self.bytes.as_ref(), m.longer_at + 4 * id as usize) != 0
    }

    /// The phrases of key `id` of map `map`.
    #[inline]
    pub fn entries(&self, map: usize, id: u32) -> impl Iterator<Item = Entry<'_>> {
        let m = &self.maps[map];
        let b = self.bytes.as_ref();
        let at = m.entry_starts_at + 4 * id as usize;
        let (start, end) = (u32_at(b, at) as usize, u32_at(b, at + 4) as usize);
        (start..end).map(move |e| {
            let at = m.entries_at + 12 * e;
            let (from, to) = (u32_at(b, at + 4) as usize, u32_at(b, at + 8) as usize);
            Entry {
                list: u32_at(b, at) as usize,
                rest: &b[m.rest_at + from..m.rest_at + to],
            }
        })
    }
}

/// The built-in rules' phrase table, as build.rs wrote it.
#[cfg(compiled_packs)]
pub fn built_in() -> Option<&'static Table<&'static [u8]>> {
    static BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/built-in-phrases.bin"));
    static TABLE: std::sync::OnceLock<Option<Table<&'static [u8]>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| Table::new(BYTES)).as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrase(words: &[&str], exact: bool) -> Phrase {
        Phrase {
            keys: words.iter().map(|w| (*w).into()).collect(),
            exact,
        }
    }

    #[test]
    fn written_tables_read_back() {
        let a = [
            phrase(&["quokka"], false),
            phrase(&["quokka", "hop", "far"], false),
            phrase(&["wombat"], true),
        ];
        let b = [phrase(&["quokka", "hop"], false), phrase(&[], false)];
        let t = Table::new(write(&[&a, &b], 7)).unwrap();
        assert_eq!(t.lists(), 7..9);
        let entries = |map: usize, key: &[u8]| -> Vec<(usize, Vec<Vec<u8>>)> {
            let id = t.find(map, key).unwrap();
            t.entries(map, id)
                .map(|e| (e.list, e.rest_words().map(<[u8]>::to_vec).collect()))
                .collect()
        };
        let quokka = t.find(STEMS, b"quokka").unwrap();
        assert!(t.starts_longer(STEMS, quokka));
        assert_eq!(entries(STEMS, b"quokka"), [(7, vec![])]);
        assert_eq!(
            entries(STEMS, b"quokka\xffhop"),
            [(7, vec![b"far".to_vec()]), (8, vec![])]
        );
        let wombat = t.find(LOWER, b"wombat").unwrap();
        assert!(!t.starts_longer(LOWER, wombat));
        assert_eq!(entries(LOWER, b"wombat"), [(7, vec![])]);
        assert_eq!(t.find(STEMS, b"wombat"), None);
        assert_eq!(t.find(LOWER, b"quokka"), None);
        let empty = Table::new(write(&[], 0)).unwrap();
        assert_eq!(empty.lists(), 0..0);
        assert_eq!(empty.find(STEMS, b"quokka"), None);
        assert!(Table::new(vec![0u8; 40]).is_none());
    }
}
