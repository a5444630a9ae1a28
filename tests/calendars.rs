//! Content calendars as a marketing team's CI meets them: CSV, TSV, JSON,
//! JSON Lines and YAML, one post per row or item, findings at the file's
//! real lines, metadata in the JSON report, and clear errors.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn think_lint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("think-lint").unwrap();
    cmd.env_remove("NO_COLOR")
        .current_dir(dir)
        .timeout(Duration::from_secs(60));
    cmd
}

/// Writes `name` into a fresh temporary directory.
fn calendar(name: &str, content: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, content).unwrap();
    (dir, path)
}

/// Runs with `--format json`; returns the report, stderr and exit code.
fn json_of(path: &Path, extra: &[&str]) -> (Value, String, i32) {
    let out = think_lint(path.parent().unwrap())
        .args(["--format", "json"])
        .args(extra)
        .arg(path.file_name().unwrap())
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (
        doc,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap(),
    )
}

/// The post's finding of `rule`.
fn finding<'a>(post: &'a Value, rule: &str) -> &'a Value {
    post["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("{rule} does not fire: {post}"))
}

fn posts(doc: &Value) -> &Vec<Value> {
    doc["posts"].as_array().unwrap()
}

fn rules(post: &Value) -> Vec<String> {
    post["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

const CSV: &str = "\
id,platform,scheduled_at,text
101,LinkedIn,2024-05-06 09:00,\"We're hiring a weekend barista!
Flexible hours, free coffee, and a friendly team.
Apply in store or by email.\"
102,Instagram,2024-05-07 12:00,Our summer menu lands on Friday. Which dish should we feature first?
103,X,2024-05-08 17:30,\"Thanks to everyone who came to the open day.
You idiot, whoever parked across the loading bay.\"
104,Facebook,2024-05-09 08:00,\"Fresh sourdough every morning from 7am, see you soon!\"
";

#[test]
fn csv_calendar_with_mixed_platforms_and_a_multi_line_cell() {
    let (_dir, path) = calendar("calendar.csv", CSV);
    let (doc, stderr, code) = json_of(&path, &[]);
    assert_eq!(code, 1, "{stderr}");
    let posts = posts(&doc);
    assert_eq!(posts.len(), 4);
    let platforms: Vec<_> = posts
        .iter()
        .map(|p| p["meta"]["platform"].clone())
        .collect();
    assert_eq!(platforms, ["linkedin", "instagram", "x", "facebook"]);
    assert_eq!(posts[0]["meta"]["id"], "101");
    assert_eq!(posts[0]["meta"]["scheduled"], "2024-05-06 09:00");
    // Row 3 starts on file line 6, because row 1's cell spans lines 2–4.
    let bad = &posts[2];
    assert_eq!(bad["index"], 2);
    assert_eq!(bad["line"], 6);
    assert_eq!(bad["passed"], false);
    let finding = finding(bad, "kind/name-calling");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["line"], 7);
    assert_eq!(finding["column"], 5);
    for i in [0, 1, 3] {
        assert!(rules(&posts[i]).is_empty(), "post {i}: {:?}", posts[i]);
        assert_eq!(posts[i]["passed"], true);
    }
}

#[test]
fn human_output_points_at_the_real_file_line() {
    let (dir, path) = calendar("calendar.csv", CSV);
    think_lint(dir.path())
        .args(["--color", "never"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("calendar.csv:7:5"));
}

#[test]
fn tsv_calendar() {
    let tsv = "Post ID\tNetwork\tMessage\n\
               1\tMastodon\tOur workshop is open for repairs all week.\n\
               2\tBluesky\tYou idiot.\n";
    let (_dir, path) = calendar("calendar.tsv", tsv);
    let (doc, stderr, code) = json_of(&path, &[]);
    assert_eq!(code, 1, "{stderr}");
    let posts = posts(&doc);
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0]["meta"]["platform"], "mastodon");
    assert_eq!(posts[0]["meta"]["id"], "1");
    assert!(rules(&posts[0]).is_empty());
    assert_eq!(posts[1]["line"], 3);
    assert_eq!(finding(&posts[1], "kind/name-calling")["column"], 15);
}

#[test]
fn json_array_calendar() {
    let json = r#"[
  {"id": "a1", "platform": "Threads", "date": "2024-06-01", "text": "Doors open at 10 tomorrow. Bring a friend!"},
  {
    "id": "a2",
    "platform": "LinkedIn",
    "text": "You idiot"
  }
]
"#;
    let (_dir, path) = calendar("calendar.json", json);
    let (doc, stderr, code) = json_of(&path, &[]);
    assert_eq!(code, 1, "{stderr}");
    let posts = posts(&doc);
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0]["meta"]["platform"], "threads");
    assert_eq!(posts[0]["meta"]["scheduled"], "2024-06-01");
    assert!(rules(&posts[0]).is_empty());
    assert_eq!(posts[1]["meta"]["id"], "a2");
    assert_eq!(posts[1]["line"], 6);
    let f = finding(&posts[1], "kind/name-calling");
    assert_eq!(
        (f["line"].clone(), f["column"].clone()),
        (6.into(), 18.into())
    );
}

