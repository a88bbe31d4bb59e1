"""Full-resolution lesion detectors (docs/MODEL.md, "The structural detector", "The BME detector").

The classifier's encoder works in 8 mm cells, and its T1 map learned where structural lesions occur,
not what they look like: erosions are 30-55 voxels of 3.5 x 2 x 2 mm, mostly a lost dark cortical line.
A detector is a small 3D CNN that reads one or more sequences (as channels) at the grid's own resolution
and is trained on the lesion masks of one target (DETECTOR_TARGETS: structural lesions on T1, read with
STIR beside it; bone marrow edema on STIR) on crops: a third centred on a target lesion, a quarter on a
mimic the target's rule does not count, a quarter in the lesion-prone region of any training exam, the
rest anywhere. Its exam-level score is the
mean of the map's top k voxels, k chosen on validation; detector_stage.py stacks it on the classifier's
logits of the target's tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, Mapping, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .lesion_maps import MAPS



@dataclass(frozen=True)
class DetectorTarget:
    """What one detector finds: `codes` in the `mask` volume of `sequence` (where its map is drawn), reading
    the denoised `inputs` as channels; `mimics` are codes the target's rule does not count (hard negatives);
    `mimics_elsewhere` are (mask, codes) of look-alikes marked in another sequence's mask on the same grid;
    `tasks` are the classifier tasks its readout is stacked on."""

    name: str
    sequence: str
    mask: str
    codes: Tuple[int, ...]
    mimics: Tuple[int, ...]
    tasks: Tuple[str, ...]
    lesions: str
    inputs: Tuple[str, ...]
    mimics_elsewhere: Tuple[Tuple[str, Tuple[int, ...]], ...] = ()

    def masks(self) -> Tuple[str, ...]:
        return (self.mask, *(m for m, _ in self.mimics_elsewhere))


def _map(name: str) -> Tuple[str, Tuple[int, ...]]:
    return next((key, codes) for n, key, codes, _ in MAPS if n == name)


# Codes: electron/phantom/lesions.ts LESION_CODES.
DETECTOR_TARGETS: Dict[str, DetectorTarget] = {
    # Oedema darkens marrow on T1 as erosions and sclerosis do; a radiologist tells them apart by reading STIR
    # beside T1, so the structural detector reads both and sees crops centred on BME with no structural lesion.
    "structural": DetectorTarget("structural", "t1", *_map("structural"), mimics=(7, 11, 12), tasks=("structural",),
                                 lesions="erosion, fat lesion, backfill, ankylosis; mimics sclerosis, bone bud, "
                                         "osteophyte, bone marrow edema",
                                 inputs=("t1", "stir"), mimics_elsewhere=(("stirMask", (1,)),)),
    "bme": DetectorTarget("bme", "stir", *_map("bme"), mimics=(2, 3, 4, 5), tasks=("active_inflammation", "asas_bme"),
                          lesions="bone marrow edema; mimics capsulitis, joint fluid, enthesitis, inflammation in an erosion",
                          inputs=("stir",)),
}
# Exam-level readouts: the mean of the map's top k voxels (k = 1 is the maximum). All of them are a
# TopK and a mean in ONNX, so the chosen one runs inside the exported graph.
TOP_K = {"max": 1, "top50": 50, "top200": 200, "top800": 800}


class LesionDetector(nn.Module):
    """Receptive field 5 slices x 15 x 15 voxels (17.5 x 30 x 30 mm): a joint's cortical line and the
    marrow either side of it. Input: one channel per sequence read; output: one logit per voxel."""

    def __init__(self, width: int, channels: int = 1):
        super().__init__()
        w = width

        def unit(cin: int, cout: int, kernel, padding, dilation=1) -> List[nn.Module]:
            return [nn.Conv3d(cin, cout, kernel, padding=padding, dilation=dilation), nn.BatchNorm3d(cout), nn.ReLU()]

        self.net = nn.Sequential(
            nn.Conv3d(channels, w, (1, 3, 3), padding=(0, 1, 1)), nn.ReLU(),
            *unit(w, w, 3, 1),
            *unit(w, 2 * w, (1, 3, 3), (0, 2, 2), (1, 2, 2)),
            *unit(2 * w, 2 * w, 3, 1),
            *unit(2 * w, 2 * w, (1, 3, 3), (0, 2, 2), (1, 2, 2)),
            nn.Conv3d(2 * w, 1, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def top_k_mean(p: torch.Tensor, k: int) -> torch.Tensor:
    """[N, ...] probability maps -> [N]: the mean of each map's k largest voxels."""
    return torch.topk(p.reshape(p.shape[0], -1), k, dim=1).values.mean(dim=1)


