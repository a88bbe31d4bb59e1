"""The stacked-slice encoder rewrite computes the same classifier outputs as the 3D network (PyTorch's
Conv3d and BatchNorm3d are the reference) and exports with the 3D graph's inputs and outputs."""

import dataclasses

import pytest
import torch

from models.training.classifier import DualEncoderClassifier
from models.training.classifier_stacked import StackedSliceClassifier
from models.training.config import REFERENCE, SMALL
from models.training.export import export_classifier, randomize
from models.training.gradcam import ClassifierWithCam
from models.training.tests.graphs import export_both_forms

# The reference topology (bottleneck blocks, stem (2,5,5)/(1,3,3), strides (1,1,1),(2,2,2)x3, no
# max-pool, sequence_pool fusion) with fewer blocks and channels, on a smaller plane to keep it quick.
SMALL_REFERENCE = dataclasses.replace(
    REFERENCE,
    grid_size=(16, 48, 48),
    encoder=dataclasses.replace(REFERENCE.encoder, layers=(1, 2, 1, 1), widths=(8, 8, 16, 16), stem_channels=8),
    head=dataclasses.replace(REFERENCE.head, hidden=32),
)


def random_classifier(cfg, seed: int) -> DualEncoderClassifier:
    torch.manual_seed(seed)
    model = DualEncoderClassifier(cfg)
    randomize(model, seed)
    return model.eval()


@pytest.mark.parametrize("grid", [(16, 48, 48), (15, 45, 47)], ids=["even", "odd sizes"])
def test_stacked_classifier_matches_the_3d_classifier(grid):
    model = random_classifier(SMALL_REFERENCE, 5)
    t1, stir = torch.randn(1, 1, *grid), torch.randn(1, 1, *grid)
    with torch.no_grad():
        expected_prob, expected_cam = ClassifierWithCam(model)(t1, stir)
        prob, cam = ClassifierWithCam(StackedSliceClassifier(model, grid))(t1, stir)
    assert expected_cam.shape == cam.shape
    assert 0.01 < expected_prob.min() and expected_prob.max() < 0.99, "saturated probabilities would hide differences"
    scale = expected_cam.abs().max().item()
    assert scale > 0
    # float32 sums over up to 27 x 16 terms per layer in a different order.
    torch.testing.assert_close(prob, expected_prob, rtol=0, atol=1e-5)
    torch.testing.assert_close(cam, expected_cam, rtol=0, atol=1e-5 * scale)


def test_export_keeps_the_contract_and_only_the_stem_is_3d(tmp_path):
    model = random_classifier(SMALL_REFERENCE, 6)
    grid = SMALL_REFERENCE.grid_size
    stacked = export_both_forms(export_classifier, model, grid, tmp_path)
    weights = {t.name: len(t.dims) for t in stacked.graph.initializer}
    ranks = sorted(weights[n.input[1]] for n in stacked.graph.node if n.op_type == "Conv")
    assert ranks.count(5) == 1 and set(ranks) == {4, 5}
    assert "Pad" not in {n.op_type for n in stacked.graph.node}


def test_rewrite_refuses_basic_blocks():
    with pytest.raises(ValueError, match="expected bottleneck blocks"):
        StackedSliceClassifier(random_classifier(SMALL, 1), SMALL.grid_size)
