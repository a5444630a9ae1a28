//! Broken and hostile rule packs (and configurations): each is a located
//! error — file:line:col, the rule when there is one, and what to do —
//! with exit code 2, quickly, and never a panic.

use assert_cmd::Command;
use std::fs;
use std::time::{Duration, Instant};

const HEAD: &str =
    "[pack]\nid = \"acme\"\ndimension = \"kind\"\ndescription = \"d\"\nversion = \"1\"\n";

/// A rule of pack `acme` with the given weight (as TOML) and match table
/// body; its `id =` line is line 7 of a pack that starts with `HEAD`.
fn rule(name: &str, weight: &str, matcher: &str) -> String {
    format!(
        "[[rules]]\nid = \"acme/{name}\"\nseverity = \"warning\"\nweight = {weight}\nmessage = \"m\"\n[rules.match]\n{matcher}\n"
    )
}

struct Out {
    stderr: String,
    code: i32,
}

/// Loads `packs` (written into a temp dir) with `--rules` and checks a
/// harmless post, and also runs `rules test` on the first.
fn load(packs: &[(&str, &str)]) -> Out {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("ok.txt"), "See you on Saturday.\n").unwrap();
    let mut cmd = Command::cargo_bin("think-lint").unwrap();
    cmd.current_dir(dir.path());
    for (name, text) in packs {
        fs::write(dir.path().join(name), text).unwrap();
        cmd.args(["--rules", name]);
    }
    let out = run(cmd.arg("ok.txt"));
    let test = run(Command::cargo_bin("think-lint")
        .unwrap()
        .current_dir(dir.path())
        .args(["rules", "test", packs[0].0]));
    if packs.len() == 1 {
        assert_eq!(test.stderr, out.stderr, "the same errors from `rules test`");
        assert_eq!(test.code, 2, "{}", test.stderr);
    }
    out
}

fn run(cmd: &mut Command) -> Out {
    let started = Instant::now();
    let out = cmd.output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    Out {
        stderr,
        code: out.status.code().expect("exited"),
    }
}

/// Asserts every expected line is in stderr and the run exited 2 without
/// checking the post.
fn expect(out: &Out, needles: &[&str]) {
    for n in needles {
        assert!(out.stderr.contains(n), "missing {n:?} in:\n{}", out.stderr);
    }
    assert_eq!(out.code, 2, "{}", out.stderr);
}

fn one(name: &str, text: &str, needles: &[&str]) {
    expect(&load(&[(name, text)]), needles);
}

#[test]
fn malformed_toml() {
    one(
        "broken.toml",
        &format!("{HEAD}[[rules]\nid = \"acme/x\"\n"),
        &["error: broken.toml:6:9: unclosed array table"],
    );
    one(
        "unterminated.toml",
        &format!(
            "{HEAD}{}",
            rule("x", "5", "kind = \"words\"\nwords = [\"a\"")
        ),
        &["error: unterminated.toml:"],
    );
    one(
        "binary.toml",
        "\u{0}\u{1}PK",
        &["error: binary.toml:1:5: key with no value"],
    );
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("latin1.toml"), b"id = \"caf\xe9\"").unwrap();
    let out = run(Command::cargo_bin("think-lint")
        .unwrap()
        .current_dir(dir.path())
        .args(["--rules", "latin1.toml", "-"])
        .write_stdin("hi"));
    expect(
        &out,
        &["error: latin1.toml:1:1: a rule pack must be UTF-8 text"],
    );
}

