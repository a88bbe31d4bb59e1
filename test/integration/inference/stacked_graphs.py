"""Writes the stacked-slice ONNX graphs of small random networks with the reference topology, a fixed
input, and the outputs of the same networks in PyTorch's 3D form (Conv3d, BatchNorm3d, MaxPool3d,
ConvTranspose3d: the reference), for a check of the exported graphs in onnxruntime-node.
Usage: stacked_graphs.py OUT  (writes OUT/cases.json and the files it names)
"""
import dataclasses
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", ".."))
import torch  # noqa: E402

from models.training.classifier import DualEncoderClassifier  # noqa: E402
from models.training.config import REFERENCE  # noqa: E402
from models.training.export import export_classifier, export_unet, randomize  # noqa: E402
from models.training.gradcam import ClassifierWithCam  # noqa: E402
from models.training.unet3d import UNet3d  # noqa: E402

# The reference encoder (bottleneck blocks, stem (2,5,5)/(1,3,3), strides (1,1,1),(2,2,2)x3) with fewer
# blocks and channels; grids with even and with odd sizes (the rewrite pads odd slice heights).
CLASSIFIER = dataclasses.replace(
    REFERENCE,
    encoder=dataclasses.replace(REFERENCE.encoder, layers=(1, 2, 1, 1), widths=(16, 16, 32, 32), stem_channels=16),
    head=dataclasses.replace(REFERENCE.head, hidden=32),
)
UNET = dataclasses.replace(REFERENCE.unet, widths=(16, 16, 32, 32))


def save(out: Path, name: str, t: torch.Tensor) -> dict:
    t.detach().contiguous().numpy().astype("float32").tofile(out / f"{name}.f32")
    return {"file": f"{name}.f32", "shape": list(t.shape)}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(11)
    cases = []
    for grid in ((16, 48, 48), (15, 45, 47)):
        name = "classifier-" + "x".join(map(str, grid))
        model = DualEncoderClassifier(CLASSIFIER)
        randomize(model, 7)
        model.eval()
        export_classifier(model, grid, out / f"{name}.onnx", "stacked")
        t1, stir = torch.randn(1, 1, *grid), torch.randn(1, 1, *grid)
        with torch.no_grad():
            prob, cam = ClassifierWithCam(model)(t1, stir)
        inputs = {"t1": save(out, f"{name}-t1", t1), "stir": save(out, f"{name}-stir", stir)}
        outputs = {"probabilities": save(out, f"{name}-probabilities", prob), "cam": save(out, f"{name}-cam", cam)}
        cases.append({"name": name, "onnx": f"{name}.onnx", "inputs": inputs, "outputs": outputs})
    unet = UNet3d(UNET)
    randomize(unet, 5)
    with torch.no_grad():
        # A correction of the order of the input, so that the check is about the network and not the
        # residual path (output = input + correction).
        unet.out.weight.copy_(torch.randn(unet.out.weight.shape))
    unet.eval()
    grid = (20, 64, 64)
    export_unet(unet, grid, out / "unet.onnx", "stacked")
    x = torch.randn(1, 1, *grid)
    with torch.no_grad():
        y = unet(x)
    inputs, outputs = {"input": save(out, "unet-input", x)}, {"output": save(out, "unet-output", y)}
    cases.append({"name": "unet", "onnx": "unet.onnx", "inputs": inputs, "outputs": outputs, "residual": "input"})
    (out / "cases.json").write_text(json.dumps(cases, indent=1))


main(Path(sys.argv[1]))
