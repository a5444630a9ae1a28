//! The words a thread has read, each numbered the first time it is seen.
//!
//! Posts repeat their words: what depends on a word alone (its stem, its
//! valence, the terms a model has for it) is worked out once per thread
//! and found again by the word's number, instead of being hashed and
//! looked up anew for every occurrence. The analysis numbers each token
//! ([`Token::word`](super::Token::word)); readers keep what they work out
//! per word in a [`WordMemo`].
//!
//! Both are bounded: the table starts over (under a new generation) when
//! it holds too many words, and a memo follows the generation of the
//! posts it reads, so a long run keeps a bounded number of words in
//! memory.

use super::{Case, TokenKind};
use crate::written::written;
use compact_str::CompactString;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// A word's number in its thread's table, within one generation.
pub type WordId = u32;

/// Distinct words a thread numbers before it starts over, when few
/// threads share [`WORD_BUDGET`]; word pairs a memo keeps, likewise.
const MAX_WORDS: usize = 1 << 15;

/// Distinct words the threads of a run number together before each starts
/// over. A thread's table and the memos that follow it take some 300 bytes
/// a word (10 MB at [`MAX_WORDS`]): shared out, they stay about the same
/// whatever the number of threads, rather than growing with it.
const WORD_BUDGET: usize = 1 << 16;

/// Fewest words a thread numbers before it starts over, however many
/// threads share the budget: below that, it would work out the words of
/// a post again too often.
const MIN_WORDS: usize = 1 << 12;

/// Distinct words (and word pairs) each thread numbers before it starts
/// over: [`MAX_WORDS`] until a run says how many threads share the
/// budget ([`share_among`]).
static WORD_LIMIT: AtomicUsize = AtomicUsize::new(MAX_WORDS);

/// Shares [`WORD_BUDGET`] among `threads` threads checking posts at once:
/// each numbers up to its share of words before it starts over, no more
/// than [`MAX_WORDS`] and no fewer than [`MIN_WORDS`]. Tables follow the
/// share from their next post.
pub fn share_among(threads: usize) {
    WORD_LIMIT.store(share_of(threads), Ordering::Relaxed);
}

/// Each of `threads` threads' share of [`WORD_BUDGET`].
fn share_of(threads: usize) -> usize {
    (WORD_BUDGET / threads.max(1)).clamp(MIN_WORDS, MAX_WORDS)
}

/// Each thread's share of words (see [`share_among`]).
fn word_limit() -> usize {
    WORD_LIMIT.load(Ordering::Relaxed)
}

type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// What a token reads from its word's entry.
#[derive(Clone, Debug)]
pub(super) struct WordFacts {
    pub id: WordId,
    /// The word lower-cased (see [`super::lower_of`]).
    pub lower: CompactString,
    /// Snowball stem (numbers and emoji: the word itself).
    pub stem: CompactString,
    /// Valence in the analysis' lexicon (`valence::score`).
    pub valence: Option<f64>,
    /// The word negates ([`super::is_negator`]).
    pub negator: bool,
    /// The key of its lower case, if that is a short word (all zero if
    /// not): what the short-word table checks a key against.
    short: ShortWord,
}

/// One thread's words. Words, numbers and emoji are numbered in maps of
/// their own, so the same text read as two kinds is two entries; the
/// short ASCII words, most of those posts use, are numbered in a table of
/// [`ShortWord`]s instead (their kind in the key), every other word in
/// the maps.
pub(super) struct WordTable {
    generation: u64,
    short: ShortWords,
    ids: [FastMap<CompactString, WordId>; 3],
    facts: Vec<WordFacts>,
}

