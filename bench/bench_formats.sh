#!/usr/bin/env bash
# Every other format, header-only, against the library that loads it: torchvision vit_l_16 (304M parameters)
# written here with Debian's python3 + torch 1.13 as a TorchScript archive, an ONNX export, a NumPy .npz,
# a training checkpoint (state dict + SGD momentum: 2.4 GB, of which the model is half) and a raw pickle
# of NumPy arrays (Detectron style), then model-summary on each against torch.jit.load / onnx.load /
# np.load / torch.load / pickle.load of the same file, same machine, same run.
# Needs Debian's python3-torch, python3-torchvision, python3-onnx and python3-numpy.
#
# Usage: bench/bench_formats.sh             (build the jar first: mvn -q -B package -DskipTests)
# Env:   N=3                                runs per command (median wall time, peak RSS over the runs)
#        JAR=target/model-summary.jar       the CLI jar
# Prints a Markdown table on stdout; progress goes to stderr. Needs about 8 GB of free disk for a while.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${N:-3}"
JAR="${JAR:-target/model-summary.jar}"
PY=/usr/bin/python3
TIME=/usr/bin/time

source bench/lib.sh
ensure_time
if [ ! -f "$JAR" ]; then
    echo "missing $JAR: build it first with 'mvn -q -B -o package -DskipTests'" >&2
    exit 1
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "writing vit_l_16 in five forms under $WORK ..." >&2
"$PY" - "$WORK" <<'PY'
import os, pickle, sys, warnings
import numpy as np, torch, torchvision
warnings.filterwarnings("ignore")
out = sys.argv[1]
torch.manual_seed(0)
model = torchvision.models.vit_l_16().eval()
state = model.state_dict()
torch.jit.save(torch.jit.script(model), os.path.join(out, "vit_l_16_scripted.pt"))
torch.onnx.export(model, torch.zeros(1, 3, 224, 224), os.path.join(out, "vit_l_16.onnx"), opset_version=13)
arrays = {k: v.numpy() for k, v in state.items()}
np.savez(os.path.join(out, "vit_l_16.npz"), **arrays)
with open(os.path.join(out, "vit_l_16.pkl"), "wb") as f:
    pickle.dump({"model": arrays, "__author__": "bench"}, f, protocol=4)
sgd = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
model.train()
model(torch.zeros(1, 3, 224, 224)).sum().backward()
sgd.step()
torch.save({"epoch": 1, "arch": "vit_l_16", "state_dict": model.state_dict(), "optimizer": sgd.state_dict()},
           os.path.join(out, "vit_l_16_training.pth"))
PY

size() { echo "$(( $(stat -c %s "$1") / 1048576 )) MiB"; }
echo "$(nproc) CPUs, $(java -version 2>&1 | head -n 1), torch $("$PY" -c 'import torch; print(torch.__version__)'); $N runs each: median wall time, peak RSS over the runs."
echo
echo "| command | file | median wall time (s) | peak RSS (MiB) |"
echo "| --- | --- | --- | --- |"
JAVA=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss4m -Djava.awt.headless=true -jar "$JAR")
row() {  # row FILE LABEL CMD...: the run() row with the file's size in a column
    local file="$1" label="$2"
    shift 2
    run "$label" "$@" | sed "s/^| \(.*\) | \([0-9.]*\) | \([0-9]*\) |$/| \1 | $(size "$file") | \2 | \3 |/"
}
F="$WORK/vit_l_16_scripted.pt"
row "$F" "\`model-summary vit_l_16_scripted.pt\` (TorchScript)" "${JAVA[@]}" "$F" --format json
row "$F" "\`torch.jit.load\`" "$PY" -c "import sys, torch; torch.jit.load(sys.argv[1])" "$F"
F="$WORK/vit_l_16.onnx"
row "$F" "\`model-summary vit_l_16.onnx\`" "${JAVA[@]}" "$F" --format json
row "$F" "\`onnx.load\`" "$PY" -c "import sys, onnx; onnx.load(sys.argv[1])" "$F"
F="$WORK/vit_l_16.npz"
row "$F" "\`model-summary vit_l_16.npz\`" "${JAVA[@]}" "$F" --format json
row "$F" "\`np.load\` (every array)" "$PY" -c "import sys, numpy as np; z = np.load(sys.argv[1]); [z[k] for k in z.files]" "$F"
F="$WORK/vit_l_16_training.pth"
row "$F" "\`model-summary vit_l_16_training.pth\` (checkpoint)" "${JAVA[@]}" "$F" --format json
row "$F" "\`torch.load\`" "$PY" -c "import sys, torch; torch.load(sys.argv[1])" "$F"
F="$WORK/vit_l_16.pkl"
row "$F" "\`model-summary vit_l_16.pkl\` (raw pickle, streamed)" "${JAVA[@]}" "$F" --format json
row "$F" "\`pickle.load\`" "$PY" -c "import sys, pickle; pickle.load(open(sys.argv[1], 'rb'))" "$F"
