//! Learned (`weighted`) rules: every term of every learned rule in one hash
//! lookup, fed by one pass of `text::features` over the post.

use crate::pack::Weighted;
use crate::text::Analysis;
use crate::text::features::{Families, Scratch, Sink, char_ngrams, features_into};
use compact_str::CompactString;
use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// One learned rule's model.
struct Model {
    bias: f64,
    threshold: f64,
    min_words: usize,
    terms: Arc<Weighted>,
}

/// Every term of every model, numbered in order of first appearance. The
/// index borrows the models' own keys: a term is found by the hash of its
/// key, then compared, so building it allocates no strings.
#[derive(Default)]
pub struct WeightedIndex {
    hasher: foldhash::fast::FixedState,
    /// Term id by key hash; keys whose hash another key already took are
    /// in `collided`.
    ids: HashMap<u64, u32, foldhash::fast::FixedState>,
    collided: HashMap<String, u32>,
    /// For each term id: the model and position its key is read from, and
    /// the first of its weights in `weights`.
    terms: Vec<(u32, u32, u32)>,
    /// (model, weight, next weight of the same term or `NONE`).
    weights: Vec<(u32, f64, u32)>,
    models: Vec<Model>,
    /// The opt-in feature families some model reads.
    families: Families,
    /// Tells this index's per-thread word memory from another index's.
    uid: OnceLock<u64>,
}

const NONE: u32 = u32::MAX;

/// The key of a term, read from the model it was first seen in.
#[inline]
fn key_of<'a>(terms: &[(u32, u32, u32)], models: &'a [Model], term: u32) -> &'a str {
    let (model, pos, _) = terms[term as usize];
    &models[model as usize].terms.terms[pos as usize].0
}

/// A term that pushed a post towards firing.
#[derive(Clone, Debug)]
pub struct Contribution {
    pub weight: f64,
    pub term: u32,
    pub span: Option<Range<usize>>,
}

/// One learned rule's verdict on a post.
#[derive(Clone, Debug, Default)]
pub struct Scored {
    pub probability: f64,
    pub fires: bool,
    /// Positive contributions, largest first.
    pub top: Vec<Contribution>,
}

impl WeightedIndex {
    /// Makes room for `terms` more terms.
    pub fn reserve(&mut self, terms: usize) {
        self.ids.reserve(terms);
        self.terms.reserve(terms);
        self.weights.reserve(terms);
    }

    /// Adds one learned rule; returns its model number.
    pub fn add(&mut self, w: &Arc<Weighted>) -> usize {
        let model = self.models.len() as u32;
        self.models.push(Model {
            bias: w.bias,
            threshold: w.threshold,
            min_words: w.min_words,
            terms: Arc::clone(w),
        });
        self.ids.reserve(w.terms.len());
        self.terms.reserve(w.terms.len());
        self.weights.reserve(w.terms.len());
        for (pos, (key, weight)) in w.terms.iter().enumerate() {
            self.families = self.families.union(Families::of_key(key));
            // One hash and one probe per term: a new key takes a free hash
            // slot, or goes to `collided` when another key holds it.
            let next = self.terms.len() as u32;
            let id = match self.ids.entry(self.hasher.hash_one(key.as_str())) {
                Entry::Vacant(e) => *e.insert(next),
                Entry::Occupied(e) => {
                    let held = *e.get();
                    if key_of(&self.terms, &self.models, held) == key {
                        held
                    } else {
                        *self.collided.entry(key.to_string()).or_insert(next)
                    }
                }
            };
            if id == next {
                self.terms.push((model, pos as u32, NONE));
            }
            let head = &mut self.terms[id as usize].2;
            self.weights.push((model, *weight, *head));
            *head = (self.weights.len() - 1) as u32;
        }
        model as usize
    }

