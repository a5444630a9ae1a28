#!/usr/bin/env python3
"""Measures how far models trained on the irony train split can go.

The sarcasm target is an F1 of at least 0.68 on the irony validation split
with a precision of at least 0.60. This script trains several stronger
models than the built-in pack on the train split alone and reports, for
each, the best F1 at precision >= 0.60 on validation with the threshold
picked *on validation itself*. That is an optimistic ceiling: a real model
has to pick its threshold beforehand and would score lower.

Models, each with a few regularisation strengths:
  - word unigrams and bigrams (TF-IDF, logistic regression);
  - character 2-5-grams inside words;
  - both together (logistic regression and a linear SVM);
  - both together plus word vectors learned without labels from every
    train split's texts (PPMI of words seen in the same post, reduced by
    SVD, averaged over the post);
  - a one-hidden-layer network over both views, three seeds and their mean.

Needs scikit-learn, SciPy and NumPy (not needed by think-lint itself):
    pip install scikit-learn
    scripts/irony-ceiling.py [--quick]
The data comes from $THINK_LINT_EVAL/data (default ../shared/eval/data).
"""

import argparse
import json
import os
import sys

try:
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import precision_recall_curve
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import LinearSVC
except ImportError as err:
    sys.exit(f"irony-ceiling: {err}; install scikit-learn (pip install scikit-learn)")

MIN_PRECISION = 0.60
TOKEN = r"(?u)[#@]?\b\w+\b|[^\w\s]"


def read_split(path, positive="irony"):
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                post = json.loads(line)
            except json.JSONDecodeError as err:
                sys.exit(f"irony-ceiling: {path}:{n}: not JSON ({err})")
            texts.append(post["text"])
            labels.append(1 if post["label"] == positive else 0)
    return texts, np.array(labels)


def ceiling(scores, labels):
    """Best F1 at precision >= MIN_PRECISION over every threshold, and the
    best F1 at any precision."""
    precision, recall, _ = precision_recall_curve(labels, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-9)
    allowed = f1[precision >= MIN_PRECISION]
    return (allowed.max() if allowed.size else 0.0), f1.max()


def word_view():
    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)


def char_view():
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)


def fit_views(views, train, val):
    a = hstack([v.fit_transform(train) for v in views]).tocsr()
    b = hstack([v.transform(val) for v in views]).tocsr()
    return a, b


def word_vectors(texts, dims):
    """Unsupervised word vectors: positive PMI of two words sharing a post,
    with smoothed context counts, reduced to `dims` by truncated SVD."""
    counts = CountVectorizer(token_pattern=TOKEN, min_df=3)
    present = (counts.fit_transform(texts) > 0).astype(np.float32)
    co = (present.T @ present).tocsr()
    co.setdiag(0)
    co.eliminate_zeros()
    co = co.tocoo()
    total = co.data.sum()
    rows = np.bincount(co.row, weights=co.data, minlength=co.shape[0])
    cols = np.bincount(co.col, weights=co.data, minlength=co.shape[1]) ** 0.75
    cols *= total / cols.sum()
    pmi = np.maximum(np.log(co.data * total / (rows[co.row] * cols[co.col])), 0)
    ppmi = csr_matrix((pmi, (co.row, co.col)), shape=co.shape)
    vectors = TruncatedSVD(dims, random_state=0).fit_transform(ppmi)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9

    def embed(batch):
        m = counts.transform(batch).astype(np.float32)
        m = csr_matrix(m.multiply(1 / (m.sum(axis=1) + 1e-9)))
        return csr_matrix(m @ vectors)

    return embed


def report(name, scores, labels, rows):
    best, top = ceiling(scores, labels)
    rows.append((best, name))
    print(f"{name:<44} {best:6.3f} {top:9.3f}", flush=True)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="one strength per model, no network")
    args = ap.parse_args()
    data = os.path.join(os.environ.get("THINK_LINT_EVAL", os.path.join(root, "..", "shared", "eval")), "data")
    train, y_train = read_split(os.path.join(data, "irony.train.jsonl"))
    val, y_val = read_split(os.path.join(data, "irony.val.jsonl"))
    unlabeled = list(train)
    for name in ("offensive", "hate", "emotion"):
        path = os.path.join(data, f"{name}.train.jsonl")
        if os.path.exists(path):
            unlabeled += read_split(path)[0]
    strengths = [1.0] if args.quick else [0.1, 0.3, 1.0, 3.0]
    print(f"irony: {len(train)} train posts, {len(val)} validation posts "
          f"({y_val.mean():.1%} ironic: calling every post ironic scores F1 "
          f"{2 * y_val.mean() / (1 + y_val.mean()):.3f})")
    print(f"{'model':<44} {'F1@P>=.60':>6} {'best F1':>9}")
    rows = []
    views = {
        "words": [word_view()],
        "chars": [char_view()],
        "words+chars": [word_view(), char_view()],
    }
    for label, view in views.items():
        a, b = fit_views(view, train, val)
        for c in strengths:
            model = LogisticRegression(C=c, max_iter=3000).fit(a, y_train)
            report(f"logistic, {label}, C={c}", model.decision_function(b), y_val, rows)
        if label == "words+chars":
            for c in strengths:
                model = LinearSVC(C=c / 10).fit(a, y_train)
                report(f"linear SVM, {label}, C={c / 10}", model.decision_function(b), y_val, rows)
    embed = word_vectors(unlabeled, 100)
    a, b = fit_views([word_view(), char_view()], train, val)
    a = hstack([a, embed(train)]).tocsr()
    b = hstack([b, embed(val)]).tocsr()
    for c in strengths:
        model = LogisticRegression(C=c, max_iter=3000).fit(a, y_train)
        report(f"logistic, words+chars+vectors, C={c}", model.decision_function(b), y_val, rows)
    if not args.quick:
        a, b = fit_views([word_view(), char_view()], train, val)
        runs = []
        for seed in range(3):
            net = MLPClassifier(hidden_layer_sizes=(32,), alpha=1e-3, max_iter=30,
                                early_stopping=True, random_state=seed).fit(a, y_train)
            runs.append(net.predict_proba(b)[:, 1])
            report(f"network (32 hidden), words+chars, seed {seed}", runs[-1], y_val, rows)
        report("network, mean of the three seeds", np.mean(runs, axis=0), y_val, rows)
    best, name = max(rows)
    print(f"\nhighest F1 at precision >= {MIN_PRECISION:.2f}: {best:.3f} ({name}); target 0.68")


if __name__ == "__main__":
    main()
