//! `think-lint train` (learn a `weighted` pack from labeled posts) and
//! `think-lint eval` (measure the configured rule set on labeled posts).

use clap::{ArgGroup, Args};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use think_lint::check::PostResult;
use think_lint::engine::{Engine, Selection};
use think_lint::examples_check::MIN_EXAMPLES;
use think_lint::learn::dataset::{self, Example};
use think_lint::learn::metrics::{Binary, Confusion};
use think_lint::learn::write::{PackInfo, pack_toml};
use think_lint::learn::{self, Options};
use think_lint::linters::{Base, LinterSet};
use think_lint::model::{Dimension, Flag, Severity};
use think_lint::platform::Profiles;
use think_lint::score::Policy;
use think_lint::source::Post;
use think_lint::text::features::Families;
use think_lint::{Error, pack};

#[derive(Args)]
pub struct TrainArgs {
    /// Labeled posts: JSON Lines of {"id": …, "text": "…", "label": "…"} (repeatable).
    #[arg(long, value_name = "FILE.jsonl", required = true)]
    data: Vec<PathBuf>,
    /// The label(s) the rule should fire on (comma-separated); every other label is negative.
    #[arg(long, value_name = "LABEL", required = true, value_delimiter = ',')]
    positive: Vec<String>,
    /// The THINK dimension the rule counts against.
    #[arg(long, value_name = "DIM")]
    dimension: String,
    /// The flag the rule raises (sarcasm, hostility, oversharing).
    #[arg(long, value_name = "FLAG")]
    flag: Option<String>,
    /// The pack id; the rule is `ID/RULE`.
    #[arg(long, value_name = "PACK_ID")]
    id: String,
    /// The rule's name inside the pack.
    #[arg(long, value_name = "RULE", default_value = "model")]
    rule: String,
    /// Where to write the pack.
    #[arg(long, value_name = "PACK.toml")]
    out: PathBuf,
    /// The rule's severity.
    #[arg(long, value_name = "LEVEL", default_value = "warning")]
    severity: String,
    /// Points the rule takes from its dimension's score.
    #[arg(long, value_name = "N", default_value_t = 20)]
    weight: u32,
    /// The finding's message (a generic one by default).
    #[arg(long, value_name = "TEXT")]
    message: Option<String>,
    /// The finding's suggestion.
    #[arg(long, value_name = "TEXT")]
    suggestion: Option<String>,
    /// The pack's description.
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    /// A TOML file with `fire = [...]` and `pass = [...]` example posts for
    /// the rule (by default the training posts it is surest about).
    #[arg(long, value_name = "FILE")]
    examples: Option<PathBuf>,
    /// Keep terms found in at least N posts.
    #[arg(long, value_name = "N", default_value_t = 3)]
    min_df: usize,
    /// Folds of cross-validation.
    #[arg(long, value_name = "K", default_value_t = 5)]
    folds: usize,
    /// L2 strengths to try (comma-separated).
    #[arg(long, value_name = "X", value_delimiter = ',')]
    l2: Vec<f64>,
    /// Keep at most N terms (those with the largest weights).
    #[arg(long, value_name = "N", default_value_t = 3000)]
    max_terms: usize,
    /// Choose the threshold with the best F1 among those with at least this held-out precision.
    #[arg(long, value_name = "P")]
    min_precision: Option<f64>,
    /// Posts with fewer words never fire.
    #[arg(long, value_name = "N", default_value_t = 3)]
    min_words: usize,
    /// Never fire below this probability, whatever the data says.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    min_threshold: f64,
    /// Let terms that only name a group of people carry weight (off by default: see the fairness guard).
    #[arg(long)]
    no_identity_guard: bool,
    /// Opt-in feature families besides stems, stem pairs and measurements:
    /// `chars` (character n-grams), `cues` (contrast, elongation, …).
    #[arg(long, value_name = "LIST", default_value = "")]
    features: String,
    /// Scale each term by its log-count ratio between the classes before
    /// fitting (NB-LR); the pack's weights are the scaled ones.
    #[arg(long)]
    nb: bool,
}

