//! `think-lint rules list | explain | test`.

use std::io::{self, Write};
use std::path::PathBuf;
use think_lint::Error;
use think_lint::examples_check::test_pack;
use think_lint::pack::{self, Matcher, Pack, Rule};

/// Text from a pack (which may be a third party's) made safe for a
/// terminal: control characters and escape sequences shown as escapes,
/// line breaks kept.
fn safe(s: &str) -> String {
    s.split('\n')
        .map(think_lint::report::escape_terminal)
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn list(rules: &[Rule]) -> Result<u8, Error> {
    let mut out = io::stdout().lock();
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut write = || -> io::Result<()> {
        for r in rules {
            let area = match r.flag {
                Some(f) => format!("{}+{}", r.dimension, f),
                None => r.dimension.to_string(),
            };
            let summary = r.message.split(". ").next().unwrap_or(&r.message);
            writeln!(
                out,
                "{:width$}  {:7}  {:>3}  {:17}  {}",
                r.id,
                r.severity.as_str(),
                r.weight,
                area,
                safe(summary.trim_end_matches('.'))
            )?;
        }
        writeln!(out, "{} rules", rules.len())
    };
    match write() {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io("<stdout>", &e)),
        _ => Ok(0),
    }
}

pub fn explain(packs: &[Pack], id: &str) -> Result<u8, Error> {
    let all: Vec<&Rule> = packs.iter().flat_map(|p| &p.rules).collect();
    let Some(rule) = all.iter().find(|r| r.id == id) else {
        let close: Vec<&str> = all
            .iter()
            .map(|r| r.id.as_str())
            .filter(|r| {
                let name = id.rsplit('/').next().unwrap_or(id);
                r.contains(name) || id.contains(r.rsplit('/').next().unwrap_or(r))
            })
            .take(5)
            .collect();
        let hint = if close.is_empty() {
            "`think-lint rules list` shows every rule".to_string()
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        return Err(Error::Usage(format!("no rule is named `{id}`; {hint}")));
    };
    let mut s = String::new();
    s.push_str(&format!("{}\n\n{}\n", rule.id, safe(&rule.message)));
    if let Some(sug) = &rule.suggestion {
        s.push_str(&format!("\nSuggestion: {}\n", safe(sug)));
    }
    s.push_str(&format!(
        "\nDimension: {}{}\nSeverity: {} (weight {})\nPack: {} ({}:{})\nMatcher: {}\n",
        rule.dimension,
        rule.flag
            .map(|f| format!(" (raises the {f} flag)"))
            .unwrap_or_default(),
        rule.severity,
        rule.weight,
        rule.pack,
        safe(&rule.origin),
        rule.line,
        safe(&describe(&rule.matcher))
    ));
    s.push_str("\nFires on:\n");
    for e in &rule.fire {
        s.push_str(&format!("  - {}\n", safe(e)));
    }
    s.push_str("\nDoes not fire on:\n");
    for e in &rule.pass {
        s.push_str(&format!("  - {}\n", safe(e)));
    }
    print!("{s}");
    Ok(0)
}

fn describe(m: &Matcher) -> String {
    match m {
        Matcher::Words(w) => {
            let mut d = format!(
                "words ({} words or phrases, matched on stems)",
                w.phrases.len()
            );
            if let Some(n) = &w.near {
                d.push_str(&format!(", near another list within {} words", n.within));
            }
            d
        }
        Matcher::Regex(p) => format!("regex `{}`", p.regex.as_str()),
        Matcher::Metric(t) => {
            let mut d = format!("metric {}", t.metric.name());
            if let Some(a) = t.above {
                d.push_str(&format!(" above {a}"));
            }
            if let Some(b) = t.below {
                d.push_str(&format!(" below {b}"));
            }
            d
        }
        Matcher::Weighted(w) => {
            let terms = w.terms.list();
            let mut top: Vec<&(compact_str::CompactString, f64)> =
                terms.iter().filter(|(_, x)| *x > 0.0).collect();
            top.sort_by(|a, b| b.1.total_cmp(&a.1));
            let names: Vec<&str> = top.iter().take(12).map(|(k, _)| k.as_str()).collect();
            format!(
                "weighted (a learned model of {} terms, fires at probability {}); strongest terms: {}",
                w.terms.len(),
                w.threshold,
                names.join(", ")
            )
        }
        Matcher::Absent(_) => {
            "absent (fires when none of its words or patterns appear)".to_string()
        }
    }
}

pub fn test(files: &[PathBuf]) -> Result<u8, Error> {
    let mut packs = Vec::new();
    let mut load_failed = false;
    if files.is_empty() {
        packs = pack::built_in().map_err(Error::Located)?;
    }
    for f in files {
        match pack::load_path(f) {
            Ok(p) => packs.extend(p),
            Err(e) => {
                eprintln!("{}", crate::error_text(&e));
                load_failed = true;
            }
        }
    }
    let mut failed = false;
    for p in &packs {
        let t = test_pack(p);
        if t.failures.is_empty() {
            println!(
                "ok    {} ({}): {} rules, {} examples",
                t.pack,
                safe(&p.origin),
                t.rules,
                t.examples
            );
        } else {
            failed = true;
            println!(
                "FAIL  {} ({}): {} of {} rules failed",
                t.pack,
                safe(&p.origin),
                t.failures
                    .iter()
                    .map(|f| &f.rule)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len(),
                t.rules
            );
            for f in &t.failures {
                println!(
                    "  {}:{}: {}: {}",
                    safe(&f.origin),
                    f.line,
                    f.rule,
                    think_lint::report::escape_terminal(&f.problem)
                );
            }
        }
    }
    Ok(if load_failed {
        2
    } else if failed {
        1
    } else {
        0
    })
}
