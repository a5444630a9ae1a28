//! The command line as a user meets it: exit codes, formats, config,
//! subcommands and error messages.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::fs;

fn think_lint() -> Command {
    let mut cmd = Command::cargo_bin("think-lint").unwrap();
    cmd.env_remove("NO_COLOR")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn json_of(args: &[&str], stdin: Option<&str>) -> (Value, i32) {
    let mut cmd = think_lint();
    cmd.args(["--format", "json"]).args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s);
    }
    let out = cmd.output().unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (doc, out.status.code().unwrap())
}

#[test]
fn friendly_examples_pass() {
    for f in [
        "examples/posts/opening-hours.txt",
        "examples/posts/thank-you.txt",
        "examples/posts/apology-with-fix.txt",
    ] {
        let (doc, code) = json_of(&[f], None);
        let post = &doc["posts"][0];
        let loud: Vec<_> = post["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] != "info")
            .collect();
        assert!(loud.is_empty(), "{f}: {loud:?}");
        assert_eq!(code, 0, "{f}");
        assert_eq!(post["passed"], true);
    }
}

fn flags(post: &Value) -> Vec<String> {
    post["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

fn dimensions(post: &Value) -> Vec<String> {
    post["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["dimension"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn bad_examples_fail_on_the_right_dimension() {
    let (doc, code) = json_of(&["examples/posts/dismissive-reply.txt"], None);
    assert_eq!(code, 1);
    let post = &doc["posts"][0];
    assert_eq!(post["passed"], false);
    assert!(post["scores"]["kind"].as_u64().unwrap() < 70, "{post}");
    assert!(flags(post).contains(&"hostility".to_string()), "{post}");

    let (doc, code) = json_of(&["examples/posts/sarcastic.txt"], None);
    assert_eq!(code, 1, "{doc}");
    assert!(flags(&doc["posts"][0]).contains(&"sarcasm".to_string()));

    let (doc, code) = json_of(&["examples/posts/oversharing.txt"], None);
    assert_eq!(code, 1, "{doc}");
    assert!(flags(&doc["posts"][0]).contains(&"oversharing".to_string()));

    let (doc, code) = json_of(&["examples/posts/hype.txt"], None);
    assert_eq!(code, 1, "{doc}");
    let dims = dimensions(&doc["posts"][0]);
    assert!(dims.contains(&"true".to_string()), "{dims:?}");
    assert!(dims.contains(&"necessary".to_string()), "{dims:?}");
}

#[test]
fn json_contract() {
    let (doc, code) = json_of(&["-"], Some("Thanks a lot, you idiot.\nSee you!"));
    assert_eq!(code, 1);
    assert_eq!(doc["version"], 1);
    let post = &doc["posts"][0];
    assert_eq!(post["source"], "<stdin>");
    assert_eq!(post["index"], 0);
    assert_eq!(post["line"], 1);
    for key in ["true", "helpful", "inspiring", "necessary", "kind"] {
        let s = post["scores"][key].as_u64().unwrap();
        assert!(s <= 100);
    }
    assert!(post["score"].as_u64().unwrap() <= 100);
    let findings = post["findings"].as_array().unwrap();
    let idiot = findings
        .iter()
        .find(|f| f["excerpt"] == "idiot")
        .expect("a finding on `idiot`");
    assert_eq!(idiot["line"], 1);
    assert_eq!(idiot["column"], 19);
    assert_eq!(idiot["end_line"], 1);
    assert_eq!(idiot["end_column"], 24);
    assert_eq!(idiot["severity"], "error");
    for key in ["rule", "dimension", "severity", "message"] {
        assert!(idiot[key].is_string(), "{key}");
    }
    let positions: Vec<(u64, u64)> = findings
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(positions, sorted, "findings are sorted by position");
    assert_eq!(doc["summary"]["posts"], 1);
    assert_eq!(doc["summary"]["failed"], 1);
    assert_eq!(doc["summary"]["findings"], findings.len());
}

#[test]
fn columns_count_characters_not_bytes() {
    let (doc, _) = json_of(&["-"], Some("Café crème — you idiot"));
    let f = doc["posts"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["excerpt"] == "idiot")
        .cloned()
        .unwrap();
    assert_eq!(f["column"], 18);
    assert_eq!(f["end_column"], 23);
}

#[test]
fn missing_file_is_exit_2_and_the_rest_is_checked() {
    think_lint()
        .args(["no/such/post.txt", "examples/posts/thank-you.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/post.txt: no such file"))
        .stdout(predicate::str::contains("thank-you.txt"));
}

#[test]
fn empty_stdin_is_an_empty_post_that_passes() {
    think_lint().write_stdin("").assert().code(0);
}

#[test]
fn bad_pack_gives_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("bad.toml");
    fs::write(
        &pack,
        "[pack]\nid = \"bad\"\ndimension = \"kind\"\ndescription = \"d\"\nversion = \"1\"\n\n[[rules]]\nid = \"bad/one\"\nseverity = \"error\"\nweight = 10\nmessage = \"m\"\n[rules.match]\nkind = \"regex\"\npattern = 'a(b'\n",
    )
    .unwrap();
    think_lint()
        .args([
            "--rules",
            pack.to_str().unwrap(),
            "examples/posts/thank-you.txt",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.toml:14:11: rule `bad/one`: invalid regex",
        ));
}

#[test]
fn extra_pack_rules_run() {
    let (doc, _) = json_of(
        &["--rules", "examples/packs/brand.toml", "-"],
        Some("Unlike StarBrew, we roast every week."),
    );
    let rules: Vec<_> = doc["posts"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(
        rules.contains(&"brand/competitor-name".to_string()),
        "{rules:?}"
    );
}

#[test]
fn select_and_ignore() {
    let post = "You idiot!!! Call me at 555-201-7788, my divorce is a mess.";
    let (doc, _) = json_of(&["--select", "kind/name-calling", "-"], Some(post));
    let findings = doc["posts"][0]["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f["rule"] == "kind/name-calling"));

    let (doc, _) = json_of(
        &["--ignore", "kind,hostility,oversharing,necessary", "-"],
        Some(post),
    );
    let findings = doc["posts"][0]["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .all(|f| f["dimension"] != "kind" && f["dimension"] != "necessary"),
        "{findings:?}"
    );

    think_lint()
        .args(["--select", "kind/no-such-rule", "-"])
        .write_stdin("hi")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no rule, pack, dimension or flag is named `kind/no-such-rule`",
        ));
}

#[test]
fn min_score_decides_the_verdict() {
    let post = "Hello!!! Big news coming soon!!!";
    let (doc, _) = json_of(&["-"], Some(post));
    let score = doc["posts"][0]["score"].as_u64().unwrap();
    assert!(score < 100, "the post should lose some points: {doc}");
    let above = (score + 1).to_string();
    think_lint()
        .args([
            "--min-score",
            &above,
            "--ignore",
            "sarcasm,hostility,kind",
            "-",
        ])
        .write_stdin(post)
        .assert()
        .code(1);
    think_lint()
        .args(["--min-score", "0", "--select", "necessary", "-"])
        .write_stdin(post)
        .assert()
        .code(predicate::in_iter([0, 1]));
    think_lint()
        .args(["--min-score", "101", "-"])
        .write_stdin(post)
        .assert()
        .code(2);
}

#[test]
fn config_is_found_by_walking_up() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("think-lint.toml"),
        "select = [\"kind/name-calling\"]\nmin_score = 0\n",
    )
    .unwrap();
    let sub = dir.path().join("posts/2026");
    fs::create_dir_all(&sub).unwrap();
    fs::write(sub.join("a.txt"), "OMG!!! BEST DEAL EVER!!!").unwrap();
    Command::cargo_bin("think-lint")
        .unwrap()
        .current_dir(&sub)
        .args(["--format", "json", "a.txt"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"findings\":[]"));
    // CLI flags override the file.
    Command::cargo_bin("think-lint")
        .unwrap()
        .current_dir(&sub)
        .args(["--select", "necessary", "--format", "json", "a.txt"])
        .assert()
        .stdout(predicate::str::contains("necessary/"));
}

#[test]
fn config_errors_name_the_file_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("custom.toml");
    fs::write(&cfg, "min_score = 70\nminimum = 3\n").unwrap();
    think_lint()
        .args(["--config", cfg.to_str().unwrap(), "-"])
        .write_stdin("hi")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("custom.toml:2:1"));
}

