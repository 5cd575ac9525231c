#!/usr/bin/env bash
# The whole torchvision zoo: model-summary --all (pages and charts, pages alone, JSON) against the Python
# original's way, instantiating every model in PyTorch, same machine, same run.
# Needs Debian's python3-torchvision for the Python side (apt-get install -y python3-torchvision).
#
# Usage: bench/bench_zoo.sh                (build the jar first: mvn -q -B package -DskipTests)
# Env:   N=5                               runs per model-summary command (median wall time, peak RSS)
#        PY_RUNS=1                         runs of the Python side (all 118 models take minutes)
#        JAR=target/model-summary.jar      the CLI jar
# Prints a Markdown table on stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${N:-5}"
PY_RUNS="${PY_RUNS:-1}"
JAR="${JAR:-target/model-summary.jar}"
PY=/usr/bin/python3   # Debian's python with torch; the python3 first on PATH may not have it
TIME=/usr/bin/time
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
source bench/lib.sh
ensure_time
if [ ! -f "$JAR" ]; then
    echo "missing $JAR: build it first with 'mvn -q -B -o package -DskipTests'" >&2
    exit 1
fi

# The launcher's JVM flags, without its build check. Each run writes into a fresh folder.
JAVA=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss4m -Djava.awt.headless=true -jar "$JAR")
fresh() { local d; d=$(mktemp -d -p "$WORK"); echo "$d"; }
all_md() { "${JAVA[@]}" --all --out "$(fresh)"; }
all_pages() { "${JAVA[@]}" --all --no-chart --out "$(fresh)"; }
all_json() { "${JAVA[@]}" --all --format json --out "$(fresh)"; }
export -f fresh all_md all_pages all_json
export WORK JAR
COUNT=$("${JAVA[@]}" --list | tail -n 1 | awk '{ print $1 }')

JAVA_VERSION=$(java -version 2>&1 | head -n 1)
TORCH_VERSION=$("$PY" -c 'import torch, torchvision; print(torch.__version__, "/ torchvision", torchvision.__version__)')
echo "$(nproc) CPUs, $JAVA_VERSION, torch $TORCH_VERSION; $N runs each for model-summary, $PY_RUNS for Python:"
echo "median wall time, peak RSS over the runs."
echo
echo "| command | median wall time (s) | peak RSS (MiB) |"
echo "| --- | --- | --- |"
run "\`model-summary --all --out DIR\` ($COUNT pages + charts)" bash -c all_md
run "\`model-summary --all --no-chart --out DIR\` ($COUNT pages)" bash -c all_pages
run "\`model-summary --all --format json --out DIR\` ($COUNT JSON reports)" bash -c all_json
run "\`model-summary vit_l_16\` (one page)" "${JAVA[@]}" vit_l_16
N="$PY_RUNS"
run "Python: build each of the 118 torchvision models, list its parameters" "$PY" -c '
import torch, torchvision
from torchvision import models
for name in models.list_models():
    kw = {"quantize": False} if name.startswith("quantized_") else {}
    m = models.get_model(name, weights=None, **kw)
    [(n, tuple(p.shape)) for n, p in m.named_parameters()]
    del m
'
run "Python: \`torchvision.models.vit_l_16()\` alone" "$PY" -c '
import torchvision
m = torchvision.models.vit_l_16()
[(n, tuple(p.shape)) for n, p in m.named_parameters()]
'
