//! Turns the raw TOML of a pack into validated rules: every check a rule
//! could fail happens here, at load time, never at match time.

use super::schema::{MatchDef, PackFile, RuleDef};
use super::*;
use crate::text::{Analysis, TokenKind};
use regex::{Regex, RegexBuilder};
use std::collections::HashSet;
use std::ops::Range;
use toml::Spanned;

/// Compiled-size limit for one user regex (bytes of program).
pub(super) const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Room for one pattern's lazy DFA states, per thread: a cache that fills
/// starts over, so this bounds memory, not what is found. Every thread
/// holds one per pattern it has run (forward and reverse), which makes
/// this most of what a thread adds to a run's peak memory: 256 KiB costs
/// about 1% more time per post than 1 MiB, and each thread about 6 MB
/// less on 14 MB of posts.
pub(super) const REGEX_CACHE_CAPACITY: usize = 1 << 18;
pub(super) const REGEX_NEST_LIMIT: u32 = 64;

/// `pattern` as every program built from it reads it: the syntax options
/// and nesting limit of `compile_regex`; `None` when it does not parse.
pub(crate) fn parse_pattern(pattern: &str, case_sensitive: bool) -> Option<regex_syntax::hir::Hir> {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(!case_sensitive)
        .nest_limit(REGEX_NEST_LIMIT)
        .build()
        .parse(pattern)
        .ok()
}
/// Longest pattern source parsed at all: parsing is linear, but a pack
/// should not cost seconds to load, and a pattern this long would exceed
/// the compiled-size limit anyway.
pub(super) const REGEX_MAX_PATTERN: usize = 256 << 10;
const MAX_WEIGHT: i64 = 100;
const MAX_WINDOW: i64 = 50;

struct Ctx<'a> {
    origin: &'a str,
    source: &'a str,
    errors: Vec<LocatedError>,
    /// Byte offsets where the source's lines start, so placing a rule or an
    /// error costs a search, not a scan of the file (a pack of thousands of
    /// rules would otherwise load in quadratic time).
    line_starts: Vec<usize>,
}

impl Ctx<'_> {
    /// 1-based line and column (in characters) of a byte offset.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        (line, self.source[start..offset].chars().count() + 1)
    }

    fn error(
        &mut self,
        span: Option<Range<usize>>,
        rule: Option<&str>,
        message: impl Into<String>,
    ) -> &mut LocatedError {
        let mut e = LocatedError::at(self.origin, "", None, message).rule(rule);
        if let Some(span) = span {
            (e.line, e.column) = self.line_col(span.start);
        }
        self.errors.push(e);
        self.errors.last_mut().expect("just pushed")
    }
}

/// Parses and validates one pack, compiling its regexes.
pub fn pack(source: &str, origin: &str) -> Result<Pack, Vec<LocatedError>> {
    let file: PackFile = match toml::from_str(source) {
        Ok(f) => f,
        Err(e) => {
            let span = e.span();
            let rule = span.as_ref().and_then(|s| rule_id_before(source, s.start));
            return Err(vec![
                LocatedError::at(origin, source, span, e.message().trim_end().to_string())
                    .rule(rule.as_deref()),
            ]);
        }
    };
    let mut ctx = Ctx {
        origin,
        source,
        errors: Vec::new(),
        line_starts: std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
    };
    let pack_id = file.pack.id.get_ref().clone();
    if !is_slug(&pack_id) {
        ctx.error(
            Some(file.pack.id.span()),
            None,
            format!("pack id `{pack_id}` must be lowercase letters, digits and dashes"),
        );
    }
    let mut seen = HashSet::new();
    let mut rules = Vec::new();
    for def in file.rules {
        if let Some(rule) = rule(&mut ctx, &file.pack, def, &mut seen) {
            rules.push(rule);
        }
    }
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    Ok(Pack {
        id: pack_id,
        dimension: file.pack.dimension,
        flag: file.pack.flag,
        description: file.pack.description,
        version: file.pack.version,
        origin: origin.to_string(),
        rules,
    })
}