#[test]
fn example_config_works() {
    Command::cargo_bin("think-lint")
        .unwrap()
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
        .args(["posts/thank-you.txt"])
        .assert()
        .code(0);
}

#[test]
fn colors_only_when_asked() {
    let post = "You idiot.";
    think_lint()
        .args(["--color", "always", "-"])
        .write_stdin(post)
        .assert()
        .stdout(predicate::str::contains("\u{1b}["));
    think_lint()
        .args(["-"])
        .write_stdin(post)
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
    think_lint()
        .env("NO_COLOR", "1")
        .args(["--color", "auto", "-"])
        .write_stdin(post)
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn human_output_shows_location_excerpt_and_summary() {
    think_lint()
        .args(["-"])
        .write_stdin("Thanks for waiting.\nYou are an idiot.")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "<stdin>:2:12 error kind/name-calling",
        ))
        .stdout(predicate::str::contains(" 2 | You are an idiot."))
        .stdout(predicate::str::contains("^^^^^"))
        .stdout(predicate::str::contains("1 post checked: 1 failed"));
}

#[test]
fn terminal_output_is_escaped() {
    think_lint()
        .args(["-"])
        .write_stdin("You idiot \u{1b}[2J\u{1b}]0;pwned\u{7}")
        .assert()
        .stdout(predicate::str::contains("\u{1b}[2J").not())
        .stdout(predicate::str::contains("\u{7}").not());
}

