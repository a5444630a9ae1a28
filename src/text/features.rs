//! The features a learned (`weighted`) rule reads, computed from the
//! analysis: one definition shared by training and matching, so a trained
//! pack means the same thing at check time.
//!
//! - a word's stem (`idiot`), an emoji (`🙄`), a hashtag word (`#fail`);
//! - two adjacent words' stems (`shut up`), within one sentence;
//! - named measurements, prefixed with `@` (`@caps`, `@you`, …), 0 to 1
//!   except `@valence` (−1 to 1).
//!
//! Two further families are opt-in ([`Families`]): a model trained with
//! them carries their keys, and only then are they computed at check time.
//!
//! - character n-grams of a word, four letters with `<` and `>` marking
//!   its ends, prefixed with `~` (`~<idi`, `~diot`, `~iot>`): spelling
//!   variants, elongations and masked swearing share most of them (not
//!   for quoted words, which are someone else's);
//! - cues, measurements of how a post says something (`@contrast`: a
//!   positive word before a negative one; `@elongated`, `@ellipsis`, …),
//!   listed in [`CUES`].

use super::{Analysis, Token, TokenKind};
use std::collections::HashSet;
use std::hash::BuildHasher;
use std::ops::Range;

/// The named measurements, with what each means.
pub const DENSE: &[(&str, &str)] = &[
    (
        "@caps",
        "share of capital letters (posts of three words or more)",
    ),
    ("@shout", "words in capitals, up to 3"),
    ("@exclaim", "a run of two or more exclamation marks"),
    ("@question", "a question mark"),
    ("@emoji", "emoji, up to 3"),
    ("@mention", "an @mention"),
    ("@link", "a link"),
    ("@hashtag", "hashtags, up to 3"),
    ("@neg", "a negated word"),
    ("@you", "the reader addressed as \"you\""),
    ("@valence", "average valence of opinion words"),
    ("@negwords", "negative opinion words, up to 3"),
    ("@poswords", "positive opinion words, up to 3"),
    ("@quote", "text in quotation marks"),
    ("@len", "length, up to 40 words"),
];

const SECOND_PERSON: &[&str] = &[
    "you",
    "your",
    "you're",
    "youre",
    "yours",
    "yourself",
    "yourselves",
    "u",
    "ur",
    "ya",
    "y'all",
];

/// Whether a lower-cased word addresses the reader. Every such word
/// starts with `y` or `u`: other words are told apart by their first byte.
fn is_second_person(lower: &str) -> bool {
    matches!(lower.as_bytes().first(), Some(b'y' | b'u')) && SECOND_PERSON.contains(&lower)
}

/// The cue measurements (the `cues` family), with what each means.
pub const CUES: &[(&str, &str)] = &[
    (
        "@contrast",
        "a positive opinion word followed by a negative one",
    ),
    ("@poslead", "the first opinion word is positive"),
    ("@elongated", "a word with a letter repeated three times"),
    ("@ellipsis", "an ellipsis"),
    ("@scare", "one or two words in quotation marks"),
    ("@interject", "an interjection such as oh, wow, yay"),
    ("@allcaps", "a word in capitals next to lower-case prose"),
];

/// The number of each cue in [`CUES`].
mod cue {
    pub const CONTRAST: usize = 0;
    pub const POSLEAD: usize = 1;
    pub const ELONGATED: usize = 2;
    pub const ELLIPSIS: usize = 3;
    pub const SCARE: usize = 4;
    pub const INTERJECT: usize = 5;
    pub const ALLCAPS: usize = 6;
}

/// Opt-in feature families, beyond stems, stem pairs and measurements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Families {
    /// Character n-grams (`~` keys).
    pub chars: bool,
    /// Cue measurements ([`CUES`]).
    pub cues: bool,
}

