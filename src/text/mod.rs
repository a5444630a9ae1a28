//! One pass of Unicode-aware analysis per post, shared by every rule.
//!
//! Links, e-mail addresses, @mentions and #hashtags are cut out first so
//! they are never read as prose; the rest is split on Unicode word
//! boundaries into words, numbers and emoji, each lower-cased and stemmed.

pub mod features;
pub(crate) mod lengths;
mod metrics;
mod quotes;
mod social;
pub mod static_map;
mod stems;
pub mod valence;
pub mod words;

pub use metrics::{Metric, Metrics};
pub use stems::stem;

use compact_str::CompactString;
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    Emoji,
}

/// A word, number or emoji of the post, with its byte span.
#[derive(Clone, Debug)]
pub struct Token {
    pub span: Range<usize>,
    pub kind: TokenKind,
    /// Lower-cased, with typographic apostrophes made plain.
    pub lower: CompactString,
    /// Snowball English stem of `lower` (emoji and numbers: `lower`).
    pub stem: CompactString,
    /// The number of `lower` (of this kind) in the word table of the
    /// thread that analysed the post, in the analysis' `word_generation`
    /// ([`words::UNNUMBERED`] for the tokens of [`plain_tokens`]).
    pub word: words::WordId,
    /// The valence of the word in the analysis' lexicon, if it has one.
    pub valence: Option<f64>,
    /// Index of the sentence the token is in.
    pub sentence: u32,
    /// Tokens with the same chain id are contiguous prose (or the words of
    /// one hashtag); a phrase never spans two chains.
    pub chain: u32,
    /// A word split out of a CamelCase hashtag, not prose.
    pub in_hashtag: bool,
    /// One of the three words before, in the same sentence, is a negator.
    pub negated: bool,
    /// The word is a negator ([`is_negator`]), as its word's entry says.
    pub negator: bool,
    /// Inside quotation marks.
    pub quoted: bool,
    /// The letter case of a word (numbers and emoji: no letters).
    pub case: Case,
}

/// How many letters a word has, how many of them are capitals, and
/// whether one is lower-case. Counted once, as the token is made, for
/// the capitals metrics and the tone, which read them differently (a
/// letter may be neither upper- nor lower-case).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Case {
    /// Alphabetic characters.
    pub letters: u32,
    /// Upper-case characters.
    pub capitals: u32,
    /// Whether a character is lower-case.
    pub has_lower: bool,
}

impl Case {
    /// The case of a word's characters.
    pub fn of(word: &str) -> Case {
        if word.is_ascii() {
            return Case::from_counts(word.bytes().map(letter_count).sum());
        }
        let mut case = Case::default();
        for c in word.chars() {
            case.letters += u32::from(c.is_alphabetic());
            case.capitals += u32::from(c.is_uppercase());
            case.has_lower |= c.is_lowercase();
        }
        case
    }

    /// The case of ASCII text whose [`letter_count`]s add up to `counts`.
    fn from_counts(counts: u64) -> Case {
        let capitals = counts as u32;
        let small = (counts >> 32) as u32;
        Case {
            letters: capitals + small,
            capitals,
            has_lower: small > 0,
        }
    }

    /// Written in capitals: two letters or more, none lower-case.
    pub fn in_capitals(self) -> bool {
        !self.has_lower && self.letters >= 2
    }
}

/// What an ASCII byte adds to the letter counts of [`Case::from_counts`]:
/// one in the low half for a capital, one in the high half for a
/// lower-case letter, so that a word's letters are counted with one
/// addition per byte.
fn letter_count(b: u8) -> u64 {
    LETTER_COUNTS[usize::from(b)]
}

const LETTER_COUNTS: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'A'..=b'Z' => 1,
            b'a'..=b'z' => 1 << 32,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// The case of a token's text, counted for words only.
fn word_case(kind: TokenKind, word: &str) -> Case {
    match kind {
        TokenKind::Word => Case::of(word),
        _ => Case::default(),
    }
}

/// A hashtag with its words.
#[derive(Clone, Debug)]
pub struct Hashtag {
    pub span: Range<usize>,
    /// The words of the tag, split at case changes, lower-cased.
    pub words: Vec<String>,
}

/// Everything rules may read about a post.
#[derive(Debug)]
pub struct Analysis<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token>,
    pub sentences: Vec<Range<usize>>,
    pub hashtags: Vec<Hashtag>,
    pub mentions: Vec<Range<usize>>,
    pub links: Vec<Range<usize>>,
    pub emails: Vec<Range<usize>>,
    pub quotes: Vec<Range<usize>>,
    pub metrics: Metrics,
    /// The generation of the word table the tokens' `word` numbers are
    /// from (see [`words`]).
    pub word_generation: u64,
}

pub const NEGATORS: &[&str] = &[
    "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "hardly", "barely",
    "without", "cannot",
];

/// Whether a lower-cased word negates. Every word of [`NEGATORS`] starts
/// with one of five letters: other words are told apart by their first
/// byte before the list is searched.
pub fn is_negator(lower: &str) -> bool {
    (matches!(
        lower.as_bytes().first(),
        Some(b'n' | b'h' | b'b' | b'w' | b'c')
    ) && NEGATORS.contains(&lower))
        || lower.ends_with("n't")
}

/// `normalize` without a heap allocation for short ASCII words, of
/// letter case `case`: most words have no capital, and are their own
/// lower case.
fn lower_word(word: &str, case: Case) -> CompactString {
    if word.is_ascii() {
        let mut out = CompactString::from(word);
        if case.capitals > 0 {
            out.make_ascii_lowercase();
        }
        out
    } else {
        CompactString::from(normalize(word))
    }
}

/// Lower-cases a word and makes typographic apostrophes plain.
pub fn normalize(word: &str) -> String {
    const APOSTROPHES: [char; 3] = ['\u{2019}', '\u{2018}', '\u{02BC}'];
    let lower = word.to_lowercase();
    // Most words hold none: their lower case is not copied again.
    if lower.contains(APOSTROPHES) {
        lower.replace(APOSTROPHES, "'")
    } else {
        lower
    }
}

pub fn is_emoji_char(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2300..=0x23FF | 0x2B00..=0x2BFF
        | 0x3030 | 0x303D | 0x3297 | 0x3299)
}

/// The tokens of a post and the social tokens cut out of its prose.
struct Found {
    tokens: Vec<Token>,
    hashtags: Vec<Hashtag>,
    mentions: Vec<Range<usize>>,
    links: Vec<Range<usize>>,
    emails: Vec<Range<usize>>,
}