#[test]
fn quiet_prints_only_failures() {
    think_lint()
        .args(["--quiet", "examples/posts/thank-you.txt"])
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty());
}

#[test]
fn rules_subcommands() {
    think_lint()
        .args(["rules", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("kind/name-calling"));
    think_lint()
        .args(["rules", "explain", "kind/name-calling"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Fires on:"));
    think_lint()
        .args(["rules", "explain", "kind/name-caling"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rule is named"));
    think_lint().args(["rules", "test"]).assert().success();
    think_lint()
        .args(["rules", "test", "examples/packs/brand.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok    brand"));
}

#[test]
fn rules_test_reports_failing_examples() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("p.toml");
    fs::write(
        &pack,
        "[pack]\nid = \"p\"\ndimension = \"kind\"\ndescription = \"d\"\nversion = \"1\"\n\n[[rules]]\nid = \"p/rude\"\nseverity = \"warning\"\nweight = 10\nmessage = \"m\"\nfire = [\"you are rude\", \"so polite\"]\npass = [\"hello\", \"rudely awakened\"]\n[rules.match]\nkind = \"words\"\nwords = [\"rude\"]\n",
    )
    .unwrap();
    think_lint()
        .args(["rules", "test", pack.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("did not fire on: \"so polite\""))
        .stdout(predicate::str::contains("fired on \"rudely\""));
}

#[test]
fn init_writes_a_starter_once() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        let mut c = Command::cargo_bin("think-lint").unwrap();
        c.current_dir(dir.path()).arg("init");
        c
    };
    run().assert().success();
    let written = fs::read_to_string(dir.path().join("think-lint.toml")).unwrap();
    assert!(written.contains("min_score"));
    run()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    let mut c = run();
    c.arg("--force").assert().success();
}

/// A JSON Lines run over `dir` on `threads` threads.
fn jsonl_on_threads(dir: &std::path::Path, threads: &str) -> std::process::Output {
    think_lint()
        .env("RAYON_NUM_THREADS", threads)
        .args(["--format", "jsonl"])
        .arg(dir)
        .output()
        .unwrap()
}

/// Where [`mixed_post`] puts an empty file in each period.
const EMPTY_SLOT: usize = 5;

/// The bytes of one-post file `n` of a folder of mixed posts: in each
/// `period` files, a hostile one, one in Latin-1 (not UTF-8), an empty one
/// (at [`EMPTY_SLOT`]), and fine ones.
fn mixed_post(n: usize, period: usize) -> Vec<u8> {
    match n % period {
        0 => format!("You are an idiot and post {n} says so!!!").into_bytes(),
        3 => b"caf\xe9 opens at nine".to_vec(),
        EMPTY_SLOT => Vec::new(),
        _ => format!("Our shop opens at {n} am on Monday, see you there.").into_bytes(),
    }
}

/// A folder of `count` one-post files `{prefix}-NNN.txt` ([`mixed_post`]
/// `n` of each `period`), created out of order (so a walk's order is not
/// the sorted one), and a calendar of two posts named `calendar`. Returns
/// the one-post files' names, file `n` at `n`.
fn mixed_folder(
    prefix: &str,
    count: usize,
    period: usize,
    calendar: &str,
) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..count).map(|n| format!("{prefix}-{n:03}.txt")).collect();
    for i in 0..count {
        let n = (i * 7919) % count;
        fs::write(dir.path().join(&names[n]), mixed_post(n, period)).unwrap();
    }
    fs::write(
        dir.path().join(calendar),
        "text,platform\nWhat a day for a launch,x\nYou people are morons,x\n",
    )
    .unwrap();
    (dir, names)
}

/// The posts of JSON Lines output, in order: file name and index.
fn posts_in(stdout: &[u8]) -> Vec<(String, u64)> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| {
            let post: Value = serde_json::from_str(l).unwrap();
            let source = post["source"].as_str().unwrap();
            let name = std::path::Path::new(source).file_name().unwrap();
            let index = post["index"].as_u64().unwrap();
            (name.to_string_lossy().into_owned(), index)
        })
        .collect()
}

