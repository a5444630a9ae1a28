//! Properties that must hold for any post: spans lie on character
//! boundaries inside the post and map to lines and columns that lead back
//! to the same text; scores stay within 0–100; a suppression of one rule
//! never hides another's finding; and output does not depend on the run or
//! the thread count.

use proptest::prelude::*;
use std::sync::OnceLock;
use think_lint::check::{Linter, UNUSED_SUPPRESSION};
use think_lint::engine::{Engine, Selection};
use think_lint::model::Dimension;
use think_lint::pack;
use think_lint::source::{Post, Scope, Suppression};

fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| {
        let packs = pack::built_in().unwrap();
        Linter::new(Engine::new(&packs, &Selection::default()).unwrap())
    })
}

/// Pieces the built-in rules react to, and pieces that stress Unicode
/// handling (combining marks, emoji sequences, CJK, right-to-left text,
/// line and paragraph separators, stray controls).
const PIECES: &[&str] = &[
    "idiot",
    "you people",
    "IDIOTS",
    "Oh great",
    "another \"urgent\" email",
    "Love that for me",
    "🙄",
    "😡",
    "👩‍👩‍👧‍👦",
    "🇺🇦",
    "!!!",
    "?!?!",
    "100% guaranteed",
    "9 out of 10 experts agree",
    "BEST product in the world",
    "Call me at 555-201-7788",
    "my divorce",
    "4111 1111 1111 1111",
    "mail jo@example.com",
    "https://example.com/a?b=c",
    "www.example.org",
    "#sale",
    "#BlackFriday",
    "@someone",
    "not bad",
    "never again",
    "incessant complaining",
    "entitled customers",
    "“quoted”",
    "'single'",
    "\"",
    "é",
    "e\u{301}",
    "日本語のテキスト",
    "مرحبا بالعالم",
    "\u{202E}rtl\u{202C}",
    "\u{2028}",
    "\u{FEFF}",
    "\u{0}",
    "\u{1b}[31m",
    "\t",
    "\n",
    "\r\n",
    "\n\n",
    ".",
    ", ",
    " ",
    "think-lint: disable-next-line kind",
];

fn post_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
        1 => "[a-zA-Z ]{0,12}",
    ];
    proptest::collection::vec(
        (piece, proptest::sample::select(&[" ", "", "\n", ". "][..])),
        0..40,
    )
    .prop_map(|parts| parts.into_iter().map(|(p, s)| p + s).collect())
}

/// The byte offset of a 1-based (line, column) of `post`'s source, walking
/// the post's text: the inverse of `Post::position`.
fn offset_of(post: &Post, line: usize, column: usize) -> Option<usize> {
    let (mut l, mut c) = (post.line, post.column);
    for (i, ch) in post.text.char_indices() {
        if (l, c) == (line, column) {
            return Some(i);
        }
        if ch == '\n' {
            l += 1;
            c = 1;
        } else {
            c += 1;
        }
    }
    ((l, c) == (line, column)).then_some(post.text.len())
}

