//! Learned (`weighted`) rules: every term of every learned rule in one hash
//! lookup, fed by one pass of `text::features` over the post.
//!
//! The built-in models' terms are read in place from the table build.rs
//! wrote (`pack::learned`); models from pack files are indexed when the
//! engine is built.

use crate::pack::keys::hash;
use crate::pack::learned::Table;
use crate::pack::{Terms, Weighted};
use crate::text::features::{
    CHAR_PREFIX, CUES, Families, GRAM, MEASURES, PairWords, Scratch, Sink, WordCues,
    ascii_gram_key, ascii_grams, char_ngrams, features_into, measure_key, term_word, unigram_key,
};
use crate::text::static_map::StaticMap;
use crate::text::words::{WordId, WordMemo};
use crate::text::{Analysis, Token, TokenKind};
use crate::written::written;
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
/// only listed models have, numbered in order of first appearance, or for
/// the terms only the evidence-only model has, `Evidence::base` plus their
/// place in its map. Ties between terms are broken by `rank`, the order of
/// first appearance over the indexed models, whatever their numbers.
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
    /// table knows its own), and whether some listed term is a character
    /// n-gram.
    listed_pairs: PairWords,
    listed_chars: bool,
    /// The term of each measurement (`features::measure_key`), `NONE`
    /// when no model has it.
    measure_ids: Vec<u32>,
    /// Tells this index's per-thread word memory from another index's.
    uid: OnceLock<u64>,
    /// The evidence-only model, if one is indexed.
    evidence: Option<Evidence>,
}

/// A model that only gathers evidence, its terms read in place from maps
/// build.rs wrote: nothing of them is hashed or stored at start-up.
///
/// A key is looked for in every source that may have it, the table's and
/// the listed terms before this model's, so a term another model has too
/// is found by that model's number; its weight here is added when its
/// weights are decoded ([`WeightedIndex::each_weight`]).
struct Evidence {
    /// Its weights by key; the words its terms of two words start with,
    /// and end with.
    terms: &'static StaticMap<f64>,
    pair_words: [&'static StaticMap<()>; 2],
    /// The number of its first term (the others follow in their order).
    base: u32,
    /// Whether one of its terms is a character n-gram.
    chars: bool,
    /// Whether it is the tone's polarity model, whose terms the table
    /// holds, each with this model's weight (`Table::evidence_weight`):
    /// while the table is in use, none is looked for elsewhere.
    in_table: bool,
}

const NONE: u32 = u32::MAX;

/// The key of a listed term, read from the model it was first seen in.
#[inline]
fn key_of<'a>(terms: &[(u32, u32, u32)], models: &'a [Model], term: u32) -> &'a str {
    let (model, pos, _) = terms[term as usize];
    &models[model as usize].list()[pos as usize].0
}

/// A term that pushed a post towards firing.
#[derive(Clone, Debug, Default)]
pub struct Contribution {
    pub weight: f64,
    pub term: u32,
    pub span: Option<Range<usize>>,
}