/// Cuts the links, e-mail addresses, mentions and hashtags out of `text`
/// and splits the prose around them (and the hashtags' bodies) into
/// tokens numbered by `words`.
fn tokenize_post(text: &str, words: &mut words::Numbering) -> Found {
    // About one token per five bytes of a post: room for them at once.
    let mut tokens = Vec::with_capacity((text.len() / 5 + 4).min(1024));
    let mut hashtags = Vec::new();
    let mut mentions = Vec::new();
    let mut links = Vec::new();
    let mut emails = Vec::new();
    let mut chain = 0u32;
    let mut cursor = 0usize;
    for m in social::social(text) {
        let kind = social_kind(&text[m.clone()]);
        let mut span = m;
        match kind {
            // Mentions and hashtags may have consumed the character before
            // them.
            Social::Mention => span.start += text[span.clone()].find('@').unwrap_or(0),
            Social::Hashtag => span.start += text[span.clone()].find('#').unwrap_or(0),
            Social::Link => span.end = span.start + trim_link(&text[span.clone()]).len(),
            Social::Email => {}
        }
        tokenize_prose(text, cursor..span.start, &mut tokens, chain, words);
        chain += 1;
        match kind {
            Social::Link => links.push(span.clone()),
            Social::Email => emails.push(span.clone()),
            Social::Mention => mentions.push(span.clone()),
            Social::Hashtag => {
                let body = &text[span.start + 1..span.end];
                let parts = camel_parts(body);
                let words_of_tag = parts
                    .iter()
                    .map(|r| body[r.clone()].to_lowercase())
                    .collect();
                push_hashtag_tokens(text, span.start + 1, &parts, &mut tokens, chain, words);
                chain += 1;
                hashtags.push(Hashtag {
                    span: span.clone(),
                    words: words_of_tag,
                });
            }
        }
        cursor = span.end;
    }
    tokenize_prose(text, cursor..text.len(), &mut tokens, chain, words);
    Found {
        tokens,
        hashtags,
        mentions,
        links,
        emails,
    }
}

impl<'a> Analysis<'a> {
    pub fn new(text: &'a str) -> Analysis<'a> {
        let sentences = sentences(text);
        let quotes = quotes::quoted_ranges(text);
        let (word_generation, found) =
            words::for_post(|generation, mut words| (generation, tokenize_post(text, &mut words)));
        let Found {
            mut tokens,
            hashtags,
            mentions,
            links,
            emails,
        } = found;
        let metrics = place_tokens(&mut tokens, text, &sentences, &quotes, &links);
        Analysis {
            text,
            tokens,
            sentences,
            hashtags,
            mentions,
            links,
            emails,
            quotes,
            metrics,
            word_generation,
        }
    }

    /// Prose words and numbers (not hashtag words, not emoji).
    pub fn prose_words(&self) -> impl Iterator<Item = &Token> {
        self.tokens
            .iter()
            .filter(|t| !t.in_hashtag && t.kind != TokenKind::Emoji)
    }
}

/// Gives each token its sentence, and whether it is quoted and negated,
/// and measures the post's metrics, in one walk over the tokens.
///
/// Tokens, sentences and quotations are all in text order, so one walk
/// over each places every token (linear even for huge posts).
fn place_tokens(
    tokens: &mut [Token],
    text: &str,
    sentences: &[Range<usize>],
    quotes: &[Range<usize>],
    links: &[Range<usize>],
) -> Metrics {
    let mut s = 0usize;
    let mut q = 0usize;
    let mut negators = RecentNegators::default();
    let mut tally = metrics::Tally::default();
    for tok in tokens.iter_mut() {
        while s + 1 < sentences.len() && tok.span.start >= sentences[s].end {
            s += 1;
        }
        tok.sentence = s as u32;
        while q < quotes.len() && quotes[q].end <= tok.span.start {
            q += 1;
        }
        tok.quoted = quotes
            .get(q)
            .is_some_and(|r| r.start <= tok.span.start && tok.span.end <= r.end);
        if !tok.in_hashtag {
            tok.negated = negators.negate(tok);
        }
        tally.token(tok, text, sentences);
    }
    tally.finish(text, sentences, links)
}

/// The last three prose words read, as (sentence, is a negator).
///
/// A token is negated by a negator among the three prose words before it
/// in its sentence. Sentence ids only grow along the tokens, so those are
/// the last three prose words that share its sentence; each is tested
/// once.
#[derive(Default)]
struct RecentNegators {
    last3: [Option<(u32, bool)>; 3],
}

impl RecentNegators {
    /// Whether the next prose token (its sentence set) is negated; then
    /// remembers it if it is a word.
    fn negate(&mut self, tok: &Token) -> bool {
        let last3 = &mut self.last3;
        let negated = last3
            .iter()
            .flatten()
            .any(|&(s, neg)| neg && s == tok.sentence);
        if tok.kind == TokenKind::Word {
            *last3 = [last3[1], last3[2], Some((tok.sentence, tok.negator))];
        }
        negated
    }
}

/// Non-ASCII characters that are grapheme clusters of their own, whatever
/// is around them (Grapheme_Cluster_Break Other): Latin-1 and Latin
/// Extended, general punctuation, symbols, arrows, dingbats and emoji,
/// fullwidth forms. Not the soft hyphen, joiners, bidirectional controls,
/// regional indicators or skin-tone modifiers.
fn stands_alone(c: char) -> bool {
    matches!(c as u32,
        0xA0..=0xAC | 0xAE..=0x2FF | 0x2010..=0x2027 | 0x2030..=0x205F | 0x20A0..=0x20C0
        | 0x2100..=0x23FF | 0x2460..=0x27BF | 0x2B00..=0x2BFF | 0xFF01..=0xFF5E
        | 0x1F000..=0x1F1E5 | 0x1F200..=0x1F3FA | 0x1F400..=0x1FAFF)
}

/// Variation selectors and skin-tone modifiers (Grapheme_Cluster_Break
/// Extend): they join the cluster before them.
fn extends(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0F | 0x1F3FB..=0x1F3FF)
}

/// The extended grapheme clusters of `text` with their byte offsets, as
/// `grapheme_indices(true)` gives them, found without the Unicode tables
/// when every non-ASCII character is one that [`stands_alone`] or
/// [`extends`]; `None` for other text.
pub fn simple_graphemes(text: &str) -> Option<SimpleGraphemes<'_>> {
    text.chars()
        .all(|c| c.is_ascii() || stands_alone(c) || extends(c))
        .then_some(SimpleGraphemes { text, pos: 0 })
}

pub struct SimpleGraphemes<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for SimpleGraphemes<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let start = self.pos;
        // Every extending mark starts with a byte of 0x80 or more: an
        // ASCII character other than CR with an ASCII one (or nothing)
        // after it is a cluster of its own.
        let b = self.text.as_bytes();
        let &first = b.get(start)?;
        if first.is_ascii() && first != b'\r' && b.get(start + 1).is_none_or(u8::is_ascii) {
            self.pos += 1;
            return Some((start, &self.text[start..start + 1]));
        }
        let rest = &self.text[start..];
        let mut chars = rest.char_indices();
        let (_, first) = chars.next()?;
        let mut len = first.len_utf8();
        if first == '\r' {
            // CR LF is one cluster.
            if rest[len..].starts_with('\n') {
                len += 1;
            }
        } else if !first.is_ascii_control() {
            // Nothing joins a control character (nor LF).
            for (i, c) in chars {
                if !extends(c) {
                    break;
                }
                len = i + c.len_utf8();
            }
        }
        self.pos += len;
        Some((start, &self.text[start..start + len]))
    }
}

