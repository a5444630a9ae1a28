//! Checks a list of input files and hands the results to a reporter in
//! input order, whatever the parallelism: one-post files and small
//! calendars are read and checked in parallel a chunk at a time; a big
//! calendar streams, its posts checked in parallel a batch at a time, so
//! memory stays bounded.

use crate::check::{Linter, PostResult, Summary, Tally};
use crate::error::{Error, LocatedError};
use crate::huge_pages;
use crate::linters::LinterSet;
use crate::report::{Render, Reporter};
use crate::source::{self, InputFile, Note, Post};
use crate::text::Analysis;
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{self, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc;

/// Files at least this big are streamed rather than read whole. A file
/// read whole keeps every result until it is reported, and formatted
/// results are several times the size of their posts: a calendar of 4 MiB
/// read whole held over 100 MB.
const STREAM_BYTES: u64 = 256 << 10;
/// The bytes of small files a chunk holds at most, for the same reason:
/// a chunk's results are kept until it is reported.
const CHUNK_BYTES: u64 = 1 << 20;
/// Posts checked together when streaming.
const BATCH_POSTS: usize = 1024;
/// Small files a chunk holds per thread: enough that a slow file (one
/// that compiles a pattern, say) is a small part of a thread's share;
/// few enough that the first results come at once and little is held.
const FILES_PER_THREAD: usize = 32;
/// Posts a parallel task checks at least: enough that handing work out
/// costs little next to checking it.
const POSTS_PER_TASK: usize = 16;

/// The threads of the pool, asked as a run is about to check posts on
/// them (which starts the pool): their word tables share one budget
/// (`words::share_among`), so memory does not grow with their number.
fn pool_threads() -> usize {
    let threads = rayon::current_num_threads().max(1);
    crate::text::words::share_among(threads);
    threads
}

/// Something to tell the user about an input, in order with the output.
#[derive(Debug)]
pub enum Problem {
    /// Part of an input (a row, an encoding slip) — see the note's level.
    Note(Note),
    /// An input that could not be checked at all.
    Input(Error),
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub summary: Summary,
    /// Some input, or part of one, could not be checked.
    pub input_error: bool,
}

/// Checks one post, turning a panic into an internal-error note so the
/// other posts are still checked.
pub fn check_isolated(linter: &Linter, post: &Post) -> Result<PostResult, Note> {
    isolated(post, || linter.check(post))
}

/// Runs `check` on `post`, turning a panic into an internal-error note
/// located at the post.
fn isolated<T>(post: &Post, check: impl FnOnce() -> T) -> Result<T, Note> {
    catch_unwind(AssertUnwindSafe(check)).map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Note::error(LocatedError {
            file: post.source.to_string(),
            line: post.line,
            column: post.column,
            rule: None,
            message: format!("internal error while checking this post ({what}); please report it — the other posts were checked"),
            help: None,
        })
    })
}

/// A checked post on its way to the reporter: its result or, when the
/// reporter formats posts on their own, its text (made on the thread that
/// checked it) and what it adds to the summary.
enum Done {
    Result(PostResult),
    Text(io::Result<Vec<u8>>, Tally),
}

/// What the reporter needs of each checked post.
#[derive(Clone, Copy)]
struct Needs<'a> {
    /// Formats posts on the threads that check them (see [`Reporter::renderer`]).
    render: Option<&'a dyn Render>,
    /// Findings carry their line of context (see [`Reporter::shows_context`]).
    context: bool,
}

/// Checks `posts` in order, formatting each when the reporter has a
/// renderer, a step at a time: every post is analysed, then every post's
/// learned rules are scored, then every post's other rules run, then
/// every post's result is made, then every result is formatted. Each
/// step's code then stays in the instruction cache from one post to the
/// next, where checking a post whole runs through all of it for every
/// post (BENCHMARKS.md). A post that panics in a step gets its
/// internal-error note and leaves the steps after it; the others go on.
fn check_posts(linter: &Linter, posts: &[Post], needs: Needs) -> Vec<Result<Done, Note>> {
    // Boxed: an analysis is half a kilobyte, and the steps below move
    // each post's several times (out of its panic guard, into and out of
    // the vectors).
    let mut analysed: Vec<Result<Box<Analysis>, Note>> = (posts.iter())
        .map(|p| isolated(p, || Box::new(linter.analyse(p))))
        .collect();
    let scores = step(posts, &mut analysed, |_, a| linter.score(a));
    let matched = step(posts, &mut analysed, |i, a| linter.matches(a, &scores[i]));
    let results: Vec<Result<PostResult, Note>> = (posts.iter().zip(analysed).zip(matched))
        .map(|((post, analysis), (hits, evidence))| {
            let analysis = analysis?;
            isolated(post, || {
                linter.findings(post, &analysis, hits, evidence, needs.context)
            })
        })
        .collect();
    (posts.iter().zip(results))
        .map(|(post, r)| {
            let r = r?;
            isolated(post, || done(r, needs))
        })
        .collect()
}

/// One step of [`check_posts`] over the posts analysed so far: `f` on
/// each post's analysis (and its place), in order. A post whose analysis
/// failed, or that panics in `f` (its analysis then gives way to the
/// panic's note), gets `T`'s default, which the steps after it skip.
fn step<T: Default>(
    posts: &[Post],
    analysed: &mut [Result<Box<Analysis>, Note>],
    f: impl Fn(usize, &Analysis) -> T,
) -> Vec<T> {
    let mut out = Vec::with_capacity(posts.len());
    for (i, (post, analysis)) in posts.iter().zip(analysed).enumerate() {
        let done = match analysis {
            Ok(a) => isolated(post, || f(i, a)),
            Err(_) => Ok(T::default()),
        };
        out.push(done.unwrap_or_else(|note| {
            *analysis = Err(note);
            T::default()
        }));
    }
    out
}

