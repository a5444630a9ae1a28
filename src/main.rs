//! The `think-lint` binary: parses arguments, calls the library, renders,
//! and maps the outcome to an exit code (0 pass, 1 a post failed, 2 usage,
//! configuration or I/O error).

mod config_cmd;
mod hook_cmd;
mod learn_cmd;
mod rules_cmd;
mod timings;

use clap::{ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use think_lint::config::{self, Config};
use think_lint::engine::{Engine, Selection};
use think_lint::linters::{Base, LinterSet};
use think_lint::pack::{self, Pack};
use think_lint::platform::Profiles;
use think_lint::report::{self, Reporter};
use think_lint::run::{self, Problem};
use think_lint::score::Policy;
use think_lint::source::{Note, NoteLevel, WalkOptions};
use think_lint::{Error, huge_pages, source};

const EXIT_PASS: u8 = 0;
const EXIT_FAIL: u8 = 1;
const EXIT_ERROR: u8 = 2;

#[derive(Parser)]
#[command(
    name = "think-lint",
    version,
    about = "THINK before you post: checks a social-media or marketing post for being True, Helpful, Inspiring, Necessary and Kind, and flags sarcasm, hostility and oversharing.",
    args_conflicts_with_subcommands = true,
    after_help = "Exit codes: 0 every post passed, 1 a post failed, 2 usage, configuration or I/O error."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
    #[command(flatten)]
    setup: SetupArgs,
}

/// Where rules and settings come from; shared by checking and `rules`.
#[derive(Args, Clone)]
struct SetupArgs {
    /// Use this configuration file instead of looking for think-lint.toml.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Load extra rule packs: a TOML file or a folder of them (repeatable).
    #[arg(long = "rules", global = true, value_name = "PATH")]
    rules: Vec<PathBuf>,
}

#[derive(Args)]
struct CheckArgs {
    /// Post files or directories to check, or `-` for stdin.
    #[arg(value_name = "PATH")]
    paths: Vec<String>,
    /// Output format, for people or for tools and CI.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to use colours (NO_COLOR is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Print only failing posts, and no summary.
    #[arg(short, long)]
    quiet: bool,
    /// Fail posts whose overall THINK score is below N (default 70).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    min_score: Option<u8>,
    /// Check posts for this platform's limits (x, bluesky, threads, mastodon,
    /// linkedin, instagram, facebook, generic) unless their source names one.
    #[arg(long, value_name = "NAME")]
    platform: Option<String>,
    /// Run only these rules, packs, dimensions or flags (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    select: Vec<String>,
    /// Never run these rules, packs, dimensions or flags (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    ignore: Vec<String>,
    /// In content calendars, the column or key that holds each post's text
    /// (default: text, post, message, content, caption or body).
    #[arg(long, value_name = "NAME")]
    field: Option<String>,
    /// What standard input (`-`) holds: one post (text, markdown) or a
    /// content calendar (csv, tsv, json, jsonl, yaml), which is streamed.
    /// Either way it is named `<stdin>` in findings and messages.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = StdinFormat::Text)]
    stdin_format: StdinFormat,
}

/// The formats standard input can be read as (files go by their extension).
#[derive(Clone, Copy, ValueEnum)]
enum StdinFormat {
    /// One plain-text post.
    Text,
    /// One Markdown post (front matter, code and markup are not checked).
    Markdown,
    /// A CSV calendar: one post per row.
    Csv,
    /// A tab-separated calendar: one post per row.
    Tsv,
    /// A JSON calendar: an array of post objects, or an object holding one.
    Json,
    /// A JSON Lines calendar: one post object per line.
    Jsonl,
    /// A YAML calendar: a list of post mappings, or a mapping holding one.
    Yaml,
}

