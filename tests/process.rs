//! How the process behaves around its output and signals: a closed pipe
//! ends the run quietly, and Ctrl-C exits 130. (A panic inside one post's
//! check is covered by a unit test of the run loop's isolation.)

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A calendar big enough to be streamed (5 MiB), so output starts
/// long before the run ends.
fn big_calendar(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("big.csv");
    let mut csv = String::from("id,platform,text\n");
    let mut i = 0;
    while csv.len() < (5 << 20) {
        csv.push_str(&format!(
            "{i},x,\"Fresh sourdough at 7am today, see you at the shop on Main Street! Row {i}.\"\n"
        ));
        i += 1;
    }
    fs::write(&path, csv).unwrap();
    path
}

/// A folder of many small posts: output starts after the first few files.
fn many_posts(dir: &Path) {
    let posts = dir.join("posts");
    fs::create_dir(&posts).unwrap();
    for i in 0..3000 {
        fs::write(
            posts.join(format!("{i:04}.txt")),
            format!("Fresh sourdough at 7am today, see you at the shop! Post {i}."),
        )
        .unwrap();
    }
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_think-lint"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for `child` at most `limit`, killing it (and failing) after that.
fn wait(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stderr_of(child: &mut Child) -> String {
    let mut s = String::new();
    child.stderr.take().unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    big_calendar(dir.path());
    many_posts(dir.path());
    for (format, input) in [
        ("human", "big.csv"),
        ("jsonl", "posts"),
        ("json", "posts"),
        ("human", "posts"),
    ] {
        let mut child = spawn(dir.path(), &["--format", format, "--color", "never", input]);
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        if first.is_empty() {
            let _ = child.wait();
            panic!("{format}: no output: {}", stderr_of(&mut child));
        }
        drop(out); // like `| head -1`
        let status = wait(&mut child, Duration::from_secs(60));
        let stderr = stderr_of(&mut child);
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert!(
            !stderr.to_lowercase().contains("broken pipe"),
            "{format}: {stderr}"
        );
        assert_eq!(status.code(), Some(0), "{format}: {stderr}");
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    many_posts(dir.path());
    let mut child = spawn(dir.path(), &["--format", "jsonl", "posts"]);
    let mut out = BufReader::new(child.stdout.take().unwrap());
    // The first post out means the handler is in place and checking is
    // under way.
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(!first.is_empty());
    // The signal goes before the rest is read: the run's output is far
    // more than the pipe holds, so the run cannot end before the signal
    // comes, however fast it is, and waits at most for the pipe.
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    // Then the rest is read, so the run is not stopped by a full pipe
    // instead.
    let drain = std::thread::spawn(move || {
        let mut rest = Vec::new();
        let _ = out.read_to_end(&mut rest);
    });
    let status = wait(&mut child, Duration::from_secs(30));
    drain.join().unwrap();
    let stderr = stderr_of(&mut child);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(130), "{status:?} {stderr}");
}
