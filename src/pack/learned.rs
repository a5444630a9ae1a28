//! The terms of the built-in learned models, as one table build.rs writes
//! and the binary reads in place: nothing is decoded or built at start-up.
//!
//! Every term of every model is numbered in order of first appearance
//! (models in pack order, terms in the order each model lists them), then
//! the evidence-only model's terms no model lists, in key order; each is
//! found through an open-addressing hash table of its key ([`term_hash`]:
//! a key of two words is placed by its words' hashes, so that a pair of
//! words in a post is looked up without joining them). Each term has
//! its weights: one entry per model that lists it, with the term's
//! position in that model (none for the evidence-only model's own terms).
//! So every term of the evidence-only model is found here, the pairs of
//! words by their words' numbers as the models' are: none is looked up by
//! its key elsewhere.
//!
//! Layout (little-endian; sections start at multiples of 8 bytes):
//! - header: `MAGIC`, models, terms, entries, then per model the number of
//!   terms it lists and the feature families they read (bit 0 chars, bit 1
//!   cues);
//! - the index of the terms' keys (`keys::write_hashed`, by [`term_hash`]);
//! - entry starts: `u32` per term plus the end;
//! - entries: weight (`f64`), model (`u32`), position (`u32`);
//! - the index of the words terms of two words (`shut up`) start with,
//!   then of the words they end with (`keys::write`): most pairs of
//!   adjacent words in a post are told to have no term by these;
//! - the index of the terms that are character n-grams of ASCII words
//!   ([`NumberIndex`]): the number of slots, then per slot the n-gram's
//!   bytes above its term's number (`0`: empty);
//! - the index of the terms of two words by their words' numbers in the
//!   two indexes of words before ([`pair_number`]), laid out as the n-grams'
//!   is;
//! - per term, the weight the evidence-only model (the tone's polarity
//!   model, `engine::weighted`'s `Evidence`) gives it, as `f64` bits,
//!   [`NO_WEIGHT`] where it has none: a term's weights are then decoded
//!   without its key being read, hashed and looked up in that model.

use super::keys::{self, Index, hash, u32_at, u64_at};
use crate::text::features::{CHAR_PREFIX, Families, GRAM, pair_words};
use compact_str::CompactString;

const MAGIC: u32 = u32::from_le_bytes(*b"TLW7");

/// The hash the table places a term's key by: a key of two words
/// ([`pair_words`]) by [`pair_hash`] of its words' hashes, any other key
/// by its [`hash`].
pub fn term_hash(key: &str) -> u64 {
    match pair_words(key) {
        Some((first, second)) => pair_hash(hash(first.as_bytes()), hash(second.as_bytes())),
        None => hash(key.as_bytes()),
    }
}

/// The hash of a key of two words, from the [`hash`]es of its words. A
/// post's words are hashed once (they recur), their pairs by this one
/// multiply.
#[inline]
pub fn pair_hash(first: u64, second: u64) -> u64 {
    const K1: u64 = 0x243f_6a88_85a3_08d3;
    const K2: u64 = 0x1319_8a2e_0370_7344;
    // Different constants keep `a b` and `b a` apart; the product, folded,
    // mixes both words into every bit.
    let p = u128::from(first ^ K1) * u128::from(second ^ K2);
    (p as u64) ^ ((p >> 64) as u64)
}

/// Whether `word` holds a space, looked for byte by byte: words are short.
#[inline]
fn has_space(word: &str) -> bool {
    word.bytes().any(|b| b == b' ')
}

/// Whether `key` is `first`, a space, then `second`.
#[cfg(test)]
fn is_pair_key(key: &[u8], first: &str, second: &str) -> bool {
    key.len() == first.len() + 1 + second.len()
        && key.starts_with(first.as_bytes())
        && key[first.len()] == b' '
        && key.ends_with(second.as_bytes())
}

fn families_bits(f: Families) -> u32 {
    u32::from(f.chars) | (u32::from(f.cues) << 1)
}

/// The bits of a term's evidence weight where the evidence-only model
/// has no weight for it (a NaN no weight can be).
const NO_WEIGHT: u64 = u64::MAX;