impl Families {
    /// Reads a comma-separated list of family names (`chars`, `cues`).
    pub fn parse(list: &str) -> Result<Families, String> {
        let mut f = Families::default();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "chars" => f.chars = true,
                "cues" => f.cues = true,
                other => return Err(format!("unknown feature family `{other}` (chars, cues)")),
            }
        }
        Ok(f)
    }

    /// The opt-in family a feature key belongs to (none for the base ones).
    pub fn of_key(key: &str) -> Families {
        Families {
            chars: key.starts_with(CHAR_PREFIX),
            // Every measurement's key starts with `@`: other keys are told
            // apart by their first byte.
            cues: key.starts_with('@') && CUES.iter().any(|(k, _)| *k == key),
        }
    }

    pub fn union(self, other: Families) -> Families {
        Families {
            chars: self.chars || other.chars,
            cues: self.cues || other.cues,
        }
    }
}

/// The first character of a character n-gram key.
pub const CHAR_PREFIX: char = '~';

/// Interjections that often open a sarcastic remark.
const INTERJECTIONS: &[&str] = &[
    "ah",
    "awesome",
    "aww",
    "brilliant",
    "fantastic",
    "gee",
    "great",
    "haha",
    "hahaha",
    "hooray",
    "lmao",
    "lol",
    "nice",
    "oh",
    "ohh",
    "ooh",
    "perfect",
    "sure",
    "ugh",
    "whee",
    "wonderful",
    "wow",
    "yay",
    "yeah",
    "yippee",
];

/// For each first letter `a` to `z`, the lengths of the interjections
/// that start with it, one bit per length: most words of a post are told
/// apart by these, without comparing them with the list.
const INTERJECTION_SHAPES: [u32; 26] = {
    let mut shapes = [0u32; 26];
    let mut i = 0;
    while i < INTERJECTIONS.len() {
        let word = INTERJECTIONS[i].as_bytes();
        shapes[(word[0] - b'a') as usize] |= 1 << word.len();
        i += 1;
    }
    shapes
};

/// Whether a lower-cased word is one of [`INTERJECTIONS`].
fn is_interjection(lower: &str) -> bool {
    let shape = match lower.as_bytes().first() {
        Some(&first @ b'a'..=b'z') => INTERJECTION_SHAPES[usize::from(first - b'a')],
        _ => 0,
    };
    lower.len() < 32 && shape & (1 << lower.len()) != 0 && INTERJECTIONS.contains(&lower)
}

pub fn is_dense(key: &str) -> bool {
    DENSE.iter().chain(CUES).any(|(k, _)| *k == key)
}

/// How many measurements there are: [`DENSE`], then [`CUES`].
pub const MEASURES: usize = DENSE.len() + CUES.len();

/// The key of measurement `n` ([`DENSE`], then [`CUES`]).
pub fn measure_key(n: usize) -> &'static str {
    DENSE.iter().chain(CUES).nth(n).map_or("", |(k, _)| k)
}

/// Reusable buffers for [`char_ngrams`].
#[derive(Default)]
pub struct Scratch {
    padded: String,
    starts: Vec<usize>,
    key: String,
}

/// Longest word (in bytes) that gets character n-grams: longer ones are
/// links or noise.
const MAX_GRAM_WORD: usize = 40;

/// Characters in a character n-gram, counting the `<` and `>` marks.
pub const GRAM: usize = 4;

/// Calls `emit` with the `~` key of every character 4-gram of `<word>`
/// (`word` in lower case). Three letters say little more than four and
/// would double the lookups each post costs.
pub fn char_ngrams(word: &str, s: &mut Scratch, mut emit: impl FnMut(&str)) {
    if word.is_empty() || word.len() > MAX_GRAM_WORD {
        return;
    }
    s.padded.clear();
    s.padded.push('<');
    s.padded.push_str(word);
    s.padded.push('>');
    s.key.clear();
    s.key.push(CHAR_PREFIX);
    let mut emit_gram = |gram: &str| {
        s.key.truncate(CHAR_PREFIX.len_utf8());
        s.key.push_str(gram);
        emit(&s.key);
    };
    if word.is_ascii() {
        // Most words: a character is a byte, so the n-grams are the
        // padded word's windows of `GRAM` bytes, found without listing
        // where each character starts.
        for start in 0..(s.padded.len() + 1).saturating_sub(GRAM) {
            emit_gram(&s.padded[start..start + GRAM]);
        }
        return;
    }
    s.starts.clear();
    s.starts.extend(s.padded.char_indices().map(|(i, _)| i));
    s.starts.push(s.padded.len());
    let chars = s.starts.len() - 1;
    for start in 0..(chars + 1).saturating_sub(GRAM) {
        emit_gram(&s.padded[s.starts[start]..s.starts[start + GRAM]]);
    }
}

