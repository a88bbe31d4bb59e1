"""End to end on a tiny synthetic dataset in the `sij dataset` format: training, evaluation,
report, then export from the checkpoints (golden tensors from a dataset exam)."""

import dataclasses
import json

import numpy as np
import pytest

from models.training import export, pipeline
from models.training.config import PRESETS, TINY
from models.training.dataset import load_dataset
from models.training.tensors import write_f32

GRID = (8, 32, 32)


def make_dataset(folder, sites=("a", "b", "c"), per_site=12, seed=0):
    rng = np.random.default_rng(seed)
    exams = []
    for s in sites:
        for n in range(per_site):
            exam_id = f"{s}{n:02d}"
            labels = {"active_inflammation": n % 2 == 0, "asas_bme": n % 3 == 0, "structural": n % 4 < 2}
            clean = {}
            files = {}
            for seq in ("t1", "stir"):
                v = np.zeros(GRID, np.float32)
                v[2:6, 8:24, 8:24] = 1.0
                mask = np.zeros(GRID, np.float32)
                if (seq == "stir" and labels["active_inflammation"]) or (seq == "t1" and labels["structural"]):
                    v[3:5, 10:14, 18:22] = 3.0
                    mask[3:5, 10:14, 18:22] = 1 if seq == "stir" else 6  # phantom codes: BME, erosion
                clean[seq] = v
                raw = v * (1 + 0.2 * np.linspace(-1, 1, GRID[2])) + 0.3 * rng.standard_normal(GRID)
                raw = (raw - raw.mean()) / raw.std()
                for key, data in ((seq, raw), (f"{seq}Clean", v), (f"{seq}Mask", mask)):
                    name = f"{exam_id}.{key}.f32"
                    write_f32(folder / name, data)
                    files[key] = name
            exams.append({"id": exam_id, "site": s, "labels": labels, "files": files})
    doc = {"schema": "sij-dataset/1", "grid": {"size": list(GRID), "spacing": [3.5, 2, 2]}, "normalisation": {"type": "zscore"}, "exams": exams}
    (folder / "dataset.json").write_text(json.dumps(doc))


@pytest.fixture()
def test_preset(monkeypatch):
    cfg = dataclasses.replace(TINY, name="testgrid", grid_size=GRID, unet_grid_size=GRID)
    monkeypatch.setitem(PRESETS, "testgrid", cfg)
    return cfg


def test_pipeline_and_export(tmp_path, test_preset):
    data = tmp_path / "data"
    data.mkdir()
    make_dataset(data)
    run = tmp_path / "run"
    args = ["--dataset", str(data), "--unseen-site", "c", "--run", str(run), "--preset", "testgrid",
            "--minutes-unet", "0.03", "--minutes-classifier", "0.05", "--minutes-ablation", "0.05", "--epochs", "2", "--bootstrap", "50"]
    assert pipeline.main(args) == 0
    report = json.loads((run / "report.json").read_text())
    assert report["trainingData"]["unseenSite"] == "c"
    assert report["trainingData"]["examsPerSplit"]["unseen"] == 12
    unseen = report["metrics"]["unseenSite"]
    for key in ("active_inflammation", "asas_bme", "structural"):
        m = unseen[key]
        c = m["confusion"]
        assert c["tp"] + c["fp"] + c["tn"] + c["fn"] == 12
        assert 0 <= m["auc"] <= 1
        assert m["aucCI"][0] <= m["aucCI"][1]
        assert 0 < report["thresholds"][key] < 1
    pg = report["metrics"]["pointingGame"]["active_inflammation"]
    assert pg["positiveExamsWithMask"] == 6 and pg["sequence"] == "stir"
    assert report["training"]["classifier"]["recipe"]["lesionMapWeight"] == 1.0  # the masks were used
    assert "lesion masks" in report["trainingData"]["description"]
    # The test exams carry a lesion exactly when labelled active / structural: a perfect counter scores 1.
    ceiling = report["metrics"]["lesionBurdenCeiling"]["tasks"]
    assert ceiling["active_inflammation"]["referenceLabels"] == 1.0 and ceiling["structural"]["referenceLabels"] == 1.0
    assert ceiling["active_inflammation"]["ruleLabels"] is None  # no truth.json: not phantoms
    assert report["metrics"]["unseenSiteRuleLabels"] is None
    den = report["metrics"]["denoiserUnseenSite"]["t1"]
    assert den["n"] == 12

    out = tmp_path / "model"
    assert export.main(["--checkpoints", str(run), "--report", str(run / "report.json"), "--out", str(out), "--golden-exam", f"{data}:c00"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["id"] == "sij-demo-synthetic"
    assert manifest["metrics"]["unseenSite"]["structural"]["n"] == 12
    card = (out / "MODEL_CARD.md").read_text()
    assert "Not for clinical use" in card and "Results on the unseen site (c)" in card
    assert any(f["path"] == "MODEL_CARD.md" for f in manifest["files"])
    assert [t["threshold"] for t in manifest["tasks"]] == [report["thresholds"][k] for k in ("active_inflammation", "asas_bme", "structural")]


def test_dataset_errors_name_the_file(tmp_path):
    (tmp_path / "dataset.json").write_text(json.dumps({"schema": "sij-dataset/0"}))
    with pytest.raises(ValueError, match=r"dataset.json: schema is 'sij-dataset/0'"):
        load_dataset(tmp_path)
    make_dataset(tmp_path, sites=("a",), per_site=1)
    ds = load_dataset(tmp_path)
    (tmp_path / "a00.t1.f32").write_bytes(b"\0" * 12)
    with pytest.raises(ValueError, match=r"a00.t1.f32: 12 bytes, expected 32768"):
        ds.volume(ds.exam("a00"), "t1")
