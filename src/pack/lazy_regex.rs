//! A rule's regular expression, compiled the first time a post needs it.
//! Packs from files are compiled (and so validated) at load time; the
//! embedded packs, validated when the binary is built, are not — so
//! start-up does not pay for regexes a draft never gets near. The literals
//! the engine's prefilter searches for are kept with the pattern: computed
//! on first use, or already known for the embedded packs.
//!
//! A run that checks little text (one short draft) compiles its patterns
//! lean: with regex-lite, which compiles in a fraction of the time and, on
//! ASCII text, finds exactly what the full regex finds (its classes and
//! word boundaries are the ASCII ones, which is all Unicode's amount to
//! there). Text with other characters gets the full regex, built without
//! the lazy DFA and the literal prefilter, which cost more to build than
//! they save on a few hundred bytes. Every engine of the regex crate finds
//! the same matches, so only the time changes.

use super::parsed_hir::{self, Form};
use super::{ascii_dfa, ascii_word_version, hir_leaves::widened, literals, screen_dfa};
use regex::Regex;
use regex_automata::dfa::{Automaton, dense, sparse};
use regex_automata::nfa::thompson::{self, NFA, WhichCaptures};
use regex_automata::util::pool::Pool;
use regex_automata::{Input, MatchKind, hybrid, meta};
use regex_syntax::hir::Hir;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Whether patterns compiled from now on are built for few searches.
static LEAN: AtomicBool = AtomicBool::new(false);

/// Builds the patterns compiled from now on for a run over little text
/// (`true`), or for many searches (`false`, the default).
pub fn compile_lean(yes: bool) {
    LEAN.store(yes, Ordering::Relaxed);
}

/// Whether patterns are built lean (see `compile_lean`).
pub fn compiles_lean() -> bool {
    LEAN.load(Ordering::Relaxed)
}

/// A compiled pattern: the regex crate's (patterns from pack files, checked
/// when loaded), or the same regex built directly with the engines chosen
/// for the run (embedded packs, compiled on first use).
#[derive(Clone, Debug)]
pub enum Program {
    Checked(Regex),
    Built(meta::Regex),
    Lite(Box<Lite>),
    Screened(Box<Screened>),
    /// A built-in pattern's DFAs from build.rs alone, for a caller that
    /// hands it only text they reach (`Prebuilt`).
    Prebuilt(Box<ascii_dfa::AsciiRegex>),
}

/// What `LazyRegex::prebuilt` gives: a program searching with the DFAs
/// build.rs compiled for a built-in pattern, which finds what the pattern
/// finds only in the text `reach` covers.
#[derive(Clone, Debug)]
pub struct Prebuilt {
    pub program: Program,
    pub reach: ascii_dfa::Reach,
    /// Whether the DFAs are dense (see `ascii_dfa::AsciiRegex`).
    pub dense: bool,
}

/// Fewest optional copies a counted repetition needs for its pattern to
/// be searched through a screen (`Screened`).
pub(super) const SCREEN_SPAN: u32 = 5;

/// A pattern searched in two steps, because a lazy DFA searches it
/// poorly: it has long counted repetitions (gaps like `[^.!?\n]{0,50}`),
/// for which the DFA keeps meeting states it has not built yet (one for
/// every set of places where a gap may have started), so post after post
/// costs it fresh work and its cache fills and starts over; or it has
/// Unicode word boundaries, at which the DFA gives up on text with
/// non-ASCII characters, leaving a backtracking search that costs tens of
/// thousands of steps a post. The screen is the pattern with those
/// repetitions unbounded, those assertions dropped and its classes of many
/// non-ASCII characters (`\w`) taken as any non-ASCII bytes (`widened`): a
/// lazy DFA searches it cheaply on any text, and it matches wherever the
/// pattern does. Built-in patterns' screens come from build.rs, as whole
/// DFAs (`screen_dfa`) or as the NFAs of lazy ones (`parsed_hir`). A post
/// it does not match (most) needs nothing more; the pattern itself is
/// compiled the first time the screen matches, and finds the matches. So
/// the matches are the pattern's.
#[derive(Clone, Debug)]
pub struct Screened {
    screen: Arc<Screen>,
    exact: OnceLock<Program>,
    source: Exact,
}

impl Screened {
    /// The pattern itself, compiled the first time it is needed (one that
    /// fails to compile matches nothing, as in `full`).
    fn exact(&self) -> &Program {
        self.exact
            .get_or_init(|| self.source.compile().unwrap_or_else(never))
    }
}

/// What a screened pattern compiles when its screen matches.
#[derive(Clone, Debug)]
enum Exact {
    /// The pattern, with the settings to compile it with.
    Hir(Hir, meta::Config),
    /// Form `form` (`Form::Parsed` or `Form::AsciiWords`) of built-in
    /// pattern `n`, decoded only then: most screened patterns never need
    /// it. The pattern's text, should the form not decode.
    BuiltIn {
        n: u32,
        form: Form,
        pattern: Arc<str>,
        case_sensitive: bool,
    },
}

impl Exact {
    /// Form `form` of built-in pattern `n` (`pattern`), to compile when its
    /// screen matches.
    fn built_in(n: u32, form: Form, pattern: &Arc<str>, case_sensitive: bool) -> Exact {
        Exact::BuiltIn {
            n,
            form,
            pattern: Arc::clone(pattern),
            case_sensitive,
        }
    }

    /// The pattern compiled; `None` if it cannot be.
    fn compile(&self) -> Option<Program> {
        let decoded;
        let (hir, config) = match self {
            Exact::Hir(hir, config) => (hir, config.clone()),
            Exact::BuiltIn {
                n,
                form,
                pattern,
                case_sensitive,
            } => {
                decoded = match parsed_hir::built_in(*n, *form) {
                    Some(Some(hir)) => hir,
                    // Never for the table the build wrote (a test decodes
                    // every form); parsed again rather than lost.
                    _ => {
                        let parsed = parse(pattern, *case_sensitive)?;
                        match form {
                            Form::AsciiWords => ascii_word_version(parsed)?,
                            _ => parsed,
                        }
                    }
                };
                let config = match form {
                    // A lean run's pattern itself (`lean_full`).
                    Form::Parsed if LEAN.load(Ordering::Relaxed) => lean_config(),
                    Form::AsciiWords => base_config(),
                    _ => pattern_config(&decoded),
                };
                (&decoded, config)
            }
        };
        meta::Builder::new()
            .configure(config)
            .build_from_hir(hir)
            .ok()
            .map(Program::Built)
    }
}

