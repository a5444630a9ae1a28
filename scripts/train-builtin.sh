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

# Both models also see ordinary shop posts (written for this project) as
# negatives, and pick their threshold for precision: a false alarm on a
# normal post costs more than a miss.
#
# Sarcasm: trained on labeled tweets with the `cues` features (a positive
# word before a negative one, interjections, elongated words, ellipses,
# scare quotes). It raises the sarcasm flag as a warning that costs no
# points, so the model alone never fails a post; and it fires only when it
# finds sarcasm more likely than not (--min-threshold 0.5), since warm shop
# posts ("thanks", "so excited", "reminder") look like tweets where the
# praise is ironic and sit just under that line. Posts of fewer than four
# words ("Thanks for reading") say too little to tell.
biz="$ex/business-posts.jsonl"

"$bin" train --data "$data/irony.train.jsonl" --data "$biz" --positive irony \
    --features cues --min-df 2 --max-terms 20000 \
    --min-precision 0.62 --min-threshold 0.5 --min-words 4 --severity warning \
    --dimension kind --flag sarcasm --id sarcasm-learned --rule irony \
    --description "Learned from labeled tweets: sarcasm and irony" \
    --message "This reads as sarcastic: a model learned from labeled posts puts it with ironic ones. Customers may take it literally, or hear it as a dig." \
    --suggestion "Say plainly what happened and what it means for the reader." \
    --weight 0 --examples "$ex/sarcasm.toml" \
    --out "$out/learned-sarcasm.toml"

# Hostility: offensive and hateful tweets together are the positives.
"$bin" train --data "$data/offensive.train.jsonl" --data "$data/hate.train.jsonl" \
    --data "$biz" --positive offensive,hate \
    --min-precision 0.76 --min-df 2 \
    --dimension kind --flag hostility --id hostility-learned --rule offensive \
    --description "Learned from labeled tweets: insults, profanity, threats and hate" \
    --message "This reads as offensive: a model learned from labeled posts puts it with insulting, abusive or hateful ones." \
    --suggestion "Drop the insult or swearing and say what the problem is and what you will do about it." \
    --weight 25 --examples "$ex/hostility.toml" \
    --out "$out/learned-hostility.toml"

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
