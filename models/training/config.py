"""Network sizes. Depth, width and grid are configuration; presets name the shipped and reference sizes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Dict, List, Tuple

Triple = Tuple[int, int, int]


@dataclass(frozen=True)
class EncoderConfig:
    """3D ResNet encoder. `block` is "basic" (ResNet-18/34) or "bottleneck" (ResNet-50/101)."""

    block: str = "basic"
    layers: Tuple[int, ...] = (2, 2, 2, 2)
    widths: Tuple[int, ...] = (16, 32, 64, 128)
    stage_strides: Tuple[Triple, ...] = ((1, 1, 1), (2, 2, 2), (1, 2, 2), (1, 1, 1))
    stem_channels: int = 16
    stem_kernel: Triple = (3, 7, 7)
    stem_stride: Triple = (1, 2, 2)
    stem_padding: Triple = (1, 3, 3)
    # Max-pool after the stem (kernel 3, stride given). None = no pool (as the paper's code).
    stem_pool_stride: Triple | None = (1, 2, 2)
    # Lesion-evidence maps at the end of the encoder: a 1x1x1 convolution from the last stage to one
    # channel per lesion map (lesion_maps.MAPS) and a sigmoid, trained on the lesion masks where a
    # dataset has them. "none": the last stage is the output; "append": the maps are added to its
    # channels; "only": the maps are the output, so the head sees nothing but pooled lesion evidence
    # (max: the most lesion-like cell, mean: how much of the volume is affected).
    evidence: str = "none"


@dataclass(frozen=True)
class HeadConfig:
    """Classifier head. fusion "side_by_side" feeds [T1 vector, STIR vector] to the head;
    "sequence_pool" is the published code's choice: [max over sequences, mean over sequences]."""

    fusion: str = "side_by_side"
    # Spatial pooling of each sequence's features: "max" (the published code) or "max_avg" (fastai's
    # concat pooling): the average lets the head count how much of the volume is affected, which the
    # ASAS rules need (>= 2 lesions, >= 3 slices, >= 4 quadrants); the maximum finds a single lesion.
    pool: str = "max_avg"
    hidden: int = 512
    dropout: Tuple[float, float] = (0.25, 0.5)
    tasks: Tuple[str, ...] = ("active_inflammation", "asas_bme", "structural")


@dataclass(frozen=True)
class UNetConfig:
    """Small residual 3D U-Net. `patch`: the space-to-depth embedding before the first level;
    `pool` lists each level's down-sampling factor (1 or 2 per axis); up-sampling is the exact
    inverse (transposed convolution, kernel = stride), never a resize."""

    patch: Triple = (1, 2, 2)
    widths: Tuple[int, ...] = (16, 32, 64)
    pool: Tuple[Triple, ...] = ((1, 2, 2), (2, 2, 2))
    convs_per_level: int = 2


@dataclass(frozen=True)
class ModelConfig:
    name: str
    grid_size: Triple  # classifier input (slices, rows, cols)
    grid_spacing: Tuple[float, float, float]
    unet_grid_size: Triple
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    head: HeadConfig = field(default_factory=HeadConfig)
    unet: UNetConfig = field(default_factory=UNetConfig)

    def to_json(self) -> Dict:
        return asdict(self)


# The shipped size, chosen for a 2-core CPU (one exam, both U-Nets + classifier + CAM, well under
# 2 s in onnxruntime-node; training in minutes): ResNet-10-style encoder with a patch-embedding stem
# ((1,4,4) patches -> 16 channels, as ConvNeXt; no convolution on fewer than 16 channels, which
# mkldnn runs ~10x slower), CAM grid 10 x 7 x 7.
SMALL = ModelConfig(
    name="small",
    grid_size=(20, 112, 112),
    grid_spacing=(3.5, 2.0, 2.0),
    unet_grid_size=(20, 112, 112),
    encoder=EncoderConfig(
        layers=(1, 1, 1, 1),
        widths=(16, 32, 64, 64),
        stem_channels=16,
        stem_kernel=(1, 4, 4),
        stem_stride=(1, 4, 4),
        stem_padding=(0, 0, 0),
        stem_pool_stride=None,
    ),
    unet=UNetConfig(convs_per_level=1),
)

