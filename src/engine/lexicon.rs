//! All word and phrase lists of all rules in one hash lookup: each token
//! is looked up once by stem and once by lower-cased form, whatever the
//! number of lists.

use crate::pack::Phrase;
use crate::text::Token;
use compact_str::CompactString;
use std::collections::HashMap;

/// Which list (of which rule and role) a phrase belongs to.
pub type ListId = usize;

/// Tokens `start..end` matched a phrase of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
}

/// A phrase of three words or more, after its first two.
struct Entry {
    rest: Vec<CompactString>,
    list: ListId,
}

/// The phrases starting with one word: the lists it is a whole phrase
/// of, and the longer phrases by their second word (posts are full of
/// the words many phrases start with, "we", "our", "you": only those
/// whose second word follows are compared).
#[derive(Default)]
struct Group {
    single: Vec<ListId>,
    by_second: HashMap<CompactString, Vec<Entry>, foldhash::fast::FixedState>,
}

/// Looked up twice per token of every post: a fast hash. Keys are short:
/// most are stored inline, and copied from the phrases without an
/// allocation.
type Map = HashMap<CompactString, Group, foldhash::fast::FixedState>;

#[derive(Default)]
pub struct Lexicon {
    by_stem: Map,
    by_lower: Map,
    lists: usize,
}

impl Lexicon {
    /// A lexicon with room for `stems` phrases matched on stems and
    /// `exact` matched on lower-cased words.
    pub fn with_capacity(stems: usize, exact: usize) -> Lexicon {
        Lexicon {
            by_stem: Map::with_capacity_and_hasher(stems, Default::default()),
            by_lower: Map::with_capacity_and_hasher(exact, Default::default()),
            lists: 0,
        }
    }

    /// Adds a list of phrases and returns its id.
    pub fn add_list(&mut self, phrases: &[Phrase]) -> ListId {
        let list = self.lists;
        self.lists += 1;
        for p in phrases {
            let map = if p.exact {
                &mut self.by_lower
            } else {
                &mut self.by_stem
            };
            let Some((first, rest)) = p.keys.split_first() else {
                continue;
            };
            let group = map.entry(first.clone()).or_default();
            match rest.split_first() {
                None => group.single.push(list),
                Some((second, rest)) => {
                    group
                        .by_second
                        .entry(second.clone())
                        .or_default()
                        .push(Entry {
                            rest: rest.to_vec(),
                            list,
                        });
                }
            }
        }
        list
    }

    /// One pass over the tokens: the hits of every list, in token order,
    /// keeping the longest phrase where several start at the same token,
    /// into `hits`, whose lists from an earlier post are emptied first
    /// (their room is kept).
    pub fn scan_into(&self, tokens: &[Token], hits: &mut Hits) {
        for &l in &hits.touched {
            if let Some(list) = hits.lists.get_mut(l) {
                list.clear();
            }
        }
        hits.touched.clear();
        hits.lists.resize_with(self.lists, Vec::new);
        let Hits { lists, touched } = hits;
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
        for (i, tok) in tokens.iter().enumerate() {
            for (map, exact) in [(&self.by_stem, false), (&self.by_lower, true)] {
                let Some(group) = map.get(key_of(tok, exact)) else {
                    continue;
                };
                for &list in &group.single {
                    hit(list, i, i + 1);
                }
                if group.by_second.is_empty() {
                    continue;
                }
                // A phrase stays in one chain and one sentence.
                let same = |t: &Token| t.chain == tok.chain && t.sentence == tok.sentence;
                let Some(next) = tokens.get(i + 1).filter(|t| same(t)) else {
                    continue;
                };
                let Some(entries) = group.by_second.get(key_of(next, exact)) else {
                    continue;
                };
                for e in entries {
                    let end = i + 2 + e.rest.len();
                    if end > tokens.len() {
                        continue;
                    }
                    let follows = tokens[i + 2..end]
                        .iter()
                        .zip(&e.rest)
                        .all(|(t, k)| same(t) && key_of(t, exact) == k);
                    if follows {
                        hit(e.list, i, end);
                    }
                }
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
}
