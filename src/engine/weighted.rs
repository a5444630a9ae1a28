//! Learned (`weighted`) rules: every term of every learned rule in one hash
//! lookup, fed by one pass of `text::features` over the post.
//!
//! The built-in models' terms are read in place from the table build.rs
//! wrote (`pack::learned`); models from pack files are indexed when the
//! engine is built.

use crate::pack::learned::Table;
use crate::pack::{Terms, Weighted};
use crate::text::features::{
    Families, MEASURES, PairWords, Scratch, Sink, bigram_term, char_ngrams, features_into,
    features_into_both, measure_key, term_word, unigram_key,
};
use crate::text::words::WordMemo;
use crate::text::{Analysis, Token, TokenKind};
use compact_str::CompactString;
use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
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
    /// The terms of a built-in model indexed like a listed one (see
    /// `WeightedIndex::add`).
    expanded: Option<Vec<(CompactString, f64)>>,
}

impl Model {
    /// The terms of a model indexed from its list.
    fn list(&self) -> &[(CompactString, f64)] {
        match (&self.expanded, &self.terms.terms) {
            (Some(list), _) | (None, Terms::Listed(list)) => list,
            (None, Terms::BuiltIn(_)) => &[],
        }
    }
}

/// Every term of every model. A term's number is its place in the built-in
/// table (numbers below `base`), or `base` plus its place among the terms
/// only listed models have, numbered in order of first appearance. Ties
/// between terms are broken by `rank`, the order of first appearance over
/// the indexed models, whatever their numbers.
///
/// The listed terms' index borrows the models' own keys: a term is found by
/// the hash of its key, then compared, so building it allocates no
/// strings.
#[derive(Default)]
pub struct WeightedIndex {
    hasher: foldhash::fast::FixedState,
    /// Listed term (numbered from 0) by key hash; keys whose hash another
    /// key already took are in `collided`.
    ids: HashMap<u64, u32, foldhash::fast::FixedState>,
    collided: HashMap<String, u32>,
    /// For each listed term: the model and position its key is read from,
    /// and the first of its weights in `weights`.
    terms: Vec<(u32, u32, u32)>,
    /// (model, weight, next weight of the same term or `NONE`).
    weights: Vec<(u32, f64, u32)>,
    models: Vec<Model>,
    /// The built-in term table, once a built-in model is indexed; which
    /// model of this index each of its models is (`NONE`: not indexed);
    /// and its number of terms.
    table: Option<&'static Table>,
    table_models: Vec<u32>,
    base: u32,
    /// Weights of listed models for terms of the table: the first of them
    /// in `weights`, and the model and position of the term's first
    /// listing.
    shared: HashMap<u32, (u32, u32, u32), foldhash::fast::FixedState>,
    /// The opt-in feature families some model reads.
    families: Families,
    /// The words the listed terms of two words start and end with (the
    /// table knows its own).
    listed_pairs: PairWords,
    /// The term of each measurement (`features::measure_key`), `NONE`
    /// when no model has it.
    measure_ids: Vec<u32>,
    /// Tells this index's per-thread word memory from another index's.
    uid: OnceLock<u64>,
}

const NONE: u32 = u32::MAX;

/// The key of a listed term, read from the model it was first seen in.
#[inline]
fn key_of<'a>(terms: &[(u32, u32, u32)], models: &'a [Model], term: u32) -> &'a str {
    let (model, pos, _) = terms[term as usize];
    &models[model as usize].list()[pos as usize].0
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
    /// The largest positive contributions, largest first, when the rule
    /// fires (else none: nothing reports them).
    pub top: Vec<Contribution>,
}

impl WeightedIndex {
    /// Makes room for `terms` more listed terms.
    pub fn reserve(&mut self, terms: usize) {
        self.ids.reserve(terms);
        self.terms.reserve(terms);
        self.weights.reserve(terms);
    }

