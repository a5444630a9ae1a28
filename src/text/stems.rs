//! Snowball English stems, as the analysis keeps them.
//!
//! Running the stemmer costs some thousands of instructions a word, and
//! the words a thread meets for the first time are mostly ones it leaves
//! alone or changes in a few set ways: most of them are told here without
//! it. A word that is its own stem is told by its ending
//! ([`is_own_stem`]); a plain word (the letters a to z) that ends in a
//! plural `s`, `ed`, `ing`, `er`, an `e`, a `y` or an `l` has its stem
//! worked out by the few rules that can touch it ([`plain_stem`]); every
//! other word is left to the stemmer.

use compact_str::CompactString;
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::LazyLock;

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Stems one lower-cased word the way the analysis does.
pub fn stem(lower: &str) -> String {
    STEMMER.stem(lower).into_owned()
}

/// The stem of a lower-cased word, as a token keeps it.
pub(super) fn stem_word(lower: &str) -> CompactString {
    if is_own_stem(lower) {
        return CompactString::from(lower);
    }
    if let Some(stem) = plain_stem(lower) {
        return stem;
    }
    CompactString::from(STEMMER.stem(lower))
}

/// Whether the English stemmer surely leaves a lower-cased word as it
/// is, told without running it (two new words in five are told here).
///
/// The stemmer leaves words of one or two letters alone (see
/// `short_words_are_their_own_stems`). Longer ones it changes only by
/// dropping a leading apostrophe or by rewriting one of the suffixes of
/// its steps (`'s`, `ies`, `ed`, `ingly`, `ational`, `ness`, `ment`, a
/// final `e` or `l`, …), and every one of those ends in one of
/// [`STEMMER_TAILS`]; its few exceptions (`skies`, `dying`, `news`, …)
/// do too. A word with none of those tails is its own stem (checked
/// against the stemmer in `own_stems_are_what_the_stemmer_gives`).
fn is_own_stem(lower: &str) -> bool {
    if lower.len() <= 2 {
        return true;
    }
    !lower.starts_with('\'') && !has_stemmer_tail(lower)
}

/// Whether a word ends in one of [`STEMMER_TAILS`]: whether a step of
/// the stemmer may rewrite its end.
fn has_stemmer_tail(word: &str) -> bool {
    ends_with_any(word, &STEMMER_TAILS)
}

/// The endings every suffix the English stemmer rewrites ends in.
const STEMMER_TAILS: [&str; 15] = [
    "'", "s", "y", "i", "l", "e", "ed", "ing", "ism", "ion", "er", "ator", "ic", "ant", "ent",
];

/// The words the stemmer gives a stem of their own (its `exception1`),
/// whatever their ending.
const EXCEPTIONS: [&str; 18] = [
    "andes", "atlas", "bias", "cosmos", "dying", "early", "gently", "howe", "idly", "lying",
    "news", "only", "singly", "skies", "skis", "sky", "tying", "ugly",
];

/// The English stemmer's stem of a plain word of three letters or more
/// (a to z only, at most 64) whose end only these rules may change: its
/// plural `s` or `ies` (step 1a), its `ed` or `ing` (step 1b), its `y`
/// (step 1c), its `er` (step 4) and its final `e` or double `l` (step
/// 5); `None` for the others (other endings, exceptions, other
/// characters), which the stemmer stems.
///
/// Every suffix that steps 1b to 4 rewrite ends in one of
/// [`STEMMER_TAILS`]; the few of those that end in `y`, `i`, `e`, `l` or
/// `er` are told apart here and left to the stemmer (checked against the
/// stemmer in `plain_stems_are_what_the_stemmer_gives`).
fn plain_stem(word: &str) -> Option<CompactString> {
    let b = word.as_bytes();
    if b.len() < 3 || b.len() > 64 || !b.iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    if EXCEPTIONS.contains(&word) {
        return None;
    }
    let letters = Letters::of(b);
    let rest = without_plural(word, &letters)?;
    if ends_with_any(rest, &["ed", "ing"]) {
        return ed_or_ing_undone(rest, &letters);
    }
    steps_1c_to_5(rest, &letters)
}

