"""Rule labels and the lesion-burden ceiling on a worked example of four exams (counts by hand)."""

import json

import numpy as np
import pytest

from models.training.dataset import load_dataset
from models.training.evaluate import lesion_burden_ceiling, rule_labels
from models.training.tensors import write_f32

GRID = (2, 4, 4)
TASKS = ("active_inflammation", "asas_bme", "structural")
# Exam n has BME_VOXELS[n] voxels of BME (STIR code 1) and STRUCTURAL_VOXELS[n] of erosion (T1 code 6).
BME_VOXELS = [0, 2, 4, 8]
STRUCTURAL_VOXELS = [0, 0, 3, 1]
RULE = {"active_inflammation": [0, 0, 1, 1], "asas_bme": [0, 1, 1, 1], "structural": [0, 0, 1, 1]}
# Reader disagreement: exam 3's active-inflammation label is flipped.
REFERENCE = {**RULE, "active_inflammation": [0, 0, 1, 0]}


def mask(n_voxels, code):
    m = np.zeros(int(np.prod(GRID)), np.float32)
    m[:n_voxels] = code
    return m.reshape(GRID)


def make(folder, with_truth=True):
    exams = []
    for n in range(4):
        exam_id = f"e{n}"
        files = {}
        for key, data in (
            ("t1", np.zeros(GRID, np.float32)),
            ("stir", np.zeros(GRID, np.float32)),
            ("stirMask", mask(BME_VOXELS[n], 1)),
            ("t1Mask", mask(STRUCTURAL_VOXELS[n], 6)),
        ):
            write_f32(folder / f"{exam_id}.{key}.f32", data)
            files[key] = f"{exam_id}.{key}.f32"
        source = folder / exam_id
        source.mkdir()
        if with_truth:
            (source / "truth.json").write_text(json.dumps({"labelsByRule": {k: bool(RULE[k][n]) for k in TASKS}}))
        labels = {k: bool(REFERENCE[k][n]) for k in TASKS}
        exams.append({"id": exam_id, "site": "a", "labels": labels, "files": files, "source": {"folder": str(source)}})
    doc = {"schema": "sij-dataset/1", "grid": {"size": list(GRID), "spacing": [3.5, 2, 2]}, "normalisation": {"type": "zscore"}, "exams": exams}
    (folder / "dataset.json").write_text(json.dumps(doc))
    return load_dataset(folder)


def reference_matrix(ds, ids):
    return np.stack([ds.exam(i).label_vector() for i in ids])


def test_rule_labels_come_from_truth_json(tmp_path):
    ds = make(tmp_path)
    ids = [e.id for e in ds.exams]
    np.testing.assert_array_equal(rule_labels(ds, ids), np.array([RULE[k] for k in TASKS]).T)


def test_no_rule_labels_without_truth(tmp_path):
    ds = make(tmp_path, with_truth=False)
    assert rule_labels(ds, [e.id for e in ds.exams]) is None


def test_ceiling_worked_example(tmp_path):
    ds = make(tmp_path)
    ids = [e.id for e in ds.exams]
    c = lesion_burden_ceiling(ds, ids, reference_matrix(ds, ids), rule_labels(ds, ids))["tasks"]
    # Active vs reference: the one positive (4 voxels) outranks 0 and 2 but not the flipped exam (8): 2/3.
    assert c["active_inflammation"]["referenceLabels"] == pytest.approx(2 / 3)
    assert c["active_inflammation"]["ruleLabels"] == 1.0
    assert c["active_inflammation"]["labelsDiffering"] == 1
    assert c["asas_bme"] == {"referenceLabels": 1.0, "ruleLabels": 1.0, "labelsDiffering": 0}
    # Structural positives (3, 1 voxels) both outrank the two exams without erosion.
    assert c["structural"]["referenceLabels"] == 1.0


def test_ceiling_without_rule_labels(tmp_path):
    ds = make(tmp_path, with_truth=False)
    ids = [e.id for e in ds.exams]
    c = lesion_burden_ceiling(ds, ids, reference_matrix(ds, ids), None)["tasks"]
    assert c["active_inflammation"]["referenceLabels"] == pytest.approx(2 / 3)
    assert c["active_inflammation"]["ruleLabels"] is None
