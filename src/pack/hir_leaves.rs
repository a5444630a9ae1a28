//! Rewriting a parsed pattern while keeping its shape: the ASCII versions
//! of the built-in patterns (`ascii_dfa`, and the engine's versions for
//! posts without non-ASCII word characters) change only its classes and
//! assertions; a pattern's screen (`lazy_regex::Screened`) only widens its
//! counted repetitions and drops its Unicode word assertions.

use regex_syntax::hir::{Hir, HirKind, Look, Repetition};

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
/// non-ASCII byte.
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