def probability_logit(p: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """log(p / (1 - p)) with p kept inside [eps, 1 - eps]: a readout of 0 or 1 stays finite."""
    p = p.clamp(eps, 1.0 - eps)
    return torch.log(p) - torch.log1p(-p)


@dataclass(frozen=True)
class ExamVolumes:
    """What the crop sampler needs of one exam."""

    image: np.ndarray  # [C, D, H, W] the detector's input, one channel per sequence it reads
    lesions: np.ndarray  # [D, H, W] float32, 1 on the target's lesion voxels
    lesion_voxels: np.ndarray  # [n, 3] indices of the lesion voxels
    mimic_voxels: Tuple[np.ndarray, ...]  # per mimic source (the target's mask, then each other mask): [m, 3] indices


def exam_volumes(image: np.ndarray, masks: Mapping[str, np.ndarray], target: DetectorTarget) -> ExamVolumes:
    """`image` is [C, D, H, W], one channel per sequence of `target.inputs`; `masks` holds every volume of
    `target.masks()`."""
    codes = np.rint(masks[target.mask]).astype(np.int16)
    expected = (len(target.inputs), *codes.shape)
    if image.shape != expected:
        raise ValueError(f"{target.name} detector: image {list(image.shape)} is not {len(target.inputs)} channels "
                         f"({', '.join(target.inputs)}) of {list(codes.shape)}")
    lesions = np.isin(codes, target.codes)
    sources = [(codes, target.mimics)] + [(np.rint(masks[m]).astype(np.int16), c) for m, c in target.mimics_elsewhere]
    # A look-alike that overlaps a target lesion is a lesion crop, not a hard negative.
    mimics = tuple(np.argwhere(np.isin(m, c) & ~lesions) for m, c in sources)
    return ExamVolumes(image, lesions.astype(np.float32), np.argwhere(lesions), mimics)


def lesion_prone_region(exams: Sequence[ExamVolumes]) -> np.ndarray:
    """Voxels within one voxel of a target lesion in any of the exams: where hard negatives live."""
    prone = np.zeros(exams[0].lesions.shape, bool)
    for e in exams:
        prone |= e.lesions > 0
    grown = F.max_pool3d(torch.from_numpy(prone.astype(np.float32))[None, None], 3, 1, 1)[0, 0]
    return grown.numpy() > 0


class CropSampler:
    def __init__(self, prone: np.ndarray, crop: Sequence[int], rng: np.random.Generator):
        self.prone_voxels = np.argwhere(prone)
        self.crop = tuple(crop)
        self.rng = rng

    def __call__(self, e: ExamVolumes) -> Tuple[np.ndarray, np.ndarray]:
        rng = self.rng
        u = rng.random()
        mimics = [m for m in e.mimic_voxels if len(m)]
        if len(e.lesion_voxels) and u < 0.35:
            centre = e.lesion_voxels[rng.integers(len(e.lesion_voxels))]
        elif mimics and u < 0.6:
            # Each source as often as the others, whatever its size (BME outnumbers sclerosis 2 to 1). With
            # one source nothing is drawn, so such a target's crops are those it was trained on before.
            group = mimics[rng.integers(len(mimics))] if len(mimics) > 1 else mimics[0]
            centre = group[rng.integers(len(group))]
        elif u < 0.85 and len(self.prone_voxels):
            centre = self.prone_voxels[rng.integers(len(self.prone_voxels))]
        else:
            centre = np.array([rng.integers(n) for n in e.lesions.shape])
        start = [int(np.clip(c - k // 2 + rng.integers(-(k // 4), k // 4 + 1), 0, n - k))
                 for c, k, n in zip(centre, self.crop, e.lesions.shape)]
        window = tuple(slice(s, s + k) for s, k in zip(start, self.crop))
        xs, ms = e.image[(slice(None), *window)], e.lesions[window]
        if rng.random() < 0.5:  # left-right flip
            xs, ms = xs[..., ::-1], ms[..., ::-1]
        return np.ascontiguousarray(xs), np.ascontiguousarray(ms)


@torch.no_grad()
def probability_map(net: LesionDetector, image: np.ndarray) -> np.ndarray:
    """[C, D, H, W] -> [D, H, W]."""
    was_training = net.training
    net.eval()
    p = torch.sigmoid(net(torch.from_numpy(np.ascontiguousarray(image))[None]))[0, 0].numpy()
    net.train(was_training)
    return p


@dataclass(frozen=True)
class TrainOptions:
    epochs: int = 12
    width: int = 16
    lr: float = 2e-3
    crop: Tuple[int, int, int] = (6, 48, 48)
    crops_per_exam: int = 6
    batch: int = 8
    pos_weight: float = 5.0


def train_detector(
    train: Sequence[ExamVolumes],
    opts: TrainOptions,
    rng: np.random.Generator,
    after_epoch: Callable[[int, float, LesionDetector], None],
) -> LesionDetector:
    """AdamW with a one-cycle schedule, BCE with a positive weight on the lesion voxels; calls
    `after_epoch(epoch, mean loss, net)` so the caller can validate and keep the best state."""
    net = LesionDetector(opts.width, train[0].image.shape[0])
    sample = CropSampler(lesion_prone_region(train), opts.crop, rng)
    opt = torch.optim.AdamW(net.parameters(), lr=opts.lr, weight_decay=1e-4)
    steps = max(1, len(train) * opts.crops_per_exam // opts.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=opts.lr, total_steps=steps * opts.epochs, pct_start=0.1)
    pos_weight = torch.tensor(opts.pos_weight)
    for epoch in range(opts.epochs):
        order = rng.integers(len(train), size=steps * opts.batch)
        total = 0.0
        for b in range(steps):
            xs, ms = zip(*(sample(train[i]) for i in order[b * opts.batch : (b + 1) * opts.batch]))
            logit = net(torch.from_numpy(np.stack(xs)))
            loss = F.binary_cross_entropy_with_logits(logit, torch.from_numpy(np.stack(ms))[:, None], pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            total += loss.item()
        after_epoch(epoch, total / steps, net)
    return net


def readout_scores(p: np.ndarray) -> Dict[str, float]:
    """Every TOP_K readout of one [D, H, W] probability map."""
    t = torch.from_numpy(np.ascontiguousarray(p))[None]
    return {name: float(top_k_mean(t, k)[0]) for name, k in TOP_K.items()}