    /// Adds one learned rule; returns its model number.
    pub fn add(&mut self, w: &Arc<Weighted>) -> usize {
        let model = self.models.len() as u32;
        let mut expanded = None;
        if let Terms::BuiltIn(n) = w.terms {
            if self.use_table(n as usize) {
                self.table_models[n as usize] = model;
                if let Some(t) = self.table {
                    self.families = self.families.union(t.families(n as usize));
                }
            } else {
                // Indexed like a listed model: its terms are numbered after
                // the listed terms already indexed, as they would be.
                expanded = Some(w.terms.list().into_owned());
            }
        }
        self.models.push(Model {
            bias: w.bias,
            threshold: w.threshold,
            min_words: w.min_words,
            terms: Arc::clone(w),
            expanded,
        });
        let list = self.models[model as usize].list().len();
        self.ids.reserve(list);
        self.terms.reserve(list);
        self.weights.reserve(list);
        for pos in 0..list {
            let (key, weight) = &self.models[model as usize].list()[pos];
            let weight = *weight;
            self.families = self.families.union(Families::of_key(key));
            self.listed_pairs.add_key(key);
            if let Some(shared) = self.table.and_then(|t| t.find(key)) {
                let next = self.weights.len() as u32;
                let first = self
                    .shared
                    .entry(shared)
                    .or_insert((NONE, model, pos as u32));
                self.weights.push((model, weight, first.0));
                first.0 = next;
                continue;
            }
            // One hash and one probe per term: a new key takes a free hash
            // slot, or goes to `collided` when another key holds it.
            let next = self.terms.len() as u32;
            let hash = self.hasher.hash_one(key.as_str());
            let id = match self.ids.entry(hash) {
                Entry::Vacant(e) => *e.insert(next),
                Entry::Occupied(e) => {
                    let held = *e.get();
                    if key_of(&self.terms, &self.models, held) == key {
                        held
                    } else {
                        let key = key.to_string();
                        *self.collided.entry(key).or_insert(next)
                    }
                }
            };
            if id == next {
                self.terms.push((model, pos as u32, NONE));
            }
            let head = &mut self.terms[id as usize].2;
            self.weights.push((model, weight, *head));
            *head = (self.weights.len() - 1) as u32;
        }
        self.measure_ids = (0..MEASURES)
            .map(|n| self.id(measure_key(n)).unwrap_or(NONE))
            .collect();
        model as usize
    }

    /// Whether built-in model `n` can be read from the table: it can while
    /// no listed term is numbered yet (they are numbered after the table's)
    /// and the model is not indexed already.
    fn use_table(&mut self, n: usize) -> bool {
        if self.table.is_none() {
            if !self.terms.is_empty() || !self.shared.is_empty() {
                return false;
            }
            let Some(t) = built_in_table() else {
                return false;
            };
            self.table = Some(t);
            self.table_models = vec![NONE; t.models()];
            self.base = t.terms() as u32;
        }
        self.table_models.get(n) == Some(&NONE)
    }

    /// The number of a term, if some model has it.
    fn id(&self, key: &str) -> Option<u32> {
        if let Some(t) = self.table
            && let Some(id) = t.find(key)
        {
            return Some(id);
        }
        if self.terms.is_empty() {
            return None;
        }
        let &id = self.ids.get(&self.hasher.hash_one(key))?;
        let id = if key_of(&self.terms, &self.models, id) == key {
            id
        } else {
            *self.collided.get(key)?
        };
        Some(self.base + id)
    }

    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    /// Whether some term of two words may start with `word`, and whether
    /// some may end with it.
    fn pair_sides(&self, word: &str) -> (bool, bool) {
        let table = |f: fn(&Table, &str) -> bool| self.table.is_some_and(|t| f(t, word));
        (
            table(Table::starts_pair) || self.listed_pairs.starts(word),
            table(Table::ends_pair) || self.listed_pairs.ends(word),
        )
    }

    pub fn key(&self, term: u32) -> &str {
        match self.table {
            Some(t) if term < self.base => std::str::from_utf8(t.key(term)).unwrap_or(""),
            _ => key_of(&self.terms, &self.models, term - self.base),
        }
    }

    /// Where a term first appears: the first model that has it, and its
    /// position there. Terms listed only by pack files are numbered in this
    /// order; the table's terms are numbered over every built-in model.
    fn rank(&self, term: u32) -> (u32, u32) {
        match self.table {
            Some(t) if term < self.base => {
                let mut first = (NONE, NONE);
                for e in t.entries(term) {
                    let model = self.table_models[e.model as usize];
                    if model != NONE {
                        first = first.min((model, e.position));
                    }
                }
                if let Some(&(_, model, pos)) = self.shared.get(&term) {
                    first = first.min((model, pos));
                }
                first
            }
            _ => {
                let (model, pos, _) = self.terms[(term - self.base) as usize];
                (model, pos)
            }
        }
    }

