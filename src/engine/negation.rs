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
//!
//! Under both `exclude` and `exclude-direct`, a match also counts as
//! denied when it is what a denied claim says: *nobody*, *no one* or
//! *none of us*, or a subject and a negator, before a verb of thinking or
//! saying, and the match later in the same clause ("Nobody
//! here thinks @sam_k is a liar", "we never said the driver was rude",
//! "no one is calling you an idiot"). The clause must run on with nothing
//! but spaces and @mentions between its words, and a *but* later in the
//! sentence undoes the denial: "I'm not saying he's a liar, but …" says
//! it all the same. A modal negator forbids rather than denies ("you
//! can't call anyone a liar when …"), so it makes no denied claim.

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

/// Whether a negator is a modal one, which forbids rather than denies:
/// "you can't call anyone a liar" still calls someone one.
fn forbids(lower: &str) -> bool {
    matches!(
        lower,
        "can't" | "cannot" | "couldn't" | "won't" | "wouldn't" | "shouldn't" | "mustn't"
    )
}

/// Verbs of thinking and saying, whose object a denied claim denies.
const CLAIMS: &[&str] = &[
    "think",
    "thinks",
    "thought",
    "believe",
    "believes",
    "believed",
    "say",
    "says",
    "said",
    "saying",
    "call",
    "calls",
    "called",
    "calling",
    "mean",
    "means",
    "meant",
    "claim",
    "claims",
    "claimed",
    "claiming",
    "suggest",
    "suggests",
    "suggested",
    "suggesting",
    "imply",
    "implies",
    "implied",
    "implying",
    "accuse",
    "accuses",
    "accused",
    "accusing",
];

/// Words that may stand between a denying subject and its verb ("nobody
/// here ever said", "no one is calling").
const BEFORE_CLAIM: &[&str] = &[
    "is",
    "was",
    "are",
    "were",
    "am",
    "has",
    "had",
    "have",
    "will",
    "would",
    "ever",
    "here",
    "really",
    "even",
    "actually",
    "honestly",
    "seriously",
    "else",
];

/// At most this many of them.
const MAX_BEFORE_CLAIM: usize = 2;

/// Who may deny a claim with a negator: "we never said", "I'm not
/// saying". With none, the negator starts an order ("Don't think …").
const SUBJECTS: &[&str] = &[
    "i", "we", "you", "he", "she", "they", "i'm", "we're", "you're", "he's", "she's", "they're",
    "i've", "we've", "you've", "they've",
];

/// Words that start another clause: what follows them is not the claim
/// ("don't think because you have that …").
const CLAUSE_BREAKS: &[&str] = &[
    "because", "cause", "cuz", "when", "while", "if", "unless", "since", "and", "or", "but",
    "though", "although",
];

/// At most this many words between the verb and the match: a claim is
/// short ("thinks @sam_k is a liar", "said the driver was rude").
const MAX_CLAIM_WORDS: usize = 6;

