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

struct Entry {
    rest: Vec<CompactString>,
    list: ListId,
}

/// Looked up twice per token of every post: a fast hash. Keys are short:
/// most are stored inline, and copied from the phrases without an
/// allocation.
type Map = HashMap<CompactString, Vec<Entry>, foldhash::fast::FixedState>;

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
            // Most keys start one phrase: room for one entry, not the four
            // a vector grows to at its first push.
            map.entry(p.keys[0].clone())
                .or_insert_with(|| Vec::with_capacity(1))
                .push(Entry {
                    rest: p.keys[1..].to_vec(),
                    list,
                });
        }
        list
    }

    /// One pass over the tokens: the hits of every list, in token order,
    /// keeping the longest phrase where several start at the same token.
    pub fn scan(&self, tokens: &[Token]) -> Vec<Vec<Hit>> {
        let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); self.lists];
        for (i, tok) in tokens.iter().enumerate() {
            for (map, exact) in [(&self.by_stem, false), (&self.by_lower, true)] {
                let key = if exact { &tok.lower } else { &tok.stem };
                let Some(entries) = map.get(key.as_str()) else {
                    continue;
                };
                for e in entries {
                    let end = i + 1 + e.rest.len();
                    if end > tokens.len() {
                        continue;
                    }
                    let follows = tokens[i + 1..end].iter().zip(&e.rest).all(|(t, k)| {
                        t.chain == tok.chain
                            && t.sentence == tok.sentence
                            && (if exact { &t.lower } else { &t.stem }) == k
                    });
                    if !follows {
                        continue;
                    }
                    let list = &mut hits[e.list];
                    match list.last_mut() {
                        Some(last) if last.start == i => last.end = last.end.max(end),
                        _ => list.push(Hit { start: i, end }),
                    }
                }
            }
        }
        hits
    }
}
