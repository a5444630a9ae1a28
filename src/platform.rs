//! Platform profiles: how long a post may be, how its length is counted,
//! and how many hashtags it may carry, per social network. The limits feed
//! the `platform-length` and `platform-hashtags` metrics of the analysis.

use crate::text::Analysis;
use crate::text::lengths::{Counts, Lengths};
use std::collections::BTreeMap;
use unicode_segmentation::UnicodeSegmentation;

/// How a platform counts a post's length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counting {
    /// User-perceived characters (grapheme clusters).
    Graphemes,
    /// Unicode scalar values.
    Characters,
    /// X's weighted count: most Latin text counts 1 per character, CJK and
    /// emoji count 2, and every link counts as `url_length`.
    Weighted,
}

/// One platform's limits.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    pub name: String,
    pub max_length: Option<usize>,
    pub counting: Counting,
    /// Links count as this many characters, whatever their length.
    pub url_length: Option<usize>,
    pub max_hashtags: Option<usize>,
}

/// What a profile says of one post.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measure {
    pub length: usize,
    pub max_length: Option<usize>,
    /// Byte offset where the post goes over `max_length`.
    pub over_at: Option<usize>,
    pub max_hashtags: Option<usize>,
}

fn profile(
    name: &str,
    max: Option<usize>,
    counting: Counting,
    url: Option<usize>,
    tags: Option<usize>,
) -> Profile {
    Profile {
        name: name.to_string(),
        max_length: max,
        counting,
        url_length: url,
        max_hashtags: tags,
    }
}

/// The built-in profiles, by name.
pub fn built_in() -> Vec<Profile> {
    use Counting::*;
    vec![
        profile("x", Some(280), Weighted, Some(23), None),
        profile("bluesky", Some(300), Graphemes, None, None),
        profile("threads", Some(500), Characters, None, None),
        profile("mastodon", Some(500), Characters, Some(23), None),
        profile("linkedin", Some(3000), Characters, None, None),
        profile("instagram", Some(2200), Characters, None, Some(30)),
        profile("facebook", Some(63206), Characters, None, None),
        profile("generic", None, Characters, None, None),
    ]
}

/// Other names people use for the built-in platforms.
fn alias(name: &str) -> &str {
    match name {
        "twitter" => "x",
        "bsky" => "bluesky",
        "ig" => "instagram",
        "fb" => "facebook",
        other => other,
    }
}

/// The known profiles: built-in ones, replaced or added to by the
/// configuration's own.
#[derive(Clone, Debug)]
pub struct Profiles {
    by_name: BTreeMap<String, Profile>,
}

impl Default for Profiles {
    fn default() -> Self {
        Profiles::new(Vec::new())
    }
}

impl Profiles {
    pub fn new(custom: Vec<Profile>) -> Profiles {
        let mut by_name: BTreeMap<String, Profile> = built_in()
            .into_iter()
            .map(|p| (p.name.clone(), p))
            .collect();
        for p in custom {
            by_name.insert(p.name.clone(), p);
        }
        Profiles { by_name }
    }

    /// The profile for a platform name as people write it: exact names and
    /// aliases first, then the first word ("LinkedIn Page", "X (Twitter)").
    pub fn get(&self, name: &str) -> Option<&Profile> {
        let name = name.trim();
        // Calendars mostly spell the name as a profile does: no copy then
        // (this runs for every post).
        let lower = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(name.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(name)
        };
        if let Some(p) = self.by_name.get(alias(&lower)) {
            return Some(p);
        }
        let first = lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .find(|w| !w.is_empty())?;
        self.by_name.get(alias(first))
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}

impl Profile {
    /// Measures a post against this profile: its length is the one its
    /// analysis counted; a post over the limit is walked grapheme by
    /// grapheme only as far as the place it goes over.
    pub fn measure(&self, a: &Analysis) -> Measure {
        let length = self.length(&a.metrics.lengths);
        let over_at = match self.max_length {
            Some(limit) if length > limit => self.over_at(a, limit),
            _ => None,
        };
        Measure {
            length,
            max_length: self.max_length,
            over_at,
            max_hashtags: self.max_hashtags,
        }
    }

    /// A post's length in this profile's unit, from the lengths its
    /// analysis counted.
    fn length(&self, lengths: &Lengths) -> usize {
        match self.url_length {
            Some(url) => self.count(&lengths.outside_links) + url * lengths.links,
            None => self.count(&lengths.whole),
        }
    }