/// Calls `emit` with each character 4-gram of `<word>` (`word` in lower
/// case, ASCII), in the order of [`char_ngrams`], as a number: its four
/// bytes, little-endian. A number is made and compared in a few
/// instructions, where a key is built in a buffer and hashed: a reader
/// that remembers what it found for an n-gram finds it again by this
/// number ([`ascii_gram_key`] gives the key back).
#[inline]
pub fn ascii_grams(word: &[u8], mut emit: impl FnMut(u32)) {
    debug_assert!(word.is_ascii());
    if word.is_empty() || word.len() > MAX_GRAM_WORD {
        return;
    }
    let padded = std::iter::once(b'<')
        .chain(word.iter().copied())
        .chain(std::iter::once(b'>'));
    // The last `GRAM` bytes read, the newest in the high byte.
    let mut window = 0u32;
    for (i, byte) in padded.enumerate() {
        window = (window >> 8) | (u32::from(byte) << 24);
        if i + 1 >= GRAM {
            emit(window);
        }
    }
}

/// The `~` key of an n-gram [`ascii_grams`] gave as `gram`, built in
/// `buf`.
pub fn ascii_gram_key(gram: u32, buf: &mut [u8; 1 + GRAM]) -> &str {
    buf[0] = CHAR_PREFIX as u8;
    buf[1..].copy_from_slice(&gram.to_le_bytes());
    std::str::from_utf8(buf).unwrap_or("")
}

/// Calls `emit(key, value, span)` for every feature of the post. Term
/// features may repeat (once per occurrence, value 1); callers count
/// presence.
pub fn features(a: &Analysis, emit: impl FnMut(&str, f64, Option<Range<usize>>)) {
    features_with(a, Families::default(), emit);
}

/// Where [`features_into`] sends the features of a post.
///
/// Every feature comes to [`Sink::feature`] as a key unless the sink
/// takes the words' features itself: [`Sink::unigram`], [`Sink::bigram`]
/// and [`Sink::word_grams`] may find their terms by the tokens' word
/// numbers instead of building keys, as long as they treat each feature
/// the same way, in the same order.
pub trait Sink {
    /// One feature: its key, value and the span of the post it comes from.
    fn feature(&mut self, key: &str, value: f64, span: Option<Range<usize>>);

    /// Measurement `n` ([`measure_key`]), non-zero: the same feature as
    /// its key, which a sink may find by its number instead.
    fn measure(&mut self, n: usize, value: f64) {
        self.feature(measure_key(n), value, None);
    }

    /// The feature of one token ([`unigram_key`]), value 1.
    fn unigram(&mut self, tok: &Token, buf: &mut String) {
        self.feature(unigram_key(tok, buf), 1.0, Some(tok.span.clone()));
    }

    /// The feature of two adjacent prose tokens ([`bigram_key`]), value 1.
    fn bigram(&mut self, first: &Token, second: &Token, buf: &mut String) {
        let span = first.span.start..second.span.end;
        self.feature(bigram_key(first, second, buf), 1.0, Some(span));
    }

    /// The features of a token of the prose (no hashtag word): its own
    /// ([`Sink::unigram`]), then that of the pair it ends with `before`,
    /// the prose token before it in the same chain and sentence, if any
    /// ([`Sink::bigram`]). One call for both lets a sink read what they
    /// share (the token's word) once.
    fn prose_token(&mut self, tok: &Token, before: Option<&Token>, buf: &mut String) {
        self.unigram(tok, buf);
        if let Some(first) = before {
            self.bigram(first, tok, buf);
        }
    }

    /// The character n-grams of one word, when the `chars` family is on:
    /// by default [`char_ngrams`] of its `lower`, each passed to
    /// [`Sink::feature`] with value 1 in order.
    fn word_grams(&mut self, tok: &Token, scratch: &mut Scratch) {
        char_ngrams(&tok.lower, scratch, |k| {
            self.feature(k, 1.0, Some(tok.span.clone()))
        });
    }

