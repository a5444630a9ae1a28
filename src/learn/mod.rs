//! Learning `weighted` rule packs from labeled posts.
//!
//! Posts are read from JSON Lines ([`dataset`]), turned into the very
//! features a `weighted` rule reads at check time (`text::features`: the
//! presence of each stem, stem pair, emoji and hashtag word, and the `@`
//! measurements with their values), and fitted with L2-regularised
//! logistic regression ([`logistic`]). The penalty is chosen by k-fold
//! cross-validation on the training data, and the firing threshold on the
//! cross-validated (out-of-fold) probabilities, so the scores reported are
//! for posts the model did not see. [`write`](mod@write) turns the result into a pack.
//! Everything is done in a fixed order with a fixed seed: the same data
//! gives the same pack, byte for byte.

pub mod dataset;
pub mod fairness;
pub mod logistic;
pub mod metrics;
pub mod write;

use crate::error::Error;
use crate::text::Analysis;
use crate::text::features::{Families, features_with};
use dataset::Example;
use logistic::{Fit, Model, Row};
use metrics::Binary;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// The features of one post, sorted by key: terms once each with value 1,
/// measurements with their value; and the post's word count.
pub fn post_features(text: &str, families: Families) -> (Vec<(String, f64)>, usize) {
    let a = Analysis::new(text);
    let mut map: BTreeMap<String, f64> = BTreeMap::new();
    features_with(&a, families, |key, value, _| {
        map.entry(key.to_string()).or_insert(value);
    });
    (map.into_iter().collect(), a.metrics.words)
}

/// How to train.
#[derive(Clone, Debug)]
pub struct Options {
    /// The label of the class the rule should fire on.
    pub positive: String,
    /// Keep terms found in at least this many posts.
    pub min_df: usize,
    /// Folds of cross-validation.
    pub folds: usize,
    /// L2 strengths to try.
    pub l2: Vec<f64>,
    /// Keep at most this many terms (the largest weights), refitting on them.
    pub max_terms: usize,
    /// Pick the threshold with the best F1 among those with at least this
    /// out-of-fold precision (when one reaches it).
    pub min_precision: Option<f64>,
    /// Posts with fewer words never fire.
    pub min_words: usize,
    /// Never choose a threshold below this probability.
    pub min_threshold: f64,
    /// Drop terms that only name a group of people (see [`fairness`]).
    pub identity_guard: bool,
    /// Seed of the fold assignment.
    pub seed: u64,
    /// Opt-in feature families (character n-grams, cues).
    pub families: Families,
    /// Scale each term by its log-count ratio before fitting (NB-LR, see
    /// [`log_count_ratios`]); the pack's weights are the products.
    pub nb: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            positive: String::new(),
            min_df: 3,
            folds: 5,
            l2: vec![1e-4, 3e-4, 1e-3, 3e-3, 1e-2],
            max_terms: 3000,
            min_precision: None,
            min_words: 3,
            min_threshold: 0.0,
            identity_guard: true,
            seed: 0x7468_696e_6b21,
            families: Families::default(),
            nb: false,
        }
    }
}

/// One penalty tried in cross-validation.
#[derive(Clone, Debug)]
pub struct Trial {
    pub l2: f64,
    /// Out-of-fold mean log-loss.
    pub log_loss: f64,
    /// Out-of-fold scores at the best threshold for this penalty.
    pub threshold: f64,
    pub scores: Binary,
}

/// A trained model, ready to be written as a pack.
#[derive(Clone, Debug)]
pub struct Trained {
    /// Sorted by key; weights rounded, zero weights dropped.
    pub terms: Vec<(String, f64)>,
    pub bias: f64,
    pub threshold: f64,
    pub min_words: usize,
    pub l2: f64,
    /// Out-of-fold scores of the chosen settings.
    pub held_out: Binary,
    pub trials: Vec<Trial>,
    pub posts: usize,
    pub positives: usize,
    /// Terms that met the document-frequency cut.
    pub vocabulary: usize,
    /// Terms the fairness guard dropped.
    pub identity_dropped: usize,
}

