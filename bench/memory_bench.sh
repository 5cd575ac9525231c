#!/usr/bin/env bash
# The memory benchmark of docs/benchmarks.md ("Memory"): the launcher with and without --memory (the table adds
# one forward pass on shapes for the activations, and accelerate's walk), and with --fits (its searches). The
# three runs of a model alternate, so drift on a busy machine hits them alike.
# usage: bench/memory_bench.sh [RUNS]   (from the project root; builds the jar first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
# shellcheck source=lib.sh
. bench/lib.sh
./model-summary resnet50 >/dev/null 2>&1 # builds the jar (and the class-data archive) once

ms() { # wall time of one run, in ms
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    echo $(( (end - start) / 1000000 ))
}

echo "| run | median ms ($runs runs, alternating) |"
echo "| --- | --- |"
for model in resnet50 vit_l_16 gpt2 meta-llama/Llama-2-7b-hf mistralai/Mixtral-8x7B-v0.1 deepseek-ai/DeepSeek-V3; do
    plain=() memory=() fits=()
    for _ in $(seq "$runs"); do
        plain+=("$(ms ./model-summary "$model" -f json)")
        memory+=("$(ms ./model-summary "$model" -f json --memory)")
        fits+=("$(ms ./model-summary "$model" -f json --fits 80GB)")
    done
    p=$(median "${plain[@]}")
    m=$(median "${memory[@]}")
    f=$(median "${fits[@]}")
    echo "| $model -f json | $p |"
    echo "| $model -f json --memory | $m ($(echo "$m - $p" | bc)) |"
    echo "| $model -f json --fits 80GB | $f ($(echo "$f - $p" | bc)) |"
done
