#!/usr/bin/env bash
# Header-only reading vs loading: model-summary on a REAL 1.2 GB torch.save file
# (torchvision vit_l_16 state_dict, written here with Debian's python3 + torch 1.13)
# against torch.load of the same file, same machine, same run.
#
# Usage: bench/bench_pytorch.sh            (from anywhere; build the jar first:
#                                           mvn -q -B -o package -DskipTests)
# Env:   N=5                               runs per command (median wall time, peak RSS over the runs)
#        JAR=target/model-summary.jar      the CLI jar
#        KEEP=1                            keep the 1.2 GB file and print where it is
# Prints a Markdown table on stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${N:-5}"
JAR="${JAR:-target/model-summary.jar}"
PY=/usr/bin/python3   # Debian's python with torch; the python3 first on PATH may not have it
TIME=/usr/bin/time

if [ ! -x "$TIME" ]; then
    echo "installing GNU time (apt-get install time)" >&2
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y -q time >&2; else sudo apt-get install -y -q time >&2; fi
fi
if [ ! -f "$JAR" ]; then
    echo "missing $JAR: build it first with 'mvn -q -B -o package -DskipTests'" >&2
    exit 1
fi

WORK="$(mktemp -d)"
FILE="$WORK/vit_l_16.pth"
if [ "${KEEP:-0}" = 1 ]; then
    trap 'rm -f "$WORK/time" "$WORK/err"; echo "kept $FILE" >&2' EXIT
else
    trap 'rm -rf "$WORK"' EXIT
fi

echo "writing $FILE ..." >&2
"$PY" - "$FILE" <<'PY'
import sys
import torch
import torchvision
torch.manual_seed(0)
torch.save(torchvision.models.vit_l_16().state_dict(), sys.argv[1])
PY
SIZE_BYTES=$(stat -c %s "$FILE")

median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

maximum() {
    printf '%s\n' "$@" | sort -g | tail -n 1
}

# run LABEL CMD...: N timed runs; prints a table row with the median wall time and the peak RSS
run() {
    local label="$1"
    shift
    local times=() rss=()
    for i in $(seq "$N"); do
        echo "  $label: run $i/$N" >&2
        if ! "$TIME" -f '%e %M' -o "$WORK/time" "$@" > /dev/null 2> "$WORK/err"; then
            echo "failed: $*" >&2
            cat "$WORK/err" "$WORK/time" >&2
            exit 1
        fi
        read -r seconds kib < <(tail -n 1 "$WORK/time")
        times+=("$seconds")
        rss+=("$kib")
    done
    local t m
    t=$(median "${times[@]}")
    m=$(maximum "${rss[@]}")
    printf '| %s | %s | %.0f |\n' "$label" "$t" "$(echo "$m / 1024" | bc -l)"
}

JAVA_VERSION=$(java -version 2>&1 | head -n 1)
TORCH_VERSION=$("$PY" -c 'import torch; print(torch.__version__)')

echo "## vit_l_16 state dict, $SIZE_BYTES bytes ($(echo "$SIZE_BYTES / 1048576" | bc) MiB)"
echo
echo "$(nproc) CPUs, $JAVA_VERSION, torch $TORCH_VERSION; $N runs each: median wall time, peak RSS over the runs."
echo
echo "| command | median wall time (s) | peak RSS (MiB) |"
echo "| --- | --- | --- |"
run "\`java -jar $JAR vit_l_16.pth --format json\`" java -jar "$JAR" "$FILE" --format json
run "\`python3 -c \"import torch; torch.load('vit_l_16.pth')\"\`" "$PY" -c "import sys, torch; torch.load(sys.argv[1])" "$FILE"
run "\`python3 -c \"import torch\"\` (import cost alone)" "$PY" -c "import torch"
