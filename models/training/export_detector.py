"""Adds a detector stage (detector_stage.py) to an exported model: the detector branch goes inside
classifier.onnx (detector_graph.py), and the manifest, golden tensors and model card follow.

  /usr/bin/python3 -m models.training.export_detector --model models/sij-demo-synthetic \\
      --run RUN --dataset DATASET --out models/sij-demo-synthetic --version 0.5.0 --base-training-seconds 2400

Run once per target (a model can carry the structural detector on T1 and the BME detector on STIR). The other
networks, tasks, thresholds and metrics are the base model's, unchanged. Each of the target's tasks takes the
stage's threshold, operating point, unseen-site metrics (against the reference and the rule labels), pointing
game, case-kind calls and no-denoiser ablation.
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
from typing import Dict, Sequence

import numpy as np
import onnx
import torch

from . import modelcard
from .dataset import TASKS, load_dataset
from .detector_graph import SEQUENCES, DetectorBranch, merge_detector_branch
from .evaluate import case_kind, rule_labels
from .export import OPSET
from .detector_members import DetectorMember, load_detector_file
from .lesion_detector import DETECTOR_TARGETS, DetectorTarget
from .manifest import NETWORK_FILES, TASK_LABELS, write_manifest
from .metrics import task_report
from .tensors import read_f32, sha256_file, write_f32


def branch_onnx(branch: DetectorBranch, grid, inputs: Sequence[str]) -> onnx.ModelProto:
    """The branch as an ONNX graph whose inputs are named as the classifier's inputs of those sequences."""
    buffer = io.BytesIO()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(branch, tuple(torch.zeros(1, 1, *grid) for _ in inputs), buffer, input_names=list(inputs),
                          output_names=["readout", "map"], opset_version=OPSET, do_constant_folding=True)
    return onnx.load_from_string(buffer.getvalue())


def golden_outputs(folder: Path, branch: DetectorBranch, inputs: Sequence[str], target: DetectorTarget, stage: Dict) -> None:
    """The golden probabilities and CAM of the merged graph, from PyTorch: the base model's golden
    classifier outputs with the target's task entries recomputed by the branch."""
    index = json.loads((folder / "golden" / "golden.json").read_text())
    t = index["tensors"]
    denoised = [torch.from_numpy(read_f32(folder / t[f"denoised_{s}"]["file"], t[f"denoised_{s}"]["shape"])) for s in inputs]
    probabilities = read_f32(folder / t["probabilities"]["file"], t["probabilities"]["shape"]).astype(np.float64)
    cam = read_f32(folder / t["cam"]["file"], t["cam"]["shape"])
    with torch.no_grad():
        readout, detector_map = branch(*denoised)
    for task in target.tasks:
        k = TASKS.index(task)
        weights, bias = stage["tasks"][task]["stacker"]["weights"], stage["tasks"][task]["stacker"]["bias"]
        p = probabilities[0, k]
        z = weights[0] * (np.log(p) - np.log1p(-p)) + weights[1] * float(readout[0, 0]) + bias
        probabilities[0, k] = 1 / (1 + np.exp(-z))
        cam[0, k, SEQUENCES.index(target.sequence)] = detector_map[0, 0].numpy()
    write_f32(folder / t["probabilities"]["file"], probabilities.astype(np.float32))
    write_f32(folder / t["cam"]["file"], cam)


