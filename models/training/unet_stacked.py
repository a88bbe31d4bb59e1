"""Export-time rewrite of a trained UNet3d into 2D operators over its slices stacked as one image.

Why: onnxruntime's CPU provider runs a 3D Conv as im2col + GEMM (27 copies of the input for a
3x3x3 kernel), while it rewrites 2D Conv, MaxPool, Add, Mul, Relu and channel Concat into its
blocked NCHWc layout with direct AVX2/AVX-512 kernels and fuses Conv + Add + Relu. The same
function written with those operators runs 1.5-2x faster than the 3D graph there (the shipped
small U-Net and the reference U-Net, 2 threads; README, bench:inference).

Layout: a [1, C, D, H, W] volume is kept as the image [1, C, D * Hp, W]: slice d occupies rows
d * Hp .. d * Hp + H - 1, followed by Hp - H zero rows that separate it from the next slice.
W needs no separators (each row is whole, and the convolution's own zero padding covers its
ends). A 3x3x3 convolution (padding 1) is then the sum of three 2D convolutions, one per
in-plane row offset dh in {-1, 0, 1}: each has the kernel's [3 depth taps x 3 column taps] for
that dh, its kernel rows dilated by Hp (the next slice is Hp rows further on), and its padding
shifted by dh rows (top Hp - dh, bottom Hp + dh). Zero rows beyond the first and last slice come
from that padding, and the separators give the zeros between slices; a row offset never reaches
past a separator. The convolutions also write values into the separator rows, so each result is
multiplied by a 0/1 row mask to put the zeros back before the next layer reads them.

Everything else follows the layout: the inference-mode BatchNorm is folded into the convolution;
max-pooling in-plane is a 2D max-pool (the separator count is chosen so that every level keeps
whole row pairs and at least one separator row), in depth the maximum over runs of slices;
the patch embedding is a 2D convolution (a 1x1x1 one is folded into the first 3x3x3 convolution,
which then reads the volume and its mask instead of widths[0] channels); up-sampling (kernel = stride transposed convolution)
is a 2D transposed convolution whose kd depth taps are kd channel groups moved to consecutive
slices. Input and output stay [1, 1, D, H, W]: the ONNX file is a drop-in for the 3D export.

The masks are computed from the input ((x == x) is 1 for every voxel but NaN) so that no
optimiser folds them into constants: a folded full-size mask would not stay in the NCHWc layout.
"""

from __future__ import annotations

import warnings
from math import prod
from typing import List, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .stacked_layout import stack_slices
from .unet3d import UNet3d

# The in-plane row offsets of a 3x3x3 kernel: one 2D convolution each.
ROW_OFFSETS = (-1, 0, 1)


class _PaddedConv2d(torch.autograd.Function):
    """conv2d with separate top/bottom padding, exported as one ONNX Conv (explicit `pads`):
    torch.onnx would otherwise emit a Pad node and a copy of the whole input."""

    @staticmethod
    def forward(ctx, x, weight, bias, top: int, bottom: int, row_dilation: int):  # noqa: ARG004
        return F.conv2d(F.pad(x, (1, 1, top, bottom)), weight, bias, dilation=(row_dilation, 1))

    @staticmethod
    def symbolic(g, x, weight, bias, top: int, bottom: int, row_dilation: int):
        inputs = [x, weight] if bias is None or bias.node().mustBeNone() else [x, weight, bias]
        with warnings.catch_warnings():
            # torch 1.13 marks Graph.op as deprecated in favour of an API it does not yet offer here.
            warnings.simplefilter("ignore", FutureWarning)
            return g.op("Conv", *inputs, pads_i=[top, 1, bottom, 1], dilations_i=[row_dilation, 1], strides_i=[1, 1])


def _fold_norm(conv: nn.Conv3d, norm: nn.BatchNorm3d) -> Tuple[torch.Tensor, torch.Tensor]:
    """The 3D kernel and bias of Conv3d followed by BatchNorm3d in inference mode."""
    if conv.kernel_size != (3, 3, 3) or conv.stride != (1, 1, 1) or conv.padding != (1, 1, 1) or conv.groups != 1:
        raise ValueError(f"stacked-slice rewrite: expected a 3x3x3 convolution with stride 1 and padding 1, got {conv}")
    scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)
    bias = norm.bias - norm.running_mean * scale
    if conv.bias is not None:
        bias = bias + conv.bias * scale
    return conv.weight * scale[:, None, None, None, None], bias


