//! Measured properties of a post, each with the span that shows it.

use super::lengths::{Lengths, lengths};
use super::{Analysis, Token, TokenKind};
use std::ops::Range;

/// A property a `metric` rule can put a threshold on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    CapsRatio,
    ShoutedWords,
    ExclamationRun,
    Exclamations,
    QuestionRun,
    Emoji,
    Hashtags,
    Mentions,
    Links,
    Graphemes,
    Words,
    SentenceWords,
    Valence,
    NegativeWords,
    PositiveWords,
    PlatformLength,
    PlatformHashtags,
}

impl Metric {
    pub const ALL: [Metric; 17] = [
        Metric::CapsRatio,
        Metric::ShoutedWords,
        Metric::ExclamationRun,
        Metric::Exclamations,
        Metric::QuestionRun,
        Metric::Emoji,
        Metric::Hashtags,
        Metric::Mentions,
        Metric::Links,
        Metric::Graphemes,
        Metric::Words,
        Metric::SentenceWords,
        Metric::Valence,
        Metric::NegativeWords,
        Metric::PositiveWords,
        Metric::PlatformLength,
        Metric::PlatformHashtags,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::CapsRatio => "caps-ratio",
            Metric::ShoutedWords => "shouted-words",
            Metric::ExclamationRun => "exclamation-run",
            Metric::Exclamations => "exclamations",
            Metric::QuestionRun => "question-run",
            Metric::Emoji => "emoji",
            Metric::Hashtags => "hashtags",
            Metric::Mentions => "mentions",
            Metric::Links => "links",
            Metric::Graphemes => "graphemes",
            Metric::Words => "words",
            Metric::SentenceWords => "sentence-words",
            Metric::Valence => "valence",
            Metric::NegativeWords => "negative-words",
            Metric::PositiveWords => "positive-words",
            Metric::PlatformLength => "platform-length",
            Metric::PlatformHashtags => "platform-hashtags",
        }
    }

    pub fn parse(s: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == s)
    }
}

/// The measured values of one post.
#[derive(Clone, Debug, Default)]
pub struct Metrics {
    pub caps_ratio: f64,
    pub shouted: Vec<Range<usize>>,
    pub exclamation_run: (usize, Range<usize>),
    pub exclamations: usize,
    pub question_run: (usize, Range<usize>),
    pub emoji: Vec<Range<usize>>,
    pub graphemes: usize,
    pub words: usize,
    pub longest_sentence: (usize, Range<usize>),
    pub valence: f64,
    pub negative: Vec<Range<usize>>,
    pub positive: Vec<Range<usize>>,
    /// The post measured against its platform's profile, when it has one.
    pub platform: Option<crate::platform::Measure>,
    /// The post's lengths in the platforms' units, counted with its
    /// clusters: the profile reads them rather than walk the clusters
    /// again.
    pub(crate) lengths: Lengths,
}

/// The metrics of a post gathered token by token, as the analysis
/// places each token (its sentence and negation known): the tokens are
/// read once, for their places and their metrics.
#[derive(Default)]
pub(super) struct Tally {
    m: Metrics,
    letters: usize,
    capitals: usize,
    /// The words of the sentence being read: the tokens' sentences only
    /// grow, so each sentence's words come in one run.
    sentence: SentenceWords,
    valence_sum: f64,
    valenced: usize,
}

impl Tally {
    /// Counts the next token of the post (tokens come in text order).
    #[inline]
    pub(super) fn token(&mut self, t: &Token, text: &str, sentences: &[Range<usize>]) {
        if t.kind == TokenKind::Emoji {
            self.m.emoji.push(t.span.clone());
            return;
        }
        // The rest counts prose words and numbers only.
        if t.in_hashtag {
            return;
        }
        let m = &mut self.m;
        if (t.sentence as usize) < sentences.len() {
            self.sentence.count(
                text,
                sentences,
                t.sentence as usize,
                &mut m.longest_sentence,
            );
        }
        if let Some(v) = t.valence {
            let v = if t.negated { -v * 0.5 } else { v };
            self.valence_sum += v;
            self.valenced += 1;
            if v < 0.0 {
                m.negative.push(t.span.clone());
            } else if v > 0.0 {
                m.positive.push(t.span.clone());
            }
        }
        m.words += 1;
        // Words of one letter count for neither the ratio nor shouting.
        let case = t.case;
        if case.letters < 2 {
            return;
        }
        self.letters += case.letters as usize;
        self.capitals += case.capitals as usize;
        if case.letters >= 3 && case.capitals == case.letters {
            m.shouted.push(t.span.clone());
        }
    }

