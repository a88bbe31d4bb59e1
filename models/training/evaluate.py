"""Thresholds from the validation split, then one scoring of the unseen site: per-task AUC with
bootstrap CI, sensitivity/specificity/accuracy with Clopper-Pearson CIs, confusion matrices, and
the Grad-CAM pointing game on positive exams."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import torch

from .classifier import DualEncoderClassifier
from .dataset import TASKS, Dataset
from .gradcam import ClassifierWithCam
from .lesion_maps import exam_lesion_maps
from .metrics import auc, binary_metrics, pointing_hit, task_report, youden_threshold
from .train_classifier import Volumes, predict

# Which sequence's CAM and lesion mask a task's evidence lives on (READING.md: active lesions are
# read on STIR, structural lesions on T1).
TASK_SEQUENCE = {"active_inflammation": 1, "asas_bme": 1, "structural": 0}
MASK_KEY = {0: "t1Mask", 1: "stirMask"}
# Which lesion map (lesion_maps.MAPS) holds the lesions a task's rule counts.
TASK_MAP = {"active_inflammation": 0, "asas_bme": 0, "structural": 1}
# Pointing-game tolerance in grid voxels (slice, row, col): one slice, 8 mm in-plane.
TOLERANCE_VOX = (1, 4, 4)


def choose_thresholds(y_val: np.ndarray, p_val: np.ndarray) -> Dict[str, Dict]:
    out = {}
    for t, key in enumerate(TASKS):
        thr = youden_threshold(y_val[:, t], p_val[:, t])
        m = binary_metrics(y_val[:, t], p_val[:, t], thr)
        out[key] = {
            "threshold": thr,
            "operatingPoint": {
                "sensitivity": m["sensitivity"],
                "specificity": m["specificity"],
                "set": "validation",
                "n": m["n"],
                "rule": "Youden index (max sensitivity + specificity - 1) on the validation split",
            },
        }
    return out


def score(y: np.ndarray, p: np.ndarray, thresholds: Dict[str, float], n_boot: int = 2000) -> Dict:
    return {key: task_report(y[:, t], p[:, t], thresholds[key], n_boot) for t, key in enumerate(TASKS)}


@torch.no_grad()
def cams_and_probabilities(model: DualEncoderClassifier, volumes: Volumes, ids: List[str]):
    wrapper = ClassifierWithCam(model).eval()
    probs, cams = [], []
    for i in ids:
        t1, stir = (torch.from_numpy(v)[None, None] for v in volumes[i])
        p, cam = wrapper(t1, stir)
        probs.append(p[0].numpy())
        cams.append(cam[0].numpy())
    return np.stack(probs), np.stack(cams)


def pointing_game(ds: Dataset, ids: List[str], y: np.ndarray, cams: np.ndarray) -> Dict:
    out = {}
    for t, key in enumerate(TASKS):
        seq = TASK_SEQUENCE[key]
        hits = near = n = 0
        fractions = []
        for row, exam_id in enumerate(ids):
            exam = ds.exam(exam_id)
            if not y[row, t] or not ds.has(exam, MASK_KEY[seq]):
                continue
            mask = ds.volume(exam, MASK_KEY[seq]) > 0
            if not mask.any():
                continue
            n += 1
            hits += pointing_hit(cams[row, t, seq], mask)
            near += pointing_hit(cams[row, t, seq], mask, TOLERANCE_VOX)
            fractions.append(float(mask.mean()))
        out[key] = pointing_record(["t1", "stir"][seq], n, hits, near, fractions)
    return out


def pointing_record(sequence: str, n: int, hits: int, near: int, fractions: List[float]) -> Dict:
    """One task's pointing game as the manifest's metrics.pointingGame holds it: of `n` positive exams, how
    many maps peak inside a lesion (`hits`) or within TOLERANCE_VOX of one (`near`); `fractions` are each
    exam's lesion share of the volume, whose mean is the chance of a hit."""
    return {
        "sequence": sequence,
        "positiveExamsWithMask": n,
        "hits": hits,
        "hitRate": hits / n if n else None,
        "hitsWithinTolerance": near,
        "hitRateWithinTolerance": near / n if n else None,
        "toleranceVoxels": list(TOLERANCE_VOX),
        "chanceRate": float(np.mean(fractions)) if fractions else None,
    }


def _truth(ds: Dataset, exam_id: str) -> Dict:
    """The phantom's truth.json of an exam, or {} for an exam that is not a phantom."""
    folder = ds.exam(exam_id).source_folder
    try:
        return json.loads((Path(folder) / "truth.json").read_text())
    except (TypeError, OSError, ValueError):
        return {}


def case_kind(ds: Dataset, exam_id: str) -> str:
    """The phantom's case kind (normal, axspa_subtle, mimic_oci, ...) from truth.json, when known."""
    return str(_truth(ds, exam_id).get("caseKind") or "unknown")


def rule_labels(ds: Dataset, ids: List[str]) -> Optional[np.ndarray]:
    """[N, tasks] labels the reading rules give on the phantom's lesion grid, before the simulated
    reader disagreement is applied (truth.json labelsByRule); None unless every exam has them."""
    rows = []
    for exam_id in ids:
        by_rule = _truth(ds, exam_id).get("labelsByRule")
        if not isinstance(by_rule, dict) or any(k not in by_rule for k in TASKS):
            return None
        rows.append([float(bool(by_rule[k])) for k in TASKS])
    return np.array(rows, dtype=np.float32)


def lesion_burden_ceiling(ds: Dataset, ids: List[str], y: np.ndarray, y_rule: Optional[np.ndarray]) -> Optional[Dict]:
    """How far a perfect lesion counter gets: the AUC of the true lesion volume (voxels of the task's
    lesions in the task's mask) against the reference labels and against the rule labels. Against the
    reference labels it is capped by their noise, which bounds what any model can show on this set."""
    burdens = []
    for exam_id in ids:
        maps = exam_lesion_maps(ds, ds.exam(exam_id))
        if maps is None:
            return None
        burdens.append(maps.reshape(maps.shape[0], -1).sum(1))
    burdens = np.array(burdens, dtype=np.float64)
    out = {}
    for t, key in enumerate(TASKS):
        b = burdens[:, TASK_MAP[key]]
        out[key] = {
            "referenceLabels": auc(y[:, t], b),
            "ruleLabels": auc(y_rule[:, t], b) if y_rule is not None else None,
            "labelsDiffering": int((y[:, t] != y_rule[:, t]).sum()) if y_rule is not None else None,
        }
    return {
        "description": "AUC of the true lesion volume from the phantom's masks (a perfect lesion counter); "
        "the reference labels include the site's simulated reader disagreement, the rule labels do not",
        "tasks": out,
    }


def by_case_kind(ds: Dataset, ids: List[str], y: np.ndarray, p: np.ndarray, thresholds: Dict[str, float]) -> Dict:
    """Per phantom case kind: how many exams, how many are labelled positive and how many the model
    calls positive, per task. Shows where the errors are (mimics, subtle disease)."""
    rows = defaultdict(lambda: {"n": 0, **{k: {"labelled": 0, "called": 0, "correct": 0} for k in TASKS}})
    for i, exam_id in enumerate(ids):
        r = rows[case_kind(ds, exam_id)]
        r["n"] += 1
        for t, key in enumerate(TASKS):
            called = bool(p[i, t] >= thresholds[key])
            r[key]["labelled"] += int(y[i, t])
            r[key]["called"] += int(called)
            r[key]["correct"] += int(called == bool(y[i, t]))
    return dict(sorted(rows.items()))