    /// A length in this profile's unit.
    fn count(&self, counts: &Counts) -> usize {
        match self.counting {
            Counting::Graphemes => counts.graphemes,
            Counting::Characters => counts.characters,
            Counting::Weighted => counts.weighted,
        }
    }

    /// Where a post longer than `limit` goes over it: the start of the
    /// grapheme that passes it.
    fn over_at(&self, a: &Analysis, limit: usize) -> Option<usize> {
        let mut over_at = None;
        let mut passed = |i: usize, length: usize| {
            if length > limit {
                over_at = Some(i);
            }
            over_at.is_some()
        };
        if a.text.is_ascii() {
            self.walk(a, ascii_graphemes(a.text), &mut passed);
        } else if let Some(g) = crate::text::simple_graphemes(a.text) {
            self.walk(a, g, &mut passed);
        } else {
            self.walk(a, a.text.grapheme_indices(true), &mut passed);
        }
        over_at
    }

    /// Adds up the lengths of `graphemes`, a post's, calling `stop` with
    /// each one's start and the length so far (its own included) until
    /// it says to stop; gives the length added up.
    fn walk<'t>(
        &self,
        a: &Analysis<'t>,
        graphemes: impl Iterator<Item = (usize, &'t str)>,
        mut stop: impl FnMut(usize, usize) -> bool,
    ) -> usize {
        let mut length = 0usize;
        let mut links = a.links.iter().peekable();
        let mut graphemes = graphemes.peekable();
        while let Some((i, g)) = graphemes.next() {
            // A link counts as a fixed length where the platform says so.
            while links.peek().is_some_and(|l| l.end <= i) {
                links.next();
            }
            let cost = match (self.url_length, links.peek()) {
                (Some(url), Some(l)) if l.start == i => {
                    while graphemes.peek().is_some_and(|(j, _)| *j < l.end) {
                        graphemes.next();
                    }
                    url
                }
                _ => match self.counting {
                    Counting::Graphemes => 1,
                    // An ASCII cluster weighs one per character.
                    Counting::Characters | Counting::Weighted if g.is_ascii() => g.len(),
                    Counting::Characters => g.chars().count(),
                    Counting::Weighted => weighted(g),
                },
            };
            length += cost;
            if stop(i, length) {
                break;
            }
        }
        length
    }
}

/// The grapheme clusters of ASCII text: every character, except that a
/// CR LF pair is one cluster.
fn ascii_graphemes(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= b.len() {
            return None;
        }
        let n = if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        let g = (i, &text[i..i + n]);
        i += n;
        Some(g)
    })
}

/// X's weight of one grapheme: emoji count 2 as a whole; otherwise each
/// character counts 1 in the ranges X treats as light (most Latin, Greek,
/// Cyrillic, Arabic, Hebrew… and some punctuation), 2 elsewhere.
pub(crate) fn weighted(g: &str) -> usize {
    if g.chars().any(crate::text::is_emoji_char) {
        return 2;
    }
    g.chars().map(char_weight).sum()
}

