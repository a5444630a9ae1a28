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

use super::TokenKind;
use compact_str::CompactString;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// A word's number in its thread's table, within one generation.
pub type WordId = u32;

/// Distinct words a thread numbers before it starts over.
const MAX_WORDS: usize = 1 << 15;

/// Word pairs a memo keeps before it starts over.
const MAX_PAIRS: usize = 1 << 15;

type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// What a token reads from its word's entry.
#[derive(Clone, Debug)]
pub(super) struct WordFacts {
    pub id: WordId,
    /// Snowball stem (numbers and emoji: the word itself).
    pub stem: CompactString,
    /// Valence in the analysis' lexicon (`valence::score`).
    pub valence: Option<f64>,
}

/// One thread's words. Words, numbers and emoji are numbered in maps of
/// their own, so the same text read as two kinds is two entries.
pub(super) struct WordTable {
    generation: u64,
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
        let map = || FastMap::with_capacity_and_hasher(FIRST_ROOM, Default::default());
        WordTable {
            generation: next_generation(),
            ids: [map(), FastMap::default(), FastMap::default()],
            facts: Vec::with_capacity(FIRST_ROOM),
        }
    }

    fn kind_map(&mut self, kind: TokenKind) -> &mut FastMap<CompactString, WordId> {
        &mut self.ids[match kind {
            TokenKind::Word => 0,
            TokenKind::Number => 1,
            TokenKind::Emoji => 2,
        }]
    }

    /// The entry of a word. Inlined where tokens are made: nearly every
    /// word of a post has been seen before, and is found at once.
    #[inline]
    fn facts(&mut self, kind: TokenKind, lower: &str) -> WordFacts {
        if let Some(&id) = self.kind_map(kind).get(lower) {
            return self.facts[id as usize].clone();
        }
        self.add(kind, lower)
    }

    /// Works out and numbers a word seen for the first time.
    #[inline(never)]
    fn add(&mut self, kind: TokenKind, lower: &str) -> WordFacts {
        let facts = work_out(kind, lower, self.facts.len() as WordId);
        self.kind_map(kind)
            .insert(CompactString::from(lower), facts.id);
        self.facts.push(facts.clone());
        facts
    }
}

/// The entry of a word, numbered `id`.
fn work_out(kind: TokenKind, lower: &str, id: WordId) -> WordFacts {
    let stem = match kind {
        TokenKind::Word => super::stem_word(lower),
        _ => CompactString::from(lower),
    };
    WordFacts {
        id,
        valence: super::valence::score(lower, &stem),
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
    /// The entry of a lower-cased word of kind `kind`, numbered if it is
    /// new and the words are numbered.
    #[inline]
    pub(super) fn facts(&mut self, kind: TokenKind, lower: &str) -> WordFacts {
        match self {
            Numbering::Table(table) => table.facts(kind, lower),
            Numbering::Unnumbered => unnumbered(kind, lower),
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
        if t.facts.len() >= MAX_WORDS {
            *t = WordTable::new();
        }
        let generation = t.generation;
        read(generation, Numbering::Table(t))
    })
}

/// What a reader works out about words (`T` per word, a term number per
/// pair of words), kept by word number for the posts of one generation
/// (and one `owner`, the reader the answers are for).
pub struct WordMemo<T> {
    key: Option<(u64, u64)>,
    by_word: Vec<Option<T>>,
    pairs: FastMap<u64, u32>,
}

/// Room a memo makes at once, so the first posts of a run do not grow it
/// step by step.
const FIRST_ROOM: usize = 256;

impl<T> Default for WordMemo<T> {
    fn default() -> Self {
        WordMemo {
            key: None,
            by_word: Vec::with_capacity(FIRST_ROOM),
            pairs: FastMap::with_capacity_and_hasher(FIRST_ROOM, Default::default()),
        }
    }
}

impl<T: Copy> WordMemo<T> {
    /// Readies the memo for a post of `generation` read for `owner`: what
    /// it holds for another generation or owner is forgotten (and then
    /// it says so). Pairs alone are forgotten when there are too many:
    /// the words' answers stay good.
    pub fn start(&mut self, owner: u64, generation: u64) -> bool {
        if self.key == Some((owner, generation)) {
            if self.pairs.len() >= MAX_PAIRS {
                self.pairs.clear();
            }
            return false;
        }
        self.by_word.clear();
        self.pairs.clear();
        self.key = Some((owner, generation));
        true
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

    /// The term of the pair of words `first`, `second`, worked out by
    /// `work` the first time.
    #[inline]
    pub fn pair(&mut self, first: WordId, second: WordId, work: impl FnOnce() -> u32) -> u32 {
        let key = (u64::from(first) << 32) | u64::from(second);
        *self.pairs.entry(key).or_insert_with(work)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_numbered_once_per_kind() {
        for_post(|_, mut words| {
            let a = words.facts(TokenKind::Word, "walking");
            let b = words.facts(TokenKind::Word, "walking");
            assert_eq!((a.id, a.stem.as_str()), (b.id, "walk"));
            let n = words.facts(TokenKind::Number, "walking");
            assert_ne!(n.id, a.id);
            assert_eq!(n.stem, "walking");
        });
    }

    #[test]
    fn memos_forget_other_generations() {
        let mut m: WordMemo<u8> = WordMemo::default();
        m.start(1, 7);
        assert_eq!(m.word(3, || 5), 5);
        assert_eq!(m.word(3, || 6), 5);
        assert_eq!(m.pair(3, 4, || 9), 9);
        assert_eq!(m.pair(3, 4, || 1), 9);
        m.start(1, 7);
        assert_eq!(m.word(3, || 6), 5);
        m.start(1, 8);
        assert_eq!(m.word(3, || 6), 6);
        assert_eq!(m.pair(3, 4, || 1), 1);
        m.start(2, 8);
        assert_eq!(m.word(3, || 7), 7);
    }

    #[test]
    fn too_many_pairs_forget_the_pairs_but_not_the_words() {
        let mut m: WordMemo<u8> = WordMemo::default();
        m.start(1, 7);
        assert_eq!(m.word(3, || 5), 5);
        for i in 0..MAX_PAIRS as u32 {
            m.pair(i, i, || i);
        }
        assert!(!m.start(1, 7));
        assert_eq!(m.word(3, || 6), 5);
        assert_eq!(m.pair(0, 0, || 42), 42);
    }
}