/// The id of the `[[rules]]` entry a byte offset falls in, if any: used to
/// name the rule in TOML syntax and type errors.
fn rule_id_before(source: &str, offset: usize) -> Option<String> {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let table = before.rfind("[[rules]]")?;
    let after_table = &source[table..];
    let end = after_table[9..]
        .find("[[rules]]")
        .map_or(source.len(), |i| table + 9 + i);
    source[table..end].lines().find_map(|line| {
        let rest = line
            .trim()
            .strip_prefix("id")?
            .trim_start()
            .strip_prefix('=')?;
        Some(rest.trim().trim_matches(['"', '\'']).to_string())
    })
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn rule(
    ctx: &mut Ctx,
    meta: &schema::PackMeta,
    def: RuleDef,
    seen: &mut HashSet<String>,
) -> Option<Rule> {
    let id = def.id.get_ref().clone();
    let id_span = def.id.span();
    let before = ctx.errors.len();
    let rid = Some(id.as_str());
    match id.split_once('/') {
        Some((p, name)) if p == meta.id.get_ref() && is_slug(name) => {}
        _ => {
            ctx.error(Some(id_span.clone()), rid, format!(
                "rule id must be `{}/<name>` with a name of lowercase letters, digits and dashes",
                meta.id.get_ref()
            ));
        }
    }
    if !seen.insert(id.clone()) {
        ctx.error(Some(id_span.clone()), rid, "duplicate rule id in this pack")
            .help = Some("give each rule its own id".into());
    }
    let weight = *def.weight.get_ref();
    if !(0..=MAX_WEIGHT).contains(&weight) {
        ctx.error(
            Some(def.weight.span()),
            rid,
            format!("weight {weight} is out of range"),
        )
        .help = Some(format!(
            "use 0 to {MAX_WEIGHT}: the points taken from the dimension's score"
        ));
    }
    if def.message.get_ref().trim().is_empty() {
        ctx.error(Some(def.message.span()), rid, "message is empty")
            .help = Some("say what is wrong and why, in plain words".into());
    }
    if let Some(p) = &def.example_platform
        && crate::platform::Profiles::default()
            .get(p.get_ref())
            .is_none()
    {
        ctx.error(
            Some(p.span()),
            rid,
            format!("unknown platform `{}`", p.get_ref()),
        )
        .help = Some(
            "use x, bluesky, threads, mastodon, linkedin, instagram, facebook or generic".into(),
        );
    }
    let matcher = matcher(ctx, rid, def.matcher);
    if ctx.errors.len() > before {
        return None;
    }
    let (line, column) = ctx.line_col(id_span.start);
    Some(Rule {
        pack: meta.id.get_ref().clone(),
        dimension: def.dimension.unwrap_or(meta.dimension),
        flag: match def.flag {
            Some(f) => f.flag(),
            None => meta.flag,
        },
        severity: def.severity,
        weight: weight as u32,
        message: def.message.into_inner(),
        suggestion: def.suggestion,
        fire: def.fire.map(Spanned::into_inner).unwrap_or_default(),
        pass: def.pass.map(Spanned::into_inner).unwrap_or_default(),
        example_platform: def.example_platform.map(Spanned::into_inner),
        matcher: matcher?,
        origin: ctx.origin.to_string(),
        line,
        column,
        id,
    })
}

const WORDS_KEYS: &[&str] = &[
    "words",
    "exact",
    "hashtags",
    "near",
    "within",
    "near_order",
    "negation",
    "quotes",
    "unless",
    "min_count",
];
const REGEX_KEYS: &[&str] = &[
    "pattern",
    "case_sensitive",
    "check",
    "negation",
    "quotes",
    "unless",
    "min_count",
];
const METRIC_KEYS: &[&str] = &["metric", "above", "below", "min_words"];
const ABSENT_KEYS: &[&str] = &["words", "exact", "patterns", "when", "min_words"];
const WEIGHTED_KEYS: &[&str] = &["bias", "threshold", "terms", "min_words"];
/// Largest weight a learned term may carry.
const MAX_TERM_WEIGHT: f64 = 100.0;

fn present_keys(m: &MatchDef) -> Vec<(&'static str, Range<usize>)> {
    macro_rules! keys {
        ($($f:ident),*) => {{
            let mut v = Vec::new();
            $( if let Some(x) = &m.$f { v.push((stringify!($f), x.span())); } )*
            v
        }};
    }
    keys!(
        words,
        exact,
        hashtags,
        near,
        within,
        near_order,
        negation,
        quotes,
        unless,
        min_count,
        pattern,
        case_sensitive,
        check,
        metric,
        above,
        below,
        min_words,
        when,
        patterns,
        bias,
        threshold,
        terms
    )
}

fn matcher(ctx: &mut Ctx, rid: Option<&str>, def: Spanned<MatchDef>) -> Option<Matcher> {
    let table_span = def.span();
    let m = def.into_inner();
    let Some(kind) = &m.kind else {
        ctx.error(Some(table_span), rid, "the match table has no `kind`")
            .help = Some("set kind = \"words\", \"regex\", \"metric\" or \"absent\"".into());
        return None;
    };
    let allowed = match kind.get_ref().as_str() {
        "words" => WORDS_KEYS,
        "regex" => REGEX_KEYS,
        "metric" => METRIC_KEYS,
        "absent" => ABSENT_KEYS,
        "weighted" => WEIGHTED_KEYS,
        other => {
            ctx.error(
                Some(kind.span()),
                rid,
                format!("unknown matcher kind `{other}`"),
            )
            .help = Some("use \"words\", \"regex\", \"metric\", \"absent\" or \"weighted\"".into());
            return None;
        }
    };
    let before = ctx.errors.len();
    for (key, span) in present_keys(&m) {
        if !allowed.contains(&key) {
            ctx.error(
                Some(span),
                rid,
                format!("`{key}` is not a key of matcher kind `{}`", kind.get_ref()),
            )
            .help = Some(format!("its keys are: {}", allowed.join(", ")));
        }
    }
    if ctx.errors.len() > before {
        return None;
    }
    let exact = m.exact.as_ref().is_some_and(|b| *b.get_ref());
    match kind.get_ref().as_str() {
        "words" => words(ctx, rid, m, exact, table_span),
        "regex" => pattern(ctx, rid, m, table_span),
        "metric" => threshold(ctx, rid, m, table_span),
        "weighted" => weighted(ctx, rid, m, table_span),
        _ => absent(ctx, rid, m, exact),
    }
}

fn phrases(
    ctx: &mut Ctx,
    rid: Option<&str>,
    list: Option<Spanned<Vec<Spanned<String>>>>,
    exact: bool,
) -> Phrases {
    let Some(list) = list else {
        return Phrases::default();
    };
    let mut out = Vec::new();
    for item in list.into_inner() {
        match phrase(item.get_ref(), exact) {
            Ok(p) => out.push(p),
            Err(msg) => {
                ctx.error(Some(item.span()), rid, msg);
            }
        }
    }
    Phrases::Listed(out)
}

/// Turns a word or phrase of a list into the keys tokens are compared on.
pub fn phrase(text: &str, exact: bool) -> Result<Phrase, String> {
    if let Some(tokens) = crate::text::plain_tokens(text) {
        return keys_of(text, &tokens, exact);
    }
    let a = Analysis::new(text);
    if !a.links.is_empty()
        || !a.mentions.is_empty()
        || !a.emails.is_empty()
        || !a.hashtags.is_empty()
    {
        return Err(format!(
            "`{text}` is a link, mention or hashtag; word lists hold plain words (use a regex matcher)"
        ));
    }
    keys_of(text, &a.tokens, exact)
}

fn keys_of(text: &str, tokens: &[crate::text::Token], exact: bool) -> Result<Phrase, String> {
    let keys: Vec<CompactString> = tokens
        .iter()
        .map(|t| {
            if exact || t.kind != TokenKind::Word {
                t.lower.clone()
            } else {
                t.stem.clone()
            }
        })
        .collect();
    if keys.is_empty() {
        return Err(format!(
            "`{text}` has no words to match (use a regex matcher for punctuation)"
        ));
    }
    Ok(Phrase { keys, exact })
}

fn context(ctx: &mut Ctx, rid: Option<&str>, v: &Option<Spanned<String>>, key: &str) -> Context {
    let Some(v) = v else { return Context::Any };
    match v.get_ref().as_str() {
        "any" => Context::Any,
        "exclude" => Context::Exclude,
        "require" => Context::Require,
        other => {
            ctx.error(Some(v.span()), rid, format!("`{key}` cannot be `{other}`"))
                .help = Some("use \"any\", \"exclude\" or \"require\"".into());
            Context::Any
        }
    }
}

fn negation(ctx: &mut Ctx, rid: Option<&str>, v: &Option<Spanned<String>>) -> Negation {
    let Some(v) = v else { return Negation::Any };
    Negation::parse(v.get_ref()).unwrap_or_else(|| {
        ctx.error(
            Some(v.span()),
            rid,
            format!("`negation` cannot be `{}`", v.get_ref()),
        )
        .help = Some("use \"any\", \"exclude\", \"exclude-direct\" or \"require\"".into());
        Negation::Any
    })
}

fn count(
    ctx: &mut Ctx,
    rid: Option<&str>,
    v: &Option<Spanned<i64>>,
    key: &str,
    default: i64,
    max: i64,
) -> usize {
    let Some(v) = v else { return default as usize };
    let n = *v.get_ref();
    if !((1..=max).contains(&n) || key == "min_words" && n == 0) {
        ctx.error(
            Some(v.span()),
            rid,
            format!("`{key}` = {n} is out of range"),
        )
        .help = Some(format!("use a whole number from 1 to {max}"));
        return default as usize;
    }
    n as usize
}

fn words(
    ctx: &mut Ctx,
    rid: Option<&str>,
    m: MatchDef,
    exact: bool,
    span: Range<usize>,
) -> Option<Matcher> {
    if m.words.as_ref().is_none_or(|w| w.get_ref().is_empty()) {
        ctx.error(
            Some(m.words.as_ref().map_or(span, |w| w.span())),
            rid,
            "a `words` matcher needs a non-empty `words` list",
        );
        return None;
    }
    let list = phrases(ctx, rid, m.words, exact);
    let near_list = m.near.is_some();
    let near_phrases = phrases(ctx, rid, m.near, exact);
    let within = count(ctx, rid, &m.within, "within", 5, MAX_WINDOW);
    if m.within.is_some() && !near_list {
        ctx.error(
            m.within.as_ref().map(|w| w.span()),
            rid,
            "`within` needs a `near` list",
        );
    }
    let order = match &m.near_order {
        None => Order::Any,
        Some(o) => match o.get_ref().as_str() {
            "any" => Order::Any,
            "before" => Order::Before,
            "after" => Order::After,
            other => {
                ctx.error(
                    Some(o.span()),
                    rid,
                    format!("`near_order` cannot be `{other}`"),
                )
                .help = Some("use \"any\", \"before\" or \"after\"".into());
                Order::Any
            }
        },
    };
    let negation = negation(ctx, rid, &m.negation);
    let quotes = context(ctx, rid, &m.quotes, "quotes");
    let unless = phrases(ctx, rid, m.unless, exact);
    let min_count = count(ctx, rid, &m.min_count, "min_count", 1, 1000);
    Some(Matcher::Words(Arc::new(Words {
        phrases: list,
        hashtags: m.hashtags.is_some_and(|h| h.into_inner()),
        near: near_list.then_some(Near {
            phrases: near_phrases,
            within,
            order,
        }),
        negation,
        quotes,
        unless,
        min_count,
    })))
}

/// Compiles a user regex with size and nesting limits, explaining what
/// the regex crate does not support.
pub fn compile_regex(
    pattern: &str,
    case_sensitive: bool,
) -> Result<Regex, (String, Option<String>)> {
    if pattern.len() > REGEX_MAX_PATTERN {
        return Err((
            format!(
                "invalid regex: the pattern is {} bytes, more than the {REGEX_MAX_PATTERN}-byte limit",
                pattern.len()
            ),
            Some("split it into several rules, or use a `words` matcher for long lists".into()),
        ));
    }
    RegexBuilder::new(pattern)
        .case_insensitive(!case_sensitive)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_CACHE_CAPACITY)
        .nest_limit(REGEX_NEST_LIMIT)
        .build()
        .map_err(|e| {
            let help = if ["(?=", "(?!", "(?<=", "(?<!"].iter().any(|l| pattern.contains(l)) {
                Some("look-around is not supported: patterns run in linear time; match more text, or use a `words` matcher with `near`/`unless`".to_string())
            } else if pattern.contains("\\1") || pattern.contains("\\2") {
                Some("backreferences are not supported: patterns run in linear time".to_string())
            } else if matches!(e, regex::Error::CompiledTooBig(_)) {
                Some("the pattern compiles too big; split it into several rules or simplify repetitions".to_string())
            } else {
                None
            };
            let msg = e.to_string();
            let first = msg.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("").trim();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            (format!("invalid regex: {first}"), help)
        })
}

