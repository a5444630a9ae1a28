//! A calendar cell may spell its text differently from the text itself:
//! JSON and YAML escapes, CSV's doubled quotes, YAML's folded lines and
//! indentation. Findings must still point at the file's real line and
//! column, where an editor or a GitHub annotation will look.

use assert_cmd::Command;
use std::fs;

/// The `line:column` of each finding of `rule` when `content` is checked
/// as the file `name`, in file order.
fn places(name: &str, content: &str, rule: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(name), content).unwrap();
    let out = Command::cargo_bin("think-lint")
        .unwrap()
        .current_dir(dir.path())
        .args(["--format", "compact", name])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Each finding is `name:line:column: severity rule message`.
    stdout
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix(name)?.strip_prefix(':')?;
            let mut parts = rest.splitn(3, ':');
            let (line, column) = (parts.next()?, parts.next()?);
            let found = parts.next()?.split_whitespace().nth(1)?;
            (found == rule).then(|| format!("{line}:{column}"))
        })
        .collect()
}

/// The 1-based `line:column` of the first `needle` in `content`, counted
/// in characters, as a person finds it in an editor.
fn where_written(content: &str, needle: &str) -> String {
    let at = content.find(needle).unwrap();
    let before = &content[..at];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    format!("{line}:{column}")
}

const NAME_CALLING: &str = "kind/name-calling";

#[test]
fn json_escapes_do_not_move_a_finding() {
    let content = concat!(
        r#"{"id":1,"text":"first line\nthen you idiot"}"#,
        "\n",
        r#"{"id":2,"text":"Tab\there, \"quoted\", caf\u00e9 \ud83d\ude00 then you moron"}"#,
        "\n",
    );
    assert_eq!(
        places("posts.jsonl", content, NAME_CALLING),
        [
            where_written(content, "idiot"),
            where_written(content, "moron")
        ]
    );
}

#[test]
fn pretty_json_array_with_escapes() {
    let content = "[\n  {\n    \"platform\": \"x\",\n    \"text\": \"Line one\\n\\n\\\"Line\\\" three: you idiot\"\n  }\n]\n";
    assert_eq!(
        places("cal.json", content, NAME_CALLING),
        [where_written(content, "idiot")]
    );
}

#[test]
fn csv_doubled_quotes_in_one_and_many_lines() {
    let content = "id,text\n1,\"She said \"\"hi\"\" and you idiot\"\n2,\"two \"\"lines\"\"\nthen \"\"x\"\" you moron\"\n";
    assert_eq!(
        places("cal.csv", content, NAME_CALLING),
        [
            where_written(content, "idiot"),
            where_written(content, "moron")
        ]
    );
}

#[test]
fn yaml_quoted_folded_literal_and_plain_scalars() {
    let content = concat!(
        "- text: \"Tab\\there \\\"q\\\" you idiot\"\n",
        "- text: 'It''s you, moron'\n",
        "- text: >\n    Closed Monday,\n    you imbecile\n",
        "- text: |\n    first\n      you cretin\n",
        "- text: plain words\n    and you dimwit\n",
    );
    let expected: Vec<String> = ["idiot", "moron", "imbecile", "cretin", "dimwit"]
        .iter()
        .map(|w| where_written(content, w))
        .collect();
    assert_eq!(places("cal.yaml", content, NAME_CALLING), expected);
}

#[test]
fn suppressions_in_an_escaped_cell_still_apply_and_are_placed_truly() {
    // The directive and the line it covers are lines of the text, written
    // on one line of the file.
    let content = concat!(
        r#"{"text":"think-lint: disable-next-line kind/name-calling -- quoting a review\nThey called us idiots"}"#,
        "\n",
        r#"{"text":"Hello\nthink-lint: disable-next-line kind/name-calling -- nothing here\nLovely day"}"#,
        "\n",
    );
    assert!(places("posts.jsonl", content, NAME_CALLING).is_empty());
    let unused = places("posts.jsonl", content, "suppression/unused");
    let second_line = content.lines().nth(1).unwrap();
    let column = second_line.find("think-lint:").unwrap() + 1;
    assert_eq!(unused, [format!("2:{column}")]);
}

#[test]
fn github_annotations_use_the_file_position() {
    let content = "{\"text\":\"a\\nb\\nc you idiot\"}\n";
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("p.jsonl"), content).unwrap();
    let out = Command::cargo_bin("think-lint")
        .unwrap()
        .current_dir(dir.path())
        .args(["--format", "github", "p.jsonl"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let at = where_written(content, "idiot");
    let (line, col) = at.split_once(':').unwrap();
    assert!(
        stdout.contains(&format!("file=p.jsonl,line={line},col={col},")),
        "{stdout}"
    );
}
