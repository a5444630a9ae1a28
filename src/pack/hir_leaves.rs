//! Rewriting a parsed pattern while keeping its shape: the ASCII versions
//! of the built-in patterns (`ascii_dfa`, and the engine's versions for
//! posts without non-ASCII word characters) change only its classes and
//! assertions; a pattern's screen (`lazy_regex::Screened`) only widens its
//! counted repetitions.

use regex_syntax::hir::{Hir, HirKind, Repetition};

/// `hir` with every class and assertion replaced by what `leaf` makes of
/// it (`leaf` is given nothing else). Capture groups are dropped: only
/// where a rewritten pattern matches is ever asked, never what a group
/// holds.
pub(crate) fn map_leaves(hir: Hir, leaf: &mut impl FnMut(HirKind) -> Hir) -> Hir {
    rewrite(hir, leaf, &mut |_| {})
}

/// `hir` with each counted repetition of `span` or more optional copies
/// (`x{m,n}` with `n - m >= span`) made unbounded (`x{m,}`), or `None`
/// when it has none. The result matches wherever `hir` does (and more),
/// and its automaton does not count: a gap like `[^.!?\n]{0,50}` makes a
/// DFA track every place it may have started, its unbounded form one.
pub(crate) fn unbounded_repetitions(hir: Hir, span: u32) -> Option<Hir> {
    let mut changed = false;
    let widened = rewrite(hir, &mut unchanged_leaf, &mut |repetition| {
        if repetition
            .max
            .is_some_and(|max| max.saturating_sub(repetition.min) >= span)
        {
            repetition.max = None;
            changed = true;
        }
    });
    changed.then_some(widened)
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
