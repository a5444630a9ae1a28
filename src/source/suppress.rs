//! Inline suppressions, ruff-style: `think-lint-disable-next-line RULE`,
//! `think-lint-disable RULE` … `think-lint-enable`, and
//! `think-lint-disable-file RULE`, each with an optional `-- reason`.
//! Markdown writes them as HTML comments; plain text and calendar cells as
//! a `think-lint:` line.

/// The lines a suppression covers, as 1-based lines of the source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Line(usize),
    Lines(usize, usize),
    File,
}

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub scope: Scope,
    /// Rule ids, packs, dimensions or flags; empty means every rule.
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// Where the comment is.
    pub line: usize,
    pub column: usize,
}

impl Suppression {
    pub fn covers(&self, line: usize) -> bool {
        match self.scope {
            Scope::Line(l) => l == line,
            Scope::Lines(from, to) => (from..=to).contains(&line),
            Scope::File => true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Directive {
    DisableNextLine,
    Disable,
    Enable,
    DisableFile,
}

/// Reads a directive from the inside of a comment, such as
/// `think-lint-disable-next-line kind/name-calling -- quoting a review`.
/// `think-lint: disable …` is the plain-text spelling.
pub fn parse(body: &str) -> Option<(Directive, Vec<String>, Option<String>)> {
    let body = body.trim();
    let rest = body
        .strip_prefix("think-lint-")
        .or_else(|| body.strip_prefix("think-lint:").map(str::trim_start))?;
    let (word, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let directive = match word {
        "disable-next-line" => Directive::DisableNextLine,
        "disable" => Directive::Disable,
        "enable" => Directive::Enable,
        "disable-file" => Directive::DisableFile,
        _ => return None,
    };
    let (rules, reason) = match args.split_once("--") {
        Some((r, why)) => (r, Some(why.trim().to_string()).filter(|s| !s.is_empty())),
        None => (args, None),
    };
    let rules = rules
        .split([',', ' ', '\t'])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    Some((directive, rules, reason))
}

/// Collects directives in file order into suppressions. `directives` are
/// (line, column, directive, rules, reason); `next_line` gives the line a
/// `disable-next-line` on a line applies to.
#[derive(Default)]
pub struct Builder {
    done: Vec<Suppression>,
    open: Vec<Suppression>,
}

impl Builder {
    pub fn add(
        &mut self,
        (line, column): (usize, usize),
        directive: Directive,
        rules: Vec<String>,
        reason: Option<String>,
        next_line: usize,
    ) {
        let s = |scope| Suppression {
            scope,
            rules: rules.clone(),
            reason: reason.clone(),
            line,
            column,
        };
        match directive {
            Directive::DisableNextLine => self.done.push(s(Scope::Line(next_line))),
            Directive::DisableFile => self.done.push(s(Scope::File)),
            Directive::Disable => self.open.push(s(Scope::Lines(line, usize::MAX))),
            Directive::Enable => {
                // `enable` closes the blocks it names (all when it names none).
                let (close, keep): (Vec<_>, Vec<_>) = self
                    .open
                    .drain(..)
                    .partition(|o| rules.is_empty() || o.rules.iter().any(|r| rules.contains(r)));
                self.open = keep;
                for mut o in close {
                    if let Scope::Lines(from, _) = o.scope {
                        o.scope = Scope::Lines(from, line);
                    }
                    self.done.push(o);
                }
            }
        }
    }

    pub fn finish(mut self) -> Vec<Suppression> {
        self.done.append(&mut self.open);
        self.done.sort_by_key(|s| (s.line, s.column));
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_and_reason() {
        let (d, rules, reason) =
            parse(" think-lint-disable-next-line kind/name-calling, sarcasm -- quoting a review ")
                .unwrap();
        assert_eq!(d, Directive::DisableNextLine);
        assert_eq!(rules, ["kind/name-calling", "sarcasm"]);
        assert_eq!(reason.as_deref(), Some("quoting a review"));
        assert_eq!(
            parse("think-lint: disable-file").unwrap().0,
            Directive::DisableFile
        );
        assert!(parse("think-lint-frobnicate x").is_none());
        assert!(parse("just a comment").is_none());
    }

    #[test]
    fn enable_closes_blocks() {
        let mut b = Builder::default();
        b.add((2, 1), Directive::Disable, vec!["kind".into()], None, 3);
        b.add((3, 1), Directive::DisableNextLine, vec![], None, 4);
        b.add((9, 1), Directive::Enable, vec![], None, 10);
        let s = b.finish();
        assert_eq!(s[0].scope, Scope::Lines(2, 9));
        assert_eq!(s[1].scope, Scope::Line(4));
        assert!(s[0].covers(5) && !s[0].covers(10));
    }
}