/// What makes a thread's lazy DFA cache for a screen.
type NewCache = Box<dyn Fn() -> hybrid::dfa::Cache + Send + Sync>;

/// A screen's program: the forward DFA of the widened pattern alone. A
/// screen is only asked whether it matches, which the forward DFA
/// answers; the regex crate's full program would also compile the reverse
/// NFA that finding where a match starts needs, as much work again.
#[derive(Debug)]
enum Screen {
    /// The whole DFA, built with the binary (`screen_dfa`), dense.
    Prebuilt(dense::DFA<&'static [u32]>),
    /// The whole DFA, built with the binary, sparse: the screen of posts
    /// with non-ASCII word characters, until it has searched enough text
    /// for its lazy DFA to be worth building.
    Sparse(Box<SparseScreen>),
    /// A lazy DFA, which builds its states as searches reach them.
    Lazy {
        dfa: hybrid::dfa::DFA,
        caches: Pool<hybrid::dfa::Cache, NewCache>,
    },
}

/// Bytes a sparse screen searches over a run before its lazy DFA is built
/// and searches instead. A sparse DFA is read in place, but searches
/// several times slower a byte than a lazy DFA whose states are built:
/// past about this much text (some 450 tweets, or one long article),
/// building the lazy DFA's states costs less than searching on with the
/// sparse one.
const SPARSE_SCREEN_BYTES: usize = 64 * 1024;

/// A screen built with the binary as a sparse DFA (see `Screen::Sparse`).
#[derive(Debug)]
struct SparseScreen {
    dfa: sparse::DFA<&'static [u8]>,
    /// Bytes it has searched, over every thread.
    searched: AtomicUsize,
    /// The lazy DFA of the same screen, once built (`None` inside when it
    /// cannot be).
    lazy: OnceLock<Option<Screen>>,
    /// The screen: form `form` of built-in pattern `n`.
    n: u32,
    form: Form,
}

impl SparseScreen {
    /// Whether the screen may match `haystack` (see `Screen::may_match`).
    fn may_match(&self, haystack: &str) -> bool {
        if let Some(lazy) = self.lazy_after(haystack.len()) {
            return lazy.may_match(haystack);
        }
        let input = Input::new(haystack).earliest(true);
        self.dfa
            .try_search_fwd(&input)
            .map_or(true, |found| found.is_some())
    }

    /// The lazy DFA, once it is built or this search of `len` bytes takes
    /// the text searched past `SPARSE_SCREEN_BYTES`.
    fn lazy_after(&self, len: usize) -> Option<&Screen> {
        if let Some(built) = self.lazy.get() {
            return built.as_ref();
        }
        let searched = self.searched.fetch_add(len, Ordering::Relaxed) + len;
        if searched <= SPARSE_SCREEN_BYTES {
            return None;
        }
        self.lazy
            .get_or_init(|| {
                parsed_hir::built_in_screen(self.n, self.form)
                    .flatten()
                    .and_then(Screen::new)
            })
            .as_ref()
    }
}

/// The NFA of a screen of `widened` (a pattern's `hir_leaves::widened`
/// form), compiled as the regex crate compiles one for its lazy DFA for a
/// `search_config` pattern (same limits); `None` if it cannot be. build.rs
/// stores the built-in patterns' (`parsed_hir`).
pub(super) fn screen_nfa(widened: &Hir) -> Option<NFA> {
    thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .utf8(true)
                .nfa_size_limit(Some(super::compile::REGEX_SIZE_LIMIT))
                .which_captures(WhichCaptures::None),
        )
        .build_from_hir(widened)
        .ok()
}

impl Screen {
    /// The lazy DFA of `nfa` (a `screen_nfa`), configured as the regex
    /// crate configures its own (same giving up where the DFA keeps
    /// clearing its cache); `None` if it cannot be built.
    fn new(nfa: NFA) -> Option<Screen> {
        let dfa = hybrid::dfa::Builder::new()
            .configure(
                hybrid::dfa::Config::new()
                    .match_kind(MatchKind::LeftmostFirst)
                    .unicode_word_boundary(true)
                    .cache_capacity(super::compile::REGEX_CACHE_CAPACITY)
                    .skip_cache_capacity_check(false)
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10)),
            )
            .build_from_nfa(nfa)
            .ok()?;
        let for_caches = dfa.clone();
        let new_cache: NewCache = Box::new(move || for_caches.create_cache());
        Some(Screen::Lazy {
            dfa,
            caches: Pool::new(new_cache),
        })
    }

    /// Screen `form` of built-in pattern `n`: its DFA from build.rs, or
    /// else a lazy DFA of the NFA build.rs stored (`None` inside when that
    /// cannot be built); `None` when the binary holds no such screen.
    fn built_in(n: u32, form: Form) -> Option<Option<Screen>> {
        if let Some(screen) = Screen::stored(n, form) {
            return Some(Some(screen));
        }
        let nfa = parsed_hir::built_in_screen(n, form)??;
        Some(Screen::new(nfa))
    }

    /// Screen `form` of built-in pattern `n` as build.rs stored it as a
    /// DFA (`screen_dfa`), if it did.
    fn stored(n: u32, form: Form) -> Option<Screen> {
        Some(match screen_dfa::built_in(n, form)? {
            screen_dfa::Dfa::Dense(dfa) => Screen::Prebuilt(dfa),
            screen_dfa::Dfa::Sparse(dfa) => Screen::Sparse(Box::new(SparseScreen {
                dfa,
                searched: AtomicUsize::new(0),
                lazy: OnceLock::new(),
                n,
                form,
            })),
        })
    }

    /// Whether the widened pattern may match `haystack`: `true` also when
    /// the DFA gave up, leaving the answer to the pattern itself.
    fn may_match(&self, haystack: &str) -> bool {
        let input = Input::new(haystack).earliest(true);
        let found = match self {
            Screen::Prebuilt(dfa) => dfa.try_search_fwd(&input),
            Screen::Sparse(sparse) => return sparse.may_match(haystack),
            Screen::Lazy { dfa, caches } => dfa.try_search_fwd(&mut caches.get(), &input),
        };
        found.map_or(true, |found| found.is_some())
    }
}

