//! Links, e-mail addresses, @mentions and #hashtags, found by one
//! hand-written scan.
//!
//! The scan finds what this regular expression (leftmost-first, as the
//! `regex` crate runs it, Unicode classes) would find, match for match:
//!
//! ```text
//! link:    \b(?i:https?://|www\.)[^\s<>]+
//!        | \b[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*\.(?i:com|net|org|io|co|shop|store
//!            |biz|info|app|dev|me|ly|uk|us|ca)(?:/[^\s<>]*)?\b
//! email:   \b[\w.+-]+@[\w-]+(?:\.[\w-]+)+
//! mention: (?:^|[^\w@])@\w{1,30}
//! hashtag: (?:^|[^\w&#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*
//! ```
//!
//! Mentions and hashtags include the character before their sigil, as the
//! expression does; the analysis trims it.

use std::ops::Range;
use std::sync::LazyLock;

/// Top-level domains a bare `name.tld` link may end in, in the order the
/// alternatives are tried.
const TLDS: [&str; 16] = [
    "com", "net", "org", "io", "co", "shop", "store", "biz", "info", "app", "dev", "me", "ly",
    "uk", "us", "ca",
];

/// Sorted code point ranges of a Unicode class, as the regex engine's
/// own tables give it.
fn class(pattern: &str) -> Vec<(char, char)> {
    use regex_syntax::hir::{Class, HirKind};
    match regex_syntax::Parser::new()
        .parse(pattern)
        .map(|h| h.into_kind())
    {
        Ok(HirKind::Class(Class::Unicode(c))) => {
            c.ranges().iter().map(|r| (r.start(), r.end())).collect()
        }
        _ => Vec::new(),
    }
}

static LETTER: LazyLock<Vec<(char, char)>> = LazyLock::new(|| class(r"\p{L}"));
static NUMBER: LazyLock<Vec<(char, char)>> = LazyLock::new(|| class(r"\p{N}"));

fn in_class(table: &[(char, char)], c: char) -> bool {
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// `\w` with the regex engine's Unicode tables. The punctuation and
/// emoji blocks posts use most are answered without the table search.
pub(crate) fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else if matches!(c as u32, 0x2010..=0x203E | 0x1F300..=0x1F64F | 0x1F680..=0x1F6FF | 0x1F900..=0x1F9FF)
    {
        false
    } else {
        regex_syntax::is_word_character(c)
    }
}

/// `[\p{L}\p{N}_]`.
fn is_tag_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        in_class(&LETTER, c) || in_class(&NUMBER, c)
    }
}

fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        in_class(&LETTER, c)
    }
}

/// `[^\s<>]`.
fn is_link_char(c: char) -> bool {
    !(c.is_whitespace() || c == '<' || c == '>')
}

fn at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

fn before(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

/// `\b`: a word character on exactly one side of `i`.
fn boundary(text: &str, i: usize) -> bool {
    before(text, i).is_some_and(is_word) != at(text, i).is_some_and(is_word)
}

/// End of the run of characters in `class` from `i`.
fn run(text: &str, i: usize, class: impl Fn(char) -> bool) -> usize {
    text[i..]
        .char_indices()
        .find(|&(_, c)| !class(c))
        .map_or(text.len(), |(j, _)| i + j)
}

/// End of the ASCII run of `[a-zA-Z0-9-]` from `i`.
fn label(text: &str, i: usize) -> usize {
    let b = text.as_bytes();
    let mut j = i;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
        j += 1;
    }
    j
}

/// Case-insensitive match of an ASCII lower-case `word` at `i` (with
/// Unicode simple case folding, where `ſ` is an `s` and the Kelvin sign a
/// `k`); the end of the match.
fn caseless(text: &str, i: usize, word: &str) -> Option<usize> {
    let mut chars = text[i..].char_indices();
    for w in word.chars() {
        let (_, c) = chars.next()?;
        let same = c.to_ascii_lowercase() == w
            || (w == 's' && c == '\u{17F}')
            || (w == 'k' && c == '\u{212A}');
        if !same {
            return None;
        }
    }
    Some(chars.next().map_or(text.len(), |(j, _)| i + j))
}