#[derive(Args)]
#[command(group(ArgGroup::new("predict").required(true).multiple(true)
    .args(["flag", "error_dimension", "failed", "tone"])))]
pub struct EvalArgs {
    /// Labeled posts: JSON Lines of {"id": …, "text": "…", "label": "…"}.
    #[arg(long, value_name = "FILE.jsonl")]
    data: PathBuf,
    /// The label(s) a positive verdict stands for (comma-separated: posts
    /// labeled with any of them are positive, and positive predictions are
    /// written with the first).
    #[arg(
        long,
        value_name = "LABEL",
        required_unless_present = "tone",
        value_delimiter = ','
    )]
    positive: Vec<String>,
    /// The label a negative verdict stands for (default: the data's other
    /// label). Every label but the positive ones counts as negative.
    #[arg(long, value_name = "LABEL")]
    negative: Option<String>,
    /// Positive when the post raises this flag (comma-separated or repeated: any of them).
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    flag: Vec<String>,
    /// Positive when the post has an error-severity finding in this dimension.
    #[arg(long, value_name = "DIM", value_delimiter = ',')]
    error_dimension: Vec<String>,
    /// Positive when the post fails (the verdict `think-lint` exits 1 on).
    #[arg(long)]
    failed: bool,
    /// Score the tone verdict against negative/neutral/positive labels.
    #[arg(long, conflicts_with_all = ["flag", "error_dimension", "failed", "positive"])]
    tone: bool,
    /// Write {"id": …, "pred": "…"} lines, with the data's label names.
    #[arg(long, value_name = "OUT.jsonl")]
    predictions: Option<PathBuf>,
    /// How many of the worst false positives and negatives to show.
    #[arg(long, value_name = "N", default_value_t = 5)]
    worst: usize,
    /// Run only these rules, packs, dimensions or flags (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    select: Vec<String>,
    /// Never run these rules, packs, dimensions or flags (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    ignore: Vec<String>,
}

fn usage(msg: impl Into<String>) -> Error {
    Error::Usage(msg.into())
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExampleFile {
    #[serde(default)]
    fire: Vec<String>,
    #[serde(default)]
    pass: Vec<String>,
}

fn read_examples(path: &Path) -> Result<ExampleFile, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display(), &e))?;
    toml::from_str(&text).map_err(|e| {
        let span = e.span();
        Error::Located(vec![think_lint::LocatedError::at(
            &path.display().to_string(),
            &text,
            span,
            e.message().to_string(),
        )])
    })
}

