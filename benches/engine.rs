//! Engine benchmarks: bytes per second over tweet-sized posts with one
//! pack and with every built-in pack, the time per post, and what loading
//! the packs and building the engine costs.
//!
//! `cargo bench --bench engine` runs them (a filter narrows them, e.g.
//! `cargo bench --bench engine -- throughput`). Posts come from the
//! synthetic generator in `synth/`; when `THINK_LINT_BENCH_DATA` (or
//! `../shared/eval/data`) holds `*.jsonl` files of real posts, a
//! throughput run over those texts is added.

mod synth;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use std::hint::black_box;
use std::time::Duration;
use think_lint::check::Linter;
use think_lint::engine::{Engine, Selection};
use think_lint::pack::{self, Pack};
use think_lint::source::Post;

/// Posts per throughput iteration: enough text (about 70 KB) that per-call
/// noise does not matter, little enough that a sample is quick.
const BATCH: usize = 500;

fn packs() -> Vec<Pack> {
    pack::built_in().expect("built-in packs load")
}

fn engine(packs: &[Pack], select: &[&str]) -> Engine {
    let selection = Selection {
        select: select.iter().map(|s| s.to_string()).collect(),
        ..Selection::default()
    };
    Engine::new(packs, &selection).expect("engine builds")
}

fn bytes(posts: &[String]) -> u64 {
    posts.iter().map(|p| p.len() as u64).sum()
}

/// Runs every post of the batch through the engine (analysis + all rules).
fn run_engine(engine: &Engine, posts: &[String]) -> usize {
    posts.iter().map(|p| engine.check(black_box(p)).len()).sum()
}

/// Throughput with one pack against all of them, and each pack on its own:
/// if the engine makes one pass, "all" costs about the dearest single pack
/// plus the shared analysis, not the sum of the packs.
fn throughput(c: &mut Criterion) {
    let packs = packs();
    let posts = synth::posts(0x7EA5_0001, BATCH);
    let mut group = c.benchmark_group("throughput");
    // Iterations take milliseconds: flat sampling keeps the run short.
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    group.throughput(Throughput::Bytes(bytes(&posts)));
    let all = engine(&packs, &[]);
    group.bench_function("all-packs", |b| b.iter(|| run_engine(&all, &posts)));
    for p in &packs {
        let one = engine(&packs, &[p.id.as_str()]);
        group.bench_with_input(BenchmarkId::new("one-pack", &p.id), &posts, |b, posts| {
            b.iter(|| run_engine(&one, posts))
        });
    }
    // The whole check of a post as the CLI does it: engine, located
    // findings, scores and tone.
    let linter = Linter::new(engine(&packs, &[]));
    let wrapped: Vec<Post> = posts
        .iter()
        .map(|t| Post::new("bench", t.as_str()))
        .collect();
    group.bench_function("linter-all-packs", |b| {
        b.iter(|| {
            wrapped
                .iter()
                .map(|p| linter.check(black_box(p)).findings.len())
                .sum::<usize>()
        })
    });
    group.finish();

    if let Some(real) = synth::data_dir().and_then(|d| synth::real_texts(&d)) {
        let mut rng = synth::Rng::new(0x7EA5_0002);
        let mut real = real;
        rng.shuffle(&mut real);
        real.truncate(BATCH);
        let mut group = c.benchmark_group("throughput-real-posts");
        group.sampling_mode(SamplingMode::Flat).sample_size(10);
        group.throughput(Throughput::Bytes(bytes(&real)));
        group.bench_function("all-packs", |b| b.iter(|| run_engine(&all, &real)));
        let kind = engine(&packs, &["kind"]);
        group.bench_function("one-pack/kind", |b| b.iter(|| run_engine(&kind, &real)));
        group.finish();
    }
}

/// Latency of one post through the whole check, all packs on.
fn per_post(c: &mut Criterion) {
    let linter = Linter::new(engine(&packs(), &[]));
    let mut rng = synth::Rng::new(0x7EA5_0003);
    let tweet = loop {
        let p = synth::post(&mut rng);
        if (200..=280).contains(&p.len()) {
            break p;
        }
    };
    let cases = [
        (
            "short",
            "Fresh cinnamon buns at 8am tomorrow, see you there!".to_string(),
        ),
        ("tweet", tweet),
        ("linkedin-1kb", synth::long_post(0x7EA5_0004, 1_000)),
    ];
    let mut group = c.benchmark_group("per-post");
    group.throughput(Throughput::Elements(1));
    for (name, text) in &cases {
        let post = Post::new("bench", text.as_str());
        group.bench_with_input(BenchmarkId::new("check", name), &post, |b, post| {
            b.iter(|| linter.check(black_box(post)))
        });
    }
    group.finish();
}

/// Start-up work inside the process: parsing the embedded packs, building
/// the engine, and the first check (which compiles what is compiled
/// lazily).
fn startup(c: &mut Criterion) {
    let loaded = packs();
    let mut group = c.benchmark_group("startup");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    group.bench_function("load-built-in-packs", |b| b.iter(pack::built_in));
    group.bench_function("build-engine-all-packs", |b| {
        b.iter(|| engine(black_box(&loaded), &[]))
    });
    // What a pack file with regexes like the built-in ones pays at load
    // time for the prefilter literals (the built-in packs have them
    // computed when the binary is built).
    let patterns: Vec<(String, bool)> = loaded
        .iter()
        .flat_map(|p| &p.rules)
        .filter_map(|r| match &r.matcher {
            pack::Matcher::Regex(p) => {
                Some((p.regex.as_str().to_string(), p.regex.case_sensitive()))
            }
            _ => None,
        })
        .collect();
    group.bench_function("prefilter-literals-built-in-regexes", |b| {
        b.iter(|| {
            patterns
                .iter()
                .filter(|(p, cs)| pack::LazyRegex::deferred(p, *cs).literals().is_some())
                .count()
        })
    });
    group.bench_function("build-engine-one-pack", |b| {
        b.iter(|| engine(black_box(&loaded), &["kind"]))
    });
    let draft = Post::new(
        "draft.txt",
        "Oh great, another 'urgent' email. Love that for me. Call 555-201-7788!",
    );
    group.bench_function("load-build-first-check", |b| {
        b.iter(|| {
            let linter = Linter::new(engine(&packs(), &[]));
            linter.check(black_box(&draft)).passed
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = throughput, per_post, startup
}
criterion_main!(benches);