#[test]
fn unknown_keys_are_located_with_the_rule() {
    one(
        "unknown.toml",
        &format!(
            "{HEAD}{}colour = 3\n",
            rule("x", "5", "kind = \"words\"\nwords = [\"a\"]")
        ),
        &["error: unknown.toml:14:1: rule `acme/x`: unknown field `colour`"],
    );
    one(
        "unknown-rule-key.toml",
        &format!("{HEAD}[[rules]]\nid = \"acme/x\"\nwieght = 5\n"),
        &["error: unknown-rule-key.toml:8:1: rule `acme/x`: unknown field `wieght`"],
    );
    // There is no include mechanism, so a pack cannot include itself or
    // form a cycle: an `include` key is just an unknown key.
    one(
        "self.toml",
        &format!("include = \"self.toml\"\n{HEAD}"),
        &["error: self.toml:1:1: unknown field `include`"],
    );
    one(
        "matcher-key.toml",
        &format!(
            "{HEAD}{}",
            rule(
                "x",
                "5",
                "kind = \"metric\"\nmetric = \"emoji\"\nabove = 3\nwords = [\"a\"]"
            )
        ),
        &[
            "error: matcher-key.toml:15:9: rule `acme/x`: `words` is not a key of matcher kind `metric`",
            "  help: its keys are: metric, above, below, min_words",
        ],
    );
}

#[test]
fn wrong_types() {
    one(
        "weight-string.toml",
        &format!(
            "{HEAD}{}",
            rule("x", "\"five\"", "kind = \"words\"\nwords = [\"a\"]")
        ),
        &[
            "error: weight-string.toml:9:10: rule `acme/x`: invalid type: string \"five\", expected i64",
        ],
    );
    one(
        "words-string.toml",
        &format!(
            "{HEAD}{}",
            rule("x", "5", "kind = \"words\"\nwords = \"a\"")
        ),
        &[
            "error: words-string.toml:13:9: rule `acme/x`: invalid type: string \"a\", expected a sequence",
        ],
    );
    one(
        "pack-id.toml",
        "[pack]\nid = 7\ndimension = \"kind\"\ndescription = \"d\"\nversion = \"1\"\n",
        &["error: pack-id.toml:2:6: invalid type: integer `7`, expected a string"],
    );
    one(
        "dimension.toml",
        "[pack]\nid = \"acme\"\ndimension = \"nice\"\ndescription = \"d\"\nversion = \"1\"\n",
        &["error: dimension.toml:3:13: unknown variant `nice`"],
    );
}

#[test]
fn an_unknown_negation_setting_names_the_ones_there_are() {
    one(
        "negation.toml",
        &format!(
            "{HEAD}{}",
            rule(
                "x",
                "5",
                "kind = \"regex\"\npattern = 'idiot'\nnegation = \"maybe\""
            )
        ),
        &[
            "error: negation.toml:14:12: rule `acme/x`: `negation` cannot be `maybe`",
            "\"exclude-direct\"",
        ],
    );
}

#[test]
fn duplicate_ids_within_and_across_packs() {
    let a = rule("x", "5", "kind = \"words\"\nwords = [\"a\"]");
    one(
        "dup.toml",
        &format!("{HEAD}{a}{a}"),
        &[
            "error: dup.toml:15:6: rule `acme/x`: duplicate rule id in this pack",
            "  help: give each rule its own id",
        ],
    );
    let pack = format!("{HEAD}{a}");
    let out = load(&[("one.toml", &pack), ("two.toml", &pack)]);
    expect(
        &out,
        &[
            "error: two.toml:7:6: rule `acme/x`: duplicate rule id: already defined in one.toml:7",
            "  help: rename one of the rules, or give its pack another id",
        ],
    );
    // A rule id that clashes with a built-in one.
    let clash = "[pack]\nid = \"kind\"\ndimension = \"kind\"\ndescription = \"d\"\nversion = \"1\"\n[[rules]]\nid = \"kind/name-calling\"\nseverity = \"warning\"\nweight = 5\nmessage = \"m\"\n[rules.match]\nkind = \"words\"\nwords = [\"a\"]\n";
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("clash.toml"), clash).unwrap();
    let out = run(Command::cargo_bin("think-lint")
        .unwrap()
        .current_dir(dir.path())
        .args(["--rules", "clash.toml", "-"])
        .write_stdin("hi"));
    expect(
        &out,
        &[
            "error: clash.toml:7:6: rule `kind/name-calling`: duplicate rule id: already defined in built-in:kind.toml",
        ],
    );
}

