//! The rule engine: every enabled rule of every pack compiled once into
//! shared matchers — one hash lookup over stems for all word lists, one
//! regex set as a prefilter for all patterns — then each post is run
//! through them in a single pass.

mod ascii_words;
mod lexicon;
mod negation;
mod prefilter;
pub mod search_costs;
mod select;
mod triggers;
mod weighted;

pub use select::{Selection, specificity};

use crate::error::{Error, LocatedError};
use crate::pack::LazyRegex;
use crate::pack::{Check, Context, Matcher, Negation, Order, Pack, Rule, Terms};
use crate::text::{Analysis, Metric};
use ascii_words::{AsciiWords, Kind};
use lexicon::{Hit, Lexicon, ListId};
use prefilter::{Candidates, Prefilter};
use std::ops::Range;
use triggers::{RuleSet, Triggers};
use unicode_segmentation::UnicodeSegmentation;
pub(crate) use weighted::Scores;
use weighted::{Scored, WeightedIndex};

/// A map for start-up's bookkeeping, keyed by rule ids and patterns: a
/// fixed fast hash, as the phrase tables use.
type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// What tells patterns apart: built-in patterns by their number (build.rs
/// numbered each distinct one), so their text need not be hashed at
/// start-up; patterns from pack files by their text and case sensitivity.
#[derive(PartialEq, Eq, Hash)]
enum PatternKey<'r> {
    BuiltIn(u32),
    Text(&'r str, bool),
}

impl<'r> PatternKey<'r> {
    fn of(r: &'r LazyRegex) -> PatternKey<'r> {
        match r.built_in() {
            Some(n) => PatternKey::BuiltIn(n),
            None => PatternKey::Text(r.as_str(), r.case_sensitive()),
        }
    }
}

/// How many findings one rule reports for one post at most.
const MAX_FINDINGS_PER_RULE: usize = 5;

/// The result of a scoped thread, or its panic resumed here.
fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// A rule that fired: which rule, and the byte span of the post it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleMatch {
    pub rule: usize,
    pub span: Range<usize>,
    /// What was measured, for metric rules ("caps-ratio 0.82, above 0.6").
    pub detail: Option<String>,
}

/// The compiled rule set.
pub struct Engine {
    rules: Vec<Rule>,
    plans: Vec<Plan>,
    /// Which plans a post's lexicon and prefilter hits make worth running.
    triggers: Triggers,
    lexicon: Lexicon,
    prefilter: Prefilter,
    regexes: Vec<LazyRegex>,
    /// The patterns' versions for posts whose non-ASCII characters are
    /// none of them word characters.
    ascii_words: AsciiWords,
    allow: Vec<Vec<compact_str::CompactString>>,
    learned: WeightedIndex,
    /// Each regex's searches, counted when `THINK_LINT_TIMINGS` asks
    /// (`search_costs::enable`).
    search_costs: Option<std::sync::Arc<search_costs::Counters>>,
}

enum Plan {
    Words {
        list: ListId,
        hashtags: bool,
        near: Option<(ListId, usize, Order)>,
        negation: Negation,
        quotes: Context,
        unless: Option<ListId>,
        min_count: usize,
    },
    Regex {
        regex: usize,
        check: Option<Check>,
        negation: Negation,
        quotes: Context,
        unless: Option<ListId>,
        min_count: usize,
    },
    Metric {
        metric: Metric,
        above: Option<f64>,
        below: Option<f64>,
        min_words: usize,
    },
    Absent {
        words: Option<ListId>,
        patterns: Vec<usize>,
        when: Option<ListId>,
        min_words: usize,
    },
    Weighted {
        model: usize,
    },
}

impl Engine {
    /// Compiles the rules of `packs` that `selection` enables.
    pub fn new(packs: &[Pack], selection: &Selection) -> Result<Engine, Error> {
        Engine::with_rules(selection.apply(packs)?, selection)
    }

    /// `new`, taking the rules out of `packs` instead of copying them.
    pub fn from_packs(packs: Vec<Pack>, selection: &Selection) -> Result<Engine, Error> {
        Engine::with_rules(selection.take(packs)?, selection)
    }

