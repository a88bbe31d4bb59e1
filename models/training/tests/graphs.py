"""Shared check of the stacked-slice exports: both ONNX forms of one network, the stacked one valid
and with exactly the 3D graph's inputs and outputs (a drop-in)."""

import onnx


def export_both_forms(export, model, grid, folder):
    export(model, grid, folder / "stacked.onnx", "stacked")
    export(model, grid, folder / "3d.onnx", "3d")
    stacked, plain = onnx.load(str(folder / "stacked.onnx")), onnx.load(str(folder / "3d.onnx"))
    onnx.checker.check_model(stacked)
    for a, b in zip((stacked.graph.input, stacked.graph.output), (plain.graph.input, plain.graph.output)):
        assert [(v.name, v.type) for v in a] == [(v.name, v.type) for v in b]
    return stacked
