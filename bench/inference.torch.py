"""PyTorch CPU timing of one reference network (random weights), for `npm run bench:inference`.

Prints one JSON line: {"net", "eagerMs", "frozenMs", "peakRssMB", "threads"}; medians over runs
after one warm-up. Usage: inference.torch.py unet|classifier RUNS THREADS
"""
import json
import os
import resource
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import torch  # noqa: E402

from models.training.config import PRESETS  # noqa: E402
from models.training.export import random_models  # noqa: E402
from models.training.gradcam import ClassifierWithCam  # noqa: E402

net, runs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
cfg = PRESETS["reference"]
classifier, unet, _ = random_models(cfg, 1)
if net == "unet":
    module, inputs = unet, (torch.randn(1, 1, *cfg.unet_grid_size),)
else:
    module, inputs = ClassifierWithCam(classifier).eval(), (torch.randn(1, 1, *cfg.grid_size), torch.randn(1, 1, *cfg.grid_size))


def median_ms(fn):
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


with torch.no_grad():
    eager = median_ms(lambda: module(*inputs))
    frozen_ms = None
    try:
        frozen = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(module, inputs).eval()))
        frozen_ms = median_ms(lambda: frozen(*inputs))
    except Exception as err:  # tracing the in-graph Grad-CAM may not be supported; eager still counts
        print(f"jit freeze failed for {net}: {err}", file=sys.stderr)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"net": net, "eagerMs": eager, "frozenMs": frozen_ms, "peakRssMB": peak, "threads": threads}))
