"""Writes the reference classifier (random weights, the same as inference.torch.py's and the reference
folder's classifier.onnx) as its stacked-slice graph, for `npm run bench:inference`:
<out>/classifier-stacked.onnx.
Usage: inference.classifier.py OUT_DIR"""
import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import torch  # noqa: E402

from models.training.config import PRESETS  # noqa: E402
from models.training.export import export_classifier, random_models  # noqa: E402

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(2)
cfg = PRESETS["reference"]
classifier, _, _ = random_models(cfg, 1)
export_classifier(classifier, cfg.grid_size, out / "classifier-stacked.onnx", "stacked")
