"""Lesion-detector pre-training of the encoder's early layers (stem and first stage).

The fifth attempt (docs/MODEL.md) found that these layers learn what a lesion looks like within a few
hundred steps when they are trained alone on the lesion maps, but not beside the deep layers' losses,
which learn where lesions usually are much faster. So, where the dataset has lesion masks, the early
layers can first be trained as a detector (a 1x1x1 map head on their cells), then frozen while the
rest of the classifier trains on top. An encoder that ends in its own lesion-evidence read-out
(EncoderConfig.evidence) is trained and frozen whole: the sixth attempt found that its maps learn the
lesions alone and not beside the classification loss, and that pooled, they separate the exams. The
exported network is unchanged."""

from __future__ import annotations

from typing import Callable, Dict, List

import numpy as np
import torch
from torch import nn

from .augment import augment_pair
from .batches import exam_batch, map_batch, shuffled_batches
from .classifier import DualEncoderClassifier
from .lesion_maps import MAX_POS_WEIGHT, LesionMapHead, cell_targets, lesion_map_loss, own_sequence_maps, prior_logits


def early_layers(model: DualEncoderClassifier) -> nn.Sequential:
    """The layers trained as the detector: the whole encoder with its evidence read-out, if it has
    one; otherwise the stem and first stage."""
    e = model.encoder
    if e.evidence is not None:
        return nn.Sequential(e.stem, e.stages, e.evidence)
    return nn.Sequential(e.stem, e.stages[0])


def pretrain_detector(
    model: DualEncoderClassifier,
    volumes: Dict[str, tuple],
    maps: Dict[str, np.ndarray],
    train_ids: List[str],
    epochs: int,
    batch: int,
    lr: float,
    g: torch.Generator,
    augmentation: str,
    log: Callable[[Dict], None],
    tag: str,
    max_pos_weight: float = MAX_POS_WEIGHT,
) -> List[Dict]:
    """Trains the early layers on the lesion maps of their own cells, then freezes them (no
    gradient, BatchNorm statistics fixed). Returns the per-epoch map loss."""
    early = early_layers(model)
    head = None if model.encoder.evidence is not None else LesionMapHead(_out_channels(early))
    read_out = model.encoder.evidence if head is None else head.conv
    with torch.no_grad():  # whichever read-out it trains starts at the lesion-cell log-odds
        read_out.bias.copy_(prior_logits(maps, train_ids, _cells(early, volumes, train_ids[0]), max_pos_weight))
    extra = [] if head is None else list(head.parameters())
    opt = torch.optim.AdamW(list(early.parameters()) + extra, lr=lr, weight_decay=1e-3)
    history = []
    for epoch in range(epochs):
        early.train()
        losses = []
        for chunk in shuffled_batches(train_ids, batch, g):
            t1, stir = exam_batch(volumes, chunk)
            t1, stir, m = augment_pair(t1, stir, g, augmentation, map_batch(maps, chunk))
            f = early(torch.cat([t1, stir], dim=0))
            n = len(chunk)
            logits = own_sequence_maps(f[:n], f[n:]) if head is None else head(f[:n], f[n:])
            loss = lesion_map_loss(logits, cell_targets(m, f.shape[2:]), max_pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        history.append({"epoch": epoch, "detectorMapLoss": float(np.mean(losses))})
        log({"stage": tag, "detectorEpoch": epoch, "detectorMapLoss": round(float(np.mean(losses)), 4)})
    for p in early.parameters():
        p.requires_grad_(False)
    early.eval()
    return history


def keep_frozen_layers_in_eval(model: DualEncoderClassifier) -> None:
    """After model.train(): frozen early layers keep their BatchNorm statistics."""
    early = early_layers(model)
    if not any(p.requires_grad for p in early.parameters()):
        early.eval()


def _cells(early: nn.Sequential, volumes: Dict[str, tuple], exam_id: str) -> List[int]:
    with torch.no_grad():
        return list(early.eval()(exam_batch(volumes, [exam_id])[0]).shape[2:])


def _out_channels(early: nn.Sequential) -> int:
    """Every block ends in a BatchNorm of its output width (the residual branch's or the shortcut's)."""
    return [m for m in early.modules() if isinstance(m, nn.BatchNorm3d)][-1].num_features
