"""A detector stage: trains a full-resolution lesion detector (lesion_detector.py) on what an exported model's
denoiser makes of each exam, stacks the detector's readout on the classifier's logit of each of the target's
tasks, and scores the stacks once on the unseen site.

The inputs come from the exported networks themselves (onnx-outputs.mjs runs them in onnxruntime-node, as
the workstation does), so the detector learns on exactly the volumes it will read, and the classifier's
logits are those the workstation computes. The split is the classifier's own (splits.make_splits with the
same seed): the detector trains on the classifier's training exams; its epoch and readout, the stacking
weights and the thresholds are all chosen on the validation exams, which neither network trained on; the
unseen site is scored once.

With --members, nothing is trained: the stage scores the ensemble of runs trained alike (detector_members.py),
choosing its stacks and thresholds on validation exactly as for one detector.

  node models/training/onnx-outputs.mjs MODEL DATASET OUTPUTS
  /usr/bin/python3 -m models.training.detector_stage --target structural|bme --dataset DATASET \\
      --model-outputs OUTPUTS --run RUN --unseen-site delta --epochs 12 [--init-seed N]
  /usr/bin/python3 -m models.training.detector_stage --target structural --dataset DATASET \\
      --model-outputs OUTPUTS --run RUN --unseen-site delta --members RUN0 RUN1 RUN2
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from .dataset import TASKS, Dataset, load_dataset
from .evaluate import TOLERANCE_VOX, pointing_record
from .detector_members import (DetectorMember, describe_members, load_detector_file, mean_map, member_maps,
                               readout_logit, save_ensemble)
from .lesion_detector import (DETECTOR_TARGETS, TOP_K, DetectorTarget, ExamVolumes, TrainOptions, exam_volumes,
                              probability_map, readout_scores, train_detector)
from .metrics import auc, binary_metrics, bootstrap_auc_ci, pointing_hit, task_report, youden_threshold
from .splits import make_splits
from .stacking import fit_logistic, stacked_logit
from .tensors import read_f32

FEATURES = ("classifier logit", "detector readout logit")


def cam_grid_map(p: np.ndarray, cam_grid: List[int]) -> np.ndarray:
    """The detector's map as the exported graph gives it: max-pooled onto the classifier's CAM grid."""
    kernel = [n // m for n, m in zip(p.shape, cam_grid)]
    return F.max_pool3d(torch.from_numpy(p)[None, None], kernel)[0, 0].numpy()


def pointing_game(maps: Dict[str, np.ndarray], ds: Dataset, ids: List[str], volumes: Dict[str, ExamVolumes],
                  target: DetectorTarget, task: str) -> Dict:
    """On the task's positive exams: the map's maximum inside any lesion of the sequence's mask (the shipped
    evaluation's rule, evaluate.pointing_game) and inside a lesion of the target (the stricter count)."""
    hits = near = strict = n = n_strict = 0
    fractions = []
    for i in ids:
        e = ds.exam(i)
        if not e.labels[task]:
            continue
        mask = ds.volume(e, target.mask) > 0
        if mask.any():
            n += 1
            hits += pointing_hit(maps[i], mask)
            near += pointing_hit(maps[i], mask, TOLERANCE_VOX)
            fractions.append(float(mask.mean()))
        if volumes[i].lesions.any():
            n_strict += 1
            strict += pointing_hit(maps[i], volumes[i].lesions > 0)
    return {**pointing_record(target.sequence, n, hits, near, fractions),
            "positiveExamsWithTargetLesion": n_strict, "hitsOnTargetLesion": strict}


def read_model_outputs(folder: Path) -> Dict:
    outputs_file = folder / "outputs.json"
    try:
        return json.loads(outputs_file.read_text())
    except (OSError, ValueError) as err:
        raise SystemExit(f"{outputs_file}: cannot read the model's outputs ({err})")


def read_member_reports(runs: List[Path]) -> List[Dict]:
    reports = []
    for run in runs:
        try:
            reports.append(json.loads((run / "report.json").read_text()))
        except (OSError, ValueError) as err:
            raise SystemExit(f"{run / 'report.json'}: cannot read the member's stage report ({err})")
    return reports


