//! Whether a match is negated, in the sense a rule's `negation` asks for.
//!
//! The analysis marks a word negated when a negator (*not*, *never*, *no*,
//! *…n't*) is among the three words before it in its sentence. That suits
//! opinion words: "not bad", "never happy". It does not suit insults:
//! "can't stand this idiot" is as rude as "this idiot", yet its last word
//! has *can't* two words back. For those, `negation = "exclude-direct"`
//! skips only a match that is denied outright: *not*, *never* or a word
//! ending in *n't*, then at most a few articles or degree words, then the
//! match ("not a liar", "isn't such an idiot", "never so rude"), all in
//! one run of words with nothing but spaces between them ("Not me.
//! Idiot." is no denial). *No* does not deny this way: in "ain't trusting
//! no liar" it is a determiner, and the post still calls people liars.

use crate::pack::Negation;
use crate::text::{Analysis, TokenKind};
use std::ops::Range;

/// Words that may stand between a negator and the word it denies.
const BETWEEN: &[&str] = &[
    "a", "an", "the", "such", "so", "that", "very", "really", "quite", "remotely", "exactly",
];

/// At most this many of them.
const MAX_BETWEEN: usize = 3;

/// Whether a lower-cased word denies what follows it outright.
fn denies(lower: &str) -> bool {
    matches!(lower, "not" | "never") || lower.ends_with("n't")
}

/// Whether a match whose first word is token `first` and last word token
/// `last` counts, for a rule with negation setting `mode`. Either word
/// being negated makes the match negated: an insult may come first or
/// last in a pattern's match ("liar, @sam" and "@sam you liar").
pub fn counts(mode: Negation, a: &Analysis, first: usize, last: usize) -> bool {
    let negated = |test: fn(&Analysis, usize) -> bool| test(a, first) || test(a, last);
    match mode {
        Negation::Any => true,
        Negation::Exclude => !negated(|a, i| a.tokens[i].negated),
        Negation::Require => negated(|a, i| a.tokens[i].negated),
        Negation::ExcludeDirect => !negated(is_denied),
    }
}

/// `counts` for a match given by its byte span in the post: its first and
/// last words are the first and last tokens the span overlaps. A match
/// with no word in it (a link, a mention) is never negated.
pub fn span_counts(mode: Negation, a: &Analysis, span: &Range<usize>) -> bool {
    if mode == Negation::Any {
        return true;
    }
    // The tokens that overlap the span: a learned term's span may be
    // part of a word (a character n-gram).
    let first = a.tokens.partition_point(|t| t.span.end <= span.start);
    let end = a.tokens.partition_point(|t| t.span.start < span.end);
    if first >= end {
        return mode != Negation::Require;
    }
    counts(mode, a, first, end - 1)
}

/// Whether token `i` is denied by a negator right before it (see the
/// module's documentation).
pub fn is_denied(a: &Analysis, i: usize) -> bool {
    let word = &a.tokens[i];
    if word.in_hashtag {
        return false;
    }
    let mut after = word;
    // The negator may be at most `MAX_BETWEEN` words back.
    for (between, t) in a.tokens[..i].iter().rev().enumerate() {
        let joined = t.chain == word.chain
            && t.sentence == word.sentence
            && !t.in_hashtag
            && t.kind == TokenKind::Word
            && a.text[t.span.end..after.span.start].trim().is_empty();
        if !joined {
            return false;
        }
        if denies(&t.lower) {
            return true;
        }
        if between == MAX_BETWEEN || !BETWEEN.contains(&t.lower.as_str()) {
            return false;
        }
        after = t;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the first token spelled `word` (lower case) is denied.
    fn denied(text: &str, word: &str) -> bool {
        let a = Analysis::new(text);
        let i = a
            .tokens
            .iter()
            .position(|t| t.lower == word)
            .unwrap_or_else(|| panic!("no token {word:?} in {text:?}"));
        is_denied(&a, i)
    }

    #[test]
    fn a_negator_right_before_the_word_denies_it() {
        assert!(denied(
            "You are not an idiot, we all forget things.",
            "idiot"
        ));
        assert!(denied("He isn't a liar.", "liar"));
        assert!(denied("She's not such a bad driver.", "bad"));
        assert!(denied("They were not so rude.", "rude"));
        assert!(denied("Never a dull moment here!", "dull"));
        assert!(denied("You\u{2019}re not a moron.", "moron"));
    }

    #[test]
    fn other_words_between_break_the_denial() {
        assert!(!denied("I can't stand this idiot.", "idiot"));
        assert!(!denied("Don't be an idiot.", "idiot"));
        assert!(!denied("Not only a liar but a thief.", "liar"));
        assert!(!denied("Not all idiots are loud.", "idiots"));
        assert!(!denied("I never said the manager was rude.", "rude"));
    }

    #[test]
    fn no_is_a_determiner_not_a_denial() {
        assert!(!denied("Ain't trusting no liar.", "liar"));
        assert!(!denied("No idiot parks like that.", "idiot"));
    }

    #[test]
    fn punctuation_or_a_new_sentence_breaks_the_denial() {
        assert!(!denied("No, idiot, the shop is closed.", "idiot"));
        assert!(!denied("Not me. Idiot.", "idiot"));
        assert!(!denied("not... idiot", "idiot"));
    }

    #[test]
    fn a_match_counts_unless_its_first_or_last_word_is_denied() {
        let text = "@sam_k you are not an idiot";
        let a = Analysis::new(text);
        let whole = 0..text.len();
        assert!(!span_counts(Negation::ExcludeDirect, &a, &whole));
        assert!(span_counts(Negation::Any, &a, &whole));
        let text = "@sam_k, the liar, came back";
        let a = Analysis::new(text);
        assert!(span_counts(Negation::ExcludeDirect, &a, &(0..16)));
        // A span with no word in it.
        let a = Analysis::new("call 555 0100");
        assert!(span_counts(Negation::ExcludeDirect, &a, &(5..13)));
        assert!(!span_counts(Negation::Require, &a, &(5..13)));
    }

    #[test]
    fn exclude_reaches_three_words_back_and_require_is_its_opposite() {
        let a = Analysis::new("I can't stand this idiot.");
        let i = a.tokens.iter().position(|t| t.lower == "idiot").unwrap();
        assert!(!counts(Negation::Exclude, &a, i, i));
        assert!(counts(Negation::Require, &a, i, i));
        assert!(counts(Negation::ExcludeDirect, &a, i, i));
    }
}
