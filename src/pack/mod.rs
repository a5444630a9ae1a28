//! Rule packs: the TOML schema, and loading it into validated rules with
//! errors that name the file, line:column and rule.

mod ascii_dfa;
mod ascii_word_text;
pub mod automaton;
mod compile;
mod hir_leaves;
pub(crate) mod keys;
mod lazy_regex;
pub mod learned;
mod literals;
mod parsed_hir;
pub mod phrases;
mod schema;
mod screen_dfa;

use crate::error::LocatedError;
use crate::model::{Dimension, Flag, Severity};
use crate::text::Metric;
use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

pub(crate) use ascii_dfa::Reach;
pub(crate) use ascii_word_text::{ascii_word_version, for_ascii_word_text, qualifies};
pub(crate) use compile::parse_pattern;
pub use compile::{compile_regex, phrase};
pub(crate) use hir_leaves::map_leaves;
pub use lazy_regex::{
    LazyRegex, Lite, Matches, Prebuilt, Program, Screened, compile_lean, compiles_lean,
    search_config,
};
pub use literals::{Needles, digits_or_non_ascii, fewest_digits};
#[cfg(test)]
pub(crate) use literals::{ascii_only, paired};

/// A loaded, validated rule pack.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Pack {
    pub id: String,
    pub dimension: Dimension,
    pub flag: Option<Flag>,
    pub description: String,
    pub version: String,
    /// Where the pack came from: a path, or `built-in:NAME.toml`.
    pub origin: String,
    pub rules: Vec<Rule>,
}

/// One rule, ready to be compiled into the engine.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub pack: String,
    pub dimension: Dimension,
    pub flag: Option<Flag>,
    pub severity: Severity,
    pub weight: u32,
    pub message: String,
    pub suggestion: Option<String>,
    pub fire: Vec<String>,
    pub pass: Vec<String>,
    /// The platform profile the examples are checked under, if any.
    pub example_platform: Option<String>,
    pub matcher: Matcher,
    /// File, line and column of the rule's id, for error messages.
    pub origin: String,
    pub line: usize,
    pub column: usize,
}

/// The closed set of matcher kinds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Matcher {
    /// The matchers are shared (as the learned models are): every engine
    /// built from a pack takes its rules, and a word list or pattern need
    /// not be copied for each.
    Words(Arc<Words>),
    Regex(Arc<Pattern>),
    Metric(Threshold),
    Absent(Arc<Absent>),
    /// Shared: a learned model has thousands of terms, and rules are
    /// cloned into every engine built from them.
    Weighted(Arc<Weighted>),
}

impl Matcher {
    pub fn kind(&self) -> &'static str {
        match self {
            Matcher::Words(_) => "words",
            Matcher::Regex(_) => "regex",
            Matcher::Metric(_) => "metric",
            Matcher::Absent(_) => "absent",
            Matcher::Weighted(_) => "weighted",
        }
    }
}

/// A word or phrase, as the keys tokens are compared on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phrase {
    /// Stems (or lower-cased words when `exact`), one per word. Keys are
    /// short: most are stored inline, and decoded without an allocation.
    pub keys: Vec<CompactString>,
    pub exact: bool,
}

/// A list of words and phrases: as a pack file lists them, or list `n`
/// of the built-in phrase table (`phrases::built_in`), which the engine
/// reads in place.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Phrases {
    Listed(Vec<Phrase>),
    BuiltIn { list: u32, len: u32 },
}

impl Default for Phrases {
    fn default() -> Phrases {
        Phrases::Listed(Vec::new())
    }
}

