#!/usr/bin/env bash
# Header-only reading vs loading: model-summary on REAL 1.2 GB files (torchvision vit_l_16's state_dict,
# written here with Debian's python3 + torch 1.13, once with torch.save and once as safetensors by the
# fixtures' spec-following writer) against torch.load of the same .pth, same machine, same run.
# Needs Debian's python3-torch and python3-torchvision (apt-get install -y python3-torchvision).
#
# Usage: bench/bench.sh                    (from anywhere; build the jar first:
#                                           mvn -q -B package -DskipTests)
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

source bench/lib.sh
ensure_time
if [ ! -f "$JAR" ]; then
    echo "missing $JAR: build it first with 'mvn -q -B -o package -DskipTests'" >&2
    exit 1
fi

WORK="$(mktemp -d)"
FILE="$WORK/vit_l_16.pth"
SAFE="$WORK/vit_l_16.safetensors"
if [ "${KEEP:-0}" = 1 ]; then
    trap 'rm -f "$WORK/time" "$WORK/err"; echo "kept $FILE" >&2' EXIT
else
    trap 'rm -rf "$WORK"' EXIT
fi

echo "writing $FILE ..." >&2
"$PY" - "$FILE" "$SAFE" <<'PY'
import sys
import torch
import torchvision
sys.path.insert(0, "tools/fixtures")
from make_safetensors_fixtures import from_torch, serialize
torch.manual_seed(0)
state = torchvision.models.vit_l_16().state_dict()
torch.save(state, sys.argv[1])
with open(sys.argv[2], "wb") as f:
    f.write(serialize(from_torch(state), {"format": "pt"}))
PY
# A 100 GB safetensors file: a real header (2,000 bf16 tensors of 25,000,000 elements, named like an LLM's
# layers) over a sparse data section, so it takes no disk space but has the size a reader sees.
BIG="$WORK/big_100gb.safetensors"
"$PY" - "$BIG" <<'PY'
import json, struct, sys
header, offset = {"__metadata__": {"format": "pt"}}, 0
for layer in range(500):
    for part in ("q_proj", "k_proj", "v_proj", "o_proj"):
        size = 25_000_000 * 2
        header[f"model.layers.{layer}.self_attn.{part}.weight"] = {
            "dtype": "BF16", "shape": [5000, 5000], "data_offsets": [offset, offset + size]}
        offset += size
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text)
    f.truncate(8 + len(text) + offset)
PY
SIZE_BYTES=$(stat -c %s "$FILE")

JAVA_VERSION=$(java -version 2>&1 | head -n 1)
TORCH_VERSION=$("$PY" -c 'import torch; print(torch.__version__)')

echo "## vit_l_16 state dict, $SIZE_BYTES bytes ($(echo "$SIZE_BYTES / 1048576" | bc) MiB)"
echo
echo "$(nproc) CPUs, $JAVA_VERSION, torch $TORCH_VERSION; $N runs each: median wall time, peak RSS over the runs."
echo
echo "| command | median wall time (s) | peak RSS (MiB) |"
echo "| --- | --- | --- |"
# The launcher's JVM flags, without its build check.
JAVA=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss4m -Djava.awt.headless=true -jar "$JAR")
run "\`model-summary vit_l_16.pth --format json\`" "${JAVA[@]}" "$FILE" --format json
run "\`model-summary vit_l_16.safetensors --format json\`" "${JAVA[@]}" "$SAFE" --format json
run "\`model-summary big_100gb.safetensors --format json\` (100 GB, sparse)" "${JAVA[@]}" "$BIG" --format json
run "\`model-summary vit_l_16\` (built-in, Markdown)" "${JAVA[@]}" vit_l_16
run "\`python3 -c \"import torch; torch.load('vit_l_16.pth')\"\`" "$PY" -c "import sys, torch; torch.load(sys.argv[1])" "$FILE"
run "\`python3 -c \"import torch\"\` (import cost alone)" "$PY" -c "import torch"
