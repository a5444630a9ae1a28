//! A post's length as each platform counts it, gathered in the one walk
//! over its grapheme clusters that also counts them for the metrics, so
//! that measuring a post against its platform's profile needs no walk of
//! its own (unless the post is over the limit, and the place it goes
//! over is wanted).

use super::{extends, stands_alone};
use crate::platform::{char_weight, weighted};
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// A length in each unit a platform counts in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Extended grapheme clusters.
    pub graphemes: usize,
    /// Unicode scalar values.
    pub characters: usize,
    /// X's weighted count (see [`crate::platform::Counting::Weighted`]).
    pub weighted: usize,
}

/// The length of a text, whole and without the clusters of its links
/// that start a cluster (which platforms may count as a fixed length).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lengths {
    pub whole: Counts,
    pub outside_links: Counts,
    /// The links that start a cluster.
    pub links: usize,
}

impl Counts {
    /// The counts of one cluster.
    fn of_cluster(g: &str) -> Counts {
        Counts {
            graphemes: 1,
            characters: g.chars().count(),
            weighted: weighted(g),
        }
    }

    fn add(&mut self, other: Counts) {
        self.graphemes += other.graphemes;
        self.characters += other.characters;
        self.weighted += other.weighted;
    }

    fn subtract(&mut self, other: Counts) {
        self.graphemes -= other.graphemes;
        self.characters -= other.characters;
        self.weighted -= other.weighted;
    }
}

/// What a mark read next may change of the cluster being read.
#[derive(Default)]
struct OpenCluster {
    /// What the cluster adds to the weighted count so far.
    weight: usize,
    /// It holds an emoji: it weighs 2, whatever joins it.
    emoji: bool,
    /// The character before is not a control: an extending mark joins
    /// the cluster.
    joinable: bool,
    /// The cluster is a regional indicator alone: the next character
    /// joins it if it is one too (a flag).
    lone_regional_indicator: bool,
}

/// Regional indicators (Grapheme_Cluster_Break Regional_Indicator): the
/// letters that flags are spelled with, two to a flag.
fn is_regional_indicator(c: char) -> bool {
    matches!(c as u32, 0x1F1E6..=0x1F1FF)
}

/// The counts of a text whose clusters are
/// [`simple_graphemes`](super::simple_graphemes), or would be but for the
/// flags it spells with regional indicators (each pair of them one
/// cluster, as rules GB12-13 pair them), read in one pass: runs of ASCII
/// a byte search at a time (each character a cluster, but CR LF), other
/// characters one by one; `None` for other text.
fn simple_counts(text: &str) -> Option<Counts> {
    let b = text.as_bytes();
    let mut counts = Counts::default();
    let mut open = OpenCluster::default();
    let mut i = 0;
    while i < b.len() {
        let ascii = b[i..]
            .iter()
            .position(|x| !x.is_ascii())
            .unwrap_or(b.len() - i);
        if ascii > 0 {
            counts.graphemes += ascii;
            counts.characters += ascii;
            counts.weighted += ascii;
            i += ascii;
            open = OpenCluster {
                weight: 1,
                emoji: false,
                joinable: !b[i - 1].is_ascii_control(),
                lone_regional_indicator: false,
            };
            continue;
        }
        let c = text[i..].chars().next()?;
        i += c.len_utf8();
        counts.characters += 1;
        let emoji = super::is_emoji_char(c);
        let regional = is_regional_indicator(c);
        if regional && open.lone_regional_indicator {
            // The second letter of a flag: the cluster, an emoji, still
            // weighs 2.
            open.lone_regional_indicator = false;
            continue;
        }
        open.lone_regional_indicator = false;
        if extends(c) && open.joinable {
            let weight = match (open.emoji, emoji) {
                (false, false) => open.weight + char_weight(c),
                _ => 2,
            };
            counts.weighted = counts.weighted - open.weight + weight;
            open.weight = weight;
            open.emoji |= emoji;
            continue;
        }
        if !(stands_alone(c) || extends(c) || regional) {
            return None;
        }
        let weight = if emoji { 2 } else { char_weight(c) };
        counts.graphemes += 1;
        counts.weighted += weight;
        open = OpenCluster {
            weight,
            emoji,
            joinable: true,
            lone_regional_indicator: regional,
        };
    }
    // A CR LF is one cluster (of two characters, weighing 2).
    if memchr::memchr(b'\r', b).is_some() {
        counts.graphemes -= text.matches("\r\n").count();
    }
    Some(counts)
}

/// The text of the clusters that start in link `link` of a simple text:
/// the link, and the marks after it that extend its last cluster; `None`
/// when the link may not start a cluster (only an ASCII character other
/// than LF surely does), or may end in a CR LF or in a regional indicator
/// (which the text after it may pair).
fn link_clusters<'t>(text: &'t str, link: &Range<usize>) -> Option<&'t str> {
    let first = *text.as_bytes().get(link.start)?;
    let last = text[..link.end].chars().next_back()?;
    if !first.is_ascii() || first == b'\n' || last == '\r' || is_regional_indicator(last) {
        return None;
    }
    let mut end = link.end;
    if !last.is_ascii_control() {
        end += text[end..]
            .chars()
            .take_while(|&c| extends(c))
            .map(char::len_utf8)
            .sum::<usize>();
    }
    Some(&text[link.start..end])
}

