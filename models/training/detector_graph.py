"""A lesion detector inside the classifier's ONNX graph.

The branch reads the classifier's own inputs of the sequences it needs (the denoised T1, STIR or both), so the workstation's
inputs, outputs and manifest contract do not change: each of the target's tasks' probability becomes the
stack of the classifier's logit and the detector's readout logit, and the task's heat map on that sequence
becomes the detector's probability map, max-pooled onto the CAM grid (each cell shows its most lesion-like
voxel). The task's map on the other sequence stays the classifier's Grad-CAM, the other half of the
evidence it stacks. Merging twice (two targets) works: the second merge rewires the first's outputs.
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import helper, numpy_helper
from torch import nn

from .detector_members import DetectorMember
from .lesion_detector import probability_logit, top_k_mean

SEQUENCES = ("t1", "stir")  # the classifier's inputs and its CAM's sequence axis, in this order


class DetectorBranch(nn.Module):
    """images [1, 1, D, H, W], one per sequence the detectors read, in their channel order -> (readout logit [1, 1],
    probability map max-pooled onto the CAM grid [1, 1, d, h, w]). Several members (an ensemble,
    detector_members.py): the mean of their readout logits and of their probability maps."""

    def __init__(self, members: Sequence[DetectorMember], grid: Sequence[int], cam_grid: Sequence[int]):
        super().__init__()
        if not members:
            raise ValueError("a detector branch needs at least one detector")
        self.detectors = nn.ModuleList(m.net.eval() for m in members)
        self.top_k = [m.top_k for m in members]
        kernel = [n // m for n, m in zip(grid, cam_grid)]
        if [k * m for k, m in zip(kernel, cam_grid)] != list(grid):
            raise ValueError(f"CAM grid {list(cam_grid)} does not divide the input grid {list(grid)}")
        self.kernel = tuple(kernel)

    def forward(self, *images: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        x = torch.cat(images, dim=1)
        maps = [torch.sigmoid(net(x)) for net in self.detectors]
        readouts = [probability_logit(top_k_mean(p, k)).reshape(1, 1) for p, k in zip(maps, self.top_k)]
        if len(maps) == 1:
            return readouts[0], F.max_pool3d(maps[0], self.kernel)
        return torch.stack(readouts).mean(dim=0), F.max_pool3d(torch.stack(maps).mean(dim=0), self.kernel)


def _renamed(node: onnx.NodeProto, names: Dict[str, str], prefix: str) -> onnx.NodeProto:
    copy = onnx.NodeProto()
    copy.CopyFrom(node)
    copy.name = prefix + node.name
    for field in (copy.input, copy.output):
        for i, name in enumerate(field):
            if name:
                field[i] = names.get(name, prefix + name)
    return copy


def merge_detector_branch(
    classifier: onnx.ModelProto,
    branch: onnx.ModelProto,
    stacks: Dict[int, Tuple[Sequence[float], float]],
    sequence: str,
    prefix: str,
    probabilities: str = "probabilities",
    cam: str = "cam",
) -> onnx.ModelProto:
    """A copy of `classifier` in which each task t of `stacks` ({t: (w, b)}) reads
    sigmoid(w0 * classifier logit + w1 * branch readout + b) and whose CAM for (t, sequence) is the branch's
    map. `branch` reads some of the classifier's inputs, named as they are, and has two outputs (readout logit
    [1, 1], map [1, 1, d, h, w] on the classifier's CAM grid). Every name the merge adds starts with `prefix`."""
    model = onnx.ModelProto()
    model.CopyFrom(classifier)
    g = model.graph
    b = branch.graph
    reads = [i.name for i in b.input]
    if not reads or not set(reads) <= {i.name for i in g.input} or len(b.output) != 2:
        raise ValueError(f"a detector branch must read the classifier's inputs by name ({[i.name for i in g.input]}; "
                         f"it reads {reads}) and have two outputs (readout, map)")
    if any(n.name.startswith(prefix) for n in g.node):
        raise ValueError(f"the classifier graph already has nodes named {prefix}*")
    sigmoid = next((n for n in g.node if probabilities in n.output and n.op_type == "Sigmoid"), None)
    cam_node = next((n for n in g.node if cam in n.output), None)
    if sigmoid is None or cam_node is None:
        raise ValueError(f"the classifier graph has no Sigmoid producing {probabilities!r} or no node producing {cam!r}")
    cam_shape = [d.dim_value for o in g.output if o.name == cam for d in o.type.tensor_type.shape.dim]
    tasks, sequences = cam_shape[1], cam_shape[2]
    axis = SEQUENCES.index(sequence)
    logits = sigmoid.input[0]
    g.node.remove(sigmoid)
    previous_cam = prefix + "previous_cam"
    cam_node.output[list(cam_node.output).index(cam)] = previous_cam

    g.node.extend(_renamed(n, {name: name for name in reads}, prefix) for n in b.node)
    for init in b.initializer:
        copy = onnx.TensorProto()
        copy.CopyFrom(init)
        copy.name = prefix + init.name
        g.initializer.append(copy)
    readout, detector_map = (prefix + o.name for o in b.output)

    def const(name: str, value) -> str:
        g.initializer.append(numpy_helper.from_array(np.asarray(value), prefix + name))
        return prefix + name

    nodes: List[onnx.NodeProto] = []

    def node(op: str, inputs: List[str], output: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [prefix + output], name=prefix + output, **attrs))
        return prefix + output

    def part(x: str, start: int, end: int, along: int, name: str) -> str:
        return node("Slice", [x, const(name + "_start", [start]), const(name + "_end", [end]),
                              const(name + "_axis", [along])], name)

    d, h, w = cam_shape[3:]
    seq_map = node("Reshape", [detector_map, const("map_shape", np.int64([1, 1, 1, d, h, w]))], "sequence_map")
    logit_pieces, cam_pieces = [], []
    for t in range(tasks):
        if t not in stacks:
            logit_pieces.append(part(logits, t, t + 1, 1, f"logit_{t}"))
            cam_pieces.append(part(previous_cam, t, t + 1, 1, f"cam_{t}"))
            continue
        weights, bias = stacks[t]
        z_cls = part(logits, t, t + 1, 1, f"classifier_logit_{t}")
        weighted = node("Add", [node("Mul", [z_cls, const(f"w_classifier_{t}", np.float32([weights[0]]))], f"weighted_classifier_{t}"),
                                node("Mul", [readout, const(f"w_detector_{t}", np.float32([weights[1]]))], f"weighted_detector_{t}")],
                        f"weighted_sum_{t}")
        logit_pieces.append(node("Add", [weighted, const(f"bias_{t}", np.float32([bias]))], f"stacked_logit_{t}"))
        task_cam = part(previous_cam, t, t + 1, 1, f"task_cam_{t}")
        seq_pieces = [seq_map if s == axis else part(task_cam, s, s + 1, 2, f"task_cam_{t}_sequence_{s}")
                      for s in range(sequences)]
        cam_pieces.append(node("Concat", seq_pieces, f"task_cam_{t}_merged", axis=2) if sequences > 1 else seq_map)
    new_logits = node("Concat", logit_pieces, "logits", axis=1)
    nodes.append(helper.make_node("Sigmoid", [new_logits], [probabilities], name=prefix + "sigmoid"))
    nodes.append(helper.make_node("Concat", cam_pieces, [cam], name=prefix + "cam", axis=1))
    g.node.extend(nodes)
    onnx.checker.check_model(model)
    return model
