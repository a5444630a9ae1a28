//! Checks posts: runs the engine, scores the result and turns byte spans
//! into the located findings the reporters print.

use crate::engine::specificity;
use crate::engine::{Engine, RuleMatch, Scores};
use crate::model::{Dimension, Flag, Severity};
use crate::pack::Rule;
use crate::platform::Profiles;
use crate::score::{Policy, Scorecard};
use crate::shared_text::SharedText;
use crate::source::{Metadata, Post, Suppression, TextLines};
use crate::text::Analysis;
use crate::tone::Tone;
use std::sync::OnceLock;

/// A rule that fired on a post, located in the post's source.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: SharedText,
    pub dimension: Dimension,
    pub flag: Option<Flag>,
    pub severity: Severity,
    pub message: SharedText,
    pub suggestion: Option<SharedText>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    /// One past the last character.
    pub end_column: usize,
    /// The text the finding points at.
    pub excerpt: String,
    /// What a metric rule measured.
    pub detail: Option<String>,
    /// The whole first line of the finding, for showing it underlined, and
    /// the character range of the finding on it. Left empty by
    /// [`Linter::check_without_context`].
    pub context: String,
    pub context_range: (usize, usize),
}

/// The result of checking one post.
#[derive(Clone, Debug)]
pub struct PostResult {
    pub source: SharedText,
    pub index: usize,
    pub line: usize,
    pub meta: Metadata,
    pub passed: bool,
    pub scorecard: Scorecard,
    pub findings: Vec<Finding>,
    /// The post's overall tone.
    pub tone: Tone,
}

/// An engine with its verdict policy: everything needed to check posts.
pub struct Linter {
    /// Private, so that `texts` always belongs to it.
    engine: Engine,
    pub policy: Policy,
    pub profiles: Profiles,
    /// The platform of posts whose source names none.
    pub platform: Option<String>,
    /// The texts of the engine's rules, by rule index, made for the
    /// findings to share the first time a rule fires (most never do, and
    /// making them all would lengthen start-up by a tenth).
    texts: Vec<OnceLock<RuleTexts>>,
}

/// The texts of one rule that each of its findings carries.
struct RuleTexts {
    id: SharedText,
    message: SharedText,
    suggestion: Option<SharedText>,
}

impl RuleTexts {
    fn of(rule: &Rule) -> RuleTexts {
        RuleTexts {
            id: SharedText::new(&rule.id),
            message: SharedText::new(&rule.message),
            suggestion: rule.suggestion.as_deref().map(SharedText::new),
        }
    }
}

impl Linter {
    /// The rules' engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// A linter with the default policy and platform profiles.
    pub fn new(engine: Engine) -> Linter {
        Linter::with(engine, Policy::default(), Profiles::default(), None)
    }

    /// A linter with its verdict policy, platform profiles and the
    /// platform of posts whose source names none.
    pub fn with(
        engine: Engine,
        policy: Policy,
        profiles: Profiles,
        platform: Option<String>,
    ) -> Linter {
        let texts = engine.rules().iter().map(|_| OnceLock::new()).collect();
        Linter {
            engine,
            policy,
            profiles,
            platform,
            texts,
        }
    }
}

impl Linter {
    /// Checks a post; every finding carries its line of context.
    pub fn check(&self, post: &Post) -> PostResult {
        self.check_with(post, true)
    }

    /// [`Linter::check`], leaving each finding's `context` empty: only the
    /// human format shows it, and copying out a line per finding costs
    /// more than the rest of the finding's place.
    pub fn check_without_context(&self, post: &Post) -> PostResult {
        self.check_with(post, false)
    }

    /// A post checked whole; `run` checks many a step at a time: each
    /// step for several posts, then the next ([`Linter::analyse`],
    /// [`Linter::score`], [`Linter::matches`], [`Linter::findings`]).
    fn check_with(&self, post: &Post, context_lines: bool) -> PostResult {
        let analysis = self.analyse(post);
        let scores = self.score(&analysis);
        let (hits, evidence) = self.matches(&analysis, &scores);
        self.findings(post, &analysis, hits, evidence, context_lines)
    }