impl StdinFormat {
    fn kind(self) -> source::Kind {
        match self {
            StdinFormat::Text => source::Kind::Text,
            StdinFormat::Markdown => source::Kind::Markdown,
            StdinFormat::Csv => source::Kind::Csv,
            StdinFormat::Tsv => source::Kind::Tsv,
            StdinFormat::Json => source::Kind::Json,
            StdinFormat::Jsonl => source::Kind::JsonLines,
            StdinFormat::Yaml => source::Kind::Yaml,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Scorecards and compiler-style findings, for people.
    Human,
    /// One JSON document: every post with its findings and metadata, and a summary.
    Json,
    /// JSON Lines: one post object per line, no summary line.
    Jsonl,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// GitHub Actions workflow commands: one annotation per finding.
    Github,
    /// JUnit XML: a test suite per file, a test case per post.
    Junit,
    /// `path:line:col: severity rule message`, one finding per line.
    Compact,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// List, explain and test rules.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Write a commented think-lint.toml starter in the current directory.
    Init {
        /// Overwrite an existing think-lint.toml.
        #[arg(long)]
        force: bool,
    },
    /// Install or run the git pre-commit hook.
    Hook {
        #[command(subcommand)]
        command: HookCommand,
    },
    /// Print the configuration in effect and the file it came from.
    Config,
    /// Learn a `weighted` rule pack from labeled posts (JSON Lines).
    Train(Deferred<learn_cmd::TrainArgs>),
    /// Measure the configured rules on labeled posts: precision, recall, F1.
    Eval(Deferred<learn_cmd::EvalArgs>),
}

/// A subcommand's options, added to its command only when the command
/// line names it ([`clap::Command::defer`]): every run parses its
/// arguments against the whole command, and a check of one draft need
/// not build the many options of `train` and `eval` first. Help and
/// errors are the same, as clap builds a subcommand before it shows or
/// parses anything of it.
struct Deferred<T>(T);

impl<T: Args> Args for Deferred<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(T::augment_args)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(T::augment_args_for_update)
    }
}

impl<T: FromArgMatches> FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Deferred)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
}

#[derive(Subcommand)]
enum HookCommand {
    /// Write a git pre-commit hook that checks staged posts.
    Install {
        /// Replace an existing pre-commit hook that is not think-lint's.
        #[arg(long)]
        force: bool,
    },
    /// Check the staged post files (what the hook runs).
    Run,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// List every enabled rule.
    List,
    /// Show what a rule checks, why, and its examples.
    Explain {
        /// A rule id, such as kind/name-calling.
        id: String,
    },
    /// Check that every rule of the packs fires on its `fire` examples and
    /// not on its `pass` examples (the built-in packs when no file is given).
    Test {
        /// Rule pack files.
        files: Vec<PathBuf>,
    },
}

/// mimalloc: start-up builds many small objects (rules, lexicons, regex
/// programs), which it allocates faster than the system allocator.
///
/// Its own delay before freed memory goes back to the system (a second;
/// `MIMALLOC_PURGE_DELAY` changes it) suits a long run: what a run frees
/// it soon takes again. A 10 ms delay once kept a 1 GB calendar's peak
/// about 10 MB lower, when word tables were dropped and made anew; since
/// they start over in place, the second costs 2–5 MB of peak RSS (1 GB
/// CSV calendar: 75 MB on two threads, 88 MB on four) and saves most of
/// a long run's page faults (the 1 GB calendar 328,585 against 29,613).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The exit code of a run stopped with Ctrl-C (128 + SIGINT).
const EXIT_INTERRUPTED: i32 = 130;

/// Ctrl-C stops the run at once with the conventional code; output
/// written so far stands. On Unix the handler exits from the signal
/// itself, so no thread is started to wait for one (a short run would
/// spend more on starting it than on its post).
#[cfg(unix)]
fn stop_on_ctrl_c() {
    extern "C" fn on_interrupt(_: libc::c_int) {
        // SAFETY: `_exit` is async-signal-safe, and ends the process
        // without running anything else.
        unsafe { libc::_exit(EXIT_INTERRUPTED) }
    }
    // SAFETY: `action` is zeroed and then filled in as sigaction(2) asks;
    // the handler calls only an async-signal-safe function.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
    }
}

#[cfg(not(unix))]
fn stop_on_ctrl_c() {
    let _ = ctrlc::set_handler(|| std::process::exit(EXIT_INTERRUPTED));
}

fn main() -> ExitCode {
    timings::start();
    stop_on_ctrl_c();
    timings::mark("signal handler");
    let cli = Cli::parse();
    timings::mark("arguments");
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", error_text(&e));
            EXIT_ERROR
        }
    };
    timings::report();
    ExitCode::from(code)
}

