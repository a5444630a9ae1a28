//! The prefilter of the built-in patterns, built when the binary is: an
//! Aho-Corasick automaton over their literals (`LazyRegex::literals`),
//! written by build.rs and searched in place, so start-up builds nothing.
//!
//! There are two automata: one over the literals searched ignoring ASCII
//! case (lower case; the text's bytes are lowered as they are read), one
//! over those searched as written. Each state lists the patterns whose
//! literals end there, its own and those of the states its failure link
//! leads to, so a search reports every pattern that has a literal in the
//! text, as searching for every occurrence of every literal would.
//!
//! Layout (little-endian `u32`s): `MAGIC`, the number of patterns, the
//! patterns with no usable literal (count, then their numbers), then each
//! automaton: its numbers of states, transitions and outputs; the root's
//! next state for each byte; per state (and one past the last) where its
//! transitions start; the transitions' bytes (one per `u32`) and next
//! states; per state its failure link; per state (and one past) where its
//! outputs start; the outputs.

use std::collections::BTreeMap;

const MAGIC: u32 = u32::from_le_bytes(*b"TLP1");

/// A trie being built: per state its children, failure link and outputs.
struct Trie {
    children: Vec<BTreeMap<u8, u32>>,
    fail: Vec<u32>,
    outputs: Vec<Vec<u32>>,
}

impl Trie {
    fn new(literals: &[(Vec<u8>, u32)]) -> Trie {
        let mut t = Trie {
            children: vec![BTreeMap::new()],
            fail: vec![0],
            outputs: vec![Vec::new()],
        };
        for (lit, pattern) in literals {
            let mut s = 0u32;
            for &b in lit {
                s = match t.children[s as usize].get(&b) {
                    Some(&n) => n,
                    None => {
                        let n = t.children.len() as u32;
                        t.children.push(BTreeMap::new());
                        t.fail.push(0);
                        t.outputs.push(Vec::new());
                        t.children[s as usize].insert(b, n);
                        n
                    }
                };
            }
            t.outputs[s as usize].push(*pattern);
        }
        // Failure links breadth first, each state inheriting the outputs
        // of the state its link leads to.
        let mut queue: std::collections::VecDeque<u32> = t.children[0].values().copied().collect();
        while let Some(s) = queue.pop_front() {
            let children: Vec<(u8, u32)> = t.children[s as usize]
                .iter()
                .map(|(&b, &n)| (b, n))
                .collect();
            for (b, n) in children {
                let mut f = t.fail[s as usize];
                let link = loop {
                    if let Some(&m) = t.children[f as usize].get(&b) {
                        break m;
                    }
                    if f == 0 {
                        break 0;
                    }
                    f = t.fail[f as usize];
                };
                t.fail[n as usize] = link;
                let inherited = t.outputs[link as usize].clone();
                t.outputs[n as usize].extend(inherited);
                queue.push_back(n);
            }
        }
        for o in &mut t.outputs {
            o.sort_unstable();
            o.dedup();
        }
        t
    }

    fn write(&self, out: &mut Vec<u32>) {
        let transitions: usize = self.children.iter().map(BTreeMap::len).sum();
        let outputs: usize = self.outputs.iter().map(Vec::len).sum();
        out.extend([
            self.children.len() as u32,
            transitions as u32,
            outputs as u32,
        ]);
        out.extend((0..=255u8).map(|b| self.children[0].get(&b).copied().unwrap_or(0)));
        let mut at = 0u32;
        out.push(0);
        for c in &self.children {
            at += c.len() as u32;
            out.push(at);
        }
        out.extend(
            self.children
                .iter()
                .flat_map(|c| c.keys().map(|&b| u32::from(b))),
        );
        out.extend(self.children.iter().flat_map(|c| c.values().copied()));
        out.extend(&self.fail);
        let mut at = 0u32;
        out.push(0);
        for o in &self.outputs {
            at += o.len() as u32;
            out.push(at);
        }
        out.extend(self.outputs.iter().flatten());
    }
}

