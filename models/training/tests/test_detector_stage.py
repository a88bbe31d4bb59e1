import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from models.training.detector_stage import cam_grid_map
from models.training.lesion_detector import DETECTOR_TARGETS, TOP_K, LesionDetector, readout_scores, top_k_mean
from models.training.tensors import read_f32, write_f32
from models.training.tests.test_pipeline import GRID, make_dataset

REPO = Path(__file__).resolve().parents[3]


def test_readouts_of_a_worked_example():
    p = np.zeros((4, 20, 20), np.float32)
    p[1, 2:4, 2:5] = 0.9  # six voxels
    p[2:4, 7, 7] = 0.6  # two voxels
    p[0, 0, 0] = 0.4
    r = readout_scores(p)
    assert r["max"] == np.float32(0.9)
    assert abs(r["top50"] - (6 * 0.9 + 2 * 0.6 + 0.4) / 50) < 1e-6
    assert abs(r["top200"] - (6 * 0.9 + 2 * 0.6 + 0.4) / 200) < 1e-6
    assert abs(float(top_k_mean(torch.from_numpy(p)[None], 7)[0]) - (6 * 0.9 + 0.6) / 7) < 1e-6
    assert set(r) == set(TOP_K)


def test_receptive_field_is_5_slices_by_15_by_15_voxels():
    torch.manual_seed(0)
    net = LesionDetector(4).eval()
    x = torch.randn(1, 1, 11, 41, 41, requires_grad=True)
    net(x)[0, 0, 5, 20, 20].backward()
    reached = (x.grad[0, 0].abs() > 0).nonzero()
    extent = [int(reached[:, i].max() - reached[:, i].min() + 1) for i in range(3)]
    assert extent == [5, 15, 15]


def test_the_cam_grid_map_is_the_maximum_of_each_cell():
    p = np.zeros((2, 8, 8), np.float32)
    p[1, 5, 2] = 0.7
    p[1, 4, 3] = 0.2
    pooled = cam_grid_map(p, [2, 2, 2])
    expected = np.zeros((2, 2, 2), np.float32)
    expected[1, 1, 0] = 0.7
    np.testing.assert_array_equal(pooled, expected)


def fake_model_outputs(dataset: Path, out: Path) -> None:
    """What onnx-outputs.mjs writes, from an identity 'denoiser' and a classifier logit that knows a little."""
    doc = json.loads((dataset / "dataset.json").read_text())
    out.mkdir()
    outputs = {}
    rng = np.random.default_rng(1)
    for e in doc["exams"]:
        for sequence in ("t1", "stir"):
            write_f32(out / f"{e['id']}.{sequence}denoised.f32", read_f32(dataset / e["files"][sequence], GRID))
        z = [float(rng.normal() + (1.0 if e["labels"][t] else 0.0)) for t in ("active_inflammation", "asas_bme", "structural")]
        outputs[e["id"]] = {"logits": z, "logitsRawInput": z}
    (out / "outputs.json").write_text(json.dumps({"model": {"id": "fixture"}, "outputs": outputs}))


UNSEEN_POSITIVES = {"structural": 10, "active_inflammation": 10, "asas_bme": 7}  # site c: n % 4 < 2, n % 2, n % 3
# make_dataset draws a STIR lesion on active-positive exams only: ASAS-positive with one, n % 6 == 0
WITH_MASK = {**UNSEEN_POSITIVES, "asas_bme": 4}