    /// The id of a term, if some model has it.
    fn id(&self, key: &str) -> Option<u32> {
        let &id = self.ids.get(&self.hasher.hash_one(key))?;
        if self.key(id) == key {
            Some(id)
        } else {
            self.collided.get(key).copied()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    pub fn key(&self, term: u32) -> &str {
        key_of(&self.terms, &self.models, term)
    }

    /// Scores every learned rule on one post, in one pass over its features.
    pub fn score(&self, a: &Analysis) -> Vec<Scored> {
        static NEXT_UID: AtomicU64 = AtomicU64::new(0);
        let uid = *self
            .uid
            .get_or_init(|| NEXT_UID.fetch_add(1, Ordering::Relaxed));
        let (z, contributions) = SCORE_MEMORY.with_borrow_mut(|memory| {
            if memory.owner != Some(uid) {
                memory.words.clear();
                memory.word_ids.clear();
                memory.keys.clear();
                memory.owner = Some(uid);
            }
            memory.seen.clear();
            let mut scoring = Scoring {
                ix: self,
                z: self.models.iter().map(|m| m.bias).collect(),
                contributions: vec![Vec::new(); self.models.len()],
                memory,
            };
            features_into(a, self.families, &mut scoring);
            (scoring.z, scoring.contributions)
        });
        self.models
            .iter()
            .zip(z)
            .zip(contributions)
            .map(|((m, z), mut top)| {
                let probability = 1.0 / (1.0 + (-z).exp());
                top.sort_by(|x, y| y.weight.total_cmp(&x.weight).then(x.term.cmp(&y.term)));
                top.truncate(3);
                Scored {
                    probability,
                    fires: a.metrics.words >= m.min_words && probability >= m.threshold,
                    top,
                }
            })
            .collect()
    }

    /// The ids of the character n-gram terms of `lower` that some model
    /// has, in n-gram order, appended to `out`.
    fn gram_ids(&self, lower: &str, scratch: &mut Scratch, out: &mut Vec<u32>) {
        char_ngrams(lower, scratch, |k| out.extend(self.id(k)));
    }
}

/// Distinct words a thread remembers the n-gram terms of before it starts
/// over.
const WORD_MEMORY: usize = 1 << 15;

/// Keys a thread remembers the term ids of before it starts over.
const KEY_MEMORY: usize = 1 << 16;

/// Longest key remembered: one stored in place, without an allocation.
const MEMO_KEY: usize = 24;

/// What one thread keeps between posts while scoring.
#[derive(Default)]
struct ScoreMemory {
    /// The index `words` belongs to.
    owner: Option<u64>,
    /// For each word seen: its n-gram term ids, `word_ids[start..end]`.
    words: HashMap<CompactString, (u32, u32), foldhash::fast::FixedState>,
    word_ids: Vec<u32>,
    /// Short keys looked up so far, with their term id (`NONE`: no model
    /// has the key): a key and its answer side by side, where the index
    /// reads the key from the model it came from.
    keys: HashMap<CompactString, u32, foldhash::fast::FixedState>,
    /// The terms a post has counted already.
    seen: HashSet<u32, foldhash::fast::FixedState>,
}

thread_local! {
    static SCORE_MEMORY: RefCell<ScoreMemory> = RefCell::new(ScoreMemory::default());
}

/// One post being scored.
struct Scoring<'a> {
    ix: &'a WeightedIndex,
    z: Vec<f64>,
    contributions: Vec<Vec<Contribution>>,
    memory: &'a mut ScoreMemory,
}

impl Scoring<'_> {
    /// Counts term `id` once per post, at its first occurrence.
    fn add(&mut self, id: u32, value: f64, span: &Option<Range<usize>>) {
        if !self.memory.seen.insert(id) {
            return;
        }
        let ix = self.ix;
        let mut next = ix.terms[id as usize].2;
        while next != NONE {
            let (model, weight, after) = ix.weights[next as usize];
            next = after;
            let c = weight * value;
            self.z[model as usize] += c;
            if c > 0.0 {
                self.contributions[model as usize].push(Contribution {
                    weight: c,
                    term: id,
                    span: span.clone(),
                });
            }
        }
    }
}