/// Writes the table of `models`' terms and `evidence`'s (the evidence-only
/// model's terms and weights), with `evidence`'s weight of each.
pub fn write<'k>(
    models: &[&'k [(CompactString, f64)]],
    evidence: &'k [(CompactString, f64)],
) -> Vec<u8> {
    use std::collections::HashMap;
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut keys: Vec<&str> = Vec::new();
    // Per term: (model, weight, position), in the order they were listed.
    let mut weights: Vec<Vec<(u32, f64, u32)>> = Vec::new();
    // The number of `key`, numbered next if it is new.
    let mut number = |key: &'k str, weights: &mut Vec<Vec<_>>| -> usize {
        *ids.entry(key).or_insert_with(|| {
            keys.push(key);
            weights.push(Vec::new());
            keys.len() - 1
        })
    };
    let mut per_model = Vec::new();
    for (m, terms) in models.iter().enumerate() {
        let mut families = Families::default();
        for (pos, (key, weight)) in terms.iter().enumerate() {
            families = families.union(Families::of_key(key));
            let id = number(key, &mut weights);
            weights[id].push((m as u32, *weight, pos as u32));
        }
        per_model.push((terms.len() as u32, families_bits(families)));
    }
    // The evidence-only model's own terms, in key order, whatever order
    // it lists them in.
    let mut own: Vec<&str> = evidence.iter().map(|(k, _)| k.as_str()).collect();
    own.sort_unstable();
    for key in own {
        number(key, &mut weights);
    }
    let evidence: HashMap<&str, f64> = evidence.iter().map(|(k, w)| (k.as_str(), *w)).collect();
    let entries: usize = weights.iter().map(Vec::len).sum();
    let mut out = Vec::new();
    keys::put_u32s(
        &mut out,
        &[
            MAGIC,
            models.len() as u32,
            keys.len() as u32,
            entries as u32,
        ],
    );
    for (n, f) in &per_model {
        keys::put_u32s(&mut out, &[*n, *f]);
    }
    keys::align(&mut out);
    let key_bytes: Vec<&[u8]> = keys.iter().map(|k| k.as_bytes()).collect();
    let hashes: Vec<u64> = keys.iter().map(|k| term_hash(k)).collect();
    keys::write_hashed(&key_bytes, &hashes, &mut out);
    keys::put_ends(&mut out, weights.iter().map(Vec::len));
    keys::align(&mut out);
    for (m, weight, pos) in weights.iter().flatten() {
        out.extend_from_slice(&weight.to_le_bytes());
        keys::put_u32s(&mut out, &[*m, *pos]);
    }
    let (firsts, seconds) = pair_sides(&keys);
    keys::write(&firsts, &mut out);
    keys::write(&seconds, &mut out);
    NumberIndex::write(&gram_terms(&keys), &mut out);
    NumberIndex::write(&pair_terms(&keys, &firsts, &seconds), &mut out);
    keys::align(&mut out);
    for key in &keys {
        let bits = evidence.get(key).map_or(NO_WEIGHT, |w| w.to_bits());
        out.extend_from_slice(&bits.to_le_bytes());
    }
    out
}

/// The distinct words the keys of two words start with, and those they
/// end with, in order of first appearance.
fn pair_sides<'k>(keys: &[&'k str]) -> (Vec<&'k [u8]>, Vec<&'k [u8]>) {
    use std::collections::HashSet;
    let (mut firsts, mut seconds) = (Vec::new(), Vec::new());
    let (mut seen_first, mut seen_second) = (HashSet::new(), HashSet::new());
    for key in keys {
        let Some((first, second)) = pair_words(key) else {
            continue;
        };
        if seen_first.insert(first) {
            firsts.push(first.as_bytes());
        }
        if seen_second.insert(second) {
            seconds.push(second.as_bytes());
        }
    }
    (firsts, seconds)
}

/// Terms by a number of their own (never 0): an open-addressing table of
/// `u64` slots, each the number above its term's number, probed from
/// [`gram_slot`]. The table holds two:
/// - the terms that are character n-grams of ASCII words (`~ing>`), by
///   the n-gram's bytes as [`ascii_grams`] gives them ([`gram_terms`]): a
///   word met for the first time brings several n-grams, each found here
///   in a few instructions, where its key would have to be built, hashed
///   and searched among all the terms';
/// - the terms of two words, by the numbers of their words among the
///   words such terms start with and those they end with (the table's two
///   indexes of words; [`pair_terms`]): a post's pair of words is found
///   by the numbers its words were given when first met, in one slot,
///   where its key would be compared byte by byte, after reading the
///   key's place, in a table of every term.
///
/// [`ascii_grams`]: crate::text::features::ascii_grams
#[derive(Debug)]
struct NumberIndex {
    /// Where the slots start in the table's bytes.
    at: usize,
    /// log2 of the number of slots.
    bits: u32,
}

