"""Dual-encoder classifier: one 3D ResNet with shared weights reads T1 and STIR; each sequence's
last-stage features are globally pooled to a vector (max, or max and mean), the two vectors are fused and passed to the
paper's head (BatchNorm -> Dropout -> Linear(hidden, no bias) -> ReLU -> BatchNorm -> Dropout ->
Linear(tasks, no bias)). One logit per task (sigmoid)."""

from __future__ import annotations

import torch
from torch import nn

from .config import HeadConfig, ModelConfig
from .lesion_maps import own_sequence_maps
from .resnet3d import ResNet3dEncoder

FUSIONS = ("side_by_side", "sequence_pool")
POOLS = ("max", "max_avg")


def pool(f: torch.Tensor, kind: str) -> torch.Tensor:
    """[B,C,d,h,w] -> [B,C] (max) or [B,2C] ([max, mean])."""
    v = torch.amax(f, dim=(2, 3, 4))
    if kind == "max":
        return v
    return torch.cat([v, f.mean(dim=(2, 3, 4))], dim=1)


def fuse(v_t1: torch.Tensor, v_stir: torch.Tensor, fusion: str) -> torch.Tensor:
    """[B,V] x 2 -> [B,2V]. side_by_side keeps which sequence a feature came from; sequence_pool
    (the published code) is symmetric in the sequences: [max over sequences, mean over sequences]."""
    if fusion == "side_by_side":
        return torch.cat([v_t1, v_stir], dim=1)
    if fusion == "sequence_pool":
        stacked = torch.stack([v_t1, v_stir], dim=1)
        return torch.cat([stacked.max(dim=1).values, stacked.mean(dim=1)], dim=1)
    raise ValueError(f"head config: unknown fusion {fusion!r} (expected one of {FUSIONS})")


class Head(nn.Module):
    def __init__(self, n_in: int, cfg: HeadConfig):
        super().__init__()
        self.bn1 = nn.BatchNorm1d(n_in)
        self.drop1 = nn.Dropout(cfg.dropout[0])
        self.fc1 = nn.Linear(n_in, cfg.hidden, bias=False)
        self.relu = nn.ReLU(inplace=False)
        self.bn2 = nn.BatchNorm1d(cfg.hidden)
        self.drop2 = nn.Dropout(cfg.dropout[1])
        self.fc2 = nn.Linear(cfg.hidden, len(cfg.tasks), bias=False)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.fc1(self.drop1(self.bn1(z)))
        return self.fc2(self.drop2(self.bn2(self.relu(h))))


class DualEncoderClassifier(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        if cfg.head.fusion not in FUSIONS:
            raise ValueError(f"head config: unknown fusion {cfg.head.fusion!r} (expected one of {FUSIONS})")
        if cfg.head.pool not in POOLS:
            raise ValueError(f"head config: unknown pool {cfg.head.pool!r} (expected one of {POOLS})")
        self.cfg = cfg
        self.encoder = ResNet3dEncoder(cfg.encoder)
        per_sequence = self.encoder.out_channels * (2 if cfg.head.pool == "max_avg" else 1)
        self.head = Head(2 * per_sequence, cfg.head)

    def features(self, t1: torch.Tensor, stir: torch.Tensor):
        """Both sequences through the shared encoder in one batch: [B,C,d,h,w] each."""
        f = self.encoder(torch.cat([t1, stir], dim=0))
        return f[: t1.shape[0]], f[t1.shape[0] :]

    def features_and_evidence(self, t1: torch.Tensor, stir: torch.Tensor):
        """(f_t1, f_stir, evidence logits [B, maps, d, h, w] each map from its own sequence, or None)."""
        f, e = self.encoder.features_and_evidence(torch.cat([t1, stir], dim=0))
        b = t1.shape[0]
        return f[:b], f[b:], None if e is None else own_sequence_maps(e[:b], e[b:])

    def logits_from_features(self, f_t1: torch.Tensor, f_stir: torch.Tensor) -> torch.Tensor:
        v_t1 = pool(f_t1, self.cfg.head.pool)
        v_stir = pool(f_stir, self.cfg.head.pool)
        return self.head(fuse(v_t1, v_stir, self.cfg.head.fusion))

    def forward(self, t1: torch.Tensor, stir: torch.Tensor) -> torch.Tensor:
        return self.logits_from_features(*self.features(t1, stir))