    /// Scores every learned rule on one post, in one pass over its features.
    pub fn score(&self, a: &Analysis) -> Vec<Scored> {
        self.score_by(a, |scoring| features_into(a, self.families, scoring))
    }

    /// [`WeightedIndex::score`], feeding `other` the features of its
    /// families in the same pass.
    pub fn score_feeding(&self, a: &Analysis, other: (&mut impl Sink, Families)) -> Vec<Scored> {
        self.score_by(a, |scoring| {
            features_into_both(a, (scoring, self.families), other);
        })
    }

    /// Scores every learned rule on one post, its features fed to the
    /// scoring by `feed`.
    fn score_by(&self, a: &Analysis, feed: impl FnOnce(&mut Scoring)) -> Vec<Scored> {
        static NEXT_UID: AtomicU64 = AtomicU64::new(0);
        let uid = *self
            .uid
            .get_or_init(|| NEXT_UID.fetch_add(1, Ordering::Relaxed));
        SCORE_MEMORY.with_borrow_mut(|memory| {
            memory.start(uid, a.word_generation, self);
            let mut scoring = Scoring { ix: self, memory };
            feed(&mut scoring);
            let memory = scoring.memory;
            self.models
                .iter()
                .zip(&memory.z)
                .zip(&mut memory.contributions)
                .map(|((m, &z), contributions)| {
                    let probability = 1.0 / (1.0 + (-z).exp());
                    let fires = a.metrics.words >= m.min_words && probability >= m.threshold;
                    Scored {
                        probability,
                        fires,
                        // Only a finding names its top terms.
                        top: if fires {
                            self.top(contributions)
                        } else {
                            Vec::new()
                        },
                    }
                })
                .collect()
        })
    }

    /// The three largest contributions, largest first, ties by rank. A
    /// post counts each term once, and terms differ in rank, so the order
    /// is total: the three are picked out before they are sorted.
    fn top(&self, contributions: &mut [Contribution]) -> Vec<Contribution> {
        let order = |x: &Contribution, y: &Contribution| {
            y.weight
                .total_cmp(&x.weight)
                .then_with(|| self.rank(x.term).cmp(&self.rank(y.term)))
        };
        const TOP: usize = 3;
        if contributions.len() > TOP {
            contributions.select_nth_unstable_by(TOP - 1, order);
        }
        let kept = contributions.len().min(TOP);
        let top = &mut contributions[..kept];
        top.sort_unstable_by(order);
        top.to_vec()
    }
}

/// The built-in models' term table.
fn built_in_table() -> Option<&'static Table> {
    crate::pack::learned::built_in()
}

/// The terms one word brings, found once per thread (`NONE`: no model
/// has it).
#[derive(Clone, Copy)]
struct WordTerms {
    /// Its own feature in prose (hashtag words, fewer, are looked up by
    /// key).
    prose: u32,
    /// Its character n-gram terms, `ScoreMemory::gram_ids[start..end]`
    /// (words only, when some model reads them).
    grams: (u32, u32),
    /// Whether some term of two words may start with it, end with it.
    starts_pair: bool,
    ends_pair: bool,
}

/// The weights of the terms a thread has met, each decoded once (from the
/// table's entries or the listed models' chains) into (model, weight)
/// pairs, in the order a post's score adds them up: a term then costs a
/// few additions per post.
#[derive(Default)]
struct DecodedWeights {
    /// The index the weights are of.
    owner: Option<u64>,
    /// Each term's weights, `list[start..end]`, as `(end + 1) << 32 |
    /// start` (0: not decoded yet). Zero for unknown lets the table start
    /// as fresh zeroed memory: a short run touches only the pages of the
    /// terms its posts have, not the whole table.
    by_term: Vec<u64>,
    list: Vec<(u32, f64)>,
}