pub fn train(args: TrainArgs) -> Result<u8, Error> {
    let dimension = Dimension::parse(&args.dimension)
        .ok_or_else(|| usage(format!("unknown dimension `{}`", args.dimension)))?;
    let flag = match &args.flag {
        Some(f) => Some(Flag::parse(f).ok_or_else(|| usage(format!("unknown flag `{f}`")))?),
        None => None,
    };
    let severity = match args.severity.as_str() {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        s => {
            return Err(usage(format!(
                "unknown severity `{s}` (error, warning, info)"
            )));
        }
    };
    if args
        .min_precision
        .is_some_and(|p| !(0.0..=1.0).contains(&p))
    {
        return Err(usage("--min-precision must be between 0 and 1"));
    }
    if args.l2.iter().any(|x| !x.is_finite() || *x <= 0.0) {
        return Err(usage("--l2 values must be positive numbers"));
    }
    let mut data: Vec<Example> = Vec::new();
    for path in &args.data {
        data.extend(dataset::read(path)?);
    }
    // One positive label stands for all of them.
    let positive = args.positive.join("+");
    for e in &mut data {
        if args.positive.contains(&e.label) {
            e.label = positive.clone();
        }
    }
    let mut opts = Options {
        positive: positive.clone(),
        min_df: args.min_df.max(1),
        folds: args.folds,
        max_terms: args.max_terms.max(1),
        min_precision: args.min_precision,
        min_words: args.min_words,
        min_threshold: args.min_threshold.clamp(0.0, 1.0),
        identity_guard: !args.no_identity_guard,
        families: Families::parse(&args.features).map_err(usage)?,
        nb: args.nb,
        ..Options::default()
    };
    if !args.l2.is_empty() {
        opts.l2 = args.l2.clone();
    }
    let trained = learn::train(&data, &opts)?;
    let sources: Vec<String> = args.data.iter().map(|p| file_name(p)).collect();
    let held = trained.held_out;
    println!(
        "trained {}/{} on {}: {} posts, {} labeled {}",
        args.id,
        args.rule,
        sources.join(" + "),
        trained.posts,
        trained.positives,
        positive
    );
    println!(
        "vocabulary: {} terms in at least {} posts ({} identity terms dropped by the fairness guard); {} terms kept",
        trained.vocabulary,
        opts.min_df,
        trained.identity_dropped,
        trained.terms.len()
    );
    println!("{}-fold cross-validation:", opts.folds);
    println!(
        "  {:>8}  {:>8}  {:>9}  {:>9}  {:>6}  {:>6}",
        "l2", "log-loss", "threshold", "precision", "recall", "F1"
    );
    for t in &trained.trials {
        println!(
            "  {:>8}  {:>8.4}  {:>9.4}  {:>9.3}  {:>6.3}  {:>6.3}{}",
            t.l2,
            t.log_loss,
            t.threshold,
            t.scores.precision(),
            t.scores.recall(),
            t.scores.f1(),
            if t.l2 == trained.l2 {
                "  <- chosen"
            } else {
                ""
            }
        );
    }
    println!(
        "chosen: l2 {}, threshold {:.4}, min words {}",
        trained.l2, trained.threshold, trained.min_words
    );
    println!(
        "held-out (out-of-fold) precision {:.3}, recall {:.3}, F1 {:.3}",
        held.precision(),
        held.recall(),
        held.f1()
    );

    let label_words = args.positive.join(" or ");
    let mut info = PackInfo {
        id: args.id.clone(),
        dimension,
        flag,
        description: args.description.clone().unwrap_or_else(|| {
            format!("Learned from labeled posts: reads a post as {label_words}")
        }),
        version: "1.0.0".into(),
        rule: format!("{}/{}", args.id, args.rule),
        severity,
        weight: args.weight,
        message: args.message.clone().unwrap_or_else(|| {
            format!(
                "A model learned from labeled posts reads this as {label_words}; the words that weighed most are listed."
            )
        }),
        suggestion: args.suggestion.clone(),
        fire: Vec::new(),
        pass: Vec::new(),
        header: vec![
            format!(
                "Learned by `think-lint train` from {} ({} posts, {} labeled {}).",
                sources.join(" + "),
                trained.posts,
                trained.positives,
                label_words
            ),
            format!(
                "L2 {} and threshold {:.4} chosen by {}-fold cross-validation; min df {}, at most {} terms.",
                trained.l2, trained.threshold, opts.folds, opts.min_df, opts.max_terms
            ),
            format!(
                "Cross-validated precision {:.3}, recall {:.3}, F1 {:.3}.",
                held.precision(),
                held.recall(),
                held.f1()
            ),
            "Generated file: retrain rather than edit (for the built-in packs: scripts/train-builtin.sh).".into(),
        ],
    };
    let (fire, pass) = match &args.examples {
        Some(path) => {
            let ex = read_examples(path)?;
            (ex.fire, ex.pass)
        }
        None => surest(&data, &positive, &trained, opts.families),
    };
    // Keep the examples the model gets right, so `rules test` holds.
    let text = pack_toml(&info, &trained);
    let p = pack::parse(&text, &args.out.display().to_string()).map_err(Error::Located)?;
    let engine = Engine::new(std::slice::from_ref(&p), &Selection::default())?;
    let fires = |t: &str| !engine.check(t).is_empty();
    for t in fire {
        if fires(&t) {
            info.fire.push(t);
        } else {
            eprintln!("warning: fire example left out, the model does not fire on it: {t:?}");
        }
    }
    for t in pass {
        if fires(&t) {
            eprintln!("warning: pass example left out, the model fires on it: {t:?}");
        } else {
            info.pass.push(t);
        }
    }
    if info.fire.len() < MIN_EXAMPLES || info.pass.len() < MIN_EXAMPLES {
        return Err(usage(format!(
            "the rule needs at least {MIN_EXAMPLES} fire and {MIN_EXAMPLES} pass examples that hold; {} and {} did (give more with --examples)",
            info.fire.len(),
            info.pass.len()
        )));
    }
    let text = pack_toml(&info, &trained);
    pack::parse(&text, &args.out.display().to_string()).map_err(Error::Located)?;
    std::fs::write(&args.out, &text).map_err(|e| Error::io(args.out.display(), &e))?;
    println!("wrote {}", args.out.display());
    Ok(0)
}

