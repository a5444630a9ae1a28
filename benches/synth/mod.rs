//! Synthetic social-media posts for the benchmarks, and a reader for real
//! post texts when a data folder is at hand.
//!
//! The generator is deterministic (a fixed-seed SplitMix64), so every run
//! and every machine measures the same text. Posts are tweet-sized: one to
//! three sentences from small templates filled from word lists, mostly the
//! friendly posts a small business writes, with a share of the kinds of
//! post the linter exists to catch (shouting, sarcasm, hostility,
//! oversharing, unverifiable claims) so that rules fire as they would in
//! real use.

#![allow(dead_code)] // each bench target uses a different part of it

use std::path::Path;

/// SplitMix64: tiny, fast and good enough to pick words.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

const SHOPS: &[&str] = &[
    "bakery",
    "coffee bar",
    "bike shop",
    "flower studio",
    "bookshop",
    "yoga studio",
    "taproom",
    "salon",
    "pet grooming van",
    "hardware store",
    "print shop",
    "food truck",
];

const ITEMS: &[&str] = &[
    "sourdough loaves",
    "cinnamon buns",
    "cold brew",
    "oat flat whites",
    "spring bouquets",
    "gravel tyres",
    "signed first editions",
    "beginner classes",
    "seasonal IPAs",
    "balayage appointments",
    "gift cards",
    "tote bags",
    "veggie tacos",
    "tune-ups",
    "succulent kits",
    "lemon drizzle slices",
];

const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "this weekend",
    "tomorrow",
    "next week",
];

const TIMES: &[&str] = &["8am", "9:30", "noon", "2pm", "4pm", "6pm", "7:30pm"];

const PRAISE: &[&str] = &[
    "lovely",
    "fresh",
    "cosy",
    "bright",
    "handmade",
    "local",
    "seasonal",
    "small-batch",
    "new",
    "favourite",
];

const PEOPLE: &[&str] = &[
    "Maya", "Tom", "Priya", "Jonas", "Aisha", "Luis", "Mei", "Sam", "Noor", "Olek",
];

const EMOJI: &[&str] = &["☕", "🌷", "🚲", "📚", "🥐", "✨", "🎉", "🙏", "🌮", "💐"];

const TAGS: &[&str] = &[
    "#shoplocal",
    "#smallbusiness",
    "#weekend",
    "#newin",
    "#community",
    "#thankyou",
    "#spring",
    "#supportlocal",
];

/// Friendly, ordinary posts: these should come out clean.
const FRIENDLY: &[&str] = &[
    "Good morning! The {praise} {item} are out of the oven at {time}.",
    "We're open {day} from {time}, come say hi to {person} at the {shop}.",
    "Thank you to everyone who stopped by the {shop} {day}, you made our week.",
    "New in: {praise} {item}, only while they last {emoji}",
    "Booking for {item} opens {day}; link in our bio.",
    "Big thanks to {person} for the {praise} window display {emoji}",
    "Rain or shine, the {shop} is warm and the kettle is on.",
    "{person} picked this week's staff favourite: {praise} {item}.",
    "Heads up: we close early {day} for a team training session.",
    "Your feedback shaped the new menu, thank you for every note you sent.",
    "Free local delivery on {item} until {day}.",
    "Sorry for the wait on Saturday, we've added a second till so it won't happen again.",
    "Tag us in your photos of the {item}, we love seeing them.",
    "Our {shop} turns five {day}! Cake for the first fifty visitors.",
    "Questions about allergens? Ask {person}, she knows every recipe by heart.",
];