    /// Compiles `rules`, the ones `selection` enables.
    fn with_rules(rules: Vec<Rule>, selection: &Selection) -> Result<Engine, Error> {
        check_unique_ids(&rules)?;
        // Every pattern, numbered in rule order; the prefilter's automaton
        // over their literals is built on another thread meanwhile.
        // Rules sharing a pattern share its compiled regex and, per post,
        // its one search: `pattern_ids` maps each pattern, in rule order,
        // to its place in `regexes`.
        let mut regexes: Vec<LazyRegex> = Vec::new();
        let mut by_pattern: FastMap<PatternKey, usize> = FastMap::default();
        let pattern_ids: Vec<usize> = rules
            .iter()
            .flat_map(|r| match &r.matcher {
                Matcher::Regex(p) => std::slice::from_ref(&p.regex),
                Matcher::Absent(a) => a.patterns.as_slice(),
                _ => &[],
            })
            .map(|r| {
                *by_pattern.entry(PatternKey::of(r)).or_insert_with(|| {
                    regexes.push(r.clone());
                    regexes.len() - 1
                })
            })
            .collect();
        // The term index of learned models from pack files is built on a
        // third thread: it needs nothing from the plans but their order.
        // (The built-in models' terms are in a table read in place.)
        // (The built-in patterns' automata are built already: only patterns
        // from pack files make the prefilter worth a thread.)
        let (prefilter, lexicon, plans, learned) = std::thread::scope(|s| {
            let built = regexes
                .iter()
                .any(|r| r.built_in().is_none())
                .then(|| std::thread::Builder::new().spawn_scoped(s, || Prefilter::new(&regexes)));
            let any_listed = rules.iter().any(|r| {
                matches!(&r.matcher, Matcher::Weighted(w) if matches!(w.terms, Terms::Listed(_)))
            });
            let indexed = any_listed
                .then(|| std::thread::Builder::new().spawn_scoped(s, || Engine::learned(&rules)));
            let (lexicon, plans) = Engine::plans(&rules, &pattern_ids);
            let learned = match indexed {
                Some(Ok(handle)) => join(handle),
                _ => Engine::learned(&rules),
            };
            let prefilter = match built {
                Some(Ok(handle)) => join(handle),
                _ => Prefilter::new(&regexes),
            };
            (prefilter, lexicon, plans, learned)
        });
        let allow = selection
            .allow
            .iter()
            .filter_map(|w| crate::pack::phrase(w, false).ok())
            .map(|p| p.keys)
            .collect();
        let search_costs = search_costs::enabled()
            .then(|| {
                search_costs::Counters::register(Engine::regex_names(&rules, &plans, &regexes))
            })
            .flatten();
        Ok(Engine {
            search_costs,
            rules,
            triggers: Engine::triggers(&plans, regexes.len()),
            plans,
            lexicon,
            prefilter,
            ascii_words: AsciiWords::new(regexes.len()),
            regexes,
            allow,
            learned,
        })
    }

    /// The term index of the learned rules' models, numbered in rule order,
    /// then of the tone's polarity model: its evidence is read through the
    /// same term lookups.
    fn learned(rules: &[Rule]) -> WeightedIndex {
        let models = || {
            rules.iter().filter_map(|r| match &r.matcher {
                Matcher::Weighted(w) => Some(w),
                _ => None,
            })
        };
        let mut learned = WeightedIndex::default();
        // Room for every listed term at once: the tables grow once (the
        // built-in models' terms are in their table already).
        learned.reserve(
            models()
                .map(|w| match &w.terms {
                    Terms::Listed(t) => t.len(),
                    Terms::BuiltIn(_) => 0,
                })
                .sum(),
        );
        for w in models() {
            learned.add(w);
        }
        let (terms, pair_words) = crate::tone::polarity_terms();
        learned.add_evidence(terms, pair_words);
        learned
    }

    /// The plan of each rule, with the word lists they use; `pattern_ids`
    /// holds the regex of each pattern, in rule order. Learned rules are
    /// numbered in rule order, as `learned` indexes their models.
    fn plans(rules: &[Rule], pattern_ids: &[usize]) -> (Lexicon, Vec<Plan>) {
        let mut lexicon = lexicon::Builder::new();
        let mut next = pattern_ids.iter().copied();
        let mut add_regex = |_: &LazyRegex| next.next().expect("one id per pattern");
        let mut plans = Vec::with_capacity(rules.len());
        let mut models = 0..;
        for rule in rules {
            let plan = match &rule.matcher {
                Matcher::Words(w) => Plan::Words {
                    list: lexicon.add_list(&w.phrases),
                    hashtags: w.hashtags,
                    near: w
                        .near
                        .as_ref()
                        .map(|n| (lexicon.add_list(&n.phrases), n.within, n.order)),
                    negation: w.negation,
                    quotes: w.quotes,
                    unless: (!w.unless.is_empty()).then(|| lexicon.add_list(&w.unless)),
                    min_count: w.min_count,
                },
                Matcher::Regex(p) => Plan::Regex {
                    regex: add_regex(&p.regex),
                    check: p.check,
                    negation: p.negation,
                    quotes: p.quotes,
                    unless: (!p.unless.is_empty()).then(|| lexicon.add_list(&p.unless)),
                    min_count: p.min_count,
                },
                Matcher::Metric(t) => Plan::Metric {
                    metric: t.metric,
                    above: t.above,
                    below: t.below,
                    min_words: t.min_words,
                },
                Matcher::Absent(a) => Plan::Absent {
                    words: (!a.words.is_empty()).then(|| lexicon.add_list(&a.words)),
                    patterns: a.patterns.iter().map(&mut add_regex).collect(),
                    when: (!a.when.is_empty()).then(|| lexicon.add_list(&a.when)),
                    min_words: a.min_words,
                },
                Matcher::Weighted(_) => Plan::Weighted {
                    model: models.next().expect("an endless range"),
                },
            };
            plans.push(plan);
        }
        (lexicon.finish(), plans)
    }

    /// The rules each list and regex can start: a word-list rule fires only
    /// when its list has hits, a pattern rule only when the prefilter lets
    /// its regex run; the others are visited on every post.
    fn triggers(plans: &[Plan], regexes: usize) -> Triggers {
        let mut triggers = Triggers::new(plans.len(), regexes);
        for (rule, plan) in plans.iter().enumerate() {
            match plan {
                Plan::Words { list, .. } => triggers.on_list(*list, rule),
                Plan::Regex { regex, .. } => triggers.on_regex(*regex, rule),
                Plan::Metric { .. } | Plan::Absent { .. } | Plan::Weighted { .. } => {
                    triggers.always(rule)
                }
            }
        }
        triggers
    }

    /// The enabled rules, in pack order; `RuleMatch::rule` indexes this.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Runs every rule over one post. Hits come sorted by position, then
    /// rule.
    pub fn check(&self, text: &str) -> Vec<RuleMatch> {
        let a = Analysis::new(text);
        self.check_analysis(&a)
    }