/// An error as printed to stderr: one `error:` line per problem, with its
/// help below. Names and messages can carry text from inputs (file names,
/// calendar headers), so each part is escaped: nothing an input says can
/// move the cursor, colour the terminal or start a line of its own.
fn error_text(e: &Error) -> String {
    let esc = report::escape_terminal;
    match e {
        Error::Located(errors) => errors
            .iter()
            .map(|e| format!("error: {}", located_text(e)))
            .collect::<Vec<_>>()
            .join("\n"),
        Error::Io { path, message } => format!("error: {}: {}", esc(path), esc(message)),
        Error::Usage(message) => message
            .lines()
            .map(|l| format!("error: {}", esc(l)))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// `file:line:col: rule `id`: message`, and its help on the next line,
/// every part escaped for a terminal.
fn located_text(e: &think_lint::error::LocatedError) -> String {
    let esc = report::escape_terminal;
    let mut s = format!("{}:{}:{}: ", esc(&e.file), e.line, e.column);
    if let Some(rule) = &e.rule {
        s.push_str(&format!("rule `{}`: ", esc(rule)));
    }
    s.push_str(&esc(&e.message));
    if let Some(help) = &e.help {
        s.push_str(&format!("\n  help: {}", esc(help)));
    }
    s
}

fn run(cli: Cli) -> Result<u8, Error> {
    match cli.command {
        Some(Command::Init { force }) => init(force),
        Some(Command::Rules {
            command: RulesCommand::Test { files },
        }) => rules_cmd::test(&files),
        Some(Command::Rules { command }) => {
            // `explain` shows a rule's examples.
            let (config, packs) = if matches!(command, RulesCommand::Explain { .. }) {
                load_setup_with_examples(&cli.setup)?
            } else {
                load_setup(&cli.setup)?
            };
            match command {
                RulesCommand::List => {
                    let engine = Engine::new(&packs, &selection(&config, &cli.check))?;
                    rules_cmd::list(engine.rules())
                }
                RulesCommand::Explain { id } => rules_cmd::explain(&packs, &id),
                RulesCommand::Test { .. } => unreachable!("handled above"),
            }
        }
        Some(Command::Hook {
            command: HookCommand::Install { force },
        }) => hook_cmd::install(force),
        Some(Command::Hook {
            command: HookCommand::Run,
        }) => {
            let (config, _) = load_setup(&cli.setup)?;
            let files = hook_cmd::staged_posts(&config)?;
            if files.is_empty() {
                return Ok(EXIT_PASS);
            }
            let args = CheckArgs {
                paths: files,
                ..cli.check
            };
            check(args, &cli.setup)
        }
        Some(Command::Train(Deferred(args))) => learn_cmd::train(args),
        Some(Command::Eval(Deferred(args))) => learn_cmd::eval(args, &cli.setup),
        Some(Command::Config) => {
            let (config, packs) = load_setup(&cli.setup)?;
            print!("{}", config_cmd::render(&config, &packs));
            Ok(EXIT_PASS)
        }
        None => check(cli.check, &cli.setup),
    }
}

fn init(force: bool) -> Result<u8, Error> {
    let path = Path::new(config::FILE_NAMES[0]);
    if path.exists() && !force {
        return Err(Error::Usage(format!(
            "{} already exists; use `think-lint init --force` to overwrite it",
            path.display()
        )));
    }
    std::fs::write(path, config::STARTER).map_err(|e| Error::io(path.display(), &e))?;
    println!("wrote {}", path.display());
    Ok(EXIT_PASS)
}

/// The configuration and every pack: built-in, from the configuration,
/// then from `--rules`. The built-in rules come without their examples,
/// which only `load_setup_with_examples` reads.
fn load_setup(setup: &SetupArgs) -> Result<(Config, Vec<Pack>), Error> {
    load_setup_with(setup, false)
}

/// `load_setup`, the built-in rules with their `fire` and `pass` examples.
fn load_setup_with_examples(setup: &SetupArgs) -> Result<(Config, Vec<Pack>), Error> {
    load_setup_with(setup, true)
}

fn load_setup_with(setup: &SetupArgs, examples: bool) -> Result<(Config, Vec<Pack>), Error> {
    let config = match &setup.config {
        Some(path) => Config::load(path)?,
        None => {
            let cwd = std::env::current_dir().map_err(|e| Error::io(".", &e))?;
            Config::discover(&cwd)?
        }
    };
    timings::mark("configuration");
    let mut packs = if examples {
        pack::built_in()
    } else {
        pack::built_in_without_examples()
    }
    .map_err(Error::Located)?;
    timings::mark("built-in packs");
    let mut errors = Vec::new();
    for path in config.packs.iter().chain(&setup.rules) {
        match pack::load_path(path) {
            Ok(p) => packs.extend(p),
            Err(Error::Located(e)) => errors.extend(e),
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Located(errors));
    }
    Ok((config, packs))
}

fn selection(config: &Config, args: &CheckArgs) -> Selection {
    config.selection(&args.select, &args.ignore)
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
}

/// Where the report is written: standard output, without the line
/// buffering of `io::stdout()` where the platform lets it be written to
/// directly. That buffering looks for the last line break in everything
/// written, which in a one-line report (JSON, SARIF) is every byte of
/// it: a run's report of many megabytes costs a few percent more.
fn report_output() -> Box<dyn io::Write> {
    let stdout = io::stdout();
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::fd::AsFd;
        // Nothing is buffered yet; should anything be, it goes first.
        let _ = stdout.lock().flush();
        if let Ok(fd) = stdout.as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(stdout.lock())
}

/// Prints notes about inputs to stderr; true when one of them means part
/// of an input could not be checked.
fn report_notes(notes: &[Note]) -> bool {
    let mut error = false;
    for n in notes {
        let level = match n.level {
            NoteLevel::Warning => "warning",
            NoteLevel::Error => {
                error = true;
                "error"
            }
        };
        eprintln!("{level}: {}", located_text(&n.error));
    }
    error
}

fn check(args: CheckArgs, setup: &SetupArgs) -> Result<u8, Error> {
    let (config, packs) = load_setup(setup)?;
    let base = Base {
        selection: selection(&config, &args),
        policy: Policy {
            min_score: args.min_score.or(config.min_score).unwrap_or(70),
            min_dimension: config.min_dimension,
        },
        platform: args.platform.clone().or(config.platform.clone()),
    };
    let profiles = Profiles::new(config.profiles.clone());
    // SARIF describes every rule, enabled or not: copied before the
    // linters take the rules.
    let sarif_rules: Vec<pack::Rule> = match args.format {
        Format::Sarif => packs.iter().flat_map(|p| p.rules.iter().cloned()).collect(),
        _ => Vec::new(),
    };
    // The linters read the built-in tables: a long run has them copied
    // first.
    huge_pages::use_for_run(run::named_calendar_bytes(
        &args.paths,
        args.stdin_format.kind().is_calendar(),
    ));
    if let Some(bytes) = source::stdin_ahead::held() {
        timings::mark(&format!("standard input read ahead ({bytes} bytes)"));
    }
    let folders = args.paths.iter().any(|p| p != "-" && Path::new(p).is_dir());
    // A run over folders only learns its length from their walk: what
    // builds the linters is kept, to build them again on the tables'
    // copies if the walk finds long calendars (see `walk_and_run`).
    let again = (folders && !huge_pages::copies_tables()).then(|| LintersAgain {
        packs: packs.clone(),
        base: base.clone(),
        profiles: profiles.clone(),
        overrides: config.overrides.clone(),
    });
    let mut linters = LinterSet::new(packs, base, profiles, config.overrides.clone())?;
    mark_engine("engine");
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        if io::stdin().is_terminal() {
            return Err(Error::Usage(
                "no input: name post files to check, or `-` to read a post from stdin (see --help)"
                    .into(),
            ));
        }
        paths.push("-".into());
    }
    let mut reporter: Box<dyn Reporter> = match args.format {
        Format::Human => Box::new(report::Human::new(use_color(args.color), args.quiet)),
        Format::Json => Box::new(report::Json::default()),
        Format::Jsonl => Box::new(report::Jsonl),
        Format::Sarif => Box::new(report::Sarif::new(&sarif_rules)),
        Format::Github => Box::new(report::Github),
        Format::Junit => Box::new(report::Junit::default()),
        Format::Compact => Box::new(report::Compact),
    };
    let walk_opts = WalkOptions {
        include: config.include.clone(),
        exclude: config.exclude.clone(),
    };
    let read_opts = source::Options {
        max_post_bytes: config
            .max_post_bytes
            .unwrap_or(source::Options::default().max_post_bytes),
        field: args.field.clone(),
        stdin: args.stdin_format.kind(),
    };
    // Large writes: a long run prints megabytes, and each write is a
    // system call.
    let mut out = io::BufWriter::with_capacity(64 * 1024, report_output());
    let renderer = reporter.renderer();
    let context = reporter.shows_context();
    let mut inputs = Inputs {
        paths: &paths,
        walk_opts: &walk_opts,
        linters: &mut linters,
        again,
        read_opts: &read_opts,
    };
    // The pool checks the files a folder's walk finds while it goes on
    // (see `run::HeadStart`); the scope ends once their results are
    // reported. A run of files named one by one starts no pool for it.
    let (outcome, mut input_error) = if folders {
        rayon::in_place_scope(|scope| {
            let head_start = run::HeadStart::new(scope, &read_opts, renderer.as_deref(), context);
            walk_and_run(&mut inputs, Some(head_start), reporter.as_mut(), &mut out)
        })?
    } else {
        walk_and_run(&mut inputs, None, reporter.as_mut(), &mut out)?
    };
    timings::mark("run");
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(EXIT_PASS),
        Err(e) => return Err(Error::io("<stdout>", &e)),
    };
    input_error |= outcome.input_error;
    let summary = outcome.summary;
    // The process ends now: freeing the rules, lexicons and models one
    // allocation at a time would only delay the exit.
    std::mem::forget(linters);
    Ok(if input_error {
        EXIT_ERROR
    } else if summary.failed > 0 {
        EXIT_FAIL
    } else {
        EXIT_PASS
    })
}