/// The sentences of a text, blank ones left out. ASCII text with no
/// sentence-ending mark and no line break is one sentence, as Unicode
/// sentence segmentation would find.
fn sentences(text: &str) -> Vec<Range<usize>> {
    if text.is_ascii() {
        return sentences_by_class(text, text.as_bytes(), |i| i);
    }
    if let Some((stand_ins, starts)) = sentence_stand_ins(text) {
        return sentences_by_class(text, &stand_ins, |i| starts[i]);
    }
    text.split_sentence_bound_indices()
        .filter(|(_, s)| !s.trim().is_empty())
        .map(|(i, s)| i..i + s.len())
        .collect()
}

/// The sentences of `text`, found in `classes`: ASCII characters of the
/// sentence break classes of its characters, one for each, the one at `k`
/// standing for the character at byte `offset(k)` of the text.
fn sentences_by_class(
    text: &str,
    classes: &[u8],
    offset: impl Fn(usize) -> usize,
) -> Vec<Range<usize>> {
    if memchr::memchr3(b'.', b'!', b'?', classes).is_none()
        && memchr::memchr2(b'\n', b'\r', classes).is_none()
    {
        return if text.trim().is_empty() {
            Vec::new()
        } else {
            std::iter::once(0..text.len()).collect()
        };
    }
    let mut out = Vec::new();
    let mut start = 0;
    let breaks = ascii_sentence_breaks(classes).map(offset);
    for end in breaks.chain([text.len()]) {
        if end > start && !text[start..end].trim().is_empty() {
            out.push(start..end);
        }
        start = end;
    }
    out
}

/// What stands for a non-ASCII character in [`sentence_stand_ins`].
enum StandIn {
    /// An ASCII character of the same sentence break class.
    Ascii(u8),
    /// Extend: it joins the character before it (rule SB5).
    Joins,
}

/// The stand-in of the non-ASCII characters posts use most whose sentence
/// break class an ASCII character has too (Latin letters, curly quotes,
/// spaces, dashes, symbols and emoji); `None` for the others.
fn stand_in(c: char) -> Option<StandIn> {
    let ascii = |b| Some(StandIn::Ascii(b));
    match c as u32 {
        0x300..=0x36F | 0x200D | 0xFE00..=0xFE0F => Some(StandIn::Joins),
        0xA0 | 0x2000..=0x200A | 0x202F | 0x205F | 0x3000 => ascii(b' '),
        0xAB | 0xBB | 0x2018..=0x201F | 0x2039 | 0x203A => ascii(b'"'),
        0x2013 | 0x2014 => ascii(b','),
        0x203C | 0x203D | 0x2047..=0x2049 => ascii(b'!'),
        0xAA | 0xB5 | 0xBA | 0xC0..=0x24F if c.is_lowercase() => ascii(b'a'),
        0xC0..=0x24F if c.is_uppercase() => ascii(b'A'),
        0xA1..=0xA9 | 0xAC | 0xAE..=0xB4 | 0xB6..=0xB9 | 0xBC..=0xBF | 0xD7 | 0xF7 => ascii(b'@'),
        0x2010..=0x2012 | 0x2015..=0x2017 | 0x2020..=0x2023 | 0x2025..=0x2027 => ascii(b'@'),
        0x2030..=0x2038 | 0x20A0..=0x20C0 | 0x2122 | 0x2190..=0x2307 | 0x230C..=0x2328 => {
            ascii(b'@')
        }
        0x232B..=0x23FF | 0x25A0..=0x275A | 0x2761..=0x2767 => ascii(b'@'),
        0x2776..=0x27BF | 0x2B00..=0x2BFF | 0x1F000..=0x1F0FF | 0x1F1E6..=0x1F1FF => ascii(b'@'),
        0x1F200..=0x1F675 | 0x1F679..=0x1FAFF => ascii(b'@'),
        _ => None,
    }
}

/// A text's sentence break classes as ASCII stand-ins, one per character
/// (Extend characters left out: they join the one before), and where the
/// character of each starts; `None` when a character has no stand-in or
/// an Extend character does not join one (at the start, after a line
/// break).
fn sentence_stand_ins(text: &str) -> Option<(Vec<u8>, Vec<usize>)> {
    let mut classes = Vec::with_capacity(text.len());
    let mut starts = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let b = if c.is_ascii() {
            c as u8
        } else {
            match stand_in(c)? {
                StandIn::Ascii(b) => b,
                StandIn::Joins => match classes.last() {
                    None | Some(b'\r' | b'\n') => return None,
                    Some(_) => continue,
                },
            }
        };
        classes.push(b);
        starts.push(i);
    }
    Some((classes, starts))
}

/// The sentence break property (Unicode TR29) of the ASCII characters
/// that have one other than Other; ASCII has no OLetter, Sep, Extend or
/// Format character.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SentenceClass {
    Cr,
    Lf,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    SContinue,
    Close,
    Other,
}

fn sentence_class(b: u8) -> SentenceClass {
    use SentenceClass::*;
    match b {
        b'\r' => Cr,
        b'\n' => Lf,
        b'\t' | 0x0B | 0x0C | b' ' => Sp,
        b'a'..=b'z' => Lower,
        b'A'..=b'Z' => Upper,
        b'0'..=b'9' => Numeric,
        b'.' => ATerm,
        b'!' | b'?' => STerm,
        b',' | b'-' | b':' | b';' => SContinue,
        b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Close,
        _ => Other,
    }
}

/// Whether a sentence starts at `text[i]` (of class `c`, after two
/// characters of classes `before`, not at the start), `term` being the
/// terminator context before it.
fn breaks_before(
    text: &[u8],
    i: usize,
    c: SentenceClass,
    before: [SentenceClass; 2],
    term: Option<(SentenceClass, bool)>,
) -> bool {
    use SentenceClass::*;
    let [before_prev, prev] = before;
    match (prev, c) {
        (Cr, Lf) => return false,         // SB3
        (Cr | Lf, _) => return true,      // SB4
        (ATerm, Numeric) => return false, // SB6
        (ATerm, Upper) if matches!(before_prev, Upper | Lower) => return false, // SB7
        _ => {}
    }
    let Some((t, spaced)) = term else {
        return false; // SB998
    };
    let lower_ahead = || {
        text[i..]
            .iter()
            .map(|&b| sentence_class(b))
            .find(|k| matches!(k, Upper | Lower | Cr | Lf | ATerm | STerm))
            == Some(Lower)
    };
    if t == ATerm && lower_ahead() {
        return false; // SB8
    }
    if matches!(c, SContinue | STerm | ATerm) {
        return false; // SB8a
    }
    if !spaced && matches!(c, Close | Sp | Cr | Lf) {
        return false; // SB9
    }
    // SB10, else SB11.
    !matches!(c, Sp | Cr | Lf)
}

