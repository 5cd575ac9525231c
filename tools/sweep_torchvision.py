"""A broad sweep of torchvision builds with keyword arguments, for checking the catalog beyond the committed cases.

Run with Debian's python3 (python3-torchvision 0.14.1), then point the ground-truth test at the output:

    /usr/bin/python3 tools/sweep_torchvision.py /tmp/sweep
    mvn -o test -Dtest=TorchvisionGroundTruthTest -Dgroundtruth.extra=/tmp/sweep/args

For every builder: num_classes=7 and weights=DEFAULT (raft: weights only); for every builder with a backbone
argument, weights_backbone=DEFAULT with trainable_backbone_layers=1 as well. The segmentation builders swallow
unknown keyword arguments (their **kwargs go nowhere), so trainable_backbone_layers builds there; model-summary
refuses it on purpose, and the test reports those six as argument errors.
"""
import inspect
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torchvision import models  # noqa: E402

import dump_torchvision  # noqa: E402  (stubs weight downloads on import)


def main(out):
    for name in models.list_models():
        params = inspect.signature(models.get_model_builder(name)).parameters
        cases = [["weights=DEFAULT"]] if name.startswith("raft") else [["num_classes=7"], ["weights=DEFAULT"]]
        if "weights_backbone" in params:
            cases.append(["weights_backbone=DEFAULT", "trainable_backbone_layers=1"])
        for pairs in cases:
            try:
                dump_torchvision.dump_with_args(out, name, pairs)
            except Exception as e:  # a build torchvision itself refuses: nothing to compare
                print("FAIL", name, pairs, type(e).__name__, str(e)[:200], flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
