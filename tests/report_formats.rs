//! Every machine format against the same fixtures: a few posts checked
//! with the built-in packs (clean, failing, calendar rows with metadata,
//! stdin), plus a hostile copy whose paths, excerpts and messages carry
//! `%`, line breaks, `::` workflow commands, markup, NUL and ANSI escapes.
//! Output must parse, and hostile text must stay escaped.

use serde_json::Value;
use std::sync::OnceLock;
use think_lint::check::{Linter, PostResult, Summary};
use think_lint::engine::{Engine, Selection};
use think_lint::pack;
use think_lint::report::{self, Reporter};
use think_lint::source::{Metadata, Post};

fn engine() -> Engine {
    let packs = pack::built_in().unwrap();
    Engine::new(&packs, &Selection::default()).unwrap()
}

fn posts() -> Vec<Post> {
    let clean = Post::new(
        "drafts/opening hours.txt",
        "We're open 8am to 6pm Monday to Saturday, and 10 to 4 on Sundays.",
    );
    let bad = Post::new(
        "drafts/reply.md",
        "Honestly, you people are IDIOTS!!!\nToo invested in it to listen to your incessant complaining.",
    );
    let mut row1 = Post::new(
        "calendar.csv",
        "Oh great, another \"urgent\" email. Love that for me 🙄",
    );
    row1.line = 2;
    row1.column = 5;
    row1.meta = Metadata {
        platform: Some("x".into()),
        scheduled: Some("2026-12-01 09:00".into()),
        id: Some("row-17".into()),
        title: None,
    };
    let mut row2 = Post::new(
        "calendar.csv",
        "Call me at 555-201-7788, my divorce has me working from the couch.",
    );
    row2.index = 1;
    row2.line = 3;
    row2.column = 5;
    row2.meta = Metadata {
        title: Some("Behind the scenes".into()),
        ..Metadata::default()
    };
    let stdin = Post::new(
        "-",
        "The BEST product in the world, 100% guaranteed, 9 out of 10 experts agree!!!",
    );
    vec![clean, bad, row1, row2, stdin]
}

/// The fixtures checked once, shared by every test.
fn results() -> Vec<PostResult> {
    static RESULTS: OnceLock<Vec<PostResult>> = OnceLock::new();
    RESULTS
        .get_or_init(|| {
            let linter = Linter::new(engine());
            posts().iter().map(|p| linter.check(p)).collect()
        })
        .clone()
}

const HOSTILE_SOURCE: &str =
    "evil\n::error file=x::pwned %0A, a:b <x y='1'>&amp;\u{0}\u{1b}[31m.md";
const HOSTILE_TEXT: &str = "50% off\r\n::set-output name=x::y\n::stop-commands::tok\n<script>&</script> \"q\" 'a' \u{0}\u{7}\u{1b}[2J\u{FFFE}\u{2028}end";

/// The fixtures with hostile text put into every string a reporter prints.
fn hostile() -> Vec<PostResult> {
    let mut rs = results();
    for r in &mut rs {
        if r.source != "-" {
            r.source = HOSTILE_SOURCE.into();
        }
        r.meta.title = Some(HOSTILE_TEXT.into());
        for f in &mut r.findings {
            f.excerpt = HOSTILE_TEXT.to_string();
            f.message = format!("{} {HOSTILE_TEXT}", f.message).into();
            f.suggestion = Some(HOSTILE_TEXT.into());
            f.detail = Some(HOSTILE_TEXT.to_string());
            f.context = HOSTILE_TEXT.to_string();
        }
    }
    rs
}

fn render(reporter: &mut dyn Reporter, results: &[PostResult]) -> String {
    let mut out = Vec::new();
    let mut summary = Summary::default();
    reporter.start(&mut out).unwrap();
    for r in results {
        summary.add(r);
        reporter.post(&mut out, r).unwrap();
    }
    reporter.finish(&mut out, &summary).unwrap();
    String::from_utf8(out).unwrap()
}

fn findings(results: &[PostResult]) -> usize {
    results.iter().map(|r| r.findings.len()).sum()
}

