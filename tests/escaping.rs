//! Nothing a post (or a file name, or a third-party pack) says can inject
//! into the output, through the binary: terminal escapes are neutralised in
//! human and compact output and on stderr, GitHub annotations cannot start
//! a workflow command of their own, and the machine formats stay valid
//! whatever bytes the posts hold.

use assert_cmd::Command;
use regex::Regex;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn think_lint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("think-lint").unwrap();
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

struct Out {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run(cmd: &mut Command) -> Out {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert!(!stderr.contains("panicked"), "{stderr}");
    Out {
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr,
        code: out.status.code().unwrap(),
    }
}

/// Characters that must never reach a terminal raw.
const RAW: &[char] = &[
    '\u{1b}', '\u{7}', '\u{0}', '\r', '\u{8}', '\u{9b}', '\u{2028}', '\u{2029}', '\u{202E}',
    '\u{2066}', '\u{2069}',
];

fn assert_no_raw(what: &str, s: &str) {
    for c in RAW {
        assert!(
            !s.contains(*c),
            "{what} holds a raw {:?}:\n{s}",
            c.escape_unicode().to_string()
        );
    }
}

/// A post line with every kind of control and formatting trick around an
/// insult the built-in packs flag.
const HOSTILE: &str = "Hi \u{1b}[31mred\u{1b}[0m \u{1b}]0;pwned\u{7} \u{1b}]8;;https://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\ bell\u{7} back\u{8} csi\u{9b}2J cr\rover u2028\u{2028}next \u{202E}desrever\u{202C} \u{2066}iso\u{2069} you idiot";

/// Writes the hostile post as a text file, a CSV row and a JSON item (the
/// JSON one also carrying a NUL, which a text file cannot: it would be
/// binary).
fn hostile_inputs(dir: &Path) {
    fs::write(dir.join("post.txt"), HOSTILE).unwrap();
    let csv_cell = HOSTILE.replace('"', "\"\"");
    fs::write(dir.join("cal.csv"), format!("id,text\n1,\"{csv_cell}\"\n")).unwrap();
    let with_nul = format!("{HOSTILE} nul\u{0}byte");
    let item = serde_json::json!([{ "text": with_nul }]);
    fs::write(dir.join("cal.json"), item.to_string()).unwrap();
}

#[test]
fn human_and_compact_output_neutralise_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    hostile_inputs(dir.path());
    for format in ["human", "compact"] {
        let out = run(think_lint(dir.path()).args([
            "--color", "never", "--format", format, "post.txt", "cal.csv", "cal.json",
        ]));
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.stdout.contains("kind/name-calling"), "{}", out.stdout);
        assert_no_raw(format, &out.stdout);
        assert_no_raw("stderr", &out.stderr);
        if format == "human" {
            // The excerpt is shown, made visible, still on one line.
            assert!(
                out.stdout
                    .contains(r"Hi \u{1b}[31mred\u{1b}[0m \u{1b}]0;pwned\u{7}"),
                "{}",
                out.stdout
            );
            assert!(
                out.stdout
                    .contains(r"cr\u{d}over u2028\u{2028}next \u{202e}desrever")
            );
            assert!(out.stdout.contains(r"nul\u{0}byte"), "{}", out.stdout);
        }
    }
}

#[test]
fn colour_output_holds_only_our_own_sgr_sequences() {
    let dir = tempfile::tempdir().unwrap();
    hostile_inputs(dir.path());
    let out = run(think_lint(dir.path()).args(["--color", "always", "post.txt", "cal.json"]));
    let sgr = Regex::new(r"\x1b\[[0-9;]*m").unwrap();
    let rest = sgr.replace_all(&out.stdout, "");
    assert!(out.stdout.contains('\u{1b}'), "colours are on");
    assert_no_raw("coloured output less SGR", &rest);
}