/// Generations are numbered over every thread: a memo that reads posts
/// analysed on several threads never mistakes one table's numbers for
/// another's.
fn next_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl WordTable {
    fn new() -> WordTable {
        WordTable::for_share(word_limit())
    }

    /// An empty table for a thread whose share is `share` words.
    fn for_share(share: usize) -> WordTable {
        WordTable {
            generation: next_generation(),
            short: ShortWords::for_share(share),
            ids: [FastMap::default(), FastMap::default(), FastMap::default()],
            facts: Vec::with_capacity(room_for(share)),
        }
    }

    /// Starts over under a new generation, for a post that finds the
    /// table full, its thread's share being `share` words. The room the
    /// table made stays: its pages were written and are written again,
    /// where a new table would have fresh pages given to it, a page fault
    /// each, and the old ones handed back. A table made for another share
    /// than its thread has now (a run shares the budget among its threads
    /// once it knows how many it has), or that grew for a long post, is
    /// made anew.
    fn start_over(&mut self, share: usize) {
        if self.facts.capacity() > room_for(share) || !self.short.fits(share) {
            *self = WordTable::for_share(share);
            return;
        }
        self.generation = next_generation();
        self.short.clear();
        for map in &mut self.ids {
            map.clear();
        }
        self.facts.clear();
    }

    fn kind_map(&mut self, kind: TokenKind) -> &mut FastMap<CompactString, WordId> {
        &mut self.ids[match kind {
            TokenKind::Word => 0,
            TokenKind::Number => 1,
            TokenKind::Emoji => 2,
        }]
    }

    /// The entry of a token's word, `word` being its text and `case` its
    /// letter case. Inlined where tokens are made: nearly every word of a
    /// post has been seen before, and is found at once, most of them by
    /// their [`ShortWord`] without being lower-cased first (and most of
    /// those, having no capital, are not lower-cased at all).
    #[inline(always)]
    fn facts(&mut self, kind: TokenKind, word: &str, case: Case) -> &WordFacts {
        let key = if case.capitals == 0 {
            ShortWord::of_lower_case(word, kind)
        } else {
            ShortWord::of(word, kind)
        };
        let known = key.and_then(|key| self.short.get(&key, &self.facts));
        let id = match known {
            Some(id) => id,
            None => self.id_of_lower(kind, &super::lower_of(kind, word, case)),
        };
        &self.facts[id as usize]
    }

    /// The number of a word by its lower case, numbered if it is new.
    fn id_of_lower(&mut self, kind: TokenKind, lower: &str) -> WordId {
        if let Some(key) = ShortWord::of(lower, kind) {
            // A word lower-cased to short ASCII (`Don’t`, the Kelvin sign)
            // shares the entry of its lower case.
            return match self.short.get(&key, &self.facts) {
                Some(id) => id,
                None => self.add_short(key, kind, lower),
            };
        }
        match self.kind_map(kind).get(lower) {
            Some(&id) => id,
            None => self.add(kind, lower),
        }
    }

    /// Works out and numbers a short word seen for the first time.
    #[inline(never)]
    fn add_short(&mut self, key: ShortWord, kind: TokenKind, lower: &str) -> WordId {
        let id = self.work_out(kind, lower);
        self.short.insert(&key, id);
        id
    }

    /// Works out and numbers a word seen for the first time.
    #[inline(never)]
    fn add(&mut self, kind: TokenKind, lower: &str) -> WordId {
        let id = self.work_out(kind, lower);
        self.kind_map(kind).insert(CompactString::from(lower), id);
        id
    }

    /// Works out the entry of a new word, numbered next.
    fn work_out(&mut self, kind: TokenKind, lower: &str) -> WordId {
        let id = self.facts.len() as WordId;
        self.facts.push(work_out(kind, lower, id));
        id
    }
}

/// A word of at most 16 ASCII bytes, lower-cased, packed into two
/// machine words with its length and kind: it is made from the token's
/// text (letters lower-cased eight at a time), hashed and compared in a
/// few instructions, where a general map hashes and compares the word's
/// bytes one by one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ShortWord {
    /// Bytes 0 to 7, little-endian, zero past the end.
    low: u64,
    /// Bytes 8 to 15, likewise.
    high: u64,
    /// The length, and the kind above it; never 0 for a word, so a slot
    /// of the table holding 0 is free.
    tag: u64,
}

