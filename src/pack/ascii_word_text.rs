//! Text whose word characters are all ASCII, and patterns as they read on
//! it.
//!
//! On a post whose non-ASCII characters (emoji, typographic quotes and
//! dashes, most symbols) are none of them word characters, a character is
//! a Unicode word character exactly when it is an ASCII one, so at every
//! character boundary `\b` and the ASCII `(?-u:\b)` agree, and a class
//! can drop the non-ASCII word characters it holds. `for_ascii_word_text`
//! rewrites a pattern so: the engine compiles that version for such posts
//! (`engine::ascii_words`), and build.rs compiles it into DFAs
//! (`ascii_dfa`) that search such posts with nothing to compile at run
//! time.

use super::map_leaves;
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look};
use std::sync::OnceLock;

/// Whether a post's text is one where `\b` and `(?-u:\b)` agree: some
/// character is not ASCII (on ASCII text the lazy DFA needs no help), and
/// none of those is a word character.
pub(crate) fn qualifies(text: &str) -> bool {
    !text.is_ascii()
        && !text
            .chars()
            .any(|c| !c.is_ascii() && regex_syntax::is_word_character(c))
}

/// The character sets `narrow` works with.
struct Classes {
    /// Unicode's word characters, the set `\w` and `\b` use: the
    /// non-ASCII characters outside it are the only non-ASCII ones the
    /// posts searched with an ASCII version contain.
    word: ClassUnicode,
    ascii: ClassUnicode,
    non_ascii: ClassUnicode,
}

impl Classes {
    fn get() -> &'static Classes {
        static CLASSES: OnceLock<Classes> = OnceLock::new();
        CLASSES.get_or_init(|| {
            let range = |a, b| ClassUnicode::new([ClassUnicodeRange::new(a, b)]);
            Classes {
                word: word_characters(),
                ascii: range('\0', '\x7F'),
                non_ascii: range('\u{80}', char::MAX),
            }
        })
    }

    /// Whether every non-ASCII character of `class` is a word character.
    fn only_word_beyond_ascii(&self, class: &ClassUnicode) -> bool {
        let word = self.word.ranges();
        class.ranges().iter().all(|r| {
            let start = r.start().max('\u{80}');
            if start > r.end() {
                return true;
            }
            // The word ranges are sorted and never touch, so the one that
            // can hold `start` must hold all of `start..=end`.
            let i = word.partition_point(|w| w.end() < start);
            word.get(i)
                .is_some_and(|w| w.start() <= start && r.end() <= w.end())
        })
    }
}

/// Unicode's word characters, the set `\w` and `\b` use.
fn word_characters() -> ClassUnicode {
    let hir = regex_syntax::parse(r"\w").expect("\\w is a valid pattern");
    match hir.into_kind() {
        HirKind::Class(Class::Unicode(class)) => class,
        _ => unreachable!("\\w parses to a Unicode class"),
    }
}

/// `class` as it can match on a post whose non-ASCII characters are none
/// of them word characters: its ASCII part, plus either nothing (when its
/// other characters are all word characters) or every non-ASCII character
/// (when all the characters it lacks are word characters; those never
/// occur). A class that holds some non-word characters beyond ASCII but
/// not all stays as it is.
fn narrow(class: ClassUnicode, classes: &Classes) -> ClassUnicode {
    if class.is_ascii() {
        return class;
    }
    let mut narrowed = class.clone();
    narrowed.intersect(&classes.ascii);
    if classes.only_word_beyond_ascii(&class) {
        return narrowed;
    }
    let mut lacks = class.clone();
    lacks.negate();
    if classes.only_word_beyond_ascii(&lacks) {
        narrowed.union(&classes.non_ascii);
        return narrowed;
    }
    class
}

/// `hir` as it reads on text whose word characters are all ASCII (see
/// `qualifies`), and on ASCII text: every `\b` (Unicode) made `(?-u:\b)`
/// and every class narrowed (see `narrow`); `changed` is set when anything
/// is. Other assertions (`\B`, `\b{start}`, …) are left as they are, so
/// they keep their meaning on any text: the ASCII `(?-u:\B)` would also
/// match between the bytes of a character.
pub(crate) fn for_ascii_word_text(hir: Hir, changed: &mut bool) -> Hir {
    let classes = Classes::get();
    map_leaves(hir, &mut |leaf| match leaf {
        HirKind::Look(Look::WordUnicode) => {
            *changed = true;
            Hir::look(Look::WordAscii)
        }
        HirKind::Look(look) => Hir::look(look),
        HirKind::Class(Class::Unicode(class)) => {
            let narrowed = narrow(class.clone(), classes);
            *changed |= narrowed != class;
            Hir::class(Class::Unicode(narrowed))
        }
        HirKind::Class(class) => Hir::class(class),
        other => unreachable!("map_leaves passes classes and assertions only: {other:?}"),
    })
}

/// `hir` as it reads on text whose word characters are all ASCII
/// (`for_ascii_word_text`), or `None` when that changes nothing.
pub(crate) fn ascii_word_version(hir: Hir) -> Option<Hir> {
    let mut changed = false;
    let version = for_ascii_word_text(hir, &mut changed);
    changed.then_some(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_posts_without_non_ascii_word_characters_qualify() {
        assert!(!qualifies("plain ascii"));
        assert!(qualifies("so good 😍 “really” — yes"));
        assert!(!qualifies("café 😍"));
        assert!(!qualifies("naïve"));
        // A variation selector and a zero-width joiner are word characters.
        assert!(!qualifies("ok ❤\u{FE0F}"));
        assert!(!qualifies("👩\u{200D}💻"));
    }

    #[test]
    fn narrowed_classes_keep_every_character_such_posts_can_hold() {
        let classes = Classes::get();
        let class = |pattern: &str| match regex_syntax::parse(pattern).unwrap().into_kind() {
            HirKind::Class(Class::Unicode(c)) => c,
            other => panic!("{pattern} is not a class: {other:?}"),
        };
        let ascii_letters = class("[A-Za-z]");
        assert_eq!(narrow(class(r"\p{L}"), classes), ascii_letters);
        assert_eq!(narrow(class("(?i)[k-l]"), classes), class("[KkLl]"));
        // Everything but ASCII letters: the other ASCII characters, and
        // every non-ASCII one (the word characters among them never occur).
        let mut not_letters = class(r"[^A-Za-z]");
        assert_eq!(narrow(class(r"\P{L}"), classes), not_letters);
        assert_eq!(narrow(not_letters.clone(), classes), not_letters);
        not_letters.negate();
        assert_eq!(not_letters, ascii_letters);
        // Some non-word characters beyond ASCII but not all: unchanged.
        let dashes = class("[-–—]");
        assert_eq!(narrow(dashes.clone(), classes), dashes);
    }
}
