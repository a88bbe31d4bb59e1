"""Shapes, grids and the exactness of the U-Net's up-sampling path."""

import dataclasses

import pytest
import torch

from models.training.classifier import DualEncoderClassifier
from models.training.config import PRESETS, REFERENCE, SMALL, TINY, UNetConfig, feature_grid
from models.training.unet3d import UNet3d


def test_reference_preset_has_the_published_feature_grid():
    # METHOD.md: at 16 x 192 x 192 the published stem gives a 2048 x 3 x 8 x 8 last stage.
    assert feature_grid(REFERENCE) == [3, 8, 8]


def test_feature_grid_matches_the_encoder():
    cfg = dataclasses.replace(TINY, grid_size=(20, 64, 64))
    model = DualEncoderClassifier(cfg).eval()
    with torch.no_grad():
        f, _ = model.features(torch.zeros(1, 1, *cfg.grid_size), torch.zeros(1, 1, *cfg.grid_size))
    assert list(f.shape[2:]) == feature_grid(cfg)
    assert feature_grid(SMALL) == [10, 7, 7]


@pytest.mark.parametrize("name", sorted(set(PRESETS) - {"reference"}))
def test_every_shipped_size_has_the_feature_grid_it_declares(name):
    cfg = PRESETS[name]
    with torch.no_grad():
        f, _ = DualEncoderClassifier(cfg).eval().features(*[torch.zeros(1, 1, *cfg.grid_size)] * 2)
    assert list(f.shape[2:]) == feature_grid(cfg)


def test_the_detector_sees_a_small_field_only():
    # config.py: cells of 3.5 x 8 x 8 mm, receptive field about 31 x 72 x 72 mm (9 x 36 x 36 voxels):
    # the input voxels that one central cell's evidence depends on, found by autograd.
    cfg = PRESETS["small-detector"]
    assert feature_grid(cfg) == [20, 28, 28]
    model = DualEncoderClassifier(cfg).eval()
    for m in model.modules():  # residual branches start at zero (identity blocks): open them
        if isinstance(m, torch.nn.BatchNorm3d):
            torch.nn.init.uniform_(m.weight, 0.5, 1.5)
    x = torch.randn(1, 1, *cfg.grid_size, requires_grad=True)
    f, _ = model.features(x, torch.zeros_like(x))
    f[0, 0, 10, 14, 14].backward()
    reach = (x.grad[0, 0].abs() > 0).nonzero()
    extent = (reach.max(0).values - reach.min(0).values + 1).tolist()
    assert extent == [9, 36, 36]


def test_unet_starts_as_identity_and_keeps_shape():
    u = UNet3d(TINY.unet).eval()
    x = torch.randn(1, 1, 20, 32, 32)
    with torch.no_grad():
        y = u(x)
    assert y.shape == x.shape
    assert torch.equal(y, x)


def test_unet_rejects_a_grid_that_does_not_divide():
    u = UNet3d(UNetConfig(widths=(4, 8, 8), pool=((1, 2, 2), (2, 2, 2))))
    u.check_grid((20, 112, 112))
    with pytest.raises(ValueError, match=r"U-Net grid \[21, 112, 112\] is not divisible by its total pooling \[2, 8, 8\]"):
        u.check_grid((21, 112, 112))


def test_bottleneck_encoder_builds():
    cfg = dataclasses.replace(
        REFERENCE,
        grid_size=(16, 48, 48),
        encoder=dataclasses.replace(REFERENCE.encoder, layers=(1, 1, 1, 1), widths=(4, 4, 8, 8), stem_channels=8),
        head=dataclasses.replace(REFERENCE.head, hidden=16),
    )
    model = DualEncoderClassifier(cfg).eval()
    x = torch.randn(1, 1, *cfg.grid_size)
    with torch.no_grad():
        assert model(x, x).shape == (1, 3)
    assert model.encoder.out_channels == 32