/// Rounds to 4 decimals (the precision written to packs).
pub fn round4(x: f64) -> f64 {
    let r = (x * 10_000.0).round() / 10_000.0;
    if r == 0.0 { 0.0 } else { r }
}

/// The features of a data set, indexed by a sorted vocabulary.
struct Matrix {
    keys: Vec<String>,
    rows: Vec<Row>,
    words: Vec<usize>,
    identity_dropped: usize,
}

fn matrix(data: &[Example], opts: &Options) -> Matrix {
    let extracted: Vec<(Vec<(String, f64)>, usize)> = data
        .par_iter()
        .map(|e| post_features(&e.text, opts.families))
        .collect();
    let mut df: BTreeMap<&str, usize> = BTreeMap::new();
    for (feats, _) in &extracted {
        for (k, _) in feats {
            *df.entry(k.as_str()).or_insert(0) += 1;
        }
    }
    let mut identity_dropped = 0;
    let mut keys = Vec::new();
    for (k, n) in df {
        let dense = k.starts_with('@');
        if !dense && n < opts.min_df {
            continue;
        }
        if opts.identity_guard && fairness::is_identity_term(k) {
            identity_dropped += 1;
            continue;
        }
        keys.push(k.to_string());
    }
    let index: BTreeMap<&str, u32> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i as u32))
        .collect();
    let mut rows = Vec::with_capacity(extracted.len());
    let mut words = Vec::with_capacity(extracted.len());
    for (feats, w) in &extracted {
        let mut row: Row = feats
            .iter()
            .filter_map(|(k, v)| index.get(k.as_str()).map(|&j| (j, *v)))
            .collect();
        row.sort_by_key(|&(j, _)| j);
        rows.push(row);
        words.push(*w);
    }
    Matrix {
        keys,
        rows,
        words,
        identity_dropped,
    }
}

