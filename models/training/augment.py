"""Training augmentation in the spirit of the paper (bias field, noise, gamma, small in-plane
rotation, elastic deformation, left-right flip), plus translation, on batches [B,1,D,H,W] of paired
T1/STIR. Translation keeps the network from learning where lesions usually lie in the grid instead of
what they look like (docs/MODEL.md, fifth attempt).

Geometric transforms are shared by the two sequences of an exam (they are one anatomy);
intensity transforms are drawn per sequence (each has its own coil and noise)."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def _rezscore(x: torch.Tensor) -> torch.Tensor:
    m = x.mean(dim=(1, 2, 3, 4), keepdim=True)
    s = x.std(dim=(1, 2, 3, 4), keepdim=True).clamp_min(1e-6)
    return (x - m) / s


def bias_field(x: torch.Tensor, g: torch.Generator, strength: float = 0.4) -> torch.Tensor:
    """Multiply by exp(smooth field): a random coarse 3x4x4 grid up-sampled trilinearly."""
    b = x.shape[0]
    coarse = torch.randn(b, 1, 3, 4, 4, generator=g) * strength * torch.rand(b, 1, 1, 1, 1, generator=g)
    field = F.interpolate(coarse, size=x.shape[2:], mode="trilinear", align_corners=True)
    # Multiplicative on the (positive) intensity scale: shift to positive, scale, re-z-score.
    lo = x.amin(dim=(1, 2, 3, 4), keepdim=True)
    return _rezscore((x - lo) * torch.exp(field))


def gamma(x: torch.Tensor, g: torch.Generator, log_range: float = 0.3) -> torch.Tensor:
    b = x.shape[0]
    lo = x.amin(dim=(1, 2, 3, 4), keepdim=True)
    hi = x.amax(dim=(1, 2, 3, 4), keepdim=True)
    u = (x - lo) / (hi - lo).clamp_min(1e-6)
    gam = torch.exp((torch.rand(b, 1, 1, 1, 1, generator=g) * 2 - 1) * log_range)
    return _rezscore(u.clamp_min(0) ** gam)


def noise(x: torch.Tensor, g: torch.Generator, max_sigma: float = 0.15) -> torch.Tensor:
    sigma = torch.rand(x.shape[0], 1, 1, 1, 1, generator=g) * max_sigma
    return _rezscore(x + sigma * torch.randn(x.shape, generator=g))


def sampling_grid(shape, g: torch.Generator, max_degrees: float, elastic: float, max_shift: float = 0.0) -> torch.Tensor:
    """One grid per exam: in-plane rotation about the slice axis, a translation by a whole number of
    voxels (up to `max_shift` of the extent along each axis, so no slice is blurred into the next)
    and a smooth displacement."""
    b, _, d, h, w = shape
    angle = (torch.rand(b, generator=g) * 2 - 1) * math.radians(max_degrees)
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.zeros(b, 3, 4)
    # grid_sample's last grid coordinate is x (W), then y (H), then z (D).
    theta[:, 0, 0], theta[:, 0, 1] = cos, -sin
    theta[:, 1, 0], theta[:, 1, 1] = sin, cos
    theta[:, 2, 2] = 1
    if max_shift > 0:
        for row, n in enumerate((w, h, d)):
            voxels = torch.round((torch.rand(b, generator=g) * 2 - 1) * max_shift * n)
            theta[:, row, 3] = 2 * voxels / n  # normalised coordinates span n voxels over a width of 2
    grid = F.affine_grid(theta, [b, 1, d, h, w], align_corners=False)
    if elastic > 0:
        coarse = torch.randn(b, 3, 3, 5, 5, generator=g) * elastic
        coarse[:, 2] = 0  # no through-plane displacement: slices are thick
        disp = F.interpolate(coarse, size=(d, h, w), mode="trilinear", align_corners=True)
        grid = grid + disp.permute(0, 2, 3, 4, 1)
    return grid


# name -> (max in-plane rotation in degrees, elastic strength, probability of each intensity transform,
# max translation as a fraction of the extent per axis). "flip" keeps only the left-right flip: small
# data sets learn the lesions sooner without the rest; "shift" adds the translation to it.
AUGMENTATIONS = {
    "paper": (10.0, 0.02, 0.5, 0.0),
    "light": (5.0, 0.0, 0.25, 0.0),
    "flip": (0.0, 0.0, 0.0, 0.0),
    "shift": (0.0, 0.0, 0.0, 0.1),
    "paper_shift": (10.0, 0.02, 0.5, 0.1),
}


def augment_pair(t1: torch.Tensor, stir: torch.Tensor, g: torch.Generator, mode: str = "paper", maps=None):
    """-> (t1, stir, maps). `maps` ([B,M,D,H,W] lesion maps, or None) follow the geometric
    transforms of their exam (nearest neighbour, so they stay binary) and no intensity transform."""
    if mode not in AUGMENTATIONS:
        raise ValueError(f"unknown augmentation {mode!r} (expected one of {sorted(AUGMENTATIONS)})")
    max_degrees, elastic, p, max_shift = AUGMENTATIONS[mode]
    b = t1.shape[0]
    both = torch.cat([t1, stir], dim=1)
    maps = None if maps is None else maps.float()
    if max_degrees > 0 or elastic > 0 or max_shift > 0:
        grid = sampling_grid(t1.shape, g, max_degrees=max_degrees, elastic=elastic, max_shift=max_shift)
        # Border padding: what a shift brings in is the edge tissue continued, not a black band.
        both = F.grid_sample(both, grid, mode="bilinear", padding_mode="border", align_corners=False)
        if maps is not None:
            maps = F.grid_sample(maps, grid, mode="nearest", padding_mode="zeros", align_corners=False)
    flip = torch.rand(b, generator=g) < 0.5  # left-right: the model must not learn a side
    both[flip] = both[flip].flip(-1)
    if maps is not None:
        maps[flip] = maps[flip].flip(-1)
    t1, stir = both[:, :1].contiguous(), both[:, 1:].contiguous()
    out = []
    for x in (t1, stir):
        if p > 0 and torch.rand(1, generator=g).item() < p:
            x = bias_field(x, g)
        if p > 0 and torch.rand(1, generator=g).item() < p:
            x = gamma(x, g)
        if p > 0 and torch.rand(1, generator=g).item() < p:
            x = noise(x, g)
        out.append(x)
    return out[0], out[1], maps
