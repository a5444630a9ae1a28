//! The learned sarcasm and hostility models raise their flags on posts
//! that sound like them, and leave warm, ordinary shop posts alone
//! (including short ones, whose few words say too little to tell).

use think_lint::check::Linter;
use think_lint::engine::{Engine, Selection};
use think_lint::model::Flag;
use think_lint::pack;
use think_lint::source::Post;

fn linter() -> Linter {
    Linter::new(Engine::new(&pack::built_in().unwrap(), &Selection::default()).unwrap())
}

fn learned_rules(linter: &Linter, text: &str) -> Vec<String> {
    linter
        .check(&Post::new("-", text))
        .findings
        .iter()
        .filter(|f| f.rule.contains("-learned/"))
        .map(|f| f.rule.to_string())
        .collect()
}

#[test]
fn warm_posts_raise_no_learned_flag() {
    let linter = linter();
    let mut loud = Vec::new();
    for text in [
        "Thanks for reading",
        "Thank you so much",
        "Great news everyone",
        "Love it!",
        "So excited to open our second shop in the spring!",
        "Quick reminder that orders for birthday cakes close on Thursday.",
        "Thanks to the garden club for hosting our stall this weekend.",
        "We're sorry the website was down this morning. It's working again now.",
        "Happy Monday! Fresh scones are out of the oven.",
    ] {
        let rules = learned_rules(&linter, text);
        if !rules.is_empty() {
            loud.push(format!("{text:?}: {rules:?}"));
        }
    }
    assert!(loud.is_empty(), "learned rules fired:\n{}", loud.join("\n"));
}

#[test]
fn sarcastic_and_abusive_posts_raise_their_flags() {
    let linter = linter();
    let flags = |text: &str| linter.check(&Post::new("-", text)).scorecard.flags;
    let sarcastic =
        "Yay, the printer jammed right before the big order went out. Love that for me.";
    assert!(flags(sarcastic).contains(&Flag::Sarcasm), "{sarcastic}");
    assert!(
        linter.check(&Post::new("-", sarcastic)).passed,
        "the sarcasm model alone must not fail a post"
    );
    let abusive = "Shut up you stupid idiot, nobody asked for your pathetic opinion.";
    assert!(flags(abusive).contains(&Flag::Hostility), "{abusive}");
}