/// The byte offsets inside an ASCII text where a sentence starts, by the
/// default sentence boundary rules of Unicode TR29 (SB3 to SB998) — the
/// same boundaries as `split_sentence_bound_indices`, without the tables
/// that handle all of Unicode.
fn ascii_sentence_breaks(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    use SentenceClass::*;
    // After a sentence terminator, its Close* and Sp*: which terminator,
    // and whether a space has been seen yet.
    let mut term: Option<(SentenceClass, bool)> = None;
    let mut prev = Other;
    let mut before_prev = Other;
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < text.len() {
            // Away from a terminator or a line break no sentence starts
            // (SB998), and none starts before the next of those: the bytes
            // up to it are skipped, the classes before it read back.
            if i > 0 && term.is_none() && !matches!(prev, Cr | Lf) {
                let skip = text[i..]
                    .iter()
                    .position(|&b| matches!(b, b'.' | b'!' | b'?' | b'\r' | b'\n'))
                    .unwrap_or(text.len() - i);
                if skip > 0 {
                    i += skip;
                    prev = sentence_class(text[i - 1]);
                    before_prev = if i >= 2 {
                        sentence_class(text[i - 2])
                    } else {
                        Other
                    };
                    continue;
                }
            }
            let c = sentence_class(text[i]);
            let brk = i > 0 && breaks_before(text, i, c, [before_prev, prev], term);
            term = match (c, term) {
                (ATerm | STerm, _) => Some((c, false)),
                (Close, Some((t, false))) => Some((t, false)),
                (Sp, Some((t, _))) => Some((t, true)),
                _ => None,
            };
            before_prev = prev;
            prev = c;
            i += 1;
            if brk {
                return Some(i - 1);
            }
        }
        None
    })
}

/// What a match of the social scan is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Social {
    Link,
    Email,
    Mention,
    Hashtag,
}

/// Which kind of social token a match of the scan is, read from its text.
fn social_kind(m: &str) -> Social {
    let mut chars = m.chars();
    let first = chars.next().unwrap_or(' ');
    let second = chars.next().unwrap_or(' ');
    let sigil = if first == '@' || first == '#' {
        Some(first)
    } else if !(first.is_alphanumeric() || first == '_') && (second == '@' || second == '#') {
        Some(second)
    } else {
        None
    };
    match sigil {
        Some('@') => Social::Mention,
        Some(_) => Social::Hashtag,
        None if m.contains("://") || m.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("www.")) => {
            Social::Link
        }
        None if m.contains('@') => Social::Email,
        None => Social::Link,
    }
}

/// Drops trailing punctuation that ends a sentence rather than the link.
fn trim_link(link: &str) -> &str {
    let mut s = link;
    loop {
        let trimmed = s.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"', '*']);
        let trimmed = if trimmed.ends_with(')') && !trimmed.contains('(') {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == s.len() {
            return s;
        }
        s = trimmed;
    }
}

/// The token at `span`, of letter case `case`, its word's entry found
/// by `words`. Inlined where tokens are pushed, so that each is written
/// once, in the token list.
#[inline(always)]
fn make_token(
    text: &str,
    span: Range<usize>,
    kind: TokenKind,
    case: Case,
    chain: u32,
    words: &mut words::Numbering,
) -> Token {
    let facts = words.facts(kind, &text[span.clone()], case);
    Token {
        span,
        kind,
        lower: facts.lower.clone(),
        stem: facts.stem.clone(),
        word: facts.id,
        valence: facts.valence,
        sentence: 0,
        chain,
        in_hashtag: false,
        negated: false,
        negator: facts.negator,
        quoted: false,
        case,
    }
}

/// The lower case a token of kind `kind` keeps of its text `word`, of
/// letter case `case`: emoji without their variation selectors, other
/// tokens [`normalize`]d.
fn lower_of(kind: TokenKind, word: &str, case: Case) -> CompactString {
    match kind {
        TokenKind::Emoji => word
            .chars()
            .filter(|c| *c != '\u{FE0F}' && *c != '\u{FE0E}')
            .collect(),
        _ => lower_word(word, case),
    }
}

/// The tokens of a short text that cannot hold links, e-mails, mentions
/// or hashtags (no `@`, `#`, `.` or `/`), without the rest of the analysis:
/// how rule phrases are read at load time, quickly. `None` when the text
/// needs the full analysis.
pub fn plain_tokens(text: &str) -> Option<Vec<Token>> {
    if text.contains(['@', '#', '.', '/']) {
        return None;
    }
    let mut out = Vec::new();
    tokenize_prose(
        text,
        0..text.len(),
        &mut out,
        0,
        &mut words::Numbering::Unnumbered,
    );
    Some(out)
}

/// The words, numbers and emoji of `text[range]`, appended to `out`; their
/// words' entries found by `words` (see [`make_token`]).
fn tokenize_prose(
    text: &str,
    range: Range<usize>,
    out: &mut Vec<Token>,
    chain: u32,
    words: &mut words::Numbering,
) {
    if range.is_empty() {
        return;
    }
    let part = &text[range.clone()];
    let mut push = |span: Range<usize>, kind, case| {
        let span = range.start + span.start..range.start + span.end;
        out.push(make_token(text, span, kind, case, chain, words));
    };
    match simple_words(part) {
        Some(found) => found.for_each(|w| push(w.span, w.kind, w.case)),
        None => segmented_words(part, |span, kind| {
            let case = word_case(kind, &part[span.clone()]);
            push(span, kind, case);
        }),
    }
}

/// The words, numbers and emoji of any text, each given to `found` with
/// its span and kind: the segments between Unicode word boundaries that
/// hold a letter or digit, and the grapheme clusters that hold an emoji.
fn segmented_words(text: &str, mut found: impl FnMut(Range<usize>, TokenKind)) {
    for (i, seg) in text.split_word_bound_indices() {
        let span = i..i + seg.len();
        if seg.chars().any(is_emoji_char) {
            // A run of emoji may come as one segment; keep each grapheme.
            for (j, g) in seg.grapheme_indices(true) {
                if g.chars().any(is_emoji_char) {
                    found(i + j..i + j + g.len(), TokenKind::Emoji);
                }
            }
        } else if seg.chars().any(char::is_alphabetic) {
            found(span, TokenKind::Word);
        } else if seg.chars().any(|c| c.is_numeric()) {
            found(span, TokenKind::Number);
        }
    }
}

/// How a character takes part in word boundaries: its Word_Break
/// property (Unicode TR29), for the characters [`simple_words`] knows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum WordBreak {
    /// ALetter (ASCII letters only).
    Letter,
    /// Numeric (ASCII digits only).
    Digit,
    /// ExtendNumLet: `_`.
    Connector,
    /// MidLetter: `:`.
    MidLetter,
    /// MidNumLet and Single_Quote: `.`, `'`, `‘`, `’` and `․`.
    MidNumLet,
    /// MidNum: `,` and `;`.
    MidNum,
    /// An emoji that is a grapheme cluster of its own (Other).
    Emoji,
    /// A variation selector or skin-tone modifier (Extend).
    Extend,
    /// Neither a letter nor a digit, joining nothing (Other, or a space).
    Other,
}