    /// What the cues read of a word of the prose (of kind
    /// [`TokenKind::Word`]), when the `cues` family is on, asked right
    /// after its [`Sink::prose_token`]: by default [`WordCues::of`] its
    /// `lower`. It depends on the word alone, so a sink may remember it by
    /// the token's word number.
    fn word_cues(&mut self, tok: &Token) -> WordCues {
        WordCues::of(&tok.lower)
    }
}

/// What the cues ([`CUES`]) read of one word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WordCues {
    /// It holds a letter three times in a row (`soooo`).
    pub elongated: bool,
    /// It is one of the interjections that often open a sarcastic remark.
    pub interjection: bool,
}

impl WordCues {
    /// The cues of a lower-cased word.
    pub fn of(lower: &str) -> WordCues {
        WordCues {
            elongated: has_letter_run(lower),
            interjection: is_interjection(lower),
        }
    }
}

/// What a token stands for in a key: `<num>` for any number.
pub fn term_word(tok: &Token) -> &str {
    if tok.kind == TokenKind::Number {
        "<num>"
    } else {
        &tok.stem
    }
}

/// The key of a token's own feature: its stem (`#` before the stems of
/// hashtag words), `<num>` for a number. Built in `buf` when it must be.
pub fn unigram_key<'a>(tok: &'a Token, buf: &'a mut String) -> &'a str {
    word_key(tok, tok.in_hashtag, buf)
}

/// [`unigram_key`] of the token's word in prose (`in_hashtag` false) or in
/// a hashtag.
pub fn word_key<'a>(tok: &'a Token, in_hashtag: bool, buf: &'a mut String) -> &'a str {
    if !in_hashtag || tok.kind == TokenKind::Number {
        return term_word(tok);
    }
    buf.clear();
    buf.push('#');
    buf.push_str(&tok.stem);
    buf
}

/// The key of two adjacent tokens' feature, built in `buf`.
pub fn bigram_key<'a>(first: &Token, second: &Token, buf: &'a mut String) -> &'a str {
    buf.clear();
    buf.push_str(term_word(first));
    buf.push(' ');
    buf.push_str(term_word(second));
    buf
}

/// The two words of a feature key of two words ([`bigram_key`]): split
/// at its space (no term word holds one; other keys have none).
pub fn pair_words(key: &str) -> Option<(&str, &str)> {
    key.split_once(' ')
}

/// The words some term of two words starts with, and those some such term
/// ends with, kept as hashes.
///
/// Most pairs of adjacent words have no term: when the first word starts
/// none, or the second ends none, the pair's key need not be built nor
/// looked up. A word whose hash another word shares only lets its pairs
/// through to the lookup.
#[derive(Default)]
pub struct PairWords {
    hasher: foldhash::fast::FixedState,
    firsts: HashSet<u64, foldhash::fast::FixedState>,
    seconds: HashSet<u64, foldhash::fast::FixedState>,
}

impl PairWords {
    /// Takes note of `key`'s words if it is a key of two words.
    pub fn add_key(&mut self, key: &str) {
        if let Some((first, second)) = pair_words(key) {
            self.firsts.insert(self.hasher.hash_one(first));
            self.seconds.insert(self.hasher.hash_one(second));
        }
    }

    /// Whether some term of two words may start with `word`.
    pub fn starts(&self, word: &str) -> bool {
        !self.firsts.is_empty() && self.firsts.contains(&self.hasher.hash_one(word))
    }

    /// Whether some term of two words may end with `word`.
    pub fn ends(&self, word: &str) -> bool {
        !self.seconds.is_empty() && self.seconds.contains(&self.hasher.hash_one(word))
    }
}

/// A closure as a [`Sink`].
struct Emit<F>(F);

impl<F: FnMut(&str, f64, Option<Range<usize>>)> Sink for Emit<F> {
    fn feature(&mut self, key: &str, value: f64, span: Option<Range<usize>>) {
        (self.0)(key, value, span);
    }
}

/// [`features`], plus the opt-in families in `families`.
pub fn features_with(
    a: &Analysis,
    families: Families,
    emit: impl FnMut(&str, f64, Option<Range<usize>>),
) {
    features_into(a, families, &mut Emit(emit));
}