fn regex_at(
    ctx: &mut Ctx,
    rid: Option<&str>,
    p: &Spanned<String>,
    case_sensitive: bool,
) -> Option<LazyRegex> {
    match compile_regex(p.get_ref(), case_sensitive) {
        Ok(r) => {
            if r.is_match("") {
                ctx.error(
                    Some(p.span()),
                    rid,
                    "the regex matches empty text, so it would fire everywhere",
                )
                .help = Some("make at least one part of it required".into());
                return None;
            }
            Some(LazyRegex::compiled(p.get_ref(), case_sensitive, r))
        }
        Err((msg, help)) => {
            let e = ctx.error(Some(p.span()), rid, msg);
            e.help = help;
            None
        }
    }
}

fn pattern(ctx: &mut Ctx, rid: Option<&str>, m: MatchDef, span: Range<usize>) -> Option<Matcher> {
    let Some(p) = &m.pattern else {
        ctx.error(Some(span), rid, "a `regex` matcher needs a `pattern`");
        return None;
    };
    let cs = m.case_sensitive.as_ref().is_some_and(|c| *c.get_ref());
    let regex = regex_at(ctx, rid, p, cs);
    let check = match &m.check {
        None => None,
        Some(c) if c.get_ref() == "luhn" => Some(Check::Luhn),
        Some(c) => {
            ctx.error(
                Some(c.span()),
                rid,
                format!("unknown check `{}`", c.get_ref()),
            )
            .help = Some("the only check is \"luhn\"".into());
            None
        }
    };
    let negation = negation(ctx, rid, &m.negation);
    let quotes = context(ctx, rid, &m.quotes, "quotes");
    let min_count = count(ctx, rid, &m.min_count, "min_count", 1, 1000);
    let unless = phrases(ctx, rid, m.unless, false);
    Some(Matcher::Regex(Arc::new(Pattern {
        regex: regex?,
        check,
        negation,
        quotes,
        unless,
        min_count,
    })))
}