impl Phrases {
    /// How many words and phrases the list holds.
    pub fn len(&self) -> usize {
        match self {
            Phrases::Listed(p) => p.len(),
            Phrases::BuiltIn { len, .. } => *len as usize,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whether matches in some context count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Context {
    /// Context does not matter.
    #[default]
    Any,
    /// Matches in this context are skipped.
    Exclude,
    /// Only matches in this context count.
    Require,
}

/// Whether negated matches count (see `engine::negation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Negation {
    /// Negation does not matter.
    #[default]
    Any,
    /// Matches with a negator among the three words before are skipped.
    Exclude,
    /// Only matches a negator denies outright ("not a liar") are skipped.
    ExcludeDirect,
    /// Only negated matches count ("not bad").
    Require,
}

impl Negation {
    /// The value of a rule's `negation` key.
    pub fn as_str(self) -> &'static str {
        match self {
            Negation::Any => "any",
            Negation::Exclude => "exclude",
            Negation::ExcludeDirect => "exclude-direct",
            Negation::Require => "require",
        }
    }

    /// The setting a `negation` value names.
    pub fn parse(value: &str) -> Option<Negation> {
        [
            Negation::Any,
            Negation::Exclude,
            Negation::ExcludeDirect,
            Negation::Require,
        ]
        .into_iter()
        .find(|n| n.as_str() == value)
    }
}

/// Which side the `near` word must be on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Order {
    #[default]
    Any,
    Before,
    After,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Near {
    pub phrases: Phrases,
    pub within: usize,
    pub order: Order,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Words {
    pub phrases: Phrases,
    pub hashtags: bool,
    pub near: Option<Near>,
    pub negation: Negation,
    pub quotes: Context,
    pub unless: Phrases,
    pub min_count: usize,
}

/// A post-check on regex matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Check {
    Luhn,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Pattern {
    pub regex: LazyRegex,
    pub check: Option<Check>,
    pub negation: Negation,
    pub quotes: Context,
    pub unless: Phrases,
    pub min_count: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Threshold {
    #[serde(with = "metric_name")]
    pub metric: Metric,
    pub above: Option<f64>,
    pub below: Option<f64>,
    pub min_words: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Absent {
    pub words: Phrases,
    pub patterns: Vec<LazyRegex>,
    pub when: Phrases,
    pub min_words: usize,
}

/// A learned linear model over the features of `text::features`: the rule
/// fires when `sigmoid(bias + Σ weight × value) ≥ threshold`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Weighted {
    pub bias: f64,
    pub threshold: f64,
    /// Feature keys (stems, stem pairs, `#hashtag-word`, emoji, `@measure`)
    /// and their weights.
    pub terms: Terms,
    /// Posts with fewer words are not scored.
    pub min_words: usize,
}

/// A learned model's terms: listed, or in the built-in term table.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Terms {
    /// Keys and weights, as a pack file lists them.
    Listed(Vec<(CompactString, f64)>),
    /// Model `n` of the table build.rs wrote (`learned::built_in`): the
    /// binary reads its terms in place.
    BuiltIn(u32),
}

impl Terms {
    /// How many terms the model lists.
    pub fn len(&self) -> usize {
        match self {
            Terms::Listed(t) => t.len(),
            #[cfg(compiled_packs)]
            Terms::BuiltIn(n) => learned::built_in().map_or(0, |t| t.model_terms(*n as usize)),
            #[cfg(not(compiled_packs))]
            Terms::BuiltIn(_) => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The keys and weights, in the order the model lists them.
    pub fn list(&self) -> std::borrow::Cow<'_, [(CompactString, f64)]> {
        match self {
            Terms::Listed(t) => std::borrow::Cow::Borrowed(t),
            #[cfg(compiled_packs)]
            Terms::BuiltIn(n) => std::borrow::Cow::Owned(
                learned::built_in().map_or_else(Vec::new, |t| t.model_list(*n as usize)),
            ),
            #[cfg(not(compiled_packs))]
            Terms::BuiltIn(_) => std::borrow::Cow::Owned(Vec::new()),
        }
    }
}

/// The packs that ship inside the binary.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("true.toml", include_str!("../../rules/true.toml")),
    ("helpful.toml", include_str!("../../rules/helpful.toml")),
    ("inspiring.toml", include_str!("../../rules/inspiring.toml")),
    ("necessary.toml", include_str!("../../rules/necessary.toml")),
    ("kind.toml", include_str!("../../rules/kind.toml")),
    ("sarcasm.toml", include_str!("../../rules/sarcasm.toml")),
    ("hostility.toml", include_str!("../../rules/hostility.toml")),
    (
        "oversharing.toml",
        include_str!("../../rules/oversharing.toml"),
    ),
    // Learned by `think-lint train` (scripts/train-builtin.sh).
    (
        "learned-sarcasm.toml",
        include_str!("../../rules/learned-sarcasm.toml"),
    ),
    (
        "learned-hostility.toml",
        include_str!("../../rules/learned-hostility.toml"),
    ),
    (
        "learned-hate.toml",
        include_str!("../../rules/learned-hate.toml"),
    ),
];

/// Where build.rs writes the compiled built-in packs.
pub const COMPILED_FILE: &str = "built-in-packs.postcard";
/// Where build.rs writes the built-in rules' examples.
pub const EXAMPLES_FILE: &str = "built-in-examples.postcard";
/// Where build.rs writes the terms of the built-in learned models.
pub const TERMS_FILE: &str = "built-in-terms.bin";
/// Where build.rs writes the built-in patterns' prefilter.
pub const PREFILTER_FILE: &str = "built-in-prefilter.bin";
/// Where build.rs writes the built-in rules' phrase lists.
pub const PHRASES_FILE: &str = "built-in-phrases.bin";
/// Where build.rs writes the built-in patterns' DFAs for ASCII text.
pub const DFAS_FILE: &str = "built-in-dfas.bin";
/// Where build.rs writes the built-in patterns parsed (`parsed_hir`).
pub const HIRS_FILE: &str = "built-in-hirs.bin";
/// Where build.rs writes the built-in patterns' screens as DFAs.
pub const SCREENS_FILE: &str = "built-in-screens.bin";

/// What build.rs writes of the built-in packs.
pub struct CompiledBuiltIn {
    /// The packs, without their rules' examples, their learned models'
    /// terms in `terms`.
    pub packs: Vec<u8>,
    /// The rules' `fire` and `pass` examples, rule by rule.
    pub examples: Vec<u8>,
    /// The learned models' term table (`learned::write`).
    pub terms: Vec<u8>,
    /// The patterns' prefilter (`automaton::write`).
    pub prefilter: Vec<u8>,
    /// The rules' phrase lists (`phrases::write`).
    pub phrases: Vec<u8>,
    /// The patterns' DFAs for ASCII text (`ascii_dfa::write`).
    pub dfas: Vec<u8>,
    /// The patterns parsed, and the forms worked out from that
    /// (`parsed_hir::write`).
    pub hirs: Vec<u8>,
    /// The screens of the patterns as DFAs (`screen_dfa::write`).
    pub screens: Vec<u8>,
}

/// Parses and validates every built-in pack exactly as a pack file is
/// (regexes compiled, empty matches refused), computes the prefilter
/// literals of their regexes, and serializes the result. build.rs runs
/// this, so an invalid built-in pack fails the build with the loader's
/// message, and the binary only decodes. The learned models' terms go to
/// a table the binary reads in place, with those of `evidence`, the
/// evidence-only model (the tone's polarity model), and its weight of
/// each.
pub fn compile_built_in(
    evidence: &[(CompactString, f64)],
) -> Result<CompiledBuiltIn, Vec<LocatedError>> {
    let mut packs = Vec::with_capacity(BUILT_IN.len());
    let mut errors = Vec::new();
    for (name, src) in BUILT_IN {
        match compile::pack(src, &format!("built-in:{name}")) {
            Ok(p) => packs.push(p),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // The examples go to a file of their own: checking a post never needs
    // them, so start-up decodes the packs without them.
    let examples: Vec<(Vec<String>, Vec<String>)> = packs
        .iter_mut()
        .flat_map(|p| p.rules.iter_mut())
        .map(|r| (std::mem::take(&mut r.fire), std::mem::take(&mut r.pass)))
        .collect();
    // The learned models' terms go to the table, numbered in rule order.
    let mut models: Vec<Vec<(CompactString, f64)>> = Vec::new();
    for rule in packs.iter_mut().flat_map(|p| p.rules.iter_mut()) {
        if let Matcher::Weighted(w) = &mut rule.matcher {
            let w = Arc::make_mut(w);
            let n = models.len() as u32;
            if let Terms::Listed(terms) = std::mem::replace(&mut w.terms, Terms::BuiltIn(n)) {
                models.push(terms);
            }
        }
    }
    let lists: Vec<&[(CompactString, f64)]> = models.iter().map(Vec::as_slice).collect();
    let (prefilter, patterns) = number_patterns(&mut packs);
    let forms = parsed_hir::forms_of(&patterns);
    let phrases = number_phrase_lists(&mut packs);
    let encode = |what: &str, r: Result<Vec<u8>, postcard::Error>| {
        r.map_err(|e| {
            vec![LocatedError::at(
                "built-in packs",
                "",
                None,
                format!("cannot serialize the built-in {what}: {e}"),
            )]
        })
    };
    Ok(CompiledBuiltIn {
        packs: encode("packs", postcard::to_allocvec(&packs))?,
        examples: encode("examples", postcard::to_allocvec(&examples))?,
        terms: learned::write(&lists, evidence),
        prefilter,
        phrases,
        dfas: ascii_dfa::write(&patterns),
        hirs: parsed_hir::write(&forms),
        screens: screen_dfa::write(&forms),
    })
}

/// `f` of each of `items`, in their order, worked out on every core:
/// build.rs builds and minimizes a DFA or two for each pattern, which is
/// most of the build's time, and the patterns do not depend on each other.
fn map_on_every_core<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len())
        .max(1);
    // Each thread takes the next item when done with one: a few patterns
    // take seconds, most milliseconds.
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut all: Vec<(usize, R)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

/// Numbers the phrase lists of `packs` in rule order and writes their
/// table: the rules keep only their lists' numbers.
fn number_phrase_lists(packs: &mut [Pack]) -> Vec<u8> {
    let mut lists: Vec<Vec<Phrase>> = Vec::new();
    for rule in packs.iter_mut().flat_map(|p| p.rules.iter_mut()) {
        for phrases in phrase_lists(&mut rule.matcher) {
            let list = lists.len() as u32;
            let len = phrases.len() as u32;
            if let Phrases::Listed(p) = std::mem::replace(phrases, Phrases::BuiltIn { list, len }) {
                lists.push(p);
            }
        }
    }
    let lists: Vec<&[Phrase]> = lists.iter().map(Vec::as_slice).collect();
    phrases::write(&lists, 0)
}

/// The phrase lists a matcher looks up: a `words` matcher's list, its
/// `near` list and its `unless` list; a pattern's `unless` list; an
/// `absent` matcher's `words` and `when` lists. An empty `unless`,
/// `words` or `when` list is not looked up.
fn phrase_lists(matcher: &mut Matcher) -> Vec<&mut Phrases> {
    let mut out: Vec<&mut Phrases> = Vec::new();
    match matcher {
        Matcher::Words(w) => {
            let w = Arc::make_mut(w);
            out.push(&mut w.phrases);
            out.extend(w.near.as_mut().map(|n| &mut n.phrases));
            out.push(&mut w.unless);
        }
        Matcher::Regex(p) => out.push(&mut Arc::make_mut(p).unless),
        Matcher::Absent(a) => {
            let a = Arc::make_mut(a);
            out.push(&mut a.words);
            out.push(&mut a.when);
        }
        Matcher::Metric(_) | Matcher::Weighted(_) => {}
    }
    // A `words` matcher's own list is never empty.
    out.retain(|p| !p.is_empty());
    out
}

/// Numbers the distinct patterns (with their case sensitivity) of `packs`
/// in rule order, and writes the prefilter automata over their literals,
/// as the engine's prefilter would build them — but for the literal sets
/// that count on ASCII text only (`literals::ascii_only`) and the pairs of
/// sets (`literals::paired`), which the engine's prefilter does without,
/// and the fewest digits a pattern's matches hold
/// (`literals::fewest_digits`), which it works out for other patterns
/// itself. Also returns the patterns (with their
/// case sensitivity) in their numbers' order.
fn number_patterns(packs: &mut [Pack]) -> (Vec<u8>, Vec<(String, bool)>) {
    let mut numbers: std::collections::HashMap<(String, bool), u32> =
        std::collections::HashMap::new();
    let mut insensitive = Vec::new();
    let mut sensitive = Vec::new();
    let mut lists = automaton::Lists::default();
    let mut patterns = Vec::new();
    let mut number = |r: &mut LazyRegex| {
        let key = (r.as_str().to_string(), r.case_sensitive());
        let next = numbers.len() as u32;
        let n = *numbers.entry(key.clone()).or_insert(next);
        r.set_built_in(n);
        if n != next {
            return;
        }
        patterns.push(key);
        let mut add = |needles: &Needles, tagged: u32| {
            let fold = needles.ascii_case_insensitive;
            let target = if fold {
                &mut insensitive
            } else {
                &mut sensitive
            };
            target.extend(needles.literals.iter().map(|l| {
                let l = if fold {
                    l.to_ascii_lowercase()
                } else {
                    l.clone()
                };
                (l, tagged)
            }));
        };
        if r.literals().is_some() {
            // Posts with too few digits for it are ruled out whatever
            // literals they hold (one digit is what its literals need).
            match literals::fewest_digits(r.as_str(), r.case_sensitive()) {
                0 | 1 => {}
                fewest => lists.digits.push((n, fewest)),
            }
        }
        match r.literals() {
            // A much rarer set for ASCII text: each set counts only on
            // its kind of text.
            Some(needles) => match literals::ascii_only(r.as_str(), r.case_sensitive()) {
                Some(ascii) => {
                    add(&ascii, n | automaton::ASCII_TEXT_ONLY);
                    add(needles, n | automaton::OTHER_TEXT_ONLY);
                }
                // Two sets from different parts, needed both, where that
                // rules out many more posts.
                None => match literals::paired(r.as_str(), r.case_sensitive()) {
                    Some([first, second]) => {
                        add(&first, n);
                        add(&second, n | automaton::SECOND_SET);
                        lists.paired.push(n);
                    }
                    None => add(needles, n),
                },
            },
            // A pattern with no literal runs on every post, but one whose
            // matches hold characters outside ASCII only on posts with as
            // many.
            None => match literals::fewest_non_ascii(r.as_str(), r.case_sensitive()) {
                0 => lists.always.push(n),
                fewest => lists.non_ascii.push((n, fewest)),
            },
        }
    };
    for rule in packs.iter_mut().flat_map(|p| p.rules.iter_mut()) {
        match &mut rule.matcher {
            Matcher::Regex(p) => number(&mut Arc::make_mut(p).regex),
            Matcher::Absent(a) => Arc::make_mut(a).patterns.iter_mut().for_each(&mut number),
            _ => {}
        }
    }
    let prefilter = automaton::write(numbers.len() as u32, &insensitive, &sensitive, &lists);
    (prefilter, patterns)
}

/// The built-in packs as build.rs compiled them.
#[cfg(compiled_packs)]
pub const COMPILED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/built-in-packs.postcard"));

/// The built-in rules' examples as build.rs compiled them.
#[cfg(compiled_packs)]
pub const COMPILED_EXAMPLES: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/built-in-examples.postcard"));

/// Loads the built-in packs with their rules' examples.
#[cfg(compiled_packs)]
pub fn built_in() -> Result<Vec<Pack>, Vec<LocatedError>> {
    let mut packs = built_in_without_examples()?;
    let examples: Vec<(Vec<String>, Vec<String>)> =
        postcard::from_bytes(COMPILED_EXAMPLES).map_err(|e| unreadable("examples", e))?;
    if packs.iter().map(|p| p.rules.len()).sum::<usize>() != examples.len() {
        return Err(unreadable("examples", "one entry per rule expected"));
    }
    let rules = packs.iter_mut().flat_map(|p| p.rules.iter_mut());
    for (rule, (fire, pass)) in rules.zip(examples) {
        rule.fire = fire;
        rule.pass = pass;
    }
    Ok(packs)
}

/// Loads the built-in packs, their rules' `fire` and `pass` examples left
/// empty: decodes what build.rs validated and compiled, so start-up neither
/// parses TOML nor stems word lists. Checking posts needs no examples;
/// `built_in` reads them too. An error here is a bug in the binary.
#[cfg(compiled_packs)]
pub fn built_in_without_examples() -> Result<Vec<Pack>, Vec<LocatedError>> {
    let mut packs: Vec<Pack> =
        postcard::from_bytes(COMPILED).map_err(|e| unreadable("packs", e))?;
    share_regexes(&mut packs);
    Ok(packs)
}

#[cfg(compiled_packs)]
fn unreadable(what: &str, e: impl std::fmt::Display) -> Vec<LocatedError> {
    vec![LocatedError::at(
        "built-in packs",
        "",
        None,
        format!("the compiled built-in {what} cannot be read: {e}"),
    )]
}

/// Makes rules that use the same pattern (with the same case sensitivity)
/// share one compiled regex: several packs look for times, dates or phone
/// numbers alike, and a post that needs one needs them all.
pub fn share_regexes(packs: &mut [Pack]) {
    let mut first: std::collections::HashMap<(String, bool), LazyRegex> =
        std::collections::HashMap::new();
    // Built-in patterns are numbered: the same number, the same pattern.
    let mut numbered: Vec<Option<LazyRegex>> = Vec::new();
    let mut share = |r: &mut LazyRegex| {
        if let Some(n) = r.built_in() {
            let n = n as usize;
            if numbered.len() <= n {
                numbered.resize(n + 1, None);
            }
            match &numbered[n] {
                Some(shared) => *r = shared.clone(),
                None => numbered[n] = Some(r.clone()),
            }
            return;
        }
        let key = (r.as_str().to_string(), r.case_sensitive());
        match first.get(&key) {
            Some(shared) => *r = shared.clone(),
            None => {
                first.insert(key, r.clone());
            }
        }
    };
    for rule in packs.iter_mut().flat_map(|p| p.rules.iter_mut()) {
        match &mut rule.matcher {
            Matcher::Regex(p) => share(&mut Arc::make_mut(p).regex),
            Matcher::Absent(a) => Arc::make_mut(a).patterns.iter_mut().for_each(&mut share),
            _ => {}
        }
    }
}

/// Parses and validates one pack, compiling its regexes. `origin` names the
/// file in errors.
pub fn parse(source: &str, origin: &str) -> Result<Pack, Vec<LocatedError>> {
    compile::pack(source, origin)
}

/// A metric is stored by name: names are its stable identity.
mod metric_name {
    use super::Metric;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(m: &Metric, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(m.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Metric, D::Error> {
        let name = String::deserialize(d)?;
        Metric::parse(&name).ok_or_else(|| D::Error::custom(format!("unknown metric `{name}`")))
    }
}

/// Reads a pack file, or every `*.toml` file of a folder (sorted by name).
pub fn load_path(path: &Path) -> Result<Vec<Pack>, crate::Error> {
    let meta = std::fs::metadata(path).map_err(|e| crate::Error::io(path.display(), &e))?;
    let files = if meta.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| crate::Error::io(path.display(), &e))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut packs = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file).map_err(|e| crate::Error::io(file.display(), &e))?;
        let origin = file.display().to_string();
        let Ok(source) = String::from_utf8(bytes) else {
            errors.push(LocatedError::at(
                &origin,
                "",
                None,
                "a rule pack must be UTF-8 text",
            ));
            continue;
        };
        match parse(&source, &origin) {
            Ok(p) => packs.push(p),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(packs)
    } else {
        Err(crate::Error::Located(errors))
    }
}

#[cfg(all(test, compiled_packs))]
mod tests {
    use super::*;

    #[test]
    fn maps_on_every_core_in_order() {
        // Uneven work, as the patterns' DFAs are: some items take longer,
        // so the threads finish them out of order.
        let items: Vec<u64> = (0..200).collect();
        let slow = |&x: &u64| {
            if x % 17 == 0 {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            x * x
        };
        let want: Vec<u64> = items.iter().map(slow).collect();
        assert_eq!(map_on_every_core(&items, slow), want);
        assert_eq!(map_on_every_core(&items[..1], slow), [0]);
        assert!(map_on_every_core(&items[..0], slow).is_empty());
    }

    #[test]
    fn compiled_packs_are_the_current_sources() {
        // build.rs ran the same compilation: the bytes must agree, and
        // decoding then encoding again must give them back.
        let (weights, _) = crate::tone::polarity_terms();
        let evidence: Vec<(CompactString, f64)> = (0..weights.len())
            .map(|i| (weights.key(i).into(), weights.values[i]))
            .collect();
        let compiled = compile_built_in(&evidence).unwrap();
        assert!(compiled.packs == COMPILED);
        assert!(compiled.examples == COMPILED_EXAMPLES);
        let table = learned::built_in().expect("the term table reads");
        assert!(compiled.terms == table.bytes());
        let automata = automaton::built_in().expect("the prefilter reads");
        assert!(compiled.prefilter == automata.bytes());
        let phrase_table = phrases::built_in().expect("the phrase table reads");
        assert!(compiled.phrases == phrase_table.bytes());
        assert!(compiled.dfas == ascii_dfa::TABLE);
        assert!(compiled.hirs == parsed_hir::TABLE);
        assert!(compiled.screens == screen_dfa::TABLE);
        let packs = built_in_without_examples().unwrap();
        assert_eq!(packs.len(), BUILT_IN.len());
        assert!(postcard::to_allocvec(&packs).unwrap() == COMPILED);
        // With the examples back, every rule has its examples, as the
        // packs read from TOML have them.
        let full = built_in().unwrap();
        for (name, src) in BUILT_IN {
            let read = compile::pack(src, &format!("built-in:{name}")).unwrap();
            let pack = full.iter().find(|p| p.id == read.id).unwrap();
            assert_eq!(pack.rules.len(), read.rules.len());
            for (a, b) in pack.rules.iter().zip(&read.rules) {
                assert!(!a.fire.is_empty() && a.fire == b.fire, "{}", a.id);
                assert!(a.pass == b.pass, "{}", a.id);
                // Learned models read their terms from the table.
                if let (Matcher::Weighted(x), Matcher::Weighted(y)) = (&a.matcher, &b.matcher) {
                    assert!(matches!(x.terms, Terms::BuiltIn(_)), "{}", a.id);
                    assert_eq!(x.terms.len(), y.terms.len(), "{}", a.id);
                    assert!(x.terms.list() == y.terms.list(), "{}", a.id);
                }
            }
        }
    }

    #[test]
    fn built_in_rules_share_identical_patterns() {
        let packs = built_in().unwrap();
        let mut regexes: Vec<&LazyRegex> = Vec::new();
        for rule in packs.iter().flat_map(|p| &p.rules) {
            match &rule.matcher {
                Matcher::Regex(p) => regexes.push(&p.regex),
                Matcher::Absent(a) => regexes.extend(&a.patterns),
                _ => {}
            }
        }
        let mut shared = 0;
        for (i, a) in regexes.iter().enumerate() {
            for b in &regexes[i + 1..] {
                if a.as_str() == b.as_str() && a.case_sensitive() == b.case_sensitive() {
                    // One compiled program for both.
                    assert!(std::ptr::eq(a.get(), b.get()), "/{}/", a.as_str());
                    shared += 1;
                }
            }
        }
        assert!(shared > 0);
    }
}

/// Every pattern of the built-in packs, in rule order, and every rule
/// example: what tests of the pattern machinery run them over.
#[cfg(test)]
pub(crate) fn built_in_patterns_and_examples() -> (Vec<LazyRegex>, Vec<String>) {
    let packs = built_in().unwrap();
    let mut regexes = Vec::new();
    let mut texts = Vec::new();
    for rule in packs.iter().flat_map(|p| &p.rules) {
        match &rule.matcher {
            Matcher::Regex(p) => regexes.push(p.regex.clone()),
            Matcher::Absent(a) => regexes.extend(a.patterns.iter().cloned()),
            _ => {}
        }
        texts.extend(rule.fire.iter().chain(&rule.pass).cloned());
    }
    (regexes, texts)
}