impl NumberIndex {
    /// Writes the index of `numbered` terms, (number, term number) each,
    /// with at least twice as many slots as terms.
    fn write(numbered: &[(u32, u32)], out: &mut Vec<u8>) {
        let bits = (2 * numbered.len())
            .max(16)
            .next_power_of_two()
            .trailing_zeros();
        let mut slots = vec![0u64; 1 << bits];
        for &(number, id) in numbered {
            let mut at = gram_slot(number, bits);
            while slots[at] != 0 {
                at = (at + 1) & (slots.len() - 1);
            }
            slots[at] = (u64::from(number) << 32) | u64::from(id);
        }
        keys::align(out);
        keys::put_u32s(out, &[bits, 0]);
        for slot in slots {
            out.extend_from_slice(&slot.to_le_bytes());
        }
    }

    /// Reads the index `write` put at `at`, and where it ends.
    fn read(bytes: &[u8], at: usize) -> Option<(NumberIndex, usize)> {
        let at = at.next_multiple_of(8);
        if bytes.len() < at + 8 {
            return None;
        }
        let bits = u32_at(bytes, at);
        if !(1..32).contains(&bits) {
            return None;
        }
        let end = (at + 8).checked_add(8usize.checked_shl(bits)?)?;
        (end <= bytes.len()).then_some((NumberIndex { at: at + 8, bits }, end))
    }

    /// The slot [`NumberIndex::find`] looks at first for `number`.
    #[inline]
    fn first_slot(&self, bytes: &[u8], number: u32) -> u64 {
        u64_at(bytes, self.at + 8 * gram_slot(number, self.bits))
    }

    /// The term numbered `number` here, if there is one.
    #[inline]
    fn find(&self, bytes: &[u8], number: u32) -> Option<u32> {
        let mask = (1usize << self.bits) - 1;
        let mut at = gram_slot(number, self.bits);
        // An empty slot ends the search; `write` leaves half of them empty,
        // and the search stops after every slot all the same.
        for _ in 0..=mask {
            let slot = u64_at(bytes, self.at + 8 * at);
            if slot == 0 {
                return None;
            }
            if (slot >> 32) as u32 == number {
                return Some(slot as u32);
            }
            at = (at + 1) & mask;
        }
        None
    }
}

/// The n-gram terms among `keys` (numbered in order), by their n-grams'
/// bytes ([`ascii_gram_of_key`]).
fn gram_terms(keys: &[&str]) -> Vec<(u32, u32)> {
    (keys.iter().enumerate())
        .filter_map(|(id, key)| Some((ascii_gram_of_key(key)?, id as u32)))
        .collect()
}

/// The terms of two words among `keys` (numbered in order), by their
/// [`pair_number`], their words being numbered by their places in
/// `firsts` and `seconds`.
fn pair_terms(keys: &[&str], firsts: &[&[u8]], seconds: &[&[u8]]) -> Vec<(u32, u32)> {
    use std::collections::HashMap;
    let numbered = |words: &[&[u8]]| -> HashMap<Vec<u8>, u32> {
        (words.iter().enumerate())
            .map(|(n, w)| (w.to_vec(), n as u32))
            .collect()
    };
    let (first_numbers, second_numbers) = (numbered(firsts), numbered(seconds));
    (keys.iter().enumerate())
        .filter_map(|(id, key)| {
            let (first, second) = pair_words(key)?;
            let number = pair_number(
                first_numbers[first.as_bytes()],
                second_numbers[second.as_bytes()],
            )
            .expect("fewer than 65,535 words start and end terms of two words");
            Some((number, id as u32))
        })
        .collect()
}

