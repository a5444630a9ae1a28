#!/usr/bin/env python3
"""Cross-validates the whole rule set on a labeled train split.

`think-lint train` picks a learned pack's threshold from the pack's own
out-of-fold scores, but a post is judged by every rule at once: the
hand-written packs and the other learned packs fire too, so the rule set's
precision is lower than the pack's. This script measures that: it splits the
train file into K folds, retrains one built-in pack on the other folds (with
the same `train` arguments as scripts/train-builtin.sh), swaps it in for the
built-in one, and scores the whole rule set on the held-out fold at each of
the given thresholds. Counts are pooled over the folds.

    scripts/cv-system.py --task offensive --ignore hostility-learned \
        --eval-args "--flag hostility --error-dimension kind" \
        --thresholds 0.45,0.50,0.52,0.55 -- \
        --data scripts/train-examples/business-posts.jsonl --positive offensive \
        --nb --features chars --min-df 2 --max-terms 10000 --l2 0.001 \
        --dimension kind --flag hostility --id cv --rule offensive

The arguments after `--` go to `think-lint train` (give one L2 strength: the
threshold is what is being measured). The train split comes from
$THINK_LINT_EVAL/data (default ../shared/eval/data). Needs a release build.
"""

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--task", required=True, help="irony, offensive, hate, ...")
    ap.add_argument("--positive", help="the positive label (default: the task name)")
    ap.add_argument("--ignore", required=True, help="the built-in pack to replace")
    ap.add_argument("--eval-args", required=True, help="the mapping, as for think-lint eval")
    ap.add_argument("--thresholds", required=True, help="comma-separated")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("train_args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    train_args = a.train_args[1:] if a.train_args[:1] == ["--"] else a.train_args
    positive = a.positive or a.task
    try:
        thresholds = [float(t) for t in a.thresholds.split(",")]
    except ValueError:
        sys.exit(f"cv-system: --thresholds: not a list of numbers: {a.thresholds}")
    eval_dir = os.environ.get("THINK_LINT_EVAL", os.path.join(root, "..", "shared", "eval"))
    data = os.path.join(eval_dir, "data", f"{a.task}.train.jsonl")
    if not os.path.isfile(data):
        print(f"cv-system: no {data}; nothing to do", file=sys.stderr)
        return 0
    binary = os.path.join(root, "target", "release", "think-lint")
    rows = []
    with open(data, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    sys.exit(f"cv-system: {data}:{n}: {e}")
    k = a.folds
    counts = {t: [0, 0, 0, 0] for t in thresholds}  # tp, fp, fn, tn
    with tempfile.TemporaryDirectory() as work:
        train, test = os.path.join(work, "train.jsonl"), os.path.join(work, "test.jsonl")
        pack, swapped = os.path.join(work, "pack.toml"), os.path.join(work, "swapped.toml")
        preds = os.path.join(work, "preds.jsonl")
        for fold in range(k):
            held = [r for i, r in enumerate(rows) if i % k == fold]
            with open(train, "w", encoding="utf-8") as f:
                f.writelines(json.dumps(r) + "\n" for i, r in enumerate(rows) if i % k != fold)
            with open(test, "w", encoding="utf-8") as f:
                f.writelines(json.dumps(r) + "\n" for r in held)
            run([binary, "train", "--data", train, *train_args, "--out", pack])
            with open(pack, encoding="utf-8") as f:
                text = f.read()
            for t in thresholds:
                with open(swapped, "w", encoding="utf-8") as f:
                    f.write(re.sub(r"(?m)^threshold = .*$", f"threshold = {t}", text))
                # Run in the temp dir: a think-lint.toml in the caller's
                # directory must not change the result.
                run([binary, "eval", "--data", test, "--positive", positive,
                     *shlex.split(a.eval_args), "--worst", "0", "--ignore", a.ignore,
                     "--rules", swapped, "--predictions", preds], cwd=work)
                pred = {}
                with open(preds, encoding="utf-8") as f:
                    for line in f:
                        o = json.loads(line)
                        pred[json.dumps(o["id"])] = o["pred"]
                c = counts[t]
                for r in held:
                    gold = r["label"] == positive
                    said = pred.get(json.dumps(r["id"])) == positive
                    if gold and said:
                        c[0] += 1
                    elif said:
                        c[1] += 1
                    elif gold:
                        c[2] += 1
                    else:
                        c[3] += 1
    print(f"{k}-fold cross-validation of the whole rule set on {a.task}.train.jsonl "
          f"({len(rows)} posts), {a.ignore} retrained per fold:")
    print(f"{'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'macro-F1':>8}")
    for t in thresholds:
        tp, fp, fn, tn = counts[t]
        p, r = ratio(tp, tp + fp), ratio(tp, tp + fn)
        pn, rn = ratio(tn, tn + fn), ratio(tn, tn + fp)
        f1, f1n = ratio(2 * p * r, p + r), ratio(2 * pn * rn, pn + rn)
        print(f"{t:>9.4f} {p:>9.3f} {r:>7.3f} {f1:>6.3f} {(f1 + f1n) / 2:>8.3f}")
    return 0


def ratio(a, b):
    return a / b if b else 0.0


def run(cmd, cwd=None):
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"cv-system: {shlex.join(cmd)} failed:\n{done.stderr.strip()}")


if __name__ == "__main__":
    sys.exit(main())