    /// The analysis of a post, measured against its platform's profile.
    pub(crate) fn analyse<'p>(&self, post: &'p Post) -> Analysis<'p> {
        let mut analysis = Analysis::new(&post.text);
        let platform = post.meta.platform.as_deref().or(self.platform.as_deref());
        analysis.metrics.platform = platform
            .and_then(|name| self.profiles.get(name))
            .map(|p| p.measure(&analysis));
        analysis
    }

    /// The learned rules' verdicts on an analysed post, with the evidence
    /// of the tone's learned model: it is scored along the learned rules,
    /// so one pass over the post's features serves both.
    pub(crate) fn score(&self, analysis: &Analysis) -> Scores {
        self.engine.score(analysis)
    }

    /// The rules' matches in an analysed post whose learned rules are
    /// scored, with the tone's learned evidence.
    pub(crate) fn matches(&self, analysis: &Analysis, scores: &Scores) -> (Vec<RuleMatch>, f64) {
        self.engine.check_with_scores(analysis, scores)
    }

    /// A post's result, from its analysis and the rules' matches in it
    /// (with the tone's learned evidence): suppressions applied, findings
    /// placed, scored.
    pub(crate) fn findings(
        &self,
        post: &Post,
        analysis: &Analysis,
        mut hits: Vec<RuleMatch>,
        evidence: f64,
        context_lines: bool,
    ) -> PostResult {
        let rules = self.engine.rules();
        let mut used = vec![false; post.suppressions.len()];
        // The hits no suppression hides, by index into `hits`.
        let mut kept = Vec::with_capacity(hits.len());
        let lines = post.lines();
        for (i, h) in hits.iter().enumerate() {
            if post.suppressions.is_empty() {
                kept.push(i);
                continue;
            }
            let rule = &rules[h.rule];
            let line = post.text_line(&lines, h.span.start);
            let by = post.suppressions.iter().position(|s| {
                s.covers(line)
                    && (s.rules.is_empty() || s.rules.iter().any(|sel| specificity(sel, rule) > 0))
            });
            match by {
                Some(s) => used[s] = true,
                None => kept.push(i),
            }
        }
        let scorecard = Scorecard::new(kept.iter().map(|&i| &rules[hits[i].rule]));
        let passed = scorecard.passes(&self.policy);
        // The lines of the text a blanked post was read from, found once
        // for all its findings.
        let original = (context_lines && !kept.is_empty())
            .then(|| post.original.as_deref().map(TextLines::new))
            .flatten();
        let mut findings: Vec<Finding> = kept
            .iter()
            .map(|&i| {
                let h = &mut hits[i];
                let rule = &rules[h.rule];
                let texts = self.texts[h.rule].get_or_init(|| RuleTexts::of(rule));
                let ((line, column), (end_line, end_column)) =
                    post.span_position(&lines, h.span.clone());
                let (context, context_range) = if context_lines {
                    context_of(post, &lines, original.as_ref(), h.span.clone())
                } else {
                    (String::new(), (0, 1))
                };
                Finding {
                    rule: texts.id.clone(),
                    dimension: rule.dimension,
                    flag: rule.flag,
                    severity: rule.severity,
                    message: texts.message.clone(),
                    suggestion: texts.suggestion.clone(),
                    line,
                    column,
                    end_line,
                    end_column,
                    excerpt: post.text[h.span.clone()].to_string(),
                    // Each hit becomes one finding: its detail is moved.
                    detail: h.detail.take(),
                    context,
                    context_range,
                }
            })
            .collect();
        for (s, _) in post.suppressions.iter().zip(&used).filter(|(_, u)| !**u) {
            findings.push(unused_suppression(s));
        }
        findings.sort_by(|a, b| {
            (a.line, a.column, a.severity, &a.rule).cmp(&(b.line, b.column, b.severity, &b.rule))
        });
        PostResult {
            source: post.source.clone(),
            index: post.index,
            line: post.line,
            meta: post.meta.clone(),
            passed,
            scorecard,
            findings,
            tone: crate::tone::tone_with(analysis, evidence),
        }
    }
}

/// The rule id of the note given for a suppression that hides nothing.
pub const UNUSED_SUPPRESSION: &str = "suppression/unused";

fn unused_suppression(s: &Suppression) -> Finding {
    let what = if s.rules.is_empty() {
        "any rule".to_string()
    } else {
        s.rules.join(", ")
    };
    Finding {
        rule: UNUSED_SUPPRESSION.into(),
        dimension: Dimension::Necessary,
        flag: None,
        severity: Severity::Info,
        message: format!(
            "This think-lint suppression hides nothing: no finding of {what} is where it applies."
        )
        .into(),
        suggestion: Some("Remove the comment, or fix the rule id it names.".into()),
        line: s.line,
        column: s.column,
        end_line: s.line,
        end_column: s.column + 1,
        excerpt: String::new(),
        detail: s.reason.as_ref().map(|r| format!("reason given: {r}")),
        context: String::new(),
        context_range: (0, 1),
    }
}

