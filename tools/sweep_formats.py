"""Cross-check the readers on real files the project does not hold: write torchvision models as torch.save state
dicts (ZIP and legacy), whole pickled modules, TorchScript archives, .npz archives and ONNX exports with the real libraries, read each
with model-summary --format json, and compare names, shapes and dtypes with what the library lists.

Usage: /usr/bin/python3 tools/sweep_formats.py target/model-summary.jar [builder ...]
(files go to a temporary folder and are deleted one by one; needs torch, torchvision, onnx, numpy)"""
import json, os, subprocess, sys, tempfile, warnings
import numpy as np, torch, torchvision, onnx
warnings.filterwarnings("ignore")
JAR = sys.argv[1]
NAMES = sys.argv[2:] or ["squeezenet1_1", "mobilenet_v3_small", "resnet18", "densenet121", "efficientnet_b0",
         "regnet_y_400mf", "shufflenet_v2_x0_5", "mnasnet0_5", "googlenet", "vit_b_32", "swin_t", "convnext_tiny",
         "maxvit_t", "r3d_18", "raft_small"]
OUT = tempfile.mkdtemp(prefix="sweep")

def tool(path, *extra):
    p = subprocess.run(["java", "-jar", JAR, path, "-f", "json", *extra], capture_output=True, text=True)
    if p.returncode not in (0, 4):
        return None, p.stderr.strip()
    return json.loads(p.stdout), p.stderr.strip()

def compare(label, got, expected):
    if got is None:
        print(f"FAIL {label}: {expected}"); return False
    g = [(t["name"], tuple(t["shape"]), t["dtype"]) for t in got["tensors"]]
    if g != expected:
        gs, es = set(g), set(expected)
        print(f"FAIL {label}: {len(g)} vs {len(expected)}; missing {list(es - gs)[:3]} extra {list(gs - es)[:3]}"
              + (" (order differs)" if gs == es else ""))
        return False
    print(f"ok   {label}: {len(g)} tensors"); return True

def dt(t): return str(t.dtype).replace("torch.", "")
for name in NAMES:
    m = torchvision.models.get_model(name, weights=None).eval()
    sd = m.state_dict()
    exp = [(k, tuple(v.shape), dt(v)) for k, v in sd.items()]
    f = os.path.join(OUT, name + ".pth"); torch.save(sd, f)
    got, err = tool(f); compare(name + " zip", got, exp); os.remove(f)
    f = os.path.join(OUT, name + "_legacy.pth"); torch.save(sd, f, _use_new_zipfile_serialization=False)
    got, err = tool(f); compare(name + " legacy", got, exp); os.remove(f)
    f = os.path.join(OUT, name + "_whole.pth"); torch.save(m, f)
    got, err = tool(f); compare(name + " whole", got, exp)
    if got: print("     pickle:", got.get("pickle") and {k: got["pickle"][k] for k in ("unknown", "dangerous")})
    os.remove(f)
    f = os.path.join(OUT, name + "_scripted.pt")
    try:
        torch.jit.save(torch.jit.script(m), f)
        got, err = tool(f); compare(name + " torchscript", got, exp); os.remove(f)
    except Exception as e:
        print("skip torchscript", name, type(e).__name__)
    f = os.path.join(OUT, name + ".npz"); np.savez(f, **{k: v.numpy() for k, v in sd.items()})
    got, err = tool(f); compare(name + " npz", got, [(k, s, d) for k, s, d in exp]); os.remove(f)
    if name in ("raft_small", "maxvit_t", "swin_t"):
        continue
    f = os.path.join(OUT, name + ".onnx")
    size = (1, 3, 16, 112, 112) if name == "r3d_18" else (1, 3, 224, 224)
    try:
        torch.onnx.export(m, torch.zeros(size), f, opset_version=13, do_constant_folding=False)
    except Exception as e:
        print("skip onnx", name, type(e).__name__); continue
    g = onnx.load(f, load_external_data=False).graph
    exp_o = [(i.name, tuple(i.dims), onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[i.data_type].name) for i in g.initializer]
    got, err = tool(f)
    if got:
        got["tensors"] = [t for t in got["tensors"] if t["name"] in {n for n, _, _ in exp_o}]
    compare(name + " onnx (initializers)", got, exp_o); os.remove(f)