    pub fn check_analysis(&self, a: &Analysis) -> Vec<RuleMatch> {
        self.check_analysis_and_evidence(a).0
    }

    /// [`Engine::check_analysis`], with the evidence of the tone's
    /// learned polarity model in the post ([`crate::tone::tone_with`]
    /// reads it), scored in the same pass as the learned rules.
    pub fn check_analysis_and_evidence(&self, a: &Analysis) -> (Vec<RuleMatch>, f64) {
        let scores = self.score(a);
        self.check_with_scores(a, &scores)
    }

    /// The learned rules' verdicts on an analysed post, with the evidence
    /// of the tone's learned model: the first half of
    /// [`Engine::check_analysis_and_evidence`], which a run over many
    /// posts takes for several posts before the second
    /// ([`Engine::check_with_scores`]).
    pub(crate) fn score(&self, a: &Analysis) -> Scores {
        self.learned.score(a)
    }

    /// Every rule's matches in an analysed post whose learned rules are
    /// scored ([`Engine::score`]), with the tone's learned evidence.
    pub(crate) fn check_with_scores(&self, a: &Analysis, scores: &Scores) -> (Vec<RuleMatch>, f64) {
        (self.check_scored(a, &scores.rules), scores.evidence)
    }

    /// Runs every rule over one post whose learned rules are scored.
    fn check_scored(&self, a: &Analysis, scored: &[Scored]) -> Vec<RuleMatch> {
        // The buffers of the last post checked on this thread; taken, so a
        // post checked meanwhile on this thread (the pool may hand it one
        // while it waits) makes its own.
        let mut scratch = SCRATCH.take().unwrap_or_default();
        let out = self.check_with(a, scored, &mut scratch);
        SCRATCH.set(Some(scratch));
        out
    }

    fn check_with(&self, a: &Analysis, scored: &[Scored], scratch: &mut Scratch) -> Vec<RuleMatch> {
        self.lexicon
            .scan_into(&a.tokens, a.word_generation, &mut scratch.hits);
        let lists = &scratch.hits.lists[..];
        let flat = soft_breaks_as_spaces(a.text);
        self.prefilter.candidates_into(&flat, &mut scratch.matched);
        let matched = &scratch.matched;
        let words = Kind::of(&flat);
        self.triggers
            .rules_into(scratch.hits.found(), matched, &mut scratch.rules);
        // Asked by every rule that looks for something missing: a post
        // blanked from Markdown starts with its front matter's spaces.
        let blank = is_blank(a.text);
        self.compile_needed(a, blank, lists, matched, &scratch.rules, words);
        let searches = &mut scratch.searches;
        searches.reset(self.regexes.len(), words);
        let mut out = Vec::with_capacity(8);
        let spans = &mut scratch.spans;
        spans.clear();
        for rule in scratch.rules.iter() {
            let plan = &self.plans[rule];
            if let Plan::Weighted { model } = plan {
                out.extend(self.learned_match(rule, a, &scored[*model]));
                continue;
            }
            spans.clear();
            self.eval(plan, a, blank, &flat, lists, matched, searches, spans);
            if spans.is_empty() {
                continue;
            }
            disjoint(spans);
            let detail = match plan {
                Plan::Metric {
                    metric,
                    above,
                    below,
                    ..
                } => Some(metric_detail(a, *metric, *above, *below)),
                _ => None,
            };
            out.extend(
                spans
                    .drain(..)
                    .take(MAX_FINDINGS_PER_RULE)
                    .map(|span| RuleMatch {
                        rule,
                        span,
                        detail: detail.clone(),
                    }),
            );
        }
        out.sort_by(|x, y| {
            (x.span.start, x.span.end, x.rule).cmp(&(y.span.start, y.span.end, y.rule))
        });
        out
    }

    /// Compiles, side by side on the thread pool, the regexes this post
    /// will run that are not compiled yet (the first posts of a run pay
    /// for them; a one-post run waits for them all). Only `rules`, the
    /// rules the post visits (`Triggers::rules_into`), can need any.
    fn compile_needed(
        &self,
        a: &Analysis,
        blank: bool,
        lists: &[Vec<Hit>],
        matched: &Candidates,
        rules: &RuleSet,
        words: Kind,
    ) {
        // Regexes built lean compile in less time than starting the pool
        // takes; each is compiled when first searched.
        if crate::pack::compiles_lean() {
            return;
        }
        let pending = |i: &usize| {
            matched.contains(*i) && !self.ascii_words.is_ready(*i, &self.regexes[*i], words)
        };
        if matched.iter().filter(pending).nth(1).is_none() {
            return;
        }
        let hit = |list: ListId, hashtags: bool| {
            lists[list]
                .iter()
                .any(|h| hashtags || !a.tokens[h.start].in_hashtag)
        };
        let mut needed: Vec<usize> = Vec::new();
        for plan in rules.iter().map(|rule| &self.plans[rule]) {
            match plan {
                Plan::Regex { regex, unless, .. } if !unless.is_some_and(|u| hit(u, false)) => {
                    needed.push(*regex);
                }
                Plan::Absent {
                    words,
                    patterns,
                    when,
                    min_words,
                } if a.metrics.words >= *min_words
                    && !blank
                    && when.is_none_or(|w| hit(w, false))
                    && !words.is_some_and(|w| !lists[w].is_empty()) =>
                {
                    // The patterns run in order until one matches.
                    needed.extend(
                        patterns
                            .iter()
                            .copied()
                            .filter(|&p| matched.contains(p))
                            .take(1),
                    );
                }
                _ => {}
            }
        }
        needed.retain(pending);
        needed.sort_unstable();
        needed.dedup();
        if needed.len() > 1 {
            use rayon::prelude::*;
            needed.par_iter().for_each(|&i| {
                self.ascii_words.prepare(i, &self.regexes[i], words);
            });
        }
    }

