"""The structural stage: trains the full-resolution T1 detector (structural_detector.py) on what an exported
model's T1 denoiser makes of each exam, stacks the detector's readout on the classifier's structural logit,
and scores the stack once on the unseen site.

The inputs come from the exported networks themselves (onnx-outputs.mjs runs them in onnxruntime-node, as
the workstation does), so the detector learns on exactly the volumes it will read, and the classifier's
logits are those the workstation computes. The split is the classifier's own (splits.make_splits with the
same seed): the detector trains on the classifier's training exams; its epoch and readout, the stacking
weights and the threshold are all chosen on the validation exams, which neither network trained on; the
unseen site is scored once.

  node models/training/onnx-outputs.mjs MODEL DATASET OUTPUTS
  /usr/bin/python3 -m models.training.structural_stage --dataset DATASET --model-outputs OUTPUTS --run RUN \\
      --unseen-site delta --epochs 12
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Dict, List

import numpy as np
import torch
import torch.nn.functional as F

from .dataset import TASKS, Dataset, load_dataset
from .evaluate import TOLERANCE_VOX, pointing_record
from .metrics import auc, bootstrap_auc_ci, pointing_hit, task_report, youden_threshold, binary_metrics
from .splits import make_splits
from .stacking import fit_logistic, stacked_logit
from .structural_detector import (TOP_K, ExamVolumes, TrainOptions, exam_volumes, probability_logit,
                                  probability_map, readout_scores, train_detector)
from .tensors import read_f32

STRUCTURAL = TASKS.index("structural")
FEATURES = ("classifier structural logit", "detector readout logit")


def cam_grid_map(p: np.ndarray, cam_grid: List[int]) -> np.ndarray:
    """The detector's map as the exported graph gives it: max-pooled onto the classifier's CAM grid."""
    kernel = [n // m for n, m in zip(p.shape, cam_grid)]
    return F.max_pool3d(torch.from_numpy(p)[None, None], kernel)[0, 0].numpy()


def pointing_game(maps: Dict[str, np.ndarray], ds: Dataset, ids: List[str], volumes: Dict[str, ExamVolumes]) -> Dict:
    """On structural-positive exams: the map's maximum inside any T1 lesion of the mask (the shipped
    evaluation's rule, evaluate.pointing_game) and inside a structural lesion (the stricter count)."""
    hits = near = strict = n = n_strict = 0
    fractions = []
    for i in ids:
        e = ds.exam(i)
        if not e.labels["structural"]:
            continue
        mask = ds.volume(e, "t1Mask") > 0
        if mask.any():
            n += 1
            hits += pointing_hit(maps[i], mask)
            near += pointing_hit(maps[i], mask, TOLERANCE_VOX)
            fractions.append(float(mask.mean()))
        if volumes[i].lesions.any():
            n_strict += 1
            strict += pointing_hit(maps[i], volumes[i].lesions > 0)
    return {**pointing_record("t1", n, hits, near, fractions),
            "positiveExamsWithStructuralLesion": n_strict, "hitsOnStructuralLesion": strict}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dataset", required=True, type=Path)
    ap.add_argument("--model-outputs", required=True, type=Path, help="folder written by onnx-outputs.mjs")
    ap.add_argument("--run", required=True, type=Path)
    ap.add_argument("--unseen-site", default="delta")
    ap.add_argument("--seed", type=int, default=0, help="the classifier's split seed (pipeline --seed)")
    ap.add_argument("--init-seed", type=int, help="the detector's initial weights and crops (default: --seed)")
    ap.add_argument("--cam-grid", type=int, nargs=3, default=(20, 28, 28))
    ap.add_argument("--epochs", type=int, default=TrainOptions.epochs)
    ap.add_argument("--width", type=int, default=TrainOptions.width)
    ap.add_argument("--lr", type=float, default=TrainOptions.lr)
    ap.add_argument("--crop", type=int, nargs=3, default=TrainOptions.crop)
    ap.add_argument("--crops-per-exam", type=int, default=TrainOptions.crops_per_exam)
    a = ap.parse_args()
    opts = TrainOptions(epochs=a.epochs, width=a.width, lr=a.lr, crop=tuple(a.crop), crops_per_exam=a.crops_per_exam)
    init_seed = a.seed if a.init_seed is None else a.init_seed
    torch.manual_seed(init_seed)
    rng = np.random.default_rng(init_seed)
    a.run.mkdir(parents=True, exist_ok=True)
    started = time.time()

    ds = load_dataset(a.dataset)
    split = make_splits(ds, a.unseen_site, seed=a.seed)
    outputs_file = a.model_outputs / "outputs.json"
    try:
        produced = json.loads(outputs_file.read_text())
    except (OSError, ValueError) as err:
        raise SystemExit(f"{outputs_file}: cannot read the model's outputs ({err})")
    logits = produced["outputs"]
    ids = split["train"] + split["validation"] + split["unseen"]
    volumes: Dict[str, ExamVolumes] = {}
    for i in ids:
        e = ds.exam(i)
        if i not in logits or not ds.has(e, "t1Mask"):
            raise SystemExit(f"{a.dataset}: exam {i} has no model output in {outputs_file} or no T1 lesion mask (t1Mask)")
        t1 = read_f32(a.model_outputs / f"{i}.t1denoised.f32", ds.grid_size)
        volumes[i] = exam_volumes(t1, ds.volume(e, "t1Mask"))
    y = {s: np.array([ds.exam(i).labels["structural"] for i in split[s]], bool) for s in ("validation", "unseen")}
    print(f"train {len(split['train'])}, validation {len(split['validation'])}, unseen ({a.unseen_site}) "
          f"{len(split['unseen'])}", flush=True)

    history = []
    best = {"auc": -1.0}

    def after_epoch(epoch: int, loss: float, net) -> None:
        scores = [readout_scores(probability_map(net, volumes[i].t1)) for i in split["validation"]]
        aucs = {k: auc(y["validation"], np.array([s[k] for s in scores])) for k in TOP_K}
        history.append({"epoch": epoch, "loss": loss, "validationAuc": aucs})
        print(json.dumps({"epoch": epoch, "loss": round(loss, 4), **{k: round(v, 3) for k, v in aucs.items()}}), flush=True)
        readout = max(TOP_K, key=lambda k: np.nan_to_num(aucs[k], nan=-1.0))
        if best["auc"] < 0 or aucs[readout] > best["auc"]:
            best.update(auc=aucs[readout], readout=readout, epoch=epoch,
                        state={k: v.clone() for k, v in net.state_dict().items()})

    net = train_detector([volumes[i] for i in split["train"]], opts, rng, after_epoch)
    net.load_state_dict(best["state"])
    k = TOP_K[best["readout"]]
    torch.save({"state": best["state"], "width": opts.width, "topK": k}, a.run / "detector.pt")

    def features(split_name: str, raw: bool = False) -> np.ndarray:
        rows = []
        for i in split[split_name]:
            t1 = ds.volume(ds.exam(i), "t1") if raw else volumes[i].t1
            r = readout_scores(probability_map(net, t1))[best["readout"]]
            z_cls = logits[i]["logitsRawInput" if raw else "logits"][STRUCTURAL]
            rows.append([z_cls, float(probability_logit(torch.tensor(r, dtype=torch.float64)))])
        return np.array(rows)

    x_val = features("validation")
    weights, bias = fit_logistic(x_val, y["validation"])
    p_val = 1 / (1 + np.exp(-stacked_logit(x_val, weights, bias)))
    threshold = youden_threshold(y["validation"], p_val)
    op = binary_metrics(y["validation"], p_val, threshold)

    # The unseen site, scored once.
    x_unseen = features("unseen")
    p_unseen = 1 / (1 + np.exp(-stacked_logit(x_unseen, weights, bias)))
    maps = {i: probability_map(net, volumes[i].t1) for i in split["unseen"]}
    pooled = {i: cam_grid_map(m, a.cam_grid) for i, m in maps.items()}
    x_raw = features("unseen", raw=True)
    p_raw = 1 / (1 + np.exp(-stacked_logit(x_raw, weights, bias)))

    def alone(column: int, x: np.ndarray) -> Dict:
        return {"auc": auc(y["unseen"], x[:, column]), "aucCI": list(bootstrap_auc_ci(y["unseen"], x[:, column]))}

    report = {
        "schema": "sij-structural-stage/1",
        "modelOutputs": produced.get("model"),
        "split": {s: len(split[s]) for s in ("train", "validation", "unseen")},
        "unseenSite": a.unseen_site,
        "seeds": {"split": a.seed, "init": init_seed},
        "detector": {"options": {**opts.__dict__, "crop": list(opts.crop)}, "readout": best["readout"], "topK": k,
                     "epoch": best["epoch"], "validationAuc": best["auc"], "history": history},
        "stacker": {"features": list(FEATURES), "weights": weights.tolist(), "bias": bias,
                    "fittedOn": f"validation ({len(split['validation'])} exams)"},
        "task": {
            "threshold": threshold,
            "operatingPoint": {"sensitivity": op["sensitivity"], "specificity": op["specificity"], "set": "validation",
                               "n": op["n"], "rule": "Youden index (max sensitivity + specificity - 1) on the validation split"},
        },
        "unseen": {
            "stacked": task_report(y["unseen"], p_unseen, threshold),
            "classifierAlone": alone(0, x_unseen),
            "detectorAlone": alone(1, x_unseen),
            "rawInput": {"description": "the same networks, stacking weights and threshold fed the raw volumes (no U-Net)",
                         **task_report(y["unseen"], p_raw, threshold)},
            "pointingGame": {"camGrid": pointing_game(pooled, ds, split["unseen"], volumes),
                             "fullResolution": pointing_game(maps, ds, split["unseen"], volumes)},
        },
        "unseenExamScores": {i: {"structural": bool(yy), "classifierLogit": float(x[0]), "detectorLogit": float(x[1]),
                                 "probability": float(p)}
                             for i, yy, x, p in zip(split["unseen"], y["unseen"], x_unseen, p_unseen)},
        "minutes": (time.time() - started) / 60,
    }
    (a.run / "report.json").write_text(json.dumps(report, indent=1))
    summary = {"readout": best["readout"], "epoch": best["epoch"], "validationAuc": best["auc"],
               "weights": report["stacker"]["weights"], "threshold": threshold,
               "unseenAuc": report["unseen"]["stacked"]["auc"], "detectorAlone": report["unseen"]["detectorAlone"]["auc"],
               "rawInputAuc": report["unseen"]["rawInput"]["auc"],
               "pointing": {g: f"{v['hits']}/{v['positiveExamsWithMask']}" for g, v in report["unseen"]["pointingGame"].items()}}
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
