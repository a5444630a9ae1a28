//! All word and phrase lists of all rules in one hash lookup: each token
//! is looked up once by stem and once by lower-cased form, whatever the
//! number of lists.

use crate::pack::Phrase;
use crate::text::Token;
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
    rest: Vec<String>,
    list: ListId,
}

/// Looked up twice per token of every post: a fast hash.
type Map = HashMap<String, Vec<Entry>, foldhash::fast::FixedState>;

#[derive(Default)]
pub struct Lexicon {
    by_stem: Map,
    by_lower: Map,
    lists: usize,
}

impl Lexicon {
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
            map.entry(p.keys[0].clone()).or_default().push(Entry {
                rest: p.keys[1..].to_vec(),
                list,
            });
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
                    let list = &mut lists[e.list];
                    match list.last_mut() {
                        Some(last) if last.start == i => last.end = last.end.max(end),
                        _ => {
                            if list.is_empty() {
                                touched.push(e.list);
                            }
                            list.push(Hit { start: i, end });
                        }
                    }
                }
            }
        }
    }
}

/// The hits of a post, per list, and which lists have any.
#[derive(Default)]
pub struct Hits {
    pub lists: Vec<Vec<Hit>>,
    touched: Vec<ListId>,
}