    /// A learned rule's finding: it points at the term that pushed hardest
    /// and names the top terms.
    fn learned_match(&self, rule: usize, a: &Analysis, s: &Scored) -> Option<RuleMatch> {
        if !s.fires {
            return None;
        }
        let span = s
            .top
            .iter()
            .find_map(|c| c.span.clone())
            .unwrap_or_else(|| first_line(a.text));
        if self.allowed_text(&a.text[span.clone()]) {
            return None;
        }
        Some(RuleMatch {
            rule,
            span,
            detail: Some(self.learned_detail(s)),
        })
    }

    /// "learned score 0.91; strongest signals: idiot (+2.50), shut up
    /// (+1.50)", written into one string.
    fn learned_detail(&self, s: &Scored) -> String {
        use crate::report::push_hundredths;
        let mut detail = String::with_capacity(128);
        detail.push_str("learned score ");
        push_hundredths(&mut detail, s.probability);
        detail.push_str("; strongest signals: ");
        if s.top.is_empty() {
            detail.push_str("none");
        }
        for (n, c) in s.top.iter().enumerate() {
            if n > 0 {
                detail.push_str(", ");
            }
            detail.push_str(self.learned.key(c.term));
            detail.push_str(" (+");
            push_hundredths(&mut detail, c.weight);
            detail.push(')');
        }
        detail
    }

    fn allowed(&self, a: &Analysis, hit: &Hit) -> bool {
        if self.allow.is_empty() {
            return false;
        }
        let toks = &a.tokens[hit.start..hit.end];
        self.allow.iter().any(|keys| {
            toks.windows(keys.len())
                .any(|w| w.iter().zip(keys).all(|(t, k)| t.stem == k))
        })
    }

    fn allowed_text(&self, text: &str) -> bool {
        !self.allow.is_empty()
            && crate::pack::phrase(text, false).is_ok_and(|p| self.allow.contains(&p.keys))
    }

    /// Runs `search` with compiled pattern `i`, on a post of kind `words`.
    fn search<T: Answer>(
        &self,
        i: usize,
        words: Kind,
        search: impl FnOnce(&crate::pack::Program) -> T,
    ) -> T {
        match &self.search_costs {
            Some(costs) => costs.time(
                i,
                || self.ascii_words.search(i, &self.regexes[i], words, search),
                T::matched,
            ),
            None => self.ascii_words.search(i, &self.regexes[i], words, search),
        }
    }

    /// Per regex, the ids of the rules whose plans search it, and its
    /// pattern (`search_costs`).
    fn regex_names(
        rules: &[Rule],
        plans: &[Plan],
        regexes: &[LazyRegex],
    ) -> Vec<(Vec<String>, String)> {
        let mut names: Vec<(Vec<String>, String)> = regexes
            .iter()
            .map(|r| (Vec::new(), r.as_str().to_string()))
            .collect();
        for (rule, plan) in rules.iter().zip(plans) {
            let searched: &[usize] = match plan {
                Plan::Regex { regex, .. } => std::slice::from_ref(regex),
                Plan::Absent { patterns, .. } => patterns,
                _ => &[],
            };
            for &i in searched {
                if let Some((ids, _)) = names.get_mut(i)
                    && !ids.contains(&rule.id)
                {
                    ids.push(rule.id.clone());
                }
            }
        }
        names
    }