impl ShortWord {
    /// The key of `word` as a token of kind `kind`, lower-cased; `None`
    /// for an empty word, one longer than 16 bytes, or one that is not
    /// ASCII. Inlined: it is made for every token.
    #[inline(always)]
    fn of(word: &str, kind: TokenKind) -> Option<ShortWord> {
        let key = ShortWord::of_lower_case(word, kind)?;
        Some(ShortWord {
            low: ascii_lowercase(key.low),
            high: ascii_lowercase(key.high),
            tag: key.tag,
        })
    }

    /// The key of `word`, in which no ASCII letter is a capital, as
    /// [`ShortWord::of`] makes it, without lower-casing it.
    #[inline(always)]
    fn of_lower_case(word: &str, kind: TokenKind) -> Option<ShortWord> {
        let b = word.as_bytes();
        let n = b.len();
        let (low, high) = match n {
            0 => return None,
            1..=8 => (load_le(b), 0),
            9..=16 => (load_le(&b[..8]), load_le(&b[8..])),
            _ => return None,
        };
        if (low | high) & HIGH_BITS != 0 {
            return None;
        }
        Some(ShortWord {
            low,
            high,
            tag: n as u64 | (kind as u64) << 8,
        })
    }

    /// The key's hash: a folded multiply of its two halves, the length
    /// and kind mixed in. Its low bits place the key in a table.
    #[inline]
    fn hash(&self) -> u32 {
        let product = u128::from(self.low ^ 0x243f_6a88_85a3_08d3)
            * u128::from(self.high ^ self.tag ^ 0x1319_8a2e_0370_7344);
        ((product as u64) ^ ((product >> 64) as u64)) as u32
    }
}

/// The high bit of every byte of a word: set for a byte that is not
/// ASCII.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The bytes of `b` (at most 8) as a little-endian number, zero above
/// them. Two overlapping loads cover any length: the bytes they share are
/// the same, so or-ing them in twice changes nothing.
#[inline]
fn load_le(b: &[u8]) -> u64 {
    let n = b.len();
    let byte = |i: usize| u64::from(b[i]) << (8 * i);
    let four =
        |i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])) << (8 * i);
    match n {
        0 => 0,
        1..=3 => byte(0) | byte(n / 2) | byte(n - 1),
        _ => four(0) | four(n - 4),
    }
}

/// ASCII bytes packed in a number with their capitals made lower-case:
/// a byte is a capital when adding 0x3F carries it to 0x80 or more (it is
/// at least `A`) and adding 0x25 does not (it is at most `Z`). No byte
/// overflows into the next, every one being below 0x80.
#[inline]
fn ascii_lowercase(bytes: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let capitals = (bytes + 0x3F * ONES) & !(bytes + 0x25 * ONES) & HIGH_BITS;
    bytes | capitals >> 2
}

/// An open-addressing table from [`ShortWord`] to word number, probed
/// linearly from the key's hash and kept at most half full, so that a
/// probe is short. A slot is 8 bytes, the key's hash and the number: the
/// table of a thread's tens of thousands of words stays in the cache, and
/// the key is checked against the word's entry, which its token reads
/// next anyway.
///
/// Once it has room for its thread's whole share at half load, it takes
/// the post that fills the table ([`POST_ROOM`] words more) without
/// growing: grown, it would keep twice the slots from then on, for the
/// same words spread over twice the cache lines.
struct ShortWords {
    /// `hash << 32 | (number + 1)`; 0 for a free slot.
    slots: Vec<u64>,
    len: usize,
    /// The share of words of the table's thread.
    share: usize,
}

impl ShortWords {
    /// An empty table for a share of `share` words, with room for
    /// [`FIRST_ROOM`] words to start with.
    fn for_share(share: usize) -> ShortWords {
        ShortWords::with_room(FIRST_ROOM, share)
    }

    fn with_room(words: usize, share: usize) -> ShortWords {
        ShortWords {
            slots: written(0, (words * 2).next_power_of_two()),
            len: 0,
            share,
        }
    }

    /// Whether the table was made for a share of `share` words, and has
    /// not grown past what that share needs.
    fn fits(&self, share: usize) -> bool {
        self.share == share && self.slots.len() <= (share * 2).next_power_of_two()
    }

