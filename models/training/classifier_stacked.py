"""Export-time rewrite of the classifier's 3D ResNet encoder (bottleneck blocks) into 2D operators over
its slices stacked as one image, as unet_stacked.py does for the U-Net (why: onnxruntime's CPU
provider runs 2D convolutions in its blocked NCHWc layout with direct kernels, 3D ones as im2col +
GEMM).

Layout: a [N, C, D, H, W] feature map is kept as the image [N, C, D * H, W], slice after slice with no
rows between them. A 3x3x3 convolution is three 2D convolutions, one per in-plane row offset dh, each
with the kernel's [depth taps x column taps] for that dh and its kernel rows dilated by H. Offset -1
at a slice's first row would read the previous slice's last row, and +1 at its last row the next
slice's first: the convolution for dh = -1 reads its input with every slice's last row set to zero (a
row it never reads otherwise), the one for +1 with every first row zero, each through a 0/1 mask.
Zero separator rows between the slices, as the U-Net rewrite keeps, would cost a row of work per
slice in every layer (6% on the third stage's 16-row slices, 12% on the fourth's); the second mask
costs one multiplication over the 3x3x3 convolution's input.

A stride (2, 2, 2) splits the block's input into its even and its odd slices, each slice given an even
row count P = 2 H' (one zero row when H is odd), so that output row d' * H' + h' of a stride-2 2D
convolution reads row d' * P + 2 h' of each half: input slice 2 d' (the middle depth tap) and 2 d' - 1,
2 d' + 1 (the outer two, one convolution per dh with its kernel rows dilated by P). The block's first
1x1x1 convolution runs on each half, and the strided 1x1x1 shortcut reads the even half subsampled
by a 1x1 max-pool of stride 2, so no output row is computed to be thrown away and both halves of the
residual sum are convolutions of the output's layout, which onnxruntime adds inside its NCHWc
convolution. The taps that can read a slice's last row (or its zero row) wrongly read it masked.
Where a convolution would need negative padding (ONNX has none) to stop at the last output row, its
input's unread last row is dropped by a depthwise convolution, which stays in the NCHWc layout as a
Slice would not.

BatchNorm (inference) is folded into the convolutions. The stem stays the 3D convolution (one input
channel, under 1% of the work); its output is the stacked image as it lies in memory.

The wrapper keeps the model's head, so ClassifierWithCam exports it with the same inputs and outputs
(probabilities, CAM) as the 3D graph: a drop-in.
"""

from __future__ import annotations

import warnings
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .classifier import DualEncoderClassifier
from .resnet3d import Bottleneck, ResNet3dEncoder
from .stacked_layout import stack_slices

ROW_OFFSETS = (-1, 0, 1)


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


def _fold(conv: nn.Conv3d, norm: nn.BatchNorm3d) -> Tuple[torch.Tensor, torch.Tensor]:
    """Kernel and bias of Conv3d (no bias) followed by BatchNorm3d in inference mode."""
    scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)
    return (conv.weight * scale[:, None, None, None, None]).detach(), (norm.bias - norm.running_mean * scale).detach()


def _stride(conv: nn.Conv3d) -> int:
    s = tuple(conv.stride)
    if s not in ((1, 1, 1), (2, 2, 2)):
        raise ValueError(f"stacked-slice encoder: expected stride (1, 1, 1) or (2, 2, 2), got {conv}")
    return s[0]


def _vertical_fit(rows_in: int, top: int, extent: int, stride: int, rows_out: int) -> Tuple[int, int]:
    """(bottom padding, input rows to drop from the end) that give a convolution exactly rows_out output
    rows. ONNX has no negative padding: rows past the last one read go, except the stride - 1 that the
    stride's rounding down absorbs."""
    needed = (rows_out - 1) * stride + extent - top
    if rows_in <= needed:
        return needed - rows_in, 0
    return 0, max(0, rows_in - needed - (stride - 1))


def _drop_last_rows(x: torch.Tensor, kernel: Optional[torch.Tensor]) -> torch.Tensor:
    """x without its last kernel.shape[2] - 1 rows: a depthwise convolution that copies its first tap."""
    return x if kernel is None else F.conv2d(x, kernel, groups=x.shape[1])


