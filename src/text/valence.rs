//! A small valence lexicon: opinion words scored from −1 (very negative)
//! to 1 (very positive). Words are looked up by their lower-cased form,
//! then by stem, so inflections share a score.

use foldhash::HashMap;
use std::sync::LazyLock;

const LEXICON: &str = include_str!("valence.txt");

/// Scores by word, and by stem.
type Table = (HashMap<&'static str, f64>, HashMap<String, f64>);

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut words = HashMap::default();
    let mut stems = HashMap::default();
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
        words.insert(word, score);
        stems.entry(super::stem(word)).or_insert(score);
    }
    (words, stems)
});

/// The valence of a word, if it carries an opinion.
pub fn score(lower: &str, stem: &str) -> Option<f64> {
    let (words, stems) = &*TABLE;
    words.get(lower).or_else(|| stems.get(stem)).copied()
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
}
