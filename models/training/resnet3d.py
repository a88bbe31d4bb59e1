"""3D ResNet encoder (basic or bottleneck blocks) returning the last stage's feature map, optionally
with (or replaced by) lesion-evidence maps (config.EncoderConfig.evidence)."""

from __future__ import annotations

from typing import Optional, Tuple

import torch
from torch import nn

from .config import EncoderConfig
from .lesion_maps import MAPS

EVIDENCE = ("none", "append", "only")
EVIDENCE_MAPS = len(MAPS)  # one per lesion map: bone marrow edema, structural lesions


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, c_in: int, width: int, stride: Tuple[int, int, int]):
        super().__init__()
        self.conv1 = nn.Conv3d(c_in, width, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm3d(width)
        self.conv2 = nn.Conv3d(width, width, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm3d(width)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = _shortcut(c_in, width, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu(y + self.shortcut(x))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, c_in: int, width: int, stride: Tuple[int, int, int]):
        super().__init__()
        c_out = width * self.expansion
        self.conv1 = nn.Conv3d(c_in, width, 1, bias=False)
        self.bn1 = nn.BatchNorm3d(width)
        self.conv2 = nn.Conv3d(width, width, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm3d(width)
        self.conv3 = nn.Conv3d(width, c_out, 1, bias=False)
        self.bn3 = nn.BatchNorm3d(c_out)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = _shortcut(c_in, c_out, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return self.relu(y + self.shortcut(x))


def _shortcut(c_in: int, c_out: int, stride: Tuple[int, int, int]) -> nn.Module:
    if c_in == c_out and tuple(stride) == (1, 1, 1):
        return nn.Identity()
    return nn.Sequential(nn.Conv3d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm3d(c_out))


class ResNet3dEncoder(nn.Module):
    """Single-channel volume [B,1,D,H,W] -> last-stage features [B,C,d,h,w] (after the final ReLU)."""

    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        if len(cfg.layers) != len(cfg.widths) or len(cfg.layers) != len(cfg.stage_strides):
            raise ValueError("encoder config: layers, widths and stage_strides must have the same length")
        block = {"basic": BasicBlock, "bottleneck": Bottleneck}.get(cfg.block)
        if block is None:
            raise ValueError(f"encoder config: unknown block type {cfg.block!r}")
        stem = [
            nn.Conv3d(1, cfg.stem_channels, cfg.stem_kernel, cfg.stem_stride, cfg.stem_padding, bias=False),
            nn.BatchNorm3d(cfg.stem_channels),
            nn.ReLU(inplace=True),
        ]
        if cfg.stem_pool_stride is not None:
            stem.append(nn.MaxPool3d(3, cfg.stem_pool_stride, 1))
        self.stem = nn.Sequential(*stem)
        stages = []
        c_in = cfg.stem_channels
        for n_blocks, width, stride in zip(cfg.layers, cfg.widths, cfg.stage_strides):
            blocks = []
            for i in range(n_blocks):
                blocks.append(block(c_in, width, stride if i == 0 else (1, 1, 1)))
                c_in = width * block.expansion
            stages.append(nn.Sequential(*blocks))
        self.stages = nn.Sequential(*stages)
        if cfg.evidence not in EVIDENCE:
            raise ValueError(f"encoder config: unknown evidence {cfg.evidence!r} (expected one of {EVIDENCE})")
        self.evidence_mode = cfg.evidence
        self.evidence = None if cfg.evidence == "none" else nn.Conv3d(c_in, EVIDENCE_MAPS, kernel_size=1)
        self.out_channels = {"none": c_in, "append": c_in + EVIDENCE_MAPS, "only": EVIDENCE_MAPS}[cfg.evidence]
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        # Zero-init the last BN of each residual branch: every block starts as identity, which
        # trains faster and more stably at the small batch sizes a CPU allows.
        for m in self.modules():
            if isinstance(m, BasicBlock):
                nn.init.zeros_(m.bn2.weight)
            elif isinstance(m, Bottleneck):
                nn.init.zeros_(m.bn3.weight)
        if self.evidence is not None:  # a read-out, not a ReLU layer: PyTorch's default (fan-in) scale
            self.evidence.reset_parameters()

    def features_and_evidence(self, x: torch.Tensor) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """-> (output features, evidence logits [B, EVIDENCE_MAPS, d, h, w] or None)."""
        f = self.stages(self.stem(x))
        if self.evidence is None:
            return f, None
        logits = self.evidence(f)
        p = torch.sigmoid(logits)
        return (p if self.evidence_mode == "only" else torch.cat([f, p], dim=1)), logits

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features_and_evidence(x)[0]
