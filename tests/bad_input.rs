//! Bad inputs through the binary: each gets a clear message naming the
//! file (and the place in it), the other inputs are still checked, and the
//! exit code is 2 only when some input could not be checked.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The binary, run in `dir` (so no configuration of this repository is
/// picked up), with JSON on stdout.
fn think_lint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("think-lint").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .args(["--format", "json"]);
    cmd
}

struct Run {
    doc: Value,
    stderr: String,
    code: i32,
}

impl Run {
    /// The (source, text index) of every post checked.
    fn sources(&self) -> Vec<String> {
        self.doc["posts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["source"].as_str().unwrap().to_string())
            .collect()
    }

    fn findings(&self, source: &str) -> Vec<Value> {
        self.doc["posts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["source"] == source)
            .flat_map(|p| p["findings"].as_array().unwrap().clone())
            .collect()
    }

    fn rows(&self, source: &str) -> Vec<u64> {
        self.doc["posts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["source"] == source)
            .map(|p| p["line"].as_u64().unwrap())
            .collect()
    }
}

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    Run {
        doc,
        stderr,
        code: out.status.code().expect("exited, not killed"),
    }
}

const OK: &str = "Thanks for a lovely week, see you on Saturday.\n";
const RUDE: &str = "Honestly, you idiot, read the sign.";

#[test]
fn invalid_utf8_is_checked_with_a_warning_naming_file_and_byte() {
    let dir = tempfile::tempdir().unwrap();
    // The bad byte is the 10th; `idiot` is at column 25 counting the bad
    // byte as one character.
    fs::write(
        dir.path().join("bad.txt"),
        b"Hello caf\xe9 friends, you idiot\n",
    )
    .unwrap();
    fs::write(dir.path().join("ok.txt"), OK).unwrap();
    fs::write(
        dir.path().join("cal.csv"),
        b"id,text\n1,fine\n2,caf\xe9 idiot\n",
    )
    .unwrap();
    let r = run(think_lint(dir.path()).args([
        "--select",
        "kind/name-calling",
        "bad.txt",
        "ok.txt",
        "cal.csv",
    ]));
    assert!(
        r.stderr
            .contains("warning: bad.txt:1:10: invalid UTF-8 at byte 9"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("warning: cal.csv:3:") && r.stderr.contains("invalid UTF-8 on line 3"),
        "{}",
        r.stderr
    );
    let f = &r.findings("bad.txt")[0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(1), Some(25))
    );
    assert_eq!(f["excerpt"], "idiot");
    let f = &r.findings("cal.csv")[0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(8))
    );
    assert_eq!(
        r.sources(),
        ["bad.txt", "ok.txt", "cal.csv", "cal.csv"],
        "every post is checked"
    );
    // A warning does not make it an I/O error: the posts were checked.
    assert_eq!(r.code, 1, "{}", r.stderr);
}

fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in text.encode_utf16() {
        out.extend(if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    out
}

#[test]
fn utf16_with_a_byte_order_mark_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("le.txt"),
        utf16("Café news:\nyou idiot", true),
    )
    .unwrap();
    fs::write(dir.path().join("be.md"), utf16("# Hi\n\nyou idiot", false)).unwrap();
    fs::write(
        dir.path().join("cal.csv"),
        utf16("text,id\nyou idiot,1\n", true),
    )
    .unwrap();
    let r = run(think_lint(dir.path()).args([
        "--select",
        "kind/name-calling",
        "le.txt",
        "be.md",
        "cal.csv",
    ]));
    for (source, line, column) in [("le.txt", 2, 5), ("be.md", 3, 5), ("cal.csv", 2, 5)] {
        let f = r.findings(source);
        assert_eq!(f.len(), 1, "{source}: {f:?}");
        assert_eq!(f[0]["excerpt"], "idiot");
        assert_eq!(
            (f[0]["line"].as_u64(), f[0]["column"].as_u64()),
            (Some(line), Some(column)),
            "{source}"
        );
    }
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stderr.contains("error"), "{}", r.stderr);
}

