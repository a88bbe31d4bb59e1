"""Writes a reference network (random weights, the same as inference.torch.py's) as the ONNX graphs
`npm run bench:inference` compares:
  unet:       <out>/unet-3d.onnx and <out>/unet-stacked.onnx
  classifier: <out>/classifier-stacked.onnx (its 3D graph is the reference folder's classifier.onnx)
Usage: inference.graphs.py unet|classifier OUT_DIR"""
import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import torch  # noqa: E402

from models.training.config import PRESETS  # noqa: E402
from models.training.export import UNET_GRAPHS, export_classifier, export_unet, random_models  # noqa: E402

network, out = sys.argv[1], Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(2)
cfg = PRESETS["reference"]
classifier, unet, _ = random_models(cfg, 1)
if network == "unet":
    for graph in UNET_GRAPHS:
        export_unet(unet, cfg.unet_grid_size, out / f"unet-{graph}.onnx", graph)
elif network == "classifier":
    export_classifier(classifier, cfg.grid_size, out / "classifier-stacked.onnx", "stacked")
else:
    sys.exit(f"inference.graphs.py: unknown network {network!r} (unet | classifier)")
