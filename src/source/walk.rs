//! Expands the command line's paths into input files: directories are
//! walked (honouring `.gitignore` and `.ignore`, hidden files skipped) and
//! filtered by include/exclude globs; files named directly are always
//! checked. The result is sorted, so output order never depends on the
//! file system.

use super::Note;
use crate::error::{Error, LocatedError};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::Path;

/// Whether a walk picks up `file` by its extension (one of
/// [`EXTENSIONS`](super::EXTENSIONS), in any case).
pub fn has_post_extension(file: &Path) -> bool {
    file.to_str()
        .map_or_else(
            || file.extension().and_then(|e| e.to_str()),
            super::extension,
        )
        .is_some_and(|e| super::Kind::of_extension(e).is_some())
}

#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Globs of files to check inside walked directories (default: post
    /// extensions).
    pub include: Vec<String>,
    /// Globs never checked inside walked directories.
    pub exclude: Vec<String>,
}

/// A file to read, and whether the user named it (rather than it being
/// found by walking a directory).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    pub path: String,
    pub named: bool,
}

impl InputFile {
    /// `path`, as the user named it.
    fn named(path: &str) -> InputFile {
        InputFile {
            path: path.to_string(),
            named: true,
        }
    }
}

/// The files to check, in order, and what was skipped or went wrong.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<InputFile>,
    pub notes: Vec<Note>,
}

fn globs(patterns: &[String], what: &str) -> Result<Option<GlobSet>, Error> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let g = Glob::new(p).map_err(|e| Error::Usage(format!("bad {what} glob `{p}`: {e}")))?;
        b.add(g);
    }
    b.build()
        .map(Some)
        .map_err(|e| Error::Usage(format!("bad {what} globs: {e}")))
}

/// Expands `paths` into the files to check.
pub fn walk(paths: &[String], opts: &WalkOptions) -> Result<Walk, Error> {
    walk_finding(paths, opts, &mut |_| {})
}

/// [`walk`] of `paths` known to name no folder (the caller has asked each
/// whether it does, and none did): every path is a file to check as
/// named, and is not asked again, which would cost a run of thousands of
/// named files a system call each. The walk's globs are still checked,
/// so that a bad one is reported whatever the paths.
pub fn walk_named_files(paths: &[String], opts: &WalkOptions) -> Result<Walk, Error> {
    globs(&opts.include, "include")?;
    globs(&opts.exclude, "exclude")?;
    Ok(Walk {
        files: paths.iter().map(|path| InputFile::named(path)).collect(),
        notes: Vec::new(),
    })
}

/// [`walk`], calling `found` with each file a directory's walk finds, as
/// it finds it (in the file system's order, before the files are sorted):
/// a caller can start on them while the walk goes on.
pub fn walk_finding(
    paths: &[String],
    opts: &WalkOptions,
    found_one: &mut dyn FnMut(&str),
) -> Result<Walk, Error> {
    let include = globs(&opts.include, "include")?;
    let exclude = globs(&opts.exclude, "exclude")?;
    let mut out = Walk::default();
    for path in paths {
        let p = Path::new(path);
        if path == "-" || !p.is_dir() {
            out.files.push(InputFile::named(path));
            continue;
        }
        let mut found = Vec::new();
        // Not sorted while walking: the files found are sorted below, and
        // sorting each directory's entries by name costs more than the
        // rest of the walk.
        let walker = ignore::WalkBuilder::new(p)
            .require_git(false)
            .follow_links(false)
            .build();
        let first_note = out.notes.len();
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    out.notes.push(Note::error(LocatedError {
                        file: path.clone(),
                        line: 1,
                        column: 1,
                        rule: None,
                        message: format!("could not walk: {e}"),
                        help: None,
                    }));
                    continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let file = entry.path();
            // Only globs need the path within the directory walked (working
            // it out costs more than the rest of the walk of a file).
            let rel = || file.strip_prefix(p).unwrap_or(file);
            let wanted = match &include {
                Some(set) => set.is_match(rel()) || set.is_match(file),
                None => has_post_extension(file),
            };
            let excluded = exclude
                .as_ref()
                .is_some_and(|set| set.is_match(rel()) || set.is_match(file));
            if wanted && !excluded {
                let name = match file.to_str() {
                    Some(name) => name.to_string(),
                    None => file.display().to_string(),
                };
                found_one(&name);
                found.push(name);
            }
        }
        found.sort();
        // The walk's own order is the file system's: its problems are put
        // in an order of their own.
        out.notes[first_note..].sort_by(|a, b| a.error.message.cmp(&b.error.message));
        out.files.extend(
            found
                .into_iter()
                .map(|path| InputFile { path, named: false }),
        );
    }
    Ok(out)
}