/// Examples from the training data itself: the positives and negatives
/// the model is surest about (for users' own data).
fn surest(
    data: &[Example],
    positive: &str,
    t: &learn::Trained,
    families: Families,
) -> (Vec<String>, Vec<String>) {
    let weights: std::collections::HashMap<&str, f64> =
        t.terms.iter().map(|(k, w)| (k.as_str(), *w)).collect();
    let mut scored: Vec<(f64, usize)> = data
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (feats, _) = learn::post_features(&e.text, families);
            let z = t.bias
                + feats
                    .iter()
                    .filter_map(|(k, v)| weights.get(k.as_str()).map(|w| w * v))
                    .sum::<f64>();
            (z, i)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let pick = |it: &mut dyn Iterator<Item = &(f64, usize)>, pos: bool| -> Vec<String> {
        it.filter(|(_, i)| (data[*i].label == positive) == pos)
            .take(3)
            .map(|(_, i)| data[*i].text.clone())
            .collect()
    };
    let fire = pick(&mut scored.iter(), true);
    let pass = pick(&mut scored.iter().rev(), false);
    (fire, pass)
}

/// What one post came to.
struct Verdict {
    positive: bool,
    tone: &'static str,
    /// The findings that decided a positive verdict (or, when negative, any).
    rules: Vec<String>,
    overall: u8,
}

fn verdict(r: &PostResult, args: &EvalArgs, flags: &[Flag], dims: &[Dimension]) -> Verdict {
    let mut rules = BTreeSet::new();
    let mut positive = args.failed && !r.passed;
    for f in &r.findings {
        let by_flag = f.severity != Severity::Info && f.flag.is_some_and(|x| flags.contains(&x));
        let by_error = f.severity == Severity::Error && dims.contains(&f.dimension);
        if by_flag || by_error {
            positive = true;
            rules.insert(f.rule.clone());
        }
    }
    if flags.iter().any(|f| r.scorecard.flags.contains(f)) {
        positive = true;
    }
    if rules.is_empty() {
        rules.extend(
            r.findings
                .iter()
                .filter(|f| f.severity != Severity::Info)
                .map(|f| f.rule.clone()),
        );
    }
    Verdict {
        positive,
        tone: r.tone.as_str(),
        rules: rules.iter().map(ToString::to_string).collect(),
        overall: r.scorecard.overall,
    }
}

/// A post's text on one line, control characters escaped, cut to `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