/// What the index of pairs ([`NumberIndex`]) keeps of the pair of words
/// numbered `first` and
/// `second`: both numbers in 16 bits each, plus one, so that no pair is an
/// empty slot's 0; `None` when a number takes more.
#[inline]
fn pair_number(first: u32, second: u32) -> Option<u32> {
    (first < 0xFFFF && second < 0xFFFF).then(|| ((first << 16) | second) + 1)
}

/// The slot of a table of `1 << bits` (1 to 31 bits) that n-gram `gram`
/// (its bytes as [`ascii_grams`] gives them) is looked for from: a
/// multiplicative hash, whose high bits mix every byte of the n-gram.
///
/// [`ascii_grams`]: crate::text::features::ascii_grams
#[inline]
pub fn gram_slot(gram: u32, bits: u32) -> usize {
    (gram.wrapping_mul(0x9e37_79b1) >> (32 - bits)) as usize
}

/// The bytes of the character n-gram of an ASCII word that `key` is the
/// term of (`~` and the n-gram's bytes), as [`ascii_grams`] gives them;
/// `None` for any other key.
///
/// [`ascii_grams`]: crate::text::features::ascii_grams
fn ascii_gram_of_key(key: &str) -> Option<u32> {
    let gram = key.strip_prefix(CHAR_PREFIX)?.as_bytes();
    let gram: [u8; GRAM] = gram.try_into().ok()?;
    // Every byte is ASCII and none is 0, so no n-gram is an empty slot's 0.
    (gram.iter().all(|&b| b.is_ascii() && b != 0)).then(|| u32::from_le_bytes(gram))
}

/// A table as `write` lays it out, read in place.
#[derive(Debug)]
pub struct Table {
    bytes: &'static [u8],
    models: usize,
    index: Index,
    entry_starts_at: usize,
    entries_at: usize,
    /// The words terms of two words start with, and end with.
    firsts: Index,
    seconds: Index,
    /// The n-gram terms by their bytes, the terms of two words by their
    /// words' numbers.
    grams: NumberIndex,
    pairs: NumberIndex,
    /// Where the terms' evidence weights start.
    evidence_at: usize,
}

/// One weight of a term.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub weight: f64,
    pub model: u32,
    pub position: u32,
}

/// Where the header's per-model fields start.
const MODELS_AT: usize = 16;

