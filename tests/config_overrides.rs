//! Per-path overrides, per-dimension minimums, platform profiles and
//! `think-lint config`.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

fn run_in(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("think-lint").unwrap();
    c.current_dir(dir).env_remove("NO_COLOR");
    c
}

#[test]
fn overrides_apply_to_matching_paths_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("think-lint.toml"),
        "[[overrides]]\nfiles = [\"strict/**\"]\nmin_score = 100\n\n[[overrides]]\nfiles = [\"relaxed/**\"]\nignore = [\"necessary\"]\n",
    )
    .unwrap();
    for sub in ["strict", "relaxed", "plain"] {
        fs::create_dir_all(d.join(sub)).unwrap();
        fs::write(
            d.join(sub).join("post.txt"),
            "Big sale this weekend!!! Come early.",
        )
        .unwrap();
    }
    let out = run_in(d)
        .args(["--format", "json", "strict", "relaxed", "plain"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let posts = doc["posts"].as_array().unwrap();
    let by_source = |name: &str| {
        posts
            .iter()
            .find(|p| p["source"].as_str().unwrap().contains(name))
            .unwrap()
            .clone()
    };
    let strict = by_source("strict");
    let relaxed = by_source("relaxed");
    let plain = by_source("plain");
    assert!(!plain["findings"].as_array().unwrap().is_empty(), "{plain}");
    assert_eq!(
        strict["passed"], false,
        "min_score 100 fails any finding: {strict}"
    );
    assert!(
        relaxed["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["dimension"] != "necessary"),
        "{relaxed}"
    );
}

#[test]
fn per_dimension_minimum_fails_a_post() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("post.txt"),
        "WOW!!! HUGE NEWS!!! #sale #deal #cheap #shop #buy #now #today #win",
    )
    .unwrap();
    run_in(d)
        .args(["--min-score", "0", "post.txt"])
        .assert()
        .code(predicate::in_iter([0, 1]));
    fs::write(
        d.join("think-lint.toml"),
        "min_score = 0\n[min_dimension]\nnecessary = 99\n",
    )
    .unwrap();
    run_in(d).args(["post.txt"]).assert().code(1);
}

#[test]
fn platform_profiles_flag_over_length_posts() {
    let long = "We bake every morning with local flour and fresh butter. ".repeat(6);
    let mut c = Command::cargo_bin("think-lint").unwrap();
    c.args(["--platform", "x", "--format", "json", "-"])
        .write_stdin(long.clone())
        .assert()
        .stdout(predicate::str::contains("necessary/platform-too-long"));
    let mut c = Command::cargo_bin("think-lint").unwrap();
    c.args(["--platform", "linkedin", "--format", "json", "-"])
        .write_stdin(long.clone())
        .assert()
        .stdout(predicate::str::contains("platform-too-long").not());
    let mut c = Command::cargo_bin("think-lint").unwrap();
    c.args(["--platform", "myspace", "-"])
        .write_stdin("hi")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown platform `myspace`"));
}

#[test]
fn markdown_front_matter_platform_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let body = "Our new sourdough class runs on Saturdays. ".repeat(8);
    fs::write(
        dir.path().join("post.md"),
        format!("---\nplatform: bluesky\n---\n{body}\n"),
    )
    .unwrap();
    run_in(dir.path())
        .args(["--format", "json", "post.md"])
        .assert()
        .stdout(predicate::str::contains("necessary/platform-too-long"));
}

#[test]
fn config_command_shows_the_merged_configuration() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(".think-lint.toml"),
        "min_score = 80\nplatform = \"threads\"\n",
    )
    .unwrap();
    run_in(dir.path())
        .arg("config")
        .assert()
        .success()
        .stdout(predicate::str::contains(".think-lint.toml"))
        .stdout(predicate::str::contains("min_score = 80"))
        .stdout(predicate::str::contains("platform = \"threads\""));
}

#[test]
fn suppressions_hide_findings_and_unused_ones_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("post.md"),
        "Thanks for all the reviews.\n\n<!-- think-lint-disable-next-line kind/name-calling -- quoting a customer -->\nOne reviewer called us \"idiot bakers\" and we laughed.\n\n<!-- think-lint-disable-next-line sarcasm -->\nSee you Saturday.\n",
    )
    .unwrap();
    let out = run_in(dir.path())
        .args(["--format", "json", "post.md"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = doc["posts"][0]["findings"].as_array().unwrap();
    assert!(
        findings.iter().all(|f| f["rule"] != "kind/name-calling"),
        "{findings:?}"
    );
    let unused: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "suppression/unused")
        .collect();
    assert_eq!(unused.len(), 1, "{findings:?}");
    assert_eq!(unused[0]["line"], 6);
    assert_eq!(unused[0]["severity"], "info");
}