/// A pattern compiled for a run over little text: a program for ASCII
/// text, and the full regex, built if text with other characters comes.
#[derive(Clone, Debug)]
pub struct Lite {
    ascii: Ascii,
    full: OnceLock<Program>,
    pattern: Arc<str>,
    case_sensitive: bool,
    /// The pattern's number among the built-in patterns, if it is one.
    built_in: Option<u32>,
}

/// What searches ASCII text for a pattern in a run over little text.
#[derive(Clone, Debug)]
enum Ascii {
    /// The DFAs build.rs compiled for a built-in pattern (`ascii_dfa`):
    /// read in place, nothing to compile. They also search text whose word
    /// characters are all ASCII when their reach says so.
    Prebuilt(Box<(ascii_dfa::AsciiRegex, ascii_dfa::Reach)>),
    /// regex-lite's program, searched in the lower-cased text when
    /// `lowered` (see `LazyRegex::lite`).
    Compiled {
        regex: regex_lite::Regex,
        lowered: bool,
    },
}

impl Lite {
    /// The full regex, built the first time it is needed.
    fn full(&self) -> &Program {
        self.full
            .get_or_init(|| lean_full(self.built_in, &self.pattern, self.case_sensitive))
    }
}

/// The full regex of a lean run (`Lite`), for text with non-ASCII word
/// characters. A built-in pattern (number `built_in`) whose screen for
/// such text the binary holds (`screen_dfa`) is searched through it,
/// which costs nothing to set up: the pattern itself is compiled only if
/// the screen ever matches. Other built-in patterns are built from the
/// parsed form build.rs stored (`parsed_hir`), not parsed again.
fn lean_full(built_in: Option<u32>, pattern: &Arc<str>, case_sensitive: bool) -> Program {
    let Some(n) = built_in else {
        return full(pattern, case_sensitive);
    };
    let exact = Exact::built_in(n, Form::Parsed, pattern, case_sensitive);
    // Only a stored screen: a lazy one is one more program to build.
    if let Some(screen) = Screen::stored(n, Form::Screen) {
        return compile_screened(Some(screen), exact).unwrap_or_else(never);
    }
    exact.compile().unwrap_or_else(never)
}

/// The matches of a `Program`, left to right.
pub enum Matches<'r, 'h> {
    Checked(regex::Matches<'r, 'h>),
    Built(meta::FindMatches<'r, 'h>),
    Lite(regex_lite::Matches<'r, 'h>),
    Prebuilt(ascii_dfa::Matches<'r, 'h>),
    /// Matches found already (in a lower-cased copy of the text).
    Found(std::vec::IntoIter<regex_automata::Match>),
}

impl Iterator for Matches<'_, '_> {
    type Item = regex_automata::Match;

    #[inline]
    fn next(&mut self) -> Option<regex_automata::Match> {
        match self {
            Matches::Checked(m) => m.next().map(|m| regex_automata::Match::must(0, m.range())),
            Matches::Built(m) => m.next(),
            Matches::Lite(m) => m.next().map(|m| regex_automata::Match::must(0, m.range())),
            Matches::Prebuilt(m) => m.next(),
            Matches::Found(m) => m.next(),
        }
    }
}

impl Program {
    #[inline]
    pub fn is_match(&self, haystack: &str) -> bool {
        match self {
            Program::Checked(r) => r.is_match(haystack),
            Program::Built(r) => r.is_match(haystack),
            Program::Lite(l) if l.ascii.covers(haystack) => l.ascii.is_match(haystack),
            Program::Lite(l) => l.full().is_match(haystack),
            Program::Screened(s) => s.screen.may_match(haystack) && s.exact().is_match(haystack),
            Program::Prebuilt(dfas) => dfas.is_match(haystack),
        }
    }

    #[inline]
    pub fn find_iter<'r, 'h>(&'r self, haystack: &'h str) -> Matches<'r, 'h> {
        match self {
            Program::Checked(r) => Matches::Checked(r.find_iter(haystack)),
            Program::Built(r) => Matches::Built(r.find_iter(haystack)),
            Program::Lite(l) if l.ascii.covers(haystack) => l.ascii.find_iter(haystack),
            Program::Lite(l) => l.full().find_iter(haystack),
            Program::Screened(s) if !s.screen.may_match(haystack) => {
                Matches::Found(Vec::new().into_iter())
            }
            Program::Screened(s) => s.exact().find_iter(haystack),
            Program::Prebuilt(dfas) => Matches::Prebuilt(dfas.find_iter(haystack)),
        }
    }
}

impl Ascii {
    /// Whether this program finds what the pattern finds in `haystack`:
    /// ASCII text, or text its build-time DFAs reach.
    fn covers(&self, haystack: &str) -> bool {
        match self {
            Ascii::Prebuilt(dfas) => dfas.1.covers(haystack),
            Ascii::Compiled { .. } => haystack.is_ascii(),
        }
    }

    /// Whether the pattern matches `haystack`, which it covers.
    fn is_match(&self, haystack: &str) -> bool {
        match self {
            Ascii::Prebuilt(dfas) => dfas.0.is_match(haystack),
            Ascii::Compiled {
                regex,
                lowered: true,
            } => regex.is_match(&haystack.to_ascii_lowercase()),
            Ascii::Compiled { regex, .. } => regex.is_match(haystack),
        }
    }

    /// The pattern's matches in `haystack`, which it covers.
    fn find_iter<'r, 'h>(&'r self, haystack: &'h str) -> Matches<'r, 'h> {
        match self {
            Ascii::Prebuilt(dfas) => Matches::Prebuilt(dfas.0.find_iter(haystack)),
            Ascii::Compiled {
                regex,
                lowered: true,
            } => {
                // Lower-casing ASCII keeps every byte where it is.
                let lower = haystack.to_ascii_lowercase();
                let found: Vec<regex_automata::Match> = regex
                    .find_iter(&lower)
                    .map(|m| regex_automata::Match::must(0, m.range()))
                    .collect();
                Matches::Found(found.into_iter())
            }
            Ascii::Compiled { regex, .. } => Matches::Lite(regex.find_iter(haystack)),
        }
    }
}

