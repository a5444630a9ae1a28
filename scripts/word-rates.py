#!/usr/bin/env python3
"""Writes src/pack/word-rates.tsv: the share of posts each common word is in.

    scripts/word-rates.py [DATA_DIR]

The prefilter (src/pack/literals.rs) picks, for each built-in pattern, the
literals a post must hold to be searched, and prefers the rarest. Letter
frequencies alone make common words look rare (`women`, `never`, `work`
would be in one post in a thousand by their letters); the table corrects
that. It is measured on the training splits of the labeled posts
(DATA_DIR, default ../shared/eval/data: `*.train.jsonl`, one JSON object
per line with a `text` field): each word's rate is the share of posts that
hold it at least once, lower-cased. Mentions are not counted (the data
writes every one as `@user`). Words in fewer than MIN_POSTS posts are left
out: letter frequencies do well enough on the rare ones.

Only the counts are kept, never a post. Re-run it when the data changes;
the build reads the table as it is in the repository.
"""

import collections
import glob
import json
import os
import re
import sys

# A word must be in at least this many posts to be listed.
MIN_POSTS = 15

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
MENTION = re.compile(r"@\w+")


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "eval", "data")
    files = sorted(glob.glob(os.path.join(data, "*.train.jsonl")))
    if not files:
        sys.exit(f"error: no *.train.jsonl in {data}: pass the folder of the labeled posts")
    posts = 0
    holding = collections.Counter()
    for path in files:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    text = json.loads(line)["text"]
                except (ValueError, KeyError, TypeError) as e:
                    sys.exit(f"error: {path}:{n}: not a JSON object with a text field ({e})")
                posts += 1
                text = MENTION.sub(" ", text.lower().replace("\u2019", "'"))
                holding.update(set(WORD.findall(text)))
    rows = sorted(
        ((w, c) for w, c in holding.items() if c >= MIN_POSTS),
        key=lambda wc: (-wc[1], wc[0]),
    )
    out = os.path.join(ROOT, "src", "pack", "word-rates.tsv")
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"# word\tshare of posts: {posts} posts, words in {MIN_POSTS} or more (scripts/word-rates.py)\n")
        for w, c in rows:
            f.write(f"{w}\t{c / posts:.3g}\n")
    print(f"{out}: {len(rows)} words from {posts} posts in {len(files)} files")


if __name__ == "__main__":
    main()