#[test]
fn fixtures_cover_what_the_formats_must_show() {
    let rs = results();
    assert!(rs[0].passed && rs[0].findings.is_empty(), "{:?}", rs[0]);
    assert!(!rs[1].passed);
    assert!(rs.iter().filter(|r| !r.findings.is_empty()).count() >= 3);
    let sevs: std::collections::BTreeSet<_> = rs
        .iter()
        .flat_map(|r| &r.findings)
        .map(|f| f.severity)
        .collect();
    assert!(sevs.len() >= 2, "want several severities: {sevs:?}");
}

// ---------------------------------------------------------------- json

#[test]
fn json_keeps_the_contract_and_adds_metadata() {
    let rs = results();
    let doc: Value = serde_json::from_str(&render(&mut report::Json::default(), &rs)).unwrap();
    assert_eq!(doc["version"], 1);
    let posts = doc["posts"].as_array().unwrap();
    assert_eq!(posts.len(), rs.len());
    for (p, r) in posts.iter().zip(&rs) {
        for key in [
            "source", "index", "line", "passed", "score", "scores", "flags", "findings",
        ] {
            assert!(p.get(key).is_some(), "{key} missing in {p}");
        }
        assert_eq!(p["findings"].as_array().unwrap().len(), r.findings.len());
        for f in p["findings"].as_array().unwrap() {
            for key in [
                "rule",
                "dimension",
                "severity",
                "message",
                "line",
                "column",
                "end_line",
                "end_column",
                "excerpt",
            ] {
                assert!(f.get(key).is_some(), "{key} missing in {f}");
            }
        }
    }
    assert!(posts[0].get("meta").is_none(), "no metadata, no meta");
    assert_eq!(
        posts[2]["meta"],
        serde_json::json!({"platform": "x", "scheduled": "2026-12-01 09:00", "id": "row-17"})
    );
    assert_eq!(
        posts[3]["meta"],
        serde_json::json!({"title": "Behind the scenes"})
    );
    assert_eq!(posts[4]["source"], "-");
    assert_eq!(doc["summary"]["posts"], rs.len());
    assert_eq!(doc["summary"]["findings"], findings(&rs));
}

#[test]
fn json_round_trips_hostile_text() {
    let rs = hostile();
    let text = render(&mut report::Json::default(), &rs);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{0}'));
    assert_eq!(text.lines().count(), 1);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["posts"][1]["source"], HOSTILE_SOURCE);
    assert_eq!(doc["posts"][1]["meta"]["title"], HOSTILE_TEXT);
    assert_eq!(doc["posts"][1]["findings"][0]["excerpt"], HOSTILE_TEXT);
}

// ---------------------------------------------------------------- jsonl

#[test]
fn jsonl_is_one_post_object_per_line_and_nothing_else() {
    for rs in [results(), hostile()] {
        let text = render(&mut report::Jsonl, &rs);
        assert!(text.ends_with('\n'));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), rs.len(), "no summary line");
        for (line, r) in lines.iter().zip(&rs) {
            let v: Value = serde_json::from_str(line).unwrap();
            assert_eq!(v, report::post_value(r));
            // Written by hand, byte for byte what serde_json writes for
            // the same value: members sorted, strings escaped alike.
            assert_eq!(*line, serde_json::to_string(&v).unwrap());
            let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
            let mut expected = vec![
                "findings", "flags", "index", "line", "passed", "score", "scores", "source", "tone",
            ];
            if r.meta != Default::default() {
                expected.insert(4, "meta");
            }
            assert_eq!(keys, expected);
        }
    }
}

// ---------------------------------------------------------------- sarif

fn sarif_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(load_sarif_validator)
}

fn load_sarif_validator() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sarif/sarif-2.1.0-rtm.5.json"
    );
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // The schema's patterns for `language` have a stray `]`, which
    // JavaScript reads as a literal but the Rust regex engine rejects when
    // the schema itself is checked; escape it (same meaning) in memory only.
    fn fix(v: &mut Value, fixed: &mut usize) {
        const BAD: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
        match v {
            Value::Object(m) => {
                for (k, v) in m.iter_mut() {
                    if k == "pattern" && v == BAD {
                        *v = Value::from(BAD.replace("}]?", "}\\]?"));
                        *fixed += 1;
                    } else {
                        fix(v, fixed);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|v| fix(v, fixed)),
            _ => {}
        }
    }
    let mut fixed = 0;
    fix(&mut schema, &mut fixed);
    assert!(fixed > 0, "the vendored schema changed; revisit this fix");
    jsonschema::options()
        .should_validate_formats(true)
        .with_format("uri-reference", is_uri_reference)
        .build(&schema)
        .unwrap()
}

/// Draft 4 knows no `uri-reference` format, so the schema's artifact URIs
/// would go unchecked: check RFC 3986's character set and `%XX` escapes.
fn is_uri_reference(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                if !(i + 2 < b.len()
                    && b[i + 1].is_ascii_hexdigit()
                    && b[i + 2].is_ascii_hexdigit())
                {
                    return false;
                }
                i += 3;
                continue;
            }
            c if c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c) => {}
            _ => return false,
        }
        i += 1;
    }
    true
}

