//! Tone: whether a post reads as negative, neutral or positive overall.
//!
//! Three signals are added up: the VADER sentiment lexicon and rules (the
//! `vader_sentiment` crate, MIT), think-lint's own valence lexicon
//! (`text/valence.txt`, its average over the post), and a polarity model
//! learned by `think-lint train` from emotion-labeled posts (joy and
//! optimism against anger and sadness; `src/tone-model.toml`, regenerated
//! by `scripts/train-builtin.sh`). Only the evidence in the post counts
//! (not the model's bias), so a post with no opinion in it reads as
//! neutral. The mix and the neutral band were chosen on labeled
//! validation posts (sentiment), where a broad range of settings scores
//! about the same.

use crate::text::Analysis;
use crate::text::features::features;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

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

const MODEL: &str = include_str!("tone-model.toml");

/// Term weights of the polarity model (positive = joyful or optimistic).
static WEIGHTS: LazyLock<HashMap<String, f64>> = LazyLock::new(|| {
    let value: toml::Value = toml::from_str(MODEL).expect("the tone model is valid TOML");
    value
        .get("rules")
        .and_then(|r| r.get(0))
        .and_then(|r| r.get("match"))
        .and_then(|m| m.get("terms"))
        .and_then(|t| t.as_table())
        .map(|t| {
            t.iter()
                .filter_map(|(k, v)| v.as_float().map(|w| (k.clone(), w)))
                .collect()
        })
        .unwrap_or_default()
});

thread_local! {
    static VADER: vader_sentiment::SentimentIntensityAnalyzer<'static> =
        vader_sentiment::SentimentIntensityAnalyzer::new();
}

/// Weights of VADER's compound score (−1 to 1), the valence lexicon's
/// average (−1 to 1) and the learned model's evidence (a logit).
const VADER_WEIGHT: f64 = 3.0;
const VALENCE_WEIGHT: f64 = 2.0;
const MODEL_WEIGHT: f64 = 0.25;
/// Evidence at or below this reads as negative, at or above `POSITIVE` as positive.
const NEGATIVE: f64 = -0.7;
const POSITIVE: f64 = 1.7;

/// The post's polarity evidence: the weighted sum of the three signals.
/// Zero means no opinion either way.
pub fn polarity(a: &Analysis) -> f64 {
    let compound = VADER.with(|v| {
        v.polarity_scores(a.text)
            .get("compound")
            .copied()
            .unwrap_or(0.0)
    });
    VADER_WEIGHT * compound + VALENCE_WEIGHT * a.metrics.valence + MODEL_WEIGHT * learned(a)
}

/// The learned polarity model's evidence: its term contributions.
fn learned(a: &Analysis) -> f64 {
    let weights = &*WEIGHTS;
    let mut seen = HashSet::new();
    let mut z = 0.0;
    features(a, |key, value, _| {
        if let Some(w) = weights.get(key)
            && seen.insert(key.to_string())
        {
            z += w * value;
        }
    });
    z
}

/// The tone of an analysed post.
pub fn tone(a: &Analysis) -> Tone {
    let p = polarity(a);
    if p <= NEGATIVE {
        Tone::Negative
    } else if p >= POSITIVE {
        Tone::Positive
    } else {
        Tone::Neutral
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> Tone {
        tone(&Analysis::new(text))
    }

    #[test]
    fn plain_warm_and_angry_posts() {
        assert!(!WEIGHTS.is_empty());
        assert_eq!(
            of("Thank you all for a wonderful, happy year!"),
            Tone::Positive
        );
        assert_eq!(
            of("This is awful, I hate it and I'm furious."),
            Tone::Negative
        );
        assert_eq!(of("The shop opens at 9 on Tuesday."), Tone::Neutral);
    }
}
