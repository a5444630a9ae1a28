//! Learned (`weighted`) rules: every term of every learned rule in one hash
//! lookup, fed by one pass of `text::features` over the post.

use crate::pack::Weighted;
use crate::text::Analysis;
use crate::text::features::{Families, features_with};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// One learned rule's model.
struct Model {
    bias: f64,
    threshold: f64,
    min_words: usize,
}

#[derive(Default)]
pub struct WeightedIndex {
    ids: HashMap<String, u32>,
    keys: Vec<String>,
    /// For each term id: the models it feeds and its weight there.
    weights: Vec<Vec<(u32, f64)>>,
    models: Vec<Model>,
    /// The opt-in feature families some model reads.
    families: Families,
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
    /// Adds one learned rule; returns its model number.
    pub fn add(&mut self, w: &Weighted) -> usize {
        let model = self.models.len() as u32;
        self.models.push(Model {
            bias: w.bias,
            threshold: w.threshold,
            min_words: w.min_words,
        });
        for (key, weight) in &w.terms {
            self.families = self.families.union(Families::of_key(key));
            let id = *self.ids.entry(key.clone()).or_insert_with(|| {
                self.keys.push(key.clone());
                self.weights.push(Vec::new());
                (self.keys.len() - 1) as u32
            });
            self.weights[id as usize].push((model, *weight));
        }
        model as usize
    }

    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    pub fn key(&self, term: u32) -> &str {
        &self.keys[term as usize]
    }

    /// Scores every learned rule on one post, in one pass over its features.
    pub fn score(&self, a: &Analysis) -> Vec<Scored> {
        let mut z: Vec<f64> = self.models.iter().map(|m| m.bias).collect();
        let mut contributions: Vec<Vec<Contribution>> = vec![Vec::new(); self.models.len()];
        let mut seen: HashSet<u32> = HashSet::new();
        features_with(a, self.families, |key, value, span| {
            let Some(&id) = self.ids.get(key) else { return };
            if !seen.insert(id) {
                return;
            }
            for &(model, weight) in &self.weights[id as usize] {
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
        ix.add(&Weighted {
            bias: -2.0,
            threshold: 0.5,
            terms: terms.iter().map(|(k, w)| (k.to_string(), *w)).collect(),
            min_words: 0,
        });
        ix
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