def detector_metrics(manifest: Dict, stage: Dict, target: DetectorTarget, dataset) -> Dict:
    metrics = json.loads(json.dumps(manifest.get("metrics") or {}))
    scores = stage["unseenExamScores"]
    ids = sorted(scores)
    y_rule = rule_labels(dataset, ids)
    kinds = metrics.get("unseenSiteByCaseKind") or {}
    ablation = metrics.get("ablationWithoutDenoiser")
    by_task = {}
    for task in target.tasks:
        k = TASKS.index(task)
        r = stage["tasks"][task]
        metrics.setdefault("unseenSite", {})[task] = r["unseen"]["stacked"]
        metrics.setdefault("pointingGame", {})[task] = r["unseen"]["pointingGame"]["camGrid"]
        p = np.array([scores[i][task]["probability"] for i in ids])
        if y_rule is not None and metrics.get("unseenSiteRuleLabels"):
            metrics["unseenSiteRuleLabels"][task] = task_report(y_rule[:, k], p, r["threshold"])
        for kind in kinds.values():
            kind[task] = {"labelled": 0, "called": 0, "correct": 0}
        for i, prob in zip(ids, p):
            row = kinds.get(case_kind(dataset, i))
            if row is None:
                continue
            called, labelled = bool(prob >= r["threshold"]), scores[i][task]["label"]
            row[task]["labelled"] += int(labelled)
            row[task]["called"] += int(called)
            row[task]["correct"] += int(called == labelled)
        if ablation and ablation.get("unseenSite"):
            ablation["unseenSite"][task] = r["unseen"]["rawInput"]
        by_task[task] = {"classifierAlone": r["unseen"]["classifierAlone"], "detectorAlone": r["unseen"]["detectorAlone"],
                         "pointingGameFullResolution": r["unseen"]["pointingGame"]["fullResolution"],
                         "stacker": r["stacker"]}
    if ablation and ablation.get("unseenSite"):
        labels = ", ".join(TASK_LABELS[t] for t in target.tasks)
        ablation["description"] += f" {labels}: the {target.name} detector stage's networks and stack fed the raw volumes."
    metrics.setdefault("lesionDetectors", {})[target.name] = {
        "description": f"each of the {target.name} detector's tasks alone on the unseen site: the classifier's logit, the "
                       f"{target.name} detector's readout, and (unseenSite) the stack of the two",
        "readout": stage["detector"]["readout"],
        "validationAuc": stage["detector"]["validationAuc"],
        "tasks": by_task,
    }
    return metrics


def _readout(top_k: int) -> str:
    return f"mean of the {top_k} most probable voxels" if top_k > 1 else "probability of the most probable voxel"