/// What `check` walks and reads, and the linters it checks with.
struct Inputs<'a> {
    paths: &'a [String],
    walk_opts: &'a WalkOptions,
    linters: &'a mut LinterSet,
    /// What builds `linters` again, for a run over folders whose length
    /// their walk tells.
    again: Option<LintersAgain>,
    read_opts: &'a source::Options,
}

/// Ends the timing phase `name` of building the linters, saying how many
/// tables were copied onto huge pages, if any.
fn mark_engine(name: &str) {
    match huge_pages::tables_copied() {
        0 => timings::mark(name),
        n => timings::mark(&format!("{name} ({n} tables copied onto huge pages)")),
    }
}

/// What a [`LinterSet`] is built of, kept to build it again.
struct LintersAgain {
    packs: Vec<Pack>,
    base: Base,
    profiles: Profiles,
    overrides: Vec<config::Override>,
}

/// Walks the inputs' paths and runs their files through the reporter,
/// with `head_start` checking files as the walk finds them. Returns the
/// run's outcome and whether the walk found a problem.
fn walk_and_run(
    inputs: &mut Inputs,
    head_start: Option<run::HeadStart>,
    reporter: &mut dyn report::Reporter,
    out: &mut dyn io::Write,
) -> Result<(io::Result<run::Outcome>, bool), Error> {
    let linters = &mut *inputs.linters;
    let (walked, head_start) = match head_start {
        Some(mut head) => {
            let walked = source::walk_finding(inputs.paths, inputs.walk_opts, &mut |path| {
                head.found(path, linters)
            })?;
            (walked, head.finish())
        }
        // No head start: `check` found no folder among the paths.
        None => (
            source::walk_named_files(inputs.paths, inputs.walk_opts)?,
            run::HeadStarted::default(),
        ),
    };
    pack::compile_lean(!head_start.not_little && run::little_input(&walked.files));
    if timings::enabled() {
        let early = head_start.files();
        timings::mark(&format!(
            "reporter and walk ({early} files checked meanwhile)"
        ));
    }
    // Calendars wait for the walk's end (the head start takes one-post
    // files alone): if those it found make the run long, the linters that
    // check them are built again, on the tables' copies. The first ones
    // live on in the head start's tasks, and are not freed (see `check`).
    if let Some(again) = inputs.again.take() {
        let bytes = run::walked_calendar_bytes(&walked.files);
        if bytes >= huge_pages::LONG_RUN {
            huge_pages::use_for_run(bytes);
            let rebuilt = LinterSet::new(again.packs, again.base, again.profiles, again.overrides)?;
            std::mem::forget(std::mem::replace(linters, rebuilt));
            mark_engine("engine again, for the walk's long calendars");
        }
    }
    timings::probe(&walked.files, &linters.base(), inputs.read_opts);
    let input_error = report_notes(&walked.notes);
    let outcome = run::run(
        &walked.files,
        linters,
        inputs.read_opts,
        reporter,
        out,
        head_start,
        &mut |problem| match problem {
            Problem::Note(n) => {
                report_notes(std::slice::from_ref(n));
            }
            Problem::Input(e) => eprintln!("{}", error_text(e)),
        },
    );
    Ok((outcome, input_error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_holds_together_with_its_deferred_options() {
        // Builds every subcommand, the deferred ones too, and checks the
        // whole for clashing names, flags and settings.
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