/// What the index reads in one post: each learned rule's verdict, and
/// the evidence-only model's sum (zero when there is none).
#[derive(Clone, Debug, Default)]
pub struct Scores {
    pub rules: Vec<Scored>,
    pub evidence: f64,
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
        assert!(
            self.evidence.is_none(),
            "learned rules come before the evidence-only model"
        );
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
            // The table knows the words of its own terms of two words.
            self.listed_pairs.add_key(key);
            self.listed_chars |= key.starts_with(CHAR_PREFIX);
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
        self.number_measures();
        model as usize
    }

    /// Adds a model that only gathers evidence: its sum over a post's
    /// terms ([`Scores::evidence`]; it has no bias) is scored along the
    /// rules' in the same pass, through the same term lookups, but it
    /// never makes a finding. Its weights are `terms`, and
    /// `pair_words` the words its terms of two words start and end with.
    /// It comes after every rule, so the rules' terms keep their numbers
    /// and ranks; its model number is the number of rules.
    pub fn add_evidence(
        &mut self,
        terms: &'static StaticMap<f64>,
        pair_words: [&'static StaticMap<()>; 2],
    ) {
        assert!(self.evidence.is_none(), "one evidence-only model");
        let families = families_of(terms);
        self.families = self.families.union(families);
        let (polarity, _) = crate::tone::polarity_terms();
        self.evidence = Some(Evidence {
            terms,
            pair_words,
            base: self.base + self.terms.len() as u32,
            chars: families.chars,
            in_table: std::ptr::eq(terms, polarity),
        });
        self.number_measures();
    }

    /// Looks up the term of each measurement.
    fn number_measures(&mut self) {
        self.measure_ids = (0..MEASURES)
            .map(|n| self.id(measure_key(n)).unwrap_or(NONE))
            .collect();
    }

    /// How many numbers the terms take.
    fn term_numbers(&self) -> usize {
        match &self.evidence {
            Some(e) => e.base as usize + e.terms.len(),
            None => self.base as usize + self.terms.len(),
        }
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
        self.id_in(key, Sources::ALL)
    }

    /// The number of a term, if some model has it, looked for only where
    /// `sources` says it may be: most keys a post brings are no term, and
    /// each source looked in costs a hash of the key.
    fn id_in(&self, key: &str, sources: Sources) -> Option<u32> {
        if sources.table()
            && let Some(t) = self.table
            && let Some(id) = t.find(key)
        {
            return Some(id);
        }
        self.id_off_table(key, None, sources)
    }

    /// [`WeightedIndex::id_in`] of a key of one word (no space: a word, a
    /// character n-gram), whose [`hash`] is `h`: the table is searched
    /// by that hash.
    fn word_id_in(&self, word: &str, h: u64, sources: Sources) -> Option<u32> {
        if sources.table()
            && let Some(t) = self.table
            && let Some(id) = t.find_word(word, h)
        {
            return Some(id);
        }
        self.id_off_table(word, Some(h), sources)
    }

    /// The number of the term of two words `first second`, each given
    /// with its number in the table (`WordTerms`' `pair_numbers`), looked
    /// for where `sources` says it may be: in the table by the words'
    /// numbers, elsewhere by the key, built in `buf` only then.
    fn pair_id_in(
        &self,
        first: (&str, u32),
        second: (&str, u32),
        sources: Sources,
        buf: &mut String,
    ) -> Option<u32> {
        if sources.table()
            && let Some(t) = self.table
            && let Some(id) = t.find_pair_numbered(first.1, second.1)
        {
            return Some(id);
        }
        let elsewhere = sources.off_table();
        if !elsewhere.any() {
            return None;
        }
        buf.clear();
        buf.push_str(first.0);
        buf.push(' ');
        buf.push_str(second.0);
        self.id_off_table(buf, None, elsewhere)
    }

    /// [`WeightedIndex::id_in`] without the table, given the key's [`hash`]
    /// when it is known. Inlined: most keys of one word are looked for in
    /// the table alone, and then this returns at once.
    #[inline]
    fn id_off_table(&self, key: &str, h: Option<u64>, sources: Sources) -> Option<u32> {
        if !sources.off_table().any() {
            return None;
        }
        if sources.listed()
            && let Some(id) = self.listed_id(key)
        {
            return Some(id);
        }
        let e = self.evidence_off_table().filter(|_| sources.evidence())?;
        let h = h.unwrap_or_else(|| hash(key.as_bytes()));
        (e.terms.index_hashed(key, h)).map(|place| e.base + place as u32)
    }

    /// The number of a listed term.
    fn listed_id(&self, key: &str) -> Option<u32> {
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

    /// Where some term of two words may start with `word` (whose [`hash`]
    /// is `h`), and where some may end with it, given the word's numbers
    /// in the table ([`Table::first_number`], [`Table::second_number`];
    /// `NONE` for none).
    fn pair_sides(&self, word: &str, h: u64, numbers: (u32, u32)) -> (Sources, Sources) {
        let evidence = |side: usize| {
            (self.evidence_off_table())
                .is_some_and(|e| e.pair_words[side].index_hashed(word, h).is_some())
        };
        (
            Sources::new(
                numbers.0 != NONE,
                self.listed_pairs.starts(word),
                evidence(0),
            ),
            Sources::new(numbers.1 != NONE, self.listed_pairs.ends(word), evidence(1)),
        )
    }

    /// The evidence-only model, unless the table holds all its terms and
    /// is in use: then its terms are found there, pairs by their words'
    /// numbers, and never looked up by key in the model's own maps.
    fn evidence_off_table(&self) -> Option<&Evidence> {
        (self.evidence.as_ref()).filter(|e| !(e.in_table && self.table.is_some()))
    }

    /// The place among the evidence-only model's terms of term `term`, if
    /// it is numbered as one of them.
    fn evidence_place(&self, term: u32) -> Option<usize> {
        let e = self.evidence.as_ref()?;
        term.checked_sub(e.base).map(|place| place as usize)
    }

    pub fn key(&self, term: u32) -> &str {
        if let (Some(e), Some(place)) = (&self.evidence, self.evidence_place(term)) {
            return e.terms.key(place);
        }
        match self.table {
            Some(t) if term < self.base => std::str::from_utf8(t.key(term)).unwrap_or(""),
            _ => key_of(&self.terms, &self.models, term - self.base),
        }
    }

    /// Where a term first appears: the first model that has it, and its
    /// position there. Terms listed only by pack files are numbered in this
    /// order; the table's terms are numbered over every built-in model.
    fn rank(&self, term: u32) -> (u32, u32) {
        if let Some(place) = self.evidence_place(term) {
            return (self.models.len() as u32, place as u32);
        }
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

    /// Scores every model on one post, in one pass over its features.
    pub fn score(&self, a: &Analysis) -> Scores {
        static NEXT_UID: AtomicU64 = AtomicU64::new(0);
        let uid = *self
            .uid
            .get_or_init(|| NEXT_UID.fetch_add(1, Ordering::Relaxed));
        SCORE_MEMORY.with_borrow_mut(|memory| {
            memory.start(uid, a.word_generation, self);
            memory.warm_terms(a, self.table);
            let mut scoring = Scoring {
                ix: self,
                memory,
                last: None,
            };
            features_into(a, self.families, &mut scoring);
            let memory = scoring.memory;
            let rules = (self.models.iter().zip(&memory.z).enumerate())
                .map(|(model, (m, &z))| {
                    let probability = 1.0 / (1.0 + (-z).exp());
                    let fires = a.metrics.words >= m.min_words && probability >= m.threshold;
                    Scored {
                        probability,
                        fires,
                        // Only a finding names its top terms.
                        top: if fires {
                            self.top_of(&memory.positive, model as u32)
                        } else {
                            Vec::new()
                        },
                    }
                })
                .collect();
            // The evidence-only model's sum follows the rules' scores.
            let evidence = memory.z.get(self.models.len()).copied().unwrap_or(0.0);
            Scores { rules, evidence }
        })
    }

    /// The [`TOP`] largest of `positive`'s contributions to model `model`,
    /// in order: offered to a [`Top`] in the order the post counted them.
    fn top_of(&self, positive: &[(u32, Contribution)], model: u32) -> Vec<Contribution> {
        let mut top = Top::default();
        for (_, c) in positive.iter().filter(|(m, _)| *m == model) {
            top.offer(c.weight, c.term, &c.span, self);
        }
        top.sorted()
    }

    /// Whether contribution `x` comes before `y` in a rule's top terms:
    /// largest first, ties by rank. A post counts each term once, and
    /// terms differ in rank, so the order is total. Contributions are
    /// positive, which `>` and `==` order as `f64::total_cmp` would.
    #[inline]
    fn comes_before(&self, x: &Contribution, y: &Contribution) -> bool {
        debug_assert!(x.weight > 0.0 && y.weight > 0.0);
        x.weight > y.weight || (x.weight == y.weight && self.order_by_rank(x.term, y.term).is_lt())
    }

    /// The order of two terms' equal contributions. Out of line: ties are
    /// rare, and the ranks' lookups would weigh on every comparison's
    /// caller.
    #[inline(never)]
    fn order_by_rank(&self, x: u32, y: u32) -> std::cmp::Ordering {
        self.rank(x).cmp(&self.rank(y))
    }
}

/// The feature families the keys of `terms` read (the union of their
/// [`Families::of_key`]), found without reading each key: the index is
/// built for every run, and the evidence-only model has thousands.
fn families_of(terms: &StaticMap<f64>) -> Families {
    // Where no key holds the prefix of an n-gram, none starts with it.
    let chars = terms.keys.contains(CHAR_PREFIX)
        && (0..terms.len()).any(|place| terms.key(place).starts_with(CHAR_PREFIX));
    Families {
        chars,
        cues: CUES.iter().any(|(key, _)| terms.index(key).is_some()),
    }
}

/// The built-in models' term table.
fn built_in_table() -> Option<&'static Table> {
    crate::pack::learned::built_in()
}

/// Where a term may be found: in the built-in table, among the listed
/// terms, among the evidence-only model's; one bit each, so that what two
/// words allow is one `and` (scoring asks it of every pair of words).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sources(u8);

impl Sources {
    const TABLE: u8 = 1;
    const LISTED: u8 = 2;
    /// The evidence-only model's own terms.
    const EVIDENCE: u8 = 4;
    const ALL: Sources = Sources(Self::TABLE | Self::LISTED | Self::EVIDENCE);

    fn new(table: bool, listed: bool, evidence: bool) -> Sources {
        let bit = |set: bool, bit: u8| if set { bit } else { 0 };
        Sources(bit(table, Self::TABLE) | bit(listed, Self::LISTED) | bit(evidence, Self::EVIDENCE))
    }

    fn table(self) -> bool {
        self.0 & Self::TABLE != 0
    }

    fn listed(self) -> bool {
        self.0 & Self::LISTED != 0
    }

    fn evidence(self) -> bool {
        self.0 & Self::EVIDENCE != 0
    }

    /// Where both say a term may be.
    fn and(self, other: Sources) -> Sources {
        Sources(self.0 & other.0)
    }

    /// These places but the table.
    fn off_table(self) -> Sources {
        Sources(self.0 & !Self::TABLE)
    }

    fn any(self) -> bool {
        self.0 != 0
    }
}

/// The terms one word brings, found once per thread (`NONE`: no model
/// has it), and what else scoring reads of the word alone.
#[derive(Clone, Copy)]
struct WordTerms {
    /// Its own feature in prose (hashtag words, fewer, are looked up by
    /// key).
    prose: u32,
    /// Its character n-gram terms, `WordGrams::ids[start..end]`
    /// (words only, when some model reads them).
    grams: (u32, u32),
    /// Where some term of two words may start with it, end with it.
    starts_pair: Sources,
    ends_pair: Sources,
    /// Its numbers among the table's words that terms of two words start
    /// with and end with (`NONE`: no such term does): the table finds a
    /// pair's term by them.
    pair_numbers: (u32, u32),
    /// What the cues read of it.
    cues: WordCues,
}

/// The weights of the terms a thread has met, each decoded once (from the
/// table's entries or the listed models' chains) into (model, weight)
/// pairs, in the order a post's score adds them up: a term then costs a
/// few additions per post. Beside them, which terms the post being scored
/// has counted.
#[derive(Default)]
struct DecodedWeights {
    /// The index the weights are of.
    owner: Option<u64>,
    /// Per term, once the thread has scored [`DecodedWeights::DENSE_AFTER`]
    /// posts of the index: the number of the last post that counted it,
    /// and its weights ([`TermWeights`]); all zero for a term not met yet,
    /// written up front ([`written`]). A post's marks need no clearing:
    /// the next post has another number.
    by_term: Vec<TermWeights>,
    /// Until then, the same for the terms met so far, by number: a short
    /// run (a draft, a few staged files) writes the entries of the terms
    /// its posts have, not a table of every term (16 bytes each, some
    /// 480 KB with the built-in models).
    few: HashMap<u32, TermWeights, foldhash::fast::FixedState>,
    /// The posts of the index the thread has scored, while they are few.
    posts: u32,
    /// The weights of the terms with more than one.
    list: Vec<(u32, f64)>,
    /// The number of the post being scored, from 1 (0 marks no post).
    post: u32,
}

/// A term's place in [`DecodedWeights::by_term`], 16 bytes, so that a
/// term of a single weight (most of them) is one read of one cache line:
/// - `[SEEN_IN]`: the number of the last post that counted the term;
/// - `[HEAD]`: 0 while the term is not decoded; [`ONE_WEIGHT`] and a
///   model: that model's weight is the term's only one; [`LISTED`]: the
///   term's weights are in the list;
/// - `[2]` and `[3]`: the one weight's bits, low half first, or where the
///   term's weights start and end in the list.
type TermWeights = [u32; 4];

const SEEN_IN: usize = 0;
const HEAD: usize = 1;

const ONE_WEIGHT: u32 = 1 << 31;
const LISTED: u32 = 1;

/// A term's decoded weights, as a post counts them.
#[derive(Clone, Copy)]
enum Weights {
    /// One model's weight.
    One(u32, f64),
    /// `DecodedWeights::list[start..end]`.
    Listed(u32, u32),
}

impl DecodedWeights {
    /// Posts a thread scores with an index keeping their terms in a map
    /// of those met; from the next post on, in a table of every term.
    const DENSE_AFTER: u32 = 64;

    /// Readies the weights for a new post scored by index `ix`, numbered
    /// `uid`.
    fn start(&mut self, uid: u64, ix: &WeightedIndex) {
        if self.owner != Some(uid) {
            self.owner = Some(uid);
            self.by_term = Vec::new();
            self.few.clear();
            self.posts = 0;
            self.list.clear();
            self.post = 0;
        }
        if self.by_term.is_empty() {
            if self.posts < Self::DENSE_AFTER {
                self.posts += 1;
            } else {
                let mut by_term = written([0; 4], ix.term_numbers());
                for (id, term) in self.few.drain() {
                    by_term[id as usize] = term;
                }
                self.by_term = by_term;
            }
        }
        self.post = self.post.wrapping_add(1);
        if self.post == 0 {
            // Numbers start over: no mark may look like this post's.
            for term in self.by_term.iter_mut().chain(self.few.values_mut()) {
                term[SEEN_IN] = 0;
            }
            self.post = 1;
        }
    }

    /// The entry of term `id`, in the table or the map.
    #[inline]
    fn term(&mut self, id: u32) -> &mut TermWeights {
        if self.by_term.is_empty() {
            return self.few_term(id);
        }
        &mut self.by_term[id as usize]
    }

    /// The entry of term `id` in the map, while there is no table: out
    /// of line, so that the table's reads stay as short as they were.
    #[inline(never)]
    fn few_term(&mut self, id: u32) -> &mut TermWeights {
        self.few.entry(id).or_insert([0; 4])
    }

    /// The weights of term `id` of `ix`, decoded the first time, unless
    /// the post has counted the term already; marks it counted.
    #[inline]
    fn first_sight(&mut self, ix: &WeightedIndex, id: u32) -> Option<Weights> {
        let post = self.post;
        let term = self.term(id);
        if term[SEEN_IN] == post {
            return None;
        }
        term[SEEN_IN] = post;
        let [_, head, a, b] = *term;
        Some(match head {
            0 => self.decode(ix, id),
            LISTED => Weights::Listed(a, b),
            _ => Weights::One(
                head & !ONE_WEIGHT,
                f64::from_bits(u64::from(a) | u64::from(b) << 32),
            ),
        })
    }

    /// Decodes the weights of term `id`, met for the first time.
    #[inline(never)]
    fn decode(&mut self, ix: &WeightedIndex, id: u32) -> Weights {
        let start = self.list.len();
        ix.each_weight(id, |model, weight| self.list.push((model, weight)));
        if let [(model, weight)] = self.list[start..] {
            self.list.truncate(start);
            let bits = weight.to_bits();
            self.term(id)[HEAD..].copy_from_slice(&[
                ONE_WEIGHT | model,
                bits as u32,
                (bits >> 32) as u32,
            ]);
            return Weights::One(model, weight);
        }
        let (start, end) = (start as u32, self.list.len() as u32);
        self.term(id)[HEAD..].copy_from_slice(&[LISTED, start, end]);
        Weights::Listed(start, end)
    }
}

/// What one thread keeps between posts while scoring.
#[derive(Default)]
struct ScoreMemory {
    /// The terms of the words and word pairs seen, for the index and word
    /// table generation of the post.
    words: WordMemo<WordTerms>,
    /// The n-gram terms of the words in `words`.
    grams: WordGrams,
    /// The weights of the terms seen, for the index of the post, and
    /// which the post has counted.
    weights: DecodedWeights,
    /// Each model's score so far, and the positive contributions to the
    /// rules' scores (the evidence-only model names none), by rule: the
    /// largest of a rule's are only picked out when it fires, as most
    /// rules on most posts do not.
    z: Vec<f64>,
    positive: Vec<(u32, Contribution)>,
}

impl ScoreMemory {
    /// Reads ahead of their use the entries the post's words will be
    /// scored by: each word's terms in the memory, and for the words met
    /// before, their terms' entries (their own and their n-grams') in the
    /// table of weights and the first slot of the built-in table's index
    /// of word pairs for each two such words in a row. All are hundreds
    /// of kilobytes or more, read in no order: read one by one amid each
    /// term's work, every read waits on its own; read here, one after
    /// another, their waits overlap.
    #[inline]
    fn warm_terms(&self, a: &Analysis, table: Option<&Table>) {
        let by_term = &self.weights.by_term;
        if by_term.is_empty() {
            // The first posts of a run, whose terms are kept in a map.
            self.words.warm(a.tokens.iter().map(|t| t.word));
            return;
        }
        let mark = |id: u32| by_term.get(id as usize).map_or(0, |term| term[SEEN_IN]);
        let mut marks = 0u64;
        let mut before: Option<WordTerms> = None;
        for tok in &a.tokens {
            let known = self.words.known(tok.word);
            if let Some(terms) = known {
                marks ^= u64::from(mark(terms.prose));
                let (start, end) = terms.grams;
                for &id in self
                    .grams
                    .ids
                    .get(start as usize..end as usize)
                    .unwrap_or(&[])
                {
                    marks ^= u64::from(mark(id));
                }
                if let (Some(first), Some(t)) = (before, table)
                    && first.starts_pair.and(terms.ends_pair).table()
                {
                    marks ^= t.first_pair_slot(first.pair_numbers.0, terms.pair_numbers.1);
                }
            }
            before = known;
        }
        std::hint::black_box(marks);
    }
}

/// How many terms a finding of a learned rule names.
const TOP: usize = 3;

/// The largest contributions to a rule's score so far, in order
/// ([`WeightedIndex::comes_before`]): kept as they come, so that many
/// smaller ones cost one comparison each.
#[derive(Default)]
struct Top {
    /// The first `len` are the kept ones, in order: a new one is moved
    /// up past those it comes before, in place.
    kept: [Contribution; TOP],
    len: usize,
    /// The weight of the last kept one once there are [`TOP`], below
    /// which a contribution cannot be kept (zero until then).
    floor: f64,
}

impl Top {
    /// Keeps term `term`'s contribution `weight` (positive) if it is among
    /// the [`TOP`] largest so far.
    #[inline]
    fn offer(&mut self, weight: f64, term: u32, span: &Option<Range<usize>>, ix: &WeightedIndex) {
        if weight >= self.floor {
            let c = Contribution {
                weight,
                term,
                span: span.clone(),
            };
            self.keep(c, ix);
        }
    }

    /// Keeps `c` in place of the last kept one if it comes before it, or
    /// after the others while there are fewer than [`TOP`]; then moves it
    /// up to its place in order.
    #[inline(never)]
    fn keep(&mut self, c: Contribution, ix: &WeightedIndex) {
        let mut at = self.len;
        if at == TOP {
            if !ix.comes_before(&c, &self.kept[TOP - 1]) {
                return;
            }
            at = TOP - 1;
        } else {
            self.len += 1;
        }
        self.kept[at] = c;
        while at > 0 && ix.comes_before(&self.kept[at], &self.kept[at - 1]) {
            self.kept.swap(at, at - 1);
            at -= 1;
        }
        if self.len == TOP {
            self.floor = self.kept[TOP - 1].weight;
        }
    }

    /// The kept contributions, in order.
    fn sorted(&self) -> Vec<Contribution> {
        self.kept[..self.len].to_vec()
    }
}

/// The character n-gram terms of the words a thread has met, and what
/// finding those of a new word uses.
#[derive(Default)]
struct WordGrams {
    /// Each word's terms, appended in order when it is first met.
    ids: Vec<u32>,
    /// Buffers for a word's n-grams, and the terms of the n-grams of
    /// ASCII words met before.
    scratch: Scratch,
    memo: GramMemo,
}

/// The term numbers of the character n-grams of ASCII words a thread has
/// looked up, by the n-gram's bytes ([`ascii_grams`]), where models
/// outside the built-in table may have them (the table finds its own by
/// their bytes: `Table::find_gram`). A new word brings several n-grams,
/// most of which other words have brought before (`~ing>`, `~<the`): one
/// is then found again in a few instructions instead of having its key
/// built, hashed and searched in the term tables.
///
/// It is direct-mapped: each n-gram has one slot, which the last n-gram
/// looked up there holds, so the memory stays bounded; an n-gram whose
/// slot another took is looked up again. It is made at the first lookup,
/// small, and doubles as misses fill it: a short run (one draft) touches
/// a few pages, not a fault for each n-gram, and a thread that scores
/// posts of two indexes in turn starts over cheaply at each change.
#[derive(Default)]
struct GramMemo {
    /// The index the terms are of.
    owner: Option<u64>,
    /// Per slot, `0` when empty, else the n-gram's tag ([`GramMemo::tag`])
    /// above its term number (`NONE`: no term). A power of two.
    slots: Vec<u64>,
    /// log2 of the number of slots.
    bits: u32,
    /// Misses since the slots last grew.
    misses: usize,
}

impl GramMemo {
    /// The slots to start with (8 KiB) and the most (512 KiB).
    const START_BITS: u32 = 10;
    const MAX_BITS: u32 = 16;

    /// Readies the memory for a post scored by index `uid`: another
    /// index's terms are forgotten (the slots are made again when first
    /// looked in).
    fn start(&mut self, uid: u64) {
        if self.owner != Some(uid) {
            self.owner = Some(uid);
            self.slots = Vec::new();
        }
    }

    /// Empties the memory into `1 << bits` slots.
    fn resize(&mut self, bits: u32) {
        self.bits = bits;
        self.slots = written(0, 1 << bits);
        self.misses = 0;
    }

    /// What a slot keeps of n-gram `gram`: its bytes, the high bit of the
    /// last set. That bit is clear in every ASCII byte, so no two n-grams
    /// share a tag, and no tag is 0, as an empty slot's is.
    #[inline]
    fn tag(gram: u32) -> u64 {
        u64::from(gram | 1 << 31)
    }

    /// The term number of n-gram `gram`, found by `look_up` unless its
    /// slot holds it.
    #[inline]
    fn term(&mut self, gram: u32, look_up: impl FnOnce() -> u32) -> u32 {
        if self.slots.is_empty() {
            self.resize(Self::START_BITS);
        }
        let slot = self.slots[self.slot_of(gram)];
        if slot >> 32 == Self::tag(gram) {
            return slot as u32;
        }
        let id = look_up();
        self.misses += 1;
        // Half as many misses as slots: the run is long enough for more.
        if self.misses > self.slots.len() / 2 && self.bits < Self::MAX_BITS {
            self.resize(self.bits + 1);
        }
        let at = self.slot_of(gram);
        self.slots[at] = (Self::tag(gram) << 32) | u64::from(id);
        id
    }

    /// The one slot n-gram `gram` may be kept in.
    #[inline]
    fn slot_of(&self, gram: u32) -> usize {
        crate::pack::learned::gram_slot(gram, self.bits)
    }
}

impl ScoreMemory {
    /// Readies the buffers for a post of word table `generation` scored by
    /// `ix` (whose number is `uid`).
    fn start(&mut self, uid: u64, generation: u64, ix: &WeightedIndex) {
        if self.words.start(uid, generation) {
            self.grams.ids.clear();
        }
        self.weights.start(uid, ix);
        self.grams.memo.start(uid);
        self.z.clear();
        self.z.extend(ix.models.iter().map(|m| m.bias));
        if ix.evidence.is_some() {
            self.z.push(0.0);
        }
        self.positive.clear();
    }
}

thread_local! {
    static SCORE_MEMORY: RefCell<ScoreMemory> = RefCell::new(ScoreMemory::default());
}

/// One post being scored.
struct Scoring<'a> {
    ix: &'a WeightedIndex,
    memory: &'a mut ScoreMemory,
    /// The word of the last prose token and its terms: the first word of
    /// the next pair, and the word whose cues are asked next.
    last: Option<(WordId, WordTerms)>,
}