/// Whether byte `b` may start a top-level domain of [`TLDS`] matched
/// without regard to case (`ſ`, a long s, starts with byte 0xC5).
fn starts_tld(b: u8) -> bool {
    b == 0xC5
        || TLDS
            .iter()
            .any(|t| t.as_bytes()[0] == b.to_ascii_lowercase())
}

/// `\b(?i:https?://|www\.)[^\s<>]+`
fn scheme_link(text: &str, p: usize) -> Option<usize> {
    let prefix = caseless(text, p, "https://")
        .or_else(|| caseless(text, p, "http://"))
        .or_else(|| caseless(text, p, "www."))?;
    let end = run(text, prefix, is_link_char);
    (end > prefix).then_some(end)
}

/// The ends of the dot-separated labels from `p`: `[a-zA-Z0-9-]+`
/// followed by any number of `\.[a-zA-Z0-9-]+`.
fn labels(text: &str, p: usize, ends: &mut Vec<usize>) {
    ends.clear();
    let mut e = label(text, p);
    if e == p {
        return;
    }
    ends.push(e);
    while text.as_bytes().get(e) == Some(&b'.') {
        let next = label(text, e + 1);
        if next == e + 1 {
            break;
        }
        e = next;
        ends.push(e);
    }
}

/// `\.(?i:tld)(?:/[^\s<>]*)?\b` at `q`, trying the alternatives in order.
fn domain_end(text: &str, q: usize) -> Option<usize> {
    if text.as_bytes().get(q) != Some(&b'.') {
        return None;
    }
    for tld in TLDS {
        let Some(t) = caseless(text, q + 1, tld) else {
            continue;
        };
        if text.as_bytes().get(t) == Some(&b'/') {
            let path_end = run(text, t + 1, is_link_char);
            // Greedy, giving back one character at a time until `\b` holds.
            let mut end = path_end;
            loop {
                if boundary(text, end) {
                    return Some(end);
                }
                if end == t + 1 {
                    break;
                }
                end -= before(text, end).map_or(1, char::len_utf8);
            }
        }
        if boundary(text, t) {
            return Some(t);
        }
    }
    None
}

/// `\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+` given the end of the `[\w.+-]+` run.
fn email_end(text: &str, local_end: usize) -> Option<usize> {
    if text.as_bytes().get(local_end) != Some(&b'@') {
        return None;
    }
    let is_host = |c: char| is_word(c) || c == '-';
    let mut e = run(text, local_end + 1, is_host);
    if e == local_end + 1 {
        return None;
    }
    let mut parts = 0;
    while text.as_bytes().get(e) == Some(&b'.') {
        let next = run(text, e + 1, is_host);
        if next == e + 1 {
            break;
        }
        e = next;
        parts += 1;
    }
    (parts > 0).then_some(e)
}

/// `(?:^|[^\w<excluded>])<sigil>` at `p`: where the body starts.
fn sigil_at(text: &str, p: usize, sigil: u8, excluded: &[char]) -> Option<usize> {
    let b = text.as_bytes();
    if p == 0 && b.first() == Some(&sigil) {
        return Some(1);
    }
    let c = at(text, p)?;
    let after = p + c.len_utf8();
    (b.get(after) == Some(&sigil) && !is_word(c) && !excluded.contains(&c)).then_some(after + 1)
}

/// `@\w{1,30}` after the character at `p`.
fn mention(text: &str, p: usize) -> Option<usize> {
    let body = sigil_at(text, p, b'@', &['@'])?;
    let mut end = body;
    for c in text[body..].chars().take(30) {
        if !is_word(c) {
            break;
        }
        end += c.len_utf8();
    }
    if end > body {
        return Some(end);
    }
    // At the start, `^` failed; `[^\w@]` cannot be the `@` itself.
    None
}

/// `#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*` after the character at `p`.
fn hashtag(text: &str, p: usize) -> Option<usize> {
    let body = sigil_at(text, p, b'#', &['&', '#'])?;
    let end = run(text, body, is_tag_char);
    text[body..end].chars().any(is_letter).then_some(end)
}