#[test]
fn json_object_holding_an_array() {
    let json = r#"{
  "account": "corner-bakery",
  "posts": [
    {"id": 1, "caption": "New loaves on the shelf, still warm."},
    {"id": 2, "caption": "See you at the farmers market on Saturday!"}
  ]
}"#;
    let (_dir, path) = calendar("calendar.json", json);
    let (doc, stderr, code) = json_of(&path, &[]);
    assert_eq!(code, 0, "{stderr}");
    let posts = posts(&doc);
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[1]["line"], 5);
    assert_eq!(posts[1]["meta"]["id"], "2");
}

#[test]
fn json_lines_with_a_broken_line() {
    let jsonl = r#"{"id": 1, "channel": "Facebook", "text": "Happy Friday! Our patio is open all weekend."}
{"id": 2, "channel": "X", "text": "Thanks for the lovely reviews this month" 
{"id": 3, "channel": "X", "text": "You idiot"}
{"id": 4, "channel": "LinkedIn", "text": "We're proud to sponsor the local youth football league."}
"#;
    let (_dir, path) = calendar("calendar.jsonl", jsonl);
    let (doc, stderr, code) = json_of(&path, &[]);
    assert_eq!(code, 2, "a broken line is an input error");
    assert!(stderr.contains("calendar.jsonl:2:"), "{stderr}");
    let posts = posts(&doc);
    let ids: Vec<_> = posts.iter().map(|p| p["meta"]["id"].clone()).collect();
    assert_eq!(ids, ["1", "3", "4"]);
    assert_eq!(posts[1]["line"], 3);
    assert!(rules(&posts[1]).contains(&"kind/name-calling".to_string()));
    assert_eq!(posts[1]["passed"], false);
}

#[test]
fn yaml_list_calendar() {
    let yaml = "\
- id: 1
  platform: Instagram
  publish_at: 2024-07-04 10:00
  caption: |
    Summer hours start Monday!
    Open 8am to 8pm, every day.
- id: 2
  platform: X
  text: \"You idiot, read the sign.\"
";
    let (_dir, path) = calendar("calendar.yaml", yaml);
    let (doc, stderr, code) = json_of(&path, &[]);
    assert_eq!(code, 1, "{stderr}");
    let posts = posts(&doc);
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0]["line"], 5);
    assert_eq!(posts[0]["meta"]["scheduled"], "2024-07-04 10:00");
    assert!(rules(&posts[0]).is_empty());
    assert_eq!(posts[1]["meta"]["platform"], "x");
    let f = finding(&posts[1], "kind/name-calling");
    assert_eq!(
        (f["line"].clone(), f["column"].clone()),
        (9.into(), 14.into())
    );
}

