#!/usr/bin/env bash
# Start-up: how long one summary takes end to end, on the JDK 17 on PATH without and with the launcher's
# class-data-sharing archive (target/model-summary.jsa), and through the launcher (which picks a JDK 25 and its
# AOT cache when one is installed, else the same JDK 17 and archive), for the common kinds of run: a built-in
# page (vit_l_16), a PyTorch .pth and a safetensors file (the committed fixtures: header-only reading makes
# their size moot), a Hugging Face page and two commands parsed by picocli.
# `java -version` is the floor: a JVM that loads none of our classes.
#
# Usage: bench/bench_startup.sh            (from anywhere; builds the jar and the archive through the launcher)
# Env:   N=10                              runs per command (median wall time, peak RSS over the runs)
# Prints a Markdown table on stdout (wall time, CPU time, peak RSS); progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${N:-10}"
TIME=/usr/bin/time
JAR=target/model-summary.jar
JSA=target/model-summary.jsa
PTH=src/test/resources/fixtures/pytorch/vit_l_16.pth
SAFE=src/test/resources/fixtures/safetensors/tiny_model.safetensors

source bench/lib.sh
ensure_time
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

./model-summary --version > /dev/null   # builds the jar and the launcher's cache if missing or stale
MODEL_SUMMARY_JAVA=java ./model-summary --version > /dev/null   # and the JDK 17 archive
if [ ! -f "$JSA" ]; then
    echo "the launcher made no $JSA (is target/ writable?)" >&2
    exit 1
fi

# run LABEL CMD...: like lib.sh's run, plus the median CPU time (user + sys): on a shared machine the wall
# time also holds the time spent waiting for a core, the CPU time is the work itself
run() {
    local label="$1"
    shift
    local times=() cpus=() rss=()
    for i in $(seq "$N"); do
        echo "  $label: run $i/$N" >&2
        if ! "$TIME" -f '%e %U %S %M' -o "$WORK/time" "$@" > /dev/null 2> "$WORK/err"; then
            echo "failed: $*" >&2
            cat "$WORK/err" "$WORK/time" >&2
            exit 1
        fi
        read -r seconds user sys kib < <(tail -n 1 "$WORK/time")
        times+=("$seconds")
        cpus+=("$(echo "$user + $sys" | bc -l)")
        rss+=("$kib")
    done
    printf '| %s | %s | %s | %.0f |\n' "$label" "$(median "${times[@]}")" "$(median "${cpus[@]}")" \
        "$(echo "$(maximum "${rss[@]}") / 1024" | bc -l)"
}

# the launcher's own JVM options, read from it (its line `jvm=(...)`), so that the two never differ
eval "$(grep -m 1 '^jvm=(' model-summary)"
JVM=(java "${jvm[@]}")
NO_CDS=("${JVM[@]}" -jar "$JAR")
CDS=("${JVM[@]}" -XX:SharedArchiveFile="$JSA" -Xshare:auto -jar "$JAR")

echo "$(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg) at the start, $(java -version 2>&1 | head -n 1)"
if [ -f target/model-summary.aot ]; then
    echo "The launcher runs a JDK 25+ with its AOT cache (target/model-summary.aot)."
else
    echo "The launcher runs the java on PATH with its CDS archive (no JDK 25 found)."
fi
echo
echo "| Command (median of $N runs) | Wall time (s) | CPU time (s) | Peak RSS (MiB) |"
echo "|---|---:|---:|---:|"
run "java -version (the floor)" "${JVM[@]}" -version
run "--version, ./model-summary" ./model-summary --version
for target in vit_l_16 "$PTH" "$SAFE"; do
    label="$(basename "$target")"
    run "$label, no archive" "${NO_CDS[@]}" "$target"
    run "$label, archive" "${CDS[@]}" "$target"
    run "$label, ./model-summary" ./model-summary "$target"
    run "$label, ./model-summary on the java on PATH" env MODEL_SUMMARY_JAVA=java ./model-summary "$target"
done
# a Hugging Face page, and commands that go through picocli's parser (every option but -f and --summary)
run "gpt2, ./model-summary" ./model-summary gpt2
run "gpt2 --memory -f text, ./model-summary" ./model-summary gpt2 --memory -f text
run "resnet50 --compute -f json, ./model-summary" ./model-summary resnet50 --compute -f json
run "gpt2 --memory -f text, ./model-summary on the java on PATH" env MODEL_SUMMARY_JAVA=java ./model-summary gpt2 \
    --memory -f text
