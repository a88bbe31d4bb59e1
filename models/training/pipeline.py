"""The whole training run, stage by stage, resumable (a finished stage's output is reused):

  nice -n 5 /usr/bin/python3 -m models.training.pipeline --dataset <sij dataset dir> \\
      --unseen-site <site> --run <run dir> [--minutes-unet 6 --minutes-classifier 25 ...]

then `python3 -m models.training.export --checkpoints <run> --report <run>/report.json --out models/<id>`.
Progress is appended to <run>/log.jsonl, one JSON object per line."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from . import checkpoint
from .augment import AUGMENTATIONS
from .config import PRESETS
from .dataset import TASKS, load_dataset
from .evaluate import (
    by_case_kind,
    cams_and_probabilities,
    choose_thresholds,
    lesion_burden_ceiling,
    pointing_game,
    rule_labels,
    score,
)
from .jsonfmt import write_json
from .lesion_maps import MAPS, MAX_POS_WEIGHT, load_lesion_maps
from .splits import make_splits
from .tensors import read_f32, write_f32
from .train_classifier import predict, train_classifier
from .train_denoiser import denoise, evaluate_unet, train_unet


class Run:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.t0 = time.time()

    def log(self, entry):
        entry = {"t": round(time.time() - self.t0, 1), **entry}
        with open(self.folder / "log.jsonl", "a") as f:
            f.write(json.dumps(entry) + "\n")
        print(json.dumps(entry), flush=True)

    def path(self, name: str) -> Path:
        return self.folder / name


def quality_reference(ds, ids):
    """Mean and SD of each image-quality feature over the training exams (from `sij dataset --features`)."""
    groups = {}
    for i in ids:
        feats = ds.exam(i).features or {}
        for group, values in feats.items():
            for name, v in values.items():
                if isinstance(v, (int, float)) and np.isfinite(v):
                    groups.setdefault(group, {}).setdefault(name, []).append(float(v))
    return {
        g: {"features": {n: {"mean": float(np.mean(v)), "std": float(np.std(v))} for n, v in names.items()}}
        for g, names in groups.items()
    } or None


def train_and_save(run: Run, tag: str, cfg, volumes, labels, splits, minutes: float, a, maps=None):
    """Train one classifier, or reuse its checkpoint; if another process is training it (marker
    file present), wait for that checkpoint instead of training it twice."""
    ck, info, marker = run.path(f"{tag}.pt"), run.path(f"{tag}.json"), run.path(f"{tag}.training")
    while marker.exists() and not info.exists():
        run.log({"stage": tag, "waitingFor": str(marker)})
        time.sleep(20)
    if ck.exists() and info.exists():
        model, _ = checkpoint.load_classifier(ck)
        return model, json.loads(info.read_text())
    marker.write_text(str(time.time()))
    try:
        model, details = train_classifier(
            cfg,
            volumes,
            labels,
            splits["train"],
            splits["validation"],
            minutes,
            epochs=a.epochs,
            batch=a.batch,
            lr=a.lr,
            smoothing=a.smoothing,
            augmentation=a.augmentation,
            patience=a.patience,
            seed=a.seed,
            tag=tag,
            log=run.log,
            lesion_maps=maps,
            lesion_map_weight=a.lesion_map_weight,
            lesion_map_max_pos_weight=a.lesion_map_max_pos_weight,
            detector_epochs=a.detector_epochs,
        )
        checkpoint.save(ck, model, cfg, {"bestEpoch": details["bestEpoch"]})
        write_json(info, details)
    finally:
        marker.unlink(missing_ok=True)
    return model, details


def denoise_all(run: Run, ds, unets, raw=None):
    """U-Net outputs of every exam, cached as float32 files in <run>/denoised (reused when present)."""
    cache = run.path("denoised")
    cache.mkdir(exist_ok=True)
    den = {}
    for n, e in enumerate(ds.exams):
        pair = []
        for k, seq in enumerate(("t1", "stir")):
            f = cache / f"{e.id}.{seq}.f32"
            if f.exists():
                pair.append(read_f32(f, ds.grid_size))
            else:
                v = denoise(unets[seq], raw[e.id][k] if raw else ds.volume(e, seq))
                write_f32(Path(str(f) + ".tmp"), v)
                Path(str(f) + ".tmp").replace(f)
                pair.append(v)
        den[e.id] = tuple(pair)
        if n % 50 == 0:
            run.log({"stage": "denoise_all", "done": n, "of": len(ds.exams)})
    return den


def prevalence(labels, ids):
    y = np.stack([labels[i] for i in ids])
    return {k: int(y[:, t].sum()) for t, k in enumerate(TASKS)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m models.training.pipeline", description=__doc__.splitlines()[0])
    p.add_argument("--dataset", required=True, type=Path)
    p.add_argument("--unseen-site", required=True)
    p.add_argument("--run", required=True, type=Path)
    p.add_argument("--preset", default="small", choices=sorted(PRESETS))
    p.add_argument("--minutes-unet", type=float, default=6)
    p.add_argument("--minutes-classifier", type=float, default=25)
    p.add_argument("--minutes-ablation", type=float, default=15)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--lr", type=float, default=3e-3, help="peak learning rate of the one-cycle schedule")
    p.add_argument("--smoothing", type=float, default=0.1, help="label smoothing")
    p.add_argument("--augmentation", choices=sorted(AUGMENTATIONS), default="paper")
    p.add_argument(
        "--ablation",
        choices=("retrain", "raw-input"),
        default="retrain",
        help="retrain: a second classifier on raw volumes (the paper's ablation); raw-input: the trained classifier fed the raw volumes",
    )
    p.add_argument(
        "--lesion-map-weight",
        type=float,
        default=1.0,
        help="weight of the lesion-map loss when the dataset has lesion masks (0: labels only)",
    )
    p.add_argument(
        "--lesion-map-max-pos-weight",
        type=float,
        default=MAX_POS_WEIGHT,
        help="cap on the lesion-map loss's weight of lesion cells (1: unweighted, calibrated maps)",
    )
    p.add_argument(
        "--detector-epochs",
        type=int,
        default=0,
        help="first train the encoder's early layers as a lesion detector for this many epochs, then freeze them (needs lesion masks)",
    )
    p.add_argument("--patience", type=int, default=8, help="early stopping: epochs without a better validation AUC")
    p.add_argument("--unet-train-exams", type=int, default=120, help="cap on exams loaded for U-Net training")
    p.add_argument("--bootstrap", type=int, default=2000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--only-ablation",
        action="store_true",
        help="train only the no-denoiser classifier and exit (run beside the main pipeline, which then waits for it)",
    )
    p.add_argument("--only-cache", action="store_true", help="only write the denoised copies of all exams (U-Nets must exist)")
    p.add_argument(
        "--only-denoisers",
        action="store_true",
        help="train only the two U-Nets on the exams not from the unseen site (which may be absent yet) and exit",
    )
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    cfg = PRESETS[a.preset]
    run = Run(a.run)
    wall = {}
    ds = load_dataset(a.dataset)
    if tuple(ds.grid_size) != tuple(cfg.grid_size):
        raise SystemExit(f"{a.dataset}/dataset.json: grid {list(ds.grid_size)} differs from the {cfg.name} preset's {list(cfg.grid_size)}")
    if a.only_denoisers:
        ids = sorted(e.id for e in ds.exams if e.site != a.unseen_site)[: a.unet_train_exams]
        for seq in ("t1", "stir"):
            if not run.path(f"denoise_{seq}.pt").exists():
                unet = train_unet(ds, ids, seq, cfg, a.minutes_unet, seed=a.seed, log=run.log)
                checkpoint.save(run.path(f"denoise_{seq}.pt"), unet, cfg, {"trainExams": len(ids)})
        return 0
    if a.only_cache:
        unets = {seq: checkpoint.load_unet(run.path(f"denoise_{seq}.pt"))[0] for seq in ("t1", "stir")}
        denoise_all(run, ds, unets)
        return 0
    splits = make_splits(ds, a.unseen_site, seed=a.seed)
    write_json(run.path("splits.json"), splits)
    labels = {e.id: e.label_vector() for e in ds.exams}
    run.log({"stage": "splits", **{k: len(v) for k, v in splits.items() if k in ("train", "validation", "unseen")}})
    maps = load_lesion_maps(ds, splits["train"]) if a.lesion_map_weight > 0 or a.detector_epochs > 0 else None
    run.log({"stage": "lesionMaps", "used": maps is not None, "weight": a.lesion_map_weight if maps is not None else 0})

    if a.only_ablation:
        raw = {e.id: (ds.volume(e, "t1"), ds.volume(e, "stir")) for e in ds.exams}
        train_and_save(run, "classifier_raw", cfg, raw, labels, splits, a.minutes_ablation, a, maps)
        return 0

    # 1. Denoisers, one per sequence.
    unets, denoiser_metrics = {}, {}
    for seq in ("t1", "stir"):
        ck = run.path(f"denoise_{seq}.pt")
        t = time.time()
        if ck.exists():
            unets[seq], _ = checkpoint.load_unet(ck)
        else:
            ids = splits["train"][: a.unet_train_exams]
            unets[seq] = train_unet(ds, ids, seq, cfg, a.minutes_unet, seed=a.seed, log=run.log)
            checkpoint.save(ck, unets[seq], cfg, {"trainExams": len(ids)})
        wall[f"denoise_{seq}"] = round(time.time() - t)

    # 2. Denoised copies of every exam (the classifier trains on what it will see at inference).
    t = time.time()
    raw = {e.id: (ds.volume(e, "t1"), ds.volume(e, "stir")) for e in ds.exams}
    den = denoise_all(run, ds, unets, raw)
    wall["denoise_all"] = round(time.time() - t)
    for k, seq in enumerate(("t1", "stir")):
        outputs = {i: den[i][k] for i in splits["unseen"]}
        denoiser_metrics[seq] = evaluate_unet(unets[seq], ds, splits["unseen"], seq, outputs)
        run.log({"stage": f"denoise_{seq}", "unseenSite": denoiser_metrics[seq]})

    # 3. Classifier on denoised input, 4. the same recipe on raw input (ablation).
    models, infos = {}, {}
    stages = [("classifier", den, a.minutes_classifier)]
    if a.ablation == "retrain":
        stages.append(("classifier_raw", raw, a.minutes_ablation))
    for tag, volumes, minutes in stages:
        t = time.time()
        models[tag], infos[tag] = train_and_save(run, tag, cfg, volumes, labels, splits, minutes, a, maps)
        wall[tag] = round(time.time() - t)
    if a.ablation == "raw-input":
        models["classifier_raw"], infos["classifier_raw"] = models["classifier"], {"sameModel": True}

    # 5. Thresholds on validation (fixed here), then the unseen site, once.
    y_val = np.stack([labels[i] for i in splits["validation"]])
    y_unseen = np.stack([labels[i] for i in splits["unseen"]])
    y_rule = rule_labels(ds, splits["unseen"])
    metrics = {}
    op = {}
    for tag, volumes in (("classifier", den), ("classifier_raw", raw)):
        chosen = choose_thresholds(y_val, predict(models[tag], volumes, splits["validation"]))
        op[tag] = chosen
        thresholds = {k: v["threshold"] for k, v in chosen.items()}
        probs, cams = cams_and_probabilities(models[tag], volumes, splits["unseen"])
        metrics[tag] = score(y_unseen, probs, thresholds, a.bootstrap)
        if tag == "classifier":
            metrics["pointingGame"] = pointing_game(ds, splits["unseen"], y_unseen, cams)
            metrics["byCaseKind"] = by_case_kind(ds, splits["unseen"], y_unseen, probs, thresholds)
            if y_rule is not None:
                metrics["ruleLabels"] = score(y_rule, probs, thresholds, a.bootstrap)
            metrics["ceiling"] = lesion_burden_ceiling(ds, splits["unseen"], y_unseen, y_rule)
            with open(run.path("unseen_predictions.csv"), "w") as f:
                f.write("exam_id," + ",".join(TASKS) + "," + ",".join(f"p_{k}" for k in TASKS) + "\n")
                for i, exam_id in enumerate(splits["unseen"]):
                    f.write(exam_id + "," + ",".join(str(int(v)) for v in y_unseen[i]) + "," + ",".join(f"{v:.6f}" for v in probs[i]) + "\n")
        run.log({"stage": "evaluate", "model": tag, "auc": {k: round(m["auc"], 3) for k, m in metrics[tag].items()}})

    n_exams = {k: len(splits[k]) for k in ("train", "validation", "unseen")}
    kinds = {k: v["n"] for k, v in metrics["byCaseKind"].items()}
    n_unseen = max(1, sum(kinds.values()))
    subtle = sum(v for k, v in kinds.items() if "subtle" in k)
    mimics = sum(v for k, v in kinds.items() if k.startswith("mimic"))
    difficulty = (
        f"of the {n_unseen} unseen-site exams, {subtle} ({100 * subtle / n_unseen:.0f}%) are subtle axSpA and {mimics} "
        f"({100 * mimics / n_unseen:.0f}%) are mimics that must be called negative (case kinds: {kinds}); "
        "reference labels carry the site's small label noise (reader disagreement)."
    )
    report = {
        "trainingData": {
            "description": (
                "Synthetic semicoronal SIJ MRI examinations (T1 TSE + STIR) from the SIJ Reader phantom generator, "
                "prepared by `sij dataset` (the inference front half). Denoiser targets: the phantom's clean volumes."
                + (
                    " Auxiliary training target of the classifier's encoder: the phantom's lesion masks per encoder cell ("
                    + ", ".join(name for name, _, _, _ in MAPS)
                    + f"; weight {a.lesion_map_weight}); the exported networks read the images only."
                    + (
                        f" The encoder's early layers were first trained as a lesion detector for {a.detector_epochs} epochs, then frozen."
                        if a.detector_epochs > 0
                        else ""
                    )
                    if maps is not None
                    else ""
                )
            ),
            "trainSites": splits["trainSites"],
            "validationSites": splits["trainSites"],
            "validation": "a label-stratified 20% split of the training sites' exams",
            "unseenSite": splits["unseenSite"],
            "difficulty": difficulty,
            "exams": sum(n_exams.values()),
            "examsPerSplit": n_exams,
            "positivesPerSplit": {k: prevalence(labels, splits[k]) for k in ("train", "validation", "unseen")},
        },
        "thresholds": {k: v["threshold"] for k, v in op["classifier"].items()},
        "operatingPoints": {k: v["operatingPoint"] for k, v in op["classifier"].items()},
        "metrics": {
            "unseenSite": metrics["classifier"],
            "ablationWithoutDenoiser": {
                "description": (
                    "The same classifier recipe trained and evaluated on the raw z-scored volumes (no U-Net), own validation thresholds."
                    if a.ablation == "retrain"
                    else "The trained classifier fed the raw z-scored volumes instead of the U-Net outputs (not retrained), "
                    "thresholds re-chosen on the validation split with raw input."
                ),
                "unseenSite": metrics["classifier_raw"],
                "thresholds": {k: v["threshold"] for k, v in op["classifier_raw"].items()},
            },
            "denoiserUnseenSite": denoiser_metrics,
            "pointingGame": metrics["pointingGame"],
            "unseenSiteRuleLabels": metrics.get("ruleLabels"),
            "lesionBurdenCeiling": metrics["ceiling"],
            "unseenSiteByCaseKind": metrics["byCaseKind"],
            "statistics": "computed in Python (models/training/metrics.py): AUC = Mann-Whitney, stratified percentile bootstrap CI; exact Clopper-Pearson CIs",
        },
        "training": {
            "wallSeconds": wall,
            "totalWallSeconds": round(time.time() - run.t0),
            "classifier": {k: v for k, v in infos["classifier"].items() if k != "history"},
            "classifierRaw": {k: v for k, v in infos["classifier_raw"].items() if k != "history"},
            "threads": a.threads,
        },
        "qualityReference": quality_reference(ds, splits["train"]),
    }
    write_json(run.path("report.json"), report)
    run.log({"stage": "done", "wall": wall})
    return 0


if __name__ == "__main__":
    sys.exit(main())