class _Pointwise(nn.Module):
    """1x1x1 Conv3d + BatchNorm3d as a 2D 1x1 convolution. With stride 2 it reads the block's even
    slices (rows padded to an even count) subsampled by a 1x1 max-pool of stride 2 (onnxruntime's
    1x1 convolution with a stride works a row at a time, at about half its speed)."""

    def __init__(self, conv: nn.Conv3d, norm: nn.BatchNorm3d):
        super().__init__()
        weight, bias = _fold(conv, norm)
        self.stride = _stride(conv)
        self.register_buffer("weight", weight[:, :, 0].clone())
        self.register_buffer("bias", bias.clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride == 2:
            x = F.max_pool2d(x, kernel_size=1, stride=2)
        return F.conv2d(x, self.weight, self.bias)


class _Crops(nn.Module):
    """The depthwise kernels of _drop_last_rows, registered per (channels, rows dropped)."""

    def kernel(self, channels: int, rows: int) -> Optional[torch.Tensor]:
        if rows == 0:
            return None
        name = f"drop{channels}_{rows}"
        if not hasattr(self, name):
            kernel = torch.zeros(channels, 1, rows + 1, 1)
            kernel[:, :, 0] = 1
            self.register_buffer(name, kernel)
        return getattr(self, name)


class _Cubic(nn.Module):
    """3x3x3 Conv3d (padding 1, stride 1) + BatchNorm3d + ReLU on slices of `height` rows stacked
    without gaps: one 2D convolution per in-plane row offset dh, over the depth and column taps."""

    def __init__(self, conv: nn.Conv3d, norm: nn.BatchNorm3d, height: int):
        super().__init__()
        weight, bias = _fold(conv, norm)
        for dh in ROW_OFFSETS:
            self.register_buffer(f"weight{dh + 1}", weight[:, :, :, dh + 1, :].clone())
        self.register_buffer("bias", bias.clone())
        # Output row o, depth tap k reads padded row o + k * height, i.e. input row o + dh + (k - 1) * height.
        self.pads = {dh: (height - dh, height + dh) for dh in ROW_OFFSETS}
        self.height = height

    def forward(self, inputs: Dict[int, torch.Tensor]) -> torch.Tensor:
        """inputs[dh]: the input as convolution dh reads it (-1: slices' last rows zero, +1: first rows)."""
        y = None
        for dh in ROW_OFFSETS:
            top, bottom = self.pads[dh]
            bias = self.bias if dh == 0 else None
            weight = getattr(self, f"weight{dh + 1}")
            part = _PaddedConv2d.apply(inputs[dh], weight, bias, top, bottom, 1, self.height, 1)
            y = part if y is None else y + part
        return torch.relu(y)


class _StridedCubic(nn.Module):
    """3x3x3 Conv3d (padding 1, stride 2) + BatchNorm3d + ReLU over the even and the odd input slices,
    each stacked with `period` = 2 H' rows per slice (module docstring)."""

    def __init__(
        self,
        conv: nn.Conv3d,
        norm: nn.BatchNorm3d,
        height: int,
        period: int,
        slices: Tuple[int, int],
        rows_out: int,
        crops: _Crops,
    ):
        super().__init__()
        weight, bias = _fold(conv, norm)
        self.register_buffer("bias", bias.clone())
        # Offset -1 reads the previous slice's last row at h' = 0; with a zero row added (odd height) +1
        # reaches that row at the last h'. Both must read it as zero.
        self.masked = {-1, 1} if period > height else {-1}
        # The middle depth tap (even slices) as two convolutions: the row offsets that read the input
        # unmasked, and the rest.
        plain = tuple(dh for dh in ROW_OFFSETS if dh not in self.masked)
        self.middle = []
        for group, taps in enumerate((plain, tuple(sorted(self.masked)))):
            self.register_buffer(f"middle{group}", weight[:, :, 1][:, :, [dh + 1 for dh in taps]].clone())
            dilation = taps[-1] - taps[0] if len(taps) > 1 else 1
            extent = dilation * (len(taps) - 1) + 1
            bottom, dropped = _vertical_fit(slices[0] * period, -taps[0], extent, 2, rows_out)
            self.middle.append((group == 1, -taps[0], bottom, dilation, crops.kernel(weight.shape[1], dropped)))
        # The outer depth taps (odd slices d' - 1 and d'): one convolution per dh, kernel rows dilated by period.
        self.outer = []
        for dh in ROW_OFFSETS:
            self.register_buffer(f"outer{dh + 1}", weight[:, :, 0::2, dh + 1, :].clone())
            bottom, dropped = _vertical_fit(slices[1] * period, period - dh, period + 1, 2, rows_out)
            self.outer.append((dh in self.masked, period - dh, bottom, crops.kernel(weight.shape[1], dropped)))
        self.period = period

    def forward(self, even: Dict[bool, torch.Tensor], odd: Dict[bool, torch.Tensor]) -> torch.Tensor:
        """even[masked], odd[masked]: each half as it is, and with its slices' last rows zero."""
        y = None
        for group, (masked, top, bottom, dilation, crop) in enumerate(self.middle):
            bias = self.bias if group == 0 else None
            x = _drop_last_rows(even[masked], crop)
            part = _PaddedConv2d.apply(x, getattr(self, f"middle{group}"), bias, top, bottom, 1, dilation, 2)
            y = part if y is None else y + part
        for dh, (masked, top, bottom, crop) in zip(ROW_OFFSETS, self.outer):
            x = _drop_last_rows(odd[masked], crop)
            y = y + _PaddedConv2d.apply(x, getattr(self, f"outer{dh + 1}"), None, top, bottom, 1, self.period, 2)
        return torch.relu(y)


class _RowMasks:
    """0/1 maps [N, width, slices * period, W] with one row of every slice zero, made once per forward
    from the input (so no optimiser folds them into constants, which would not stay in the NCHWc layout)
    by a 1x1 convolution (whose output onnxruntime keeps in NCHWc, so the Mul with it stays there too)."""

    def __init__(self, ones: torch.Tensor, fans: nn.Module):
        self.ones, self.fans, self.made = ones, fans, {}

    def __call__(self, slices: int, period: int, width: int, zero_row: int, channels: int) -> torch.Tensor:
        key = (slices, period, width, zero_row, channels)
        if key not in self.made:
            n = self.ones.shape[0]
            ones = [self.ones.expand(n, 1, slices, rows, width) for rows in (zero_row, period - zero_row - 1)]
            parts = [ones[0], self.ones.new_zeros(n, 1, slices, 1, width), ones[1]]
            single = torch.cat([p for p in parts if p.shape[3] > 0], dim=3)
            single = single.reshape(n, 1, slices * period, width)
            self.made[key] = F.conv2d(single, getattr(self.fans, f"fan{channels}"))
        return self.made[key]


def _unstack(y: torch.Tensor, size: Sequence[int]) -> torch.Tensor:
    """[N, C, D * H, W] -> [N, C, D, H, W]."""
    return y.reshape(y.shape[0], y.shape[1], *size)


class _StackedBottleneck(nn.Module):
    def __init__(self, block: Bottleneck, size_in: Sequence[int], size_out: Sequence[int], crops: _Crops):
        super().__init__()
        # Sizes are Python ints (not traced shapes): they become the ONNX Conv's attributes.
        self.size_in = tuple(size_in)
        self.conv1 = _Pointwise(block.conv1, block.bn1)
        self.conv3 = _Pointwise(block.conv3, block.bn3)
        self.shortcut = None if isinstance(block.shortcut, nn.Identity) else _Pointwise(*block.shortcut)
        self.stride = _stride(block.conv2)
        self.width = block.conv2.in_channels
        d, h, _ = size_in
        if self.stride == 1:
            self.conv2 = _Cubic(block.conv2, block.bn2, h)
            return
        if d < 2:
            raise ValueError(f"stacked-slice encoder: a strided block needs at least 2 slices, got {d}")
        self.period = 2 * size_out[1]
        self.slices = ((d + 1) // 2, d // 2)
        rows_out = size_out[0] * size_out[1]
        self.conv2 = _StridedCubic(block.conv2, block.bn2, h, self.period, self.slices, rows_out, crops)

    def forward(self, x: torch.Tensor, masks: _RowMasks) -> torch.Tensor:
        if self.stride == 1:
            d, h, w = self.size_in
            y = torch.relu(self.conv1(x))
            inputs = {-1: y * masks(d, h, w, h - 1, self.width), 0: y, 1: y * masks(d, h, w, 0, self.width)}
            skip = x
            y = self.conv2(inputs)
        else:
            y, skip = self._strided_cubic(x, masks)
        if self.shortcut is not None:
            skip = self.shortcut(skip)
        return torch.relu(self.conv3(y) + skip)

    def _strided_cubic(self, x: torch.Tensor, masks: _RowMasks) -> Tuple[torch.Tensor, torch.Tensor]:
        """The strided 3x3x3 convolution's output and the shortcut's input (the even slices)."""
        d, _, w = self.size_in
        slices = _unstack(x, self.size_in)
        halves = [stack_slices(slices[:, :, start::2], self.period) for start in (0, 1)]
        inputs = []
        for half, count in zip(halves, self.slices):
            y = torch.relu(self.conv1(half))
            inputs.append({False: y, True: y * masks(count, self.period, w, self.period - 1, self.width)})
        return self.conv2(*inputs), halves[0]


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
            size = tuple(self.stem(torch.zeros(1, 1, *grid)).shape[2:])
        self.stem_size = size
        self.crops = _Crops()
        self.fans = nn.Module()
        stacked = []
        for b in blocks:
            size_out = tuple((n - 1) // 2 + 1 for n in size) if _stride(b.conv2) == 2 else size
            stacked.append(_StackedBottleneck(b, size, size_out, self.crops))
            size = size_out
        self.blocks = nn.ModuleList(stacked)
        self.size = size
        for width in {b.width for b in self.blocks}:
            self.fans.register_buffer(f"fan{width}", torch.ones(width, 1, 1, 1))
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        masks = _RowMasks((x == x)[:, :1, :1, :1, :1].to(x.dtype), self.fans)
        d, h, w = self.stem_size
        y = self.stem(x)
        y = y.reshape(y.shape[0], y.shape[1], d * h, w)
        for block in self.blocks:
            y = block(y, masks)
        return _unstack(y, self.size)


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