impl Table {
    /// Reads the header of a table `write` wrote; `None` if `bytes` is not
    /// one.
    pub fn new(bytes: &'static [u8]) -> Option<Table> {
        if bytes.len() < MODELS_AT || u32_at(bytes, 0) != MAGIC {
            return None;
        }
        let field = |i: usize| u32_at(bytes, 4 * i) as usize;
        let (models, terms, entries) = (field(1), field(2), field(3));
        let index_at = (MODELS_AT + 8 * models).next_multiple_of(8);
        let (index, entry_starts_at) = Index::read(bytes, index_at)?;
        let entries_at = (entry_starts_at + 4 * (terms + 1)).next_multiple_of(8);
        let (firsts, seconds_at) = Index::read(bytes, entries_at + 16 * entries)?;
        let (seconds, grams_at) = Index::read(bytes, seconds_at)?;
        let (grams, pairs_at) = NumberIndex::read(bytes, grams_at)?;
        let (pairs, evidence_at) = NumberIndex::read(bytes, pairs_at)?;
        let evidence_at = evidence_at.next_multiple_of(8);
        if index.len() != terms || bytes.len() != evidence_at + 8 * terms {
            return None;
        }
        Some(Table {
            bytes,
            models,
            index,
            entry_starts_at,
            entries_at,
            firsts,
            seconds,
            grams,
            pairs,
            evidence_at,
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
        self.index.len()
    }

    /// How many terms model `m` lists.
    pub fn model_terms(&self, m: usize) -> usize {
        u32_at(self.bytes, MODELS_AT + 8 * m) as usize
    }

    /// The feature families model `m` reads.
    pub fn families(&self, m: usize) -> Families {
        let bits = u32_at(self.bytes, MODELS_AT + 4 + 8 * m);
        Families {
            chars: bits & 1 != 0,
            cues: bits & 2 != 0,
        }
    }

    /// The key of term `id`.
    #[inline]
    pub fn key(&self, id: u32) -> &'static [u8] {
        self.index.key(self.bytes, id)
    }

    /// The number of the term `key`, if a model lists it.
    #[inline]
    pub fn find(&self, key: &str) -> Option<u32> {
        self.index
            .find_hashed(self.bytes, key.as_bytes(), term_hash(key))
    }

    /// [`Table::find`] of a key of one word, `word`, whose [`hash`] is `h`.
    /// A word can hold a space (word segmentation keeps a combining mark
    /// with the space before it): such a key is hashed as a pair's is, so
    /// it is looked up as any key.
    #[inline]
    pub fn find_word(&self, word: &str, h: u64) -> Option<u32> {
        if has_space(word) {
            return self.find(word);
        }
        self.index.find_hashed(self.bytes, word.as_bytes(), h)
    }

    /// [`Table::find`] of the key of the character n-gram `gram` of an
    /// ASCII word, given by its bytes as [`ascii_grams`] gives them: the
    /// key is not built.
    ///
    /// [`ascii_grams`]: crate::text::features::ascii_grams
    #[inline]
    pub fn find_gram(&self, gram: u32) -> Option<u32> {
        self.grams.find(self.bytes, gram)
    }

    /// [`Table::find`] of the key of two words `first second`, each given
    /// with its [`hash`]: the key is not built. Scoring finds pairs by
    /// their words' numbers ([`Table::find_pair_numbered`]); the tests
    /// check that against this.
    #[cfg(test)]
    pub fn find_pair(&self, (first, h1): (&str, u64), (second, h2): (&str, u64)) -> Option<u32> {
        if has_space(first) {
            return self.find_after_spaced_word(first, second);
        }
        self.index.find_where(self.bytes, pair_hash(h1, h2), |key| {
            is_pair_key(key, first, second)
        })
    }

    /// [`Table::find_pair`] where the first word holds a space (see
    /// [`Table::find_word`]): the key splits at that space, so it is built
    /// and looked up as any key. Rare, so kept out of the way.
    #[cfg(test)]
    fn find_after_spaced_word(&self, first: &str, second: &str) -> Option<u32> {
        self.find(&format!("{first} {second}"))
    }

    /// Whether some term of two words starts with `word`, whose [`hash`]
    /// is `h`.
    #[cfg(test)]
    pub fn starts_pair(&self, word: &str, h: u64) -> bool {
        self.first_number(word, h).is_some()
    }

    /// Whether some term of two words ends with `word`, whose [`hash`] is
    /// `h`.
    #[cfg(test)]
    pub fn ends_pair(&self, word: &str, h: u64) -> bool {
        self.second_number(word, h).is_some()
    }

    /// The number of `word` (whose [`hash`] is `h`) among the words terms
    /// of two words start with, if some term starts with it.
    pub fn first_number(&self, word: &str, h: u64) -> Option<u32> {
        self.firsts.find_hashed(self.bytes, word.as_bytes(), h)
    }

    /// The number of `word` (whose [`hash`] is `h`) among the words terms
    /// of two words end with, if some term ends with it.
    pub fn second_number(&self, word: &str, h: u64) -> Option<u32> {
        self.seconds.find_hashed(self.bytes, word.as_bytes(), h)
    }

    /// The term of two words whose words are numbered `first` (by
    /// [`Table::first_number`]) and `second` (by [`Table::second_number`]):
    /// what `Table::find_pair` (in the tests) finds of the two words.
    #[inline]
    pub fn find_pair_numbered(&self, first: u32, second: u32) -> Option<u32> {
        self.pairs.find(self.bytes, pair_number(first, second)?)
    }

    /// Reads the slot [`Table::find_pair_numbered`] looks at first for
    /// the same words, and returns it: reading it ahead, among other such
    /// reads, keeps the search from waiting on it.
    #[inline]
    pub fn first_pair_slot(&self, first: u32, second: u32) -> u64 {
        pair_number(first, second).map_or(0, |number| self.pairs.first_slot(self.bytes, number))
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
                weight: f64::from_bits(u64_at(self.bytes, at)),
                model: u32_at(self.bytes, at + 8),
                position: u32_at(self.bytes, at + 12),
            }
        })
    }

    /// The weight the evidence-only model the table was written with
    /// gives term `id`, if it has one.
    #[inline]
    pub fn evidence_weight(&self, id: u32) -> Option<f64> {
        let bits = u64_at(self.bytes, self.evidence_at + 8 * id as usize);
        (bits != NO_WEIGHT).then(|| f64::from_bits(bits))
    }

    /// The terms of model `m`, in the order it lists them.
    pub fn model_list(&self, m: usize) -> Vec<(CompactString, f64)> {
        let mut listed: Vec<(u32, CompactString, f64)> = Vec::with_capacity(self.model_terms(m));
        for id in 0..self.terms() as u32 {
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
    static TABLE: crate::huge_pages::BuiltIn<Table> = crate::huge_pages::BuiltIn::new();
    TABLE.get(&BYTES.0, Table::new)
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
        let b: Vec<(CompactString, f64)> = vec![
            ("@contrast".into(), 2.0),
            ("~wom".into(), 3.0),
            ("shut up".into(), 1.0),
        ];
        // The evidence-only model has a weight for two of the terms, and
        // for two keys no model lists: a word and a pair of words.
        let evidence: Vec<(CompactString, f64)> = vec![
            ("quokka".into(), -0.75),
            ("numbat".into(), 1.0),
            ("shut up".into(), 2.5),
            ("numbat up".into(), -2.0),
        ];
        let weight = |key: &str| evidence.iter().find(|(k, _)| k == key).map(|&(_, w)| w);
        let t = Table::new(leak(write(&[&a, &b], &evidence))).unwrap();
        assert_eq!((t.models(), t.terms()), (2, 6));
        for id in 0..t.terms() as u32 {
            let key = std::str::from_utf8(t.key(id)).unwrap();
            assert_eq!(t.evidence_weight(id), weight(key), "{key}");
        }
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
        // The evidence-only model's own terms come last, with no entries;
        // its pairs are found by their words' numbers as the models' are.
        let h = |w: &str| hash(w.as_bytes());
        let numbat = t.find("numbat").unwrap();
        let numbat_up = t.find("numbat up").unwrap();
        assert_eq!((numbat, numbat_up), (4, 5));
        assert_eq!(t.entries(numbat).count() + t.entries(numbat_up).count(), 0);
        assert_eq!(t.evidence_weight(numbat_up), Some(-2.0));
        let (first, second) = (
            t.first_number("numbat", h("numbat")).unwrap(),
            t.second_number("up", h("up")).unwrap(),
        );
        assert_eq!(t.find_pair_numbered(first, second), Some(numbat_up));
        assert_eq!(t.find("wombat"), None);
        assert!(t.starts_pair("shut", h("shut")) && t.ends_pair("up", h("up")));
        assert!(!t.starts_pair("up", h("up")) && !t.ends_pair("shut", h("shut")));
        assert!(!t.starts_pair("quokka", h("quokka")) && t.starts_pair("numbat", h("numbat")));
        let shut_up = t.find("shut up").unwrap();
        assert_eq!(t.key(shut_up), b"shut up");
        assert_eq!(
            t.find_pair(("shut", h("shut")), ("up", h("up"))),
            Some(shut_up)
        );
        assert_eq!(t.find_pair(("up", h("up")), ("shut", h("shut"))), None);
        assert_eq!(t.find_word("quokka", h("quokka")), Some(q));
        assert_eq!(t.find(""), None);
        assert_eq!(t.model_list(0), a);
        assert_eq!(t.model_list(1), b);
        assert!(Table::new(leak(vec![0; 40])).is_none());
        // A table cut short anywhere in its last sections is refused.
        let bytes = write(&[&a, &b], &evidence);
        for cut in [1, 8, 8 * t.terms(), 8 * t.terms() + 8, 8 * t.terms() + 100] {
            let short = bytes[..bytes.len() - cut].to_vec();
            assert!(Table::new(leak(short)).is_none(), "{cut}");
        }
    }

    /// A "word" holding a space (a space and the combining mark kept with
    /// it) is found as its key is, alone and as the first of a pair.
    #[test]
    fn words_holding_a_space_are_found_as_their_keys() {
        let model: Vec<(CompactString, f64)> = vec![
            (" \u{301}".into(), 1.0),
            (" \u{301} ok".into(), 2.0),
            ("ok".into(), 3.0),
        ];
        let t = Table::new(leak(write(&[&model], &[]))).unwrap();
        let h = |w: &str| hash(w.as_bytes());
        let spaced = " \u{301}";
        assert_eq!(t.find_word(spaced, h(spaced)), t.find(spaced));
        assert!(t.find(spaced).is_some());
        let pair = t.find_pair((spaced, h(spaced)), ("ok", h("ok")));
        assert_eq!(pair, t.find(" \u{301} ok"));
        assert!(pair.is_some());
        // The key splits at its first space: the word before it is empty,
        // so the spaced word starts no term of two words, and is not
        // numbered among the words that do.
        assert_eq!(t.first_number(spaced, h(spaced)), None);
        assert!(t.first_number("", h("")).is_some());
    }

    /// Every term of two words of the built-in models is found by its
    /// words' numbers; no pair of numbers past the 16 bits a pair keeps
    /// is found.
    #[test]
    fn every_built_in_pair_is_found_by_its_words_numbers() {
        let t = built_in().expect("the term table reads");
        let h = |w: &str| hash(w.as_bytes());
        let mut pairs = 0;
        for id in 0..t.terms() as u32 {
            let key = std::str::from_utf8(t.key(id)).unwrap();
            let Some((first, second)) = pair_words(key) else {
                continue;
            };
            let first = t.first_number(first, h(first)).expect(key);
            let second = t.second_number(second, h(second)).expect(key);
            assert_eq!(t.find_pair_numbered(first, second), Some(id), "{key}");
            // The slot read ahead is where the search starts: never empty
            // for a pair that is there.
            assert_ne!(t.first_pair_slot(first, second), 0, "{key}");
            pairs += 1;
        }
        assert!(pairs > 1_000, "{pairs}");
        assert_eq!(t.find_pair_numbered(0xFFFF, 0), None);
        assert_eq!(t.find_pair_numbered(0, u32::MAX), None);
        assert_eq!(t.first_pair_slot(0xFFFF, 0), 0);
    }

    /// Every term of the built-in models is found by its key, past the
    /// index's filter.
    #[test]
    fn every_built_in_term_is_found() {
        let t = built_in().expect("the term table reads");
        assert!(t.terms() > 1_000);
        for id in 0..t.terms() as u32 {
            let key = std::str::from_utf8(t.key(id)).unwrap();
            assert_eq!(t.find(key), Some(id), "{key}");
        }
    }

    /// The n-grams of ASCII words are found by their bytes as their keys
    /// are, over many n-grams, present or not; keys that are not such an
    /// n-gram (longer, shorter, not ASCII, another kind) are not in the
    /// n-gram index.
    #[test]
    fn grams_found_by_their_bytes_are_found_by_their_keys() {
        let mut rng = crate::test_rng::Xorshift::new(0x9e37_79b9_7f4a_7c15);
        let alphabet = b"<>abcdefghij'.0";
        let gram = |rng: &mut crate::test_rng::Xorshift| -> [u8; GRAM] {
            std::array::from_fn(|_| alphabet[rng.next() as usize % alphabet.len()])
        };
        let grams: Vec<[u8; GRAM]> = (0..3_000).map(|_| gram(&mut rng)).collect();
        // Every other n-gram is a term, among keys of other kinds.
        let mut model: Vec<(CompactString, f64)> = vec![
            ("~abc".into(), 1.0),
            ("~abcde".into(), 1.0),
            ("~éabc".into(), 1.0),
            ("abcd".into(), 1.0),
            ("@len".into(), 1.0),
        ];
        for g in grams.iter().step_by(2) {
            let key = format!("~{}", std::str::from_utf8(g).unwrap());
            model.push((key.into(), 0.5));
        }
        model.sort_by(|a, b| a.0.cmp(&b.0));
        model.dedup_by(|x, y| x.0 == y.0);
        let t = Table::new(leak(write(&[&model], &[]))).unwrap();
        let mut found = 0;
        for g in &grams {
            let key = format!("~{}", std::str::from_utf8(g).unwrap());
            let by_key = t.find(&key);
            assert_eq!(t.find_gram(u32::from_le_bytes(*g)), by_key, "{key}");
            found += usize::from(by_key.is_some());
        }
        assert!(found >= 1_000, "{found}");
        assert_eq!(ascii_gram_of_key("~abc"), None);
        assert_eq!(ascii_gram_of_key("~abcde"), None);
        assert_eq!(ascii_gram_of_key("~éabc"), None);
        assert_eq!(ascii_gram_of_key("abcd"), None);
        assert_eq!(
            ascii_gram_of_key("~<ab>"),
            Some(u32::from_le_bytes(*b"<ab>"))
        );
        // A table with no n-gram terms finds none.
        let plain: Vec<(CompactString, f64)> = vec![("quokka".into(), 1.0)];
        let t = Table::new(leak(write(&[&plain], &[]))).unwrap();
        assert_eq!(t.find_gram(u32::from_le_bytes(*b"quok")), None);
    }

    /// Each built-in term's evidence weight is the polarity model's weight
    /// of its key, to the bit.
    #[test]
    fn built_in_evidence_weights_are_the_polarity_models() {
        let t = built_in().expect("the term table reads");
        let (weights, _) = crate::tone::polarity_terms();
        let mut weighted = 0;
        for id in 0..t.terms() as u32 {
            let key = std::str::from_utf8(t.key(id)).unwrap();
            let want = weights.get(key).map(|w| w.to_bits());
            assert_eq!(t.evidence_weight(id).map(f64::to_bits), want, "{key}");
            weighted += usize::from(want.is_some());
        }
        assert!(weighted > 100, "{weighted}");
        // Every term of the polarity model is in the table, those of two
        // words found by their words' numbers.
        for i in 0..weights.len() {
            let key = weights.key(i);
            let id = t
                .find(key)
                .unwrap_or_else(|| panic!("{key} is in the table"));
            if let Some((first, second)) = pair_words(key) {
                let number = |n: Option<u32>| n.unwrap_or_else(|| panic!("{key}'s words"));
                let first = number(t.first_number(first, hash(first.as_bytes())));
                let second = number(t.second_number(second, hash(second.as_bytes())));
                assert_eq!(t.find_pair_numbered(first, second), Some(id), "{key}");
            }
        }
    }

    /// Every n-gram term of the built-in models is found by its bytes.
    #[test]
    fn every_built_in_gram_is_found_by_its_bytes() {
        let t = built_in().expect("the term table reads");
        let mut grams = 0;
        for id in 0..t.terms() as u32 {
            let key = std::str::from_utf8(t.key(id)).unwrap();
            if let Some(gram) = ascii_gram_of_key(key) {
                assert_eq!(t.find_gram(gram), Some(id), "{key}");
                grams += 1;
            }
        }
        assert!(grams > 1_000, "{grams}");
    }

    /// Pairs of words found by their words' hashes are the terms found by
    /// their joined keys, over many pairs, present or not.
    #[test]
    fn pairs_found_by_their_words_are_found_by_their_keys() {
        let words: Vec<String> = (0..60)
            .map(|i| match i % 4 {
                0 => format!("w{i}"),
                1 => format!("word{i}longer"),
                2 => format!("é{i}"),
                _ => "x".repeat(i % 13),
            })
            .collect();
        // Every third pair of words is a term, with the words themselves.
        let mut model: Vec<(CompactString, f64)> = Vec::new();
        for (i, a) in words.iter().enumerate() {
            model.push((a.as_str().into(), 1.0));
            for (j, b) in words.iter().enumerate() {
                if (i * 7 + j) % 3 == 0 {
                    model.push((format!("{a} {b}").into(), 0.5));
                }
            }
        }
        model.dedup_by(|x, y| x.0 == y.0);
        let t = Table::new(leak(write(&[&model], &[]))).unwrap();
        let h = |w: &str| hash(w.as_bytes());
        let mut found = 0;
        for a in &words {
            for b in &words {
                let by_key = t.find(&format!("{a} {b}"));
                assert_eq!(t.find_pair((a, h(a)), (b, h(b))), by_key, "{a} {b}");
                let numbered = match (t.first_number(a, h(a)), t.second_number(b, h(b))) {
                    (Some(first), Some(second)) => t.find_pair_numbered(first, second),
                    _ => None,
                };
                assert_eq!(numbered, by_key, "{a} {b} by their numbers");
                found += usize::from(by_key.is_some());
            }
            assert_eq!(t.find_word(a, h(a)), t.find(a), "{a}");
        }
        assert!(found > 0);
        for (key, _) in &model {
            assert_eq!(t.key(t.find(key).unwrap()), key.as_bytes());
        }
    }
}
