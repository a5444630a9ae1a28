//! The json reader on any bytes, then every post it yields checked.
fn main() {
    think_lint_fuzz::linter();
    afl::fuzz!(|data: &[u8]| {
        think_lint_fuzz::read_and_check(think_lint::source::Kind::Json, "fuzz.json", data);
    });
}
