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
    a1, a2 = augment_pair(t1, stir, torch.Generator().manual_seed(3), "flip")
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
    a1, a2 = augment_pair(t1, stir, torch.Generator().manual_seed(0), mode)
    assert a1.shape == t1.shape and a2.shape == stir.shape
    assert not torch.allclose(a1, t1)


def test_unknown_mode_is_refused():
    t1, stir = pair()
    with pytest.raises(ValueError, match="unknown augmentation 'strong'"):
        augment_pair(t1, stir, torch.Generator(), "strong")
