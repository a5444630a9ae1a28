//! The fairness guard: words that name a group of people (by gender,
//! origin, religion, colour, sexuality, disability or age) must never by
//! themselves push a post towards a hostility or sarcasm verdict. Labeled
//! abuse mentions these groups far more often than ordinary posts do, so a
//! model left alone learns "immigrants" or "women" as evidence of hate.
//! The trainer drops every term made only of such words (and function
//! words), so a learned pack can weigh what is said about a group, never
//! the mention of it.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Words naming groups of people, lower case; matched by stem.
pub const IDENTITY_WORDS: &[&str] = &[
    // gender and sex
    "woman",
    "women",
    "womens",
    "female",
    "females",
    "girl",
    "girls",
    "lady",
    "ladies",
    "man",
    "men",
    "male",
    "males",
    "boy",
    "boys",
    "guy",
    "guys",
    "gentleman",
    "gentlemen",
    "mother",
    "mothers",
    "mom",
    "moms",
    "mum",
    "mums",
    "wife",
    "wives",
    "feminist",
    "feminists",
    "feminism",
    "trans",
    "transgender",
    "nonbinary",
    // sexuality
    "gay",
    "gays",
    "lesbian",
    "lesbians",
    "bisexual",
    "queer",
    "lgbt",
    "lgbtq",
    "homosexual",
    "straight",
    "pride",
    // origin, nationality, migration
    "immigrant",
    "immigrants",
    "immigration",
    "migrant",
    "migrants",
    "migration",
    "refugee",
    "refugees",
    "asylum",
    "foreigner",
    "foreigners",
    "foreign",
    "native",
    "natives",
    "ethnic",
    "minority",
    "minorities",
    "mexican",
    "mexicans",
    "african",
    "africans",
    "american",
    "americans",
    "asian",
    "asians",
    "latino",
    "latina",
    "latinos",
    "latinx",
    "hispanic",
    "hispanics",
    "arab",
    "arabs",
    "chinese",
    "indian",
    "indians",
    "syrian",
    "syrians",
    "european",
    "europeans",
    "british",
    "irish",
    "italian",
    "italians",
    "german",
    "germans",
    "french",
    "spanish",
    "pakistani",
    "somali",
    "nigerian",
    "jamaican",
    "filipino",
    "korean",
    "japanese",
    "russian",
    "russians",
    "polish",
    "romanian",
    "ukrainian",
    // colour
    "black",
    "blacks",
    "white",
    "whites",
    "brown",
    "colored",
    "coloured",
    // religion
    "muslim",
    "muslims",
    "islam",
    "islamic",
    "christian",
    "christians",
    "christianity",
    "jew",
    "jews",
    "jewish",
    "judaism",
    "hindu",
    "hindus",
    "sikh",
    "sikhs",
    "buddhist",
    "catholic",
    "catholics",
    "protestant",
    "atheist",
    "atheists",
    "mosque",
    "church",
    "synagogue",
    "temple",
    "halal",
    "kosher",
    "eid",
    "ramadan",
    "hijab",
    // disability, health, age
    "disabled",
    "disability",
    "disabilities",
    "deaf",
    "blind",
    "wheelchair",
    "autistic",
    "autism",
    "senior",
    "seniors",
    "elderly",
    "old",
    "young",
    "youth",
];

/// Words that carry no content of their own.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "with", "from", "by",
    "our", "my", "your", "their", "his", "her", "its", "we", "i", "you", "they", "he", "she", "it",
    "is", "are", "was", "were", "be", "been", "am", "this", "that", "these", "those", "all",
    "some", "many", "more", "most", "as", "about", "into", "<num>", "'s", "s",
];

static IDENTITY: LazyLock<HashSet<String>> = LazyLock::new(|| {
    IDENTITY_WORDS
        .iter()
        .map(|w| crate::text::stem(w))
        .chain(IDENTITY_WORDS.iter().map(|w| w.to_string()))
        .collect()
});

static FUNCTION: LazyLock<HashSet<String>> = LazyLock::new(|| {
    FUNCTION_WORDS
        .iter()
        .map(|w| crate::text::stem(w))
        .chain(FUNCTION_WORDS.iter().map(|w| w.to_string()))
        .collect()
});

/// Every character n-gram of every identity word: a piece of such a word
/// may stand for it, so none of them may carry weight.
static IDENTITY_GRAMS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut scratch = crate::text::features::Scratch::default();
    let mut grams = HashSet::new();
    for w in IDENTITY_WORDS {
        crate::text::features::char_ngrams(w, &mut scratch, |g| {
            grams.insert(g.to_string());
        });
    }
    grams
});

/// True when a feature key (a stem, two stems, or a hashtag word) names a
/// group of people and says nothing else, or is a character n-gram found
/// in such a word.
pub fn is_identity_term(key: &str) -> bool {
    if key.starts_with('@') {
        return false;
    }
    if key.starts_with(crate::text::features::CHAR_PREFIX) {
        return IDENTITY_GRAMS.contains(key);
    }
    let words: Vec<&str> = key.split(' ').map(|w| w.trim_start_matches('#')).collect();
    words.iter().any(|w| IDENTITY.contains(*w))
        && words
            .iter()
            .all(|w| IDENTITY.contains(*w) || FUNCTION.contains(*w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_terms_are_caught_alone_not_in_context() {
        let s = crate::text::stem;
        for k in [s("immigrants"), s("women"), format!("#{}", s("muslim"))] {
            assert!(is_identity_term(&k), "{k}");
        }
        assert!(is_identity_term(&format!("{} {}", s("the"), s("refugees"))));
        assert!(is_identity_term(&format!("{} {}", s("black"), s("women"))));
        assert!(!is_identity_term(&format!(
            "{} {}",
            s("deport"),
            s("immigrants")
        )));
        assert!(!is_identity_term(&s("idiot")));
        assert!(!is_identity_term("@you"));
        // Pieces of identity words, not pieces of other words.
        assert!(is_identity_term("~<imm"));
        assert!(is_identity_term("~slim"));
        assert!(!is_identity_term("~<idi"));
    }
}
