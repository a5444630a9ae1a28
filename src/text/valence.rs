//! A small valence lexicon: opinion words scored from −1 (very negative)
//! to 1 (very positive). Words are looked up by their lower-cased form,
//! then by stem, so inflections share a score.
//!
//! build.rs reads the lexicon with [`entries`] and writes it as two
//! [`StaticMap`](super::static_map::StaticMap)s, by word and by stem,
//! which the binary searches in place.

const LEXICON: &str = include_str!("valence.txt");

/// Scores by key, each key once.
pub type Scores = Vec<(String, f64)>;

/// The lexicon's scores by word and by stem: a word listed twice keeps its
/// last score, a stem its first word's.
pub fn entries() -> (Scores, Scores) {
    let mut words: Scores = Vec::new();
    let mut stems: Scores = Vec::new();
    for line in LEXICON.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(word), Some(score)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Ok(score) = score.parse::<f64>() else {
            continue;
        };
        match words.iter_mut().find(|(w, _)| w == word) {
            Some(entry) => entry.1 = score,
            None => words.push((word.to_string(), score)),
        }
        let stem = super::stem(word);
        if !stems.iter().any(|(s, _)| *s == stem) {
            stems.push((stem, score));
        }
    }
    (words, stems)
}

#[cfg(compiled_packs)]
#[allow(clippy::unreadable_literal)]
mod tables {
    use crate::text::static_map::StaticMap;
    include!(concat!(env!("OUT_DIR"), "/valence-tables.rs"));
}

/// The valence of a word, if it carries an opinion.
#[cfg(compiled_packs)]
#[inline]
pub fn score(lower: &str, stem: &str) -> Option<f64> {
    tables::WORDS
        .get(lower)
        .or_else(|| tables::STEMS.get(stem))
        .copied()
}

/// The valence of a word, if it carries an opinion (read from the
/// lexicon's text: the tables are not written yet while build.rs runs).
#[cfg(not(compiled_packs))]
pub fn score(lower: &str, stem: &str) -> Option<f64> {
    use std::sync::LazyLock;
    static LISTS: LazyLock<(Scores, Scores)> = LazyLock::new(entries);
    let (words, stems) = &*LISTS;
    let find =
        |list: &[(String, f64)], key: &str| list.iter().find(|(k, _)| k == key).map(|&(_, v)| v);
    find(words, lower).or_else(|| find(stems, stem))
}

#[cfg(test)]
mod tests {
    #[test]
    fn lexicon_lines_are_well_formed() {
        for (n, line) in super::LEXICON.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<_> = line.split_whitespace().collect();
            assert_eq!(parts.len(), 2, "valence.txt line {}", n + 1);
            let v: f64 = parts[1].parse().expect("a number");
            assert!((-1.0..=1.0).contains(&v), "valence.txt line {}", n + 1);
        }
    }

    #[test]
    fn inflections_share_a_score() {
        assert!(super::score("loved", &super::super::stem("loved")).unwrap() > 0.0);
        assert!(super::score("hates", &super::super::stem("hates")).unwrap() < 0.0);
    }

    #[test]
    fn tables_hold_the_lexicon() {
        let (words, stems) = super::entries();
        assert_eq!(super::tables::WORDS.len(), words.len());
        assert_eq!(super::tables::STEMS.len(), stems.len());
        for (w, v) in &words {
            assert_eq!(super::tables::WORDS.get(w), Some(v), "{w}");
        }
        for (s, v) in &stems {
            assert_eq!(super::tables::STEMS.get(s), Some(v), "{s}");
        }
    }
}