/// What a scan found, with the character before a sigil included.
pub(crate) fn social(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // Every match holds one of these bytes: a link `://` or a dot, an
    // e-mail address and a mention `@`, a hashtag `#`. Most posts lack
    // some of them, and the parts of the scan that need those are skipped.
    // Narrower still: a bare link needs a dot before the first letter of
    // a top-level domain, an e-mail address a character of its local part
    // before the `@`.
    // A link with a scheme needs `://`, or a dot after `www`.
    let (mut dot, mut bare_link, mut at_sign, mut email, mut other) =
        (false, false, false, false, false);
    // (A colon is looked for first: building a substring searcher for
    // `://` would cost more than most posts' scan.)
    let colon = memchr::memchr(b':', b).is_some();
    let mut scheme = colon && memchr::memchr_iter(b':', b).any(|i| b[i + 1..].starts_with(b"//"));
    for i in memchr::memchr3_iter(b'.', b'@', b'#', b) {
        match b[i] {
            b'.' => {
                dot = true;
                bare_link |= b.get(i + 1).is_some_and(|&n| starts_tld(n));
                scheme |= i >= 3 && b[i - 3..i].eq_ignore_ascii_case(b"www");
            }
            b'@' => {
                at_sign = true;
                email |=
                    before(text, i).is_some_and(|c| is_word(c) || matches!(c, '.' | '+' | '-'));
            }
            _ => other = true,
        }
    }
    if !(dot || at_sign || other || colon) {
        return out;
    }
    if !(scheme || bare_link || email) {
        sigils_only(text, &mut out);
        return out;
    }
    let mut ends = Vec::new();
    // Memos that keep the scan linear: inside one run, a failed attempt
    // fails again at every later start of the same run.
    let mut labels_failed_until = 0usize;
    let mut email_run = 0usize;
    let mut p = 0usize;
    // Whether the character before `p` is a word character.
    let mut prev_word = false;
    while p < text.len() {
        // Nothing starts inside a run of ASCII word (or non-word)
        // characters, unless a sigil follows: such runs are skipped.
        while p > 0
            && p < b.len()
            && b[p].is_ascii()
            && (b[p].is_ascii_alphanumeric() || b[p] == b'_') == prev_word
            && !matches!(b.get(p + 1), Some(b'@' | b'#'))
        {
            p += 1;
        }
        if p >= text.len() {
            break;
        }
        let c = at(text, p).unwrap_or(' ');
        let next = b.get(p + c.len_utf8()).copied();
        let sigil_next = matches!(next, Some(b'@' | b'#'));
        let word = is_word(c);
        let starts = word != prev_word;
        let found = if starts {
            let link = if matches!(c, 'h' | 'H' | 'w' | 'W') {
                scheme_link(text, p)
            } else {
                None
            };
            link.or_else(|| {
                if bare_link && p >= labels_failed_until && (c.is_ascii_alphanumeric() || c == '-')
                {
                    labels(text, p, &mut ends);
                    let found = ends.iter().rev().find_map(|&e| domain_end(text, e));
                    if found.is_none() {
                        labels_failed_until = ends.last().copied().unwrap_or(p);
                    }
                    found
                } else {
                    None
                }
            })
            .or_else(|| {
                if !email || !(word || matches!(c, '.' | '+' | '-')) {
                    return None;
                }
                if p >= email_run {
                    email_run = run(text, p, |c| is_word(c) || matches!(c, '.' | '+' | '-'));
                }
                let local_end = email_run;
                email_end(text, local_end)
            })
        } else {
            None
        };
        let found = found.or_else(|| mention_or_hashtag(text, p, c, sigil_next));
        match found {
            Some(end) => {
                out.push(p..end);
                p = end;
                prev_word = before(text, p).is_some_and(is_word);
            }
            None => {
                p += c.len_utf8();
                prev_word = word;
            }
        }
    }
    out
}