/// The stem of a word past steps 1a and 1b.
fn steps_1c_to_5(rest: &str, letters: &Letters) -> Option<CompactString> {
    let stem = match rest.as_bytes().last() {
        Some(b'y') => return y_made_i(rest, letters),
        Some(b'i') => i_kept(rest)?,
        Some(b'e') => final_e_dropped(rest, letters)?,
        Some(b'l') => double_l_undone(rest, letters)?,
        _ if rest.ends_with("er") => er_dropped(rest, letters)?,
        _ if has_stemmer_tail(rest) => return None,
        _ => rest,
    };
    Some(CompactString::from(stem))
}

/// What the stemmer reads of a plain word's letters: which are vowels
/// once a `y` at the start or after a vowel is taken for a consonant
/// (bit `i` for the letter at `i`), and where its regions R1 and R2
/// start.
struct Letters {
    vowels: u64,
    r1: usize,
    r2: usize,
}

impl Letters {
    fn of(word: &[u8]) -> Letters {
        let mut vowels = 0u64;
        for (i, &c) in word.iter().enumerate() {
            let vowel = match c {
                b'a' | b'e' | b'i' | b'o' | b'u' => true,
                b'y' => i > 0 && vowels & (1 << (i - 1)) == 0,
                _ => false,
            };
            vowels |= u64::from(vowel) << i;
        }
        // Where the letters after a vowel and the consonant after it
        // start, from `from` on.
        let after_syllable = |from: usize| {
            let vowel = (from..word.len()).find(|&i| vowels & (1 << i) != 0)?;
            let consonant = (vowel + 1..word.len()).find(|&i| vowels & (1 << i) == 0)?;
            Some(consonant + 1)
        };
        let prefix = ["gener", "commun", "arsen"]
            .iter()
            .find(|p| word.starts_with(p.as_bytes()));
        let r1 = match prefix {
            Some(p) => Some(p.len()),
            None => after_syllable(0),
        };
        let r2 = r1.and_then(after_syllable);
        Letters {
            vowels,
            r1: r1.unwrap_or(word.len()),
            r2: r2.unwrap_or(word.len()),
        }
    }

    /// Whether the letter at `i` is a vowel.
    fn vowel(&self, i: usize) -> bool {
        self.vowels & (1 << i) != 0
    }

    /// Whether the letters before `end` finish with a short syllable: a
    /// consonant, a vowel and a consonant other than `w`, `x` or `y`, or
    /// a vowel and a consonant at the start of the word.
    fn short_syllable_before(&self, word: &[u8], end: usize) -> bool {
        match end {
            2 => self.vowel(0) && !self.vowel(1),
            3.. => {
                !matches!(
                    word[end - 1],
                    b'a' | b'e' | b'i' | b'o' | b'u' | b'w' | b'x' | b'y'
                ) && self.vowel(end - 2)
                    && !self.vowel(end - 3)
            }
            _ => false,
        }
    }
}

/// Step 1a: the word without its plural `s` (`ies` made `i`, or `ie`
/// after one letter); the word itself when it does not end in `s`, and
/// `None` for the endings left to the stemmer (`sses`, `ss`, `us`, and
/// an `s` after a word with no other vowel).
fn without_plural<'w>(word: &'w str, letters: &Letters) -> Option<&'w str> {
    let n = word.len();
    if !word.ends_with('s') {
        return Some(word);
    }
    if word.ends_with("ies") {
        return Some(&word[..if n > 4 { n - 2 } else { n - 1 }]);
    }
    if ends_with_any(word, &["sses", "ss", "us"]) {
        return None;
    }
    // A vowel before the letter before the `s`: `gaps` loses it, `gas`
    // keeps it.
    (0..n - 2)
        .any(|i| letters.vowel(i))
        .then_some(&word[..n - 1])
}