class _StackedConv(nn.Module):
    """Conv3d(3x3x3, padding 1) + inference BatchNorm3d + ReLU on the stacked layout. Its input may
    come as channel groups (`splits`): each group gets its own convolutions, summed, so that a
    skip connection is never copied into a concatenation (onnxruntime could not keep that copy
    in its NCHWc layout when one part comes from a transposed convolution)."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, period: int, splits: Sequence[int] = ()):
        super().__init__()
        self.period = period
        # weight[:, :, depth tap, row tap, column tap] -> one [Cout, Cin, depth, column] kernel per row tap and group.
        for g, part in enumerate(torch.split(weight, list(splits) or [weight.shape[1]], dim=1)):
            for dh in ROW_OFFSETS:
                self.register_buffer(f"weight{g}_{dh + 1}", part[:, :, :, dh + 1, :].detach().clone())
        self.register_buffer("bias", bias.detach().clone())

    def forward(self, inputs: Sequence[torch.Tensor], mask: torch.Tensor) -> torch.Tensor:
        y = None
        for g, x in enumerate(inputs):
            for dh in ROW_OFFSETS:
                bias = self.bias if g == 0 and dh == 0 else None
                part = _PaddedConv2d.apply(x, getattr(self, f"weight{g}_{dh + 1}"), bias, self.period - dh, self.period + dh, self.period)
                y = part if y is None else y + part
        return torch.relu(y) * mask


def _check_patchwise(layer: nn.Module, what: str) -> None:
    if layer.kernel_size != layer.stride or any(layer.padding) or layer.groups != 1:
        raise ValueError(f"stacked-slice rewrite: expected {what} with kernel = stride and no padding, got {layer}")
    if isinstance(layer, nn.ConvTranspose3d) and any(layer.output_padding):
        raise ValueError(f"stacked-slice rewrite: expected {what} without output padding, got {layer}")


class _StackedExpand(nn.Module):
    """ConvTranspose3d with kernel = stride: a 2D transposed convolution in-plane; its kd depth
    taps are kd channel groups, each moved to its own output slice."""

    def __init__(self, up: nn.ConvTranspose3d):
        super().__init__()
        _check_patchwise(up, "an up-sampling")
        kd, kh, kw = up.kernel_size
        self.depth, self.c_out = kd, up.out_channels
        self.up = nn.ConvTranspose2d(up.in_channels, kd * up.out_channels, (kh, kw), (kh, kw), bias=up.bias is not None)
        # [Cin, Cout, kd, kh, kw] -> [Cin, kd * Cout, kh, kw]: channel group k is output slice k.
        self.up.weight.data.copy_(up.weight.permute(0, 2, 1, 3, 4).reshape(self.up.weight.shape))
        if up.bias is not None:
            self.up.bias.data.copy_(up.bias.repeat(kd))

    def forward(self, x: torch.Tensor, slices: int) -> torch.Tensor:
        y = self.up(x)
        if self.depth == 1:
            return y
        _, _, rows, cols = y.shape
        # [1, kd, Cout, D, slice rows x cols] -> [1, Cout, D, kd, ...]: group k follows slice d.
        y = y.reshape(1, self.depth, self.c_out, slices, rows // slices * cols).permute(0, 2, 3, 1, 4)
        return y.reshape(1, self.c_out, rows * self.depth, cols)


def _depth_max(x: torch.Tensor, slices: int, depth: int) -> torch.Tensor:
    """Maximum over each run of `depth` consecutive slices of the stacked layout."""
    n, c, rows, cols = x.shape
    return x.reshape(n, c, slices // depth, depth, rows // slices * cols).amax(dim=3).reshape(n, c, rows // depth, cols)


class StackedSliceUNet(nn.Module):
    """The same function as `unet.eval()` for one [1, 1, D, H, W] volume, written with 2D operators."""

    def __init__(self, unet: UNet3d, grid: Sequence[int]):
        super().__init__()
        unet.check_grid(grid)
        cfg = unet.cfg
        depth, rows, _ = grid
        if cfg.patch[0] != 1:
            raise ValueError(f"stacked-slice rewrite: needs a patch embedding of depth 1, got {list(cfg.patch)}")
        for m in (unet.embed, unet.out):
            _check_patchwise(m, "the patch embedding")
        # Row factor of every in-plane down-sampling: that many separator rows at full resolution
        # keep whole row pairs through every pooling and leave at least one at the coarsest level.
        row_factor = cfg.patch[1] * prod(p[1] for p in cfg.pool)
        self.depth, self.rows, self.period = depth, rows, rows + row_factor
        self.patch = tuple(cfg.patch[1:])
        self.widths = list(cfg.widths)
        self.pool = [tuple(p) for p in cfg.pool]
        periods = [self.period // cfg.patch[1]]
        for p in cfg.pool:
            periods.append(periods[-1] // p[1])
        self.down = nn.ModuleList(self._block(b, periods[i]) for i, b in enumerate(unet.down))
        if cfg.patch == (1, 1, 1):
            # A 1x1x1 embedding (w * x + b per channel) followed by the first 3x3x3 convolution is
            # one convolution over two channels, the volume and its mask (the embedding is zero
            # outside the volume, its bias only inside): that convolution then reads 2 channels,
            # not widths[0].
            weight, bias = _fold_norm(unet.down[0][0], unet.down[0][1])
            w, b = unet.embed.weight[:, 0, 0, 0, 0], unet.embed.bias
            fused = torch.stack([torch.einsum("oi...,i->o...", weight, w), torch.einsum("oi...,i->o...", weight, b)], dim=1)
            self.down[0][0] = _StackedConv(fused, bias, periods[0])
            self.embed = None
        else:
            self.embed = nn.Conv2d(1, cfg.widths[0], self.patch, self.patch)
            self.embed.weight.data.copy_(unet.embed.weight[:, :, 0])
            self.embed.bias.data.copy_(unet.embed.bias)
        self.bottom = self._block(unet.bottom, periods[-1])
        self.ups = nn.ModuleList(_StackedExpand(u) for u in unet.ups)
        levels = list(reversed(range(len(cfg.pool))))
        self.up_blocks = nn.ModuleList(
            self._block(b, periods[lv], (cfg.widths[lv], cfg.widths[lv])) for b, lv in zip(unet.up_blocks, levels)
        )
        self.out = _StackedExpand(unet.out)
        # Full-width masks are made by a 1x1 convolution with unit weights from the one-channel
        # mask: onnxruntime keeps a Conv's output in its NCHWc layout, so the Mul with it stays there.
        for width in sorted(set(cfg.widths)):
            self.register_buffer(f"fan{width}", torch.ones(width, 1, 1, 1))
        self.eval()

    @staticmethod
    def _block(block: nn.Sequential, period: int, first_splits: Sequence[int] = ()) -> nn.ModuleList:
        layers = list(block)
        convs, norms, relus = layers[0::3], layers[1::3], layers[2::3]
        if len(layers) % 3 or not all(
            isinstance(c, nn.Conv3d) and isinstance(n, nn.BatchNorm3d) and isinstance(r, nn.ReLU) for c, n, r in zip(convs, norms, relus)
        ):
            raise ValueError("stacked-slice rewrite: a U-Net block must be (Conv3d, BatchNorm3d, ReLU) repeated")
        return nn.ModuleList(
            _StackedConv(*_fold_norm(c, n), period, first_splits if i == 0 else ()) for i, (c, n) in enumerate(zip(convs, norms))
        )

    def _full(self, mask: torch.Tensor, width: int) -> torch.Tensor:
        """The one-channel mask repeated over `width` channels."""
        return F.conv2d(mask, getattr(self, f"fan{width}"))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if list(x.shape[:4]) != [1, 1, self.depth, self.rows]:
            raise ValueError(f"stacked-slice U-Net: expected a [1, 1, {self.depth}, {self.rows}, W] volume, got {list(x.shape)}")
        stacked = stack_slices(x, self.period)
        mask = stack_slices((x == x).to(x.dtype), self.period)
        if self.patch != (1, 1):
            mask = F.max_pool2d(mask, self.patch)
        slices = self.depth
        # Per level, outermost first: the one-channel mask, the full-width mask, the slice count, the skip.
        levels: List[Tuple[torch.Tensor, torch.Tensor, int, torch.Tensor]] = []
        full = self._full(mask, self.widths[0])
        y = torch.cat([stacked, mask], dim=1) if self.embed is None else self.embed(stacked) * full
        for level, (block, (pd, ph, pw)) in enumerate(zip(self.down, self.pool)):
            if level > 0:
                full = self._full(mask, self.widths[level])
            for conv in block:
                y = conv([y], full)
            levels.append((mask, full, slices, y))
            y, mask = F.max_pool2d(y, (ph, pw)), F.max_pool2d(mask, (ph, pw))
            if pd > 1:
                y, mask = _depth_max(y, slices, pd), _depth_max(mask, slices, pd)
                slices //= pd
        full = self._full(mask, self.widths[-1])
        for conv in self.bottom:
            y = conv([y], full)
        for up, block in zip(self.ups, self.up_blocks):
            coarse_slices = slices
            mask, full, slices, skip = levels.pop()
            # The transposed convolution's bias lands on the separator rows too: mask it out.
            y = block[0]([up(y, coarse_slices) * mask, skip], full)
            for conv in block[1:]:
                y = conv([y], full)
        y = stacked + self.out(y, slices)
        return y.reshape(1, 1, self.depth, self.period, -1)[:, :, :, : self.rows]