/// Writes the automata: `insensitive` holds lower-case literals searched
/// ignoring ASCII case, `sensitive` literals searched as written, each with
/// the number of its pattern (below `patterns`); `always` lists the
/// patterns with no usable literal, `non_ascii` those with none that no
/// ASCII text can match.
pub fn write(
    patterns: u32,
    insensitive: &[(Vec<u8>, u32)],
    sensitive: &[(Vec<u8>, u32)],
    always: &[u32],
    non_ascii: &[u32],
) -> Vec<u8> {
    let mut words = vec![MAGIC, patterns, always.len() as u32];
    words.extend(always);
    words.push(non_ascii.len() as u32);
    words.extend(non_ascii);
    Trie::new(insensitive).write(&mut words);
    Trie::new(sensitive).write(&mut words);
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// One automaton, read in place: offsets of its parts, in `u32`s.
#[derive(Debug)]
struct Automaton {
    root: usize,
    trans_start: usize,
    trans_bytes: usize,
    trans_next: usize,
    fail: usize,
    out_start: usize,
    outs: usize,
}

/// The automata `write` wrote, read in place.
#[derive(Debug)]
pub struct Automata {
    bytes: &'static [u8],
    patterns: usize,
    always: usize,
    always_len: usize,
    non_ascii_len: usize,
    insensitive: Automaton,
    sensitive: Automaton,
}

impl Automata {
    /// Reads the header of automata `write` wrote; `None` if `bytes` are
    /// not that.
    pub fn new(bytes: &'static [u8]) -> Option<Automata> {
        let words = bytes.len() / 4;
        let word = |i: usize| -> Option<usize> {
            (i < words)
                .then(|| u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap()))
                .map(|w| w as usize)
        };
        if word(0)? != MAGIC as usize {
            return None;
        }
        let patterns = word(1)?;
        let always_len = word(2)?;
        let non_ascii_len = word(3 + always_len)?;
        let mut at = 4 + always_len + non_ascii_len;
        let automaton = |at: &mut usize| -> Option<Automaton> {
            let (states, transitions, outputs) = (word(*at)?, word(*at + 1)?, word(*at + 2)?);
            let root = *at + 3;
            let trans_start = root + 256;
            let trans_bytes = trans_start + states + 1;
            let trans_next = trans_bytes + transitions;
            let fail = trans_next + transitions;
            let out_start = fail + states;
            let outs = out_start + states + 1;
            *at = outs + outputs;
            (states > 0 && *at <= words).then_some(Automaton {
                root,
                trans_start,
                trans_bytes,
                trans_next,
                fail,
                out_start,
                outs,
            })
        };
        let insensitive = automaton(&mut at)?;
        let sensitive = automaton(&mut at)?;
        if at != words || !bytes.len().is_multiple_of(4) {
            return None;
        }
        // The table is the one build.rs wrote for this binary: its numbers
        // are not checked one by one (that would cost what building took).
        Some(Automata {
            bytes,
            patterns,
            always: 3,
            always_len,
            non_ascii_len,
            insensitive,
            sensitive,
        })
    }

    #[inline]
    fn word(&self, i: usize) -> u32 {
        u32::from_le_bytes(self.bytes[4 * i..4 * i + 4].try_into().expect("four bytes"))
    }

    /// The automata's bytes.
    pub fn bytes(&self) -> &'static [u8] {
        self.bytes
    }

    /// How many patterns the automata were built for.
    pub fn patterns(&self) -> usize {
        self.patterns
    }

    /// The patterns with no usable literal: candidates for every text.
    pub fn always(&self) -> impl Iterator<Item = u32> + '_ {
        (self.always..self.always + self.always_len).map(|i| self.word(i))
    }

    /// The patterns with no usable literal that no ASCII text can match.
    pub fn non_ascii(&self) -> impl Iterator<Item = u32> + '_ {
        let at = self.always + self.always_len + 1;
        (at..at + self.non_ascii_len).map(|i| self.word(i))
    }

    /// Calls `found` with the number of every pattern that has a literal in
    /// `text` (some more than once), and those with no literal that may
    /// match it.
    pub fn search(&self, text: &[u8], mut found: impl FnMut(u32)) {
        self.always().for_each(&mut found);
        if !text.is_ascii() {
            self.non_ascii().for_each(&mut found);
        }
        self.run(&self.insensitive, text, true, &mut found);
        self.run(&self.sensitive, text, false, &mut found);
    }

    #[inline]
    fn run(&self, m: &Automaton, text: &[u8], fold: bool, found: &mut impl FnMut(u32)) {
        let mut s = 0u32;
        for &b in text {
            let b = if fold { b.to_ascii_lowercase() } else { b };
            s = loop {
                if s == 0 {
                    break self.word(m.root + b as usize);
                }
                let (start, end) = (
                    self.word(m.trans_start + s as usize) as usize,
                    self.word(m.trans_start + s as usize + 1) as usize,
                );
                if let Some(t) =
                    (start..end).find(|&t| self.word(m.trans_bytes + t) == u32::from(b))
                {
                    break self.word(m.trans_next + t);
                }
                s = self.word(m.fail + s as usize);
            };
            let (start, end) = (
                self.word(m.out_start + s as usize) as usize,
                self.word(m.out_start + s as usize + 1) as usize,
            );
            for o in start..end {
                found(self.word(m.outs + o));
            }
        }
    }
}

