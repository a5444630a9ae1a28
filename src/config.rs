//! `think-lint.toml`: found by walking up from the current directory (or
//! named with `--config`); CLI flags override it.

use crate::error::{Error, LocatedError};
use crate::model::{Dimension, Severity};
use crate::platform::{Counting, Profile};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// File names looked for, in order, in each directory.
pub const FILE_NAMES: &[&str] = &["think-lint.toml", ".think-lint.toml"];

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Raw {
    min_score: Option<Spanned<i64>>,
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    packs: Vec<String>,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
    #[serde(default)]
    min_dimension: BTreeMap<Spanned<String>, Spanned<i64>>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    max_post_bytes: Option<Spanned<i64>>,
    platform: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, RawProfile>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    files: Spanned<Vec<String>>,
    min_score: Option<Spanned<i64>>,
    platform: Option<String>,
    select: Option<Vec<String>>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
    #[serde(default)]
    min_dimension: BTreeMap<Spanned<String>, Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    max_length: Option<usize>,
    #[serde(default)]
    counting: Option<CountingName>,
    url_length: Option<usize>,
    max_hashtags: Option<usize>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum CountingName {
    Graphemes,
    Characters,
    Weighted,
}

/// The settings of a configuration file, paths made absolute.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file the settings came from, if any.
    pub path: Option<PathBuf>,
    pub min_score: Option<u8>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub packs: Vec<PathBuf>,
    pub allow: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    pub min_dimension: [Option<u8>; 5],
    /// Globs of files to check when walking directories.
    pub include: Vec<String>,
    /// Globs never checked when walking directories.
    pub exclude: Vec<String>,
    /// Largest post (or plain-text file) checked, in bytes.
    pub max_post_bytes: Option<usize>,
    /// The platform of posts whose source names none.
    pub platform: Option<String>,
    /// Platform profiles defined (or redefined) by the configuration.
    pub profiles: Vec<Profile>,
    /// Settings for some paths only, in file order (later ones win).
    pub overrides: Vec<Override>,
}

/// `[[overrides]]`: settings for the files matching some globs.
#[derive(Clone, Debug)]
pub struct Override {
    /// Globs, matched against paths relative to the configuration file's
    /// directory (and against the path as given).
    pub files: Vec<String>,
    pub matcher: globset::GlobSet,
    pub base: PathBuf,
    pub min_score: Option<u8>,
    pub platform: Option<String>,
    /// Replaces the selection when set.
    pub select: Option<Vec<String>>,
    /// Added to the ignored rules.
    pub ignore: Vec<String>,
    pub allow: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    pub min_dimension: [Option<u8>; 5],
}

impl Override {
    /// Whether the override applies to `path` (as named on the command
    /// line or found by walking).
    pub fn matches(&self, path: &str) -> bool {
        let p = Path::new(path);
        if self.matcher.is_match(p) {
            return true;
        }
        let absolute = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        let absolute = normalize(&absolute);
        absolute
            .strip_prefix(normalize(&self.base))
            .is_ok_and(|rel| self.matcher.is_match(rel))
    }
}