#[test]
fn many_files_are_reported_in_input_order_whatever_the_threads() {
    let (dir, names) = mixed_folder("post", 140, 7, "post-033-calendar.csv");
    let run = |threads: &str| jsonl_on_threads(dir.path(), threads);
    let one = run("1");
    for threads in ["2", "3"] {
        let many = run(threads);
        assert_eq!(many.stdout, one.stdout, "{threads} threads");
        assert_eq!(many.stderr, one.stderr, "{threads} threads");
        assert_eq!(many.status.code(), one.status.code());
    }
    // Every file in path order, the calendar's two posts in theirs.
    // An empty file has no post: it gets a warning, in its place.
    let empty = |n: &usize| n % 7 == EMPTY_SLOT;
    let mut expected: Vec<(String, u64)> = (0..names.len())
        .filter(|n| !empty(n))
        .map(|n| (names[n].clone(), 0))
        .collect();
    expected.push(("post-033-calendar.csv".into(), 0));
    expected.push(("post-033-calendar.csv".into(), 1));
    expected.sort();
    assert_eq!(posts_in(&one.stdout), expected);
    let warned: Vec<String> = String::from_utf8(one.stderr)
        .unwrap()
        .lines()
        .filter(|l| l.contains("the file is empty"))
        .map(|l| l.split("post-").nth(1).unwrap()[..3].to_string())
        .collect();
    let empties: Vec<String> = (0..names.len())
        .filter(empty)
        .map(|n| format!("{n:03}"))
        .collect();
    assert_eq!(warned, empties);
}

#[test]
fn a_mid_sized_calendar_among_small_files_keeps_its_place_and_order() {
    // Big enough (over 256 KiB) to be streamed a batch at a time rather
    // than read whole; the small files around it are chunked.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "You are an idiot!!!").unwrap();
    let mut csv = String::from("id,platform,text\n");
    let mut rows = 0;
    while csv.len() < 300 << 10 {
        let text = if rows % 5 == 0 {
            "You people are morons and everyone knows it"
        } else {
            "Fresh sourdough at seven today, see you at the shop on Main Street"
        };
        csv.push_str(&format!("row-{rows},x,\"{text}, row {rows}.\"\n"));
        rows += 1;
    }
    fs::write(dir.path().join("b.csv"), &csv).unwrap();
    fs::write(
        dir.path().join("c.txt"),
        "See you at the market on Saturday.",
    )
    .unwrap();
    let run = |threads: &str| jsonl_on_threads(dir.path(), threads);
    let one = run("1");
    let two = run("2");
    assert_eq!(two.stdout, one.stdout);
    assert_eq!(two.stderr, one.stderr);
    let mut expected = vec![("a.txt".to_string(), 0)];
    expected.extend((0..rows).map(|i| ("b.csv".to_string(), i)));
    expected.push(("c.txt".to_string(), 0));
    assert_eq!(posts_in(&one.stdout), expected);
}

