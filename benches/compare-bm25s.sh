#!/usr/bin/env bash
# Side-by-side speed: `passagebot ask --json` over every SQuAD dev question (one process, one
# thread, index already built) against the bm25s baseline of ../shared/eval/tools, in the
# same run on the same machine. Prints each timing and the medians.
#
# Needs: a release build (`cargo build --release`) and a Python with bm25s + PyStemmer:
#   python3 -m venv /tmp/evalenv && /tmp/evalenv/bin/pip install bm25s==0.3.16 PyStemmer==3.1.0 numpy scipy
# Usage: PY=/tmp/evalenv/bin/python benches/compare-bm25s.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=../shared/eval
DATA=$EVAL/squad-v1.1-dev
PY=${PY:-python3}
RUNS=${1:-3}
BIN=target/release/passagebot
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$PY" -c 'import json,sys; [print(json.loads(l)["question"]) for l in open(sys.argv[1])]' \
    "$DATA/questions.jsonl" > "$WORK/questions.txt"
QUESTIONS=$(wc -l < "$WORK/questions.txt")
"$BIN" index --corpus "$DATA/passages.jsonl" --index "$WORK/index" > /dev/null

ours=()
theirs=()
for run in $(seq "$RUNS"); do
    start=$(date +%s.%N)
    taskset -c 0 "$BIN" ask --json --corpus "$DATA/passages.jsonl" --index "$WORK/index" \
        < "$WORK/questions.txt" > "$WORK/answers.jsonl"
    end=$(date +%s.%N)
    qps=$(echo "$QUESTIONS / ($end - $start)" | bc -l)
    ours+=("$qps")
    # The script prints a table whose `bm25s` row has QPS in column 10.
    theirs_qps=$(cd "$EVAL/tools" && taskset -c 0 "$PY" baseline_bm25.py --data ../squad-v1.1-dev \
        --systems bm25s --k1 1.2 --b 0.75 --repeats 1 2>/dev/null | awk '$1 == "bm25s" {print $10}')
    theirs+=("$theirs_qps")
    printf 'run %d: passagebot ask --json %.0f q/s, bm25s %s q/s\n' "$run" "$qps" "$theirs_qps"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m_ours=$(median "${ours[@]}")
m_theirs=$(median "${theirs[@]}")
printf 'median over %d runs: passagebot %.0f q/s, bm25s %.0f q/s, ratio %.2f\n' \
    "$RUNS" "$m_ours" "$m_theirs" "$(echo "$m_ours / $m_theirs" | bc -l)"
