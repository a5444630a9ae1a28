//! False alarms are what make people uninstall a linter: ordinary, friendly
//! business posts — and neutral or positive posts about groups of people —
//! must come out clean with every built-in rule on.

use think_lint::check::Linter;
use think_lint::engine::{Engine, Selection};
use think_lint::model::Severity;
use think_lint::pack;
use think_lint::source::Post;

fn linter() -> Linter {
    let packs = pack::built_in().unwrap();
    Linter::new(Engine::new(&packs, &Selection::default()).unwrap())
}

/// Posts must pass, with nothing above info level.
fn assert_clean(posts: &[&str]) {
    let linter = linter();
    let mut problems = String::new();
    for text in posts {
        let r = linter.check(&Post::new("-", *text));
        let loud: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Info)
            .map(|f| format!("{} on {:?}", f.rule, f.excerpt))
            .collect();
        if !r.passed || !loud.is_empty() {
            problems.push_str(&format!("{text:?}\n  passed={} {loud:?}\n", r.passed));
        }
    }
    assert!(problems.is_empty(), "false alarms:\n{problems}");
}

#[test]
fn friendly_business_posts_are_clean() {
    assert_clean(&[
        "We're open 8am to 6pm Monday to Saturday, and 10 to 4 on Sundays.",
        "Thank you for a wonderful first year! Here's to many more coffees together.",
        "New in the shop: hand-thrown mugs from a potter two streets away. $24 each.",
        "Sorry for the wait on Saturday. We've added a second barista for weekends so it won't happen again.",
        "Our spring menu starts Tuesday: asparagus tart, lemon cake and a rhubarb spritz.",
        "We're hiring a part-time baker. Early mornings, fair pay, free bread. Apply at the counter or by email.",
        "Closed Monday for a staff training day. See you Tuesday at 7!",
        "Congratulations to our apprentice Mia, who finished her certificate this week.",
        "Book your winter tyre change online at the link below, or call the shop.",
        "The yoga class on Thursday moves to 7pm this week only.",
        "Happy birthday to our shop dog, Biscuit, who turns five today!",
        "Free delivery within 5 miles on orders over $30, every day this month.",
        "Thanks to everyone who donated coats. We collected 212 for the shelter.",
        "Our plumbers are fully booked this week; next free slot is Monday morning.",
        "This weekend only: 20% off all houseplants. Come early for the best choice.",
        "We got your feedback about the noise and put felt pads on every chair. Thank you for telling us.",
        "Want to learn latte art? Saturday workshop, 10am, six places left.",
        "The new gluten-free loaf is here. It took us nine tries to get it right and we think it's worth it.",
        "Reminder: the car park is being resurfaced on Friday, so please use the side entrance.",
        "Meet Jonas, our new stylist! He specialises in curly hair and starts next week.",
    ]);
}

#[test]
fn identity_words_alone_never_flag_a_post() {
    assert_clean(&[
        "Our women's running shoes are back in stock in all sizes.",
        "Proud to sponsor the immigrant business fair this Saturday.",
        "Happy Eid to our Muslim customers and neighbours!",
        "We're celebrating Black History Month with books by Black authors in the window.",
        "Congratulations to the couple on their gay wedding reception at our venue last night!",
        "Our shop is step-free and every fitting room fits a wheelchair, so disabled shoppers can browse with ease.",
        "Women in business breakfast: Thursday 8am, tickets at the door.",
        "We stock halal and kosher options at the deli counter.",
        "Our Jewish deli recipes come from the owner's grandmother.",
        "Welcome to the refugee cooks joining our kitchen this month.",
        "Pride month window display is up, come and see it!",
        "The trans and non-binary swim session runs every second Sunday.",
        "We offer senior discounts every Tuesday for customers over 65.",
        "Thanks to the Latino business association for hosting us.",
        "Our Asian fusion menu launches Friday.",
    ]);
}