/// The regex crate's program for `pattern`. One that fails to compile
/// (only possible for an embedded pack the build did not check) matches
/// nothing rather than stopping the run.
fn full(pattern: &str, case_sensitive: bool) -> Program {
    parse(pattern, case_sensitive)
        .and_then(build)
        .unwrap_or_else(never)
}

/// `pattern` parsed as `compile_regex` parses it; `None` if it does not
/// parse or is longer than `compile_regex` accepts.
pub(super) fn parse(pattern: &str, case_sensitive: bool) -> Option<Hir> {
    if pattern.len() > super::compile::REGEX_MAX_PATTERN {
        return None;
    }
    super::parse_pattern(pattern, case_sensitive)
}

/// A program that matches nothing.
fn never() -> Program {
    Program::Checked(Regex::new(r"\b\B").expect("a regex that never matches"))
}

/// `hir` compiled with `config`, through a screen (see `Screened`) when it
/// has long counted repetitions or Unicode word assertions; `None` if it
/// cannot be compiled.
pub(crate) fn compile_hir(hir: Hir, config: meta::Config) -> Option<Program> {
    let screen = widened(&hir, SCREEN_SPAN)
        .and_then(|w| screen_nfa(&w))
        .and_then(Screen::new);
    compile_screened(screen, Exact::Hir(hir, config))
}

/// The pattern `exact` compiled, through `screen` when there is one;
/// `None` if it cannot be compiled.
fn compile_screened(screen: Option<Screen>, exact: Exact) -> Option<Program> {
    if let Some(screen) = screen {
        return Some(Program::Screened(Box::new(Screened {
            screen: Arc::new(screen),
            exact: OnceLock::new(),
            source: exact,
        })));
    }
    exact.compile()
}

/// The regex crate's settings every compiled pattern shares, whichever
/// version of it (see `engine::ascii_words`): the matches `compile_regex`
/// finds, its size limit, a bounded lazy DFA cache, and no literal
/// prefilter of its own: the engine's prefilter ran a pattern only on
/// posts with one of its literals, and finding the regex's own literals
/// costs about half of compiling it, more than it saves on posts.
pub fn search_config() -> meta::Config {
    meta::Config::new()
        .match_kind(MatchKind::LeftmostFirst)
        .utf8_empty(true)
        .nfa_size_limit(Some(super::compile::REGEX_SIZE_LIMIT))
        .hybrid_cache_capacity(super::compile::REGEX_CACHE_CAPACITY)
        .auto_prefilter(false)
}

/// Compiles `hir`, a pattern as `compile_regex` parses it, as
/// `compile_regex` does (same limits, so the same matches), with the
/// engines `LEAN` asks for.
///
/// A run over much text searches a pattern with Unicode word boundaries
/// only on posts with non-ASCII word characters (posts without get its
/// ASCII version, see `engine::ascii_words`), and on those the lazy DFA
/// gives up at the first non-ASCII byte: such a pattern is built without
/// it, which spares every thread the DFA's state for it.
fn build(hir: Hir) -> Option<Program> {
    if LEAN.load(Ordering::Relaxed) {
        // No screen to compile, which would be one more program.
        return meta::Builder::new()
            .configure(lean_config())
            .build_from_hir(&hir)
            .ok()
            .map(Program::Built);
    }
    let config = pattern_config(&hir);
    compile_hir(hir, config)
}

/// The settings a pattern is compiled with in a run over little text: the
/// NFA simulations alone, which cost nothing to set up.
fn lean_config() -> meta::Config {
    base_config()
        .hybrid(false)
        .dfa(false)
        .onepass(false)
        .auto_prefilter(false)
}

/// The settings a pattern itself is compiled with in a run over much text
/// (see `build`).
fn pattern_config(hir: &Hir) -> meta::Config {
    let config = base_config();
    if hir.properties().look_set().contains_word_unicode() {
        // Nor with a full DFA, which would quit there too: without either
        // no reverse NFA is compiled.
        return config.hybrid(false).dfa(false);
    }
    config
}

/// The settings shared by every compiled form of a pattern: `search_config`
/// without capture groups, since only where matches are is ever asked.
fn base_config() -> meta::Config {
    search_config().which_captures(WhichCaptures::Implicit)
}

/// Literals every match contains one of (see `literals::necessary`), or
/// `None` when the pattern has no usable set and must always run.
pub type Literals = Option<literals::Needles>;

#[derive(Clone, Debug)]
pub struct LazyRegex {
    pattern: Arc<str>,
    case_sensitive: bool,
    /// The pattern's number among the built-in packs' patterns, whose
    /// literals the built-in prefilter (`pack::automaton`) has.
    built_in: Option<u32>,
    /// What regex-lite builds instead of the pattern, where build.rs found
    /// something cheaper: the pattern lowered, for lower-cased text
    /// (`literals::lowered`, `true`), or without capture groups
    /// (`literals::without_captures`, `false`).
    lite: Option<(Arc<str>, bool)>,
    cell: Arc<OnceLock<Program>>,
    literals: Arc<OnceLock<Literals>>,
    parsed: Arc<OnceLock<Option<Hir>>>,
}

impl LazyRegex {
    /// A regex compiled on first use.
    pub fn deferred(pattern: &str, case_sensitive: bool) -> LazyRegex {
        LazyRegex {
            pattern: pattern.into(),
            case_sensitive,
            built_in: None,
            lite: None,
            cell: Arc::new(OnceLock::new()),
            literals: Arc::new(OnceLock::new()),
            parsed: Arc::new(OnceLock::new()),
        }
    }

    /// A regex already compiled (and so known to be valid).
    pub fn compiled(pattern: &str, case_sensitive: bool, regex: Regex) -> LazyRegex {
        let r = LazyRegex::deferred(pattern, case_sensitive);
        let _ = r.cell.set(Program::Checked(regex));
        r
    }

