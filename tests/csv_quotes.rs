//! A CSV cell whose quote is never closed: the parser would take the rest
//! of the file as that one cell, so the row is an input error located at
//! the quote, and the lines after the quote's line are still checked.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;

struct Run {
    posts: Vec<Value>,
    stderr: String,
    code: i32,
}

/// Checks `csv` as `cal.csv` in a fresh directory, with `--format jsonl`.
fn check(csv: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("cal.csv"), csv).unwrap();
    let out = Command::cargo_bin("think-lint")
        .unwrap()
        .current_dir(dir.path())
        .args(["--format", "jsonl", "cal.csv"])
        .output()
        .unwrap();
    Run {
        posts: String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code().unwrap(),
    }
}

fn ids(posts: &[Value]) -> Vec<&str> {
    posts
        .iter()
        .map(|p| p["meta"]["id"].as_str().unwrap())
        .collect()
}

#[test]
fn an_unclosed_quote_is_an_input_error_at_its_line() {
    let r = check(
        "id,text\n\
         a,Doors open at nine.\n\
         b,\"Our spring menu starts Tuesday, see you there\n\
         c,You are all idiots.\n\
         d,Thanks for coming!\n",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: cal.csv:3:3: row 2: the quote that opens here is never closed"),
        "{}",
        r.stderr
    );
    // The rows after the quote's line are read and checked as rows.
    assert_eq!(ids(&r.posts), ["a", "c", "d"]);
    assert_eq!(r.posts[1]["line"], 4);
    assert_eq!(r.posts[1]["index"], 2);
    assert_eq!(r.posts[1]["passed"], false);
    assert_eq!(r.posts[2]["line"], 5);
}

#[test]
fn an_unclosed_quote_on_the_last_line_ends_the_calendar() {
    let r = check("id,text\na,Doors open at nine.\nb,\"Thanks for coming!");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cal.csv:3:3: row 2: the quote"),
        "{}",
        r.stderr
    );
    assert_eq!(ids(&r.posts), ["a"]);
}

#[test]
fn a_cell_left_open_over_several_lines_is_noted_once() {
    let r = check("id,text\na,\"Doors open\nat nine.\nb,Thanks all!\n");
    assert_eq!(r.code, 2);
    let errors: Vec<&str> = r.stderr.lines().collect();
    assert!(
        errors[0].contains("cal.csv:2:3: row 1: the quote"),
        "{}",
        r.stderr
    );
    // The cell's own next line is not a row: it is noted as one too short.
    assert!(
        errors[1].contains("cal.csv:3:1: row 2 has 1 cells"),
        "{}",
        r.stderr
    );
    assert_eq!(errors.len(), 2, "{}", r.stderr);
    assert_eq!(ids(&r.posts), ["b"]);
    assert_eq!(r.posts[0]["line"], 4);
}

#[test]
fn closed_quotes_across_lines_and_at_the_end_are_fine() {
    let r = check("id,text\na,\"Doors open\nat nine.\"\nb,\"Thanks, \"\"all\"\"!\"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert_eq!(ids(&r.posts), ["a", "b"]);
}