/// Posts the linter is built to catch.
const PROBLEMS: &[&str] = &[
    "BEST {item} IN TOWN, NOBODY ELSE EVEN COMES CLOSE!!!",
    "Oh great, another 'urgent' email before {time}. Love that for me 🙄",
    "The best {item} in the world, 100% guaranteed, 9 out of 10 experts agree!!!",
    "Call me at 555-201-{digits}, my divorce has me working from the couch this week.",
    "To the entitled customers who complain about our prices: go somewhere else.",
    "Wow, thanks so much for the one-star review, really made my day. Not.",
    "Some idiot blocked the loading bay again, learn to park people.",
    "If you can't read the sign, don't bother coming back to the {shop}.",
    "Our profits are down and payroll is late, so please buy {item} {day}.",
    "Clinically proven to cure stress. Miracle results in days, no risk at all!",
    "Yeah right, like anyone actually reads the opening hours. Sure.",
    "Honestly sick of people asking about {item}. It's on the website. Read it.",
];

fn fill(template: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let key = &rest[start + 1..start + len];
        match key {
            "shop" => out.push_str(rng.pick(SHOPS)),
            "item" => out.push_str(rng.pick(ITEMS)),
            "day" => out.push_str(rng.pick(DAYS)),
            "time" => out.push_str(rng.pick(TIMES)),
            "praise" => out.push_str(rng.pick(PRAISE)),
            "person" => out.push_str(rng.pick(PEOPLE)),
            "emoji" => out.push_str(rng.pick(EMOJI)),
            "digits" => out.push_str(&format!("{:04}", rng.below(10_000))),
            _ => out.push_str(key),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// One tweet-sized post (about 60 to 280 bytes): one to three sentences,
/// one in six of them from the problem templates, sometimes a hashtag, a
/// mention or a link.
pub fn post(rng: &mut Rng) -> String {
    let sentences = 1 + rng.below(3);
    let mut text = String::new();
    for i in 0..sentences {
        if i > 0 {
            text.push(' ');
        }
        let template = if rng.chance(16) {
            rng.pick(PROBLEMS)
        } else {
            rng.pick(FRIENDLY)
        };
        text.push_str(&fill(template, rng));
    }
    if rng.chance(30) {
        text.push(' ');
        text.push_str(rng.pick(TAGS));
    }
    if rng.chance(10) {
        text.push_str(" via @");
        text.push_str(&rng.pick(PEOPLE).to_lowercase());
    }
    if rng.chance(10) {
        text.push_str(&format!(" https://example.com/p/{}", rng.below(1000)));
    }
    text
}

/// `n` posts from a fixed seed.
pub fn posts(seed: u64, n: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| post(&mut rng)).collect()
}

/// A longer post (a LinkedIn-style update of about `bytes` bytes).
pub fn long_post(seed: u64, bytes: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut text = String::new();
    while text.len() < bytes {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&fill(rng.pick(FRIENDLY), &mut rng));
    }
    text
}

/// A one-line title for a Markdown post.
pub fn title(rng: &mut Rng) -> String {
    fill(
        rng.pick(&[
            "{praise} {item} for {day}",
            "Meet {person} from the {shop}",
            "What's new at the {shop}",
            "Opening hours for {day}",
        ]),
        rng,
    )
}

/// The post texts of every `*.jsonl` file in `dir` (the `text` field of
/// each line), with line breaks folded to spaces, empty and duplicate texts
/// dropped, in file-name order. `None` when the folder is missing or holds
/// no texts.
pub fn real_texts(dir: &Path) -> Option<Vec<String>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut seen = std::collections::HashSet::new();
    let mut texts = Vec::new();
    for file in files {
        let Ok(body) = std::fs::read_to_string(&file) else {
            continue;
        };
        for line in body.lines() {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let Some(text) = value.get("text").and_then(|t| t.as_str()) else {
                continue;
            };
            let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !one_line.is_empty() && seen.insert(one_line.clone()) {
                texts.push(one_line);
            }
        }
    }
    (!texts.is_empty()).then_some(texts)
}

/// Where real texts are looked for: `THINK_LINT_BENCH_DATA`, else
/// `../shared/eval/data` beside the repository.
pub fn data_dir() -> Option<std::path::PathBuf> {
    if let Some(dir) = std::env::var_os("THINK_LINT_BENCH_DATA") {
        return Some(dir.into());
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/data");
    dir.is_dir().then_some(dir)
}