/// [`features_with`], into a [`Sink`].
pub fn features_into(a: &Analysis, families: Families, sink: &mut impl Sink) {
    // Room for the usual key at once: one allocation per post.
    let mut buf = String::with_capacity(64);
    let mut prev: Option<&Token> = None;
    // Read for measurements below, in the same walk over the tokens.
    let (mut negated, mut you) = (false, false);
    let mut prose_cues = ProseCues::default();
    for tok in &a.tokens {
        negated |= tok.negated;
        if tok.in_hashtag {
            sink.unigram(tok, &mut buf);
            continue;
        }
        let before = prev.filter(|p| p.chain == tok.chain && p.sentence == tok.sentence);
        sink.prose_token(tok, before, &mut buf);
        prev = Some(tok);
        // A prose word ([`Analysis::prose_words`]).
        if tok.kind != TokenKind::Emoji {
            you = you || is_second_person(&tok.lower);
            if families.cues && tok.kind == TokenKind::Word {
                prose_cues.add(sink.word_cues(tok), tok);
            }
        }
    }
    let m = &a.metrics;
    let capped = |n: usize, cap: usize| n.min(cap) as f64 / cap as f64;
    let dense = [
        ("@caps", if m.words >= 3 { m.caps_ratio } else { 0.0 }),
        ("@shout", capped(m.shouted.len(), 3)),
        ("@exclaim", f64::from(u8::from(m.exclamation_run.0 >= 2))),
        ("@question", f64::from(u8::from(m.question_run.0 >= 1))),
        ("@emoji", capped(m.emoji.len(), 3)),
        ("@mention", f64::from(u8::from(!a.mentions.is_empty()))),
        ("@link", f64::from(u8::from(!a.links.is_empty()))),
        ("@hashtag", capped(a.hashtags.len(), 3)),
        ("@neg", f64::from(u8::from(negated))),
        ("@you", f64::from(u8::from(you))),
        ("@valence", m.valence),
        ("@negwords", capped(m.negative.len(), 3)),
        ("@poswords", capped(m.positive.len(), 3)),
        ("@quote", f64::from(u8::from(!a.quotes.is_empty()))),
        ("@len", capped(m.words, 40)),
    ];
    debug_assert!(dense.iter().zip(DENSE).all(|((k, _), (d, _))| k == d));
    for (n, (_, v)) in dense.into_iter().enumerate() {
        if v != 0.0 {
            sink.measure(n, v);
        }
    }
    if families.chars {
        thread_local! {
            static SCRATCH: std::cell::Cell<Option<Scratch>> = const { std::cell::Cell::new(None) };
        }
        // The buffers of the last post on this thread, taken (a post the
        // thread checks meanwhile makes its own) and given back.
        let mut scratch = SCRATCH.take().unwrap_or_default();
        for tok in &a.tokens {
            // Quoted words are someone else's ("he called us 'idiots'"):
            // their spelling says nothing about the author's tone.
            if tok.kind == TokenKind::Word && !tok.quoted {
                sink.word_grams(tok, &mut scratch);
            }
        }
        SCRATCH.set(Some(scratch));
    }
    if families.cues {
        cues(a, &prose_cues, sink);
    }
}

/// What the cues read of the words of a post's prose (of kind
/// [`TokenKind::Word`]), gathered word by word.
#[derive(Default)]
struct ProseCues {
    /// Whether some word shows each cue.
    words: WordCues,
    /// How many words have a lower-case letter.
    with_lower: usize,
}

impl ProseCues {
    /// Takes in `tok`, whose cues are `cues`.
    fn add(&mut self, cues: WordCues, tok: &Token) {
        self.words.elongated |= cues.elongated;
        self.words.interjection |= cues.interjection;
        self.with_lower += usize::from(tok.case.has_lower);
    }
}

