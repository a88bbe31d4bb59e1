"""Where the reference classifier's time goes, onnxruntime against PyTorch, part by part
(`npm run bench:inference-breakdown` runs it on the profiles it collects).

onnxruntime: its per-node profile of the stacked-slice graph, each timed run apart (the worker's
warm-up runs skipped). PyTorch: oneDNN's verbose log of one JIT-frozen run per file. Both are split by
encoder stage and by part of a bottleneck block:
  conv1, conv2 (the 3x3x3 convolution), conv3+sum (the last 1x1x1 convolution with the residual sum and
  ReLU, which onnxruntime fuses and oneDNN runs as three primitives), shortcut;
  masks (onnxruntime only: the row masks and their multiplications),
  layout (onnxruntime only: reorders in and out of NCHWc, the even/odd slice splits), stem, head.
A ReLU that oneDNN runs on its own is counted with the convolution before it.
Usage: inference_breakdown.py WARM_UP_RUNS ORT_PROFILE.json ONEDNN_LOG [ONEDNN_LOG ...]
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from statistics import median
from typing import Iterable, List, Sequence, Tuple

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from models.training.config import PRESETS  # noqa: E402

Part = Tuple[str, str]
LAYOUT_OPS = {"ReorderInput", "ReorderOutput", "Slice", "Concat", "Reshape", "Expand", "MaxPool", "Split"}
BLOCK_CONVS = ("conv1", "conv2", "conv3+sum", "shortcut")


def stage_of(block: int, layers: Sequence[int]) -> str:
    end = 0
    for i, n in enumerate(layers):
        end += n
        if block < end:
            return f"stage{i + 1}"
    return "head"


def ort_part(name: str, op: str, layers: Sequence[int]) -> Part:
    """The part of the encoder an onnxruntime node belongs to, from its name (the export's module path)."""
    block = re.search(r"/blocks\.(\d+)/", name)
    stage = stage_of(int(block.group(1)), layers) if block else ("stem" if "/stem/" in name else "whole")
    if op in LAYOUT_OPS:
        return stage, "layout"
    if op == "Mul" and block:
        return stage, "masks"
    if op in ("Conv", "FusedConv"):
        if not block:
            return (stage, "conv") if stage == "stem" else (stage, "head")
        for part in ("conv2", "conv3", "shortcut"):
            if f"/{part}/" in name:
                return stage, "conv3+sum" if part == "conv3" else part
        # conv1 is named after the ReLU fused into it; the block's other convolutions make its masks.
        return stage, "conv1" if "/Relu" in name else "masks"
    return ("head", "head") if not block else (stage, "other")


def ort_runs(events: List[dict], layers: Sequence[int], warm_up: int) -> List[Counter]:
    """Per timed run (the first `warm_up` skipped), ms per part."""
    runs = [e for e in events if e.get("cat") == "Session" and e.get("name") == "model_run"][warm_up:]
    nodes = [e for e in events if e.get("cat") == "Node" and e["name"].endswith("_kernel_time")]
    out = []
    for run in runs:
        start, end = run["ts"], run["ts"] + run["dur"]
        parts: Counter = Counter()
        for e in nodes:
            if start <= e["ts"] <= end:
                parts[ort_part(e["name"], e["args"]["op_name"], layers)] += e["dur"] / 1000
        out.append(parts)
    return out


def onednn_run(lines: Iterable[str], layers: Sequence[int]) -> Counter:
    """ms per part from one run's verbose log. Convolutions come in the traced order: the stem, then per
    block conv1, conv2, conv3 and (first block of a stage) the shortcut; the sum and ReLU after the last
    of them go with conv3."""
    per_block = [4 if i == 0 else 3 for n in layers for i in range(n)]
    parts: Counter = Counter()
    block, left, last = -1, 1, None
    for line in lines:
        fields = line.strip().split(",")
        if len(fields) < 5 or fields[0] != "onednn_verbose" or fields[1] != "exec":
            continue
        primitive, ms = fields[3], float(fields[-1])
        if primitive == "convolution":
            if left == 0:
                block += 1
                left = per_block[block] if block < len(per_block) else 1
            left -= 1
            if block < 0:
                last = ("stem", "conv")
            elif block >= len(per_block):
                last = ("head", "head")
            else:
                index = (per_block[block] - 1) - left
                last = (stage_of(block, layers), BLOCK_CONVS[index])
            parts[last] += ms
        elif last is None:  # before the stem's convolution: the input's reorder
            parts[("stem", "conv")] += ms
        elif primitive == "sum" or (primitive == "eltwise" and last[1] == "shortcut"):
            parts[(last[0], "conv3+sum")] += ms
        else:
            parts[last] += ms
    return parts


def table(ort: List[Counter], torch: List[Counter]) -> List[str]:
    keys = sorted(set().union(*ort, *torch))
    rows = [f"{'stage':8} {'part':10} {'onnxruntime':>12} {'oneDNN':>8} {'difference':>11}   (ms, medians)"]
    totals = [0.0, 0.0]
    for key in keys:
        a, b = median(r[key] for r in ort), median(r[key] for r in torch)
        totals[0] += a
        totals[1] += b
        rows.append(f"{key[0]:8} {key[1]:10} {a:12.1f} {b:8.1f} {a - b:+11.1f}")
    rows.append(f"{'all':8} {'':10} {totals[0]:12.1f} {totals[1]:8.1f} {totals[0] - totals[1]:+11.1f}")
    run_totals = [median(sum(r.values()) for r in side) for side in (ort, torch)]
    rows.append(
        f"sum over nodes / primitives per run: onnxruntime {run_totals[0]:.0f} ms, oneDNN {run_totals[1]:.0f} ms"
        f" ({len(ort)} and {len(torch)} runs): ratio {run_totals[0] / run_totals[1]:.3f}"
    )
    return rows


def main(argv: List[str]) -> None:
    layers = PRESETS["reference"].encoder.layers
    with open(argv[2]) as f:
        ort = ort_runs(json.load(f), layers, int(argv[1]))
    torch: List[Counter] = []
    for log in argv[3:]:
        with open(log) as f:
            torch.append(onednn_run(f, layers))
    if not ort or not torch:
        sys.exit("inference_breakdown.py: no timed onnxruntime run or no oneDNN log")
    print("\n".join(table(ort, torch)))


if __name__ == "__main__":
    main(sys.argv)
