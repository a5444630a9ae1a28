//! Standard input: one post by default, or a content calendar of the kind
//! `--stdin-format` names, streamed like a calendar file; either way named
//! `<stdin>` in findings and messages.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;

fn think_lint() -> Command {
    let mut cmd = Command::cargo_bin("think-lint").unwrap();
    cmd.env_remove("NO_COLOR")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run_stdin(args: &[&str], stdin: impl Into<Vec<u8>>) -> Run {
    let out = think_lint()
        .args(args)
        .write_stdin(stdin.into())
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code().unwrap(),
    }
}

/// The post objects of a JSON Lines output.
fn posts(jsonl: &str) -> Vec<Value> {
    jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const CALENDAR_CSV: &str = "\
id,date,platform,text
a1,2026-03-02,x,Our spring menu starts Tuesday. See you there!
a2,2026-03-03,linkedin,\"Thanks to everyone who came out.
You are all idiots for missing it.\"
a3,2026-03-04,x,Doors open at nine on Saturday.
";

#[test]
fn a_csv_calendar_on_stdin_is_one_post_per_row() {
    let r = run_stdin(
        &["--format", "jsonl", "--stdin-format", "csv", "-"],
        CALENDAR_CSV,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let posts = posts(&r.stdout);
    assert_eq!(posts.len(), 3);
    for (i, p) in posts.iter().enumerate() {
        assert_eq!(p["source"], "<stdin>");
        assert_eq!(p["index"], i);
    }
    assert_eq!(posts[1]["meta"]["id"], "a2");
    assert_eq!(posts[1]["meta"]["platform"], "linkedin");
    assert_eq!(posts[1]["passed"], false);
    let idiot = posts[1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "kind/name-calling")
        .expect("the insult on the row's second line is found");
    assert_eq!((&idiot["line"], &idiot["column"]), (&4.into(), &13.into()));
}

#[test]
fn a_calendar_on_stdin_reads_as_the_same_file_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("week.csv");
    fs::write(&path, CALENDAR_CSV).unwrap();
    let file = think_lint()
        .args(["--format", "jsonl"])
        .arg(&path)
        .output()
        .unwrap();
    let from_file = posts(&String::from_utf8(file.stdout).unwrap());
    let from_stdin = posts(
        &run_stdin(
            &["--format", "jsonl", "--stdin-format", "csv"],
            CALENDAR_CSV,
        )
        .stdout,
    );
    assert_eq!(from_file.len(), from_stdin.len());
    for (mut f, s) in from_file.into_iter().zip(from_stdin) {
        f["source"] = "<stdin>".into();
        assert_eq!(f, s);
    }
}

#[test]
fn a_calendar_on_stdin_may_be_bigger_than_one_post() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("think-lint.toml");
    fs::write(&config, "max_post_bytes = 400\n").unwrap();
    let config = config.to_str().unwrap();
    let mut calendar = String::new();
    for i in 0..300 {
        calendar.push_str(&format!(
            "{{\"id\": {i}, \"text\": \"Fresh bread from seven, day {i} of the month.\"}}\n"
        ));
    }
    assert!(calendar.len() > 40 * 400);
    // As one post, it is too big.
    let r = run_stdin(&["--config", config, "--format", "jsonl"], calendar.clone());
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("error: <stdin>: is more than")
            && r.stderr.contains("-byte limit for one post"),
        "{}",
        r.stderr
    );
    // The message says how to read it as the calendar it is.
    assert!(
        r.stderr
            .contains("pass --stdin-format (csv, tsv, json, jsonl or yaml)"),
        "{}",
        r.stderr
    );
    // As a calendar, every line is a post.
    let r = run_stdin(
        &[
            "--config",
            config,
            "--format",
            "jsonl",
            "--stdin-format",
            "jsonl",
        ],
        calendar,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let posts = posts(&r.stdout);
    assert_eq!(posts.len(), 300);
    assert_eq!(posts[299]["line"], 300);
    assert_eq!(posts[299]["meta"]["id"], "299");
}