#[test]
fn binary_files_are_skipped_when_walked_and_an_error_when_named() {
    let dir = tempfile::tempdir().unwrap();
    let posts = dir.path().join("posts");
    fs::create_dir(&posts).unwrap();
    fs::write(
        posts.join("logo.txt"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    )
    .unwrap();
    fs::write(posts.join("data.csv"), b"text\n\x00\x01\x02").unwrap();
    fs::write(posts.join("hello.txt"), OK).unwrap();

    let r = run(think_lint(dir.path()).arg("posts"));
    assert_eq!(r.sources(), ["posts/hello.txt"]);
    for name in ["posts/logo.txt", "posts/data.csv"] {
        assert!(
            r.stderr
                .contains(&format!("warning: {name}:1:1: skipped: is a binary file")),
            "{}",
            r.stderr
        );
    }
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = run(think_lint(dir.path()).args(["posts/logo.txt", "posts/hello.txt"]));
    assert!(
        r.stderr
            .contains("error: posts/logo.txt: is a binary file, not posts"),
        "{}",
        r.stderr
    );
    assert_eq!(r.sources(), ["posts/hello.txt"]);
    assert_eq!(r.code, 2);
}

#[test]
fn empty_files_and_empty_posts_are_noted_not_failed() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("empty.txt"), "").unwrap();
    fs::write(dir.path().join("blank.md"), "\n  \n\t\n").unwrap();
    fs::write(
        dir.path().join("code.md"),
        "```\nyou idiot\n```\n<div>x</div>\n",
    )
    .unwrap();
    fs::write(dir.path().join("ok.txt"), OK).unwrap();
    fs::write(
        dir.path().join("cal.csv"),
        "id,text\n1,\n2,\"  \"\n3,Fresh bread today\n",
    )
    .unwrap();
    fs::write(dir.path().join("empty.csv"), "").unwrap();
    fs::write(dir.path().join("empty.json"), "").unwrap();
    fs::write(dir.path().join("empty.yaml"), "").unwrap();
    let r = run(think_lint(dir.path()).args([
        "empty.txt",
        "blank.md",
        "code.md",
        "ok.txt",
        "cal.csv",
        "empty.csv",
        "empty.json",
        "empty.yaml",
    ]));
    assert_eq!(r.sources(), ["ok.txt", "cal.csv"]);
    assert_eq!(r.rows("cal.csv"), [4]);
    for needle in [
        "warning: empty.txt:1:1: the file is empty",
        "warning: blank.md:1:1: the file is empty",
        "warning: code.md:1:1: the file has no prose to check",
        "warning: cal.csv:2:3: post 1 is empty",
        "warning: cal.csv:3:4: post 2 is empty",
        "warning: empty.csv:1:1: empty CSV calendar",
        "warning: empty.json:1:1: empty JSON calendar",
        "warning: empty.yaml:1:1: empty YAML calendar",
    ] {
        assert!(r.stderr.contains(needle), "{needle}:\n{}", r.stderr);
    }
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Writes `bytes` bytes of ordinary prose on a single line.
fn one_long_line(path: &Path, bytes: usize) {
    let chunk = "We bake bread every morning and the shop opens at seven. ".repeat(1024);
    let mut s = String::with_capacity(bytes + chunk.len());
    while s.len() < bytes {
        s.push_str(&chunk);
    }
    s.truncate(bytes);
    fs::write(path, s).unwrap();
}

