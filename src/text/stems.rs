//! Snowball English stems, as the analysis keeps them.
//!
//! Running the stemmer costs some thousands of instructions a word, and
//! the words a thread meets for the first time are mostly ones it leaves
//! alone or changes in a few set ways: most of them are told here without
//! it. A word that is its own stem is told by its ending
//! ([`is_own_stem`]); a plain word (ASCII letters, digits, `_`, `.`, `:`
//! and apostrophes) has its stem worked out by the stemmer's rules
//! ([`plain_stem`]); the stemmer itself is left the words with other
//! characters and a few exceptions.

use compact_str::CompactString;
use rust_stemmers::{Algorithm, Stemmer};
use std::borrow::Cow;
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

/// The English stemmer's stem of a plain word of three characters or
/// more (at most 64, each an ASCII lower-case letter, digit, `_`, `.`,
/// `:` or an apostrophe after the first), worked out by the stemmer's
/// rules, steps 0 to 5; `None` for the words left to the stemmer (other
/// characters, the stemmer's exceptions, and the few endings told apart
/// in [`ed_or_ing_undone`]).
///
/// Characters other than letters take no part in the rules but as
/// consonants (the stemmer's letter groups hold letters only), and an
/// apostrophe only at the start (which the stemmer drops) or in a
/// possessive ending (step 0). Checked against the stemmer in
/// `plain_stems_are_what_the_stemmer_gives`.
fn plain_stem(word: &str) -> Option<CompactString> {
    let b = word.as_bytes();
    if b.len() < 3 || b.len() > 64 || b[0] == b'\'' || !b.iter().all(|&c| plain_char(c)) {
        return None;
    }
    if EXCEPTIONS.contains(&word) {
        return None;
    }
    let letters = Letters::of(b);
    let rest = without_plural(without_possessive(word), &letters)?;
    if ends_with_any(rest, &STEP_1B) {
        return ed_or_ing_undone(rest, &letters);
    }
    Some(steps_1c_to_5(rest, &letters))
}

/// The suffixes step 1b drops (`eed` and `eedly` aside).
const STEP_1B: [&str; 4] = ["ed", "ing", "edly", "ingly"];

/// Whether a character may be part of a word [`plain_stem`] stems.
fn plain_char(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'.' | b':' | b'\'')
}

/// The stem of a word past steps 1a and 1b.
fn steps_1c_to_5(rest: &str, letters: &Letters) -> CompactString {
    if rest.ends_with('y') {
        return steps_2_to_5(&y_made_i(rest, letters), letters);
    }
    steps_2_to_5(rest, letters)
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

    /// Whether the letter at `i` of `word`, the plain word or what the
    /// steps made of it, is a vowel. Steps 2 and 3 put in suffixes of
    /// their own, which hold no `y`: a letter other than `y` is read, a
    /// `y` is the word's.
    fn vowel_in(&self, word: &[u8], i: usize) -> bool {
        match word[i] {
            b'a' | b'e' | b'i' | b'o' | b'u' => true,
            b'y' => self.vowel(i),
            _ => false,
        }
    }

    /// Whether the letters of `word` before `end` finish with a short
    /// syllable: a consonant, a vowel and a consonant other than `w`,
    /// `x` or `y`, or a vowel and a consonant at the start of the word.
    fn short_syllable_before(&self, word: &[u8], end: usize) -> bool {
        let vowel = |i| self.vowel_in(word, i);
        match end {
            2 => vowel(0) && !vowel(1),
            3.. => {
                !matches!(word[end - 1], b'w' | b'x' | b'y')
                    && !vowel(end - 1)
                    && vowel(end - 2)
                    && !vowel(end - 3)
            }
            _ => false,
        }
    }
}

/// Step 1a's first rule (the Snowball step 0): the word without a
/// possessive ending, `'s'`, `'s` or `'`.
fn without_possessive(word: &str) -> &str {
    ["'s'", "'s", "'"]
        .iter()
        .find_map(|ending| word.strip_suffix(ending))
        .unwrap_or(word)
}

/// Step 1a: the word without its plural `s` (`ies` made `i`, or `ie`
/// after one letter, `sses` made `ss`); the word itself when it does not
/// end in `s`, or ends in `ss` or `us`, or has no other vowel than one
/// just before the `s`; `None` when nothing would be left but the `s`.
fn without_plural<'w>(word: &'w str, letters: &Letters) -> Option<&'w str> {
    let n = word.len();
    if !word.ends_with('s') || ends_with_any(word, &["ss", "us"]) {
        return Some(word);
    }
    if word.ends_with("ies") {
        return Some(&word[..if n > 4 { n - 2 } else { n - 1 }]);
    }
    if word.ends_with("sses") {
        return Some(&word[..n - 2]);
    }
    if n < 2 {
        return None;
    }
    // A vowel before the letter before the `s`: `gaps` loses it, `gas`
    // keeps it.
    let vowel_before = (0..n - 2).any(|i| letters.vowel(i));
    Some(if vowel_before { &word[..n - 1] } else { word })
}

