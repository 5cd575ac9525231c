#!/usr/bin/env bash
# The compute benchmark of docs/benchmarks.md ("Compute"): the launcher with and without --compute, --all
# --compute, and PyTorch's own answer side by side (bench/compute_python.py, Debian's /usr/bin/python3).
# usage: bench/compute_bench.sh [RUNS]   (from the project root; builds the jar first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
./model-summary resnet50 >/dev/null 2>&1 # builds the jar (and the AOT cache) once

# shellcheck source=lib.sh
. bench/lib.sh

echo "| run | median ms ($runs runs) |"
echo "| --- | --- |"
for model in resnet50 vit_l_16 meta-llama/Llama-2-7b-hf; do
    plain=$(median_ms ./model-summary "$model" -f json)
    computed=$(median_ms ./model-summary "$model" -f json --compute)
    echo "| $model -f json | $plain |"
    printf "| %s -f json --compute | %s (%+d) |\n" "$model" "$computed" "$((computed - plain))"
done
out=$(mktemp -d)
all=$(runs=3 median_ms ./model-summary --all --compute -f json --out "$out/all")
rm -rf "$out"
echo "| --all --compute -f json --out DIR | $all |"

if /usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null; then
    echo
    echo "PyTorch side by side (one process per model: import, build, one forward with hooks and a FLOP counter):"
    for model in resnet50 vit_l_16; do
        start=$(date +%s%N)
        /usr/bin/python3 bench/compute_python.py "$model"
        end=$(date +%s%N)
        ours=$(./model-summary "$model" -f json --compute | python3 -c 'import json,sys; print(json.load(sys.stdin)["compute"]["flops"])')
        echo "  python wall $(( (end - start) / 1000000 )) ms; model-summary flops $ours"
    done
fi
