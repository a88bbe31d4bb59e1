"""Augmentation modes: "flip" only mirrors left-right (each exam either unchanged or mirrored, both
sequences alike); the others keep the shape and the pairing of T1 and STIR; unknown names are refused."""

import pytest
import torch

from models.training.augment import AUGMENTATIONS, augment_pair


def pair(b=6):
    g = torch.Generator().manual_seed(1)
    t1 = torch.randn(b, 1, 4, 8, 10, generator=g)
    return t1, t1 * 2 + 1  # STIR a known function of T1, so a shared flip is checkable


def test_flip_mode_mirrors_whole_exams_and_nothing_else():
    t1, stir = pair(32)
    a1, a2, _ = augment_pair(t1, stir, torch.Generator().manual_seed(3), "flip")
    flipped = 0
    for i in range(t1.shape[0]):
        same = torch.equal(a1[i], t1[i])
        mirrored = torch.equal(a1[i], t1[i].flip(-1))
        assert same or mirrored
        flipped += int(mirrored and not same)
        assert torch.allclose(a2[i], a1[i] * 2 + 1)  # the STIR of an exam follows its T1
    assert 0 < flipped < t1.shape[0]  # a fair coin per exam: some of the 32, not all


def test_flip_mode_leaves_the_input_untouched():
    t1, stir = pair()
    before = t1.clone()
    augment_pair(t1, stir, torch.Generator().manual_seed(3), "flip")
    assert torch.equal(t1, before)


@pytest.mark.parametrize("mode", sorted(set(AUGMENTATIONS) - {"flip"}))
def test_other_modes_keep_shape_and_change_values(mode):
    t1, stir = pair()
    a1, a2, _ = augment_pair(t1, stir, torch.Generator().manual_seed(0), mode)
    assert a1.shape == t1.shape and a2.shape == stir.shape
    assert not torch.allclose(a1, t1)


@pytest.mark.parametrize("mode", sorted(AUGMENTATIONS))
def test_lesion_maps_follow_their_exam_and_stay_binary(mode):
    """A map that marks where T1 is high must still mark where the augmented T1 was high: flips and
    rotations move the map with the image (intensity transforms do not touch it)."""
    g = torch.Generator().manual_seed(5)
    t1 = torch.zeros(8, 1, 4, 16, 16)
    t1[:, :, :, 2:6, 1:4] = 1.0  # one bright block near the left edge of every exam
    maps = (t1 > 0.5).to(torch.uint8).repeat(1, 2, 1, 1, 1)
    a1, _, m = augment_pair(t1, t1.clone(), g, mode, maps)
    assert m.shape == maps.shape
    assert set(m.unique().tolist()) <= {0.0, 1.0}
    for i in range(t1.shape[0]):
        assert torch.equal(m[i, 0], m[i, 1])
        if mode == "flip":
            assert torch.equal(m[i, 0], (a1[i, 0] > 0.5).float())
        else:  # after interpolation the block's core is still where the map says
            assert a1[i, 0][m[i, 0] > 0].mean() > a1[i, 0][m[i, 0] == 0].mean() + 0.5


def test_no_maps_give_none():
    t1, stir = pair()
    assert augment_pair(t1, stir, torch.Generator().manual_seed(3), "flip")[2] is None


def test_unknown_mode_is_refused():
    t1, stir = pair()
    with pytest.raises(ValueError, match="unknown augmentation 'strong'"):
        augment_pair(t1, stir, torch.Generator(), "strong")


def whole_voxel_shift(out: torch.Tensor, src: torch.Tensor, max_shift: float):
    """The (dz, dy, dx, mirrored) for which out[z,y,x] == src[z+dz, y+dy, x+dx] (after an optional
    left-right mirror) wherever the source index is inside the volume, or None."""
    d, h, w = src.shape
    limits = [int(round(max_shift * n)) for n in (d, h, w)]
    for mirrored in (False, True):
        o = out.flip(-1) if mirrored else out
        for dz in range(-limits[0], limits[0] + 1):
            for dy in range(-limits[1], limits[1] + 1):
                for dx in range(-limits[2], limits[2] + 1):
                    a = o[max(0, -dz) : d - max(0, dz), max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)]
                    b = src[max(0, dz) : d - max(0, -dz), max(0, dy) : h - max(0, -dy), max(0, dx) : w - max(0, -dx)]
                    if torch.allclose(a, b, atol=1e-5):
                        return dz, dy, dx, mirrored
    return None


def test_shift_mode_translates_by_whole_voxels_and_the_maps_go_along():
    """Every exam is moved by whole voxels (no interpolation blur), at most a tenth of each extent,
    the STIR and lesion maps by the same amount; the shifts differ between exams."""
    g = torch.Generator().manual_seed(7)
    t1 = torch.randn(12, 1, 10, 20, 30, generator=g)
    maps = (t1 > 1.0).to(torch.uint8).repeat(1, 2, 1, 1, 1)
    a1, a2, m = augment_pair(t1, t1 * 2 + 1, g, "shift", maps)
    shifts = []
    for i in range(t1.shape[0]):
        s = whole_voxel_shift(a1[i, 0], t1[i, 0], AUGMENTATIONS["shift"][3])
        assert s is not None, f"exam {i}: not a whole-voxel translation within the limit"
        shifts.append(s)
        assert torch.allclose(a2[i], a1[i] * 2 + 1, atol=1e-5)
        assert whole_voxel_shift(m[i, 0], maps[i, 0].float(), AUGMENTATIONS["shift"][3]) == s
    assert len({s[:3] for s in shifts}) > 3