    /// Adds the spans where `plan` fires on the post to `out` (left empty
    /// when it does not fire).
    #[allow(clippy::too_many_arguments)]
    fn eval(
        &self,
        plan: &Plan,
        a: &Analysis,
        blank: bool,
        flat: &str,
        lists: &[Vec<Hit>],
        matched: &Candidates,
        searches: &mut Searches,
        out: &mut Vec<Range<usize>>,
    ) {
        let visible = |list: ListId, hashtags: bool| {
            lists[list]
                .iter()
                .filter(move |h| hashtags || !a.tokens[h.start].in_hashtag)
        };
        let span_of = |h: &Hit| a.tokens[h.start].span.start..a.tokens[h.end - 1].span.end;
        match plan {
            Plan::Words {
                list,
                hashtags,
                near,
                negation,
                quotes,
                unless,
                min_count,
            } => {
                // Most lists find nothing in a post: that costs one check.
                if lists[*list].is_empty()
                    || unless.is_some_and(|u| visible(u, *hashtags).next().is_some())
                {
                    return;
                }
                let hits = visible(*list, *hashtags)
                    .filter(|h| negation::counts(*negation, a, h.start, h.start))
                    .filter(|h| {
                        context_ok(*quotes, a.tokens[h.start..h.end].iter().all(|t| t.quoted))
                    })
                    .filter(|h| !self.allowed(a, h))
                    .filter(|h| match near {
                        None => true,
                        Some((l, within, order)) => {
                            visible(*l, *hashtags).any(|n| is_near(h, n, *within, *order))
                        }
                    })
                    .map(span_of);
                out.extend(hits);
                if out.len() < *min_count {
                    out.clear();
                }
            }
            Plan::Regex {
                regex,
                check,
                negation,
                quotes,
                unless,
                min_count,
            } => {
                if !matched.contains(*regex)
                    || unless.is_some_and(|u| visible(u, false).next().is_some())
                {
                    return;
                }
                let words = searches.words;
                let found = searches.get(*regex, || {
                    self.search(*regex, words, |r| {
                        let mut any = false;
                        let spans = r
                            .find_iter(flat)
                            .inspect(|_| any = true)
                            .filter(|m| !m.is_empty())
                            .map(|m| m.range())
                            .collect();
                        Search { any, spans }
                    })
                });
                let hits = found
                    .spans
                    .iter()
                    .filter(|m| check.is_none_or(|Check::Luhn| luhn(&flat[(*m).clone()])))
                    .filter(|m| negation::span_counts(*negation, a, m))
                    .filter(|m| {
                        context_ok(
                            *quotes,
                            a.quotes
                                .iter()
                                .any(|q| q.start <= m.start && m.end <= q.end),
                        )
                    })
                    .filter(|m| !self.allowed_text(&flat[(*m).clone()]))
                    .take(100)
                    .cloned();
                out.extend(hits);
                if out.len() < *min_count {
                    out.clear();
                }
            }
            Plan::Metric {
                metric,
                above,
                below,
                min_words,
            } => {
                if a.metrics.words < *min_words {
                    return;
                }
                let value = a.metric_value(*metric);
                let fires = above.is_some_and(|x| value > x) || below.is_some_and(|x| value < x);
                if !fires {
                    return;
                }
                let (_, evidence) = a.metric(*metric);
                let span = match (metric, above) {
                    (Metric::Graphemes, Some(limit)) => {
                        let start = a
                            .text
                            .grapheme_indices(true)
                            .nth(*limit as usize)
                            .map_or(0, |(i, _)| i);
                        start..a.text.trim_end().len().max(start)
                    }
                    _ => evidence
                        .into_iter()
                        .find(|s| !s.is_empty())
                        .unwrap_or_else(|| first_line(a.text)),
                };
                out.push(span);
            }
            Plan::Weighted { .. } => {}
            Plan::Absent {
                words,
                patterns,
                when,
                min_words,
            } => {
                if a.metrics.words < *min_words || blank {
                    return;
                }
                // The trigger first: it is a lookup, the patterns may have
                // to be compiled and run. (Without one, the finding points
                // at the first line, found only if it fires.)
                let trigger = match when {
                    None => None,
                    Some(w) => match visible(*w, false).next() {
                        Some(h) => Some(span_of(h)),
                        None => return,
                    },
                };
                let present = words.is_some_and(|w| !lists[w].is_empty())
                    || patterns.iter().any(|&p| {
                        matched.contains(p)
                            && searches.any(p).unwrap_or_else(|| {
                                let any = self.search(p, searches.words, |r| r.is_match(flat));
                                searches.set_any(p, any);
                                any
                            })
                    });
                if !present {
                    out.push(trigger.unwrap_or_else(|| first_line(a.text)));
                }
            }
        }
    }
}

/// Buffers one thread reuses from post to post.
#[derive(Default)]
struct Scratch {
    hits: lexicon::Hits,
    /// Which patterns may match the post (`Prefilter::candidates_into`).
    matched: Candidates,
    searches: Searches,
    spans: Vec<Range<usize>>,
    /// The rules worth visiting (`Triggers::rules_into`).
    rules: RuleSet,
}

thread_local! {
    /// Boxed, so that taking it and putting it back moves a pointer, not
    /// the 336 bytes of the buffers' headers, once per post.
    static SCRATCH: std::cell::Cell<Option<Box<Scratch>>> = const { std::cell::Cell::new(None) };
}

/// What one regex found in one post: whether it matched at all, and its
/// non-empty matches.
struct Search {
    any: bool,
    spans: Vec<Range<usize>>,
}

/// The answer of one regex's search of a post, as `search_costs` counts
/// it: whether the regex matched.
trait Answer {
    fn matched(&self) -> bool;
}

impl Answer for Search {
    fn matched(&self) -> bool {
        self.any
    }
}

impl Answer for bool {
    fn matched(&self) -> bool {
        *self
    }
}

/// The searches run on one post, so rules sharing a pattern search once.
struct Searches {
    done: Vec<Option<Search>>,
    /// `is_match` answers for patterns not searched in full.
    any: Vec<Option<bool>>,
    /// The patterns with an entry in `done` or `any`.
    touched: Vec<usize>,
    /// Which versions of the patterns the post can be searched with.
    words: Kind,
}

impl Default for Searches {
    fn default() -> Searches {
        Searches {
            done: Vec::new(),
            any: Vec::new(),
            touched: Vec::new(),
            words: Kind::Ascii,
        }
    }
}

impl Searches {
    /// Forgets the searches of the last post, for one of kind `words`.
    fn reset(&mut self, regexes: usize, words: Kind) {
        for &i in &self.touched {
            self.done[i] = None;
            self.any[i] = None;
        }
        self.touched.clear();
        self.done.resize_with(regexes, || None);
        self.any.resize(regexes, None);
        self.words = words;
    }

    fn get(&mut self, regex: usize, search: impl FnOnce() -> Search) -> &Search {
        if self.done[regex].is_none() {
            self.touched.push(regex);
        }
        self.done[regex].get_or_insert_with(search)
    }

    fn any(&self, regex: usize) -> Option<bool> {
        self.done[regex].as_ref().map(|s| s.any).or(self.any[regex])
    }