/// A checked post's result, formatted when the reporter has a renderer.
fn done(r: PostResult, needs: Needs) -> Done {
    match needs.render {
        None => Done::Result(r),
        Some(render) => {
            thread_local! {
                static SCRATCH: std::cell::RefCell<Vec<u8>> =
                    const { std::cell::RefCell::new(Vec::new()) };
            }
            // Formatted in a buffer that stays, then copied out whole:
            // one allocation per post.
            let text = SCRATCH.with_borrow_mut(|scratch| {
                scratch.clear();
                render.render(scratch, &r).map(|()| scratch.to_vec())
            });
            Done::Text(text, Tally::of(&r))
        }
    }
}

/// Hands one checked post to the summary and the reporter.
fn report(
    done: Done,
    outcome: &mut Outcome,
    reporter: &mut dyn Reporter,
    out: &mut dyn Write,
) -> io::Result<()> {
    match done {
        Done::Result(r) => {
            outcome.summary.add(&r);
            reporter.post(out, &r)
        }
        Done::Text(text, tally) => {
            outcome.summary.add_tally(&tally);
            reporter.rendered(out, &text?)
        }
    }
}

#[derive(Default)]
struct FileResult {
    results: Vec<Done>,
    problems: Vec<Problem>,
}

/// Reads and checks `files`, each with its linter; their results in order.
///
/// The posts of files that hold a task's posts or fewer (one-post files,
/// small calendars) are checked together, a step at a time
/// ([`check_posts`]), a task's posts at once from files that share a
/// linter: a folder of one-post files gets what a calendar gets from
/// checking its posts a step at a time. A file with more posts is checked
/// in parallel (in order), so a single calendar uses every core.
fn check_files(
    files: &[(&InputFile, &Linter)],
    opts: &source::Options,
    needs: Needs,
) -> Vec<FileResult> {
    let mut results: Vec<FileResult> = Vec::with_capacity(files.len());
    // What reading each file noted; reported after its posts' notes.
    let mut reads = Vec::with_capacity(files.len());
    let mut waiting = Waiting::default();
    for &(file, linter) in files {
        let mut posts = Vec::new();
        reads.push(source::read(file, opts, &mut |p| posts.push(p)));
        let k = results.len();
        results.push(FileResult {
            results: Vec::with_capacity(posts.len()),
            problems: Vec::new(),
        });
        if posts.len() > POSTS_PER_TASK {
            waiting.check(needs, &mut results);
            for c in check_in_parallel(linter, &posts, needs) {
                results[k].take(c);
            }
            continue;
        }
        let shares = waiting.linter.is_none_or(|l| std::ptr::eq(l, linter));
        if !shares || waiting.posts.len() + posts.len() > POSTS_PER_TASK {
            waiting.check(needs, &mut results);
        }
        waiting.linter = Some(linter);
        waiting.files.extend(std::iter::repeat_n(k, posts.len()));
        waiting.posts.extend(posts);
    }
    waiting.check(needs, &mut results);
    for (fr, read) in results.iter_mut().zip(reads) {
        match read {
            Ok(notes) => fr.problems.extend(notes.into_iter().map(Problem::Note)),
            Err(e) => fr.problems.push(Problem::Input(e)),
        }
    }
    results
}

/// Posts of small files read by [`check_files`] and not checked yet, with
/// the linter they share and, per post, the file it came from.
#[derive(Default)]
struct Waiting<'l> {
    posts: Vec<Post>,
    files: Vec<usize>,
    linter: Option<&'l Linter>,
}

impl Waiting<'_> {
    /// Checks the posts waiting, a step at a time, handing each result to
    /// its file.
    fn check(&mut self, needs: Needs, results: &mut [FileResult]) {
        if let Some(linter) = self.linter.take() {
            let checked = check_posts(linter, &self.posts, needs);
            for (c, &k) in checked.into_iter().zip(&self.files) {
                results[k].take(c);
            }
        }
        self.posts.clear();
        self.files.clear();
    }
}

impl FileResult {
    /// Takes a checked post: its result, or the note of its panic.
    fn take(&mut self, checked: Result<Done, Note>) {
        match checked {
            Ok(r) => self.results.push(r),
            Err(n) => self.problems.push(Problem::Note(n)),
        }
    }
}

/// Checks `posts` on the pool, a task's posts at a time ([`check_posts`]),
/// their results in order.
fn check_in_parallel(linter: &Linter, posts: &[Post], needs: Needs) -> Vec<Result<Done, Note>> {
    pool_threads();
    // Each chunk's results are written in their place, then moved once
    // into a vector made to hold them all: collected as they come, they
    // would grow vectors of unknown size and be copied as those grow.
    let mut chunks = Vec::new();
    posts
        .par_chunks(POSTS_PER_TASK)
        .map(|posts| check_posts(linter, posts, needs))
        .collect_into_vec(&mut chunks);
    let mut results = Vec::with_capacity(posts.len());
    for chunk in chunks {
        results.extend(chunk);
    }
    results
}

/// Bytes of input up to which a run checks a draft or two, and builds its
/// regexes lean (see `pack::compile_lean`): searched a handful of times,
/// they would not repay building their faster engines.
const LITTLE_INPUT: u64 = 8 << 10;

/// The bytes input `path` counts towards [`LITTLE_INPUT`]: standard input
/// may be long, and so may a file whose size cannot be read.
fn input_bytes(path: &str) -> u64 {
    if path == "-" {
        return u64::MAX;
    }
    std::fs::metadata(path).map_or(u64::MAX, |m| m.len())
}

/// The bytes of the calendars among `paths` that are regular files, and
/// of standard input when the run reads it (`-`, or no path) as a
/// calendar (`stdin_calendar`): whether the run is long enough to copy its
/// tables onto huge pages, which must be known before its linters first
/// read them (see [`crate::huge_pages`]). Standard input redirected from
/// a regular file counts its size; piped in, it counts what is read of it
/// ahead of the run, up to [`huge_pages::LONG_RUN`] (see
/// [`source::stdin_ahead`]); a terminal counts nothing. One-post files
/// count nothing, and are not asked their size: a run names thousands of
/// them, and a system call each costs such a run several per cent of its
/// time. Neither do folders (their files are only known once walked).
pub fn named_calendar_bytes(paths: &[String], stdin_calendar: bool) -> u64 {
    named_calendar_bytes_with(
        paths,
        STDIN_PATH.filter(|_| stdin_calendar).map(Path::new),
        piped_stdin_bytes,
    )
}

