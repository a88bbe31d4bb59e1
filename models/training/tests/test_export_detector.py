import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models.training.tensors import read_f32, sha256_file
from models.training.tests.test_detector_stage import fake_model_outputs
from models.training.tests.test_pipeline import make_dataset

REPO = Path(__file__).resolve().parents[3]
FIXTURE = REPO / "test/fixtures/models/random-small"
GRID_OF_FIXTURE, CAM_OF_FIXTURE = (20, 112, 112), (10, 7, 7)  # test/fixtures/models/random-small/manifest.json
STAGE_OPTIONS = ("--unseen-site", "c", "--epochs", "1", "--width", "4", "--crop", "4", "16", "16", "--crops-per-exam", "2",
                 "--cam-grid", "8", "8", "8")


def run(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=cwd)


def export(tmp: Path, model: str, target: str, out: str, version: str):
    return run("models.training.export_detector", "--model", str(tmp / model), "--run", str(tmp / f"run-{target}"),
               "--dataset", str(tmp / "ds"), "--out", str(tmp / out), "--version", version, "--base-training-seconds", "60")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The fixture model with the structural stage (model-s), then the BME stage on top of that (model-sb)."""
    tmp = tmp_path_factory.mktemp("export-detector")
    (tmp / "ds").mkdir()
    make_dataset(tmp / "ds", per_site=20)
    fake_model_outputs(tmp / "ds", tmp / "outputs")
    for target in ("structural", "bme"):
        stage = run("models.training.detector_stage", "--target", target, "--dataset", str(tmp / "ds"),
                    "--model-outputs", str(tmp / "outputs"), "--run", str(tmp / f"run-{target}"), *STAGE_OPTIONS)
        assert stage.returncode == 0, stage.stderr
    shutil.copytree(FIXTURE, tmp / "base")
    for model, target, out, version in (("base", "structural", "model-s", "9.9.8"), ("model-s", "bme", "model-sb", "9.9.9")):
        done = export(tmp, model, target, out, version)
        assert done.returncode == 0, done.stderr
    return tmp


def golden(folder: Path, name: str) -> np.ndarray:
    index = json.loads((folder / "golden/golden.json").read_text())["tensors"][name]
    return read_f32(folder / index["file"], index["shape"])


def stage(exported: Path, target: str):
    return json.loads((exported / f"run-{target}/report.json").read_text())


def test_the_manifest_takes_each_stage_s_task_figures_and_lists_true_hashes(exported):
    manifest = json.loads((exported / "model-sb/manifest.json").read_text())
    assert manifest["version"] == "9.9.9"
    heatmaps = {"structural": {"t1": "lesion-probability", "stir": "grad-cam"},
                "active_inflammation": {"t1": "grad-cam", "stir": "lesion-probability"},
                "asas_bme": {"t1": "grad-cam", "stir": "lesion-probability"}}
    for target in ("structural", "bme"):
        s = stage(exported, target)
        for task, r in s["tasks"].items():
            t = next(t for t in manifest["tasks"] if t["key"] == task)
            assert t["threshold"] == r["threshold"] and t["heatmaps"] == heatmaps[task]
            assert manifest["metrics"]["unseenSite"][task] == r["unseen"]["stacked"]
            assert manifest["metrics"]["lesionDetectors"][target]["tasks"][task]["stacker"] == r["stacker"]
    detectors = manifest["architecture"]["lesionDetectors"]
    assert [(d["target"], d["sequence"], d["tasks"]) for d in detectors] == [
        ("structural", "t1", ["structural"]), ("bme", "stir", ["active_inflammation", "asas_bme"])]
    assert set(manifest["trainingData"]["compute"]["wallSeconds"]) == {"base model", "structural_detector", "bme_detector"}
    for key, net in manifest["networks"].items():
        assert sha256_file(exported / "model-sb" / net["file"]) == net["sha256"], key
    for f in manifest["files"]:
        assert sha256_file(exported / "model-sb" / f["path"]) == f["sha256"], f["path"]
    card = (exported / "model-sb/MODEL_CARD.md").read_text()
    assert "6. **Structural detector.**" in card and "7. **BME detector.**" in card


def test_the_goldens_change_only_where_each_stage_acts(exported):
    base, s, sb = (exported / m for m in ("base", "model-s", "model-sb"))
    p0, p1, p2 = (golden(m, "probabilities") for m in (base, s, sb))
    np.testing.assert_array_equal(p1[:, :2], p0[:, :2])
    assert p1[0, 2] != p0[0, 2]
    np.testing.assert_array_equal(p2[:, 2], p1[:, 2])
    assert (p2[0, :2] != p1[0, :2]).all()
    c0, c1, c2 = (golden(m, "cam") for m in (base, s, sb))
    np.testing.assert_array_equal(c1[:, :2], c0[:, :2])
    np.testing.assert_array_equal(c1[:, 2, 1], c0[:, 2, 1])  # the structural STIR map stays Grad-CAM
    np.testing.assert_array_equal(c2[:, 2], c1[:, 2])
    np.testing.assert_array_equal(c2[:, :2, 0], c1[:, :2, 0])  # the active and ASAS T1 maps stay Grad-CAM
    np.testing.assert_array_equal(c2[0, 0, 1], c2[0, 1, 1])  # one BME map serves both STIR tasks
    for c, (task, sequence) in ((c1, (2, 0)), (c2, (0, 1))):
        assert 0 <= c[0, task, sequence].min() and c[0, task, sequence].max() <= 1  # a probability
    for name in ("t1", "stir", "denoised_t1", "denoised_stir"):
        np.testing.assert_array_equal(golden(sb, name), golden(base, name))


def test_a_model_that_already_has_the_stage_is_refused(exported):
    again = export(exported, "model-sb", "structural", "again", "9.9.10")
    assert again.returncode != 0 and "already has a structural detector" in again.stderr


def test_the_card_re_rendered_from_the_manifest_alone_is_the_exported_one(exported, tmp_path):
    from models.training.modelcard import rerender

    copy = tmp_path / "model"
    shutil.copytree(exported / "model-sb", copy)
    rerender(copy)
    assert (copy / "MODEL_CARD.md").read_text() == (exported / "model-sb/MODEL_CARD.md").read_text()
    assert (copy / "manifest.json").read_text() == (exported / "model-sb/manifest.json").read_text()


ORT_PARITY = """
const ort = require('onnxruntime-node');
const fs = require('fs');
const path = require('path');
const folder = process.argv[1];
const golden = JSON.parse(fs.readFileSync(path.join(folder, 'golden/golden.json'), 'utf8'));
const tensor = (name) => {
  const { file, shape } = golden.tensors[name];
  const b = fs.readFileSync(path.join(folder, file));
  return new ort.Tensor('float32', new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)), shape);
};
(async () => {
  const session = await ort.InferenceSession.create(path.join(folder, 'classifier.onnx'));
  const out = await session.run({ t1: tensor('denoised_t1'), stir: tensor('denoised_stir') });
  const diff = (name) => out[name].data.reduce((m, v, i) => Math.max(m, Math.abs(v - tensor(name).data[i])), 0);
  console.log(JSON.stringify({ probabilities: diff('probabilities'), cam: diff('cam'), tolerance: golden.tolerance }));
})();
"""


@pytest.fixture(scope="module")
def ensemble(tmp_path_factory):
    """Two structural members trained alike from init seeds 0 and 1, their ensemble stage, exported onto the fixture."""
    tmp = tmp_path_factory.mktemp("export-ensemble")
    (tmp / "ds").mkdir()
    make_dataset(tmp / "ds", per_site=20)
    fake_model_outputs(tmp / "ds", tmp / "outputs")
    common = ("--target", "structural", "--dataset", str(tmp / "ds"), "--model-outputs", str(tmp / "outputs"), *STAGE_OPTIONS)
    for seed in (0, 1):
        done = run("models.training.detector_stage", *common, "--run", str(tmp / f"member{seed}"), "--init-seed", str(seed))
        assert done.returncode == 0, done.stderr
    done = run("models.training.detector_stage", *common, "--run", str(tmp / "run-structural"),
               "--members", str(tmp / "member0"), str(tmp / "member1"))
    assert done.returncode == 0, done.stderr
    shutil.copytree(FIXTURE, tmp / "base")
    done = export(tmp, "base", "structural", "model-e", "9.9.7")
    assert done.returncode == 0, done.stderr
    return tmp


def test_an_ensemble_s_graph_reads_the_mean_of_its_members_readouts(ensemble):
    import torch

    from models.training.detector_graph import DetectorBranch
    from models.training.detector_members import load_detector_file

    manifest = json.loads((ensemble / "model-e/manifest.json").read_text())
    (detector,) = manifest["architecture"]["lesionDetectors"]
    assert [m["initSeed"] for m in detector["members"]] == [0, 1] and "chosenEpoch" not in detector
    assert detector["readout"].startswith("mean over the detectors")
    assert "2 detectors differ only in their initial weights" in (ensemble / "model-e/MODEL_CARD.md").read_text()

    # Each member alone, from its own run: the golden structural probability stacks the mean of their readouts.
    t1, stir = (torch.from_numpy(golden(ensemble / "model-e", f"denoised_{s}")) for s in ("t1", "stir"))
    readouts = []
    for seed in (0, 1):
        _, _, (member,) = load_detector_file(ensemble / f"member{seed}/detector.pt")
        with torch.no_grad():
            readouts.append(float(DetectorBranch([member], GRID_OF_FIXTURE, CAM_OF_FIXTURE)(t1, stir)[0]))
    stacker = stage(ensemble, "structural")["tasks"]["structural"]["stacker"]
    p0 = float(golden(ensemble / "base", "probabilities")[0, 2])
    z = stacker["weights"][0] * np.log(p0 / (1 - p0)) + stacker["weights"][1] * np.mean(readouts) + stacker["bias"]
    assert abs(float(golden(ensemble / "model-e", "probabilities")[0, 2]) - 1 / (1 + np.exp(-z))) < 1e-5


def test_onnxruntime_reproduces_the_ensemble_s_golden_outputs(ensemble):
    done = subprocess.run(["node", "-e", ORT_PARITY, str(ensemble / "model-e")], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    r = json.loads(done.stdout)
    assert r["probabilities"] <= r["tolerance"]["probabilities"]
    cam = golden(ensemble / "model-e", "cam")
    assert r["cam"] <= r["tolerance"]["camRelative"] * np.abs(cam).max()