    fn set_any(&mut self, regex: usize, any: bool) {
        self.touched.push(regex);
        self.any[regex] = Some(any);
    }
}

/// The text regexes see: a line break inside a paragraph (and a carriage
/// return) reads as a space, so a phrase wrapped across lines still
/// matches; byte offsets are unchanged. Blank lines stay breaks.
fn soft_breaks_as_spaces(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    // Only the line breaks are looked at (most posts have none, a file's
    // post ends with one), and the text between them is copied whole.
    let mut out = String::new();
    let mut copied = 0;
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        let soft = bytes[i] == b'\r' || {
            let next_is_break = matches!(bytes.get(i + 1), Some(b'\n' | b'\r'));
            let prev_is_break = i > 0 && bytes[i - 1] == b'\n';
            !next_is_break && !prev_is_break && !bytes[..i].ends_with(b"\n\r")
        };
        if soft {
            if copied == 0 {
                out.reserve_exact(text.len());
            }
            // Both ends are ASCII bytes, so character boundaries.
            out.push_str(&text[copied..i]);
            out.push(' ');
            copied = i + 1;
        }
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

/// Whether `text` is empty or all white space; most posts start with a
/// character that says it is not.
fn is_blank(text: &str) -> bool {
    match text.as_bytes().first() {
        Some(b) if b.is_ascii_graphic() => false,
        _ => text.trim().is_empty(),
    }
}

/// Keeps one span of each overlapping group (the earliest, longest), so a
/// rule never reports the same words twice.
fn disjoint(spans: &mut Vec<Range<usize>>) {
    if spans.len() < 2 {
        return;
    }
    spans.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut kept = 0;
    for i in 0..spans.len() {
        if kept == 0 || spans[i].start >= spans[kept - 1].end {
            spans.swap(kept, i);
            kept += 1;
        }
    }
    spans.truncate(kept);
}

/// Says what a metric measured, in the post's terms. Built without
/// `format!`: a post gets one for every metric rule that fires on it.
fn metric_detail(a: &Analysis, metric: Metric, above: Option<f64>, below: Option<f64>) -> String {
    let mut out = String::with_capacity(64);
    match (metric, &a.metrics.platform) {
        (Metric::PlatformLength, Some(p)) => {
            push_count(&mut out, p.length);
            out.push_str(" characters as the platform counts them; the limit is ");
            push_count(&mut out, p.max_length.unwrap_or(0));
        }
        (Metric::PlatformHashtags, Some(p)) => {
            push_count(&mut out, a.hashtags.len());
            out.push_str(" hashtags; the platform allows ");
            push_count(&mut out, p.max_hashtags.unwrap_or(0));
        }
        _ => {
            let value = a.metric_value(metric);
            out.push_str(metric.name());
            out.push_str(" is ");
            match metric {
                Metric::CapsRatio | Metric::Valence => {
                    crate::report::push_hundredths(&mut out, value);
                }
                _ => push_number(&mut out, value),
            }
            out.push_str(", ");
            match (above, below) {
                (Some(x), _) if value > x => {
                    out.push_str("above ");
                    push_number(&mut out, x);
                }
                (_, Some(x)) => {
                    out.push_str("below ");
                    push_number(&mut out, x);
                }
                _ => {}
            }
        }
    }
    out
}

/// Appends `n` in decimal.
fn push_count(out: &mut String, n: usize) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Appends `x` as `{x}` writes it: a whole number (most metrics count
/// something) without the formatting machinery, anything else through it.
fn push_number(out: &mut String, x: f64) {
    // Below 2^53 a whole `f64` is an exact integer; -0 prints its sign.
    if x.fract() == 0.0 && x.abs() < 9.0e15 && !(x == 0.0 && x.is_sign_negative()) {
        out.push_str(itoa::Buffer::new().format(x as i64));
    } else {
        use std::fmt::Write;
        // Writing to a string cannot fail.
        let _ = write!(out, "{x}");
    }
}

fn context_ok(mode: Context, present: bool) -> bool {
    match mode {
        Context::Any => true,
        Context::Exclude => !present,
        Context::Require => present,
    }
}

fn is_near(h: &Hit, n: &Hit, within: usize, order: Order) -> bool {
    let before = n.end <= h.start && h.start - (n.end - 1) <= within;
    let after = n.start >= h.end && n.start - (h.end - 1) <= within;
    match order {
        Order::Any => before || after,
        Order::Before => before,
        Order::After => after,
    }
}

/// The first non-blank line of the text, trimmed.
fn first_line(text: &str) -> Range<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            let start = offset + (line.len() - line.trim_start().len());
            return start..start + trimmed.len();
        }
        offset += line.len();
    }
    0..0
}

