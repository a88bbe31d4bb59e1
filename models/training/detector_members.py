"""A detector stage's trained networks: one detector, or several trained alike from different initial seeds
whose readout logits are averaged (an ensemble).

A detector's validation AUC moves by up to 0.05 from one epoch to the next (docs/MODEL.md), so the epoch a
stage keeps is partly chance; the mean of independently trained members' logits averages that chance out.
Each member keeps the readout its own stage chose; the ensemble's map is the mean of the members'
probability maps, so it is still a probability.

detector.pt of a trained stage: {state, width, inputs, topK, target} (`inputs` absent before session 17: the
map's sequence). Of an ensemble: {target, inputs, members: [{state, width, topK, run}]}.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
import torch

from .lesion_detector import DETECTOR_TARGETS, LesionDetector, probability_logit, probability_map, top_k_mean


@dataclass(frozen=True)
class DetectorMember:
    net: LesionDetector
    top_k: int


def load_detector_file(path: Path) -> Tuple[str, Tuple[str, ...], List[DetectorMember]]:
    """(target name, the sequences read as channels, members) of a saved detector or ensemble."""
    try:
        saved = torch.load(path)
    except (OSError, RuntimeError) as err:
        raise ValueError(f"{path}: cannot read the detector ({err})") from err
    target = saved.get("target")
    if target not in DETECTOR_TARGETS:
        raise ValueError(f"{path}: unknown detector target {target!r} (expected one of {sorted(DETECTOR_TARGETS)})")
    inputs = tuple(saved.get("inputs") or (DETECTOR_TARGETS[target].sequence,))
    members = []
    for m in saved.get("members", [saved]):
        net = LesionDetector(m["width"], len(inputs))
        net.load_state_dict(m["state"])
        members.append(DetectorMember(net.eval(), int(m["topK"])))
    return target, inputs, members


def save_ensemble(path: Path, target: str, inputs: Sequence[str], member_files: Sequence[Path]) -> None:
    """One file holding every member's weights, so an export needs nothing but the ensemble's run folder."""
    members = []
    for f in member_files:
        name, read, loaded = load_detector_file(f)
        if name != target or tuple(read) != tuple(inputs) or len(loaded) != 1:
            raise ValueError(f"{f}: a {name} detector reading {'+'.join(read)} ({len(loaded)} networks) cannot join a "
                             f"{target} ensemble reading {'+'.join(inputs)}")
        saved = torch.load(f)
        members.append({"state": saved["state"], "width": saved["width"], "topK": saved["topK"], "run": str(f.parent)})
    torch.save({"target": target, "inputs": list(inputs), "members": members}, path)


def member_maps(members: Sequence[DetectorMember], image: np.ndarray) -> List[np.ndarray]:
    """Each member's probability map [D, H, W] of one exam's [C, D, H, W] input."""
    return [probability_map(m.net, image) for m in members]


def readout_logit(members: Sequence[DetectorMember], maps: Sequence[np.ndarray]) -> float:
    """The mean over members of the logit of each one's top-k readout (float64, as the stage stacks it)."""
    logits = []
    for m, p in zip(members, maps):
        r = float(top_k_mean(torch.from_numpy(np.ascontiguousarray(p))[None], m.top_k)[0])
        logits.append(float(probability_logit(torch.tensor(r, dtype=torch.float64))))
    return float(np.mean(logits))


def mean_map(maps: Sequence[np.ndarray]) -> np.ndarray:
    return maps[0] if len(maps) == 1 else np.mean(np.stack(maps), axis=0, dtype=np.float32)


def describe_members(reports: Sequence[Dict]) -> List[Dict]:
    """What the manifest and the stage's report say of each member, from the member runs' report.json."""
    return [{"initSeed": r["seeds"]["init"], "readout": r["detector"]["readout"], "topK": r["detector"]["topK"],
             "epoch": r["detector"]["epoch"], "validationAuc": r["detector"]["validationAuc"],
             "trainingEpochs": r["detector"]["options"]["epochs"], "minutes": r["minutes"]} for r in reports]