/// [`named_calendar_bytes`], standard input being the calendar at
/// `stdin` (`None`: not a calendar, or nowhere to be looked at), and
/// `piped` counting it when that is not a regular file.
fn named_calendar_bytes_with(
    paths: &[String],
    stdin: Option<&Path>,
    piped: impl FnOnce() -> u64,
) -> u64 {
    let reads_stdin = paths.is_empty() || paths.iter().any(|p| p == "-");
    let stdin_bytes = match stdin.filter(|_| reads_stdin) {
        Some(path) => regular_len(path).unwrap_or_else(piped),
        None => 0,
    };
    calendar_bytes(paths.iter().map(String::as_str)).saturating_add(stdin_bytes)
}

/// The bytes of a calendar on standard input that is not a regular file:
/// what is read of it ahead of the run, up to [`huge_pages::LONG_RUN`],
/// where its tables can be copied; nothing from a terminal, which a run
/// does not wait on before it starts.
fn piped_stdin_bytes() -> u64 {
    use std::io::IsTerminal;
    if !huge_pages::COPIES || io::stdin().is_terminal() {
        return 0;
    }
    source::stdin_ahead::read_ahead(huge_pages::LONG_RUN)
}

/// The bytes of the calendars among the files a walk gave (those of the
/// folders named as well as the files named; not standard input): what
/// tells a run over folders that it is long, once they are walked.
pub fn walked_calendar_bytes(files: &[InputFile]) -> u64 {
    calendar_bytes(files.iter().map(|f| f.path.as_str()))
}

/// Where a Unix system shows standard input as a path: metadata read
/// there is that of the file standard input was redirected from, if any.
const STDIN_PATH: Option<&str> = if cfg!(unix) { Some("/dev/stdin") } else { None };

/// The bytes of the calendars among `paths` (by their extension) that
/// are regular files; one-post files are not asked.
fn calendar_bytes<'p>(paths: impl Iterator<Item = &'p str>) -> u64 {
    paths
        .filter(|path| *path != "-" && source::Kind::of(path).is_calendar())
        .filter_map(|path| regular_len(Path::new(path)))
        .fold(0, u64::saturating_add)
}

/// The size of the regular file at `path`; `None` for anything else, or
/// a path that cannot be read.
fn regular_len(path: &Path) -> Option<u64> {
    std::fs::metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len())
}

/// Whether `files` hold no more than [`LITTLE_INPUT`] bytes: a draft or
/// two, whose regexes are best built lean.
pub fn little_input(files: &[InputFile]) -> bool {
    let mut total = 0u64;
    files.iter().all(|f| {
        total = total.saturating_add(input_bytes(&f.path));
        total <= LITTLE_INPUT
    })
}

/// Small files a parallel task checks (their posts together, see
/// [`check_files`]), in a head start or a chunk.
const FILES_PER_TASK: usize = 16;

/// Tasks of a head start the pool has at most per thread: a walk finds
/// files far faster than they are checked, and files handed out past what
/// the pool checks during the walk would only be reported in a burst at
/// the end instead of in order as they are checked. The files found while
/// the pool is that busy are left to [`run`].
const HEAD_START_TASKS_PER_THREAD: usize = 2;

/// One-post files checked while the walk that finds them goes on.
///
/// A directory's walk hands its files over only once it has found them
/// all, sorted, and until then the pool would wait: a walk of 2,000 files
/// takes about as long as checking a tenth of them. The pool checks the
/// files found so far instead, in the order they are found, and [`run`]
/// reports each result in its place. A head start starts once the files
/// found hold more than [`LITTLE_INPUT`] bytes, when the run is known not
/// to be a draft or two (whose regexes are built lean: the decision has to
/// come before any post is checked).
pub struct HeadStart<'s, 'a> {
    scope: &'a rayon::Scope<'s>,
    opts: &'s source::Options,
    needs: Needs<'s>,
    /// Bytes of the files found while the run may still be little; `None`
    /// once it is known not to be.
    seen: Option<u64>,
    /// Files found and not yet handed to the pool, with their linters.
    waiting: Vec<(InputFile, Arc<Linter>)>,
    /// Tasks handed out at most at once (see
    /// [`HEAD_START_TASKS_PER_THREAD`]), and those the pool has done.
    most_tasks: usize,
    done: Arc<std::sync::atomic::AtomicUsize>,
    started: HeadStarted,
}

/// The files a head start handed to the pool, and where their results
/// will come.
#[derive(Default)]
pub struct HeadStarted {
    /// Per file, the task that checks it and its place among the task's
    /// files (hashed with foldhash: each file found is looked up here).
    places: HashMap<String, (usize, usize), foldhash::fast::FixedState>,
    tasks: Vec<Checking>,
    /// The files found held more than [`LITTLE_INPUT`] bytes (see
    /// [`little_input`]).
    pub not_little: bool,
}

impl HeadStarted {
    /// How many files were handed to the pool.
    pub fn files(&self) -> usize {
        self.places.len()
    }
}

impl<'s, 'a> HeadStart<'s, 'a> {
    /// A head start whose tasks run in `scope`, reading files with `opts`
    /// and formatting posts with `render` (the reporter's renderer; lines
    /// of context when `context`).
    pub fn new(
        scope: &'a rayon::Scope<'s>,
        opts: &'s source::Options,
        render: Option<&'s dyn Render>,
        context: bool,
    ) -> Self {
        HeadStart {
            scope,
            opts,
            needs: Needs { render, context },
            seen: Some(0),
            waiting: Vec::with_capacity(FILES_PER_TASK),
            most_tasks: 0,
            done: Arc::default(),
            started: HeadStarted::default(),
        }
    }