fn regex_rule(pattern: &str) -> String {
    format!(
        "{HEAD}{}",
        rule(
            "x",
            "5",
            &format!("kind = \"regex\"\npattern = '''{pattern}'''")
        )
    )
}

#[test]
fn invalid_regexes_say_what_is_not_supported() {
    one(
        "unclosed.toml",
        &regex_rule("(unclosed"),
        &["error: unclosed.toml:13:11: rule `acme/x`: invalid regex: unclosed group"],
    );
    one(
        "lookahead.toml",
        &regex_rule("refund(?! policy)"),
        &[
            "error: lookahead.toml:13:11: rule `acme/x`: invalid regex",
            "look-around is not supported",
        ],
    );
    one(
        "backref.toml",
        &regex_rule(r"(\w+) \1"),
        &[
            "error: backref.toml:13:11: rule `acme/x`: invalid regex",
            "backreferences are not supported",
        ],
    );
    one(
        "empty-match.toml",
        &regex_rule("a*"),
        &["error: empty-match.toml:13:11: rule `acme/x`: the regex matches empty text"],
    );
}

#[test]
fn enormous_regexes_are_refused_fast() {
    one(
        "repeat.toml",
        &regex_rule("a{1000}{1000}"),
        &[
            "error: repeat.toml:13:11: rule `acme/x`: invalid regex: Compiled regex exceeds size limit",
            "  help: the pattern compiles too big",
        ],
    );
    one(
        "unicode-repeat.toml",
        &regex_rule(r"\w{500}\w{500}"),
        &["error: unicode-repeat.toml:13:11: rule `acme/x`: invalid regex"],
    );
    let alternation: Vec<String> = (0..40_000).map(|i| format!("w{i:05}xyz")).collect();
    one(
        "alternation.toml",
        &regex_rule(&format!("(?:{})", alternation.join("|"))),
        &[
            "error: alternation.toml:13:11: rule `acme/x`: invalid regex: the pattern is 400003 bytes, more than the 262144-byte limit",
        ],
    );
    let nested = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
    one(
        "nested.toml",
        &regex_rule(&nested),
        &[
            "error: nested.toml:13:11: rule `acme/x`: invalid regex: exceed the maximum number of nested parentheses/brackets (64)",
        ],
    );
}

#[test]
fn absurd_weights_and_thresholds() {
    let words = "kind = \"words\"\nwords = [\"a\"]";
    for (weight, needle) in [
        (
            "500",
            "error: w.toml:9:10: rule `acme/x`: weight 500 is out of range",
        ),
        (
            "-1",
            "error: w.toml:9:10: rule `acme/x`: weight -1 is out of range",
        ),
        (
            "nan",
            "error: w.toml:9:10: rule `acme/x`: invalid type: floating point `NaN`, expected i64",
        ),
        (
            "inf",
            "error: w.toml:9:10: rule `acme/x`: invalid type: floating point `inf`, expected i64",
        ),
        (
            "99999999999999999999",
            "error: w.toml:9:10: rule `acme/x`: invalid type: integer `99999999999999999999`",
        ),
    ] {
        one(
            "w.toml",
            &format!("{HEAD}{}", rule("x", weight, words)),
            &[needle],
        );
    }
    for (metric, value, needle) in [
        (
            "caps-ratio",
            "nan",
            "threshold NaN is out of range for `caps-ratio`",
        ),
        (
            "caps-ratio",
            "2.5",
            "threshold 2.5 is out of range for `caps-ratio`",
        ),
        (
            "exclamation-run",
            "inf",
            "threshold inf is out of range for `exclamation-run`",
        ),
        (
            "exclamation-run",
            "-inf",
            "threshold -inf is out of range for `exclamation-run`",
        ),
        (
            "exclamation-run",
            "1e300",
            "threshold 1e300 is out of range for `exclamation-run`",
        ),
    ] {
        one(
            "t.toml",
            &format!(
                "{HEAD}{}",
                rule(
                    "x",
                    "5",
                    &format!("kind = \"metric\"\nmetric = \"{metric}\"\nabove = {value}")
                )
            ),
            &[
                &format!("error: t.toml:14:9: rule `acme/x`: {needle}"),
                "  help: use a number from",
            ],
        );
    }
    one(
        "learned.toml",
        &format!(
            "{HEAD}{}",
            rule(
                "x",
                "5",
                "kind = \"weighted\"\nbias = nan\nthreshold = 2.0\nterms = { \"good\" = inf, \"@nope\" = 1.0 }"
            )
        ),
        &[
            "error: learned.toml:13:8: rule `acme/x`: bias NaN is out of range",
            "error: learned.toml:14:13: rule `acme/x`: threshold 2.0 is out of range",
            "error: learned.toml:15:20: rule `acme/x`: the weight of `good` inf is out of range",
            "rule `acme/x`: unknown measurement `@nope`",
        ],
    );
    one(
        "windows.toml",
        &format!(
            "{HEAD}{}",
            rule(
                "x",
                "5",
                "kind = \"words\"\nwords = [\"a\"]\nnear = [\"b\"]\nwithin = 99999999999\nmin_count = -1"
            )
        ),
        &[
            "error: windows.toml:15:10: rule `acme/x`: `within` = 99999999999 is out of range",
            "error: windows.toml:16:13: rule `acme/x`: `min_count` = -1 is out of range",
        ],
    );
}

