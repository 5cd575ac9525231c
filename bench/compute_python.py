"""What PyTorch itself takes to answer "what does it cost": build the model, run one forward pass with forward
hooks on every module and a FLOP counter, print the totals and the wall time of each step as JSON.

torch 2.x: torch.utils.flop_counter.FlopCounterMode on the meta device. torch 1.13 (Debian's) has no
FlopCounterMode: a TorchDispatchMode counting the same ops by the same rules (2 per multiply-add in mm, addmm,
bmm, baddbmm and convolution) stands in for it, on CPU with zeros (1.13's meta device lacks some kernels).

usage: /usr/bin/python3 bench/compute_python.py resnet50 [vit_l_16 ...]
"""
import json
import sys
import time

t0 = time.perf_counter()
import torch  # noqa: E402
import torchvision  # noqa: E402

IMPORT_S = time.perf_counter() - t0


def counter():
    try:
        from torch.utils.flop_counter import FlopCounterMode
        return "FlopCounterMode", FlopCounterMode(display=False), "meta"
    except ImportError:
        pass
    from torch.utils._python_dispatch import TorchDispatchMode
    aten = torch.ops.aten

    def prod(xs):
        n = 1
        for x in xs:
            n *= x
        return n

    class Count(TorchDispatchMode):
        total = 0

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            p = func.overloadpacket
            if p in (aten.mm, aten.bmm):
                a, b = args[0].shape, args[1].shape
                Count.total += 2 * prod(a) * b[-1]
            elif p in (aten.addmm, aten.baddbmm):
                a, b = args[1].shape, args[2].shape
                Count.total += 2 * prod(a) * b[-1]
            elif p == aten.convolution:
                w = args[1].shape
                Count.total += 2 * prod(out.shape) * prod(w[1:])
            return out

        def get_total_flops(self):
            return Count.total

    return "dispatch counter (FlopCounterMode's rules; torch %s has none)" % torch.__version__, Count(), "cpu"


def run(name):
    size = {"inception_v3": 299}.get(name, 224)
    t = time.perf_counter()
    model = getattr(torchvision.models, name)(weights=None).eval()
    build_s = time.perf_counter() - t
    calls = []
    for path, module in model.named_modules():
        module.register_forward_hook(lambda m, i, o, path=path: calls.append(path))
    label, mode, device = counter()
    model = model.to(device)
    x = torch.zeros(1, 3, size, size, device=device)
    t = time.perf_counter()
    # no torch.no_grad(): with it, eval-mode MultiheadAttention takes its fused fast path, an op no counter sees
    with mode:
        model(x)
    forward_s = time.perf_counter() - t
    return {"model": name, "counter": label, "device": device, "flops": mode.get_total_flops(),
            "calls": len(calls), "import_s": round(IMPORT_S, 3), "build_s": round(build_s, 3),
            "forward_s": round(forward_s, 3)}


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(json.dumps(run(name)))
