"""Training of the dual-encoder classifier: label-smoothed BCE with class weights (one logit per
task), optionally plus the lesion-map loss on the encoder cells (lesion_maps.py), augmentation,
one-cycle learning rate, early stopping on the validation mean AUC."""

from __future__ import annotations

import copy
import time
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from .augment import augment_pair
from .batches import exam_batch, map_batch, shuffled_batches
from .classifier import DualEncoderClassifier
from .config import ModelConfig, feature_grid
from .detector_pretraining import keep_frozen_layers_in_eval, pretrain_detector
from .lesion_maps import MAX_POS_WEIGHT, LesionMapHead, cell_targets, lesion_map_loss, prior_logits
from .metrics import auc

Volumes = Dict[str, Tuple[np.ndarray, np.ndarray]]


def smoothed_bce(logits: torch.Tensor, y: torch.Tensor, pos_weight: torch.Tensor, eps: float) -> torch.Tensor:
    target = y * (1 - eps) + 0.5 * eps
    return F.binary_cross_entropy_with_logits(logits, target, pos_weight=pos_weight)


def one_cycle(progress: float, max_lr: float) -> float:
    """One-cycle schedule on the fraction of the budget used (steps or wall time, whichever is
    further), so that a time-boxed run still ends with a small learning rate."""
    p = min(max(progress, 0.0), 1.0)
    if p < 0.25:
        return max_lr / 25 + (max_lr - max_lr / 25) * p / 0.25
    return max_lr / 1e4 + (max_lr - max_lr / 1e4) * 0.5 * (1 + np.cos(np.pi * (p - 0.25) / 0.75))


@torch.no_grad()
def predict(model: DualEncoderClassifier, volumes: Volumes, ids: List[str], batch: int = 8) -> np.ndarray:
    model.eval()
    out = []
    for i in range(0, len(ids), batch):
        t1, stir = exam_batch(volumes, ids[i : i + batch])
        out.append(torch.sigmoid(model(t1, stir)).numpy())
    return np.concatenate(out)