#[test]
fn stderr_messages_escape_names_and_input_text() {
    let dir = tempfile::tempdir().unwrap();
    // A calendar whose header (echoed in the error) and a file name carry
    // escape sequences.
    fs::write(
        dir.path().join("cal.csv"),
        "id,\u{1b}]0;owned\u{7}copy\u{1b}[2J\n1,hello\n",
    )
    .unwrap();
    let name = "bad\u{1b}[31mname\u{7}.txt";
    let out = run(think_lint(dir.path()).args(["cal.csv", name, "--format", "json"]));
    assert_eq!(out.code, 2);
    assert_no_raw("stderr", &out.stderr);
    assert!(
        out.stderr.contains(r"`\u{1b}]0;owned\u{7}copy\u{1b}[2J`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains(r"error: bad\u{1b}[31mname\u{7}.txt: no such file or directory"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_third_party_pack_cannot_write_escapes_either() {
    let dir = tempfile::tempdir().unwrap();
    let pack = "[pack]\nid = \"acme\"\ndimension = \"kind\"\ndescription = \"d\"\nversion = \"1\"\n\
        [[rules]]\nid = \"acme/x\"\nseverity = \"warning\"\nweight = 5\n\
        message = \"clear \\u001b[2J\\u001b]0;title\\u0007 screen\\r\\nsecond line\"\n\
        suggestion = \"\\u001b[5mblink\"\n\
        [rules.match]\nkind = \"words\"\nwords = [\"croissant\"]\n";
    fs::write(dir.path().join("acme.toml"), pack).unwrap();
    fs::write(dir.path().join("post.txt"), "Fresh croissant today").unwrap();
    for format in ["human", "compact", "github"] {
        let out = run(think_lint(dir.path()).args([
            "--rules",
            "acme.toml",
            "--color",
            "never",
            "--format",
            format,
            "post.txt",
        ]));
        assert!(out.stdout.contains("acme/x"), "{}", out.stdout);
        assert_no_raw(format, &out.stdout);
        if format != "github" {
            assert!(out.stdout.contains(r"clear \u{1b}[2J"), "{}", out.stdout);
        }
    }
}

/// `%XX` escapes of a workflow command undone, as the runner does.
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[cfg(unix)]
#[test]
fn github_annotations_cannot_be_forged() {
    let dir = tempfile::tempdir().unwrap();
    // A file name with every separator a workflow command has.
    let name = "50% off, a:b::c\r\n::error file=x::forged\n.txt";
    let post = "Sale 50% off!\r\n::error file=x,line=1::forged\n%0A::add-mask::secret\r::stop-commands::token\nAlso, you idiot: read it";
    fs::write(dir.path().join(name), post).unwrap();
    fs::write(
        dir.path().join("cal.csv"),
        format!("id,text\n1,\"{}\"\n", post.replace('"', "\"\"")),
    )
    .unwrap();
    let out = run(think_lint(dir.path()).args(["--format", "github", name, "cal.csv"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let ours = Regex::new(
        r"^::(error|warning|notice) (file=[^,:\r\n]*,)?line=\d+,col=\d+,endLine=\d+(,endColumn=\d+)?,title=[a-z0-9/-]+::[^\r]*$",
    )
    .unwrap();
    let mut annotations = 0;
    for line in out.stdout.split('\n').filter(|l| !l.is_empty()) {
        assert!(!line.contains('\r'), "raw CR in {line:?}");
        if line.starts_with("::") {
            assert!(ours.is_match(line), "not one of ours: {line:?}");
            annotations += 1;
        } else {
            assert!(line.starts_with("think-lint: "), "stray line {line:?}");
        }
    }
    // One annotation per finding, and the file property names the file.
    let json = run(think_lint(dir.path()).args(["--format", "json", name, "cal.csv"]));
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let findings: usize = doc["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["findings"].as_array().unwrap().len())
        .sum();
    assert_eq!(annotations, findings);
    assert!(annotations >= 2);
    let first = out.stdout.lines().next().unwrap();
    let file = first
        .split_once("file=")
        .unwrap()
        .1
        .split_once(",line=")
        .unwrap()
        .0;
    // (`\r\n` in a name reads as a line break, shown as one.)
    assert_eq!(
        unescape(file),
        "50% off, a:b::c\n::error file=x::forged\n.txt"
    );
}

/// Every machine format parses for posts holding NUL bytes, U+FFFD from
/// invalid UTF-8 and from a lone UTF-16 surrogate, and markup.
#[test]
fn machine_formats_stay_valid_for_any_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("bytes.txt"),
        b"caf\xe9 \xff\xfe\xfd ]]> <x a='1'> &amp; you idiot \xc3\x28 \xed\xa0\x80 end",
    )
    .unwrap();
    // UTF-16LE with a lone high surrogate (D800) before "you idiot".
    let mut utf16 = vec![0xFF, 0xFE];
    let units: Vec<u16> = "x "
        .encode_utf16()
        .chain([0xD800])
        .chain(" you idiot".encode_utf16())
        .collect();
    for u in units {
        utf16.extend(u.to_le_bytes());
    }
    fs::write(d.join("lone.txt"), utf16).unwrap();
    let item = serde_json::json!([
        {"text": "nul \u{0} and \u{1} \u{1f} \u{7f} \u{fffe} \u{ffff} ]]> you idiot", "id": "\u{0}"},
    ]);
    fs::write(d.join("cal.json"), item.to_string()).unwrap();
    fs::write(
        d.join("cal.yaml"),
        "- text: \"yaml \\0 nul \\x1b[2J \\u2028 you idiot\"\n",
    )
    .unwrap();
    fs::write(d.join("cal.csv"), b"text\n\"csv \xff ]]> you idiot\"\n").unwrap();
    let inputs = ["bytes.txt", "lone.txt", "cal.json", "cal.yaml", "cal.csv"];
    let check = |format: &str| {
        let out = run(think_lint(d).args(["--format", format]).args(inputs));
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        out.stdout
    };

    let json: Value = serde_json::from_str(&check("json")).expect("json parses");
    let posts = json["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 5);
    for p in posts {
        let rules: Vec<&str> = p["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert!(rules.contains(&"kind/name-calling"), "{p}");
    }
    let jsonl = check("jsonl");
    let lines: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("jsonl line parses"))
        .collect();
    assert_eq!(lines.len(), 5);
    let sarif: Value = serde_json::from_str(&check("sarif")).expect("sarif parses");
    assert_eq!(sarif["version"], "2.1.0");
    let junit = check("junit");
    let doc = roxmltree::Document::parse(&junit).expect("junit is well-formed XML");
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(cases, 5);
}