fn threshold(ctx: &mut Ctx, rid: Option<&str>, m: MatchDef, span: Range<usize>) -> Option<Matcher> {
    let Some(name) = &m.metric else {
        ctx.error(Some(span), rid, "a `metric` matcher needs a `metric`");
        return None;
    };
    let Some(metric) = Metric::parse(name.get_ref()) else {
        let names: Vec<_> = Metric::ALL.iter().map(|m| m.name()).collect();
        ctx.error(
            Some(name.span()),
            rid,
            format!("unknown metric `{}`", name.get_ref()),
        )
        .help = Some(format!("metrics are: {}", names.join(", ")));
        return None;
    };
    if m.above.is_none() && m.below.is_none() {
        ctx.error(
            Some(name.span()),
            rid,
            "a `metric` matcher needs `above` or `below`",
        );
        return None;
    }
    for v in [&m.above, &m.below].into_iter().flatten() {
        let x = *v.get_ref();
        let (lo, hi) = match metric {
            Metric::Valence => (-1.0, 1.0),
            Metric::CapsRatio => (0.0, 1.0),
            _ => (0.0, 1e9),
        };
        if !x.is_finite() || x < lo || x > hi {
            ctx.error(
                Some(v.span()),
                rid,
                format!("threshold {x:?} is out of range for `{}`", metric.name()),
            )
            .help = Some(format!("use a number from {lo} to {hi}"));
        }
    }
    let min_words = count(ctx, rid, &m.min_words, "min_words", 0, 100_000);
    Some(Matcher::Metric(Threshold {
        metric,
        above: m.above.map(Spanned::into_inner),
        below: m.below.map(Spanned::into_inner),
        min_words,
    }))
}

