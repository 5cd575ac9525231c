#!/usr/bin/env bash
# model-summary against the Python tools, side by side in one run on this machine: wall time (median of N
# runs) and peak RSS of both sides, and their ratios. Writes its files with Debian's python3-torch 1.13,
# python3-torchvision, python3-onnx and python3-numpy:
#   1. the seed page from torchvision vit_l_16's state_dict (1.2 GB .pth)  vs  torch.load + a parameter walk
#   2. a sparse 100 GB safetensors file (real header)                      vs  Python reading its header
#   3. every built-in model (--all --no-chart)                             vs  building each torchvision model
#   4. vit_l_16 exported to ONNX (1.2 GB)                                  vs  onnx.load(load_external_data=False)
#   5. the 1.2 GB .pth over HTTP from a loopback range server              vs  Python fetching the same bytes
# Usage: bench/bench_compare.sh   (uses ./model-summary, the launcher users run: its CDS archive included)
# Env:   N=5 (runs per command), PY_RUNS=1 (runs of the slow Python zoo build)
# Prints a Markdown table on stdout; progress on stderr. Needs about 3 GB of free disk for a while.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-5}"
PY_RUNS="${PY_RUNS:-1}"
PY=/usr/bin/python3
TIME=/usr/bin/time
source bench/lib.sh
ensure_time
WORK="$(mktemp -d)"
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
./model-summary vit_l_16 > /dev/null   # builds the jar (and its CDS archive) if needed, outside the timings

