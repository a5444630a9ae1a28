//! All word and phrase lists of all rules in one lookup: each token is
//! looked up once by stem and once by lower-cased form in each phrase
//! table, whatever the number of lists. The built-in rules' lists are in
//! the table build.rs wrote, read in place; the lists of pack files go to
//! a table the engine writes when it is built.

use crate::pack::phrases::{self, LOWER, SEP, STEMS, Table};
use crate::pack::{Phrase, Phrases};
use crate::text::Token;
use crate::text::words::{UNNUMBERED, WordMemo};
use std::sync::atomic::{AtomicU64, Ordering};

/// Which list (of which rule and role) a phrase belongs to.
pub type ListId = usize;

/// Tokens `start..end` matched a phrase of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
}

/// Numbers the lists rules use: built-in lists keep their numbers in the
/// built-in table, lists from pack files are numbered after them.
pub struct Builder<'r> {
    built_in: Option<&'static Table<&'static [u8]>>,
    uses_built_in: bool,
    /// Where the numbers of the lists from pack files start.
    first_own: usize,
    own: Vec<&'r [Phrase]>,
}

impl<'r> Builder<'r> {
    pub fn new() -> Builder<'r> {
        let built_in = phrases::built_in();
        Builder {
            built_in,
            uses_built_in: false,
            first_own: built_in.map_or(0, |t| t.lists().end),
            own: Vec::new(),
        }
    }

    /// Adds a list of phrases and returns its id.
    pub fn add_list(&mut self, phrases: &'r Phrases) -> ListId {
        match phrases {
            Phrases::BuiltIn { list, .. }
                if self
                    .built_in
                    .is_some_and(|t| t.lists().contains(&(*list as usize))) =>
            {
                self.uses_built_in = true;
                *list as usize
            }
            // A built-in list the binary has no table for (never the
            // case in a binary that built) finds nothing.
            Phrases::BuiltIn { .. } => self.add_own(&[]),
            Phrases::Listed(list) => self.add_own(list),
        }
    }

    fn add_own(&mut self, list: &'r [Phrase]) -> ListId {
        self.own.push(list);
        self.first_own + self.own.len() - 1
    }

    /// The lexicon of the lists added. (The table of the lists from pack
    /// files is written here and read back: it always reads.)
    pub fn finish(self) -> Lexicon {
        let own = self
            .own
            .iter()
            .any(|l| !l.is_empty())
            .then(|| Table::new(phrases::write(&self.own, self.first_own as u32)))
            .flatten();
        static NEXT_UID: AtomicU64 = AtomicU64::new(0);
        Lexicon {
            built_in: self.built_in.filter(|_| self.uses_built_in),
            own,
            lists: self.first_own + self.own.len(),
            uid: NEXT_UID.fetch_add(1, Ordering::Relaxed),
        }
    }
}

pub struct Lexicon {
    built_in: Option<&'static Table<&'static [u8]>>,
    own: Option<Table<Vec<u8>>>,
    lists: usize,
    /// Tells this lexicon's per-thread word memory from another one's.
    uid: u64,
}

/// Where a word's keys are in one table: the key numbers of its stem
/// (`STEMS`) and of its lower-cased form (`LOWER`), or `NO_KEY`. (Plain
/// numbers keep a thread's memo small: it has an entry per word.)
type Keys = [u32; 2];

/// A word that is no key of a map.
const NO_KEY: u32 = u32::MAX;

impl Lexicon {
    /// One pass over the tokens: the hits of every list, in token order,
    /// keeping the longest phrase where several start at the same token,
    /// into `hits`, whose lists from an earlier post are emptied first
    /// (their room is kept). `generation` is the word table generation of
    /// the tokens' `word` numbers (`Analysis::word_generation`).
    pub fn scan_into(&self, tokens: &[Token], generation: u64, hits: &mut Hits) {
        for &l in &hits.touched {
            if let Some(list) = hits.lists.get_mut(l) {
                list.clear();
            }
        }
        hits.touched.clear();
        hits.lists.resize_with(self.lists, Vec::new);
        hits.words.start(self.uid, generation);
        let Hits {
            lists,
            touched,
            pair,
            words,
        } = hits;
        let mut hit = |list: ListId, start: usize, end: usize| {
            let hits = &mut lists[list];
            match hits.last_mut() {
                Some(last) if last.start == start => last.end = last.end.max(end),
                _ => {
                    if hits.is_empty() {
                        touched.push(list);
                    }
                    hits.push(Hit { start, end });
                }
            }
        };
        // Each list is in one table: scanning the tables one after the
        // other keeps every list's hits in token order.
        if let Some(table) = self.built_in {
            for i in 0..tokens.len() {
                let keys = built_in_keys(table, words, &tokens[i]);
                scan_token(table, keys, tokens, i, pair, &mut hit);
            }
        }
        // The tables of pack files, seldom used, are looked up at every
        // token: the memo stays small.
        if let Some(table) = &self.own {
            for i in 0..tokens.len() {
                let keys = keys_in(table, &tokens[i]);
                scan_token(table, keys, tokens, i, pair, &mut hit);
            }
        }
    }
}

