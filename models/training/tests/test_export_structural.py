import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models.training.tensors import read_f32, sha256_file
from models.training.tests.test_pipeline import make_dataset
from models.training.tests.test_structural_stage import fake_model_outputs

REPO = Path(__file__).resolve().parents[3]
FIXTURE = REPO / "test/fixtures/models/random-small"


def run(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export-structural")
    (tmp / "ds").mkdir()
    make_dataset(tmp / "ds", per_site=20)
    fake_model_outputs(tmp / "ds", tmp / "outputs")
    stage = run("models.training.structural_stage", "--dataset", str(tmp / "ds"), "--model-outputs", str(tmp / "outputs"),
                "--run", str(tmp / "run"), "--unseen-site", "c", "--epochs", "1", "--width", "4", "--crop", "4", "16", "16",
                "--crops-per-exam", "2", "--cam-grid", "8", "8", "8")
    assert stage.returncode == 0, stage.stderr
    shutil.copytree(FIXTURE, tmp / "base")
    out = run("models.training.export_structural", "--model", str(tmp / "base"), "--run", str(tmp / "run"),
              "--dataset", str(tmp / "ds"), "--out", str(tmp / "model"), "--version", "9.9.9", "--base-training-seconds", "60")
    assert out.returncode == 0, out.stderr
    return tmp


def golden(folder: Path, name: str) -> np.ndarray:
    index = json.loads((folder / "golden/golden.json").read_text())["tensors"][name]
    return read_f32(folder / index["file"], index["shape"])


def test_the_manifest_takes_the_stage_s_task_figures_and_lists_true_hashes(exported):
    manifest = json.loads((exported / "model/manifest.json").read_text())
    stage = json.loads((exported / "run/report.json").read_text())
    assert manifest["version"] == "9.9.9"
    structural = manifest["tasks"][2]
    assert structural["threshold"] == stage["task"]["threshold"]
    assert structural["heatmaps"] == {"t1": "lesion-probability", "stir": "grad-cam"}
    assert manifest["metrics"]["unseenSite"]["structural"] == stage["unseen"]["stacked"]
    assert manifest["architecture"]["structuralDetector"]["stacking"]["weights"] == stage["stacker"]["weights"]
    for key, net in manifest["networks"].items():
        assert sha256_file(exported / "model" / net["file"]) == net["sha256"], key
    for f in manifest["files"]:
        assert sha256_file(exported / "model" / f["path"]) == f["sha256"], f["path"]
    assert "Structural detector" in (exported / "model/MODEL_CARD.md").read_text()


def test_the_goldens_change_only_where_the_structural_stage_acts(exported):
    base, model = exported / "base", exported / "model"
    p0, p1 = golden(base, "probabilities"), golden(model, "probabilities")
    np.testing.assert_array_equal(p1[:, :2], p0[:, :2])
    assert p1[0, 2] != p0[0, 2]
    c0, c1 = golden(base, "cam"), golden(model, "cam")
    np.testing.assert_array_equal(c1[:, :2], c0[:, :2])
    np.testing.assert_array_equal(c1[:, 2, 1], c0[:, 2, 1])  # the structural STIR map stays Grad-CAM
    assert 0 <= c1[0, 2, 0].min() and c1[0, 2, 0].max() <= 1  # a probability
    for name in ("t1", "stir", "denoised_t1", "denoised_stir"):
        np.testing.assert_array_equal(golden(model, name), golden(base, name))


def test_a_model_that_already_has_the_stage_is_refused(exported):
    again = run("models.training.export_structural", "--model", str(exported / "model"), "--run", str(exported / "run"),
                "--dataset", str(exported / "ds"), "--out", str(exported / "again"), "--version", "9.9.10",
                "--base-training-seconds", "60")
    assert again.returncode != 0 and "already has a structural detector" in again.stderr


def test_the_card_re_rendered_from_the_manifest_alone_is_the_exported_one(exported, tmp_path):
    from models.training.modelcard import rerender

    copy = tmp_path / "model"
    shutil.copytree(exported / "model", copy)
    rerender(copy)
    assert (copy / "MODEL_CARD.md").read_text() == (exported / "model/MODEL_CARD.md").read_text()
    assert (copy / "manifest.json").read_text() == (exported / "model/manifest.json").read_text()
