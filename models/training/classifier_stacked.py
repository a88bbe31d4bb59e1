"""Export-time rewrite of the classifier's 3D ResNet encoder (bottleneck blocks) into 2D operators over
its slices stacked as one image, as unet_stacked.py does for the U-Net (why: onnxruntime's CPU
provider runs 2D convolutions in its blocked NCHWc layout with direct kernels, 3D ones as im2col +
GEMM).

Layout: a [N, C, D, H, W] feature map is kept as the image [N, C, D * P, W]: slice d occupies rows
d * P .. d * P + H - 1, then P - H separator rows (zero where a 3x3x3 convolution reads them). A
3x3x3 convolution is three 2D convolutions, one per in-plane row offset dh, each with the kernel's
[depth taps x column taps] for that dh and its kernel rows dilated by P. A stride (2, 2, 2) splits the
input into its even and its odd slices, each stacked with the period Q2 = 2 Q, Q = H' + 1 being the
output's: output row d' * Q + h' of a stride-2 2D convolution then reads row d' * Q2 + 2 h' of each,
i.e. input slices 2 d' (the middle depth tap) and 2 d' - 1, 2 d' + 1 (the outer two, one convolution
per dh with its kernel rows dilated by Q2); the strided 1x1x1 shortcut reads the input subsampled to the
period Q. No output row is computed to be thrown away (keeping the period P through a strided
convolution computes twice the rows it keeps), and both halves of the residual sum are convolutions of
the new period, which onnxruntime adds inside its NCHWc convolution; a repack after the sum would leave
every later sum of the stage outside NCHWc (a reorder out, an Add, a ReLU and a reorder in per block).
1x1x1 convolutions are 2D 1x1 convolutions.
BatchNorm (inference) is folded into the convolutions. The stem stays the 3D convolution (one
input channel, under 1% of the work); its output is stacked once. Only the inputs of 3x3x3
convolutions need zero separators: the 1x1x1 convolution before each is followed by a 0/1 mask (in
a strided block, by the split, which drops the old separators).

The wrapper keeps the model's head, so ClassifierWithCam exports it with the same inputs and outputs
(probabilities, CAM) as the 3D graph: a drop-in.
"""

from __future__ import annotations

import warnings
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .classifier import DualEncoderClassifier
from .resnet3d import Bottleneck, ResNet3dEncoder
from .stacked_layout import stack_slices

ROW_OFFSETS = (-1, 0, 1)
# Separator rows per slice: a 3x3x3 kernel reaches one row past a slice's edge.
SEPARATOR = 1


class _PaddedConv2d(torch.autograd.Function):
    """conv2d with separate top/bottom row padding, exported as one ONNX Conv with explicit pads."""

    @staticmethod
    def forward(ctx, x, weight, bias, top: int, bottom: int, cols: int, row_dilation: int, stride: int):  # noqa: ARG004
        return F.conv2d(F.pad(x, (cols, cols, top, bottom)), weight, bias, stride=stride, dilation=(row_dilation, 1))

    @staticmethod
    def symbolic(g, x, weight, bias, top: int, bottom: int, cols: int, row_dilation: int, stride: int):
        inputs = [x, weight] if bias is None or bias.node().mustBeNone() else [x, weight, bias]
        with warnings.catch_warnings():
            # torch 1.13 marks Graph.op as deprecated in favour of an API it does not yet offer here.
            warnings.simplefilter("ignore", FutureWarning)
            return g.op(
                "Conv", *inputs, pads_i=[top, cols, bottom, cols], dilations_i=[row_dilation, 1], strides_i=[stride, stride]
            )


