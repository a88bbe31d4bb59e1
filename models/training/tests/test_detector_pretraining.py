"""Detector pre-training: the early layers change while they are trained as a lesion detector, then
stay exactly as they were (weights and BatchNorm statistics) while the rest of the classifier trains."""

import dataclasses

import pytest
import torch

from models.training import train_classifier as tc
from models.training.classifier import DualEncoderClassifier
from models.training.config import TINY, feature_grid
from models.training.detector_pretraining import early_layers, pretrain_detector
from models.training.lesion_maps import prior_logits
from models.training.tests.lesion_exams import CFG, exams

def snapshot(module):
    return {k: v.clone() for k, v in module.state_dict().items()}


def train_with_detector(monkeypatch, cfg):
    """train_classifier with two detector epochs on the toy exams -> (the untrained model of the same
    seed, the detector's state right after pre-training, the trained model, its info)."""
    volumes, labels, maps = exams()
    ids = sorted(volumes)
    after_pretraining = {}
    real = tc.pretrain_detector

    def recording(model, *args, **kwargs):
        history = real(model, *args, **kwargs)
        after_pretraining.update(snapshot(early_layers(model)))
        return history

    monkeypatch.setattr(tc, "pretrain_detector", recording)
    torch.manual_seed(0)
    initial = DualEncoderClassifier(cfg)  # the same seed as train_classifier's
    model, info = tc.train_classifier(
        cfg, volumes, labels, ids, ids, minutes=5, epochs=2, batch=4, lr=1e-3, lesion_maps=maps, lesion_map_weight=1.0, detector_epochs=2, log=lambda _: None
    )
    return initial, after_pretraining, model, info


def test_early_layers_train_then_stay_frozen(monkeypatch):
    untrained, after_pretraining, model, info = train_with_detector(monkeypatch, CFG)
    initial = snapshot(early_layers(untrained))
    final = snapshot(early_layers(model))
    assert any(not torch.equal(initial[k], after_pretraining[k]) for k in initial)  # the detector trained
    for k in final:  # then nothing moved: weights and BatchNorm running statistics
        assert torch.equal(final[k], after_pretraining[k]), k
    assert not any(p.requires_grad for p in early_layers(model).parameters())
    assert any(p.requires_grad for p in model.encoder.stages[1].parameters())
    assert info["recipe"]["detectorEpochs"] == 2 and len(info["detectorHistory"]) == 2


def test_detector_needs_masks():
    volumes, labels, _ = exams()
    ids = sorted(volumes)
    with pytest.raises(ValueError, match="lesion masks"):
        tc.train_classifier(CFG, volumes, labels, ids, ids, minutes=1, epochs=1, batch=4, detector_epochs=1, log=lambda _: None)


def test_an_encoder_with_its_own_evidence_maps_is_trained_and_frozen_whole(monkeypatch):
    cfg = dataclasses.replace(CFG, encoder=dataclasses.replace(CFG.encoder, evidence="only"))
    untrained, after_pretraining, model, info = train_with_detector(monkeypatch, cfg)
    assert early_layers(model)[-1] is model.encoder.evidence  # the read-out is part of the detector
    assert not any(p.requires_grad for p in model.encoder.parameters())
    encoder_before, head_before = snapshot(early_layers(untrained)), snapshot(untrained.head)
    assert any(not torch.equal(v, after_pretraining[k]) for k, v in encoder_before.items())  # it trained
    assert all(torch.equal(v, after_pretraining[k]) for k, v in snapshot(early_layers(model)).items())  # then stayed put
    assert any(not torch.equal(v, snapshot(model.head)[k]) for k, v in head_before.items())  # the head trained on top
    assert len(info["detectorHistory"]) == 2


def test_the_detector_starts_its_own_evidence_read_out_at_the_prior_even_without_the_map_loss():
    # With no training epochs the read-out keeps its start: the training exams' lesion-cell log-odds.
    cfg = dataclasses.replace(CFG, encoder=dataclasses.replace(CFG.encoder, evidence="only"))
    volumes, _, maps = exams()
    ids = sorted(volumes)
    model = DualEncoderClassifier(cfg)
    pretrain_detector(model, volumes, maps, ids, 0, 4, 1e-3, torch.Generator().manual_seed(0), "flip", lambda _: None, "t", 1)
    assert torch.allclose(model.encoder.evidence.bias, prior_logits(maps, ids, feature_grid(cfg), 1))