fn post_at(text: &str, line: usize, column: usize) -> Post {
    let mut post = Post::new("cal.csv", text);
    post.line = line;
    post.column = column;
    post
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn spans_are_on_char_boundaries_and_positions_round_trip(
        text in post_text(),
        line in 1usize..5,
        column in 1usize..9,
    ) {
        for m in linter().engine().check(&text) {
            prop_assert!(m.span.start <= m.span.end && m.span.end <= text.len(), "{m:?}");
            prop_assert!(text.is_char_boundary(m.span.start), "{m:?}");
            prop_assert!(text.is_char_boundary(m.span.end), "{m:?}");
        }
        let post = post_at(&text, line, column);
        let result = linter().check(&post);
        for f in result.findings.iter().filter(|f| f.rule != UNUSED_SUPPRESSION) {
            prop_assert!(f.line >= line && (f.line, f.column) <= (f.end_line, f.end_column), "{f:?}");
            let start = offset_of(&post, f.line, f.column);
            let end = offset_of(&post, f.end_line, f.end_column);
            prop_assert!(start.is_some() && end.is_some(), "{f:?} not in the post");
            prop_assert_eq!(&post.text[start.unwrap()..end.unwrap()], f.excerpt.as_str());
            let (from, to) = f.context_range;
            prop_assert!(from < to && from <= f.context.chars().count(), "{f:?}");
        }
    }

    #[test]
    fn scores_stay_within_0_and_100(text in post_text()) {
        let r = linter().check(&Post::new("p.txt", text));
        prop_assert!(r.scorecard.overall <= 100);
        for d in Dimension::ALL {
            prop_assert!(r.scorecard.score(d) <= 100);
        }
        let lowest = Dimension::ALL.iter().map(|&d| r.scorecard.score(d)).min().unwrap();
        prop_assert!(r.scorecard.overall >= lowest, "overall below the weakest dimension");
    }

    #[test]
    fn suppressing_one_rule_never_hides_another(
        text in post_text(),
        pick in any::<prop::sample::Index>(),
        scope_line in 0usize..6,
    ) {
        let plain = linter().check(&Post::new("p.txt", text.clone()));
        let fired: Vec<&str> = plain.findings.iter().map(|f| f.rule.as_str()).collect();
        let rules = linter().engine().rules();
        // Mostly a rule that fired here; sometimes any rule at all.
        let a = if !fired.is_empty() && pick.index(3) > 0 {
            fired[pick.index(fired.len())].to_string()
        } else {
            rules[pick.index(rules.len())].id.clone()
        };
        let scope = if scope_line == 0 { Scope::File } else { Scope::Line(scope_line) };
        let mut post = Post::new("p.txt", text);
        post.suppressions = vec![Suppression {
            scope,
            rules: vec![a.clone()],
            reason: None,
            line: 1,
            column: 1,
        }];
        let suppressed = linter().check(&post);
        let others = |r: &think_lint::check::PostResult| -> Vec<_> {
            r.findings
                .iter()
                .filter(|f| f.rule != a && f.rule != UNUSED_SUPPRESSION)
                .map(|f| (f.rule.clone(), f.line, f.column, f.end_line, f.end_column))
                .collect()
        };
        prop_assert_eq!(others(&plain), others(&suppressed), "suppressing {} hid another rule", a);
        // Scores only go up when a finding is hidden.
        prop_assert!(suppressed.scorecard.overall >= plain.scorecard.overall);
    }
}

/// A folder of many posts in several formats, made from the same pieces
/// with a fixed pseudo-random sequence.
fn folder(dir: &std::path::Path) {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let text = |next: &mut dyn FnMut(usize) -> usize| {
        let words = 3 + next(25);
        let body: Vec<&str> = (0..words)
            .map(|_| {
                let p = PIECES[next(PIECES.len())];
                if p.contains('\u{0}') { "zero" } else { p }
            })
            .collect();
        format!("News: {}", body.join(" "))
    };
    for i in 0..100 {
        let ext = ["txt", "md"][i % 2];
        std::fs::write(dir.join(format!("post-{i:03}.{ext}")), text(&mut next)).unwrap();
    }
    let mut csv = String::from("id,text\n");
    for i in 0..50 {
        csv.push_str(&format!(
            "{i},\"{}\"\n",
            text(&mut next).replace('"', "\"\"")
        ));
    }
    std::fs::write(dir.join("calendar.csv"), csv).unwrap();
}

#[test]
fn output_is_identical_across_runs_and_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    folder(dir.path());
    let run = |threads: &str, format: &str| {
        let out = assert_cmd::Command::cargo_bin("think-lint")
            .unwrap()
            .current_dir(dir.path())
            .env("RAYON_NUM_THREADS", threads)
            .args(["--format", format, "."])
            .output()
            .unwrap();
        assert!(!out.stdout.is_empty());
        (out.stdout, out.stderr, out.status.code())
    };
    let one = run("1", "json");
    let doc: serde_json::Value = serde_json::from_slice(&one.0).unwrap();
    assert_eq!(
        doc["posts"].as_array().unwrap().len(),
        150,
        "{}",
        String::from_utf8_lossy(&one.1)
    );
    assert_eq!(one, run("2", "json"), "1 thread vs 2");
    // Sixteen threads share the word budget at its smallest shares.
    assert_eq!(one, run("16", "json"), "1 thread vs 16");
    assert_eq!(run("2", "json"), run("2", "json"), "two runs");
    assert_eq!(run("1", "sarif"), run("2", "sarif"), "sarif, 1 thread vs 2");
}