fn assert_valid_sarif(doc: &Value) {
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "invalid SARIF:\n{}\n{doc:#}",
        errors.join("\n")
    );
}

fn sarif_of(rs: &[PostResult]) -> Value {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    let engine = ENGINE.get_or_init(engine);
    let text = render(&mut report::Sarif::new(engine.rules()), rs);
    serde_json::from_str(&text).unwrap()
}

#[test]
fn sarif_validates_against_the_schema() {
    let rs = results();
    let doc = sarif_of(&rs);
    assert_valid_sarif(&doc);
    assert_eq!(doc["$schema"], report::SARIF_SCHEMA);
    assert_eq!(doc["version"], "2.1.0");
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "think-lint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));

    let rules = driver["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), findings(&rs));
    let fired: std::collections::BTreeSet<_> = rs
        .iter()
        .flat_map(|r| &r.findings)
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(
        rules.len(),
        fired.len(),
        "one descriptor per rule that fired"
    );
    for rule in rules {
        assert!(
            !rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        assert!(
            ["error", "warning", "note"]
                .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap())
        );
    }

    let all: Vec<(&PostResult, &think_lint::check::Finding)> = rs
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
        .collect();
    for (res, (r, f)) in results.iter().zip(all) {
        let i = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], res["ruleId"]);
        assert_eq!(res["ruleId"], f.rule.as_str());
        let level = match f.severity.as_str() {
            "info" => "note",
            s => s,
        };
        assert_eq!(res["level"], level);
        let loc = &res["locations"][0]["physicalLocation"];
        let region = &loc["region"];
        assert_eq!(region["startLine"], f.line);
        assert_eq!(region["startColumn"], f.column);
        assert_eq!(region["endLine"], f.end_line);
        assert_eq!(region["endColumn"], f.end_column);
        if r.source == "-" {
            assert!(loc["artifactLocation"].get("uri").is_none());
        } else {
            assert_eq!(
                loc["artifactLocation"]["uri"],
                report::sarif_uri(&r.source).as_str()
            );
        }
    }
    let uris: Vec<_> = results
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(uris.contains(&"drafts/reply.md"));
    assert!(uris.contains(&"calendar.csv"));
}

#[test]
fn sarif_with_hostile_text_still_validates() {
    let rs = hostile();
    let doc = sarif_of(&rs);
    assert_valid_sarif(&doc);
    let uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .unwrap();
    assert!(uri.bytes().all(|b| b.is_ascii_graphic()), "{uri}");
}

#[test]
fn the_schema_check_rejects_broken_logs() {
    let validator = sarif_validator();
    let doc = sarif_of(&results());
    assert!(validator.is_valid(&doc));
    let result = "/runs/0/results/0";
    for (pointer, bad) in [
        ("/version", Value::from("2.0.0")),
        (&format!("{result}/level") as &str, Value::from("fatal")),
        (
            &format!("{result}/locations/0/physicalLocation/region/startColumn"),
            Value::from(0),
        ),
        (
            &format!("{result}/locations/0/physicalLocation/artifactLocation/uri"),
            Value::from("posts/a b\\c.md"),
        ),
    ] {
        let mut broken = doc.clone();
        *broken.pointer_mut(pointer).unwrap() = bad;
        assert!(!validator.is_valid(&broken), "{pointer} not checked");
    }
}

