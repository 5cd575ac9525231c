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

# The launcher's JVM flags, without its build check.
JAVA=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss4m -Djava.awt.headless=true -jar "$JAR")
# model-summary ARGS --out FRESH_DIR: each timed run writes into a folder of its own.
ALL="$WORK/all_into_fresh_dir"
cat > "$ALL" <<SH
#!/usr/bin/env bash
exec ${JAVA[*]} "\$@" --out "\$(mktemp -d -p "$WORK")"
SH
chmod +x "$ALL"
COUNT=$("${JAVA[@]}" --list | tail -n 1 | awk '{ print $1 }')

JAVA_VERSION=$(java -version 2>&1 | head -n 1)
TORCH_VERSION=$("$PY" -c 'import torch, torchvision; print(torch.__version__, "/ torchvision", torchvision.__version__)')
echo "$(nproc) CPUs, $JAVA_VERSION, torch $TORCH_VERSION; $N runs each for model-summary, $PY_RUNS for Python:"
echo "median wall time, peak RSS over the runs."
echo
echo "| command | median wall time (s) | peak RSS (MiB) |"
echo "| --- | --- | --- |"
run "\`model-summary --all --out DIR\` ($COUNT pages + charts)" "$ALL" --all
run "\`model-summary --all --no-chart --out DIR\` ($COUNT pages)" "$ALL" --all --no-chart
run "\`model-summary --all --format json --out DIR\` ($COUNT JSON reports)" "$ALL" --all --format json
run "\`model-summary vit_l_16\` (one page)" "${JAVA[@]}" vit_l_16
N="$PY_RUNS"
run "Python: build each of the 118 torchvision models, list its parameters" "$PY" -c '
import inspect, torch, torchvision
from torchvision import models
for name in models.list_models():
    fn = models.get_model_builder(name)
    kw = {"quantize": False} if name.startswith("quantized_") else {}
    if "weights_backbone" in inspect.signature(fn).parameters:
        kw["weights_backbone"] = None  # as the catalog builds them; the default would download weights
    m = fn(weights=None, **kw)
    [(n, tuple(p.shape)) for n, p in m.named_parameters()]
    del m
'
run "Python: \`torchvision.models.vit_l_16()\` alone" "$PY" -c '
import torchvision
m = torchvision.models.vit_l_16()
[(n, tuple(p.shape)) for n, p in m.named_parameters()]
'