/// Step 1b for `ed` and `ing`: dropped after a vowel, an `e` put back
/// after `at`, `bl`, `iz` or a short syllable that ends where R1 starts,
/// one of a double consonant dropped; then steps 1c to 5. `None` for
/// `eed`, for `ied` (which step 1a rewrites) and for the words the
/// stemmer keeps as they are past step 1a (`inning`, `outing`, …).
fn ed_or_ing_undone(word: &str, letters: &Letters) -> Option<CompactString> {
    const KEPT: [&str; 5] = ["canning", "earring", "herring", "inning", "outing"];
    const DOUBLES: [&str; 9] = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];
    if ends_with_any(word, &["eed", "ied"]) || KEPT.contains(&word) {
        return None;
    }
    let base = &word[..word.len() - if word.ends_with("ed") { 2 } else { 3 }];
    let m = base.len();
    if !(0..m).any(|i| letters.vowel(i)) {
        // `sing`, `bred`: no later step rewrites those endings.
        return Some(CompactString::from(word));
    }
    let mut stem = CompactString::from(base);
    if ends_with_any(base, &["at", "bl", "iz"]) {
        stem.push('e');
    } else if ends_with_any(base, &DOUBLES) {
        stem.pop();
    } else if m == letters.r1 && letters.short_syllable_before(base.as_bytes(), m) {
        stem.push('e');
    }
    steps_1c_to_5(&stem, letters)
}

/// Step 4 for `er` (dropped in R2), then step 5; `None` for `izer`,
/// which step 2 rewrites.
fn er_dropped<'w>(word: &'w str, letters: &Letters) -> Option<&'w str> {
    if word.ends_with("izer") {
        return None;
    }
    let er = word.len() - 2;
    if letters.r2 > er {
        return Some(word);
    }
    let rest = &word[..er];
    Some(match rest.as_bytes().last() {
        Some(b'e') => e_rule(rest, letters),
        Some(b'l') => l_rule(rest, letters),
        _ => rest,
    })
}

/// Step 1c: a final `y` after a consonant that is not the first letter
/// becomes `i` (`cry`, not `by` or `say`), which steps 2 to 4 may then
/// rewrite (see [`i_kept`]).
fn y_made_i(word: &str, letters: &Letters) -> Option<CompactString> {
    let n = word.len();
    if n < 3 || letters.vowel(n - 2) {
        return Some(CompactString::from(word));
    }
    let mut stem = CompactString::from(&word[..n - 1]);
    stem.push('i');
    i_kept(&stem)?;
    Some(stem)
}

/// A word ending in `i` that no step rewrites: `None` for the endings of
/// steps 2 to 4 (`anci`, `ogi`, `li`, `iti`, … all end in one of `ci`,
/// `gi`, `li` or `ti`).
fn i_kept(word: &str) -> Option<&str> {
    (!ends_with_any(word, &["ci", "gi", "li", "ti"])).then_some(word)
}

/// Step 5 for a final `e`: dropped in R2, or in R1 after anything but a
/// short syllable; `None` for the endings of steps 3 and 4 (`ance`,
/// `able`, `ate`, `ive`, `ize`, …).
fn final_e_dropped<'w>(word: &'w str, letters: &Letters) -> Option<&'w str> {
    const SUFFIXES: [&str; 7] = ["ance", "ence", "able", "ible", "ate", "ive", "ize"];
    (!ends_with_any(word, &SUFFIXES)).then(|| e_rule(word, letters))
}

/// Step 5's rule for a word ending in `e`.
fn e_rule<'w>(word: &'w str, letters: &Letters) -> &'w str {
    let e = word.len() - 1;
    let dropped =
        letters.r2 <= e || (letters.r1 <= e && !letters.short_syllable_before(word.as_bytes(), e));
    if dropped { &word[..e] } else { word }
}

/// Step 5 for a final `l`: one of a double `l` is dropped in R2; `None`
/// for the endings of steps 2 to 4 (`al`, `ful` and the longer ones
/// ending in those).
fn double_l_undone<'w>(word: &'w str, letters: &Letters) -> Option<&'w str> {
    (!ends_with_any(word, &["al", "ful"])).then(|| l_rule(word, letters))
}

/// Step 5's rule for a word ending in `l`.
fn l_rule<'w>(word: &'w str, letters: &Letters) -> &'w str {
    let l = word.len() - 1;
    if letters.r2 <= l && word.ends_with("ll") {
        &word[..l]
    } else {
        word
    }
}