def train_classifier(
    cfg: ModelConfig,
    volumes: Volumes,
    labels: Dict[str, np.ndarray],
    train_ids: List[str],
    val_ids: List[str],
    minutes: float,
    epochs: int = 30,
    batch: int = 8,
    lr: float = 3e-3,
    patience: int = 6,
    smoothing: float = 0.1,
    augmentation: str = "paper",
    seed: int = 0,
    tag: str = "classifier",
    log: Callable[[Dict], None] = print,
    lesion_maps: Optional[Dict[str, np.ndarray]] = None,
    lesion_map_weight: float = 0.0,
    lesion_map_max_pos_weight: float = MAX_POS_WEIGHT,
    detector_epochs: int = 0,
) -> Tuple[DualEncoderClassifier, Dict]:
    """`lesion_maps` (exam id -> [M,D,H,W] uint8) with a positive `lesion_map_weight` add the
    lesion-map loss; with `detector_epochs` > 0 the early layers are first trained as a lesion
    detector and then frozen (detector_pretraining.py). The returned classifier is the same network
    either way."""
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    model = DualEncoderClassifier(cfg)
    use_maps = lesion_maps is not None and lesion_map_weight > 0
    # An encoder with evidence maps is its own map head; otherwise a training-only one reads its features.
    map_head = LesionMapHead(model.encoder.out_channels) if use_maps and model.encoder.evidence is None else None
    # An evidence read-out trained by the detector pre-training gets its start there.
    if use_maps and not (detector_epochs > 0 and map_head is None):
        read_out = model.encoder.evidence if map_head is None else map_head.conv
        with torch.no_grad():
            read_out.bias.copy_(prior_logits(lesion_maps, train_ids, feature_grid(cfg), lesion_map_max_pos_weight))
    y_train = np.stack([labels[i] for i in train_ids])
    y_val = np.stack([labels[i] for i in val_ids])
    pos = y_train.sum(0)
    if (pos == 0).any() or (pos == len(y_train)).any():
        raise ValueError(f"every task needs positive and negative training exams (positives per task: {pos.tolist()})")
    pos_weight = torch.tensor((len(y_train) - pos) / pos, dtype=torch.float32)
    steps_per_epoch = len(train_ids) // batch
    if steps_per_epoch == 0:
        raise ValueError(f"{len(train_ids)} training exams: fewer than one batch of {batch}")
    detector = []
    if detector_epochs > 0:
        if lesion_maps is None:
            raise ValueError("detector pre-training needs lesion masks (t1Mask and stirMask) for every training exam")
        detector = pretrain_detector(
            model, volumes, lesion_maps, train_ids, detector_epochs, batch, lr, g, augmentation, log, tag, lesion_map_max_pos_weight
        )
    params = [p for p in model.parameters() if p.requires_grad] + (list(map_head.parameters()) if map_head else [])
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=1e-3)
    best = {"auc": -1.0, "epoch": -1, "state": None}
    t0 = time.time()
    history = []
    for epoch in range(epochs):
        model.train()
        keep_frozen_layers_in_eval(model)
        losses, map_losses = [], []
        for s, chunk in enumerate(shuffled_batches(train_ids, batch, g)):
            t1, stir = exam_batch(volumes, chunk)
            maps = map_batch(lesion_maps, chunk) if use_maps else None
            t1, stir, maps = augment_pair(t1, stir, g, augmentation, maps)
            progress = max((epoch * steps_per_epoch + s) / (epochs * steps_per_epoch), (time.time() - t0) / (minutes * 60))
            for group in opt.param_groups:
                group["lr"] = one_cycle(progress, lr)
            yb = torch.from_numpy(np.stack([labels[k] for k in chunk]))
            f_t1, f_stir, evidence = model.features_and_evidence(t1, stir)
            loss = smoothed_bce(model.logits_from_features(f_t1, f_stir), yb, pos_weight, smoothing)
            if use_maps:
                map_logits = evidence if map_head is None else map_head(f_t1, f_stir)
                map_loss = lesion_map_loss(map_logits, cell_targets(maps, f_t1.shape[2:]), lesion_map_max_pos_weight)
                map_losses.append(map_loss.item())
                loss = loss + lesion_map_weight * map_loss
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        p_val = predict(model, volumes, val_ids)
        aucs = [auc(y_val[:, t], p_val[:, t]) for t in range(y_val.shape[1])]
        mean_auc = float(np.nanmean(aucs))
        entry = {"epoch": epoch, "loss": float(np.mean(losses)), "valAuc": [round(a, 4) for a in aucs]}
        if use_maps:
            entry["lesionMapLoss"] = float(np.mean(map_losses))
        history.append(entry)
        log({"stage": tag, **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in entry.items()}, "s": round(time.time() - t0)})
        if mean_auc > best["auc"]:
            best = {"auc": mean_auc, "epoch": epoch, "state": copy.deepcopy(model.state_dict())}
        if epoch - best["epoch"] >= patience:
            log({"stage": tag, "earlyStop": epoch})
            break
        if time.time() - t0 > minutes * 60:
            log({"stage": tag, "timeBudgetStop": epoch})
            break
    model.load_state_dict(best["state"])
    model.eval()
    info = {
        "bestEpoch": best["epoch"],
        "bestValMeanAuc": best["auc"],
        "epochsRun": len(history),
        "seconds": round(time.time() - t0),
        "history": history,
        "posWeight": pos_weight.tolist(),
        "recipe": {
            "lr": lr,
            "batch": batch,
            "smoothing": smoothing,
            "augmentation": augmentation,
            "epochs": epochs,
            "lesionMapWeight": lesion_map_weight if use_maps else 0.0,
            "lesionMapMaxPosWeight": lesion_map_max_pos_weight,
            "detectorEpochs": detector_epochs,
        },
        "detectorHistory": detector,
    }
    return model, info