/// Whether bytes look like a binary file rather than text: a NUL byte in
/// the first 8 KiB (as git and ripgrep judge).
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// Paths known to name no folder are the files to check, in order and
    /// as named, whatever they are (a missing one is reported when read);
    /// a bad glob is an error all the same.
    #[test]
    fn named_files_are_checked_as_named() {
        let paths: Vec<String> = ["b.md", "-", "missing.csv", "a.txt"]
            .map(String::from)
            .to_vec();
        let w = walk_named_files(&paths, &WalkOptions::default()).unwrap();
        let files: Vec<_> = w.files.iter().map(|f| (f.path.as_str(), f.named)).collect();
        assert_eq!(
            files,
            [
                ("b.md", true),
                ("-", true),
                ("missing.csv", true),
                ("a.txt", true)
            ]
        );
        assert!(w.notes.is_empty());
        // The same as the walk makes of them.
        assert_eq!(
            walk(&paths, &WalkOptions::default()).unwrap().files,
            w.files
        );
        let bad = WalkOptions {
            include: vec!["posts/[".into()],
            exclude: vec![],
        };
        assert!(walk_named_files(&paths, &bad).is_err());
    }

    #[test]
    fn walks_post_files_honouring_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("posts/drafts")).unwrap();
        fs::write(d.join(".gitignore"), "drafts/\n").unwrap();
        fs::write(d.join("posts/b.md"), "b").unwrap();
        fs::write(d.join("posts/a.txt"), "a").unwrap();
        fs::write(d.join("posts/logo.png"), "x").unwrap();
        fs::write(d.join("posts/drafts/c.md"), "c").unwrap();
        let root = d.display().to_string();
        let w = walk(std::slice::from_ref(&root), &WalkOptions::default()).unwrap();
        let names: Vec<_> = w
            .files
            .iter()
            .map(|f| f.path.trim_start_matches(&root))
            .collect();
        assert_eq!(names, ["/posts/a.txt", "/posts/b.md"]);

        let opts = WalkOptions {
            include: vec!["**/*.md".into()],
            exclude: vec![],
        };
        let w = walk(std::slice::from_ref(&root), &opts).unwrap();
        assert_eq!(w.files.len(), 1);
    }

    #[test]
    fn globs_match_the_path_within_the_folder_or_the_whole_path() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("posts/old")).unwrap();
        fs::write(d.join("posts/a.txt"), "a").unwrap();
        fs::write(d.join("posts/b.md"), "b").unwrap();
        fs::write(d.join("posts/old/c.txt"), "c").unwrap();
        fs::write(d.join("notes.csv"), "text\nd\n").unwrap();
        let root = d.display().to_string();
        let names = |include: &[&str], exclude: &[&str]| -> Vec<String> {
            let opts = WalkOptions {
                include: include.iter().map(|g| g.to_string()).collect(),
                exclude: exclude.iter().map(|g| g.to_string()).collect(),
            };
            let w = walk(std::slice::from_ref(&root), &opts).unwrap();
            w.files
                .iter()
                .map(|f| f.path.trim_start_matches(&root).to_string())
                .collect()
        };
        // Within the folder walked.
        assert_eq!(
            names(&[], &["posts/old/*"]),
            ["/notes.csv", "/posts/a.txt", "/posts/b.md"]
        );
        assert_eq!(names(&["posts/old/*"], &[]), ["/posts/old/c.txt"]);
        // The whole path.
        let whole = format!("{root}/posts/**");
        assert_eq!(names(&[], &[&whole]), ["/notes.csv"]);
        // Both at once: an include by the whole path, an exclude within.
        assert_eq!(
            names(&[&format!("{root}/**/*.txt")], &["posts/old/**"]),
            ["/posts/a.txt"]
        );
    }
}
