"""Evaluation statistics (pure numpy/scipy): ROC AUC with bootstrap CI, Youden threshold,
sensitivity/specificity/accuracy with Clopper-Pearson CIs, PSNR/SSIM, the Grad-CAM pointing game."""

from __future__ import annotations

from typing import Dict, Sequence

import numpy as np
from scipy import ndimage
from scipy.stats import beta, rankdata


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """Mann-Whitney form of the ROC AUC (ties count one half)."""
    y = np.asarray(y, bool)
    n1, n0 = int(y.sum()), int((~y).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    r = rankdata(p)
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def bootstrap_auc_ci(y, p, n_boot: int = 2000, seed: int = 0, level: float = 0.95):
    """Percentile CI, resampling positives and negatives separately (stratified, as pROC does)."""
    y = np.asarray(y, bool)
    p = np.asarray(p, float)
    pos, neg = p[y], p[~y]
    if len(pos) == 0 or len(neg) == 0:
        return [float("nan"), float("nan")]
    rng = np.random.default_rng(seed)
    stats = np.empty(n_boot)
    for i in range(n_boot):
        bp = rng.choice(pos, len(pos))
        bn = rng.choice(neg, len(neg))
        stats[i] = auc(np.r_[np.ones(len(bp), bool), np.zeros(len(bn), bool)], np.r_[bp, bn])
    a = (1 - level) / 2
    return [float(np.quantile(stats, a)), float(np.quantile(stats, 1 - a))]


def clopper_pearson(k: int, n: int, level: float = 0.95):
    if n == 0:
        return [float("nan"), float("nan")]
    a = (1 - level) / 2
    lo = 0.0 if k == 0 else float(beta.ppf(a, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - a, k + 1, n - k))
    return [lo, hi]


def youden_threshold(y, p) -> float:
    """The cut-off maximising sensitivity + specificity - 1, placed midway between the two
    neighbouring scores so that it does not sit on a training example."""
    y = np.asarray(y, bool)
    p = np.asarray(p, float)
    cuts = np.unique(p)
    if len(cuts) < 2 or y.all() or not y.any():
        return 0.5  # undefined: no cut separates anything
    mids = np.r_[(cuts[:-1] + cuts[1:]) / 2]
    best, best_j = 0.5, -1.0
    for c in mids:
        pred = p >= c
        j = pred[y].mean() + (~pred[~y]).mean() - 1
        if j > best_j:
            best, best_j = float(c), j
    return best


def binary_metrics(y, p, threshold: float) -> Dict:
    y = np.asarray(y, bool)
    pred = np.asarray(p, float) >= threshold
    tp, fn = int((pred & y).sum()), int((~pred & y).sum())
    tn, fp = int((~pred & ~y).sum()), int((pred & ~y).sum())
    n = len(y)
    return {
        "n": n,
        "positives": int(y.sum()),
        "threshold": threshold,
        "sensitivity": tp / (tp + fn) if tp + fn else float("nan"),
        "sensitivityCI": clopper_pearson(tp, tp + fn),
        "specificity": tn / (tn + fp) if tn + fp else float("nan"),
        "specificityCI": clopper_pearson(tn, tn + fp),
        "accuracy": (tp + tn) / n if n else float("nan"),
        "accuracyCI": clopper_pearson(tp + tn, n),
        "confusion": {"tp": tp, "fp": fp, "tn": tn, "fn": fn},
    }


def task_report(y, p, threshold: float, n_boot: int = 2000) -> Dict:
    return {"auc": auc(y, p), "aucCI": bootstrap_auc_ci(y, p, n_boot), **binary_metrics(y, p, threshold)}


def psnr(x: np.ndarray, ref: np.ndarray) -> float:
    mse = float(np.mean((x - ref) ** 2))
    rng = float(ref.max() - ref.min())
    return float("inf") if mse == 0 else 10 * np.log10(rng * rng / mse)


def ssim(x: np.ndarray, ref: np.ndarray, sigma: float = 1.5) -> float:
    """Mean SSIM over the in-plane Gaussian window (Wang et al. 2004 constants), slice by slice."""
    L = float(ref.max() - ref.min())
    c1, c2 = (0.01 * L) ** 2, (0.03 * L) ** 2
    s = (0, sigma, sigma)
    mx, my = ndimage.gaussian_filter(x, s), ndimage.gaussian_filter(ref, s)
    vx = ndimage.gaussian_filter(x * x, s) - mx * mx
    vy = ndimage.gaussian_filter(ref * ref, s) - my * my
    cxy = ndimage.gaussian_filter(x * ref, s) - mx * my
    m = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(m.mean())


def upsample_cam(cam: np.ndarray, size: Sequence[int]) -> np.ndarray:
    """Linear up-sampling of a [d,h,w] CAM to the grid, cell centres aligned (as the client does)."""
    zoom = [n / m for n, m in zip(size, cam.shape)]
    return ndimage.zoom(cam, zoom, order=1, mode="nearest", grid_mode=True)


def pointing_hit(cam: np.ndarray, mask: np.ndarray, tolerance_vox: Sequence[int] = (0, 0, 0)) -> bool:
    """True when the CAM maximum (up-sampled to the mask grid) lies in the mask, or within
    `tolerance_vox` voxels of it per axis."""
    up = upsample_cam(cam, mask.shape)
    idx = np.unravel_index(int(np.argmax(up)), up.shape)
    lo = [max(0, i - t) for i, t in zip(idx, tolerance_vox)]
    hi = [i + t + 1 for i, t in zip(idx, tolerance_vox)]
    return bool(mask[lo[0] : hi[0], lo[1] : hi[1], lo[2] : hi[2]].any())