    /// Takes file `path`, just found by the walk, its linter from
    /// `linters`.
    pub fn found(&mut self, path: &str, linters: &mut LinterSet) {
        if let Some(seen) = &mut self.seen {
            *seen = seen.saturating_add(input_bytes(path));
            if *seen > LITTLE_INPUT {
                self.seen = None;
                self.started.not_little = true;
                crate::pack::compile_lean(false);
                self.most_tasks = pool_threads() * HEAD_START_TASKS_PER_THREAD;
                self.hand_out_if_full();
            }
        }
        // Calendars stream, or are checked post by post in parallel, in
        // their turn; a file the walk found twice is checked twice then.
        if source::Kind::of(path).is_calendar()
            // Until the head start starts, one task's files wait at most.
            || self.waiting.len() >= FILES_PER_TASK
            || self.started.places.contains_key(path)
            || self.waiting.iter().any(|(f, _)| f.path == path)
        {
            return;
        }
        let Ok(linter) = linters.for_path(path) else {
            // `run` reports why.
            return;
        };
        let file = InputFile {
            path: path.to_string(),
            named: false,
        };
        self.waiting.push((file, linter));
        if self.seen.is_none() {
            self.hand_out_if_full();
        }
    }

    /// Hands a full task's files to the pool, or leaves them to `run`
    /// while the pool is busy.
    fn hand_out_if_full(&mut self) {
        if self.waiting.len() < FILES_PER_TASK {
            return;
        }
        let busy = self.started.tasks.len() - self.done.load(Ordering::Relaxed);
        if busy < self.most_tasks {
            self.hand_out();
        } else {
            self.waiting.clear();
        }
    }

    /// Hands the files waiting to the pool as one task.
    fn hand_out(&mut self) {
        let files = std::mem::replace(&mut self.waiting, Vec::with_capacity(FILES_PER_TASK));
        let task = self.started.tasks.len();
        for (i, (f, _)) in files.iter().enumerate() {
            self.started.places.insert(f.path.clone(), (task, i));
        }
        let (opts, needs, done) = (self.opts, self.needs, Arc::clone(&self.done));
        let (tx, rx) = mpsc::sync_channel(1);
        self.scope.spawn(move |_| {
            let files: Vec<(&InputFile, &Linter)> =
                files.iter().map(|(f, linter)| (f, &**linter)).collect();
            let results = check_files(&files, opts, needs);
            done.fetch_add(1, Ordering::Relaxed);
            // The receiver is only gone when reporting already failed.
            let _ = tx.send(results);
        });
        self.started.tasks.push(rx);
    }

    /// What was handed to the pool; the files still waiting are left to
    /// `run`.
    pub fn finish(self) -> HeadStarted {
        self.started
    }
}

/// The results of a head start's files, taken as `run` reports them.
struct HeadResults {
    /// Per file `run` checks, its head start task and place, if any.
    place_of: Vec<Option<(usize, usize)>>,
    tasks: Vec<Checking>,
    /// The tasks' results, as they come.
    received: Vec<Option<Vec<Option<FileResult>>>>,
}

impl HeadResults {
    fn new(files: &[InputFile], mut started: HeadStarted) -> HeadResults {
        let place_of = if started.places.is_empty() {
            Vec::new()
        } else {
            // A file listed twice is taken from the head start once, in
            // a place the walk found it (a file named on the command line
            // is read as named: a binary one is an error, not a note).
            files
                .iter()
                .map(|f| match f.named {
                    true => None,
                    false => started.places.remove(&f.path),
                })
                .collect()
        };
        HeadResults {
            place_of,
            received: started.tasks.iter().map(|_| None).collect(),
            tasks: started.tasks,
        }
    }

    /// Whether file `k` was checked by the head start.
    fn has(&self, k: usize) -> bool {
        matches!(self.place_of.get(k), Some(Some(_)))
    }

    /// The result of file `k`, if the head start checked it; waits for
    /// its task.
    fn take(&mut self, k: usize) -> Option<FileResult> {
        let (task, i) = (*self.place_of.get(k)?)?;
        let results = self.received[task].get_or_insert_with(|| {
            // No result means the task panicked: the scope re-raises it.
            let got: Vec<FileResult> = self.tasks[task].recv().unwrap_or_default();
            got.into_iter().map(Some).collect()
        });
        Some(
            results
                .get_mut(i)
                .and_then(Option::take)
                .unwrap_or_default(),
        )
    }
}

