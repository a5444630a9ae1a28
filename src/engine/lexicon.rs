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

/// Per map of a table (`STEMS`, `LOWER`), a key number or `NO_KEY`.
/// (Plain numbers keep a thread's memo small: it has an entry per word.)
type Keys = [u32; 2];

/// A word that is no key of a map.
const NO_KEY: u32 = u32::MAX;

/// What the scan reads of a word in one table: in each map, the key of
/// the phrases of the word alone (`NO_KEY` when there are none), and
/// whether longer phrases start with the word. It depends on the word
/// alone, so the built-in table's is found once per word of a thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WordKeys {
    alone: Keys,
    longer: [bool; 2],
}

impl WordKeys {
    /// Starts no phrase of either map: most words of a post.
    const NONE: WordKeys = WordKeys {
        alone: [NO_KEY; 2],
        longer: [false; 2],
    };

    /// What `table` holds of `tok`'s word.
    fn of<B: AsRef<[u8]>>(table: &Table<B>, tok: &Token) -> WordKeys {
        let mut word = WordKeys::NONE;
        for (map, key) in [STEMS, LOWER].into_iter().zip(keys_in(table, tok)) {
            if key == NO_KEY {
                continue;
            }
            if table.entries(map, key).next().is_some() {
                word.alone[map] = key;
            }
            word.longer[map] = table.starts_longer(map, key);
        }
        word
    }
}

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
        hits.words.warm(tokens.iter().map(|t| t.word));
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
                let word = built_in_word(table, words, &tokens[i]);
                if word != WordKeys::NONE {
                    // The pair of words is looked up every time: few
                    // pairs come up often, and remembering them, in a map
                    // that grows to tens of thousands, costs more than
                    // building and looking up their key again.
                    let pair_keys =
                        |tok: &Token, next: &Token| pair_keys_in(table, word, tok, next, pair);
                    scan_token(table, word, tokens, i, pair_keys, &mut hit);
                }
            }
        }
        // The tables of pack files, seldom used, are looked up at every
        // token: the memo stays small.
        if let Some(table) = &self.own {
            for i in 0..tokens.len() {
                let word = WordKeys::of(table, &tokens[i]);
                let pair_keys =
                    |tok: &Token, next: &Token| pair_keys_in(table, word, tok, next, pair);
                scan_token(table, word, tokens, i, pair_keys, &mut hit);
            }
        }
    }
}

/// What the built-in table holds of `tok`'s word: it depends on the word
/// alone, so each word of a thread is hashed and looked up once (`memo`),
/// not at every occurrence.
#[inline]
fn built_in_word(
    table: &Table<&'static [u8]>,
    memo: &mut WordMemo<WordKeys>,
    tok: &Token,
) -> WordKeys {
    // Tokens read outside a post have no number to remember them by.
    if tok.word == UNNUMBERED {
        return WordKeys::of(table, tok);
    }
    memo.word(tok.word, || WordKeys::of(table, tok))
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

/// Per map, where the keys of `tok` and of the `next` token joined are a
/// key of `table`, looked up in the maps where longer phrases start with
/// `tok`'s word (`word`); `buf` is room for the joined key.
fn pair_keys_in<B: AsRef<[u8]>>(
    table: &Table<B>,
    word: WordKeys,
    tok: &Token,
    next: &Token,
    buf: &mut Vec<u8>,
) -> Keys {
    let mut keys = [NO_KEY; 2];
    for (map, exact) in [(STEMS, false), (LOWER, true)] {
        if word.longer[map] {
            buf.clear();
            buf.extend_from_slice(key_of(tok, exact).as_bytes());
            buf.push(SEP);
            buf.extend_from_slice(key_of(next, exact).as_bytes());
            keys[map] = table.find(map, buf).unwrap_or(NO_KEY);
        }
    }
    keys
}

/// The phrases of `table` that start at token `i`, whose word is `word`
/// in it, passed to `hit`: per map, the phrases of the word alone, then
/// the longer ones, whose first two words' key `pair_keys` gives.
#[inline]
fn scan_token<B: AsRef<[u8]>>(
    table: &Table<B>,
    word: WordKeys,
    tokens: &[Token],
    i: usize,
    pair_keys: impl FnOnce(&Token, &Token) -> Keys,
    hit: &mut impl FnMut(ListId, usize, usize),
) {
    let tok = &tokens[i];
    // A phrase stays in one chain and one sentence.
    let same = |t: &Token| t.chain == tok.chain && t.sentence == tok.sentence;
    let pairs = match tokens.get(i + 1) {
        Some(next) if word.longer != [false; 2] && same(next) => pair_keys(tok, next),
        _ => [NO_KEY; 2],
    };
    for (map, exact) in [(STEMS, false), (LOWER, true)] {
        if word.alone[map] != NO_KEY {
            for e in table.entries(map, word.alone[map]) {
                hit(e.list, i, i + 1);
            }
        }
        if pairs[map] == NO_KEY {
            continue;
        }
        for e in table.entries(map, pairs[map]) {
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
    /// What the built-in table holds of the words seen on this thread.
    words: WordMemo<WordKeys>,
}

impl Hits {
    /// The lists with hits in the last post scanned, in no set order.
    pub fn found(&self) -> &[ListId] {
        &self.touched
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Analysis;

    /// The words of the built-in packs' files: the words their phrases
    /// are made of, and more.
    fn pack_words() -> Vec<String> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
        let mut words = Vec::new();
        for entry in std::fs::read_dir(dir).expect("rules/") {
            let text = std::fs::read_to_string(entry.expect("an entry").path()).expect("a pack");
            words.extend(
                text.split(|c: char| !(c.is_alphabetic() || c == '\''))
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase),
            );
        }
        words.sort();
        words.dedup();
        words
    }

    /// The hits of `tokens`, lists in the order they were found.
    fn scan(
        lexicon: &Lexicon,
        tokens: &[Token],
        generation: u64,
        hits: &mut Hits,
    ) -> Vec<(ListId, Vec<Hit>)> {
        lexicon.scan_into(tokens, generation, hits);
        hits.found()
            .iter()
            .map(|&l| (l, hits.lists[l].clone()))
            .collect()
    }

    #[test]
    fn remembered_words_find_what_lookups_find() {
        let table = phrases::built_in().expect("the built-in phrase table");
        let lists: Vec<Phrases> = table
            .lists()
            .map(|list| Phrases::BuiltIn {
                list: list as u32,
                len: 0,
            })
            .collect();
        let mut builder = Builder::new();
        for list in &lists {
            builder.add_list(list);
        }
        let lexicon = builder.finish();
        let words = pack_words();
        let mut rng = crate::test_rng::Xorshift::new(0x9e37_79b9_7f4a_7c15);
        let (mut remembered, mut looked_up) = (Hits::default(), Hits::default());
        let mut found = 0;
        for _ in 0..3000 {
            let text: Vec<&str> = (0..1 + rng.below(30))
                .map(|_| match rng.below(12) {
                    0 => ".",
                    _ => words[rng.below(words.len())].as_str(),
                })
                .collect();
            let text = text.join(" ");
            let a = Analysis::new(&text);
            let mut unnumbered = a.tokens.clone();
            for t in &mut unnumbered {
                t.word = UNNUMBERED;
            }
            let expected = scan(&lexicon, &unnumbered, a.word_generation, &mut looked_up);
            let got = scan(&lexicon, &a.tokens, a.word_generation, &mut remembered);
            assert_eq!(got, expected, "{}", a.text);
            found += got.len();
        }
        assert!(found > 1000, "{found}");
    }
}
