#!/usr/bin/env bash
# The memory benchmark of the README ("Memory: speed"): the launcher with and without --memory (the table adds
# one forward pass on shapes for the activations, and accelerate's walk), and with --fits (its searches).
# usage: bench/memory_bench.sh [RUNS]   (from the project root; builds the jar first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
./model-summary resnet50 >/dev/null 2>&1 # builds the jar (and the AOT cache) once

# shellcheck source=lib.sh
. bench/lib.sh

echo "| run | median ms ($runs runs) |"
echo "| --- | --- |"
for model in resnet50 gpt2 meta-llama/Llama-2-7b-hf mistralai/Mixtral-8x7B-v0.1 deepseek-ai/DeepSeek-V3; do
    plain=$(median_ms ./model-summary "$model" -f json)
    memory=$(median_ms ./model-summary "$model" -f json --memory)
    fits=$(median_ms ./model-summary "$model" -f json --fits 80GB)
    echo "| $model -f json | $plain |"
    printf "| %s -f json --memory | %s (%+d) |\n" "$model" "$memory" "$((memory - plain))"
    printf "| %s -f json --fits 80GB | %s (%+d) |\n" "$model" "$fits" "$((fits - plain))"
done
