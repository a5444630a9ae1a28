//! `think-lint hook install` writes a git pre-commit hook that runs
//! `think-lint hook run`, which checks the staged post files.

use std::path::{Path, PathBuf};
use std::process::Command;
use think_lint::Error;
use think_lint::config::Config;
use think_lint::source::walk::has_post_extension;

/// Marks a hook as ours, so reinstalling may replace it.
const MARKER: &str = "think-lint hook run";

fn git(args: &[&str]) -> Result<String, Error> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| Error::Usage(format!("could not run git: {e}; is git installed?")))?;
    if !out.status.success() {
        return Err(Error::Usage(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Writes `.git/hooks/pre-commit` (or wherever `core.hooksPath` points).
pub fn install(force: bool) -> Result<u8, Error> {
    let hooks = PathBuf::from(git(&["rev-parse", "--git-path", "hooks"])?.trim());
    std::fs::create_dir_all(&hooks).map_err(|e| Error::io(hooks.display(), &e))?;
    let path = hooks.join("pre-commit");
    if let Ok(existing) = std::fs::read_to_string(&path)
        && !existing.contains(MARKER)
        && !force
    {
        return Err(Error::Usage(format!(
            "{} already exists and is not think-lint's; add `{MARKER}` to it yourself, or use `think-lint hook install --force` to replace it",
            path.display()
        )));
    }
    let exe = std::env::current_exe()
        .ok()
        .filter(|p| p.is_file())
        .map(|p| shell_quote(&p))
        .unwrap_or_else(|| "think-lint".to_string());
    let script = format!(
        "#!/bin/sh\n# Installed by `think-lint hook install`: checks staged posts before each commit.\n# Skip it once with `git commit --no-verify`; delete this file to uninstall.\nif [ -x {exe} ]; then exec {exe} hook run; fi\nexec think-lint hook run\n"
    );
    std::fs::write(&path, script).map_err(|e| Error::io(path.display(), &e))?;
    make_executable(&path)?;
    println!(
        "installed the think-lint pre-commit hook at {}",
        path.display()
    );
    Ok(0)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), Error> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::io(path.display(), &e))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<(), Error> {
    Ok(())
}

fn shell_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

/// The staged files (added, copied, modified or renamed) that are posts:
/// matching the configuration's `include` globs, or the post extensions
/// when it has none, and no `exclude` glob. Paths are relative to the
/// repository root, where git runs hooks.
pub fn staged_posts(config: &Config) -> Result<Vec<String>, Error> {
    let listed = git(&[
        "diff",
        "--cached",
        "--name-only",
        "--diff-filter=ACMR",
        "-z",
    ])?;
    let set = |globs: &[String]| -> Result<Option<globset::GlobSet>, Error> {
        if globs.is_empty() {
            return Ok(None);
        }
        let mut b = globset::GlobSetBuilder::new();
        for g in globs {
            b.add(globset::Glob::new(g).map_err(|e| Error::Usage(format!("bad glob `{g}`: {e}")))?);
        }
        b.build().map(Some).map_err(|e| Error::Usage(e.to_string()))
    };
    let include = set(&config.include)?;
    let exclude = set(&config.exclude)?;
    Ok(listed
        .split('\0')
        .filter(|f| !f.is_empty())
        .filter(|f| match &include {
            Some(s) => s.is_match(f),
            None => has_post_extension(Path::new(f)),
        })
        .filter(|f| !exclude.as_ref().is_some_and(|s| s.is_match(f)))
        .map(str::to_string)
        .collect())
}
