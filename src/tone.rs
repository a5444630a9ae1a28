//! Tone: whether a post reads as negative, neutral or positive overall.

use crate::text::Analysis;

/// The overall valence verdict of a post.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Tone {
    Negative,
    #[default]
    Neutral,
    Positive,
}

impl Tone {
    pub const ALL: [Tone; 3] = [Tone::Negative, Tone::Neutral, Tone::Positive];

    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Negative => "negative",
            Tone::Neutral => "neutral",
            Tone::Positive => "positive",
        }
    }

    pub fn parse(s: &str) -> Option<Tone> {
        Tone::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl std::fmt::Display for Tone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The tone of an analysed post.
pub fn tone(a: &Analysis) -> Tone {
    let v = a.metrics.valence;
    if v <= -0.05 {
        Tone::Negative
    } else if v >= 0.05 {
        Tone::Positive
    } else {
        Tone::Neutral
    }
}