/// Whether a match whose first word is token `first` and last word token
/// `last` counts, for a rule with negation setting `mode`. Either word
/// being negated makes the match negated: an insult may come first or
/// last in a pattern's match ("liar, @sam" and "@sam you liar").
pub fn counts(mode: Negation, a: &Analysis, first: usize, last: usize) -> bool {
    let negated = |test: fn(&Analysis, usize) -> bool| test(a, first) || test(a, last);
    match mode {
        Negation::Any => true,
        Negation::Exclude => !negated(|a, i| a.tokens[i].negated || is_claim_denied(a, i)),
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

/// Whether token `i` is denied by a negator right before it, or is what
/// a denied claim says (see the module's documentation).
pub fn is_denied(a: &Analysis, i: usize) -> bool {
    !a.tokens[i].in_hashtag && (denied_outright(a, i) || in_denied_claim(a, i))
}

/// Whether token `i` is what a denied claim says (not in a hashtag).
fn is_claim_denied(a: &Analysis, i: usize) -> bool {
    !a.tokens[i].in_hashtag && in_denied_claim(a, i)
}

/// Whether token `i` has a negator right before it, with at most
/// `MAX_BETWEEN` of the `BETWEEN` words in between.
fn denied_outright(a: &Analysis, i: usize) -> bool {
    for (between, j) in words_before(a, i, |gap| gap.trim().is_empty()).enumerate() {
        let lower = a.tokens[j].lower.as_str();
        if denies(lower) {
            return true;
        }
        if between == MAX_BETWEEN || !BETWEEN.contains(&lower) {
            return false;
        }
    }
    false
}

/// Whether token `i` is the object of a denied verb of thinking or saying
/// in its clause, with no *but* after it in the sentence.
fn in_denied_claim(a: &Analysis, i: usize) -> bool {
    let claim = words_before(a, i, spaces_or_mentions)
        .take(MAX_CLAIM_WORDS + 1)
        .map(|j| (j, a.tokens[j].lower.as_str()))
        .take_while(|(_, w)| !CLAUSE_BREAKS.contains(w))
        .find(|(_, w)| CLAIMS.contains(w));
    let Some((verb, _)) = claim else {
        return false;
    };
    let sentence = a.tokens[i].sentence;
    let but_follows = a.tokens[i + 1..]
        .iter()
        .take_while(|t| t.sentence == sentence)
        .any(|t| t.lower == "but");
    !but_follows && claim_is_denied(a, verb)
}

/// Whether the verb at token `verb` has a denying subject or a negator
/// before it, with at most `MAX_BEFORE_CLAIM` of the `BEFORE_CLAIM` words
/// in between: "nobody here thinks", "no one is calling", "none of us
/// said", or a subject and a negator that is not a modal one: "we never
/// said", "I'm not saying".
fn claim_is_denied(a: &Analysis, verb: usize) -> bool {
    let before: Vec<usize> = words_before(a, verb, |gap| gap.trim().is_empty())
        .take(MAX_BEFORE_CLAIM + 3)
        .collect();
    let lower = |k: usize| before.get(k).map(|&j| a.tokens[j].lower.as_str());
    for k in 0..=MAX_BEFORE_CLAIM {
        match lower(k) {
            Some("nobody" | "noone") => return true,
            Some("one") if lower(k + 1) == Some("no") => return true,
            Some("us" | "you" | "them")
                if lower(k + 1) == Some("of") && lower(k + 2) == Some("none") =>
            {
                return true;
            }
            Some(w) if denies(w) && !forbids(w) => {
                return lower(k + 1).is_some_and(|w| SUBJECTS.contains(&w));
            }
            Some(w) if BEFORE_CLAIM.contains(&w) => {}
            _ => return false,
        }
    }
    false
}

/// The indices of the word tokens before token `i`, nearest first, as far
/// as they run on in its sentence with gaps that `gap_ok` accepts. (A
/// link or hashtag between two words is in the gap, so the walk stops
/// there; words of a hashtag are not prose and stop it too.)
fn words_before<'a>(
    a: &'a Analysis,
    i: usize,
    gap_ok: fn(&str) -> bool,
) -> impl Iterator<Item = usize> + 'a {
    let word = &a.tokens[i];
    let mut after = word.span.start;
    (0..i).rev().map_while(move |j| {
        let t = &a.tokens[j];
        let joined = t.sentence == word.sentence
            && !t.in_hashtag
            && t.kind == TokenKind::Word
            && gap_ok(&a.text[t.span.end..after]);
        after = t.span.start;
        joined.then_some(j)
    })
}

/// Whether the text between two words holds only spaces and @mentions
/// ("thinks @sam_k is").
fn spaces_or_mentions(gap: &str) -> bool {
    gap.split_whitespace().all(|part| {
        part.strip_prefix('@').is_some_and(|name| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
    })
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
        assert!(!denied("I never stand next to the idiot.", "idiot"));
    }

    #[test]
    fn a_denied_claim_denies_what_it_says() {
        assert!(denied("Nobody here thinks @sam_k is a liar.", "liar"));
        assert!(denied("I never said the manager was rude.", "rude"));
        assert!(denied("No one is calling you an idiot, promise.", "idiot"));
        assert!(denied("None of us think you're a liar.", "liar"));
        assert!(denied(
            "We don't think the courier was rude at all.",
            "rude"
        ));
        assert!(denied(
            "I\u{2019}m not saying you\u{2019}re an idiot.",
            "idiot"
        ));
    }

    #[test]
    fn a_claim_that_is_not_denied_or_is_taken_back_still_counts() {
        // Said, not denied.
        assert!(!denied("Everyone thinks @sam_k is a liar.", "liar"));
        assert!(!denied("We always said the manager was rude.", "rude"));
        // Denied, then said all the same.
        assert!(!denied(
            "I'm not saying he's a liar, but check the receipt.",
            "liar"
        ));
        // The denial ends with its clause or sentence.
        assert!(!denied("Nobody thinks so. He is a liar.", "liar"));
        assert!(!denied("Nobody said it, the driver was rude.", "rude"));
        // Too far from the verb to be what it says.
        assert!(!denied(
            "Nobody thinks the shop on the corner by the old mill is run by an idiot.",
            "idiot"
        ));
        // Not a verb of thinking or saying.
        assert!(!denied("Nobody likes a liar.", "liar"));
        // Forbidden, not denied.
        assert!(!denied("You can't call anyone a liar after that.", "liar"));
        // An order, not a denial; and a new clause after the verb.
        assert!(!denied("Don't think the manager is a liar.", "liar"));
        assert!(!denied("Never said a word and he was rude anyway.", "rude"));
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