class _StepSlice(torch.autograd.Function):
    """x[..., start:end:step] over several axes at once, exported as one ONNX Slice (PyTorch's
    export writes one Slice per axis, each a pass over the map)."""

    @staticmethod
    def forward(ctx, x, axes: Sequence[int], starts: Sequence[int], ends: Sequence[int], steps: Sequence[int]):  # noqa: ARG004
        index = [slice(None)] * x.dim()
        for axis, start, end, step in zip(axes, starts, ends, steps):
            index[axis] = slice(start, end, step)
        return x[tuple(index)].clone()

    @staticmethod
    def symbolic(g, x, axes, starts, ends, steps):
        with warnings.catch_warnings():
            # As in _PaddedConv2d.symbolic.
            warnings.simplefilter("ignore", FutureWarning)
            values = [g.op("Constant", value_t=torch.tensor(v, dtype=torch.int64)) for v in (starts, ends, axes, steps)]
            return g.op("Slice", x, *values)


def _fold(conv: nn.Conv3d, norm: nn.BatchNorm3d) -> Tuple[torch.Tensor, torch.Tensor]:
    """Kernel and bias of Conv3d (no bias) followed by BatchNorm3d in inference mode."""
    scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)
    return (conv.weight * scale[:, None, None, None, None]).detach(), (norm.bias - norm.running_mean * scale).detach()


def _stride(conv: nn.Conv3d) -> int:
    s = tuple(conv.stride)
    if s not in ((1, 1, 1), (2, 2, 2)):
        raise ValueError(f"stacked-slice encoder: expected stride (1, 1, 1) or (2, 2, 2), got {conv}")
    return s[0]


