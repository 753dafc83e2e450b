#!/usr/bin/env python3
"""Fits passagebot's confidence model (src/search/confidence.rs) and reports it held out.

Positives are in-domain questions, negatives questions asked of another set's corpus (and
the real-docs `expect_none` questions). For each pair below, `passagebot eval --features`
dumps the best passage's features; a logistic regression (Newton's method, small L2
penalty, every set weighted equally within its class) is fitted on the FIT sets' even-
numbered questions only, and the false no-match / rejection rates at the threshold are
reported on everything else: the odd-numbered questions of the FIT sets and all of the
HELD-OUT sets (KorQuAD, SQuAD questions on KorQuAD, the four real-docs sets, the seed set),
which the fit never sees.

    python3 benches/fit_confidence.py --bin target/release/passagebot \\
        --eval ../shared/eval --work /tmp/passagebot-fit [--threshold 0.22] [--no-dump]

Prints the Rust constants to paste into src/search/confidence.rs. Python 3 standard
library only. Indexes are built once under --work and reused.
"""

import argparse
import json
import math
import os
import subprocess
import sys

FEATURES = [
    "with_headings", "sentence", "coverage", "direct", "margin",
    "matched_ln", "best_rarity", "missing_rarity", "concepts_ln", "bm25_rarity",
]

# name, corpus (relative to --eval), questions (relative to --eval), out of domain, role
SETS = [
    ("squad", "squad-v1.1-dev/passages.jsonl", "squad-v1.1-dev/questions.jsonl", False, "fit"),
    ("scifact", "scifact/passages.jsonl", "scifact/questions.jsonl", False, "fit"),
    ("scifact-on-squad", "squad-v1.1-dev/passages.jsonl", "scifact/questions.jsonl", True, "fit"),
    ("squad-on-scifact", "scifact/passages.jsonl", "squad-v1.1-dev/questions.jsonl", True, "fit"),
    ("korquad", "korquad-v1.0-dev/passages.jsonl", "korquad-v1.0-dev/questions.jsonl", False, "held"),
    ("squad-on-korquad", "korquad-v1.0-dev/passages.jsonl", "squad-v1.1-dev/questions.jsonl", True, "held"),
    ("git-html", "real-docs/git-html/corpus", "real-docs/git-html/questions.jsonl", False, "held"),
    ("mutt-txt", "real-docs/mutt-txt/corpus", "real-docs/mutt-txt/questions.jsonl", False, "held"),
    ("pdf-manual-slides", "real-docs/pdf-manual-slides/corpus",
     "real-docs/pdf-manual-slides/questions.jsonl", False, "held"),
    ("ebook-office", "real-docs/ebook-office/corpus", "real-docs/ebook-office/questions.jsonl", False, "held"),
    ("seed", "corpus-seed", "seed/questions.jsonl", False, "held"),
    # The bundled article asked as a new user would (issue 11): fair questions, chatty or
    # with markup, and off-topic ones; relative to this script's folder, not --eval.
    ("bundled-trust", "corpus-seed", "@bundled-trust.jsonl", False, "held"),
    ("bundled-questions", "corpus-seed", "@../tests/fixtures/bundled-questions.jsonl", False, "held"),
]


def dump(args, name, corpus, questions, ood):
    out = os.path.join(args.work, f"{name}.features.jsonl")
    if args.no_dump and os.path.exists(out):
        return out
    index = os.path.join(args.work, "idx-" + corpus.replace("/", "_"))
    corpus_path = os.path.join(args.eval, corpus)
    if corpus == "corpus-seed":
        corpus_path = os.path.join(os.path.dirname(os.path.abspath(args.eval)), "corpus-seed")
    if questions.startswith("@"):
        questions_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), questions[1:])
    else:
        questions_path = os.path.join(args.eval, questions)
    cmd = [args.bin, "eval", "--corpus", corpus_path, "--index", index,
           "--questions", questions_path, "--features", out,
           "--show-failures", "0"]
    if ood:
        cmd.append("--out-of-domain")
    result = subprocess.run(cmd, capture_output=True, text=True)
    print(f"# {name}: " + " | ".join(result.stdout.strip().splitlines()[1:]), file=sys.stderr)
    return out


def load(path):
    rows = []
    with open(path) as f:
        for i, line in enumerate(f):
            row = json.loads(line)
            row["n"] = i
            rows.append(row)
    return rows


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def solve(a, b):
    """Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[c][c] != 0:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] if m[i][i] else 0.0 for i in range(n)]


def fit(xs, ys, ws, l2):
    d = len(xs[0]) + 1
    beta = [0.0] * d
    for _ in range(30):
        grad = [0.0] * d
        hess = [[0.0] * d for _ in range(d)]
        for x, y, w in zip(xs, ys, ws):
            v = [1.0] + x
            p = sigmoid(sum(b * xi for b, xi in zip(beta, v)))
            g = w * (p - y)
            h = w * p * (1 - p)
            for i in range(d):
                grad[i] += g * v[i]
                vi = h * v[i]
                row = hess[i]
                for j in range(d):
                    row[j] += vi * v[j]
        for i in range(1, d):
            grad[i] += l2 * beta[i]
            hess[i][i] += l2
        step = solve(hess, grad)
        beta = [b - s for b, s in zip(beta, step)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return beta[0], beta[1:]


def confidence(bias, weights, features):
    if features is None:
        return 0.0
    return sigmoid(bias + sum(w * x for w, x in zip(weights, features)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/passagebot")
    ap.add_argument("--eval", default="../shared/eval")
    ap.add_argument("--work", default="/tmp/passagebot-fit")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--l2", type=float, default=0.01)
    ap.add_argument("--no-dump", action="store_true", help="reuse feature files in --work")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)

    data = {}
    for name, corpus, questions, ood, role in SETS:
        data[name] = (role, load(dump(args, name, corpus, questions, ood)))

    xs, ys, ws = [], [], []
    for name, (role, rows) in data.items():
        if role != "fit":
            continue
        train = [r for r in rows if r["n"] % 2 == 0 and r["features"] is not None]
        for r in train:
            xs.append(r["features"])
            ys.append(1.0 if r["in_domain"] else 0.0)
            ws.append(1.0 / len(train))
    bias, weights = fit(xs, ys, ws, args.l2 * sum(ws))

    print("// Fitted by benches/fit_confidence.py")
    print(f"pub const WEIGHTS: [f32; {len(FEATURES)}] = [")
    for name, w in zip(FEATURES, weights):
        print(f"    {w:.4f}, // {name}")
    print("];")
    print(f"pub const BIAS: f32 = {bias:.4f};")
    print()
    print(f"| set | role | questions | in domain | {'false no-match' if True else ''} / rejected at {args.threshold} |")
    print("| --- | --- | --- | --- | --- |")
    for name, (role, rows) in data.items():
        shown = [r for r in rows if role != "fit" or r["n"] % 2 == 1]
        pos = [r for r in shown if r["in_domain"]]
        neg = [r for r in shown if not r["in_domain"]]
        cells = []
        if pos:
            bad = sum(confidence(bias, weights, r["features"]) < args.threshold for r in pos)
            cells.append(f"false no-match {bad}/{len(pos)} ({100 * bad / len(pos):.2f} %)")
        if neg:
            good = sum(confidence(bias, weights, r["features"]) < args.threshold for r in neg)
            cells.append(f"rejected {good}/{len(neg)} ({100 * good / len(neg):.1f} %)")
        part = "odd half (held out)" if role == "fit" else "held out"
        print(f"| {name} | {part} | {len(shown)} | {len(pos)} | {'; '.join(cells)} |")


if __name__ == "__main__":
    main()
