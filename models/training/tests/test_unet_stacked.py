"""The stacked-slice rewrite computes the same function as the 3D U-Net (PyTorch's Conv3d,
BatchNorm3d, MaxPool3d and ConvTranspose3d are the reference) and exports to 2D operators only."""

import dataclasses

import pytest
import torch

from models.training.config import REFERENCE, SMALL, TINY, UNetConfig
from models.training.export import export_unet, randomize
from models.training.tests.graphs import export_both_forms
from models.training.unet3d import UNet3d
from models.training.unet_stacked import StackedSliceUNet


def random_unet(cfg: UNetConfig, seed: int) -> UNet3d:
    torch.manual_seed(seed)
    unet = UNet3d(cfg)
    randomize(unet, seed)
    with torch.no_grad():
        # A correction of the order of the input (standard deviation 1), so that the comparison is
        # about the network and not dominated by the residual path (output = input + correction).
        unet.out.weight.copy_(torch.randn(unet.out.weight.shape))
    return unet.eval()


@pytest.mark.parametrize(
    "name, cfg, grid",
    [
        ("tiny", TINY.unet, TINY.unet_grid_size),
        ("small (shipped size)", SMALL.unet, SMALL.unet_grid_size),
        # The reference U-Net's levels and widths on a smaller plane, to keep the test quick.
        ("reference", REFERENCE.unet, (20, 64, 64)),
    ],
)
def test_stacked_unet_matches_the_3d_unet(name, cfg, grid):
    unet = random_unet(cfg, 3)
    x = torch.randn(1, 1, *grid)
    with torch.no_grad():
        expected = unet(x) - x
        got = StackedSliceUNet(unet, grid)(x) - x
    scale = expected.abs().max().item()
    assert scale > 0.25, f"{name}: the correction is too small to test"
    # float32 sums over up to 27 x 512 terms in a different order: 1e-5 of the largest value.
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-5 * scale)


def test_export_writes_only_2d_operators_with_the_3d_contract(tmp_path):
    unet = random_unet(TINY.unet, 4)
    grid = TINY.unet_grid_size
    stacked = export_both_forms(export_unet, unet, grid, tmp_path)
    weights = {t.name: list(t.dims) for t in stacked.graph.initializer}
    convs = [n for n in stacked.graph.node if n.op_type in ("Conv", "ConvTranspose")]
    assert convs and all(len(weights[n.input[1]]) == 4 for n in convs)
    assert not {"Resize", "Pad"} & {n.op_type for n in stacked.graph.node}


def test_rewrite_refuses_what_it_cannot_express():
    with pytest.raises(ValueError, match=r"needs a patch embedding of depth 1, got \[2, 2, 2\]"):
        StackedSliceUNet(UNet3d(dataclasses.replace(TINY.unet, patch=(2, 2, 2))), (20, 112, 112))
    with pytest.raises(ValueError, match=r"U-Net grid \[20, 100, 112\] is not divisible"):
        StackedSliceUNet(UNet3d(TINY.unet), (20, 100, 112))
    stacked = StackedSliceUNet(UNet3d(TINY.unet).eval(), (20, 112, 112))
    with pytest.raises(ValueError, match=r"expected a \[1, 1, 20, 112, W\] volume, got \[2, 1, 20, 112, 112\]"):
        stacked(torch.zeros(2, 1, 20, 112, 112))