impl Sink for Scoring<'_> {
    fn feature(&mut self, key: &str, value: f64, span: Option<Range<usize>>) {
        let id = if key.len() <= MEMO_KEY {
            let keys = &mut self.memory.keys;
            match keys.get(key) {
                Some(&id) => (id != NONE).then_some(id),
                None => {
                    if keys.len() >= KEY_MEMORY {
                        keys.clear();
                    }
                    let id = self.ix.id(key);
                    keys.insert(CompactString::from(key), id.unwrap_or(NONE));
                    id
                }
            }
        } else {
            self.ix.id(key)
        };
        if let Some(id) = id {
            self.add(id, value, &span);
        }
    }

    /// A word's n-gram terms are looked up once per thread, then
    /// remembered: posts repeat their words.
    fn word_grams(&mut self, lower: &str, span: &Range<usize>, scratch: &mut Scratch) {
        let memory = &mut *self.memory;
        let (start, end) = match memory.words.get(lower) {
            Some(&range) => range,
            None => {
                if memory.words.len() >= WORD_MEMORY {
                    memory.words.clear();
                    memory.word_ids.clear();
                }
                let start = memory.word_ids.len() as u32;
                self.ix.gram_ids(lower, scratch, &mut memory.word_ids);
                let range = (start, memory.word_ids.len() as u32);
                memory.words.insert(CompactString::from(lower), range);
                range
            }
        };
        let span = Some(span.clone());
        for i in start..end {
            let id = self.memory.word_ids[i as usize];
            self.add(id, 1.0, &span);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(terms: &[(&str, f64)]) -> WeightedIndex {
        let mut ix = WeightedIndex::default();
        ix.add(&Arc::new(Weighted {
            bias: -2.0,
            threshold: 0.5,
            terms: terms.iter().map(|(k, w)| ((*k).into(), *w)).collect(),
            min_words: 0,
        }));
        ix
    }

    #[test]
    fn keys_whose_hashes_collide_stay_apart() {
        let mut ix = index(&[("quokka", 1.0), ("wombat", 2.0)]);
        // Pretend "numbat" hashes like "quokka".
        let h = ix.hasher.hash_one("numbat");
        ix.ids.insert(h, 0);
        ix.add(&Arc::new(Weighted {
            bias: 0.0,
            threshold: 0.5,
            terms: vec![("numbat".into(), 3.0), ("wombat".into(), -1.0)],
            min_words: 0,
        }));
        assert_eq!(ix.id("quokka"), Some(0));
        assert_eq!(ix.id("wombat"), Some(1));
        assert_eq!(ix.id("numbat"), Some(2));
        assert_eq!(ix.key(2), "numbat");
        assert_eq!(ix.id("dingo"), None);
        let weights = |id: u32| {
            let mut out = Vec::new();
            let mut next = ix.terms[id as usize].2;
            while next != NONE {
                let (m, w, after) = ix.weights[next as usize];
                out.push((m, w));
                next = after;
            }
            out.sort_by_key(|p| p.0);
            out
        };
        assert_eq!(weights(1), [(0, 2.0), (1, -1.0)]);
        assert_eq!(weights(2), [(1, 3.0)]);
    }

    #[test]
    fn opt_in_features_are_computed_for_models_that_read_them() {
        let sarcastic = Analysis::new("I just love waiting in the awful queue");
        let plain = Analysis::new("We love our customers and our garden");
        let cue = index(&[("@contrast", 4.0)]);
        assert!(cue.score(&sarcastic)[0].fires);
        assert!(!cue.score(&plain)[0].fires);
        let chars = index(&[("~queu", 4.0)]);
        assert!(chars.score(&sarcastic)[0].fires);
        assert_eq!(chars.key(chars.score(&sarcastic)[0].top[0].term), "~queu");
        assert!(!chars.score(&plain)[0].fires);
    }
}