#[test]
fn deep_nesting_and_huge_packs() {
    let deep_array = format!("{HEAD}x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    one(
        "array.toml",
        &deep_array,
        &["error: array.toml:6:", "max recursion depth met"],
    );
    let deep_table = format!(
        "{HEAD}x = {}1{}\n",
        "{a=".repeat(10_000),
        "}".repeat(10_000)
    );
    one(
        "table.toml",
        &deep_table,
        &["error: table.toml:6:", "max recursion depth met"],
    );
    // Many rules load in linear time; the last one is broken.
    let mut many = String::from(HEAD);
    for i in 0..20_000 {
        many.push_str(&rule(
            &format!("r{i}"),
            "5",
            &format!("kind = \"words\"\nwords = [\"w{i}q\"]"),
        ));
    }
    many.push_str(&rule("last", "101", "kind = \"words\"\nwords = [\"z\"]"));
    one(
        "many.toml",
        &many,
        &["error: many.toml:160009:10: rule `acme/last`: weight 101 is out of range"],
    );
}

#[cfg(unix)]
#[test]
fn a_looping_link_in_a_rules_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    fs::create_dir(&rules).unwrap();
    std::os::unix::fs::symlink("loop.toml", rules.join("loop.toml")).unwrap();
    let out = run(Command::cargo_bin("think-lint")
        .unwrap()
        .current_dir(dir.path())
        .args(["--rules", "rules", "-"])
        .write_stdin("hi"));
    expect(&out, &["error: rules/loop.toml: "]);
}

#[test]
fn hostile_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let check = |config: &str, needles: &[&str]| {
        fs::write(dir.path().join("think-lint.toml"), config).unwrap();
        let out = run(Command::cargo_bin("think-lint")
            .unwrap()
            .current_dir(dir.path())
            .arg("-")
            .write_stdin("hi"));
        expect(&out, needles);
    };
    check(
        "colour = 1\n",
        &["think-lint.toml:1:1: unknown field `colour`"],
    );
    check(
        "min_score = \"high\"\n",
        &["think-lint.toml:1:13: invalid type: string \"high\""],
    );
    check(
        "max_post_bytes = -5\n",
        &["think-lint.toml:1:18: max_post_bytes must be a positive number"],
    );
    check("min_score = 1000\n", &["think-lint.toml:1:13:"]);
    check(
        &format!("select = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        &["think-lint.toml:1:", "max recursion depth met"],
    );
}
