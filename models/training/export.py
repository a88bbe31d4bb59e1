"""Export the three networks to ONNX, write golden tensors and manifest.json.

  /usr/bin/python3 -m models.training.export --random --preset tiny --out <dir>
  /usr/bin/python3 -m models.training.export --preset reference --random --out <dir> --no-golden [--unet-graph stacked] [--classifier-graph stacked]
  /usr/bin/python3 -m models.training.export --checkpoints <run dir> --report <run>/report.json --out models/<id>
"""

from __future__ import annotations

import argparse
import json
import warnings
import sys
import time
from pathlib import Path
from typing import Dict, Optional, Tuple

import numpy as np
import torch
from torch import nn

from . import modelcard
from .checkpoint import load_classifier, load_unet
from .classifier import DualEncoderClassifier
from .classifier_stacked import StackedSliceClassifier
from .config import PRESETS, ModelConfig, feature_grid
from .gradcam import ClassifierWithCam
from .jsonfmt import write_json
from .manifest import NETWORK_FILES, build_manifest, write_manifest
from .tensors import write_f32
from .unet3d import UNet3d
from .unet_stacked import StackedSliceUNet

OPSET = 17
# Stated parity tolerances (absolute), checked by test/unit/model/*.test.ts in onnxruntime-node.
TOLERANCE = {"denoised": 1e-4, "probabilities": 1e-5, "camRelative": 1e-4}
# How a U-Net is written into ONNX: as the 3D network, or as the same function in 2D operators over
# its stacked slices (unet_stacked.py), which onnxruntime's CPU provider runs 1.5-2x faster; the
# other providers (CUDA, DirectML, CoreML) are untested with it, so the shipped form stays 3D.
UNET_GRAPHS = ("3d", "stacked")
# Likewise for the classifier's encoder (classifier_stacked.py, bottleneck encoders only).
CLASSIFIER_GRAPHS = ("3d", "stacked")


