#!/usr/bin/env bash
# Start-up: how long one summary takes end to end, with and without the launcher's class-data-sharing
# archive (target/model-summary.jsa), for the three common kinds of run: a built-in page (vit_l_16), a
# PyTorch .pth and a safetensors file (the committed fixtures: header-only reading makes their size moot).
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

./model-summary --version > /dev/null   # builds the jar and the archive if they are missing or stale
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
done
# a Hugging Face page, and commands that go through picocli's parser (every option but -f and --summary)
run "gpt2, ./model-summary" ./model-summary gpt2
run "gpt2 --memory -f text, ./model-summary" ./model-summary gpt2 --memory -f text
run "resnet50 --compute -f json, ./model-summary" ./model-summary resnet50 --compute -f json

# JDK 25's AOT cache (JEP 483/514/515), when a JDK 25 is installed (JAVA25=/path/to/java, else Temurin's usual
# place): trained on the same CdsTraining run, then the .pth page with it, for the comparison the launcher's
# choice of JDK 17 with a static CDS archive rests on.
JAVA25="${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
if [ -x "$JAVA25" ]; then
    "$JAVA25" "${jvm[@]}" -XX:AOTCacheOutput="$WORK/app.aot" -cp "$JAR" dev.modelsummary.cli.CdsTraining \
        > /dev/null 2>&1
    run "$(basename "$PTH"), JDK 25 AOT cache" "$JAVA25" "${jvm[@]}" -XX:AOTCache="$WORK/app.aot" -jar "$JAR" "$PTH"
fi
