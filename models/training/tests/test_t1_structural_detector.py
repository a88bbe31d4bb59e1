import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

from models.training.experiments.t1_structural_detector import READOUTS, T1StructuralDetector, readouts
from models.training.tests.test_pipeline import make_dataset

REPO = Path(__file__).resolve().parents[3]


def test_readouts_of_a_worked_example():
    p = np.zeros((4, 10, 10), np.float32)
    p[1, 2:4, 2:5] = 0.9  # a blob of 6 voxels on one slice
    p[2:4, 7, 7] = 0.6  # a blob of 2 voxels over two slices
    p[0, 0, 0] = 0.4  # below 0.5: in the mass only
    r = readouts(p)
    assert r["max"] == np.float32(0.9)
    assert r["sum>0.5"] == 8
    assert r["blobs>=5"] == 1
    assert r["slices>0.5"] == 3
    assert abs(r["mass"] - (6 * 0.9 + 2 * 0.6 + 0.4)) < 1e-5
    assert abs(r["top50"] - (6 * 0.9 + 2 * 0.6 + 0.4) / 50) < 1e-6


def test_receptive_field_is_5_slices_by_15_by_15_voxels():
    torch.manual_seed(0)
    net = T1StructuralDetector(4).eval()
    x = torch.randn(1, 1, 11, 41, 41, requires_grad=True)
    net(x)[0, 0, 5, 20, 20].backward()
    reached = (x.grad[0, 0].abs() > 0).nonzero()
    extent = [int(reached[:, i].max() - reached[:, i].min() + 1) for i in range(3)]
    assert extent == [5, 15, 15]


def test_a_run_reports_the_validation_chosen_readout_on_the_unseen_site(tmp_path):
    (tmp_path / "ds").mkdir()
    make_dataset(tmp_path / "ds", per_site=8)
    out = tmp_path / "run"
    subprocess.run(
        [sys.executable, "-m", "models.training.experiments.t1_structural_detector", str(tmp_path / "ds"), str(out),
         "--unseen-site", "c", "--epochs", "2", "--width", "4", "--crop", "4", "16", "16", "--crops-per-exam", "2"],
        check=True, capture_output=True, cwd=REPO,
    )
    report = json.loads((out / "report.json").read_text())
    assert report["exams"] == {"train": 13, "validation": 3, "unseen": 8}
    assert report["readout"] in READOUTS
    assert report["unseen_auc"] == report["unseen"][report["readout"]]
    assert len(report["unseen_exam_scores"]) == 8
    hits, positives = map(int, report["pointing_game"].split("/"))
    assert positives == sum(s["structural"] for s in report["unseen_exam_scores"].values()) and hits <= positives
    assert (out / "detector.pt").exists()
