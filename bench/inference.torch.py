"""One reference network (random weights) in PyTorch CPU, long-lived for `npm run bench:inference`
(bench/inference-worker.ts): after building it (eager, and JIT-traced, frozen and optimised for
inference) and WARM_UP untimed runs of each, it prints {"ready": true, "frozen": bool}, then answers
each line of stdin with one JSON line:
  eager | frozen -> {"ms"}          one timed run
  stats          -> {"peakRssMB"}   this process's peak RSS (eager and JIT together)
  verbose <file> -> {"ms"}          one JIT-frozen run with oneDNN's verbose log (a line per primitive
                                    and its time) written to <file>
Usage: inference.torch.py unet|classifier THREADS WARM_UP
"""
import ctypes
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import torch  # noqa: E402

from models.training.config import PRESETS  # noqa: E402
from models.training.export import random_models  # noqa: E402
from models.training.gradcam import ClassifierWithCam  # noqa: E402

net, threads, warm_up = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
cfg = PRESETS["reference"]
classifier, unet, _ = random_models(cfg, 1)
if net == "unet":
    module, inputs = unet, (torch.randn(1, 1, *cfg.unet_grid_size),)
else:
    module, inputs = ClassifierWithCam(classifier).eval(), (torch.randn(1, 1, *cfg.grid_size), torch.randn(1, 1, *cfg.grid_size))


def answer(value) -> None:
    print(json.dumps(value), flush=True)


def timed_ms(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def with_onednn_log(path: str, fn) -> float:
    """Runs fn with oneDNN's verbose log, which it prints to the C stdout (this protocol's channel),
    redirected into path."""
    sys.stdout.flush()
    saved, log = os.dup(1), os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    try:
        with torch.backends.mkldnn.verbose(torch.backends.mkldnn.VERBOSE_ON):
            ms = timed_ms(fn)
        ctypes.CDLL(None).fflush(None)
    finally:
        os.dup2(saved, 1)
        os.close(log)
        os.close(saved)
    return ms


with torch.no_grad():
    runners = {"eager": lambda: module(*inputs)}
    try:
        frozen = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(module, inputs).eval()))
        runners["frozen"] = lambda: frozen(*inputs)
    except Exception as err:  # tracing the in-graph Grad-CAM may not be supported; eager still counts
        print(f"jit freeze failed for {net}: {err}", file=sys.stderr)
    for run in runners.values():
        for _ in range(warm_up):
            run()
    answer({"ready": True, "frozen": "frozen" in runners})
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command in runners:
            answer({"ms": timed_ms(runners[command])})
        elif command == "verbose" and arg and "frozen" in runners:
            answer({"ms": with_onednn_log(arg, runners["frozen"])})
        elif command == "stats":
            answer({"peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
        else:
            answer({"error": f"unknown command {command!r}"})