def randomize(module: nn.Module, seed: int) -> None:
    """Random weights that exercise every parameter: BatchNorm statistics and affine terms and the
    U-Net's zero-initialised output layer would otherwise make parts of the graph trivial."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm3d)):
                n = m.num_features
                m.weight.copy_(0.5 + torch.rand(n, generator=g))
                m.bias.copy_(0.1 * torch.randn(n, generator=g))
                m.running_mean.copy_(0.1 * torch.randn(n, generator=g))
                m.running_var.copy_(0.5 + torch.rand(n, generator=g))
        if isinstance(module, UNet3d):
            module.out.weight.copy_(0.1 * torch.randn(module.out.weight.shape, generator=g))
            module.out.bias.copy_(0.01 * torch.randn(1, generator=g))


def synthetic_volume(shape, seed: int) -> np.ndarray:
    """A z-scored volume with smooth structure and noise, for golden tensors of random models."""
    rng = np.random.default_rng(seed)
    d, h, w = shape
    z, y, x = np.meshgrid(np.linspace(-1, 1, d), np.linspace(-1, 1, h), np.linspace(-1, 1, w), indexing="ij")
    vol = np.zeros(shape, dtype=np.float64)
    for _ in range(12):
        c = rng.uniform(-0.8, 0.8, 3)
        r = rng.uniform(0.1, 0.4, 3)
        vol += rng.uniform(-1, 2) * (((z - c[0]) / r[0]) ** 2 + ((y - c[1]) / r[1]) ** 2 + ((x - c[2]) / r[2]) ** 2 < 1)
    vol *= 1 + 0.3 * x  # bias field
    vol += 0.2 * rng.standard_normal(shape)
    return ((vol - vol.mean()) / vol.std()).astype(np.float32)


def export_onnx(module: nn.Module, args: Tuple, path: Path, inputs, outputs) -> None:
    module.eval()
    # Shapes are static (one fixed grid), so the tracer's "treated as a constant" warnings are moot.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(
            module,
            args,
            str(path),
            input_names=inputs,
            output_names=outputs,
            opset_version=OPSET,
            do_constant_folding=True,
        )


def export_unet(unet: UNet3d, grid, path: Path, graph: str) -> None:
    if graph not in UNET_GRAPHS:
        raise ValueError(f"unknown U-Net graph {graph!r} (known: {', '.join(UNET_GRAPHS)})")
    module = StackedSliceUNet(unet.eval(), grid) if graph == "stacked" else unet
    export_onnx(module, (torch.zeros(1, 1, *grid),), path, ["input"], ["output"])


def export_classifier(classifier: DualEncoderClassifier, grid, path: Path, graph: str) -> None:
    if graph not in CLASSIFIER_GRAPHS:
        raise ValueError(f"unknown classifier graph {graph!r} (known: {', '.join(CLASSIFIER_GRAPHS)})")
    module = StackedSliceClassifier(classifier, grid) if graph == "stacked" else classifier
    c_in = torch.zeros(1, 1, *grid)
    export_onnx(ClassifierWithCam(module), (c_in, c_in), path, ["t1", "stir"], ["probabilities", "cam"])


def export_model(
    out: Path,
    cfg: ModelConfig,
    classifier: DualEncoderClassifier,
    unet_t1: UNet3d,
    unet_stir: UNet3d,
    golden: Optional[Tuple[np.ndarray, np.ndarray]],
    manifest_fields: Dict,
    report: Optional[Dict] = None,
    unet_graph: str = "3d",
    classifier_graph: str = "3d",
) -> Dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for u in (unet_t1, unet_stir):
        u.check_grid(cfg.unet_grid_size)
    export_unet(unet_t1, cfg.unet_grid_size, out / NETWORK_FILES["denoiseT1"], unet_graph)
    export_unet(unet_stir, cfg.unet_grid_size, out / NETWORK_FILES["denoiseStir"], unet_graph)
    export_classifier(classifier, cfg.grid_size, out / NETWORK_FILES["classifier"], classifier_graph)
    extra = []
    if golden is not None:
        extra = write_golden(out, cfg, classifier, unet_t1, unet_stir, *golden)
    if report is not None:
        # The card is rendered from the manifest's figures, then listed (with its hash) in the manifest.
        draft = build_manifest(out, cfg, extra_files=extra, **manifest_fields)
        (out / "MODEL_CARD.md").write_text(modelcard.render(draft, cfg, report))
        extra = ["MODEL_CARD.md", *extra]
    manifest = build_manifest(out, cfg, extra_files=extra, **manifest_fields)
    manifest["networks"]["denoiseT1"]["grid"] = list(cfg.unet_grid_size)
    manifest["networks"]["denoiseStir"]["grid"] = list(cfg.unet_grid_size)
    write_manifest(out, manifest)
    return manifest


def write_golden(out: Path, cfg, classifier, unet_t1, unet_stir, t1: np.ndarray, stir: np.ndarray):
    """PyTorch outputs for one exam; the classifier's golden input is the PyTorch-denoised pair, so
    each network is checked on its own."""
    if tuple(cfg.unet_grid_size) != tuple(cfg.grid_size):
        raise ValueError("golden tensors need the U-Net and classifier grids to match")
    folder = out / "golden"
    folder.mkdir(exist_ok=True)
    with torch.no_grad():
        x1 = torch.from_numpy(t1).reshape(1, 1, *cfg.grid_size)
        x2 = torch.from_numpy(stir).reshape(1, 1, *cfg.grid_size)
        d1 = unet_t1.eval()(x1)
        d2 = unet_stir.eval()(x2)
        prob, cam = ClassifierWithCam(classifier)(d1, d2)
    tensors = {
        "t1": x1,
        "stir": x2,
        "denoised_t1": d1,
        "denoised_stir": d2,
        "probabilities": prob,
        "cam": cam,
    }
    index = {"schema": "sij-golden/1", "source": f"PyTorch {torch.__version__}", "tolerance": TOLERANCE, "tensors": {}}
    files = []
    for name, t in tensors.items():
        file = f"golden/{name}.f32"
        write_f32(out / file, t.numpy())
        index["tensors"][name] = {"file": file, "shape": list(t.shape)}
        files.append(file)
    index["pipeline"] = {
        "denoiseT1": {"input": "t1", "output": "denoised_t1"},
        "denoiseStir": {"input": "stir", "output": "denoised_stir"},
        "classifier": {"inputs": {"t1": "denoised_t1", "stir": "denoised_stir"}, "outputs": ["probabilities", "cam"]},
    }
    write_json(folder / "golden.json", index)
    return files + ["golden/golden.json"]


def random_models(cfg: ModelConfig, seed: int):
    torch.manual_seed(seed)
    classifier = DualEncoderClassifier(cfg)
    unet_t1, unet_stir = UNet3d(cfg.unet), UNet3d(cfg.unet)
    for i, m in enumerate((classifier, unet_t1, unet_stir)):
        randomize(m, seed + i)
    return classifier.eval(), unet_t1.eval(), unet_stir.eval()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m models.training.export", description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--preset", default="small", choices=sorted(PRESETS))
    p.add_argument("--random", action="store_true", help="random weights (for tests and benchmarks)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--checkpoints", type=Path, help="run folder with classifier.pt, denoise_t1.pt, denoise_stir.pt")
    p.add_argument("--report", type=Path, help="report.json of the evaluation (thresholds, metrics, data)")
    p.add_argument("--golden-exam", help="dataset.json path and exam id as PATH:ID for golden tensors")
    p.add_argument("--no-golden", action="store_true")
    p.add_argument("--unet-graph", choices=UNET_GRAPHS, default="3d", help="U-Net ONNX form (default 3d)")
    p.add_argument(
        "--classifier-graph", choices=CLASSIFIER_GRAPHS, default="3d", help="classifier ONNX form (default 3d)"
    )
    p.add_argument("--id", default=None)
    p.add_argument("--version", default="0.1.0")
    a = p.parse_args(argv)
    torch.set_num_threads(2)

    if a.random == bool(a.checkpoints):
        p.error("give exactly one of --random or --checkpoints")
    if a.random:
        cfg = PRESETS[a.preset]
        classifier, unet_t1, unet_stir = random_models(cfg, a.seed)
        fields = {
            "model_id": a.id or f"random-{cfg.name}",
            "version": a.version,
            "name": f"Random-weight {cfg.name} model (software tests only)",
            "training_data": {"description": "None: random weights, for software tests and benchmarks only.", "exams": 0},
            "disclaimer": "Random weights: outputs are meaningless. Software tests and benchmarks only. Not for clinical use.",
        }
    else:
        classifier, cfg = load_classifier(a.checkpoints / "classifier.pt")
        unet_t1, _ = load_unet(a.checkpoints / "denoise_t1.pt")
        unet_stir, _ = load_unet(a.checkpoints / "denoise_stir.pt")
        if not a.report:
            p.error("--checkpoints needs --report")
        report = json.loads(a.report.read_text())
        fields = {
            "model_id": a.id or "sij-demo-synthetic",
            "version": a.version,
            "name": "SIJ Reader demonstration model",
            # the wall times travel in the manifest too, so the card can be re-rendered from it alone
            "training_data": {**report["trainingData"], **({"compute": report["training"]} if "training" in report else {})},
            "thresholds": report["thresholds"],
            "operating_points": report["operatingPoints"],
            "metrics": report["metrics"],
            "quality_reference": report.get("qualityReference"),
        }

    golden = None
    if not a.no_golden:
        if a.golden_exam:
            from .dataset import load_dataset

            path, exam_id = a.golden_exam.rsplit(":", 1)
            ds = load_dataset(Path(path))
            exam = ds.exam(exam_id)
            golden = (ds.volume(exam, "t1"), ds.volume(exam, "stir"))
        else:
            golden = (synthetic_volume(cfg.grid_size, a.seed), synthetic_volume(cfg.grid_size, a.seed + 100))

    t0 = time.time()
    report_or_none = None if a.random else report
    export_model(a.out, cfg, classifier, unet_t1, unet_stir, golden, fields, report_or_none, a.unet_graph, a.classifier_graph)
    sizes = {f.name: f.stat().st_size for f in a.out.glob("*.onnx")}
    print(json.dumps({"out": str(a.out), "seconds": round(time.time() - t0, 1), "onnxBytes": sizes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
