//! `rules test`: checks that every rule fires on its `fire` examples and
//! stays quiet on its `pass` examples.

use crate::engine::{Engine, Selection};
use crate::pack::Pack;

/// The fewest examples of each kind a rule must carry.
pub const MIN_EXAMPLES: usize = 2;

/// One way a rule's examples went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleFailure {
    pub rule: String,
    pub origin: String,
    pub line: usize,
    pub problem: String,
}

/// What testing one pack found.
#[derive(Debug)]
pub struct PackTest {
    pub pack: String,
    pub rules: usize,
    pub examples: usize,
    pub failures: Vec<ExampleFailure>,
}

/// Tests one pack's examples. Rules never see each other's matches, so
/// the pack is compiled once and each example is judged by its own rule.
pub fn test_pack(pack: &Pack) -> PackTest {
    let mut failures = Vec::new();
    let mut examples = 0;
    let engine = Engine::new(std::slice::from_ref(pack), &Selection::default());
    let engine = match engine {
        Ok(e) => e,
        Err(e) => {
            return PackTest {
                pack: pack.id.clone(),
                rules: pack.rules.len(),
                examples: 0,
                failures: vec![ExampleFailure {
                    rule: pack.id.clone(),
                    origin: pack.origin.clone(),
                    line: 1,
                    problem: e.to_string(),
                }],
            };
        }
    };
    let profiles = crate::platform::Profiles::default();
    let check = |text: &str, rule: &crate::pack::Rule| {
        let mut a = crate::text::Analysis::new(text);
        a.metrics.platform = rule
            .example_platform
            .as_deref()
            .and_then(|p| profiles.get(p))
            .map(|p| p.measure(&a));
        engine.check_analysis(&a)
    };
    for (index, rule) in engine.rules().iter().enumerate() {
        let mut fail = |problem: String| {
            failures.push(ExampleFailure {
                rule: rule.id.clone(),
                origin: rule.origin.clone(),
                line: rule.line,
                problem,
            })
        };
        if rule.fire.len() < MIN_EXAMPLES || rule.pass.len() < MIN_EXAMPLES {
            fail(format!(
                "needs at least {MIN_EXAMPLES} `fire` and {MIN_EXAMPLES} `pass` examples (has {} and {})",
                rule.fire.len(),
                rule.pass.len()
            ));
        }
        for text in &rule.fire {
            examples += 1;
            if !check(text, rule).iter().any(|h| h.rule == index) {
                fail(format!("did not fire on: {text:?}"));
            }
        }
        for text in &rule.pass {
            examples += 1;
            if let Some(h) = check(text, rule).iter().find(|h| h.rule == index) {
                fail(format!("fired on {:?} in: {text:?}", &text[h.span.clone()]));
            }
        }
    }
    PackTest {
        pack: pack.id.clone(),
        rules: pack.rules.len(),
        examples,
        failures,
    }
}
