#!/usr/bin/env bash
# Header-only reading vs loading: model-summary on REAL 1.2 GB files (torchvision vit_l_16's state_dict,
# written here with Debian's python3 + torch 1.13, once with torch.save and once as safetensors by the
# fixtures' spec-following writer) against torch.load of the same .pth, same machine, same run.
# Needs Debian's python3-torch and python3-torchvision (apt-get install -y python3-torchvision).
#
# Usage: bench/bench.sh                    (from anywhere; runs the launcher, which builds the jar and its
#                                           class-data archive first if they are missing)
# Env:   N=5                               runs per command (median wall time, peak RSS over the runs)
#        KEEP=1                            keep the 1.2 GB file and print where it is
# Prints a Markdown table on stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${N:-5}"
PY=/usr/bin/python3   # Debian's python with torch; the python3 first on PATH may not have it
TIME=/usr/bin/time

source bench/lib.sh
ensure_time
./model-summary --version > /dev/null   # builds the jar and the archive now, not in the first timed run

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

if [ -f target/model-summary.aot ]; then   # the launcher found a JDK 25+ and made its AOT cache
    JAVA_VERSION="the launcher on a JDK 25+ with its AOT cache"
else
    JAVA_VERSION="the launcher on $(java -version 2>&1 | head -n 1) with its CDS archive"
fi
TORCH_VERSION=$("$PY" -c 'import torch; print(torch.__version__)')

echo "## vit_l_16 state dict, $SIZE_BYTES bytes ($(echo "$SIZE_BYTES / 1048576" | bc) MiB)"
echo
echo "$(nproc) CPUs, $JAVA_VERSION, torch $TORCH_VERSION; $N runs each: median wall time, peak RSS over the runs."
echo
echo "| command | median wall time (s) | peak RSS (MiB) |"
echo "| --- | --- | --- |"
# Through the launcher, as a user runs it: its JVM flags, its class-data archive and its build check.
MS=(./model-summary)
"${MS[@]}" "$FILE" > /dev/null   # one untimed run: the file's first pages into the page cache, as for torch.load
run "\`model-summary vit_l_16.pth\` (the seed page, Markdown)" "${MS[@]}" "$FILE"
MS_PTH=$LAST_MEDIAN
run "\`model-summary vit_l_16.pth --format json\`" "${MS[@]}" "$FILE" --format json
run "\`model-summary vit_l_16.safetensors --format json\`" "${MS[@]}" "$SAFE" --format json
run "\`model-summary big_100gb.safetensors --format json\` (100 GB, sparse)" "${MS[@]}" "$BIG" --format json
run "\`model-summary vit_l_16\` (built-in, Markdown)" "${MS[@]}" vit_l_16
run "\`python3 -c \"import torch; torch.load('vit_l_16.pth')\"\`" "$PY" -c "import sys, torch; torch.load(sys.argv[1])" "$FILE"
TORCH_LOAD=$LAST_MEDIAN
run "\`python3 -c \"import torch\"\` (import cost alone)" "$PY" -c "import torch"
echo
echo "The seed page from the .pth is $(echo "scale=1; $TORCH_LOAD / $MS_PTH" | bc -l)x as fast as torch.load of it."
