//! The pre-commit hook against a real git repository: a bad post blocks the
//! commit, a good one goes through, and a foreign hook is not overwritten.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::Path;
use std::process::Command as Std;

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Std::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git runs")
}

fn think_lint(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("think-lint").unwrap();
    c.current_dir(dir);
    c
}

#[test]
fn hook_blocks_bad_posts_and_lets_good_ones_through() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    assert!(git(repo, &["init", "-q"]).status.success());
    think_lint(repo)
        .args(["hook", "install"])
        .assert()
        .success()
        .stdout(predicate::str::contains("pre-commit"));
    let hook = repo.join(".git/hooks/pre-commit");
    assert!(
        fs::read_to_string(&hook)
            .unwrap()
            .contains("think-lint hook run")
    );

    fs::create_dir_all(repo.join("posts")).unwrap();
    fs::write(
        repo.join("posts/bad.md"),
        "---\ntitle: Reply\n---\nHonestly, you idiot, read the sign.\n",
    )
    .unwrap();
    fs::write(repo.join("notes.rs"), "// not a post: you idiot\n").unwrap();
    git(repo, &["add", "."]);
    let out = git(repo, &["commit", "-q", "-m", "bad post"]);
    assert!(!out.status.success(), "the hook should block the commit");
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("kind/name-calling"), "{said}");
    assert!(said.contains("posts/bad.md"), "{said}");
    assert!(
        !said.contains("notes.rs"),
        "only post files are checked: {said}"
    );

    fs::write(
        repo.join("posts/bad.md"),
        "---\ntitle: Reply\n---\nThanks for the note! The opening hours are on the door and online.\n",
    )
    .unwrap();
    git(repo, &["add", "."]);
    let out = git(repo, &["commit", "-q", "-m", "good post"]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn install_never_overwrites_a_foreign_hook_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    assert!(git(repo, &["init", "-q"]).status.success());
    let hook = repo.join(".git/hooks/pre-commit");
    fs::create_dir_all(hook.parent().unwrap()).unwrap();
    fs::write(&hook, "#!/bin/sh\necho mine\n").unwrap();
    think_lint(repo)
        .args(["hook", "install"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(fs::read_to_string(&hook).unwrap(), "#!/bin/sh\necho mine\n");
    think_lint(repo)
        .args(["hook", "install", "--force"])
        .assert()
        .success();
    // Reinstalling over our own hook needs no force.
    think_lint(repo)
        .args(["hook", "install"])
        .assert()
        .success();
}

#[test]
fn outside_a_repository_install_says_so() {
    let dir = tempfile::tempdir().unwrap();
    think_lint(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .args(["hook", "install"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("git"));
}