    /// The metrics of the post whose tokens were counted.
    pub(super) fn finish(
        mut self,
        text: &str,
        sentences: &[Range<usize>],
        links: &[Range<usize>],
    ) -> Metrics {
        let mut m = self.m;
        m.caps_ratio = if self.letters == 0 {
            0.0
        } else {
            self.capitals as f64 / self.letters as f64
        };
        // `！` and `？` start with 0xEF: most posts have none of the marks.
        let bytes = text.as_bytes();
        if memchr::memchr3(b'!', b'?', 0xEF, bytes).is_some() {
            m.exclamations = memchr::memchr_iter(b'!', bytes).count() + text.matches('！').count();
            m.exclamation_run = longest_run(
                text,
                |c| matches!(c, '!' | '?' | '！'),
                |c| c == '!' || c == '！',
            );
            m.question_run = longest_run(text, |c| c == '?' || c == '？', |_| true);
        }
        m.lengths = lengths(text, links);
        m.graphemes = m.lengths.whole.graphemes;
        self.sentence
            .finish(text, sentences, &mut m.longest_sentence);
        m.valence = if self.valenced == 0 {
            0.0
        } else {
            (self.valence_sum / self.valenced as f64).clamp(-1.0, 1.0)
        };
        m
    }
}

/// The count of the words of one sentence at a time, for the longest
/// sentence: the first of those with the most words.
#[derive(Default)]
struct SentenceWords {
    /// The sentence being counted, and its words so far.
    current: Option<(usize, usize)>,
}

impl SentenceWords {
    /// Counts a word of sentence `s` (of `a.sentences`), not before the
    /// sentence of the last word counted.
    fn count(
        &mut self,
        text: &str,
        sentences: &[Range<usize>],
        s: usize,
        longest: &mut (usize, Range<usize>),
    ) {
        match &mut self.current {
            Some((current, n)) if *current == s => *n += 1,
            _ => {
                self.finish(text, sentences, longest);
                self.current = Some((s, 1));
            }
        }
    }

    /// Takes the sentence being counted as the longest if it has more
    /// words than the longest so far.
    fn finish(
        &mut self,
        text: &str,
        sentences: &[Range<usize>],
        longest: &mut (usize, Range<usize>),
    ) {
        if let Some((s, n)) = self.current.take()
            && n > longest.0
        {
            let s = &sentences[s];
            let trimmed = text[s.clone()].trim_end();
            *longest = (n, s.start..s.start + trimmed.len());
        }
    }
}

/// The longest run of characters in `in_run` that contains at least one
/// `required` character: its length in characters and byte span (the
/// first, of runs as long). `in_run` holds only `!`, `?`, `！` and `？`: a
/// run starts at one of their first bytes, and the text between runs is
/// searched for those bytes only.
fn longest_run(
    text: &str,
    in_run: impl Fn(char) -> bool,
    required: impl Fn(char) -> bool,
) -> (usize, Range<usize>) {
    let b = text.as_bytes();
    let mut best = (0usize, 0..0);
    let mut i = 0;
    while let Some(k) = memchr::memchr3(b'!', b'?', 0xEF, &b[i..]) {
        let start = i + k;
        let (mut n, mut has_required, mut end) = (0usize, false, start);
        for c in text[start..].chars().take_while(|&c| in_run(c)) {
            n += 1;
            has_required |= required(c);
            end += c.len_utf8();
        }
        if has_required && n > best.0 {
            best = (n, start..end);
        }
        i = end.max(start + 1);
    }
    best
}

