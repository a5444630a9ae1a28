//! Rule packs: the TOML schema, and loading it into validated rules with
//! errors that name the file, line:column and rule.

mod compile;
mod lazy_regex;
mod schema;

use crate::error::LocatedError;
use crate::model::{Dimension, Flag, Severity};
use crate::text::Metric;
use std::path::Path;

pub use compile::{compile_regex, phrase};
pub use lazy_regex::LazyRegex;

/// A loaded, validated rule pack.
#[derive(Clone, Debug)]
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
#[derive(Clone, Debug)]
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
#[derive(Clone, Debug)]
pub enum Matcher {
    Words(Words),
    Regex(Pattern),
    Metric(Threshold),
    Absent(Absent),
    Weighted(Weighted),
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phrase {
    /// Stems (or lower-cased words when `exact`), one per word.
    pub keys: Vec<String>,
    pub exact: bool,
}

/// Whether matches in some context count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Context {
    /// Context does not matter.
    #[default]
    Any,
    /// Matches in this context are skipped.
    Exclude,
    /// Only matches in this context count.
    Require,
}

/// Which side the `near` word must be on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    Any,
    Before,
    After,
}

#[derive(Clone, Debug)]
pub struct Near {
    pub phrases: Vec<Phrase>,
    pub within: usize,
    pub order: Order,
}

#[derive(Clone, Debug)]
pub struct Words {
    pub phrases: Vec<Phrase>,
    pub hashtags: bool,
    pub near: Option<Near>,
    pub negation: Context,
    pub quotes: Context,
    pub unless: Vec<Phrase>,
    pub min_count: usize,
}

/// A post-check on regex matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    Luhn,
}

#[derive(Clone, Debug)]
pub struct Pattern {
    pub regex: LazyRegex,
    pub check: Option<Check>,
    pub quotes: Context,
    pub unless: Vec<Phrase>,
    pub min_count: usize,
}

#[derive(Clone, Debug)]
pub struct Threshold {
    pub metric: Metric,
    pub above: Option<f64>,
    pub below: Option<f64>,
    pub min_words: usize,
}

#[derive(Clone, Debug)]
pub struct Absent {
    pub words: Vec<Phrase>,
    pub patterns: Vec<LazyRegex>,
    pub when: Vec<Phrase>,
    pub min_words: usize,
}

/// A learned linear model over the features of `text::features`: the rule
/// fires when `sigmoid(bias + Σ weight × value) ≥ threshold`.
#[derive(Clone, Debug)]
pub struct Weighted {
    pub bias: f64,
    pub threshold: f64,
    /// Feature keys (stems, stem pairs, `#hashtag-word`, emoji, `@measure`)
    /// and their weights.
    pub terms: Vec<(String, f64)>,
    /// Posts with fewer words are not scored.
    pub min_words: usize,
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
];

/// Loads the built-in packs. They are checked by the test suite, so an
/// error here is a bug in the binary.
pub fn built_in() -> Result<Vec<Pack>, Vec<LocatedError>> {
    BUILT_IN
        .iter()
        .map(|(name, src)| compile::pack(src, &format!("built-in:{name}"), true))
        .collect()
}

/// Parses and validates one pack, compiling its regexes. `origin` names the
/// file in errors.
pub fn parse(source: &str, origin: &str) -> Result<Pack, Vec<LocatedError>> {
    compile::pack(source, origin, false)
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
