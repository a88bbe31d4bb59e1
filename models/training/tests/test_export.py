"""Export of a tiny random model: valid ONNX, standard operators only, manifest with true hashes."""

import json

import onnx

from models.training.export import main
from models.training.tensors import read_f32, sha256_file


def test_export_random_tiny(tmp_path):
    out = tmp_path / "m"
    assert main(["--random", "--preset", "tiny", "--out", str(out), "--id", "t"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["schema"] == "sij-model-manifest/1"
    assert manifest["clinicalUse"] is False
    assert [t["key"] for t in manifest["tasks"]] == ["active_inflammation", "asas_bme", "structural"]
    for net in manifest["networks"].values():
        path = out / net["file"]
        assert sha256_file(path) == net["sha256"]
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
        ops = {n.op_type for n in model.graph.node}
        assert "Resize" not in ops, "exact up-sampling only (METHOD.md export pitfalls)"
    cls = onnx.load(str(out / "classifier.onnx"))
    assert [o.name for o in cls.graph.output] == ["probabilities", "cam"]
    cam_dims = [d.dim_value for d in cls.graph.output[1].type.tensor_type.shape.dim]
    assert cam_dims == [1, 3, 2, *manifest["networks"]["classifier"]["camGrid"]]
    golden = json.loads((out / "golden" / "golden.json").read_text())
    prob = read_f32(out / golden["tensors"]["probabilities"]["file"], [1, 3])
    assert ((prob > 0) & (prob < 1)).all()
    for f in manifest["files"]:
        assert sha256_file(out / f["path"]) == f["sha256"]
