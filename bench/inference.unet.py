"""Writes the reference U-Net (random weights, the same as inference.torch.py's) as ONNX in both
forms, for `npm run bench:inference`: <out>/unet-3d.onnx and <out>/unet-stacked.onnx.
Usage: inference.unet.py OUT_DIR"""
import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import torch  # noqa: E402

from models.training.config import PRESETS  # noqa: E402
from models.training.export import UNET_GRAPHS, export_unet, random_models  # noqa: E402

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(2)
cfg = PRESETS["reference"]
_, unet, _ = random_models(cfg, 1)
for graph in UNET_GRAPHS:
    export_unet(unet, cfg.unet_grid_size, out / f"unet-{graph}.onnx", graph)
