//! The TOML shape of a rule pack, exactly as written. Unknown keys are
//! rejected; values keep their spans so later checks can point at them.

use crate::model::{Dimension, Flag, Severity};
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub pack: PackMeta,
    #[serde(default)]
    pub rules: Vec<RuleDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackMeta {
    pub id: Spanned<String>,
    pub dimension: Dimension,
    pub flag: Option<Flag>,
    pub description: String,
    pub version: String,
}

/// A rule's flag: one of the flags, or `"none"` to opt out of the pack's.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum FlagSetting {
    Sarcasm,
    Hostility,
    Oversharing,
    None,
}

impl FlagSetting {
    pub fn flag(self) -> Option<Flag> {
        match self {
            FlagSetting::Sarcasm => Some(Flag::Sarcasm),
            FlagSetting::Hostility => Some(Flag::Hostility),
            FlagSetting::Oversharing => Some(Flag::Oversharing),
            FlagSetting::None => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: Spanned<String>,
    pub severity: Severity,
    pub weight: Spanned<i64>,
    pub message: Spanned<String>,
    pub suggestion: Option<String>,
    pub dimension: Option<Dimension>,
    pub flag: Option<FlagSetting>,
    pub fire: Option<Spanned<Vec<String>>>,
    pub example_platform: Option<Spanned<String>>,
    pub pass: Option<Spanned<Vec<String>>>,
    #[serde(rename = "match")]
    pub matcher: Spanned<MatchDef>,
}

/// Every key any matcher kind may use; which ones a kind accepts is
/// checked when the rule is compiled.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MatchDef {
    pub kind: Option<Spanned<String>>,
    // words
    pub words: Option<Spanned<Vec<Spanned<String>>>>,
    pub exact: Option<Spanned<bool>>,
    pub hashtags: Option<Spanned<bool>>,
    pub near: Option<Spanned<Vec<Spanned<String>>>>,
    pub within: Option<Spanned<i64>>,
    pub near_order: Option<Spanned<String>>,
    pub negation: Option<Spanned<String>>,
    pub quotes: Option<Spanned<String>>,
    pub unless: Option<Spanned<Vec<Spanned<String>>>>,
    pub min_count: Option<Spanned<i64>>,
    // regex
    pub pattern: Option<Spanned<String>>,
    pub case_sensitive: Option<Spanned<bool>>,
    pub check: Option<Spanned<String>>,
    // metric
    pub metric: Option<Spanned<String>>,
    pub above: Option<Spanned<f64>>,
    pub below: Option<Spanned<f64>>,
    pub min_words: Option<Spanned<i64>>,
    // absent
    pub when: Option<Spanned<Vec<Spanned<String>>>>,
    pub patterns: Option<Spanned<Vec<Spanned<String>>>>,
    // weighted
    pub bias: Option<Spanned<f64>>,
    pub threshold: Option<Spanned<f64>>,
    pub terms: Option<Spanned<std::collections::BTreeMap<String, Spanned<f64>>>>,
}