/// The keys of `tok`'s word in the built-in table: they depend on the
/// word alone, so each word of a thread is hashed and looked up once
/// (`memo`), not at every occurrence.
#[inline]
fn built_in_keys(table: &Table<&'static [u8]>, memo: &mut WordMemo<Keys>, tok: &Token) -> Keys {
    // Tokens read outside a post have no number to remember them by.
    if tok.word == UNNUMBERED {
        return keys_in(table, tok);
    }
    memo.word(tok.word, || keys_in(table, tok))
}

/// Where `tok`'s stem and lower-cased form are keys of `table`.
fn keys_in<B: AsRef<[u8]>>(table: &Table<B>, tok: &Token) -> Keys {
    let stem_hash = phrases::hash(tok.stem.as_bytes());
    let lower_hash = if tok.lower == tok.stem {
        stem_hash
    } else {
        phrases::hash(tok.lower.as_bytes())
    };
    let find = |map, key: &str, hash| {
        table
            .find_hashed(map, key.as_bytes(), hash)
            .unwrap_or(NO_KEY)
    };
    [
        find(STEMS, &tok.stem, stem_hash),
        find(LOWER, &tok.lower, lower_hash),
    ]
}

/// The phrases of `table` that start at token `i`, whose word has keys
/// `keys` in it, passed to `hit`; `pair` is room for a key of two words.
#[inline]
fn scan_token<B: AsRef<[u8]>>(
    table: &Table<B>,
    keys: Keys,
    tokens: &[Token],
    i: usize,
    pair: &mut Vec<u8>,
    hit: &mut impl FnMut(ListId, usize, usize),
) {
    let tok = &tokens[i];
    for (map, exact, found) in [(STEMS, false, keys[0]), (LOWER, true, keys[1])] {
        if found == NO_KEY {
            continue;
        }
        let word = found;
        let key = key_of(tok, exact).as_bytes();
        for e in table.entries(map, word) {
            hit(e.list, i, i + 1);
        }
        if !table.starts_longer(map, word) {
            continue;
        }
        // A phrase stays in one chain and one sentence.
        let same = |t: &Token| t.chain == tok.chain && t.sentence == tok.sentence;
        let Some(next) = tokens.get(i + 1).filter(|t| same(t)) else {
            continue;
        };
        pair.clear();
        pair.extend_from_slice(key);
        pair.push(SEP);
        pair.extend_from_slice(key_of(next, exact).as_bytes());
        let Some(first_two) = table.find(map, pair) else {
            continue;
        };
        for e in table.entries(map, first_two) {
            let mut end = i + 2;
            let follows = e.rest_words().all(|w| {
                let next = tokens
                    .get(end)
                    .is_some_and(|t| same(t) && key_of(t, exact).as_bytes() == w);
                end += 1;
                next
            });
            if follows {
                hit(e.list, i, end);
            }
        }
    }
}

/// What a token is looked up by: its lower-cased form for exact phrases,
/// else its stem.
fn key_of(t: &Token, exact: bool) -> &str {
    if exact { &t.lower } else { &t.stem }
}

/// The hits of a post, per list, and which lists have any.
#[derive(Default)]
pub struct Hits {
    pub lists: Vec<Vec<Hit>>,
    touched: Vec<ListId>,
    /// Room for the key of a token and the next.
    pair: Vec<u8>,
    /// The built-in table's keys of the words seen on this thread.
    words: WordMemo<Keys>,
}

impl Hits {
    /// The lists with hits in the last post scanned, in no set order.
    pub fn found(&self) -> &[ListId] {
        &self.touched
    }
}
