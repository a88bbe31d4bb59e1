"""Lesion maps (the optional encoder-cell target): which mask codes count, how voxels become cells,
that each map is read from its own sequence's features, and that the loss falls when the head
says what the cells hold."""

import json

import numpy as np
import pytest
import torch

from models.training.dataset import load_dataset
from models.training.lesion_maps import (
    MAPS,
    LesionMapHead,
    cell_targets,
    exam_lesion_maps,
    lesion_map_loss,
    load_lesion_maps,
    prior_logits,
)
from models.training.tensors import write_f32

GRID = (4, 8, 8)


def write_exam(folder, exam_id, stir_codes=None, t1_codes=None):
    files = {}
    for key in ("t1", "stir"):
        write_f32(folder / f"{exam_id}.{key}.f32", np.zeros(GRID, np.float32))
        files[key] = f"{exam_id}.{key}.f32"
    for key, codes in (("stirMask", stir_codes), ("t1Mask", t1_codes)):
        if codes is not None:
            write_f32(folder / f"{exam_id}.{key}.f32", codes.astype(np.float32))
            files[key] = f"{exam_id}.{key}.f32"
    return {"id": exam_id, "site": "a", "labels": {"active_inflammation": 1, "asas_bme": 1, "structural": 1}, "files": files}


def write_dataset(folder, exams):
    doc = {"schema": "sij-dataset/1", "grid": {"size": list(GRID), "spacing": [3.5, 2, 2]}, "normalisation": {"type": "zscore"}, "exams": exams}
    (folder / "dataset.json").write_text(json.dumps(doc))
    return load_dataset(folder)


def test_maps_keep_only_the_lesions_the_label_rules_count(tmp_path):
    stir = np.zeros(GRID)
    stir[0, 0, 0] = 1  # BME: counts
    stir[0, 0, 1] = 2  # capsulitis: no active label on its own
    stir[0, 0, 2] = 5  # inflammation in erosion: not BME
    t1 = np.zeros(GRID)
    t1[1, 2, 3], t1[1, 2, 4], t1[1, 2, 5], t1[1, 2, 6] = 6, 7, 8, 10  # erosion, sclerosis, fat, ankylosis
    ds = write_dataset(tmp_path, [write_exam(tmp_path, "e1", stir, t1)])
    maps = exam_lesion_maps(ds, ds.exam("e1"))
    names = [m[0] for m in MAPS]
    assert maps.dtype == np.uint8 and maps.shape == (2, *GRID)
    bme, structural = maps[names.index("bme")], maps[names.index("structural")]
    assert list(zip(*np.nonzero(bme))) == [(0, 0, 0)]
    assert list(zip(*np.nonzero(structural))) == [(1, 2, 3), (1, 2, 5), (1, 2, 6)]  # sclerosis left out


def test_maps_need_every_mask(tmp_path):
    ds = write_dataset(tmp_path, [write_exam(tmp_path, "e1", np.zeros(GRID), None), write_exam(tmp_path, "e2", np.zeros(GRID), np.zeros(GRID))])
    assert exam_lesion_maps(ds, ds.exam("e1")) is None
    assert load_lesion_maps(ds, ["e2"]) is not None
    assert load_lesion_maps(ds, ["e2", "e1"]) is None  # all or nothing: no half-supervised batches


def test_cells_are_any_lesion_voxel_within_them():
    maps = torch.zeros(1, 1, 4, 8, 8, dtype=torch.uint8)
    maps[0, 0, 3, 5, 2] = 1  # cell (1, 1, 0) of a 2 x 2 x 2 grid of 2 x 4 x 4 voxels
    cells = cell_targets(maps, (2, 2, 2))
    expected = torch.zeros(1, 1, 2, 2, 2)
    expected[0, 0, 1, 1, 0] = 1
    assert torch.equal(cells, expected)
    with pytest.raises(ValueError, match="do not divide"):
        cell_targets(maps, (3, 2, 2))


def test_each_map_reads_its_own_sequence():
    head = LesionMapHead(3)
    f_t1, f_stir = torch.randn(2, 3, 2, 2, 2), torch.randn(2, 3, 2, 2, 2)
    out = head(f_t1, f_stir)
    for m, (_, _, _, seq) in enumerate(MAPS):
        assert torch.allclose(out[:, m], head.conv((f_t1, f_stir)[seq])[:, m])
        assert torch.allclose(head(f_t1 * (seq == 1), f_stir * (seq == 0))[:, m], head.conv.bias[m].expand(2, 2, 2, 2))


def test_loss_rewards_the_right_cells_and_weights_rare_positives():
    targets = torch.zeros(1, 2, 2, 4, 4)
    targets[0, :, 0, 0, 0] = 1  # one positive cell in 32 per map
    right = lesion_map_loss(targets * 20 - 10, targets)
    wrong = lesion_map_loss(10 - targets * 20, targets)
    assert right < 1e-3 < wrong
    # All-negative guess: the one positive cell costs as much as the 31 negatives together.
    silent = lesion_map_loss(torch.full_like(targets, -10.0), targets)
    expected = (31 * 10.0 * 1.0) / 32  # 31x weight on log(1 + e^10) ~ 10, over 32 cells
    assert abs(silent.item() - expected) < 0.05


def test_the_weight_cap_bounds_the_positives_and_one_means_plain_bce():
    targets = torch.zeros(1, 2, 2, 4, 4)
    targets[0, :, 0, 0, 0] = 1
    silent = torch.full_like(targets, -10.0)
    # Cap 4: the positive cell weighs 4 x ~10, over 32 cells.
    assert abs(lesion_map_loss(silent, targets, max_pos_weight=4).item() - 4 * 10.0 / 32) < 0.01
    # Cap 1: exactly PyTorch's unweighted BCE (calibrated maps).
    logits = torch.randn_like(targets)
    plain = torch.nn.functional.binary_cross_entropy_with_logits(logits, targets)
    assert torch.allclose(lesion_map_loss(logits, targets, max_pos_weight=1), plain)


def test_prior_logits_start_the_read_out_at_the_loss_optimum_of_a_constant_map():
    # 2 exams of 2 x 4 x 4 voxels on a 1 x 2 x 2 cell grid: 8 cells per map; BME in 2 cells, structural in 1.
    maps = {"a": np.zeros((2, 2, 4, 4), np.uint8), "b": np.zeros((2, 2, 4, 4), np.uint8)}
    maps["a"][0, 0, 0, 0] = maps["b"][0, 1, 3, 3] = 1
    maps["b"][1, 0, 2, 2] = 1
    q = torch.tensor([2 / 8, 1 / 8])
    plain = prior_logits(maps, ["a", "b"], (1, 2, 2), max_pos_weight=1)
    assert torch.allclose(plain, torch.log(q / (1 - q)))
    # Weighted, cap 5: w = min((1 - q) / q, 5) = 3 and 5 -> log(w q / (1 - q)) = log(1) and log(5/7).
    assert torch.allclose(prior_logits(maps, ["a", "b"], (1, 2, 2), max_pos_weight=5), torch.log(torch.tensor([1.0, 5 / 7])))
    # And it is where a constant map's loss is lowest.
    targets = cell_targets(torch.from_numpy(np.stack([maps["a"], maps["b"]])), (1, 2, 2))
    at = lesion_map_loss(plain.view(1, 2, 1, 1, 1).expand_as(targets), targets, 1)
    for shift in (-0.2, 0.2):
        assert at < lesion_map_loss((plain + shift).view(1, 2, 1, 1, 1).expand_as(targets), targets, 1)