impl WeightedIndex {
    /// Calls `weigh(model, weight)` for each weight of term `id`, in the
    /// order a post's score adds them up: the rules' weights, then the
    /// evidence-only model's.
    fn each_weight(&self, id: u32, mut weigh: impl FnMut(u32, f64)) {
        let evidence = self.models.len() as u32;
        let Some(e) = &self.evidence else {
            return self.each_rule_weight(id, weigh);
        };
        if let Some(place) = self.evidence_place(id) {
            return weigh(evidence, e.terms.values[place]);
        }
        self.each_rule_weight(id, &mut weigh);
        // The evidence-only model may have a term the rules have: the
        // table carries the polarity model's weights of its own terms.
        let weight = match self.table {
            Some(t) if id < self.base && e.in_table => t.evidence_weight(id),
            _ => e.terms.get(self.key(id)).copied(),
        };
        if let Some(weight) = weight {
            weigh(evidence, weight);
        }
    }

    /// Calls `weigh(model, weight)` for each weight the rules have for
    /// term `id`: the table's models last listed first, then the listed
    /// models' weights as their chains go.
    fn each_rule_weight(&self, id: u32, mut weigh: impl FnMut(u32, f64)) {
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

/// Adds `c`, term `id`'s contribution, to model `model`'s score, and
/// keeps it if it is positive, for the model's top terms.
#[inline(always)]
fn count(
    memory: &mut ScoreMemory,
    ix: &WeightedIndex,
    model: u32,
    c: f64,
    id: u32,
    span: &Option<Range<usize>>,
) {
    memory.z[model as usize] += c;
    // The evidence-only model, past the rules, keeps none.
    if c > 0.0 && (model as usize) < ix.models.len() {
        memory.positive.push((
            model,
            Contribution {
                weight: c,
                term: id,
                span: span.clone(),
            },
        ));
    }
}

impl Scoring<'_> {
    /// Counts term `id` once per post, at its first occurrence. Inlined
    /// where features come in: it runs for every term of every post.
    #[inline(always)]
    fn add(&mut self, id: u32, value: f64, span: &Option<Range<usize>>) {
        let memory = &mut *self.memory;
        match memory.weights.first_sight(self.ix, id) {
            None => {}
            Some(Weights::One(model, weight)) => {
                count(memory, self.ix, model, weight * value, id, span);
            }
            Some(Weights::Listed(start, end)) => {
                for i in start as usize..end as usize {
                    let (model, weight) = memory.weights.list[i];
                    count(memory, self.ix, model, weight * value, id, span);
                }
            }
        }
    }

    /// The terms of a token's word, found the first time the thread sees
    /// the word: a word met before costs one look at the memory.
    #[inline]
    fn word_terms(&mut self, tok: &Token) -> WordTerms {
        let ix = self.ix;
        let memory = &mut *self.memory;
        let grams = &mut memory.grams;
        memory.words.word(tok.word, || ix.word_terms(tok, grams))
    }

    /// [`Scoring::word_terms`], read from [`Scoring::last`] when it is of
    /// the token's word (the memory out of line: it is seldom asked).
    #[inline]
    fn recent_word_terms(&mut self, tok: &Token) -> WordTerms {
        match self.last {
            Some((word, terms)) if word == tok.word => terms,
            _ => self.remembered_word_terms(tok),
        }
    }

    /// [`Scoring::word_terms`], out of line.
    #[inline(never)]
    fn remembered_word_terms(&mut self, tok: &Token) -> WordTerms {
        self.word_terms(tok)
    }

    /// Counts the term of the pair of adjacent prose tokens `first`,
    /// `second`, whose words' terms are `a` and `b`: looked up only where
    /// some term of two words starts with the first and ends with the
    /// second, and not at all when there is no such place.
    ///
    /// It is looked up every time, in the table by the words' numbers, and
    /// in the evidence-only model by its key, built and hashed: most pairs
    /// are met once, and remembering them, in a map that grows to tens of
    /// thousands of pairs, costs more than looking them up again. Only
    /// where a pack file's models may have it is the answer remembered
    /// per thread, since their terms are found by key in maps of their
    /// own. Inlined where pairs are met, as [`Scoring::add`] is.
    #[inline(always)]
    fn pair(
        &mut self,
        first: &Token,
        a: WordTerms,
        second: &Token,
        b: WordTerms,
        buf: &mut String,
    ) {
        let sources = a.starts_pair.and(b.ends_pair);
        if !sources.any() {
            return;
        }
        let ix = self.ix;
        let words = (
            (term_word(first), a.pair_numbers.0),
            (term_word(second), b.pair_numbers.1),
        );
        let mut lookup = || {
            ix.pair_id_in(words.0, words.1, sources, buf)
                .unwrap_or(NONE)
        };
        let id = if sources.listed() {
            self.memory.words.pair(first.word, second.word, lookup)
        } else {
            lookup()
        };
        if id != NONE {
            self.add(id, 1.0, &Some(first.span.start..second.span.end));
        }
    }
}

impl WeightedIndex {
    /// The terms of a token's word, its n-gram terms appended to
    /// `grams.ids`.
    #[inline(never)]
    fn word_terms(&self, tok: &Token, grams: &mut WordGrams) -> WordTerms {
        let word = term_word(tok);
        let h = hash(word.as_bytes());
        let prose = self.word_id_in(word, h, Sources::ALL).unwrap_or(NONE);
        let number = |n: Option<u32>| n.unwrap_or(NONE);
        let pair_numbers = self.table.map_or((NONE, NONE), |t| {
            (
                number(t.first_number(word, h)),
                number(t.second_number(word, h)),
            )
        });
        let (starts_pair, ends_pair) = self.pair_sides(word, h, pair_numbers);
        let start = grams.ids.len() as u32;
        if self.families.chars && tok.kind == TokenKind::Word {
            self.gram_terms(&tok.lower, grams);
        }
        WordTerms {
            prose,
            grams: (start, grams.ids.len() as u32),
            starts_pair,
            ends_pair,
            pair_numbers,
            cues: WordCues::of(&tok.lower),
        }
    }