/// The class of an ASCII byte, looked up: the scanner asks it at the end
/// of every word (other bytes are [`WordBreak::Other`]).
fn ascii_word_break(b: u8) -> WordBreak {
    ASCII_WORD_BREAKS[usize::from(b)]
}

const ASCII_WORD_BREAKS: [WordBreak; 256] = {
    let mut table = [WordBreak::Other; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = ascii_class(b as u8);
        b += 1;
    }
    table
};

const fn ascii_class(b: u8) -> WordBreak {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => WordBreak::Letter,
        b'0'..=b'9' => WordBreak::Digit,
        b'_' => WordBreak::Connector,
        b':' => WordBreak::MidLetter,
        b'.' | b'\'' => WordBreak::MidNumLet,
        b',' | b';' => WordBreak::MidNum,
        _ => WordBreak::Other,
    }
}

/// The class of a non-ASCII character posts use often, `None` for the
/// others (letters, digits, joiners, regional indicators and the rest of
/// Unicode): punctuation, symbols and emoji that are grapheme clusters of
/// their own, and the marks that extend them. Inlined: non-ASCII posts
/// ask it for each of their characters.
#[inline(always)]
fn word_break(c: char) -> Option<WordBreak> {
    if c.is_ascii() {
        return Some(ascii_word_break(c as u8));
    }
    let class = match c as u32 {
        0x2018 | 0x2019 | 0x2024 => WordBreak::MidNumLet,
        0xFE00..=0xFE0F | 0x1F3FB..=0x1F3FF => WordBreak::Extend,
        // Marks that join words (middle dot, cedilla, hyphenation point,
        // undertie, fraction slash, character tie); letters and digits
        // are left to the segmenter.
        0xB7 | 0xB8 | 0x2027 | 0x203F | 0x2040 | 0x2044 | 0x2054 => return None,
        _ if !stands_alone(c) || c.is_alphanumeric() => return None,
        _ if is_emoji_char(c) => WordBreak::Emoji,
        0xA0..=0xBF | 0xD7 | 0xF7 | 0x2010..=0x2027 | 0x2030..=0x205E | 0x20A0..=0x20C0 => {
            WordBreak::Other
        }
        0x2100..=0x23FF | 0x2460..=0x27BF | 0x2B00..=0x2BFF => WordBreak::Other,
        _ => return None,
    };
    Some(class)
}

/// The offset of the first byte from `from` on that is not ASCII (the
/// length of `b` if none is), read eight bytes at a time.
fn next_non_ascii(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let high = word & 0x8080_8080_8080_8080;
        if high != 0 {
            return i + (high.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    b[i.min(b.len())..]
        .iter()
        .position(|&x| !x.is_ascii())
        .map_or(b.len(), |p| i + p)
}

/// A word, number or emoji found by [`simple_words`], with its span in
/// the text searched.
struct SimpleWord {
    span: Range<usize>,
    kind: TokenKind,
    /// The letter case of a word, counted as it was read.
    case: Case,
}

/// The tokens of a text of ASCII, and of the non-ASCII characters
/// [`word_break`] knows (an extending mark only after an emoji), found
/// in one pass over its characters, as the Unicode word boundaries and
/// grapheme clusters find them; `None` for other text.
///
/// A word is a run of letters, digits and `_` (WB5, WB8-WB10, WB13a-b)
/// that goes on over one middle mark between two letters (`:`, `.`, `'`:
/// WB6-7) or two digits (`.`, `'`, `,`, `;`: WB11-12); it is a number
/// when it holds no letter. An emoji and the marks that extend it (WB4)
/// are one token. Everything else breaks on both sides (WB999).
fn simple_words(text: &str) -> Option<impl Iterator<Item = SimpleWord> + '_> {
    let b = text.as_bytes();
    // Every ASCII character is known: only the others are asked, each
    // knowing whether an emoji (or a mark extending one) ends where it
    // starts.
    let mut i = next_non_ascii(b, 0);
    let mut emoji_end = usize::MAX;
    while i < b.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        let end = i + c.len_utf8();
        match word_break(c)? {
            WordBreak::Extend if emoji_end != i => return None,
            WordBreak::Emoji | WordBreak::Extend => emoji_end = end,
            _ => {}
        }
        i = next_non_ascii(b, end);
    }
    // The class and length of the character at `i` (every one is known).
    let at = move |i: usize| match b[i] {
        a if a.is_ascii() => (ascii_word_break(a), 1),
        _ => {
            let c = text[i..].chars().next().unwrap_or(' ');
            (word_break(c).unwrap_or(WordBreak::Other), c.len_utf8())
        }
    };
    let mut i = 0;
    Some(std::iter::from_fn(move || {
        use WordBreak::*;
        while i < b.len() {
            let start = i;
            if WORD_BYTES[usize::from(b[i])] == 0 {
                if b[i].is_ascii() {
                    i += 1;
                    continue;
                }
                let (class, len) = at(i);
                i += len;
                if class == Emoji {
                    while i < b.len() && at(i).0 == Extend {
                        i += at(i).1;
                    }
                    return Some(SimpleWord {
                        span: start..i,
                        kind: TokenKind::Emoji,
                        case: Case::default(),
                    });
                }
                continue;
            }
            let mut seen = 0u8;
            // The letters of a word are all ASCII: they are counted here.
            let mut letters = 0u64;
            loop {
                while let Some(&byte) = b.get(i) {
                    let bits = WORD_BYTES[usize::from(byte)];
                    if bits == 0 {
                        break;
                    }
                    seen |= bits;
                    letters += letter_count(byte);
                    i += 1;
                }
                // A middle mark between two letters or two digits (the
                // byte before it is one of the run's) keeps the word going.
                if i >= b.len() {
                    break;
                }
                let (mid, len) = at(i);
                if !matches!(mid, MidLetter | MidNumLet | MidNum) || i + len >= b.len() {
                    break;
                }
                let (last, after) = (ascii_word_break(b[i - 1]), at(i + len).0);
                let joins = match mid {
                    MidLetter => last == Letter && after == Letter,
                    MidNumLet => last == after && matches!(last, Letter | Digit),
                    _ => last == Digit && after == Digit,
                };
                if !joins {
                    break;
                }
                i += len;
            }
            if seen & (LETTER | DIGIT) != 0 {
                let kind = if seen & LETTER != 0 {
                    TokenKind::Word
                } else {
                    TokenKind::Number
                };
                return Some(SimpleWord {
                    span: start..i,
                    kind,
                    case: Case::from_counts(letters),
                });
            }
        }
        None
    }))
}

/// Bits of the bytes that make up words in [`simple_words`]: ASCII
/// letters, digits and `_` (every other byte has none).
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
const CONNECTOR: u8 = 4;
const WORD_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'a'..=b'z' | b'A'..=b'Z' => LETTER,
            b'0'..=b'9' => DIGIT,
            b'_' => CONNECTOR,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// The tokens of a hashtag whose body starts at `body_start` and splits