#[test]
fn problems_in_a_calendar_on_stdin_name_stdin_and_the_place() {
    let r = run_stdin(
        &["--format", "compact", "--stdin-format", "jsonl", "-"],
        "{\"text\": \"Open late on Friday.\"}\n\n{\"text\": open late}\n",
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("error: <stdin>:3:10: line 2 is not valid JSON"),
        "{}",
        r.stderr
    );
    let r = run_stdin(
        &["--stdin-format", "csv"],
        "id,text\n1,Open late on Friday.\n2\n",
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("error: <stdin>:3:1: row 2 has 1 cells but the header names 2 columns"),
        "{}",
        r.stderr
    );
    let r = run_stdin(&["--stdin-format", "json"], "\"just a string\"");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("error: <stdin>:1:1: a JSON calendar must be")
    );
    let r = run_stdin(&["--stdin-format", "yaml"], "posts:\n  - copy: hi\n");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("error: <stdin>:") && r.stderr.contains("no text field"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_calendar_kind_can_come_from_stdin() {
    let cases: [(&str, &str); 4] = [
        ("tsv", "id\ttext\n7\tYou idiot.\n"),
        (
            "json",
            "{\"posts\": [{\"id\": 7, \"text\": \"You idiot.\"}]}",
        ),
        ("jsonl", "{\"id\": 7, \"text\": \"You idiot.\"}\n"),
        ("yaml", "- id: 7\n  text: You idiot.\n"),
    ];
    for (format, input) in cases {
        let r = run_stdin(&["--format", "jsonl", "--stdin-format", format], input);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        let posts = posts(&r.stdout);
        assert_eq!(posts.len(), 1, "{format}");
        assert_eq!(posts[0]["source"], "<stdin>", "{format}");
        assert_eq!(posts[0]["meta"]["id"], "7", "{format}");
        assert_eq!(posts[0]["findings"][0]["rule"], "kind/name-calling");
    }
}

#[test]
fn stdin_is_one_text_post_by_default() {
    for args in [&["-"][..], &["--stdin-format", "text", "-"][..]] {
        let mut all = vec!["--format", "jsonl"];
        all.extend_from_slice(args);
        let r = run_stdin(&all, CALENDAR_CSV);
        let posts = posts(&r.stdout);
        assert_eq!(posts.len(), 1, "{args:?}");
        assert_eq!(posts[0]["source"], "<stdin>");
    }
}

#[test]
fn one_post_and_a_calendar_from_stdin_have_the_same_name() {
    let post = run_stdin(&["--format", "compact"], "You idiot.");
    let calendar = run_stdin(
        &["--format", "compact", "--stdin-format", "csv"],
        "text\nYou idiot.\n",
    );
    for r in [&post, &calendar] {
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stdout.lines().all(|l| l.starts_with("<stdin>:")),
            "{}",
            r.stdout
        );
    }
    let empty = run_stdin(&["--format", "compact"], "  \n");
    assert!(
        empty
            .stderr
            .contains("warning: <stdin>:1:1: stdin is empty"),
        "{}",
        empty.stderr
    );
}

#[test]
fn a_small_text_on_stdin_gets_no_calendar_hint() {
    let r = run_stdin(&["--format", "jsonl"], "Doors open at nine.");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("--stdin-format"), "{}", r.stderr);
}

#[test]
fn markdown_on_stdin_leaves_code_alone() {
    let post = "---\ntitle: Launch notes\n---\nRun `rm -rf idiot/` to clean up.\n";
    let r = run_stdin(&["--format", "jsonl", "--stdin-format", "markdown"], post);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let as_text = run_stdin(&["--format", "jsonl"], post);
    assert_eq!(as_text.code, 1, "as text, the code is read as prose");
}

#[test]
fn formats_without_a_file_still_show_a_calendar_from_stdin() {
    let input = "id,text\n1,You idiot.\n";
    let r = run_stdin(&["--format", "sarif", "--stdin-format", "csv"], input);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let location = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["description"]["text"],
        "standard input"
    );
    assert_eq!(location["region"]["startLine"], 2);
    let r = run_stdin(&["--format", "github", "--stdin-format", "csv"], input);
    assert!(r.stdout.starts_with("::error line=2,"), "{}", r.stdout);
}