@pytest.mark.parametrize("target", ["structural", "bme"])
def test_a_run_stacks_the_detector_on_each_task_s_classifier_logit_and_scores_the_unseen_site_once(tmp_path, target):
    (tmp_path / "ds").mkdir()
    make_dataset(tmp_path / "ds", per_site=20)
    fake_model_outputs(tmp_path / "ds", tmp_path / "outputs")
    run = tmp_path / "run"
    subprocess.run(
        [sys.executable, "-m", "models.training.detector_stage", "--target", target, "--dataset", str(tmp_path / "ds"),
         "--model-outputs", str(tmp_path / "outputs"), "--run", str(run), "--unseen-site", "c", "--epochs", "2",
         "--width", "4", "--crop", "4", "16", "16", "--crops-per-exam", "2", "--cam-grid", "8", "8", "8"],
        check=True, capture_output=True, cwd=REPO,
    )
    report = json.loads((run / "report.json").read_text())
    tasks = list(DETECTOR_TARGETS[target].tasks)
    assert report["target"]["tasks"] == tasks and list(report["tasks"]) == tasks
    assert report["split"] == {"train": 32, "validation": 8, "unseen": 20}
    assert report["detector"]["readout"] in TOP_K and len(report["detector"]["history"]) == 2
    scores = report["unseenExamScores"]
    assert len(scores) == 20
    for task, r in report["tasks"].items():
        w, b = r["stacker"]["weights"], r["stacker"]["bias"]
        assert len(w) == 2
        for s in scores.values():  # the reported probability is the stack of the two reported logits
            z = w[0] * s[task]["classifierLogit"] + w[1] * s["detectorLogit"] + b
            assert abs(s[task]["probability"] - 1 / (1 + np.exp(-z))) < 1e-9
        stacked = r["unseen"]["stacked"]
        assert stacked["positives"] == sum(s[task]["label"] for s in scores.values()) == UNSEEN_POSITIVES[task]
        called = sum(s[task]["probability"] >= r["threshold"] for s in scores.values())
        assert stacked["confusion"]["tp"] + stacked["confusion"]["fp"] == called
        game = r["unseen"]["pointingGame"]["camGrid"]
        assert game["sequence"] == DETECTOR_TARGETS[target].sequence
        assert game["positiveExamsWithMask"] == WITH_MASK[task] and 0 <= game["hits"] <= game["positiveExamsWithMask"]
    saved = torch.load(run / "detector.pt")
    assert saved["topK"] == TOP_K[report["detector"]["readout"]] and saved["width"] == 4 and saved["target"] == target


def run_stage(tmp_path: Path, run: Path, target: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "models.training.detector_stage", "--target", target, "--dataset", str(tmp_path / "ds"),
         "--model-outputs", str(tmp_path / "outputs"), "--run", str(run), "--unseen-site", "c", "--epochs", "2",
         "--width", "4", "--crop", "4", "16", "16", "--crops-per-exam", "2", "--cam-grid", "8", "8", "8", *extra],
        capture_output=True, text=True, cwd=REPO,
    )


def test_an_ensemble_averages_its_members_readout_logits_and_refuses_another_target_s_member(tmp_path):
    (tmp_path / "ds").mkdir()
    make_dataset(tmp_path / "ds", per_site=20)
    fake_model_outputs(tmp_path / "ds", tmp_path / "outputs")
    runs = [tmp_path / f"member{s}" for s in (0, 1)]
    for s, run in enumerate(runs):
        assert run_stage(tmp_path, run, "structural", "--init-seed", str(s)).returncode == 0
    done = run_stage(tmp_path, tmp_path / "ensemble", "structural", "--members", *map(str, runs))
    assert done.returncode == 0, done.stderr
    members = [json.loads((r / "report.json").read_text()) for r in runs]
    report = json.loads((tmp_path / "ensemble" / "report.json").read_text())
    assert [m["initSeed"] for m in report["detector"]["members"]] == [0, 1]
    assert report["seeds"]["init"] == [0, 1]
    for i, s in report["unseenExamScores"].items():  # each member scored the same exams alone
        expected = (members[0]["unseenExamScores"][i]["detectorLogit"] + members[1]["unseenExamScores"][i]["detectorLogit"]) / 2
        assert abs(s["detectorLogit"] - expected) < 1e-9
    assert report["minutes"] >= members[0]["minutes"] + members[1]["minutes"]
    saved = torch.load(tmp_path / "ensemble" / "detector.pt")
    assert saved["target"] == "structural" and len(saved["members"]) == 2
    assert [m["topK"] for m in saved["members"]] == [m["detector"]["topK"] for m in members]

    assert run_stage(tmp_path, tmp_path / "bme", "bme").returncode == 0
    refused = run_stage(tmp_path, tmp_path / "mixed", "structural", "--members", str(runs[0]), str(tmp_path / "bme"))
    assert refused.returncode != 0
    assert str(tmp_path / "bme" / "detector.pt") in refused.stderr and "cannot join a structural ensemble" in refused.stderr