#[test]
fn files_checked_while_the_walk_goes_on_are_reported_in_their_place() {
    // Enough one-post files (over 8 KiB) that the pool starts on them
    // while the folder is still being walked.
    let (dir, mut names) = mixed_folder("draft", 360, 9, "draft-100-plan.csv");
    names.push("draft-100-plan.csv".into());
    names.sort();
    let folder = dir.path().to_str().unwrap().to_string();
    let named: Vec<String> = names.iter().map(|n| format!("{folder}/{n}")).collect();
    let run = |args: &[String], threads: &str| {
        think_lint()
            .env("RAYON_NUM_THREADS", threads)
            .env("THINK_LINT_TIMINGS", "1")
            .args(["--format", "jsonl"])
            .args(args)
            .output()
            .unwrap()
    };
    // Files named one by one are not walked: they are checked in order.
    let one_by_one = run(&named, "2");
    let timings = |stderr: &[u8]| -> (String, usize) {
        let text = String::from_utf8_lossy(stderr).into_owned();
        let early = text
            .lines()
            .find_map(|l| {
                l.split_once("files checked meanwhile")
                    .map(|(s, _)| s.to_string())
            })
            .and_then(|s| s.rsplit('(').next().map(|n| n.trim().parse().unwrap()))
            .unwrap_or(0);
        // What the run reports, without the timings.
        let report = text
            .lines()
            .take_while(|l| !l.starts_with("think-lint timings"))
            .map(|l| format!("{l}\n"))
            .collect();
        (report, early)
    };
    let (expected_stderr, none_early) = timings(&one_by_one.stderr);
    assert_eq!(none_early, 0);
    assert!(expected_stderr.contains("the file is empty"));
    for threads in ["1", "2", "4"] {
        let walked = run(std::slice::from_ref(&folder), threads);
        let (stderr, early) = timings(&walked.stderr);
        assert!(
            early > 0,
            "{threads} threads: no file checked during the walk"
        );
        assert_eq!(walked.stdout, one_by_one.stdout, "{threads} threads");
        assert_eq!(stderr, expected_stderr, "{threads} threads");
        assert_eq!(walked.status.code(), one_by_one.status.code());
    }
    // A folder named twice is reported twice, each file in its place.
    let twice = run(&[folder.clone(), folder.clone()], "2");
    let (stderr, _) = timings(&twice.stderr);
    assert_eq!(
        twice.stdout,
        [&one_by_one.stdout[..], &one_by_one.stdout[..]].concat()
    );
    assert_eq!(stderr, expected_stderr.repeat(2));
}

#[test]
fn timings_list_the_patterns_a_run_searched_without_the_probe() {
    let dir = tempfile::tempdir().unwrap();
    // Three posts with the 13 digits a card number needs at least, of
    // which one holds a card number, and one with digits but too few to
    // search for one; the first is also probed.
    let calendar = dir.path().join("week.jsonl");
    fs::write(
        &calendar,
        "{\"text\": \"Call 555-201-7788 before 9:30 on 12/05.\"}\n\
         {\"text\": \"Our 25 years of baking, 10 new breads this spring.\"}\n\
         {\"text\": \"Order line 020 7946 0321, open 8 to 18.\"}\n\
         {\"text\": \"Paid with 4000 1234 5678 9010 today.\"}\n",
    )
    .unwrap();
    let out = think_lint()
        .env("THINK_LINT_TIMINGS", "1")
        .arg(&calendar)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let summary = stderr
        .lines()
        .find(|l| l.starts_with("pattern searches: "))
        .unwrap_or_else(|| panic!("no pattern summary in:\n{stderr}"));
    let total: u64 = summary["pattern searches: ".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let found: u64 = summary
        .split_once(" (")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of searches that found a match in {summary}"));
    // The card-number pattern searched the three posts with digits enough
    // once each (the probe's searches of the first are not counted), and
    // matched the last one.
    let card = stderr
        .lines()
        .find(|l| l.contains("oversharing/card-number: "))
        .unwrap_or_else(|| panic!("card-number not listed in:\n{stderr}"));
    let columns: Vec<&str> = card.split_whitespace().collect();
    assert_eq!(columns[1..3], ["3", "1"], "{card}");
    assert!(total >= 3, "{summary}");
    assert!((1..total).contains(&found), "{summary}");
    // Without timings, nothing of the kind is printed.
    let quiet = think_lint().arg(&calendar).output().unwrap();
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("pattern searches"));
}