fn weighted(ctx: &mut Ctx, rid: Option<&str>, m: MatchDef, span: Range<usize>) -> Option<Matcher> {
    let finite = |ctx: &mut Ctx, v: &Spanned<f64>, what: &str, lo: f64, hi: f64| -> f64 {
        let x = *v.get_ref();
        if !x.is_finite() || x < lo || x > hi {
            ctx.error(Some(v.span()), rid, format!("{what} {x:?} is out of range"))
                .help = Some(format!("use a number from {lo} to {hi}"));
        }
        x
    };
    let Some(terms) = m.terms else {
        ctx.error(
            Some(span),
            rid,
            "a `weighted` matcher needs a `terms` table of feature = weight",
        );
        return None;
    };
    let bias = m.bias.as_ref().map_or(0.0, |b| {
        finite(ctx, b, "bias", -MAX_TERM_WEIGHT, MAX_TERM_WEIGHT)
    });
    let threshold = match &m.threshold {
        Some(t) => finite(ctx, t, "threshold", 0.0, 1.0),
        None => 0.5,
    };
    let min_words = count(ctx, rid, &m.min_words, "min_words", 0, 100_000);
    let mut out = Vec::new();
    for (key, w) in terms.into_inner() {
        let weight = finite(
            ctx,
            &w,
            &format!("the weight of `{key}`"),
            -MAX_TERM_WEIGHT,
            MAX_TERM_WEIGHT,
        );
        if key.starts_with('@') && !crate::text::features::is_dense(&key) {
            let names: Vec<_> = crate::text::features::DENSE
                .iter()
                .map(|(k, _)| *k)
                .collect();
            ctx.error(Some(w.span()), rid, format!("unknown measurement `{key}`"))
                .help = Some(format!("measurements are: {}", names.join(", ")));
            continue;
        }
        if key.trim().is_empty() || key.split(' ').count() > 2 {
            ctx.error(
                Some(w.span()),
                rid,
                format!("term `{key}` must be one stem or two stems separated by a space"),
            );
            continue;
        }
        out.push((key.to_lowercase().into(), weight));
    }
    if out.is_empty() {
        ctx.error(Some(span), rid, "the `terms` table is empty");
        return None;
    }
    Some(Matcher::Weighted(Arc::new(Weighted {
        bias,
        threshold,
        terms: Terms::Listed(out),
        min_words,
    })))
}