    /// The compiled regex (lite, for a run over little text, where the
    /// pattern has DFAs from build.rs or regex-lite can compile it).
    pub fn get(&self) -> &Program {
        self.cell.get_or_init(|| {
            if LEAN.load(Ordering::Relaxed)
                && let Some(ascii) = self.ascii_program()
            {
                return self.lite(ascii);
            }
            // A built-in pattern with a screen: the pattern is decoded only
            // if the screen ever matches.
            if !LEAN.load(Ordering::Relaxed)
                && let Some(n) = self.built_in
                && let Some(screen) = Screen::built_in(n, Form::Screen)
            {
                return compile_screened(screen, self.exact_built_in(n, Form::Parsed))
                    .unwrap_or_else(never);
            }
            self.parsed().cloned().and_then(build).unwrap_or_else(never)
        })
    }

    /// The pattern's version for posts whose word characters are all
    /// ASCII (`for_ascii_word_text`), compiled as the pattern itself is
    /// (leftmost-first, UTF-8, the same limits, through a screen where it
    /// has long counted repetitions; only where matches are is ever asked,
    /// so no capture groups); `None` when the version changes nothing, or
    /// cannot be compiled. A built-in pattern's version and screen come
    /// from build.rs (`parsed_hir`).
    pub(crate) fn compile_ascii_word_version(&self) -> Option<Program> {
        if let Some(n) = self.built_in
            && let Some(screen) = Screen::built_in(n, Form::AsciiWordsScreen)
        {
            return compile_screened(screen, self.exact_built_in(n, Form::AsciiWords));
        }
        let version = match self.stored(Form::AsciiWords) {
            Some(None) => return None,
            Some(Some(version)) => version,
            None => ascii_word_version(self.parsed()?.clone())?,
        };
        compile_hir(version, base_config())
    }

    /// Form `form` of this pattern, built-in pattern `n`, to compile when
    /// its screen matches.
    fn exact_built_in(&self, n: u32, form: Form) -> Exact {
        Exact::built_in(n, form, &self.pattern, self.case_sensitive)
    }

    /// Form `form` of this pattern as build.rs stored it (`Some(None)`
    /// when the pattern has no such form), or `None` when it is not a
    /// built-in pattern whose forms the binary holds.
    fn stored(&self, form: Form) -> Option<Option<Hir>> {
        parsed_hir::built_in(self.built_in?, form)
    }

    /// The pattern parsed (`None` if it does not parse), kept for each
    /// program compiled from it: a run over much text may compile both the
    /// pattern and its ASCII version (`engine::ascii_words`), and parsing
    /// a pattern costs about half as much as compiling it. A built-in
    /// pattern is decoded as build.rs parsed it (`parsed_hir`).
    pub(crate) fn parsed(&self) -> Option<&Hir> {
        self.parsed
            .get_or_init(|| match self.stored(Form::Parsed) {
                Some(parsed) => parsed,
                None => parse(&self.pattern, self.case_sensitive),
            })
            .as_ref()
    }

    /// What searches ASCII text in a run over little text: the built-in
    /// pattern's DFAs (which may reach further, see `ascii_dfa::Reach`),
    /// or else regex-lite's program (of the cheaper form
    /// build.rs found, if any); `None` if regex-lite cannot build it.
    fn ascii_program(&self) -> Option<Ascii> {
        if let Some(dfas) = self.built_in.and_then(ascii_dfa::built_in) {
            return Some(Ascii::Prebuilt(Box::new(dfas)));
        }
        let (pattern, lowered) = match &self.lite {
            Some((lite, lowered)) => (lite, *lowered),
            None => (&self.pattern, false),
        };
        let regex = regex_lite::RegexBuilder::new(pattern)
            .case_insensitive(!self.case_sensitive && !lowered)
            .build()
            .ok()?;
        Some(Ascii::Compiled { regex, lowered })
    }

    /// The DFAs build.rs compiled for this built-in pattern (nothing to
    /// compile), for the text they reach; `None` when the pattern has none.
    pub fn prebuilt(&self) -> Option<Prebuilt> {
        let (dfas, reach) = self.built_in.and_then(ascii_dfa::built_in)?;
        Some(Prebuilt {
            dense: dfas.is_dense(),
            program: Program::Prebuilt(Box::new(dfas)),
            reach,
        })
    }

    /// The pattern searched with `ascii` on the text it covers, and with
    /// the full regex (built when first needed) on other text.
    fn lite(&self, ascii: Ascii) -> Program {
        Program::Lite(Box::new(Lite {
            ascii,
            full: OnceLock::new(),
            pattern: Arc::clone(&self.pattern),
            case_sensitive: self.case_sensitive,
            built_in: self.built_in,
        }))
    }

    /// Whether the regex is compiled already.
    pub fn is_compiled(&self) -> bool {
        self.cell.get().is_some()
    }

