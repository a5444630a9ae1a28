//! Compiles the built-in rule packs when the binary is built: each pack
//! under rules/ is parsed and validated by the same loader that reads pack
//! files at run time (an invalid pack fails the build with its message),
//! word lists are stemmed into one phrase table, the prefilter literals of
//! every regex are found, and the result is written to OUT_DIR for
//! `pack::built_in` to decode (the tables are read in place).
//!
//! The loader and what it depends on are this crate's own modules, shared
//! by path.
//!
//! It also writes the tables of the tone scorer (`src/tone.rs`): the VADER
//! word and emoji valences as the `vader_sentiment` crate defines them, and
//! the term weights of `src/tone-model.toml`, as sorted arrays the binary
//! searches in place, so nothing is parsed at run time.

#[allow(dead_code, unused_imports)]
#[path = "src/error.rs"]
mod error;
#[allow(dead_code, unused_imports)]
#[path = "src/model.rs"]
mod model;
#[allow(dead_code, unused_imports)]
#[path = "src/pack/mod.rs"]
mod pack;
#[allow(dead_code, unused_imports)]
#[path = "src/platform.rs"]
mod platform;
#[allow(dead_code, unused_imports)]
#[path = "src/text/mod.rs"]
mod text;

use error::Error;

fn main() {
    for path in [
        "rules",
        "src/error.rs",
        "src/model.rs",
        "src/pack",
        "src/platform.rs",
        "src/text",
        "src/tone-model.toml",
    ] {
        println!("cargo::rerun-if-changed={path}");
    }
    println!("cargo::rustc-cfg=compiled_packs");
    let compiled = match pack::compile_built_in() {
        Ok(bytes) => bytes,
        Err(errors) => {
            for mut e in errors {
                // Name the file the pack was read from.
                if let Some(name) = e.file.strip_prefix("built-in:") {
                    e.file = format!("rules/{name}");
                }
                eprintln!("error: {e}");
            }
            eprintln!("error: the built-in rule packs above do not load");
            std::process::exit(1);
        }
    };
    let out_dir =
        std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    write(&out_dir.join(pack::COMPILED_FILE), &compiled.packs);
    write(&out_dir.join(pack::EXAMPLES_FILE), &compiled.examples);
    write(&out_dir.join(pack::TERMS_FILE), &compiled.terms);
    write(&out_dir.join(pack::PREFILTER_FILE), &compiled.prefilter);
    write(&out_dir.join(pack::PHRASES_FILE), &compiled.phrases);
    write(&out_dir.join("tone-tables.rs"), tone_tables().as_bytes());
}

fn write(path: &std::path::Path, bytes: &[u8]) {
    if let Err(e) = std::fs::write(path, bytes) {
        eprintln!("error: {}", Error::io(path.display(), &e));
        std::process::exit(1);
    }
}

/// The tone scorer's tables, as Rust source for `src/tone.rs` to include.
fn tone_tables() -> String {
    use std::collections::HashMap;
    // Word valences by word as the lexicon writes it, then the lower-cased
    // form of each word written with capitals, where that form is not a
    // word of its own (the analysis reads lower-cased words).
    let mut words: HashMap<String, f64> = HashMap::new();
    for (k, &v) in vader_sentiment::LEXICON.iter() {
        let word: &str = k.as_ref();
        words.insert(word.to_string(), v);
    }
    let mut upper: Vec<(String, f64)> = words
        .iter()
        .filter(|(k, _)| k.chars().any(char::is_uppercase))
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    upper.sort_by(|a, b| a.0.cmp(&b.0));
    for (k, v) in upper {
        words.entry(k.to_lowercase()).or_insert(v);
    }
    // Emoji by their characters: the sum of the valences of the words of
    // their names, where that is not zero.
    let mut emoji: Vec<(String, f64)> = Vec::new();
    for (&chars, &name) in vader_sentiment::EMOJI_LEXICON.iter() {
        let score: f64 = name.split([' ', '-']).filter_map(|w| words.get(w)).sum();
        if score != 0.0 {
            emoji.push((chars.to_string(), score));
        }
    }
    // The polarity model's term weights.
    let model = std::fs::read_to_string("src/tone-model.toml").unwrap_or_else(|e| {
        eprintln!("error: {}", Error::io("src/tone-model.toml", &e));
        std::process::exit(1);
    });
    let value: toml::Value = toml::from_str(&model).unwrap_or_else(|e| {
        eprintln!("error: src/tone-model.toml: {e}");
        std::process::exit(1);
    });
    let weights: Vec<(String, f64)> = value
        .get("rules")
        .and_then(|r| r.get(0))
        .and_then(|r| r.get("match"))
        .and_then(|m| m.get("terms"))
        .and_then(|t| t.as_table())
        .map(|t| {
            t.iter()
                .filter_map(|(k, v)| v.as_float().map(|w| (k.clone(), w)))
                .collect()
        })
        .unwrap_or_default();
    if weights.is_empty() {
        eprintln!("error: src/tone-model.toml: no term weights under [rules.match.terms]");
        std::process::exit(1);
    }
    let mut src = String::from("// Generated by build.rs.\n");
    for (name, entries) in [
        ("WORDS", words.into_iter().collect()),
        ("EMOJI", emoji),
        ("WEIGHTS", weights),
    ] {
        src.push_str(&table(name, entries));
    }
    src
}

/// A `Table` constant: keys sorted by bytes, laid end to end in one string
/// (`ends` marks where each stops), their values, and for each first byte
/// where its keys start.
fn table(name: &str, mut entries: Vec<(String, f64)>) -> String {
    use std::fmt::Write;
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut keys = String::new();
    let mut ends = String::new();
    let mut values = String::new();
    for (k, v) in &entries {
        keys.push_str(k);
        let _ = write!(ends, "{},", keys.len());
        // `{:?}` writes the shortest form that reads back as the same f64.
        let _ = write!(values, "{v:?},");
    }
    let mut first = String::new();
    for b in 0..=256usize {
        let at = entries
            .partition_point(|(k, _)| k.as_bytes().first().is_none_or(|&c| (c as usize) < b));
        let _ = write!(first, "{at},");
    }
    format!(
        "pub const {name}: Table = Table {{\n    keys: {keys:?},\n    ends: &[{ends}],\n    values: &[{values}],\n    first: &[{first}],\n}};\n"
    )
}
