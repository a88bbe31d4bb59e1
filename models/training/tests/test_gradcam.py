"""The in-graph (analytic) Grad-CAM must equal torch.autograd Grad-CAM, for both head fusions, both
poolings and every kind of encoder output (last stage, with lesion-evidence maps, evidence only)."""

import dataclasses

import pytest
import torch

from models.training.classifier import DualEncoderClassifier
from models.training.config import TINY, feature_grid
from models.training.export import randomize, synthetic_volume
from models.training.gradcam import ClassifierWithCam, autograd_gradcam


def small_grid(fusion, pool="max_avg", evidence="none"):
    return dataclasses.replace(
        TINY,
        grid_size=(8, 48, 48),
        unet_grid_size=(8, 48, 48),
        encoder=dataclasses.replace(TINY.encoder, evidence=evidence),
        head=dataclasses.replace(TINY.head, fusion=fusion, pool=pool),
    )


@pytest.mark.parametrize("fusion", ["side_by_side", "sequence_pool"])
@pytest.mark.parametrize("pool", ["max", "max_avg"])
@pytest.mark.parametrize("evidence", ["none", "append", "only"])
def test_analytic_cam_matches_autograd(fusion, pool, evidence):
    cfg = small_grid(fusion, pool, evidence)
    torch.manual_seed(0)
    model = DualEncoderClassifier(cfg)
    randomize(model, 3)
    model.eval()
    t1 = torch.from_numpy(synthetic_volume(cfg.grid_size, 1)).reshape(1, 1, *cfg.grid_size)
    stir = torch.from_numpy(synthetic_volume(cfg.grid_size, 2)).reshape(1, 1, *cfg.grid_size)
    with torch.no_grad():
        prob, cam = ClassifierWithCam(model)(t1, stir)
        logits = model(t1, stir)
    ref = autograd_gradcam(model, t1, stir)
    assert cam.shape == (1, 3, 2, *feature_grid(cfg))
    assert ref.shape == cam.shape
    assert torch.allclose(prob, torch.sigmoid(logits), atol=1e-6)
    scale = ref.abs().max()
    assert scale > 0, "degenerate test: autograd CAM is all zero"
    # Non-trivial: some but not all voxels survive the ReLU, for several tasks and sequences.
    assert 0 < (ref > 0).float().mean() < 1
    assert (cam - ref).abs().max() <= 1e-5 * scale


def test_cam_changes_with_task_and_sequence():
    cfg = small_grid("side_by_side")
    torch.manual_seed(1)
    model = DualEncoderClassifier(cfg)
    randomize(model, 5)
    t1 = torch.from_numpy(synthetic_volume(cfg.grid_size, 3)).reshape(1, 1, *cfg.grid_size)
    with torch.no_grad():
        _, cam = ClassifierWithCam(model.eval())(t1, t1.flip(-1))
    assert not torch.allclose(cam[0, 0], cam[0, 1])
    assert not torch.allclose(cam[0, 0, 0], cam[0, 0, 1])


def test_unknown_fusion_is_rejected():
    cfg = small_grid("average")
    with pytest.raises(ValueError, match="unknown fusion 'average'"):
        DualEncoderClassifier(cfg)