    /// Appends to `ids` the terms of the character n-grams of `lower` (a
    /// word in lower case), in order. Those of an ASCII word are found by
    /// their bytes in `memo` first; other words' by their keys.
    fn gram_terms(&self, lower: &str, grams: &mut WordGrams) {
        let WordGrams { ids, scratch, memo } = grams;
        let sources = Sources::new(
            true,
            self.listed_chars,
            self.evidence_off_table().is_some_and(|e| e.chars),
        );
        let look_up = |key: &str| self.word_id_in(key, hash(key.as_bytes()), sources);
        if !lower.is_ascii() {
            return char_ngrams(lower, scratch, |key| ids.extend(look_up(key)));
        }
        // Where only the table may have them, its index of n-grams finds
        // them by their bytes.
        if let Some(t) = self.table
            && !sources.off_table().any()
        {
            return ascii_grams(lower.as_bytes(), |gram| ids.extend(t.find_gram(gram)));
        }
        let mut key = [0; 1 + GRAM];
        ascii_grams(lower.as_bytes(), |gram| {
            let id = memo.term(gram, || {
                look_up(ascii_gram_key(gram, &mut key)).unwrap_or(NONE)
            });
            if id != NONE {
                ids.push(id);
            }
        });
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

    /// See [`Scoring::pair`].
    fn bigram(&mut self, first: &Token, second: &Token, buf: &mut String) {
        let (a, b) = (self.word_terms(first), self.word_terms(second));
        self.pair(first, a, second, b, buf);
    }

    /// A token's word is read once for its own term and its pair's; the
    /// first word of the pair was read with the token before.
    fn prose_token(&mut self, tok: &Token, before: Option<&Token>, buf: &mut String) {
        let terms = self.word_terms(tok);
        if terms.prose != NONE {
            self.add(terms.prose, 1.0, &Some(tok.span.clone()));
        }
        if let Some(first) = before {
            let first_terms = self.recent_word_terms(first);
            self.pair(first, first_terms, tok, terms, buf);
        }
        self.last = Some((tok.word, terms));
    }

    /// A word's n-gram terms are looked up once per thread, then
    /// remembered. Inlined into the walk over the words: most words have
    /// few n-gram terms, and a call would cost as much as adding them.
    #[inline]
    fn word_grams(&mut self, tok: &Token, _: &mut Scratch) {
        let (start, end) = self.word_terms(tok).grams;
        let span = Some(tok.span.clone());
        for i in start..end {
            let id = self.memory.grams.ids[i as usize];
            self.add(id, 1.0, &span);
        }
    }

    /// A word's cues are worked out once per thread, then remembered.
    fn word_cues(&mut self, tok: &Token) -> WordCues {
        self.recent_word_terms(tok).cues
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

    /// The terms and weights of `cs`.
    fn picked(cs: &[Contribution]) -> Vec<(u32, f64)> {
        cs.iter().map(|c| (c.term, c.weight)).collect()
    }

    /// The [`TOP`] largest of `all` by sorting them: largest first, ties
    /// by rank, the weights ordered by `f64::total_cmp`.
    fn largest_by_sorting(ix: &WeightedIndex, all: &[Contribution]) -> Vec<(u32, f64)> {
        let mut sorted = all.to_vec();
        sorted.sort_by(|x, y| {
            (y.weight.total_cmp(&x.weight)).then_with(|| ix.rank(x.term).cmp(&ix.rank(y.term)))
        });
        sorted.truncate(TOP);
        picked(&sorted)
    }

    #[test]
    fn top_terms_kept_as_they_come_are_the_largest_in_order() {
        let keys: Vec<String> = (0..12).map(|i| format!("w{i}")).collect();
        let ix = index(&keys.iter().map(|k| (k.as_str(), 1.0)).collect::<Vec<_>>());
        // Ties in weight are broken by rank (here the term's number).
        let weights = [0.5, 2.0, 0.5, 1.0, 3.0, 2.0, 0.25, 1.0, 3.0, 0.5, 2.0, 0.1];
        for rotation in 0..weights.len() {
            for len in 0..=weights.len() {
                let mut all: Vec<Contribution> = (0..len)
                    .map(|i| {
                        let t = (i + rotation) % weights.len();
                        Contribution {
                            weight: weights[t],
                            term: ix.id(&keys[t]).unwrap(),
                            span: Some(t..t + 1),
                        }
                    })
                    .collect();
                for backwards in [false, true] {
                    if backwards {
                        all.reverse();
                    }
                    let mut top = Top::default();
                    for c in &all {
                        top.offer(c.weight, c.term, &c.span, &ix);
                    }
                    let kept = picked(&top.sorted());
                    assert_eq!(kept, largest_by_sorting(&ix, &all), "{rotation} {len}");
                }
            }
        }
    }

    /// Over many random posts' contributions to three rules, few weights
    /// apart (so many ties), each rule's top terms, picked from the post's
    /// contributions to every rule, are those sorting picks from the rule's
    /// own.
    #[test]
    fn top_terms_of_random_posts_are_those_sorting_picks() {
        let keys: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
        let ix = index(&keys.iter().map(|k| (k.as_str(), 1.0)).collect::<Vec<_>>());
        let mut rng = crate::test_rng::Xorshift::new(0x2545_f491_4f6c_dd1d);
        let mut below = |n: usize| rng.below(n);
        for post in 0..3000 {
            let mut terms: Vec<usize> = (0..keys.len()).collect();
            for i in (1..terms.len()).rev() {
                terms.swap(i, below(i + 1));
            }
            terms.truncate(below(keys.len() + 1));
            let positive: Vec<(u32, Contribution)> = (terms.iter())
                .map(|&t| {
                    let c = Contribution {
                        weight: (1 + below(6)) as f64 / 4.0,
                        term: ix.id(&keys[t]).unwrap(),
                        span: Some(t..t + 1),
                    };
                    (below(3) as u32, c)
                })
                .collect();
            for model in 0..3 {
                let all: Vec<Contribution> = (positive.iter())
                    .filter(|(m, _)| *m == model)
                    .map(|(_, c)| c.clone())
                    .collect();
                assert_eq!(
                    picked(&ix.top_of(&positive, model)),
                    largest_by_sorting(&ix, &all),
                    "{post} {model}"
                );
            }
        }
    }

    #[test]
    fn families_of_a_map_are_those_of_its_keys() {
        let by_keys = |m: &StaticMap<f64>| {
            (0..m.len()).fold(Families::default(), |f, place| {
                f.union(Families::of_key(m.key(place)))
            })
        };
        let (tone, _) = crate::tone::polarity_terms();
        assert_eq!(families_of(tone), by_keys(tone));
        let lists: [&[&str]; 5] = [
            &["idiot", "shut up", "@caps"],
            &["a~b", "@contrastive", "x"],
            &["~<idi", "idiot"],
            &["@elongated", "b"],
            &[],
        ];
        for keys in lists {
            let ends: Vec<u32> = (keys.iter())
                .scan(0, |end, k| {
                    *end += k.len() as u32;
                    Some(*end)
                })
                .collect();
            let (slots, filter) = crate::text::static_map::hash_index(keys);
            let map = StaticMap {
                keys: Box::leak(keys.concat().into_boxed_str()),
                ends: Box::leak(ends.into_boxed_slice()),
                values: Box::leak(vec![1.0; keys.len()].into_boxed_slice()),
                slots: Box::leak(slots.into_boxed_slice()),
                filter: Box::leak(filter.into_boxed_slice()),
            };
            assert_eq!(families_of(&map), by_keys(&map), "{keys:?}");
        }
    }

    /// The scores the index reads, through its word memories and lookups
    /// by hash, are the weights of the features' keys summed up plainly,
    /// to the bit, and its top terms the largest contributions: for the
    /// built-in models read from their table, and the same models listed.
    #[test]
    fn scores_are_the_weights_of_the_features_keys_summed_in_order() {
        use crate::text::features::features_with;
        use std::collections::HashSet;
        let built_in = crate::pack::built_in().unwrap();
        let rules = || built_in.iter().flat_map(|p| &p.rules);
        let models: Vec<Arc<Weighted>> = rules()
            .filter_map(|r| match &r.matcher {
                crate::pack::Matcher::Weighted(w) => Some(Arc::clone(w)),
                _ => None,
            })
            .collect();
        assert!(models.len() >= 2);
        let lists: Vec<Vec<(CompactString, f64)>> =
            models.iter().map(|w| w.terms.list().into_owned()).collect();
        let by_key: Vec<HashMap<&str, f64>> = (lists.iter())
            .map(|list| list.iter().map(|(k, w)| (k.as_str(), *w)).collect())
            .collect();
        let families = (lists.iter().flatten()).fold(Families::default(), |f, (k, _)| {
            f.union(Families::of_key(k))
        });
        let (mut table, mut listed) = (WeightedIndex::default(), WeightedIndex::default());
        for (w, list) in models.iter().zip(&lists) {
            table.add(w);
            listed.add(&Arc::new(Weighted {
                terms: Terms::Listed(list.clone()),
                ..(**w).clone()
            }));
        }
        assert!(table.table.is_some() && listed.table.is_none());
        let mut posts: Vec<&str> = rules()
            .flat_map(|r| r.fire.iter().chain(&r.pass))
            .map(String::as_str)
            .collect();
        posts.extend([
            "",
            "Shut up, you idiot #EpicFail and shut up again",
            "Oh great, sooo wonderful... \"fast\" delivery, WOW yay 🙄 42 times",
            "Ça c'est très drôle, naïve café ñandú über",
            "you people are the worst, you know that? idiots idiots",
        ]);
        assert!(posts.len() > 500);
        for text in posts {
            let a = Analysis::new(text);
            let mut z: Vec<f64> = models.iter().map(|w| w.bias).collect();
            let mut positive: Vec<Vec<f64>> = vec![Vec::new(); models.len()];
            let mut seen = HashSet::new();
            features_with(&a, families, |key, value, _| {
                if seen.insert(key.to_string()) {
                    for (m, weights) in by_key.iter().enumerate() {
                        if let Some(w) = weights.get(key) {
                            z[m] += w * value;
                            positive[m].push(w * value);
                        }
                    }
                }
            });
            for ix in [&table, &listed] {
                let scores = ix.score(&a);
                for (m, scored) in scores.rules.iter().enumerate() {
                    let probability = 1.0 / (1.0 + (-z[m]).exp());
                    assert_eq!(
                        scored.probability.to_bits(),
                        probability.to_bits(),
                        "{text}"
                    );
                    let mut largest: Vec<f64> =
                        positive[m].iter().copied().filter(|&c| c > 0.0).collect();
                    largest.sort_by(|x, y| y.total_cmp(x));
                    largest.truncate(TOP);
                    let top: Vec<f64> = scored.top.iter().map(|c| c.weight).collect();
                    if scored.fires {
                        assert_eq!(top, largest, "{text}");
                    }
                }
            }
        }
    }

    /// A term of one model keeps its weight in its own place, a term of
    /// several models in the list; either counts once per post, with the
    /// weights it has.
    #[test]
    fn terms_of_one_model_and_of_several_count_their_weights_once() {
        let mut ix = WeightedIndex::default();
        for terms in [
            [("quokka", 1.5), ("wombat", 0.25)],
            [("quokka", -0.5), ("numbat", 2.0)],
        ] {
            ix.add(&Arc::new(Weighted {
                bias: -1.0,
                threshold: 0.5,
                terms: Terms::Listed(terms.iter().map(|(k, w)| ((*k).into(), *w)).collect()),
                min_words: 0,
            }));
        }
        let z = |post: &str| {
            let scores = ix.score(&Analysis::new(post));
            scores
                .rules
                .iter()
                .map(|s| s.probability)
                .collect::<Vec<_>>()
        };
        let logistic = |z: f64| 1.0 / (1.0 + (-z).exp());
        for _ in 0..2 {
            assert_eq!(
                z("quokka wombat quokka numbat wombat"),
                [logistic(-1.0 + 1.5 + 0.25), logistic(-1.0 - 0.5 + 2.0)]
            );
            assert_eq!(z("numbat"), [logistic(-1.0), logistic(1.0)]);
        }
        SCORE_MEMORY.with_borrow_mut(|memory| {
            let heads: Vec<u32> = ["quokka", "wombat", "numbat"]
                .iter()
                .map(|k| memory.weights.term(ix.id(k).unwrap())[HEAD])
                .collect();
            assert_eq!(heads[0], LISTED);
            assert_eq!(heads[1], ONE_WEIGHT);
            assert_eq!(heads[2], ONE_WEIGHT | 1);
        });
    }

    /// A thread keeps the terms of its first posts with an index in a map,
    /// then in a table of every term: the scores are the same, to the bit,
    /// before, across and after the change, and the terms met before are
    /// still decoded after it.
    #[test]
    fn scores_are_the_same_in_the_map_and_the_table() {
        let ix = index(&[
            ("quokka", 1.0),
            ("wombat", 2.0),
            ("numbat", 0.5),
            ("quokka", 0.25),
        ]);
        let posts = [
            "quokka numbat",
            "a wombat and a quokka",
            "numbat numbat wombat",
            "",
        ];
        let score = |post: &str| {
            ix.score(&Analysis::new(post)).rules[0]
                .probability
                .to_bits()
        };
        let first: Vec<u64> = posts.iter().map(|p| score(p)).collect();
        let table_len = || SCORE_MEMORY.with_borrow(|memory| memory.weights.by_term.len());
        assert_eq!(table_len(), 0, "a map first");
        let mut scored = posts.len() as u32;
        while scored < DecodedWeights::DENSE_AFTER + 8 {
            for (post, want) in posts.iter().zip(&first) {
                assert_eq!(score(post), *want, "{post:?} after {scored} posts");
                scored += 1;
            }
        }
        assert_eq!(table_len(), ix.term_numbers(), "a table after");
        SCORE_MEMORY.with_borrow(|memory| assert!(memory.weights.few.is_empty()));
    }

    /// When the numbers of posts start over, the marks of the posts
    /// before cannot hide a term from the next one.
    #[test]
    fn terms_count_after_post_numbers_start_over() {
        let ix = index(&[("quokka", 1.0), ("wombat", 2.0), ("numbat", 0.5)]);
        let (a, b) = (
            Analysis::new("quokka numbat"),
            Analysis::new("a wombat and a quokka"),
        );
        let score = |post: &Analysis| ix.score(post).rules[0].probability.to_bits();
        let (first_a, first_b) = (score(&a), score(&b));
        SCORE_MEMORY.with_borrow_mut(|memory| memory.weights.post = u32::MAX - 1);
        assert_eq!(score(&a), first_a);
        // Numbered after u32::MAX: 1 again, as `a` was at first.
        assert_eq!(score(&a), first_a);
        assert_eq!(score(&b), first_b);
        SCORE_MEMORY.with_borrow_mut(|memory| memory.weights.post = u32::MAX);
        assert_eq!(score(&b), first_b);
        assert_eq!(score(&a), first_a);
    }

    /// The places a term may be, as bits, say what the three flags they
    /// were made of say, alone and combined.
    #[test]
    fn sources_are_their_flags() {
        let all: Vec<[bool; 3]> = (0..8)
            .map(|n| [n & 1 != 0, n & 2 != 0, n & 4 != 0])
            .collect();
        let read = |s: Sources| [s.table(), s.listed(), s.evidence()];
        for &a in &all {
            let sa = Sources::new(a[0], a[1], a[2]);
            assert_eq!(read(sa), a);
            assert_eq!(sa.any(), a.contains(&true));
            assert_eq!(read(sa.off_table()), [false, a[1], a[2]]);
            for &b in &all {
                let both = read(sa.and(Sources::new(b[0], b[1], b[2])));
                assert_eq!(both, [a[0] && b[0], a[1] && b[1], a[2] && b[2]]);
            }
        }
        assert_eq!(read(Sources::ALL), [true; 3]);
    }

    /// The n-gram memory gives the term its lookup gives, whether the
    /// n-gram's slot holds it or another n-gram, and looks up again only
    /// n-grams it does not hold.
    #[test]
    fn gram_memo_gives_what_lookups_give() {
        let mut memo = GramMemo::default();
        memo.start(7);
        // Over four times as many n-grams as slots: most slots are taken
        // in turn by several. Every term is a function of its n-gram.
        let term = |gram: u32| {
            if gram.is_multiple_of(3) {
                NONE
            } else {
                gram.rotate_left(7) % 100_000
            }
        };
        let mut rng = crate::test_rng::Xorshift::new(0x2545_f491_4f6c_dd1d);
        let grams: Vec<u32> = (0..4 << GramMemo::MAX_BITS)
            .map(|_| (rng.next() as u32) & 0x7f7f_7f7f)
            .chain([0, 0x7f7f_7f7f, 0x3e3c_0000])
            .collect();
        for _ in 0..3 {
            for &gram in &grams {
                let found = memo.term(gram, || term(gram));
                assert_eq!(found, term(gram), "{gram:#x}");
                let again = memo.term(gram, || panic!("{gram:#x} looked up again"));
                assert_eq!(again, found);
            }
        }
        // It grew to its most as the misses came, and stays there.
        assert_eq!(memo.slots.len(), 1 << GramMemo::MAX_BITS);
        // Another index's terms are not those: the memory starts over.
        memo.start(8);
        assert!(memo.slots.is_empty());
        let first = grams[0];
        assert_eq!(memo.term(first, || 5), 5);
        assert_eq!(memo.slots.len(), 1 << GramMemo::START_BITS);
        assert_eq!(memo.term(first, || panic!("looked up again")), 5);
    }

    #[test]
    fn opt_in_features_are_computed_for_models_that_read_them() {
        let sarcastic = Analysis::new("I just love waiting in the awful queue");
        let plain = Analysis::new("We love our customers and our garden");
        let cue = index(&[("@contrast", 4.0)]);
        assert!(cue.score(&sarcastic).rules[0].fires);
        assert!(!cue.score(&plain).rules[0].fires);
        let chars = index(&[("~queu", 4.0)]);
        assert!(chars.score(&sarcastic).rules[0].fires);
        assert_eq!(
            chars.key(chars.score(&sarcastic).rules[0].top[0].term),
            "~queu"
        );
        assert!(!chars.score(&plain).rules[0].fires);
    }
}