fn absent(ctx: &mut Ctx, rid: Option<&str>, m: MatchDef, exact: bool) -> Option<Matcher> {
    let has_words = m.words.as_ref().is_some_and(|w| !w.get_ref().is_empty());
    let has_patterns = m.patterns.as_ref().is_some_and(|p| !p.get_ref().is_empty());
    if !has_words && !has_patterns {
        ctx.error(
            m.words.as_ref().map(|w| w.span()),
            rid,
            "an `absent` matcher needs `words` or `patterns` to look for",
        );
        return None;
    }
    let words = phrases(ctx, rid, m.words, exact);
    let when = phrases(ctx, rid, m.when, exact);
    let mut patterns = Vec::new();
    for p in m.patterns.map(Spanned::into_inner).unwrap_or_default() {
        if let Some(r) = regex_at(ctx, rid, &p, false) {
            patterns.push(r);
        }
    }
    let min_words = count(ctx, rid, &m.min_words, "min_words", 0, 100_000);
    Some(Matcher::Absent(Arc::new(Absent {
        words,
        patterns,
        when,
        min_words,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "[pack]\nid = \"acme\"\ndimension = \"kind\"\ndescription = \"d\"\nversion = \"1\"\n";

    fn errors(body: &str) -> Vec<LocatedError> {
        pack(&format!("{HEAD}{body}"), "acme.toml").unwrap_err()
    }

    #[test]
    fn unknown_key_is_located_with_rule_id() {
        let e = errors(
            "[[rules]]\nid = \"acme/x\"\nseverity = \"error\"\nweight = 5\nmessage = \"m\"\ncolour = 1\n[rules.match]\nkind = \"words\"\nwords = [\"a\"]\n",
        );
        assert_eq!(e[0].file, "acme.toml");
        assert_eq!(e[0].line, 11);
        assert_eq!(e[0].rule.as_deref(), Some("acme/x"));
        assert!(e[0].message.contains("colour"), "{}", e[0].message);
    }

    #[test]
    fn bad_regex_names_rule_and_place() {
        let e = errors(
            "[[rules]]\nid = \"acme/x\"\nseverity = \"error\"\nweight = 5\nmessage = \"m\"\n[rules.match]\nkind = \"regex\"\npattern = '(?=a)b'\n",
        );
        assert_eq!((e[0].line, e[0].column), (13, 11));
        assert!(e[0].help.as_deref().unwrap().contains("look-around"));
    }

    #[test]
    fn duplicate_ids_and_bad_weight() {
        let rule = "[[rules]]\nid = \"acme/x\"\nseverity = \"info\"\nweight = 500\nmessage = \"m\"\n[rules.match]\nkind = \"words\"\nwords = [\"a\"]\n";
        let e = errors(&format!("{rule}{rule}"));
        assert!(e.iter().any(|e| e.message.contains("duplicate")));
        assert!(e.iter().any(|e| e.message.contains("weight 500")));
    }

    #[test]
    fn key_of_another_kind_is_rejected() {
        let e = errors(
            "[[rules]]\nid = \"acme/x\"\nseverity = \"info\"\nweight = 5\nmessage = \"m\"\n[rules.match]\nkind = \"metric\"\nmetric = \"emoji\"\nabove = 3\nwords = [\"a\"]\n",
        );
        assert!(
            e[0].message.contains("`words` is not a key"),
            "{}",
            e[0].message
        );
    }

    #[test]
    fn positions_from_the_line_index_match_a_scan() {
        let source = "a = 1\nbé = \"x\"\n\nlast";
        let ctx = Ctx {
            origin: "p.toml",
            source,
            errors: Vec::new(),
            line_starts: vec![0, 6, 16, 17],
        };
        for offset in 0..=source.len() + 2 {
            assert_eq!(
                ctx.line_col(offset),
                crate::error::line_col(source, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn phrases_are_stemmed() {
        assert_eq!(
            phrase("Complaining customers", false).unwrap().keys,
            ["complain", "custom"]
        );
        assert!(phrase("#tag", false).is_err());
        assert!(phrase("!!", false).is_err());
    }
}
