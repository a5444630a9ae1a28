#!/usr/bin/env bash
# Retrains the built-in learned packs (rules/learned-*.toml) from the
# labeled train splits in ../shared/eval/data. Deterministic: running it
# again on the same data rewrites the same files byte for byte.
#
#   scripts/train-builtin.sh            # train and write rules/learned-*.toml
#   scripts/train-builtin.sh --check    # train into a temp dir, fail if the files differ
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${THINK_LINT_EVAL:-$root/../shared/eval}/data"
if [ ! -d "$data" ]; then
    echo "train-builtin: no labeled data at $data; nothing to do" >&2
    exit 0
fi
cd "$root"
cargo build --release --quiet
bin="$root/target/release/think-lint"
out="$root/rules"
check=0
if [ "${1:-}" = "--check" ]; then
    check=1
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
fi
ex="$root/scripts/train-examples"

# The models also see ordinary shop posts (written for this project) as
# negatives, and pick their threshold for precision: a false alarm on a
# normal post costs more than a miss.
#
# Sarcasm: trained on labeled tweets with the `cues` features (a positive
# word before a negative one, interjections, elongated words, ellipses,
# scare quotes). It raises the sarcasm flag as a warning that costs no
# points, so the model alone never fails a post; its threshold is the best
# cross-validated F1 at a precision of at least 0.60, but never below 0.42:
# warm shop posts ("thanks to ... for hosting us", "quick reminder") look
# like tweets where the praise is ironic. The shop posts count three times
# (the file is given three times): with that weight the model keeps them
# apart well enough that the lower line fires on fewer unseen shop posts
# than a single weight with a line at 0.48 did (trained on half of them,
# checked on the other half: 30 of 189 against 34), while finding more of
# the ironic tweets (cross-validated F1 0.61 against 0.59; the whole rule
# set, by scripts/cv-system.py: precision 0.61, recall 0.61 against 0.64,
# 0.55). The copies also lift every shop-post word over --min-df, so the
# pack holds about 2,000 more terms, most of them shop words that lean
# away from irony. Posts of fewer than four words ("Thanks for reading")
# say too little to tell.
biz="$ex/business-posts.jsonl"

"$bin" train --data "$data/irony.train.jsonl" \
    --data "$biz" --data "$biz" --data "$biz" --positive irony \
    --features cues --min-df 2 --max-terms 20000 --l2 0.001,0.003,0.01 \
    --min-precision 0.60 --min-threshold 0.42 --min-words 4 --severity warning \
    --dimension kind --flag sarcasm --id sarcasm-learned --rule irony \
    --description "Learned from labeled tweets: sarcasm and irony" \
    --message "This reads as sarcastic: a model learned from labeled posts puts it with ironic ones. Customers may take it literally, or hear it as a dig." \
    --suggestion "Say plainly what happened and what it means for the reader." \
    --weight 0 --examples "$ex/sarcasm.toml" \
    --out "$out/learned-sarcasm.toml"

# Hostility, two models that both raise the hostility flag: one learned
# from the offensive tweets (insults, profanity, threats), one from the
# hateful ones (abuse aimed at immigrants and women). Trained together the
# two kinds blur each other; apart, each finds its own words. Both scale
# every term by how much more often it is found on one side (--nb) and
# also read character n-grams (masked and misspelt swearing). The
# offensive model keeps a cross-validated precision of 0.77 (a margin over
# the 0.75 it must keep on posts it never saw, with the hand-written rules
# and the hate model firing too); the hate model, which only adds what the
# first one misses, is held to 0.90 so it adds few false alarms.
# scripts/cv-system.py measures the whole rule set the same way: on the
# offensive train split, with this model retrained per fold, all rules
# together keep a precision of 0.73 (recall 0.51) at this threshold, so
# there is no room to lower it; the hate model's extra alarms on these
# tweets cost about 1.5 points of that precision.
"$bin" train --data "$data/offensive.train.jsonl" --data "$biz" --positive offensive \
    --nb --features chars --min-df 2 --max-terms 10000 --l2 0.001,0.003,0.01 \
    --min-precision 0.77 \
    --dimension kind --flag hostility --id hostility-learned --rule offensive \
    --description "Learned from labeled tweets: insults, profanity and threats" \
    --message "This reads as offensive: a model learned from labeled posts puts it with insulting, abusive or profane ones." \
    --suggestion "Drop the insult or swearing and say what the problem is and what you will do about it." \
    --weight 25 --examples "$ex/hostility.toml" \
    --out "$out/learned-hostility.toml"

"$bin" train --data "$data/hate.train.jsonl" --data "$biz" --positive hate \
    --nb --features chars --min-df 2 --max-terms 10000 --l2 0.001,0.003,0.01 \
    --min-precision 0.90 \
    --dimension kind --flag hostility --id hate-learned --rule hate \
    --description "Learned from labeled tweets: hateful abuse of groups of people" \
    --message "This reads as hateful: a model learned from labeled posts puts it with abuse aimed at a group of people." \
    --suggestion "Remove the attack on the group; say what you want to say about the issue itself." \
    --weight 25 --examples "$ex/hate.toml" \
    --out "$out/learned-hate.toml"

# The tone verdict's polarity model (src/tone.rs reads it; not a rule pack
# of its own): joy and optimism against anger and sadness.
"$bin" train --data "$data/emotion.train.jsonl" --positive joy,optimism \
    --dimension inspiring --id tone --rule positive --min-df 2 --min-words 0 \
    --description "Learned from emotion-labeled tweets: polarity for the tone verdict" \
    --examples "$ex/tone.toml" \
    --out "$([ "$check" = 1 ] && echo "$out" || echo "$root/src")/tone-model.toml"

if [ "$check" = 1 ]; then
    if ! cmp -s "$out/tone-model.toml" "$root/src/tone-model.toml"; then
        echo "train-builtin: src/tone-model.toml differs from a fresh training run" >&2
        exit 1
    fi
    status=0
    for f in "$out"/learned-*.toml; do
        if ! cmp -s "$f" "$root/rules/$(basename "$f")"; then
            echo "train-builtin: rules/$(basename "$f") differs from a fresh training run" >&2
            status=1
        fi
    done
    [ "$status" = 0 ] && echo "train-builtin: checked-in packs match a fresh training run"
    exit "$status"
fi
