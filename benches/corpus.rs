//! Writes the corpora `scripts/bench.sh` and `scripts/bench-peers.sh` time.
//! It is a bench target only so that it builds with the benchmarks' code
//! (the synthetic generator) and never ships in the binary; run it as
//!
//! ```sh
//! cargo bench --bench corpus -- --out DIR [--data DIR] [--mb 10] [--csv-mb 64] [--big-mb 1024]
//! ```
//!
//! Without `--out` (as when `cargo bench` runs every target) it does
//! nothing. It writes, in DIR:
//! - `draft.txt`: one short draft;
//! - `files/`: 2,000 one-post `.txt` files;
//! - `posts.txt` and `posts.jsonl`: the same `--mb` MB of posts, one per line,
//!   as plain text (for the peers) and as a JSON Lines calendar;
//! - `md/`: 1,000 Markdown posts with front matter;
//! - `calendar.csv`: a `--csv-mb` MB CSV calendar (id, date, platform, text);
//! - `big.csv`: a `--big-mb` MB CSV calendar, only when `--big-mb` is given;
//! - `words500.txt`: 500 words and phrases from the built-in packs' word
//!   lists, for a ripgrep scan of the same text;
//! - `corpus.env`: sizes and the source of the text, for the scripts.
//!
//! Texts are real posts from `--data DIR` (`*.jsonl` with a `text` field)
//! when given and not empty, else synthetic. Everything is deterministic.

mod synth;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

const FILES: usize = 2_000;
const MARKDOWN: usize = 1_000;
const PLATFORMS: &[&str] = &[
    "x",
    "x",
    "x",
    "bluesky",
    "threads",
    "mastodon",
    "linkedin",
    "instagram",
    "facebook",
];

struct Args {
    out: PathBuf,
    data: Option<PathBuf>,
    mb: usize,
    csv_mb: usize,
    big_mb: Option<usize>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut out = None;
    let mut data = None;
    let (mut mb, mut csv_mb, mut big_mb) = (10, 64, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        let number = |s: String| s.parse::<usize>().map_err(|e| format!("{s}: {e}"));
        match arg.as_str() {
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--data" => data = Some(PathBuf::from(value("--data")?)),
            "--mb" => mb = number(value("--mb")?)?,
            "--csv-mb" => csv_mb = number(value("--csv-mb")?)?,
            "--big-mb" => big_mb = Some(number(value("--big-mb")?)?),
            // Passed by `cargo bench` to every target.
            "--bench" => {}
            _ => {}
        }
    }
    Ok(out.map(|out| Args {
        out,
        data,
        mb,
        csv_mb,
        big_mb,
    }))
}

/// An endless, deterministic stream of one-line post texts.
struct Texts {
    real: Option<Vec<String>>,
    next: usize,
    rng: synth::Rng,
}

impl Texts {
    fn new(real: Option<Vec<String>>, seed: u64) -> Texts {
        let mut rng = synth::Rng::new(seed);
        let real = real.map(|mut r| {
            rng.shuffle(&mut r);
            r
        });
        Texts { real, next: 0, rng }
    }

    fn next(&mut self) -> String {
        match &self.real {
            Some(real) => {
                let t = real[self.next % real.len()].clone();
                self.next += 1;
                t
            }
            None => synth::post(&mut self.rng),
        }
    }
}

fn create(path: &Path) -> io::Result<BufWriter<File>> {
    Ok(BufWriter::with_capacity(1 << 20, File::create(path)?))
}

fn date(i: usize) -> String {
    format!(
        "2025-{:02}-{:02}T{:02}:00:00Z",
        1 + i % 12,
        1 + i % 28,
        8 + i % 10
    )
}

/// Writes a CSV calendar of about `mb` MB; returns its size and the bytes
/// of post text in it.
fn csv_calendar(path: &Path, texts: &mut Texts, mb: usize) -> io::Result<(u64, u64)> {
    let mut w = csv::Writer::from_writer(create(path)?);
    w.write_record(["id", "date", "platform", "text"])?;
    let target = (mb as u64) << 20;
    let (mut size, mut text_bytes) = (0u64, 0u64);
    let mut i = 0;
    while size < target {
        let text = texts.next();
        let id = format!("post-{i}");
        let when = date(i);
        let platform = PLATFORMS[i % PLATFORMS.len()];
        w.write_record([id.as_str(), when.as_str(), platform, text.as_str()])?;
        size += (id.len() + when.len() + platform.len() + text.len() + 6) as u64;
        text_bytes += text.len() as u64;
        i += 1;
    }
    w.flush()?;
    Ok((fs::metadata(path)?.len(), text_bytes))
}

/// Up to 500 words and phrases from the built-in packs' `words` lists.
fn pack_words() -> Vec<String> {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<PathBuf> = fs::read_dir(&rules)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let mut words = BTreeSet::new();
    for file in files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
    {
        let Ok(src) = fs::read_to_string(file) else {
            continue;
        };
        let Ok(value) = src.parse::<toml::Table>() else {
            continue;
        };
        let Some(rules) = value.get("rules").and_then(|r| r.as_array()) else {
            continue;
        };
        for rule in rules {
            if let Some(list) = rule
                .get("match")
                .and_then(|m| m.get("words"))
                .and_then(|w| w.as_array())
            {
                for w in list.iter().filter_map(|w| w.as_str()) {
                    let w = w.trim().to_lowercase();
                    if w.len() >= 3 && w.chars().all(|c| c.is_alphanumeric() || " '-".contains(c)) {
                        words.insert(w);
                    }
                }
            }
        }
    }
    // Spread the pick over the whole alphabet rather than the first 500.
    let all: Vec<String> = words.into_iter().collect();
    if all.len() <= 500 {
        return all;
    }
    (0..500).map(|i| all[i * all.len() / 500].clone()).collect()
}