#[test]
fn an_unknown_stdin_format_is_a_usage_error() {
    let r = run_stdin(&["--stdin-format", "xlsx", "-"], "hi");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("csv"), "{}", r.stderr);
}

/// A run of `calendar` (JSON Lines) on standard input, redirected from a
/// file (`as_file`) or written through a pipe, with `THINK_LINT_TIMINGS`
/// on: its output (`--format jsonl`), and the timings.
#[cfg(target_os = "linux")]
fn run_calendar_on_stdin(calendar: &[u8], as_file: bool) -> (String, String) {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calendar.jsonl");
    fs::write(&path, calendar).unwrap();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("think-lint"));
    cmd.args(["--stdin-format", "jsonl", "--format", "jsonl", "-"])
        .env("THINK_LINT_TIMINGS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let out = if as_file {
        cmd.stdin(fs::File::open(&path).unwrap()).output().unwrap()
    } else {
        let mut child = cmd.stdin(Stdio::piped()).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let bytes = calendar.to_vec();
        // Written a little at a time, as a program producing it would.
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            for chunk in bytes.chunks(10_000) {
                stdin.write_all(chunk).unwrap();
            }
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        out
    };
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

/// The line of `THINK_LINT_TIMINGS`' report `timings` that names
/// `phase`, if any.
#[cfg(target_os = "linux")]
fn timing_line<'t>(timings: &'t str, phase: &str) -> Option<&'t str> {
    timings.lines().find(|l| l.contains(phase))
}

/// A long calendar on standard input, redirected from a file or piped in,
/// is known to be long before the tables are read, as a file named would
/// be: they are copied onto huge pages. A short one reads them in place.
/// Piped in, its first megabyte is read ahead to tell; every post is
/// checked all the same, the one that megabyte ends in too.
#[cfg(target_os = "linux")]
#[test]
fn a_long_calendar_on_standard_input_copies_the_tables() {
    // Three posts and blank lines: over 1 MiB, read in no time. The
    // second post holds byte 1 MiB, where reading ahead stops.
    let mut long = b"{\"text\":\"Doors open at nine.\"}\n".to_vec();
    long.resize((1 << 20) - 10, b'\n');
    let second_line = long.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    long.extend_from_slice(b"{\"text\":\"Bring a friend along.\"}\n");
    long.resize((1 << 20) + 4096, b'\n');
    long.extend_from_slice(b"{\"text\":\"See you there.\"}\n");
    let copied = "tables copied onto huge pages";
    let posts = |out: &str| -> Vec<u64> {
        (out.lines())
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["line"]
                    .as_u64()
                    .unwrap()
            })
            .collect()
    };
    let engine = |timings: &str| timing_line(timings, "engine").unwrap_or("").to_string();
    let (file_out, file_timings) = run_calendar_on_stdin(&long, true);
    assert!(engine(&file_timings).contains(copied), "{file_timings}");
    assert!(timing_line(&file_timings, "read ahead").is_none());
    let (pipe_out, pipe_timings) = run_calendar_on_stdin(&long, false);
    assert!(engine(&pipe_timings).contains(copied), "{pipe_timings}");
    assert!(
        timing_line(&pipe_timings, "standard input read ahead (1048576 bytes)").is_some(),
        "{pipe_timings}"
    );
    let lines = long.iter().filter(|&&b| b == b'\n').count() as u64;
    assert_eq!(posts(&pipe_out), [1, second_line, lines]);
    assert_eq!(pipe_out, file_out);
    // Short, either way: in place.
    let short = &long[..4096];
    for as_file in [true, false] {
        let (out, timings) = run_calendar_on_stdin(short, as_file);
        assert!(!engine(&timings).contains(copied), "{timings}");
        assert!(engine(&timings).contains("engine"), "{timings}");
        assert_eq!(posts(&out), [1]);
    }
}