#[test]
fn a_50_mb_line_is_refused_clearly_and_quickly() {
    let dir = tempfile::tempdir().unwrap();
    one_long_line(&dir.path().join("huge.txt"), 50 << 20);
    fs::write(dir.path().join("ok.txt"), OK).unwrap();
    let started = Instant::now();
    let r = run(think_lint(dir.path()).args(["huge.txt", "ok.txt"]));
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        r.stderr.contains(
            "error: huge.txt: is 52428800 bytes, more than the 1048576-byte limit for one post; raise max_post_bytes in think-lint.toml"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(r.sources(), ["ok.txt"]);
    assert_eq!(r.code, 2);
}

#[test]
fn a_50_mb_calendar_cell_is_skipped_and_the_other_rows_checked() {
    let dir = tempfile::tempdir().unwrap();
    let huge = "x".repeat(50 << 20);
    fs::write(
        dir.path().join("cal.csv"),
        format!("text,id\nhello there,1\n{huge},2\nfine,3\n"),
    )
    .unwrap();
    fs::write(
        dir.path().join("cal.jsonl"),
        format!("{{\"text\":\"hello\"}}\n{{\"text\":\"{huge}\"}}\n{{\"text\":\"fine\"}}\n"),
    )
    .unwrap();
    drop(huge);
    let r = run(think_lint(dir.path()).args(["cal.csv", "cal.jsonl"]));
    assert_eq!(r.rows("cal.csv"), [2, 4]);
    assert_eq!(r.rows("cal.jsonl"), [1, 3]);
    assert!(
        r.stderr
            .contains("error: cal.csv:3:1: row 2 is 52428801 bytes, more than the limit"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("error: cal.jsonl:2:1: line 2 is 52428812 bytes"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("raise max_post_bytes"), "{}", r.stderr);
    assert_eq!(r.code, 2);
}

#[test]
fn raising_max_post_bytes_lets_a_long_post_through() {
    // The same limit at a scale a debug build checks quickly.
    let dir = tempfile::tempdir().unwrap();
    one_long_line(&dir.path().join("long.txt"), 100_000);
    fs::write(
        dir.path().join("think-lint.toml"),
        "max_post_bytes = 50000\n",
    )
    .unwrap();
    let r = run(think_lint(dir.path()).arg("long.txt"));
    assert!(
        r.stderr
            .contains("long.txt: is 100000 bytes, more than the 50000-byte limit"),
        "{}",
        r.stderr
    );
    assert_eq!(r.code, 2);

    fs::write(
        dir.path().join("think-lint.toml"),
        "max_post_bytes = 200000\n",
    )
    .unwrap();
    let r = run(think_lint(dir.path()).arg("long.txt"));
    assert_eq!(r.sources(), ["long.txt"]);
    assert!(!r.stderr.contains("limit"), "{}", r.stderr);
    assert_ne!(r.code, 2, "{}", r.stderr);
}

#[test]
fn deeply_nested_and_truncated_json_calendars() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    fs::write(
        dir.path().join("deep.json"),
        format!("[{{\"text\": \"one\"}},\n {deep},\n {{\"text\": {deep}}},\n {{\"text\": \"four\", \"x\": {deep}}},\n {{\"text\": \"five\"}}]"),
    )
    .unwrap();
    fs::write(dir.path().join("deep-outer.json"), &deep).unwrap();
    fs::write(
        dir.path().join("cut.json"),
        "[{\"text\": \"one\"},\n {\"text\": \"tw",
    )
    .unwrap();
    fs::write(
        dir.path().join("cut.jsonl"),
        "{\"text\": \"one\"}\n{\"text\": \"tw",
    )
    .unwrap();
    fs::write(dir.path().join("ok.txt"), OK).unwrap();
    let started = Instant::now();
    let r = run(think_lint(dir.path()).args([
        "deep.json",
        "deep-outer.json",
        "cut.json",
        "cut.jsonl",
        "ok.txt",
    ]));
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(r.rows("deep.json"), [1, 4, 5]);
    assert_eq!(r.rows("cut.json"), [1]);
    assert_eq!(r.rows("cut.jsonl"), [1]);
    assert_eq!(r.rows("ok.txt"), [1]);
    for needle in [
        "error: deep.json:2:2: item 2 is an array",
        "error: deep.json:3:11: item 3: `text` is an array, not text; skipped",
        "error: deep-outer.json:1:2: item 1 is an array",
        "error: cut.json:2:14: the last item is not closed before the end of the file",
        "error: cut.jsonl:2:12: line 2 is not valid JSON",
    ] {
        assert!(r.stderr.contains(needle), "{needle}:\n{}", r.stderr);
    }
    assert_eq!(r.code, 2);
}

#[test]
fn csv_with_ragged_rows_and_quoted_newlines() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("cal.csv"),
        "id,text,platform\n\
         1,\"Quoted, with a comma\nand you idiot on line 3\",x\n\
         2,too few\n\
         3,too,many,cells\n\
         4,\"unterminated quote at the end\n",
    )
    .unwrap();
    let r = run(think_lint(dir.path()).args(["--select", "kind/name-calling", "cal.csv"]));
    let f = r.findings("cal.csv");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["column"].as_u64()),
        (Some(3), Some(9))
    );
    for needle in [
        "error: cal.csv:4:1: row 2 has 2 cells but the header names 3 columns; skipped",
        "error: cal.csv:5:1: row 3 has 4 cells",
        "error: cal.csv:6:3: row 4: the quote that opens here is never closed",
    ] {
        assert!(r.stderr.contains(needle), "{needle}:\n{}", r.stderr);
    }
    assert_eq!(r.code, 2);
}