/// Step 1b for `ed`, `ing`, `edly` and `ingly`: dropped after a vowel,
/// an `e` put back after `at`, `bl`, `iz` or a short syllable that ends
/// where R1 starts, one of a double consonant dropped; then steps 1c to
/// 5. `None` for `eed` and `eedly`, for `ied` (which step 1a rewrites)
/// and for the words the stemmer keeps as they are past step 1a
/// (`inning`, `outing`, …).
fn ed_or_ing_undone(word: &str, letters: &Letters) -> Option<CompactString> {
    const KEPT: [&str; 5] = ["canning", "earring", "herring", "inning", "outing"];
    const DOUBLES: [&str; 9] = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];
    if ends_with_any(word, &["eed", "eedly", "ied"]) || KEPT.contains(&word) {
        return None;
    }
    let base = STEP_1B
        .iter()
        .find_map(|ending| word.strip_suffix(ending))?;
    let m = base.len();
    if !(0..m).any(|i| letters.vowel(i)) {
        // `sing`, `bred`: step 1b leaves them as they are.
        return Some(steps_1c_to_5(word, letters));
    }
    let mut stem = CompactString::from(base);
    if ends_with_any(base, &["at", "bl", "iz"]) {
        stem.push('e');
    } else if ends_with_any(base, &DOUBLES) {
        stem.pop();
    } else if m == letters.r1 && letters.short_syllable_before(base.as_bytes(), m) {
        stem.push('e');
    }
    Some(steps_1c_to_5(&stem, letters))
}

/// Step 1c: a final `y` after a consonant that is not the first letter
/// becomes `i` (`cry`, not `by` or `say`).
fn y_made_i(word: &str, letters: &Letters) -> CompactString {
    let n = word.len();
    let mut stem = CompactString::from(word);
    if n >= 3 && !letters.vowel(n - 2) {
        stem.pop();
        stem.push('i');
    }
    stem
}

/// Step 2's suffixes and what each becomes in R1 (`ogi` only after an
/// `l`, `li` only after one of [`LI_ENDINGS`]).
const STEP_2: [(&str, &str); 24] = [
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("abli", "able"),
    ("entli", "ent"),
    ("izer", "ize"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("aliti", "al"),
    ("alli", "al"),
    ("fulness", "ful"),
    ("ousli", "ous"),
    ("ousness", "ous"),
    ("iveness", "ive"),
    ("iviti", "ive"),
    ("biliti", "ble"),
    ("bli", "ble"),
    ("ogi", "og"),
    ("fulli", "ful"),
    ("lessli", "less"),
    ("li", ""),
];

/// The letters after which step 2 drops `li` (`quickli`, from `quickly`).
const LI_ENDINGS: [char; 10] = ['c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't'];

/// Step 3's suffixes and what each becomes in R1 (`ative` only in R2).
const STEP_3: [(&str, &str); 9] = [
    ("ational", "ate"),
    ("tional", "tion"),
    ("alize", "al"),
    ("icate", "ic"),
    ("iciti", "ic"),
    ("ical", "ic"),
    ("ful", ""),
    ("ness", ""),
    ("ative", ""),
];

/// Steps 2 to 5 of a word past step 1c.
fn steps_2_to_5(word: &str, letters: &Letters) -> CompactString {
    let step_2 = rewritten(word, &STEP_2, |suffix, rest| {
        letters.r1 <= rest.len()
            && match suffix {
                "ogi" => rest.ends_with('l'),
                "li" => rest.ends_with(LI_ENDINGS),
                _ => true,
            }
    });
    let step_3 = rewritten(&step_2, &STEP_3, |suffix, rest| {
        let region = if suffix == "ative" {
            letters.r2
        } else {
            letters.r1
        };
        region <= rest.len()
    });
    CompactString::from(step_5(step_4(&step_3, letters), letters))
}

/// `word` with the longest suffix of `table` it ends in replaced by what
/// the table gives for it, if `applies` to the suffix and the letters
/// before it; the stemmer tries no shorter suffix when the longest does
/// not apply.
fn rewritten<'w>(
    word: &'w str,
    table: &[(&str, &str)],
    applies: impl Fn(&str, &str) -> bool,
) -> Cow<'w, str> {
    let longest = table
        .iter()
        .filter(|(suffix, _)| word.ends_with(suffix))
        .max_by_key(|(suffix, _)| suffix.len());
    let Some(&(suffix, by)) = longest else {
        return Cow::Borrowed(word);
    };
    let rest = &word[..word.len() - suffix.len()];
    match (applies(suffix, rest), by) {
        (false, _) => Cow::Borrowed(word),
        (true, "") => Cow::Borrowed(rest),
        (true, by) => Cow::Owned(format!("{rest}{by}")),
    }
}

