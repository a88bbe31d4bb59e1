"""Lesion-detector pre-training of the encoder's early layers (stem and first stage).

The fifth attempt (docs/MODEL.md) found that these layers learn what a lesion looks like within a few
hundred steps when they are trained alone on the lesion maps, but not beside the deep layers' losses,
which learn where lesions usually are much faster. So, where the dataset has lesion masks, the early
layers can first be trained as a detector (a 1x1x1 map head on their cells), then frozen while the
rest of the classifier trains on top. The exported network is unchanged."""

from __future__ import annotations

from typing import Callable, Dict, List

import numpy as np
import torch
from torch import nn

from .augment import augment_pair
from .batches import exam_batch, map_batch, shuffled_batches
from .classifier import DualEncoderClassifier
from .lesion_maps import LesionMapHead, cell_targets, lesion_map_loss


def early_layers(model: DualEncoderClassifier) -> nn.Sequential:
    return nn.Sequential(model.encoder.stem, model.encoder.stages[0])


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
) -> List[Dict]:
    """Trains the early layers on the lesion maps of their own cells, then freezes them (no
    gradient, BatchNorm statistics fixed). Returns the per-epoch map loss."""
    early = early_layers(model)
    head = LesionMapHead(_out_channels(early))
    opt = torch.optim.AdamW(list(early.parameters()) + list(head.parameters()), lr=lr, weight_decay=1e-3)
    history = []
    for epoch in range(epochs):
        early.train()
        losses = []
        for chunk in shuffled_batches(train_ids, batch, g):
            t1, stir = exam_batch(volumes, chunk)
            t1, stir, m = augment_pair(t1, stir, g, augmentation, map_batch(maps, chunk))
            f = early(torch.cat([t1, stir], dim=0))
            logits = head(f[: len(chunk)], f[len(chunk) :])
            loss = lesion_map_loss(logits, cell_targets(m, f.shape[2:]))
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


def _out_channels(early: nn.Sequential) -> int:
    """Every block ends in a BatchNorm of its output width (the residual branch's or the shortcut's)."""
    return [m for m in early.modules() if isinstance(m, nn.BatchNorm3d)][-1].num_features