def detector_description(det: Dict, members: Sequence[DetectorMember], target: DetectorTarget) -> Dict:
    """The manifest's words for the network, its readout and map, and the epochs chosen."""
    width = det["options"]["width"]
    network = (f"3D CNN, widths {width}/{2 * width}, five convolutions, receptive field 5 slices x 15 x 15 voxels, "
               "one logit per input voxel")
    heatmap = f"{', '.join(target.tasks)} on {target.sequence.upper()}: the detector's probability, maximum over each CAM cell"
    if "members" not in det:
        return {"network": network, "readout": f"{_readout(members[0].top_k)} ({det['readout']}), as a logit",
                "heatmap": heatmap, "trainingEpochs": det["options"]["epochs"], "chosenEpoch": det["epoch"]}
    seeds = ", ".join(str(m["initSeed"]) for m in det["members"])
    return {
        "network": f"{len(members)} detectors trained alike from initial seeds {seeds}, each a {network}",
        "readout": "mean over the detectors of each one's readout as a logit (" +
                   "; ".join(f"{_readout(m.top_k)}" for m in members) + ")",
        "heatmap": f"{', '.join(target.tasks)} on {target.sequence.upper()}: the mean of the detectors' probabilities, "
                   "maximum over each CAM cell",
        "trainingEpochs": det["options"]["epochs"],
        "members": [{"initSeed": m["initSeed"], "readout": m["readout"], "topK": m["topK"], "chosenEpoch": m["epoch"],
                     "validationAuc": m["validationAuc"]} for m in det["members"]],
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m models.training.export_detector", description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, type=Path, help="the exported base model's folder")
    p.add_argument("--run", required=True, type=Path, help="detector_stage.py's run folder")
    p.add_argument("--dataset", required=True, type=Path, help="the dataset the stage ran on (case kinds, rule labels)")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--version", required=True)
    p.add_argument("--base-training-seconds", type=float, required=True,
                   help="wall time of the base model's training (before any detector stage), for the model card")
    a = p.parse_args(argv)
    torch.set_num_threads(2)

    manifest = json.loads((a.model / "manifest.json").read_text())
    stage = json.loads((a.run / "report.json").read_text())
    target = DETECTOR_TARGETS[stage["target"]["name"]]
    installed = manifest.get("architecture", {}).get("lesionDetectors", [])
    if any(d["target"] == target.name for d in installed):
        p.error(f"{a.model}: the model already has a {target.name} detector")
    try:
        saved_target, inputs, members = load_detector_file(a.run / "detector.pt")
    except ValueError as err:
        p.error(str(err))
    if saved_target != target.name:
        p.error(f"{a.run / 'detector.pt'}: a {saved_target} detector, but report.json describes a {target.name} stage")
    grid = manifest["inputs"]["grid"]["size"]
    cam_grid = manifest["networks"]["classifier"]["camGrid"]
    branch = DetectorBranch(members, grid, cam_grid).eval()
    stacks = {TASKS.index(t): (stage["tasks"][t]["stacker"]["weights"], stage["tasks"][t]["stacker"]["bias"])
              for t in target.tasks}

    if a.out.resolve() != a.model.resolve():
        shutil.copytree(a.model, a.out, dirs_exist_ok=True)
    classifier_file = a.out / NETWORK_FILES["classifier"]
    merged = merge_detector_branch(onnx.load(str(a.model / NETWORK_FILES["classifier"])),
                                   branch_onnx(branch, grid, inputs), stacks, target.sequence, f"{target.name}/")
    onnx.save(merged, str(classifier_file))
    golden_outputs(a.out, branch, inputs, target, stage)

    dataset = load_dataset(a.dataset)
    manifest["version"] = a.version
    manifest["created"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    manifest["networks"]["classifier"]["sha256"] = sha256_file(classifier_file)
    for t in target.tasks:
        task = manifest["tasks"][TASKS.index(t)]
        task["threshold"] = stage["tasks"][t]["threshold"]
        task["operatingPoint"] = stage["tasks"][t]["operatingPoint"]
        task["heatmaps"] = {**task.get("heatmaps", {"t1": "grad-cam", "stir": "grad-cam"}),
                            target.sequence: "lesion-probability"}
    manifest["metrics"] = detector_metrics(manifest, stage, target, dataset)
    det = stage["detector"]
    read = " and ".join(s.upper() for s in inputs)
    manifest["architecture"]["lesionDetectors"] = installed + [{
        "target": target.name,
        "sequence": target.sequence,
        "inputs": list(inputs),
        "lesions": target.lesions,
        "tasks": list(target.tasks),
        "input": f"the classifier's {read} input{'s' if len(inputs) > 1 else ''} (denoised), one channel each",
        **detector_description(det, members, target),
        "stacking": {"features": stage["tasks"][target.tasks[0]]["stacker"]["features"],
                     "tasks": {t: {"weights": stage["tasks"][t]["stacker"]["weights"],
                                   "bias": stage["tasks"][t]["stacker"]["bias"]} for t in target.tasks}},
    }]
    td = manifest["trainingData"]
    td["description"] += (
        f" {target.name.upper() if target.name == 'bme' else target.name.capitalize()} detector: trained on the phantom's"
        f" lesion masks ({target.lesions}) on crops of what the {read} denoiser{'s' if len(inputs) > 1 else ''} made of"
        " the classifier's training exams; its readout, epoch, stacking weights and thresholds chosen on the validation split.")
    compute = td.get("compute") or {}
    wall = {"base model": round(a.base_training_seconds),
            **{k: v for k, v in (compute.get("wallSeconds") or {}).items() if k != "base model"},
            f"{target.name}_detector": round(60 * stage["minutes"])}
    td["compute"] = {"totalWallSeconds": sum(wall.values()), "wallSeconds": wall}
    manifest["files"] = [{"path": f["path"], "sha256": sha256_file(a.out / f["path"])} for f in manifest["files"]]
    write_manifest(a.out, manifest)
    modelcard.rerender(a.out)  # the card from the manifest, and its hash in the file list
    print(json.dumps({"out": str(a.out), "version": a.version, "classifierBytes": classifier_file.stat().st_size,
                      **{t: {k: manifest["metrics"]["unseenSite"][t][k] for k in ("auc", "aucCI")} for t in target.tasks}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
