//! The small closed vocabularies every module shares: THINK dimensions,
//! flags and severities.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One of the five THINK questions a post is scored on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    True,
    Helpful,
    Inspiring,
    Necessary,
    Kind,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::True,
        Dimension::Helpful,
        Dimension::Inspiring,
        Dimension::Necessary,
        Dimension::Kind,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::True => "true",
            Dimension::Helpful => "helpful",
            Dimension::Inspiring => "inspiring",
            Dimension::Necessary => "necessary",
            Dimension::Kind => "kind",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn parse(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A warning raised next to the scores: the tone problems that cost
/// businesses customers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flag {
    Sarcasm,
    Hostility,
    Oversharing,
}

impl Flag {
    pub const ALL: [Flag; 3] = [Flag::Sarcasm, Flag::Hostility, Flag::Oversharing];

    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Sarcasm => "sarcasm",
            Flag::Hostility => "hostility",
            Flag::Oversharing => "oversharing",
        }
    }

    pub fn parse(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a finding is. `Error` fails the post by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