#[test]
fn yaml_alias_bombs_cost_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::from(
        "lol: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        yaml.push_str(&format!("l{}: &{} [{refs}]\n", w[1], w[1]));
    }
    yaml.push_str(
        "posts:\n  - text: *j\n  - *j\n  - <<: *j\n    text: merged\n  - text: Thanks for coming\n",
    );
    fs::write(dir.path().join("bomb.yaml"), yaml).unwrap();
    let started = Instant::now();
    let r = run(think_lint(dir.path()).arg("bomb.yaml"));
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(r.rows("bomb.yaml"), [15, 16]);
    assert!(
        r.stderr
            .contains("error: bomb.yaml:12:11: item 1: `text` is a list, not text"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("error: bomb.yaml:13:5: item 2 is an alias to a list"),
        "{}",
        r.stderr
    );
    assert_eq!(r.code, 2);
}

/// Whether this process can read a file whose permissions are 000 (root
/// can), found by trying.
fn can_read_anyway(path: &Path) -> bool {
    fs::read(path).is_ok()
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_reported_and_the_rest_checked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    fs::write(&secret, OK).unwrap();
    fs::write(dir.path().join("ok.txt"), OK).unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    if can_read_anyway(&secret) {
        eprintln!("skipped: running as a user who can read a mode-000 file (root)");
        return;
    }
    let r = run(think_lint(dir.path()).args(["secret.txt", "ok.txt"]));
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o644)).unwrap();
    assert!(
        r.stderr.contains("error: secret.txt: permission denied"),
        "{}",
        r.stderr
    );
    assert_eq!(r.sources(), ["ok.txt"]);
    assert_eq!(r.code, 2);
}

#[cfg(unix)]
#[test]
fn symlink_loops_end() {
    let dir = tempfile::tempdir().unwrap();
    let posts = dir.path().join("posts");
    fs::create_dir_all(posts.join("sub")).unwrap();
    fs::write(posts.join("a.txt"), OK).unwrap();
    fs::write(posts.join("sub/b.md"), OK).unwrap();
    std::os::unix::fs::symlink("..", posts.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("loop2.txt", posts.join("loop1.txt")).unwrap();
    std::os::unix::fs::symlink("loop1.txt", posts.join("loop2.txt")).unwrap();
    let started = Instant::now();
    let r = run(think_lint(dir.path()).arg("posts"));
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(r.sources(), ["posts/a.txt", "posts/sub/b.md"]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Named, a looping link cannot be read: an error naming it.
    let r = run(think_lint(dir.path()).args(["posts/loop1.txt", "posts/a.txt"]));
    assert!(
        r.stderr.contains("error: posts/loop1.txt: ") && r.stderr.contains("symbolic links"),
        "{}",
        r.stderr
    );
    assert_eq!(r.sources(), ["posts/a.txt"]);
    assert_eq!(r.code, 2);
}

#[test]
fn a_nonexistent_path_is_an_error_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("ok.txt"), OK).unwrap();
    fs::write(dir.path().join("rude.txt"), RUDE).unwrap();
    let r = run(think_lint(dir.path()).args([
        "--select",
        "kind/name-calling",
        "missing.txt",
        "ok.txt",
        "gone/cal.csv",
        "rude.txt",
    ]));
    assert!(
        r.stderr
            .contains("error: missing.txt: no such file or directory"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("error: gone/cal.csv: no such file or directory"),
        "{}",
        r.stderr
    );
    assert_eq!(r.sources(), ["ok.txt", "rude.txt"]);
    // A post failed too, but an input could not be checked: 2 wins.
    assert_eq!(r.code, 2);
}

#[test]
fn closed_stdin_is_an_empty_input() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["-"][..], &[][..]] {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_think-lint"));
        cmd.current_dir(dir.path())
            .args(["--format", "json"])
            .args(args)
            .stdin(Stdio::null());
        let r = run(&mut Command::from_std(cmd));
        assert_eq!(r.sources(), Vec::<String>::new());
        assert!(
            r.stderr.contains("warning: <stdin>:1:1: stdin is empty"),
            "{}",
            r.stderr
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
}
