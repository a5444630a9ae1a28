//! The features a learned (`weighted`) rule reads, computed from the
//! analysis: one definition shared by training and matching, so a trained
//! pack means the same thing at check time.
//!
//! - a word's stem (`idiot`), an emoji (`🙄`), a hashtag word (`#fail`);
//! - two adjacent words' stems (`shut up`), within one sentence;
//! - named measurements, prefixed with `@` (`@caps`, `@you`, …), 0 to 1
//!   except `@valence` (−1 to 1).

use super::{Analysis, TokenKind};
use std::ops::Range;

/// The named measurements, with what each means.
pub const DENSE: &[(&str, &str)] = &[
    (
        "@caps",
        "share of capital letters (posts of three words or more)",
    ),
    ("@shout", "words in capitals, up to 3"),
    ("@exclaim", "a run of two or more exclamation marks"),
    ("@question", "a question mark"),
    ("@emoji", "emoji, up to 3"),
    ("@mention", "an @mention"),
    ("@link", "a link"),
    ("@hashtag", "hashtags, up to 3"),
    ("@neg", "a negated word"),
    ("@you", "the reader addressed as \"you\""),
    ("@valence", "average valence of opinion words"),
    ("@negwords", "negative opinion words, up to 3"),
    ("@poswords", "positive opinion words, up to 3"),
    ("@quote", "text in quotation marks"),
    ("@len", "length, up to 40 words"),
];

const SECOND_PERSON: &[&str] = &[
    "you",
    "your",
    "you're",
    "youre",
    "yours",
    "yourself",
    "yourselves",
    "u",
    "ur",
    "ya",
    "y'all",
];

pub fn is_dense(key: &str) -> bool {
    DENSE.iter().any(|(k, _)| *k == key)
}

/// Calls `emit(key, value, span)` for every feature of the post. Term
/// features may repeat (once per occurrence, value 1); callers count
/// presence.
pub fn features(a: &Analysis, mut emit: impl FnMut(&str, f64, Option<Range<usize>>)) {
    let mut buf = String::new();
    let mut prev: Option<&super::Token> = None;
    for tok in &a.tokens {
        let key: &str = if tok.kind == TokenKind::Number {
            "<num>"
        } else if tok.in_hashtag {
            buf.clear();
            buf.push('#');
            buf.push_str(&tok.stem);
            &buf
        } else {
            &tok.stem
        };
        emit(key, 1.0, Some(tok.span.clone()));
        if !tok.in_hashtag {
            if let Some(p) = prev.filter(|p| p.chain == tok.chain && p.sentence == tok.sentence) {
                buf.clear();
                buf.push_str(if p.kind == TokenKind::Number {
                    "<num>"
                } else {
                    &p.stem
                });
                buf.push(' ');
                buf.push_str(if tok.kind == TokenKind::Number {
                    "<num>"
                } else {
                    &tok.stem
                });
                emit(&buf, 1.0, Some(p.span.start..tok.span.end));
            }
            prev = Some(tok);
        }
    }
    let m = &a.metrics;
    let capped = |n: usize, cap: usize| n.min(cap) as f64 / cap as f64;
    let dense = [
        ("@caps", if m.words >= 3 { m.caps_ratio } else { 0.0 }),
        ("@shout", capped(m.shouted.len(), 3)),
        ("@exclaim", f64::from(u8::from(m.exclamation_run.0 >= 2))),
        ("@question", f64::from(u8::from(m.question_run.0 >= 1))),
        ("@emoji", capped(m.emoji.len(), 3)),
        ("@mention", f64::from(u8::from(!a.mentions.is_empty()))),
        ("@link", f64::from(u8::from(!a.links.is_empty()))),
        ("@hashtag", capped(a.hashtags.len(), 3)),
        (
            "@neg",
            f64::from(u8::from(a.tokens.iter().any(|t| t.negated))),
        ),
        (
            "@you",
            f64::from(u8::from(
                a.prose_words()
                    .any(|t| SECOND_PERSON.contains(&t.lower.as_str())),
            )),
        ),
        ("@valence", m.valence),
        ("@negwords", capped(m.negative.len(), 3)),
        ("@poswords", capped(m.positive.len(), 3)),
        ("@quote", f64::from(u8::from(!a.quotes.is_empty()))),
        ("@len", capped(m.words, 40)),
    ];
    debug_assert_eq!(dense.len(), DENSE.len());
    for (k, v) in dense {
        if v != 0.0 {
            emit(k, v, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unigrams_bigrams_and_dense() {
        let a = Analysis::new("Shut up, you people!! #EpicFail");
        let mut keys = Vec::new();
        features(&a, |k, _, _| keys.push(k.to_string()));
        for k in [
            "shut",
            "shut up",
            "up you",
            "peopl",
            "you peopl",
            "#epic",
            "#fail",
            "@you",
            "@exclaim",
        ] {
            assert!(keys.contains(&k.to_string()), "{k} in {keys:?}");
        }
        for (k, _) in DENSE {
            assert!(is_dense(k));
        }
    }
}