impl DecodedWeights {
    /// Readies the weights for index `ix`, numbered `uid`.
    fn start(&mut self, uid: u64, ix: &WeightedIndex) {
        if self.owner != Some(uid) {
            self.owner = Some(uid);
            self.by_term = vec![0; ix.base as usize + ix.terms.len()];
            self.list.clear();
        }
    }

    /// The weights of term `id` of `ix`, decoded the first time.
    #[inline]
    fn of(&mut self, ix: &WeightedIndex, id: u32) -> (u32, u32) {
        let known = self.by_term[id as usize];
        if known != 0 {
            return (known as u32, ((known >> 32) - 1) as u32);
        }
        let start = self.list.len() as u32;
        ix.each_weight(id, |model, weight| self.list.push((model, weight)));
        let end = self.list.len() as u32;
        self.by_term[id as usize] = (u64::from(end) + 1) << 32 | u64::from(start);
        (start, end)
    }
}

/// What one thread keeps between posts while scoring.
#[derive(Default)]
struct ScoreMemory {
    /// The terms of the words and word pairs seen, for the index and word
    /// table generation of the post.
    words: WordMemo<WordTerms>,
    gram_ids: Vec<u32>,
    /// The weights of the terms seen, for the index of the post.
    weights: DecodedWeights,
    /// Buffers for a new word's character n-grams.
    gram_scratch: Scratch,
    /// The terms the post has counted already: one bit per term, and the
    /// terms whose bit is set, to clear them after the post.
    seen: Vec<u64>,
    seen_terms: Vec<u32>,
    /// Each model's score so far, and its positive contributions.
    z: Vec<f64>,
    contributions: Vec<Vec<Contribution>>,
}

impl ScoreMemory {
    /// Readies the buffers for a post of word table `generation` scored by
    /// `ix` (whose number is `uid`).
    fn start(&mut self, uid: u64, generation: u64, ix: &WeightedIndex) {
        if self.words.start(uid, generation) {
            self.gram_ids.clear();
        }
        self.weights.start(uid, ix);
        // A post given up half-way (a panic) leaves its marks: cleared here.
        self.forget_seen();
        let terms = ix.base as usize + ix.terms.len();
        if self.seen.len() * 64 < terms {
            self.seen.resize(terms.div_ceil(64), 0);
        }
        self.z.clear();
        self.z.extend(ix.models.iter().map(|m| m.bias));
        self.contributions.resize_with(ix.models.len(), Vec::new);
        for c in &mut self.contributions[..ix.models.len()] {
            c.clear();
        }
    }

    /// Marks term `id` counted; whether it was not yet.
    #[inline]
    fn first_sight(&mut self, id: u32) -> bool {
        let (word, bit) = (id as usize / 64, 1u64 << (id % 64));
        if self.seen[word] & bit != 0 {
            return false;
        }
        self.seen[word] |= bit;
        self.seen_terms.push(id);
        true
    }

    /// Clears the marks of the post's terms.
    fn forget_seen(&mut self) {
        for id in self.seen_terms.drain(..) {
            self.seen[id as usize / 64] = 0;
        }
    }
}

thread_local! {
    static SCORE_MEMORY: RefCell<ScoreMemory> = RefCell::new(ScoreMemory::default());
}

/// One post being scored.
struct Scoring<'a> {
    ix: &'a WeightedIndex,
    memory: &'a mut ScoreMemory,
}

impl WeightedIndex {
    /// Calls `weigh(model, weight)` for each weight of term `id`, in the
    /// order a post's score adds them up: the table's models last listed
    /// first, then the listed models' weights as their chains go.
    fn each_weight(&self, id: u32, mut weigh: impl FnMut(u32, f64)) {
        let head = match self.table {
            Some(t) if id < self.base => {
                for e in t.entries(id).rev() {
                    let model = self.table_models[e.model as usize];
                    if model != NONE {
                        weigh(model, e.weight);
                    }
                }
                if self.shared.is_empty() {
                    return;
                }
                match self.shared.get(&id) {
                    Some(&(head, _, _)) => head,
                    None => return,
                }
            }
            _ => self.terms[(id - self.base) as usize].2,
        };
        let mut next = head;
        while next != NONE {
            let (model, weight, after) = self.weights[next as usize];
            next = after;
            weigh(model, weight);
        }
    }
}

