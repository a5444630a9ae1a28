//! `think-lint train` and `think-lint eval` from the command line: a pack
//! learned from labeled posts is written deterministically and loads as a
//! rule pack; `eval` reports the confusion matrix of a verdict against the
//! labels and writes predictions in the data's label names.

use assert_cmd::Command;
use std::path::Path;

fn think_lint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("think-lint").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// Labeled posts of a made-up support desk: grumbling replies ("grumpy")
/// and friendly ones ("friendly"), built from a few templates.
fn support_desk() -> Vec<(String, &'static str)> {
    let things = [
        "order", "parcel", "refund", "invoice", "booking", "ticket", "delivery", "account",
    ];
    let mut posts = Vec::new();
    for (i, thing) in things.iter().enumerate() {
        posts.push((
            format!("Your {thing} is late again and nobody answers, this is useless"),
            "grumpy",
        ));
        posts.push((
            format!("Still waiting on my {thing}, useless support, never again"),
            "grumpy",
        ));
        posts.push((
            format!("Worst service ever, the {thing} page is broken and useless"),
            "grumpy",
        ));
        posts.push((
            format!("Thanks so much, the {thing} arrived early and the team was lovely"),
            "friendly",
        ));
        posts.push((
            format!("Lovely help with my {thing} today, thank you all"),
            "friendly",
        ));
        posts.push((
            format!("Quick question about the {thing} {i}: is it ready on Friday? Thanks"),
            "friendly",
        ));
    }
    posts
}

fn write_jsonl(path: &Path, posts: &[(String, &str)]) {
    let mut text = String::new();
    for (id, (post, label)) in posts.iter().enumerate() {
        let line = serde_json::json!({"id": id, "text": post, "label": label});
        text.push_str(&line.to_string());
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

fn train(dir: &Path, out: &str) -> String {
    let output = think_lint(dir)
        .args([
            "train",
            "--data",
            "desk.jsonl",
            "--positive",
            "grumpy",
            "--dimension",
            "kind",
            "--flag",
            "hostility",
            "--id",
            "desk",
            "--folds",
            "3",
            "--min-df",
            "2",
            "--out",
            out,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "train failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn train_writes_the_same_pack_twice_and_eval_scores_it() {
    let dir = tempfile::tempdir().unwrap();
    write_jsonl(&dir.path().join("desk.jsonl"), &support_desk());

    let report = train(dir.path(), "a.toml");
    assert!(report.contains("trained desk/model on desk.jsonl: 48 posts, 24 labeled grumpy"));
    assert!(report.contains("3-fold cross-validation"), "{report}");
    train(dir.path(), "b.toml");
    let a = std::fs::read_to_string(dir.path().join("a.toml")).unwrap();
    let b = std::fs::read_to_string(dir.path().join("b.toml")).unwrap();
    assert_eq!(a, b, "the same data must give the same pack");
    assert!(a.contains("useless"), "the telling word is a term:\n{a}");

    // The pack's own examples pass `rules test`.
    think_lint(dir.path())
        .args(["rules", "test", "a.toml"])
        .assert()
        .success();

    // Measured with the learned pack on, the grumbling posts are found.
    let out = think_lint(dir.path())
        .args([
            "eval",
            "--rules",
            "a.toml",
            "--data",
            "desk.jsonl",
            "--positive",
            "grumpy",
            "--flag",
            "hostility",
            "--predictions",
            "pred.jsonl",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("eval: desk.jsonl, 48 posts"), "{stdout}");
    assert!(
        stdout.contains("predicted `grumpy` on the hostility flag; otherwise `friendly`"),
        "{stdout}"
    );
    assert!(stdout.contains("gold \\ predicted"), "{stdout}");
    let recall_line = stdout
        .lines()
        .find(|l| l.starts_with("grumpy: precision"))
        .expect("a precision/recall line");
    let recall: f64 = recall_line
        .split("recall ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|r| r.parse().ok())
        .expect("a recall figure");
    assert!(recall >= 0.9, "{recall_line}");

    let preds = std::fs::read_to_string(dir.path().join("pred.jsonl")).unwrap();
    let preds: Vec<serde_json::Value> = preds
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(preds.len(), 48);
    for (i, p) in preds.iter().enumerate() {
        assert_eq!(p["id"], i);
        assert!(
            matches!(p["pred"].as_str(), Some("grumpy" | "friendly")),
            "{p}"
        );
    }
}

#[test]
fn eval_takes_several_positive_labels_and_names_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let posts = vec![
        ("You are an idiot and a fraud".to_string(), "insult"),
        ("Shut up, you clown".to_string(), "insult"),
        ("This is damn annoying".to_string(), "rude"),
        ("Our new bread is out today".to_string(), "calm"),
        ("See you at the market on Saturday".to_string(), "calm"),
        ("Thanks for the kind words".to_string(), "other"),
    ];
    write_jsonl(&dir.path().join("mixed.jsonl"), &posts);
    let out = think_lint(dir.path())
        .args([
            "eval",
            "--data",
            "mixed.jsonl",
            "--positive",
            "insult,rude",
            "--negative",
            "calm",
            "--flag",
            "hostility",
            "--error-dimension",
            "kind",
            "--predictions",
            "pred.jsonl",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("predicted `insult` on"), "{stdout}");
    assert!(
        stdout.contains("posts labeled other count as `calm`"),
        "{stdout}"
    );
    assert!(stdout.contains("insult+rude: precision"), "{stdout}");
    // Three positives, three negatives: the rows of the matrix add up so.
    let support: Vec<&str> = stdout.lines().filter(|l| l.contains("(3 posts)")).collect();
    assert_eq!(support.len(), 2, "{stdout}");
    let preds = std::fs::read_to_string(dir.path().join("pred.jsonl")).unwrap();
    for line in preds.lines() {
        let p: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(matches!(p["pred"].as_str(), Some("insult" | "calm")), "{p}");
    }
}

#[test]
fn eval_names_a_label_the_data_lacks() {
    let dir = tempfile::tempdir().unwrap();
    write_jsonl(
        &dir.path().join("two.jsonl"),
        &[
            ("Fresh loaves at nine".to_string(), "calm"),
            ("Shut up, you clown".to_string(), "insult"),
        ],
    );
    let out = think_lint(dir.path())
        .args([
            "eval",
            "--data",
            "two.jsonl",
            "--positive",
            "insult,angry",
            "--flag",
            "hostility",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("no post is labeled `angry` (labels: calm, insult)"),
        "{stderr}"
    );
}
