//! Shared by the fuzz targets: one linter with the built-in packs, and a
//! check of every post a reader hands out, with the invariants the rest of
//! the program relies on asserted (a failed assertion is a crash AFL keeps).

use std::sync::OnceLock;
use think_lint::check::{Linter, UNUSED_SUPPRESSION};
use think_lint::engine::{Engine, Selection};
use think_lint::source::{self, Kind, Options, Post};

pub fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| {
        let packs = think_lint::pack::built_in().expect("built-in packs load");
        Linter::new(Engine::new(&packs, &Selection::default()).expect("engine builds"))
    })
}

/// Checks one post and asserts what every report relies on.
pub fn check_post(post: &Post) {
    let linter = linter();
    for m in linter.engine.check(&post.text) {
        assert!(m.span.start <= m.span.end && m.span.end <= post.text.len());
        assert!(post.text.is_char_boundary(m.span.start));
        assert!(post.text.is_char_boundary(m.span.end));
    }
    let r = linter.check(post);
    assert!(r.scorecard.overall <= 100);
    for f in &r.findings {
        if f.rule == UNUSED_SUPPRESSION {
            continue;
        }
        assert!(f.line >= post.line, "finding before its post: {f:?}");
        assert!((f.line, f.column) <= (f.end_line, f.end_column), "{f:?}");
    }
}

/// Reads `data` as an input of `kind` (as if named on the command line)
/// and checks every post it holds.
pub fn read_and_check(kind: Kind, name: &str, data: &[u8]) {
    let opts = Options {
        max_post_bytes: 64 << 10,
        ..Options::default()
    };
    let mut posts = Vec::new();
    let _ = source::read_from_bytes(name, kind, data, &opts, &mut |p| posts.push(p));
    for p in &posts {
        check_post(p);
    }
}