impl Analysis<'_> {
    /// The value of a metric: `metric(m).0`, without gathering the spans.
    pub fn metric_value(&self, metric: Metric) -> f64 {
        let m = &self.metrics;
        match metric {
            Metric::CapsRatio => m.caps_ratio,
            Metric::ShoutedWords => m.shouted.len() as f64,
            Metric::ExclamationRun => m.exclamation_run.0 as f64,
            Metric::Exclamations => m.exclamations as f64,
            Metric::QuestionRun => m.question_run.0 as f64,
            Metric::Emoji => m.emoji.len() as f64,
            Metric::Hashtags => self.hashtags.len() as f64,
            Metric::Mentions => self.mentions.len() as f64,
            Metric::Links => self.links.len() as f64,
            Metric::Graphemes => m.graphemes as f64,
            Metric::Words => m.words as f64,
            Metric::SentenceWords => m.longest_sentence.0 as f64,
            Metric::Valence => m.valence,
            Metric::NegativeWords => m.negative.len() as f64,
            Metric::PositiveWords => m.positive.len() as f64,
            Metric::PlatformLength | Metric::PlatformHashtags => self.metric(metric).0,
        }
    }

    /// The value of a metric, and the spans that show it (may be empty).
    pub fn metric(&self, metric: Metric) -> (f64, Vec<Range<usize>>) {
        let m = &self.metrics;
        match metric {
            Metric::CapsRatio => (m.caps_ratio, m.shouted.clone()),
            Metric::ShoutedWords => (m.shouted.len() as f64, m.shouted.clone()),
            Metric::ExclamationRun => (
                m.exclamation_run.0 as f64,
                vec![m.exclamation_run.1.clone()],
            ),
            Metric::Exclamations => (
                m.exclamations as f64,
                self.text
                    .char_indices()
                    .filter(|&(_, c)| c == '!' || c == '！')
                    .map(|(i, c)| i..i + c.len_utf8())
                    .collect(),
            ),
            Metric::QuestionRun => (m.question_run.0 as f64, vec![m.question_run.1.clone()]),
            Metric::Emoji => (m.emoji.len() as f64, m.emoji.clone()),
            Metric::Hashtags => (
                self.hashtags.len() as f64,
                self.hashtags.iter().map(|h| h.span.clone()).collect(),
            ),
            Metric::Mentions => (self.mentions.len() as f64, self.mentions.clone()),
            Metric::Links => (self.links.len() as f64, self.links.clone()),
            Metric::Graphemes => (m.graphemes as f64, Vec::new()),
            Metric::Words => (m.words as f64, Vec::new()),
            Metric::SentenceWords => (
                m.longest_sentence.0 as f64,
                vec![m.longest_sentence.1.clone()],
            ),
            Metric::Valence => (m.valence, m.negative.clone()),
            Metric::NegativeWords => (m.negative.len() as f64, m.negative.clone()),
            Metric::PositiveWords => (m.positive.len() as f64, m.positive.clone()),
            Metric::PlatformLength => match &m.platform {
                Some(p) if p.max_length.is_some_and(|l| l > 0) => (
                    p.length as f64 / p.max_length.unwrap_or(1) as f64,
                    p.over_at
                        .map(|i| std::iter::once(i..self.text.trim_end().len().max(i)).collect())
                        .unwrap_or_default(),
                ),
                _ => (0.0, Vec::new()),
            },
            Metric::PlatformHashtags => match m.platform.as_ref().and_then(|p| p.max_hashtags) {
                Some(max) if max > 0 => (
                    self.hashtags.len() as f64 / max as f64,
                    self.hashtags
                        .iter()
                        .skip(max)
                        .map(|h| h.span.clone())
                        .collect(),
                ),
                _ => (0.0, Vec::new()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_segmentation::UnicodeSegmentation;

    /// `longest_run` character by character, as it was first written.
    fn longest_run_by_chars(
        text: &str,
        in_run: impl Fn(char) -> bool,
        required: impl Fn(char) -> bool,
    ) -> (usize, Range<usize>) {
        let mut best = (0usize, 0..0);
        let mut start: Option<(usize, usize, bool)> = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            if i < text.len() && in_run(c) {
                let s = start.get_or_insert((i, 0, false));
                s.1 += 1;
                s.2 |= required(c);
            } else if let Some((s, n, ok)) = start.take()
                && ok
                && n > best.0
            {
                best = (n, s..i);
            }
        }
        best
    }

    #[test]
    fn runs_are_found_as_by_walking_every_character() {
        let alphabet = ['!', '?', '！', '？', 'a', ' ', 'é', '．', '\u{FEFF}'];
        for text in crate::text::random_texts(&alphabet, 20_000, 8) {
            let bang = |c| matches!(c, '!' | '?' | '！');
            let required = |c| c == '!' || c == '！';
            assert_eq!(
                longest_run(&text, bang, required),
                longest_run_by_chars(&text, bang, required),
                "{text:?}"
            );
            let question = |c| c == '?' || c == '？';
            assert_eq!(
                longest_run(&text, question, |_| true),
                longest_run_by_chars(&text, question, |_| true),
                "{text:?}"
            );
        }
    }

    #[test]
    fn shouting_and_runs() {
        let a = Analysis::new("BEST SALE EVER!!! Really?? ok");
        assert_eq!(a.metrics.shouted.len(), 3);
        assert!(a.metrics.caps_ratio > 0.6);
        assert_eq!(a.metrics.exclamation_run.0, 3);
        assert_eq!(a.metrics.question_run.0, 2);
        assert_eq!(&a.text[a.metrics.exclamation_run.1.clone()], "!!!");
    }

    #[test]
    fn ascii_grapheme_count() {
        for text in ["a\r\nb\r\r\n\n\rc", "plain words. And more!", "\r\n"] {
            let a = Analysis::new(text);
            assert_eq!(a.metrics.graphemes, text.graphemes(true).count());
        }
    }

    #[test]
    fn metric_values_are_those_of_metric() {
        for text in [
            "BEST SALE EVER!!! Really?? ok 🙄 #a #b @c https://x.com",
            "Hi there. We are open from nine until five today！？",
            "",
        ] {
            let a = Analysis::new(text);
            for m in Metric::ALL {
                assert_eq!(
                    a.metric_value(m).to_bits(),
                    a.metric(m).0.to_bits(),
                    "{m:?}"
                );
            }
        }
    }

    #[test]
    fn longest_sentence_counts_words() {
        let a = Analysis::new("Hi there. We are open from nine until five today.");
        assert_eq!(a.metrics.longest_sentence.0, 8);
    }

    #[test]
    fn valence_sign() {
        assert!(
            Analysis::new("We love our wonderful customers")
                .metrics
                .valence
                > 0.0
        );
        assert!(
            Analysis::new("This is a terrible awful mess")
                .metrics
                .valence
                < 0.0
        );
        assert!(Analysis::new("Not bad at all").metrics.valence >= 0.0);
    }
}