/// The lengths of a text whose clusters are
/// [`simple_graphemes`](super::simple_graphemes), `links` being its links;
/// `None` for other text, and when a link may not start a cluster (a
/// platform's walk would not see it).
pub(super) fn simple_lengths(text: &str, links: &[Range<usize>]) -> Option<Lengths> {
    let whole = simple_counts(text)?;
    let mut outside_links = whole;
    for link in links {
        outside_links.subtract(simple_counts(link_clusters(text, link)?)?);
    }
    Some(Lengths {
        whole,
        outside_links,
        links: links.len(),
    })
}

/// The lengths of any text, read from its `clusters` (with their byte
/// offsets) as a platform's walk reads them: a link counts where a
/// cluster starts at its start, and then stands for every cluster that
/// starts in it.
fn walked_lengths<'t>(
    clusters: impl Iterator<Item = (usize, &'t str)>,
    links: &[Range<usize>],
) -> Lengths {
    let mut lengths = Lengths::default();
    let mut links = links.iter().peekable();
    // The end of the link whose clusters are being read.
    let mut link_end = 0;
    for (i, g) in clusters {
        let counts = Counts::of_cluster(g);
        lengths.whole.add(counts);
        if i < link_end {
            continue;
        }
        while links.peek().is_some_and(|l| l.end <= i) {
            links.next();
        }
        match links.peek() {
            Some(l) if l.start == i => {
                link_end = l.end;
                lengths.links += 1;
            }
            _ => lengths.outside_links.add(counts),
        }
    }
    lengths
}

/// The lengths of an ASCII text: every character is a cluster, except
/// that CR LF is one, and every character weighs 1. A link holds no line
/// break: each of its characters is a cluster.
fn ascii_lengths(text: &str, links: &[Range<usize>]) -> Lengths {
    // Most posts have no CR: a byte search says so quickly.
    let crlf = if text.contains('\r') {
        text.matches("\r\n").count()
    } else {
        0
    };
    let whole = Counts {
        graphemes: text.len() - crlf,
        characters: text.len(),
        weighted: text.len(),
    };
    let in_links: usize = links.iter().map(ExactSizeIterator::len).sum();
    Lengths {
        whole,
        outside_links: Counts {
            graphemes: whole.graphemes - in_links,
            characters: whole.characters - in_links,
            weighted: whole.weighted - in_links,
        },
        links: links.len(),
    }
}

/// The lengths of a text and its links (in text order): without the
/// Unicode tables when its characters allow it.
pub fn lengths(text: &str, links: &[Range<usize>]) -> Lengths {
    if text.is_ascii() {
        ascii_lengths(text, links)
    } else if let Some(lengths) = simple_lengths(text, links) {
        lengths
    } else {
        walked_lengths(text.grapheme_indices(true), links)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_those_of_the_clusters() {
        // Characters that stand alone, extend the one before (or not,
        // after a control), and some that leave the text to the segmenter.
        let alphabet: Vec<char> =
            "a \r\n\t\u{1}é—’€→❤😀🫶\u{fe0f}\u{fe0e}\u{1f3fb}\u{301}\u{200d}日🇺🇸"
                .chars()
                .collect();
        let mut simple = 0;
        for text in crate::text::random_texts(&alphabet, 40_000, 3) {
            let clusters: Vec<&str> = text.graphemes(true).collect();
            match simple_counts(&text) {
                Some(counts) => {
                    simple += 1;
                    let expected = Counts {
                        graphemes: clusters.len(),
                        characters: text.chars().count(),
                        weighted: clusters.iter().map(|g| weighted(g)).sum(),
                    };
                    assert_eq!(counts, expected, "{text:?}");
                }
                None => assert!(super::super::simple_graphemes(&text).is_none(), "{text:?}"),
            }
        }
        assert!(simple > 10_000, "{simple}");
    }

    #[test]
    fn simple_lengths_are_the_walked_ones() {
        // `L` and `W` stand for links, next to characters that may or may
        // not join their last cluster.
        let alphabet: Vec<char> = "a .)LW\r\n\u{1}é😀\u{fe0f}\u{1f3fb}🇺🇸".chars().collect();
        let mut simple = 0;
        for t in crate::text::random_texts(&alphabet, 20_000, 4) {
            let text = t.replace('L', "https://x.co/é").replace('W', "www.y.com");
            let links = super::super::Analysis::new(&text).links;
            let walked = walked_lengths(text.grapheme_indices(true), &links);
            if let Some(counted) = simple_lengths(&text, &links) {
                simple += 1;
                assert_eq!(counted, walked, "{text:?}");
            }
        }
        assert!(simple > 15_000, "{simple}");
    }
}
