"""Can a T1 detector find structural lesions at the grid's full resolution? (docs/MODEL.md, "A full-resolution
T1 detector"). The shipped encoder's T1 evidence map, at 8 mm cells, learned where structural lesions occur,
not what they look like; this trains a small 3D CNN at the 3.5 x 2 x 2 mm grid on crops: a third centred on a
structural lesion (erosion, fat lesion, backfill, ankylosis), a quarter on a T1 mimic the structural rule does
not count (sclerosis, bone bud, osteophyte), a quarter in the lesion-prone region of any exam, the rest
anywhere. Each exam's map is read out several ways; the readout and the epoch are chosen on the validation
split of the training sites, and the unseen site is scored once with them.

  /usr/bin/python3 -m models.training.experiments.t1_structural_detector /work/data/datasets/full OUT \\
      --unseen-site delta --epochs 12 --lr 2e-3
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage
from torch import nn

from ..dataset import Exam, load_dataset
from ..lesion_maps import MAPS
from ..metrics import auc, bootstrap_auc_ci, pointing_hit

STRUCTURAL_CODES = next(codes for name, _, codes, _ in MAPS if name == "structural")
MIMIC_CODES = (7, 11, 12)  # electron/phantom/lesions.ts: sclerosis, bone bud, osteophyte
READOUTS = ("max", "top50", "top200", "top800", "sum>0.5", "mass", "blobs>=5", "slices>0.5")


class T1StructuralDetector(nn.Module):
    """Receptive field 5 slices x 15 x 15 voxels (17.5 x 30 x 30 mm): a joint's cortical line and the
    marrow either side of it."""

    def __init__(self, width: int):
        super().__init__()
        w = width

        def unit(cin: int, cout: int, kernel, padding, dilation=1) -> List[nn.Module]:
            return [nn.Conv3d(cin, cout, kernel, padding=padding, dilation=dilation), nn.BatchNorm3d(cout), nn.ReLU()]

        self.net = nn.Sequential(
            nn.Conv3d(1, w, (1, 3, 3), padding=(0, 1, 1)), nn.ReLU(),
            *unit(w, w, 3, 1),
            *unit(w, 2 * w, (1, 3, 3), (0, 2, 2), (1, 2, 2)),
            *unit(2 * w, 2 * w, 3, 1),
            *unit(2 * w, 2 * w, (1, 3, 3), (0, 2, 2), (1, 2, 2)),
            nn.Conv3d(2 * w, 1, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def readouts(p: np.ndarray) -> Dict[str, float]:
    """Exam-level scores from a [D, H, W] probability map."""
    top = np.sort(p.ravel())[::-1]
    blobs, n = ndimage.label(p > 0.5)
    sizes = np.bincount(blobs.ravel())[1:] if n else np.zeros(0)
    return {
        "max": float(top[0]), "top50": float(top[:50].mean()), "top200": float(top[:200].mean()),
        "top800": float(top[:800].mean()), "sum>0.5": float((p > 0.5).sum()), "mass": float(p.sum()),
        "blobs>=5": float((sizes >= 5).sum()), "slices>0.5": float((p > 0.5).any(axis=(1, 2)).sum()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset")
    ap.add_argument("out")
    ap.add_argument("--unseen-site", default="delta")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--width", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--crop", type=int, nargs=3, default=(6, 48, 48))
    ap.add_argument("--crops-per-exam", type=int, default=6)
    ap.add_argument("--pos-weight", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)

    ds = load_dataset(Path(a.dataset))
    pool = [e for e in ds.exams if e.site != a.unseen_site]
    rng.shuffle(pool)
    val, train = pool[: len(pool) // 5], pool[len(pool) // 5 :]
    unseen = [e for e in ds.exams if e.site == a.unseen_site]
    print(f"train {len(train)}, validation {len(val)}, unseen ({a.unseen_site}) {len(unseen)}", flush=True)

    # Per exam: T1, its structural lesion map, and the voxels crops centre on (lesions, mimics).
    data: Dict[str, Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
    for e in train + val + unseen:
        if not ds.has(e, "t1Mask"):
            raise SystemExit(f"{ds.folder}: exam {e.id} has no T1 lesion mask (t1Mask)")
        codes = np.rint(ds.volume(e, "t1Mask")).astype(np.int16)
        lesions = np.isin(codes, STRUCTURAL_CODES)
        data[e.id] = (ds.volume(e, "t1"), lesions.astype(np.float32), np.argwhere(lesions),
                      np.argwhere(np.isin(codes, MIMIC_CODES)))
    prone = np.zeros(ds.grid_size, bool)
    for e in train:
        prone |= data[e.id][1] > 0
    prone = F.max_pool3d(torch.from_numpy(prone.astype(np.float32))[None, None], 3, 1, 1)[0, 0].numpy() > 0
    prone_idx = np.argwhere(prone)

    def crop(e: Exam) -> Tuple[np.ndarray, np.ndarray]:
        x, m, lesions, mimics = data[e.id]
        u = rng.random()
        if len(lesions) and u < 0.35:
            centre = lesions[rng.integers(len(lesions))]
        elif len(mimics) and u < 0.6:
            centre = mimics[rng.integers(len(mimics))]
        elif u < 0.85:
            centre = prone_idx[rng.integers(len(prone_idx))]
        else:
            centre = np.array([rng.integers(n) for n in x.shape])
        start = [int(np.clip(c - k // 2 + rng.integers(-(k // 4), k // 4 + 1), 0, n - k))
                 for c, k, n in zip(centre, a.crop, x.shape)]
        window = tuple(slice(s, s + k) for s, k in zip(start, a.crop))
        xs, ms = x[window], m[window]
        if rng.random() < 0.5:
            xs, ms = xs[:, :, ::-1], ms[:, :, ::-1]
        return np.ascontiguousarray(xs), np.ascontiguousarray(ms)

    net = T1StructuralDetector(a.width)

    def evaluate(exams: List[Exam], scores: Optional[Dict[str, Dict[str, float]]] = None) -> Dict[str, float]:
        net.eval()
        rows, voxel_p, voxel_m = [], [], []
        with torch.no_grad():
            for e in exams:
                x, m, _, _ = data[e.id]
                p = torch.sigmoid(net(torch.from_numpy(x)[None, None]))[0, 0].numpy()
                rows.append((e.labels["structural"], readouts(p), float(m.sum())))
                if scores is not None:
                    scores[e.id] = {"structural": bool(e.labels["structural"]), **rows[-1][1]}
                    if e.labels["structural"] and m.any():
                        scores[e.id]["map maximum in a lesion"] = pointing_hit(p, m > 0)
                voxel_p.append(p[prone])
                voxel_m.append(m[prone] > 0)
        net.train()
        y = np.array([r[0] for r in rows], bool)
        res = {k: auc(y, np.array([r[1][k] for r in rows])) for k in READOUTS}
        res["true lesion volume"] = auc(y, np.array([r[2] for r in rows]))
        res["voxels in the lesion-prone region"] = auc(np.concatenate(voxel_m), np.concatenate(voxel_p))
        return res

    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=1e-4)
    steps = len(train) * a.crops_per_exam // 8
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=steps * a.epochs, pct_start=0.1)
    best = (-1.0, "", {})
    log = []
    started = time.time()
    for epoch in range(a.epochs):
        order = [train[i] for i in rng.integers(len(train), size=steps * 8)]
        total = 0.0
        for b in range(steps):
            xs, ms = zip(*(crop(e) for e in order[b * 8 : (b + 1) * 8]))
            logit = net(torch.from_numpy(np.stack(xs))[:, None])
            loss = F.binary_cross_entropy_with_logits(
                logit, torch.from_numpy(np.stack(ms))[:, None], pos_weight=torch.tensor(a.pos_weight))
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            total += loss.item()
        res = evaluate(val)
        # A validation split with one class only (a tiny dataset) gives NaN AUCs: keep the first epoch then.
        readout = max(READOUTS, key=lambda k: np.nan_to_num(res[k], nan=-1.0))
        log.append({"epoch": epoch, "loss": total / steps, "validation": res})
        print(json.dumps({"epoch": epoch, "loss": round(total / steps, 4),
                          "validation": {k: round(v, 3) for k, v in res.items()}}), flush=True)
        if not best[2] or res[readout] > best[0]:
            best = (res[readout], readout, {k: v.clone() for k, v in net.state_dict().items()})
    net.load_state_dict(best[2])
    torch.save(net.state_dict(), out / "detector.pt")
    scores: Dict[str, Dict[str, float]] = {}
    res = evaluate(unseen, scores)
    y = np.array([s["structural"] for s in scores.values()], bool)
    ci = bootstrap_auc_ci(y, np.array([s[best[1]] for s in scores.values()]))
    hits = [s["map maximum in a lesion"] for s in scores.values() if "map maximum in a lesion" in s]
    report = {"exams": {"train": len(train), "validation": len(val), "unseen": len(unseen)},
              "minutes": (time.time() - started) / 60, "readout": best[1], "validation_auc": best[0],
              "unseen_auc": res[best[1]], "unseen_auc_ci95": list(ci), "unseen": res, "epochs": log,
              "pointing_game": f"{sum(hits)}/{len(hits)}",
              "unseen_exam_scores": scores}
    (out / "report.json").write_text(json.dumps(report, indent=1))
    print(json.dumps({k: report[k] for k in ("readout", "validation_auc", "unseen_auc", "unseen_auc_ci95", "pointing_game")}), flush=True)
    print(json.dumps({"unseen": {k: round(v, 3) for k, v in res.items()}}), flush=True)


if __name__ == "__main__":
    main()
