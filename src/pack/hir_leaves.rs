//! Rewriting the leaves of a parsed pattern: the ASCII versions of the
//! built-in patterns (`ascii_dfa`, and the engine's versions for posts
//! without non-ASCII word characters) keep a pattern's shape and change
//! only its classes and assertions.

use regex_syntax::hir::{Hir, HirKind};

/// `hir` with every class and assertion replaced by what `leaf` makes of
/// it (`leaf` is given nothing else). Capture groups are dropped: only
/// where a rewritten pattern matches is ever asked, never what a group
/// holds.
pub(crate) fn map_leaves(hir: Hir, leaf: &mut impl FnMut(HirKind) -> Hir) -> Hir {
    match hir.into_kind() {
        HirKind::Repetition(mut repetition) => {
            repetition.sub = Box::new(map_leaves(*repetition.sub, leaf));
            Hir::repetition(repetition)
        }
        HirKind::Capture(capture) => map_leaves(*capture.sub, leaf),
        HirKind::Concat(subs) => {
            Hir::concat(subs.into_iter().map(|h| map_leaves(h, leaf)).collect())
        }
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.into_iter().map(|h| map_leaves(h, leaf)).collect())
        }
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(literal) => Hir::literal(literal.0),
        class_or_look => leaf(class_or_look),
    }
}