def train_member(target: DetectorTarget, volumes: Dict[str, ExamVolumes], split: Dict[str, List[str]], y: Dict,
                 opts: TrainOptions, rng: np.random.Generator, run: Path) -> Tuple[Dict, List[DetectorMember]]:
    """Trains one detector, keeps the epoch and readout with the best validation AUC (averaged over the
    target's tasks), saves it as run/detector.pt; returns the report's record of it and the member."""
    history = []
    best = {"auc": -1.0}

    def after_epoch(epoch: int, loss: float, net) -> None:
        scores = [readout_scores(probability_map(net, volumes[i].image)) for i in split["validation"]]
        aucs = {k: float(np.mean([auc(y[t, "validation"], np.array([s[k] for s in scores])) for t in target.tasks]))
                for k in TOP_K}
        history.append({"epoch": epoch, "loss": loss, "validationAuc": aucs})
        print(json.dumps({"epoch": epoch, "loss": round(loss, 4), **{k: round(v, 3) for k, v in aucs.items()}}), flush=True)
        readout = max(TOP_K, key=lambda k: np.nan_to_num(aucs[k], nan=-1.0))
        if best["auc"] < 0 or aucs[readout] > best["auc"]:
            best.update(auc=aucs[readout], readout=readout, epoch=epoch,
                        state={k: v.clone() for k, v in net.state_dict().items()})

    net = train_detector([volumes[i] for i in split["train"]], opts, rng, after_epoch)
    net.load_state_dict(best["state"])
    k = TOP_K[best["readout"]]
    torch.save({"state": best["state"], "width": opts.width, "inputs": list(target.inputs), "topK": k,
                "target": target.name}, run / "detector.pt")
    record = {"options": {**opts.__dict__, "crop": list(opts.crop)}, "readout": best["readout"], "topK": k,
              "epoch": best["epoch"], "validationAuc": best["auc"], "history": history}
    return record, [DetectorMember(net.eval(), k)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--target", choices=sorted(DETECTOR_TARGETS), default="structural")
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
    ap.add_argument("--members", type=Path, nargs="+",
                    help="run folders of this target's stages trained alike: score their ensemble, train nothing")
    a = ap.parse_args()
    target = DETECTOR_TARGETS[a.target]
    opts = TrainOptions(epochs=a.epochs, width=a.width, lr=a.lr, crop=tuple(a.crop), crops_per_exam=a.crops_per_exam)
    init_seed = a.seed if a.init_seed is None else a.init_seed
    torch.manual_seed(init_seed)
    rng = np.random.default_rng(init_seed)
    a.run.mkdir(parents=True, exist_ok=True)
    started = time.time()

    ds = load_dataset(a.dataset)
    split = make_splits(ds, a.unseen_site, seed=a.seed)
    produced = read_model_outputs(a.model_outputs)
    logits = produced["outputs"]
    ids = ([] if a.members else split["train"]) + split["validation"] + split["unseen"]
    volumes: Dict[str, ExamVolumes] = {}
    for i in ids:
        e = ds.exam(i)
        denoised = [a.model_outputs / f"{i}.{sequence}denoised.f32" for sequence in target.inputs]
        missing = [f.name for f in denoised if not f.exists()]
        if i not in logits or missing or not all(ds.has(e, m) for m in target.masks()):
            raise SystemExit(f"{a.dataset}: exam {i} has no model output in {a.model_outputs} ({', '.join(missing)}) "
                             f"or lacks a lesion mask ({', '.join(target.masks())})")
        image = np.stack([read_f32(f, ds.grid_size) for f in denoised])
        volumes[i] = exam_volumes(image, {m: ds.volume(e, m) for m in target.masks()}, target)
    y = {(t, s): np.array([ds.exam(i).labels[t] for i in split[s]], bool)
         for t in target.tasks for s in ("validation", "unseen")}
    print(f"target {target.name} ({'+'.join(target.inputs)}), train {len(split['train'])}, validation "
          f"{len(split['validation'])}, unseen ({a.unseen_site}) {len(split['unseen'])}", flush=True)

    if a.members:
        member_reports = read_member_reports(a.members)
        try:
            save_ensemble(a.run / "detector.pt", target.name, target.inputs, [m / "detector.pt" for m in a.members])
        except ValueError as err:
            raise SystemExit(str(err))
        members = load_detector_file(a.run / "detector.pt")[2]
        described = describe_members(member_reports)
        init_seed = [m["initSeed"] for m in described]
        record = {"options": member_reports[0]["detector"]["options"], "readout": "mean of the members' readout logits",
                  "members": described, "epoch": None}
        trained_minutes = sum(m["minutes"] for m in described)
    else:
        record, members = train_member(target, volumes, split, y, opts, rng, a.run)
        trained_minutes = 0.0

    def readout_logits(maps: List[List[np.ndarray]]) -> np.ndarray:
        return np.array([readout_logit(members, m) for m in maps])

    def features(split_name: str, task: str, detector: np.ndarray, raw: bool = False) -> np.ndarray:
        z = [logits[i]["logitsRawInput" if raw else "logits"][TASKS.index(task)] for i in split[split_name]]
        return np.column_stack([z, detector])

    unseen_maps = {i: member_maps(members, volumes[i].image) for i in split["unseen"]}
    maps = {i: mean_map(m) for i, m in unseen_maps.items()}
    pooled = {i: cam_grid_map(m, a.cam_grid) for i, m in maps.items()}
    detector_logits = {
        "validation": readout_logits([member_maps(members, volumes[i].image) for i in split["validation"]]),
        "unseen": readout_logits([unseen_maps[i] for i in split["unseen"]]),
    }
    if a.members:
        record["validationAuc"] = float(np.mean([auc(y[t, "validation"], detector_logits["validation"])
                                                   for t in target.tasks]))

    def raw(i: str) -> np.ndarray:
        return np.stack([ds.volume(ds.exam(i), sequence) for sequence in target.inputs])

    detector_raw = readout_logits([member_maps(members, raw(i)) for i in split["unseen"]])

    tasks, scores = {}, {i: {} for i in split["unseen"]}
    for t in target.tasks:
        x_val = features("validation", t, detector_logits["validation"])
        weights, bias = fit_logistic(x_val, y[t, "validation"])
        p_val = 1 / (1 + np.exp(-stacked_logit(x_val, weights, bias)))
        threshold = youden_threshold(y[t, "validation"], p_val)
        op = binary_metrics(y[t, "validation"], p_val, threshold)
        # The unseen site, scored once.
        x_unseen = features("unseen", t, detector_logits["unseen"])
        p_unseen = 1 / (1 + np.exp(-stacked_logit(x_unseen, weights, bias)))
        x_raw = features("unseen", t, detector_raw, raw=True)
        p_raw = 1 / (1 + np.exp(-stacked_logit(x_raw, weights, bias)))
        y_unseen = y[t, "unseen"]

        def alone(column: int) -> Dict:
            return {"auc": auc(y_unseen, x_unseen[:, column]), "aucCI": list(bootstrap_auc_ci(y_unseen, x_unseen[:, column]))}

        tasks[t] = {
            "stacker": {"features": list(FEATURES), "weights": weights.tolist(), "bias": bias,
                        "fittedOn": f"validation ({len(split['validation'])} exams)"},
            "threshold": threshold,
            "operatingPoint": {"sensitivity": op["sensitivity"], "specificity": op["specificity"], "set": "validation",
                               "n": op["n"], "rule": "Youden index (max sensitivity + specificity - 1) on the validation split"},
            "unseen": {
                "stacked": task_report(y_unseen, p_unseen, threshold),
                "classifierAlone": alone(0),
                "detectorAlone": alone(1),
                "rawInput": {"description": "the same networks, stacking weights and threshold fed the raw volumes (no U-Net)",
                             **task_report(y_unseen, p_raw, threshold)},
                "pointingGame": {"camGrid": pointing_game(pooled, ds, split["unseen"], volumes, target, t),
                                 "fullResolution": pointing_game(maps, ds, split["unseen"], volumes, target, t)},
            },
        }
        for i, yy, x, p in zip(split["unseen"], y_unseen, x_unseen, p_unseen):
            scores[i][t] = {"label": bool(yy), "classifierLogit": float(x[0]), "probability": float(p)}
    for i, z in zip(split["unseen"], detector_logits["unseen"]):
        scores[i]["detectorLogit"] = float(z)

    report = {
        "schema": "sij-detector-stage/1",
        "target": {"name": target.name, "sequence": target.sequence, "inputs": list(target.inputs), "mask": target.mask, "codes": list(target.codes),
                   "mimics": list(target.mimics),
                   "mimicsElsewhere": [{"mask": m, "codes": list(c)} for m, c in target.mimics_elsewhere], "tasks": list(target.tasks), "lesions": target.lesions},
        "modelOutputs": produced.get("model"),
        "split": {s: len(split[s]) for s in ("train", "validation", "unseen")},
        "unseenSite": a.unseen_site,
        "seeds": {"split": a.seed, "init": init_seed},
        "detector": record,
        "tasks": tasks,
        "unseenExamScores": scores,
        "minutes": trained_minutes + (time.time() - started) / 60,
    }
    (a.run / "report.json").write_text(json.dumps(report, indent=1))
    summary = {"target": target.name, "readout": record["readout"], "epoch": record["epoch"],
               "validationAuc": record["validationAuc"],
               **{t: {"weights": r["stacker"]["weights"], "threshold": r["threshold"],
                      "unseenAuc": r["unseen"]["stacked"]["auc"], "classifierAlone": r["unseen"]["classifierAlone"]["auc"],
                      "detectorAlone": r["unseen"]["detectorAlone"]["auc"], "rawInputAuc": r["unseen"]["rawInput"]["auc"],
                      "pointing": {g: f"{v['hits']}/{v['positiveExamsWithMask']}"
                                   for g, v in r["unseen"]["pointingGame"].items()}}
                  for t, r in tasks.items()}}
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
