//! The built-in packs: they load, they are big enough, and every rule's
//! own examples hold (the same check as `think-lint rules test`).

use think_lint::examples_check::{MIN_EXAMPLES, test_pack};
use think_lint::model::{Dimension, Flag};
use think_lint::pack;

#[test]
fn built_in_packs_load_and_cover_every_question() {
    let packs = pack::built_in().unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let ids: Vec<&str> = packs.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "true",
            "helpful",
            "inspiring",
            "necessary",
            "kind",
            "sarcasm",
            "hostility",
            "oversharing",
            "sarcasm-learned",
            "hostility-learned",
            "hate-learned"
        ]
    );
    for d in Dimension::ALL {
        assert!(packs.iter().any(|p| p.dimension == d), "{d}");
    }
    for f in Flag::ALL {
        let pack = packs.iter().find(|p| p.id == f.as_str()).unwrap();
        assert_eq!(pack.flag, Some(f));
    }
    for (id, flag) in [
        ("sarcasm-learned", Flag::Sarcasm),
        ("hostility-learned", Flag::Hostility),
        ("hate-learned", Flag::Hostility),
    ] {
        let pack = packs.iter().find(|p| p.id == id).unwrap();
        assert_eq!(pack.flag, Some(flag));
        assert_eq!(pack.rules[0].matcher.kind(), "weighted");
    }
}

#[test]
fn every_built_in_pack_has_twelve_rules_with_examples() {
    for p in pack::built_in().unwrap() {
        // Learned packs hold one model each; the hand-written ones need breadth.
        let learned = p.rules.iter().all(|r| r.matcher.kind() == "weighted");
        assert!(
            learned || p.rules.len() >= 12,
            "{} has {} rules",
            p.id,
            p.rules.len()
        );
        for r in &p.rules {
            assert!(
                r.fire.len() >= MIN_EXAMPLES && r.pass.len() >= MIN_EXAMPLES,
                "{}",
                r.id
            );
            assert!(!r.message.trim().is_empty(), "{}", r.id);
        }
    }
}

#[test]
fn every_built_in_example_holds() {
    let mut report = String::new();
    for p in pack::built_in().unwrap() {
        for f in test_pack(&p).failures {
            report.push_str(&format!(
                "{}:{}: {}: {}\n",
                f.origin, f.line, f.rule, f.problem
            ));
        }
    }
    assert!(report.is_empty(), "failing examples:\n{report}");
}

#[test]
fn built_in_regexes_validate_as_a_user_pack_would() {
    // Embedded packs compile their regexes lazily; here every one is
    // compiled and checked the way a pack from a file is at load time.
    for (name, src) in pack::BUILT_IN {
        if let Err(errors) = pack::parse(src, name) {
            panic!(
                "{}",
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}

#[test]
fn insult_rules_skip_only_insults_a_negator_denies() {
    use think_lint::check::Linter;
    use think_lint::engine::{Engine, Selection};
    use think_lint::source::Post;
    let linter =
        Linter::new(Engine::new(&pack::built_in().unwrap(), &Selection::default()).unwrap());
    let insults = ["kind/name-calling", "hostility/mention-with-insult"];
    let fired = |text: &str| -> Vec<String> {
        linter
            .check(&Post::new("-", text))
            .findings
            .into_iter()
            .map(|f| f.rule.to_string())
            .filter(|r| insults.contains(&r.as_str()))
            .collect()
    };
    for text in [
        "You're not an idiot for asking: the new card machine confuses us too!",
        "@sam_k you are not an idiot, everyone leaves a scarf behind now and then!",
        "No question is silly, and you are not such a moron for asking it twice.",
    ] {
        assert!(fired(text).is_empty(), "{text:?}: {:?}", fired(text));
    }
    for text in [
        "Can't stand the idiot who keeps blocking our loading bay.",
        "Don't be an idiot, the sign says cash only.",
        "No, idiot, the sign says cash only.",
        "@sam_k you absolute idiot, the sign says cash only.",
    ] {
        assert!(!fired(text).is_empty(), "{text:?} fired no insult rule");
    }
}