/// splitmix64: a small, fixed pseudo-random sequence for fold assignment.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Fold number of each post: a seeded shuffle dealt round-robin.
fn folds(n: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed;
    for i in (1..n).rev() {
        let j = (splitmix(&mut state) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut fold = vec![0; n];
    for (pos, &i) in order.iter().enumerate() {
        fold[i] = pos % k;
    }
    fold
}

/// Smoothing count of [`log_count_ratios`].
const NB_ALPHA: f64 = 1.0;

/// The log-count ratio of every term over the posts in `subset`:
/// ln((p_j/|p|) / (q_j/|q|)) with p_j and q_j the (smoothed) numbers of
/// positive and negative posts that have term j, and |p|, |q| their sums
/// over all terms. Terms far more common on one side get a large scale,
/// so the penalty holds them back less than rare or two-sided ones.
/// Measurements (`@` keys) keep scale 1.
pub fn log_count_ratios(
    rows: &[Row],
    labels: &[bool],
    subset: &[usize],
    keys: &[String],
) -> Vec<f64> {
    let dense: Vec<bool> = keys.iter().map(|k| k.starts_with('@')).collect();
    let prior: Vec<f64> = dense
        .iter()
        .map(|&d| if d { 0.0 } else { NB_ALPHA })
        .collect();
    let (mut p, mut q) = (prior.clone(), prior);
    for &i in subset {
        let side = if labels[i] { &mut p } else { &mut q };
        for &(j, v) in &rows[i] {
            if !dense[j as usize] {
                side[j as usize] += v;
            }
        }
    }
    let (ps, qs): (f64, f64) = (p.iter().sum(), q.iter().sum());
    (0..keys.len())
        .map(|j| {
            if dense[j] {
                1.0
            } else {
                ((p[j] / ps) / (q[j] / qs)).ln()
            }
        })
        .collect()
}

/// `rows` with each feature multiplied by its scale.
fn scaled(rows: &[Row], scale: &[f64]) -> Vec<Row> {
    rows.iter()
        .map(|r| r.iter().map(|&(j, v)| (j, v * scale[j as usize])).collect())
        .collect()
}

/// Fits on `subset`, then keeps the `max_terms` largest weights (times
/// their `scale`, when the rows were scaled) and refits on those alone.
#[allow(clippy::too_many_arguments)]
fn fit_pruned(
    rows: &[Row],
    dim: usize,
    labels: &[bool],
    subset: &[usize],
    l2: f64,
    max_terms: usize,
    start: Option<&Model>,
    scale: Option<&[f64]>,
) -> Model {
    let settings = Fit {
        l2,
        ..Fit::default()
    };
    let full = logistic::fit(rows, labels, subset, dim, settings, start, None);
    if dim <= max_terms {
        return full;
    }
    let effective = |j: usize| (full.weights[j] * scale.map_or(1.0, |s| s[j])).abs();
    let mut order: Vec<usize> = (0..dim).collect();
    order.sort_by(|&a, &b| effective(b).total_cmp(&effective(a)).then(a.cmp(&b)));
    let mut allowed = vec![false; dim];
    for &j in order.iter().take(max_terms) {
        allowed[j] = true;
    }
    logistic::fit(
        rows,
        labels,
        subset,
        dim,
        settings,
        Some(&full),
        Some(&allowed),
    )
}

/// The threshold with the best F1 (among those reaching `min_precision`,
/// when any does) over (probability, gold, may fire) triples, and the
/// scores there. The threshold is the lowest probability that fires,
/// rounded down to 4 decimals.
pub fn best_threshold(scored: &[(f64, bool, bool)], min_precision: Option<f64>) -> (f64, Binary) {
    let mut order: Vec<usize> = (0..scored.len()).collect();
    order.sort_by(|&a, &b| scored[b].0.total_cmp(&scored[a].0).then(a.cmp(&b)));
    let positives = scored.iter().filter(|s| s.1).count();
    let negatives = scored.len() - positives;
    let mut c = Binary {
        tp: 0,
        fp: 0,
        fn_: positives,
        tn: negatives,
    };
    // (meets precision floor, f1, threshold, scores)
    let mut best: Option<(bool, f64, f64, Binary)> = None;
    let mut i = 0;
    while i < order.len() {
        let p = scored[order[i]].0;
        // Take every post with this same probability together.
        while i < order.len() && scored[order[i]].0 == p {
            let (_, gold, may) = scored[order[i]];
            if may {
                if gold {
                    c.tp += 1;
                    c.fn_ -= 1;
                } else {
                    c.fp += 1;
                    c.tn -= 1;
                }
            }
            i += 1;
        }
        let meets = min_precision.is_none_or(|m| c.precision() >= m);
        let key = (meets, c.f1());
        let better = match &best {
            None => true,
            Some((bm, bf, _, _)) => key.0 && !bm || (key.0 == *bm && key.1 > *bf),
        };
        if better {
            best = Some((meets, c.f1(), p, c));
        }
    }
    match best {
        Some((_, _, t, c)) => ((t * 10_000.0).floor() / 10_000.0, c),
        None => (0.5, c),
    }
}

/// Trains a model that tells `opts.positive` posts from the rest.
pub fn train(data: &[Example], opts: &Options) -> Result<Trained, Error> {
    let labels: Vec<bool> = data.iter().map(|e| e.label == opts.positive).collect();
    let positives = labels.iter().filter(|&&y| y).count();
    if positives == 0 || positives == data.len() {
        return Err(Error::Usage(format!(
            "the data needs posts labeled `{}` and posts with other labels (labels found: {})",
            opts.positive,
            dataset::labels(data).join(", ")
        )));
    }
    if opts.folds < 2 || data.len() < opts.folds * 2 {
        return Err(Error::Usage(format!(
            "cross-validation needs at least 2 folds and 2 posts per fold ({} posts, {} folds)",
            data.len(),
            opts.folds
        )));
    }
    let m = matrix(data, opts);
    if m.keys.is_empty() {
        return Err(Error::Usage(
            "no feature is frequent enough to learn from; lower --min-df".into(),
        ));
    }
    let fold = folds(data.len(), opts.folds, opts.seed);
    let mut grid = opts.l2.clone();
    grid.sort_by(|a, b| b.total_cmp(a)); // strongest first, for warm starts
    // Out-of-fold probabilities for every penalty, fold by fold.
    let per_fold: Vec<Vec<Vec<(usize, f64)>>> = (0..opts.folds)
        .into_par_iter()
        .map(|k| {
            let train: Vec<usize> = (0..data.len()).filter(|&i| fold[i] != k).collect();
            let test: Vec<usize> = (0..data.len()).filter(|&i| fold[i] == k).collect();
            let mut prev: Option<Model> = None;
            let scale = opts
                .nb
                .then(|| log_count_ratios(&m.rows, &labels, &train, &m.keys));
            let scaled_rows = scale.as_ref().map(|s| scaled(&m.rows, s));
            let rows = scaled_rows.as_ref().unwrap_or(&m.rows);
            grid.iter()
                .map(|&l2| {
                    let model = fit_pruned(
                        rows,
                        m.keys.len(),
                        &labels,
                        &train,
                        l2,
                        opts.max_terms,
                        prev.as_ref(),
                        scale.as_deref(),
                    );
                    let out = test
                        .iter()
                        .map(|&i| (i, model.probability(&rows[i])))
                        .collect();
                    prev = Some(model);
                    out
                })
                .collect()
        })
        .collect();
    let mut trials = Vec::new();
    for (g, &l2) in grid.iter().enumerate() {
        let mut prob = vec![0.0; data.len()];
        for fold_out in &per_fold {
            for &(i, p) in &fold_out[g] {
                prob[i] = p;
            }
        }
        let log_loss = prob
            .iter()
            .zip(&labels)
            .map(|(&p, &y)| {
                let p = p.clamp(1e-12, 1.0 - 1e-12);
                -(if y { p.ln() } else { (1.0 - p).ln() })
            })
            .sum::<f64>()
            / data.len() as f64;
        let scored: Vec<(f64, bool, bool)> = (0..data.len())
            .map(|i| {
                let may = m.words[i] >= opts.min_words && prob[i] >= opts.min_threshold;
                (prob[i], labels[i], may)
            })
            .collect();
        let (threshold, scores) = best_threshold(&scored, opts.min_precision);
        let threshold = threshold.max(opts.min_threshold);
        trials.push(Trial {
            l2,
            log_loss,
            threshold,
            scores,
        });
    }
    // The best F1 (meeting the precision floor when one does); ties go to
    // the stronger penalty, which comes first.
    let meets = |t: &Trial| opts.min_precision.is_none_or(|p| t.scores.precision() >= p);
    let chosen = trials
        .iter()
        .enumerate()
        .max_by(|(ia, a), (ib, b)| {
            (meets(a), a.scores.f1())
                .partial_cmp(&(meets(b), b.scores.f1()))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(ib.cmp(ia))
        })
        .map(|(i, _)| i)
        .expect("at least one penalty");
    let l2 = trials[chosen].l2;
    let all: Vec<usize> = (0..data.len()).collect();
    let scale = opts
        .nb
        .then(|| log_count_ratios(&m.rows, &labels, &all, &m.keys));
    let scaled_rows = scale.as_ref().map(|s| scaled(&m.rows, s));
    let model = fit_pruned(
        scaled_rows.as_ref().unwrap_or(&m.rows),
        m.keys.len(),
        &labels,
        &all,
        l2,
        opts.max_terms,
        None,
        scale.as_deref(),
    );
    let terms: Vec<(String, f64)> = m
        .keys
        .iter()
        .zip(&model.weights)
        .enumerate()
        .map(|(j, (k, &w))| (k.clone(), round4(w * scale.as_ref().map_or(1.0, |s| s[j]))))
        .filter(|(_, w)| *w != 0.0)
        .collect();
    Ok(Trained {
        terms,
        bias: round4(model.bias),
        threshold: trials[chosen].threshold,
        min_words: opts.min_words,
        l2,
        held_out: trials[chosen].scores,
        posts: data.len(),
        positives,
        vocabulary: m.keys.len(),
        identity_dropped: m.identity_dropped,
        trials,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Vec<Example> {
        let mut v = Vec::new();
        let rude = [
            "you are a clown",
            "what a clown show",
            "clown service again",
        ];
        let fine = [
            "lovely coffee this morning",
            "thanks for the lovely visit",
            "new mugs in store",
        ];
        for i in 0..30 {
            let (text, label) = if i % 2 == 0 {
                (rude[i % 3], "rude")
            } else {
                (fine[i % 3], "fine")
            };
            v.push(Example {
                id: serde_json::Value::from(i),
                text: format!("{text} {}", ["today", "now", "again"][i % 3]),
                label: label.into(),
            });
        }
        v
    }

    #[test]
    fn training_is_deterministic_and_finds_the_signal() {
        let opts = Options {
            positive: "rude".into(),
            min_df: 2,
            folds: 3,
            ..Options::default()
        };
        let a = train(&toy(), &opts).unwrap();
        let b = train(&toy(), &opts).unwrap();
        assert_eq!(a.terms, b.terms);
        assert_eq!(a.threshold, b.threshold);
        let clown = a.terms.iter().find(|(k, _)| k == "clown").unwrap().1;
        assert!(clown > 0.0, "{:?}", a.terms);
        assert!(a.held_out.f1() > 0.9, "{:?}", a.held_out);
    }

    #[test]
    fn threshold_respects_a_precision_floor() {
        let s = [
            (0.9, true, true),
            (0.8, false, true),
            (0.7, true, true),
            (0.6, true, true),
            (0.2, false, true),
        ];
        let (t, c) = best_threshold(&s, None);
        assert_eq!((t, c.tp, c.fp), (0.6, 3, 1));
        let (t, c) = best_threshold(&s, Some(0.9));
        assert_eq!((t, c.tp, c.fp), (0.9, 1, 0));
    }

    #[test]
    fn log_count_ratios_favour_the_side_a_term_is_found_on() {
        let keys: Vec<String> = ["@len", "clown", "lovely", "today"]
            .iter()
            .map(|k| k.to_string())
            .collect();
        // clown: 3 positives; lovely: 3 negatives; today: one of each.
        let rows: Vec<Row> = vec![
            vec![(0, 0.5), (1, 1.0), (3, 1.0)],
            vec![(1, 1.0)],
            vec![(1, 1.0)],
            vec![(2, 1.0), (3, 1.0)],
            vec![(2, 1.0)],
            vec![(2, 1.0)],
        ];
        let labels = [true, true, true, false, false, false];
        let all: Vec<usize> = (0..rows.len()).collect();
        let r = log_count_ratios(&rows, &labels, &all, &keys);
        assert_eq!(r[0], 1.0, "measurements keep scale 1");
        assert!(r[1] > 0.5 && r[2] < -0.5, "{r:?}");
        assert!(r[3].abs() < 0.2, "{r:?}");
        assert!(
            (r[1] + r[2]).abs() < 1e-9,
            "symmetric counts, opposite ratios"
        );
        // Only the posts in the subset count.
        let r = log_count_ratios(&rows, &labels, &[0, 3], &keys);
        assert!(r[1] > 0.0 && r[2] < 0.0, "{r:?}");
    }

    #[test]
    fn nb_scaling_is_deterministic_and_weights_are_the_scaled_ones() {
        let opts = Options {
            positive: "rude".into(),
            min_df: 2,
            folds: 3,
            nb: true,
            ..Options::default()
        };
        let a = train(&toy(), &opts).unwrap();
        let b = train(&toy(), &opts).unwrap();
        assert_eq!(a.terms, b.terms);
        assert_eq!(a.threshold, b.threshold);
        let w = |k: &str| a.terms.iter().find(|(t, _)| t == k).map_or(0.0, |t| t.1);
        let lovely = crate::text::stem("lovely");
        assert!(w("clown") > 0.0 && w(&lovely) < 0.0, "{:?}", a.terms);
        assert!(a.held_out.f1() > 0.9, "{:?}", a.held_out);
    }

    #[test]
    fn identity_terms_get_no_weight() {
        let mut data = toy();
        for e in data.iter_mut().filter(|e| e.label == "rude") {
            e.text.push_str(" immigrants");
        }
        let opts = Options {
            positive: "rude".into(),
            min_df: 2,
            folds: 3,
            ..Options::default()
        };
        let t = train(&data, &opts).unwrap();
        let stem = crate::text::stem("immigrants");
        assert!(t.terms.iter().all(|(k, _)| *k != stem));
        assert!(t.identity_dropped > 0);
    }
}
