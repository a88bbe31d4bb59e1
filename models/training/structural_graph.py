"""The structural detector inside the classifier's ONNX graph.

The branch reads the classifier's own T1 input (the denoised T1), so the workstation's inputs, outputs and
manifest contract do not change: the structural probability becomes the stack of the classifier's
structural logit and the detector's readout logit, and the structural task's T1 heat map becomes the
detector's probability map, max-pooled onto the CAM grid (each cell shows its most lesion-like voxel).
The STIR heat map of the task stays the classifier's Grad-CAM, the STIR half of the evidence it stacks.
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import helper, numpy_helper
from torch import nn

from .structural_detector import T1StructuralDetector, probability_logit, top_k_mean

PREFIX = "structural/"


class StructuralBranch(nn.Module):
    """t1 [1, 1, D, H, W] -> (readout logit [1, 1], probability map max-pooled onto the CAM grid [1, 1, d, h, w])."""

    def __init__(self, detector: T1StructuralDetector, top_k: int, grid: Sequence[int], cam_grid: Sequence[int]):
        super().__init__()
        self.detector = detector.eval()
        self.top_k = top_k
        kernel = [n // m for n, m in zip(grid, cam_grid)]
        if [k * m for k, m in zip(kernel, cam_grid)] != list(grid):
            raise ValueError(f"CAM grid {list(cam_grid)} does not divide the input grid {list(grid)}")
        self.kernel = tuple(kernel)

    def forward(self, t1: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        p = torch.sigmoid(self.detector(t1))
        readout = probability_logit(top_k_mean(p, self.top_k)).reshape(1, 1)
        return readout, F.max_pool3d(p, self.kernel)


def _renamed(node: onnx.NodeProto, names: Dict[str, str]) -> onnx.NodeProto:
    copy = onnx.NodeProto()
    copy.CopyFrom(node)
    copy.name = PREFIX + node.name
    for field in (copy.input, copy.output):
        for i, name in enumerate(field):
            if name:
                field[i] = names.get(name, PREFIX + name)
    return copy


def merge_structural_branch(
    classifier: onnx.ModelProto,
    branch: onnx.ModelProto,
    weights: Sequence[float],
    bias: float,
    task: int,
    probabilities: str = "probabilities",
    cam: str = "cam",
    t1: str = "t1",
) -> onnx.ModelProto:
    """A copy of `classifier` whose task `task` reads sigmoid(w0 * classifier logit + w1 * branch readout + b)
    and whose CAM for (task, T1) is the branch's map. `branch` has one input (the T1) and two outputs
    (readout logit [1, 1], map [1, 1, d, h, w] on the classifier's CAM grid)."""
    model = onnx.ModelProto()
    model.CopyFrom(classifier)
    g = model.graph
    b = branch.graph
    if len(b.input) != 1 or len(b.output) != 2:
        raise ValueError("the structural branch must have one input (T1) and two outputs (readout, map)")
    sigmoid = next((n for n in g.node if probabilities in n.output and n.op_type == "Sigmoid"), None)
    cam_node = next((n for n in g.node if cam in n.output), None)
    if sigmoid is None or cam_node is None:
        raise ValueError(f"the classifier graph has no Sigmoid producing {probabilities!r} or no node producing {cam!r}")
    cam_shape = [d.dim_value for o in g.output if o.name == cam for d in o.type.tensor_type.shape.dim]
    tasks, sequences = cam_shape[1], cam_shape[2]
    logits = sigmoid.input[0]
    g.node.remove(sigmoid)
    gradcam = PREFIX + "gradcam"
    cam_node.output[list(cam_node.output).index(cam)] = gradcam

    names = {b.input[0].name: t1}
    g.node.extend(_renamed(n, names) for n in b.node)
    for init in b.initializer:
        copy = onnx.TensorProto()
        copy.CopyFrom(init)
        copy.name = PREFIX + init.name
        g.initializer.append(copy)
    readout, detector_map = (PREFIX + o.name for o in b.output)

    def const(name: str, value) -> str:
        g.initializer.append(numpy_helper.from_array(np.asarray(value), PREFIX + name))
        return PREFIX + name

    nodes: List[onnx.NodeProto] = []

    def node(op: str, inputs: List[str], output: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [PREFIX + output], name=PREFIX + output, **attrs))
        return PREFIX + output

    def columns(x: str, start: int, end: int, axis: int, name: str) -> str:
        return node("Slice", [x, const(name + "_start", [start]), const(name + "_end", [end]), const(name + "_axis", [axis])], name)

    z_cls = columns(logits, task, task + 1, 1, "classifier_logit")
    weighted = node("Add", [node("Mul", [z_cls, const("w_classifier", np.float32([weights[0]]))], "weighted_classifier"),
                            node("Mul", [readout, const("w_detector", np.float32([weights[1]]))], "weighted_detector")], "weighted_sum")
    stacked = node("Add", [weighted, const("bias", np.float32([bias]))], "stacked_logit")
    pieces = ([columns(logits, 0, task, 1, "logits_before")] if task > 0 else []) + [stacked] + (
        [columns(logits, task + 1, tasks, 1, "logits_after")] if task + 1 < tasks else [])
    new_logits = node("Concat", pieces, "logits", axis=1)
    nodes.append(helper.make_node("Sigmoid", [new_logits], [probabilities], name=PREFIX + "sigmoid"))

    d, h, w = cam_shape[3:]
    t1_map = node("Reshape", [detector_map, const("map_shape", np.int64([1, 1, 1, d, h, w]))], "t1_map")
    task_cam = node("Slice", [gradcam, const("task_cam_start", [task]), const("task_cam_end", [task + 1]),
                              const("task_cam_axis", [1])], "task_cam")
    others = columns(task_cam, 1, sequences, 2, "task_cam_other_sequences") if sequences > 1 else None
    merged = node("Concat", [t1_map] + ([others] if others else []), "task_cam_merged", axis=2)
    cam_pieces = ([columns(gradcam, 0, task, 1, "cam_before")] if task > 0 else []) + [merged] + (
        [columns(gradcam, task + 1, tasks, 1, "cam_after")] if task + 1 < tasks else [])
    nodes.append(helper.make_node("Concat", cam_pieces, [cam], name=PREFIX + "cam", axis=1))
    g.node.extend(nodes)
    onnx.checker.check_model(model)
    return model