impl Scoring<'_> {
    /// Counts term `id` once per post, at its first occurrence.
    #[inline]
    fn add(&mut self, id: u32, value: f64, span: &Option<Range<usize>>) {
        if !self.memory.first_sight(id) {
            return;
        }
        let (start, end) = self.memory.weights.of(self.ix, id);
        for i in start..end {
            let (model, weight) = self.memory.weights.list[i as usize];
            self.weigh(model, weight * value, id, span);
        }
    }

    /// Adds term `id`'s contribution `c` to `model`'s score.
    #[inline]
    fn weigh(&mut self, model: u32, c: f64, id: u32, span: &Option<Range<usize>>) {
        self.memory.z[model as usize] += c;
        if c > 0.0 {
            self.memory.contributions[model as usize].push(Contribution {
                weight: c,
                term: id,
                span: span.clone(),
            });
        }
    }

    /// The terms of a token's word, found the first time the thread sees
    /// the word: a word met before costs one look at the memory.
    #[inline]
    fn word_terms(&mut self, tok: &Token) -> WordTerms {
        let ix = self.ix;
        let memory = &mut *self.memory;
        let (gram_ids, scratch) = (&mut memory.gram_ids, &mut memory.gram_scratch);
        memory
            .words
            .word(tok.word, || ix.word_terms(tok, gram_ids, scratch))
    }
}

impl WeightedIndex {
    /// The terms of a token's word, its n-gram terms appended to
    /// `gram_ids`.
    #[inline(never)]
    fn word_terms(&self, tok: &Token, gram_ids: &mut Vec<u32>, scratch: &mut Scratch) -> WordTerms {
        let word = term_word(tok);
        let prose = self.id(word).unwrap_or(NONE);
        let (starts_pair, ends_pair) = self.pair_sides(word);
        let start = gram_ids.len() as u32;
        if self.families.chars && tok.kind == TokenKind::Word {
            char_ngrams(&tok.lower, scratch, |key| gram_ids.extend(self.id(key)));
        }
        WordTerms {
            prose,
            grams: (start, gram_ids.len() as u32),
            starts_pair,
            ends_pair,
        }
    }
}

impl Sink for Scoring<'_> {
    fn feature(&mut self, key: &str, value: f64, span: Option<Range<usize>>) {
        if let Some(id) = self.ix.id(key) {
            self.add(id, value, &span);
        }
    }

    /// A measurement's term was looked up when the index was built.
    fn measure(&mut self, n: usize, value: f64) {
        let id = self.ix.measure_ids[n];
        if id != NONE {
            self.add(id, value, &None);
        }
    }

    /// A word's term is looked up once per thread, then remembered.
    fn unigram(&mut self, tok: &Token, buf: &mut String) {
        let id = if tok.in_hashtag {
            self.ix.id(unigram_key(tok, buf)).unwrap_or(NONE)
        } else {
            self.word_terms(tok).prose
        };
        if id != NONE {
            self.add(id, 1.0, &Some(tok.span.clone()));
        }
    }

    /// A pair of words' term is looked up once per thread, then
    /// remembered; not at all when no term of two words starts with the
    /// first or ends with the second.
    fn bigram(&mut self, first: &Token, second: &Token, buf: &mut String) {
        if !(self.word_terms(first).starts_pair && self.word_terms(second).ends_pair) {
            return;
        }
        let ix = self.ix;
        let lookup = |key: &str| ix.id(key);
        if let Some(id) = bigram_term(&mut self.memory.words, first, second, buf, lookup) {
            self.add(id, 1.0, &Some(first.span.start..second.span.end));
        }
    }

    /// A word's n-gram terms are looked up once per thread, then
    /// remembered.
    fn word_grams(&mut self, tok: &Token, _: &mut Scratch) {
        let (start, end) = self.word_terms(tok).grams;
        let span = Some(tok.span.clone());
        for i in start..end {
            let id = self.memory.gram_ids[i as usize];
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
            terms: Terms::Listed(terms.iter().map(|(k, w)| ((*k).into(), *w)).collect()),
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
            terms: Terms::Listed(vec![("numbat".into(), 3.0), ("wombat".into(), -1.0)]),
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