class _Pointwise(nn.Module):
    """1x1x1 Conv3d + BatchNorm3d as a 2D 1x1 convolution."""

    def __init__(self, conv: nn.Conv3d, norm: nn.BatchNorm3d):
        super().__init__()
        weight, bias = _fold(conv, norm)
        _stride(conv)  # refuses strides other than 1 and 2; a strided input arrives subsampled
        self.register_buffer("weight", weight[:, :, 0].clone())
        self.register_buffer("bias", bias.clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x already at the output's resolution (a strided shortcut's input subsampled by the caller)."""
        return F.conv2d(x, self.weight, self.bias)


def _bottom_padding(rows_in: int, top: int, extent: int, stride: int, rows_out: int) -> int:
    """The bottom padding that gives a convolution exactly rows_out output rows (ONNX has no negative
    padding; one row too many is absorbed by the stride's rounding down)."""
    bottom = (rows_out - 1) * stride + extent - rows_in - top
    if bottom < -(stride - 1):
        raise ValueError(f"stacked-slice encoder: input of {rows_in} rows too long for {rows_out} output rows")
    return max(bottom, 0)


class _Cubic(nn.Module):
    """3x3x3 Conv3d (padding 1) + BatchNorm3d + ReLU as row-dilated 2D convolutions."""

    def __init__(self, conv: nn.Conv3d, norm: nn.BatchNorm3d):
        super().__init__()
        if conv.kernel_size != (3, 3, 3) or conv.padding != (1, 1, 1) or conv.groups != 1:
            raise ValueError(f"stacked-slice encoder: expected a 3x3x3 convolution with padding 1, got {conv}")
        weight, bias = _fold(conv, norm)
        self.stride = _stride(conv)
        if self.stride == 1:
            for dh in ROW_OFFSETS:
                self.register_buffer(f"weight{dh + 1}", weight[:, :, :, dh + 1, :].clone())
        else:
            # Even input slices meet only the middle depth tap; odd ones the outer two.
            self.register_buffer("middle", weight[:, :, 1].clone())
            for dh in ROW_OFFSETS:
                self.register_buffer(f"outer{dh + 1}", weight[:, :, 0::2, dh + 1, :].clone())
        self.register_buffer("bias", bias.clone())

    def forward(self, x: torch.Tensor, period: int, rows_in: int, rows_out: int) -> torch.Tensor:
        """Stride 1: three convolutions, one per in-plane row offset dh, over the depth and column taps."""
        y = None
        for dh in ROW_OFFSETS:
            # Output row o, depth tap k reads padded row o + k*P, i.e. input row o + dh + (k-1)*P.
            top = period - dh
            bottom = _bottom_padding(rows_in, top, 2 * period + 1, 1, rows_out)
            bias = self.bias if dh == 0 else None
            part = _PaddedConv2d.apply(x, getattr(self, f"weight{dh + 1}"), bias, top, bottom, 1, period, 1)
            y = part if y is None else y + part
        return torch.relu(y)

    def forward_strided(
        self, even: torch.Tensor, odd: torch.Tensor, rows: Tuple[int, int], period_out: int, rows_out: int
    ) -> torch.Tensor:
        """Stride 2 over the even and the odd input slices, each stacked with the period 2 * period_out:
        output row o = d' * period_out + h' then reads row 2 o = d' * (2 period_out) + 2 h', slice d' of
        each half, i.e. input slice 2 d' (middle tap) and 2 d' - 1, 2 d' + 1 (outer taps), and no row
        is computed that is thrown away."""
        period_in = 2 * period_out
        bottom = _bottom_padding(rows[0], 1, 3, 2, rows_out)
        y = _PaddedConv2d.apply(even, self.middle, self.bias, 1, bottom, 1, 1, 2)
        for dh in ROW_OFFSETS:
            # Depth tap 0 reads odd slice d' - 1 at padded row 2 o, tap 2 odd slice d' one period on.
            top = period_in - dh
            bottom = _bottom_padding(rows[1], top, period_in + 1, 2, rows_out)
            y = y + _PaddedConv2d.apply(odd, getattr(self, f"outer{dh + 1}"), None, top, bottom, 1, period_in, 2)
        return torch.relu(y)


def _unstack(y: torch.Tensor, size: Sequence[int], period: int) -> torch.Tensor:
    """[N, C, D * period, W] -> [N, C, D, period, W]."""
    d, _, w = size
    return y.reshape(y.shape[0], y.shape[1], d, period, w)


class _StackedBottleneck(nn.Module):
    def __init__(self, block: Bottleneck):
        super().__init__()
        self.conv1 = _Pointwise(block.conv1, block.bn1)
        self.conv2 = _Cubic(block.conv2, block.bn2)
        self.conv3 = _Pointwise(block.conv3, block.bn3)
        self.shortcut = None if isinstance(block.shortcut, nn.Identity) else _Pointwise(*block.shortcut)
        self.stride = self.conv2.stride

    def forward(
        self, x: torch.Tensor, mask: Optional[torch.Tensor], size_in: Sequence[int], size_out: Sequence[int]
    ) -> torch.Tensor:
        # Sizes are Python ints (not traced shapes): they become the ONNX Conv's attributes.
        period, period_out = size_in[1] + SEPARATOR, size_out[1] + SEPARATOR
        y = torch.relu(self.conv1(x))
        if self.stride == 1:
            y = self.conv2(y * mask, period, size_in[0] * period, size_out[0] * period)
            skip = x
        else:
            y = self._strided_cubic(y, size_in, size_out)
            # The 1x1x1 shortcut with stride 2 reads the block input subsampled to the new period.
            d, h, w = size_in
            subsampled = _StepSlice.apply(_unstack(x, size_in, period), (2, 3, 4), (0, 0, 0), (d, h, w), (2, 2, 2))
            skip = stack_slices(subsampled, period_out)
        if self.shortcut is not None:
            skip = self.shortcut(skip)
        return torch.relu(self.conv3(y) + skip)

    def _strided_cubic(self, y: torch.Tensor, size_in: Sequence[int], size_out: Sequence[int]) -> torch.Tensor:
        d, h, _ = size_in
        if d < 2:
            raise ValueError(f"stacked-slice encoder: a strided block needs at least 2 slices, got {d}")
        period_out = size_out[1] + SEPARATOR
        rows_out = size_out[0] * period_out
        # Dropping each slice's separator rows here replaces the mask: the new ones are zeros.
        slices = _unstack(y, size_in, h + SEPARATOR)
        even = stack_slices(_StepSlice.apply(slices, (2, 3), (0, 0), (d, h), (2, 1)), 2 * period_out)
        # With an even slice count the last odd slice's trailing zero row lies past every output row's reach.
        odd_rows = d // 2 * 2 * period_out
        rows = ((d + 1) // 2 * 2 * period_out, min(odd_rows, 2 * rows_out - 1))
        odd = stack_slices(_StepSlice.apply(slices, (2, 3), (1, 0), (d, h), (2, 1)), 2 * period_out)
        if rows[1] < odd_rows:  # a Slice that keeps every row would still copy the map
            odd = odd[:, :, : rows[1]]
        return self.conv2.forward_strided(even, odd, rows, period_out, rows_out)


class StackedSliceEncoder(nn.Module):
    """The same function as `encoder.eval()` on [N, 1, D, H, W] volumes of the given grid."""

    def __init__(self, encoder: ResNet3dEncoder, grid: Sequence[int]):
        super().__init__()
        blocks = [b for stage in encoder.stages for b in stage]
        if not all(isinstance(b, Bottleneck) for b in blocks):
            raise ValueError("stacked-slice encoder: expected bottleneck blocks")
        if len(encoder.stem) != 3:
            raise ValueError("stacked-slice encoder: expected a stem without max-pool")
        self.stem = encoder.stem
        with torch.no_grad():
            size = list(self.stem(torch.zeros(1, 1, *grid)).shape[2:])
        self.stem_size = tuple(size)
        self.blocks = nn.ModuleList(_StackedBottleneck(b) for b in blocks)
        # The (D, H, W) each block outputs.
        self.sizes: List[Tuple[int, int, int]] = []
        for b in self.blocks:
            if b.stride == 2:
                size = [(n - 1) // 2 + 1 for n in size]
            self.sizes.append(tuple(size))
        for width in {b.conv1.weight.shape[0] for b in self.blocks}:
            self.register_buffer(f"fan{width}", torch.ones(width, 1, 1, 1))
        self.eval()

    def _mask(self, ones: torch.Tensor, size: Sequence[int], width: int) -> torch.Tensor:
        """A 0/1 map of the valid rows at `size` over `width` channels, made from the input (so no
        optimiser folds it into a constant, which would not stay in the NCHWc layout) by a 1x1
        convolution (whose output onnxruntime keeps in NCHWc, so the Mul with it stays there too)."""
        d, h, w = size
        single = stack_slices(ones.expand(-1, -1, d, h, w), h + SEPARATOR)
        return F.conv2d(single, getattr(self, f"fan{width}"))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ones = (x == x)[:, :1, :1, :1, :1].to(x.dtype)
        size = self.stem_size
        y = stack_slices(self.stem(x), size[1] + SEPARATOR)
        masks = {}
        for block, size_out in zip(self.blocks, self.sizes):
            width = block.conv1.weight.shape[0]
            key = (*size, width)
            if block.stride == 1 and key not in masks:
                masks[key] = self._mask(ones, size, width)
            y = block(y, masks.get(key), size, size_out)
            size = size_out
        return _unstack(y, size, size[1] + SEPARATOR)[:, :, :, : size[1]]


class StackedSliceClassifier(nn.Module):
    """The classifier with its encoder rewritten; `features`, `head` and `cfg` as ClassifierWithCam
    reads them from a DualEncoderClassifier."""

    def __init__(self, model: DualEncoderClassifier, grid: Sequence[int]):
        super().__init__()
        model = model.eval()
        self.cfg = model.cfg
        self.head = model.head
        self.encoder = StackedSliceEncoder(model.encoder, grid)
        self.eval()

    def features(self, t1: torch.Tensor, stir: torch.Tensor):
        f = self.encoder(torch.cat([t1, stir], dim=0))
        return f[: t1.shape[0]], f[t1.shape[0] :]