    /// The literals the prefilter searches for; `None` means always run.
    pub fn literals(&self) -> Option<&literals::Needles> {
        self.literals
            .get_or_init(|| literals::necessary(&self.pattern, self.case_sensitive))
            .as_ref()
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// The pattern's number among the built-in patterns, if it is one.
    pub fn built_in(&self) -> Option<u32> {
        self.built_in
    }

    /// Numbers the pattern among the built-in patterns: its literals are
    /// then not stored with it, the built-in prefilter has them.
    pub(crate) fn set_built_in(&mut self, n: u32) {
        self.built_in = Some(n);
        self.lite = match literals::lowered(&self.pattern, self.case_sensitive) {
            Some(lowered) => Some((Arc::from(lowered), true)),
            None => literals::without_captures(&self.pattern, self.case_sensitive)
                .map(|p| (Arc::from(p), false)),
        };
    }

    pub fn case_sensitive(&self) -> bool {
        self.case_sensitive
    }
}

/// The serialized form: pattern, case sensitivity, number among the
/// built-in patterns, and prefilter literals (computed now if they were
/// not yet), which a built-in pattern leaves to the built-in prefilter.
/// The compiled program is not kept.
#[derive(Serialize, Deserialize)]
struct Stored {
    pattern: String,
    case_sensitive: bool,
    built_in: Option<u32>,
    lite: Option<(String, bool)>,
    literals: Option<Literals>,
}

impl Serialize for LazyRegex {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Stored {
            pattern: self.pattern.to_string(),
            case_sensitive: self.case_sensitive,
            built_in: self.built_in,
            lite: self.lite.as_ref().map(|(p, l)| (p.to_string(), *l)),
            literals: match self.built_in {
                Some(_) => None,
                None => Some(self.literals().cloned()),
            },
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for LazyRegex {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LazyRegex, D::Error> {
        let s = Stored::deserialize(d)?;
        let mut r = LazyRegex::deferred(&s.pattern, s.case_sensitive);
        r.built_in = s.built_in;
        r.lite = s.lite.map(|(p, l)| (Arc::from(p), l));
        if let Some(literals) = s.literals {
            let _ = r.literals.set(literals);
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lite_programs_find_what_the_full_regex_finds() {
        let patterns = [
            (r"\b(?:oh great|yeah right)\b", false),
            (r"\bcaf[eé]\b[^.!?\n]{0,20}\bopen", false),
            (r"\w+@\w+", true),
            (r"(?m)^\s*(?:k|s)\w*$", false),
        ];
        let texts = [
            "Oh GREAT, yeah right",
            "the CAFÉ is open. The cafe is OPEN",
            "mail me@x now, or ünï@cödé",
            "naïve\nKelvin\nſkip\n  sort",
            "",
        ];
        for (pattern, case_sensitive) in patterns {
            let full = full(pattern, case_sensitive);
            let lite = Program::Lite(Box::new(Lite {
                ascii: Ascii::Compiled {
                    regex: regex_lite::RegexBuilder::new(pattern)
                        .case_insensitive(!case_sensitive)
                        .build()
                        .unwrap(),
                    lowered: false,
                },
                full: OnceLock::new(),
                pattern: pattern.into(),
                case_sensitive,
                built_in: None,
            }));
            for text in texts {
                let spans = |p: &Program| p.find_iter(text).map(|m| m.range()).collect::<Vec<_>>();
                assert_eq!(spans(&full), spans(&lite), "/{pattern}/ on {text:?}");
                assert_eq!(full.is_match(text), lite.is_match(text));
            }
        }
    }

    #[test]
    fn built_in_lite_programs_find_what_the_full_regex_finds() {
        let (regexes, mut texts) = crate::pack::built_in_patterns_and_examples();
        texts.extend(texts.clone().iter().map(|t| t.to_ascii_uppercase()));
        let mut lowered = 0;
        for r in &regexes {
            let Some((lite, is_lowered)) = &r.lite else {
                continue;
            };
            lowered += usize::from(*is_lowered);
            // A pattern regex-lite cannot build gets the full regex.
            let Ok(ascii) = regex_lite::RegexBuilder::new(lite)
                .case_insensitive(!r.case_sensitive() && !is_lowered)
                .build()
            else {
                assert!(!is_lowered, "/{lite}/ was checked when lowered");
                continue;
            };
            let full = full(r.as_str(), r.case_sensitive());
            let program = Program::Lite(Box::new(Lite {
                ascii: Ascii::Compiled {
                    regex: ascii,
                    lowered: *is_lowered,
                },
                full: OnceLock::new(),
                pattern: Arc::from(r.as_str()),
                case_sensitive: r.case_sensitive(),
                built_in: r.built_in(),
            }));
            for text in texts.iter().filter(|t| t.is_ascii()) {
                let spans = |p: &Program| p.find_iter(text).map(|m| m.range()).collect::<Vec<_>>();
                assert_eq!(
                    spans(&full),
                    spans(&program),
                    "/{}/ on {text:?}",
                    r.as_str()
                );
                assert_eq!(full.is_match(text), program.is_match(text));
            }
        }
        assert!(lowered > 10, "only {lowered} patterns lowered");
    }

    #[test]
    fn built_in_lean_full_programs_find_what_the_full_regex_finds() {
        let (regexes, mut texts) = crate::pack::built_in_patterns_and_examples();
        // Text with non-ASCII word characters, which is what a lean run
        // searches with these programs.
        for t in texts.clone() {
            texts.push(format!("Café: {t}"));
            texts.push(t.replace(' ', " é "));
            texts.push(format!("{}é", t.to_uppercase()));
        }
        let (mut screened, mut without_compiling) = (0, 0);
        for r in &regexes {
            let pattern = Arc::from(r.as_str());
            let lean = lean_full(r.built_in(), &pattern, r.case_sensitive());
            let full = full(r.as_str(), r.case_sensitive());
            let exact_compiled = |p: &Program| match p {
                Program::Screened(s) => {
                    assert!(
                        matches!(*s.screen, Screen::Prebuilt(_) | Screen::Sparse(_)),
                        "/{pattern}/"
                    );
                    Some(s.exact.get().is_some())
                }
                _ => None,
            };
            screened += usize::from(exact_compiled(&lean).is_some());
            for text in texts.iter().filter(|t| lean_matters(t)) {
                let spans = |p: &Program| p.find_iter(text).map(|m| m.range()).collect::<Vec<_>>();
                assert_eq!(spans(&full), spans(&lean), "/{pattern}/ on {text:?}");
                assert_eq!(full.is_match(text), lean.is_match(text));
                // Searching text the screen rejects compiles nothing.
                if exact_compiled(&lean) == Some(false) {
                    without_compiling += 1;
                }
            }
        }
        assert!(screened > 70, "only {screened} patterns screened");
        assert!(without_compiling > 50_000, "only {without_compiling}");
    }

    /// Whether a lean run searches `text` with a pattern's full program.
    fn lean_matters(text: &str) -> bool {
        !text.is_ascii() && !super::super::qualifies(text)
    }

    #[test]
    fn built_in_dfas_find_what_the_full_regex_finds() {
        let (regexes, mut texts) = crate::pack::built_in_patterns_and_examples();
        texts.extend(texts.clone().iter().map(|t| t.to_ascii_uppercase()));
        texts.extend(texts.clone().iter().map(|t| format!("x{t}_ {t}9")));
        // Each with emoji, typographic quotes and dashes around and inside
        // it, which the DFAs of most patterns reach too.
        for t in texts.clone() {
            texts.push(format!("{t} 🙄"));
            texts.push(format!("“{t}”"));
            texts.push(t.replace(' ', " — ").replace('\'', "’"));
            texts.push(format!("😡{}😡", t.replace(' ', "😡")));
        }
        let (mut prebuilt, mut beyond_ascii) = (0, 0);
        for r in &regexes {
            let Some(Ascii::Prebuilt(dfas)) = r.ascii_program() else {
                continue;
            };
            prebuilt += 1;
            let full = full(r.as_str(), r.case_sensitive());
            let ascii = Ascii::Prebuilt(dfas);
            for text in texts.iter().filter(|t| ascii.covers(t)) {
                beyond_ascii += usize::from(!text.is_ascii());
                let spans = |m: Matches| m.map(|m| m.range()).collect::<Vec<_>>();
                assert_eq!(
                    spans(full.find_iter(text)),
                    spans(ascii.find_iter(text)),
                    "/{}/ on {text:?}",
                    r.as_str()
                );
                assert_eq!(full.is_match(text), ascii.is_match(text));
            }
        }
        assert!(prebuilt > 40, "only {prebuilt} patterns have DFAs");
        assert!(
            beyond_ascii > 10_000,
            "{beyond_ascii} searches beyond ASCII"
        );
    }

    /// Checks that `program` finds in each text what the regex crate finds
    /// for `pattern`, and says whether there is a match as it does; the
    /// number of matches found.
    fn assert_finds_what_regex_finds(
        program: &Program,
        pattern: &str,
        case_sensitive: bool,
        texts: &[String],
    ) -> usize {
        let want = regex::RegexBuilder::new(pattern)
            .case_insensitive(!case_sensitive)
            .build()
            .unwrap();
        let mut found = 0;
        for text in texts {
            let spans: Vec<_> = want.find_iter(text).map(|m| m.range()).collect();
            found += spans.len();
            let got: Vec<_> = program.find_iter(text).map(|m| m.range()).collect();
            assert_eq!(got, spans, "/{pattern}/ on {text:?}");
            assert_eq!(
                program.is_match(text),
                !spans.is_empty(),
                "/{pattern}/ on {text:?}"
            );
        }
        found
    }

    #[test]
    fn a_built_in_form_that_does_not_decode_is_parsed_again() {
        // No table holds a pattern with this number.
        for (form, text, want) in [
            (Form::Parsed, "Café x", 0..5),
            (Form::AsciiWords, "CAFE x", 0..4),
        ] {
            let exact = Exact::BuiltIn {
                n: u32::MAX,
                form,
                pattern: r"\bcaf[eé]\b".into(),
                case_sensitive: false,
            };
            let program = exact.compile().expect("parsed from the text");
            let found: Vec<_> = program.find_iter(text).map(|m| m.range()).collect();
            assert_eq!(found, [want], "{form:?}");
        }
    }

    fn screened(pattern: &str, case_sensitive: bool) -> Program {
        let hir = crate::pack::parse_pattern(pattern, case_sensitive).unwrap();
        compile_hir(hir, search_config().which_captures(WhichCaptures::Implicit)).unwrap()
    }

    /// Asserts that each of `patterns`, screened, case-sensitive or not,
    /// finds in `texts` what the regex crate finds; the matches found.
    fn screened_find_what_regex_finds(patterns: &[&str], texts: &[String]) -> usize {
        let mut found = 0;
        for pattern in patterns {
            for case_sensitive in [true, false] {
                let program = screened(pattern, case_sensitive);
                assert!(matches!(program, Program::Screened(_)), "{pattern}");
                found += assert_finds_what_regex_finds(&program, pattern, case_sensitive, texts);
            }
        }
        found
    }

    #[test]
    fn long_counted_repetitions_and_unicode_word_boundaries_get_a_screen() {
        let is_screened = |p: &str| matches!(screened(p, false), Program::Screened(_));
        assert!(is_screened(r"\bok\b[^.!?\n]{0,50}\bfine"));
        assert!(is_screened(r"@\w{1,30}(?:\s+\w+){0,6}?\s+idiot"));
        assert!(is_screened(r"\bok\b"));
        assert!(!is_screened(r"(?-u:\b)\d{1,3}\s+out\s+of\s+\d{1,4}"));
        assert!(!is_screened(r"\d{4}-\d{2}"));
        assert!(!is_screened(r"[a-z]+ ok"));
    }

    #[test]
    fn screened_programs_find_what_the_pattern_finds() {
        let patterns = [
            r"\b(ok|fine)\b[^.!\n]{0,6}\b(no|yes)\b",
            r"a.{2,9}?b",
            r"(?:\s+\w+){0,5}\s+k\b",
            r"\b\w{1,7}!",
            r"\bok\b|\Bk\B|\b{start}fine",
        ];
        let alphabet: Vec<char> = "okfinyesab k!.\n\u{e9}".chars().collect();
        let mut texts: Vec<String> = crate::text::random_texts(&alphabet, 20_000, 14).collect();
        texts.extend(
            [
                "ok, then yes",
                "ok the long way to yes",
                "a123456789b",
                "ok k fine k",
            ]
            .map(String::from),
        );
        let found = screened_find_what_regex_finds(&patterns, &texts);
        assert!(found > 5_000, "{found}");
    }

    /// Screens take any non-ASCII bytes for `\w` and negated classes:
    /// posts in other scripts, with emoji, accents, other digits and
    /// spaces find what the pattern finds.
    #[test]
    fn screens_with_widened_classes_find_what_the_pattern_finds() {
        let patterns = [
            r"\b\w{2,9}\s+ok\b",
            r"\bok\b[^.!?\n]{0,8}\b\w+\b",
            r"(?:\s+\w+){0,5}\s+k\b",
            r"\b\d{2,}\W{1,12}\S+\b",
        ];
        let alphabet: Vec<char> =
            "ok k1.!\n\u{e9}\u{3b1}\u{416}\u{4e2d}\u{1f600}\u{a0}\u{663}\u{2019}"
                .chars()
                .collect();
        let mut texts: Vec<String> = crate::text::random_texts(&alphabet, 20_000, 12).collect();
        texts.extend(
            [
                "caf\u{e9} ok",
                "\u{3b1}\u{3b2}\u{3b3} ok",
                "\u{4e2d}\u{6587} ok",
                "ok \u{1f600}\u{1f600} na\u{ef}ve",
                "\u{663}\u{664} \u{2019}\u{2019} x",
                "12\u{a0}\u{1f600} word",
            ]
            .map(String::from),
        );
        let found = screened_find_what_regex_finds(&patterns, &texts);
        assert!(found > 2_000, "{found}");
    }

    #[test]
    fn built_in_screened_patterns_find_what_the_pattern_finds() {
        let (regexes, mut texts) = crate::pack::built_in_patterns_and_examples();
        texts.extend(texts.clone().iter().map(|t| t.to_uppercase()));
        texts.extend(texts.clone().iter().map(|t| format!("{t}. {t} {t}")));
        // Non-ASCII word characters next to and inside the examples.
        texts.extend(
            texts
                .clone()
                .iter()
                .map(|t| format!("é{}ñ", t.replace(' ', "é "))),
        );
        texts.sort_unstable();
        texts.dedup();
        let mut screens = 0;
        let mut found = 0;
        for r in &regexes {
            let program = screened(r.as_str(), r.case_sensitive());
            if !matches!(program, Program::Screened(_)) {
                continue;
            }
            screens += 1;
            let texts = with_a_literal_of(r, &texts);
            found +=
                assert_finds_what_regex_finds(&program, r.as_str(), r.case_sensitive(), &texts);
        }
        assert!(screens > 10, "only {screens} patterns screened");
        assert!(found > 1_000, "only {found} matches");
    }

    #[cfg(compiled_packs)]
    #[test]
    fn sparse_screens_hand_over_to_their_lazy_dfa_past_enough_text() {
        let (regexes, texts) = crate::pack::built_in_patterns_and_examples();
        let (mut sparse, mut matched) = (0, 0);
        for r in &regexes {
            let n = r.built_in().expect("a built-in number");
            let Some(Screen::Sparse(screen)) = Screen::stored(n, Form::Screen) else {
                continue;
            };
            sparse += 1;
            let lazy = Screen::new(
                parsed_hir::built_in_screen(n, Form::Screen)
                    .unwrap()
                    .unwrap(),
            )
            .unwrap();
            let mut searched = 0;
            for text in texts.iter().map(|t| format!("Café {t}")) {
                let may = screen.may_match(&text);
                assert_eq!(may, lazy.may_match(&text), "/{}/ on {text:?}", r.as_str());
                matched += usize::from(may);
                searched += text.len();
                // The sparse DFA searches until the bytes are past the limit.
                assert_eq!(
                    screen.lazy.get().is_some(),
                    searched > SPARSE_SCREEN_BYTES,
                    "/{}/",
                    r.as_str()
                );
            }
            // One long text is enough.
            let fresh = Screen::stored(n, Form::Screen).unwrap();
            let long = format!("Café {}", texts.join(" ").repeat(2));
            assert!(long.len() > SPARSE_SCREEN_BYTES);
            assert_eq!(fresh.may_match(&long), lazy.may_match(&long));
            assert!(matches!(&fresh, Screen::Sparse(s) if s.lazy.get().is_some()));
        }
        assert!(sparse > 50, "only {sparse} sparse screens");
        assert!(matched > 100, "only {matched} texts matched");
    }

    #[cfg(compiled_packs)]
    #[test]
    fn built_in_screens_from_the_build_answer_as_their_lazy_dfas_do() {
        let (regexes, mut texts) = crate::pack::built_in_patterns_and_examples();
        texts.extend(texts.clone().iter().map(|t| t.to_uppercase()));
        texts.extend(texts.clone().iter().map(|t| format!("{t}. {t}\n{t}")));
        texts.extend(texts.clone().iter().map(|t| t.replace(' ', " é ")));
        texts.sort_unstable();
        texts.dedup();
        let (mut screens, mut matched) = (0, 0);
        for r in &regexes {
            let n = r.built_in().expect("a built-in number");
            for form in [Form::Screen, Form::AsciiWordsScreen] {
                let Some(dfa) = screen_dfa::built_in(n, form) else {
                    continue;
                };
                let nfa = parsed_hir::built_in_screen(n, form).unwrap().unwrap();
                let lazy = Screen::new(nfa).unwrap();
                for text in &texts {
                    let may = dfa.may_match(text);
                    assert_eq!(
                        may,
                        lazy.may_match(text),
                        "/{}/ {form:?}: {text:?}",
                        r.as_str()
                    );
                    matched += usize::from(may);
                }
                screens += 1;
            }
        }
        assert!(screens >= 10, "only {screens} screens");
        assert!(matched > 100, "only {matched} texts matched");
    }

    #[cfg(compiled_packs)]
    #[test]
    fn built_in_patterns_are_screened_by_the_build_s_dfas_where_it_stored_them() {
        let (regexes, _) = crate::pack::built_in_patterns_and_examples();
        let mut prebuilt = 0;
        for r in &regexes {
            let n = r.built_in().expect("a built-in number");
            if screen_dfa::built_in(n, Form::AsciiWordsScreen).is_none() {
                continue;
            }
            match r.compile_ascii_word_version() {
                Some(Program::Screened(s)) => {
                    assert!(matches!(*s.screen, Screen::Prebuilt(_)), "/{}/", r.as_str());
                }
                _ => panic!("/{}/ is not screened", r.as_str()),
            }
            prebuilt += 1;
        }
        assert!(prebuilt >= 10, "only {prebuilt}");
    }

    /// The texts holding one of `r`'s prefilter literals: every match of
    /// the pattern in these texts (whose digits and spaces are ASCII)
    /// holds one (`literals::necessary`, which the prefilter's tests
    /// check), so the other texts cannot match it. Searching only these
    /// makes the test many times faster.
    fn with_a_literal_of(r: &LazyRegex, texts: &[String]) -> Vec<String> {
        let Some(needles) = r.literals() else {
            return texts.to_vec();
        };
        let searcher = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(needles.ascii_case_insensitive)
            .build(&needles.literals)
            .unwrap();
        texts
            .iter()
            .filter(|t| searcher.is_match(t.as_str()))
            .cloned()
            .collect()
    }

    #[test]
    fn decoding_keeps_the_literals_and_defers_compiling() {
        let r = LazyRegex::deferred(r"\bquokkas?\b", false);
        let bytes = postcard::to_allocvec(&r).unwrap();
        let back: LazyRegex = postcard::from_bytes(&bytes).unwrap();
        assert!(back.cell.get().is_none());
        let kept = back
            .literals
            .get()
            .expect("literals decoded, not recomputed");
        assert_eq!(kept.as_ref().unwrap().literals, [b"quokka".to_vec()]);
        assert!(back.get().is_match("two Quokkas"));
    }
}
