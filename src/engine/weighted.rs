//! Learned (`weighted`) rules: every term of every learned rule in one hash
//! lookup, fed by one pass of `text::features` over the post.

use crate::pack::Weighted;
use crate::text::Analysis;
use crate::text::features::{Families, features_with};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::Arc;

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
        let mut z: Vec<f64> = self.models.iter().map(|m| m.bias).collect();
        let mut contributions: Vec<Vec<Contribution>> = vec![Vec::new(); self.models.len()];
        let mut seen: HashSet<u32> = HashSet::new();
        features_with(a, self.families, |key, value, span| {
            let Some(id) = self.id(key) else { return };
            if !seen.insert(id) {
                return;
            }
            let mut next = self.terms[id as usize].2;
            while next != NONE {
                let (model, weight, after) = self.weights[next as usize];
                next = after;
                let c = weight * value;
                z[model as usize] += c;
                if c > 0.0 {
                    contributions[model as usize].push(Contribution {
                        weight: c,
                        term: id,
                        span: span.clone(),
                    });
                }
            }
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