#[test]
fn sarif_of_an_empty_run_validates() {
    let doc = sarif_of(&[]);
    assert_valid_sarif(&doc);
    assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn sarif_describes_rules_the_engine_does_not_list() {
    let mut rs = results();
    let mut extra = rs[1].findings[0].clone();
    extra.rule = think_lint::check::UNUSED_SUPPRESSION.into();
    rs[1].findings.push(extra);
    let doc = sarif_of(&rs);
    assert_valid_sarif(&doc);
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["id"] == think_lint::check::UNUSED_SUPPRESSION)
    );
}

// ---------------------------------------------------------------- github

/// Splits `::command props::data` into its parts, unescaped.
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").expect("a workflow command");
    let (head, data) = rest.split_once("::").expect("command ends with ::");
    let (cmd, props) = head.split_once(' ').unwrap_or((head, ""));
    let unescape = |s: &str| {
        s.replace("%0A", "\n")
            .replace("%0D", "\r")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_string(), unescape(v))
        })
        .collect();
    (cmd.to_string(), props, unescape(data))
}

#[test]
fn github_writes_one_annotation_per_finding() {
    let rs = results();
    let text = render(&mut report::Github, &rs);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), findings(&rs) + 1);
    let summary = lines.last().unwrap();
    assert!(
        summary.starts_with("think-lint: 5 posts checked"),
        "{summary}"
    );
    let all = rs
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)));
    for (line, (r, f)) in lines.iter().zip(all) {
        let (cmd, props, data) = parse_command(line);
        let want = match f.severity.as_str() {
            "info" => "notice",
            s => s,
        };
        assert_eq!(cmd, want);
        let get = |k: &str| {
            props
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        if r.source == "-" {
            assert_eq!(get("file"), None);
        } else {
            assert_eq!(get("file").as_deref(), Some(r.source.as_str()));
        }
        assert_eq!(get("line"), Some(f.line.to_string()));
        assert_eq!(get("col"), Some(f.column.to_string()));
        assert_eq!(get("endLine"), Some(f.end_line.to_string()));
        assert_eq!(get("title").as_deref(), Some(f.rule.as_str()));
        assert!(data.starts_with(f.message.as_str()), "{data}");
    }
}

#[test]
fn github_annotations_cannot_be_hijacked_by_post_text() {
    let rs = hostile();
    let text = render(&mut report::Github, &rs);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), findings(&rs) + 1, "no line break got through");
    assert!(!text.contains('\r'));
    assert!(!text.contains('\u{1b}') && !text.contains('\u{0}') && !text.contains('\u{7}'));
    assert!(!text.contains('\u{2028}'));
    for line in &lines[..lines.len() - 1] {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "{line}"
        );
        let (_, props, data) = parse_command(line);
        let keys: Vec<&str> = props.iter().map(|(k, _)| k.as_str()).collect();
        for k in &keys {
            assert!(
                ["file", "line", "col", "endLine", "endColumn", "title"].contains(k),
                "injected property {k} in {line}"
            );
        }
        if let Some((_, file)) = props.iter().find(|(k, _)| k == "file") {
            // The path comes back whole, with its control characters shown.
            assert!(file.contains("::error file=x::pwned %0A, a:b"), "{file}");
            assert!(file.contains("\\u{1b}[31m"), "{file}");
        }
        assert!(data.contains("50% off"), "{data}");
        assert!(data.contains("::set-output name=x::y"), "{data}");
    }
}

// ---------------------------------------------------------------- junit

#[test]
fn junit_has_a_case_per_post_and_failures_for_failed_posts() {
    let rs = results();
    let text = render(&mut report::Junit::default(), &rs);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let names: Vec<_> = suites
        .iter()
        .map(|s| s.attribute("name").unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "drafts/opening hours.txt",
            "drafts/reply.md",
            "calendar.csv",
            "-"
        ]
    );
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), rs.len());
    for (case, r) in cases.iter().zip(&rs) {
        let name = case.attribute("name").unwrap();
        assert!(name.starts_with(r.source.as_str()), "{name}");
        assert!(name.contains(&format!("post {}", r.index + 1)), "{name}");
        let failure = case.children().find(|n| n.has_tag_name("failure"));
        assert_eq!(failure.is_some(), !r.passed, "{name}");
        if let Some(failure) = failure {
            let body = failure.text().unwrap();
            for f in &r.findings {
                assert!(body.contains(f.rule.as_str()), "{body}");
            }
        }
    }
    for s in suites {
        let tests: usize = s.attribute("tests").unwrap().parse().unwrap();
        let failures: usize = s.attribute("failures").unwrap().parse().unwrap();
        let cases: Vec<_> = s
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(tests, cases.len());
        assert_eq!(
            failures,
            cases
                .iter()
                .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
                .count()
        );
    }
}