/// Removes `.` and `..` components without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl Config {
    /// The rule selection of this configuration with the command line's on
    /// top: `--select` replaces the file's `select`, `--ignore` adds to its
    /// `ignore`.
    pub fn selection(&self, select: &[String], ignore: &[String]) -> crate::engine::Selection {
        crate::engine::Selection {
            select: if select.is_empty() {
                self.select.clone()
            } else {
                select.to_vec()
            },
            ignore: self.ignore.iter().chain(ignore).cloned().collect(),
            severity: self.severity.clone(),
            allow: self.allow.clone(),
        }
    }

    /// Finds the configuration for `dir`: the first file of `FILE_NAMES` in
    /// it or one of its parents.
    pub fn discover(dir: &Path) -> Result<Config, Error> {
        for d in dir.ancestors() {
            for name in FILE_NAMES {
                let p = d.join(name);
                if p.is_file() {
                    return Config::load(&p);
                }
            }
        }
        Ok(Config::default())
    }

    pub fn load(path: &Path) -> Result<Config, Error> {
        let source = std::fs::read_to_string(path).map_err(|e| Error::io(path.display(), &e))?;
        Config::parse(&source, path)
    }

    pub fn parse(source: &str, path: &Path) -> Result<Config, Error> {
        let file = path.display().to_string();
        let located =
            |span, msg: String| Error::Located(vec![LocatedError::at(&file, source, span, msg)]);
        let raw: Raw = toml::from_str(source)
            .map_err(|e| located(e.span(), e.message().trim_end().to_string()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let percent = |v: &Spanned<i64>, what: &str| -> Result<u8, Error> {
            u8::try_from(*v.get_ref())
                .ok()
                .filter(|n| *n <= 100)
                .ok_or_else(|| {
                    located(
                        Some(v.span()),
                        format!("{what} must be 0 to 100, not {}", v.get_ref()),
                    )
                })
        };
        let dimensions =
            |map: &BTreeMap<Spanned<String>, Spanned<i64>>| -> Result<[Option<u8>; 5], Error> {
                let mut out = [None; 5];
                for (name, value) in map {
                    let Some(d) = Dimension::parse(name.get_ref()) else {
                        return Err(located(
                            Some(name.span()),
                            format!(
                                "`{}` is not a THINK dimension (true, helpful, inspiring, necessary, kind)",
                                name.get_ref()
                            ),
                        ));
                    };
                    out[d.index()] = Some(percent(value, "a minimum score")?);
                }
                Ok(out)
            };
        let min_dimension = dimensions(&raw.min_dimension)?;
        let mut overrides = Vec::new();
        for o in &raw.overrides {
            if o.files.get_ref().is_empty() {
                return Err(located(
                    Some(o.files.span()),
                    "an override needs at least one glob in `files`".into(),
                ));
            }
            let mut b = globset::GlobSetBuilder::new();
            for g in o.files.get_ref() {
                let glob = globset::Glob::new(g)
                    .map_err(|e| located(Some(o.files.span()), format!("bad glob `{g}`: {e}")))?;
                b.add(glob);
            }
            overrides.push(Override {
                files: o.files.get_ref().clone(),
                matcher: b
                    .build()
                    .map_err(|e| located(Some(o.files.span()), e.to_string()))?,
                base: base.to_path_buf(),
                min_score: o
                    .min_score
                    .as_ref()
                    .map(|v| percent(v, "min_score"))
                    .transpose()?,
                platform: o.platform.clone(),
                select: o.select.clone(),
                ignore: o.ignore.clone(),
                allow: o.allow.clone(),
                severity: o.severity.clone(),
                min_dimension: dimensions(&o.min_dimension)?,
            });
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            min_score: raw
                .min_score
                .as_ref()
                .map(|v| percent(v, "min_score"))
                .transpose()?,
            select: raw.select,
            ignore: raw.ignore,
            packs: raw.packs.iter().map(|p| base.join(p)).collect(),
            allow: raw.allow,
            severity: raw.severity,
            min_dimension,
            overrides,
            platform: raw.platform,
            profiles: raw
                .profiles
                .into_iter()
                .map(|(name, p)| Profile {
                    name: name.to_ascii_lowercase(),
                    max_length: p.max_length,
                    counting: match p.counting.unwrap_or(CountingName::Characters) {
                        CountingName::Graphemes => Counting::Graphemes,
                        CountingName::Characters => Counting::Characters,
                        CountingName::Weighted => Counting::Weighted,
                    },
                    url_length: p.url_length,
                    max_hashtags: p.max_hashtags,
                })
                .collect(),
            include: raw.include,
            exclude: raw.exclude,
            max_post_bytes: match raw.max_post_bytes {
                None => None,
                Some(v) => Some(
                    usize::try_from(*v.get_ref())
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| {
                            located(
                                Some(v.span()),
                                "max_post_bytes must be a positive number of bytes".into(),
                            )
                        })?,
                ),
            },
        })
    }
}

/// The commented starter written by `think-lint init`.
pub const STARTER: &str = r#"# think-lint configuration. think-lint finds this file by walking up from
# the current directory; flags on the command line override it.

# A post fails when any error-level finding fires, or when its overall
# THINK score (0-100) is below this.
min_score = 70

# Minimum scores per THINK dimension (true, helpful, inspiring, necessary,
# kind); a post below one fails.
[min_dimension]
# kind = 90

# Run only these rules, packs, dimensions or flags (all when empty)...
# select = ["kind", "hostility", "true/absolute-claim"]
# ...and never these.
# ignore = ["necessary/filler-words"]

# Extra rule packs: TOML files or folders of them, relative to this file.
# packs = ["brand-rules/"]

# Files to check when a directory is named (default: .txt, .md, .markdown,
# .mdx, .csv, .tsv, .json, .jsonl, .ndjson, .yaml, .yml), and files to skip.
# .gitignore and .ignore are always honoured.
# include = ["posts/**/*.md", "calendar/*.csv"]
# exclude = ["**/drafts/**"]

# The platform of posts whose file or calendar row names none: x, bluesky,
# threads, mastodon, linkedin, instagram, facebook, generic, or your own.
# Over-length posts and too many hashtags are findings under Necessary.
# platform = "linkedin"

# Settings for some files only (globs relative to this file); later
# overrides win. Keys: files, min_score, platform, select, ignore, allow,
# severity, min_dimension.
# [[overrides]]
# files = ["calendar/linkedin/**"]
# platform = "linkedin"
# min_score = 80
# ignore = ["necessary/hashtag-spam"]

# Your own platform profiles (counting: graphemes, characters or weighted).
# [profiles.newsletter-teaser]
# max_length = 200
# counting = "graphemes"
# url_length = 23
# max_hashtags = 3

# The largest post checked, in bytes (protects memory on huge inputs).
# max_post_bytes = 1048576

# Words that are fine for this brand, whatever a rule says.
# allow = ["killer", "insane deal"]

# Change a rule's severity (error, warning, info). Keys may name a rule,
# a pack, a dimension or a flag; the most specific one wins.
[severity]
# "necessary/hashtag-spam" = "error"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_parses() {
        let c = Config::parse(STARTER, Path::new("think-lint.toml")).unwrap();
        assert_eq!(c.min_score, Some(70));
    }

    #[test]
    fn errors_are_located() {
        let err = Config::parse(
            "min_score = 70\ncolour = true\n",
            Path::new("x/think-lint.toml"),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("x/think-lint.toml:2:1"), "{text}");
        let err = Config::parse("min_score = 700\n", Path::new("t.toml")).unwrap_err();
        assert!(err.to_string().contains("0 to 100"));
    }

    #[test]
    fn packs_are_relative_to_the_file() {
        let c = Config::parse("packs = [\"brand\"]\n", Path::new("/repo/think-lint.toml")).unwrap();
        assert_eq!(c.packs, [PathBuf::from("/repo/brand")]);
    }
}
