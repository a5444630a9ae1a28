#!/usr/bin/env bash
# Measures think-lint on the labeled validation posts in ../shared/eval and
# prints a table against the targets. Skips (exit 0) when the data is absent.
#
#   scripts/eval.sh            # validation splits
#   SPLIT=test scripts/eval.sh # another split with the same file names
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
eval_dir="${THINK_LINT_EVAL:-$root/../shared/eval}"
split="${SPLIT:-val}"
if [ ! -f "$eval_dir/score.py" ] || [ ! -d "$eval_dir/data" ]; then
    echo "eval: no labeled data at $eval_dir; skipping"
    exit 0
fi
cd "$root"
cargo build --release --quiet
bin="$root/target/release/think-lint"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# task | eval arguments (the mapping) | headline target | positive-class
# precision target | data file (default: the task's name). The davidson row
# has no target: it is another source's abusive posts, scored with the
# offensive mapping, to show how that mapping carries over.
tasks=(
    "irony|--positive irony --flag sarcasm|0.68|0.60"
    "offensive|--positive offensive --flag hostility --error-dimension kind|0.74|0.75"
    "hate|--positive hate --flag hostility --error-dimension kind|0.62|-"
    "sentiment|--tone|0.64|-"
    "davidson-binary|--positive offensive_language,hate_speech --negative neither --flag hostility --error-dimension kind|-|-|davidson"
)
rows="$work/rows.tsv"
: >"$rows"
for t in "${tasks[@]}"; do
    IFS='|' read -r task args target ptarget file <<<"$t"
    file="${file:-$task}"
    data="$eval_dir/data/$file.$split.jsonl"
    if [ ! -f "$data" ]; then
        echo "eval: no $file.$split.jsonl; skipping $task" >&2
        continue
    fi
    # The configuration in the working directory must not change the result.
    # shellcheck disable=SC2086
    (cd "$work" && "$bin" eval --data "$data" $args --worst 0 \
        --predictions "$work/$task.pred.jsonl" >"$work/$task.out")
    python3 "$eval_dir/score.py" --data "$data" --task "$task" \
        --pred "$work/$task.pred.jsonl" --json >"$work/$task.json"
    printf '%s\t%s\t%s\t%s\n' "$task" "$target" "$ptarget" "$work/$task.json" >>"$rows"
done

python3 - "$rows" <<'PY'
import json, sys

POSITIVE = {"irony": "irony", "offensive": "offensive", "hate": "hate",
            "davidson-binary": "abusive"}
HEADLINE = {"irony": "F1(irony)", "offensive": "macro-F1", "hate": "macro-F1",
            "sentiment": "macro-recall", "davidson-binary": "macro-F1"}

def pct(x):
    return "-" if x is None else f"{100 * x:.1f}"

rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
print(f"{'task':<15} {'metric':<13} {'score':>6} {'P':>6} {'R':>6} {'F1':>6} {'target':>14}  result")
failed = targets = 0
for task, target, ptarget, path in rows:
    r = json.load(open(path))
    head = r.get("value")
    per = r.get("per_class", {})
    p = rcl = f1 = None
    if task in POSITIVE:
        c = per.get(POSITIVE[task], {}) if isinstance(per, dict) else {}
        p, rcl, f1 = c.get("precision"), c.get("recall"), c.get("f1")
    if target == "-":
        want, result = "-", "(no target)"
    else:
        targets += 1
        ok = head is not None and head >= float(target)
        want = f">={float(target) * 100:.0f}"
        if ptarget != "-":
            ok = ok and p is not None and p >= float(ptarget)
            want += f", P>={float(ptarget) * 100:.0f}"
        failed += not ok
        result = "pass" if ok else "FAIL"
    print(f"{task:<15} {HEADLINE[task]:<13} {pct(head):>6} {pct(p):>6} {pct(rcl):>6} {pct(f1):>6} {want:>14}  {result}")
print(f"\n{targets - failed} of {targets} targets met")
PY
