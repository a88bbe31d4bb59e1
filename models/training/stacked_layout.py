"""The stacked-slice layout shared by unet_stacked.py and classifier_stacked.py: a volume's slices as the
rows of one image, each followed by zero rows up to a fixed period (the U-Net's separators, the pad row
of an odd slice height in the classifier's strided halves, or none)."""

import torch


def stack_slices(v: torch.Tensor, period: int) -> torch.Tensor:
    """[N, C, D, H, W] -> [N, C, D * period, W], period - H zero rows after each slice."""
    n, c, d, h, w = v.shape
    if period == h:  # no zero block: an empty one would still be a Concat (a copy) in the exported graph
        return v.reshape(n, c, d * h, w)
    return torch.cat([v, v.new_zeros(n, c, d, period - h, w)], dim=3).reshape(n, c, d * period, w)