/// X's weight of one character outside an emoji cluster: 1 in the light
/// ranges, 2 elsewhere.
pub(crate) fn char_weight(c: char) -> usize {
    match c as u32 {
        0..=4351 | 8192..=8205 | 8208..=8223 | 8242..=8247 => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(name: &str, text: &str) -> Measure {
        let profiles = Profiles::default();
        profiles.get(name).unwrap().measure(&Analysis::new(text))
    }

    impl Profile {
        /// The measure of a post walked whole, grapheme by grapheme, as
        /// `graphemes` gives its clusters: what `measure` must give.
        fn measure_graphemes<'t>(
            &self,
            a: &Analysis<'t>,
            graphemes: impl Iterator<Item = (usize, &'t str)>,
        ) -> Measure {
            let limit = self.max_length.unwrap_or(usize::MAX);
            let mut over_at = None;
            let length = self.walk(a, graphemes, |i, length| {
                if length > limit && over_at.is_none() {
                    over_at = Some(i);
                }
                false
            });
            Measure {
                length,
                max_length: self.max_length,
                over_at,
                max_hashtags: self.max_hashtags,
            }
        }
    }

    #[test]
    fn x_counts_links_as_23_and_cjk_double() {
        let m = measure(
            "x",
            "Read https://example.com/a/very/long/path/indeed/yes and 日本",
        );
        assert_eq!(m.length, 5 + 23 + 5 + 4);
        assert_eq!(measure("twitter", "👍🏽").length, 2);
    }

    #[test]
    fn platform_names_as_scheduling_tools_write_them() {
        let p = Profiles::default();
        assert_eq!(p.get("LinkedIn Page").unwrap().name, "linkedin");
        assert_eq!(p.get("X (Twitter)").unwrap().name, "x");
        assert_eq!(p.get(" Instagram ").unwrap().name, "instagram");
        assert!(p.get("myspace").is_none());
    }

    #[test]
    fn over_length_is_located() {
        let text = "a".repeat(301);
        let m = measure("bluesky", &text);
        assert_eq!(m.length, 301);
        assert_eq!(m.over_at, Some(300));
        assert_eq!(measure("generic", &text).over_at, None);
        // A long post: its whole length, and the place it goes over.
        let text = format!(
            "{} https://example.com/{}",
            "é".repeat(400),
            "x".repeat(4_000)
        );
        let m = measure("x", &text);
        // The place is a byte offset: each `é` takes two.
        assert_eq!((m.length, m.over_at), (401 + 23, Some(2 * 280)));
    }

    #[test]
    fn ascii_posts_measure_as_their_clusters_do() {
        let texts = [
            "Read https://example.com/a/very/long/path and www.x.com\r\nok",
            "a\r\nb\r\r\n\n\rc",
            "",
            "plain words. And more!",
        ];
        for p in profiles_and_variants() {
            for text in texts {
                let a = Analysis::new(text);
                let slow = p.measure_graphemes(&a, ascii_graphemes(text));
                assert_eq!(p.measure(&a), slow, "{} {text:?}", p.name);
            }
        }
    }

    /// Every profile; each with a limit short enough to be passed; and
    /// each counting links the other way.
    fn profiles_and_variants() -> Vec<Profile> {
        built_in()
            .into_iter()
            .flat_map(|p| {
                let short = Profile {
                    max_length: Some(12),
                    ..p.clone()
                };
                let links_other_way = Profile {
                    url_length: if p.url_length.is_some() {
                        None
                    } else {
                        Some(23)
                    },
                    ..p.clone()
                };
                [p, short, links_other_way]
            })
            .collect()
    }

    #[test]
    fn counted_lengths_measure_as_the_cluster_walk_does() {
        // Characters of every kind the simple count takes (ASCII, Latin,
        // CJK-weighted symbols, emoji, extending marks after letters,
        // emoji and controls) and some that need the Unicode tables,
        // around links, mentions and hashtags.
        let pieces = [
            "a",
            "Z",
            " ",
            "\r",
            "\n",
            "\t",
            "é",
            "—",
            "’",
            "€",
            "→",
            "❤",
            "😀",
            "👍",
            "🫶",
            "\u{fe0f}",
            "\u{1f3fb}",
            "\u{301}",
            "\u{200d}",
            "日",
            "https://x.co/a",
            "www.y.com",
            "shop.io",
            "@sam",
            "#Tag",
            ".",
            "!",
            "(",
            ")",
        ];
        let mut rng = crate::test_rng::Xorshift::new(0x2545_f491_4f6c_dd1du64);
        let mut next = || rng.next();
        let profiles = profiles_and_variants();
        for n in 0..20_000 {
            // Now and then a text over every built-in limit.
            let len = if n % 100 == 0 {
                200 + (next() % 300) as usize
            } else {
                (next() % 10) as usize
            };
            let text: String = (0..len)
                .map(|_| pieces[(next() >> 32) as usize % pieces.len()])
                .collect();
            let a = Analysis::new(&text);
            for p in &profiles {
                let walked = p.measure_graphemes(&a, text.grapheme_indices(true));
                assert_eq!(p.measure(&a), walked, "{} {text:?}", p.name);
            }
        }
    }

    #[test]
    fn ascii_weighs_one_per_character() {
        for c in (0u8..128).map(char::from) {
            assert_eq!(weighted(&c.to_string()), 1, "{c:?}");
        }
        assert_eq!(weighted("\r\n"), 2);
    }

    #[test]
    fn ascii_clusters_are_the_unicode_ones() {
        for text in ["a\r\nb\r\r\n\n\rc", "", "plain words. And more!", "\r\n"] {
            let fast: Vec<_> = ascii_graphemes(text).collect();
            let full: Vec<_> = text.grapheme_indices(true).collect();
            assert_eq!(fast, full);
        }
    }
}
