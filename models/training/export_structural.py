"""Adds a structural stage (structural_stage.py) to an exported model: the detector branch goes inside
classifier.onnx (structural_graph.py), and the manifest, golden tensors and model card follow.

  /usr/bin/python3 -m models.training.export_structural --model models/sij-demo-synthetic \\
      --run RUN --dataset DATASET --out models/sij-demo-synthetic --version 0.3.0 --base-training-seconds 2400

The other networks, tasks, thresholds and metrics are the base model's, unchanged. The structural task's
threshold, operating point, unseen-site metrics (against the reference and the rule labels), pointing game,
case-kind calls and no-denoiser ablation are replaced by the stage's.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import sys
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict

import numpy as np
import onnx
import torch

from . import modelcard
from .config import PRESETS
from .dataset import TASKS, load_dataset
from .evaluate import case_kind, rule_labels
from .export import OPSET
from .jsonfmt import write_json
from .manifest import NETWORK_FILES, write_manifest
from .metrics import task_report
from .structural_detector import T1StructuralDetector
from .structural_graph import StructuralBranch, merge_structural_branch
from .tensors import read_f32, sha256_file, write_f32

TASK = TASKS.index("structural")


def branch_onnx(branch: StructuralBranch, grid) -> onnx.ModelProto:
    buffer = io.BytesIO()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(branch, (torch.zeros(1, 1, *grid),), buffer, input_names=["t1"],
                          output_names=["readout", "map"], opset_version=OPSET, do_constant_folding=True)
    return onnx.load_from_string(buffer.getvalue())


def golden_outputs(folder: Path, branch: StructuralBranch, weights, bias) -> None:
    """The golden probabilities and CAM of the merged graph, from PyTorch: the base model's golden
    classifier outputs (PyTorch's) with the structural entries recomputed by the branch."""
    index = json.loads((folder / "golden" / "golden.json").read_text())
    t = index["tensors"]
    denoised_t1 = read_f32(folder / t["denoised_t1"]["file"], t["denoised_t1"]["shape"])
    probabilities = read_f32(folder / t["probabilities"]["file"], t["probabilities"]["shape"]).astype(np.float64)
    cam = read_f32(folder / t["cam"]["file"], t["cam"]["shape"])
    with torch.no_grad():
        readout, detector_map = branch(torch.from_numpy(denoised_t1))
    p = probabilities[0, TASK]
    z = weights[0] * (np.log(p) - np.log1p(-p)) + weights[1] * float(readout[0, 0]) + bias
    probabilities[0, TASK] = 1 / (1 + np.exp(-z))
    cam[0, TASK, 0] = detector_map[0, 0].numpy()
    write_f32(folder / t["probabilities"]["file"], probabilities.astype(np.float32))
    write_f32(folder / t["cam"]["file"], cam)


def structural_metrics(manifest: Dict, stage: Dict, dataset) -> Dict:
    metrics = json.loads(json.dumps(manifest.get("metrics") or {}))
    unseen = stage["unseen"]
    metrics.setdefault("unseenSite", {})["structural"] = unseen["stacked"]
    metrics.setdefault("pointingGame", {})["structural"] = unseen["pointingGame"]["camGrid"]
    scores = stage["unseenExamScores"]
    ids = sorted(scores)
    p = np.array([scores[i]["probability"] for i in ids])
    threshold = stage["task"]["threshold"]
    y_rule = rule_labels(dataset, ids)
    if y_rule is not None and metrics.get("unseenSiteRuleLabels"):
        metrics["unseenSiteRuleLabels"]["structural"] = task_report(y_rule[:, TASK], p, threshold)
    kinds = metrics.get("unseenSiteByCaseKind") or {}
    for kind in kinds.values():
        kind["structural"] = {"labelled": 0, "called": 0, "correct": 0}
    for i, prob in zip(ids, p):
        row = kinds.get(case_kind(dataset, i))
        if row is None:
            continue
        called, labelled = bool(prob >= threshold), scores[i]["structural"]
        row["structural"]["labelled"] += int(labelled)
        row["structural"]["called"] += int(called)
        row["structural"]["correct"] += int(called == labelled)
    ablation = metrics.get("ablationWithoutDenoiser")
    if ablation and ablation.get("unseenSite"):
        ablation["unseenSite"]["structural"] = unseen["rawInput"]
        ablation["description"] += (" Structural change: " + unseen["rawInput"]["description"] + ".")
    metrics["structuralDetector"] = {
        "description": "the structural task alone: the classifier's structural logit and the T1 detector's readout, "
                       "each on the unseen site, and the stack of the two (unseenSite.structural)",
        "classifierAlone": unseen["classifierAlone"],
        "detectorAlone": unseen["detectorAlone"],
        "pointingGameFullResolution": unseen["pointingGame"]["fullResolution"],
        "stacker": stage["stacker"],
        "readout": stage["detector"]["readout"],
        "validationAuc": stage["detector"]["validationAuc"],
    }
    return metrics


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m models.training.export_structural", description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, type=Path, help="the exported base model's folder")
    p.add_argument("--run", required=True, type=Path, help="structural_stage.py's run folder")
    p.add_argument("--dataset", required=True, type=Path, help="the dataset the stage ran on (case kinds, rule labels)")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--version", required=True)
    p.add_argument("--base-training-seconds", type=float, required=True,
                   help="wall time of the base model's training, for the model card")
    a = p.parse_args(argv)
    torch.set_num_threads(2)

    manifest = json.loads((a.model / "manifest.json").read_text())
    if "structuralDetector" in manifest.get("architecture", {}):
        p.error(f"{a.model}: the model already has a structural detector")
    stage = json.loads((a.run / "report.json").read_text())
    saved = torch.load(a.run / "detector.pt")
    detector = T1StructuralDetector(saved["width"])
    detector.load_state_dict(saved["state"])
    grid = manifest["inputs"]["grid"]["size"]
    cam_grid = manifest["networks"]["classifier"]["camGrid"]
    branch = StructuralBranch(detector, saved["topK"], grid, cam_grid).eval()
    weights, bias = stage["stacker"]["weights"], stage["stacker"]["bias"]

    if a.out.resolve() != a.model.resolve():
        shutil.copytree(a.model, a.out, dirs_exist_ok=True)
    classifier_file = a.out / NETWORK_FILES["classifier"]
    merged = merge_structural_branch(onnx.load(str(a.model / NETWORK_FILES["classifier"])), branch_onnx(branch, grid),
                                     weights, bias, TASK)
    onnx.save(merged, str(classifier_file))
    golden_outputs(a.out, branch, weights, bias)

    dataset = load_dataset(a.dataset)
    manifest["version"] = a.version
    manifest["created"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    manifest["networks"]["classifier"]["sha256"] = sha256_file(classifier_file)
    task = manifest["tasks"][TASK]
    task["threshold"] = stage["task"]["threshold"]
    task["operatingPoint"] = stage["task"]["operatingPoint"]
    task["heatmaps"] = {"t1": "lesion-probability", "stir": "grad-cam"}
    manifest["metrics"] = structural_metrics(manifest, stage, dataset)
    det = stage["detector"]
    manifest["architecture"]["structuralDetector"] = {
        "input": "the classifier's T1 input (denoised)",
        "network": f"3D CNN, widths {det['options']['width']}/{2 * det['options']['width']}, five convolutions, "
                   "receptive field 5 slices x 15 x 15 voxels, one logit per input voxel",
        "readout": f"mean of the {saved['topK']} most probable voxels ({det['readout']}), as a logit",
        "stacking": {"features": stage["stacker"]["features"], "weights": weights, "bias": bias},
        "heatmap": "structural task, T1: the detector's probability, maximum over each CAM cell",
        "trainingEpochs": det["options"]["epochs"],
        "chosenEpoch": det["epoch"],
    }
    td = manifest["trainingData"]
    td["description"] += (
        " Structural detector: trained on the phantom's structural lesion masks (erosion, fat lesion, backfill,"
        " ankylosis) on crops of the T1 denoiser's output for the classifier's training exams; its readout,"
        " epoch, stacking weights and threshold chosen on the validation split.")
    report = {"training": {"totalWallSeconds": round(a.base_training_seconds + 60 * stage["minutes"]),
                           "wallSeconds": {"base model": round(a.base_training_seconds),
                                           "structural_detector": round(60 * stage["minutes"])}}}
    td["compute"] = report["training"]
    cfg = PRESETS[manifest["architecture"]["name"]]
    files = [f["path"] for f in manifest["files"] if f["path"] != "MODEL_CARD.md"]
    manifest["files"] = [{"path": f, "sha256": sha256_file(a.out / f)} for f in files]
    (a.out / "MODEL_CARD.md").write_text(modelcard.render(manifest, cfg, report))
    manifest["files"].insert(0, {"path": "MODEL_CARD.md", "sha256": sha256_file(a.out / "MODEL_CARD.md")})
    write_manifest(a.out, manifest)
    print(json.dumps({"out": str(a.out), "version": a.version, "classifierBytes": classifier_file.stat().st_size,
                      "structural": {k: manifest["metrics"]["unseenSite"]["structural"][k] for k in ("auc", "aucCI")}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
