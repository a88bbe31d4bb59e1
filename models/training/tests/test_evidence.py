"""Lesion-evidence maps at the end of the encoder (EncoderConfig.evidence): what each mode outputs,
and that training on the lesion masks makes the maps find the lesions of exams they never saw."""

import dataclasses

import numpy as np
import pytest
import torch

from models.training import train_classifier as tc
from models.training.classifier import DualEncoderClassifier
from models.training.config import SMALL, TINY
from models.training.dataset import TASKS
from models.training.lesion_maps import MAPS, cell_targets
from models.training.metrics import auc

from models.training.tests.lesion_exams import GRID, exams


def config(evidence):
    """TINY's widths with the shipped preset's stem (patch embedding, no max-pool, which would drop
    the dark T1 lesions after the ReLU)."""
    encoder = dataclasses.replace(
        TINY.encoder, stem_kernel=SMALL.encoder.stem_kernel, stem_stride=SMALL.encoder.stem_stride,
        stem_padding=SMALL.encoder.stem_padding, stem_pool_stride=None, evidence=evidence,
    )
    return dataclasses.replace(TINY, name="testgrid", grid_size=GRID, unet_grid_size=GRID, encoder=encoder)


@pytest.mark.parametrize("evidence", ["none", "append", "only"])
def test_each_mode_outputs_what_it_says(evidence):
    torch.manual_seed(0)
    model = DualEncoderClassifier(config(evidence)).eval()
    t1, stir = torch.randn(2, 1, *GRID), torch.randn(2, 1, *GRID)
    with torch.no_grad():
        f_t1, f_stir, e = model.features_and_evidence(t1, stir)
        last = model.encoder.stages(model.encoder.stem(torch.cat([t1, stir])))
    if evidence == "none":
        assert e is None and torch.equal(torch.cat([f_t1, f_stir]), last)
        return
    logits = model.encoder.evidence(last)  # per sequence, every map
    p = torch.sigmoid(logits)
    expected = p if evidence == "only" else torch.cat([last, p], dim=1)
    assert torch.allclose(torch.cat([f_t1, f_stir]), expected)
    assert model.encoder.out_channels == expected.shape[1]
    for m, (_, _, _, seq) in enumerate(MAPS):  # each map from its own sequence
        assert torch.allclose(e[:, m], logits[2 * seq : 2 * seq + 2, m])


def test_unknown_evidence_mode_is_refused():
    with pytest.raises(ValueError, match="unknown evidence 'maybe'"):
        DualEncoderClassifier(config("maybe"))


def test_evidence_maps_learn_to_find_lesions_in_new_exams():
    """Trained on 32 exams for 30 epochs (positives carry a bright STIR block), the built-in
    bone marrow edema map ranks the lesion cells of 8 unseen exams above their other cells, and the
    classifier, which reads nothing but the pooled maps, ranks the unseen positives above the negatives."""
    volumes, labels, maps = exams(40, seed=3)
    ids = sorted(volumes)
    train, test = ids[:32], ids[32:]
    torch.manual_seed(0)
    model, _ = tc.train_classifier(
        config("only"), volumes, labels, train, train, minutes=5, epochs=30, batch=4, lr=3e-3, smoothing=0, patience=30,
        augmentation="flip", lesion_maps=maps, lesion_map_weight=1.0, log=lambda _: None,
    )
    t1, stir = (torch.from_numpy(np.stack([volumes[i][k] for i in test])).unsqueeze(1) for k in (0, 1))
    with torch.no_grad():
        _, _, e = model.features_and_evidence(t1, stir)
        probs = torch.sigmoid(model(t1, stir)).numpy()
    cells = cell_targets(torch.from_numpy(np.stack([maps[i] for i in test])), e.shape[2:])
    bme = [name for name, _, _, _ in MAPS].index("bme")
    assert auc(cells[:, bme].flatten().numpy(), e[:, bme].flatten().numpy()) > 0.9
    y = np.array([labels[i][TASKS.index("asas_bme")] for i in test])
    assert auc(y, probs[:, TASKS.index("asas_bme")]) > 0.75  # 4 positives, 4 negatives: chance is 0.5