    /// Words the table holds before it grows: half its slots, and
    /// [`POST_ROOM`] more once that is its whole share.
    fn most(&self) -> usize {
        let half = self.slots.len() / 2;
        if half >= self.share {
            half + POST_ROOM
        } else {
            half
        }
    }

    /// The number of `key`, whose entries are `facts`.
    #[inline]
    fn get(&self, key: &ShortWord, facts: &[WordFacts]) -> Option<WordId> {
        let hash = key.hash();
        let mask = self.slots.len() - 1;
        let mut s = hash as usize & mask;
        loop {
            let slot = self.slots[s];
            if slot == 0 {
                return None;
            }
            if (slot >> 32) as u32 == hash {
                let id = (slot as u32).wrapping_sub(1);
                if facts.get(id as usize).is_some_and(|f| f.short == *key) {
                    return Some(id);
                }
            }
            s = (s + 1) & mask;
        }
    }

    /// Forgets every key, keeping the room made.
    fn clear(&mut self) {
        self.slots.fill(0);
        self.len = 0;
    }

    /// Numbers a key the table does not hold.
    fn insert(&mut self, key: &ShortWord, id: WordId) {
        if self.len + 1 > self.most() {
            let old = std::mem::take(&mut self.slots);
            self.slots = written(0, old.len() * 2);
            for slot in old.into_iter().filter(|&slot| slot != 0) {
                self.put(slot);
            }
        }
        self.put(u64::from(key.hash()) << 32 | (u64::from(id) + 1));
        self.len += 1;
    }

    /// Writes `slot` in the first free slot from where its hash places it.
    fn put(&mut self, slot: u64) {
        let mask = self.slots.len() - 1;
        let mut s = (slot >> 32) as usize & mask;
        while self.slots[s] != 0 {
            s = (s + 1) & mask;
        }
        self.slots[s] = slot;
    }
}

/// The entry of a word, numbered `id`.
fn work_out(kind: TokenKind, lower: &str, id: WordId) -> WordFacts {
    let stem = match kind {
        TokenKind::Word => super::stems::stem_word(lower),
        _ => CompactString::from(lower),
    };
    WordFacts {
        id,
        lower: CompactString::from(lower),
        valence: super::valence::score(lower, &stem),
        negator: super::is_negator(lower),
        short: ShortWord::of(lower, kind).unwrap_or_default(),
        stem,
    }
}

/// The number of the words of tokens read outside a post ([`unnumbered`]).
pub const UNNUMBERED: WordId = WordId::MAX;

/// The entry of a word read outside a post (a rule's phrase at load
/// time): worked out, not numbered, so the table and the memos that
/// follow its numbers hold only the words of posts.
fn unnumbered(kind: TokenKind, lower: &str) -> WordFacts {
    work_out(kind, lower, UNNUMBERED)
}

thread_local! {
    static WORDS: RefCell<Option<WordTable>> = const { RefCell::new(None) };
}

/// Where the words of tokens get their entries: the thread's table (the
/// tokens of a post, numbered) or worked out anew ([`unnumbered`]).
pub(super) enum Numbering<'t> {
    Table(&'t mut WordTable),
    Unnumbered,
}

impl Numbering<'_> {
    /// The entry of a token's word of kind `kind`, `word` being its text
    /// and `case` its letter case, numbered if it is new and the words are
    /// numbered: borrowed from the table, or worked out. Inlined where
    /// tokens are made, as [`WordTable::facts`] is.
    #[inline(always)]
    pub(super) fn facts(&mut self, kind: TokenKind, word: &str, case: Case) -> Cow<'_, WordFacts> {
        match self {
            Numbering::Table(table) => Cow::Borrowed(table.facts(kind, word, case)),
            Numbering::Unnumbered => {
                Cow::Owned(unnumbered(kind, &super::lower_of(kind, word, case)))
            }
        }
    }
}