/// into `parts` (relative to the body).
fn push_hashtag_tokens(
    text: &str,
    body_start: usize,
    parts: &[Range<usize>],
    out: &mut Vec<Token>,
    chain: u32,
    words: &mut words::Numbering,
) {
    for part in parts {
        let r = body_start + part.start..body_start + part.end;
        let kind = if text[r.clone()].chars().any(char::is_alphabetic) {
            TokenKind::Word
        } else {
            TokenKind::Number
        };
        let case = word_case(kind, &text[r.clone()]);
        let mut tok = make_token(text, r, kind, case, chain, words);
        tok.in_hashtag = true;
        out.push(tok);
    }
}

/// Splits a hashtag body into words: `WorstDayEver` → worst, day, ever;
/// `NYCEats2024` → nyc, eats, 2024; `best_coffee` → best, coffee.
pub fn split_hashtag(body: &str) -> Vec<String> {
    camel_parts(body)
        .into_iter()
        .map(|r| body[r].to_lowercase())
        .collect()
}

/// The words of a hashtag body, each character classed once as it is
/// read (with the one after it, for the end of a run of capitals).
fn camel_parts(body: &str) -> Vec<Range<usize>> {
    use CamelClass::*;
    let mut parts = Vec::new();
    let mut start: Option<usize> = None;
    let mut prev = Sep;
    let mut chars = body
        .char_indices()
        .map(|(i, c)| (i, CamelClass::of(c)))
        .peekable();
    while let Some((i, class)) = chars.next() {
        let before = std::mem::replace(&mut prev, class);
        if class == Sep {
            if let Some(s) = start.take() {
                parts.push(s..i);
            }
            continue;
        }
        let Some(s) = start else {
            start = Some(i);
            continue;
        };
        let boundary = match (before, class) {
            (Lower, Upper) => true,
            (Digit, Upper | Lower) => true,
            (Upper | Lower, Digit) => true,
            // "NYCEats": the last capital of a run starts a new word.
            (Upper, Upper) => chars.peek().map(|&(_, c)| c) == Some(Lower),
            _ => false,
        };
        if boundary {
            parts.push(s..i);
            start = Some(i);
        }
    }
    if let Some(s) = start {
        parts.push(s..body.len());
    }
    // An all-lower-case tag stays one word.
    parts
}

/// How a character of a hashtag body takes part in its words.
#[derive(PartialEq, Clone, Copy, Debug)]
enum CamelClass {
    Upper,
    /// A letter that is not upper-case.
    Lower,
    Digit,
    /// Neither a letter nor a digit: it separates words.
    Sep,
}

impl CamelClass {
    fn of(c: char) -> CamelClass {
        if c.is_uppercase() {
            CamelClass::Upper
        } else if c.is_alphabetic() {
            CamelClass::Lower
        } else if c.is_numeric() {
            CamelClass::Digit
        } else {
            CamelClass::Sep
        }
    }
}