/// Runs every file through its linter and the reporter, taking the
/// results of the files `head_start` checked. `on_problem` is called
/// (after `out` is flushed) for every problem, in input order.
pub fn run(
    files: &[InputFile],
    linters: &mut LinterSet,
    opts: &source::Options,
    reporter: &mut dyn Reporter,
    out: &mut dyn Write,
    head_start: HeadStarted,
    on_problem: &mut dyn FnMut(&Problem),
) -> io::Result<Outcome> {
    let mut outcome = Outcome::default();
    let mut head = HeadResults::new(files, head_start);
    let assigned: Vec<Result<Arc<Linter>, Error>> =
        files.iter().map(|f| linters.for_path(&f.path)).collect();
    reporter.start(out)?;
    let renderer = reporter.renderer();
    let needs = Needs {
        render: renderer.as_deref(),
        context: reporter.shows_context(),
    };
    // One file needs no batches (nor the thread pool, to size them).
    let chunk = if files.len() <= 1 {
        1
    } else {
        pool_threads() * FILES_PER_THREAD
    };
    let stdin_calendar = opts.stdin.is_calendar();
    let bytes = |f: &InputFile| held_bytes(f, stdin_calendar);
    let head_has: Vec<bool> = (0..files.len()).map(|k| head.has(k)).collect();
    // The files of `range` with a linter, checked together unless the
    // head start checked them; the others get their result (or none) in
    // their place.
    let check_files_of = |range: std::ops::Range<usize>| -> Vec<FileResult> {
        let todo: Vec<(&InputFile, &Linter)> = (range.clone())
            .filter(|&k| !head_has[k])
            .filter_map(|k| Some((&files[k], &**assigned[k].as_ref().ok()?)))
            .collect();
        let mut checked = check_files(&todo, opts, needs).into_iter();
        range
            .map(|k| match &assigned[k] {
                // Its result comes from the head start.
                _ if head_has[k] => FileResult::default(),
                Ok(_) => checked.next().unwrap_or_default(),
                Err(e) => FileResult {
                    results: Vec::new(),
                    problems: vec![Problem::Input(e.clone())],
                },
            })
            .collect()
    };
    // A chunk's files are checked a task's files at a time, in parallel.
    let check_chunk = |range: std::ops::Range<usize>| -> Vec<FileResult> {
        if range.len() <= FILES_PER_TASK {
            return check_files_of(range);
        }
        let tasks: Vec<std::ops::Range<usize>> = (range.clone())
            .step_by(FILES_PER_TASK)
            .map(|k| k..(k + FILES_PER_TASK).min(range.end))
            .collect();
        tasks
            .into_par_iter()
            .flat_map_iter(check_files_of)
            .collect()
    };
    // Checks the chunks of small files through `start`, which hands back
    // where a chunk's results will come, and reports them in order.
    let mut drive = |start: &dyn Fn(std::ops::Range<usize>) -> Checking| -> io::Result<()> {
        let mut in_flight = None;
        let mut i = 0;
        while i < files.len() {
            let end = match next_step(i, files.len(), chunk, |k| bytes(&files[k])) {
                Step::Chunk(end) => end,
                Step::Stream => {
                    // The files before are reported first.
                    if let Some(previous) = in_flight.take() {
                        finish(previous, &mut head, &mut outcome, reporter, out, on_problem)?;
                    }
                    match &assigned[i] {
                        Ok(linter) => stream_file(
                            &files[i],
                            linter,
                            opts,
                            needs,
                            reporter,
                            out,
                            &mut outcome,
                            on_problem,
                        )?,
                        Err(e) => emit(
                            &mut outcome,
                            FileResult {
                                results: Vec::new(),
                                problems: vec![Problem::Input(e.clone())],
                            },
                            out,
                            reporter,
                            on_problem,
                        )?,
                    }
                    i += 1;
                    continue;
                }
            };
            if let Some(previous) = in_flight.replace((i..end, start(i..end))) {
                finish(previous, &mut head, &mut outcome, reporter, out, on_problem)?;
            }
            i = end;
        }
        if let Some(previous) = in_flight.take() {
            finish(previous, &mut head, &mut outcome, reporter, out, on_problem)?;
        }
        Ok(())
    };
    // One file needs no pool; nor does a run on a thread of the pool
    // itself, where waiting for a spawned task could wait for ever: each
    // chunk is checked there and then.
    if files.len() <= 1 || rayon::current_thread_index().is_some() {
        drive(&|range| {
            let (tx, rx) = mpsc::sync_channel(1);
            let _ = tx.send(check_chunk(range));
            rx
        })?;
    } else {
        // A chunk of small files is checked by the pool while this thread
        // reports the chunk before: a thread that is done with its share
        // of a chunk (or waits for a pattern another one compiles) starts
        // on the next rather than waiting for the slowest file. At most
        // two chunks are held.
        rayon::in_place_scope(|scope| {
            drive(&|range| {
                let (tx, rx) = mpsc::sync_channel(1);
                // The receiver is only gone when reporting already failed.
                scope.spawn(move |_| {
                    let _ = tx.send(check_chunk(range));
                });
                rx
            })
        })?;
    }
    reporter.finish(out, &outcome.summary)?;
    out.flush()?;
    Ok(outcome)
}

/// The bytes file `f` holds, as far as chunks and streaming go
/// (`next_step`). A calendar on stdin (`stdin_calendar`) may be of any
/// size, and is read only once; a file that cannot be read counts as
/// empty (reading it reports why). A text or Markdown file is one post,
/// which a chunk holds as well as a stream would, and counts as empty
/// too: a folder of thousands of posts is not asked for each file's size
/// by the thread that hands out the work, which costs a run of one-post
/// files about 5% of its time.
fn held_bytes(f: &InputFile, stdin_calendar: bool) -> u64 {
    if f.path == "-" {
        return if stdin_calendar { u64::MAX } else { 0 };
    }
    if !source::Kind::of(&f.path).is_calendar() {
        return 0;
    }
    std::fs::metadata(&f.path).map_or(0, |m| m.len())
}

/// What `run` does with the files from one on.
#[derive(Debug, PartialEq)]
enum Step {
    /// Streams the first, a big one.
    Stream,
    /// Checks the files up to this one (not included) as a chunk.
    Chunk(usize),
}

/// The next step of `run` from file `i` of `count`, `bytes(k)` being the
/// size of file `k`: a big file streams; small ones are checked as a
/// chunk that ends before a big file, or once it holds `chunk` files or
/// `CHUNK_BYTES`.
fn next_step(i: usize, count: usize, chunk: usize, bytes: impl Fn(usize) -> u64) -> Step {
    let mut held = bytes(i);
    if held >= STREAM_BYTES {
        return Step::Stream;
    }
    let mut end = i + 1;
    while end < count && end - i < chunk && held < CHUNK_BYTES {
        let next = bytes(end);
        if next >= STREAM_BYTES {
            break;
        }
        held += next;
        end += 1;
    }
    Step::Chunk(end)
}

/// Where the results of a chunk of files being checked will come.
type Checking = mpsc::Receiver<Vec<FileResult>>;

/// Reports chunk `range` of the files checked by `run`, once its check
/// is done, the results of its files that `head` checked in their place.
fn finish(
    (range, checked): (std::ops::Range<usize>, Checking),
    head: &mut HeadResults,
    outcome: &mut Outcome,
    reporter: &mut dyn Reporter,
    out: &mut dyn Write,
    on_problem: &mut dyn FnMut(&Problem),
) -> io::Result<()> {
    // No result means the check panicked: the scope re-raises it.
    for (k, fr) in range.zip(checked.recv().unwrap_or_default()) {
        let fr = head.take(k).unwrap_or(fr);
        emit(outcome, fr, out, reporter, on_problem)?;
    }
    Ok(())
}

