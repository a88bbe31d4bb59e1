"""MODEL_CARD.md for clinicians, rendered from the manifest (which holds the report's figures)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Dict, List

from .config import PRESETS, ModelConfig, feature_grid
from .manifest import write_manifest
from .tensors import sha256_file


def _encoder_lines(cfg: ModelConfig) -> List[str]:
    first = "3. One 3D ResNet encoder, shared by T1 and STIR, turns each sequence into a feature map; "
    if cfg.encoder.evidence == "only":
        return [
            first + "its last layer is a",
            "   lesion-evidence map per finding (bone marrow oedema, structural change), trained on the lesion",
            "   outlines of the training exams, so the head reads nothing but where lesions appear to be; each map is",
        ]
    if cfg.encoder.evidence == "append":
        return [first + "lesion-evidence maps (trained on", "   the lesion outlines) are added to its channels; each map is"]
    return [first + "each map is"]


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


def _ci(ci) -> str:
    if not ci or ci[0] is None:
        return ""
    return f" ({100 * ci[0]:.0f}-{100 * ci[1]:.0f})"


def _auc(m: Dict) -> str:
    if m.get("auc") is None:
        return "n/a"
    lo, hi = m.get("aucCI", [None, None])
    return f"{m['auc']:.2f}" + (f" ({lo:.2f}-{hi:.2f})" if lo is not None else "")


def _metrics_table(tasks: List[Dict], metrics: Dict) -> List[str]:
    rows = [
        "| Task | n (positive) | AUC (95% CI) | Sensitivity | Specificity | Accuracy | TP / FP / TN / FN |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in tasks:
        m = metrics.get(t["key"])
        if not m:
            continue
        c = m["confusion"]
        rows.append(
            f"| {t['label']} | {m['n']} ({m['positives']}) | {_auc(m)} | {_pct(m['sensitivity'])}{_ci(m['sensitivityCI'])} "
            f"| {_pct(m['specificity'])}{_ci(m['specificityCI'])} | {_pct(m['accuracy'])}{_ci(m['accuracyCI'])} "
            f"| {c['tp']} / {c['fp']} / {c['tn']} / {c['fn']} |"
        )
    return rows


def _in_sentence(label: str) -> str:
    """A task label inside a sentence: "Active inflammatory changes ..." -> "active inflammatory changes ..."."""
    return label[0].lower() + label[1:]


def _detector_name(det: Dict) -> str:
    return f"{'BME' if det['target'] == 'bme' else det['target']} detector"


_DETECTOR_WHY = {
    "structural": "The encoder's cells are too coarse for erosions (a few voxels of lost dark cortical line), so",
    "bme": "The encoder's cells see oedema only as part of an 8 mm cell, and the ASAS rule counts lesions, so",
}
# Why a detector reads a second sequence, keyed by (target, sequence read).
_SECOND_INPUT_WHY = {
    ("structural", "stir"): "STIR beside it, as a reader does, to tell oedema, which darkens T1 marrow too, from erosion and sclerosis",
}


def _detector_lines(n: int, det: Dict, m: Dict, labels: Dict[str, str]) -> List[str]:
    """Step n of "How it works", for one lesion detector stage (export_detector.py)."""
    sequence = det["sequence"].upper()
    other = "STIR" if sequence == "T1" else "T1"
    tasks = [_in_sentence(labels[t]) for t in det["tasks"]]
    name = _detector_name(det)
    also = [s for s in det.get("inputs", [det["sequence"]]) if s != det["sequence"]]
    lines = [
        f"{n}. **{name[0].upper() + name[1:]}.** {_DETECTOR_WHY.get(det['target'], 'So')} a second, small",
        f"   network reads the denoised {sequence} at full resolution"
        + "".join(f" (and the denoised {_SECOND_INPUT_WHY.get((det['target'], s), s.upper())})" for s in also)
        + " and gives every voxel a probability of a lesion",
        f"   ({det['lesions']}; {det['network']}). Its exam score is the {det['readout']}.",
    ]
    if det.get("members"):
        lines.append(f"   The {len(det['members'])} detectors differ only in their initial weights and crops: one detector's "
                     "validation AUC moves by up to 0.05 from one epoch to the next, and the mean of several evens that out.")
    for t in det["tasks"]:
        s = det["stacking"]["tasks"][t]
        lines.append(f"   {labels[t]}: sigmoid({s['weights'][0]:.2f} x classifier logit + {s['weights'][1]:.2f} x detector logit "
                     f"{s['bias']:+.2f}).")
    lines += [
        "   Weights fitted on the validation split. The heat maps of " + " and of ".join(tasks) + f" on {sequence} are the",
        f"   detector's probability (its maximum in each heat-map cell), not Grad-CAM; on {other} they stay the classifier's Grad-CAM.",
    ]
    alone = [f"{labels[t]}: classifier {_auc(r['classifierAlone'])}, detector {_auc(r['detectorAlone'])}"
             for t, r in (m.get("tasks") or {}).items()]
    if alone:
        lines.append("   On the unseen site alone (AUC, 95% CI): " + "; ".join(alone) + "; the stacks are in the results below.")
    return lines


def _weak_case_kind_lines(tasks: List[Dict], kinds: Dict, min_exams: int = 5) -> List[str]:
    """One line per task naming the unseen-site case kinds it gets wrong in more than half the exams."""
    lines = []
    for t in tasks:
        weak = [f"{kind} ({r[t['key']]['correct']} of {r['n']} right, {r[t['key']]['called']} called positive, "
                f"{r[t['key']]['labelled']} labelled positive)"
                for kind, r in kinds.items()
                if r["n"] >= min_exams and t["key"] in r and r[t["key"]]["correct"] < r["n"] / 2]
        if weak:
            lines.append(f"- {t['label']}: wrong in more than half the unseen-site exams of kind " + "; ".join(weak) + ".")
    return lines


def render(manifest: Dict, cfg: ModelConfig, report: Dict) -> str:
    tasks = manifest["tasks"]
    td = manifest["trainingData"]
    detectors = manifest.get("architecture", {}).get("lesionDetectors", [])
    metrics = manifest.get("metrics", {})
    labels = {t["key"]: t["label"] for t in tasks}
    lines = [
        f"# Model card: {manifest['name']} ({manifest['id']} {manifest['version']})",
        "",
        f"> **{manifest['disclaimer']}** It has never seen a real patient's MRI. Its numbers below describe",
        "> synthetic images from this project's own generator and say nothing about performance on real scans.",
        "",
    ]
    if report.get("status"):
        lines += [f"**Status: {report['status']}**", ""]
    lines += [
        "## What it does",
        "Reads one sacroiliac-joint MRI examination (semicoronal T1-weighted and STIR) and gives three",
        "probabilities, each compared with a fixed threshold, plus a heat map (Grad-CAM) per task and sequence",
        "showing which regions drove the result"
        + "".join(f"; for {' and '.join(_in_sentence(labels[t]) for t in d['tasks'])} on {d['sequence'].upper()}, the "
                  f"{_detector_name(d)}'s lesion probability instead (step {6 + n})" for n, d in enumerate(detectors)) + ":",
        "",
    ]
    for t in tasks:
        lines.append(f"- **{t['label']}** (`{t['key']}`): threshold {t['threshold']:.3f}.")
    g = manifest["inputs"]["grid"]
    lines += [
        "",
        "The model is a second reader: it pre-fills the three global judgements of the structured ASAS reading;",
        "the radiologist accepts or overrides each one. It does not localise lesions to quadrants.",
        "",
        "## How it works",
        f"1. Each sequence is resampled to {g['size'][0]} x {g['size'][1]} x {g['size'][2]} voxels of "
        f"{g['spacing'][0]} x {g['spacing'][1]} x {g['spacing'][2]} mm (slice, row, column) and z-scored.",
        "2. A small 3D U-Net per sequence removes noise and intensity inhomogeneity (it replaces the slow",
        "   N4 bias-field correction of the published method; Bressem et al., Radiology 2022).",
        *_encoder_lines(cfg),
        "   pooled to a vector (maximum and mean: the maximum finds a lesion, the mean measures how much is",
        "   affected) and the two vectors are placed side by side ([T1, STIR]) for the head",
        "   (BatchNorm, dropout, 512 units, ReLU, BatchNorm, dropout, one output per task). Side by side, rather",
        "   than the published code's pooling over the two sequences, keeps which sequence a finding came from:",
        "   bright marrow means oedema on STIR but fat on T1, and the ASAS definition is sequence-specific.",
        "4. **One network with three outputs** instead of the paper's three networks: the tasks share their",
        "   evidence (ASAS-positive BME is a subset of active inflammation; both are read on STIR), so a shared",
        "   encoder learns from every label of every exam, and one pass reads all three tasks, which keeps a",
        "   whole exam within the 2-second CPU budget. Each task keeps its own output, threshold and metrics.",
        f"5. Grad-CAM is computed inside the network from the last encoder stage ({' x '.join(map(str, feature_grid(cfg)))}",
        "   cells per sequence) and up-sampled by the workstation. It is coarse: one cell spans about",
        f"   {cfg.grid_size[0] // feature_grid(cfg)[0] * cfg.grid_spacing[0]:.0f} mm through-plane and "
        f"{cfg.grid_size[1] // feature_grid(cfg)[1] * cfg.grid_spacing[1]:.0f} mm in-plane.",
        *(line for n, d in enumerate(detectors)
          for line in _detector_lines(6 + n, d, metrics.get("lesionDetectors", {}).get(d["target"], {}), labels)),
        "",
        "## Training data",
        td["description"],
        "",
        f"- Training sites: {', '.join(td.get('trainSites', []))}; thresholds chosen on {td.get('validation', 'a validation split')}.",
        f"- Unseen test site (never used for training or threshold choice): **{td.get('unseenSite')}**, with scanner",
        "  profiles that differ from the training sites.",
        f"- Exams per split: {td.get('examsPerSplit')}; positives per split and task: {td.get('positivesPerSplit')}.",
    ]
    if td.get("difficulty"):
        lines.append(f"- How hard the test set is: {td['difficulty']}")
    lines += ["", "## Thresholds and operating points (validation split of the training sites)", ""]
    lines += ["| Task | Threshold | Sensitivity | Specificity | n |", "|---|---|---|---|---|"]
    for t in tasks:
        op = t.get("operatingPoint", {})
        lines.append(
            f"| {t['label']} | {t['threshold']:.3f} | {_pct(op.get('sensitivity'))} | {_pct(op.get('specificity'))} | {op.get('n', '')} |"
        )
    lines += ["", "Thresholds maximise sensitivity + specificity (Youden) on validation and were fixed before the unseen site was scored.", ""]
    if metrics.get("unseenSite"):
        lines += [f"## Results on the unseen site ({td.get('unseenSite')})", ""]
        lines += _metrics_table(tasks, metrics["unseenSite"])
        lines += ["", "95% confidence intervals: AUC by stratified bootstrap (2,000 resamples); proportions exact (Clopper-Pearson).", ""]
    if metrics.get("unseenSiteRuleLabels"):
        lines += [
            "### The same predictions against the rule labels",
            "",
            "The reference labels above include the site's simulated reader disagreement (a few percent of labels",
            "flipped). Here the same predictions and thresholds are scored against the labels the reading rules give",
            "on the phantom's lesion grid before that noise.",
            "",
        ]
        lines += _metrics_table(tasks, metrics["unseenSiteRuleLabels"])
        lines.append("")
    ceiling = (metrics.get("lesionBurdenCeiling") or {}).get("tasks")
    if ceiling:
        lines += [
            "### How hard the set is: a perfect lesion counter",
            "",
            "AUC of the true lesion volume (from the phantom's masks) on the unseen site. Against the reference",
            "labels it is capped by their noise, which bounds what any model can show here.",
            "",
            "| Task | vs reference labels | vs rule labels | labels differing |",
            "|---|---|---|---|",
        ]
        for t in tasks:
            c = ceiling.get(t["key"])
            if c:
                rule = "n/a" if c["ruleLabels"] is None else f"{c['ruleLabels']:.3f}"
                lines.append(f"| {t['label']} | {c['referenceLabels']:.3f} | {rule} | {'n/a' if c['labelsDiffering'] is None else c['labelsDiffering']} |")
        lines.append("")
    abl = metrics.get("ablationWithoutDenoiser", {})
    if abl.get("unseenSite"):
        lines += ["## Ablation: the same classifier without the denoising U-Net", "", abl.get("description", ""), ""]
        lines += _metrics_table(tasks, abl["unseenSite"])
        lines.append("")
    den = metrics.get("denoiserUnseenSite")
    if den:
        lines += ["## Denoising U-Net on the unseen site", "", "| Sequence | PSNR input -> output (dB) | SSIM input -> output | exams improved |", "|---|---|---|---|"]
        for seq, d in den.items():
            if d.get("n"):
                lines.append(
                    f"| {seq.upper()} | {d['psnrInput']} -> {d['psnrOutput']} | {d['ssimInput']} -> {d['ssimOutput']} | {d['examsImproved']} of {d['n']} |"
                )
        lines += ["", "Against the phantom's noise- and bias-free image, both z-scored.", ""]
    pg = metrics.get("pointingGame")
    if pg:
        lines += [
            "## Does the heat map point at the lesion? (pointing game, positive exams of the unseen site)",
            "",
            "| Task | Sequence | Exams | Maximum inside a lesion | Within 1 slice / 8 mm | Chance (lesion share of the volume) |",
            "|---|---|---|---|---|---|",
        ]
        for t in tasks:
            p = pg.get(t["key"])
            if p and p["positiveExamsWithMask"]:
                lines.append(
                    f"| {t['label']} | {p['sequence'].upper()} | {p['positiveExamsWithMask']} | {_pct(p['hitRate'])} | {_pct(p['hitRateWithinTolerance'])} | {100 * p['chanceRate']:.2f}% |"
                )
        lines.append("")
    kinds = metrics.get("unseenSiteByCaseKind")
    if kinds:
        lines += [
            "## Where the errors are: unseen site by synthetic case kind",
            "",
            "Correct calls at the fixed thresholds / exams of that kind (mimics should be called negative).",
            "",
            "| Case kind | Exams | " + " | ".join(t["label"] for t in tasks) + " |",
            "|---|---|" + "---|" * len(tasks),
        ]
        for kind, r in kinds.items():
            cells = [f"{r[t['key']]['correct']}/{r['n']}" for t in tasks]
            lines.append(f"| {kind} | {r['n']} | " + " | ".join(cells) + " |")
        lines.append("")
    # The report's figures where the card is rendered at export; the manifest's copy when it is re-rendered.
    tr = report.get("training") or td.get("compute") or {}
    lines += [
        "## Limitations and known failure modes",
        "- Synthetic data only: real anatomy, real scanners and real disease are more varied. Do not use clinically.",
        "- Global labels only; the heat map is coarse and is not a lesion segmentation.",
        "- Expected false positives (as for the published model): field inhomogeneity, failed fat suppression on",
        "  STIR, degenerative change; small erosions can be missed. Semicoronal images only.",
        "- Labels of the synthetic set follow written rules with a little label noise to mimic reader disagreement.",
        *_weak_case_kind_lines(tasks, kinds or {}),
        "",
        "## Compute",
        f"- Training wall time on a shared 2-core CPU: {tr.get('totalWallSeconds', 'n/a')} s in total ({tr.get('wallSeconds', {})}).",
    ]
    if report.get("runtime"):
        lines.append(f"- Inference: {report['runtime']}")
    lines += [
        "- Code: `models/training/` (PyTorch); export to ONNX with Grad-CAM inside the graph.",
        "",
    ]
    return "\n".join(lines)


def rerender(folder: Path) -> None:
    """MODEL_CARD.md again from the model folder's manifest (after a change to this renderer), with its hash
    updated in the manifest's file list."""
    manifest = json.loads((folder / "manifest.json").read_text())
    cfg = PRESETS[manifest["architecture"]["name"]]
    (folder / "MODEL_CARD.md").write_text(render(manifest, cfg, {}))
    for f in manifest["files"]:
        if f["path"] == "MODEL_CARD.md":
            f["sha256"] = sha256_file(folder / "MODEL_CARD.md")
    write_manifest(folder, manifest)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 -m models.training.modelcard <model folder>  (re-renders MODEL_CARD.md)")
    rerender(Path(sys.argv[1]))
