"""Lesion maps: an optional, denser training target for the classifier's encoder.

A global label says only that somewhere in 250,000 voxels there is enough bone marrow edema; four
attempts (docs/MODEL.md) showed the small encoder memorising exams instead of finding the lesions
from that alone. Where a dataset also has lesion masks (the phantom's, or a site's segmentations:
`t1Mask` / `stirMask` in sij-dataset/1), each encoder cell is also asked whether a lesion lies in
it. The target is used in training only: the exported networks and the manifest's inputs do not
change, and a dataset without masks trains on the labels alone."""

from __future__ import annotations

from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from .dataset import Dataset, Exam

# (name, mask key, mask codes, sequence index 0 = T1 / 1 = STIR, tasks the map supports).
# The codes are the phantom's (electron/phantom/lesions.ts LESION_CODES) and the lesions the label
# rules count (READING.md): BME for both active-inflammation rules, erosion / fat lesion / backfill /
# ankylosis for the structural one. Capsulitis, enthesitis, fluid, sclerosis do not make a label.
MAPS: Tuple[Tuple[str, str, Tuple[int, ...], int], ...] = (
    ("bme", "stirMask", (1,), 1),
    ("structural", "t1Mask", (6, 8, 9, 10), 0),
)


def exam_lesion_maps(ds: Dataset, exam: Exam) -> Optional[np.ndarray]:
    """[len(MAPS), D, H, W] uint8 (1 where the voxel holds one of the map's lesion codes), or None
    when the exam lacks a mask the maps need."""
    if not all(ds.has(exam, key) for _, key, _, _ in MAPS):
        return None
    out = []
    for _, key, codes, _ in MAPS:
        labels = np.rint(ds.volume(exam, key)).astype(np.int16)
        out.append(np.isin(labels, codes))
    return np.stack(out).astype(np.uint8)


def cell_targets(maps: torch.Tensor, feature_shape: Sequence[int]) -> torch.Tensor:
    """[B,M,D,H,W] voxel maps -> [B,M,d,h,w] float: 1 where any voxel of the encoder cell is lesion.
    The grid must divide evenly into cells (the encoder's strides do by construction)."""
    d, h, w = feature_shape
    D, H, W = maps.shape[2:]
    if D % d or H % h or W % w:
        raise ValueError(f"lesion maps {list(maps.shape[2:])} do not divide into encoder cells {list(feature_shape)}")
    return F.max_pool3d(maps.float(), kernel_size=(D // d, H // h, W // w))


# Default cap on the lesion-map loss's positive weight (lesion_map_loss).
MAX_POS_WEIGHT = 50.0


def positive_weight(neg_per_pos: torch.Tensor, max_pos_weight: float) -> torch.Tensor:
    """The weight of a lesion cell in lesion_map_loss: negatives per positive, between 1 and the cap."""
    return neg_per_pos.clamp(1, max(1.0, max_pos_weight))


def prior_logits(maps: Dict[str, np.ndarray], ids: Sequence[str], feature_shape: Sequence[int], max_pos_weight: float) -> torch.Tensor:
    """[len(MAPS)] starting biases for a map read-out: the log-odds of a lesion cell in the training
    exams, shifted by the loss's positive weight (lesion_map_loss). Lesion cells are ~0.1%: a zero
    bias would spend the first epochs of a small learning rate only on saying "no lesion" everywhere
    (the prior-probability initialisation of Lin et al., focal loss, 2017)."""
    pos = torch.zeros(len(MAPS), dtype=torch.float64)
    cells = 0
    for i in ids:
        t = cell_targets(torch.from_numpy(maps[i][None]), feature_shape)[0]
        pos += t.sum(dim=(1, 2, 3)).double()
        cells += t[0].numel()
    q = (pos / cells).clamp(1e-6, 0.5)
    w = positive_weight((1 - q) / q, max_pos_weight)
    return torch.log(w * q / (1 - q)).float()


def own_sequence_maps(logits_t1: torch.Tensor, logits_stir: torch.Tensor) -> torch.Tensor:
    """Per-sequence logits [B, len(MAPS), d, h, w] x 2 -> [B, len(MAPS), d, h, w], each map taken
    from its own sequence (BME from STIR, structural lesions from T1)."""
    by_sequence = (logits_t1, logits_stir)
    return torch.stack([by_sequence[seq][:, m] for m, (_, _, _, seq) in enumerate(MAPS)], dim=1)


class LesionMapHead(torch.nn.Module):
    """One 1x1x1 convolution per map on the encoder features of the map's sequence (training only;
    an encoder with evidence maps has this convolution built in)."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv = torch.nn.Conv3d(channels, len(MAPS), kernel_size=1)

    def forward(self, f_t1: torch.Tensor, f_stir: torch.Tensor) -> torch.Tensor:
        """-> [B, len(MAPS), d, h, w] logits, each map read from its own sequence's features."""
        return own_sequence_maps(self.conv(f_t1), self.conv(f_stir))


def lesion_map_loss(logits: torch.Tensor, targets: torch.Tensor, max_pos_weight: float = MAX_POS_WEIGHT) -> torch.Tensor:
    """BCE over cells, positives weighted by the batch's negative/positive ratio per map (lesion
    cells are a few percent), capped at `max_pos_weight` so one lesion cell in a batch cannot
    dominate. A weight w moves the optimum to w*q / (w*q + 1 - q) for a cell holding a lesion with
    probability q: 1 keeps the map a calibrated probability, which pooled evidence maps need (a
    cell where lesions are merely common would otherwise light up in every exam)."""
    pos = targets.sum(dim=(0, 2, 3, 4))
    neg = targets.numel() / targets.shape[1] - pos
    weight = positive_weight(neg / pos.clamp_min(1), max_pos_weight).view(1, -1, 1, 1, 1)
    return F.binary_cross_entropy_with_logits(logits, targets, pos_weight=weight)


def load_lesion_maps(ds: Dataset, ids: Sequence[str]) -> Optional[Dict[str, np.ndarray]]:
    """Maps of every listed exam, or None unless every one of them has the masks."""
    out = {}
    for i in ids:
        m = exam_lesion_maps(ds, ds.exam(i))
        if m is None:
            return None
        out[i] = m
    return out