/// Short pseudo-random texts for tests that compare a fast path with a
/// reference: `count` texts of up to 11 characters of `alphabet`, the
/// same ones every run (`shift` varies which bits pick the characters).
#[cfg(test)]
pub(crate) fn random_texts(
    alphabet: &[char],
    count: usize,
    shift: u32,
) -> impl Iterator<Item = String> + '_ {
    let mut rng = crate::test_rng::Xorshift::new(0x9e37_79b9_7f4a_7c15u64);
    (0..count).map(move |_| {
        let seed = rng.next();
        let len = (seed % 12) as u32;
        (0..len)
            .map(|k| alphabet[((seed >> (4 * k + shift)) % alphabet.len() as u64) as usize])
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The non-blank sentences `unicode_segmentation` finds: the
    /// reference the faster paths are checked against.
    fn unicode_sentences(text: &str) -> Vec<Range<usize>> {
        text.split_sentence_bound_indices()
            .filter(|(_, s)| !s.trim().is_empty())
            .map(|(i, s)| i..i + s.len())
            .collect()
    }

    fn words(a: &Analysis) -> Vec<String> {
        a.prose_words().map(|t| t.lower.to_string()).collect()
    }

    /// Calls `check` on every string of up to four characters of
    /// `alphabet` (ASCII), then on 20,000 pseudo-random ones from `seed`.
    fn for_each_text(alphabet: &[u8], seed: u64, mut check: impl FnMut(&str)) {
        let mut text = Vec::new();
        let mut run = |text: &[u8]| check(std::str::from_utf8(text).unwrap());
        for len in 0..=4u32 {
            for n in 0..alphabet.len().pow(len) {
                text.clear();
                let mut k = n;
                for _ in 0..len {
                    text.push(alphabet[k % alphabet.len()]);
                    k /= alphabet.len();
                }
                run(&text);
            }
        }
        let mut rng = crate::test_rng::Xorshift::new(seed);
        let mut next = || rng.next();
        for _ in 0..20_000 {
            text.clear();
            let len = (next() % 40) as usize;
            for _ in 0..len {
                text.push(alphabet[(next() >> 32) as usize % alphabet.len()]);
            }
            run(&text);
        }
    }
    #[test]
    fn links_mentions_and_hashtags_are_not_prose() {
        let a = Analysis::new("Thanks @sam! See https://shop.example.com/sale. #BestCoffeeEver");
        assert_eq!(words(&a), ["thanks", "see"]);
        assert_eq!(a.links.len(), 1);
        assert_eq!(&a.text[a.links[0].clone()], "https://shop.example.com/sale");
        assert_eq!(&a.text[a.mentions[0].clone()], "@sam");
        assert_eq!(a.hashtags[0].words, ["best", "coffee", "ever"]);
    }

    #[test]
    fn social_tokens_are_told_apart() {
        let a =
            Analysis::new("(@sam) mail jo.b@shop.co, #Deal at www.x.com or HTTPS://y.org/p; a@b");
        assert_eq!(&a.text[a.mentions[0].clone()], "@sam");
        assert_eq!(&a.text[a.emails[0].clone()], "jo.b@shop.co");
        assert_eq!(&a.text[a.hashtags[0].span.clone()], "#Deal");
        let links: Vec<_> = a.links.iter().map(|l| &a.text[l.clone()]).collect();
        assert_eq!(links, ["www.x.com", "HTTPS://y.org/p"]);
    }

    /// `camel_parts` as it was first written, over a list of the body's
    /// characters, each classed again as the one before and after.
    fn camel_parts_by_list(body: &str) -> Vec<Range<usize>> {
        use CamelClass::*;
        let chars: Vec<(usize, char)> = body.char_indices().collect();
        let mut parts = Vec::new();
        let mut start: Option<usize> = None;
        for (k, &(i, c)) in chars.iter().enumerate() {
            let cl = CamelClass::of(c);
            if cl == Sep {
                if let Some(s) = start.take() {
                    parts.push(s..i);
                }
                continue;
            }
            let Some(s) = start else {
                start = Some(i);
                continue;
            };
            let prev = CamelClass::of(chars[k - 1].1);
            let next = chars.get(k + 1).map(|&(_, c)| CamelClass::of(c));
            let boundary = match (prev, cl) {
                (Lower, Upper) => true,
                (Digit, Upper | Lower) => true,
                (Upper | Lower, Digit) => true,
                (Upper, Upper) => next == Some(Lower),
                _ => false,
            };
            if boundary {
                parts.push(s..i);
                start = Some(i);
            }
        }
        if let Some(s) = start {
            parts.push(s..body.len());
        }
        parts
    }

    #[test]
    fn hashtag_words_are_those_of_the_list_walk() {
        let alphabet = ['a', 'B', 'C', 'd', '1', '_', 'É', 'é', '日', '٣', '-'];
        for body in random_texts(&alphabet, 20_000, 5) {
            assert_eq!(camel_parts(&body), camel_parts_by_list(&body), "{body:?}");
        }
    }

    #[test]
    fn camel_case_hashtags_split() {
        assert_eq!(split_hashtag("NYCEats2024"), ["nyc", "eats", "2024"]);
        assert_eq!(split_hashtag("small_business"), ["small", "business"]);
        assert_eq!(split_hashtag("mondays"), ["mondays"]);
    }

    #[test]
    fn stems_and_spans() {
        let a = Analysis::new("Complaining customers’ complaints");
        let stems: Vec<_> = a.tokens.iter().map(|t| t.stem.as_str()).collect();
        assert_eq!(stems, ["complain", "custom", "complaint"]);
        for t in &a.tokens {
            assert!(a.text.is_char_boundary(t.span.start));
        }
    }

    #[test]
    fn negation_and_quotes() {
        let a = Analysis::new("This is not bad. Another \"urgent\" email.");
        let bad = a.tokens.iter().find(|t| t.lower == "bad").unwrap();
        assert!(bad.negated);
        let urgent = a.tokens.iter().find(|t| t.lower == "urgent").unwrap();
        assert!(urgent.quoted && !urgent.negated);
    }

    #[test]
    fn stand_ins_find_the_unicode_sentences() {
        // Every character with a stand-in, in contexts that tell the
        // classes apart.
        let mut with_stand_in = 0;
        let mut wrong = Vec::new();
        for c in (0x80..=0x1fbff).filter_map(char::from_u32) {
            if stand_in(c).is_none() {
                continue;
            }
            with_stand_in += 1;
            for context in [
                "Hi.{c} There",
                "Hi.{c} there",
                "Hi{c}. There",
                "x {c}. Y",
                "Ok!{c}Yes",
                "A.{c}B",
                "a.{c}b",
                "Go.{c}\n{c}Now",
                "{c}",
                "{c}. Z",
                "Yes.{c}{c} No",
                "e.g.{c} fine",
                "No{c}.{c} Yes",
                "Hi!\u{a0}{c} there",
                "Hi. {c}b",
                "Hi.{c}{c}b",
                "Dr.{c}Smith",
                "3.{c}5",
                "1{c}. 2",
                "Hi?{c}”  there",
            ] {
                let text = context.replace("{c}", &c.to_string());
                if sentences(&text) != unicode_sentences(&text) {
                    wrong.push(format!("U+{:04X} in {text:?}", c as u32));
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
        assert!(with_stand_in > 4000, "{with_stand_in}");
        // Mixed with ASCII at random.
        let alphabet: Vec<char> = "aZ5.!?,;\"')( \t\r\n@éÉ’“”\u{a0}—…😀\u{fe0f}\u{1f3fb}\u{200d}ß‼"
            .chars()
            .collect();
        for text in random_texts(&alphabet, 40_000, 0) {
            assert_eq!(sentences(&text), unicode_sentences(&text), "{text:?}");
        }
    }

    #[test]
    fn one_sentence_fast_path() {
        for text in ["no marks here, just words; and more", "  ", "", "a, b: c"] {
            assert_eq!(sentences(text), unicode_sentences(text), "{text:?}");
        }
    }

    #[test]
    fn ascii_sentences_match_unicode_segmentation() {
        // Every string of up to four characters over one character of each
        // class (and a few more), then longer pseudo-random ones.
        let alphabet = b"aZ5.!?,;\"')( \t\r\n\x0c@";
        for_each_text(alphabet, 0x2545_f491_4f6c_dd1du64, |t| {
            assert_eq!(sentences(t), unicode_sentences(t), "{t:?}");
        });
        let t = "Dr. Smith arrived. He said: \"hi!\" (ok?) 3.5 U.S. rates e.g. fine.\r\nNext";
        assert_eq!(sentences(t), unicode_sentences(t), "{t:?}");
    }

    /// The tokens `segmented_words` finds, with the case of their text:
    /// the reference of the fast path.
    fn segmented(text: &str) -> Vec<(Range<usize>, TokenKind, Case)> {
        let mut out = Vec::new();
        segmented_words(text, |span, kind| {
            let case = word_case(kind, &text[span.clone()]);
            out.push((span, kind, case));
        });
        out
    }

    fn simple(text: &str) -> Option<Vec<(Range<usize>, TokenKind, Case)>> {
        simple_words(text).map(|words| words.map(|w| (w.span, w.kind, w.case)).collect())
    }

    #[test]
    fn the_next_byte_beyond_ascii_is_found_in_every_place() {
        for len in 0..40 {
            for at in (0..=len).chain([usize::MAX]) {
                let mut b = vec![b'a'; len];
                if at < len {
                    b[at] = 0xC3;
                }
                for from in 0..=len {
                    let want = if at < len && at >= from { at } else { len };
                    assert_eq!(next_non_ascii(&b, from), want, "{len} {at} {from}");
                }
            }
        }
    }

    #[test]
    fn simple_words_match_the_segmenter() {
        let ascii = b"aZ5.:,;_'\" \t\r\n\x0b-@!";
        for_each_text(ascii, 0x9e37_79b9_7f4a_7c15u64, |t| {
            assert_eq!(simple(t), Some(segmented(t)), "{t:?}");
        });
        // Every character the fast path knows, in contexts that tell the
        // classes apart.
        let mut known = 0;
        let mut wrong = Vec::new();
        for c in (0..=0x1fbff).filter_map(char::from_u32) {
            if word_break(c).is_none() {
                continue;
            }
            known += 1;
            for context in [
                "a{c}b",
                "1{c}2",
                "a{c}2",
                "1{c}b",
                "_{c}_",
                "{c}",
                "a{c}",
                "{c}a",
                "{c}{c}",
                "a.{c}",
                "{c}'s",
                "😀{c}",
                "{c}\u{fe0f}x",
                "x{c}\u{1f3fb}",
                "a{c}\u{2019}b",
                "a\u{2019}{c}b",
                "1,{c}2",
                "a:{c}b",
                " {c} ",
                "\r{c}\n",
            ] {
                let t = context.replace("{c}", &c.to_string());
                if simple(&t).is_some_and(|words| words != segmented(&t)) {
                    wrong.push(format!("U+{:04X} in {t:?}", c as u32));
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
        assert!(known > 3000, "{known}");
        // Mixed at random, with characters the fast path leaves alone.
        let alphabet: Vec<char> =
            "aZ5.:,;_'\" \n’‘“”—…❤😀🙄\u{fe0f}\u{1f3fb}\u{a0}™→é\u{200d}\u{2024}"
                .chars()
                .collect();
        let mut fast = 0;
        for t in random_texts(&alphabet, 40_000, 1) {
            if let Some(words) = simple(&t) {
                fast += 1;
                assert_eq!(words, segmented(&t), "{t:?}");
            }
        }
        assert!(fast > 10_000, "{fast}");
    }

    #[test]
    fn simple_graphemes_match_the_segmenter() {
        // Characters of each kind the fast path takes, and some it leaves
        // to the segmenter.
        let alphabet: Vec<char> = vec![
            'a',
            ' ',
            '\r',
            '\n',
            '\t',
            '\u{7f}',
            'é',
            '\u{a0}',
            '\u{2ff}',
            '—',
            '’',
            '€',
            '™',
            '→',
            '⌚',
            '☀',
            '❤',
            '⬛',
            '！',
            '🀄',
            '🃏',
            '🈁',
            '🌍',
            '🏺',
            '😀',
            '🙄',
            '🫶',
            '\u{fe0f}',
            '\u{fe0e}',
            '\u{1f3fb}',
            '\u{1f3ff}',
            '\u{ad}',
            '\u{200d}',
            '\u{301}',
            '\u{1f1fa}',
            'ก',
            '\u{e33}',
            '한',
            '\u{85}',
        ];
        let mut rng = crate::test_rng::Xorshift::new(0x2545_f491_4f6c_dd1du64);
        let mut next = || rng.next();
        let mut fast = 0;
        for round in 0..40_000 {
            let len = (next() % 8) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(next() >> 32) as usize % alphabet.len()])
                .collect();
            let expected: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
            match simple_graphemes(&text) {
                Some(g) => {
                    fast += 1;
                    assert_eq!(g.collect::<Vec<_>>(), expected, "{text:?}");
                    assert_eq!(
                        lengths::simple_lengths(&text, &[]).map(|l| l.whole.graphemes),
                        Some(expected.len()),
                        "{text:?}"
                    );
                }
                None => assert!(
                    text.chars()
                        .any(|c| !c.is_ascii() && !stands_alone(c) && !extends(c)),
                    "{text:?} (round {round})"
                ),
            }
        }
        assert!(fast > 10_000, "{fast}");
        // Every character of the ranges stands alone, or joins the one
        // before it.
        for c in (0xa0..=0x1fbff).filter_map(char::from_u32) {
            if stands_alone(c) || extends(c) {
                for text in [
                    format!("a{c}b"),
                    format!("{c}{c}"),
                    format!("\n{c}\u{fe0f}"),
                ] {
                    let expected: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
                    let got: Vec<(usize, &str)> = simple_graphemes(&text).unwrap().collect();
                    assert_eq!(got, expected, "{text:?}");
                }
            }
        }
    }

    /// The letter case of a word, character by character.
    fn case_by_chars(word: &str) -> Case {
        Case {
            letters: word.chars().filter(|c| c.is_alphabetic()).count() as u32,
            capitals: word.chars().filter(|c| c.is_uppercase()).count() as u32,
            has_lower: word.chars().any(char::is_lowercase),
        }
    }

    #[test]
    fn case_counts_letters_as_the_character_tests_do() {
        // ASCII of every class, letters that are neither upper- nor
        // lower-case (title case, CJK, modifier letters), lower-case marks
        // that are not letters of the basic kind, and upper-case symbols.
        let alphabet: Vec<char> = "aZ5_' \t.-éÉßǅ日ªʰⅧⅷⓐⒶ🄰\u{345}’😀".chars().collect();
        for word in random_texts(&alphabet, 40_000, 2) {
            assert_eq!(Case::of(&word), case_by_chars(&word), "{word:?}");
        }
        for b in 0..128u8 {
            let word = char::from(b).to_string();
            assert_eq!(Case::of(&word), case_by_chars(&word), "{word:?}");
        }
        assert!(Case::of("NYC").in_capitals() && Case::of("OK!").in_capitals());
        assert!(!Case::of("Ok").in_capitals() && !Case::of("A1").in_capitals());
        assert!(Case::of("ÉTÉ").in_capitals() && !Case::of("été").in_capitals());
        // Letters without case have no lower-case one either.
        assert!(Case::of("日本").in_capitals());
    }

    #[test]
    fn negators_start_with_five_letters() {
        for w in NEGATORS {
            assert!(is_negator(w), "{w}");
        }
        assert!(is_negator("don't") && !is_negator("yes") && !is_negator(""));
    }

    #[test]
    fn negation_reaches_three_prose_words_back() {
        let a = Analysis::new("not #Big really very bad. not here; never a #Fun b c d e");
        let negated: Vec<_> = a
            .tokens
            .iter()
            .filter(|t| t.negated)
            .map(|t| t.lower.as_str())
            .collect();
        assert_eq!(
            negated,
            ["really", "very", "bad", "here", "never", "a", "b", "c"]
        );
    }

    #[test]
    fn tokens_read_their_words_as_the_general_path_does() {
        // ASCII words of every length around the packed ones' 8 and 16
        // bytes, in any case, with Unicode letters, curly apostrophes,
        // emoji, links, mentions and hashtags.
        let pieces = [
            "a",
            "Bc",
            "DEF",
            "ghij",
            "Kl",
            "MNOPQRST",
            "uvwxyzabc",
            "Complaining",
            "customers",
            "LOVE",
            "hate",
            "2024",
            "3.5",
            "don’t",
            "Don't",
            "café",
            "ÉTÉ",
            "\u{212A}",
            "straße",
            "internationalization",
            "😀",
            "❤\u{fe0f}",
            "👍🏽",
            " ",
            " ",
            ". ",
            ", ",
            "'",
            "_",
            "@sam ",
            "#BestDayEver ",
            "https://x.co/a ",
            "NYC",
            "not ",
            "NEVER",
            "won’t",
        ];
        let mut rng = crate::test_rng::Xorshift::new(0x9e37_79b9_7f4a_7c15u64);
        let mut next = || rng.next();
        for _ in 0..5_000 {
            let len = (next() % 16) as usize;
            let text: String = (0..len)
                .map(|_| pieces[(next() >> 32) as usize % pieces.len()])
                .collect();
            let a = Analysis::new(&text);
            for t in &a.tokens {
                let mut unnumbered = words::Numbering::Unnumbered;
                let general = unnumbered.facts(t.kind, &text[t.span.clone()], t.case);
                assert_eq!(
                    (&t.lower, &t.stem, t.valence, t.negator),
                    (
                        &general.lower,
                        &general.stem,
                        general.valence,
                        is_negator(&t.lower)
                    ),
                    "{text:?}"
                );
                for u in &a.tokens {
                    assert_eq!(
                        t.word == u.word,
                        (t.kind, &t.lower) == (u.kind, &u.lower),
                        "{text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn emoji_are_tokens() {
        let a = Analysis::new("Love that for me 🙄🙄");
        let emoji: Vec<_> = a
            .tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Emoji)
            .collect();
        assert_eq!(emoji.len(), 2);
        assert_eq!(emoji[0].lower, "🙄");
    }
}