/// The context of a finding at `span` of a post's text (see
/// [`context_line`]); `lines` are the text's, `original` those of the
/// text a blanked post was read from.
fn context_of(
    post: &Post,
    lines: &TextLines,
    original: Option<&TextLines>,
    span: std::ops::Range<usize>,
) -> (String, (usize, usize)) {
    let start = span.start;
    let (mut context, range) = context_line(lines, span);
    if let Some(original) = original {
        // Blanked text keeps the lines and columns of the original.
        let nth = post.text_line(lines, start) - post.line;
        if let Some(l) = original.nth_line(nth) {
            context = l.trim_end_matches('\r');
        }
    }
    (context.to_string(), range)
}

/// The line of `lines`' text holding the start of `span`, and the span's
/// character range on it (clipped to the line).
fn context_line<'a>(
    lines: &TextLines<'a>,
    span: std::ops::Range<usize>,
) -> (&'a str, (usize, usize)) {
    let text = lines.text();
    let std::ops::Range { start, end } = lines.line_range(lines.line_index(span.start));
    let line = text[start..end].trim_end_matches('\r');
    let from = lines.chars_in(start..span.start);
    let to = from + lines.chars_in(span.start..span.end.min(start + line.len()).max(span.start));
    (line, (from, to.max(from + 1)))
}

/// Totals over a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub posts: usize,
    pub passed: usize,
    pub failed: usize,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn add(&mut self, r: &PostResult) {
        self.add_tally(&Tally::of(r));
    }

    /// Adds a post counted by [`Tally::of`].
    pub fn add_tally(&mut self, t: &Tally) {
        self.posts += 1;
        if t.passed {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        self.findings += t.errors + t.warnings + t.infos;
        self.errors += t.errors;
        self.warnings += t.warnings;
        self.infos += t.infos;
    }
}

/// What one post adds to a [`Summary`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: bool,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Tally {
    pub fn of(r: &PostResult) -> Tally {
        let mut t = Tally {
            passed: r.passed,
            ..Tally::default()
        };
        for f in &r.findings {
            match f.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.infos += 1,
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`context_line`] found by searching the text around the span.
    fn context_line_by_search(text: &str, span: std::ops::Range<usize>) -> (&str, (usize, usize)) {
        let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let end = text[span.start..]
            .find('\n')
            .map_or(text.len(), |i| span.start + i);
        let line = text[start..end].trim_end_matches('\r');
        let from = text[start..span.start].chars().count();
        let to = from
            + text[span.start..span.end.min(start + line.len()).max(span.start)]
                .chars()
                .count();
        (line, (from, to.max(from + 1)))
    }

    #[test]
    fn context_lines_are_those_a_search_finds() {
        for text in [
            "",
            "one plain line",
            "first\nsé idiot here\r\nlast\n",
            "\n\nxyz😀q\r\n",
            "日本語\nのテキスト",
        ] {
            let lines = TextLines::new(text);
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for &start in &bounds {
                for &end in bounds.iter().filter(|&&e| e >= start) {
                    assert_eq!(
                        context_line(&lines, start..end),
                        context_line_by_search(text, start..end),
                        "{text:?} {start}..{end}"
                    );
                }
            }
        }
    }

    /// A blanked post (Markdown's) shows the line of the text it was read
    /// from, as `str::lines` finds it there, with the blanked text's
    /// character range.
    #[test]
    fn blanked_posts_show_their_original_lines() {
        for original in [
            "# Title\n\nYou are an **idiot** here.\r\nlast *line*\n",
            "**one line**",
            "\n\n*a*\r\n\r\n`b` é\r",
        ] {
            let blanked = original.replace(['*', '#', '`'], " ");
            let mut post = Post::new("post.md", &blanked);
            post.line = 3;
            post.original = Some(original.into());
            let lines = post.lines();
            let original_lines = TextLines::new(original);
            for start in (0..=blanked.len()).filter(|&i| blanked.is_char_boundary(i)) {
                let (context, range) =
                    context_of(&post, &lines, Some(&original_lines), start..start);
                let nth = lines.line_index(start);
                let want = original
                    .lines()
                    .nth(nth)
                    .map_or(context_line(&lines, start..start).0, |l| {
                        l.trim_end_matches('\r')
                    });
                assert_eq!(context, want, "{original:?} at {start}");
                assert_eq!(range, context_line(&lines, start..start).1);
            }
        }
    }

    #[test]
    fn context_line_gives_character_range() {
        let text = "first\nsé idiot here\nlast";
        let (line, range) = context_line(&TextLines::new(text), 10..15);
        assert_eq!(line, "sé idiot here");
        assert_eq!(range, (3, 8));
    }
}