/// The end of the mention or hashtag found at `p` (whose character is
/// `c`), where one may start: before a sigil (`sigil_next`), or at a sigil
/// that opens the text.
fn mention_or_hashtag(text: &str, p: usize, c: char, sigil_next: bool) -> Option<usize> {
    let mention_here = sigil_next || (p == 0 && c == '@');
    let hashtag_here = sigil_next || (p == 0 && c == '#');
    mention_here
        .then(|| mention(text, p))
        .flatten()
        .or_else(|| hashtag_here.then(|| hashtag(text, p)).flatten())
}

/// The scan of a text that can hold no link or e-mail address: only
/// mentions and hashtags can match, and each starts at a sigil or at the
/// character before one, so only those places are tried (in order, none
/// inside an earlier match), as the full scan tries them.
fn sigils_only(text: &str, out: &mut Vec<Range<usize>>) {
    let b = text.as_bytes();
    let mut free_from = 0;
    for s in memchr::memchr2_iter(b'@', b'#', b) {
        let p = if s == 0 {
            0
        } else {
            s - before(text, s).map_or(1, char::len_utf8)
        };
        if p < free_from {
            continue;
        }
        let c = at(text, p).unwrap_or(' ');
        let sigil_next = matches!(b.get(p + c.len_utf8()), Some(b'@' | b'#'));
        let found = mention_or_hashtag(text, p, c, sigil_next);
        if let Some(end) = found {
            out.push(p..end);
            free_from = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;

    /// The expression the scan stands for.
    fn reference() -> Regex {
        Regex::new(concat!(
            r"(?P<link>\b(?i:https?://|www\.)[^\s<>]+",
            r"|\b[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*\.(?i:com|net|org|io|co|shop|store|biz|info|app|dev|me|ly|uk|us|ca)(?:/[^\s<>]*)?\b)",
            r"|(?P<email>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
            r"|(?P<mention>(?:^|[^\w@])@[\w]{1,30})",
            r"|(?P<hashtag>(?:^|[^\w&#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)",
        ))
        .unwrap()
    }

    static REFERENCE: LazyLock<Regex> = LazyLock::new(reference);

    fn same(re: &Regex, text: &str) {
        let want: Vec<_> = re.find_iter(text).map(|m| m.range()).collect();
        assert_eq!(social(text), want, "{text:?}");
    }

    #[test]
    fn word_characters_are_the_expression_ones() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_word(c), regex_syntax::is_word_character(c), "{c:?}");
        }
    }

    #[test]
    fn written_cases() {
        let re = reference();
        for text in [
            "Thanks @sam! See https://shop.example.com/sale. #BestCoffeeEver",
            "(@sam) mail jo.b@shop.co, #Deal at www.x.com or HTTPS://y.org/p; a@b",
            "@start and #start",
            "a@@b c&#x #9 #9a x#y x@y email me at first.last+tag@mail.example.co.uk.",
            "example.company shop.co-op x.com/@user sam.co@x.com foo.io/ bar.io/-",
            "httpſ://ſhop.ſtore KELVIN.\u{212A}",
            "#ประเทศไทย #हिन्दी #日本 #١٢٣ #x²y ré.com über.com a.b.c.d.e",
            "http:// www. https://x <https://y.com> ...@x.io -@x.io _@x.io",
            "a.b.c.d.com.x.com.ly/path/to(thing) end.",
            "é@x.io 日@y.co @@z.uk x.ſhop y.US z. com w.-io",
        ] {
            same(&re, text);
        }
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "http", "https", "://", "www", "WWW", "HtTpS", ".", "..", "@", "#", "com", "co", "Io",
            "uk", "shop", "-", "+", "_", "/", " ", "\n", "a", "Zb", "9", "é", "ſ", "\u{212A}", "&",
            "<", ">", "ä", "١", "²", "ि", "日", "😀", "'", ")", "(", "!", "x", "me", ",",
            "\u{200D}", "\u{0301}", "ǅ",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn scan_matches_the_expression(pieces in prop::collection::vec(piece(), 0..24)) {
            let text: String = pieces.concat();
            let want: Vec<_> = REFERENCE.find_iter(&text).map(|m| m.range()).collect();
            prop_assert_eq!(social(&text), want, "{:?}", text);
        }
    }
}