#[test]
fn yaml_alias_bomb_is_refused_quickly() {
    let mut yaml = String::from(
        "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(", ");
        yaml.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    yaml.push_str("posts:\n  - *i\n  - text: Thanks for stopping by!\n");
    let (dir, path) = calendar("bomb.yaml", &yaml);
    let out = think_lint(dir.path())
        .args(["--format", "json"])
        .arg(&path)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("alias"), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(posts(&doc).len(), 1, "the real post is still checked");
}

#[test]
fn calendar_without_a_text_column_is_an_error_naming_its_columns() {
    let (dir, path) = calendar("calendar.csv", "id,platform,copy\n1,x,Hello there\n");
    think_lint(dir.path()).arg(&path).assert().code(2).stderr(
        predicate::str::contains("calendar.csv")
            .and(predicate::str::contains("`id`, `platform`, `copy`"))
            .and(predicate::str::contains("--field")),
    );
}

#[test]
fn field_names_the_text_column() {
    let (_dir, path) = calendar(
        "calendar.csv",
        "id,platform,copy,text\n1,x,You idiot,Thanks for reading\n",
    );
    let (doc, _, code) = json_of(&path, &["--field", "COPY"]);
    assert_eq!(code, 1);
    assert_eq!(finding(&posts(&doc)[0], "kind/name-calling")["column"], 9);
    let (doc, _, code) = json_of(&path, &[]);
    assert_eq!(code, 0, "without --field the `text` column is read");
    assert!(rules(&posts(&doc)[0]).is_empty());
    think_lint(path.parent().unwrap())
        .args(["--field", "caption"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no columns named `caption`"));
}

#[test]
fn ragged_rows_are_reported_and_the_rest_checked() {
    let csv = "text,platform\nSee you at the market!,x\nthis row has,too,many cells\nYou idiot,x\n";
    let (_dir, path) = calendar("calendar.csv", csv);
    let (doc, stderr, code) = json_of(&path, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("calendar.csv:3:1"), "{stderr}");
    assert_eq!(posts(&doc).len(), 2);
    assert_eq!(posts(&doc)[1]["line"], 4);
}

#[test]
fn suppressions_in_a_cell_or_notes_column() {
    let csv = "text,notes\n\
               \"A review we're proud to have turned around:\n\
               think-lint: disable-next-line kind/name-calling -- quoting a customer\n\
               'You idiot' became 'you saved my day'.\",\n\
               You idiot,think-lint: disable kind -- a line from our comedy night poster\n";
    let (_dir, path) = calendar("calendar.csv", csv);
    let (doc, stderr, code) = json_of(&path, &[]);
    assert_eq!(code, 0, "{stderr} {doc}");
    for p in posts(&doc) {
        assert!(rules(p).is_empty(), "{p}");
    }
}

#[test]
fn friendly_calendar_passes_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let posts = [
        "Thank you for a wonderful first year!",
        "New opening hours: 8am to 6pm, Monday to Saturday.",
    ];
    let csv = format!("text\n\"{}\"\n\"{}\"\n", posts[0], posts[1]);
    let json = serde_json::to_string(&serde_json::json!([{"text": posts[0]}, {"text": posts[1]}]))
        .unwrap();
    let jsonl = format!(
        "{}\n{}\n",
        serde_json::json!({"text": posts[0]}),
        serde_json::json!({"text": posts[1]})
    );
    let yaml = format!("- text: {}\n- text: \"{}\"\n", posts[0], posts[1]);
    fs::write(dir.path().join("c.csv"), &csv).unwrap();
    fs::write(dir.path().join("c.tsv"), &csv).unwrap();
    fs::write(dir.path().join("c.json"), json).unwrap();
    fs::write(dir.path().join("c.ndjson"), jsonl).unwrap();
    fs::write(dir.path().join("c.yml"), yaml).unwrap();
    let out = think_lint(dir.path())
        .args(["--format", "json", "."])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{doc}");
    assert_eq!(doc["posts"].as_array().unwrap().len(), 10);
}

#[test]
fn json_that_is_no_calendar_is_skipped_when_walking_but_an_error_when_named() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("package.json"),
        r#"{"name": "site", "version": "1.0.0"}"#,
    )
    .unwrap();
    fs::write(dir.path().join("post.md"), "We open at 8 tomorrow.\n").unwrap();
    think_lint(dir.path())
        .arg(".")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("skipped, not a content calendar"));
    think_lint(dir.path())
        .arg("package.json")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "package.json:1:2: no list of posts",
        ));
}

/// A folder's run learns its length from its walk: when the walk finds
/// calendars of 1 MiB or more, the linters that check them are built again
/// on the tables' copies (`THINK_LINT_TIMINGS` says so); a folder of
/// short files keeps the linters it started with. Either way every post
/// is checked, and the same.
#[cfg(target_os = "linux")]
#[test]
fn a_folder_with_a_long_calendar_builds_its_linters_again_on_copied_tables() {
    let run = |long: bool| {
        let dir = tempfile::tempdir().unwrap();
        let mut calendar = b"{\"text\":\"Doors open at nine.\"}\n".to_vec();
        if long {
            // Blank lines: 1 MiB read in no time.
            calendar.resize(1 << 20, b'\n');
        }
        calendar.extend_from_slice(b"{\"text\":\"See you there.\"}\n");
        fs::write(dir.path().join("calendar.jsonl"), calendar).unwrap();
        fs::write(dir.path().join("post.md"), "Thanks to everyone who came.\n").unwrap();
        let out = think_lint(dir.path())
            .args([".", "--format", "jsonl"])
            .env("THINK_LINT_TIMINGS", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let posts = String::from_utf8(out.stdout).unwrap().lines().count();
        (String::from_utf8(out.stderr).unwrap(), posts)
    };
    let again = "engine again, for the walk's long calendars (2 tables copied onto huge pages)";
    let (long, posts) = run(true);
    assert!(long.contains(again), "{long}");
    assert_eq!(posts, 3);
    let (short, posts) = run(false);
    assert!(!short.contains("engine again"), "{short}");
    assert!(!short.contains("copied onto huge pages"), "{short}");
    assert_eq!(posts, 3);
}