/// Runs `read` with this thread's table readied for a new post, and the
/// generation its words will be numbered in. The table is borrowed once
/// for the whole post rather than once per token. A full table starts
/// over here, between posts, so the numbers of one post all belong to one
/// generation.
pub(super) fn for_post<R>(read: impl FnOnce(u64, Numbering<'_>) -> R) -> R {
    WORDS.with_borrow_mut(|t| {
        let t = t.get_or_insert_with(WordTable::new);
        if t.facts.len() >= word_limit() {
            t.start_over(word_limit());
        }
        let generation = t.generation;
        read(generation, Numbering::Table(t))
    })
}

/// What a reader works out about words (`T` per word, `P` per pair of
/// words: a term number unless said otherwise), kept by word number for
/// the posts of one generation (and one `owner`, the reader the answers
/// are for).
pub struct WordMemo<T, P = u32> {
    key: Option<(u64, u64)>,
    by_word: Vec<Option<T>>,
    pairs: FastMap<u64, P>,
}

/// Room a memo or table makes at once for its word pairs and hash
/// slots, so the first posts of a run do not grow them step by step.
const FIRST_ROOM: usize = 256;

/// Entries a word table or memo makes room for when first made, its
/// thread's share being `share` words: the share and the new words of one
/// more post. Reserved, not written: the system gives the pages as
/// entries are written, and a vector that never grows never copies its
/// entries to a new place. Grown step by step instead, it wrote every
/// entry about twice, into pages each of them new (a sixth of a short
/// run's page faults).
///
/// A table starts over only between posts, once it holds its share: the
/// post that fills it numbers its new words past the share. Without room
/// for them, the last post of every generation doubled the table and
/// copied its whole share of entries (some 900 page faults and 18 MB
/// copied over 10 MB of posts on one thread). A longer post than
/// [`POST_ROOM`] allows for may still grow it, once.
fn room_for(share: usize) -> usize {
    share + POST_ROOM
}

/// New words one post may number past a table's share without it
/// growing: far more than a social post holds (a 280-character post has
/// at most about 140 words).
const POST_ROOM: usize = 1 << 10;

impl<T, P> Default for WordMemo<T, P> {
    fn default() -> Self {
        WordMemo {
            key: None,
            by_word: Vec::with_capacity(room_for(word_limit())),
            pairs: FastMap::with_capacity_and_hasher(FIRST_ROOM, Default::default()),
        }
    }
}

impl<T: Copy, P: Copy> WordMemo<T, P> {
    /// Readies the memo for a post of `generation` read for `owner`: what
    /// it holds for another generation or owner is forgotten (and then
    /// it says so). Pairs alone are forgotten when there are too many:
    /// the words' answers stay good.
    pub fn start(&mut self, owner: u64, generation: u64) -> bool {
        if self.key == Some((owner, generation)) {
            if self.pairs.len() >= word_limit() {
                self.pairs.clear();
            }
            return false;
        }
        self.by_word.clear();
        self.pairs.clear();
        self.key = Some((owner, generation));
        true
    }

    /// Reads the entries of words `ids` ahead of their use: the entries of
    /// a post's rarer words are far apart in memory, and read here, one
    /// after another, their waits overlap rather than come one at a time
    /// amid the work done for each word.
    #[inline]
    pub fn warm(&self, ids: impl Iterator<Item = WordId>) {
        let known = ids
            .filter_map(|id| self.by_word.get(id as usize))
            .filter(|e| e.is_some())
            .count();
        std::hint::black_box(known);
    }

    /// What is known of word `id`, if it has been worked out.
    #[inline]
    pub fn known(&self, id: WordId) -> Option<T> {
        self.by_word.get(id as usize).copied().flatten()
    }

    /// What is known of word `id`, worked out by `work` the first time.
    #[inline]
    pub fn word(&mut self, id: WordId, work: impl FnOnce() -> T) -> T {
        let i = id as usize;
        if let Some(Some(known)) = self.by_word.get(i) {
            return *known;
        }
        if self.by_word.len() <= i {
            self.by_word.resize_with(i + 1, || None);
        }
        let known = work();
        self.by_word[i] = Some(known);
        known
    }

    /// What is known of the pair of words `first`, `second`, worked out
    /// by `work` the first time.
    #[inline]
    pub fn pair(&mut self, first: WordId, second: WordId, work: impl FnOnce() -> P) -> P {
        let key = (u64::from(first) << 32) | u64::from(second);
        *self.pairs.entry(key).or_insert_with(work)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes of `b` packed one at a time.
    fn load_by_bytes(b: &[u8]) -> u64 {
        b.iter()
            .enumerate()
            .fold(0, |v, (i, &x)| v | u64::from(x) << (8 * i))
    }

    #[test]
    fn words_are_packed_as_byte_by_byte() {
        let bytes: Vec<u8> = (0..8).map(|i| 0x41 + i * 9).collect();
        for n in 0..=8 {
            assert_eq!(load_le(&bytes[..n]), load_by_bytes(&bytes[..n]), "{n}");
        }
        // Every ASCII byte, in every place of a word.
        for b in 0..128u8 {
            for place in 0..8 {
                let packed =
                    u64::from(b) << (8 * place) | 0x5a5a_5a5a_5a5a_5a5a & !(0xff << (8 * place));
                let by_bytes = load_by_bytes(&packed.to_le_bytes().map(|x| x.to_ascii_lowercase()));
                assert_eq!(ascii_lowercase(packed), by_bytes, "{b:#x} at {place}");
            }
        }
    }

    #[test]
    fn short_words_are_keyed_by_their_lower_case() {
        let key = |w: &str| ShortWord::of(w, TokenKind::Word);
        assert_eq!(key("Hello"), key("hello"));
        assert_eq!(key("NYC_2024:Eats"), key("nyc_2024:eats"));
        assert_eq!(key("ABCDEFGHIJKLMNOP"), key("abcdefghijklmnop"));
        assert_ne!(key("hello"), key("hell"));
        assert_ne!(key("a"), key("a\0"));
        assert_ne!(key("abcdefgh"), key("abcdefgh\0"));
        assert_ne!(key("walk"), ShortWord::of("walk", TokenKind::Number));
        for long_or_not_ascii in ["", "abcdefghijklmnopq", "café", "don’t"] {
            assert_eq!(key(long_or_not_ascii), None, "{long_or_not_ascii}");
        }
        for lower in ["hello", "nyc_2024:eats", "abcdefghijklmnop", "a", "café"] {
            assert_eq!(ShortWord::of_lower_case(lower, TokenKind::Word), key(lower));
        }
    }

    #[test]
    fn short_words_table_finds_what_it_numbered() {
        let mut table = ShortWords::with_room(4, MAX_WORDS);
        let mut facts = Vec::new();
        // Words and numbers, the same text as both kinds among them.
        let words: Vec<(String, TokenKind)> = (0..5000)
            .map(|i| match i % 3 {
                0 => (format!("{i}"), TokenKind::Number),
                1 => (format!("{}", i - 1), TokenKind::Word),
                _ => (format!("w{i}"), TokenKind::Word),
            })
            .collect();
        for (w, kind) in &words {
            let key = ShortWord::of(w, *kind).unwrap();
            assert_eq!(table.get(&key, &facts), None, "{w}");
            let id = facts.len() as WordId;
            facts.push(work_out(*kind, w, id));
            table.insert(&key, id);
        }
        for (i, (w, kind)) in words.iter().enumerate() {
            let key = ShortWord::of(&w.to_uppercase(), *kind).unwrap();
            assert_eq!(table.get(&key, &facts), Some(i as WordId), "{w}");
        }
        assert!(table.slots.len() >= 2 * words.len());
    }

    #[test]
    fn table_entries_are_the_words_worked_out() {
        // Short and long, ASCII and not, words whose lower case is short
        // ASCII, and one text as two kinds.
        let words = [
            ("Walking", TokenKind::Word),
            ("walking", TokenKind::Word),
            ("WALKING", TokenKind::Word),
            ("2024", TokenKind::Number),
            ("2024", TokenKind::Word),
            ("Don’t", TokenKind::Word),
            ("don't", TokenKind::Word),
            ("\u{212A}im", TokenKind::Word),
            ("kim", TokenKind::Word),
            ("Internationalization", TokenKind::Word),
            ("internationalization", TokenKind::Word),
            ("Café", TokenKind::Word),
            ("😀", TokenKind::Emoji),
            ("😀\u{fe0f}", TokenKind::Emoji),
            ("Love", TokenKind::Word),
            ("hated", TokenKind::Word),
            ("Never", TokenKind::Word),
            ("DON’T", TokenKind::Word),
        ];
        for_post(|_, mut table| {
            let mut ids: Vec<(WordId, TokenKind, CompactString)> = Vec::new();
            for (word, kind) in words {
                let case = super::super::word_case(kind, word);
                let got = table.facts(kind, word, case);
                let lower = super::super::lower_of(kind, word, case);
                let expected = unnumbered(kind, &lower);
                assert_eq!(
                    (&got.lower, &got.stem, got.valence, got.negator),
                    (
                        &expected.lower,
                        &expected.stem,
                        expected.valence,
                        expected.negator
                    ),
                    "{word}"
                );
                for (id, k, l) in &ids {
                    assert_eq!(*id == got.id, (*k, l) == (kind, &lower), "{word} {l}");
                }
                ids.push((got.id, kind, lower));
            }
        });
    }

    #[test]
    fn words_are_numbered_once_per_kind() {
        for_post(|_, mut words| {
            let case = Case::of("walking");
            let a = words.facts(TokenKind::Word, "walking", case).into_owned();
            let b = words.facts(TokenKind::Word, "walking", case).into_owned();
            assert_eq!((a.id, a.stem.as_str()), (b.id, "walk"));
            let n = words.facts(TokenKind::Number, "walking", case).into_owned();
            assert_ne!(n.id, a.id);
            assert_eq!(n.stem, "walking");
        });
    }

    #[test]
    fn memos_forget_other_generations() {
        let mut m: WordMemo<u8> = WordMemo::default();
        m.start(1, 7);
        assert_eq!(m.known(3), None);
        assert_eq!(m.word(3, || 5), 5);
        assert_eq!(m.word(3, || 6), 5);
        assert_eq!(
            (m.known(3), m.known(2), m.known(1000)),
            (Some(5), None, None)
        );
        assert_eq!(m.pair(3, 4, || 9), 9);
        assert_eq!(m.pair(3, 4, || 1), 9);
        m.start(1, 7);
        assert_eq!(m.word(3, || 6), 5);
        m.start(1, 8);
        assert_eq!(m.known(3), None);
        assert_eq!(m.word(3, || 6), 6);
        assert_eq!(m.pair(3, 4, || 1), 1);
        m.start(2, 8);
        assert_eq!(m.word(3, || 7), 7);
    }

    #[test]
    fn threads_share_one_budget_of_words() {
        assert_eq!(share_of(0), MAX_WORDS);
        assert_eq!(share_of(1), MAX_WORDS);
        assert_eq!(share_of(2), MAX_WORDS);
        assert_eq!(share_of(4), MAX_WORDS / 2);
        assert_eq!(share_of(8), MAX_WORDS / 4);
        assert_eq!(share_of(16), MIN_WORDS);
        assert_eq!(share_of(1000), MIN_WORDS);
        // The budget itself: up to the floor, more threads hold no more
        // words between them than two do.
        for threads in 2..=16 {
            assert!(threads * share_of(threads) <= WORD_BUDGET, "{threads}");
        }
    }

    #[test]
    fn tables_and_memos_hold_a_whole_share_without_moving_their_entries() {
        // Room for a whole share is taken at once: entries numbered up to
        // it are written where the first one was, never copied.
        let mut t = WordTable::new();
        let room = t.facts.capacity();
        assert!(room >= MIN_WORDS, "{room}");
        t.id_of_lower(TokenKind::Word, "w0");
        let first = t.facts.as_ptr();
        for i in 1..room {
            t.id_of_lower(TokenKind::Word, &format!("w{i}"));
        }
        assert_eq!(t.facts.len(), room);
        assert_eq!(t.facts.as_ptr(), first);

        let mut m: WordMemo<u32> = WordMemo::default();
        m.start(1, 7);
        let room = m.by_word.capacity();
        assert!(room >= MIN_WORDS, "{room}");
        m.word(0, || 0);
        let first = m.by_word.as_ptr();
        m.word(room as WordId - 1, || 1);
        assert_eq!(m.by_word.as_ptr(), first);
        assert_eq!(m.known(room as WordId - 1), Some(1));
    }

    #[test]
    fn a_full_table_numbers_one_more_post_and_starts_over_in_place() {
        let word = TokenKind::Word;
        // A thread's share; the entries have room past it for a post's
        // new words.
        let share = MIN_WORDS;
        let mut t = WordTable::for_share(share);
        let room = t.facts.capacity();
        assert_eq!(room, share + POST_ROOM);
        let first = t.facts.as_ptr();
        // A post that starts with the table short of full may fill it...
        for i in 0..share {
            t.id_of_lower(word, &format!("w{i}"));
        }
        let slots = t.short.slots.len();
        assert_eq!(slots, 2 * share);
        // ...and numbers its new words past the share, moving no entry and
        // keeping the slots it has.
        for i in 0..POST_ROOM {
            t.id_of_lower(word, &format!("x{i}"));
        }
        assert_eq!(t.facts.len(), room);
        assert_eq!(t.facts.as_ptr(), first);
        assert_eq!(t.short.slots.len(), slots);
        for (i, lower) in [(0, "w0"), (share - 1, "w4095"), (room - 1, "x1023")] {
            assert_eq!(t.id_of_lower(word, lower), i as WordId, "{lower}");
        }
        // A post with more new words than that grows the table...
        let long = "a-word-longer-than-sixteen-bytes";
        t.id_of_lower(word, long);
        t.id_of_lower(word, "one-more");
        assert!(t.facts.capacity() > room);
        assert!(t.short.slots.len() > slots);

        // ...which then starts over as a new table made for its share...
        let generation = t.generation;
        t.start_over(share);
        assert_ne!(t.generation, generation);
        assert_eq!(t.facts.capacity(), room);
        let first = t.facts.as_ptr();
        for i in 0..share {
            t.id_of_lower(word, &format!("w{i}"));
        }
        let slots = t.short.slots.as_ptr();
        // ...and full, without growing, starts over where it is.
        let generation = t.generation;
        t.start_over(share);
        assert_ne!(t.generation, generation);
        assert!(t.facts.is_empty());
        assert_eq!((t.facts.as_ptr(), t.short.slots.as_ptr()), (first, slots));
        // Its words are numbered afresh, each found again under its new
        // number and no other: short ones, long ones, and the same text
        // as another kind.
        assert_eq!(t.id_of_lower(word, "x5"), 0);
        assert_eq!(t.id_of_lower(word, "w7"), 1);
        assert_eq!(t.id_of_lower(word, long), 2);
        assert_eq!(t.id_of_lower(TokenKind::Number, "x5"), 3);
        assert_eq!(t.id_of_lower(word, "w8"), 4);
        for (lower, id) in [("x5", 0), ("w7", 1), (long, 2), ("w8", 4)] {
            assert_eq!(t.id_of_lower(word, lower), id, "{lower}");
            assert_eq!(t.facts[id as usize].lower, lower);
        }
        assert_eq!(t.id_of_lower(TokenKind::Number, "x5"), 3);
        assert_eq!(t.facts.len(), 5);

        // Made for another share than its thread has now, it is made anew.
        t.start_over(2 * share);
        assert_eq!(t.facts.capacity(), 2 * share + POST_ROOM);
        assert!(t.facts.is_empty());
    }

    #[test]
    fn too_many_pairs_forget_the_pairs_but_not_the_words() {
        let mut m: WordMemo<u8> = WordMemo::default();
        m.start(1, 7);
        assert_eq!(m.word(3, || 5), 5);
        for i in 0..MAX_WORDS as u32 {
            m.pair(i, i, || i);
        }
        assert!(!m.start(1, 7));
        assert_eq!(m.word(3, || 6), 5);
        assert_eq!(m.pair(0, 0, || 42), 42);
    }
}