pub fn eval(args: EvalArgs, setup: &super::SetupArgs) -> Result<u8, Error> {
    let data = dataset::read(&args.data)?;
    let labels = dataset::labels(&data);
    let flags: Vec<Flag> = args
        .flag
        .iter()
        .map(|f| {
            Flag::parse(f).ok_or_else(|| {
                usage(format!(
                    "unknown flag `{f}` (sarcasm, hostility, oversharing)"
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    let dims: Vec<Dimension> = args
        .error_dimension
        .iter()
        .map(|d| Dimension::parse(d).ok_or_else(|| usage(format!("unknown dimension `{d}`"))))
        .collect::<Result<_, _>>()?;
    let classes = if args.tone {
        for l in &labels {
            if think_lint::tone::Tone::parse(l).is_none() {
                return Err(usage(format!(
                    "--tone needs labels negative, neutral and positive; the data has `{l}`"
                )));
            }
        }
        Classes::default()
    } else {
        Classes::new(&args.positive, args.negative.as_deref(), &labels)?
    };
    let (config, packs) = super::load_setup(setup)?;
    let selection = config.selection(&args.select, &args.ignore);
    let base = Base {
        selection,
        policy: Policy {
            min_score: config.min_score.unwrap_or(70),
            min_dimension: config.min_dimension,
        },
        platform: config.platform.clone(),
    };
    let set = LinterSet::new(
        packs,
        base,
        Profiles::new(config.profiles.clone()),
        Vec::new(),
    )?;
    let linter = set.base();
    let source = file_name(&args.data);
    let verdicts: Vec<Verdict> = data
        .par_iter()
        .map(|e| {
            let r = linter.check(&Post::new(source.clone(), e.text.clone()));
            verdict(&r, &args, &flags, &dims)
        })
        .collect();
    let pred_label = |v: &Verdict| -> String {
        if args.tone {
            v.tone.to_string()
        } else if v.positive {
            classes.written.clone()
        } else {
            classes.negative.clone()
        }
    };

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let io = |e: std::io::Error| Error::io("<stdout>", &e);
    writeln!(out, "eval: {source}, {} posts", data.len()).map_err(io)?;
    if args.tone {
        let names: Vec<String> = think_lint::tone::Tone::ALL
            .iter()
            .map(|t| t.as_str().to_string())
            .collect();
        let mut c = Confusion::new(names.clone());
        for (e, v) in data.iter().zip(&verdicts) {
            c.add(&e.label, v.tone);
        }
        print_confusion(&mut out, &c).map_err(io)?;
        writeln!(
            out,
            "macro recall {:.3}  macro F1 {:.3}  accuracy {:.3}",
            c.macro_recall(),
            c.macro_f1(),
            c.accuracy()
        )
        .map_err(io)?;
    } else {
        let mut what: Vec<String> = flags
            .iter()
            .map(|f| format!("the {} flag", f.as_str()))
            .collect();
        what.extend(dims.iter().map(|d| format!("an error in {}", d.as_str())));
        if args.failed {
            what.push("a failing verdict".into());
        }
        let Classes {
            positive, negative, ..
        } = &classes;
        writeln!(
            out,
            "predicted `{}` on {}; otherwise `{negative}`",
            classes.written,
            what.join(" or ")
        )
        .map_err(io)?;
        if !classes.also_negative.is_empty() {
            writeln!(
                out,
                "posts labeled {} count as `{negative}`",
                classes.also_negative.join(", ")
            )
            .map_err(io)?;
        }
        let b = Binary::from_pairs(
            data.iter()
                .zip(&verdicts)
                .map(|(e, v)| (classes.is_positive(&e.label), v.positive)),
        );
        let mut c = Confusion::new(vec![positive.clone(), negative.clone()]);
        for (e, v) in data.iter().zip(&verdicts) {
            let gold = if classes.is_positive(&e.label) {
                positive
            } else {
                negative
            };
            c.add(gold, if v.positive { positive } else { negative });
        }
        print_confusion(&mut out, &c).map_err(io)?;
        writeln!(
            out,
            "{positive}: precision {:.3}  recall {:.3}  F1 {:.3}",
            b.precision(),
            b.recall(),
            b.f1()
        )
        .map_err(io)?;
        writeln!(
            out,
            "macro F1 {:.3}  accuracy {:.3}  false-alarm rate {:.3} ({} of {} `{negative}` posts)",
            b.macro_f1(),
            b.accuracy(),
            b.false_positive_rate(),
            b.fp,
            b.fp + b.tn
        )
        .map_err(io)?;
        let worst_fp = worst(
            &data,
            &verdicts,
            |e, v| !classes.is_positive(&e.label) && v.positive,
            true,
        );
        let worst_fn = worst(
            &data,
            &verdicts,
            |e, v| classes.is_positive(&e.label) && !v.positive,
            false,
        );
        writeln!(out, "\nworst false positives (lowest THINK score first):").map_err(io)?;
        for &i in worst_fp.iter().take(args.worst) {
            show(&mut out, &data[i], &verdicts[i]).map_err(io)?;
        }
        writeln!(out, "\nworst false negatives (highest THINK score first):").map_err(io)?;
        for &i in worst_fn.iter().take(args.worst) {
            show(&mut out, &data[i], &verdicts[i]).map_err(io)?;
        }
    }
    if let Some(path) = &args.predictions {
        let mut text = String::new();
        for (e, v) in data.iter().zip(&verdicts) {
            let line = serde_json::json!({"id": e.id, "pred": pred_label(v)});
            text.push_str(&line.to_string());
            text.push('\n');
        }
        std::fs::write(path, text).map_err(|e| Error::io(path.display(), &e))?;
        writeln!(out, "\nwrote predictions to {}", path.display()).map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(0)
}

/// How `eval` maps labels to the two classes of a yes/no verdict.
#[derive(Default)]
struct Classes {
    /// The data's labels that count as positive.
    labels: Vec<String>,
    /// The positive class's name in the report (the labels joined by `+`).
    positive: String,
    /// The label positive predictions are written with.
    written: String,
    /// The label of the negative class.
    negative: String,
    /// Other labels of the data that count as negative besides `negative`.
    also_negative: Vec<String>,
}

impl Classes {
    fn new(
        positive: &[String],
        negative: Option<&str>,
        labels: &[String],
    ) -> Result<Classes, Error> {
        if let Some(missing) = positive.iter().find(|p| !labels.contains(p)) {
            return Err(usage(format!(
                "no post is labeled `{missing}` (labels: {})",
                labels.join(", ")
            )));
        }
        let joined = positive.join("+");
        let others: Vec<&String> = labels.iter().filter(|l| !positive.contains(l)).collect();
        let negative = match (negative, others.as_slice()) {
            (Some(n), _) => n.to_string(),
            (None, [one]) => (*one).clone(),
            (None, _) => format!("not-{joined}"),
        };
        if positive.contains(&negative) {
            return Err(usage(format!(
                "`{negative}` cannot be both the positive and the negative label"
            )));
        }
        Ok(Classes {
            labels: positive.to_vec(),
            written: positive.first().cloned().unwrap_or_default(),
            positive: joined,
            also_negative: others
                .into_iter()
                .filter(|l| **l != negative)
                .cloned()
                .collect(),
            negative,
        })
    }

    fn is_positive(&self, label: &str) -> bool {
        self.labels.iter().any(|l| l == label)
    }
}

fn worst(
    data: &[Example],
    verdicts: &[Verdict],
    keep: impl Fn(&Example, &Verdict) -> bool,
    lowest_first: bool,
) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..data.len())
        .filter(|&i| keep(&data[i], &verdicts[i]))
        .collect();
    idx.sort_by_key(|&i| {
        let s = verdicts[i].overall;
        (if lowest_first { s } else { 100 - s }, i)
    });
    idx
}

fn show(out: &mut impl Write, e: &Example, v: &Verdict) -> std::io::Result<()> {
    let rules = if v.rules.is_empty() {
        "no findings".to_string()
    } else {
        v.rules.join(", ")
    };
    writeln!(out, "  id {} (THINK {}; {rules})", e.id, v.overall)?;
    writeln!(out, "    {}", one_line(&e.text, 160))
}

fn print_confusion(out: &mut impl Write, c: &Confusion) -> std::io::Result<()> {
    let width = c
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(4)
        .max(6);
    write!(out, "{:>w$}", "gold \\ predicted", w = width + 6)?;
    for l in &c.labels {
        write!(out, "  {l:>width$}")?;
    }
    writeln!(out)?;
    for (l, row) in c.labels.iter().zip(&c.counts) {
        write!(out, "{:>w$}", l, w = width + 6)?;
        for n in row {
            write!(out, "  {n:>width$}")?;
        }
        writeln!(out)?;
    }
    for (i, l) in c.labels.iter().enumerate() {
        let s = c.class(i);
        writeln!(
            out,
            "  {l:>width$}: precision {:.3}  recall {:.3}  F1 {:.3}  ({} posts)",
            s.precision, s.recall, s.f1, s.support
        )?;
    }
    Ok(())
}