fn write_all(args: &Args) -> io::Result<()> {
    let out = &args.out;
    fs::create_dir_all(out)?;
    let real = args.data.as_deref().and_then(synth::real_texts);
    let source = if real.is_some() { "real" } else { "synthetic" };
    let mut env = String::new();
    writeln!(env, "CORPUS_SOURCE={source}").unwrap();

    // One short draft, the same whatever the source: it times start-up.
    let draft = "Fresh cinnamon buns are out at 8am tomorrow! Oh great, another \
                 'urgent' email, love that for me. Call 555-201-7788 if the \
                 side door is locked.\n";
    fs::write(out.join("draft.txt"), draft)?;
    writeln!(env, "DRAFT_BYTES={}", draft.len()).unwrap();

    // 2,000 one-post files.
    let mut texts = Texts::new(real.clone(), 0xC0_0001);
    let dir = out.join("files");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir)?;
    let mut bytes = 0u64;
    for i in 0..FILES {
        let text = texts.next() + "\n";
        bytes += text.len() as u64;
        fs::write(dir.join(format!("post-{i:04}.txt")), text)?;
    }
    writeln!(env, "FILES_COUNT={FILES}\nFILES_BYTES={bytes}").unwrap();

    // The same posts, one per line, as text and as JSON Lines.
    let mut texts = Texts::new(real.clone(), 0xC0_0002);
    let mut txt = create(&out.join("posts.txt"))?;
    let mut jsonl = create(&out.join("posts.jsonl"))?;
    let target = (args.mb as u64) << 20;
    let (mut bytes, mut lines) = (0u64, 0usize);
    while bytes < target {
        let text = texts.next();
        writeln!(txt, "{text}")?;
        let item = serde_json::json!({ "id": lines, "platform": "x", "text": text });
        writeln!(jsonl, "{item}")?;
        bytes += text.len() as u64 + 1;
        lines += 1;
    }
    txt.flush()?;
    jsonl.flush()?;
    writeln!(
        env,
        "POSTS_BYTES={bytes}\nPOSTS_LINES={lines}\nPOSTS_JSONL_BYTES={}",
        fs::metadata(out.join("posts.jsonl"))?.len()
    )
    .unwrap();

    // Markdown posts with front matter, a link and some inline code.
    let mut texts = Texts::new(real.clone(), 0xC0_0003);
    let mut rng = synth::Rng::new(0xC0_0004);
    let dir = out.join("md");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir)?;
    let mut bytes = 0u64;
    for i in 0..MARKDOWN {
        let mut doc = format!(
            "---\ntitle: \"{}\"\nplatform: {}\ndate: {}\n---\n\n",
            synth::title(&mut rng).replace('"', "'"),
            PLATFORMS[i % PLATFORMS.len()],
            &date(i)[..10]
        );
        for _ in 0..1 + rng.below(3) {
            doc.push_str(&texts.next());
            doc.push_str("\n\n");
        }
        if rng.chance(50) {
            let _ = writeln!(
                doc,
                "More on [our site](https://example.com/posts/{i}); use code `SPRING{i}`."
            );
        }
        bytes += doc.len() as u64;
        fs::write(dir.join(format!("post-{i:04}.md")), doc)?;
    }
    writeln!(env, "MD_COUNT={MARKDOWN}\nMD_BYTES={bytes}").unwrap();

    // A large CSV calendar.
    let mut texts = Texts::new(real.clone(), 0xC0_0005);
    let (size, text_bytes) = csv_calendar(&out.join("calendar.csv"), &mut texts, args.csv_mb)?;
    writeln!(env, "CSV_BYTES={size}\nCSV_TEXT_BYTES={text_bytes}").unwrap();

    if let Some(big_mb) = args.big_mb {
        let mut texts = Texts::new(real.clone(), 0xC0_0006);
        let (size, text_bytes) = csv_calendar(&out.join("big.csv"), &mut texts, big_mb)?;
        writeln!(env, "BIG_BYTES={size}\nBIG_TEXT_BYTES={text_bytes}").unwrap();
    }

    let words = pack_words();
    fs::write(out.join("words500.txt"), words.join("\n") + "\n")?;
    writeln!(env, "WORDS_COUNT={}", words.len()).unwrap();

    fs::write(out.join("corpus.env"), env)
}

fn main() {
    match parse_args() {
        Ok(Some(args)) => {
            if let Err(e) = write_all(&args) {
                eprintln!("corpus: {}: {e}", args.out.display());
                std::process::exit(2);
            }
            eprintln!("corpus written to {}", args.out.display());
        }
        Ok(None) => eprintln!("corpus: nothing to do without --out DIR (see scripts/bench.sh)"),
        Err(e) => {
            eprintln!("corpus: {e}");
            std::process::exit(2);
        }
    }
}
