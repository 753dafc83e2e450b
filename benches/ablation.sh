#!/usr/bin/env bash
# Each ranking ingredient on and off, on SQuAD, SciFact and KorQuAD (all questions), as a
# Markdown table: the README's "What each part is worth". Needs a release build and
# ../shared/eval. Usage: benches/ablation.sh
set -euo pipefail
cd "$(dirname "$0")/.."
E=../shared/eval
BIN=target/release/passagebot
configs=(
    "full (default)|"
    "plain BM25 (--baseline)|--baseline"
    "no second stage|--tune sentence=0 --tune coverage=0 --tune bigram=0 --tune heading=0"
    "− best-sentence coverage|--tune sentence=0"
    "− passage coverage|--tune coverage=0"
    "− exact word pairs|--tune bigram=0"
    "− heading evidence|--tune heading=0"
    "− exact-form field|--tune exact=0"
    "− title/section fields|--tune title=0 --tune section=0"
    "− filler down-weighting|--tune filler=1"
    "− typo correction|--tune typos=off"
    "− synonyms|--tune synonyms=off"
    "− derivational relatives|--tune derived=0"
    "− definition openings|--tune definition=0"
    "− feedback order for ranks past the re-ranked 20|--tune deep_feedback=off"
    "+ pseudo-relevance feedback on every rank (10 terms, 5 passages)|--tune feedback_terms=10"
)
metrics() { grep "^ranking only" | grep -oE "$1 [0-9.]+" | awk '{print $2}'; }
echo "| configuration | SQuAD R@1 | SQuAD MRR@10 | SciFact nDCG@10 | SciFact R@100 | KorQuAD R@1 | KorQuAD MRR@10 |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for config in "${configs[@]}"; do
    name=${config%%|*}
    # shellcheck disable=SC2206
    args=(${config#*|})
    squad=$("$BIN" eval --questions $E/squad-v1.1-dev/questions.jsonl --corpus $E/squad-v1.1-dev/passages.jsonl --show-failures 0 "${args[@]}")
    scifact=$("$BIN" eval --questions $E/scifact/questions.jsonl --corpus $E/scifact/passages.jsonl --show-failures 0 "${args[@]}")
    korquad=$("$BIN" eval --questions $E/korquad-v1.0-dev/questions.jsonl --corpus $E/korquad-v1.0-dev/passages.jsonl --show-failures 0 "${args[@]}")
    echo "| $name | $(metrics 'R@1' <<<"$squad") | $(metrics 'MRR@10' <<<"$squad") | $(metrics 'nDCG@10' <<<"$scifact") | $(metrics 'R@100' <<<"$scifact") | $(metrics 'R@1' <<<"$korquad") | $(metrics 'MRR@10' <<<"$korquad") |"
done
