import numpy as np
import pytest

from models.training.lesion_detector import DETECTOR_TARGETS, CropSampler, exam_volumes


def worked_masks():
    """T1 mask: an erosion (6) at slice 1 and sclerosis (7) at slice 3; STIR mask: BME (1) at slice 5, and BME
    over the erosion (the oedema around it)."""
    t1 = np.zeros((8, 16, 16), np.float32)
    t1[1, 4:6, 4:6] = 6
    t1[3, 10, 10] = 7
    stir = np.zeros_like(t1)
    stir[5, 8:10, 2:4] = 1
    stir[1, 4, 4:7] = 1
    return {"t1Mask": t1, "stirMask": stir}


def test_structural_exam_volumes_take_bme_outside_structural_lesions_as_a_second_mimic_source():
    target = DETECTOR_TARGETS["structural"]
    assert target.masks() == ("t1Mask", "stirMask")
    e = exam_volumes(np.zeros((2, 8, 16, 16), np.float32), worked_masks(), target)
    assert e.lesions.sum() == 4
    assert e.lesion_voxels.tolist() == [[1, 4, 4], [1, 4, 5], [1, 5, 4], [1, 5, 5]]
    own, bme = e.mimic_voxels
    assert own.tolist() == [[3, 10, 10]]
    # Four BME voxels at slice 5, and one of the three over the erosion that the erosion does not cover.
    assert bme.tolist() == [[1, 4, 6], [5, 8, 2], [5, 8, 3], [5, 9, 2], [5, 9, 3]]


def test_the_sampler_centres_mimic_crops_on_each_source_about_equally():
    target = DETECTOR_TARGETS["structural"]
    image = np.zeros((2, 8, 16, 16), np.float32)
    image[0] = np.arange(8 * 16 * 16).reshape(8, 16, 16)  # T1 channel: each voxel's index
    masks = worked_masks()
    masks["t1Mask"][1] = 0  # no target lesion: every crop below 0.6 is a mimic crop
    e = exam_volumes(image, masks, target)
    sample = CropSampler(np.zeros(image.shape[1:], bool), (1, 1, 1), np.random.default_rng(0))
    slices = {3: 0, 5: 0, 1: 0}
    for _ in range(4000):
        crop, _ = sample(e)
        z = int(crop[0, 0, 0, 0]) // (16 * 16)
        if z in slices:
            slices[z] += 1
    # With no lesion and no prone region, u < 0.6 makes a mimic crop, half of them per source (with the erosion
    # gone, all 7 BME voxels are mimics: 4 on slice 5, 3 on slice 1), and the rest fall on any voxel: 0.4 / 8
    # per slice. A 1-voxel crop with jitter 0 sits on its centre.
    anywhere = 0.4 / 8
    assert abs(slices[3] / 4000 - (0.30 + anywhere)) < 0.03
    assert abs(slices[5] / 4000 - (0.30 * 4 / 7 + anywhere)) < 0.03
    assert abs(slices[1] / 4000 - (0.30 * 3 / 7 + anywhere)) < 0.03


def test_a_target_with_one_mimic_source_keeps_it_in_one_group():
    target = DETECTOR_TARGETS["bme"]
    assert target.masks() == ("stirMask",)
    stir = np.zeros((4, 8, 8), np.float32)
    stir[1, 2, 2] = 1
    stir[2, 5, 5] = 3
    e = exam_volumes(np.zeros_like(stir)[None], {"stirMask": stir}, target)
    assert e.lesion_voxels.tolist() == [[1, 2, 2]]
    assert [m.tolist() for m in e.mimic_voxels] == [[[2, 5, 5]]]


def test_an_image_that_does_not_match_the_masks_is_refused():
    target = DETECTOR_TARGETS["structural"]
    with pytest.raises(ValueError, match=r"image \[8, 16, 16\].*2 channels \(t1, stir\) of \[8, 16, 16\]"):
        exam_volumes(np.zeros((8, 16, 16), np.float32), worked_masks(), target)