/// Sends `sink` the measurement of each cue the post shows, in the order
/// of [`CUES`]; `prose` is what its words show.
fn cues(a: &Analysis, prose: &ProseCues, sink: &mut impl Sink) {
    let m = &a.metrics;
    let mut emit = |n: usize| sink.measure(DENSE.len() + n, 1.0);
    let first_pos = m.positive.iter().map(|r| r.start).min();
    let first_neg = m.negative.iter().map(|r| r.start).min();
    let last_neg = m.negative.iter().map(|r| r.start).max();
    if let (Some(p), Some(n)) = (first_pos, last_neg)
        && p < n
    {
        emit(cue::CONTRAST);
    }
    if let Some(p) = first_pos
        && first_neg.is_none_or(|n| p < n)
    {
        emit(cue::POSLEAD);
    }
    if prose.words.elongated {
        emit(cue::ELONGATED);
    }
    if has_ellipsis(a.text) {
        emit(cue::ELLIPSIS);
    }
    let scare = a.quotes.iter().any(|q| {
        let inner = a.text.get(q.clone()).unwrap_or("");
        let words = inner.split_whitespace().count();
        (1..=2).contains(&words)
    });
    if scare {
        emit(cue::SCARE);
    }
    if prose.words.interjection {
        emit(cue::INTERJECT);
    }
    // A word in capitals beside at least three with a lower-case letter.
    if !m.shouted.is_empty() && prose.with_lower >= 3 {
        emit(cue::ALLCAPS);
    }
}

/// Whether `text` holds an ellipsis, three dots or `…`: one scan for the
/// first byte of either.
fn has_ellipsis(text: &str) -> bool {
    const DOTS: &[u8] = b"...";
    const CHAR: &[u8] = "…".as_bytes();
    let bytes = text.as_bytes();
    memchr::memchr2_iter(DOTS[0], CHAR[0], bytes).any(|i| {
        let rest = &bytes[i..];
        rest.starts_with(DOTS) || rest.starts_with(CHAR)
    })
}

/// Whether `bytes` holds an ASCII letter three times in a row. Every run
/// of three holds one of the pairs at 1 and 2, 3 and 4, …: only those
/// pairs are compared, and a run looked for around the equal ones, which
/// halves the comparisons most words cost.
fn has_byte_run(bytes: &[u8]) -> bool {
    let mut j = 1;
    while j + 1 < bytes.len() {
        let b = bytes[j];
        if b == bytes[j + 1]
            && (bytes[j - 1] == b || bytes.get(j + 2) == Some(&b))
            && b.is_ascii_alphabetic()
        {
            return true;
        }
        j += 2;
    }
    false
}