/// Whether `word` ends in one of `endings`.
fn ends_with_any(word: &str, endings: &[&str]) -> bool {
    endings.iter().any(|e| word.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{random_texts, valence};

    /// Every word of the VADER lexicon and of the valence lexicon.
    fn lexicon_words() -> Vec<String> {
        let (valence_words, _) = valence::entries();
        let lexicons = vader_sentiment::LEXICON.keys().map(|w| w.to_lowercase());
        lexicons
            .chain(valence_words.into_iter().map(|(w, _)| w))
            .collect()
    }

    #[test]
    fn short_words_are_their_own_stems() {
        let mut alphabet: Vec<String> = ('a'..='z')
            .chain('0'..='9')
            .chain(['\'', '-', '_', 'é', 'ß'])
            .map(String::from)
            .collect();
        alphabet.push(String::new());
        for a in &alphabet {
            for b in &alphabet {
                let word = format!("{a}{b}");
                if word.len() <= 2 {
                    assert_eq!(stem(&word), word);
                    assert_eq!(stem_word(&word), word);
                }
            }
        }
    }

    #[test]
    fn own_stems_are_what_the_stemmer_gives() {
        // Every ending of up to three characters, after stems of up to
        // eight (random, with vowels enough for the stemmer's regions),
        // and the words of the VADER lexicon and of the valence lexicon.
        let tail_chars: Vec<char> = ('a'..='z').chain(['\'', '1', 'é']).collect();
        let stem_chars: Vec<char> = ('a'..='z').chain("aeiouy'".chars()).collect();
        let mut stems = random_texts(&stem_chars, 20_000, 3).map(|s| s.chars().take(8).collect());
        let mut told = 0;
        let mut check = |word: String| {
            let own = is_own_stem(&word);
            if own {
                told += 1;
                assert_eq!(stem(&word), word, "{word}");
            }
            assert_eq!(stem_word(&word), stem(&word), "{word}");
        };
        for a in &tail_chars {
            for b in &tail_chars {
                for c in &tail_chars {
                    let stem: String = stems.next().unwrap_or_default();
                    check(format!("{stem}{a}{b}{c}"));
                }
            }
        }
        for word in lexicon_words() {
            check(word);
        }
        assert!(told > 10_000, "{told}");
    }

    #[test]
    fn plain_stems_are_what_the_stemmer_gives() {
        let mut told = 0;
        let mut check = |word: &str| {
            if let Some(quick) = plain_stem(word) {
                told += 1;
                assert_eq!(quick, stem(word), "{word}");
            }
        };
        // Every plain word of three and four letters that ends in a
        // letter the rules here handle, and of five or six that ends in
        // `ed` or `ing`.
        let letters: Vec<char> = ('a'..='z').collect();
        for a in &letters {
            for b in &letters {
                for last in ['s', 'e', 'y', 'l', 'i', 'd', 'g', 'r'] {
                    check(&format!("{a}{b}{last}"));
                    for c in &letters {
                        check(&format!("{a}{b}{c}{last}"));
                    }
                }
                for c in &letters {
                    check(&format!("{a}{b}{c}ed"));
                    check(&format!("{a}{b}{c}ing"));
                }
            }
        }
        // Random stems of up to eleven letters (vowels, `y`, `w` and `x`
        // more often, and the prefixes that set R1), before the endings
        // the rules handle or leave to the stemmer.
        let stem_chars: Vec<char> = ('a'..='z').chain("aeiouyywxl".chars()).collect();
        let endings = [
            "s", "es", "ies", "ys", "eys", "ss", "us", "e", "le", "ee", "ye", "we", "xe", "ue",
            "ise", "ize", "ate", "ive", "ance", "ence", "able", "ible", "ative", "icate", "alize",
            "y", "ey", "ay", "ly", "lly", "ily", "edly", "ingly", "ity", "ogy", "cy", "ry", "ty",
            "gy", "l", "ll", "lls", "al", "ful", "ical", "i", "ci", "li", "ti", "ogi", "ed", "ing",
            "er", "ers", "eed", "ied", "ated", "bled", "ized", "ering", "ened", "tted", "lling",
            "ying", "ered", "izer", "iers", "ingly", "edness", "eder",
        ];
        let prefixes = ["", "", "", "gener", "commun", "arsen", "y"];
        for (k, stem) in random_texts(&stem_chars, 20_000, 5).enumerate() {
            let prefix = prefixes[k % prefixes.len()];
            for ending in endings {
                check(&format!("{prefix}{stem}{ending}"));
            }
        }
        // The lexicons' words, and their plurals and adjectives.
        for word in lexicon_words() {
            for ending in ["", "s", "es", "y", "ly", "e", "l", "ed", "ing", "er", "ers"] {
                check(&format!("{word}{ending}"));
            }
        }
        assert!(told > 400_000, "{told}");
    }
}
