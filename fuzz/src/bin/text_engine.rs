//! Text analysis and the rule engine on any text: valid UTF-8 as it is,
//! anything else decoded lossily (as the readers do).
fn main() {
    think_lint_fuzz::linter();
    afl::fuzz!(|data: &[u8]| {
        let text = String::from_utf8_lossy(data);
        let mut post = think_lint::source::Post::new("fuzz.txt", text.into_owned());
        // Exercise a post that starts part-way into its file too.
        if data.first().is_some_and(|b| b & 1 == 1) {
            post.line = 3;
            post.column = 7;
        }
        think_lint_fuzz::check_post(&post);
    });
}