# The shipped size whose encoder ends in lesion-evidence maps only (EncoderConfig.evidence): the head
# reads the pooled evidence, so it cannot fit the training exams by anything else (docs/MODEL.md).
SMALL_EVIDENCE = replace(SMALL, name="small-evidence", encoder=replace(SMALL.encoder, evidence="only"))

# A lesion detector: the shipped stem and two residual stages at the stem's resolution (cells of
# 3.5 x 8 x 8 mm, receptive field about 31 x 72 x 72 mm), ending in lesion-evidence maps only. Its
# field of view is too small to learn where lesions usually are, so it has to learn what they look
# like; the head counts what it finds, and the CAM is 4 x finer in-plane than the deep encoder's.
SMALL_DETECTOR = replace(
    SMALL,
    name="small-detector",
    encoder=replace(SMALL.encoder, layers=(1, 1), widths=(16, 32), stage_strides=((1, 1, 1), (1, 1, 1)), evidence="only"),
)

# A tiny variant for tests and the committed random-weight fixture: same topology, fewer channels.
TINY = ModelConfig(
    name="tiny",
    grid_size=(20, 112, 112),
    grid_spacing=(3.5, 2.0, 2.0),
    unet_grid_size=(20, 112, 112),
    encoder=EncoderConfig(layers=(1, 1, 1, 1), widths=(8, 8, 16, 16), stem_channels=8),
    head=HeadConfig(hidden=32),
    unet=UNetConfig(widths=(4, 8, 8), convs_per_level=1),
)

# The paper's size (METHOD.md): ResNet-101 dual encoder at 16 x 192 x 192 with the published stem
# (kernel (2,5,5), stride (1,3,3), padding 1, 128 channels, no max-pool) and the published
# head fusion; U-Net input 20 x 224 x 224. For benchmarks only: far too slow to train here.
REFERENCE = ModelConfig(
    name="reference",
    grid_size=(16, 192, 192),
    grid_spacing=(3.5 * 20 / 16, 224 / 192, 224 / 192),
    unet_grid_size=(20, 224, 224),
    encoder=EncoderConfig(
        block="bottleneck",
        layers=(3, 4, 23, 3),
        widths=(64, 128, 256, 512),
        stage_strides=((1, 1, 1), (2, 2, 2), (2, 2, 2), (2, 2, 2)),
        stem_channels=128,
        stem_kernel=(2, 5, 5),
        stem_stride=(1, 3, 3),
        stem_padding=(1, 1, 1),
        stem_pool_stride=None,
    ),
    head=HeadConfig(fusion="sequence_pool", pool="max"),
    unet=UNetConfig(patch=(1, 1, 1), widths=(32, 64, 128, 256), pool=((1, 2, 2), (2, 2, 2), (1, 2, 2))),
)

PRESETS: Dict[str, ModelConfig] = {c.name: c for c in (SMALL, SMALL_EVIDENCE, SMALL_DETECTOR, TINY, REFERENCE)}


def feature_grid(cfg: ModelConfig) -> List[int]:
    """The encoder's last-stage spatial size for the classifier grid (the CAM's resolution)."""
    size = list(cfg.grid_size)
    e = cfg.encoder

    def conv(n: int, k: int, s: int, p: int) -> int:
        return (n + 2 * p - k) // s + 1

    size = [conv(n, k, s, p) for n, k, s, p in zip(size, e.stem_kernel, e.stem_stride, e.stem_padding)]
    if e.stem_pool_stride is not None:
        size = [conv(n, 3, s, 1) for n, s in zip(size, e.stem_pool_stride)]
    for stride in e.stage_strides:
        size = [conv(n, 3, s, 1) for n, s in zip(size, stride)]
    return size
