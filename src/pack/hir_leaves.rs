//! Rewriting a parsed pattern while keeping its shape: the ASCII versions
//! of the built-in patterns (`ascii_dfa`, and the engine's versions for
//! posts without non-ASCII word characters) change only its classes and
//! assertions; a pattern's screen (`lazy_regex::Screened`) only widens its
//! counted repetitions and its classes of many non-ASCII characters, and
//! drops its Unicode word assertions.

use regex_syntax::hir::{
    Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look,
    Repetition,
};

/// `hir` with every class and assertion replaced by what `leaf` makes of
/// it (`leaf` is given nothing else). Capture groups are dropped: only
/// where a rewritten pattern matches is ever asked, never what a group
/// holds.
pub(crate) fn map_leaves(hir: Hir, leaf: &mut impl FnMut(HirKind) -> Hir) -> Hir {
    rewrite(hir, leaf, &mut |_| {})
}

/// A wider form of `hir` that matches wherever `hir` does (and more) and
/// that a lazy DFA searches cheaply on any text, or `None` when `hir` is
/// already such a pattern. Each counted repetition of `span` or more
/// optional copies (`x{m,n}` with `n - m >= span`) is made unbounded
/// (`x{m,}`): a gap like `[^.!?\n]{0,50}` makes a DFA track every place it
/// may have started, its unbounded form one. Unicode word assertions
/// (`\b` and the like) are dropped: they stop a lazy DFA at the first
/// non-ASCII byte. And a class with many characters outside ASCII (`\w`,
/// `[^.]`) keeps its ASCII ones and takes any run of non-ASCII bytes for
/// the others ([`ascii_or_any_other`]).
pub(crate) fn widened(hir: &Hir, span: u32) -> Option<Hir> {
    if !hir.properties().look_set().contains_word_unicode() && !has_long_repetition(hir, span) {
        return None;
    }
    let mut changed = false;
    let mut leaf = |leaf: HirKind| match leaf {
        HirKind::Look(look) if is_unicode_word(look) => {
            changed = true;
            Hir::empty()
        }
        HirKind::Class(Class::Unicode(class)) => ascii_or_any_other(class),
        other => unchanged_leaf(other),
    };
    let mut long = false;
    let widened = rewrite(hir.clone(), &mut leaf, &mut |repetition| {
        if is_long(repetition, span) {
            repetition.max = None;
            long = true;
        }
    });
    (changed || long).then_some(widened)
}

/// How many characters outside ASCII a class must hold for a screen to
/// take any non-ASCII bytes in their place: a tenth of Unicode's, which
/// `\w` (the letters and digits of every script), `\W`, `\S` and
/// negated classes like `[^.!?]` hold. Smaller sets (`\d`'s digits of
/// other scripts, `\s`'s spaces, a case-insensitive letter's other
/// forms) stay as they are: widened, they would take the emoji and
/// punctuation of many posts, whose exact pattern would then be compiled
/// for nothing.
const MANY_OTHERS: u32 = 110_000;

/// `class` for a screen: its ASCII characters, and one or more bytes
/// outside ASCII in place of its other characters when it has
/// [`MANY_OTHERS`]. Every character outside ASCII is such a run of bytes,
/// so the screen (searching bytes) matches wherever the class does. In
/// UTF-8, `\w` alone is hundreds of NFA states, and a lazy DFA meets as
/// many sets of them.
fn ascii_or_any_other(class: ClassUnicode) -> Hir {
    let ascii_range = ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7F')]);
    let mut others = class.clone();
    others.difference(&ascii_range);
    let count: u32 = others
        .iter()
        .map(|r| u32::from(r.end()) - u32::from(r.start()) + 1)
        .sum();
    if count < MANY_OTHERS {
        return Hir::class(Class::Unicode(class));
    }
    let any_others = Hir::repetition(Repetition {
        min: 1,
        max: None,
        greedy: true,
        sub: Box::new(Hir::class(Class::Bytes(ClassBytes::new([
            ClassBytesRange::new(0x80, 0xFF),
        ])))),
    });
    let mut ascii = class;
    ascii.intersect(&ascii_range);
    if ascii.ranges().is_empty() {
        return any_others;
    }
    Hir::alternation(vec![Hir::class(Class::Unicode(ascii)), any_others])
}

