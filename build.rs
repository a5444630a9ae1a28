//! Compiles the built-in rule packs when the binary is built: each pack
//! under rules/ is parsed and validated by the same loader that reads pack
//! files at run time (an invalid pack fails the build with its message),
//! word lists are stemmed, the prefilter literals of every regex are found,
//! and the result is written to OUT_DIR for `pack::built_in` to decode.
//!
//! The loader and what it depends on are this crate's own modules, shared
//! by path.

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
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join(pack::COMPILED_FILE);
    if let Err(e) = std::fs::write(&out, compiled) {
        eprintln!("error: {}", Error::io(out.display(), &e));
        std::process::exit(1);
    }
}