/// The built-in patterns' automata, as build.rs wrote them.
#[cfg(compiled_packs)]
pub fn built_in() -> Option<&'static Automata> {
    static BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/built-in-prefilter.bin"));
    static AUTOMATA: std::sync::OnceLock<Option<Automata>> = std::sync::OnceLock::new();
    AUTOMATA.get_or_init(|| Automata::new(BYTES)).as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(a: &Automata, text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        a.search(text.as_bytes(), |p| out.push(p));
        out.sort_unstable();
        out.dedup();
        out
    }

    #[test]
    fn every_pattern_with_a_literal_in_the_text_is_found() {
        let lits = |v: &[(&str, u32)]| -> Vec<(Vec<u8>, u32)> {
            v.iter().map(|(l, p)| (l.as_bytes().to_vec(), *p)).collect()
        };
        let insensitive = lits(&[
            ("he", 0),
            ("she", 1),
            ("his", 2),
            ("hers", 3),
            ("oh great", 4),
        ]);
        let sensitive = lits(&[("SKU-", 5), ("ers", 6)]);
        let bytes = write(9, &insensitive, &sensitive, &[7], &[8]);
        let a = Automata::new(Box::leak(bytes.into_boxed_slice())).unwrap();
        assert_eq!(a.patterns(), 9);
        assert_eq!(found(&a, "café"), [7, 8]);
        assert_eq!(found(&a, ""), [7]);
        assert_eq!(found(&a, "USHERS"), [0, 1, 3, 7]);
        assert_eq!(found(&a, "ushers"), [0, 1, 3, 6, 7]);
        assert_eq!(found(&a, "Oh Great, sku-12"), [4, 7]);
        assert_eq!(found(&a, "SKU-12 ahis"), [2, 5, 7]);
        assert_eq!(found(&a, "oh grea"), [7]);
        // Every literal found wherever it occurs, by brute force.
        let texts = [
            "hishershe",
            "shhe his",
            "ohh greatt",
            "hhhers",
            "SKU-SKU-ers",
        ];
        for text in texts {
            let mut expect: Vec<u32> = vec![7];
            for (l, p) in insensitive.iter() {
                if text
                    .to_ascii_lowercase()
                    .as_bytes()
                    .windows(l.len())
                    .any(|w| w == l.as_slice())
                {
                    expect.push(*p);
                }
            }
            for (l, p) in sensitive.iter() {
                if text.as_bytes().windows(l.len()).any(|w| w == l.as_slice()) {
                    expect.push(*p);
                }
            }
            expect.sort_unstable();
            expect.dedup();
            assert_eq!(found(&a, text), expect, "{text}");
        }
        assert!(Automata::new(&[0; 12]).is_none());
    }
}