echo "writing vit_l_16 as .pth and .onnx, and a sparse 100 GB safetensors, under $WORK ..." >&2
"$PY" - "$WORK" <<'PY'
import json, os, struct, sys, warnings
import torch, torchvision
warnings.filterwarnings("ignore")
out = sys.argv[1]
torch.manual_seed(0)
model = torchvision.models.vit_l_16().eval()
torch.save(model.state_dict(), os.path.join(out, "vit_l_16.pth"))
torch.onnx.export(model, torch.zeros(1, 3, 224, 224), os.path.join(out, "vit_l_16.onnx"), opset_version=13)
header, offset = {"__metadata__": {"format": "pt"}}, 0
for layer in range(500):
    for part in ("q_proj", "k_proj", "v_proj", "o_proj"):
        size = 25_000_000 * 2
        header[f"model.layers.{layer}.self_attn.{part}.weight"] = {
            "dtype": "BF16", "shape": [5000, 5000], "data_offsets": [offset, offset + size]}
        offset += size
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open(os.path.join(out, "big_100gb.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text)
    f.truncate(8 + len(text) + offset)
PY

# A loopback HTTP server that honours Range (python's http.server does not), counting requests and bytes.
cat > "$WORK/range_server.py" <<'PY'
import http.server, os, re, sys
root, log = sys.argv[1], sys.argv[2]
class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def do_GET(self):
        path = os.path.join(root, self.path.lstrip("/"))
        if not os.path.isfile(path):
            self.send_error(404); return
        size = os.path.getsize(path)
        m = re.match(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        start = int(m.group(1)) if m else 0
        end = min(int(m.group(2)) if m and m.group(2) else size - 1, size - 1)
        with open(path, "rb") as f:
            f.seek(start); body = f.read(end - start + 1)
        self.send_response(206 if m else 200)
        if m:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with open(log, "a") as f:
            f.write(f"{len(body)}\n")
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
"$PY" "$WORK/range_server.py" "$WORK" "$WORK/requests.log" > "$WORK/port" &
SERVER_PID=$!
for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$WORK/port")/vit_l_16.pth"

# measure LABEL CMD...: N runs; sets MEDIAN (s) and PEAK (MiB)
measure() {
    local runs="$1"; shift
    local times=() rss=()
    for i in $(seq "$runs"); do
        "$TIME" -f '%e %M' -o "$WORK/time" "$@" > /dev/null 2> "$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
        read -r seconds kib < <(tail -n 1 "$WORK/time")
        times+=("$seconds"); rss+=("$kib")
    done
    MEDIAN=$(median "${times[@]}")
    PEAK=$(echo "$(maximum "${rss[@]}") / 1024" | bc)
}
# row WHAT [ours...] -- [python...]: one table row with both sides and the ratios
row() {
    local what="$1" runs_py="$2"; shift 2
    local ours=() theirs=() seen=0
    for a in "$@"; do
        if [ "$a" = "--" ]; then seen=1; elif [ "$seen" = 0 ]; then ours+=("$a"); else theirs+=("$a"); fi
    done
    echo "  $what" >&2
    measure "$N" "${ours[@]}"; local t1="$MEDIAN" m1="$PEAK"
    measure "$runs_py" "${theirs[@]}"; local t2="$MEDIAN" m2="$PEAK"
    printf '| %s | %s s, %s MiB | %s s, %s MiB | %.1fx | %.1fx |\n' "$what" "$t1" "$m1" "$t2" "$m2" \
        "$(echo "$t2 / $t1" | bc -l)" "$(echo "$m2 / $m1" | bc -l)"
}
MS=(./model-summary)
echo "$(nproc) CPUs, $(java -version 2>&1 | head -n 1), $("$PY" -c 'import torch, onnx; print("torch", torch.__version__, "/ onnx", onnx.__version__)'); median of $N runs ($PY_RUNS for the Python zoo), peak RSS over the runs."
echo
echo "| task | model-summary | Python | time ratio | memory ratio |"
echo "| --- | --- | --- | --- | --- |"
row "seed page of vit_l_16 from its 1.2 GB \`.pth\`" "$N" "${MS[@]}" "$WORK/vit_l_16.pth" -- \
    "$PY" -c "import sys, torch; sd = torch.load(sys.argv[1]); [(k, tuple(v.shape)) for k, v in sd.items()]" "$WORK/vit_l_16.pth"
row "100 GB safetensors (sparse), header only" "$N" "${MS[@]}" "$WORK/big_100gb.safetensors" -f json -- \
    "$PY" -c "import json, struct, sys; f = open(sys.argv[1], 'rb'); n = struct.unpack('<Q', f.read(8))[0]; json.loads(f.read(n))" "$WORK/big_100gb.safetensors"
row "every built-in (\`--all --no-chart\`) vs each torchvision model built" "$PY_RUNS" \
    bash -c './model-summary --all --no-chart --out "$(mktemp -d -p "$1")"' _ "$WORK" -- \
    "$PY" -c '
import inspect, torchvision
from torchvision import models
for name in models.list_models():
    fn = models.get_model_builder(name)
    kw = {"quantize": False} if name.startswith("quantized_") else {}
    if "weights_backbone" in inspect.signature(fn).parameters:
        kw["weights_backbone"] = None
    m = fn(weights=None, **kw)
    [(n, tuple(p.shape)) for n, p in m.named_parameters()]
'
row "vit_l_16 ONNX export (1.2 GB)" "$N" "${MS[@]}" "$WORK/vit_l_16.onnx" -f json -- \
    "$PY" -c "import sys, onnx; onnx.load(sys.argv[1], load_external_data=False)" "$WORK/vit_l_16.onnx"
: > "$WORK/requests.log"
"${MS[@]}" "$URL" -f json > /dev/null
REQUESTS=$(wc -l < "$WORK/requests.log")
BYTES=$(awk '{ s += $1 } END { print s + 0 }' "$WORK/requests.log")
row "the 1.2 GB \`.pth\` over HTTP (loopback range server)" "$N" "${MS[@]}" "$URL" -f json -- \
    "$PY" -c "import sys, torch, urllib.request, io; torch.load(io.BytesIO(urllib.request.urlopen(sys.argv[1]).read()))" "$URL"
echo
echo "Over HTTP one model-summary run made $REQUESTS range requests and fetched $BYTES bytes of the"\
" $(stat -c %s "$WORK/vit_l_16.pth")-byte file; the Python side downloads all of it."