#[test]
fn junit_is_well_formed_whatever_the_text() {
    let rs = hostile();
    let text = render(&mut report::Junit::default(), &rs);
    assert!(!text.contains('\u{0}') && !text.contains('\u{1b}') && !text.contains('\u{FFFE}'));
    let doc = roxmltree::Document::parse(&text).unwrap();
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    let body = failure.text().unwrap();
    assert!(body.contains("<script>&</script> \"q\" 'a'"), "{body}");
    assert!(body.contains("\\u{0}\\u{7}\\u{1b}[2J\\u{fffe}"), "{body}");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite") && n.attribute("name") != Some("-"))
        .unwrap();
    assert_eq!(
        suite.attribute("name").unwrap(),
        HOSTILE_SOURCE
            .replace('\u{0}', "\\u{0}")
            .replace('\u{1b}', "\\u{1b}")
    );
}

#[test]
fn junit_of_an_empty_run_is_well_formed() {
    let text = render(&mut report::Junit::default(), &[]);
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(
        doc.root_element()
            .children()
            .filter(|n| n.is_element())
            .count(),
        0
    );
}

// ---------------------------------------------------------------- compact

#[test]
fn compact_is_one_line_per_finding() {
    let rs = results();
    let text = render(&mut report::Compact, &rs);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), findings(&rs));
    let all = rs
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)));
    for (line, (r, f)) in lines.iter().zip(all) {
        assert_eq!(
            *line,
            format!(
                "{}:{}:{}: {} {} {}",
                r.source, f.line, f.column, f.severity, f.rule, f.message
            )
        );
    }
    assert!(!text.contains('\u{1b}'), "no colour");
}

#[test]
fn compact_keeps_hostile_text_on_its_line() {
    let rs = hostile();
    let text = render(&mut report::Compact, &rs);
    assert_eq!(text.lines().count(), findings(&rs));
    assert!(!text.contains('\r') && !text.contains('\u{1b}') && !text.contains('\u{0}'));
    assert!(!text.contains('\u{2028}'));
    for line in text.lines() {
        let (path, _) = line.split_once(": ").unwrap();
        assert!(path.ends_with(|c: char| c.is_ascii_digit()), "{line}");
    }
}

// ---------------------------------------------------------------- CLI

/// Runs the binary on two example posts and a stdin post.
fn cli(format: &str) -> (String, i32) {
    let out = assert_cmd::Command::cargo_bin("think-lint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--format", format])
        .args([
            "examples/posts/sarcastic.txt",
            "examples/posts/thank-you.txt",
            "-",
        ])
        .write_stdin("You people are IDIOTS!!! 50% off\n::set-output name=x::y")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    (text, out.status.code().unwrap())
}

#[test]
fn every_format_works_from_the_command_line() {
    let (sarif, code) = cli("sarif");
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&sarif).unwrap();
    assert_valid_sarif(&doc);
    assert!(
        doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len()
            >= 2
    );

    let (jsonl, code) = cli("jsonl");
    assert_eq!(code, 1);
    assert_eq!(jsonl.lines().count(), 3);
    for line in jsonl.lines() {
        serde_json::from_str::<Value>(line).unwrap();
    }

    let (github, code) = cli("github");
    assert_eq!(code, 1);
    for line in github.lines() {
        assert!(
            line.starts_with("::warning ")
                || line.starts_with("::error ")
                || line.starts_with("::notice ")
                || line.starts_with("think-lint: 3 posts checked"),
            "{line}"
        );
    }
    assert!(github.contains("%0A::set-output") || !github.contains("set-output"));

    let (junit, code) = cli("junit");
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&junit).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        3
    );

    let (compact, code) = cli("compact");
    assert_eq!(code, 1);
    assert!(
        compact
            .lines()
            .all(|l| l.starts_with("examples/posts/sarcastic.txt:") || l.starts_with("<stdin>:"))
    );
    assert!(compact.lines().any(|l| l.starts_with("<stdin>:1:")));
}