/// Whether `word` holds a letter three times in a row (`soooo`).
#[inline]
fn has_letter_run(word: &str) -> bool {
    if word.is_ascii() {
        // Most words: read as bytes, which say the same for ASCII.
        return has_byte_run(word.as_bytes());
    }
    let mut run = (None, 0);
    for c in word.chars() {
        run = if run.0 == Some(c) {
            (run.0, run.1 + 1)
        } else {
            (Some(c), 1)
        };
        if run.1 >= 3 && c.is_alphabetic() {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unigrams_bigrams_and_dense() {
        let a = Analysis::new("Shut up, you people!! #EpicFail");
        let mut keys = Vec::new();
        features(&a, |k, _, _| keys.push(k.to_string()));
        for k in [
            "shut",
            "shut up",
            "up you",
            "peopl",
            "you peopl",
            "#epic",
            "#fail",
            "@you",
            "@exclaim",
        ] {
            assert!(keys.contains(&k.to_string()), "{k} in {keys:?}");
        }
        for (k, _) in DENSE {
            assert!(is_dense(k));
        }
    }

    fn keys_with(text: &str, families: Families) -> Vec<String> {
        let a = Analysis::new(text);
        let mut keys = Vec::new();
        features_with(&a, families, |k, _, _| keys.push(k.to_string()));
        keys
    }

    #[test]
    fn second_person_words_start_with_y_or_u() {
        for w in SECOND_PERSON {
            assert!(is_second_person(w), "{w}");
        }
        assert!(!is_second_person("yo") && !is_second_person(""));
    }

    #[test]
    fn character_ngrams_mark_word_ends() {
        let mut s = Scratch::default();
        let mut grams = Vec::new();
        char_ngrams("idiot", &mut s, |g| grams.push(g.to_string()));
        assert_eq!(grams, ["~<idi", "~idio", "~diot", "~iot>"]);
        // Multi-byte letters are whole characters; a two-letter word has
        // one 4-gram (itself with both marks), a one-letter word none.
        grams.clear();
        char_ngrams("ñu", &mut s, |g| grams.push(g.to_string()));
        assert_eq!(grams, ["~<ñu>"]);
        grams.clear();
        char_ngrams("a", &mut s, |g| grams.push(g.to_string()));
        assert!(grams.is_empty());
        grams.clear();
        char_ngrams(&"a".repeat(MAX_GRAM_WORD + 1), &mut s, |g| {
            grams.push(g.to_string())
        });
        assert!(grams.is_empty());
    }

    /// The n-grams of ASCII words, read as bytes, are those of their
    /// characters, as for every other word.
    #[test]
    fn ngrams_are_the_windows_of_the_characters() {
        let by_chars = |word: &str| -> Vec<String> {
            if word.is_empty() || word.len() > MAX_GRAM_WORD {
                return Vec::new();
            }
            let padded: Vec<char> = format!("<{word}>").chars().collect();
            (padded.windows(GRAM))
                .map(|w| {
                    std::iter::once(CHAR_PREFIX)
                        .chain(w.iter().copied())
                        .collect()
                })
                .collect()
        };
        let mut words: Vec<String> = ["", "a", "ab", "abc", "idiot", "ñu", "naïve", "🙄x", "x🙄"]
            .into_iter()
            .map(String::from)
            .collect();
        for len in 1..=MAX_GRAM_WORD + 2 {
            words.push(
                (0..len)
                    .map(|i| (b'a' + (i * 7 % 26) as u8) as char)
                    .collect(),
            );
            words.push(
                (0..len)
                    .map(|i| if i % 5 == 3 { 'é' } else { 'z' })
                    .collect(),
            );
        }
        let mut s = Scratch::default();
        for word in &words {
            let mut grams = Vec::new();
            char_ngrams(word, &mut s, |g| grams.push(g.to_string()));
            assert_eq!(grams, by_chars(word), "{word}");
        }
    }

    /// The n-grams of an ASCII word as numbers are, turned back into keys,
    /// the keys [`char_ngrams`] gives, in order.
    #[test]
    fn ascii_grams_are_the_character_ngrams() {
        let alphabet = b"abcdez019'-_.<>~";
        let mut rng = crate::test_rng::Xorshift::new(0x9e37_79b9_7f4a_7c15);
        let mut words: Vec<String> = ["", "a", "ab", "abc", "idiot", "soooo"]
            .into_iter()
            .map(String::from)
            .collect();
        for _ in 0..5000 {
            let len = rng.below(MAX_GRAM_WORD + 4);
            let word = (0..len)
                .map(|_| char::from(alphabet[rng.below(alphabet.len())]))
                .collect();
            words.push(word);
        }
        let (mut s, mut key) = (Scratch::default(), [0; 1 + GRAM]);
        for word in &words {
            let mut by_keys = Vec::new();
            char_ngrams(word, &mut s, |g| by_keys.push(g.to_string()));
            let mut by_numbers = Vec::new();
            ascii_grams(word.as_bytes(), |g| {
                by_numbers.push(ascii_gram_key(g, &mut key).to_string())
            });
            assert_eq!(by_numbers, by_keys, "{word}");
        }
    }

    #[test]
    fn quoted_words_get_no_character_ngrams() {
        let chars = Families {
            chars: true,
            cues: false,
        };
        let said = keys_with("A customer called us 'idiots' and we still fixed it", chars);
        assert!(!said.iter().any(|k| k == "~idio"), "{said:?}");
        assert!(said.iter().any(|k| k == "~<cus"), "{said:?}");
        let own = keys_with("What idiots, honestly", chars);
        assert!(own.iter().any(|k| k == "~idio"), "{own:?}");
    }

    #[test]
    fn opt_in_families_only_when_asked() {
        let text = "Oh great, I just LOVE waiting... \"fast\" delivery soooo slow and awful";
        let base = keys_with(text, Families::default());
        assert!(base.iter().all(|k| !k.starts_with(CHAR_PREFIX)));
        assert!(base.iter().all(|k| !CUES.iter().any(|(c, _)| c == k)));
        let all = keys_with(
            text,
            Families {
                chars: true,
                cues: true,
            },
        );
        for k in [
            "~<gre",
            "@contrast",
            "@poslead",
            "@elongated",
            "@ellipsis",
            "@scare",
            "@interject",
            "@allcaps",
        ] {
            assert!(all.contains(&k.to_string()), "{k} in {all:?}");
        }
        // A plain friendly post has none of the cues of contrast.
        let plain = keys_with(
            "Thanks for a lovely year, see you in the spring.",
            Families {
                chars: false,
                cues: true,
            },
        );
        for k in ["@contrast", "@elongated", "@ellipsis", "@scare", "@allcaps"] {
            assert!(!plain.contains(&k.to_string()), "{k} in {plain:?}");
        }
    }

    #[test]
    fn families_parse_and_follow_keys() {
        assert_eq!(
            Families::parse("chars, cues").unwrap(),
            Families {
                chars: true,
                cues: true
            }
        );
        assert_eq!(Families::parse("").unwrap(), Families::default());
        assert!(Families::parse("words").unwrap_err().contains("words"));
        assert!(Families::of_key("~<id").chars);
        assert!(Families::of_key("@contrast").cues);
        assert_eq!(Families::of_key("idiot"), Families::default());
        assert_eq!(Families::of_key("@caps"), Families::default());
        for (k, _) in CUES {
            assert!(is_dense(k) && k.starts_with('@'));
        }
        let numbered = [
            (cue::CONTRAST, "@contrast"),
            (cue::POSLEAD, "@poslead"),
            (cue::ELONGATED, "@elongated"),
            (cue::ELLIPSIS, "@ellipsis"),
            (cue::SCARE, "@scare"),
            (cue::INTERJECT, "@interject"),
            (cue::ALLCAPS, "@allcaps"),
        ];
        assert_eq!(numbered.len(), CUES.len());
        for (n, key) in numbered {
            assert_eq!(CUES[n].0, key);
        }
    }

    #[test]
    fn ellipses_are_found_as_the_str_search_finds_them() {
        let texts = [
            "",
            ".",
            "..",
            "...",
            "a.. b.",
            "wait...",
            "…",
            "a…b",
            "€ … ..",
            "é.è.ê..",
            "x. . .",
            "\u{2025}",
            "\u{2027}..",
            "so…",
            "....",
            "..€.",
        ];
        for text in texts {
            let slow = text.contains("...") || text.contains('…');
            assert_eq!(has_ellipsis(text), slow, "{text:?}");
        }
    }

    #[test]
    fn interjections_and_letter_runs() {
        for w in INTERJECTIONS {
            assert!(is_interjection(w), "{w}");
        }
        assert!(is_interjection("wow") && is_interjection("awesome") && !is_interjection("wo"));
        for (word, run) in [
            ("soooo", true),
            ("aaa", true),
            ("!!!", false),
            ("ab", false),
        ] {
            assert_eq!(has_letter_run(word), run, "{word}");
        }
        assert!(has_letter_run("ñññ") && !has_letter_run("ññ…"));
        // The bytes of ASCII words say what their characters say.
        let mut words = vec![
            "", "a", "aa", "aab", "abbb", "1111", "x---", "zzz!", "a.a.a", "oOo", "aaab", "baaa",
            "abaaab", "abbaab", "aabbaa", "aabbb", "abcccd", "11aaa", "xyzzz", "xxyxx",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
        // Every word of up to six letters from `a`, `b`, `-`.
        for len in 1..=6u32 {
            for n in 0..3usize.pow(len) {
                let word = (0..len)
                    .map(|i| ["a", "b", "-"][n / 3usize.pow(i) % 3])
                    .collect::<String>();
                words.push(word);
            }
        }
        for word in &words {
            let by_chars = word.chars().collect::<Vec<_>>();
            let run = by_chars
                .windows(3)
                .any(|w| w[0] == w[1] && w[1] == w[2] && w[0].is_alphabetic());
            assert_eq!(has_letter_run(word), run, "{word}");
        }
    }
}
