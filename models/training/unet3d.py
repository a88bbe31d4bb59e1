"""Small residual 3D U-Net for denoising / homogenising one sequence.

Input: the raw resampled volume, z-scored. Output: input + learned correction, trained towards the
z-scored clean volume. The volume is first embedded patch-wise (space to depth: a (1,2,2) patch of
4 voxels -> 16 channels, a linear map that loses nothing) and the correction is un-embedded by the
transposed map, so no 3x3x3 convolution runs at full resolution or on fewer than 16 channels (both
are slow on CPU: mkldnn falls back to a ~10x slower path below 16 channels). Down-sampling is
max-pooling by 1 or 2 per axis; up-sampling is its exact inverse, a transposed convolution with
kernel = stride (no Resize in the exported graph: ONNX Resize rounds indices differently from
PyTorch, METHOD.md "Export pitfalls")."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from .config import UNetConfig


def _conv_block(c_in: int, c_out: int, n: int) -> nn.Sequential:
    layers = []
    for i in range(n):
        layers += [
            nn.Conv3d(c_in if i == 0 else c_out, c_out, 3, 1, 1, bias=False),
            nn.BatchNorm3d(c_out),
            nn.ReLU(inplace=True),
        ]
    return nn.Sequential(*layers)


class UNet3d(nn.Module):
    def __init__(self, cfg: UNetConfig):
        super().__init__()
        if len(cfg.widths) != len(cfg.pool) + 1:
            raise ValueError("unet config: need one more width than pooling levels")
        self.cfg = cfg
        w = cfg.widths
        self.embed = nn.Conv3d(1, w[0], cfg.patch, cfg.patch)
        self.down = nn.ModuleList()
        self.pools = nn.ModuleList()
        c_in = w[0]
        for level, width in enumerate(w[:-1]):
            self.down.append(_conv_block(c_in, width, cfg.convs_per_level))
            self.pools.append(nn.MaxPool3d(cfg.pool[level], cfg.pool[level]))
            c_in = width
        self.bottom = _conv_block(c_in, w[-1], cfg.convs_per_level)
        self.ups = nn.ModuleList()
        self.up_blocks = nn.ModuleList()
        for level in reversed(range(len(cfg.pool))):
            factor = cfg.pool[level]
            self.ups.append(nn.ConvTranspose3d(w[level + 1], w[level], factor, factor))
            self.up_blocks.append(_conv_block(2 * w[level], w[level], cfg.convs_per_level))
        self.out = nn.ConvTranspose3d(w[0], 1, cfg.patch, cfg.patch)
        # Start as the identity map (zero correction): the raw input is already a fair estimate.
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def check_grid(self, size: Sequence[int]) -> None:
        """The patch embedding and every level must divide exactly, or the skip connections would not line up."""
        divisor = list(self.cfg.patch)
        for p in self.cfg.pool:
            divisor = [a * b for a, b in zip(divisor, p)]
        if any(n % d for n, d in zip(size, divisor)):
            raise ValueError(f"U-Net grid {list(size)} is not divisible by its total pooling {divisor}")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        y = self.embed(x)
        for block, pool in zip(self.down, self.pools):
            y = block(y)
            skips.append(y)
            y = pool(y)
        y = self.bottom(y)
        for up, block in zip(self.ups, self.up_blocks):
            y = block(torch.cat([up(y), skips.pop()], dim=1))
        return x + self.out(y)