/// The suffixes of step 4, the longer of two that end alike first.
const STEP_4_SUFFIXES: [&str; 18] = [
    "ement", "ment", "ent", "ance", "ence", "able", "ible", "ate", "ive", "ize", "iti", "al",
    "ism", "ion", "er", "ous", "ant", "ic",
];

/// Step 4: the longest of its suffixes a word ends in dropped in R2
/// (`ion` only after an `s` or a `t`).
fn step_4<'w>(word: &'w str, letters: &Letters) -> &'w str {
    let Some(suffix) = STEP_4_SUFFIXES.iter().find(|s| word.ends_with(*s)) else {
        return word;
    };
    let rest = &word[..word.len() - suffix.len()];
    let dropped = letters.r2 <= rest.len() && (*suffix != "ion" || rest.ends_with(['s', 't']));
    if dropped { rest } else { word }
}

/// Step 5: a final `e` dropped in R2, or in R1 after anything but a
/// short syllable; one of a final double `l` dropped in R2.
fn step_5<'w>(word: &'w str, letters: &Letters) -> &'w str {
    let last = word.len() - 1;
    let dropped = match word.as_bytes()[last] {
        b'e' => {
            letters.r2 <= last
                || (letters.r1 <= last && !letters.short_syllable_before(word.as_bytes(), last))
        }
        b'l' => letters.r2 <= last && word[..last].ends_with('l'),
        _ => false,
    };
    if dropped { &word[..last] } else { word }
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
        // Every plain word of three and four letters, and of five or six
        // that ends in `ed` or `ing`; every word of three characters
        // with digits, `_`, `.`, `:` and apostrophes too.
        let letters: Vec<char> = ('a'..='z').collect();
        for a in &letters {
            for b in &letters {
                for c in &letters {
                    check(&format!("{a}{b}{c}"));
                    for last in letters.iter().chain(&['\'']) {
                        check(&format!("{a}{b}{c}{last}"));
                    }
                    check(&format!("{a}{b}{c}ed"));
                    check(&format!("{a}{b}{c}ing"));
                }
            }
        }
        let chars: Vec<char> = ('a'..='z').chain("019_.:'".chars()).collect();
        for a in &chars {
            for b in &chars {
                for c in &chars {
                    check(&format!("{a}{b}{c}"));
                }
            }
        }
        // Random stems of up to eleven characters (vowels, `y`, `w`,
        // `x`, `l` and characters other than letters more often, and the
        // prefixes that set R1), before the endings the rules handle or
        // leave to the stemmer.
        let stem_chars: Vec<char> = ('a'..='z').chain("aeiouyywxlst19_.:'".chars()).collect();
        let endings = [
            "s", "es", "ies", "ys", "eys", "ss", "us", "sses", "e", "le", "ee", "ye", "we", "xe",
            "ue", "ise", "ize", "izes", "ate", "ates", "ive", "ives", "ance", "ence", "able",
            "ible", "ative", "icate", "alize", "y", "ey", "ay", "ly", "lly", "ily", "ely", "ary",
            "edly", "eedly", "ingly", "ity", "ities", "ogy", "cy", "ry", "ty", "gy", "l", "ll",
            "lls", "al", "als", "ful", "ical", "tional", "ational", "i", "ci", "li", "ti", "ogi",
            "iti", "aliti", "biliti", "iviti", "anci", "enci", "ed", "ing", "er", "ers", "eed",
            "ied", "ated", "bled", "ized", "ering", "ened", "tted", "lling", "ying", "ered",
            "izer", "iers", "edness", "eder", "ion", "ions", "tion", "sion", "ation", "ization",
            "ator", "ic", "ics", "ent", "ents", "ment", "ement", "ant", "ism", "alism", "ous",
            "ously", "ousness", "ness", "fulness", "iveness", "fully", "lessly", "ably", "ibly",
            "ently", "ally", "ically", "'", "'s", "'s'", "s'", "ies's", "ers'", "ion's", "ly's",
            "ing's", "ed's", "''s", "1s", "_s", "1y", "9ed", "_ing", "1ion", ".ly", ":ent",
        ];
        let prefixes = ["", "", "", "gener", "commun", "arsen", "y", "1", "_"];
        for (k, stem) in random_texts(&stem_chars, 4_000, 5).enumerate() {
            let prefix = prefixes[k % prefixes.len()];
            for ending in endings {
                check(&format!("{prefix}{stem}{ending}"));
            }
        }
        // The lexicons' words, and their plurals, possessives,
        // adjectives and nouns.
        for word in lexicon_words() {
            for ending in [
                "", "s", "es", "'s", "y", "ly", "e", "l", "al", "ic", "ion", "ment", "ness", "ity",
                "ous", "ism", "ed", "ing", "er", "ers", "ation", "ful", "fully", "ive", "ize",
                "ization", "able", "ably",
            ] {
                check(&format!("{word}{ending}"));
            }
        }
        assert!(told > 900_000, "{told}");
    }
}