/// Whether `hir` has a counted repetition of `span` or more optional
/// copies: checked before rewriting, which rebuilds the whole pattern
/// (a good part of what compiling it costs) and would change nothing in
/// most patterns.
fn has_long_repetition(hir: &Hir, span: u32) -> bool {
    match hir.kind() {
        HirKind::Repetition(repetition) => {
            is_long(repetition, span) || has_long_repetition(&repetition.sub, span)
        }
        HirKind::Capture(capture) => has_long_repetition(&capture.sub, span),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().any(|h| has_long_repetition(h, span))
        }
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => false,
    }
}

/// Whether a counted repetition allows `span` or more optional copies:
/// the ones a screen leaves unbounded.
fn is_long(repetition: &Repetition, span: u32) -> bool {
    repetition
        .max
        .is_some_and(|max| max.saturating_sub(repetition.min) >= span)
}

/// Whether `look` asks where Unicode's word characters are.
fn is_unicode_word(look: Look) -> bool {
    matches!(
        look,
        Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode
    )
}

/// A class or assertion as it was.
fn unchanged_leaf(leaf: HirKind) -> Hir {
    match leaf {
        HirKind::Class(class) => Hir::class(class),
        HirKind::Look(look) => Hir::look(look),
        other => unreachable!("rewrite passes classes and assertions only: {other:?}"),
    }
}

/// `hir` rebuilt with `leaf` making each class and assertion and
/// `repetition_bounds` adjusting each repetition; capture groups are
/// dropped.
fn rewrite(
    hir: Hir,
    leaf: &mut impl FnMut(HirKind) -> Hir,
    repetition_bounds: &mut impl FnMut(&mut Repetition),
) -> Hir {
    match hir.into_kind() {
        HirKind::Repetition(mut repetition) => {
            repetition_bounds(&mut repetition);
            repetition.sub = Box::new(rewrite(*repetition.sub, leaf, repetition_bounds));
            Hir::repetition(repetition)
        }
        HirKind::Capture(capture) => rewrite(*capture.sub, leaf, repetition_bounds),
        HirKind::Concat(subs) => Hir::concat(
            subs.into_iter()
                .map(|h| rewrite(h, leaf, repetition_bounds))
                .collect(),
        ),
        HirKind::Alternation(subs) => Hir::alternation(
            subs.into_iter()
                .map(|h| rewrite(h, leaf, repetition_bounds))
                .collect(),
        ),
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(literal) => Hir::literal(literal.0),
        class_or_look => leaf(class_or_look),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class_of(pattern: &str) -> ClassUnicode {
        match crate::pack::parse_pattern(pattern, true)
            .unwrap()
            .into_kind()
        {
            HirKind::Class(Class::Unicode(class)) => class,
            other => panic!("{pattern} is not a Unicode class: {other:?}"),
        }
    }

    /// Whether a screen takes any run of non-ASCII bytes for the class.
    fn takes_any_others(pattern: &str) -> bool {
        let screened = ascii_or_any_other(class_of(pattern));
        screened.properties().minimum_len() == Some(1) && !screened.properties().is_utf8()
    }

    #[test]
    fn screens_widen_classes_of_many_other_characters_only() {
        for many in [r"\w", r"\W", r"\S", r"[^.!?\n]", r"\D", r"[\w'’-]"] {
            assert!(takes_any_others(many), "{many}");
        }
        for few in [
            r"\d",
            r"\s",
            r"(?i:k)",
            r"(?i:s)",
            r"[a-z’]",
            r"[0-9]",
            r"[éè]",
        ] {
            assert!(!takes_any_others(few), "{few}");
            assert_eq!(
                ascii_or_any_other(class_of(few)),
                Hir::class(Class::Unicode(class_of(few))),
                "{few}"
            );
        }
        // The ASCII characters stay as they were.
        let widened = ascii_or_any_other(class_of(r"\w"));
        let HirKind::Alternation(alternatives) = widened.kind() else {
            panic!("{widened:?}");
        };
        let mut ascii_words = class_of(r"\w");
        ascii_words.intersect(&class_of(r"[\x00-\x7F]"));
        assert_eq!(alternatives[0], Hir::class(Class::Unicode(ascii_words)));
        // A class of other characters only is the run of bytes alone.
        assert_eq!(
            ascii_or_any_other(class_of(r"[^\x00-\x7F]"))
                .properties()
                .minimum_len(),
            Some(1)
        );
    }
}