/// The Luhn checksum over the digits of `s` (13 to 19 digits).
pub fn luhn(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn check_unique_ids(rules: &[Rule]) -> Result<(), Error> {
    let mut seen: FastMap<&str, &Rule> = FastMap::default();
    seen.reserve(rules.len());
    let mut errors = Vec::new();
    for r in rules {
        if let Some(first) = seen.insert(&r.id, r) {
            errors.push(LocatedError {
                file: r.origin.clone(),
                line: r.line,
                column: r.column,
                rule: Some(r.id.clone()),
                message: format!(
                    "duplicate rule id: already defined in {}:{}",
                    first.origin, first.line
                ),
                help: Some("rename one of the rules, or give its pack another id".into()),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Located(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_checks_card_numbers() {
        assert!(luhn("4111 1111 1111 1111"));
        assert!(!luhn("4111 1111 1111 1112"));
        assert!(!luhn("1234"));
    }

    #[test]
    fn soft_line_breaks_read_as_spaces_for_regexes() {
        assert_eq!(soft_breaks_as_spaces("don't\nlike it"), "don't like it");
        assert_eq!(soft_breaks_as_spaces("para\n\nnext"), "para\n\nnext");
        assert_eq!(soft_breaks_as_spaces("a\r\nb"), "a  b");
        let long = "sixteen bytes ok and then some more";
        assert_eq!(soft_breaks_as_spaces(long), long);
        assert_eq!(
            soft_breaks_as_spaces("sixteen bytes ok and then\nsome"),
            "sixteen bytes ok and then some"
        );
        // A post read from a file ends with its line break.
        assert_eq!(soft_breaks_as_spaces("a post\n"), "a post ");
        assert_eq!(soft_breaks_as_spaces("\r\n\r\nx"), " \n \nx");
        // Nothing to change: the text itself, not a copy.
        assert!(matches!(
            soft_breaks_as_spaces("para\n\nnext"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    /// Each byte of `text` judged on its own, as the rule reads: a
    /// carriage return is a space, and so is a line feed that no line
    /// break follows and none (nor `\n\r`) comes just before.
    fn soft_breaks_byte_by_byte(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = bytes.to_vec();
        for (i, &b) in bytes.iter().enumerate() {
            let next_is_break = matches!(bytes.get(i + 1), Some(b'\n' | b'\r'));
            let prev_is_break = i > 0 && bytes[i - 1] == b'\n';
            match b {
                b'\r' => out[i] = b' ',
                b'\n' if !next_is_break && !prev_is_break && !bytes[..i].ends_with(b"\n\r") => {
                    out[i] = b' '
                }
                _ => {}
            }
        }
        String::from_utf8(out).unwrap()
    }

    proptest::proptest! {
        #[test]
        fn soft_breaks_are_those_judged_byte_by_byte(
            picks in proptest::collection::vec(0usize..6, 0..40),
        ) {
            const PIECES: [&str; 6] = ["a", " ", "\n", "\r", "é", "’"];
            let text: String = picks.iter().map(|&p| PIECES[p]).collect();
            proptest::prop_assert_eq!(
                soft_breaks_as_spaces(&text).into_owned(),
                soft_breaks_byte_by_byte(&text)
            );
        }
    }

    #[test]
    fn overlapping_spans_are_reported_once() {
        let disjoint = |mut v: Vec<Range<usize>>| {
            super::disjoint(&mut v);
            v
        };
        assert_eq!(
            disjoint(vec![4..20, 0..10, 12..15, 30..31]),
            vec![0..10, 12..15, 30..31]
        );
        assert_eq!(disjoint(vec![3..9, 0..9]), vec![0..9]);
    }

    #[test]
    fn numbers_in_metric_details_print_as_display_does() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -4.0,
            23.0,
            0.5,
            0.6,
            -2.75,
            1.0 / 3.0,
            1e15,
            9.0e15 - 1.0,
            9.0e15,
            1e20,
            -1e300,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut rng = crate::test_rng::Xorshift::new(0x5eed_0ff1_e1d5);
        for _ in 0..2000 {
            let r = rng.next();
            values.push(f64::from_bits(r));
            values.push((r % 100_000) as f64);
            values.push((r % 1000) as f64 / 100.0);
        }
        for x in values {
            let mut out = String::new();
            push_number(&mut out, x);
            assert_eq!(out, format!("{x}"), "{:#x}", x.to_bits());
        }
        let mut out = String::from("n: ");
        push_count(&mut out, 280);
        assert_eq!(out, "n: 280");
    }

    #[test]
    fn metric_details_say_the_value_and_the_limit_crossed() {
        let a = Analysis::new("WOW!!! THIS IS SO GREAT!!! BUY NOW!!!");
        let caps = a.metric_value(Metric::CapsRatio);
        let marks = a.metric_value(Metric::Exclamations);
        assert_eq!(
            metric_detail(&a, Metric::Exclamations, Some(4.0), None),
            format!("exclamations is {marks}, above 4")
        );
        assert_eq!(
            metric_detail(&a, Metric::CapsRatio, Some(0.6), None),
            format!("caps-ratio is {caps:.2}, above 0.6")
        );
        assert_eq!(
            metric_detail(&a, Metric::Exclamations, None, Some(100.0)),
            format!("exclamations is {marks}, below 100")
        );
        // Inside both limits (a rule whose other part fired): no limit.
        assert_eq!(
            metric_detail(&a, Metric::Exclamations, Some(100.0), None),
            format!("exclamations is {marks}, ")
        );
    }

    /// An engine with one pack `p` holding `rules` (TOML `[[rules]]`).
    fn engine_with_rule(rules: &str) -> Engine {
        let header =
            "[pack]\nid = \"p\"\ndimension = \"kind\"\ndescription = \"d\"\nversion = \"1\"\n";
        let pack = crate::pack::parse(&format!("{header}{rules}"), "p.toml").unwrap();
        Engine::new(&[pack], &Selection::default()).unwrap()
    }

    #[test]
    fn regex_negation_tests_the_first_and_last_words_of_a_match() {
        let e = engine_with_rule(
            r#"
[[rules]]
id = "p/tagged-insult"
severity = "warning"
weight = 10
message = "m"
[rules.match]
kind = "regex"
pattern = '@\w+(?:\s+\w+){0,4}?\s+(?:idiot|liar)\b|\b(?:idiot|liar),?\s+@\w+'
negation = "exclude-direct"
"#,
        );
        assert!(e.check("@sam you are not an idiot").is_empty());
        assert!(e.check("Not a liar, @sam, just mistaken").is_empty());
        assert_eq!(e.check("@sam what an idiot").len(), 1);
        assert_eq!(e.check("Can't stand this liar, @sam").len(), 1);
    }

    #[test]
    fn engines_on_one_thread_keep_their_own_word_lookups() {
        let engine = |word: &str| {
            engine_with_rule(&format!(
                r#"
[[rules]]
id = "p/word"
severity = "warning"
weight = 10
message = "m"
[rules.match]
kind = "words"
words = ["{word}"]
"#
            ))
        };
        let (gloom, doom) = (engine("gloom"), engine("doom"));
        let text = "doom and gloom";
        for _ in 0..2 {
            let found = gloom.check(text);
            assert_eq!(found.len(), 1);
            assert_eq!(&text[found[0].span.clone()], "gloom");
            let found = doom.check(text);
            assert_eq!(found.len(), 1);
            assert_eq!(&text[found[0].span.clone()], "doom");
        }
    }

    #[test]
    fn first_line_skips_blank_lines() {
        let t = "\n\n  Hello there \nsecond";
        assert_eq!(&t[first_line(t)], "Hello there");
    }
}

#[cfg(test)]
mod weighted_tests {
    use super::*;

    const PACK: &str = r##"
[pack]
id = "learned"
dimension = "kind"
flag = "hostility"
description = "d"
version = "1"

[[rules]]
id = "learned/model"
severity = "warning"
weight = 20
message = "m"
[rules.match]
kind = "weighted"
bias = -2.0
threshold = 0.7
[rules.match.terms]
"idiot" = 2.5
"shut up" = 1.5
"@you" = 0.5
"thank" = -3.0
"#fail" = 0.2
"##;

    fn engine() -> Engine {
        let pack = crate::pack::parse(PACK, "learned.toml").unwrap();
        Engine::new(&[pack], &Selection::default()).unwrap()
    }

    #[test]
    fn learned_rule_fires_and_names_its_terms() {
        let e = engine();
        let hits = e.check("Shut up, you idiot");
        assert_eq!(hits.len(), 1);
        let text = "Shut up, you idiot";
        assert_eq!(&text[hits[0].span.clone()], "idiot");
        let detail = hits[0].detail.as_deref().unwrap();
        assert!(
            detail.contains("idiot (+2.50)") && detail.contains("shut up"),
            "{detail}"
        );
        // Repeating a term does not add to its weight; negative terms pull back.
        assert!(e.check("idiot idiot idiot").is_empty());
        assert!(e.check("Thank you, idiot").is_empty());
    }

    /// The tone's evidence scored along the learned rules is the tone's
    /// own, to the bit, whichever rules are enabled: built-in models read
    /// from their table, listed ones (the built-in ones too, after a
    /// listed one), or none.
    #[test]
    fn polarity_evidence_read_along_the_rules_is_the_tones_own() {
        let built_in = crate::pack::built_in().unwrap();
        let select = |s: &str| Selection {
            select: vec![s.to_string()],
            ..Selection::default()
        };
        let mut listed_first = vec![crate::pack::parse(PACK, "learned.toml").unwrap()];
        listed_first.extend(built_in.iter().cloned());
        let engines = [
            engine(),
            Engine::new(&listed_first, &Selection::default()).unwrap(),
            Engine::new(&[], &Selection::default()).unwrap(),
            Engine::new(&built_in, &Selection::default()).unwrap(),
            Engine::new(&built_in, &select("hostility")).unwrap(),
            Engine::new(&built_in, &select("kind")).unwrap(),
        ];
        // Each term of two words of the polarity model in a post of its
        // own: those no rule lists are found in the table by their words'
        // numbers, or by key in the model's maps when no table is in use.
        let (polarity, _) = crate::tone::polarity_terms();
        let pairs: Vec<String> = (0..polarity.len())
            .map(|i| polarity.key(i))
            .filter(|k| k.contains(' '))
            .map(|k| format!("so {k} now"))
            .collect();
        let mut posts: Vec<&str> = built_in
            .iter()
            .flat_map(|p| &p.rules)
            .flat_map(|r| r.fire.iter().chain(&r.pass))
            .map(String::as_str)
            .chain(pairs.iter().map(String::as_str))
            .collect();
        posts.extend([
            "",
            "Shut up, you idiot #EpicFail",
            "Thank you all! 😍 #grateful",
        ]);
        assert!(posts.len() > 2_000);
        for text in posts {
            let a = Analysis::new(text);
            let alone = crate::tone::signals(&a)[2];
            for e in &engines {
                let (hits, evidence) = e.check_analysis_and_evidence(&a);
                assert_eq!(hits, e.check_analysis(&a), "{text}");
                assert_eq!(evidence.to_bits(), alone.to_bits(), "{text}");
            }
        }
    }

    #[test]
    fn unknown_measurement_is_a_load_error() {
        let bad = PACK.replace("\"@you\"", "\"@yelling\"");
        let errs = crate::pack::parse(&bad, "learned.toml").unwrap_err();
        assert!(errs[0].message.contains("unknown measurement `@yelling`"));
        assert_eq!(errs[0].rule.as_deref(), Some("learned/model"));
    }
}