fn emit(
    outcome: &mut Outcome,
    fr: FileResult,
    out: &mut dyn Write,
    reporter: &mut dyn Reporter,
    on_problem: &mut dyn FnMut(&Problem),
) -> io::Result<()> {
    for done in fr.results {
        report(done, outcome, reporter, out)?;
    }
    if !fr.problems.is_empty() {
        out.flush()?;
    }
    for p in &fr.problems {
        outcome.input_error |= is_input_error(p);
        on_problem(p);
    }
    Ok(())
}

fn is_input_error(p: &Problem) -> bool {
    match p {
        Problem::Input(_) => true,
        Problem::Note(n) => n.level == source::NoteLevel::Error,
    }
}

/// Streams a large file: posts are checked in parallel batches and
/// reported in order as they come.
#[allow(clippy::too_many_arguments)]
fn stream_file(
    file: &InputFile,
    linter: &Linter,
    opts: &source::Options,
    needs: Needs,
    reporter: &mut dyn Reporter,
    out: &mut dyn Write,
    outcome: &mut Outcome,
    on_problem: &mut dyn FnMut(&Problem),
) -> io::Result<()> {
    type Checked = Vec<Result<Done, Note>>;
    pool_threads();
    let check_batch = |batch: Vec<Post>| -> Checked { check_in_parallel(linter, &batch, needs) };
    let mut write = |checked: Checked,
                     outcome: &mut Outcome,
                     on_problem: &mut dyn FnMut(&Problem)|
     -> io::Result<()> {
        for c in checked {
            match c {
                Ok(done) => report(done, outcome, reporter, out)?,
                Err(n) => {
                    out.flush()?;
                    outcome.input_error = true;
                    on_problem(&Problem::Note(n));
                }
            }
        }
        Ok(())
    };
    let mut failure: Option<io::Error> = None;
    // A full batch is checked by the pool while this thread reads the next
    // one and reports the one before: at most three batches are held.
    let read = rayon::in_place_scope(|scope| {
        let mut batch: Vec<Post> = Vec::with_capacity(BATCH_POSTS);
        let mut in_flight: Option<mpsc::Receiver<Checked>> = None;
        // On a thread of the pool itself, waiting for a spawned task could
        // wait for ever: check there and then.
        let overlap = rayon::current_thread_index().is_none();
        let start = |batch: Vec<Post>| {
            let (tx, rx) = mpsc::sync_channel(1);
            if overlap {
                scope.spawn(move |_| {
                    // The receiver is only gone when reporting already failed.
                    let _ = tx.send(check_batch(batch));
                });
            } else {
                let _ = tx.send(check_batch(batch));
            }
            rx
        };
        let mut finish = |rx: mpsc::Receiver<Checked>,
                          failure: &mut Option<io::Error>,
                          outcome: &mut Outcome,
                          on_problem: &mut dyn FnMut(&Problem)| {
            // No result means the check panicked: the scope re-raises it.
            if let Ok(checked) = rx.recv()
                && failure.is_none()
                && let Err(e) = write(checked, outcome, on_problem)
            {
                *failure = Some(e);
            }
        };
        let read = source::read(file, opts, &mut |post| {
            if failure.is_some() {
                return;
            }
            batch.push(post);
            if batch.len() < BATCH_POSTS {
                return;
            }
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_POSTS));
            if let Some(previous) = in_flight.replace(start(full)) {
                finish(previous, &mut failure, outcome, on_problem);
            }
        });
        if let Some(previous) = in_flight.take() {
            finish(previous, &mut failure, outcome, on_problem);
        }
        if failure.is_none() && !batch.is_empty() {
            finish(start(batch), &mut failure, outcome, on_problem);
        }
        read
    });
    if let Some(e) = failure {
        return Err(e);
    }
    out.flush()?;
    let problems: Vec<Problem> = match read {
        Ok(notes) => notes.into_iter().map(Problem::Note).collect(),
        Err(e) => vec![Problem::Input(e)],
    };
    for p in &problems {
        outcome.input_error |= is_input_error(p);
        on_problem(p);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Human;

    /// The steps `run` takes over files of sizes `sizes`.
    fn steps(sizes: &[u64], chunk: usize) -> Vec<Step> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < sizes.len() {
            let step = next_step(i, sizes.len(), chunk, |k| sizes[k]);
            i = match step {
                Step::Stream => i + 1,
                Step::Chunk(end) => end,
            };
            out.push(step);
        }
        out
    }

    #[test]
    fn small_files_are_chunked_by_count_and_bytes_and_big_ones_streamed() {
        let big = STREAM_BYTES;
        let small = 100;
        // By count: 64 files a chunk.
        assert_eq!(
            steps(&[small; 130], 64),
            [Step::Chunk(64), Step::Chunk(128), Step::Chunk(130)]
        );
        // A big file streams on its own, between chunks.
        assert_eq!(
            steps(&[small, small, big, small, big, big], 64),
            [
                Step::Chunk(2),
                Step::Stream,
                Step::Chunk(4),
                Step::Stream,
                Step::Stream
            ]
        );
        // By bytes: a chunk closes once it holds CHUNK_BYTES, the file that
        // reaches it included.
        let part = STREAM_BYTES - 1;
        let per_chunk = CHUNK_BYTES.div_ceil(part) as usize;
        let sizes = vec![part; 2 * per_chunk + 1];
        assert_eq!(
            steps(&sizes, 64),
            [
                Step::Chunk(per_chunk),
                Step::Chunk(2 * per_chunk),
                Step::Chunk(2 * per_chunk + 1)
            ]
        );
        // One file at a time when the chunk is one file.
        assert_eq!(steps(&[small, big], 1), [Step::Chunk(1), Step::Stream]);
        assert_eq!(steps(&[], 64), []);
    }
    use crate::source::NoteLevel;

    /// Named calendars count, and standard input when it is read as a
    /// calendar (its size, or what is read of it ahead); one-post files,
    /// folders (however much they hold) and paths that cannot be read do
    /// not.
    #[test]
    fn named_calendar_bytes_counts_the_calendars_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
        std::fs::write(path("a.jsonl"), vec![b'a'; 3000]).unwrap();
        std::fs::write(path("b.csv"), vec![b'b'; 500]).unwrap();
        std::fs::write(path("post.md"), vec![b'p'; 9000]).unwrap();
        std::fs::write(path("stdin.csv"), vec![b's'; 40]).unwrap();
        std::fs::create_dir(path("posts")).unwrap();
        std::fs::write(path("posts/c.csv"), vec![b'c'; 7000]).unwrap();
        let named = |paths: &[String]| named_calendar_bytes(paths, false);
        assert_eq!(named(&[path("a.jsonl"), path("b.csv")]), 3500);
        assert_eq!(
            named(&[
                path("a.jsonl"),
                path("post.md"),
                path("posts"),
                path("missing.csv"),
                "-".into()
            ]),
            3000
        );

        // Standard input redirected from a calendar counts when it is read.
        let stdin_file = path("stdin.csv");
        let never_piped = || -> u64 { panic!("a regular file is not read ahead") };
        let with_stdin = |paths: &[String]| {
            named_calendar_bytes_with(paths, Some(Path::new(&stdin_file)), never_piped)
        };
        assert_eq!(with_stdin(&[path("a.jsonl"), "-".into()]), 3040);
        assert_eq!(with_stdin(&[]), 40);
        assert_eq!(with_stdin(&[path("b.csv")]), 500);
        // Standard input that is not a regular file (a pipe, a terminal;
        // here a folder) counts what `piped` reads of it ahead.
        let posts = path("posts");
        let piped =
            |paths: &[String]| named_calendar_bytes_with(paths, Some(Path::new(&posts)), || 70);
        assert_eq!(piped(&["-".into()]), 70);
        assert_eq!(piped(&[path("b.csv"), "-".into()]), 570);
        // Nothing where standard input is not read, or has no path.
        assert_eq!(piped(&[path("b.csv")]), 500);
        assert_eq!(
            named_calendar_bytes_with(&["-".into()], None, never_piped),
            0
        );

        // A walk's files count the calendars among them, found or named.
        let walked = |paths: &[&str]| {
            let files: Vec<InputFile> = (paths.iter())
                .map(|p| InputFile {
                    path: path(p),
                    named: false,
                })
                .collect();
            walked_calendar_bytes(&files)
        };
        assert_eq!(walked(&["posts/c.csv", "post.md", "a.jsonl"]), 10_000);
        assert_eq!(walked(&["post.md", "missing.yaml"]), 0);
    }

    #[test]
    fn only_calendars_count_their_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let big = vec![b'a'; STREAM_BYTES as usize + 1];
        let file = |name: &str, named| {
            let path = dir.path().join(name);
            std::fs::write(&path, &big).unwrap();
            InputFile {
                path: path.to_string_lossy().into_owned(),
                named,
            }
        };
        // A calendar streams once it is big; a one-post file never does.
        for name in ["posts.csv", "posts.jsonl", "posts.yaml"] {
            assert_eq!(held_bytes(&file(name, false), false), STREAM_BYTES + 1);
        }
        for name in ["post.txt", "post.md", "post"] {
            assert_eq!(held_bytes(&file(name, true), false), 0);
        }
        let missing = InputFile {
            path: dir.path().join("gone.csv").to_string_lossy().into_owned(),
            named: true,
        };
        assert_eq!(held_bytes(&missing, false), 0);
        let stdin = InputFile {
            path: "-".to_string(),
            named: true,
        };
        assert_eq!(held_bytes(&stdin, true), u64::MAX);
        assert_eq!(held_bytes(&stdin, false), 0);
    }

    #[test]
    fn a_head_started_file_is_reported_once_where_the_walk_found_it() {
        let (tx, rx) = mpsc::sync_channel(1);
        let early = FileResult {
            results: Vec::new(),
            problems: vec![Problem::Input(Error::Usage("checked early".into()))],
        };
        tx.send(vec![early]).unwrap();
        let mut started = HeadStarted::default();
        started.places.insert("posts/a.txt".into(), (0, 0));
        started.tasks.push(rx);
        let file = |named| InputFile {
            path: "posts/a.txt".into(),
            named,
        };
        // Named first (read as named: not the walk's result), then found
        // by two walks (the first takes the result, the second checks it
        // again).
        let files = [file(true), file(false), file(false)];
        let mut head = HeadResults::new(&files, started);
        assert_eq!(
            (0..3).map(|k| head.has(k)).collect::<Vec<_>>(),
            [false, true, false]
        );
        assert!(head.take(0).is_none());
        let taken = head.take(1).expect("the walk's place takes the result");
        assert!(
            matches!(&taken.problems[..], [Problem::Input(Error::Usage(m))] if m == "checked early")
        );
        assert!(head.take(2).is_none());
    }

    /// A checked post as the reporter gets it: its formatted text, or its
    /// result.
    fn shown(done: &Done) -> String {
        match done {
            Done::Result(r) => format!("{r:?}"),
            Done::Text(text, _) => String::from_utf8(text.as_ref().unwrap().clone()).unwrap(),
        }
    }

    /// What the human report needs, and what a report that formats
    /// nothing and shows no context needs.
    fn both_needs(human: &Human) -> [Needs<'_>; 2] {
        [
            Needs {
                render: Some(human),
                context: true,
            },
            Needs {
                render: None,
                context: false,
            },
        ]
    }

    /// Posts of a calendar `source`, one per row from the second line, in
    /// column 3.
    fn calendar_posts(source: &str, texts: &[&str]) -> Vec<Post> {
        (texts.iter().enumerate())
            .map(|(i, t)| {
                let mut p = Post::new(source, *t);
                p.index = i;
                p.line = i + 2;
                p.column = 3;
                p
            })
            .collect()
    }

    #[test]
    fn a_panic_in_one_post_is_an_error_note_and_the_others_are_checked() {
        let posts = calendar_posts("cal.csv", &["first", "boom", "third"]);
        // Keep the test output clean: the default hook would print the panic.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let results: Vec<Result<usize, Note>> = posts
            .iter()
            .map(|p| {
                isolated(p, || {
                    if p.text == "boom" {
                        panic!("index out of range in {}", p.text);
                    }
                    p.text.len()
                })
            })
            .collect();
        std::panic::set_hook(hook);
        assert_eq!(results[0].as_ref().ok(), Some(&5));
        assert_eq!(results[2].as_ref().ok(), Some(&5));
        let note = results[1].as_ref().unwrap_err();
        assert_eq!(note.level, NoteLevel::Error);
        assert_eq!(
            (note.error.file.as_str(), note.error.line, note.error.column),
            ("cal.csv", 3, 3)
        );
        assert!(
            note.error.message.contains("internal error")
                && note.error.message.contains("index out of range in boom"),
            "{}",
            note.error.message
        );
        // An error note makes the run exit 2.
        assert!(is_input_error(&Problem::Note(note.clone())));
    }

    #[test]
    fn posts_checked_a_step_at_a_time_come_out_as_posts_checked_whole() {
        use crate::engine::{Engine, Selection};
        let linter = Linter::new(
            Engine::new(&crate::pack::built_in().unwrap(), &Selection::default()).unwrap(),
        );
        let texts = [
            "Thanks to everyone who came to the open day, see you next spring!",
            "Oh great, the delivery is late AGAIN. Just what I needed!!!",
            "Anyone who buys from them is an idiot, and you know it.",
            "Our margins are down to 3% and my home address is 12 Elm Street.",
            "New menu at https://example.com today #FreshBread @bakery",
            "Line one of a draft.\nLine two says we are the best in the world.",
            "😀😀😀",
        ];
        let posts = calendar_posts("drafts.csv", &texts);
        let human = Human::new(false, false);
        for needs in both_needs(&human) {
            let stepped: Vec<String> = check_posts(&linter, &posts, needs)
                .iter()
                .map(|d| shown(d.as_ref().unwrap()))
                .collect();
            let whole: Vec<String> = (posts.iter())
                .map(|p| {
                    let r = if needs.context {
                        linter.check(p)
                    } else {
                        linter.check_without_context(p)
                    };
                    shown(&done(r, needs))
                })
                .collect();
            assert_eq!(stepped, whole);
            assert!(
                stepped
                    .iter()
                    .any(|s| s.contains("FAIL") || s.contains("passed: false"))
            );
        }
    }

    #[test]
    fn files_checked_together_come_out_as_files_checked_alone() {
        use crate::engine::{Engine, Selection};
        let packs = crate::pack::built_in().unwrap();
        let all = Linter::new(Engine::new(&packs, &Selection::default()).unwrap());
        let kind_only = Selection {
            select: vec!["kind".into()],
            ..Selection::default()
        };
        let kind = Linter::new(Engine::new(&packs, &kind_only).unwrap());
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            InputFile {
                path: path.to_string_lossy().into_owned(),
                named: false,
            }
        };
        let rows: String = (0..40)
            .map(|i| format!("{i},\"Oh great, the train is late AGAIN, day {i}!!!\"\n"))
            .collect();
        let files = [
            write("a.txt", b"Thanks to everyone who came to the open day!"),
            write("b.md", b"# Notes\n\nAnyone who buys from them is an idiot."),
            write("empty.txt", b""),
            write("binary.txt", b"GIF89a\x00\x01\x00\x00"),
            write(
                "few.csv",
                b"id,text\n1,Our margins are down to 3%.\n2,\n3,Great news!\n",
            ),
            write("many.csv", format!("id,text\n{rows}").as_bytes()),
            write("c.txt", b"Just what I needed, another Monday."),
            write("d.txt", b"My home address is 12 Elm Street, come by."),
            write("e.txt", b"We are the best bakery in the whole world."),
        ];
        // Two linters, so the posts waiting are checked whenever the
        // linter changes; and every file's posts together would pass a
        // task's posts.
        let linters = [&all, &all, &all, &kind, &kind, &kind, &kind, &all, &all];
        let pairs: Vec<(&InputFile, &Linter)> = files.iter().zip(linters).collect();
        let human = Human::new(false, false);
        let shown = |fr: &FileResult| {
            let results: Vec<String> = fr.results.iter().map(shown).collect();
            (results, format!("{:?}", fr.problems))
        };
        for needs in both_needs(&human) {
            let opts = source::Options::default();
            let together: Vec<_> = check_files(&pairs, &opts, needs)
                .iter()
                .map(shown)
                .collect();
            let alone: Vec<_> = (pairs.iter())
                .map(|&pair| shown(&check_files(&[pair], &opts, needs)[0]))
                .collect();
            assert_eq!(together, alone);
            let posts: Vec<usize> = together.iter().map(|(r, _)| r.len()).collect();
            assert_eq!(posts, [1, 1, 0, 0, 2, 40, 1, 1, 1]);
            // The empty file, the binary one and the empty row are noted,
            // each in its file.
            assert!(together[2].1.contains("empty"), "{}", together[2].1);
            assert!(together[3].1.contains("binary"), "{}", together[3].1);
            assert!(together[4].1.contains("empty"), "{}", together[4].1);
        }
    }

    #[test]
    fn a_post_that_panics_in_a_step_leaves_the_steps_after_it() {
        let posts = calendar_posts("cal.csv", &["first", "boom", "third"]);
        let mut analysed: Vec<Result<Box<Analysis>, Note>> = (posts.iter())
            .map(|p| Ok(Box::new(Analysis::new(&p.text))))
            .collect();
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let lengths = step(&posts, &mut analysed, |i, a| {
            assert_ne!(a.text, "boom", "step failed on post {i}");
            a.tokens.len() + 10 * i
        });
        // The post that failed is skipped by the next step.
        let seen = step(&posts, &mut analysed, |i, _| i + 1);
        std::panic::set_hook(hook);
        assert_eq!(lengths, [1, 0, 21]);
        assert_eq!(seen, [1, 0, 3]);
        let Err(note) = &analysed[1] else {
            panic!("post 2 has no note of its panic");
        };
        assert_eq!(note.error.line, 3);
        assert!(
            note.error.message.contains("step failed on post 1"),
            "{}",
            note.error.message
        );
        assert!(analysed[0].is_ok() && analysed[2].is_ok());
    }
}
